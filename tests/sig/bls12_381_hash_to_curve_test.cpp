// Tests for privfin/sig/bls12_381/hash_to_curve.hpp: every RFC 9380
// BLS12-381 vector file in tests/vectors/hash-to-curve-bls12-381/ (u, Q0/Q1
// or Q, and P for each message), plus the empty-DST rejection.
#include <catch2/catch.hpp>

#include <privfin/core/error.hpp>
#include <privfin/sig/bls12_381/hash_to_curve.hpp>

#include <string>

#include "support/vectors.hpp"

using namespace privfin;
using namespace privfin::sig::bls12_381;

namespace {

Fp parse_fp(const std::string& s) {
  REQUIRE(s.rfind("0x", 0) == 0);
  return Fp::from_hex(s);
}

Fp2 parse_fp2(const std::string& s) {
  const auto comma = s.find(',');
  REQUIRE(comma != std::string::npos);
  return {parse_fp(s.substr(0, comma)), parse_fp(s.substr(comma + 1))};
}

template <class P, class Parse>
void check_point(const P& got, const nlohmann::json& want, Parse parse) {
  const auto a = got.to_affine();
  REQUIRE_FALSE(a.infinity);
  CHECK(a.x == parse(want.at("x").get<std::string>()));
  CHECK(a.y == parse(want.at("y").get<std::string>()));
}

}  // namespace

TEST_CASE("RFC 9380 BLS12-381 hash-to-curve vectors", "[sig][bls12_381][hash_to_curve]") {
  int suites = 0;
  for (const auto& path : test::vector_files("hash-to-curve-bls12-381", ".json", "BLS12381")) {
    INFO(path.string());
    const auto j = test::load_json(path);
    const std::string suite = j.at("ciphersuite").get<std::string>();
    const Bytes dst = to_bytes(j.at("dst").get<std::string>());
    const bool ro = j.at("randomOracle").get<bool>();
    const bool g2 = suite.rfind("BLS12381G2", 0) == 0;
    REQUIRE((g2 || suite.rfind("BLS12381G1", 0) == 0));
    for (const auto& v : j.at("vectors")) {
      const std::string msg = v.at("msg").get<std::string>();
      INFO(suite << " msg = \"" << msg << "\"");
      const auto& us = v.at("u");
      REQUIRE(us.size() == (ro ? 2U : 1U));
      if (g2) {
        const auto u = hash_to_field_fp2(as_bytes(msg), dst, us.size());
        for (std::size_t i = 0; i < us.size(); ++i) CHECK(u[i] == parse_fp2(us[i].get<std::string>()));
        if (ro) {
          check_point(map_to_curve_g2(u[0]), v.at("Q0"), parse_fp2);
          check_point(map_to_curve_g2(u[1]), v.at("Q1"), parse_fp2);
          check_point(hash_to_g2(as_bytes(msg), dst), v.at("P"), parse_fp2);
        } else {
          check_point(map_to_curve_g2(u[0]), v.at("Q"), parse_fp2);
          check_point(encode_to_g2(as_bytes(msg), dst), v.at("P"), parse_fp2);
        }
      } else {
        const auto u = hash_to_field_fp(as_bytes(msg), dst, us.size());
        for (std::size_t i = 0; i < us.size(); ++i) CHECK(u[i] == parse_fp(us[i].get<std::string>()));
        if (ro) {
          check_point(map_to_curve_g1(u[0]), v.at("Q0"), parse_fp);
          check_point(map_to_curve_g1(u[1]), v.at("Q1"), parse_fp);
          check_point(hash_to_g1(as_bytes(msg), dst), v.at("P"), parse_fp);
        } else {
          check_point(map_to_curve_g1(u[0]), v.at("Q"), parse_fp);
          check_point(encode_to_g1(as_bytes(msg), dst), v.at("P"), parse_fp);
        }
      }
    }
    ++suites;
  }
  CHECK(suites >= 4);
}

TEST_CASE("Hash-to-curve outputs lie in the subgroups, empty DST rejected", "[sig][bls12_381][hash_to_curve]") {
  const Bytes dst = to_bytes("PRIVFIN-TEST-DST");
  const G1 p = hash_to_g1(as_bytes("abc"), dst);
  const G2 q = hash_to_g2(as_bytes("abc"), dst);
  CHECK(g1_in_subgroup(p));
  CHECK(g2_in_subgroup(q));
  CHECK(g2_in_subgroup(encode_to_g2(as_bytes("abc"), dst)));
  CHECK_FALSE(hash_to_g2(as_bytes("abd"), dst) == q);
  // u = 0 hits the exceptional case of SSWU.
  CHECK(map_to_curve_g1(Fp::zero()).is_on_curve());
  CHECK(map_to_curve_g2(Fp2::zero()).is_on_curve());
  CHECK_THROWS_AS(hash_to_g1(as_bytes("abc"), Bytes{}), InvalidArgument);
  CHECK_THROWS_AS(hash_to_g2(as_bytes("abc"), Bytes{}), InvalidArgument);
}
