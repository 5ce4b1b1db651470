// Feeds the threshold Paillier decoders (he/threshold_paillier.hpp) and the
// DLEQ proofs they carry (zk/dleq.hpp), under fixed test keys (t = 2, l = 3,
// a 1024-bit modulus from tests/he/test_keys.hpp): a threshold public key
// from the dealer, a decryption share with its proof from another party, a
// key share from a file, a bare DLEQ proof. Input: [mode][bytes].
// Oracles: each decoder is canonical (to_bytes(parse(x)) == x); a parsed
// decryption share that verifies for the fixed ciphertext carries exactly
// the honest share value of its party (a different value with an accepted
// proof would be a forgery); a parsed key share is the dealt one; a parsed
// DLEQ proof never verifies a false statement (log_g X != log_h Y).
// Mode 4 is honest: every party's share of a ciphertext made from the input
// verifies after a to_bytes/parse round trip, and any two combine to the
// plaintext. Mode 5 feeds the threshold decryption driver's batch message
// (service::DecryptionShareBatch, a batch of two ciphertexts): canonical, and a
// decoded share that verifies for its ciphertext is the honest one of its
// party. Parties are 0-based network ids.
#include <array>
#include <cstdint>

#include "privfin/core/bigint.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/he/threshold_paillier.hpp"
#include "privfin/service/threshold_decryption.hpp"
#include "privfin/zk/dleq.hpp"
#include "tests/fuzz/fuzz_support.hpp"
#include "tests/he/test_keys.hpp"

using namespace privfin;
using namespace privfin::he;

namespace {

const ThresholdPaillierKeys& keys() { return test::test_threshold_keys(2, 3); }

const PaillierCiphertext& fixed_ciphertext() {
  static const PaillierCiphertext c = keys().public_key.paillier().encrypt_public(mpz_class(4242));
  return c;
}

void decryption_share(ByteView bytes) {
  const auto& pk = keys().public_key;
  const DecryptionShare share = pk.share_from_bytes(bytes);
  fuzz::require(fuzz::same(pk.share_to_bytes(share), bytes));
  if (!pk.verify_share(fixed_ciphertext(), share)) return;
  Prg prg(Prg::Seed{});
  const auto honest = keys().shares.at(share.party).decrypt_share(pk, fixed_ciphertext(), prg);
  fuzz::require(share.value == honest.value);
}

void dleq_proof(ByteView bytes) {
  const auto& pk = keys().public_key;
  const auto& group = pk.proof_group();
  const zk::DleqProof proof = zk::DleqProof::from_bytes(bytes, group);
  fuzz::require(fuzz::same(proof.to_bytes(), bytes));
  // g = 4, h = 9, X = g^5, Y = h^6 mod n^2: no common exponent exists.
  const mpz_class& m = group.modulus();
  zk::DleqStatement statement{4, 9, 0, 0};
  mpz_powm_ui(statement.gx.get_mpz_t(), statement.g.get_mpz_t(), 5, m.get_mpz_t());
  mpz_powm_ui(statement.hx.get_mpz_t(), statement.h.get_mpz_t(), 6, m.get_mpz_t());
  zk::Transcript transcript("privfin fuzz dleq");
  fuzz::require(!zk::dleq_verify(transcript, group, statement, proof));
}

// The two ciphertexts of the fuzzed batch: the fixed one and Enc(7).
const std::vector<PaillierCiphertext>& fixed_batch() {
  static const std::vector<PaillierCiphertext> batch{fixed_ciphertext(),
                                                     keys().public_key.paillier().encrypt_public(mpz_class(7))};
  return batch;
}

void share_batch(ByteView bytes) {
  const auto& pk = keys().public_key;
  const auto batch = service::DecryptionShareBatch::from_bytes(bytes, pk, fixed_batch().size());
  fuzz::require(bytes.size() <= service::DecryptionShareBatch::max_size(pk, fixed_batch().size()));
  fuzz::require(fuzz::same(batch.to_bytes(pk), bytes));
  for (std::size_t k = 0; k < batch.shares.size(); ++k) {
    const auto& share = batch.shares[k];
    if (!pk.verify_share(fixed_batch()[k], share)) continue;
    Prg prg(Prg::Seed{});
    fuzz::require(share.value == keys().shares.at(share.party).decrypt_share(pk, fixed_batch()[k], prg).value);
  }
}

void honest(ByteView bytes) {
  const auto& pk = keys().public_key;
  const mpz_class m = bigint::from_bytes_le(bytes) % pk.paillier().n();
  Prg prg(Prg::Seed{});
  const auto c = pk.paillier().encrypt(m, prg);
  std::vector<DecryptionShare> shares;
  for (const auto& key_share : keys().shares) {
    const auto share = key_share.decrypt_share(pk, c, prg);
    const auto back = pk.share_from_bytes(pk.share_to_bytes(share));
    fuzz::require(pk.verify_share(c, back));
    shares.push_back(back);
  }
  const std::size_t skip = bytes.empty() ? 0 : static_cast<unsigned>(bytes[0]) % 3;
  std::vector<DecryptionShare> two;
  for (std::size_t i = 0; i < 3; ++i) {
    if (i != skip) two.push_back(shares[i]);
  }
  fuzz::require(pk.combine(c, two).plaintext == m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const std::uint8_t mode = in.u8() % 6;
  const ByteView bytes = in.rest();
  try {
    switch (mode) {
      case 0: {
        const auto parsed = ThresholdPaillierPublicKey::from_bytes(bytes);
        fuzz::require(fuzz::same(parsed.to_bytes(), bytes));
        break;
      }
      case 1: decryption_share(bytes); break;
      case 2: {
        const auto& pk = keys().public_key;
        const auto share = ThresholdPaillierKeyShare::from_bytes(bytes, pk);
        fuzz::require(fuzz::same(share.to_bytes(pk).view(), bytes));
        fuzz::require(fuzz::same(keys().shares.at(share.party()).to_bytes(pk).view(), bytes));
        break;
      }
      case 3: dleq_proof(bytes); break;
      case 5: share_batch(bytes); break;
      default: honest(bytes); break;
    }
  } catch (const DecodeError&) {
    fuzz::require(mode != 4);
  }
  return 0;
}
