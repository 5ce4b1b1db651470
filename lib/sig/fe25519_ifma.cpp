// Eight-lane arithmetic mod p = 2^255 - 19 on AVX-512 IFMA: see the header.
//
// An element is five limbs of radix 2^51, limb i of all eight lanes in one
// register. vpmadd52luq / vpmadd52huq add the low and the high 52 bits of
// a 52 x 52-bit product, and read only the low 52 bits of their inputs: so
// every multiplication's inputs are carried below 2^52 first, and a
// product of limbs i and j lands as lo at column i + j and as 2 * hi at
// column i + j + 1 (2^52 = 2 * 2^51). Columns 5 to 9 fold back times 19
// (2^255 = 19 mod p). Bounds: a column sums at most 15 * 2^52 < 2^56 before
// the fold, under 2^61 after it, so nothing overflows 64 bits.
#include "fe25519_ifma.hpp"

#include <array>

#include "privfin/core/detail/avx512_intrinsics.hpp"
#include "privfin/core/detail/cpu.hpp"

namespace privfin::sig::detail::ed {

#if defined(__x86_64__)
// Everything between here and "pop_options" may use AVX-512 IFMA; it runs
// only behind pow_p58_x8_supported(), which is compiled after it for the
// baseline CPU. Clang ignores "#pragma GCC target"; its own pragma
// attaches the same target attribute to every function in the region (as
// in lib/net/aes_gcm_vaes.cpp).
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512ifma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512ifma")
#endif

namespace {

struct F8 {
  __m512i l[5];
};

[[gnu::always_inline]] inline __m512i mask51() { return _mm512_set1_epi64((std::int64_t{1} << 51) - 1); }

[[gnu::always_inline]] inline __m512i times19(__m512i x) {
  return _mm512_add_epi64(_mm512_add_epi64(x, _mm512_slli_epi64(x, 1)), _mm512_slli_epi64(x, 4));
}

// Columns c[0..4] (each below 2^62) into limbs below 2^52: limb 0 below
// 2^51, limb 1 at most 2^51, the others below 2^51.
[[gnu::always_inline]] inline F8 carry_columns(__m512i c0, __m512i c1, __m512i c2, __m512i c3, __m512i c4) {
  const __m512i m = mask51();
  c1 = _mm512_add_epi64(c1, _mm512_srli_epi64(c0, 51));
  c0 = _mm512_and_si512(c0, m);
  c2 = _mm512_add_epi64(c2, _mm512_srli_epi64(c1, 51));
  c1 = _mm512_and_si512(c1, m);
  c3 = _mm512_add_epi64(c3, _mm512_srli_epi64(c2, 51));
  c2 = _mm512_and_si512(c2, m);
  c4 = _mm512_add_epi64(c4, _mm512_srli_epi64(c3, 51));
  c3 = _mm512_and_si512(c3, m);
  c0 = _mm512_add_epi64(c0, times19(_mm512_srli_epi64(c4, 51)));
  c4 = _mm512_and_si512(c4, m);
  c1 = _mm512_add_epi64(c1, _mm512_srli_epi64(c0, 51));
  c0 = _mm512_and_si512(c0, m);
  return F8{{c0, c1, c2, c3, c4}};
}

// lo[k] + 2 hi[k] per column, columns 5..9 folded times 19, then carried.
[[gnu::always_inline]] inline F8 reduce(const __m512i (&lo)[10], const __m512i (&hi)[10]) {
  __m512i c[10];
  for (int k = 0; k < 10; ++k) c[k] = _mm512_add_epi64(lo[k], _mm512_slli_epi64(hi[k], 1));
  for (int k = 0; k < 5; ++k) c[k] = _mm512_add_epi64(c[k], times19(c[k + 5]));
  return carry_columns(c[0], c[1], c[2], c[3], c[4]);
}

[[gnu::always_inline]] inline F8 mul(const F8& a, const F8& b) {
  __m512i lo[10], hi[10];
  for (int k = 0; k < 10; ++k) lo[k] = hi[k] = _mm512_setzero_si512();
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < 5; ++j) {
      lo[i + j] = _mm512_madd52lo_epu64(lo[i + j], a.l[i], b.l[j]);
      hi[i + j + 1] = _mm512_madd52hi_epu64(hi[i + j + 1], a.l[i], b.l[j]);
    }
  }
  return reduce(lo, hi);
}

// The ten cross products a_i a_j (i < j) once, doubled by a shift.
[[gnu::always_inline]] inline F8 sq(const F8& a) {
  __m512i lo[10], hi[10], cross_lo[10], cross_hi[10];
  for (int k = 0; k < 10; ++k) lo[k] = hi[k] = cross_lo[k] = cross_hi[k] = _mm512_setzero_si512();
  for (int i = 0; i < 5; ++i) {
    lo[2 * i] = _mm512_madd52lo_epu64(lo[2 * i], a.l[i], a.l[i]);
    hi[2 * i + 1] = _mm512_madd52hi_epu64(hi[2 * i + 1], a.l[i], a.l[i]);
    for (int j = i + 1; j < 5; ++j) {
      cross_lo[i + j] = _mm512_madd52lo_epu64(cross_lo[i + j], a.l[i], a.l[j]);
      cross_hi[i + j + 1] = _mm512_madd52hi_epu64(cross_hi[i + j + 1], a.l[i], a.l[j]);
    }
  }
  for (int k = 0; k < 10; ++k) {
    lo[k] = _mm512_add_epi64(lo[k], _mm512_slli_epi64(cross_lo[k], 1));
    hi[k] = _mm512_add_epi64(hi[k], _mm512_slli_epi64(cross_hi[k], 1));
  }
  return reduce(lo, hi);
}

void pow_p58_avx512(std::span<const Fe, 8> in, std::span<Fe, 8> out) noexcept {
  alignas(64) std::uint64_t lanes[5][8];
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < 8; ++j) lanes[i][j] = in[static_cast<std::size_t>(j)].v[static_cast<std::size_t>(i)];
  }
  std::array<F8, pow_p58_chain.size() + 1> x;
  for (int i = 0; i < 5; ++i) x[0].l[i] = _mm512_load_si512(lanes[i]);
  x[0] = carry_columns(x[0].l[0], x[0].l[1], x[0].l[2], x[0].l[3], x[0].l[4]);  // inputs below 2^54: limbs below 2^52
  for (std::size_t i = 0; i < pow_p58_chain.size(); ++i) {  // as the portable run_chain
    const ChainStep& step = pow_p58_chain[i];
    F8 t = x[step.from];
    for (unsigned k = 0; k < step.squarings; ++k) t = sq(t);
    x[i + 1] = mul(t, x[step.times]);
  }
  const F8& r = x.back();
  for (int i = 0; i < 5; ++i) _mm512_store_si512(lanes[i], r.l[i]);
  for (int j = 0; j < 8; ++j) {
    for (int i = 0; i < 5; ++i) out[static_cast<std::size_t>(j)].v[static_cast<std::size_t>(i)] = lanes[i][j];
  }
}

}  // namespace

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

bool pow_p58_x8_supported() noexcept {
  static const bool supported = [] {
    const auto& cpu = privfin::detail::cpu_features();
    return cpu.os_avx512 && cpu.avx512f && cpu.avx512ifma;
  }();
  return supported;
}

void pow_p58_x8(std::span<const Fe, 8> in, std::span<Fe, 8> out) noexcept { pow_p58_avx512(in, out); }

#else

bool pow_p58_x8_supported() noexcept { return false; }
void pow_p58_x8(std::span<const Fe, 8> in, std::span<Fe, 8> out) noexcept {
  (void)in;
  (void)out;
}

#endif

}  // namespace privfin::sig::detail::ed
