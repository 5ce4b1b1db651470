// privfin/sig/hash_to_curve.hpp — RFC 9380 hashing to P-256 (simplified SWU,
// suites P256_XMD:SHA-256_SSWU_RO_ / _NU_) and to edwards25519 (Elligator 2
// with the rational map to Edwards form, suites
// edwards25519_XMD:SHA-512_ELL2_RO_ / _NU_).
//
//   auto h = h2c::p256_hash_to_curve(msg, as_bytes("MY-APP-V01-CS01-with-P256_XMD:SHA-256_SSWU_RO_"));
//   Bytes e = ed25519_curve::encode(h2c::edwards25519_encode_to_curve(msg, dst));
//
// hash_to_field uses expand_message_xmd from core (SHA-256 for P-256,
// SHA-512 for edwards25519) with L = 48 bytes per element. The inputs are
// public: the field arithmetic is GMP and variable time. Throws
// InvalidArgument for an empty DST (from expand_message_xmd).
// Thread-safe: pure functions.
#pragma once

#include <gmpxx.h>

#include <cstddef>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/sig/ec_p256.hpp"
#include "privfin/sig/edwards25519.hpp"

namespace privfin::sig::h2c {

// RFC 9380 §5.2 hash_to_field with m = 1, L = 48.
[[nodiscard]] std::vector<mpz_class> p256_hash_to_field(ByteView msg, ByteView dst, std::size_t count);
[[nodiscard]] std::vector<mpz_class> edwards25519_hash_to_field(ByteView msg, ByteView dst, std::size_t count);

// The deterministic maps (RFC 9380 §6.6.2 and §6.7.1 + Appendix D.1).
[[nodiscard]] p256::Point p256_map_to_curve_sswu(const mpz_class& u);
[[nodiscard]] ed25519_curve::AffinePoint edwards25519_map_to_curve_ell2(const mpz_class& u);

// Random-oracle (_RO_) and nonuniform (_NU_) encodings.
[[nodiscard]] p256::Point p256_hash_to_curve(ByteView msg, ByteView dst);
[[nodiscard]] p256::Point p256_encode_to_curve(ByteView msg, ByteView dst);
[[nodiscard]] ed25519_curve::AffinePoint edwards25519_hash_to_curve(ByteView msg, ByteView dst);
[[nodiscard]] ed25519_curve::AffinePoint edwards25519_encode_to_curve(ByteView msg, ByteView dst);

}  // namespace privfin::sig::h2c
