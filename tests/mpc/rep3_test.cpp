// Rep3's own operations against plaintext arithmetic: input/reveal, local
// linear ops, mul, dot, matmul, boolean ops, randomness, conversions'
// first steps, and the failure paths.
#include <catch2/catch.hpp>

#include "mpc/mpc_test_support.hpp"
#include "privfin/core/error.hpp"
#include "privfin/mpc/rep3.hpp"

using namespace privfin;
using R = Z2k<64>;

namespace {
const std::size_t sizes[] = {1, 2, 63, 64, 65, 100'000};
}

TEST_CASE("Rep3 input, reveal and local arithmetic match plaintext", "[mpc][rep3]") {
  for (std::size_t n : sizes) {
    INFO("n = " << n);
    Prg prg(test::seed_from(n));
    const auto a = test::random_ring(prg, n);
    const auto b = test::random_ring(prg, n);
    const auto c = test::random_ring(prg, n);
    const R scalar = R::from_signed(-12345);
    std::array<std::vector<R>, 3> to_one;
    test::run_rep3([&](mpc::Rep3& p) {
      const auto x = p.input(0, p.party_id() == 0 ? std::span<const R>(a) : std::span<const R>{}, n);
      const auto y = p.input(2, p.party_id() == 2 ? std::span<const R>(b) : std::span<const R>{}, n);
      const auto sum = p.reveal(p.add(x, y));
      const auto diff = p.reveal(p.sub(x, y));
      const auto neg = p.reveal(p.neg(x));
      const auto addp = p.reveal(p.add_public(x, std::span<const R>(c)));
      const auto adds = p.reveal(p.add_public(x, scalar));
      const auto mulp = p.reveal(p.mul_public(x, std::span<const R>(c)));
      const auto muls = p.reveal(p.mul_public(y, scalar));
      const auto cons = p.reveal(p.constant(c));
      const auto to1 = p.reveal_to(1, x);
      to_one[p.party_id()] = to1;
      if (p.party_id() != 0) return;  // Catch2 asserts from one thread only
      for (std::size_t k = 0; k < n; ++k) {
        REQUIRE(sum[k] == a[k] + b[k]);
        REQUIRE(diff[k] == a[k] - b[k]);
        REQUIRE(neg[k] == -a[k]);
        REQUIRE(addp[k] == a[k] + c[k]);
        REQUIRE(adds[k] == a[k] + scalar);
        REQUIRE(mulp[k] == a[k] * c[k]);
        REQUIRE(muls[k] == b[k] * scalar);
        REQUIRE(cons[k] == c[k]);
      }
    });
    REQUIRE(to_one[1] == a);
    REQUIRE(to_one[0].empty());
    REQUIRE(to_one[2].empty());
  }
}

TEST_CASE("Rep3 multiplication and dot products match plaintext", "[mpc][rep3]") {
  for (std::size_t n : sizes) {
    INFO("n = " << n);
    Prg prg(test::seed_from(100 + n));
    const auto a = test::random_ring(prg, n);
    const auto b = test::random_ring(prg, n);
    test::run_rep3([&](mpc::Rep3& p) {
      const auto x = p.input(1, p.party_id() == 1 ? std::span<const R>(a) : std::span<const R>{}, n);
      const auto y = p.input(0, p.party_id() == 0 ? std::span<const R>(b) : std::span<const R>{}, n);
      const auto prod = p.reveal(p.mul(x, y));
      const auto sq = p.reveal(p.mul(x, x));
      // mul_into reuses an output that held a larger and then a smaller batch.
      auto reused = p.random_arith(n + 7);
      p.mul_into(x, y, reused);
      const auto prod_into = p.reveal(reused);
      p.mul_into(y, y, reused);
      const auto sq_into = p.reveal(reused);
      const auto whole = p.reveal(p.dot(x, y, n));
      const auto blocks = n % 5 == 0 ? p.reveal(p.dot(x, y, 5)) : std::vector<R>{};
      if (p.party_id() != 0) return;
      for (std::size_t k = 0; k < n; ++k) {
        REQUIRE(prod[k] == a[k] * b[k]);
        REQUIRE(sq[k] == a[k] * a[k]);
      }
      REQUIRE(prod_into == prod);
      REQUIRE(sq_into.size() == n);
      for (std::size_t k = 0; k < n; ++k) REQUIRE(sq_into[k] == b[k] * b[k]);
      R expect{};
      for (std::size_t k = 0; k < n; ++k) expect += a[k] * b[k];
      REQUIRE(whole.size() == 1);
      REQUIRE(whole[0] == expect);
      if (n % 5 == 0) {
        REQUIRE(blocks.size() == n / 5);
        for (std::size_t j = 0; j < n / 5; ++j) {
          R e{};
          for (std::size_t k = 0; k < 5; ++k) e += a[5 * j + k] * b[5 * j + k];
          REQUIRE(blocks[j] == e);
        }
      }
    });
  }
}

TEST_CASE("Rep3 matrix product matches plaintext and costs rows*cols", "[mpc][rep3]") {
  const std::size_t dims[][3] = {{1, 1, 1}, {3, 7, 2}, {17, 65, 9}, {40, 40, 40}};
  for (const auto& d : dims) {
    const std::size_t rows = d[0], inner = d[1], cols = d[2];
    Prg prg(test::seed_from(rows * 1000 + inner));
    const auto a = test::random_ring(prg, rows * inner);
    const auto b = test::random_ring(prg, inner * cols);
    std::array<std::uint64_t, 3> sent{};
    std::array<bool, 3> rejected{};
    test::run_rep3([&](mpc::Rep3& p) {
      const auto x = p.input(0, p.party_id() == 0 ? std::span<const R>(a) : std::span<const R>{}, a.size());
      const auto y = p.input(1, p.party_id() == 1 ? std::span<const R>(b) : std::span<const R>{}, b.size());
      p.network().reset_counters();
      const auto z = p.matmul(x, y, rows, inner, cols);
      sent[p.party_id()] = p.network().total_counters().bytes_sent;
      const auto c = p.reveal(z);
      try {
        (void)p.matmul(x, y, rows + 1, inner, cols);
      } catch (const InvalidArgument&) {
        rejected[p.party_id()] = true;
      }
      if (p.party_id() != 0) return;
      for (std::size_t i = 0; i < rows; ++i) {
        for (std::size_t j = 0; j < cols; ++j) {
          R e{};
          for (std::size_t k = 0; k < inner; ++k) e += a[i * inner + k] * b[k * cols + j];
          REQUIRE(c[i * cols + j] == e);
        }
      }
    });
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK(sent[i] == 8 * rows * cols);
      CHECK(rejected[i]);
    }
  }
}

TEST_CASE("Rep3 boolean operations match plaintext", "[mpc][rep3]") {
  for (std::size_t n : sizes) {
    INFO("words = " << n);
    Prg prg(test::seed_from(200 + n));
    std::vector<std::uint64_t> a(n), b(n), c(n);
    prg.fill(std::span<std::uint64_t>(a));
    prg.fill(std::span<std::uint64_t>(b));
    prg.fill(std::span<std::uint64_t>(c));
    a[0] = 0;
    b[0] = ~std::uint64_t{0};
    test::run_rep3([&](mpc::Rep3& p) {
      const auto x = p.input_bits(2, p.party_id() == 2 ? std::span<const std::uint64_t>(a)
                                                       : std::span<const std::uint64_t>{}, n);
      const auto y = p.input_bits(1, p.party_id() == 1 ? std::span<const std::uint64_t>(b)
                                                       : std::span<const std::uint64_t>{}, n);
      const auto x_and = p.reveal_bits(p.and_(x, y));
      const auto x_xor = p.reveal_bits(p.xor_(x, y));
      const auto x_pub = p.reveal_bits(p.xor_public(x, c));
      if (p.party_id() != 0) return;
      for (std::size_t k = 0; k < n; ++k) {
        REQUIRE(x_and[k] == (a[k] & b[k]));
        REQUIRE(x_xor[k] == (a[k] ^ b[k]));
        REQUIRE(x_pub[k] == (a[k] ^ c[k]));
      }
    });
  }
}

TEST_CASE("Rep3 random sharings are consistent and fresh", "[mpc][rep3]") {
  test::run_rep3([&](mpc::Rep3& p) {
    const auto r1 = p.reveal(p.random_arith(1000));
    const auto r2 = p.reveal(p.random_arith(1000));
    const auto b1 = p.reveal_bits(p.random_bits(100));
    const auto b2 = p.reveal_bits(p.random_bits(100));
    // Sharings are valid: x - x == 0 after the multiplication too.
    const auto x = p.random_arith(100);
    const auto z = p.reveal(p.sub(p.mul(x, x), p.mul(x, x)));
    if (p.party_id() != 0) return;
    REQUIRE(r1 != r2);
    std::size_t zeros = 0;
    for (auto v : r1) zeros += v == R{} ? 1U : 0U;
    REQUIRE(zeros < 2);
    REQUIRE(b1 != b2);
    for (auto v : z) REQUIRE(v == R{});
  });
}

TEST_CASE("Rep3 conversion components sum to the input", "[mpc][rep3]") {
  Prg prg(test::seed_from(7));
  const std::size_t n = 130;
  const auto a = test::random_ring(prg, n);
  std::vector<std::uint64_t> words(3);
  prg.fill(std::span<std::uint64_t>(words));
  test::run_rep3([&](mpc::Rep3& p) {
    const auto x = p.input(0, p.party_id() == 0 ? std::span<const R>(a) : std::span<const R>{}, n);
    const auto comps = p.arith_components(x);
    std::vector<R> total(n);
    for (const auto& c : comps) {
      const auto w = p.reveal_bits(c);
      for (std::size_t k = 0; k < n; ++k) total[k] += R{w[k]};
    }
    const auto b = p.input_bits(1, p.party_id() == 1 ? std::span<const std::uint64_t>(words)
                                                     : std::span<const std::uint64_t>{}, 3);
    const auto bits = p.bit_components(b, 150);
    std::vector<std::uint64_t> x_or(150);
    bool all_bits = true;
    for (const auto& c : bits) {
      const auto v = p.reveal(c);
      for (std::size_t k = 0; k < 150; ++k) {
        all_bits = all_bits && v[k].value() <= 1U;
        x_or[k] ^= v[k].value();
      }
    }
    if (p.party_id() != 0) return;
    REQUIRE(comps.size() >= 2);
    REQUIRE(total == a);
    REQUIRE(all_bits);
    for (std::size_t k = 0; k < 150; ++k) REQUIRE(x_or[k] == ((words[k / 64] >> (k % 64)) & 1U));
  });
}

TEST_CASE("Rep3 rejects bad arguments", "[mpc][rep3]") {
  std::array<std::size_t, 3> rejected{};
  test::run_rep3([&](mpc::Rep3& p) {
    const auto x = p.random_arith(4);
    const auto y = p.random_arith(5);
    std::size_t& count = rejected[p.party_id()];
    auto expect_reject = [&](auto&& fn) {
      try {
        fn();
      } catch (const InvalidArgument&) {
        ++count;
      }
    };
    expect_reject([&] { (void)p.input(3, {}, 1); });
    expect_reject([&] { (void)p.reveal_to(7, x); });
    expect_reject([&] { (void)p.mul(x, y); });
    expect_reject([&] {
      auto z = p.random_arith(4);
      p.mul_into(z, x, z);  // the output may not be an operand
    });
    expect_reject([&] { (void)p.add(x, y); });
    expect_reject([&] { (void)p.dot(x, x, 3); });
    expect_reject([&] { (void)p.dot(x, x, 0); });
    expect_reject([&] { (void)p.trunc(x, 0); });
    expect_reject([&] { (void)p.trunc(x, 63); });
    expect_reject([&] { (void)p.and_(p.random_bits(2), p.random_bits(3)); });
    expect_reject([&] { (void)p.bit_components(p.random_bits(1), 65); });
    if (p.party_id() == 0) {
      const std::vector<R> two(2);
      expect_reject([&] { (void)p.input(0, two, 3); });
    }
  });
  CHECK(rejected[0] == 12);
  CHECK(rejected[1] == 11);
  CHECK(rejected[2] == 11);
  auto nets = net::LocalNetwork::create(2);
  Prg seeds(test::seed_from(1));
  CHECK_THROWS_AS(mpc::Rep3(*nets[0], seeds), InvalidArgument);
}
