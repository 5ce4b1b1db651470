// privfin/sig/ed25519.hpp — Ed25519 signatures (RFC 8032 §5.1) through
// OpenSSL EVP (EVP_PKEY_ED25519), with strict verification and key
// serialization (raw 32-byte keys, PKCS#8 / SubjectPublicKeyInfo DER).
//
//   auto sk = Ed25519SecretKey::generate(prg);       // or from_seed(seed32)
//   Bytes pk = sk.public_key();                      // 32 bytes
//   Bytes sig = sk.sign(msg);                        // 64 bytes, deterministic
//   if (ed25519_verify(pk, msg, sig)) { ... }
//
// ed25519_verify is stricter than the minimum of RFC 8032 and matches
// libsodium's policy: besides the equation it rejects S >= L, public keys
// and R with y >= p or with x = 0 and the sign bit set (non-canonical
// encodings), and public keys and R of small order (1, 2, 4 or 8). So a
// message has no second valid encoding of a signature, and weak keys fail.
// Errors: from_seed / from_pkcs8_der throw InvalidArgument or DecodeError on
// malformed input; public_key_from_spki_der throws DecodeError;
// ed25519_verify never throws on bad input and returns false.
// The secret key is the RFC 8032 seed, kept in wiped memory; the OpenSSL
// key object is freed (OpenSSL clears it) on destruction.
// Thread safety: a key is immutable after construction; sign() may be
// called from several threads at once.
#pragma once

#include <cstddef>
#include <memory>

#include "privfin/core/bytes.hpp"
#include "privfin/core/prg.hpp"

namespace privfin::sig {

inline constexpr std::size_t ed25519_public_key_size = 32;
inline constexpr std::size_t ed25519_seed_size = 32;
inline constexpr std::size_t ed25519_signature_size = 64;

class Ed25519SecretKey {
 public:
  [[nodiscard]] static Ed25519SecretKey generate(Prg& prg);
  // The RFC 8032 secret key (32-byte seed); InvalidArgument on another length.
  [[nodiscard]] static Ed25519SecretKey from_seed(ByteView seed);
  // An OpenSSL PKCS#8 PrivateKeyInfo DER for Ed25519; DecodeError otherwise.
  [[nodiscard]] static Ed25519SecretKey from_pkcs8_der(ByteView der);

  Ed25519SecretKey(const Ed25519SecretKey& other);
  Ed25519SecretKey& operator=(const Ed25519SecretKey& other);
  Ed25519SecretKey(Ed25519SecretKey&& other) noexcept;
  Ed25519SecretKey& operator=(Ed25519SecretKey&& other) noexcept;
  ~Ed25519SecretKey();

  [[nodiscard]] const Bytes& public_key() const noexcept { return public_key_; }
  [[nodiscard]] Bytes sign(ByteView message) const;

  // Serialization: the seed (secret!) and PKCS#8 DER (secret!).
  [[nodiscard]] SecretBytes seed() const { return seed_; }
  [[nodiscard]] SecretBytes to_pkcs8_der() const;

 private:
  explicit Ed25519SecretKey(ByteView seed);
  SecretBytes seed_;
  Bytes public_key_;
  void* pkey_ = nullptr;  // EVP_PKEY
};

// SubjectPublicKeyInfo DER for a raw 32-byte public key, and back (only the
// one DER form RFC 8410 allows; DecodeError for anything else).
[[nodiscard]] Bytes ed25519_public_key_to_spki_der(ByteView public_key);
[[nodiscard]] Bytes ed25519_public_key_from_spki_der(ByteView der);

// True only for a valid, canonical signature (see above).
[[nodiscard]] bool ed25519_verify(ByteView public_key, ByteView message, ByteView signature);

}  // namespace privfin::sig
