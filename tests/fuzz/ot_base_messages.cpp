// libFuzzer harness for the base-OT messages (ot::BaseOtSetup,
// ot::BaseOtChoice): the first byte picks the decoder; any input either
// throws DecodeError or decodes to a message that re-encodes to the same
// bytes and holds only canonical ristretto255 points.
#include <sodium.h>

#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "privfin/core/error.hpp"
#include "privfin/ot/messages.hpp"

namespace {
bool valid(const privfin::ot::Point& p) {
  return crypto_core_ristretto255_is_valid_point(reinterpret_cast<const unsigned char*>(p.data())) == 1;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  privfin::fuzz::Splitter split(privfin::fuzz::as_view(data, size));
  const std::uint8_t which = split.u8();
  const privfin::ByteView in = split.take(size);
  try {
    if (which % 2 == 0) {
      const auto m = privfin::ot::BaseOtSetup::from_bytes(in);
      privfin::fuzz::require(privfin::fuzz::same(m.to_bytes(), in));
      privfin::fuzz::require(m.count >= 1 && m.count <= privfin::ot::max_base_ots && valid(m.a));
    } else {
      const auto m = privfin::ot::BaseOtChoice::from_bytes(in);
      privfin::fuzz::require(privfin::fuzz::same(m.to_bytes(), in));
      privfin::fuzz::require(!m.b.empty() && m.b.size() <= privfin::ot::max_base_ots);
      for (const auto& p : m.b) privfin::fuzz::require(valid(p));
    }
  } catch (const privfin::DecodeError&) {
  }
  return 0;
}
