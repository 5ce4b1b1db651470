// Truncation: Rep3's fast path and the generic construction against the
// contract floor(x / 2^d) + {0, 1} over the whole documented range.
#include <catch2/catch.hpp>

#include "mpc/mpc_test_support.hpp"
#include "privfin/mpc/truncation.hpp"

using namespace privfin;
using R = Z2k<64>;

namespace {
// floor(x / 2^d) for signed x.
std::int64_t floor_shift(std::int64_t x, unsigned d) { return x >> d; }

void check_trunc(const std::vector<R>& in, const std::vector<R>& out, unsigned d) {
  for (std::size_t k = 0; k < in.size(); ++k) {
    const std::int64_t want = floor_shift(in[k].as_signed(), d);
    const std::int64_t got = out[k].as_signed();
    INFO("k = " << k << ", x = " << in[k].as_signed() << ", d = " << d);
    REQUIRE((got == want || got == want + 1));
  }
}
}  // namespace

TEST_CASE("Rep3 trunc and mul_trunc stay within one unit over the range", "[mpc][trunc]") {
  for (std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{63}, std::size_t{64}, std::size_t{65},
                        std::size_t{100'000}}) {
    INFO("n = " << n);
    Prg prg(test::seed_from(600 + n));
    const auto a = test::random_signed(prg, n, 63);  // [-2^62, 2^62)
    const auto f = test::random_signed(prg, n, 31);
    const auto g = test::random_signed(prg, n, 31);
    test::run_rep3([&](mpc::Rep3& p) {
      const auto x = p.input(0, p.party_id() == 0 ? std::span<const R>(a) : std::span<const R>{}, n);
      const auto u = p.input(1, p.party_id() == 1 ? std::span<const R>(f) : std::span<const R>{}, n);
      const auto v = p.input(2, p.party_id() == 2 ? std::span<const R>(g) : std::span<const R>{}, n);
      std::vector<std::vector<R>> outs;
      for (unsigned d : {1U, 16U, 40U, 62U}) outs.push_back(p.reveal(mpc::trunc(p, x, d)));
      const auto fixed = p.reveal(mpc::mul_trunc(p, u, v, 16));
      if (p.party_id() != 0) return;
      std::size_t i = 0;
      for (unsigned d : {1U, 16U, 40U, 62U}) check_trunc(a, outs[i++], d);
      std::vector<R> prod(n);
      for (std::size_t k = 0; k < n; ++k) prod[k] = f[k] * g[k];
      check_trunc(prod, fixed, 16);
    });
  }
}

TEST_CASE("Generic truncation meets the same contract", "[mpc][trunc]") {
  const std::size_t n = 300;
  Prg prg(test::seed_from(700));
  const auto a = test::random_signed(prg, n, 63);
  test::run_rep3([&](mpc::Rep3& p) {
    const auto x = p.input(2, p.party_id() == 2 ? std::span<const R>(a) : std::span<const R>{}, n);
    std::vector<std::vector<R>> outs;
    for (unsigned d : {1U, 16U, 62U}) outs.push_back(p.reveal(mpc::trunc_generic(p, x, d)));
    bool rejected = false;
    try {
      (void)mpc::trunc_generic(p, x, 0);
    } catch (const InvalidArgument&) {
      rejected = true;
    }
    if (p.party_id() != 0) return;
    CHECK(rejected);
    std::size_t i = 0;
    for (unsigned d : {1U, 16U, 62U}) check_trunc(a, outs[i++], d);
  });
}

TEST_CASE("Truncation errors are rare and both outcomes occur", "[mpc][trunc]") {
  // The +1 must happen with probability about (x mod 2^d) / 2^d: check it
  // is neither always nor never taken for x = 2^15 (probability 1/2).
  const std::size_t n = 4000;
  std::vector<R> a(n, R{std::uint64_t{1} << 15});
  test::run_rep3([&](mpc::Rep3& p) {
    const auto x = p.input(0, p.party_id() == 0 ? std::span<const R>(a) : std::span<const R>{}, n);
    const auto y = p.reveal(p.trunc(x, 16));
    if (p.party_id() != 0) return;
    std::size_t ones = 0;
    for (auto v : y) {
      REQUIRE(v.value() <= 1U);
      ones += v.value();
    }
    CHECK(ones > n / 2 - 200);
    CHECK(ones < n / 2 + 200);
  });
}
