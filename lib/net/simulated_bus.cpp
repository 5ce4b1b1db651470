// The simulated message bus (simulated_bus.hpp): per directed link a
// bounded queue (the same OutgoingQueue as TcpMessageBus) and a list of
// messages in flight with their arrival times; one lock over everything.
#include "privfin/net/simulated_bus.hpp"

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/net/detail/outgoing_queue.hpp"

namespace privfin::net {

struct SimulatedBusNetwork::State {
  struct Link {
    Link(const BusOptions& o) : queue(o.max_queued_messages, o.max_queued_bytes) {}
    detail::OutgoingQueue queue;
    BusCounters counters;  // the sender's view of this peer (sent, dropped, ...)
    bool cut = false;
    bool was_usable = true;
  };
  struct InFlight {
    std::size_t from;
    std::size_t to;
    Bytes message;
  };

  State(std::size_t n, std::chrono::nanoseconds lat, const BusOptions& o) : parties(n), latency(lat), options(o), up(n, true) {
    for (std::size_t i = 0; i < n * n; ++i) links.emplace_back(o);
    inboxes.resize(n);
    received.resize(n * n);
  }

  Link& link(std::size_t from, std::size_t to) { return links[from * parties + to]; }
  bool usable(std::size_t from, std::size_t to) const {
    return up[from] && up[to] && !links[from * parties + to].cut;
  }

  void check_party(std::size_t party, const char* where) const {
    if (party >= parties) {
      throw InvalidArgument(std::string(where) + ": party " + std::to_string(party) + " is out of range for " +
                            std::to_string(parties) + " parties");
    }
  }

  // Moves what waits on every usable link into flight (after a party or
  // link changed).
  void release_queues() {
    for (std::size_t from = 0; from < parties; ++from) {
      for (std::size_t to = 0; to < parties; ++to) {
        if (from != to) release(from, to);
      }
    }
  }

  // One link: notes a change of usability, and sends what waits if usable.
  void release(std::size_t from, std::size_t to) {
    Link& l = link(from, to);
    const bool now_usable = usable(from, to);
    if (now_usable && !l.was_usable) ++l.counters.reconnects;
    if (!now_usable && l.was_usable) lose_in_flight(from, to);
    l.was_usable = now_usable;
    if (!now_usable) return;
    while (auto m = l.queue.pop()) {
      ++l.counters.messages_sent;
      l.counters.bytes_sent += m->size();
      flight.emplace(std::make_tuple(now + latency, sequence++), InFlight{from, to, std::move(*m)});
    }
  }

  void lose_in_flight(std::size_t from, std::size_t to) {
    for (auto it = flight.begin(); it != flight.end();) {
      if (it->second.from == from && it->second.to == to) {
        ++link(from, to).counters.dropped;
        it = flight.erase(it);
      } else {
        ++it;
      }
    }
  }

  std::size_t parties;
  std::chrono::nanoseconds latency;
  BusOptions options;
  std::vector<bool> up;
  std::deque<Link> links;  // [from * parties + to]
  std::map<std::tuple<TimePoint, std::uint64_t>, InFlight> flight;
  std::uint64_t sequence = 0;
  std::vector<std::deque<Incoming>> inboxes;
  std::vector<BusCounters> received;  // [to * parties + from]: the receiver's counts
  TimePoint now{0};
  std::vector<std::unique_ptr<MessageBus>> endpoints;
  mutable std::mutex mutex;
};

namespace {

class SimulatedBus final : public MessageBus {
 public:
  SimulatedBus(SimulatedBusNetwork::State& state, std::size_t id) : MessageBus(id, state.parties), s_(state) {}

  SendStatus send(std::size_t peer, Bytes message) override {
    check_peer(peer, "MessageBus::send");
    return enqueue(peer, std::move(message), std::nullopt);
  }
  SendStatus send_keyed(std::size_t peer, std::uint64_t key, Bytes message) override {
    check_peer(peer, "MessageBus::send_keyed");
    return enqueue(peer, std::move(message), key);
  }
  std::optional<Incoming> receive(std::chrono::microseconds) override {
    std::lock_guard lock(s_.mutex);
    auto& inbox = s_.inboxes[party_id()];
    if (closed_ || inbox.empty()) return std::nullopt;
    Incoming in = std::move(inbox.front());
    inbox.pop_front();
    return in;
  }
  BusCounters counters(std::size_t peer) const override {
    check_peer(peer, "MessageBus::counters");
    std::lock_guard lock(s_.mutex);
    const auto& l = s_.links[party_id() * s_.parties + peer];
    BusCounters c = l.counters;
    const BusCounters& r = s_.received[party_id() * s_.parties + peer];
    c.messages_received = r.messages_received;
    c.bytes_received = r.bytes_received;
    c.queued_messages = l.queue.size();
    c.queued_bytes = l.queue.bytes();
    c.connected = !closed_ && s_.usable(party_id(), peer) && s_.usable(peer, party_id());
    return c;
  }
  std::string last_error(std::size_t peer) const override {
    check_peer(peer, "MessageBus::last_error");
    std::lock_guard lock(s_.mutex);
    if (s_.usable(party_id(), peer)) return {};
    return s_.up[peer] ? "link to party " + std::to_string(peer) + " is cut" : "party " + std::to_string(peer) + " is down";
  }
  void close() override {
    std::lock_guard lock(s_.mutex);
    closed_ = true;
    for (std::size_t j = 0; j < s_.parties; ++j) {
      if (j != party_id()) s_.links[party_id() * s_.parties + j].queue.clear();
    }
    s_.inboxes[party_id()].clear();
  }

 private:
  SendStatus enqueue(std::size_t peer, Bytes&& message, std::optional<std::uint64_t> key) {
    if (message.size() > s_.options.max_message_size) {
      throw InvalidArgument("MessageBus: party " + std::to_string(party_id()) + ": a message of " +
                            std::to_string(message.size()) + " bytes for party " + std::to_string(peer) +
                            " exceeds max_message_size " + std::to_string(s_.options.max_message_size));
    }
    std::lock_guard lock(s_.mutex);
    if (closed_) return SendStatus::closed;
    auto& l = s_.links[party_id() * s_.parties + peer];
    const auto r = l.queue.push(std::move(message), key);
    l.counters.dropped += r.dropped;
    if (r.status == SendStatus::refused) ++l.counters.refused;
    if (r.status == SendStatus::replaced) ++l.counters.replaced;
    s_.release(party_id(), peer);
    return r.status;
  }

  SimulatedBusNetwork::State& s_;
  bool closed_ = false;  // under s_.mutex
};

}  // namespace

SimulatedBusNetwork::SimulatedBusNetwork(std::size_t parties, std::chrono::nanoseconds latency, BusOptions options)
    : state_(std::make_unique<State>(parties, latency, options)) {
  if (parties < 2) throw InvalidArgument("SimulatedBusNetwork: needs at least 2 parties, got " + std::to_string(parties));
  if (latency.count() < 0) throw InvalidArgument("SimulatedBusNetwork: latency must not be negative");
  for (std::size_t i = 0; i < parties; ++i) state_->endpoints.push_back(std::make_unique<SimulatedBus>(*state_, i));
}

SimulatedBusNetwork::~SimulatedBusNetwork() = default;

MessageBus& SimulatedBusNetwork::endpoint(std::size_t party) {
  state_->check_party(party, "SimulatedBusNetwork::endpoint");
  return *state_->endpoints[party];
}

std::size_t SimulatedBusNetwork::party_count() const noexcept { return state_->parties; }

SimulatedBusNetwork::TimePoint SimulatedBusNetwork::now() const {
  std::lock_guard lock(state_->mutex);
  return state_->now;
}

void SimulatedBusNetwork::advance_to(TimePoint t) {
  std::lock_guard lock(state_->mutex);
  State& s = *state_;
  if (t < s.now) throw InvalidArgument("SimulatedBusNetwork::advance_to: time cannot move back");
  while (!s.flight.empty() && std::get<0>(s.flight.begin()->first) <= t) {
    const auto first = s.flight.begin();
    s.now = std::get<0>(first->first);
    State::InFlight m = std::move(first->second);
    s.flight.erase(first);
    BusCounters& r = s.received[m.to * s.parties + m.from];
    ++r.messages_received;
    r.bytes_received += m.message.size();
    s.inboxes[m.to].push_back(Incoming{m.from, std::move(m.message)});
  }
  s.now = t;
}

std::optional<SimulatedBusNetwork::TimePoint> SimulatedBusNetwork::next_delivery() const {
  std::lock_guard lock(state_->mutex);
  if (state_->flight.empty()) return std::nullopt;
  return std::get<0>(state_->flight.begin()->first);
}

void SimulatedBusNetwork::set_party_up(std::size_t party, bool up) {
  std::lock_guard lock(state_->mutex);
  state_->check_party(party, "SimulatedBusNetwork::set_party_up");
  state_->up[party] = up;
  state_->release_queues();
}

void SimulatedBusNetwork::set_link_up(std::size_t from, std::size_t to, bool up) {
  std::lock_guard lock(state_->mutex);
  state_->check_party(from, "SimulatedBusNetwork::set_link_up");
  state_->check_party(to, "SimulatedBusNetwork::set_link_up");
  state_->link(from, to).cut = !up;
  state_->release_queues();
}

}  // namespace privfin::net
