// privfin/consensus/app_executor.hpp — binds an Application and its state
// store to an engine: answers the engine's RequestProposal and
// RequestValidate, executes every Commit (finalize_block, the height's
// batch made durable, committed), and keeps the mempool. The runtime's
// environment (the simulator's or a real node's) calls it from its
// request_proposal / request_validate / commit hooks and feeds the replies
// back to the engine as inputs.
//
//   MemoryAppStore store;                           // or the ledger's store
//   AppExecutor exec(app, store, {.chain_id = "settlement"});
//   exec.init_chain(genesis);                       // clean start (recovery: nothing to do)
//   exec.submit(tx);                                // mempool admission: check_tx
//   ProposalReady r = exec.propose(request, now, self);   // for RequestProposal
//   ProposalChecked c = exec.validate(request);           // for RequestValidate
//   exec.commit(decision);                          // for Commit
//
// Every call goes through a CheckedApplication, so a runtime that calls
// out of order fails at once (InvalidArgument "application call order").
// The header's app_hash is the store's state root after height - 1: a
// proposal that names another is refused (the proposer's application
// diverged), as is a body that does not decode or that the application's
// process_proposal refuses. After each commit the transactions included
// leave the mempool and the others are checked again (CheckKind::recheck),
// the refused ones dropped. The re-check is not on the commit's path: the
// caller runs it in slices when it has time (recheck(max_txs): a node runs
// 256 per poll turn), and submit and propose finish it first, so that what
// they see is exactly what an eager re-check would have left.
//
// Mempool: at most max_txs transactions and max_bytes bytes, de-duplicated
// by SHA-256; a full mempool refuses (TxCode::mempool_full: try again later).
// Admission checks a transaction against the check state: the latest
// committed state plus the effects of the transactions already admitted, in
// order (ABCI's check state), so that a payer's next transaction (nonce
// n + 1) is admitted before n is committed. The effects are the
// application's own finalize_block of that one transaction, run on the
// check state (outside the call grammar: it never touches the ledger). After
// each commit the check state is rebuilt from the new state and the kept
// transactions.
// Errors: InvalidArgument for a request at a height the store is not at
// (the runtime must sync first); what the store throws. Not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "privfin/consensus/app_grammar.hpp"
#include "privfin/consensus/application.hpp"
#include "privfin/consensus/engine.hpp"
#include "privfin/consensus/hash32_map.hpp"
#include "privfin/consensus/memory_state.hpp"

namespace privfin::consensus {

// What the executor needs of the ledger.
class AppStore : public VersionedState {
 public:
  // Whether the genesis state (height 0) is there.
  [[nodiscard]] virtual bool initialized() const = 0;
  // The batch of height h (latest_height() + 1, or 0 for genesis).
  [[nodiscard]] virtual std::unique_ptr<StateWriter> begin_height(Height h) = 0;
  // Makes the batch durable (with the decided block and its results,
  // results_to_bytes, when there is one: not for genesis; and, when the
  // block changed the validator set, `next_validators`: the set of height
  // + 2 on) and returns the app hash after the height.
  virtual Hash32 commit_height(std::unique_ptr<StateWriter> batch, const Decision* decision, ByteView results,
                               const ValidatorSet* next_validators) = 0;
  // The set that signs height h when a committed block changed it (the
  // latest change in force at h); nullopt: the genesis set.
  [[nodiscard]] virtual std::optional<ValidatorSet> validators_from(Height h) const = 0;
  // The app hash after height h.
  [[nodiscard]] virtual Hash32 app_hash(Height h) const = 0;
  // The latest committed state.
  [[nodiscard]] virtual const StateReader& latest() const = 0;
};

// AppStore over MemoryState. The app hash is SHA-256 over the sorted
// (key, value) pairs of the whole state, computed at each commit: exact,
// and linear in the state's size (tests and the simulator; the ledger's
// store keeps a Merkle tree instead).
class MemoryAppStore final : public AppStore {
 public:
  MemoryAppStore() = default;
  MemoryAppStore(const MemoryAppStore&) = delete;  // latest_ refers to state_
  MemoryAppStore& operator=(const MemoryAppStore&) = delete;

  [[nodiscard]] bool initialized() const override { return !state_.empty(); }
  [[nodiscard]] std::unique_ptr<StateWriter> begin_height(Height h) override;
  Hash32 commit_height(std::unique_ptr<StateWriter> batch, const Decision* decision, ByteView results,
                       const ValidatorSet* next_validators) override;
  [[nodiscard]] std::optional<ValidatorSet> validators_from(Height h) const override;
  [[nodiscard]] Hash32 app_hash(Height h) const override;
  [[nodiscard]] const StateReader& latest() const override { return latest_; }
  [[nodiscard]] Height latest_height() const override { return state_.latest_height(); }
  [[nodiscard]] std::optional<Bytes> get(ByteView key, Height h) const override { return state_.get(key, h); }
  [[nodiscard]] Bytes prove(ByteView key, Height h) const override { return state_.prove(key, h); }
  [[nodiscard]] const std::vector<Decision>& blocks() const noexcept { return blocks_; }

 private:
  MemoryState state_;
  MemoryState::Latest latest_{state_};
  std::vector<Hash32> hashes_;  // per height
  std::vector<Decision> blocks_;
  std::map<Height, ValidatorSet> validators_;  // changes, by the first height they sign
};

struct ExecutorConfig {
  std::string chain_id;
  std::size_t max_txs = 10'000;
  std::size_t max_bytes = std::size_t{64} << 20;
  // The genesis set: the set of every height until a block changes it
  // (FinalizeResult::validator_changes). Needed only when the application
  // changes validators (AppExecutor::commit throws InvalidArgument without it).
  ValidatorSet validators{};
};

class AppExecutor {
 public:
  AppExecutor(Application& app, AppStore& store, ExecutorConfig config);
  ~AppExecutor();
  AppExecutor(const AppExecutor&) = delete;
  AppExecutor& operator=(const AppExecutor&) = delete;

  // Clean start: init_chain into height 0. A store that already holds
  // state is a recovery: call recover() instead.
  InitResult init_chain(const Genesis& genesis);
  void recover();

  [[nodiscard]] TxVerdict submit(ByteView tx);
  // submit() of each, in order, after Application::will_check(txs): the
  // same verdicts, cheaper for an application that batches (the reference
  // applications verify the batch's signatures at once).
  [[nodiscard]] std::vector<TxVerdict> submit_many(std::span<const Bytes> txs);
  // The ids (SHA-256) of the last submit_many()'s transactions, in its
  // order, as the mempool keys them: a caller that indexes them too need
  // not hash again.
  [[nodiscard]] std::span<const Hash32> submitted_ids() const noexcept { return submitted_ids_; }
  // Transactions waiting, re-checked or not.
  [[nodiscard]] std::size_t mempool_size() const noexcept { return mempool_.size(); }
  [[nodiscard]] std::size_t mempool_bytes() const noexcept { return mempool_bytes_; }
  // Re-checks up to max_txs of the transactions a commit left unchecked (in
  // mempool order, dropping the refused); returns how many still wait.
  std::size_t recheck(std::size_t max_txs);
  [[nodiscard]] std::size_t pending_rechecks() const noexcept { return mempool_.size() - rechecked_; }

  [[nodiscard]] ProposalReady propose(const RequestProposal& request, TimePoint now, NodeId self);
  [[nodiscard]] ProposalChecked validate(const RequestValidate& request);
  // Returns the results of the block's transactions, in order (valid until
  // the next commit). A block whose FinalizeResult changes validators
  // stores the set of height + 2 with it (InvalidValidatorUpdate for a
  // change apply_changes refuses: nothing is stored then).
  const FinalizeResult& commit(const Decision& decision);
  // SHA-256 of each transaction of the last committed block, in order:
  // computed once by commit() for the mempool, kept for the caller's
  // indexes (the node's committed-transaction lookup).
  [[nodiscard]] const std::vector<Hash32>& committed_ids() const noexcept { return committed_ids_; }
  // The set that signs height h (the store's latest change in force at h,
  // else ExecutorConfig::validators); known up to the committed height + 2.
  [[nodiscard]] ValidatorSet validators_at(Height h) const;
  // What a runtime hands the engine (engine.hpp): ValidatorsDecided for
  // committed + 2 after each commit, and those of committed + 1 and + 2
  // in Start.
  [[nodiscard]] ValidatorsDecided validators_decided(Height h) const { return {h, validators_at(h)}; }
  [[nodiscard]] std::vector<ValidatorsDecided> validators_for_start(Height committed) const {
    return {validators_decided(committed + 1), validators_decided(committed + 2)};
  }

  [[nodiscard]] const CallGrammar& grammar() const noexcept { return checked_.grammar(); }

 private:
  void require_next(Height h, const char* what) const;
  // check_tx against the check state, then its effects applied there.
  [[nodiscard]] TxVerdict admit(ByteView tx, CheckKind kind);
  [[nodiscard]] TxVerdict submit(ByteView tx, const Hash32& id);
  class CheckState;
  Application& app_;
  CheckedApplication checked_;
  std::unique_ptr<CheckState> check_state_;
  AppStore& store_;
  ExecutorConfig config_;
  // The mempool in arrival order, with each transaction's SHA-256 beside it
  // (mempool_order_ids_[i] is that of mempool_[i]): a vector, so that a
  // proposal reads it as a span without a copy, and hashed once, at
  // admission.
  std::vector<Bytes> mempool_;
  std::vector<Hash32> mempool_order_ids_;
  std::size_t rechecked_ = 0;          // mempool_[0, rechecked_) are in the check state
  Hash32Set mempool_ids_;  // SHA-256 of each transaction
  std::size_t mempool_bytes_ = 0;
  FinalizeResult last_result_;
  std::vector<Hash32> committed_ids_;
  std::vector<Hash32> submitted_ids_;
};

}  // namespace privfin::consensus
