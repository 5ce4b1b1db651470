// The AVX-512 64x64 bit transposition; see privfin/core/detail/bit_transpose.hpp.
// Only transpose64_avx512 carries a target attribute, so the rest of the
// library stays generic x86-64; it runs after the check of core/detail/cpu.hpp.
#include "privfin/core/detail/bit_transpose.hpp"

#include <cstddef>

#include "privfin/core/detail/avx512_intrinsics.hpp"
#include "privfin/core/detail/cpu.hpp"

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

}  // namespace

bool transpose64_avx512_supported() noexcept {
  const CpuFeatures& cpu = cpu_features();
  return cpu.avx512_usable() && cpu.avx512vbmi;
}

void transpose64_avx512(std::array<std::uint64_t, 64>& a) noexcept { transpose_avx512(a.data()); }
#else
bool transpose64_avx512_supported() noexcept { return false; }
void transpose64_avx512(std::array<std::uint64_t, 64>& a) noexcept { transpose64_portable(a); }
#endif

}  // namespace privfin::detail
