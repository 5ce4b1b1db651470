// Runtime<Env>: the persist barrier holds every later action until the
// environment reports the write durable, in order, across steps; Persists
// queued together are written once, as the latest record.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "privfin/consensus/runtime.hpp"

using namespace privfin;
using namespace privfin::consensus;

namespace {

// An engine that returns a fixed script of actions for each step.
struct ScriptEngine final : Engine {
  std::vector<std::vector<Action>> script;
  std::size_t next = 0;
  std::vector<Action> step(TimePoint, const Input&) override { return script.at(next++); }
  Hash32 state_digest() const override { return {}; }
  Height committed_height() const override { return 0; }
  std::size_t memory_items() const override { return 0; }
};

struct RecordingEnv {
  std::vector<std::string> calls;
  std::uint64_t tickets = 0;
  bool synchronous = false;
  Runtime<RecordingEnv>* runtime = nullptr;
  std::uint64_t write_safety(const SafetyRecord& r) {
    calls.push_back("persist " + std::to_string(r.round));
    ++tickets;
    if (synchronous) runtime->durable(tickets);
    return tickets;
  }
  void send(NodeId to, const Bytes&) { calls.push_back("send " + std::to_string(to)); }
  void broadcast(const Bytes& b) { calls.push_back("broadcast " + std::to_string(b.size())); }
  void set_timer(TimerId id, TimePoint) { calls.push_back("timer " + std::to_string(id)); }
  void cancel_timer(TimerId) {}
  void request_proposal(const RequestProposal&) {}
  void request_validate(const RequestValidate&) {}
  void request_sync(const RequestSync&) {}
  void commit(const Decision&) { calls.push_back("commit"); }
  void evidence(const Evidence&) {}
  void rejected(const Rejection&) {}
  void metric(const Metric&) {}
};

SafetyRecord record(Round r, Height h = 1) {
  SafetyRecord s;
  s.height = h;
  s.round = r;
  return s;
}

}  // namespace

TEST_CASE("runtime: nothing after a Persist leaves before the write is durable", "[consensus][runtime]") {
  ScriptEngine engine;
  engine.script = {{SetTimer{7, 0}, Persist{record(1)}, Broadcast{Bytes(1)}, Send{3, {}}},
                   {Broadcast{Bytes(2)}, Persist{record(2)}, Broadcast{Bytes(3)}}};
  RecordingEnv env;
  Runtime<RecordingEnv> rt(env, engine);
  rt.input(0, Start{});
  CHECK(env.calls == std::vector<std::string>{"timer 7", "persist 1"});
  rt.input(1, TimerFired{7});  // later step: queued behind the barrier, in order
  CHECK(env.calls.size() == 2);
  CHECK(rt.held() == 5);
  rt.durable(1);
  CHECK(env.calls == std::vector<std::string>{"timer 7", "persist 1", "broadcast 1", "send 3", "broadcast 2",
                                              "persist 2"});
  rt.durable(2);
  CHECK(env.calls.back() == "broadcast 3");
  CHECK(rt.held() == 0);
}

TEST_CASE("runtime: a synchronous environment releases at once - the planted bug does not wait",
          "[consensus][runtime]") {
  ScriptEngine engine;
  engine.script = {{Persist{record(1)}, Broadcast{Bytes(1)}}};
  RecordingEnv env;
  env.synchronous = true;
  Runtime<RecordingEnv> rt(env, engine);
  env.runtime = &rt;
  rt.input(0, Start{});
  CHECK(env.calls == std::vector<std::string>{"persist 1", "broadcast 1"});

  ScriptEngine buggy_engine;
  buggy_engine.script = {{Persist{record(1)}, Broadcast{Bytes(1)}}};
  RecordingEnv slow;
  Runtime<RecordingEnv> buggy(slow, buggy_engine, /*send_before_durable=*/true);
  buggy.input(0, Start{});
  CHECK(slow.calls == std::vector<std::string>{"persist 1", "broadcast 1"});  // sent before durable
}

TEST_CASE("runtime: Persists queued together are one write of the latest record - nothing between them leaves first",
          "[consensus][runtime]") {
  ScriptEngine engine;
  // A proposer's step: its proposal's record and broadcast, then its own
  // prevote's record and broadcast.
  engine.script = {{Persist{record(1)}, Broadcast{Bytes(1)}, SetTimer{4, 0}, Persist{record(2)}, Broadcast{Bytes(2)}},
                   {Persist{record(3)}, Broadcast{Bytes(3)}}};
  RecordingEnv env;
  Runtime<RecordingEnv> rt(env, engine);
  rt.input(0, Start{});
  CHECK(env.calls == std::vector<std::string>{"persist 2"});  // the latest record, written once
  CHECK(rt.held() == 3);
  rt.input(1, TimerFired{4});  // a later step's Persist waits its turn behind the barrier
  CHECK(env.calls.size() == 1);
  rt.durable(1);
  CHECK(env.calls ==
        std::vector<std::string>{"persist 2", "broadcast 1", "timer 4", "broadcast 2", "persist 3"});
  rt.durable(2);
  CHECK(env.calls.back() == "broadcast 3");
  CHECK(rt.held() == 0);

  ScriptEngine sync_engine;
  sync_engine.script = {{Persist{record(1)}, Broadcast{Bytes(1)}, Persist{record(2)}, Broadcast{Bytes(2)}}};
  RecordingEnv sync_env;
  sync_env.synchronous = true;
  Runtime<RecordingEnv> sync_rt(sync_env, sync_engine);
  sync_env.runtime = &sync_rt;
  sync_rt.input(0, Start{});
  CHECK(sync_env.calls == std::vector<std::string>{"persist 2", "broadcast 1", "broadcast 2"});
}

TEST_CASE("runtime: Persists of another height or beyond a Commit are written apart - the Commit before the next height's record",
          "[consensus][runtime]") {
  ScriptEngine engine;
  // The last precommit of height 1 completes the quorum and the proposal of
  // height 2 was waiting: precommit, commit, then height 2's prevote.
  engine.script = {{Persist{record(0, 1)}, Broadcast{Bytes(1)}, Commit{}, Persist{record(1, 2)}, Broadcast{Bytes(2)}},
                   {Persist{record(2, 1)}, Persist{record(3, 2)}, Broadcast{Bytes(3)}}};
  RecordingEnv env;
  env.synchronous = true;
  Runtime<RecordingEnv> rt(env, engine);
  env.runtime = &rt;
  rt.input(0, Start{});
  CHECK(env.calls == std::vector<std::string>{"persist 0", "broadcast 1", "commit", "persist 1", "broadcast 2"});
  env.calls.clear();
  rt.input(1, TimerFired{1});  // two heights' records, no Commit between: still two writes
  CHECK(env.calls == std::vector<std::string>{"persist 2", "persist 3", "broadcast 3"});
}
