// RFC 9380 hash-to-curve for P-256 (SSWU) and edwards25519 (ELL2) against
// the published vectors in tests/vectors/hash-to-curve/.
#include <catch2/catch.hpp>

#include "privfin/core/bigint.hpp"
#include "privfin/core/error.hpp"
#include "privfin/sig/hash_to_curve.hpp"
#include "support/vectors.hpp"

using namespace privfin;
using namespace privfin::sig;

namespace {

mpz_class hex_int(const std::string& s) { return mpz_class(s.substr(2), 16); }

}  // namespace

TEST_CASE("hash-to-curve: P-256 SSWU vectors", "[sig][h2c]") {
  std::size_t checked = 0;
  for (const auto& file : test::vector_files("hash-to-curve", ".json", "P256_")) {
    const auto doc = test::load_json(file);
    const std::string dst = doc["dst"];
    const bool ro = doc["randomOracle"];
    for (const auto& v : doc["vectors"]) {
      INFO(file.filename().string() << " msg=" << v["msg"].get<std::string>());
      const std::string msg = v["msg"];
      const auto u = h2c::p256_hash_to_field(as_bytes(msg), as_bytes(dst), ro ? 2 : 1);
      REQUIRE(u.size() == v["u"].size());
      for (std::size_t i = 0; i < u.size(); ++i) CHECK(u[i] == hex_int(v["u"][i]));
      if (ro) {
        const auto q0 = h2c::p256_map_to_curve_sswu(u[0]).affine();
        CHECK(q0.first == hex_int(v["Q0"]["x"]));
        CHECK(q0.second == hex_int(v["Q0"]["y"]));
        const auto q1 = h2c::p256_map_to_curve_sswu(u[1]).affine();
        CHECK(q1.first == hex_int(v["Q1"]["x"]));
        CHECK(q1.second == hex_int(v["Q1"]["y"]));
      }
      const auto p = (ro ? h2c::p256_hash_to_curve(as_bytes(msg), as_bytes(dst))
                         : h2c::p256_encode_to_curve(as_bytes(msg), as_bytes(dst)))
                         .affine();
      CHECK(p.first == hex_int(v["P"]["x"]));
      CHECK(p.second == hex_int(v["P"]["y"]));
      ++checked;
    }
  }
  CHECK(checked >= 10);
}

TEST_CASE("hash-to-curve: edwards25519 ELL2 vectors", "[sig][h2c]") {
  std::size_t checked = 0;
  for (const auto& file : test::vector_files("hash-to-curve", ".json", "edwards25519_")) {
    const auto doc = test::load_json(file);
    const std::string dst = doc["dst"];
    const bool ro = doc["randomOracle"];
    for (const auto& v : doc["vectors"]) {
      INFO(file.filename().string() << " msg=" << v["msg"].get<std::string>());
      const std::string msg = v["msg"];
      const auto u = h2c::edwards25519_hash_to_field(as_bytes(msg), as_bytes(dst), ro ? 2 : 1);
      REQUIRE(u.size() == v["u"].size());
      for (std::size_t i = 0; i < u.size(); ++i) CHECK(u[i] == hex_int(v["u"][i]));
      if (ro) {
        const auto q0 = h2c::edwards25519_map_to_curve_ell2(u[0]);
        CHECK(q0.x == hex_int(v["Q0"]["x"]));
        CHECK(q0.y == hex_int(v["Q0"]["y"]));
      }
      const auto p = ro ? h2c::edwards25519_hash_to_curve(as_bytes(msg), as_bytes(dst))
                        : h2c::edwards25519_encode_to_curve(as_bytes(msg), as_bytes(dst));
      CHECK(p.x == hex_int(v["P"]["x"]));
      CHECK(p.y == hex_int(v["P"]["y"]));
      CHECK(ed25519_curve::is_on_curve(p));
      ++checked;
    }
  }
  CHECK(checked >= 10);
}

TEST_CASE("hash-to-curve: an empty DST is rejected", "[sig][h2c]") {
  CHECK_THROWS_AS(h2c::p256_hash_to_curve(as_bytes("abc"), ByteView{}), InvalidArgument);
  CHECK_THROWS_AS(h2c::edwards25519_encode_to_curve(as_bytes("abc"), ByteView{}), InvalidArgument);
}
