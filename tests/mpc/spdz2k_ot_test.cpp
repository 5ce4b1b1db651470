// Dealer-free SPDZ2k preprocessing by OT: triples with c = a * b in Z_2^128
// and valid MACs on 2 and 3 parties, the online phase on top of it, a
// cheating triple caught by the sacrifice, and a wrong value in the OT
// extension caught.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "mpc/mpc_test_support.hpp"
#include "mpc/spdz2k_test_support.hpp"
#include "privfin/core/error.hpp"
#include "privfin/mpc/compare.hpp"
#include "privfin/mpc/convert.hpp"
#include "privfin/mpc/spdz2k.hpp"
#include "privfin/mpc/spdz2k_ot.hpp"

using namespace privfin;
using R = Z2k<64>;
using W = mpc::spdz2k::Word;

namespace {
// An honest party's abort is typed: a failed check (ProtocolError) or a
// malformed message (DecodeError), nothing else.
bool is_typed_abort(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const ProtocolError&) {
    return true;
  } catch (const DecodeError&) {
    return true;
  } catch (...) {
    return false;
  }
}

// Runs n parties with OT preprocessing; `cheat(i, pre)` plants a deviation
// before `request(pre)`. Every party must abort with a ProtocolError that
// contains `part` and starts with `prefix`, and none may finish.
template <class Cheat, class Request>
void expect_abort(std::size_t n, std::uint64_t seed, const Cheat& cheat, const Request& request, const std::string& part,
                  const std::string& prefix) {
  std::vector<int> got(n, 0);
  const auto errors = test::run_local_parties(n, [&](std::size_t i, net::Network& net) {
    Prg prg(test::seed_from(seed + i));
    mpc::Spdz2kOtPreprocessing pre(net, prg);
    cheat(i, pre);
    request(pre);
    got[i] = 1;
  });
  for (std::size_t i = 0; i < n; ++i) CHECK(got[i] == 0);
  test::require_abort(errors, n, part, prefix);
}
}  // namespace

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
      expect_abort(
          n, 500, [&](std::size_t i, mpc::Spdz2kOtPreprocessing& pre) { if (i == n - 1) pre.corrupt_next_triple(delta); },
          [](mpc::Spdz2kOtPreprocessing& pre) { (void)pre.triples(8); }, "sacrifice: triple 0 of 8 is wrong",
          "mpc::Spdz2kOtPreprocessing");
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
      CHECK(is_typed_abort(errors[0]));
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
      masks[i] = pre.trunc_masks(70, 16);  // two words of r_63 bits
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
    std::size_t msb_ones = 0;
    for (std::size_t k = 0; k < 70; ++k) {
      W r = 0, hi = 0, msb = 0, rm = 0;
      for (std::size_t i = 0; i < n; ++i) {
        r += masks[i].r.x[k];
        rm += masks[i].r.m[k];
        hi += masks[i].r_high.x[k];
        msb += masks[i].r_msb.x[k];
      }
      // Values mod 2^64 (the lifts' upper bits are noise, which trunc hides).
      const auto r64 = static_cast<std::uint64_t>(r);
      CHECK(static_cast<std::uint64_t>(hi) == (r64 >> 16));
      CHECK(static_cast<std::uint64_t>(msb) == (r64 >> 63));
      CHECK(rm == alpha * r);
      msb_ones += static_cast<std::size_t>(r64 >> 63);
    }
    CHECK(msb_ones > 15);
    CHECK(msb_ones < 55);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < a.size(); ++k) {
        const std::int64_t exact = (a[k] * b[k]).as_signed() >> 16;
        const std::int64_t v = got[i][k].as_signed();
        CHECK((v == exact || v == exact + 1));
      }
    }
  }
}

namespace {
// The value and the MAC check of word k of shares of authenticated bits.
struct OpenedBits {
  std::uint64_t value = 0;
  bool mac_ok = true;
};
OpenedBits open_bits(const std::vector<mpc::spdz2k::AuthBits>& parts, const std::vector<std::uint64_t>& deltas,
                     std::size_t k) {
  OpenedBits out;
  std::uint64_t delta = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    out.value ^= parts[i].x[k];
    delta ^= deltas[i];
  }
  for (std::size_t t = 0; t < mpc::spdz2k::mac_slices; ++t) {
    std::uint64_t mac = 0;
    for (const auto& part : parts) mac ^= part.slice(t)[k];
    const std::uint64_t want = ((delta >> t) & 1U) != 0 ? out.value : 0;
    if (mac != want) out.mac_ok = false;
  }
  return out;
}
}  // namespace

TEST_CASE("Spdz2k OT preprocessing: binary correlations are right with valid MACs on 2 and 3 parties",
          "[mpc][spdz2k]") {
  for (std::size_t n : {2U, 3U}) {
    INFO(n << " parties");
    constexpr std::size_t words = 3;
    constexpr std::size_t dabit_count = 100;  // not a multiple of 64
    std::vector<mpc::spdz2k::AuthBits> randoms(n), masks(n), ta(n), tb(n), tc(n), dbits(n), ebits(n);
    std::vector<mpc::spdz2k::AuthShares> dr(n), er(n);
    std::vector<std::vector<std::uint64_t>> mask_values(n);
    std::vector<std::uint64_t> deltas(n);
    std::vector<W> alphas(n);
    const auto errors = test::run_local_parties(n, [&](std::size_t i, net::Network& net) {
      Prg prg(test::seed_from(900 + i));
      mpc::Spdz2kOtPreprocessing pre(net, prg);
      deltas[i] = pre.bit_key_share();
      alphas[i] = pre.mac_key_share();
      randoms[i] = pre.random_bits(words);
      auto m = pre.input_bit_masks(n - 1, words);
      masks[i] = std::move(m.r);
      mask_values[i] = std::move(m.values);
      auto t = pre.bit_triples(1);
      ta[i] = std::move(t.a);
      tb[i] = std::move(t.b);
      tc[i] = std::move(t.c);
      auto d = pre.dabits(dabit_count);
      dr[i] = std::move(d.r);
      dbits[i] = std::move(d.bits);
      auto e = pre.edabits(2);
      er[i] = std::move(e.r);
      ebits[i] = std::move(e.bits);
    });
    test::rethrow_first(errors);
    W alpha = 0;
    for (W a : alphas) alpha += a;
    const auto arith = [&](const std::vector<mpc::spdz2k::AuthShares>& parts, std::size_t k) {
      W x = 0, m = 0;
      for (const auto& part : parts) {
        x += part.x[k];
        m += part.m[k];
      }
      CHECK(m == alpha * x);
      return x;
    };
    for (std::size_t k = 0; k < words; ++k) {
      const auto r = open_bits(randoms, deltas, k);
      CHECK(r.mac_ok);
      CHECK(r.value != 0);
      const auto m = open_bits(masks, deltas, k);
      CHECK(m.mac_ok);
      CHECK(m.value == mask_values[n - 1][k]);
    }
    CHECK(mask_values[0].empty());
    const auto a = open_bits(ta, deltas, 0);
    const auto b = open_bits(tb, deltas, 0);
    const auto c = open_bits(tc, deltas, 0);
    CHECK((a.mac_ok && b.mac_ok && c.mac_ok));
    CHECK(c.value == (a.value & b.value));
    CHECK(a.value != b.value);
    std::size_t ones = 0;
    for (std::size_t j = 0; j < dabit_count; ++j) {
      const W v = arith(dr, j);
      CHECK((v == 0 || v == 1));
      const auto word = open_bits(dbits, deltas, j / 64);
      CHECK(word.mac_ok);
      CHECK(((word.value >> (j % 64)) & 1U) == static_cast<std::uint64_t>(v));
      ones += static_cast<std::size_t>(v);
    }
    CHECK(ones > 25);
    CHECK(ones < 75);
    for (std::size_t k = 0; k < 2; ++k) {
      const W v = arith(er, k);
      const auto word = open_bits(ebits, deltas, k);
      CHECK(word.mac_ok);
      CHECK(static_cast<std::uint64_t>(v) == word.value);  // the lift's upper bits are noise
    }
  }
}

TEST_CASE("Spdz2k OT preprocessing: comparison, equality, b2a and AND run without a dealer", "[mpc][spdz2k]") {
  for (std::size_t n : {2U, 3U}) {
    INFO(n << " parties");
    Prg data(test::seed_from(11));
    const auto a = test::random_signed(data, 6, 62);
    auto b = test::random_signed(data, 6, 62);
    b[3] = a[3];
    std::vector<std::uint64_t> w0(2), w1(2);
    data.fill(std::span<std::uint64_t>(w0));
    data.fill(std::span<std::uint64_t>(w1));
    std::vector<std::vector<std::uint64_t>> lts(n), eqs(n), ands(n);
    std::vector<std::vector<R>> b2as(n);
    const auto errors = test::run_local_parties(n, [&](std::size_t i, net::Network& net) {
      Prg prg(test::seed_from(950 + i));
      mpc::Spdz2kOtPreprocessing pre(net, prg);
      mpc::Spdz2k p(net, pre, prg);
      const auto x = p.input(0, i == 0 ? std::span<const R>(a) : std::span<const R>{}, a.size());
      const auto y = p.input(1, i == 1 ? std::span<const R>(b) : std::span<const R>{}, b.size());
      const auto less = mpc::lt(p, x, y);
      lts[i] = p.reveal_bits(less);
      eqs[i] = p.reveal_bits(mpc::eq(p, x, y));
      b2as[i] = p.reveal(mpc::b2a(p, less, a.size()));
      const auto u = p.input_bits(0, i == 0 ? std::span<const std::uint64_t>(w0) : std::span<const std::uint64_t>{}, 2);
      const auto v =
          p.input_bits(n - 1, i == n - 1 ? std::span<const std::uint64_t>(w1) : std::span<const std::uint64_t>{}, 2);
      ands[i] = p.reveal_bits(p.and_(u, v));
    });
    test::rethrow_first(errors);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < a.size(); ++k) {
        const bool want_lt = a[k].as_signed() < b[k].as_signed();
        CHECK((((lts[i][0] >> k) & 1U) != 0) == want_lt);
        CHECK((((eqs[i][0] >> k) & 1U) != 0) == (a[k] == b[k]));
        CHECK(b2as[i][k] == R{want_lt ? 1U : 0U});
      }
      for (std::size_t k = 0; k < 2; ++k) CHECK(ands[i][k] == (w0[k] & w1[k]));
    }
  }
}

TEST_CASE("Spdz2k OT preprocessing: a party whose arithmetic and binary random bits differ is caught",
          "[mpc][spdz2k][security]") {
  for (std::size_t n : {2U, 3U}) {
    INFO(n << " parties");
    expect_abort(
        n, 960, [](std::size_t i, mpc::Spdz2kOtPreprocessing& pre) { if (i == 0) pre.corrupt_next_dabit(); },
        [](mpc::Spdz2kOtPreprocessing& pre) { (void)pre.dabits(70); },
        "of 64 failed (some party's arithmetic and binary random bits differ",
        "mpc::Spdz2kOtPreprocessing: daBits: consistency check");
  }
}

TEST_CASE("Spdz2k OT preprocessing: the edaBit bucket sizes are the smallest with a 2^-64 bound",
          "[mpc][spdz2k][security]") {
  // log2(kept / binom(kept B, B)), computed independently of the library.
  const auto log2_bound = [](std::size_t kept, std::size_t b) {
    double log2_binom = 0;
    for (std::size_t i = 0; i < b; ++i) {
      log2_binom += std::log2(static_cast<double>(kept * b - i)) - std::log2(static_cast<double>(i + 1));
    }
    return std::log2(static_cast<double>(kept)) - log2_binom;
  };
  // The figures spdz2k_ot.hpp and docs/mpc.md give.
  CHECK(mpc::Spdz2kOtPreprocessing::edabit_bucket_size(64) == 10);
  CHECK(mpc::Spdz2kOtPreprocessing::edabit_bucket_size(128) == 9);
  CHECK(mpc::Spdz2kOtPreprocessing::edabit_bucket_size(320) == 8);
  CHECK(mpc::Spdz2kOtPreprocessing::edabit_bucket_size(1024) == 7);
  for (std::size_t kept = 64; kept <= 1024; kept += 64) {
    const std::size_t b = mpc::Spdz2kOtPreprocessing::edabit_bucket_size(kept);
    INFO("kept " << kept << ", bucket " << b);
    CHECK(log2_bound(kept, b) <= -64.0);
    CHECK(log2_bound(kept, b - 1) > -64.0);
  }
}

TEST_CASE("Spdz2k OT preprocessing: edaBits across two batches are right with valid MACs", "[mpc][spdz2k]") {
  // 1,100 edaBits: a batch of 1,024 (bucket size 7) and one of 76 (128
  // kept, bucket size 9).
  constexpr std::size_t count = 1100;
  std::vector<mpc::spdz2k::EdaBits> got(2);
  std::vector<std::uint64_t> deltas(2);
  std::vector<W> alphas(2);
  const auto errors = test::run_local_parties(2, [&](std::size_t i, net::Network& net) {
    Prg prg(test::seed_from(1200 + i));
    mpc::Spdz2kOtPreprocessing pre(net, prg);
    deltas[i] = pre.bit_key_share();
    alphas[i] = pre.mac_key_share();
    got[i] = pre.edabits(count);
  });
  test::rethrow_first(errors);
  const W alpha = alphas[0] + alphas[1];
  std::vector<mpc::spdz2k::AuthBits> bits{got[0].bits, got[1].bits};
  std::size_t top_ones = 0;
  std::uint64_t previous = 0;
  for (std::size_t k = 0; k < count; ++k) {
    const W x = got[0].r.x[k] + got[1].r.x[k];
    CHECK(got[0].r.m[k] + got[1].r.m[k] == alpha * x);
    const auto word = open_bits(bits, deltas, k);
    CHECK(word.mac_ok);
    CHECK(static_cast<std::uint64_t>(x) == word.value);
    CHECK(word.value != previous);
    previous = word.value;
    top_ones += static_cast<std::size_t>(word.value >> 63);
  }
  CHECK(top_ones > 450);
  CHECK(top_ones < 650);
}

TEST_CASE("Spdz2k OT preprocessing: a party cannot shift another party's input", "[mpc][spdz2k][security]") {
  // Party 2 puts a share of 5 into party 0's input mask, with the MAC share
  // its own key allows; before inputs were authenticated as their owner's,
  // this made the input 5 larger with consistent MACs.
  for (const W delta : {W{5}, W{1} << 70}) {
    INFO("delta " << static_cast<std::uint64_t>(delta) << " + 2^64 * " << static_cast<std::uint64_t>(delta >> 64));
    std::vector<int> revealed(3, 0);
    const std::vector<R> values{R{100}, R{200}};
    const auto errors = test::run_local_parties(3, [&](std::size_t i, net::Network& net) {
      Prg prg(test::seed_from(1300 + i));
      mpc::Spdz2kOtPreprocessing pre(net, prg);
      mpc::Spdz2k p(net, pre, prg);
      if (i == 2) pre.corrupt_next_owned_share(delta);
      const auto x = p.input(0, i == 0 ? std::span<const R>(values) : std::span<const R>{}, values.size());
      (void)p.reveal(x);
      revealed[i] = 1;
    });
    for (int r : revealed) CHECK(r == 0);
    test::require_abort(errors, 3, "MAC");
  }
}

TEST_CASE("Spdz2k OT preprocessing: a party whose private edaBit's value and bits differ is caught",
          "[mpc][spdz2k][security]") {
  for (std::size_t n : {2U, 3U}) {
    for (std::size_t cheater : {std::size_t{0}, n - 1}) {
      INFO(n << " parties, cheater " << cheater);
      expect_abort(
          n, 970 + 10 * cheater,
          [&](std::size_t i, mpc::Spdz2kOtPreprocessing& pre) { if (i == cheater) pre.corrupt_next_edabit(); },
          [](mpc::Spdz2kOtPreprocessing& pre) { (void)pre.edabits(70); },
          "failed (party " + std::to_string(cheater) + "'s private edaBits: an arithmetic value and its bits differ",
          "mpc::Spdz2kOtPreprocessing: edaBits: bucket check");
    }
  }
}

TEST_CASE("Spdz2k OT preprocessing: a wrong binary authentication message aborts or has no effect",
          "[mpc][spdz2k][security]") {
  // The cheater adds 1 to 8 bytes of one of its messages while random bits
  // are made and revealed (the base OTs of the bit streams, the corrections
  // u_t, the opening). Either an honest party aborts, or the change had no
  // effect on anything the honest party uses: then the revealed words are
  // the XOR of the shares. Never a wrong output.
  std::size_t aborted = 0;
  for (std::size_t skip = 0; skip < 8; ++skip) {
    INFO("skip " << skip);
    std::array<std::vector<std::uint64_t>, 2> shares;
    std::array<std::vector<std::uint64_t>, 2> revealed;
    const auto errors = test::run_local_parties(2, [&](std::size_t i, net::Network& honest) {
      std::unique_ptr<test::CheatingNetwork> cheat;
      if (i == 1) cheat = std::make_unique<test::CheatingNetwork>(honest);
      net::Network& net = cheat ? static_cast<net::Network&>(*cheat) : honest;
      Prg prg(test::seed_from(970 + i));
      mpc::Spdz2kOtPreprocessing pre(net, prg);
      mpc::Spdz2k p(net, pre, prg);
      if (cheat) cheat->arm_all(1, skip, 40);
      const auto bits = p.random_bits(8);
      shares[i] = bits.x;
      revealed[i] = p.reveal_bits(bits);
    });
    INFO(test::what_of(errors[0]) << " / cheater: " << test::what_of(errors[1]));
    if (errors[0]) {
      ++aborted;
      CHECK(is_typed_abort(errors[0]));
    } else {
      for (std::size_t k = 0; k < 8; ++k) CHECK(revealed[0][k] == (shares[0][k] ^ shares[1][k]));
    }
  }
  CHECK(aborted >= 3);
}

TEST_CASE("Spdz2k OT preprocessing: a wrong bit triple is caught by the bucket check", "[mpc][spdz2k][security]") {
  for (std::size_t n : {2U, 3U}) {
    INFO(n << " parties");
    expect_abort(
        n, 980, [&](std::size_t i, mpc::Spdz2kOtPreprocessing& pre) { if (i == n - 1) pre.corrupt_next_bit_triples(); },
        [](mpc::Spdz2kOtPreprocessing& pre) { (void)pre.bit_triples(1); }, "words failed (a bit triple is wrong",
        "mpc::Spdz2kOtPreprocessing: bit triples: bucket check");
  }
}

TEST_CASE("Spdz2k OT preprocessing: a random-bit input that is not a bit aborts every party",
          "[mpc][spdz2k][security]") {
  for (std::size_t n : {2U, 3U}) {
    for (std::size_t cheater = 0; cheater < n; ++cheater) {
      INFO(n << " parties, cheater " << cheater);
      expect_abort(
          n, 990, [&](std::size_t i, mpc::Spdz2kOtPreprocessing& pre) { if (i == cheater) pre.corrupt_next_arith_bit(); },
          [](mpc::Spdz2kOtPreprocessing& pre) { (void)pre.random_arith_bits(64); }, "random bits: bit 0 of 64 is not 0 or 1",
          "mpc::Spdz2kOtPreprocessing: ");
    }
  }
}

TEST_CASE("Spdz2k OT preprocessing: bit triples across two pool batches are right",
          "[mpc][spdz2k]") {
  // 1,000 words from the first batch of 1,024, then 100: the 24 left over
  // followed by 76 from a second batch.
  constexpr std::size_t n = 2;
  std::vector<mpc::spdz2k::BitTriples> first(n), second(n);
  std::vector<std::uint64_t> deltas(n);
  const auto errors = test::run_local_parties(n, [&](std::size_t i, net::Network& net) {
    Prg prg(test::seed_from(1000 + i));
    mpc::Spdz2kOtPreprocessing pre(net, prg);
    deltas[i] = pre.bit_key_share();
    first[i] = pre.bit_triples(1000);
    second[i] = pre.bit_triples(100);
  });
  test::rethrow_first(errors);
  for (const auto* batch : {&first, &second}) {
    std::vector<mpc::spdz2k::AuthBits> a, b, c;
    for (const auto& t : *batch) {
      a.push_back(t.a);
      b.push_back(t.b);
      c.push_back(t.c);
    }
    for (std::size_t k = 0; k < a[0].size(); ++k) {
      const auto ta = open_bits(a, deltas, k);
      const auto tb = open_bits(b, deltas, k);
      const auto tc = open_bits(c, deltas, k);
      REQUIRE((ta.mac_ok && tb.mac_ok && tc.mac_ok));
      REQUIRE(tc.value == (ta.value & tb.value));
    }
  }
  CHECK(second[0].a.size() == 100);
}
