// privfin/node/validator_card.hpp — how the banks of a consortium build a
// chain without any one of them seeing another's secret keys: each bank
// generates its own validator keys and hands out only its public "card";
// one of them (or each, to compare) assembles the genesis from the cards
// and checks every proof of possession and that no key appears twice.
//
//   // at each bank (privfin-keygen validator):
//   auto keys = ValidatorKeys::generate(prg);
//   save_key_file("validator.key", keys.bls, ...);   // and vrf.key, node.key (service/key_file.hpp)
//   write_public_file("bank-a.validator.json", as_bytes(keys.card("bank-a").to_json()));
//   // at the coordinator (privfin-keygen genesis):
//   auto g = assemble_genesis("settlement", "payments", {card_a, card_b, ...}, app_state, time);
//
// Card (JSON, UTF-8): {"format": "privfin validator card v1", "name",
// "bls_key" (48 bytes hex, compressed min-pk), "bls_pop" (96 bytes hex),
// "vrf_key" (32 bytes hex, ECVRF edwards25519), "ed25519_key" (32 bytes
// hex), "weight" (>= 1)}. from_json refuses (DecodeError naming the field)
// a missing or mistyped field, bad hex or a wrong length, and (InvalidArgument
// naming the card) a proof of possession that does not verify: a card
// whose BLS key its holder cannot sign for would let a rogue key cancel
// the others' in an aggregate.
//
// Costs: from_json verifies one proof of possession (a pairing check, a few
// ms). Throws as above; assemble_genesis throws InvalidArgument naming both
// cards when two share a BLS, ECVRF or Ed25519 key or a name, and for an
// empty list.
#pragma once

#include <string>
#include <vector>

#include "privfin/consensus/types.hpp"
#include "privfin/core/bytes.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/node/genesis.hpp"
#include "privfin/sig/bls12_381/bls.hpp"
#include "privfin/sig/ed25519.hpp"

namespace privfin::node {

struct ValidatorCard {
  static constexpr std::string_view format = "privfin validator card v1";
  std::string name;  // the bank's name for people; unique in a genesis
  consensus::Validator validator;

  [[nodiscard]] std::string to_json() const;
  [[nodiscard]] static ValidatorCard from_json(std::string_view text);
};

// A validator's secret keys: BLS (votes), ECVRF (Gosig's secret leader
// sortition) and Ed25519 (the node's identity key in the validator set).
struct ValidatorKeys {
  sig::bls12_381::SecretKey bls;
  SecretBytes vrf;  // ECVRF-EDWARDS25519-SHA512-ELL2 (sig/ecvrf.hpp), 32 bytes
  sig::Ed25519SecretKey ed25519;

  [[nodiscard]] static ValidatorKeys generate(Prg& prg);
  // The public card, with a fresh proof of possession.
  [[nodiscard]] ValidatorCard card(std::string name, std::uint64_t weight = 1) const;
};

[[nodiscard]] GenesisDocument assemble_genesis(std::string chain_id, std::string app,
                                               const std::vector<ValidatorCard>& cards, Bytes app_state,
                                               consensus::TimePoint time);

}  // namespace privfin::node
