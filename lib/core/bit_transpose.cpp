// The AVX-512 64x64 bit transposition; see privfin/core/detail/bit_transpose.hpp.
// Only transpose64_avx512 carries a target attribute, so the rest of the
// library stays generic x86-64; it runs after the CPUID check below.
#include "privfin/core/detail/bit_transpose.hpp"

#include <cstddef>

#if defined(__x86_64__)
#if !defined(__clang__)
// GCC 12 warns about the "undefined" pass-through operand inside some
// AVX-512 intrinsics (see lib/net/aes_gcm_vaes.cpp); a false positive.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace privfin::detail {

#if defined(__x86_64__)
namespace {

// (1) vpermb regroups each 8-word register so that qword b holds byte b of
// its 8 words; (2) vptestmb with bit i set gives, per register, a 64-bit
// mask whose bit 8b + e is bit 8b + i of word e; (3) the same byte
// permutation on the 8 masks of one i turns qword b into word 8b + i of the
// result.
__attribute__((target("avx512f,avx512bw,avx512vbmi"))) void transpose_avx512(std::uint64_t* a) noexcept {
  alignas(64) static constexpr std::array<unsigned char, 64> regroup = [] {
    std::array<unsigned char, 64> idx{};
    for (unsigned b = 0; b < 8; ++b) {
      for (unsigned e = 0; e < 8; ++e) idx[8 * b + e] = static_cast<unsigned char>(8 * e + b);
    }
    return idx;
  }();
  const __m512i idx = _mm512_load_si512(regroup.data());
  __m512i z[8];
  for (std::size_t r = 0; r < 8; ++r) z[r] = _mm512_permutexvar_epi8(idx, _mm512_loadu_si512(a + 8 * r));
  alignas(64) std::uint64_t masks[8];
  alignas(64) std::uint64_t planes[8];
  for (unsigned i = 0; i < 8; ++i) {
    const __m512i bit = _mm512_set1_epi8(static_cast<char>(1U << i));
    for (std::size_t r = 0; r < 8; ++r) masks[r] = _mm512_test_epi8_mask(z[r], bit);
    _mm512_store_si512(planes, _mm512_permutexvar_epi8(idx, _mm512_load_si512(masks)));
    for (std::size_t b = 0; b < 8; ++b) a[8 * b + i] = planes[b];
  }
}

// CPUID and XGETBV directly, as in lib/net/aes_gcm_vaes.cpp: AVX-512 F, BW
// and VBMI, and the OS saving the AVX-512 state.
bool detect() noexcept {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return false;
  constexpr unsigned osxsave = 1U << 27;
  if ((ecx & osxsave) == 0) return false;
  unsigned xcr0_low = 0, xcr0_high = 0;
  __asm__ volatile("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0U));
  constexpr unsigned avx512_state = 0xe6;
  if ((xcr0_low & avx512_state) != avx512_state) return false;
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return false;
  constexpr unsigned avx512f = 1U << 16, avx512bw = 1U << 30, avx512vbmi = 1U << 1;
  return (ebx & (avx512f | avx512bw)) == (avx512f | avx512bw) && (ecx & avx512vbmi) != 0;
}

}  // namespace

bool transpose64_avx512_supported() noexcept {
  static const bool supported = detect();
  return supported;
}

void transpose64_avx512(std::array<std::uint64_t, 64>& a) noexcept { transpose_avx512(a.data()); }
#else
bool transpose64_avx512_supported() noexcept { return false; }
void transpose64_avx512(std::array<std::uint64_t, 64>& a) noexcept { transpose64_portable(a); }
#endif

}  // namespace privfin::detail
