// Fast paths of privfin/sig/bls12_381 against the simple definitions they
// replace, on random inputs: Pippenger multi-scalar multiplication against
// a sum of scalar multiplications, and (below) the endomorphism-based
// scalar multiplication and subgroup checks against double-and-add and
// multiplication by r.
#include <catch2/catch.hpp>

#include <privfin/core/error.hpp>
#include <privfin/core/prg.hpp>
#include <privfin/sig/bls12_381/curve.hpp>

#include "sig/bls12_381_test_util.hpp"

using namespace privfin;
using namespace privfin::sig::bls12_381;

namespace {

template <class P>
P random_point(Prg& prg) {
  const Fr k = testutil::random_field<Fr>(prg);
  return P::generator().mul_vartime(k.to_raw());
}

template <class P>
P msm(std::span<const P> points, std::span<const Fr> scalars) {
  if constexpr (std::is_same_v<P, G1>) {
    return g1_msm(points, scalars);
  } else {
    return g2_msm(points, scalars);
  }
}

}  // namespace

TEMPLATE_TEST_CASE("Pippenger MSM equals the sum of scalar multiplications", "[sig][bls12_381][curve][msm]", G1,
                   G2) {
  Prg prg(Prg::Seed{std::byte{51}});
  // Sizes across window widths; the scalars split by the endomorphisms
  // (sigma on G1, psi on G2), so a point and its negation, a repeated point
  // and r - 1 exercise the digits' carries and the buckets' special cases.
  for (const std::size_t n : {0UL, 1UL, 2UL, 3UL, 5UL, 17UL, 40UL, 130UL}) {
    std::vector<TestType> points;
    std::vector<Fr> scalars;
    TestType expected;
    for (std::size_t i = 0; i < n; ++i) {
      points.push_back(i % 5 == 4 ? TestType::identity() : random_point<TestType>(prg));
      // Some edge scalars: 0, 1, r - 1, and a repeated point.
      Fr k = testutil::random_field<Fr>(prg);
      if (i % 7 == 1) k = Fr::zero();
      if (i % 7 == 2) k = Fr::one();
      if (i % 7 == 3) k = -Fr::one();
      if (i % 7 == 5 && i > 0) points.back() = points[i - 1];
      if (i % 7 == 6) points.back() = -points[i - 1];
      scalars.push_back(k);
      expected += points.back().mul_vartime(k.to_raw());
    }
    INFO("n = " << n);
    CHECK(msm<TestType>(points, scalars) == expected);
  }
  const std::vector<TestType> two(2, TestType::generator());
  const std::vector<Fr> one(1, Fr::one());
  CHECK_THROWS_AS(msm<TestType>(two, one), InvalidArgument);
}

// mul_vartime (Jacobian, non-complete, branches on special cases) against
// the constant-time complete-formula mul, on projective and affine bases.
TEMPLATE_TEST_CASE("Variable-time scalar multiplication equals the constant-time one",
                   "[sig][bls12_381][curve]", G1, G2) {
  Prg prg(Prg::Seed{std::byte{52}});
  for (int i = 0; i < 12; ++i) {
    const TestType p = TestType::generator().mul(testutil::random_field<Fr>(prg));  // Z != 1
    const TestType a = TestType::from_affine(p.to_affine());                         // Z == 1
    Fr k = testutil::random_field<Fr>(prg);
    if (i == 0) k = Fr::zero();
    if (i == 1) k = Fr::one();
    if (i == 2) k = -Fr::one();
    if (i == 3) k = Fr::from_u64(2);
    const TestType expected = p.mul(k);
    CHECK(p.mul_vartime(k.to_raw()) == expected);
    CHECK(a.mul_vartime(k.to_raw()) == expected);
    CHECK(TestType::identity().mul_vartime(k.to_raw()).is_identity());
  }
  // [r] P = O on the subgroup; [r + 1] P = P.
  const TestType g = TestType::generator();
  CHECK(g.mul_vartime(Fr::modulus).is_identity());
  auto r_plus_1 = Fr::modulus;
  r_plus_1[0] += 1;
  CHECK(g.mul_vartime(r_plus_1) == g);
}

// The endomorphism ladders g1_mul / g2_mul against Point::mul (plain
// double-and-add-always), on random subgroup points and scalars, and on
// scalars whose base-|x| digits sit at the edges (0, |x| - 1, |x|^j).
TEST_CASE("GLV/GLS scalar multiplication equals double-and-add", "[sig][bls12_381][curve][glv]") {
  Prg prg(Prg::Seed{std::byte{53}});
  std::vector<Fr> scalars{Fr::zero(), Fr::one(), -Fr::one(), Fr::from_u64(bls_x_abs),
                          Fr::from_u64(bls_x_abs - 1), Fr::from_u64(bls_x_abs + 1)};
  const Fr x_abs = Fr::from_u64(bls_x_abs);
  scalars.push_back(x_abs * x_abs);
  scalars.push_back(x_abs * x_abs * x_abs);
  scalars.push_back(x_abs * x_abs * x_abs - Fr::one());
  scalars.push_back(x_abs * x_abs - Fr::one());
  for (int i = 0; i < 10; ++i) scalars.push_back(testutil::random_field<Fr>(prg));
  for (const Fr& k : scalars) {
    const G1 p = G1::generator().mul(testutil::random_field<Fr>(prg));
    const G2 q = G2::generator().mul(testutil::random_field<Fr>(prg));
    CHECK(g1_mul(p, k) == p.mul(k));
    CHECK(g2_mul(q, k) == q.mul(k));
    CHECK(g1_mul(G1::identity(), k).is_identity());
    CHECK(g2_mul(G2::identity(), k).is_identity());
  }
  CHECK(g1_mul(G1::generator(), Fr::from_u64(5)) == G1::generator().mul_vartime(std::array<std::uint64_t, 1>{5}));
}

// The variable-time inversion (GMP) against Fermat's, on random values,
// 0, 1 and p - 1.
TEST_CASE("Variable-time inversion equals Fermat inversion", "[sig][bls12_381][fields]") {
  Prg prg(Prg::Seed{std::byte{54}});
  std::vector<Fp> values{Fp::zero(), Fp::one(), -Fp::one()};
  for (int i = 0; i < 200; ++i) values.push_back(testutil::random_field<Fp>(prg));
  for (const Fp& a : values) {
    CHECK(fp_inverse_vartime(a) == a.inverse());
    const Fp2 z{a, testutil::random_field<Fp>(prg)};
    CHECK(z.inverse_vartime() == z.inverse());
  }
  CHECK(Fp2::zero().inverse_vartime().is_zero());
}
