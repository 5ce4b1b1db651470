// The consensus crypto providers (crypto.hpp).
#include "privfin/consensus/crypto.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

#include "privfin/core/detail/int128.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::consensus {

namespace bls = sig::bls12_381;
using Pk = bls::BlsMinPk;

namespace {

bls::Committee<bls::MinPk> committee_of(const ValidatorSet& vs) {
  std::vector<ByteView> pks;
  std::vector<ByteView> pops;
  for (const auto& v : vs.validators()) {
    pks.emplace_back(v.bls_key);
    pops.emplace_back(v.bls_pop);
  }
  return bls::Committee<bls::MinPk>::from_keys(pks, pops);
}

}  // namespace

BlsCrypto::BlsCrypto(const ValidatorSet& validators, std::optional<bls::SecretKey> self, CostModel costs)
    : committee_(committee_of(validators)), sk_(std::move(self)) {
  costs_ = costs;
  for (const auto& v : validators.validators()) pks_.push_back(v.bls_key);
}

const BlsCrypto::MessagePoint& BlsCrypto::message_point(ByteView msg) {
  for (const auto& h : hashed_) {
    if (!h.msg.empty() && std::equal(h.msg.begin(), h.msg.end(), msg.begin(), msg.end())) return h.point;
  }
  auto& slot = hashed_[next_hashed_];
  next_hashed_ = (next_hashed_ + 1) % hashed_.size();
  slot.point = Pk::message_point(msg, bls::Scheme::proof_of_possession);
  slot.msg.assign(msg.begin(), msg.end());
  return slot.point;
}

std::size_t BlsCrypto::decoded_capacity() const noexcept {
  // Two votes per member and round, a few rounds' worth; bounded so that a
  // large committee's provider stays small (about 400 bytes an entry).
  return std::clamp<std::size_t>(4 * pks_.size(), 16, 256);
}

BlsCrypto::MessagePoint BlsCrypto::decoded(ByteView sig) {
  if (sig.size() != Pk::sig_size) {
    throw DecodeError("bls12_381 signature: " + std::to_string(sig.size()) + " bytes, expected " +
                      std::to_string(Pk::sig_size));
  }
  for (const auto& d : decoded_) {
    if (std::equal(d.bytes.begin(), d.bytes.end(), sig.begin())) return d.point;
  }
  Signature bytes;
  std::copy(sig.begin(), sig.end(), bytes.begin());
  const auto point = bls::point_from_compressed<MessagePoint>(sig);
  remember_decoded(bytes, point);
  return point;
}

void BlsCrypto::remember_decoded(const Signature& bytes, const MessagePoint& point) {
  if (decoded_.size() < decoded_capacity()) {
    decoded_.push_back({bytes, point});
    return;
  }
  decoded_[next_decoded_] = {bytes, point};
  next_decoded_ = (next_decoded_ + 1) % decoded_.size();
}

BlsCrypto::MessagePoint BlsCrypto::sum_of(std::span<const ByteView> sigs) {
  MessagePoint sum;
  for (std::size_t i = 0; i < sigs.size(); ++i) {
    try {
      sum += decoded(sigs[i]);
    } catch (const DecodeError& e) {
      throw DecodeError("bls12_381 Aggregate: signature " + std::to_string(i) + ": " + e.what());
    }
  }
  return sum;
}

Bytes BlsCrypto::sign(ByteView msg) {
  if (!sk_) throw InvalidArgument("BlsCrypto: this provider has no signing key");
  charge(costs_.sign);
  const auto point = Pk::signature_point(*sk_, message_point(msg));
  const auto s = Pk::encode_signature(point);
  remember_decoded(s, point);
  return {s.begin(), s.end()};
}

bool BlsCrypto::verify(NodeId signer, ByteView msg, ByteView sig) {
  if (signer >= pks_.size()) return false;
  charge(costs_.verify);
  try {
    // The committee holds the keys decoded and checked with their PoPs. A
    // lone signature's message is rarely seen again: hashed, not kept.
    return Pk::core_verify_hashed(committee_.key(signer), Pk::message_point(msg, bls::Scheme::proof_of_possession),
                                  decoded(sig));
  } catch (const std::exception&) {
    return false;
  }
}

bool BlsCrypto::verify_batch(std::span<const NodeId> signers, ByteView msg, std::span<const ByteView> sigs) {
  if (signers.empty() || signers.size() != sigs.size()) return false;
  charge(costs_.batch_verify + costs_.batch_verify_per_signature * static_cast<std::int64_t>(sigs.size()));
  const std::vector<std::size_t> members(signers.begin(), signers.end());
  std::vector<MessagePoint> points;
  points.reserve(sigs.size());
  try {
    for (const auto& s : sigs) points.push_back(decoded(s));
  } catch (const std::exception&) {
    return false;
  }
  return bls::verify_batch_same_message<bls::MinPk>(committee_, members, points, message_point(msg),
                                                    batch_coefficients_);
}

Bytes BlsCrypto::aggregate(std::span<const ByteView> sigs) {
  if (sigs.empty()) throw InvalidArgument("bls12_381 Aggregate: no signatures");
  charge(costs_.aggregate_per_signature * static_cast<std::int64_t>(sigs.size()));
  const auto s = Pk::encode_signature(sum_of(sigs));
  return {s.begin(), s.end()};
}

bool BlsCrypto::verify_aggregate(const std::vector<bool>& signers, ByteView msg, ByteView agg) {
  if (signers.size() != pks_.size() || agg.size() != Pk::sig_size) return false;
  charge(costs_.aggregate_verify +
         costs_.aggregate_verify_per_signer * static_cast<std::int64_t>(std::count(signers.begin(), signers.end(), true)));
  try {
    // A MultiSig with count 1 per signer: decode the aggregate as the
    // signature of a one-signer set, then set the counts.
    Writer w;
    w.version(bls::MultiSig<bls::MinPk>::wire_version).varint(signers.size());
    for (bool b : signers) w.varint(b ? 1 : 0);
    w.raw(agg);
    const auto ms = bls::MultiSig<bls::MinPk>::from_bytes(w.data(), signers.size());
    return ms.verify(committee_, msg);
  } catch (const Error&) {
    return false;
  }
}

Bytes BlsCrypto::add_aggregates(ByteView a, ByteView b) {
  charge(2 * costs_.aggregate_per_signature);
  const std::array<ByteView, 2> both{a, b};
  const MessagePoint sum = sum_of(both);
  // Gossip adds the sum to the next aggregate it receives: keep its point.
  const auto s = Pk::encode_signature(sum);
  remember_decoded(s, sum);
  return {s.begin(), s.end()};
}

bool BlsCrypto::verify_counted(std::span<const std::uint32_t> counts, ByteView msg, ByteView agg) {
  if (counts.size() != pks_.size() || agg.size() != Pk::sig_size) return false;
  charge(costs_.aggregate_verify +
         costs_.aggregate_verify_per_signer * static_cast<std::int64_t>(std::count_if(
                                                  counts.begin(), counts.end(), [](std::uint32_t c) { return c > 0; })));
  try {
    Writer w;  // MultiSig's wire form: version, size, counts, signature
    w.version(bls::MultiSig<bls::MinPk>::wire_version).varint(counts.size());
    for (auto c : counts) w.varint(c);
    w.raw(agg);
    const auto ms = bls::MultiSig<bls::MinPk>::from_bytes(w.data(), counts.size());
    return ms.verify(committee_, msg);
  } catch (const Error&) {
    return false;
  }
}

Validator make_bls_validator(const bls::SecretKey& sk, std::uint64_t weight) {
  Validator v;
  const auto pk = Pk::sk_to_pk(sk);
  const auto pop = Pk::pop_prove(sk);
  v.bls_key.assign(pk.begin(), pk.end());
  v.bls_pop.assign(pop.begin(), pop.end());
  v.weight = weight;
  return v;
}

// ------------------------------------------------------------ symbolic

std::shared_ptr<const SymbolicKeys> SymbolicKeys::make(const Prg::Seed& seed, std::size_t n) {
  auto keys = std::make_shared<SymbolicKeys>();
  Prg prg(seed);
  keys->secrets_.resize(n);
  for (auto& s : keys->secrets_) prg.fill(std::span<std::byte>(s));
  return keys;
}

SymbolicKeys::Tag SymbolicKeys::tag_array(NodeId signer, ByteView msg) const {
  Sha256 h;
  h.update(as_bytes("privfin symbolic signature")).update(secrets_.at(signer)).update(msg);
  const auto d = h.finish();
  Tag t;
  std::copy(d.begin(), d.end(), t.begin());
  return t;
}

Bytes SymbolicKeys::tag(NodeId signer, ByteView msg) const {
  const auto t = tag_array(signer, msg);
  return {t.begin(), t.end()};
}

SymbolicKeys::Remembered& SymbolicKeys::remembered(ByteView msg) const {
  ++uses_;
  for (auto& r : remembered_) {
    if (equal_bytes(r.msg, msg)) {
      r.last_use = uses_;
      return r;
    }
  }
  if (remembered_.size() < remembered_messages) {
    remembered_.emplace_back();
  } else {
    auto oldest = std::ranges::min_element(remembered_, {}, &Remembered::last_use);
    std::rotate(oldest, oldest + 1, remembered_.end());
  }
  auto& r = remembered_.back();
  r.msg.assign(msg.begin(), msg.end());
  r.tags.resize(secrets_.size());
  r.known.assign(secrets_.size(), false);
  r.last_use = uses_;
  return r;
}

const SymbolicKeys::Tag& SymbolicKeys::cached_tag(Remembered& r, NodeId signer) const {
  if (!r.known[signer]) {
    r.tags[signer] = tag_array(signer, r.msg);
    r.known[signer] = true;
  }
  return r.tags[signer];
}

namespace {
// a + k * b mod 2^256, little-endian 32-byte numbers, in 64-bit limbs.
void add_multiple(std::span<std::byte, 32> a, std::span<const std::byte, 32> b, std::uint32_t k) {
  std::uint64_t carry = 0;
  for (std::size_t limb = 0; limb < 4; ++limb) {
    std::uint64_t x = 0, y = 0;
    std::memcpy(&x, a.data() + 8 * limb, 8);
    std::memcpy(&y, b.data() + 8 * limb, 8);
    using privfin::detail::uint128;
    const uint128 s = uint128{x} + uint128{y} * k + carry;
    const auto low = static_cast<std::uint64_t>(s);
    std::memcpy(a.data() + 8 * limb, &low, 8);
    carry = static_cast<std::uint64_t>(s >> 64);
  }
}
}  // namespace

SymbolicKeys::Expected SymbolicKeys::xor_of_tags(const std::vector<bool>& signers, ByteView msg) const {
  Expected e;
  const std::lock_guard lock(mutex_);
  auto& r = remembered(msg);
  for (NodeId i = 0; i < signers.size() && i < secrets_.size(); ++i) {
    if (!signers[i]) continue;
    e.any = true;
    const auto& t = cached_tag(r, i);
    for (std::size_t k = 0; k < 32; ++k) e.value[k] ^= t[k];
  }
  return e;
}

SymbolicKeys::Expected SymbolicKeys::counted_sum_of_tags(std::span<const std::uint32_t> counts, ByteView msg) const {
  Expected e;
  const std::lock_guard lock(mutex_);
  auto& r = remembered(msg);
  for (NodeId i = 0; i < counts.size() && i < secrets_.size(); ++i) {
    if (counts[i] == 0) continue;
    e.any = true;
    add_multiple(e.value, cached_tag(r, i), counts[i]);
  }
  return e;
}

ValidatorSet SymbolicKeys::validator_set(std::span<const std::uint64_t> weights) const {
  std::vector<Validator> vs;
  for (std::size_t i = 0; i < secrets_.size(); ++i) {
    Validator v;
    const auto label = Sha256::hash(secrets_[i]);  // a public label, not the secret
    v.bls_key.assign(label.begin(), label.end());
    v.weight = weights.empty() ? 1 : weights[i];
    vs.push_back(std::move(v));
  }
  return ValidatorSet(std::move(vs));
}

SymbolicCrypto::SymbolicCrypto(std::shared_ptr<const SymbolicKeys> keys, std::optional<NodeId> self, CostModel costs)
    : keys_(std::move(keys)), self_(self) {
  costs_ = costs;
}

Bytes SymbolicCrypto::sign(ByteView msg) {
  if (!self_) throw InvalidArgument("SymbolicCrypto: this provider has no signing key");
  charge(costs_.sign);
  return keys_->tag(*self_, msg);
}

bool SymbolicCrypto::tag_matches(NodeId signer, ByteView msg, ByteView sig) const {
  return signer < keys_->size() && sig.size() == 32 && constant_time_equal(keys_->tag(signer, msg), sig);
}

bool SymbolicCrypto::verify(NodeId signer, ByteView msg, ByteView sig) {
  if (signer >= keys_->size() || sig.size() != 32) return false;
  charge(costs_.verify);
  return tag_matches(signer, msg, sig);
}

bool SymbolicCrypto::verify_batch(std::span<const NodeId> signers, ByteView msg, std::span<const ByteView> sigs) {
  if (signers.empty() || signers.size() != sigs.size()) return false;
  charge(costs_.batch_verify + costs_.batch_verify_per_signature * static_cast<std::int64_t>(sigs.size()));
  for (std::size_t i = 0; i < sigs.size(); ++i) {
    if (!tag_matches(signers[i], msg, sigs[i])) return false;
  }
  return true;
}

Bytes SymbolicCrypto::aggregate(std::span<const ByteView> sigs) {
  if (sigs.empty()) throw InvalidArgument("SymbolicCrypto: nothing to aggregate");
  charge(costs_.aggregate_per_signature * static_cast<std::int64_t>(sigs.size()));
  Bytes out(32);
  for (const auto& s : sigs) {
    if (s.size() != 32) throw DecodeError("SymbolicCrypto: a signature is not 32 bytes");
    for (std::size_t i = 0; i < 32; ++i) out[i] ^= s[i];
  }
  return out;
}

bool SymbolicCrypto::verify_aggregate(const std::vector<bool>& signers, ByteView msg, ByteView agg) {
  if (signers.size() != keys_->size() || agg.size() != 32) return false;
  charge(costs_.aggregate_verify +
         costs_.aggregate_verify_per_signer * static_cast<std::int64_t>(std::count(signers.begin(), signers.end(), true)));
  const auto expect = keys_->xor_of_tags(signers, msg);
  return expect.any && constant_time_equal(expect.value, agg);
}

Bytes SymbolicCrypto::add_aggregates(ByteView a, ByteView b) {
  if (a.size() != 32 || b.size() != 32) throw DecodeError("SymbolicCrypto: an aggregate is not 32 bytes");
  charge(2 * costs_.aggregate_per_signature);
  Bytes out(a.begin(), a.end());
  add_multiple(std::span<std::byte, 32>(out.data(), 32), std::span<const std::byte, 32>(b.data(), 32), 1);
  return out;
}

bool SymbolicCrypto::verify_counted(std::span<const std::uint32_t> counts, ByteView msg, ByteView agg) {
  if (counts.size() != keys_->size() || agg.size() != 32) return false;
  charge(costs_.aggregate_verify +
         costs_.aggregate_verify_per_signer * static_cast<std::int64_t>(std::count_if(
                                                  counts.begin(), counts.end(), [](std::uint32_t c) { return c > 0; })));
  const auto expect = keys_->counted_sum_of_tags(counts, msg);
  return expect.any && constant_time_equal(expect.value, agg);
}

// ------------------------------------------------------------ checks

bool verify_certificate(Crypto& crypto, const ValidatorSet& validators, std::string_view chain_id,
                        const CommitCertificate& cert) {
  if (cert.signers.size() != validators.size()) return false;
  std::uint64_t weight = 0;
  for (NodeId i = 0; i < cert.signers.size(); ++i) {
    if (cert.signers[i]) weight += validators.weight(i);
  }
  if (!validators.is_quorum(weight)) return false;
  const auto msg = Vote::signed_bytes(chain_id, VoteType::precommit, cert.height, cert.round, cert.block);
  if (!cert.counts.empty()) {  // a counted (gossip-merged) certificate
    if (cert.counts.size() != cert.signers.size()) return false;
    for (std::size_t i = 0; i < cert.counts.size(); ++i) {
      if ((cert.counts[i] > 0) != cert.signers[i]) return false;
    }
    return crypto.verify_counted(cert.counts, msg, cert.aggregate);
  }
  return crypto.verify_aggregate(cert.signers, msg, cert.aggregate);
}

bool verify_evidence(Crypto& crypto, const ValidatorSet& validators, std::string_view chain_id,
                     const Evidence& evidence) {
  if (!evidence.is_conflict() || evidence.first.voter >= validators.size()) return false;
  return crypto.verify(evidence.first.voter, evidence.first.signed_bytes(chain_id), evidence.first.signature) &&
         crypto.verify(evidence.second.voter, evidence.second.signed_bytes(chain_id), evidence.second.signature);
}

}  // namespace privfin::consensus
