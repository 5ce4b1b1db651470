// The exhaustive negative test of a wire format, as libsodium tests its
// formats: every truncation of a valid encoding is refused, and every
// single-bit flip is refused or decodes to a different value (a verifier
// then sees another statement). Call from the test thread:
//
//   check_truncations_and_flips(wire,
//       [](ByteView b) { return Thing::from_bytes(b); },
//       [&](const Thing& t) { return t == original; });
//
// `decode` must throw DecodeError (or return a value) for any input;
// `is_original` says whether a decoded value equals the encoded one.
// check_verifier_refuses_mutations is the form for verifiers that return
// bool (signatures, proofs).
#pragma once

#include <catch2/catch.hpp>

#include <cstddef>
#include <string>

#include "privfin/core/bytes.hpp"
#include "privfin/core/error.hpp"

namespace privfin::test {

// What decoding one mutated input gave.
enum class Mutation { refused, decoded_other, decoded_original };

template <class Decode, class IsOriginal>
Mutation decode_mutation(ByteView bytes, const Decode& decode, const IsOriginal& is_original) {
  try {
    return is_original(decode(bytes)) ? Mutation::decoded_original : Mutation::decoded_other;
  } catch (const DecodeError&) {
    return Mutation::refused;
  }
}

template <class Decode, class IsOriginal>
void check_truncations_and_flips(ByteView wire, const Decode& decode, const IsOriginal& is_original) {
  REQUIRE(decode_mutation(wire, decode, is_original) == Mutation::decoded_original);
  for (std::size_t length = 0; length < wire.size(); ++length) {
    INFO("truncated to " << length << " of " << wire.size() << " bytes");
    CHECK(decode_mutation(wire.first(length), decode, is_original) == Mutation::refused);
  }
  Bytes flipped(wire.begin(), wire.end());
  for (std::size_t bit = 0; bit < wire.size() * 8; ++bit) {
    const auto mask = std::byte{static_cast<unsigned char>(1U << (bit % 8))};
    flipped[bit / 8] ^= mask;
    INFO("bit " << bit % 8 << " of byte " << bit / 8 << " flipped");
    CHECK(decode_mutation(flipped, decode, is_original) != Mutation::decoded_original);
    flipped[bit / 8] ^= mask;
  }
}

// For a verifier over bytes (a signature, a proof, a key): the honest
// encoding verifies, and no truncation or single-bit flip does. `verifies`
// must return false (not throw) for any input.
template <class Verifies>
void check_verifier_refuses_mutations(ByteView wire, const Verifies& verifies) {
  REQUIRE(verifies(wire));
  for (std::size_t length = 0; length < wire.size(); ++length) {
    INFO("truncated to " << length << " of " << wire.size() << " bytes");
    CHECK_FALSE(verifies(wire.first(length)));
  }
  Bytes flipped(wire.begin(), wire.end());
  for (std::size_t bit = 0; bit < wire.size() * 8; ++bit) {
    const auto mask = std::byte{static_cast<unsigned char>(1U << (bit % 8))};
    flipped[bit / 8] ^= mask;
    INFO("bit " << bit % 8 << " of byte " << bit / 8 << " flipped");
    CHECK_FALSE(verifies(ByteView(flipped)));
    flipped[bit / 8] ^= mask;
  }
}

}  // namespace privfin::test
