// The reference applications under the deterministic simulator
// (SimConfig::application): every node runs Payments or KvStore through an
// AppExecutor over its own MemoryAppStore, with simulated clients; on
// random hostile schedules (crashes, crash points at every write,
// partitions, Byzantine nodes) the checkers still pass, the app hashes
// converge (a checker), every node's call order passes the grammar (a
// violation otherwise), transactions are executed, and a seed replays to
// the same trace.
#include <catch2/catch.hpp>

#include "privfin/consensus/simulator.hpp"

using namespace privfin;
using namespace privfin::consensus;

namespace {

SimResult run_app(std::uint64_t seed, std::size_t n, SimApplication app, double crash_at_write = 0) {
  SimConfig cfg = random_scenario(seed, n);
  cfg.application = app;
  if (crash_at_write > 0) cfg.crash_at_write = crash_at_write;
  return simulate(cfg);
}

}  // namespace

TEST_CASE("simulator with applications: payments and the key-value store on hostile schedules",
          "[consensus][simulator][app]") {
  std::uint64_t transactions = 0, executed = 0;
  for (std::uint64_t seed = 1; seed <= 120; ++seed) {
    const std::size_t n = seed % 3 == 0 ? 7 : 4;
    const auto app = seed % 2 == 0 ? SimApplication::payments : SimApplication::kv_store;
    const SimResult r = run_app(seed, n, app, seed % 5 == 0 ? 0.05 : 0.0);
    INFO("seed " << seed << " n " << n << ": " << (r.violations.empty() ? "" : r.violations.front()));
    REQUIRE(r.ok());
    transactions += r.transactions;
    executed += r.transactions_ok;
  }
  CHECK(transactions > 1000);
  // The mempool admits against its check state (app_executor.hpp), so the
  // clients' overdrafts are refused at admission and rarely reach a block;
  // the ones that do (mempools that differ after crashes) are refused there.
  CHECK(executed > transactions / 2);
}

TEST_CASE("simulator with applications: a seed replays exactly", "[consensus][simulator][app]") {
  for (std::uint64_t seed : {3U, 8U, 21U}) {
    const SimResult a = run_app(seed, 4, SimApplication::payments, 0.05);
    const SimResult b = run_app(seed, 4, SimApplication::payments, 0.05);
    CHECK(a.trace == b.trace);
    CHECK(a.transactions == b.transactions);
  }
}

// Validator-set changes (SimConfig::validator_change_every): the
// application changes the weights every 2 heights, one honest member sits
// out each time, on the same hostile schedules. Every block must name the
// set of its height and its certificate verify under it (checkers).
TEST_CASE("simulator with applications: validator-set changes every 2 heights on hostile schedules",
          "[consensus][simulator][app][validators]") {
  std::uint64_t changes = 0;
  for (std::uint64_t seed = 1; seed <= 150; ++seed) {
    const std::size_t n = seed % 3 == 0 ? 7 : 4;
    SimConfig cfg = random_scenario(seed, n);
    cfg.application = seed % 2 == 0 ? SimApplication::payments : SimApplication::kv_store;
    cfg.validator_change_every = 2;
    cfg.target_height = 8;
    if (seed % 5 == 0) cfg.crash_at_write = 0.05;
    const SimResult r = simulate(cfg);
    INFO("seed " << seed << " n " << n << ": " << (r.violations.empty() ? "" : r.violations.front()));
    REQUIRE(r.ok());
    // Heights 2, 4, 6, ... change the set: at least three of them by height 8.
    CHECK(r.validator_changes >= 3);
    changes += r.validator_changes;
    // The agreed chain names each height's set: the genesis set up to
    // height 3, then another (one honest member at weight 0) from 4 on.
    REQUIRE(r.headers.size() >= 8);
    CHECK(r.headers[2].validators_hash == r.headers[0].validators_hash);
    CHECK(r.headers[3].validators_hash != r.headers[0].validators_hash);
  }
  CHECK(changes >= 450);
}

TEST_CASE("simulator with applications: an engine that ignores validator-set changes is caught (both engines)",
          "[consensus][simulator][app][validators][bugs]") {
  const SimEngine engine = GENERATE(SimEngine::tendermint, SimEngine::gosig);
  INFO((engine == SimEngine::gosig ? "Gosig" : "Tendermint-form"));
  std::size_t caught = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    SimConfig cfg = random_scenario(seed, 4);
    cfg.engine = engine;
    cfg.application = SimApplication::kv_store;
    cfg.validator_change_every = 2;
    cfg.target_height = 6;
    cfg.bugs.ignore_validator_changes = true;
    caught += simulate(cfg).ok() ? 0U : 1U;
  }
  CHECK(caught == 20);  // every run: the set changes at height 4 in each of them
}

TEST_CASE("simulator with applications: validator changes need an application",
          "[consensus][simulator][app][validators]") {
  SimConfig cfg = random_scenario(1, 4);
  cfg.validator_change_every = 2;
  CHECK_THROWS_AS(simulate(cfg), InvalidArgument);  // the stand-in application
  cfg.engine = SimEngine::gosig;
  CHECK_THROWS_AS(simulate(cfg), InvalidArgument);
}
