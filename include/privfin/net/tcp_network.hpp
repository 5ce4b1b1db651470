// privfin/net/tcp_network.hpp — the parties of a PartyConfig connected over
// TCP, by default with TLS 1.3 and mutual authentication.
//
//   PartyConfig config = PartyConfig::load("cluster.json");
//   std::unique_ptr<TcpNetwork> net = TcpNetwork::connect(config, my_id);
//   net->send_message(peer, data); ...
//
// Set-up: party i listens on its configured address (or on a TcpListener
// the caller bound beforehand, e.g. on port 0), connects to every party j < i
// and accepts every party j > i. A connector retries with exponential
// back-off (10 ms doubling to 1 s) until config.connect_timeout has passed,
// so the parties may start in any order. On each connection the connector
// states (sender id, receiver id, party count, transport) in a 21-byte hello,
// the acceptor answers with its own, then with Transport::tls both run a TLS
// 1.3 handshake in which each side presents its certificate and checks that
// the peer's public key equals the one in the certificate configured for the
// party it expects (pinning; no CA needed; with config.ca_certificate the
// chain must also verify). Finally the acceptor confirms inside the channel,
// so both sides know the handshake was accepted before any data flows.
// Sockets use TCP_NODELAY and config.socket_buffer_size buffers. Accepted
// connections run that unauthenticated phase concurrently, each bounded by
// 10 s: a stranger's silent, garbled or falsely claimed connection is
// dropped and never ends or delays the set-up (docs/networking.md).
//
// Transport::plain_insecure skips TLS: nothing is authenticated or
// encrypted. It exists for benchmarks on a trusted link and must be chosen
// explicitly in the configuration.
//
// The network does its I/O on the calling thread (no background threads):
// queued data is written during flush() and while the party waits in
// receive(). close() (and the destructor) writes what is still queued, for
// at most receive_timeout(), then closes the connections.
//
// Started by a launcher (service::launch, privfin-launch), the network also
// watches the launcher's notice channel while it waits: when a party exits
// with a non-zero status or is killed, connect() and any receive in progress
// throw PeerAborted ("party 1: aborted (exit status 2)") within
// milliseconds, instead of running into connect_timeout or receive_timeout;
// a peer's disconnect is reported as its abort when the notice follows
// within a second (net/abort_notice.hpp). Without a launcher nothing changes.
//
// Throws from connect(): InvalidArgument for a bad configuration, own id out
// of range or unreadable/mismatched certificate or key files; NetworkError
// naming this party when its address cannot be bound ("address already in
// use; is another process running as party 1?"); PeerAborted; NetworkError
// naming the peer when it is not reachable by the deadline, presents the
// wrong certificate, or answers with a wrong hello (on the accepting side,
// which cannot tell such a peer from a stranger until it authenticates, at
// the deadline, quoting what went wrong). Afterwards: see
// network.hpp. Thread safety: one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "privfin/net/abort_notice.hpp"
#include "privfin/net/network.hpp"
#include "privfin/net/party_config.hpp"

namespace privfin::net {

// A bound, listening TCP socket, so that a party can learn its port (bind to
// port 0) or inherit the socket from a parent process before connecting.
class TcpListener {
 public:
  TcpListener() = default;
  // Throws NetworkError if the address cannot be bound.
  [[nodiscard]] static TcpListener bind(const std::string& host, std::uint16_t port);
  // Takes ownership of a listening socket descriptor.
  [[nodiscard]] static TcpListener adopt(int fd);

  TcpListener(TcpListener&& other) noexcept;
  TcpListener& operator=(TcpListener&& other) noexcept;
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;
  ~TcpListener();

  [[nodiscard]] bool valid() const noexcept { return fd_ >= 0; }
  [[nodiscard]] std::uint16_t port() const;
  [[nodiscard]] int native_handle() const noexcept { return fd_; }
  // Gives up ownership; the caller closes the descriptor.
  [[nodiscard]] int release() noexcept;

 private:
  explicit TcpListener(int fd) noexcept : fd_(fd) {}
  int fd_ = -1;
};

class TcpNetwork final : public Network {
 public:
  // The default for connect()'s abort_channel: the socket named by the
  // environment variable PRIVFIN_ABORT_FD, when a launcher set it.
  static constexpr int abort_channel_from_environment = -2;

  // `abort_channel`: a stream socket on which a launcher sends AbortNotices
  // (net/abort_notice.hpp); -1 for none. The network reads a duplicate of
  // it while it waits; the caller keeps its own descriptor.
  [[nodiscard]] static std::unique_ptr<TcpNetwork> connect(const PartyConfig& config, std::size_t self,
                                                           TcpListener listener = {},
                                                           int abort_channel = abort_channel_from_environment);
  ~TcpNetwork() override;

  [[nodiscard]] Transport transport() const noexcept;
  // Writes what is queued (bounded by receive_timeout()) and closes every
  // connection. Throws NetworkError naming a peer whose queued data could
  // not be written.
  void close();

  struct Impl;

 protected:
  void do_send(std::size_t peer, ByteView data) override;
  void do_send_owned(std::size_t peer, Bytes&& data) override;
  void do_flush() override;
  void do_receive(std::size_t peer, std::span<std::byte> out) override;

 private:
  TcpNetwork(std::size_t self, std::size_t count, std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace privfin::net
