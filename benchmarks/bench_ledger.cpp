// The ledger's costs (docs/performance.md, "Ledger"): the state root
// update for 4,000 changed keys, one synced per-height batch on RocksDB for
// a 1 MB block with 4,000 state writes (p50/p99 over the iterations) with
// the disk's own synced-write time as its anchor, a scaled-down day of
// blocks with background pruning (disk size over the day), the insert
// rate and disk size of a large state, and state proof generation and
// verification per key.
//
//   bench_ledger --benchmark_filter=Commit --benchmark_min_time=3
// The RocksDB database lives under $TMPDIR (or /tmp): what it measures is
// that file system's fdatasync.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "privfin/consensus/types.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/ledger/ledger.hpp"
#include "privfin/ledger/rocksdb_store.hpp"
#include "privfin/ledger/state_tree.hpp"

using namespace privfin;
using namespace privfin::ledger;

namespace {

Prg bench_prg(std::uint8_t salt) {
  Prg::Seed seed{};
  seed[0] = std::byte{salt};
  seed[1] = std::byte{0xBE};
  return Prg(seed);
}

Bytes key_of(std::uint64_t i) { return to_bytes("account/" + std::to_string(i)); }

std::vector<StateChange> random_changes(Prg& prg, std::size_t count, std::uint64_t key_space) {
  std::vector<StateChange> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) out.push_back({key_of(prg.next_u64() % key_space), prg.bytes(32)});
  return out;
}

// A state of `keys` keys at version 1, in memory.
void populate(MemoryNodes& nodes, std::uint64_t keys) {
  std::vector<StateChange> all;
  all.reserve(keys);
  Prg prg = bench_prg(1);
  for (std::uint64_t i = 0; i < keys; ++i) all.push_back({key_of(i), prg.bytes(32)});
  nodes.apply(StateTree(nodes).apply(std::nullopt, 1, all));
}

void set_percentiles(benchmark::State& state, std::vector<double> ms) {
  if (ms.empty()) return;
  std::sort(ms.begin(), ms.end());
  const auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * static_cast<double>(ms.size())))]; };
  state.counters["p50_ms"] = at(0.50);
  state.counters["p99_ms"] = at(0.99);
  state.counters["max_ms"] = ms.back();
}

// The root update for 4,000 changed keys in a state of range(0) keys:
// StateTree::apply (reads, new nodes, hashes), then the nodes stored in memory.
void BM_StateRootUpdate4000(benchmark::State& state) {
  const auto keys = static_cast<std::uint64_t>(state.range(0));
  MemoryNodes nodes;
  populate(nodes, keys);
  StateTree tree(nodes);
  Prg prg = bench_prg(2);
  Version v = 1;
  std::vector<double> ms;
  for (auto _ : state) {
    state.PauseTiming();
    const auto changes = random_changes(prg, 4000, keys * 2);  // half updates, half inserts
    state.ResumeTiming();
    const auto t0 = std::chrono::steady_clock::now();
    const TreeBatch b = tree.apply(v, v + 1, changes);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    benchmark::DoNotOptimize(b.root);
    state.PauseTiming();
    nodes.apply(b);
    ++v;
    state.ResumeTiming();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 4000);
  set_percentiles(state, ms);
}
BENCHMARK(BM_StateRootUpdate4000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

// One height on RocksDB: a 1 MB block, its certificate, 4,000 state writes
// in a state of 100,000 keys; Ledger::commit = tree update + one synced
// WriteBatch. p50/p99 over the iterations.
void BM_CommitHeightRocksDb(benchmark::State& state) {
  const char* tmp = std::getenv("TMPDIR");
  const std::filesystem::path dir =
      std::filesystem::path(tmp != nullptr ? tmp : "/tmp") / ("privfin-bench-ledger-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    auto store = RocksDbStore::open(dir);
    Ledger ledger = Ledger::open(*store);
    Prg prg = bench_prg(3);
    constexpr std::uint64_t keys = 100'000;
    consensus::Hash32 parent{};
    // The block and certificate are made outside the timed part; the
    // commit (checks, tree update, batch, synced write) is timed.
    auto make = [&](std::size_t body_size) {
      consensus::Block b;
      b.header.chain_id = "bench";
      b.header.height = ledger.height() + 1;
      b.header.parent = parent;
      b.header.app_hash = ledger.app_hash();
      b.body = prg.bytes(body_size);
      b.header.tx_root = consensus::tx_root_of(b.body);
      consensus::CommitCertificate c;
      c.height = b.header.height;
      c.block = b.hash();
      c.signers.assign(4, true);
      c.aggregate = Bytes(96, std::byte{1});
      parent = c.block;
      return std::pair{b, c};
    };
    auto commit = [&](const std::vector<StateChange>& changes, std::size_t body_size) {
      const auto [b, c] = make(body_size);
      return ledger.commit(b, c, Bytes(4000, std::byte{0}), changes);
    };
    std::vector<StateChange> initial;
    for (std::uint64_t i = 0; i < keys; ++i) initial.push_back({key_of(i), prg.bytes(32)});
    commit(initial, 0);
    std::vector<double> ms;
    for (auto _ : state) {
      state.PauseTiming();
      const auto changes = random_changes(prg, 4000, keys * 2);
      const auto [b, c] = make(std::size_t{1} << 20);
      state.ResumeTiming();
      const auto t0 = std::chrono::steady_clock::now();
      benchmark::DoNotOptimize(ledger.commit(b, c, Bytes(4000, std::byte{0}), changes));
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    set_percentiles(state, ms);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * (std::int64_t{1} << 20));
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_CommitHeightRocksDb)->Unit(benchmark::kMillisecond)->Iterations(200);

// The synced WriteBatch alone (what the per-height batch costs the disk):
// 1 MB block, 4,000 writes of ~100 bytes (nodes and values).
void BM_SyncedBatchRocksDb(benchmark::State& state) {
  const char* tmp = std::getenv("TMPDIR");
  const std::filesystem::path dir =
      std::filesystem::path(tmp != nullptr ? tmp : "/tmp") / ("privfin-bench-batch-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    auto store = RocksDbStore::open(dir);
    Prg prg = bench_prg(4);
    std::vector<double> ms;
    std::uint64_t h = 0;
    for (auto _ : state) {
      state.PauseTiming();
      WriteBatch b;
      ++h;
      b.put(Column::blocks, height_key(h), prg.bytes(std::size_t{1} << 20));
      for (std::uint64_t i = 0; i < 4000; ++i) {
        b.put(Column::state_nodes, concat(height_key(h), height_key(i)), prg.bytes(90));
        b.put(Column::state_latest, key_of(prg.next_u64() % 200'000), prg.bytes(32));
      }
      b.put(Column::meta, as_bytes("committed_height"), height_key(h));
      state.ResumeTiming();
      const auto t0 = std::chrono::steady_clock::now();
      store->write(b, true);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    set_percentiles(state, ms);
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_SyncedBatchRocksDb)->Unit(benchmark::kMillisecond)->Iterations(200);

// The anchor for the two above: the same number of bytes (1 MB block +
// 8,000 writes of about 130 bytes) as ONE value in one synced RocksDB
// write, and as one write() + fdatasync() of a plain file in the same
// directory. What is left of the per-height batch's time above these is
// RocksDB's per-key work (memtable inserts); these two are the disk's.
constexpr std::size_t batch_equivalent_bytes = (std::size_t{1} << 20) + 8000 * 130;

void BM_BareSyncedWriteRocksDb(benchmark::State& state) {
  const char* tmp = std::getenv("TMPDIR");
  const std::filesystem::path dir =
      std::filesystem::path(tmp != nullptr ? tmp : "/tmp") / ("privfin-bench-bare-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  {
    auto store = RocksDbStore::open(dir);
    Prg prg = bench_prg(6);
    std::vector<double> ms;
    std::uint64_t h = 0;
    for (auto _ : state) {
      state.PauseTiming();
      WriteBatch b;
      b.put(Column::blocks, height_key(++h), prg.bytes(batch_equivalent_bytes));
      state.ResumeTiming();
      const auto t0 = std::chrono::steady_clock::now();
      store->write(b, true);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    set_percentiles(state, ms);
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_BareSyncedWriteRocksDb)->Unit(benchmark::kMillisecond)->Iterations(200);

void BM_FileFdatasync(benchmark::State& state) {
  const char* tmp = std::getenv("TMPDIR");
  const std::filesystem::path file =
      std::filesystem::path(tmp != nullptr ? tmp : "/tmp") / ("privfin-bench-fsync-" + std::to_string(::getpid()));
  const int fd = ::open(file.c_str(), O_CREAT | O_WRONLY | O_TRUNC | O_APPEND, 0600);
  if (fd < 0) {
    state.SkipWithError("cannot create the file");
    return;
  }
  Prg prg = bench_prg(7);
  const Bytes data = prg.bytes(batch_equivalent_bytes);
  std::vector<double> ms;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    if (::write(fd, data.data(), data.size()) != static_cast<ssize_t>(data.size()) || ::fdatasync(fd) != 0) {
      state.SkipWithError("write or fdatasync failed");
      break;
    }
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  set_percentiles(state, ms);
  ::close(fd);
  std::filesystem::remove(file);
}
BENCHMARK(BM_FileFdatasync)->Unit(benchmark::kMillisecond)->Iterations(200);

std::uint64_t disk_bytes(const std::filesystem::path& dir) {
  std::uint64_t total = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) total += e.file_size();
  }
  return total;
}

std::filesystem::path bench_dir(const std::string& name) {
  const char* tmp = std::getenv("TMPDIR");
  return std::filesystem::path(tmp != nullptr ? tmp : "/tmp") / ("privfin-bench-" + name + "-" + std::to_string(::getpid()));
}

double process_cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// What one committed transaction's index key costs the node in all: heights
// of 1,000 random 32-byte keys (a transaction's SHA-256 and its 16-byte
// location), 1,000 heights, then the column compacted. Two ways:
// BM_TxIndexKeysRocksDb writes each height's keys in an unsynced batch
// (the ledger before its index was deferred); BM_TxIndexIngestRocksDb
// sorts 65,536 at a time and ingests them as one file (Store::ingest, as
// Ledger::flush_tx_index does). Counted as the process's CPU time, every
// thread's: a memtable that is cheap to insert into can be dear to flush,
// on a background thread that a time taken on the writing thread alone
// would miss (the hash-bucket memtable the index had before,
// docs/performance.md). The final compaction, a steady-state node's
// background work done at once, is included.
void tx_index_keys(benchmark::State& state, bool ingest) {
  constexpr std::size_t heights = 1000;
  constexpr std::size_t keys_per_height = 1000;
  constexpr std::size_t ingest_batch = std::size_t{1} << 16;
  const std::filesystem::path dir = bench_dir("txindex");
  Prg prg = bench_prg(8);
  std::vector<WriteBatch> batches(heights);
  for (auto& b : batches) {
    for (std::size_t i = 0; i < keys_per_height; ++i) b.put(Column::tx_index, prg.bytes(32), prg.bytes(16));
  }
  double cpu = 0;
  std::vector<double> ms;
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove_all(dir);
    auto store = RocksDbStore::open(dir);
    state.ResumeTiming();
    const double cpu0 = process_cpu_seconds();
    std::vector<const WriteBatch::Op*> held;
    const auto flush = [&] {
      std::sort(held.begin(), held.end(), [](const auto* a, const auto* b) { return BytesLess{}(a->key, b->key); });
      std::vector<KeyValueView> entries;
      entries.reserve(held.size());
      for (const auto* op : held) entries.push_back(KeyValueView{op->key, op->value});
      store->ingest(Column::tx_index, entries);
      held.clear();
    };
    for (const auto& b : batches) {
      const auto t0 = std::chrono::steady_clock::now();
      if (ingest) {
        for (const auto& op : b.ops()) held.push_back(&op);
        if (held.size() >= ingest_batch) flush();
      } else {
        store->write(b, false);
      }
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    if (!held.empty()) flush();
    store->compact(Column::tx_index, {}, {});
    cpu += process_cpu_seconds() - cpu0;
  }
  std::filesystem::remove_all(dir);
  const double keys = static_cast<double>(state.iterations()) * static_cast<double>(heights * keys_per_height);
  state.counters["cpu_us_per_key_all_threads"] = cpu / keys * 1e6;
  set_percentiles(state, ms);
}
void BM_TxIndexKeysRocksDb(benchmark::State& state) { tx_index_keys(state, false); }
void BM_TxIndexIngestRocksDb(benchmark::State& state) { tx_index_keys(state, true); }
BENCHMARK(BM_TxIndexKeysRocksDb)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_TxIndexIngestRocksDb)->Unit(benchmark::kMillisecond)->Iterations(2);

// A day of blocks, scaled down: 2,400 heights (one block every 36 s),
// each with a 64 KB body and 500 state writes in a space of 50,000 keys,
// on RocksDB, keeping the last 200 heights: after every commit the node
// calls Ledger::prune_step(height - 200, 20,000 keys, compacting every 100
// heights of retain). The disk size is
// read every 400 heights (disk_mb_hN): flat from the first quarter on
// means pruning and compaction keep up. Without pruning the bodies alone
// would add 150 MB over the day.
void BM_DayWithPruning(benchmark::State& state) {
  const auto dir = bench_dir("day");
  std::filesystem::remove_all(dir);
  for (auto _ : state) {
    auto store = RocksDbStore::open(dir);
    Ledger ledger = Ledger::open(*store);
    Prg prg = bench_prg(8);
    consensus::Hash32 parent{};
    constexpr Height heights = 2400;
    constexpr Height keep = 200;
    double prune_ms = 0;
    for (Height h = 1; h <= heights; ++h) {
      consensus::Block b;
      b.header.chain_id = "bench";
      b.header.height = h;
      b.header.parent = parent;
      b.header.app_hash = ledger.app_hash();
      b.body = prg.bytes(std::size_t{64} << 10);
      b.header.tx_root = consensus::tx_root_of(b.body);
      consensus::CommitCertificate c{h, 0, b.hash(), std::vector<bool>(4, true), Bytes(96, std::byte{1})};
      parent = c.block;
      (void)ledger.commit(b, c, Bytes(500, std::byte{0}), random_changes(prg, 500, 50'000));
      if (h > keep) {
        const auto t0 = std::chrono::steady_clock::now();
        (void)ledger.prune_step(h - keep, 20'000, 100);
        prune_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      }
      if (h % 400 == 0) {
        state.counters["disk_mb_h" + std::to_string(h)] = static_cast<double>(disk_bytes(dir)) / 1e6;
      }
    }
    state.counters["prune_ms_per_height"] = prune_ms / static_cast<double>(heights - keep);
    state.counters["retain"] = static_cast<double>(ledger.retain_height());
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_DayWithPruning)->Unit(benchmark::kSecond)->Iterations(1);

// Inserting range(0) new keys (32-byte values) into the ledger on RocksDB,
// 100,000 per height (one Ledger::commit each); keys/s over all of it, and
// the disk size after a full compaction.
void BM_InsertKeys(benchmark::State& state) {
  const auto total = static_cast<std::uint64_t>(state.range(0));
  const auto dir = bench_dir("insert");
  std::filesystem::remove_all(dir);
  for (auto _ : state) {
    auto store = RocksDbStore::open(dir);
    Ledger ledger = Ledger::open(*store);
    Prg prg = bench_prg(9);
    consensus::Hash32 parent{};
    constexpr std::uint64_t per_height = 100'000;
    for (std::uint64_t done = 0; done < total; done += per_height) {
      std::vector<StateChange> changes;
      changes.reserve(per_height);
      for (std::uint64_t i = done; i < done + per_height && i < total; ++i) changes.push_back({key_of(i), prg.bytes(32)});
      consensus::Block b;
      b.header.chain_id = "bench";
      b.header.height = ledger.height() + 1;
      b.header.parent = parent;
      b.header.app_hash = ledger.app_hash();
      b.header.tx_root = consensus::tx_root_of(b.body);
      consensus::CommitCertificate c{b.header.height, 0, b.hash(), std::vector<bool>(4, true), Bytes(96, std::byte{1})};
      parent = c.block;
      (void)ledger.commit(b, c, {}, changes);
    }
    state.PauseTiming();
    for (std::size_t i = 0; i < column_count; ++i) store->compact(column_at(i), {}, {});
    state.counters["disk_mb"] = static_cast<double>(disk_bytes(dir)) / 1e6;
    state.counters["bytes_per_key"] = static_cast<double>(disk_bytes(dir)) / static_cast<double>(total);
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(total));
  std::filesystem::remove_all(dir);
}
// 10^7 keys take about 15 minutes and 6 GB of disk: run it alone
// (--benchmark_filter='InsertKeys/10000000', docs/performance.md).
BENCHMARK(BM_InsertKeys)->Arg(1'000'000)->Arg(10'000'000)->Unit(benchmark::kSecond)->Iterations(1);

// Proof generation and verification per key, state of range(0) keys.
void BM_StateProve(benchmark::State& state) {
  const auto keys = static_cast<std::uint64_t>(state.range(0));
  MemoryNodes nodes;
  populate(nodes, keys);
  StateTree tree(nodes);
  Prg prg = bench_prg(5);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const auto pv = tree.prove(key_of(prg.next_u64() % (keys * 2)), 1);
    bytes += pv.proof.to_bytes().size();
    benchmark::DoNotOptimize(pv);
  }
  state.counters["proof_bytes"] = static_cast<double>(bytes) / static_cast<double>(state.iterations());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_StateProve)->Arg(100'000)->Unit(benchmark::kMicrosecond);

void BM_StateVerify(benchmark::State& state) {
  const auto keys = static_cast<std::uint64_t>(state.range(0));
  MemoryNodes nodes;
  populate(nodes, keys);
  StateTree tree(nodes);
  const Hash32 root = tree.root(1);
  std::vector<std::pair<Bytes, ProvenValue>> proofs;
  for (std::uint64_t i = 0; i < 256; ++i) proofs.emplace_back(key_of(i * 7), tree.prove(key_of(i * 7), 1));
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& [key, pv] = proofs[i++ % proofs.size()];
    bool ok = verify_state_proof(pv.proof, key, pv.value, root);
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_StateVerify)->Arg(100'000)->Unit(benchmark::kMicrosecond);

}  // namespace
