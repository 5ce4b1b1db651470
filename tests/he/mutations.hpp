// Exhaustive negative tests for a wire format, as libsodium tests its
// formats: every proper prefix of a valid encoding must be refused with a
// DecodeError, and every single-bit flip must be refused or decode to a
// different value (its re-encoding differs from the valid encoding). A flip
// that decodes is also handed to `also` (e.g. "a verifier returns false").
#pragma once

#include <catch2/catch.hpp>

#include <cstddef>
#include <functional>
#include <string>

#include "privfin/core/bytes.hpp"
#include "privfin/core/error.hpp"

namespace privfin::test {

struct MutationCounts {
  std::size_t refused = 0;  // DecodeError
  std::size_t decoded = 0;  // decoded to another value
};

// decode_encode(bytes) decodes (throwing DecodeError on a defect) and
// returns the value's encoding.
inline MutationCounts check_every_mutation(const std::string& what, ByteView valid,
                                           const std::function<Bytes(ByteView)>& decode_encode,
                                           const std::function<void(ByteView)>& also = {}) {
  INFO(what);
  REQUIRE(decode_encode(valid) == Bytes(valid.begin(), valid.end()));
  MutationCounts counts;
  for (std::size_t size = 0; size < valid.size(); ++size) {
    INFO("truncated to " << size << " of " << valid.size() << " bytes");
    CHECK_THROWS_AS(decode_encode(valid.first(size)), DecodeError);
  }
  Bytes flipped(valid.begin(), valid.end());
  for (std::size_t bit = 0; bit < 8 * valid.size(); ++bit) {
    const auto mask = std::byte{static_cast<unsigned char>(1U << (bit % 8))};
    flipped[bit / 8] ^= mask;
    bool decoded = false;
    try {
      const Bytes again = decode_encode(flipped);
      decoded = true;
      if (again == Bytes(valid.begin(), valid.end())) FAIL_CHECK(what << ": bit " << bit << " flipped decodes to the original");
    } catch (const DecodeError&) {
      ++counts.refused;
    }
    if (decoded) {
      ++counts.decoded;
      if (also) also(flipped);
    }
    flipped[bit / 8] ^= mask;
  }
  return counts;
}

}  // namespace privfin::test
