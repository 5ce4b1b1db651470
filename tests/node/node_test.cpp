// Consensus nodes in one process, each on its own thread with a TLS message
// bus on loopback and its own RocksDB: they agree on blocks of payments, a
// node that stopped catches up by block sync after a restart, and
// malformed bus messages are refused without harm.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <thread>

#include "net/net_test_support.hpp"
#include "node/node_test_support.hpp"
#include "privfin/ledger/rocksdb_store.hpp"
#include "privfin/node/node.hpp"
#include "privfin/node/state_sync.hpp"
#include "privfin/net/tcp_message_bus.hpp"

using namespace privfin;
using namespace privfin::node;
using namespace std::chrono_literals;

namespace {

struct Shared {
  std::vector<std::atomic<Height>> height;
  std::vector<std::atomic<bool>> stop;
  explicit Shared(std::size_t n) : height(n), stop(n) {}
};

struct NodeResult {
  NodeStatus status;
  std::optional<Bytes> balance1;  // bank 1's balance, latest
  Hash32 app_hash_at_5;
  std::vector<consensus::Evidence> evidence;  // what the node kept
  NodeMetrics metrics;
  Height restored = 0;       // state sync: the height restored from a snapshot
  Height retain_height = 0;  // blocks below it were pruned
  std::map<Height, Hash32> recent_app_hashes;  // the last few retained heights
  std::optional<consensus::ValidatorSet> validators;  // a changed set in force at the end, if any
  Height tx_indexed = 0;  // the ledger's indexed height after the node's flush_tx_index
};

// Runs validator `self` until told to stop or 60 s passed; `each_turn`
// runs on the node's thread after every poll.
NodeResult run_node(const test::Consortium& c, net::PartyConfig config, std::size_t self, net::TcpListener listener,
                    const std::filesystem::path& dir, Shared& shared,
                    const std::function<void(Node&)>& each_turn = {},
                    consensus::Behaviour behaviour = consensus::Behaviour::honest,
                    const std::function<void(NodeSettings&)>& configure = {}, bool state_sync = false,
                    const std::function<void(Node&)>& at_end = {}) {
  auto store = ledger::RocksDbStore::open(dir);
  auto bus = net::TcpMessageBus::start(config, self, {}, std::move(listener));
  NodeResult r;
  if (state_sync && StateSync::needed(*store)) {
    StateSync sync(c.chain_id, c.genesis.validators, *bus, *store);
    const auto restored = sync.run(30s);
    if (!restored) throw std::runtime_error("state sync failed: " + sync.last_failure());
    r.restored = restored->height;
  }
  consensus::BlsCrypto crypto(c.genesis.validators, c.keys[self]);
  consensus::apps::Payments app(c.chain_id);
  NodeSettings settings;
  settings.chain_id = c.chain_id;
  settings.behaviour = behaviour;
  if (configure) configure(settings);
  Node node(settings, c.genesis, static_cast<NodeId>(self), crypto, *bus, *store, app);
  node.start();
  // A bound in case a test never stops it; above the longest wait of any
  // test here (several 90 s waits in a row), so that under load a node
  // does not leave by itself while a test still waits for it.
  const auto deadline = std::chrono::steady_clock::now() + 300s;
  while (!shared.stop[self] && std::chrono::steady_clock::now() < deadline) {
    (void)node.poll(20ms);
    shared.height[self] = node.status().height;
    if (each_turn) each_turn(node);
  }
  r.status = node.status();
  r.retain_height = node.ledger().retain_height();
  for (Height h = std::max(r.retain_height, r.status.height > 10 ? r.status.height - 10 : 0); h <= r.status.height; ++h) {
    r.recent_app_hashes[h] = node.ledger().app_hash_at(h);
  }
  r.balance1 = node.query("balance", c.banks[1].public_key(), 0, false).value;
  if (r.status.height >= 5 && node.ledger().retain_height() <= 5) r.app_hash_at_5 = node.ledger().app_hash_at(5);
  r.evidence = node.evidence(0, 1000);
  r.validators = node.ledger().validators_from(r.status.height);
  r.metrics = node.metrics();
  node.flush_tx_index();  // as privfin-node does on a clean stop
  r.tx_indexed = node.ledger().tx_indexed_height();
  if (at_end) at_end(node);
  bus->close();
  return r;
}

bool wait_for(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

std::uint64_t be64(const Bytes& b) {
  std::uint64_t v = 0;
  for (auto x : b) v = (v << 8) | std::to_integer<std::uint64_t>(x);
  return v;
}

// Validators on threads, each running run_node with its own options, over
// TLS buses on loopback, each with its own RocksDB under one folder.
struct ThreadCluster {
  struct Options {
    std::function<void(Node&)> each_turn;
    consensus::Behaviour behaviour = consensus::Behaviour::honest;
    std::function<void(NodeSettings&)> configure;
    bool state_sync = false;
    std::function<void(Node&)> at_end;  // on the node's thread once it stopped
  };

  explicit ThreadCluster(std::size_t count)
      : n(count), c(test::make_consortium(count)), net(test::make_tcp_cluster(count, net::Transport::tls)),
        shared(count), results(count), errors(count), threads(count) {}
  ~ThreadCluster() {
    for (auto& s : shared.stop) s = true;
    for (auto& t : threads) {
      if (t.joinable()) t.join();
    }
  }

  // The first start of a node uses its bound listener; a restart binds the
  // configured port again (restart only nodes that bind nothing: the highest).
  void start(std::size_t i, const std::function<void(Options&)>& set = {}) {
    Options o;
    if (set) set(o);
    shared.stop[i] = false;
    threads[i] = std::thread([this, i, o = std::move(o), l = std::move(net.listeners[i])]() mutable {
      try {
        results[i] = run_node(c, net.config, i, std::move(l), dir.path() / ("node" + std::to_string(i)), shared,
                              o.each_turn, o.behaviour, o.configure, o.state_sync, o.at_end);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    });
  }
  void stop(std::size_t i) {
    shared.stop[i] = true;
    if (threads[i].joinable()) threads[i].join();
  }
  // Every node is told at once, then each is joined: stopped one after
  // another, the last ones (a quorum without the first) would go on
  // committing while the first are joined, and under load their recent
  // heights could share none with the first ones'.
  void stop_all() {
    for (auto& s : shared.stop) s = true;
    for (std::size_t i = 0; i < n; ++i) stop(i);
  }
  // What a node's thread threw, as a message ("" if nothing).
  [[nodiscard]] std::string error(std::size_t i) const {
    if (!errors[i]) return {};
    try {
      std::rethrow_exception(errors[i]);
    } catch (const std::exception& e) {
      return e.what();
    }
  }
  [[nodiscard]] Height height(std::size_t i) const { return shared.height[i]; }

  std::size_t n;
  test::Consortium c;
  test::TcpCluster net;
  test::TempDir dir;
  Shared shared;
  std::vector<NodeResult> results;
  std::vector<std::exception_ptr> errors;
  std::vector<std::thread> threads;
};

// The engine of a cluster test: Gosig with 0.25 s + 0.25 s rounds and 2
// expected candidates, its genesis time now (rounds are cut by the wall
// clock from it), or the Tendermint form.
ChainEngine engine_for(ThreadCluster& t, bool gosig) {
  ChainEngine engine;
  if (gosig) {
    t.c.genesis.time = wall_clock_now();
    engine.kind = ChainEngine::Kind::gosig;
    engine.stage_one = engine.stage_two = 250'000'000;
    engine.expected_candidates = 2;
  }
  return engine;
}

}  // namespace

TEST_CASE("nodes: four validators over TLS agree on blocks of payments - a stopped node catches up - on both engines",
          "[node][cluster]") {
  const bool gosig = GENERATE(false, true);
  INFO((gosig ? "Gosig (ECVRF leaders, wall clock, 0.25 s + 0.25 s rounds)" : "Tendermint-form"));
  ThreadCluster t(4);
  const ChainEngine engine = engine_for(t, gosig);
  const auto& c = t.c;
  std::atomic<int> submitted{0};
  // Bank 0 pays bank 1 ten times 1,000 through node 0, once the chain runs.
  auto pay = [&](Node& node) {
    if (submitted >= 10 || node.status().height < 1) return;
    const auto tx = consensus::apps::Payments::transfer(c.banks[0], c.chain_id, static_cast<std::uint64_t>(submitted),
                                                        c.banks[1].public_key(), 1000);
    if (!node.submit(tx).ok()) throw std::runtime_error("transfer refused");
    ++submitted;
  };
  const auto start = [&](std::size_t i) {
    t.start(i, [&, i](auto& o) {
      if (i == 0) o.each_turn = pay;
      o.configure = [&, i](NodeSettings& s) { use_chain_engine(s, engine, c.vrf_keys[i]); };
    });
  };
  for (std::size_t i = 0; i < 4; ++i) start(i);
  const auto all_at = [&](Height h, std::size_t skip) {
    for (std::size_t i = 0; i < 4; ++i) {
      if (i != skip && t.height(i) < h) return false;
    }
    return true;
  };
  CHECK(wait_for([&] { return all_at(5, 4); }, 45s));
  // Node 3 stops (it is the highest party: it binds nothing, so it can come back).
  t.stop(3);
  REQUIRE(t.error(3).empty());
  const Height stopped_at = t.results[3].status.height;
  CHECK(wait_for([&] { return all_at(stopped_at + 6, 3); }, 45s));
  start(3);
  const Height target = std::max<Height>(t.height(0), stopped_at + 6) + 2;
  CHECK(wait_for([&] { return all_at(target, 4) && submitted == 10; }, 45s));
  const Height after_payments = t.height(0) + 1;  // the last payments are in
  CHECK(wait_for([&] { return all_at(after_payments, 4); }, 45s));  // generous: sanitizer builds at high load
  t.stop_all();
  for (std::size_t i = 0; i < 4; ++i) {
    INFO("node " << i << " " << t.error(i));
    REQUIRE(t.error(i).empty());
    CHECK(t.results[i].status.height >= target);
    CHECK(t.results[i].app_hash_at_5 == t.results[0].app_hash_at_5);
    REQUIRE(t.results[i].balance1);
    CHECK(be64(*t.results[i].balance1) == 10'000);
  }
  // Node 0 admitted bank 0's ten transfers and saw each commit.
  const auto& m = t.results[0].metrics;
  CHECK(m.commit_latency_seconds.count() == 10);
  CHECK(m.block_commit_seconds.count() == t.results[0].status.height);
  CHECK(m.safety_fsync_seconds.count() >= t.results[0].status.height);
  if (gosig) return;  // Gosig's own catch-up may bring node 3 back before block sync does
  CHECK(t.results[3].status.synced > 0);  // it caught up by block sync
  CHECK(m.rounds_per_height.count() >= t.results[0].status.height - 1);
  CHECK(m.step_seconds[0].count() > 0);
}

TEST_CASE("nodes: a validator-set change the members approve takes effect two heights later - then two nodes "
          "carry the chain alone - on both engines",
          "[node][cluster][validators]") {
  const bool gosig = GENERATE(false, true);
  INFO((gosig ? "Gosig" : "Tendermint-form"));
  ThreadCluster t(4);
  const ChainEngine engine = engine_for(t, gosig);
  const auto& c = t.c;
  const auto& set = c.genesis.validators;
  // Weights 3, 3, 1, 0 (total 7): nodes 0 and 1 alone hold 6, more than
  // two thirds. Approved by members 0, 1 and 2 (3 of the weight 4).
  const std::vector<consensus::ValidatorChange> changes{
      {set.at(0).bls_key, 3}, {set.at(1).bls_key, 3}, {set.at(2).bls_key, 1}, {set.at(3).bls_key, 0}};
  std::vector<consensus::apps::Payments::Approval> approvals;
  for (NodeId m : {0U, 1U, 2U}) {
    approvals.push_back(consensus::apps::Payments::approve(c.member_keys[m], m, c.chain_id, 0, changes));
  }
  const Bytes change = consensus::apps::Payments::validator_change(c.banks[0], c.chain_id, 0, 0, changes, approvals);
  const consensus::ValidatorSet next = consensus::apply_changes(set, changes);
  std::atomic<bool> submitted{false};
  std::atomic<Height> changed_at{0};  // the height whose block carried the change (node 0's view)
  std::vector<std::atomic<bool>> follows(4);  // each node's store holds the new set
  const auto start = [&](std::size_t i) {
    t.start(i, [&, i](auto& o) {
      o.configure = [&, i](NodeSettings& s) { use_chain_engine(s, engine, t.c.vrf_keys[i]); };
      o.each_turn = [&, i](Node& node) {
        if (i == 0 && !submitted && node.status().height >= 2) {
          if (!node.submit(change).ok()) throw std::runtime_error("the validator change was refused");
          submitted = true;
        }
        const auto stored = node.ledger().validators_from(1'000'000);
        if (stored && !follows[i]) {
          if (*stored != next) throw std::runtime_error("another validator set was stored");
          follows[i] = true;
          if (i == 0) changed_at = node.status().height;
        }
      };
    });
  };
  for (std::size_t i = 0; i < 4; ++i) start(i);
  REQUIRE(wait_for([&] { return follows[0] && follows[1] && follows[2] && follows[3]; }, 45s));
  // The new set signs from the height after next: wait until it has signed a few.
  const Height in_force = changed_at + 2;
  REQUIRE(wait_for([&] { return t.height(0) >= in_force + 2 && t.height(1) >= in_force + 2; }, 30s));
  t.stop(2);
  t.stop(3);
  const Height alone_from = std::max(t.height(0), t.height(1));
  // Under the genesis weights two of four could not commit; under the new ones they do.
  CHECK(wait_for([&] { return t.height(0) >= alone_from + 5 && t.height(1) >= alone_from + 5; }, 30s));
  // Node 3 (weight 0 now) comes back and catches up, by block sync or by
  // the decisions its peers serve when it shows an old height (whichever
  // comes first: a race): either way the heights it missed carry
  // certificates of nodes 0 and 1 alone, which verify only under the new
  // set.
  start(3);
  const Height caught_up = t.height(0);
  CHECK(wait_for([&] { return t.height(3) >= caught_up; }, 30s));
  t.stop_all();
  for (std::size_t i = 0; i < 4; ++i) {
    INFO("node " << i << " " << t.error(i));
    REQUIRE(t.error(i).empty());
  }
  CHECK(t.results[0].app_hash_at_5 == t.results[1].app_hash_at_5);
  CHECK(t.results[0].app_hash_at_5 == t.results[3].app_hash_at_5);
  CHECK(t.results[0].status.height >= alone_from + 5);
  CHECK(t.results[3].status.height >= caught_up);
}

TEST_CASE("nodes: a restarted node replays the consensus messages of its height from its WAL",
          "[node][cluster][wal]") {
  ThreadCluster t(4);
  std::atomic<int> replays{0};
  std::atomic<std::size_t> replayed{0};
  const auto start = [&](std::size_t i) {
    t.start(i, [&, i](auto& o) {
      if (i != 3) return;
      o.configure = [&](NodeSettings& s) {
        s.on_event = [&](std::string_view what, const std::string& detail) {
          if (what != "wal") return;
          ++replays;
          replayed += std::stoul(detail.substr(detail.find(' ') + 1));  // "replayed N messages"
        };
      };
    });
  };
  for (std::size_t i = 0; i < 4; ++i) start(i);
  REQUIRE(wait_for([&] { return t.height(3) >= 3; }, 45s));
  // Three restarts, each caught up before the next: at least one stops
  // with messages of an unfinished height in its log.
  for (int k = 0; k < 3; ++k) {
    t.stop(3);
    REQUIRE(t.error(3).empty());
    start(3);
    const Height target = t.height(0) + 2;
    REQUIRE(wait_for([&] { return t.height(3) >= target; }, 30s));
  }
  t.stop_all();
  for (std::size_t i = 0; i < 4; ++i) {
    INFO("node " << i << " " << t.error(i));
    REQUIRE(t.error(i).empty());
  }
  CHECK(replays >= 1);
  CHECK(replayed > 0);
  CHECK(t.results[3].app_hash_at_5 == t.results[0].app_hash_at_5);
}

TEST_CASE("nodes: a peer that sends garbage, lying sync answers, forged votes and another genesis is refused - "
          "the others commit",
          "[node][cluster]") {
  ThreadCluster t(4);
  for (std::size_t i = 0; i < 3; ++i) t.start(i);
  // Validator 3 is Byzantine: a bare bus that sends junk to everyone.
  auto bad = net::TcpMessageBus::start(t.net.config, 3, {}, std::move(t.net.listeners[3]));
  const auto chain = test::make_chain(4, 2);
  consensus::Vote forged{consensus::VoteType::prevote, 1, 0, std::nullopt, 3, Bytes(96, std::byte{0x8a})};
  const std::vector<Bytes> junk = {
      Bytes{std::byte{0xff}, std::byte{0x00}},
      NodeMessage::consensus(Bytes{std::byte{1}, std::byte{2}}).to_bytes(),
      NodeMessage::consensus(consensus::Message{forged}.to_bytes()).to_bytes(),
      NodeMessage::sync_response(chain.decisions).to_bytes(),  // certificates that do not verify
      NodeMessage::sync_request(1, 1'000'000).to_bytes(),
      NodeMessage::status(chain.decisions[0].block.hash(), 3).to_bytes(),  // another genesis: ignored from here on
  };
  const auto deadline = std::chrono::steady_clock::now() + 45s;
  while ((t.height(0) < 5 || t.height(1) < 5 || t.height(2) < 5) && std::chrono::steady_clock::now() < deadline) {
    for (std::size_t to = 0; to < 3; ++to) {
      for (const auto& j : junk) (void)bad->send(to, j);
    }
    std::this_thread::sleep_for(20ms);
  }
  for (std::size_t i = 0; i < 3; ++i) t.stop(i);
  bad->close();
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("node " << i << " " << t.error(i));
    REQUIRE(t.error(i).empty());
    const auto& r = t.results[i];
    CHECK(r.status.height >= 5);
    CHECK(r.status.rejections > 0);
    CHECK(r.status.synced == 0);  // no forged block was taken
    CHECK(r.status.foreign_genesis > 0);
    CHECK(r.app_hash_at_5 == t.results[0].app_hash_at_5);
  }
}

TEST_CASE("nodes: submit_many gossips what it admitted as one message - a batch gossiped by a peer is admitted and "
          "committed - a forgotten transaction is found in the ledger's index, unless the node keeps none",
          "[node][cluster]") {
  ThreadCluster t(4);
  const auto& c = t.c;
  // Node 0 admits three transfers of 5 at once; validator 3 is a bare bus
  // that watches what node 0 sends it, then gossips two transfers of 11.
  std::vector<Bytes> first, second;
  for (std::uint64_t nonce = 0; nonce < 3; ++nonce) {
    first.push_back(consensus::apps::Payments::transfer(c.banks[0], c.chain_id, nonce, c.banks[1].public_key(), 5));
  }
  for (std::uint64_t nonce = 3; nonce < 5; ++nonce) {
    second.push_back(consensus::apps::Payments::transfer(c.banks[0], c.chain_id, nonce, c.banks[1].public_key(), 11));
  }
  std::atomic<bool> submitted{false};
  // Where each node finds the first transfer at the end: node 0 (told to
  // remember one, which a node with the index ignores) and node 2 (the
  // defaults) read the ledger's index and results; node 1 keeps no index
  // and remembers the last committed transaction only, so it finds
  // nothing.
  std::vector<std::optional<Node::TxLocation>> found(3);
  const Hash32 first_hash = ledger::tx_hash(first[0]);
  t.start(0, [&](auto& o) {
    o.each_turn = [&](Node& node) {
      if (submitted || node.status().height < 2) return;
      for (const auto& v : node.submit_many(first)) {
        if (!v.ok()) throw std::runtime_error("transfer refused: " + v.reason);
      }
      submitted = true;
    };
    o.configure = [](NodeSettings& s) { s.remembered_txs = 1; };
    o.at_end = [&](Node& node) { found[0] = node.find_committed(first_hash); };
  });
  t.start(1, [&](auto& o) {
    o.configure = [](NodeSettings& s) {
      s.remembered_txs = 1;
      s.index_transactions = false;
    };
    o.at_end = [&](Node& node) { found[1] = node.find_committed(first_hash); };
  });
  t.start(2, [&](auto& o) { o.at_end = [&](Node& node) { found[2] = node.find_committed(first_hash); }; });
  auto peer = net::TcpMessageBus::start(t.net.config, 3, {}, std::move(t.net.listeners[3]));
  std::vector<NodeMessage> batches_from_0;
  std::size_t single_transactions_from_0 = 0;
  const auto deadline = std::chrono::steady_clock::now() + 45s;
  while (batches_from_0.empty() && std::chrono::steady_clock::now() < deadline) {
    const auto in = peer->receive(50ms);
    if (!in || in->from != 0) continue;
    auto m = NodeMessage::from_bytes(in->message);
    if (m.kind == NodeMessageKind::transaction) ++single_transactions_from_0;
    else if (m.kind == NodeMessageKind::transactions) batches_from_0.push_back(std::move(m));
  }
  REQUIRE(batches_from_0.size() == 1);
  CHECK(batches_from_0[0].txs == first);
  CHECK(single_transactions_from_0 == 0);
  // The peer's batch, sent until the chain has moved well past it (a copy
  // that arrives before the first three are admitted is refused, a later
  // one is a duplicate).
  const Bytes batch = NodeMessage::transactions(second).to_bytes();
  const Height from = t.height(1);
  while (t.height(1) < from + 6 && std::chrono::steady_clock::now() < deadline + 30s) {
    for (std::size_t to = 0; to < 3; ++to) (void)peer->send(to, batch);
    std::this_thread::sleep_for(100ms);
  }
  t.stop_all();
  peer->close();
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("node " << i << " " << t.error(i));
    REQUIRE(t.error(i).empty());
    REQUIRE(t.results[i].balance1);
    CHECK(be64(*t.results[i].balance1) == 3 * 5 + 2 * 11);
  }
  REQUIRE(found[0]);
  REQUIRE(found[2]);
  CHECK_FALSE(found[1]);
  CHECK(found[0]->height == found[2]->height);
  CHECK(found[0]->index == found[2]->index);
  CHECK(found[0]->result.ok());
  CHECK(found[2]->result.ok());
  // A clean stop writes the held index entries; without an index nothing moves.
  CHECK(t.results[0].tx_indexed == t.results[0].status.height);
  CHECK(t.results[2].tx_indexed == t.results[2].status.height);
  CHECK(t.results[1].tx_indexed == 0);
}

TEST_CASE("nodes: an equivocating validator (test-only behaviour) is named by evidence that verifies and is kept "
          "across a restart - the others agree - on both engines",
          "[node][cluster]") {
  const bool gosig = GENERATE(false, true);
  INFO((gosig ? "Gosig" : "Tendermint-form"));
  ThreadCluster t(4);
  const ChainEngine engine = engine_for(t, gosig);
  // Validator 2 proposes another block to odd peers and doubles its votes to them.
  const auto start = [&](std::size_t i) {
    t.start(i, [&, i](auto& o) {
      if (i == 2) o.behaviour = consensus::Behaviour::equivocate;
      o.configure = [&, i](NodeSettings& s) { use_chain_engine(s, engine, t.c.vrf_keys[i]); };
    });
  };
  for (std::size_t i = 0; i < 4; ++i) start(i);
  const auto honest_at = [&](Height h) { return t.height(0) >= h && t.height(1) >= h && t.height(3) >= h; };
  CHECK(wait_for([&] { return honest_at(9); }, 45s));
  // Node 3 (odd) got both of each pair of votes: it restarts (it binds
  // nothing, so it can come back) and still holds the evidence.
  t.stop(3);
  REQUIRE(t.error(3).empty());
  const auto before_restart = t.results[3].evidence;
  start(3);
  const Height target = t.height(0) + 2;
  CHECK(wait_for([&] { return honest_at(target); }, 45s));
  t.stop_all();
  consensus::BlsCrypto verifier(t.c.genesis.validators, t.c.keys[0]);
  CHECK_FALSE(before_restart.empty());
  for (const std::size_t i : {std::size_t{0}, std::size_t{1}, std::size_t{3}}) {
    INFO("node " << i << " " << t.error(i));
    REQUIRE(t.error(i).empty());
    CHECK(t.results[i].status.height >= target);
    CHECK(t.results[i].app_hash_at_5 == t.results[0].app_hash_at_5);
    for (const auto& e : t.results[i].evidence) {
      CHECK(e.first.voter == 2);
      CHECK(consensus::verify_evidence(verifier, t.c.genesis.validators, t.c.chain_id, e));
    }
  }
  CHECK(t.results[3].evidence.size() >= before_restart.size());  // kept on disk
  CHECK_FALSE(t.results[1].evidence.empty());
  CHECK(t.results[0].evidence.empty());  // even peers saw one vote of each pair
}

TEST_CASE("nodes: a node whose disk was wiped after its peers pruned old blocks rejoins from a snapshot (state sync)",
          "[node][cluster][state-sync]") {
  const bool changed = GENERATE(false, true);
  INFO((changed ? "after a validator-set change the node did not see" : "on the genesis set"));
  ThreadCluster t(4);
  const auto configure = [](NodeSettings& s) {
    s.snapshot_interval = 5;
    s.retain_heights = 6;
  };
  // With `changed`, weights 2, 2, 2, 1 approved by members 0-2 while node 3 is gone.
  const auto& set = t.c.genesis.validators;
  const std::vector<consensus::ValidatorChange> changes{
      {set.at(0).bls_key, 2}, {set.at(1).bls_key, 2}, {set.at(2).bls_key, 2}, {set.at(3).bls_key, 1}};
  std::vector<consensus::apps::Payments::Approval> approvals;
  for (NodeId m : {0U, 1U, 2U}) {
    approvals.push_back(consensus::apps::Payments::approve(t.c.member_keys[m], m, t.c.chain_id, 0, changes));
  }
  std::atomic<bool> submit_change{false};
  // Node 0's app hash at every height as it commits (read after its thread
  // is joined). The restored node is compared with it: comparing with what
  // node 0 still holds at the end fails when node 3 ends more than the 6
  // retained heights behind, as it can on a loaded machine.
  std::map<Height, Hash32> node0_hashes;
  Height node0_recorded = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    t.start(i, [&, i](auto& o) {
      o.configure = configure;
      if (i != 0) return;
      o.each_turn = [&](Node& node) {
        for (Height h = node0_recorded + 1; h <= node.status().height; ++h) {
          if (h >= node.ledger().retain_height()) node0_hashes[h] = node.ledger().app_hash_at(h);
        }
        node0_recorded = std::max(node0_recorded, node.status().height);
        if (!submit_change.exchange(false)) return;
        const auto tx = consensus::apps::Payments::validator_change(t.c.banks[0], t.c.chain_id, 0, 0, changes, approvals);
        if (!node.submit(tx).ok()) throw std::runtime_error("the validator change was refused");
      };
    });
  }
  const auto others_at = [&](Height h) { return t.height(0) >= h && t.height(1) >= h && t.height(2) >= h; };
  // Generous waits (they end as soon as the heights are reached): four
  // nodes in one process beside other test binaries on 2 cores can take
  // more than 45 s here.
  CHECK(wait_for([&] { return others_at(12); }, 90s));
  // Node 3 loses its disk; the others go on and prune what it would need to replay.
  t.stop(3);
  REQUIRE(t.error(3).empty());
  std::filesystem::remove_all(t.dir.path() / "node3");
  const Height lost_at = t.results[3].status.height;
  submit_change = changed;
  CHECK(wait_for([&] { return others_at(lost_at + 15); }, 90s));
  t.start(3, [&](auto& o) {
    o.configure = configure;
    o.state_sync = true;
  });
  const Height target = t.height(0) + 3;
  CHECK(wait_for([&] { return others_at(target) && t.height(3) >= target; }, 90s));
  t.stop_all();
  for (std::size_t i = 0; i < 4; ++i) {
    INFO("node " << i);
    CHECK(t.error(i).empty());
  }
  const auto& restored = t.results[3];
  CHECK(t.results[0].retain_height > lost_at);  // block sync from the lost height was impossible
  CHECK(restored.restored > lost_at);
  CHECK(restored.restored % 5 == 0);  // a snapshot height
  CHECK(restored.status.height >= target);
  // It never held the blocks below the snapshot (and prunes like the others afterwards).
  CHECK(restored.retain_height >= restored.restored);
  // The restored node's state is the chain's at every height both still hold.
  std::size_t compared = 0;
  for (const auto& [h, hash] : restored.recent_app_hashes) {
    if (!node0_hashes.contains(h)) continue;
    CHECK(node0_hashes.at(h) == hash);
    ++compared;
  }
  CHECK(compared > 0);
  // The restored node follows the set in force (it verified it from the genesis set on).
  if (changed) {
    const auto next = consensus::apply_changes(set, changes);
    CHECK(t.results[0].validators == next);
    CHECK(restored.validators == next);
  } else {
    CHECK(restored.validators == set);  // state sync keeps the sets it verified, here the genesis set
  }
}

TEST_CASE("nodes: a Gosig chain needs every validator's VRF key and this node's own VRF secret",
          "[node][settings][gosig]") {
  const auto c = test::make_consortium(4);
  auto cluster = test::make_tcp_cluster(4, net::Transport::tls);
  auto bus = net::TcpMessageBus::start(cluster.config, 0, {}, std::move(cluster.listeners[0]));
  consensus::BlsCrypto crypto(c.genesis.validators, c.keys[0]);
  consensus::apps::Payments app(c.chain_id);
  ChainEngine engine;
  engine.kind = ChainEngine::Kind::gosig;
  const auto make = [&](const consensus::Genesis& genesis, std::optional<SecretBytes> secret) {
    ledger::MemoryStore store;
    NodeSettings s;
    s.chain_id = c.chain_id;
    use_chain_engine(s, engine, std::move(secret));
    CHECK(s.wall_clock);
    Node node(s, genesis, 0, crypto, *bus, store, app);
    return node.engine().position().height;
  };
  CHECK(make(c.genesis, c.vrf_keys[0]) == 1);
  CHECK_THROWS_AS(make(c.genesis, std::nullopt), InvalidArgument);
  CHECK_THROWS_AS(make(c.genesis, c.vrf_keys[1]), InvalidArgument);  // another validator's key
  auto no_vrf = c.genesis;
  std::vector<consensus::Validator> members;
  for (NodeId i = 0; i < 4; ++i) members.push_back(c.genesis.validators.at(i));
  members[2].vrf_key.clear();
  no_vrf.validators = consensus::ValidatorSet(std::move(members));
  try {
    (void)make(no_vrf, c.vrf_keys[0]);
    FAIL("accepted a validator without a VRF key");
  } catch (const InvalidArgument& e) {
    CHECK_THAT(e.what(), Catch::Contains("validator 2 has no VRF key"));
  }
  NodeSettings tendermint;
  use_chain_engine(tendermint, ChainEngine{}, std::nullopt);  // the default engine needs nothing
  CHECK_FALSE(tendermint.make_engine);
  CHECK_FALSE(tendermint.wall_clock);
  bus->close();
}

TEST_CASE("nodes: min_block_interval paces an idle chain - a payment still commits", "[node][cluster]") {
  ThreadCluster t(4);
  const auto& c = t.c;
  std::atomic<bool> paid{false};
  auto pay = [&](Node& node) {
    if (paid || node.status().height < 3) return;
    if (!node.submit(consensus::apps::Payments::transfer(c.banks[0], c.chain_id, 0, c.banks[1].public_key(), 7)).ok()) {
      throw std::runtime_error("transfer refused");
    }
    paid = true;
  };
  for (std::size_t i = 0; i < 4; ++i) {
    t.start(i, [&, i](auto& o) {
      if (i == 0) o.each_turn = pay;
      o.configure = [](NodeSettings& s) { s.min_block_interval = std::chrono::milliseconds(200); };
    });
  }
  REQUIRE(wait_for([&] { return t.height(0) >= 2; }, 30s));
  const Height from = t.height(0);
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(3s);
  const Height to = t.height(0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  INFO("heights " << from << " to " << to << " in " << seconds << " s");
  CHECK(to > from);                                       // it keeps committing
  CHECK(static_cast<double>(to - from) <= seconds / 0.2 + 1);  // but at most one block per 200 ms
  CHECK(wait_for([&] { return paid && t.height(1) >= to + 2; }, 30s));
  t.stop_all();
  for (std::size_t i = 0; i < 4; ++i) {
    INFO("node " << i << " " << t.error(i));
    REQUIRE(t.error(i).empty());
    REQUIRE(t.results[i].balance1);
    CHECK(be64(*t.results[i].balance1) == 7);
  }
  const auto& m = t.results[0].metrics;
  REQUIRE(m.block_interval_seconds.count() > 0);
  CHECK(m.block_interval_seconds.sum() / static_cast<double>(m.block_interval_seconds.count()) >= 0.19);
}

// The pacing tests' end: once the transfers were sent, `heights` more
// heights, then every node stopped; each must hold bank 1's `balance`.
// Returns the proposal outcomes summed over the nodes.
struct PacedProposals {
  std::uint64_t held = 0, full_early = 0, quiet = 0;
};
PacedProposals paced_after(ThreadCluster& t, const std::atomic<bool>& sent, Height heights, std::uint64_t balance) {
  REQUIRE(wait_for([&] { return sent.load(); }, 30s));
  const Height from = t.height(0);
  REQUIRE(wait_for([&] { return t.height(1) >= from + heights; }, 90s));
  t.stop_all();
  PacedProposals sum;
  for (std::size_t i = 0; i < t.n; ++i) {
    INFO("node " << i << " " << t.error(i));
    REQUIRE(t.error(i).empty());
    REQUIRE(t.results[i].balance1);
    CHECK(be64(*t.results[i].balance1) == balance);
    sum.held += t.results[i].metrics.proposals_held;
    sum.full_early += t.results[i].metrics.proposals_full_early;
    sum.quiet += t.results[i].metrics.proposals_quiet;
  }
  return sum;
}

TEST_CASE("nodes: min_block_interval never holds back a full block", "[node][cluster]") {
  // 60 transfers of about 150 bytes against a 2,048-byte block limit: five
  // blocks or more, each of which a mempool holding a full block proposes
  // before the 250 ms interval has passed.
  ThreadCluster t(4);
  const auto& c = t.c;
  constexpr std::uint64_t transfers = 60;  // within the mempool's nonce window (max_nonce_window)
  std::atomic<bool> sent{false};
  auto send = [&](Node& node) {
    if (sent || node.status().height < 3) return;
    for (std::uint64_t nonce = 0; nonce < transfers; ++nonce) {
      const auto tx = consensus::apps::Payments::transfer(c.banks[0], c.chain_id, nonce, c.banks[1].public_key(), 1);
      if (!node.submit(tx).ok()) throw std::runtime_error("transfer " + std::to_string(nonce) + " refused");
    }
    sent = true;
  };
  for (std::size_t i = 0; i < 4; ++i) {
    t.start(i, [&, i](auto& o) {
      if (i == 0) o.each_turn = send;
      o.configure = [](NodeSettings& s) {
        s.min_block_interval = std::chrono::milliseconds(250);
        s.engine.limits.max_body = 2048;
      };
    });
  }
  const auto paced = paced_after(t, sent, 16, transfers);  // five full blocks and more
  INFO("proposals made early: " << paced.full_early << ", held: " << paced.held);
  CHECK(paced.full_early >= 1);
  CHECK(paced.held >= 1);  // the idle heights before and after were still paced
}

TEST_CASE("nodes: proposal_quiet proposes once a burst of submissions ended, before min_block_interval", "[node][cluster]") {
  // A 250 ms interval and 5 ms of quiet: the heights that carry the burst
  // are proposed early, the idle ones still wait out the interval.
  ThreadCluster t(4);
  const auto& c = t.c;
  constexpr std::uint64_t transfers = 20;
  std::atomic<bool> sent{false};
  auto send = [&](Node& node) {
    if (sent || node.status().height < 3) return;
    std::vector<Bytes> txs;
    for (std::uint64_t nonce = 0; nonce < transfers; ++nonce) {
      txs.push_back(consensus::apps::Payments::transfer(c.banks[0], c.chain_id, nonce, c.banks[1].public_key(), 1));
    }
    for (const auto& v : node.submit_many(txs)) {
      if (!v.ok()) throw std::runtime_error("transfer refused: " + v.reason);
    }
    sent = true;
  };
  for (std::size_t i = 0; i < 4; ++i) {
    t.start(i, [&, i](auto& o) {
      if (i == 0) o.each_turn = send;
      o.configure = [](NodeSettings& s) {
        s.min_block_interval = std::chrono::milliseconds(250);
        s.proposal_quiet = std::chrono::milliseconds(5);
      };
    });
  }
  const auto paced = paced_after(t, sent, 6, transfers);
  INFO("proposals made on a quiet mempool: " << paced.quiet << ", held: " << paced.held);
  CHECK(paced.quiet >= 1);
  CHECK(paced.held >= 1);  // the idle heights were still paced
}

TEST_CASE("nodes: settings that cannot work are refused at construction - make_engine replaces the engine",
          "[node][settings]") {
  const auto c = test::make_consortium(4);
  auto cluster = test::make_tcp_cluster(4, net::Transport::tls);
  auto bus = net::TcpMessageBus::start(cluster.config, 0, {}, std::move(cluster.listeners[0]));
  consensus::BlsCrypto crypto(c.genesis.validators, c.keys[0]);
  consensus::apps::Payments app(c.chain_id);
  const auto make = [&](const std::function<void(NodeSettings&)>& tune) {
    ledger::MemoryStore store;
    NodeSettings s;
    s.chain_id = c.chain_id;
    tune(s);
    Node node(s, c.genesis, 0, crypto, *bus, store, app);
    return node.engine().position().height;
  };
  // Pruning below the snapshot interval would leave a restored node no blocks after its snapshot.
  CHECK_THROWS_AS(make([](NodeSettings& s) {
                    s.snapshot_interval = 10;
                    s.retain_heights = 5;
                  }),
                  InvalidArgument);
  CHECK_THROWS_AS(make([](NodeSettings& s) { s.behaviour = consensus::Behaviour::silent; }), InvalidArgument);
  // A proposal held back past the others' propose timeout would never be waited for.
  CHECK_THROWS_AS(make([](NodeSettings& s) { s.min_block_interval = std::chrono::milliseconds(300); }), InvalidArgument);
  CHECK_THROWS_AS(make([](NodeSettings& s) { s.min_block_interval = std::chrono::milliseconds(-1); }), InvalidArgument);
  CHECK_THROWS_AS(make([](NodeSettings& s) { s.proposal_quiet = std::chrono::milliseconds(-1); }), InvalidArgument);
  CHECK(make([](NodeSettings& s) { s.min_block_interval = std::chrono::milliseconds(250); }) == 1);
  CHECK_THROWS_AS(make([](NodeSettings& s) { s.make_engine = [](auto&, auto, auto&) { return nullptr; }; }),
                  InvalidArgument);
  bool made = false;
  CHECK(make([&](NodeSettings& s) {
          s.make_engine = [&](const consensus::Genesis& g, consensus::NodeId self, consensus::Crypto& cr) {
            made = true;
            consensus::TendermintConfig tc;
            tc.chain_id = g.chain_id;
            tc.validators = g.validators;
            tc.self = self;
            return std::make_unique<consensus::Tendermint>(tc, cr);
          };
        }) == 1);
  CHECK(made);
  bus->close();
}
