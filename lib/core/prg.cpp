// AES-128-CTR keystream generator; see privfin/core/prg.hpp.
#include "privfin/core/prg.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"

namespace privfin {

namespace {
EVP_CIPHER_CTX* as_ctx(void* p) { return static_cast<EVP_CIPHER_CTX*>(p); }

void* make_ctr_context(const Prg::Seed& seed) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) throw Error("Prg: EVP_CIPHER_CTX_new failed");
  const std::array<unsigned char, 16> iv{};
  if (EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), nullptr,
                         reinterpret_cast<const unsigned char*>(seed.data()), iv.data()) != 1) {
    EVP_CIPHER_CTX_free(ctx);
    throw Error("Prg: AES-128-CTR initialisation failed");
  }
  return ctx;
}

// Encrypts `out` in place; the caller zeroes it first so the result is the
// keystream. EVP takes an int length, so very large requests go in pieces.
void openssl_keystream(void* ctx, std::span<std::byte> out) {
  std::memset(out.data(), 0, out.size());
  constexpr std::size_t chunk = std::size_t{1} << 30;
  for (std::size_t off = 0; off < out.size(); off += chunk) {
    const std::size_t n = std::min(chunk, out.size() - off);
    int written = 0;
    auto* p = reinterpret_cast<unsigned char*>(out.data() + off);
    if (EVP_EncryptUpdate(as_ctx(ctx), p, &written, p, static_cast<int>(n)) != 1 ||
        static_cast<std::size_t>(written) != n) {
      throw Error("Prg: AES-128-CTR keystream generation failed");
    }
  }
}
}  // namespace

Prg::Prg(const Seed& seed) : seed_(seed) {
  if (detail::vaes_ctr_supported()) {
    vaes_ = true;
    detail::aes128_expand_key(std::span<const std::byte, 16>(seed_), round_keys_);
  } else {
    ctx_ = make_ctr_context(seed);
  }
}

Prg::Prg(Prg&& other) noexcept
    : seed_(other.seed_),
      ctx_(std::exchange(other.ctx_, nullptr)),
      vaes_(std::exchange(other.vaes_, false)),
      next_block_(other.next_block_),
      round_keys_(other.round_keys_),
      buffer_(other.buffer_),
      buffer_pos_(std::exchange(other.buffer_pos_, buffer_size)) {
  secure_wipe(other.seed_);
  secure_wipe(std::as_writable_bytes(std::span(other.round_keys_.round)));
  secure_wipe(other.buffer_);
}

Prg& Prg::operator=(Prg&& other) noexcept {
  if (this != &other) {
    if (ctx_ != nullptr) EVP_CIPHER_CTX_free(as_ctx(ctx_));
    seed_ = other.seed_;
    ctx_ = std::exchange(other.ctx_, nullptr);
    vaes_ = std::exchange(other.vaes_, false);
    next_block_ = other.next_block_;
    round_keys_ = other.round_keys_;
    buffer_ = other.buffer_;
    buffer_pos_ = std::exchange(other.buffer_pos_, buffer_size);
    secure_wipe(other.seed_);
    secure_wipe(std::as_writable_bytes(std::span(other.round_keys_.round)));
    secure_wipe(other.buffer_);
  }
  return *this;
}

Prg::~Prg() {
  if (ctx_ != nullptr) EVP_CIPHER_CTX_free(as_ctx(ctx_));
  secure_wipe(seed_);
  secure_wipe(std::as_writable_bytes(std::span(round_keys_.round)));
  secure_wipe(buffer_);
}

void Prg::keystream(std::span<std::byte> out) {
  if (!vaes_) {
    openssl_keystream(ctx_, out);
    return;
  }
  const std::uint64_t blocks = out.size() / 16;
  // 2^64 blocks (2^68 bytes) cannot be drawn in practice; refuse rather than wrap.
  if (blocks > ~std::uint64_t{0} - next_block_) throw Error("Prg: stream exhausted (2^64 blocks)");
  detail::aes128_ctr_keystream(round_keys_, next_block_, out);
  next_block_ += blocks;
}

void Prg::refill_buffer() {
  keystream(buffer_);
  buffer_pos_ = 0;
}

void Prg::fill(std::span<std::byte> out) {
  if (out.empty()) return;
  if (ctx_ == nullptr && !vaes_) throw InvalidArgument("Prg: use of a moved-from generator");
  // Serve from the buffer first so that the stream is independent of chunking.
  const std::size_t from_buffer = std::min(out.size(), buffer_size - buffer_pos_);
  std::memcpy(out.data(), buffer_.data() + buffer_pos_, from_buffer);
  buffer_pos_ += from_buffer;
  auto rest = out.subspan(from_buffer);
  if (rest.empty()) return;
  // Large remainder: whole blocks straight from the cipher, the tail via the
  // buffer (CTR keeps its position across calls, so the order is preserved).
  const std::size_t direct = rest.size() - rest.size() % buffer_size;
  if (direct > 0) keystream(rest.first(direct));
  rest = rest.subspan(direct);
  if (!rest.empty()) {
    refill_buffer();
    std::memcpy(rest.data(), buffer_.data(), rest.size());
    buffer_pos_ = rest.size();
  }
}

std::uint64_t Prg::next_u64() {
  std::array<std::byte, 8> raw{};
  fill(raw);
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(raw[i]) << (8 * i);
  return v;
}

Prg::Seed Prg::next_seed() {
  Seed s{};
  fill(s);
  return s;
}

Bytes Prg::bytes(std::size_t count) {
  Bytes out(count);
  fill(out);
  return out;
}

Prg Prg::derive(std::string_view label) const {
  Sha256 h;
  h.update(as_bytes("privfin prg derive"));
  h.update(seed_);
  h.update(as_bytes(label));
  auto digest = h.finish();
  Seed child{};
  std::copy_n(digest.begin(), seed_size, child.begin());
  secure_wipe(digest);
  Prg result(child);
  secure_wipe(child);
  return result;
}

void secure_random(std::span<std::byte> out) {
  constexpr std::size_t chunk = std::numeric_limits<int>::max() / 2;
  for (std::size_t off = 0; off < out.size(); off += chunk) {
    const std::size_t n = std::min(chunk, out.size() - off);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data() + off), static_cast<int>(n)) != 1) {
      throw Error("secure_random: the operating system's random generator is unavailable");
    }
  }
}

Prg::Seed random_seed() {
  Prg::Seed seed{};
  secure_random(seed);
  return seed;
}

}  // namespace privfin
