// privfin/node/state_sync.hpp — a node with an empty disk joins a running
// chain from a peer's snapshot instead of replaying every block: the way
// back for a bank whose node lost its disk after its peers pruned old
// blocks (NodeSettings::retain_heights), or a new machine that should not
// wait hours for block sync.
//
//   auto store = ledger::RocksDbStore::open(empty_dir);
//   auto bus = net::TcpMessageBus::start(cluster, self);
//   if (StateSync::needed(*store)) {
//     StateSync sync(chain_id, genesis.validators, *bus, *store);
//     auto restored = sync.run(std::chrono::seconds(60));  // nullopt: no usable snapshot in time
//   }
//   Node node(settings, genesis, self, crypto, *bus, *store, app);   // then as usual
//   node.start();    // recovers the restored ledger; block sync does the rest
//
// Protocol (node/wire.hpp, kinds 6-11; docs/node.md, "State sync"): ask
// every peer which snapshot it offers, take the highest; fetch from that
// peer blocks h to h + 2 with their certificates (block sync's messages)
// and the validator sets that sign them, and verify the three headers with
// a LightClient that trusts only the genesis validators (a changed set is
// accepted by its rule: ledger/light_client.hpp); the app hash after h is
// what header h + 1 carries, and the sets of h to h + 2 are kept in the
// restored ledger (the node's engine starts with those of h + 1 and h + 2).
// A peer that has no block h + 2 yet is tried again later. Then
// fetch the chunks in order; ledger::SnapshotRestore checks each against
// the manifest and, at the end, the rebuilt state root against that
// certified app hash, so a lying peer can waste time but never plant a
// state. A peer that lies or stops answering is dropped for this run and
// the next best offer is tried.
//
// Costs: the snapshot's size on the wire and in memory until the restore
// finishes (ledger/snapshot.hpp), three header verifications. Throws:
// InvalidArgument for a store that is not empty; what the store throws.
// A peer's bytes never throw (they are counted in rejections()). Runs on
// the caller's thread and takes every message from the bus meanwhile
// (consensus messages are dropped: the node is not running yet).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "privfin/consensus/types.hpp"
#include "privfin/ledger/store.hpp"
#include "privfin/net/message_bus.hpp"

namespace privfin::node {

struct StateSyncResult {
  consensus::Height height = 0;  // the restored ledger's height
  std::size_t peer = 0;          // who served it
  std::size_t chunks = 0;
};

class StateSync {
 public:
  StateSync(std::string chain_id, consensus::ValidatorSet genesis_validators, net::MessageBus& bus,
            ledger::Store& store, consensus::Limits limits = {});

  // True when the store holds no ledger yet (a fresh or wiped disk).
  [[nodiscard]] static bool needed(const ledger::Store& store);
  // Restores the ledger from the best snapshot a peer offers, or returns
  // nullopt at the deadline (no peer offered one that verified).
  [[nodiscard]] std::optional<StateSyncResult> run(std::chrono::milliseconds timeout);
  [[nodiscard]] std::uint64_t rejections() const noexcept { return rejections_; }
  // Why the last attempt failed ("" if none did).
  [[nodiscard]] const std::string& last_failure() const noexcept { return last_failure_; }

 private:
  std::string chain_id_;
  consensus::ValidatorSet validators_;
  net::MessageBus& bus_;
  ledger::Store& store_;
  consensus::Limits limits_;
  std::uint64_t rejections_ = 0;
  std::string last_failure_;
};

}  // namespace privfin::node
