// Keccak-p[1600, n_r] (FIPS 202 §3.3), in the compact lane-oriented form.
#include "privfin/core/detail/keccak.hpp"

#include <bit>

namespace privfin::detail {

namespace {
constexpr std::array<std::uint64_t, 24> round_constants = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808AULL, 0x8000000080008000ULL,
    0x000000000000808BULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008AULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000AULL,
    0x000000008000808BULL, 0x800000000000008BULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800AULL, 0x800000008000000AULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};

// rho offsets and pi lane order, following the lane walk (1,0) -> (0,2) -> ...
constexpr std::array<int, 24> rho_offsets = {1,  3,  6,  10, 15, 21, 28, 36, 45, 55, 2,  14,
                                             27, 41, 56, 8,  25, 43, 62, 18, 39, 61, 20, 44};
constexpr std::array<std::size_t, 24> pi_lanes = {10, 7,  11, 17, 18, 3, 5,  16, 8,  21, 24, 4,
                                                  15, 23, 19, 13, 12, 2, 20, 14, 22, 9,  6,  1};
}  // namespace

void keccak_p1600(KeccakState& st, unsigned rounds) noexcept {
  if (rounds > 24) rounds = 24;
  for (unsigned round = 24 - rounds; round < 24; ++round) {
    // The fixed-trip-count loops below are fully unrolled by the compiler,
    // which turns the index arithmetic into constants.
    std::array<std::uint64_t, 5> c{};
#pragma GCC unroll 5
    for (std::size_t x = 0; x < 5; ++x) c[x] = st[x] ^ st[x + 5] ^ st[x + 10] ^ st[x + 15] ^ st[x + 20];
    for (std::size_t x = 0; x < 5; ++x) {
      const std::uint64_t d = c[(x + 4) % 5] ^ std::rotl(c[(x + 1) % 5], 1);
      for (std::size_t y = 0; y < 25; y += 5) st[y + x] ^= d;
    }
    std::uint64_t carried = st[1];
#pragma GCC unroll 24
    for (std::size_t i = 0; i < 24; ++i) {
      const std::size_t lane = pi_lanes[i];
      const std::uint64_t next = st[lane];
      st[lane] = std::rotl(carried, rho_offsets[i]);
      carried = next;
    }
#pragma GCC unroll 5
    for (std::size_t y = 0; y < 25; y += 5) {
      const std::array<std::uint64_t, 5> row = {st[y], st[y + 1], st[y + 2], st[y + 3], st[y + 4]};
      for (std::size_t x = 0; x < 5; ++x) st[y + x] = row[x] ^ (~row[(x + 1) % 5] & row[(x + 2) % 5]);
    }
    st[0] ^= round_constants[round];
  }
}

}  // namespace privfin::detail
