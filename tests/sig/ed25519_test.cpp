// Ed25519 (RFC 8032) through OpenSSL: §7.1 vectors, key serialization, and
// the strict-verification rejections.
#include <catch2/catch.hpp>

#include "privfin/core/bigint.hpp"
#include "privfin/core/error.hpp"
#include "privfin/sig/ed25519.hpp"
#include "privfin/sig/edwards25519.hpp"
#include "support/vectors.hpp"

using namespace privfin;
using namespace privfin::sig;

namespace {
Prg test_prg(std::uint8_t tag) {
  Prg::Seed seed{};
  seed[0] = std::byte{tag};
  seed[15] = std::byte{0xed};
  return Prg(seed);
}
}  // namespace

TEST_CASE("ed25519: RFC 8032 section 7.1 vectors", "[sig][ed25519]") {
  std::size_t checked = 0;
  for (const auto& file : test::vector_files("ed25519", ".json")) {
    const auto doc = test::load_json(file);
    for (const auto& t : doc["tests"]) {
      INFO(file.filename().string() << " " << t["name"].get<std::string>());
      const auto sk = Ed25519SecretKey::from_seed(from_hex(t["secret_key"].get<std::string>()));
      CHECK(to_hex(sk.public_key()) == t["public_key"]);
      const Bytes msg = from_hex(t["message"].get<std::string>());
      const Bytes sig = sk.sign(msg);
      CHECK(to_hex(sig) == t["signature"]);
      CHECK(ed25519_verify(sk.public_key(), msg, sig));
      Bytes other = msg;
      other.push_back(std::byte{0x01});
      CHECK_FALSE(ed25519_verify(sk.public_key(), other, sig));
      ++checked;
    }
  }
  CHECK(checked >= 5);
}

TEST_CASE("ed25519: key serialization round trips", "[sig][ed25519]") {
  auto prg = test_prg(1);
  const auto sk = Ed25519SecretKey::generate(prg);
  const auto again = Ed25519SecretKey::from_seed(sk.seed().view());
  CHECK(again.public_key() == sk.public_key());
  const SecretBytes der = sk.to_pkcs8_der();
  const auto from_der = Ed25519SecretKey::from_pkcs8_der(der.view());
  CHECK(from_der.public_key() == sk.public_key());
  CHECK(from_der.sign(as_bytes("m")) == sk.sign(as_bytes("m")));
  const Bytes spki = ed25519_public_key_to_spki_der(sk.public_key());
  CHECK(spki.size() == 44);
  CHECK(ed25519_public_key_from_spki_der(spki) == sk.public_key());
  // Copies and moves keep working.
  Ed25519SecretKey copy = sk;
  Ed25519SecretKey moved = std::move(copy);
  CHECK(moved.sign(as_bytes("m")) == sk.sign(as_bytes("m")));
  // A moved-from key is refused with an exception, not a crash.
  CHECK_THROWS_AS(copy.sign(as_bytes("m")), InvalidArgument);  // NOLINT(bugprone-use-after-move)
  CHECK_THROWS_AS(copy.seed(), InvalidArgument);

  CHECK_THROWS_AS(Ed25519SecretKey::from_seed(Bytes(31)), InvalidArgument);
  CHECK_THROWS_AS(Ed25519SecretKey::from_pkcs8_der(ByteView(der.view()).first(der.size() - 1)), DecodeError);
  CHECK_THROWS_AS(Ed25519SecretKey::from_pkcs8_der(spki), DecodeError);
  CHECK_THROWS_AS(ed25519_public_key_from_spki_der(ByteView(spki).first(20)), DecodeError);
  // Regression (fuzz_ed25519): OpenSSL reads a BIT STRING with a non-zero
  // unused-bits count as the same key; only the one DER form is accepted.
  Bytes unused_bits = spki;
  unused_bits[11] = std::byte{0x01};
  CHECK_THROWS_AS(ed25519_public_key_from_spki_der(unused_bits), DecodeError);
  CHECK_THROWS_AS(ed25519_public_key_to_spki_der(Bytes(33)), InvalidArgument);
}

TEST_CASE("ed25519: tampered, non-canonical and small-order inputs are rejected", "[sig][ed25519]") {
  auto prg = test_prg(2);
  const auto sk = Ed25519SecretKey::generate(prg);
  const auto other = Ed25519SecretKey::generate(prg);
  const Bytes msg = to_bytes("transfer 100 to alice");
  const Bytes sig = sk.sign(msg);
  REQUIRE(ed25519_verify(sk.public_key(), msg, sig));

  SECTION("bit flips, wrong key, wrong lengths") {
    for (std::size_t i = 0; i < sig.size(); ++i) {
      Bytes bad = sig;
      bad[i] ^= std::byte{0x10};
      CHECK_FALSE(ed25519_verify(sk.public_key(), msg, bad));
    }
    CHECK_FALSE(ed25519_verify(other.public_key(), msg, sig));
    CHECK_FALSE(ed25519_verify(sk.public_key(), msg, ByteView(sig).first(63)));
    CHECK_FALSE(ed25519_verify(ByteView(sk.public_key()).first(31), msg, sig));
    CHECK_FALSE(ed25519_verify(sk.public_key(), msg, Bytes{}));
  }
  SECTION("S + L is rejected") {
    const mpz_class s = bigint::from_bytes_le(ByteView(sig).subspan(32)) + ed25519_curve::group_order();
    Bytes bad = sig;
    const Bytes enc = bigint::to_bytes_le(s, 32);
    std::copy(enc.begin(), enc.end(), bad.begin() + 32);
    CHECK_FALSE(ed25519_verify(sk.public_key(), msg, bad));
  }
  SECTION("non-canonical encodings of A and R") {
    const auto p = ed25519_curve::field_prime();
    // A public key / R with y >= p: y + p when it fits in 255 bits, else y = p + 1.
    auto twin = [&](const Bytes& enc) {
      Bytes y_bytes = enc;
      const std::byte sign = y_bytes[31] & std::byte{0x80};
      y_bytes[31] &= std::byte{0x7f};
      mpz_class y = bigint::from_bytes_le(y_bytes) + p;
      if (y >= (mpz_class(1) << 255)) y = p + 1;
      Bytes out = bigint::to_bytes_le(y, 32);
      out[31] |= sign;
      return out;
    };
    CHECK_FALSE(ed25519_verify(twin(sk.public_key()), msg, sig));
    Bytes bad_r = sig;
    const Bytes r_twin = twin(Bytes(sig.begin(), sig.begin() + 32));
    std::copy(r_twin.begin(), r_twin.end(), bad_r.begin());
    CHECK_FALSE(ed25519_verify(sk.public_key(), msg, bad_r));
    // x = 0 with the sign bit set: the identity and the point of order 2.
    Bytes neg_identity(32);
    neg_identity[0] = std::byte{0x01};
    neg_identity[31] = std::byte{0x80};
    CHECK_FALSE(ed25519_verify(neg_identity, msg, sig));
  }
  SECTION("small-order public key with a signature that satisfies the equation") {
    // A = identity, R = identity, S = 0: [S]B = R + [k]A holds for every
    // message, so only the small-order rule rejects it.
    Bytes identity(32);
    identity[0] = std::byte{0x01};
    Bytes forged(64);
    std::copy(identity.begin(), identity.end(), forged.begin());
    CHECK_FALSE(ed25519_verify(identity, msg, forged));
    CHECK_FALSE(ed25519_verify(identity, as_bytes("any other message"), forged));
  }
  SECTION("an off-curve public key") {
    for (unsigned char i = 2;; ++i) {
      Bytes enc(32);
      enc[0] = std::byte{i};
      if (ed25519_curve::decode(enc)) continue;
      CHECK_FALSE(ed25519_verify(enc, msg, sig));
      break;
    }
  }
}
