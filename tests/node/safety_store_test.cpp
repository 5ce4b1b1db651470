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

namespace {

consensus::Block block_at(consensus::Height h, std::uint8_t fill, std::size_t body_size) {
  consensus::Block b;
  b.header.chain_id = "safety-test";
  b.header.height = h;
  b.body = Bytes(body_size, std::byte{fill});
  b.header.tx_root = consensus::tx_root_of(b.body);
  return b;
}

std::vector<Bytes> body_keys(const Store& store) {
  std::vector<Bytes> keys;
  store.scan(Column::safety, {}, {}, [&](ByteView k, ByteView) {
    if (k.size() >= 4 && std::string_view(reinterpret_cast<const char*>(k.data()), 4) == "body") {
      keys.emplace_back(k.begin(), k.end());
    }
    return true;
  });
  return keys;
}

}  // namespace

TEST_CASE("safety store: block bodies are kept apart, written once per height, put back and checked on load",
          "[node][safety]") {
  test::TempDir dir;
  consensus::SafetyRecord prevote;
  prevote.height = 9;
  prevote.step = consensus::Step::prevote;
  consensus::SafetyRecord precommit = prevote;
  precommit.step = consensus::Step::precommit;
  precommit.locked_round = 0;
  precommit.locked = block_at(9, 0x42, 50'000);
  precommit.valid_round = 0;
  precommit.valid = precommit.locked;
  consensus::SafetyRecord next_round = precommit;  // round 1 of the same height: a new valid block
  next_round.round = 1;
  next_round.valid_round = 1;
  next_round.valid = block_at(9, 0x43, 40'000);
  {
    auto store = RocksDbStore::open(dir.path());
    SafetyStore s(*store);
    s.save(prevote);
    CHECK(body_keys(*store).empty());
    s.save(precommit);
    CHECK(body_keys(*store).size() == 1);  // locked and valid are one block: one body
    const auto record = store->get(Column::safety, as_bytes(std::string_view("record")));
    REQUIRE(record);
    CHECK(record->size() < 1000);  // the record itself holds headers only
    CHECK(s.load() == precommit);
    s.save(next_round);
    CHECK(body_keys(*store).size() == 2);
    s.save(next_round);  // nothing new to write
    CHECK(body_keys(*store).size() == 2);
  }
  {
    auto store = RocksDbStore::open(dir.path());
    SafetyStore s(*store);
    CHECK(s.load() == next_round);  // bodies put back after a reopen
    // Damage: a body that does not match its header, then a missing body.
    const auto keys = body_keys(*store);
    REQUIRE(keys.size() == 2);
    WriteBatch flip;
    flip.put(Column::safety, keys[0], Bytes(50'000, std::byte{0x44}));
    store->write(flip);
    try {
      (void)s.load();
      FAIL("a body that does not match its header loaded");
    } catch (const StoreCorruption& e) {
      CHECK(e.column() == "safety");
      CHECK(std::string(e.what()).find("does not match") != std::string::npos);
    }
    WriteBatch drop;
    drop.erase(Column::safety, keys[0]);
    store->write(drop);
    CHECK_THROWS_AS(s.load(), StoreCorruption);
    // A fresh store (a restarted node) erases the bodies of earlier heights
    // at its first save, whether or not it wrote them.
    consensus::SafetyRecord later;
    later.height = 10;
    SafetyStore restarted(*store);
    restarted.save(later);
    CHECK(body_keys(*store).empty());
    CHECK(restarted.load() == later);
  }
  // A record written with its bodies inline (before they were kept apart) still loads.
  ledger::MemoryStore memory;
  WriteBatch inline_record;
  inline_record.put(Column::safety, as_bytes(std::string_view("record")), precommit.to_bytes());
  memory.write(inline_record);
  CHECK(SafetyStore(memory).load() == precommit);
}
