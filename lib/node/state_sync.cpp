#include "privfin/node/state_sync.hpp"

#include <set>
#include <string>

#include "privfin/consensus/crypto.hpp"
#include "privfin/core/error.hpp"
#include "privfin/ledger/error.hpp"
#include "privfin/ledger/light_client.hpp"
#include "privfin/ledger/snapshot.hpp"
#include "privfin/node/wire.hpp"

namespace privfin::node {
namespace {

using Clock = std::chrono::steady_clock;

// Chunks asked for ahead of the one being applied.
constexpr std::uint32_t chunk_window = 4;
constexpr auto answer_limit = std::chrono::seconds(10);

// A peer's failure in this run: it is dropped and the next offer tried.
struct PeerFailed {
  std::string why;
};

}  // namespace

StateSync::StateSync(std::string chain_id, consensus::ValidatorSet genesis_validators, net::MessageBus& bus,
                     ledger::Store& store, consensus::Limits limits)
    : chain_id_(std::move(chain_id)),
      validators_(std::move(genesis_validators)),
      bus_(bus),
      store_(store),
      limits_(limits) {}

bool StateSync::needed(const ledger::Store& store) {
  bool empty = true;
  store.scan(ledger::Column::meta, {}, {}, [&](ByteView, ByteView) {
    empty = false;
    return false;
  });
  return empty;
}

std::optional<StateSyncResult> StateSync::run(std::chrono::milliseconds timeout) {
  if (!needed(store_)) throw InvalidArgument("StateSync: the store already holds a ledger");
  const auto deadline = Clock::now() + timeout;
  std::set<std::size_t> dropped;

  // The next message of `kind` from `peer` (others are dropped), or nullopt at `until`.
  auto next_from = [&](std::size_t peer, NodeMessageKind kind, Clock::time_point until) -> std::optional<NodeMessage> {
    while (Clock::now() < until) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
      auto in = bus_.receive(std::max(left, std::chrono::milliseconds(1)));
      if (!in || in->from != peer) continue;
      try {
        auto m = NodeMessage::from_bytes(in->message, limits_);
        if (m.kind == kind) return m;
      } catch (const DecodeError&) {
        ++rejections_;
      }
    }
    return std::nullopt;
  };

  while (Clock::now() < deadline) {
    // 1. Who offers what: every peer not dropped, answers within a second.
    std::map<std::size_t, ledger::SnapshotManifest> offers;
    std::size_t asked = 0;
    for (std::size_t p = 0; p < bus_.party_count(); ++p) {
      if (p == bus_.party_id() || dropped.contains(p)) continue;
      (void)bus_.send(p, NodeMessage::snapshot_request().to_bytes());
      ++asked;
    }
    if (asked == 0) dropped.clear();  // every peer failed once: try them all again
    const auto window = std::min(deadline, Clock::now() + std::chrono::seconds(1));
    std::set<std::size_t> answered;
    while (Clock::now() < window && answered.size() < asked) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(window - Clock::now());
      auto in = bus_.receive(std::max(left, std::chrono::milliseconds(1)));
      if (!in) continue;
      try {
        const auto m = NodeMessage::from_bytes(in->message, limits_);
        if (m.kind != NodeMessageKind::snapshot_offer) continue;
        answered.insert(in->from);
        if (!m.payload.empty()) offers.insert_or_assign(in->from, ledger::SnapshotManifest::from_bytes(m.payload));
      } catch (const DecodeError&) {
        ++rejections_;
      }
    }
    std::optional<std::size_t> best;
    for (const auto& [peer, manifest] : offers) {
      if (!best || manifest.height > offers.at(*best).height) best = peer;
    }
    if (!best) {
      last_failure_ = "no peer offers a snapshot";
      continue;
    }
    const std::size_t peer = *best;
    const ledger::SnapshotManifest manifest = offers.at(peer);
    const consensus::Height h = manifest.height;
    try {
      // 2. Blocks h, h + 1 and h + 2 with the validator sets that sign
      // them, each verified by a light client that trusts only the genesis
      // set: header h + 1 certifies the app hash after h, and the node's
      // engine needs the sets of h + 1 and h + 2 (validator-set changes,
      // docs/consensus.md). A set other than the one trusted so far is
      // accepted only by the light client's rule (it signs its header, and
      // members holding more than a third of the trusted weight signed).
      (void)bus_.send(peer, NodeMessage::sync_request(h, h + 2).to_bytes());
      const auto blocks = next_from(peer, NodeMessageKind::sync_response, std::min(deadline, Clock::now() + answer_limit));
      if (!blocks || blocks->blocks.size() != 3 || blocks->blocks[0].block.header.height != h) {
        throw PeerFailed{"did not send blocks " + std::to_string(h) + " to " + std::to_string(h + 2)};
      }
      (void)bus_.send(peer, NodeMessage::validators_request(h).to_bytes());
      const auto sets = next_from(peer, NodeMessageKind::validators, std::min(deadline, Clock::now() + answer_limit));
      if (!sets || sets->from != h || sets->sets.size() != 3) {
        throw PeerFailed{"did not send the validator sets of heights " + std::to_string(h) + " to " + std::to_string(h + 2)};
      }
      ledger::LightClient light(chain_id_, validators_);
      for (std::size_t k = 0; k < 3; ++k) {
        const auto& d = blocks->blocks[k];
        const auto& set = sets->sets[k];
        const auto v = set == light.trusted() ? light.verify_header(d.block.header, d.certificate)
                                              : light.verify_validator_change(set, d.block.header, d.certificate);
        if (!v) throw PeerFailed{"block " + std::to_string(h + k) + ": " + v.reason};
        if (!d.block.body_matches() || (k > 0 && d.block.header.parent != blocks->blocks[k - 1].block.hash())) {
          throw PeerFailed{"blocks " + std::to_string(h) + " to " + std::to_string(h + 2) + " do not chain"};
        }
      }
      const auto& at = blocks->blocks[0];
      const auto& next = blocks->blocks[1];
      // 3. The chunks, in order, a few ahead.
      const consensus::ValidatorSet& signers = sets->sets[0];
      consensus::BlsCrypto verifier(signers, std::nullopt);
      ledger::OpenOptions options;
      options.limits = limits_;
      options.verify_certificate = [&](const consensus::Block&, const consensus::CommitCertificate& c) {
        return consensus::verify_certificate(verifier, signers, chain_id_, c);
      };
      ledger::SnapshotRestore restore(store_, manifest.meta(), next.block.header.app_hash, at.block, at.certificate,
                                      options);
      const auto total = static_cast<std::uint32_t>(manifest.chunk_hashes.size());
      std::uint32_t asked_up_to = 0;
      while (!restore.complete()) {
        for (; asked_up_to < total && asked_up_to < restore.next_chunk() + chunk_window; ++asked_up_to) {
          (void)bus_.send(peer, NodeMessage::chunk_request(h, asked_up_to).to_bytes());
        }
        const auto c = next_from(peer, NodeMessageKind::chunk, std::min(deadline, Clock::now() + answer_limit));
        if (!c) throw PeerFailed{"stopped sending chunks at " + std::to_string(restore.next_chunk())};
        if (c->from != h || c->index != restore.next_chunk()) continue;  // a stale or repeated answer
        restore.apply_chunk(c->index, c->payload);
      }
      // The verified sets of h to h + 2, where the ledger keeps them (the
      // latest entry at or below a height is that height's set), before the
      // ledger exists: a crash in between leaves correct sets and no ledger.
      ledger::WriteBatch b;
      for (std::size_t k = 0; k < 3; ++k) {
        b.put(ledger::Column::validators, ledger::height_key(h + k), sets->sets[k].to_bytes());
      }
      store_.write(b, true);
      const auto ledger = restore.finish();
      return StateSyncResult{ledger.height(), peer, total};
    } catch (const PeerFailed& f) {
      last_failure_ = "node " + std::to_string(peer) + ": " + f.why;
    } catch (const ledger::SnapshotError& e) {
      ++rejections_;
      last_failure_ = "node " + std::to_string(peer) + ": " + e.what();
    } catch (const DecodeError& e) {
      ++rejections_;
      last_failure_ = "node " + std::to_string(peer) + ": " + e.what();
    }
    dropped.insert(peer);
  }
  return std::nullopt;
}

}  // namespace privfin::node
