#include "privfin/node/validator_card.hpp"

#include <nlohmann/json.hpp>

#include <functional>

#include "privfin/consensus/crypto.hpp"
#include "privfin/core/error.hpp"
#include "privfin/sig/ecvrf.hpp"

namespace privfin::node {
namespace {

using Bls = sig::bls12_381::BlsMinPk;

Bytes hex_field(const nlohmann::json& j, const char* field, std::size_t size) {
  if (!j.contains(field) || !j[field].is_string()) {
    throw DecodeError("validator card: \"" + std::string(field) + "\" must be a hex string");
  }
  Bytes out;
  try {
    out = from_hex(j[field].get<std::string>());
  } catch (const DecodeError&) {
    throw DecodeError("validator card: \"" + std::string(field) + "\" is not hex");
  }
  if (out.size() != size) {
    throw DecodeError("validator card: \"" + std::string(field) + "\" has " + std::to_string(out.size()) +
                      " bytes, not " + std::to_string(size));
  }
  return out;
}

// Names the first card of the pair that shares `what`.
void refuse_duplicates(const std::vector<ValidatorCard>& cards, const char* what,
                       const std::function<std::string(const ValidatorCard&)>& key_of) {
  for (std::size_t i = 0; i < cards.size(); ++i) {
    for (std::size_t j = i + 1; j < cards.size(); ++j) {
      if (key_of(cards[i]) == key_of(cards[j])) {
        throw InvalidArgument("genesis: validator cards '" + cards[i].name + "' and '" + cards[j].name +
                              "' have the same " + what);
      }
    }
  }
}

}  // namespace

std::string ValidatorCard::to_json() const {
  const nlohmann::json j = {{"format", std::string(format)},
                            {"name", name},
                            {"bls_key", to_hex(validator.bls_key)},
                            {"bls_pop", to_hex(validator.bls_pop)},
                            {"vrf_key", to_hex(validator.vrf_key)},
                            {"ed25519_key", to_hex(validator.ed25519_key)},
                            {"weight", validator.weight}};
  return j.dump(2) + "\n";
}

ValidatorCard ValidatorCard::from_json(std::string_view text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw DecodeError(std::string("validator card: not JSON: ") + e.what());
  }
  if (!j.is_object() || !j.contains("format") || j["format"] != std::string(format)) {
    throw DecodeError("validator card: \"format\" must be \"" + std::string(format) + "\"");
  }
  ValidatorCard c;
  if (!j.contains("name") || !j["name"].is_string() || j["name"].get<std::string>().empty()) {
    throw DecodeError("validator card: \"name\" must be a non-empty string");
  }
  c.name = j["name"].get<std::string>();
  c.validator.bls_key = hex_field(j, "bls_key", Bls::pk_size);
  c.validator.bls_pop = hex_field(j, "bls_pop", Bls::sig_size);
  c.validator.vrf_key = hex_field(j, "vrf_key", 32);
  c.validator.ed25519_key = hex_field(j, "ed25519_key", sig::ed25519_public_key_size);
  if (!j.contains("weight") || !j["weight"].is_number_unsigned() || j["weight"].get<std::uint64_t>() == 0) {
    throw DecodeError("validator card: \"weight\" must be a whole number of at least 1");
  }
  c.validator.weight = j["weight"].get<std::uint64_t>();
  if (!Bls::pop_verify(c.validator.bls_key, c.validator.bls_pop)) {
    throw InvalidArgument("validator card '" + c.name +
                          "': the BLS proof of possession does not verify (its holder cannot sign for that key)");
  }
  return c;
}

ValidatorKeys ValidatorKeys::generate(Prg& prg) {
  const sig::Ecvrf vrf(sig::VrfSuite::edwards25519_sha512_ell2);
  return ValidatorKeys{sig::bls12_381::SecretKey::key_gen(prg.bytes(32)), vrf.generate(prg).secret_key,
                       sig::Ed25519SecretKey::generate(prg)};
}

ValidatorCard ValidatorKeys::card(std::string name, std::uint64_t weight) const {
  ValidatorCard c;
  c.name = std::move(name);
  c.validator = consensus::make_bls_validator(bls, weight);
  c.validator.vrf_key = sig::Ecvrf(sig::VrfSuite::edwards25519_sha512_ell2).public_key(vrf.view());
  c.validator.ed25519_key = ed25519.public_key();
  return c;
}

GenesisDocument assemble_genesis(std::string chain_id, std::string app, const std::vector<ValidatorCard>& cards,
                                 Bytes app_state, consensus::TimePoint time) {
  if (cards.empty()) throw InvalidArgument("genesis: no validator cards");
  refuse_duplicates(cards, "name", [](const ValidatorCard& c) { return c.name; });
  refuse_duplicates(cards, "BLS key", [](const ValidatorCard& c) { return to_hex(c.validator.bls_key); });
  refuse_duplicates(cards, "ECVRF key", [](const ValidatorCard& c) { return to_hex(c.validator.vrf_key); });
  refuse_duplicates(cards, "Ed25519 key", [](const ValidatorCard& c) { return to_hex(c.validator.ed25519_key); });
  std::vector<consensus::Validator> members;
  for (const auto& c : cards) {
    if (!Bls::pop_verify(c.validator.bls_key, c.validator.bls_pop)) {
      throw InvalidArgument("genesis: validator card '" + c.name + "': the BLS proof of possession does not verify");
    }
    members.push_back(c.validator);
  }
  GenesisDocument g;
  g.chain_id = std::move(chain_id);
  g.validators = consensus::ValidatorSet(std::move(members));
  g.app = std::move(app);
  g.app_state = std::move(app_state);
  g.time = time;
  return g;
}

}  // namespace privfin::node
