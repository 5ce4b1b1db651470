// Proposer selection weighted by voting power (proposer.hpp): CometBFT's
// priority algorithm, run once over one period.
#include "privfin/consensus/proposer.hpp"

#include "privfin/core/error.hpp"

namespace privfin::consensus {

ProposerSchedule::ProposerSchedule(const ValidatorSet& validators) {
  const std::size_t n = validators.size();
  if (n == 0) throw InvalidArgument("ProposerSchedule: empty validator set");
  std::vector<std::int64_t> weight(n);
  std::uint64_t total = validators.total_weight();
  if (total > max_period) {
    // Scale down so that one period stays small; every validator of nonzero
    // weight keeps a turn (weight 0 never proposes).
    total = 0;
    for (NodeId i = 0; i < n; ++i) {
      const auto scaled = static_cast<std::uint64_t>(static_cast<long double>(validators.weight(i)) *
                                                     static_cast<long double>(max_period) /
                                                     static_cast<long double>(validators.total_weight()));
      weight[i] = static_cast<std::int64_t>(scaled == 0 && validators.weight(i) > 0 ? 1 : scaled);
      total += static_cast<std::uint64_t>(weight[i]);
    }
  } else {
    for (NodeId i = 0; i < n; ++i) weight[i] = static_cast<std::int64_t>(validators.weight(i));
  }
  // From all-zero priorities the priorities sum to zero after every
  // selection and return to zero after `total` selections: one period.
  std::vector<std::int64_t> priority(n, 0);
  sequence_.reserve(total);
  for (std::uint64_t k = 0; k < total; ++k) {
    NodeId best = 0;
    for (NodeId i = 0; i < n; ++i) {
      priority[i] += weight[i];
      if (priority[i] > priority[best]) best = i;
    }
    priority[best] -= static_cast<std::int64_t>(total);
    sequence_.push_back(best);
  }
}

}  // namespace privfin::consensus
