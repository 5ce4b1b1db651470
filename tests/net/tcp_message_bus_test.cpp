// TcpMessageBus over loopback, several buses in one process: all-to-all
// traffic, a peer down at start, a peer restarted, back-pressure and
// replace-by-key with a peer down, a lying length prefix, and a wrong
// certificate. Every wait is bounded (seconds).
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "net/net_test_support.hpp"
#include "privfin/net/bus_frame.hpp"
#include "privfin/net/tcp_message_bus.hpp"

using namespace privfin;
using namespace std::chrono_literals;
using net::SendStatus;

namespace {

Bytes text(const std::string& s) { return Bytes(as_bytes(std::string_view(s)).begin(), as_bytes(std::string_view(s)).end()); }
std::string str(const Bytes& b) { return std::string(reinterpret_cast<const char*>(b.data()), b.size()); }

// Receives until `count` messages arrived or `limit` passed.
std::vector<net::Incoming> receive_n(net::MessageBus& bus, std::size_t count, std::chrono::milliseconds limit = 10'000ms) {
  std::vector<net::Incoming> out;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
    if (auto in = bus.receive(50ms)) out.push_back(std::move(*in));
  }
  return out;
}

net::BusOptions fast_options() {
  net::BusOptions o;
  o.max_backoff = 100ms;
  o.setup_timeout = 3'000ms;
  return o;
}

}  // namespace

TEST_CASE("Message bus: every party sends to every other over TLS, in order, with counters", "[net][bus][tcp]") {
  const std::size_t n = 3;
  const auto transport = GENERATE(net::Transport::tls, net::Transport::plain_insecure);
  auto cluster = test::make_tcp_cluster(n, transport);
  std::vector<std::unique_ptr<net::TcpMessageBus>> buses;
  for (std::size_t i = 0; i < n; ++i) {
    buses.push_back(net::TcpMessageBus::start(cluster.config, i, fast_options(), std::move(cluster.listeners[i])));
  }
  constexpr std::size_t per_peer = 200;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < per_peer; ++k) {
      for (std::size_t j = 0; j < n; ++j) {
        if (j != i) REQUIRE(buses[i]->send(j, text(std::to_string(i) + ":" + std::to_string(k))) == SendStatus::queued);
      }
    }
  }
  // A large message too (many TLS records).
  REQUIRE(buses[0]->send(2, Bytes(3 << 20, std::byte{0x5A})) == SendStatus::queued);
  for (std::size_t j = 0; j < n; ++j) {
    const auto got = receive_n(*buses[j], (n - 1) * per_peer + (j == 2 ? 1 : 0));
    for (std::size_t i = 0; i < n; ++i) {
      if (i == j) continue;
      const auto c = buses[i]->counters(j);
      INFO("party " << i << " to " << j << ": sent " << c.messages_sent << " queued " << c.queued_messages
                    << " connected " << c.connected << " error '" << buses[i]->last_error(j) << "'; " << j
                    << " got " << buses[j]->counters(i).messages_received << " error '" << buses[j]->last_error(i) << "'");
      CHECK(buses[j]->counters(i).messages_received >= per_peer);
    }
    REQUIRE(got.size() == (n - 1) * per_peer + (j == 2 ? 1 : 0));
    std::map<std::size_t, std::size_t> next;
    for (const auto& in : got) {
      if (in.message.size() == (3 << 20)) {
        CHECK(in.from == 0);
        CHECK(in.message[12345] == std::byte{0x5A});
        continue;
      }
      CHECK(str(in.message) == std::to_string(in.from) + ":" + std::to_string(next[in.from]++));
    }
  }
  REQUIRE(buses[0]->flush(5'000ms));
  const auto c = buses[0]->counters(1);
  CHECK(c.messages_sent == per_peer);
  CHECK(c.messages_received == per_peer);
  CHECK(c.connected);
  CHECK(c.reconnects == 0);
  CHECK(c.dropped == 0);
  CHECK(buses[0]->counters(2).bytes_sent >= (3 << 20));
  CHECK_THROWS_AS((void)buses[0]->send(0, text("self")), InvalidArgument);
  net::BusOptions tiny = fast_options();
  CHECK_THROWS_AS((void)buses[1]->send(0, Bytes(tiny.max_message_size + 1)), InvalidArgument);
  for (auto& b : buses) b->close();
  CHECK(buses[1]->send(0, text("late")) == SendStatus::closed);
  CHECK_FALSE(buses[1]->receive(10ms));
}

TEST_CASE("Message bus: a peer down at start comes up later - the others are never held back", "[net][bus][tcp]") {
  auto cluster = test::make_tcp_cluster(3, net::Transport::tls);
  // Party 0 (dialled by both others) starts late: its port is closed until then.
  const std::uint16_t port0 = cluster.config.parties[0].port;
  cluster.listeners[0] = net::TcpListener();
  auto b1 = net::TcpMessageBus::start(cluster.config, 1, fast_options(), std::move(cluster.listeners[1]));
  auto b2 = net::TcpMessageBus::start(cluster.config, 2, fast_options(), std::move(cluster.listeners[2]));
  for (int k = 0; k < 10; ++k) REQUIRE(b2->send(0, text("early " + std::to_string(k))) == SendStatus::queued);
  // Party 0 is down, yet 2 reaches 1 at once.
  REQUIRE(b2->send(1, text("to one")) == SendStatus::queued);
  const auto first = receive_n(*b1, 1, 5'000ms);
  REQUIRE(first.size() == 1);
  CHECK(first[0].from == 2);
  CHECK_FALSE(b2->connected(0));
  CHECK_FALSE(b2->last_error(0).empty());  // connection refused, retried

  std::this_thread::sleep_for(300ms);  // a few back-off rounds
  auto b0 = net::TcpMessageBus::start(cluster.config, 0, fast_options(), net::TcpListener::bind("127.0.0.1", port0));
  const auto got = receive_n(*b0, 10);
  REQUIRE(got.size() == 10);
  for (int k = 0; k < 10; ++k) CHECK(str(got[static_cast<std::size_t>(k)].message) == "early " + std::to_string(k));
  CHECK(b2->wait_connected(0, 5'000ms));
  CHECK(b2->counters(0).reconnects == 0);  // the first connection, however late
}

TEST_CASE("Message bus: a restarted peer is reconnected, both as dialler and as acceptor", "[net][bus][tcp]") {
  auto cluster = test::make_tcp_cluster(2, net::Transport::tls);
  const std::uint16_t port0 = cluster.config.parties[0].port;
  auto b0 = net::TcpMessageBus::start(cluster.config, 0, fast_options(), std::move(cluster.listeners[0]));
  auto b1 = net::TcpMessageBus::start(cluster.config, 1, fast_options(), std::move(cluster.listeners[1]));
  REQUIRE(b1->wait_connected(0, 5'000ms));
  REQUIRE(b0->send(1, text("before")) == SendStatus::queued);
  REQUIRE(receive_n(*b1, 1).size() == 1);

  // Sends until one arrives: what was written into a dying connection may be lost.
  const auto deliver = [](net::MessageBus& from, std::size_t to, net::MessageBus& at, const std::string& what) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      (void)from.send(to, text(what));
      if (auto in = at.receive(100ms)) return str(in->message) == what;
    }
    return false;
  };

  // The acceptor (party 0) stops and comes back on its port: party 1 dials again.
  b0->close();
  b0.reset();
  std::this_thread::sleep_for(200ms);
  b0 = net::TcpMessageBus::start(cluster.config, 0, fast_options(), net::TcpListener::bind("127.0.0.1", port0));
  CHECK(deliver(*b1, 0, *b0, "after acceptor restart"));
  CHECK(b1->counters(0).reconnects >= 1);

  // The dialler (party 1) stops and comes back: party 0 accepts the new connection.
  b1->close();
  b1.reset();
  b1 = net::TcpMessageBus::start(cluster.config, 1, fast_options());
  CHECK(deliver(*b0, 1, *b1, "after dialler restart"));
  CHECK(b0->counters(1).reconnects >= 1);
  CHECK(b0->connected(1));
}

TEST_CASE("Message bus: back-pressure and replace-by-key while a peer is down", "[net][bus][tcp]") {
  auto cluster = test::make_tcp_cluster(2, net::Transport::tls);
  const std::uint16_t port0 = cluster.config.parties[0].port;
  cluster.listeners[0] = net::TcpListener();
  net::BusOptions options = fast_options();
  options.max_queued_messages = 4;
  auto b1 = net::TcpMessageBus::start(cluster.config, 1, options, std::move(cluster.listeners[1]));
  const auto t0 = std::chrono::steady_clock::now();
  CHECK(b1->send(0, text("tx1")) == SendStatus::queued);
  CHECK(b1->send_keyed(0, 42, text("vote round 1")) == SendStatus::queued);
  CHECK(b1->send_keyed(0, 42, text("vote round 2")) == SendStatus::replaced);
  CHECK(b1->send(0, text("tx2")) == SendStatus::queued);
  CHECK(b1->send_keyed(0, 43, text("other vote")) == SendStatus::queued);
  CHECK(b1->send(0, text("tx3")) == SendStatus::refused);              // full: refused, not blocked
  CHECK(b1->send_keyed(0, 44, text("newest vote")) == SendStatus::queued);  // drops vote 42
  CHECK(std::chrono::steady_clock::now() - t0 < 1s);
  auto c = b1->counters(0);
  CHECK(c.queued_messages == 4);
  CHECK(c.refused == 1);
  CHECK(c.replaced == 1);
  CHECK(c.dropped == 1);

  auto b0 = net::TcpMessageBus::start(cluster.config, 0, options, net::TcpListener::bind("127.0.0.1", port0));
  const auto got = receive_n(*b0, 4);
  std::vector<std::string> texts;
  for (const auto& in : got) texts.push_back(str(in.message));
  CHECK(texts == std::vector<std::string>{"tx1", "tx2", "other vote", "newest vote"});
  CHECK_FALSE(b0->receive(200ms));
}

TEST_CASE("Message bus: the receiver stops reading when its inbound queue is full, and resumes", "[net][bus][tcp]") {
  auto cluster = test::make_tcp_cluster(2, net::Transport::tls);
  net::BusOptions options = fast_options();
  options.max_inbound_bytes = 64 << 10;
  auto b0 = net::TcpMessageBus::start(cluster.config, 0, options, std::move(cluster.listeners[0]));
  auto b1 = net::TcpMessageBus::start(cluster.config, 1, options, std::move(cluster.listeners[1]));
  constexpr std::size_t count = 400;  // 400 x 16 KiB = 6.4 MB, 100 times the inbound bound
  std::size_t queued = 0;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  std::size_t received = 0;
  while (received < count && std::chrono::steady_clock::now() < deadline) {
    if (queued < count && b1->send(0, Bytes(16 << 10, std::byte{7})) == SendStatus::queued) ++queued;
    if (queued == count || queued % 50 == 0) {
      if (auto in = b0->receive(5ms)) {
        CHECK(in->message.size() == (16 << 10));
        ++received;
      }
    }
  }
  CHECK(received == count);
  CHECK(b1->counters(0).dropped == 0);
}

TEST_CASE("Message bus: a lying length prefix is refused before allocation and the connection dropped", "[net][bus][tcp]") {
  auto cluster = test::make_tcp_cluster(2, net::Transport::plain_insecure);
  auto b0 = net::TcpMessageBus::start(cluster.config, 0, fast_options(), std::move(cluster.listeners[0]));
  // Party 1, by hand: hello, confirmation, then a frame announcing 4 GiB.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(cluster.config.parties[0].port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const std::string hello = std::string("PRIVBUS1") + std::string("\x01\0\0\0\0\0\0\0\x02\0\0\0\0", 13);
  REQUIRE(::write(fd, hello.data(), hello.size()) == static_cast<ssize_t>(hello.size()));
  std::array<char, 21 + 8> reply{};
  std::size_t have = 0;
  while (have < reply.size()) {
    const auto r = ::read(fd, reply.data() + have, reply.size() - have);
    REQUIRE(r > 0);
    have += static_cast<std::size_t>(r);
  }
  CHECK(std::string(reply.data(), 8) == "PRIVBUS1");
  CHECK(std::string(reply.data() + 21, 8) == "PF-READY");
  REQUIRE(b0->wait_connected(1, 5'000ms));
  const std::array<unsigned char, 5> lie{1, 0xFF, 0xFF, 0xFF, 0xFF};
  REQUIRE(::write(fd, lie.data(), lie.size()) == 5);
  char byte = 0;
  CHECK(::read(fd, &byte, 1) == 0);  // the bus hung up
  ::close(fd);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (b0->connected(1) && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  CHECK_FALSE(b0->connected(1));
  CHECK_THAT(b0->last_error(1), Catch::Contains("over the limit"));
  CHECK_FALSE(b0->receive(50ms));
}

TEST_CASE("Message bus: a wrong certificate is refused (pinning) - nothing passes", "[net][bus][tcp]") {
  const auto& creds = test::credentials();
  auto cluster = test::make_tcp_cluster(2, net::Transport::tls);
  // Party 1 runs with party 2's key pair, which nobody pins for party 1.
  net::PartyConfig impostor = cluster.config;
  impostor.parties[1].certificate = creds.parties[2].certificate;
  impostor.parties[1].private_key = creds.parties[2].private_key;
  auto b0 = net::TcpMessageBus::start(cluster.config, 0, fast_options(), std::move(cluster.listeners[0]));
  auto b1 = net::TcpMessageBus::start(impostor, 1, fast_options(), std::move(cluster.listeners[1]));
  (void)b1->send(0, text("let me in"));
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (b0->last_error(1).empty() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  CHECK_THAT(b0->last_error(1), Catch::Contains("does not match the one pinned for party 1"));
  CHECK_THAT(b0->last_error(1), Catch::Contains("a connection claiming to be party 1"));
  CHECK_FALSE(b0->receive(300ms));
  CHECK_FALSE(b0->connected(1));
  CHECK_FALSE(b1->connected(0));
  CHECK(b0->counters(1).messages_received == 0);
  CHECK_FALSE(b1->last_error(0).empty());
}

TEST_CASE("Message bus: a lockstep TcpNetwork peer is not taken for a bus peer", "[net][bus][tcp]") {
  auto cluster = test::make_tcp_cluster(2, net::Transport::tls, 700ms, 700ms);
  auto b0 = net::TcpMessageBus::start(cluster.config, 0, fast_options(), std::move(cluster.listeners[0]));
  CHECK_THROWS_AS(net::TcpNetwork::connect(cluster.config, 1, std::move(cluster.listeners[1])), NetworkError);
  CHECK_FALSE(b0->connected(1));
  CHECK_FALSE(b0->receive(10ms));
}

TEST_CASE("Message bus: peers named by host name are resolved off the I/O path - a name that does not resolve holds "
          "nobody back",
          "[net][bus][tcp]") {
  auto cluster = test::make_tcp_cluster(3, net::Transport::tls);
  for (auto& p : cluster.config.parties) p.host = "localhost";  // resolved through /etc/hosts
  // Party i dials the parties below it: party 2 dials 0 (a name that
  // never resolves, RFC 6761) and 1 (by name).
  net::PartyConfig broken = cluster.config;
  broken.parties[0].host = "privfin-no-such-host.invalid";
  auto b1 = net::TcpMessageBus::start(cluster.config, 1, fast_options(), std::move(cluster.listeners[1]));
  auto b2 = net::TcpMessageBus::start(broken, 2, fast_options(), std::move(cluster.listeners[2]));
  REQUIRE(b2->send(1, text("by name")) == SendStatus::queued);
  REQUIRE(b1->send(2, text("back")) == SendStatus::queued);
  const auto at1 = receive_n(*b1, 1, 5'000ms);
  const auto at2 = receive_n(*b2, 1, 5'000ms);
  REQUIRE(at1.size() == 1);
  REQUIRE(at2.size() == 1);
  CHECK(str(at1[0].message) == "by name");
  CHECK(str(at2[0].message) == "back");
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (b2->last_error(0).empty() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(20ms);
  CHECK_THAT(b2->last_error(0), Catch::Contains("privfin-no-such-host.invalid"));
  b1->close();
  b2->close();
}

TEST_CASE("Message bus: wake() ends a waiting receive at once, and a wake before a receive is kept",
          "[net][bus][tcp]") {
  auto cluster = test::make_tcp_cluster(2, net::Transport::tls);
  auto b0 = net::TcpMessageBus::start(cluster.config, 0, fast_options(), std::move(cluster.listeners[0]));
  auto b1 = net::TcpMessageBus::start(cluster.config, 1, fast_options(), std::move(cluster.listeners[1]));
  const auto start = std::chrono::steady_clock::now();
  std::thread waker([&] {
    std::this_thread::sleep_for(100ms);
    b0->wake();
  });
  CHECK_FALSE(b0->receive(20'000ms));  // nothing arrived: woken, not timed out
  waker.join();
  CHECK(std::chrono::steady_clock::now() - start < 10s);
  b0->wake();  // before the receive: that receive returns at once, once
  const auto again = std::chrono::steady_clock::now();
  CHECK_FALSE(b0->receive(20'000ms));
  CHECK(std::chrono::steady_clock::now() - again < 5s);
  // Messages still arrive after wakes.
  REQUIRE(b1->send(0, text("after")) == SendStatus::queued);
  const auto got = receive_n(*b0, 1);
  REQUIRE(got.size() == 1);
  CHECK(str(got[0].message) == "after");
}

TEST_CASE("Message bus: receive waits for a timeout below a millisecond, not a whole one", "[net][bus][tcp]") {
  auto cluster = test::make_tcp_cluster(2, net::Transport::tls);
  auto b0 = net::TcpMessageBus::start(cluster.config, 0, fast_options(), std::move(cluster.listeners[0]));
  auto b1 = net::TcpMessageBus::start(cluster.config, 1, fast_options(), std::move(cluster.listeners[1]));
  // The shortest of 20 waits of 200 us on an idle bus: at least the timeout,
  // and under a millisecond (a busy host can stretch any one of them).
  auto shortest = std::chrono::steady_clock::duration::max();
  for (int k = 0; k < 20; ++k) {
    const auto t = std::chrono::steady_clock::now();
    CHECK_FALSE(b0->receive(std::chrono::microseconds(200)));
    const auto took = std::chrono::steady_clock::now() - t;
    CHECK(took >= std::chrono::microseconds(200));
    shortest = std::min(shortest, took);
  }
  CHECK(shortest < std::chrono::microseconds(900));
  REQUIRE(b1->send(0, text("after the waits")) == SendStatus::queued);
  const auto got = receive_n(*b0, 1);
  REQUIRE(got.size() == 1);
  CHECK(str(got[0].message) == "after the waits");
}

TEST_CASE("Message bus: write after write of mixed sizes, each its own batch, arrives byte for byte",
          "[net][bus][tcp]") {
  // Each message is sent once the one before arrived, so every one is a
  // write of its own in buffers the link reuses: a reused buffer larger or
  // smaller than the message must carry exactly the message.
  const auto transport = GENERATE(net::Transport::tls, net::Transport::plain_insecure);
  auto cluster = test::make_tcp_cluster(2, transport);
  auto a = net::TcpMessageBus::start(cluster.config, 0, fast_options(), std::move(cluster.listeners[0]));
  auto b = net::TcpMessageBus::start(cluster.config, 1, fast_options(), std::move(cluster.listeners[1]));
  const std::array<std::size_t, 6> sizes = {5, 200'000, 17, 70'000, 1, 300'000};
  for (std::size_t k = 0; k < 36; ++k) {
    Bytes m(sizes[k % sizes.size()]);
    for (std::size_t i = 0; i < m.size(); ++i) m[i] = static_cast<std::byte>((i * 31 + k * 7) & 0xFF);
    REQUIRE(a->send(1, m) == SendStatus::queued);
    const auto got = receive_n(*b, 1);
    INFO("message " << k << " of " << m.size() << " bytes");
    REQUIRE(got.size() == 1);
    CHECK(got[0].from == 0);
    CHECK(got[0].message == m);
  }
  a->close();
  b->close();
}
