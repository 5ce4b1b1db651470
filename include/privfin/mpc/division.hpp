// privfin/mpc/division.hpp — reciprocal, division and inverse square root
// over a wide range of shared positive values (centroid updates of k-means,
// normalisation), batched, written once against mpc::Protocol on
// sharing::Fixed<F> encodings.
//
//   const mpc::Log2Range range{.lo = -8, .hi = 20};       // x in [2^-8, 2^20)
//   auto r = mpc::reciprocal_in<16>(p, x, range);        // 1 / x
//   auto q = mpc::divide_in<16>(p, a, b, range);         // a / b
//   auto s = mpc::inv_sqrt<16>(p, x, range);             // 1 / sqrt(x)
//
// Method (normalise, then Newton on [1, 2)): the exponent e = floor(log2 x)
// is found with hi - lo - 1 comparisons x >= 2^j, all in one batch; since
// the answers are monotone in j, 2^-e (and 2^(-e/2), rounded) is a public
// linear combination of their 0/1 values (no further interaction). Then
// m = x 2^-e lies in [1, 2), and at G = 24 internal fractional bits:
//   1/m: Newton y <- y (2 - m y) from 24/17 - 8/17 m, three iterations
//        (relative error below (1/17)^8 before rounding);
//   1/sqrt(m): Newton y <- y (3 - m y^2) / 2 from 1.2929 - 0.2929 m, four
//        iterations;
// and the result is rescaled by 2^-e (2^(-e/2)). This is the normalised
// Newton method of Catrina-Saxena (FC 2010) with the exponent taken from
// comparisons instead of a bit decomposition.
//
// Accuracy (ulp = 2^-F; tested at many points for F = 16 on Rep3 and Beaver):
//   reciprocal_in: |error| <= 2^-20 * (1/x) + 2 ulp;
//   divide_in(a, b) = (a * (1/m at G bits)) * 2^-e:
//     |error| <= 2^-20 |a/b| + 2 ulp * max(1, 1/b), for |a| < 2^(61-F-hi+lo)
//     (F = 16, counts in [1, 2^16): |a| < 2^29);
//   inv_sqrt: |error| <= 2^-19 / sqrt(x) + 2 ulp.
// Range: x (resp. b) must lie in [2^lo, 2^hi) with -F <= lo < hi <= 24 and
// hi - lo <= 36; outside it the result is wrong (no error is raised: the
// input is secret). Caller's duty: keep inputs in range (e.g. a count of
// at least one point per cluster, a variance plus an epsilon).
// Cost: one batch of (hi - lo - 1) comparisons per element (Rep3: 8 rounds),
// b2a, then 9 (reciprocal, divide) / 14 (inv_sqrt) multiplications-with-truncation
// in sequence.
//
// Security: as the protocol's (semi-honest; protocol.hpp). Throws
// InvalidArgument for a range outside the limits above, plus what the
// protocol throws. Thread safety: as the protocol object.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/mpc/compare.hpp"
#include "privfin/mpc/convert.hpp"
#include "privfin/mpc/detail/gather.hpp"
#include "privfin/mpc/fixed_point.hpp"
#include "privfin/mpc/protocol.hpp"
#include "privfin/mpc/truncation.hpp"

namespace privfin::mpc {

// Inputs lie in [2^lo, 2^hi).
struct Log2Range {
  int lo = 0;
  int hi = 10;
};

namespace detail {
inline constexpr unsigned division_bits = 24;

inline void check_range(const char* where, Log2Range r, unsigned f) {
  if (r.lo < -static_cast<int>(f) || r.lo >= r.hi || r.hi > static_cast<int>(division_bits) || r.hi - r.lo > 36) {
    throw InvalidArgument(std::string(where) + ": range [2^" + std::to_string(r.lo) + ", 2^" + std::to_string(r.hi) +
                          ") is not within -F <= lo < hi <= 24, hi - lo <= 36");
  }
}

// x * 2^s for a public shift s of either sign (truncating for s < 0).
template <Protocol P>
typename P::Arith scale_pow2(P& p, const typename P::Arith& x, int s) {
  if (s > 0) return p.mul_public(x, Ring{std::uint64_t{1} << s});
  if (s < 0) return trunc(p, x, static_cast<unsigned>(-s));
  return x;
}

// The monotone 0/1 answers [x >= 2^j] for j = lo+1 .. hi-1, j-major
// (answer for j at (j - lo - 1) * n + k).
template <unsigned F, Protocol P>
typename P::Arith exponent_bits(P& p, const typename P::Arith& x, Log2Range r) {
  const std::size_t n = x.size();
  const std::size_t m = static_cast<std::size_t>(r.hi - r.lo - 1);
  std::vector<std::size_t> rep(m * n);
  std::vector<Ring> minus(m * n);
  for (std::size_t i = 0; i < m; ++i) {
    const int j = r.lo + 1 + static_cast<int>(i);
    const Ring pow = Ring{std::uint64_t{1} << static_cast<unsigned>(j + static_cast<int>(F))};
    for (std::size_t k = 0; k < n; ++k) {
      rep[i * n + k] = k;
      minus[i * n + k] = -pow;
    }
  }
  const auto d = p.add_public(detail::gather(p, x, rep, "mpc::division"), std::span<const Ring>(minus));
  const auto below = ltz(p, d);
  const std::vector<std::uint64_t> ones(below.size(), ~std::uint64_t{0});
  return b2a(p, p.xor_public(below, ones), m * n);
}

// sum over j of weight(j) * ([x >= 2^j] - [x >= 2^(j+1)]) + weight(lo) * (1 - [x >= 2^(lo+1)]):
// the public function weight(e) of the exponent e, as a linear map of the bits.
template <Protocol P, class W>
typename P::Arith of_exponent(P& p, const typename P::Arith& bits, std::size_t n, Log2Range r, W weight) {
  using Arith = typename P::Arith;
  const std::size_t m = static_cast<std::size_t>(r.hi - r.lo - 1);
  // onehot(e = j) = b_j - b_{j+1} (b_lo = 1, b_hi = 0), so the sum telescopes to
  // weight(lo) + sum_j b_j (weight(j) - weight(j-1)).
  std::vector<Ring> delta(m);
  for (std::size_t i = 0; i < m; ++i) {
    const int j = r.lo + 1 + static_cast<int>(i);
    delta[i] = weight(j) - weight(j - 1);
  }
  const std::vector<const Arith*> in{&bits};
  Arith acc = p.arith_linear(std::span<const Arith* const>(in), n,
                             [m, n, &delta](std::span<const std::span<const Ring>> s, std::span<Ring> o) {
                               for (std::size_t k = 0; k < n; ++k) {
                                 Ring v{};
                                 for (std::size_t i = 0; i < m; ++i) v += delta[i] * s[0][i * n + k];
                                 o[k] = v;
                               }
                             });
  return p.add_public(acc, weight(r.lo));
}

// m = x 2^-e in [1, 2) at G bits, and the exponent bits.
template <unsigned F, Protocol P>
std::pair<typename P::Arith, typename P::Arith> normalise(P& p, const typename P::Arith& x, Log2Range r) {
  constexpr unsigned g = division_bits;
  const std::size_t n = x.size();
  auto bits = exponent_bits<F>(p, x, r);
  // c = 2^(hi - e) (an exact integer since e <= hi - 1); x_F * c = m 2^(F + hi).
  const auto c = of_exponent(p, bits, n, r, [&](int e) { return Ring{std::uint64_t{1} << (r.hi - e)}; });
  auto m = scale_pow2(p, p.mul(x, c), static_cast<int>(g) - static_cast<int>(F) - r.hi);
  return {std::move(m), std::move(bits)};
}
}  // namespace detail

// 1/x at G = 24 fractional bits (for callers that multiply further).
template <unsigned F, Protocol P>
  requires(F >= 1 && F <= 24)
[[nodiscard]] typename P::Arith reciprocal_wide_bits(P& p, const typename P::Arith& x, Log2Range r) {
  constexpr unsigned g = detail::division_bits;
  detail::check_range("mpc::reciprocal_in", r, F);
  const std::size_t n = x.size();
  const auto [m, bits] = detail::normalise<F>(p, x, r);
  const auto y = detail::reciprocal_unit(p, m, g);  // 1/m in (1/2, 1] at G bits
  // 1/x = y 2^-e: multiply by 2^(hi - e) (exact) and drop hi bits.
  const auto c = detail::of_exponent(p, bits, n, r, [&](int e) { return Ring{std::uint64_t{1} << (r.hi - e)}; });
  return detail::scale_pow2(p, p.mul(y, c), -r.hi);
}

template <unsigned F, Protocol P>
  requires(F >= 1 && F <= 24)
[[nodiscard]] typename P::Arith reciprocal_in(P& p, const typename P::Arith& x, Log2Range r) {
  constexpr unsigned g = detail::division_bits;
  return detail::scale_pow2(p, reciprocal_wide_bits<F>(p, x, r), static_cast<int>(F) - static_cast<int>(g));
}

template <unsigned F, Protocol P>
  requires(F >= 1 && F <= 24)
[[nodiscard]] typename P::Arith divide_in(P& p, const typename P::Arith& a, const typename P::Arith& b,
                                          Log2Range r) {
  constexpr unsigned g = detail::division_bits;
  detail::check_range("mpc::divide_in", r, F);
  const std::size_t n = b.size();
  const auto [m, bits] = detail::normalise<F>(p, b, r);
  // a / m at F bits first (full relative precision), then the exact scaling by 2^-e.
  const auto am = mul_trunc(p, a, detail::reciprocal_unit(p, m, g), g);
  const auto c = detail::of_exponent(p, bits, n, r, [&](int e) { return Ring{std::uint64_t{1} << (r.hi - e)}; });
  return detail::scale_pow2(p, p.mul(am, c), -r.hi);
}

template <unsigned F, Protocol P>
  requires(F >= 1 && F <= 24)
[[nodiscard]] typename P::Arith inv_sqrt(P& p, const typename P::Arith& x, Log2Range r) {
  constexpr unsigned g = detail::division_bits;
  detail::check_range("mpc::inv_sqrt", r, F);
  const std::size_t n = x.size();
  const auto [m, bits] = detail::normalise<F>(p, x, r);
  // y0 = 1.2929 - 0.2929 m, then y <- y (3 - m y^2) / 2.
  auto y = p.add_public(trunc(p, p.mul_public(m, detail::encode_at(-0.2929, g)), g), detail::encode_at(1.2929, g));
  const Ring three = detail::encode_at(3.0, g);
  for (int i = 0; i < 4; ++i) {
    const auto y2 = mul_trunc(p, y, y, g);
    const auto my2 = mul_trunc(p, m, y2, g);
    y = mul_trunc(p, y, p.add_public(p.neg(my2), three), g + 1);
  }
  // 1/sqrt(x) = y 2^(-e/2): y (<= 1) drops to 20 bits, then times
  // round(2^((hi - e)/2) 2^h), h as large as the 62-bit budget allows
  // (relative rounding of that factor below 2^-(h+1)), and rescaled.
  const auto y20 = trunc(p, y, g - 20);
  const int h = 40 - (r.hi - r.lo + 1) / 2;
  const int half_hi = r.hi / 2;
  const auto c = detail::of_exponent(p, bits, n, r, [&](int e) {
    return detail::encode_at(std::ldexp(1.0, half_hi) / std::sqrt(std::ldexp(1.0, e)), static_cast<unsigned>(h));
  });
  return detail::scale_pow2(p, p.mul(y20, c), static_cast<int>(F) - 20 - half_hi - h);
}

}  // namespace privfin::mpc
