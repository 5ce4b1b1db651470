// privfin/sharing/additive.hpp — additive n-out-of-n secret sharing over a
// ring or field: x = x_0 + x_1 + ... + x_{n-1}, where any n-1 shares are
// jointly uniform and so say nothing about x.
//
//   Prg prg(random_seed());
//   std::vector<Z2k<64>> secrets = ...;
//   auto shares = sharing::additive::share<Z2k<64>>(secrets, 3, prg);  // shares[party][i]
//   auto back = sharing::additive::reconstruct<Z2k<64>>(shares);         // == secrets
//
// Works for every `AdditiveElement`: Z2k<K>, Fp61, Fp127, or any value type
// with +, -, unary - and a static random(Prg&). Everything is batched: the
// span forms write into caller-provided buffers and allocate nothing, so the
// MPC engine can reuse its buffers across calls; the vector forms allocate
// their results once. Shares 0..n-2 are fresh PRG output and share n-1 is
// x minus their sum.
//
// Caller's duties: seed the Prg from secure_random (or a seed agreed for the
// purpose); give each party only its own share vector.
// Throws InvalidArgument for n < 2 or mismatched batch sizes.
// Thread safety: pure functions; the Prg is not thread-safe.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/sharing/detail/field_ops.hpp"

namespace privfin::sharing::additive {

namespace detail {
inline void check_parties(std::size_t n, const char* where) {
  if (n < 2) {
    throw InvalidArgument(std::string("sharing::additive::") + where + ": need at least 2 parties, got " +
                          std::to_string(n));
  }
}
inline void check_size(std::size_t got, std::size_t want, std::size_t party, const char* where) {
  if (got != want) {
    throw InvalidArgument(std::string("sharing::additive::") + where + ": share vector of party " +
                          std::to_string(party) + " has " + std::to_string(got) + " elements, expected " +
                          std::to_string(want));
  }
}
}  // namespace detail

// Splits each secrets[i] into out[0][i] + ... + out[n-1][i], n = out.size().
// Every out[j] must have secrets.size() elements. `secrets` may alias
// out[n-1] (the last share is computed in place), not the others.
template <AdditiveElement T>
void share(std::span<const T> secrets, std::span<const std::span<T>> out, Prg& prg) {
  const std::size_t n = out.size();
  detail::check_parties(n, "share");
  for (std::size_t j = 0; j < n; ++j) detail::check_size(out[j].size(), secrets.size(), j, "share");
  const std::span<T> last = out[n - 1];
  if (last.data() != secrets.data()) {
    for (std::size_t i = 0; i < secrets.size(); ++i) last[i] = secrets[i];
  }
  for (std::size_t j = 0; j + 1 < n; ++j) {
    sharing::detail::random_fill(prg, out[j]);
    const std::span<const T> r = out[j];
    for (std::size_t i = 0; i < last.size(); ++i) last[i] = last[i] - r[i];
  }
}

// The same, returning n freshly allocated share vectors: result[party][i].
template <AdditiveElement T>
[[nodiscard]] std::vector<std::vector<T>> share(std::span<const T> secrets, std::size_t n, Prg& prg) {
  detail::check_parties(n, "share");
  std::vector<std::vector<T>> result(n, std::vector<T>(secrets.size()));
  std::vector<std::span<T>> views(result.begin(), result.end());
  share<T>(secrets, std::span<const std::span<T>>(views), prg);
  return result;
}

// out[i] = shares[0][i] + ... + shares[n-1][i]. Every shares[j] must have
// out.size() elements; n >= 2. `out` may alias shares[0].
template <AdditiveElement T>
void reconstruct(std::span<const std::span<const T>> shares, std::span<T> out) {
  const std::size_t n = shares.size();
  detail::check_parties(n, "reconstruct");
  for (std::size_t j = 0; j < n; ++j) detail::check_size(shares[j].size(), out.size(), j, "reconstruct");
  const std::span<const T> first = shares[0];
  if (first.data() != out.data()) {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = first[i];
  }
  for (std::size_t j = 1; j < n; ++j) {
    const std::span<const T> s = shares[j];
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = out[i] + s[i];
  }
}

// The same over owned share vectors, returning the secrets.
template <AdditiveElement T>
[[nodiscard]] std::vector<T> reconstruct(const std::vector<std::vector<T>>& shares) {
  detail::check_parties(shares.size(), "reconstruct");
  std::vector<T> out(shares[0].size());
  std::vector<std::span<const T>> views(shares.begin(), shares.end());
  reconstruct<T>(std::span<const std::span<const T>>(views), std::span<T>(out));
  return out;
}

// Local operations on one party's share vector (the scheme is linear):
// [x] + [y] and [x] - [y] elementwise, and adding a public value, which only
// the designated party (`party == 0` by convention) applies.
template <AdditiveElement T>
void add(std::span<const T> x, std::span<const T> y, std::span<T> out) {
  detail::check_size(y.size(), x.size(), 0, "add");
  detail::check_size(out.size(), x.size(), 0, "add");
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = x[i] + y[i];
}

template <AdditiveElement T>
void sub(std::span<const T> x, std::span<const T> y, std::span<T> out) {
  detail::check_size(y.size(), x.size(), 0, "sub");
  detail::check_size(out.size(), x.size(), 0, "sub");
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = x[i] - y[i];
}

// out = share + c on party 0, out = share on every other party.
template <AdditiveElement T>
void add_public(std::span<const T> share_of_x, std::span<const T> c, std::size_t party, std::span<T> out) {
  detail::check_size(c.size(), share_of_x.size(), party, "add_public");
  detail::check_size(out.size(), share_of_x.size(), party, "add_public");
  if (party == 0) {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = share_of_x[i] + c[i];
  } else if (out.data() != share_of_x.data()) {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = share_of_x[i];
  }
}

// out = share * c on every party (c public).
template <AdditiveElement T>
  requires requires(T a, T b) { { a * b } -> std::convertible_to<T>; }
void mul_public(std::span<const T> share_of_x, const T& c, std::span<T> out) {
  detail::check_size(out.size(), share_of_x.size(), 0, "mul_public");
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = share_of_x[i] * c;
}

}  // namespace privfin::sharing::additive
