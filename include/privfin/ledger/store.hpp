// privfin/ledger/store.hpp — the key-value store under the ledger: named
// column families, atomic write batches, ordered scans. Two
// implementations with one contract: MemoryStore (here; tests and the
// simulator) and RocksDbStore (rocksdb_store.hpp; production).
//
//   MemoryStore store;
//   WriteBatch b;
//   b.put(Column::blocks, height_key(7), block_bytes);
//   b.put(Column::meta, as_bytes("committed_height"), height_key(7));
//   store.write(b);                                  // all or nothing; synced
//   auto v = store.get(Column::blocks, height_key(7));
//   store.ingest(Column::tx_index, sorted_entries);   // many keys at once (an index)
//
// Column families (docs/ledger.md, "Layout"): meta, blocks, block_hash,
// certs, results, state_nodes, state_latest, state_stale, tx_index, safety,
// wal, validators, snapshots. Heights in keys are big-endian (height_key) so that a
// store keeps them in height order and compacts ranges of them well.
//
// Contract: write() applies the whole batch or, after a crash, nothing of
// it; with sync = true it returns only once the batch is durable (RocksDB:
// its write-ahead log fdatasync'ed). scan() visits keys in byte order.
// Errors: StoreError for an engine failure (corruption() when the engine's
// checksums caught damaged data). Thread safety: RocksDbStore allows
// concurrent readers and writers; MemoryStore is not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/ledger/state_tree.hpp"

namespace privfin::ledger {

enum class Column : std::uint8_t {
  meta = 0,
  blocks,
  block_hash,
  certs,
  results,
  state_nodes,
  state_latest,
  state_stale,
  tx_index,
  safety,
  wal,
  validators,
  snapshots,  // state-sync snapshots (snapshot.hpp): manifests and chunks
  evidence,   // equivocation found (evidence_store.hpp)
};
inline constexpr std::size_t column_count = 14;
// The column family's name in the store ("meta", "blocks", ...).
[[nodiscard]] std::string_view column_name(Column c) noexcept;
[[nodiscard]] inline Column column_at(std::size_t i) noexcept { return static_cast<Column>(i); }

// Eight bytes, big-endian.
[[nodiscard]] std::array<std::byte, 8> height_key(std::uint64_t height) noexcept;
// Throws DecodeError unless the key is eight bytes.
[[nodiscard]] std::uint64_t height_from_key(ByteView key);

class WriteBatch {
 public:
  struct Op {
    Column column;
    bool erase;
    Bytes key;
    Bytes value;
  };
  WriteBatch& put(Column c, ByteView key, ByteView value) {
    ops_.push_back(Op{c, false, Bytes(key.begin(), key.end()), Bytes(value.begin(), value.end())});
    bytes_ += key.size() + value.size();
    return *this;
  }
  WriteBatch& erase(Column c, ByteView key) {
    ops_.push_back(Op{c, true, Bytes(key.begin(), key.end()), {}});
    bytes_ += key.size();
    return *this;
  }
  [[nodiscard]] const std::vector<Op>& ops() const noexcept { return ops_; }
  [[nodiscard]] std::size_t byte_size() const noexcept { return bytes_; }
  [[nodiscard]] bool empty() const noexcept { return ops_.empty(); }

 private:
  std::vector<Op> ops_;
  std::size_t bytes_ = 0;
};

// One key and its value, viewed (Store::ingest).
struct KeyValueView {
  ByteView key;
  ByteView value;
};

class Store {
 public:
  // Visitor of a scan: return false to stop.
  using Visitor = std::function<bool(ByteView key, ByteView value)>;

  virtual ~Store() = default;
  [[nodiscard]] virtual std::optional<Bytes> get(Column c, ByteView key) const = 0;
  virtual void write(const WriteBatch& batch, bool sync = true) = 0;
  // Keys k with begin <= k < end in byte order; an empty `end` means no
  // upper bound.
  virtual void scan(Column c, ByteView begin, ByteView end, const Visitor& visit) const = 0;
  // Adds many keys to one column family at once, outside write()'s
  // batches: `entries` in strictly ascending key order (InvalidArgument
  // otherwise), durable when it returns, and newer than everything written
  // before (a later ingest() or write() wins in turn). Not atomic with any
  // write(): for data a caller can rebuild after a crash, such as an index.
  // RocksDB writes one sorted table file and ingests it, which skips the
  // per-key memtable insert and the flush; this default applies the
  // entries as one synced write.
  void ingest(Column c, std::span<const KeyValueView> entries);
  // Whether ingest() may run on one thread while get(), scan() and write()
  // run on another (one ingest at a time). RocksDB: yes.
  [[nodiscard]] virtual bool concurrent_ingest() const noexcept { return false; }
  // Reclaims the space of deleted keys in [begin, end) (RocksDB:
  // CompactRange); a no-op where there is nothing to reclaim.
  virtual void compact(Column c, ByteView begin, ByteView end) {
    (void)c;
    (void)begin;
    (void)end;
  }
 protected:
  // ingest() once the order is checked.
  virtual void ingest_sorted(Column c, std::span<const KeyValueView> entries);
};

class MemoryStore final : public Store {
 public:
  [[nodiscard]] std::optional<Bytes> get(Column c, ByteView key) const override;
  void write(const WriteBatch& batch, bool sync = true) override;
  void scan(Column c, ByteView begin, ByteView end, const Visitor& visit) const override;
  // Tests: the number of keys in a column family.
  [[nodiscard]] std::size_t size(Column c) const noexcept { return columns_[static_cast<std::size_t>(c)].size(); }

 private:
  std::array<std::map<Bytes, Bytes, BytesLess>, column_count> columns_;
};

}  // namespace privfin::ledger
