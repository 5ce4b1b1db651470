// privfin-client — talks to a privfin-node's client API (HTTP/JSON over
// TLS, docs/node.md "Client API") and verifies what it gets as a light
// client.
//
//   privfin-client --node 127.0.0.1:26700 --cacert testnet/api0.crt status
//   privfin-client ... transfer --key testnet/bank0.key --to-key testnet/bank1.key --amount 250 [--wait 30]
//   privfin-client ... submit --tx HEX [--wait 30]
//   privfin-client ... balance --account HEX|--account-key FILE --genesis testnet/genesis.bin [--save proof.json]
//   privfin-client verify --genesis testnet/genesis.bin --bundle proof.json
//   privfin-client approve --genesis testnet/genesis.bin --key testnet/identity2.key --member 2
//       --sequence 0 --weight 3=0 > approval2.json                    (one command)
//   privfin-client ... change-validators --genesis testnet/genesis.bin --key testnet/bank0.key --sequence 0
//       --weight 3=0 --approval approval0.json --approval approval1.json --approval approval2.json [--wait 30]
//
// `transfer` signs a payments transfer with the payer's key (its next nonce
// asked from the node), submits it, and with --wait waits until it is
// committed and prints its height and result. `balance` asks for the
// latest balance with its proof, fetches the block above it with its
// commit certificate, and checks both against the genesis validator set
// (ledger/light_client.hpp): only a verified balance is printed; --save
// keeps the evidence, which `verify` checks again offline; on a chain
// whose validator set changed, the set in force is fetched too and
// accepted by the light client's rule (a third of the genesis weight among
// its signers). `approve` signs a validator-set change (member M to weight
// W, by member number) with a member's identity key, offline;
// `change-validators` submits it with enough approvals (payments
// application, kind 2: docs/operations.md "Changing the validator set").
// The node's certificate is checked against --cacert (its name must match the host).
// Exit 0, 2 for a usage error, 1 when it fails or a check does not pass.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <csignal>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "privfin/consensus/apps/payments.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"
#include "privfin/ledger/light_client.hpp"
#include "privfin/node/api_client.hpp"
#include "privfin/node/genesis.hpp"
#include "privfin/service/key_file.hpp"

namespace {

namespace fs = std::filesystem;
using namespace privfin;
using nlohmann::json;

std::uint64_t be64(const Bytes& b) {
  if (b.size() != 8) throw DecodeError("a balance has 8 bytes");
  std::uint64_t v = 0;
  for (auto x : b) v = (v << 8) | std::to_integer<std::uint64_t>(x);
  return v;
}

node::GenesisDocument read_genesis(const fs::path& f) {
  return node::GenesisDocument::from_bytes(service::read_public_file(f, std::size_t{32} << 20));
}

int wait_commit(node::ApiClient& api, const std::string& hash, int seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  consensus::Height seen = api.status().height;
  while (std::chrono::steady_clock::now() < deadline) {
    if (const auto c = api.transaction(hash)) {
      std::printf("committed at height %llu index %zu: %s\n", static_cast<unsigned long long>(c->height), c->index,
                  c->result.ok() ? "ok" : c->result.reason.c_str());
      return c->result.ok() ? 0 : 1;
    }
    // Asked again at the node's next commit (a long poll), not every few
    // milliseconds; a node that answers at once without a new height (one
    // that does not know wait_above) is asked again after 100 ms.
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    const auto wait = std::clamp(left, std::chrono::milliseconds(1), std::chrono::milliseconds(1000));
    const consensus::Height now_at = api.wait_for_height_above(seen, wait).height;
    if (now_at == seen) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    seen = now_at;
  }
  std::fprintf(stderr, "privfin-client: %s not committed within %d s\n", hash.c_str(), seconds);
  return 1;
}

// "M=W" (member M to weight W) as a change by the member's BLS key.
consensus::ValidatorChange weight_change(const consensus::ValidatorSet& set, const std::string& text) {
  const auto eq = text.find('=');
  std::size_t used_m = 0, used_w = 0;
  unsigned long long m = 0, w = 0;
  try {
    if (eq == std::string::npos) throw std::invalid_argument(text);
    m = std::stoull(text.substr(0, eq), &used_m);
    w = std::stoull(text.substr(eq + 1), &used_w);
  } catch (const std::exception&) {
    throw InvalidArgument("--weight takes MEMBER=WEIGHT, got '" + text + "'");
  }
  if (used_m != eq || used_w != text.size() - eq - 1) throw InvalidArgument("--weight takes MEMBER=WEIGHT, got '" + text + "'");
  if (m >= set.size()) throw InvalidArgument("--weight: member " + std::to_string(m) + " is not in the genesis set");
  return {set.at(static_cast<consensus::NodeId>(m)).bls_key, w};
}

std::vector<consensus::ValidatorChange> weight_changes(const consensus::ValidatorSet& set,
                                                       const std::vector<std::string>& texts) {
  std::vector<consensus::ValidatorChange> out;
  for (const auto& t : texts) out.push_back(weight_change(set, t));
  return out;
}

int submit(node::ApiClient& api, const Bytes& tx, int wait) {
  const auto s = api.submit(tx);
  if (!s.verdict.ok()) {
    std::fprintf(stderr, "privfin-client: refused: %s\n", s.verdict.reason.c_str());
    return 1;
  }
  std::printf("admitted %s\n", s.hash.c_str());
  return wait > 0 ? wait_commit(api, s.hash, wait) : 0;
}

// The evidence for a balance: the value and proof after height h, and block
// h + 1 (its header carries the app hash after h) with its certificate.
struct Bundle {
  Bytes account;
  std::optional<Bytes> value;
  Bytes proof;
  consensus::Height height = 0;
  Bytes decision;  // consensus::Message{Decision} of height h + 1
  Bytes validators;  // the set that signed h + 1, when not the genesis set (else empty)
};

std::string verify_bundle(const node::GenesisDocument& g, const Bundle& b) {
  auto msg = consensus::Message::from_bytes(b.decision);
  const auto* d = std::get_if<consensus::Decision>(&msg.body);
  if (d == nullptr || d->block.header.height != b.height + 1) throw DecodeError("the bundle's block is not height h + 1");
  ledger::LightClient lc(g.chain_id, g.validators);
  if (!b.validators.empty()) {
    const auto set = consensus::ValidatorSet::from_bytes(b.validators);
    if (auto v = lc.verify_validator_change(set, d->block.header, d->certificate); !v) {
      throw Error("validator set: " + v.reason);
    }
  }
  if (auto v = lc.verify_header(d->block.header, d->certificate); !v) throw Error("header: " + v.reason);
  const auto proof = ledger::StateProof::from_bytes(b.proof);
  const Bytes key = consensus::apps::Payments::account_key(b.account);
  if (auto v = lc.verify_state(key, b.value, proof, b.height); !v) throw Error("state proof: " + v.reason);
  return b.value ? std::to_string(be64(*b.value)) : std::string("no account");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"privfin-client: submit, wait, query with proofs, verify as a light client (docs/node.md)"};
  cli.require_subcommand(1);
  std::string node_address;
  fs::path cacert;
  cli.add_option("--node", node_address, "the node's client API, host:port");
  cli.add_option("--cacert", cacert, "the node's API certificate (PEM)");
  int wait = 0;
  auto* status_cmd = cli.add_subcommand("status", "the node's status (JSON)");
  fs::path key_file, to_key_file;
  std::string to_hex_key;
  std::uint64_t amount = 0;
  auto* transfer_cmd = cli.add_subcommand("transfer", "pay from a bank's key to another account");
  transfer_cmd->add_option("--key", key_file, "the payer's Ed25519 key file")->required();
  auto* to_opt = transfer_cmd->add_option("--to", to_hex_key, "the payee's public key (hex)");
  transfer_cmd->add_option("--to-key", to_key_file, "the payee's key file (its public key is used)")->excludes(to_opt);
  transfer_cmd->add_option("--amount", amount, "amount")->required();
  transfer_cmd->add_option("--wait", wait, "seconds to wait for the commit");
  std::string tx_hex;
  auto* submit_cmd = cli.add_subcommand("submit", "submit a transaction's bytes");
  submit_cmd->add_option("--tx", tx_hex, "the transaction (hex)")->required();
  submit_cmd->add_option("--wait", wait, "seconds to wait for the commit");
  std::string account_hex;
  fs::path account_key, genesis_file, bundle_file;
  auto* balance_cmd = cli.add_subcommand("balance", "a balance, verified against the genesis validators");
  auto* acct_opt = balance_cmd->add_option("--account", account_hex, "the account's public key (hex)");
  balance_cmd->add_option("--account-key", account_key, "or the account's key file")->excludes(acct_opt);
  balance_cmd->add_option("--genesis", genesis_file, "genesis.bin")->required();
  balance_cmd->add_option("--save", bundle_file, "write the evidence to this file (JSON)");
  auto* verify_cmd = cli.add_subcommand("verify", "check a saved balance bundle offline");
  verify_cmd->add_option("--genesis", genesis_file, "genesis.bin")->required();
  verify_cmd->add_option("--bundle", bundle_file, "the file `balance --save` wrote")->required();
  consensus::NodeId member = 0;
  std::uint64_t sequence = 0;
  std::vector<std::string> weights;
  std::vector<fs::path> approval_files;
  // What both validator-change commands take: the chain, a key, and the change.
  const auto change_options = [&](CLI::App* cmd, const std::string& key_help) {
    cmd->add_option("--genesis", genesis_file, "genesis.bin")->required();
    cmd->add_option("--key", key_file, key_help)->required();
    cmd->add_option("--sequence", sequence, "the chain's next change sequence (query \"sequence\")")->required();
    cmd->add_option("--weight", weights, "MEMBER=WEIGHT, once per changed member")->required();
  };
  auto* approve_cmd = cli.add_subcommand("approve", "sign a validator-set change as a member (offline; prints JSON)");
  change_options(approve_cmd, "the member's identity (Ed25519) key file");
  approve_cmd->add_option("--member", member, "the member's number in the set")->required();
  auto* change_cmd = cli.add_subcommand("change-validators", "submit a validator-set change with its approvals");
  change_options(change_cmd, "the submitter's Ed25519 key file (any key)");
  change_cmd->add_option("--approval", approval_files, "a file `approve` wrote, once per approving member")->required();
  change_cmd->add_option("--wait", wait, "seconds to wait for the commit");
  std::signal(SIGPIPE, SIG_IGN);  // a node that goes away fails the request instead
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }
  try {
    if (*verify_cmd) {
      std::ifstream in(bundle_file);
      if (!in) throw InvalidArgument("cannot open " + bundle_file.string());
      const auto j = json::parse(in);
      Bundle b{from_hex(j.at("account").get<std::string>()), std::nullopt, from_hex(j.at("proof").get<std::string>()),
               j.at("height").get<consensus::Height>(), from_hex(j.at("decision").get<std::string>()), {}};
      if (!j.at("value").is_null()) b.value = from_hex(j.at("value").get<std::string>());
      if (j.contains("validators")) b.validators = from_hex(j.at("validators").get<std::string>());
      std::printf("verified: balance %s after height %llu\n", verify_bundle(read_genesis(genesis_file), b).c_str(),
                  static_cast<unsigned long long>(b.height));
      return 0;
    }
    if (*approve_cmd) {
      const auto g = read_genesis(genesis_file);
      const auto changes = weight_changes(g.validators, weights);
      const auto a = consensus::apps::Payments::approve(service::load_ed25519_secret_key(key_file), member, g.chain_id,
                                                        sequence, changes);
      std::printf("%s\n", json{{"member", a.member}, {"sequence", sequence}, {"signature", to_hex(a.signature)}}.dump().c_str());
      return 0;
    }
    if (node_address.empty() || cacert.empty()) throw InvalidArgument("--node and --cacert are required");
    node::ApiClient api(node_address, cacert.string());
    if (*status_cmd) {
      const auto st = api.status();
      const json out{{"chain_id", st.chain_id}, {"node", st.node}, {"height", st.height}, {"round", st.round},
                     {"app_hash", st.app_hash}, {"mempool", st.mempool}, {"peers_connected", st.peers_connected},
                     {"evidence", st.evidence}, {"synced", st.synced}};
      std::printf("%s\n", out.dump(2).c_str());
      return 0;
    }
    if (*submit_cmd) return submit(api, from_hex(tx_hex), wait);
    if (*change_cmd) {
      const auto g = read_genesis(genesis_file);
      const auto changes = weight_changes(g.validators, weights);
      std::vector<consensus::apps::Payments::Approval> approvals;
      for (const auto& f : approval_files) {
        std::ifstream in(f);
        if (!in) throw InvalidArgument("cannot open " + f.string());
        const auto j = json::parse(in);
        if (j.at("sequence").get<std::uint64_t>() != sequence) {
          throw InvalidArgument(f.string() + " approves sequence " + std::to_string(j.at("sequence").get<std::uint64_t>()));
        }
        approvals.push_back({j.at("member").get<consensus::NodeId>(), from_hex(j.at("signature").get<std::string>())});
      }
      const auto submitter = service::load_ed25519_secret_key(key_file);
      const auto n = api.query("nonce", submitter.public_key(), 0, false);
      if (!n.value) throw DecodeError("the node did not answer the submitter's nonce");
      return submit(api,
                    consensus::apps::Payments::validator_change(submitter, g.chain_id, be64(*n.value), sequence,
                                                                changes, approvals),
                    wait);
    }
    if (*transfer_cmd) {
      const auto payer = service::load_ed25519_secret_key(key_file);
      const Bytes payee =
          to_key_file.empty() ? from_hex(to_hex_key) : service::load_ed25519_secret_key(to_key_file).public_key();
      const auto chain = api.status().chain_id;
      const auto n = api.query("nonce", payer.public_key(), 0, false);
      if (!n.value) throw DecodeError("the node did not answer the payer's nonce");
      return submit(api, consensus::apps::Payments::transfer(payer, chain, be64(*n.value), payee, amount), wait);
    }
    // balance
    const Bytes account =
        account_key.empty() ? from_hex(account_hex) : service::load_ed25519_secret_key(account_key).public_key();
    const auto g = read_genesis(genesis_file);
    const auto height = api.status().height;
    if (height < 2) throw Error("the chain has fewer than 2 blocks: nothing to verify against yet");
    const consensus::Height h = height - 1;  // block h + 1 certifies the state after h
    const auto q = api.query("balance", account, h, true);
    const auto block = api.block(h + 1);
    Bundle b{account, q.value, q.proof, h, consensus::Message{block}.to_bytes(), {}};
    if (block.block.header.validators_hash != g.validators.hash()) {
      // The state after h - 1 holds the set that signs h + 1 (decided two heights ahead).
      const auto set = api.query("validators", {}, h - 1, false);
      if (!set.value) throw Error("block " + std::to_string(h + 1) + " names another validator set, which the node did not give");
      b.validators = *set.value;
    }
    const auto verified = verify_bundle(g, b);
    std::printf("verified: balance %s after height %llu\n", verified.c_str(), static_cast<unsigned long long>(h));
    if (!bundle_file.empty()) {
      json out{{"account", to_hex(account)}, {"value", b.value ? json(to_hex(*b.value)) : json(nullptr)},
               {"proof", to_hex(b.proof)}, {"height", h}, {"decision", to_hex(b.decision)}};
      if (!b.validators.empty()) out["validators"] = to_hex(b.validators);
      std::ofstream f(bundle_file);
      f << out.dump(2) << '\n';
      if (!f) throw Error("cannot write " + bundle_file.string());
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "privfin-client: %s\n", e.what());
    return 1;
  }
}
