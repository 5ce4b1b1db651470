#include "privfin/ot/block.hpp"

#include <string>

#include "privfin/core/error.hpp"

namespace privfin::ot {

std::array<std::byte, 16> Block::to_bytes() const noexcept {
  std::array<std::byte, 16> out{};
  for (std::size_t i = 0; i < 8; ++i) {
    out[i] = static_cast<std::byte>((lo >> (8 * i)) & 0xFFU);
    out[8 + i] = static_cast<std::byte>((hi >> (8 * i)) & 0xFFU);
  }
  return out;
}

Block Block::from_bytes(ByteView bytes) {
  if (bytes.size() != byte_size) {
    throw InvalidArgument("ot::Block::from_bytes: " + std::to_string(bytes.size()) + " bytes, expected 16");
  }
  Block b;
  for (std::size_t i = 0; i < 8; ++i) {
    b.lo |= static_cast<std::uint64_t>(bytes[i]) << (8 * i);
    b.hi |= static_cast<std::uint64_t>(bytes[8 + i]) << (8 * i);
  }
  return b;
}

Bytes pack_bits(std::span<const bool> bits) {
  Bytes out((bits.size() + 7) / 8);
  for (std::size_t i = 0; i < bits.size(); ++i) {
    out[i / 8] |= static_cast<std::byte>(static_cast<unsigned>(bits[i]) << (i % 8));
  }
  return out;
}

}  // namespace privfin::ot
