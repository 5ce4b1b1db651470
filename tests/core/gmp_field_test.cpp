// Tests for privfin/core/gmp_field.hpp: arithmetic against plain GMP, square
// roots for p = 3 and p = 1 (mod 4) (Tonelli-Shanks), encodings and misuse.
#include <catch2/catch.hpp>

#include <privfin/core/bigint.hpp>
#include <privfin/core/gmp_field.hpp>

using namespace privfin;

TEST_CASE("GmpField arithmetic matches GMP", "[core][gmp_field]") {
  // 2^255 - 19 (p = 1 mod 4) and the P-256 prime (p = 3 mod 4).
  const mpz_class p25519 = (mpz_class(1) << 255) - 19;
  const mpz_class p256("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
  Prg prg(Prg::Seed{std::byte{8}});
  for (const mpz_class& p : {p25519, p256}) {
    const GmpField f(p);
    CHECK(f.byte_size() == 32);
    for (int i = 0; i < 200; ++i) {
      const mpz_class a = f.random(prg), b = f.random(prg);
      CHECK(f.add(a, b) == mpz_class((a + b) % p));
      CHECK(f.mul(a, b) == mpz_class((a * b) % p));
      CHECK(f.add(f.sub(a, b), b) == a);
      CHECK(f.add(a, f.neg(a)) == 0);
      if (a != 0) CHECK(f.mul(a, f.inverse(a)) == 1);
      CHECK(f.pow(a, -1) == (a != 0 ? f.inverse(a) : mpz_class(0)));
      const mpz_class sq = f.mul(a, a);
      const auto r = f.sqrt(sq);
      REQUIRE(r.has_value());
      CHECK(f.mul(*r, *r) == sq);
      CHECK(f.sqrt(a).has_value() == f.is_square(a));
      CHECK(f.decode(f.encode(a)) == a);
    }
  }
}

TEST_CASE("GmpField rejects bad moduli, operands and encodings", "[core][gmp_field]") {
  CHECK_THROWS_AS(GmpField(mpz_class(15)), InvalidArgument);
  CHECK_THROWS_AS(GmpField(mpz_class(2)), InvalidArgument);
  const GmpField f(mpz_class(1009));
  CHECK_THROWS_AS(f.add(mpz_class(1009), mpz_class(1)), InvalidArgument);
  CHECK_THROWS_AS(f.mul(mpz_class(-1), mpz_class(1)), InvalidArgument);
  CHECK_THROWS_AS(f.inverse(mpz_class(0)), InvalidArgument);
  CHECK_THROWS_AS(f.decode(from_hex("03f1")), DecodeError);  // 1009 is not below the modulus
  CHECK_THROWS_AS(f.decode(from_hex("01")), DecodeError);    // wrong length
  CHECK(f.reduce(mpz_class(-1)) == 1008);
}
