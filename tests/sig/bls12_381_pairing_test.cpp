// Tests for privfin/sig/bls12_381/pairing.hpp: bilinearity and
// non-degeneracy on random points, GT membership, multi-pairing products.
#include <catch2/catch.hpp>

#include <privfin/core/error.hpp>
#include <privfin/core/prg.hpp>
#include <privfin/sig/bls12_381/pairing.hpp>

#include <vector>

#include "sig/bls12_381_test_util.hpp"

using namespace privfin;
using namespace privfin::sig::bls12_381;

TEST_CASE("Pairing is bilinear and non-degenerate", "[sig][bls12_381][pairing]") {
  Prg prg(Prg::Seed{std::byte{11}});
  const Fr a = testutil::random_field<Fr>(prg), b = testutil::random_field<Fr>(prg);
  const G1 p = G1::generator().mul(testutil::random_field<Fr>(prg));
  const G2 q = G2::generator().mul(testutil::random_field<Fr>(prg));
  const Fp12 e = pairing(p, q);
  CHECK_FALSE(e.is_one());
  CHECK(e.pow(Fr::modulus).is_one());  // e lies in GT, of order r
  const Fp12 eab = pairing(p.mul(a), q.mul(b));
  CHECK(eab == e.pow((a * b).to_raw()));
  CHECK(pairing(p.mul(a), q) == pairing(p, q.mul(a)));
  CHECK(pairing(p + p, q) == e * e);
  CHECK(pairing(p, q + q) == e * e);
  CHECK(pairing(G1::identity(), q).is_one());
  CHECK(pairing(p, G2::identity()).is_one());
  CHECK_FALSE(pairing(G1::generator(), G2::generator()).is_one());
}

TEST_CASE("Multi-pairing shares one final exponentiation", "[sig][bls12_381][pairing]") {
  Prg prg(Prg::Seed{std::byte{12}});
  const Fr a = testutil::random_field<Fr>(prg), b = testutil::random_field<Fr>(prg);
  const G1 p = G1::generator().mul(a);
  const G2 q = G2::generator().mul(b);
  const G1 ps[] = {p, -G1::generator()};
  const G2 qs[] = {G2::generator(), q};
  // e(aG1, G2) e(-G1, aG2) = 1 when q = aG2; fails otherwise.
  const G2 qa[] = {G2::generator(), G2::generator().mul(a)};
  CHECK(multi_pairing_is_one(ps, qa));
  CHECK_FALSE(multi_pairing_is_one(ps, qs));
  const G1 three[] = {p, G1::generator(), G1::identity()};
  const G2 three_q[] = {q, q, q};
  CHECK(multi_pairing(three, three_q) == pairing(p, q) * pairing(G1::generator(), q));
  CHECK(multi_pairing(std::span<const G1>(), std::span<const G2>()).is_one());
  const G2 one_q[] = {q};
  CHECK_THROWS_AS(multi_pairing(three, one_q), InvalidArgument);
}
