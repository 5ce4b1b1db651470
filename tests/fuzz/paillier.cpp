// Feeds the Paillier decoders (he/paillier.hpp): PaillierPublicKey::from_bytes (a
// key from a peer or a file), ciphertext_from_bytes and ciphertexts_from_bytes under a
// fixed 1024-bit key (ciphertexts from clients), and PaillierSecretKey::from_bytes
// (a key file). Input: [mode][bytes].
// Oracles: every decoder is canonical — a parsed key, ciphertext, batch or
// secret key serializes back to exactly the input; a parsed ciphertext is
// valid under its key; a parsed secret key decrypts what its public key
// encrypts. Mode 4 is honest: a plaintext from the input is encrypted,
// serialized and parsed back, and decrypts to itself.
#include <cstdint>

#include "privfin/core/bigint.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/he/paillier.hpp"
#include "tests/fuzz/fuzz_support.hpp"
#include "tests/he/test_keys.hpp"

using namespace privfin;
using namespace privfin::he;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const std::uint8_t mode = in.u8() % 5;
  const ByteView bytes = in.rest();
  const PaillierSecretKey& sk = test::test_paillier_key();
  const PaillierPublicKey& pk = sk.public_key();
  Prg prg(Prg::Seed{});
  try {
    switch (mode) {
      case 0: {
        const auto parsed = PaillierPublicKey::from_bytes(bytes);
        fuzz::require(fuzz::same(parsed.to_bytes(), bytes));
        break;
      }
      case 1: {
        const auto c = pk.ciphertext_from_bytes(bytes);
        fuzz::require(pk.is_valid(c));
        fuzz::require(fuzz::same(pk.ciphertext_to_bytes(c), bytes));
        break;
      }
      case 2: {
        const auto cs = pk.ciphertexts_from_bytes(bytes, 16);
        for (const auto& c : cs) fuzz::require(pk.is_valid(c));
        fuzz::require(fuzz::same(pk.ciphertexts_to_bytes(cs), bytes));
        break;
      }
      case 3: {
        const auto parsed = PaillierSecretKey::from_bytes(bytes);
        fuzz::require(fuzz::same(parsed.to_bytes().view(), bytes));
        const mpz_class m = 12345;
        fuzz::require(parsed.decrypt(parsed.public_key().encrypt(m, prg)) == m);
        break;
      }
      default: {
        const mpz_class m = bigint::from_bytes_le(bytes) % pk.n();
        const auto c = pk.encrypt(m, prg);
        const auto back = pk.ciphertext_from_bytes(pk.ciphertext_to_bytes(c));
        fuzz::require(back.value() == c.value() && sk.decrypt(back) == m);
        break;
      }
    }
  } catch (const DecodeError&) {
    fuzz::require(mode != 4);
  }
  return 0;
}
