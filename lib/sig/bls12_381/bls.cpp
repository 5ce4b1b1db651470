// BLS signatures, draft-irtf-cfrg-bls-signature-05 Sections 2 and 3
// (basic, message augmentation and proof-of-possession schemes), over the
// BLS12-381 groups and RFC 9380 hash-to-curve. Security: EUF-CMA under
// co-CDH in the random-oracle model; aggregation of same-message
// signatures is sound only for keys with a verified proof of possession.
#include "privfin/sig/bls12_381/bls.hpp"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <algorithm>
#include <memory>
#include <set>
#include <type_traits>

#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"
#include "privfin/sig/bls12_381/hash_to_curve.hpp"
#include "privfin/sig/bls12_381/pairing.hpp"

namespace privfin::sig::bls12_381 {

namespace {

// HKDF-SHA-256 (RFC 5869, extract then expand) through OpenSSL's EVP_KDF.
void hkdf_sha256(ByteView salt, ByteView ikm, ByteView info, std::span<std::byte> out) {
  std::unique_ptr<EVP_KDF, decltype(&EVP_KDF_free)> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr), &EVP_KDF_free);
  if (!kdf) throw Error("bls12_381 KeyGen: OpenSSL has no HKDF");
  std::unique_ptr<EVP_KDF_CTX, decltype(&EVP_KDF_CTX_free)> ctx(EVP_KDF_CTX_new(kdf.get()), &EVP_KDF_CTX_free);
  if (!ctx) throw Error("bls12_381 KeyGen: EVP_KDF_CTX_new failed");
  char digest[] = "SHA256";
  auto octets = [](ByteView v) { return const_cast<void*>(static_cast<const void*>(v.data())); };
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, octets(ikm), ikm.size()),
                         OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, octets(salt), salt.size()),
                         OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, octets(info), info.size()),
                         OSSL_PARAM_construct_end()};
  if (EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), out.size(), params) != 1) {
    throw Error("bls12_381 KeyGen: HKDF derivation failed");
  }
}

// Wipes a secret scalar's stack copy before it goes out of scope.
void wipe(Fr& secret) noexcept { secure_wipe(std::as_writable_bytes(std::span(&secret, 1))); }

// OS2IP(48 bytes) mod r, constant-time: hi * 2^256 + lo.
Fr fr_from_48_bytes(ByteView in) noexcept {
  detail::Limbs<4> hi{}, lo{};
  for (std::size_t i = 0; i < 16; ++i) {
    const std::size_t bit = 8 * (15 - i);
    hi[bit / 64] |= static_cast<std::uint64_t>(in[i]) << (bit % 64);
  }
  for (std::size_t i = 0; i < 32; ++i) {
    const std::size_t bit = 8 * (31 - i);
    lo[bit / 64] |= static_cast<std::uint64_t>(in[16 + i]) << (bit % 64);
  }
  detail::Limbs<4> two128{};
  two128[2] = 1;
  const Fr two256 = Fr::from_raw(two128).square();
  Fr out = Fr::from_raw(hi) * two256 + Fr::from_raw(lo);
  secure_wipe(std::as_writable_bytes(std::span(hi)));
  secure_wipe(std::as_writable_bytes(std::span(lo)));
  return out;
}

template <class P>
auto encode(const P& p) {
  if constexpr (std::is_same_v<P, G1>) {
    return g1_to_compressed(p);
  } else {
    return g2_to_compressed(p);
  }
}

template <class P>
bool try_decode(ByteView bytes, P& out) noexcept {
  try {
    out = point_from_compressed<P>(bytes);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

// [k] P on the subgroup with the endomorphism ladders (constant time).
G1 subgroup_mul(const G1& p, const Fr& k) noexcept { return g1_mul(p, k); }
G2 subgroup_mul(const G2& q, const Fr& k) noexcept { return g2_mul(q, k); }

template <class P>
P hash_to_point(ByteView msg, ByteView dst) {
  if constexpr (std::is_same_v<P, G1>) {
    return hash_to_g1(msg, dst);
  } else {
    return hash_to_g2(msg, dst);
  }
}

// Pairs collected in (G1, G2) order whatever the variant.
struct PairingBatch {
  std::vector<G1> g1;
  std::vector<G2> g2;
  void add(const G1& a, const G2& b) {
    g1.push_back(a);
    g2.push_back(b);
  }
  void add(const G2& b, const G1& a) { add(a, b); }
  [[nodiscard]] bool is_one() const { return multi_pairing_is_one(g1, g2); }
};

}  // namespace

// ---------------------------------------------------------------- SecretKey

SecretKey SecretKey::key_gen(ByteView ikm, ByteView key_info) {
  if (ikm.size() < 32) {
    throw InvalidArgument("bls12_381 KeyGen: IKM has " + std::to_string(ikm.size()) + " bytes, at least 32 required");
  }
  constexpr std::size_t L = 48;  // ceil(3 * ceil(log2(r)) / 16)
  Bytes salt = privfin::to_bytes("BLS-SIG-KEYGEN-SALT-");
  SecretBytes ikm0(ikm.size() + 1);
  std::copy(ikm.begin(), ikm.end(), ikm0.data());
  ikm0.data()[ikm.size()] = std::byte{0};  // IKM || I2OSP(0, 1)
  Bytes info(key_info.begin(), key_info.end());
  info.push_back(std::byte{0});
  info.push_back(std::byte{L});  // key_info || I2OSP(L, 2)
  SecretBytes okm(L);
  for (;;) {
    const auto digest = Sha256::hash(salt);
    salt.assign(digest.begin(), digest.end());
    hkdf_sha256(salt, ikm0.view(), info, okm.span());
    Fr sk = fr_from_48_bytes(okm.view());
    const bool usable = !sk.is_zero();
    const SecretKey key(sk);
    wipe(sk);
    if (usable) return key;
  }
}

SecretKey SecretKey::from_bytes(ByteView bytes) {
  if (bytes.size() != size) {
    throw InvalidArgument("bls12_381 SecretKey: " + std::to_string(bytes.size()) + " bytes, expected 32");
  }
  Fr sk;
  const bool below_r = Fr::from_bytes_be(bytes, sk);
  const bool zero = sk.is_zero();
  const SecretKey key(sk);
  wipe(sk);
  if (!below_r) throw InvalidArgument("bls12_381 SecretKey: value is not below the group order r");
  if (zero) throw InvalidArgument("bls12_381 SecretKey: value is zero");
  return key;
}

SecretKey SecretKey::from_bytes_mod_r(ByteView bytes) {
  if (bytes.size() != size) {
    throw InvalidArgument("bls12_381 SecretKey: " + std::to_string(bytes.size()) + " bytes, expected 32");
  }
  detail::Limbs<4> raw{};
  for (std::size_t i = 0; i < size; ++i) {
    const std::size_t bit = 8 * (size - 1 - i);
    raw[bit / 64] |= static_cast<std::uint64_t>(bytes[i]) << (bit % 64);
  }
  Fr sk = Fr::from_raw(raw);
  secure_wipe(std::as_writable_bytes(std::span(raw)));
  const bool zero = sk.is_zero();
  const SecretKey key(sk);
  wipe(sk);
  if (zero) throw InvalidArgument("bls12_381 SecretKey: value is zero modulo r");
  return key;
}

SecretBytes SecretKey::to_bytes() const {
  SecretBytes out(size);
  sk_.to_bytes_be(out.span());
  return out;
}

SecretKey::~SecretKey() { secure_wipe(std::as_writable_bytes(std::span(&sk_, 1))); }

// ---------------------------------------------------------------- Bls

template <class V>
std::string Bls<V>::dst(Scheme scheme) {
  const char* tag = scheme == Scheme::basic ? "NUL_" : scheme == Scheme::message_augmentation ? "AUG_" : "POP_";
  return std::string("BLS_SIG_") + V::suite + tag;
}

template <class V>
std::string Bls<V>::pop_dst() {
  return std::string("BLS_POP_") + V::suite + "POP_";
}

template <class V>
typename Bls<V>::PublicKey Bls<V>::sk_to_pk(const SecretKey& sk) {
  return encode(subgroup_mul(PkPoint::generator(), sk.scalar()));
}

template <class V>
bool Bls<V>::validate_key(ByteView pk) noexcept {
  PkPoint p;
  return try_decode(pk, p) && !p.is_identity();
}

template <class V>
typename Bls<V>::Signature Bls<V>::sign(const SecretKey& sk, ByteView msg, Scheme scheme) {
  const std::string tag = dst(scheme);
  SigPoint q;
  if (scheme == Scheme::message_augmentation) {
    const PublicKey pk = sk_to_pk(sk);
    q = hash_to_point<SigPoint>(concat(pk, msg), as_bytes(tag));
  } else {
    q = hash_to_point<SigPoint>(msg, as_bytes(tag));
  }
  return encode(subgroup_mul(q, sk.scalar()));
}

template <class V>
bool Bls<V>::core_verify_points(const PkPoint& pk, ByteView msg, const SigPoint& sig, ByteView dst_bytes) {
  return core_verify_hashed(pk, hash_to_point<SigPoint>(msg, dst_bytes), sig);
}

template <class V>
bool Bls<V>::core_verify_hashed(const PkPoint& pk, const SigPoint& message, const SigPoint& sig) {
  PairingBatch batch;
  batch.add(pk, message);
  batch.add(-PkPoint::generator(), sig);
  return batch.is_one();
}

template <class V>
typename Bls<V>::SigPoint Bls<V>::message_point(ByteView msg, Scheme scheme) {
  if (scheme == Scheme::message_augmentation) {
    throw InvalidArgument("bls: message_point for message augmentation, whose point depends on the key");
  }
  const std::string tag = dst(scheme);
  return hash_to_point<SigPoint>(msg, as_bytes(tag));
}

template <class V>
typename Bls<V>::Signature Bls<V>::sign_point(const SecretKey& sk, const SigPoint& message) {
  return encode(signature_point(sk, message));
}

template <class V>
typename Bls<V>::SigPoint Bls<V>::signature_point(const SecretKey& sk, const SigPoint& message) {
  return subgroup_mul(message, sk.scalar());
}

template <class V>
typename Bls<V>::Signature Bls<V>::encode_signature(const SigPoint& sig) noexcept {
  return encode(sig);
}

template <class V>
bool Bls<V>::verify(ByteView pk, ByteView msg, ByteView sig, Scheme scheme) noexcept {
  try {
    PkPoint p;
    SigPoint s;
    if (!try_decode(sig, s) || !try_decode(pk, p) || p.is_identity()) return false;
    const std::string tag = dst(scheme);
    if (scheme == Scheme::message_augmentation) return core_verify_points(p, concat(pk, msg), s, as_bytes(tag));
    return core_verify_points(p, msg, s, as_bytes(tag));
  } catch (const std::exception&) {
    return false;
  }
}

template <class V>
typename Bls<V>::Signature Bls<V>::aggregate(std::span<const ByteView> sigs) {
  if (sigs.empty()) throw InvalidArgument("bls12_381 Aggregate: no signatures");
  SigPoint acc;
  for (std::size_t i = 0; i < sigs.size(); ++i) {
    try {
      acc += point_from_compressed<SigPoint>(sigs[i]);
    } catch (const DecodeError& e) {
      throw DecodeError("bls12_381 Aggregate: signature " + std::to_string(i) + ": " + e.what());
    }
  }
  return encode(acc);
}

template <class V>
bool Bls<V>::aggregate_verify(std::span<const ByteView> pks, std::span<const ByteView> msgs, ByteView sig,
                              Scheme scheme) noexcept {
  try {
    if (pks.empty() || pks.size() != msgs.size()) return false;
    if (scheme == Scheme::basic) {
      std::set<std::string> seen;
      for (const auto& m : msgs) {
        if (!seen.insert(std::string(reinterpret_cast<const char*>(m.data()), m.size())).second) return false;
      }
    }
    SigPoint s;
    if (!try_decode(sig, s)) return false;
    const std::string tag = dst(scheme);
    PairingBatch batch;
    for (std::size_t i = 0; i < pks.size(); ++i) {
      PkPoint p;
      if (!try_decode(pks[i], p) || p.is_identity()) return false;
      const Bytes msg = scheme == Scheme::message_augmentation ? concat(pks[i], msgs[i])
                                                              : Bytes(msgs[i].begin(), msgs[i].end());
      batch.add(p, hash_to_point<SigPoint>(msg, as_bytes(tag)));
    }
    batch.add(-PkPoint::generator(), s);
    return batch.is_one();
  } catch (const std::exception&) {
    return false;
  }
}

template <class V>
typename Bls<V>::Signature Bls<V>::pop_prove(const SecretKey& sk) {
  const PublicKey pk = sk_to_pk(sk);
  const std::string tag = pop_dst();
  return encode(subgroup_mul(hash_to_point<SigPoint>(pk, as_bytes(tag)), sk.scalar()));
}

template <class V>
bool Bls<V>::pop_verify(ByteView pk, ByteView proof) noexcept {
  try {
    PkPoint p;
    SigPoint s;
    if (!try_decode(proof, s) || !try_decode(pk, p) || p.is_identity()) return false;
    const std::string tag = pop_dst();
    return core_verify_points(p, pk, s, as_bytes(tag));
  } catch (const std::exception&) {
    return false;
  }
}

template <class V>
bool Bls<V>::fast_aggregate_verify(std::span<const ByteView> pks, ByteView msg, ByteView sig) noexcept {
  try {
    if (pks.empty()) return false;
    PkPoint acc;
    for (const auto& pk : pks) {
      PkPoint p;
      if (!try_decode(pk, p)) return false;
      acc += p;
    }
    if (acc.is_identity()) return false;
    SigPoint s;
    if (!try_decode(sig, s)) return false;
    const std::string tag = dst(Scheme::proof_of_possession);
    return core_verify_points(acc, msg, s, as_bytes(tag));
  } catch (const std::exception&) {
    return false;
  }
}

template class Bls<MinPk>;
template class Bls<MinSig>;

}  // namespace privfin::sig::bls12_381
