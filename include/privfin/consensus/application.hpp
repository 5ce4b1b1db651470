// privfin/consensus/application.hpp — the application interface (ABCI-like,
// after CometBFT's ABCI 2.0): what a ledger's business logic implements so
// that the consensus runtime can order, check and execute its transactions.
//
//   class MyApp final : public Application { ... };     // apps/kv_store.hpp, apps/payments.hpp
//   MemoryState state;                                  // or the ledger's RocksDB state
//   MyApp app;
//   app.init_chain(genesis, state.writer(0));           // height 0: the genesis state
//   auto verdict = app.check_tx(state.reader(), tx, CheckKind::fresh);
//   auto txs = app.prepare_proposal(context, mempool, max_bytes);   // proposer only
//   bool ok = app.process_proposal(state.reader(), context, txs);   // every node
//   auto writer = state.writer(h);                      // the ledger's batch for height h
//   auto result = app.finalize_block(block, writer);    // deterministic
//   state.commit(writer);  app.committed(h);            // durable, then told
//
// Design (docs/ledger.md, "The application interface"): an application is
// a pure function of the state it reads and the transactions it is given.
// It keeps no state of its own between calls: every read goes through a
// StateReader and every write of finalize_block through the StateWriter of
// that height, which the ledger commits in the same atomic batch as the
// block. So the application's height equals the ledger's by construction
// (no "app hash does not match after replay"), restart needs nothing from
// the application, and the ledger computes the app hash (the state root)
// and answers proofs. Queries read the versioned state of a retained height.
//
// Call order (checked by CallGrammar, app_grammar.hpp): init_chain once on
// a clean start (a recovering node starts with info()); then per height any
// number of check_tx, prepare_proposal only at a proposer, process_proposal
// any number of times (once per round it sees a proposal), then exactly one
// finalize_block and one committed, in height order. will_check (a hint
// that a batch is about to be checked, changing no verdict) may come
// anywhere and is outside the grammar.
//
// Errors: an application never throws for what a client or peer sends: a
// malformed or invalid transaction is a TxVerdict / TxResult with a code
// and a reason (and, in finalize_block, is skipped deterministically); it
// throws only for its own broken invariants (InvalidArgument for a genesis
// it cannot use). Thread safety: the runtime calls an application from one
// thread; check_tx may be called from the mempool's thread only if the
// application says so (the reference applications keep one piece of
// state, a cache of verified signatures, so theirs may not: give each
// thread its own instance).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/consensus/types.hpp"

namespace privfin::consensus {

// Reads the application state at one height (the latest committed one, or
// the height being executed, including its writes so far).
class StateReader {
 public:
  virtual ~StateReader() = default;
  [[nodiscard]] virtual std::optional<Bytes> get(ByteView key) const = 0;
};

// The writes of one height; they become visible to get() at once and
// durable only when the ledger commits the height's batch. Keys are at
// most max_key_size bytes, values at most max_value_size (InvalidArgument).
class StateWriter : public StateReader {
 public:
  static constexpr std::size_t max_key_size = 1024;
  static constexpr std::size_t max_value_size = std::size_t{1} << 20;
  virtual void put(ByteView key, ByteView value) = 0;
  virtual void erase(ByteView key) = 0;
};

// The state of every retained height, for queries.
class VersionedState {
 public:
  virtual ~VersionedState() = default;
  [[nodiscard]] virtual Height latest_height() const = 0;
  // The value of `key` after height `h`; InvalidArgument for a height not retained.
  [[nodiscard]] virtual std::optional<Bytes> get(ByteView key, Height h) const = 0;
  // A proof of get(key, h) against the app hash of height h, in the
  // ledger's proof format (docs/ledger.md); empty when the store keeps no
  // authenticated state (MemoryState).
  [[nodiscard]] virtual Bytes prove(ByteView key, Height h) const = 0;
};

struct Genesis {
  std::string chain_id;
  ValidatorSet validators;
  Bytes app_state;  // the application's own genesis document (e.g. opening balances)
  TimePoint time = 0;
};

struct InitResult {
  std::optional<ValidatorSet> validators;  // replaces the genesis set when present
};

enum class CheckKind : std::uint8_t {
  fresh = 1,    // a transaction entering the mempool
  recheck = 2,  // a mempool transaction again, after a block was committed
};

// Result codes shared by check_tx and finalize_block; 0 is success,
// anything else is the application's (the reference applications use these).
enum class TxCode : std::uint32_t {
  ok = 0,
  malformed = 1,          // does not decode
  bad_signature = 2,      // signature does not verify
  bad_nonce = 3,          // not the signer's next nonce (replay or gap)
  insufficient_funds = 4, // a transfer above the balance (overdraft)
  unknown_account = 5,
  invalid = 6,            // anything else the rules forbid
  // Not the application's: the node's mempool is at its limit (count or
  // bytes). Nothing is wrong with the transaction; send it again later.
  mempool_full = 7,
};

struct TxVerdict {
  TxCode code = TxCode::ok;
  std::string reason;  // for a refused transaction: why, without secrets
  [[nodiscard]] bool ok() const noexcept { return code == TxCode::ok; }
  friend bool operator==(const TxVerdict&, const TxVerdict&) = default;
};
using TxResult = TxVerdict;

// The block a node is asked about or executes.
struct BlockContext {
  std::string chain_id;
  Height height = 0;
  TimePoint time = 0;
  NodeId proposer = 0;
};

struct DecidedBlock {
  BlockContext context;
  Hash32 hash;
  std::vector<Bytes> txs;
};

struct FinalizeResult {
  std::vector<TxResult> results;                 // one per transaction, in order
  // Weight changes of members (types.hpp, ValidatorChange), in force from
  // height + 2 on; AppExecutor applies them to the set of height + 1 and
  // throws InvalidValidatorUpdate for an unknown or repeated key, so an
  // application checks them at check_tx (the payments application does).
  std::vector<ValidatorChange> validator_changes;
};

struct QueryResult {
  TxCode code = TxCode::ok;
  std::string reason;
  Height height = 0;
  std::optional<Bytes> value;
  Bytes proof;  // VersionedState::prove, when asked for
};

// A snapshot of the state at a committed height, for state sync
// (ledger/snapshot.hpp). The reference applications keep no state outside
// the ledger, so the ledger snapshots, serves and verifies its own state;
// an application may still veto a snapshot or a format it cannot read.
struct SnapshotMeta {
  Height height = 0;
  std::uint32_t format = 0;
  std::uint32_t chunks = 0;
  Hash32 hash;     // of `metadata` (the ledger's: SHA-256 of its manifest)
  Bytes metadata;  // the ledger's manifest: the chunks' hashes
  friend bool operator==(const SnapshotMeta&, const SnapshotMeta&) = default;
};
enum class OfferResult : std::uint8_t { accept, reject, reject_format };
// What became of one chunk (after ABCI's ApplySnapshotChunk results).
enum class ApplyChunkResult : std::uint8_t {
  accept,           // used; ask for the next
  retry_chunk,      // refused (wrong, reordered, damaged): fetch this chunk again, from another peer
  reject_snapshot,  // the snapshot as a whole is bad (its root is not the certified app hash): try another
  abort,            // the restore cannot go on (the local store failed)
};
struct ChunkVerdict {
  ApplyChunkResult result = ApplyChunkResult::accept;
  std::string reason;  // for a refusal: which chunk and why
};

// The snapshots a node keeps (the ledger's LedgerAppStore), as served to peers.
class SnapshotSource {
 public:
  virtual ~SnapshotSource() = default;
  [[nodiscard]] virtual std::vector<SnapshotMeta> list_snapshots() const = 0;
  // nullopt: no such snapshot or chunk.
  [[nodiscard]] virtual std::optional<Bytes> load_snapshot_chunk(Height height, std::uint32_t format,
                                                                 std::uint32_t index) const = 0;
};

// A restore in progress at a joining node (ledger::LedgerSnapshotSink).
class SnapshotSink {
 public:
  virtual ~SnapshotSink() = default;
  virtual ChunkVerdict apply_snapshot_chunk(std::uint32_t index, ByteView chunk) = 0;
};

class Application {
 public:
  virtual ~Application() = default;
  // Writes the genesis state (height 0) through `state`.
  virtual InitResult init_chain(const Genesis& genesis, StateWriter& state) = 0;
  // Whether a transaction may enter (or stay in) the mempool, against the
  // latest committed state.
  [[nodiscard]] virtual TxVerdict check_tx(const StateReader& state, ByteView tx, CheckKind kind) const = 0;
  // A hint that these transactions are about to be checked (a client's
  // batch, a turn's worth of peers' gossip), so that the application can
  // do shared work at once, such as verifying their signatures in one
  // batch. It must not change any verdict, only what the verdicts cost.
  // The default does nothing.
  virtual void will_check(std::span<const Bytes> txs) const { (void)txs; }
  // At the proposer: the transactions of its proposal, from the mempool in
  // order, at most max_bytes in all (the default takes a prefix that fits).
  [[nodiscard]] virtual std::vector<Bytes> prepare_proposal(const BlockContext& context, std::span<const Bytes> mempool,
                                                            std::size_t max_bytes) const;
  // At every node, deterministic: whether a proposal may be voted for. The
  // default accepts (invalid transactions are then skipped in
  // finalize_block, as ABCI recommends).
  [[nodiscard]] virtual bool process_proposal(const StateReader& state, const BlockContext& context,
                                              std::span<const Bytes> txs) const;
  // Deterministic execution of a decided block: reads and writes only
  // through `state` (the ledger's batch for this height).
  virtual FinalizeResult finalize_block(const DecidedBlock& block, StateWriter& state) const = 0;
  // The height's batch is durable.
  virtual void committed(Height height) { (void)height; }
  // A read of `key` under `path` at height h (0: the latest).
  [[nodiscard]] virtual QueryResult query(const VersionedState& state, std::string_view path, ByteView key, Height h,
                                          bool prove) const = 0;
  // State sync, the four calls (ABCI's). The defaults hand them to the
  // ledger, which snapshots and checks the state on the application's
  // behalf; an application that keeps state of its own overrides them.
  // Serving side: the snapshots this node offers, and one chunk of one.
  [[nodiscard]] virtual std::vector<SnapshotMeta> list_snapshots(const SnapshotSource& snapshots) const {
    return snapshots.list_snapshots();
  }
  [[nodiscard]] virtual std::optional<Bytes> load_snapshot_chunk(const SnapshotSource& snapshots, Height height,
                                                                 std::uint32_t format, std::uint32_t index) const {
    return snapshots.load_snapshot_chunk(height, format, index);
  }
  // Joining side: the application's say on a snapshot a peer offers (the
  // ledger checks the manifest and the app hash itself), then each chunk.
  [[nodiscard]] virtual OfferResult offer_snapshot(const SnapshotMeta& snapshot, const Hash32& trusted_app_hash) const {
    (void)snapshot;
    (void)trusted_app_hash;
    return OfferResult::accept;
  }
  virtual ChunkVerdict apply_snapshot_chunk(SnapshotSink& restore, std::uint32_t index, ByteView chunk) const {
    return restore.apply_snapshot_chunk(index, chunk);
  }
};

// A block's results as stored with it: version 1, varint count, then per
// transaction varint code and string reason (at most 1024 bytes, cut).
inline constexpr std::uint8_t results_format_version = 1;
[[nodiscard]] Bytes results_to_bytes(const FinalizeResult& results);
[[nodiscard]] std::vector<TxResult> results_from_bytes(ByteView bytes, std::size_t max_count = 1 << 20);

// A block body as a list of transactions: version 1, varint count, then
// each transaction as bytes (varint length, the bytes). from_bytes throws
// DecodeError for any defect, a count above max_count or a transaction
// above max_tx bytes, before allocating for it.
inline constexpr std::uint8_t transactions_format_version = 1;
[[nodiscard]] Bytes transactions_to_bytes(std::span<const Bytes> txs);
[[nodiscard]] std::vector<Bytes> transactions_from_bytes(ByteView body, std::size_t max_count = 1 << 20,
                                                         std::size_t max_tx = 1 << 20);
// The same decoding, as views into `body` (valid while body is): no copy
// of the transactions. The encoding is canonical (shortest varints, nothing
// after), so a body that decodes is exactly transactions_to_bytes of them.
[[nodiscard]] std::vector<ByteView> transaction_views(ByteView body, std::size_t max_count = 1 << 20,
                                                      std::size_t max_tx = 1 << 20);

}  // namespace privfin::consensus
