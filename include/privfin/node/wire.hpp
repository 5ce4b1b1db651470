// privfin/node/wire.hpp — what consensus nodes say to each other over the
// message bus (net/message_bus.hpp): the engine's own messages, gossiped
// transactions, and block sync (a request for a range of heights, answered
// with the blocks and their commit certificates).
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
};

struct NodeMessage {
  static constexpr std::uint8_t format_version = 1;
  static constexpr std::size_t max_sync_blocks = 64;

  NodeMessageKind kind = NodeMessageKind::consensus;
  Bytes payload;               // consensus, transaction
  Height from = 0, to = 0;     // sync_request; status: `to` is the height
  Hash32 genesis;              // status
  std::vector<Decision> blocks;  // sync_response, in height order

  [[nodiscard]] static NodeMessage consensus(Bytes engine_message);
  [[nodiscard]] static NodeMessage transaction(Bytes tx);
  [[nodiscard]] static NodeMessage sync_request(Height from, Height to);
  [[nodiscard]] static NodeMessage sync_response(std::vector<Decision> blocks);
  [[nodiscard]] static NodeMessage status(const Hash32& genesis, Height height);

  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static NodeMessage from_bytes(ByteView bytes, const consensus::Limits& limits = {});
  friend bool operator==(const NodeMessage&, const NodeMessage&) = default;
};

}  // namespace privfin::node
