// Dealer-free SPDZ2k preprocessing by OT: triples with c = a * b in Z_2^128
// and valid MACs on 2 and 3 parties, the online phase on top of it, a
// cheating triple caught by the sacrifice, and a wrong value in the OT
// extension caught.
#include <catch2/catch.hpp>

#include <array>
#include <memory>
#include <vector>

#include "mpc/mpc_test_support.hpp"
#include "mpc/spdz2k_test_support.hpp"
#include "privfin/core/error.hpp"
#include "privfin/mpc/spdz2k.hpp"
#include "privfin/mpc/spdz2k_ot.hpp"

using namespace privfin;
using R = Z2k<64>;
using W = mpc::spdz2k::Word;

TEST_CASE("Spdz2k OT preprocessing: triples are products with valid MACs on 2 and 3 parties", "[mpc][spdz2k]") {
  for (std::size_t n : {2U, 3U}) {
    constexpr std::size_t count = 40;
    std::vector<mpc::spdz2k::Triples> parts(n);
    std::vector<mpc::spdz2k::AuthShares> randoms(n);
    std::vector<mpc::spdz2k::InputMasks> masks(n);
    std::vector<W> alphas(n);
    const auto errors = test::run_local_parties(n, [&](std::size_t i, net::Network& net) {
      Prg prg(test::seed_from(300 + i));
      mpc::Spdz2kOtPreprocessing pre(net, prg);
      alphas[i] = pre.mac_key_share();
      parts[i] = pre.triples(count);
      randoms[i] = pre.random_values(count);
      masks[i] = pre.input_masks(1, count);
    });
    test::rethrow_first(errors);
    W alpha = 0;
    for (W a : alphas) {
      CHECK((a >> 64) == 0);
      alpha += a;
    }
    const auto open = [&](auto get, std::size_t k, bool mac) {
      W s = 0;
      for (std::size_t i = 0; i < n; ++i) s += mac ? get(i).m[k] : get(i).x[k];
      return s;
    };
    for (std::size_t k = 0; k < count; ++k) {
      const auto A = [&](std::size_t i) -> const mpc::spdz2k::AuthShares& { return parts[i].a; };
      const auto B = [&](std::size_t i) -> const mpc::spdz2k::AuthShares& { return parts[i].b; };
      const auto C = [&](std::size_t i) -> const mpc::spdz2k::AuthShares& { return parts[i].c; };
      const auto Rv = [&](std::size_t i) -> const mpc::spdz2k::AuthShares& { return randoms[i]; };
      const auto M = [&](std::size_t i) -> const mpc::spdz2k::AuthShares& { return masks[i].r; };
      CHECK(open(C, k, false) == open(A, k, false) * open(B, k, false));
      for (int kind = 0; kind < 5; ++kind) {
        const auto get = [&](std::size_t i) -> const mpc::spdz2k::AuthShares& {
          switch (kind) {
            case 0: return A(i);
            case 1: return B(i);
            case 2: return C(i);
            case 3: return Rv(i);
            default: return M(i);
          }
        };
        CHECK(open(get, k, true) == alpha * open(get, k, false));
      }
      CHECK(open(M, k, false) == masks[1].values[k]);
    }
    CHECK(masks[0].values.empty());
  }
}

TEST_CASE("Spdz2k OT preprocessing: the online phase runs on it", "[mpc][spdz2k]") {
  for (std::size_t n : {2U, 3U}) {
    Prg data(test::seed_from(7));
    const auto a = test::random_ring(data, 30);
    const auto b = test::random_ring(data, 30);
    std::vector<std::vector<R>> got(n);
    const auto errors = test::run_local_parties(n, [&](std::size_t i, net::Network& net) {
      Prg prg(test::seed_from(400 + i));
      mpc::Spdz2kOtPreprocessing pre(net, prg);
      mpc::Spdz2k p(net, pre, prg);
      const auto x = p.input(0, i == 0 ? std::span<const R>(a) : std::span<const R>{}, a.size());
      const auto y = p.input(n - 1, i == n - 1 ? std::span<const R>(b) : std::span<const R>{}, b.size());
      got[i] = p.reveal(p.add_public(p.mul(x, y), R{1}));
    });
    test::rethrow_first(errors);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < a.size(); ++k) CHECK(got[i][k] == a[k] * b[k] + R{1});
    }
  }
}

TEST_CASE("Spdz2k OT preprocessing: a cheating triple is caught by the sacrifice", "[mpc][spdz2k][security]") {
  for (std::size_t n : {2U, 3U}) {
    for (W delta : {W{1}, W{1} << 63, (W{1} << 64) + 5}) {
      INFO(n << " parties");
      std::vector<int> got(n, 0);
      const auto errors = test::run_local_parties(n, [&](std::size_t i, net::Network& net) {
        Prg prg(test::seed_from(500 + i));
        mpc::Spdz2kOtPreprocessing pre(net, prg);
        if (i == n - 1) pre.corrupt_next_triple(delta);
        (void)pre.triples(8);
        got[i] = 1;
      });
      for (std::size_t i = 0; i < n; ++i) CHECK(got[i] == 0);
      test::require_abort(errors, n, "sacrifice: triple 0 of 8 is wrong", "mpc::Spdz2kOtPreprocessing");
    }
  }
}

TEST_CASE("Spdz2k OT preprocessing: a wrong value in the OT extension aborts or has no effect",
          "[mpc][spdz2k][security]") {
  // The cheater adds 1 to 8 bytes at offset 40 of one of its messages inside
  // triples() (the extension matrix, the KOS check values, the Z_2^128
  // corrections). Either an honest party aborts (the KOS check, the
  // sacrifice or the MAC check), or the change had no effect (a correction
  // for an OT whose receiver chose 0 is never used): then the triples are
  // right. Never a wrong triple.
  std::size_t aborted = 0;
  for (std::size_t skip = 0; skip < 12; ++skip) {
    INFO("skip " << skip);
    std::array<mpc::spdz2k::Triples, 2> t;
    std::array<W, 2> alphas{};
    std::size_t fired = 0;
    const auto errors = test::run_local_parties(2, [&](std::size_t i, net::Network& honest) {
      std::unique_ptr<test::CheatingNetwork> cheat;
      if (i == 1) cheat = std::make_unique<test::CheatingNetwork>(honest);
      net::Network& net = cheat ? static_cast<net::Network&>(*cheat) : honest;
      Prg prg(test::seed_from(600 + i));
      mpc::Spdz2kOtPreprocessing pre(net, prg);
      alphas[i] = pre.mac_key_share();
      if (cheat) cheat->arm_all(1, skip, 40);
      t[i] = pre.triples(4);
      if (cheat) fired = cheat->fired();
    });
    INFO(test::what_of(errors[0]) << " / cheater: " << test::what_of(errors[1]) << " fired " << fired);
    if (errors[0]) {
      ++aborted;
      bool typed = false;
      try {
        std::rethrow_exception(errors[0]);
      } catch (const ProtocolError&) {
        typed = true;
      } catch (const DecodeError&) {
        typed = true;  // a malformed extension message
      } catch (...) {
      }
      CHECK(typed);
    } else {
      REQUIRE_FALSE(errors[1]);
      for (std::size_t k = 0; k < 4; ++k) {
        const W a = t[0].a.x[k] + t[1].a.x[k];
        const W b = t[0].b.x[k] + t[1].b.x[k];
        const W c = t[0].c.x[k] + t[1].c.x[k];
        CHECK(c == a * b);
        CHECK(t[0].c.m[k] + t[1].c.m[k] == (alphas[0] + alphas[1]) * c);
      }
    }
  }
  CHECK(aborted >= 6);
}

TEST_CASE("Spdz2k OT preprocessing: random bits, truncation masks and fixmul", "[mpc][spdz2k]") {
  for (std::size_t n : {2U, 3U}) {
    std::vector<mpc::spdz2k::AuthShares> bits(n);
    std::vector<mpc::spdz2k::TruncMasks> masks(n);
    std::vector<W> alphas(n);
    std::vector<std::vector<R>> got(n);
    Prg data(test::seed_from(8));
    const auto a = test::random_signed(data, 3, 40);
    const auto b = test::random_signed(data, 3, 20);
    const auto errors = test::run_local_parties(n, [&](std::size_t i, net::Network& net) {
      Prg prg(test::seed_from(800 + i));
      mpc::Spdz2kOtPreprocessing pre(net, prg);
      alphas[i] = pre.mac_key_share();
      bits[i] = pre.random_arith_bits(100);
      masks[i] = pre.trunc_masks(2, 16);
      mpc::Spdz2k p(net, pre, prg);
      const auto x = p.input(0, i == 0 ? std::span<const R>(a) : std::span<const R>{}, a.size());
      const auto y = p.input(1, i == 1 ? std::span<const R>(b) : std::span<const R>{}, b.size());
      got[i] = p.reveal(p.mul_trunc(x, y, 16));
    });
    test::rethrow_first(errors);
    W alpha = 0;
    for (W v : alphas) alpha += v;
    std::size_t ones = 0;
    for (std::size_t k = 0; k < 100; ++k) {
      W x = 0, m = 0;
      for (std::size_t i = 0; i < n; ++i) {
        x += bits[i].x[k];
        m += bits[i].m[k];
      }
      CHECK((x == 0 || x == 1));
      ones += static_cast<std::size_t>(x);
      CHECK(m == alpha * x);
    }
    CHECK(ones > 20);
    CHECK(ones < 80);
    for (std::size_t k = 0; k < 2; ++k) {
      W r = 0, hi = 0, msb = 0, rm = 0;
      for (std::size_t i = 0; i < n; ++i) {
        r += masks[i].r.x[k];
        rm += masks[i].r.m[k];
        hi += masks[i].r_high.x[k];
        msb += masks[i].r_msb.x[k];
      }
      CHECK((r >> 64) == 0);
      CHECK(hi == (r >> 16));
      CHECK(msb == (r >> 63));
      CHECK(rm == alpha * r);
    }
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < a.size(); ++k) {
        const std::int64_t exact = (a[k] * b[k]).as_signed() >> 16;
        const std::int64_t v = got[i][k].as_signed();
        CHECK((v == exact || v == exact + 1));
      }
    }
  }
}

TEST_CASE("Spdz2k OT preprocessing: what is not dealer-free yet is refused", "[mpc][spdz2k]") {
  const auto errors = test::run_local_parties(2, [&](std::size_t i, net::Network& net) {
    Prg prg(test::seed_from(700 + i));
    mpc::Spdz2kOtPreprocessing pre(net, prg);
    (void)pre.edabits(1);
  });
  for (const auto& e : errors) {
    REQUIRE(e);
    CHECK_THROWS_AS(std::rethrow_exception(e), InvalidArgument);
  }
}
