#include "keygen_consensus.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "privfin/consensus/apps/payments.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/node/validator_card.hpp"
#include "privfin/service/key_file.hpp"

namespace {

namespace fs = std::filesystem;
using namespace privfin;

struct ValidatorOptions {
  std::string name;
  fs::path out;
  std::uint64_t weight = 1;
  std::optional<fs::path> passphrase_file;
};

struct AccountOptions {
  fs::path out;
  std::optional<fs::path> passphrase_file;
};

struct GenesisOptions {
  std::string chain_id, app = "payments";
  std::vector<fs::path> cards;
  std::vector<std::string> accounts;  // PUBLIC_KEY_HEX=BALANCE
  fs::path out;
  std::optional<std::int64_t> time;
  std::string engine = "tendermint";
  std::uint64_t stage_one_ms = 1000, stage_two_ms = 1000;
  std::uint32_t candidates = 3;
};

service::KeyFileOptions key_options(const std::optional<fs::path>& passphrase_file,
                                    std::optional<SecretBytes>& passphrase) {
  service::KeyFileOptions options;
  if (passphrase_file) options.passphrase = passphrase.emplace(service::read_passphrase_file(*passphrase_file)).view();
  return options;
}

void make_validator(const ValidatorOptions& o) {
  Prg prg(random_seed());
  const auto keys = node::ValidatorKeys::generate(prg);
  std::optional<SecretBytes> passphrase;
  const auto options = key_options(o.passphrase_file, passphrase);
  fs::create_directories(o.out);
  service::save_key_file(o.out / "validator.key", keys.bls, options, prg);
  service::save_key_file(o.out / "vrf.key", service::VrfSecretKey{sig::VrfSuite::edwards25519_sha512_ell2,
                                                                 SecretBytes(keys.vrf.view())},
                         options, prg);
  service::save_key_file(o.out / "identity.key", keys.ed25519, options, prg);
  const auto card = keys.card(o.name, o.weight);
  const fs::path card_file = o.out / (o.name + ".validator.json");
  service::write_public_file(card_file, as_bytes(card.to_json()));
  std::printf("wrote %s/validator.key, vrf.key, identity.key (secret: keep them here) and %s (public: send it to "
              "the consortium)\n",
              o.out.string().c_str(), card_file.string().c_str());
}

void make_account(const AccountOptions& o) {
  Prg prg(random_seed());
  const auto key = sig::Ed25519SecretKey::generate(prg);
  std::optional<SecretBytes> passphrase;
  service::save_key_file(o.out, key, key_options(o.passphrase_file, passphrase), prg);
  std::printf("wrote %s; account %s\n", o.out.string().c_str(), to_hex(key.public_key()).c_str());
}

void make_genesis(const GenesisOptions& o) {
  std::vector<node::ValidatorCard> cards;
  for (const auto& f : o.cards) {
    const Bytes raw = service::read_public_file(f);
    try {
      cards.push_back(node::ValidatorCard::from_json(std::string(reinterpret_cast<const char*>(raw.data()), raw.size())));
    } catch (const Error& e) {
      throw InvalidArgument(f.string() + ": " + e.what());
    }
  }
  Bytes app_state;
  if (o.app == "payments") {
    std::vector<consensus::apps::Payments::Account> accounts;
    for (const auto& a : o.accounts) {
      const auto eq = a.find('=');
      if (eq == std::string::npos) throw InvalidArgument("--account wants PUBLIC_KEY_HEX=BALANCE, not " + a);
      consensus::apps::Payments::Account acct;
      acct.owner = from_hex(a.substr(0, eq));
      if (acct.owner.size() != sig::ed25519_public_key_size) {
        throw InvalidArgument("--account " + a.substr(0, eq) + ": an account key has 32 bytes");
      }
      try {
        acct.balance = std::stoull(a.substr(eq + 1));
      } catch (const std::exception&) {
        throw InvalidArgument("--account " + a + ": the balance is not a number");
      }
      accounts.push_back(std::move(acct));
    }
    app_state = consensus::apps::Payments::genesis(accounts);
  } else if (o.app != "kv" && o.app != "commands") {
    throw InvalidArgument("--app must be payments, kv or commands");
  } else if (!o.accounts.empty()) {
    throw InvalidArgument("--account is for the payments application");
  }
  const auto engine = node::chain_engine_from(o.engine, o.stage_one_ms, o.stage_two_ms, o.candidates);
  // Gosig's rounds count from the genesis time: by default, now.
  const bool gosig = engine.kind == node::ChainEngine::Kind::gosig;
  auto g = node::assemble_genesis(o.chain_id, o.app, cards, std::move(app_state),
                                  o.time.value_or(gosig ? node::wall_clock_now() : 0));
  g.engine = engine;
  service::write_public_file(o.out, g.to_bytes());
  std::printf("wrote %s: chain '%s', engine %s, %zu validators (node id = order of --card), genesis %s\n",
              o.out.string().c_str(), g.chain_id.c_str(), std::string(node::to_string(engine.kind)).c_str(),
              g.validators.size(), g.hash().short_hex().c_str());
  for (std::size_t i = 0; i < cards.size(); ++i) std::printf("  validator %zu: %s\n", i, cards[i].name.c_str());
}

}  // namespace

std::function<bool()> add_consensus_commands(CLI::App& app) {
  auto v = std::make_shared<ValidatorOptions>();
  auto* validator = app.add_subcommand("validator", "a consensus validator's keys and its public card");
  validator->add_option("--name", v->name, "the bank's name (the card's file is NAME.validator.json)")->required();
  validator->add_option("--out", v->out, "folder for the key files and the card")->required();
  validator->add_option("--weight", v->weight, "voting weight")->check(CLI::Range(1, 1'000'000));
  validator->add_option("--passphrase-file", v->passphrase_file, "encrypt the key files under this file's first line");

  auto a = std::make_shared<AccountOptions>();
  auto* account = app.add_subcommand("account", "a payments account key (Ed25519)");
  account->add_option("--out", a->out, "the key file")->required();
  account->add_option("--passphrase-file", a->passphrase_file, "encrypt the key file under this file's first line");

  auto g = std::make_shared<GenesisOptions>();
  auto* genesis = app.add_subcommand("genesis", "a chain's genesis from the validators' cards");
  genesis->add_option("--chain-id", g->chain_id, "chain id")->required();
  genesis->add_option("--app", g->app, "payments, kv or commands");
  genesis->add_option("--card", g->cards, "a validator card (NAME.validator.json); validator i is the i-th --card")
      ->required();
  genesis->add_option("--account", g->accounts, "payments: PUBLIC_KEY_HEX=BALANCE, one per account");
  genesis->add_option("--time", g->time, "genesis time, ns since the epoch (default 0; Gosig: now)");
  genesis->add_option("--engine", g->engine, "tendermint (default) or gosig");
  genesis->add_option("--stage-one-ms", g->stage_one_ms, "Gosig: stage I (proposals), ms (default 1000)");
  genesis->add_option("--stage-two-ms", g->stage_two_ms, "Gosig: stage II (signatures), ms (default 1000)");
  genesis->add_option("--candidates", g->candidates, "Gosig: expected leader candidates per round (default 3)");
  genesis->add_option("--out", g->out, "the genesis file (genesis.bin)")->required();

  return [=] {
    if (validator->parsed()) {
      if (v->name.empty() || v->name.find('/') != std::string::npos) throw InvalidArgument("--name: a plain name");
      make_validator(*v);
    } else if (account->parsed()) {
      make_account(*a);
    } else if (genesis->parsed()) {
      make_genesis(*g);
    } else {
      return false;
    }
    return true;
  };
}
