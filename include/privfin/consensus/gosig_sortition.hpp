// privfin/consensus/gosig_sortition.hpp — who may propose in a Gosig round:
// secret leader candidates behind an interface, so that tests can fix each
// round's candidates and their order.
//
//   VrfSortition s(chain_id, vrf_public_keys, my_vrf_secret, /*expected=*/7);
//   if (auto t = s.draw(height, round)) propose_with(t->proof);     // this node is a candidate
//   auto prio = s.check(peer, height, round, proof);                // nullopt: not a candidate
//   FixedSortition fixed([](Height, Round r) { return std::vector<NodeId>{r % 4}; }, self);   // tests
//   SymbolicSortition sym(keys, self, /*expected=*/7);          // simulations of thousands of nodes
//
// VrfSortition is ECVRF (RFC 9381, EDWARDS25519-SHA512-ELL2) with
// sig/sortition.hpp's LeaderElection: alpha = round_input(seed(h), round),
// priority = SHA-256("privfin sortition leader" || beta), a candidate iff
// priority < D = 2^256 * expected / n; a lower priority comes first. The
// round number is in the VRF input (a round that failed does not repeat its
// candidates) and the output is unique per key, so a Byzantine node cannot
// grind its priority (a hash of an Ed25519 signature could be ground by
// nonce choice). The seed is SHA-256("privfin gosig seed v1" || chain id ||
// height): fixed for a height and known to all, which is safe because the
// keys are fixed by the consortium's PKI before genesis, and secret where
// it matters: only the key holder can compute its priority before it
// reveals its proof (docs/consensus.md, "The Gosig engine", on this departure from
// the paper's chained seed). Cost: one ECVRF prove per node and round, one
// verify per candidate seen (~0.1-0.3 ms each). check() never throws for a
// peer's proof (false/nullopt); the constructors throw InvalidArgument for
// a malformed key or expected == 0. Not thread-safe (one engine, one thread).
//
// SymbolicSortition draws the same way from the simulator's SymbolicKeys
// oracle (crypto.hpp) instead of ECVRF: the proof is node i's symbolic tag
// of ("privfin symbolic sortition", chain, h, r), which only i's provider
// makes and anyone checks against the oracle; priority and threshold as
// above. Same distribution of candidates, a SHA-256 instead of an ECVRF
// prove or verify (the VRF checks were a fifth of a 1,000-node run's CPU).
// Not secure outside one process, like SymbolicCrypto.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "privfin/consensus/crypto.hpp"
#include "privfin/consensus/types.hpp"
#include "privfin/sig/ecvrf.hpp"
#include "privfin/sig/sortition.hpp"

namespace privfin::consensus {

struct SortitionTicket {
  Bytes proof;     // sent in the proposal
  Bytes priority;  // 32 bytes, big-endian; the smaller comes first
};

class CandidateSortition {
 public:
  virtual ~CandidateSortition() = default;
  // This node's ticket for (h, r) if it is a candidate there.
  [[nodiscard]] virtual std::optional<SortitionTicket> draw(Height h, Round r) = 0;
  // The priority of `who` for (h, r) if `proof` makes it a candidate.
  [[nodiscard]] virtual std::optional<Bytes> check(NodeId who, Height h, Round r, ByteView proof) = 0;
};

// The seed of height h (see above).
[[nodiscard]] Bytes gosig_seed(std::string_view chain_id, Height h);

class VrfSortition final : public CandidateSortition {
 public:
  // public_keys[i]: node i's ECVRF key; secret_key: this node's (nullopt:
  // check only). Throws InvalidArgument for expected == 0, an empty key list,
  // or a secret key that is not the key of `self`.
  VrfSortition(std::string chain_id, std::vector<Bytes> public_keys, NodeId self, std::optional<SecretBytes> secret_key,
               std::uint64_t expected_candidates);
  // The same over a key list shared with other nodes' sortitions (a
  // simulation of thousands of nodes holds one list, not one per node).
  VrfSortition(std::string chain_id, std::shared_ptr<const std::vector<Bytes>> public_keys, NodeId self,
               std::optional<SecretBytes> secret_key, std::uint64_t expected_candidates);
  [[nodiscard]] std::optional<SortitionTicket> draw(Height h, Round r) override;
  [[nodiscard]] std::optional<Bytes> check(NodeId who, Height h, Round r, ByteView proof) override;

 private:
  std::string chain_id_;
  std::shared_ptr<const std::vector<Bytes>> keys_;
  NodeId self_;
  std::optional<SecretBytes> secret_;
  sig::Ecvrf vrf_;
  sig::sortition::LeaderElection election_;
};

// Tests: schedule(h, r) lists the candidates of (h, r), first = lowest
// priority. The proof is the candidate's position (u32); it proves nothing,
// so use it only where every node runs this oracle.
class SymbolicSortition final : public CandidateSortition {
 public:
  // Throws InvalidArgument for no keys, self outside them, or expected == 0.
  SymbolicSortition(std::string chain_id, std::shared_ptr<const SymbolicKeys> keys, NodeId self,
                    std::uint64_t expected_candidates);
  [[nodiscard]] std::optional<SortitionTicket> draw(Height h, Round r) override;
  [[nodiscard]] std::optional<Bytes> check(NodeId who, Height h, Round r, ByteView proof) override;

 private:
  [[nodiscard]] Bytes input(Height h, Round r) const;
  std::string chain_id_;
  std::shared_ptr<const SymbolicKeys> keys_;
  NodeId self_;
  sig::sortition::LeaderElection election_;
};

class FixedSortition final : public CandidateSortition {
 public:
  using Schedule = std::function<std::vector<NodeId>(Height, Round)>;
  FixedSortition(Schedule schedule, NodeId self);
  [[nodiscard]] std::optional<SortitionTicket> draw(Height h, Round r) override;
  [[nodiscard]] std::optional<Bytes> check(NodeId who, Height h, Round r, ByteView proof) override;

 private:
  Schedule schedule_;
  NodeId self_;
};

}  // namespace privfin::consensus
