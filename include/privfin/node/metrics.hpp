// privfin/node/metrics.hpp — what a node measures about itself for an
// operator: histograms of durations in the Prometheus text format, and the
// node's set of them (NodeMetrics), rendered at the client API's /metrics.
//
//   Histogram h({0.001, 0.01, 0.1, 1});        // upper bounds, seconds
//   h.observe(0.004);
//   std::string text = h.prometheus("privfin_fsync_seconds", "Synced writes.");
//
// A Histogram keeps a count per bucket (cumulative when rendered, as
// Prometheus wants), the sum and the count: O(buckets) memory, O(log
// buckets) per observation. Throws: InvalidArgument for bounds that are not
// strictly increasing. Not thread-safe (the node's thread owns them; the
// client API reads them through Node::post).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "privfin/consensus/engine.hpp"

namespace privfin::node {

class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void observe(double value);
  [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
  [[nodiscard]] double sum() const noexcept { return sum_; }
  // "# HELP", "# TYPE name histogram", name_bucket{le="..."} lines (the last
  // le="+Inf"), name_sum and name_count. `labels`: extra labels, e.g.
  // `step="prevote"` (then HELP and TYPE are left to the caller: pass
  // with_header = false for the second and later label sets of one name).
  [[nodiscard]] std::string prometheus(std::string_view name, std::string_view help, std::string_view labels = {},
                                       bool with_header = true) const;

 private:
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;  // per bucket, not cumulative; the last is +Inf
  std::uint64_t count_ = 0;
  double sum_ = 0;
};

// Durations in seconds, from 1 ms to 60 s.
[[nodiscard]] std::vector<double> latency_buckets();

// "propose", "prevote", "precommit".
[[nodiscard]] std::string_view step_name(consensus::Step s) noexcept;

struct NodeMetrics {
  // Time spent in each consensus step (propose, prevote, precommit) before
  // the node moved on.
  std::array<Histogram, 3> step_seconds{Histogram(latency_buckets()), Histogram(latency_buckets()),
                                        Histogram(latency_buckets())};
  // Rounds each committed height took (1 = decided in its first round).
  Histogram rounds_per_height{{1, 2, 3, 4, 6, 8, 16}};
  // Rounds that ended without a decision, by the step the node was in when
  // it moved on: no proposal in time (propose), no two-thirds of prevotes
  // for one value (prevote) or of precommits (precommit).
  std::array<std::uint64_t, 3> missed_rounds{};
  // From a transaction's admission at this node to its commit here.
  Histogram commit_latency_seconds{latency_buckets()};
  // Synced writes of the safety record (one per Persist).
  Histogram safety_fsync_seconds{latency_buckets()};
  // Executing a committed block and writing it in one synced batch.
  Histogram block_commit_seconds{latency_buckets()};
  // Time between consecutive commits.
  Histogram block_interval_seconds{latency_buckets()};
  // This node's proposals under min_block_interval (NodeSettings), each
  // counted once: made after waiting for the interval to pass, and made
  // before it because the mempool already held a full block's bytes, or
  // because its mempool had been quiet for proposal_quiet (NodeSettings).
  std::uint64_t proposals_held = 0;
  std::uint64_t proposals_full_early = 0;
  std::uint64_t proposals_quiet = 0;

  // Every metric above in the Prometheus text format.
  [[nodiscard]] std::string prometheus() const;
};

}  // namespace privfin::node
