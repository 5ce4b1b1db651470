// What an actively cheating party or a faulty dealer can do to the outputs
// of the semi-honest engines (rep3.hpp, beaver.hpp, docs/security.md), and
// what Rep3's opt-in reveal check (Rep3::Options::check_reveals) catches.
// The cheater is a TamperingNetwork that adds 1 to one outgoing message; the
// computation is 5 * 7 = 35 throughout.
#include <catch2/catch.hpp>

#include <string>

#include "mpc/beaver_test_support.hpp"
#include "mpc/mpc_test_support.hpp"
#include "privfin/core/error.hpp"
#include "privfin/mpc/compare.hpp"
#include "privfin/mpc/rep3.hpp"

using namespace privfin;
using R = Z2k<64>;

namespace {

const std::vector<R> five = {R{5}};
const std::vector<R> seven = {R{7}};

// x = 5 from party 0, y = 7 from party 1, as Rep3 sharings.
std::pair<mpc::Rep3::Arith, mpc::Rep3::Arith> inputs(mpc::Rep3& p) {
  auto x = p.input(0, p.party_id() == 0 ? std::span<const R>(five) : std::span<const R>{}, 1);
  auto y = p.input(1, p.party_id() == 1 ? std::span<const R>(seven) : std::span<const R>{}, 1);
  return {std::move(x), std::move(y)};
}

// The party id of a ProtocolError, or SIZE_MAX for anything else / nothing.
std::size_t blamed(const std::exception_ptr& e) {
  if (!e) return SIZE_MAX;
  try {
    std::rethrow_exception(e);
  } catch (const ProtocolError& pe) {
    return pe.party();
  } catch (...) {
    return SIZE_MAX - 1;
  }
}

std::string message(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  }
}

constexpr std::size_t nobody = 3;
const mpc::Rep3::Options unchecked{};
const mpc::Rep3::Options checked{.check_reveals = true};

}  // namespace

TEST_CASE("Rep3 without the check: +1 in one multiplication message goes unnoticed", "[mpc][rep3][security]") {
  // Party 2 adds 1 to the share of x*y it sends party 1 (its previous party).
  std::array<R, 3> revealed{};
  const auto errors = test::run_rep3_cheating(unchecked, 2, [&](mpc::Rep3& p, test::TamperingNetwork* cheat) {
    auto [x, y] = inputs(p);
    if (cheat != nullptr) cheat->arm(1, 1);
    revealed[p.party_id()] = p.reveal(p.mul(x, y)).at(0);
    if (cheat != nullptr) REQUIRE(cheat->fired());
  });
  for (const auto& e : errors) REQUIRE_FALSE(e);
  CHECK(revealed[0] == R{35});
  CHECK(revealed[1] == R{36});  // a wrong answer, and nobody noticed
  CHECK(revealed[2] == R{35});
}

TEST_CASE("Rep3 reveal check: an honest run passes and costs one round of 64 bytes", "[mpc][rep3][security]") {
  Prg prg(test::seed_from(4242));
  const auto a = test::random_signed(prg, 1000, 40);
  const auto b = test::random_signed(prg, 1000, 40);
  const auto errors = test::run_rep3_cheating(checked, nobody, [&](mpc::Rep3& p, test::TamperingNetwork*) {
    REQUIRE(p.options().check_reveals);
    p.check_reveals();  // nothing revealed yet: passes too
    const auto x = p.input(0, p.party_id() == 0 ? std::span<const R>(a) : std::span<const R>{}, a.size());
    const auto y = p.input(2, p.party_id() == 2 ? std::span<const R>(b) : std::span<const R>{}, b.size());
    const auto prod = p.reveal(p.mul(x, y));
    const auto less = p.reveal_bits(mpc::lt(p, x, y));
    const auto to_one = p.reveal_to(1, p.trunc(x, 8));
    for (std::size_t k = 0; k < a.size(); ++k) REQUIRE(prod[k] == a[k] * b[k]);
    for (std::size_t k = 0; k < a.size(); ++k) {
      REQUIRE(test::bit_of(less, k) == (a[k].as_signed() < b[k].as_signed()));
    }
    p.network().reset_counters();
    p.check_reveals();
    const auto c = p.network().total_counters();
    CHECK(c.bytes_sent == 64);
    CHECK(c.rounds == 1);
    (void)p.reveal(p.add(x, y));
    p.check_reveals();
    p.check_reveals();
    (void)to_one;
  });
  for (const auto& e : errors) REQUIRE_FALSE(e);
}

TEST_CASE("Rep3 reveal check: a corrupted multiplication message is caught by both honest parties",
          "[mpc][rep3][security]") {
  std::array<R, 3> revealed{};
  const auto errors = test::run_rep3_cheating(checked, 2, [&](mpc::Rep3& p, test::TamperingNetwork* cheat) {
    auto [x, y] = inputs(p);
    if (cheat != nullptr) cheat->arm(1, 1);
    revealed[p.party_id()] = p.reveal(p.mul(x, y)).at(0);
    p.check_reveals();
    FAIL("party " << p.party_id() << " accepted a reveal of " << revealed[p.party_id()].value());
  });
  CHECK(revealed[1] == R{36});
  // Party 0 agrees with the cheater (35) and names party 1, whose reveal
  // differs; party 1 (the victim) differs from both and names both. The
  // check says that someone deviated, not who: see rep3.hpp.
  CHECK(blamed(errors[0]) == 1);
  CHECK(blamed(errors[1]) == 0);
  CHECK(message(errors[1]).find("party 0 and party 2") != std::string::npos);
}

TEST_CASE("Rep3 reveal check: a wrong share in reveal or reveal_bits is caught", "[mpc][rep3][security]") {
  for (const bool bits : {false, true}) {
    INFO((bits ? "reveal_bits" : "reveal"));
    // Party 2 sends its share +1 to party 0 (its next party) in the reveal.
    const auto errors = test::run_rep3_cheating(checked, 2, [&](mpc::Rep3& p, test::TamperingNetwork* cheat) {
      auto [x, y] = inputs(p);
      const auto z = p.mul(x, y);
      const std::vector<std::uint64_t> word = {0x0F0F};
      const auto w = p.input_bits(1, p.party_id() == 1 ? std::span<const std::uint64_t>(word)
                                                         : std::span<const std::uint64_t>{}, 1);
      (void)p.reveal(z);
      if (cheat != nullptr) cheat->arm(0, 1);
      if (bits) {
        (void)p.reveal_bits(w);
      } else {
        (void)p.reveal(z);
      }
      p.check_reveals();
      FAIL("party " << p.party_id() << " passed the check");
    });
    // Party 0 saw a wrong value: both peers disagree with it; it names party
    // 2 (its previous party) first. Parties 1 and 2 name party 0, whose
    // value differs from theirs.
    CHECK(blamed(errors[0]) == 2);
    CHECK(blamed(errors[1]) == 0);
    CHECK(blamed(errors[2]) == 0);
  }
}

TEST_CASE("Rep3 reveal check: a cheater that lies about its digest is named", "[mpc][rep3][security]") {
  const auto errors = test::run_rep3_cheating(checked, 2, [&](mpc::Rep3& p, test::TamperingNetwork* cheat) {
    auto [x, y] = inputs(p);
    REQUIRE(p.reveal(p.mul(x, y)).at(0) == R{35});
    if (cheat != nullptr) cheat->arm(0, 1);  // the digest it sends party 0
    p.check_reveals();
  });
  CHECK(blamed(errors[0]) == 2);
  CHECK_FALSE(errors[1]);  // party 1's values agree with party 0's: nothing to report
  CHECK_FALSE(errors[2]);
}

TEST_CASE("Rep3 reveal check: a consistent error is not caught (what the check does not do)",
          "[mpc][rep3][security]") {
  // Party 2 adds 1 to the share it sends party 1 and to its own copy of the
  // same share: the sharing stays consistent, every party reveals 36.
  std::array<R, 3> revealed{};
  const auto errors = test::run_rep3_cheating(checked, 2, [&](mpc::Rep3& p, test::TamperingNetwork* cheat) {
    auto [x, y] = inputs(p);
    if (cheat != nullptr) cheat->arm(1, 1);
    auto z = p.mul(x, y);
    if (cheat != nullptr) z.first[0] += R{1};
    revealed[p.party_id()] = p.reveal(z).at(0);
    p.check_reveals();
  });
  for (const auto& e : errors) REQUIRE_FALSE(e);
  CHECK(revealed == std::array<R, 3>{R{36}, R{36}, R{36}});
}

TEST_CASE("Rep3 reveal check is opt-in", "[mpc][rep3][security]") {
  test::run_rep3([](mpc::Rep3& p) {
    CHECK_FALSE(p.options().check_reveals);
    CHECK_THROWS_AS(p.check_reveals(), InvalidArgument);
  });
}

namespace {

// A dealer whose correction for the first triple is off by one: the last
// party's share of c is one too large.
class OffByOneTriples final : public mpc::Preprocessing {
 public:
  explicit OffByOneTriples(mpc::Preprocessing& inner) : inner_(inner) {}
  [[nodiscard]] std::size_t party_id() const noexcept override { return inner_.party_id(); }
  [[nodiscard]] std::size_t party_count() const noexcept override { return inner_.party_count(); }
  [[nodiscard]] mpc::ArithTriples arith_triples(std::size_t n) override {
    auto t = inner_.arith_triples(n);
    if (party_id() + 1 == party_count() && n > 0) t.c[0] += R{1};
    return t;
  }
  [[nodiscard]] mpc::BoolTriples bool_triples(std::size_t words) override { return inner_.bool_triples(words); }
  [[nodiscard]] mpc::TruncMasks trunc_masks(std::size_t n, unsigned d) override {
    return inner_.trunc_masks(n, d);
  }

 private:
  mpc::Preprocessing& inner_;
};

std::vector<std::exception_ptr> run_beaver_cheating(
    std::size_t n, bool faulty_dealer, std::size_t cheater, mpc::Beaver::Options options,
    const std::function<void(mpc::Beaver&, test::TamperingNetwork*)>& body) {
  return test::run_local_parties(n, [&](std::size_t i, net::Network& honest) {
    mpc::LocalPreprocessing local(test::seed_from(77), i, n);
    OffByOneTriples off(local);
    mpc::Preprocessing& pre = faulty_dealer ? static_cast<mpc::Preprocessing&>(off) : local;
    std::unique_ptr<test::TamperingNetwork> cheat;
    if (i == cheater) cheat = std::make_unique<test::TamperingNetwork>(honest);
    net::Network& net = cheat ? static_cast<net::Network&>(*cheat) : honest;
    Prg seeds(test::seed_from(500 + i));
    mpc::Beaver p(net, pre, seeds, n, options);
    body(p, cheat.get());
  });
}

}  // namespace

TEST_CASE("Beaver: a dealer correction off by one gives every party 36, unnoticed", "[mpc][beaver][security]") {
  std::vector<R> revealed(3);
  // The reveal check does not help: every party reveals the same wrong value.
  for (const bool check : {false, true}) {
    const auto errors = run_beaver_cheating(3, true, nobody, {.check_reveals = check},
                                            [&](mpc::Beaver& p, test::TamperingNetwork*) {
      const auto x = p.input(0, test::own(p, 0, five), 1);
      const auto y = p.input(1, test::own(p, 1, seven), 1);
      revealed[p.party_id()] = p.reveal(p.mul(x, y)).at(0);
      if (check) p.check_reveals();
    });
    for (const auto& e : errors) REQUIRE_FALSE(e);
    CHECK(revealed == std::vector<R>{R{36}, R{36}, R{36}});
  }
}

TEST_CASE("Beaver: a cheating party makes the parties disagree, unnoticed", "[mpc][beaver][security]") {
  // Party 0 sends its share of the product +1 to party 1 only.
  std::vector<R> revealed(3);
  const auto errors = run_beaver_cheating(3, false, 0, {}, [&](mpc::Beaver& p, test::TamperingNetwork* cheat) {
    const auto x = p.input(0, test::own(p, 0, five), 1);
    const auto y = p.input(1, test::own(p, 1, seven), 1);
    const auto z = p.mul(x, y);
    if (cheat != nullptr) cheat->arm(1, 1);
    revealed[p.party_id()] = p.reveal(z).at(0);
  });
  for (const auto& e : errors) REQUIRE_FALSE(e);
  CHECK(revealed == std::vector<R>{R{35}, R{36}, R{35}});
}

TEST_CASE("Beaver reveal check: honest runs pass, a disagreeing reveal is caught", "[mpc][beaver][security]") {
  for (std::size_t n : {std::size_t{2}, std::size_t{3}, std::size_t{5}}) {
    INFO("parties = " << n);
    const auto honest = run_beaver_cheating(n, false, nobody + 10, {.check_reveals = true},
                                            [&](mpc::Beaver& p, test::TamperingNetwork*) {
      const auto x = p.input(0, test::own(p, 0, five), 1);
      const auto y = p.input(1, test::own(p, 1, seven), 1);
      REQUIRE(p.reveal(p.mul(x, y)).at(0) == R{35});
      const std::vector<std::uint64_t> word = {0xFF00};
      (void)p.reveal_bits(p.input_bits(n - 1, test::own(p, n - 1, word), 1));
      p.network().reset_counters();
      p.check_reveals();
      CHECK(p.network().total_counters().bytes_sent == 32 * (n - 1));
      CHECK(p.network().total_counters().rounds == 1);
    });
    for (const auto& e : honest) REQUIRE_FALSE(e);

    // Party 0 sends its share +1 to party 1 only: party 1 reveals 36.
    const auto errors = run_beaver_cheating(n, false, 0, {.check_reveals = true},
                                            [&](mpc::Beaver& p, test::TamperingNetwork* cheat) {
      const auto x = p.input(0, test::own(p, 0, five), 1);
      const auto y = p.input(1, test::own(p, 1, seven), 1);
      const auto z = p.mul(x, y);
      if (cheat != nullptr) cheat->arm(1, 1);
      (void)p.reveal(z);
      p.check_reveals();
      FAIL("party " << p.party_id() << " passed the check");
    });
    // Party 1 differs from everyone and names party 0 (its first peer); every
    // other party names party 1, whose reveal differs from its own.
    CHECK(blamed(errors[1]) == 0);
    for (std::size_t j = 2; j < n; ++j) CHECK(blamed(errors[j]) == 1);
    CHECK(blamed(errors[0]) == 1);
  }
}

TEST_CASE("Beaver reveal check is opt-in", "[mpc][beaver][security]") {
  test::run_beaver(2, [](mpc::Beaver& p) {
    CHECK_FALSE(p.options().check_reveals);
    CHECK_THROWS_AS(p.check_reveals(), InvalidArgument);
  });
}
