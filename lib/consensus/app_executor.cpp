#include "privfin/consensus/app_executor.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <unordered_set>

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::consensus {

namespace {

Hash32 id_of(ByteView tx) {
  Hash32 id;
  id.v = Sha256::hash(tx);
  return id;
}

// A MemoryState batch owned through the StateWriter interface.
class OwnedBatch final : public StateWriter {
 public:
  explicit OwnedBatch(MemoryState::Batch batch) : batch_(std::move(batch)) {}
  [[nodiscard]] std::optional<Bytes> get(ByteView key) const override { return batch_.get(key); }
  void put(ByteView key, ByteView value) override { batch_.put(key, value); }
  void erase(ByteView key) override { batch_.erase(key); }
  MemoryState::Batch batch_;
};

}  // namespace

std::unique_ptr<StateWriter> MemoryAppStore::begin_height(Height h) {
  return std::make_unique<OwnedBatch>(state_.writer(h));
}

Hash32 MemoryAppStore::commit_height(std::unique_ptr<StateWriter> batch, const Decision* decision, ByteView results,
                                     const ValidatorSet* next_validators) {
  (void)results;  // kept by the ledger's store, not here
  auto* owned = dynamic_cast<OwnedBatch*>(batch.get());
  if (owned == nullptr) throw InvalidArgument("MemoryAppStore: a batch of another store");
  const Height h = owned->batch_.height();
  state_.commit(std::move(owned->batch_));
  // The whole state at h, sorted by key (MemoryState keeps keys sorted).
  Writer w;
  w.string("privfin memory app state v1").u64(h);
  state_.for_each(h, [&](ByteView key, ByteView value) { w.bytes(key).bytes(value); });
  Hash32 hash;
  const auto d = Sha256::hash(w.data());
  std::copy(d.begin(), d.end(), hash.v.begin());
  hashes_.push_back(hash);
  if (decision != nullptr) blocks_.push_back(*decision);
  if (next_validators != nullptr) validators_.insert_or_assign(h + 2, *next_validators);
  return hash;
}

std::optional<ValidatorSet> MemoryAppStore::validators_from(Height h) const {
  auto it = validators_.upper_bound(h);
  if (it == validators_.begin()) return std::nullopt;
  return std::prev(it)->second;
}

Hash32 MemoryAppStore::app_hash(Height h) const {
  if (h >= hashes_.size()) throw InvalidArgument("MemoryAppStore: no app hash for height " + std::to_string(h));
  return hashes_[h];
}

// The latest committed state with the admitted transactions' writes on top.
class AppExecutor::CheckState final : public StateWriter {
 public:
  explicit CheckState(const AppStore& store) : store_(&store) {}
  [[nodiscard]] std::optional<Bytes> get(ByteView key) const override {
    const auto it = writes_.find(std::string(reinterpret_cast<const char*>(key.data()), key.size()));
    if (it != writes_.end()) return it->second;
    return store_->latest().get(key);
  }
  void put(ByteView key, ByteView value) override {
    writes_[std::string(reinterpret_cast<const char*>(key.data()), key.size())] = Bytes(value.begin(), value.end());
  }
  void erase(ByteView key) override {
    writes_[std::string(reinterpret_cast<const char*>(key.data()), key.size())] = std::nullopt;
  }
  void clear() { writes_.clear(); }

 private:
  const AppStore* store_;
  std::map<std::string, std::optional<Bytes>> writes_;
};

AppExecutor::AppExecutor(Application& app, AppStore& store, ExecutorConfig config)
    : app_(app),
      checked_(app),
      check_state_(std::make_unique<CheckState>(store)),
      store_(store),
      config_(std::move(config)) {}

AppExecutor::~AppExecutor() = default;

TxVerdict AppExecutor::admit(ByteView tx, CheckKind kind) {
  TxVerdict verdict = checked_.check_tx(*check_state_, tx, kind);
  if (!verdict.ok()) return verdict;
  const Height next = store_.latest_height() + 1;
  DecidedBlock alone;
  alone.context.chain_id = config_.chain_id;
  alone.context.height = next;
  alone.txs.emplace_back(tx.begin(), tx.end());
  const auto effect = app_.finalize_block(alone, *check_state_);
  if (effect.results.size() == 1 && !effect.results[0].ok()) return effect.results[0];
  return verdict;
}

InitResult AppExecutor::init_chain(const Genesis& genesis) {
  if (store_.initialized()) throw InvalidArgument("AppExecutor: the store holds state already: recover()");
  auto batch = store_.begin_height(0);
  InitResult result = checked_.init_chain(genesis, *batch);
  (void)store_.commit_height(std::move(batch), nullptr, {}, nullptr);
  return result;
}

void AppExecutor::recover() {
  if (!store_.initialized()) throw InvalidArgument("AppExecutor: nothing to recover: init_chain()");
  checked_.recover(store_.latest_height());
}

std::size_t AppExecutor::recheck(std::size_t max_txs) {
  for (std::size_t done = 0; done < max_txs && rechecked_ < mempool_.size(); ++done) {
    const auto at = static_cast<std::ptrdiff_t>(rechecked_);
    if (admit(mempool_[rechecked_], CheckKind::recheck).ok()) {
      ++rechecked_;
      continue;
    }
    mempool_ids_.erase(mempool_order_ids_[rechecked_]);
    mempool_bytes_ -= mempool_[rechecked_].size();
    mempool_.erase(mempool_.begin() + at);
    mempool_order_ids_.erase(mempool_order_ids_.begin() + at);
  }
  return pending_rechecks();
}

TxVerdict AppExecutor::submit(ByteView tx) { return submit(tx, id_of(tx)); }

TxVerdict AppExecutor::submit(ByteView tx, const Hash32& id) {
  (void)recheck(mempool_.size());  // the check state must hold every transaction before it
  if (mempool_ids_.contains(id)) return {TxCode::invalid, "already in the mempool"};
  if (mempool_.size() >= config_.max_txs || mempool_bytes_ + tx.size() > config_.max_bytes) {
    return {TxCode::mempool_full, "mempool full"};
  }
  TxVerdict verdict = admit(tx, CheckKind::fresh);
  if (!verdict.ok()) return verdict;
  mempool_.emplace_back(tx.begin(), tx.end());
  mempool_order_ids_.push_back(id);
  ++rechecked_;
  mempool_ids_.insert(id);
  mempool_bytes_ += tx.size();
  return verdict;
}

std::vector<TxVerdict> AppExecutor::submit_many(std::span<const Bytes> txs) {
  app_.will_check(txs);
  std::vector<TxVerdict> verdicts;
  verdicts.reserve(txs.size());
  submitted_ids_.clear();
  for (const auto& tx : txs) {
    submitted_ids_.push_back(id_of(tx));
    verdicts.push_back(submit(tx, submitted_ids_.back()));
  }
  return verdicts;
}

ValidatorSet AppExecutor::validators_at(Height h) const {
  if (auto changed = store_.validators_from(h)) return std::move(*changed);
  if (config_.validators.size() == 0) {
    throw InvalidArgument("AppExecutor: the validator set of height " + std::to_string(h) +
                          " is needed, but ExecutorConfig names no genesis set");
  }
  return config_.validators;
}

void AppExecutor::require_next(Height h, const char* what) const {
  if (!store_.initialized() || h != store_.latest_height() + 1) {
    throw InvalidArgument(std::string("AppExecutor::") + what + ": height " + std::to_string(h) +
                          " but the store is at " + std::to_string(store_.latest_height()));
  }
}

ProposalReady AppExecutor::propose(const RequestProposal& request, TimePoint now, NodeId self) {
  require_next(request.height, "propose");
  (void)recheck(mempool_.size());
  const BlockContext context{config_.chain_id, request.height, now, self};
  const auto txs = checked_.prepare_proposal(context, mempool_, request.max_bytes);
  return ProposalReady{request.height, request.round, transactions_to_bytes(txs), store_.app_hash(request.height - 1)};
}

ProposalChecked AppExecutor::validate(const RequestValidate& request) {
  require_next(request.height, "validate");
  ProposalChecked out{request.height, request.round, request.block, false};
  if (request.header.app_hash != store_.app_hash(request.height - 1)) return out;  // another application state
  std::vector<Bytes> txs;
  try {
    txs = transactions_from_bytes(request.body);
  } catch (const DecodeError&) {
    return out;
  }
  const BlockContext context{config_.chain_id, request.height, request.header.time, request.header.proposer};
  out.accept = checked_.process_proposal(store_.latest(), context, txs);
  return out;
}

const FinalizeResult& AppExecutor::commit(const Decision& decision) {
  const BlockHeader& header = decision.block.header;
  require_next(header.height, "commit");
  // The engine decided this body with 2f+1 votes: honest nodes validated it, so it decodes.
  const auto txs = transactions_from_bytes(decision.block.body);
  auto batch = store_.begin_height(header.height);
  const DecidedBlock block{{config_.chain_id, header.height, header.time, header.proposer}, decision.block.hash(), txs};
  FinalizeResult result = checked_.finalize_block(block, *batch);
  const auto& changes = result.validator_changes;
  std::optional<ValidatorSet> next;
  if (!changes.empty()) next = apply_changes(validators_at(header.height + 1), changes);
  (void)store_.commit_height(std::move(batch), &decision, results_to_bytes(result), next ? &*next : nullptr);
  checked_.committed(header.height);
  last_result_ = std::move(result);
  committed_ids_.clear();
  committed_ids_.reserve(txs.size());
  for (const auto& tx : txs) committed_ids_.push_back(id_of(tx));
  // Included transactions leave the mempool (found by the ids kept beside
  // it, not hashed again); the others wait for recheck() against the new
  // state.
  Hash32Set included;
  included.reserve(committed_ids_.size());
  for (const auto& id : committed_ids_) included.insert(id);
  std::size_t kept = 0;
  for (std::size_t i = 0; i < mempool_.size(); ++i) {
    const Hash32& id = mempool_order_ids_[i];
    if (!included.contains(id)) {
      if (kept != i) {
        mempool_[kept] = std::move(mempool_[i]);
        mempool_order_ids_[kept] = id;
      }
      ++kept;
      continue;
    }
    mempool_ids_.erase(id);
    mempool_bytes_ -= mempool_[i].size();
  }
  mempool_.resize(kept);
  mempool_order_ids_.resize(kept);
  rechecked_ = 0;
  check_state_->clear();
  return last_result_;
}

}  // namespace privfin::consensus
