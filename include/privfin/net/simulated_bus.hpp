// privfin/net/simulated_bus.hpp — n message bus endpoints (message_bus.hpp)
// in memory, moved by the caller's virtual time: deterministic, no threads,
// no clock. For simulators and tests that must run the same code as a node
// on TcpMessageBus.
//
//   SimulatedBusNetwork sim(4, std::chrono::milliseconds(5));
//   (void)sim.endpoint(0).send(1, message);       // sent at sim.now()
//   sim.advance_to(sim.now() + std::chrono::milliseconds(5));
//   auto in = sim.endpoint(1).receive({});       // {from 0, message}
//   sim.set_party_up(2, false);                  // party 2 is down
//
// Model: a message sent over a usable link (both parties up, that
// direction not cut) arrives `latency` later; over an unusable one it waits
// in the sender's queue for that peer, with the same bounds and policy as
// TcpMessageBus (detail/outgoing_queue.hpp), and leaves when the link is
// usable again (counted as a reconnect). A message in flight when its link
// becomes unusable is lost (counted in `dropped`), like one written into a
// connection that breaks. Deliveries at the same instant keep the order in
// which they were sent. receive() never waits: it returns what has arrived
// by now(). connected(peer) means both directions are usable.
//
// Costs: n^2 queues; a send is O(log m) for m messages in flight; a change
// of a party or link walks every link once (O(n^2)).
//
// Throws InvalidArgument for a party out of range or time moving back.
// Thread-safe (one lock), but determinism needs one driving thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>

#include "privfin/net/message_bus.hpp"

namespace privfin::net {

class SimulatedBusNetwork {
 public:
  using TimePoint = std::chrono::nanoseconds;  // virtual time since the start

  SimulatedBusNetwork(std::size_t parties, std::chrono::nanoseconds latency, BusOptions options = {});
  SimulatedBusNetwork(const SimulatedBusNetwork&) = delete;
  SimulatedBusNetwork& operator=(const SimulatedBusNetwork&) = delete;
  ~SimulatedBusNetwork();

  [[nodiscard]] MessageBus& endpoint(std::size_t party);
  [[nodiscard]] std::size_t party_count() const noexcept;
  [[nodiscard]] TimePoint now() const;
  // Delivers every message due by `t`, in arrival order, and sets now() = t.
  void advance_to(TimePoint t);
  // When the next message in flight arrives (nullopt: none in flight).
  [[nodiscard]] std::optional<TimePoint> next_delivery() const;
  // A party that is down neither sends nor receives; its queues keep filling.
  void set_party_up(std::size_t party, bool up);
  // Cuts or restores one direction of one link.
  void set_link_up(std::size_t from, std::size_t to, bool up);

  struct State;

 private:
  std::unique_ptr<State> state_;
};

}  // namespace privfin::net
