// Feeds the consensus decoders: Message (proposal, vote, decision),
// ValidatorSet, CommitCertificate, Evidence, SafetyRecord. Input:
// [u8 which][bytes]. Oracles: each decoder ends in a value or DecodeError
// (never another exception or a crash); a decoded value re-encodes to the
// very same bytes (one accepted encoding per value).
#include <cstdint>

#include "privfin/consensus/engine.hpp"
#include "privfin/consensus/types.hpp"
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
  const auto which = in.u8() % 5;
  const ByteView bytes = in.rest();
  switch (which) {
    case 0: canonical(bytes, [](ByteView b) { return Message::from_bytes(b).to_bytes(); }); break;
    case 1: canonical(bytes, [](ByteView b) { return ValidatorSet::from_bytes(b).to_bytes(); }); break;
    case 2: canonical(bytes, [](ByteView b) { return CommitCertificate::from_bytes(b).to_bytes(); }); break;
    case 3: canonical(bytes, [](ByteView b) { return Evidence::from_bytes(b).to_bytes(); }); break;
    default: canonical(bytes, [](ByteView b) { return SafetyRecord::from_bytes(b).to_bytes(); }); break;
  }
  return 0;
}
