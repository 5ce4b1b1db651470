// Tests for privfin/sharing/replicated.hpp: 2-out-of-3 replicated sharing
// reconstructs from every pair of parties, local operations are
// homomorphic, the local multiplication/AND terms with zero shares and
// resharing give the product, tampering is reported, misuse throws.
#include <catch2/catch.hpp>

#include <privfin/core/prg.hpp>
#include <privfin/core/ring.hpp>
#include <privfin/sharing/replicated.hpp>

#include <array>
#include <cstdint>
#include <vector>

using namespace privfin;
namespace rep = privfin::sharing::replicated;

namespace {

Prg seeded(unsigned char tag, unsigned char extra = 0) {
  Prg::Seed seed{};
  seed[0] = std::byte{tag};
  seed[1] = std::byte{extra};
  seed[2] = std::byte{0xc3};
  return Prg(seed);
}

template <class T>
std::vector<T> random_batch(std::size_t size, Prg& prg) {
  std::vector<T> v(size);
  prg.fill(std::span<T>(v));
  return v;
}

// The pairwise PRGs of a three-party session: component c is driven by a seed
// known to parties c and c-1; each party has its own Prg objects.
struct Session {
  std::array<Prg, 3> first{seeded(100, 0), seeded(100, 1), seeded(100, 2)};   // party i: component i
  std::array<Prg, 3> second{seeded(100, 1), seeded(100, 2), seeded(100, 0)};  // party i: component i+1
};

const std::size_t batch_sizes[] = {1, 2, 63, 64, 65, 100000};

}  // namespace

TEMPLATE_TEST_CASE_SIG("replicated arithmetic shares reconstruct from any two parties", "[sharing][replicated]",
                       ((unsigned K), K), 8, 16, 32, 64) {
  using R = Z2k<K>;
  Prg prg = seeded(1, static_cast<unsigned char>(K));
  for (std::size_t size : batch_sizes) {
    INFO("batch = " << size);
    auto secrets = random_batch<R>(size, prg);
    secrets[0] = R::from_signed(-1);
    if (size > 1) secrets[1] = R::zero();
    const auto parties = rep::share<K>(secrets, prg);
    CHECK_FALSE(rep::find_mismatch(parties).has_value());
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK(parties[i].size() == size);
      for (std::size_t j = 0; j < 3; ++j) {
        if (i == j) continue;
        CHECK(rep::reconstruct(parties[i].view(), i, parties[j].view(), j) == secrets);
        CHECK(rep::consistent(parties[i].view(), i, parties[j].view(), j));
      }
      // The MPC opening: own pair plus the missing component x_{i+2} (party i+1's second).
      std::vector<R> out(size);
      rep::reconstruct_with_missing<R>(parties[i].view(), parties[(i + 1) % 3].second, out);
      CHECK(out == secrets);
    }
  }
}

TEST_CASE("replicated boolean shares reconstruct from any two parties", "[sharing][replicated]") {
  Prg prg = seeded(2);
  for (std::size_t size : batch_sizes) {
    const auto words = random_batch<std::uint64_t>(size, prg);
    const auto parties = rep::share_bits(words, prg);
    CHECK_FALSE(rep::find_mismatch(parties).has_value());
    for (std::size_t i = 0; i < 3; ++i) {
      for (std::size_t j = 0; j < 3; ++j) {
        if (i != j) CHECK(rep::reconstruct(parties[i].view(), i, parties[j].view(), j) == words);
      }
    }
  }
}

TEST_CASE("replicated arithmetic local operations are homomorphic", "[sharing][replicated]") {
  Prg prg = seeded(3);
  const std::size_t n = 65;
  const auto x = random_batch<Z2k<64>>(n, prg), y = random_batch<Z2k<64>>(n, prg), c = random_batch<Z2k<64>>(n, prg);
  const Z2k<64> scalar = Z2k<64>::from_signed(-7);
  const auto xs = rep::share<64>(x, prg), ys = rep::share<64>(y, prg);
  std::array<rep::ArithShares<64>, 3> sum, diff, neg, plus_c, times_s, times_c;
  for (std::size_t i = 0; i < 3; ++i) {
    sum[i] = rep::add(xs[i], ys[i]);
    diff[i] = rep::sub(xs[i], ys[i]);
    neg[i] = rep::ArithShares<64>(n);
    rep::negate<64>(xs[i].view(), neg[i].mut_view());
    plus_c[i] = rep::ArithShares<64>(n);
    rep::add_public<64>(xs[i].view(), c, i, plus_c[i].mut_view());
    times_s[i] = rep::ArithShares<64>(n);
    rep::mul_public<64>(xs[i].view(), scalar, times_s[i].mut_view());
    times_c[i] = rep::ArithShares<64>(n);
    rep::mul_public<64>(xs[i].view(), std::span<const Z2k<64>>(c), times_c[i].mut_view());
  }
  for (const auto* s : {&sum, &diff, &neg, &plus_c, &times_s, &times_c}) CHECK_FALSE(rep::find_mismatch(*s));
  const auto open = [](const std::array<rep::ArithShares<64>, 3>& p) {
    return rep::reconstruct(p[0].view(), 0, p[1].view(), 1);
  };
  const auto s = open(sum), d = open(diff), ng = open(neg), pc = open(plus_c), ts = open(times_s), tc = open(times_c);
  for (std::size_t k = 0; k < n; ++k) {
    CHECK(s[k] == x[k] + y[k]);
    CHECK(d[k] == x[k] - y[k]);
    CHECK(ng[k] == -x[k]);
    CHECK(pc[k] == x[k] + c[k]);
    CHECK(ts[k] == x[k] * scalar);
    CHECK(tc[k] == x[k] * c[k]);
  }
  // In place: the output may alias the input.
  auto in_place = xs;
  for (std::size_t i = 0; i < 3; ++i) rep::add<64>(in_place[i].view(), ys[i].view(), in_place[i].mut_view());
  CHECK(open(in_place) == s);
}

TEMPLATE_TEST_CASE_SIG("replicated multiplication: local terms, zero shares, resharing", "[sharing][replicated]",
                       ((unsigned K), K), 8, 32, 64) {
  using R = Z2k<K>;
  Prg prg = seeded(4, static_cast<unsigned char>(K));
  Session session;
  for (std::size_t size : batch_sizes) {
    INFO("batch = " << size);
    auto x = random_batch<R>(size, prg), y = random_batch<R>(size, prg);
    x[0] = R::from_signed(-1);
    y[0] = R::from_signed(-1);
    const auto xs = rep::share<K>(x, prg), ys = rep::share<K>(y, prg);
    // Unmasked, the three local terms sum to x*y.
    std::array<std::vector<R>, 3> z;
    for (std::size_t i = 0; i < 3; ++i) z[i] = rep::mul_local(xs[i], ys[i]);
    // Masked with zero shares, then each party i sends z_i to party i-1.
    std::array<std::vector<R>, 3> masked, alpha;
    for (std::size_t i = 0; i < 3; ++i) {
      alpha[i].resize(size);
      rep::zero_share<R>(session.first[i], session.second[i], alpha[i]);
      masked[i].resize(size);
      rep::mul_local<K>(xs[i].view(), ys[i].view(), alpha[i], masked[i]);
    }
    std::array<rep::ArithShares<K>, 3> product;
    for (std::size_t i = 0; i < 3; ++i) product[i] = rep::ArithShares<K>(masked[i], masked[(i + 1) % 3]);
    const auto opened = rep::reconstruct(product[0].view(), 0, product[2].view(), 2);
    for (std::size_t k = 0; k < size; ++k) {
      REQUIRE(z[0][k] + z[1][k] + z[2][k] == x[k] * y[k]);
      REQUIRE(alpha[0][k] + alpha[1][k] + alpha[2][k] == R::zero());
      REQUIRE(opened[k] == x[k] * y[k]);
    }
    if (size >= 64) CHECK(masked[0] != z[0]);  // the zero share really masks
  }
}

TEST_CASE("replicated dot_local gives a 3-out-of-3 sharing of the inner product", "[sharing][replicated]") {
  Prg prg = seeded(5);
  for (std::size_t size : {1U, 64U, 1000U}) {
    const auto x = random_batch<Z2k<64>>(size, prg), y = random_batch<Z2k<64>>(size, prg);
    const auto xs = rep::share<64>(x, prg), ys = rep::share<64>(y, prg);
    Z2k<64> total{};
    for (std::size_t i = 0; i < 3; ++i) total += rep::dot_local<64>(xs[i].view(), ys[i].view());
    CHECK(total == ring::dot<64>(x, y));
  }
}

TEST_CASE("replicated boolean operations and AND", "[sharing][replicated]") {
  Prg prg = seeded(6);
  Session session;
  for (std::size_t size : batch_sizes) {
    const auto x = random_batch<std::uint64_t>(size, prg), y = random_batch<std::uint64_t>(size, prg);
    const auto c = random_batch<std::uint64_t>(size, prg);
    const auto xs = rep::share_bits(x, prg), ys = rep::share_bits(y, prg);
    std::array<rep::BoolShares, 3> x_xor_y, x_xor_c, not_x, x_and_c, x_and_y;
    std::array<std::vector<std::uint64_t>, 3> masked;
    for (std::size_t i = 0; i < 3; ++i) {
      for (auto* s : {&x_xor_y, &x_xor_c, &not_x, &x_and_c}) (*s)[i] = rep::BoolShares(size);
      rep::xor_shares(xs[i].view(), ys[i].view(), x_xor_y[i].mut_view());
      rep::xor_public(xs[i].view(), c, i, x_xor_c[i].mut_view());
      rep::not_shares(xs[i].view(), i, not_x[i].mut_view());
      rep::and_public(xs[i].view(), c, x_and_c[i].mut_view());
      std::vector<std::uint64_t> alpha(size);
      rep::zero_share<std::uint64_t>(session.first[i], session.second[i], alpha);
      masked[i].resize(size);
      rep::and_local(xs[i].view(), ys[i].view(), alpha, masked[i]);
    }
    for (std::size_t i = 0; i < 3; ++i) x_and_y[i] = rep::BoolShares(masked[i], masked[(i + 1) % 3]);
    const auto open = [](const std::array<rep::BoolShares, 3>& p) {
      REQUIRE_FALSE(rep::find_mismatch(p));
      return rep::reconstruct(p[1].view(), 1, p[2].view(), 2);
    };
    const auto a = open(x_xor_y), b = open(x_xor_c), n = open(not_x), d = open(x_and_c), e = open(x_and_y);
    for (std::size_t k = 0; k < size; ++k) {
      REQUIRE(a[k] == (x[k] ^ y[k]));
      REQUIRE(b[k] == (x[k] ^ c[k]));
      REQUIRE(n[k] == ~x[k]);
      REQUIRE(d[k] == (x[k] & c[k]));
      REQUIRE(e[k] == (x[k] & y[k]));
    }
  }
}

TEST_CASE("replicated random_share from pairwise PRGs is consistent", "[sharing][replicated]") {
  Session session;
  std::array<rep::ArithShares<64>, 3> r;
  for (std::size_t i = 0; i < 3; ++i) {
    r[i] = rep::ArithShares<64>(1000);
    rep::random_share<Z2k<64>>(session.first[i], session.second[i], r[i].mut_view());
  }
  CHECK_FALSE(rep::find_mismatch(r));
  const auto opened = rep::reconstruct(r[0].view(), 0, r[1].view(), 1);
  CHECK(opened != std::vector<Z2k<64>>(1000));
}

TEST_CASE("replicated: a single party's view does not depend on the secret", "[sharing][replicated]") {
  // Party 0 holds (x_0, x_1): pure PRG output, identical for any secret.
  const std::vector<Z2k<64>> zeros(256), minus_ones(256, Z2k<64>::from_signed(-1));
  Prg a = seeded(7), b = seeded(7);
  const auto p0 = rep::share<64>(zeros, a), p1 = rep::share<64>(minus_ones, b);
  CHECK(p0[0] == p1[0]);
  // Parties 1 and 2 see x_2 = x - x_0 - x_1: uniform for either secret. A
  // coarse chi-square on its top 4 bits (15 degrees of freedom; 37.7 is the
  // 0.999 quantile) for two very different constant secrets.
  for (const auto* secret : {&zeros, &minus_ones}) {
    Prg prg = seeded(8);
    std::array<double, 16> counts{};
    const std::size_t rounds = 200;
    for (std::size_t r = 0; r < rounds; ++r) {
      const auto p = rep::share<64>(*secret, prg);
      for (const auto& v : p[1].second) counts[v.value() >> 60] += 1;
    }
    const double expected = static_cast<double>(rounds * 256) / 16.0;
    double chi2 = 0;
    for (double c : counts) chi2 += (c - expected) * (c - expected) / expected;
    CHECK(chi2 < 37.7);
  }
}

TEST_CASE("replicated: tampered shares are reported", "[sharing][replicated]") {
  Prg prg = seeded(9);
  const auto x = random_batch<Z2k<64>>(100, prg);
  auto parties = rep::share<64>(x, prg);
  parties[1].first[17] += Z2k<64>::one();  // party 1's copy of x_1
  const auto m = rep::find_mismatch(parties[0].view(), 0, parties[1].view(), 1);
  REQUIRE(m.has_value());
  CHECK(*m == rep::Mismatch{0, 1, 1, 17});
  CHECK(m->describe() == "parties 0 and 1 hold different values of component x_1 at element 17");
  CHECK_FALSE(rep::consistent(parties[1].view(), 1, parties[0].view(), 0));
  CHECK(rep::find_mismatch(parties) == m);
  CHECK_THROWS_AS(rep::reconstruct(parties[0].view(), 0, parties[1].view(), 1), InvalidArgument);
  CHECK_THROWS_WITH(rep::reconstruct(parties[1].view(), 1, parties[0].view(), 0),
                    Catch::Contains("component x_1 at element 17"));
  // Parties 1 and 2 do not both hold x_1, so they cannot see this tampering.
  CHECK(rep::consistent(parties[1].view(), 1, parties[2].view(), 2));

  auto bits = rep::share_bits(random_batch<std::uint64_t>(10, prg), prg);
  bits[2].second[9] ^= 1U;  // party 2's copy of x_0, also held by party 0
  const auto mb = rep::find_mismatch(bits);
  REQUIRE(mb.has_value());
  CHECK(*mb == rep::Mismatch{0, 2, 0, 9});
}

TEST_CASE("replicated: misuse throws InvalidArgument", "[sharing][replicated]") {
  Prg prg = seeded(10);
  const auto x = random_batch<Z2k<64>>(10, prg);
  const auto parties = rep::share<64>(x, prg);
  CHECK_THROWS_AS(rep::reconstruct(parties[0].view(), 0, parties[0].view(), 0), InvalidArgument);
  CHECK_THROWS_AS(rep::reconstruct(parties[0].view(), 0, parties[1].view(), 3), InvalidArgument);
  const auto other = rep::share<64>(random_batch<Z2k<64>>(11, prg), prg);
  CHECK_THROWS_AS(rep::reconstruct(parties[0].view(), 0, other[1].view(), 1), InvalidArgument);
  CHECK_THROWS_AS(rep::add(parties[0], other[0]), InvalidArgument);
  std::vector<Z2k<64>> out(9);
  CHECK_THROWS_AS(rep::mul_local<64>(parties[0].view(), parties[0].view(), out), InvalidArgument);
  rep::ArithShares<64> dst(10);
  CHECK_THROWS_AS(rep::add_public<64>(parties[0].view(), std::span<const Z2k<64>>(x), 5, dst.mut_view()),
                  InvalidArgument);
  CHECK_THROWS_AS(rep::ArithShares<64>(std::vector<Z2k<64>>(3), std::vector<Z2k<64>>(4)), InvalidArgument);
  CHECK_THROWS_AS(rep::unpack_bits(std::vector<std::uint64_t>(1), 65), InvalidArgument);
}

TEST_CASE("replicated: bit packing round-trips", "[sharing][replicated]") {
  Prg prg = seeded(11);
  for (std::size_t count : {0U, 1U, 63U, 64U, 65U, 1000U}) {
    std::array<bool, 1000> bits{};
    for (std::size_t k = 0; k < count; ++k) bits[k] = (prg.next_u64() & 1U) != 0;
    const auto words = rep::pack_bits(std::span<const bool>(bits.data(), count));
    CHECK(words.size() == (count + 63) / 64);
    const auto back = rep::unpack_bits(words, count);
    REQUIRE(back.size() == count);
    for (std::size_t k = 0; k < count; ++k) CHECK(back[k] == bits[k]);
    if (count > 0) CHECK((words[0] & 1U) == (bits[0] ? 1U : 0U));
  }
}
