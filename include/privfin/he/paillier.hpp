// privfin/he/paillier.hpp — the Paillier cryptosystem with g = n + 1:
// additively homomorphic public-key encryption of integers mod n.
//
//   Prg prg(random_seed());
//   auto sk = PaillierSecretKey::generate(2048, prg);
//   const PaillierPublicKey& pk = sk.public_key();
//   PaillierCiphertext c = pk.add(pk.encrypt(20, prg), pk.encrypt(22, prg));
//   mpz_class m = sk.decrypt(c);                                  // 42
//   PaillierEncryptor fast(pk, prg);         // fixed-base table, ~10x faster
//   PaillierCiphertext d = fast.encrypt(7, prg);
//
// Encryption: c = (1 + m n) r^n mod n^2 with r uniform in Z*_n. Decryption
// uses CRT: m_p = L_p(c^(p-1) mod p^2) * (-q)^-1 mod p, likewise mod q, then
// CRT (two exponentiations with half-size modulus and exponent, through
// mpz_powm_sec because p - 1 and q - 1 are secret). Paillier, "Public-key
// cryptosystems based on composite degree residuosity classes" (EUROCRYPT
// 1999); semantic security rests on the DCR assumption.
//
// Plaintexts are integers in [0, n); use he/encoding.hpp for signed,
// fixed-point and packed values. Ciphertexts are values in Z*_{n^2}; they
// do not remember their key, so the caller must use each with the key it
// was made under (the serialized form carries a key id that is checked).
//
// Throws: InvalidArgument for plaintexts outside [0, n), ciphertexts outside
// Z*_{n^2}, or bad key parameters; DecodeError for malformed bytes (wrong
// version or length, a value not in Z*_{n^2}, a ciphertext under another
// key). Keys and ciphertexts are immutable values: thread-safe to share; a
// Prg is not, so give each thread its own. The secret key wipes its
// factors on destruction.
#pragma once

#include <gmpxx.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/core/codec.hpp"
#include "privfin/core/prg.hpp"

namespace privfin::he {

class PaillierCiphertext {
 public:
  PaillierCiphertext() = default;
  // Does not validate: use PaillierPublicKey::is_valid / make_ciphertext.
  explicit PaillierCiphertext(mpz_class value) : value_(std::move(value)) {}
  [[nodiscard]] const mpz_class& value() const noexcept { return value_; }
  friend bool operator==(const PaillierCiphertext& a, const PaillierCiphertext& b) { return a.value_ == b.value_; }

 private:
  mpz_class value_;
};

class PaillierPublicKey {
 public:
  static constexpr std::uint8_t format_version = 1;
  static constexpr std::uint8_t ciphertext_format_version = 1;
  static constexpr std::size_t min_modulus_bits = 1024;
  static constexpr std::size_t max_modulus_bits = 16384;
  static constexpr std::size_t key_id_size = 16;

  // n must be odd and > 1; no further check (the factorisation is unknown).
  // from_bytes() adds the size bounds for keys that come from outside.
  explicit PaillierPublicKey(mpz_class n);

  [[nodiscard]] const mpz_class& n() const noexcept { return n_; }
  [[nodiscard]] const mpz_class& n_squared() const noexcept { return n2_; }
  [[nodiscard]] std::size_t modulus_bits() const noexcept { return bits_; }
  // Bytes of n (k) and of a fixed-width ciphertext value (2k).
  [[nodiscard]] std::size_t modulus_bytes() const noexcept { return bytes_; }
  [[nodiscard]] std::size_t ciphertext_bytes() const noexcept { return 2 * bytes_; }
  // SHA-256("privfin paillier key id v1" || to_bytes())[0..16): names the
  // key inside ciphertext encodings.
  [[nodiscard]] const std::array<std::byte, key_id_size>& key_id() const noexcept { return key_id_; }

  // Throws InvalidArgument unless 0 <= m < n.
  [[nodiscard]] PaillierCiphertext encrypt(const mpz_class& m, Prg& prg) const;
  // Deterministic encryption with caller-chosen r in Z*_n (for known-answer
  // tests and for proofs that need the randomness); r must stay secret.
  [[nodiscard]] PaillierCiphertext encrypt_with_nonce(const mpz_class& m, const mpz_class& r) const;
  // (1 + m n) mod n^2: an encryption with r = 1, not hiding m. For constants
  // that are public anyway.
  [[nodiscard]] PaillierCiphertext encrypt_public(const mpz_class& m) const;

  // Enc(a + b), Enc(a - b), Enc(a + k), Enc(k a), Enc(-a); plaintexts mod n.
  // Scalars may be any integer (reduced mod n). Inputs are checked to be in
  // [1, n^2) (InvalidArgument otherwise); full Z*_{n^2} membership (a gcd,
  // several times the cost of an addition) is checked where ciphertexts
  // enter: ciphertext_from_bytes(), decrypt(), is_valid(). The results are not
  // re-randomised: call rerandomize() before revealing one that must not be
  // linkable.
  [[nodiscard]] PaillierCiphertext add(const PaillierCiphertext& a, const PaillierCiphertext& b) const;
  [[nodiscard]] PaillierCiphertext sub(const PaillierCiphertext& a, const PaillierCiphertext& b) const;
  [[nodiscard]] PaillierCiphertext add_plain(const PaillierCiphertext& a, const mpz_class& k) const;
  [[nodiscard]] PaillierCiphertext mul_plain(const PaillierCiphertext& a, const mpz_class& k) const;
  [[nodiscard]] PaillierCiphertext negate(const PaillierCiphertext& a) const;
  void add_inplace(PaillierCiphertext& a, const PaillierCiphertext& b) const;
  // Multiplies by a fresh r^n: same plaintext, unlinkable ciphertext.
  [[nodiscard]] PaillierCiphertext rerandomize(const PaillierCiphertext& a, Prg& prg) const;

  // c in [1, n^2) and gcd(c, n) = 1.
  [[nodiscard]] bool is_valid(const PaillierCiphertext& c) const;
  // Throws InvalidArgument (naming `where`) unless is_valid(c).
  void check(const PaillierCiphertext& c, const char* where) const;
  // Throws InvalidArgument (naming `where`) unless c is in [1, n^2).
  void check_range(const PaillierCiphertext& c, const char* where) const;

  // Version 1: u8 version = 1, bigint n (codec varint length + magnitude LE).
  void write(Writer& w) const;
  [[nodiscard]] Bytes to_bytes() const;
  // Throws DecodeError for a wrong version, an even n, a modulus outside
  // [min_modulus_bits, max_modulus_bits], or trailing bytes.
  [[nodiscard]] static PaillierPublicKey read(Reader& r);
  [[nodiscard]] static PaillierPublicKey from_bytes(ByteView bytes);

  // One ciphertext: u8 version = 1, 16-byte key id, 2k-byte value LE.
  // A vector: u8 version = 1, 16-byte key id, varint count, count values.
  [[nodiscard]] Bytes ciphertext_to_bytes(const PaillierCiphertext& c) const;
  [[nodiscard]] PaillierCiphertext ciphertext_from_bytes(ByteView bytes) const;
  [[nodiscard]] Bytes ciphertexts_to_bytes(std::span<const PaillierCiphertext> cs) const;
  [[nodiscard]] std::vector<PaillierCiphertext> ciphertexts_from_bytes(ByteView bytes, std::size_t max_count) const;
  // The 2k-byte value alone, for formats that carry the key id elsewhere.
  void write_ciphertext_value(Writer& w, const PaillierCiphertext& c) const;
  [[nodiscard]] PaillierCiphertext read_ciphertext_value(Reader& r, std::string_view field) const;

  friend bool operator==(const PaillierPublicKey& a, const PaillierPublicKey& b) { return a.n_ == b.n_; }

 private:
  [[nodiscard]] mpz_class random_nonce_power(Prg& prg) const;  // r^n mod n^2

  mpz_class n_;
  mpz_class n2_;
  std::size_t bits_ = 0;
  std::size_t bytes_ = 0;
  std::array<std::byte, key_id_size> key_id_{};
};

class PaillierSecretKey {
 public:
  static constexpr std::uint8_t format_version = 1;

  // Two distinct random primes of bits/2 bits each (top two bits set, so n
  // has exactly `bits` bits). bits must be even and in
  // [PaillierPublicKey::min_modulus_bits, max_modulus_bits].
  [[nodiscard]] static PaillierSecretKey generate(std::size_t bits, Prg& prg);
  // From given primes p != q (any size: small primes are for known-answer
  // tests only). Throws InvalidArgument unless both are odd probable primes
  // with gcd(pq, (p-1)(q-1)) = 1.
  [[nodiscard]] static PaillierSecretKey from_primes(const mpz_class& p, const mpz_class& q);

  PaillierSecretKey(const PaillierSecretKey& other) = default;
  PaillierSecretKey(PaillierSecretKey&&) noexcept = default;
  // Assignment wipes the secrets it replaces.
  PaillierSecretKey& operator=(const PaillierSecretKey& other);
  PaillierSecretKey& operator=(PaillierSecretKey&& other) noexcept;
  ~PaillierSecretKey();

  [[nodiscard]] const PaillierPublicKey& public_key() const noexcept { return pk_; }

  // The plaintext in [0, n). Throws InvalidArgument unless c is in Z*_{n^2}.
  [[nodiscard]] mpz_class decrypt(const PaillierCiphertext& c) const;
  // Encryption with the CRT (r^n mod p^2 and mod q^2): about 1.7x as fast
  // as the public-key path, for the key owner.
  [[nodiscard]] PaillierCiphertext encrypt(const mpz_class& m, Prg& prg) const;

  [[nodiscard]] const mpz_class& p() const noexcept { return p_; }
  [[nodiscard]] const mpz_class& q() const noexcept { return q_; }

  // Version 1: u8 version = 1, bigint p, bigint q (p < q). Secret: store
  // encrypted. from_bytes() re-validates the primes and throws DecodeError on a
  // malformed or inconsistent key.
  [[nodiscard]] SecretBytes to_bytes() const;
  [[nodiscard]] static PaillierSecretKey from_bytes(ByteView bytes);

 private:
  PaillierSecretKey(const mpz_class& p, const mpz_class& q);
  void wipe() noexcept;

  PaillierPublicKey pk_;
  mpz_class p_, q_;    // p < q
  mpz_class p2_, q2_;  // p^2, q^2
  mpz_class hp_, hq_;  // (-q)^-1 mod p, (-p)^-1 mod q
  mpz_class q_inv_p_;  // q^-1 mod p, for the final CRT step
  mpz_class n_mod_phi_p2_, n_mod_phi_q2_;  // n mod p(p-1), n mod q(q-1)
};

// Fast encryption for one public key with a fixed-base table, in the style
// of Damgård, Jurik and Nielsen ("A generalization of Paillier's public-key
// system with applications to electronic voting", IJIS 2010): the
// encryptor picks h = -x^2 mod n with x uniform in Z*_n and precomputes
// powers of h_s = h^n mod n^2; an encryption is (1 + m n) h_s^a mod n^2
// with a random a. The table holds h_s^(d 2^(w i)) for every w-bit digit d,
// so an encryption costs ceil(exponent_bits / w) multiplications and no
// squarings.
//
// Exponent::short_djn (the default): a has ceil(|n| / 2) bits, DJN's
// choice; its security rests on DCR plus their assumption that such short
// exponents are indistinguishable from full ones (generic attacks cost
// about 2^(|n|/4)). Exponent::full: a has |n| + 128 bits, so h^a is
// statistically close to uniform in the subgroup <h>; about twice as slow.
// The table is ceil(exponent_bits / w) * (2^w - 1) values of 2k bytes
// (window 6 at 2048 bits: 5 MiB short, 11 MiB full; docs/paillier.md has
// the measured speed-ups). Side channels: which table entry is read depends
// on the secret exponent a, so this path is not hardened against
// cache-timing attackers on the same machine; use PaillierPublicKey::encrypt
// where that matters. Immutable after construction: thread-safe (each
// thread passes its own Prg).
class PaillierEncryptor {
 public:
  enum class Exponent { full, short_djn };

  PaillierEncryptor(const PaillierPublicKey& pk, Prg& prg, Exponent exponent = Exponent::short_djn,
                    std::size_t window_bits = 6);

  [[nodiscard]] const PaillierPublicKey& public_key() const noexcept { return pk_; }
  [[nodiscard]] std::size_t exponent_bits() const noexcept { return exponent_bits_; }
  [[nodiscard]] std::size_t table_size() const noexcept { return table_.size(); }

  [[nodiscard]] PaillierCiphertext encrypt(const mpz_class& m, Prg& prg) const;
  [[nodiscard]] PaillierCiphertext rerandomize(const PaillierCiphertext& c, Prg& prg) const;
  // h_s^a mod n^2 for a random a: an n-th residue usable as fresh randomness.
  [[nodiscard]] mpz_class random_nonce_power(Prg& prg) const;

 private:
  PaillierPublicKey pk_;
  std::size_t exponent_bits_;
  std::size_t window_bits_;
  std::size_t windows_;
  std::vector<mpz_class> table_;  // windows_ rows of (2^w - 1) entries: h_s^(d 2^(w i)), d = 1..2^w-1
};

}  // namespace privfin::he
