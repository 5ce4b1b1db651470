// RocksDbStore: one rocksdb::DB with a column family per ledger Column.
// Settings that matter for crash safety are set here explicitly rather than
// left to RocksDB's defaults (docs/ledger.md, "Crash consistency").
#include "privfin/ledger/rocksdb_store.hpp"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/slice.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "privfin/ledger/error.hpp"

namespace privfin::ledger {

namespace {

rocksdb::Slice slice(ByteView b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }
ByteView view(const rocksdb::Slice& s) { return {reinterpret_cast<const std::byte*>(s.data()), s.size()}; }

void check(const rocksdb::Status& s, const std::string& what) {
  if (!s.ok()) throw StoreError(what + ": " + s.ToString(), s.IsCorruption());
}

}  // namespace

struct RocksDbStore::Impl {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // by Column
  rocksdb::ReadOptions read;
  std::filesystem::path dir;

  ~Impl() {
    for (auto* h : handles) {
      if (h != nullptr && db) (void)db->DestroyColumnFamilyHandle(h);
    }
    if (db) (void)db->Close();
  }
  rocksdb::ColumnFamilyHandle* cf(Column c) const { return handles.at(static_cast<std::size_t>(c)); }
};

bool set_background_priority(BackgroundPriority priority) {
  if (priority == BackgroundPriority::normal) return true;
  const auto cpu = priority == BackgroundPriority::idle ? rocksdb::CpuPriority::kIdle : rocksdb::CpuPriority::kLow;
  return rocksdb::Env::Default()->LowerThreadPoolCPUPriority(rocksdb::Env::Priority::LOW, cpu).ok();
}

RocksDbStore::RocksDbStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RocksDbStore::~RocksDbStore() = default;

std::unique_ptr<RocksDbStore> RocksDbStore::open(const std::filesystem::path& dir, Options options) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = options.create_if_missing;
  db_options.create_missing_column_families = options.create_if_missing;
  db_options.paranoid_checks = true;
  // Stop at the first inconsistency in the log: a torn tail is dropped,
  // nothing after a damaged record is replayed.
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  db_options.max_background_jobs = 2;
  // The ledger has one writer (the node's poll thread): nothing to gain
  // from concurrent memtable inserts.
  db_options.allow_concurrent_memtable_write = false;
  // A memtable flush writes a table file of tens of MB and syncs it at the
  // end; on a shared disk that one big sync lands in front of the next
  // height's WAL fdatasync. Syncing table files every megabyte as they are
  // written spreads it out (a p99 effect, docs/performance.md). Strict:
  // each range waits until the one before is on disk, so a flush never has
  // more than about a megabyte in flight. Without it the flush writes into
  // the page cache faster than the disk takes it, and the next WAL sync
  // waits behind tens of MB (traced: 25-36 ms fdatasyncs while a 64 MB
  // table was written; the synced batch's median p99 51.6 -> 46.5 ms over
  // five alternating runs, docs/performance.md).
  db_options.bytes_per_sync = std::uint64_t{1} << 20;
  db_options.strict_bytes_per_sync = true;
  // One write-ahead log serves all thirteen column families, and a log
  // file is deleted only once every family with data in it has flushed.
  // The quiet families (meta, state_latest, ...) would keep every log
  // alive up to RocksDB's default bound of four times the families'
  // memtables (gigabytes; 276 log files after 2,400 heights in the pruning
  // benchmark). Above 128 MB of logs the families holding the oldest log
  // are flushed.
  db_options.max_total_wal_size = std::uint64_t{128} << 20;
  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.paranoid_file_checks = false;  // checksums are verified on every read instead (below)
  // Room for a memtable flush to run while writes go on: a 1 MB block and
  // thousands of nodes per height fill a memtable every few dozen heights,
  // and with RocksDB's default of two the next height would stall.
  cf_options.max_write_buffer_number = 4;
  // Reads on the commit path are point lookups of state-tree nodes that the
  // ledger's own node cache has dropped (mostly cold leaves): with
  // RocksDB's default 8 MB block cache and no filters, each was a block
  // read from the OS and a Snappy decompression (a fifth of a commit's CPU
  // in a profile, docs/performance.md). One shared 256 MB block cache,
  // whole-key Bloom filters, and index/filter blocks kept in that cache.
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(std::size_t{256} << 20);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  // State nodes are mostly SHA-256 hashes and blocks are mostly signed or
  // encrypted payloads: compression costs CPU on every flush and read and
  // saves next to nothing on them.
  rocksdb::ColumnFamilyOptions incompressible = cf_options;
  incompressible.compression = rocksdb::kNoCompression;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  families.emplace_back(rocksdb::kDefaultColumnFamilyName, cf_options);
  for (std::size_t i = 0; i < column_count; ++i) {
    const Column c = column_at(i);
    // The transaction index is SHA-256 keys and (height, index) values,
    // written as whole sorted files (Ledger::flush_tx_index, ingest()).
    const bool hashes = c == Column::state_nodes || c == Column::blocks || c == Column::tx_index;
    rocksdb::ColumnFamilyOptions o = hashes ? incompressible : cf_options;
    if (c == Column::state_latest) {
      // The family a height writes at random places: the application keys
      // its transactions changed. An insert into a skip-list memtable
      // walks its levels, a cache miss each once the list outgrows the
      // caches; a memtable of 8 MB (not RocksDB's 64) stays mostly in
      // cache. Smaller flushes, more level-0 files: their sorted runs merge
      // cheaply. A hash-bucket memtable, tried first (for the transaction
      // index, when it was written key by key), inserts faster but must
      // sort itself at every flush: 13% of a payments node
      // (docs/performance.md, "Steady state").
      o.write_buffer_size = std::size_t{8} << 20;
    }
    if (c == Column::tx_index) {
      // Every ingested file spans the whole key space (random hashes), so
      // each level-0 compaction merges into all of level 1. With RocksDB's
      // 256 MB level 1 that is a rewrite of the whole index every few
      // files (18-26 s of compaction CPU on four nodes for 2.4 M
      // commands); a 24 MB level 1 in 6 MB files passes the keys on to
      // level 2 a file at a time (12-16 s; universal compaction was tried
      // too: docs/performance.md).
      o.max_bytes_for_level_base = std::uint64_t{24} << 20;
      o.target_file_size_base = std::uint64_t{6} << 20;
    }
    families.emplace_back(std::string(column_name(c)), o);
  }
  auto impl = std::make_unique<Impl>();
  impl->read.verify_checksums = true;
  impl->dir = dir;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  check(rocksdb::DB::Open(db_options, dir.string(), families, &handles, &raw), "open " + dir.string());
  impl->db.reset(raw);
  // handles[0] is the default family, which the ledger does not use.
  (void)impl->db->DestroyColumnFamilyHandle(handles[0]);
  impl->handles.assign(handles.begin() + 1, handles.end());
  return std::unique_ptr<RocksDbStore>(new RocksDbStore(std::move(impl)));
}

std::optional<Bytes> RocksDbStore::get(Column c, ByteView key) const {
  rocksdb::PinnableSlice value;
  const auto s = impl_->db->Get(impl_->read, impl_->cf(c), slice(key), &value);
  if (s.IsNotFound()) return std::nullopt;
  check(s, "get from " + std::string(column_name(c)));
  const ByteView v = view(value);
  return Bytes(v.begin(), v.end());
}

void RocksDbStore::write(const WriteBatch& batch, bool sync) {
  // In (column family, key) order, keeping the order of ops on one key (so
  // the later still wins): a memtable is a skip list that inserts keys in
  // ascending order far faster than at random, and a height's new state
  // nodes all carry the newest version, so sorted they append at the end.
  const auto& ops = batch.ops();
  std::vector<std::size_t> order(ops.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (ops[a].column != ops[b].column) return ops[a].column < ops[b].column;
    return BytesLess{}(ops[a].key, ops[b].key);
  });
  rocksdb::WriteBatch wb;
  for (const std::size_t i : order) {
    const auto& op = ops[i];
    if (op.erase) check(wb.Delete(impl_->cf(op.column), slice(op.key)), "batch delete");
    else check(wb.Put(impl_->cf(op.column), slice(op.key), slice(op.value)), "batch put");
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  wo.disableWAL = false;  // never: the log is what makes a batch atomic and durable
  check(impl_->db->Write(wo, &wb), "write batch");
}

void RocksDbStore::ingest_sorted(Column c, std::span<const KeyValueView> entries) {
  const std::string what = "ingest into " + std::string(column_name(c));
  // Inside the database's directory, so that moving the file in is a hard
  // link on the same file system.
  const auto staging = impl_->dir / "ingest";
  std::error_code ec;
  std::filesystem::create_directories(staging, ec);
  if (ec) throw StoreError(what + ": cannot create " + staging.string() + ": " + ec.message(), false);
  const auto file = staging / (std::string(column_name(c)) + ".sst");
  // A file left here by a crash may be a link to a table file the database
  // took in just before it: unlinked, never rewritten in place, or the new
  // contents would replace a live table's (the crash test caught this as
  // a corrupt table after a SIGKILL).
  std::filesystem::remove(file, ec);
  if (ec) throw StoreError(what + ": cannot remove " + file.string() + ": " + ec.message(), false);
  const rocksdb::Options options(impl_->db->GetDBOptions(), impl_->db->GetOptions(impl_->cf(c)));
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(options), options, impl_->cf(c));
  check(writer.Open(file.string()), what + ": open " + file.string());
  for (const auto& e : entries) check(writer.Put(slice(e.key), slice(e.value)), what);
  check(writer.Finish(), what + ": finish " + file.string());
  rocksdb::IngestExternalFileOptions io;
  io.move_files = true;  // a hard link, not a copy
  const auto s = impl_->db->IngestExternalFile(impl_->cf(c), {file.string()}, io);
  std::filesystem::remove(file, ec);  // the database holds its own link now (or never took it)
  check(s, what);
}

void RocksDbStore::scan(Column c, ByteView begin, ByteView end, const Visitor& visit) const {
  rocksdb::ReadOptions ro = impl_->read;
  ro.total_order_seek = true;  // a scan visits every key, whatever prefix extractor a family has
  const rocksdb::Slice upper = slice(end);
  if (!end.empty()) ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(impl_->db->NewIterator(ro, impl_->cf(c)));
  for (it->Seek(slice(begin)); it->Valid(); it->Next()) {
    if (!visit(view(it->key()), view(it->value()))) break;
  }
  check(it->status(), "scan " + std::string(column_name(c)));
}

void RocksDbStore::compact(Column c, ByteView begin, ByteView end) {
  const rocksdb::Slice b = slice(begin);
  const rocksdb::Slice e = slice(end);
  rocksdb::CompactRangeOptions options;
  check(impl_->db->CompactRange(options, impl_->cf(c), begin.empty() ? nullptr : &b, end.empty() ? nullptr : &e),
        "compact " + std::string(column_name(c)));
}

}  // namespace privfin::ledger
