// Tests for privfin/sig/bls12_381/fields.hpp: Fp and Fr against GMP on
// random and boundary values, tower-field identities, square roots,
// Frobenius against exponentiation by p, cyclotomic squaring.
#include <catch2/catch.hpp>
#include <gmpxx.h>

#include <tuple>
#include <utility>
#include <vector>

#include <privfin/core/prg.hpp>
#include <privfin/sig/bls12_381/detail/constants.hpp>
#include <privfin/sig/bls12_381/fields.hpp>

#include "sig/bls12_381_test_util.hpp"

using namespace privfin;
using namespace privfin::sig::bls12_381;
using privfin::sig::bls12_381::detail::to_mpz;

namespace {

template <class F>
mpz_class as_mpz(const F& x) {
  const auto raw = x.to_raw();
  return to_mpz(raw);
}

template <class F>
void check_against_gmp(Prg& prg) {
  const mpz_class p = to_mpz(F::modulus);
  std::vector<F> values;
  for (int i = 0; i < 300; ++i) values.push_back(testutil::random_field<F>(prg));
  // Boundary values: 0, 1, p - 1, p - 2, and 2^k mod p.
  values.push_back(F::zero());
  values.push_back(F::one());
  values.push_back(-F::one());
  values.push_back(-F::one() - F::one());
  values.push_back(F::from_u64(~std::uint64_t{0}));
  // from_raw reduces any N-limb integer, including 2^(64 N) - 1 and p itself.
  typename F::Repr all_ones{};
  for (auto& limb : all_ones) limb = ~std::uint64_t{0};
  const mpz_class max_value = (mpz_class(1) << static_cast<mp_bitcnt_t>(64 * F::N)) - 1;
  CHECK(as_mpz(F::from_raw(all_ones)) == mpz_class(max_value % p));
  CHECK(F::from_raw(F::modulus).is_zero());
  values.push_back(F::from_raw(all_ones));
  // Sums on either side of p: (p - 1) + 1 = p, (p - 2) + 1, (p - 1) + 2.
  values.push_back(-F::one());
  values.push_back(F::one());
  values.push_back(-F::one() - F::one());
  values.push_back(F::one());
  values.push_back(-F::one());
  values.push_back(F::one() + F::one());
  for (std::size_t i = 0; i + 1 < values.size(); ++i) {
    const F& a = values[i];
    const F& b = values[i + 1];
    const mpz_class x = as_mpz(a), y = as_mpz(b);
    REQUIRE(x < p);
    CHECK(as_mpz(a + b) == mpz_class((x + y) % p));
    CHECK(as_mpz(a - b) == mpz_class(((x - y) % p + p) % p));
    CHECK(as_mpz(a * b) == mpz_class((x * y) % p));
    CHECK(as_mpz(a.square()) == mpz_class((x * x) % p));
    CHECK(as_mpz(-a) == mpz_class((p - x) % p));
    // In place, the output aliasing an input (Fp's add and sub are assembly that writes the output last).
    F c = a;
    c += b;
    CHECK(c == a + b);
    c = a;
    c = c + c;
    CHECK(as_mpz(c) == mpz_class((2 * x) % p));
    c = a;
    c -= c;
    CHECK(c.is_zero());
    c = b;
    c = a - c;
    CHECK(c == a - b);
    if (!a.is_zero()) {
      mpz_class inv;
      mpz_invert(inv.get_mpz_t(), x.get_mpz_t(), p.get_mpz_t());
      CHECK(as_mpz(a.inverse()) == inv);
      CHECK(a * a.inverse() == F::one());
    }
    CHECK((a == b) == (x == y));
    CHECK(F::select(false, a, b) == a);
    CHECK(F::select(true, a, b) == b);
  }
}

}  // namespace

TEST_CASE("Fp and Fr agree with GMP", "[sig][bls12_381][fields]") {
  Prg prg(Prg::Seed{std::byte{1}});
  check_against_gmp<Fp>(prg);
  check_against_gmp<Fr>(prg);
}

// window_pow's sliding windows against GMP's powm: exponents 0, 1, 2, 31,
// 32, 33 (window edges), runs of ones and zeros, single high bits, and
// random ones of every length up to 384 bits.
TEST_CASE("Fp exponentiation by a public exponent agrees with GMP", "[sig][bls12_381][fields]") {
  Prg prg(Prg::Seed{std::byte{9}});
  const mpz_class p = to_mpz(Fp::modulus);
  using Exponent = privfin::sig::bls12_381::detail::Limbs<6>;
  std::vector<Exponent> exponents;
  for (const std::uint64_t small : {0ULL, 1ULL, 2ULL, 31ULL, 32ULL, 33ULL, 0x1fULL << 5, 0x8421ULL, ~0ULL}) {
    exponents.push_back({small, 0, 0, 0, 0, 0});
  }
  exponents.push_back({0, 0, 0, 0, 0, 1ULL << 63});
  exponents.push_back({~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL, ~0ULL});
  exponents.push_back({1, 0, 0, 0, 0, 1ULL << 60});
  for (std::size_t bits = 1; bits <= 384; bits += 13) {
    Exponent e{};
    for (auto& limb : e) limb = prg.next_u64();
    for (std::size_t i = bits; i < 384; ++i) e[i / 64] &= ~(1ULL << (i % 64));
    exponents.push_back(e);
  }
  for (int k = 0; k < 4; ++k) {
    const Fp base = testutil::random_field<Fp>(prg);
    for (const auto& e : exponents) {
      mpz_class expected;
      const mpz_class exponent = to_mpz(e);
      mpz_powm(expected.get_mpz_t(), as_mpz(base).get_mpz_t(), exponent.get_mpz_t(), p.get_mpz_t());
      INFO("exponent " << exponent.get_str(16));
      CHECK(as_mpz(base.pow(e)) == expected);
    }
  }
  CHECK(Fp::zero().pow(Exponent{}) == Fp::one());
}

// fp2_sqrt_with_norm_root takes a root of the norm of either sign, and a
// wrong one gives nullopt, never a wrong root (hashing to G2 derives the
// root it passes).
TEST_CASE("Fp2 square root from a given root of the norm", "[sig][bls12_381][fields]") {
  Prg prg(Prg::Seed{std::byte{10}});
  for (int i = 0; i < 50; ++i) {
    const Fp2 x{testutil::random_field<Fp>(prg), testutil::random_field<Fp>(prg)};
    const Fp2 a = x.square();
    const auto s = fp_sqrt(a.norm());
    REQUIRE(s);
    for (const Fp& root : {*s, -*s}) {
      const auto r = fp2_sqrt_with_norm_root(a, root);
      REQUIRE(r);
      CHECK(r->square() == a);
    }
    CHECK_FALSE(fp2_sqrt_with_norm_root(a, *s + Fp::one()).has_value());
  }
}

TEST_CASE("Fp byte encoding round-trips and rejects x >= p", "[sig][bls12_381][fields]") {
  Prg prg(Prg::Seed{std::byte{2}});
  for (int i = 0; i < 50; ++i) {
    const Fp a = testutil::random_field<Fp>(prg);
    std::array<std::byte, 48> buf{};
    a.to_bytes_be(buf);
    Fp b;
    REQUIRE(Fp::from_bytes_be(buf, b));
    CHECK(a == b);
    CHECK(to_mpz(a.to_raw()) == privfin::sig::bls12_381::detail::to_mpz(b.to_raw()));
  }
  std::array<std::byte, 48> pbytes{};
  const auto& m = Fp::modulus;
  for (std::size_t i = 0; i < 48; ++i) {
    const std::size_t bit = 8 * (47 - i);
    pbytes[i] = static_cast<std::byte>(m[bit / 64] >> (bit % 64));
  }
  Fp out;
  CHECK_FALSE(Fp::from_bytes_be(pbytes, out));
  pbytes[47] = static_cast<std::byte>(static_cast<unsigned>(pbytes[47]) - 1);  // p - 1 is fine
  CHECK(Fp::from_bytes_be(pbytes, out));
  CHECK(out == -Fp::one());
}

TEST_CASE("Fp and Fp2 square roots", "[sig][bls12_381][fields]") {
  Prg prg(Prg::Seed{std::byte{3}});
  int non_squares = 0;
  for (int i = 0; i < 40; ++i) {
    const Fp a = testutil::random_field<Fp>(prg);
    const auto s = fp_sqrt(a.square());
    REQUIRE(s.has_value());
    CHECK((*s == a || *s == -a));
    const bool square = fp_is_square(a);
    CHECK(fp_sqrt(a).has_value() == square);
    non_squares += square ? 0 : 1;

    const Fp2 z{testutil::random_field<Fp>(prg), testutil::random_field<Fp>(prg)};
    const auto t = fp2_sqrt(z.square());
    REQUIRE(t.has_value());
    CHECK((*t == z || *t == -z));
    CHECK(fp2_sqrt(z).has_value() == fp2_is_square(z));
  }
  CHECK(non_squares > 5);
  // u = sqrt(-1) in Fp2; -1 is not a square in Fp.
  CHECK_FALSE(fp_sqrt(-Fp::one()).has_value());
  CHECK(fp2_sqrt(-Fp2::one()).has_value());
}

TEST_CASE("Tower fields: ring identities and inverses", "[sig][bls12_381][fields]") {
  Prg prg(Prg::Seed{std::byte{4}});
  for (int i = 0; i < 10; ++i) {
    const Fp2 a = testutil::random_fp2(prg), b = testutil::random_fp2(prg), c = testutil::random_fp2(prg);
    CHECK((a * b) * c == a * (b * c));
    CHECK(a * (b + c) == a * b + a * c);
    CHECK(a.square() == a * a);
    CHECK(a * a.inverse() == Fp2::one());
    CHECK(a.mul_by_xi() == a * Fp2{Fp::one(), Fp::one()});

    const Fp6 x = testutil::random_fp6(prg), y = testutil::random_fp6(prg), z = testutil::random_fp6(prg);
    CHECK((x * y) * z == x * (y * z));
    CHECK(x * (y + z) == x * y + x * z);
    CHECK(x.square() == x * x);
    CHECK(x * x.inverse() == Fp6::one());
    const Fp6 v{Fp2::zero(), Fp2::one(), Fp2::zero()};
    CHECK(x.mul_by_v() == x * v);
    CHECK(x.mul_by_01(a, b) == x * Fp6{a, b, Fp2::zero()});
    CHECK(x.mul_by_1(b) == x * Fp6{Fp2::zero(), b, Fp2::zero()});

    const Fp12 f = testutil::random_fp12(prg), g = testutil::random_fp12(prg), h = testutil::random_fp12(prg);
    CHECK((f * g) * h == f * (g * h));
    CHECK(f.square() == f * f);
    CHECK(f * f.inverse() == Fp12::one());
    CHECK(f.mul_by_014(a, b, c) == f * Fp12{Fp6{a, b, Fp2::zero()}, Fp6{Fp2::zero(), c, Fp2::zero()}});
  }
}

TEST_CASE("Fp12 Frobenius is exponentiation by p, cyclotomic squaring", "[sig][bls12_381][fields]") {
  Prg prg(Prg::Seed{std::byte{5}});
  const Fp12 f = testutil::random_fp12(prg);
  const auto& p = Fp::modulus;
  CHECK(f.frobenius() == f.pow(p));
  CHECK(f.frobenius(2) == f.pow(p).pow(p));
  CHECK(f.frobenius(6) == f.conjugate());
  CHECK(f.frobenius(12) == f);
  // Map f into the cyclotomic subgroup: g = f^((p^6 - 1)(p^2 + 1)).
  Fp12 g = f.conjugate() * f.inverse();
  g = g.frobenius(2) * g;
  Fp12 s = g, c = g;
  for (int i = 0; i < 5; ++i) {
    s = s.square();
    c = c.cyclotomic_square();
    CHECK(s == c);
  }
  CHECK(g * g.conjugate() == Fp12::one());
}

// The MULX/ADX multiplication (taken when the CPU has it) against the
// portable CIOS, on random values, values near p and near 2^k (long carry
// chains), and with the output aliasing an input.
TEST_CASE("Fp fast multiplication equals the portable CIOS", "[sig][bls12_381][fields]") {
  Prg prg(Prg::Seed{std::byte{41}});
  std::vector<Fp> values;
  for (int i = 0; i < 2000; ++i) values.push_back(testutil::random_field<Fp>(prg));
  Fp::Repr pm = Fp::modulus;
  for (std::uint64_t d = 1; d <= 8; ++d) {
    Fp::Repr q = pm;
    q[0] -= d;
    values.push_back(Fp::from_mont(q));  // Montgomery forms just below p
  }
  for (std::size_t k = 0; k < 381; k += 7) {
    Fp::Repr q{};
    q[k / 64] = std::uint64_t{1} << (k % 64);
    values.push_back(Fp::from_mont(q));
    Fp::Repr all{};
    for (std::size_t i = 0; i < k / 64; ++i) all[i] = ~std::uint64_t{0};
    values.push_back(Fp::from_mont(all));
  }
  values.push_back(Fp::zero());
  values.push_back(Fp::one());
  INFO("MULX/ADX path in use: " << sig::bls12_381::detail::fp_mul_adx_available);
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    for (std::size_t j : {i, (i * 7 + 3) % values.size(), values.size() - 1 - i}) {
      if (!(Fp::mul(values[i], values[j]).mont() == Fp::mul_portable(values[i], values[j]).mont())) ++mismatches;
    }
    Fp aliased = values[i];
    aliased *= aliased;
    if (!(aliased.mont() == Fp::mul_portable(values[i], values[i]).mont())) ++mismatches;
  }
  CHECK(mismatches == 0);
}

// Lazy reduction (fields.hpp's lazy::fp_mul_wide, fp_redc and the
// 768-bit subtractions) against GMP, the MULX/ADX kernels against the
// portable ones, and Fp2 multiplication against the formula that reduces
// every Fp product.
namespace {

namespace lazy = sig::bls12_381::detail;
using lazy::FpWide;

// Montgomery forms at the edges: 0, 1, p - 1, p - 2, values just below p,
// all-ones low limbs under p's top limb, powers of two.
std::vector<Fp> boundary_fp() {
  std::vector<Fp> v{Fp::zero(), Fp::one(), -Fp::one(), -Fp::one() - Fp::one()};
  for (std::uint64_t d = 1; d <= 4; ++d) {
    Fp::Repr q = Fp::modulus;
    q[0] -= d;
    v.push_back(Fp::from_mont(q));
  }
  Fp::Repr ones{};
  for (std::size_t i = 0; i < 5; ++i) ones[i] = ~std::uint64_t{0};
  ones[5] = Fp::modulus[5] - 1;
  v.push_back(Fp::from_mont(ones));
  for (std::size_t k = 0; k < 381; k += 29) {
    Fp::Repr q{};
    q[k / 64] = std::uint64_t{1} << (k % 64);
    v.push_back(Fp::from_mont(q));
  }
  return v;
}

// x with the six limbs of the Montgomery form as an integer.
mpz_class mont_mpz(const Fp::Repr& x) { return to_mpz(x); }

}  // namespace

TEST_CASE("Fp wide product and Montgomery reduction agree with GMP", "[sig][bls12_381][fields]") {
  Prg prg(Prg::Seed{std::byte{43}});
  const mpz_class p = to_mpz(Fp::modulus);
  const mpz_class r = mpz_class(1) << 384;
  mpz_class r_inv;
  mpz_invert(r_inv.get_mpz_t(), r.get_mpz_t(), p.get_mpz_t());
  std::vector<Fp> values = boundary_fp();
  for (int i = 0; i < 200; ++i) values.push_back(testutil::random_field<Fp>(prg));
  INFO("MULX/ADX path in use: " << lazy::fp_mul_adx_available);

  // Products of reduced values and of unreduced sums (below 2p, as Fp2's
  // Karatsuba passes), and their reductions.
  for (std::size_t i = 0; i < values.size(); ++i) {
    const Fp& a = values[i];
    const Fp& b = values[(i * 5 + 1) % values.size()];
    const Fp::Repr sum = lazy::fp_add_unreduced(a.mont(), b.mont());
    CHECK(mont_mpz(sum) == mont_mpz(a.mont()) + mont_mpz(b.mont()));
    for (const auto& [x, y] : {std::pair{a.mont(), b.mont()}, std::pair{sum, a.mont()}, std::pair{sum, sum}}) {
      const FpWide w = lazy::fp_mul_wide(x, y);
      CHECK(w == lazy::fp_mul_wide_portable(x, y));
      CHECK(to_mpz(w) == mont_mpz(x) * mont_mpz(y));
      const Fp::Repr red = lazy::fp_redc(w);
      CHECK(red == lazy::fp_redc_portable(w));
      CHECK(mont_mpz(red) == mpz_class(to_mpz(w) * r_inv % p));
    }
    CHECK(lazy::fp_redc(lazy::fp_mul_wide(a.mont(), b.mont())) == (a * b).mont());
  }

  // Reduction inputs at the edges of T < p 2^384: 0, 1, p 2^384 - 1, an
  // all-ones low half under p - 1, and random values in range.
  std::vector<mpz_class> wides{0, 1, p * r - 1, (p - 1) * r + (r - 1), p * p, 4 * p * p};
  gmp_randclass rng(gmp_randinit_default);
  rng.seed(43);
  for (int i = 0; i < 200; ++i) wides.push_back(rng.get_z_range(p * r));
  for (const mpz_class& t : wides) {
    FpWide w{};
    std::size_t count = 0;
    mpz_export(w.data(), &count, -1, sizeof(std::uint64_t), 0, 0, t.get_mpz_t());
    const Fp::Repr red = lazy::fp_redc(w);
    CHECK(red == lazy::fp_redc_portable(w));
    CHECK(mont_mpz(red) == mpz_class(t * r_inv % p));
  }

  // 768-bit sums and differences, exact; p^2 as Fp2's c0 adds it.
  CHECK(to_mpz(lazy::fp_p_squared) == p * p);
  for (std::size_t i = 0; i + 1 < values.size(); ++i) {
    const FpWide x = lazy::fp_mul_wide(values[i].mont(), values[i].mont());
    const FpWide y = lazy::fp_mul_wide(values[i + 1].mont(), values[i + 1].mont());
    const mpz_class xm = to_mpz(x), ym = to_mpz(y);
    CHECK(to_mpz(lazy::fp_wide_add(x, y)) == xm + ym);
    CHECK(to_mpz(lazy::fp_wide_sub(lazy::fp_wide_add(x, lazy::fp_p_squared), y)) == xm + p * p - ym);
    if (xm >= ym) CHECK(to_mpz(lazy::fp_wide_sub(x, y)) == xm - ym);
    FpWide aliased = x;
    aliased = lazy::fp_wide_sub(aliased, aliased);
    CHECK(to_mpz(aliased) == 0);
  }
}

TEST_CASE("Fp2 lazy multiplication and squaring equal reducing every Fp product", "[sig][bls12_381][fields]") {
  Prg prg(Prg::Seed{std::byte{44}});
  const auto reference = [](const Fp2& a, const Fp2& b) {
    const Fp t0 = a.c0 * b.c0, t1 = a.c1 * b.c1;
    return Fp2{t0 - t1, (a.c0 + a.c1) * (b.c0 + b.c1) - t0 - t1};
  };
  std::vector<Fp2> values;
  const std::vector<Fp> edges = boundary_fp();
  for (const Fp& x : edges) {
    for (const Fp& y : {Fp::zero(), Fp::one(), -Fp::one(), edges.back(), edges[8]}) {
      values.push_back({x, y});
      values.push_back({y, x});
    }
  }
  for (int i = 0; i < 300; ++i) values.push_back(testutil::random_fp2(prg));
  const auto reference_square = [](const Fp2& a) {
    const Fp t = a.c0 * a.c1;
    return Fp2{(a.c0 + a.c1) * (a.c0 - a.c1), t + t};
  };
  INFO("MULX/ADX path in use: " << lazy::fp_mul_adx_available);
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    for (std::size_t j : {i, (i * 7 + 3) % values.size(), values.size() - 1 - i}) {
      const Fp2 expected = reference(values[i], values[j]);
      if (!(values[i] * values[j] == expected)) ++mismatches;
      if (!(Fp2::mul_lazy(values[i], values[j]) == expected)) ++mismatches;  // the portable path
    }
    if (!(values[i].square() == reference_square(values[i]))) ++mismatches;
    if (!(values[i].square() == reference(values[i], values[i]))) ++mismatches;
    Fp2 squared = values[i];
    squared = squared.square();
    if (!(squared == reference_square(values[i]))) ++mismatches;
    // The output aliasing the inputs.
    Fp2 aliased = values[i];
    aliased *= aliased;
    if (!(aliased == reference(values[i], values[i]))) ++mismatches;
    aliased = values[i];
    aliased *= values[(i + 1) % values.size()];
    if (!(aliased == reference(values[i], values[(i + 1) % values.size()]))) ++mismatches;
  }
  CHECK(mismatches == 0);
  // The constant-evaluated path (each product reduced) agrees too.
  constexpr Fp2 a{Fp::from_u64(7), Fp::from_hex("0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaaa")};
  constexpr Fp2 b{Fp::from_hex("0x123456789abcdef"), Fp::from_u64(3)};
  constexpr Fp2 product = a * b;
  CHECK(product == reference(a, b));
}

TEST_CASE("Fp6 lazy multiplication equals reducing every Fp2 product", "[sig][bls12_381][fields]") {
  Prg prg(Prg::Seed{std::byte{45}});
  std::vector<Fp6> values;
  const std::vector<Fp> edges = boundary_fp();
  // Coefficients at the edges, each position in turn, and all of them.
  for (const Fp& x : edges) {
    const Fp2 e{x, -x};
    values.push_back({e, Fp2::zero(), Fp2::zero()});
    values.push_back({Fp2::zero(), e, Fp2::zero()});
    values.push_back({Fp2::zero(), Fp2::zero(), e});
    values.push_back({e, e, e});
    values.push_back({Fp2{x, x}, Fp2{-Fp::one(), x}, Fp2{x, -Fp::one()}});
  }
  values.push_back(Fp6::zero());
  values.push_back(Fp6::one());
  values.push_back(-Fp6::one());
  for (int i = 0; i < 200; ++i) values.push_back(testutil::random_fp6(prg));
  INFO("MULX/ADX path in use: " << lazy::fp_mul_adx_available);
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    for (std::size_t j : {i, (i * 7 + 3) % values.size(), values.size() - 1 - i}) {
      if (!(values[i] * values[j] == Fp6::mul_reduced(values[i], values[j]))) ++mismatches;
    }
    Fp6 aliased = values[i];
    aliased = aliased * aliased;
    if (!(aliased == Fp6::mul_reduced(values[i], values[i]))) ++mismatches;
  }
  CHECK(mismatches == 0);
}

TEST_CASE("Fp4 squaring with lazy reduction equals three reduced Fp2 squarings", "[sig][bls12_381][fields]") {
  Prg prg(Prg::Seed{std::byte{46}});
  std::vector<Fp2> values;
  for (const Fp& x : boundary_fp()) {
    values.push_back({x, x});
    values.push_back({x, -x});
    values.push_back({x, Fp::zero()});
    values.push_back({-Fp::one(), x});
  }
  for (int i = 0; i < 300; ++i) values.push_back(testutil::random_fp2(prg));
  INFO("MULX/ADX path in use: " << lazy::fp_mul_adx_available);
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const Fp2& a = values[i];
    const Fp2& b = values[(i * 7 + 3) % values.size()];
    Fp2 e0, e1, r0, r1;
    lazy::fp4_square_reduced(a, b, e0, e1);
    lazy::fp4_square(a, b, r0, r1);
    if (!(r0 == e0 && r1 == e1)) ++mismatches;
    if (!(e1 == (a * b).dbl() && e0 == b.square().mul_by_xi() + a.square())) ++mismatches;
    // The outputs aliasing the inputs, as the cyclotomic squaring passes them.
    Fp2 x = a, y = b;
    lazy::fp4_square(x, y, x, y);
    if (!(x == e0 && y == e1)) ++mismatches;
    x = a;
    y = b;
    lazy::fp4_square(x, y, y, x);
    if (!(y == e0 && x == e1)) ++mismatches;
  }
  CHECK(mismatches == 0);
}
