// The simulator's network model beyond latency, loss and partitions: zone
// latency matrices, clogging, selective silence and delayed votes. For each:
// a hand-made run shows that it acts (a statistic of the run moves), and
// the random scenarios that draw it pass every checker.
#include <catch2/catch.hpp>

#include <functional>

#include "privfin/consensus/simulator.hpp"

using namespace privfin;
using namespace privfin::consensus;

namespace {

constexpr TimePoint ms = 1'000'000;

// Seven honest nodes, 5 ms between any two, faults (here: the features
// under test) until 3 s.
SimConfig base() {
  SimConfig c;
  c.seed = 7;
  c.n = 7;
  c.target_height = 4;
  c.latency_min = c.latency_max = 5 * ms;
  c.jitter = 1 * ms;
  c.fault_end = 3'000 * ms;
  return c;
}

SimResult run_ok(const SimConfig& c) {
  auto r = simulate(c);
  INFO((r.ok() ? std::string() : r.violations.front()));
  REQUIRE(r.ok());
  return r;
}

// Runs the first `count` seeds whose random scenario has the feature; every
// checker must pass. Returns the feature's statistic summed over the runs.
std::uint64_t drawn_seeds_pass(const std::function<bool(const SimConfig&)>& has,
                               const std::function<std::uint64_t(const SimResult&)>& stat, int count = 40) {
  std::uint64_t total = 0;
  int ran = 0;
  for (std::uint64_t seed = 1; ran < count && seed < 100'000; ++seed) {
    const std::size_t n = std::size_t{4} + 3 * (seed % 3);
    const auto cfg = random_scenario(seed, n);
    if (!has(cfg)) continue;
    ++ran;
    const auto r = simulate(cfg);
    if (!r.ok()) FAIL("seed " << seed << " (n=" << n << "): " << r.violations.front());
    total += stat(r);
  }
  CHECK(ran == count);
  return total;
}

}  // namespace

TEST_CASE("simulator network: a zone matrix sets the latency between zones", "[consensus][simulator][network]") {
  const auto flat = run_ok(base());
  auto zoned = base();
  zoned.zone = {0, 0, 0, 0, 1, 1, 1};
  zoned.zone_links = {{{1 * ms, 0}, {100 * ms, 10 * ms}}, {{100 * ms, 10 * ms}, {1 * ms, 0}}};
  const auto far = run_ok(zoned);
  // 24 of the 42 ordered pairs cross zones: the mean lies between the two.
  CHECK(far.mean_delay() > 30 * ms);
  CHECK(far.mean_delay() < 110 * ms);
  CHECK(flat.mean_delay() < 10 * ms);
  CHECK(far.end_time > flat.end_time);  // heights take longer across 100 ms links

  auto bad = base();
  bad.zone = {0, 0, 0, 0, 1, 1, 2};  // zone 2 has no row
  bad.zone_links = zoned.zone_links;
  CHECK_THROWS_AS(simulate(bad), InvalidArgument);
}

TEST_CASE("simulator network: a clogged node or link slows its messages, then drains",
          "[consensus][simulator][network]") {
  const auto free = run_ok(base());
  CHECK(free.clogged == 0);
  auto node = base();
  node.clogs.push_back(Clog{0, 2'000 * ms, 0, std::nullopt, 80'000});  // node 0 at 100 kbit/s for 2 s
  const auto slow = run_ok(node);
  CHECK(slow.clogged > 0);
  CHECK(slow.mean_delay() > 2 * free.mean_delay());

  auto link = base();
  link.clogs.push_back(Clog{0, 2'000 * ms, 1, NodeId{2}, 80'000});  // only 1 -> 2
  const auto one = run_ok(link);
  CHECK(one.clogged > 0);
  CHECK(one.clogged < slow.clogged);  // one link of 42 against all of node 0's traffic
  CHECK(one.trace != free.trace);

  auto outside = base();
  outside.clogs.push_back(Clog{0, 1, 9, std::nullopt, 1});
  CHECK_THROWS_AS(simulate(outside), InvalidArgument);
}

TEST_CASE("simulator network: a selectively silent node talks to some peers only", "[consensus][simulator][network]") {
  auto c = base();
  c.n = 4;
  c.behaviour = {Behaviour::honest, Behaviour::honest, Behaviour::honest, Behaviour::selective_silence};
  c.silent_to.assign(4, {});
  c.silent_to[3] = {true, true, false, false};  // node 3 talks to node 2 only
  c.log = true;
  const auto r = run_ok(c);
  CHECK(r.withheld > 0);
  bool heard_by_2 = false, heard_by_0_or_1 = false;
  for (const auto& line : r.log) {
    heard_by_2 = heard_by_2 || line.find("node 2: <- 3:") != std::string::npos;
    heard_by_0_or_1 = heard_by_0_or_1 || line.find("node 0: <- 3:") != std::string::npos ||
                      line.find("node 1: <- 3:") != std::string::npos;
  }
  CHECK(heard_by_2);
  CHECK_FALSE(heard_by_0_or_1);
}

TEST_CASE("simulator network: delayed votes arrive later, an honest node's only until the faults end",
          "[consensus][simulator][network]") {
  const auto prompt = run_ok(base());
  auto c = base();
  c.vote_delay.assign(7, 0);
  c.vote_delay[0] = 600 * ms;
  const auto late = run_ok(c);
  CHECK(late.delayed_votes > 0);
  CHECK(late.mean_delay() > prompt.mean_delay());
  c.fault_end = 0;  // honest: held back only before fault_end
  CHECK(run_ok(c).delayed_votes == 0);
  c.behaviour.assign(7, Behaviour::honest);
  c.behaviour[0] = Behaviour::replay;  // a Byzantine node's votes stay late
  CHECK(simulate(c).delayed_votes > 0);
}

TEST_CASE("simulator network: random scenarios draw each feature, and pass every checker on them",
          "[consensus][simulator][network]") {
  SECTION("zones") {
    CHECK(drawn_seeds_pass([](const SimConfig& c) { return !c.zone.empty(); },
                           [](const SimResult& r) { return r.delivered; }) > 0);
  }
  SECTION("clogs") {
    CHECK(drawn_seeds_pass([](const SimConfig& c) { return !c.clogs.empty(); },
                           [](const SimResult& r) { return r.clogged; }) > 0);
  }
  SECTION("selective silence") {
    CHECK(drawn_seeds_pass(
              [](const SimConfig& c) {
                return std::find(c.behaviour.begin(), c.behaviour.end(), Behaviour::selective_silence) !=
                       c.behaviour.end();
              },
              [](const SimResult& r) { return r.withheld; }) > 0);
  }
  SECTION("delayed votes") {
    CHECK(drawn_seeds_pass([](const SimConfig& c) { return !c.vote_delay.empty(); },
                           [](const SimResult& r) { return r.delayed_votes; }) > 0);
  }
}
