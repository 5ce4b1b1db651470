// Shared helpers for the BLS12-381 tests: random field elements from a Prg.
#pragma once

#include <privfin/core/prg.hpp>
#include <privfin/sig/bls12_381/fields.hpp>

namespace privfin::sig::bls12_381::testutil {

// Uniform in [0, p) by rejection on the modulus's bit length.
template <class F>
F random_field(Prg& prg) {
  std::size_t top_bits = 64;
  while (top_bits > 0 && ((F::modulus[F::N - 1] >> (top_bits - 1)) & 1) == 0) --top_bits;
  for (;;) {
    typename F::Repr raw{};
    for (auto& limb : raw) limb = prg.next_u64();
    raw[F::N - 1] &= (top_bits == 64) ? ~std::uint64_t{0} : ((std::uint64_t{1} << top_bits) - 1);
    if (privfin::sig::bls12_381::detail::less_than(raw, F::modulus)) return F::from_raw(raw);
  }
}

inline Fp2 random_fp2(Prg& prg) { return {random_field<Fp>(prg), random_field<Fp>(prg)}; }
inline Fp6 random_fp6(Prg& prg) { return {random_fp2(prg), random_fp2(prg), random_fp2(prg)}; }
inline Fp12 random_fp12(Prg& prg) { return {random_fp6(prg), random_fp6(prg)}; }

}  // namespace privfin::sig::bls12_381::testutil
