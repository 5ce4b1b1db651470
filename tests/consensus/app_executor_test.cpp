// The application executor (consensus/app_executor.hpp) end to end: four
// Tendermint engines over an in-test network with random delays, each with
// its own Payments application, MemoryAppStore and mempool. Checked: every
// node commits the same blocks and reaches the same app hash at every
// height, the balances equal a plaintext model, every call order passes the
// grammar, the mempool drops what was included and what a recheck refuses;
// a proposal naming another app hash or with a body that does not decode
// is refused.
#include <catch2/catch.hpp>

#include <map>
#include <queue>

#include "consensus_test_support.hpp"
#include "privfin/consensus/app_executor.hpp"
#include "privfin/consensus/apps/payments.hpp"
#include "privfin/consensus/runtime.hpp"
#include "privfin/consensus/tendermint.hpp"
#include "privfin/core/hash.hpp"

using namespace privfin;
using namespace privfin::consensus;
using namespace privfin::consensus::apps;

namespace {

sig::Ed25519SecretKey bank_key(std::uint8_t i) {
  Prg prg(Prg::Seed{std::byte{0xB4}, std::byte{i}});
  return sig::Ed25519SecretKey::generate(prg);
}

struct Cluster;

// One node's environment: the runtime's hooks post events to the cluster.
struct NodeEnv {
  Cluster* cluster = nullptr;
  NodeId self = 0;
  std::uint64_t write_safety(const SafetyRecord&);  // synchronous: durable at once
  void send(NodeId to, const Bytes& payload);
  void broadcast(const Bytes& payload);
  void set_timer(TimerId id, TimePoint at);
  void cancel_timer(TimerId id) { cancelled.insert(id); }
  void request_proposal(const RequestProposal& r);
  void request_validate(const RequestValidate& r);
  void request_sync(const RequestSync&) {}
  void commit(const Decision& d);
  void evidence(const Evidence&) {}
  void rejected(const Rejection&) {}
  void metric(const Metric&) {}
  std::uint64_t tickets = 0;
  std::set<TimerId> cancelled;
};

struct Event {
  TimePoint at;
  std::uint64_t order;
  NodeId node;
  Input input;
  bool operator>(const Event& o) const { return std::tie(at, order) > std::tie(o.at, o.order); }
};

struct Cluster {
  static constexpr std::size_t n = 4;
  testing::Sample sample;
  std::vector<std::unique_ptr<SymbolicCrypto>> crypto;
  std::vector<std::unique_ptr<Tendermint>> engines;
  std::vector<NodeEnv> envs = std::vector<NodeEnv>(n);
  std::vector<std::unique_ptr<Runtime<NodeEnv>>> runtimes;
  std::vector<std::unique_ptr<Payments>> apps;
  std::vector<std::unique_ptr<MemoryAppStore>> stores;
  std::vector<std::unique_ptr<AppExecutor>> executors;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events;
  std::uint64_t order = 0;
  TimePoint now = 0;
  Prg delays{Prg::Seed{std::byte{0xD1}}};

  explicit Cluster(const Genesis& genesis) {
    for (NodeId i = 0; i < n; ++i) {
      crypto.push_back(std::make_unique<SymbolicCrypto>(sample.keys, i));
      TendermintConfig config;
      config.chain_id = sample.chain;
      config.validators = sample.validators;
      config.self = i;
      engines.push_back(std::make_unique<Tendermint>(config, *crypto.back()));
      envs[i].cluster = this;
      envs[i].self = i;
      runtimes.push_back(std::make_unique<Runtime<NodeEnv>>(envs[i], *engines.back()));
      apps.push_back(std::make_unique<Payments>(sample.chain));
      stores.push_back(std::make_unique<MemoryAppStore>());
      executors.push_back(std::make_unique<AppExecutor>(*apps.back(), *stores.back(), ExecutorConfig{sample.chain, 10'000, std::size_t{64} << 20}));
      executors.back()->init_chain(genesis);
    }
    for (NodeId i = 0; i < n; ++i) post(0, i, Start{});
  }
  void post(TimePoint at, NodeId node, Input in) { events.push(Event{at, order++, node, std::move(in)}); }
  TimePoint delay() { return 1'000'000 + static_cast<TimePoint>(delays.next_u64() % 20'000'000); }  // 1-21 ms

  // Runs until every node committed `height` (bounded by the event count).
  void run_until(Height height) {
    for (std::size_t steps = 0; steps < 200'000 && !events.empty(); ++steps) {
      bool done = true;
      for (auto& s : stores) done &= s->latest_height() >= height;
      if (done) return;
      Event e = events.top();
      events.pop();
      now = e.at;
      if (auto* t = std::get_if<TimerFired>(&e.input); t && envs[e.node].cancelled.erase(t->id)) continue;
      runtimes[e.node]->input(now, e.input);
    }
    std::string where;
    for (std::size_t i = 0; i < n; ++i) {
      where += " node " + std::to_string(i) + ": store " + std::to_string(stores[i]->latest_height()) + ", engine h" +
               std::to_string(engines[i]->height()) + " r" + std::to_string(engines[i]->round()) + ";";
    }
    FAIL("the cluster did not reach height " << height << " (events left " << events.size() << ";" << where << ")");
  }
};

std::uint64_t NodeEnv::write_safety(const SafetyRecord&) {
  cluster->runtimes[self]->durable(++tickets);
  return tickets;
}
void NodeEnv::send(NodeId to, const Bytes& payload) {
  cluster->post(cluster->now + cluster->delay(), to, MessageIn{self, payload});
}
void NodeEnv::broadcast(const Bytes& payload) {
  for (NodeId to = 0; to < Cluster::n; ++to) {
    if (to != self) send(to, payload);
  }
}
void NodeEnv::set_timer(TimerId id, TimePoint at) {
  cancelled.erase(id);
  cluster->post(at, self, TimerFired{id});
}
void NodeEnv::request_proposal(const RequestProposal& r) {
  cluster->post(cluster->now, self, cluster->executors[self]->propose(r, cluster->now, self));
}
void NodeEnv::request_validate(const RequestValidate& r) {
  cluster->post(cluster->now, self, cluster->executors[self]->validate(r));
}
void NodeEnv::commit(const Decision& d) { (void)cluster->executors[self]->commit(d); }

}  // namespace

TEST_CASE("app executor: four nodes agree on blocks, app hashes and balances", "[consensus][app][executor]") {
  std::vector<sig::Ed25519SecretKey> banks;
  std::vector<Payments::Account> accounts;
  for (std::uint8_t i = 0; i < 3; ++i) {
    banks.push_back(bank_key(i));
    accounts.push_back({banks.back().public_key(), 1000});
  }
  Genesis genesis;
  genesis.chain_id = "test-chain";
  genesis.app_state = Payments::genesis(accounts);
  Cluster c(genesis);

  // Transfers submitted to different nodes' mempools; one overdraft.
  std::vector<std::uint64_t> balance = {1000, 1000, 1000};
  std::vector<std::uint64_t> nonce(3, 0);
  for (int k = 0; k < 12; ++k) {
    const std::size_t from = static_cast<std::size_t>(k) % 3, to = (from + 1) % 3;
    const std::uint64_t amount = 50 + static_cast<std::uint64_t>(k) * 10;
    const Bytes tx = Payments::transfer(banks[from], "test-chain", nonce[from]++, banks[to].public_key(), amount);
    balance[from] -= amount;
    balance[to] += amount;
    // Every node's mempool gets it (gossip is the node issue's job).
    for (auto& e : c.executors) REQUIRE(e->submit(tx).ok());
    CHECK(c.executors[0]->submit(tx).reason == "already in the mempool");
  }
  // Admission sees the admitted transfers (the check state): the next nonce
  // is 4, and the balance after them is what an overdraft is measured by.
  const Bytes overdraft = Payments::transfer(banks[0], "test-chain", nonce[0], banks[1].public_key(), 5000);
  const auto refused = c.executors[0]->submit(overdraft);
  CHECK(refused.code == TxCode::insufficient_funds);
  CHECK(refused.reason == "overdraft refused: balance " + std::to_string(balance[0]) + ", transfer 5000");
  const Bytes replayed = Payments::transfer(banks[0], "test-chain", 0, banks[1].public_key(), 5);
  CHECK(c.executors[0]->submit(replayed).code == TxCode::bad_nonce);

  c.run_until(3);
  for (std::size_t i = 0; i < Cluster::n; ++i) {
    CAPTURE(i);
    CHECK(c.executors[i]->mempool_size() == 0);  // all included
    for (Height h = 0; h <= 3; ++h) CHECK(c.stores[i]->app_hash(h) == c.stores[0]->app_hash(h));
    REQUIRE(c.stores[i]->blocks().size() >= 3);
    for (std::size_t b = 0; b < 3; ++b) CHECK(c.stores[i]->blocks()[b].block.hash() == c.stores[0]->blocks()[b].block.hash());
    CHECK(c.executors[i]->grammar().next_height() >= 4);
  }
  CHECK(c.stores[0]->app_hash(1) != c.stores[0]->app_hash(0));  // the transfers changed the state
  for (std::size_t b = 0; b < 3; ++b) {
    const auto q = c.apps[0]->query(*c.stores[0], "balance", banks[b].public_key(), 0, false);
    REQUIRE(q.value);
    CHECK(read_u64_value(*q.value) == balance[b]);
  }
}

TEST_CASE("app executor: refuses a proposal with another app hash or an undecodable body, and misuse",
          "[consensus][app][executor]") {
  Payments app("test-chain");
  MemoryAppStore store;
  AppExecutor exec(app, store, ExecutorConfig{"test-chain", 10, 1 << 20});
  CHECK_THROWS_AS(exec.recover(), InvalidArgument);
  Genesis genesis;
  genesis.chain_id = "test-chain";
  genesis.app_state = Payments::genesis({{bank_key(1).public_key(), 10}, {bank_key(2).public_key(), 0}});
  exec.init_chain(genesis);
  CHECK_THROWS_AS(exec.init_chain(genesis), InvalidArgument);
  RequestValidate r;
  r.height = 1;
  r.header.height = 1;
  r.header.app_hash = store.app_hash(0);
  r.body = transactions_to_bytes({});
  CHECK(exec.validate(r).accept);
  r.header.app_hash.v[0] ^= std::byte{1};
  CHECK(!exec.validate(r).accept);
  r.header.app_hash = store.app_hash(0);
  r.body = to_bytes(std::string_view("not a transaction list"));
  CHECK(!exec.validate(r).accept);
  r.height = 2;
  CHECK_THROWS_AS(exec.validate(r), InvalidArgument);  // the store is at 0
  CHECK_THROWS_AS(exec.propose(RequestProposal{3, 0, {}, 1000}, 0, 0), InvalidArgument);
  // A full mempool.
  AppExecutor small(app, store, ExecutorConfig{"test-chain", 1, 1 << 20});
  small.recover();
  CHECK(small.submit(Payments::transfer(bank_key(1), "test-chain", 0, bank_key(1).public_key(), 1)).code ==
        TxCode::invalid);  // a transfer to oneself: refused by the application
  REQUIRE(small.submit(Payments::transfer(bank_key(1), "test-chain", 0, bank_key(2).public_key(), 1)).ok());
  const auto full = small.submit(Payments::transfer(bank_key(1), "test-chain", 1, bank_key(2).public_key(), 1));
  CHECK(full.code == TxCode::mempool_full);  // the node's limit, not the application's: try again later
  CHECK(full.reason == "mempool full");
}

TEST_CASE("app executor: the re-check after a commit runs in slices - submit and propose finish it first - what a "
          "commit made invalid is dropped",
          "[consensus][app][executor]") {
  Payments app("test-chain");
  MemoryAppStore store;
  AppExecutor exec(app, store, ExecutorConfig{"test-chain", 100, 1 << 20});
  Genesis genesis;
  genesis.chain_id = "test-chain";
  const auto a = bank_key(1), b = bank_key(2), c = bank_key(3);
  genesis.app_state = Payments::genesis({{a.public_key(), 100}, {b.public_key(), 0}, {c.public_key(), 50}});
  exec.init_chain(genesis);
  const auto a0 = Payments::transfer(a, "test-chain", 0, b.public_key(), 60);
  const auto a1_other = Payments::transfer(a, "test-chain", 0, c.public_key(), 30);  // the same nonce: a rival
  REQUIRE(exec.submit(a0).ok());
  for (std::uint64_t n = 0; n < 5; ++n) REQUIRE(exec.submit(Payments::transfer(c, "test-chain", n, b.public_key(), 1)).ok());
  CHECK(exec.pending_rechecks() == 0);
  // A block that another proposer made: a1_other (nonce 0 of a) and c's first transfer.
  const std::vector<Bytes> decided = {a1_other, Payments::transfer(c, "test-chain", 0, b.public_key(), 1)};
  const auto body = transactions_to_bytes(decided);
  Block blk;
  blk.header.chain_id = "test-chain";
  blk.header.height = 1;
  blk.header.app_hash = store.app_hash(0);
  blk.body = body;
  blk.header.tx_root = tx_root_of(blk.body);
  const auto& results = exec.commit(Decision{blk, CommitCertificate{1, 0, blk.hash(), std::vector<bool>(4, true), {}}});
  CHECK(results.results.size() == 2);
  // The block's ids, in order, as the node's committed-transaction index reads them.
  REQUIRE(exec.committed_ids().size() == 2);
  for (std::size_t i = 0; i < decided.size(); ++i) CHECK((exec.committed_ids()[i] == Hash32{Sha256::hash(decided[i])}));
  // c's nonce 0 left with the block; a0 (nonce 0 again) and c's 1..4 wait for the re-check.
  CHECK(exec.mempool_size() == 5);
  CHECK(exec.pending_rechecks() == 5);
  CHECK(exec.recheck(1) == 4);           // a0 is refused (nonce 0 was used) and dropped
  CHECK(exec.mempool_size() == 4);
  CHECK(exec.recheck(2) == 2);           // c's 1 and 2 pass
  CHECK(exec.mempool_size() == 4);
  // A submission finishes the re-check first: c's nonce 5 follows 4.
  CHECK(exec.submit(Payments::transfer(c, "test-chain", 5, b.public_key(), 1)).ok());
  CHECK(exec.pending_rechecks() == 0);
  CHECK(exec.mempool_size() == 5);
  CHECK_FALSE(exec.submit(a0).ok());  // still refused: its nonce is spent
  const auto proposal = exec.propose(RequestProposal{2, 0, blk.hash(), 1 << 20}, 0, 0);
  CHECK(transactions_from_bytes(proposal.body).size() == 5);
}

TEST_CASE("app executor: submit_many gives submit's verdicts, its signatures verified in one batch - and the ids "
          "it keyed them by",
          "[consensus][app][executor]") {
  // Two executors over two applications and stores: one admits one by one,
  // the other in a batch; every verdict must match.
  Genesis genesis;
  genesis.chain_id = "test-chain";
  genesis.app_state = Payments::genesis({{bank_key(1).public_key(), 100}, {bank_key(2).public_key(), 100}});
  std::vector<Bytes> txs;
  for (std::uint64_t n = 0; n < 20; ++n) txs.push_back(Payments::transfer(bank_key(1), "test-chain", n, bank_key(2).public_key(), 1));
  txs.push_back(txs[3]);                                                                          // a duplicate
  txs.push_back(Payments::transfer(bank_key(2), "test-chain", 0, bank_key(1).public_key(), 500));  // an overdraft
  Bytes forged = Payments::transfer(bank_key(2), "test-chain", 1, bank_key(1).public_key(), 1);
  forged.back() ^= std::byte{1};  // the signature's last byte
  txs.push_back(forged);
  txs.push_back(to_bytes(std::string_view("not a transaction")));
  txs.push_back(Payments::transfer(bank_key(2), "test-chain", 0, bank_key(1).public_key(), 5));
  std::vector<TxVerdict> one_by_one, batched;
  {
    Payments app("test-chain");
    MemoryAppStore store;
    AppExecutor exec(app, store, ExecutorConfig{"test-chain", 100, 1 << 20});
    exec.init_chain(genesis);
    for (const auto& tx : txs) one_by_one.push_back(exec.submit(tx));
  }
  {
    Payments app("test-chain");
    MemoryAppStore store;
    AppExecutor exec(app, store, ExecutorConfig{"test-chain", 100, 1 << 20});
    exec.init_chain(genesis);
    batched = exec.submit_many(txs);
    // The ids it keys the mempool by, in the batch's order, refused ones too.
    const auto ids = exec.submitted_ids();
    REQUIRE(ids.size() == txs.size());
    for (std::size_t i = 0; i < txs.size(); ++i) CHECK(ids[i].v == Sha256::hash(txs[i]));
    (void)exec.submit_many(std::span(txs).first(2));
    CHECK(exec.submitted_ids().size() == 2);  // the last call's only
  }
  REQUIRE(batched.size() == txs.size());
  for (std::size_t i = 0; i < txs.size(); ++i) {
    INFO("transaction " << i);
    CHECK(batched[i].code == one_by_one[i].code);
    CHECK(batched[i].reason == one_by_one[i].reason);
  }
  CHECK(batched[0].ok());
  CHECK(batched[20].code == TxCode::invalid);  // already in the mempool
  CHECK(batched[22].code == TxCode::bad_signature);
  CHECK(batched[24].ok());
}
