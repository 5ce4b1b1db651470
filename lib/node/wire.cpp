#include "privfin/node/wire.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <variant>

#include "privfin/core/codec.hpp"

namespace privfin::node {

NodeMessage NodeMessage::consensus(Bytes engine_message) {
  NodeMessage m;
  m.kind = NodeMessageKind::consensus;
  m.payload = std::move(engine_message);
  return m;
}

NodeMessage NodeMessage::transaction(Bytes tx) {
  NodeMessage m;
  m.kind = NodeMessageKind::transaction;
  m.payload = std::move(tx);
  return m;
}

NodeMessage NodeMessage::transactions(std::vector<Bytes> txs) {
  std::size_t bytes = 0;
  for (const auto& tx : txs) {
    if (tx.empty()) throw InvalidArgument("NodeMessage: an empty transaction in a gossiped batch");
    bytes += tx.size();
  }
  if (txs.empty() || txs.size() > max_gossip_txs || bytes > max_gossip_bytes) {
    throw InvalidArgument("NodeMessage: a gossiped batch holds 1 to " + std::to_string(max_gossip_txs) +
                          " transactions of at most " + std::to_string(max_gossip_bytes) + " bytes together");
  }
  NodeMessage m;
  m.kind = NodeMessageKind::transactions;
  m.txs = std::move(txs);
  return m;
}

NodeMessage NodeMessage::sync_request(Height from, Height to) {
  if (from == 0 || from > to) throw InvalidArgument("NodeMessage: a sync request needs 1 <= from <= to");
  NodeMessage m;
  m.kind = NodeMessageKind::sync_request;
  m.from = from;
  m.to = to;
  return m;
}

NodeMessage NodeMessage::sync_response(std::vector<Decision> blocks) {
  if (blocks.size() > max_sync_blocks) throw InvalidArgument("NodeMessage: more blocks than a sync response holds");
  NodeMessage m;
  m.kind = NodeMessageKind::sync_response;
  m.blocks = std::move(blocks);
  return m;
}

NodeMessage NodeMessage::status(const Hash32& genesis, Height height) {
  NodeMessage m;
  m.kind = NodeMessageKind::status;
  m.genesis = genesis;
  m.to = height;
  return m;
}

NodeMessage NodeMessage::snapshot_request() {
  NodeMessage m;
  m.kind = NodeMessageKind::snapshot_request;
  return m;
}

NodeMessage NodeMessage::snapshot_offer(Bytes manifest) {
  if (manifest.size() > max_snapshot_bytes) throw InvalidArgument("NodeMessage: a manifest above 8 MiB");
  NodeMessage m;
  m.kind = NodeMessageKind::snapshot_offer;
  m.payload = std::move(manifest);
  return m;
}

NodeMessage NodeMessage::chunk_request(Height height, std::uint32_t index) {
  NodeMessage m;
  m.kind = NodeMessageKind::chunk_request;
  m.from = height;
  m.index = index;
  return m;
}

NodeMessage NodeMessage::chunk(Height height, std::uint32_t index, Bytes chunk) {
  if (chunk.size() > max_snapshot_bytes) throw InvalidArgument("NodeMessage: a snapshot chunk above 8 MiB");
  NodeMessage m;
  m.kind = NodeMessageKind::chunk;
  m.from = height;
  m.index = index;
  m.payload = std::move(chunk);
  return m;
}

NodeMessage NodeMessage::validators_request(Height height) {
  NodeMessage m;
  m.kind = NodeMessageKind::validators_request;
  m.from = height;
  return m;
}

NodeMessage NodeMessage::validators(Height height, std::vector<consensus::ValidatorSet> sets) {
  if (sets.size() > max_sets) throw InvalidArgument("NodeMessage: more than 3 validator sets");
  NodeMessage m;
  m.kind = NodeMessageKind::validators;
  m.from = height;
  m.sets = std::move(sets);
  return m;
}

Bytes NodeMessage::to_bytes() const {
  Writer w;
  w.version(format_version).u8(static_cast<std::uint8_t>(kind));
  switch (kind) {
    case NodeMessageKind::consensus:
    case NodeMessageKind::transaction: w.bytes(payload); break;
    case NodeMessageKind::sync_request: w.u64(from).u64(to); break;
    case NodeMessageKind::sync_response:
      w.varint(blocks.size());
      for (const auto& d : blocks) w.bytes(consensus::Message{d}.to_bytes());
      break;
    case NodeMessageKind::status: w.raw(genesis.v).u64(to); break;
    case NodeMessageKind::snapshot_request: break;
    case NodeMessageKind::snapshot_offer: w.bytes(payload); break;
    case NodeMessageKind::chunk_request: w.u64(from).u32(index); break;
    case NodeMessageKind::chunk: w.u64(from).u32(index).bytes(payload); break;
    case NodeMessageKind::validators_request: w.u64(from); break;
    case NodeMessageKind::validators:
      w.u64(from).varint(sets.size());
      for (const auto& s : sets) s.write(w);
      break;
    case NodeMessageKind::transactions:
      w.varint(txs.size());
      for (const auto& tx : txs) w.bytes(tx);
      break;
  }
  return std::move(w).take();
}

NodeMessage NodeMessage::from_bytes(ByteView bytes, const consensus::Limits& limits) {
  Reader r(bytes);
  r.expect_version(format_version, "node message");
  NodeMessage m;
  const auto kind = r.u8("node message kind");
  switch (kind) {
    case static_cast<std::uint8_t>(NodeMessageKind::consensus): {
      m.kind = NodeMessageKind::consensus;
      const auto p = r.bytes("consensus message");
      m.payload.assign(p.begin(), p.end());
      break;
    }
    case static_cast<std::uint8_t>(NodeMessageKind::transaction): {
      m.kind = NodeMessageKind::transaction;
      const auto p = r.bytes("transaction", limits.max_body);
      if (p.empty()) throw DecodeError("node message: empty transaction");
      m.payload.assign(p.begin(), p.end());
      break;
    }
    case static_cast<std::uint8_t>(NodeMessageKind::transactions): {
      m.kind = NodeMessageKind::transactions;
      const std::size_t count = r.length("gossiped transaction count", max_gossip_txs);
      if (count == 0) throw DecodeError("node message: an empty gossiped batch");
      m.txs.reserve(std::min(count, r.remaining() / 2));  // each takes at least two bytes
      std::size_t total = 0;
      for (std::size_t i = 0; i < count; ++i) {
        const auto p = r.bytes("gossiped transaction", limits.max_body);
        if (p.empty()) throw DecodeError("node message: gossiped transaction " + std::to_string(i) + " is empty");
        total += p.size();
        if (total > max_gossip_bytes) throw DecodeError("node message: a gossiped batch over its byte limit");
        m.txs.emplace_back(p.begin(), p.end());
      }
      break;
    }
    case static_cast<std::uint8_t>(NodeMessageKind::sync_request):
      m.kind = NodeMessageKind::sync_request;
      m.from = r.u64("sync from");
      m.to = r.u64("sync to");
      if (m.from == 0 || m.from > m.to) throw DecodeError("node message: sync request needs 1 <= from <= to");
      break;
    case static_cast<std::uint8_t>(NodeMessageKind::sync_response): {
      m.kind = NodeMessageKind::sync_response;
      const std::size_t count = r.length("sync block count", max_sync_blocks);
      for (std::size_t i = 0; i < count; ++i) {
        auto msg = consensus::Message::from_bytes(r.bytes("sync block"), limits);
        auto* d = std::get_if<Decision>(&msg.body);
        if (d == nullptr) throw DecodeError("node message: sync block " + std::to_string(i) + " is not a decision");
        if (i > 0 && d->block.header.height != m.blocks.back().block.header.height + 1) {
          throw DecodeError("node message: sync blocks out of height order");
        }
        m.blocks.push_back(std::move(*d));
      }
      break;
    }
    case static_cast<std::uint8_t>(NodeMessageKind::status): {
      m.kind = NodeMessageKind::status;
      const auto g = r.raw(32, "genesis hash");
      std::copy(g.begin(), g.end(), m.genesis.v.begin());
      m.to = r.u64("height");
      break;
    }
    case static_cast<std::uint8_t>(NodeMessageKind::snapshot_request):
      m.kind = NodeMessageKind::snapshot_request;
      break;
    case static_cast<std::uint8_t>(NodeMessageKind::snapshot_offer): {
      m.kind = NodeMessageKind::snapshot_offer;
      const auto p = r.bytes("snapshot manifest", max_snapshot_bytes);
      m.payload.assign(p.begin(), p.end());
      break;
    }
    case static_cast<std::uint8_t>(NodeMessageKind::chunk_request):
      m.kind = NodeMessageKind::chunk_request;
      m.from = r.u64("snapshot height");
      m.index = r.u32("chunk index");
      break;
    case static_cast<std::uint8_t>(NodeMessageKind::chunk): {
      m.kind = NodeMessageKind::chunk;
      m.from = r.u64("snapshot height");
      m.index = r.u32("chunk index");
      const auto p = r.bytes("snapshot chunk", max_snapshot_bytes);
      m.payload.assign(p.begin(), p.end());
      break;
    }
    case static_cast<std::uint8_t>(NodeMessageKind::validators_request):
      m.kind = NodeMessageKind::validators_request;
      m.from = r.u64("height");
      break;
    case static_cast<std::uint8_t>(NodeMessageKind::validators): {
      m.kind = NodeMessageKind::validators;
      m.from = r.u64("height");
      const std::size_t count = r.length("validator set count", max_sets);
      // ValidatorSet::read checks its own lengths and rules (DecodeError).
      for (std::size_t i = 0; i < count; ++i) m.sets.push_back(consensus::ValidatorSet::read(r, limits));
      break;
    }
    default: throw DecodeError("node message: unknown kind " + std::to_string(kind));
  }
  r.expect_end("node message");
  return m;
}

}  // namespace privfin::node
