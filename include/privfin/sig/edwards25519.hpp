// privfin/sig/edwards25519.hpp — the twisted Edwards curve edwards25519
// (-x^2 + y^2 = 1 + d x^2 y^2 over GF(2^255 - 19), RFC 7748 / RFC 8032) in
// affine coordinates over GMP, for *public* data only: the RFC 8032 point
// encoding with strict (canonical) decoding, point addition, cofactor
// clearing, small-order tests. Secret scalar multiplication does not belong
// here; the VRF uses libsodium's constant-time code for that.
//
//   using namespace privfin::sig::ed25519_curve;
//   auto p = decode(enc);                 // nullopt unless canonical and on the curve
//   AffinePoint q = mul_cofactor(*p);     // 8 * p
//   Bytes e = encode(q);                  // 32 bytes, y little-endian, sign of x in bit 255
//
// decode() follows RFC 8032 §5.1.3 and rejects y >= p, encodings whose x
// has no square root, and x = 0 with the sign bit set. Arithmetic here is
// variable time. Nothing here throws on bad input: decode() returns nullopt.
// Thread-safe: pure functions over values.
#pragma once

#include <gmpxx.h>

#include <cstddef>
#include <optional>

#include "privfin/core/bytes.hpp"

namespace privfin::sig::ed25519_curve {

inline constexpr std::size_t point_size = 32;
inline constexpr std::size_t scalar_size = 32;

[[nodiscard]] const mpz_class& field_prime();   // p = 2^255 - 19
[[nodiscard]] const mpz_class& group_order();   // L = 2^252 + 27742317777372353535851937790883648493
[[nodiscard]] const mpz_class& curve_d();       // d = -121665 / 121666
[[nodiscard]] const mpz_class& sqrt_minus_one(); // 2^((p-1)/4) mod p

struct AffinePoint {
  mpz_class x = 0;
  mpz_class y = 1;
  [[nodiscard]] bool operator==(const AffinePoint& other) const { return x == other.x && y == other.y; }
};

[[nodiscard]] AffinePoint identity();
[[nodiscard]] AffinePoint base_point();
[[nodiscard]] bool is_on_curve(const AffinePoint& p);

[[nodiscard]] Bytes encode(const AffinePoint& p);
[[nodiscard]] std::optional<AffinePoint> decode(ByteView encoding);

[[nodiscard]] AffinePoint add(const AffinePoint& a, const AffinePoint& b);
[[nodiscard]] AffinePoint negate(const AffinePoint& a);
[[nodiscard]] AffinePoint mul_cofactor(const AffinePoint& a);  // 8 * a
// Variable-time double-and-add, for tests and public scalars.
[[nodiscard]] AffinePoint mul_public(const mpz_class& k, const AffinePoint& a);
// 8 * a is the identity (a has order 1, 2, 4 or 8).
[[nodiscard]] bool has_small_order(const AffinePoint& a);

// Field helpers mod p (public inputs): square test, a square root (either
// root; nullopt if none), and sgn0 (RFC 9380 §4.1: the parity).
[[nodiscard]] bool is_square(const mpz_class& a);
[[nodiscard]] std::optional<mpz_class> sqrt(const mpz_class& a);

}  // namespace privfin::sig::ed25519_curve
