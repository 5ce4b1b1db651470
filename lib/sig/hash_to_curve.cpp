// RFC 9380: hash_to_field (§5.2), simplified SWU for P-256 (§6.6.2, suite
// parameters §8.2), Elligator 2 for curve25519 (§6.7.1) with the rational
// map to edwards25519 (Appendix D.1, suite parameters §8.5).
#include "privfin/sig/hash_to_curve.hpp"

#include "privfin/core/bigint.hpp"
#include "privfin/core/expand_message.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::sig::h2c {
namespace {

constexpr std::size_t field_element_length = 48;  // L = ceil((ceil(log2(p)) + k) / 8), k = 128

template <class Hash>
std::vector<mpz_class> hash_to_field(ByteView msg, ByteView dst, std::size_t count, const mpz_class& p) {
  const Bytes uniform = expand_message_xmd<Hash>(msg, dst, count * field_element_length);
  std::vector<mpz_class> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back(bigint::from_bytes_be(ByteView(uniform).subspan(i * field_element_length, field_element_length)) % p);
  }
  return out;
}

mpz_class mod(const mpz_class& a, const mpz_class& p) {
  mpz_class r = a % p;
  if (r < 0) r += p;
  return r;
}

// inv0: the inverse, or 0 for 0 (RFC 9380 §4).
mpz_class inv0(const mpz_class& a, const mpz_class& p) {
  mpz_class r = mod(a, p);
  if (r == 0) return r;
  mpz_invert(r.get_mpz_t(), r.get_mpz_t(), p.get_mpz_t());
  return r;
}

bool is_square_mod(const mpz_class& a, const mpz_class& p) {
  const mpz_class r = mod(a, p);
  return mpz_legendre(r.get_mpz_t(), p.get_mpz_t()) >= 0;
}

int sgn0(const mpz_class& a) { return mpz_odd_p(a.get_mpz_t()) != 0 ? 1 : 0; }

}  // namespace

std::vector<mpz_class> p256_hash_to_field(ByteView msg, ByteView dst, std::size_t count) {
  return hash_to_field<Sha256>(msg, dst, count, p256::field_prime());
}

std::vector<mpz_class> edwards25519_hash_to_field(ByteView msg, ByteView dst, std::size_t count) {
  return hash_to_field<Sha512>(msg, dst, count, ed25519_curve::field_prime());
}

p256::Point p256_map_to_curve_sswu(const mpz_class& u) {
  const mpz_class& p = p256::field_prime();
  const mpz_class& a = p256::coefficient_a();
  const mpz_class& b = p256::coefficient_b();
  static const mpz_class z = p256::field_prime() - 10;  // Z = -10 (§8.2)
  const mpz_class u2 = mod(u * u, p);
  const mpz_class zu2 = mod(z * u2, p);
  const mpz_class tv1 = inv0(zu2 * zu2 + zu2, p);
  mpz_class x1 = mod(-b * inv0(a, p) * (1 + tv1), p);
  if (tv1 == 0) x1 = mod(b * inv0(z * a, p), p);
  const mpz_class gx1 = mod(x1 * x1 * x1 + a * x1 + b, p);
  const mpz_class x2 = mod(zu2 * x1, p);
  const mpz_class gx2 = mod(x2 * x2 * x2 + a * x2 + b, p);
  const bool first = is_square_mod(gx1, p);
  const mpz_class x = first ? x1 : x2;
  // p = 3 (mod 4): sqrt(g) = g^((p+1)/4).
  mpz_class y = bigint::powm(first ? gx1 : gx2, (p + 1) / 4, p);
  if (sgn0(u) != sgn0(y)) y = mod(-y, p);
  return p256::Point::from_affine(x, y);
}

ed25519_curve::AffinePoint edwards25519_map_to_curve_ell2(const mpz_class& u) {
  // Elligator 2 onto curve25519 (J = 486662, K = 1, Z = 2), then the
  // rational map (s, t) -> (sqrt(-486664) s / t, (s - 1) / (s + 1)).
  const mpz_class& p = ed25519_curve::field_prime();
  static const mpz_class j = 486662;
  static const mpz_class c1 = [] {
    mpz_class c = *ed25519_curve::sqrt(ed25519_curve::field_prime() - 486664);
    if (mpz_odd_p(c.get_mpz_t()) != 0) c = ed25519_curve::field_prime() - c;  // sgn0(c1) = 0
    return c;
  }();
  mpz_class x1 = mod(-j * inv0(1 + 2 * u * u, p), p);
  if (x1 == 0) x1 = mod(-j, p);
  const mpz_class gx1 = mod(x1 * x1 * x1 + j * x1 * x1 + x1, p);
  const mpz_class x2 = mod(-x1 - j, p);
  const mpz_class gx2 = mod(x2 * x2 * x2 + j * x2 * x2 + x2, p);
  mpz_class s;
  mpz_class t;
  if (is_square_mod(gx1, p)) {
    s = x1;
    t = *ed25519_curve::sqrt(gx1);
    if (sgn0(t) != 1) t = mod(-t, p);
  } else {
    s = x2;
    t = *ed25519_curve::sqrt(gx2);
    if (sgn0(t) != 0) t = mod(-t, p);
  }
  // Exceptional cases of the rational map give the identity.
  if (t == 0 || mod(s + 1, p) == 0) return ed25519_curve::identity();
  ed25519_curve::AffinePoint out;
  out.x = mod(c1 * s * inv0(t, p), p);
  out.y = mod((s - 1) * inv0(s + 1, p), p);
  return out;
}

p256::Point p256_hash_to_curve(ByteView msg, ByteView dst) {
  const auto u = p256_hash_to_field(msg, dst, 2);
  return p256_map_to_curve_sswu(u[0]) + p256_map_to_curve_sswu(u[1]);  // cofactor 1
}

p256::Point p256_encode_to_curve(ByteView msg, ByteView dst) {
  return p256_map_to_curve_sswu(p256_hash_to_field(msg, dst, 1)[0]);
}

ed25519_curve::AffinePoint edwards25519_hash_to_curve(ByteView msg, ByteView dst) {
  const auto u = edwards25519_hash_to_field(msg, dst, 2);
  return ed25519_curve::mul_cofactor(
      ed25519_curve::add(edwards25519_map_to_curve_ell2(u[0]), edwards25519_map_to_curve_ell2(u[1])));
}

ed25519_curve::AffinePoint edwards25519_encode_to_curve(ByteView msg, ByteView dst) {
  return ed25519_curve::mul_cofactor(edwards25519_map_to_curve_ell2(edwards25519_hash_to_field(msg, dst, 1)[0]));
}

}  // namespace privfin::sig::h2c
