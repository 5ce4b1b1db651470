// Tests for privfin/core/fixed_rounding.hpp, the rounding rule of every
// fixed-point encoder: ties away from zero, exact at every scale, and the
// int64 fast path equal to the general one.
#include "privfin/core/fixed_rounding.hpp"

#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <limits>

#include "privfin/core/prg.hpp"

using namespace privfin;

TEST_CASE("round_scaled rounds to nearest, ties away from zero, exactly", "[core][fixed_rounding]") {
  CHECK(round_scaled(3.25, 16)->to_int64() == 212992);
  CHECK(round_scaled(2.5, 0)->to_int64() == 3);
  CHECK(round_scaled(-2.5, 0)->to_int64() == -3);
  CHECK(round_scaled(0.49999999999999994, 0)->to_int64() == 0);
  CHECK(round_scaled(4503599627370497.0, 0)->to_int64() == 4503599627370497);
  CHECK(round_scaled(-0.0, 5)->to_int64() == 0);
  CHECK_FALSE(round_scaled(-0.0, 5)->negative);
  CHECK_FALSE(round_scaled(std::numeric_limits<double>::infinity(), 1).has_value());
  CHECK_FALSE(round_scaled(std::nan(""), 1).has_value());
  // Large scales stay exact: 1.5 * 2^1000 as magnitude * 2^shift.
  const auto big = round_scaled(1.5, 1000);
  REQUIRE(big.has_value());
  CHECK_FALSE(big->to_int64().has_value());
  CHECK(static_cast<double>(big->magnitude) * std::ldexp(1.0, static_cast<int>(big->shift) - 1000) == 1.5);
  // The int64 edges.
  CHECK(round_scaled_int64(-std::ldexp(1.0, 47), 16) == std::numeric_limits<std::int64_t>::min());
  CHECK_FALSE(round_scaled_int64(std::ldexp(1.0, 47), 16).has_value());
  CHECK(round_scaled_int64(std::nextafter(std::ldexp(1.0, 47), 0.0), 16) == std::numeric_limits<std::int64_t>::max() - 1023);
  CHECK(round_scaled_int64(std::numeric_limits<double>::denorm_min(), 1086) == 4096);  // 2^12 via a huge scale
  CHECK(round_scaled_int64(std::numeric_limits<double>::denorm_min(), 1073) == 1);      // 0.5: away from zero
  CHECK(round_scaled_int64(std::numeric_limits<double>::denorm_min(), 1072) == 0);
}

TEST_CASE("round_scaled_int64 equals round_scaled(...)->to_int64() everywhere", "[core][fixed_rounding]") {
  Prg prg(Prg::Seed{std::byte{0x52}});
  for (int i = 0; i < 200000; ++i) {
    // Random bit patterns (every exponent, NaN and infinities included) and random scales.
    const auto bits = prg.next_u64();
    const double x = std::bit_cast<double>(bits);
    const auto f = static_cast<unsigned>(prg.next_u64() % (i % 2 == 0 ? 64 : 1200));
    const auto general = round_scaled(x, f);
    const auto fast = round_scaled_int64(x, f);
    if (!general) {
      REQUIRE_FALSE(fast.has_value());
      continue;
    }
    REQUIRE(fast == general->to_int64());
  }
  // Near the rounding points and the range edges.
  for (unsigned f : {0U, 1U, 16U, 52U, 62U, 63U, 64U}) {
    for (double base : {0.5, 1.5, 2.5, -0.5, -2.5, std::ldexp(1.0, 62), -std::ldexp(1.0, 63), std::ldexp(1.0, 63)}) {
      for (double x = std::ldexp(base, -static_cast<int>(f)), k = 0; k < 4; ++k, x = std::nextafter(x, 1e300)) {
        INFO("f " << f << " x " << x);
        const auto general = round_scaled(x, f);
        REQUIRE(general.has_value());
        CHECK(round_scaled_int64(x, f) == general->to_int64());
      }
    }
  }
}
