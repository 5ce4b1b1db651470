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
