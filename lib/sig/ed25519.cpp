// Ed25519 (RFC 8032 §5.1): signing and single verification through
// libsodium (its ref10 code is the fastest we have on this machine), with
// our strict encoding checks of §5.1.3 / §5.1.7 done first; key files
// (PKCS#8, SPKI) through OpenSSL.
#include "privfin/sig/ed25519.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <vector>

#include "privfin/core/bigint.hpp"
#include "privfin/core/error.hpp"
#include "privfin/sig/edwards25519.hpp"
#include "ed25519_strict.hpp"

namespace privfin::sig {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

const unsigned char* u8(ByteView b) { return reinterpret_cast<const unsigned char*>(b.data()); }

PkeyPtr raw_public(ByteView pk) {
  return PkeyPtr(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, u8(pk), pk.size()));
}

void sodium_ready() {
  // sodium_init is idempotent and thread-safe; the static runs it once.
  static const int ready = sodium_init();
  if (ready < 0) throw Error("ed25519: libsodium failed to initialise");
}

using Encoding = std::array<std::byte, 32>;

// The encodings no strict verifier accepts for A or R: the eight points of
// small order in canonical form, and the two with x = 0 and the sign bit set.
const std::vector<Encoding>& rejected_encodings() {
  static const std::vector<Encoding> list = [] {
    using namespace ed25519_curve;
    // A point of order exactly 8: the torsion part L * q of a decodable q.
    AffinePoint t;
    for (unsigned char i = 2;; ++i) {
      Bytes enc(32);
      enc[0] = std::byte{i};
      auto q = decode(enc);
      if (!q) continue;
      t = mul_public(group_order(), *q);
      if (!(add(add(t, t), add(t, t)) == identity())) break;  // 4t != 0: order 8
    }
    std::vector<Encoding> out;
    AffinePoint m = identity();
    for (int k = 0; k < 8; ++k) {
      const Bytes e = encode(m);
      Encoding a{};
      std::copy(e.begin(), e.end(), a.begin());
      out.push_back(a);
      m = add(m, t);
    }
    for (const mpz_class& y : {mpz_class(1), mpz_class(field_prime() - 1)}) {
      Bytes e = bigint::to_bytes_le(y, 32);
      e[31] |= std::byte{0x80};
      Encoding a{};
      std::copy(e.begin(), e.end(), a.begin());
      out.push_back(a);
    }
    return out;
  }();
  return list;
}

// y < p for the 255-bit little-endian y of an encoding (sign bit ignored).
bool canonical_y(ByteView enc) {
  // p = 2^255 - 19: y >= p iff bytes 1..30 are 0xff, byte 31 (masked) is
  // 0x7f and byte 0 >= 0xed.
  if ((std::to_integer<unsigned>(enc[31]) & 0x7fu) != 0x7fu) return true;
  for (std::size_t i = 1; i < 31; ++i) {
    if (enc[i] != std::byte{0xff}) return true;
  }
  return std::to_integer<unsigned>(enc[0]) < 0xedu;
}

}  // namespace

namespace detail {
bool ed25519_acceptable_point(ByteView enc) {
  if (!canonical_y(enc)) return false;
  for (const auto& bad : rejected_encodings()) {
    if (std::equal(bad.begin(), bad.end(), enc.begin())) return false;
  }
  return true;
}

bool ed25519_canonical_scalar(ByteView s_le) {
  static const Bytes l_le = bigint::to_bytes_le(ed25519_curve::group_order(), 32);
  for (std::size_t i = 32; i-- > 0;) {
    if (s_le[i] != l_le[i]) return s_le[i] < l_le[i];
  }
  return false;
}
}  // namespace detail

Ed25519SecretKey::Ed25519SecretKey(ByteView seed) {
  if (seed.size() != ed25519_seed_size) {
    throw InvalidArgument("ed25519: the secret key (seed) must be 32 bytes, got " + std::to_string(seed.size()));
  }
  sodium_ready();
  // libsodium's secret key is seed || A; crypto_sign_seed_keypair hashes and
  // clamps the seed in constant time and writes both halves.
  expanded_ = SecretBytes(crypto_sign_SECRETKEYBYTES);
  public_key_.resize(ed25519_public_key_size);
  if (crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(public_key_.data()),
                               reinterpret_cast<unsigned char*>(expanded_.data()), u8(seed)) != 0) {
    throw Error("ed25519: libsodium could not derive the public key");
  }
}

Ed25519SecretKey Ed25519SecretKey::generate(Prg& prg) {
  SecretBytes seed(ed25519_seed_size);
  prg.fill(seed.span());
  return Ed25519SecretKey(seed.view());
}

Ed25519SecretKey Ed25519SecretKey::from_seed(ByteView seed) { return Ed25519SecretKey(seed); }

Ed25519SecretKey Ed25519SecretKey::from_pkcs8_der(ByteView der) {
  const unsigned char* p = u8(der);
  PkeyPtr key(d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(der.size())));
  if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519 || p != u8(der) + der.size()) {
    throw DecodeError("ed25519: not a PKCS#8 DER Ed25519 private key (" + std::to_string(der.size()) + " bytes)");
  }
  SecretBytes seed(ed25519_seed_size);
  std::size_t len = seed.size();
  if (EVP_PKEY_get_raw_private_key(key.get(), reinterpret_cast<unsigned char*>(seed.data()), &len) != 1 ||
      len != ed25519_seed_size) {
    throw DecodeError("ed25519: PKCS#8 key has no 32-byte seed");
  }
  return Ed25519SecretKey(seed.view());
}

Ed25519SecretKey::Ed25519SecretKey(const Ed25519SecretKey& other) = default;
Ed25519SecretKey& Ed25519SecretKey::operator=(const Ed25519SecretKey& other) = default;
Ed25519SecretKey::Ed25519SecretKey(Ed25519SecretKey&& other) noexcept = default;
Ed25519SecretKey& Ed25519SecretKey::operator=(Ed25519SecretKey&& other) noexcept = default;
Ed25519SecretKey::~Ed25519SecretKey() = default;

// A moved-from key holds nothing; using it is a bug, not a crash.
const SecretBytes& Ed25519SecretKey::expanded() const {
  if (expanded_.size() != crypto_sign_SECRETKEYBYTES) throw InvalidArgument("ed25519: the key was moved from");
  return expanded_;
}

SecretBytes Ed25519SecretKey::seed() const { return SecretBytes(expanded().view().first(ed25519_seed_size)); }

Bytes Ed25519SecretKey::sign(ByteView message) const {
  const SecretBytes& key = expanded();
  Bytes sig(ed25519_signature_size);
  // libsodium's ref10 signer: constant time in the key and the nonce, and it
  // wipes its own nonce and expanded key before returning.
  if (crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr, u8(message), message.size(),
                           reinterpret_cast<const unsigned char*>(key.data())) != 0) {
    throw Error("ed25519: libsodium crypto_sign_detached failed");
  }
  return sig;
}

SecretBytes Ed25519SecretKey::to_pkcs8_der() const {
  // OpenSSL only writes the DER: the key object lives for this call alone
  // (EVP_PKEY_free clears it).
  PkeyPtr key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, u8(expanded().view()), ed25519_seed_size));
  if (!key) throw Error("ed25519: OpenSSL could not load the private key");
  unsigned char* buf = nullptr;
  const int len = i2d_PrivateKey(key.get(), &buf);
  if (len <= 0 || buf == nullptr) throw Error("ed25519: OpenSSL could not encode the private key");
  SecretBytes out(ByteView(reinterpret_cast<const std::byte*>(buf), static_cast<std::size_t>(len)));
  OPENSSL_clear_free(buf, static_cast<std::size_t>(len));
  return out;
}

Bytes ed25519_public_key_to_spki_der(ByteView public_key) {
  if (public_key.size() != ed25519_public_key_size) {
    throw InvalidArgument("ed25519: public key must be 32 bytes, got " + std::to_string(public_key.size()));
  }
  auto key = raw_public(public_key);
  if (!key) throw InvalidArgument("ed25519: OpenSSL rejected the public key");
  unsigned char* buf = nullptr;
  const int len = i2d_PUBKEY(key.get(), &buf);
  if (len <= 0 || buf == nullptr) throw Error("ed25519: OpenSSL could not encode the public key");
  Bytes out(reinterpret_cast<const std::byte*>(buf), reinterpret_cast<const std::byte*>(buf) + len);
  OPENSSL_free(buf);
  return out;
}

Bytes ed25519_public_key_from_spki_der(ByteView der) {
  const unsigned char* p = u8(der);
  PkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
  if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519 || p != u8(der) + der.size()) {
    throw DecodeError("ed25519: not a SubjectPublicKeyInfo DER Ed25519 key (" + std::to_string(der.size()) + " bytes)");
  }
  Bytes pk(ed25519_public_key_size);
  std::size_t len = pk.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(pk.data()), &len) != 1 ||
      len != ed25519_public_key_size) {
    throw DecodeError("ed25519: SubjectPublicKeyInfo holds no 32-byte key");
  }
  // OpenSSL also takes BER-ish variants (found by fuzzing: a BIT STRING that
  // claims unused bits); an Ed25519 key has exactly one DER form (RFC 8410
  // §4), so two files naming one key must be the same bytes.
  if (ed25519_public_key_to_spki_der(pk) != Bytes(der.begin(), der.end())) {
    throw DecodeError("ed25519: SubjectPublicKeyInfo is not in its canonical DER form");
  }
  return pk;
}

bool ed25519_verify(ByteView public_key, ByteView message, ByteView signature) {
  if (public_key.size() != ed25519_public_key_size || signature.size() != ed25519_signature_size) return false;
  if (!detail::ed25519_canonical_scalar(signature.subspan(32, 32))) return false;
  if (!detail::ed25519_acceptable_point(public_key) || !detail::ed25519_acceptable_point(signature.first(32))) {
    return false;
  }
  sodium_ready();
  // libsodium 1.0.18 checks the same rules again (S < L, canonical y,
  // small-order blocklist) and then the cofactorless equation: the encoding
  // of [S]B - [k]A must equal R byte for byte.
  return crypto_sign_verify_detached(u8(signature), u8(message), message.size(), u8(public_key)) == 0;
}

}  // namespace privfin::sig
