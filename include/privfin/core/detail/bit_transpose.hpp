// privfin/core/detail/bit_transpose.hpp — the 64x64 bit-matrix
// transposition that the comparison circuits (mpc/detail/bits.hpp), OT
// extension (ot/extension.cpp) and SPDZ2k's bit MACs (mpc/spdz2k_ot.cpp)
// all need, with an AVX-512 version chosen at run time.
//
//   std::array<std::uint64_t, 64> a = ...;
//   detail::transpose64(a);          // afterwards bit t of a[j] == bit j of a[t] before
//
//   const bool avx512 = detail::transpose64_avx512_supported();   // once, before a hot loop
//   for (...) detail::transpose64(block, avx512);
//
// Two paths with the same result for every input (the tests compare them):
// the portable 6-stage network of block swaps (Hacker's Delight 7-3, about
// 600 instructions) and an AVX-512 F/BW/VBMI one with byte permutations and
// bit tests (about 100). transpose64(a) asks core/detail/cpu.hpp which to
// take; a hot loop hoists the question and passes the answer. Passing
// avx512 = true (or calling transpose64_avx512) on a CPU without those
// extensions is a programming error (illegal instruction).
// Constant time (no branch or address depends on the bits); throws nothing.
#pragma once

#include <array>
#include <cstdint>

namespace privfin::detail {

inline void transpose64_portable(std::array<std::uint64_t, 64>& a) noexcept {
  std::uint64_t m = 0x00000000FFFFFFFFULL;
  for (unsigned j = 32; j != 0; j >>= 1, m ^= (m << j)) {
    // The inner loop runs over contiguous words, so the compiler vectorizes it.
    for (unsigned base = 0; base < 64; base += 2 * j) {
      for (unsigned k = base; k < base + j; ++k) {
        const std::uint64_t t = ((a[k] >> j) ^ a[k + j]) & m;
        a[k] ^= t << j;
        a[k + j] ^= t;
      }
    }
  }
}

// True when this CPU and OS run transpose64_avx512 (asked once).
[[nodiscard]] bool transpose64_avx512_supported() noexcept;

void transpose64_avx512(std::array<std::uint64_t, 64>& a) noexcept;

// `avx512`: what transpose64_avx512_supported() said.
inline void transpose64(std::array<std::uint64_t, 64>& a, bool avx512) noexcept {
  if (avx512) {
    transpose64_avx512(a);
  } else {
    transpose64_portable(a);
  }
}

inline void transpose64(std::array<std::uint64_t, 64>& a) noexcept { transpose64(a, transpose64_avx512_supported()); }

}  // namespace privfin::detail
