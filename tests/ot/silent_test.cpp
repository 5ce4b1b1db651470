// Silent OT (Ferret): outputs against the ideal functionality of random
// correlated OT and of correlated OT with random choices, across several
// iterations, with small test parameters and once with the real ones;
// parameter checks; a malformed or mismatched iteration refused naming the
// peer.
#include <catch2/catch.hpp>

#include <array>
#include <bit>
#include <exception>
#include <optional>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ot/ot_test_support.hpp"
#include "privfin/ot/extension.hpp"
#include "privfin/ot/messages.hpp"
#include "privfin/ot/silent.hpp"
#include "support/local_parties.hpp"

using namespace privfin;
using namespace std::chrono_literals;

namespace {

// Small and insecure, so that a test runs several iterations in little time.
constexpr ot::SilentParameters test_main{std::size_t{16} << 10, 2000, 16, 10};
constexpr ot::SilentParameters test_bootstrap{std::size_t{8} << 9, 1000, 8, 9};

std::unique_ptr<bool[]> bools(std::size_t n) { return std::make_unique<bool[]>(n); }

// What a party's call threw, if anything: party threads keep it for the
// test thread, which alone makes Catch2 assertions (they are not
// thread-safe).
template <class F>
std::exception_ptr thrown_by(F&& f) {
  try {
    f();
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

// Checks t[i] == q[i] ^ x[i] * Delta for one Delta, and that about half the
// choices are 1. Returns the number of violations.
std::size_t cot_violations(std::span<const ot::Block> q, std::span<const bool> x, std::span<const ot::Block> t) {
  std::size_t bad = 0;
  std::size_t ones = 0;
  std::optional<ot::Block> delta;
  for (std::size_t i = 0; i < q.size(); ++i) {
    if (!x[i]) {
      bad += t[i] == q[i] ? 0U : 1U;
      continue;
    }
    ++ones;
    const ot::Block d = q[i] ^ t[i];
    if (!delta) delta = d;
    bad += d == *delta ? 0U : 1U;
  }
  if (delta) bad += *delta == ot::Block{} ? 1U : 0U;
  const double fraction = static_cast<double>(ones) / static_cast<double>(q.size());
  if (q.size() >= 10000 && (fraction < 0.48 || fraction > 0.52)) ++bad;
  return bad;
}

// What a receiver with test_main and test_bootstrap throws at its bootstrap
// against a sender with these sets (null if nothing).
std::exception_ptr receiver_error_against(const ot::SilentParameters& main, const ot::SilentParameters& bootstrap,
                                          std::uint64_t seed) {
  const auto errors = test::run_local_parties(
      2,
      [&](std::size_t i, net::Network& net) {
        Prg p(test::seed_of(seed + i));
        if (i == 0) {
          ot::ExtensionSender base(net, 1, p);
          ot::SilentSender s(base, main, bootstrap);
        } else {
          ot::ExtensionReceiver base(net, 0, p);
          ot::SilentReceiver r(base, test_main, test_bootstrap);
        }
      },
      {.receive_timeout = 5'000ms});
  return errors[1];
}

}  // namespace

TEST_CASE("silent OT: random correlated OTs over several iterations match the ideal functionality", "[ot][silent]") {
  // 50,000 OTs: the bootstrap's leftover, then three main iterations.
  const std::size_t count = GENERATE(std::size_t{1}, std::size_t{5000}, std::size_t{50000});
  INFO("count " << count);
  std::vector<ot::Block> q(count), t(count), q2(count), t2(count);
  const auto x = bools(count);
  const auto x2 = bools(count);
  std::uint64_t iterations = 0;
  const auto errors = test::run_local_parties(2, [&](std::size_t i, net::Network& net) {
    Prg p(test::seed_of(7100 + i));
    if (i == 0) {
      ot::ExtensionSender base(net, 1, p);
      ot::SilentSender s(base, test_main, test_bootstrap);
      s.random_cot(q);
      s.random_cot(q2);
      iterations = s.iterations();
    } else {
      ot::ExtensionReceiver base(net, 0, p);
      ot::SilentReceiver r(base, test_main, test_bootstrap);
      r.random_cot(std::span(x.get(), count), t);
      r.random_cot(std::span(x2.get(), count), t2);
    }
  });
  test::rethrow_first(errors);
  CHECK(cot_violations(q, std::span<const bool>(x.get(), count), t) == 0);
  CHECK(cot_violations(q2, std::span<const bool>(x2.get(), count), t2) == 0);
  // The same Delta in both calls, and no output handed out twice.
  std::set<std::pair<std::uint64_t, std::uint64_t>> seen;
  for (const auto* v : {&q, &q2}) {
    for (const auto& b : *v) seen.emplace(b.lo, b.hi);
  }
  CHECK(seen.size() == 2 * count);
  if (count == 50000) CHECK(iterations == 1 + (2 * count - (test_bootstrap.outputs - test_main.reserve()) +
                                               test_main.yield() - 1) / test_main.yield());
}

TEST_CASE("silent OT: correlated OTs with random choices, in every width", "[ot][silent]") {
  const auto width = GENERATE(ot::CorrelationWidth::full, ot::CorrelationWidth::gilboa, ot::CorrelationWidth::bits);
  const std::size_t count = 70000;  // more than one step of 65,536
  INFO("width " << static_cast<int>(width));
  Prg prg(test::seed_of(7200));
  std::vector<std::uint64_t> correlations(count), m0(count), out(count);
  prg.fill(std::span(correlations));
  const auto x = bools(count);
  const auto errors = test::run_local_parties(2, [&](std::size_t i, net::Network& net) {
    Prg p(test::seed_of(7300 + i));
    if (i == 0) {
      ot::ExtensionSender base(net, 1, p);
      ot::SilentSender s(base, test_main, test_bootstrap);
      s.correlated_ot(correlations, m0, width);
    } else {
      ot::ExtensionReceiver base(net, 0, p);
      ot::SilentReceiver r(base, test_main, test_bootstrap);
      r.correlated_ot(std::span(x.get(), count), out, width);
    }
  });
  test::rethrow_first(errors);
  std::size_t bad = 0;
  std::size_t ones = 0;
  for (std::size_t k = 0; k < count; ++k) {
    const unsigned bits = width == ot::CorrelationWidth::full ? 64
                          : width == ot::CorrelationWidth::bits ? 1
                                                                 : 64 - static_cast<unsigned>(k % 64);
    const std::uint64_t mask = bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
    ones += x[k] ? 1U : 0U;
    bad += out[k] == ((m0[k] + (x[k] ? correlations[k] : 0)) & mask) ? 0U : 1U;
    bad += m0[k] <= mask ? 0U : 1U;
  }
  CHECK(bad == 0);
  CHECK(ones > count * 48 / 100);
  CHECK(ones < count * 52 / 100);
}

TEST_CASE("silent OT: the real parameters (Ferret's sets) give correct correlations", "[ot][silent]") {
  // The bootstrap's leftover is 43,069 OTs: 200,000 runs one main iteration.
  const std::size_t count = 200000;
  std::vector<ot::Block> q(count), t(count);
  const auto x = bools(count);
  std::array<std::uint64_t, 2> iterations{};
  const auto errors = test::run_local_parties(
      2,
      [&](std::size_t i, net::Network& net) {
        Prg p(test::seed_of(7400 + i));
        if (i == 0) {
          ot::ExtensionSender base(net, 1, p);
          ot::SilentSender s(base);
          s.random_cot(q);
          iterations[0] = s.iterations();
        } else {
          ot::ExtensionReceiver base(net, 0, p);
          ot::SilentReceiver r(base);
          r.random_cot(std::span(x.get(), count), t);
          iterations[1] = r.iterations();
        }
      },
      {.receive_timeout = 60'000ms});
  test::rethrow_first(errors);
  CHECK(iterations[0] == 2);
  CHECK(iterations[1] == 2);
  CHECK(cot_violations(q, std::span<const bool>(x.get(), count), t) == 0);
}

TEST_CASE("silent OT: parameters are checked", "[ot][silent]") {
  CHECK_NOTHROW(ot::check_silent_parameters(ot::ferret_main, ot::ferret_bootstrap));
  CHECK_NOTHROW(ot::check_silent_parameters(test_main, test_bootstrap));
  CHECK(ot::ferret_main.reserve() == 606'659);
  CHECK(ot::ferret_bootstrap.reserve() == 47'709);  // emp-ot's N_PRE_REG set: k 36,288 + 1,269 trees x 9
  auto bad = test_main;
  bad.outputs += 1;  // not trees * 2^depth
  CHECK_THROWS_WITH(ot::check_silent_parameters(bad, test_bootstrap), Catch::Contains("trees of depth"));
  bad = test_main;
  bad.tree_depth = 21;
  CHECK_THROWS_AS(ot::check_silent_parameters(bad, test_bootstrap), InvalidArgument);
  bad = test_main;
  bad.secret_length = bad.outputs;  // no yield
  CHECK_THROWS_WITH(ot::check_silent_parameters(bad, test_bootstrap), Catch::Contains("reserve"));
  CHECK_THROWS_WITH(ot::check_silent_parameters(ot::ferret_main, test_bootstrap),
                    Catch::Contains("cannot feed"));
  bad = test_main;
  bad.tree_depth = 0;
  CHECK_THROWS_WITH(ot::check_silent_parameters(bad, test_bootstrap), Catch::Contains("tree depth 0"));
  bad = test_main;
  bad.trees = ot::max_silent_trees + 1;
  bad.outputs = bad.trees << bad.tree_depth;
  CHECK_THROWS_WITH(ot::check_silent_parameters(bad, test_bootstrap), Catch::Contains("trees is not in"));
  bad = test_main;
  bad.secret_length = std::size_t{1} << 32;  // positions are 32-bit
  bad.trees = 1;
  bad.tree_depth = 20;
  bad.outputs = std::size_t{1} << 20;
  CHECK_THROWS_WITH(ot::check_silent_parameters(bad, test_bootstrap), Catch::Contains("LPN secret"));
}

TEST_CASE("silent OT: a malformed or mismatched iteration is refused naming the sender", "[ot][silent]") {
  SECTION("a garbage tree message") {
    // The sender's sends: base OTs (2 messages of 2 calls), then the IKNP
    // bootstrap (matrix and challenge per step: 2 steps), then the trees.
    const auto errors = test::run_local_parties(
        2,
        [&](std::size_t i, net::Network& net) {
          Prg p(test::seed_of(7500 + i));
          if (i == 0) {
            test::TamperingNetwork bad(net, [](std::size_t, Bytes& data) {
              // The tree message is the only one this long from the sender:
              // its header is version, iteration, trees, k (2 bytes), kept
              // (2 bytes), depth.
              if (data.size() == 16 * ot::punctured_tree_blocks(test_bootstrap.trees, test_bootstrap.tree_depth) + 8) {
                data[2] = std::byte{0};  // zero trees
              }
            });
            ot::ExtensionSender base(bad, 1, p);
            ot::SilentSender s(base, test_main, test_bootstrap);
          } else {
            ot::ExtensionReceiver base(net, 0, p);
            ot::SilentReceiver r(base, test_main, test_bootstrap);
          }
        },
        {.receive_timeout = 5'000ms});
    REQUIRE(errors[1]);
    CHECK_THROWS_AS(std::rethrow_exception(errors[1]), DecodeError);
    CHECK_THROWS_WITH(std::rethrow_exception(errors[1]), Catch::Contains("party 0") && Catch::Contains("tree count"));
  }
  SECTION("another parameter set") {
    auto other = test_bootstrap;
    other.trees = 4;
    other.outputs = other.trees << other.tree_depth;
    other.secret_length = 1036;  // the same reserve of base OTs (1,072), another tree count
    const auto error = receiver_error_against({std::size_t{16} << 10, 1000, 16, 10}, other, 7600);
    REQUIRE(error);
    CHECK_THROWS_AS(std::rethrow_exception(error), ProtocolError);
    CHECK_THROWS_WITH(std::rethrow_exception(error), Catch::Contains("party 0") && Catch::Contains("8 trees"));
  }
  SECTION("a main set that differs only in k, refused at the bootstrap before any output") {
    const auto error = receiver_error_against({std::size_t{16} << 10, 1999, 16, 10}, test_bootstrap, 7650);
    REQUIRE(error);
    CHECK_THROWS_AS(std::rethrow_exception(error), ProtocolError);
    CHECK_THROWS_WITH(std::rethrow_exception(error), Catch::Contains("party 0") &&
                                                         Catch::Contains("2160 outputs kept") &&
                                                         Catch::Contains("2159 (different parameter sets)"));
  }
  SECTION("after an error the borrowed session refuses further use") {
    std::array<std::exception_ptr, 3> refused;
    const auto errors = test::run_local_parties(
        2,
        [&](std::size_t i, net::Network& net) {
          Prg p(test::seed_of(7700 + i));
          if (i == 0) {
            ot::ExtensionSender base(net, 1, p);
            ot::SilentSender s(base, test_main, test_bootstrap);
            std::vector<std::uint64_t> c(10), m0(10);
            s.correlated_ot(c, m0, ot::CorrelationWidth::full);
          } else {
            ot::ExtensionReceiver base(net, 0, p);
            ot::SilentReceiver r(base, test_main, test_bootstrap);
            const auto x = bools(10);
            std::vector<std::uint64_t> out(10);
            // The sender sent full words; a bits-width call sees another kind.
            refused[0] = thrown_by([&] { r.correlated_ot(std::span(x.get(), 10), out, ot::CorrelationWidth::bits); });
            refused[1] = thrown_by([&] { r.correlated_ot(std::span(x.get(), 10), out); });
            const std::array<bool, 4> c{};
            refused[2] = thrown_by([&] { (void)base.random_ot(c); });
          }
        },
        {.receive_timeout = 5'000ms});
    test::rethrow_first(errors);
    for (const auto& e : refused) REQUIRE(e);
    CHECK_THROWS_AS(std::rethrow_exception(refused[0]), ProtocolError);
    CHECK_THROWS_WITH(std::rethrow_exception(refused[1]), Catch::Contains("aborted"));
    CHECK_THROWS_WITH(std::rethrow_exception(refused[2]), Catch::Contains("aborted"));
  }
}

TEST_CASE("silent OT: the exchange among three parties, one multiplier's bits as the choices towards both peers",
          "[ot][silent]") {
  // Each party's receiver from its first peer writes random choices into
  // its span; the one from its second peer chooses with the same bits
  // (flips), as Gilboa triples among more than two parties need.
  const std::size_t count = 70000;
  const auto width = GENERATE(ot::CorrelationWidth::full, ot::CorrelationWidth::gilboa);
  INFO("width " << static_cast<int>(width));
  std::array<std::vector<std::uint64_t>, 3> correlations;
  std::array<std::array<std::vector<std::uint64_t>, 3>, 3> m0;      // [sender][receiver]
  std::array<std::array<std::vector<std::uint64_t>, 3>, 3> chosen;  // [receiver][sender]
  std::array<std::unique_ptr<bool[]>, 3> choices;
  for (std::size_t i = 0; i < 3; ++i) {
    Prg prg(test::seed_of(7800 + i));
    correlations[i].resize(count);
    prg.fill(std::span(correlations[i]));
    choices[i] = bools(count);
    for (std::size_t j = 0; j < 3; ++j) {
      m0[i][j].resize(count);
      chosen[i][j].resize(count);
    }
  }
  const auto errors = test::run_local_parties(3, [&](std::size_t i, net::Network& net) {
    Prg p(test::seed_of(7900 + i));
    auto sessions = ot::open_pairwise(net, 3, p);
    std::array<std::unique_ptr<ot::SilentSender>, 3> senders;
    std::array<std::unique_ptr<ot::SilentReceiver>, 3> receivers;
    for (std::size_t peer = 0; peer < 3; ++peer) {  // the order open_pairwise uses
      if (peer == i) continue;
      if (i < peer) {
        senders[peer] = std::make_unique<ot::SilentSender>(*sessions.senders[peer], test_main, test_bootstrap);
        receivers[peer] = std::make_unique<ot::SilentReceiver>(*sessions.receivers[peer], test_main, test_bootstrap);
      } else {
        receivers[peer] = std::make_unique<ot::SilentReceiver>(*sessions.receivers[peer], test_main, test_bootstrap);
        senders[peer] = std::make_unique<ot::SilentSender>(*sessions.senders[peer], test_main, test_bootstrap);
      }
    }
    // A party's first peer is the lowest other index.
    const auto first_peer = [](std::size_t party) { return party == 0 ? std::size_t{1} : std::size_t{0}; };
    std::vector<ot::SilentExchange> jobs;
    for (std::size_t peer = 0; peer < 3; ++peer) {
      if (peer == i) continue;
      jobs.push_back({.sender = senders[peer].get(),
                      .correlations = correlations[i],
                      .m0 = m0[i][peer],
                      .receiver = receivers[peer].get(),
                      .choices = std::span(choices[i].get(), count),
                      .chosen = chosen[i][peer],
                      .choose = peer != first_peer(i),
                      .width = width});
    }
    ot::silent_correlated_exchange(jobs);
  });
  test::rethrow_first(errors);
  std::size_t bad = 0;
  std::size_t ones = 0;
  for (std::size_t s = 0; s < 3; ++s) {
    for (std::size_t r = 0; r < 3; ++r) {
      if (s == r) continue;
      for (std::size_t k = 0; k < count; ++k) {
        const unsigned bits = width == ot::CorrelationWidth::full ? 64 : 64 - static_cast<unsigned>(k % 64);
        const std::uint64_t mask = bits == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
        const bool x = choices[r][k];
        bad += chosen[r][s][k] == ((m0[s][r][k] + (x ? correlations[s][k] : 0)) & mask) ? 0U : 1U;
      }
    }
    for (std::size_t k = 0; k < count; ++k) ones += choices[s][k] ? 1U : 0U;
  }
  CHECK(bad == 0);
  CHECK(ones > 3 * count * 48 / 100);
  CHECK(ones < 3 * count * 52 / 100);
}

TEST_CASE("silent OT: a choice message of another kind or malformed is refused naming the receiver, and bad "
          "jobs are refused",
          "[ot][silent]") {
  // The receiver's choice message before the corrections (version, kind 5,
  // count 0 when it takes its random choices) is changed in flight.
  const auto kind = GENERATE(std::uint8_t{4}, std::uint8_t{9});
  INFO("kind sent " << static_cast<int>(kind));
  std::exception_ptr sender_error;
  std::array<std::exception_ptr, 4> refused;  // sender again, receiver, two bad jobs
  const auto errors = test::run_local_parties(
      2,
      [&](std::size_t i, net::Network& net) {
        Prg p(test::seed_of(8000 + i));
        std::vector<std::uint64_t> c(100), m0(100), out(100);
        const auto x = bools(100);
        if (i == 0) {
          ot::ExtensionSender base(net, 1, p);
          ot::SilentSender s(base, test_main, test_bootstrap);
          try {
            s.correlated_ot(c, m0);
          } catch (...) {
            sender_error = std::current_exception();
          }
          refused[0] = thrown_by([&] { s.correlated_ot(c, m0); });
        } else {
          test::TamperingNetwork bad(net, [kind](std::size_t, Bytes& data) {
            if (data.size() == 3 && data[1] == std::byte{5}) data[1] = std::byte{kind};
          });
          ot::ExtensionReceiver base(bad, 0, p);
          ot::SilentReceiver r(base, test_main, test_bootstrap);
          refused[1] = thrown_by([&] { r.correlated_ot(std::span(x.get(), 100), out); });  // no corrections come
          // Bad jobs are refused before anything is sent.
          ot::SilentExchange job;
          refused[2] = thrown_by([&] { ot::silent_correlated_exchange(std::span(&job, 1)); });
          job.receiver = &r;
          job.choices = std::span(x.get(), 100);
          job.chosen = std::span(out).first(99);
          refused[3] = thrown_by([&] { ot::silent_correlated_exchange(std::span(&job, 1)); });
        }
      },
      {.receive_timeout = 2'000ms});
  test::rethrow_first(errors);
  for (const auto& e : refused) REQUIRE(e);
  CHECK_THROWS_WITH(std::rethrow_exception(refused[0]), Catch::Contains("aborted"));
  CHECK_THROWS_AS(std::rethrow_exception(refused[2]), InvalidArgument);
  CHECK_THROWS_AS(std::rethrow_exception(refused[3]), InvalidArgument);
  REQUIRE(sender_error);
  if (kind == 4) {
    CHECK_THROWS_AS(std::rethrow_exception(sender_error), ProtocolError);
    CHECK_THROWS_WITH(std::rethrow_exception(sender_error), Catch::Contains("party 1") &&
                                                               Catch::Contains("choice message"));
  } else {
    CHECK_THROWS_AS(std::rethrow_exception(sender_error), DecodeError);
    CHECK_THROWS_WITH(std::rethrow_exception(sender_error), Catch::Contains("party 1") &&
                                                               Catch::Contains("unknown kind"));
  }
}

TEST_CASE("silent OT: random_cot refuses an empty call, sizes that differ and a moved-from session",
          "[ot][silent]") {
  std::array<std::exception_ptr, 5> refused;
  std::array<std::size_t, 2> after_move{};  // OTs the moved-to sessions give, checked below
  std::vector<ot::Block> q(5000), t(5000);
  const auto x = bools(5000);
  const auto errors = test::run_local_parties(2, [&](std::size_t i, net::Network& net) {
    Prg p(test::seed_of(8300 + i));
    if (i == 0) {
      ot::ExtensionSender base(net, 1, p);
      ot::SilentSender s(base, test_main, test_bootstrap);
      refused[0] = thrown_by([&] { s.random_cot({}); });
      ot::SilentSender moved(std::move(s));
      std::array<ot::Block, 4> four{};
      refused[3] = thrown_by([&] { s.random_cot(four); });  // NOLINT(bugprone-use-after-move): the point
      moved.random_cot(q);  // past the bootstrap's leftover: one main iteration
      after_move[0] = q.size();
    } else {
      ot::ExtensionReceiver base(net, 0, p);
      ot::SilentReceiver r(base, test_main, test_bootstrap);
      const auto x10 = bools(10);
      std::vector<ot::Block> t9(9);
      refused[1] = thrown_by([&] { r.random_cot(std::span(x10.get(), 10), t9); });
      refused[2] = thrown_by([&] { r.random_cot({}, {}); });
      ot::SilentReceiver moved(std::move(r));
      std::array<bool, 4> c{};
      std::array<ot::Block, 4> four{};
      refused[4] = thrown_by([&] { r.random_cot(c, four); });  // NOLINT(bugprone-use-after-move): the point
      moved.random_cot(std::span(x.get(), 5000), t);
      after_move[1] = t.size();
    }
  });
  test::rethrow_first(errors);
  for (const auto& e : refused) REQUIRE(e);
  for (const auto& e : refused) CHECK_THROWS_AS(std::rethrow_exception(e), InvalidArgument);
  CHECK_THROWS_WITH(std::rethrow_exception(refused[3]), Catch::Contains("used after a move"));
  CHECK_THROWS_WITH(std::rethrow_exception(refused[4]), Catch::Contains("used after a move"));
  CHECK(after_move == std::array<std::size_t, 2>{5000, 5000});
  CHECK(cot_violations(q, std::span<const bool>(x.get(), 5000), t) == 0);
}

TEST_CASE("silent OT: the borrowed IKNP session serves its own calls between the silent session's", "[ot][silent]") {
  const std::size_t count = 3000;
  Prg prg(test::seed_of(8100));
  const test::Choices c(prg, count);
  std::vector<std::uint64_t> correlations(count), m0(count), out(count), m0b(count), outb(count);
  prg.fill(std::span(correlations));
  std::vector<std::array<ot::Block, 2>> pairs;
  std::vector<ot::Block> got;
  const auto x = bools(count);
  const auto x2 = bools(count);
  const auto errors = test::run_local_parties(2, [&](std::size_t i, net::Network& net) {
    Prg p(test::seed_of(8200 + i));
    if (i == 0) {
      ot::ExtensionSender base(net, 1, p);
      ot::SilentSender s(base, test_main, test_bootstrap);
      s.correlated_ot(correlations, m0);
      pairs = base.random_ot(count);
      s.correlated_ot(correlations, m0b);
    } else {
      ot::ExtensionReceiver base(net, 0, p);
      ot::SilentReceiver r(base, test_main, test_bootstrap);
      r.correlated_ot(std::span(x.get(), count), out);
      got = base.random_ot(c.span());
      r.correlated_ot(std::span(x2.get(), count), outb);
    }
  });
  test::rethrow_first(errors);
  std::size_t bad = 0;
  for (std::size_t k = 0; k < count; ++k) {
    bad += out[k] == m0[k] + (x[k] ? correlations[k] : 0) ? 0U : 1U;
    bad += outb[k] == m0b[k] + (x2[k] ? correlations[k] : 0) ? 0U : 1U;
    bad += got[k] == pairs[k][c[k] ? 1 : 0] ? 0U : 1U;
  }
  CHECK(bad == 0);
}
