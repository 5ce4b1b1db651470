// LocalNetwork: n-party runs, framing limits, element validation, counters,
// disconnects and timeouts — and the Network rules shared by every transport.
#include "privfin/net/local_network.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "net/exercise.hpp"
#include "net/net_test_support.hpp"

using namespace privfin;
using namespace std::chrono_literals;

TEST_CASE("LocalNetwork runs three rounds among 2, 3, 5 and 10 parties", "[net][local]") {
  const std::size_t n = GENERATE(std::size_t{2}, std::size_t{3}, std::size_t{5}, std::size_t{10});
  auto nets = net::LocalNetwork::create(n);
  REQUIRE(nets.size() == n);
  for (std::size_t i = 0; i < n; ++i) {
    REQUIRE(nets[i]->party_id() == i);
    REQUIRE(nets[i]->party_count() == n);
  }
  REQUIRE_NOTHROW(test::run_parties(n, [&](std::size_t i) { test::exercise(*nets[i]); }));
}

TEST_CASE("LocalNetwork rejects bad peer ids and bad settings", "[net][local]") {
  REQUIRE_THROWS_AS(net::LocalNetwork::create(0), InvalidArgument);
  auto nets = net::LocalNetwork::create(3);
  REQUIRE_THROWS_AS(nets[0]->send(0, Bytes{std::byte{1}}), InvalidArgument);
  REQUIRE_THROWS_AS(nets[0]->send(3, Bytes{std::byte{1}}), InvalidArgument);
  std::array<std::byte, 4> buf{};
  REQUIRE_THROWS_AS(nets[1]->receive(1, buf), InvalidArgument);
  REQUIRE_THROWS_AS(nets[1]->counters(7), InvalidArgument);
  REQUIRE_THROWS_AS(nets[1]->set_max_message_size(0), InvalidArgument);
  REQUIRE_THROWS_AS(nets[1]->set_receive_timeout(0ms), InvalidArgument);
}

TEST_CASE("Both parties send 256 MiB, then both receive: no deadlock", "[net][local]") {
  auto nets = net::LocalNetwork::create(2);
  constexpr std::size_t size = std::size_t{256} << 20;
  REQUIRE_NOTHROW(test::run_parties(2, [&](std::size_t i) {
    Bytes out(size, static_cast<std::byte>(0x40 + i));
    nets[i]->send(1 - i, std::move(out));
    nets[i]->flush();
    Bytes in(size);
    nets[i]->receive(1 - i, in);
    test::expect(in.front() == static_cast<std::byte>(0x41 - i) && in.back() == in.front(), "content");
  }));
}

TEST_CASE("receive_message enforces the maximum size before allocating", "[net][local]") {
  auto nets = net::LocalNetwork::create(2);
  nets[1]->send_message(0, Bytes(2048, std::byte{7}));
  nets[1]->flush();
  try {
    (void)nets[0]->receive_message(1, 1024);
    FAIL("an oversized message was accepted");
  } catch (const DecodeError& e) {
    CHECK_THAT(e.what(), Catch::Contains("party 1") && Catch::Contains("2048") && Catch::Contains("1024"));
  }
  // The configured maximum applies to receive_message(peer) as well.
  nets[0]->set_max_message_size(100);
  nets[1]->send_message(0, Bytes(101, std::byte{7}));
  nets[1]->flush();
  REQUIRE_THROWS_AS(nets[0]->receive_message(1), DecodeError);
  // And the sender refuses to send beyond its own maximum.
  nets[1]->set_max_message_size(10);
  REQUIRE_THROWS_AS(nets[1]->send_message(0, Bytes(11)), InvalidArgument);
}

TEST_CASE("A lying length prefix ends in a NetworkError, not a huge allocation", "[net][local]") {
  auto nets = net::LocalNetwork::create(2);
  // Announce 900 MiB (below the 1 GiB default maximum), send 10 bytes, leave.
  std::array<std::byte, 8> prefix{};
  const std::uint64_t lie = std::uint64_t{900} << 20;
  for (std::size_t i = 0; i < 8; ++i) prefix[i] = static_cast<std::byte>(lie >> (8 * i));
  nets[1]->send(0, ByteView(prefix));
  nets[1]->send(0, Bytes(10));
  nets[1]->close();
  try {
    (void)nets[0]->receive_message(1);
    FAIL("a truncated message was accepted");
  } catch (const NetworkError& e) {
    REQUIRE(e.party() == std::optional<std::size_t>(1));
    CHECK_THAT(e.what(), Catch::Contains("disconnected"));
  }
  // Silent instead of gone: the receive timeout ends the wait.
  auto quiet = net::LocalNetwork::create(2);
  quiet[0]->set_receive_timeout(100ms);
  quiet[1]->send(0, ByteView(prefix));
  quiet[1]->flush();
  REQUIRE_THROWS_AS(quiet[0]->receive_message(1), NetworkError);
}

TEST_CASE("Received field elements must be canonical", "[net][local]") {
  auto nets = net::LocalNetwork::create(2);
  std::vector<Z2k<64>> words = {Z2k<64>(5), Z2k<64>(Fp61::modulus), Z2k<64>(~std::uint64_t{0})};
  nets[1]->send_elements<Z2k<64>>(0, words);
  nets[1]->flush();
  try {
    (void)nets[0]->receive_elements<Fp61>(1, 3);
    FAIL("a non-canonical field element was accepted");
  } catch (const DecodeError& e) {
    CHECK_THAT(e.what(), Catch::Contains("party 1") && Catch::Contains("element 1"));
  }
  // Every 64-bit word is a ring element.
  nets[1]->send_elements<Z2k<64>>(0, words);
  nets[1]->flush();
  REQUIRE(nets[0]->receive_elements<Z2k<64>>(1, 3) == words);
}

TEST_CASE("A peer that disconnects mid-protocol is named promptly", "[net][local]") {
  auto nets = net::LocalNetwork::create(3);
  nets[2]->send(0, Bytes(100));
  nets[2]->close();
  const auto start = std::chrono::steady_clock::now();
  Bytes first(100);
  nets[0]->receive(2, first);  // what was sent before leaving still arrives
  try {
    (void)nets[0]->receive(2, 1);
    FAIL("receive from a closed peer succeeded");
  } catch (const NetworkError& e) {
    REQUIRE(e.party() == std::optional<std::size_t>(2));
  }
  REQUIRE(std::chrono::steady_clock::now() - start < 1s);
  // Small sends are buffered; handing them over reveals the closed peer.
  nets[0]->send(2, Bytes(1));
  REQUIRE_THROWS_AS(nets[0]->flush(), NetworkError);
}

TEST_CASE("A silent peer times out after the receive timeout", "[net][local]") {
  auto nets = net::LocalNetwork::create(2);
  nets[0]->set_receive_timeout(150ms);
  const auto start = std::chrono::steady_clock::now();
  try {
    (void)nets[0]->receive(1, 8);
    FAIL("receive from a silent peer returned");
  } catch (const NetworkError& e) {
    REQUIRE(e.party() == std::optional<std::size_t>(1));
    CHECK_THAT(e.what(), Catch::Contains("timeout"));
  }
  const auto waited = std::chrono::steady_clock::now() - start;
  REQUIRE(waited >= 140ms);
  REQUIRE(waited < 2s);
  REQUIRE(nets[0]->counters(1).wait_time >= 140ms);
}

TEST_CASE("Counters count bytes, messages, rounds and waiting", "[net][local]") {
  auto nets = net::LocalNetwork::create(2);
  test::run_parties(2, [&](std::size_t i) {
    auto& net = *nets[i];
    for (int r = 0; r < 5; ++r) {
      net.send(1 - i, Bytes(10));
      net.send(1 - i, Bytes(6));
      (void)net.receive(1 - i, 16);
    }
  });
  for (std::size_t i = 0; i < 2; ++i) {
    const auto& c = nets[i]->counters(1 - i);
    CHECK(c.bytes_sent == 80);
    CHECK(c.bytes_received == 80);
    CHECK(c.messages_sent == 10);
    CHECK(c.messages_received == 5);
    CHECK(c.rounds == 5);
    CHECK(nets[i]->total_counters().rounds == 5);
  }
  nets[0]->reset_counters();
  CHECK(nets[0]->counters(1).bytes_sent == 0);
  CHECK(nets[0]->total_counters().rounds == 0);
}

TEST_CASE("receive_message_into reuses the caller's buffer and checks what receive_message checks", "[net][local]") {
  auto nets = net::LocalNetwork::create(2);
  Bytes buffer;
  // Larger than one receive chunk (1 MiB), then smaller, then empty.
  const std::array<std::size_t, 3> sizes{(std::size_t{3} << 20) + 5, 1000, 0};
  for (const std::size_t size : sizes) {
    Bytes message(size);
    for (std::size_t i = 0; i < size; ++i) message[i] = static_cast<std::byte>(i * 7 + size);
    nets[1]->send_message(0, message);
    nets[1]->flush();
    const auto before = nets[0]->counters(1).messages_received;
    const ByteView got = nets[0]->receive_message_into(1, std::size_t{4} << 20, buffer);
    CHECK(Bytes(got.begin(), got.end()) == message);
    CHECK(got.data() == buffer.data());
    CHECK(nets[0]->counters(1).messages_received == before + 1);
  }
  CHECK(buffer.size() == (std::size_t{3} << 20) + 5);  // grown once, never shrunk
  // Above the caller's maximum: refused before anything else is read.
  nets[1]->send_message(0, Bytes(2048));
  nets[1]->flush();
  CHECK_THROWS_WITH(nets[0]->receive_message_into(1, 1024, buffer),
                    Catch::Contains("party 1") && Catch::Contains("2048") && Catch::Contains("1024"));
  // A lying prefix: the buffer grows by at most one chunk past what arrived.
  auto lying = net::LocalNetwork::create(2);
  std::array<std::byte, 8> prefix{};
  const std::uint64_t lie = std::uint64_t{900} << 20;
  for (std::size_t i = 0; i < 8; ++i) prefix[i] = static_cast<std::byte>(lie >> (8 * i));
  lying[1]->send(0, ByteView(prefix));
  lying[1]->send(0, Bytes(10));
  lying[1]->close();
  Bytes fresh;
  CHECK_THROWS_AS(lying[0]->receive_message_into(1, std::size_t{1} << 30, fresh), NetworkError);
  CHECK(fresh.size() <= (std::size_t{1} << 20));
}
