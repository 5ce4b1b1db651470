// The optimal ate pairing on BLS12-381: Miller loop over |x| with the
// twist point in homogeneous projective coordinates, lines evaluated as
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

#include <vector>

#include "privfin/core/error.hpp"

namespace privfin::sig::bls12_381 {

namespace {

struct LineCoeffs {
  Fp2 d0, d1, d4;
};

// Tangent at T = (X : Y : Z), scaled by 2 Y Z^2:
//   d0 = 3 X^3 - 2 Y^2 Z,  d1 = -3 X^2 Z xP,  d4 = 2 Y Z^2 yP.
// The Fp parts xP, yP are applied in evaluate().
LineCoeffs tangent(const G2& t) noexcept {
  const Fp2 x2 = t.x().square();
  const Fp2 x2_3 = x2.dbl() + x2;
  const Fp2 yz = t.y() * t.z();
  return {x2_3 * t.x() - (t.y() * yz).dbl(), -(x2_3 * t.z()), (yz * t.z()).dbl()};
}

// Chord through T = (X : Y : Z) and affine Q = (xQ, yQ), scaled by
// lambda = X - xQ Z: with theta = Y - yQ Z,
//   d0 = theta xQ - lambda yQ,  d1 = -theta xP,  d4 = lambda yP.
LineCoeffs chord(const G2& t, const G2Affine& q) noexcept {
  const Fp2 theta = t.y() - q.y * t.z();
  const Fp2 lambda = t.x() - q.x * t.z();
  return {theta * q.x - lambda * q.y, -theta, lambda};
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
  std::vector<G2> ts;
  for (std::size_t i = 0; i < ps.size(); ++i) {
    if (ps[i].is_identity() || qs[i].is_identity()) continue;
    pa.push_back(ps[i].to_affine());
    qa.push_back(qs[i].to_affine());
    ts.push_back(G2::from_affine(qa.back()));
  }
  Fp12 f = Fp12::one();
  if (pa.empty()) return f;
  // Bits of |x| below the leading one, from the top.
  for (int bit = 62; bit >= 0; --bit) {
    f = f.square();
    for (std::size_t i = 0; i < pa.size(); ++i) {
      f = evaluate(f, tangent(ts[i]), pa[i]);
      ts[i] = ts[i].dbl();
    }
    if (((bls_x_abs >> bit) & 1) != 0) {
      for (std::size_t i = 0; i < pa.size(); ++i) {
        f = evaluate(f, chord(ts[i], qa[i]), pa[i]);
        ts[i] = ts[i] + G2::from_affine(qa[i]);
      }
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
