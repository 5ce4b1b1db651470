// OpenSSL EVP digests, and SHA-256 through OpenSSL's low-level interface;
// see privfin/core/hash.hpp.
//
// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP,
// but remain in libcrypto 3 with the same assembly underneath; EVP's
// per-hasher allocations are what Sha256 avoids. Only this file uses them.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "privfin/core/hash.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <array>
#include <utility>

#include "privfin/core/error.hpp"

namespace privfin::detail {

namespace {
// The algorithm's implementation, fetched once per process. Given the
// legacy EVP_sha256() handle, OpenSSL 3 looks the implementation up again
// in every EVP_DigestInit_ex (a read lock on the provider store and a
// reference count), which cost more than hashing a short input: SHA-256 of
// 64 bytes took 533 ns per hasher, most of it that fetch. The fetched
// handles are immutable and shared by every thread (OpenSSL documents
// EVP_MD as safe to share); they are never freed, as the library's own
// legacy handles are not.
const EVP_MD* fetched(const char* name, const EVP_MD* legacy) {
  const EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  return md != nullptr ? md : legacy;  // a provider without it: the old path
}
const EVP_MD* evp_md(EvpAlgorithm algorithm) {
  // In EvpAlgorithm's order; all four fetched at the first hash.
  static const std::array<const EVP_MD*, 4> mds = {
      fetched("SHA2-512", EVP_sha512()),
      fetched("SHA3-256", EVP_sha3_256()),
      fetched("SHAKE-128", EVP_shake128()),
      fetched("SHAKE-256", EVP_shake256()),
  };
  const auto i = static_cast<std::size_t>(algorithm);
  if (i >= mds.size()) throw InvalidArgument("hash: unknown algorithm");
  return mds[i];
}
EVP_MD_CTX* as_ctx(void* p) { return static_cast<EVP_MD_CTX*>(p); }
}  // namespace

EvpHasher::EvpHasher(EvpAlgorithm algorithm) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) throw Error("hash: EVP_MD_CTX_new failed");
  if (EVP_DigestInit_ex(ctx, evp_md(algorithm), nullptr) != 1) {
    EVP_MD_CTX_free(ctx);
    throw Error("hash: EVP_DigestInit_ex failed");
  }
  ctx_ = ctx;
}

EvpHasher::EvpHasher(EvpHasher&& other) noexcept
    : ctx_(std::exchange(other.ctx_, nullptr)), finished_(other.finished_) {}

EvpHasher& EvpHasher::operator=(EvpHasher&& other) noexcept {
  if (this != &other) {
    if (ctx_ != nullptr) EVP_MD_CTX_free(as_ctx(ctx_));
    ctx_ = std::exchange(other.ctx_, nullptr);
    finished_ = other.finished_;
  }
  return *this;
}

EvpHasher::~EvpHasher() {
  if (ctx_ != nullptr) EVP_MD_CTX_free(as_ctx(ctx_));
}

void EvpHasher::update(ByteView data) {
  if (ctx_ == nullptr || finished_) throw InvalidArgument("hash: update() after finish()");
  if (!data.empty() && EVP_DigestUpdate(as_ctx(ctx_), data.data(), data.size()) != 1) {
    throw Error("hash: EVP_DigestUpdate failed");
  }
}

void EvpHasher::finish(std::span<std::byte> out) {
  if (ctx_ == nullptr || finished_) throw InvalidArgument("hash: finish() called twice");
  const auto expected = static_cast<std::size_t>(EVP_MD_CTX_get_size(as_ctx(ctx_)));
  if (out.size() != expected) throw InvalidArgument("hash: output buffer has the wrong size");
  unsigned int written = 0;
  if (EVP_DigestFinal_ex(as_ctx(ctx_), reinterpret_cast<unsigned char*>(out.data()), &written) != 1) {
    throw Error("hash: EVP_DigestFinal_ex failed");
  }
  finished_ = true;
}

void EvpHasher::finish_xof(std::span<std::byte> out) {
  if (ctx_ == nullptr || finished_) throw InvalidArgument("hash: finish() called twice");
  if (EVP_DigestFinalXOF(as_ctx(ctx_), reinterpret_cast<unsigned char*>(out.data()), out.size()) != 1) {
    throw Error("hash: EVP_DigestFinalXOF failed");
  }
  finished_ = true;
}

}  // namespace privfin::detail

namespace privfin {

namespace {
static_assert(sizeof(SHA256_CTX) <= 112 && alignof(SHA256_CTX) <= 8, "Sha256: SHA256_CTX does not fit its state");
SHA256_CTX* as_sha256(std::array<std::byte, 112>& state) { return reinterpret_cast<SHA256_CTX*>(state.data()); }
}  // namespace

Sha256::Sha256() {
  if (SHA256_Init(as_sha256(state_)) != 1) throw Error("hash: SHA256_Init failed");
}

Sha256::~Sha256() { OPENSSL_cleanse(state_.data(), state_.size()); }

Sha256& Sha256::update(ByteView data) {
  if (finished_) throw InvalidArgument("hash: update() after finish()");
  if (!data.empty() && SHA256_Update(as_sha256(state_), data.data(), data.size()) != 1) {
    throw Error("hash: SHA256_Update failed");
  }
  return *this;
}

Sha256::Digest Sha256::finish() {
  if (finished_) throw InvalidArgument("hash: finish() called twice");
  Digest d{};
  if (SHA256_Final(reinterpret_cast<unsigned char*>(d.data()), as_sha256(state_)) != 1) {
    throw Error("hash: SHA256_Final failed");
  }
  finished_ = true;
  return d;
}

Sha256::Digest Sha256::hash(ByteView data) { return Sha256().update(data).finish(); }

}  // namespace privfin
