#include "privfin/node/node.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "privfin/consensus/gosig.hpp"
#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"
#include "privfin/ledger/error.hpp"
#include "privfin/ledger/snapshot.hpp"

namespace privfin::node {

namespace {

// Transactions re-checked per poll turn (about 50 us each with a signature
// to verify, or 1 us from the signature cache): a few ms at most.
constexpr std::size_t recheck_slice = 256;

}  // namespace

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

// The runtime's environment: each hook is one line of what node.hpp says.
struct Node::Env {
  Node& node;

  std::uint64_t write_safety(const consensus::SafetyRecord& record) {
    const auto t = std::chrono::steady_clock::now();
    node.safety_.save(record);  // synced: durable on return
    node.metrics_.safety_fsync_seconds.observe(seconds_since(t));
    const std::uint64_t ticket = node.next_ticket_++;
    node.runtime_->durable(ticket);
    return ticket;
  }
  void send(NodeId to, const Bytes& payload) { node.send_engine_message(to, payload); }
  void broadcast(const Bytes& payload) {
    if (node.settings_.behaviour != consensus::Behaviour::honest) {
      for (std::size_t p = 0; p < node.bus_.party_count(); ++p) {
        if (p != node.self_) node.send_engine_message(static_cast<NodeId>(p), payload);
      }
      return;
    }
    node.counts_.sends_refused += node.bus_.broadcast(NodeMessage::consensus(payload).to_bytes());
  }
  void set_timer(consensus::TimerId id, TimePoint at) { node.timers_.emplace(at, id); }
  void cancel_timer(consensus::TimerId id) { node.cancelled_.insert(id); }
  void request_proposal(const consensus::RequestProposal& r) {
    const auto due = node.proposal_due();
    const Pace pace = node.pace(due, r);
    if (pace == Pace::wait) {
      node.deferred_proposal_ = std::make_pair(due, r);  // a newer request replaces an older one
      return;
    }
    if (pace != Pace::now) node.count_paced(pace);
    node.deferred_proposal_.reset();
    node.replies_.emplace_back(node.executor_->propose(r, node.now(), node.self_));
  }
  void request_validate(const consensus::RequestValidate& r) { node.replies_.emplace_back(node.executor_->validate(r)); }
  void request_sync(const consensus::RequestSync& r) {
    if (r.hint == node.self_ || r.hint >= node.bus_.party_count() || r.from == 0 || r.from > r.to) return;
    const Height to = std::min<Height>(r.to, r.from + NodeMessage::max_sync_blocks - 1);
    (void)node.bus_.send(r.hint, NodeMessage::sync_request(r.from, to).to_bytes());
    node.event("sync", "asked node " + std::to_string(r.hint) + " for heights " + std::to_string(r.from) + "-" +
                           std::to_string(to));
  }
  void commit(const consensus::Decision& d) {
    const auto t = std::chrono::steady_clock::now();
    const auto& result = node.executor_->commit(d);
    node.wal_.clear();  // the messages were for this height or older
    node.metrics_.block_commit_seconds.observe(seconds_since(t));
    if (node.last_commit_ != std::chrono::steady_clock::time_point{}) {
      node.metrics_.block_interval_seconds.observe(seconds_since(node.last_commit_));
    }
    node.last_commit_ = std::chrono::steady_clock::now();
    node.mempool_changed_ = node.last_commit_;
    node.maintain_ledger(d.block.header.height);
    node.publish_height(d.block.header.height);
    std::size_t ok = 0;
    for (const auto& tx : result.results) ok += tx.ok() ? 1U : 0U;
    node.remember(d, result);
    // The set of height + 2 (ABCI's rule), changed or not: the engine waits
    // for it before that height.
    const Height h = d.block.header.height;
    node.replies_.emplace_back(node.executor_->validators_decided(h + 2));
    if (!result.validator_changes.empty()) {
      node.event("validators", "height " + std::to_string(h) + " changed the validator set from height " +
                                   std::to_string(h + 2) + " on");
    }
    node.event("commit", "height " + std::to_string(d.block.header.height) + " block " + d.block.hash().short_hex() +
                             " round " + std::to_string(d.certificate.round) + " txs " +
                             std::to_string(result.results.size()) + " ok " + std::to_string(ok) + " app " +
                             node.app_store_.ledger().app_hash().short_hex());
  }
  void evidence(const consensus::Evidence& e) {
    if (!node.evidence_.add(e)) return;  // already kept (found again after a restart)
    ++node.counts_.evidence;
    node.event("evidence", "validator " + std::to_string(e.first.voter) + " signed two conflicting votes at height " +
                               std::to_string(e.first.height) + " round " + std::to_string(e.first.round));
  }
  void rejected(const Rejection& r) {
    ++node.counts_.rejections;
    node.event("rejected", r.describe());
  }
  void metric(const consensus::Metric& m) {
    if (m.id == consensus::MetricId::rounds_for_height) {
      node.metrics_.rounds_per_height.observe(static_cast<double>(m.value));
    }
  }
};

Node::Node(NodeSettings settings, consensus::Genesis genesis, NodeId self, consensus::Crypto& crypto,
           net::MessageBus& bus, ledger::Store& store, consensus::Application& app)
    : settings_(std::move(settings)),
      genesis_(std::move(genesis)),
      self_(self),
      crypto_(crypto),
      bus_(bus),
      app_(app),
      app_store_(store, open_options(store)),
      safety_(store),
      wal_(store),
      evidence_(store),
      epoch_(std::chrono::steady_clock::now()) {
  if (settings_.chain_id.empty()) throw InvalidArgument("Node: the chain id is empty");
  if (genesis_.chain_id != settings_.chain_id) {
    throw InvalidArgument("Node: the genesis names chain '" + genesis_.chain_id + "', the settings '" +
                          settings_.chain_id + "'");
  }
  if (bus_.party_id() != self_ || bus_.party_count() != genesis_.validators.size()) {
    throw InvalidArgument("Node: the bus is party " + std::to_string(bus_.party_id()) + " of " +
                          std::to_string(bus_.party_count()) + ", the node validator " + std::to_string(self_) +
                          " of " + std::to_string(genesis_.validators.size()));
  }
  consensus::TendermintConfig tc = settings_.engine;
  tc.chain_id = settings_.chain_id;
  tc.validators = genesis_.validators;
  tc.self = self_;
  tc.validator_changes = true;
  tc.bugs = {};
  if (settings_.retain_heights > 0 && settings_.retain_heights < settings_.snapshot_interval) {
    throw InvalidArgument("Node: retain_heights (" + std::to_string(settings_.retain_heights) +
                          ") is below snapshot_interval (" + std::to_string(settings_.snapshot_interval) +
                          "): a node restored from a snapshot would find no blocks after it");
  }
  using consensus::Behaviour;
  if (settings_.behaviour != Behaviour::honest && settings_.behaviour != Behaviour::equivocate &&
      settings_.behaviour != Behaviour::double_vote) {
    throw InvalidArgument("Node: behaviour '" + std::string(to_string(settings_.behaviour)) +
                          "' is not supported (honest, equivocate, double-vote)");
  }
  if (settings_.min_block_interval.count() < 0 ||
      (!settings_.make_engine && std::chrono::nanoseconds(settings_.min_block_interval).count() >= tc.propose_base)) {
    throw InvalidArgument("Node: min_block_interval (" + std::to_string(settings_.min_block_interval.count()) +
                          " ms) must be at least 0 and below the engine's first propose timeout (" +
                          std::to_string(tc.propose_base / 1'000'000) + " ms)");
  }
  if (settings_.proposal_quiet.count() < 0) {
    throw InvalidArgument("Node: proposal_quiet (" + std::to_string(settings_.proposal_quiet.count()) +
                          " ms) is negative");
  }
  if (settings_.make_engine) {
    engine_ = settings_.make_engine(genesis_, self_, crypto_);
    if (!engine_) throw InvalidArgument("Node: make_engine made no engine");
  } else {
    engine_ = std::make_unique<consensus::Tendermint>(std::move(tc), crypto_);
  }
  executor_ = std::make_unique<consensus::AppExecutor>(
      app_, app_store_,
      consensus::ExecutorConfig{settings_.chain_id, settings_.mempool_max_txs, settings_.mempool_max_bytes,
                                genesis_.validators});
  if (settings_.genesis_hash) {
    genesis_hash_ = *settings_.genesis_hash;
  } else {
    Writer w;
    w.string("privfin node genesis v1").string(genesis_.chain_id).bytes(genesis_.validators.to_bytes());
    w.bytes(genesis_.app_state).u64(static_cast<std::uint64_t>(genesis_.time));
    genesis_hash_ = Hash32{Sha256::hash(w.data())};
  }
  peer_heights_.assign(bus_.party_count(), 0);
  foreign_.assign(bus_.party_count(), false);
  env_ = std::make_unique<Env>(Env{*this});
  runtime_ = std::make_unique<consensus::Runtime<Env>>(*env_, *engine_);
}

Node::~Node() = default;

ledger::OpenOptions Node::open_options(const ledger::Store& store) {
  // The tip's certificate is re-verified at open, under the set of its
  // height (the validators column family, else the genesis set).
  ledger::OpenOptions o;
  o.index_transactions = settings_.index_transactions;
  o.verify_certificate = [this, &store](const consensus::Block&, const consensus::CommitCertificate& c) {
    const auto changed = ledger::stored_validators(store, c.height, settings_.engine.limits);
    return consensus::verify_certificate(crypto_, changed ? *changed : genesis_.validators, settings_.chain_id, c);
  };
  return o;
}

TimePoint Node::now() const {
  if (settings_.wall_clock) return wall_clock_now();
  // Steady, in nanoseconds since the node was made.
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - epoch_).count() + 1;
}

void Node::event(std::string_view what, const std::string& detail) const {
  if (settings_.on_event) settings_.on_event(what, detail);
}

void Node::maintain_ledger(Height committed) {
  auto& ledger = app_store_.ledger();
  if (settings_.snapshot_interval > 0 && committed % settings_.snapshot_interval == 0) {
    const auto m = ledger.take_snapshot();
    event("snapshot", "height " + std::to_string(m.height) + ", " + std::to_string(m.chunk_hashes.size()) +
                          " chunks, " + std::to_string(m.keys) + " keys");
    auto kept = ledger.snapshots();
    for (std::size_t i = 0; i + settings_.keep_snapshots < kept.size(); ++i) (void)ledger.delete_snapshot(kept[i].height);
  }
  if (settings_.retain_heights > 0 && committed > settings_.retain_heights) {
    // A bounded step per commit: pruning never holds up a height for long.
    (void)ledger.prune_step(committed - settings_.retain_heights, 20'000);
  }
}

void Node::send_engine_message(NodeId to, const Bytes& payload) {
  auto send = [&](const Bytes& bytes) {
    if (bus_.send(to, NodeMessage::consensus(bytes).to_bytes()) == net::SendStatus::refused) ++counts_.sends_refused;
  };
  using consensus::Behaviour;
  const Behaviour b = settings_.behaviour;
  if (b == Behaviour::honest || to % 2 == 0) return send(payload);
  if (settings_.engine_kind == ChainEngine::Kind::gosig) {
    if (b == Behaviour::equivocate) {
      if (auto other = consensus::gosig_with_other_block(payload, self_, static_cast<std::byte>(to), crypto_)) {
        return send(*other);  // the other block instead
      }
    }
    send(payload);
    const auto votes = consensus::gosig_conflicting_votes(payload, self_, bus_.party_count(), Hash32{Sha256::hash(payload)},
                                                          crypto_, settings_.chain_id);
    if (!votes) return;
    send(votes->first);  // its vote alone, then one for another block
    send(votes->second);
    return;
  }
  const auto m = consensus::Message::from_bytes(payload, settings_.engine.limits);
  std::optional<consensus::Message> other;
  if (b == Behaviour::equivocate) other = consensus::with_other_block(m, static_cast<std::byte>(to));
  if (other) {
    consensus::sign(*other, crypto_, settings_.chain_id);
    return send(other->to_bytes());  // the other block instead
  }
  send(payload);
  const auto* v = std::get_if<consensus::Vote>(&m.body);
  if (v == nullptr || v->voter != self_) return;
  other = consensus::with_other_vote(m, Hash32{Sha256::hash(payload)});
  consensus::sign(*other, crypto_, settings_.chain_id);
  send(other->to_bytes());  // and a conflicting vote after the vote
}

std::vector<consensus::Evidence> Node::evidence(Height from, std::size_t max) const {
  return evidence_.list(from, max, settings_.engine.limits);
}

void Node::start() {
  if (started_) throw InvalidArgument("Node: started twice");
  started_ = true;
  if (app_store_.initialized()) {
    executor_->recover();
  } else {
    (void)executor_->init_chain(genesis_);
  }
  consensus::Start s;
  s.committed = app_store_.ledger().height();
  publish_height(s.committed);
  if (s.committed > 0) {
    auto block = app_store_.ledger().block(s.committed);
    auto cert = app_store_.ledger().certificate(s.committed);
    if (block && cert) s.tip = consensus::Decision{std::move(*block), std::move(*cert)};
  }
  s.record = safety_.load(settings_.engine.limits);
  s.validators = executor_->validators_for_start(s.committed);
  event("start", "height " + std::to_string(s.committed) + (s.record ? ", safety record at height " +
                                                                           std::to_string(s.record->height)
                                                                     : ", no safety record"));
  input(s);
  // The messages received at the height the node was working on when it
  // stopped: the engine gets them again at once (the rest are refused as stale).
  const auto logged = wal_.entries();
  for (const auto& [from, payload] : logged) input(consensus::MessageIn{from, payload});
  if (!logged.empty() || wal_.skipped() > 0) {
    event("wal", "replayed " + std::to_string(logged.size()) + " messages" +
                     (wal_.skipped() > 0 ? ", skipped " + std::to_string(wal_.skipped()) + " damaged entries" : ""));
  }
}

void Node::input(const consensus::Input& in) {
  runtime_->input(now(), in);
  while (!replies_.empty()) {
    consensus::Input next = std::move(replies_.front());
    replies_.pop_front();
    runtime_->input(now(), next);
  }
  observe_engine();
}

void Node::observe_engine() {
  const auto p = engine_->position();
  const std::uint8_t step = std::min<std::uint8_t>(p.step, static_cast<std::uint8_t>(metrics_.step_seconds.size() - 1));
  if (p.height == seen_height_ && p.round == seen_round_ && step == seen_step_) return;
  const auto t = std::chrono::steady_clock::now();
  if (seen_since_ != std::chrono::steady_clock::time_point{}) {
    metrics_.step_seconds[seen_step_].observe(std::chrono::duration<double>(t - seen_since_).count());
    // The same height in a later round: the round ended without a decision.
    if (p.height == seen_height_ && p.round > seen_round_) ++metrics_.missed_rounds[seen_step_];
  }
  seen_height_ = p.height;
  seen_round_ = p.round;
  seen_step_ = step;
  seen_since_ = t;
}

void Node::note_admitted(const Hash32& h) {
  if (!admitted_at_.try_emplace(h, std::chrono::steady_clock::now())) return;
  admitted_order_.push_back(h);
  while (admitted_order_.size() > settings_.mempool_max_txs) {
    admitted_at_.erase(admitted_order_.front());  // never committed (or long ago): forgotten
    admitted_order_.pop_front();
  }
}

std::chrono::steady_clock::time_point Node::proposal_due() const {
  const bool paced = settings_.min_block_interval.count() > 0 && last_commit_ != std::chrono::steady_clock::time_point{};
  return paced ? last_commit_ + settings_.min_block_interval : std::chrono::steady_clock::time_point{};
}

// Pacing is for a chain with little to do: a mempool that already holds a
// full block's bytes gains nothing by waiting, so it is proposed at once.
Node::Pace Node::pace(std::chrono::steady_clock::time_point due, const consensus::RequestProposal& r) const {
  const auto now = std::chrono::steady_clock::now();
  if (now >= due) return Pace::now;
  if (r.max_bytes > 0 && executor_->mempool_bytes() >= r.max_bytes) return Pace::early;
  return now >= quiet_due() ? Pace::quiet : Pace::wait;
}

std::chrono::steady_clock::time_point Node::quiet_due() const {
  if (settings_.proposal_quiet.count() <= 0 || executor_->mempool_size() == 0) {
    return std::chrono::steady_clock::time_point::max();
  }
  return mempool_changed_ + settings_.proposal_quiet;
}

void Node::propose_when_due() {
  if (executor_->mempool_size() != mempool_seen_) {
    mempool_seen_ = executor_->mempool_size();
    mempool_changed_ = std::chrono::steady_clock::now();
  }
  if (!deferred_proposal_) return;
  const Pace pace = this->pace(deferred_proposal_->first, deferred_proposal_->second);
  if (pace == Pace::wait) return;
  const auto r = std::move(deferred_proposal_->second);
  deferred_proposal_.reset();
  // While it waited, the node may have committed that height (a decision
  // from its peers, or block sync): the request is stale, and dropped.
  if (r.height != app_store_.ledger().height() + 1 || engine_->position().height != r.height) return;
  count_paced(pace);
  input(executor_->propose(r, now(), self_));
}

void Node::count_paced(Pace pace) {
  if (pace == Pace::early) ++metrics_.proposals_full_early;
  else if (pace == Pace::quiet) ++metrics_.proposals_quiet;
  else ++metrics_.proposals_held;  // made once the interval had passed
}

void Node::fire_due_timers() {
  while (!timers_.empty() && timers_.begin()->first <= now()) {
    const consensus::TimerId id = timers_.begin()->second;
    timers_.erase(timers_.begin());
    if (cancelled_.erase(id) == 1) continue;
    input(consensus::TimerFired{id});
  }
}

std::size_t Node::poll(std::chrono::milliseconds max_wait) {
  if (!started_) throw InvalidArgument("Node: poll before start");
  std::size_t handled = 0;
  run_mailbox();
  heartbeat();
  fire_due_timers();
  // In microseconds: a wait for a timer or a proposal's pacing is not
  // rounded up to the next millisecond (half a millisecond per height on
  // average at the quiet rule's 3 ms).
  using std::chrono::microseconds;
  microseconds wait = max_wait;
  {
    const std::lock_guard lock(mailbox_mutex_);
    if (!mailbox_.empty()) wait = microseconds(0);
  }
  // The mempool's re-check after a commit, a slice per turn, between the
  // engine's inputs rather than inside the commit (AppExecutor::recheck).
  if (executor_->recheck(recheck_slice) > 0) wait = microseconds(0);
  if (!timers_.empty()) {
    const auto until = std::chrono::nanoseconds(std::max<TimePoint>(timers_.begin()->first - now(), 0));
    wait = std::min(wait, std::chrono::ceil<microseconds>(until));
  }
  if (deferred_proposal_) {
    const auto until = std::min(deferred_proposal_->first, quiet_due()) - std::chrono::steady_clock::now();
    wait = std::min(wait, std::max(std::chrono::ceil<microseconds>(until), microseconds(0)));
  }
  // Up to 1,024 messages per turn, so that timers are never starved.
  for (auto in = bus_.receive(wait); in && handled < 1024; in = bus_.receive(microseconds(0))) {
    handle(in->from, in->message);
    ++handled;
  }
  admit_gossiped();
  fire_due_timers();
  propose_when_due();
  run_mailbox();
  return handled;
}

void Node::heartbeat() {
  const auto t = std::chrono::steady_clock::now();
  if (t < next_heartbeat_) return;
  next_heartbeat_ = t + settings_.heartbeat_interval;
  const Bytes status = NodeMessage::status(genesis_hash_, app_store_.ledger().height()).to_bytes();
  for (std::size_t p = 0; p < bus_.party_count(); ++p) {
    // Keyed: a newer heartbeat replaces one still queued for a peer that is down.
    if (p != self_) (void)bus_.send_keyed(p, 0x7374617475730000ULL, status);
  }
}

void Node::handle(std::size_t from, const Bytes& bytes) {
  NodeMessage m;
  try {
    m = NodeMessage::from_bytes(bytes, settings_.engine.limits);
  } catch (const DecodeError& e) {
    ++counts_.rejections;
    event("rejected", "node " + std::to_string(self_) + " refused a message from node " + std::to_string(from) +
                          ": " + e.what());
    return;
  }
  if (m.kind == NodeMessageKind::status) {
    const bool foreign = m.genesis != genesis_hash_;
    if (foreign && !foreign_[from]) {
      event("peer", "node " + std::to_string(from) + " runs genesis " + m.genesis.short_hex() + ", this node " +
                        genesis_hash_.short_hex() + ": its messages are ignored");
    }
    foreign_[from] = foreign;
    if (foreign) return;
    peer_heights_[from] = m.to;
    const Height mine = app_store_.ledger().height();
    const auto t = std::chrono::steady_clock::now();
    if (m.to > mine + 1 && t - last_sync_ask_ >= settings_.heartbeat_interval) {
      last_sync_ask_ = t;
      const Height to = std::min<Height>(m.to, mine + NodeMessage::max_sync_blocks);
      (void)bus_.send(from, NodeMessage::sync_request(mine + 1, to).to_bytes());
      event("sync", "node " + std::to_string(from) + " is at height " + std::to_string(m.to) + ": asked for " +
                        std::to_string(mine + 1) + "-" + std::to_string(to));
    }
    return;
  }
  if (foreign_[from]) {
    ++counts_.foreign_genesis;
    return;
  }
  switch (m.kind) {
    case NodeMessageKind::status: break;  // handled above
    case NodeMessageKind::consensus:
      // Logged before the engine sees it: a restart replays it (wal_store.hpp).
      (void)wal_.append(static_cast<NodeId>(from), m.payload);
      input(consensus::MessageIn{static_cast<NodeId>(from), std::move(m.payload)});
      break;
    case NodeMessageKind::transaction:  // admitted or not, not sent on
      gossiped_.push_back(std::move(m.payload));  // at the end of the turn: admit_gossiped
      break;
    case NodeMessageKind::transactions:
      for (auto& tx : m.txs) gossiped_.push_back(std::move(tx));
      break;
    case NodeMessageKind::sync_request: {
      const auto& ledger = app_store_.ledger();
      std::vector<consensus::Decision> blocks;
      for (Height h = std::max(m.from, ledger.retain_height() + 1);
           h <= std::min(m.to, ledger.height()) && blocks.size() < NodeMessage::max_sync_blocks; ++h) {
        auto block = ledger.block(h);
        auto cert = ledger.certificate(h);
        if (!block || !cert) break;
        blocks.push_back(consensus::Decision{std::move(*block), std::move(*cert)});
      }
      if (!blocks.empty()) (void)bus_.send(from, NodeMessage::sync_response(std::move(blocks)).to_bytes());
      break;
    }
    case NodeMessageKind::snapshot_request: {
      const auto kept = app_store_.ledger().snapshots();
      (void)bus_.send(from, NodeMessage::snapshot_offer(kept.empty() ? Bytes{} : kept.back().to_bytes()).to_bytes());
      break;
    }
    case NodeMessageKind::chunk_request:
      if (auto chunk = app_store_.ledger().snapshot_chunk(m.from, m.index)) {
        (void)bus_.send(from, NodeMessage::chunk(m.from, m.index, std::move(*chunk)).to_bytes());
      }
      break;
    case NodeMessageKind::validators_request: {
      // The sets are known up to the committed height + 2 (decided two heights ahead).
      const Height top = app_store_.ledger().height() + 2;
      if (m.from == 0 || m.from > top) break;
      std::vector<consensus::ValidatorSet> sets;
      for (Height h = m.from; h <= std::min<Height>(top, m.from + NodeMessage::max_sets - 1); ++h) {
        sets.push_back(executor_->validators_at(h));
      }
      (void)bus_.send(from, NodeMessage::validators(m.from, std::move(sets)).to_bytes());
      break;
    }
    case NodeMessageKind::snapshot_offer:
    case NodeMessageKind::chunk:
    case NodeMessageKind::validators: break;  // for a node that is restoring (StateSync), not a running one
    case NodeMessageKind::sync_response:
      for (auto& d : m.blocks) {
        const Height before = app_store_.ledger().height();
        if (d.block.header.height != before + 1) continue;
        input(consensus::BlockSynced{std::move(d)});
        if (app_store_.ledger().height() == before) break;  // refused: the engine said why
        ++counts_.synced;
      }
      break;
  }
}

void Node::remember(const consensus::Decision& d, const consensus::FinalizeResult& result) {
  const auto& ids = executor_->committed_ids();  // the block's transactions, hashed once by the executor
  // Both maps are megabytes of random slots: each lookup would wait for
  // memory (two misses were most of this function, 6% of a node under
  // commands), so the slots of the transactions `ahead` further are
  // requested before each one is done.
  // A ledger with its transaction index holds the newest entries in memory
  // itself (and the results on disk): a second map of the same
  // transactions here would cost every commit as much again for nothing.
  const bool keep = !app_store_.ledger().indexes_transactions();
  constexpr std::size_t ahead = 8;
  const auto prefetch = [&](const Hash32& h) {
    admitted_at_.prefetch(h);
    if (keep) committed_txs_.prefetch(h);
  };
  for (std::size_t i = 0; i < ids.size() && i < ahead; ++i) prefetch(ids[i]);
  for (std::size_t i = 0; i < ids.size() && i < result.results.size(); ++i) {
    if (i + ahead < ids.size()) prefetch(ids[i + ahead]);
    const Hash32& h = ids[i];
    if (const auto* at = admitted_at_.find(h)) {
      metrics_.commit_latency_seconds.observe(seconds_since(*at));
      admitted_at_.erase(h);  // its entry in admitted_order_ goes when it reaches the front
    }
    if (keep && committed_txs_.insert_or_assign(h, TxLocation{d.block.header.height, i, result.results[i]})) {
      committed_order_.push_back(h);
    }
  }
  // The oldest leave, in the same way.
  const std::size_t leaving =
      committed_order_.size() > settings_.remembered_txs ? committed_order_.size() - settings_.remembered_txs : 0;
  for (std::size_t k = 0; k < leaving && k < ahead; ++k) committed_txs_.prefetch(committed_order_[k]);
  for (std::size_t k = 0; k < leaving; ++k) {
    if (ahead < leaving - k) committed_txs_.prefetch(committed_order_[ahead]);
    committed_txs_.erase(committed_order_.front());
    committed_order_.pop_front();
  }
}

std::optional<Node::TxLocation> Node::find_committed(const Hash32& tx_hash) const {
  if (const TxLocation* at = committed_txs_.find(tx_hash)) return *at;
  const auto& ledger = app_store_.ledger();
  if (!ledger.indexes_transactions()) return std::nullopt;
  const auto at = ledger.transaction_position(tx_hash);  // no inclusion proof: the place is enough
  if (!at) return std::nullopt;
  return TxLocation{at->height, at->index, stored_result(ledger, *at)};
}

consensus::TxResult stored_result(const ledger::Ledger& ledger, const ledger::Ledger::TransactionPosition& at) {
  const auto corrupt = [&](const std::string& why) {
    return ledger::StoreCorruption(at.height, "results", ledger::height_key(at.height), why);
  };
  const auto raw = ledger.results(at.height);
  if (!raw) throw corrupt("missing for a height whose block is kept");
  std::vector<consensus::TxResult> results;
  try {
    results = consensus::results_from_bytes(*raw);
  } catch (const DecodeError& e) {
    throw corrupt(e.what());
  }
  if (at.index >= results.size()) {
    throw corrupt("no result for transaction " + std::to_string(at.index) + " (" + std::to_string(results.size()) +
                  " results)");
  }
  return std::move(results[at.index]);
}

std::size_t Node::peers_connected() const {
  std::size_t n = 0;
  for (std::size_t p = 0; p < bus_.party_count(); ++p) {
    if (p != self_ && bus_.connected(p)) ++n;
  }
  return n;
}

void Node::publish_height(Height h) {
  {
    const std::lock_guard lock(height_mutex_);
    published_height_ = h;
  }
  height_changed_.notify_all();
}

Height Node::wait_for_height_above(Height height, std::chrono::milliseconds max_wait) const {
  std::unique_lock lock(height_mutex_);
  height_changed_.wait_for(lock, max_wait, [&] { return published_height_ > height; });
  return published_height_;
}

void Node::post(std::function<void()> task) {
  {
    const std::lock_guard lock(mailbox_mutex_);
    mailbox_.push_back(std::move(task));
  }
  // A poll waiting for messages would run the task only after its wait (up
  // to its max_wait: 10 ms per client API call in privfin-node).
  bus_.wake();
}

void Node::run_mailbox() {
  std::deque<std::function<void()>> tasks;
  {
    const std::lock_guard lock(mailbox_mutex_);
    tasks.swap(mailbox_);
  }
  for (auto& t : tasks) t();
}

void Node::gossip_admitted(ByteView tx) {
  note_admitted(Hash32{Sha256::hash(tx)});
  counts_.sends_refused += bus_.broadcast(NodeMessage::transaction(Bytes(tx.begin(), tx.end())).to_bytes());
}

consensus::TxVerdict Node::submit(ByteView tx) {
  if (!started_) throw InvalidArgument("Node: submit before start");
  auto verdict = executor_->submit(tx);
  if (verdict.ok()) gossip_admitted(tx);
  return verdict;
}

std::vector<consensus::TxVerdict> Node::submit_many(std::span<const Bytes> txs) {
  if (!started_) throw InvalidArgument("Node: submit before start");
  auto verdicts = executor_->submit_many(txs);
  // The admitted ones go to the peers together, in messages of at most
  // NodeMessage's gossip limits: one message instead of one per
  // transaction, and the receivers verify their signatures as one batch.
  std::vector<Bytes> batch;
  std::size_t batch_bytes = 0;
  const auto send = [&] {
    if (batch.empty()) return;
    counts_.sends_refused += bus_.broadcast(NodeMessage::transactions(std::move(batch)).to_bytes());
    batch.clear();
    batch_bytes = 0;
  };
  for (std::size_t i = 0; i < txs.size(); ++i) {
    if (!verdicts[i].ok()) continue;
    // Larger than a batch may be (an application's own limit may allow it;
    // peers with a larger max_body take it): alone, as one transaction.
    if (txs[i].size() > NodeMessage::max_gossip_bytes) {
      gossip_admitted(txs[i]);
      continue;
    }
    note_admitted(executor_->submitted_ids()[i]);
    if (batch.size() == NodeMessage::max_gossip_txs || batch_bytes + txs[i].size() > NodeMessage::max_gossip_bytes) {
      send();
    }
    batch.push_back(txs[i]);
    batch_bytes += txs[i].size();
  }
  send();
  return verdicts;
}

void Node::admit_gossiped() {
  if (gossiped_.empty()) return;
  const auto verdicts = executor_->submit_many(gossiped_);
  for (std::size_t i = 0; i < gossiped_.size(); ++i) {
    if (verdicts[i].ok()) note_admitted(executor_->submitted_ids()[i]);
  }
  gossiped_.clear();
}

consensus::QueryResult Node::query(std::string_view path, ByteView key, Height h, bool prove) const {
  return app_.query(app_store_, path, key, h, prove);
}

NodeStatus Node::status() const {
  NodeStatus s = counts_;
  if (app_store_.initialized()) {
    s.height = app_store_.ledger().height();
    s.app_hash = app_store_.ledger().app_hash();
  }
  s.mempool = executor_ ? executor_->mempool_size() : 0;
  for (std::size_t p = 0; p < bus_.party_count(); ++p) {
    if (p == self_) continue;
    const auto c = bus_.counters(p);
    s.messages_sent += c.messages_sent;
    s.messages_received += c.messages_received;
    s.bytes_sent += c.bytes_sent;
    s.bytes_received += c.bytes_received;
  }
  return s;
}

void use_chain_engine(NodeSettings& settings, const ChainEngine& engine, std::optional<SecretBytes> vrf_secret) {
  if (engine.kind == ChainEngine::Kind::tendermint) return;
  if (!vrf_secret) throw InvalidArgument("use_chain_engine: a Gosig chain needs this validator's VRF secret key");
  // The sortition lives as long as the settings' copy of this function,
  // which the node keeps longer than the engine.
  auto sortition = std::make_shared<std::unique_ptr<consensus::VrfSortition>>();
  auto secret = std::make_shared<const SecretBytes>(std::move(*vrf_secret));
  settings.wall_clock = true;
  settings.engine_kind = engine.kind;
  settings.make_engine = [engine, sortition, secret](const consensus::Genesis& genesis, NodeId self,
                                                    consensus::Crypto& crypto) -> std::unique_ptr<consensus::Engine> {
    std::vector<Bytes> vrf_keys;
    for (NodeId i = 0; i < genesis.validators.size(); ++i) {
      if (genesis.validators.at(i).vrf_key.empty()) {
        throw InvalidArgument("Node: validator " + std::to_string(i) + " has no VRF key, which Gosig's sortition needs");
      }
      vrf_keys.push_back(genesis.validators.at(i).vrf_key);
    }
    *sortition = std::make_unique<consensus::VrfSortition>(genesis.chain_id, std::move(vrf_keys), self, *secret,
                                                           engine.expected_candidates);
    consensus::GosigConfig c;
    c.chain_id = genesis.chain_id;
    c.validators = genesis.validators;
    c.self = self;
    c.genesis_time = genesis.time;
    c.stage_one = engine.stage_one;
    c.stage_two = engine.stage_two;
    c.validator_changes = true;  // as the Tendermint-form engine: the runtime sends each height's set
    return std::make_unique<consensus::Gosig>(std::move(c), crypto, **sortition);
  };
}

}  // namespace privfin::node
