// The store contract and the ledger (ledger/store.hpp, rocksdb_store.hpp,
// ledger.hpp), run against both stores: atomic batches and ordered scans,
// commit and reopen, blocks that do not extend the ledger refused, proofs
// against later headers, typed refusal to open corrupt committed data, and
// pruning. The RocksDB-only cases (flipped table files, a torn log tail, a
// child killed by SIGKILL while committing) follow.
#include <algorithm>
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <map>
#include <random>
#include <string>

#include "ledger/chain_fixture.hpp"
#include "privfin/ledger/error.hpp"
#include "privfin/ledger/ledger.hpp"
#include "privfin/ledger/rocksdb_store.hpp"
#include "privfin/ledger/store.hpp"
#include "support/processes.hpp"

using namespace privfin;
using namespace privfin::ledger;
namespace chain = privfin::test::ledger_chain;

namespace {

struct MemoryBackend {
  static constexpr const char* name = "memory";
  MemoryStore store;
  Store& open() { return store; }
  Store& reopen() { return store; }
};

struct RocksBackend {
  static constexpr const char* name = "rocksdb";
  test::TempDir dir;
  std::unique_ptr<RocksDbStore> store;
  Store& open() {
    store = RocksDbStore::open(dir.path() / "db");
    return *store;
  }
  Store& reopen() {
    store.reset();
    return open();
  }
};

// The reference: the state after every height, recomputed from the fixture.
std::vector<std::map<Bytes, Bytes, BytesLess>> reference_states(Height last) {
  std::vector<std::map<Bytes, Bytes, BytesLess>> out(1);
  for (Height h = 1; h <= last; ++h) {
    auto s = out.back();
    for (const auto& c : chain::changes_for(h)) {
      if (c.value) s[c.key] = *c.value;
      else s.erase(c.key);
    }
    out.push_back(std::move(s));
  }
  return out;
}

OpenOptions checked(bool full) {
  OpenOptions o;
  o.full_check = full;
  return o;
}

std::optional<Bytes> lookup(const std::map<Bytes, Bytes, BytesLess>& m, const Bytes& k) {
  const auto it = m.find(k);
  return it == m.end() ? std::nullopt : std::optional<Bytes>(it->second);
}

}  // namespace

TEMPLATE_TEST_CASE("store: batches, gets, ordered scans, column families", "[ledger][store]", MemoryBackend,
                   RocksBackend) {
  TestType backend;
  Store& store = backend.open();
  WriteBatch b;
  for (std::uint64_t h : {300U, 2U, 70000U, 1U, 256U}) b.put(Column::blocks, height_key(h), to_bytes(std::to_string(h)));
  b.put(Column::certs, height_key(2), to_bytes("cert"));
  store.write(b);
  CHECK(store.get(Column::blocks, height_key(2)) == to_bytes("2"));
  CHECK_FALSE(store.get(Column::blocks, height_key(3)));
  CHECK_FALSE(store.get(Column::results, height_key(2)));  // families are separate
  CHECK(store.get(Column::certs, height_key(2)) == to_bytes("cert"));
  // Big-endian keys scan in height order, bounded by [begin, end).
  std::vector<std::uint64_t> seen;
  store.scan(Column::blocks, height_key(2), height_key(300), [&](ByteView k, ByteView) {
    seen.push_back(height_from_key(k));
    return true;
  });
  CHECK(seen == std::vector<std::uint64_t>{2, 256});
  seen.clear();
  store.scan(Column::blocks, {}, {}, [&](ByteView k, ByteView) {
    seen.push_back(height_from_key(k));
    return seen.size() < 4;
  });
  CHECK(seen == std::vector<std::uint64_t>{1, 2, 256, 300});
  // tx_index's keys are 32-byte hashes (on RocksDB in a hash memtable):
  // gets and scans, whole and bounded, still see them in key order, in the
  // memtable and after a compaction wrote them to table files.
  std::vector<Bytes> hashes;
  WriteBatch t;
  for (std::uint64_t i = 0; i < 200; ++i) {
    const auto scattered = height_key(i * 0x9e3779b97f4a7c15ULL);  // scattered first bytes
    Bytes k(scattered.begin(), scattered.end());
    k.resize(32, std::byte{static_cast<unsigned char>(i)});
    t.put(Column::tx_index, k, height_key(i));
    hashes.push_back(std::move(k));
  }
  store.write(t);
  std::sort(hashes.begin(), hashes.end(), BytesLess{});
  for (const bool compacted : {false, true}) {
    INFO("compacted " << compacted);
    if (compacted) store.compact(Column::tx_index, {}, {});
    std::vector<Bytes> all;
    store.scan(Column::tx_index, {}, {}, [&](ByteView k, ByteView) {
      all.emplace_back(k.begin(), k.end());
      return true;
    });
    CHECK(all == hashes);
    std::vector<Bytes> some;
    store.scan(Column::tx_index, hashes[10], hashes[20], [&](ByteView k, ByteView) {
      some.emplace_back(k.begin(), k.end());
      return true;
    });
    CHECK(some == std::vector<Bytes>(hashes.begin() + 10, hashes.begin() + 20));
    CHECK(store.get(Column::tx_index, hashes[77]).has_value());
    Bytes absent = hashes[77];
    absent[31] ^= std::byte{1};
    CHECK_FALSE(store.get(Column::tx_index, absent).has_value());
  }
  // Erase and overwrite in one batch; the later op wins.
  WriteBatch c;
  c.erase(Column::blocks, height_key(1)).put(Column::blocks, height_key(2), to_bytes("x"));
  c.put(Column::blocks, height_key(2), to_bytes("y"));
  store.write(c, false);
  CHECK_FALSE(store.get(Column::blocks, height_key(1)));
  CHECK(store.get(Column::blocks, height_key(2)) == to_bytes("y"));
  Store& again = backend.reopen();
  CHECK(again.get(Column::blocks, height_key(70000)) == to_bytes("70000"));
  CHECK_FALSE(again.get(Column::blocks, height_key(1)));
  CHECK_THROWS_AS(height_from_key(to_bytes("short")), DecodeError);
  for (std::size_t i = 0; i < column_count; ++i) CHECK(column_name(column_at(i)) != "unknown");
}

TEMPLATE_TEST_CASE("ledger: commits, reopens, and proves every retained height", "[ledger][ledger]", MemoryBackend,
                   RocksBackend) {
  TestType backend;
  constexpr Height last = 25;
  const auto states = reference_states(last);
  {
    Ledger l = Ledger::open(backend.open());
    CHECK(l.height() == 0);
    CHECK(l.app_hash() == empty_state_root());
    for (Height h = 1; h <= 12; ++h) chain::commit_next(l);
  }
  Ledger l = Ledger::open(backend.reopen(), checked(true));
  REQUIRE(l.height() == 12);
  for (Height h = 13; h <= last; ++h) chain::commit_next(l);
  Ledger r = Ledger::open(backend.reopen(), checked(true));
  REQUIRE(r.height() == last);
  CHECK(r.app_hash() == l.app_hash());
  for (Height h = 1; h <= last; ++h) {
    INFO(TestType::name << " height " << h);
    const auto block = r.block(h);
    REQUIRE(block);
    CHECK(block->header.height == h);
    CHECK(r.certificate(h)->block == block->hash());
    CHECK(r.results(h) == chain::results_for(h));
    CHECK(r.height_of(block->hash()) == h);
    // Header h + 1 carries the app hash after h: an auditor's anchor.
    const Hash32 anchor = h < last ? r.block(h + 1)->header.app_hash : r.app_hash();
    CHECK(r.app_hash_at(h) == anchor);
    for (std::uint64_t k = 0; k < chain::key_space; k += 37) {
      const Bytes key = chain::key_of(k);
      const auto pv = r.prove(key, h);
      CHECK(pv.value == lookup(states[h], key));
      CHECK(verify_state_proof(pv.proof, key, pv.value, anchor));
      if (h > 1 && r.app_hash_at(h - 1) != anchor) CHECK_FALSE(verify_state_proof(pv.proof, key, pv.value, r.app_hash_at(h - 1)));
    }
  }
  for (std::uint64_t k = 0; k < chain::key_space; ++k) CHECK(r.get(chain::key_of(k)) == lookup(states[last], chain::key_of(k)));
  CHECK_FALSE(r.block(last + 1));
  CHECK_THROWS_AS(r.prove(chain::key_of(1), last + 1), InvalidArgument);
}

TEMPLATE_TEST_CASE("ledger: a block that does not extend the ledger is refused and changes nothing",
                   "[ledger][ledger]", MemoryBackend, RocksBackend) {
  TestType backend;
  Ledger l = Ledger::open(backend.open());
  for (int i = 0; i < 3; ++i) chain::commit_next(l);
  const Hash32 tip = l.block(3)->hash();
  const auto good = chain::block_for(4, tip, l.app_hash());
  const auto changes = chain::changes_for(4);
  auto attempt = [&](consensus::Block b, std::optional<consensus::CommitCertificate> cert = std::nullopt) {
    const auto c = cert ? *cert : chain::cert_for(b);
    CHECK_THROWS_AS(l.commit(b, c, {}, changes), InvalidArgument);
    CHECK(l.height() == 3);
  };
  auto b = good;
  b.header.height = 5;
  attempt(b);
  b = good;
  b.header.parent.v[0] ^= std::byte{1};
  attempt(b);
  b = good;
  b.header.app_hash.v[0] ^= std::byte{1};
  attempt(b);
  b = good;
  b.body.push_back(std::byte{7});  // tx_root no longer matches
  attempt(b);
  auto cert = chain::cert_for(good);
  cert.block.v[5] ^= std::byte{1};
  attempt(good, cert);
  cert = chain::cert_for(good);
  cert.height = 5;
  attempt(good, cert);
  Ledger again = Ledger::open(backend.reopen(), checked(true));
  CHECK(again.height() == 3);
  CHECK_NOTHROW(again.commit(good, chain::cert_for(good), {}, changes));
}

TEMPLATE_TEST_CASE("ledger: corrupt committed data refuses to open, naming height, column and key",
                   "[ledger][ledger][corruption]", MemoryBackend, RocksBackend) {
  constexpr Height tip = 6;
  struct Damage {
    const char* what;
    Column column;
    std::function<Bytes()> key;
    std::function<std::optional<Bytes>(Bytes)> change;  // nullopt: erase
    Height height;
    bool full_check;
  };
  const auto flip = [](Bytes v) {
    v[v.size() / 2] ^= std::byte{0x10};
    return std::optional<Bytes>(v);
  };
  const auto erase = [](Bytes) { return std::optional<Bytes>(); };
  const auto hk = [](Height h) { return [h] { const auto k = height_key(h); return Bytes(k.begin(), k.end()); }; };
  const std::vector<Damage> damages{
      {"tip block flipped", Column::blocks, hk(tip), flip, tip, false},
      {"tip block missing", Column::blocks, hk(tip), erase, tip, false},
      {"tip certificate's block hash flipped", Column::certs, hk(tip),
       [](Bytes v) { v[1 + 8 + 4 + 3] ^= std::byte{0x01}; return std::optional<Bytes>(v); }, tip, false},
      {"tip certificate's signature flipped", Column::certs, hk(tip), [](Bytes v) {
         v[v.size() - 5] ^= std::byte{0x01}; return std::optional<Bytes>(v); }, tip, false},
      {"tip certificate missing", Column::certs, hk(tip), erase, tip, false},
      {"app hash flipped", Column::meta, [] { return to_bytes("app_hash"); }, flip, tip, false},
      {"committed height truncated", Column::meta, [] { return to_bytes("committed_height"); },
       [](Bytes v) { v.pop_back(); return std::optional<Bytes>(v); }, 0, false},
      {"tip state root missing", Column::state_nodes, [] { return state_node_key(tip, 0, {}); }, erase, tip, false},
      {"tip state root flipped", Column::state_nodes, [] { return state_node_key(tip, 0, {}); }, flip, tip, false},
      {"older block flipped (full check)", Column::blocks, hk(3), flip, 3, true},
      {"older state root missing (full check)", Column::state_nodes, [] { return state_node_key(2, 0, {}); }, erase, 2,
       true},
  };
  for (const auto& d : damages) {
    TestType backend;
    {
      Ledger l = Ledger::open(backend.open());
      for (Height h = 1; h <= tip; ++h) chain::commit_next(l);
    }
    Store& store = backend.reopen();
    const Bytes key = d.key();
    const auto old = store.get(d.column, key);
    REQUIRE(old);
    const auto changed = d.change(*old);
    WriteBatch b;
    if (changed) b.put(d.column, key, *changed);
    else b.erase(d.column, key);
    store.write(b);
    INFO(TestType::name << ": " << d.what);
    // The fixture's "signature": 96 bytes of 0xAB.
    OpenOptions options = checked(d.full_check);
    options.verify_certificate = [](const consensus::Block&, const consensus::CommitCertificate& c) {
      return c.aggregate == Bytes(96, std::byte{0xAB});
    };
    try {
      (void)Ledger::open(backend.reopen(), options);
      FAIL("opened a damaged ledger");
    } catch (const StoreCorruption& e) {
      CHECK(e.height() == d.height);
      CHECK(std::string(e.what()).find("height " + std::to_string(d.height)) != std::string::npos);
      if (e.column() == column_name(d.column)) CHECK(e.key_hex() == to_hex(key));
    }
    if (!d.full_check) continue;
    // Without the full walk the tip checks pass: the damage is below the tip.
    CHECK_NOTHROW(Ledger::open(backend.reopen()));
  }
}

std::size_t count_keys(const Store& store, Column c) {
  std::size_t n = 0;
  store.scan(c, {}, {}, [&](ByteView, ByteView) { return ++n > 0; });
  return n;
}

TEMPLATE_TEST_CASE("ledger: pruning keeps the retained heights and drops the rest", "[ledger][ledger][prune]",
                   MemoryBackend, RocksBackend) {
  TestType backend;
  constexpr Height last = 30;
  constexpr Height retain = 20;
  const auto states = reference_states(last);
  Store& store = backend.open();
  Ledger l = Ledger::open(store);
  for (Height h = 1; h <= last; ++h) chain::commit_next(l);
  const std::size_t nodes_before = count_keys(store, Column::state_nodes);
  CHECK_THROWS_AS(l.prune(last + 1), InvalidArgument);
  CHECK(l.prune(retain) > 0);
  CHECK(l.prune(retain) == 0);  // nothing left to do
  CHECK(l.retain_height() == retain);
  CHECK(count_keys(store, Column::state_nodes) < nodes_before);
  CHECK(count_keys(store, Column::blocks) == last - retain + 1);
  CHECK_FALSE(l.block(retain - 1));
  CHECK_THROWS_AS(l.prove(chain::key_of(1), retain - 1), InvalidArgument);
  chain::commit_next(l);  // the chain goes on
  Ledger r = Ledger::open(backend.reopen(), checked(true));
  CHECK(r.retain_height() == retain);
  CHECK(r.height() == last + 1);
  for (Height h = retain; h <= last; ++h) {
    for (std::uint64_t k = 0; k < chain::key_space; k += 11) {
      const auto pv = r.prove(chain::key_of(k), h);
      CHECK(pv.value == lookup(states[h], chain::key_of(k)));
      CHECK(verify_state_proof(pv.proof, chain::key_of(k), pv.value, r.app_hash_at(h)));
    }
  }
}

TEMPLATE_TEST_CASE("ledger: prune_step gets there in bounded steps, each one a consistent ledger, same as prune",
                   "[ledger][prune]", MemoryBackend, RocksBackend) {
  TestType backend;
  constexpr Height last = 30;
  constexpr Height retain = 20;
  const auto states = reference_states(last);
  Store& store = backend.open();
  Ledger l = Ledger::open(store);
  for (Height h = 1; h <= last; ++h) chain::commit_next(l);
  MemoryStore reference;  // the same chain pruned at once
  Ledger once = Ledger::open(reference);
  for (Height h = 1; h <= last; ++h) chain::commit_next(once);
  (void)once.prune(retain);

  CHECK_THROWS_AS(l.prune_step(last + 1), InvalidArgument);
  Height previous = l.retain_height();
  std::size_t steps = 0;
  std::size_t compactions = 0;  // every 8 heights of retain: at 8 and 16
  for (;;) {
    const PruneProgress p = l.prune_step(retain, 40, 8);
    ++steps;
    compactions += p.compacted ? 1U : 0U;
    CHECK(p.retain > previous);  // at least one height per step
    CHECK(p.retain <= retain);
    CHECK(l.retain_height() == p.retain);
    previous = p.retain;
    // Every step leaves a ledger that opens with the full check (a second handle on the same store).
    CHECK(Ledger::open(store, checked(true)).retain_height() == p.retain);
    if (p.done) break;
    REQUIRE(steps < 100);
  }
  CHECK(steps > 2);
  CHECK(compactions == 2);
  const PruneProgress again = l.prune_step(retain, 40);
  CHECK(again.done);
  CHECK(again.deleted == 0);
  for (Column c : {Column::state_nodes, Column::state_stale, Column::blocks, Column::certs, Column::results,
                   Column::block_hash}) {
    INFO(column_name(c));
    CHECK(count_keys(store, c) == count_keys(reference, c));
  }
  for (std::uint64_t k = 0; k < chain::key_space; k += 13) {
    const auto pv = l.prove(chain::key_of(k), retain);
    CHECK(pv.value == lookup(states[retain], chain::key_of(k)));
    CHECK(verify_state_proof(pv.proof, chain::key_of(k), pv.value, l.app_hash_at(retain)));
  }
}
