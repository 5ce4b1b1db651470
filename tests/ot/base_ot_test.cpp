// Base OT (Chou-Orlandi over ristretto255): the receiver gets exactly the
// chosen keys; malformed and hostile messages are refused naming the peer.
#include <sodium.h>

#include <catch2/catch.hpp>

#include <array>
#include <set>

#include "ot/ot_test_support.hpp"
#include "privfin/ot/base_ot.hpp"
#include "privfin/ot/messages.hpp"
#include "support/local_parties.hpp"

using namespace privfin;
using namespace std::chrono_literals;

TEST_CASE("base OT: the receiver gets exactly the chosen keys", "[ot][base]") {
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    INFO("seed " << seed);
    const std::size_t count = seed == 1 ? 1 : 128;
    Prg prg(test::seed_of(seed));
    const test::Choices choices(prg, count);
    std::vector<std::array<ot::Block, 2>> keys;
    std::vector<ot::Block> got;
    const auto errors = test::run_local_parties(2, [&](std::size_t i, net::Network& net) {
      Prg p(test::seed_of(seed * 100 + i));
      if (i == 0) {
        keys = ot::base_ot_send(net, 1, count, p);
      } else {
        got = ot::base_ot_receive(net, 0, choices.span(), p);
      }
    });
    test::rethrow_first(errors);
    REQUIRE(keys.size() == count);
    REQUIRE(got.size() == count);
    std::set<std::pair<std::uint64_t, std::uint64_t>> distinct;
    for (std::size_t k = 0; k < count; ++k) {
      CHECK(got[k] == keys[k][choices[k] ? 1 : 0]);
      CHECK(got[k] != keys[k][choices[k] ? 0 : 1]);
      distinct.insert({keys[k][0].lo, keys[k][0].hi});
      distinct.insert({keys[k][1].lo, keys[k][1].hi});
    }
    CHECK(distinct.size() == 2 * count);  // no two keys repeat (the index is hashed in)
  }
}

TEST_CASE("base OT: bad arguments are refused", "[ot][base]") {
  auto nets = net::LocalNetwork::create(2);
  Prg prg(test::seed_of(1));
  CHECK_THROWS_AS(ot::base_ot_send(*nets[0], 1, 0, prg), InvalidArgument);
  CHECK_THROWS_AS(ot::base_ot_send(*nets[0], 1, ot::max_base_ots + 1, prg), InvalidArgument);
  CHECK_THROWS_AS(ot::base_ot_send(*nets[0], 0, 4, prg), InvalidArgument);
  const std::array<bool, 1> one{true};
  CHECK_THROWS_AS(ot::base_ot_receive(*nets[0], 5, one, prg), InvalidArgument);
}

namespace {

ot::Point base_point() {
  ot::Point g{};
  std::array<unsigned char, 32> one{};
  one[0] = 1;
  REQUIRE(crypto_scalarmult_ristretto255_base(reinterpret_cast<unsigned char*>(g.data()), one.data()) == 0);
  return g;
}

// Runs an honest `party` against a scripted peer 0 or 1; returns the honest party's error.
template <class Honest, class Script>
std::exception_ptr against(std::size_t honest_id, const Honest& honest, const Script& script) {
  const auto errors = test::run_local_parties(
      2,
      [&](std::size_t i, net::Network& net) {
        if (i == honest_id) {
          honest(net);
        } else {
          script(net);
        }
      },
      {.receive_timeout = 5'000ms});
  return errors[honest_id];
}

}  // namespace

TEST_CASE("base OT: the receiver refuses a hostile or malformed sender", "[ot][base]") {
  const std::array<bool, 4> choices{true, false, true, true};
  const auto receiver = [&](net::Network& net) {
    Prg p(test::seed_of(3));
    (void)ot::base_ot_receive(net, 0, choices, p);
  };
  SECTION("the identity as A") {
    const auto e = against(1, receiver, [](net::Network& net) {
      net.send_message(1, ot::BaseOtSetup{4, ot::Point{}}.to_bytes());
      (void)net.receive_message(1);
    });
    REQUIRE(e);
    CHECK_THROWS_MATCHES(std::rethrow_exception(e), ProtocolError,
                         Catch::Predicate<ProtocolError>([](const ProtocolError& x) { return x.party() == 0; }));
  }
  SECTION("a count other than the receiver's") {
    const auto e = against(1, receiver, [](net::Network& net) {
      net.send_message(1, ot::BaseOtSetup{5, base_point()}.to_bytes());
      net.flush();
    });
    REQUIRE(e);
    CHECK_THROWS_AS(std::rethrow_exception(e), ProtocolError);
  }
  SECTION("a non-canonical point") {
    const auto e = against(1, receiver, [](net::Network& net) {
      Bytes wire = ot::BaseOtSetup{4, base_point()}.to_bytes();
      for (std::size_t k = 2; k < wire.size(); ++k) wire[k] = std::byte{0xFF};
      net.send_message(1, wire);
      net.flush();
    });
    REQUIRE(e);
    CHECK_THROWS_WITH(std::rethrow_exception(e), Catch::Contains("party 0") && Catch::Contains("ristretto255"));
    CHECK_THROWS_AS(std::rethrow_exception(e), DecodeError);
  }
  SECTION("a truncated message") {
    const auto e = against(1, receiver, [](net::Network& net) {
      Bytes wire = ot::BaseOtSetup{4, base_point()}.to_bytes();
      wire.pop_back();
      net.send_message(1, wire);
      net.flush();
    });
    REQUIRE(e);
    CHECK_THROWS_WITH(std::rethrow_exception(e), Catch::Contains("party 0"));
    CHECK_THROWS_AS(std::rethrow_exception(e), DecodeError);
  }
}

TEST_CASE("base OT: the sender refuses a hostile or malformed receiver", "[ot][base]") {
  const auto sender = [](net::Network& net) {
    Prg p(test::seed_of(4));
    (void)ot::base_ot_send(net, 0, 3, p);
  };
  const auto reply = [](ot::BaseOtChoice choice) {
    return [choice](net::Network& net) {
      (void)net.receive_message(1);
      net.send_message(1, choice.to_bytes());
      net.flush();
    };
  };
  SECTION("the identity as some B_i") {
    const auto e = against(1, sender, reply(ot::BaseOtChoice{{base_point(), ot::Point{}, base_point()}}));
    REQUIRE(e);
    CHECK_THROWS_MATCHES(std::rethrow_exception(e), ProtocolError,
                         Catch::Predicate<ProtocolError>([](const ProtocolError& x) { return x.party() == 0; }));
  }
  SECTION("too few points") {
    const auto e = against(1, sender, reply(ot::BaseOtChoice{{base_point(), base_point()}}));
    REQUIRE(e);
    CHECK_THROWS_AS(std::rethrow_exception(e), ProtocolError);
  }
  SECTION("garbage") {
    const auto e = against(1, sender, [](net::Network& net) {
      (void)net.receive_message(1);
      net.send_message(1, Bytes(3 * 32 + 2, std::byte{0xEE}));
      net.flush();
    });
    REQUIRE(e);
    CHECK_THROWS_WITH(std::rethrow_exception(e), Catch::Contains("party 0"));
    CHECK_THROWS_AS(std::rethrow_exception(e), DecodeError);
  }
}
