// TLS 1.3 record protection: see tls_records.hpp.
#include "tls_records.hpp"

#include <openssl/kdf.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "privfin/core/error.hpp"

namespace privfin::net::detail {

namespace {

const EVP_MD* suite_hash(TlsSuite suite) {
  return suite == TlsSuite::aes_256_gcm_sha384 ? EVP_sha384() : EVP_sha256();
}

const EVP_CIPHER* suite_cipher(TlsSuite suite) {
  switch (suite) {
    case TlsSuite::aes_128_gcm_sha256:
      return EVP_aes_128_gcm();
    case TlsSuite::aes_256_gcm_sha384:
      return EVP_aes_256_gcm();
    case TlsSuite::chacha20_poly1305_sha256:
      return EVP_chacha20_poly1305();
  }
  return nullptr;
}

std::size_t suite_key_size(TlsSuite suite) { return suite == TlsSuite::aes_128_gcm_sha256 ? 16 : 32; }

auto* uc(std::byte* p) { return reinterpret_cast<unsigned char*>(p); }
const auto* uc(const std::byte* p) { return reinterpret_cast<const unsigned char*>(p); }

}  // namespace

std::optional<TlsSuite> tls_suite_from_code(std::uint16_t code) {
  switch (code) {
    case 0x1301:
    case 0x1302:
    case 0x1303:
      return static_cast<TlsSuite>(code);
    default:
      return std::nullopt;
  }
}

SecretBytes hkdf_expand_label(TlsSuite suite, ByteView secret, std::string_view label, ByteView context,
                        std::size_t length) {
  // struct { uint16 length; opaque label<7..255>; opaque context<0..255>; }
  const std::string full_label = "tls13 " + std::string(label);
  if (full_label.size() > 255 || context.size() > 255 || length > 0xffff) {
    throw InvalidArgument("hkdf_expand_label: label, context or length too long");
  }
  Bytes info;
  info.push_back(static_cast<std::byte>(length >> 8));
  info.push_back(static_cast<std::byte>(length & 0xff));
  info.push_back(static_cast<std::byte>(full_label.size()));
  for (const char c : full_label) info.push_back(static_cast<std::byte>(c));
  info.push_back(static_cast<std::byte>(context.size()));
  info.insert(info.end(), context.begin(), context.end());

  const std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> kdf(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr),
                                                                        EVP_PKEY_CTX_free);
  SecretBytes out(length);
  std::size_t out_len = length;
  if (!kdf || EVP_PKEY_derive_init(kdf.get()) != 1 ||
      EVP_PKEY_CTX_set_hkdf_mode(kdf.get(), EVP_PKEY_HKDEF_MODE_EXPAND_ONLY) != 1 ||
      EVP_PKEY_CTX_set_hkdf_md(kdf.get(), suite_hash(suite)) != 1 ||
      EVP_PKEY_CTX_set1_hkdf_key(kdf.get(), uc(secret.data()), static_cast<int>(secret.size())) != 1 ||
      EVP_PKEY_CTX_add1_hkdf_info(kdf.get(), uc(info.data()), static_cast<int>(info.size())) != 1 ||
      EVP_PKEY_derive(kdf.get(), uc(out.data()), &out_len) != 1 || out_len != length) {
    throw Error("hkdf_expand_label: OpenSSL HKDF failed");
  }
  return out;
}

TlsTrafficKeys::TlsTrafficKeys(TlsSuite suite, ByteView traffic_secret, bool encrypt, TlsAead aead)
    : suite_(suite), encrypt_(encrypt), aead_(aead), secret_(traffic_secret) {
  try {
    install(secret_.view());
  } catch (...) {  // the destructor will not run; secret_ wipes itself
    EVP_CIPHER_CTX_free(ctx_);
    secure_wipe(std::as_writable_bytes(std::span(iv_)));
    throw;
  }
}

void TlsTrafficKeys::install(ByteView traffic_secret) {
  const SecretBytes key = hkdf_expand_label(suite_, traffic_secret, "key", {}, suite_key_size(suite_));
  const SecretBytes iv = hkdf_expand_label(suite_, traffic_secret, "iv", {}, iv_.size());
  std::memcpy(iv_.data(), iv.data(), iv_.size());
  sequence_ = 0;
  EVP_CIPHER_CTX_free(ctx_);
  ctx_ = nullptr;
  vaes_.reset();
  if (aead_ == TlsAead::fastest && suite_ != TlsSuite::chacha20_poly1305_sha256 && vaes_gcm_supported()) {
    vaes_ = std::make_unique<VaesGcm>(key.view());
    return;
  }
  ctx_ = EVP_CIPHER_CTX_new();
  if (ctx_ == nullptr ||
      EVP_CipherInit_ex(ctx_, suite_cipher(suite_), nullptr, uc(key.data()), nullptr, encrypt_ ? 1 : 0) != 1) {
    throw Error("TLS record protection: cannot set up the cipher");
  }
}

void TlsTrafficKeys::update() {
  secret_ = hkdf_expand_label(suite_, secret_.view(), "traffic upd", {}, secret_.size());
  install(secret_.view());
}

TlsTrafficKeys::~TlsTrafficKeys() {
  EVP_CIPHER_CTX_free(ctx_);
  secure_wipe(std::as_writable_bytes(std::span(iv_)));
}

Bytes tls_key_update_message(bool update_requested) {
  // HandshakeType key_update(24), uint24 length 1, KeyUpdateRequest.
  return Bytes{std::byte{tls_handshake_key_update}, std::byte{0}, std::byte{0}, std::byte{1},
               std::byte{static_cast<unsigned char>(update_requested ? 1 : 0)}};
}

std::optional<bool> parse_tls_key_update(ByteView content) noexcept {
  if (content.size() != 5 || content[0] != std::byte{tls_handshake_key_update} || content[1] != std::byte{0} ||
      content[2] != std::byte{0} || content[3] != std::byte{1} || static_cast<unsigned char>(content[4]) > 1) {
    return std::nullopt;
  }
  return content[4] == std::byte{1};
}

std::array<unsigned char, 12> TlsTrafficKeys::nonce() const noexcept {
  std::array<unsigned char, 12> n = iv_;
  for (std::size_t i = 0; i < 8; ++i) n[11 - i] ^= static_cast<unsigned char>(sequence_ >> (8 * i));
  return n;
}

std::size_t TlsRecordSealer::seal(ByteView content, std::uint8_t content_type, std::span<std::byte> out) {
  const std::size_t body = content.size() + 1 + tls_tag_size;
  if (content.size() > tls_max_plaintext || out.size() < tls_record_header_size + body) {
    throw InvalidArgument("TlsRecordSealer::seal: record content too long or output too small");
  }
  if (sequence_ == ~std::uint64_t{0}) throw Error("TLS record protection: sequence numbers exhausted");
  unsigned char* o = uc(out.data());
  o[0] = tls_content_application_data;  // the outer type of every protected record
  o[1] = 0x03;
  o[2] = 0x03;
  o[3] = static_cast<unsigned char>(body >> 8);
  o[4] = static_cast<unsigned char>(body & 0xff);
  const auto n = nonce();
  unsigned char* c = o + tls_record_header_size;
  if (vaes_) {
    const std::byte type{content_type};
    const auto tag = vaes_->encrypt(n, ByteView(out.data(), tls_record_header_size), content, ByteView(&type, 1),
                                    out.data() + tls_record_header_size);
    std::memcpy(c + content.size() + 1, tag.data(), tag.size());
    ++sequence_;
    return tls_record_header_size + body;
  }
  int len = 0;
  const unsigned char type = content_type;
  const bool ok = EVP_EncryptInit_ex(ctx_, nullptr, nullptr, nullptr, n.data()) == 1 &&
                  EVP_EncryptUpdate(ctx_, nullptr, &len, o, static_cast<int>(tls_record_header_size)) == 1 &&
                  EVP_EncryptUpdate(ctx_, c, &len, uc(content.data()), static_cast<int>(content.size())) == 1 &&
                  EVP_EncryptUpdate(ctx_, c + content.size(), &len, &type, 1) == 1 &&
                  EVP_EncryptFinal_ex(ctx_, c + content.size() + 1, &len) == 1 &&
                  EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(tls_tag_size),
                                      c + content.size() + 1) == 1;
  if (!ok) throw Error("TLS record protection: encryption failed");
  ++sequence_;
  return tls_record_header_size + body;
}

std::optional<std::size_t> TlsRecordOpener::body_length(ByteView header) noexcept {
  if (header.size() < tls_record_header_size) return std::nullopt;
  const auto* h = uc(header.data());
  // The legacy version is 0x0303 in every TLS 1.3 record after the handshake.
  if (h[0] != tls_content_application_data || h[1] != 0x03 || h[2] != 0x03) return std::nullopt;
  const std::size_t body = (std::size_t{h[3]} << 8) | h[4];
  if (body < tls_tag_size + 1 || body > tls_max_body) return std::nullopt;
  return body;
}

std::optional<TlsRecordOpener::Opened> TlsRecordOpener::open(ByteView record, std::span<std::byte> out) {
  const auto body = body_length(record);
  if (!body || record.size() != tls_record_header_size + *body) return std::nullopt;
  // The inner plaintext is content || type || zero padding; its last byte
  // goes to `last`, so a record whose content exactly fills `out` still
  // decrypts in place.
  const std::size_t inner = *body - tls_tag_size;
  if (out.size() < inner - 1) throw InvalidArgument("TlsRecordOpener::open: output too small");
  if (sequence_ == ~std::uint64_t{0}) return std::nullopt;
  const auto n = nonce();
  const unsigned char* c = uc(record.data()) + tls_record_header_size;
  unsigned char last = 0;
  int len = 0;
  bool ok = false;
  if (vaes_) {
    VaesGcm::Tag tag{};
    std::memcpy(tag.data(), c + inner, tag.size());
    std::byte last_byte{};
    ok = vaes_->decrypt(n, record.first(tls_record_header_size), record.subspan(tls_record_header_size, inner),
                        out.data(), std::span(&last_byte, 1), tag);
    last = static_cast<unsigned char>(last_byte);
  } else {
    ok =
      EVP_DecryptInit_ex(ctx_, nullptr, nullptr, nullptr, n.data()) == 1 &&
      EVP_DecryptUpdate(ctx_, nullptr, &len, uc(record.data()), static_cast<int>(tls_record_header_size)) == 1 &&
      EVP_DecryptUpdate(ctx_, uc(out.data()), &len, c, static_cast<int>(inner - 1)) == 1 &&
      EVP_DecryptUpdate(ctx_, &last, &len, c + inner - 1, 1) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(tls_tag_size),
                          const_cast<unsigned char*>(c + inner)) == 1 &&
      EVP_DecryptFinal_ex(ctx_, &last + 1, &len) == 1;
  }
  if (!ok) return std::nullopt;
  ++sequence_;
  if (last != 0) return Opened{last, inner - 1};
  std::size_t end = inner - 1;  // padding: the type is the last non-zero byte
  while (end > 0 && out[end - 1] == std::byte{0}) --end;
  if (end == 0) return std::nullopt;  // all padding, no type: unexpected_message
  return Opened{static_cast<std::uint8_t>(out[end - 1]), end - 1};
}

}  // namespace privfin::net::detail
