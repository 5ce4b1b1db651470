// Feeds the ledger's proof decoders and verifiers: the transaction
// inclusion proof (consensus/tx_merkle.hpp), the state proof and the stored
// state-tree node (ledger/state_tree.hpp), and a consensus WAL entry as the
// store holds it (ledger/wal_store.hpp). Input: [u8 which][bytes].
// Oracles: a decoder ends in a value or DecodeError (never another
// exception or a crash); a decoded value re-encodes to the very same bytes;
// a verifier returns a bool and never throws.
#include <cstdint>

#include "privfin/ledger/state_tree.hpp"
#include "privfin/ledger/wal_store.hpp"
#include "privfin/consensus/tx_merkle.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
using namespace privfin::ledger;
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
  const auto which = in.u8() % 4;
  const ByteView bytes = in.rest();
  switch (which) {
    case 1:
      canonical(bytes, [](ByteView b) {
        const auto p = StateProof::from_bytes(b);
        (void)verify_state_proof(p, b, std::nullopt, empty_state_root());
        (void)verify_state_proof(p, b, Bytes(b.begin(), b.end()), empty_state_root());
        return p.to_bytes();
      });
      break;
    case 2: canonical(bytes, [](ByteView b) { return ledger::detail::canonical_state_node(b); }); break;
    case 3:
      // Never throws: a damaged entry is nullopt, a whole one re-encodes to itself.
      if (const auto e = wal_entry_from(bytes)) fuzz::require(fuzz::same(wal_entry(e->first, e->second), bytes));
      else fuzz::require(bytes.size() <= 4);
      break;
    default:
      canonical(bytes, [](ByteView b) {
        const auto p = InclusionProof::from_bytes(b);
        (void)verify_tx_inclusion(p, b, tx_empty_root());
        return p.to_bytes();
      });
      break;
  }
  return 0;
}
