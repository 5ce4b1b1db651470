// TcpNetwork on 127.0.0.1 with ephemeral ports: n-party runs with TLS and
// plain TCP, large crossing transfers, and every failure the set-up and the
// data phase must report (unreachable, wrong certificate, disconnect,
// silence, lying length, bad configuration).
#include "privfin/net/tcp_network.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include "net/exercise.hpp"
#include "net/net_test_support.hpp"

using namespace privfin;
using namespace std::chrono_literals;
using net::Transport;

namespace {

const char* name(Transport t) { return t == Transport::tls ? "tls" : "plain_insecure"; }

// A port on 127.0.0.1 that nothing listens on (bound, then released).
std::uint16_t closed_port() {
  auto l = net::TcpListener::bind("127.0.0.1", 0);
  return l.port();
}

template <class E>
std::string message_of(const std::exception_ptr& p) {
  try {
    std::rethrow_exception(p);
  } catch (const E& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("unexpected exception: ") + e.what();
  }
}

std::optional<std::size_t> blamed(const std::exception_ptr& p) {
  try {
    std::rethrow_exception(p);
  } catch (const NetworkError& e) {
    return e.party();
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

TEST_CASE("TcpNetwork runs three rounds among 2, 3, 5 and 10 parties", "[net][tcp]") {
  const Transport transport = GENERATE(Transport::tls, Transport::plain_insecure);
  const std::size_t n = GENERATE(std::size_t{2}, std::size_t{3}, std::size_t{5}, std::size_t{10});
  INFO(name(transport) << ", " << n << " parties");
  auto cluster = test::make_tcp_cluster(n, transport);
  REQUIRE_NOTHROW(test::run_parties(n, [&](std::size_t i) {
    auto net = cluster.connect(i);
    test::expect(net->transport() == transport, "transport");
    test::exercise(*net);
    net->close();
  }));
}

TEST_CASE("TcpNetwork: both parties send 256 MiB, then both receive", "[net][tcp]") {
  const Transport transport = GENERATE(Transport::tls, Transport::plain_insecure);
  INFO(name(transport));
  auto cluster = test::make_tcp_cluster(2, transport);
  constexpr std::size_t size = std::size_t{256} << 20;
  REQUIRE_NOTHROW(test::run_parties(2, [&](std::size_t i) {
    auto net = cluster.connect(i);
    Bytes out(size);
    for (std::size_t k = 0; k < size; k += 4096) out[k] = static_cast<std::byte>(k / 4096 + i);
    net->send(1 - i, std::move(out));
    net->flush();
    Bytes in(size);
    net->receive(1 - i, in);
    for (std::size_t k = 0; k < size; k += 4096) {
      test::expect(in[k] == static_cast<std::byte>(k / 4096 + 1 - i), "content at " + std::to_string(k));
    }
    test::expect(net->counters(1 - i).bytes_received == size, "bytes_received");
  }));
}

TEST_CASE("TcpNetwork: receives on either side of plain TCP's 1 MB staging limit arrive intact", "[net][tcp]") {
  // Plain TCP reads receives of up to 1 MB through a 512 KB staging buffer
  // per link and bigger ones straight into the caller's buffer (tcp_network
  // .cpp, read_exact); every byte is checked, back to back in one stream,
  // as raw receives, as messages, and one message read in two receives.
  const Transport transport = GENERATE(Transport::plain_insecure, Transport::tls);
  INFO(name(transport));
  const std::vector<std::size_t> sizes{1,           (512 << 10) - 1, 512 << 10, (512 << 10) + 1, (1 << 20) - 1,
                                       std::size_t{1} << 20, (1 << 20) + 1, 3 << 20};
  const auto pattern = [](std::size_t message, std::size_t k) {
    return static_cast<std::byte>((k * 131 + message * 7 + (k >> 12)) & 0xFFU);
  };
  auto cluster = test::make_tcp_cluster(2, transport);
  REQUIRE_NOTHROW(test::run_parties(2, [&](std::size_t i) {
    auto net = cluster.connect(i);
    if (i == 0) {
      for (std::size_t m = 0; m < sizes.size(); ++m) {
        Bytes out(sizes[m]);
        for (std::size_t k = 0; k < out.size(); ++k) out[k] = pattern(m, k);
        net->send(1, out);
        net->send_message(1, out);
      }
      net->flush();
      const Bytes done = net->receive(1, 1);
      test::expect(done.size() == 1, "the receiver's acknowledgement");
      return;
    }
    for (std::size_t m = 0; m < sizes.size(); ++m) {
      Bytes raw(sizes[m]);
      if (m % 2 == 0 || raw.size() < 2) {
        net->receive(0, raw);
      } else {  // in two receives that straddle the limit differently
        const std::size_t half = raw.size() * 2 / 3;
        net->receive(0, std::span(raw).first(half));
        net->receive(0, std::span(raw).subspan(half));
      }
      const Bytes message = net->receive_message(0, std::size_t{4} << 20);
      test::expect(message.size() == sizes[m], "message size " + std::to_string(sizes[m]));
      for (std::size_t k = 0; k < sizes[m]; ++k) {
        if (raw[k] != pattern(m, k) || message[k] != pattern(m, k)) {
          test::expect(false, "byte " + std::to_string(k) + " of the " + std::to_string(sizes[m]) + "-byte message");
        }
      }
    }
    const std::array<std::byte, 1> ack{std::byte{1}};
    net->send(0, ack);
    net->flush();
  }));
}

TEST_CASE("Parties may start in any order: connectors retry until the listener is up", "[net][tcp]") {
  auto cluster = test::make_tcp_cluster(3, Transport::tls);
  // Party 0 listens on a port only after a delay: take its listener away and
  // rebind the same port later (the kernel refuses connections meanwhile).
  const std::uint16_t port0 = cluster.config.parties[0].port;
  cluster.listeners[0] = net::TcpListener{};
  REQUIRE_NOTHROW(test::run_parties(3, [&](std::size_t i) {
    if (i == 0) {
      std::this_thread::sleep_for(300ms);
      cluster.listeners[0] = net::TcpListener::bind("127.0.0.1", port0);
    }
    auto net = cluster.connect(i);
    test::exercise(*net);
  }));
}

TEST_CASE("A peer not reachable by the deadline is named", "[net][tcp]") {
  const Transport transport = GENERATE(Transport::tls, Transport::plain_insecure);
  auto cluster = test::make_tcp_cluster(2, transport, 400ms);
  cluster.config.parties[0].port = closed_port();
  const auto start = std::chrono::steady_clock::now();
  try {
    (void)cluster.connect(1);
    FAIL("connected to nobody");
  } catch (const NetworkError& e) {
    REQUIRE(e.party() == std::optional<std::size_t>(0));
    CHECK_THAT(e.what(), Catch::Contains("not reachable") && Catch::Contains("127.0.0.1"));
  }
  const auto waited = std::chrono::steady_clock::now() - start;
  CHECK(waited >= 350ms);
  CHECK(waited < 3s);

  // The listening side names the party that never came.
  try {
    (void)cluster.connect(0);
    FAIL("a party that never connected was not reported");
  } catch (const NetworkError& e) {
    REQUIRE(e.party() == std::optional<std::size_t>(1));
    CHECK_THAT(e.what(), Catch::Contains("did not connect"));
  }
}

TEST_CASE("A peer presenting the wrong certificate fails the handshake", "[net][tcp]") {
  const auto& creds = test::credentials();
  // The accepting side cannot tell a misconfigured peer from a stranger
  // until the handshake succeeds, so it reports at the connect deadline.
  SECTION("the connector's certificate is not the one pinned by the acceptor") {
    auto cluster = test::make_tcp_cluster(2, Transport::tls, 3s);
    auto acceptor_view = cluster.config;
    acceptor_view.parties[1].certificate = creds.parties[5].certificate;  // party 0 pins the wrong key
    std::atomic<bool> delivered{false};
    const auto errors = test::run_parties_collect(2, [&](std::size_t i) {
      auto net = net::TcpNetwork::connect(i == 0 ? acceptor_view : cluster.config, i,
                                          std::move(cluster.listeners[i]));
      delivered = true;
    });
    REQUIRE(errors[0]);
    REQUIRE(errors[1]);
    CHECK_FALSE(delivered);
    CHECK(blamed(errors[0]) == std::optional<std::size_t>(1));
    CHECK_THAT(message_of<NetworkError>(errors[0]), Catch::Contains("pinned for party 1"));
    CHECK(blamed(errors[1]) == std::optional<std::size_t>(0));
  }
  SECTION("the acceptor's certificate is not the one pinned by the connector") {
    auto cluster = test::make_tcp_cluster(2, Transport::tls, 3s);
    auto connector_view = cluster.config;
    connector_view.parties[0].certificate = creds.parties[6].certificate;
    const auto errors = test::run_parties_collect(2, [&](std::size_t i) {
      auto net = net::TcpNetwork::connect(i == 1 ? connector_view : cluster.config, i,
                                          std::move(cluster.listeners[i]));
    });
    REQUIRE(errors[0]);
    REQUIRE(errors[1]);
    CHECK(blamed(errors[1]) == std::optional<std::size_t>(0));
    CHECK_THAT(message_of<NetworkError>(errors[1]), Catch::Contains("pinned for party 0"));
    CHECK(blamed(errors[0]) == std::optional<std::size_t>(1));
  }
  SECTION("a party using another party's key") {
    auto cluster = test::make_tcp_cluster(3, Transport::tls, 2s);
    auto impostor = cluster.config;
    impostor.parties[2].certificate = creds.parties[1].certificate;  // party 2 runs with party 1's key
    impostor.parties[2].private_key = creds.parties[1].private_key;
    const auto errors = test::run_parties_collect(3, [&](std::size_t i) {
      auto net = net::TcpNetwork::connect(i == 2 ? impostor : cluster.config, i, std::move(cluster.listeners[i]));
    });
    REQUIRE(errors[0]);
    CHECK(blamed(errors[0]) == std::optional<std::size_t>(2));
    CHECK_THAT(message_of<NetworkError>(errors[0]), Catch::Contains("pinned for party 2"));
    REQUIRE(errors[2]);
  }
}

TEST_CASE("Parties configured with different transports refuse each other", "[net][tcp]") {
  auto cluster = test::make_tcp_cluster(2, Transport::tls, 3s);
  auto plain = cluster.config;
  plain.transport = Transport::plain_insecure;
  const auto errors = test::run_parties_collect(2, [&](std::size_t i) {
    auto net = net::TcpNetwork::connect(i == 0 ? cluster.config : plain, i, std::move(cluster.listeners[i]));
  });
  REQUIRE(errors[0]);
  REQUIRE(errors[1]);
  CHECK(blamed(errors[0]) == std::optional<std::size_t>(1));
  CHECK(blamed(errors[1]) == std::optional<std::size_t>(0));
  CHECK_THAT(message_of<NetworkError>(errors[1]), Catch::Contains("transport"));
}

TEST_CASE("TcpNetwork: a peer that disconnects mid-protocol is named promptly", "[net][tcp]") {
  const Transport transport = GENERATE(Transport::tls, Transport::plain_insecure);
  INFO(name(transport));
  auto cluster = test::make_tcp_cluster(3, transport);
  std::atomic<bool> closed{false};
  const auto errors = test::run_parties_collect(3, [&](std::size_t i) {
    auto net = cluster.connect(i);
    if (i == 2) {
      net->send(0, Bytes(1000, std::byte{1}));
      net->close();  // leaves after half of what party 0 expects
      closed = true;
      return;
    }
    if (i == 1) return;
    Bytes first(1000);
    net->receive(2, first);
    const auto start = std::chrono::steady_clock::now();
    try {
      (void)net->receive(2, 1000);
    } catch (const NetworkError&) {
      test::expect(std::chrono::steady_clock::now() - start < 2s, "the disconnect was not reported promptly");
      throw;
    }
  });
  REQUIRE(errors[0]);
  CHECK(blamed(errors[0]) == std::optional<std::size_t>(2));
  CHECK_THAT(message_of<NetworkError>(errors[0]), Catch::Contains("disconnected"));
  CHECK_FALSE(errors[1]);
  CHECK_FALSE(errors[2]);
}

TEST_CASE("TcpNetwork: a silent peer is reported after the receive timeout", "[net][tcp]") {
  const Transport transport = GENERATE(Transport::tls, Transport::plain_insecure);
  INFO(name(transport));
  auto cluster = test::make_tcp_cluster(2, transport, 20s, 300ms);
  std::atomic<bool> done{false};
  struct SetOnExit {
    explicit SetOnExit(std::atomic<bool>& f) : flag(f) {}
    SetOnExit(const SetOnExit&) = delete;
    SetOnExit& operator=(const SetOnExit&) = delete;
    ~SetOnExit() { flag = true; }
    std::atomic<bool>& flag;
  };
  const auto errors = test::run_parties_collect(2, [&](std::size_t i) {
    std::optional<SetOnExit> release;
    if (i == 0) release.emplace(done);
    auto net = cluster.connect(i);
    if (i == 1) {
      while (!done) std::this_thread::sleep_for(10ms);  // connected, but says nothing
      return;
    }
    const auto start = std::chrono::steady_clock::now();
    try {
      (void)net->receive(1, 16);
    } catch (const NetworkError&) {
      const auto waited = std::chrono::steady_clock::now() - start;
      test::expect(waited >= 250ms && waited < 3s, "timeout not honoured");
      throw;
    }
  });
  REQUIRE(errors[0]);
  CHECK(blamed(errors[0]) == std::optional<std::size_t>(1));
  CHECK_THAT(message_of<NetworkError>(errors[0]), Catch::Contains("receive timeout"));
}

TEST_CASE("Oversized and lying messages over TCP", "[net][tcp]") {
  auto cluster = test::make_tcp_cluster(2, Transport::tls, 20s, 2s);
  cluster.config.max_message_size = 1 << 20;
  const auto errors = test::run_parties_collect(2, [&](std::size_t i) {
    auto net = cluster.connect(i);
    test::expect(net->max_message_size() == (1 << 20), "max_message_size from the config");
    if (i == 1) {
      net->set_max_message_size(2 << 20);
      net->send_message(0, Bytes((1 << 20) + 1));  // refused by the receiver
      net->flush();
      // Then a prefix that promises 1 MiB, 10 bytes, and goodbye.
      std::array<std::byte, 8> prefix{};
      prefix[2] = std::byte{0x10};
      net->send(0, ByteView(prefix));
      net->send(0, Bytes(10));
      (void)net->receive(0, 1);  // wait until party 0 has checked the first one
      net->close();
      return;
    }
    try {
      (void)net->receive_message(1);
      throw std::runtime_error("an oversized message was accepted");
    } catch (const DecodeError& e) {
      test::expect(std::string(e.what()).find("exceeds the maximum") != std::string::npos, e.what());
    }
    // The oversized payload is still in the stream: a real protocol aborts
    // here; the test skips it to reach the lying prefix.
    (void)net->receive(1, (1 << 20) + 1);
    net->send(1, Bytes(1));
    (void)net->receive_message(1);
  });
  REQUIRE(errors[0]);
  CHECK(blamed(errors[0]) == std::optional<std::size_t>(1));
  CHECK_FALSE(errors[1]);
}

TEST_CASE("Bad configurations are rejected before any connection", "[net][tcp]") {
  auto cluster = test::make_tcp_cluster(3, Transport::tls);
  SECTION("own id out of range") { REQUIRE_THROWS_AS(net::TcpNetwork::connect(cluster.config, 3), InvalidArgument); }
  SECTION("unreadable private key") {
    cluster.config.parties[1].private_key = "/nonexistent/party1.key";
    try {
      (void)net::TcpNetwork::connect(cluster.config, 1, std::move(cluster.listeners[1]));
      FAIL("connected with a missing key");
    } catch (const InvalidArgument& e) {
      CHECK_THAT(e.what(), Catch::Contains("/nonexistent/party1.key"));
    }
  }
  SECTION("unreadable peer certificate") {
    cluster.config.parties[2].certificate = "/nonexistent/party2.crt";
    try {
      (void)net::TcpNetwork::connect(cluster.config, 0, std::move(cluster.listeners[0]));
      FAIL("connected with a missing certificate");
    } catch (const InvalidArgument& e) {
      CHECK_THAT(e.what(), Catch::Contains("party 2") && Catch::Contains("/nonexistent/party2.crt"));
    }
  }
  SECTION("key that does not belong to the certificate") {
    cluster.config.parties[0].private_key = test::credentials().parties[4].private_key;
    REQUIRE_THROWS_AS(net::TcpNetwork::connect(cluster.config, 0, std::move(cluster.listeners[0])),
                      InvalidArgument);
  }
  SECTION("duplicate ports") {
    cluster.config.parties[2].port = cluster.config.parties[1].port;
    REQUIRE_THROWS_AS(net::TcpNetwork::connect(cluster.config, 0), InvalidArgument);
  }
  SECTION("party id out of range") {
    cluster.config.parties[2].id = 3;
    REQUIRE_THROWS_AS(net::TcpNetwork::connect(cluster.config, 0), InvalidArgument);
  }
}

TEST_CASE("TcpListener binds ephemeral ports and adopts descriptors", "[net][tcp]") {
  auto a = net::TcpListener::bind("127.0.0.1", 0);
  REQUIRE(a.valid());
  REQUIRE(a.port() != 0);
  const std::uint16_t port = a.port();
  auto b = net::TcpListener::adopt(a.release());
  REQUIRE(b.port() == port);
  REQUIRE_THROWS_AS(net::TcpListener::bind("127.0.0.1", port), NetworkError);
  REQUIRE_THROWS_AS(net::TcpListener::adopt(-1), InvalidArgument);
}

TEST_CASE("With a CA bundle configured, peers' chains must verify as well", "[net][tcp]") {
  const auto& creds = test::credentials();
  test::TempDir dir;
  const auto bundle = [&](const std::string& name, std::vector<std::size_t> parties) {
    const auto path = dir.path() / name;
    std::ofstream out(path, std::ios::binary);
    for (const auto p : parties) {
      std::ifstream in(creds.parties[p].certificate, std::ios::binary);
      out << in.rdbuf();
    }
    return path;
  };
  SECTION("every party's (self-signed) certificate is a trust anchor: connects") {
    auto cluster = test::make_tcp_cluster(3, Transport::tls);
    cluster.config.ca_certificate = bundle("all.pem", {0, 1, 2});
    REQUIRE_NOTHROW(test::run_parties(3, [&](std::size_t i) {
      auto net = cluster.connect(i);
      test::exercise(*net);
    }));
  }
  SECTION("party 1's certificate is pinned but not trusted: its handshake fails") {
    auto cluster = test::make_tcp_cluster(2, Transport::tls, 3s);
    cluster.config.ca_certificate = bundle("without1.pem", {0, 2});
    const auto errors = test::run_parties_collect(2, [&](std::size_t i) { (void)cluster.connect(i); });
    REQUIRE(errors[0]);
    REQUIRE(errors[1]);
    CHECK(blamed(errors[0]) == std::optional<std::size_t>(1));
    CHECK(blamed(errors[1]) == std::optional<std::size_t>(0));
  }
  SECTION("an unreadable CA bundle is a configuration error") {
    auto cluster = test::make_tcp_cluster(2, Transport::tls);
    cluster.config.ca_certificate = dir.path() / "missing.pem";
    REQUIRE_THROWS_AS(cluster.connect(0), InvalidArgument);
  }
}

TEST_CASE("Stray connections to a listening party are dropped, not fatal", "[net][tcp]") {
  auto cluster = test::make_tcp_cluster(2, Transport::tls);
  // Before the parties start, something else connects and sends 32 bytes of
  // garbage; party 0 accepts it first.
  const int stray = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(stray >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(cluster.config.parties[0].port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(stray, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
  const std::string garbage = "GET / HTTP/1.0\r\nHost: x\r\n\r\n.....";
  REQUIRE(::write(stray, garbage.data(), garbage.size()) == static_cast<ssize_t>(garbage.size()));
  REQUIRE_NOTHROW(test::run_parties(2, [&](std::size_t i) {
    auto net = cluster.connect(i);
    test::exercise(*net);
  }));
  ::close(stray);
}

namespace {

// A raw TCP connection to 127.0.0.1:port, as a stranger without
// credentials would open; closed by the destructor.
struct StrangerConnection {
  explicit StrangerConnection(std::uint16_t port) : fd(::socket(AF_INET, SOCK_STREAM, 0)) {
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~StrangerConnection() { ::close(fd); }
  StrangerConnection(const StrangerConnection&) = delete;
  StrangerConnection& operator=(const StrangerConnection&) = delete;
  void send(const std::vector<std::uint8_t>& bytes) const {
    REQUIRE(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size()));
  }
  int fd;
};

// The 21-byte hello of `sender` to `receiver` (docs/networking.md).
std::vector<std::uint8_t> hello_bytes(std::uint32_t sender, std::uint32_t receiver, std::uint32_t count, bool tls) {
  std::vector<std::uint8_t> out = {'P', 'R', 'I', 'V', 'F', 'I', 'N', '1'};
  for (const std::uint32_t v : {sender, receiver, count}) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  out.push_back(tls ? 1 : 0);
  return out;
}

}  // namespace

TEST_CASE("Strangers' connections neither fail nor delay the set-up", "[net][tcp]") {
  // Found by attacking the library: the acceptor served connections one at
  // a time and gave each silent one 5 s, so six silent connections made a
  // 3-party set-up with a 20 s deadline fail, blaming honest party 1.
  auto cluster = test::make_tcp_cluster(3, Transport::tls, 20s);
  const auto port0 = cluster.config.parties[0].port;
  const auto port1 = cluster.config.parties[1].port;
  std::vector<std::unique_ptr<StrangerConnection>> strangers;
  SECTION("silent connections") {
    for (int i = 0; i < 6; ++i) strangers.push_back(std::make_unique<StrangerConnection>(port0));
    for (int i = 0; i < 3; ++i) strangers.push_back(std::make_unique<StrangerConnection>(port1));
  }
  SECTION("a valid hello for party 1 and then nothing (holds no TLS handshake hostage)") {
    strangers.push_back(std::make_unique<StrangerConnection>(port0));
    strangers.back()->send(hello_bytes(1, 0, 3, true));
    strangers.push_back(std::make_unique<StrangerConnection>(port0));
    strangers.back()->send(hello_bytes(2, 0, 3, true));
  }
  SECTION("more strangers than the acceptor serves at once") {
    for (int i = 0; i < 80; ++i) strangers.push_back(std::make_unique<StrangerConnection>(port0));
  }
  const auto start = std::chrono::steady_clock::now();
  REQUIRE_NOTHROW(test::run_parties(3, [&](std::size_t i) {
    auto net = cluster.connect(i);
    test::exercise(*net);
  }));
  CHECK(std::chrono::steady_clock::now() - start < 5s);
}

TEST_CASE("A connector whose connection is dropped before the hello tries again", "[net][tcp]") {
  // An acceptor flooded by strangers drops its oldest unauthenticated
  // connections, an honest one among them at worst; the honest connector
  // then reconnects instead of failing. Here party 0's listening socket
  // first accepts party 1's connection and closes it unanswered.
  auto cluster = test::make_tcp_cluster(2, Transport::tls, 20s);
  const int listening = cluster.listeners[0].native_handle();
  const auto errors = test::run_parties_collect(2, [&](std::size_t i) {
    if (i == 0) {
      // Party 0 starts only after its socket dropped party 1's first try.
      pollfd pfd{listening, POLLIN, 0};
      if (::poll(&pfd, 1, 10'000) == 1) {
        const int fd = ::accept(listening, nullptr, nullptr);
        if (fd >= 0) ::close(fd);
      }
    }
    auto net = cluster.connect(i);
    test::exercise(*net);
  });
  if (errors[1]) FAIL("party 1 did not reconnect: " << message_of<NetworkError>(errors[1]));
  if (errors[0]) FAIL("party 0: " << message_of<NetworkError>(errors[0]));
}

TEST_CASE("Unauthenticated connections are bounded in number and in time", "[net][tcp]") {
  // Party 0 waits for party 1, who never comes, while 70 silent strangers
  // are connected: the 6 oldest are dropped at once (at most 64 in the
  // unauthenticated phase), the others when their 10 s bound ends.
  auto cluster = test::make_tcp_cluster(2, Transport::tls, 15s);
  std::vector<std::unique_ptr<StrangerConnection>> strangers;
  for (int i = 0; i < 70; ++i) strangers.push_back(std::make_unique<StrangerConnection>(cluster.config.parties[0].port));
  // Seconds from `start` until the acceptor closes the stranger's connection.
  const auto start = std::chrono::steady_clock::now();
  const auto closed_after = [&](const StrangerConnection& c) {
    pollfd pfd{c.fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, 17'000);
    char byte = 0;
    const bool eof = ready == 1 && ::recv(c.fd, &byte, 1, 0) <= 0;
    return eof ? std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() : -1.0;
  };
  std::exception_ptr error;
  std::thread party0([&] {
    try {
      (void)cluster.connect(0);
    } catch (...) {
      error = std::current_exception();
    }
  });
  std::vector<double> dropped;
  for (const auto& c : strangers) dropped.push_back(closed_after(*c));
  party0.join();
  REQUIRE(error);  // party 1 never came
  for (std::size_t i = 0; i < 6; ++i) {
    INFO("stranger " << i);
    CHECK(dropped[i] >= 0);
    CHECK(dropped[i] < 5);
  }
  for (std::size_t i = 6; i < 70; ++i) {
    INFO("stranger " << i);
    CHECK(dropped[i] >= 9);
    CHECK(dropped[i] < 14);  // before the 15 s deadline drops the rest
  }
}

TEST_CASE("A missing party is named with what its impostor did", "[net][tcp]") {
  // Party 1 never comes; a stranger claims to be it, cannot complete the
  // TLS handshake, and the error at the deadline names party 1 and quotes
  // the failed attempt.
  auto cluster = test::make_tcp_cluster(2, Transport::tls, 1500ms);
  StrangerConnection stranger(cluster.config.parties[0].port);
  stranger.send(hello_bytes(1, 0, 2, true));
  const std::vector<std::uint8_t> not_a_client_hello(64, 0x16);
  stranger.send(not_a_client_hello);
  try {
    (void)cluster.connect(0);
    FAIL("a party that never connected was not reported");
  } catch (const NetworkError& e) {
    REQUIRE(e.party() == std::optional<std::size_t>(1));
    CHECK_THAT(e.what(), Catch::Contains("did not connect") && Catch::Contains("claiming to be party 1") &&
                             Catch::Contains("127.0.0.1"));
  }
}

namespace {

// A TCP relay on 127.0.0.1 between a connector and the real listener that
// flips one bit of the connector's stream once `tamper` is set: a
// man-in-the-middle who can alter bytes but holds no keys. Every wait is
// bounded; the relay stops when either side closes or after `lifetime`.
class TamperingRelay {
 public:
  TamperingRelay(std::uint16_t target_port, std::chrono::milliseconds lifetime)
      : listener_(net::TcpListener::bind("127.0.0.1", 0)), target_(target_port) {
    thread_ = std::thread([this, lifetime] { run(lifetime); });
  }
  ~TamperingRelay() { thread_.join(); }
  TamperingRelay(const TamperingRelay&) = delete;
  TamperingRelay& operator=(const TamperingRelay&) = delete;

  std::uint16_t port() const { return listener_.port(); }
  std::atomic<bool> tamper{false};
  std::atomic<bool> tampered{false};

 private:
  void run(std::chrono::milliseconds lifetime) {
    const auto deadline = std::chrono::steady_clock::now() + lifetime;
    pollfd wait{listener_.native_handle(), POLLIN, 0};
    if (::poll(&wait, 1, static_cast<int>(lifetime.count())) != 1) return;
    const int from = ::accept(listener_.native_handle(), nullptr, nullptr);
    if (from < 0) return;
    const int to = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(target_);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(to, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
      std::array<pollfd, 2> fds{pollfd{from, POLLIN, 0}, pollfd{to, POLLIN, 0}};
      std::vector<unsigned char> buffer(1 << 16);
      bool open = true;
      while (open && std::chrono::steady_clock::now() < deadline) {
        if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
        for (std::size_t k = 0; k < 2 && open; ++k) {
          if ((fds[k].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
          const ssize_t n = ::read(fds[k].fd, buffer.data(), buffer.size());
          if (n <= 0) {
            open = false;
            break;
          }
          if (k == 0 && tamper && !tampered) {
            buffer[static_cast<std::size_t>(n) / 2] ^= 0x10;
            tampered = true;
          }
          for (ssize_t done = 0; done < n;) {
            // MSG_NOSIGNAL: a side that closed (the receiver that caught the
            // tampering) must end the relay, not kill the test with SIGPIPE.
            const ssize_t w =
                ::send(fds[1 - k].fd, buffer.data() + done, static_cast<std::size_t>(n - done), MSG_NOSIGNAL);
            if (w <= 0) {
              open = false;
              break;
            }
            done += w;
          }
        }
      }
    }
    ::close(to);
    ::close(from);
  }

  net::TcpListener listener_;
  std::uint16_t target_;
  std::thread thread_;
};

}  // namespace

TEST_CASE("TcpNetwork over TLS: data altered in transit is detected and the sender named", "[net][tcp]") {
  auto cluster = test::make_tcp_cluster(2, Transport::tls, 20s, 5s);
  TamperingRelay relay(cluster.config.parties[0].port, 20s);
  net::PartyConfig via_relay = cluster.config;  // party 1 reaches party 0 through the relay
  via_relay.parties[0].port = relay.port();
  Bytes message(200'000);
  for (std::size_t i = 0; i < message.size(); ++i) message[i] = static_cast<std::byte>(i % 251);
  const auto errors = test::run_parties_collect(2, [&](std::size_t i) {
    if (i == 1) {
      auto net = net::TcpNetwork::connect(via_relay, 1, std::move(cluster.listeners[1]));
      net->send(0, message);  // untouched: the handshake and this message pass
      net->flush();
      Bytes ack(1);
      net->receive(0, ack);
      relay.tamper = true;
      net->send(0, message);
      net->flush();
      try {
        (void)net->receive(0, 1);  // party 0 drops the connection instead of answering
      } catch (const NetworkError&) {
      }
      return;
    }
    auto net = cluster.connect(0);
    Bytes got(message.size());
    net->receive(1, got);
    test::expect(got == message, "the untampered message arrived changed");
    net->send(1, Bytes(1, std::byte{1}));
    net->flush();
    net->receive(1, got);  // must throw: a record fails authentication
  });
  CHECK(relay.tampered);
  REQUIRE(errors[0]);
  CHECK(blamed(errors[0]) == std::optional<std::size_t>(1));
  // Usually "a record failed authentication"; "malformed record header" if
  // the flipped bit happens to fall into a record header.
  CHECK_THAT(message_of<NetworkError>(errors[0]), Catch::Contains("TLS error"));
  CHECK_FALSE(errors[1]);
}

TEST_CASE("TcpNetwork over TLS updates its keys every N records, both ways, data intact", "[net][tcp]") {
  auto cluster = test::make_tcp_cluster(2, Transport::tls);
  cluster.config.tls_key_update_records = 3;  // a KeyUpdate every 3 records (48 KiB)
  Bytes message(1 << 20);
  for (std::size_t i = 0; i < message.size(); ++i) message[i] = static_cast<std::byte>((i * 131) >> 3);
  test::run_parties(2, [&](std::size_t i) {
    auto net = cluster.connect(i);
    const std::size_t peer = 1 - i;
    for (int round = 0; round < 3; ++round) {
      net->send(peer, message);
      net->send(peer, Bytes(100, std::byte{static_cast<unsigned char>(round)}));  // small sends, gathered
      Bytes got(message.size());
      net->receive(peer, got);
      test::expect(got == message, "the large message arrived changed");
      Bytes small(100);
      net->receive(peer, small);
      test::expect(small == Bytes(100, std::byte{static_cast<unsigned char>(round)}), "the small message changed");
    }
  });
}
