// Word-level pieces of SPDZ2k's binary side shared by the OT
// preprocessing's files (spdz2k_ot.cpp, spdz2k_edabits.cpp): cutting,
// pasting and gathering authenticated words, moving between the two
// layouts of a batch of 64-bit values, and a ripple-carry adder on
// authenticated bits.
//
//   AuthBits pos = detail::to_positions(values);       // one word per element -> per bit position
//   AuthBits sum = detail::add_mod_2_64(p, pos_a, pos_b);   // 63 rounds of p.and_
//   AuthBits out = detail::to_elements(sum);
//
// Layouts: "element" holds word e = the 64 bits of element e (how EdaBits
// keeps them); "position" holds, for G = elements / 64 groups, word
// i * G + g = bit i of elements 64 g .. 64 g + 63, so that one and_ call
// works on bit i of every element at once. MAC slices move with their
// values (the maps are GF(2)-linear bit permutations).
// Costs: the layout changes are one 64x64 transposition per 64 elements and
// MAC slice; add_mod_2_64 costs 63 rounds and 63 * G bit triples.
// Internal to lib/mpc. Throws what Spdz2k::and_ throws.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "privfin/core/detail/bit_transpose.hpp"
#include "privfin/mpc/spdz2k.hpp"
#include "privfin/mpc/spdz2k_preprocessing.hpp"

namespace privfin::mpc::detail {

// Words [first, first + count) of `src`.
inline spdz2k::AuthBits take_words(const spdz2k::AuthBits& src, std::size_t first, std::size_t count) {
  spdz2k::AuthBits out(count);
  std::copy_n(src.x.begin() + static_cast<std::ptrdiff_t>(first), count, out.x.begin());
  for (std::size_t t = 0; t < spdz2k::mac_slices; ++t) {
    std::copy_n(src.slice(t).begin() + static_cast<std::ptrdiff_t>(first), count, out.slice(t).begin());
  }
  return out;
}

// Copies every word of `src` (value and MAC slices) into `dst` from word `at` on.
inline void put_words(spdz2k::AuthBits& dst, std::size_t at, const spdz2k::AuthBits& src) {
  const auto to = static_cast<std::ptrdiff_t>(at);
  std::copy(src.x.begin(), src.x.end(), dst.x.begin() + to);
  for (std::size_t t = 0; t < spdz2k::mac_slices; ++t) {
    std::copy(src.slice(t).begin(), src.slice(t).end(), dst.slice(t).begin() + to);
  }
}

// dst's word q = src's word idx[q] (value and MAC slices).
inline spdz2k::AuthBits gather_words(const spdz2k::AuthBits& src, std::span<const std::uint32_t> idx) {
  spdz2k::AuthBits out(idx.size());
  for (std::size_t q = 0; q < idx.size(); ++q) out.x[q] = src.x[idx[q]];
  for (std::size_t t = 0; t < spdz2k::mac_slices; ++t) {
    const auto from = src.slice(t);
    auto to = out.slice(t);
    for (std::size_t q = 0; q < idx.size(); ++q) to[q] = from[idx[q]];
  }
  return out;
}

// Transposes the 64 x 64 bit blocks between the two layouts of `words`
// (a multiple of 64 words): element word 64 g + q <-> position word q * G + g.
inline void transpose_layout(std::span<const std::uint64_t> in, std::span<std::uint64_t> out, bool to_positions_layout) {
  const std::size_t groups = in.size() / 64;
  std::array<std::uint64_t, 64> block{};
  for (std::size_t g = 0; g < groups; ++g) {
    for (std::size_t q = 0; q < 64; ++q) block[q] = to_positions_layout ? in[64 * g + q] : in[q * groups + g];
    ::privfin::detail::transpose64(block);
    for (std::size_t q = 0; q < 64; ++q) (to_positions_layout ? out[q * groups + g] : out[64 * g + q]) = block[q];
  }
}

inline spdz2k::AuthBits relayout(const spdz2k::AuthBits& src, bool to_positions_layout) {
  spdz2k::AuthBits out(src.size());
  transpose_layout(src.x, out.x, to_positions_layout);
  for (std::size_t t = 0; t < spdz2k::mac_slices; ++t) transpose_layout(src.slice(t), out.slice(t), to_positions_layout);
  return out;
}

// Element layout -> position layout (src.size() a multiple of 64).
inline spdz2k::AuthBits to_positions(const spdz2k::AuthBits& src) { return relayout(src, true); }
// Position layout -> element layout.
inline spdz2k::AuthBits to_elements(const spdz2k::AuthBits& src) { return relayout(src, false); }

// Plain words, position layout -> element layout.
inline std::vector<std::uint64_t> to_elements(std::span<const std::uint64_t> words) {
  std::vector<std::uint64_t> out(words.size());
  transpose_layout(words, out, false);
  return out;
}

// a + b mod 2^64 for every element, both in position layout (G = size / 64
// words per bit position): s_i = a_i ^ b_i ^ c_i, c_(i+1) = ((a_i ^ c_i) &
// (b_i ^ c_i)) ^ c_i, one and_ per position below 63.
inline spdz2k::AuthBits add_mod_2_64(Spdz2k& p, const spdz2k::AuthBits& a, const spdz2k::AuthBits& b) {
  const std::size_t groups = a.size() / 64;
  spdz2k::AuthBits sum(a.size());
  spdz2k::AuthBits carry(groups);  // zero shares and zero MACs: a sharing of 0
  for (std::size_t i = 0; i < 64; ++i) {
    const spdz2k::AuthBits ai = take_words(a, i * groups, groups);
    const spdz2k::AuthBits bi = take_words(b, i * groups, groups);
    put_words(sum, i * groups, p.xor_(p.xor_(ai, bi), carry));
    if (i == 63) break;
    carry = p.xor_(p.and_(p.xor_(ai, carry), p.xor_(bi, carry)), carry);
  }
  return sum;
}

}  // namespace privfin::mpc::detail
