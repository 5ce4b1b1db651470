// Spdz2k's signed, hash-chained transcript: an honest run passes, a party
// that sends different (signed) shares to different peers is proved to
// have equivocated, a message changed in transit is refused, and the
// statement and evidence encodings refuse every truncation and bit flip.
#include <catch2/catch.hpp>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "mpc/mpc_test_support.hpp"
#include "mpc/spdz2k_test_support.hpp"
#include "privfin/core/error.hpp"
#include "privfin/mpc/spdz2k.hpp"
#include "privfin/mpc/spdz2k_transcript.hpp"
#include "support/wire_negative.hpp"

using namespace privfin;
using R = Z2k<64>;

namespace {

const Prg::Seed dealer_seed = test::seed_from(4711);
const Bytes session = {std::byte{'j'}, std::byte{'o'}, std::byte{'b'}, std::byte{'7'}};

std::vector<sig::Ed25519SecretKey> make_keys(std::size_t n) {
  Prg prg(test::seed_from(99));
  std::vector<sig::Ed25519SecretKey> keys;
  for (std::size_t i = 0; i < n; ++i) keys.push_back(sig::Ed25519SecretKey::generate(prg));
  return keys;
}

std::vector<Bytes> public_keys(const std::vector<sig::Ed25519SecretKey>& keys) {
  std::vector<Bytes> out;
  for (const auto& k : keys) out.push_back(k.public_key());
  return out;
}

enum class Where { none, above, below };

struct Outcome {
  std::vector<std::exception_ptr> errors;
  std::vector<std::optional<mpc::EquivocationEvidence>> evidence;
  std::vector<int> outputs;
};

// 3 parties; party 2 cheats by adding 1 to its mul share sent to party 0,
// either above the signing layer (signed: equivocation) or below it (in
// transit: the signature no longer matches).
Outcome run(Where where) {
  constexpr std::size_t n = 3;
  const auto keys = make_keys(n);
  const auto pks = public_keys(keys);
  Outcome out{{}, std::vector<std::optional<mpc::EquivocationEvidence>>(n), std::vector<int>(n, 0)};
  const std::vector<R> five = {R{5}};
  const std::vector<R> seven = {R{7}};
  out.errors = test::run_local_parties(n, [&](std::size_t i, net::Network& raw) {
    const bool cheater = i == 2 && where != Where::none;
    std::unique_ptr<test::CheatingNetwork> below;
    if (cheater && where == Where::below) below = std::make_unique<test::CheatingNetwork>(raw);
    net::Network& inner = below ? static_cast<net::Network&>(*below) : raw;
    mpc::SignedTranscript signed_net(inner, session, keys[i], pks);
    std::unique_ptr<test::CheatingNetwork> above;
    if (cheater && where == Where::above) above = std::make_unique<test::CheatingNetwork>(signed_net);
    net::Network& net = above ? static_cast<net::Network&>(*above) : signed_net;
    mpc::Spdz2kTestDealer pre(dealer_seed, i, n);
    Prg seeds(test::seed_from(50 + i));
    mpc::Spdz2k p(net, pre, seeds);
    p.set_audit([&] { signed_net.audit(); });
    try {
      const auto x = p.input(0, i == 0 ? std::span<const R>(five) : std::span<const R>{}, 1);
      const auto y = p.input(1, i == 1 ? std::span<const R>(seven) : std::span<const R>{}, 1);
      if (above) above->arm(0, 1);
      if (below) below->arm(0, 1);
      const auto z = p.mul(x, y);
      if (p.reveal(z).at(0) == R{35}) out.outputs[i] = 1;
    } catch (...) {
      out.evidence[i] = signed_net.evidence();
      throw;
    }
  });
  return out;
}

}  // namespace

TEST_CASE("Spdz2k signed transcript: an honest run passes", "[mpc][spdz2k][transcript]") {
  const auto o = run(Where::none);
  test::rethrow_first(o.errors);
  for (int v : o.outputs) CHECK(v == 1);
}

TEST_CASE("Spdz2k signed transcript: different signed shares to different peers are proved",
          "[mpc][spdz2k][transcript][security]") {
  const auto o = run(Where::above);
  const auto keys = make_keys(3);
  for (std::size_t i = 0; i < 2; ++i) {
    INFO("party " << i << ": " << test::what_of(o.errors[i]));
    CHECK(o.outputs[i] == 0);
    REQUIRE(o.errors[i]);
    std::size_t blamed = 99;
    try {
      std::rethrow_exception(o.errors[i]);
    } catch (const ProtocolError& e) {
      blamed = e.party();
    } catch (...) {
    }
    CHECK(blamed == 2);
    CHECK(test::what_of(o.errors[i]).find("equivocation: party 2") != std::string::npos);
    REQUIRE(o.evidence[i].has_value());
    const auto& ev = *o.evidence[i];
    CHECK(mpc::verify_equivocation(ev, session, keys[2].public_key()));
    CHECK_FALSE(mpc::verify_equivocation(ev, session, keys[1].public_key()));
    const Bytes other_session = {std::byte{'x'}};
    CHECK_FALSE(mpc::verify_equivocation(ev, other_session, keys[2].public_key()));
    // The evidence travels: decode it and verify again.
    CHECK(mpc::verify_equivocation(mpc::EquivocationEvidence::from_bytes(ev.to_bytes()), session,
                                   keys[2].public_key()));
  }
}

TEST_CASE("Spdz2k signed transcript: a message changed in transit is refused, naming the sender",
          "[mpc][spdz2k][transcript][security]") {
  const auto o = run(Where::below);
  REQUIRE(o.errors[0]);
  CHECK(o.outputs[0] == 0);
  CHECK(test::what_of(o.errors[0]).find("party 2: mpc::SignedTranscript: message") != std::string::npos);
  CHECK_FALSE(o.evidence[0].has_value());  // not provable
}

TEST_CASE("Spdz2k signed transcript: statements and evidence refuse every truncation and bit flip",
          "[mpc][spdz2k][transcript]") {
  const auto o = run(Where::above);
  REQUIRE(o.evidence[0].has_value());
  const auto ev = *o.evidence[0];
  const auto pk = make_keys(3)[2].public_key();
  const Bytes one = ev.first.to_bytes();
  test::check_truncations_and_flips(
      one, [](ByteView b) { return mpc::TranscriptStatement::from_bytes(b); },
      [&](const mpc::TranscriptStatement& s) { return s == ev.first; });
  CHECK_THROWS_AS(mpc::TranscriptStatement::from_bytes(Bytes(113)), DecodeError);
  const Bytes wire = ev.to_bytes();
  test::check_truncations_and_flips(
      wire, [](ByteView b) { return mpc::EquivocationEvidence::from_bytes(b); },
      [&](const mpc::EquivocationEvidence& e) { return e.first == ev.first && e.second == ev.second; });
  test::check_verifier_refuses_mutations(wire, [&](ByteView b) {
    try {
      return mpc::verify_equivocation(mpc::EquivocationEvidence::from_bytes(b), session, pk);
    } catch (const DecodeError&) {
      return false;
    }
  });
}

TEST_CASE("Spdz2k signed transcript: refuses wrong key lists", "[mpc][spdz2k][transcript]") {
  const auto keys = make_keys(2);
  auto nets = net::LocalNetwork::create(2);
  CHECK_THROWS_AS(mpc::SignedTranscript(*nets[0], session, keys[0], {keys[0].public_key()}), InvalidArgument);
  CHECK_THROWS_AS(mpc::SignedTranscript(*nets[0], session, keys[1], public_keys(keys)), InvalidArgument);
  CHECK_THROWS_AS(mpc::SignedTranscript(*nets[0], session, keys[0], {keys[0].public_key(), Bytes(5)}),
                  InvalidArgument);
}
