// privfin/net/tcp_relay.hpp — a TCP relay with a switch, for fault
// injection: it stands between two parties (listens on one address and
// forwards every connection, byte for byte, to another) and can cut their
// link, the way a broken network or a firewall would, without either party
// knowing. Tests and example 04 use it to disconnect a node from its peers;
// it carries TLS records unread (it holds no key).
//
//   TcpRelay relay("127.0.0.1", 0, "127.0.0.1", node_port);   // starts at once
//   peer_config.parties[k].port = relay.port();                // peers dial the relay
//   relay.cut();       // every relayed connection is closed; new ones are accepted, then closed
//   relay.restore();   // connections are relayed again
//
// Costs: one thread and one poll() loop per relay; 256 KiB of buffer per
// connection and direction at most (a side that does not read is not read
// from further: TCP pushes back). Throws from the constructor: NetworkError
// naming the address when it cannot be bound. Afterwards nothing throws: a
// target that cannot be reached closes the incoming connection (counted
// in refused()). Thread-safe. Loopback and test use; it is not a proxy for
// production traffic.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace privfin::net {

class TcpRelay {
 public:
  TcpRelay(const std::string& listen_host, std::uint16_t listen_port, std::string target_host,
           std::uint16_t target_port);
  ~TcpRelay();
  TcpRelay(const TcpRelay&) = delete;
  TcpRelay& operator=(const TcpRelay&) = delete;

  // The port it listens on (the one chosen when 0 was asked for).
  [[nodiscard]] std::uint16_t port() const noexcept;
  // Closes every relayed connection and closes new ones as they come, until restore().
  void cut();
  void restore();
  [[nodiscard]] bool is_cut() const noexcept;
  // Connections relayed so far, and those closed at once (cut, or the
  // target unreachable).
  [[nodiscard]] std::uint64_t relayed() const noexcept;
  [[nodiscard]] std::uint64_t refused() const noexcept;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace privfin::net
