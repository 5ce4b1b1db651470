// privfin/mpc/select.hpp — oblivious if-then-else and max/argmax, written
// once against mpc::Protocol.
//
//   auto c = mpc::lt(p, x, y);                 // packed bits
//   auto m = mpc::select(p, c, y, x);          // c ? y : x, elementwise
//   auto [mx, at] = mpc::argmax(p, v, len);    // per block of len elements
//
// select(c, a, b) = b + B2A(c) * (a - b): b2a rounds + 1 multiplication.
// max/argmax over blocks of `length` elements: a tournament of
// ceil(log2(length)) levels, each one lt (8 rounds for Rep3), one b2a and
// one multiplication round; ties go to the lower index. Values must
// satisfy lt's precondition (pairwise differences below 2^63 in magnitude).
//
// Security: as the protocol's (semi-honest; protocol.hpp). An active party
// that shifts B2A(c) by d makes select return b + (c + d)(a - b): a
// revealed max(a, b) then carries d (a - b), which with d = 2^32 shows both
// values. Reveal such results only where an active party is excluded.
// Throws InvalidArgument for mismatched sizes or a length that does not
// divide the batch. Thread safety: as the protocol object.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/mpc/compare.hpp"
#include "privfin/mpc/convert.hpp"
#include "privfin/mpc/protocol.hpp"

namespace privfin::mpc {

// Arithmetic 0/1 condition: cond ? a : b.
template <Protocol P>
[[nodiscard]] typename P::Arith select_arith(P& p, const typename P::Arith& cond, const typename P::Arith& a,
                                             const typename P::Arith& b) {
  return p.add(b, p.mul(cond, p.sub(a, b)));
}

// Packed-bit condition: cond ? a : b.
template <Protocol P>
[[nodiscard]] typename P::Arith select(P& p, const typename P::Bool& cond, const typename P::Arith& a,
                                       const typename P::Arith& b) {
  return select_arith(p, b2a(p, cond, a.size()), a, b);
}

// Per block of `length` elements: the maximum and the index (0-based,
// within the block) of its first occurrence.
template <Protocol P>
[[nodiscard]] std::pair<typename P::Arith, typename P::Arith> argmax(P& p, const typename P::Arith& x,
                                                                    std::size_t length) {
  using Arith = typename P::Arith;
  if (length == 0 || x.size() % length != 0) {
    throw InvalidArgument("mpc::argmax: block length " + std::to_string(length) + " does not divide batch of " +
                          std::to_string(x.size()));
  }
  const std::size_t blocks = x.size() / length;
  std::vector<Ring> index_values(x.size());
  for (std::size_t k = 0; k < x.size(); ++k) index_values[k] = Ring{static_cast<std::uint64_t>(k % length)};
  Arith values = x;
  Arith index = p.constant(index_values);
  std::size_t len = length;
  while (len > 1) {
    const std::size_t half = len / 2;
    const std::size_t next_len = len - half;
    // Pair element 2i (left) with 2i+1 (right); an odd last element passes through.
    auto gather = [&](const Arith& v, std::size_t offset, std::size_t count) {
      const std::vector<const Arith*> in{&v};
      return p.arith_linear(std::span<const Arith* const>(in), blocks * count,
                            [&](std::span<const std::span<const Ring>> s, std::span<Ring> o) {
                              for (std::size_t b = 0; b < blocks; ++b) {
                                for (std::size_t i = 0; i < count; ++i) o[b * count + i] = s[0][b * len + 2 * i + offset];
                              }
                            });
    };
    const Arith lv = gather(values, 0, half);
    const Arith rv = gather(values, 1, half);
    const Arith li = gather(index, 0, half);
    const Arith ri = gather(index, 1, half);
    // take right iff left < right; both selections share one multiplication round.
    const Arith c = b2a(p, lt(p, lv, rv), lv.size());
    const std::vector<const Arith*> cc{&c, &c};
    const std::vector<const Arith*> diffs_in{&lv, &rv, &li, &ri};
    const Arith cond2 = p.arith_linear(std::span<const Arith* const>(cc), 2 * c.size(),
                                       [](std::span<const std::span<const Ring>> s, std::span<Ring> o) {
                                         const std::size_t m = s[0].size();
                                         for (std::size_t k = 0; k < m; ++k) o[k] = o[m + k] = s[0][k];
                                       });
    const Arith diffs = p.arith_linear(std::span<const Arith* const>(diffs_in), 2 * c.size(),
                                       [](std::span<const std::span<const Ring>> s, std::span<Ring> o) {
                                         const std::size_t m = s[0].size();
                                         for (std::size_t k = 0; k < m; ++k) {
                                           o[k] = s[1][k] - s[0][k];
                                           o[m + k] = s[3][k] - s[2][k];
                                         }
                                       });
    const Arith delta = p.mul(cond2, diffs);
    const std::vector<const Arith*> parts{&values, &index, &delta};
    const std::size_t cur = len;
    auto merge = [&, cur, half, next_len](std::size_t which) {
      return p.arith_linear(std::span<const Arith* const>(parts), blocks * next_len,
                            [=](std::span<const std::span<const Ring>> s, std::span<Ring> o) {
                              const std::size_t m = blocks * half;
                              for (std::size_t b = 0; b < blocks; ++b) {
                                for (std::size_t i = 0; i < half; ++i) {
                                  o[b * next_len + i] = s[which][b * cur + 2 * i] + s[2][which * m + b * half + i];
                                }
                                if (next_len > half) o[b * next_len + half] = s[which][b * cur + cur - 1];
                              }
                            });
    };
    Arith nv = merge(0);
    Arith ni = merge(1);
    values = std::move(nv);
    index = std::move(ni);
    len = next_len;
  }
  return {std::move(values), std::move(index)};
}

template <Protocol P>
[[nodiscard]] typename P::Arith max(P& p, const typename P::Arith& x, std::size_t length) {
  return argmax(p, x, length).first;
}

}  // namespace privfin::mpc
