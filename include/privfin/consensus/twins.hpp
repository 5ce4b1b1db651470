// privfin/consensus/twins.hpp — Twins scenarios (Bano, Sonnino, Chursin,
// Perelman, Li, Malkhi, "Twins: BFT systems made robust", OPODIS 2021):
// a faulty validator is played by two honest processes with one key (its
// twins), and each round of a scenario fixes how the processes are
// partitioned and which validators are the round's leader candidates, in
// priority order. Equivocation, amnesia-like forks and partitioned views
// then come from honest code alone.
//
//   TwinsGenerator gen({.n = 4, .twins = 1, .max_partitions = 3, .rounds = 7, .max_candidates = 2});
//   TwinsScenario s = gen.sample(prg);                  // or gen.at(index) for the enumeration
//   SimConfig cfg = twins_config(s, gen.config(), SimEngine::gosig, /*seed=*/1);
//   SimResult r = simulate(cfg);                         // safety checkers on; liveness after the healed rounds
//
// One round's choices: a partition of the n + twins processes into at most
// max_partitions groups, written as a restricted growth string (group
// numbers in order of first appearance, so relabelled groups, the same
// partition, appear once), and an ordered list of at most max_candidates
// distinct validators (empty included). For n = 4, one twin, 3 groups and
// 2 candidates: 41 partitions x 17 lists = 697 choices per round, so
// 697^7 (about 8e19) scenarios of 7 rounds: far too many to run, hence
// at(index) for a prefix of the enumeration and sample() for a uniform
// draw. twins_config maps round r of the scenario to clock round r of
// Gosig (FixedSortition candidates) and to the same time window for
// Tendermint (whose proposers rotate as they always do: only the
// partitions apply), followed by `healed_rounds` rounds with no partition
// and the honest validators as candidates in turn. The twins are of the
// validators 0 .. twins-1. InvalidArgument for n < 1, twins > n,
// max_partitions < 1 or rounds < 1. Value type.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "privfin/consensus/simulator.hpp"
#include "privfin/core/prg.hpp"

namespace privfin::consensus {

struct TwinsConfig {
  std::size_t n = 4;
  std::size_t twins = 1;
  std::size_t max_partitions = 3;
  Round rounds = 7;
  std::size_t max_candidates = 2;
  Round healed_rounds = 3;
  TimePoint stage_one = 1'000'000'000;  // Gosig's stages; a scenario round lasts both
  TimePoint stage_two = 1'000'000'000;
};

struct TwinsRound {
  std::vector<std::uint8_t> group;  // per process: n validators, then the twins
  std::vector<NodeId> candidates;   // validators, lowest priority first
  friend bool operator==(const TwinsRound&, const TwinsRound&) = default;
};

struct TwinsScenario {
  std::vector<TwinsRound> rounds;
  [[nodiscard]] std::string describe() const;  // one line per round
  friend bool operator==(const TwinsScenario&, const TwinsScenario&) = default;
};

class TwinsGenerator {
 public:
  explicit TwinsGenerator(TwinsConfig config);
  [[nodiscard]] const TwinsConfig& config() const noexcept { return cfg_; }
  [[nodiscard]] const std::vector<std::vector<std::uint8_t>>& partitions() const noexcept { return partitions_; }
  [[nodiscard]] const std::vector<std::vector<NodeId>>& candidate_lists() const noexcept { return candidates_; }
  [[nodiscard]] std::uint64_t choices_per_round() const noexcept { return partitions_.size() * candidates_.size(); }
  // Scenario number `index` of the enumeration (mixed radix, round 0 the
  // fastest digit); indices wrap at choices_per_round()^rounds.
  [[nodiscard]] TwinsScenario at(std::uint64_t index) const;
  [[nodiscard]] TwinsScenario sample(Prg& prg) const;

 private:
  TwinsConfig cfg_;
  std::vector<std::vector<std::uint8_t>> partitions_;
  std::vector<std::vector<NodeId>> candidates_;
};

// The simulator run of a scenario (see above). The simulator's liveness
// checker then asks for two more heights within 4 * healed_rounds rounds
// after the last scenario round.
[[nodiscard]] SimConfig twins_config(const TwinsScenario& scenario, const TwinsConfig& config, SimEngine engine,
                                     std::uint64_t seed);

}  // namespace privfin::consensus
