// privfin/consensus/app_grammar.hpp — the order in which a node calls its
// Application (application.hpp), as a checker, after CometBFT's ABCI
// grammar (test/e2e/pkg/grammar/abci_grammar.md):
//
//   Start       : CleanStart | Recovery
//   CleanStart  : init_chain Heights          Recovery : recover(h) Heights
//   Heights     : { Height }                  (heights 1, 2, ... in order;
//                                              after recover(h): h + 1, ...)
//   Height      : { Round } finalize_block committed
//   Round       : prepare_proposal process_proposal | process_proposal
//                                             (prepare_proposal: proposers only)
//   check_tx and query may come anywhere after the start.
//
//   CallGrammar grammar;
//   grammar.observe({AppCall::init_chain});
//   grammar.observe({AppCall::process_proposal, 1});
//   if (auto bad = grammar.observe({AppCall::committed, 2})) { ... *bad names the rule ... }
//
// CheckedApplication wraps an Application and checks every call it
// forwards: the simulator wraps every node's application in one, so that
// a runtime that skips, repeats or reorders a call fails the run.
// observe() returns the violation (nullopt when the call fits); the
// checked application throws InvalidArgument("application call order: ...")
// and forwards nothing. Not thread-safe: one grammar per node.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "privfin/consensus/application.hpp"

namespace privfin::consensus {

enum class AppCall : std::uint8_t {
  init_chain,
  recover,  // a recovering node's start: the ledger's last committed height
  check_tx,
  prepare_proposal,
  process_proposal,
  finalize_block,
  committed,
  query,
};
[[nodiscard]] std::string_view to_string(AppCall call) noexcept;

struct AppCallEvent {
  AppCall call = AppCall::init_chain;
  Height height = 0;  // for recover, the proposal calls, finalize_block and committed
};

class CallGrammar {
 public:
  // The violation this call makes, naming the rule; nullopt when it fits.
  // A violating call is not recorded: the grammar stays where it was.
  [[nodiscard]] std::optional<std::string> observe(const AppCallEvent& event);
  // The next height to execute, once started.
  [[nodiscard]] std::optional<Height> next_height() const noexcept { return next_; }
  [[nodiscard]] std::size_t calls() const noexcept { return calls_; }

 private:
  std::optional<Height> next_;  // nullopt: not started
  bool finalized_ = false;      // finalize_block(next_) seen, committed not yet
  std::size_t calls_ = 0;
};

class CheckedApplication final : public Application {
 public:
  explicit CheckedApplication(Application& inner) : inner_(inner) {}
  // The runtime's start on recovery (no init_chain): the last committed height.
  void recover(Height last_committed);
  [[nodiscard]] const CallGrammar& grammar() const noexcept { return grammar_; }

  InitResult init_chain(const Genesis& genesis, StateWriter& state) override;
  [[nodiscard]] TxVerdict check_tx(const StateReader& state, ByteView tx, CheckKind kind) const override;
  // A hint with no place in the grammar (it changes no verdict): passed through.
  void will_check(std::span<const Bytes> txs) const override { inner_.will_check(txs); }
  [[nodiscard]] std::vector<Bytes> prepare_proposal(const BlockContext& context, std::span<const Bytes> mempool,
                                                    std::size_t max_bytes) const override;
  [[nodiscard]] bool process_proposal(const StateReader& state, const BlockContext& context,
                                      std::span<const Bytes> txs) const override;
  FinalizeResult finalize_block(const DecidedBlock& block, StateWriter& state) const override;
  void committed(Height height) override;
  [[nodiscard]] QueryResult query(const VersionedState& state, std::string_view path, ByteView key, Height h,
                                  bool prove) const override;
  [[nodiscard]] OfferResult offer_snapshot(const SnapshotMeta& snapshot, const Hash32& trusted_app_hash) const override {
    return inner_.offer_snapshot(snapshot, trusted_app_hash);
  }
  // The other snapshot calls pass through unchecked, as offer_snapshot does.
  [[nodiscard]] std::vector<SnapshotMeta> list_snapshots(const SnapshotSource& snapshots) const override {
    return inner_.list_snapshots(snapshots);
  }
  [[nodiscard]] std::optional<Bytes> load_snapshot_chunk(const SnapshotSource& snapshots, Height height,
                                                         std::uint32_t format, std::uint32_t index) const override {
    return inner_.load_snapshot_chunk(snapshots, height, format, index);
  }
  ChunkVerdict apply_snapshot_chunk(SnapshotSink& restore, std::uint32_t index, ByteView chunk) const override {
    return inner_.apply_snapshot_chunk(restore, index, chunk);
  }

 private:
  void check(const AppCallEvent& event) const;
  Application& inner_;
  mutable CallGrammar grammar_;  // the const calls of the interface are calls too
};

}  // namespace privfin::consensus
