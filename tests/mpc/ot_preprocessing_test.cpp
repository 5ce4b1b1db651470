// Dealer-free preprocessing (mpc::OtPreprocessing): the triples satisfy
// c = a * b (and c = a & b), the masks r_high = r >> d and r_msb = r >> 63,
// and the Beaver engine on them gives the same results as on
// LocalPreprocessing (the dealer's correlations), for 2 and 3 parties.
#include <catch2/catch.hpp>

#include <bit>
#include <vector>

#include "mpc/beaver_test_support.hpp"
#include "mpc/driver/driver_support.hpp"
#include "privfin/mpc/compare.hpp"
#include "privfin/mpc/fixed_point.hpp"
#include "privfin/mpc/ot_preprocessing.hpp"

using namespace privfin;
using R = Z2k<64>;

namespace {
// Small, insecure silent-OT parameters: several iterations in a short test.
constexpr ot::SilentParameters test_main{std::size_t{16} << 10, 2000, 16, 10};
constexpr ot::SilentParameters test_bootstrap{std::size_t{8} << 9, 1000, 8, 9};

mpc::OtPreprocessing make_pre(net::Network& net, Prg& prg, mpc::OtSource source) {
  return {net, prg, 0, source, test_main, test_bootstrap};
}
}  // namespace

TEST_CASE("OtPreprocessing: triples satisfy c = a * b and c = a & b - masks r >> d and r >> 63", "[mpc][ot_preprocessing]") {
  const std::size_t parties = GENERATE(std::size_t{2}, std::size_t{3});
  const auto source = GENERATE(mpc::OtSource::extension, mpc::OtSource::silent);
  INFO("parties " << parties << ", source " << static_cast<int>(source));
  // Silent OT: 2,000 triples need 128,000 OTs per pair, several iterations.
  const std::size_t n = source == mpc::OtSource::silent ? 2000 : 300, words = 40;
  std::vector<mpc::ArithTriples> arith(parties);
  std::vector<mpc::BoolTriples> boolean(parties);
  std::vector<mpc::TruncMasks> masks(parties);
  const unsigned d = 16;
  test::rethrow_first(test::run_local_parties(parties, [&](std::size_t i, net::Network& net) {
    Prg prg(test::seed_from(50 + i));
    auto pre = make_pre(net, prg, source);
    arith[i] = pre.arith_triples(n);
    boolean[i] = pre.bool_triples(words);
    masks[i] = pre.trunc_masks(n, d);
  }));
  int bad = 0;
  for (std::size_t k = 0; k < n; ++k) {
    R a{}, b{}, c{};
    for (std::size_t i = 0; i < parties; ++i) {
      a += arith[i].a[k];
      b += arith[i].b[k];
      c += arith[i].c[k];
    }
    bad += c == a * b ? 0 : 1;
  }
  for (std::size_t k = 0; k < words; ++k) {
    std::uint64_t a = 0, b = 0, c = 0;
    for (std::size_t i = 0; i < parties; ++i) {
      a ^= boolean[i].a[k];
      b ^= boolean[i].b[k];
      c ^= boolean[i].c[k];
    }
    bad += c == (a & b) ? 0 : 1;
  }
  std::size_t msb_set = 0;
  for (std::size_t k = 0; k < n; ++k) {
    R r{}, high{}, msb{};
    for (std::size_t i = 0; i < parties; ++i) {
      r += masks[i].r[k];
      high += masks[i].r_high[k];
      msb += masks[i].r_msb[k];
    }
    bad += high == R{r.value() >> d} ? 0 : 1;
    bad += msb == R{r.value() >> 63} ? 0 : 1;
    msb_set += static_cast<std::size_t>(r.value() >> 63);
  }
  CHECK(bad == 0);
  // The shares are not trivially zero, and r looks uniform (the test can fail).
  CHECK(arith[0].c[0] != R{0});
  std::size_t b_bits = 0;  // silent OT makes b from random choices: about half its bits are 1
  for (std::size_t k = 0; k < n; ++k) b_bits += static_cast<std::size_t>(std::popcount(arith[parties - 1].b[k].value()));
  CHECK(b_bits > 64 * n * 45 / 100);
  CHECK(b_bits < 64 * n * 55 / 100);
  CHECK(msb_set > n / 4);
  CHECK(msb_set < 3 * n / 4);
}

namespace {

struct Results {
  std::vector<R> prod, dot, fix;
  std::vector<std::uint64_t> less, same;
  friend bool operator==(const Results&, const Results&) = default;
};

Results scenario(mpc::Beaver& p) {
  const std::size_t n = 200;
  const auto a = test::driver_values(1, n, 62);
  const auto b = test::driver_values(2, n, 62);
  const std::size_t last = p.party_count() - 1;
  const auto x = p.input(0, p.party_id() == 0 ? std::span<const R>(a) : std::span<const R>{}, n);
  const auto y = p.input(last, p.party_id() == last ? std::span<const R>(b) : std::span<const R>{}, n);
  Results r;
  r.prod = p.reveal(p.mul(x, y));
  r.less = p.reveal_bits(mpc::lt(p, x, y));
  r.same = p.reveal_bits(mpc::eq(p, x, p.add(p.mul_public(x, R{0}), x)));
  r.dot = p.reveal(p.dot(x, y, n));
  const auto f = test::driver_values(3, n, 30);
  const auto g = test::driver_values(4, n, 30);
  const auto u = p.input(0, p.party_id() == 0 ? std::span<const R>(f) : std::span<const R>{}, n);
  const auto v = p.input(last, p.party_id() == last ? std::span<const R>(g) : std::span<const R>{}, n);
  r.fix = p.reveal(mpc::fixmul<16>(p, u, v));
  return r;
}

}  // namespace

TEST_CASE("OtPreprocessing: Beaver runs without a dealer and matches the dealer-based run",
          "[mpc][ot_preprocessing]") {
  const std::size_t parties = GENERATE(std::size_t{2}, std::size_t{3});
  const auto source = GENERATE(mpc::OtSource::extension, mpc::OtSource::silent);
  INFO("parties " << parties << ", source " << static_cast<int>(source));
  std::vector<Results> with_ot(parties), with_local(parties);
  test::rethrow_first(test::run_local_parties(parties, [&](std::size_t i, net::Network& net) {
    Prg prg(test::seed_from(60 + i));
    auto pre = make_pre(net, prg, source);
    Prg seeds(test::seed_from(70 + i));
    mpc::Beaver p(net, pre, seeds);
    with_ot[i] = scenario(p);
  }));
  test::rethrow_first(test::run_local_parties(parties, [&](std::size_t i, net::Network& net) {
    mpc::LocalPreprocessing pre(test::seed_from(80), i, parties);
    Prg seeds(test::seed_from(90 + i));
    mpc::Beaver p(net, pre, seeds);
    with_local[i] = scenario(p);
  }));
  for (std::size_t i = 0; i < parties; ++i) {
    CHECK(with_ot[i].prod == with_local[0].prod);
    CHECK(with_ot[i].less == with_local[0].less);
    CHECK(with_ot[i].same == with_local[0].same);
    CHECK(with_ot[i].dot == with_local[0].dot);
  }
  // Truncation is probabilistic (off by one at most), so fixmul is compared with plaintext.
  const auto f = test::driver_values(3, 200, 30);
  const auto g = test::driver_values(4, 200, 30);
  // And against plaintext.
  const auto a = test::driver_values(1, 200, 62);
  const auto b = test::driver_values(2, 200, 62);
  int bad = 0;
  R dot{};
  for (std::size_t k = 0; k < 200; ++k) {
    bad += with_ot[0].prod[k] == a[k] * b[k] ? 0 : 1;
    bad += (((with_ot[0].less[k / 64] >> (k % 64)) & 1U) != 0) == (a[k].as_signed() < b[k].as_signed()) ? 0 : 1;
    bad += ((with_ot[0].same[k / 64] >> (k % 64)) & 1U) != 0 ? 0 : 1;
    dot += a[k] * b[k];
    const std::int64_t want = (f[k] * g[k]).as_signed() >> 16;
    bad += (with_ot[0].fix[k].as_signed() == want || with_ot[0].fix[k].as_signed() == want + 1) ? 0 : 1;
  }
  CHECK(bad == 0);
  CHECK(with_ot[0].dot[0] == dot);
}

TEST_CASE("OtPreprocessing: bad arguments are refused", "[mpc][ot_preprocessing]") {
  {
    auto nets = net::LocalNetwork::create(2);
    Prg prg(test::seed_from(1));
    CHECK_THROWS_AS(mpc::OtPreprocessing(*nets[0], prg, 1), InvalidArgument);
    CHECK_THROWS_AS(mpc::OtPreprocessing(*nets[0], prg, 3), InvalidArgument);
  }
  const auto errors = test::run_local_parties(2, [&](std::size_t i, net::Network& net) {
    Prg prg(test::seed_from(2 + i));
    mpc::OtPreprocessing pre(net, prg);
    (void)pre.trunc_masks(4, 63);
  });
  for (const auto& e : errors) CHECK_THROWS_AS(std::rethrow_exception(e), InvalidArgument);
}
