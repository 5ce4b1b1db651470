// privfin/core/hash.hpp — SHA-256, SHA-512, SHA3-256, SHAKE128 and SHAKE256
// through OpenSSL (SHA-256 its low-level code, the others EVP), incremental
// and one-shot.
//
//   auto d = Sha256::hash(as_bytes("abc"));           // std::array<std::byte, 32>
//   Sha512 h; h.update(part1).update(part2); auto d2 = h.finish();
//   Bytes out = Shake128::hash(msg, 64);                // XOF: any output length
//
// A hasher is movable, not copyable, and not thread-safe. finish() may be
// called once; calling update() or finish() afterwards throws InvalidArgument.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "privfin/core/bytes.hpp"

namespace privfin {

// Not a cryptographic hash: SplitMix64's 64-bit finaliser (Stafford's mix
// 13), for hash tables whose keys are already digests or fixed-size
// records. Every input bit reaches every output bit, so a table may index
// by the low bits.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x = (x ^ (x >> 30U)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27U)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31U);
}

namespace detail {
// (SHA-256 is not among them: Sha256 below uses OpenSSL's low-level code.)
enum class EvpAlgorithm { sha512, sha3_256, shake128, shake256 };

// Owns one EVP_MD_CTX. The typed wrappers below fix the algorithm.
class EvpHasher {
 public:
  explicit EvpHasher(EvpAlgorithm algorithm);
  EvpHasher(EvpHasher&& other) noexcept;
  EvpHasher& operator=(EvpHasher&& other) noexcept;
  EvpHasher(const EvpHasher&) = delete;
  EvpHasher& operator=(const EvpHasher&) = delete;
  ~EvpHasher();

  void update(ByteView data);
  void finish(std::span<std::byte> out);  // fixed-size digests: out.size() == digest size
  void finish_xof(std::span<std::byte> out);

 private:
  void* ctx_ = nullptr;  // EVP_MD_CTX
  bool finished_ = false;
};

template <EvpAlgorithm Algorithm, std::size_t DigestSize, std::size_t BlockSize>
class FixedHash {
 public:
  static constexpr std::size_t digest_size = DigestSize;
  static constexpr std::size_t block_size = BlockSize;
  using Digest = std::array<std::byte, DigestSize>;

  FixedHash() : hasher_(Algorithm) {}
  FixedHash& update(ByteView data) {
    hasher_.update(data);
    return *this;
  }
  [[nodiscard]] Digest finish() {
    Digest d{};
    hasher_.finish(d);
    return d;
  }
  [[nodiscard]] static Digest hash(ByteView data) { return FixedHash().update(data).finish(); }

 private:
  EvpHasher hasher_;
};

template <EvpAlgorithm Algorithm, std::size_t Rate>
class Xof {
 public:
  static constexpr std::size_t block_size = Rate;

  Xof() : hasher_(Algorithm) {}
  Xof& update(ByteView data) {
    hasher_.update(data);
    return *this;
  }
  void finish(std::span<std::byte> out) { hasher_.finish_xof(out); }
  [[nodiscard]] Bytes finish(std::size_t length) {
    Bytes out(length);
    hasher_.finish_xof(out);
    return out;
  }
  [[nodiscard]] static Bytes hash(ByteView data, std::size_t length) {
    return Xof().update(data).finish(length);
  }

 private:
  EvpHasher hasher_;
};
}  // namespace detail

// SHA-256 without an EVP context: OpenSSL's low-level SHA-256 (the same
// SHA-NI or AVX2 code EVP reaches) on state kept inside the object. An EVP
// hasher allocates a context and the provider's state and frees both, which
// for the short inputs that dominate (transaction ids, signature-cache keys,
// Merkle leaves) cost about as much as the hashing (docs/performance.md,
// "Core"). Same interface as the other hashers.
class Sha256 {
 public:
  static constexpr std::size_t digest_size = 32;
  static constexpr std::size_t block_size = 64;
  using Digest = std::array<std::byte, 32>;

  Sha256();
  Sha256(Sha256&& other) noexcept = default;
  Sha256& operator=(Sha256&& other) noexcept = default;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  ~Sha256();  // wipes the state: a hasher may have absorbed a key (HMAC)

  Sha256& update(ByteView data);
  [[nodiscard]] Digest finish();
  [[nodiscard]] static Digest hash(ByteView data);

 private:
  // OpenSSL's SHA256_CTX (112 bytes on every ABI Debian ships; checked
  // where it is used).
  alignas(8) std::array<std::byte, 112> state_{};
  bool finished_ = false;
};
using Sha512 = detail::FixedHash<detail::EvpAlgorithm::sha512, 64, 128>;
using Sha3_256 = detail::FixedHash<detail::EvpAlgorithm::sha3_256, 32, 136>;
using Shake128 = detail::Xof<detail::EvpAlgorithm::shake128, 168>;
using Shake256 = detail::Xof<detail::EvpAlgorithm::shake256, 136>;

}  // namespace privfin
