// privfin/sig/bls12_381/multisig.hpp — BLS multisignatures for consensus
// votes: one aggregate signature plus per-signer counts (a signer bitmap
// when every count is 0 or 1), mergeable along gossip paths, verified
// against a committee whose keys all passed their proof of possession.
//
//   auto committee = Committee<MinPk>::from_keys(pks, pops);    // throws on a bad PoP
//   auto vote = MultiSig<MinPk>::single(committee.size(), i,
//                   BlsMinPk::sign(sk_i, block_hash, Scheme::proof_of_possession));
//   vote.merge_inplace(other_vote);                             // counts add up
//   bool ok = vote.verify(committee, block_hash);
//
// Gossip may deliver the same signer's vote twice along different paths;
// counts record that, and verification weights each key by its count, so
// a merged aggregate stays verifiable. Rogue keys are excluded because a
// Committee admits only keys with a valid PoP (draft-irtf-cfrg-bls-signature
// Section 3.3). Errors: InvalidArgument (index out of range, committee-size
// mismatch, count overflow), DecodeError (malformed signature or wire
// bytes). Value types; a const MultiSig or Committee may be shared between
// threads.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/sig/bls12_381/bls.hpp"

namespace privfin::sig::bls12_381 {

template <class Variant>
class Committee {
 public:
  using PkPoint = typename Variant::PkPoint;

  // Validates every key (KeyValidate) and its proof of possession; throws
  // InvalidArgument naming the first member that fails, or on a size
  // mismatch or an empty committee.
  [[nodiscard]] static Committee from_keys(std::span<const ByteView> pks, std::span<const ByteView> pops);

  [[nodiscard]] std::size_t size() const noexcept { return keys_.size(); }
  [[nodiscard]] const PkPoint& key(std::size_t i) const { return keys_.at(i); }

 private:
  std::vector<PkPoint> keys_;
};

template <class Variant>
class MultiSig {
 public:
  using SigPoint = typename Variant::SigPoint;
  static constexpr std::uint8_t wire_version = 1;

  // An empty aggregate for a committee of `committee_size` (no signers).
  explicit MultiSig(std::size_t committee_size);

  // Signer `signer`'s signature (Scheme::proof_of_possession) as an
  // aggregate of one. Throws InvalidArgument if signer >= committee_size,
  // DecodeError if the signature does not decode into the subgroup.
  [[nodiscard]] static MultiSig single(std::size_t committee_size, std::size_t signer, ByteView signature);

  // Adds the other aggregate's signature and counts. Throws InvalidArgument
  // for a different committee size or a count overflow (state unchanged).
  void merge_inplace(const MultiSig& other);
  [[nodiscard]] MultiSig merge(const MultiSig& other) const;

  // e(sum_i count_i pk_i, H(msg)) == e(g, sig); false when nobody signed.
  [[nodiscard]] bool verify(const Committee<Variant>& committee, ByteView msg) const;

  [[nodiscard]] std::size_t committee_size() const noexcept { return counts_.size(); }
  [[nodiscard]] const std::vector<std::uint32_t>& counts() const noexcept { return counts_; }
  [[nodiscard]] std::vector<bool> bitmap() const;
  [[nodiscard]] std::size_t signer_count() const noexcept;  // distinct signers
  [[nodiscard]] typename Bls<Variant>::Signature signature() const;

  // version (1) | varint committee size | varint count per member |
  // compressed signature. from_bytes throws DecodeError on any defect,
  // including a committee larger than max_committee.
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static MultiSig from_bytes(ByteView bytes, std::size_t max_committee);

 private:
  std::vector<std::uint32_t> counts_;
  SigPoint sig_;
};

// Batch verification of signatures by committee members over one message
// (Scheme::proof_of_possession), as consensus votes for the same value are:
// with random 64-bit r_i from `rng`, checks
//   e(sum_i r_i pk_i, H(msg)) == e(g, sum_i r_i sig_i),
// one hash to the curve and one two-pairing product for the whole batch,
// plus a decode, a subgroup check and a 64-bit scalar multiplication per
// signature. True when every signature is valid. If any is not, true with
// probability at most 2^-64 over the r_i, which therefore must stay unknown
// to whoever made the signatures: seed `rng` from random_seed(). Without
// the r_i, two invalid signatures whose errors cancel (s1 + D, s2 - D)
// would pass as a pair. False for an empty batch, a size mismatch, a member
// out of range or a malformed signature; never throws. Variable time: every
// input is public. On false, verify each signature alone to find the bad ones.
template <class Variant>
[[nodiscard]] bool verify_batch_same_message(const Committee<Variant>& committee, std::span<const std::size_t> signers,
                                             std::span<const ByteView> signatures, ByteView msg, Prg& rng) noexcept;
// The same with the message's point given (Bls::message_point(msg,
// Scheme::proof_of_possession)), for a caller that hashed it already.
template <class Variant>
[[nodiscard]] bool verify_batch_same_message(const Committee<Variant>& committee, std::span<const std::size_t> signers,
                                             std::span<const ByteView> signatures,
                                             const typename Variant::SigPoint& message, Prg& rng) noexcept;
// The same with the signatures decoded already: each must be a subgroup
// point, as point_from_compressed makes it (the caller's decoding is the
// subgroup check; this overload does none).
template <class Variant>
[[nodiscard]] bool verify_batch_same_message(const Committee<Variant>& committee, std::span<const std::size_t> signers,
                                             std::span<const typename Variant::SigPoint> signatures,
                                             const typename Variant::SigPoint& message, Prg& rng) noexcept;

extern template class Committee<MinPk>;
extern template class Committee<MinSig>;
extern template class MultiSig<MinPk>;
extern template class MultiSig<MinSig>;
extern template bool verify_batch_same_message<MinPk>(const Committee<MinPk>&, std::span<const std::size_t>,
                                                      std::span<const ByteView>, ByteView, Prg&) noexcept;
extern template bool verify_batch_same_message<MinSig>(const Committee<MinSig>&, std::span<const std::size_t>,
                                                       std::span<const ByteView>, ByteView, Prg&) noexcept;
extern template bool verify_batch_same_message<MinPk>(const Committee<MinPk>&, std::span<const std::size_t>,
                                                      std::span<const ByteView>, const MinPk::SigPoint&, Prg&) noexcept;
extern template bool verify_batch_same_message<MinSig>(const Committee<MinSig>&, std::span<const std::size_t>,
                                                       std::span<const ByteView>, const MinSig::SigPoint&,
                                                       Prg&) noexcept;
extern template bool verify_batch_same_message<MinPk>(const Committee<MinPk>&, std::span<const std::size_t>,
                                                      std::span<const MinPk::SigPoint>, const MinPk::SigPoint&,
                                                      Prg&) noexcept;
extern template bool verify_batch_same_message<MinSig>(const Committee<MinSig>&, std::span<const std::size_t>,
                                                       std::span<const MinSig::SigPoint>, const MinSig::SigPoint&,
                                                       Prg&) noexcept;

}  // namespace privfin::sig::bls12_381
