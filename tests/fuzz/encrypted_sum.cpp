// Feeds the aggregator's post decoder of service/encrypted_sum.hpp
// (EncryptedSum::post_from_bytes, what every contributor runs on the
// untrusted aggregator's message) under the fixed 1024-bit test key.
// Input: [contributors byte][length byte][post bytes].
// Oracles: a post that decodes holds exactly 1 + contributors vectors of
// `length` valid ciphertexts and re-encodes to exactly the input (the
// format is canonical); anything else is refused with DecodeError.
#include <cstdint>

#include "privfin/core/error.hpp"
#include "privfin/service/encrypted_sum.hpp"
#include "tests/fuzz/fuzz_support.hpp"
#include "tests/he/test_keys.hpp"

using namespace privfin;
using privfin::service::EncryptedSum;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const std::size_t contributors = in.u8() % 8, length = 1 + in.u8() % 8;
  const ByteView bytes = in.rest();
  const he::PaillierPublicKey& pk = test::test_paillier_key().public_key();
  try {
    const auto post = EncryptedSum::post_from_bytes(pk, bytes, contributors, length);
    fuzz::require(post.sum.size() == length && post.contributions.size() == contributors);
    for (const auto& v : post.contributions) {
      fuzz::require(v.size() == length);
      for (const auto& c : v) fuzz::require(pk.is_valid(c));
    }
    fuzz::require(fuzz::same(EncryptedSum::post_to_bytes(pk, post), bytes));
  } catch (const DecodeError&) {
    // refused: fine
  }
  return 0;
}
