// privfin/mpc/matrix.hpp — matrix products of shared row-major matrices,
// written once against mpc::Protocol, with the protocol's own product as a
// fast path.
//
//   auto c = mpc::matmul(p, a, b, rows, inner, cols);       // exact, over Z_2^64
//   auto z = mpc::fixmatmul<16>(p, x, w, rows, inner, cols); // fixed point: truncated by 16
//   auto t = mpc::transpose(p, a, rows, cols);               // local
//
// Customization point: when the protocol has a member matmul(a, b, rows,
// inner, cols) it is used (Rep3: local Eigen product, one resharing of
// rows*cols elements, one round). Otherwise each of the rows*cols entries
// becomes one inner product of `inner` terms through p.dot (one round;
// Beaver: 16 bytes per term per party and peer, so rows*inner*cols terms —
// the generic path is for the small products of the models in ml/, not for
// large ones). The generic path builds both replicated operands in memory:
// 2 * rows * inner * cols elements.
//
// fixmatmul<F>: the product of fixed-point encodings truncated by F bits:
// every entry is floor(sum/2^F) or one more (truncation.hpp), exact
// otherwise, whenever every exact sum of products stays below 2^62 in
// magnitude (sharing::RangeBudget{.products = inner} on the inputs
// guarantees it).
//
// Throws InvalidArgument for operand sizes that do not match the shape
// (naming both), plus what the protocol throws. Security: as the
// protocol's (semi-honest; protocol.hpp). Thread safety: as the protocol.
#pragma once

#include <concepts>
#include <cstddef>
#include <string>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/mpc/detail/gather.hpp"
#include "privfin/mpc/protocol.hpp"
#include "privfin/mpc/truncation.hpp"

namespace privfin::mpc {

template <class P>
concept HasMatmul = requires(P& p, const typename P::Arith& a, std::size_t n) {
  { p.matmul(a, a, n, n, n) } -> std::same_as<typename P::Arith>;
};

// a (rows x cols) -> its transpose (cols x rows); local.
template <Protocol P>
[[nodiscard]] typename P::Arith transpose(P& p, const typename P::Arith& a, std::size_t rows, std::size_t cols) {
  if (a.size() != rows * cols) {
    throw InvalidArgument("mpc::transpose: a batch of " + std::to_string(a.size()) + " is not " +
                          std::to_string(rows) + " x " + std::to_string(cols));
  }
  std::vector<std::size_t> index(a.size());
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) index[c * rows + r] = r * cols + c;
  }
  return detail::gather(p, a, index, "mpc::transpose");
}

// The generic product through p.dot (also used to test the fast paths).
template <Protocol P>
[[nodiscard]] typename P::Arith matmul_generic(P& p, const typename P::Arith& a, const typename P::Arith& b,
                                               std::size_t rows, std::size_t inner, std::size_t cols) {
  if (a.size() != rows * inner || b.size() != inner * cols) {
    throw InvalidArgument("mpc::matmul: operand sizes " + std::to_string(a.size()) + " and " +
                          std::to_string(b.size()) + " do not fit " + std::to_string(rows) + " x " +
                          std::to_string(inner) + " times " + std::to_string(inner) + " x " + std::to_string(cols));
  }
  std::vector<std::size_t> ia(rows * cols * inner);
  std::vector<std::size_t> ib(rows * cols * inner);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) {
      for (std::size_t k = 0; k < inner; ++k) {
        ia[(r * cols + c) * inner + k] = r * inner + k;
        ib[(r * cols + c) * inner + k] = k * cols + c;
      }
    }
  }
  if (rows * cols == 0 || inner == 0) return p.constant(std::vector<Ring>(rows * cols));
  return p.dot(detail::gather(p, a, ia, "mpc::matmul"), detail::gather(p, b, ib, "mpc::matmul"), inner);
}

template <Protocol P>
[[nodiscard]] typename P::Arith matmul(P& p, const typename P::Arith& a, const typename P::Arith& b,
                                       std::size_t rows, std::size_t inner, std::size_t cols) {
  if constexpr (HasMatmul<P>) {
    return p.matmul(a, b, rows, inner, cols);
  } else {
    return matmul_generic(p, a, b, rows, inner, cols);
  }
}

template <unsigned F, Protocol P>
  requires(F >= 1 && F <= 30)
[[nodiscard]] typename P::Arith fixmatmul(P& p, const typename P::Arith& a, const typename P::Arith& b,
                                          std::size_t rows, std::size_t inner, std::size_t cols) {
  return trunc(p, matmul(p, a, b, rows, inner, cols), F);
}

}  // namespace privfin::mpc
