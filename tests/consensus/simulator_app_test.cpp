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
