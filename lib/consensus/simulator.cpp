// The deterministic simulator (simulator.hpp): a discrete-event loop in
// virtual time, in the manner of TigerBeetle's VOPR and FoundationDB's
// simulation: the real engine and the real Runtime, with the network, the
// disk, the clocks and the CPU replaced.
#include "privfin/consensus/simulator.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <queue>
#include <set>
#include <unordered_set>
#include <sstream>
#include <string_view>

#include "privfin/consensus/app_executor.hpp"
#include "privfin/consensus/apps/kv_store.hpp"
#include "privfin/consensus/apps/payments.hpp"
#include "privfin/consensus/runtime.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::consensus {

std::string_view to_string(SimEngine e) noexcept {
  switch (e) {
    case SimEngine::tendermint: return "tendermint";
    case SimEngine::gosig: return "gosig";
  }
  return "?";
}

std::string_view to_string(WritePoint p) noexcept {
  switch (p) {
    case WritePoint::safety_before_durable: return "safety-before-durable";
    case WritePoint::safety_after_durable: return "safety-after-durable";
    case WritePoint::commit_before_store: return "commit-before-store";
    case WritePoint::commit_after_store: return "commit-after-store";
  }
  return "?";
}

namespace {

// A 64-bit fingerprint of a message, to log each one in the simulated WAL
// once (a collision only leaves a message out of the replay, as the WAL's
// entry limit may).
std::uint64_t payload_fingerprint(const Bytes& payload) {
  return std::hash<std::string_view>{}(
      std::string_view(reinterpret_cast<const char*>(payload.data()), payload.size()));
}

constexpr TimePoint ms = 1'000'000;

constexpr TimePoint step_cost = 20'000;  // bookkeeping per step, beyond crypto

// A reference application that also changes validator weights at the
// heights SimConfig::validator_change_every picks (the plan), as a
// consortium's governance transactions would.
class ChangingWeights final : public Application {
 public:
  using Plan = std::function<std::vector<ValidatorChange>(Height)>;
  ChangingWeights(std::unique_ptr<Application> inner, Plan plan) : inner_(std::move(inner)), plan_(std::move(plan)) {}
  InitResult init_chain(const Genesis& genesis, StateWriter& state) override { return inner_->init_chain(genesis, state); }
  [[nodiscard]] TxVerdict check_tx(const StateReader& state, ByteView tx, CheckKind kind) const override {
    return inner_->check_tx(state, tx, kind);
  }
  void will_check(std::span<const Bytes> txs) const override { inner_->will_check(txs); }
  [[nodiscard]] std::vector<Bytes> prepare_proposal(const BlockContext& context, std::span<const Bytes> mempool,
                                                    std::size_t max_bytes) const override {
    return inner_->prepare_proposal(context, mempool, max_bytes);
  }
  [[nodiscard]] bool process_proposal(const StateReader& state, const BlockContext& context,
                                      std::span<const Bytes> txs) const override {
    return inner_->process_proposal(state, context, txs);
  }
  FinalizeResult finalize_block(const DecidedBlock& block, StateWriter& state) const override {
    FinalizeResult r = inner_->finalize_block(block, state);
    r.validator_changes = plan_(block.context.height);
    return r;
  }
  void committed(Height height) override { inner_->committed(height); }
  [[nodiscard]] QueryResult query(const VersionedState& state, std::string_view path, ByteView key, Height h,
                                  bool prove) const override {
    return inner_->query(state, path, key, h, prove);
  }

 private:
  std::unique_ptr<Application> inner_;
  Plan plan_;
};

Prg::Seed root_seed(std::uint64_t seed) {
  Prg::Seed s{};
  for (std::size_t i = 0; i < 8; ++i) s[i] = static_cast<std::byte>((seed >> (8 * i)) & 0xFFU);
  s[15] = std::byte{0x5C};
  return s;
}

// Uniform in [0, bound) from a Prg (bound > 0); slightly biased, which a
// test scheduler does not mind.
std::uint64_t below(Prg& prg, std::uint64_t bound) { return bound == 0 ? 0 : prg.next_u64() % bound; }
double unit(Prg& prg) { return static_cast<double>(prg.next_u64() >> 11) / 9007199254740992.0; }
bool chance(Prg& prg, double p) { return p > 0 && unit(prg) < p; }
TimePoint between(Prg& prg, TimePoint lo, TimePoint hi) {
  return hi <= lo ? lo : lo + static_cast<TimePoint>(below(prg, static_cast<std::uint64_t>(hi - lo)));
}

std::string fmt_time(TimePoint t) {
  std::ostringstream o;
  o << t / ms << "." << (t % ms) / 1000 << "ms";
  return o.str();
}

std::string describe_message(ByteView payload, const Limits& limits) {
  try {
    const auto m = Message::from_bytes(payload, limits);
    std::ostringstream o;
    if (const auto* p = std::get_if<Proposal>(&m.body)) {
      o << "proposal h=" << p->height() << " r=" << p->round << " block " << p->block.hash().short_hex();
      if (p->valid_round) o << " vr=" << *p->valid_round;
    } else if (const auto* v = std::get_if<Vote>(&m.body)) {
      o << (v->type == VoteType::prevote ? "prevote" : "precommit") << " by " << v->voter << " h=" << v->height << " r=" << v->round << " "
        << (v->block ? v->block->short_hex() : std::string("nil"));
    } else {
      const auto& d = std::get<Decision>(m.body);
      o << "decision h=" << d.block.header.height << " block " << d.block.hash().short_hex();
    }
    return o.str();
  } catch (const DecodeError&) {
  }
  try {
    const auto m = GosigMessage::from_bytes(payload, limits);
    std::ostringstream o;
    if (const auto* p = std::get_if<GosigProposal>(&m.body)) {
      o << "gosig proposal by " << p->proposer << " h=" << p->height() << " r=" << p->round << " block "
        << p->block.hash().short_hex();
      if (p->justification) o << " cert r=" << p->justification->round;
    } else if (const auto* a = std::get_if<AggregateVote>(&m.body)) {
      std::size_t signers = 0;
      for (auto c : a->counts) signers += c > 0 ? 1 : 0;
      o << (a->type == VoteType::prevote ? "P" : "TC") << " h=" << a->height << " r=" << a->round << " "
        << a->block.short_hex() << " signers " << signers;
    } else if (const auto* c = std::get_if<BodyChunk>(&m.body)) {
      o << "chunk " << c->index << " of " << c->block.short_hex() << " h=" << c->height << " r=" << c->round;
    } else if (const auto* hv = std::get_if<ChunkHave>(&m.body)) {
      o << "have-map of " << hv->block.short_hex() << " holding "
        << std::count(hv->chunks.begin(), hv->chunks.end(), true) << " of " << hv->chunks.size();
    } else if (const auto* wt = std::get_if<ChunkWant>(&m.body)) {
      o << "request for " << std::count(wt->chunks.begin(), wt->chunks.end(), true) << " chunks of "
        << wt->block.short_hex();
    } else if (const auto* dh = std::get_if<DecidedHeader>(&m.body)) {
      o << "decided header h=" << dh->header.height << " block " << dh->certificate.block.short_hex();
    } else {
      o << "decision h=" << std::get<Decision>(m.body).block.header.height;
    }
    return o.str();
  } catch (const DecodeError&) {
    return "malformed (" + std::to_string(payload.size()) + " bytes)";
  }
}

enum class EventKind : std::uint8_t { deliver, timer, durable, app_reply, crash, restart, wake, corrupt };

struct Event {
  TimePoint at = 0;
  std::uint64_t seq = 0;
  EventKind kind = EventKind::deliver;
  NodeId node = 0;
  NodeId from = 0;
  std::uint64_t incarnation = 0;
  std::uint64_t id = 0;  // timer id or write ticket
  Bytes payload;
  std::shared_ptr<Input> input;  // app replies
  bool amnesia = false;
};
// The client load's bodies (SimConfig::load_tx_per_s): "tx|L", the first
// transaction's sequence number and the count (u64 each), then 16 bytes a
// transaction: its sequence number and a filler drawn from it.
constexpr std::size_t load_tx_memory_bytes = 16;
constexpr std::size_t load_header_bytes = 20;
constexpr Height kept_load_bodies = 4;
constexpr std::size_t large_load_body = std::size_t{1} << 20;

Bytes load_body(std::uint64_t first, std::uint64_t count) {
  Writer w;
  w.raw(as_bytes(std::string_view("tx|L"))).u64(first).u64(count);
  for (std::uint64_t s = first; s < first + count; ++s) w.u64(s).u64(s * 0x9E3779B97F4A7C15ULL);
  return std::move(w).take();
}

struct LoadSpan {
  std::uint64_t first = 0;
  std::uint64_t count = 0;
};
std::optional<LoadSpan> parse_load_body(ByteView body) {
  if (body.size() < load_header_bytes || std::memcmp(body.data(), "tx|L", 4) != 0) return std::nullopt;
  Reader r(body.subspan(4));
  LoadSpan span{r.u64("first"), r.u64("count")};
  if (span.count != (body.size() - load_header_bytes) / load_tx_memory_bytes ||
      (body.size() - load_header_bytes) % load_tx_memory_bytes != 0) {
    return std::nullopt;
  }
  return span;
}

struct Later {
  bool operator()(const Event& a, const Event& b) const { return a.at != b.at ? a.at > b.at : a.seq > b.seq; }
};

class Simulation;

// The Env of Runtime<NodeEnv>: what one node's runtime sees of the world.
struct NodeEnv {
  Simulation* sim;
  NodeId id;  // the instance (a process); Simulation::validator_of gives its key
  std::uint64_t write_safety(const SafetyRecord& rec);
  void send(NodeId to, const Bytes& payload);
  void broadcast(const Bytes& payload);
  void set_timer(TimerId id, TimePoint at);
  void cancel_timer(TimerId id);
  void request_proposal(const RequestProposal& r);
  void request_validate(const RequestValidate& r);
  void request_sync(const RequestSync& r);
  void commit(const Decision& d);
  void evidence(const Evidence& e);
  void rejected(const Rejection& r);
  void metric(const Metric& m);
};

// The consensus WAL as privfin-node keeps it (ledger/wal_store.hpp): the
// messages received at the height a node works on, each logged once before
// the engine sees it, at most 4,096 (WalStore::max_entries), replayed after
// a restart. Appends are unsynced: an entry is durable once a safety write
// issued after it is durable (RocksDB keeps one log for every column
// family); a crash loses the rest. Cleared at each commit.
class SimWal {
 public:
  void log(NodeId from, const Bytes& payload) {
    if (entries_.size() < max_entries && logged_.emplace(from, payload_fingerprint(payload)).second) {
      entries_.emplace_back(from, payload);
    }
  }
  // A safety write `ticket` is issued: it covers every entry logged so far.
  void write_issued(std::uint64_t ticket) { covered_[ticket] = entries_.size(); }
  // Safety writes up to `ticket` are durable.
  void writes_durable(std::uint64_t ticket) {
    for (auto m = covered_.begin(); m != covered_.end() && m->first <= ticket; m = covered_.erase(m)) {
      durable_ = std::max(durable_, std::min(m->second, entries_.size()));
    }
  }
  void crash() {
    entries_.resize(durable_);
    logged_.clear();
    for (const auto& [from, payload] : entries_) logged_.emplace(from, payload_fingerprint(payload));
    covered_.clear();
  }
  void clear() { *this = SimWal{}; }
  [[nodiscard]] const std::vector<std::pair<NodeId, Bytes>>& entries() const { return entries_; }

 private:
  static constexpr std::size_t max_entries = 4096;
  std::vector<std::pair<NodeId, Bytes>> entries_;
  struct PairHash {
    std::size_t operator()(const std::pair<NodeId, std::uint64_t>& k) const noexcept {
      return static_cast<std::size_t>(k.second ^ (std::uint64_t{k.first} * 0x9E3779B97F4A7C15ULL));
    }
  };
  std::unordered_set<std::pair<NodeId, std::uint64_t>, PairHash> logged_;  // sender, payload_fingerprint
  std::size_t durable_ = 0;
  std::map<std::uint64_t, std::size_t> covered_;  // safety write ticket -> entries logged when issued
};

struct SimNode {
  Behaviour behaviour = Behaviour::honest;
  bool up = true;
  bool halted = false;  // crashed at a write point: acts no more until the crash event tears it down
  std::uint64_t incarnation = 0;
  std::unique_ptr<Crypto> crypto;
  std::unique_ptr<CandidateSortition> sortition;  // Gosig
  std::unique_ptr<Engine> engine;
  std::unique_ptr<NodeEnv> env;
  std::unique_ptr<Runtime<NodeEnv>> runtime;
  // disk: the durable record and the writes in flight
  std::optional<Bytes> durable_record;
  std::deque<std::pair<std::uint64_t, Bytes>> pending;
  std::uint64_t next_ticket = 1;
  SimWal wal;  // messages received at this height, replayed after a restart
  // ledger and application state (synchronously durable in this issue)
  std::vector<Decision> ledger;
  TimePoint first_commit_after_heal = -1;  // virtual time of its first commit at or after fault_end
  std::vector<Hash32> app_hashes{Hash32{}};  // app_hashes[h]: state after height h
  // A reference application (SimConfig::application): its store is disk,
  // the executor (mempool, call grammar) lives and dies with the process.
  std::unique_ptr<Application> app;
  std::shared_ptr<AppStore> store;  // SimConfig::make_app_store, or a MemoryAppStore
  std::unique_ptr<AppExecutor> executor;
  std::set<TimerId> cancelled;
  TimePoint clock_offset = 0;
  std::int64_t drift_ppm = 0;
  TimePoint busy_until = 0;
  // Inputs that arrived while the CPU was busy, in arrival order, and whether
  // a wake event is queued for when it is free (one event per wait, not one
  // re-queued event per waiting input: a CPU-bound node's backlog would
  // otherwise cost its length at every step).
  std::deque<Event> inbox;
  std::vector<std::size_t> inbox_from;  // queued messages per sender
  bool wake_pending = false;
  TimePoint link_free = 0;
  TimePoint inbound_free = 0;       // the downlink, while clogged
  std::vector<bool> silent_to;      // selective_silence: peers never sent to
  std::vector<Bytes> sent_history;  // replay behaviour
  Bytes last_observed;              // the checkers' last look at what it sent
};

class Simulation {
 public:
  explicit Simulation(const SimConfig& cfg);
  SimResult run();

  // NodeEnv callbacks
  std::uint64_t write_safety(NodeId id, const SafetyRecord& rec);
  [[nodiscard]] bool halted(NodeId id) const { return nodes_[id].halted; }
  void send(NodeId from, NodeId to, const Bytes& payload);
  void set_timer(NodeId id, TimerId timer, TimePoint at_local);
  void cancel_timer(NodeId id, TimerId timer) { nodes_[id].cancelled.insert(timer); }
  void app_reply(NodeId id, Input in, TimePoint extra_delay = 0);
  void request_proposal(NodeId id, const RequestProposal& r);
  void request_validate(NodeId id, const RequestValidate& r);
  void commit(NodeId id, const Decision& d);
  void request_sync(NodeId id, const RequestSync& r);
  void count_rejection(NodeId id, const Rejection& r) {
    ++result_.rejections;
    if (r.cause == RejectionCause::invalid_proof) ++result_.invalid_proofs;
    if (cfg_.log) log(id, "rejected: " + r.describe());
  }
  // Evidence must verify and name a validator that is not honest.
  void check_evidence(NodeId by, const Evidence& e) {
    ++result_.evidence;
    if (!verify_evidence(*checker_crypto_, validators_, chain_id_, e)) {
      violation("node " + std::to_string(by) + " reported evidence that does not verify");
    } else if (e.first.voter < cfg_.n && honest(e.first.voter)) {
      violation("node " + std::to_string(by) + " reported evidence against honest validator " +
                std::to_string(e.first.voter));
    }
  }
  void count_metric(const Metric& m) {
    if (m.id != MetricId::rounds_for_height) return;
    result_.rounds += static_cast<std::uint64_t>(m.value);
    ++result_.commits;
  }
  // To every validator but the sender's own (a twin's key is its validator's).
  void broadcast(NodeId from, const Bytes& payload) {
    if (cfg_.log) log(from, "-> all: " + describe_message(payload, limits_));
    const NodeId self = validator_of(from);
    for (NodeId to = 0; to < cfg_.n; ++to) {
      if (to != self) send(from, to, payload);
    }
  }
  // SimConfig::sends_after_cpu: the messages of the step being processed
  // wait here (a broadcast once, nullopt) until its cost is known.
  [[nodiscard]] bool holding(NodeId id) const { return holding_ == id; }
  void hold(std::optional<NodeId> to, const Bytes& payload) { held_.emplace_back(to, payload); }
  void release_held(NodeId id, std::uint64_t incarnation);

 private:
  void push(Event e) {
    e.seq = next_seq_++;
    queue_.push(std::move(e));
  }
  TimePoint local_time(const SimNode& n, TimePoint t) const {
    return t + n.clock_offset + t / 1'000'000 * n.drift_ppm;
  }
  void boot(NodeId id, bool amnesia);
  void crash(NodeId id);
  [[nodiscard]] bool app_mode() const noexcept { return cfg_.application != SimApplication::stand_in; }
  // The client load (SimConfig::load_tx_per_s).
  [[nodiscard]] bool load_on() const noexcept { return cfg_.load_tx_per_s > 0; }
  [[nodiscard]] std::uint64_t load_arrived(TimePoint t) const noexcept;
  [[nodiscard]] std::uint64_t load_next(const SimNode& node) const;
  [[nodiscard]] std::int64_t wire_size(const Bytes& payload) const noexcept;
  // Crash plans and write-point crashes are the only ways a node restarts.
  [[nodiscard]] bool restarts_possible() const noexcept { return !cfg_.crashes.empty() || cfg_.crash_at_write > 0; }
  void submit_client_txs();
  bool crash_here(NodeId id, WritePoint point);
  void check_chains();
  void handle(const Event& e);
  [[nodiscard]] bool stale(const Event& e);
  void process(const Event& e);
  void wake_when_free(NodeId id);
  void trace(const Event& e);
  void transmit(NodeId from, NodeId to, const Bytes& payload);
  TimePoint vote_hold(NodeId from, const Bytes& payload);
  bool cut(NodeId from, NodeId to) const;
  void byzantine_send(NodeId from, NodeId to, const Bytes& payload);
  Bytes with_bad_signature(NodeId from, const Bytes& payload);
  void observe_signed(NodeId from, const Bytes& payload);
  void observe_gosig(NodeId from, const Bytes& payload);
  void observe_vote(NodeId from, VoteType type, Height height, Round round, const std::optional<Hash32>& block);
  void byzantine_send_gosig(NodeId from, NodeId to, const Bytes& payload);
  void check_liveness();
  void prune_checkers();
  void violation(const std::string& what) {
    if (result_.violations.size() < 16) result_.violations.push_back("t=" + fmt_time(now_) + ": " + what);
  }
  void log(NodeId id, const std::string& line) {
    if (cfg_.log) result_.log.push_back(fmt_time(now_) + " node " + std::to_string(id) + ": " + line);
  }
  // `id` is an instance (a process); below n it is the validator of that id.
  [[nodiscard]] bool honest(NodeId id) const { return nodes_[id].behaviour == Behaviour::honest && !twinned_[validator_of(id)]; }
  [[nodiscard]] NodeId validator_of(NodeId instance) const {
    return instance < cfg_.n ? instance : cfg_.twins[instance - cfg_.n];
  }
  [[nodiscard]] std::size_t instances() const noexcept { return cfg_.n + cfg_.twins.size(); }

  SimConfig cfg_;
  Limits limits_;  // every decoder's, with room for cfg_.n validators
  Prg network_, disk_, workload_, adversary_;
  // Reference applications: the clients (bank accounts, or key-value
  // writers), their next nonces, and the genesis every node starts from.
  std::vector<sig::Ed25519SecretKey> clients_;
  std::vector<std::uint64_t> client_nonce_;
  Genesis genesis_;
  std::shared_ptr<const SymbolicKeys> keys_;
  std::vector<sig::bls12_381::SecretKey> bls_keys_;
  std::shared_ptr<const std::vector<Bytes>> vrf_public_;  // Gosig's ECVRF keys, shared by every node's sortition
  std::vector<SecretBytes> vrf_secret_;
  ValidatorSet validators_;
  std::unique_ptr<Crypto> checker_crypto_;
  std::string chain_id_;
  std::vector<SimNode> nodes_;
  std::vector<std::vector<TimePoint>> latency_, jitter_;
  std::map<std::pair<NodeId, NodeId>, TimePoint> clogged_link_free_;
  std::priority_queue<Event, std::vector<Event>, Later> queue_;
  std::uint64_t next_seq_ = 0;
  TimePoint now_ = 0;
  std::optional<NodeId> holding_;  // SimConfig::sends_after_cpu: the node whose step runs
  std::vector<std::pair<std::optional<NodeId>, Bytes>> held_;
  Sha256 trace_;
  SimResult result_;
  // checker state
  std::map<Height, Hash32> decided_;
  std::map<Height, ValidatorSet> expected_sets_;  // changed sets, by the first height they sign
  [[nodiscard]] const ValidatorSet& set_at(Height h) const {
    const auto it = expected_sets_.upper_bound(h);
    return it == expected_sets_.begin() ? validators_ : std::prev(it)->second;
  }
  [[nodiscard]] std::vector<ValidatorChange> planned_changes(Height h) const;
  void corrupt_after_proposal(NodeId from, const Bytes& payload);
  std::size_t adaptive_left_ = 0;  // corruptions the adaptive adversary may still make
  std::set<NodeId> corrupting_;    // nodes it picked
  std::map<Height, Hash32> app_after_;
  std::map<std::tuple<NodeId, Height, Round, int>, std::optional<Hash32>> signed_;
  // Who prepared (prevoted) each (height, round, block), one bit per validator.
  std::map<std::tuple<Height, Round, Hash32>, std::vector<bool>> prevotes_;
  [[nodiscard]] std::vector<bool>& prevoters(Height h, Round r, const Hash32& block) {
    auto& bits = prevotes_[{h, r, block}];
    if (bits.empty()) bits.assign(cfg_.n, false);
    return bits;
  }
  std::map<std::pair<NodeId, Height>, std::pair<Round, Hash32>> locks_;
  // what the stale-proposer adversary knows: prevotes by (height, round, block), and blocks
  std::map<std::tuple<Height, Round, Hash32>, std::map<NodeId, Bytes>> pols_;
  std::map<Hash32, Block> blocks_;
  std::map<std::tuple<Height, Round, Hash32>, AggregateVote> gosig_pcerts_;  // Gosig prepare certificates seen
  std::vector<bool> twinned_;  // per validator: it has a twin instance
  Height pruned_below_ = 0;
  bool liveness_armed_ = false;
  Height liveness_goal_ = 0;
};

// ------------------------------------------------------------ env glue

// A node halted at a write point does nothing more: what its runtime still
// executes of that step is lost with the crash.
std::uint64_t NodeEnv::write_safety(const SafetyRecord& rec) { return sim->halted(id) ? 0 : sim->write_safety(id, rec); }
void NodeEnv::send(NodeId to, const Bytes& payload) {
  if (sim->halted(id)) return;
  if (sim->holding(id)) return sim->hold(to, payload);
  sim->send(id, to, payload);
}
void NodeEnv::broadcast(const Bytes& payload) {
  if (sim->halted(id)) return;
  if (sim->holding(id)) return sim->hold(std::nullopt, payload);
  sim->broadcast(id, payload);
}
void NodeEnv::set_timer(TimerId t, TimePoint at) {
  if (!sim->halted(id)) sim->set_timer(id, t, at);
}
void NodeEnv::cancel_timer(TimerId t) { sim->cancel_timer(id, t); }
void NodeEnv::request_proposal(const RequestProposal& r) {
  if (!sim->halted(id)) sim->request_proposal(id, r);
}
void NodeEnv::request_validate(const RequestValidate& r) {
  if (!sim->halted(id)) sim->request_validate(id, r);
}
void NodeEnv::commit(const Decision& d) {
  if (!sim->halted(id)) sim->commit(id, d);
}
void NodeEnv::request_sync(const RequestSync& r) {
  if (!sim->halted(id)) sim->request_sync(id, r);
}
void NodeEnv::evidence(const Evidence& e) { sim->check_evidence(id, e); }
void NodeEnv::metric(const Metric& m) {
  if (!sim->halted(id)) sim->count_metric(m);
}
void NodeEnv::rejected(const Rejection& r) { sim->count_rejection(id, r); }

// ------------------------------------------------------------ set-up

Simulation::Simulation(const SimConfig& cfg)
    : cfg_(cfg),
      network_(Prg(root_seed(cfg.seed)).derive("network")),
      disk_(Prg(root_seed(cfg.seed)).derive("disk")),
      workload_(Prg(root_seed(cfg.seed)).derive("workload")),
      adversary_(Prg(root_seed(cfg.seed)).derive("adversary")),
      chain_id_("sim-chain") {
  if (cfg_.n < 1 || cfg_.n > 10000) throw InvalidArgument("simulate: n must be in [1, 10000]");
  limits_.max_validators = std::max(limits_.max_validators, cfg_.n + cfg_.twins.size());
  if (cfg_.inbox_per_peer == 0) throw InvalidArgument("simulate: inbox_per_peer must be at least 1");
  if (cfg_.max_body > 0) limits_.max_body = cfg_.max_body;
  if (cfg_.load_tx_per_s < 0 || cfg_.ingress_ns_per_byte < 0 || cfg_.load_check_ns_per_tx < 0) {
    throw InvalidArgument("simulate: load, ingress and check cost must not be negative");
  }
  if (load_on() && (cfg_.engine != SimEngine::gosig || cfg_.application != SimApplication::stand_in ||
                    cfg_.load_tx_wire_bytes < load_tx_memory_bytes || !cfg_.twins.empty())) {
    throw InvalidArgument("simulate: a client load runs Gosig with the stand-in application, no twins, "
                          "and transactions of at least 16 bytes");
  }
  if (!cfg_.weights.empty() && cfg_.weights.size() != cfg_.n) {
    throw InvalidArgument("simulate: weights must list every node or none");
  }
  if (!cfg_.behaviour.empty() && cfg_.behaviour.size() != cfg_.n) {
    throw InvalidArgument("simulate: behaviour must list every node or none");
  }
  const Prg root(root_seed(cfg.seed));
  Prg clocks = root.derive("clocks");
  if (cfg_.real_crypto) {
    Prg keygen = root.derive("keys");
    std::vector<Validator> members;
    for (std::size_t i = 0; i < cfg_.n; ++i) {
      bls_keys_.push_back(sig::bls12_381::SecretKey::key_gen(keygen.bytes(32)));
      members.push_back(make_bls_validator(bls_keys_.back(), cfg_.weights.empty() ? 1 : cfg_.weights[i]));
    }
    validators_ = ValidatorSet(std::move(members));
    checker_crypto_ = std::make_unique<BlsCrypto>(validators_, std::nullopt);
  } else {
    keys_ = SymbolicKeys::make(root.derive("keys").next_seed(), cfg_.n);
    validators_ = keys_->validator_set(cfg_.weights);
    checker_crypto_ = std::make_unique<SymbolicCrypto>(keys_, std::nullopt);
  }
  nodes_.resize(instances());
  twinned_.assign(cfg_.n, false);
  for (const NodeId t : cfg_.twins) {
    if (t >= cfg_.n) throw InvalidArgument("simulate: a twin of a validator outside the set");
    twinned_[t] = true;
  }
  if (!cfg_.twins.empty()) {
    for (const auto b : cfg_.behaviour) {
      if (b != Behaviour::honest) throw InvalidArgument("simulate: twins cannot be combined with Byzantine behaviours");
    }
    if (cfg_.application != SimApplication::stand_in) throw InvalidArgument("simulate: twins run the stand-in application");
  }
  if (cfg_.adaptive_corruptions > 0) {
    if (cfg_.adaptive_corruptions > adaptive_budget(cfg_)) {
      throw InvalidArgument("simulate: " + std::to_string(cfg_.adaptive_corruptions) +
                            " adaptive corruptions and the Byzantine nodes exceed f = " +
                            std::to_string((cfg_.n - 1) / 3));
    }
    if (cfg_.validator_change_every > 0) {
      // The planned weights keep the Byzantine nodes of `behaviour` below a
      // third; nodes corrupted later could hold more.
      throw InvalidArgument("simulate: an adaptive adversary cannot be combined with validator changes");
    }
    const auto b = cfg_.adaptive_behaviour;
    if (b != Behaviour::silent && b != Behaviour::equivocate && b != Behaviour::double_vote) {
      throw InvalidArgument("simulate: an adaptive corruption turns a node silent, equivocate or double-vote");
    }
    if (!cfg_.twins.empty()) throw InvalidArgument("simulate: twins cannot be combined with an adaptive adversary");
    adaptive_left_ = cfg_.adaptive_corruptions;
  }
  if (cfg_.validator_change_every > 0 && !app_mode()) {
    throw InvalidArgument("simulate: validator changes need a reference application");
  }
  if (cfg_.gosig.symbolic_sortition && cfg_.real_crypto) {
    throw InvalidArgument("simulate: symbolic sortition needs symbolic crypto");
  }
  if (cfg_.engine == SimEngine::gosig && !cfg_.gosig.schedule && !cfg_.gosig.symbolic_sortition) {
    Prg vrf_keys = root.derive("vrf");
    const sig::Ecvrf vrf(sig::VrfSuite::edwards25519_sha512_ell2);
    std::vector<Bytes> publics;
    for (std::size_t i = 0; i < cfg_.n; ++i) {
      auto kp = vrf.generate(vrf_keys);
      publics.push_back(std::move(kp.public_key));
      vrf_secret_.push_back(std::move(kp.secret_key));
    }
    vrf_public_ = std::make_shared<const std::vector<Bytes>>(std::move(publics));
  }
  if (app_mode()) {
    Prg clients = root.derive("clients");
    std::vector<apps::Payments::Account> accounts;
    for (int i = 0; i < 4; ++i) {
      clients_.push_back(sig::Ed25519SecretKey::generate(clients));
      accounts.push_back({clients_.back().public_key(), 10'000});
    }
    client_nonce_.assign(clients_.size(), 0);
    genesis_.chain_id = chain_id_;
    genesis_.validators = validators_;
    if (cfg_.application == SimApplication::payments) genesis_.app_state = apps::Payments::genesis(accounts);
    for (auto& node : nodes_) {
      if (cfg_.application == SimApplication::payments) {
        node.app = std::make_unique<apps::Payments>(chain_id_);
      } else {
        node.app = std::make_unique<apps::KvStore>(chain_id_);
      }
      if (cfg_.validator_change_every > 0) {
        node.app = std::make_unique<ChangingWeights>(std::move(node.app),
                                                     [this](Height h) { return planned_changes(h); });
      }
      node.store = cfg_.make_app_store ? cfg_.make_app_store() : std::make_shared<MemoryAppStore>();
      if (!node.store) throw InvalidArgument("simulate: make_app_store made no store");
    }
  }
  if (!cfg_.zone.empty()) {
    if (cfg_.zone.size() != cfg_.n) throw InvalidArgument("simulate: zone must place every node or none");
    for (const auto z : cfg_.zone) {
      if (z >= cfg_.zone_links.size()) throw InvalidArgument("simulate: a node's zone has no row in zone_links");
    }
    for (const auto& row : cfg_.zone_links) {
      if (row.size() != cfg_.zone_links.size()) throw InvalidArgument("simulate: zone_links must be square");
    }
  }
  if (!cfg_.vote_delay.empty() && cfg_.vote_delay.size() != cfg_.n) {
    throw InvalidArgument("simulate: vote_delay must list every node or none");
  }
  if (!cfg_.silent_to.empty() && cfg_.silent_to.size() != cfg_.n) {
    throw InvalidArgument("simulate: silent_to must list every node or none");
  }
  for (const auto& c : cfg_.clogs) {
    if (c.node >= cfg_.n || (c.peer && *c.peer >= cfg_.n) || c.ns_per_byte < 0) {
      throw InvalidArgument("simulate: a clog names a node outside the set or a negative rate");
    }
  }
  latency_.assign(cfg_.n, std::vector<TimePoint>(cfg_.n, 0));
  jitter_.assign(cfg_.n, std::vector<TimePoint>(cfg_.n, cfg_.jitter));
  for (NodeId i = 0; i < cfg_.n; ++i) {
    nodes_[i].behaviour = cfg_.behaviour.empty() ? Behaviour::honest : cfg_.behaviour[i];
    nodes_[i].inbox_from.assign(instances(), 0);
    nodes_[i].clock_offset = cfg_.max_clock_offset == 0 ? 0 : between(clocks, -cfg_.max_clock_offset, cfg_.max_clock_offset);
    nodes_[i].drift_ppm = cfg_.max_drift_ppm == 0 ? 0 : between(clocks, -cfg_.max_drift_ppm, cfg_.max_drift_ppm);
    for (NodeId j = 0; j < cfg_.n; ++j) latency_[i][j] = between(network_, cfg_.latency_min, cfg_.latency_max);
    if (!cfg_.zone.empty()) {  // the zone matrix replaces the drawn latencies
      for (NodeId j = 0; j < cfg_.n; ++j) {
        const ZoneLink& link = cfg_.zone_links[cfg_.zone[i]][cfg_.zone[j]];
        latency_[i][j] = link.latency;
        jitter_[i][j] = link.jitter;
      }
    }
  }
  if (!cfg_.twins.empty()) {  // a twin sits where its validator sits, with the same clock
    const std::size_t m = instances();
    for (auto& row : latency_) row.resize(m);
    for (auto& row : jitter_) row.resize(m);
    latency_.resize(m, std::vector<TimePoint>(m, 0));
    jitter_.resize(m, std::vector<TimePoint>(m, cfg_.jitter));
    for (NodeId i = 0; i < m; ++i) {
      for (NodeId j = 0; j < m; ++j) {
        latency_[i][j] = latency_[validator_of(i)][validator_of(j)];
        jitter_[i][j] = jitter_[validator_of(i)][validator_of(j)];
      }
    }
    for (NodeId i = static_cast<NodeId>(cfg_.n); i < m; ++i) {
      nodes_[i].inbox_from.assign(m, 0);
      nodes_[i].clock_offset = nodes_[validator_of(i)].clock_offset;
      nodes_[i].drift_ppm = nodes_[validator_of(i)].drift_ppm;
    }
  }
  for (NodeId i = 0; i < cfg_.n; ++i) {
    if (nodes_[i].behaviour != Behaviour::selective_silence) continue;
    auto& mask = nodes_[i].silent_to;
    if (!cfg_.silent_to.empty() && !cfg_.silent_to[i].empty()) {
      if (cfg_.silent_to[i].size() != cfg_.n) throw InvalidArgument("simulate: silent_to[i] must place every node");
      mask = cfg_.silent_to[i];
    } else {  // about half of the peers, at least one
      mask.assign(cfg_.n, false);
      for (NodeId j = 0; j < cfg_.n; ++j) mask[j] = j != i && chance(adversary_, 0.5);
      mask[(i + 1) % cfg_.n] = cfg_.n > 1;
    }
  }
  trace_.update(as_bytes("privfin consensus simulator trace v1"));
}

void Simulation::boot(NodeId id, bool amnesia) {
  auto& node = nodes_[id];
  node.up = true;
  if (amnesia) node.durable_record.reset();
  if (cfg_.real_crypto) {
    node.crypto = std::make_unique<BlsCrypto>(validators_, bls_keys_[validator_of(id)], cfg_.costs);
  } else {
    node.crypto = std::make_unique<SymbolicCrypto>(keys_, validator_of(id), cfg_.costs);
  }
  TendermintConfig tc;
  tc.chain_id = chain_id_;
  tc.validators = validators_;
  tc.self = validator_of(id);
  tc.validator_changes = app_mode();
  tc.bugs = cfg_.bugs;
  tc.limits = limits_;
  tc.propose_base = cfg_.tendermint.propose_base;
  tc.propose_delta = cfg_.tendermint.propose_delta;
  tc.vote_base = cfg_.tendermint.vote_base;
  tc.vote_delta = cfg_.tendermint.vote_delta;
  tc.rebroadcast_interval = cfg_.tendermint.rebroadcast_interval;
  if (cfg_.engine == SimEngine::gosig) {
    if (cfg_.gosig.schedule) {
      node.sortition = std::make_unique<FixedSortition>(cfg_.gosig.schedule, validator_of(id));
    } else if (cfg_.gosig.symbolic_sortition) {
      node.sortition = std::make_unique<SymbolicSortition>(chain_id_, keys_, validator_of(id),
                                                           cfg_.gosig.expected_candidates);
    } else {
      node.sortition = std::make_unique<VrfSortition>(chain_id_, vrf_public_, validator_of(id), vrf_secret_[validator_of(id)],
                                                      cfg_.gosig.expected_candidates);
    }
    GosigConfig gc;
    gc.chain_id = chain_id_;
    gc.validators = validators_;
    gc.self = validator_of(id);
    gc.bugs = cfg_.bugs;
    gc.stage_one = cfg_.gosig.stage_one;
    gc.stage_two = cfg_.gosig.stage_two;
    gc.gossip = cfg_.gosig.gossip;
    gc.limits = limits_;
    gc.validator_changes = app_mode();
    gc.chunk_bytes = cfg_.gosig.chunk_bytes;
    gc.chunk_fanout = cfg_.gosig.chunk_fanout;
    gc.chunk_window = cfg_.gosig.chunk_window;
    gc.chunk_retry_ticks = cfg_.gosig.chunk_retry_ticks;
    gc.chunk_upload_per_tick = cfg_.gosig.chunk_upload_per_tick;
    if (gc.chunk_upload_per_tick == 0 && cfg_.ns_per_byte > 0 && gc.chunk_bytes > 0) {
      // What the upload carries in a tick, in chunks as the network weighs them.
      const auto chunk_wire = static_cast<std::int64_t>(gc.chunk_bytes) *
                              (load_on() ? static_cast<std::int64_t>(cfg_.load_tx_wire_bytes) : 1) /
                              (load_on() ? static_cast<std::int64_t>(load_tx_memory_bytes) : 1);
      gc.chunk_upload_per_tick =
          static_cast<std::size_t>(std::max<std::int64_t>(1, gc.gossip.interval / (cfg_.ns_per_byte * chunk_wire)));
    }
    gc.forwarded_candidates = cfg_.gosig.forwarded_candidates;
    gc.kept_decisions = cfg_.gosig.kept_decisions;
    node.engine = std::make_unique<Gosig>(std::move(gc), *node.crypto, *node.sortition);
  } else {
    node.engine = std::make_unique<Tendermint>(std::move(tc), *node.crypto);
  }
  node.env = std::make_unique<NodeEnv>(NodeEnv{this, id});
  node.runtime = std::make_unique<Runtime<NodeEnv>>(*node.env, *node.engine, cfg_.bugs.send_before_durable);
  if (app_mode()) {  // the executor starts clean or recovers from the store (its disk)
    node.executor =
        std::make_unique<AppExecutor>(*node.app, *node.store, ExecutorConfig{chain_id_, 10'000, 64 << 20, validators_});
    if (node.store->initialized()) {
      node.executor->recover();
    } else {
      node.executor->init_chain(genesis_);
      node.app_hashes = {node.store->app_hash(0)};
    }
  }
  Start start;
  start.committed = node.ledger.size();
  if (!node.ledger.empty()) start.tip = node.ledger.back();
  if (node.durable_record) start.record = SafetyRecord::from_bytes(*node.durable_record);
  if (node.executor) start.validators = node.executor->validators_for_start(start.committed);
  log(id, amnesia ? "boot without its safety record (amnesia)" : "boot");
  node.runtime->input(local_time(node, now_), start);
  // The WAL of the height it was working on, as privfin-node replays it.
  if (!node.wal.entries().empty()) {
    if (cfg_.log) log(id, "replays " + std::to_string(node.wal.entries().size()) + " logged messages");
    const auto logged = node.wal.entries();  // a replayed message may complete a commit, which clears the WAL
    for (const auto& [from, payload] : logged) {
      if (!node.up || node.halted) break;
      node.runtime->input(local_time(node, now_), MessageIn{from, payload});
    }
  }
}

void Simulation::crash(NodeId id) {
  auto& node = nodes_[id];
  if (!node.up) return;
  node.up = false;
  node.halted = false;
  ++node.incarnation;
  node.pending.clear();  // writes in flight are lost
  node.wal.crash();  // so are unsynced WAL entries
  node.runtime.reset();
  node.engine.reset();
  node.sortition.reset();
  node.env.reset();
  node.crypto.reset();
  node.executor.reset();  // the mempool is lost; the store is disk
  node.cancelled.clear();
  node.inbox.clear();  // received but not yet processed: lost with the process
  std::fill(node.inbox_from.begin(), node.inbox_from.end(), 0);
  node.wake_pending = false;
  node.busy_until = now_;
  log(id, "crash");
}

// ------------------------------------------------------------ environment

std::uint64_t Simulation::write_safety(NodeId id, const SafetyRecord& rec) {
  auto& node = nodes_[id];
  const std::uint64_t ticket = node.next_ticket++;
  node.pending.emplace_back(ticket, rec.to_bytes());
  node.wal.write_issued(ticket);
  Event e;
  e.at = now_ + cfg_.disk_latency;
  e.kind = EventKind::durable;
  e.node = id;
  e.incarnation = node.incarnation;
  e.id = ticket;
  push(std::move(e));
  (void)crash_here(id, WritePoint::safety_before_durable);  // the write in flight is lost
  return ticket;
}

bool Simulation::crash_here(NodeId id, WritePoint point) {
  if (now_ >= cfg_.fault_end || cfg_.crash_at_write <= 0) return false;
  if (!cfg_.crash_points.empty() &&
      std::find(cfg_.crash_points.begin(), cfg_.crash_points.end(), point) == cfg_.crash_points.end()) {
    return false;
  }
  if (!chance(disk_, cfg_.crash_at_write)) return false;
  auto& node = nodes_[id];
  node.halted = true;
  ++result_.write_crashes[static_cast<std::size_t>(point)];
  log(id, "crash point " + std::string(to_string(point)));
  Event c;  // torn down right after the current event, restarted later
  c.at = now_;
  c.kind = EventKind::crash;
  c.node = id;
  c.id = static_cast<std::uint64_t>(cfg_.restart_after_write_crash);
  push(std::move(c));
  return true;
}

bool Simulation::cut(NodeId from, NodeId to) const {
  for (const auto& p : cfg_.partitions) {
    if (now_ < p.start || now_ >= p.end) continue;
    const bool a = p.side[from], b = p.side[to];
    if (a == b) continue;
    if (!p.one_way || a) return true;
  }
  return false;
}

TimePoint Simulation::vote_hold(NodeId from, const Bytes& payload) {
  if (cfg_.vote_delay.empty() || cfg_.vote_delay[from] <= 0) return 0;
  if (honest(from) && now_ >= cfg_.fault_end) return 0;
  try {
    if (!std::holds_alternative<Vote>(Message::from_bytes(payload, limits_).body)) return 0;
  } catch (const DecodeError&) {
    return 0;
  }
  ++result_.delayed_votes;
  return between(network_, 0, cfg_.vote_delay[from] + 1);
}

void Simulation::transmit(NodeId from, NodeId to, const Bytes& payload) {
  ++result_.messages;
  const TimePoint size = wire_size(payload);
  result_.bytes += static_cast<std::uint64_t>(size);
  auto& sender = nodes_[from];
  // Clogs active now: extra serialization on the sender's uplink, on the
  // link, and on the receiver's downlink; each queue keeps its backlog.
  TimePoint up = 0, link = 0, down = 0;
  for (const auto& c : cfg_.clogs) {
    if (now_ < c.start || now_ >= c.end) continue;
    if (!c.peer && c.node == from) up += c.ns_per_byte * size;
    if (!c.peer && c.node == to) down += c.ns_per_byte * size;
    if (c.peer && c.node == from && *c.peer == to) link += c.ns_per_byte * size;
  }
  if (up + link + down > 0) ++result_.clogged;
  TimePoint depart = std::max(now_, sender.link_free) + cfg_.ns_per_byte * size + up;
  sender.link_free = depart;
  if (link > 0) {
    auto& free = clogged_link_free_[{from, to}];
    depart = std::max(depart, free) + link;
    free = depart;
  }
  const TimePoint hold = vote_hold(from, payload);
  if (cut(from, to)) return;
  const bool faulty_net = now_ < cfg_.fault_end;
  if (faulty_net && chance(network_, cfg_.loss)) return;
  const int copies = faulty_net && chance(network_, cfg_.duplicate) ? 2 : 1;
  for (int c = 0; c < copies; ++c) {
    Event e;
    e.at = depart + hold + latency_[from][to] + between(network_, 0, jitter_[from][to] + 1);
    if (down > 0) {
      auto& receiver = nodes_[to];
      e.at = std::max(e.at, receiver.inbound_free) + down;
      receiver.inbound_free = e.at;
    }
    ++result_.delivered;
    result_.delivery_delay += e.at - now_;
    e.kind = EventKind::deliver;
    e.node = to;
    e.from = from;
    e.payload = payload;
    push(std::move(e));
  }
}

void Simulation::send(NodeId from, NodeId to, const Bytes& payload) {
  if (cfg_.twins.empty()) {
    if (honest(from)) {
      observe_signed(from, payload);
      transmit(from, to, payload);
      if (adaptive_left_ > 0) corrupt_after_proposal(from, payload);
    } else {
      byzantine_send(from, to, payload);
    }
    return;
  }
  // Twins: to every instance of validator `to` but the sender itself; a
  // twinned validator's instances are honest engines, watched as Byzantine.
  observe_signed(validator_of(from), payload);
  for (NodeId k = 0; k < instances(); ++k) {
    if (k != from && validator_of(k) == to) transmit(from, k, payload);
  }
}

void Simulation::byzantine_send_gosig(NodeId from, NodeId to, const Bytes& payload) {
  auto& node = nodes_[from];
  std::optional<GosigMessage> m;
  try {
    m = GosigMessage::from_bytes(payload, limits_);
  } catch (const DecodeError&) {
  }
  switch (node.behaviour) {
    case Behaviour::honest: break;
    case Behaviour::silent: return;
    case Behaviour::selective_silence:
      if (node.silent_to[to]) {
        ++result_.withheld;
        return;
      }
      break;
    case Behaviour::equivocate:
      // Another block of its own for odd peers.
      if (to % 2 == 1) {
        if (auto other = gosig_with_other_block(payload, from, static_cast<std::byte>(to), *node.crypto)) {
          return transmit(from, to, *other);
        }
      }
      break;
    case Behaviour::double_vote:
      // To odd peers, after the real aggregate: its own vote alone and one for another block.
      if (to % 2 == 1) {
        if (auto votes = gosig_conflicting_votes(payload, from, cfg_.n, Hash32{Sha256::hash(payload)}, *node.crypto,
                                                 chain_id_)) {
          transmit(from, to, payload);
          transmit(from, to, votes->first);
          return transmit(from, to, votes->second);
        }
      }
      break;
    case Behaviour::malformed: {
      Bytes bad = payload;
      switch (below(adversary_, 5)) {
        case 0: bad.resize(below(adversary_, bad.size())); break;
        case 1: bad[below(adversary_, bad.size())] ^= std::byte{0x10}; break;
        case 2: bad = adversary_.bytes(below(adversary_, 200)); break;
        case 3: bad.push_back(std::byte{0}); break;
        default:  // well formed, forged signature
          if (m) {
            if (auto* p = std::get_if<GosigProposal>(&m->body)) {
              p->signature = adversary_.bytes(p->signature.size());
            } else if (auto* a = std::get_if<AggregateVote>(&m->body)) {
              a->aggregate = adversary_.bytes(a->aggregate.size());
              if (cfg_.real_crypto && !a->aggregate.empty()) {
                a->aggregate[0] = (a->aggregate[0] & std::byte{0x1f}) | std::byte{0x80};
              }
            }
            bad = m->to_bytes();
          }
          break;
      }
      return transmit(from, to, bad);
    }
    case Behaviour::replay:
      // A stale proposer: re-propose the oldest other block that has a
      // prepare certificate at this height, with that old certificate (a
      // node locked in a later round must refuse it); its own prepares go
      // to one peer per round only, so that a lone node may lock.
      if (auto* p = m ? std::get_if<GosigProposal>(&m->body) : nullptr; p && p->proposer == from) {
        const Hash32 own = p->block.hash();
        for (auto it = gosig_pcerts_.lower_bound({p->height(), 0, Hash32{}});
             it != gosig_pcerts_.end() && std::get<0>(it->first) == p->height() && std::get<1>(it->first) < p->round;
             ++it) {
          const Hash32& other = std::get<2>(it->first);
          if (other == own || !blocks_.contains(other)) continue;
          GosigProposal stale{p->round, from, p->ticket, blocks_.at(other), it->second, {}, std::nullopt};
          stale.signature = node.crypto->sign(stale.signed_bytes());
          return transmit(from, to, GosigMessage{stale}.to_bytes());
        }
        if (to % 2 == 1 && !p->justification) {  // nothing stale yet: split the honest votes
          p->block.body.push_back(static_cast<std::byte>(to));
          p->block.header.tx_root = tx_root_of(p->block.body);
          p->signature = node.crypto->sign(p->signed_bytes());
          return transmit(from, to, m->to_bytes());
        }
      } else if (auto* a = m ? std::get_if<AggregateVote>(&m->body) : nullptr;
                 a && a->type == VoteType::prevote && a->has_signer(from)) {
        const std::size_t peers = cfg_.n > 1 ? cfg_.n - 1 : 1;
        if (to == (from + 1 + (a->height + a->round) % peers) % cfg_.n) transmit(from, to, payload);
        return;
      }
      if (!node.sent_history.empty() && chance(adversary_, 0.3)) {
        transmit(from, to, node.sent_history[below(adversary_, node.sent_history.size())]);
      }
      if (node.sent_history.size() < 256) node.sent_history.push_back(payload);
      break;
  }
  transmit(from, to, payload);
}

void Simulation::byzantine_send(NodeId from, NodeId to, const Bytes& payload) {
  if (cfg_.engine == SimEngine::gosig) return byzantine_send_gosig(from, to, payload);
  auto& node = nodes_[from];
  auto sign_and_send = [&](Message m) {
    sign(m, *node.crypto, chain_id_);
    const Bytes raw = m.to_bytes();
    observe_signed(from, raw);
    transmit(from, to, raw);
  };
  switch (node.behaviour) {
    case Behaviour::honest: break;
    case Behaviour::silent: return;
    case Behaviour::selective_silence:
      if (node.silent_to[to]) {
        ++result_.withheld;
        return;
      }
      break;
    case Behaviour::equivocate: {
      // Another block for odd peers.
      if (to % 2 == 1) {
        if (auto other = with_other_block(Message::from_bytes(payload, limits_), static_cast<std::byte>(to))) {
          return sign_and_send(std::move(*other));
        }
      }
      break;
    }
    case Behaviour::double_vote: {
      // One other value per vote, for odd peers.
      if (to % 2 == 1) {
        if (auto other = with_other_vote(Message::from_bytes(payload, limits_), Hash32{Sha256::hash(payload)})) {
          return sign_and_send(std::move(*other));
        }
      }
      break;
    }
    case Behaviour::malformed: {
      Bytes bad = payload;
      switch (below(adversary_, 5)) {
        case 0: bad.resize(below(adversary_, bad.size())); break;           // truncation
        case 1: bad[below(adversary_, bad.size())] ^= std::byte{0x10}; break;  // bit flip
        case 2: bad = adversary_.bytes(below(adversary_, 200)); break;       // random bytes
        case 3: bad.push_back(std::byte{0}); break;                          // trailing byte
        default: bad = with_bad_signature(from, payload); break;             // well formed, forged
      }
      transmit(from, to, bad);
      break;
    }
    case Behaviour::replay:
      // A stale proposer: re-propose the oldest other block that has a
      // proof-of-lock at this height, with that old valid round and its
      // prevotes (a correct node locked in a later round must refuse it).
      if (auto m = Message::from_bytes(payload, limits_); std::holds_alternative<Proposal>(m.body)) {
        auto& p = std::get<Proposal>(m.body);
        const Hash32 own = p.block.hash();
        for (auto it = pols_.lower_bound({p.height(), 0, Hash32{}});
             it != pols_.end() && std::get<0>(it->first) == p.height() && std::get<1>(it->first) < p.round; ++it) {
          const Hash32& other = std::get<2>(it->first);
          const ValidatorSet& set = set_at(p.height());
          std::uint64_t w = 0;
          for (const auto& [voter, raw] : it->second) w += set.weight(voter);
          if (other == own || !set.is_quorum(w) || !blocks_.contains(other)) continue;
          Proposal stale{p.round, blocks_.at(other), std::get<1>(it->first), {}};
          for (const auto& [voter, raw] : it->second) transmit(from, to, raw);
          return sign_and_send(Message{std::move(stale)});
        }
        if (to % 2 == 1) {  // nothing stale to offer yet: split the honest votes instead
          p.block.body.push_back(static_cast<std::byte>(to));
          p.block.header.tx_root = tx_root_of(p.block.body);
          return sign_and_send(std::move(m));
        }
      } else if (const auto* v = std::get_if<Vote>(&m.body); v && v->voter == from && v->type == VoteType::prevote) {
        // Withheld (a proof-of-lock only the adversary holds), except from
        // one peer per round: that peer alone may see a quorum and lock,
        // the state in which a stale proof-of-lock is dangerous.
        observe_signed(from, payload);
        const std::size_t peers = cfg_.n > 1 ? cfg_.n - 1 : 1;
        if (to == (from + 1 + (v->height + v->round) % peers) % cfg_.n) transmit(from, to, payload);
        return;
      }
      if (!node.sent_history.empty() && chance(adversary_, 0.3)) {
        transmit(from, to, node.sent_history[below(adversary_, node.sent_history.size())]);
      }
      if (node.sent_history.size() < 256) node.sent_history.push_back(payload);
      break;
  }
  observe_signed(from, payload);
  transmit(from, to, payload);
}

// A well-formed message whose signature is forged: with real crypto either
// bytes that are no point of G2 (compressed flag set, x drawn at random:
// about half of the x are not on the curve, and a point on it is almost
// never in the subgroup), or a valid signature of another message; with
// symbolic crypto, random bytes of the right length.
Bytes Simulation::with_bad_signature(NodeId from, const Bytes& payload) {
  auto m = Message::from_bytes(payload, limits_);
  Bytes* signature = nullptr;
  if (auto* p = std::get_if<Proposal>(&m.body)) signature = &p->signature;
  if (auto* v = std::get_if<Vote>(&m.body)) signature = &v->signature;
  if (signature == nullptr || signature->empty()) return payload;
  if (chance(adversary_, 0.5)) {
    *signature = adversary_.bytes(signature->size());
    if (cfg_.real_crypto) (*signature)[0] = ((*signature)[0] & std::byte{0x1f}) | std::byte{0x80};
  } else {
    *signature = nodes_[from].crypto->sign(adversary_.bytes(32));
  }
  return m.to_bytes();
}

void Simulation::set_timer(NodeId id, TimerId timer, TimePoint at_local) {
  const auto& node = nodes_[id];
  // Invert local = t + offset + t * drift: good to a nanosecond per ms of drift.
  TimePoint at = at_local - node.clock_offset;
  at -= at / 1'000'000 * node.drift_ppm;
  Event e;
  e.at = std::max(at, now_);
  e.kind = EventKind::timer;
  e.node = id;
  e.incarnation = node.incarnation;
  e.id = timer;
  push(std::move(e));
}

std::uint64_t Simulation::load_arrived(TimePoint t) const noexcept {
  if (t < 0) return 0;
  // Transaction s arrives at s / rate seconds.
  return static_cast<std::uint64_t>(static_cast<long double>(t) * static_cast<long double>(cfg_.load_tx_per_s) / 1e9L) + 1;
}

std::uint64_t Simulation::load_next(const SimNode& node) const {
  if (node.ledger.empty()) return 0;
  const auto span = parse_load_body(node.ledger.back().block.body);
  return span ? span->first + span->count : 0;
}

std::int64_t Simulation::wire_size(const Bytes& payload) const noexcept {
  const auto size = static_cast<std::int64_t>(payload.size());
  if (!load_on() || payload.size() < 2) return size;
  const auto kind = std::to_integer<std::uint8_t>(payload[1]);
  if (kind != GosigMessage::kind_proposal && kind != GosigMessage::kind_decision && kind != GosigMessage::kind_chunk) {
    return size;
  }
  return size * static_cast<std::int64_t>(cfg_.load_tx_wire_bytes) / static_cast<std::int64_t>(load_tx_memory_bytes);
}

void Simulation::app_reply(NodeId id, Input in, TimePoint extra_delay) {
  Event e;
  e.at = now_ + 100'000 + extra_delay;  // the application answers after 0.1 ms, plus its own work
  e.kind = EventKind::app_reply;
  e.node = id;
  e.incarnation = nodes_[id].incarnation;
  e.input = std::make_shared<Input>(std::move(in));
  push(std::move(e));
}

void Simulation::corrupt_after_proposal(NodeId from, const Bytes& payload) {
  if (corrupting_.contains(from)) return;
  bool own_proposal = false;
  try {
    if (cfg_.engine == SimEngine::gosig) {
      const auto m = GosigMessage::from_bytes(payload, limits_);
      const auto* p = std::get_if<GosigProposal>(&m.body);
      own_proposal = p != nullptr && p->proposer == from;
    } else {
      const auto m = Message::from_bytes(payload, limits_);
      const auto* p = std::get_if<Proposal>(&m.body);
      own_proposal = p != nullptr && p->block.header.proposer == from;
    }
  } catch (const DecodeError&) {
  }
  if (!own_proposal) return;
  corrupting_.insert(from);
  --adaptive_left_;
  Event e;
  e.at = now_ + cfg_.adaptive_delay;
  e.kind = EventKind::corrupt;
  e.node = from;
  push(std::move(e));
}

std::vector<ValidatorChange> Simulation::planned_changes(Height h) const {
  const Height every = cfg_.validator_change_every;
  if (every == 0 || h % every != 0) return {};
  const std::uint64_t k = h / every;
  std::vector<std::uint64_t> w(cfg_.n);
  std::vector<NodeId> honest_members;
  // The Byzantine nodes of the configuration (fixed for the run, so that
  // every node's application plans the same weights).
  const auto byzantine_at = [&](NodeId i) { return !cfg_.behaviour.empty() && cfg_.behaviour[i] != Behaviour::honest; };
  for (NodeId i = 0; i < cfg_.n; ++i) {
    const bool byzantine = byzantine_at(i);
    w[i] = byzantine ? 1 : 1 + (k + i) % 3;
    if (!byzantine) honest_members.push_back(i);
  }
  if (honest_members.size() >= 3) w[honest_members[k % honest_members.size()]] = 0;  // sits out this time
  for (;;) {  // the Byzantine weight stays below a third
    std::uint64_t total = 0, byzantine = 0;
    for (NodeId i = 0; i < cfg_.n; ++i) {
      total += w[i];
      if (byzantine_at(i)) byzantine += w[i];
    }
    if (3 * byzantine < total) break;
    for (const NodeId i : honest_members) w[i] += w[i] > 0 ? 1U : 0U;
  }
  std::vector<ValidatorChange> changes;
  for (NodeId i = 0; i < cfg_.n; ++i) changes.push_back({validators_.at(i).bls_key, w[i]});
  return changes;
}

void Simulation::submit_client_txs() {
  for (std::size_t k = 0; k < cfg_.client_txs_per_height; ++k) {
    const std::size_t from = workload_.next_u64() % clients_.size();
    Bytes tx;
    if (cfg_.application == SimApplication::payments) {
      const std::size_t to = (from + 1 + workload_.next_u64() % (clients_.size() - 1)) % clients_.size();
      const std::uint64_t amount = workload_.next_u64() % 10 == 0 ? 1'000'000 : 1 + workload_.next_u64() % 500;
      tx = apps::Payments::transfer(clients_[from], chain_id_, client_nonce_[from], clients_[to].public_key(), amount);
    } else {
      tx = apps::KvStore::set(clients_[from], chain_id_, client_nonce_[from], workload_.bytes(1 + workload_.next_u64() % 8),
                              workload_.bytes(workload_.next_u64() % 32));
    }
    bool admitted = false;
    for (auto& node : nodes_) {  // gossip, idealised: every node that is up has it
      if (node.up && node.executor) admitted |= node.executor->submit(tx).ok();
    }
    // A client moves to its next nonce once a node took the transaction
    // (an overdraft refused at admission does not use one up).
    if (admitted) ++client_nonce_[from];
  }
}

void Simulation::request_proposal(NodeId id, const RequestProposal& r) {
  auto& node = nodes_[id];
  if (app_mode()) {
    try {
      app_reply(id, node.executor->propose(r, local_time(node, now_), id));
    } catch (const InvalidArgument& e) {
      violation("node " + std::to_string(id) + " asked for a proposal its application cannot make: " + e.what());
    }
    return;
  }
  const Hash32 app = r.height - 1 < node.app_hashes.size() ? node.app_hashes[r.height - 1] : Hash32{};
  if (load_on()) {
    const std::uint64_t first = load_next(node);
    const std::uint64_t room = (std::min(r.max_bytes, limits_.max_body) - load_header_bytes) / load_tx_memory_bytes;
    const std::uint64_t count = std::min(load_arrived(now_) - std::min(first, load_arrived(now_)), room);
    app_reply(id, ProposalReady{r.height, r.round, load_body(first, count), app});
    return;
  }
  std::string body = "tx|" + std::to_string(r.height) + "|" + std::to_string(id) + "|" + to_hex(workload_.bytes(8));
  app_reply(id, ProposalReady{r.height, r.round, to_bytes(body), app});
}

void Simulation::request_validate(NodeId id, const RequestValidate& r) {
  const auto& node = nodes_[id];
  if (cfg_.log) {
    log(id, "validate block " + r.block.short_hex() + " h=" + std::to_string(r.height) + " r=" + std::to_string(r.round) +
                " (" + std::to_string(r.body.size()) + " body bytes)");
  }
  if (app_mode()) {
    ProposalChecked verdict{r.height, r.round, r.block, false};
    try {
      verdict = node.executor->validate(r);
    } catch (const InvalidArgument&) {
      // the store is not at height - 1 (the node is behind): not valid for it
    }
    app_reply(id, verdict);
    return;
  }
  bool format_ok = r.body.size() >= 3 && std::memcmp(r.body.data(), "tx|", 3) == 0;
  const bool app_ok = r.height - 1 < node.app_hashes.size() && node.app_hashes[r.height - 1] == r.header.app_hash;
  TimePoint work = 0;
  if (load_on()) {
    // The next transactions of this node's chain, none that no client has made yet.
    const auto load = parse_load_body(r.body);
    format_ok = load && load->first == load_next(node) && load->first + load->count <= load_arrived(now_);
    if (load) work = static_cast<TimePoint>(load->count) * cfg_.load_check_ns_per_tx;
  }
  app_reply(id, ProposalChecked{r.height, r.round, r.block, format_ok && app_ok}, work);
}

void Simulation::request_sync(NodeId id, const RequestSync& r) {
  // Block sync, as the ledger issue's runtime will do it: fetch up to 64
  // blocks with their certificates from the hinted peer's ledger, one
  // round trip later; the engine checks every certificate.
  if (r.hint >= cfg_.n || r.from == 0) return;
  const auto& source = nodes_[r.hint].ledger;
  const TimePoint at = now_ + 2 * latency_[id][r.hint];
  for (Height h = r.from; h <= r.to && h <= source.size() && h < r.from + 64; ++h) {
    Event e;
    e.at = at;
    e.kind = EventKind::app_reply;
    e.node = id;
    e.incarnation = nodes_[id].incarnation;
    e.input = std::make_shared<Input>(BlockSynced{source[h - 1]});
    push(std::move(e));
  }
}

// ------------------------------------------------------------ checkers

void Simulation::observe_signed(NodeId from, const Bytes& payload) {
  // Body chunks and have-maps carry no signature.
  if (payload.size() >= 2 && std::to_integer<std::uint8_t>(payload[1]) >= GosigMessage::kind_chunk) return;
  // Observing is idempotent, and a gossip tick or a broadcast sends one
  // payload to many peers in a row: watch it once.
  auto& last = nodes_[from].last_observed;
  if (last == payload) return;
  last = payload;
  // The envelope's second byte is its kind: Tendermint's are 1-3, Gosig's
  // 16-18, and each decoder refuses the other's.
  if (payload.size() >= 2 && std::to_integer<std::uint8_t>(payload[1]) >= GosigMessage::kind_proposal) {
    observe_gosig(from, payload);
    return;
  }
  Message m;
  try {
    m = Message::from_bytes(payload, limits_);
  } catch (const DecodeError&) {
    observe_gosig(from, payload);
    return;
  }
  if (const auto* v = std::get_if<Vote>(&m.body)) {
    if (v->voter != from) return;
    if (v->type == VoteType::prevote && v->block) pols_[{v->height, v->round, *v->block}].emplace(from, payload);
    observe_vote(from, v->type, v->height, v->round, v->block);
  } else if (const auto* p = std::get_if<Proposal>(&m.body)) {
    blocks_.emplace(p->block.hash(), p->block);
    if (!honest(from)) return;
    const auto key = std::make_tuple(from, p->height(), p->round, 0);
    const auto [it, fresh] = signed_.emplace(key, p->block.hash());
    if (!fresh && it->second != p->block.hash()) {
      violation("honest node " + std::to_string(from) + " signed two different proposals at height " +
                std::to_string(p->height()) + " round " + std::to_string(p->round));
    }
  }
}

// Gosig: signatures travel inside aggregates. An honest node sends only
// aggregates it verified, so their signers did sign: record them as
// prepares (the proof-of-lock checker's input), and the sender's own
// signature as its vote (one per kind per round, locks respected).
// Byzantine aggregates are not trusted (their bitmaps may lie).
void Simulation::observe_gosig(NodeId from, const Bytes& payload) {
  if (!honest(from)) return;
  GosigMessage m;
  try {
    m = GosigMessage::from_bytes(payload, limits_);
  } catch (const DecodeError&) {
    return;
  }
  auto record_prepares = [this](const AggregateVote& a) {
    if (a.type != VoteType::prevote) return;
    auto& bits = prevoters(a.height, a.round, a.block);
    for (NodeId i = 0; i < a.counts.size() && i < cfg_.n; ++i) {
      if (a.counts[i] > 0) bits[i] = true;
    }
  };
  if (const auto* a = std::get_if<AggregateVote>(&m.body)) {
    record_prepares(*a);
    const ValidatorSet& set = set_at(a->height);  // the set of its height (validator-set changes)
    if (a->type == VoteType::prevote && set.is_quorum(a->distinct_weight(set))) {
      gosig_pcerts_.emplace(std::make_tuple(a->height, a->round, a->block), *a);  // the stale proposer's stock
    }
    if (a->has_signer(from)) observe_vote(from, a->type, a->height, a->round, a->block);
  } else if (const auto* p = std::get_if<GosigProposal>(&m.body)) {
    blocks_.emplace(p->block.hash(), p->block);
    if (p->justification) record_prepares(*p->justification);
  }
}

void Simulation::observe_vote(NodeId from, VoteType type, Height height, Round round, const std::optional<Hash32>& block) {
  if (type == VoteType::prevote && block && from < cfg_.n) prevoters(height, round, *block)[from] = true;
  if (!honest(from)) return;
  const auto key = std::make_tuple(from, height, round, static_cast<int>(type));
  const auto [it, fresh] = signed_.emplace(key, block);
  if (!fresh && it->second != block) {
    violation("honest node " + std::to_string(from) + " signed two different " +
              (type == VoteType::prevote ? "prevotes" : "precommits") + " at height " + std::to_string(height) +
              " round " + std::to_string(round));
  }
  if (type == VoteType::precommit && block) {
    auto& lock = locks_[{from, height}];
    if (round >= lock.first || lock.second == Hash32{}) lock = {round, *block};
  }
  if (type == VoteType::prevote && block) {
    const auto lock = locks_.find({from, height});
    if (lock != locks_.end() && lock->second.first < round && lock->second.second != *block) {
      bool justified = false;
      for (Round vr = lock->second.first; vr < round && !justified; ++vr) {
        const auto pol = prevotes_.find({height, vr, *block});
        if (pol == prevotes_.end()) continue;
        // Weighed by the set of that height (validator-set changes).
        const ValidatorSet& set = set_at(height);
        std::uint64_t w = 0;
        for (NodeId s = 0; s < pol->second.size(); ++s) {
          if (pol->second[s]) w += set.weight(s);
        }
        justified = set.is_quorum(w);
      }
      if (!justified) {
        violation("honest node " + std::to_string(from) + " locked at round " + std::to_string(lock->second.first) +
                  " prevoted another block at round " + std::to_string(round) + " of height " +
                  std::to_string(height) + " without a proof-of-lock from a round >= its lock");
      }
    }
  }
}

void Simulation::commit(NodeId id, const Decision& d) {
  if (crash_here(id, WritePoint::commit_before_store)) return;  // the block never reaches the ledger
  auto& node = nodes_[id];
  const Height h = d.block.header.height;
  if (h != node.ledger.size() + 1) {
    violation("node " + std::to_string(id) + " committed height " + std::to_string(h) + " out of order");
    return;
  }
  node.ledger.push_back(d);
  if (load_on() && h > kept_load_bodies && node.ledger[h - 1 - kept_load_bodies].block.body.size() >= large_load_body) {
    // Large bodies of a client load (the WAN reproductions, 2.4 MB a block
    // on each of hundreds of nodes): keep the last few (for block sync)
    // and the headers of all (the chain checks). Such runs have no
    // crashes, so no node falls further behind than that.
    Bytes{}.swap(node.ledger[h - 1 - kept_load_bodies].block.body);
  }
  node.wal.clear();  // the messages were for this height or older (privfin-node clears it here too)
  if (now_ >= cfg_.fault_end && node.first_commit_after_heal < 0) node.first_commit_after_heal = now_;
  std::optional<FinalizeResult> executed;
  if (app_mode()) {
    try {
      executed = node.executor->commit(d);
      node.app_hashes.push_back(node.store->app_hash(h));
      app_reply(id, node.executor->validators_decided(h + 2));
    } catch (const Error& e) {
      violation("application of node " + std::to_string(id) + " at height " + std::to_string(h) + ": " + e.what());
      node.app_hashes.push_back(Hash32{});
    }
  } else {
    Sha256 app;
    app.update(node.app_hashes.back().v).update(d.block.body);
    node.app_hashes.push_back(Hash32{app.finish()});
  }
  log(id, "commit height " + std::to_string(h) + " block " + d.block.hash().short_hex() + " round " +
              std::to_string(d.certificate.round));
  if (!honest(id)) {
    (void)crash_here(id, WritePoint::commit_after_store);
    return;
  }
  const Hash32 id_hash = d.block.hash();
  const auto [it, fresh] = decided_.emplace(h, id_hash);
  if (fresh) {  // heights are first decided in order
    if (load_on()) {
      const auto load = parse_load_body(d.block.body);
      result_.load_blocks.emplace_back(load ? load->first : 0, load ? load->count : 0);
    }
    result_.headers.push_back(d.block.header);
    result_.decided_round.push_back(d.certificate.round);
    result_.honest_commits.emplace_back();
  }
  if (h <= result_.honest_commits.size()) result_.honest_commits[h - 1].push_back(now_);
  if (fresh && executed) {
    // The checkers' own record of the sets, from the first honest execution.
    const ValidatorSet next = executed->validator_changes.empty()
                                  ? set_at(h + 1)
                                  : apply_changes(set_at(h + 1), executed->validator_changes);
    if (!executed->validator_changes.empty()) ++result_.validator_changes;
    expected_sets_.insert_or_assign(h + 2, next);
    result_.transactions += executed->results.size();
    for (const auto& r : executed->results) result_.transactions_ok += r.ok() ? 1U : 0U;
    submit_client_txs();
  }
  if (!fresh && it->second != id_hash) {
    violation("agreement: node " + std::to_string(id) + " committed block " + id_hash.short_hex() + " at height " +
              std::to_string(h) + ", others committed " + it->second.short_hex());
  }
  prune_checkers();
  const auto [ait, afresh] = app_after_.emplace(h, node.app_hashes.back());
  if (!afresh && ait->second != node.app_hashes.back()) {
    violation("application hash of node " + std::to_string(id) + " differs after height " + std::to_string(h));
  }
  const auto& hd = d.block.header;
  const Hash32 parent = h == 1 ? Hash32{} : node.ledger[h - 2].block.hash();
  bool body_ok = d.block.body_matches();
  if (app_mode()) {
    try {
      (void)transactions_from_bytes(d.block.body);
    } catch (const DecodeError&) {
      body_ok = false;
    }
  } else {
    body_ok = body_ok && d.block.body.size() >= 3 && std::memcmp(d.block.body.data(), "tx|", 3) == 0;
  }
  const ValidatorSet& signers = set_at(h);
  if (hd.chain_id != chain_id_ || hd.parent != parent || hd.validators_hash != signers.hash() || !body_ok ||
      hd.app_hash != node.app_hashes[h - 1]) {
    violation("validity: node " + std::to_string(id) + " committed an invalid block at height " + std::to_string(h));
  }
  if (d.certificate.height != h || d.certificate.block != id_hash ||
      !verify_certificate(*checker_crypto_, signers, chain_id_, d.certificate)) {
    violation("certificate of node " + std::to_string(id) + " at height " + std::to_string(h) + " does not verify");
  }
  (void)crash_here(id, WritePoint::commit_after_store);  // stored; the rest of the step is lost
}

void Simulation::check_chains() {
  // At the end of a run: every honest ledger is one hash chain from genesis
  // and holds the agreed block at every height (crash points and restarts
  // included).
  for (NodeId i = 0; i < cfg_.n; ++i) {
    if (!honest(i)) continue;
    const auto& ledger = nodes_[i].ledger;
    for (Height h = 1; h <= ledger.size(); ++h) {
      const Hash32 parent = h == 1 ? Hash32{} : ledger[h - 2].block.hash();
      const auto agreed = decided_.find(h);
      if (ledger[h - 1].block.header.parent != parent || agreed == decided_.end() ||
          agreed->second != ledger[h - 1].block.hash()) {
        violation("chain: node " + std::to_string(i) + "'s ledger breaks at height " + std::to_string(h));
        break;
      }
    }
  }
}

void Simulation::prune_checkers() {
  // Every honest node has committed below `low`, so none will sign there
  // again: forget those heights (long runs keep the checkers' memory flat).
  Height low = std::numeric_limits<Height>::max();
  for (NodeId i = 0; i < cfg_.n; ++i) {
    if (honest(i)) low = std::min<Height>(low, nodes_[i].ledger.size());
  }
  if (low == std::numeric_limits<Height>::max() || low < pruned_below_ + 8) return;
  pruned_below_ = low;
  std::erase_if(signed_, [low](const auto& e) { return std::get<1>(e.first) < low; });
  std::erase_if(locks_, [low](const auto& e) { return e.first.second < low; });
  prevotes_.erase(prevotes_.begin(), prevotes_.lower_bound({low, 0, Hash32{}}));
  pols_.erase(pols_.begin(), pols_.lower_bound({low, 0, Hash32{}}));
  gosig_pcerts_.erase(gosig_pcerts_.begin(), gosig_pcerts_.lower_bound({low, 0, Hash32{}}));
  std::erase_if(blocks_, [low](const auto& e) { return e.second.header.height < low; });
}

void Simulation::check_liveness() {
  if (!liveness_armed_ && now_ >= cfg_.fault_end) {
    liveness_armed_ = true;
    Height best = 0;
    for (NodeId i = 0; i < cfg_.n; ++i) {
      if (honest(i)) best = std::max<Height>(best, nodes_[i].ledger.size());
    }
    liveness_goal_ = std::max(cfg_.target_height, best + cfg_.progress_after_faults);
  }
}

// ------------------------------------------------------------ the loop

void Simulation::trace(const Event& e) {
  // The bytes of Writer::bytes(payload) after the header, without copying the payload.
  Writer w;
  w.u64(static_cast<std::uint64_t>(e.at)).u8(static_cast<std::uint8_t>(e.kind)).u32(e.node).u32(e.from).u64(e.id);
  w.varint(e.payload.size());
  trace_.update(w.data()).update(e.payload);
}

void Simulation::handle(const Event& e) {
  auto& node = nodes_[e.node];
  if (e.kind == EventKind::deliver && cfg_.ingress_ns_per_byte > 0 && e.id == 0) {
    // The download link (FIFO in arrival order): a message is in once its
    // bytes have come through, behind whatever arrived before it.
    Event in = e;
    in.id = 1;
    in.at = std::max(now_, node.inbound_free) + cfg_.ingress_ns_per_byte * wire_size(e.payload);
    node.inbound_free = in.at;
    push(std::move(in));
    return;
  }
  switch (e.kind) {
    case EventKind::crash:
      if (!node.up) return;
      crash(e.node);
      {
        Event r;
        r.at = now_ + static_cast<TimePoint>(e.id);
        r.kind = EventKind::restart;
        r.node = e.node;
        r.amnesia = e.amnesia;
        push(std::move(r));
      }
      return;
    case EventKind::restart:
      if (!node.up) boot(e.node, e.amnesia);
      return;
    case EventKind::corrupt:
      node.behaviour = cfg_.adaptive_behaviour;
      ++result_.corrupted;
      if (cfg_.log) log(e.node, "corrupted by the adaptive adversary: " + std::string(to_string(node.behaviour)));
      return;
    case EventKind::durable: {
      if (!node.up || node.halted || e.incarnation != node.incarnation) return;
      while (!node.pending.empty() && node.pending.front().first <= e.id) {
        node.durable_record = std::move(node.pending.front().second);
        node.pending.pop_front();
      }
      node.wal.writes_durable(e.id);
      if (crash_here(e.node, WritePoint::safety_after_durable)) return;  // what it guards never leaves
      // What the write guarded leaves now, or (sends_after_cpu) once the
      // step that signed it has also paid its CPU time.
      if (cfg_.sends_after_cpu) holding_ = e.node;
      node.runtime->durable(e.id);
      holding_.reset();
      if (!held_.empty()) release_held(e.node, node.incarnation);
      return;
    }
    default: break;
  }
  if (e.kind == EventKind::wake) {
    if (!node.up || e.incarnation != node.incarnation) return;
    node.wake_pending = false;
    // The first input still valid, then wait again if more are queued.
    while (!node.inbox.empty() && now_ >= node.busy_until && node.up && !node.halted) {
      const Event next = std::move(node.inbox.front());
      node.inbox.pop_front();
      if (next.kind == EventKind::deliver) --node.inbox_from[next.from];
      if (stale(next)) continue;
      trace(next);
      process(next);
    }
    if (!node.inbox.empty()) wake_when_free(e.node);
    return;
  }
  if (stale(e)) return;
  if (now_ < node.busy_until || !node.inbox.empty()) {  // the CPU is busy: queue behind the others
    if (e.kind == EventKind::deliver) {
      if (node.inbox_from[e.from] >= cfg_.inbox_per_peer) {
        ++result_.inbox_dropped;
        return;
      }
      ++node.inbox_from[e.from];
    }
    node.inbox.push_back(e);
    wake_when_free(e.node);
    return;
  }
  process(e);
}

// An input its node can no longer take: the node is down or halted, the
// event belongs to an earlier incarnation, or it is a cancelled timer (then
// forgotten, so that the set of cancelled timers stays small).
bool Simulation::stale(const Event& e) {
  auto& node = nodes_[e.node];
  if (!node.up || node.halted) return true;
  if (e.kind != EventKind::deliver && e.incarnation != node.incarnation) return true;
  return e.kind == EventKind::timer && node.cancelled.erase(e.id) == 1;
}

void Simulation::wake_when_free(NodeId id) {
  auto& node = nodes_[id];
  if (node.wake_pending) return;
  node.wake_pending = true;
  Event w;
  w.at = std::max(now_, node.busy_until);
  w.kind = EventKind::wake;
  w.node = id;
  w.incarnation = node.incarnation;
  push(std::move(w));
}

void Simulation::process(const Event& e) {
  auto& node = nodes_[e.node];
  const TimePoint local = local_time(node, now_);
  const std::uint64_t incarnation = node.incarnation;
  if (cfg_.sends_after_cpu) holding_ = e.node;
  if (e.kind == EventKind::deliver) {
    if (cfg_.log) log(e.node, "<- " + std::to_string(e.from) + ": " + describe_message(e.payload, limits_));
    const NodeId sender = validator_of(e.from);
    // Before the engine sees it. Only a restart reads the WAL: a run that
    // cannot crash keeps none (at thousands of nodes it would hold every
    // node's copy of every aggregate it received in the height).
    if (restarts_possible()) node.wal.log(sender, e.payload);
    node.runtime->input(local, MessageIn{sender, e.payload});
  } else if (e.kind == EventKind::timer) {
    if (cfg_.log) log(e.node, "timer " + std::to_string(e.id) + " fired");
    node.runtime->input(local, TimerFired{e.id});
  } else {
    node.runtime->input(local, *e.input);
  }
  holding_.reset();
  if (node.engine) {
    node.busy_until = now_ + step_cost + node.crypto->take_cost();
    if (node.inbox.size() > (cfg_.n + 16) * cfg_.inbox_per_peer) {
      violation("node " + std::to_string(e.node) + " has " + std::to_string(node.inbox.size()) +
                " inputs waiting (unbounded inbox?)");
    }
    if (node.engine->memory_items() > 64 * cfg_.n + 4096) {
      violation("node " + std::to_string(e.node) + " holds " + std::to_string(node.engine->memory_items()) +
                " items (unbounded memory?)");
    }
  }
  if (!held_.empty()) release_held(e.node, incarnation);
}

void Simulation::release_held(NodeId id, std::uint64_t incarnation) {
  auto held = std::move(held_);
  held_.clear();
  auto& node = nodes_[id];
  // A node that crashed inside its step (at a write point) never finished it.
  if (!node.up || node.halted || node.incarnation != incarnation) return;
  const TimePoint step_began = now_;
  now_ = std::max(now_, node.busy_until);  // they leave once the step's CPU is paid
  for (const auto& [to, payload] : held) {
    if (to) {
      send(id, *to, payload);
    } else {
      broadcast(id, payload);
    }
  }
  now_ = step_began;
}

SimResult Simulation::run() {
  for (const auto& c : cfg_.crashes) {
    if (c.node >= cfg_.n) throw InvalidArgument("simulate: crash plan names a node outside the set");
    Event e;
    e.at = c.at;
    e.kind = EventKind::crash;
    e.node = c.node;
    e.id = static_cast<std::uint64_t>(c.down_for);
    e.amnesia = c.amnesia;
    push(std::move(e));
  }
  for (const auto& p : cfg_.partitions) {
    if (p.side.size() != instances()) throw InvalidArgument("simulate: a partition must place every node (and twin)");
  }
  if (cfg_.log) {
    std::string b;
    for (NodeId i = 0; i < cfg_.n; ++i) b += " " + std::string(to_string(nodes_[i].behaviour));
    result_.log.push_back("seed " + std::to_string(cfg_.seed) + ", n=" + std::to_string(cfg_.n) + ", behaviours:" + b +
                          ", faults end at " + fmt_time(cfg_.fault_end) + ", loss " + std::to_string(cfg_.loss));
  }
  for (NodeId i = 0; i < instances(); ++i) boot(i, false);
  if (app_mode()) submit_client_txs();
  const TimePoint deadline = cfg_.fault_end + cfg_.liveness_window;
  while (!queue_.empty()) {
    Event e = queue_.top();
    queue_.pop();
    now_ = e.at;
    if (now_ > deadline) break;
    ++result_.events;
    trace(e);
    handle(e);
    check_liveness();
    if (!result_.violations.empty()) break;
    if (liveness_armed_) {
      bool all = true;
      for (NodeId i = 0; i < cfg_.n && all; ++i) {
        if (honest(i) && nodes_[i].ledger.size() < liveness_goal_) all = false;
      }
      if (all) break;
    }
  }
  if (result_.violations.empty()) {
    check_liveness();
    for (NodeId i = 0; i < cfg_.n; ++i) {
      if (honest(i) && nodes_[i].ledger.size() < liveness_goal_) {
        violation("liveness: honest node " + std::to_string(i) + " reached height " +
                  std::to_string(nodes_[i].ledger.size()) + ", not " + std::to_string(liveness_goal_) +
                  ", within the window after the faults healed");
      }
    }
    if (cfg_.commit_after_heal_within > 0) {
      for (NodeId i = 0; i < cfg_.n && result_.violations.empty(); ++i) {
        const TimePoint first = nodes_[i].first_commit_after_heal;
        if (honest(i) && (first < 0 || first > cfg_.fault_end + cfg_.commit_after_heal_within)) {
          violation("liveness: honest node " + std::to_string(i) + " committed nothing within " +
                    fmt_time(cfg_.commit_after_heal_within) + " after the faults healed" +
                    (first < 0 ? "" : " (its first commit came at " + fmt_time(first) + ")"));
        }
      }
    }
    check_chains();
  }
  for (const auto& node : nodes_) result_.committed.push_back(node.ledger.size());
  result_.end_time = now_;
  Writer w;
  w.u64(result_.events);
  trace_.update(w.data());
  result_.trace = Hash32{trace_.finish()};
  return std::move(result_);
}

}  // namespace

LoadOutcome load_outcome(const SimConfig& config, const SimResult& result) {
  LoadOutcome out;
  if (config.load_tx_per_s <= 0) return out;
  const long double gap = 1e9L / static_cast<long double>(config.load_tx_per_s);  // ns between arrivals
  std::vector<TimePoint> median;
  for (const auto& times : result.honest_commits) {
    if (times.empty()) break;
    auto sorted = times;
    std::sort(sorted.begin(), sorted.end());
    median.push_back(sorted[sorted.size() / 2]);
  }
  const std::size_t heights = std::min(median.size(), result.load_blocks.size());
  long double latency_sum = 0;
  std::uint64_t steady = 0;
  for (std::size_t h = 0; h < heights; ++h) {
    const auto [first, count] = result.load_blocks[h];
    if (count == 0) continue;
    out.committed += count;
    if (h > 0) steady += count;
    // Sum over s in [first, first + count) of (median - s * gap).
    const long double arrivals = gap * (static_cast<long double>(first) * static_cast<long double>(count) +
                                        static_cast<long double>(count) * static_cast<long double>(count - 1) / 2);
    latency_sum += static_cast<long double>(median[h]) * static_cast<long double>(count) - arrivals;
    out.max_latency_s = std::max(out.max_latency_s,
                                 static_cast<double>((static_cast<long double>(median[h]) - gap * static_cast<long double>(first)) / 1e9L));
  }
  out.heights = heights;
  if (out.committed > 0) {
    out.mean_latency_s = static_cast<double>(latency_sum / static_cast<long double>(out.committed) / 1e9L);
    out.mean_block_tx = static_cast<double>(out.committed) / static_cast<double>(heights);
  }
  if (heights >= 2 && median[heights - 1] > median[0]) {
    out.tx_per_s = static_cast<double>(steady) * 1e9 / static_cast<double>(median[heights - 1] - median[0]);
  }
  return out;
}

// ------------------------------------------------------------ scenarios

const RegionMatrix& aws_14_regions() {
  static const RegionMatrix regions = [] {
    RegionMatrix m;
    m.names = {"us-east-1",  "us-east-2",  "us-west-1",      "us-west-2",      "ca-central-1",   "sa-east-1",      "eu-west-1",
               "eu-west-2",  "eu-central-1", "ap-south-1",   "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ap-northeast-2"};
    constexpr int one_way_ms[14][14] = {{2, 6, 31, 32, 7, 57, 35, 38, 46, 93, 106, 99, 73, 87},
                                        {6, 2, 26, 26, 12, 62, 40, 43, 51, 98, 100, 94, 67, 81},
                                        {31, 26, 2, 11, 40, 86, 64, 74, 76, 114, 86, 69, 54, 64},
                                        {32, 26, 11, 2, 30, 87, 60, 64, 70, 109, 81, 70, 49, 60},
                                        {7, 12, 40, 30, 1, 63, 35, 39, 46, 93, 105, 99, 72, 86},
                                        {57, 62, 86, 87, 63, 1, 88, 93, 102, 149, 161, 156, 128, 143},
                                        {35, 40, 64, 60, 35, 88, 1, 7, 13, 60, 91, 128, 101, 115},
                                        {38, 43, 74, 64, 39, 93, 7, 1, 9, 56, 86, 132, 105, 119},
                                        {46, 51, 76, 70, 46, 102, 13, 9, 1, 55, 79, 125, 112, 112},
                                        {93, 98, 114, 109, 93, 149, 60, 56, 55, 1, 28, 73, 62, 63},
                                        {106, 100, 86, 81, 105, 161, 91, 86, 79, 28, 2, 47, 34, 35},
                                        {99, 94, 69, 70, 99, 156, 128, 132, 125, 73, 47, 1, 53, 71},
                                        {73, 67, 54, 49, 72, 128, 101, 105, 112, 62, 34, 53, 2, 17},
                                        {87, 81, 64, 60, 86, 143, 115, 119, 112, 63, 35, 71, 17, 1}};
    for (const auto& row : one_way_ms) {
      auto& out = m.one_way.emplace_back();
      for (int v : row) out.push_back(static_cast<TimePoint>(v) * ms);
    }
    return m;
  }();
  return regions;
}

void set_regions(SimConfig& c, const RegionMatrix& regions, double jitter_fraction) {
  const std::size_t r = regions.one_way.size();
  if (r == 0 || jitter_fraction < 0) throw InvalidArgument("set_regions: no regions, or a negative jitter");
  c.zone.resize(c.n);
  for (std::size_t i = 0; i < c.n; ++i) c.zone[i] = static_cast<std::uint32_t>(i % r);
  c.zone_links.assign(r, std::vector<ZoneLink>(r));
  for (std::size_t a = 0; a < r; ++a) {
    for (std::size_t b = 0; b < r; ++b) {
      const TimePoint l = regions.one_way[a][b];
      c.zone_links[a][b] = {l, static_cast<TimePoint>(static_cast<double>(l) * jitter_fraction)};
    }
  }
}

void set_fixed_latency(SimConfig& c, TimePoint one_way) {
  c.latency_min = c.latency_max = one_way;
  c.jitter = 0;
  c.zone.clear();
  c.zone_links.clear();
}

void remove_faults(SimConfig& c) {
  c.loss = c.duplicate = 0;
  c.clogs.clear();
  c.partitions.clear();
  c.vote_delay.clear();
  c.crashes.clear();
  c.crash_at_write = 0;
  c.max_drift_ppm = 0;
  c.behaviour.clear();
}

std::size_t adaptive_budget(const SimConfig& c) noexcept {
  std::size_t byzantine = 0;
  for (const auto b : c.behaviour) byzantine += b != Behaviour::honest ? 1U : 0U;
  const std::size_t f = c.n == 0 ? 0 : (c.n - 1) / 3;
  return f - std::min(f, byzantine);
}

SimConfig random_scenario(std::uint64_t seed, std::size_t n) {
  SimConfig c;
  c.seed = seed;
  c.n = n;
  Prg prg = Prg(root_seed(seed)).derive("scenario");
  const std::size_t f = (n - 1) / 3;
  c.target_height = 3 + below(prg, 3);
  c.fault_end = between(prg, 1'000 * ms, 6'000 * ms);
  c.latency_min = between(prg, 1 * ms, 10 * ms);
  c.latency_max = c.latency_min + between(prg, 0, 60 * ms);
  c.jitter = between(prg, 0, 20 * ms);
  c.loss = chance(prg, 0.5) ? unit(prg) * 0.15 : 0;
  c.duplicate = chance(prg, 0.3) ? unit(prg) * 0.1 : 0;
  c.ns_per_byte = chance(prg, 0.3) ? 8 * static_cast<std::int64_t>(1 + below(prg, 100)) : 0;
  c.max_clock_offset = chance(prg, 0.5) ? between(prg, 0, 200 * ms) : 0;
  c.max_drift_ppm = chance(prg, 0.5) ? static_cast<std::int64_t>(below(prg, 200)) : 0;
  c.behaviour.assign(n, Behaviour::honest);
  const std::size_t byzantine = below(prg, f + 1);
  for (std::size_t k = 0; k < byzantine; ++k) {
    const auto who = static_cast<NodeId>(below(prg, n));
    c.behaviour[who] = static_cast<Behaviour>(1 + below(prg, 5));
  }
  for (std::size_t k = below(prg, 3); k > 0; --k) {
    Partition p;
    p.start = between(prg, 0, c.fault_end);
    p.end = between(prg, p.start, c.fault_end);
    p.side.resize(n);
    if (chance(prg, 0.3)) {  // isolate one node
      p.side[below(prg, n)] = true;
    } else {
      for (std::size_t i = 0; i < n; ++i) p.side[i] = chance(prg, 0.5);
    }
    p.one_way = chance(prg, 0.3);
    c.partitions.push_back(std::move(p));
  }
  for (std::size_t k = below(prg, 3); k > 0; --k) {
    CrashPlan cp;
    cp.node = static_cast<NodeId>(below(prg, n));
    cp.at = between(prg, 0, c.fault_end);
    cp.down_for = between(prg, 10 * ms, std::max<TimePoint>(c.fault_end - cp.at, 20 * ms));
    c.crashes.push_back(cp);
  }
  c.crash_at_write = chance(prg, 0.3) ? unit(prg) * 0.05 : 0;
  // Drawn after everything above, so that the earlier draws of a seed stay
  // what they were before these features existed.
  if (chance(prg, 0.3)) {  // zones: near inside a zone, far between zones
    const auto zones = static_cast<std::uint32_t>(2 + below(prg, 3));
    c.zone.resize(n);
    for (auto& z : c.zone) z = static_cast<std::uint32_t>(below(prg, zones));
    c.zone_links.assign(zones, std::vector<ZoneLink>(zones));
    for (std::uint32_t a = 0; a < zones; ++a) {
      for (std::uint32_t b = a; b < zones; ++b) {
        const ZoneLink link = a == b ? ZoneLink{between(prg, ms / 2, 5 * ms), between(prg, 0, 2 * ms)}
                                     : ZoneLink{between(prg, 20 * ms, 150 * ms), between(prg, 0, 30 * ms)};
        c.zone_links[a][b] = c.zone_links[b][a] = link;
      }
    }
  }
  for (std::size_t k = chance(prg, 0.3) ? 1 + below(prg, 2) : 0; k > 0; --k) {
    Clog clog;
    clog.node = static_cast<NodeId>(below(prg, n));
    if (n > 1 && chance(prg, 0.5)) clog.peer = static_cast<NodeId>((clog.node + 1 + below(prg, n - 1)) % n);
    clog.start = between(prg, 0, c.fault_end);
    clog.end = between(prg, clog.start, c.fault_end);
    clog.ns_per_byte = between(prg, 8'000, 80'000);  // 1 Mbit/s down to 100 kbit/s
    c.clogs.push_back(clog);
  }
  if (chance(prg, 0.3)) {  // one or two nodes whose votes are held back up to 50 ms - 1 s
    c.vote_delay.assign(n, 0);
    for (std::size_t k = 1 + below(prg, 2); k > 0; --k) c.vote_delay[below(prg, n)] = between(prg, 50 * ms, 1'000 * ms);
  }
  if (chance(prg, 0.25)) {  // a selectively silent Byzantine node, within f
    const auto faulty = static_cast<std::size_t>(
        std::count_if(c.behaviour.begin(), c.behaviour.end(), [](Behaviour b) { return b != Behaviour::honest; }));
    const auto who = static_cast<NodeId>(below(prg, n));
    if (c.behaviour[who] != Behaviour::honest || faulty < f) c.behaviour[who] = Behaviour::selective_silence;
  }
  return c;
}

SimResult simulate(const SimConfig& config) { return Simulation(config).run(); }

std::optional<Agreement> time_to_agreement(const SimConfig& config, const SimResult& result, Height h) {
  if (h == 0 || h > result.honest_commits.size() || result.honest_commits[h - 1].empty()) return std::nullopt;
  Agreement a;
  if (config.engine == SimEngine::gosig) {
    const TimePoint round = config.gosig.stage_one + config.gosig.stage_two;
    a.from = static_cast<TimePoint>(result.decided_round[h - 1]) * round + config.gosig.stage_one;
  } else if (h > 1 && !result.honest_commits[h - 2].empty()) {
    a.from = result.honest_commits[h - 2].front();
  }
  auto times = result.honest_commits[h - 1];
  std::sort(times.begin(), times.end());
  a.first = times.front() - a.from;
  a.median = times[(times.size() - 1) / 2] - a.from;
  a.last = times.back() - a.from;
  a.nodes = times.size();
  return a;
}

}  // namespace privfin::consensus
