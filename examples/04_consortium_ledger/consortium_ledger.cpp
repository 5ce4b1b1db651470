// Example 04: a consortium ledger of banks. N bank nodes (privfin-node
// processes on 127.0.0.1, TLS between them) run the payments application;
// a load generator sends signed transfers through the nodes' client APIs;
// then the nodes are perturbed one at a time (kill -9 and restart, SIGSTOP
// and SIGCONT, a network disconnect, and a Byzantine node that equivocates
// from a test-only configuration); at the end every node must hold the same
// blocks, the restarted and disconnected nodes must have caught up, the
// evidence must name the equivocator, and every balance must equal a
// plaintext replay of the committed transfers.
//
// Both engines: the Tendermint-form one (default), and Gosig (--engine
// gosig, rounds of two --stage-ms stages, 500 ms each by default: about 1 s
// rounds).
//
// The links between nodes run through relays in this program
// (net::TcpRelay), so that a disconnect is a real one: the node's TLS
// connections break and its peers cannot reach it, as with a cut cable.
//
//   consortium_ledger [--nodes 4] [--heights 1000] [--transfers 4000] [--out DIR] [--node-program PATH]
//                     [--engine tendermint|gosig] [--stage-ms 500]
//
// Prints committed tx/s, commit latency p50/p99 and each node's traffic;
// exit 0 when every check passes, 1 otherwise.
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <algorithm>
#include <atomic>
#include <mutex>
#include <csignal>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "privfin/consensus/apps/payments.hpp"
#include "privfin/consensus/apps/signed_tx.hpp"
#include "privfin/consensus/crypto.hpp"
#include "privfin/core/codec.hpp"
#include "privfin/core/hash.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/node/api_client.hpp"
#include "privfin/node/genesis.hpp"
#include "privfin/net/party_config.hpp"
#include "privfin/net/tcp_relay.hpp"
#include "privfin/net/tcp_network.hpp"
#include "privfin/service/child_process.hpp"
#include "privfin/service/key_file.hpp"

namespace {

namespace fs = std::filesystem;
using namespace privfin;
using Clock = std::chrono::steady_clock;
using consensus::Height;

#ifndef PRIVFIN_NODE_PROGRAM
#define PRIVFIN_NODE_PROGRAM "privfin-node"
#endif

struct Options {
  std::size_t nodes = 4, transfers = 4000;
  Height heights = 1000;
  fs::path out, node_program = PRIVFIN_NODE_PROGRAM;
  std::uint16_t base_port = 0;
  std::string engine = "tendermint";
  std::uint64_t stage_ms = 500;  // Gosig: each of its two stages
};

bool wait_until(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto deadline = Clock::now() + limit;
  while (!done()) {
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return true;
}

// The node processes (service::ChildProcess: output in node<i>.log, never
// left running) and their client APIs.
class Cluster {
 public:
  Cluster(const Options& o, fs::path dir) : o_(o), dir_(std::move(dir)), procs_(o.nodes) {}
  void start(std::size_t i) {
    procs_[i] = service::ChildProcess::start(
        {o_.node_program.string(), "run", "--config", (dir_ / ("node" + std::to_string(i) + ".json")).string()},
        dir_ / ("node" + std::to_string(i) + ".log"));
  }
  void kill9(std::size_t i) { (void)procs_[i].kill(); }
  void signal(std::size_t i, int sig) { (void)procs_[i].signal(sig); }
  // SIGTERM and wait (SIGKILL after 20 s); true if it exited with 0.
  bool stop(std::size_t i) { return procs_[i].stop(std::chrono::seconds(20)).succeeded(); }
  // Names every node process that has ended (for a failed check: a node
  // that died says how).
  void report_ended() {
    for (std::size_t i = 0; i < procs_.size(); ++i) {
      const int pid = procs_[i].pid();
      if (const auto ended = procs_[i].poll()) std::printf("node %zu (pid %d): %s\n", i, pid, ended->describe().c_str());
    }
  }
  // SIGTERM to all; true if each exited with 0 within 20 s.
  bool stop_all() {
    for (const auto& p : procs_) (void)p.signal(SIGTERM);
    bool clean = true;
    for (auto& p : procs_) {
      // A node that had ended before is not clean (report_ended said how).
      clean = (p.pid() > 0 && p.stop(std::chrono::seconds(20)).succeeded()) && clean;
    }
    return clean;
  }
  node::ApiClient api(std::size_t i) const {
    return node::ApiClient("127.0.0.1:" + std::to_string(o_.base_port + 100 + i),
                           (dir_ / ("api" + std::to_string(i) + ".crt")).string());
  }
  // Node i's committed height (0 while it is down), over a kept-alive
  // connection: a TLS handshake per poll would cost the nodes more than
  // the polling is worth.
  Height height(std::size_t i) {
    try {
      if (!watchers_[i]) watchers_[i].emplace(api(i));
      return watchers_[i]->status().height;
    } catch (const Error&) {
      watchers_[i].reset();
      return 0;  // down or stopped
    }
  }

 private:
  const Options& o_;
  fs::path dir_;
  std::vector<service::ChildProcess> procs_;
  std::vector<std::optional<node::ApiClient>> watchers_{o_.nodes};
};

void edit_json(const fs::path& file, const std::function<void(nlohmann::json&)>& edit) {
  const Bytes raw = service::read_public_file(file);
  auto j = nlohmann::json::parse(std::string(reinterpret_cast<const char*>(raw.data()), raw.size()));
  edit(j);
  service::write_public_file(file, as_bytes(std::string(j.dump(2) + "\n")));
}

// Every link between two nodes through a relay: node hi dials node lo
// (hi > lo) at relay (lo, hi), which forwards to lo's own port. Each node
// gets its own copy of the cluster file (cluster<i>.json) naming the relays
// it dials. disconnect(k) cuts every link of node k.
class Links {
 public:
  Links(const fs::path& dir, std::size_t n) : n_(n) {
    const auto cluster = net::PartyConfig::load(dir / "cluster.json");
    for (std::size_t lo = 0; lo < n; ++lo) {
      for (std::size_t hi = lo + 1; hi < n; ++hi) {
        relays_.push_back(std::make_unique<net::TcpRelay>("127.0.0.1", 0, "127.0.0.1", cluster.parties[lo].port));
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      net::PartyConfig mine = cluster;
      for (std::size_t lo = 0; lo < i; ++lo) mine.parties[lo].port = relay(lo, i).port();
      const std::string name = "cluster" + std::to_string(i) + ".json";
      mine.save(dir / name);
      const fs::path node_file = dir / ("node" + std::to_string(i) + ".json");
      edit_json(node_file, [&](nlohmann::json& j) { j["cluster"] = name; });
    }
  }
  void disconnect(std::size_t k, bool cut) {
    for (std::size_t other = 0; other < n_; ++other) {
      if (other == k) continue;
      auto& r = relay(std::min(k, other), std::max(k, other));
      cut ? r.cut() : r.restore();
    }
  }

 private:
  net::TcpRelay& relay(std::size_t lo, std::size_t hi) {
    // Pairs in order (0,1) (0,2) ... (0,n-1) (1,2) ...
    const std::size_t before = lo * n_ - lo * (lo + 1) / 2;
    return *relays_[before + (hi - lo - 1)];
  }
  std::size_t n_;
  std::vector<std::unique_ptr<net::TcpRelay>> relays_;
};

// Sets or clears a node's test-only behaviour in its JSON file.
void set_behaviour(const fs::path& dir, std::size_t i, const std::string& behaviour) {
  edit_json(dir / ("node" + std::to_string(i) + ".json"), [&](nlohmann::json& j) {
    if (behaviour.empty()) {
      j.erase("test_only_behaviour");
    } else {
      j["test_only_behaviour"] = behaviour;
    }
  });
}

// The plaintext replay of the payments application's rules (apps/payments.hpp).
struct Replay {
  std::string chain_id;
  // Keyed by the account's public key in hex.
  std::map<std::string, std::uint64_t> balance;
  std::map<std::string, std::uint64_t> nonce;
  std::size_t ok = 0, refused = 0, governance = 0;

  void apply(const Bytes& tx) {
    consensus::apps::SignedTx s;
    Bytes payee;
    std::uint64_t amount = 0;
    try {
      s = consensus::apps::SignedTx::from_bytes(tx);
      if (s.kind == consensus::apps::Payments::kind_validators) {  // moves no money
        ++governance;
        return;
      }
      Reader r(s.payload);
      const auto p = r.raw(32, "payee");
      payee.assign(p.begin(), p.end());
      amount = r.u64("amount");
      r.expect_end("transfer");
    } catch (const DecodeError&) {
      ++refused;
      return;
    }
    const std::string from = to_hex(s.signer), to = to_hex(payee);
    if (s.kind != consensus::apps::Payments::kind_transfer || !s.verify(chain_id) || s.nonce != nonce[from] ||
        !balance.contains(from) || !balance.contains(to) || amount == 0 || from == to || amount > balance[from]) {
      ++refused;
      return;
    }
    ++nonce[from];
    balance[from] -= amount;
    balance[to] += amount;
    ++ok;
  }
};

std::uint64_t be64(const Bytes& b) {
  std::uint64_t v = 0;
  for (auto x : b) v = (v << 8) | std::to_integer<std::uint64_t>(x);
  return v;
}

// A base port whose node and API ports (base + i, base + 100 + i) are free
// now. Candidates lie below Linux's ephemeral range (32768 and up), so the
// kernel never hands them to an outgoing connection; the start depends on
// the pid so that concurrent runs tend to try different ones, and every
// port is probed by binding it.
std::uint16_t free_base_port(std::size_t nodes) {
  constexpr unsigned first = 20'000, slots = 60, step = 200;
  for (unsigned attempt = 0; attempt < slots; ++attempt) {
    const auto base = static_cast<std::uint16_t>(first + ((static_cast<unsigned>(::getpid()) + attempt) % slots) * step);
    bool free = true;
    for (std::size_t i = 0; i < nodes && free; ++i) {
      for (const std::size_t offset : {i, 100 + i}) {
        try {
          (void)net::TcpListener::bind("127.0.0.1", static_cast<std::uint16_t>(base + offset));
        } catch (const NetworkError&) {
          free = false;
          break;
        }
      }
    }
    if (free) return base;
  }
  throw NetworkError("no free block of ports in 20000..32000 for the nodes (pass --base-port)");
}

int run(Options o) {
  const fs::path dir = o.out / "chain";
  if (o.base_port == 0) o.base_port = free_base_port(o.nodes);
  const bool gosig = o.engine == "gosig";
  std::printf("== init: %zu bank nodes in %s, engine %s\n", o.nodes, dir.string().c_str(), o.engine.c_str());
  std::vector<std::string> init_args = {o.node_program.string(), "init", "--validators", std::to_string(o.nodes),
                                        "--banks", std::to_string(o.nodes), "--out", dir.string(), "--base-port",
                                        std::to_string(o.base_port), "--engine", o.engine};
  if (gosig) {
    init_args.insert(init_args.end(), {"--stage-one-ms", std::to_string(o.stage_ms), "--stage-two-ms",
                                       std::to_string(o.stage_ms), "--candidates", "2"});
  }
  auto init = service::ChildProcess::start(init_args, o.out / "init.log");
  const auto init_ended = init.wait(std::chrono::minutes(5));
  if (!init_ended || !init_ended->succeeded()) throw Error("privfin-node init failed (see init.log)");
  const auto genesis = node::GenesisDocument::from_bytes(service::read_public_file(dir / "genesis.bin", std::size_t{32} << 20));
  std::vector<sig::Ed25519SecretKey> banks;
  for (std::size_t k = 0; k < o.nodes; ++k) {
    banks.push_back(service::load_ed25519_secret_key(dir / ("bank" + std::to_string(k) + ".key")));
  }

  Links links(dir, o.nodes);
  Cluster cluster(o, dir);
  for (std::size_t i = 0; i < o.nodes; ++i) cluster.start(i);
  auto all_at = [&](Height h) {
    for (std::size_t i = 0; i < o.nodes; ++i) {
      if (cluster.height(i) < h) return false;
    }
    return true;
  };
  if (!wait_until([&] { return all_at(2); }, std::chrono::seconds(60))) throw Error("the nodes did not start");

  // ---- load: signed transfers; a follower thread reads node 0's blocks
  // meanwhile and times each transfer from its submission to its commit.
  std::printf("== load: %zu transfers\n", o.transfers);
  Prg prg(random_seed());
  std::vector<std::uint64_t> next_nonce(banks.size(), 0);
  std::mutex mutex;
  std::map<std::string, Clock::time_point> submitted;
  std::vector<double> latency_ms;
  std::vector<node::ApiClient> apis;
  for (std::size_t i = 0; i < o.nodes; ++i) apis.push_back(cluster.api(i));
  const Height load_from = apis[0].status().height + 1;
  // Each bank sends its own transfers through its own node (bank k, node
  // k), in nonce order, in batches of 100, all banks at once; signed
  // beforehand, since a bank's signing is not the chain's cost.
  std::vector<std::vector<std::vector<Bytes>>> batches(banks.size());
  for (std::size_t sent = 0, batch = 0; sent < o.transfers; ++batch) {
    const std::size_t from = batch % banks.size();
    std::vector<Bytes> txs;
    for (std::size_t k = 0; k < 100 && sent < o.transfers; ++k, ++sent) {
      const std::size_t to = (from + 1 + prg.next_u64() % (banks.size() - 1)) % banks.size();
      txs.push_back(consensus::apps::Payments::transfer(banks[from], genesis.chain_id, next_nonce[from]++,
                                                        banks[to].public_key(), 1 + prg.next_u64() % 1000));
    }
    batches[from].push_back(std::move(txs));
  }
  const auto t0 = Clock::now();
  auto last_commit = t0;
  std::atomic<bool> submitting{true};
  std::thread follower([&] {
    node::ApiClient api = cluster.api(0);
    Height next = load_from;
    const auto deadline = Clock::now() + std::chrono::seconds(300);
    while (Clock::now() < deadline) {
      {
        const std::lock_guard lock(mutex);
        if (!submitting && latency_ms.size() == submitted.size()) return;
      }
      const Height top = api.status().height;
      for (; next <= top; ++next) {
        const auto d = api.block(next);
        const auto seen = Clock::now();
        const std::lock_guard lock(mutex);
        for (const auto& tx : consensus::transactions_from_bytes(d.block.body)) {
          const auto it = submitted.find(to_hex(Sha256::hash(tx)));
          if (it == submitted.end()) continue;
          latency_ms.push_back(std::chrono::duration<double, std::milli>(seen - it->second).count());
          last_commit = seen;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  std::vector<std::string> refusals(banks.size());
  std::vector<std::thread> submitters;
  for (std::size_t from = 0; from < banks.size(); ++from) {
    submitters.emplace_back([&, from] {
      try {
        node::ApiClient api = cluster.api(from);
        for (const auto& txs : batches[from]) {
          const auto now = Clock::now();
          {
            // Recorded before the node may commit them.
            const std::lock_guard lock(mutex);
            for (const auto& tx : txs) submitted.emplace(to_hex(Sha256::hash(tx)), now);
          }
          for (const auto& s : api.submit_batch(txs)) {
            if (!s.verdict.ok()) throw Error("a transfer was refused at admission: " + s.verdict.reason);
          }
        }
      } catch (const std::exception& e) {
        refusals[from] = e.what();
      }
    });
  }
  for (auto& t : submitters) t.join();
  const double submit_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  for (const auto& r : refusals) {
    if (!r.empty()) {
      submitting = false;
      follower.join();
      throw Error(r);
    }
  }
  submitting = false;
  follower.join();
  bool ok = latency_ms.size() == submitted.size();
  std::sort(latency_ms.begin(), latency_ms.end());
  const auto pct = [&](double p) {
    return latency_ms.empty() ? 0.0 : latency_ms[std::min(latency_ms.size() - 1, static_cast<std::size_t>(p * static_cast<double>(latency_ms.size())))];
  };
  const double seconds = std::chrono::duration<double>(last_commit - t0).count();
  std::printf("submitted in %.2f s; ", submit_seconds);
  std::printf("committed %zu of %zu transfers in %.2f s: %.0f tx/s, latency p50 %.0f ms, p99 %.0f ms\n",
              latency_ms.size(), submitted.size(), seconds, seconds > 0 ? static_cast<double>(latency_ms.size()) / seconds : 0.0, pct(0.5),
              pct(0.99));

  // ---- perturbations, one node at a time
  const std::size_t victim = o.nodes - 1, sleeper = 1;
  std::printf("== kill -9 node %zu, then restart it\n", victim);
  cluster.kill9(victim);
  const Height at_kill = apis[0].status().height;
  ok &= wait_until([&] { return cluster.height(0) >= at_kill + 20; }, std::chrono::seconds(60));
  cluster.start(victim);
  const Height catch_up = cluster.height(0) + 2;
  const bool caught_up = wait_until([&] { return cluster.height(victim) >= catch_up; }, std::chrono::seconds(60));
  std::printf("node %zu %s height %llu\n", victim, caught_up ? "caught up past" : "did NOT catch up to",
              static_cast<unsigned long long>(catch_up));
  ok &= caught_up;
  std::printf("== SIGSTOP node %zu for 3 s, then SIGCONT\n", sleeper);
  cluster.signal(sleeper, SIGSTOP);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  cluster.signal(sleeper, SIGCONT);
  const Height resume = cluster.height(0) + 2;
  const bool resumed = wait_until([&] { return cluster.height(sleeper) >= resume; }, std::chrono::seconds(60));
  std::printf("node %zu %s\n", sleeper, resumed ? "caught up" : "did NOT catch up");
  ok &= resumed;

  const std::size_t cut_off = 2;  // a node whose links are cut, then a Byzantine one
  std::printf("== disconnect node %zu from every peer for 5 s\n", cut_off);
  links.disconnect(cut_off, true);
  const Height at_cut = cluster.height(0);
  std::this_thread::sleep_for(std::chrono::seconds(5));
  const Height others_at = cluster.height(0), cut_at = cluster.height(cut_off);
  links.disconnect(cut_off, false);
  std::printf("meanwhile the others went from height %llu to %llu, node %zu stood at %llu\n",
              static_cast<unsigned long long>(at_cut), static_cast<unsigned long long>(others_at), cut_off,
              static_cast<unsigned long long>(cut_at));
  ok &= others_at > at_cut && cut_at <= at_cut + 1;
  const Height rejoin = cluster.height(0) + 2;
  const bool rejoined = wait_until([&] { return cluster.height(cut_off) >= rejoin; }, std::chrono::seconds(60));
  std::printf("node %zu %s\n", cut_off, rejoined ? "reconnected and caught up" : "did NOT catch up");
  ok &= rejoined;

  std::printf("== node %zu restarts as a Byzantine validator (test-only configuration: equivocate)\n", cut_off);
  cluster.stop(cut_off);
  set_behaviour(dir, cut_off, "equivocate");
  cluster.start(cut_off);
  const Height byzantine_until = cluster.height(0) + 3 * o.nodes;  // it proposes a few of these heights
  ok &= wait_until([&] { return cluster.height(0) >= byzantine_until; }, std::chrono::seconds(120));
  consensus::BlsCrypto verifier(genesis.validators, std::nullopt);
  std::size_t pieces = 0, naming_it = 0;
  for (std::size_t i = 0; i < o.nodes; ++i) {
    if (i == cut_off) continue;
    for (const auto& e : apis[i].evidence()) {
      ++pieces;
      naming_it += e.first.voter == cut_off &&
                   consensus::verify_evidence(verifier, genesis.validators, genesis.chain_id, e);
    }
  }
  std::printf("evidence held by the honest nodes: %zu pieces, %zu signed by validator %zu and verified\n", pieces,
              naming_it, cut_off);
  ok &= pieces > 0 && naming_it == pieces;
  cluster.stop(cut_off);
  set_behaviour(dir, cut_off, "");
  cluster.start(cut_off);
  std::printf("node %zu restarted honest\n", cut_off);
  if (!ok) cluster.report_ended();

  if (!gosig) {  // Gosig keeps its genesis set (docs/consensus.md, "Validator-set changes")
    // ---- the members re-weight the set: the last bank's node to 1, the
    // others to 2; every member but the last approves with its identity key.
    const std::size_t light = o.nodes - 1;
    std::printf("== validator-set change: weight 2 for nodes 0-%zu, 1 for node %zu, approved by nodes 0-%zu\n",
                light - 1, light, light - 1);
    std::vector<consensus::ValidatorChange> changes;
    for (std::size_t i = 0; i < o.nodes; ++i) changes.push_back({genesis.validators.at(static_cast<consensus::NodeId>(i)).bls_key, i == light ? 1U : 2U});
    std::vector<consensus::apps::Payments::Approval> approvals;
    for (std::size_t i = 0; i < light; ++i) {
      const auto identity = service::load_ed25519_secret_key(dir / ("identity" + std::to_string(i) + ".key"));
      approvals.push_back(consensus::apps::Payments::approve(identity, static_cast<consensus::NodeId>(i),
                                                             genesis.chain_id, 0, changes));
    }
    const auto submitter = service::load_ed25519_secret_key(dir / "identity0.key");  // its first transaction
    const auto admitted = apis[0].submit(
        consensus::apps::Payments::validator_change(submitter, genesis.chain_id, 0, 0, changes, approvals));
    std::optional<node::Committed> done;
    if (admitted.verdict.ok()) {
      ok &= wait_until([&] { return (done = apis[0].transaction(admitted.hash)).has_value(); }, std::chrono::seconds(60));
    } else {
      std::printf("the change was refused: %s\n", admitted.verdict.reason.c_str());
      ok = false;
    }
    if (done) {
      const Height hc = done->height;
      const auto next = consensus::apply_changes(genesis.validators, changes);
      ok &= done->result.ok() && wait_until([&] { return all_at(hc + 3); }, std::chrono::seconds(60));
      const bool lag = apis[0].block(hc + 1).block.header.validators_hash == genesis.validators.hash() &&
                       apis[0].block(hc + 2).block.header.validators_hash == next.hash();
      std::size_t agree = 0;
      for (std::size_t i = 0; i < o.nodes; ++i) {
        const auto q = apis[i].query("validators", {}, 0, false);
        agree += q.value && consensus::ValidatorSet::from_bytes(*q.value) == next ? 1U : 0U;
      }
      std::printf("committed at height %llu: block %llu is the last the old set signed, %llu the first of the new "
                  "(%s); %zu of %zu nodes report the new set\n",
                  static_cast<unsigned long long>(hc), static_cast<unsigned long long>(hc + 1),
                  static_cast<unsigned long long>(hc + 2), lag ? "as documented" : "NOT as documented", agree, o.nodes);
      ok &= lag && agree == o.nodes;
    }
  }

  // ---- run to the target height, then compare everything
  std::printf("== run to height %llu\n", static_cast<unsigned long long>(o.heights));
  ok &= wait_until([&] { return all_at(o.heights); }, std::chrono::seconds(600));
  const Height h = o.heights;
  Replay replay{genesis.chain_id, {}, {}, 0, 0};
  for (const auto& a : consensus::apps::Payments::genesis_from_bytes(genesis.app_state)) replay.balance[to_hex(a.owner)] = a.balance;
  std::size_t mismatched_blocks = 0;
  for (Height k = 1; k <= h; ++k) {
    const auto d0 = apis[0].block(k);
    for (std::size_t i = 1; i < o.nodes; ++i) mismatched_blocks += apis[i].block(k).block.hash() == d0.block.hash() ? 0U : 1U;
    for (const auto& tx : consensus::transactions_from_bytes(d0.block.body)) replay.apply(tx);
  }
  std::printf("blocks 1-%llu: %zu differ between nodes; replay: %zu transfers ok, %zu refused, %zu validator changes\n",
              static_cast<unsigned long long>(h), mismatched_blocks, replay.ok, replay.refused, replay.governance);
  ok &= mismatched_blocks == 0;
  std::size_t wrong_balances = 0;
  for (std::size_t i = 0; i < o.nodes; ++i) {
    for (const auto& b : banks) {
      const auto q = apis[i].query("balance", b.public_key(), h, false);
      if (!q.value || be64(*q.value) != replay.balance[to_hex(b.public_key())]) ++wrong_balances;
    }
  }
  std::printf("balances at height %llu: %zu of %zu differ from the plaintext replay\n",
              static_cast<unsigned long long>(h), wrong_balances, o.nodes * banks.size());
  ok &= wrong_balances == 0;
  for (std::size_t i = 0; i < o.nodes; ++i) {
    const auto m = apis[i].metrics();
    const auto value = [&](const std::string& name) {
      std::istringstream lines(m);
      for (std::string line; std::getline(lines, line);) {
        if (line.rfind(name + " ", 0) == 0) return line.substr(name.size() + 1);
      }
      return std::string("?");
    };
    std::printf("node %zu: sent %s messages / %s bytes, received %s / %s\n", i,
                value("privfin_bus_messages_sent_total").c_str(), value("privfin_bus_bytes_sent_total").c_str(),
                value("privfin_bus_messages_received_total").c_str(), value("privfin_bus_bytes_received_total").c_str());
  }
  apis.clear();
  if (!ok) cluster.report_ended();
  const bool clean = cluster.stop_all();
  std::printf("SIGTERM: %s\n", clean ? "every node stopped cleanly" : "a node did NOT stop cleanly");
  ok &= clean;
  std::printf(ok ? "all checks passed\n" : "CHECKS FAILED\n");
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App cli{"Example 04: a consortium ledger of banks (privfin-node processes, payments, perturbations)"};
  cli.add_option("--nodes", o.nodes, "bank nodes (4 to 7)")->check(CLI::Range(4, 7));
  cli.add_option("--heights", o.heights, "run until every node has committed this height");
  cli.add_option("--transfers", o.transfers, "signed transfers the load generator sends");
  cli.add_option("--out", o.out, "working folder (default: a fresh temporary one, removed at the end)");
  cli.add_option("--node-program", o.node_program, "the privfin-node executable");
  cli.add_option("--base-port", o.base_port, "node i listens on base-port + i, its API on base-port + 100 + i");
  cli.add_option("--engine", o.engine, "tendermint (default) or gosig")->check(CLI::IsMember({"tendermint", "gosig"}));
  cli.add_option("--stage-ms", o.stage_ms, "Gosig: the length of each of its two stages (default 500)")
      ->check(CLI::Range(10, 60'000));
  CLI11_PARSE(cli, argc, argv);
  // A node killed on purpose closes its sockets: a write to one must fail, not kill us.
  std::signal(SIGPIPE, SIG_IGN);
  bool temporary = false;
  if (o.out.empty()) {
    std::string pattern = (fs::temp_directory_path() / "consortium-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) return 1;
    o.out = pattern;
    temporary = true;
  }
  int code = 1;
  try {
    code = run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "consortium_ledger: %s\n", e.what());
  }
  if (temporary && code == 0) fs::remove_all(o.out);
  if (code != 0) std::fprintf(stderr, "logs kept in %s\n", o.out.string().c_str());
  return code;
}
