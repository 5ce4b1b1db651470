// privfin-node — a consensus node of a consortium chain (docs/node.md).
//
//   privfin-node init --validators 4 --out testnet [--chain-id settlement] [--app payments|kv|commands]
//                     [--banks 4] [--host 127.0.0.1] [--base-port 26600]
//                     [--engine tendermint|gosig] [--stage-one-ms 1000] [--stage-two-ms 1000] [--candidates 3]
//   privfin-node run --config testnet/node0.json [--until-height H] [--load testnet/bank0.key:N]
//
// `init` writes a whole chain for one host: TLS credentials and
// cluster.json for the message bus (privfin-keygen's layout), one BLS
// validator key and one ECVRF key per node (validator<i>.key, vrf<i>.key,
// mode 0600; Gosig's leader sortition needs the second), bank account keys
// for the payments application (bank<k>.key; each bank opens with
// 1,000,000), TLS credentials for each node's client API (api<i>.key,
// api<i>.crt, its certificate naming the host; node/client_api.hpp, on
// base-port + 100 + i), genesis.bin (node/genesis.hpp) and node<i>.json:
//   {"cluster": "cluster.json", "id": 0, "validator_key": "validator0.key",
//    "vrf_key": "vrf0.key", "genesis": "genesis.bin", "data_dir": "data0",
//    "api": "127.0.0.1:26700", "api_certificate": "api0.crt", "api_key": "api0.key",
//    "min_block_interval_ms": 100}
// ("vrf_key" is needed only on a Gosig chain: --engine gosig puts the
// engine, its stage lengths and candidates in the genesis, whose time is
// then now; node/genesis.hpp).
// (relative paths are relative to the JSON file; a test may add
// "test_only_behaviour": "equivocate" or "double-vote" to make the node
// misbehave, NodeSettings::behaviour). Optional: "snapshot_interval" and
// "retain_heights" (NodeSettings: snapshots served to peers, pruning),
// "min_block_interval_ms" (NodeSettings::min_block_interval; 0 when absent,
// init writes --min-block-interval-ms: 100 for Tendermint (20 with the
// commands application), 0 for Gosig),
// "proposal_quiet_ms" (NodeSettings::proposal_quiet; 0 when absent, init
// writes 1 for commands on Tendermint), "tx_index"
// (NodeSettings::index_transactions; true when absent, init --no-tx-index
// writes false), "compaction_priority" ("idle", the
// default, "low" or "normal": ledger/rocksdb_store.hpp, for a node sharing
// its machine with CPU-bound work), and
// "state_sync": true, which makes a node with an empty data_dir restore
// the ledger from a peer's snapshot before it starts (node/state_sync.hpp). `run` starts node `id`:
// opens (or creates) its RocksDB ledger in data_dir, recovers the ledger
// and its safety record, connects to its peers over pinned mutual TLS and
// takes part in consensus until SIGINT/SIGTERM or --until-height. Each
// commit prints one line "commit height H block B round R txs T ok K app A";
// the last line is "stopped at height H app A". --load KEY:N submits N
// transfers of 1 from that bank to the next bank once the chain runs (a
// load generator for demos and tests).
// Exit 0, 2 for a usage error, 1 when it fails (the message names why).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <exception>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "privfin/consensus/apps/commands.hpp"
#include "privfin/consensus/apps/kv_store.hpp"
#include "privfin/consensus/apps/payments.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/ledger/rocksdb_store.hpp"
#include "privfin/net/keygen.hpp"
#include "privfin/net/tcp_message_bus.hpp"
#include "privfin/node/client_api.hpp"
#include "privfin/node/genesis.hpp"
#include "privfin/node/node.hpp"
#include "privfin/node/state_sync.hpp"
#include "privfin/service/key_file.hpp"
#include "privfin/sig/ecvrf.hpp"

namespace {

namespace fs = std::filesystem;
using namespace privfin;

std::atomic<bool> stop_requested{false};
extern "C" void on_signal(int) { stop_requested = true; }

struct InitOptions {
  std::size_t validators = 4, banks = 4;
  fs::path out;
  std::string chain_id = "settlement", app = "payments", host = "127.0.0.1";
  std::uint16_t base_port = 26600;
  std::string engine = "tendermint";
  std::uint64_t stage_one_ms = 1000, stage_two_ms = 1000;
  std::uint32_t candidates = 3;
  // Written as "min_block_interval_ms" unless given (docs/node.md,
  // "Pacing"): for the Tendermint-form engine 100 ms with signed
  // transactions (payments, kv) and 20 ms with opaque commands; Gosig's
  // rounds are cut by the clock, so 0 there.
  std::optional<std::uint64_t> min_block_interval_ms;
  bool no_tx_index = false;  // writes "tx_index": false
  std::optional<std::uint64_t> proposal_quiet_ms;  // else 1 for commands on Tendermint, none otherwise
};

void init(const InitOptions& o) {
  if (o.validators < 1 || o.validators > 64) throw InvalidArgument("--validators must be in [1, 64]");
  if (o.app != "payments" && o.app != "kv" && o.app != "commands") {
    throw InvalidArgument("--app must be payments, kv or commands");
  }
  const auto engine = node::chain_engine_from(o.engine, o.stage_one_ms, o.stage_two_ms, o.candidates);
  const std::uint64_t paced_ms = o.app == "commands" ? 20 : 100;
  const std::uint64_t min_block_interval_ms =
      o.min_block_interval_ms.value_or(engine.kind == node::ChainEngine::Kind::tendermint ? paced_ms : 0);
  fs::create_directories(o.out);
  (void)net::write_local_cluster(o.out, o.validators, o.host, o.base_port);
  Prg prg(random_seed());
  service::KeyFileOptions clear;
  std::vector<consensus::Validator> members;
  const sig::Ecvrf vrf(sig::VrfSuite::edwards25519_sha512_ell2);
  for (std::size_t i = 0; i < o.validators; ++i) {
    const auto key = sig::bls12_381::SecretKey::key_gen(prg.bytes(32));
    service::save_key_file(o.out / ("validator" + std::to_string(i) + ".key"), key, clear, prg);
    members.push_back(consensus::make_bls_validator(key));
    auto vrf_key = vrf.generate(prg).secret_key;
    members.back().vrf_key = vrf.public_key(vrf_key.view());
    service::save_key_file(o.out / ("vrf" + std::to_string(i) + ".key"),
                           service::VrfSecretKey{sig::VrfSuite::edwards25519_sha512_ell2, std::move(vrf_key)}, clear,
                           prg);
    // The member's identity: it approves validator-set changes with it.
    const auto identity = sig::Ed25519SecretKey::generate(prg);
    members.back().ed25519_key = identity.public_key();
    service::save_key_file(o.out / ("identity" + std::to_string(i) + ".key"), identity, clear, prg);
  }
  node::GenesisDocument g;
  g.chain_id = o.chain_id;
  g.validators = consensus::ValidatorSet(std::move(members));
  g.app = o.app;
  g.engine = engine;
  if (engine.kind == node::ChainEngine::Kind::gosig) g.time = node::wall_clock_now();
  if (o.app == "payments") {
    std::vector<consensus::apps::Payments::Account> accounts;
    for (std::size_t k = 0; k < o.banks; ++k) {
      const auto bank = sig::Ed25519SecretKey::generate(prg);
      service::save_key_file(o.out / ("bank" + std::to_string(k) + ".key"), bank, clear, prg);
      accounts.push_back({bank.public_key(), 1'000'000});
    }
    g.app_state = consensus::apps::Payments::genesis(accounts);
  }
  service::write_public_file(o.out / "genesis.bin", g.to_bytes());
  for (std::size_t i = 0; i < o.validators; ++i) {
    const std::string api = "api" + std::to_string(i);
    net::write_party_credentials(o.out / (api + ".key"), o.out / (api + ".crt"), o.host);
    nlohmann::json j = {{"cluster", "cluster.json"},
                              {"id", i},
                              {"validator_key", "validator" + std::to_string(i) + ".key"},
                              {"vrf_key", "vrf" + std::to_string(i) + ".key"},
                              {"genesis", "genesis.bin"},
                              {"data_dir", "data" + std::to_string(i)},
                              {"api", o.host + ":" + std::to_string(o.base_port + 100 + i)},
                              {"api_certificate", api + ".crt"},
                              {"api_key", api + ".key"},
                              {"min_block_interval_ms", min_block_interval_ms}};
    if (o.no_tx_index) j["tx_index"] = false;
    // Opaque commands under a closed-loop client: propose once a burst of
    // submissions has ended (docs/node.md, "Pacing").
    const bool commands_paced = o.app == "commands" && engine.kind == node::ChainEngine::Kind::tendermint;
    if (const auto quiet = o.proposal_quiet_ms.value_or(commands_paced ? 1 : 0); quiet > 0) j["proposal_quiet_ms"] = quiet;
    const std::string text = j.dump(2) + "\n";
    service::write_public_file(o.out / ("node" + std::to_string(i) + ".json"), as_bytes(text));
  }
  std::printf("wrote a %zu-validator chain '%s' (app %s, engine %s) to %s; genesis %s\n", o.validators,
              o.chain_id.c_str(), o.app.c_str(), std::string(node::to_string(engine.kind)).c_str(),
              o.out.string().c_str(), g.hash().short_hex().c_str());
}

struct RunOptions {
  fs::path config;
  std::optional<consensus::Height> until_height;
  std::string load;
};

struct NodeFile {
  fs::path cluster, validator_key, genesis, data_dir;
  std::size_t id = 0;
  std::optional<fs::path> vrf_key;  // "vrf_key": a Gosig chain needs it
  std::string api;  // host:port, or empty: no client API
  fs::path api_certificate, api_key;
  consensus::Behaviour behaviour = consensus::Behaviour::honest;  // "test_only_behaviour"
  bool state_sync = false;                                        // "state_sync"
  std::uint64_t snapshot_interval = 0, retain_heights = 0;        // "snapshot_interval", "retain_heights"
  std::uint64_t min_block_interval_ms = 0;                        // "min_block_interval_ms"
  std::uint64_t proposal_quiet_ms = 0;                            // "proposal_quiet_ms"
  bool tx_index = true;                                           // "tx_index"
  ledger::BackgroundPriority compaction_priority = ledger::BackgroundPriority::idle;  // "compaction_priority"
};

NodeFile read_node_file(const fs::path& file) {
  const Bytes raw = service::read_public_file(file);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(std::string(reinterpret_cast<const char*>(raw.data()), raw.size()));
  } catch (const std::exception& e) {
    throw DecodeError(file.string() + ": not JSON: " + e.what());
  }
  const fs::path base = file.parent_path();
  auto path = [&](const char* field) {
    if (!j.contains(field) || !j[field].is_string()) {
      throw DecodeError(file.string() + ": \"" + std::string(field) + "\" must be a string");
    }
    const fs::path p = j[field].get<std::string>();
    return p.is_absolute() ? p : base / p;
  };
  NodeFile n{path("cluster"), path("validator_key"), path("genesis"), path("data_dir"), 0, std::nullopt, {}, {}, {},
             consensus::Behaviour::honest, false, 0, 0, 0, 0, true, ledger::BackgroundPriority::idle};
  if (j.contains("vrf_key")) n.vrf_key = path("vrf_key");
  if (!j.contains("id") || !j["id"].is_number_unsigned()) throw DecodeError(file.string() + ": \"id\" must be a number");
  n.id = j["id"].get<std::size_t>();
  if (j.contains("api")) {
    if (!j["api"].is_string()) throw DecodeError(file.string() + ": \"api\" must be \"host:port\"");
    n.api = j["api"].get<std::string>();
    n.api_certificate = path("api_certificate");
    n.api_key = path("api_key");
  }
  const auto number = [&](const char* field, std::uint64_t& into) {
    if (!j.contains(field)) return;
    if (!j[field].is_number_unsigned()) throw DecodeError(file.string() + ": \"" + std::string(field) + "\" must be a number");
    into = j[field].get<std::uint64_t>();
  };
  const auto boolean = [&](const char* field, bool& into) {
    if (!j.contains(field)) return;
    if (!j[field].is_boolean()) throw DecodeError(file.string() + ": \"" + std::string(field) + "\" must be true or false");
    into = j[field].get<bool>();
  };
  number("snapshot_interval", n.snapshot_interval);
  number("retain_heights", n.retain_heights);
  number("min_block_interval_ms", n.min_block_interval_ms);
  number("proposal_quiet_ms", n.proposal_quiet_ms);
  if (n.proposal_quiet_ms > 60'000) throw DecodeError(file.string() + ": \"proposal_quiet_ms\" above 60000");
  if (n.min_block_interval_ms > 60'000) throw DecodeError(file.string() + ": \"min_block_interval_ms\" above 60000");
  if (j.contains("compaction_priority")) {
    const auto& p = j["compaction_priority"];
    const std::string v = p.is_string() ? p.get<std::string>() : std::string();
    if (v == "idle") n.compaction_priority = ledger::BackgroundPriority::idle;
    else if (v == "low") n.compaction_priority = ledger::BackgroundPriority::low;
    else if (v == "normal") n.compaction_priority = ledger::BackgroundPriority::normal;
    else throw DecodeError(file.string() + ": \"compaction_priority\" must be idle, low or normal");
  }
  boolean("tx_index", n.tx_index);
  boolean("state_sync", n.state_sync);
  if (j.contains("test_only_behaviour")) {
    const auto b = j["test_only_behaviour"].is_string()
                       ? consensus::behaviour_from_string(j["test_only_behaviour"].get<std::string>())
                       : std::nullopt;
    if (!b) throw DecodeError(file.string() + ": \"test_only_behaviour\" must be honest, equivocate or double-vote");
    n.behaviour = *b;
  }
  return n;
}

int run(const RunOptions& o) {
  const NodeFile nf = read_node_file(o.config);
  const auto cluster = net::PartyConfig::load(nf.cluster);
  const auto doc = node::GenesisDocument::from_bytes(service::read_public_file(nf.genesis, std::size_t{32} << 20));
  if (nf.id >= doc.validators.size() || cluster.party_count() != doc.validators.size()) {
    throw InvalidArgument("node " + std::to_string(nf.id) + ": the cluster lists " +
                          std::to_string(cluster.party_count()) + " parties, the genesis " +
                          std::to_string(doc.validators.size()) + " validators");
  }
  const auto key = service::load_bls12_381_secret_key(nf.validator_key);
  consensus::BlsCrypto crypto(doc.validators, key);
  std::unique_ptr<consensus::Application> app;
  if (doc.app == "payments") {
    app = std::make_unique<consensus::apps::Payments>(doc.chain_id);
  } else if (doc.app == "kv") {
    app = std::make_unique<consensus::apps::KvStore>(doc.chain_id);
  } else if (doc.app == "commands") {
    app = std::make_unique<consensus::apps::Commands>(doc.chain_id);
  } else {
    throw DecodeError("genesis names an unknown application '" + doc.app + "'");
  }
  std::optional<sig::Ed25519SecretKey> load_key;
  std::uint64_t load_count = 0, load_sent = 0;
  if (!o.load.empty()) {
    const auto colon = o.load.rfind(':');
    if (colon == std::string::npos || doc.app != "payments") throw InvalidArgument("--load needs KEY:N and the payments app");
    load_key = service::load_ed25519_secret_key(o.load.substr(0, colon));
    load_count = std::stoull(o.load.substr(colon + 1));
  }
  std::vector<Bytes> bank_keys;
  if (doc.app == "payments") {
    for (const auto& a : consensus::apps::Payments::genesis_from_bytes(doc.app_state)) bank_keys.push_back(a.owner);
  }

  // Before the store starts any compaction (rocksdb_store.hpp).
  if (!ledger::set_background_priority(nf.compaction_priority)) {
    std::fprintf(stderr, "privfin-node: this platform cannot lower the compaction threads' priority; left as it is\n");
  }
  auto store = ledger::RocksDbStore::open(nf.data_dir);
  auto bus = net::TcpMessageBus::start(cluster, nf.id);
  if (nf.state_sync && node::StateSync::needed(*store)) {
    std::printf("state sync: asking the peers for a snapshot\n");
    std::fflush(stdout);
    node::StateSync sync(doc.chain_id, doc.validators, *bus, *store);
    const auto restored = sync.run(std::chrono::minutes(5));
    if (!restored) throw Error("state sync found no usable snapshot in 5 minutes (" + sync.last_failure() + ")");
    std::printf("state sync: restored height %llu from node %zu (%zu chunks)\n",
                static_cast<unsigned long long>(restored->height), restored->peer, restored->chunks);
  }
  node::NodeSettings settings;
  settings.chain_id = doc.chain_id;
  settings.genesis_hash = doc.hash();
  settings.behaviour = nf.behaviour;
  settings.snapshot_interval = nf.snapshot_interval;
  settings.retain_heights = nf.retain_heights;
  settings.min_block_interval = std::chrono::milliseconds(nf.min_block_interval_ms);
  settings.proposal_quiet = std::chrono::milliseconds(nf.proposal_quiet_ms);
  settings.index_transactions = nf.tx_index;
  std::optional<SecretBytes> vrf_secret;
  if (doc.engine.kind == node::ChainEngine::Kind::gosig) {
    if (!nf.vrf_key) throw InvalidArgument(o.config.string() + ": a Gosig chain needs \"vrf_key\" (this validator's ECVRF key)");
    auto vrf = service::load_vrf_secret_key(*nf.vrf_key);
    if (vrf.suite != sig::VrfSuite::edwards25519_sha512_ell2) {
      throw InvalidArgument(nf.vrf_key->string() + ": Gosig's sortition uses ECVRF-EDWARDS25519-SHA512-ELL2 keys");
    }
    vrf_secret = std::move(vrf.secret_key);
  }
  node::use_chain_engine(settings, doc.engine, std::move(vrf_secret));
  if (nf.behaviour != consensus::Behaviour::honest) {
    std::printf("TEST ONLY: this node misbehaves on purpose (%s)\n", std::string(to_string(nf.behaviour)).c_str());
  }
  settings.on_event = [](std::string_view what, const std::string& detail) {
    if (what == "rejected") return;  // duplicates and stale votes: routine
    std::printf("%.*s %s\n", static_cast<int>(what.size()), what.data(), detail.c_str());
    std::fflush(stdout);
  };
  node::Node n(settings, doc.genesis(), static_cast<consensus::NodeId>(nf.id), crypto, *bus, *store, *app);
  std::printf("node %zu of %zu, chain '%s', engine %s, genesis %s\n", nf.id, doc.validators.size(),
              doc.chain_id.c_str(), std::string(node::to_string(doc.engine.kind)).c_str(), doc.hash().short_hex().c_str());
  n.start();
  std::optional<node::ClientApi> api;
  if (!nf.api.empty()) {
    const auto colon = nf.api.rfind(':');
    if (colon == std::string::npos) throw DecodeError("\"api\" must be \"host:port\", not " + nf.api);
    node::ClientApiOptions ao;
    ao.host = nf.api.substr(0, colon);
    ao.port = static_cast<std::uint16_t>(std::stoul(nf.api.substr(colon + 1)));
    ao.certificate = nf.api_certificate;
    ao.key = nf.api_key;
    api.emplace(n, ao);
    api->start();
    std::printf("client API on https://%s:%u\n", ao.host.c_str(), static_cast<unsigned>(api->port()));
    std::fflush(stdout);
  }
  while (!stop_requested) {
    (void)n.poll(std::chrono::milliseconds(10));
    const auto s = n.status();
    if (load_key && load_sent < load_count && s.height >= 1) {
      const auto self = load_key->public_key();
      std::size_t me = 0;
      while (me < bank_keys.size() && bank_keys[me] != self) ++me;
      if (me == bank_keys.size()) throw InvalidArgument("--load: that key owns no account in the genesis");
      const auto tx = consensus::apps::Payments::transfer(*load_key, doc.chain_id, load_sent,
                                                          bank_keys[(me + 1) % bank_keys.size()], 1);
      const auto v = n.submit(tx);
      if (!v.ok() && v.code != consensus::TxCode::mempool_full) throw Error("--load: transfer refused: " + v.reason);
      if (v.ok()) ++load_sent;
    }
    if (o.until_height && s.height >= *o.until_height) break;
  }
  if (api) api->stop();
  n.flush_tx_index();  // else the next start reads the blocks of the held entries again
  const auto s = n.status();
  std::printf("stopped at height %llu app %s\n", static_cast<unsigned long long>(s.height),
              s.app_hash.short_hex().c_str());
  std::fflush(stdout);
  (void)bus->flush(std::chrono::milliseconds(500));
  bus->close();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"privfin-node: a consensus node of a consortium chain (docs/node.md)"};
  cli.require_subcommand(1);
  InitOptions io;
  auto* init_cmd = cli.add_subcommand("init", "write keys, genesis and node configs for a chain on one host");
  init_cmd->add_option("--validators", io.validators, "number of validators")->required();
  init_cmd->add_option("--out", io.out, "output folder")->required();
  init_cmd->add_option("--chain-id", io.chain_id, "chain id");
  init_cmd->add_option("--app", io.app, "payments, kv or commands (opaque commands, counted: for benchmarks)");
  init_cmd->add_option("--banks", io.banks, "payments: bank accounts to open");
  init_cmd->add_option("--host", io.host, "address every node listens on");
  init_cmd->add_option("--base-port", io.base_port, "node i listens on base-port + i");
  init_cmd->add_option("--engine", io.engine, "tendermint (default) or gosig");
  init_cmd->add_option("--stage-one-ms", io.stage_one_ms, "Gosig: stage I (proposals), ms (default 1000)");
  init_cmd->add_option("--stage-two-ms", io.stage_two_ms, "Gosig: stage II (signatures), ms (default 1000)");
  init_cmd->add_option("--candidates", io.candidates, "Gosig: expected leader candidates per round (default 3)");
  init_cmd->add_option("--min-block-interval-ms", io.min_block_interval_ms,
                       "least time from a commit to the node's next proposal, unless a full block waits "
                       "(default for tendermint: 100 with payments or kv, 20 with commands; 0 for gosig)");
  init_cmd->add_option("--proposal-quiet-ms", io.proposal_quiet_ms,
                       "propose before the interval once the mempool has been quiet this long (default: 1 with "
                       "commands on tendermint, else 0: off)");
  init_cmd->add_flag("--no-tx-index", io.no_tx_index,
                     "write \"tx_index\": false: the nodes keep no transaction index (GET /v1/tx then finds "
                     "only the transactions a node remembers)");
  RunOptions ro;
  auto* run_cmd = cli.add_subcommand("run", "run one node");
  run_cmd->add_option("--config", ro.config, "node<i>.json")->required();
  run_cmd->add_option("--until-height", ro.until_height, "stop once this height is committed");
  run_cmd->add_option("--load", ro.load, "BANK_KEY:N: submit N transfers of 1 from this bank");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }
  std::signal(SIGPIPE, SIG_IGN);  // a client or peer that hangs up fails a write, not the node
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  try {
    if (*init_cmd) {
      init(io);
      return 0;
    }
    return run(ro);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "privfin-node: %s\n", e.what());
    return 1;
  }
}
