// The fused multiply-and-mask loops of Rep3; see privfin/mpc/detail/kernels.hpp.
//
// The AVX-512 versions are the same loops compiled for AVX-512 F/DQ (the
// compiler vectorizes them eight words at a time, with vpmullq for the
// 64-bit products); they sit in functions with a target attribute, so the
// rest of the library stays generic x86-64, and run only after the check
// of core/detail/cpu.hpp.
#include "privfin/mpc/detail/kernels.hpp"

#include "privfin/core/detail/avx512_intrinsics.hpp"

#include <array>

#include "privfin/core/detail/cpu.hpp"
#include "privfin/mpc/detail/bits.hpp"

namespace privfin::mpc::detail {

namespace {

// One body for both paths: force-inlined into each target-specific caller.
[[gnu::always_inline]] inline void mul_loop(const KernelInputs& in, const std::uint64_t* __restrict plus,
                                            const std::uint64_t* __restrict minus, std::uint64_t* __restrict out,
                                            std::size_t n) {
  const std::uint64_t* __restrict x0 = in[0];
  const std::uint64_t* __restrict x1 = in[1];
  const std::uint64_t* __restrict y0 = in[2];
  const std::uint64_t* __restrict y1 = in[3];
  for (std::size_t k = 0; k < n; ++k) out[k] = x0[k] * (y0[k] + y1[k]) + x1[k] * y0[k] + plus[k] - minus[k];
}

[[gnu::always_inline]] inline void and_loop(const KernelInputs& in, const std::uint64_t* __restrict plus,
                                            const std::uint64_t* __restrict minus, std::uint64_t* __restrict out,
                                            std::size_t n) {
  const std::uint64_t* __restrict a0 = in[0];
  const std::uint64_t* __restrict a1 = in[1];
  const std::uint64_t* __restrict b0 = in[2];
  const std::uint64_t* __restrict b1 = in[3];
  for (std::size_t k = 0; k < n; ++k) out[k] = (a0[k] & (b0[k] ^ b1[k])) ^ (a1[k] & b0[k]) ^ plus[k] ^ minus[k];
}

void mul_portable(const KernelInputs& in, const std::uint64_t* plus, const std::uint64_t* minus, std::uint64_t* out,
                  std::size_t n) {
  mul_loop(in, plus, minus, out, n);
}
void and_portable(const KernelInputs& in, const std::uint64_t* plus, const std::uint64_t* minus, std::uint64_t* out,
                  std::size_t n) {
  and_loop(in, plus, minus, out, n);
}

__attribute__((target("avx512f,avx512dq"))) void mul_avx512(const KernelInputs& in, const std::uint64_t* plus,
                                                             const std::uint64_t* minus, std::uint64_t* out,
                                                             std::size_t n) {
  mul_loop(in, plus, minus, out, n);
}
__attribute__((target("avx512f,avx512dq"))) void and_avx512(const KernelInputs& in, const std::uint64_t* plus,
                                                             const std::uint64_t* minus, std::uint64_t* out,
                                                             std::size_t n) {
  and_loop(in, plus, minus, out, n);
}

}  // namespace

KernelPath best_kernel_path() noexcept {
  // AVX-512 F, DQ (vpmullq) and BW.
  const ::privfin::detail::CpuFeatures& cpu = ::privfin::detail::cpu_features();
  return cpu.avx512_usable() && cpu.avx512dq ? KernelPath::avx512 : KernelPath::portable;
}

void mul_masked(KernelPath path, const KernelInputs& in, const std::uint64_t* plus, const std::uint64_t* minus,
                std::span<std::uint64_t> out) noexcept {
  if (path == KernelPath::avx512) {
    mul_avx512(in, plus, minus, out.data(), out.size());
  } else {
    mul_portable(in, plus, minus, out.data(), out.size());
  }
}

void and_masked(KernelPath path, const KernelInputs& in, const std::uint64_t* plus, const std::uint64_t* minus,
                std::span<std::uint64_t> out) noexcept {
  if (path == KernelPath::avx512) {
    and_avx512(in, plus, minus, out.data(), out.size());
  } else {
    and_portable(in, plus, minus, out.data(), out.size());
  }
}

}  // namespace privfin::mpc::detail
