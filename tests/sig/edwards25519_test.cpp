// edwards25519: the GMP affine reference (public header) and the 64-bit
// limb code behind ECVRF verification (lib/sig, internal) cross-checked.
#include <catch2/catch.hpp>

#include "../../lib/sig/edwards25519_vartime.hpp"
#include "privfin/core/bigint.hpp"
#include "privfin/sig/edwards25519.hpp"

using namespace privfin;
using namespace privfin::sig;
namespace fast = privfin::sig::detail::ed;

namespace {

Bytes encode_fast(const fast::Point& p) {
  std::array<std::byte, 32> out{};
  fast::encode(p, out);
  return Bytes(out.begin(), out.end());
}

Prg test_prg() {
  Prg::Seed seed{};
  seed[0] = std::byte{0x25};
  return Prg(seed);
}

}  // namespace

TEST_CASE("edwards25519: reference curve constants", "[sig][edwards25519]") {
  const auto b = ed25519_curve::base_point();
  CHECK(ed25519_curve::is_on_curve(b));
  CHECK(to_hex(ed25519_curve::encode(b)) == "5866666666666666666666666666666666666666666666666666666666666666");
  CHECK(ed25519_curve::mul_public(ed25519_curve::group_order(), b) == ed25519_curve::identity());
  CHECK(ed25519_curve::decode(ed25519_curve::encode(b)) == b);
  const auto two_b = ed25519_curve::add(b, b);
  CHECK(ed25519_curve::add(two_b, ed25519_curve::negate(b)) == b);
  CHECK(encode_fast(fast::base_point()) == ed25519_curve::encode(b));
  CHECK(encode_fast(fast::identity()) == ed25519_curve::encode(ed25519_curve::identity()));
}

TEST_CASE("edwards25519: limb arithmetic agrees with the GMP reference", "[sig][edwards25519]") {
  auto prg = test_prg();
  for (int round = 0; round < 20; ++round) {
    const mpz_class k1 = bigint::random_below(ed25519_curve::group_order(), prg);
    const mpz_class k2 = bigint::random_below(mpz_class(1) << 128, prg);
    const auto p = ed25519_curve::mul_public(bigint::random_below(ed25519_curve::group_order(), prg),
                                             ed25519_curve::base_point());
    const Bytes p_enc = ed25519_curve::encode(p);
    const auto fp = fast::decode(p_enc);
    REQUIRE(fp.has_value());
    CHECK(encode_fast(*fp) == p_enc);
    // a*B + b*P both ways.
    const auto expect = ed25519_curve::add(ed25519_curve::mul_public(k1, ed25519_curve::base_point()),
                                           ed25519_curve::mul_public(k2, p));
    const auto got = fast::double_mul(bigint::to_bytes_le(k1, 32), fast::base_point(), bigint::to_bytes_le(k2, 32), *fp);
    CHECK(encode_fast(got) == ed25519_curve::encode(expect));
    CHECK(encode_fast(fast::add(*fp, fast::negate(*fp))) == ed25519_curve::encode(ed25519_curve::identity()));
    CHECK(encode_fast(fast::mul_cofactor(*fp)) == ed25519_curve::encode(ed25519_curve::mul_cofactor(p)));
  }
  // Edge scalars: 0, 1, L - 1, and all-ones low bits that stress the NAF carries.
  const auto& b = fast::base_point();
  const Bytes zero(32);
  CHECK(fast::is_identity(fast::double_mul(zero, b, zero, b)));
  Bytes one(32);
  one[0] = std::byte{1};
  CHECK(encode_fast(fast::double_mul(one, b, zero, b)) == encode_fast(b));
  const Bytes l_minus_1 = bigint::to_bytes_le(ed25519_curve::group_order() - 1, 32);
  CHECK(encode_fast(fast::double_mul(l_minus_1, b, one, b)) == encode_fast(fast::identity()));
  const mpz_class ones = (mpz_class(1) << 252) - 1;
  CHECK(encode_fast(fast::double_mul(bigint::to_bytes_le(ones, 32), b, zero, b)) ==
        ed25519_curve::encode(ed25519_curve::mul_public(ones, ed25519_curve::base_point())));
}

TEST_CASE("edwards25519: strict decoding in both implementations", "[sig][edwards25519]") {
  const auto& p = ed25519_curve::field_prime();
  std::vector<Bytes> rejected;
  rejected.push_back(bigint::to_bytes_le(p, 32));      // y = p
  rejected.push_back(bigint::to_bytes_le(p + 1, 32));  // y = p + 1 (would alias y = 1)
  Bytes neg_identity = ed25519_curve::encode(ed25519_curve::identity());
  neg_identity[31] |= std::byte{0x80};
  rejected.push_back(neg_identity);  // x = 0 with the sign bit
  Bytes short_enc(31);
  rejected.push_back(short_enc);
  for (unsigned char i = 2; rejected.size() < 6; ++i) {  // y with no x
    Bytes enc(32);
    enc[0] = std::byte{i};
    if (!ed25519_curve::decode(enc)) rejected.push_back(enc);
  }
  for (const auto& enc : rejected) {
    INFO(to_hex(enc));
    CHECK_FALSE(ed25519_curve::decode(enc).has_value());
    CHECK_FALSE(fast::decode(enc).has_value());
  }
  // Both accept and agree on a range of valid encodings, both signs.
  for (unsigned char i = 0; i < 40; ++i) {
    for (const std::byte sign : {std::byte{0x00}, std::byte{0x80}}) {
      Bytes enc(32);
      enc[0] = std::byte{i};
      enc[31] = sign;
      const auto slow = ed25519_curve::decode(enc);
      const auto quick = fast::decode(enc);
      REQUIRE(slow.has_value() == quick.has_value());
      if (slow) {
        CHECK(ed25519_curve::encode(*slow) == enc);
        CHECK(encode_fast(*quick) == enc);
        CHECK(ed25519_curve::is_on_curve(*slow));
      }
    }
  }
}

TEST_CASE("edwards25519: decode_many agrees with decode, on both paths", "[sig][edwards25519]") {
  // Random strings (about half are on no point), valid encodings of random
  // multiples of B with both signs, and the edge values: y = 0, 1, p - 1,
  // p and p + 1 (not canonical), 2^255 - 1, x = 0 with the sign bit.
  auto prg = test_prg();
  const auto& p = ed25519_curve::field_prime();
  std::vector<Bytes> encodings;
  for (const mpz_class& y : {mpz_class(0), mpz_class(1), mpz_class(p - 1), mpz_class(p), mpz_class(p + 1),
                             mpz_class((mpz_class(1) << 255) - 1)}) {
    Bytes enc = bigint::to_bytes_le(y, 32);
    encodings.push_back(enc);
    enc[31] |= std::byte{0x80};
    encodings.push_back(enc);
  }
  for (int i = 0; i < 40; ++i) {
    Bytes random(32);
    prg.fill(std::span<std::byte>(random));
    encodings.push_back(random);
    Bytes scalar(32);
    prg.fill(std::span<std::byte>(scalar));
    scalar[31] &= std::byte{0x0f};
    encodings.push_back(encode_fast(fast::double_mul(scalar, fast::base_point(), Bytes(32), fast::base_point())));
  }
  encodings.push_back(Bytes(31));  // the wrong size
  std::vector<ByteView> views(encodings.begin(), encodings.end());
  // Every count from 0 to 17 (the vector path's full groups and its
  // padded tail) and the whole list.
  std::vector<std::size_t> counts;
  for (std::size_t n = 0; n <= 17; ++n) counts.push_back(n);
  counts.push_back(views.size());
  std::size_t valid = 0;
  for (const bool simd : {false, true}) {
    for (const std::size_t n : counts) {
      const std::span<const ByteView> some(views.data() + views.size() - n, n);
      const auto many = fast::decode_many(some, simd);
      REQUIRE(many.size() == n);
      for (std::size_t i = 0; i < n; ++i) {
        INFO("simd " << simd << ", " << n << " encodings, " << to_hex(some[i]));
        const auto one = fast::decode(some[i]);
        REQUIRE(many[i].has_value() == one.has_value());
        if (!one) continue;
        CHECK(encode_fast(*many[i]) == encode_fast(*one));
        CHECK(encode_fast(*many[i]) == Bytes(some[i].begin(), some[i].end()));
        // T = XY/Z is kept: an addition with it matches the reference.
        CHECK(encode_fast(fast::add(*many[i], fast::base_point())) == encode_fast(fast::add(*one, fast::base_point())));
        if (n == views.size()) ++valid;
      }
    }
  }
  CHECK(valid > 80);  // the multiples of B and the valid edges, on both paths
}

TEST_CASE("edwards25519: multi-scalar multiplication, Straus and Pippenger, against the reference",
          "[sig][edwards25519]") {
  auto prg = test_prg();
  const auto& l = ed25519_curve::group_order();
  // Sizes around the Straus/Pippenger crossover and Pippenger's window steps
  // (c = 4, 5, 6).
  for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{33},
                              std::size_t{70}, std::size_t{140}, std::size_t{260}}) {
    INFO("n = " << n);
    std::vector<fast::Scalar> scalars(n);
    std::vector<fast::Point> points(n);
    auto expect = ed25519_curve::identity();
    for (std::size_t i = 0; i < n; ++i) {
      // Mixed sizes: 128-bit, full, and edge values (0, 1, L - 1, 2^255 - 1).
      mpz_class k = i % 3 == 0 ? bigint::random_below(mpz_class(1) << 128, prg) : bigint::random_below(l, prg);
      if (i == 1) k = 0;
      if (i == 2) k = 1;
      if (i == 3) k = l - 1;
      if (i == 4) k = (mpz_class(1) << 255) - 1;
      const Bytes kb = bigint::to_bytes_le(k, 32);
      std::copy(kb.begin(), kb.end(), scalars[i].begin());
      const auto p = ed25519_curve::mul_public(bigint::random_below(l, prg), ed25519_curve::base_point());
      // A few points with a torsion component, as a forger may supply.
      const auto q = i % 5 == 4 ? ed25519_curve::add(p, *ed25519_curve::decode(Bytes(32))) : p;
      points[i] = *fast::decode(ed25519_curve::encode(q));
      expect = ed25519_curve::add(expect, ed25519_curve::mul_public(k, q));
    }
    const mpz_class kb = bigint::random_below(l, prg);
    fast::Scalar base{};
    const Bytes kbb = bigint::to_bytes_le(kb, 32);
    std::copy(kbb.begin(), kbb.end(), base.begin());
    expect = ed25519_curve::add(expect, ed25519_curve::mul_public(kb, ed25519_curve::base_point()));
    const Bytes want = ed25519_curve::encode(expect);
    CHECK(encode_fast(fast::multi_mul_straus(base, scalars, points)) == want);
    CHECK(encode_fast(fast::multi_mul_pippenger(base, scalars, points)) == want);
    CHECK(encode_fast(fast::multi_mul_pippenger(base, scalars, points, false)) == want);
    CHECK(encode_fast(fast::multi_mul(base, scalars, points)) == want);
  }
}

TEST_CASE("edwards25519: results of the multiplications can be added to (T is kept)", "[sig][edwards25519]") {
  // Regression: a last doubling without an addition after it left T unset,
  // so adding to the result (as chunked Straus does) went wrong for even
  // scalars.
  auto prg = test_prg();
  const auto& b = fast::base_point();
  const auto& l = ed25519_curve::group_order();
  for (int round = 0; round < 8; ++round) {
    const mpz_class k1 = 2 * bigint::random_below(mpz_class(1) << 200, prg);  // even
    const mpz_class k2 = 4 * bigint::random_below(mpz_class(1) << 120, prg);
    const Bytes k1b = bigint::to_bytes_le(k1, 32), k2b = bigint::to_bytes_le(k2, 32);
    const auto two_b = ed25519_curve::add(ed25519_curve::base_point(), ed25519_curve::base_point());
    const auto want = ed25519_curve::encode(ed25519_curve::add(
        ed25519_curve::mul_public((k1 + 2 * k2 + 1) % l, ed25519_curve::base_point()), ed25519_curve::identity()));
    CHECK(encode_fast(fast::add(fast::double_mul(k1b, b, k2b, fast::add(b, b)), b)) == want);
    fast::Scalar s1{}, s2{};
    std::copy(k1b.begin(), k1b.end(), s1.begin());
    std::copy(k2b.begin(), k2b.end(), s2.begin());
    const std::vector<fast::Scalar> scalars{s2};
    const std::vector<fast::Point> points{*fast::decode(ed25519_curve::encode(two_b))};
    CHECK(encode_fast(fast::add(fast::multi_mul_straus(s1, scalars, points), b)) == want);
    CHECK(encode_fast(fast::add(fast::multi_mul_pippenger(s1, scalars, points), b)) == want);
    CHECK(encode_fast(fast::add(fast::multi_mul_pippenger(s1, scalars, points, false), b)) == want);
  }
}
