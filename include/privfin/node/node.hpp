// privfin/node/node.hpp — a consensus node: the engine's runtime
// (consensus/runtime.hpp) in the real environment. The same Runtime and
// AppExecutor the simulator runs, with a message bus for the network
// (net/message_bus.hpp: TcpMessageBus between processes), a Store for the
// disk (ledger/: RocksDbStore in production) and the steady clock.
//
//   auto store = ledger::RocksDbStore::open(data_dir);
//   auto bus = net::TcpMessageBus::start(cluster, self);
//   consensus::BlsCrypto crypto(validators, my_bls_key);
//   consensus::apps::Payments app(chain_id);
//   Node node({.chain_id = chain_id}, genesis, self, crypto, *bus, *store, app);
//   node.start();                               // recovers the ledger and the safety record
//   while (!stop) node.poll(std::chrono::milliseconds(50));
//   auto verdict = node.submit(tx);             // mempool + gossip (poll's thread)
//
// What it does on each poll(): fires the timers that are due, then takes
// messages from the bus until none is waiting or max_wait has passed, and
// feeds each to the engine through the runtime. The engine's actions run
// here: Persist writes the safety record (SafetyStore, one synced write)
// before any later send leaves; Send/Broadcast go on the bus; the
// application's requests go to the AppExecutor, whose replies are fed back
// as inputs; Commit executes the block and writes block, certificate,
// results and state in one synced batch (LedgerAppStore); RequestSync asks
// the hinted peer for up to 64 blocks, and a peer's blocks are fed to the
// engine as BlockSynced (it checks each certificate); a peer's request
// for a snapshot or one of its chunks is answered from the ledger (state
// sync: NodeSettings::snapshot_interval, node/state_sync.hpp). Transactions:
// submit() runs check_tx and, if admitted, sends the transaction to every
// peer, which admits it in turn (de-duplicated by hash, not sent on);
// submit_many() sends what it admitted as one message, and it and the
// gossip of one poll turn announce their batch to the application first
// (Application::will_check: signatures checked in one batch equation).
// Evidence of equivocation is kept in the ledger (evidence()), counted
// (status()) and reported through NodeSettings::on_event, as are
// rejections. Other threads reach the node
// only through post() (the client API does).
//
// Restart: start() opens the ledger (a store that holds one is recovered:
// the tip's certificate re-verified, StoreCorruption if damaged), loads the
// safety record, and starts the engine from them, so a restarted node
// never signs a conflicting vote and catches up by block sync.
//
// Costs: per height, O(n) bus messages sent and received, 2n signature
// verifications, 3 synced safety writes per round and one synced batch per
// commit. Throws: InvalidArgument for a bad configuration (self outside the
// set, a crypto provider of another size); what the store throws
// (StoreError, StoreCorruption) — a node whose disk fails stops. A peer's
// bytes never throw: malformed ones are counted as rejections. Not
// thread-safe: one thread calls every member but post().
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "privfin/consensus/app_executor.hpp"
#include "privfin/consensus/application.hpp"
#include "privfin/consensus/crypto.hpp"
#include "privfin/consensus/hash32_map.hpp"
#include "privfin/consensus/runtime.hpp"
#include "privfin/consensus/tendermint.hpp"
#include "privfin/consensus/adversary.hpp"
#include "privfin/ledger/app_store.hpp"
#include "privfin/ledger/evidence_store.hpp"
#include "privfin/ledger/safety_store.hpp"
#include "privfin/ledger/wal_store.hpp"
#include "privfin/net/message_bus.hpp"
#include "privfin/node/genesis.hpp"
#include "privfin/node/metrics.hpp"
#include "privfin/node/wire.hpp"

namespace privfin::node {

using consensus::NodeId;
using consensus::TimePoint;

struct NodeSettings {
  std::string chain_id;
  // Timeouts and limits of the engine (chain_id, validators and self are
  // filled in by the node).
  consensus::TendermintConfig engine;
  // Another engine behind the same contract (e.g. Gosig): made by this
  // function from the genesis, this node's id and the crypto provider.
  // Unset: the Tendermint-form engine with `engine`'s settings.
  std::function<std::unique_ptr<consensus::Engine>(const consensus::Genesis&, consensus::NodeId, consensus::Crypto&)>
      make_engine;
  std::size_t mempool_max_txs = 10'000;
  std::size_t mempool_max_bytes = std::size_t{64} << 20;
  // Committed transactions a node without the transaction index keeps in
  // memory for find_committed (with the index, the ledger's serve).
  std::size_t remembered_txs = 100'000;
  // Whether the ledger keeps its transaction index
  // (ledger::OpenOptions::index_transactions), which find_committed reads
  // for a transaction older than the remembered ones. false: those answer
  // nullopt, and the node saves the index's CPU (about a quarter of it
  // under small commands).
  bool index_transactions = true;
  // The chain's genesis hash (GenesisDocument::hash()); unset: a hash of
  // the consensus::Genesis. Sent in every heartbeat: a peer with another
  // one is reported (on_event "peer") and its messages are ignored.
  std::optional<Hash32> genesis_hash;
  // Every peer gets a status message (genesis hash, height) this often; a
  // node that learns it is more than one height behind asks that peer for
  // blocks even before the engine does.
  std::chrono::milliseconds heartbeat_interval{1000};
  // State sync (node/state_sync.hpp): after every snapshot_interval-th
  // height the node stores a snapshot of the state (Ledger::take_snapshot;
  // 0: never) and keeps the last keep_snapshots of them, which it serves to
  // peers that ask. retain_heights > 0 prunes blocks and old state below
  // height - retain_heights, a little after each commit (Ledger::prune_step);
  // it must be at least snapshot_interval, so that a node restored from a
  // snapshot finds the blocks after it (InvalidArgument otherwise).
  Height snapshot_interval = 0;
  std::size_t keep_snapshots = 2;
  Height retain_heights = 0;
  // Called on the poll thread for what an operator wants to see: "commit",
  // "evidence", "rejected", "sync" with a one-line description.
  std::function<void(std::string_view what, const std::string& detail)> on_event;
  // Test-only: how this node misbehaves (consensus/adversary.hpp), so that
  // a cluster's tests and example 04 can watch the others catch it.
  // equivocate: as proposer, odd-numbered peers get another block, and
  // odd-numbered peers get each of its votes and a conflicting one;
  // double_vote: the votes only. On a Gosig chain (engine_kind) the same
  // with Gosig's messages: another block of its own for odd peers
  // (equivocate), and after each aggregate holding its signature, its vote
  // alone and one for another block (both behaviours;
  // consensus/adversary.hpp). Other behaviours are refused
  // (InvalidArgument). Never set it on a real validator.
  consensus::Behaviour behaviour = consensus::Behaviour::honest;
  // The engine's clock. false: steady, in ns since the node was made (the
  // Tendermint-form engine needs only local timeouts). true: the system
  // clock, in ns since the Unix epoch: Gosig cuts rounds by the clock from
  // the genesis time, so every node needs the same clock (use_chain_engine
  // sets it; keep the hosts' clocks NTP-synchronised).
  bool wall_clock = false;
  // The least time between this node's last commit and a block it
  // proposes: a chain with little to do then commits a block about this
  // often instead of empty blocks as fast as the votes go round (about 20
  // per second with 4 BLS validators). A request for a proposal waits
  // until then (the node's other work goes on). 0: no wait. It must stay
  // below the engine's first propose timeout (TendermintConfig::propose_base;
  // Gosig: stage_one), else the others would give up on the proposal
  // (InvalidArgument at construction for the Tendermint-form engine).
  std::chrono::milliseconds min_block_interval{0};
  // While it waits out min_block_interval, a proposer whose mempool holds
  // transactions and has not changed for this long proposes at once: a
  // burst of submissions (a client refilling its window after a commit)
  // has ended, and waiting longer only adds latency. Under a steady stream
  // the mempool keeps changing and the interval applies; after a commit
  // the quiet is counted from the commit, so leftovers alone do not cut a
  // block at once. 0: off. docs/node.md, "Pacing".
  std::chrono::milliseconds proposal_quiet{0};
  // Which engine's messages the node sends (the test-only behaviours
  // rewrite them); use_chain_engine sets it with make_engine.
  ChainEngine::Kind engine_kind = ChainEngine::Kind::tendermint;
};

// Sets `settings` up for the chain's engine (GenesisDocument::engine):
// nothing for the Tendermint-form engine; for Gosig, make_engine (ECVRF
// sortition over the genesis validators' vrf keys, with `vrf_secret` this
// node's ECVRF secret key), the wall clock and engine_kind. Throws
// InvalidArgument for Gosig without a VRF secret; the node's constructor then
// throws InvalidArgument if a validator has no VRF key or `vrf_secret` is
// not this validator's.
void use_chain_engine(NodeSettings& settings, const ChainEngine& engine, std::optional<SecretBytes> vrf_secret);

struct NodeStatus {
  Height height = 0;            // committed
  Hash32 app_hash;              // after `height`
  std::size_t mempool = 0;      // transactions waiting
  std::uint64_t rejections = 0; // peers' messages refused by the engine or the node
  std::uint64_t evidence = 0;   // equivocations seen
  std::uint64_t synced = 0;     // blocks received by block sync
  std::uint64_t sends_refused = 0;  // bus queue full
  std::uint64_t foreign_genesis = 0;  // messages from peers with another genesis, ignored
  // The message bus's counters, summed over the peers.
  std::uint64_t messages_sent = 0, messages_received = 0, bytes_sent = 0, bytes_received = 0;
};

// What Node::find_committed reads for a transaction it finds through the
// ledger's index: the result at `at` in the height's stored results
// (consensus::results_to_bytes, as AppExecutor writes them). Throws
// ledger::StoreCorruption when they are missing, do not decode, or hold
// no result at that position.
[[nodiscard]] consensus::TxResult stored_result(const ledger::Ledger& ledger,
                                                const ledger::Ledger::TransactionPosition& at);

class Node {
 public:
  Node(NodeSettings settings, consensus::Genesis genesis, NodeId self, consensus::Crypto& crypto,
       net::MessageBus& bus, ledger::Store& store, consensus::Application& app);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  void start();
  // One turn of the loop; waits up to max_wait for a message when nothing
  // else is due. Returns the number of inputs handled.
  std::size_t poll(std::chrono::milliseconds max_wait);

  // check_tx, then gossip to every peer if admitted.
  [[nodiscard]] consensus::TxVerdict submit(ByteView tx);
  // submit() of each, with the batch announced to the application first
  // (Application::will_check: the reference applications verify the
  // batch's signatures at once). The same verdicts as one by one.
  [[nodiscard]] std::vector<consensus::TxVerdict> submit_many(std::span<const Bytes> txs);
  [[nodiscard]] consensus::QueryResult query(std::string_view path, ByteView key, Height h, bool prove) const;
  [[nodiscard]] NodeStatus status() const;
  // Step times, rounds per height, missed rounds, commit latency, fsyncs
  // (node/metrics.hpp); the client API renders them at /metrics.
  [[nodiscard]] const NodeMetrics& metrics() const noexcept { return metrics_; }
  // Runs `task` on the poll thread at its next turn: how other threads (the
  // client API's) reach the node. Safe to call from any thread (as is
  // wait_for_height_above; nothing else is). Tasks still queued when the
  // node is destroyed are dropped.
  void post(std::function<void()> task);
  // Waits until the committed height exceeds `height` or `max_wait`
  // passed, and returns the committed height then (safe from any
  // thread): how a client learns of a commit the moment it
  // happens rather than by polling (GET /v1/status?wait_above=H).
  [[nodiscard]] Height wait_for_height_above(Height height, std::chrono::milliseconds max_wait) const;
  // Writes the ledger's held transaction-index entries (Ledger::flush_tx_index)
  // so that the next start need not read their blocks again: for a clean
  // stop (privfin-node calls it on SIGINT/SIGTERM). A crash loses nothing
  // without it. Throws the store's errors.
  void flush_tx_index() { app_store_.ledger().flush_tx_index(); }
  // A committed transaction, by SHA-256 of its bytes: where it is and its
  // result. From the ledger's transaction index (its newest entries held in
  // memory) and the height's stored results; a node without the index
  // (NodeSettings::index_transactions) remembers the last
  // `NodeSettings::remembered_txs` in memory and finds no older one.
  // Throws StoreCorruption for stored results that do not decode or hold
  // no result at that position.
  struct TxLocation {
    Height height = 0;
    std::size_t index = 0;
    consensus::TxResult result;
  };
  [[nodiscard]] std::optional<TxLocation> find_committed(const Hash32& tx_hash) const;
  [[nodiscard]] std::size_t peers_connected() const;
  // The evidence of equivocation this node found and kept (the ledger's
  // `evidence` column, ledger/evidence_store.hpp), from height `from` on.
  [[nodiscard]] std::vector<consensus::Evidence> evidence(Height from, std::size_t max) const;
  // The heights peers last reported in their heartbeats (0: not heard).
  [[nodiscard]] const std::vector<Height>& peer_heights() const noexcept { return peer_heights_; }
  [[nodiscard]] const std::string& chain_id() const noexcept { return settings_.chain_id; }
  [[nodiscard]] NodeId self() const noexcept { return self_; }
  [[nodiscard]] const ledger::Ledger& ledger() const { return app_store_.ledger(); }
  [[nodiscard]] const consensus::Engine& engine() const noexcept { return *engine_; }

  // The environment of Runtime<Env> (consensus/runtime.hpp); public for the
  // runtime's sake only.
  struct Env;

 private:
  [[nodiscard]] ledger::OpenOptions open_options(const ledger::Store& store);
  // After a commit: snapshots and pruning as the settings say.
  void maintain_ledger(Height committed);
  void publish_height(Height h);  // for wait_for_height_above
  void remember(const consensus::Decision& d, const consensus::FinalizeResult& result);
  void run_mailbox();
  void heartbeat();
  void input(const consensus::Input& in);
  void handle(std::size_t from, const Bytes& bytes);
  void fire_due_timers();
  [[nodiscard]] TimePoint now() const;
  void event(std::string_view what, const std::string& detail) const;
  // After each engine input: time per step and missed rounds.
  void observe_engine();
  void note_admitted(const Hash32& tx_hash);
  // A transaction this node admitted from a client: noted and sent to every peer.
  void gossip_admitted(ByteView tx);
  // Peers' gossiped transactions of this turn, admitted together after the
  // turn's messages (submit_many), so that their signatures are verified in
  // batches; at most the 1,024 messages a turn takes.
  void admit_gossiped();
  std::vector<Bytes> gossiped_;
  // Sends an engine message as settings_.behaviour says.
  void send_engine_message(NodeId to, const Bytes& payload);

  NodeSettings settings_;
  consensus::Genesis genesis_;
  NodeId self_;
  consensus::Crypto& crypto_;
  net::MessageBus& bus_;
  consensus::Application& app_;
  ledger::LedgerAppStore app_store_;
  ledger::SafetyStore safety_;
  ledger::WalStore wal_;
  ledger::EvidenceStore evidence_;
  std::unique_ptr<consensus::AppExecutor> executor_;
  std::unique_ptr<consensus::Engine> engine_;
  std::unique_ptr<Env> env_;
  std::unique_ptr<consensus::Runtime<Env>> runtime_;
  std::multimap<TimePoint, consensus::TimerId> timers_;
  std::set<consensus::TimerId> cancelled_;
  std::deque<consensus::Input> replies_;  // the application's replies, fed after the current step
  // A request for a proposal held back by min_block_interval, and when it is due.
  std::optional<std::pair<std::chrono::steady_clock::time_point, consensus::RequestProposal>> deferred_proposal_;
  void propose_when_due();
  // When a proposal may be made under min_block_interval: the interval has
  // passed (or pacing is off: proposal_due() is then the clock's epoch),
  // not yet, or not yet but the mempool already holds a full block (early)
  // or has been quiet for proposal_quiet (quiet).
  enum class Pace { now, wait, early, quiet };
  [[nodiscard]] std::chrono::steady_clock::time_point proposal_due() const;
  [[nodiscard]] Pace pace(std::chrono::steady_clock::time_point due, const consensus::RequestProposal& r) const;
  // When a quiet mempool lets the proposer go early (proposal_quiet); max() when it does not.
  [[nodiscard]] std::chrono::steady_clock::time_point quiet_due() const;
  // Counts a proposal made under min_block_interval by how it was made.
  void count_paced(Pace pace);
  std::uint64_t next_ticket_ = 1;
  NodeStatus counts_;
  std::chrono::steady_clock::time_point epoch_;
  std::mutex mailbox_mutex_;
  // The committed height for other threads (wait_for_height_above), set
  // after each commit on the poll thread.
  mutable std::mutex height_mutex_;
  mutable std::condition_variable height_changed_;
  Height published_height_ = 0;
  std::deque<std::function<void()>> mailbox_;
  // Flat hash maps of transaction hashes (consensus/hash32_map.hpp):
  // ordered maps of up to 100,000 hashes cost a loaded node 4% in memcmp,
  // node-based hash maps an allocation and a few cache misses per entry.
  consensus::Hash32Map<TxLocation> committed_txs_;
  std::deque<Hash32> committed_order_;
  Hash32 genesis_hash_;
  std::vector<Height> peer_heights_;
  std::vector<bool> foreign_;  // peers that sent another genesis hash
  std::chrono::steady_clock::time_point next_heartbeat_{};
  std::chrono::steady_clock::time_point last_sync_ask_{};
  bool started_ = false;
  NodeMetrics metrics_;
  // Where the engine was, and since when (observe_engine).
  Height seen_height_ = 0;
  consensus::Round seen_round_ = 0;
  std::uint8_t seen_step_ = 0;
  std::chrono::steady_clock::time_point seen_since_{};
  std::chrono::steady_clock::time_point last_commit_{};
  // proposal_quiet: the mempool's size when last looked at, and when it
  // last changed (or the last commit, if later).
  std::size_t mempool_seen_ = 0;
  std::chrono::steady_clock::time_point mempool_changed_{};
  // Admission times of transactions not yet committed (commit latency),
  // at most mempool_max_txs of them.
  consensus::Hash32Map<std::chrono::steady_clock::time_point> admitted_at_;
  std::deque<Hash32> admitted_order_;
};

}  // namespace privfin::node
