// Internal to lib/sig: edwards25519 arithmetic for *public* data on 64-bit
// limbs (field elements in radix 2^51, points in extended twisted Edwards
// coordinates, Hisil-Wong-Carter-Dawson formulas with a = -1), with a
// variable-time double-scalar multiplication a*P + b*Q (interleaved width-5
// NAF) and a variable-time multi-scalar multiplication (Straus for few
// points, Pippenger for many). Used by ECVRF verification and Ed25519 batch
// verification; never used with secret scalars.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "privfin/core/bytes.hpp"

namespace privfin::sig::detail::ed {

struct Fe {
  std::array<std::uint64_t, 5> v{};
};

struct Point {
  Fe x, y, z, t;
};

// An affine point as (y + x, y - x, 2 d x y): adding it skips Z2.
struct Niels {
  Fe ypx, ymx, xy2d;
};

// The addition chains of the field's two large powers, written once for
// the portable arithmetic here and the eight-lane one (fe25519_ifma.hpp):
// x_0 = z, and step i makes x_{i+1} = x_from^(2^squarings) * x_times. The
// first eleven steps are ref10's way to z^(2^250 - 1) (x_1 = z^2, x_2 = z^9,
// x_3 = z^11, then z^(2^k - 1) for k = 5, 10, 20, 40, 50, 100, 200, 250);
// the last makes the inverse z^(p - 2) = z^(2^255 - 21) or the square
// root's power z^((p - 5) / 8) = z^(2^252 - 3). 11 multiplications and 254
// or 251 squarings.
struct ChainStep {
  std::uint8_t from, squarings, times;
};
[[nodiscard]] constexpr std::array<ChainStep, 12> chain_through_2_250_1(ChainStep last) {
  return {{{0, 0, 0}, {1, 2, 0}, {2, 0, 1}, {3, 1, 2}, {4, 5, 4}, {5, 10, 5}, {6, 20, 6}, {7, 10, 5}, {8, 50, 8},
           {9, 100, 9}, {10, 50, 8}, last}};
}
inline constexpr std::array<ChainStep, 12> invert_chain = chain_through_2_250_1({11, 5, 3});
inline constexpr std::array<ChainStep, 12> pow_p58_chain = chain_through_2_250_1({11, 2, 0});

[[nodiscard]] Point identity();
[[nodiscard]] const Point& base_point();

// RFC 8032 §5.1.3 strict decoding (y < p, x = 0 needs a clear sign bit).
[[nodiscard]] std::optional<Point> decode(ByteView encoding);
// Each encoding as decode() decodes it. The square roots, most of a
// decoding's cost, run eight at a time on AVX-512 IFMA where the CPU has
// it (fe25519_ifma.hpp; allow_simd = false keeps to the portable path, for
// tests and benchmarks).
[[nodiscard]] std::vector<std::optional<Point>> decode_many(std::span<const ByteView> encodings,
                                                            bool allow_simd = true);
// Encodings are written into 32-byte arrays.
void encode(const Point& p, std::array<std::byte, 32>& out);

[[nodiscard]] Point add(const Point& a, const Point& b);
[[nodiscard]] Point dbl(const Point& a);
[[nodiscard]] Point mul_cofactor(const Point& a);
[[nodiscard]] Point negate(const Point& a);
[[nodiscard]] bool is_identity(const Point& a);

// a*P + b*Q for 32-byte little-endian scalars below 2^255, variable time.
[[nodiscard]] Point double_mul(ByteView a, const Point& p, ByteView b, const Point& q);

// A 32-byte little-endian scalar below 2^255.
using Scalar = std::array<std::byte, 32>;

// [base_scalar] B + sum [scalars[i]] points[i], variable time; picks Straus
// or Pippenger by the number of points. scalars and points have one size.
[[nodiscard]] Point multi_mul(const Scalar& base_scalar, std::span<const Scalar> scalars,
                              std::span<const Point> points);
// The two methods on their own (tests cross-check them).
[[nodiscard]] Point multi_mul_straus(const Scalar& base_scalar, std::span<const Scalar> scalars,
                                     std::span<const Point> points);
// allow_simd = false keeps Pippenger's buckets on the portable path
// (fe25519_ifma.hpp has the eight-lane one), for tests and benchmarks.
[[nodiscard]] Point multi_mul_pippenger(const Scalar& base_scalar, std::span<const Scalar> scalars,
                                        std::span<const Point> points, bool allow_simd = true);

}  // namespace privfin::sig::detail::ed
