// AES-128 ECB under a fixed key through OpenSSL; see
// privfin/core/detail/fixed_key_aes.hpp.
#include "privfin/core/detail/fixed_key_aes.hpp"

#include <openssl/evp.h>

#include <limits>
#include <string>
#include <utility>

#include "privfin/core/error.hpp"

namespace privfin::detail {
namespace {
EVP_CIPHER_CTX* cipher(void* ctx) { return static_cast<EVP_CIPHER_CTX*>(ctx); }
}  // namespace

FixedKeyAes128::FixedKeyAes128(std::span<const std::byte, 16> key) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) throw Error("FixedKeyAes128: EVP_CIPHER_CTX_new failed");
  if (EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), nullptr, reinterpret_cast<const unsigned char*>(key.data()),
                         nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) {
    EVP_CIPHER_CTX_free(ctx);
    throw Error("FixedKeyAes128: AES-128 key setup failed");
  }
  ctx_ = ctx;
}

FixedKeyAes128::FixedKeyAes128(FixedKeyAes128&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}

FixedKeyAes128& FixedKeyAes128::operator=(FixedKeyAes128&& other) noexcept {
  if (this != &other) {
    if (ctx_ != nullptr) EVP_CIPHER_CTX_free(cipher(ctx_));
    ctx_ = std::exchange(other.ctx_, nullptr);
  }
  return *this;
}

FixedKeyAes128::~FixedKeyAes128() {
  if (ctx_ != nullptr) EVP_CIPHER_CTX_free(cipher(ctx_));
}

void FixedKeyAes128::encrypt(std::span<const std::byte> in, std::span<std::byte> out) {
  if (ctx_ == nullptr) throw InvalidArgument("FixedKeyAes128: use after move");
  if (in.size() != out.size() || in.size() % 16 != 0 ||
      in.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw InvalidArgument("FixedKeyAes128::encrypt: " + std::to_string(in.size()) + " bytes in, " +
                          std::to_string(out.size()) + " out (whole blocks, the same size)");
  }
  int len = 0;
  const int bytes = static_cast<int>(in.size());
  if (EVP_EncryptUpdate(cipher(ctx_), reinterpret_cast<unsigned char*>(out.data()), &len,
                        reinterpret_cast<const unsigned char*>(in.data()), bytes) != 1 ||
      len != bytes) {
    throw Error("FixedKeyAes128: AES-128 failed");
  }
}

}  // namespace privfin::detail
