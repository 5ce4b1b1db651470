#include "privfin/ledger/app_store.hpp"

#include "privfin/core/error.hpp"
#include "privfin/ledger/snapshot.hpp"

namespace privfin::ledger {

namespace {

// One height's writes, kept in memory until the ledger commits them. Keys
// are strings: gcc 12 misreads std::map<std::vector<std::byte>> comparisons.
class HeightWrites final : public consensus::StateWriter {
 public:
  HeightWrites(const LedgerAppStore* owner, Height height) : owner_(owner), height_(height) {}
  [[nodiscard]] std::optional<Bytes> get(ByteView key) const override {
    const auto it = writes_.find(text(key));
    if (it != writes_.end()) return it->second;
    return owner_->initialized() ? owner_->ledger().get(key) : std::nullopt;
  }
  void put(ByteView key, ByteView value) override {
    check(key);
    if (value.size() > max_value_size) throw InvalidArgument("state value of " + std::to_string(value.size()) + " bytes");
    writes_[text(key)] = Bytes(value.begin(), value.end());
  }
  void erase(ByteView key) override {
    check(key);
    writes_[text(key)] = std::nullopt;
  }
  [[nodiscard]] std::vector<StateChange> changes() const {
    std::vector<StateChange> out;
    out.reserve(writes_.size());
    for (const auto& [key, value] : writes_) out.push_back(StateChange{Bytes(as_bytes(key).begin(), as_bytes(key).end()), value});
    return out;
  }
  const LedgerAppStore* owner_;
  Height height_;

 private:
  static std::string text(ByteView v) { return std::string(reinterpret_cast<const char*>(v.data()), v.size()); }
  static void check(ByteView key) {
    if (key.size() > max_key_size) throw InvalidArgument("state key of " + std::to_string(key.size()) + " bytes");
  }
  std::map<std::string, std::optional<Bytes>> writes_;
};

}  // namespace

LedgerAppStore::LedgerAppStore(Store& store, OpenOptions options) : store_(store), options_(std::move(options)) {
  if (Ledger::exists(store_)) ledger_.emplace(Ledger::open(store_, options_));
}

const Ledger& LedgerAppStore::ledger() const {
  if (!ledger_) throw InvalidArgument("LedgerAppStore: no ledger before genesis (init_chain)");
  return *ledger_;
}

Ledger& LedgerAppStore::ledger() {
  if (!ledger_) throw InvalidArgument("LedgerAppStore: no ledger before genesis (init_chain)");
  return *ledger_;
}

std::vector<consensus::SnapshotMeta> LedgerAppStore::list_snapshots() const {
  std::vector<consensus::SnapshotMeta> out;
  if (!ledger_) return out;
  for (const auto& m : ledger_->snapshots()) out.push_back(m.meta());
  return out;
}

std::optional<Bytes> LedgerAppStore::load_snapshot_chunk(Height height, std::uint32_t format,
                                                        std::uint32_t index) const {
  if (!ledger_ || format != snapshot_format) return std::nullopt;
  return ledger_->snapshot_chunk(height, index);
}

std::unique_ptr<consensus::StateWriter> LedgerAppStore::begin_height(Height h) {
  const Height expected = ledger_ ? ledger_->height() + 1 : 0;
  if (h != expected) {
    throw InvalidArgument("LedgerAppStore: a batch for height " + std::to_string(h) + " where " +
                          std::to_string(expected) + " is next");
  }
  return std::make_unique<HeightWrites>(this, h);
}

Hash32 LedgerAppStore::commit_height(std::unique_ptr<consensus::StateWriter> batch,
                                     const consensus::Decision* decision, ByteView results,
                                     const consensus::ValidatorSet* next_validators) {
  auto* writes = dynamic_cast<HeightWrites*>(batch.get());
  if (writes == nullptr || writes->owner_ != this) throw InvalidArgument("LedgerAppStore: a batch of another store");
  if (!ledger_) {  // genesis: the ledger is created with the application's state as version 0
    if (next_validators != nullptr) throw InvalidArgument("LedgerAppStore: a validator change without a block");
    OpenOptions options = options_;
    options.genesis_state = writes->changes();
    ledger_.emplace(Ledger::open(store_, options));
    return ledger_->app_hash();
  }
  if (decision == nullptr) throw InvalidArgument("LedgerAppStore: a height after genesis needs its decided block");
  const auto changes = writes->changes();
  return ledger_->commit(decision->block, decision->certificate, results, changes, next_validators);
}

}  // namespace privfin::ledger
