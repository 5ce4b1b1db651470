// CPUID and XGETBV; see privfin/core/detail/cpu.hpp.
#include "privfin/core/detail/cpu.hpp"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace privfin::detail {
namespace {

CpuFeatures detect() noexcept {
  CpuFeatures f;
#if defined(__x86_64__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (__get_cpuid(1, &eax, &ebx, &ecx, &edx) == 0) return f;
  const auto bit = [](unsigned reg, unsigned n) { return ((reg >> n) & 1U) != 0; };
  f.pclmul = bit(ecx, 1);
  f.ssse3 = bit(ecx, 9);
  f.aes = bit(ecx, 25);
  if (bit(ecx, 27)) {  // OSXSAVE: XGETBV is available
    unsigned xcr0_low = 0, xcr0_high = 0;
    __asm__ volatile("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0U));
    constexpr unsigned avx512_state = 0xe6;  // bits 1, 2 (SSE, AVX) and 5-7 (opmask, ZMM_Hi256, Hi16_ZMM)
    f.os_avx512 = (xcr0_low & avx512_state) == avx512_state;
  }
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx) == 0) return f;
  f.avx512f = bit(ebx, 16);
  f.avx512dq = bit(ebx, 17);
  f.avx512bw = bit(ebx, 30);
  f.avx512vl = bit(ebx, 31);
  f.avx512ifma = bit(ebx, 21);
  f.avx512vbmi = bit(ecx, 1);
  f.vaes = bit(ecx, 9);
  f.vpclmulqdq = bit(ecx, 10);
#endif
  return f;
}

}  // namespace

const CpuFeatures& cpu_features() noexcept {
  static const CpuFeatures features = detect();
  return features;
}

}  // namespace privfin::detail
