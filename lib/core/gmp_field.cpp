// Runtime-modulus prime field; see privfin/core/gmp_field.hpp.
#include "privfin/core/gmp_field.hpp"

#include <string>

#include "privfin/core/bigint.hpp"
#include "privfin/core/error.hpp"

namespace privfin {

GmpField::GmpField(mpz_class modulus) : p_(std::move(modulus)), byte_size_(bigint::byte_length(p_)) {
  if (p_ < 3 || mpz_even_p(p_.get_mpz_t()) != 0 || !bigint::is_probable_prime(p_)) {
    throw InvalidArgument("GmpField: the modulus is not an odd prime");
  }
}

void GmpField::check(const mpz_class& x, const char* where) const {
  if (!contains(x)) throw InvalidArgument(std::string("GmpField::") + where + ": operand is not in [0, p)");
}

mpz_class GmpField::reduce(const mpz_class& x) const {
  mpz_class r;
  mpz_mod(r.get_mpz_t(), x.get_mpz_t(), p_.get_mpz_t());
  return r;
}

mpz_class GmpField::add(const mpz_class& a, const mpz_class& b) const {
  check(a, "add");
  check(b, "add");
  mpz_class r = a + b;
  if (r >= p_) r -= p_;
  return r;
}

mpz_class GmpField::sub(const mpz_class& a, const mpz_class& b) const {
  check(a, "sub");
  check(b, "sub");
  mpz_class r = a - b;
  if (sgn(r) < 0) r += p_;
  return r;
}

mpz_class GmpField::neg(const mpz_class& a) const {
  check(a, "neg");
  return sgn(a) == 0 ? mpz_class(0) : mpz_class(p_ - a);
}

mpz_class GmpField::mul(const mpz_class& a, const mpz_class& b) const {
  check(a, "mul");
  check(b, "mul");
  return reduce(a * b);
}

mpz_class GmpField::inverse(const mpz_class& a) const {
  check(a, "inverse");
  if (sgn(a) == 0) throw InvalidArgument("GmpField::inverse: zero has no inverse");
  return bigint::invert(a, p_);
}

mpz_class GmpField::pow(const mpz_class& a, const mpz_class& exponent) const {
  check(a, "pow");
  if (sgn(exponent) < 0) return pow(inverse(a), -exponent);
  return bigint::powm(a, exponent, p_);
}

bool GmpField::is_square(const mpz_class& a) const {
  check(a, "is_square");
  return mpz_legendre(a.get_mpz_t(), p_.get_mpz_t()) >= 0;
}

std::optional<mpz_class> GmpField::sqrt(const mpz_class& a) const {
  check(a, "sqrt");
  if (sgn(a) == 0) return mpz_class(0);
  if (!is_square(a)) return std::nullopt;
  if (mpz_fdiv_ui(p_.get_mpz_t(), 4) == 3) return pow(a, (p_ + 1) / 4);
  // Tonelli-Shanks: p - 1 = q * 2^s with q odd.
  mpz_class q = p_ - 1;
  unsigned long s = 0;
  while (mpz_even_p(q.get_mpz_t()) != 0) {
    q >>= 1;
    ++s;
  }
  mpz_class z = 2;
  while (mpz_legendre(z.get_mpz_t(), p_.get_mpz_t()) != -1) ++z;
  mpz_class c = pow(z, q), t = pow(a, q), r = pow(a, (q + 1) / 2);
  unsigned long m = s;
  while (t != 1) {
    unsigned long i = 0;
    mpz_class t2 = t;
    while (t2 != 1) {
      t2 = mul(t2, t2);
      ++i;
    }
    mpz_class b = c;
    for (unsigned long j = 0; j + i + 1 < m; ++j) b = mul(b, b);
    m = i;
    c = mul(b, b);
    t = mul(t, c);
    r = mul(r, b);
  }
  return r;
}

mpz_class GmpField::random(Prg& prg) const { return bigint::random_below(p_, prg); }

Bytes GmpField::encode(const mpz_class& a) const {
  check(a, "encode");
  return bigint::to_bytes_be(a, byte_size_);
}

mpz_class GmpField::decode(ByteView bytes) const {
  if (bytes.size() != byte_size_) {
    throw DecodeError("GmpField::decode: expected " + std::to_string(byte_size_) + " bytes, got " +
                      std::to_string(bytes.size()));
  }
  mpz_class x = bigint::from_bytes_be(bytes);
  if (x >= p_) throw DecodeError("GmpField::decode: value is not below the modulus");
  return x;
}

}  // namespace privfin
