// privfin/sig/ed25519.hpp — Ed25519 signatures (RFC 8032 §5.1) with strict
// verification, batch verification, and key serialization (raw 32-byte
// keys, PKCS#8 / SubjectPublicKeyInfo DER).
//
//   auto sk = Ed25519SecretKey::generate(prg);       // or from_seed(seed32)
//   Bytes pk = sk.public_key();                      // 32 bytes
//   Bytes sig = sk.sign(msg);                        // 64 bytes, deterministic
//   if (ed25519_verify(pk, msg, sig)) { ... }
//   std::vector<Ed25519BatchEntry> batch{{pk, msg, sig}, ...};
//   if (ed25519_verify_batch(batch, prg)) { ... }    // all valid (see below)
//
// Strict rules. ed25519_verify is stricter than the minimum of RFC 8032 and
// matches libsodium's policy: besides the equation it rejects S >= L, public
// keys and R with y >= p or with x = 0 and the sign bit set (non-canonical
// encodings), and public keys and R of small order (1, 2, 4 or 8). So a
// message has no second valid encoding of a signature, and weak keys fail.
// Its equation is the cofactorless one: the encoding of [S]B - [k]A must be
// R byte for byte (k = SHA-512(R || A || M) mod L).
//
// Batch verification. ed25519_verify_batch applies the same encoding rules
// to every entry and then checks ONE random linear combination (Bernstein,
// Duif, Lange, Schwabe, Yang, "High-speed high-security signatures", §5):
//     [8] ( -(sum z_i S_i) B + sum [z_i] R_i + sum [z_i k_i] A_i ) = 0
// with z_i 128-bit coefficients derived from `prg` and a hash of the whole
// batch (so a fixed-seed Prg does not let a forger predict them). Soundness:
// if some entry fails its cofactored equation [8]([S_i]B - R_i - [k_i]A_i) = 0,
// the combination is zero with probability at most 2^-128 over the z_i
// (for the faulty entry's z_j < 2^128 < L at most one value works); a
// forger who tries q batches gets q 2^-128. Cf. Chalkias, Garillot,
// Nikolaenko, "Taming the many EdDSAs" (2020), on cofactored and
// cofactorless batch equations.
// We chose the COFACTORED batch equation because the cofactorless one
// (no [8]) fails its own soundness: a residual point of order 2 vanishes
// whenever z_i is even, so a forger would pass half the time.
// Agreement with ed25519_verify: every entry ed25519_verify accepts, the
// batch accepts (never a false reject). The converse differs on exactly one
// kind of input, which no honest signer produces: an entry whose residual
// [S]B - R - [k]A is a NON-ZERO point of small order, possible only when R
// or A carries a torsion component (e.g. R' = R + T with T of order 8; A
// and R themselves are not of small order, so the blocklist lets them
// through). ed25519_verify rejects such an entry; the batch accepts it.
// Where that matters (consensus nodes must agree on validity bit for bit),
// every node must use the same rule: the batch's, one by one through
// ed25519_verify_cofactored (below).
// The tests pin this case (tests/sig/ed25519_batch_test.cpp).
// ed25519_verify_batch_each says which entries fail: it checks the whole
// batch, and on failure bisects (halves that pass are cleared at once),
// down to single entries, each decided by ed25519_verify_cofactored; so
// verify_batch(b) == all of verify_batch_each(b), w.h.p.
// An empty batch is valid. Duplicated entries are fine.
//
// Cost (docs/performance.md, bench_ed25519): sign and verify are libsodium's
// code behind our checks (a few 32-byte compares), so within noise of it.
// Batch verification per signature, against one by one: about 1.5x faster
// at 4 entries, 2x at 16, 2.2x at 64, 2.6x at 1024 (Straus with width-5 NAF
// tables below 128 points, i.e. 64 entries; Pippenger buckets from there).
// Each distinct public key of a batch is decoded once and its entries'
// z_i k_i are added into one scalar, so n signatures by m keys cost a
// multiplication over n + m points; the Rs are decoded together, their
// square roots eight at a time on AVX-512 IFMA where the CPU has it:
// about 7.9 us a signature at 64 with four signers (a consortium's batch;
// 10.5 us without IFMA).
// A batch of one costs one ed25519_verify when the signature is valid.
// Memory: under 1 KB per entry, plus up to 80 KB of Straus tables.
// Timing: sign and key derivation are constant time in the secret (libsodium
// ref10); the verifiers are variable time, which is safe because their
// inputs are public (keys, messages, signatures) and the coefficients are
// drawn after the batch is fixed and used for it alone.
// Errors: from_seed / from_pkcs8_der throw InvalidArgument or DecodeError on
// malformed input; public_key_from_spki_der throws DecodeError; sign,
// seed and to_pkcs8_der on a moved-from key throw InvalidArgument;
// ed25519_verify and the batch verifiers never throw on bad input (a
// malformed field of an entry makes that entry invalid).
// The secret key (seed, and libsodium's seed || A form) lives in wiped
// memory (SecretBytes).
// Thread safety: a key is immutable after construction; sign() and the
// verifiers may be called from several threads at once (with one Prg each).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/core/prg.hpp"

namespace privfin::sig {

inline constexpr std::size_t ed25519_public_key_size = 32;
inline constexpr std::size_t ed25519_seed_size = 32;
inline constexpr std::size_t ed25519_signature_size = 64;

class Ed25519SecretKey {
 public:
  [[nodiscard]] static Ed25519SecretKey generate(Prg& prg);
  // The RFC 8032 secret key (32-byte seed); InvalidArgument on another length.
  [[nodiscard]] static Ed25519SecretKey from_seed(ByteView seed);
  // An OpenSSL PKCS#8 PrivateKeyInfo DER for Ed25519; DecodeError otherwise.
  [[nodiscard]] static Ed25519SecretKey from_pkcs8_der(ByteView der);

  Ed25519SecretKey(const Ed25519SecretKey& other);
  Ed25519SecretKey& operator=(const Ed25519SecretKey& other);
  Ed25519SecretKey(Ed25519SecretKey&& other) noexcept;
  Ed25519SecretKey& operator=(Ed25519SecretKey&& other) noexcept;
  ~Ed25519SecretKey();

  [[nodiscard]] const Bytes& public_key() const noexcept { return public_key_; }
  [[nodiscard]] Bytes sign(ByteView message) const;

  // Serialization: the seed (secret!) and PKCS#8 DER (secret!).
  [[nodiscard]] SecretBytes seed() const;
  [[nodiscard]] SecretBytes to_pkcs8_der() const;

 private:
  explicit Ed25519SecretKey(ByteView seed);
  [[nodiscard]] const SecretBytes& expanded() const;  // InvalidArgument if moved from
  SecretBytes expanded_;  // libsodium's secret key: seed || A (64 bytes)
  Bytes public_key_;
};

// SubjectPublicKeyInfo DER for a raw 32-byte public key, and back (only the
// one DER form RFC 8410 allows; DecodeError for anything else).
[[nodiscard]] Bytes ed25519_public_key_to_spki_der(ByteView public_key);
[[nodiscard]] Bytes ed25519_public_key_from_spki_der(ByteView der);

// True only for a valid, canonical signature (see above).
[[nodiscard]] bool ed25519_verify(ByteView public_key, ByteView message, ByteView signature);

// The single verifier that agrees with the batch verifiers exactly: the
// same strict encoding rules, then the COFACTORED equation
// [8]([S]B - R - [k]A) = 0 (no random coefficient). It accepts everything
// ed25519_verify accepts, plus the torsion case described above, and
// rejects everything else; ed25519_verify_batch_each(b)[i] equals
// ed25519_verify_cofactored(b[i]) except with probability 2^-128 per
// batch. A system that verifies some signatures in batches and others one
// by one, and must decide the same everywhere (a consensus application),
// uses this one for the latter (ZIP 215 makes the same choice for Zcash).
// Cost: one ed25519_verify when the signature is valid under it; else also
// one double-scalar multiplication.
[[nodiscard]] bool ed25519_verify_cofactored(ByteView public_key, ByteView message, ByteView signature);

// One signature to check in a batch; the views must outlive the call.
struct Ed25519BatchEntry {
  ByteView public_key;
  ByteView message;
  ByteView signature;
};

// True only if every entry passes the strict encoding rules and the batch
// equation holds (see above); true for an empty batch. Takes 16 bytes of
// `prg` output per call (the coefficients also hash the batch).
[[nodiscard]] bool ed25519_verify_batch(std::span<const Ed25519BatchEntry> batch, Prg& prg);

// Per entry: true if it is valid under the batch rules (see above). Costs
// one batch check when all are valid; each invalid entry adds about
// 2 log2(n) checks of shrinking sub-batches.
[[nodiscard]] std::vector<bool> ed25519_verify_batch_each(std::span<const Ed25519BatchEntry> batch, Prg& prg);

}  // namespace privfin::sig
