// privfin/core/detail/fixed_key_aes.hpp — AES-128 under one key, in ECB
// over whole 16-byte blocks: the permutation of the fixed-key constructions
// (the OT layer's TMMO hash and GGM trees, VDAF's XofFixedKeyAes128).
//
//   detail::FixedKeyAes128 pi(key);        // 16 bytes
//   pi.encrypt(in, out);                   // out[b] = AES_key(in[b]) per block; in and out may alias
//
// Through OpenSSL's EVP (AES-NI where present), kept opaque so that OpenSSL
// stays out of this header. Costs: one EVP call per encrypt. Throws Error
// if OpenSSL cannot set up or run AES, InvalidArgument for sizes that differ
// or are not whole blocks, or for a moved-from object. Not thread-safe (one
// per thread). The key schedule lives in OpenSSL's context, freed (not
// wiped) at destruction: callers use public keys.
#pragma once

#include <cstddef>
#include <span>

namespace privfin::detail {

class FixedKeyAes128 {
 public:
  explicit FixedKeyAes128(std::span<const std::byte, 16> key);
  FixedKeyAes128(FixedKeyAes128&& other) noexcept;
  FixedKeyAes128& operator=(FixedKeyAes128&& other) noexcept;
  FixedKeyAes128(const FixedKeyAes128&) = delete;
  FixedKeyAes128& operator=(const FixedKeyAes128&) = delete;
  ~FixedKeyAes128();

  void encrypt(std::span<const std::byte> in, std::span<std::byte> out);

 private:
  void* ctx_ = nullptr;  // EVP_CIPHER_CTX
};

}  // namespace privfin::detail
