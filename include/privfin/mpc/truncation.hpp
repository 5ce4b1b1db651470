// privfin/mpc/truncation.hpp — division of shared values by 2^d (the step
// after every fixed-point product), with a protocol-specific fast path.
//
//   auto y = mpc::trunc(p, x, 16);          // floor(x / 2^16) or that + 1
//   auto z = mpc::mul_trunc(p, a, b, 16);   // fixed-point product
//
// Customization point: when the protocol has a member trunc(x, d) (resp.
// mul_trunc(x, y, d)) it is used (Rep3: three message hops, see rep3.hpp);
// otherwise the generic construction below runs on any mpc::Protocol.
//
// Contract of both paths, for 1 <= d <= 62 and every x in [-2^62, 2^62)
// (two's complement): the result is floor(x / 2^d) + e with e in {0, 1}
// (at most one unit in the last place above the exact quotient, below it
// never); there is no failure probability inside the range. Outside the
// range the result is a wrapped, meaningless value.
//
// Generic construction (the wrap-bit idea of Escudero-Ghosh-Keller-
// Rachuri-Scholl, CRYPTO 2020, specialised to a uniform 64-bit mask): draw
// 64 random shared bits r_i per element (random_bits), convert them with b2a
// (k - 1 multiplication rounds), form r, r >> d and r_63 locally, reveal
// c = x + 2^62 + r, and output (c >> d) - 2^(62-d) - (r >> d) +
// 2^(64-d) * r_63 * (1 - c_63). Because x + 2^62 < 2^63 the sum wraps exactly
// when r_63 = 1 and c_63 = 0, which the last term corrects. c is uniform, so
// revealing it leaks nothing. Cost: 64 B2A conversions per element — slow;
// protocols should provide a faster trunc where they can.
//
// Security: as the protocol's (semi-honest; protocol.hpp). The generic path
// opens c with p.reveal, so c enters the protocol's reveal digest when
// Options::check_reveals is on; Rep3's member trunc opens c to party 0 only,
// which no check covers.
// Throws InvalidArgument for d outside [1, 62]. Thread safety: as the protocol.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/mpc/convert.hpp"
#include "privfin/mpc/protocol.hpp"

namespace privfin::mpc {

template <class P>
concept HasTrunc = requires(P& p, const typename P::Arith& x, unsigned d) {
  { p.trunc(x, d) } -> std::same_as<typename P::Arith>;
};
template <class P>
concept HasMulTrunc = requires(P& p, const typename P::Arith& x, unsigned d) {
  { p.mul_trunc(x, x, d) } -> std::same_as<typename P::Arith>;
};

// The generic construction, usable on every protocol (and tested against the fast paths).
template <Protocol P>
[[nodiscard]] typename P::Arith trunc_generic(P& p, const typename P::Arith& x, unsigned d) {
  using Arith = typename P::Arith;
  if (d < 1 || d > 62) throw InvalidArgument("mpc::trunc: shift " + std::to_string(d) + " is not in [1, 62]");
  const std::size_t n = x.size();
  const auto r_bits = p.random_bits(n);                  // word k = the 64 bits of r_k
  const Arith bits = b2a(p, r_bits, 64 * n);             // element 64k + i = bit i of r_k
  const std::vector<const Arith*> in{&bits};
  const std::span<const Arith* const> ins(in);
  const Arith r = p.arith_linear(ins, n, [](std::span<const std::span<const Ring>> s, std::span<Ring> o) {
    for (std::size_t k = 0; k < o.size(); ++k) {
      Ring acc{};
      for (unsigned i = 0; i < 64; ++i) acc += s[0][64 * k + i] << i;
      o[k] = acc;
    }
  });
  const Arith r_high = p.arith_linear(ins, n, [d](std::span<const std::span<const Ring>> s, std::span<Ring> o) {
    for (std::size_t k = 0; k < o.size(); ++k) {
      Ring acc{};
      for (unsigned i = d; i < 64; ++i) acc += s[0][64 * k + i] << (i - d);
      o[k] = acc;
    }
  });
  const Arith r_msb = p.arith_linear(ins, n, [](std::span<const std::span<const Ring>> s, std::span<Ring> o) {
    for (std::size_t k = 0; k < o.size(); ++k) o[k] = s[0][64 * k + 63];
  });
  constexpr std::uint64_t bias = std::uint64_t{1} << 62;
  const std::vector<Ring> c = p.reveal(p.add_public(p.add(x, r), Ring{bias}));
  std::vector<Ring> c_part(n);
  std::vector<Ring> wrap_coeff(n);
  for (std::size_t k = 0; k < n; ++k) {
    c_part[k] = Ring{(c[k].value() >> d) - (bias >> d)};
    wrap_coeff[k] = Ring{c[k].msb() ? 0U : std::uint64_t{1} << (64 - d)};
  }
  return p.add_public(p.add(p.neg(r_high), p.mul_public(r_msb, wrap_coeff)), c_part);
}

template <Protocol P>
[[nodiscard]] typename P::Arith trunc(P& p, const typename P::Arith& x, unsigned d) {
  if constexpr (HasTrunc<P>) {
    return p.trunc(x, d);
  } else {
    return trunc_generic(p, x, d);
  }
}

template <Protocol P>
[[nodiscard]] typename P::Arith mul_trunc(P& p, const typename P::Arith& x, const typename P::Arith& y, unsigned d) {
  if constexpr (HasMulTrunc<P>) {
    return p.mul_trunc(x, y, d);
  } else {
    return trunc(p, p.mul(x, y), d);
  }
}

}  // namespace privfin::mpc
