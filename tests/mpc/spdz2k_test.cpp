// Spdz2k's online phase with the test-only dealer: results against
// plaintext on 2 and 3 parties, MACs valid, and every cheating behaviour we
// can express (a wrong share in an opening, a wrong MAC share, a wrong
// triple, different values to different peers, a wrong check message) ends
// in a ProtocolError at every honest party before any output is returned.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <string>

#include "mpc/mpc_test_support.hpp"
#include "mpc/spdz2k_test_support.hpp"
#include "privfin/core/error.hpp"
#include "privfin/mpc/compare.hpp"
#include "privfin/mpc/convert.hpp"
#include "privfin/mpc/fixed_point.hpp"
#include "privfin/mpc/spdz2k.hpp"
#include "privfin/sharing/fixed.hpp"

using namespace privfin;
using R = Z2k<64>;
using W = mpc::spdz2k::Word;

using test::CheatingNetwork;
using test::what_of;
using test::require_abort;

namespace {

// The dealer with one party's triple shares changed (a wrong triple) or its
// MAC shares of them (a wrong MAC share).
class TamperedDealer final : public mpc::Spdz2kPreprocessing {
 public:
  TamperedDealer(const Prg::Seed& seed, std::size_t party, std::size_t parties) : inner_(seed, party, parties) {}
  bool add_to_c = false;
  bool add_to_c_mac = false;
  bool add_to_edabit = false;
  bool add_to_bit_triple = false;
  [[nodiscard]] std::size_t party_id() const noexcept override { return inner_.party_id(); }
  [[nodiscard]] std::size_t party_count() const noexcept override { return inner_.party_count(); }
  [[nodiscard]] W mac_key_share() const noexcept override { return inner_.mac_key_share(); }
  [[nodiscard]] std::uint64_t bit_key_share() const noexcept override { return inner_.bit_key_share(); }
  [[nodiscard]] mpc::spdz2k::Triples triples(std::size_t n) override {
    auto t = inner_.triples(n);
    if (add_to_c) t.c.x[0] += 1;
    if (add_to_c_mac) t.c.m[0] += 1;
    return t;
  }
  [[nodiscard]] mpc::spdz2k::BitTriples bit_triples(std::size_t w) override {
    auto t = inner_.bit_triples(w);
    if (add_to_bit_triple) t.c.x[0] ^= 1;
    return t;
  }
  [[nodiscard]] mpc::spdz2k::AuthShares random_values(std::size_t n) override { return inner_.random_values(n); }
  [[nodiscard]] mpc::spdz2k::AuthBits random_bits(std::size_t w) override { return inner_.random_bits(w); }
  [[nodiscard]] mpc::spdz2k::InputMasks input_masks(std::size_t o, std::size_t n) override {
    return inner_.input_masks(o, n);
  }
  [[nodiscard]] mpc::spdz2k::InputBitMasks input_bit_masks(std::size_t o, std::size_t w) override {
    return inner_.input_bit_masks(o, w);
  }
  [[nodiscard]] mpc::spdz2k::EdaBits edabits(std::size_t n) override {
    auto e = inner_.edabits(n);
    if (add_to_edabit) e.bits.x[0] ^= 1;
    return e;
  }
  [[nodiscard]] mpc::spdz2k::DaBits dabits(std::size_t c) override { return inner_.dabits(c); }
  [[nodiscard]] mpc::spdz2k::TruncMasks trunc_masks(std::size_t n, unsigned d) override {
    return inner_.trunc_masks(n, d);
  }

 private:
  mpc::Spdz2kTestDealer inner_;
};

const Prg::Seed dealer_seed = test::seed_from(777);

template <class Body>
std::vector<std::exception_ptr> run_spdz2k(std::size_t n, const Body& body) {
  return test::run_local_parties(n, [&](std::size_t i, net::Network& net) {
    mpc::Spdz2kTestDealer pre(dealer_seed, i, n);
    Prg seeds(test::seed_from(100 + i));
    mpc::Spdz2k p(net, pre, seeds);
    body(p, pre);
  });
}

// Party `cheater` runs over a CheatingNetwork and a TamperedDealer.
std::vector<std::exception_ptr> run_cheating(
    std::size_t n, std::size_t cheater,
    const std::function<void(mpc::Spdz2k&, CheatingNetwork*, TamperedDealer*)>& body) {
  return test::run_local_parties(n, [&](std::size_t i, net::Network& honest) {
    std::unique_ptr<CheatingNetwork> cheat;
    if (i == cheater) cheat = std::make_unique<CheatingNetwork>(honest);
    net::Network& net = cheat ? static_cast<net::Network&>(*cheat) : honest;
    TamperedDealer pre(dealer_seed, i, n);
    Prg seeds(test::seed_from(200 + i));
    mpc::Spdz2k p(net, pre, seeds);
    body(p, cheat.get(), i == cheater ? &pre : nullptr);
  });
}

std::span<const R> mine(const mpc::Spdz2k& p, std::size_t owner, const std::vector<R>& v) {
  return p.party_id() == owner ? std::span<const R>(v) : std::span<const R>{};
}

}  // namespace

TEST_CASE("Spdz2k: arithmetic, truncation and reveal_to match plaintext on 2 and 3 parties", "[mpc][spdz2k]") {
  for (std::size_t n : {2U, 3U}) {
    Prg prg(test::seed_from(n));
    const auto a = test::random_ring(prg, 200);
    const auto b = test::random_ring(prg, 200);
    const auto s = test::random_signed(prg, 200, 50);
    std::vector<std::vector<R>> sums(n), prods(n), dots(n), affine(n), truncs(n), privates(n);
    const auto errors = run_spdz2k(n, [&](mpc::Spdz2k& p, mpc::Spdz2kTestDealer&) {
      const auto x = p.input(0, mine(p, 0, a), a.size());
      const auto y = p.input(n - 1, mine(p, n - 1, b), b.size());
      const auto z = p.input(1, mine(p, 1, s), s.size());
      const std::size_t i = p.party_id();
      sums[i] = p.reveal(p.sub(p.add(x, y), p.neg(x)));
      prods[i] = p.reveal(p.mul(x, y));
      dots[i] = p.reveal(p.dot(x, y, 10));
      affine[i] = p.reveal(p.add_public(p.mul_public(x, R{7}), R{3}));
      truncs[i] = p.reveal(p.trunc(z, 13));
      privates[i] = p.reveal_to(1, p.mul(x, x));
    });
    test::rethrow_first(errors);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < a.size(); ++k) {
        CHECK(sums[i][k] == a[k] + a[k] + b[k]);
        CHECK(prods[i][k] == a[k] * b[k]);
        CHECK(affine[i][k] == a[k] * R{7} + R{3});
        const std::int64_t exact = s[k].as_signed() >> 13;  // floor
        const std::int64_t got = truncs[i][k].as_signed();
        CHECK((got == exact || got == exact + 1));
      }
      for (std::size_t blk = 0; blk < a.size() / 10; ++blk) {
        R acc{};
        for (std::size_t k = 0; k < 10; ++k) acc += a[10 * blk + k] * b[10 * blk + k];
        CHECK(dots[i][blk] == acc);
      }
      if (i == 1) {
        REQUIRE(privates[i].size() == a.size());
        for (std::size_t k = 0; k < a.size(); ++k) CHECK(privates[i][k] == a[k] * a[k]);
      } else {
        CHECK(privates[i].empty());
      }
    }
  }
}

TEST_CASE("Spdz2k: comparison, equality, b2a and fixed point run on it", "[mpc][spdz2k]") {
  for (std::size_t n : {2U, 3U}) {
    Prg prg(test::seed_from(10 + n));
    const auto a = test::random_signed(prg, 150, 62);
    auto b = test::random_signed(prg, 150, 62);
    for (std::size_t k = 0; k < b.size(); k += 5) b[k] = a[k];
    using Fx = sharing::Fixed<16>;
    std::vector<double> fx(40), fy(40);
    for (std::size_t k = 0; k < fx.size(); ++k) {
      fx[k] = static_cast<double>(static_cast<std::int64_t>(prg.next_u64() % 20000) - 10000) / 100.0;
      fy[k] = static_cast<double>(static_cast<std::int64_t>(prg.next_u64() % 20000) - 10000) / 100.0;
    }
    const auto ex = Fx::encode(fx);
    const auto ey = Fx::encode(fy);
    std::vector<std::vector<std::uint64_t>> lts(n), eqs(n), ands(n);
    std::vector<std::vector<R>> b2as(n), fixs(n);
    std::vector<std::uint64_t> w0(7), w1(7);
    prg.fill(std::span<std::uint64_t>(w0));
    prg.fill(std::span<std::uint64_t>(w1));
    const auto errors = run_spdz2k(n, [&](mpc::Spdz2k& p, mpc::Spdz2kTestDealer&) {
      const std::size_t i = p.party_id();
      const auto x = p.input(0, mine(p, 0, a), a.size());
      const auto y = p.input(1, mine(p, 1, b), b.size());
      const auto less = mpc::lt(p, x, y);
      lts[i] = p.reveal_bits(less);
      eqs[i] = p.reveal_bits(mpc::eq(p, x, y));
      b2as[i] = p.reveal(mpc::b2a(p, less, a.size()));
      const auto u = p.input_bits(0, p.party_id() == 0 ? std::span<const std::uint64_t>(w0) : std::span<const std::uint64_t>{}, 7);
      const auto v = p.input_bits(n - 1, p.party_id() == n - 1 ? std::span<const std::uint64_t>(w1) : std::span<const std::uint64_t>{}, 7);
      ands[i] = p.reveal_bits(p.xor_(p.and_(u, v), u));
      const auto fa = p.input(0, mine(p, 0, ex), ex.size());
      const auto fb = p.input(1, mine(p, 1, ey), ey.size());
      fixs[i] = p.reveal(mpc::fixmul<16>(p, fa, fb));
    });
    test::rethrow_first(errors);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t k = 0; k < a.size(); ++k) {
        const bool want_lt = a[k].as_signed() < b[k].as_signed();
        const bool want_eq = a[k] == b[k];
        CHECK((((lts[i][k / 64] >> (k % 64)) & 1U) != 0) == want_lt);
        CHECK((((eqs[i][k / 64] >> (k % 64)) & 1U) != 0) == want_eq);
        CHECK(b2as[i][k] == R{want_lt ? 1U : 0U});
      }
      for (std::size_t k = 0; k < 7; ++k) CHECK(ands[i][k] == ((w0[k] & w1[k]) ^ w0[k]));
      for (std::size_t k = 0; k < fx.size(); ++k) {
        const double exact = Fx::decode(ex[k]) * Fx::decode(ey[k]);
        CHECK(std::abs(Fx::decode(fixs[i][k]) - exact) <= 1.0 / 65536.0);
      }
    }
  }
}

TEST_CASE("Spdz2k: shares carry valid MACs under the dealer's keys", "[mpc][spdz2k]") {
  constexpr std::size_t n = 3;
  std::array<mpc::Spdz2k::Arith, n> shares;
  std::array<mpc::Spdz2k::Bool, n> bits;
  W alpha = 0;
  std::uint64_t delta = 0;
  const std::vector<R> v = {R{5}, R{7}, R::from_signed(-1)};
  const std::vector<std::uint64_t> words = {0x0123456789abcdefULL};
  const auto errors = run_spdz2k(n, [&](mpc::Spdz2k& p, mpc::Spdz2kTestDealer& pre) {
    const auto x = p.input(2, mine(p, 2, v), v.size());
    shares[p.party_id()] = p.mul(x, p.add_public(x, R{1}));
    const auto b = p.input_bits(0, p.party_id() == 0 ? std::span<const std::uint64_t>(words) : std::span<const std::uint64_t>{}, 1);
    bits[p.party_id()] = p.and_(b, p.xor_public(b, std::vector<std::uint64_t>{~std::uint64_t{0}}));
    if (p.party_id() == 0) {
      alpha = pre.mac_key();
      delta = pre.bit_key();
    }
    p.check();
  });
  test::rethrow_first(errors);
  for (std::size_t k = 0; k < v.size(); ++k) {
    W x = 0;
    W m = 0;
    for (const auto& s : shares) {
      x += s.x[k];
      m += s.m[k];
    }
    CHECK(static_cast<std::uint64_t>(x) == (v[k] * (v[k] + R{1})).value());
    CHECK(m == alpha * x);
  }
  std::uint64_t bx = 0;
  for (const auto& s : bits) bx ^= s.x[0];
  CHECK(bx == 0);  // b & ~b
  for (std::size_t t = 0; t < 64; ++t) {
    std::uint64_t mt = 0;
    for (const auto& s : bits) mt ^= s.slice(t)[0];
    CHECK(mt == (((delta >> t) & 1U) != 0 ? bx : 0));
  }
}

TEST_CASE("Spdz2k: every cheating behaviour aborts every honest party before any output", "[mpc][spdz2k][security]") {
  const std::vector<R> five = {R{5}};
  const std::vector<R> seven = {R{7}};
  // What each scenario does at the cheater, and the part of the abort message.
  struct Scenario {
    const char* name;
    std::function<void(CheatingNetwork*, TamperedDealer*)> before_mul;
    std::function<void(CheatingNetwork*)> before_reveal;
    const char* part;
  };
  const std::vector<Scenario> scenarios = {
      {"a wrong share in the multiplication opening, sent to every peer",
       [](CheatingNetwork* c, TamperedDealer*) { c->arm_all(1); }, nullptr, "MAC: the arithmetic MAC check failed"},
      {"a wrong triple (c share + 1)", [](CheatingNetwork*, TamperedDealer* d) { d->add_to_c = true; }, nullptr,
       "MAC: the arithmetic MAC check failed"},
      {"a wrong MAC share of a triple", [](CheatingNetwork*, TamperedDealer* d) { d->add_to_c_mac = true; }, nullptr,
       "MAC: the arithmetic MAC check failed"},
      {"different shares to different peers in the multiplication",
       [](CheatingNetwork* c, TamperedDealer*) { c->arm(0, 1); }, nullptr, "check 1"},
      {"a wrong share in the output opening", nullptr,
       [](CheatingNetwork* c) { c->arm_all(1, 4); },  // after check 1's four messages
       "check 2 (reveal"},
      {"a wrong seed share in the check", nullptr, [](CheatingNetwork* c) { c->arm_all(1, 1); },
       "commitment: the coefficient seed share"},
      {"a wrong sigma opening in the check", nullptr, [](CheatingNetwork* c) { c->arm_all(1, 3); },
       "commitment: the opened MAC check values"},
  };
  for (std::size_t n : {2U, 3U}) {
    for (std::size_t cheater = 0; cheater < n; ++cheater) {
      for (const auto& sc : scenarios) {
        if (std::string(sc.name).find("different shares") != std::string::npos && cheater == 0) continue;
        INFO(n << " parties, cheater " << cheater << ": " << sc.name);
        std::vector<int> outputs(n, 0);
        const auto errors = run_cheating(n, cheater, [&](mpc::Spdz2k& p, CheatingNetwork* c, TamperedDealer* d) {
          const auto x = p.input(0, mine(p, 0, five), 1);
          const auto y = p.input(1, mine(p, 1, seven), 1);
          if (c != nullptr && sc.before_mul) sc.before_mul(c, d);
          const auto z = p.mul(x, y);
          if (c != nullptr && sc.before_reveal) sc.before_reveal(c);
          const auto out = p.reveal(z);
          outputs[p.party_id()] = 1;
          (void)out;
        });
        for (std::size_t i = 0; i < n; ++i) {
          if (i != cheater) CHECK(outputs[i] == 0);  // no honest party got an output
        }
        require_abort(errors, cheater, sc.part);
      }
    }
  }
}

TEST_CASE("Spdz2k: an input owner sending different values to different peers is caught", "[mpc][spdz2k][security]") {
  const std::vector<R> five = {R{5}};
  std::vector<int> outputs(3, 0);
  const auto errors = run_cheating(3, 0, [&](mpc::Spdz2k& p, CheatingNetwork* c, TamperedDealer*) {
    if (c != nullptr) c->arm(2, 1);
    const auto x = p.input(0, mine(p, 0, five), 1);
    (void)p.reveal(x);
    outputs[p.party_id()] = 1;
  });
  CHECK(outputs[1] == 0);
  CHECK(outputs[2] == 0);
  require_abort(errors, 0, "view: party ");
}

TEST_CASE("Spdz2k: cheating in comparisons (binary openings, edaBits) is caught", "[mpc][spdz2k][security]") {
  Prg prg(test::seed_from(99));
  const auto a = test::random_signed(prg, 20, 40);
  const auto b = test::random_signed(prg, 20, 40);
  for (int mode = 0; mode < 3; ++mode) {
    INFO("mode " << mode);
    std::vector<int> outputs(3, 0);
    const auto errors = run_cheating(3, 2, [&](mpc::Spdz2k& p, CheatingNetwork* c, TamperedDealer* d) {
      const auto x = p.input(0, mine(p, 0, a), a.size());
      const auto y = p.input(1, mine(p, 1, b), b.size());
      if (c != nullptr && mode == 0) c->arm_all(1, 1);  // the first binary (and_) opening after arith_components
      if (d != nullptr && mode == 1) d->add_to_bit_triple = true;
      if (d != nullptr && mode == 2) d->add_to_edabit = true;
      const auto less = mpc::lt(p, x, y);
      (void)p.reveal_bits(less);
      outputs[p.party_id()] = 1;
    });
    CHECK(outputs[0] == 0);
    CHECK(outputs[1] == 0);
    require_abort(errors, 2, "MAC: the ");
  }
}

TEST_CASE("Spdz2k: refuses a preprocessing source for another party and use after an abort", "[mpc][spdz2k]") {
  const auto errors = test::run_local_parties(2, [&](std::size_t i, net::Network& net) {
    mpc::Spdz2kTestDealer pre(dealer_seed, 1 - i, 2);
    Prg seeds(test::seed_from(5));
    mpc::Spdz2k p(net, pre, seeds);
  });
  for (const auto& e : errors) {
    REQUIRE(e);
    CHECK_THROWS_AS(std::rethrow_exception(e), InvalidArgument);
  }
  CHECK_THROWS_AS(mpc::Spdz2kTestDealer(dealer_seed, 2, 2), InvalidArgument);
  std::vector<int> refused(2, 0);
  const std::vector<R> one = {R{1}};
  const auto errors2 = run_cheating(2, 1, [&](mpc::Spdz2k& p, CheatingNetwork*, TamperedDealer* d) {
    if (d != nullptr) d->add_to_c = true;
    const auto x = p.input(0, mine(p, 0, one), 1);
    try {
      (void)p.reveal(p.mul(x, x));
    } catch (const ProtocolError&) {
      try {
        (void)p.mul(x, x);
      } catch (const ProtocolError& e) {
        if (std::string(e.what()).find("aborted") != std::string::npos) refused[p.party_id()] = 1;
      }
      throw;
    }
  });
  CHECK(refused[0] == 1);
  CHECK(refused[1] == 1);
}

TEST_CASE("Spdz2k: every bit flip in every message of the MAC check is refused", "[mpc][spdz2k][security]") {
  // The check's messages from party 1 to party 0: seed commitment (32
  // bytes), seed (16), commitment (32), opening (112: nonce, sigma, binary
  // sum, view hash). Every flip ends in a ProtocolError at party 0 that
  // names party 1's commitment (a flipped commitment makes the honest
  // opening mismatch it).
  const std::vector<R> five = {R{5}};
  const std::array<std::size_t, 4> sizes = {32, 16, 32, 112};
  std::size_t runs = 0;
  for (std::size_t msg = 0; msg < sizes.size(); ++msg) {
    for (std::size_t bit = 0; bit < 8 * sizes[msg]; ++bit) {
      const auto errors = run_cheating(2, 1, [&](mpc::Spdz2k& p, CheatingNetwork* c, TamperedDealer*) {
        const auto x = p.input(0, mine(p, 0, five), 1);
        (void)p.mul(x, x);
        if (c != nullptr) c->arm_flip(0, msg, bit);
        p.check();
      });
      ++runs;
      bool ok = false;
      if (errors[0]) {
        try {
          std::rethrow_exception(errors[0]);
        } catch (const ProtocolError& e) {
          ok = e.party() == 1 && std::string(e.what()).find("commitment") != std::string::npos;
        } catch (...) {
        }
      }
      if (!ok) {
        INFO("message " << msg << " bit " << bit << ": " << what_of(errors[0]));
        CHECK(ok);
      }
    }
  }
  CHECK(runs == 8 * (32 + 16 + 32 + 112));
}

TEST_CASE("Spdz2k: automatic checks keep pending openings bounded and catch a cheat before the reveal",
          "[mpc][spdz2k][security]") {
  const std::vector<R> five = {R{5}};
  const mpc::Spdz2k::Options small{.auto_check_elements = 4, .auto_check_words = 2};
  // Honest: the thresholds trigger checks inside mul and and_.
  std::vector<std::size_t> checks(3);
  auto errors = test::run_local_parties(3, [&](std::size_t i, net::Network& net) {
    mpc::Spdz2kTestDealer pre(dealer_seed, i, 3);
    Prg seeds(test::seed_from(300 + i));
    mpc::Spdz2k p(net, pre, seeds, small);
    const auto x = p.input(0, mine(p, 0, five), 1);
    (void)p.mul(x, x);  // 2 pending
    (void)p.mul(x, x);  // 4 pending: checked
    const auto b = p.random_bits(1);
    (void)p.and_(b, b);  // 2 words: checked
    checks[i] = p.checks_done();
    if (p.pending_openings() != 0) throw std::runtime_error("openings left pending");
  });
  test::rethrow_first(errors);
  for (auto c : checks) CHECK(c == 2);
  // A wrong share in the first mul is caught by the automatic check inside the second.
  std::vector<int> after(3, 0);
  errors = test::run_local_parties(3, [&](std::size_t i, net::Network& honest) {
    std::unique_ptr<CheatingNetwork> cheat;
    if (i == 1) cheat = std::make_unique<CheatingNetwork>(honest);
    net::Network& net = cheat ? static_cast<net::Network&>(*cheat) : honest;
    mpc::Spdz2kTestDealer pre(dealer_seed, i, 3);
    Prg seeds(test::seed_from(400 + i));
    mpc::Spdz2k p(net, pre, seeds, small);
    const auto x = p.input(0, mine(p, 0, five), 1);
    if (cheat) cheat->arm_all(1);
    (void)p.mul(x, x);
    (void)p.mul(x, x);
    after[i] = 1;
  });
  CHECK(after[0] == 0);
  CHECK(after[2] == 0);
  require_abort(errors, 1, "automatic, pending arithmetic openings");
  auto nets = net::LocalNetwork::create(2);
  mpc::Spdz2kTestDealer pre(dealer_seed, 0, 2);
  Prg seeds(test::seed_from(1));
  CHECK_THROWS_AS(mpc::Spdz2k(*nets[0], pre, seeds, {.auto_check_elements = 0}), InvalidArgument);
  CHECK_THROWS_AS(mpc::Spdz2k(*nets[0], pre, seeds, {.auto_check_words = 0}), InvalidArgument);
}

TEST_CASE("Spdz2k: arith_linear lifts gathers, sums, differences and shifts exactly, and a too-wide map aborts",
          "[mpc][spdz2k]") {
  Prg prg(test::seed_from(31));
  const auto a = test::random_ring(prg, 64);
  std::vector<std::vector<R>> got(2);
  const auto errors = run_spdz2k(2, [&](mpc::Spdz2k& p, mpc::Spdz2kTestDealer&) {
    const auto x = p.input(0, mine(p, 0, a), a.size());
    const std::vector<const mpc::Spdz2k::Arith*> in{&x};
    const auto y = p.arith_linear(std::span<const mpc::Spdz2k::Arith* const>(in), 4,
                                  [](std::span<const std::span<const R>> s, std::span<R> o) {
                                    o[0] = s[0][5];                                 // gather
                                    o[1] = s[0][0] + s[0][1] + s[0][2] + s[0][3];   // sum
                                    o[2] = s[0][7] - s[0][9] - s[0][11];            // differences
                                    o[3] = (s[0][3] << 40) - (s[0][4] << 45) + s[0][6] * R{3};
                                  });
    got[p.party_id()] = p.reveal(y);
  });
  test::rethrow_first(errors);
  for (const auto& g : got) {
    REQUIRE(g.size() == 4);
    CHECK(g[0] == a[5]);
    CHECK(g[1] == a[0] + a[1] + a[2] + a[3]);
    CHECK(g[2] == a[7] - a[9] - a[11]);
    CHECK(g[3] == (a[3] << 40) - (a[4] << 45) + a[6] * R{3});
  }
  // Shifts by 63 leave the lifted MACs inconsistent (sum |c| >= 2^47): the reveal aborts.
  const auto errors2 = run_spdz2k(2, [&](mpc::Spdz2k& p, mpc::Spdz2kTestDealer&) {
    const auto x = p.input(0, mine(p, 0, a), a.size());
    const std::vector<const mpc::Spdz2k::Arith*> in{&x};
    const auto y = p.arith_linear(std::span<const mpc::Spdz2k::Arith* const>(in), 64,
                                  [](std::span<const std::span<const R>> s, std::span<R> o) {
                                    for (std::size_t k = 0; k < o.size(); ++k) o[k] = s[0][k] << 63;
                                  });
    (void)p.reveal(y);
  });
  require_abort(errors2, 99, "MAC: the arithmetic MAC check failed");
}
