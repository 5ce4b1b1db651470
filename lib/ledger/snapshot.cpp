// State-sync snapshots (snapshot.hpp): the manifest and chunk codecs, the
// ledger's stored snapshots, and the checked restore.
#include "privfin/ledger/snapshot.hpp"

#include <algorithm>
#include <string>

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/ledger/error.hpp"
#include "sha256.hpp"

namespace privfin::ledger {

namespace {

Hash32 hash_from(ByteView b) {
  Hash32 h;
  std::copy(b.begin(), b.end(), h.v.begin());
  return h;
}

bool less(ByteView a, ByteView b) { return BytesLess{}(a, b); }

// Keys in the `snapshots` column: 0x00 || BE64 height for a manifest,
// 0x01 || BE64 height || BE32 index for a chunk, so that one height's
// records are contiguous and manifests scan without the chunks.
Bytes manifest_key(Height h) {
  Bytes k{std::byte{0}};
  const auto hk = height_key(h);
  k.insert(k.end(), hk.begin(), hk.end());
  return k;
}
Bytes chunk_key(Height h, std::uint32_t index) {
  Bytes k{std::byte{1}};
  const auto hk = height_key(h);
  k.insert(k.end(), hk.begin(), hk.end());
  for (int i = 3; i >= 0; --i) k.push_back(static_cast<std::byte>((index >> (8 * i)) & 0xFFU));
  return k;
}

}  // namespace

Bytes SnapshotManifest::to_bytes() const {
  if (chunk_hashes.empty() || chunk_hashes.size() > max_snapshot_chunks) {
    throw InvalidArgument("snapshot manifest: " + std::to_string(chunk_hashes.size()) + " chunks (1 to " +
                          std::to_string(max_snapshot_chunks) + ")");
  }
  Writer w;
  w.version(format_version).u64(height).raw(app_hash.v).u64(keys).varint(chunk_hashes.size());
  for (const auto& h : chunk_hashes) w.raw(h.v);
  return std::move(w).take();
}

SnapshotManifest SnapshotManifest::from_bytes(ByteView bytes) {
  Reader r(bytes);
  r.expect_version(format_version, "snapshot manifest");
  SnapshotManifest m;
  m.height = r.u64("snapshot height");
  m.app_hash = hash_from(r.raw(32, "snapshot app hash"));
  m.keys = r.u64("snapshot key count");
  const std::size_t count = r.length("snapshot chunk count", max_snapshot_chunks);
  if (count == 0) throw DecodeError("snapshot manifest: no chunks");
  if (r.remaining() != 32 * count) {
    throw DecodeError("snapshot manifest: " + std::to_string(count) + " chunk hashes need " +
                      std::to_string(32 * count) + " bytes, " + std::to_string(r.remaining()) + " remain");
  }
  m.chunk_hashes.reserve(count);
  for (std::size_t i = 0; i < count; ++i) m.chunk_hashes.push_back(hash_from(r.raw(32, "snapshot chunk hash")));
  r.expect_end("snapshot manifest");
  return m;
}

Hash32 SnapshotManifest::hash() const { return sha256_one_shot(to_bytes()); }

consensus::SnapshotMeta SnapshotManifest::meta() const {
  consensus::SnapshotMeta out;
  out.height = height;
  out.format = snapshot_format;
  out.chunks = static_cast<std::uint32_t>(chunk_hashes.size());
  out.metadata = to_bytes();
  out.hash = sha256_one_shot(out.metadata);
  return out;
}

Bytes SnapshotChunk::to_bytes() const {
  Writer w;
  w.version(format_version).u64(height).u32(index).varint(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& [key, value] = entries[i];
    if (key.size() > max_snapshot_key || value.size() > max_state_value) {
      throw InvalidArgument("snapshot chunk: an entry of " + std::to_string(key.size()) + " + " +
                            std::to_string(value.size()) + " bytes");
    }
    if (i > 0 && !less(entries[i - 1].first, key)) throw InvalidArgument("snapshot chunk: keys not increasing");
    w.bytes(key).bytes(value);
  }
  return std::move(w).take();
}

SnapshotChunk SnapshotChunk::from_bytes(ByteView bytes) {
  Reader r(bytes);
  r.expect_version(format_version, "snapshot chunk");
  SnapshotChunk c;
  c.height = r.u64("snapshot chunk height");
  c.index = r.u32("snapshot chunk index");
  // Every entry takes at least two bytes (two empty lengths): a count
  // above that is refused before anything is allocated for it.
  const std::size_t count = r.length("snapshot chunk entry count", r.remaining() / 2);
  c.entries.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const ByteView key = r.bytes("snapshot key", max_snapshot_key);
    const ByteView value = r.bytes("snapshot value", max_state_value);
    if (i > 0 && !less(c.entries.back().first, key)) {
      throw DecodeError("snapshot chunk: key " + std::to_string(i) + " does not follow the previous one");
    }
    c.entries.emplace_back(Bytes(key.begin(), key.end()), Bytes(value.begin(), value.end()));
  }
  r.expect_end("snapshot chunk");
  return c;
}

// ---- the ledger's stored snapshots ----

SnapshotManifest Ledger::take_snapshot(std::size_t chunk_bytes) {
  chunk_bytes = std::max<std::size_t>(chunk_bytes, 1);
  (void)delete_snapshot(height_);
  SnapshotManifest m;
  m.height = height_;
  m.app_hash = app_hash_;
  WriteBatch b;
  SnapshotChunk chunk;
  chunk.height = height_;
  std::size_t size = 0;
  const auto flush = [&] {
    const Bytes bytes = chunk.to_bytes();
    m.chunk_hashes.push_back(sha256_one_shot(bytes));
    b.put(Column::snapshots, chunk_key(height_, chunk.index), bytes);
    chunk.entries.clear();
    ++chunk.index;
    size = 0;
  };
  store_->scan(Column::state_latest, {}, {}, [&](ByteView k, ByteView v) {
    chunk.entries.emplace_back(Bytes(k.begin(), k.end()), Bytes(v.begin(), v.end()));
    ++m.keys;
    size += k.size() + v.size();
    if (size >= chunk_bytes) flush();
    return true;
  });
  if (!chunk.entries.empty() || m.chunk_hashes.empty()) flush();  // the empty state is one empty chunk
  b.put(Column::snapshots, manifest_key(height_), m.to_bytes());
  store_->write(b, true);
  return m;
}

std::vector<SnapshotManifest> Ledger::snapshots() const {
  std::vector<SnapshotManifest> out;
  const Bytes end{std::byte{1}};
  store_->scan(Column::snapshots, {}, end, [&](ByteView k, ByteView v) {
    try {
      out.push_back(SnapshotManifest::from_bytes(v));
    } catch (const DecodeError& e) {
      throw StoreCorruption(k.size() == 9 ? height_from_key(k.subspan(1)) : 0, "snapshots", k, e.what());
    }
    return true;
  });
  return out;
}

std::optional<Bytes> Ledger::snapshot_chunk(Height h, std::uint32_t index) const {
  return store_->get(Column::snapshots, chunk_key(h, index));
}

std::size_t Ledger::delete_snapshot(Height h) {
  WriteBatch b;
  std::size_t deleted = 0;
  const Bytes manifest = manifest_key(h);
  if (store_->get(Column::snapshots, manifest)) {
    b.erase(Column::snapshots, manifest);
    ++deleted;
  }
  store_->scan(Column::snapshots, chunk_key(h, 0), chunk_key(h + 1, 0), [&](ByteView k, ByteView) {
    b.erase(Column::snapshots, k);
    ++deleted;
    return true;
  });
  if (!b.empty()) store_->write(b, true);
  return deleted;
}

// ---- restore ----

SnapshotRestore::SnapshotRestore(Store& fresh, const consensus::SnapshotMeta& offered, const Hash32& trusted_app_hash,
                                 consensus::Block block, consensus::CommitCertificate certificate, OpenOptions options)
    : store_(&fresh),
      trusted_(trusted_app_hash),
      block_(std::move(block)),
      certificate_(std::move(certificate)),
      options_(std::move(options)) {
  if (offered.format != snapshot_format) {
    throw SnapshotError(std::nullopt, "format " + std::to_string(offered.format) + ", this build reads " +
                                          std::to_string(snapshot_format));
  }
  if (sha256_one_shot(offered.metadata) != offered.hash) {
    throw SnapshotError(std::nullopt, "the manifest's SHA-256 is not the offered snapshot hash");
  }
  try {
    manifest_ = SnapshotManifest::from_bytes(offered.metadata);
  } catch (const DecodeError& e) {
    throw SnapshotError(std::nullopt, std::string("manifest: ") + e.what());
  }
  if (manifest_.height != offered.height || manifest_.chunk_hashes.size() != offered.chunks) {
    throw SnapshotError(std::nullopt, "the manifest says height " + std::to_string(manifest_.height) + " and " +
                                          std::to_string(manifest_.chunk_hashes.size()) + " chunks, the offer " +
                                          std::to_string(offered.height) + " and " + std::to_string(offered.chunks));
  }
  if (manifest_.app_hash != trusted_) {
    throw SnapshotError(std::nullopt, "the manifest's app hash at height " + std::to_string(manifest_.height) +
                                          " is not the certified one");
  }
  if (manifest_.height == 0) {
    throw InvalidArgument("snapshot restore: height 0 is the genesis state, which init_chain writes");
  }
  if (block_.header.height != manifest_.height || certificate_.height != manifest_.height ||
      certificate_.block != block_.hash()) {
    throw InvalidArgument("snapshot restore: the block and certificate must be those of height " +
                          std::to_string(manifest_.height) + " and bind each other");
  }
  for (std::size_t i = 0; i < column_count; ++i) {
    fresh.scan(column_at(i), {}, {}, [&](ByteView, ByteView) -> bool {
      throw InvalidArgument("snapshot restore: the store is not empty (column " +
                            std::string(column_name(column_at(i))) + ")");
    });
  }
}

void SnapshotRestore::apply_chunk(std::uint32_t index, ByteView chunk) {
  if (complete()) throw SnapshotError(index, "the snapshot has only " + std::to_string(next_) + " chunks");
  if (index != next_) throw SnapshotError(index, "out of order: chunk " + std::to_string(next_) + " is next");
  if (sha256_one_shot(chunk) != manifest_.chunk_hashes[index]) {
    throw SnapshotError(index, "its SHA-256 is not the one in the manifest");
  }
  SnapshotChunk c;
  try {
    c = SnapshotChunk::from_bytes(chunk);
  } catch (const DecodeError& e) {
    throw SnapshotError(index, e.what());
  }
  if (c.height != manifest_.height || c.index != index) {
    throw SnapshotError(index, "it names height " + std::to_string(c.height) + " chunk " + std::to_string(c.index));
  }
  if (!c.entries.empty() && !state_.empty() && !less(state_.back().key, c.entries.front().first)) {
    throw SnapshotError(index, "its first key does not follow the previous chunk's last");
  }
  if (state_.size() + c.entries.size() > manifest_.keys) {
    throw SnapshotError(index, "more keys than the manifest's " + std::to_string(manifest_.keys));
  }
  for (auto& [k, v] : c.entries) state_.push_back(StateChange{std::move(k), std::move(v)});
  ++next_;
}

Ledger SnapshotRestore::finish() {
  if (!complete()) {
    throw InvalidArgument("snapshot restore: " + std::to_string(next_) + " of " +
                          std::to_string(manifest_.chunk_hashes.size()) + " chunks applied");
  }
  if (state_.size() != manifest_.keys) {
    throw SnapshotError(std::nullopt, std::to_string(state_.size()) + " keys, the manifest says " +
                                          std::to_string(manifest_.keys));
  }
  const MemoryNodes none;  // a tree built from nothing reads nothing
  TreeBatch tree;
  try {
    tree = StateTree(none).apply(std::nullopt, manifest_.height, state_);
  } catch (const InvalidArgument& e) {  // a value above the bound, or two keys with one hash
    throw SnapshotError(std::nullopt, std::string("the state does not build: ") + e.what());
  }
  if (tree.root != trusted_) {
    throw SnapshotError(std::nullopt, "the restored state's root at height " + std::to_string(manifest_.height) +
                                          " is not the certified app hash");
  }
  return Ledger::restored(*store_, options_, tree, state_, block_, certificate_);
}

consensus::ChunkVerdict LedgerSnapshotSink::apply_snapshot_chunk(std::uint32_t index, ByteView chunk) {
  using consensus::ApplyChunkResult;
  try {
    restore_->apply_chunk(index, chunk);
    if (restore_->complete()) ledger_.emplace(restore_->finish());
    return {ApplyChunkResult::accept, {}};
  } catch (const SnapshotError& e) {
    return {e.chunk() ? ApplyChunkResult::retry_chunk : ApplyChunkResult::reject_snapshot, e.what()};
  } catch (const StoreError& e) {
    return {ApplyChunkResult::abort, e.what()};
  }
}

}  // namespace privfin::ledger
