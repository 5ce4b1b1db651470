// Feeds net::PartyConfig::parse, which reads the cluster description file
// (JSON) every party loads at start-up. Input: the JSON text.
// Oracle: a configuration that parses is written back by to_json(), and that
// text must parse again to a configuration whose to_json() is the same text
// (what save() writes, load() reads back unchanged). Bad input must end in a
// privfin::Error; anything else escaping (nlohmann exceptions, bad_alloc) is
// a finding.
#include <cstdint>
#include <string>
#include <string_view>

#include "privfin/core/error.hpp"
#include "privfin/net/party_config.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string written;
  try {
    written = net::PartyConfig::parse(text).to_json();
  } catch (const Error&) {
    return 0;
  }
  // The written form must be accepted: no privfin::Error is expected here.
  const std::string again = net::PartyConfig::parse(written).to_json();
  fuzz::require(again == written);
  return 0;
}
