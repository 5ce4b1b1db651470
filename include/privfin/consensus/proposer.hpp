// privfin/consensus/proposer.hpp — proposer selection weighted by voting
// power: CometBFT's proposer-priority algorithm (CometBFT spec,
// consensus/proposer-selection.md) for one validator set (an engine makes
// a new schedule when the set changes). Every
// selection adds each validator's weight to its priority and picks the
// highest priority (ties: the lowest node id), which then loses the total
// weight. A validator with weight w of total W is picked exactly w times in
// every W consecutive selections, spread evenly, and the sequence repeats
// with period W.
//
//   ProposerSchedule schedule(validator_set);
//   NodeId p = schedule.proposer(height, round);   // selection number height + round
//
// The proposer of (height, round) is selection number height + round, a
// pure function of them (every node agrees without shared state, also after
// a restart). With equal weights it is validator (height + round) mod n.
// Departure from CometBFT: CometBFT numbers selections from 0 at height 1,
// round 0 (its proposer there is our proposer of height 0); and its
// centering and rescaling of priorities only matter when the set changes.
// Cost: the constructor runs one period, O(min(W, max_period) * n) time and
// O(min(W, max_period)) memory; proposer() is O(1). Above max_period the
// weights are scaled down to a total of about max_period first (each
// nonzero one at least 1; a member of weight 0 is never picked), so the proportions hold to about n / max_period. Throws
// InvalidArgument for an empty set. Value type; thread-safe as values are.
#pragma once

#include <cstdint>
#include <vector>

#include "privfin/consensus/types.hpp"

namespace privfin::consensus {

class ProposerSchedule {
 public:
  static constexpr std::uint64_t max_period = std::uint64_t{1} << 16;

  explicit ProposerSchedule(const ValidatorSet& validators);

  // The validator picked at selection number k (k = 0, 1, ...).
  [[nodiscard]] NodeId at(std::uint64_t k) const noexcept { return sequence_[k % sequence_.size()]; }
  [[nodiscard]] NodeId proposer(Height h, Round r) const noexcept { return at(h + r); }
  [[nodiscard]] std::size_t period() const noexcept { return sequence_.size(); }

 private:
  std::vector<NodeId> sequence_;
};

}  // namespace privfin::consensus
