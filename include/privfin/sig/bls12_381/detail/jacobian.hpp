// privfin/sig/bls12_381/detail/jacobian.hpp — variable-time Jacobian
// coordinates (x = X / Z^2, y = Y / Z^3) on y^2 = x^3 + b, for public
// points and scalars only: the formulas branch on the special cases
// (identity, P = Q, P = -Q) instead of being complete. Doubling costs
// 3M + 4S (dbl-2009-l, with 4XB for D), addition 11M + 5S (add-2007-bl), mixed addition
// with an affine point 7M + 4S (madd-2007-bl), against 6M + 2S and 12M
// for the complete projective formulas curve.hpp uses where time must not
// depend on secrets. Internal to the library (curve.hpp, multisig.cpp).
#pragma once

namespace privfin::sig::bls12_381::detail {

template <class F>
struct Jacobian {
  F x{}, y = F::one(), z{};

  // From homogeneous projective (X : Y : Z): (X Z, Y Z^2, Z).
  [[nodiscard]] static Jacobian from_projective(const F& px, const F& py, const F& pz) noexcept {
    if (pz.is_zero()) return {};
    const F z2 = pz.square();
    return {px * pz, py * z2, pz};
  }
  // The same point in homogeneous projective coordinates (X Z : Y : Z^3).
  template <class P>
  [[nodiscard]] P to_projective() const noexcept {
    if (z.is_zero()) return P::identity();
    return P(x * z, y, z.square() * z);
  }
  [[nodiscard]] bool is_identity() const noexcept { return z.is_zero(); }

  void dbl() noexcept {  // dbl-2009-l, a = 0
    if (z.is_zero()) return;
    const F a = x.square(), b = y.square(), c = b.square();
    // D = 2((X + B)^2 - A - C) = 4 X B: a squaring costs a multiplication
    // here, so the product saves the three additions.
    const F d = (x * b).dbl().dbl();
    const F e = a.dbl() + a;
    const F f = e.square();
    const F x3 = f - d.dbl();
    z = (y * z).dbl();
    y = e * (d - x3) - c.dbl().dbl().dbl();
    x = x3;
  }

  void add(const Jacobian& o) noexcept {  // add-2007-bl
    if (o.z.is_zero()) return;
    if (z.is_zero()) {
      *this = o;
      return;
    }
    const F z1z1 = z.square(), z2z2 = o.z.square();
    const F u1 = x * z2z2, u2 = o.x * z1z1;
    const F s1 = y * o.z * z2z2, s2 = o.y * z * z1z1;
    const F h = u2 - u1;
    const F r = (s2 - s1).dbl();
    if (h.is_zero()) {
      if (r.is_zero()) {
        dbl();
      } else {
        *this = Jacobian();
      }
      return;
    }
    const F i = h.dbl().square();
    const F j = h * i;
    const F v = u1 * i;
    const F x3 = r.square() - j - v.dbl();
    y = r * (v - x3) - (s1 * j).dbl();
    z = ((z + o.z).square() - z1z1 - z2z2) * h;
    x = x3;
  }

  void add_affine(const F& x2, const F& y2) noexcept {  // madd-2007-bl
    if (z.is_zero()) {
      x = x2;
      y = y2;
      z = F::one();
      return;
    }
    const F z1z1 = z.square();
    const F u2 = x2 * z1z1;
    const F s2 = y2 * z * z1z1;
    const F h = u2 - x;
    const F r = (s2 - y).dbl();
    if (h.is_zero()) {
      if (r.is_zero()) {
        dbl();
      } else {
        *this = Jacobian();
      }
      return;
    }
    const F hh = h.square();
    const F i = hh.dbl().dbl();
    const F j = h * i;
    const F v = x * i;
    const F x3 = r.square() - j - v.dbl();
    const F y3 = r * (v - x3) - (y * j).dbl();
    z = (z + h).square() - z1z1 - hh;
    x = x3;
    y = y3;
  }
};

}  // namespace privfin::sig::bls12_381::detail
