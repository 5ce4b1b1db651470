// Feeds ValidatorCard::from_json (privfin/node/validator_card.hpp): the
// cards banks exchange to build a genesis come from other organisations'
// files. Oracles: no crash, only DecodeError or InvalidArgument (a proof of
// possession that does not verify); a card that decodes re-encodes and
// decodes to itself.
#include <cstdint>
#include <string_view>

#include "privfin/core/error.hpp"
#include "privfin/node/validator_card.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto card = node::ValidatorCard::from_json(text);
    const auto again = node::ValidatorCard::from_json(card.to_json());
    fuzz::require(again.name == card.name && again.validator == card.validator);
  } catch (const DecodeError&) {
  } catch (const InvalidArgument&) {
  }
  return 0;
}
