// privfin/vdaf/poly.hpp — polynomial arithmetic over the VDAF fields:
// the NTT and its inverse, and the Lagrange-basis helpers the FLP of
// draft-irtf-cfrg-vdaf-20 uses (a polynomial of degree < n is held as its
// values at the n-th roots of unity w^0, w^1, ..., w^(n-1), natural order,
// with w = F::root_of_unity(log2 n)).
//
//   std::vector<Field64> coeffs = {1, 2, 3};           // 1 + 2x + 3x^2
//   auto values = ntt(coeffs, 4);                      // P(w^i), i < 4
//   auto back   = inverse_ntt(values);                 // coefficients again
//   Field64 y   = lagrange_eval(values, x);            // P(x) from the values
//
// n must be a power of two not above 2^two_adicity; violations throw
// InvalidArgument. Pure functions, thread-safe.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <span>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/vdaf/field.hpp"

namespace privfin::vdaf::poly {

[[nodiscard]] constexpr std::size_t next_power_of_2(std::size_t n) noexcept {
  return n <= 1 ? 1 : std::bit_ceil(n);
}

[[nodiscard]] inline unsigned checked_log2(std::size_t n, unsigned max_log) {
  if (n == 0 || !std::has_single_bit(n)) {
    throw InvalidArgument("poly: size " + std::to_string(n) + " is not a power of two");
  }
  const auto log = static_cast<unsigned>(std::countr_zero(n));
  if (log > max_log) throw InvalidArgument("poly: size 2^" + std::to_string(log) + " exceeds the field's 2-adicity");
  return log;
}

// 1/2^log_n, from 1/2 = (p+1)/2 without a field inversion.
template <VdafField F>
[[nodiscard]] F inverse_of_power_of_two(unsigned log_n) noexcept {
  const F half = F::inv_two();
  F out = F::one();
  for (unsigned i = 0; i < log_n; ++i) out *= half;
  return out;
}

// 1/k for 1 <= k <= 255 from a table built once (immutable afterwards).
template <VdafField F>
[[nodiscard]] F inverse_small(std::size_t k) {
  static const std::vector<F> table = [] {
    std::vector<F> t(256, F::zero());
    for (std::uint64_t i = 1; i < 256; ++i) t[i] = F::from_u64(i).inv();
    return t;
  }();
  if (k == 0 || k > 255) return F::from_u64(static_cast<std::uint64_t>(k)).inv();
  return table[k];
}

// The Lagrange basis at t for the n-th roots of unity: L_i(t) with
// P(t) = sum_i L_i(t) P(w^i). Requires t^n != 1 (t not a node); one
// inversion for all n (Montgomery's trick).
template <VdafField F>
[[nodiscard]] std::vector<F> lagrange_basis_at(std::size_t n, F t) {
  const unsigned log_n = checked_log2(n, F::two_adicity);
  const F w = F::root_of_unity(log_n);
  // L_i(t) = (t^n - 1) * w^i / (n * (t - w^i)).
  std::vector<F> nodes(n), diffs(n), prefix(n);
  F node = F::one();
  F acc = F::one();
  for (std::size_t i = 0; i < n; ++i) {
    nodes[i] = node;
    diffs[i] = t - node;
    prefix[i] = acc;
    acc *= diffs[i];
    node *= w;
  }
  if (acc == F::zero()) throw InvalidArgument("lagrange_basis_at: t is a root of unity of order n");
  F inv = acc.inv();
  const F scale = (t.pow(static_cast<std::uint64_t>(n)) - F::one()) * inverse_of_power_of_two<F>(log_n);
  std::vector<F> out(n);
  for (std::size_t i = n; i-- > 0;) {
    out[i] = inv * prefix[i] * nodes[i] * scale;  // inv * prefix[i] = 1 / diffs[i]
    inv *= diffs[i];
  }
  return out;
}

// The precomputed tables for transforms of one size n: the powers of the
// primitive n-th root w (w^k for k < n/2; stage m uses every (n/m)-th) and
// the twist s^i / n (s the primitive 2n-th root) that turns values at the
// n-th roots into values at the odd 2n-th roots (only with for_doubling).
// A plan is an immutable value, safe to share between threads; build one per
// size and reuse it across many polynomials.
template <VdafField F>
class NttPlan {
 public:
  explicit NttPlan(std::size_t n, bool for_doubling = false)
      : n_(n), log_n_(checked_log2(n, for_doubling ? F::two_adicity - 1 : F::two_adicity)) {
    const F w = F::root_of_unity(log_n_);
    roots_.resize(std::max<std::size_t>(1, n / 2));
    F x = F::one();
    for (auto& r : roots_) {
      r = x;
      x *= w;
    }
    if (for_doubling) {
      const F s = F::root_of_unity(log_n_ + 1);
      F t = inverse_of_power_of_two<F>(log_n_);
      twist_.resize(n_);
      for (auto& v : twist_) {
        v = t;
        t *= s;
      }
    }
  }

  [[nodiscard]] std::size_t size() const noexcept { return n_; }

  // In place: a[i] <- sum_j a[j] * w^(i*j).
  void forward(std::span<F> a) const {
    if (a.size() != n_) throw InvalidArgument("NttPlan: input length differs from the plan size");
    // Bit-reversal permutation, then Cooley-Tukey butterflies.
    for (std::size_t i = 1, j = 0; i < n_; ++i) {
      std::size_t bit = n_ >> 1;
      for (; (j & bit) != 0; bit >>= 1) j ^= bit;
      j ^= bit;
      if (i < j) std::swap(a[i], a[j]);
    }
    for (unsigned s = 1; s <= log_n_; ++s) {
      const std::size_t m = std::size_t{1} << s;
      const std::size_t half = m / 2;
      const std::size_t stride = n_ / m;
      for (std::size_t start = 0; start < n_; start += m) {
        for (std::size_t k = 0; k < half; ++k) {
          const F u = a[start + k];
          const F v = roots_[k * stride] * a[start + k + half];
          a[start + k] = u + v;
          a[start + k + half] = u - v;
        }
      }
    }
  }

  // In place: values at the n-th roots -> coefficients times n (unscaled).
  void inverse_unscaled(std::span<F> a) const {
    forward(a);
    // sum_j y_j w^(ij) at index (n - i) mod n is n * c_i.
    std::reverse(a.begin() + 1, a.end());
  }

  // The values at the 2n-th roots of unity (natural order) of the
  // polynomial of degree < n with the given values at the n-th roots.
  [[nodiscard]] std::vector<F> doubled(std::span<const F> values) const {
    if (values.size() != n_) throw InvalidArgument("NttPlan: input length differs from the plan size");
    if (twist_.empty()) throw InvalidArgument("NttPlan: plan was not built for doubling");
    std::vector<F> odd(values.begin(), values.end());
    inverse_unscaled(odd);
    for (std::size_t i = 0; i < n_; ++i) odd[i] *= twist_[i];
    forward(odd);
    std::vector<F> out(2 * n_);
    for (std::size_t i = 0; i < n_; ++i) {
      out[2 * i] = values[i];
      out[2 * i + 1] = odd[i];
    }
    return out;
  }

 private:
  std::size_t n_;
  unsigned log_n_;
  std::vector<F> roots_;
  std::vector<F> twist_;  // s^i / n, for doubled()
};

// In place: a[i] <- sum_j a[j] * w^(i*j), w the primitive a.size()-th root.
template <VdafField F>
void ntt_inplace(std::span<F> a) {
  NttPlan<F>(a.size()).forward(a);
}

// The values P(w^i), i < n, of the polynomial with the given coefficients
// (at most n of them; the rest are zero).
template <VdafField F>
[[nodiscard]] std::vector<F> ntt(std::span<const F> coeffs, std::size_t n) {
  if (coeffs.size() > n) throw InvalidArgument("ntt: more coefficients than points");
  std::vector<F> out(n);
  std::copy(coeffs.begin(), coeffs.end(), out.begin());
  ntt_inplace<F>(out);
  return out;
}

// In place: values at the n-th roots -> the n coefficients.
template <VdafField F>
void inverse_ntt_inplace(std::span<F> a) {
  const std::size_t n = a.size();
  NttPlan<F>(n).inverse_unscaled(a);
  const F n_inv = inverse_of_power_of_two<F>(checked_log2(n, F::two_adicity));
  for (auto& x : a) x *= n_inv;
}

template <VdafField F>
[[nodiscard]] std::vector<F> inverse_ntt(std::span<const F> values) {
  std::vector<F> out(values.begin(), values.end());
  inverse_ntt_inplace<F>(out);
  return out;
}

// P(x) in the monomial basis (Horner).
template <VdafField F>
[[nodiscard]] F eval_monomial(std::span<const F> coeffs, F x) noexcept {
  F acc = F::zero();
  for (std::size_t i = coeffs.size(); i-- > 0;) acc = acc * x + coeffs[i];
  return acc;
}

// P(x) for P of degree < n given by its values at the n-th roots of unity,
// for any x (also a root): P(x) = (-1)^(n-1)/n * sum_i v_i w^i prod_{j!=i}(w^j - x).
// Values past values.size() (up to n) are taken as zero.
template <VdafField F>
[[nodiscard]] F lagrange_eval(std::span<const F> values, std::size_t n, F x) {
  const unsigned log_n = checked_log2(n, F::two_adicity);
  const F w = F::root_of_unity(log_n);
  // Horner-like pass: u_i = u_{i-1} * (w^i - x) + v_i * w^i * prod_{j<i}(w^j - x).
  F node = F::one();
  F prefix = F::one();
  F u = values.empty() ? F::zero() : values[0];
  F d = node - x;
  for (std::size_t i = 1; i < n; ++i) {
    prefix *= d;
    node *= w;
    d = node - x;
    u *= d;
    if (i < values.size()) u += prefix * node * values[i];
  }
  F factor = F::from_u64(static_cast<std::uint64_t>(n)).inv();
  if ((n - 1) % 2 == 1) factor = -factor;
  return u * factor;
}

// The values of a polynomial of degree < 2n at the 2n-th roots, from its
// values at the n-th roots (degree < n): evens are the inputs, odds come
// from a twisted NTT of the coefficients.
template <VdafField F>
[[nodiscard]] std::vector<F> double_evaluations(std::span<const F> values) {
  return NttPlan<F>(values.size(), true).doubled(values);
}

// The values at all size-th roots of unity of a polynomial of degree < n,
// given at the n-th roots (size a power-of-two multiple of n).
template <VdafField F>
[[nodiscard]] std::vector<F> extend_evaluations(std::span<const F> values, std::size_t size) {
  const std::size_t n = values.size();
  if (size == n) return {values.begin(), values.end()};
  if (size == 2 * n) return double_evaluations(values);
  if (size < n || size % n != 0) throw InvalidArgument("extend_evaluations: size is not a multiple of n");
  std::vector<F> coeffs = inverse_ntt(values);
  return ntt<F>(coeffs, size);
}

// Completes, in place, the values of a polynomial of degree < known.size()
// at the first known.size() n-th roots of unity to all n of them.
template <VdafField F>
void complete_evaluations(std::vector<F>& values, std::size_t n) {
  const std::size_t known = values.size();
  if (known == 0 || known > n) throw InvalidArgument("complete_evaluations: bad number of values");
  if (known == n) return;
  const unsigned log_n = checked_log2(n, F::two_adicity);
  const F w = F::root_of_unity(log_n);
  if (known + 1 == n) {
    // Degree < n-1 means the x^(n-1) coefficient (1/n) sum_i v_i w^i is 0.
    F acc = F::zero(), wi = F::one();
    for (std::size_t i = 0; i < known; ++i) {
      acc += values[i] * wi;
      wi *= w;
    }
    values.push_back(-(acc * w));  // w^-(n-1) = w
    return;
  }
  // General case: Lagrange interpolation through the known points.
  std::vector<F> xs(n);
  xs[0] = F::one();
  for (std::size_t i = 1; i < n; ++i) xs[i] = xs[i - 1] * w;
  std::vector<F> weights(known);
  for (std::size_t i = 0; i < known; ++i) {
    F den = F::one();
    for (std::size_t j = 0; j < known; ++j) {
      if (j != i) den *= xs[i] - xs[j];
    }
    weights[i] = values[i] * den.inv();
  }
  for (std::size_t k = known; k < n; ++k) {
    F total = F::zero();
    for (std::size_t i = 0; i < known; ++i) {
      F num = F::one();
      for (std::size_t j = 0; j < known; ++j) {
        if (j != i) num *= xs[k] - xs[j];
      }
      total += weights[i] * num;
    }
    values.push_back(total);
  }
}

}  // namespace privfin::vdaf::poly
