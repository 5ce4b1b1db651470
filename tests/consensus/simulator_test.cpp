// The simulator: the engine commits under every checker across random
// scenarios; runs replay exactly by seed; and the checkers catch the three
// planted bugs and amnesia (so the tests can fail).
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>

#include "privfin/consensus/simulator.hpp"
#include "privfin/core/prg.hpp"

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
  CHECK(r.invalid_proofs == 0);  // lazy batched vote checks refuse nothing honest
  for (auto h : r.committed) CHECK(h >= 2);
}

TEST_CASE("simulator: forged signatures (invalid G2 points, signatures of other messages) are refused with real BLS",
          "[consensus][simulator]") {
  SimConfig cfg;
  cfg.n = 4;
  cfg.real_crypto = true;
  cfg.target_height = 2;
  cfg.liveness_window = 30'000'000'000;
  cfg.behaviour = {Behaviour::honest, Behaviour::malformed, Behaviour::honest, Behaviour::honest};
  const auto r = simulate(cfg);
  INFO((r.ok() ? std::string() : r.violations.front()));
  CHECK(r.ok());
  CHECK(r.invalid_proofs > 0);
  for (NodeId i : {0u, 2u, 3u}) CHECK(r.committed[i] >= 2);
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

namespace {

// Runs every seed of [first, last] twice and counts the seeds whose two runs
// differ in trace hash, events or heights.
std::uint64_t replay_mismatches(std::uint64_t first, std::uint64_t last, std::size_t (*n_of)(std::uint64_t)) {
  std::uint64_t mismatches = 0;
  for (std::uint64_t seed = first; seed <= last; ++seed) {
    const auto cfg = random_scenario(seed, n_of(seed));
    const auto a = simulate(cfg);
    const auto b = simulate(cfg);
    if (a.trace != b.trace || a.events != b.events || a.committed != b.committed) {
      ++mismatches;
      UNSCOPED_INFO("seed " << seed << " ran differently twice: " << a.trace.hex() << " vs " << b.trace.hex());
    }
  }
  return mismatches;
}

std::size_t four(std::uint64_t) { return 4; }

}  // namespace

TEST_CASE("simulator: 300 seeds run twice give the same trace hashes", "[consensus][simulator][determinism]") {
  // n = 4 keeps this to a few seconds; the 20 seeds above cover n = 7, 10,
  // and the [.slow] soak below runs 10,000 seeds of every n twice.
  CHECK(replay_mismatches(1, 300, four) == 0);
}

TEST_CASE("simulator: determinism soak, 10,000 seeds run twice", "[.slow][soak]") {
  CHECK(replay_mismatches(1, 10'000, n_for) == 0);
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
  // It needs a proof-of-lock older than an honest lock to be re-proposed,
  // so honest nodes must lock on different blocks in different rounds of
  // one height: n = 4 with one stale proposer (Behaviour::replay), at least
  // 10 % loss, and one honest node that hears nothing for its first 350 ms
  // (it prevotes nil in round 0 while the others may lock). Plain random
  // scenarios catch it too, but only at about 1 seed in 1,000.
  std::uint64_t caught = 0;
  for (std::uint64_t seed = 1; seed <= 1000 && caught == 0; ++seed) {
    SimConfig c = random_scenario(seed, 4);
    const auto z = static_cast<NodeId>(seed % 4);
    c.behaviour.assign(4, Behaviour::honest);
    c.behaviour[z] = Behaviour::replay;
    c.loss = std::max(c.loss, 0.1);
    Partition deaf{0, 350'000'000, std::vector<bool>(4, true), true};  // one way: all -> the deaf node
    deaf.side[(z + 1 + seed / 4 % 3) % 4] = false;
    c.partitions.push_back(deaf);
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

TEST_CASE("simulator: a crash at every write point, then a restart: same chain, no equivocation",
          "[consensus][simulator][crash]") {
  // Each write point alone, at a 5 % chance per write before fault_end, on
  // 50 random scenarios each: the checkers (no honest node signs twice in
  // one round, agreement, and at the end every honest ledger is one hash
  // chain of the agreed blocks) pass, and the point was hit.
  for (int p = 0; p < write_point_count; ++p) {
    const auto point = static_cast<WritePoint>(p);
    std::uint64_t crashes = 0;
    for (std::uint64_t seed = 1; seed <= 50; ++seed) {
      SimConfig cfg = random_scenario(seed, n_for(seed));
      cfg.crash_at_write = 0.05;
      cfg.crash_points = {point};
      const auto r = simulate(cfg);
      if (!r.ok()) FAIL(to_string(point) << " seed " << seed << ": " << r.violations.front());
      crashes += r.write_crashes[static_cast<std::size_t>(p)];
      for (int q = 0; q < write_point_count; ++q) {
        if (q != p) CHECK(r.write_crashes[static_cast<std::size_t>(q)] == 0);
      }
    }
    INFO(to_string(point));
    CHECK(crashes > 20);
  }
}

TEST_CASE("simulator: crash points catch a runtime that sends before the record is durable",
          "[consensus][simulator][crash][bugs]") {
  // The same schedules with the planted bug: a vote that left before its
  // record was durable is signed again differently after the restart.
  std::uint64_t caught = 0;
  for (std::uint64_t seed = 1; seed <= 1000 && caught == 0; ++seed) {
    SimConfig cfg = random_scenario(seed, n_for(seed));
    cfg.crash_at_write = 0.05;
    cfg.crash_points = {WritePoint::safety_before_durable};
    cfg.bugs.send_before_durable = true;
    if (!simulate(cfg).ok()) caught = seed;
  }
  WARN("caught at seed " << caught);
  CHECK(caught != 0);
}

TEST_CASE("simulator: the CPU model charges CostModel, whose defaults are the measured provider times",
          "[consensus][simulator][costs]") {
  // The defaults are bench_consensus's BM_Provider* medians (crypto.hpp).
  const CostModel measured;
  CHECK(measured.sign == 2'490'000);
  CHECK(measured.verify == 3'580'000);
  CHECK(measured.aggregate_verify == 3'420'000);
  CHECK(measured.aggregate_per_signature == 278'000);

  auto keys = SymbolicKeys::make(Prg::Seed{}, 4);
  SymbolicCrypto signer(keys, 1), checker(keys, 0);
  const Bytes msg = to_bytes("vote");
  const Bytes sig = signer.sign(msg);
  CHECK(signer.take_cost() == measured.sign);
  CHECK(checker.verify(1, msg, sig));
  CHECK(checker.take_cost() == measured.verify);
  const std::vector<ByteView> three{sig, sig, sig};
  (void)checker.aggregate(three);
  CHECK(checker.take_cost() == 3 * measured.aggregate_per_signature);
  (void)checker.verify_aggregate({true, true, false, true}, msg, sig);
  CHECK(checker.take_cost() == measured.aggregate_verify + 3 * measured.aggregate_verify_per_signer);
  const std::vector<NodeId> signers{1, 1};
  const std::vector<ByteView> two{sig, sig};
  CHECK(checker.verify_batch(signers, msg, two));
  CHECK(checker.take_cost() == measured.batch_verify + 2 * measured.batch_verify_per_signature);

  // The simulator keeps a node busy for what it charged: dearer crypto,
  // later commits in virtual time.
  SimConfig cheap;
  cheap.n = 7;
  cheap.costs = CostModel{0, 0, 0, 0, 0, 0, 0};
  SimConfig dear = cheap;
  dear.costs = CostModel{};
  const auto a = simulate(cheap), b = simulate(dear);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(b.end_time > a.end_time + 4 * measured.verify);
}

TEST_CASE("simulator: time to agreement - from the round's stage II (Gosig) or the previous height (Tendermint)",
          "[consensus][simulator]") {
  for (const auto engine : {SimEngine::gosig, SimEngine::tendermint}) {
    SimConfig c = random_scenario(17, 7);
    remove_faults(c);
    c.engine = engine;
    c.max_clock_offset = 0;
    c.target_height = 3;
    const auto r = simulate(c);
    INFO((engine == SimEngine::gosig ? "gosig" : "tendermint") << ": " << (r.ok() ? "" : r.violations.front()));
    REQUIRE(r.ok());
    REQUIRE(r.honest_commits.size() >= 3);
    REQUIRE(r.decided_round.size() == r.honest_commits.size());
    CHECK_FALSE(time_to_agreement(c, r, 0));
    CHECK_FALSE(time_to_agreement(c, r, r.honest_commits.size() + 1));
    for (Height h = 1; h <= 3; ++h) {
      const auto a = time_to_agreement(c, r, h);
      REQUIRE(a);
      CHECK(a->nodes == 7);  // all honest, all committed
      CHECK(a->first <= a->median);
      CHECK(a->median <= a->last);
      CHECK(a->first > 0);
      if (engine == SimEngine::gosig) {
        const TimePoint round = c.gosig.stage_one + c.gosig.stage_two;
        CHECK(a->from == static_cast<TimePoint>(r.decided_round[h - 1]) * round + c.gosig.stage_one);
        CHECK(a->last < round);  // within its round: T_II is the deadline of the signatures
      } else {
        const auto& before = h == 1 ? std::vector<TimePoint>{0} : r.honest_commits[h - 2];
        CHECK(a->from == *std::min_element(before.begin(), before.end()));
      }
    }
  }
}

namespace {
// Four Tendermint-form nodes, no faults, clocks in step, every message
// 300 ms one way, two heights.
SimConfig calm_300ms_four_nodes() {
  SimConfig c = random_scenario(5, 4);
  remove_faults(c);
  c.max_clock_offset = 0;
  set_fixed_latency(c, 300'000'000);
  c.target_height = 2;
  return c;
}
}  // namespace

TEST_CASE("simulator: with sends_after_cpu a step's messages leave once its CPU time is paid",
          "[consensus][simulator]") {
  SimConfig c = calm_300ms_four_nodes();
  c.tendermint = c.tendermint.scaled(5);
  const auto at_start = simulate(c);
  c.sends_after_cpu = true;
  const auto after_cpu = simulate(c);
  REQUIRE(at_start.ok());
  REQUIRE(after_cpu.ok());
  CHECK(after_cpu.trace != at_start.trace);
  const auto a = time_to_agreement(c, at_start, 1), b = time_to_agreement(c, after_cpu, 1);
  REQUIRE(a);
  REQUIRE(b);
  // On the path: the proposal's, the prevote's and the precommit's
  // signatures, each now paid before its message leaves.
  CHECK(b->median >= a->median + 3 * c.costs.sign);
}

TEST_CASE("simulator: sends_after_cpu keeps every checker green on hostile schedules - crashes inside a step included",
          "[consensus][simulator]") {
  // Held sends on schedules with losses, partitions and crashes at write
  // points inside a step (whose held sends are dropped), on both engines.
  // Dropping them is not what keeps these green: what a write guards waits
  // for its durability anyway, and the rest may as well have left.
  std::size_t crashing = 0;
  for (const auto engine : {SimEngine::tendermint, SimEngine::gosig}) {
    for (std::uint64_t seed = 1; seed <= 24; ++seed) {
      SimConfig c = random_scenario(seed, n_for(seed));
      c.engine = engine;
      c.sends_after_cpu = true;
      if (c.crash_at_write > 0 || !c.crashes.empty()) ++crashing;
      const auto r = simulate(c);
      INFO((engine == SimEngine::gosig ? "gosig" : "tendermint") << " seed " << seed << ": "
                                                                   << (r.ok() ? "" : r.violations.front()));
      CHECK(r.ok());
    }
  }
  CHECK(crashing > 0);
}

TEST_CASE("simulator: the Tendermint form's timeouts come from SimConfig - LAN timeouts lose round 0 at 300 ms",
          "[consensus][simulator]") {
  SimConfig c = calm_300ms_four_nodes();
  const auto lan = simulate(c);
  REQUIRE(lan.ok());
  REQUIRE(lan.decided_round.size() >= 2);
  CHECK(lan.decided_round[1] > 0);  // the 300 ms propose timeout fires before the proposal lands
  c.tendermint = c.tendermint.scaled(5);
  CHECK(c.tendermint.propose_base == 5 * TendermintConfig{}.propose_base);
  CHECK(c.tendermint.rebroadcast_interval == 5 * TendermintConfig{}.rebroadcast_interval);
  const auto wan = simulate(c);
  REQUIRE(wan.ok());
  REQUIRE(wan.decided_round.size() >= 2);
  CHECK(wan.decided_round[0] == 0);
  CHECK(wan.decided_round[1] == 0);
  const auto a = time_to_agreement(c, wan, 2);
  REQUIRE(a);
  CHECK(a->median >= 900'000'000);  // proposal, prevotes, precommits: three 300 ms hops
  CHECK(a->median < 1'000'000'000);
}

TEST_CASE("simulator: Gosig above 256 nodes - 300 nodes at 300 ms latency agree on a height", "[consensus][simulator]") {
  SimConfig c = random_scenario(1, 300);
  remove_faults(c);
  c.engine = SimEngine::gosig;
  c.max_clock_offset = 0;
  set_fixed_latency(c, 300'000'000);
  c.gosig.stage_one = 3'000'000'000;
  c.gosig.stage_two = 6'000'000'000;
  c.gosig.symbolic_sortition = true;
  c.target_height = 1;
  c.progress_after_faults = 0;  // stop once height 1 is everyone's
  const auto r = simulate(c);
  INFO((r.ok() ? "" : r.violations.front()));
  REQUIRE(r.ok());
  CHECK(r.honest_commits.size() == 1);
  CHECK(r.end_time < c.gosig.stage_one + c.gosig.stage_two);  // within round 0
  const auto a = time_to_agreement(c, r, 1);
  REQUIRE(a);
  CHECK(a->nodes == 300);
  // Two gossip phases (prepare, then tentative commit) of several 300 ms hops each.
  CHECK(a->first >= 600'000'000);
  CHECK(a->last <= 6'000'000'000);
  SimConfig too_many = c;
  too_many.n = 10'001;
  CHECK_THROWS_AS(simulate(too_many), InvalidArgument);
}

// The adaptive adversary (SimConfig::adaptive_*): each honest node whose
// own proposal appears is corrupted (silent, or equivocating) a delay
// later, up to f in all with the drawn Byzantine nodes. Safety holds and
// the liveness checker (progress within its window) passes on both engines.
TEST_CASE("simulator: an adaptive adversary corrupts proposers once they propose - safe and live on both engines",
          "[consensus][simulator][adaptive]") {
  for (const auto engine : {SimEngine::tendermint, SimEngine::gosig}) {
    std::uint64_t corrupted = 0;
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
      const std::size_t n = seed % 2 == 0 ? 7 : 4;
      SimConfig cfg = random_scenario(seed, n);
      cfg.engine = engine;
      cfg.adaptive_corruptions = adaptive_budget(cfg);
      cfg.adaptive_delay = static_cast<TimePoint>(seed % 3) * 250'000'000;  // 0, 250 or 500 ms
      cfg.adaptive_behaviour = seed % 4 < 2 ? Behaviour::silent : Behaviour::equivocate;
      const SimResult r = simulate(cfg);
      INFO((engine == SimEngine::gosig ? "gosig" : "tendermint") << " seed " << seed << ": "
                                                                  << (r.ok() ? "" : r.violations.front()));
      REQUIRE(r.ok());
      CHECK(r.corrupted <= cfg.adaptive_corruptions);
      corrupted += r.corrupted;
    }
    CHECK(corrupted >= 20);
  }
}

TEST_CASE("simulator: an adaptive adversary is bounded by f together with the drawn Byzantine nodes",
          "[consensus][simulator][adaptive]") {
  SimConfig cfg;
  cfg.n = 4;
  cfg.adaptive_corruptions = 2;  // f = 1
  CHECK_THROWS_AS(simulate(cfg), InvalidArgument);
  cfg.adaptive_corruptions = 1;
  cfg.behaviour = {Behaviour::silent, Behaviour::honest, Behaviour::honest, Behaviour::honest};
  CHECK_THROWS_AS(simulate(cfg), InvalidArgument);
  CHECK(adaptive_budget(cfg) == 0);
  cfg.behaviour.clear();
  CHECK(adaptive_budget(cfg) == 1);
  cfg.application = SimApplication::kv_store;
  cfg.validator_change_every = 2;  // weights planned for the Byzantine nodes known at the start
  CHECK_THROWS_AS(simulate(cfg), InvalidArgument);
  cfg.application = SimApplication::stand_in;
  cfg.validator_change_every = 0;
  cfg.adaptive_behaviour = Behaviour::replay;  // not one the adversary hands out
  CHECK_THROWS_AS(simulate(cfg), InvalidArgument);
  cfg.adaptive_behaviour = Behaviour::silent;
  const SimResult r = simulate(cfg);
  CHECK(r.ok());
  CHECK(r.corrupted == 1);  // the first proposer
}
