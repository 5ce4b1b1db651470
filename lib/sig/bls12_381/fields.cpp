// BLS12-381 extension-field arithmetic: square roots, the Fp6 and Fp12
// towers, Frobenius maps and the cyclotomic squaring of Granger and Scott
// ("Faster squaring in the cyclotomic subgroup of sixth degree extensions",
// PKC 2010). Frobenius constants are derived from p at first use.
#include "privfin/sig/bls12_381/fields.hpp"

#include <gmpxx.h>

#include <array>
#include <initializer_list>
#include <span>

#include "privfin/sig/bls12_381/detail/constants.hpp"

namespace privfin::sig::bls12_381 {

namespace detail {

mpz_class to_mpz(std::span<const std::uint64_t> limbs) {
  mpz_class out;
  mpz_import(out.get_mpz_t(), limbs.size(), -1, sizeof(std::uint64_t), 0, 0, limbs.data());
  return out;
}

Limbs<6> to_limbs6(const mpz_class& x) {
  Limbs<6> out{};
  std::size_t count = 0;
  mpz_export(out.data(), &count, -1, sizeof(std::uint64_t), 0, 0, x.get_mpz_t());
  return out;
}

const FieldConstants& field_constants() {
  static const FieldConstants constants = [] {
    FieldConstants c{};
    const mpz_class p = to_mpz(Fp::modulus);
    c.p_plus_1_div_4 = to_limbs6((p + 1) / 4);
    c.p_minus_1_div_2 = to_limbs6((p - 1) / 2);
    const Fp2 xi{Fp::one(), Fp::one()};
    for (unsigned k = 0; k < 6; ++k) {
      c.frobenius_gamma[k] = xi.pow(to_limbs6((p - 1) / 6 * k));
    }
    return c;
  }();
  return constants;
}

}  // namespace detail

Fp fp_inverse_vartime(const Fp& a) noexcept {
  if (a.is_zero()) return Fp::zero();
  static const mpz_class p = detail::to_mpz(Fp::modulus);
  mpz_class x = detail::to_mpz(a.to_raw());
  mpz_invert(x.get_mpz_t(), x.get_mpz_t(), p.get_mpz_t());
  return Fp::from_raw(detail::to_limbs6(x));
}

std::optional<Fp> fp_sqrt(const Fp& a) noexcept {
  const Fp s = a.pow(detail::field_constants().p_plus_1_div_4);
  if (!(s.square() == a)) return std::nullopt;
  return s;
}

bool fp_is_square(const Fp& a) noexcept {
  const Fp l = a.pow(detail::field_constants().p_minus_1_div_2);
  return l.is_zero() || l == Fp::one();
}

// The "complex method": with n = a0^2 + a1^2 = N(a) and s = sqrt(n), one of
// (a0 +- s) / 2 is a square t (their product is -a1^2 / 4 and -1 is not a
// square in Fp), and x = sqrt(t) + a1 / (2 sqrt(t)) u. Three Fp
// exponentiations at most and a (variable-time) inversion instead of two
// exponentiations in Fp2. When t+ = (a0 + s) / 2 is not a square, its
// candidate root c = t+^((p+1)/4) satisfies c^2 = -t+, and since
// t+ t- = -a1^2 / 4, t- = (a1 / (2 c))^2: the root of t- needs no second
// exponentiation. Variable time: for public inputs (hashing to G2, point
// decompression).
std::optional<Fp2> fp2_sqrt(const Fp2& a) noexcept {
  if (a.c1.is_zero()) {
    if (auto r = fp_sqrt(a.c0)) return Fp2{*r, Fp::zero()};
    if (auto r = fp_sqrt(-a.c0)) return Fp2{Fp::zero(), *r};  // (r u)^2 = -r^2
    return std::nullopt;
  }
  const auto s = fp_sqrt(a.norm());
  if (!s) return std::nullopt;
  return fp2_sqrt_with_norm_root(a, *s);
}

std::optional<Fp2> fp2_sqrt_with_norm_root(const Fp2& a, const Fp& s) noexcept {
  if (a.c1.is_zero()) return fp2_sqrt(a);
  static const Fp half = Fp::from_u64(2).inverse();
  const Fp t_plus = (a.c0 + s) * half;
  const Fp c = t_plus.pow(detail::field_constants().p_plus_1_div_4);
  Fp x0;
  if (c.square() == t_plus) {
    x0 = c;
  } else {
    if (c.is_zero()) return std::nullopt;
    x0 = a.c1 * fp_inverse_vartime(c.dbl());  // root of t- (see above)
  }
  const Fp2 x{x0, a.c1 * fp_inverse_vartime(x0.dbl())};
  if (!(x.square() == a)) return std::nullopt;
  return x;
}

bool fp2_is_square(const Fp2& a) noexcept { return fp_is_square(a.norm()); }

namespace {
// n Fp elements from 6 n limbs the assembly wrote.
void fp_from_limbs(std::span<const std::uint64_t> limbs, std::initializer_list<Fp*> out) noexcept {
  for (Fp* f : out) {
    Fp::Repr r;
    for (std::size_t i = 0; i < 6; ++i) r[i] = limbs[i];
    *f = Fp::from_mont(r);
    limbs = limbs.subspan(6);
  }
}

}  // namespace

Fp6 Fp6::operator*(const Fp6& o) const noexcept {
#if defined(__x86_64__) && defined(__ELF__)
  if (detail::fp_mul_adx_available) {
    // The layout is asserted in fields.hpp; out is written in full.
    std::array<std::uint64_t, 36> out;
    detail::privfin_bls12_381_fp6_mul_adx(out.data(), c0.c0.mont().data(), o.c0.c0.mont().data());
    Fp6 r;
    fp_from_limbs(out, {&r.c0.c0, &r.c0.c1, &r.c1.c0, &r.c1.c1, &r.c2.c0, &r.c2.c1});
    return r;
  }
#endif
  return mul_reduced(*this, o);
}

Fp6 Fp6::mul_reduced(const Fp6& a, const Fp6& b) noexcept {
  const Fp2 t0 = a.c0 * b.c0, t1 = a.c1 * b.c1, t2 = a.c2 * b.c2;
  return {((a.c1 + a.c2) * (b.c1 + b.c2) - t1 - t2).mul_by_xi() + t0,
          (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1 + t2.mul_by_xi(),
          (a.c0 + a.c2) * (b.c0 + b.c2) - t0 - t2 + t1};
}

// Chung-Hasan SQR2.
Fp6 Fp6::square() const noexcept {
  const Fp2 s0 = c0.square();
  const Fp2 ab = c0 * c1;
  const Fp2 s1 = ab.dbl();
  const Fp2 s2 = (c0 - c1 + c2).square();
  const Fp2 bc = c1 * c2;
  const Fp2 s3 = bc.dbl();
  const Fp2 s4 = c2.square();
  return {s3.mul_by_xi() + s0, s4.mul_by_xi() + s1, s1 + s2 + s3 - s0 - s4};
}

Fp6 Fp6::mul_by_01(const Fp2& b0, const Fp2& b1) const noexcept {
  const Fp2 t0 = c0 * b0, t1 = c1 * b1;
  return {((c1 + c2) * b1 - t1).mul_by_xi() + t0, (c0 + c1) * (b0 + b1) - t0 - t1, (c0 + c2) * b0 - t0 + t1};
}

Fp6 Fp6::mul_by_1(const Fp2& b1) const noexcept { return {(c2 * b1).mul_by_xi(), c0 * b1, c1 * b1}; }

Fp6 Fp6::inverse() const noexcept {
  const Fp2 a = c0.square() - (c1 * c2).mul_by_xi();
  const Fp2 b = c2.square().mul_by_xi() - c0 * c1;
  const Fp2 c = c1.square() - c0 * c2;
  const Fp2 f = c0 * a + (c2 * b + c1 * c).mul_by_xi();
  const Fp2 fi = f.inverse();
  return {a * fi, b * fi, c * fi};
}

Fp12 Fp12::operator*(const Fp12& o) const noexcept {
  const Fp6 t0 = c0 * o.c0, t1 = c1 * o.c1;
  return {t0 + t1.mul_by_v(), (c0 + c1) * (o.c0 + o.c1) - t0 - t1};
}

Fp12 Fp12::square() const noexcept {
  const Fp6 ab = c0 * c1;
  const Fp6 t = (c0 + c1) * (c0 + c1.mul_by_v());
  return {t - ab - ab.mul_by_v(), ab + ab};
}

Fp12 Fp12::inverse() const noexcept {
  const Fp6 t = (c0.square() - c1.square().mul_by_v()).inverse();
  return {c0 * t, -(c1 * t)};
}

Fp12 Fp12::mul_by_014(const Fp2& d0, const Fp2& d1, const Fp2& d4) const noexcept {
  const Fp6 aa = c0.mul_by_01(d0, d1);
  const Fp6 bb = c1.mul_by_1(d4);
  const Fp6 cross = (c0 + c1).mul_by_01(d0, d1 + d4) - aa - bb;
  return {bb.mul_by_v() + aa, cross};
}

Fp12 Fp12::frobenius(int power) const noexcept {
  const auto& g = detail::field_constants().frobenius_gamma;
  Fp12 f = *this;
  for (int i = 0; i < power; ++i) {
    // Coefficient of w^k is conjugated and multiplied by xi^(k (p-1) / 6).
    f = Fp12{Fp6{f.c0.c0.conjugate(), f.c0.c1.conjugate() * g[2], f.c0.c2.conjugate() * g[4]},
             Fp6{f.c1.c0.conjugate() * g[1], f.c1.c1.conjugate() * g[3], f.c1.c2.conjugate() * g[5]}};
  }
  return f;
}

namespace detail {
// In one assembly call with lazy reduction when the CPU has MULX/ADX.
void fp4_square(const Fp2& a, const Fp2& b, Fp2& out0, Fp2& out1) noexcept {
#if defined(__x86_64__) && defined(__ELF__)
  if (detail::fp_mul_adx_available) {
    std::array<std::uint64_t, 24> out;  // written in full
    detail::privfin_bls12_381_fp4_sqr_adx(out.data(), a.c0.mont().data(), b.c0.mont().data());
    fp_from_limbs(out, {&out0.c0, &out0.c1, &out1.c0, &out1.c1});
    return;
  }
#endif
  fp4_square_reduced(a, b, out0, out1);
}

void fp4_square_reduced(const Fp2& a, const Fp2& b, Fp2& out0, Fp2& out1) noexcept {
  const Fp2 t0 = a.square(), t1 = b.square();
  const Fp2 cross = (a + b).square() - t0 - t1;  // before out0 is written: it may be a or b
  out0 = t1.mul_by_xi() + t0;
  out1 = cross;
}

}  // namespace detail

Fp12 Fp12::cyclotomic_square() const noexcept {
  Fp2 z0 = c0.c0, z4 = c0.c1, z3 = c0.c2, z2 = c1.c0, z1 = c1.c1, z5 = c1.c2;
  Fp2 t0, t1, t2, t3;
  detail::fp4_square(z0, z1, t0, t1);
  z0 = t0 - z0;
  z0 = z0.dbl() + t0;
  z1 = t1 + z1;
  z1 = z1.dbl() + t1;
  detail::fp4_square(z2, z3, t0, t1);
  detail::fp4_square(z4, z5, t2, t3);
  z4 = t0 - z4;
  z4 = z4.dbl() + t0;
  z5 = t1 + z5;
  z5 = z5.dbl() + t1;
  t0 = t3.mul_by_xi();
  z2 = t0 + z2;
  z2 = z2.dbl() + t0;
  z3 = t2 - z3;
  z3 = z3.dbl() + t2;
  return {Fp6{z0, z4, z3}, Fp6{z2, z1, z5}};
}

Fp12 Fp12::pow(std::span<const std::uint64_t> e) const noexcept {
  Fp12 acc = one();
  for (std::size_t i = 64 * e.size(); i-- > 0;) {
    acc = acc.square();
    if (((e[i / 64] >> (i % 64)) & 1) != 0) acc = acc * *this;
  }
  return acc;
}

}  // namespace privfin::sig::bls12_381
