// Tests for privfin/he/encoding.hpp: signed and fixed-point encodings at
// their edges, and packed vectors with headroom and overflow detection.
#include <catch2/catch.hpp>

#include <privfin/core/error.hpp>
#include <privfin/core/fixed_rounding.hpp>
#include <privfin/core/prg.hpp>
#include <privfin/he/encoding.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "he/test_keys.hpp"

using namespace privfin;
using namespace privfin::he;

namespace {
Prg seeded(unsigned char s) { return Prg(Prg::Seed{std::byte{0x22}, std::byte{s}}); }
}  // namespace

TEST_CASE("Signed encoding around n/2", "[he][encoding]") {
  const auto& sk = test::test_paillier_key();
  const auto& pk = sk.public_key();
  const mpz_class half = (pk.n() - 1) / 2;
  Prg prg = seeded(1);
  CHECK(encode_signed(pk, -5) == pk.n() - 5);
  CHECK(encode_signed(pk, 5) == 5);
  CHECK(decode_signed(pk, pk.n() - 5) == -5);
  CHECK(decode_signed(pk, encode_signed(pk, half)) == half);
  CHECK(decode_signed(pk, encode_signed(pk, -half)) == -half);
  CHECK(decode_signed(pk, 0) == 0);
  CHECK_THROWS_AS(encode_signed(pk, half + 1), InvalidArgument);
  CHECK_THROWS_AS(encode_signed(pk, -half - 1), InvalidArgument);
  CHECK_THROWS_AS(decode_signed(pk, pk.n()), InvalidArgument);
  CHECK_THROWS_AS(decode_signed(pk, -1), InvalidArgument);
  // Homomorphic arithmetic on negative numbers.
  const auto a = pk.encrypt(encode_signed(pk, -123456789), prg);
  const auto b = pk.encrypt(encode_signed(pk, 1000), prg);
  CHECK(decode_signed(pk, sk.decrypt(pk.add(a, b))) == -123455789);
  CHECK(decode_signed(pk, sk.decrypt(pk.mul_plain(a, -3))) == 370370367);
  CHECK(decode_signed(pk, sk.decrypt(pk.sub(b, a))) == 123457789);
  CHECK(decode_signed(pk, sk.decrypt(pk.negate(b))) == -1000);
}

TEST_CASE("Fixed-point encoding", "[he][encoding]") {
  const auto& sk = test::test_paillier_key();
  const auto& pk = sk.public_key();
  Prg prg = seeded(2);
  const FixedPoint fp(16);
  CHECK(fp.to_integer(1.25) == 81920);
  CHECK(fp.to_integer(-1.25) == -81920);
  CHECK(fp.to_integer(0.0) == 0);
  // Ties round away from zero; below half a unit rounds to zero.
  CHECK(fp.to_integer(std::ldexp(1.0, -17)) == 1);
  CHECK(fp.to_integer(-std::ldexp(1.0, -17)) == -1);
  CHECK(fp.to_integer(std::ldexp(1.0, -18)) == 0);
  CHECK(fp.to_integer(1e300) > 0);
  CHECK(fp.to_int64(-3.5) == -229376);
  CHECK_THROWS_AS(fp.to_int64(1e300), InvalidArgument);
  CHECK_THROWS_AS(fp.to_integer(std::nan("")), InvalidArgument);
  CHECK_THROWS_AS(fp.to_integer(std::numeric_limits<double>::infinity()), InvalidArgument);
  CHECK(fp.to_double(81920) == 1.25);
  CHECK(fp.to_double(-81920) == -1.25);
  CHECK(fp.decode(pk, fp.encode(pk, -0.75)) == -0.75);

  // Encrypted dot product: sum_i w_i x_i with plaintext weights.
  const std::vector<double> x{0.5, -1.5, 2.25, -0.125}, w{1.5, 0.25, -2.0, 8.0};
  PaillierCiphertext acc = pk.encrypt(0, prg);
  double expected = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    acc = pk.add(acc, pk.mul_plain(pk.encrypt(fp.encode(pk, x[i]), prg), fp.to_integer(w[i])));
    expected += w[i] * x[i];
  }
  CHECK(fp.decode(pk, sk.decrypt(acc), 2) == Approx(expected).margin(1e-9));
  CHECK_THROWS_AS(FixedPoint(1025), InvalidArgument);
}

namespace {
// True when d is a nearest double to v / 2^s, ties to an even significand,
// decided in exact rational arithmetic (mpq holds every double exactly).
bool is_nearest_double(const mpz_class& v, unsigned long s, double d) {
  mpq_class exact(v);
  mpq_div_2exp(exact.get_mpq_t(), exact.get_mpq_t(), s);
  if (std::isinf(d)) {
    // Beyond the largest double by at least half its ulp (2^970).
    const double max = std::numeric_limits<double>::max();
    return abs(exact) >= mpq_class(max) + mpq_class(mpz_class(1) << 970, 1);
  }
  const auto distance = [&](double candidate) -> mpq_class { return abs(exact - mpq_class(candidate)); };
  const double below = std::nextafter(d, -std::numeric_limits<double>::infinity());
  const double above = std::nextafter(d, std::numeric_limits<double>::infinity());
  const mpq_class here = distance(d);
  for (const double other : {below, above}) {
    if (std::isinf(other)) continue;
    const mpq_class there = distance(other);
    if (there < here) return false;
    if (there == here) {  // a tie: the even significand wins
      // The last bit of the representation is the significand's, normal or subnormal.
      if ((std::bit_cast<std::uint64_t>(d) & 1U) != 0) return false;
    }
  }
  return true;
}
}  // namespace

TEST_CASE("FixedPoint::to_double rounds to the nearest double, ties to even", "[he][encoding]") {
  const FixedPoint integer(0);
  const mpz_class two54 = mpz_class(1) << 54;
  // Above 2^53 the ulp is 2 or more: 2^54 + 3 is nearer 2^54 + 4 (it was
  // truncated to 2^54).
  CHECK(integer.to_double(two54 + 3) == std::ldexp(1.0, 54) + 4);
  CHECK(integer.to_double(-(two54 + 3)) == -(std::ldexp(1.0, 54) + 4));
  CHECK(integer.to_double(two54 + 1) == std::ldexp(1.0, 54));
  CHECK(integer.to_double(two54 + 2) == std::ldexp(1.0, 54));      // tie, even stays
  CHECK(integer.to_double(two54 + 6) == std::ldexp(1.0, 54) + 8);  // tie, odd rounds up
  CHECK(std::isinf(integer.to_double(mpz_class(1) << 1024)));
  CHECK(FixedPoint(1024).to_double(mpz_class(1), 2) == 0.0);  // 2^-2048
  CHECK(FixedPoint(1024).to_double(mpz_class(3), 1) == std::ldexp(3.0, -1024));  // subnormal, exact

  // Random values of every size, scaled into the normal, subnormal and
  // overflow ranges, against the exact rational reference.
  Prg prg = seeded(9);
  for (int i = 0; i < 3000; ++i) {
    const auto bits = 1 + prg.next_u64() % 1200;
    mpz_class v = 0;
    std::size_t drawn = 0;
    for (; drawn < bits; drawn += 64) v = (v << 64) + mpz_class(std::to_string(prg.next_u64()));
    v >>= static_cast<mp_bitcnt_t>(drawn - bits);  // at most `bits` bits
    if (prg.next_u64() % 4 == 0) v |= 1;  // ties and near-ties at the last bit
    if (prg.next_u64() % 2 == 0) v = -v;
    const std::size_t f = prg.next_u64() % 1025;
    const std::size_t power = 1 + prg.next_u64() % 2;
    const double d = FixedPoint(f).to_double(v, power);
    INFO("v = " << v.get_str(16) << ", s = " << f * power);
    REQUIRE(is_nearest_double(v, static_cast<unsigned long>(f * power), d));
  }
}

TEST_CASE("Packed vectors add slot-wise", "[he][encoding][packing]") {
  const auto& sk = test::test_paillier_key();
  const auto& pk = sk.public_key();
  Prg prg = seeded(3);
  const std::size_t value_bits = 20;
  const std::uint64_t max_summands = 10;
  const PackedEncoding pack(pk, value_bits, max_summands);
  CHECK(pack.slot_bits() == 24);               // 20 + bitlen(10)
  CHECK(pack.slots_per_plaintext() == 1023 / 24);  // 42
  const std::size_t count = 100;               // 3 plaintexts, the last one partly used
  CHECK(pack.plaintexts_for(count) == 3);
  const PaillierEncryptor encryptor(pk, prg);
  const std::int64_t limit = std::int64_t{1} << (value_bits - 1);

  std::vector<std::int64_t> sums(count, 0);
  std::vector<PaillierCiphertext> total;
  for (std::uint64_t party = 0; party < max_summands; ++party) {
    std::vector<std::int64_t> values(count);
    for (std::size_t i = 0; i < count; ++i) {
      values[i] = static_cast<std::int64_t>(prg.next_u64() % (2 * static_cast<std::uint64_t>(limit))) - limit;
    }
    values[0] = -limit;     // the extremes
    values[1] = limit - 1;
    for (std::size_t i = 0; i < count; ++i) sums[i] += values[i];
    auto cts = pack.encrypt(values, encryptor, prg);
    REQUIRE(cts.size() == 3);
    if (party == 0) {
      CHECK(pack.decrypt(sk, cts, count, 1) == values);
      total = cts;
    } else {
      for (std::size_t j = 0; j < cts.size(); ++j) total[j] = pk.add(total[j], cts[j]);
    }
  }
  CHECK(pack.decrypt(sk, total, count, max_summands) == sums);

  // A scalar multiple by k counts as k summands.
  const std::vector<std::int64_t> small{-3, 7, 0, 12};
  auto one = pack.encrypt(small, prg);
  one[0] = pk.mul_plain(one[0], 4);
  CHECK(pack.decrypt(sk, one, small.size(), 4) == std::vector<std::int64_t>{-12, 28, 0, 48});
}

TEST_CASE("Packed encoding edge cases and overflow detection", "[he][encoding][packing]") {
  const auto& sk = test::test_paillier_key();
  const auto& pk = sk.public_key();
  Prg prg = seeded(4);
  const PackedEncoding pack(pk, 8, 3);  // values in [-128, 128), slots of 10 bits
  REQUIRE(pack.slot_bits() == 10);

  CHECK_THROWS_AS(pack.encode(std::vector<std::int64_t>{1, 128}), InvalidArgument);
  CHECK_THROWS_AS(pack.encode(std::vector<std::int64_t>{-129}), InvalidArgument);
  CHECK(pack.encode(std::vector<std::int64_t>{}).empty());
  CHECK(pack.decode(std::vector<mpz_class>{}, 0, 1).empty());

  const std::vector<std::int64_t> top{127, 127, -128};
  const auto cts = pack.encrypt(top, prg);
  PaillierCiphertext sum = cts[0];
  for (int i = 0; i < 3; ++i) sum = pk.add(sum, cts[0]);  // four summands, headroom for three
  const std::vector<PaillierCiphertext> four{sum};
  CHECK_THROWS_AS(pack.decrypt(sk, four, 3, 4), InvalidArgument);  // above max_summands
  CHECK_THROWS_WITH(pack.decrypt(sk, four, 3, 3), Catch::Contains("overflowed"));
  // Declaring fewer summands than were added is also caught.
  const std::vector<PaillierCiphertext> two{pk.add(cts[0], cts[0])};
  CHECK_THROWS_AS(pack.decrypt(sk, two, 3, 1), DecodeError);
  CHECK(pack.decrypt(sk, two, 3, 2) == std::vector<std::int64_t>{254, 254, -256});

  // A peer's plaintext with a value past its slot, a used unused slot, or
  // bits past the last slot.
  const mpz_class past_slot = mpz_class(1) << 9;  // 512 > 255 in slot 0
  CHECK_THROWS_AS(pack.decode(std::vector<mpz_class>{past_slot}, 1, 1), DecodeError);
  const mpz_class unused = mpz_class(5) << 10;  // slot 1 when only slot 0 is used
  CHECK_THROWS_WITH(pack.decode(std::vector<mpz_class>{unused}, 1, 1), Catch::Contains("unused slot"));
  const mpz_class spill = mpz_class(1) << (10 * pack.slots_per_plaintext());
  CHECK_THROWS_WITH(pack.decode(std::vector<mpz_class>{spill}, pack.slots_per_plaintext(), 1),
                    Catch::Contains("spills"));
  // Wrong plaintext count for the value count.
  CHECK_THROWS_AS(pack.decode(std::vector<mpz_class>{0, 0}, 3, 1), InvalidArgument);
  CHECK_THROWS_AS(pack.decode(std::vector<mpz_class>{0}, 3, 0), InvalidArgument);

  CHECK_THROWS_AS(PackedEncoding(pk, 0, 1), InvalidArgument);
  CHECK_THROWS_AS(PackedEncoding(pk, 63, 1), InvalidArgument);
  CHECK_THROWS_AS(PackedEncoding(pk, 8, 0), InvalidArgument);
  CHECK_THROWS_AS(PackedEncoding(pk, 60, 100), InvalidArgument);  // 60 + 7 > 63
  const PackedEncoding widest(pk, 62, 1);
  const std::vector<std::int64_t> extremes{std::int64_t{1} << 61, -(std::int64_t{1} << 61), (std::int64_t{1} << 61) - 1};
  CHECK_THROWS_AS(widest.encode(extremes), InvalidArgument);  // 2^61 is out of range
  const std::vector<std::int64_t> ok{-(std::int64_t{1} << 61), (std::int64_t{1} << 61) - 1};
  CHECK(widest.decrypt(sk, widest.encrypt(ok, prg), 2, 1) == ok);
}

TEST_CASE("FixedPoint rounds with the library's one rule (core/fixed_rounding.hpp, as sharing::Fixed)",
          "[he][encoding]") {
  const FixedPoint fp(16);
  const double u = std::ldexp(1.0, -16);
  // Ties away from zero, like sharing::Fixed.
  CHECK(fp.to_int64(2.5 * u) == 3);
  CHECK(fp.to_int64(-2.5 * u) == -3);
  CHECK(fp.to_int64(std::nextafter(0.5, 0.0) * u) == 0);
  CHECK(FixedPoint(0).to_int64(0.49999999999999994) == 0);
  // The int64 and big-integer paths agree with each other and with round_scaled.
  privfin::Prg prg(privfin::Prg::Seed{std::byte{0x48}});
  for (int i = 0; i < 5000; ++i) {
    const double x = std::ldexp(static_cast<double>(prg.next_u64() >> 11) - 4503599627370496.0,
                                static_cast<int>(prg.next_u64() % 75) - 80);  // |x * 2^16| < 2^63
    const auto expected = privfin::round_scaled(x, 16)->to_int64();
    REQUIRE(expected.has_value());
    CHECK(fp.to_int64(x) == *expected);
    CHECK(fp.to_integer(x) == mpz_class(static_cast<long>(*expected)));
  }
  // Range edges of the int64 path are those of sharing::Fixed<16>.
  CHECK(fp.to_int64(-std::ldexp(1.0, 47)) == std::numeric_limits<std::int64_t>::min());
  CHECK_THROWS_AS(fp.to_int64(std::ldexp(1.0, 47)), privfin::InvalidArgument);
  CHECK(fp.to_integer(std::ldexp(1.0, 47)) == mpz_class(1) << 63);
  CHECK_FALSE(privfin::round_scaled(std::numeric_limits<double>::quiet_NaN(), 3).has_value());
  CHECK(privfin::round_scaled(-0.0, 3)->to_int64() == 0);
  CHECK(privfin::round_scaled(std::numeric_limits<double>::denorm_min(), 1074)->to_int64() == 1);
  CHECK(privfin::round_scaled(std::numeric_limits<double>::denorm_min(), 1073)->to_int64() == 1);  // 0.5: away
  CHECK(privfin::round_scaled(std::numeric_limits<double>::denorm_min(), 1072)->to_int64() == 0);
}
