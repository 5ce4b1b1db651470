// AES-GCM (NIST SP 800-38D) with 96-bit nonces and 16-byte tags on CPUs with
// VAES, VPCLMULQDQ and AVX-512: sixteen blocks per loop step, four per
// 512-bit register, for both the counter-mode encryption and GHASH.
//
// Why: Debian 12's OpenSSL 3.0 runs AES-128-GCM at about 4.6 GB/s per core
// on our machines, which made AES-GCM as expensive as the whole TCP stack
// for TLS between two parties on one 2-core host. This path runs about
// three times as fast. The TLS record layer (tls_records.cpp) uses it when
// vaes_gcm_supported() and falls back to OpenSSL otherwise; the results are
// identical (tests/net/aes_gcm_vaes_test.cpp compares both).
//
// Everything is constant-time with respect to key and data: AES rounds and
// carry-less multiplication are single instructions, and no branch or
// memory index depends on secret values. Round keys and hash-key powers are
// wiped on destruction.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "privfin/core/bytes.hpp"

namespace privfin::net::detail {

// True when this CPU (and this build) can run VaesGcm.
bool vaes_gcm_supported() noexcept;

class VaesGcm {
 public:
  // key: 16 bytes (AES-128) or 32 bytes (AES-256); InvalidArgument otherwise,
  // Error if !vaes_gcm_supported().
  explicit VaesGcm(ByteView key);
  VaesGcm(const VaesGcm&) = delete;
  VaesGcm& operator=(const VaesGcm&) = delete;
  ~VaesGcm();

  using Nonce = std::array<unsigned char, 12>;
  using Tag = std::array<unsigned char, 16>;

  // One message: aad (at most 16 bytes: a TLS record header is 5), then the
  // text as `body` followed by `extra` (at most 16 bytes), so that a TLS
  // record's content and its type byte need not be contiguous. Encryption
  // writes body.size() + extra.size() bytes to `out`; `out` may equal the
  // input but must not otherwise overlap it.
  Tag encrypt(const Nonce& nonce, ByteView aad, ByteView body, ByteView extra, std::byte* out) const;
  // Decrypts `in` into `out` (in.size() - tail bytes) and `tail_out` (the
  // last `tail_out.size()` bytes, at most 16); returns whether the tag
  // matches. The plaintext is written either way: the caller discards it on
  // false.
  bool decrypt(const Nonce& nonce, ByteView aad, ByteView in, std::byte* out, std::span<std::byte> tail_out,
               const Tag& tag) const;

 private:
  static constexpr std::size_t powers = 16;
  // Round keys (up to 15) and H^1..H^16 in GHASH's byte-reflected form.
  alignas(64) std::array<std::array<unsigned char, 16>, 15> round_keys_{};
  alignas(64) std::array<std::array<unsigned char, 16>, powers> h_powers_{};
  int rounds_ = 0;
};

}  // namespace privfin::net::detail
