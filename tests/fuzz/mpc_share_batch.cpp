// Feeds the MPC client share decoder (service/mpc_share_batch.hpp):
// ShareBatch::from_bytes, what a compute party runs on an input party's
// message and an output party on a compute party's. Input: [max count
// byte][batch bytes]. Oracles: a batch that decodes has at most max count
// values per component, 1..max_components components of equal length, and
// re-encodes to exactly the input (the format is canonical); anything
// else is refused with DecodeError.
#include <algorithm>
#include <cstdint>

#include "privfin/core/error.hpp"
#include "privfin/service/mpc_share_batch.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
using privfin::service::ShareBatch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const std::uint64_t max_count = in.u8();
  const ByteView bytes = in.take(size);
  try {
    const ShareBatch batch = ShareBatch::from_bytes(bytes, max_count);
    fuzz::require(batch.count() <= max_count);
    fuzz::require(!batch.components.empty() && batch.components.size() <= ShareBatch::max_components);
    for (const auto& c : batch.components) fuzz::require(c.size() == batch.count());
    const Bytes again = batch.to_bytes();
    fuzz::require(again.size() == bytes.size() && std::equal(again.begin(), again.end(), bytes.begin()));
  } catch (const DecodeError&) {
    // refused: fine
  }
  return 0;
}
