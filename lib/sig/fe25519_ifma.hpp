// Internal to lib/sig: edwards25519 work eight lanes at a time on AVX-512
// IFMA (52-bit multiply-add, eight 64-bit lanes), for the two costs of an
// Ed25519 batch (docs/signatures.md):
// - pow_p58_x8: z^((p - 5) / 8) for eight field elements, the square-root
//   step of point decompression ("The Rs decoded together");
// - window_sums_x8: the bucket phase of Pippenger's multi-scalar
//   multiplication for eight windows at once, lane l working on window
//   first + l ("Eight windows at a time"). Every point goes into a bucket
//   of each window, so the eight lanes add the same point, broadcast, to
//   buckets they gather and scatter back on their own; no two lanes touch
//   the same memory, and there is nothing to sort or to resolve.
//
// Same radix as the portable code (2^51, five limbs), so elements move
// between the two without conversion. Public data only (variable time is
// not an issue: every operation here is constant time anyway).
// Available only where cpu_features() reports AVX-512 F and IFMA with the
// OS's support; callers ask pow_p58_x8_supported() first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "edwards25519_vartime.hpp"

namespace privfin::sig::detail::ed {

// Whether this CPU and OS run the functions below (AVX-512 F and IFMA).
[[nodiscard]] bool pow_p58_x8_supported() noexcept;

// out[i] = in[i]^((p - 5) / 8) for i < 8. Limbs of the inputs may be up to
// 2^54 (any output of the portable arithmetic); outputs have limbs below
// 2^52. Requires pow_p58_x8_supported().
void pow_p58_x8(std::span<const Fe, 8> in, std::span<Fe, 8> out) noexcept;

// Scratch for window_sums_x8: 160 words per bucket (four coordinates of
// five limbs in eight lanes).
[[nodiscard]] constexpr std::size_t window_sums_x8_scratch_words(unsigned c) noexcept {
  return (std::size_t{1} << (c - 1)) * 160;
}

// For each lane l < min(8, windows - first): sums[l] = sum over b of
// (b + 1) * bucket_b, where bucket_b adds sign(d) * points[i] for every
// point i whose digit d = digits[i * windows + first + l] has |d| = b + 1.
// Digits are signed, |d| <= 2^(c - 1); the caller pads `digits` with eight
// entries after the last point's (read, not used). Points are affine
// (niels form, limbs below 2^52); two_d is 2d of the curve; scratch holds
// at least window_sums_x8_scratch_words(c) words. Answers the
// lanes that had a non-zero digit (bit l); the others' sums are the
// identity. Requires pow_p58_x8_supported() and 2 <= c <= 12.
std::uint8_t window_sums_x8(std::span<const Niels> points, std::span<const std::int16_t> digits,
                            std::size_t windows, std::size_t first, unsigned c, const Fe& two_d,
                            std::span<std::uint64_t> scratch, std::span<Point, 8> sums) noexcept;

}  // namespace privfin::sig::detail::ed
