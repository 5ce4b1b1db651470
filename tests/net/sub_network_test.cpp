// Tests for privfin/net/sub_network.hpp: a view over parties {4, 1, 3} of a
// 6-party LocalNetwork carries traffic in its own numbering, refuses bad
// member lists, and every error leaving run() names the parent's ids.
#include "privfin/net/sub_network.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <string>

#include "net/exercise.hpp"
#include "net/net_test_support.hpp"
#include "privfin/net/local_network.hpp"

using namespace privfin;
using Ring = Z2k<64>;

namespace {
constexpr std::array<std::size_t, 3> members{4, 1, 3};
}  // namespace

TEST_CASE("SubNetwork numbers a subset by position and carries its traffic", "[net][sub_network]") {
  auto nets = net::LocalNetwork::create(6);
  for (auto& n : nets) n->set_receive_timeout(std::chrono::milliseconds(5000));
  std::vector<std::size_t> ids(6, 99);
  std::vector<std::vector<std::uint64_t>> got(6);
  test::run_parties(6, [&](std::size_t party) {
    if (party == 0 || party == 2 || party == 5) {
      // Non-members talk on the parent at the same time: party 0 to party 4.
      if (party == 0) {
        nets[0]->send_message(4, Bytes{std::byte{42}});
        nets[0]->flush();
      }
      return;
    }
    net::SubNetwork view(*nets[party], members);
    ids[party] = view.party_id();
    test::expect(view.party_count() == 3, "three members");
    test::expect(view.parent_id(view.party_id()) == party, "own parent id");
    std::vector<Ring> mine{Ring{static_cast<std::uint64_t>(party)}};
    for (std::size_t peer = 0; peer < 3; ++peer) {
      if (peer != view.party_id()) view.send_elements<Ring>(peer, mine);
    }
    for (std::size_t peer = 0; peer < 3; ++peer) {
      if (peer == view.party_id()) continue;
      got[party].push_back(view.receive_elements<Ring>(peer, 1)[0].value());
    }
    if (party == 4) test::expect(nets[4]->receive_message(0) == Bytes{std::byte{42}}, "parent traffic intact");
  });
  CHECK(ids[4] == 0);
  CHECK(ids[1] == 1);
  CHECK(ids[3] == 2);
  CHECK(got[4] == std::vector<std::uint64_t>{1, 3});  // from view parties 1 and 2 = parent 1 and 3
  CHECK(got[1] == std::vector<std::uint64_t>{4, 3});
  CHECK(got[3] == std::vector<std::uint64_t>{4, 1});
}

TEST_CASE("SubNetwork refuses bad member lists", "[net][sub_network]") {
  auto nets = net::LocalNetwork::create(4);
  CHECK_THROWS_AS(net::SubNetwork(*nets[1], std::vector<std::size_t>{}), InvalidArgument);
  CHECK_THROWS_WITH(net::SubNetwork(*nets[1], std::vector<std::size_t>{1, 2, 1}), Catch::Contains("listed twice"));
  CHECK_THROWS_WITH(net::SubNetwork(*nets[1], std::vector<std::size_t>{1, 4}), Catch::Contains("party 4"));
  CHECK_THROWS_WITH(net::SubNetwork(*nets[1], std::vector<std::size_t>{0, 2}),
                    Catch::Contains("this party (1) is not among"));
  const net::SubNetwork view(*nets[2], std::vector<std::size_t>{3, 2});
  CHECK(view.party_id() == 1);
  CHECK(view.index_of(3) == std::optional<std::size_t>{0});
  CHECK_FALSE(view.index_of(0).has_value());
  CHECK_FALSE(view.index_of(17).has_value());
  CHECK_THROWS_AS(view.parent_id(2), InvalidArgument);
}

TEST_CASE("Errors leaving SubNetwork::run name the parent's ids", "[net][sub_network]") {
  auto nets = net::LocalNetwork::create(6);
  for (auto& n : nets) n->set_receive_timeout(std::chrono::milliseconds(2000));

  SECTION("a ProtocolError raised in view numbering") {
    net::SubNetwork view(*nets[4], members);
    try {
      view.run([] { throw ProtocolError(2, "reveal digest differs"); });
      FAIL("nothing thrown");
    } catch (const ProtocolError& e) {
      CHECK(e.party() == 3);
      CHECK(std::string(e.what()) == "party 3: reveal digest differs");
    }
    // A DecodeError of the view's element check, and a NetworkError naming a view index.
    CHECK_THROWS_WITH(view.run([] { throw DecodeError("party 1: element 0 of 2 is not a canonical encoding"); }),
                      "party 1: element 0 of 2 is not a canonical encoding");
    CHECK_THROWS_WITH(view.run([] { throw DecodeError("party 2: bad"); }), "party 3: bad");
    try {
      view.run([] { throw NetworkError(0, "timed out"); });
      FAIL("nothing thrown");
    } catch (const NetworkError& e) {
      CHECK(e.party() == std::optional<std::size_t>{4});
      CHECK(std::string(e.what()) == "party 4: timed out");
    }
    // Errors without a party, and other exceptions, pass unchanged; values are returned.
    CHECK_THROWS_WITH(view.run([] { throw NetworkError("no party"); }), "no party");
    CHECK_THROWS_WITH(view.run([] { throw InvalidArgument("party 2: caller"); }), "party 2: caller");
    CHECK(view.run([] { return 7; }) == 7);
  }

  SECTION("a member that vanishes is named by its parent id, exactly once") {
    const auto errors = test::run_parties_collect(6, [&](std::size_t party) {
      if (party == 3) {
        nets[3]->close();  // view party 2 disappears
        return;
      }
      if (party != 4) return;
      net::SubNetwork view(*nets[4], members);
      view.run([&] { (void)view.receive_elements<Ring>(2, 4); });
    });
    REQUIRE(errors[4]);
    try {
      std::rethrow_exception(errors[4]);
    } catch (const NetworkError& e) {
      INFO(e.what());
      CHECK(e.party() == std::optional<std::size_t>{3});
      CHECK(std::string(e.what()).rfind("party 3: ", 0) == 0);
    }
    // The same receive without run() reports the view's numbering (party 2).
    auto nets2 = net::LocalNetwork::create(6);
    nets2[3]->close();
    net::SubNetwork raw(*nets2[4], members);
    CHECK_THROWS_WITH(raw.receive(2, 4), Catch::StartsWith("party 2: "));
  }
}
