#include "privfin/service/agreement.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

#include "privfin/net/local_network.hpp"
#include "support/local_parties.hpp"
#include "support/wire_negative.hpp"

using namespace privfin;
using service::Parameters;

namespace {

Parameters bank_parameters(std::int64_t limit) {
  Parameters p("anti-stacking", 1);
  p.set("limit", limit).set("context", "loan-book 2026-12").set_fingerprint("verify key", as_bytes("k"));
  return p;
}

}  // namespace

TEST_CASE("parameters: canonical encoding regardless of the order of set()", "[service][agreement]") {
  Parameters a("p", 1);
  a.set("x", 1).set("y", "two").set("z", 3.5);
  Parameters b("p", 1);
  b.set("z", 3.5).set("x", 1).set("y", "two");
  CHECK(a.to_bytes() == b.to_bytes());
  CHECK(a.digest() == b.digest());
  CHECK(Parameters::from_bytes(a.to_bytes()) == a);
  b.set("x", 2);
  CHECK(a.digest() != b.digest());
  CHECK(a.describe("y") == "y = \"two\"");
  CHECK(a.describe("x") == "x = 1");
}

TEST_CASE("parameters: a fingerprint hides the value and still tells keys apart", "[service][agreement]") {
  Parameters a("p", 1);
  a.set_fingerprint("verify key", as_bytes("secret-key-0001"));
  const std::string shown = a.describe("verify key");
  CHECK(shown.find("secret") == std::string::npos);
  CHECK(shown.find("verify key = #") == 0);
  Parameters b("p", 1);
  b.set_fingerprint("verify key", as_bytes("secret-key-0002"));
  CHECK(a != b);
}

TEST_CASE("parameters: bad names and values are refused", "[service][agreement]") {
  Parameters p("p", 1);
  CHECK_THROWS_AS(p.set("", 1), InvalidArgument);
  CHECK_THROWS_AS(p.set(std::string(300, 'n'), 1), InvalidArgument);
  CHECK_THROWS_AS(p.set("nan", std::nan("")), InvalidArgument);
  CHECK_THROWS_AS(p.set("big", std::uint64_t{1} << 63), InvalidArgument);
  p.set_bytes("huge", Bytes(Parameters::max_encoded_size));
  CHECK_THROWS_AS(p.to_bytes(), InvalidArgument);
}

TEST_CASE("parameters: every truncation and every bit flip of an encoding is refused or changes it",
          "[service][agreement]") {
  const Parameters p = bank_parameters(50'000);
  test::check_truncations_and_flips(
      p.to_bytes(), [](ByteView b) { return Parameters::from_bytes(b); },
      [&](const Parameters& q) { return q == p; });
}

TEST_CASE("agreement: parties holding the same parameters pass", "[service][agreement]") {
  const auto errors = test::run_local_parties(4, [](net::Network& net) { service::agree(net, bank_parameters(50'000)); });
  for (const auto& e : errors) CHECK(e == nullptr);
}

TEST_CASE("agreement: one bank's other limit is named at every party (silent wrong answer 1)",
          "[service][agreement]") {
  const auto errors = test::run_local_parties(3, [](net::Network& net) {
    service::agree(net, bank_parameters(net.party_id() == 2 ? 500 : 50'000));
  });
  for (std::size_t i = 0; i < 3; ++i) {
    REQUIRE(errors[i] != nullptr);
    try {
      std::rethrow_exception(errors[i]);
    } catch (const service::ParameterMismatch& e) {
      if (i == 2) {
        CHECK(e.parties() == std::vector<std::size_t>{0, 1});
        CHECK_THAT(e.what(), Catch::Contains("party 0 has limit = 50000 (party 2 has 500)"));
      } else {
        CHECK(e.parties() == std::vector<std::size_t>{2});
        CHECK(e.party() == 2);
        CHECK_THAT(e.what(), Catch::Contains("party 2 has limit = 500"));
      }
    }
  }
}

TEST_CASE("agreement: another protocol or a missing entry is named", "[service][agreement]") {
  const auto errors = test::run_local_parties(2, [](net::Network& net) {
    Parameters p(net.party_id() == 0 ? "anti-stacking" : "histogram", 1);
    if (net.party_id() == 0) p.set("limit", 5);
    service::agree(net, p);
  });
  CHECK_THAT(test::what_of(errors[0]), Catch::Contains("protocol = \"histogram\""));
  CHECK_THAT(test::what_of(errors[0]), Catch::Contains("limit unset"));
  CHECK_THAT(test::what_of(errors[1]), Catch::Contains("limit = 5 (unset at party 1)"));
}

TEST_CASE("agreement: a subset of the network agrees without the others", "[service][agreement]") {
  const auto errors = test::run_local_parties(4, [](net::Network& net) {
    if (net.party_id() == 3) return;  // not in the session
    const std::array<std::size_t, 3> session{0, 1, 2};
    service::agree(net, bank_parameters(7), session);
  });
  for (const auto& e : errors) CHECK(e == nullptr);
}

TEST_CASE("agreement: a bad party list is refused before anything is sent", "[service][agreement]") {
  auto nets = net::LocalNetwork::create(2);
  const Parameters p("p", 1);
  CHECK_THROWS_AS(service::agree(*nets[0], p, std::array<std::size_t, 1>{1}), InvalidArgument);
  CHECK_THROWS_AS(service::agree(*nets[0], p, std::array<std::size_t, 2>{0, 0}), InvalidArgument);
  CHECK_THROWS_AS(service::agree(*nets[0], p, std::array<std::size_t, 2>{0, 5}), InvalidArgument);
}

TEST_CASE("agreement: a malformed list from a peer is a DecodeError naming it", "[service][agreement]") {
  const auto errors = test::run_local_parties(2, [](net::Network& net) {
    if (net.party_id() == 1) {
      net.send_message(0, Bytes{std::byte{1}, std::byte{9}});
      (void)net.receive_message(0);
      return;
    }
    service::agree(net, Parameters("p", 1));
  });
  CHECK_THAT(test::what_of(errors[0]), Catch::Contains("party 1"));
  CHECK(errors[1] == nullptr);
}
