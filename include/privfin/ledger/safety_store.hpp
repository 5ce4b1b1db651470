// privfin/ledger/safety_store.hpp — where a node keeps its consensus safety
// record (consensus/engine.hpp): the one value that stops a restarted node
// from signing a message that conflicts with one it already sent.
//
//   RocksDbStore& store = ...;                      // the ledger's store
//   SafetyStore safety(store);
//   Start start{.record = safety.load()};           // at boot
//   safety.save(record);                            // for every Persist action
//
// save() writes the record to the `safety` column family in its own synced
// batch and returns once it is durable (RocksDB's WAL fdatasync'ed), which
// is what the runtime's persist barrier needs: the runtime releases the
// votes that follow only after save() returned. Each save replaces the
// previous record (one key), so the column stays one value long.
//
// Cost: one synced write of about 100 bytes to a few KiB (the record holds
// up to three signed messages and a proof-of-lock) per Persist: 3 per round.
// Throws: StoreError from the store; StoreCorruption (naming the column and
// key) from load() when the stored bytes do not decode. Not thread-safe.
#pragma once

#include <optional>

#include "privfin/consensus/engine.hpp"
#include "privfin/ledger/store.hpp"

namespace privfin::ledger {

class SafetyStore {
 public:
  explicit SafetyStore(Store& store) noexcept : store_(&store) {}

  // The last record saved, or nullopt on a node that never signed.
  [[nodiscard]] std::optional<consensus::SafetyRecord> load(const consensus::Limits& limits = {}) const;
  void save(const consensus::SafetyRecord& record);

 private:
  Store* store_;
};

}  // namespace privfin::ledger
