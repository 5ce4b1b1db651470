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
// The bodies of the record's locked and valid blocks (up to a megabyte
// each) are kept apart, under `body` || BE64 height || block hash, and
// written once per height, not with every save: the record itself holds
// their headers, which bind the bodies (tx_root); load() puts the bodies
// back and checks them against the headers. A save at a new height erases
// the bodies of the heights before it in the same batch.
//
// Cost: one synced write per Persist the runtime writes (2 per round: it
// writes a proposer's proposal and prevote as one) of about 100 bytes to a
// few KiB (the record holds up to three signed messages and a
// proof-of-lock), plus a block body the first time the record names it.
// Throws: StoreError from the store; StoreCorruption (naming the column and
// key) from load() when the stored bytes do not decode, or a body is
// missing or does not match its header. Not thread-safe.
#pragma once

#include <optional>
#include <vector>

#include "privfin/consensus/engine.hpp"
#include "privfin/ledger/store.hpp"

namespace privfin::ledger {

class SafetyStore {
 public:
  explicit SafetyStore(Store& store) noexcept : store_(&store) {}

  // The last record saved, or nullopt on a node that never signed.
  [[nodiscard]] std::optional<consensus::SafetyRecord> load(const consensus::Limits& limits = {}) const;
  void save(const consensus::SafetyRecord& record);
  // Where the body of the block `block_hash` named by a record of `height`
  // is kept (docs/formats.md, "Safety record on disk").
  [[nodiscard]] static Bytes body_key(consensus::Height height, const consensus::Hash32& block_hash);

 private:
  Store* store_;
  // Keys of the bodies in the store, once the first save has read them.
  std::optional<std::vector<Bytes>> bodies_;
};

}  // namespace privfin::ledger
