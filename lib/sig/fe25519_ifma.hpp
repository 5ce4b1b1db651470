// Internal to lib/sig: the exponentiation z^((p - 5) / 8) in GF(2^255 - 19)
// for eight field elements at once, on AVX-512 IFMA (52-bit multiply-add,
// eight 64-bit lanes). It is the square-root step of point decompression,
// about 250 squarings in a row, and the bulk of decoding the R of every
// signature in an Ed25519 batch; eight lanes side by side run it several
// times faster than one element at a time on 64-bit multiplies
// (docs/signatures.md, "The Rs decoded together").
//
// Same radix as the portable code (2^51, five limbs), so elements move
// between the two without conversion. Public data only (variable time is
// not an issue: every operation here is constant time anyway).
// Available only where cpu_features() reports AVX-512 F and IFMA with the
// OS's support; callers ask pow_p58_x8_supported() first.
#pragma once

#include <span>

#include "edwards25519_vartime.hpp"

namespace privfin::sig::detail::ed {

[[nodiscard]] bool pow_p58_x8_supported() noexcept;

// out[i] = in[i]^((p - 5) / 8) for i < 8. Limbs of the inputs may be up to
// 2^54 (any output of the portable arithmetic); outputs have limbs below
// 2^52. Requires pow_p58_x8_supported().
void pow_p58_x8(std::span<const Fe, 8> in, std::span<Fe, 8> out) noexcept;

}  // namespace privfin::sig::detail::ed
