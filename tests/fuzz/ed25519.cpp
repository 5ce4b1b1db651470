// Feeds the Ed25519 functions that take outside bytes: ed25519_verify (a
// peer's key and signature), ed25519_public_key_from_spki_der and
// Ed25519SecretKey::from_pkcs8_der (key files). Input: [mode][...]:
//   0  [signature 64][public key 32][message]: against a fixed key, a
//      signature verifies only if it is the honest (deterministic) one; for
//      the fuzzed key, whatever our strict verifier accepts libsodium must
//      accept too (ours rejects more, never less).
//   1  [seed piece][message]: a key made from the input signs the message and
//      the signature verifies; a flipped signature bit makes it fail.
//   2  SPKI DER: a decoded public key re-encodes to the same DER.
//   3  PKCS#8 DER: a decoded secret key signs, and its signature verifies.
//   4  [count][count x ([signature 64][public key 32][message piece])]: a
//      batch. ed25519_verify_batch agrees with ed25519_verify_batch_each,
//      and every entry ed25519_verify accepts, the batch accepts.
#include <sodium.h>

#include <cstdint>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/sig/ed25519.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
using namespace privfin::sig;

namespace {

const unsigned char* uc(ByteView b) { return reinterpret_cast<const unsigned char*>(b.data()); }

void untrusted(fuzz::Splitter& in) {
  static const Ed25519SecretKey fixed = Ed25519SecretKey::from_seed(Bytes(32, std::byte{0x42}));
  const ByteView sig = in.take(64);
  const ByteView pk = in.take(32);
  const ByteView msg = in.rest();
  if (ed25519_verify(fixed.public_key(), msg, sig)) fuzz::require(fuzz::same(sig, fixed.sign(msg)));
  if (ed25519_verify(pk, msg, sig)) {
    fuzz::require(sig.size() == 64 && pk.size() == 32);
    fuzz::require(crypto_sign_verify_detached(uc(sig), uc(msg), msg.size(), uc(pk)) == 0);
  }
}

void honest(fuzz::Splitter& in) {
  Bytes seed(32, std::byte{0});
  const ByteView piece = in.piece();
  for (std::size_t i = 0; i < piece.size(); ++i) seed[i % 32] ^= piece[i];
  const std::uint8_t bit = in.u8();
  const ByteView msg = in.rest();
  const auto key = Ed25519SecretKey::from_seed(seed);
  Bytes sig = key.sign(msg);
  fuzz::require(ed25519_verify(key.public_key(), msg, sig));
  sig[bit / 8 % 64] ^= static_cast<std::byte>(1U << (bit % 8));
  fuzz::require(!ed25519_verify(key.public_key(), msg, sig));
}

void batch(fuzz::Splitter& in) {
  const std::size_t count = in.u8() % 9;
  std::vector<Ed25519BatchEntry> entries;
  for (std::size_t i = 0; i < count; ++i) {
    const ByteView sig = in.take(64);
    const ByteView pk = in.take(32);
    entries.push_back({pk, in.piece(), sig});
  }
  Prg::Seed seed{};
  Prg prg(seed);
  const bool whole = ed25519_verify_batch(entries, prg);
  const std::vector<bool> each = ed25519_verify_batch_each(entries, prg);
  bool all = true;
  for (std::size_t i = 0; i < count; ++i) {
    all = all && each[i];
    if (ed25519_verify(entries[i].public_key, entries[i].message, entries[i].signature)) fuzz::require(each[i]);
  }
  fuzz::require(whole == all);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (sodium_init() < 0) __builtin_trap();
  fuzz::Splitter in(fuzz::as_view(data, size));
  switch (in.u8() % 5) {
    case 0: untrusted(in); break;
    case 1: honest(in); break;
    case 2: {
      const ByteView der = in.rest();
      try {
        const Bytes pk = ed25519_public_key_from_spki_der(der);
        fuzz::require(fuzz::same(ed25519_public_key_to_spki_der(pk), der));
      } catch (const DecodeError&) {
      }
      break;
    }
    case 4: batch(in); break;
    default: {
      const ByteView der = in.rest();
      try {
        const auto key = Ed25519SecretKey::from_pkcs8_der(der);
        const Bytes sig = key.sign(der);
        fuzz::require(ed25519_verify(key.public_key(), der, sig));
      } catch (const DecodeError&) {
      }
      break;
    }
  }
  return 0;
}
