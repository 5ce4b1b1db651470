// privfin/consensus/gossip.hpp — Gosig's gossip with aggregation, as its
// own deterministic parts (no clock, no randomness, no sockets):
//   Gossip          the latest value per key, pushed to `fanout` peers when
//                   it changes (at most once per half interval: a value
//                   that changes faster goes out at the next tick) and
//                   again every `interval` until it expires;
//   fold_aggregate  merges a peer's aggregate of prepare or tentative-commit
//                   signatures into ours, BLS-style: counts add and the
//                   signatures add (MultiSig::merge_inplace; Crypto::
//                   add_aggregates), so overlapping aggregates from
//                   different gossip paths still verify.
//
//   Gossip g(self, n, {.fanout = 3, .interval = 100'000'000});
//   for (auto& [to, bytes] : g.put(key, payload, now, expires)) send(to, bytes);
//   for (auto& [to, bytes] : g.tick(now)) send(to, bytes);        // every interval
//   if (fold_aggregate(mine, theirs, crypto, chain_id) == Fold::grown) g.put(key, ..., now, expires);
//
// Peers are drawn by SHA-256 of (self, tick number, key), distinct and
// never self; with fanout >= n - 1 every peer gets every value. A quorum is
// counted over distinct signers (AggregateVote::distinct_weight), never
// over the sum of counts: counts only say how often gossip merged the same
// signature. Costs: put and tick are O(keys * fanout) sends; fold verifies
// the peer's aggregate (one aggregate verification, Crypto's CostModel)
// only when it would add a signer. Gossip throws InvalidArgument for
// self >= n or fanout == 0 or interval <= 0. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "privfin/consensus/crypto.hpp"
#include "privfin/consensus/gosig_messages.hpp"

namespace privfin::consensus {

struct GossipConfig {
  std::size_t fanout = 3;
  TimePoint interval = 100'000'000;  // 100 ms
};

class Gossip {
 public:
  using Sends = std::vector<std::pair<NodeId, Bytes>>;

  Gossip(NodeId self, std::size_t n, GossipConfig config);

  // Stores `payload` as the value of `key` until `expires` (replacing the
  // one before) and returns the pushes to make now: none if the key was
  // pushed less than half an interval ago (the next tick sends the latest
  // value). An aggregate grows with nearly every message at large n, and a
  // push per change was most of a round's traffic (docs/consensus.md).
  [[nodiscard]] Sends put(const std::string& key, Bytes payload, TimePoint now, TimePoint expires);
  // The periodic re-sends of every live value; forgets expired ones.
  [[nodiscard]] Sends tick(TimePoint now);
  void clear() noexcept { entries_.clear(); }

  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  [[nodiscard]] const GossipConfig& config() const noexcept { return cfg_; }
  // The peers a value goes to at tick number `tick` (exposed for tests).
  [[nodiscard]] std::vector<NodeId> peers(const std::string& key, std::uint64_t tick) const;
  // `count` of them instead of fanout (Gosig's body chunks have their own).
  [[nodiscard]] std::vector<NodeId> peers(const std::string& key, std::uint64_t tick, std::size_t count) const;
  // Keys, values and expiry, for the engine's state digest.
  [[nodiscard]] Bytes digest_bytes() const;

 private:
  struct Entry {
    Bytes payload;
    TimePoint expires = 0;
    TimePoint pushed = 0;  // when it last went out (put or tick)
  };
  NodeId self_;
  std::size_t n_;
  GossipConfig cfg_;
  std::map<std::string, Entry> entries_;  // keys: the caller's names, any bytes
  std::uint64_t ticks_ = 0;
};

enum class Fold : std::uint8_t {
  no_news,   // the peer's signers are all in ours already: nothing verified
  invalid,   // it would add signers but does not verify (or does not fit)
  grown,     // ours now has more distinct signers
};

// Folds `theirs` into `mine` (same type, height, round and block; the
// caller checks that). `mine` may have no signer yet (counts all zero),
// then a valid `theirs` replaces it. If theirs covers all of our signers it
// replaces ours; otherwise counts and signatures add. A count that would
// overflow keeps ours (no_news). `mine` is unchanged unless grown.
[[nodiscard]] Fold fold_aggregate(AggregateVote& mine, const AggregateVote& theirs, Crypto& crypto,
                                  std::string_view chain_id);

// A signer's own signature as an aggregate of one.
[[nodiscard]] AggregateVote single_aggregate(VoteType type, Height h, Round r, const Hash32& block, std::size_t n,
                                             NodeId signer, Bytes signature);

}  // namespace privfin::consensus
