// Tests for privfin/core/bigint.hpp: byte conversions, sampling, primes and
// safe primes cross-checked with NTL, CRT, and the exponentiations.
#include <catch2/catch.hpp>

#include <NTL/ZZ.h>

#include <privfin/core/bigint.hpp>
#include <privfin/core/error.hpp>

using namespace privfin;

namespace {
NTL::ZZ to_ntl(const mpz_class& x) { return NTL::conv<NTL::ZZ>(x.get_str().c_str()); }
}  // namespace

TEST_CASE("bigint byte conversions", "[core][bigint]") {
  const mpz_class x("0102030405", 16);
  CHECK(to_hex(bigint::to_bytes_be(x, 7)) == "00000102030405");
  CHECK(to_hex(bigint::to_bytes_le(x, 6)) == "050403020100");
  CHECK(bigint::from_bytes_be(from_hex("00000102030405")) == x);
  CHECK(bigint::from_bytes_le(from_hex("0504030201")) == x);
  CHECK(bigint::from_bytes_be({}) == 0);
  CHECK(bigint::byte_length(x) == 5);
  CHECK(bigint::byte_length(0) == 0);
  CHECK(bigint::to_bytes_be(0, 3) == Bytes(3));
  CHECK_THROWS_AS(bigint::to_bytes_be(x, 4), InvalidArgument);
  CHECK_THROWS_AS(bigint::to_bytes_le(mpz_class(-5), 4), InvalidArgument);
}

TEST_CASE("bigint sampling is in range and unbiased", "[core][bigint]") {
  Prg prg(Prg::Seed{std::byte{1}});
  const mpz_class bound = 3;  // rejection sampling from 2 bits
  std::array<int, 3> counts{};
  for (int i = 0; i < 30000; ++i) {
    const mpz_class x = bigint::random_below(bound, prg);
    REQUIRE(x >= 0);
    REQUIRE(x < bound);
    counts[x.get_ui()]++;
  }
  for (int c : counts) CHECK(std::abs(c - 10000) < 500);
  for (int i = 0; i < 100; ++i) CHECK(bigint::bit_length(bigint::random_bits(100, prg)) <= 100);
  const mpz_class n = 3 * 5 * 7 * 11;
  for (int i = 0; i < 200; ++i) {
    const mpz_class u = bigint::random_unit(n, prg);
    mpz_class g;
    mpz_gcd(g.get_mpz_t(), u.get_mpz_t(), n.get_mpz_t());
    CHECK(g == 1);
  }
  CHECK_THROWS_AS(bigint::random_below(0, prg), InvalidArgument);
}

TEST_CASE("random primes have the requested size and NTL agrees they are prime", "[core][bigint]") {
  Prg prg(Prg::Seed{std::byte{2}});
  for (std::size_t bits : {16U, 64U, 512U, 1024U}) {
    const mpz_class p = bigint::random_prime(bits, prg);
    CHECK(bigint::bit_length(p) == bits);
    CHECK(mpz_tstbit(p.get_mpz_t(), bits - 2) == 1);
    CHECK(NTL::ProbPrime(to_ntl(p), 30) == 1);
  }
  // The product of two such primes has exactly twice the bits.
  const mpz_class p = bigint::random_prime(256, prg), q = bigint::random_prime(256, prg);
  CHECK(bigint::bit_length(p * q) == 512);
  CHECK_THROWS_AS(bigint::random_prime(8, prg), InvalidArgument);
}

TEST_CASE("random safe primes are safe", "[core][bigint]") {
  Prg prg(Prg::Seed{std::byte{3}});
  for (std::size_t bits : {16U, 128U, 512U}) {
    const mpz_class p = bigint::random_safe_prime(bits, prg);
    const mpz_class q = (p - 1) / 2;
    CHECK(bigint::bit_length(p) == bits);
    CHECK(NTL::ProbPrime(to_ntl(p), 30) == 1);
    CHECK(NTL::ProbPrime(to_ntl(q), 30) == 1);
  }
  CHECK_FALSE(bigint::is_probable_prime(mpz_class(561)));  // Carmichael number
  CHECK(bigint::is_probable_prime(mpz_class(65537)));
}

TEST_CASE("crt, invert, powm and powm_sec", "[core][bigint]") {
  const std::vector<mpz_class> moduli = {3, 5, 7};
  const std::vector<mpz_class> residues = {2, 3, 2};
  CHECK(bigint::crt(residues, moduli) == 23);  // Sunzi's problem
  const std::vector<mpz_class> shared = {4, 6};
  const std::vector<mpz_class> two = {1, 1};
  CHECK_THROWS_AS(bigint::crt(two, shared), InvalidArgument);
  CHECK_THROWS_AS(bigint::crt(residues, shared), InvalidArgument);
  CHECK(bigint::invert(3, 7) == 5);
  CHECK_THROWS_AS(bigint::invert(6, 9), InvalidArgument);

  Prg prg(Prg::Seed{std::byte{4}});
  const mpz_class m = bigint::random_prime(256, prg) * bigint::random_prime(256, prg);
  for (int i = 0; i < 20; ++i) {
    const mpz_class b = bigint::random_below(m, prg), e = bigint::random_bits(300, prg) + 1;
    const mpz_class expected = bigint::powm(b, e, m);
    CHECK(bigint::powm_sec(b, e, m) == expected);
    CHECK(to_ntl(expected) == NTL::PowerMod(to_ntl(b), to_ntl(e), to_ntl(m)));
  }
  CHECK(bigint::powm_sec(mpz_class(-2), 3, 7) == 6);  // (-2)^3 = -8 = 6 (mod 7)
  CHECK_THROWS_AS(bigint::powm_sec(2, 3, 8), InvalidArgument);
  CHECK_THROWS_AS(bigint::powm_sec(2, 0, 7), InvalidArgument);
  CHECK_THROWS_AS(bigint::powm(2, -1, 7), InvalidArgument);

  mpz_class secret("123456789abcdef123456789abcdef", 16);
  bigint::wipe(secret);
  CHECK(secret == 0);
}
