// Dealer-free preprocessing (mpc::OtPreprocessing): the triples satisfy
// c = a * b (and c = a & b), and the Beaver engine on them gives the same
// results as on LocalPreprocessing (the dealer's correlations), for 2 and 3
// parties.
#include <catch2/catch.hpp>

#include <vector>

#include "mpc/beaver_test_support.hpp"
#include "mpc/driver/driver_support.hpp"
#include "privfin/mpc/compare.hpp"
#include "privfin/mpc/ot_preprocessing.hpp"

using namespace privfin;
using R = Z2k<64>;

TEST_CASE("OtPreprocessing: triples satisfy c = a * b and c = a & b", "[mpc][ot_preprocessing]") {
  const std::size_t parties = GENERATE(std::size_t{2}, std::size_t{3});
  INFO("parties " << parties);
  const std::size_t n = 300, words = 40;
  std::vector<mpc::ArithTriples> arith(parties);
  std::vector<mpc::BoolTriples> boolean(parties);
  test::rethrow_first(test::run_local_parties(parties, [&](std::size_t i, net::Network& net) {
    Prg prg(test::seed_from(50 + i));
    mpc::OtPreprocessing pre(net, prg);
    arith[i] = pre.arith_triples(n);
    boolean[i] = pre.bool_triples(words);
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
  CHECK(bad == 0);
  // The shares are not trivially zero (the test can fail).
  CHECK(arith[0].c[0] != R{0});
}

namespace {

struct Results {
  std::vector<R> prod, dot;
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
  return r;
}

}  // namespace

TEST_CASE("OtPreprocessing: Beaver runs without a dealer and matches the dealer-based run",
          "[mpc][ot_preprocessing]") {
  const std::size_t parties = GENERATE(std::size_t{2}, std::size_t{3});
  INFO("parties " << parties);
  std::vector<Results> with_ot(parties), with_local(parties);
  test::rethrow_first(test::run_local_parties(parties, [&](std::size_t i, net::Network& net) {
    Prg prg(test::seed_from(60 + i));
    mpc::OtPreprocessing pre(net, prg);
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
  for (std::size_t i = 0; i < parties; ++i) CHECK(with_ot[i] == with_local[0]);
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
  }
  CHECK(bad == 0);
  CHECK(with_ot[0].dot[0] == dot);
}

TEST_CASE("OtPreprocessing: bad arguments and truncation masks are refused", "[mpc][ot_preprocessing]") {
  auto nets = net::LocalNetwork::create(2);
  Prg prg(test::seed_from(1));
  CHECK_THROWS_AS(mpc::OtPreprocessing(*nets[0], prg, 1), InvalidArgument);
  CHECK_THROWS_AS(mpc::OtPreprocessing(*nets[0], prg, 3), InvalidArgument);
}
