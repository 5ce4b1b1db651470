// State-sync snapshots (ledger/snapshot.hpp): a round trip at several
// heights into a fresh MemoryStore and RocksDB store (same state, same
// root, and the restored ledger goes on committing in step with the
// source); a wrong, reordered, truncated or bit-flipped chunk refused with
// a SnapshotError naming the chunk; a snapshot whose root is not the
// certified app hash refused with nothing written (also through
// LedgerSnapshotSink: reject_snapshot); the manifest and chunk
// codecs under every truncation and bit flip; the four calls through the
// application interface (LedgerAppStore as the source, LedgerSnapshotSink
// as the sink).
#include <catch2/catch.hpp>

#include <memory>

#include "ledger/chain_fixture.hpp"
#include "privfin/consensus/apps/kv_store.hpp"
#include "privfin/core/hash.hpp"
#include "privfin/ledger/app_store.hpp"
#include "privfin/ledger/error.hpp"
#include "privfin/ledger/rocksdb_store.hpp"
#include "privfin/ledger/snapshot.hpp"
#include "support/processes.hpp"
#include "support/wire_negative.hpp"

using namespace privfin;
using namespace privfin::ledger;
using namespace privfin::test::ledger_chain;

namespace {

struct Source {
  MemoryStore store;
  Ledger ledger = Ledger::open(store);
  void commit_to(Height h) {
    while (ledger.height() < h) commit_next(ledger);
  }
};

// Restores `m` from `source` into `fresh`, feeding every chunk in order.
Ledger restore_all(Store& fresh, const Ledger& source, const SnapshotManifest& m) {
  SnapshotRestore r(fresh, m.meta(), source.app_hash_at(m.height), *source.block(m.height),
                    *source.certificate(m.height));
  for (std::uint32_t i = 0; i < m.chunk_hashes.size(); ++i) r.apply_chunk(i, *source.snapshot_chunk(m.height, i));
  return r.finish();
}

// The chunk a refusal names (nullopt: the snapshot as a whole), or 99 if
// nothing was refused.
template <class F>
std::optional<std::uint32_t> refused_chunk(F f) {
  try {
    f();
  } catch (const SnapshotError& e) {
    return e.chunk();
  }
  return 99;
}

}  // namespace

TEST_CASE("ledger snapshot: round trip at several heights into MemoryStore and RocksDB", "[ledger][snapshot]") {
  Source src;
  test::TempDir dir;
  std::vector<SnapshotManifest> taken;
  {
    Source genesis;  // the empty genesis state: one empty chunk
    const auto m = genesis.ledger.take_snapshot();
    CHECK(m.keys == 0);
    CHECK(m.chunk_hashes.size() == 1);
    MemoryStore fresh;  // height 0 is not restored (a node starts it with init_chain)
    CHECK_THROWS_AS(SnapshotRestore(fresh, m.meta(), m.app_hash, consensus::Block{}, consensus::CommitCertificate{}),
                    InvalidArgument);
  }
  for (const Height h : {Height{1}, Height{3}, Height{11}, Height{24}}) {
    src.commit_to(h);
    taken.push_back(src.ledger.take_snapshot(h == 11 ? 1 : 300));  // one key per chunk at 11
    CHECK(taken.back().height == h);
    CHECK(taken.back().app_hash == src.ledger.app_hash());
  }
  src.commit_to(30);
  REQUIRE(src.ledger.snapshots().size() == 4);
  CHECK(src.ledger.snapshots()[2] == taken[2]);
  CHECK(taken[2].chunk_hashes.size() == taken[2].keys);
  CHECK(taken[3].chunk_hashes.size() > 1);

  for (const auto& m : taken) {
    INFO("snapshot at height " << m.height);
    for (const bool rocks : {false, true}) {
      INFO((rocks ? "RocksDB" : "MemoryStore"));
      std::unique_ptr<Store> fresh;
      if (rocks) fresh = RocksDbStore::open(dir.path() / ("restore-" + std::to_string(m.height)));
      else fresh = std::make_unique<MemoryStore>();
      Ledger restored = restore_all(*fresh, src.ledger, m);
      CHECK(restored.height() == m.height);
      CHECK(restored.retain_height() == m.height);
      CHECK(restored.app_hash() == src.ledger.app_hash_at(m.height));
      for (std::uint64_t i = 0; i < key_space; i += 7) {
        const auto pv = restored.prove(key_of(i), m.height);
        CHECK(pv.value == src.ledger.prove(key_of(i), m.height).value);
        CHECK(verify_state_proof(pv.proof, key_of(i), pv.value, src.ledger.app_hash_at(m.height)));
      }
      // It goes on in step with the source, and reopens with the full check.
      for (Height h = m.height + 1; h <= m.height + 4; ++h) {
        CHECK(commit_next(restored) == src.ledger.app_hash_at(h));
      }
      OpenOptions full;
      full.full_check = true;
      CHECK(Ledger::open(*fresh, full).height() == m.height + 4);
    }
  }
  CHECK(src.ledger.delete_snapshot(3) == 1 + taken[1].chunk_hashes.size());
  CHECK(src.ledger.snapshots().size() == 3);
  CHECK_FALSE(src.ledger.snapshot_chunk(3, 0));
}

TEST_CASE("ledger snapshot: wrong, reordered, truncated or flipped chunks are refused by index",
          "[ledger][snapshot]") {
  Source src;
  src.commit_to(9);
  const SnapshotManifest m = src.ledger.take_snapshot(200);
  src.commit_to(10);
  const SnapshotManifest other = src.ledger.take_snapshot(200);
  REQUIRE(m.chunk_hashes.size() >= 4);
  const auto start = [&](MemoryStore& fresh) {
    return SnapshotRestore(fresh, m.meta(), src.ledger.app_hash_at(9), *src.ledger.block(9), *src.ledger.certificate(9));
  };
  const Bytes chunk1 = *src.ledger.snapshot_chunk(9, 1);

  SECTION("a chunk of another snapshot at the same index") {
    MemoryStore fresh;
    auto r = start(fresh);
    r.apply_chunk(0, *src.ledger.snapshot_chunk(9, 0));
    CHECK(refused_chunk([&] { r.apply_chunk(1, *src.ledger.snapshot_chunk(10, 1)); }) == 1U);
    CHECK(r.next_chunk() == 1);  // refused chunks are not used: the right one still goes in
    r.apply_chunk(1, chunk1);
    CHECK(r.next_chunk() == 2);
  }
  SECTION("reordered: chunk 1 before chunk 0, chunk 0 twice") {
    MemoryStore fresh;
    auto r = start(fresh);
    CHECK(refused_chunk([&] { r.apply_chunk(1, chunk1); }) == 1U);
    r.apply_chunk(0, *src.ledger.snapshot_chunk(9, 0));
    CHECK(refused_chunk([&] { r.apply_chunk(0, *src.ledger.snapshot_chunk(9, 0)); }) == 0U);
    // chunk 2's bytes offered as chunk 1
    CHECK(refused_chunk([&] { r.apply_chunk(1, *src.ledger.snapshot_chunk(9, 2)); }) == 1U);
  }
  SECTION("every truncation and every bit flip of a chunk") {
    MemoryStore fresh;
    auto r = start(fresh);
    r.apply_chunk(0, *src.ledger.snapshot_chunk(9, 0));
    std::size_t refused = 0;
    for (std::size_t n = 0; n < chunk1.size(); ++n) {
      refused += refused_chunk([&] { r.apply_chunk(1, ByteView(chunk1).first(n)); }) == 1U ? 1U : 0U;
    }
    CHECK(refused == chunk1.size());
    refused = 0;
    Bytes flipped = chunk1;
    for (std::size_t bit = 0; bit < chunk1.size() * 8; ++bit) {
      flipped[bit / 8] ^= std::byte{static_cast<unsigned char>(1U << (bit % 8))};
      refused += refused_chunk([&] { r.apply_chunk(1, flipped); }) == 1U ? 1U : 0U;
      flipped[bit / 8] ^= std::byte{static_cast<unsigned char>(1U << (bit % 8))};
    }
    CHECK(refused == chunk1.size() * 8);
    CHECK(r.next_chunk() == 1);
    r.apply_chunk(1, chunk1);  // the good one after all that
  }
  SECTION("the message names the chunk") {
    MemoryStore fresh;
    auto r = start(fresh);
    CHECK_THROWS_WITH(r.apply_chunk(2, chunk1), Catch::Contains("chunk 2"));
  }
  SECTION("finish before the last chunk") {
    MemoryStore fresh;
    auto r = start(fresh);
    CHECK_THROWS_AS(r.finish(), InvalidArgument);
  }
  (void)other;
}

TEST_CASE("ledger snapshot: a root that is not the certified app hash is refused, nothing written",
          "[ledger][snapshot]") {
  Source src;
  src.commit_to(12);
  const SnapshotManifest m = src.ledger.take_snapshot(300);
  const auto block = *src.ledger.block(12);
  const auto cert = *src.ledger.certificate(12);

  SECTION("the offer's app hash is not the trusted one") {
    MemoryStore fresh;
    CHECK(refused_chunk([&] { SnapshotRestore(fresh, m.meta(), src.ledger.app_hash_at(11), block, cert); }) ==
          std::nullopt);
  }
  SECTION("a forged manifest: the trusted app hash over another state") {
    // The peer claims the certified hash but serves the state with one value changed.
    SnapshotManifest forged = m;
    std::vector<Bytes> chunks;
    for (std::uint32_t i = 0; i < m.chunk_hashes.size(); ++i) {
      SnapshotChunk c = SnapshotChunk::from_bytes(*src.ledger.snapshot_chunk(12, i));
      if (i == 0) c.entries[0].second = to_bytes("a balance that never was");
      chunks.push_back(c.to_bytes());
      forged.chunk_hashes[i].v = Sha256::hash(chunks.back());
    }
    MemoryStore fresh;
    SnapshotRestore r(fresh, forged.meta(), src.ledger.app_hash_at(12), block, cert);
    for (std::uint32_t i = 0; i < chunks.size(); ++i) r.apply_chunk(i, chunks[i]);
    CHECK(refused_chunk([&] { (void)r.finish(); }) == std::nullopt);
    CHECK_FALSE(Ledger::exists(fresh));
    CHECK(fresh.size(Column::state_latest) == 0);
    // Through the application interface: the last chunk rejects the snapshot as a whole.
    MemoryStore other;
    SnapshotRestore again(other, forged.meta(), src.ledger.app_hash_at(12), block, cert);
    LedgerSnapshotSink sink(again);
    for (std::uint32_t i = 0; i + 1 < chunks.size(); ++i) {
      CHECK(sink.apply_snapshot_chunk(i, chunks[i]).result == consensus::ApplyChunkResult::accept);
    }
    const auto last = sink.apply_snapshot_chunk(static_cast<std::uint32_t>(chunks.size() - 1), chunks.back());
    CHECK(last.result == consensus::ApplyChunkResult::reject_snapshot);
    CHECK_THAT(last.reason, Catch::Contains("certified app hash"));
    CHECK_FALSE(sink.ledger());
    CHECK_FALSE(Ledger::exists(other));
  }
  SECTION("a manifest that does not hash to the offer, another format, another height") {
    MemoryStore fresh;
    auto meta = m.meta();
    meta.hash.v[0] ^= std::byte{1};
    CHECK_THROWS_AS(SnapshotRestore(fresh, meta, m.app_hash, block, cert), SnapshotError);
    meta = m.meta();
    meta.format = 2;
    CHECK_THROWS_AS(SnapshotRestore(fresh, meta, m.app_hash, block, cert), SnapshotError);
    meta = m.meta();
    meta.height = 11;
    CHECK_THROWS_AS(SnapshotRestore(fresh, meta, m.app_hash, block, cert), SnapshotError);
    CHECK_THROWS_AS(SnapshotRestore(fresh, m.meta(), m.app_hash, *src.ledger.block(11), cert), InvalidArgument);
  }
  SECTION("a store that is not empty") {
    MemoryStore used;
    (void)Ledger::open(used);
    CHECK_THROWS_AS(SnapshotRestore(used, m.meta(), m.app_hash, block, cert), InvalidArgument);
  }
}

TEST_CASE("ledger snapshot: manifest and chunk codecs refuse every truncation and bit flip", "[ledger][snapshot]") {
  Source src;
  src.commit_to(6);
  const SnapshotManifest m = src.ledger.take_snapshot(150);
  REQUIRE(m.chunk_hashes.size() >= 2);
  test::check_truncations_and_flips(
      m.to_bytes(), [](ByteView b) { return SnapshotManifest::from_bytes(b); },
      [&](const SnapshotManifest& d) { return d == m; });
  const Bytes wire = *src.ledger.snapshot_chunk(6, 1);
  const SnapshotChunk c = SnapshotChunk::from_bytes(wire);
  CHECK(c.to_bytes() == wire);
  test::check_truncations_and_flips(
      wire, [](ByteView b) { return SnapshotChunk::from_bytes(b); }, [&](const SnapshotChunk& d) { return d == c; });
  // Keys out of order, and a count no input could hold.
  SnapshotChunk bad = c;
  REQUIRE(bad.entries.size() >= 2);
  std::swap(bad.entries[0], bad.entries[1]);
  CHECK_THROWS_AS(bad.to_bytes(), InvalidArgument);
  Writer w;
  w.version(1).u64(6).u32(1).varint(std::uint64_t{1} << 40);
  CHECK_THROWS_AS(SnapshotChunk::from_bytes(std::move(w).take()), DecodeError);
}

TEST_CASE("ledger snapshot: the four calls through the application interface", "[ledger][snapshot][app]") {
  using namespace privfin::consensus;
  apps::KvStore app("kv");
  Source src;
  src.commit_to(8);
  (void)src.ledger.take_snapshot(250);
  src.commit_to(9);
  LedgerAppStore serving(src.store);
  const auto offered = app.list_snapshots(serving);
  REQUIRE(offered.size() == 1);
  const SnapshotMeta& meta = offered[0];
  CHECK(meta.height == 8);
  CHECK(meta.format == snapshot_format);
  CHECK_FALSE(app.load_snapshot_chunk(serving, 8, 2, 0));  // another format
  CHECK_FALSE(app.load_snapshot_chunk(serving, 8, snapshot_format, meta.chunks));
  const Hash32 trusted = src.ledger.block(9)->header.app_hash;
  REQUIRE(trusted == src.ledger.app_hash_at(8));  // header 9 certifies the state after 8
  REQUIRE(app.offer_snapshot(meta, trusted) == OfferResult::accept);

  MemoryStore fresh;
  SnapshotRestore restore(fresh, meta, trusted, *src.ledger.block(8), *src.ledger.certificate(8));
  LedgerSnapshotSink sink(restore);
  Bytes damaged = *app.load_snapshot_chunk(serving, 8, snapshot_format, 0);
  damaged.back() ^= std::byte{0x40};
  const auto retry = app.apply_snapshot_chunk(sink, 0, damaged);
  CHECK(retry.result == ApplyChunkResult::retry_chunk);
  CHECK_THAT(retry.reason, Catch::Contains("chunk 0"));
  for (std::uint32_t i = 0; i < meta.chunks; ++i) {
    const auto v = app.apply_snapshot_chunk(sink, i, *app.load_snapshot_chunk(serving, 8, snapshot_format, i));
    CHECK(v.result == ApplyChunkResult::accept);
  }
  REQUIRE(sink.ledger());
  CHECK(sink.ledger()->app_hash() == trusted);
  LedgerAppStore joined(fresh);
  CHECK(joined.latest_height() == 8);
  CHECK(joined.app_hash(8) == trusted);
}
