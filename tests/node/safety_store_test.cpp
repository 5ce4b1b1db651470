// SafetyStore: the record survives a reopen of RocksDB, the latest save
// wins, and damaged bytes make load() throw StoreCorruption naming the
// column and key.
#include <catch2/catch.hpp>

#include "privfin/ledger/error.hpp"
#include "privfin/ledger/rocksdb_store.hpp"
#include "privfin/ledger/safety_store.hpp"
#include "support/processes.hpp"

using namespace privfin;
using namespace privfin::ledger;

TEST_CASE("safety store: save, reopen, load - the latest record wins - damage is StoreCorruption", "[node][safety]") {
  test::TempDir dir;
  consensus::SafetyRecord a;
  a.height = 7;
  a.round = 2;
  a.step = consensus::Step::precommit;
  consensus::Vote v{consensus::VoteType::precommit, 7, 2, std::nullopt, 1, Bytes(96, std::byte{1})};
  a.signed_messages = {consensus::Message{v}.to_bytes()};
  consensus::SafetyRecord b = a;
  b.round = 3;
  {
    auto store = RocksDbStore::open(dir.path());
    SafetyStore s(*store);
    CHECK_FALSE(s.load().has_value());
    s.save(a);
    CHECK(s.load() == a);
    s.save(b);
  }
  auto store = RocksDbStore::open(dir.path());
  SafetyStore s(*store);
  CHECK(s.load() == b);
  WriteBatch damage;
  damage.put(Column::safety, as_bytes(std::string_view("record")), Bytes{std::byte{9}, std::byte{9}});
  store->write(damage);
  try {
    (void)s.load();
    FAIL("damaged record loaded");
  } catch (const StoreCorruption& e) {
    CHECK(e.column() == "safety");
    CHECK(std::string(e.what()).find("corrupt") != std::string::npos);
  }
}
