// privfin/sig/bls12_381/fields.hpp — the fields of BLS12-381: the base field
// Fp (381 bits, six 64-bit limbs, Montgomery form), the scalar field Fr
// (255 bits, four limbs), and the tower Fp2 = Fp[u]/(u^2 + 1),
// Fp6 = Fp2[v]/(v^3 - (u + 1)), Fp12 = Fp6[w]/(w^2 - v).
//
//   Fp a = Fp::from_u64(5), b = a.inverse();      // a * b == Fp::one()
//   Fp2 z{a, b};  Fp12 f = Fp12::one();
//   std::optional<Fp> s = fp_sqrt(a);             // nullopt for non-squares
//
// Fp and Fr arithmetic (add, sub, mul, select, equality) is constant-time
// in the values (see detail/mont.hpp), and so are the tower operations
// built from it; inversion uses the fixed exponent p - 2. Square roots,
// squareness tests and fp_inverse_vartime branch on their (public) inputs:
// use them for hashing and decoding, not on secrets. Fp multiplication
// uses MULX/ADX assembly when the CPU has it (constant time as well).
// Value types; thread-safe. Nothing throws.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <type_traits>

#include "privfin/sig/bls12_381/detail/mont.hpp"

namespace privfin::sig::bls12_381 {

namespace detail {
// Fp multiplication with MULX/ADX (lib/sig/bls12_381/fp_mul_x86.cpp): used
// when fp_mul_adx_available (x86-64 with BMI2 and ADX, detected once at
// start-up); otherwise MontField's portable CIOS runs. Both constant time.
extern const bool fp_mul_adx_available;
#if defined(__x86_64__) && defined(__ELF__)
extern "C" void privfin_bls12_381_fp_mul_adx(std::uint64_t* out, const std::uint64_t* a,
                                             const std::uint64_t* b) noexcept;
// The two halves of that multiplication apart (see fp_mul_wide, fp_redc).
extern "C" void privfin_bls12_381_fp_mul_wide_adx(std::uint64_t* out, const std::uint64_t* a,
                                                  const std::uint64_t* b) noexcept;
extern "C" void privfin_bls12_381_fp_redc_adx(std::uint64_t* out, const std::uint64_t* t) noexcept;
// Fp2 multiplication (lazy reduction) and squaring on the same kernels, in
// one call each: out, a and b point at an Fp2's twelve limbs (c0 then c1).
extern "C" void privfin_bls12_381_fp2_mul_adx(std::uint64_t* out, const std::uint64_t* a,
                                              const std::uint64_t* b) noexcept;
extern "C" void privfin_bls12_381_fp2_sqr_adx(std::uint64_t* out, const std::uint64_t* a) noexcept;
// Fp6 multiplication with the six Fp2 products unreduced and one reduction
// per Fp coefficient; out, a and b point at an Fp6's 36 limbs.
extern "C" void privfin_bls12_381_fp6_mul_adx(std::uint64_t* out, const std::uint64_t* a,
                                              const std::uint64_t* b) noexcept;
// (a + b t)^2 in Fp4 = Fp2[t] / (t^2 - xi) (the cyclotomic squaring's
// kernel) with three unreduced Fp2 squares; out is two Fp2 (24 limbs).
extern "C" void privfin_bls12_381_fp4_sqr_adx(std::uint64_t* out, const std::uint64_t* a,
                                              const std::uint64_t* b) noexcept;
#endif

struct FpParams {
  static constexpr std::size_t limbs = 6;
  static constexpr std::size_t bytes = 48;
  static constexpr Limbs<6> modulus = limbs_from_hex<6>(
      "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab");
  [[gnu::always_inline]] static bool fast_mul(Limbs<6>& out, const Limbs<6>& a, const Limbs<6>& b) noexcept {
#if defined(__x86_64__) && defined(__ELF__)
    if (!fp_mul_adx_available) return false;
    privfin_bls12_381_fp_mul_adx(out.data(), a.data(), b.data());
    return true;
#else
    (void)out;
    (void)a;
    (void)b;
    return false;
#endif
  }
};
struct FrParams {
  static constexpr std::size_t limbs = 4;
  static constexpr std::size_t bytes = 32;
  static constexpr Limbs<4> modulus =
      limbs_from_hex<4>("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001");
};
}  // namespace detail

using Fp = detail::MontField<detail::FpParams>;
// The scalar field: integers modulo the group order r.
using Fr = detail::MontField<detail::FrParams>;

namespace detail {

// Lazy reduction: an Fp product kept as the full 768-bit integer (twelve
// little-endian limbs, value a b for Montgomery forms a, b), so that sums
// and differences of products are reduced once (Aranha, Karabina, Longa,
// Gebotys and Lopez, "Faster explicit formulas for computing pairings over
// ordinary curves", EUROCRYPT 2011). fp_redc maps a wide T < p 2^384 to
// T / 2^384 mod p, fully reduced: for T = a b that is Montgomery's a * b.
// p < 2^381, so p^2 < 2^762 and p 2^384 > 8 p^2: room for sums of a few
// products. Every routine here is constant time (no branch or index on
// the values; corrections are masked).
using FpWide = Limbs<12>;

// a b for any 384-bit a and b (schoolbook, no reduction).
[[nodiscard]] constexpr FpWide fp_mul_wide_portable(const Limbs<6>& a, const Limbs<6>& b) noexcept {
  using privfin::detail::uint128;
  FpWide out{};
  for (std::size_t i = 0; i < 6; ++i) {
    std::uint64_t carry = 0;
    for (std::size_t j = 0; j < 6; ++j) {
      const uint128 s = static_cast<uint128>(a[j]) * b[i] + out[i + j] + carry;
      out[i + j] = static_cast<std::uint64_t>(s);
      carry = static_cast<std::uint64_t>(s >> 64);
    }
    out[i + 6] = carry;
  }
  return out;
}

// T / 2^384 mod p in [0, p) for T < p 2^384. The low half alone is
// Montgomery-reduced, u = (T_lo + m p) / 2^384 with m < 2^384, so u <= p
// (and the running value stays below 2^384: six limbs); T_hi < p by the
// bound on T, so u + T_hi < 2p < 2^384 and one masked subtraction of p
// finishes.
[[nodiscard]] constexpr Limbs<6> fp_redc_portable(const FpWide& t) noexcept {
  using privfin::detail::uint128;
  constexpr Limbs<6> p = FpParams::modulus;
  constexpr std::uint64_t inv = MontField<FpParams>::inv;  // -p^-1 mod 2^64
  Limbs<6> u{};
  for (std::size_t i = 0; i < 6; ++i) u[i] = t[i];
  for (std::size_t i = 0; i < 6; ++i) {
    const std::uint64_t m = u[0] * inv;  // makes u + m p divisible by 2^64
    uint128 s = static_cast<uint128>(m) * p[0] + u[0];
    std::uint64_t carry = static_cast<std::uint64_t>(s >> 64);
    for (std::size_t j = 1; j < 6; ++j) {
      s = static_cast<uint128>(m) * p[j] + u[j] + carry;
      u[j - 1] = static_cast<std::uint64_t>(s);
      carry = static_cast<std::uint64_t>(s >> 64);
    }
    u[5] = carry;
  }
  Limbs<6> hi{};
  for (std::size_t i = 0; i < 6; ++i) hi[i] = t[i + 6];
  Limbs<6> sum{};
  add_limbs(sum, u, hi);  // below 2p: no carry out
  Limbs<6> d{};
  const std::uint64_t keep_sum = static_cast<std::uint64_t>(0) - sub_limbs(d, sum, p);  // sum < p
  Limbs<6> out{};
  for (std::size_t i = 0; i < 6; ++i) out[i] = (sum[i] & keep_sum) | (d[i] & ~keep_sum);
  return out;
}

// The MULX/ADX versions when the CPU has them (fp_mul_adx_available),
// else the portable ones; same results.
[[nodiscard, gnu::always_inline]] inline FpWide fp_mul_wide(const Limbs<6>& a, const Limbs<6>& b) noexcept {
#if defined(__x86_64__) && defined(__ELF__)
  if (fp_mul_adx_available) {
    FpWide out;
    privfin_bls12_381_fp_mul_wide_adx(out.data(), a.data(), b.data());
    return out;
  }
#endif
  return fp_mul_wide_portable(a, b);
}
[[nodiscard, gnu::always_inline]] inline Limbs<6> fp_redc(const FpWide& t) noexcept {
#if defined(__x86_64__) && defined(__ELF__)
  if (fp_mul_adx_available) {
    Limbs<6> out;
    privfin_bls12_381_fp_redc_adx(out.data(), t.data());
    return out;
  }
#endif
  return fp_redc_portable(t);
}

// a + b and a - b on N limbs, the caller guaranteeing no carry or borrow
// out: ADC/SBB chains on x86-64, the portable limb loops elsewhere.
template <std::size_t N>
[[nodiscard, gnu::always_inline]] inline Limbs<N> limbs_add_exact(const Limbs<N>& a, const Limbs<N>& b) noexcept {
  Limbs<N> out;
#if defined(__x86_64__)
  unsigned char carry = 0;
  for (std::size_t i = 0; i < N; ++i) {
    unsigned long long sum;
    carry = _addcarry_u64(carry, a[i], b[i], &sum);
    out[i] = sum;
  }
#else
  add_limbs(out, a, b);
#endif
  return out;
}

template <std::size_t N>
[[nodiscard, gnu::always_inline]] inline Limbs<N> limbs_sub_exact(const Limbs<N>& a, const Limbs<N>& b) noexcept {
  Limbs<N> out;
#if defined(__x86_64__)
  unsigned char borrow = 0;
  for (std::size_t i = 0; i < N; ++i) {
    unsigned long long d;
    borrow = _subborrow_u64(borrow, a[i], b[i], &d);
    out[i] = d;
  }
#else
  sub_limbs(out, a, b);
#endif
  return out;
}

// a + b on six limbs without reduction: for a, b < p the sum is below
// 2p < 2^382 (no carry out), a valid input to fp_mul_wide.
[[nodiscard, gnu::always_inline]] inline Limbs<6> fp_add_unreduced(const Limbs<6>& a, const Limbs<6>& b) noexcept {
  return limbs_add_exact(a, b);
}

// a - b on twelve limbs for a >= b (no borrow out), no correction.
[[nodiscard, gnu::always_inline]] inline FpWide fp_wide_sub(const FpWide& a, const FpWide& b) noexcept {
  return limbs_sub_exact(a, b);
}

// a + b on twelve limbs when the sum stays below 2^768 (no carry out).
[[nodiscard, gnu::always_inline]] inline FpWide fp_wide_add(const FpWide& a, const FpWide& b) noexcept {
  return limbs_add_exact(a, b);
}

// p^2 (below 2^762): added to a difference of products to keep it
// non-negative without changing it modulo p.
inline constexpr FpWide fp_p_squared = fp_mul_wide_portable(FpParams::modulus, FpParams::modulus);

}  // namespace detail

// |x| for the curve parameter x = -0xd201000000010000.
inline constexpr std::uint64_t bls_x_abs = 0xd201000000010000ULL;

// 1/a (0 maps to 0) by GMP's extended Euclid: about ten times faster than
// Fermat's a^(p-2), but its time depends on a, so only for public values
// (hash-to-curve, decoding, affine conversion of public points).
[[nodiscard]] Fp fp_inverse_vartime(const Fp& a) noexcept;

// Square root in Fp (p = 3 mod 4): a^((p+1)/4), checked.
[[nodiscard]] std::optional<Fp> fp_sqrt(const Fp& a) noexcept;
// Legendre symbol test: true for 0 and for non-zero squares.
[[nodiscard]] bool fp_is_square(const Fp& a) noexcept;

struct Fp2 {
  Fp c0, c1;  // c0 + c1 u

  [[nodiscard]] static constexpr Fp2 zero() noexcept { return {}; }
  [[nodiscard]] static constexpr Fp2 one() noexcept { return {Fp::one(), Fp::zero()}; }

  constexpr Fp2 operator+(const Fp2& o) const noexcept { return {c0 + o.c0, c1 + o.c1}; }
  constexpr Fp2 operator-(const Fp2& o) const noexcept { return {c0 - o.c0, c1 - o.c1}; }
  constexpr Fp2 operator-() const noexcept { return {-c0, -c1}; }
  // Karatsuba: three Fp products. At run time they are kept wide and each
  // output coefficient is reduced once: in one assembly call when the CPU
  // has MULX/ADX (privfin_bls12_381_fp2_mul_adx), else mul_lazy. In
  // constant evaluation each product is reduced.
  constexpr Fp2 operator*(const Fp2& o) const noexcept {
    if (!std::is_constant_evaluated()) {
#if defined(__x86_64__) && defined(__ELF__)
      if (detail::fp_mul_adx_available) {
        detail::Limbs<12> out;  // uninitialised: the assembly writes all of it
        detail::privfin_bls12_381_fp2_mul_adx(out.data(), limbs(), o.limbs());
        return from_limbs(out);
      }
#endif
      return mul_lazy(*this, o);
    }
    const Fp t0 = c0 * o.c0, t1 = c1 * o.c1;
    return {t0 - t1, (c0 + c1) * (o.c0 + o.c1) - t0 - t1};
  }
  // Portable lazy reduction, the same computation as the assembly. Bounds
  // (a, b reduced, so each coefficient is below p < 2^381):
  //   t0 = a0 b0 < p^2, t1 = a1 b1 < p^2,
  //   t2 = (a0 + a1)(b0 + b1) < (2p)^2 (the sums are not reduced),
  //   c1 = t2 - t0 - t1 = a0 b1 + a1 b0 in [0, 2 p^2): no borrow,
  //   c0 = t0 + p^2 - t1 in (0, 2 p^2): no borrow;
  // both below p 2^384, as fp_redc needs (2p < 2^384).
  [[nodiscard]] static Fp2 mul_lazy(const Fp2& a, const Fp2& b) noexcept {
    using namespace detail;
    const FpWide t0 = fp_mul_wide_portable(a.c0.mont(), b.c0.mont());
    const FpWide t1 = fp_mul_wide_portable(a.c1.mont(), b.c1.mont());
    const FpWide t2 = fp_mul_wide_portable(fp_add_unreduced(a.c0.mont(), a.c1.mont()),
                                           fp_add_unreduced(b.c0.mont(), b.c1.mont()));
    return {Fp::from_mont(fp_redc_portable(fp_wide_sub(fp_wide_add(t0, fp_p_squared), t1))),
            Fp::from_mont(fp_redc_portable(fp_wide_sub(fp_wide_sub(t2, t0), t1)))};
  }
  constexpr Fp2 operator*(const Fp& s) const noexcept { return {c0 * s, c1 * s}; }
  constexpr Fp2& operator+=(const Fp2& o) noexcept { return *this = *this + o; }
  constexpr Fp2& operator-=(const Fp2& o) noexcept { return *this = *this - o; }
  constexpr Fp2& operator*=(const Fp2& o) noexcept { return *this = *this * o; }

  // Complex method: (c0 + c1)(c0 - c1) + 2 c0 c1 u, two Fp products (in one
  // assembly call, operands left unreduced, when the CPU has MULX/ADX).
  [[nodiscard]] constexpr Fp2 square() const noexcept {
#if defined(__x86_64__) && defined(__ELF__)
    if (!std::is_constant_evaluated() && detail::fp_mul_adx_available) {
      detail::Limbs<12> out;
      detail::privfin_bls12_381_fp2_sqr_adx(out.data(), limbs());
      return from_limbs(out);
    }
#endif
    const Fp t = c0 * c1;
    return {(c0 + c1) * (c0 - c1), t + t};
  }
  [[nodiscard]] constexpr Fp2 dbl() const noexcept { return {c0.dbl(), c1.dbl()}; }
  [[nodiscard]] constexpr Fp2 conjugate() const noexcept { return {c0, -c1}; }
  // Multiplication by the Fp6 non-residue xi = u + 1.
  [[nodiscard]] constexpr Fp2 mul_by_xi() const noexcept { return {c0 - c1, c0 + c1}; }
  [[nodiscard]] constexpr Fp norm() const noexcept { return c0.square() + c1.square(); }
  [[nodiscard]] constexpr Fp2 inverse() const noexcept {
    const Fp n = norm().inverse();
    return {c0 * n, -(c1 * n)};
  }
  // Variable time (fp_inverse_vartime): public values only.
  [[nodiscard]] Fp2 inverse_vartime() const noexcept {
    const Fp n = fp_inverse_vartime(norm());
    return {c0 * n, -(c1 * n)};
  }
  [[nodiscard]] constexpr bool is_zero() const noexcept { return c0.is_zero() && c1.is_zero(); }
  friend constexpr bool operator==(const Fp2& a, const Fp2& b) noexcept { return a.c0 == b.c0 && a.c1 == b.c1; }
  [[nodiscard]] static constexpr Fp2 select(bool choose, const Fp2& a, const Fp2& b) noexcept {
    return {Fp::select(choose, a.c0, b.c0), Fp::select(choose, a.c1, b.c1)};
  }
  // RFC 9380 sgn0 for m = 2.
  [[nodiscard]] constexpr bool sgn0() const noexcept {
    const bool sign0 = c0.is_odd();
    const bool zero0 = c0.is_zero();
    const bool sign1 = c1.is_odd();
    return sign0 || (zero0 && sign1);
  }
  template <std::size_t M>
  [[nodiscard]] constexpr Fp2 pow(const detail::Limbs<M>& e) const noexcept {
    return detail::window_pow(*this, e);
  }

 private:
  // The twelve limbs c0, c1 as the assembly reads them (the layout is
  // asserted below the class), and an element from twelve limbs it wrote.
  [[nodiscard]] const std::uint64_t* limbs() const noexcept { return c0.mont().data(); }
  [[nodiscard]] static Fp2 from_limbs(const detail::Limbs<12>& w) noexcept {
    detail::Limbs<6> lo, hi;
    for (std::size_t i = 0; i < 6; ++i) {
      lo[i] = w[i];
      hi[i] = w[i + 6];
    }
    return {Fp::from_mont(lo), Fp::from_mont(hi)};
  }
};
static_assert(sizeof(Fp) == 48 && std::is_standard_layout_v<Fp2> && offsetof(Fp2, c1) == 48,
              "the Fp2 assembly reads c0 and c1 as twelve consecutive limbs");

// Square root in Fp2 (nullopt for non-squares) and the squareness test.
[[nodiscard]] std::optional<Fp2> fp2_sqrt(const Fp2& a) noexcept;
[[nodiscard]] bool fp2_is_square(const Fp2& a) noexcept;
// fp2_sqrt(a) for a caller that already holds a square root (either sign)
// of a's norm a0^2 + a1^2, saving the exponentiation that finds it (hashing
// to G2 derives it for gx2 from gx1's). Variable time, public inputs.
[[nodiscard]] std::optional<Fp2> fp2_sqrt_with_norm_root(const Fp2& a, const Fp& norm_root) noexcept;

struct Fp6 {
  Fp2 c0, c1, c2;  // c0 + c1 v + c2 v^2

  [[nodiscard]] static constexpr Fp6 zero() noexcept { return {}; }
  [[nodiscard]] static constexpr Fp6 one() noexcept { return {Fp2::one(), Fp2::zero(), Fp2::zero()}; }

  Fp6 operator+(const Fp6& o) const noexcept { return {c0 + o.c0, c1 + o.c1, c2 + o.c2}; }
  Fp6 operator-(const Fp6& o) const noexcept { return {c0 - o.c0, c1 - o.c1, c2 - o.c2}; }
  Fp6 operator-() const noexcept { return {-c0, -c1, -c2}; }
  // One assembly call with lazy reduction when the CPU has MULX/ADX (see
  // fp_mul_x86.cpp), else mul_reduced; the same result either way.
  Fp6 operator*(const Fp6& o) const noexcept;
  // Karatsuba over Fp2 with every Fp2 product reduced: the portable path.
  [[nodiscard]] static Fp6 mul_reduced(const Fp6& a, const Fp6& b) noexcept;
  [[nodiscard]] Fp6 square() const noexcept;
  // Multiplication by v (the Fp12 non-residue).
  [[nodiscard]] Fp6 mul_by_v() const noexcept { return {c2.mul_by_xi(), c0, c1}; }
  // Multiplication by b0 + b1 v, and by b1 v.
  [[nodiscard]] Fp6 mul_by_01(const Fp2& b0, const Fp2& b1) const noexcept;
  [[nodiscard]] Fp6 mul_by_1(const Fp2& b1) const noexcept;
  [[nodiscard]] Fp6 inverse() const noexcept;
  [[nodiscard]] bool is_zero() const noexcept { return c0.is_zero() && c1.is_zero() && c2.is_zero(); }
  friend bool operator==(const Fp6& a, const Fp6& b) noexcept {
    return a.c0 == b.c0 && a.c1 == b.c1 && a.c2 == b.c2;
  }
};
static_assert(sizeof(Fp2) == 96 && std::is_standard_layout_v<Fp6> && offsetof(Fp6, c1) == 96 &&
                  offsetof(Fp6, c2) == 192,
              "the Fp6 assembly reads an Fp6 as 36 consecutive limbs");

namespace detail {
// (a + b t)^2 in Fp4 = Fp2[t]/(t^2 - xi), the kernel of the cyclotomic
// squaring: out0 = xi b^2 + a^2, out1 = 2 a b. fp4_square takes the
// assembly with lazy reduction when the CPU has MULX/ADX, else
// fp4_square_reduced (three Fp2 squarings); out0 and out1 may be a or b.
void fp4_square(const Fp2& a, const Fp2& b, Fp2& out0, Fp2& out1) noexcept;
void fp4_square_reduced(const Fp2& a, const Fp2& b, Fp2& out0, Fp2& out1) noexcept;
}  // namespace detail

struct Fp12 {
  Fp6 c0, c1;  // c0 + c1 w

  [[nodiscard]] static Fp12 one() noexcept { return {Fp6::one(), Fp6::zero()}; }

  Fp12 operator*(const Fp12& o) const noexcept;
  Fp12 operator+(const Fp12& o) const noexcept { return {c0 + o.c0, c1 + o.c1}; }
  Fp12& operator*=(const Fp12& o) noexcept { return *this = *this * o; }
  [[nodiscard]] Fp12 square() const noexcept;
  // Squaring valid only in the cyclotomic subgroup (after the easy part of
  // the final exponentiation): Granger-Scott, cheaper than square().
  [[nodiscard]] Fp12 cyclotomic_square() const noexcept;
  [[nodiscard]] Fp12 conjugate() const noexcept { return {c0, -c1}; }
  [[nodiscard]] Fp12 inverse() const noexcept;
  // this^p (the Frobenius map), applied `power` times.
  [[nodiscard]] Fp12 frobenius(int power = 1) const noexcept;
  // Multiplication by the sparse element d0 + d1 v + d4 v w (a Miller-loop line).
  [[nodiscard]] Fp12 mul_by_014(const Fp2& d0, const Fp2& d1, const Fp2& d4) const noexcept;
  [[nodiscard]] bool is_one() const noexcept { return *this == one(); }
  friend bool operator==(const Fp12& a, const Fp12& b) noexcept { return a.c0 == b.c0 && a.c1 == b.c1; }
  // this^e for a public exponent given as little-endian limbs.
  [[nodiscard]] Fp12 pow(std::span<const std::uint64_t> e) const noexcept;
};

}  // namespace privfin::sig::bls12_381
