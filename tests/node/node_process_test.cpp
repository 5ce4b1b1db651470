// privfin-node as separate processes: `init` writes a 4-validator chain,
// four `run` processes agree over TLS, one is killed with SIGKILL and
// restarted from its RocksDB ledger, catches up, and every node reports the
// same blocks and app hashes; SIGTERM stops each cleanly.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "../../lib/node/api_json.hpp"
#include "net/net_test_support.hpp"
#include "privfin/service/child_process.hpp"

using namespace privfin;
using namespace std::chrono_literals;

namespace {

// A node or tool process with its output in `out`; killed and reaped if a
// failed REQUIRE leaves it running.
service::ChildProcess spawn(const std::vector<std::string>& args, const std::filesystem::path& out) {
  return service::ChildProcess::start(args, out);
}

// Waits up to `limit` for every process to end: exit codes (-1 for a
// signal or a process that had to be killed at the limit).
std::vector<int> exit_codes(std::vector<service::ChildProcess>& processes, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::vector<int> codes;
  for (auto& p : processes) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto ended = p.wait(std::max(left, std::chrono::milliseconds(0)));
    if (!ended) ended = p.kill();
    codes.push_back(ended->exit_status.value_or(-1));
  }
  return codes;
}

// SIGTERM to every process, then their exit codes.
std::vector<int> stop_all(std::vector<service::ChildProcess>& processes, std::chrono::seconds limit) {
  for (const auto& p : processes) (void)p.signal(SIGTERM);
  return exit_codes(processes, limit);
}

struct Commit {
  std::string block, app;
};

// "commit height H block B round R txs T ok K app A" lines of a node's output.
std::map<std::uint64_t, Commit> commits(const std::filesystem::path& out) {
  std::ifstream in(out);
  std::map<std::uint64_t, Commit> m;
  for (std::string line; std::getline(in, line);) {
    std::istringstream s(line);
    std::string word, height_word, block_word, block, round_word, round, txs_word, txs, ok_word, ok, app_word, app;
    std::uint64_t h = 0;
    if (s >> word >> height_word >> h >> block_word >> block >> round_word >> round >> txs_word >> txs >> ok_word >>
            ok >> app_word >> app &&
        word == "commit") {
      m[h] = Commit{block, app};
    }
  }
  return m;
}

std::uint64_t top(const std::filesystem::path& out) {
  const auto m = commits(out);
  return m.empty() ? 0 : m.rbegin()->first;
}

bool wait_for(const std::function<bool()>& done, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

// Waits (up to `limit`) until every node's output shows a commit of `height`,
// then stops them all with SIGTERM: their exit codes. Not `--until-height` on
// every node: the first nodes to reach it would exit, and one that lags a
// height behind would find no peer left to sync from.
std::vector<int> stop_when_all_at(std::vector<service::ChildProcess>& processes,
                                  const std::vector<std::filesystem::path>& outputs, std::uint64_t height,
                                  std::chrono::seconds limit) {
  (void)wait_for(
      [&] {
        for (const auto& o : outputs) {
          if (top(o) < height) return false;
        }
        return true;
      },
      limit);
  return stop_all(processes, 30s);
}

// A base port with `count` free ports after it, and as many from base + 100
// (the client APIs). The blocks lie in 10000..18100: below Linux's
// ephemeral range (32768 and up), so that no outgoing connection of any
// process takes a port a killed node must bind again when it restarts, and
// apart from example 04's 20000..32000.
std::uint16_t free_ports(std::size_t count) {
  const auto first = static_cast<std::size_t>(::getpid()) % 200;
  for (std::size_t tried = 0;; ++tried) {
    const auto base = static_cast<std::uint16_t>(10000 + ((first + tried) % 200) * 40);
    try {
      std::vector<net::TcpListener> probe;
      for (std::size_t i = 0; i < count; ++i) {
        probe.push_back(net::TcpListener::bind("127.0.0.1", static_cast<std::uint16_t>(base + i)));
        probe.push_back(net::TcpListener::bind("127.0.0.1", static_cast<std::uint16_t>(base + 100 + i)));
      }
      return base;
    } catch (const std::exception&) {
      if (tried == 199) throw;
    }
  }
}

std::string read_all(const std::filesystem::path& f) {
  std::ifstream in(f);
  std::ostringstream s;
  for (std::string line; std::getline(in, line);) s << line << '\n';
  return s.str();
}

// The last `count` lines of a node's output: what a failed wait shows.
std::string tail(const std::filesystem::path& f, std::size_t count) {
  std::ifstream in(f);
  std::deque<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    lines.push_back(std::move(line));
    if (lines.size() > count) lines.pop_front();
  }
  std::ostringstream s;
  for (const auto& line : lines) s << line << '\n';
  return s.str();
}

// Runs a program to its end (30 s at most): its exit code and output.
std::pair<int, std::string> run_program(const std::vector<std::string>& args, const std::filesystem::path& out) {
  std::filesystem::remove(out);
  std::vector<service::ChildProcess> one;
  one.push_back(spawn(args, out));
  const auto codes = exit_codes(one, std::chrono::seconds(30));
  return {codes[0], read_all(out)};
}

// Adds `fields` ("\"key\": value, ...") to a node's JSON file.
void add_fields(const std::filesystem::path& file, const std::string& fields) {
  std::string text = read_all(file);
  const auto end = text.rfind('}');
  REQUIRE(end != std::string::npos);
  text.insert(end, ", " + fields);
  std::ofstream(file) << text;
}

}  // namespace

TEST_CASE("privfin-node: four processes over TLS - one killed with SIGKILL restarts from its ledger and catches up",
          "[node][process]") {
  test::TempDir dir;
  const auto net_dir = dir.path() / "chain";
  const std::string program = PRIVFIN_NODE_PROGRAM;
  const auto base = free_ports(4);
  {
    std::vector<service::ChildProcess> init;
    init.push_back(spawn({program, "init", "--validators", "4", "--out", net_dir.string(), "--base-port",
                          std::to_string(base)},
                         dir.path() / "init.txt"));
    const auto codes = exit_codes(init, 60s);
    INFO(read_all(dir.path() / "init.txt"));
    REQUIRE(codes[0] == 0);
  }
  std::vector<service::ChildProcess> pids(4);
  auto out = [&](std::size_t i) { return dir.path() / ("node" + std::to_string(i) + ".txt"); };
  auto start = [&](std::size_t i) {
    std::vector<std::string> args = {program, "run", "--config", (net_dir / ("node" + std::to_string(i) + ".json")).string()};
    if (i == 0) {
      args.push_back("--load");
      args.push_back((net_dir / "bank0.key").string() + ":30");
    }
    pids[i] = spawn(args, out(i));
  };
  for (std::size_t i = 0; i < 4; ++i) start(i);
  const auto all_at = [&](std::uint64_t h) {
    for (std::size_t i = 0; i < 4; ++i) {
      if (top(out(i)) < h) return false;
    }
    return true;
  };
  // A wait that fails shows where each node stopped.
  const auto require_all_at = [&](std::uint64_t h) {
    const bool reached = wait_for([&] { return all_at(h); }, 60s);
    if (!reached) {
      for (std::size_t i = 0; i < 4; ++i) UNSCOPED_INFO("node " << i << ", last lines:\n" << tail(out(i), 60));
    }
    REQUIRE(reached);
  };
  require_all_at(4);
  // A bank pays through node 1's client API and waits for the commit; its
  // payee's balance is verified through node 3 against the genesis, and
  // again offline; another node's certificate is refused.
  const std::string client = PRIVFIN_CLIENT_PROGRAM;
  const auto api = [&](std::size_t i) {
    return std::vector<std::string>{client, "--node", "127.0.0.1:" + std::to_string(base + 100 + i), "--cacert",
                                     (net_dir / ("api" + std::to_string(i) + ".crt")).string()};
  };
  auto with = [](std::vector<std::string> a, std::initializer_list<std::string> more) {
    a.insert(a.end(), more);
    return a;
  };
  const auto paid = run_program(with(api(1), {"transfer", "--key", (net_dir / "bank2.key").string(), "--to-key",
                                              (net_dir / "bank3.key").string(), "--amount", "250", "--wait", "20"}),
                                dir.path() / "client.txt");
  INFO(paid.second);
  CHECK(paid.first == 0);
  CHECK(paid.second.find(": ok") != std::string::npos);
  // A balance is proved against the next header, whose app_hash certifies
  // the state after the height before it (docs/ledger.md): ask node 3 once
  // it holds the height after the payment's (with the chain paced at
  // 100 ms, that one may not exist yet when node 1 answers).
  const auto at = paid.second.find("committed at height ");
  REQUIRE(at != std::string::npos);
  const std::uint64_t paid_height = std::stoull(paid.second.substr(at + std::string("committed at height ").size()));
  REQUIRE(wait_for([&] { return top(out(3)) >= paid_height + 1; }, 20s));
  const auto bundle = (dir.path() / "bundle.json").string();
  const auto balance = run_program(with(api(3), {"balance", "--account-key", (net_dir / "bank3.key").string(),
                                                 "--genesis", (net_dir / "genesis.bin").string(), "--save", bundle}),
                                   dir.path() / "client.txt");
  INFO(balance.second);
  CHECK(balance.first == 0);
  CHECK(balance.second.find("verified: balance 1000250") != std::string::npos);
  const auto offline = run_program({client, "verify", "--genesis", (net_dir / "genesis.bin").string(), "--bundle", bundle},
                                   dir.path() / "client.txt");
  CHECK(offline.first == 0);
  CHECK(offline.second.find("verified: balance 1000250") != std::string::npos);
  {
    // The payment's block in both forms of GET /v1/block (the client above
    // asked for bytes): the same message. One connection carries many
    // requests (ClientApiOptions::keep_alive_requests; cpp-httplib's own
    // default closed it after 5).
    httplib::SSLClient http("127.0.0.1", static_cast<int>(base + 103));
    http.set_ca_cert_path((net_dir / "api3.crt").string().c_str());
    http.enable_server_certificate_verification(true);
    http.set_keep_alive(true);
    const std::string path = "/v1/block/" + std::to_string(paid_height);
    const auto as_json = http.Get(path);
    REQUIRE(as_json);
    REQUIRE(as_json->status == 200);
    CHECK(as_json->get_header_value("Content-Type") == "application/json");
    const Bytes from_json = node::api_json::decision(as_json->body);
    for (int i = 0; i < 12; ++i) {
      const auto as_bytes_answer = http.Get(path, {{"Accept", "application/octet-stream"}});
      REQUIRE(as_bytes_answer);
      REQUIRE(as_bytes_answer->status == 200);
      CHECK(as_bytes_answer->get_header_value("Content-Type") == "application/octet-stream");
      CHECK(equal_bytes(as_bytes(as_bytes_answer->body), from_json));
      CHECK(http.is_socket_open());
    }
    const auto missing = http.Get("/v1/block/999999999", {{"Accept", "application/octet-stream"}});
    REQUIRE(missing);
    CHECK(missing->status == 404);
    // A batch in both forms of POST /v1/txs: the same verdicts (one byte
    // is no transfer: refused, so no balance changes). Bytes with a lying
    // length are a 400 naming the defect.
    const std::vector<Bytes> junk{Bytes{std::byte{0}}, Bytes{std::byte{1}, std::byte{2}}};
    const auto as_json_submit = http.Post("/v1/txs", R"({"txs":["00","0102"]})", "application/json");
    REQUIRE(as_json_submit);
    REQUIRE(as_json_submit->status == 200);
    const auto from_json_submit = node::api_json::submitted_batch(as_json_submit->body);
    const Bytes request = node::api_json::txs_request_bytes(junk);
    const auto as_bytes_submit = http.Post("/v1/txs", {{"Accept", "application/octet-stream"}},
                                           reinterpret_cast<const char*>(request.data()), request.size(),
                                           "application/octet-stream");
    REQUIRE(as_bytes_submit);
    REQUIRE(as_bytes_submit->status == 200);
    CHECK(as_bytes_submit->get_header_value("Content-Type") == "application/octet-stream");
    const auto from_bytes_submit = node::api_json::submitted_batch_from_bytes(as_bytes(as_bytes_submit->body));
    REQUIRE(from_json_submit.size() == 2);
    REQUIRE(from_bytes_submit.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
      CHECK(from_bytes_submit[i].hash == from_json_submit[i].hash);
      CHECK(from_bytes_submit[i].verdict.code == from_json_submit[i].verdict.code);
      CHECK(from_bytes_submit[i].verdict.reason == from_json_submit[i].verdict.reason);
      CHECK(from_bytes_submit[i].verdict.code != consensus::TxCode::ok);
    }
    // GET /v1/status as a long poll: it answers once a height above
    // wait_above is committed (the chain commits every 100 ms or so), or
    // after wait_ms with the height as it is.
    const auto now_at = node::api_json::status(http.Get("/v1/status")->body).height;
    const auto next = http.Get("/v1/status?wait_above=" + std::to_string(now_at) + "&wait_ms=5000");
    REQUIRE(next);
    REQUIRE(next->status == 200);
    CHECK(node::api_json::status(next->body).height > now_at);
    const auto t0 = std::chrono::steady_clock::now();
    const auto not_yet = http.Get("/v1/status?wait_above=999999999&wait_ms=300");
    const auto waited = std::chrono::steady_clock::now() - t0;
    REQUIRE(not_yet);
    CHECK(not_yet->status == 200);
    CHECK(node::api_json::status(not_yet->body).height < 999999999);
    CHECK(waited >= std::chrono::milliseconds(250));
    CHECK(waited < std::chrono::seconds(4));
    for (const char* bad : {"/v1/status?wait_above=x", "/v1/status?wait_above=1&wait_ms=60000",
                            "/v1/status?wait_above=-1", "/v1/status?wait_above=99999999999999999999",
                            "/v1/evidence?from=-1", "/v1/evidence?from=2x", "/v1/query?path=balance&key=00&height=-1"}) {
      INFO(bad);
      const auto refused_wait = http.Get(bad);
      REQUIRE(refused_wait);
      CHECK(refused_wait->status == 400);
    }
    const std::string lying("\x01\x09\x00", 3);  // one transaction of 9 bytes, 1 present
    const auto refused = http.Post("/v1/txs", lying, "application/octet-stream");
    REQUIRE(refused);
    CHECK(refused->status == 400);
    CHECK(refused->body.find("txs request: transaction") != std::string::npos);
  }
  // The members retire node 3 (weight 0) and give node 0 weight 2 (so that
  // nodes 0 and 1 still hold a quorum when node 2 dies below): members 0,
  // 1 and 2 approve with
  // their identity keys, offline; anyone submits. From two heights after
  // its block the new set signs, and a balance still verifies against the
  // genesis alone (the light client accepts the new set: members holding
  // more than a third of the genesis weight signed under it).
  const auto genesis_bin = (net_dir / "genesis.bin").string();
  std::vector<std::string> approval_args;
  for (int m = 0; m < 3; ++m) {
    const auto file = dir.path() / ("approval" + std::to_string(m) + ".json");
    const auto approved = run_program({client, "approve", "--genesis", genesis_bin, "--key",
                                       (net_dir / ("identity" + std::to_string(m) + ".key")).string(), "--member",
                                       std::to_string(m), "--sequence", "0", "--weight", "0=2", "--weight", "3=0"},
                                      file);
    INFO(approved.second);
    REQUIRE(approved.first == 0);
    approval_args.push_back("--approval");
    approval_args.push_back(file.string());
  }
  const auto change_to = [&](const std::string& weight) {
    auto args = with(api(0), {"change-validators", "--genesis", genesis_bin, "--key", (net_dir / "bank1.key").string(),
                              "--sequence", "0", "--weight", "0=2", "--weight", weight, "--wait", "20"});
    args.insert(args.end(), approval_args.begin(), approval_args.end());
    return args;
  };
  const auto changed = run_program(change_to("3=0"), dir.path() / "client.txt");
  INFO(changed.second);
  CHECK(changed.first == 0);
  CHECK(changed.second.find(": ok") != std::string::npos);
  const std::uint64_t change_height = top(out(0));
  require_all_at(change_height + 3);
  const auto after = run_program(with(api(2), {"balance", "--account-key", (net_dir / "bank3.key").string(),
                                               "--genesis", genesis_bin, "--save", bundle}),
                                 dir.path() / "client.txt");
  INFO(after.second);
  CHECK(after.first == 0);
  CHECK(after.second.find("verified: balance 1000250") != std::string::npos);
  CHECK(read_all(bundle).find("\"validators\"") != std::string::npos);  // the new set travelled with it
  const auto offline_after = run_program({client, "verify", "--genesis", genesis_bin, "--bundle", bundle},
                                         dir.path() / "client.txt");
  CHECK(offline_after.first == 0);
  // Approvals of one change do not count for another (nor again: the sequence moved on).
  const auto refused_change = run_program(change_to("2=0"), dir.path() / "client.txt");
  CHECK(refused_change.first == 1);
  CHECK(refused_change.second.find("refused") != std::string::npos);
  auto wrong = api(0);
  wrong[4] = (net_dir / "api1.crt").string();
  const auto refused = run_program(with(wrong, {"status"}), dir.path() / "client.txt");
  CHECK(refused.first == 1);
  // Node 2 (it listens for node 3) dies mid-height.
  (void)pids[2].kill();
  const std::uint64_t killed_at = top(out(2));
  REQUIRE(wait_for([&] { return top(out(0)) >= killed_at + 5 && top(out(1)) >= killed_at + 5; }, 60s));
  start(2);
  const std::uint64_t target = top(out(0)) + 2;
  require_all_at(target);
  const auto codes = stop_all(pids, 30s);
  for (std::size_t i = 0; i < 4; ++i) {
    INFO("node " << i << ":\n" << read_all(out(i)));
    CHECK(codes[i] == 0);
    CHECK(read_all(out(i)).find("stopped at height") != std::string::npos);
  }
  // Every height any two nodes both committed: the same block and app hash.
  const auto reference = commits(out(0));
  for (std::size_t i = 1; i < 4; ++i) {
    for (const auto& [h, c] : commits(out(i))) {
      if (!reference.contains(h)) continue;
      INFO("node " << i << " height " << h);
      CHECK(c.block == reference.at(h).block);
      CHECK(c.app == reference.at(h).app);
    }
  }
  CHECK(read_all(out(2)).find("no safety record") != std::string::npos);  // its first start
  const auto restart = read_all(out(2)).rfind("start height ");
  REQUIRE(restart != std::string::npos);
  CHECK(read_all(out(2)).substr(restart, 14) != "start height 0");  // recovered its ledger
}

TEST_CASE("privfin-node: a Gosig chain (init --engine gosig) - four processes agree on payments over TLS - a node "
          "without its VRF key is refused",
          "[node][process][gosig]") {
  test::TempDir dir;
  const auto net_dir = dir.path() / "chain";
  const std::string program = PRIVFIN_NODE_PROGRAM;
  const auto base = free_ports(4);
  const auto [init_code, init_out] =
      run_program({program, "init", "--validators", "4", "--out", net_dir.string(), "--base-port", std::to_string(base),
                   "--engine", "gosig", "--stage-one-ms", "250", "--stage-two-ms", "250", "--candidates", "2"},
                  dir.path() / "init.txt");
  INFO(init_out);
  REQUIRE(init_code == 0);
  CHECK(init_out.find("engine gosig") != std::string::npos);
  // A node file without "vrf_key" cannot run a Gosig chain.
  {
    std::string text = read_all(net_dir / "node3.json");
    const auto at = text.find("\"vrf_key\"");
    REQUIRE(at != std::string::npos);
    text.replace(at, 9, "\"unused_key\"");  // the JSON stays valid; the node ignores unknown keys
    std::ofstream(net_dir / "novrf.json") << text;
    const auto [code, out] = run_program({program, "run", "--config", (net_dir / "novrf.json").string()},
                                         dir.path() / "novrf.txt");
    INFO(out);
    CHECK(code == 1);
    CHECK(out.find("needs \"vrf_key\"") != std::string::npos);
  }
  std::vector<service::ChildProcess> pids;
  auto out = [&](std::size_t i) { return dir.path() / ("node" + std::to_string(i) + ".txt"); };
  for (std::size_t i = 0; i < 4; ++i) {
    std::vector<std::string> args = {program, "run", "--config", (net_dir / ("node" + std::to_string(i) + ".json")).string()};
    if (i == 0) args.insert(args.end(), {"--load", (net_dir / "bank0.key").string() + ":20"});
    pids.push_back(spawn(args, out(i)));
  }
  // Generous: under a loaded machine (CI runs example 04 beside it) Gosig
  // rounds of 1 s can fail for a while; a healthy run ends in about 5 s.
  const auto codes = stop_when_all_at(pids, {out(0), out(1), out(2), out(3)}, 6, 240s);
  const auto reference = commits(out(0));
  std::uint64_t txs = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    INFO("node " << i << ":\n" << read_all(out(i)));
    CHECK(codes[i] == 0);
    CHECK(read_all(out(i)).find("engine gosig") != std::string::npos);
    const auto mine = commits(out(i));
    for (std::uint64_t h = 1; h <= 6; ++h) {
      REQUIRE(mine.contains(h));
      REQUIRE(reference.contains(h));
      CHECK(mine.at(h).block == reference.at(h).block);
      CHECK(mine.at(h).app == reference.at(h).app);
    }
  }
  // The load's transfers were committed ("txs T" of node 0's commit lines).
  std::ifstream in(out(0));
  for (std::string line; std::getline(in, line);) {
    const auto at = line.find(" txs ");
    if (line.rfind("commit ", 0) == 0 && at != std::string::npos) txs += std::stoull(line.substr(at + 5));
  }
  CHECK(txs > 0);
}

TEST_CASE("privfin-node: the JSON keys for snapshots, pruning, state sync and pacing - a wiped node restores from a "
          "peer's snapshot - a bad behaviour is refused",
          "[node][process][state-sync]") {
  test::TempDir dir;
  const auto net_dir = dir.path() / "chain";
  const std::string program = PRIVFIN_NODE_PROGRAM;
  const auto base = free_ports(4);
  const auto [init_code, init_out] = run_program(
      {program, "init", "--validators", "4", "--out", net_dir.string(), "--base-port", std::to_string(base)},
      dir.path() / "init.txt");
  INFO(init_out);
  REQUIRE(init_code == 0);
  const auto json = [&](std::size_t i) { return net_dir / ("node" + std::to_string(i) + ".json"); };
  for (std::size_t i = 0; i < 4; ++i) {
    // Node 0's compactions at nice 19, node 1's as they are, node 2
    // without a transaction index (the others: idle, the default, and an index).
    const std::string more = i == 3 ? ", \"state_sync\": true"
                             : i == 0 ? ", \"compaction_priority\": \"low\""
                             : i == 1 ? ", \"compaction_priority\": \"normal\""
                                      : ", \"tx_index\": false";
    add_fields(json(i), "\"snapshot_interval\": 5, \"retain_heights\": 10, \"min_block_interval_ms\": 40" + more);
  }
  {
    std::ofstream(net_dir / "bad.json") << read_all(json(3));
    add_fields(net_dir / "bad.json", "\"test_only_behaviour\": \"sleepy\"");
    const auto [code, out] = run_program({program, "run", "--config", (net_dir / "bad.json").string()},
                                         dir.path() / "bad.txt");
    INFO(out);
    CHECK(code != 0);
    CHECK(out.find("\"test_only_behaviour\" must be honest, equivocate or double-vote") != std::string::npos);
    for (const char* field : {"\"compaction_priority\": \"lazy\"", "\"tx_index\": 1", "\"proposal_quiet_ms\": 60001"}) {
      std::ofstream(net_dir / "bad.json") << read_all(json(3));
      add_fields(net_dir / "bad.json", field);
      const auto [bad_code, bad_out] = run_program({program, "run", "--config", (net_dir / "bad.json").string()},
                                                   dir.path() / "bad.txt");
      INFO(bad_out);
      CHECK(bad_code != 0);
      CHECK(bad_out.find(std::string(field).substr(0, std::string(field).find(':'))) != std::string::npos);
    }
  }
  std::vector<service::ChildProcess> pids(4);
  auto out = [&](std::size_t i) { return dir.path() / ("node" + std::to_string(i) + ".txt"); };
  auto start = [&](std::size_t i) {
    pids[i] = spawn({program, "run", "--config", json(i).string()}, out(i));
  };
  for (std::size_t i = 0; i < 3; ++i) start(i);  // three of four are a quorum
  INFO(read_all(out(0)));
  REQUIRE(wait_for([&] { return top(out(0)) >= 25 && top(out(1)) >= 25 && top(out(2)) >= 25; }, 60s));
  start(3);  // an empty data_dir, and the blocks below height - 10 are gone on every peer
  // Three heights past the chain's top when node 3 started, and three of its
  // own commits: a slow restore may pick a snapshot above that top, and then
  // its first commit alone would pass the first condition.
  const std::uint64_t target = top(out(0)) + 3;
  CHECK(wait_for([&] { return top(out(3)) >= target && commits(out(3)).size() >= 3; }, 60s));
  const auto codes = stop_all(pids, 30s);
  const std::string log3 = read_all(out(3));
  INFO("node 3:\n" << log3);
  for (std::size_t i = 0; i < 4; ++i) CHECK(codes[i] == 0);
  const auto restored = log3.find("state sync: restored height ");
  REQUIRE(restored != std::string::npos);
  const std::uint64_t snapshot = std::stoull(log3.substr(restored + 28));
  CHECK(snapshot >= 15);
  CHECK(snapshot % 5 == 0);  // every fifth height
  const auto reference = commits(out(0));
  std::size_t compared = 0;
  for (const auto& [h, c] : commits(out(3))) {
    CHECK(h > snapshot);  // nothing before the snapshot was replayed
    if (!reference.contains(h)) continue;
    CHECK(c.block == reference.at(h).block);
    CHECK(c.app == reference.at(h).app);
    ++compared;
  }
  CHECK(compared >= 2);
}

TEST_CASE("privfin-keygen: four banks make their own validator keys and cards - a genesis from the cards runs four "
          "privfin-node processes - a duplicate card is refused",
          "[node][process][genesis]") {
  test::TempDir dir;
  const std::uint16_t base = free_ports(4);
  const std::string keygen = PRIVFIN_KEYGEN_PROGRAM;
  net::PartyConfig cluster;
  std::vector<std::string> genesis_args = {keygen, "genesis", "--chain-id", "settlement", "--app", "payments",
                                           "--out", (dir.path() / "genesis.bin").string()};
  for (std::size_t i = 0; i < 4; ++i) {
    const std::string name = "bank-" + std::to_string(i);
    const auto home = dir.path() / name;
    auto [code, out] = run_program({keygen, "validator", "--name", name, "--out", home.string()}, dir.path() / "kg.out");
    INFO(out);
    REQUIRE(code == 0);
    std::tie(code, out) = run_program({keygen, "--key", (home / "party.key").string(), "--cert",
                                       (home / "party.crt").string(), "--name", name},
                                      dir.path() / "kg.out");
    REQUIRE(code == 0);
    std::tie(code, out) = run_program({keygen, "account", "--out", (home / "account.key").string()}, dir.path() / "kg.out");
    REQUIRE(code == 0);
    const auto at = out.find("account ");
    REQUIRE(at != std::string::npos);
    const std::string account = out.substr(at + 8, 64);
    genesis_args.insert(genesis_args.end(), {"--card", (home / (name + ".validator.json")).string(), "--account",
                                             account + "=1000000"});
    net::PartyEndpoint e;
    e.id = i;
    e.host = "127.0.0.1";
    e.port = static_cast<std::uint16_t>(base + i);
    e.certificate = home / "party.crt";
    e.private_key = home / "party.key";
    cluster.parties.push_back(e);
  }
  cluster.validate();
  cluster.save(dir.path() / "cluster.json");

  auto duplicate = genesis_args;
  duplicate.insert(duplicate.end(), {"--card", (dir.path() / "bank-0" / "bank-0.validator.json").string()});
  const auto [dup_code, dup_out] = run_program(duplicate, dir.path() / "dup.out");
  CHECK(dup_code == 2);
  CHECK(dup_out.find("'bank-0' and 'bank-0' have the same name") != std::string::npos);

  const auto [code, out] = run_program(genesis_args, dir.path() / "genesis.out");
  INFO(out);
  REQUIRE(code == 0);
  CHECK(out.find("engine tendermint, 4 validators") != std::string::npos);
  // The same cards make a Gosig chain (the cards carry the ECVRF keys it needs); a bad engine is refused.
  auto gosig_args = genesis_args;
  gosig_args[7] = (dir.path() / "gosig.bin").string();
  gosig_args.insert(gosig_args.end(), {"--engine", "gosig", "--stage-one-ms", "300", "--candidates", "2"});
  const auto [gosig_code, gosig_out] = run_program(gosig_args, dir.path() / "gosig.out");
  INFO(gosig_out);
  CHECK(gosig_code == 0);
  CHECK(gosig_out.find("engine gosig, 4 validators") != std::string::npos);
  auto bad_engine = genesis_args;
  bad_engine.insert(bad_engine.end(), {"--engine", "hotstuff"});
  const auto [bad_code, bad_out] = run_program(bad_engine, dir.path() / "bad.out");
  CHECK(bad_code != 0);
  CHECK(bad_out.find("tendermint or gosig, not 'hotstuff'") != std::string::npos);

  std::vector<service::ChildProcess> nodes;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto home = dir.path() / ("bank-" + std::to_string(i));
    std::ofstream(home / "node.json") << "{\"cluster\": \"../cluster.json\", \"id\": " << i
                                      << ", \"validator_key\": \"validator.key\", \"genesis\": \"../genesis.bin\", "
                                         "\"data_dir\": \"data\"}\n";
    // Node 0 alone stops by itself at height 3 (--until-height); the others
    // carry on until the test stops them.
    std::vector<std::string> args = {PRIVFIN_NODE_PROGRAM, "run", "--config", (home / "node.json").string()};
    if (i == 0) args.insert(args.end(), {"--until-height", "3"});
    nodes.push_back(spawn(args, home / "node.out"));
  }
  std::vector<std::filesystem::path> outputs;
  for (std::size_t i = 0; i < 4; ++i) outputs.push_back(dir.path() / ("bank-" + std::to_string(i)) / "node.out");
  const auto codes = stop_when_all_at(nodes, outputs, 3, 60s);
  const auto reference = commits(dir.path() / "bank-0" / "node.out");
  for (std::size_t i = 0; i < 4; ++i) {
    const auto home = dir.path() / ("bank-" + std::to_string(i));
    INFO("node " << i << ": " << read_all(home / "node.out"));
    CHECK(codes[i] == 0);
    if (i == 0) CHECK(read_all(home / "node.out").find("stopped at height ") != std::string::npos);
    const auto mine = commits(home / "node.out");
    for (std::uint64_t h = 1; h <= 3; ++h) {
      REQUIRE(mine.contains(h));
      REQUIRE(reference.contains(h));
      CHECK(mine.at(h).block == reference.at(h).block);
      CHECK(mine.at(h).app == reference.at(h).app);
    }
  }
}

TEST_CASE("privfin-node init: min_block_interval_ms is 100 for Tendermint with signed transactions, 20 with commands and 0 for Gosig unless given - no-tx-index writes tx_index false",
          "[node][process][init]") {
  test::TempDir dir;
  const std::string program = PRIVFIN_NODE_PROGRAM;
  const auto interval_written = [&](const std::string& name, std::vector<std::string> extra) {
    std::vector<std::string> args = {program, "init", "--validators", "4", "--out", (dir.path() / name).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto [code, out] = run_program(args, dir.path() / (name + ".txt"));
    INFO(out);
    REQUIRE(code == 0);
    const std::string text = read_all(dir.path() / name / "node0.json");
    const std::string key = "\"min_block_interval_ms\": ";
    const auto at = text.find(key);
    REQUIRE(at != std::string::npos);
    return std::stoul(text.substr(at + key.size()));
  };
  CHECK(interval_written("tendermint", {}) == 100);
  CHECK(interval_written("kv", {"--app", "kv"}) == 100);
  CHECK(interval_written("commands", {"--app", "commands"}) == 20);
  CHECK(interval_written("gosig", {"--engine", "gosig"}) == 0);
  CHECK(interval_written("given", {"--min-block-interval-ms", "5"}) == 5);
  CHECK(read_all(dir.path() / "given" / "node0.json").find("tx_index") == std::string::npos);  // absent: kept
  (void)interval_written("no-index", {"--no-tx-index"});
  // A quiet mempool ends the wait for commands only (NodeSettings::proposal_quiet).
  CHECK(read_all(dir.path() / "commands" / "node0.json").find("\"proposal_quiet_ms\": 1") != std::string::npos);
  CHECK(read_all(dir.path() / "tendermint" / "node0.json").find("proposal_quiet_ms") == std::string::npos);
  CHECK(read_all(dir.path() / "no-index" / "node0.json").find("\"tx_index\": false") != std::string::npos);
}
