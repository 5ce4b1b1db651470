// The simulator runs the reference applications on the ledger
// (SimConfig::make_app_store = LedgerAppStore), on the MemoryStore and on
// RocksDB, under its hostile schedules (loss, partitions, Byzantine nodes,
// crashes at every write point and restarts) with every checker on: one
// chain, the same app hash on every node after every height, the call
// grammar, recovery from the ledger after a crash.
#include <catch2/catch.hpp>

#include <atomic>
#include <memory>
#include <string>

#include "privfin/consensus/simulator.hpp"
#include "privfin/ledger/app_store.hpp"
#include "privfin/ledger/rocksdb_store.hpp"
#include "privfin/ledger/store.hpp"
#include "support/processes.hpp"

using namespace privfin;
using namespace privfin::consensus;

namespace {

// A node's "disk": a ledger store and the app store on it, in one object
// the simulator keeps across the node's crashes.
template <class Store>
struct LedgerDisk {
  std::unique_ptr<Store> store;
  ledger::LedgerAppStore app;
  explicit LedgerDisk(std::unique_ptr<Store> s) : store(std::move(s)), app(*store) {}
};

template <class Store>
std::shared_ptr<AppStore> on_ledger(std::unique_ptr<Store> store) {
  auto disk = std::make_shared<LedgerDisk<Store>>(std::move(store));
  return {disk, &disk->app};  // shares ownership of the whole disk
}

void check_seeds(SimEngine engine, SimApplication app, std::uint64_t first, std::uint64_t last,
                 const std::function<std::shared_ptr<AppStore>()>& make) {
  for (std::uint64_t seed = first; seed <= last; ++seed) {
    SimConfig cfg = random_scenario(seed, 4 + 3 * (seed % 2));
    cfg.engine = engine;
    cfg.application = app;
    std::size_t disks = 0;
    cfg.make_app_store = [&] {
      ++disks;
      return make();
    };
    const auto r = simulate(cfg);
    INFO(to_string(engine) << " seed " << seed << ": " << (r.ok() ? std::string() : r.violations.front())
                           << "\n  the same schedule on the in-memory app store: privfin-consensus-sim --engine "
                           << to_string(engine) << " --app " << (app == SimApplication::payments ? "payments" : "kv")
                           << " --n " << cfg.n << " --seed " << seed << " --log");
    REQUIRE(r.ok());
    REQUIRE(r.commits > 0);
    REQUIRE(disks == cfg.n);  // one ledger per node, kept across its restarts
  }
}

}  // namespace

TEST_CASE("simulator: the reference applications on the ledger (MemoryStore) - both engines, hostile schedules, "
          "crashes at every write point",
          "[ledger][simulator]") {
  const auto memory = [] { return on_ledger(std::make_unique<ledger::MemoryStore>()); };
  for (const auto engine : {SimEngine::tendermint, SimEngine::gosig}) {
    check_seeds(engine, SimApplication::payments, 1, 24, memory);
    check_seeds(engine, SimApplication::kv_store, 41, 52, memory);
  }
}

TEST_CASE("simulator: the reference applications on the ledger (RocksDB) - crashes and restarts recover from disk",
          "[ledger][simulator]") {
  test::TempDir dir;
  std::atomic<int> next{0};
  const auto rocksdb = [&] {
    return on_ledger(ledger::RocksDbStore::open(dir.path() / ("node" + std::to_string(next++))));
  };
  check_seeds(SimEngine::tendermint, SimApplication::payments, 1, 3, rocksdb);
  check_seeds(SimEngine::gosig, SimApplication::kv_store, 7, 8, rocksdb);
}
