// Fixed-point functions on Rep3 (F = 16) against double precision at many
// points, with the error bounds stated in privfin/mpc/fixed_point.hpp.
#include <catch2/catch.hpp>

#include <cmath>

#include "mpc/mpc_test_support.hpp"
#include "privfin/mpc/fixed_point.hpp"
#include "privfin/sharing/fixed.hpp"

using namespace privfin;
using R = Z2k<64>;
using Fx = sharing::Fixed<16>;

namespace {
constexpr double ulp = Fx::resolution;

std::vector<double> uniform(Prg& prg, std::size_t n, double lo, double hi) {
  std::vector<double> v(n);
  for (auto& x : v) x = lo + (hi - lo) * static_cast<double>(prg.next_u64() >> 11) * 0x1p-53;
  return v;
}

// Runs f on the encodings of xs (and ys) and returns the decoded results.
template <class Fn>
std::vector<double> run(const std::vector<double>& xs, const std::vector<double>& ys, Fn f) {
  const auto a = Fx::encode(xs);
  const auto b = Fx::encode(ys);
  std::vector<double> out;
  test::run_rep3([&](mpc::Rep3& p) {
    const auto x = p.input(0, p.party_id() == 0 ? std::span<const R>(a) : std::span<const R>{}, a.size());
    const auto y = p.input(1, p.party_id() == 1 ? std::span<const R>(b) : std::span<const R>{}, b.size());
    const auto r = Fx::decode(p.reveal(f(p, x, y)));
    if (p.party_id() == 0) out = r;
  });
  return out;
}
}  // namespace

TEST_CASE("fixmul: within one ulp of the exact product over the range", "[mpc][fixed]") {
  Prg prg(test::seed_from(800));
  const std::size_t n = 100'000;
  auto xs = uniform(prg, n, -32768.0, 32767.0);
  auto ys = uniform(prg, n, -1.0, 1.0);
  for (std::size_t k = 0; k < n; k += 2) std::swap(xs[k], ys[k]);
  // Boundaries of |x*y| < 2^30 and tiny values.
  xs[0] = 32767.0; ys[0] = 32767.0;
  xs[1] = -32768.0; ys[1] = 32767.0;
  xs[2] = ulp; ys[2] = ulp;
  xs[3] = -ulp; ys[3] = 1.0;
  xs[4] = 0.0; ys[4] = -5.5;
  const auto z = run(xs, ys, [](mpc::Rep3& p, const auto& x, const auto& y) { return mpc::fixmul<16>(p, x, y); });
  for (std::size_t k = 0; k < n; ++k) {
    const double exact = Fx::decode(Fx::encode(xs[k])) * Fx::decode(Fx::encode(ys[k]));
    INFO("x = " << xs[k] << ", y = " << ys[k]);
    REQUIRE(std::abs(z[k] - exact) < ulp);
  }
}

TEST_CASE("exp: within 2e-4 relative + 2 ulp on [-16, 8]", "[mpc][fixed]") {
  Prg prg(test::seed_from(801));
  auto xs = uniform(prg, 2000, -16.0, 8.0);
  xs[0] = -16.0; xs[1] = 8.0; xs[2] = 0.0; xs[3] = -ulp; xs[4] = 1.0;
  const auto z = run(xs, xs, [](mpc::Rep3& p, const auto& x, const auto&) { return mpc::exp<16>(p, x); });
  for (std::size_t k = 0; k < xs.size(); ++k) {
    const double exact = std::exp(xs[k]);
    INFO("x = " << xs[k] << " got " << z[k] << " want " << exact);
    REQUIRE(std::abs(z[k] - exact) <= 2e-4 * exact + 2 * ulp);
  }
}

TEST_CASE("reciprocal and divide: within the stated bounds", "[mpc][fixed]") {
  Prg prg(test::seed_from(802));
  auto bs = uniform(prg, 2000, 1.0, 1024.0);
  for (std::size_t k = 0; k < 500; ++k) bs[k] = 1.0 + static_cast<double>(k) / 100.0;  // dense near 1
  bs[0] = 1.0; bs[1] = 1024.0; bs[2] = 2.0;
  auto as = uniform(prg, bs.size(), -100.0, 100.0);
  const auto inv = run(bs, as, [](mpc::Rep3& p, const auto& x, const auto&) { return mpc::reciprocal<16>(p, x); });
  const auto quo = run(as, bs, [](mpc::Rep3& p, const auto& a, const auto& b) { return mpc::divide<16>(p, a, b); });
  for (std::size_t k = 0; k < bs.size(); ++k) {
    const double b = Fx::decode(Fx::encode(bs[k]));
    const double a = Fx::decode(Fx::encode(as[k]));
    INFO("a = " << a << ", b = " << b);
    REQUIRE(std::abs(inv[k] - 1.0 / b) <= 2 * ulp);
    REQUIRE(std::abs(quo[k] - a / b) <= 2 * ulp * std::abs(a) + ulp);
  }
}

TEST_CASE("sigmoid: within 1e-4 everywhere", "[mpc][fixed]") {
  Prg prg(test::seed_from(803));
  auto xs = uniform(prg, 2000, -40.0, 40.0);
  const double special[] = {0.0, ulp, -ulp, 16.0, -16.0, 16.5, -1e6, 1e6, 2.0, -2.0};
  for (std::size_t k = 0; k < std::size(special); ++k) xs[k] = special[k];
  const auto z = run(xs, xs, [](mpc::Rep3& p, const auto& x, const auto&) { return mpc::sigmoid<16>(p, x); });
  for (std::size_t k = 0; k < xs.size(); ++k) {
    const double exact = 1.0 / (1.0 + std::exp(-xs[k]));
    INFO("x = " << xs[k] << " got " << z[k] << " want " << exact);
    REQUIRE(std::abs(z[k] - exact) <= 1e-4);
  }
}
