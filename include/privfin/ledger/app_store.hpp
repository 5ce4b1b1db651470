// privfin/ledger/app_store.hpp — the ledger as the store of an application:
// consensus::AppStore (consensus/app_executor.hpp) over a Ledger, so that an
// AppExecutor runs the application on RocksDB (or the MemoryStore) with
// one synced batch per height, state roots as app hashes and proofs for
// queries.
//
//   auto store = RocksDbStore::open(dir);
//   LedgerAppStore state(*store);                   // opens the ledger if the store holds one
//   AppExecutor exec(app, state, {.chain_id = "settlement"});
//   state.initialized() ? exec.recover() : (void)exec.init_chain(genesis);
//   exec.commit(decision);                          // block, certificate, results and state: one batch
//   auto q = app.query(state, "balance", key, 0, true);
//   // an auditor: verify_state_proof(StateProof::from_bytes(q.proof), key, q.value, header_app_hash)
//
// Genesis: init_chain's writes become the ledger's version 0 (the ledger
// is created with them). A height's writes are collected in memory (reads
// see them first, then the ledger's latest state) and handed to
// Ledger::commit with the block, its certificate and the results. get()
// at an older height walks the state tree (it is the value of the proof);
// prove() returns StateProof::to_bytes(). Errors: what Ledger throws
// (InvalidArgument for a block that does not extend it, StoreCorruption,
// StoreError); InvalidArgument for a batch of another store or a commit
// without a decision after genesis. It is also the node's SnapshotSource
// (snapshot.hpp): a joining node restores with SnapshotRestore into an
// empty store and then opens a LedgerAppStore on it. Not thread-safe.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "privfin/consensus/app_executor.hpp"
#include "privfin/ledger/ledger.hpp"

namespace privfin::ledger {

class LedgerAppStore final : public consensus::AppStore, public consensus::SnapshotSource {
 public:
  explicit LedgerAppStore(Store& store, OpenOptions options = {});

  [[nodiscard]] bool initialized() const override { return ledger_.has_value(); }
  [[nodiscard]] std::unique_ptr<consensus::StateWriter> begin_height(Height h) override;
  Hash32 commit_height(std::unique_ptr<consensus::StateWriter> batch, const consensus::Decision* decision,
                       ByteView results, const consensus::ValidatorSet* next_validators) override;
  [[nodiscard]] std::optional<consensus::ValidatorSet> validators_from(Height h) const override {
    return ledger_ ? ledger_->validators_from(h) : std::nullopt;
  }
  [[nodiscard]] Hash32 app_hash(Height h) const override { return ledger().app_hash_at(h); }
  [[nodiscard]] const consensus::StateReader& latest() const override { return latest_; }
  [[nodiscard]] Height latest_height() const override { return ledger().height(); }
  [[nodiscard]] std::optional<Bytes> get(ByteView key, Height h) const override { return ledger().prove(key, h).value; }
  [[nodiscard]] Bytes prove(ByteView key, Height h) const override { return ledger().prove(key, h).proof.to_bytes(); }

  // State sync: the ledger's stored snapshots (Ledger::take_snapshot), for
  // Application::list_snapshots / load_snapshot_chunk. None before genesis.
  [[nodiscard]] std::vector<consensus::SnapshotMeta> list_snapshots() const override;
  [[nodiscard]] std::optional<Bytes> load_snapshot_chunk(Height height, std::uint32_t format,
                                                         std::uint32_t index) const override;

  // The ledger (InvalidArgument before genesis).
  [[nodiscard]] const Ledger& ledger() const;
  [[nodiscard]] Ledger& ledger();

 private:
  class Latest final : public consensus::StateReader {
   public:
    explicit Latest(const LedgerAppStore& owner) : owner_(owner) {}
    [[nodiscard]] std::optional<Bytes> get(ByteView key) const override { return owner_.ledger().get(key); }

   private:
    const LedgerAppStore& owner_;
  };

  Store& store_;
  OpenOptions options_;
  std::optional<Ledger> ledger_;
  Latest latest_{*this};
};

}  // namespace privfin::ledger
