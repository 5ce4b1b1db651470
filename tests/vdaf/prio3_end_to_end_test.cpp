// Prio3 end to end with 2, 3 and 5 aggregators, each an Aggregator object
// that only sees bytes: honest clients with random measurements, plus
// malformed reports in the same batch (out-of-range measurement, tampered
// proof share, tampered measurement share, wrong length, wrong nonce,
// replayed report). Every malformed report must be rejected with the right
// reason and never counted; the unsharded result must equal the sum of the
// honest measurements exactly.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include "privfin/vdaf/aggregator.hpp"

using namespace privfin;
using namespace privfin::vdaf;
using namespace privfin::vdaf;

namespace {

const Bytes kCtx = to_bytes("privfin e2e test");

// Runs one report through all aggregators; returns the reason it was
// rejected (Reason::none if it was counted).
template <class Circuit>
Reason submit(std::vector<Aggregator<Circuit>>& aggs, ByteView nonce, ByteView public_share,
                 std::span<const Bytes> input_shares, std::vector<std::string>* details = nullptr) {
  const auto& vdaf = aggs.front().vdaf();
  std::vector<Bytes> shares;
  Reason why = Reason::none;
  for (std::size_t j = 0; j < aggs.size(); ++j) {
    auto s = aggs[j].start(nonce, public_share, input_shares[j]);
    if (!s) {
      if (why == Reason::none) why = s.reason();
      if (details) details->push_back(s.detail());
    } else {
      shares.push_back(s.value());
    }
  }
  if (why != Reason::none) {
    for (auto& a : aggs) a.abort(nonce);
    return why;
  }
  auto message = vdaf.verifier_shares_to_message(kCtx, shares);
  if (!message) {
    if (details) details->push_back(message.detail());
    for (auto& a : aggs) CHECK(a.abort(nonce));
    return message.reason();
  }
  for (auto& a : aggs) {
    auto done = a.finish(nonce, message.value());
    if (!done) return done.reason();
  }
  return Reason::none;
}

template <class Circuit>
struct Harness {
  Prio3<Circuit> vdaf;
  Bytes key;
  std::vector<Aggregator<Circuit>> aggs;
  Prg prg;
  std::size_t accepted = 0;

  Harness(Circuit c, std::size_t n, std::uint8_t seed_byte)
      : vdaf(std::move(c), n), key(32), prg(Prg::Seed{{std::byte{seed_byte}}}) {
    prg.fill(std::span<std::byte>(key));
    for (std::size_t j = 0; j < n; ++j) aggs.emplace_back(vdaf, key, kCtx, j);
  }
  Bytes nonce() {
    Bytes n(16);
    prg.fill(std::span<std::byte>(n));
    return n;
  }
  typename Prio3<Circuit>::ShardResult shard_raw(std::span<const typename Circuit::Field> meas, ByteView nonce) {
    return vdaf.shard_encoded(kCtx, meas, nonce, prg.bytes(vdaf.rand_size()));
  }
  Reason honest(const typename Circuit::Measurement& m) {
    const Bytes n = nonce();
    auto s = vdaf.shard(kCtx, m, n, prg);
    const auto r = submit(aggs, n, s.public_share, s.input_shares);
    if (r == Reason::none) ++accepted;
    return r;
  }
  typename Circuit::AggregateResult result() {
    std::vector<Bytes> shares;
    for (auto& a : aggs) {
      CHECK(a.num_aggregated() == accepted);
      CHECK(a.num_pending() == 0);
      shares.push_back(a.aggregate_share());
    }
    return vdaf.unshard(shares, accepted);
  }
};

// The malformed reports every circuit must survive. `bad_meas` is an encoded
// measurement the circuit must reject.
template <class Circuit>
void attack_batch(Harness<Circuit>& h, const std::vector<typename Circuit::Field>& bad_meas,
                  const typename Circuit::Measurement& honest_meas) {
  using F = typename Circuit::Field;
  const bool jr = h.vdaf.uses_joint_rand();

  // Out-of-range measurement with an honestly computed proof.
  {
    const Bytes n = h.nonce();
    auto s = h.shard_raw(bad_meas, n);
    CHECK(submit(h.aggs, n, s.public_share, s.input_shares) == Reason::proof_rejected);
  }
  // Tampered proof share (leader): add one to the first proof element.
  {
    const Bytes n = h.nonce();
    auto s = h.vdaf.shard(kCtx, honest_meas, n, h.prg);
    const std::size_t at = h.vdaf.flp().meas_len() * F::byte_size;
    auto x = F::read_le(ByteView(s.input_shares[0]).subspan(at, F::byte_size));
    REQUIRE(x);
    (*x + F::one()).write_le(std::span<std::byte>(s.input_shares[0]).subspan(at, F::byte_size));
    CHECK(submit(h.aggs, n, s.public_share, s.input_shares) == Reason::proof_rejected);
  }
  // Tampered measurement share (leader, last element).
  {
    const Bytes n = h.nonce();
    auto s = h.vdaf.shard(kCtx, honest_meas, n, h.prg);
    const std::size_t at = (h.vdaf.flp().meas_len() - 1) * F::byte_size;
    auto x = F::read_le(ByteView(s.input_shares[0]).subspan(at, F::byte_size));
    REQUIRE(x);
    (*x + F::one()).write_le(std::span<std::byte>(s.input_shares[0]).subspan(at, F::byte_size));
    const Reason r = submit(h.aggs, n, s.public_share, s.input_shares);
    CHECK((r == Reason::proof_rejected || r == Reason::joint_rand_mismatch));
  }
  // Wrong length: a truncated helper share and an overlong leader share.
  {
    const Bytes n = h.nonce();
    auto s = h.vdaf.shard(kCtx, honest_meas, n, h.prg);
    s.input_shares[1].pop_back();
    CHECK(submit(h.aggs, n, s.public_share, s.input_shares) == Reason::malformed_input_share);
    const Bytes n2 = h.nonce();
    auto s2 = h.vdaf.shard(kCtx, honest_meas, n2, h.prg);
    s2.input_shares[0].push_back(std::byte{0});
    CHECK(submit(h.aggs, n2, s2.public_share, s2.input_shares) == Reason::malformed_input_share);
  }
  // A leader share element >= p.
  {
    const Bytes n = h.nonce();
    auto s = h.vdaf.shard(kCtx, honest_meas, n, h.prg);
    for (std::size_t i = 0; i < F::byte_size; ++i) s.input_shares[0][i] = std::byte{0xFF};
    CHECK(submit(h.aggs, n, s.public_share, s.input_shares) == Reason::malformed_input_share);
  }
  // Wrong nonce length.
  {
    const Bytes n = h.nonce();
    auto s = h.vdaf.shard(kCtx, honest_meas, n, h.prg);
    CHECK(submit(h.aggs, ByteView(n).first(15), s.public_share, s.input_shares) == Reason::wrong_nonce_length);
  }
  // Wrong nonce: the joint randomness binds the nonce, so circuits with
  // joint randomness reject; without it Prio3 does not bind the nonce (the
  // report is still a valid measurement) — checked in the Count test below.
  if (jr) {
    const Bytes n = h.nonce();
    auto s = h.vdaf.shard(kCtx, honest_meas, n, h.prg);
    const Bytes other = h.nonce();
    const Reason r = submit(h.aggs, other, s.public_share, s.input_shares);
    CHECK((r == Reason::proof_rejected || r == Reason::joint_rand_mismatch));
    // A tampered public share (joint randomness part) is caught too.
    const Bytes n3 = h.nonce();
    auto s3 = h.vdaf.shard(kCtx, honest_meas, n3, h.prg);
    s3.public_share[0] ^= std::byte{1};
    const Reason r3 = submit(h.aggs, n3, s3.public_share, s3.input_shares);
    CHECK((r3 == Reason::proof_rejected || r3 == Reason::joint_rand_mismatch));
    // A public share of the wrong length.
    const Bytes n4 = h.nonce();
    auto s4 = h.vdaf.shard(kCtx, honest_meas, n4, h.prg);
    s4.public_share.pop_back();
    CHECK(submit(h.aggs, n4, s4.public_share, s4.input_shares) == Reason::malformed_public_share);
  }
  // Replayed report: the first copy counts, the second is refused.
  {
    const Bytes n = h.nonce();
    auto s = h.vdaf.shard(kCtx, honest_meas, n, h.prg);
    std::vector<std::string> details;
    CHECK(submit(h.aggs, n, s.public_share, s.input_shares) == Reason::none);
    ++h.accepted;
    CHECK(submit(h.aggs, n, s.public_share, s.input_shares, &details) == Reason::replayed_report);
    REQUIRE(!details.empty());
    CHECK(details.front().find("seen before") != std::string::npos);
  }
}

}  // namespace

TEST_CASE("Prio3Count end to end with 2, 3 and 5 aggregators", "[vdaf][prio3][e2e]") {
  for (std::size_t n : {std::size_t{2}, std::size_t{3}, std::size_t{5}}) {
    INFO("aggregators " << n << ", prg seed byte " << n);
    Harness<Count> h(Count(), n, static_cast<std::uint8_t>(n));
    std::uint64_t expected = 0;
    for (int i = 0; i < 20; ++i) {
      const std::uint64_t m = h.prg.next_u64() & 1U;
      REQUIRE(h.honest(m) == Reason::none);
      expected += m;
    }
    attack_batch(h, {Field64::from_u64(2)}, 1);
    expected += 1;  // the replay test's first copy
    // Without joint randomness a report verified under another nonce is
    // still a valid 0/1 measurement; it is accepted (and counted) once.
    {
      const Bytes nonce = h.nonce();
      auto s = h.vdaf.shard(kCtx, 1, nonce, h.prg);
      const Bytes other = h.nonce();
      CHECK(submit(h.aggs, other, s.public_share, s.input_shares) == Reason::none);
      ++h.accepted;
      expected += 1;
    }
    for (int i = 0; i < 5; ++i) {
      REQUIRE(h.honest(1) == Reason::none);
      expected += 1;
    }
    CHECK(h.result() == expected);
  }
}

TEST_CASE("Prio3Sum end to end with 2, 3 and 5 aggregators", "[vdaf][prio3][e2e]") {
  for (std::size_t n : {std::size_t{2}, std::size_t{3}, std::size_t{5}}) {
    INFO("aggregators " << n);
    Harness<Sum> h(Sum(1000), n, static_cast<std::uint8_t>(10 + n));
    std::uint64_t expected = 0;
    for (int i = 0; i < 15; ++i) {
      const std::uint64_t m = h.prg.next_u64() % 1001;
      REQUIRE(h.honest(m) == Reason::none);
      expected += m;
    }
    // 1000 needs 10 bits; an encoding with a "bit" equal to 2 is out of range.
    std::vector<Field64> bad = h.vdaf.circuit().encode(5);
    bad[3] = Field64::from_u64(2);
    attack_batch(h, bad, 1000);
    expected += 1000;
    REQUIRE(h.honest(0) == Reason::none);
    REQUIRE(h.honest(1000) == Reason::none);
    expected += 1000;
    CHECK_THROWS_AS(h.vdaf.shard(kCtx, 1001, h.nonce(), h.prg), InvalidArgument);
    CHECK(h.result() == expected);
  }
}

TEST_CASE("Prio3Histogram end to end with 2, 3 and 5 aggregators", "[vdaf][prio3][e2e]") {
  for (std::size_t n : {std::size_t{2}, std::size_t{3}, std::size_t{5}}) {
    INFO("aggregators " << n);
    Harness<Histogram> h(Histogram(7, 3), n, static_cast<std::uint8_t>(20 + n));
    std::vector<std::uint64_t> expected(7, 0);
    for (int i = 0; i < 15; ++i) {
      const std::size_t b = h.prg.next_u64() % 7;
      REQUIRE(h.honest(b) == Reason::none);
      ++expected[b];
    }
    std::vector<Field128> two_buckets = h.vdaf.circuit().encode(1);
    two_buckets[4] = Field128::one();
    attack_batch(h, two_buckets, 6);
    ++expected[6];
    // A single bucket holding 2 also fails (the sum check).
    {
      std::vector<Field128> big = h.vdaf.circuit().encode(0);
      big[0] = Field128::from_u64(2);
      const Bytes nonce = h.nonce();
      auto s = h.shard_raw(big, nonce);
      CHECK(submit(h.aggs, nonce, s.public_share, s.input_shares) == Reason::proof_rejected);
    }
    CHECK_THROWS_AS(h.vdaf.shard(kCtx, 7, h.nonce(), h.prg), InvalidArgument);
    CHECK(h.result() == expected);
  }
}

TEST_CASE("Prio3SumVec end to end with 2, 3 and 5 aggregators", "[vdaf][prio3][e2e]") {
  for (std::size_t n : {std::size_t{2}, std::size_t{3}, std::size_t{5}}) {
    INFO("aggregators " << n);
    Harness<SumVec> h(SumVec(4, 20, 3), n, static_cast<std::uint8_t>(30 + n));
    std::vector<std::uint64_t> expected(4, 0);
    for (int i = 0; i < 10; ++i) {
      std::vector<std::uint64_t> m(4);
      for (std::size_t k = 0; k < 4; ++k) {
        m[k] = h.prg.next_u64() % 21;
        expected[k] += m[k];
      }
      REQUIRE(h.honest(m) == Reason::none);
    }
    std::vector<Field128> bad = h.vdaf.circuit().encode({1, 2, 3, 4});
    bad[2] = Field128::from_u64(3);
    attack_batch(h, bad, {20, 0, 20, 1});
    expected[0] += 20;
    expected[2] += 20;
    expected[3] += 1;
    CHECK_THROWS_AS(h.vdaf.shard(kCtx, std::vector<std::uint64_t>{21, 0, 0, 0}, h.nonce(), h.prg), InvalidArgument);
    CHECK(h.result() == expected);
  }
}

TEST_CASE("Prio3MultihotCountVec end to end with 2, 3 and 5 aggregators", "[vdaf][prio3][e2e]") {
  for (std::size_t n : {std::size_t{2}, std::size_t{3}, std::size_t{5}}) {
    INFO("aggregators " << n);
    Harness<MultihotCountVec> h(MultihotCountVec(6, 3, 2), n, static_cast<std::uint8_t>(40 + n));
    std::vector<std::uint64_t> expected(6, 0);
    for (int i = 0; i < 10; ++i) {
      std::vector<bool> m(6, false);
      for (int k = 0; k < 3; ++k) m[h.prg.next_u64() % 6] = true;
      for (std::size_t k = 0; k < 6; ++k) expected[k] += m[k] ? 1U : 0U;
      REQUIRE(h.honest(m) == Reason::none);
    }
    // Four ones, claimed weight 3: the weight check fails.
    std::vector<Field128> bad = h.vdaf.circuit().encode({true, true, true, false, false, false});
    bad[4] = Field128::one();
    attack_batch(h, bad, {false, true, false, false, false, true});
    expected[1] += 1;
    expected[5] += 1;
    CHECK_THROWS_AS(h.vdaf.shard(kCtx, std::vector<bool>{true, true, true, true, false, false}, h.nonce(), h.prg),
                    InvalidArgument);
    CHECK(h.result() == expected);
  }
}

TEST_CASE("Aggregator bookkeeping: unknown reports, aborts and misuse", "[vdaf][prio3][e2e]") {
  const Prio3<Count> vdaf(Count(), 2);
  const Bytes key(32, std::byte{3});
  Aggregator<Count> leader(vdaf, key, kCtx, 0);
  const Bytes nonce(16, std::byte{9});
  CHECK(leader.finish(nonce, {}).reason() == Reason::unknown_report);
  CHECK_FALSE(leader.abort(nonce));
  CHECK_THROWS_AS(Aggregator<Count>(vdaf, ByteView(key).first(31), kCtx, 0), InvalidArgument);
  CHECK_THROWS_AS(Aggregator<Count>(vdaf, key, kCtx, 2), InvalidArgument);
  CHECK_THROWS_AS(Prio3<Count>(Count(), 1), InvalidArgument);
  CHECK_THROWS_AS(Prio3<Count>(Count(), 256), InvalidArgument);
  // A verifier message of the wrong length is refused and the report dropped.
  Prg prg(Prg::Seed{});
  auto s = vdaf.shard(kCtx, 1, nonce, prg);
  REQUIRE(leader.start(nonce, s.public_share, s.input_shares[0]));
  CHECK(leader.num_pending() == 1);
  CHECK(leader.finish(nonce, Bytes(1)).reason() == Reason::malformed_verifier_message);
  CHECK(leader.num_pending() == 0);
  CHECK(leader.num_aggregated() == 0);
  CHECK(leader.seen(nonce));
  // The outcome says why when value() is asked of a rejection.
  auto bad = vdaf.verifier_shares_to_message(kCtx, std::vector<Bytes>{Bytes(32), Bytes(31)});
  CHECK(bad.reason() == Reason::malformed_verifier_share);
  CHECK_THROWS_AS(bad.value(), InvalidArgument);
  CHECK(std::string(to_string(bad.reason())) == "malformed verifier share");
  // Malformed aggregate shares are refused by unshard.
  CHECK_THROWS_AS(vdaf.unshard(std::vector<Bytes>{Bytes(8), Bytes(7)}, 1), DecodeError);
  CHECK_THROWS_AS(vdaf.unshard(std::vector<Bytes>{Bytes(8), Bytes(8, std::byte{0xFF})}, 1), DecodeError);
}

TEST_CASE("Verifier shares and messages: round trip and malformed input", "[vdaf][prio3][e2e]") {
  const Prio3<Histogram> vdaf(Histogram(5, 2), 3);
  const Bytes key(32, std::byte{4});
  Prg prg(Prg::Seed{{std::byte{0x77}}});
  const Bytes nonce = prg.bytes(16);
  auto report = vdaf.shard(kCtx, 2, nonce, prg);
  CHECK(report.public_share.size() == vdaf.public_share_size());
  CHECK(report.input_shares[0].size() == vdaf.leader_input_share_size());
  CHECK(report.input_shares[2].size() == vdaf.helper_input_share_size());
  std::vector<Bytes> shares;
  std::vector<Prio3<Histogram>::VerifyState> states;
  for (std::size_t j = 0; j < 3; ++j) {
    auto init = vdaf.verify_init(key, kCtx, j, nonce, report.public_share, report.input_shares[j]);
    REQUIRE(init);
    CHECK(init.value().verifier_share.size() == vdaf.verifier_share_size());
    shares.push_back(init.value().verifier_share);
    states.push_back(init.value().state);
  }
  auto message = vdaf.verifier_shares_to_message(kCtx, shares);
  REQUIRE(message);
  CHECK(message.value().size() == vdaf.verifier_message_size());
  // The same shares always give the same message; verify_next accepts it.
  CHECK(vdaf.verifier_shares_to_message(kCtx, shares).value() == message.value());
  for (const auto& st : states) CHECK(vdaf.verify_next(kCtx, st, message.value()));
  // verify_in_process agrees and reconstructs the one-hot vector.
  auto outs = verify_in_process(vdaf, key, kCtx, nonce, report.public_share, report.input_shares);
  REQUIRE(outs);
  auto sum = vdaf.aggregate(outs.value());
  CHECK(vdaf.circuit().decode(sum, 1) == std::vector<std::uint64_t>{0, 0, 1, 0, 0});

  // An element >= p in a verifier share, a share missing, a wrong-length share.
  auto bad = shares;
  for (std::size_t i = 0; i < Field128::byte_size; ++i) bad[1][i] = std::byte{0xFF};
  CHECK(vdaf.verifier_shares_to_message(kCtx, bad).reason() == Reason::malformed_verifier_share);
  CHECK(vdaf.verifier_shares_to_message(kCtx, std::span<const Bytes>(shares).first(2)).reason() ==
        Reason::malformed_verifier_share);
  bad = shares;
  bad[2].pop_back();
  CHECK(vdaf.verifier_shares_to_message(kCtx, bad).reason() == Reason::malformed_verifier_share);
  // A peer that alters its verifier share makes the proof fail.
  bad = shares;
  bad[1][0] ^= std::byte{1};
  CHECK(vdaf.verifier_shares_to_message(kCtx, bad).reason() == Reason::proof_rejected);
  // A peer that lies about its joint randomness part: the message no longer
  // matches what the other aggregators computed.
  bad = shares;
  bad[2].back() ^= std::byte{1};
  auto lied = vdaf.verifier_shares_to_message(kCtx, bad);
  REQUIRE(lied);
  CHECK(vdaf.verify_next(kCtx, states[0], lied.value()).reason() == Reason::joint_rand_mismatch);
  // A different ctx is a different VDAF instance: the proof does not verify.
  auto other = verify_in_process(vdaf, key, to_bytes("other ctx"), nonce, report.public_share, report.input_shares);
  CHECK_FALSE(other);
  // A different verify key only changes the query randomness: still valid.
  const Bytes key2(32, std::byte{5});
  CHECK(verify_in_process(vdaf, key2, kCtx, nonce, report.public_share, report.input_shares));
}
