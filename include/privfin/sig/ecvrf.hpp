// privfin/sig/ecvrf.hpp — verifiable random functions per RFC 9381 (ECVRF),
// all four suites: P256-SHA256-TAI, P256-SHA256-SSWU (over OpenSSL),
// EDWARDS25519-SHA512-TAI, EDWARDS25519-SHA512-ELL2 (libsodium for the
// secret scalar multiplications, GMP for public hashing-to-curve).
//
//   Ecvrf vrf(VrfSuite::edwards25519_sha512_ell2);
//   auto keys = vrf.generate(prg);                       // {secret_key, public_key}
//   Bytes pi = vrf.prove(keys.secret_key.view(), alpha);
//   if (auto beta = vrf.verify(keys.public_key, alpha, pi)) { use(*beta); }
//
// Keys: the secret key is 32 bytes. For the P-256 suites it is the scalar x
// big-endian with 0 < x < n; for edwards25519 it is an RFC 8032 seed and
// x = clamp(SHA-512(seed)[0..32)). The public key is point_to_string(x*B)
// (33-byte compressed SEC1, or 32-byte RFC 8032 encoding).
// Nonces are deterministic (RFC 6979 for P-256, RFC 8032-style for
// edwards25519), so prove() takes no randomness.
// verify() returns beta only for a valid proof. It runs ECVRF_validate_key
// (RFC 9381 §5.4.5): the public key must decode and must not have small
// order. Points are decoded strictly (no coordinates >= p, no x = 0 with the
// sign bit set), s >= q is rejected, lengths must be exact; a Gamma of small
// order is rejected too (an honest Gamma = x*H never has one). Verification
// handles public data only and uses variable-time arithmetic (OpenSSL's
// two-scalar multiplication for P-256, our own width-5 NAF double
// multiplication for edwards25519); proving uses constant-time code
// (OpenSSL's single-scalar ladder, libsodium's scalarmult_ed25519).
// Errors: prove()/public_key() throw InvalidArgument for a malformed secret
// key; proof_to_hash() throws DecodeError for a malformed proof; verify()
// never throws on bad input. Secret scalars and nonces are wiped after use.
// Thread safety: an Ecvrf is an immutable value; share it freely.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "privfin/core/bytes.hpp"
#include "privfin/core/prg.hpp"

namespace privfin::sig {

enum class VrfSuite : std::uint8_t {
  p256_sha256_tai = 0x01,
  p256_sha256_sswu = 0x02,
  edwards25519_sha512_tai = 0x03,
  edwards25519_sha512_ell2 = 0x04,
};

// "ECVRF-P256-SHA256-TAI" and so on, as RFC 9381 names them.
[[nodiscard]] std::string_view vrf_suite_name(VrfSuite suite);
// The suite with that name; InvalidArgument if unknown.
[[nodiscard]] VrfSuite vrf_suite_from_name(std::string_view name);

struct VrfKeyPair {
  SecretBytes secret_key;
  Bytes public_key;
};

// Everything prove() computes, for checking against RFC 9381's examples.
// k is int_to_string(k, 32) — secret; the struct wipes nothing, so use it in
// tests only.
struct VrfProofTrace {
  Bytes h;
  Bytes k;
  Bytes u;
  Bytes v;
  Bytes proof;
  Bytes beta;
};

class Ecvrf {
 public:
  static constexpr std::size_t secret_key_size = 32;

  explicit Ecvrf(VrfSuite suite);

  [[nodiscard]] VrfSuite suite() const noexcept { return suite_; }
  [[nodiscard]] bool is_p256() const noexcept {
    return suite_ == VrfSuite::p256_sha256_tai || suite_ == VrfSuite::p256_sha256_sswu;
  }
  [[nodiscard]] std::size_t public_key_size() const noexcept { return is_p256() ? 33 : 32; }
  // point (33 or 32) + c (16) + s (32)
  [[nodiscard]] std::size_t proof_size() const noexcept { return public_key_size() + 16 + 32; }
  // beta: the hash length (32 for SHA-256, 64 for SHA-512).
  [[nodiscard]] std::size_t output_size() const noexcept { return is_p256() ? 32 : 64; }

  // A fresh key pair drawn from `prg`.
  [[nodiscard]] VrfKeyPair generate(Prg& prg) const;
  [[nodiscard]] Bytes public_key(ByteView secret_key) const;

  [[nodiscard]] Bytes prove(ByteView secret_key, ByteView alpha) const;
  [[nodiscard]] VrfProofTrace prove_with_trace(ByteView secret_key, ByteView alpha) const;

  // beta for a valid proof of alpha under public_key, nullopt otherwise.
  [[nodiscard]] std::optional<Bytes> verify(ByteView public_key, ByteView alpha, ByteView proof) const;

  // beta from a proof without verifying it (RFC 9381 §5.2): only for proofs
  // the caller produced or verified. DecodeError if Gamma is malformed.
  [[nodiscard]] Bytes proof_to_hash(ByteView proof) const;

  // ECVRF_validate_key: the public key decodes and has no small order.
  [[nodiscard]] bool validate_key(ByteView public_key) const;

 private:
  VrfSuite suite_;
};

}  // namespace privfin::sig
