// Beaver (n-party additive sharing with preprocessing) against plaintext for
// n in {2, 3, 5}: every protocol operation and the generic algorithms
// (truncation, comparison, conversions, select, argmax, fixed point).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "mpc/beaver_test_support.hpp"
#include "privfin/mpc/compare.hpp"
#include "privfin/mpc/convert.hpp"
#include "privfin/mpc/fixed_point.hpp"
#include "privfin/mpc/select.hpp"
#include "privfin/mpc/truncation.hpp"

using namespace privfin;
using R = Z2k<64>;
using test::own;

namespace {
const std::size_t party_counts[] = {2, 3, 5};
}

TEST_CASE("Beaver: input, reveal, linear operations, mul, dot", "[mpc][beaver]") {
  for (std::size_t parties : party_counts) {
    for (std::size_t n : {std::size_t{1}, std::size_t{65}, std::size_t{5000}}) {
      INFO("parties = " << parties << ", n = " << n);
      Prg prg(test::seed_from(10 * parties + n));
      const auto a = test::random_ring(prg, n);
      const auto b = test::random_ring(prg, n);
      const auto c = test::random_ring(prg, n);
      const R k = R{0x9e3779b97f4a7c15ULL};
      test::run_beaver(parties, [&](mpc::Beaver& p) {
        REQUIRE(p.party_count() == parties);
        const std::size_t last = parties - 1;
        const auto x = p.input(0, own(p, 0, a), n);
        const auto y = p.input(last, own(p, last, b), n);
        const auto z = p.input(1, own(p, 1, c), n);
        CHECK(p.reveal(x) == a);
        CHECK(p.reveal(y) == b);
        const auto sum = p.reveal(p.add(x, y));
        const auto diff = p.reveal(p.sub(x, y));
        const auto neg = p.reveal(p.neg(x));
        const auto addc = p.reveal(p.add_public(x, k));
        const auto addv = p.reveal(p.add_public(x, c));
        const auto mulc = p.reveal(p.mul_public(x, k));
        const auto mulv = p.reveal(p.mul_public(x, c));
        const auto prod = p.reveal(p.mul(x, y));
        const auto prod3 = p.reveal(p.mul(p.mul(x, y), z));
        const auto cst = p.reveal(p.constant(c));
        const auto to_last = p.reveal_to(last, x);
        for (std::size_t i = 0; i < n; ++i) {
          CHECK(sum[i] == a[i] + b[i]);
          CHECK(diff[i] == a[i] - b[i]);
          CHECK(neg[i] == -a[i]);
          CHECK(addc[i] == a[i] + k);
          CHECK(addv[i] == a[i] + c[i]);
          CHECK(mulc[i] == a[i] * k);
          CHECK(mulv[i] == a[i] * c[i]);
          CHECK(prod[i] == a[i] * b[i]);
          CHECK(prod3[i] == a[i] * b[i] * c[i]);
          CHECK(cst[i] == c[i]);
        }
        if (p.party_id() == last) {
          CHECK(to_last == a);
        } else {
          CHECK(to_last.empty());
        }
        if (n % 5 == 0) {
          const auto d = p.reveal(p.dot(x, y, 5));
          REQUIRE(d.size() == n / 5);
          for (std::size_t blk = 0; blk < n / 5; ++blk) {
            R e{};
            for (std::size_t i = 0; i < 5; ++i) e += a[5 * blk + i] * b[5 * blk + i];
            CHECK(d[blk] == e);
          }
        }
        // Random sharings: consistent openings, not constant.
        const auto r = p.reveal(p.random_arith(64));
        CHECK(std::count(r.begin(), r.end(), r[0]) < 64);
      });
    }
  }
}

TEST_CASE("Beaver: boolean input, xor, and, random bits, bit components", "[mpc][beaver]") {
  for (std::size_t parties : party_counts) {
    INFO("parties = " << parties);
    const std::size_t words = 300;
    Prg prg(test::seed_from(77 + parties));
    std::vector<std::uint64_t> a(words), b(words), c(words);
    prg.fill(std::span<std::uint64_t>(a));
    prg.fill(std::span<std::uint64_t>(b));
    prg.fill(std::span<std::uint64_t>(c));
    test::run_beaver(parties, [&](mpc::Beaver& p) {
      const auto x = p.input_bits(0, own(p, 0, a), words);
      const auto y = p.input_bits(parties - 1, own(p, parties - 1, b), words);
      CHECK(p.reveal_bits(x) == a);
      const auto xr = p.reveal_bits(p.xor_(x, y));
      const auto xp = p.reveal_bits(p.xor_public(x, c));
      const auto an = p.reveal_bits(p.and_(x, y));
      for (std::size_t k = 0; k < words; ++k) {
        CHECK(xr[k] == (a[k] ^ b[k]));
        CHECK(xp[k] == (a[k] ^ c[k]));
        CHECK(an[k] == (a[k] & b[k]));
      }
      const auto rb = p.reveal_bits(p.random_bits(8));
      CHECK(std::count(rb.begin(), rb.end(), rb[0]) < 8);
      // b2a through the protocol's bit components.
      const std::size_t count = 64 * words - 5;
      const auto ones = p.reveal(mpc::b2a(p, x, count));
      for (std::size_t k = 0; k < count; ++k) CHECK(ones[k].value() == ((a[k / 64] >> (k % 64)) & 1U));
      CHECK(p.arith_components(p.constant(std::vector<R>(3))).size() == parties);
    });
  }
}

TEST_CASE("Beaver: truncation (fast path and generic) matches floor division", "[mpc][beaver]") {
  for (std::size_t parties : party_counts) {
    INFO("parties = " << parties);
    const std::size_t n = 2000;
    Prg prg(test::seed_from(500 + parties));
    const auto a = test::random_signed(prg, n, 63);  // [-2^62, 2^62)
    test::run_beaver(parties, [&](mpc::Beaver& p) {
      const auto x = p.input(0, own(p, 0, a), n);
      for (unsigned d : {1U, 16U, 40U, 62U}) {
        const auto fast = p.reveal(mpc::trunc(p, x, d));
        const auto slow = d == 16 ? p.reveal(mpc::trunc_generic(p, x, d)) : fast;
        for (std::size_t k = 0; k < n; ++k) {
          const std::int64_t want = a[k].as_signed() >> d;
          const std::int64_t got = fast[k].as_signed();
          CHECK((got == want || got == want + 1));
          const std::int64_t got2 = slow[k].as_signed();
          CHECK((got2 == want || got2 == want + 1));
        }
      }
      CHECK_THROWS_AS(p.trunc(x, 0), InvalidArgument);
      CHECK_THROWS_AS(p.trunc(x, 63), InvalidArgument);
    });
  }
}

TEST_CASE("Beaver: comparisons, a2b, select and argmax match plaintext", "[mpc][beaver]") {
  for (std::size_t parties : party_counts) {
    INFO("parties = " << parties);
    const std::size_t n = 700;
    Prg prg(test::seed_from(900 + parties));
    const auto a = test::random_ring(prg, n);
    auto b = test::random_ring(prg, n);
    for (std::size_t k = 0; k < n; k += 3) b[k] = a[k];
    const auto c = test::random_signed(prg, n, 63);
    auto d = test::random_signed(prg, n, 63);
    for (std::size_t k = 0; k < n; k += 5) d[k] = c[k];
    test::run_beaver(parties, [&](mpc::Beaver& p) {
      const auto x = p.input(0, own(p, 0, a), n);
      const auto y = p.input(1, own(p, 1, b), n);
      const auto u = p.input(parties - 1, own(p, parties - 1, c), n);
      const auto v = p.input(0, own(p, 0, d), n);
      const auto neg = p.reveal_bits(mpc::ltz(p, x));
      const auto same = p.reveal_bits(mpc::eq(p, x, y));
      const auto less = p.reveal_bits(mpc::lt(p, u, v));
      const auto planes = p.reveal_bits(mpc::a2b(p, x));
      const auto sel = p.reveal(mpc::select(p, mpc::lt(p, u, v), u, v));
      for (std::size_t k = 0; k < n; ++k) {
        CHECK(test::bit_of(neg, k) == (a[k].as_signed() < 0));
        CHECK(test::bit_of(same, k) == (a[k] == b[k]));
        CHECK(test::bit_of(less, k) == (c[k].as_signed() < d[k].as_signed()));
        CHECK(sel[k] == (c[k].as_signed() < d[k].as_signed() ? c[k] : d[k]));
      }
      const std::size_t words = mpc::detail::plane_words(n);
      for (std::size_t k = 0; k < n; k += 7) {
        for (unsigned j = 0; j < 64; ++j) {
          const bool bit = ((planes[j * words + k / 64] >> (k % 64)) & 1U) != 0;
          CHECK(bit == a[k].bit(j));
        }
      }
      const std::size_t len = 7;
      const std::size_t m = n / len * len;
      const std::vector<R> cm(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(m));
      const auto [mx, at] = mpc::argmax(p, p.input(0, own(p, 0, cm), m), len);
      const auto mxv = p.reveal(mx);
      const auto atv = p.reveal(at);
      for (std::size_t blk = 0; blk < m / len; ++blk) {
        std::size_t best = 0;
        for (std::size_t i = 1; i < len; ++i) {
          if (cm[blk * len + best].as_signed() < cm[blk * len + i].as_signed()) best = i;
        }
        CHECK(mxv[blk] == cm[blk * len + best]);
        CHECK(atv[blk].value() == best);
      }
    });
  }
}

TEST_CASE("Beaver: fixed-point multiply, exp and sigmoid within their bounds", "[mpc][beaver]") {
  using Fx = sharing::Fixed<16>;
  for (std::size_t parties : party_counts) {
    INFO("parties = " << parties);
    const std::size_t n = 200;
    Prg prg(test::seed_from(1300 + parties));
    std::vector<double> xs(n), ys(n), es(n);
    std::vector<R> xe(n), ye(n), ee(n);
    for (std::size_t k = 0; k < n; ++k) {
      xs[k] = static_cast<double>(static_cast<std::int64_t>(prg.next_u64() % 2'000'001) - 1'000'000) / 1000.0;
      ys[k] = static_cast<double>(static_cast<std::int64_t>(prg.next_u64() % 2'000'001) - 1'000'000) / 1000.0;
      es[k] = -16.0 + 24.0 * static_cast<double>(prg.next_u64() % 10'001) / 10'000.0;
      xe[k] = Fx::encode(xs[k]);
      ye[k] = Fx::encode(ys[k]);
      ee[k] = Fx::encode(es[k]);
    }
    test::run_beaver(parties, [&](mpc::Beaver& p) {
      const auto x = p.input(0, own(p, 0, xe), n);
      const auto y = p.input(1, own(p, 1, ye), n);
      const auto e = p.input(0, own(p, 0, ee), n);
      const auto prod = p.reveal(mpc::fixmul<16>(p, x, y));
      const auto ex = p.reveal(mpc::exp<16>(p, e));
      const auto sg = p.reveal(mpc::sigmoid<16>(p, x));
      for (std::size_t k = 0; k < n; ++k) {
        const std::int64_t want = (xe[k] * ye[k]).as_signed() >> 16;
        CHECK((prod[k].as_signed() == want || prod[k].as_signed() == want + 1));
        const double ev = Fx::decode(ee[k]);
        CHECK(std::abs(Fx::decode(ex[k]) - std::exp(ev)) <= 2e-4 * std::exp(ev) + 2.0 / 65536.0);
        const double xv = Fx::decode(xe[k]);
        CHECK(std::abs(Fx::decode(sg[k]) - 1.0 / (1.0 + std::exp(-xv))) <= 1e-4);
      }
    });
  }
}

TEST_CASE("Beaver: misuse is rejected with InvalidArgument", "[mpc][beaver]") {
  test::run_beaver(2, [&](mpc::Beaver& p) {
    const auto x = p.constant(std::vector<R>(4));
    const auto y = p.constant(std::vector<R>(5));
    CHECK_THROWS_AS(p.add(x, y), InvalidArgument);
    CHECK_THROWS_AS(p.mul(x, y), InvalidArgument);
    CHECK_THROWS_AS(p.dot(x, x, 3), InvalidArgument);
    CHECK_THROWS_AS(p.input(2, {}, 4), InvalidArgument);
    CHECK_THROWS_AS(p.reveal_to(7, x), InvalidArgument);
    CHECK_THROWS_AS(p.mul_public(x, std::vector<R>(3)), InvalidArgument);
    CHECK_THROWS_AS(p.bit_components(p.random_bits(1), 65), InvalidArgument);
    if (p.party_id() == 0) CHECK_THROWS_AS(p.input(0, std::vector<R>(3), 4), InvalidArgument);
  });
  auto nets = net::LocalNetwork::create(2);
  mpc::LocalPreprocessing wrong(test::seed_from(1), 1, 2);
  Prg seeds(test::seed_from(2));
  CHECK_THROWS_AS(mpc::Beaver(*nets[0], wrong, seeds), InvalidArgument);
  mpc::LocalPreprocessing three(test::seed_from(1), 0, 3);
  CHECK_THROWS_AS(mpc::Beaver(*nets[0], three, seeds), InvalidArgument);
  CHECK_THROWS_AS(mpc::LocalPreprocessing(test::seed_from(1), 2, 2), InvalidArgument);
  CHECK_THROWS_AS(mpc::LocalPreprocessing(test::seed_from(1), 0, 1), InvalidArgument);
}
