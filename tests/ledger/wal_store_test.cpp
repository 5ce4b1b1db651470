// The consensus WAL (ledger/wal_store.hpp): entries come back in arrival
// order with their senders, a message logged once is not logged again, the
// log is bounded, clear() empties it, a reopened store (RocksDB, as after a
// crash) gives the entries back and still knows which are logged, and a
// damaged entry is skipped, never replayed.
#include <catch2/catch.hpp>

#include "privfin/ledger/rocksdb_store.hpp"
#include "privfin/ledger/wal_store.hpp"
#include "support/processes.hpp"

using namespace privfin;
using namespace privfin::ledger;

namespace {

Bytes message(std::uint32_t i) {
  Bytes m(20 + i % 7, static_cast<std::byte>(i));
  m[0] = static_cast<std::byte>(i >> 8);
  return m;
}

}  // namespace

TEST_CASE("wal store: arrival order, no duplicates, bounded, cleared, kept across a reopen, damage skipped",
          "[ledger][wal]") {
  test::TempDir dir;
  {
    auto store = RocksDbStore::open(dir.path() / "db");
    WalStore wal(*store);
    CHECK(wal.entries().empty());
    CHECK(wal.append(1, message(1)));
    CHECK(wal.append(3, message(2)));
    CHECK_FALSE(wal.append(1, message(1)));  // a rebroadcast
    CHECK(wal.append(2, message(1)));        // the same bytes from another sender
    REQUIRE(wal.size() == 3);
    const auto e = wal.entries();
    REQUIRE(e.size() == 3);
    CHECK(e[0] == std::pair<consensus::NodeId, Bytes>{1, message(1)});
    CHECK(e[1] == std::pair<consensus::NodeId, Bytes>{3, message(2)});
    CHECK(e[2] == std::pair<consensus::NodeId, Bytes>{2, message(1)});
    wal.clear();
    CHECK(wal.entries().empty());
    CHECK(wal.append(1, message(1)));  // logged again after the clear
    CHECK(wal.append(0, message(5)));
  }
  {
    // A restart: the entries are back, in order, and still known.
    auto store = RocksDbStore::open(dir.path() / "db");
    WalStore wal(*store);
    CHECK(wal.size() == 2);
    const auto e = wal.entries();
    REQUIRE(e.size() == 2);
    CHECK(e[0].first == 1);
    CHECK(e[1] == std::pair<consensus::NodeId, Bytes>{0, message(5)});
    CHECK_FALSE(wal.append(0, message(5)));
    CHECK(wal.append(0, message(6)));  // numbered after the old ones
    CHECK(wal.entries().back().second == message(6));
    // A damaged entry (too short to name its sender) is skipped and counted.
    WriteBatch damage;
    damage.put(Column::wal, height_key(1), Bytes{std::byte{1}});
    store->write(damage);
    const auto after = wal.entries();
    CHECK(after.size() == 3);
    CHECK(wal.skipped() == 1);
  }
  // The entry codec on its own.
  CHECK(wal_entry_from(wal_entry(7, message(3))) == std::pair<consensus::NodeId, Bytes>{7, message(3)});
  CHECK(!wal_entry_from(wal_entry(7, {})));  // a sender without a message
  CHECK(!wal_entry_from(Bytes(3, std::byte{1})));
  MemoryStore memory;
  WalStore wal(memory);
  for (std::uint32_t i = 0; i < WalStore::max_entries; ++i) REQUIRE(wal.append(1, message(i)));
  CHECK_FALSE(wal.append(1, message(WalStore::max_entries)));  // full: a flooding peer costs a bounded log
  CHECK(memory.size(Column::wal) == WalStore::max_entries);
  wal.clear();
  CHECK(memory.size(Column::wal) == 0);
}
