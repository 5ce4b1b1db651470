// The simulator: the engine commits under every checker across random
// scenarios; runs replay exactly by seed; and the checkers catch the three
// planted bugs and amnesia (so the tests can fail).
#include <catch2/catch.hpp>

#include <chrono>

#include "privfin/consensus/simulator.hpp"

using namespace privfin;
using namespace privfin::consensus;

namespace {

std::size_t n_for(std::uint64_t seed) { return std::size_t{4} + 3 * (seed % 3); }  // 4, 7, 10

void run_seeds(std::uint64_t first, std::uint64_t last) {
  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t events = 0;
  for (std::uint64_t seed = first; seed <= last; ++seed) {
    const auto r = simulate(random_scenario(seed, n_for(seed)));
    events += r.events;
    if (!r.ok()) {
      FAIL("seed " << seed << " (n=" << n_for(seed) << "): " << r.violations.front()
                   << "\n  replay: privfin-consensus-sim --seed " << seed << " --log");
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  WARN("seeds " << first << "-" << last << ": " << events << " events in " << secs << " s");
}

// The first seed in [1, 1000] whose run reports a violation, or 0.
template <class Adjust>
std::uint64_t first_caught(Adjust adjust) {
  for (std::uint64_t seed = 1; seed <= 1000; ++seed) {
    SimConfig cfg = random_scenario(seed, n_for(seed));
    adjust(cfg, seed);
    if (!simulate(cfg).ok()) return seed;
  }
  return 0;
}

}  // namespace

TEST_CASE("simulator: 4 honest nodes with real BLS crypto commit, certificates verify", "[consensus][simulator]") {
  SimConfig cfg;
  cfg.n = 4;
  cfg.real_crypto = true;
  cfg.target_height = 2;
  cfg.liveness_window = 30'000'000'000;
  const auto r = simulate(cfg);
  INFO((r.ok() ? std::string() : r.violations.front()));
  CHECK(r.ok());
  for (auto h : r.committed) CHECK(h >= 2);
}

TEST_CASE("simulator: seeds 1-500 (n = 4, 7, 10, Byzantine nodes, partitions, crashes, skew): no violation",
          "[consensus][simulator][seeds]") {
  run_seeds(1, 500);
}

TEST_CASE("simulator: seeds 501-1000: no violation", "[consensus][simulator][seeds]") { run_seeds(501, 1000); }

TEST_CASE("simulator: one Byzantine node of each kind, 100 seeds each: no violation", "[consensus][simulator]") {
  for (int kind = 1; kind < behaviour_count; ++kind) {
    for (std::uint64_t seed = 1; seed <= 100; ++seed) {
      SimConfig cfg = random_scenario(seed, 4);
      cfg.behaviour.assign(4, Behaviour::honest);
      cfg.behaviour[seed % 4] = static_cast<Behaviour>(kind);
      const auto r = simulate(cfg);
      INFO(to_string(static_cast<Behaviour>(kind)) << " seed " << seed);
      REQUIRE(r.ok());
      if (kind == static_cast<int>(Behaviour::malformed)) CHECK(r.rejections > 0);
    }
  }
}

TEST_CASE("simulator: a seed replays exactly (same trace hash), another seed differs", "[consensus][simulator]") {
  for (std::uint64_t seed = 1; seed <= 3000; seed += 150) {  // 20 seeds, as CI's double run
    const auto cfg = random_scenario(seed, n_for(seed));
    const auto a = simulate(cfg);
    const auto b = simulate(cfg);
    CHECK(a.trace == b.trace);
    CHECK(a.events == b.events);
    CHECK(a.committed == b.committed);
    CHECK(simulate(random_scenario(seed + 1, n_for(seed))).trace != a.trace);
  }
  auto logged = random_scenario(5, 4);
  logged.log = true;
  const auto r = simulate(logged);
  CHECK(r.trace == simulate(random_scenario(5, 4)).trace);  // logging does not change the run
  CHECK_FALSE(r.log.empty());
}

TEST_CASE("simulator: planted bug 'skip the lock check' is caught within 1,000 seeds", "[consensus][simulator][bugs]") {
  const auto seed = first_caught([](SimConfig& c, std::uint64_t) { c.bugs.skip_lock_check = true; });
  WARN("caught at seed " << seed);
  CHECK(seed != 0);
}

TEST_CASE("simulator: planted bug 'send before the persist is durable' is caught within 1,000 seeds",
          "[consensus][simulator][bugs]") {
  const auto seed = first_caught([](SimConfig& c, std::uint64_t) { c.bugs.send_before_durable = true; });
  WARN("caught at seed " << seed);
  CHECK(seed != 0);
}

TEST_CASE("simulator: planted bug 'accept a certificate from a lower round' is caught within 1,000 seeds",
          "[consensus][simulator][bugs]") {
  // It needs a proof-of-lock older than an honest lock to be re-proposed:
  // n = 4 with one stale proposer (Behaviour::replay).
  std::uint64_t caught = 0;
  for (std::uint64_t seed = 1; seed <= 1000 && caught == 0; ++seed) {
    SimConfig c = random_scenario(seed, 4);
    c.behaviour.assign(4, Behaviour::honest);
    c.behaviour[seed % 4] = Behaviour::replay;
    c.bugs.accept_lower_round_certificate = true;
    if (!simulate(c).ok()) caught = seed;
  }
  WARN("caught at seed " << caught);
  CHECK(caught != 0);
}

TEST_CASE("simulator: amnesia (restart without the safety record) is caught as equivocation",
          "[consensus][simulator][bugs]") {
  const auto seed = first_caught([](SimConfig& c, std::uint64_t s) {
    c.crashes.push_back(CrashPlan{static_cast<NodeId>(s % c.n), 50'000'000 + static_cast<TimePoint>(s % 7) * 37'000'000,
                                  20'000'000, true});
  });
  WARN("caught at seed " << seed);
  CHECK(seed != 0);
}

TEST_CASE("simulator: soak, 100,000 seeds", "[consensus][simulator][.slow]") { run_seeds(1, 100'000); }
