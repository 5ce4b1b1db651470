// tests/mpc/driver/driver_support.hpp — inputs shared by the party-process
// drivers: every process derives the same test values from a label, so each
// party can check the result against plaintext without further messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "privfin/core/prg.hpp"
#include "privfin/core/ring.hpp"

namespace privfin::test {

// n signed values of `bits` bits (1 <= bits <= 64), reproducible from `label`.
inline std::vector<Z2k<64>> driver_values(std::uint64_t label, std::size_t n, unsigned bits) {
  Prg::Seed seed{};
  seed[0] = static_cast<std::byte>(label);
  Prg prg(seed);
  std::vector<Z2k<64>> v(n);
  for (auto& x : v) {
    // Uniform in [-2^(bits-1), 2^(bits-1)), computed mod 2^64 (no signed
    // overflow at bits = 64; UBSan found it).
    const std::uint64_t u = (prg.next_u64() >> (64 - bits)) - (std::uint64_t{1} << (bits - 1));
    x = Z2k<64>::from_signed(static_cast<std::int64_t>(u));
  }
  return v;
}

// The owner's values, an empty span for everyone else (the input() convention).
inline std::span<const Z2k<64>> owned_by(std::size_t id, std::size_t owner, const std::vector<Z2k<64>>& v) {
  return id == owner ? std::span<const Z2k<64>>(v) : std::span<const Z2k<64>>{};
}

}  // namespace privfin::test
