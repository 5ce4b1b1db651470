// P-256 helpers: encodings, decompression, validation, scalar multiplication.
#include <catch2/catch.hpp>

#include "privfin/core/bigint.hpp"
#include "privfin/core/error.hpp"
#include "privfin/sig/ec_p256.hpp"

using namespace privfin;
using namespace privfin::sig;

TEST_CASE("p256: generator, order and encodings", "[sig][p256]") {
  const auto g = p256::Point::generator();
  const auto [gx, gy] = g.affine();
  // SEC 2 / FIPS 186-4 D.1.2.3 base point.
  CHECK(gx == mpz_class("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296", 16));
  CHECK(gy == mpz_class("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5", 16));
  CHECK(g.mul_public(p256::order()).is_identity());
  CHECK(p256::Point().is_identity());
  CHECK(p256::Point().encode_compressed() == Bytes{std::byte{0x00}});
  CHECK_THROWS_AS(p256::Point().affine(), InvalidArgument);

  for (int i = 1; i < 20; ++i) {
    const auto p = g.mul_public(i * 7919);
    const Bytes c = p.encode_compressed();
    const Bytes u = p.encode_uncompressed();
    REQUIRE(c.size() == p256::compressed_size);
    REQUIRE(u.size() == p256::uncompressed_size);
    const auto [x, y] = p.affine();
    CHECK(c[0] == (mpz_odd_p(y.get_mpz_t()) ? std::byte{0x03} : std::byte{0x02}));
    CHECK(p256::Point::decode(c) == p);  // decompression, both parities over the loop
    CHECK(p256::Point::decode(u) == p);
    CHECK(p256::Point::from_affine(x, y) == p);
  }
}

TEST_CASE("p256: group law and scalar multiplication agree", "[sig][p256]") {
  const auto g = p256::Point::generator();
  const mpz_class a("1234567890abcdef1234567890abcdef", 16);
  const mpz_class b("fedcba0987654321fedcba0987654321fedcba09", 16);
  const Bytes a_be = bigint::to_bytes_be(a, 32);
  const auto p = g.mul_public(b);
  CHECK(p256::Point::mul_base_secret(a_be) == g.mul_public(a));
  CHECK(p.mul_secret(a_be) == p.mul_public(a));
  CHECK(p.mul_secret(a_be) == g.mul_public(a * b));
  CHECK(p256::Point::mul_base_add_public(a, b, p) == g.mul_public(a + b * b));
  CHECK(p256::Point::mul2_public(a, p, b, g) == g.mul_public(a * b + b));
  CHECK(g.mul_public(a) + g.mul_public(b) == g.mul_public(a + b));
  CHECK(g.mul_public(a) - g.mul_public(b) == g.mul_public(a - b));
  CHECK((p + (-p)).is_identity());
  CHECK(g.mul_public(-1) == -g);
  CHECK(p256::Point::mul_base_secret(bigint::to_bytes_be(p256::order() - 1, 32)) == -g);
  p256::Point copy = p;
  copy = g;
  CHECK(copy == g);
  p256::Point moved = std::move(copy);
  CHECK(moved == g);
  CHECK_THROWS_AS(p256::Point::mul_base_secret(Bytes(31)), InvalidArgument);
}

TEST_CASE("p256: invalid encodings are rejected", "[sig][p256]") {
  const auto g = p256::Point::generator();
  const Bytes c = g.encode_compressed();
  const Bytes u = g.encode_uncompressed();
  CHECK_THROWS_AS(p256::Point::decode(ByteView(c).first(32)), DecodeError);
  CHECK_THROWS_AS(p256::Point::decode(Bytes{std::byte{0x00}}), DecodeError);  // infinity
  CHECK_THROWS_AS(p256::Point::decode(Bytes{}), DecodeError);
  Bytes bad_prefix = c;
  bad_prefix[0] = std::byte{0x04};
  CHECK_FALSE(p256::Point::try_decode(bad_prefix).has_value());
  Bytes hybrid = u;
  hybrid[0] = std::byte{0x06};  // SEC1 hybrid form is not accepted
  CHECK_FALSE(p256::Point::try_decode(hybrid).has_value());
  // x >= p (x = p + small with a valid residue would alias a real point).
  const Bytes x_is_p = concat(Bytes{std::byte{0x02}}, bigint::to_bytes_be(p256::field_prime(), 32));
  CHECK_FALSE(p256::Point::try_decode(x_is_p).has_value());
  const Bytes x_big = concat(Bytes{std::byte{0x02}}, bigint::to_bytes_be(p256::field_prime() + 3, 32));
  CHECK_FALSE(p256::Point::try_decode(x_big).has_value());
  // Off the curve: flip a bit of y in the uncompressed form.
  Bytes off = u;
  off[64] ^= std::byte{0x01};
  CHECK_FALSE(p256::Point::try_decode(off).has_value());
  const auto [x, y] = g.affine();
  CHECK_THROWS_AS(p256::Point::from_affine(x, y + 1), InvalidArgument);
  CHECK_THROWS_AS(p256::Point::from_affine(x, y + p256::field_prime()), InvalidArgument);
  // An x with no y: search upward from 1.
  for (unsigned i = 1;; ++i) {
    const Bytes enc = concat(Bytes{std::byte{0x02}}, bigint::to_bytes_be(i, 32));
    if (p256::Point::try_decode(enc)) continue;
    CHECK_THROWS_AS(p256::Point::decode(enc), DecodeError);
    break;
  }
}
