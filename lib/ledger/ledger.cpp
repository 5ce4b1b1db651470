// Ledger: one atomic, synced batch per height and the checks on open.
#include "privfin/ledger/ledger.hpp"

#include <algorithm>
#include <chrono>
#include <future>
#include <limits>
#include <string>
#include <system_error>
#include <utility>

#include "privfin/consensus/application.hpp"
#include "privfin/core/error.hpp"
#include "privfin/ledger/error.hpp"
#include "sha256.hpp"

#if defined(__linux__)
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace privfin::ledger {

namespace {

constexpr std::string_view meta_schema = "schema";
constexpr std::string_view meta_height = "committed_height";
constexpr std::string_view meta_app_hash = "app_hash";
constexpr std::string_view meta_retain = "retain_height";
// Heights up to this one have their transactions in the tx_index column
// family; those above are re-read from their blocks on open. Absent in a
// store written before the index was deferred, where every height's
// entries were in its own batch.
constexpr std::string_view meta_tx_indexed = "tx_indexed_height";

Hash32 hash_from(ByteView b) {
  Hash32 h;
  std::copy(b.begin(), b.end(), h.v.begin());
  return h;
}

// A read whose failure names where: the engine's corruption becomes a
// StoreCorruption at this height and key.
std::optional<Bytes> read(const Store& store, Column c, ByteView key, Height h) {
  try {
    return store.get(c, key);
  } catch (const StoreError& e) {
    if (e.corruption()) throw StoreCorruption(h, std::string(column_name(c)), key, e.what());
    throw;
  }
}

Bytes require(const Store& store, Column c, ByteView key, Height h, const char* what) {
  auto v = read(store, c, key, h);
  if (!v) throw StoreCorruption(h, std::string(column_name(c)), key, std::string("missing ") + what);
  return std::move(*v);
}

Height meta_u64(const Store& store, std::string_view name, Height h) {
  const auto v = read(store, Column::meta, as_bytes(name), h);
  if (!v) throw StoreCorruption(h, "meta", as_bytes(name), "missing");
  try {
    return height_from_key(*v);
  } catch (const DecodeError& e) {
    throw StoreCorruption(h, "meta", as_bytes(name), e.what());
  }
}

// The transactions of a body that is a list of them, as views into it
// (valid while the body is); none for any other body (the ledger stores
// opaque bodies too, and indexes what it can read).
std::vector<ByteView> transactions_of(ByteView body) {
  try {
    return consensus::transaction_views(body);
  } catch (const DecodeError&) {
    return {};
  }
}

// A tx_index value: BE64 height || BE64 index.
std::array<std::byte, 16> tx_location(Height h, std::uint64_t index) {
  std::array<std::byte, 16> v;
  const auto hk = height_key(h);
  const auto ik = height_key(index);
  std::copy(hk.begin(), hk.end(), v.begin());
  std::copy(ik.begin(), ik.end(), v.begin() + 8);
  return v;
}

std::vector<Hash32> tx_hashes_of(ByteView body) {
  const auto txs = transactions_of(body);
  std::vector<Hash32> out;
  out.reserve(txs.size());
  for (const ByteView tx : txs) out.push_back(tx_hash(tx));
  return out;
}

}  // namespace

Hash32 tx_hash(ByteView tx) { return sha256_one_shot(tx); }

std::optional<Bytes> Ledger::Nodes::get_node(ByteView node_key) const {
  if (node_key.size() != node_key_size) return store_->get(Column::state_nodes, node_key);
  NodeKey key;
  std::copy(node_key.begin(), node_key.end(), key.begin());
  if (const Bytes* cached = young_.find(key)) return *cached;
  if (const Bytes* cached = old_.find(key)) {
    Bytes node = *cached;
    remember(node_key, node);  // a copy: the caller gets the other
    return node;
  }
  auto node = store_->get(Column::state_nodes, node_key);
  if (node) remember(node_key, *node);  // a copy: the caller gets the other
  return node;
}

void Ledger::Nodes::remember(ByteView node_key, Bytes node) const {
  if (node_key.size() != node_key_size) return;
  if (young_.size() >= cache_nodes) {
    old_ = std::move(young_);
    young_ = {};
  }
  // Sized once per generation: growing a map of half a million nodes
  // rehashes it about twenty times (a tenth of a commit's CPU in a profile).
  young_.reserve(cache_nodes);
  NodeKey key;
  std::copy(node_key.begin(), node_key.end(), key.begin());
  young_.insert_or_assign(key, std::move(node));
}

Ledger Ledger::open(Store& store, const OpenOptions& options) {
  Ledger l(store, options);
  const auto schema = read(store, Column::meta, as_bytes(meta_schema), 0);
  if (!schema) {
    // A new ledger: genesis is the empty state at version 0.
    bool empty = true;
    for (std::size_t i = 0; i < column_count && empty; ++i) {
      store.scan(column_at(i), {}, {}, [&](ByteView, ByteView) { return empty = false; });
    }
    if (!empty) throw StoreCorruption(0, "meta", as_bytes(meta_schema), "missing, but the store holds data");
    const TreeBatch genesis = StateTree(l.nodes_).apply(std::nullopt, 0, options.genesis_state);
    WriteBatch b;
    for (const auto& [k, v] : genesis.nodes) b.put(Column::state_nodes, k, v);
    for (const auto& c : options.genesis_state) {
      if (c.value) b.put(Column::state_latest, c.key, *c.value);
    }
    const std::byte version{schema_version};
    b.put(Column::meta, as_bytes(meta_schema), ByteView(&version, 1));
    b.put(Column::meta, as_bytes(meta_height), height_key(0));
    b.put(Column::meta, as_bytes(meta_retain), height_key(0));
    b.put(Column::meta, as_bytes(meta_tx_indexed), height_key(0));
    b.put(Column::meta, as_bytes(meta_app_hash), genesis.root.v);
    store.write(b, true);
    l.app_hash_ = genesis.root;
    return l;
  }
  if (schema->size() != 1 || std::to_integer<std::uint8_t>((*schema)[0]) != schema_version) {
    throw StoreCorruption(0, "meta", as_bytes(meta_schema),
                          "schema " + to_hex(*schema) + ", this build reads " + std::to_string(schema_version));
  }
  l.height_ = meta_u64(store, meta_height, 0);
  l.retain_ = meta_u64(store, meta_retain, l.height_);
  l.compacted_to_ = l.retain_;
  if (l.retain_ > l.height_) {
    throw StoreCorruption(l.height_, "meta", as_bytes(meta_retain),
                          "retain height " + std::to_string(l.retain_) + " above the committed height");
  }
  const Bytes app = require(store, Column::meta, as_bytes(meta_app_hash), l.height_, "app hash");
  if (app.size() != 32) throw StoreCorruption(l.height_, "meta", as_bytes(meta_app_hash), "not 32 bytes");
  l.app_hash_ = hash_from(app);
  if (options.full_check) {
    for (Height h = l.retain_; h <= l.height_; ++h) l.check_height(h, h == l.height_);
  } else {
    l.check_height(l.height_, true);
  }
  if (l.height_ > 0) l.tip_hash_ = l.block(l.height_)->hash();
  // Absent in a store written before the index was deferred: every height
  // indexed in its own batch.
  l.indexed_ = l.height_;
  if (read(store, Column::meta, as_bytes(meta_tx_indexed), l.height_)) l.indexed_ = meta_u64(store, meta_tx_indexed, l.height_);
  if (l.indexed_ > l.height_) {
    throw StoreCorruption(l.height_, "meta", as_bytes(meta_tx_indexed),
                          "indexed height " + std::to_string(l.indexed_) + " above the committed height");
  }
  // The entries of the heights since the last flush, from their blocks.
  for (Height h = std::max({l.indexed_ + 1, l.retain_, Height{1}}); options.index_transactions && h <= l.height_; ++h) {
    const auto b = l.block(h);
    if (!b) throw StoreCorruption(h, "blocks", height_key(h), "missing, below the committed height");
    l.hold_index(h, tx_hashes_of(b->body));
  }
  return l;
}

Ledger Ledger::restored(Store& store, const OpenOptions& options, const TreeBatch& tree,
                        std::span<const StateChange> state, const consensus::Block& block,
                        const consensus::CommitCertificate& certificate) {
  WriteBatch b;
  for (const auto& [k, v] : tree.nodes) b.put(Column::state_nodes, k, v);
  for (const auto& c : state) {
    if (c.value) b.put(Column::state_latest, c.key, *c.value);
  }
  const auto key = height_key(tree.version);
  b.put(Column::blocks, key, block.to_bytes());
  b.put(Column::certs, key, certificate.to_bytes());
  b.put(Column::block_hash, block.hash().v, key);
  const std::byte version{schema_version};
  b.put(Column::meta, as_bytes(meta_schema), ByteView(&version, 1));
  b.put(Column::meta, as_bytes(meta_height), key);
  b.put(Column::meta, as_bytes(meta_retain), key);  // nothing below the snapshot's height is kept
  b.put(Column::meta, as_bytes(meta_tx_indexed), key);  // no transactions of its own are kept below it
  b.put(Column::meta, as_bytes(meta_app_hash), tree.root.v);
  store.write(b, true);
  return open(store, options);
}

bool Ledger::exists(const Store& store) { return read(store, Column::meta, as_bytes(meta_schema), 0).has_value(); }

// The checks of open() for one height: its state root, block, certificate,
// hash index and parent link.
void Ledger::check_height(Height h, bool tip) const {
  const Bytes root_key = state_node_key(h, 0, {});
  Hash32 root;
  try {
    root = StateTree(nodes_).root(h);
  } catch (const StoreCorruption&) {
    throw;
  } catch (const InvalidArgument&) {
    throw StoreCorruption(h, "state_nodes", root_key, "the state root of this height is missing");
  } catch (const StoreError& e) {
    throw StoreCorruption(h, "state_nodes", root_key, e.what());
  }
  if (tip && root != app_hash_) {
    throw StoreCorruption(h, "state_nodes", root_key, "the state root differs from meta.app_hash");
  }
  if (h == 0) return;
  const auto key = height_key(h);
  const Bytes block_bytes = require(*store_, Column::blocks, key, h, "block");
  consensus::Block block;
  try {
    block = consensus::Block::from_bytes(block_bytes, options_.limits);
  } catch (const DecodeError& e) {
    throw StoreCorruption(h, "blocks", key, e.what());
  }
  if (block.header.height != h) {
    throw StoreCorruption(h, "blocks", key, "the block says height " + std::to_string(block.header.height));
  }
  if (!block.body_matches()) throw StoreCorruption(h, "blocks", key, "the body does not match tx_root");
  const Bytes cert_bytes = require(*store_, Column::certs, key, h, "commit certificate");
  consensus::CommitCertificate cert;
  try {
    cert = consensus::CommitCertificate::from_bytes(cert_bytes, options_.limits);
  } catch (const DecodeError& e) {
    throw StoreCorruption(h, "certs", key, e.what());
  }
  const Hash32 hash = block.hash();
  if (cert.height != h || cert.block != hash) {
    throw StoreCorruption(h, "certs", key, "the certificate is for another block");
  }
  if (options_.verify_certificate && !options_.verify_certificate(block, cert)) {
    throw StoreCorruption(h, "certs", key, "the certificate's signatures do not verify");
  }
  const Bytes index = require(*store_, Column::block_hash, hash.v, h, "block hash index entry");
  if (index.size() != 8 || height_from_key(index) != h) {
    throw StoreCorruption(h, "block_hash", hash.v, "the index names another height");
  }
  if (h > retain_ && h > 1) {
    const auto parent_key = height_key(h - 1);
    const Bytes parent_bytes = require(*store_, Column::blocks, parent_key, h - 1, "block");
    Hash32 parent;
    try {
      parent = consensus::Block::from_bytes(parent_bytes, options_.limits).hash();
    } catch (const DecodeError& e) {
      throw StoreCorruption(h - 1, "blocks", parent_key, e.what());
    }
    if (parent != block.header.parent) throw StoreCorruption(h, "blocks", key, "the parent hash names another block");
  }
  if (!tip) {  // the block above carries this height's app hash
    const auto above = read(*store_, Column::blocks, height_key(h + 1), h + 1);
    if (above) {
      try {
        if (consensus::Block::from_bytes(*above, options_.limits).header.app_hash != root) {
          throw StoreCorruption(h, "state_nodes", root_key, "the state root differs from the next header's app_hash");
        }
      } catch (const StoreCorruption&) {
        throw;
      } catch (const DecodeError& e) {
        throw StoreCorruption(h + 1, "blocks", height_key(h + 1), e.what());
      }
    }
  }
}

Hash32 Ledger::commit(const consensus::Block& block, const consensus::CommitCertificate& certificate, ByteView results,
                      std::span<const StateChange> changes, const consensus::ValidatorSet* next_validators) {
  const Height h = height_ + 1;
  const auto& header = block.header;
  const auto refuse = [&](const std::string& why) {
    throw InvalidArgument("ledger: block for height " + std::to_string(header.height) + " refused at height " +
                          std::to_string(height_) + ": " + why);
  };
  if (header.height != h) refuse("the next height is " + std::to_string(h));
  const Hash32 hash = block.hash();
  if (certificate.height != h || certificate.block != hash) refuse("the certificate is for another block");
  if (tip_hash_ ? header.parent != *tip_hash_ : header.parent != Hash32{}) refuse("its parent is not the tip");
  if (header.app_hash != app_hash_) refuse("its app_hash is not the state after the tip");
  if (!block.body_matches()) refuse("its body does not match tx_root");
  std::vector<Hash32> hashes;
  if (options_.index_transactions) {
    hashes = tx_hashes_of(block.body);
    // A batch written on the other thread is waited for here, before
    // anything of this height is written, when this height would start the
    // next one (or it is done already): its error is this call's.
    const bool next_batch = held_.size() + hashes.size() >= options_.tx_index_batch;
    if (flushing_ && (next_batch || index_write_done())) {
      wait_for_index_writes();
    }
  }

  TreeBatch tree = StateTree(nodes_).apply(height_, h, changes);
  WriteBatch b;
  const auto key = height_key(h);
  b.put(Column::blocks, key, block.to_bytes());
  b.put(Column::certs, key, certificate.to_bytes());
  b.put(Column::results, key, results);
  b.put(Column::block_hash, hash.v, key);
  for (const auto& [k, v] : tree.nodes) b.put(Column::state_nodes, k, v);
  // One stale-index record per height (the replaced nodes' keys, end to
  // end) rather than one per node: a block replaces tens of thousands of
  // nodes, and each record is a memtable insert on the commit path.
  if (!tree.stale.empty()) {
    Bytes stale;
    stale.reserve(tree.stale.size() * node_key_size);
    for (const auto& k : tree.stale) stale.insert(stale.end(), k.begin(), k.end());
    b.put(Column::state_stale, key, stale);
  }
  for (const auto& c : changes) {
    if (c.value) b.put(Column::state_latest, c.key, *c.value);
    else b.erase(Column::state_latest, c.key);
  }
  if (next_validators != nullptr) b.put(Column::validators, height_key(h + 2), next_validators->to_bytes());
  b.put(Column::meta, as_bytes(meta_height), key);
  b.put(Column::meta, as_bytes(meta_app_hash), tree.root.v);
  store_->write(b, true);
  // The next heights read the upper levels again; the deep nodes of random
  // keys rarely, and copying all of them costs more than it saves.
  for (auto& [k, v] : tree.nodes) {
    if (std::to_integer<unsigned>(k[9]) <= Nodes::cached_depth && k[8] == std::byte{0}) nodes_.remember(k, std::move(v));
  }
  height_ = h;
  app_hash_ = tree.root;
  tip_hash_ = hash;
  if (options_.index_transactions) {
    hold_index(h, hashes);
    if (held_.size() >= options_.tx_index_batch) {
      if (store_->concurrent_ingest()) start_index_flush();
      else flush_tx_index();
    }
  }
  return tree.root;
}

void Ledger::hold_index(Height h, std::span<const Hash32> hashes) {
  held_at_.reserve(held_.size() + hashes.size());
  for (std::uint64_t i = 0; i < hashes.size(); ++i) {
    held_at_.insert_or_assign(hashes[i], held_.size());
    held_.push_back(HeldEntry{hashes[i], tx_location(h, i)});
  }
}

// Index entries (in commit order; of a transaction held twice the later
// inclusion wins) as one sorted ingest, then meta.tx_indexed_height: after
// the entries are durable, so that a crash in between only re-reads blocks
// whose entries are already there (the same keys and values).
void Ledger::write_index(Store& store, std::span<const HeldEntry> held, Height indexed) {
  if (!held.empty()) {
    // Key order, sorting (first 8 bytes of the hash, position) pairs: the
    // full hashes are read only where 8 bytes tie.
    struct Sortable {
      std::uint64_t prefix;
      std::size_t at;
    };
    std::vector<Sortable> order(held.size());
    for (std::size_t i = 0; i < held.size(); ++i) {
      order[i] = Sortable{height_from_key(ByteView(held[i].hash.v).first(8)), i};  // the first 8 bytes, big-endian
    }
    std::sort(order.begin(), order.end(), [&](const Sortable& a, const Sortable& b) {
      if (a.prefix != b.prefix) return a.prefix < b.prefix;
      if (held[a.at].hash != held[b.at].hash) return held[a.at].hash.v < held[b.at].hash.v;
      return a.at < b.at;
    });
    std::vector<KeyValueView> entries;
    entries.reserve(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) {
      const auto& e = held[order[i].at];
      if (i + 1 < order.size() && held[order[i + 1].at].hash == e.hash) continue;  // a later inclusion follows
      entries.push_back(KeyValueView{e.hash.v, e.location});
    }
    store.ingest(Column::tx_index, entries);
  }
  store.write(WriteBatch().put(Column::meta, as_bytes(meta_tx_indexed), height_key(indexed)), false);
}

namespace {

// The writer thread yields to the node's own (CPU-bound work: "low", as
// set_background_priority says for RocksDB's threads).
void lower_this_thread_priority() {
#if defined(__linux__)
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 19);
#endif
}

}  // namespace

void Ledger::flush_tx_index() {
  // Without the index the indexed height stays where the last index left
  // it, so that opening with one again indexes every height above it.
  if (!options_.index_transactions) return;
  wait_for_index_writes();
  if (held_.empty() && indexed_ == height_) return;
  write_index(*store_, held_, height_);
  indexed_ = height_;
  held_.clear();
  held_at_.clear();
}

void Ledger::start_index_flush() {
  wait_for_index_writes();  // commit() waited for it already: a no-op there
  flushing_ = std::make_unique<IndexFlush>();
  flushing_->entries = std::move(held_);
  flushing_->at = std::move(held_at_);
  flushing_->height = height_;
  held_ = std::exchange(spare_held_, {});
  held_.clear();
  held_at_ = std::exchange(spare_held_at_, consensus::Hash32Map<std::size_t>());
  held_at_.clear();
  // A batch ends with the height that reaches tx_index_batch: room for that
  // height's transactions beyond it too.
  const std::size_t room = options_.tx_index_batch + options_.tx_index_batch / 8;
  held_.reserve(room);
  held_at_.reserve(room);
  // The thread reads the batch and the store only: the batch is on the
  // heap (a Ledger moves), and nothing changes it until it is waited for.
  try {
    flushing_->written = std::async(std::launch::async, [store = store_, batch = flushing_.get()] {
      lower_this_thread_priority();
      write_index(*store, batch->entries, batch->height);
    });
  } catch (const std::system_error&) {
    // No thread to be had: the batch is held again and written here.
    const auto batch = std::move(flushing_);
    held_ = std::move(batch->entries);
    held_at_ = std::move(batch->at);
    flush_tx_index();
  }
}

bool Ledger::index_write_done() const {
  return flushing_->written.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

void Ledger::wait_for_index_writes() {
  if (!flushing_) return;
  try {
    flushing_->written.get();
  } catch (...) {
    // Not written: its entries are held again, before the newer ones, for
    // the next flush to write (lookups keep finding them meanwhile).
    const auto failed = std::move(flushing_);
    std::vector<HeldEntry> newer = std::move(held_);
    held_ = std::move(failed->entries);
    held_at_ = std::move(failed->at);
    for (const auto& e : newer) {
      held_at_.insert_or_assign(e.hash, held_.size());
      held_.push_back(e);
    }
    throw;
  }
  indexed_ = flushing_->height;
  spare_held_ = std::move(flushing_->entries);
  spare_held_at_ = std::move(flushing_->at);
  flushing_.reset();
}

std::optional<consensus::Block> Ledger::block(Height h) const {
  const auto key = height_key(h);
  const auto bytes = read(*store_, Column::blocks, key, h);
  if (!bytes) return std::nullopt;
  try {
    return consensus::Block::from_bytes(*bytes, options_.limits);
  } catch (const DecodeError& e) {
    throw StoreCorruption(h, "blocks", key, e.what());
  }
}

std::optional<consensus::CommitCertificate> Ledger::certificate(Height h) const {
  const auto key = height_key(h);
  const auto bytes = read(*store_, Column::certs, key, h);
  if (!bytes) return std::nullopt;
  try {
    return consensus::CommitCertificate::from_bytes(*bytes, options_.limits);
  } catch (const DecodeError& e) {
    throw StoreCorruption(h, "certs", key, e.what());
  }
}

std::optional<consensus::ValidatorSet> Ledger::validators_from(Height h) const {
  return stored_validators(*store_, h, options_.limits);
}

std::optional<consensus::ValidatorSet> stored_validators(const Store& store, Height h, const consensus::Limits& limits) {
  // Changes are rare (a handful per chain): the column is read whole.
  std::optional<std::pair<Bytes, Bytes>> latest;
  const auto end = height_key(h + 1);
  store.scan(Column::validators, {}, end, [&](ByteView k, ByteView v) {
    latest.emplace(Bytes(k.begin(), k.end()), Bytes(v.begin(), v.end()));
    return true;
  });
  if (!latest) return std::nullopt;
  try {
    return consensus::ValidatorSet::from_bytes(latest->second, limits);
  } catch (const Error& e) {  // DecodeError, or InvalidArgument from the set's own rules
    throw StoreCorruption(height_from_key(latest->first), "validators", latest->first, e.what());
  }
}

std::optional<Bytes> Ledger::results(Height h) const { return read(*store_, Column::results, height_key(h), h); }

std::optional<Height> Ledger::height_of(const Hash32& block_hash) const {
  const auto v = read(*store_, Column::block_hash, block_hash.v, height_);
  if (!v) return std::nullopt;
  try {
    return height_from_key(*v);
  } catch (const DecodeError& e) {
    throw StoreCorruption(height_, "block_hash", block_hash.v, e.what());
  }
}

std::optional<Ledger::Located> Ledger::locate_transaction(const Hash32& hash) const {
  if (!options_.index_transactions) {
    throw InvalidArgument("ledger: finding a transaction on a ledger opened without its transaction index "
                          "(OpenOptions::index_transactions)");
  }
  // A held entry is newer than any in the store.
  std::optional<Bytes> stored;
  ByteView location;
  if (const std::size_t* held = held_at_.find(hash)) {
    location = held_[*held].location;
  } else if (const std::size_t* flushing = flushing_ ? flushing_->at.find(hash) : nullptr) {
    location = flushing_->entries[*flushing].location;
  } else {
    stored = read(*store_, Column::tx_index, hash.v, height_);
    if (!stored) return std::nullopt;
    location = *stored;
  }
  if (location.size() != 16) {
    throw StoreCorruption(height_, "tx_index", hash.v, "a location of " + std::to_string(location.size()) + " bytes");
  }
  const TransactionPosition at{height_from_key(location.first(8)), height_from_key(location.subspan(8))};
  if (at.height < retain_) return std::nullopt;  // pruned; the entry goes with the next prune
  auto b = block(at.height);
  if (!b) throw StoreCorruption(at.height, "tx_index", hash.v, "names a height without a block");
  const auto txs = transactions_of(b->body);
  if (at.index >= txs.size() || tx_hash(txs[at.index]) != hash) {
    throw StoreCorruption(at.height, "tx_index", hash.v, "the block does not hold the transaction there");
  }
  return Located{at, std::move(*b)};
}

std::optional<Ledger::TransactionPosition> Ledger::transaction_position(const Hash32& hash) const {
  const auto located = locate_transaction(hash);
  if (!located) return std::nullopt;
  return located->at;
}

std::optional<FoundTransaction> Ledger::find_transaction(const Hash32& hash) const {
  const auto located = locate_transaction(hash);
  if (!located) return std::nullopt;
  const auto txs = transactions_of(located->block.body);
  FoundTransaction out;
  out.height = located->at.height;
  out.index = located->at.index;
  std::vector<Hash32> leaves;
  leaves.reserve(txs.size());
  for (const ByteView tx : txs) leaves.push_back(consensus::tx_leaf_hash(tx));
  out.tx_root = consensus::tx_merkle_root_of_leaves(leaves);
  out.proof = consensus::tx_inclusion_proof_of_leaves(leaves, out.index);
  out.tx.assign(txs[out.index].begin(), txs[out.index].end());
  return out;
}

std::optional<Bytes> Ledger::get(ByteView key) const { return read(*store_, Column::state_latest, key, height_); }

ProvenValue Ledger::prove(ByteView key, Height h) const {
  if (h < retain_ || h > height_) {
    throw InvalidArgument("ledger: height " + std::to_string(h) + " is outside the retained heights " +
                          std::to_string(retain_) + ".." + std::to_string(height_));
  }
  return StateTree(nodes_).prove(key, h);
}

Hash32 Ledger::app_hash_at(Height h) const {
  if (h < retain_ || h > height_) {
    throw InvalidArgument("ledger: height " + std::to_string(h) + " is outside the retained heights " +
                          std::to_string(retain_) + ".." + std::to_string(height_));
  }
  return StateTree(nodes_).root(h);
}

std::size_t Ledger::prune(Height retain) {
  wait_for_index_writes();
  return prune_step(retain, std::numeric_limits<std::size_t>::max(), 0).deleted;
}

PruneProgress Ledger::prune_step(Height target, std::size_t budget, Height compact_every) {
  if (target > height_) {
    throw InvalidArgument("ledger: cannot prune to " + std::to_string(target) + " above the committed height " +
                          std::to_string(height_));
  }
  PruneProgress progress{retain_, 0, retain_ >= target};
  if (progress.done) return progress;
  // A step reads index entries to erase them: never while a batch of them
  // is being written (a later inclusion it writes could be erased), and
  // never waiting for one either (a step is for the hot path's gaps).
  if (flushing_) {
    if (!index_write_done()) return progress;
    wait_for_index_writes();
  }
  // Pruning height r erases the index entries it finds in the store, so a
  // held height about to be pruned goes to the store first.
  if (target > indexed_) flush_tx_index();
  const Height from = retain_;
  Height r = retain_;
  WriteBatch b;
  std::size_t& deleted = progress.deleted;
  // Whole heights, at least one, until the budget is spent: raising the
  // retain height from r to r + 1 deletes the nodes that became stale at
  // r + 1 (no version >= r + 1 reads them) and block r with its
  // certificate, results, hash-index entry and transaction-index entries.
  while (r < target && (r == from || deleted < budget)) {
    const Height next = r + 1;
    const auto stale_key = height_key(next);
    if (const auto v = read(*store_, Column::state_stale, stale_key, next)) {
      if (v->size() % node_key_size != 0) {
        throw StoreCorruption(next, "state_stale", stale_key, "a stale-node list of " + std::to_string(v->size()) + " bytes");
      }
      b.erase(Column::state_stale, stale_key);
      ++deleted;
      for (std::size_t at = 0; at < v->size(); at += node_key_size) {
        b.erase(Column::state_nodes, ByteView(*v).subspan(at, node_key_size));
        ++deleted;
      }
    }
    const auto key = height_key(r);
    if (const auto v = read(*store_, Column::blocks, key, r)) {
      consensus::Block pruned;
      try {
        pruned = consensus::Block::from_bytes(*v, options_.limits);
      } catch (const DecodeError& e) {
        throw StoreCorruption(r, "blocks", key, e.what());
      }
      b.erase(Column::block_hash, pruned.hash().v);
      ++deleted;
      // Its transactions' index entries, unless a later block included them
      // again (none above the indexed height: a ledger without its index).
      for (const Hash32& th : r <= indexed_ ? tx_hashes_of(pruned.body) : std::vector<Hash32>{}) {
        const auto at = store_->get(Column::tx_index, th.v);
        if (at && at->size() == 16 && height_from_key(ByteView(*at).first(8)) <= r) {
          b.erase(Column::tx_index, th.v);
          ++deleted;
        }
      }
      for (Column c : {Column::blocks, Column::certs, Column::results}) {
        b.erase(c, key);
        ++deleted;
      }
    }
    r = next;
  }
  b.put(Column::meta, as_bytes(meta_retain), height_key(r));
  store_->write(b, true);
  retain_ = r;
  progress.retain = r;
  progress.done = r >= target;
  // Compaction of what the steps since the last one deleted (CometBFT's
  // storage report: without it the disk does not shrink). The
  // height-keyed families over the heights pruned since; state nodes of
  // any old version may have gone stale, so their range is every version
  // below the retain height; the hash-keyed indexes have no range.
  if (r - compacted_to_ >= compact_every) {
    const auto lo = height_key(compacted_to_);
    const auto hi = height_key(r);
    for (Column c : {Column::blocks, Column::certs, Column::results}) store_->compact(c, lo, hi);
    store_->compact(Column::state_stale, height_key(compacted_to_ + 1), height_key(r + 1));
    store_->compact(Column::state_nodes, {}, hi);
    store_->compact(Column::block_hash, {}, {});
    store_->compact(Column::tx_index, {}, {});
    compacted_to_ = r;
    progress.compacted = true;
  }
  return progress;
}

}  // namespace privfin::ledger
