// Feeds the SPDZ2k client message decoder (service/spdz2k_clients.hpp):
// Spdz2kClientMessage::from_bytes, what a client runs on a compute party's
// masks or output and a compute party on a client's masked inputs. Input:
// [max count byte][message bytes]. Oracles: a message that decodes has at
// most max count values of a whole number of its kind's width and
// re-encodes to exactly the input (the format is canonical); anything else
// is refused with DecodeError.
#include <algorithm>
#include <cstdint>

#include "privfin/core/error.hpp"
#include "privfin/service/spdz2k_clients.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
using privfin::service::Spdz2kClientMessage;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const std::uint64_t max_count = in.u8();
  const ByteView bytes = in.take(size);
  try {
    const Spdz2kClientMessage m = Spdz2kClientMessage::from_bytes(bytes, max_count);
    fuzz::require(m.count() <= max_count);
    fuzz::require(m.values.size() == m.count() * Spdz2kClientMessage::width(m.kind));
    const Bytes again = m.to_bytes();
    fuzz::require(again.size() == bytes.size() && std::equal(again.begin(), again.end(), bytes.begin()));
  } catch (const DecodeError&) {
    // refused: fine
  }
  return 0;
}
