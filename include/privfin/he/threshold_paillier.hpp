// privfin/he/threshold_paillier.hpp — t-out-of-l threshold decryption for
// Paillier with publicly verifiable decryption shares: Shoup's threshold RSA
// ("Practical threshold signatures", EUROCRYPT 2000) applied to Paillier as
// in Damgård–Jurik (PKC 2001, s = 1) and Fouque–Poupard–Stern (FC 2000).
//
//   ThresholdPaillierKeys keys = ThresholdPaillierDealer::generate(2048, /*t=*/3, /*parties=*/5, prg);
//   const ThresholdPaillierPublicKey& tpk = keys.public_key;
//   PaillierCiphertext c = tpk.paillier().encrypt(42, prg);
//   DecryptionShare s0 = keys.shares[0].decrypt_share(tpk, c, prg);   // at party 0
//   ...                                                              // any 3 parties
//   CombineResult r = tpk.combine(c, shares);  // r.plaintext == 42; r.rejected names cheaters
//
// Party numbers are 0-based network ids (net::Network::party_id()), here as
// everywhere in privfin: key share i, verification key i, a share's `party`
// and every error name party i = network party i. Over a network, use
// service::ThresholdDecryption (privfin/service/threshold_decryption.hpp),
// which also checks each share's party against its authenticated sender.
//
// Keys: n = pq with safe primes p = 2p'+1, q = 2q'+1; m = p'q'; the secret
// d = 0 mod m, d = 1 mod n is shared with a random polynomial f of degree
// t - 1 over Z_{nm}: party i (0-based) holds s_i = f(i + 1); the evaluation
// point is i + 1 because f(0) is the secret. Public verification keys are
// v (a random square in Z*_{n^2}) and v_i = v^(Delta s_i), Delta = l!.
// A decryption share is c_i = c^(2 Delta s_i) mod n^2 with a DLEQ proof
// (zk/dleq.hpp, hidden-order form) that log_{c^4}(c_i^2) = log_v(v_i), made
// non-interactive with a zk::Transcript labelled
// "privfin/he/threshold-paillier/decryption-share v2" that first binds the
// public key id, the party id, the ciphertext and the share value. Any t
// valid shares combine by integer Lagrange interpolation in the exponent:
// c' = prod c_i^(2 lambda_i) = (1 + n)^(4 Delta^2 m), m = L(c') (4 Delta^2)^-1
// (lambda_i over the evaluation points i + 1).
// Security: static corruption of up to t - 1 parties, in the random oracle
// model, under DCR; a trusted dealer generates the keys. Dealer-free key
// generation can produce the same public key and shares: the public key and
// key-share types take their components directly and do not depend on the
// dealer.
//
// Caller's duties: check that each share's party is its authenticated
// sender (the share names its party, and a process holding another owner's
// key-share file makes valid shares under that owner's id; the driver
// service::ThresholdDecryption does this check); keep key shares secret.
// Throws InvalidArgument for bad parameters or a ciphertext not in
// Z*_{n^2}, DecodeError for malformed bytes, and ProtocolError (naming the
// first party whose share was rejected) when too few valid shares remain to
// decrypt. Keys, shares and results are immutable values: thread-safe; key
// shares wipe their secret on destruction.
#pragma once

#include <gmpxx.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/core/codec.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/core/rejection.hpp"
#include "privfin/he/paillier.hpp"
#include "privfin/zk/dleq.hpp"

namespace privfin::he {

using ThresholdKeyId = std::array<std::byte, 16>;
using CiphertextDigest = std::array<std::byte, 32>;

struct DecryptionShare {
  // Version 2: party is the 0-based network id (version 1 counted from 1).
  static constexpr std::uint8_t format_version = 2;

  std::size_t party = 0;               // 0..l-1, the network id of its maker
  ThresholdKeyId key_id{};             // of the threshold public key
  CiphertextDigest ciphertext_digest{};  // of the ciphertext being decrypted
  mpz_class value;                     // c^(2 Delta s_i) mod n^2
  zk::DleqProof proof;
};

struct CombineResult {
  mpz_class plaintext;
  std::vector<std::size_t> used_parties;  // the t parties whose shares were combined
  // Every share that failed, with why: from = the party the share claims,
  // by and item as passed to combine().
  std::vector<Rejection> rejected;
};

class ThresholdPaillierPublicKey {
 public:
  static constexpr std::uint8_t format_version = 1;
  static constexpr std::size_t max_parties = 256;

  // From components (a dealer's or a distributed key generation's output).
  // Throws InvalidArgument unless 1 <= t <= l <= max_parties,
  // verification_keys has l entries, and v and every v_i are in Z*_{n^2}.
  ThresholdPaillierPublicKey(PaillierPublicKey paillier, std::size_t threshold, std::size_t parties, mpz_class v,
                             std::vector<mpz_class> verification_keys);

  [[nodiscard]] const PaillierPublicKey& paillier() const noexcept { return pk_; }
  [[nodiscard]] std::size_t threshold() const noexcept { return threshold_; }
  [[nodiscard]] std::size_t parties() const noexcept { return parties_; }
  [[nodiscard]] const mpz_class& delta() const noexcept { return delta_; }  // l!
  [[nodiscard]] const mpz_class& v() const noexcept { return v_; }
  // v_i for party i in [0, l); throws InvalidArgument otherwise.
  [[nodiscard]] const mpz_class& verification_key(std::size_t party) const;
  // SHA-256("privfin threshold paillier key id v1" || to_bytes())[0..16).
  [[nodiscard]] const ThresholdKeyId& key_id() const noexcept { return key_id_; }
  // The DLEQ group for share proofs: Z*_{n^2}, secrets below 2^(2|n| + bitlen(Delta)).
  [[nodiscard]] const zk::DleqGroup& proof_group() const noexcept { return group_; }

  // SHA-256("privfin threshold paillier ciphertext v1" || 2k-byte value).
  [[nodiscard]] CiphertextDigest ciphertext_digest(const PaillierCiphertext& c) const;

  // Why a share is not a valid decryption share of c from its party under
  // this key, or nullopt when it is: out_of_range (unknown party),
  // wrong_key (other key, or made for another ciphertext), malformed (value
  // not in Z*_{n^2}), invalid_proof (the proof does not verify). The
  // Rejection has from = share.party and the given `by` (the checking
  // party's id) and `item` (the caller's index of c).
  [[nodiscard]] std::optional<Rejection> share_problem(const PaillierCiphertext& c, const DecryptionShare& share,
                                                       std::size_t by = 0, std::uint64_t item = 0) const;
  [[nodiscard]] bool verify_share(const PaillierCiphertext& c, const DecryptionShare& share) const {
    return !share_problem(c, share).has_value();
  }

  // Verifies every share, rejects duplicates of an already accepted party,
  // and combines the first t valid ones. `by` and `item` only label the
  // rejections (the combining party's id, the caller's index of c). Throws
  // InvalidArgument if fewer than t shares are given or c is not in
  // Z*_{n^2}, and ProtocolError naming the first rejected party if fewer
  // than t valid shares remain.
  [[nodiscard]] CombineResult combine(const PaillierCiphertext& c, std::span<const DecryptionShare> shares,
                                      std::size_t by = 0, std::uint64_t item = 0) const;
  // The interpolation step alone, for shares the caller has verified
  // already: exactly t shares from distinct parties (InvalidArgument
  // otherwise). A wrong share here gives a wrong plaintext or an Error.
  [[nodiscard]] mpz_class combine_verified(const PaillierCiphertext& c,
                                           std::span<const DecryptionShare> shares) const;

  // Version 1: u8 version, Paillier public key (its own format), varint t,
  // varint l, v as 2k bytes LE, then v_1..v_l as 2k bytes LE each.
  void write(Writer& w) const;
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static ThresholdPaillierPublicKey from_bytes(ByteView bytes);

  // Version 2: u8 version, 16-byte key id, 32-byte ciphertext digest,
  // varint party (0-based), value as 2k bytes LE, DLEQ proof (zk/dleq.hpp
  // format).
  [[nodiscard]] Bytes share_to_bytes(const DecryptionShare& share) const;
  // Throws DecodeError for malformed bytes, a party outside [0, l) or a
  // value not in Z*_{n^2}; the key id, digest and proof are checked by
  // share_problem()/combine().
  [[nodiscard]] DecryptionShare share_from_bytes(ByteView bytes) const;
  // The largest share_to_bytes() of this key: receivers bound messages by it.
  [[nodiscard]] std::size_t max_share_size() const noexcept;

 private:
  PaillierPublicKey pk_;
  std::size_t threshold_;
  std::size_t parties_;
  mpz_class v_;
  std::vector<mpz_class> verification_keys_;
  mpz_class delta_;
  mpz_class four_delta_squared_inv_;  // (4 Delta^2)^-1 mod n
  ThresholdKeyId key_id_{};
  zk::DleqGroup group_;
};

// One party's secret share s_i.
class ThresholdPaillierKeyShare {
 public:
  // Version 2: party is the 0-based network id (version 1 counted from 1).
  static constexpr std::uint8_t format_version = 2;

  // party in [0, max_parties) (its network id); secret s_i = f(party + 1) >= 0.
  ThresholdPaillierKeyShare(std::size_t party, mpz_class secret);
  ThresholdPaillierKeyShare(const ThresholdPaillierKeyShare&) = default;
  ThresholdPaillierKeyShare& operator=(const ThresholdPaillierKeyShare&) = default;
  ThresholdPaillierKeyShare(ThresholdPaillierKeyShare&&) noexcept = default;
  ThresholdPaillierKeyShare& operator=(ThresholdPaillierKeyShare&&) noexcept = default;
  ~ThresholdPaillierKeyShare();

  [[nodiscard]] std::size_t party() const noexcept { return party_; }

  // c_i = c^(2 Delta s_i) mod n^2 with its proof. Throws InvalidArgument if
  // c is not in Z*_{n^2} or the party is not in [0, l) of the key.
  [[nodiscard]] DecryptionShare decrypt_share(const ThresholdPaillierPublicKey& pk, const PaillierCiphertext& c,
                                              Prg& prg) const;

  // Version 2: u8 version, 16-byte key id, varint party (0-based), bigint s_i.
  [[nodiscard]] SecretBytes to_bytes(const ThresholdPaillierPublicKey& pk) const;
  // Throws DecodeError for malformed bytes, a key id of another key, a
  // party outside [0, l), or a share that does not match v_i.
  [[nodiscard]] static ThresholdPaillierKeyShare from_bytes(ByteView bytes, const ThresholdPaillierPublicKey& pk);

 private:
  std::size_t party_;
  mpz_class secret_;
};

struct ThresholdPaillierKeys {
  ThresholdPaillierPublicKey public_key;
  std::vector<ThresholdPaillierKeyShare> shares;  // shares[i] is party i's (network id i)
};

// A trusted dealer: generates the key, hands out shares, and forgets.
class ThresholdPaillierDealer {
 public:
  // Safe primes of bits/2 bits each; bits even and >= 1024. Slow: a
  // 2048-bit key needs two 1024-bit safe primes (seconds to minutes).
  [[nodiscard]] static ThresholdPaillierKeys generate(std::size_t bits, std::size_t threshold, std::size_t parties,
                                                      Prg& prg);
  // From given distinct safe primes (any size; small ones are for tests).
  // Throws InvalidArgument unless p and q are safe primes.
  [[nodiscard]] static ThresholdPaillierKeys from_safe_primes(const mpz_class& p, const mpz_class& q,
                                                              std::size_t threshold, std::size_t parties, Prg& prg);
};

}  // namespace privfin::he
