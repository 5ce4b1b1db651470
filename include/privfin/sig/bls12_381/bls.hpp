// privfin/sig/bls12_381/bls.hpp — BLS signatures on BLS12-381 per
// draft-irtf-cfrg-bls-signature-05: KeyGen, SkToPk, KeyValidate, Sign,
// Verify, Aggregate, AggregateVerify for the basic, message-augmentation
// and proof-of-possession schemes, and PopProve, PopVerify,
// FastAggregateVerify; in the two variants
//   BlsMinPk  public keys in G1 (48 bytes), signatures in G2 (96 bytes);
//   BlsMinSig public keys in G2 (96 bytes), signatures in G1 (48 bytes).
//
//   SecretKey sk = SecretKey::key_gen(ikm);            // ikm: >= 32 secret bytes
//   auto pk  = BlsMinPk::sk_to_pk(sk);
//   auto sig = BlsMinPk::sign(sk, msg);                // Scheme::basic by default
//   bool ok  = BlsMinPk::verify(pk, msg, sig);
//
// Caller's duties: generate IKM from a secure source; with Scheme::pop,
// call pop_verify on every key (or build a Committee, multisig.hpp) before
// aggregating it — FastAggregateVerify is only sound for keys whose proof
// of possession was checked, otherwise rogue-key forgeries are possible.
// Encodings are the compressed ZCash format, and only that: a key or a
// signature in the uncompressed form is refused (verifiers return false,
// aggregate throws DecodeError), so each has exactly one accepted byte
// string and de-duplicating by bytes is sound. Verifiers return
// [[nodiscard]] bool and treat every malformed input as invalid; aggregate()
// throws DecodeError for a malformed signature, key_gen and from_bytes throw
// InvalidArgument. Signing, SkToPk and PopProve are constant-time in the
// secret key (g1_mul / g2_mul, curve.hpp; the affine conversion of the
// result inverts by Fermat). Variable-time, and safe because every input
// is public: hashing the message to the curve, decoding and subgroup
// checks of keys and signatures, and the pairings of verification.
// Thread-safe: all functions are pure.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/sig/bls12_381/curve.hpp"

namespace privfin::sig::bls12_381 {

// A secret key SK in [1, r), wiped on destruction.
class SecretKey {
 public:
  static constexpr std::size_t size = 32;

  // KeyGen (draft Section 2.3): HKDF-SHA-256 with the salt
  // "BLS-SIG-KEYGEN-SALT-" hashed until SK != 0. Throws InvalidArgument if
  // ikm is shorter than 32 bytes.
  [[nodiscard]] static SecretKey key_gen(ByteView ikm, ByteView key_info = {});
  // 32 big-endian bytes; throws InvalidArgument unless 0 < SK < r.
  [[nodiscard]] static SecretKey from_bytes(ByteView bytes);
  // 32 big-endian bytes taken modulo r (the convention of the noble-curves
  // cross-implementation vectors); throws InvalidArgument for a wrong
  // length or a value that is 0 mod r.
  [[nodiscard]] static SecretKey from_bytes_mod_r(ByteView bytes);
  [[nodiscard]] SecretBytes to_bytes() const;

  SecretKey(const SecretKey&) = default;
  SecretKey& operator=(const SecretKey&) = default;
  ~SecretKey();

  [[nodiscard]] const Fr& scalar() const noexcept { return sk_; }

 private:
  explicit SecretKey(const Fr& sk) noexcept : sk_(sk) {}
  Fr sk_;
};

enum class Scheme { basic, message_augmentation, proof_of_possession };

// The variants: which group holds keys and which holds signatures.
struct MinPk {
  using PkPoint = G1;
  using SigPoint = G2;
  static constexpr std::size_t pk_size = 48;
  static constexpr std::size_t sig_size = 96;
  static constexpr const char* suite = "BLS12381G2_XMD:SHA-256_SSWU_RO_";
};
struct MinSig {
  using PkPoint = G2;
  using SigPoint = G1;
  static constexpr std::size_t pk_size = 96;
  static constexpr std::size_t sig_size = 48;
  static constexpr const char* suite = "BLS12381G1_XMD:SHA-256_SSWU_RO_";
};

template <class Variant>
class Bls {
 public:
  using PkPoint = typename Variant::PkPoint;
  using SigPoint = typename Variant::SigPoint;
  static constexpr std::size_t pk_size = Variant::pk_size;
  static constexpr std::size_t sig_size = Variant::sig_size;
  using PublicKey = std::array<std::byte, pk_size>;
  using Signature = std::array<std::byte, sig_size>;

  // "BLS_SIG_<suite>NUL_", "..AUG_", "..POP_", and "BLS_POP_<suite>POP_".
  [[nodiscard]] static std::string dst(Scheme scheme);
  [[nodiscard]] static std::string pop_dst();

  [[nodiscard]] static PublicKey sk_to_pk(const SecretKey& sk);
  // Decodes, rejects the identity and points outside the subgroup.
  [[nodiscard]] static bool validate_key(ByteView pk) noexcept;

  [[nodiscard]] static Signature sign(const SecretKey& sk, ByteView msg, Scheme scheme = Scheme::basic);
  [[nodiscard]] static bool verify(ByteView pk, ByteView msg, ByteView sig, Scheme scheme = Scheme::basic) noexcept;

  // Sum of the signatures; throws DecodeError if one does not decode to a
  // subgroup point, InvalidArgument for an empty list.
  [[nodiscard]] static Signature aggregate(std::span<const ByteView> sigs);
  // For Scheme::basic the messages must be distinct (else false).
  [[nodiscard]] static bool aggregate_verify(std::span<const ByteView> pks, std::span<const ByteView> msgs,
                                             ByteView sig, Scheme scheme = Scheme::basic) noexcept;

  [[nodiscard]] static Signature pop_prove(const SecretKey& sk);
  [[nodiscard]] static bool pop_verify(ByteView pk, ByteView proof) noexcept;
  // All keys sign the same message (Scheme::proof_of_possession DST).
  [[nodiscard]] static bool fast_aggregate_verify(std::span<const ByteView> pks, ByteView msg, ByteView sig) noexcept;

  // Point-level core for callers that keep decoded, validated keys (a
  // Committee): e(pk, H(msg)) == e(g, sig) with sig subgroup-checked by
  // the caller's decoding.
  [[nodiscard]] static bool core_verify_points(const PkPoint& pk, ByteView msg, const SigPoint& sig,
                                               ByteView dst_bytes);
  // The same with H(msg) given: message_point(msg, scheme) is the hash to
  // the curve that sign() and verify() compute (basic or
  // proof_of_possession; InvalidArgument for message_augmentation, whose
  // point depends on the key), for a caller that signs and verifies one
  // message several times and hashes it once (about a third of a sign).
  // sign_point(sk, message_point(msg, s)) == sign(sk, msg, s).
  [[nodiscard]] static SigPoint message_point(ByteView msg, Scheme scheme);
  [[nodiscard]] static Signature sign_point(const SecretKey& sk, const SigPoint& message);
  [[nodiscard]] static bool core_verify_hashed(const PkPoint& pk, const SigPoint& message, const SigPoint& sig);
  // sign_point's point before its encoding, and the encoding, for a caller
  // that keeps decoded signatures and would otherwise decode its own again
  // (about a quarter of a verification: a square root and a subgroup check).
  // encode_signature(signature_point(sk, m)) == sign_point(sk, m).
  [[nodiscard]] static SigPoint signature_point(const SecretKey& sk, const SigPoint& message);
  [[nodiscard]] static Signature encode_signature(const SigPoint& sig) noexcept;
};

using BlsMinPk = Bls<MinPk>;
using BlsMinSig = Bls<MinSig>;

extern template class Bls<MinPk>;
extern template class Bls<MinSig>;

}  // namespace privfin::sig::bls12_381
