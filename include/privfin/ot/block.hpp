// privfin/ot/block.hpp — the 128-bit value of the OT layer (a key, a
// message, a row of the extension matrix, an element of GF(2^128)) and the
// bit packing of choice vectors.
//
//   ot::Block k = ot::Block::from_bytes(sixteen_bytes);   // lo = bytes 0..7 LE
//   ot::Block d = k ^ other;
//   Bytes packed = ot::pack_bits(choices);                 // bit i = choices[i]
//
// A Block is a plain value (two 64-bit words); its byte form is lo then hi,
// each little-endian, so bit i of the block is bit i % 8 of byte i / 8.
// Nothing here allocates except pack_bits; nothing throws except
// Block::from_bytes (InvalidArgument for a span that is not 16 bytes).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "privfin/core/bytes.hpp"

namespace privfin::ot {

struct Block {
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;

  static constexpr std::size_t byte_size = 16;

  friend constexpr Block operator^(Block a, Block b) noexcept { return {a.lo ^ b.lo, a.hi ^ b.hi}; }
  constexpr Block& operator^=(Block b) noexcept {
    lo ^= b.lo;
    hi ^= b.hi;
    return *this;
  }
  friend constexpr Block operator&(Block a, Block b) noexcept { return {a.lo & b.lo, a.hi & b.hi}; }
  friend constexpr bool operator==(Block a, Block b) noexcept = default;

  // Bit i (0..127), LSB first.
  [[nodiscard]] constexpr bool bit(std::size_t i) const noexcept {
    return (((i < 64) ? (lo >> i) : (hi >> (i - 64))) & 1U) != 0;
  }
  // All ones if b, else zero: the mask for a constant-time select.
  [[nodiscard]] static constexpr Block mask(bool b) noexcept {
    const std::uint64_t m = 0 - static_cast<std::uint64_t>(b);
    return {m, m};
  }

  [[nodiscard]] std::array<std::byte, 16> to_bytes() const noexcept;
  [[nodiscard]] static Block from_bytes(ByteView bytes);  // InvalidArgument unless 16 bytes
};

// Packs bools into bytes, LSB first: bit i of the result is bits[i].
[[nodiscard]] Bytes pack_bits(std::span<const bool> bits);

}  // namespace privfin::ot
