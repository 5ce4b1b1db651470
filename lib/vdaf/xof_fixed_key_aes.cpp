// XofFixedKeyAes128 of draft-irtf-cfrg-vdaf-20: the fixed key comes from
// TurboSHAKE128 (domain byte 2) over the dst and binder; the stream is the
// circular correlation-robust hash of Guo et al. (GKWWY20, §4.2) applied to
// seed ^ le128(block index), with AES-128 from OpenSSL (EVP, ECB, one block
// at a time).
#include <openssl/evp.h>

#include <utility>

#include "privfin/vdaf/xof.hpp"

namespace privfin::vdaf {
namespace {
EVP_CIPHER_CTX* cipher(void* ctx) { return static_cast<EVP_CIPHER_CTX*>(ctx); }
}  // namespace

XofFixedKeyAes128::XofFixedKeyAes128(ByteView seed, ByteView dst, std::initializer_list<ByteView> binder) {
  if (seed.size() != seed_size) {
    throw InvalidArgument("XofFixedKeyAes128: seed is " + std::to_string(seed.size()) + " bytes, expected 16");
  }
  if (dst.size() > 0xFFFF) throw InvalidArgument("XofFixedKeyAes128: dst longer than 65535 bytes");
  std::copy(seed.begin(), seed.end(), seed_.begin());
  TurboShake128 h(domain);
  const std::array<std::byte, 2> dst_len{static_cast<std::byte>(dst.size() & 0xFFU),
                                         static_cast<std::byte>(dst.size() >> 8)};
  h.absorb(dst_len).absorb(dst);
  for (ByteView part : binder) h.absorb(part);
  std::array<std::byte, 16> key{};
  h.squeeze(key);
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) throw Error("XofFixedKeyAes128: EVP_CIPHER_CTX_new failed");
  if (EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), nullptr, reinterpret_cast<const unsigned char*>(key.data()),
                         nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) {
    EVP_CIPHER_CTX_free(ctx);
    secure_wipe(key);
    throw Error("XofFixedKeyAes128: AES-128 key setup failed");
  }
  secure_wipe(key);
  ctx_ = ctx;
}

XofFixedKeyAes128::XofFixedKeyAes128(XofFixedKeyAes128&& other) noexcept
    : seed_(other.seed_),
      block_(other.block_),
      block_index_(other.block_index_),
      block_pos_(other.block_pos_),
      ctx_(std::exchange(other.ctx_, nullptr)) {}

XofFixedKeyAes128& XofFixedKeyAes128::operator=(XofFixedKeyAes128&& other) noexcept {
  if (this != &other) {
    if (ctx_ != nullptr) EVP_CIPHER_CTX_free(cipher(ctx_));
    seed_ = other.seed_;
    block_ = other.block_;
    block_index_ = other.block_index_;
    block_pos_ = other.block_pos_;
    ctx_ = std::exchange(other.ctx_, nullptr);
  }
  return *this;
}

XofFixedKeyAes128::~XofFixedKeyAes128() {
  if (ctx_ != nullptr) EVP_CIPHER_CTX_free(cipher(ctx_));
  secure_wipe(seed_);
  secure_wipe(block_);
}

void XofFixedKeyAes128::refill() {
  if (ctx_ == nullptr) throw InvalidArgument("XofFixedKeyAes128: use after move");
  std::array<std::byte, 16> input = seed_;
  for (std::size_t i = 0; i < 8; ++i) input[i] ^= static_cast<std::byte>((block_index_ >> (8 * i)) & 0xFFU);
  // sigma(lo || hi) = hi || (hi ^ lo)
  std::array<unsigned char, 16> sigma{};
  for (std::size_t i = 0; i < 8; ++i) {
    sigma[i] = static_cast<unsigned char>(input[8 + i]);
    sigma[8 + i] = static_cast<unsigned char>(input[8 + i] ^ input[i]);
  }
  std::array<unsigned char, 32> enc{};
  int len = 0;
  if (EVP_EncryptUpdate(cipher(ctx_), enc.data(), &len, sigma.data(), 16) != 1 || len != 16) {
    throw Error("XofFixedKeyAes128: AES encryption failed");
  }
  for (std::size_t i = 0; i < 16; ++i) block_[i] = static_cast<std::byte>(enc[i] ^ sigma[i]);
  ++block_index_;
  block_pos_ = 0;
}

void XofFixedKeyAes128::next(std::span<std::byte> out) {
  for (auto& b : out) {
    if (block_pos_ == block_.size()) refill();
    b = block_[block_pos_++];
  }
}

}  // namespace privfin::vdaf
