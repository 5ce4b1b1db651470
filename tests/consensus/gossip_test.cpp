// Gossip with aggregation (gossip.hpp): deterministic fanout, expiry,
// latest value per key; counted aggregates that merge and verify with
// symbolic and real BLS crypto; quorums count distinct signers.
#include <catch2/catch.hpp>

#include <array>
#include <set>
#include <string>

#include "consensus_test_support.hpp"
#include "privfin/consensus/gossip.hpp"
#include "privfin/core/codec.hpp"
#include "privfin/core/hash.hpp"

using namespace privfin;
using namespace privfin::consensus;
using privfin::consensus::testing::Sample;
using privfin::consensus::testing::seed_of;

TEST_CASE("gossip: fanout distinct peers, never self, the same for the same tick, all peers when fanout >= n - 1",
          "[consensus][gossip]") {
  Gossip g(2, 10, {3, 100});
  std::set<std::vector<NodeId>> seen;
  for (std::uint64_t t = 0; t < 20; ++t) {
    const auto p = g.peers("k", t);
    REQUIRE(p.size() == 3);
    CHECK(std::set<NodeId>(p.begin(), p.end()).size() == 3);
    for (auto x : p) CHECK((x != 2 && x < 10));
    CHECK(p == g.peers("k", t));
    seen.insert(p);
  }
  CHECK(seen.size() > 10);  // spreads over the peers
  Gossip all(0, 4, {3, 100});
  CHECK(all.peers("k", 7) == std::vector<NodeId>{1, 2, 3});
  CHECK_THROWS_AS(Gossip(4, 4, {3, 100}), InvalidArgument);
  CHECK_THROWS_AS(Gossip(0, 4, {0, 100}), InvalidArgument);
}

namespace {
// The draw as it was first written: a partial Fisher-Yates shuffle over the
// full list of the other nodes, driven by SHA-256(self, tick, key, block).
// Gossip::peers stores only the swapped positions; it must draw the same.
std::vector<NodeId> full_shuffle_peers(NodeId self, std::size_t n, std::size_t fanout, const std::string& key,
                                       std::uint64_t tick) {
  std::vector<NodeId> others;
  for (NodeId i = 0; i < n; ++i) {
    if (i != self) others.push_back(i);
  }
  if (fanout >= others.size()) return others;
  std::vector<NodeId> out;
  std::uint64_t block = 0;
  std::array<std::byte, 32> stream{};
  std::size_t used = 32;
  for (std::size_t k = 0; k < fanout; ++k) {
    if (used + 8 > stream.size()) {
      Writer w;
      w.string("privfin gossip peers").u32(self).u64(tick).string(key).u64(block++);
      stream = Sha256::hash(w.data());
      used = 0;
    }
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(stream[used + i]) << (8 * i);
    used += 8;
    const std::size_t j = k + static_cast<std::size_t>(v % (others.size() - k));
    std::swap(others[k], others[j]);
    out.push_back(others[k]);
  }
  return out;
}
}  // namespace

TEST_CASE("gossip: the O(fanout) draw picks exactly the peers of a full partial shuffle", "[consensus][gossip]") {
  for (const std::size_t n : {2U, 3U, 5U, 10U, 257U, 10'000U}) {
    for (const std::size_t fanout : {1U, 3U, 7U, 12U}) {
      for (const NodeId self : {NodeId{0}, static_cast<NodeId>(n / 2), static_cast<NodeId>(n - 1)}) {
        const Gossip g(self, n, {fanout, 100});
        for (std::uint64_t tick = 0; tick < 6; ++tick) {
          for (const std::string key : {"a", "p/7/3"}) {
            INFO("n " << n << " fanout " << fanout << " self " << self << " tick " << tick << " key " << key);
            CHECK(g.peers(key, tick) == full_shuffle_peers(self, n, fanout, key, tick));
          }
        }
      }
    }
  }
}

TEST_CASE("gossip: latest value per key, pushed at put at most once per half interval, re-sent every tick until it "
          "expires",
          "[consensus][gossip]") {
  Gossip g(0, 8, {2, 100});
  CHECK(g.put("a", to_bytes("v1"), 0, 1000).size() == 2);
  CHECK(g.put("a", to_bytes("v2"), 10, 1000).empty());  // pushed 10 ago: waits for the tick
  CHECK(g.put("b", to_bytes("w"), 10, 500).size() == 2);  // a new key goes out at once
  CHECK(g.put("a", to_bytes("v3"), 50, 1000).size() == 2);  // half an interval since its push
  CHECK(g.put("a", to_bytes("v4"), 60, 1000).empty());
  CHECK(g.put("c", to_bytes("late"), 600, 500).empty());  // already expired: not kept
  CHECK(g.size() == 2);
  auto sends = g.tick(100);
  CHECK(sends.size() == 4);
  for (const auto& [to, bytes] : sends) CHECK((bytes == to_bytes("v4") || bytes == to_bytes("w")));
  CHECK(g.put("a", to_bytes("v5"), 120, 1000).empty());  // the tick pushed it 20 ago
  CHECK(g.put("a", to_bytes("v6"), 150, 1000).size() == 2);
  sends = g.tick(600);  // b expired
  CHECK(g.size() == 1);
  CHECK(sends.size() == 2);
  CHECK(g.tick(1000).empty());
  CHECK(g.size() == 0);
}

namespace {

AggregateVote single(const Sample& s, NodeId i, const Hash32& block) {
  SymbolicCrypto c(s.keys, i);
  return single_aggregate(VoteType::prevote, 1, 0, block, 4, i,
                          c.sign(Vote::signed_bytes(s.chain, VoteType::prevote, 1, 0, block)));
}

}  // namespace

TEST_CASE("fold_aggregate: overlapping aggregates merge with counts, verify, and count distinct signers",
          "[consensus][gossip]") {
  const Sample s;
  const Hash32 b = s.block().hash();
  SymbolicCrypto c(s.keys, std::nullopt);
  AggregateVote a01, a12, mine;
  CHECK(fold_aggregate(a01, single(s, 0, b), c, s.chain) == Fold::grown);
  CHECK(fold_aggregate(a01, single(s, 1, b), c, s.chain) == Fold::grown);
  CHECK(fold_aggregate(a12, single(s, 1, b), c, s.chain) == Fold::grown);
  CHECK(fold_aggregate(a12, single(s, 2, b), c, s.chain) == Fold::grown);
  CHECK(fold_aggregate(mine, a01, c, s.chain) == Fold::grown);   // empty: replaced
  CHECK(fold_aggregate(mine, single(s, 0, b), c, s.chain) == Fold::no_news);
  CHECK(fold_aggregate(mine, a12, c, s.chain) == Fold::grown);   // overlap on 1: counts add
  CHECK(mine.counts == std::vector<std::uint32_t>{1, 2, 1, 0});
  CHECK(c.verify_counted(mine.counts, mine.signed_bytes(s.chain), mine.aggregate));
  CHECK(mine.distinct_weight(s.validators) == 3);
  CHECK(s.validators.is_quorum(mine.distinct_weight(s.validators)));

  // Two distinct signers, counts summing to 3: not a quorum.
  AggregateVote twice = a01;
  twice.counts[0] = 2;
  twice.aggregate = c.add_aggregates(a01.aggregate, single(s, 0, b).aggregate);
  CHECK(c.verify_counted(twice.counts, twice.signed_bytes(s.chain), twice.aggregate));
  CHECK(twice.distinct_weight(s.validators) == 2);
  CHECK_FALSE(s.validators.is_quorum(twice.distinct_weight(s.validators)));

  // A forged aggregate that would add a signer is refused, ours unchanged.
  AggregateVote forged = single(s, 3, b);
  forged.aggregate[0] ^= std::byte{1};
  const auto before = mine;
  CHECK(fold_aggregate(mine, forged, c, s.chain) == Fold::invalid);
  CHECK(mine == before);
  // Under XOR (the certificate aggregate), a count of 2 would cancel: the
  // counted sum does not, so "signer 3 twice, aggregate zero" is refused.
  AggregateVote cancel = single(s, 3, b);
  cancel.counts[3] = 2;
  cancel.aggregate.assign(32, std::byte{0});
  CHECK_FALSE(c.verify_counted(cancel.counts, cancel.signed_bytes(s.chain), cancel.aggregate));
  // A committee of another size does not fit.
  AggregateVote other = single(s, 3, b);
  other.counts.push_back(0);
  CHECK(fold_aggregate(mine, other, c, s.chain) == Fold::invalid);
}

TEST_CASE("fold_aggregate with real BLS: MultiSig counts merge and verify", "[consensus][gossip][bls]") {
  namespace bls = sig::bls12_381;
  Prg prg(seed_of(3));
  std::vector<bls::SecretKey> sks;
  std::vector<Validator> vs;
  for (int i = 0; i < 4; ++i) {
    sks.push_back(bls::SecretKey::key_gen(prg.bytes(32)));
    vs.push_back(make_bls_validator(sks.back()));
  }
  const ValidatorSet set(vs);
  BlsCrypto checker(set, std::nullopt);
  const Hash32 b{};
  auto one = [&](NodeId i) {
    BlsCrypto signer(set, sks[i]);
    return single_aggregate(VoteType::precommit, 1, 0, b, 4, i,
                            signer.sign(Vote::signed_bytes("c", VoteType::precommit, 1, 0, b)));
  };
  AggregateVote a01, a12;
  CHECK(fold_aggregate(a01, one(0), checker, "c") == Fold::grown);
  CHECK(fold_aggregate(a01, one(1), checker, "c") == Fold::grown);
  CHECK(fold_aggregate(a12, one(1), checker, "c") == Fold::grown);
  CHECK(fold_aggregate(a12, one(2), checker, "c") == Fold::grown);
  CHECK(fold_aggregate(a01, a12, checker, "c") == Fold::grown);
  CHECK(a01.counts == std::vector<std::uint32_t>{1, 2, 1, 0});
  CHECK(verify_certificate(checker, set, "c", a01.certificate()));
  auto wrong = a01.certificate();
  wrong.counts[1] = 1;
  CHECK_FALSE(verify_certificate(checker, set, "c", wrong));
}
