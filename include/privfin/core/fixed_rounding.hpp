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
// Cost: a few integer operations (the double's bits are read directly).
// Throws nothing: NaN and infinities give std::nullopt; to_int64() gives
// std::nullopt when the result leaves [-2^63, 2^63 - 1]. Pure functions.
#pragma once

#include <bit>
#include <cstdint>
#include <optional>

namespace privfin {

// The integer (negative ? -1 : 1) * magnitude * 2^shift. Either shift is 0
// or magnitude < 2^53 (the significand of the double it came from).
struct ScaledInteger {
  bool negative = false;
  std::uint64_t magnitude = 0;
  unsigned shift = 0;

  // The value if it lies in [-2^63, 2^63 - 1].
  [[nodiscard]] constexpr std::optional<std::int64_t> to_int64() const noexcept {
    if (magnitude == 0) return std::int64_t{0};
    const unsigned width = static_cast<unsigned>(std::bit_width(magnitude));
    if (shift >= 64 || width + shift > 64) return std::nullopt;
    const std::uint64_t m = magnitude << shift;  // < 2^64 by the check above
    constexpr std::uint64_t two_63 = std::uint64_t{1} << 63;
    if (negative) {
      if (m > two_63) return std::nullopt;
      return static_cast<std::int64_t>(~m + 1U);  // two's complement; -2^63 included
    }
    if (m >= two_63) return std::nullopt;
    return static_cast<std::int64_t>(m);
  }
};

// round(x * 2^f), ties away from zero; std::nullopt for NaN and infinities.
// -0.0 gives 0.
[[nodiscard]] constexpr std::optional<ScaledInteger> round_scaled(double x, unsigned f) noexcept {
  const auto bits = std::bit_cast<std::uint64_t>(x);
  const bool negative = (bits >> 63) != 0;
  const auto biased = static_cast<int>((bits >> 52) & 0x7FF);
  const std::uint64_t fraction = bits & ((std::uint64_t{1} << 52) - 1);
  if (biased == 0x7FF) return std::nullopt;  // NaN or infinity
  // x = significand * 2^exponent exactly, significand < 2^53.
  const std::uint64_t significand = biased == 0 ? fraction : (fraction | (std::uint64_t{1} << 52));
  const int exponent = (biased == 0 ? 1 : biased) - 1075;
  if (significand == 0) return ScaledInteger{};
  const long long e = static_cast<long long>(exponent) + static_cast<long long>(f);
  if (e >= 0) return ScaledInteger{negative, significand, static_cast<unsigned>(e)};
  // Drop -e bits, rounding half away from zero: add half of the dropped unit
  // to the magnitude. Beyond 54 dropped bits the result is 0 (significand <
  // 2^53 < half of the unit).
  const long long drop = -e;
  if (drop > 54) return ScaledInteger{negative, 0, 0};
  const std::uint64_t half = std::uint64_t{1} << (drop - 1);
  const std::uint64_t magnitude = (significand + half) >> drop;  // significand + half < 2^54
  return ScaledInteger{negative && magnitude != 0, magnitude, 0};
}

}  // namespace privfin
