// The relay carries a TLS message bus's connection unread; cut, the link
// is down (the bus sees its peer disconnected and nothing arrives);
// restored, the bus reconnects by itself and messages flow again.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <thread>

#include "net/net_test_support.hpp"
#include "privfin/core/error.hpp"
#include "privfin/net/tcp_message_bus.hpp"
#include "privfin/net/tcp_relay.hpp"

using namespace privfin;
using namespace std::chrono_literals;

namespace {

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// Sends one message from `from` to `to` and waits up to `limit` for it.
bool delivered(net::TcpMessageBus& from, net::TcpMessageBus& to, std::size_t peer, std::byte tag,
               std::chrono::milliseconds limit) {
  (void)from.send(peer, Bytes(300, tag));
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto in = to.receive(20ms); in && !in->message.empty() && in->message[0] == tag) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("tcp relay: carries a TLS bus link; cut, nothing passes; restored, the bus reconnects by itself",
          "[net][relay]") {
  auto cluster = test::make_tcp_cluster(2, net::Transport::tls);
  const std::uint16_t real_port = cluster.config.parties[0].port;
  net::TcpRelay relay("127.0.0.1", 0, "127.0.0.1", real_port);
  // Party 1 dials party 0 through the relay; party 0 listens where it always did.
  net::PartyConfig via_relay = cluster.config;
  via_relay.parties[0].port = relay.port();
  auto bus0 = net::TcpMessageBus::start(cluster.config, 0, {}, std::move(cluster.listeners[0]));
  auto bus1 = net::TcpMessageBus::start(via_relay, 1, {}, std::move(cluster.listeners[1]));
  REQUIRE(bus1->wait_connected(0, 10s));
  CHECK(delivered(*bus1, *bus0, 0, std::byte{1}, 5s));
  CHECK(delivered(*bus0, *bus1, 1, std::byte{2}, 5s));
  CHECK(relay.relayed() >= 1);

  relay.cut();
  CHECK(relay.is_cut());
  CHECK(eventually([&] { return !bus1->connected(0) && !bus0->connected(1); }, 5s));
  CHECK_FALSE(delivered(*bus1, *bus0, 0, std::byte{3}, 600ms));
  CHECK(eventually([&] { return relay.refused() >= 1; }, 5s));  // the dialer keeps trying, and is turned away

  relay.restore();
  CHECK(bus1->wait_connected(0, 10s));
  CHECK(delivered(*bus1, *bus0, 0, std::byte{4}, 5s));
  CHECK(delivered(*bus0, *bus1, 1, std::byte{5}, 5s));
  bus0->close();
  bus1->close();
}

TEST_CASE("tcp relay: an address that cannot be bound is a NetworkError; an unreachable target is refused",
          "[net][relay]") {
  net::TcpRelay first("127.0.0.1", 0, "127.0.0.1", 1);
  CHECK_THROWS_AS(net::TcpRelay("127.0.0.1", first.port(), "127.0.0.1", 1), NetworkError);
  // Port 1 on loopback has no listener: the relay closes the incoming connection.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(first.port());
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  char byte = 0;
  CHECK(::recv(fd, &byte, 1, 0) == 0);  // closed by the relay
  ::close(fd);
  CHECK(first.refused() == 1);
  CHECK(first.relayed() == 0);
}
