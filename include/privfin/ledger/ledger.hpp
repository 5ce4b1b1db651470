// privfin/ledger/ledger.hpp — a node's ledger: committed blocks, their
// commit certificates and results, and the authenticated state, kept in a
// Store so that one height commits in one atomic, synced write.
//
//   auto store = RocksDbStore::open(dir);          // or MemoryStore
//   Ledger ledger = Ledger::open(*store);          // checks the tip; StoreCorruption if damaged
//   Hash32 app_hash = ledger.commit(block, cert, results, changes);   // height() + 1
//   ProvenValue pv = ledger.prove(as_bytes("alice"), ledger.height());
//   // an auditor: verify_state_proof(pv.proof, key, pv.value, app_hash)
//
// Heights: the state version of height h is the state after block h;
// version 0 is the genesis state (empty), written when a ledger is first
// opened. Block h's header carries the app hash after h - 1 (the
// CometBFT-style lag), which commit() checks.
//
// What commit() writes, in one WriteBatch with sync = true (docs/ledger.md,
// "Layout"): the block, its certificate, the results, the new and stale
// state-tree nodes, the flat latest-value map, the block-hash index, the
// validator set of height h + 2 when block h changed it, and
// meta.committed_height / meta.app_hash. After a crash the store holds
// either all of height h or none of it, so the application's height equals
// the store's by construction. The transaction index is derived from the
// blocks and written apart from them: the ledger holds the newest heights'
// entries in memory and writes OpenOptions::tx_index_batch of them at a time
// as one sorted file (Store::ingest), recording meta.tx_indexed_height;
// open() re-reads the blocks above it. On a store that allows it
// (Store::concurrent_ingest: RocksDB) that file is written on a thread of
// its own, at a lowered CPU priority, while the ledger goes on committing;
// the entries stay readable from memory until it is in. (One random 32-byte key per
// transaction in every height's batch was a third of a node's CPU under
// load, docs/performance.md.)
//
// open() checks the tip before anything else runs: the meta records decode,
// the tip block decodes, its header names its height, its body matches its
// tx_root, its certificate names its hash, its parent is the block below,
// and the state root at the tip equals meta.app_hash. A failure is a
// StoreCorruption naming the height, the column family and the key (the
// node refuses to start). OpenOptions::full_check walks every retained
// height the same way. The certificate's signatures need the validator set:
// pass OpenOptions::verify_certificate to have them re-verified too.
//
// Throws: InvalidArgument for a block that does not extend the ledger (its
// height, parent, app hash, certificate or body do not fit); StoreCorruption
// and StoreError as above (commit() and flush_tx_index() also throw the
// StoreError of a batch of index entries written on the other thread, before
// they write anything). Not thread-safe: one writer; readers from other
// threads need their own synchronisation.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "privfin/consensus/hash32_map.hpp"
#include "privfin/consensus/types.hpp"
#include "privfin/ledger/state_tree.hpp"
#include "privfin/ledger/store.hpp"
#include "privfin/consensus/tx_merkle.hpp"

namespace privfin::ledger {

using consensus::Height;
struct SnapshotManifest;  // snapshot.hpp
class SnapshotRestore;

struct OpenOptions {
  bool full_check = false;  // check every retained height, not only the tip
  consensus::Limits limits = {};
  // Re-verifies a stored certificate's signatures (e.g. with the
  // consensus Crypto provider and the validator set of that height); false
  // makes open() throw StoreCorruption. Unset: only the binding to the block
  // is checked.
  std::function<bool(const consensus::Block&, const consensus::CommitCertificate&)> verify_certificate;
  // The application's genesis state (consensus::Application::init_chain),
  // written as version 0 when the store is new; ignored otherwise.
  std::vector<StateChange> genesis_state;
  // Transactions whose index entries are held in memory before they are
  // written together (flush_tx_index); 0 or 1 writes every height's
  // entries after its commit. Memory: 100 to 150 bytes per held
  // transaction (the entry and its slot in a hash map); open() reads the
  // blocks of the held heights again.
  std::size_t tx_index_batch = std::size_t{1} << 16;
  // false: no transaction index is kept (CometBFT's "null" indexer), for a
  // deployment that never looks a transaction up by hash on this node.
  // Keeping it is about a quarter of a node's CPU under small commands
  // (hashing, the sorted files, RocksDB's compaction of them:
  // docs/performance.md). Entries written before stay and are pruned as
  // usual; find_transaction throws. Opening with true again re-reads the
  // blocks above tx_indexed_height() and indexes them.
  bool index_transactions = true;
};

// A committed transaction found by its hash (Ledger::find_transaction).
struct FoundTransaction {
  Height height = 0;
  std::uint64_t index = 0;  // its position in the block's list of transactions
  Bytes tx;
  // Its RFC 9162 inclusion proof (consensus/tx_merkle.hpp) against
  // `tx_root`, the Merkle root of the block's transactions, which is the
  // header's tx_root: a verifier with the verified header needs neither the
  // body nor the other transactions (LightClient::verify_transaction_proof).
  consensus::InclusionProof proof;
  Hash32 tx_root;
};

// Where Ledger::prune_step got to.
struct PruneProgress {
  Height retain = 0;         // retain_height() after the step
  std::size_t deleted = 0;   // keys deleted by the step
  bool done = false;         // retain_height() >= the target
  bool compacted = false;    // the step ran the compaction
};

// The key of a transaction in the tx_index column: SHA-256 of its bytes.
[[nodiscard]] Hash32 tx_hash(ByteView tx);

// The set that signs height h as `store`'s validators column family holds
// it (the latest change in force at h); nullopt: no change, the genesis
// set. For readers without an open Ledger (a node checking its tip while
// it opens). Throws StoreCorruption for a stored set that does not decode.
[[nodiscard]] std::optional<consensus::ValidatorSet> stored_validators(const Store& store, Height h,
                                                                       const consensus::Limits& limits = {});

class Ledger {
 public:
  static constexpr std::uint8_t schema_version = 1;

  [[nodiscard]] static Ledger open(Store& store, const OpenOptions& options = {});
  // Whether the store holds a ledger (open() would not create one).
  [[nodiscard]] static bool exists(const Store& store);

  [[nodiscard]] Height height() const noexcept { return height_; }
  // The state root after height() (the next header's app_hash).
  [[nodiscard]] const Hash32& app_hash() const noexcept { return app_hash_; }
  // The lowest height whose block and state are still kept (after prune()).
  [[nodiscard]] Height retain_height() const noexcept { return retain_; }

  // Commits block height() + 1 with its certificate, the application's
  // results and state changes, in one synced batch. Returns the new app hash.
  // `next_validators`: the set of height() + 3 on, when this block changed
  // it (kept in the `validators` column family, never pruned).
  Hash32 commit(const consensus::Block& block, const consensus::CommitCertificate& certificate, ByteView results,
                std::span<const StateChange> changes, const consensus::ValidatorSet* next_validators = nullptr);
  // The set that signs height h when a committed block changed it (the
  // latest change in force at h); nullopt: the genesis set. Throws
  // StoreCorruption for a stored set that does not decode.
  [[nodiscard]] std::optional<consensus::ValidatorSet> validators_from(Height h) const;

  [[nodiscard]] std::optional<consensus::Block> block(Height h) const;
  [[nodiscard]] std::optional<consensus::CommitCertificate> certificate(Height h) const;
  [[nodiscard]] std::optional<Bytes> results(Height h) const;
  [[nodiscard]] std::optional<Height> height_of(const Hash32& block_hash) const;

  // The committed transaction with this hash (tx_hash): its height,
  // position, bytes and inclusion proof; nullopt if no retained block holds
  // it. commit() indexes the transactions of a body that is a list of
  // transactions (consensus::transactions_from_bytes) and nothing of any
  // other body; a transaction included twice is found at its latest
  // inclusion. Throws StoreCorruption for an index entry or block that does
  // not decode or does not hold the transaction, InvalidArgument when the
  // ledger keeps no index (OpenOptions::index_transactions).
  [[nodiscard]] std::optional<FoundTransaction> find_transaction(const Hash32& hash) const;
  // Where find_transaction would find it (height, position), with the same
  // checks and errors, without building the inclusion proof (which hashes
  // every transaction of the block): for a caller that wants the place only.
  struct TransactionPosition {
    Height height = 0;
    std::uint64_t index = 0;
  };
  [[nodiscard]] std::optional<TransactionPosition> transaction_position(const Hash32& hash) const;
  [[nodiscard]] bool indexes_transactions() const noexcept { return options_.index_transactions; }
  // Writes the held index entries now (Store::ingest), after any batch
  // still being written on the other thread, and moves
  // meta.tx_indexed_height to height(); commit() does the same once
  // tx_index_batch entries are held (on that thread where the store allows
  // it), prune_step() calls it before it prunes a held height. A no-op
  // when nothing is held.
  void flush_tx_index();
  // Waits for a batch of index entries that commit() is writing on the
  // other thread, if any: afterwards tx_indexed_height() counts it. Throws
  // its StoreError (its entries stay held, for the next flush).
  void wait_for_index_writes();
  // The heights up to which the store holds the index entries (a batch
  // still being written counts once waited for).
  [[nodiscard]] Height tx_indexed_height() const noexcept { return indexed_; }

  // The latest value (one read of the flat map, no tree walk).
  [[nodiscard]] std::optional<Bytes> get(ByteView key) const;
  // The value after height h, with its proof against app_hash_at(h).
  // Throws InvalidArgument for a height outside [retain_height(), height()].
  [[nodiscard]] ProvenValue prove(ByteView key, Height h) const;
  [[nodiscard]] Hash32 app_hash_at(Height h) const;

  // Forgets what heights below `retain` alone need: their blocks,
  // certificates, results, index entries and state nodes; then compacts the
  // pruned ranges. Heights >= retain still answer everything. Returns the
  // number of keys deleted. Throws InvalidArgument for retain > height().
  // prune() does it all at once and then compacts; prune_step() does it
  // in steps that a node calls off its hot path (between heights, or from
  // its own thread while it holds the ledger): each step deletes whole
  // heights, at least one and otherwise about `budget` keys, in one synced
  // batch with the new retain height (so a crash mid-way leaves a
  // consistent, partly pruned ledger). Compaction is the expensive part
  // (it rewrites the table files the range touches, and the state nodes'
  // range is every version below the retain height), so a step compacts
  // only once the retain height has moved `compact_every` heights past the
  // last compaction: the pruned heights of the height-keyed families, the
  // state nodes below the retain height and the hash-keyed indexes. A step
  // taken while a batch of index entries is being written on the other
  // thread does nothing (and is not done); prune() waits for the batch.
  std::size_t prune(Height retain);
  PruneProgress prune_step(Height target, std::size_t budget = 100'000, Height compact_every = 1000);

  // State sync (snapshot.hpp). take_snapshot stores a snapshot of the
  // state after height() in the `snapshots` column, in one synced batch,
  // in chunks of about chunk_bytes (at least one key per chunk), and
  // returns its manifest; a second one at the same height replaces the
  // first. snapshots() lists the stored ones by height; snapshot_chunk
  // reads one chunk's bytes (nullopt: none). delete_snapshot returns the
  // number of keys deleted. Snapshots are not pruned: they hold their
  // state themselves and the node deletes them when it wants.
  SnapshotManifest take_snapshot(std::size_t chunk_bytes = std::size_t{1} << 20);
  [[nodiscard]] std::vector<SnapshotManifest> snapshots() const;
  [[nodiscard]] std::optional<Bytes> snapshot_chunk(Height h, std::uint32_t index) const;
  std::size_t delete_snapshot(Height h);

 private:
  // find_transaction's lookup: the entry (held or stored), checked against
  // the block it names, which is returned with it.
  struct Located {
    TransactionPosition at;
    consensus::Block block;
  };
  [[nodiscard]] std::optional<Located> locate_transaction(const Hash32& hash) const;
  friend class SnapshotRestore;
  // A restored snapshot's ledger (SnapshotRestore::finish): writes the
  // state (its tree at block's height), the block, its certificate and the
  // meta records in one synced batch, then opens the ledger.
  [[nodiscard]] static Ledger restored(Store& store, const OpenOptions& options, const TreeBatch& tree,
                                       std::span<const StateChange> state, const consensus::Block& block,
                                       const consensus::CommitCertificate& certificate);
  // State-tree nodes read through a cache. Nodes are immutable (a key
  // names a version), so a cached node is never out of date; the cache
  // holds two generations of at most cache_nodes entries each and drops the
  // older one when the newer fills up (a cheap approximation of LRU).
  // cache_nodes is 3/4 of 2^19, what a NodeMap of 2^19 slots (42 MB) holds
  // without growing.
  class Nodes final : public NodeSource {
   public:
    static constexpr std::size_t cache_nodes = std::size_t{3} << 17;
    static constexpr unsigned cached_depth = 18;  // commit() caches the nodes it writes down to here
    explicit Nodes(const Store& store) noexcept : store_(&store) {}
    [[nodiscard]] std::optional<Bytes> get_node(ByteView node_key) const override;
    void remember(ByteView node_key, Bytes node) const;

   private:
    const Store* store_;
    mutable NodeMap young_;
    mutable NodeMap old_;
  };

  Ledger(Store& store, const OpenOptions& options) : store_(&store), nodes_(store), options_(options) {}
  void check_height(Height h, bool tip) const;
  // Holds the index entries of block h's transactions (their hashes).
  void hold_index(Height h, std::span<const Hash32> hashes);

  // An index entry not yet in the store: a transaction's hash and location
  // (BE64 height || BE64 index, the tx_index value).
  struct HeldEntry {
    Hash32 hash;
    std::array<std::byte, 16> location;
  };

  Store* store_;
  Nodes nodes_;
  OpenOptions options_;
  Height height_ = 0;
  Height retain_ = 0;
  Height compacted_to_ = 0;  // the retain height at the last compaction (this process's)
  Height indexed_ = 0;       // meta.tx_indexed_height
  // A batch of held entries being written on a thread of its own
  // (commit(), Store::concurrent_ingest): readable, never changed, until
  // wait_for_index_writes() has waited for it.
  struct IndexFlush {
    std::vector<HeldEntry> entries;
    consensus::Hash32Map<std::size_t> at;
    Height height = 0;  // meta.tx_indexed_height once written
    std::future<void> written;
  };
  void start_index_flush();
  // Whether the batch in flight (there is one) has been written or failed.
  [[nodiscard]] bool index_write_done() const;
  // Sorts the entries, ingests them and records `indexed` as
  // meta.tx_indexed_height (on either thread).
  static void write_index(Store& store, std::span<const HeldEntry> held, Height indexed);

  std::vector<HeldEntry> held_;                // in commit order
  consensus::Hash32Map<std::size_t> held_at_;  // hash -> its latest entry in held_
  std::unique_ptr<IndexFlush> flushing_;       // older than held_, newer than the store
  // The last written batch's containers, kept for the next batch: growing a
  // table of 2^18 slots from nothing each time is fresh memory to zero (page
  // faults) and a rehash at every doubling, on the commit path.
  std::vector<HeldEntry> spare_held_;
  consensus::Hash32Map<std::size_t> spare_held_at_;
  Hash32 app_hash_;
  std::optional<Hash32> tip_hash_;
};

}  // namespace privfin::ledger
