// privfin/mpc/fixed_point.hpp — fixed-point arithmetic on shared
// sharing::Fixed<F> encodings (Z2k<64>, F fractional bits), written once
// against mpc::Protocol. Encoding (and range budgets for sums and dot
// products) is sharing::Fixed's job; this header only computes, and
// encodes its internal constants with the same rounding rule.
//
//   using Fx = sharing::Fixed<16>;
//   auto z = mpc::fixmul<16>(p, x, y);        // x * y
//   auto q = mpc::divide<16>(p, a, b);        // a / b for b in [1, 1024]
//   auto e = mpc::exp<16>(p, x);              // e^x for x in [-16, 8]
//   auto s = mpc::sigmoid<16>(p, x);          // 1 / (1 + e^-x), any x
//
// Accuracy (ulp = 2^-F; the bounds are checked at many points by
// tests/mpc/fixed_point_test.cpp for F = 16):
//   fixmul: the product of the encodings truncated by mpc::trunc: the
//     result is floor(x*y*2^F)/2^F or one ulp above it, so |error| < 1 ulp,
//     with no failure probability, whenever |x*y| < 2^(62-2F) (F = 16: 2^30).
//     Rounds: those of mul_trunc (Rep3: 3 hops).
//   exp (x in [-16, 8]): computed with G = 24 internal fractional bits:
//     t = x/32 (exact), Taylor polynomial of degree 7 by Horner (truncation
//     error below 1e-7 for |t| <= 1/2), five squarings, then rescaled to F.
//     |error| <= 2e-4 * e^x + 2 ulp. 13 mul_trunc/trunc in sequence. Outside
//     the range the result is unspecified (no error is raised: the input is
//     secret).
//   reciprocal (x in [1, 1024]): Newton-Raphson y <- y(2 - xy) from
//     y0 = 2^-10 (converges because 0 < x*y0 <= 1), 16 iterations at G = 24
//     bits: |error| <= 2 ulp. 33 mul_trunc/trunc in sequence.
//   divide(a, b) = fixmul(a, reciprocal(b)): |error| <= 2 ulp * |a| + 1 ulp.
//   sigmoid (all x in the encoding range): s = sigma(min(|x|, 16)) from
//     e^-min(|x|,16) and a Newton reciprocal of 1 + e on [1, 2] (initial
//     24/17 - 8/17 d, three iterations), then 1 - s for negative x.
//     |error| <= 1e-4 (includes sigma(16) - 1 ~ 1.1e-7 from clamping).
//     Two comparisons, three b2a/mul steps, one exp, 7 mul_trunc.
//
// Caller's duties: keep inputs inside the stated ranges; the results of
// out-of-range inputs are wrong, not errors. F <= 19.
// Security: as the protocol's (semi-honest; protocol.hpp): an active party
// can shift any intermediate product, so the error bounds above assume
// that every party follows the protocol.
// Throws what the protocol throws. Thread safety: as the protocol object.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "privfin/core/fixed_rounding.hpp"
#include "privfin/mpc/compare.hpp"
#include "privfin/mpc/convert.hpp"
#include "privfin/mpc/protocol.hpp"
#include "privfin/mpc/truncation.hpp"
#include "privfin/sharing/fixed.hpp"

namespace privfin::mpc {

namespace detail {
inline constexpr unsigned internal_bits = 24;

// A public constant at `bits` fractional bits, rounded by the library's one
// rule (core/fixed_rounding.hpp, as sharing::Fixed). Only called with small
// finite constants, which always fit.
inline Ring encode_at(double v, unsigned bits) {
  return Ring::from_signed(round_scaled(v, bits).value().to_int64().value());
}

template <Protocol P>
typename P::Arith constant_like(P& p, std::size_t n, Ring v) {
  return p.constant(std::vector<Ring>(n, v));
}

// 1/d for shared d in [1, 2] at `bits` fractional bits.
template <Protocol P>
typename P::Arith reciprocal_unit(P& p, const typename P::Arith& d, unsigned bits) {
  // y0 = 24/17 - 8/17 d: relative error at most 1/17 on [1, 2].
  auto y = p.add_public(trunc(p, p.mul_public(d, encode_at(-8.0 / 17.0, bits)), bits),
                        encode_at(24.0 / 17.0, bits));
  const Ring two = encode_at(2.0, bits);
  for (int i = 0; i < 3; ++i) {
    auto dy = mul_trunc(p, d, y, bits);
    auto corr = p.add_public(p.neg(dy), two);
    y = mul_trunc(p, y, corr, bits);
  }
  return y;
}
}  // namespace detail

template <unsigned F, Protocol P>
  requires(F >= 1 && F <= 19)
[[nodiscard]] typename P::Arith fixmul(P& p, const typename P::Arith& x, const typename P::Arith& y) {
  return mul_trunc(p, x, y, F);
}

template <unsigned F, Protocol P>
  requires(F >= 1 && F <= 19)
[[nodiscard]] typename P::Arith exp(P& p, const typename P::Arith& x) {
  constexpr unsigned g = detail::internal_bits;
  const std::size_t n = x.size();
  const auto t = p.mul_public(x, Ring{std::uint64_t{1} << (g - F - 5)});  // x / 32 at g bits
  auto acc = detail::constant_like(p, n, detail::encode_at(1.0 / 5040.0, g));
  const double coeff[] = {1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5, 1.0, 1.0};
  for (double c : coeff) acc = p.add_public(mul_trunc(p, acc, t, g), detail::encode_at(c, g));
  for (int i = 0; i < 5; ++i) acc = mul_trunc(p, acc, acc, g);
  return trunc(p, acc, g - F);
}

template <unsigned F, Protocol P>
  requires(F >= 1 && F <= 19)
[[nodiscard]] typename P::Arith reciprocal(P& p, const typename P::Arith& x) {
  constexpr unsigned g = detail::internal_bits;
  const std::size_t n = x.size();
  const auto xg = p.mul_public(x, Ring{std::uint64_t{1} << (g - F)});
  auto y = detail::constant_like(p, n, Ring{std::uint64_t{1} << (g - 10)});
  const Ring two = detail::encode_at(2.0, g);
  for (int i = 0; i < 16; ++i) {
    auto xy = mul_trunc(p, xg, y, g);
    y = mul_trunc(p, y, p.add_public(p.neg(xy), two), g);
  }
  return trunc(p, y, g - F);
}

template <unsigned F, Protocol P>
  requires(F >= 1 && F <= 19)
[[nodiscard]] typename P::Arith divide(P& p, const typename P::Arith& a, const typename P::Arith& b) {
  return fixmul<F>(p, a, reciprocal<F>(p, b));
}

template <unsigned F, Protocol P>
  requires(F >= 1 && F <= 19)
[[nodiscard]] typename P::Arith sigmoid(P& p, const typename P::Arith& x) {
  constexpr unsigned g = detail::internal_bits;
  const std::size_t n = x.size();
  const auto nb = b2a(p, ltz(p, x), n);
  const auto ax = p.sub(x, p.mul_public(p.mul(nb, x), Ring{2}));  // |x|
  const Ring limit = detail::encode_at(16.0, F);
  const auto over = b2a(p, lt(p, detail::constant_like(p, n, limit), ax), n);
  const auto clamped = p.add(ax, p.mul(over, p.add_public(p.neg(ax), limit)));
  const auto e = exp<F>(p, p.neg(clamped));  // in (0, 1]
  const auto d = p.add_public(p.mul_public(e, Ring{std::uint64_t{1} << (g - F)}), detail::encode_at(1.0, g));
  const auto s = trunc(p, detail::reciprocal_unit(p, d, g), g - F);  // sigma(|x|) at F bits
  // x < 0: 1 - s, else s.
  const auto flip = p.add_public(p.mul_public(s, Ring::from_signed(-2)), sharing::Fixed<F>::one);
  return p.add(s, p.mul(nb, flip));
}

}  // namespace privfin::mpc
