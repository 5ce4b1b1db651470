// privfin/sharing/fixed.hpp — THE fixed-point encoder of privfin: real
// numbers into Z2k<64> with F fractional bits (default 16). x is represented
// by the two's-complement residue of round(x * 2^F) modulo 2^64, so sharing
// and adding encodings adds the reals, and a product of two encodings
// carries 2F fractional bits until it is truncated by F (mpc/fixed_point.hpp
// does the arithmetic on shared encodings). he::FixedPoint encodes into
// Paillier plaintexts with the same rounding (core/fixed_rounding.hpp).
//
//   using Fx = sharing::Fixed<16>;
//   Z2k<64> e = Fx::encode(3.25);              // 3.25 * 65536 = 212992
//   double d = Fx::decode(e);                   // 3.25
//   Fx::encode(values, encoded);                // spans, all-or-nothing
//   // Values that will be summed 3 at a time (e.g. one exposure per bank):
//   auto enc = Fx::encode(values, sharing::RangeBudget{.terms = 3});
//   // Inputs of dot products of length 100 (x . w, then truncated):
//   auto xs = Fx::encode(x, sharing::RangeBudget{.terms = 1, .products = 100});
//
// Range: encodings are the integers in [-2^63, 2^63 - 1], so a double x is
// accepted iff -2^(63-F) <= x < 2^(63-F); `min_value` and `max_value` are
// the smallest and largest accepted doubles, and every x in between encodes.
// Resolution 2^-F. A product of two encodings wraps unless |x * y| < 2^(63-2F)
// (for F = 16: |x * y| < 2^31), which callers of fixed-point multiplication
// must respect.
//
// Range budgets: a sum of encodings wraps modulo 2^64 silently (three
// exposures of 1e14 at F = 16 add up to 1.85e13). The budgeted encode takes
// the caller's promise of how the values will be combined, a RangeBudget,
// and refuses every value that could make a combination leave the safe
// range (-2^62, 2^62) of encodings (one bit below the ring's, so that the
// difference of two budgeted results, as in a comparison, and Beaver's and
// Rep3's truncation stay exact):
//   terms:    at most `terms` values (or products) are added: every
//             |encoding| <= (2^62 - 1) / terms;
//   products: when nonzero, products of two values are formed and at most
//             `products` of them are summed before truncation (a dot
//             product's length): also |encoding|^2 * products <= 2^62 - 1.
// max_encoding(budget) and max_magnitude(budget) give the bound. The check
// is on each input, so it is sufficient, not necessary: a sum of values of
// opposite signs could have fit. The message names the input's index and
// the budget, never the value.
//
// Rounding: to the nearest multiple of 2^-F, ties AWAY from zero (like
// std::round, independent of the floating-point rounding mode): encode(2.5 *
// 2^-F) = 3, encode(-2.5 * 2^-F) = -3. Decoding is exact while |encoding| <=
// 2^53; larger encodings are rounded to the nearest double (ties to even).
// -0.0 encodes as 0.
//
// Throws InvalidArgument for NaN, infinities, values outside the range or
// the budget, and a budget with 0 terms; the message names the index and
// the reason, never the value. The span forms validate the whole input
// before writing anything, so a rejected input leaves `out` as it was.
// Cost: a few integer operations per value. Thread safety: static pure
// functions.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/core/fixed_rounding.hpp"
#include "privfin/core/ring.hpp"

namespace privfin::sharing {

// How encoded values will be combined; see "Range budgets" above.
struct RangeBudget {
  std::uint64_t terms = 1;     // values (or products) added together, >= 1
  std::uint64_t products = 0;  // 0: no products; else products summed per result

  // "3 terms" or "1 term, dot products of 100 products": for messages.
  [[nodiscard]] std::string describe() const {
    std::string out = std::to_string(terms) + (terms == 1 ? " term" : " terms");
    if (products != 0) out += ", sums of " + std::to_string(products) + (products == 1 ? " product" : " products");
    return out;
  }
  friend bool operator==(const RangeBudget&, const RangeBudget&) = default;
};

template <unsigned F = 16>
  requires(F <= 62)
class Fixed {
  static constexpr double pow2(int e) noexcept {
    double r = 1.0;
    for (; e > 0; --e) r *= 2.0;
    for (; e < 0; ++e) r *= 0.5;
    return r;
  }

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
  // min_value and max_value bound exactly the doubles whose round(x 2^F)
  // fits in 64 bits, and NaN fails both comparisons.
  [[nodiscard]] static constexpr bool representable(double x) noexcept { return x >= min_value && x <= max_value; }

  // The largest |encoding| the budget allows (InvalidArgument for 0 terms).
  [[nodiscard]] static std::uint64_t max_encoding(const RangeBudget& budget) {
    if (budget.terms == 0) throw InvalidArgument("RangeBudget: terms must be at least 1");
    constexpr std::uint64_t safe = (std::uint64_t{1} << 62) - 1;
    std::uint64_t bound = safe / budget.terms;
    if (budget.products != 0) {
      // The largest m with m^2 * products <= safe: a floating estimate, corrected.
      const std::uint64_t limit = safe / budget.products;
      auto m = static_cast<std::uint64_t>(std::sqrt(static_cast<double>(limit)));
      while (m > 0 && m * m > limit) --m;              // m <= 2^31, m * m cannot overflow
      while ((m + 1) * (m + 1) <= limit) ++m;
      bound = std::min(bound, m);
    }
    return bound;
  }
  // max_encoding(budget) as a real: the largest |x| the budget accepts.
  [[nodiscard]] static double max_magnitude(const RangeBudget& budget) {
    return static_cast<double>(max_encoding(budget)) * resolution;
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
    for (const double x : in) ok &= representable(x);
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

  // As encode(in, out), and every value within the budget. All-or-nothing.
  static void encode(std::span<const double> in, std::span<Ring> out, const RangeBudget& budget) {
    if (in.size() != out.size()) {
      throw InvalidArgument("Fixed<" + std::to_string(F) + ">::encode: " + std::to_string(in.size()) +
                            " values for " + std::to_string(out.size()) + " outputs");
    }
    const std::uint64_t bound = max_encoding(budget);
    std::vector<Ring> staged(in.size());
    encode(in, std::span<Ring>(staged));
    for (std::size_t i = 0; i < staged.size(); ++i) {
      const std::int64_t v = staged[i].as_signed();
      const std::uint64_t magnitude = v < 0 ? ~static_cast<std::uint64_t>(v) + 1U : static_cast<std::uint64_t>(v);
      if (magnitude > bound) {
        throw InvalidArgument("Fixed<" + std::to_string(F) + ">::encode: value at index " + std::to_string(i) +
                              " exceeds the range budget (" + budget.describe() + ": |x| <= " +
                              magnitude_text(budget) + ")");
      }
    }
    std::copy(staged.begin(), staged.end(), out.begin());
  }

  [[nodiscard]] static std::vector<Ring> encode(std::span<const double> in, const RangeBudget& budget) {
    std::vector<Ring> out(in.size());
    encode(in, std::span<Ring>(out), budget);
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
  // The library's one rounding rule (core/fixed_rounding.hpp), into int64.

  // round(x 2^F), ties away from zero, for a representable x, without touching
  // the floating-point rounding mode: x * 2^F is exact (scaling by a power
  // of two cannot round while it does not overflow, and representable x
  // does not), the conversion truncates exactly, and y - t is exact (|y| <
  // 2^53 makes t exact; above, y is an integer and the difference is 0).
  // Equal to round_scaled_int64(x, F), the reference, on every
  // representable double (tests/sharing/fixed_test.cpp); about 1.5x
  // faster on arrays because it vectorizes.
  static Ring encode_unchecked(double x) noexcept {
    const double y = x * scale;
    const auto t = static_cast<std::int64_t>(y);
    const double frac = y - static_cast<double>(t);
    return Ring::from_signed(t + static_cast<std::int64_t>(frac >= 0.5) - static_cast<std::int64_t>(frac <= -0.5));
  }

  static std::string magnitude_text(const RangeBudget& budget) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.6g", max_magnitude(budget));
    return buf;
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
