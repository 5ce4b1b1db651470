// Tests for privfin/sharing/fixed.hpp: encode/decode round trips, the
// documented rounding (nearest, ties away from zero), the range constants at
// their exact boundaries, errors for NaN/inf/out-of-range, span forms, and
// that encodings add and multiply like the reals.
#include <catch2/catch.hpp>

#include <privfin/core/prg.hpp>
#include <privfin/sharing/additive.hpp>
#include <privfin/sharing/fixed.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

using namespace privfin;
using sharing::Fixed;

TEST_CASE("Fixed<16> encodes and decodes", "[sharing][fixed]") {
  using Fx = Fixed<16>;
  static_assert(Fx::fractional_bits == 16);
  CHECK(Fx::encode(0.0) == Z2k<64>::zero());
  CHECK(Fx::encode(-0.0) == Z2k<64>::zero());
  CHECK(Fx::encode(1.0) == Fx::one);
  CHECK(Fx::one == Z2k<64>{65536});
  CHECK(Fx::encode(3.25).value() == 212992);
  CHECK(Fx::encode(-1.0) == Z2k<64>::from_signed(-65536));
  CHECK(Fx::decode(Z2k<64>::from_signed(-1)) == -1.0 / 65536.0);
  CHECK(Fx::encode(-1.0 / 65536.0) == Z2k<64>::from_signed(-1));
  for (double x : {0.0, 1.0, -1.0, 0.5, -0.5, 1234.5678, -98765.4321, 1e9, -1e9, 3.0e13}) {
    CHECK(std::abs(Fx::decode(Fx::encode(x)) - x) <= Fx::resolution / 2);
  }
}

TEST_CASE("Fixed rounds to nearest, ties away from zero", "[sharing][fixed]") {
  using Fx = Fixed<16>;
  const double u = Fx::resolution;
  CHECK(Fx::encode(2.5 * u).as_signed() == 3);
  CHECK(Fx::encode(-2.5 * u).as_signed() == -3);
  CHECK(Fx::encode(3.5 * u).as_signed() == 4);
  CHECK(Fx::encode(0.5 * u).as_signed() == 1);
  CHECK(Fx::encode(-0.5 * u).as_signed() == -1);
  CHECK(Fx::encode(std::nextafter(0.5, 0.0) * u).as_signed() == 0);
  CHECK(Fx::encode(std::nextafter(-0.5, 0.0) * u).as_signed() == 0);
  CHECK(Fx::encode(2.4999 * u).as_signed() == 2);
  CHECK(Fx::encode(-2.5001 * u).as_signed() == -3);
  // The classic trap for "add 0.5 then truncate": the largest double below 0.5.
  CHECK(Fixed<0>::encode(0.49999999999999994).as_signed() == 0);
  CHECK(Fixed<0>::encode(4503599627370497.0).as_signed() == 4503599627370497);  // 2^52 + 1
  // Against std::round over many random points.
  Prg prg(Prg::Seed{std::byte{0x46}});
  for (int i = 0; i < 20000; ++i) {
    const double x = (static_cast<double>(prg.next_u64() >> 11) / 9007199254740992.0 - 0.5) * 2e6;
    CHECK(Fx::encode(x).as_signed() == static_cast<std::int64_t>(std::round(x * 65536.0)));
  }
}

TEMPLATE_TEST_CASE_SIG("Fixed's fast encoder equals the exact reference on every kind of double", "[sharing][fixed]",
                       ((unsigned F), F), 0, 1, 16, 20, 32, 52, 62) {
  using Fx = Fixed<F>;
  const double u = Fx::resolution;
  std::vector<double> xs = {0.0, -0.0, u, -u, 0.5 * u, -0.5 * u, 1.5 * u, -1.5 * u, 2.5 * u, -2.5 * u,
                            std::nextafter(0.5 * u, 0.0), std::nextafter(-0.5 * u, 0.0),
                            std::nextafter(0.5 * u, 1.0), std::nextafter(-0.5 * u, -1.0),
                            std::numeric_limits<double>::denorm_min(), -std::numeric_limits<double>::denorm_min(),
                            std::numeric_limits<double>::min(), Fx::max_value, Fx::min_value,
                            std::nextafter(Fx::max_value, 0.0), std::nextafter(Fx::min_value, 0.0),
                            std::ldexp(1.0, 52 - static_cast<int>(F)) + 0.5 * u,
                            std::ldexp(1.0, 53 - static_cast<int>(F)) - 0.5 * u};
  Prg prg(Prg::Seed{std::byte{0x47}, static_cast<std::byte>(F)});
  for (int i = 0; i < 20000; ++i) {  // random bit patterns over every exponent, and near-ties
    const double bits = std::bit_cast<double>(prg.next_u64());
    if (std::isfinite(bits)) xs.push_back(bits);
    const auto k = static_cast<double>(static_cast<std::int64_t>(prg.next_u64() >> 20) - (std::int64_t{1} << 43));
    xs.push_back((k + 0.5) * u);
  }
  std::vector<Z2k<64>> encoded(xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const auto reference = round_scaled_int64(xs[i], F);
    CAPTURE(xs[i]);
    REQUIRE(Fx::representable(xs[i]) == reference.has_value());
    if (reference) CHECK(Fx::encode(xs[i]).as_signed() == *reference);
  }
}

TEMPLATE_TEST_CASE_SIG("Fixed range constants are exact boundaries", "[sharing][fixed]", ((unsigned F), F), 0, 1, 16,
                       20, 32, 52, 62) {
  using Fx = Fixed<F>;
  CHECK(Fx::min_value == -std::ldexp(1.0, 63 - static_cast<int>(F)));
  CHECK(Fx::max_value == std::nextafter(std::ldexp(1.0, 63 - static_cast<int>(F)), 0.0));
  CHECK(Fx::resolution == std::ldexp(1.0, -static_cast<int>(F)));
  // The smallest value encodes to -2^63 and decodes back exactly.
  CHECK(Fx::encode(Fx::min_value) == Z2k<64>{std::uint64_t{1} << 63});
  CHECK(Fx::decode(Z2k<64>{std::uint64_t{1} << 63}) == Fx::min_value);
  // The largest encodes to 2^63 - 2^10, and decodes back exactly.
  CHECK(Fx::encode(Fx::max_value).value() == (std::uint64_t{1} << 63) - 1024);
  CHECK(Fx::decode(Fx::encode(Fx::max_value)) == Fx::max_value);
  CHECK(Fx::representable(Fx::max_value));
  CHECK(Fx::representable(Fx::min_value));
  CHECK_FALSE(Fx::representable(std::nextafter(Fx::max_value, 1e300)));
  CHECK_FALSE(Fx::representable(std::nextafter(Fx::min_value, -1e300)));
  CHECK_THROWS_AS(Fx::encode(std::nextafter(Fx::max_value, 1e300)), InvalidArgument);
  CHECK_THROWS_AS(Fx::encode(std::nextafter(Fx::min_value, -1e300)), InvalidArgument);
  // The largest encoding 2^63 - 1 decodes to the nearest double, 2^(63-F).
  CHECK(Fx::decode(Z2k<64>{(std::uint64_t{1} << 63) - 1}) == std::ldexp(1.0, 63 - static_cast<int>(F)));
  // -1 (all ones) is the smallest negative step.
  CHECK(Fx::decode(Z2k<64>::from_signed(-1)) == -Fx::resolution);
}

TEST_CASE("Fixed rejects NaN, infinities and out-of-range values", "[sharing][fixed]") {
  using Fx = Fixed<16>;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(Fx::encode(nan), Catch::Contains("NaN"));
  CHECK_THROWS_WITH(Fx::encode(inf), Catch::Contains("infinite"));
  CHECK_THROWS_WITH(Fx::encode(-inf), Catch::Contains("infinite"));
  CHECK_THROWS_WITH(Fx::encode(1e15), Catch::Contains("outside the representable range [-2^47, 2^47)"));
  CHECK_THROWS_AS(Fx::encode(-1e300), InvalidArgument);
  // Span form: names the index, does not write anything.
  const std::vector<double> in = {1.0, 2.0, nan, 4.0};
  std::vector<Z2k<64>> out(4, Z2k<64>{77});
  CHECK_THROWS_WITH(Fx::encode(in, out), Catch::Contains("index 2") && Catch::Contains("NaN"));
  CHECK(out == std::vector<Z2k<64>>(4, Z2k<64>{77}));
  std::vector<Z2k<64>> wrong(3);
  CHECK_THROWS_AS(Fx::encode(std::vector<double>{1.0, 2.0, 3.0, 4.0}, wrong), InvalidArgument);
  std::vector<double> back(2);
  CHECK_THROWS_AS(Fx::decode(wrong, back), InvalidArgument);
}

TEST_CASE("Fixed span forms match the scalar forms", "[sharing][fixed]") {
  using Fx = Fixed<20>;
  Prg prg(Prg::Seed{std::byte{0x47}});
  for (std::size_t size : {1U, 2U, 63U, 64U, 65U, 100000U}) {
    std::vector<double> values(size);
    for (auto& v : values) v = (static_cast<double>(prg.next_u64() >> 11) / 9007199254740992.0 - 0.5) * 1e6;
    const auto encoded = Fx::encode(values);
    const auto decoded = Fx::decode(encoded);
    REQUIRE(encoded.size() == size);
    for (std::size_t i = 0; i < size; ++i) {
      REQUIRE(encoded[i] == Fx::encode(values[i]));
      REQUIRE(std::abs(decoded[i] - values[i]) <= Fx::resolution / 2);
    }
  }
}

TEST_CASE("Fixed encodings add like reals, also after sharing", "[sharing][fixed]") {
  using Fx = Fixed<16>;
  const std::vector<double> x = {1.5, -2.25, 1000.0, -0.0001, 0.0};
  const std::vector<double> y = {2.5, 2.25, -999.5, 0.0001, -7.0};
  Prg prg(Prg::Seed{std::byte{0x48}});
  const auto xs = sharing::additive::share<Z2k<64>>(Fx::encode(x), 3, prg);
  const auto ys = sharing::additive::share<Z2k<64>>(Fx::encode(y), 3, prg);
  std::vector<std::vector<Z2k<64>>> sums(3, std::vector<Z2k<64>>(x.size()));
  for (std::size_t j = 0; j < 3; ++j) sharing::additive::add<Z2k<64>>(xs[j], ys[j], sums[j]);
  const auto total = Fx::decode(sharing::additive::reconstruct(sums));
  for (std::size_t i = 0; i < x.size(); ++i) CHECK(std::abs(total[i] - (x[i] + y[i])) <= Fx::resolution);
  // A product carries 2F fractional bits: shifting it right by F (arithmetic) gives the product.
  const auto p = Fx::encode(1.5) * Fx::encode(-2.0);
  CHECK(Fx::decode(Z2k<64>::from_signed(p.as_signed() >> 16)) == -3.0);
}

TEST_CASE("Range budget: three exposures of 1e14 summed with a 3-term budget are refused", "[sharing][fixed][budget]") {
  using Fx = Fixed<16>;
  const std::vector<double> exposures{1e14, 1e14, 1e14};
  // Without a budget each value encodes, and the sum wraps silently to 1.85e13.
  const auto plain = Fx::encode(exposures);
  const double wrapped = Fx::decode(plain[0] + plain[1] + plain[2]);
  CHECK(std::abs(wrapped - 1.8530e13) < 1e10);
  // With the budget the encoder refuses, naming the index and the budget, never the value.
  std::vector<Z2k<64>> out(3, Z2k<64>{7});
  try {
    Fx::encode(exposures, out, sharing::RangeBudget{.terms = 3});
    FAIL("a value that can overflow a 3-term sum was accepted");
  } catch (const InvalidArgument& e) {
    const std::string what = e.what();
    INFO(what);
    CHECK(what.find("index 0") != std::string::npos);
    CHECK(what.find("range budget") != std::string::npos);
    CHECK(what.find("3 terms") != std::string::npos);
    CHECK(what.find("1e+14") == std::string::npos);
    CHECK(what.find("100000000000000") == std::string::npos);
  }
  CHECK(out == std::vector<Z2k<64>>(3, Z2k<64>{7}));  // all-or-nothing
  // The index named is the first value over the bound.
  const std::vector<double> mixed{1.0, -2.0, -1e14};
  CHECK_THROWS_WITH(Fx::encode(mixed, sharing::RangeBudget{.terms = 3}), Catch::Contains("index 2"));
  // Values within the budget add up exactly.
  const double m = Fx::max_magnitude({.terms = 3});
  const std::vector<double> fits{m, m, m};
  const auto enc = Fx::encode(fits, sharing::RangeBudget{.terms = 3});
  const Z2k<64> sum = enc[0] + enc[1] + enc[2];
  CHECK(sum.as_signed() > 0);
  CHECK(sum.as_signed() < (std::int64_t{1} << 62));
  CHECK(Fx::decode(sum) == 3 * m);
}

TEST_CASE("Range budget bounds are exact", "[sharing][fixed][budget]") {
  using Fx = Fixed<16>;
  constexpr std::uint64_t safe = (std::uint64_t{1} << 62) - 1;
  CHECK(Fx::max_encoding({}) == safe);
  CHECK(Fx::max_encoding({.terms = 3}) == safe / 3);
  CHECK(Fx::max_encoding({.terms = 1000}) == safe / 1000);
  for (std::uint64_t products : {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{3}, std::uint64_t{100},
                                 std::uint64_t{12345}, std::uint64_t{1} << 40}) {
    INFO(products);
    const std::uint64_t m = Fx::max_encoding({.terms = 1, .products = products});
    CHECK(m * m <= safe / products);
    CHECK((m + 1) * (m + 1) > safe / products);
  }
  CHECK_THROWS_AS(Fx::max_encoding({.terms = 0}), InvalidArgument);
  CHECK_THROWS_AS(Fx::encode(std::vector<double>{1.0}, sharing::RangeBudget{.terms = 0}), InvalidArgument);
  // At the bound accepted, one encoding step above refused.
  const sharing::RangeBudget dot{.terms = 1, .products = 100};
  const double edge = Fx::max_magnitude(dot);
  CHECK_NOTHROW(Fx::encode(std::vector<double>{edge, -edge}, dot));
  CHECK_THROWS_AS(Fx::encode(std::vector<double>{edge + Fx::resolution}, dot), InvalidArgument);
  CHECK_THROWS_AS(Fx::encode(std::vector<double>{-edge - Fx::resolution}, dot), InvalidArgument);
  // A dot product of 100 products of values at the bound stays below 2^62.
  const auto e = Fx::encode(std::vector<double>{edge}, dot)[0];
  Z2k<64> acc{};
  for (int i = 0; i < 100; ++i) acc = acc + e * e;
  CHECK(acc.as_signed() > 0);
  CHECK(static_cast<std::uint64_t>(acc.as_signed()) <= safe);
  CHECK(sharing::RangeBudget{.terms = 2, .products = 5}.describe() == "2 terms, sums of 5 products");
  std::vector<Z2k<64>> short_out(1);
  CHECK_THROWS_AS(Fx::encode(std::vector<double>{1.0, 2.0}, short_out, sharing::RangeBudget{}), InvalidArgument);
  // NaN and out-of-range values keep their own messages under a budget.
  CHECK_THROWS_WITH(Fx::encode(std::vector<double>{0.0, std::nan("")}, sharing::RangeBudget{}),
                    Catch::Contains("index 1 is NaN"));
}
