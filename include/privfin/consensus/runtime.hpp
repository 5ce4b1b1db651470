// privfin/consensus/runtime.hpp — the executor of an engine's actions,
// written once for every environment: the simulator's (simulator.hpp) and,
// in a later issue, the real one (TLS message bus, RocksDB, steady clock).
//
//   Runtime<MyEnv> rt(env, engine);
//   rt.input(now, Start{...});            // step the engine, execute what it returns
//   rt.input(now, MessageIn{from, bytes});
//   rt.durable(ticket);                   // the environment reports a write as durable
//
// The one rule it enforces: a Persist is a barrier. The runtime hands the
// record to env.write_safety(), which returns a ticket, and holds every
// later action (of this step and of later steps, in order) until the
// environment calls durable(ticket) — so no vote leaves before the record
// that forbids a conflicting vote is on disk. Of several Persists of one
// height queued at once, with no Commit between them, only the latest
// record is written, at the first one's place: each record is the engine's
// whole safety state at its height, so it covers the earlier ones, and
// what lies between them waits for it. Environments whose writes are
// synchronous call durable() from inside write_safety(). The test-only
// PlantedBugs::send_before_durable releases actions at once instead.
//
// Env must provide (all called on the runtime's thread):
//   std::uint64_t write_safety(const SafetyRecord&);   // tickets increase, durable in order
//   void send(NodeId, const Bytes&);  void broadcast(const Bytes&);
//   void set_timer(TimerId, TimePoint);  void cancel_timer(TimerId);
//   void request_proposal(const RequestProposal&);  void request_validate(const RequestValidate&);
//   void request_sync(const RequestSync&);  void commit(const Decision&);
//   void evidence(const Evidence&);  void rejected(const Rejection&);  void metric(const Metric&);
// Exceptions from the engine or the environment propagate. Not thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <iterator>
#include <type_traits>
#include <vector>

#include "privfin/consensus/engine.hpp"

namespace privfin::consensus {

template <class Env>
class Runtime {
 public:
  Runtime(Env& env, Engine& engine, bool send_before_durable = false) noexcept
      : env_(env), engine_(engine), send_before_durable_(send_before_durable) {}

  void input(TimePoint now, const Input& in) {
    for (auto& a : engine_.step(now, in)) queue_.push_back(std::move(a));
    pump();
  }

  void durable(std::uint64_t ticket) {
    if (ticket > durable_) durable_ = ticket;
    pump();
  }

  // Actions held behind a barrier that is not yet durable.
  [[nodiscard]] std::size_t held() const noexcept { return queue_.size(); }
  [[nodiscard]] Engine& engine() noexcept { return engine_; }

 private:
  void pump() {
    if (pumping_) return;  // durable() called from inside write_safety()
    pumping_ = true;
    while (!queue_.empty()) {
      Action& a = queue_.front();
      if (std::holds_alternative<Persist>(a)) {
        // A later record of the same height, with no Commit between them,
        // supersedes this one (the engine's record is its whole safety state
        // at that height, not a change), and every action between them
        // waits for a barrier anyway: writing only the latest one now makes
        // them durable together, one write instead of two (a proposer's
        // proposal and its own prevote come out of one step). Never across
        // a Commit: a record of the next height must not be on disk before
        // the ledger holds this one, or a restart would find a record it
        // does not resume from and sign this height's messages anew.
        auto latest = queue_.begin();
        const Height height = std::get<Persist>(a).record.height;
        for (auto it = std::next(queue_.begin()); it != queue_.end() && !std::holds_alternative<Commit>(*it); ++it) {
          const auto* p = std::get_if<Persist>(&*it);
          if (p != nullptr && p->record.height == height) latest = it;
        }
        barrier_ = env_.write_safety(std::get<Persist>(*latest).record);
        if (latest != queue_.begin()) queue_.erase(latest);
        queue_.pop_front();
        continue;
      }
      if (barrier_ > durable_ && !send_before_durable_) break;
      Action next = std::move(a);
      queue_.pop_front();
      execute(next);
    }
    pumping_ = false;
  }

  void execute(const Action& action) {
    std::visit(
        [this](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, Send>) env_.send(x.to, x.payload);
          else if constexpr (std::is_same_v<T, Broadcast>) env_.broadcast(x.payload);
          else if constexpr (std::is_same_v<T, SetTimer>) env_.set_timer(x.id, x.at);
          else if constexpr (std::is_same_v<T, CancelTimer>) env_.cancel_timer(x.id);
          else if constexpr (std::is_same_v<T, RequestProposal>) env_.request_proposal(x);
          else if constexpr (std::is_same_v<T, RequestValidate>) env_.request_validate(x);
          else if constexpr (std::is_same_v<T, RequestSync>) env_.request_sync(x);
          else if constexpr (std::is_same_v<T, Commit>) env_.commit(x.decision);
          else if constexpr (std::is_same_v<T, EvidenceFound>) env_.evidence(x.evidence);
          else if constexpr (std::is_same_v<T, Rejected>) env_.rejected(x.rejection);
          else if constexpr (std::is_same_v<T, Metric>) env_.metric(x);
          else static_assert(std::is_same_v<T, Persist>);
        },
        action);
  }

  Env& env_;
  Engine& engine_;
  bool send_before_durable_;
  std::deque<Action> queue_;
  std::uint64_t barrier_ = 0;
  std::uint64_t durable_ = 0;
  bool pumping_ = false;
};

}  // namespace privfin::consensus
