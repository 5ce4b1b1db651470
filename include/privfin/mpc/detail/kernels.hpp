// privfin/mpc/detail/kernels.hpp — the local loops of the replicated
// multiplication fused with the zero-sharing mask, each element read and
// written once, with an AVX-512 version chosen at run time.
//
//   auto path = detail::best_kernel_path();
//   detail::mul_masked(path, {x0, x1, y0, y1}, plus, minus, out);  // out = x0 (y0 + y1) + x1 y0 + plus - minus
//   detail::and_masked(path, {a0, a1, b0, b1}, plus, minus, out);  // out = a0 (b0 ^ b1) ^ a1 b0 ^ plus ^ minus
//
// `plus` and `minus` are the two pairwise PRG streams of a zero sharing
// (Rep3: the one shared with the next party and the one shared with the
// previous). Arithmetic is modulo 2^64 on the 64-bit words of Z2k<64>.
// Both paths give the same words for every input (the tests compare them);
// KernelPath::avx512 is for CPUs with AVX-512 F, DQ (vpmullq) and BW, and
// calling it elsewhere is a programming error, so callers take
// best_kernel_path(). Costs: a few instructions per element, memory-bound
// for large batches. Throws nothing; all spans have out.size() elements
// (not checked: the callers slice them).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace privfin::mpc::detail {

enum class KernelPath { portable, avx512 };

// avx512 when this CPU and OS run it, portable otherwise (asked once).
[[nodiscard]] KernelPath best_kernel_path() noexcept;

// The four share vectors x0, x1, y0, y1 (or a0, a1, b0, b1).
using KernelInputs = std::array<const std::uint64_t*, 4>;

void mul_masked(KernelPath path, const KernelInputs& in, const std::uint64_t* plus, const std::uint64_t* minus,
                std::span<std::uint64_t> out) noexcept;
void and_masked(KernelPath path, const KernelInputs& in, const std::uint64_t* plus, const std::uint64_t* minus,
                std::span<std::uint64_t> out) noexcept;

}  // namespace privfin::mpc::detail
