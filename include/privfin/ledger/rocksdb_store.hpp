// privfin/ledger/rocksdb_store.hpp — the ledger's Store on RocksDB
// (Debian's librocksdb-dev; link privfin::ledger). One database per node,
// one column family per Column.
//
//   auto store = RocksDbStore::open("/var/lib/bank/ledger");   // creates it if missing
//   auto ledger = Ledger::open(*store);
//
// Durability (docs/ledger.md, "Crash consistency"): every write() is one
// rocksdb::WriteBatch across column families, written with
// WriteOptions::sync = true unless the caller asks otherwise; the
// write-ahead log is never disabled, and recovery runs in
// kPointInTimeRecovery mode (a torn log tail is dropped, nothing after it
// replayed). Paranoid checks are on, so a damaged table file is reported
// as StoreError with corruption() set rather than read.
//
// Throws StoreError when the database cannot be opened or an operation
// fails. Thread-safe (RocksDB's own guarantees). RocksDB headers stay in
// lib/ledger: including this header does not need them.
#pragma once

#include <filesystem>
#include <memory>

#include "privfin/ledger/store.hpp"

namespace privfin::ledger {

// The CPU priority of RocksDB's compaction threads in this process (its
// default environment's low-priority pool, shared by every store the
// process opens; flushes run in another pool and keep theirs). Compaction
// is background work: on a machine whose cores the node's own thread and
// its peers keep busy, it competes with the consensus steps and makes
// heights late. `idle` (SCHED_IDLE) runs it only on a core nothing else
// wants; `low` is nice 19, which still gets a small share of a busy core.
// Measured with 4 nodes on 2 cores (docs/performance.md, "The client's
// batches follow its window, and compaction at idle priority"): 60,500 ->
// 68,200 commands/s on average.
// The catch with `idle`: if other programs keep every core busy for long,
// compactions wait, level 0 fills, and at RocksDB's stop trigger (36
// files) the node's writes wait for them; a node sharing its machine with
// CPU-bound work should use `low`. Priorities only go down: a later call
// asking for a higher one has no effect. Returns false where the platform
// does not support it (the priority is then unchanged).
enum class BackgroundPriority { normal, low, idle };
bool set_background_priority(BackgroundPriority priority);

class RocksDbStore final : public Store {
 public:
  struct Options {
    bool create_if_missing = true;
  };
  [[nodiscard]] static std::unique_ptr<RocksDbStore> open(const std::filesystem::path& dir, Options options);
  [[nodiscard]] static std::unique_ptr<RocksDbStore> open(const std::filesystem::path& dir) {
    return open(dir, Options{});
  }
  ~RocksDbStore() override;
  RocksDbStore(const RocksDbStore&) = delete;
  RocksDbStore& operator=(const RocksDbStore&) = delete;

  [[nodiscard]] std::optional<Bytes> get(Column c, ByteView key) const override;
  void write(const WriteBatch& batch, bool sync = true) override;
  void scan(Column c, ByteView begin, ByteView end, const Visitor& visit) const override;
  void compact(Column c, ByteView begin, ByteView end) override;
  [[nodiscard]] bool concurrent_ingest() const noexcept override { return true; }

 protected:
  // One table file written under <dir>/ingest/ and moved into the
  // database (RocksDB's IngestExternalFile).
  void ingest_sorted(Column c, std::span<const KeyValueView> entries) override;

 private:
  struct Impl;
  explicit RocksDbStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace privfin::ledger
