// Gossip with aggregation (gossip.hpp).
#include "privfin/consensus/gossip.hpp"

#include <algorithm>

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::consensus {

Gossip::Gossip(NodeId self, std::size_t n, GossipConfig config) : self_(self), n_(n), cfg_(config) {
  if (self_ >= n_) throw InvalidArgument("Gossip: self is not below n");
  if (cfg_.fanout == 0 || cfg_.interval <= 0) throw InvalidArgument("Gossip: fanout and interval must be positive");
}

std::vector<NodeId> Gossip::peers(const std::string& key, std::uint64_t tick) const { return peers(key, tick, cfg_.fanout); }

std::vector<NodeId> Gossip::peers(const std::string& key, std::uint64_t tick, std::size_t count) const {
  const std::size_t others = n_ - 1;  // every node but self, in order: position i holds i, or i + 1 from self on
  if (count >= others) {
    std::vector<NodeId> all;
    all.reserve(others);
    for (NodeId i = 0; i < n_; ++i) {
      if (i != self_) all.push_back(i);
    }
    return all;
  }
  // A partial Fisher-Yates shuffle of that list, driven by SHA-256(self,
  // tick, key, block). Only the positions it swaps are stored, so a draw
  // costs O(fanout), not O(n): at thousands of nodes every node draws for
  // every key at every tick.
  std::vector<std::pair<std::size_t, NodeId>> swapped;  // position -> node, where it differs from the list
  auto at = [&](std::size_t pos) {
    for (const auto& [p, node] : swapped) {
      if (p == pos) return node;
    }
    return static_cast<NodeId>(pos < self_ ? pos : pos + 1);
  };
  auto set = [&](std::size_t pos, NodeId node) {
    for (auto& [p, v] : swapped) {
      if (p == pos) {
        v = node;
        return;
      }
    }
    swapped.emplace_back(pos, node);
  };
  std::vector<NodeId> out;
  std::uint64_t block = 0;
  std::array<std::byte, 32> stream{};
  std::size_t used = 32;
  auto next = [&]() {
    if (used + 8 > stream.size()) {
      Writer w;
      w.string("privfin gossip peers").u32(self_).u64(tick).string(key).u64(block++);
      stream = Sha256::hash(w.data());
      used = 0;
    }
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(stream[used + i]) << (8 * i);
    used += 8;
    return v;
  };
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t j = k + static_cast<std::size_t>(next() % (others - k));
    const NodeId picked = at(j);
    set(j, at(k));
    set(k, picked);
    out.push_back(picked);
  }
  return out;
}

Gossip::Sends Gossip::put(const std::string& key, Bytes payload, TimePoint now, TimePoint expires) {
  Sends out;
  if (expires <= now) return out;
  const auto [it, fresh] = entries_.try_emplace(key);
  auto& e = it->second;
  if (fresh || now - e.pushed >= cfg_.interval / 2) {
    for (NodeId to : peers(key, ticks_ ^ 0x8000000000000000ULL)) out.emplace_back(to, payload);
    e.pushed = now;
  }
  e.payload = std::move(payload);
  e.expires = expires;
  return out;
}

Gossip::Sends Gossip::tick(TimePoint now) {
  Sends out;
  ++ticks_;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.expires <= now) {
      it = entries_.erase(it);
      continue;
    }
    for (NodeId to : peers(it->first, ticks_)) out.emplace_back(to, it->second.payload);
    it->second.pushed = now;
    ++it;
  }
  return out;
}

Bytes Gossip::digest_bytes() const {
  Writer w;
  w.u64(ticks_).varint(entries_.size());
  for (const auto& [k, e] : entries_) {
    w.string(k).bytes(e.payload).u64(static_cast<std::uint64_t>(e.expires)).u64(static_cast<std::uint64_t>(e.pushed));
  }
  return std::move(w).take();
}

AggregateVote single_aggregate(VoteType type, Height h, Round r, const Hash32& block, std::size_t n, NodeId signer,
                               Bytes signature) {
  AggregateVote a;
  a.type = type;
  a.height = h;
  a.round = r;
  a.block = block;
  a.counts.assign(n, 0);
  a.counts.at(signer) = 1;
  a.aggregate = std::move(signature);
  return a;
}

Fold fold_aggregate(AggregateVote& mine, const AggregateVote& theirs, Crypto& crypto, std::string_view chain_id) {
  if (theirs.counts.size() != crypto.committee_size() ||
      (!mine.counts.empty() && mine.counts.size() != theirs.counts.size())) {
    return Fold::invalid;
  }
  const bool mine_empty = std::none_of(mine.counts.begin(), mine.counts.end(), [](std::uint32_t c) { return c > 0; });
  bool adds = false, covers = true;
  if (mine_empty) {
    adds = std::any_of(theirs.counts.begin(), theirs.counts.end(), [](std::uint32_t c) { return c > 0; });
  } else {
    // Branch-free, so that it vectorizes: at thousands of validators every
    // delivered aggregate is scanned here.
    unsigned added = 0, uncovered = 0;
    for (std::size_t i = 0; i < theirs.counts.size(); ++i) {
      const unsigned t = theirs.counts[i] > 0 ? 1U : 0U, o = mine.counts[i] > 0 ? 1U : 0U;
      added |= t & ~o;
      uncovered |= o & ~t;
    }
    adds = (added & 1U) != 0;
    covers = (uncovered & 1U) == 0;
  }
  if (!adds) return Fold::no_news;
  if (!crypto.verify_counted(theirs.counts, theirs.signed_bytes(chain_id), theirs.aggregate)) return Fold::invalid;
  if (mine_empty || covers) {
    mine = theirs;
    return Fold::grown;
  }
  std::vector<std::uint32_t> sum(mine.counts.size());
  for (std::size_t i = 0; i < sum.size(); ++i) {
    const std::uint64_t s = std::uint64_t{mine.counts[i]} + theirs.counts[i];
    if (s > 0xFFFFFFFFU) return Fold::no_news;
    sum[i] = static_cast<std::uint32_t>(s);
  }
  Bytes agg;
  try {
    agg = crypto.add_aggregates(mine.aggregate, theirs.aggregate);
  } catch (const DecodeError&) {
    return Fold::invalid;
  }
  mine.counts = std::move(sum);
  mine.aggregate = std::move(agg);
  return Fold::grown;
}

}  // namespace privfin::consensus
