// Every wire format of the he layer, exhaustively (tests/support/wire_negative.hpp):
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

#include "he/test_keys.hpp"
#include "support/wire_negative.hpp"

using namespace privfin;
using namespace privfin::he;

namespace {
Prg seeded(unsigned char s) { return Prg(Prg::Seed{std::byte{0x3E}, std::byte{s}}); }

Bytes copy(ByteView v) { return Bytes(v.begin(), v.end()); }

// Every truncation refused, every bit flip refused or decoded to another
// value: `reencode` decodes (DecodeError on a defect) and encodes again.
template <class Reencode>
void check_format(ByteView wire, const Reencode& reencode) {
  const Bytes original = copy(wire);
  test::check_truncations_and_flips(wire, reencode, [&](const Bytes& again) { return again == original; });
}

// The flips of every `stride`-th bit that still decode are refused by
// `verifies` (the check that guards the decoded value). Returns how many
// decoded flips were checked.
template <class Decode, class Verifies>
std::size_t check_decoded_flips_fail(ByteView wire, std::size_t stride, const Decode& decode,
                                     const Verifies& verifies) {
  Bytes flipped = copy(wire);
  std::size_t checked = 0;
  for (std::size_t bit = 0; bit < 8 * wire.size(); bit += stride) {
    const auto mask = std::byte{static_cast<unsigned char>(1U << (bit % 8))};
    flipped[bit / 8] ^= mask;
    try {
      const auto value = decode(ByteView(flipped));
      ++checked;
      INFO("bit " << bit % 8 << " of byte " << bit / 8 << " flipped");
      CHECK_FALSE(verifies(value));
    } catch (const DecodeError&) {
    }
    flipped[bit / 8] ^= mask;
  }
  return checked;
}

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

  check_format(pk.to_bytes(), [](ByteView b) { return PaillierPublicKey::from_bytes(b).to_bytes(); });

  const SecretBytes sk_bytes = sk.to_bytes();
  check_format(sk_bytes.view(), [](ByteView b) { return copy(PaillierSecretKey::from_bytes(b).to_bytes().view()); });

  const auto c = pk.encrypt(1234, prg);
  check_format(pk.ciphertext_to_bytes(c),
               [&](ByteView b) { return pk.ciphertext_to_bytes(pk.ciphertext_from_bytes(b)); });

  const std::vector<PaillierCiphertext> cs{c, pk.encrypt(5, prg)};
  check_format(pk.ciphertexts_to_bytes(cs),
               [&](ByteView b) { return pk.ciphertexts_to_bytes(pk.ciphertexts_from_bytes(b, 8)); });
}

TEST_CASE("threshold Paillier public key: every truncation and bit flip", "[he][threshold][codec][exhaustive]") {
  // Decoding needs a modulus of at least 1024 bits: the dealt test key.
  const auto& tpk = test::test_threshold_keys(2, 3).public_key;
  check_format(tpk.to_bytes(), [](ByteView b) { return ThresholdPaillierPublicKey::from_bytes(b).to_bytes(); });
}

TEST_CASE("decryption share and its DLEQ proof: every truncation and bit flip", "[he][threshold][codec][exhaustive]") {
  const auto& keys = small_keys();
  const auto& tpk = keys.public_key;
  Prg prg = seeded(3);
  const auto c = tpk.paillier().encrypt(77, prg);
  const auto share = keys.shares[1].decrypt_share(tpk, c, prg);
  REQUIRE(tpk.verify_share(c, share));
  const Bytes wire = tpk.share_to_bytes(share);
  check_format(wire, [&](ByteView b) { return tpk.share_to_bytes(tpk.share_from_bytes(b)); });
  // Flips that decode (inside the value or the proof) give shares that fail
  // verification; every 7th bit is checked (all of them would take seconds).
  const auto checked = check_decoded_flips_fail(
      wire, 7, [&](ByteView b) { return tpk.share_from_bytes(b); },
      [&](const DecryptionShare& s) { return tpk.verify_share(c, s); });
  CHECK(checked > 100);

  // The proof on its own.
  const Bytes proof = share.proof.to_bytes();
  check_format(proof, [&](ByteView b) { return zk::DleqProof::from_bytes(b, tpk.proof_group()).to_bytes(); });
  const auto proofs_checked = check_decoded_flips_fail(
      proof, 7, [&](ByteView b) { return zk::DleqProof::from_bytes(b, tpk.proof_group()); },
      [&](const zk::DleqProof& p) {
        DecryptionShare s = share;
        s.proof = p;
        return tpk.verify_share(c, s);
      });
  CHECK(proofs_checked > 50);
}

TEST_CASE("threshold Paillier key share: every truncation and bit flip", "[he][threshold][codec][exhaustive]") {
  // from_bytes also checks the secret against the party's verification key,
  // so a flipped secret or party is refused rather than decoded.
  const auto& keys = small_keys();
  const auto& tpk = keys.public_key;
  const SecretBytes bytes = keys.shares[2].to_bytes(tpk);
  check_format(bytes.view(), [&](ByteView b) {
    return copy(ThresholdPaillierKeyShare::from_bytes(b, tpk).to_bytes(tpk).view());
  });
}
