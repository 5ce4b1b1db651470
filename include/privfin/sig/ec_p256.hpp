// privfin/sig/ec_p256.hpp — the NIST P-256 group (secp256r1) over OpenSSL's
// EC_POINT: points, SEC1 encodings with decompression and validation, and
// scalar multiplication with a constant-time path for secret scalars.
//
//   using privfin::sig::p256::Point;
//   Point pk = Point::mul_base_secret(sk_be32);          // sk: 32 bytes big-endian, 0 < sk < n
//   Bytes enc = pk.encode_compressed();                  // 33 bytes, SEC1 0x02/0x03 || x
//   Point back = Point::decode(enc);                     // throws DecodeError if invalid
//   Point u = Point::mul_base_add_public(s, c, pk);   // s*G + c*pk, variable time
//
// Secret scalars are passed as 32-byte big-endian strings and multiplied with
// BN_FLG_CONSTTIME set, through OpenSSL's single-scalar path (the
// constant-time ecp_nistz256 / Montgomery ladder code); the temporary BIGNUM
// is cleared. `mul_public` and `mul2_public` may take time that depends on
// the scalars: use them for public values only (verification).
// Decoding accepts compressed (33 bytes) and uncompressed (65 bytes) SEC1
// encodings of points on the curve; it rejects the point at infinity,
// coordinates >= p, points off the curve and wrong lengths (DecodeError).
// P-256 has cofactor 1, so every decoded point is in the prime-order group.
// Thread safety: Point values are independent; the shared EC_GROUP is
// created once and only read.
#pragma once

#include <gmpxx.h>

#include <cstddef>
#include <optional>
#include <utility>

#include "privfin/core/bytes.hpp"

namespace privfin::sig::p256 {

inline constexpr std::size_t scalar_size = 32;
inline constexpr std::size_t compressed_size = 33;
inline constexpr std::size_t uncompressed_size = 65;

// The group order n and the field prime p.
[[nodiscard]] const mpz_class& order();
[[nodiscard]] const mpz_class& field_prime();
// The curve coefficients of y^2 = x^3 + a x + b (a = -3 mod p).
[[nodiscard]] const mpz_class& coefficient_a();
[[nodiscard]] const mpz_class& coefficient_b();

class Point {
 public:
  // The point at infinity.
  Point();
  Point(const Point& other);
  Point& operator=(const Point& other);
  Point(Point&& other) noexcept;
  Point& operator=(Point&& other) noexcept;
  ~Point();

  [[nodiscard]] static Point generator();
  // (x, y) must satisfy the curve equation with 0 <= x, y < p, else
  // InvalidArgument.
  [[nodiscard]] static Point from_affine(const mpz_class& x, const mpz_class& y);
  // SEC1 compressed or uncompressed; DecodeError on anything invalid.
  [[nodiscard]] static Point decode(ByteView encoding);
  // The same, returning nullopt instead of throwing.
  [[nodiscard]] static std::optional<Point> try_decode(ByteView encoding);

  // 33 bytes 0x02/0x03 || x; the point at infinity encodes as the single
  // byte 0x00 (SEC1 2.3.3), which decode() rejects.
  [[nodiscard]] Bytes encode_compressed() const;
  [[nodiscard]] Bytes encode_uncompressed() const;

  [[nodiscard]] bool is_identity() const;
  // Affine coordinates; InvalidArgument for the point at infinity.
  [[nodiscard]] std::pair<mpz_class, mpz_class> affine() const;

  [[nodiscard]] Point operator+(const Point& other) const;
  [[nodiscard]] Point operator-(const Point& other) const;
  [[nodiscard]] Point operator-() const;
  [[nodiscard]] bool operator==(const Point& other) const;

  // k * this for a public scalar k (reduced mod n; negative values allowed).
  [[nodiscard]] Point mul_public(const mpz_class& k) const;
  // k * this for a secret 32-byte big-endian scalar, in constant time.
  [[nodiscard]] Point mul_secret(ByteView k_be) const;
  // k * G for a secret 32-byte big-endian scalar, in constant time.
  [[nodiscard]] static Point mul_base_secret(ByteView k_be);
  // a * P + b * Q for public scalars (variable time).
  [[nodiscard]] static Point mul2_public(const mpz_class& a, const Point& p, const mpz_class& b, const Point& q);
  // a * G + b * Q for public scalars, in one OpenSSL call (variable time).
  [[nodiscard]] static Point mul_base_add_public(const mpz_class& a, const mpz_class& b, const Point& q);

  // The underlying EC_POINT*, for code in lib/ that talks to OpenSSL.
  [[nodiscard]] const void* native() const noexcept { return point_; }

 private:
  explicit Point(void* point) noexcept : point_(point) {}
  void* point_ = nullptr;  // EC_POINT, kept opaque to keep OpenSSL out of this header
};

}  // namespace privfin::sig::p256
