// Every truncation and every single-bit flip of a key file is refused, or
// (in a clear file, whose body is not authenticated) gives another key;
// an encrypted file refuses them all.
#include <catch2/catch.hpp>

#include <algorithm>

#include "privfin/core/prg.hpp"
#include "privfin/service/key_file.hpp"
#include "support/wire_negative.hpp"

using namespace privfin;
using namespace privfin::service;

namespace {

Prg fixed_prg() { return Prg(Prg::Seed{std::byte{0x4B}}); }

const Bytes& verify_key() {
  static const Bytes key(16, std::byte{0x5A});
  return key;
}

bool is_verify_key(const SecretBytes& key) {
  const ByteView v = key.view();
  return std::equal(v.begin(), v.end(), verify_key().begin(), verify_key().end());
}

}  // namespace

TEST_CASE("wire: a clear key file refuses every truncation - a bit flip is refused or gives another key",
          "[service][key_file][wire]") {
  auto prg = fixed_prg();
  const SecretBytes file = encode_key_file(KeyType::prio3_verify_key, verify_key(), {}, prg);
  test::check_truncations_and_flips(
      file.view(), [](ByteView b) { return decode_key_file(b, KeyType::prio3_verify_key, std::nullopt); },
      is_verify_key);
}

TEST_CASE("wire: an encrypted key file refuses every truncation and every bit flip", "[service][key_file][wire]") {
  auto prg = fixed_prg();
  const auto passphrase = as_bytes("correct horse");
  KeyFileOptions options;
  options.passphrase = passphrase;
  options.cost = ScryptCost{ScryptCost::min_log2_n, 1, 1};
  const SecretBytes file = encode_key_file(KeyType::prio3_verify_key, verify_key(), options, prg);
  const auto decode = [&](ByteView b) { return decode_key_file(b, KeyType::prio3_verify_key, passphrase); };
  // Any decoded key counts as "the original": so every mutation must be
  // refused outright, since the AEAD covers the header and the body.
  test::check_truncations_and_flips(file.view(), decode, [](const SecretBytes&) { return true; });
}
