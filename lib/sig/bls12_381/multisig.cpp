// BLS multisignatures with signer counts (see multisig.hpp): aggregation
// of same-message signatures under proof-of-possession keys,
// draft-irtf-cfrg-bls-signature-05 Section 3.3.4.
#include "privfin/sig/bls12_381/multisig.hpp"

#include <limits>
#include <string>
#include <type_traits>

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"

namespace privfin::sig::bls12_381 {


template <class V>
Committee<V> Committee<V>::from_keys(std::span<const ByteView> pks, std::span<const ByteView> pops) {
  if (pks.empty()) throw InvalidArgument("bls12_381 Committee: no keys");
  if (pks.size() != pops.size()) {
    throw InvalidArgument("bls12_381 Committee: " + std::to_string(pks.size()) + " keys but " +
                          std::to_string(pops.size()) + " proofs of possession");
  }
  Committee c;
  c.keys_.reserve(pks.size());
  for (std::size_t i = 0; i < pks.size(); ++i) {
    if (!Bls<V>::pop_verify(pks[i], pops[i])) {
      throw InvalidArgument("bls12_381 Committee: member " + std::to_string(i) +
                            " has an invalid key or proof of possession");
    }
    c.keys_.push_back(point_from_compressed<PkPoint>(pks[i]));
  }
  return c;
}

template <class V>
MultiSig<V>::MultiSig(std::size_t committee_size) : counts_(committee_size, 0) {}

template <class V>
MultiSig<V> MultiSig<V>::single(std::size_t committee_size, std::size_t signer, ByteView signature) {
  if (signer >= committee_size) {
    throw InvalidArgument("bls12_381 MultiSig: signer " + std::to_string(signer) + " outside a committee of " +
                          std::to_string(committee_size));
  }
  MultiSig m(committee_size);
  m.sig_ = point_from_compressed<SigPoint>(signature);
  m.counts_[signer] = 1;
  return m;
}

template <class V>
void MultiSig<V>::merge_inplace(const MultiSig& other) {
  if (other.counts_.size() != counts_.size()) {
    throw InvalidArgument("bls12_381 MultiSig: merging committees of size " + std::to_string(counts_.size()) +
                          " and " + std::to_string(other.counts_.size()));
  }
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] > std::numeric_limits<std::uint32_t>::max() - other.counts_[i]) {
      throw InvalidArgument("bls12_381 MultiSig: count of member " + std::to_string(i) + " overflows");
    }
  }
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  sig_ += other.sig_;
}

template <class V>
MultiSig<V> MultiSig<V>::merge(const MultiSig& other) const {
  MultiSig out = *this;
  out.merge_inplace(other);
  return out;
}

template <class V>
bool MultiSig<V>::verify(const Committee<V>& committee, ByteView msg) const {
  if (committee.size() != counts_.size()) return false;
  using PkPoint = typename V::PkPoint;
  detail::Jacobian<typename PkPoint::F> ones;  // members counted once: affine keys (Z = 1)
  PkPoint agg;
  bool any = false;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    any = true;
    const PkPoint& key = committee.key(i);
    if (counts_[i] == 1) {
      ones.add_affine(key.x(), key.y());
    } else {
      const std::uint64_t k[1] = {counts_[i]};
      agg += key.mul_vartime(k);
    }
  }
  agg += ones.template to_projective<PkPoint>();
  if (!any || agg.is_identity()) return false;
  const std::string tag = Bls<V>::dst(Scheme::proof_of_possession);
  return Bls<V>::core_verify_points(agg, msg, sig_, as_bytes(tag));
}

template <class V>
std::vector<bool> MultiSig<V>::bitmap() const {
  std::vector<bool> out(counts_.size());
  for (std::size_t i = 0; i < counts_.size(); ++i) out[i] = counts_[i] != 0;
  return out;
}

template <class V>
std::size_t MultiSig<V>::signer_count() const noexcept {
  std::size_t n = 0;
  for (const auto c : counts_) n += c != 0 ? 1 : 0;
  return n;
}

template <class V>
typename Bls<V>::Signature MultiSig<V>::signature() const {
  if constexpr (std::is_same_v<SigPoint, G1>) {
    return g1_to_compressed(sig_);
  } else {
    return g2_to_compressed(sig_);
  }
}

template <class V>
Bytes MultiSig<V>::to_bytes() const {
  Writer w;
  w.version(wire_version).varint(counts_.size());
  for (const auto c : counts_) w.varint(c);
  const auto sig = signature();
  w.raw(sig);
  return std::move(w).take();
}

template <class V>
MultiSig<V> MultiSig<V>::from_bytes(ByteView bytes, std::size_t max_committee) {
  Reader r(bytes);
  r.expect_version(wire_version, "bls12_381 MultiSig");
  const std::uint64_t n = r.varint("committee size");
  if (n == 0 || n > max_committee) {
    throw DecodeError("bls12_381 MultiSig: committee size " + std::to_string(n) + " outside [1, " +
                      std::to_string(max_committee) + "]");
  }
  // Each count takes at least one byte and the signature follows: check that
  // the bytes exist before allocating a counter per member.
  if (r.remaining() < V::sig_size || n > r.remaining() - V::sig_size) {
    throw DecodeError("bls12_381 MultiSig: committee size " + std::to_string(n) + " needs at least " +
                      std::to_string(n) + " count bytes and a " + std::to_string(V::sig_size) +
                      "-byte signature, but only " + std::to_string(r.remaining()) + " bytes remain");
  }
  MultiSig m(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < m.counts_.size(); ++i) {
    const std::uint64_t c = r.varint("signer count");
    if (c > std::numeric_limits<std::uint32_t>::max()) {
      throw DecodeError("bls12_381 MultiSig: count of member " + std::to_string(i) + " exceeds 32 bits");
    }
    m.counts_[i] = static_cast<std::uint32_t>(c);
  }
  const ByteView sig = r.raw(V::sig_size, "signature");
  r.expect_end("bls12_381 MultiSig");
  m.sig_ = point_from_compressed<SigPoint>(sig);
  return m;
}

template <class V>
bool verify_batch_same_message(const Committee<V>& committee, std::span<const std::size_t> signers,
                               std::span<const ByteView> signatures, ByteView msg, Prg& rng) noexcept {
  if (signers.empty() || signers.size() != signatures.size()) return false;
  try {
    return verify_batch_same_message(committee, signers, signatures,
                                     Bls<V>::message_point(msg, Scheme::proof_of_possession), rng);
  } catch (const std::exception&) {
    return false;
  }
}

template <class V>
bool verify_batch_same_message(const Committee<V>& committee, std::span<const std::size_t> signers,
                               std::span<const ByteView> signatures, const typename V::SigPoint& message,
                               Prg& rng) noexcept {
  if (signers.empty() || signers.size() != signatures.size()) return false;
  using SigPoint = typename V::SigPoint;
  std::vector<SigPoint> points;
  points.reserve(signatures.size());
  try {
    for (const auto& s : signatures) {
      if (s.size() != V::sig_size) return false;
      points.push_back(point_from_compressed<SigPoint>(s));
    }
  } catch (const std::exception&) {
    return false;
  }
  return verify_batch_same_message<V>(committee, signers, std::span<const SigPoint>(points), message, rng);
}

template <class V>
bool verify_batch_same_message(const Committee<V>& committee, std::span<const std::size_t> signers,
                               std::span<const typename V::SigPoint> signatures, const typename V::SigPoint& message,
                               Prg& rng) noexcept {
  if (signers.empty() || signers.size() != signatures.size()) return false;
  typename V::PkPoint key_sum;
  typename V::SigPoint sig_sum;
  for (std::size_t i = 0; i < signers.size(); ++i) {
    if (signers[i] >= committee.size()) return false;
    std::uint64_t r[1] = {0};
    while (r[0] == 0) r[0] = rng.next_u64();
    key_sum += committee.key(signers[i]).mul_vartime(r);
    sig_sum += signatures[i].mul_vartime(r);
  }
  if (key_sum.is_identity()) return false;
  try {
    return Bls<V>::core_verify_hashed(key_sum, message, sig_sum);
  } catch (const std::exception&) {
    return false;
  }
}

template class Committee<MinPk>;
template class Committee<MinSig>;
template class MultiSig<MinPk>;
template class MultiSig<MinSig>;
template bool verify_batch_same_message<MinPk>(const Committee<MinPk>&, std::span<const std::size_t>,
                                               std::span<const ByteView>, ByteView, Prg&) noexcept;
template bool verify_batch_same_message<MinSig>(const Committee<MinSig>&, std::span<const std::size_t>,
                                                std::span<const ByteView>, ByteView, Prg&) noexcept;
template bool verify_batch_same_message<MinPk>(const Committee<MinPk>&, std::span<const std::size_t>,
                                               std::span<const ByteView>, const MinPk::SigPoint&, Prg&) noexcept;
template bool verify_batch_same_message<MinSig>(const Committee<MinSig>&, std::span<const std::size_t>,
                                                std::span<const ByteView>, const MinSig::SigPoint&, Prg&) noexcept;
template bool verify_batch_same_message<MinPk>(const Committee<MinPk>&, std::span<const std::size_t>,
                                               std::span<const MinPk::SigPoint>, const MinPk::SigPoint&,
                                               Prg&) noexcept;
template bool verify_batch_same_message<MinSig>(const Committee<MinSig>&, std::span<const std::size_t>,
                                                std::span<const MinSig::SigPoint>, const MinSig::SigPoint&,
                                                Prg&) noexcept;

}  // namespace privfin::sig::bls12_381
