// privfin/mpc/nonlinear.hpp — the activation functions and row-wise
// selections of the machine-learning models (ml/), batched and written
// once against mpc::Protocol, on sharing::Fixed<F> encodings.
//
//   auto on  = mpc::drelu(p, x);                 // 0/1 shares: x >= 0
//   auto r   = mpc::relu(p, x);                  // max(x, 0), exact
//   auto [v, i] = mpc::argmin(p, d, k);          // per row of k: minimum and its index
//   auto hot = mpc::onehot(p, i, k);             // index -> k shared 0/1 per row
//   auto s   = mpc::sigmoid_pwl<16>(p, z);       // 1/(1+e^-z), 21-knot interpolation
//
// drelu / relu: exact for every encoding (drelu is 1 - ltz; relu is
//   x * drelu(x)). Rounds: those of ltz (Rep3: 8) + b2a (Rep3: 1) (+ 1 mul
//   for relu); traffic per element about that of one comparison.
// argmin / argmax (select.hpp): per row of `length`, exact; ties go to the
//   lower index; ceil(log2(length)) comparison levels.
// onehot(index, length): per element, `length` 0/1 values, 1 exactly at
//   position index (index in [0, length)); one equality test per output
//   (compare.hpp eq, 8 rounds for Rep3) + b2a. Exact.
// sigmoid_pwl<F>: the piecewise-linear interpolation of the logistic
//   function at the 21 knots {-8, -6, -5, -4, -3, -2.5, ..., 3, 4, 5, 6, 8}
//   (step 0.5 on [-3, 3]), constant outside [-8, 8]: f(x) = s(-8) +
//   sum_i c_i max(0, x - t_i) with c_i the slope changes, encoded at F bits
//   (the last one adjusted so the encoded slopes sum to exactly 0, so f is
//   exactly constant beyond 8). The sum is formed exactly at 2F bits and
//   truncated once: the result is sigmoid_pwl_reference<F>(x) or one ulp
//   above it (no other error, tested at many points). Against the real
//   logistic function: |f(x) - 1/(1+e^-x)| <= 0.0035 + 2^(5-F) for every x
//   with |x| < 2^(60-2F) (larger inputs overflow the products: wrong
//   results, not errors). This is the usual MPC replacement (SecureML
//   uses 3 pieces; more knots cost no extra rounds, only traffic): rounds
//   of one comparison + b2a + 1 mul + 1 trunc; traffic of 21 comparisons
//   per element.
//
// Security: as the protocol's (semi-honest; protocol.hpp); an active party
// can flip any comparison. Throws InvalidArgument for a length that does
// not divide the batch, plus what the protocol throws. Thread safety: as
// the protocol object.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/core/fixed_rounding.hpp"
#include "privfin/mpc/compare.hpp"
#include "privfin/mpc/convert.hpp"
#include "privfin/mpc/detail/bits.hpp"
#include "privfin/mpc/detail/gather.hpp"
#include "privfin/mpc/protocol.hpp"
#include "privfin/mpc/select.hpp"
#include "privfin/mpc/truncation.hpp"

namespace privfin::mpc {

// 0/1 arithmetic shares of [x >= 0] (two's complement).
template <Protocol P>
[[nodiscard]] typename P::Arith drelu(P& p, const typename P::Arith& x) {
  const std::size_t n = x.size();
  const auto neg = ltz(p, x);
  const std::vector<std::uint64_t> ones(neg.size(), ~std::uint64_t{0});
  return b2a(p, p.xor_public(neg, ones), n);
}

template <Protocol P>
[[nodiscard]] typename P::Arith relu(P& p, const typename P::Arith& x) {
  return p.mul(drelu(p, x), x);
}

// Per block of `length`: the minimum and the (0-based) index of its first occurrence.
template <Protocol P>
[[nodiscard]] std::pair<typename P::Arith, typename P::Arith> argmin(P& p, const typename P::Arith& x,
                                                                    std::size_t length) {
  auto [v, i] = argmax(p, p.neg(x), length);
  return {p.neg(v), std::move(i)};
}

// Per element of `index` (values in [0, length)): `length` 0/1 shares, 1 at the index.
template <Protocol P>
[[nodiscard]] typename P::Arith onehot(P& p, const typename P::Arith& index, std::size_t length) {
  if (length == 0) throw InvalidArgument("mpc::onehot: length 0");
  const std::size_t n = index.size();
  std::vector<std::size_t> rep(n * length);
  std::vector<Ring> positions(n * length);
  for (std::size_t k = 0; k < n; ++k) {
    for (std::size_t j = 0; j < length; ++j) {
      rep[k * length + j] = k;
      positions[k * length + j] = Ring{static_cast<std::uint64_t>(j)};
    }
  }
  const auto wide = detail::gather(p, index, rep, "mpc::onehot");
  return b2a(p, eq(p, wide, p.constant(positions)), n * length);
}

namespace detail {
inline constexpr std::array<double, 21> sigmoid_knots = {-8, -6, -5, -4,  -3,  -2.5, -2, -1.5, -1, -0.5, 0,
                                                         0.5, 1,  1.5, 2, 2.5, 3,    4,  5,    6,  8};

inline double logistic(double x) { return 1.0 / (1.0 + std::exp(-x)); }

inline std::int64_t encode_int(double v, unsigned bits) {
  return round_scaled(v, bits).value().to_int64().value();
}

// The encoded knots t_i, slope changes c_i (summing to 0) and s(-8), at F bits.
struct PwlTable {
  std::array<std::int64_t, sigmoid_knots.size()> knot{};
  std::array<std::int64_t, sigmoid_knots.size()> coeff{};
  std::int64_t base = 0;
};

inline PwlTable sigmoid_pwl_table(unsigned f) {
  PwlTable t;
  const std::size_t m = sigmoid_knots.size();
  double prev_slope = 0.0;
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < m; ++i) {
    t.knot[i] = encode_int(sigmoid_knots[i], f);
    const double slope = i + 1 < m ? (logistic(sigmoid_knots[i + 1]) - logistic(sigmoid_knots[i])) /
                                         (sigmoid_knots[i + 1] - sigmoid_knots[i])
                                   : 0.0;
    t.coeff[i] = i + 1 < m ? encode_int(slope - prev_slope, f) : -sum;
    sum += t.coeff[i];
    prev_slope = slope;
  }
  t.base = encode_int(logistic(sigmoid_knots[0]), f);
  return t;
}
}  // namespace detail

// The plaintext value the shared sigmoid_pwl<F> reproduces (or exceeds by
// one ulp): floor(sum_i c_i max(0, x - t_i) / 2^F) + s(-8), on encodings.
template <unsigned F>
  requires(F >= 1 && F <= 28)
[[nodiscard]] Ring sigmoid_pwl_reference(Ring x) {
  static const detail::PwlTable table = detail::sigmoid_pwl_table(F);
  std::uint64_t acc = 0;  // modulo 2^64, as the shares
  for (std::size_t i = 0; i < table.knot.size(); ++i) {
    const std::int64_t d = x.as_signed() - table.knot[i];
    if (d > 0) acc += static_cast<std::uint64_t>(d) * static_cast<std::uint64_t>(table.coeff[i]);
  }
  return Ring::from_signed((static_cast<std::int64_t>(acc) >> F) + table.base);
}

template <unsigned F, Protocol P>
  requires(F >= 1 && F <= 28)
[[nodiscard]] typename P::Arith sigmoid_pwl(P& p, const typename P::Arith& x) {
  static const detail::PwlTable table = detail::sigmoid_pwl_table(F);
  const std::size_t n = x.size();
  const std::size_t m = table.knot.size();
  // diffs[i * n + k] = x_k - t_i, all knots in one batch.
  std::vector<std::size_t> rep(m * n);
  std::vector<Ring> minus_knots(m * n);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t k = 0; k < n; ++k) {
      rep[i * n + k] = k;
      minus_knots[i * n + k] = Ring::from_signed(-table.knot[i]);
    }
  }
  const auto diffs = p.add_public(detail::gather(p, x, rep, "mpc::sigmoid_pwl"), std::span<const Ring>(minus_knots));
  const auto ramps = relu(p, diffs);
  std::vector<Ring> coeff(m * n);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t k = 0; k < n; ++k) coeff[i * n + k] = Ring::from_signed(table.coeff[i]);
  }
  const auto terms = p.mul_public(ramps, std::span<const Ring>(coeff));
  using Arith = typename P::Arith;
  const std::vector<const Arith*> in{&terms};
  const auto sum = p.arith_linear(std::span<const Arith* const>(in), n,
                                  [n](std::span<const std::span<const Ring>> s, std::span<Ring> o) {
                                    for (std::size_t k = 0; k < n; ++k) {
                                      Ring acc{};
                                      for (std::size_t i = 0; i < detail::sigmoid_knots.size(); ++i) acc += s[0][i * n + k];
                                      o[k] = acc;
                                    }
                                  });
  return p.add_public(trunc(p, sum, F), Ring::from_signed(table.base));
}

}  // namespace privfin::mpc
