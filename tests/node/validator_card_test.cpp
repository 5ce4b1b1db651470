// Validator cards: a card round-trips through JSON; a forged proof of
// possession, a wrong length, bad hex or a missing field is refused naming
// it; a genesis from cards refuses duplicate names and keys, naming both
// cards, and its validator set is the cards' in order.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/node/validator_card.hpp"

using namespace privfin;
using namespace privfin::node;

namespace {

std::string edited(const ValidatorCard& c, const std::function<void(nlohmann::json&)>& edit) {
  auto j = nlohmann::json::parse(c.to_json());
  edit(j);
  return j.dump();
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no exception";
}

}  // namespace

TEST_CASE("validator card: round trip; forged proofs, bad fields and duplicates refused with the cause",
          "[node][genesis]") {
  Prg prg(Prg::Seed{});
  const auto a = ValidatorKeys::generate(prg), b = ValidatorKeys::generate(prg), c = ValidatorKeys::generate(prg);
  const auto card_a = a.card("bank-a"), card_b = b.card("bank-b", 2), card_c = c.card("bank-c");
  const auto back = ValidatorCard::from_json(card_b.to_json());
  CHECK(back.name == "bank-b");
  CHECK(back.validator == card_b.validator);
  CHECK(back.validator.weight == 2);
  CHECK(card_a.validator.vrf_key.size() == 32);
  CHECK(card_a.validator.ed25519_key == a.ed25519.public_key());

  // Another bank's proof of possession under this key: refused, named.
  const auto forged = edited(card_a, [&](nlohmann::json& j) { j["bls_pop"] = to_hex(card_b.validator.bls_pop); });
  CHECK_THROWS_AS(ValidatorCard::from_json(forged), InvalidArgument);
  CHECK(message_of([&] { (void)ValidatorCard::from_json(forged); }).find("'bank-a'") != std::string::npos);
  for (const char* field : {"bls_key", "bls_pop", "vrf_key", "ed25519_key"}) {
    INFO(field);
    CHECK_THROWS_AS(ValidatorCard::from_json(edited(card_a, [&](nlohmann::json& j) { j.erase(field); })), DecodeError);
    CHECK_THROWS_AS(ValidatorCard::from_json(edited(card_a, [&](nlohmann::json& j) { j[field] = "zz"; })), DecodeError);
    const auto shorter = edited(card_a, [&](nlohmann::json& j) {
      auto s = j[field].get<std::string>();
      j[field] = s.substr(2);
    });
    CHECK(message_of([&] { (void)ValidatorCard::from_json(shorter); }).find(field) != std::string::npos);
  }
  CHECK_THROWS_AS(ValidatorCard::from_json(edited(card_a, [](nlohmann::json& j) { j["weight"] = 0; })), DecodeError);
  CHECK_THROWS_AS(ValidatorCard::from_json(edited(card_a, [](nlohmann::json& j) { j["format"] = "v0"; })), DecodeError);
  CHECK_THROWS_AS(ValidatorCard::from_json(edited(card_a, [](nlohmann::json& j) { j["name"] = ""; })), DecodeError);
  CHECK_THROWS_AS(ValidatorCard::from_json("{not json"), DecodeError);
  CHECK_THROWS_AS(ValidatorCard::from_json("[]"), DecodeError);

  const auto g = assemble_genesis("settlement", "payments", {card_a, card_b, card_c}, {}, 7);
  REQUIRE(g.validators.size() == 3);
  CHECK(g.validators.at(1) == card_b.validator);
  CHECK(g.time == 7);
  auto twin = card_c;
  twin.name = "bank-a";
  CHECK(message_of([&] { (void)assemble_genesis("s", "kv", {card_a, card_b, twin}, {}, 0); })
            .find("'bank-a' and 'bank-a' have the same name") != std::string::npos);
  auto same_key = card_a;
  same_key.name = "bank-z";
  CHECK(message_of([&] { (void)assemble_genesis("s", "kv", {card_a, card_b, same_key}, {}, 0); })
            .find("'bank-a' and 'bank-z' have the same BLS key") != std::string::npos);
  auto same_vrf = card_c;
  same_vrf.validator.vrf_key = card_b.validator.vrf_key;
  CHECK(message_of([&] { (void)assemble_genesis("s", "kv", {card_a, card_b, same_vrf}, {}, 0); })
            .find("same ECVRF key") != std::string::npos);
  auto bad_pop = card_c;
  bad_pop.validator.bls_pop = card_a.validator.bls_pop;
  CHECK_THROWS_AS(assemble_genesis("s", "kv", {card_a, bad_pop}, {}, 0), InvalidArgument);
  CHECK_THROWS_AS(assemble_genesis("s", "kv", {}, {}, 0), InvalidArgument);
}
