// Twins scenarios (twins.hpp).
#include "privfin/consensus/twins.hpp"

#include <algorithm>
#include <sstream>

#include "privfin/core/error.hpp"

namespace privfin::consensus {

namespace {

// Every restricted growth string of length m with at most k distinct values.
void growth_strings(std::vector<std::uint8_t>& cur, std::size_t m, std::size_t k, std::uint8_t max_used,
                    std::vector<std::vector<std::uint8_t>>& out) {
  if (cur.size() == m) {
    out.push_back(cur);
    return;
  }
  const std::size_t limit = cur.empty() ? 1 : std::min<std::size_t>(k, std::size_t{max_used} + 2);
  for (std::size_t g = 0; g < limit; ++g) {
    cur.push_back(static_cast<std::uint8_t>(g));
    growth_strings(cur, m, k, std::max<std::uint8_t>(max_used, static_cast<std::uint8_t>(g)), out);
    cur.pop_back();
  }
}

void list_candidates(std::vector<NodeId>& cur, std::size_t n, std::size_t k, std::vector<std::vector<NodeId>>& out) {
  out.push_back(cur);
  if (cur.size() == k) return;
  for (NodeId v = 0; v < n; ++v) {
    if (std::find(cur.begin(), cur.end(), v) != cur.end()) continue;
    cur.push_back(v);
    list_candidates(cur, n, k, out);
    cur.pop_back();
  }
}

}  // namespace

TwinsGenerator::TwinsGenerator(TwinsConfig config) : cfg_(config) {
  if (cfg_.n < 1 || cfg_.twins > cfg_.n || cfg_.max_partitions < 1 || cfg_.rounds < 1 ||
      cfg_.n + cfg_.twins > 64) {
    throw InvalidArgument("TwinsGenerator: need 1 <= n <= 64, twins <= n, max_partitions >= 1, rounds >= 1");
  }
  std::vector<std::uint8_t> cur;
  growth_strings(cur, cfg_.n + cfg_.twins, cfg_.max_partitions, 0, partitions_);
  std::vector<NodeId> list;
  list_candidates(list, cfg_.n, cfg_.max_candidates, candidates_);
}

TwinsScenario TwinsGenerator::at(std::uint64_t index) const {
  TwinsScenario s;
  for (Round r = 0; r < cfg_.rounds; ++r) {
    const std::uint64_t choice = index % choices_per_round();
    index /= choices_per_round();
    s.rounds.push_back({partitions_[choice % partitions_.size()], candidates_[choice / partitions_.size()]});
  }
  return s;
}

TwinsScenario TwinsGenerator::sample(Prg& prg) const {
  TwinsScenario s;
  for (Round r = 0; r < cfg_.rounds; ++r) {
    const std::uint64_t choice = prg.next_u64() % choices_per_round();
    s.rounds.push_back({partitions_[choice % partitions_.size()], candidates_[choice / partitions_.size()]});
  }
  return s;
}

std::string TwinsScenario::describe() const {
  std::ostringstream o;
  for (std::size_t r = 0; r < rounds.size(); ++r) {
    o << "round " << r << ": groups";
    for (auto g : rounds[r].group) o << " " << static_cast<int>(g);
    o << ", candidates";
    if (rounds[r].candidates.empty()) o << " none";
    for (auto c : rounds[r].candidates) o << " " << c;
    o << "\n";
  }
  return o.str();
}

SimConfig twins_config(const TwinsScenario& scenario, const TwinsConfig& config, SimEngine engine, std::uint64_t seed) {
  SimConfig c;
  c.seed = seed;
  c.n = config.n;
  c.engine = engine;
  for (NodeId t = 0; t < config.twins; ++t) c.twins.push_back(t);
  const TimePoint round = config.stage_one + config.stage_two;
  c.gosig.stage_one = config.stage_one;
  c.gosig.stage_two = config.stage_two;
  const std::size_t processes = config.n + config.twins;
  for (std::size_t r = 0; r < scenario.rounds.size(); ++r) {
    const auto& group = scenario.rounds[r].group;
    std::uint8_t groups = 0;
    for (auto g : group) groups = std::max<std::uint8_t>(groups, static_cast<std::uint8_t>(g + 1));
    if (groups < 2) continue;
    for (std::uint8_t g = 0; g < groups; ++g) {  // cut each group from the rest, both ways
      Partition p;
      p.start = static_cast<TimePoint>(r) * round;
      p.end = static_cast<TimePoint>(r + 1) * round;
      p.side.resize(processes);
      for (std::size_t i = 0; i < processes; ++i) p.side[i] = group[i] == g;
      c.partitions.push_back(std::move(p));
    }
  }
  const auto rounds = static_cast<Round>(scenario.rounds.size());
  std::vector<NodeId> honest;
  for (NodeId v = static_cast<NodeId>(config.twins); v < config.n; ++v) honest.push_back(v);
  c.gosig.schedule = [scenario, rounds, honest](Height, Round r) {
    if (r < rounds) return scenario.rounds[r].candidates;
    if (honest.empty()) return std::vector<NodeId>{};
    return std::vector<NodeId>{honest[(r - rounds) % honest.size()]};
  };
  c.fault_end = static_cast<TimePoint>(rounds) * round;
  c.liveness_window = 4 * static_cast<TimePoint>(config.healed_rounds) * round;
  c.commit_after_heal_within = static_cast<TimePoint>(config.healed_rounds) * round;
  c.target_height = 1;
  return c;
}

}  // namespace privfin::consensus
