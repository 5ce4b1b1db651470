// privfin/sharing/fixed.hpp — fixed-point encoding of real numbers into
// Z2k<64> with F fractional bits (default 16): x is represented by the
// two's-complement residue of round(x * 2^F) modulo 2^64, so sharing and
// adding encodings adds the reals, and a product of two encodings carries 2F
// fractional bits until it is truncated by F (the MPC layer's job).
//
//   using Fx = sharing::Fixed<16>;
//   Z2k<64> e = Fx::encode(3.25);              // 3.25 * 65536 = 212992
//   double d = Fx::decode(e);                   // 3.25
//   Fx::encode(values, encoded);                // spans, all-or-nothing
//
// Range: encodings are the integers in [-2^63, 2^63 - 1], so a double x is
// accepted iff -2^(63-F) <= x < 2^(63-F); `min_value` and `max_value` are
// the smallest and largest accepted doubles, and every x in between encodes.
// Resolution 2^-F. A product of two encodings wraps unless |x * y| < 2^(63-2F)
// (for F = 16: |x * y| < 2^31), which callers of fixed-point multiplication
// must respect.
//
// Rounding: to the nearest multiple of 2^-F, ties AWAY from zero (like
// std::round, independent of the floating-point rounding mode): encode(2.5 *
// 2^-F) = 3, encode(-2.5 * 2^-F) = -3. Decoding is exact while |encoding| <=
// 2^53; larger encodings are rounded to the nearest double (ties to even).
// -0.0 encodes as 0.
//
// Throws InvalidArgument for NaN, infinities and values outside the range;
// the message names the index and the reason, never the value. The span
// forms validate the whole input before writing anything, so a rejected
// input leaves `out` as it was. Thread safety: static pure functions.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/core/ring.hpp"

namespace privfin::sharing {

template <unsigned F = 16>
  requires(F <= 62)
class Fixed {
  static constexpr double pow2(int e) noexcept {
    double r = 1.0;
    for (; e > 0; --e) r *= 2.0;
    for (; e < 0; ++e) r *= 0.5;
    return r;
  }
  static constexpr double two_63 = pow2(63);

 public:
  using Ring = Z2k<64>;
  static constexpr unsigned fractional_bits = F;
  // 2^F and 2^-F.
  static constexpr double scale = pow2(static_cast<int>(F));
  static constexpr double resolution = pow2(-static_cast<int>(F));
  // The smallest and largest doubles that encode: -2^(63-F) and the double
  // just below 2^(63-F).
  static constexpr double min_value = -pow2(63 - static_cast<int>(F));
  static constexpr double max_value = pow2(63 - static_cast<int>(F)) - pow2(63 - static_cast<int>(F) - 53);
  // The encoding of 1.0.
  static constexpr Ring one = Ring{std::uint64_t{1} << F};

  // Whether x encodes (false for NaN, infinities and out-of-range values).
  [[nodiscard]] static constexpr bool representable(double x) noexcept {
    const double scaled = x * scale;
    return scaled >= -two_63 && scaled < two_63;
  }

  [[nodiscard]] static Ring encode(double x) {
    if (!representable(x)) throw InvalidArgument(reason(x, "encode", nullptr));
    return encode_unchecked(x);
  }

  // out[i] = encode(in[i]); sizes must match. All-or-nothing.
  static void encode(std::span<const double> in, std::span<Ring> out) {
    if (in.size() != out.size()) {
      throw InvalidArgument("Fixed<" + std::to_string(F) + ">::encode: " + std::to_string(in.size()) +
                            " values for " + std::to_string(out.size()) + " outputs");
    }
    bool ok = true;
    for (std::size_t i = 0; i < in.size(); ++i) ok &= representable(in[i]);
    if (!ok) {
      for (std::size_t i = 0; i < in.size(); ++i) {
        if (!representable(in[i])) throw InvalidArgument(reason(in[i], "encode", &i));
      }
    }
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = encode_unchecked(in[i]);
  }

  [[nodiscard]] static std::vector<Ring> encode(std::span<const double> in) {
    std::vector<Ring> out(in.size());
    encode(in, std::span<Ring>(out));
    return out;
  }

  [[nodiscard]] static double decode(Ring v) noexcept { return static_cast<double>(v.as_signed()) * resolution; }

  static void decode(std::span<const Ring> in, std::span<double> out) {
    if (in.size() != out.size()) {
      throw InvalidArgument("Fixed<" + std::to_string(F) + ">::decode: " + std::to_string(in.size()) +
                            " encodings for " + std::to_string(out.size()) + " outputs");
    }
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = decode(in[i]);
  }

  [[nodiscard]] static std::vector<double> decode(std::span<const Ring> in) {
    std::vector<double> out(in.size());
    decode(in, std::span<double>(out));
    return out;
  }

 private:
  // x * 2^F is exact (a power-of-two scaling of an in-range double). The
  // conversion truncates toward zero exactly; the remainder is exact too, and
  // deciding the tie by |remainder| >= 1/2 rounds ties away from zero.
  static Ring encode_unchecked(double x) noexcept {
    const double scaled = x * scale;
    std::int64_t i = static_cast<std::int64_t>(scaled);
    const double remainder = scaled - static_cast<double>(i);
    i += static_cast<std::int64_t>(remainder >= 0.5) - static_cast<std::int64_t>(remainder <= -0.5);
    return Ring::from_signed(i);
  }

  static std::string reason(double x, const char* where, const std::size_t* index) {
    std::string what = "Fixed<" + std::to_string(F) + ">::" + where + ": ";
    what += index != nullptr ? "value at index " + std::to_string(*index) : std::string("value");
    if (std::isnan(x)) return what + " is NaN";
    if (std::isinf(x)) return what + " is infinite";
    return what + " is outside the representable range [-2^" + std::to_string(63 - F) + ", 2^" +
           std::to_string(63 - F) + ")";
  }
};

}  // namespace privfin::sharing
