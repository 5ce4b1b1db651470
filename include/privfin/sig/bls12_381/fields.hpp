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
#include <cstdint>
#include <optional>

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
  constexpr Fp2 operator*(const Fp2& o) const noexcept {
    const Fp t0 = c0 * o.c0, t1 = c1 * o.c1;
    return {t0 - t1, (c0 + c1) * (o.c0 + o.c1) - t0 - t1};
  }
  constexpr Fp2 operator*(const Fp& s) const noexcept { return {c0 * s, c1 * s}; }
  constexpr Fp2& operator+=(const Fp2& o) noexcept { return *this = *this + o; }
  constexpr Fp2& operator-=(const Fp2& o) noexcept { return *this = *this - o; }
  constexpr Fp2& operator*=(const Fp2& o) noexcept { return *this = *this * o; }

  [[nodiscard]] constexpr Fp2 square() const noexcept {
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
};

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
  Fp6 operator*(const Fp6& o) const noexcept;
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
