// XofFixedKeyAes128 of draft-irtf-cfrg-vdaf-20: the fixed key comes from
// TurboSHAKE128 (domain byte 2) over the dst and binder; the stream is the
// circular correlation-robust hash of Guo et al. (GKWWY20, §4.2) applied to
// seed ^ le128(block index), with the AES-128 permutation of
// core/detail/fixed_key_aes.hpp.
#include "privfin/vdaf/xof.hpp"

#include <algorithm>

namespace privfin::vdaf {
namespace {

std::array<std::byte, 16> fixed_key(ByteView seed, ByteView dst, std::initializer_list<ByteView> binder) {
  if (seed.size() != XofFixedKeyAes128::seed_size) {
    throw InvalidArgument("XofFixedKeyAes128: seed is " + std::to_string(seed.size()) + " bytes, expected 16");
  }
  if (dst.size() > 0xFFFF) throw InvalidArgument("XofFixedKeyAes128: dst longer than 65535 bytes");
  TurboShake128 h(XofFixedKeyAes128::domain);
  const std::array<std::byte, 2> dst_len{static_cast<std::byte>(dst.size() & 0xFFU),
                                         static_cast<std::byte>(dst.size() >> 8)};
  h.absorb(dst_len).absorb(dst);
  for (ByteView part : binder) h.absorb(part);
  std::array<std::byte, 16> key{};
  h.squeeze(key);
  return key;
}

}  // namespace

XofFixedKeyAes128::XofFixedKeyAes128(ByteView seed, ByteView dst, std::initializer_list<ByteView> binder)
    : permutation_(fixed_key(seed, dst, binder)) {
  std::copy(seed.begin(), seed.end(), seed_.begin());
}

XofFixedKeyAes128::~XofFixedKeyAes128() {
  secure_wipe(seed_);
  secure_wipe(block_);
}

void XofFixedKeyAes128::refill() {
  std::array<std::byte, 16> input = seed_;
  for (std::size_t i = 0; i < 8; ++i) input[i] ^= static_cast<std::byte>((block_index_ >> (8 * i)) & 0xFFU);
  // sigma(lo || hi) = hi || (hi ^ lo); the output is AES(sigma) ^ sigma.
  std::array<std::byte, 16> sigma{};
  for (std::size_t i = 0; i < 8; ++i) {
    sigma[i] = input[8 + i];
    sigma[8 + i] = input[8 + i] ^ input[i];
  }
  permutation_.encrypt(sigma, block_);
  for (std::size_t i = 0; i < 16; ++i) block_[i] ^= sigma[i];
  secure_wipe(input);
  secure_wipe(sigma);
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
