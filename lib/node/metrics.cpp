#include "privfin/node/metrics.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "privfin/core/error.hpp"

namespace privfin::node {
namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds) : bounds_(std::move(upper_bounds)) {
  for (std::size_t i = 1; i < bounds_.size(); ++i) {
    if (!(bounds_[i - 1] < bounds_[i])) throw InvalidArgument("Histogram: bucket bounds must increase");
  }
  counts_.assign(bounds_.size() + 1, 0);
}

void Histogram::observe(double value) {
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);  // first bound >= value
  ++counts_[static_cast<std::size_t>(it - bounds_.begin())];
  ++count_;
  sum_ += value;
}

std::string Histogram::prometheus(std::string_view name, std::string_view help, std::string_view labels,
                                  bool with_header) const {
  std::ostringstream out;
  if (with_header) out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    cumulative += counts_[i];
    out << name << "_bucket{";
    if (!labels.empty()) out << labels << ',';
    out << "le=\"" << (i < bounds_.size() ? number(bounds_[i]) : std::string("+Inf")) << "\"} " << cumulative << '\n';
  }
  const auto with_labels = [&](std::string_view suffix) -> std::ostringstream& {
    out << name << suffix;
    if (!labels.empty()) out << '{' << labels << '}';
    out << ' ';
    return out;
  };
  with_labels("_sum") << number(sum_) << '\n';
  with_labels("_count") << count_ << '\n';
  return out.str();
}

std::vector<double> latency_buckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

std::string_view step_name(consensus::Step s) noexcept {
  switch (s) {
    case consensus::Step::propose: return "propose";
    case consensus::Step::prevote: return "prevote";
    case consensus::Step::precommit: return "precommit";
  }
  return "?";
}

std::string NodeMetrics::prometheus() const {
  std::ostringstream out;
  for (std::size_t s = 0; s < step_seconds.size(); ++s) {
    std::ostringstream label;
    label << "step=\"" << step_name(static_cast<consensus::Step>(s)) << '"';
    out << step_seconds[s].prometheus("privfin_step_seconds", "Time spent in each consensus step.", label.str(), s == 0);
  }
  out << rounds_per_height.prometheus("privfin_rounds_per_height", "Rounds each committed height took.");
  out << "# HELP privfin_missed_rounds_total Rounds that ended without a decision, by the step they ended in.\n"
         "# TYPE privfin_missed_rounds_total counter\n";
  for (std::size_t s = 0; s < missed_rounds.size(); ++s) {
    out << "privfin_missed_rounds_total{step=\"" << step_name(static_cast<consensus::Step>(s)) << "\"} "
        << missed_rounds[s] << '\n';
  }
  out << commit_latency_seconds.prometheus("privfin_commit_latency_seconds",
                                           "From a transaction's admission at this node to its commit.");
  out << safety_fsync_seconds.prometheus("privfin_safety_fsync_seconds", "Synced writes of the safety record.");
  out << block_commit_seconds.prometheus("privfin_block_commit_seconds",
                                         "Executing a committed block and its synced write.");
  out << block_interval_seconds.prometheus("privfin_block_interval_seconds", "Time between consecutive commits.");
  out << "# HELP privfin_proposals_paced_total This node's proposals under min_block_interval: made after waiting "
         "for it (held), or before it because the mempool held a full block (full_early) or had been quiet for "
         "proposal_quiet (quiet).\n"
         "# TYPE privfin_proposals_paced_total counter\n"
         "privfin_proposals_paced_total{outcome=\"held\"} "
      << proposals_held << "\nprivfin_proposals_paced_total{outcome=\"full_early\"} " << proposals_full_early
      << "\nprivfin_proposals_paced_total{outcome=\"quiet\"} " << proposals_quiet << '\n';
  return out.str();
}

}  // namespace privfin::node
