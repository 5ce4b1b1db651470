// privfin/service/threshold_decryption.hpp — batched threshold Paillier
// decryption over a net::Network, on any subset of its parties: the
// decrypting parties (holders of key shares) send a decryption share with
// its proof for every ciphertext of a batch to the output parties, which
// verify every proof, name every cheater, and combine any t valid shares.
//
//   // Decrypting parties 0..3 (key share i at network party i), output party 4:
//   service::ThresholdDecryption dec(net, tpk, key_share, {0, 1, 2, 3}, {4});   // at parties 0..3
//   service::ThresholdDecryption dec(net, tpk, {0, 1, 2, 3}, {4});              // at party 4
//   auto result = dec.decrypt(batch, prg);   // every listed party, the same batch
//   // at party 4: result.plaintexts[k] decrypts batch[k]; result.rejected names cheaters
//
// Numbering: parties are 0-based network ids. Key share i belongs to network
// party i, so the decrypting parties are network ids below tpk.parties();
// output parties may be any network ids (an aggregator that holds no share).
//
// Identity binding: every share names its party, and a process that loads
// another owner's key-share file makes shares that verify under that
// owner's id. So an output party refuses a share whose party is not the
// authenticated network id of its sender (RejectionCause::wrong_sender,
// "party 3 sent a share claiming party 4: is it using another owner's
// key-share file?"), and the constructor refuses a key share whose party()
// is not net.party_id() (InvalidArgument naming both). The honest owner's
// own shares are unaffected and it is never blamed.
//
// Agreement: the first decrypt() runs service::agree among the listed
// parties on protocol "threshold-paillier-decryption" version 1, the key id,
// t, l, the decrypting and the output parties; a party holding another key
// or other lists gets ParameterMismatch naming the differing parties.
//
// Messages: each decrypting party sends one batch message per output party
// per decrypt() (see DecryptionShareBatch); an output party bounds each by
// DecryptionShareBatch::max_size(key, batch size) before allocating (a longer one
// throws DecodeError naming the sender). A malformed message, a share
// count other than the batch size, another round number or another batch
// (the sender was given other ciphertexts than this party, e.g. by an
// aggregator that sent the parties different batches) rejects all of
// that sender's shares for the batch (one Rejection, item 0: malformed,
// replayed or parameters_differ), so a party handed the wrong batch is
// named for that, not for a false proof; a share that claims another party than its sender
// (wrong_sender) or fails share_problem() is rejected on its own (item =
// its index in the batch). With at least t valid shares per ciphertext the
// batch decrypts; with fewer, decrypt() throws ProtocolError naming the
// first rejected party of that ciphertext.
//
// Cost: one round per batch (plus the agreement round before the first).
// A decrypting party computes one share and one DLEQ proof per ciphertext
// (two exponentiations mod n^2 with |n|-bit-plus exponents); an output
// party verifies every received proof (about four exponentiations mod n^2
// each) and interpolates t shares per ciphertext. Traffic: about
// |n|/2 + 100 bytes (1.1 KiB at |n| = 2048) per ciphertext per
// (decrypting, output) pair.
//
// The network, the key and the key share are referenced, not copied: they
// must outlive the driver.
//
// Throws InvalidArgument for bad lists (empty, repeated, outside the
// network, a decrypting party the key does not have, this party in
// neither list), a missing or wrong key share, or a bad ciphertext;
// ParameterMismatch; ProtocolError as above; NetworkError and DecodeError
// from the network. Thread safety: one object per party; decrypt() uses
// the network as one protocol step (one thread at a time).
#pragma once

#include <gmpxx.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/core/rejection.hpp"
#include "privfin/he/paillier.hpp"
#include "privfin/he/threshold_paillier.hpp"
#include "privfin/net/network.hpp"
#include "privfin/service/agreement.hpp"

namespace privfin::service {

// One decrypting party's shares for one batch: the wire message of a round.
struct DecryptionShareBatch {
  static constexpr std::uint8_t format_version = 2;
  static constexpr std::size_t max_batch = std::size_t{1} << 20;

  he::CiphertextDigest batch_digest{};       // digest_of(key, the batch the sender decrypted)
  std::uint64_t round = 0;                   // 0 for the first decrypt() of a driver
  std::vector<he::DecryptionShare> shares;   // shares[k] for the batch's ciphertext k

  // SHA-256 over "privfin/service/threshold-decryption batch v1", the count
  // and key.ciphertext_digest(c) of every ciphertext: lets a receiver tell
  // "given another batch" apart from a false proof.
  [[nodiscard]] static he::CiphertextDigest digest_of(const he::ThresholdPaillierPublicKey& key,
                                                      std::span<const he::PaillierCiphertext> batch);

  // Version 2: u8 version, 16-byte key id, 32-byte batch digest, varint
  // round, varint count, then count shares, each as
  // bytes(key.share_to_bytes(share)) (a varint length and the share,
  // he/threshold_paillier.hpp format).
  [[nodiscard]] Bytes to_bytes(const he::ThresholdPaillierPublicKey& key) const;
  // Throws DecodeError for malformed bytes, another key id, a count other
  // than `count`, or a malformed share (he::share_from_bytes). The shares'
  // parties, digests and proofs are checked by the receiver, not here.
  [[nodiscard]] static DecryptionShareBatch from_bytes(ByteView bytes, const he::ThresholdPaillierPublicKey& key,
                                             std::size_t count);
  // The largest to_bytes() of a batch of `count` shares under `key`.
  [[nodiscard]] static std::size_t max_size(const he::ThresholdPaillierPublicKey& key, std::size_t count);
};

struct DecryptionResult {
  // At an output party, plaintexts[k] decrypts batch[k]; empty elsewhere.
  std::vector<mpz_class> plaintexts;
  // Every refused share or message, by this party, from its sender.
  std::vector<Rejection> rejected;
  // The decrypting parties whose shares were combined for batch[0].
  std::vector<std::size_t> used_parties;
};

class ThresholdDecryption {
 public:
  static constexpr std::string_view protocol_name = "threshold-paillier-decryption";
  static constexpr std::uint32_t protocol_version = 1;

  // At a decrypting party (which may also be an output party).
  ThresholdDecryption(net::Network& net, const he::ThresholdPaillierPublicKey& key,
                      const he::ThresholdPaillierKeyShare& key_share, std::vector<std::size_t> decryptors,
                      std::vector<std::size_t> outputs);
  // At an output party that holds no key share.
  ThresholdDecryption(net::Network& net, const he::ThresholdPaillierPublicKey& key,
                      std::vector<std::size_t> decryptors, std::vector<std::size_t> outputs);

  // One round: every listed party calls it with the same batch (at most
  // DecryptionShareBatch::max_batch ciphertexts). `prg` feeds the proofs (unused at
  // a party that does not decrypt).
  [[nodiscard]] DecryptionResult decrypt(std::span<const he::PaillierCiphertext> batch, Prg& prg);

  // What the first decrypt() agrees on (see "Agreement" above).
  [[nodiscard]] Parameters parameters() const;

  [[nodiscard]] const std::vector<std::size_t>& decryptors() const noexcept { return decryptors_; }
  [[nodiscard]] const std::vector<std::size_t>& outputs() const noexcept { return outputs_; }
  [[nodiscard]] bool is_decryptor() const noexcept { return key_share_ != nullptr; }
  [[nodiscard]] bool is_output() const noexcept { return is_output_; }

 private:
  ThresholdDecryption(net::Network& net, const he::ThresholdPaillierPublicKey& key,
                      std::vector<std::size_t> decryptors, std::vector<std::size_t> outputs,
                      const he::ThresholdPaillierKeyShare* key_share);
  void agree_once();

  net::Network& net_;
  const he::ThresholdPaillierPublicKey& key_;
  const he::ThresholdPaillierKeyShare* key_share_ = nullptr;
  std::vector<std::size_t> decryptors_;
  std::vector<std::size_t> outputs_;
  std::vector<std::size_t> parties_;  // union of both lists, sorted
  bool is_output_ = false;
  bool agreed_ = false;
  std::uint64_t round_ = 0;
};

}  // namespace privfin::service
