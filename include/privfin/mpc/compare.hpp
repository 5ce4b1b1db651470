// privfin/mpc/compare.hpp — comparisons on arithmetic sharings over Z2k<64>,
// written once against mpc::Protocol; results are boolean sharings of packed
// bits (bit k of word k/64 is the answer for element k).
//
//   auto neg  = mpc::ltz(p, x);        // x < 0 (two's complement), exact
//   auto less = mpc::lt(p, x, y);      // x < y when |x - y| < 2^63
//   auto same = mpc::eq(p, x, y);      // x == y, exact
//   auto ones = mpc::b2a(p, less, n);  // convert.hpp: as 0/1 ring elements
//
// Less-than-zero is MSB extraction in the style of ABY3 (Mohassel-Rindal,
// CCS 2018, section 5.3): the protocol splits x into k >= 2 boolean addends
// (arith_components; Rep3: one round, k = 2), carry-save addition reduces
// them to two, and only the carry into bit 63 is computed, by a
// logarithmic-depth tree of (generate, propagate) pairs over bit planes:
// msb = u_63 ^ v_63 ^ carry_63. Rounds for Rep3: 1 (components) + 1
// (generate bits) + 6 (tree) = 8; AND traffic 63 + 62 + 31 + 15 + 7 + 3 + 1
// bits per element, i.e. about 23 bytes per element per party, plus 8 bytes
// from party 0 for the components. Exact (no failure probability).
//
// Batches larger than 2^15 elements are processed as consecutive blocks of
// 2^15 (their bit planes then stay in cache), so the round count is the
// per-block count times ceil(n / 2^15); traffic per element is unchanged.
//
// lt(x, y) = ltz(x - y): exact whenever x - y does not wrap, e.g. for any
// signed x, y in [-2^62, 2^62) (all fixed-point encodings of values in
// [-2^(62-F), 2^(62-F))).
//
// eq: the addends u, v of d = x - y sum to zero modulo 2^64 exactly when
// u ^ v == (u | v) << 1 (the two's complement of u agrees with v above its
// lowest set bit and nowhere below). One AND round for u | v, then an AND
// tree over the 64 bit planes of the negated difference: Rep3 1 + 1 + 6 = 8
// rounds, 64 + 63 bits per element. Exact for all inputs.
//
// Security: as the protocol's (semi-honest; protocol.hpp). An active party
// can flip or shift intermediate bits, so a result can be wrong, and
// whether it is can depend on the compared values.
// Throws what the protocol throws. Thread safety: as the protocol object.
#pragma once

#include <cstddef>
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "privfin/mpc/convert.hpp"
#include "privfin/mpc/detail/bits.hpp"
#include "privfin/mpc/protocol.hpp"

namespace privfin::mpc {

namespace detail {

// Elements per block when a comparison runs over a large batch: the blocks
// run one after another so that their bit planes stay in cache (a few more
// round trips, far less memory traffic). A multiple of 64.
inline constexpr std::size_t compare_block = std::size_t{1} << 15;

// f(x_block[, y_block]) -> packed bits, for consecutive blocks, concatenated.
template <Protocol P, class F>
[[nodiscard]] typename P::Bool blockwise(P& p, const std::vector<const typename P::Arith*>& args, F&& f) {
  using Arith = typename P::Arith;
  using Bool = typename P::Bool;
  const std::size_t n = args[0]->size();
  if (n <= compare_block) {
    if (args.size() == 1) return f(*args[0], *args[0]);
    return f(*args[0], *args[1]);
  }
  std::vector<Bool> parts;
  for (std::size_t lo = 0; lo < n; lo += compare_block) {
    const std::size_t len = std::min(compare_block, n - lo);
    std::vector<Arith> slices;
    for (const Arith* a : args) {
      const std::vector<const Arith*> in{a};
      slices.push_back(p.arith_linear(std::span<const Arith* const>(in), len,
                                      [lo](std::span<const std::span<const Ring>> s, std::span<Ring> o) {
                                        std::copy_n(s[0].begin() + static_cast<std::ptrdiff_t>(lo), o.size(),
                                                    o.begin());
                                      }));
    }
    parts.push_back(slices.size() == 1 ? f(slices[0], slices[0]) : f(slices[0], slices[1]));
  }
  std::vector<const Bool*> ins;
  for (const auto& b : parts) ins.push_back(&b);
  return p.bool_linear(std::span<const Bool* const>(ins), plane_words(n),
                       [](std::span<const std::span<const std::uint64_t>> s, std::span<std::uint64_t> o) {
                         std::size_t at = 0;
                         for (const auto& part : s) {
                           std::copy(part.begin(), part.end(), o.begin() + static_cast<std::ptrdiff_t>(at));
                           at += part.size();
                         }
                       });
}

template <Protocol P>
[[nodiscard]] typename P::Bool ltz_block(P& p, const typename P::Arith& x);
template <Protocol P>
[[nodiscard]] typename P::Bool eq_block(P& p, const typename P::Arith& x, const typename P::Arith& y);

}  // namespace detail

// Packed bits: x < 0 as a signed 64-bit value.
template <Protocol P>
[[nodiscard]] typename P::Bool ltz(P& p, const typename P::Arith& x) {
  return detail::blockwise(p, {&x}, [&p](const auto& a, const auto&) { return detail::ltz_block(p, a); });
}

// Packed bits: x < y, exact when x - y does not wrap (see above).
template <Protocol P>
[[nodiscard]] typename P::Bool lt(P& p, const typename P::Arith& x, const typename P::Arith& y) {
  return ltz(p, p.sub(x, y));
}

// Packed bits: x == y, exact.
template <Protocol P>
[[nodiscard]] typename P::Bool eq(P& p, const typename P::Arith& x, const typename P::Arith& y) {
  return detail::blockwise(p, {&x, &y}, [&p](const auto& a, const auto& b) { return detail::eq_block(p, a, b); });
}

template <Protocol P>
[[nodiscard]] typename P::Bool detail::ltz_block(P& p, const typename P::Arith& x) {
  using Bool = typename P::Bool;
  const std::size_t n = x.size();
  const std::size_t words = detail::plane_words(n);
  auto [u_elems, v_elems] = reduce_to_two(p, p.arith_components(x));
  const Bool u = detail::planes_of(p, u_elems, 64);
  const Bool v = detail::planes_of(p, v_elems, 64);
  const Bool prop = p.xor_(u, v);
  // Generate bits of positions 0..62, one AND over 63 planes.
  std::vector<detail::PlaneSpec> low(63);
  std::vector<detail::PlaneSpec> low_v(63);
  for (std::size_t j = 0; j < 63; ++j) {
    low[j] = {{0, j}, {}};
    low_v[j] = {{1, j}, {}};
  }
  Bool g = detail::and_assembled(p, {&u, &v}, words, low, low_v);
  Bool pr = detail::assemble(p, {&prop}, words, low);
  // Tree: groups m -> ceil(m/2); the lowest group's propagate is never needed.
  std::size_t m = 63;
  while (m > 1) {
    const std::size_t pairs = m / 2;
    std::vector<detail::PlaneSpec> left;
    std::vector<detail::PlaneSpec> right;
    for (std::size_t k = 0; k < pairs; ++k) {
      left.push_back({{1, 2 * k + 1}, {}});
      right.push_back({{0, 2 * k}, {}});
    }
    for (std::size_t k = 1; k < pairs; ++k) {
      left.push_back({{1, 2 * k + 1}, {}});
      right.push_back({{1, 2 * k}, {}});
    }
    const Bool prod = detail::and_assembled(p, {&g, &pr}, words, left, right);
    const std::size_t next_m = (m + 1) / 2;
    std::vector<detail::PlaneSpec> gspec(next_m);
    std::vector<detail::PlaneSpec> pspec(next_m);
    for (std::size_t k = 0; k < pairs; ++k) {
      gspec[k] = {{0, 2 * k + 1}, {2, k}};
      if (k > 0) pspec[k] = {{2, pairs + k - 1}, {}};
    }
    if (m % 2 == 1) {
      gspec[pairs] = {{0, m - 1}, {}};
      pspec[pairs] = {{1, m - 1}, {}};
    }
    Bool g2 = detail::assemble(p, {&g, &pr, &prod}, words, gspec);
    Bool p2 = detail::assemble(p, {&g, &pr, &prod}, words, pspec);
    g = std::move(g2);
    pr = std::move(p2);
    m = next_m;
  }
  const std::vector<detail::PlaneSpec> last{detail::PlaneSpec{{0, 63}, {1, 0}}};
  return detail::assemble(p, {&prop, &g}, words, last);
}

template <Protocol P>
[[nodiscard]] typename P::Bool detail::eq_block(P& p, const typename P::Arith& x, const typename P::Arith& y) {
  using Bool = typename P::Bool;
  const std::size_t n = x.size();
  const std::size_t words = detail::plane_words(n);
  auto [u, v] = reduce_to_two(p, p.arith_components(p.sub(x, y)));
  const Bool uv = p.xor_(u, v);
  const Bool both = p.and_(u, v);
  // t = ~(uv ^ ((uv ^ both) << 1)): all ones exactly when u + v == 0.
  const std::vector<const Bool*> in{&uv, &both};
  Bool t = p.bool_linear(std::span<const Bool* const>(in), n,
                         [](std::span<const std::span<const std::uint64_t>> s, std::span<std::uint64_t> o) {
                           for (std::size_t k = 0; k < o.size(); ++k) o[k] = s[0][k] ^ ((s[0][k] ^ s[1][k]) << 1);
                         });
  const std::vector<std::uint64_t> ones(n, ~std::uint64_t{0});
  t = p.xor_public(t, ones);
  Bool planes = detail::planes_of(p, t, 64);
  std::size_t m = 64;
  while (m > 1) {
    const std::size_t half = m / 2;
    std::vector<detail::PlaneSpec> a(half);
    std::vector<detail::PlaneSpec> b(half);
    for (std::size_t k = 0; k < half; ++k) {
      a[k] = {{0, 2 * k}, {}};
      b[k] = {{0, 2 * k + 1}, {}};
    }
    planes = detail::and_assembled(p, {&planes}, words, a, b);
    m = half;
  }
  return planes;
}

}  // namespace privfin::mpc
