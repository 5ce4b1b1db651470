// Tests for privfin/sharing/shamir.hpp: every t-subset reconstructs (random
// orders), t-1 shares are uniform whatever the secret, interpolation at any
// point gives the polynomial's value, the scheme is linear, inconsistent
// shares are detected, and misuse throws. Over Fp61, Fp127 and GmpField.
#include <catch2/catch.hpp>

#include <privfin/core/bigint.hpp>
#include <privfin/core/gmp_field.hpp>
#include <privfin/core/mersenne.hpp>
#include <privfin/core/prg.hpp>
#include <privfin/sharing/shamir.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <numeric>
#include <vector>

using namespace privfin;
using sharing::Shamir;

namespace {

Prg seeded(unsigned char tag) {
  Prg::Seed seed{};
  seed[0] = std::byte{tag};
  seed[1] = std::byte{0x77};
  return Prg(seed);
}

template <class S>
std::vector<typename S::Element> random_elements(const S& scheme, std::size_t size, Prg& prg) {
  std::vector<typename S::Element> v(size);
  scheme.ops().random_fill(prg, std::span<typename S::Element>(v));
  return v;
}

// A random subset of `t` distinct party indices out of n, in random order.
std::vector<std::size_t> random_subset(std::size_t n, std::size_t t, Prg& prg) {
  std::vector<std::size_t> all(n);
  std::iota(all.begin(), all.end(), std::size_t{0});
  for (std::size_t i = n; i > 1; --i) std::swap(all[i - 1], all[prg.next_u64() % i]);
  all.resize(t);
  return all;
}

template <class S>
std::vector<std::vector<typename S::Element>> pick(const std::vector<std::vector<typename S::Element>>& shares,
                                                   const std::vector<std::size_t>& who) {
  std::vector<std::vector<typename S::Element>> out;
  for (std::size_t j : who) out.push_back(shares[j]);
  return out;
}

template <class S>
void check_roundtrip(const S& scheme, std::size_t size, Prg& prg) {
  const auto secrets = random_elements(scheme, size, prg);
  const auto shares = scheme.share(secrets, prg);
  REQUIRE(shares.size() == scheme.parties());
  for (int trial = 0; trial < 6; ++trial) {
    const std::size_t count = scheme.threshold() + static_cast<std::size_t>(trial % 2) *
                                                       (scheme.parties() - scheme.threshold());
    const auto who = random_subset(scheme.parties(), count, prg);
    const auto subset = pick<S>(shares, who);
    CHECK(scheme.reconstruct(who, subset) == secrets);
    CHECK(scheme.consistent(who, subset));
  }
}

}  // namespace

TEMPLATE_TEST_CASE("Shamir: any t shares reconstruct", "[sharing][shamir]", Fp61, Fp127) {
  Prg prg = seeded(1);
  for (auto [t, n] : std::vector<std::pair<std::size_t, std::size_t>>{{1, 2}, {2, 2}, {2, 3}, {3, 5}, {4, 7}, {7, 10}}) {
    const Shamir<TestType> scheme(t, n);
    CHECK(scheme.threshold() == t);
    CHECK(scheme.parties() == n);
    for (std::size_t size : {0U, 1U, 2U, 63U, 64U, 65U, 2049U, 5000U}) {
      INFO("t = " << t << ", n = " << n << ", batch = " << size);
      check_roundtrip(scheme, size, prg);
    }
  }
  const Shamir<TestType> scheme(3, 5);
  check_roundtrip(scheme, 100000, prg);
  // Thresholds above 63 (Fp61 folds its 128-bit sums every 63 terms).
  const Shamir<TestType> wide(70, 80);
  check_roundtrip(wide, 65, prg);
}

TEST_CASE("Shamir over GmpField with a 256-bit prime", "[sharing][shamir]") {
  Prg prg = seeded(2);
  const GmpField field(bigint::random_prime(256, prg));
  for (auto [t, n] : std::vector<std::pair<std::size_t, std::size_t>>{{2, 3}, {3, 5}, {5, 5}}) {
    const Shamir<GmpField> scheme(field, t, n);
    for (std::size_t size : {1U, 2U, 65U}) check_roundtrip(scheme, size, prg);
  }
  const Shamir<GmpField> scheme(field, 3, 5);
  check_roundtrip(scheme, 3000, prg);
  // Shares are canonical field elements.
  const auto shares = scheme.share(random_elements(scheme, 100, prg), prg);
  for (const auto& s : shares) {
    for (const auto& e : s) CHECK(field.contains(e));
  }
}

TEST_CASE("Shamir: boundary secrets", "[sharing][shamir]") {
  Prg prg = seeded(3);
  const Shamir<Fp61> scheme(3, 5);
  const std::vector<Fp61> secrets = {Fp61::zero(), Fp61::one(), -Fp61::one(), Fp61{Fp61::modulus - 2}};
  const auto shares = scheme.share(secrets, prg);
  CHECK(scheme.reconstruct({0, 1, 2}, pick<Shamir<Fp61>>(shares, {0, 1, 2})) == secrets);
  CHECK(scheme.reconstruct({4, 3, 1}, pick<Shamir<Fp61>>(shares, {4, 3, 1})) == secrets);
}

TEST_CASE("Shamir: interpolation at any point follows the polynomial", "[sharing][shamir]") {
  Prg prg = seeded(4);
  const Shamir<Fp61> scheme(3, 6);
  // Known polynomials f_i(x) = a_i + b_i x + c_i x^2.
  const std::size_t size = 70;
  std::vector<Fp61> a(size), b(size), c(size);
  for (std::size_t i = 0; i < size; ++i) {
    a[i] = Fp61::random(prg);
    b[i] = Fp61::random(prg);
    c[i] = Fp61::random(prg);
  }
  std::vector<std::span<const Fp61>> coeffs = {a, b, c};
  std::vector<std::vector<Fp61>> shares(6, std::vector<Fp61>(size));
  std::vector<std::span<Fp61>> out(shares.begin(), shares.end());
  scheme.share_with_coefficients(coeffs, out);
  for (std::size_t j = 0; j < 6; ++j) {
    const Fp61 x{j + 1};
    for (std::size_t i = 0; i < size; ++i) REQUIRE(shares[j][i] == a[i] + b[i] * x + c[i] * x * x);
  }
  for (const Fp61 z : {Fp61{0}, Fp61{1}, Fp61{7}, Fp61{123456789}, -Fp61::one()}) {
    const std::vector<std::size_t> who = {5, 2, 3};
    const auto values = scheme.interpolate_at(z, who, pick<Shamir<Fp61>>(shares, who));
    for (std::size_t i = 0; i < size; ++i) REQUIRE(values[i] == a[i] + b[i] * z + c[i] * z * z);
  }
  // Lagrange coefficients at a share's own point select that share.
  const std::vector<std::size_t> who = {0, 1, 2};
  const auto lambda = scheme.lagrange_coefficients(who, Fp61{2});
  CHECK(lambda == std::vector<Fp61>{Fp61{0}, Fp61{1}, Fp61{0}});
  // At 0 with points 1, 2, 3: 3, -3, 1.
  CHECK(scheme.lagrange_coefficients(who, Fp61{0}) == std::vector<Fp61>{Fp61{3}, -Fp61{3}, Fp61{1}});
}

TEST_CASE("Shamir: custom evaluation points", "[sharing][shamir]") {
  Prg prg = seeded(5);
  const Shamir<Fp127> scheme(2, std::vector<Fp127>{Fp127{5}, Fp127{9}, -Fp127::one(), Fp127::from_words(1, 1)});
  check_roundtrip(scheme, 65, prg);
}

TEST_CASE("Shamir is linear: sums and public multiples of shares", "[sharing][shamir]") {
  Prg prg = seeded(6);
  const Shamir<Fp61> scheme(3, 5);
  const auto x = random_elements(scheme, 64, prg), y = random_elements(scheme, 64, prg);
  const auto xs = scheme.share(x, prg), ys = scheme.share(y, prg);
  const Fp61 k{424242};
  std::vector<std::vector<Fp61>> combo(5, std::vector<Fp61>(64));
  for (std::size_t j = 0; j < 5; ++j) {
    for (std::size_t i = 0; i < 64; ++i) combo[j][i] = xs[j][i] + k * ys[j][i];
  }
  const auto opened = scheme.reconstruct({1, 3, 4}, pick<Shamir<Fp61>>(combo, {1, 3, 4}));
  for (std::size_t i = 0; i < 64; ++i) CHECK(opened[i] == x[i] + k * y[i]);
}

TEST_CASE("Shamir: t-1 shares are uniform whatever the secret", "[sharing][shamir]") {
  // For secret 0 and secret p-1, the t-1 = 2 shares of parties 0 and 3 should
  // each be uniform and independent of each other: a chi-square over the
  // 4x4 joint histogram of their top two bits (15 degrees of freedom, 0.999
  // quantile 37.7).
  Prg prg = seeded(7);
  const Shamir<Fp61> scheme(3, 5);
  for (const Fp61 secret : {Fp61::zero(), -Fp61::one()}) {
    const std::vector<Fp61> secrets(20000, secret);
    const auto shares = scheme.share(secrets, prg);
    std::array<double, 16> counts{};
    for (std::size_t i = 0; i < secrets.size(); ++i) {
      counts[((shares[0][i].value() >> 59) << 2) | (shares[3][i].value() >> 59)] += 1;
    }
    const double expected = static_cast<double>(secrets.size()) / 16.0;
    double chi2 = 0;
    for (double c : counts) chi2 += (c - expected) * (c - expected) / expected;
    CHECK(chi2 < 37.7);
  }
  // Structural check: with t-1 shares fixed, every secret is still possible.
  // Given shares at x=1 and x=2 and ANY candidate secret s, a degree-2
  // polynomial through (0, s), (1, y1), (2, y2) exists; interpolating a third
  // share from it and reconstructing from {1, 2, 3} returns s.
  const auto shares = scheme.share(std::vector<Fp61>{Fp61{99}}, prg);
  for (const Fp61 candidate : {Fp61{0}, Fp61{99}, Fp61{12345}}) {
    const std::vector<Fp61> xs = {Fp61{0}, Fp61{1}, Fp61{2}};
    const auto lambda = Shamir<Fp61>::lagrange(scheme.ops(), xs, Fp61{3});
    const Fp61 third = lambda[0] * candidate + lambda[1] * shares[0][0] + lambda[2] * shares[1][0];
    const std::vector<std::vector<Fp61>> fake = {shares[0], shares[1], {third}};
    CHECK(scheme.reconstruct({0, 1, 2}, fake) == std::vector<Fp61>{candidate});
  }
}

TEST_CASE("Shamir: a wrong share is detected when more than t are present", "[sharing][shamir]") {
  Prg prg = seeded(8);
  const Shamir<Fp61> scheme(3, 5);
  const auto secrets = random_elements(scheme, 3000, prg);
  auto shares = scheme.share(secrets, prg);
  const std::vector<std::size_t> all = {0, 1, 2, 3, 4};
  CHECK(scheme.consistent(all, shares));
  shares[4][2500] += Fp61::one();
  CHECK_FALSE(scheme.consistent(all, shares));
  // Still fine without the tampered share.
  CHECK(scheme.consistent(std::vector<std::size_t>{0, 1, 2, 3}, pick<Shamir<Fp61>>(shares, {0, 1, 2, 3})));
  // Over GmpField too.
  const GmpField field(bigint::random_prime(128, prg));
  const Shamir<GmpField> big(field, 2, 4);
  auto bshares = big.share(random_elements(big, 10, prg), prg);
  CHECK(big.consistent(std::span<const std::size_t>(all).first(4), bshares));
  bshares[0][3] = field.add(bshares[0][3], 1);
  CHECK_FALSE(big.consistent(std::span<const std::size_t>(all).first(4), bshares));
}

TEST_CASE("Shamir: misuse throws InvalidArgument", "[sharing][shamir]") {
  Prg prg = seeded(9);
  CHECK_THROWS_WITH(Shamir<Fp61>(4, 3), Catch::Contains("threshold 4 exceeds the number of parties 3"));
  CHECK_THROWS_AS(Shamir<Fp61>(1, 1), InvalidArgument);
  CHECK_THROWS_AS(Shamir<Fp61>(0, 3), InvalidArgument);
  CHECK_THROWS_AS(Shamir<Fp61>(2, 0), InvalidArgument);
  CHECK_THROWS_WITH(Shamir<Fp61>(2, std::vector<Fp61>{Fp61{1}, Fp61{2}, Fp61{1}}),
                    Catch::Contains("parties 0 and 2 have the same evaluation point"));
  CHECK_THROWS_WITH(Shamir<Fp61>(2, std::vector<Fp61>{Fp61{1}, Fp61{0}}), Catch::Contains("zero"));
  const GmpField small(mpz_class(101));
  CHECK_THROWS_AS(Shamir<GmpField>(small, 2, 101), InvalidArgument);
  CHECK_THROWS_AS(Shamir<GmpField>(small, 2, std::vector<mpz_class>{1, 101}), InvalidArgument);
  CHECK_NOTHROW(Shamir<GmpField>(small, 2, 100));

  const Shamir<Fp61> scheme(3, 5);
  const auto secrets = random_elements(scheme, 10, prg);
  const auto shares = scheme.share(secrets, prg);
  // Too few shares, duplicate parties, out-of-range index, mismatched sizes.
  CHECK_THROWS_WITH(scheme.reconstruct({0, 1}, pick<Shamir<Fp61>>(shares, {0, 1})),
                    Catch::Contains("2 shares given, threshold is 3"));
  CHECK_THROWS_WITH(scheme.reconstruct({0, 1, 1}, pick<Shamir<Fp61>>(shares, {0, 1, 1})),
                    Catch::Contains("party 1 appears twice"));
  CHECK_THROWS_AS(scheme.reconstruct({0, 1, 5}, pick<Shamir<Fp61>>(shares, {0, 1, 2})), InvalidArgument);
  CHECK_THROWS_AS(scheme.reconstruct({0, 1, 2}, pick<Shamir<Fp61>>(shares, {0, 1})), InvalidArgument);
  auto uneven = pick<Shamir<Fp61>>(shares, {0, 1, 2});
  uneven[1].pop_back();
  CHECK_THROWS_WITH(scheme.reconstruct({0, 1, 2}, uneven), Catch::Contains("party 1 has 9 elements"));
  std::vector<std::vector<Fp61>> out(4, std::vector<Fp61>(10));
  std::vector<std::span<Fp61>> views(out.begin(), out.end());
  CHECK_THROWS_AS(scheme.share(secrets, prg, views), InvalidArgument);
  std::vector<std::span<const Fp61>> two = {secrets, secrets};
  std::vector<std::vector<Fp61>> five(5, std::vector<Fp61>(10));
  std::vector<std::span<Fp61>> five_views(five.begin(), five.end());
  CHECK_THROWS_AS(scheme.share_with_coefficients(two, five_views), InvalidArgument);
}
