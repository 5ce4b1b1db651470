// privfin/node/wire.hpp — what consensus nodes say to each other over the
// message bus (net/message_bus.hpp): the engine's own messages, gossiped
// transactions, block sync (a request for a range of heights, answered
// with the blocks and their commit certificates) and state sync (a
// snapshot's manifest and chunks, node/state_sync.hpp).
//
//   Bytes out = NodeMessage::consensus(engine_bytes).to_bytes();
//   NodeMessage in = NodeMessage::from_bytes(received, limits);   // DecodeError if malformed
//   if (in.kind == NodeMessageKind::sync_response) for (auto& d : in.blocks) ...
//
// Format (docs/formats.md, "Node messages"): version 1, u8 kind, then
//   consensus (1):     bytes (a consensus::Message encoding, decoded by the engine)
//   transaction (2):   bytes (at most limits.max_body)
//   sync_request (3):  u64 from, u64 to (from <= to, from >= 1)
//   sync_response (4): varint count (at most max_sync_blocks), then per block
//                      bytes of consensus::Message{Decision}
//   status (5):        raw(32) genesis hash, u64 committed height
//   snapshot_request (6): nothing (which snapshot do you offer?)
//   snapshot_offer (7):   bytes manifest (ledger::SnapshotManifest; empty: none), at most max_snapshot_bytes
//   chunk_request (8):    u64 height, u32 index
//   chunk (9):            u64 height, u32 index, bytes chunk (at most max_snapshot_bytes)
//   validators_request (10): u64 height (which sets sign it and the next two?)
//   validators (11):      u64 height, varint count (at most 3), count x ValidatorSet
//                         (consensus/types.hpp): the sets of height, height + 1, ...
//   transactions (12):    varint count (1 to max_gossip_txs), count x bytes (each
//                         like a transaction's; together at most max_gossip_bytes):
//                         a client's batch gossiped as one message
// and nothing after. from_bytes checks every length against the bytes that
// remain before allocating and throws DecodeError naming the field; it
// does not verify certificates (the engine does, on BlockSynced).
#pragma once

#include <cstdint>
#include <vector>

#include "privfin/consensus/types.hpp"

namespace privfin::node {

using consensus::Decision;
using consensus::Hash32;
using consensus::Height;

enum class NodeMessageKind : std::uint8_t {
  consensus = 1,
  transaction = 2,
  sync_request = 3,
  sync_response = 4,
  status = 5,
  snapshot_request = 6,
  snapshot_offer = 7,
  chunk_request = 8,
  chunk = 9,
  validators_request = 10,
  validators = 11,
  transactions = 12,
};

struct NodeMessage {
  static constexpr std::uint8_t format_version = 1;
  static constexpr std::size_t max_sync_blocks = 64;
  // A manifest or one chunk of a snapshot (chunks are about 1 MiB).
  static constexpr std::size_t max_snapshot_bytes = std::size_t{8} << 20;

  NodeMessageKind kind = NodeMessageKind::consensus;
  Bytes payload;               // consensus, transaction; snapshot_offer: the manifest; chunk: the chunk
  Height from = 0, to = 0;     // sync_request; status: `to` is the height; chunk_request, chunk: `from` is the height
  std::uint32_t index = 0;     // chunk_request, chunk
  Hash32 genesis;              // status
  std::vector<Decision> blocks;  // sync_response, in height order
  std::vector<consensus::ValidatorSet> sets;  // validators: of heights from, from + 1, ...
  static constexpr std::size_t max_sets = 3;
  std::vector<Bytes> txs;      // transactions
  // A gossiped batch: at most as many transactions as the client API takes
  // in one POST, and as many bytes as a block body.
  static constexpr std::size_t max_gossip_txs = 10'000;
  static constexpr std::size_t max_gossip_bytes = std::size_t{1} << 20;

  [[nodiscard]] static NodeMessage consensus(Bytes engine_message);
  [[nodiscard]] static NodeMessage transaction(Bytes tx);
  // InvalidArgument if txs is empty, holds an empty transaction, or is
  // over max_gossip_txs or max_gossip_bytes.
  [[nodiscard]] static NodeMessage transactions(std::vector<Bytes> txs);
  [[nodiscard]] static NodeMessage sync_request(Height from, Height to);
  [[nodiscard]] static NodeMessage sync_response(std::vector<Decision> blocks);
  [[nodiscard]] static NodeMessage status(const Hash32& genesis, Height height);
  [[nodiscard]] static NodeMessage snapshot_request();
  [[nodiscard]] static NodeMessage snapshot_offer(Bytes manifest);
  [[nodiscard]] static NodeMessage chunk_request(Height height, std::uint32_t index);
  [[nodiscard]] static NodeMessage chunk(Height height, std::uint32_t index, Bytes chunk);
  [[nodiscard]] static NodeMessage validators_request(Height height);
  // InvalidArgument for more than max_sets sets.
  [[nodiscard]] static NodeMessage validators(Height height, std::vector<consensus::ValidatorSet> sets);

  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static NodeMessage from_bytes(ByteView bytes, const consensus::Limits& limits = {});
  friend bool operator==(const NodeMessage&, const NodeMessage&) = default;
};

}  // namespace privfin::node
