// Field64 and Field128 of draft-irtf-cfrg-vdaf-20 cross-checked against GMP,
// their encodings (canonical, little-endian, values >= p refused), roots of
// unity, and the polynomial helpers: NTT/inverse NTT against naive
// evaluation, Lagrange-basis evaluation, doubling and completion.
#include <catch2/catch.hpp>

#include <gmpxx.h>

#include <string>
#include <vector>

#include "privfin/core/prg.hpp"
#include "privfin/vdaf/poly.hpp"
#include "privfin/vdaf/field.hpp"

using namespace privfin;
using namespace privfin::vdaf;

namespace {

mpz_class modulus_of(Field64) { return mpz_class("18446744069414584321"); }  // 2^32 * 4294967295 + 1
mpz_class modulus_of(Field128) {
  mpz_class p = 1;
  p <<= 66;
  return p * mpz_class("4611686018427387897") + 1;
}

template <class F>
mpz_class to_mpz(F x) {
  Bytes b(F::byte_size);
  x.write_le(b);
  mpz_class out = 0;
  for (std::size_t i = b.size(); i-- > 0;) out = out * 256 + static_cast<unsigned>(b[i]);
  return out;
}

template <class F>
F random_element(Prg& prg) {
  for (;;) {
    Bytes b = prg.bytes(F::byte_size);
    if (auto x = F::read_le(b)) return *x;
  }
}

template <class F>
std::vector<F> random_vec(Prg& prg, std::size_t n) {
  std::vector<F> v;
  for (std::size_t i = 0; i < n; ++i) v.push_back(random_element<F>(prg));
  return v;
}

}  // namespace

TEMPLATE_TEST_CASE("VDAF field arithmetic agrees with GMP", "[vdaf][prio3][field]", Field64, Field128) {
  using F = TestType;
  Prg prg(Prg::Seed{{std::byte{0x42}}});
  const mpz_class p = modulus_of(F{});
  CHECK(to_mpz(-F::one()) == p - 1);
  for (int i = 0; i < 2000; ++i) {
    F a = random_element<F>(prg), b = random_element<F>(prg);
    if (i == 0) a = -F::one();
    if (i == 1) b = -F::one();
    if (i == 2) a = F::zero();
    const mpz_class ma = to_mpz(a), mb = to_mpz(b);
    REQUIRE(to_mpz(a + b) == (ma + mb) % p);
    REQUIRE(to_mpz(a - b) == ((ma - mb) % p + p) % p);
    REQUIRE(to_mpz(a * b) == (ma * mb) % p);
    if (!(a == F::zero())) REQUIRE(a * a.inv() == F::one());
  }
  CHECK(F::from_u64(5).pow(3) == F::from_u64(125));
  CHECK(F::zero().inv() == F::zero());
  CHECK(F::inv_two() * F::from_u64(2) == F::one());
  for (std::size_t k : {std::size_t{1}, std::size_t{2}, std::size_t{5}, std::size_t{255}, std::size_t{256}}) {
    CHECK(poly::inverse_small<F>(k) * F::from_u64(k) == F::one());
  }
}

TEMPLATE_TEST_CASE("VDAF field encoding is canonical little-endian", "[vdaf][prio3][field]", Field64, Field128) {
  using F = TestType;
  const F x = F::from_u64(0x0102030405060708ULL);
  const Bytes enc = encode_vec<F>(std::vector<F>{x});
  REQUIRE(enc.size() == F::byte_size);
  CHECK(enc[0] == std::byte{0x08});
  CHECK(enc[7] == std::byte{0x01});
  CHECK(decode_vec<F>(enc, "x") == std::vector<F>{x});
  // p itself and all-ones are refused; so is a ragged length.
  const Bytes all_ones(F::byte_size, std::byte{0xFF});
  CHECK_FALSE(F::read_le(all_ones).has_value());
  const Bytes minus_one = encode_vec<F>(std::vector<F>{-F::one()});
  Bytes p_bytes = minus_one;
  p_bytes[0] = static_cast<std::byte>(static_cast<unsigned>(p_bytes[0]) + 1);  // p - 1 ends in ...00, so no carry
  CHECK_FALSE(F::read_le(p_bytes).has_value());
  CHECK_THROWS_AS(decode_vec<F>(all_ones, "x"), DecodeError);
  CHECK_THROWS_AS(decode_vec<F>(ByteView(enc).first(F::byte_size - 1), "x"), DecodeError);
}

TEST_CASE("Field128 from_uint128 reduces", "[vdaf][prio3][field]") {
  const auto big = ~privfin::detail::uint128{0};
  CHECK(Field128::from_uint128(big) == Field128::from_uint128(big - Field128::modulus));
  CHECK(Field128::from_uint128(Field128::modulus) == Field128::zero());
  CHECK(Field64::from_u64(Field64::modulus + 3) == Field64::from_u64(3));
}

TEMPLATE_TEST_CASE("roots of unity have the right order", "[vdaf][prio3][field]", Field64, Field128) {
  using F = TestType;
  CHECK(F::root_of_unity(0) == F::one());
  CHECK(F::root_of_unity(1) == -F::one());
  for (unsigned k : {2U, 5U, 16U, F::two_adicity}) {
    const F w = F::root_of_unity(k);
    F x = w;
    for (unsigned i = 1; i < k; ++i) x *= x;  // w^(2^(k-1))
    CHECK(x == -F::one());
  }
  CHECK_THROWS_AS(F::root_of_unity(F::two_adicity + 1), InvalidArgument);
}

TEMPLATE_TEST_CASE("NTT, inverse NTT and Lagrange-basis helpers", "[vdaf][prio3][poly]", Field64, Field128) {
  using F = TestType;
  Prg prg(Prg::Seed{{std::byte{0x17}}});
  for (std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{8}, std::size_t{64}}) {
    const auto coeffs = random_vec<F>(prg, n);
    const auto values = poly::ntt<F>(coeffs, n);
    const F w = F::root_of_unity(poly::checked_log2(n, F::two_adicity));
    F x = F::one();
    for (std::size_t i = 0; i < n; ++i) {
      REQUIRE(values[i] == poly::eval_monomial<F>(coeffs, x));
      x *= w;
    }
    REQUIRE(poly::inverse_ntt<F>(values) == coeffs);
    // Evaluation from the Lagrange basis at random points and at a node.
    const F t = random_element<F>(prg);
    CHECK(poly::lagrange_eval<F>(values, n, t) == poly::eval_monomial<F>(coeffs, t));
    if (n > 1) CHECK(poly::lagrange_eval<F>(values, n, w) == values[1]);
    const auto basis = poly::lagrange_basis_at<F>(n, t);
    F dot = F::zero();
    for (std::size_t i = 0; i < n; ++i) dot += basis[i] * values[i];
    CHECK(dot == poly::eval_monomial<F>(coeffs, t));
    CHECK_THROWS_AS(poly::lagrange_basis_at<F>(n, w), InvalidArgument);
    CHECK(poly::inverse_of_power_of_two<F>(poly::checked_log2(n, F::two_adicity)) * F::from_u64(n) == F::one());
    // Doubling and extension give the values at the 2n-th and 4n-th roots.
    const auto doubled = poly::double_evaluations<F>(values);
    REQUIRE(doubled == poly::ntt<F>(coeffs, 2 * n));
    REQUIRE(poly::extend_evaluations<F>(values, 4 * n) == poly::ntt<F>(coeffs, 4 * n));
  }
  CHECK_THROWS_AS(poly::ntt<F>(std::vector<F>(3), 3), InvalidArgument);
  CHECK_THROWS_AS(poly::ntt<F>(std::vector<F>(5), 4), InvalidArgument);
}

TEMPLATE_TEST_CASE("complete_evaluations recovers missing values", "[vdaf][prio3][poly]", Field64, Field128) {
  using F = TestType;
  Prg prg(Prg::Seed{{std::byte{0x33}}});
  for (std::size_t missing : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{7}}) {
    const std::size_t n = 16;
    const auto coeffs = random_vec<F>(prg, n - missing);  // degree < n - missing
    const auto full = poly::ntt<F>(coeffs, n);
    std::vector<F> partial(full.begin(), full.end() - static_cast<std::ptrdiff_t>(missing));
    poly::complete_evaluations(partial, n);
    CHECK(partial == full);
  }
}

TEMPLATE_TEST_CASE("NttPlan doubling matches a direct transform", "[vdaf][prio3][poly]", Field64, Field128) {
  using F = TestType;
  Prg prg(Prg::Seed{{std::byte{0x44}}});
  for (std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{32}}) {
    const poly::NttPlan<F> plan(n, true);
    for (int rep = 0; rep < 3; ++rep) {
      const auto coeffs = random_vec<F>(prg, n);
      const auto values = poly::ntt<F>(coeffs, n);
      CHECK(plan.doubled(values) == poly::ntt<F>(coeffs, 2 * n));
    }
  }
  CHECK_THROWS_AS(poly::NttPlan<F>(4).doubled(std::vector<F>(4)), InvalidArgument);
  CHECK_THROWS_AS(poly::NttPlan<F>(4, true).doubled(std::vector<F>(8)), InvalidArgument);
}
