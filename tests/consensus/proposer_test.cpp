// Proposer selection weighted by voting power (proposer.hpp): exact
// proportions per period, even spread, determinism, equal weights rotate by
// index, huge weights are scaled, and the engine and the simulator follow it.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "privfin/consensus/crypto.hpp"
#include "privfin/consensus/proposer.hpp"
#include "privfin/consensus/simulator.hpp"
#include "privfin/consensus/tendermint.hpp"
#include "privfin/core/prg.hpp"

using namespace privfin;
using namespace privfin::consensus;

namespace {

ValidatorSet weighted(const std::vector<std::uint64_t>& weights) {
  Prg::Seed seed{};
  seed[0] = std::byte{7};
  return SymbolicKeys::make(seed, weights.size())->validator_set(weights);
}

std::vector<std::uint64_t> counts(const ProposerSchedule& s, std::size_t n, Height first, Height heights) {
  std::vector<std::uint64_t> c(n, 0);
  for (Height h = first; h < first + heights; ++h) ++c.at(s.proposer(h, 0));
  return c;
}

}  // namespace

TEST_CASE("proposer: equal weights rotate by index, (height + round) mod n", "[consensus][proposer]") {
  for (const std::size_t n : {std::size_t{1}, std::size_t{4}, std::size_t{7}, std::size_t{10}}) {
    const ProposerSchedule s(weighted(std::vector<std::uint64_t>(n, 1)));
    CHECK(s.period() == n);
    for (Height h = 0; h < 50; ++h) {
      for (Round r = 0; r < 5; ++r) CHECK(s.proposer(h, r) == (h + r) % n);
    }
  }
}

TEST_CASE("proposer: each validator proposes in proportion to its weight, evenly spread", "[consensus][proposer]") {
  const std::vector<std::uint64_t> w{1, 2, 3, 4};
  const ProposerSchedule s(weighted(w));
  CHECK(s.period() == 10);
  // Over 10,000 heights (round 0): exactly 1,000, 2,000, 3,000, 4,000.
  CHECK(counts(s, 4, 1, 10'000) == std::vector<std::uint64_t>{1'000, 2'000, 3'000, 4'000});
  // In every window of one period, from any start: exactly w_i each.
  for (Height start = 0; start < 10; ++start) CHECK(counts(s, 4, start, 10) == w);
  // CometBFT's first selections for weights 1, 2, 3, 4 (ties to the lower id).
  std::vector<NodeId> first;
  for (std::uint64_t k = 0; k < 10; ++k) first.push_back(s.at(k));
  CHECK(first == std::vector<NodeId>{3, 2, 1, 3, 0, 2, 3, 1, 2, 3});

  // Random weights: exact per period, and within n of proportional in any
  // window of 1,000 heights.
  Prg prg(Prg::Seed{});
  for (int trial = 0; trial < 20; ++trial) {
    const std::size_t n = 2 + prg.next_u64() % 12;
    std::vector<std::uint64_t> ws(n);
    std::uint64_t total = 0;
    for (auto& x : ws) total += (x = 1 + prg.next_u64() % 100);
    const ProposerSchedule t(weighted(ws));
    REQUIRE(t.period() == total);
    CHECK(counts(t, n, 5, total * 3) == [&] {
      auto e = ws;
      for (auto& x : e) x *= 3;
      return e;
    }());
    const auto c = counts(t, n, 17, 1'000);
    for (std::size_t i = 0; i < n; ++i) {
      const double expected = 1'000.0 * static_cast<double>(ws[i]) / static_cast<double>(total);
      CHECK(std::abs(static_cast<double>(c[i]) - expected) <= static_cast<double>(n));
    }
  }
}

TEST_CASE("proposer: deterministic, a pure function of (height, round), and huge weights are scaled",
          "[consensus][proposer]") {
  const std::vector<std::uint64_t> w{5, 1, 9, 2, 7};
  const ProposerSchedule a(weighted(w)), b(weighted(w));
  for (Height h = 0; h < 500; ++h) {
    for (Round r = 0; r < 4; ++r) CHECK(a.proposer(h, r) == b.proposer(h, r));
    CHECK(a.proposer(h, 3) == a.proposer(h + 3, 0));  // selection number h + r
  }
  // Total weight 6e15: scaled to a period near max_period, proportions kept.
  const std::vector<std::uint64_t> big{1'000'000'000'000'000, 2'000'000'000'000'000, 3'000'000'000'000'000};
  const ProposerSchedule s(weighted(big));
  CHECK(s.period() <= ProposerSchedule::max_period);
  const auto c = counts(s, 3, 0, 60'000);
  CHECK(std::abs(static_cast<double>(c[0]) - 10'000.0) < 100.0);
  CHECK(std::abs(static_cast<double>(c[2]) - 30'000.0) < 100.0);
}

TEST_CASE("proposer: the engine and the simulator's agreed chain follow the weighted schedule",
          "[consensus][proposer][simulator]") {
  const std::vector<std::uint64_t> w{1, 2, 3, 4};
  const ProposerSchedule s(weighted(w));
  SymbolicCrypto crypto(SymbolicKeys::make(Prg::Seed{}, 4), 0);
  TendermintConfig tc;
  tc.chain_id = std::string("proposer-test");  // (not = "c": a false -Wrestrict in gcc 12 with sanitizers)
  tc.validators = weighted(w);
  const Tendermint engine(tc, crypto);
  for (Height h = 1; h < 40; ++h) CHECK(engine.proposer(h, 1) == s.proposer(h, 1));

  SimConfig cfg;
  cfg.n = 4;
  cfg.weights = w;
  cfg.target_height = 40;
  const auto r = simulate(cfg);
  INFO((r.ok() ? std::string() : r.violations.front()));
  REQUIRE(r.ok());
  REQUIRE(r.headers.size() >= 40);
  std::map<NodeId, int> made;
  for (Height h = 1; h <= 40; ++h) {
    const auto& hd = r.headers[h - 1];
    CHECK(hd.proposer == s.proposer(h, hd.round));
    ++made[hd.proposer];
  }
  CHECK(made[3] > 2 * made[0]);  // 16 and 4 when every height decides in round 0
}

TEST_CASE("proposer: a member of weight 0 never proposes, also when huge weights are scaled",
          "[consensus][proposer][validators]") {
  for (const auto& weights : {std::vector<std::uint64_t>{1, 0, 2, 1}, std::vector<std::uint64_t>{0, 1, 1, 1},
                              std::vector<std::uint64_t>{std::uint64_t{1} << 40, 0, 3, std::uint64_t{1} << 39}}) {
    const ProposerSchedule s(weighted(weights));
    for (std::uint64_t k = 0; k < s.period(); ++k) {
      INFO("selection " << k);
      CHECK(weights[s.at(k)] > 0);
    }
  }
}
