// Tests for privfin/core/ring.hpp: Z_{2^K} arithmetic against wide-integer
// arithmetic reduced by hand, and the span operations.
#include <catch2/catch.hpp>

#include <privfin/core/prg.hpp>
#include <privfin/core/detail/int128.hpp>
#include <privfin/core/ring.hpp>

#include <vector>

using namespace privfin;

TEMPLATE_TEST_CASE_SIG("Z2k arithmetic wraps modulo 2^K", "[core][ring]", ((unsigned K), K), 8, 16, 32, 64) {
  using R = Z2k<K>;
  using privfin::detail::uint128;
  const uint128 mod = static_cast<uint128>(1) << K;
  Prg prg(Prg::Seed{std::byte{static_cast<unsigned char>(K)}});
  for (int i = 0; i < 2000; ++i) {
    const std::uint64_t x = prg.next_u64(), y = prg.next_u64();
    const R a = R::from_signed(static_cast<std::int64_t>(x)), b = R::from_signed(static_cast<std::int64_t>(y));
    const auto wa = static_cast<uint128>(a.value()), wb = static_cast<uint128>(b.value());
    CHECK((a + b).value() == static_cast<typename R::Word>((wa + wb) % mod));
    CHECK((a * b).value() == static_cast<typename R::Word>((wa * wb) % mod));
    CHECK((a - b).value() == static_cast<typename R::Word>((wa + mod - wb) % mod));
    CHECK((a - b) + b == a);
    CHECK(-a + a == R::zero());
  }
  // Boundary values: the all-ones word times itself is 1 (mod 2^K).
  const R minus_one = R::from_signed(-1);
  CHECK(minus_one * minus_one == R::one());
  CHECK(minus_one.as_signed() == -1);
  CHECK(minus_one.msb());
  CHECK((minus_one + R::one()) == R::zero());
  CHECK((R::one() << (K - 1)).msb());
  CHECK(((R::one() << (K - 1)) >> (K - 1)) == R::one());
}

TEMPLATE_TEST_CASE_SIG("Z2k shifts and bit() are defined for every amount", "[core][ring]", ((unsigned K), K), 8, 16,
                       32, 64) {
  // a << s is a * 2^s mod 2^K and a >> s is floor(a / 2^s), for s >= K too
  // (where a machine shift is undefined behaviour; UBSan flags it). The
  // amounts come from a loop so the compiler cannot fold them.
  using R = Z2k<K>;
  using privfin::detail::uint128;
  const R a = R::from_signed(-0x1234567);
  const auto wide = static_cast<uint128>(a.value());
  const uint128 mod = static_cast<uint128>(1) << K;
  for (unsigned s = 0; s <= 2 * K + 1; ++s) {
    INFO("s = " << s);
    const uint128 left = s >= 128 ? 0 : (wide << s) % mod;
    const uint128 right = s >= 128 ? 0 : wide >> s;
    CHECK((a << s).value() == static_cast<typename R::Word>(left));
    CHECK((a >> s).value() == static_cast<typename R::Word>(right));
    CHECK(a.bit(s) == (s < K && ((wide >> s) & 1U) != 0));
  }
}

TEST_CASE("Z2k little-endian encoding round-trips", "[core][ring]") {
  const Z2k<32> v{0x12345678U};
  std::array<std::byte, 4> buf{};
  v.write_le(buf);
  CHECK(buf[0] == std::byte{0x78});
  CHECK(buf[3] == std::byte{0x12});
  CHECK(Z2k<32>::read_le(buf) == v);
}

TEST_CASE("ring span operations match scalar arithmetic", "[core][ring]") {
  Prg prg(Prg::Seed{std::byte{7}});
  for (std::size_t n : {0U, 1U, 63U, 64U, 65U, 1000U}) {
    std::vector<Z2k<64>> a(n), b(n), out(n);
    prg.fill(std::span<Z2k<64>>(a));
    prg.fill(std::span<Z2k<64>>(b));
    ring::mul<64>(a, b, out);
    for (std::size_t i = 0; i < n; ++i) REQUIRE(out[i] == a[i] * b[i]);
    ring::add<64>(a, b, out);
    for (std::size_t i = 0; i < n; ++i) REQUIRE(out[i] == a[i] + b[i]);
    ring::sub<64>(a, b, out);
    for (std::size_t i = 0; i < n; ++i) REQUIRE(out[i] == a[i] - b[i]);
    ring::negate<64>(a, out);
    for (std::size_t i = 0; i < n; ++i) REQUIRE(out[i] == -a[i]);
    ring::mul_scalar<64>(a, Z2k<64>{3}, out);
    for (std::size_t i = 0; i < n; ++i) REQUIRE(out[i] == a[i] * Z2k<64>{3});
    Z2k<64> expected{};
    for (std::size_t i = 0; i < n; ++i) expected += a[i] * b[i];
    CHECK(ring::dot<64>(a, b) == expected);
    std::vector<Z2k<64>> acc(n);
    ring::mul_add_inplace<64>(acc, a, b);
    ring::mul_add_inplace<64>(acc, a, b);
    for (std::size_t i = 0; i < n; ++i) REQUIRE(acc[i] == Z2k<64>{2} * a[i] * b[i]);
    // In place: out aliases an input.
    std::vector<Z2k<64>> c = a;
    ring::add<64>(c, b, c);
    for (std::size_t i = 0; i < n; ++i) REQUIRE(c[i] == a[i] + b[i]);
  }
}

TEST_CASE("ring span operations reject mismatched sizes", "[core][ring]") {
  std::vector<Z2k<16>> a(3), b(4), out(3);
  CHECK_THROWS_AS(ring::add<16>(a, b, out), InvalidArgument);
  CHECK_THROWS_AS(ring::mul<16>(a, a, b), InvalidArgument);
  CHECK_THROWS_AS((void)ring::dot<16>(a, b), InvalidArgument);
}
