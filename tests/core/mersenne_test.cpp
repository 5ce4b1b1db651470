// Tests for privfin/core/mersenne.hpp: field axioms on random elements,
// arithmetic, inverse, pow and sqrt against GMP, and the encodings.
#include <catch2/catch.hpp>

#include <gmpxx.h>

#include <privfin/core/mersenne.hpp>

using namespace privfin;

namespace {
mpz_class to_mpz(Fp61 x) { return mpz_class(static_cast<unsigned long>(x.value())); }
mpz_class to_mpz(Fp127 x) {
  mpz_class hi(static_cast<unsigned long>(x.high_word()));
  return (hi << 64) + mpz_class(static_cast<unsigned long>(x.low_word()));
}
template <class F>
mpz_class modulus_of();
template <>
mpz_class modulus_of<Fp61>() { return (mpz_class(1) << 61) - 1; }
template <>
mpz_class modulus_of<Fp127>() { return (mpz_class(1) << 127) - 1; }

template <class F>
F edge(int i) {
  switch (i) {
    case 0: return F::zero();
    case 1: return F::one();
    case 2: return -F::one();
    default: return -F::one() - F::one();
  }
}
}  // namespace

TEMPLATE_TEST_CASE("Mersenne fields agree with GMP and obey the field axioms", "[core][mersenne]", Fp61, Fp127) {
  using F = TestType;
  const mpz_class p = modulus_of<F>();
  Prg prg(Prg::Seed{std::byte{F::bits}});
  for (int i = 0; i < 3000; ++i) {
    const F a = i < 4 ? edge<F>(i) : F::random(prg);
    const F b = i < 4 ? edge<F>(3 - i) : F::random(prg);
    const F c = F::random(prg);
    const mpz_class ma = to_mpz(a), mb = to_mpz(b);
    REQUIRE(ma < p);
    CHECK(to_mpz(a + b) == mpz_class((ma + mb) % p));
    CHECK(to_mpz(a * b) == mpz_class((ma * mb) % p));
    CHECK(to_mpz(a - b) == mpz_class(((ma - mb) % p + p) % p));
    CHECK(a * (b + c) == a * b + a * c);
    CHECK((a * b) * c == a * (b * c));
    CHECK(a + (-a) == F::zero());
    if (a != F::zero()) {
      const F inv = a.inverse();
      CHECK(a * inv == F::one());
      mpz_class expected;
      mpz_invert(expected.get_mpz_t(), ma.get_mpz_t(), p.get_mpz_t());
      CHECK(to_mpz(inv) == expected);
    }
  }
}

TEMPLATE_TEST_CASE("Mersenne pow and sqrt", "[core][mersenne]", Fp61, Fp127) {
  using F = TestType;
  const mpz_class p = modulus_of<F>();
  Prg prg(Prg::Seed{std::byte{2}});
  int squares = 0;
  for (int i = 0; i < 200; ++i) {
    const F a = F::random(prg);
    const std::uint64_t e = prg.next_u64();
    mpz_class expected;
    const mpz_class me(static_cast<unsigned long>(e));
    mpz_powm(expected.get_mpz_t(), to_mpz(a).get_mpz_t(), me.get_mpz_t(), p.get_mpz_t());
    CHECK(to_mpz(a.pow(e)) == expected);
    const auto r = (a * a).sqrt();
    REQUIRE(r.has_value());
    CHECK((*r) * (*r) == a * a);
    const bool is_qr = mpz_legendre(to_mpz(a).get_mpz_t(), p.get_mpz_t()) >= 0;
    CHECK(a.sqrt().has_value() == is_qr);
    squares += is_qr ? 1 : 0;
  }
  CHECK(squares > 50);
  CHECK(squares < 150);
  CHECK_THROWS_AS(F::zero().inverse(), InvalidArgument);
}

TEST_CASE("Fp61 reduces any 64-bit value and signed values", "[core][mersenne]") {
  CHECK(Fp61(Fp61::modulus).value() == 0);
  CHECK(Fp61(~std::uint64_t{0}).value() == (~std::uint64_t{0}) % Fp61::modulus);
  CHECK(Fp61::from_signed(-1) == -Fp61::one());
  CHECK(Fp61::from_signed(INT64_MIN) == -Fp61(std::uint64_t{1} << 63));
  CHECK(Fp127::from_words(~std::uint64_t{0}, ~std::uint64_t{0}) == Fp127::one());  // 2^128 - 1 = 2p + 1
}

TEMPLATE_TEST_CASE("Mersenne encodings are canonical", "[core][mersenne]", Fp61, Fp127) {
  using F = TestType;
  Prg prg(Prg::Seed{});
  std::array<std::byte, F::byte_size> buf{};
  for (int i = 0; i < 100; ++i) {
    const F a = F::random(prg);
    a.write_le(buf);
    CHECK(F::read_le(buf) == a);
  }
  // The modulus itself and anything above it are rejected.
  (-F::one()).write_le(buf);
  buf[0] = static_cast<std::byte>(static_cast<unsigned>(buf[0]) + 1);  // p - 1 + 1 = p
  CHECK_FALSE(F::read_le(buf).has_value());
  buf.fill(std::byte{0xFF});
  CHECK_FALSE(F::read_le(buf).has_value());
}

TEMPLATE_TEST_CASE("Mersenne random elements are uniform (chi-square on the top 4 bits)", "[core][mersenne]", Fp61, Fp127) {
  using F = TestType;
  Prg prg(Prg::Seed{std::byte{44}});
  std::array<double, 16> counts{};
  constexpr int samples = 160000;
  for (int i = 0; i < samples; ++i) {
    const F x = F::random(prg);
    const std::uint64_t top = F::bits == 61 ? mpz_class(to_mpz(x) >> 57).get_ui() : mpz_class(to_mpz(x) >> 123).get_ui();
    counts[top] += 1;
  }
  double chi2 = 0;
  for (double c : counts) chi2 += (c - samples / 16.0) * (c - samples / 16.0) / (samples / 16.0);
  CHECK(chi2 < 44.0);  // 15 degrees of freedom, p = 0.9999
}
