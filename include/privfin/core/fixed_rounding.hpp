// privfin/core/fixed_rounding.hpp — the one rounding rule of privfin's
// fixed-point encoders: a double x becomes the integer round(x * 2^f),
// to the nearest integer, ties AWAY from zero, exactly (no intermediate
// floating-point rounding, independent of the rounding mode).
//
//   std::optional<ScaledInteger> s = round_scaled(3.25, 16);  // nullopt for NaN, inf
//   std::optional<std::int64_t> v = s->to_int64();          // 212992 = 3.25 * 2^16
//
// The encoders built on it: sharing::Fixed<F> (into Z2k<64>, with range
// budgets) and he::FixedPoint (into Paillier plaintexts, any size). Both
// therefore round alike: x * 2^f is at most 2^-1 away from the encoding.
//
// round_scaled gives the exact integer of any size (as magnitude * 2^shift,
// for he::FixedPoint's big plaintexts); round_scaled_int64 the same value
// when it fits an int64 (sharing::Fixed's hot path). Both go through one
// rounding step (detail::drop_rounded), and tests check they agree.
//
// Cost: a few integer operations (the double's bits are read directly).
// Throws nothing: NaN and infinities give std::nullopt; to_int64() gives
// std::nullopt when the result leaves [-2^63, 2^63 - 1]. Pure functions.
#pragma once

#include <bit>
#include <cstdint>
#include <optional>

namespace privfin {

namespace detail {
// x = (negative ? -1 : 1) * significand * 2^exponent exactly, significand < 2^53.
struct DecomposedDouble {
  bool finite = false;
  bool negative = false;
  std::uint64_t significand = 0;
  int exponent = 0;
};

constexpr DecomposedDouble decompose(double x) noexcept {
  const auto bits = std::bit_cast<std::uint64_t>(x);
  const auto biased = static_cast<int>((bits >> 52) & 0x7FF);
  const std::uint64_t fraction = bits & ((std::uint64_t{1} << 52) - 1);
  if (biased == 0x7FF) return {};  // NaN or infinity
  return {true, (bits >> 63) != 0, biased == 0 ? fraction : (fraction | (std::uint64_t{1} << 52)),
          (biased == 0 ? 1 : biased) - 1075};
}

// THE rounding step: significand / 2^drop (drop >= 1) to the nearest
// integer, ties away from zero, by adding half of the dropped unit to the
// magnitude. Beyond 54 dropped bits the result is 0 (significand < 2^53 is
// below half the unit); significand + half < 2^54 cannot overflow.
constexpr std::uint64_t drop_rounded(std::uint64_t significand, long long drop) noexcept {
  if (drop > 54) return 0;
  return (significand + (std::uint64_t{1} << (drop - 1))) >> drop;
}

// (negative ? -m : m) if it lies in [-2^63, 2^63 - 1].
constexpr std::optional<std::int64_t> to_int64(bool negative, std::uint64_t m) noexcept {
  constexpr std::uint64_t two_63 = std::uint64_t{1} << 63;
  if (negative) {
    if (m > two_63) return std::nullopt;
    return static_cast<std::int64_t>(~m + 1U);  // two's complement; -2^63 included
  }
  if (m >= two_63) return std::nullopt;
  return static_cast<std::int64_t>(m);
}
}  // namespace detail

// The integer (negative ? -1 : 1) * magnitude * 2^shift. Either shift is 0
// or magnitude < 2^53 (the significand of the double it came from).
struct ScaledInteger {
  bool negative = false;
  std::uint64_t magnitude = 0;
  unsigned shift = 0;

  // The value if it lies in [-2^63, 2^63 - 1].
  [[nodiscard]] constexpr std::optional<std::int64_t> to_int64() const noexcept {
    if (magnitude == 0) return std::int64_t{0};
    const auto width = static_cast<unsigned>(std::bit_width(magnitude));
    if (shift >= 64 || width + shift > 64) return std::nullopt;
    return detail::to_int64(negative, magnitude << shift);
  }
};

// round(x * 2^f), ties away from zero; std::nullopt for NaN and infinities.
// -0.0 gives 0. Exact for every f (he::FixedPoint uses up to 1024).
[[nodiscard]] constexpr std::optional<ScaledInteger> round_scaled(double x, unsigned f) noexcept {
  const auto d = detail::decompose(x);
  if (!d.finite) return std::nullopt;
  if (d.significand == 0) return ScaledInteger{};
  const long long e = static_cast<long long>(d.exponent) + static_cast<long long>(f);
  if (e >= 0) return ScaledInteger{d.negative, d.significand, static_cast<unsigned>(e)};
  const std::uint64_t magnitude = detail::drop_rounded(d.significand, -e);
  return ScaledInteger{d.negative && magnitude != 0, magnitude, 0};
}

// The same value as round_scaled(x, f)->to_int64(), computed directly (the
// encoders' hot path): std::nullopt for NaN, infinities and results outside
// [-2^63, 2^63 - 1].
[[nodiscard]] constexpr std::optional<std::int64_t> round_scaled_int64(double x, unsigned f) noexcept {
  const auto d = detail::decompose(x);
  if (!d.finite) return std::nullopt;
  if (d.significand == 0) return std::int64_t{0};
  const long long e = static_cast<long long>(d.exponent) + static_cast<long long>(f);
  if (e < 0) return detail::to_int64(d.negative, detail::drop_rounded(d.significand, -e));
  if (e >= 64 || static_cast<long long>(std::bit_width(d.significand)) + e > 64) return std::nullopt;
  return detail::to_int64(d.negative, d.significand << e);
}

}  // namespace privfin
