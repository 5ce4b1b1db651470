// Sortition: exact binomial boundaries, statistics over many seeds,
// determinism, and independence from the floating-point environment.
#include <catch2/catch.hpp>

#include <cfenv>
#include <chrono>
#include <cmath>
#include <map>
#include <vector>

#include "privfin/core/bigint.hpp"
#include "privfin/core/error.hpp"
#include "privfin/sig/ecvrf.hpp"
#include "privfin/sig/sortition.hpp"

using namespace privfin;
using namespace privfin::sig;

namespace {
Prg test_prg(std::uint8_t tag) {
  Prg::Seed seed{};
  seed[0] = std::byte{tag};
  seed[7] = std::byte{0x50};
  return Prg(seed);
}
}  // namespace

TEST_CASE("sortition: committee votes follow the exact binomial CDF boundaries", "[sig][sortition]") {
  // w = 3, p = 1/2: CDF = 1/8, 4/8, 7/8, 1. With a one-byte output x/256:
  // j = 0 for x < 32, 1 for x < 128, 2 for x < 224, 3 otherwise.
  auto votes = [](unsigned x) {
    const Bytes beta{static_cast<std::byte>(x)};
    return sortition::committee_votes(beta, 3, 10, 5);
  };
  CHECK(votes(0) == 0);
  CHECK(votes(31) == 0);
  CHECK(votes(32) == 1);
  CHECK(votes(127) == 1);
  CHECK(votes(128) == 2);
  CHECK(votes(223) == 2);
  CHECK(votes(224) == 3);
  CHECK(votes(255) == 3);
  // p = 1/3, w = 2: CDF = 4/9, 8/9, 1. Two-byte outputs: x / 65536 < 4/9
  // iff 9x < 4 * 65536 iff x <= 29127.
  auto votes2 = [](unsigned x) {
    const Bytes beta{static_cast<std::byte>(x >> 8), static_cast<std::byte>(x & 0xff)};
    return sortition::committee_votes(beta, 2, 3, 1);
  };
  CHECK(votes2(29127) == 0);
  CHECK(votes2(29128) == 1);
  CHECK(votes2(58254) == 1);  // 9 * 58254 < 8 * 65536
  CHECK(votes2(58255) == 2);
  // Edge parameters.
  const Bytes beta(32, std::byte{0x80});
  CHECK(sortition::committee_votes(beta, 0, 100, 10) == 0);
  CHECK(sortition::committee_votes(beta, 40, 100, 0) == 0);
  CHECK(sortition::committee_votes(beta, 40, 100, 100) == 40);
  CHECK(sortition::committee_votes(Bytes(32, std::byte{0xff}), 40, 100, 99) <= 40);
  CHECK_THROWS_AS(sortition::committee_votes(beta, 101, 100, 10), InvalidArgument);
  CHECK_THROWS_AS(sortition::committee_votes(beta, 10, 100, 101), InvalidArgument);
  CHECK_THROWS_AS(sortition::committee_votes(beta, 0, 0, 0), InvalidArgument);
  CHECK_THROWS_AS(sortition::committee_votes(Bytes{}, 1, 100, 10), InvalidArgument);
}

TEST_CASE("sortition: committee sizes match the binomial mean and variance", "[sig][sortition]") {
  // Per node: w = 60, tau/W = 30/600 = 1/20: mean 3, variance 2.85.
  auto prg = test_prg(1);
  const std::size_t trials = 4000;
  double sum = 0;
  double sum_sq = 0;
  for (std::size_t i = 0; i < trials; ++i) {
    const Bytes beta = prg.bytes(64);
    const double j = static_cast<double>(sortition::committee_votes(beta, 60, 600, 30));
    sum += j;
    sum_sq += j * j;
  }
  const double mean = sum / static_cast<double>(trials);
  const double variance = sum_sq / static_cast<double>(trials) - mean * mean;
  INFO("mean " << mean << " variance " << variance);
  // Standard error of the mean sqrt(2.85/4000) = 0.027: allow 5 sigma.
  CHECK(std::abs(mean - 3.0) < 0.14);
  // Standard error of the sample variance ~ sqrt((mu4 - sigma^4)/n) ~ 0.09.
  CHECK(std::abs(variance - 2.85) < 0.45);
}

TEST_CASE("sortition: leader candidates have the expected frequency and order", "[sig][sortition]") {
  sortition::LeaderElection election(10, 100);
  CHECK(election.threshold() == (mpz_class(1) << 256) / 10);
  auto prg = test_prg(2);
  std::size_t candidates = 0;
  const std::size_t trials = 4000;
  std::vector<Bytes> priorities;
  for (std::size_t i = 0; i < trials; ++i) {
    const Bytes beta = prg.bytes(64);
    if (election.is_candidate(beta)) {
      ++candidates;
      priorities.push_back(sortition::LeaderElection::priority(beta));
    }
  }
  // Binomial(4000, 0.1): mean 400, sd 19; allow 5 sd.
  CHECK(candidates > 305);
  CHECK(candidates < 495);
  std::sort(priorities.begin(), priorities.end(),
            [](const Bytes& a, const Bytes& b) { return sortition::LeaderElection::precedes(a, b); });
  for (std::size_t i = 1; i < priorities.size(); ++i) {
    CHECK(bigint::from_bytes_be(priorities[i - 1]) < bigint::from_bytes_be(priorities[i]));
  }
  // Boundaries of the threshold itself.
  const Bytes below = bigint::to_bytes_be(election.threshold() - 1, 32);
  const Bytes at = bigint::to_bytes_be(election.threshold(), 32);
  CHECK(election.is_candidate_priority(below));
  CHECK_FALSE(election.is_candidate_priority(at));
  CHECK(sortition::LeaderElection(100, 100).is_candidate_priority(Bytes(32, std::byte{0xff})));
  CHECK_THROWS_AS(sortition::LeaderElection(0, 100), InvalidArgument);
  CHECK_THROWS_AS(sortition::LeaderElection(1, 0), InvalidArgument);
  CHECK_THROWS_AS(election.is_candidate_priority(Bytes(31)), InvalidArgument);
}

TEST_CASE("sortition: decisions are deterministic and independent of the rounding mode", "[sig][sortition]") {
  const Ecvrf vrf(VrfSuite::edwards25519_sha512_ell2);
  auto prg = test_prg(3);
  const auto keys = vrf.generate(prg);
  const Bytes seed = prg.bytes(32);
  sortition::LeaderElection election(3, 20);
  std::vector<std::uint64_t> first;
  std::vector<bool> first_leader;
  for (std::uint64_t round = 0; round < 20; ++round) {
    const Bytes alpha = sortition::round_input(seed, round);
    const auto beta = vrf.verify(keys.public_key, alpha, vrf.prove(keys.secret_key.view(), alpha));
    REQUIRE(beta.has_value());
    first.push_back(sortition::committee_votes(*beta, 1000, 100000, 2000));
    first_leader.push_back(election.is_candidate(*beta));
  }
  const int saved = std::fegetround();
  for (int mode : {FE_UPWARD, FE_DOWNWARD, FE_TOWARDZERO}) {
    std::fesetround(mode);
    for (std::uint64_t round = 0; round < 20; ++round) {
      const Bytes alpha = sortition::round_input(seed, round);
      const Bytes beta = vrf.proof_to_hash(vrf.prove(keys.secret_key.view(), alpha));
      CHECK(sortition::committee_votes(beta, 1000, 100000, 2000) == first[round]);
      CHECK(election.is_candidate(beta) == first_leader[round]);
    }
  }
  std::fesetround(saved);
  // A pinned decision: a regression check that the arithmetic never changes.
  const Bytes fixed = from_hex("00000000000000000000000000000000000000000000000000000000000000ff");
  CHECK(sortition::committee_votes(fixed, 1000, 100000, 2000) == 0);
  CHECK(sortition::committee_votes(Bytes(32, std::byte{0xff}), 1000, 100000, 2000) > 20);
  CHECK(sortition::round_input(seed, 1) != sortition::round_input(seed, 2));
}

TEST_CASE("sortition: the fixed-point fast path always agrees with the exact computation", "[sig][sortition]") {
  auto prg = test_prg(4);
  struct Case {
    std::uint64_t w, big_w, tau;
  };
  const std::vector<Case> cases = {
      {1, 10, 3},        {7, 7, 3},           {100, 1000000, 2000}, {1000, 1000000, 2000}, {500, 1000, 999},
      {64, 128, 64},     {300, 3000, 1000},   {2000, 4000, 1000},   {1, 2, 1},             {5000, 10000, 100},
      {97, 1000003, 26}, {4096, 1 << 20, 1 << 10},
  };
  for (const auto& c : cases) {
    for (int i = 0; i < 25; ++i) {
      const Bytes beta = prg.bytes(i % 2 == 0 ? 64 : 32);
      INFO("w " << c.w << " W " << c.big_w << " tau " << c.tau << " beta " << to_hex(beta));
      CHECK(sortition::committee_votes(beta, c.w, c.big_w, c.tau) ==
            sortition::committee_votes_exact(beta, c.w, c.big_w, c.tau));
    }
  }
  // Outputs sitting exactly on (or next to) a CDF value: w = 3, p = 1/2, x/2^8.
  for (unsigned x = 0; x < 256; ++x) {
    const Bytes beta{static_cast<std::byte>(x)};
    CHECK(sortition::committee_votes(beta, 3, 10, 5) == sortition::committee_votes_exact(beta, 3, 10, 5));
  }
  // One-byte outputs against p = 1/3 and 2/7, whose CDF values are not dyadic
  // (and small numbers, which committee_votes hands to the exact path; the
  // bounded path is forced through the large-stake cases above).
  for (unsigned x = 0; x < 256; ++x) {
    const Bytes beta{static_cast<std::byte>(x)};
    CHECK(sortition::committee_votes(beta, 5, 15, 5) == sortition::committee_votes_exact(beta, 5, 15, 5));
    CHECK(sortition::committee_votes(beta, 6, 7, 2) == sortition::committee_votes_exact(beta, 6, 7, 2));
  }
}

TEST_CASE("sortition: real stakes are decided quickly - beyond the limits a typed error", "[sig][sortition]") {
  auto prg = test_prg(9);
  const auto mean_votes = [&](std::uint64_t w, std::uint64_t big_w, std::uint64_t tau, int samples) {
    double sum = 0;
    for (int i = 0; i < samples; ++i) sum += static_cast<double>(sortition::committee_votes(prg.bytes(64), w, big_w, tau));
    return sum / samples;
  };
  const auto start = std::chrono::steady_clock::now();
  // Before the certified floating bounds, these took the exact path: b^w of
  // billions of bits (GMP ran out of memory, or did not answer in 60 s).
  // Means within 5 standard errors of w * tau / W.
  CHECK(std::abs(mean_votes(100'000'000, 1'000'000'000, 2000, 20) - 200.0) < 5 * std::sqrt(200.0 / 20));
  CHECK(std::abs(mean_votes(1'000'000'000, 10'000'000'000, 10'000, 10) - 1000.0) < 5 * std::sqrt(1000.0 / 10));
  // Stake near the whole supply: p = 1/2 on 2^40 units would overflow any
  // fixed point ((1/2)^(2^40)); expected votes 2^19.
  CHECK(sortition::committee_votes(prg.bytes(64), std::uint64_t{1} << 20, std::uint64_t{1} << 21,
                                   std::uint64_t{1} << 20) > 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 60);  // about a second on a busy 2-core machine

  // Beyond the limits: typed errors, never an abort inside GMP.
  const Bytes beta = prg.bytes(64);
  const std::uint64_t two62 = std::uint64_t{1} << 62;
  CHECK_THROWS_AS(sortition::committee_votes(beta, two62, 2 * two62, two62), InvalidArgument);
  CHECK_THROWS_WITH(sortition::committee_votes(beta, std::uint64_t{1} << 40, std::uint64_t{1} << 40,
                                               sortition::max_expected_votes + 1),
                    Catch::Contains("supported maximum"));
  CHECK_THROWS_AS(sortition::committee_votes_exact(beta, 100'000'000, 1'000'000'000, 2000), InvalidArgument);
  CHECK_THROWS_AS(sortition::committee_votes_exact(beta, two62, 2 * two62, two62), InvalidArgument);
}

TEST_CASE("sortition: an output exactly on a CDF value is decided exactly on the bounded path", "[sig][sortition]") {
  // w = 3001 and p = 1/2: CDF(1500) = 1/2 exactly (symmetry), b^w has 6002
  // bits so committee_votes takes the bounds, which cannot separate x / 2^8 =
  // 1/2 from the CDF; the answer must still be the exact one (1501).
  for (unsigned x : {0x7Fu, 0x80u, 0x81u}) {
    const Bytes beta{static_cast<std::byte>(x)};
    INFO("x = " << x);
    CHECK(sortition::committee_votes(beta, 3001, 6002, 3001) == sortition::committee_votes_exact(beta, 3001, 6002, 3001));
  }
  CHECK(sortition::committee_votes(Bytes{std::byte{0x80}}, 3001, 6002, 3001) == 1501);
}
