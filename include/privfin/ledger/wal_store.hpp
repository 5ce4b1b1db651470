// privfin/ledger/wal_store.hpp — a node's consensus write-ahead log: the
// consensus messages it received at the height it is working on, so that
// after a crash the engine gets them again at once instead of waiting for
// its peers to send them again (CometBFT's consensus WAL and Malachite's
// ADR-007 keep the same for the same reason).
//
//   WalStore wal(store);                                  // the ledger's store
//   if (wal.append(from, payload)) ...                    // each received message, before the engine sees it
//   wal.clear();                                          // after each commit
//   for (auto& [from, payload] : wal.entries()) engine_input(MessageIn{from, payload});   // at start, after Start
//
// Safety never depends on it: the safety record (safety_store.hpp) alone
// stops a restarted node from signing anything that conflicts with what it
// signed, and a replayed message is one the engine may receive at any time.
// So appends are unsynced and group-committed: the store's next synced write
// (the next safety record, or the next height's batch) makes every entry
// before it durable, since RocksDB keeps one log for every column family.
// A message already logged (a peer's rebroadcast) is not logged again, and
// at most max_entries are kept per height, so a flooding peer costs a
// bounded amount of disk. clear() forgets the entries (one unsynced batch):
// if a crash loses it, the restarted engine refuses the stale messages.
//
// Key (column family `wal`): BE64 sequence number. Value: u32 sender
// (little-endian) | the message's bytes. An entry that does not decode (a
// damaged one) is skipped and counted (skipped()), never replayed.
// Cost: one unsynced write per new message; entries() one scan. Throws:
// StoreError from the store. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "privfin/consensus/types.hpp"
#include "privfin/ledger/store.hpp"

namespace privfin::ledger {

// One entry's value: u32 sender (little-endian) | the message's bytes. The
// decoder returns nullopt for a value too short to hold a sender and a
// message (a damaged entry); never throws.
[[nodiscard]] Bytes wal_entry(consensus::NodeId from, ByteView payload);
[[nodiscard]] std::optional<std::pair<consensus::NodeId, Bytes>> wal_entry_from(ByteView value);

class WalStore {
 public:
  static constexpr std::size_t max_entries = 4096;

  // Reads the log's end (entries a previous run left stay for entries()).
  explicit WalStore(Store& store);

  // Logs a received message; false when it was logged already or the log
  // holds max_entries (nothing written then).
  bool append(consensus::NodeId from, ByteView payload);
  // What the log holds, in arrival order.
  [[nodiscard]] std::vector<std::pair<consensus::NodeId, Bytes>> entries();
  // Forgets every entry.
  void clear();

  [[nodiscard]] std::size_t size() const noexcept { return keys_.size(); }
  // Entries that did not decode, found by the last entries().
  [[nodiscard]] std::size_t skipped() const noexcept { return skipped_; }

 private:
  Store* store_;
  std::uint64_t next_ = 0;
  std::vector<std::uint64_t> keys_;  // the sequence numbers held
  std::set<std::string> logged_;     // SHA-256 of (sender, message) of the entries held
  std::size_t skipped_ = 0;
};

}  // namespace privfin::ledger
