// TMMO_pi (Guo-Katz-Wang-Yu 2020, section 7.4) with fixed-key AES-128.
#include "privfin/ot/crhash.hpp"

#include <openssl/evp.h>

#include <array>
#include <string>
#include <utility>

#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::ot {
namespace {
EVP_CIPHER_CTX* cipher(void* ctx) { return static_cast<EVP_CIPHER_CTX*>(ctx); }
constexpr std::size_t chunk = 512;  // blocks per bulk AES call
}  // namespace

TweakableHash::TweakableHash() {
  const auto digest = Sha256::hash(as_bytes("privfin ot tmmo v1"));
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) throw Error("ot::TweakableHash: EVP_CIPHER_CTX_new failed");
  if (EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), nullptr, reinterpret_cast<const unsigned char*>(digest.data()),
                         nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) {
    EVP_CIPHER_CTX_free(ctx);
    throw Error("ot::TweakableHash: AES-128 key setup failed");
  }
  ctx_ = ctx;
}

TweakableHash::TweakableHash(TweakableHash&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}

TweakableHash& TweakableHash::operator=(TweakableHash&& other) noexcept {
  if (this != &other) {
    if (ctx_ != nullptr) EVP_CIPHER_CTX_free(cipher(ctx_));
    ctx_ = std::exchange(other.ctx_, nullptr);
  }
  return *this;
}

TweakableHash::~TweakableHash() {
  if (ctx_ != nullptr) EVP_CIPHER_CTX_free(cipher(ctx_));
}

void TweakableHash::permute(std::span<Block> blocks) {
  static_assert(sizeof(Block) == 16);
  if (ctx_ == nullptr) throw InvalidArgument("ot::TweakableHash: use after move");
  auto* p = reinterpret_cast<unsigned char*>(blocks.data());
  int len = 0;
  if (EVP_EncryptUpdate(cipher(ctx_), p, &len, p, static_cast<int>(blocks.size() * 16)) != 1 ||
      len != static_cast<int>(blocks.size() * 16)) {
    throw Error("ot::TweakableHash: AES-128 failed");
  }
}

void TweakableHash::hash(std::span<const Block> in, std::uint64_t first_index, std::span<Block> out, Block offset) {
  if (in.size() != out.size()) {
    throw InvalidArgument("ot::TweakableHash::hash: " + std::to_string(in.size()) + " inputs, " +
                          std::to_string(out.size()) + " outputs");
  }
  std::array<Block, chunk> first{};
  std::array<Block, chunk> second{};
  for (std::size_t at = 0; at < in.size(); at += chunk) {
    const std::size_t n = std::min(chunk, in.size() - at);
    for (std::size_t k = 0; k < n; ++k) first[k] = in[at + k] ^ offset;
    permute(std::span(first).first(n));
    for (std::size_t k = 0; k < n; ++k) second[k] = first[k] ^ Block{first_index + at + k, 0};
    permute(std::span(second).first(n));
    for (std::size_t k = 0; k < n; ++k) out[at + k] = second[k] ^ first[k];
  }
}

}  // namespace privfin::ot
