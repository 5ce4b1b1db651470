// privfin/ledger/snapshot.hpp — state sync: a chunked snapshot of the
// application state at a committed height, and its verified restore into a
// fresh store.
//
//   // a node that serves snapshots, after committing height h:
//   SnapshotManifest m = ledger.take_snapshot();            // stored in the `snapshots` column
//   consensus::SnapshotMeta meta = m.meta();                 // what list_snapshots offers
//   Bytes chunk = *ledger.snapshot_chunk(m.height, 0);
//
//   // a joining node, with block h, its certificate and the app hash of
//   // height h (header h + 1's app_hash), all verified by a LightClient:
//   auto store = RocksDbStore::open(empty_dir);
//   SnapshotRestore restore(*store, meta, trusted_app_hash, block_h, cert_h);
//   for (std::uint32_t i = 0; i < meta.chunks; ++i) restore.apply_chunk(i, fetch(i));   // SnapshotError names a bad chunk
//   Ledger ledger = restore.finish();                        // root == trusted_app_hash, or SnapshotError
//
// Format (docs/formats.md, "Ledger snapshot"; format 1): the state's
// key-value pairs in key byte order, cut into chunks of about chunk_bytes,
// each chunk naming its height and index; a manifest lists the SHA-256 of
// every chunk, and the snapshot's hash (SnapshotMeta::hash) is the SHA-256
// of the manifest. A chunk is checked against its hash as it arrives, so a
// wrong, reordered, truncated or flipped chunk is refused by index before
// anything of it is used; the manifest itself comes from an untrusted
// peer, so what makes the snapshot trusted is the last check: the state
// root rebuilt from all chunks must equal the certified app hash, or
// nothing is written.
//
// Why a chunked export of the leaves rather than a RocksDB checkpoint: a
// checkpoint is the whole database (blocks, stale nodes, the serving
// node's other column families) in RocksDB's own file format, cannot be
// checked chunk by chunk, and does not exist for the MemoryStore; the
// export is the state alone, the same bytes from any store, and the
// receiving side rebuilds and checks the tree itself.
//
// Cost: take_snapshot reads the latest-value column once and writes about
// the state's size once, in one synced batch that it builds in memory. The restore keeps the state's pairs in
// memory until finish(), which builds the tree (as a genesis of that size)
// and writes it in one synced batch. Errors: SnapshotError (a DecodeError)
// naming the chunk, or none for the manifest and the final root check;
// InvalidArgument for a store that is not empty, or a block and
// certificate that are not of the snapshot's height; StoreError from the
// store. Not thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "privfin/consensus/application.hpp"
#include "privfin/consensus/types.hpp"
#include "privfin/ledger/ledger.hpp"
#include "privfin/ledger/store.hpp"

namespace privfin::ledger {

inline constexpr std::uint32_t snapshot_format = 1;
// Decoder bounds (checked before allocating).
inline constexpr std::size_t max_snapshot_chunks = std::size_t{1} << 20;
inline constexpr std::size_t max_snapshot_key = consensus::StateWriter::max_key_size;

// The manifest (SnapshotMeta::metadata): u8 version 1, u64 height, 32
// bytes app hash, u64 number of keys, varint number of chunks (1 to
// max_snapshot_chunks), then 32 bytes per chunk: its SHA-256; nothing after.
struct SnapshotManifest {
  static constexpr std::uint8_t format_version = 1;
  Height height = 0;
  Hash32 app_hash;
  std::uint64_t keys = 0;
  std::vector<Hash32> chunk_hashes;

  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static SnapshotManifest from_bytes(ByteView bytes);
  // SHA-256 of to_bytes(): the snapshot's hash.
  [[nodiscard]] Hash32 hash() const;
  // As the application interface lists it (format 1, the chunk count, the
  // hash, the manifest as metadata).
  [[nodiscard]] consensus::SnapshotMeta meta() const;
  friend bool operator==(const SnapshotManifest&, const SnapshotManifest&) = default;
};

// One chunk: u8 version 1, u64 height, u32 index, varint number of
// entries, then per entry the key and the value as bytes (varint length,
// bytes; a key at most max_snapshot_key bytes, a value at most
// max_state_value); keys strictly increasing; nothing after.
struct SnapshotChunk {
  static constexpr std::uint8_t format_version = 1;
  Height height = 0;
  std::uint32_t index = 0;
  std::vector<std::pair<Bytes, Bytes>> entries;

  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static SnapshotChunk from_bytes(ByteView bytes);
  friend bool operator==(const SnapshotChunk&, const SnapshotChunk&) = default;
};

// Restores a snapshot into a store that holds nothing yet.
class SnapshotRestore {
 public:
  // Checks the offer before any chunk: the format, the manifest's
  // encoding and hash, its height and chunk count against `offered`, its
  // app hash against `trusted_app_hash` (SnapshotError), and that the block
  // and certificate are of the snapshot's height and bind each other, and
  // the store is empty (InvalidArgument; also for height 0, the genesis
  // state that init_chain writes).
  SnapshotRestore(Store& fresh, const consensus::SnapshotMeta& offered, const Hash32& trusted_app_hash,
                  consensus::Block block, consensus::CommitCertificate certificate, OpenOptions options = {});

  // Chunks come in index order. SnapshotError (naming the chunk) for an
  // index other than next_chunk(), a chunk whose SHA-256 is not the
  // manifest's, one that does not decode, names another height or index,
  // or whose first key does not follow the previous chunk's last.
  void apply_chunk(std::uint32_t index, ByteView chunk);
  [[nodiscard]] std::uint32_t next_chunk() const noexcept { return next_; }
  [[nodiscard]] bool complete() const noexcept { return next_ == manifest_.chunk_hashes.size(); }
  [[nodiscard]] const SnapshotManifest& manifest() const noexcept { return manifest_; }

  // After the last chunk: rebuilds the state tree at the snapshot's
  // height; SnapshotError if its root is not the trusted app hash or the
  // key count differs from the manifest's (nothing is written then);
  // otherwise writes the state, the block, the certificate and the meta
  // records in one synced batch and opens the ledger (height and retain
  // height = the snapshot's). InvalidArgument before the last chunk.
  [[nodiscard]] Ledger finish();

 private:
  Store* store_;
  SnapshotManifest manifest_;
  Hash32 trusted_;
  consensus::Block block_;
  consensus::CommitCertificate certificate_;
  OpenOptions options_;
  std::uint32_t next_ = 0;
  std::vector<StateChange> state_;
};

// A restore as the application interface drives it
// (consensus::Application::apply_snapshot_chunk): a chunk that fails its
// checks asks for a refetch (retry), a complete snapshot whose root differs
// is rejected, a store failure aborts. The reason says which chunk and why.
class LedgerSnapshotSink final : public consensus::SnapshotSink {
 public:
  explicit LedgerSnapshotSink(SnapshotRestore& restore) noexcept : restore_(&restore) {}
  consensus::ChunkVerdict apply_snapshot_chunk(std::uint32_t index, ByteView chunk) override;
  // The ledger once the last chunk was accepted.
  [[nodiscard]] std::optional<Ledger>& ledger() noexcept { return ledger_; }

 private:
  SnapshotRestore* restore_;
  std::optional<Ledger> ledger_;
};

}  // namespace privfin::ledger
