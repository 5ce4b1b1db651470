// privfin/sharing/detail/field_ops.hpp — the small amount of uniform glue the
// sharing schemes need over the core's element types: bulk uniform sampling
// from a Prg, and a field-operations object that treats compile-time fields
// (Fp61, Fp127) and the run-time GmpField alike.
//
// Internal to the sharing layer; the public headers document the behaviour.
#pragma once

#include <gmpxx.h>

#include <algorithm>
#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <utility>

#include "privfin/core/detail/int128.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/gmp_field.hpp"
#include "privfin/core/mersenne.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/core/ring.hpp"

namespace privfin::sharing {

// A value type closed under +, - and unary -, with a zero (its value
// initialisation) and a way to draw uniform elements from a Prg: the rings
// Z2k<K> and the fields Fp61, Fp127, or any type with a static random(Prg&).
template <class T>
concept AdditiveElement = std::regular<T> && requires(T a, T b, Prg& prg) {
  { a + b } -> std::convertible_to<T>;
  { a - b } -> std::convertible_to<T>;
  { -a } -> std::convertible_to<T>;
} && (requires(Prg& prg) { { T::random(prg) } -> std::convertible_to<T>; } ||
      requires { T::bits; typename T::Word; requires std::is_trivially_copyable_v<T>; });

// A prime field whose modulus is fixed at compile time (Fp61, Fp127).
template <class F>
concept StaticPrimeField = std::regular<F> && requires(F a, F b, Prg& prg, std::uint64_t v) {
  { a + b } -> std::convertible_to<F>;
  { a - b } -> std::convertible_to<F>;
  { a * b } -> std::convertible_to<F>;
  { a.inverse() } -> std::convertible_to<F>;
  { F::random(prg) } -> std::convertible_to<F>;
  { F::zero() } -> std::convertible_to<F>;
  { F::one() } -> std::convertible_to<F>;
  F{v};
};

namespace detail {

template <class T>
inline constexpr bool is_z2k = false;
template <unsigned K>
inline constexpr bool is_z2k<Z2k<K>> = true;

// Fills `out` with independent uniform elements. Rings take raw PRG words;
// the Mersenne fields take words in bulk and redraw the rare out-of-range
// value (rejection sampling, no bias); other types fall back to T::random.
template <class T>
void random_fill(Prg& prg, std::span<T> out) {
  if constexpr (is_z2k<T> || std::is_same_v<T, std::uint64_t>) {
    prg.fill(out);
  } else if constexpr (std::is_same_v<T, Fp61>) {
    constexpr std::size_t chunk = 512;
    std::array<std::uint64_t, chunk> words{};
    for (std::size_t base = 0; base < out.size(); base += chunk) {
      const std::size_t count = std::min(chunk, out.size() - base);
      prg.fill(std::span<std::uint64_t>(words.data(), count));
      for (std::size_t i = 0; i < count; ++i) {
        const std::uint64_t v = words[i] & Fp61::modulus;
        out[base + i] = v == Fp61::modulus ? Fp61::random(prg) : Fp61{v};
      }
    }
  } else if constexpr (std::is_same_v<T, Fp127>) {
    constexpr std::size_t chunk = 512;
    std::array<std::uint64_t, 2 * chunk> words{};
    const std::uint64_t top_mask = ~std::uint64_t{0} >> 1;
    for (std::size_t base = 0; base < out.size(); base += chunk) {
      const std::size_t count = std::min(chunk, out.size() - base);
      prg.fill(std::span<std::uint64_t>(words.data(), 2 * count));
      for (std::size_t i = 0; i < count; ++i) {
        const std::uint64_t lo = words[2 * i], hi = words[2 * i + 1] & top_mask;
        // The only 127-bit value outside the field is p = 2^127 - 1 itself.
        const bool is_p = lo == ~std::uint64_t{0} && hi == top_mask;
        out[base + i] = is_p ? Fp127::random(prg) : Fp127::from_words(lo, hi);
      }
    }
  } else {
    for (auto& x : out) x = T::random(prg);
  }
}

template <class F>
struct FieldOps;

// Compile-time fields: stateless.
template <StaticPrimeField F>
struct FieldOps<F> {
  using Element = F;
  FieldOps() = default;
  [[nodiscard]] Element zero() const { return F::zero(); }
  [[nodiscard]] Element one() const { return F::one(); }
  [[nodiscard]] Element from_index(std::uint64_t v) const { return F{v}; }
  [[nodiscard]] Element add(const Element& a, const Element& b) const { return a + b; }
  [[nodiscard]] Element sub(const Element& a, const Element& b) const { return a - b; }
  [[nodiscard]] Element mul(const Element& a, const Element& b) const { return a * b; }
  [[nodiscard]] Element inverse(const Element& a) const { return a.inverse(); }
  [[nodiscard]] bool contains(const Element&) const { return true; }
  void random_fill(Prg& prg, std::span<Element> out) const { detail::random_fill(prg, out); }
  // out[k] = out[k] * s + add[k]  (the Horner step over a batch)
  void mul_scalar_add_inplace(std::span<Element> out, const Element& s, std::span<const Element> addend) const {
    if constexpr (std::is_same_v<F, Fp61>) {
      // Shamir's evaluation points are small: for s < 8, o * s + a < 2^64
      // (o, a < 2^61), so one 64-bit multiply-add and one reduction (which
      // Fp61's constructor does for any 64-bit value) replace the 128-bit product.
      if (s.value() < 8) {
        const std::uint64_t m = s.value();
        for (std::size_t k = 0; k < out.size(); ++k) out[k] = F{out[k].value() * m + addend[k].value()};
        return;
      }
    }
    for (std::size_t k = 0; k < out.size(); ++k) out[k] = out[k] * s + addend[k];
  }
  // acc[k] += s * x[k]
  void axpy_inplace(std::span<Element> acc, const Element& s, std::span<const Element> x) const {
    for (std::size_t k = 0; k < acc.size(); ++k) acc[k] += s * x[k];
  }
  // out[k] = sum_m coeffs[m] * inputs[m][k]. For Fp61 the products (< 2^122)
  // are summed in 128 bits, up to 63 at a time, and reduced once.
  void linear_combination(std::span<Element> out, std::span<const Element> coeffs,
                          std::span<const std::span<const Element>> inputs) const {
    if constexpr (std::is_same_v<F, Fp61>) {
      constexpr std::size_t terms_per_fold = 63;
      for (std::size_t k = 0; k < out.size(); ++k) out[k] = F::zero();
      for (std::size_t first = 0; first < coeffs.size(); first += terms_per_fold) {
        const std::size_t last = std::min(coeffs.size(), first + terms_per_fold);
        for (std::size_t k = 0; k < out.size(); ++k) {
          privfin::detail::uint128 acc = out[k].value();
          for (std::size_t m = first; m < last; ++m) {
            acc += static_cast<privfin::detail::uint128>(coeffs[m].value()) * inputs[m][k].value();
          }
          // acc < 2^128: fold the three 61-bit limbs (2^61 = 1 mod p).
          const auto low = static_cast<std::uint64_t>(acc) & Fp61::modulus;
          const auto mid = static_cast<std::uint64_t>(acc >> 61) & Fp61::modulus;
          const auto high = static_cast<std::uint64_t>(acc >> 122);
          out[k] = F{low + mid + high};
        }
      }
    } else {
      for (std::size_t k = 0; k < out.size(); ++k) out[k] = F::zero();
      for (std::size_t m = 0; m < coeffs.size(); ++m) axpy_inplace(out, coeffs[m], inputs[m]);
    }
  }
  // The field size exceeds any party count we accept (2^32).
  [[nodiscard]] bool index_fits(std::uint64_t) const { return true; }
};

// Run-time prime field over GMP.
template <>
struct FieldOps<GmpField> {
  using Element = mpz_class;
  explicit FieldOps(GmpField f) : field(std::move(f)) {}
  [[nodiscard]] Element zero() const { return 0; }
  [[nodiscard]] Element one() const { return 1; }
  [[nodiscard]] Element from_index(std::uint64_t v) const {
    mpz_class x;
    mpz_import(x.get_mpz_t(), 1, 1, sizeof v, 0, 0, &v);
    return field.reduce(x);
  }
  [[nodiscard]] Element add(const Element& a, const Element& b) const { return field.add(a, b); }
  [[nodiscard]] Element sub(const Element& a, const Element& b) const { return field.sub(a, b); }
  [[nodiscard]] Element mul(const Element& a, const Element& b) const { return field.mul(a, b); }
  [[nodiscard]] Element inverse(const Element& a) const { return field.inverse(a); }
  [[nodiscard]] bool contains(const Element& a) const { return field.contains(a); }
  void random_fill(Prg& prg, std::span<Element> out) const {
    for (auto& x : out) x = field.random(prg);
  }
  void mul_scalar_add_inplace(std::span<Element> out, const Element& s, std::span<const Element> addend) const {
    const mpz_class& p = field.modulus();
    for (std::size_t k = 0; k < out.size(); ++k) {
      mpz_mul(out[k].get_mpz_t(), out[k].get_mpz_t(), s.get_mpz_t());
      mpz_add(out[k].get_mpz_t(), out[k].get_mpz_t(), addend[k].get_mpz_t());
      mpz_mod(out[k].get_mpz_t(), out[k].get_mpz_t(), p.get_mpz_t());
    }
  }
  void axpy_inplace(std::span<Element> acc, const Element& s, std::span<const Element> x) const {
    const mpz_class& p = field.modulus();
    for (std::size_t k = 0; k < acc.size(); ++k) {
      mpz_addmul(acc[k].get_mpz_t(), s.get_mpz_t(), x[k].get_mpz_t());
      mpz_mod(acc[k].get_mpz_t(), acc[k].get_mpz_t(), p.get_mpz_t());
    }
  }
  void linear_combination(std::span<Element> out, std::span<const Element> coeffs,
                          std::span<const std::span<const Element>> inputs) const {
    for (auto& o : out) o = 0;
    for (std::size_t m = 0; m < coeffs.size(); ++m) axpy_inplace(out, coeffs[m], inputs[m]);
  }
  [[nodiscard]] bool index_fits(std::uint64_t v) const { return mpz_class(static_cast<unsigned long>(v)) < field.modulus(); }

  GmpField field;
};

}  // namespace detail
}  // namespace privfin::sharing
