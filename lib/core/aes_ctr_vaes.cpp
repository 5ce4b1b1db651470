// AES-128-CTR keystream with VAES and AVX-512; see
// privfin/core/detail/aes_ctr.hpp.
//
// Only the functions inside the target region (a "#pragma GCC target" under
// GCC, a "#pragma clang attribute" under clang) use AES-NI, VAES and
// AVX-512; they run only after vaes_ctr_supported() said yes, so the rest
// of the program stays portable (the release build is generic x86-64).
#include "privfin/core/detail/aes_ctr.hpp"

#include <cstring>

#include "privfin/core/bytes.hpp"
#include "privfin/core/detail/avx512_intrinsics.hpp"
#include "privfin/core/detail/cpu.hpp"

namespace privfin::detail {

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,vaes,aes,ssse3"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,vaes,aes,ssse3")
#endif

namespace {

template <int Rcon>
__m128i next_key(__m128i prev) {
  const __m128i t = _mm_shuffle_epi32(_mm_aeskeygenassist_si128(prev, Rcon), 0xff);
  prev = _mm_xor_si128(prev, _mm_slli_si128(prev, 4));
  prev = _mm_xor_si128(prev, _mm_slli_si128(prev, 4));
  prev = _mm_xor_si128(prev, _mm_slli_si128(prev, 4));
  return _mm_xor_si128(prev, t);
}

void expand(const std::byte* key, AesRoundKeys& out) {
  __m128i k[11] = {};
  k[0] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(key));
  k[1] = next_key<0x01>(k[0]);
  k[2] = next_key<0x02>(k[1]);
  k[3] = next_key<0x04>(k[2]);
  k[4] = next_key<0x08>(k[3]);
  k[5] = next_key<0x10>(k[4]);
  k[6] = next_key<0x20>(k[5]);
  k[7] = next_key<0x40>(k[6]);
  k[8] = next_key<0x80>(k[7]);
  k[9] = next_key<0x1b>(k[8]);
  k[10] = next_key<0x36>(k[9]);
  for (std::size_t i = 0; i < 11; ++i) _mm_store_si128(reinterpret_cast<__m128i*>(out.round[i].data()), k[i]);
  secure_wipe(std::span(reinterpret_cast<std::byte*>(k), sizeof k));
}

// Counter vectors hold, per 128-bit lane, the block counter as a
// little-endian 64-bit number in the low qword (high qword zero); one
// shuffle per lane turns that into the big-endian 16-byte counter block
// (the low qword's bytes reversed into bytes 8..15, zeros into 0..7).
inline __m512i to_block(__m512i ctr) {
  const __m512i swap = _mm512_broadcast_i32x4(_mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, -1, -1, -1, -1, -1, -1, -1, -1));
  return _mm512_shuffle_epi8(ctr, swap);
}

void keystream(const AesRoundKeys& keys, std::uint64_t first, unsigned char* out, std::size_t blocks) {
  __m512i rk[11];
  for (std::size_t i = 0; i < 11; ++i) {
    rk[i] = _mm512_broadcast_i32x4(_mm_load_si128(reinterpret_cast<const __m128i*>(keys.round[i].data())));
  }
  __m512i ctr = _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(first)), _mm512_set_epi64(0, 3, 0, 2, 0, 1, 0, 0));
  // set1 put `first` into both qwords of each lane: clear the high ones.
  ctr = _mm512_maskz_mov_epi64(0x55, ctr);
  const __m512i four = _mm512_set_epi64(0, 4, 0, 4, 0, 4, 0, 4);
  std::size_t b = 0;
  for (; b + 16 <= blocks; b += 16) {
    __m512i x[4];
    for (std::size_t j = 0; j < 4; ++j) {
      x[j] = _mm512_xor_si512(to_block(ctr), rk[0]);
      ctr = _mm512_add_epi64(ctr, four);
    }
    for (std::size_t r = 1; r < 10; ++r) {
      for (std::size_t j = 0; j < 4; ++j) x[j] = _mm512_aesenc_epi128(x[j], rk[r]);
    }
    for (std::size_t j = 0; j < 4; ++j) {
      _mm512_storeu_si512(out + 16 * b + 64 * j, _mm512_aesenclast_epi128(x[j], rk[10]));
    }
  }
  // Fewer than sixteen blocks left: four at a time, the last group masked.
  for (; b < blocks; b += 4) {
    __m512i x = _mm512_xor_si512(to_block(ctr), rk[0]);
    ctr = _mm512_add_epi64(ctr, four);
    for (std::size_t r = 1; r < 10; ++r) x = _mm512_aesenc_epi128(x, rk[r]);
    x = _mm512_aesenclast_epi128(x, rk[10]);
    const std::size_t left = blocks - b;
    const __mmask8 mask = left >= 4 ? __mmask8{0xff} : static_cast<__mmask8>((1U << (2 * left)) - 1U);
    _mm512_mask_storeu_epi64(out + 16 * b, mask, x);
  }
}

}  // namespace

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

bool vaes_ctr_supported() noexcept {
  // AES-NI, VAES and AVX-512 F/BW/VL, with the OS saving the AVX-512 state.
  const CpuFeatures& cpu = cpu_features();
  return cpu.ssse3 && cpu.aes && cpu.avx512_usable() && cpu.avx512vl && cpu.vaes;
}

void aes128_expand_key(std::span<const std::byte, 16> key, AesRoundKeys& out) noexcept { expand(key.data(), out); }

void aes128_ctr_keystream(const AesRoundKeys& keys, std::uint64_t first_block, std::span<std::byte> out) noexcept {
  keystream(keys, first_block, reinterpret_cast<unsigned char*>(out.data()), out.size() / 16);
}

}  // namespace privfin::detail
