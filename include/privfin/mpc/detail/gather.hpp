// privfin/mpc/detail/gather.hpp — share-wise gathers for the tensor
// algorithms (matrix.hpp, conv.hpp, pool.hpp, nonlinear.hpp): out[k] =
// x[index[k]], or 0 where index[k] == no_element (padding). A gather is
// linear over Z_2^64, so it runs through Protocol::arith_linear on each
// share component with no traffic. Internal.
#pragma once

#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/mpc/protocol.hpp"

namespace privfin::mpc::detail {

inline constexpr std::size_t no_element = std::numeric_limits<std::size_t>::max();

// out[k] = x[index[k]] (0 for no_element). InvalidArgument for an index
// outside x; `where` names the caller in the message.
template <Protocol P>
[[nodiscard]] typename P::Arith gather(P& p, const typename P::Arith& x, std::span<const std::size_t> index,
                                       const char* where) {
  using Arith = typename P::Arith;
  const std::size_t n = x.size();
  for (std::size_t k = 0; k < index.size(); ++k) {
    if (index[k] != no_element && index[k] >= n) {
      throw InvalidArgument(std::string(where) + ": index " + std::to_string(index[k]) + " outside a batch of " +
                            std::to_string(n));
    }
  }
  const std::vector<const Arith*> in{&x};
  return p.arith_linear(std::span<const Arith* const>(in), index.size(),
                        [index](std::span<const std::span<const Ring>> s, std::span<Ring> o) {
                          for (std::size_t k = 0; k < o.size(); ++k) {
                            o[k] = index[k] == no_element ? Ring{} : s[0][index[k]];
                          }
                        });
}

// Sums of consecutive blocks of `length` elements (local).
template <Protocol P>
[[nodiscard]] typename P::Arith block_sums(P& p, const typename P::Arith& x, std::size_t length) {
  using Arith = typename P::Arith;
  const std::vector<const Arith*> in{&x};
  return p.arith_linear(std::span<const Arith* const>(in), x.size() / length,
                        [length](std::span<const std::span<const Ring>> s, std::span<Ring> o) {
                          for (std::size_t k = 0; k < o.size(); ++k) {
                            Ring acc{};
                            for (std::size_t i = 0; i < length; ++i) acc += s[0][k * length + i];
                            o[k] = acc;
                          }
                        });
}

// The concatenation of the batches `parts` (local).
template <Protocol P>
[[nodiscard]] typename P::Arith concat(P& p, const std::vector<const typename P::Arith*>& parts) {
  using Arith = typename P::Arith;
  std::size_t total = 0;
  for (const Arith* a : parts) total += a->size();
  return p.arith_linear(std::span<const Arith* const>(parts), total,
                        [](std::span<const std::span<const Ring>> s, std::span<Ring> o) {
                          std::size_t at = 0;
                          for (const auto& part : s) {
                            for (const Ring v : part) o[at++] = v;
                          }
                        });
}

}  // namespace privfin::mpc::detail
