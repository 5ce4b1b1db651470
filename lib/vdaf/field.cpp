// Root-of-unity tables for the VDAF fields (draft-irtf-cfrg-vdaf-20,
// "Finite Field Definitions"): gen = 7^((p-1)/2^k) generates the subgroup of
// order 2^k (k = 32 for Field64, 66 for Field128); the 2^j-th root is
// gen^(2^(k-j)), obtained by squaring gen k-j times.
#include <array>
#include <string>

#include "privfin/vdaf/field.hpp"

namespace privfin::vdaf {
namespace {

template <class F, unsigned K>
std::array<F, K + 1> make_roots(F gen) {
  std::array<F, K + 1> roots{};
  roots[K] = gen;
  for (unsigned j = K; j > 0; --j) roots[j - 1] = roots[j] * roots[j];
  return roots;
}

}  // namespace

Field64 Field64::root_of_unity(unsigned log2n) {
  static const auto roots = make_roots<Field64, two_adicity>(Field64::from_u64(7).pow(4294967295ULL));
  if (log2n > two_adicity) throw InvalidArgument("Field64: no root of unity of order 2^" + std::to_string(log2n));
  return roots[log2n];
}

Field128 Field128::root_of_unity(unsigned log2n) {
  static const auto roots = make_roots<Field128, two_adicity>(Field128::from_u64(7).pow(4611686018427387897ULL));
  if (log2n > two_adicity) throw InvalidArgument("Field128: no root of unity of order 2^" + std::to_string(log2n));
  return roots[log2n];
}

}  // namespace privfin::vdaf
