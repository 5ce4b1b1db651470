// Feeds the state-sync snapshot decoders (ledger/snapshot.hpp): the
// manifest, which a peer offers, and the chunk, which peers serve.
// Input: [u8 which][bytes]. Oracles: a decoder ends in a value or
// DecodeError (never another exception, a crash or a huge allocation); a
// decoded value re-encodes to the very same bytes (the formats are
// canonical), and a decoded manifest's hash is the SHA-256 of the input.
#include <cstdint>

#include "privfin/core/hash.hpp"
#include "privfin/ledger/snapshot.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
using namespace privfin::ledger;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const auto which = in.u8() % 2;
  const ByteView bytes = in.rest();
  try {
    if (which == 0) {
      const auto m = SnapshotManifest::from_bytes(bytes);
      fuzz::require(fuzz::same(m.to_bytes(), bytes));
      fuzz::require(m.hash().v == Sha256::hash(bytes));
      fuzz::require(m.meta().chunks == m.chunk_hashes.size());
    } else {
      const auto c = SnapshotChunk::from_bytes(bytes);
      fuzz::require(fuzz::same(c.to_bytes(), bytes));
    }
  } catch (const DecodeError&) {
  }
  return 0;
}
