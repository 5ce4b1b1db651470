// privfin/consensus/crypto.hpp — the crypto provider an engine is given:
// sign with this node's key, verify a peer's signature, aggregate
// same-message signatures and verify an aggregate against a signer bitmap.
// Two providers:
//   BlsCrypto       real BLS12-381 (min-pk, proof-of-possession scheme, the
//                   sig/bls12_381 MultiSig); keys are checked with their PoPs.
//   SymbolicCrypto  for the simulator at large n: a signature is a keyed
//                   SHA-256 tag under a per-node secret held by a shared
//                   SymbolicKeys oracle; a provider can tag only as its own
//                   node, so simulated nodes (Byzantine ones included) still
//                   cannot forge each other's signatures. Not secure outside
//                   one process: whoever holds the oracle can sign as anyone.
//
//   auto keys = SymbolicKeys::make(seed, n);
//   SymbolicCrypto c(keys, /*self=*/2);
//   Bytes sig = c.sign(msg);
//   bool ok   = c.verify(2, msg, sig);
//   BlsCrypto real(validator_set, secret_key_of_self);      // throws InvalidArgument on a bad PoP
//
// Every call adds its modelled CPU cost (CostModel, measured by
// benchmarks/bench_consensus.cpp) to a counter that the simulator drains with
// take_cost() to keep the node busy; real runtimes ignore it. Verifiers
// return false for any malformed input and never throw. A provider is used
// by one engine on one thread.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "privfin/consensus/types.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/sig/bls12_381/bls.hpp"
#include "privfin/sig/bls12_381/multisig.hpp"

namespace privfin::consensus {

// Modelled CPU cost in ns. The defaults are measured: CPU-time medians of
// bench_consensus's BM_Provider* benchmarks (BlsCrypto, the calls the engine
// makes) on 2026-12-03, shared 2-core machine (docs/performance.md,
// "Consensus"): sign 2.49 ms; verify 3.58 ms; aggregating n signatures
// 0.278 ms each (each decoded and subgroup-checked: a bound, as BlsCrypto
// sums the kept points of votes it checked without decoding them again);
// verifying an aggregate 3.42 ms plus 3 us per signer (3.43 / 3.52 / 3.61
// ms at 4 / 16 / 64 signers). Re-measure with the command there and change
// them together.
struct CostModel {
  std::int64_t sign = 2'490'000;
  std::int64_t verify = 3'580'000;
  std::int64_t aggregate_verify = 3'420'000;
  std::int64_t aggregate_verify_per_signer = 3'000;
  std::int64_t aggregate_per_signature = 278'000;
  // verify_batch: a base cost per batch plus one per signature (decode,
  // subgroup check, two 64-bit scalar multiplications). Measured on
  // 2026-12-05 beside verify (BM_ProviderVerifyBatch/2..12 against
  // BM_ProviderVerify: base 0.91 and per signature 0.14 of one verify),
  // scaled to the verify figure above.
  std::int64_t batch_verify = 3'270'000;
  std::int64_t batch_verify_per_signature = 500'000;
};

class Crypto {
 public:
  virtual ~Crypto() = default;
  [[nodiscard]] virtual std::size_t committee_size() const = 0;
  // Signs with this node's key; throws InvalidArgument if the provider has none.
  [[nodiscard]] virtual Bytes sign(ByteView msg) = 0;
  [[nodiscard]] virtual bool verify(NodeId signer, ByteView msg, ByteView sig) = 0;
  // Signatures of several signers over one message (votes for the same
  // value), checked together at about the cost of one verify. True when
  // every one verifies; false when at least one does not (except with
  // negligible probability, see BlsCrypto), or for a size mismatch or an
  // empty batch: verify them one by one to find the bad ones.
  [[nodiscard]] virtual bool verify_batch(std::span<const NodeId> signers, ByteView msg,
                                          std::span<const ByteView> sigs) = 0;
  // Signatures over one message; throws DecodeError for a malformed one.
  [[nodiscard]] virtual Bytes aggregate(std::span<const ByteView> sigs) = 0;
  [[nodiscard]] virtual bool verify_aggregate(const std::vector<bool>& signers, ByteView msg, ByteView agg) = 0;
  // Counted aggregates (Gosig's gossip, gossip.hpp): a signature is an
  // aggregate with count 1 for its signer; add_aggregates sums two
  // aggregates of one message (counts add: MultiSig::merge_inplace), and
  // verify_counted weighs each signer's key by its count. DecodeError from
  // add_aggregates for a malformed aggregate; verify_counted returns false.
  [[nodiscard]] virtual Bytes add_aggregates(ByteView a, ByteView b) = 0;
  [[nodiscard]] virtual bool verify_counted(std::span<const std::uint32_t> counts, ByteView msg, ByteView agg) = 0;

  // Modelled CPU time spent since the last call.
  [[nodiscard]] std::int64_t take_cost() noexcept { return std::exchange(cost_, 0); }

 protected:
  void charge(std::int64_t ns) noexcept { cost_ += ns; }
  CostModel costs_;

 private:
  std::int64_t cost_ = 0;
};

class BlsCrypto final : public Crypto {
 public:
  // Validates every key with its proof of possession (InvalidArgument naming
  // the validator otherwise). `self` may be empty for a verify-only provider.
  BlsCrypto(const ValidatorSet& validators, std::optional<sig::bls12_381::SecretKey> self, CostModel costs = {});
  [[nodiscard]] std::size_t committee_size() const override { return pks_.size(); }
  [[nodiscard]] Bytes sign(ByteView msg) override;
  [[nodiscard]] bool verify(NodeId signer, ByteView msg, ByteView sig) override;
  // Random-linear-combination batch (sig::bls12_381::verify_batch_same_message)
  // with 64-bit coefficients from a generator seeded by the OS: a batch
  // holding a bad signature passes with probability at most 2^-64.
  [[nodiscard]] bool verify_batch(std::span<const NodeId> signers, ByteView msg,
                                  std::span<const ByteView> sigs) override;
  [[nodiscard]] Bytes aggregate(std::span<const ByteView> sigs) override;
  [[nodiscard]] bool verify_aggregate(const std::vector<bool>& signers, ByteView msg, ByteView agg) override;
  [[nodiscard]] Bytes add_aggregates(ByteView a, ByteView b) override;
  [[nodiscard]] bool verify_counted(std::span<const std::uint32_t> counts, ByteView msg, ByteView agg) override;

 private:
  using MessagePoint = sig::bls12_381::MinPk::SigPoint;
  // H(msg) of the last few messages signed or batch-verified: a validator
  // signs its vote and then checks the others' votes on the same bytes, so
  // each vote's message is hashed to the curve once, not twice.
  const MessagePoint& message_point(ByteView msg);
  struct HashedMessage {
    Bytes msg;
    MessagePoint point;
  };
  std::array<HashedMessage, 4> hashed_;
  std::size_t next_hashed_ = 0;

  // Signatures decoded in recent calls (a square root and a subgroup check,
  // about a tenth of a verification each): a vote checked in a batch is
  // summed again into its height's certificate, and this node's own vote
  // with it, so each is decoded once. Keyed by the whole compressed
  // encoding, which is the only one accepted for its point. Holds up to
  // decoded_capacity() entries, replaced round-robin.
  using Signature = sig::bls12_381::BlsMinPk::Signature;
  struct DecodedSignature {
    Signature bytes{};
    MessagePoint point;
  };
  [[nodiscard]] std::size_t decoded_capacity() const noexcept;
  // The point of `sig`, decoded now or earlier; DecodeError if it does not
  // decode into the subgroup (nothing is kept then).
  [[nodiscard]] MessagePoint decoded(ByteView sig);
  void remember_decoded(const Signature& bytes, const MessagePoint& point);
  // The sum of signatures (aggregate, add_aggregates); DecodeError naming
  // the first that does not decode.
  [[nodiscard]] MessagePoint sum_of(std::span<const ByteView> sigs);
  std::vector<DecodedSignature> decoded_;
  std::size_t next_decoded_ = 0;

  Prg batch_coefficients_{random_seed()};
  std::vector<Bytes> pks_;
  sig::bls12_381::Committee<sig::bls12_381::MinPk> committee_;
  std::optional<sig::bls12_381::SecretKey> sk_;
};

// Helpers to make a BLS validator (key, PoP) from key material.
[[nodiscard]] Validator make_bls_validator(const sig::bls12_381::SecretKey& sk, std::uint64_t weight = 1);

// The simulator's key oracle: one 32-byte secret per node.
class SymbolicKeys {
 public:
  [[nodiscard]] static std::shared_ptr<const SymbolicKeys> make(const Prg::Seed& seed, std::size_t n);
  [[nodiscard]] std::size_t size() const noexcept { return secrets_.size(); }
  [[nodiscard]] Bytes tag(NodeId signer, ByteView msg) const;
  // A validator set whose "BLS keys" are public labels of the secrets.
  [[nodiscard]] ValidatorSet validator_set(std::span<const std::uint64_t> weights = {}) const;

  // What an aggregate of `msg` must be: the XOR of the signers' tags, or
  // the sum mod 2^256 (little-endian) of counts[i] times signer i's tag;
  // `any` is false when nobody signed. Each tag is one SHA-256, and at
  // large n every node checks aggregates of the same few messages, so the
  // tags of the last few messages are remembered (thread-safe).
  struct Expected {
    std::array<std::byte, 32> value{};
    bool any = false;
  };
  [[nodiscard]] Expected xor_of_tags(const std::vector<bool>& signers, ByteView msg) const;
  [[nodiscard]] Expected counted_sum_of_tags(std::span<const std::uint32_t> counts, ByteView msg) const;

 private:
  using Tag = std::array<std::byte, 32>;
  struct Remembered {
    Bytes msg;
    std::vector<Tag> tags;     // valid where known[i]
    std::vector<bool> known;
    std::uint64_t last_use = 0;
  };
  static constexpr std::size_t remembered_messages = 8;
  [[nodiscard]] Tag tag_array(NodeId signer, ByteView msg) const;
  // The entry for msg, made (evicting the least recently used) if absent. Call with mutex_ held.
  [[nodiscard]] Remembered& remembered(ByteView msg) const;
  [[nodiscard]] const Tag& cached_tag(Remembered& r, NodeId signer) const;

  std::vector<Tag> secrets_;
  mutable std::mutex mutex_;
  mutable std::vector<Remembered> remembered_;
  mutable std::uint64_t uses_ = 0;
};

class SymbolicCrypto final : public Crypto {
 public:
  // `self` = nullopt for a verify-only provider (checkers).
  SymbolicCrypto(std::shared_ptr<const SymbolicKeys> keys, std::optional<NodeId> self, CostModel costs = {});
  [[nodiscard]] std::size_t committee_size() const override { return keys_->size(); }
  [[nodiscard]] Bytes sign(ByteView msg) override;
  [[nodiscard]] bool verify(NodeId signer, ByteView msg, ByteView sig) override;
  // Each tag checked; charged as BlsCrypto's batch.
  [[nodiscard]] bool verify_batch(std::span<const NodeId> signers, ByteView msg,
                                  std::span<const ByteView> sigs) override;
  // XOR of the tags: order-free like a BLS sum.
  [[nodiscard]] Bytes aggregate(std::span<const ByteView> sigs) override;
  [[nodiscard]] bool verify_aggregate(const std::vector<bool>& signers, ByteView msg, ByteView agg) override;
  // Counted aggregates are sums of tags mod 2^256 (not XOR, under which a
  // count of 2 would cancel and let anyone claim an even count).
  [[nodiscard]] Bytes add_aggregates(ByteView a, ByteView b) override;
  [[nodiscard]] bool verify_counted(std::span<const std::uint32_t> counts, ByteView msg, ByteView agg) override;

 private:
  [[nodiscard]] bool tag_matches(NodeId signer, ByteView msg, ByteView sig) const;
  std::shared_ptr<const SymbolicKeys> keys_;
  std::optional<NodeId> self_;
};

// The certificate's signers hold a quorum of the weight and its aggregate
// verifies over the precommit for (height, round, block) on this chain
// (with its counts when it has them: a Gosig certificate, gossip.hpp).
[[nodiscard]] bool verify_certificate(Crypto& crypto, const ValidatorSet& validators, std::string_view chain_id,
                                      const CommitCertificate& cert);
// Both votes are signed by the named voter and conflict.
[[nodiscard]] bool verify_evidence(Crypto& crypto, const ValidatorSet& validators, std::string_view chain_id,
                                   const Evidence& evidence);

}  // namespace privfin::consensus
