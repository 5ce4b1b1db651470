// Word-level pieces of SPDZ2k's binary side shared by the OT
// preprocessing's files (spdz2k_ot.cpp, spdz2k_edabits.cpp): cutting,
// pasting and gathering authenticated words, and a ripple-carry adder on
// bit planes.
//
//   AuthBits a = mpc::detail::planes_of(p, elems, 64);     // convert.hpp's layouts
//   AuthBits sum = detail::add_mod_2_64(p, a, b);          // 63 rounds of p.and_
//   AuthBits out = mpc::detail::elements_of(p, sum, 64, n);
//
// Layouts are convert.hpp's: element words (how EdaBits keeps its bits)
// and planes (plane i, word w = bit i of elements 64 w .. 64 w + 63).
// Ripple carry, not convert.hpp's Kogge-Stone adder: 63 ANDs per element
// against several times as many, and the bit triples are what
// preprocessing pays for; its 63 rounds are cheap beside them.
// add_mod_2_64 costs 63 rounds and 63 words of bit triples per plane word.
// Internal to lib/mpc. Throws what Spdz2k::and_ throws.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

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

// a + b mod 2^64 for every element, both as 64 planes of size / 64 words:
// s_i = a_i ^ b_i ^ c_i, c_(i+1) = ((a_i ^ c_i) & (b_i ^ c_i)) ^ c_i, one
// and_ per plane below 63.
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
