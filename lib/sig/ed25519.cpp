// Ed25519 (RFC 8032 §5.1) over OpenSSL EVP, with the encoding checks of
// §5.1.3 / §5.1.7 done before OpenSSL sees the signature.
#include "privfin/sig/ed25519.hpp"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "privfin/core/bigint.hpp"
#include "privfin/core/error.hpp"
#include "privfin/sig/edwards25519.hpp"

namespace privfin::sig {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const noexcept { EVP_MD_CTX_free(c); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

const unsigned char* u8(ByteView b) { return reinterpret_cast<const unsigned char*>(b.data()); }

PkeyPtr raw_public(ByteView pk) {
  return PkeyPtr(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, u8(pk), pk.size()));
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

bool acceptable_point(ByteView enc) {
  if (!canonical_y(enc)) return false;
  for (const auto& bad : rejected_encodings()) {
    if (std::equal(bad.begin(), bad.end(), enc.begin())) return false;
  }
  return true;
}

bool canonical_scalar(ByteView s_le) {
  static const Bytes l_le = bigint::to_bytes_le(ed25519_curve::group_order(), 32);
  for (std::size_t i = 32; i-- > 0;) {
    if (s_le[i] != l_le[i]) return s_le[i] < l_le[i];
  }
  return false;
}

}  // namespace

Ed25519SecretKey::Ed25519SecretKey(ByteView seed) : seed_(seed) {
  if (seed.size() != ed25519_seed_size) {
    throw InvalidArgument("ed25519: the secret key (seed) must be 32 bytes, got " + std::to_string(seed.size()));
  }
  pkey_ = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, u8(seed_.view()), seed_.size());
  if (pkey_ == nullptr) throw Error("ed25519: OpenSSL could not load the private key");
  public_key_.resize(ed25519_public_key_size);
  std::size_t len = public_key_.size();
  if (EVP_PKEY_get_raw_public_key(static_cast<EVP_PKEY*>(pkey_), reinterpret_cast<unsigned char*>(public_key_.data()),
                                  &len) != 1 ||
      len != ed25519_public_key_size) {
    EVP_PKEY_free(static_cast<EVP_PKEY*>(pkey_));
    throw Error("ed25519: OpenSSL could not derive the public key");
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

Ed25519SecretKey::Ed25519SecretKey(const Ed25519SecretKey& other) : Ed25519SecretKey(other.seed_.view()) {}
Ed25519SecretKey& Ed25519SecretKey::operator=(const Ed25519SecretKey& other) {
  if (this != &other) *this = Ed25519SecretKey(other.seed_.view());
  return *this;
}
Ed25519SecretKey::Ed25519SecretKey(Ed25519SecretKey&& other) noexcept
    : seed_(std::move(other.seed_)), public_key_(std::move(other.public_key_)), pkey_(std::exchange(other.pkey_, nullptr)) {}
Ed25519SecretKey& Ed25519SecretKey::operator=(Ed25519SecretKey&& other) noexcept {
  std::swap(seed_, other.seed_);
  std::swap(public_key_, other.public_key_);
  std::swap(pkey_, other.pkey_);
  return *this;
}
Ed25519SecretKey::~Ed25519SecretKey() { EVP_PKEY_free(static_cast<EVP_PKEY*>(pkey_)); }

Bytes Ed25519SecretKey::sign(ByteView message) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, static_cast<EVP_PKEY*>(pkey_)) != 1) {
    throw Error("ed25519: OpenSSL EVP_DigestSignInit failed");
  }
  Bytes sig(ed25519_signature_size);
  std::size_t len = sig.size();
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, u8(message), message.size()) != 1 ||
      len != ed25519_signature_size) {
    throw Error("ed25519: OpenSSL EVP_DigestSign failed");
  }
  return sig;
}

SecretBytes Ed25519SecretKey::to_pkcs8_der() const {
  unsigned char* buf = nullptr;
  const int len = i2d_PrivateKey(static_cast<EVP_PKEY*>(pkey_), &buf);
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
  if (!canonical_scalar(signature.subspan(32, 32))) return false;
  if (!acceptable_point(public_key) || !acceptable_point(signature.first(32))) return false;
  auto key = raw_public(public_key);
  if (!key) return false;
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) return false;
  return EVP_DigestVerify(ctx.get(), u8(signature), signature.size(), u8(message), message.size()) == 1;
}

}  // namespace privfin::sig
