// The optimal ate pairing on BLS12-381: Miller loop over |x| with the
// twist point in Jacobian coordinates (doubling and line in one step),
// inputs made affine by variable-time inversion (they are public), lines evaluated as
// sparse Fp12 elements, and the final exponentiation with cyclotomic
// squarings (see pairing.hpp for the exponent decomposition).
//
// Lines: E' is the M-type sextic twist, untwisted by (x', y') -> (x' / w^2,
// y' / w^3). A line through twist points with slope lambda' on E', taken at
// P = (xP, yP) in E(Fp) and scaled by w^3 and by factors in Fp2 (both
// vanish under the final exponentiation), is
//   (lambda' xT - yT) + (-lambda' xP) v + (yP) v w,
// the sparse shape that Fp12::mul_by_014 multiplies by.
#include "privfin/sig/bls12_381/pairing.hpp"

#include <type_traits>
#include <vector>

#include "privfin/core/error.hpp"

namespace privfin::sig::bls12_381 {

namespace {

struct LineCoeffs {
  Fp2 d0, d1, d4;
};

// The twist point T in Jacobian coordinates (x = X / Z^2, y = Y / Z^3):
// doubling and the tangent line share their squarings (Costello, Lange and
// Naehrig, "Faster pairing computations on curves with high-degree
// twists", PKC 2010, Algorithm 26, as adapted by the zkcrypto bls12_381
// crate). With A = X^2, B = Y^2, E = 3A, the tangent scaled by 4 Y Z^3 is
//   d0 = 2 (3 X^3 - 2 Y^2),  d1 = -2 E Z^2 (times xP),  d4 = 4 Y Z^3 (times yP).
struct TwistJacobian {
  Fp2 x, y, z;
};

LineCoeffs doubling_step(TwistJacobian& r) noexcept {
  const Fp2 a = r.x.square();
  const Fp2 b = r.y.square();
  const Fp2 c = b.square();
  const Fp2 d = ((b + r.x).square() - a - c).dbl();  // 4 X Y^2
  const Fp2 e = a.dbl() + a;                          // 3 X^2
  const Fp2 x_plus_e = r.x + e;
  const Fp2 f = e.square();
  const Fp2 z2 = r.z.square();
  r.x = f - d.dbl();
  r.z = (r.z + r.y).square() - b - z2;  // 2 Y Z
  r.y = (d - r.x) * e - c.dbl().dbl().dbl();
  const Fp2 d1 = -(e * z2).dbl();
  const Fp2 d0 = (x_plus_e.square() - a - f) - b.dbl().dbl();  // 6 X^3 - 4 Y^2
  const Fp2 d4 = (r.z * z2).dbl();                             // 4 Y Z^3
  return {d0, d1, d4};
}

// Mixed addition T + Q (Q affine) and the chord through them (Algorithm 27
// of the same paper): with H = xQ Z^2 - X, rr = 2 (yQ Z^3 - Y) and the new
// Z3 = 2 Z H, the chord scaled by 2 Z3 is
//   d0 = 2 (rr xQ - yQ Z3),  d1 = -2 rr (times xP),  d4 = 2 Z3 (times yP).
LineCoeffs addition_step(TwistJacobian& r, const G2Affine& q) noexcept {
  const Fp2 z2 = r.z.square();
  const Fp2 yq2 = q.y.square();
  const Fp2 u2 = z2 * q.x;
  const Fp2 s2_2 = ((q.y + r.z).square() - yq2 - z2) * z2;  // 2 yQ Z^3
  const Fp2 h = u2 - r.x;
  const Fp2 hh = h.square();
  const Fp2 i = hh.dbl().dbl();
  const Fp2 j = i * h;
  const Fp2 rr = s2_2 - r.y - r.y;
  const Fp2 rr_xq = rr * q.x;
  const Fp2 v = i * r.x;
  const Fp2 x3 = rr.square() - j - v - v;
  const Fp2 z3 = (r.z + h).square() - z2 - hh;
  const Fp2 y3 = (v - x3) * rr - (r.y * j).dbl();
  const Fp2 two_yq_z3 = (q.y + z3).square() - yq2 - z3.square();
  r = {x3, y3, z3};
  return {rr_xq.dbl() - two_yq_z3, -rr.dbl(), z3.dbl()};
}

// Affine form of a public point by one variable-time inversion.
template <class P, class F>
Affine<F> to_affine_vartime(const P& p) noexcept {
  if (p.is_identity()) return {};
  F zi;
  if constexpr (std::is_same_v<F, Fp>) {
    zi = fp_inverse_vartime(p.z());
  } else {
    zi = p.z().inverse_vartime();
  }
  return {p.x() * zi, p.y() * zi, false};
}

Fp12 evaluate(const Fp12& f, const LineCoeffs& l, const G1Affine& p) noexcept {
  return f.mul_by_014(l.d0, l.d1 * p.x, l.d4 * p.y);
}

// a^x for a in the cyclotomic subgroup (x < 0, so the result is conjugated).
Fp12 cyclotomic_exp_by_x(const Fp12& a) noexcept {
  Fp12 acc = a;
  for (int i = 62; i >= 0; --i) {
    acc = acc.cyclotomic_square();
    if (((bls_x_abs >> i) & 1) != 0) acc = acc * a;
  }
  return acc.conjugate();
}

}  // namespace

Fp12 miller_loop(std::span<const G1> ps, std::span<const G2> qs) {
  if (ps.size() != qs.size()) {
    throw InvalidArgument("bls12_381::miller_loop: " + std::to_string(ps.size()) + " G1 points but " +
                          std::to_string(qs.size()) + " G2 points");
  }
  std::vector<G1Affine> pa;
  std::vector<G2Affine> qa;
  std::vector<TwistJacobian> ts;
  for (std::size_t i = 0; i < ps.size(); ++i) {
    if (ps[i].is_identity() || qs[i].is_identity()) continue;
    pa.push_back(to_affine_vartime<G1, Fp>(ps[i]));
    qa.push_back(to_affine_vartime<G2, Fp2>(qs[i]));
    ts.push_back({qa.back().x, qa.back().y, Fp2::one()});
  }
  Fp12 f = Fp12::one();
  if (pa.empty()) return f;
  // Bits of |x| below the leading one, from the top.
  for (int bit = 62; bit >= 0; --bit) {
    if (bit != 62) f = f.square();
    for (std::size_t i = 0; i < pa.size(); ++i) f = evaluate(f, doubling_step(ts[i]), pa[i]);
    if (((bls_x_abs >> bit) & 1) != 0) {
      for (std::size_t i = 0; i < pa.size(); ++i) f = evaluate(f, addition_step(ts[i], qa[i]), pa[i]);
    }
  }
  return f.conjugate();
}

Fp12 final_exponentiation(const Fp12& f) noexcept {
  // Easy part: f^((p^6 - 1)(p^2 + 1)) lands in the cyclotomic subgroup.
  Fp12 m = f.conjugate() * f.inverse();
  m = m.frobenius(2) * m;
  // Hard part: m^((x - 1)^2 (x + p)(x^2 + p^2 - 1) + 3).
  Fp12 a = cyclotomic_exp_by_x(m) * m.conjugate();
  a = cyclotomic_exp_by_x(a) * a.conjugate();
  const Fp12 b = cyclotomic_exp_by_x(a) * a.frobenius(1);
  const Fp12 c = cyclotomic_exp_by_x(cyclotomic_exp_by_x(b)) * b.frobenius(2) * b.conjugate();
  return c * m.cyclotomic_square() * m;
}

Fp12 pairing(const G1& p, const G2& q) {
  const G1 ps[1] = {p};
  const G2 qs[1] = {q};
  return final_exponentiation(miller_loop(ps, qs));
}

Fp12 multi_pairing(std::span<const G1> ps, std::span<const G2> qs) {
  return final_exponentiation(miller_loop(ps, qs));
}

bool multi_pairing_is_one(std::span<const G1> ps, std::span<const G2> qs) {
  return multi_pairing(ps, qs).is_one();
}

}  // namespace privfin::sig::bls12_381
