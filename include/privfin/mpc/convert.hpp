// privfin/mpc/convert.hpp — conversions between arithmetic sharings over
// Z2k<64> and boolean sharings, written once against mpc::Protocol.
//
//   auto planes = mpc::a2b(p, x);          // 64 bit planes (bit-sliced)
//   auto bits   = mpc::ltz(p, x);          // (compare.hpp) packed bits
//   auto ones   = mpc::b2a(p, bits, n);    // arithmetic 0/1 values
//
// Layouts: "element words" hold one word per element (bit j = bit j of the
// value); "planes" are bit-sliced: plane j is plane_words(n) = ceil(n/64)
// words and its bit t of word w is bit j of element 64w + t; "packed bits"
// are one plane (bit k of word k/64 belongs to element k).
//
// a2b (bit decomposition): the protocol's arith_components, a carry-save
// reduction to two addends when it returns more than two (one AND round
// each), then a Kogge-Stone parallel-prefix adder over planes: 1 + 6 AND
// rounds, about 64 + 2 * 321 bits of AND per element. Exact.
// b2a: the protocol's bit_components (XOR of k arithmetic 0/1 sharings),
// folded with a ^ b = a + b - 2ab: k - 1 multiplication rounds. Exact.
//
// Security: as the protocol's (semi-honest; protocol.hpp): an active party
// can make a conversion wrong without being detected.
// Throws what the protocol throws (InvalidArgument for bad sizes).
// Thread safety: as the protocol object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "privfin/mpc/detail/bits.hpp"
#include "privfin/mpc/protocol.hpp"

namespace privfin::mpc {

// Boolean sharings (element words) of k addends summing to x -> two addends,
// by carry-save addition (s = a^b^c, carry = maj(a,b,c) << 1).
template <Protocol P>
[[nodiscard]] std::pair<typename P::Bool, typename P::Bool> reduce_to_two(P& p, std::vector<typename P::Bool> comps) {
  using Bool = typename P::Bool;
  while (comps.size() > 2) {
    Bool c = std::move(comps.back());
    comps.pop_back();
    Bool b = std::move(comps.back());
    comps.pop_back();
    Bool a = std::move(comps.back());
    comps.pop_back();
    const Bool ac = p.xor_(a, c);
    const Bool bc = p.xor_(b, c);
    const Bool sum = p.xor_(ac, b);
    const Bool maj = p.xor_(p.and_(ac, bc), c);
    const std::vector<const Bool*> in{&maj};
    Bool carry = p.bool_linear(std::span<const Bool* const>(in), maj.size(),
                               [](std::span<const std::span<const std::uint64_t>> s, std::span<std::uint64_t> o) {
                                 for (std::size_t k = 0; k < o.size(); ++k) o[k] = s[0][k] << 1;
                               });
    comps.push_back(sum);
    comps.push_back(std::move(carry));
  }
  return {std::move(comps[0]), std::move(comps[1])};
}

namespace detail {
template <Protocol P>
[[nodiscard]] typename P::Bool planes_of(P& p, const typename P::Bool& elems, std::size_t planes) {
  using Bool = typename P::Bool;
  const std::vector<const Bool*> in{&elems};
  const std::size_t words = plane_words(elems.size());
  return p.bool_linear(std::span<const Bool* const>(in), planes * words,
                       [&](std::span<const std::span<const std::uint64_t>> s, std::span<std::uint64_t> o) {
                         to_planes(s[0], o, planes);
                       });
}
// The inverse: the n element words that `planes` planes of plane_words(n)
// words each hold (missing planes zero).
template <Protocol P>
[[nodiscard]] typename P::Bool elements_of(P& p, const typename P::Bool& planes_in, std::size_t planes, std::size_t n) {
  using Bool = typename P::Bool;
  const std::vector<const Bool*> in{&planes_in};
  return p.bool_linear(std::span<const Bool* const>(in), n,
                       [&](std::span<const std::span<const std::uint64_t>> s, std::span<std::uint64_t> o) {
                         from_planes(s[0], planes, o);
                       });
}
}  // namespace detail

// Bit decomposition: the 64 bit planes of x (64 * ceil(n/64) words).
template <Protocol P>
[[nodiscard]] typename P::Bool a2b(P& p, const typename P::Arith& x) {
  using Bool = typename P::Bool;
  const std::size_t n = x.size();
  const std::size_t words = detail::plane_words(n);
  auto [u_elems, v_elems] = reduce_to_two(p, p.arith_components(x));
  const Bool u = detail::planes_of(p, u_elems, 64);
  const Bool v = detail::planes_of(p, v_elems, 64);
  const Bool prop0 = p.xor_(u, v);  // propagate bits, also the carry-free sum
  Bool g = p.and_(u, v);            // generate bits
  Bool pr = prop0;
  // Kogge-Stone: after the step with distance dist, (g_j, pr_j) describe bits j-2*dist+1 .. j.
  for (std::size_t dist = 1; dist < 64; dist *= 2) {
    std::vector<detail::PlaneSpec> left;
    std::vector<detail::PlaneSpec> right;
    for (std::size_t j = dist; j < 64; ++j) {  // pr_j & g_{j-dist}
      left.push_back({{1, j}, {}});
      right.push_back({{0, j - dist}, {}});
    }
    for (std::size_t j = 2 * dist; j < 64; ++j) {
      left.push_back({{1, j}, {}});
      right.push_back({{1, j - dist}, {}});
    }
    const Bool l = detail::assemble(p, {&g, &pr}, words, left);
    const Bool r = detail::assemble(p, {&g, &pr}, words, right);
    const Bool prod = p.and_(l, r);
    std::vector<detail::PlaneSpec> gspec(64);
    std::vector<detail::PlaneSpec> pspec(64);
    for (std::size_t j = 0; j < 64; ++j) {
      if (j < dist) {
        gspec[j] = {{0, j}, {}};
        pspec[j] = {{1, j}, {}};
      } else {
        gspec[j] = {{0, j}, {2, j - dist}};
        pspec[j] = j >= 2 * dist ? detail::PlaneSpec{{2, (64 - dist) + (j - 2 * dist)}, {}} : detail::PlaneSpec{};
      }
    }
    Bool g2 = detail::assemble(p, {&g, &pr, &prod}, words, gspec);
    Bool p2 = detail::assemble(p, {&g, &pr, &prod}, words, pspec);
    g = std::move(g2);
    pr = std::move(p2);
  }
  // sum bit j = prop0_j ^ carry into j = prop0_j ^ g_{j-1}.
  std::vector<detail::PlaneSpec> out(64);
  out[0] = {{0, 0}, {}};
  for (std::size_t j = 1; j < 64; ++j) out[j] = {{0, j}, {1, j - 1}};
  return detail::assemble(p, {&prop0, &g}, words, out);
}

// Boolean (packed bits, `count` of them) to arithmetic 0/1 values.
template <Protocol P>
[[nodiscard]] typename P::Arith b2a(P& p, const typename P::Bool& bits, std::size_t count) {
  using Arith = typename P::Arith;
  std::vector<Arith> comps = p.bit_components(bits, count);
  Arith acc = std::move(comps[0]);
  for (std::size_t i = 1; i < comps.size(); ++i) {
    const Arith prod = p.mul(acc, comps[i]);
    acc = p.sub(p.add(acc, comps[i]), p.mul_public(prod, Ring{2}));
  }
  return acc;
}

// Packed bits (count of them) from bit plane `plane` of a plane layout.
template <Protocol P>
[[nodiscard]] typename P::Bool plane(P& p, const typename P::Bool& planes, std::size_t n, std::size_t j) {
  const std::vector<detail::PlaneSpec> spec{detail::PlaneSpec{{0, j}, {}}};
  return detail::assemble(p, {&planes}, detail::plane_words(n), spec);
}

}  // namespace privfin::mpc
