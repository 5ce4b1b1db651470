// privfin/sig/bls12_381/detail/constants.hpp — constants derived from p at
// first use (exponents for square roots, Frobenius coefficients) and the
// limb/GMP conversions used to derive them. Internal to the library.
#pragma once

#include <gmpxx.h>

#include <array>
#include <span>

#include "privfin/sig/bls12_381/fields.hpp"

namespace privfin::sig::bls12_381::detail {

struct FieldConstants {
  Limbs<6> p_plus_1_div_4;
  Limbs<6> p_minus_1_div_2;
  // xi^(k (p - 1) / 6) for k = 0..5, xi = u + 1.
  std::array<Fp2, 6> frobenius_gamma;
};

// Thread-safe (initialised once, then read-only).
const FieldConstants& field_constants();

mpz_class to_mpz(std::span<const std::uint64_t> limbs);
Limbs<6> to_limbs6(const mpz_class& x);

}  // namespace privfin::sig::bls12_381::detail
