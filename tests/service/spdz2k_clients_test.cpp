// service::Spdz2kClients: input and output parties outside an SPDZ2k
// compute set. Results against plaintext (test dealer and dealer-free OT
// preprocessing), every deviation we can express ends in a ProtocolError
// before a client accepts anything (a wrong mask share, a client that sends
// different inputs to different compute parties, a wrong output, a wrong
// share inside the computation), wrong roles are refused, and the wire
// format refuses every truncation.
#include <catch2/catch.hpp>

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "mpc/spdz2k_test_support.hpp"
#include "privfin/core/error.hpp"
#include "privfin/mpc/spdz2k_ot.hpp"
#include "privfin/net/local_network.hpp"
#include "privfin/net/sub_network.hpp"
#include "privfin/service/spdz2k_clients.hpp"
#include "support/local_parties.hpp"
#include "support/wire_negative.hpp"

using namespace privfin;
using Word = mpc::spdz2k::Word;

namespace {

using R = Z2k<64>;

std::vector<R> values_of(std::uint64_t seed, std::size_t n) {
  Prg prg(test::seed_of(seed));
  std::vector<R> out(n);
  for (auto& v : out) v = R{prg.next_u64()};
  return out;
}

// Network ids 0..k-1 compute, k and k+1 are clients. Client k inputs x,
// client k+1 inputs y; the compute parties compute x y + x and send it to
// client k+1, and x back to client k. `cheat` (a party id, or none) runs
// over a CheatingNetwork that `arm` sets up; `dealer_free` uses
// Spdz2kOtPreprocessing instead of the test dealer.
struct Run {
  std::vector<std::exception_ptr> errors;
  std::vector<R> at_k, at_k1;
};

Run run(std::size_t k, std::size_t n, bool dealer_free = false, std::optional<std::size_t> cheat = std::nullopt,
        const std::function<void(test::CheatingNetwork&)>& arm = nullptr,
        const std::function<void(test::CheatingNetwork*)>& before_mul = nullptr) {
  const auto x = values_of(1, n);
  const auto y = values_of(2, n);
  std::vector<std::size_t> compute(k);
  for (std::size_t i = 0; i < k; ++i) compute[i] = i;
  Run out;
  out.errors = test::run_local_parties(k + 2, [&](std::size_t id, net::Network& honest) {
    std::unique_ptr<test::CheatingNetwork> cheating;
    if (cheat == id) {
      cheating = std::make_unique<test::CheatingNetwork>(honest);
      if (arm) arm(*cheating);
    }
    net::Network& net = cheating ? static_cast<net::Network&>(*cheating) : honest;
    service::Spdz2kClients clients(net, compute);
    if (id < k) {
      net::SubNetwork compute_net(net, compute);
      Prg prg(test::seed_of(100 + id));
      std::unique_ptr<mpc::Spdz2kPreprocessing> pre;
      if (dealer_free) {
        pre = std::make_unique<mpc::Spdz2kOtPreprocessing>(compute_net, prg);
      } else {
        pre = std::make_unique<mpc::Spdz2kTestDealer>(test::seed_of(7), id, k);
      }
      mpc::Spdz2k p(compute_net, *pre, prg);
      const auto xs = clients.receive_input(p, *pre, k, n);
      const auto ys = clients.receive_input(p, *pre, k + 1, n);
      if (before_mul && cheating) before_mul(cheating.get());
      const auto z = p.add(p.mul(xs, ys), xs);
      clients.send_output(p, *pre, k + 1, z);
      clients.send_output(p, *pre, k, xs);
    } else if (id == k) {
      clients.send_input(x);
      out.at_k = clients.receive_output(n);
    } else {
      clients.send_input(y);
      out.at_k1 = clients.receive_output(n);
    }
  });
  return out;
}

std::vector<R> expected_z(std::size_t n) {
  const auto x = values_of(1, n);
  const auto y = values_of(2, n);
  std::vector<R> z(n);
  for (std::size_t j = 0; j < n; ++j) z[j] = x[j] * y[j] + x[j];
  return z;
}

bool is_protocol_error(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const ProtocolError&) {
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace

TEST_CASE("Spdz2kClients: the clients' inputs and outputs match plaintext", "[service][spdz2k]") {
  const std::size_t k = GENERATE(as<std::size_t>{}, 2, 3);
  const std::size_t n = GENERATE(as<std::size_t>{}, 1, 40);
  const Run r = run(k, n);
  test::rethrow_first(r.errors);
  CHECK(r.at_k == values_of(1, n));
  CHECK(r.at_k1 == expected_z(n));
}

TEST_CASE("Spdz2kClients: with dealer-free OT preprocessing", "[service][spdz2k]") {
  const Run r = run(2, 8, /*dealer_free=*/true);
  test::rethrow_first(r.errors);
  CHECK(r.at_k == values_of(1, 8));
  CHECK(r.at_k1 == expected_z(8));
}

TEST_CASE("Spdz2kClients: a compute party that sends a wrong mask share is caught by the client",
          "[service][spdz2k]") {
  // Compute party 1 adds 1 to the low half of its share of a_0 for client 2
  // (offset 3: version, kind, one-byte count).
  const Run r = run(2, 4, false, 1, [](test::CheatingNetwork& c) { c.arm(2, 1, 0, 3); });
  REQUIRE(r.errors[2]);
  CHECK(is_protocol_error(r.errors[2]));
  CHECK(test::what_of(r.errors[2]).find("fail the triple check at value 0") != std::string::npos);
  CHECK(r.at_k.empty());
}

TEST_CASE("Spdz2kClients: a change in the upper half of a mask share is caught too", "[service][spdz2k]") {
  // Offset 3 + 8: the upper 64 bits of the share of a_0. It would not change
  // the input mod 2^64, but the triple check still sees it (a b != c).
  const Run r = run(2, 4, false, 0, [](test::CheatingNetwork& c) { c.arm(2, 1, 0, 11); });
  REQUIRE(r.errors[2]);
  CHECK(test::what_of(r.errors[2]).find("triple check") != std::string::npos);
}

TEST_CASE("Spdz2kClients: a client that sends different inputs to different compute parties is caught",
          "[service][spdz2k]") {
  // Client 3 changes the value it sends to compute party 1.
  const Run r = run(3, 4, false, 3, [](test::CheatingNetwork& c) { c.arm(1, 1, 0, 3); });
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("compute party " << i << ": " << test::what_of(r.errors[i]));
    REQUIRE(r.errors[i]);
    CHECK(is_protocol_error(r.errors[i]));
    CHECK(test::what_of(r.errors[i]).find("received other masked inputs from client 3") != std::string::npos);
  }
  CHECK(r.at_k1.empty());
}

TEST_CASE("Spdz2kClients: a compute party that sends a wrong output is caught by the client", "[service][spdz2k]") {
  // Compute party 2's messages to client 4: the masks of its input, the
  // masks of its output, then the output: skip two, add 1 to the output.
  const Run r = run(3, 4, false, 2, [](test::CheatingNetwork& c) { c.arm(4, 1, 2, 3); });
  REQUIRE(r.errors[4]);
  CHECK(is_protocol_error(r.errors[4]));
  CHECK(test::what_of(r.errors[4]).find("sent another output than compute party 0") != std::string::npos);
  CHECK(r.at_k1.empty());
}

TEST_CASE("Spdz2kClients: a wrong share inside the computation aborts before any client gets a result",
          "[service][spdz2k]") {
  // Compute party 1 adds 1 to its opening in the multiplication.
  const Run r = run(3, 4, false, 1, nullptr, [](test::CheatingNetwork* c) {
    c->arm(0, 1);
    c->arm(2, 1);
  });
  for (const std::size_t honest : {0U, 2U}) {
    INFO("compute party " << honest << ": " << test::what_of(r.errors[honest]));
    REQUIRE(r.errors[honest]);
    CHECK(is_protocol_error(r.errors[honest]));
    CHECK(test::what_of(r.errors[honest]).find("mpc::Spdz2k: check") != std::string::npos);
  }
  // Both clients fail (the compute parties hang up) and accept nothing.
  CHECK(r.errors[3]);
  CHECK(r.errors[4]);
  CHECK(r.at_k.empty());
  CHECK(r.at_k1.empty());
}

TEST_CASE("Spdz2kClients: a client refuses a malformed message, a wrong kind or a wrong count, naming the sender",
          "[service][spdz2k]") {
  using M = service::Spdz2kClientMessage;
  struct Case {
    const char* what;
    Bytes message;
    bool decode_error;
    const char* expected;
  };
  const Case cases[] = {
      {"not a message", Bytes{std::byte{0xFF}}, true, "party 0: "},
      {"outputs where masks are due", M{M::Kind::output, std::vector<Word>(2)}.to_bytes(), false,
       "party 0: sent masked outputs where masks were expected"},
      {"masks for one value, two asked", M{M::Kind::masks, std::vector<Word>(3)}.to_bytes(), false,
       "party 0: sent 1 masks, expected 2"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    // Network ids 0 and 1 stand in for the compute parties; 2 is the client.
    const auto errors = test::run_local_parties(3, [&](std::size_t id, net::Network& net) {
      if (id == 0) {
        net.send_message(2, c.message);
        net.flush();
      } else if (id == 2) {
        service::Spdz2kClients clients(net, {0, 1});
        (void)clients.receive_output(2);
      }
    });
    REQUIRE(errors[2]);
    bool is_decode = false;
    try {
      std::rethrow_exception(errors[2]);
    } catch (const DecodeError&) {
      is_decode = true;
    } catch (...) {
    }
    CHECK(is_decode == c.decode_error);
    if (!c.decode_error) CHECK(is_protocol_error(errors[2]));
    CHECK_THAT(test::what_of(errors[2]), Catch::StartsWith(c.expected));
  }
}

TEST_CASE("Spdz2kClients: wrong roles, counts and protocol objects are refused", "[service][spdz2k]") {
  // Every check comes before any message, so one thread suffices.
  auto nets = net::LocalNetwork::create(3);
  net::Network& net0 = *nets[0];
  CHECK_THROWS_AS(service::Spdz2kClients(net0, {0}), InvalidArgument);
  CHECK_THROWS_AS(service::Spdz2kClients(net0, {0, 0}), InvalidArgument);
  CHECK_THROWS_AS(service::Spdz2kClients(net0, {0, 3}), InvalidArgument);
  CHECK_THROWS_AS(service::Spdz2kClients(net0, {0, 1}, 0), InvalidArgument);

  service::Spdz2kClients client(*nets[2], {0, 1}, 16);
  const std::vector<R> many(17);
  CHECK_THROWS_AS(client.send_input(many), InvalidArgument);
  CHECK_THROWS_AS(client.receive_output(17), InvalidArgument);

  service::Spdz2kClients clients(net0, {0, 1}, 16);
  const std::array<std::size_t, 2> members{0, 1};
  net::SubNetwork compute_net(net0, members);
  mpc::Spdz2kTestDealer pre(test::seed_of(1), 0, 2);
  mpc::Spdz2kTestDealer other(test::seed_of(1), 1, 2);
  Prg prg(test::seed_of(0));
  mpc::Spdz2k p(compute_net, pre, prg);
  const std::vector<R> one(1);
  CHECK_THROWS_AS(clients.send_input(one), InvalidArgument);                // a compute party is no client
  CHECK_THROWS_AS(clients.receive_input(p, pre, 1, 1), InvalidArgument);    // party 1 computes
  CHECK_THROWS_AS(clients.receive_input(p, pre, 5, 1), InvalidArgument);    // outside the network
  CHECK_THROWS_AS(clients.receive_input(p, pre, 2, 17), InvalidArgument);   // above max_values
  CHECK_THROWS_AS(clients.receive_input(p, other, 2, 1), InvalidArgument);  // another party's source
  CHECK_THROWS_AS(clients.send_output(p, pre, 2, mpc::Spdz2k::Arith(17)), InvalidArgument);
}

TEST_CASE("Spdz2kClientMessage: round trip, and every truncation and bit flip is refused or decodes to another",
          "[service][spdz2k]") {
  using M = service::Spdz2kClientMessage;
  for (const M::Kind kind : {M::Kind::masks, M::Kind::input, M::Kind::output}) {
    M m{kind, {}};
    for (std::size_t j = 0; j < 2 * M::width(kind); ++j) m.values.push_back((Word{j + 1} << 64) | Word{7 * j});
    const Bytes wire = m.to_bytes();
    CHECK(M::from_bytes(wire, 2) == m);
    CHECK_THROWS_AS(M::from_bytes(wire, 1), DecodeError);  // count above the limit
    test::check_truncations_and_flips(
        wire, [](ByteView b) { return M::from_bytes(b, 100); }, [&](const M& back) { return back == m; });
  }
  M partial{M::Kind::masks, std::vector<Word>(4)};
  CHECK_THROWS_AS(partial.to_bytes(), InvalidArgument);
  // A count that promises more than the bytes that follow is refused before allocating.
  const Bytes lying{std::byte{1}, std::byte{2}, std::byte{0xFF}, std::byte{0xFF}, std::byte{0x03}};
  CHECK_THROWS_AS(M::from_bytes(lying, std::uint64_t{1} << 40), DecodeError);
}
