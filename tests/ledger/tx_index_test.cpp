// The transaction index (Ledger::find_transaction): found by hash with an
// inclusion proof that verifies against the Merkle root of the block's
// transactions (and fails for another transaction or root), the latest
// inclusion of a repeated transaction, opaque bodies indexed as nothing,
// entries pruned with their blocks, kept across a RocksDB restart whether
// they were held in memory or written (Store::ingest), a damaged entry
// reported as StoreCorruption, and a ledger opened without its index
// (OpenOptions::index_transactions) that indexes the missed heights when
// opened with it again; a batch written on another thread (a store with
// Store::concurrent_ingest) found meanwhile, and its failure held again and
// reported by the next commit before it writes.
#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "ledger/chain_fixture.hpp"
#include "privfin/consensus/application.hpp"
#include "privfin/ledger/error.hpp"
#include "privfin/ledger/rocksdb_store.hpp"
#include "privfin/consensus/tx_merkle.hpp"
#include "support/processes.hpp"

using namespace privfin;
using namespace privfin::ledger;
using namespace privfin::consensus;
using namespace privfin::test::ledger_chain;

namespace {

// Block h carries h transactions "tx h/i"; blocks 2 and 5 also the same "again".
std::vector<Bytes> txs_for(Height h) {
  std::vector<Bytes> out;
  for (Height i = 0; i < h; ++i) out.push_back(to_bytes("tx " + std::to_string(h) + "/" + std::to_string(i)));
  if (h == 2 || h == 5) out.push_back(to_bytes("again"));
  return out;
}

void commit_with_txs(Ledger& ledger) { (void)commit_next_with(ledger, txs_for(ledger.height() + 1)); }

void check_found(const Ledger& ledger, Height h) {
  const auto txs = txs_for(h);
  for (std::uint64_t i = 0; i < txs.size(); ++i) {
    if (txs[i] == to_bytes("again")) continue;
    INFO("height " << h << " tx " << i);
    const auto found = ledger.find_transaction(tx_hash(txs[i]));
    REQUIRE(found);
    CHECK(found->height == h);
    CHECK(found->index == i);
    CHECK(found->tx == txs[i]);
    CHECK(found->tx_root == tx_merkle_root(txs));
    CHECK(verify_tx_inclusion(found->proof, txs[i], found->tx_root));
    const auto position = ledger.transaction_position(tx_hash(txs[i]));
    REQUIRE(position);
    CHECK(position->height == h);
    CHECK(position->index == i);
    CHECK_FALSE(verify_tx_inclusion(found->proof, to_bytes("another"), found->tx_root));
    CHECK_FALSE(verify_tx_inclusion(found->proof, txs[i], tx_merkle_root(txs_for(h + 1))));
  }
}

}  // namespace

TEST_CASE("ledger tx index: find a transaction with its inclusion proof, on both stores", "[ledger][tx_index]") {
  test::TempDir dir;
  for (const bool rocks : {false, true}) {
    INFO((rocks ? "RocksDB" : "MemoryStore"));
    std::unique_ptr<Store> store;
    if (rocks) store = RocksDbStore::open(dir.path() / "db");
    else store = std::make_unique<MemoryStore>();
    {
      Ledger ledger = Ledger::open(*store);
      for (int i = 0; i < 7; ++i) commit_with_txs(ledger);
      commit_next(ledger);  // an opaque body: indexes nothing, finds nothing
      for (Height h = 1; h <= 7; ++h) check_found(ledger, h);
      CHECK_FALSE(ledger.find_transaction(tx_hash(to_bytes("never sent"))));
      const auto again = ledger.find_transaction(tx_hash(to_bytes("again")));
      REQUIRE(again);
      CHECK(again->height == 5);  // the latest inclusion
      CHECK(again->index == 5);
    }
    if (rocks) store.reset(), store = RocksDbStore::open(dir.path() / "db");  // a restart: held entries re-read from the blocks
    Ledger ledger = Ledger::open(*store);
    CHECK(ledger.tx_indexed_height() == 0);  // nothing written yet: 7 heights are far below a batch
    check_found(ledger, 3);

    ledger.prune(4);
    for (Height h = 1; h < 4; ++h) CHECK_FALSE(ledger.find_transaction(tx_hash(txs_for(h)[0])));
    for (Height h = 4; h <= 7; ++h) check_found(ledger, h);
    CHECK(ledger.find_transaction(tx_hash(to_bytes("again")))->height == 5);  // block 2's inclusion pruned, 5's kept
    std::size_t entries = 0;
    store->scan(Column::tx_index, {}, {}, [&](ByteView, ByteView) { return ++entries, true; });
    CHECK(entries == 4 + 5 + 6 + 7 + 1);  // heights 4..7 and "again"
  }
}

TEST_CASE("ledger tx index: a damaged entry is StoreCorruption, not a wrong answer", "[ledger][tx_index]") {
  MemoryStore store;
  Ledger ledger = Ledger::open(store);
  for (int i = 0; i < 4; ++i) commit_with_txs(ledger);
  ledger.flush_tx_index();
  const Hash32 h = tx_hash(txs_for(3)[1]);
  const Bytes good = *store.get(Column::tx_index, h.v);
  Bytes wrong = good;
  wrong[15] ^= std::byte{1};  // another index in the same block
  store.write(WriteBatch().put(Column::tx_index, h.v, wrong));
  CHECK_THROWS_AS(ledger.find_transaction(h), StoreCorruption);
  CHECK_THROWS_AS(ledger.transaction_position(h), StoreCorruption);  // the same checks, without the proof
  wrong = good;
  wrong[7] = std::byte{9};  // a height without a block
  store.write(WriteBatch().put(Column::tx_index, h.v, wrong));
  CHECK_THROWS_AS(ledger.find_transaction(h), StoreCorruption);
  store.write(WriteBatch().put(Column::tx_index, h.v, ByteView(good).first(12)));
  CHECK_THROWS_AS(ledger.find_transaction(h), StoreCorruption);
  store.write(WriteBatch().put(Column::tx_index, h.v, good));
  CHECK(ledger.find_transaction(h)->index == 1);
}

TEST_CASE("ledger tx index: entries written in batches survive restarts at any point", "[ledger][tx_index]") {
  test::TempDir dir;
  OpenOptions options;
  options.tx_index_batch = 10;  // flushes after heights 4 (11 entries held), 6 (12) and 8 (15)
  const auto entries_in = [](const Store& s) {
    std::size_t n = 0;
    s.scan(Column::tx_index, {}, {}, [&](ByteView, ByteView) { return ++n, true; });
    return n;
  };
  Height indexed_before = 0;
  for (Height stop = 1; stop <= 9; ++stop) {
    INFO("restart after height " << stop);
    auto store = RocksDbStore::open(dir.path() / "db");
    Ledger ledger = Ledger::open(*store, options);
    CHECK(ledger.tx_indexed_height() == indexed_before);  // what the last process wrote, no more
    while (ledger.height() < stop) commit_with_txs(ledger);
    for (Height h = 1; h <= stop; ++h) check_found(ledger, h);
    if (stop >= 2) CHECK(ledger.find_transaction(tx_hash(to_bytes("again")))->height == (stop >= 5 ? 5 : 2));
    ledger.wait_for_index_writes();  // the batch RocksDB takes on another thread, if any
    CHECK(ledger.tx_indexed_height() <= ledger.height());
    indexed_before = ledger.tx_indexed_height();
  }
  CHECK(indexed_before == 8);  // flushes after heights 4, 6 and 8
  auto store = RocksDbStore::open(dir.path() / "db");
  CHECK(entries_in(*store) == 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 1);  // heights 1..8 and "again" once
  options.tx_index_batch = 1000;
  Ledger ledger = Ledger::open(*store, options);
  commit_with_txs(ledger);  // heights 9 and 10 held
  // Pruning a held height writes the held entries first, so that the
  // prune erases them with their blocks rather than leaving them behind.
  ledger.prune(10);
  CHECK(ledger.tx_indexed_height() == 10);
  CHECK(entries_in(*store) == 10);  // height 10's
  CHECK_FALSE(ledger.find_transaction(tx_hash(txs_for(9)[0])));
  check_found(ledger, 10);
}

TEST_CASE("ledger tx index: off, then on again - nothing written meanwhile, every height indexed on reopening",
          "[ledger][tx_index]") {
  test::TempDir dir;
  const auto entries_in = [](const Store& s) {
    std::size_t n = 0;
    s.scan(Column::tx_index, {}, {}, [&](ByteView, ByteView) { return ++n, true; });
    return n;
  };
  OpenOptions on;
  on.tx_index_batch = 1;  // every height written after its commit
  OpenOptions off = on;
  off.index_transactions = false;
  {
    auto store = RocksDbStore::open(dir.path() / "db");
    Ledger ledger = Ledger::open(*store, on);
    for (int i = 0; i < 3; ++i) commit_with_txs(ledger);
    CHECK(ledger.tx_indexed_height() == 2);  // height 3's entry is being written on the other thread
    ledger.wait_for_index_writes();
    CHECK(ledger.tx_indexed_height() == 3);
  }
  {
    auto store = RocksDbStore::open(dir.path() / "db");
    Ledger ledger = Ledger::open(*store, off);
    CHECK_FALSE(ledger.indexes_transactions());
    while (ledger.height() < 7) commit_with_txs(ledger);
    ledger.flush_tx_index();  // a no-op: the indexed height stays
    CHECK(ledger.tx_indexed_height() == 3);
    CHECK_THROWS_AS(ledger.find_transaction(tx_hash(txs_for(2)[0])), InvalidArgument);
    CHECK_THROWS_AS(ledger.transaction_position(tx_hash(txs_for(2)[0])), InvalidArgument);
    CHECK(entries_in(*store) == 1 + 3 + 3);  // heights 1..3 ("again" at 2), nothing of 4..7
    ledger.prune(2);  // height 1's entry goes with its block, as with the index
    CHECK(entries_in(*store) == 3 + 3);
  }
  auto store = RocksDbStore::open(dir.path() / "db");
  Ledger ledger = Ledger::open(*store, on);  // heights 4..7 re-read from their blocks
  CHECK(ledger.indexes_transactions());
  for (Height h = 2; h <= 7; ++h) check_found(ledger, h);
  CHECK(ledger.find_transaction(tx_hash(to_bytes("again")))->height == 5);
  commit_with_txs(ledger);
  ledger.wait_for_index_writes();
  CHECK(ledger.tx_indexed_height() == 8);
  CHECK(entries_in(*store) == 2 + 3 + 4 + 5 + 6 + 7 + 8 + 1);
}

TEST_CASE("ledger store: ingest needs ascending keys, and the newest write wins", "[ledger][tx_index]") {
  test::TempDir dir;
  MemoryStore memory;
  auto rocks = RocksDbStore::open(dir.path() / "db");
  for (Store* store : {static_cast<Store*>(&memory), static_cast<Store*>(rocks.get())}) {
    const Bytes a = to_bytes("a"), b = to_bytes("b"), c = to_bytes("c"), one = to_bytes("1"), two = to_bytes("2");
    store->write(WriteBatch().put(Column::tx_index, b, one));
    const std::vector<KeyValueView> unsorted{{b, two}, {a, two}};
    CHECK_THROWS_AS(store->ingest(Column::tx_index, unsorted), InvalidArgument);
    const std::vector<KeyValueView> twice{{a, two}, {a, two}};
    CHECK_THROWS_AS(store->ingest(Column::tx_index, twice), InvalidArgument);
    CHECK(store->get(Column::tx_index, b) == one);
    const std::vector<KeyValueView> sorted{{a, two}, {b, two}, {c, two}};
    store->ingest(Column::tx_index, sorted);
    CHECK(store->get(Column::tx_index, b) == two);  // newer than the write before
    store->write(WriteBatch().put(Column::tx_index, c, one));
    CHECK(store->get(Column::tx_index, c) == one);  // and older than the write after
    CHECK(store->get(Column::tx_index, a) == two);
  }
  rocks.reset();
  rocks = RocksDbStore::open(dir.path() / "db");  // durable
  CHECK(rocks->get(Column::tx_index, to_bytes("a")) == to_bytes("2"));
  CHECK(rocks->get(Column::tx_index, to_bytes("c")) == to_bytes("1"));
}

TEST_CASE("ledger tx index: the indexed height on open - absent in an older store, damaged, or too high", "[ledger][tx_index]") {
  MemoryStore store;
  {
    Ledger ledger = Ledger::open(store);
    for (int i = 0; i < 4; ++i) commit_with_txs(ledger);
    ledger.flush_tx_index();
  }
  const Bytes meta_key = to_bytes("tx_indexed_height");
  // A store from before the index was deferred has no record: every height
  // counts as indexed, and nothing is re-read.
  store.write(WriteBatch().erase(Column::meta, meta_key));
  {
    Ledger ledger = Ledger::open(store);
    CHECK(ledger.tx_indexed_height() == 4);
    for (Height h = 1; h <= 4; ++h) check_found(ledger, h);
  }
  // A record above the committed height, or not 8 bytes: refused to start.
  store.write(WriteBatch().put(Column::meta, meta_key, height_key(5)));
  CHECK_THROWS_AS(Ledger::open(store), StoreCorruption);
  store.write(WriteBatch().put(Column::meta, meta_key, ByteView(height_key(2)).first(7)));
  CHECK_THROWS_AS(Ledger::open(store), StoreCorruption);
  // A lower one: the heights above it are read from their blocks again.
  store.write(WriteBatch().put(Column::meta, meta_key, height_key(2)));
  Ledger ledger = Ledger::open(store);
  CHECK(ledger.tx_indexed_height() == 2);
  for (Height h = 1; h <= 4; ++h) check_found(ledger, h);
}

namespace {

// A RocksDB store whose ingests can be held at a gate or made to fail, to
// watch a batch of index entries that commit() writes on another thread.
class GatedIngestStore final : public Store {
 public:
  explicit GatedIngestStore(Store& inner) : inner_(&inner) {}
  [[nodiscard]] std::optional<Bytes> get(Column c, ByteView key) const override { return inner_->get(c, key); }
  void write(const WriteBatch& batch, bool sync) override { inner_->write(batch, sync); }
  void scan(Column c, ByteView begin, ByteView end, const Visitor& visit) const override {
    inner_->scan(c, begin, end, visit);
  }
  [[nodiscard]] bool concurrent_ingest() const noexcept override { return true; }

  void hold() {
    const std::lock_guard lock(mutex_);
    held_ = true;
  }
  void release() {
    {
      const std::lock_guard lock(mutex_);
      held_ = false;
    }
    changed_.notify_all();
  }
  void fail(bool on) {
    const std::lock_guard lock(mutex_);
    fail_ = on;
  }
  [[nodiscard]] std::size_t ingests() const {
    const std::lock_guard lock(mutex_);
    return ingests_;
  }
  // The ingest count once it reaches `n`, or after 10 s: the ledger hands
  // its batch to another thread, which may not have reached the store yet.
  [[nodiscard]] std::size_t ingests_reaching(std::size_t n) const {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(10), [&] { return ingests_ >= n; });
    return ingests_;
  }

 protected:
  void ingest_sorted(Column c, std::span<const KeyValueView> entries) override {
    std::unique_lock lock(mutex_);
    ++ingests_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return !held_; });
    if (fail_) throw StoreError("ingest into tx_index: no space left (a test's)", false);
    lock.unlock();
    inner_->ingest(c, entries);
  }

 private:
  Store* inner_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  bool held_ = false;
  bool fail_ = false;
  std::size_t ingests_ = 0;
};

}  // namespace

TEST_CASE("ledger tx index: a batch written on another thread is found meanwhile, and commits go on",
          "[ledger][tx_index]") {
  test::TempDir dir;
  auto rocks = RocksDbStore::open(dir.path() / "db");
  GatedIngestStore store(*rocks);
  OpenOptions options;
  options.tx_index_batch = 10;  // batches after heights 4 (11 entries held) and 6 (12)
  Ledger ledger = Ledger::open(store, options);
  store.hold();
  while (ledger.height() < 5) commit_with_txs(ledger);  // height 4's batch waits at the gate
  CHECK(store.ingests_reaching(1) == 1);
  CHECK(ledger.tx_indexed_height() == 0);
  for (Height h = 1; h <= 5; ++h) check_found(ledger, h);  // the batch's from memory, and height 5's
  CHECK(ledger.find_transaction(tx_hash(to_bytes("again")))->height == 5);
  // A prune step never reads the index while a batch is being written.
  const auto step = ledger.prune_step(2, 100, 0);
  CHECK_FALSE(step.done);
  CHECK(step.deleted == 0);
  CHECK(ledger.retain_height() == 0);
  store.release();
  ledger.wait_for_index_writes();
  CHECK(ledger.tx_indexed_height() == 4);
  CHECK(ledger.prune_step(2, 100, 0).done);
  for (Height h = 2; h <= 5; ++h) check_found(ledger, h);
  commit_with_txs(ledger);  // height 6: the second batch
  ledger.wait_for_index_writes();
  CHECK(ledger.tx_indexed_height() == 6);
  CHECK(store.ingests() == 2);
  for (Height h = 2; h <= 6; ++h) check_found(ledger, h);
}

TEST_CASE("ledger tx index: a batch that fails on the other thread is held again, and the next commit throws first",
          "[ledger][tx_index]") {
  test::TempDir dir;
  auto rocks = RocksDbStore::open(dir.path() / "db");
  GatedIngestStore store(*rocks);
  OpenOptions options;
  options.tx_index_batch = 10;
  Ledger ledger = Ledger::open(store, options);
  store.hold();
  store.fail(true);
  while (ledger.height() < 5) commit_with_txs(ledger);  // height 4's batch waits at the gate, height 5 holds 6
  // Height 6 would start the next batch (6 + 6 entries held): it waits for
  // the one at the gate, which fails, and throws its error before it
  // writes anything.
  std::thread opener([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    store.release();
  });
  CHECK_THROWS_AS(commit_with_txs(ledger), StoreError);
  opener.join();
  CHECK(ledger.height() == 5);
  CHECK(ledger.tx_indexed_height() == 0);
  for (Height h = 1; h <= 5; ++h) check_found(ledger, h);  // held again, before height 5's
  CHECK(ledger.find_transaction(tx_hash(to_bytes("again")))->height == 5);
  store.fail(false);
  commit_with_txs(ledger);  // height 6 writes every held entry, the failed batch's too
  ledger.wait_for_index_writes();
  CHECK(ledger.tx_indexed_height() == 6);
  CHECK(store.ingests() == 2);
  std::size_t stored = 0;
  rocks->scan(Column::tx_index, {}, {}, [&](ByteView, ByteView) { return ++stored, true; });
  CHECK(stored == 1 + 2 + 3 + 4 + 5 + 6 + 1);  // heights 1..6 and "again" once
  for (Height h = 1; h <= 6; ++h) check_found(ledger, h);
  CHECK(ledger.find_transaction(tx_hash(to_bytes("again")))->height == 5);
}

TEST_CASE("ledger tx index: batch after batch on the other thread, each in the last one's containers, finds every "
          "transaction where it is",
          "[ledger][tx_index]") {
  test::TempDir dir;
  auto store = RocksDbStore::open(dir.path() / "db");
  REQUIRE(store->concurrent_ingest());
  OpenOptions options;
  options.tx_index_batch = 10;  // a batch every few heights: eight of them by height 16
  Ledger ledger = Ledger::open(*store, options);
  for (Height h = 1; h <= 16; ++h) {
    commit_with_txs(ledger);
    // Every height so far, whether its entries are held, being written or
    // in the store: an entry left over from an earlier batch's table would
    // point into the wrong batch.
    for (Height k = 1; k <= h; ++k) check_found(ledger, k);
  }
  ledger.wait_for_index_writes();
  for (Height k = 1; k <= 16; ++k) check_found(ledger, k);
  CHECK(ledger.find_transaction(tx_hash(to_bytes("again")))->height == 5);  // its later inclusion
}
