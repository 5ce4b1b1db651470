// privfin/net/tcp_message_bus.hpp — the message bus (message_bus.hpp) over
// TCP between the parties of a PartyConfig, by default with TLS 1.3, mutual
// authentication and pinned certificates, exactly as TcpNetwork.
//
//   PartyConfig config = PartyConfig::load("cluster.json");
//   auto bus = TcpMessageBus::start(config, my_id);     // returns at once
//   (void)bus->send(peer, message);
//   while (auto in = bus->receive(std::chrono::milliseconds(100))) ...
//   bus->close();
//
// Connections: party i dials every party j < i and accepts every j > i, as
// TcpNetwork, but start() does not wait for anyone: peers may come up in
// any order and at any time. A dialer that cannot connect, or whose
// connection breaks, tries again after a back-off of 10 ms doubling to
// BusOptions::max_backoff, for as long as the bus runs; a party that
// restarts simply dials (or is dialled) again, and the newer authenticated
// connection from a peer replaces an older one. Every connection opens with
// a hello ("PRIVBUS1": sender, receiver, party count, transport; a
// TcpNetwork's hello is refused), then the TLS handshake with pinning, then
// the acceptor's confirmation, all bounded by BusOptions::setup_timeout; a
// stranger's or a wrong certificate's connection is dropped and its reason
// kept in last_error(peer). Messages then travel as bus frames
// (bus_frame.hpp) inside TLS records.
//
// Inside: one I/O thread runs every connection (Asio); send() only queues
// under a lock, so a peer that is down or slow never delays sends to the
// others. close() (and the destructor) stops the thread and closes every
// connection; queued messages are discarded (flush() first to wait for
// them).
//
// Costs: one thread; per connection a 512 KiB ciphertext buffer and a
// 64 KiB plaintext buffer; messages are written in batches of about
// 256 KiB (one copy into frames, one encryption). On loopback a 250-byte
// message over TLS goes one way at about 1.5 million per second in bursts
// and makes a round trip in about 0.2 ms (benchmarks/bench_net.cpp).
//
// Throws from start(): InvalidArgument for a bad configuration, own id out
// of range or unreadable/mismatched certificate and key files; NetworkError
// naming this party when its address cannot be bound. Afterwards nothing
// throws for a peer's misbehaviour: the connection is dropped, last_error()
// says why, and the peer may connect again. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>

#include "privfin/net/message_bus.hpp"
#include "privfin/net/party_config.hpp"
#include "privfin/net/tcp_network.hpp"

namespace privfin::net {

class TcpMessageBus final : public MessageBus {
 public:
  // `listener`: a socket bound beforehand (e.g. on port 0); by default the
  // configured address is bound. A party with no higher-numbered peer binds
  // nothing.
  [[nodiscard]] static std::unique_ptr<TcpMessageBus> start(const PartyConfig& config, std::size_t self,
                                                            BusOptions options = {}, TcpListener listener = {});
  ~TcpMessageBus() override;

  [[nodiscard]] SendStatus send(std::size_t peer, Bytes message) override;
  [[nodiscard]] SendStatus send_keyed(std::size_t peer, std::uint64_t key, Bytes message) override;
  [[nodiscard]] std::optional<Incoming> receive(std::chrono::microseconds timeout) override;
  void wake() override;
  [[nodiscard]] BusCounters counters(std::size_t peer) const override;
  [[nodiscard]] std::string last_error(std::size_t peer) const override;
  void close() override;

  // Waits until every queue is empty and written, up to `timeout`; false
  // at the deadline (e.g. a peer is down).
  [[nodiscard]] bool flush(std::chrono::milliseconds timeout);
  // Waits until a connection to `peer` is up, up to `timeout`.
  [[nodiscard]] bool wait_connected(std::size_t peer, std::chrono::milliseconds timeout) const;

  struct Impl;

 private:
  TcpMessageBus(std::size_t self, std::size_t count, std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace privfin::net
