// privfin/consensus/memory_state.hpp — the application state in memory,
// versioned by height: the store behind the Application interface in tests
// and in the simulator (the ledger keeps the same contract on RocksDB, with
// a Merkle root and proofs).
//
//   MemoryState state;
//   auto batch = state.writer(1);        // the writes of height 1
//   batch.put(key, value);
//   state.commit(std::move(batch));      // visible to reader() and get(key, 1)
//   state.get(key, 0);                   // the value before height 1
//
// Every height is retained; prove() returns an empty proof (no Merkle
// tree here). commit() takes heights in order (InvalidArgument otherwise);
// a batch reads through to the latest committed state. Cost: a map lookup
// per read, O(log versions) for a historic read. Not thread-safe.
#pragma once

#include <iterator>
#include <map>
#include <optional>
#include <string>

#include "privfin/consensus/application.hpp"

namespace privfin::consensus {

class MemoryState final : public VersionedState {
  // Keys are kept as strings: gcc 12 misreads std::map<std::vector<std::byte>>
  // comparisons (a false -Wstringop-overread).
  using Key = std::string;

 public:
  class Batch final : public StateWriter {
   public:
    [[nodiscard]] std::optional<Bytes> get(ByteView key) const override;
    void put(ByteView key, ByteView value) override;
    void erase(ByteView key) override;
    [[nodiscard]] Height height() const noexcept { return height_; }
    [[nodiscard]] std::size_t size() const noexcept { return writes_.size(); }

   private:
    friend class MemoryState;
    Batch(const MemoryState& base, Height height) : base_(&base), height_(height) {}
    const MemoryState* base_;
    Height height_;
    std::map<Key, std::optional<Bytes>> writes_;  // nullopt: erased
  };

  class Latest final : public StateReader {
   public:
    explicit Latest(const MemoryState& state) : state_(state) {}
    [[nodiscard]] std::optional<Bytes> get(ByteView key) const override {
      return state_.get(key, state_.latest_height());
    }

   private:
    const MemoryState& state_;
  };

  // The writes of height h: h must be latest_height() + 1, or 0 for the
  // genesis state of an empty store (InvalidArgument otherwise).
  [[nodiscard]] Batch writer(Height h) const;
  void commit(Batch&& batch);
  [[nodiscard]] Latest reader() const { return Latest(*this); }
  [[nodiscard]] bool empty() const noexcept { return !has_genesis_; }

  // Calls f(key, value) for every key present after height h, in key order.
  template <class F>
  void for_each(Height h, F&& f) const {
    for (const auto& [key, history] : versions_) {
      auto at = history.upper_bound(h);
      if (at == history.begin() || !std::prev(at)->second) continue;
      f(as_bytes(std::string_view(key)), ByteView(*std::prev(at)->second));
    }
  }

  [[nodiscard]] Height latest_height() const override { return latest_; }
  [[nodiscard]] std::optional<Bytes> get(ByteView key, Height h) const override;
  [[nodiscard]] Bytes prove(ByteView key, Height h) const override;

 private:
  std::map<Key, std::map<Height, std::optional<Bytes>>> versions_;
  Height latest_ = 0;
  bool has_genesis_ = false;
};

}  // namespace privfin::consensus
