// Tests for privfin/sig/bls12_381/curve.hpp: i*G for i = 0..999 against the
// zkcrypto encoding vectors, group laws, scalar multiplication, subgroup
// checks, cofactor clearing, and every malformed encoding.
#include <catch2/catch.hpp>

#include <privfin/core/error.hpp>
#include <privfin/core/prg.hpp>
#include <privfin/sig/bls12_381/curve.hpp>

#include <string>

#include "sig/bls12_381_test_util.hpp"
#include "support/vectors.hpp"

using namespace privfin;
using namespace privfin::sig::bls12_381;

namespace {

template <class Array>
std::string hex_of(const Array& a) {
  return to_hex(ByteView(a.data(), a.size()));
}

// A point on E (over Fp) that is generally not in G1.
G1 random_e1_point(Prg& prg) {
  for (;;) {
    const Fp x = testutil::random_field<Fp>(prg);
    if (auto y = fp_sqrt(x.square() * x + G1Traits::b())) return G1(x, *y, Fp::one());
  }
}

G2 random_e2_point(Prg& prg) {
  for (;;) {
    const Fp2 x = testutil::random_fp2(prg);
    if (auto y = fp2_sqrt(x.square() * x + G2Traits::b())) return G2(x, *y, Fp2::one());
  }
}

template <class P>
bool order_divides_r(const P& p) {
  return p.mul_vartime(Fr::modulus).is_identity();
}

}  // namespace

TEST_CASE("G1/G2 encodings of i*G match the zkcrypto vectors", "[sig][bls12_381][curve]") {
  for (const auto& path : test::vector_files("bls12-381", ".json", "points")) {
    INFO(path.string());
    const auto j = test::load_json(path);
    const auto& g1c = j.at("G1_Compressed");
    const auto& g1u = j.at("G1_Uncompressed");
    const auto& g2c = j.at("G2_Compressed");
    const auto& g2u = j.at("G2_Uncompressed");
    REQUIRE(g1c.size() == g2c.size());
    G1 p1;
    G2 p2;
    for (std::size_t i = 0; i < g1c.size(); ++i) {
      INFO("i = " << i);
      REQUIRE(hex_of(g1_to_compressed(p1)) == g1c[i].get<std::string>());
      REQUIRE(hex_of(g1_to_uncompressed(p1)) == g1u[i].get<std::string>());
      REQUIRE(hex_of(g2_to_compressed(p2)) == g2c[i].get<std::string>());
      REQUIRE(hex_of(g2_to_uncompressed(p2)) == g2u[i].get<std::string>());
      REQUIRE(g1_from_bytes(from_hex(g1c[i].get<std::string>())) == p1);
      REQUIRE(g1_from_bytes(from_hex(g1u[i].get<std::string>())) == p1);
      REQUIRE(g2_from_bytes(from_hex(g2c[i].get<std::string>())) == p2);
      REQUIRE(g2_from_bytes(from_hex(g2u[i].get<std::string>())) == p2);
      if (i % 97 == 0) {
        const Fr k = Fr::from_u64(i);
        CHECK(G1::generator().mul(k) == p1);
        CHECK(G2::generator().mul(k) == p2);
        const std::uint64_t limb[1] = {i};
        CHECK(G1::generator().mul_vartime(limb) == p1);
      }
      p1 += G1::generator();
      p2 += G2::generator();
    }
  }
}

TEMPLATE_TEST_CASE("Group laws and scalar multiplication", "[sig][bls12_381][curve]", G1, G2) {
  using P = TestType;
  Prg prg(Prg::Seed{std::byte{7}});
  const P g = P::generator();
  CHECK(g.is_on_curve());
  CHECK(P::identity().is_on_curve());
  CHECK(order_divides_r(g));
  const Fr a = testutil::random_field<Fr>(prg), b = testutil::random_field<Fr>(prg);
  const P pa = g.mul(a), pb = g.mul(b);
  CHECK(pa.is_on_curve());
  CHECK(pa + pb == g.mul(a + b));
  CHECK(pa.mul(b) == pb.mul(a));
  CHECK(pa.mul(b) == g.mul(a * b));
  CHECK(pa - pa == P::identity());
  CHECK((pa - pa).is_identity());
  CHECK(pa + P::identity() == pa);
  CHECK(P::identity() + pa == pa);
  CHECK(pa + pa == pa.dbl());
  CHECK(P::identity().dbl().is_identity());
  CHECK((pa + pb) + g == pa + (pb + g));
  CHECK(g.mul(-Fr::one()) == -g);
  CHECK(g.mul(Fr::zero()).is_identity());
  const auto raw = a.to_raw();
  CHECK(g.mul_vartime(raw) == pa);
  // [x]P against the general multiplication with x mod r.
  const Fr x = -Fr::from_u64(bls_x_abs);
  CHECK(pa.mul_by_x() == pa.mul(x));
  // Affine round trip.
  CHECK(P::from_affine(pa.to_affine()) == pa);
  CHECK(P::identity().to_affine().infinity);
}

TEST_CASE("Subgroup checks and cofactor clearing", "[sig][bls12_381][curve]") {
  Prg prg(Prg::Seed{std::byte{8}});
  for (int i = 0; i < 4; ++i) {
    const G1 p = random_e1_point(prg);
    REQUIRE(p.is_on_curve());
    CHECK(g1_in_subgroup(p) == order_divides_r(p));
    CHECK_FALSE(g1_in_subgroup(p));
    const G1 c = g1_clear_cofactor(p);
    CHECK(g1_in_subgroup(c));
    CHECK(order_divides_r(c));

    const G2 q = random_e2_point(prg);
    REQUIRE(q.is_on_curve());
    CHECK_FALSE(order_divides_r(q));
    CHECK_FALSE(g2_in_subgroup(q));
    const G2 d = g2_clear_cofactor(q);
    CHECK(order_divides_r(d));
    CHECK(g2_in_subgroup(d));
    CHECK(g2_in_subgroup(G2::generator().mul(testutil::random_field<Fr>(prg))));
    // psi acts on G2 as multiplication by p (mod r).
    CHECK(g2_psi(d) == d.mul_vartime(Fp::modulus));
  }
  CHECK(g1_in_subgroup(G1::identity()));
  CHECK(g2_in_subgroup(G2::identity()));
}

TEST_CASE("Malformed G1/G2 encodings are rejected", "[sig][bls12_381][curve]") {
  Prg prg(Prg::Seed{std::byte{9}});
  const G1 p = G1::generator().mul(Fr::from_u64(5));
  const G2 q = G2::generator().mul(Fr::from_u64(5));
  const auto c1 = g1_to_compressed(p);
  const auto u1 = g1_to_uncompressed(p);
  const auto c2 = g2_to_compressed(q);
  const auto u2 = g2_to_uncompressed(q);
  auto bytes = [](const auto& a) { return Bytes(a.begin(), a.end()); };

  // Wrong lengths.
  CHECK_THROWS_AS(g1_from_bytes(Bytes{}), DecodeError);
  CHECK_THROWS_AS(g1_from_bytes(Bytes(47)), DecodeError);
  CHECK_THROWS_AS(g1_from_bytes(Bytes(c2.begin(), c2.end())), DecodeError);  // 96 bytes with compression flag
  CHECK_THROWS_AS(g2_from_bytes(Bytes(c1.begin(), c1.end())), DecodeError);
  CHECK_THROWS_AS(g2_from_bytes(Bytes(191)), DecodeError);
  // Compression flag disagreeing with the length.
  {
    auto b = bytes(c1);
    b[0] &= std::byte{0x7f};
    CHECK_THROWS_AS(g1_from_bytes(b), DecodeError);
    auto u = bytes(u1);
    u[0] |= std::byte{0x80};
    CHECK_THROWS_AS(g1_from_bytes(u), DecodeError);
    auto u2b = bytes(u2);
    u2b[0] |= std::byte{0x80};
    CHECK_THROWS_AS(g2_from_bytes(u2b), DecodeError);
  }
  // Sign flag on an uncompressed point.
  {
    auto u = bytes(u1);
    u[0] |= std::byte{0x20};
    CHECK_THROWS_AS(g1_from_bytes(u), DecodeError);
    auto v = bytes(u2);
    v[0] |= std::byte{0x20};
    CHECK_THROWS_AS(g2_from_bytes(v), DecodeError);
  }
  // Infinity: sign flag set, or non-zero bits anywhere.
  {
    auto inf = bytes(g1_to_compressed(G1::identity()));
    CHECK(g1_from_bytes(inf).is_identity());
    auto s = inf;
    s[0] |= std::byte{0x20};
    CHECK_THROWS_AS(g1_from_bytes(s), DecodeError);
    auto t = inf;
    t[47] = std::byte{1};
    CHECK_THROWS_AS(g1_from_bytes(t), DecodeError);
    auto t0 = inf;
    t0[0] |= std::byte{0x01};
    CHECK_THROWS_AS(g1_from_bytes(t0), DecodeError);
    auto inf_u = bytes(g1_to_uncompressed(G1::identity()));
    CHECK(g1_from_bytes(inf_u).is_identity());
    inf_u[95] = std::byte{1};
    CHECK_THROWS_AS(g1_from_bytes(inf_u), DecodeError);
    auto inf2 = bytes(g2_to_compressed(G2::identity()));
    CHECK(g2_from_bytes(inf2).is_identity());
    inf2[60] = std::byte{1};
    CHECK_THROWS_AS(g2_from_bytes(inf2), DecodeError);
    auto inf2u = bytes(g2_to_uncompressed(G2::identity()));
    CHECK(g2_from_bytes(inf2u).is_identity());
    inf2u[0] |= std::byte{0x20};
    CHECK_THROWS_AS(g2_from_bytes(inf2u), DecodeError);
    // All zero, no flags: not a valid uncompressed encoding of (0, 0).
    CHECK_THROWS_AS(g1_from_bytes(Bytes(96)), DecodeError);
    CHECK_THROWS_AS(g2_from_bytes(Bytes(192)), DecodeError);
  }
  // Coordinates >= p.
  {
    std::array<std::byte, 48> pb{};
    (-Fp::one()).to_bytes_be(pb);
    pb[47] = static_cast<std::byte>(static_cast<unsigned>(pb[47]) + 1);  // p itself
    auto b = Bytes(pb.begin(), pb.end());
    b[0] |= std::byte{0x80};
    CHECK_THROWS_AS(g1_from_bytes(b), DecodeError);
    auto all_ones = Bytes(48, std::byte{0xff});
    all_ones[0] = std::byte{0x9f};
    CHECK_THROWS_AS(g1_from_bytes(all_ones), DecodeError);
    auto u = bytes(u1);
    std::copy(pb.begin(), pb.end(), u.begin() + 48);  // y = p
    CHECK_THROWS_AS(g1_from_bytes(u), DecodeError);
    auto c = bytes(c2);
    std::copy(pb.begin(), pb.end(), c.begin() + 48);  // x.c0 = p
    CHECK_THROWS_AS(g2_from_bytes(c), DecodeError);
    auto c_hi = bytes(c2);
    std::copy(pb.begin(), pb.end(), c_hi.begin());  // x.c1 = p
    c_hi[0] |= std::byte{0x80};
    CHECK_THROWS_AS(g2_from_bytes(c_hi), DecodeError);
    auto v = bytes(u2);
    std::copy(pb.begin(), pb.end(), v.begin() + 144);  // y.c0 = p
    CHECK_THROWS_AS(g2_from_bytes(v), DecodeError);
  }
  // x with no curve point; (x, y) off the curve.
  {
    Fp x = Fp::one();
    while (fp_sqrt(x.square() * x + G1Traits::b())) x += Fp::one();
    std::array<std::byte, 48> xb{};
    x.to_bytes_be(xb);
    auto b = Bytes(xb.begin(), xb.end());
    b[0] |= std::byte{0x80};
    CHECK_THROWS_AS(g1_from_bytes(b), DecodeError);
    auto u = bytes(u1);
    u[95] ^= std::byte{1};
    CHECK_THROWS_AS(g1_from_bytes(u), DecodeError);
    Fp2 x2 = Fp2::one();
    while (fp2_sqrt(x2.square() * x2 + G2Traits::b())) x2 += Fp2::one();
    std::array<std::byte, 96> c{};
    x2.c1.to_bytes_be(std::span<std::byte>(c.data(), 48));
    x2.c0.to_bytes_be(std::span<std::byte>(c.data() + 48, 48));
    c[0] |= std::byte{0x80};
    CHECK_THROWS_AS(g2_from_bytes(Bytes(c.begin(), c.end())), DecodeError);
    auto v = bytes(u2);
    v[191] ^= std::byte{1};
    CHECK_THROWS_AS(g2_from_bytes(v), DecodeError);
  }
  // On the curve but outside the subgroup: rejected, unless the caller opts out.
  {
    const G1 e1 = random_e1_point(prg);
    const auto b = g1_to_compressed(e1);
    CHECK_THROWS_AS(g1_from_bytes(b), DecodeError);
    CHECK(g1_from_bytes(b, false) == e1);
    CHECK_THROWS_AS(g1_from_bytes(g1_to_uncompressed(e1)), DecodeError);
    const G2 e2 = random_e2_point(prg);
    CHECK_THROWS_AS(g2_from_bytes(g2_to_compressed(e2)), DecodeError);
    CHECK_THROWS_AS(g2_from_bytes(g2_to_uncompressed(e2)), DecodeError);
    CHECK(g2_from_bytes(g2_to_compressed(e2), false) == e2);
  }
  // Flipping the sign flag yields the negated point.
  {
    auto b = bytes(c1);
    b[0] ^= std::byte{0x20};
    CHECK(g1_from_bytes(b) == -p);
    auto d = bytes(c2);
    d[0] ^= std::byte{0x20};
    CHECK(g2_from_bytes(d) == -q);
  }
}
