// privfin/sig/bls12_381/pairing.hpp — the optimal ate pairing on BLS12-381
// and multi-pairings that share one Miller loop and one final
// exponentiation.
//
//   Fp12 e = pairing(G1::generator(), G2::generator());
//   bool ok = multi_pairing_is_one(ps, qs);   // prod e(ps[i], qs[i]) == 1
//
// The value computed is e(P, Q)^3 for the usual reduced optimal ate
// pairing e: the hard part of the final exponentiation uses the BLS12
// decomposition 3 (p^4 - p^2 + 1) / r = (x - 1)^2 (x + p)(x^2 + p^2 - 1) + 3
// (Hayashida, Hayasaka and Teruya, ePrint 2020/875), and cubing is a
// bijection on GT, so bilinearity, non-degeneracy and every product test
// are unaffected; only GT values compared with other libraries differ.
// Inputs are points already known to lie in G1 and G2 (callers decode with
// subgroup checks). Variable time (the inputs are public in signature
// verification). Thread-safe; nothing throws except the size check below.
#pragma once

#include <span>

#include "privfin/sig/bls12_381/curve.hpp"
#include "privfin/sig/bls12_381/fields.hpp"

namespace privfin::sig::bls12_381 {

// prod_i f_{|x|, Q_i}(P_i), conjugated for the negative x; pairs with an
// identity point contribute 1. Throws InvalidArgument if the sizes differ.
[[nodiscard]] Fp12 miller_loop(std::span<const G1> ps, std::span<const G2> qs);
// f^((p^12 - 1) / r) up to the fixed cube described above.
[[nodiscard]] Fp12 final_exponentiation(const Fp12& f) noexcept;

[[nodiscard]] Fp12 pairing(const G1& p, const G2& q);
[[nodiscard]] Fp12 multi_pairing(std::span<const G1> ps, std::span<const G2> qs);
// prod_i e(ps[i], qs[i]) == 1, the check behind every BLS verification.
[[nodiscard]] bool multi_pairing_is_one(std::span<const G1> ps, std::span<const G2> qs);

}  // namespace privfin::sig::bls12_381
