// Feeds Gosig's decoders (consensus/gosig_messages.hpp): GosigMessage
// (proposal with its sortition ticket and prepare certificate, aggregate
// vote with per-signer counts, decision with a counted certificate; a
// streamed proposal with its chunk manifest, a body chunk, a have-map, a
// chunk request, a decided header) and AggregateVote alone. Input: [u8 which][bytes]. Oracles: each decoder
// ends in a value or DecodeError (never another exception or a crash); a
// decoded value re-encodes to the very same bytes.
#include <cstdint>

#include "privfin/consensus/gosig_messages.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
using namespace privfin::consensus;

namespace {

template <class F>
void canonical(ByteView in, F decode_and_encode) {
  try {
    const Bytes back = decode_and_encode(in);
    fuzz::require(fuzz::same(back, in));
  } catch (const DecodeError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const auto which = in.u8() % 2;
  const ByteView bytes = in.rest();
  if (which == 0) {
    canonical(bytes, [](ByteView b) { return GosigMessage::from_bytes(b).to_bytes(); });
  } else {
    canonical(bytes, [](ByteView b) { return AggregateVote::from_bytes(b).to_bytes(); });
  }
  return 0;
}
