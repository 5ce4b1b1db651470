// Feeds the node's decoders (privfin/node/wire.hpp, node/genesis.hpp): every
// byte a peer sends on the bus reaches NodeMessage::from_bytes, and the
// genesis file reaches GenesisDocument::from_bytes. Input: [which:u8][bytes].
// Oracles: no crash, only DecodeError; a decoded value re-encodes and
// decodes to itself; a sync response never holds more than
// max_sync_blocks, in height order; a validators message at most max_sets
// sets; a gossiped batch at most max_gossip_txs non-empty transactions.
#include <cstdint>

#include "privfin/core/error.hpp"
#include "privfin/node/genesis.hpp"
#include "privfin/node/wire.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const bool genesis = (in.u8() & 1U) != 0;
  const ByteView bytes = in.rest();
  try {
    if (genesis) {
      const auto g = node::GenesisDocument::from_bytes(bytes);
      fuzz::require(node::GenesisDocument::from_bytes(g.to_bytes()) == g);
    } else {
      const auto m = node::NodeMessage::from_bytes(bytes);
      fuzz::require(m.blocks.size() <= node::NodeMessage::max_sync_blocks);
      fuzz::require(m.sets.size() <= node::NodeMessage::max_sets);
      fuzz::require(m.txs.size() <= node::NodeMessage::max_gossip_txs);
      for (const auto& tx : m.txs) fuzz::require(!tx.empty());
      for (std::size_t i = 1; i < m.blocks.size(); ++i) {
        fuzz::require(m.blocks[i].block.header.height == m.blocks[i - 1].block.header.height + 1);
      }
      fuzz::require(node::NodeMessage::from_bytes(m.to_bytes()) == m);
    }
  } catch (const DecodeError&) {
  }
  return 0;
}
