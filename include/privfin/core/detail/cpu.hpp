// privfin/core/detail/cpu.hpp — what this CPU and its OS can run, asked
// once per process: the instruction-set extensions that the library's
// run-time dispatched paths need (AES-GCM and AES-CTR with VAES, the Rep3
// kernels, the bit transposition, OT extension's carry-less sums, the
// eight-lane square roots of Ed25519 batch verification).
//
//   const auto& cpu = detail::cpu_features();
//   if (cpu.avx512_usable() && cpu.vaes) { ... }
//
// CPUID and XGETBV directly rather than __builtin_cpu_supports, whose
// feature names differ between compilers (clang 14 knows no "vaes"). An
// AVX-512 feature counts only if the OS also saves the AVX-512 state (XMM,
// YMM, opmask and both halves of the ZMM registers) on context switches.
// Asked once: CPUID traps to the hypervisor in a VM, and the answer cannot
// change. On other architectures every flag is false. Throws nothing.
#pragma once

namespace privfin::detail {

struct CpuFeatures {
  bool ssse3 = false;
  bool pclmul = false;
  bool aes = false;
  bool os_avx512 = false;  // the OS saves the AVX-512 state
  bool avx512f = false;
  bool avx512dq = false;
  bool avx512bw = false;
  bool avx512vl = false;
  bool avx512vbmi = false;
  bool avx512ifma = false;  // 52-bit integer multiply-add
  bool vaes = false;
  bool vpclmulqdq = false;

  // AVX-512 F and BW with the OS's support: the base of every AVX-512 path here.
  [[nodiscard]] bool avx512_usable() const noexcept { return os_avx512 && avx512f && avx512bw; }
};

[[nodiscard]] const CpuFeatures& cpu_features() noexcept;

}  // namespace privfin::detail
