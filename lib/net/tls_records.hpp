// TLS 1.3 record protection for application data (RFC 8446 §5.2–5.3, §7.1–7.3).
//
// TcpNetwork lets OpenSSL run the handshake (certificates, pinning, key
// exchange) and then protects the application data itself with the traffic
// secrets that handshake produced. The records on the wire are standard TLS
// 1.3 records; what changes is where the bytes go: a sealer encrypts the
// caller's plaintext straight into the socket's send block, and an opener
// decrypts a record straight into the caller's receive buffer. OpenSSL's own
// record layer copies every byte twice more on each side, which at loopback
// speeds costs as much as the encryption itself.
//
// Internal to lib/net (tested against RFC 8448 and against OpenSSL's record
// layer in tests/net/tls_records_test.cpp); not part of the public headers.
#pragma once

#include <openssl/evp.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "aes_gcm_vaes.hpp"
#include "privfin/core/bytes.hpp"

namespace privfin::net::detail {

// The TLS 1.3 cipher suites, by their IANA code points.
enum class TlsSuite : std::uint16_t {
  aes_128_gcm_sha256 = 0x1301,
  aes_256_gcm_sha384 = 0x1302,
  chacha20_poly1305_sha256 = 0x1303,
};

// The suite for an IANA code point; nullopt for suites without an AEAD we
// implement here (the CCM suites, which TcpNetwork never offers).
std::optional<TlsSuite> tls_suite_from_code(std::uint16_t code);

// HKDF-Expand-Label(secret, label, context, length) of RFC 8446 §7.1 with
// the suite's hash.
SecretBytes hkdf_expand_label(TlsSuite suite, ByteView secret, std::string_view label, ByteView context,
                        std::size_t length);

inline constexpr std::size_t tls_record_header_size = 5;
inline constexpr std::size_t tls_tag_size = 16;
inline constexpr std::size_t tls_max_plaintext = std::size_t{1} << 14;
// Ciphertext may exceed the plaintext by up to 256 bytes (padding, type, tag).
inline constexpr std::size_t tls_max_body = tls_max_plaintext + 256;
// Bytes a sealed record adds to its content: header, content type, tag.
inline constexpr std::size_t tls_record_overhead = tls_record_header_size + 1 + tls_tag_size;

inline constexpr std::uint8_t tls_content_alert = 21;
inline constexpr std::uint8_t tls_content_handshake = 22;
inline constexpr std::uint8_t tls_content_application_data = 23;

// Which AEAD implementation protects the records: our VAES AES-GCM where
// the CPU has it and the suite is AES-GCM (`fastest`), else OpenSSL's; or
// always OpenSSL's (for comparison in tests and benchmarks).
enum class TlsAead { fastest, openssl };

// TLS 1.3 KeyUpdate (RFC 8446 §4.6.3): the whole handshake message, and
// its parser, which returns the update_requested flag, or nullopt for any
// other content (other post-handshake messages, fragments, bad values).
inline constexpr std::uint8_t tls_handshake_key_update = 24;
Bytes tls_key_update_message(bool update_requested);
std::optional<bool> parse_tls_key_update(ByteView content) noexcept;

// One direction's AEAD state: key schedule, static IV and sequence number,
// and the traffic secret for the next key update. The key material lives in
// the AEAD objects (wiped when they go), `iv_` and `secret_`, which the
// destructor and every update wipe.
class TlsTrafficKeys {
 public:
  TlsTrafficKeys(TlsSuite suite, ByteView traffic_secret, bool encrypt, TlsAead aead = TlsAead::fastest);
  TlsTrafficKeys(const TlsTrafficKeys&) = delete;
  TlsTrafficKeys& operator=(const TlsTrafficKeys&) = delete;
  ~TlsTrafficKeys();

  std::uint64_t sequence() const noexcept { return sequence_; }
  // Moves to the next traffic secret (RFC 8446 §7.2): new key and IV,
  // sequence number 0. Called after sending or receiving a KeyUpdate.
  void update();
  // Whether our VAES AES-GCM (rather than OpenSSL) protects the records.
  bool uses_vaes() const noexcept { return vaes_ != nullptr; }

 protected:
  // The per-record nonce (RFC 8446 §5.3) for the current sequence number.
  std::array<unsigned char, 12> nonce() const noexcept;
  EVP_CIPHER_CTX* ctx_ = nullptr;
  std::unique_ptr<VaesGcm> vaes_;
  std::array<unsigned char, 12> iv_{};
  std::uint64_t sequence_ = 0;

 private:
  void install(ByteView traffic_secret);
  TlsSuite suite_;
  bool encrypt_;
  TlsAead aead_;
  SecretBytes secret_;
};

// Protects outgoing records.
class TlsRecordSealer : public TlsTrafficKeys {
 public:
  TlsRecordSealer(TlsSuite suite, ByteView traffic_secret, TlsAead aead = TlsAead::fastest)
      : TlsTrafficKeys(suite, traffic_secret, true, aead) {}

  // Writes one record carrying `content` (at most tls_max_plaintext bytes)
  // of the given type into `out`, which must hold content.size() +
  // tls_record_overhead bytes; returns the record's size. No padding.
  std::size_t seal(ByteView content, std::uint8_t content_type, std::span<std::byte> out);
};

// Removes the protection of incoming records.
class TlsRecordOpener : public TlsTrafficKeys {
 public:
  TlsRecordOpener(TlsSuite suite, ByteView traffic_secret, TlsAead aead = TlsAead::fastest)
      : TlsTrafficKeys(suite, traffic_secret, false, aead) {}

  // The body length announced by a record header (5 bytes), or nullopt when
  // the header is not that of a protected TLS 1.3 record of legal length.
  static std::optional<std::size_t> body_length(ByteView header) noexcept;

  struct Opened {
    std::uint8_t content_type;
    std::size_t length;  // content bytes at the start of the output
  };

  // Decrypts and authenticates one whole record (header and body) into
  // `out`, which must hold body - tls_tag_size - 1 bytes (at least the
  // content: the type byte is kept apart); all of those may be overwritten.
  // nullopt when the record does not authenticate or carries no content
  // type: the connection must then be dropped.
  std::optional<Opened> open(ByteView record, std::span<std::byte> out);
};

}  // namespace privfin::net::detail
