// edwards25519 in affine coordinates over GMP (RFC 8032 §5.1), public data only.
#include "privfin/sig/edwards25519.hpp"

#include "privfin/core/bigint.hpp"

namespace privfin::sig::ed25519_curve {
namespace {

mpz_class mod(const mpz_class& a) {
  mpz_class r = a % field_prime();
  if (r < 0) r += field_prime();
  return r;
}

mpz_class inv(const mpz_class& a) {
  mpz_class r;
  mpz_invert(r.get_mpz_t(), mod(a).get_mpz_t(), field_prime().get_mpz_t());
  return r;
}

}  // namespace

const mpz_class& field_prime() {
  static const mpz_class p = (mpz_class(1) << 255) - 19;
  return p;
}
const mpz_class& group_order() {
  static const mpz_class l = (mpz_class(1) << 252) + mpz_class("27742317777372353535851937790883648493");
  return l;
}
const mpz_class& curve_d() {
  static const mpz_class d = mod(mpz_class(-121665) * inv(121666));
  return d;
}
const mpz_class& sqrt_minus_one() {
  static const mpz_class s = bigint::powm(2, (field_prime() - 1) / 4, field_prime());
  return s;
}

AffinePoint identity() { return AffinePoint{}; }

AffinePoint base_point() {
  static const AffinePoint b = [] {
    AffinePoint p;
    p.y = mod(mpz_class(4) * inv(5));
    const mpz_class x2 = mod((p.y * p.y - 1) * inv(curve_d() * p.y * p.y + 1));
    p.x = *sqrt(x2);
    if (p.x % 2 != 0) p.x = field_prime() - p.x;  // the base point has even x
    return p;
  }();
  return b;
}

bool is_on_curve(const AffinePoint& p) {
  if (p.x < 0 || p.y < 0 || p.x >= field_prime() || p.y >= field_prime()) return false;
  const mpz_class x2 = p.x * p.x;
  const mpz_class y2 = p.y * p.y;
  return mod(y2 - x2 - 1 - curve_d() * mod(x2 * y2)) == 0;
}

bool is_square(const mpz_class& a) { return mpz_legendre(mod(a).get_mpz_t(), field_prime().get_mpz_t()) >= 0; }

std::optional<mpz_class> sqrt(const mpz_class& a) {
  // p = 5 (mod 8): candidate a^((p+3)/8), times sqrt(-1) if it squares to -a.
  const mpz_class r = mod(a);
  mpz_class x = bigint::powm(r, (field_prime() + 3) / 8, field_prime());
  if (mod(x * x - r) == 0) return x;
  x = mod(x * sqrt_minus_one());
  if (mod(x * x - r) == 0) return x;
  return std::nullopt;
}

Bytes encode(const AffinePoint& p) {
  Bytes out = bigint::to_bytes_le(p.y, point_size);
  if (p.x % 2 != 0) out[31] |= std::byte{0x80};
  return out;
}

std::optional<AffinePoint> decode(ByteView encoding) {
  if (encoding.size() != point_size) return std::nullopt;
  Bytes y_bytes(encoding.begin(), encoding.end());
  const bool sign = (std::to_integer<unsigned>(y_bytes[31]) & 0x80u) != 0;
  y_bytes[31] &= std::byte{0x7f};
  AffinePoint p;
  p.y = bigint::from_bytes_le(y_bytes);
  if (p.y >= field_prime()) return std::nullopt;
  const mpz_class y2 = p.y * p.y;
  const mpz_class x2 = mod((y2 - 1) * inv(curve_d() * y2 + 1));
  if (x2 == 0) {
    if (sign) return std::nullopt;
    p.x = 0;
    return p;
  }
  auto x = sqrt(x2);
  if (!x) return std::nullopt;
  p.x = (((*x % 2) != 0) == sign) ? *x : field_prime() - *x;
  return p;
}

AffinePoint add(const AffinePoint& a, const AffinePoint& b) {
  // The complete addition law for a = -1 (RFC 8032 §5.1.4 in affine form).
  const mpz_class t = mod(curve_d() * mod(a.x * b.x) * mod(a.y * b.y));
  AffinePoint r;
  r.x = mod((a.x * b.y + a.y * b.x) * inv(1 + t));
  r.y = mod((a.y * b.y + a.x * b.x) * inv(1 - t));
  return r;
}

AffinePoint negate(const AffinePoint& a) { return AffinePoint{mod(-a.x), a.y}; }

AffinePoint mul_cofactor(const AffinePoint& a) {
  AffinePoint r = add(a, a);
  r = add(r, r);
  return add(r, r);
}

AffinePoint mul_public(const mpz_class& k, const AffinePoint& a) {
  AffinePoint r = identity();
  const std::size_t bits = bigint::bit_length(k);
  for (std::size_t i = bits; i-- > 0;) {
    r = add(r, r);
    if (mpz_tstbit(k.get_mpz_t(), i) != 0) r = add(r, a);
  }
  return r;
}

bool has_small_order(const AffinePoint& a) { return mul_cofactor(a) == identity(); }

}  // namespace privfin::sig::ed25519_curve
