// privfin/mpc/protocol.hpp — the C++20 concept every MPC protocol of privfin
// models, so that the generic algorithms (truncation, comparison, equality,
// conversions, select, max, fixed-point functions; see the other headers in
// this folder) are written once and run on every protocol.
//
//   template <mpc::Protocol P>
//   typename P::Arith square_plus_one(P& p, const typename P::Arith& x) {
//     return p.add_public(p.mul(x, x), Z2k<64>{1});
//   }
//
// Values: arithmetic sharings of batches of Z2k<64> elements (`P::Arith`,
// `size()` elements) and boolean sharings of batches of 64-bit words
// (`P::Bool`, `size()` words; each bit is an independent GF(2) value). A
// batch of one is a scalar. Every interactive operation handles its whole
// batch in a fixed number of rounds, one message per peer per round.
//
// What a protocol provides (all members, all batched; "local" = no traffic):
//   party_id(), party_count()
//   input(owner, values, n) / input_bits(owner, words, n): the owner's values
//     become shared (other parties pass an empty span); one round.
//   reveal(x) / reveal_bits(b): the values to every party; one round.
//   reveal_to(party, x): the values to one party (others get an empty vector).
//   constant(values): a sharing of public values (local).
//   add, sub, neg, add_public(x, c | span), mul_public(x, c | span): local.
//   mul(x, y): elementwise product, one round.
//   dot(x, y, length): the x.size()/length inner products of consecutive
//     length-element blocks; communication independent of `length`.
//   random_arith(n), random_bits(words): sharings of uniform values, no
//     traffic beyond what the protocol's preprocessing costs.
//   xor_(a, b), xor_public(a, words): local; and_(a, b): one round.
//   arith_linear(inputs, n, f) / bool_linear(inputs, words, f): any map f
//     that is linear over Z_2^64 (resp. GF(2)) applied share-wise — this is
//     how algorithms reshape, gather, concatenate, shift and transpose shared
//     data without interaction. f(ins, out) gets one span per input and must
//     satisfy f(a + b) = f(a) + f(b) (resp. XOR); it is called once per share
//     component, so it must not depend on the values.
//   arith_components(x): k >= 2 boolean sharings, one word per element,
//     whose sum modulo 2^64 is x (the step that starts every A2B); may take a
//     round (Rep3: one round, k = 2).
//   bit_components(b, count): k >= 2 arithmetic sharings of `count` 0/1
//     values whose XOR is bits 0..count-1 of b (the step that starts B2A).
//
// Optional, protocol-specific fast paths found through customization points
// (see truncation.hpp): trunc(x, d) and mul_trunc(x, y, d).
//
// Security: everything written against this concept is as secure as the
// protocol it runs on. Rep3 and Beaver are semi-honest: private against
// passive parties, but an active party (or Beaver's dealer) can change
// results without being detected; their reveal check
// (Options::check_reveals) only catches parties revealing different
// values. Spdz2k (spdz2k.hpp) is secure against active parties with abort:
// every opening is MAC-checked before any output. See rep3.hpp,
// beaver.hpp, spdz2k.hpp and docs/security.md.
//
// Errors: InvalidArgument for mismatched sizes or bad party ids,
// NetworkError/ProtocolError from the network. Thread safety: a protocol
// object is used by one thread at a time.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "privfin/core/ring.hpp"

namespace privfin::mpc {

using Ring = Z2k<64>;

namespace detail {
// Stand-ins used to check that the linear-map members accept callables.
struct ArithMapArchetype {
  void operator()(std::span<const std::span<const Ring>>, std::span<Ring>) const {}
};
struct BoolMapArchetype {
  void operator()(std::span<const std::span<const std::uint64_t>>, std::span<std::uint64_t>) const {}
};
}  // namespace detail

template <class P>
concept Protocol = requires { typename P::Arith; typename P::Bool; } &&
    requires(P& p, const P& cp, const typename P::Arith& a, const typename P::Bool& b, std::size_t n,
             std::span<const Ring> values, std::span<const std::uint64_t> words, Ring c,
             std::span<const typename P::Arith* const> arith_inputs,
             std::span<const typename P::Bool* const> bool_inputs) {
      { cp.party_id() } -> std::convertible_to<std::size_t>;
      { cp.party_count() } -> std::convertible_to<std::size_t>;
      { a.size() } -> std::convertible_to<std::size_t>;
      { b.size() } -> std::convertible_to<std::size_t>;
      { p.input(n, values, n) } -> std::same_as<typename P::Arith>;
      { p.input_bits(n, words, n) } -> std::same_as<typename P::Bool>;
      { p.reveal(a) } -> std::same_as<std::vector<Ring>>;
      { p.reveal_to(n, a) } -> std::same_as<std::vector<Ring>>;
      { p.reveal_bits(b) } -> std::same_as<std::vector<std::uint64_t>>;
      { p.constant(values) } -> std::same_as<typename P::Arith>;
      { p.add(a, a) } -> std::same_as<typename P::Arith>;
      { p.sub(a, a) } -> std::same_as<typename P::Arith>;
      { p.neg(a) } -> std::same_as<typename P::Arith>;
      { p.add_public(a, c) } -> std::same_as<typename P::Arith>;
      { p.add_public(a, values) } -> std::same_as<typename P::Arith>;
      { p.mul_public(a, c) } -> std::same_as<typename P::Arith>;
      { p.mul_public(a, values) } -> std::same_as<typename P::Arith>;
      { p.mul(a, a) } -> std::same_as<typename P::Arith>;
      { p.dot(a, a, n) } -> std::same_as<typename P::Arith>;
      { p.random_arith(n) } -> std::same_as<typename P::Arith>;
      { p.random_bits(n) } -> std::same_as<typename P::Bool>;
      { p.xor_(b, b) } -> std::same_as<typename P::Bool>;
      { p.xor_public(b, words) } -> std::same_as<typename P::Bool>;
      { p.and_(b, b) } -> std::same_as<typename P::Bool>;
      { p.arith_linear(arith_inputs, n, detail::ArithMapArchetype{}) } -> std::same_as<typename P::Arith>;
      { p.bool_linear(bool_inputs, n, detail::BoolMapArchetype{}) } -> std::same_as<typename P::Bool>;
      { p.arith_components(a) } -> std::same_as<std::vector<typename P::Bool>>;
      { p.bit_components(b, n) } -> std::same_as<std::vector<typename P::Arith>>;
    };

}  // namespace privfin::mpc
