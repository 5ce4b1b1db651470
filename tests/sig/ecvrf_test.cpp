// ECVRF (RFC 9381): the published examples with every intermediate value,
// round trips for each suite, and tampering that must be rejected.
#include <catch2/catch.hpp>

#include "privfin/core/bigint.hpp"
#include "privfin/core/error.hpp"
#include "privfin/sig/ec_p256.hpp"
#include "privfin/sig/ecvrf.hpp"
#include "privfin/sig/edwards25519.hpp"
#include "support/vectors.hpp"

using namespace privfin;
using namespace privfin::sig;

namespace {

const VrfSuite all_suites[] = {VrfSuite::p256_sha256_tai, VrfSuite::p256_sha256_sswu,
                               VrfSuite::edwards25519_sha512_tai, VrfSuite::edwards25519_sha512_ell2};

Prg test_prg(std::uint8_t tag) {
  Prg::Seed seed{};
  seed[0] = std::byte{tag};
  seed[1] = std::byte{0x5a};
  return Prg(seed);
}

}  // namespace

TEST_CASE("ecvrf: RFC 9381 examples with intermediate values", "[sig][ecvrf]") {
  std::size_t checked = 0;
  for (const auto& file : test::vector_files("ecvrf", ".json")) {
    const auto doc = test::load_json(file);
    for (const auto& [name, suite_doc] : doc["suites"].items()) {
      const Ecvrf vrf(vrf_suite_from_name(name));
      CHECK(static_cast<unsigned>(vrf.suite()) == std::stoul(suite_doc["suite_string"].get<std::string>(), nullptr, 16));
      for (const auto& t : suite_doc["tests"]) {
        INFO(file.filename().string() << " " << name << " alpha=" << t["alpha"].get<std::string>());
        const Bytes sk = from_hex(t["SK"].get<std::string>());
        const Bytes pk = from_hex(t["PK"].get<std::string>());
        const Bytes alpha = from_hex(t["alpha"].get<std::string>());
        CHECK(to_hex(vrf.public_key(sk)) == t["PK"]);
        CHECK(vrf.validate_key(pk));
        const VrfProofTrace trace = vrf.prove_with_trace(sk, alpha);
        CHECK(to_hex(trace.h) == t["H"]);
        CHECK(to_hex(trace.k) == t["k"]);
        CHECK(to_hex(trace.u) == t["U"]);
        CHECK(to_hex(trace.v) == t["V"]);
        CHECK(to_hex(trace.proof) == t["pi"]);
        CHECK(to_hex(trace.beta) == t["beta"]);
        CHECK(vrf.prove(sk, alpha) == trace.proof);
        const auto beta = vrf.verify(pk, alpha, from_hex(t["pi"].get<std::string>()));
        REQUIRE(beta.has_value());
        CHECK(to_hex(*beta) == t["beta"]);
        CHECK(to_hex(vrf.proof_to_hash(from_hex(t["pi"].get<std::string>()))) == t["beta"]);
        ++checked;
      }
    }
  }
  CHECK(checked >= 12);
}

TEST_CASE("ecvrf: round trip and uniqueness for every suite", "[sig][ecvrf]") {
  for (const auto suite : all_suites) {
    INFO(vrf_suite_name(suite));
    const Ecvrf vrf(suite);
    auto prg = test_prg(static_cast<std::uint8_t>(suite));
    const auto keys = vrf.generate(prg);
    CHECK(keys.public_key.size() == vrf.public_key_size());
    CHECK(vrf.validate_key(keys.public_key));
    for (int i = 0; i < 3; ++i) {
      const Bytes alpha = prg.bytes(static_cast<std::size_t>(i * 17));
      const Bytes pi = vrf.prove(keys.secret_key.view(), alpha);
      CHECK(pi.size() == vrf.proof_size());
      const auto beta = vrf.verify(keys.public_key, alpha, pi);
      REQUIRE(beta.has_value());
      CHECK(beta->size() == vrf.output_size());
      CHECK(*beta == vrf.proof_to_hash(pi));
      CHECK(vrf.prove(keys.secret_key.view(), alpha) == pi);  // deterministic
    }
    // Different inputs give different outputs.
    const auto b1 = vrf.verify(keys.public_key, as_bytes("round 1"), vrf.prove(keys.secret_key.view(), as_bytes("round 1")));
    const auto b2 = vrf.verify(keys.public_key, as_bytes("round 2"), vrf.prove(keys.secret_key.view(), as_bytes("round 2")));
    REQUIRE(b1.has_value());
    REQUIRE(b2.has_value());
    CHECK(*b1 != *b2);
  }
}

TEST_CASE("ecvrf: tampered proofs, wrong keys and wrong inputs are rejected", "[sig][ecvrf]") {
  for (const auto suite : all_suites) {
    INFO(vrf_suite_name(suite));
    const Ecvrf vrf(suite);
    auto prg = test_prg(static_cast<std::uint8_t>(0x40 + static_cast<std::uint8_t>(suite)));
    const auto keys = vrf.generate(prg);
    const auto other = vrf.generate(prg);
    const Bytes alpha = to_bytes("seed || round 7");
    const Bytes pi = vrf.prove(keys.secret_key.view(), alpha);
    REQUIRE(vrf.verify(keys.public_key, alpha, pi).has_value());

    SECTION("every single-bit flip of the proof") {
      for (std::size_t byte = 0; byte < pi.size(); ++byte) {
        for (unsigned bit = 0; bit < 8; bit += 3) {
          Bytes bad = pi;
          bad[byte] ^= static_cast<std::byte>(1u << bit);
          INFO("byte " << byte << " bit " << bit);
          CHECK_FALSE(vrf.verify(keys.public_key, alpha, bad).has_value());
        }
      }
    }
    SECTION("wrong public key, wrong alpha") {
      CHECK_FALSE(vrf.verify(other.public_key, alpha, pi).has_value());
      CHECK_FALSE(vrf.verify(keys.public_key, as_bytes("seed || round 8"), pi).has_value());
    }
    SECTION("wrong lengths") {
      CHECK_FALSE(vrf.verify(keys.public_key, alpha, ByteView(pi).first(pi.size() - 1)).has_value());
      Bytes longer = pi;
      longer.push_back(std::byte{0});
      CHECK_FALSE(vrf.verify(keys.public_key, alpha, longer).has_value());
      CHECK_FALSE(vrf.verify(ByteView(keys.public_key).first(keys.public_key.size() - 1), alpha, pi).has_value());
      CHECK_FALSE(vrf.verify(ByteView{}, alpha, pi).has_value());
      CHECK_THROWS_AS(vrf.proof_to_hash(ByteView(pi).first(10)), DecodeError);
      CHECK_THROWS_AS(vrf.prove(ByteView(keys.secret_key.view()).first(31), alpha), InvalidArgument);
    }
    SECTION("non-canonical scalar s + q") {
      Bytes bad = pi;
      const std::size_t off = vrf.public_key_size() + 16;
      if (vrf.is_p256()) {
        const mpz_class s = bigint::from_bytes_be(ByteView(pi).subspan(off, 32)) + p256::order();
        if (bigint::byte_length(s) <= 32) {
          const Bytes enc = bigint::to_bytes_be(s, 32);
          std::copy(enc.begin(), enc.end(), bad.begin() + static_cast<std::ptrdiff_t>(off));
          CHECK_FALSE(vrf.verify(keys.public_key, alpha, bad).has_value());
        }
      } else {
        const mpz_class s = bigint::from_bytes_le(ByteView(pi).subspan(off, 32)) + ed25519_curve::group_order();
        const Bytes enc = bigint::to_bytes_le(s, 32);
        std::copy(enc.begin(), enc.end(), bad.begin() + static_cast<std::ptrdiff_t>(off));
        CHECK_FALSE(vrf.verify(keys.public_key, alpha, bad).has_value());
      }
    }
  }
}

TEST_CASE("ecvrf: invalid, small-order and non-canonical points are rejected", "[sig][ecvrf]") {
  SECTION("P-256") {
    const Ecvrf vrf(VrfSuite::p256_sha256_tai);
    auto prg = test_prg(0x77);
    const auto keys = vrf.generate(prg);
    const Bytes alpha = to_bytes("x");
    const Bytes pi = vrf.prove(keys.secret_key.view(), alpha);
    // x = p (non-canonical), x with no point, identity encoding, bad prefix.
    Bytes non_canonical = concat(Bytes{std::byte{0x02}}, bigint::to_bytes_be(p256::field_prime(), 32));
    CHECK_FALSE(vrf.validate_key(non_canonical));
    Bytes off_curve = keys.public_key;
    // Find an x with no point on the curve by walking from the key's x.
    for (int i = 0; i < 64; ++i) {
      off_curve[32] ^= std::byte{0x01};
      off_curve[31] = static_cast<std::byte>(i);
      if (!p256::Point::try_decode(off_curve)) break;
    }
    REQUIRE_FALSE(p256::Point::try_decode(off_curve).has_value());
    CHECK_FALSE(vrf.validate_key(off_curve));
    CHECK_FALSE(vrf.verify(off_curve, alpha, pi).has_value());
    CHECK_FALSE(vrf.verify(concat(off_curve, ByteView(pi).subspan(33)), alpha, pi).has_value());
    Bytes bad_gamma = concat(off_curve, ByteView(pi).subspan(33));
    CHECK_FALSE(vrf.verify(keys.public_key, alpha, bad_gamma).has_value());
    CHECK_THROWS_AS(vrf.proof_to_hash(bad_gamma), DecodeError);
    CHECK_FALSE(vrf.validate_key(Bytes{std::byte{0x00}}));
    Bytes bad_prefix = keys.public_key;
    bad_prefix[0] = std::byte{0x05};
    CHECK_FALSE(vrf.validate_key(bad_prefix));
    // Secret keys outside [1, n).
    CHECK_THROWS_AS(vrf.public_key(Bytes(32)), InvalidArgument);
    CHECK_THROWS_AS(vrf.public_key(bigint::to_bytes_be(p256::order(), 32)), InvalidArgument);
  }
  SECTION("edwards25519") {
    for (const auto suite : {VrfSuite::edwards25519_sha512_tai, VrfSuite::edwards25519_sha512_ell2}) {
      const Ecvrf vrf(suite);
      auto prg = test_prg(0x78);
      const auto keys = vrf.generate(prg);
      const Bytes alpha = to_bytes("x");
      const Bytes pi = vrf.prove(keys.secret_key.view(), alpha);
      // Points of order 1, 2, 4, 8 (the 8-torsion) as public keys and Gamma.
      std::vector<Bytes> bad_points;
      const auto p = ed25519_curve::field_prime();
      bad_points.push_back(ed25519_curve::encode(ed25519_curve::identity()));
      bad_points.push_back(bigint::to_bytes_le(p - 1, 32));  // (0, -1), order 2
      // A point of order 8: torsion component of a random point, found by
      // multiplying a decoded point by L.
      for (unsigned char i = 2; bad_points.size() < 4; ++i) {
        Bytes enc(32);
        enc[0] = std::byte{i};
        auto q = ed25519_curve::decode(enc);
        if (!q) continue;
        auto t = ed25519_curve::mul_public(ed25519_curve::group_order(), *q);
        if (t == ed25519_curve::identity()) continue;
        CHECK(ed25519_curve::has_small_order(t));
        bad_points.push_back(ed25519_curve::encode(t));
        // A mixed-order point q is a valid key for the RFC (8q is not the
        // identity), but the proof was not made for it.
        CHECK(vrf.validate_key(enc));
        CHECK_FALSE(vrf.verify(enc, alpha, pi).has_value());
        CHECK_FALSE(vrf.verify(keys.public_key, alpha, concat(enc, ByteView(pi).subspan(32))).has_value());
      }
      // Non-canonical encodings: y = p + 1 (y >= p) and x = 0 with the sign bit set.
      bad_points.push_back(bigint::to_bytes_le(p + 1, 32));
      Bytes neg_zero = ed25519_curve::encode(ed25519_curve::identity());
      neg_zero[31] |= std::byte{0x80};
      bad_points.push_back(neg_zero);
      // The key's own y + p when it fits in 255 bits, as a non-canonical twin.
      Bytes y_bytes = keys.public_key;
      y_bytes[31] &= std::byte{0x7f};
      const mpz_class y = bigint::from_bytes_le(y_bytes);
      if (y + p < (mpz_class(1) << 255)) bad_points.push_back(bigint::to_bytes_le(y + p, 32));
      for (const auto& bad : bad_points) {
        INFO(to_hex(bad));
        CHECK_FALSE(vrf.validate_key(bad));
        CHECK_FALSE(vrf.verify(bad, alpha, pi).has_value());
        const Bytes bad_gamma = concat(bad, ByteView(pi).subspan(32));
        CHECK_FALSE(vrf.verify(keys.public_key, alpha, bad_gamma).has_value());
        CHECK_THROWS_AS(vrf.proof_to_hash(bad_gamma), DecodeError);
      }
      // An encoding that is not on the curve at all.
      for (unsigned char i = 2;; ++i) {
        Bytes enc(32);
        enc[0] = std::byte{i};
        if (ed25519_curve::decode(enc)) continue;
        CHECK_FALSE(vrf.validate_key(enc));
        CHECK_FALSE(vrf.verify(enc, alpha, pi).has_value());
        break;
      }
    }
  }
}

TEST_CASE("ecvrf: unknown suites are rejected", "[sig][ecvrf]") {
  CHECK_THROWS_AS(Ecvrf(static_cast<VrfSuite>(9)), InvalidArgument);
  CHECK_THROWS_AS(vrf_suite_from_name("ECVRF-P384"), InvalidArgument);
}
