// Every wire format of the he layer, exhaustively (tests/he/mutations.hpp):
// every truncation of a valid encoding is refused with DecodeError, and
// every single-bit flip is refused or decodes to a different value; where a
// flipped value decodes, the check that guards it (share verification, the
// key share's match with its verification key, DLEQ verification) refuses
// it. Formats: Paillier public key, secret key, ciphertext, ciphertext
// vector; threshold public key, decryption share, key share, and the DLEQ
// proof inside a share.
#include <catch2/catch.hpp>

#include <privfin/core/bigint.hpp>
#include <privfin/core/error.hpp>
#include <privfin/he/paillier.hpp>
#include <privfin/he/threshold_paillier.hpp>
#include <privfin/zk/dleq.hpp>

#include <vector>

#include "he/mutations.hpp"
#include "he/test_keys.hpp"

using namespace privfin;
using namespace privfin::he;

namespace {
Prg seeded(unsigned char s) { return Prg(Prg::Seed{std::byte{0x3E}, std::byte{s}}); }

Bytes copy(ByteView v) { return Bytes(v.begin(), v.end()); }

// A 512-bit-modulus threshold key (t = 2, l = 3) built directly, for the
// formats decoded under a given key: small values keep 8 x size flips fast.
const ThresholdPaillierKeys& small_keys() {
  static const ThresholdPaillierKeys keys = [] {
    Prg prg = seeded(1);
    return ThresholdPaillierDealer::from_safe_primes(test::safe_p256(), test::safe_q256(), 2, 3, prg);
  }();
  return keys;
}
}  // namespace

TEST_CASE("Paillier wire formats: every truncation and bit flip", "[he][paillier][codec][exhaustive]") {
  const auto& sk = test::test_paillier_key();
  const auto& pk = sk.public_key();
  Prg prg = seeded(2);

  test::check_every_mutation("Paillier public key", pk.to_bytes(),
                             [](ByteView b) { return PaillierPublicKey::from_bytes(b).to_bytes(); });

  const SecretBytes sk_bytes = sk.to_bytes();
  test::check_every_mutation("Paillier secret key", sk_bytes.view(), [](ByteView b) {
    return copy(PaillierSecretKey::from_bytes(b).to_bytes().view());
  });

  const auto c = pk.encrypt(1234, prg);
  test::check_every_mutation("Paillier ciphertext", pk.ciphertext_to_bytes(c), [&](ByteView b) {
    return pk.ciphertext_to_bytes(pk.ciphertext_from_bytes(b));
  });

  const std::vector<PaillierCiphertext> cs{c, pk.encrypt(5, prg)};
  test::check_every_mutation("Paillier ciphertexts", pk.ciphertexts_to_bytes(cs), [&](ByteView b) {
    return pk.ciphertexts_to_bytes(pk.ciphertexts_from_bytes(b, 8));
  });
}

TEST_CASE("threshold Paillier public key: every truncation and bit flip", "[he][threshold][codec][exhaustive]") {
  // Decoding needs a modulus of at least 1024 bits: the dealt test key.
  const auto& tpk = test::test_threshold_keys(2, 3).public_key;
  const auto counts = test::check_every_mutation("threshold public key", tpk.to_bytes(), [](ByteView b) {
    return ThresholdPaillierPublicKey::from_bytes(b).to_bytes();
  });
  CHECK(counts.decoded > 0);  // flips inside v or a v_i that stay units
}

TEST_CASE("decryption share and its DLEQ proof: every truncation and bit flip", "[he][threshold][codec][exhaustive]") {
  const auto& keys = small_keys();
  const auto& tpk = keys.public_key;
  Prg prg = seeded(3);
  const auto c = tpk.paillier().encrypt(77, prg);
  const auto share = keys.shares[1].decrypt_share(tpk, c, prg);
  REQUIRE(tpk.verify_share(c, share));
  // Every flip decodes to another share or is refused; the verifier runs on
  // every 8th flip that decodes (all of them would take seconds), and
  // refuses each.
  std::size_t decoded = 0, checked = 0, verified = 0;
  const auto counts = test::check_every_mutation(
      "decryption share", tpk.share_to_bytes(share),
      [&](ByteView b) { return tpk.share_to_bytes(tpk.share_from_bytes(b)); },
      [&](ByteView flipped) {
        if (decoded++ % 8 != 0) return;
        ++checked;
        if (tpk.verify_share(c, tpk.share_from_bytes(flipped))) ++verified;
      });
  CHECK(checked > 100);
  CHECK(verified == 0);
  CHECK(counts.decoded > 0);

  // The proof on its own: a flip that decodes no longer verifies.
  const Bytes proof = share.proof.to_bytes();
  std::size_t proofs_decoded = 0, proofs_verified = 0;
  test::check_every_mutation(
      "DLEQ proof", proof, [&](ByteView b) { return zk::DleqProof::from_bytes(b, tpk.proof_group()).to_bytes(); },
      [&](ByteView flipped) {
        if (proofs_decoded++ % 8 != 0) return;
        DecryptionShare s = share;
        s.proof = zk::DleqProof::from_bytes(flipped, tpk.proof_group());
        if (tpk.verify_share(c, s)) ++proofs_verified;
      });
  CHECK(proofs_verified == 0);
}

TEST_CASE("threshold Paillier key share: every truncation and bit flip", "[he][threshold][codec][exhaustive]") {
  // from_bytes also checks the secret against the party's verification key,
  // so a flipped secret is refused rather than decoded.
  const auto& keys = small_keys();
  const auto& tpk = keys.public_key;
  const SecretBytes bytes = keys.shares[2].to_bytes(tpk);
  const auto counts = test::check_every_mutation("key share", bytes.view(), [&](ByteView b) {
    return copy(ThresholdPaillierKeyShare::from_bytes(b, tpk).to_bytes(tpk).view());
  });
  CHECK(counts.decoded == 0);
}
