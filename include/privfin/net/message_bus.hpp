// privfin/net/message_bus.hpp — the asynchronous message bus for consensus:
// send to a peer without waiting, receive from whichever peer spoke, with
// bounded per-peer queues, replace-by-key for gossip and per-peer counters.
// Two implementations share this interface: TcpMessageBus (tcp_message_bus.hpp,
// pinned mutual TLS, reconnects) and SimulatedBusNetwork's endpoints
// (simulated_bus.hpp, in memory, driven by the caller's virtual time).
//
//   MessageBus& bus = ...;
//   if (bus.send(2, encoded) == SendStatus::refused) { /* queue full: retry later */ }
//   (void)bus.send_keyed(3, vote_key, latest_vote);      // replaces a queued one
//   if (auto in = bus.receive(std::chrono::milliseconds(50))) handle(in->from, in->message);
//
// Versus net::Network: Network is lockstep and fail-fast (MPC: every party
// waits for a given peer, any failure ends the protocol). The bus never
// waits for a peer and survives peers that are down for hours; in exchange
// it promises less (below).
//
// Guarantees: messages from one sender arrive in the order sent, each at
// most once, intact and authenticated (TLS). Messages queued for a peer wait
// while it is down (within the queue's bounds) and go out once it is back;
// those already handed to a connection that then breaks may be lost
// (counted in `dropped`). Nothing is retransmitted: protocols that need a
// message re-send it (consensus engines re-broadcast).
//
// Full queue policy (per peer, BusOptions::max_queued_messages / _bytes):
// send() refuses (SendStatus::refused, counted) and never blocks;
// send_keyed() first replaces a queued message with the same key, else
// drops the oldest queued keyed messages (gossip: a newer value supersedes
// them) to make room, else refuses. A message larger than max_message_size
// is the caller's error (InvalidArgument).
//
// Costs: send() moves the message into the peer's queue (no copy) under a
// lock; the transport copies it once into a frame and encrypts it.
//
// Throws: InvalidArgument for a bad peer id (own id or >= party_count()) or
// an oversized message. receive() returns nullopt at the deadline or after
// close(). Thread safety: every member may be called from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "privfin/core/bytes.hpp"

namespace privfin::net {

struct BusOptions {
  // Largest message accepted from a peer or the caller; a peer announcing
  // more is dropped before anything is allocated for it.
  std::size_t max_message_size = std::size_t{16} << 20;
  // Per peer: what may wait to be sent.
  std::size_t max_queued_messages = 4096;
  std::size_t max_queued_bytes = std::size_t{64} << 20;
  // Received messages not yet taken by receive(), all peers together; above
  // it the bus stops reading sockets (TCP then pushes back on the senders).
  std::size_t max_inbound_bytes = std::size_t{64} << 20;
  // Reconnect back-off: 10 ms doubling up to this.
  std::chrono::milliseconds max_backoff{1000};
  // Bound on one connection's set-up (connect, hello, TLS handshake).
  std::chrono::milliseconds setup_timeout{10'000};
};

enum class SendStatus {
  queued,    // waiting in the peer's queue (or already written)
  replaced,  // took the place of a queued message with the same key
  refused,   // the peer's queue is full; nothing was queued
  closed,    // the bus is closed
};

[[nodiscard]] const char* to_string(SendStatus status) noexcept;

struct Incoming {
  std::size_t from = 0;  // the authenticated sender's party id
  Bytes message;
};

// Traffic with one peer since the bus started.
struct BusCounters {
  std::uint64_t messages_sent = 0;      // handed to the connection (written, TCP)
  std::uint64_t messages_received = 0;  // delivered to receive()'s queue
  std::uint64_t bytes_sent = 0;         // payload bytes of those
  std::uint64_t bytes_received = 0;
  std::uint64_t dropped = 0;            // queued, then discarded: drop-oldest, or lost with a broken connection
  std::uint64_t refused = 0;            // send()/send_keyed() calls refused: queue full
  std::uint64_t replaced = 0;           // queued messages replaced by a newer one with the same key
  std::uint64_t reconnects = 0;         // connections established after the first
  std::size_t queued_messages = 0;      // now waiting in the queue
  std::size_t queued_bytes = 0;
  bool connected = false;               // a connection is up now
};

class MessageBus {
 public:
  MessageBus(const MessageBus&) = delete;
  MessageBus& operator=(const MessageBus&) = delete;
  virtual ~MessageBus() = default;

  [[nodiscard]] std::size_t party_id() const noexcept { return id_; }
  [[nodiscard]] std::size_t party_count() const noexcept { return count_; }

  // Queues `message` for `peer` and returns at once.
  [[nodiscard]] virtual SendStatus send(std::size_t peer, Bytes message) = 0;
  // The same, replacing a queued message with the same key (gossip).
  [[nodiscard]] virtual SendStatus send_keyed(std::size_t peer, std::uint64_t key, Bytes message) = 0;
  // The next message from any peer, waiting up to `timeout` (the simulated
  // bus does not wait: its time moves only when the caller advances it).
  // Microseconds, so that a caller's timer is not rounded up to the next
  // millisecond (milliseconds convert).
  [[nodiscard]] virtual std::optional<Incoming> receive(std::chrono::microseconds timeout) = 0;
  // Makes a receive() that is waiting (or the next one) return at once,
  // with or without a message: for an owner whose loop also serves work
  // posted from other threads (node::Node::post). Thread-safe. The
  // simulated bus never waits, so the default does nothing.
  virtual void wake() {}
  [[nodiscard]] virtual BusCounters counters(std::size_t peer) const = 0;
  // Why the last connection to `peer` failed or was refused ("" if none).
  [[nodiscard]] virtual std::string last_error(std::size_t peer) const = 0;
  // Stops all traffic; queued messages are discarded. Idempotent.
  virtual void close() = 0;

  [[nodiscard]] bool connected(std::size_t peer) const { return counters(peer).connected; }
  // send() to every peer; returns how many refused.
  std::size_t broadcast(ByteView message);

 protected:
  MessageBus(std::size_t party_id, std::size_t party_count) : id_(party_id), count_(party_count) {}
  // InvalidArgument unless peer is another party.
  void check_peer(std::size_t peer, const char* where) const;

 private:
  std::size_t id_;
  std::size_t count_;
};

}  // namespace privfin::net
