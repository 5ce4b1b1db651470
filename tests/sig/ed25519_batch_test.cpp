// Ed25519 batch verification: agreement with ed25519_verify on random and
// malformed batches, the bisection that names bad entries, and the one
// documented difference (a residual of small order: the batch equation is
// cofactored, the single verifier cofactorless).
#include <catch2/catch.hpp>

#include <sodium.h>

#include <algorithm>

#include "privfin/core/bigint.hpp"
#include "privfin/sig/ed25519.hpp"
#include "privfin/sig/edwards25519.hpp"
#include "support/vectors.hpp"

using namespace privfin;
using namespace privfin::sig;

namespace {

Prg test_prg(std::uint8_t tag) {
  Prg::Seed seed{};
  seed[0] = std::byte{tag};
  seed[15] = std::byte{0xba};
  return Prg(seed);
}

// Owning storage for a batch, with views into it.
struct Batch {
  std::vector<Bytes> keys, messages, signatures;
  std::vector<Ed25519BatchEntry> entries() const {
    std::vector<Ed25519BatchEntry> out;
    for (std::size_t i = 0; i < keys.size(); ++i) out.push_back({keys[i], messages[i], signatures[i]});
    return out;
  }
  void add(Bytes pk, Bytes msg, Bytes sig) {
    keys.push_back(std::move(pk));
    messages.push_back(std::move(msg));
    signatures.push_back(std::move(sig));
  }
};

Batch honest_batch(std::size_t n, Prg& prg) {
  Batch b;
  for (std::size_t i = 0; i < n; ++i) {
    const auto sk = Ed25519SecretKey::generate(prg);
    Bytes msg(i % 97);
    prg.fill(std::span<std::byte>(msg));
    Bytes sig = sk.sign(msg);
    b.add(sk.public_key(), std::move(msg), std::move(sig));
  }
  return b;
}

std::vector<bool> one_by_one(const Batch& b) {
  std::vector<bool> out;
  for (std::size_t i = 0; i < b.keys.size(); ++i) out.push_back(ed25519_verify(b.keys[i], b.messages[i], b.signatures[i]));
  return out;
}

bool all_true(const std::vector<bool>& v) { return std::all_of(v.begin(), v.end(), [](bool x) { return x; }); }

// The batch answers (whole and per entry) agree with one-by-one verification.
void check_agrees(const Batch& b, Prg& prg) {
  const auto entries = b.entries();
  const auto single = one_by_one(b);
  const bool whole = ed25519_verify_batch(entries, prg);
  const auto each = ed25519_verify_batch_each(entries, prg);
  CHECK(whole == all_true(single));
  CHECK(each == single);
  // Outside the torsion case the cofactored single verifier agrees too.
  for (std::size_t i = 0; i < entries.size(); ++i) {
    CHECK(ed25519_verify_cofactored(entries[i].public_key, entries[i].message, entries[i].signature) == single[i]);
  }
}

const unsigned char* uc(ByteView b) { return reinterpret_cast<const unsigned char*>(b.data()); }

// A signature made from raw scalars a (secret) and r (nonce) for the given
// encodings of A and R, which may differ from aB and rB by a torsion point:
// S = r + k a mod L with k = H(R || A || M).
Bytes raw_signature(const mpz_class& a, const mpz_class& r, const Bytes& a_enc, const Bytes& r_enc, ByteView msg) {
  std::array<unsigned char, 64> digest{};
  crypto_hash_sha512_state h;
  crypto_hash_sha512_init(&h);
  crypto_hash_sha512_update(&h, uc(r_enc), 32);
  crypto_hash_sha512_update(&h, uc(a_enc), 32);
  crypto_hash_sha512_update(&h, uc(msg), msg.size());
  crypto_hash_sha512_final(&h, digest.data());
  const mpz_class k = bigint::from_bytes_le(ByteView(reinterpret_cast<const std::byte*>(digest.data()), 64));
  const mpz_class s = (r + k * a) % ed25519_curve::group_order();
  Bytes sig = r_enc;
  const Bytes s_enc = bigint::to_bytes_le(s, 32);
  sig.insert(sig.end(), s_enc.begin(), s_enc.end());
  return sig;
}

// A point of order exactly 8.
ed25519_curve::AffinePoint order8_point() {
  using namespace ed25519_curve;
  for (unsigned char i = 2;; ++i) {
    Bytes enc(32);
    enc[0] = std::byte{i};
    const auto q = decode(enc);
    if (!q) continue;
    const auto t = mul_public(group_order(), *q);
    if (!(add(add(t, t), add(t, t)) == identity())) return t;
  }
}

}  // namespace

TEST_CASE("ed25519 batch: honest batches of every size verify, as one by one", "[sig][ed25519][batch]") {
  auto prg = test_prg(1);
  // Straus below 128 entries (256 points), Pippenger above.
  for (const std::size_t n : std::vector<std::size_t>{0, 1, 2, 3, 5, 16, 64, 127, 128, 129, 200}) {
    INFO("n = " << n);
    const Batch b = honest_batch(n, prg);
    CHECK(ed25519_verify_batch(b.entries(), prg));
    CHECK(all_true(ed25519_verify_batch_each(b.entries(), prg)));
    CHECK(all_true(one_by_one(b)));
  }
}

TEST_CASE("ed25519 batch: the empty batch is valid", "[sig][ed25519][batch]") {
  auto prg = test_prg(2);
  CHECK(ed25519_verify_batch({}, prg));
  CHECK(ed25519_verify_batch_each({}, prg).empty());
}

TEST_CASE("ed25519 batch: random mixes of good and bad entries agree with one by one", "[sig][ed25519][batch]") {
  auto prg = test_prg(3);
  for (const std::size_t n : std::vector<std::size_t>{1, 2, 4, 9, 33, 150}) {
    for (int round = 0; round < 3; ++round) {
      INFO("n = " << n << ", round " << round);
      Batch b = honest_batch(n, prg);
      std::array<std::byte, 1> coin{};
      for (std::size_t i = 0; i < n; ++i) {
        prg.fill(std::span<std::byte>(coin));
        const unsigned c = std::to_integer<unsigned>(coin[0]);
        if (c % 4 != 0 || round == 0) continue;  // round 0 stays honest
        switch (c / 4 % 4) {
          case 0: b.messages[i].push_back(std::byte{1}); break;     // another message
          case 1: b.signatures[i][40] ^= std::byte{0x04}; break;    // S changed
          case 2: b.signatures[i][3] ^= std::byte{0x20}; break;     // R changed
          default: b.keys[i] = b.keys[(i + 1) % n]; break;          // another key
        }
      }
      check_agrees(b, prg);
    }
  }
}

TEST_CASE("ed25519 batch: one bad signature in 64 is found", "[sig][ed25519][batch]") {
  auto prg = test_prg(4);
  Batch b = honest_batch(64, prg);
  for (const std::size_t bad : {std::size_t{0}, std::size_t{37}, std::size_t{63}}) {
    Batch t = b;
    t.signatures[bad][50] ^= std::byte{0x01};
    CHECK_FALSE(ed25519_verify_batch(t.entries(), prg));
    const auto each = ed25519_verify_batch_each(t.entries(), prg);
    for (std::size_t i = 0; i < each.size(); ++i) CHECK(each[i] == (i != bad));
  }
  // Two bad ones.
  b.messages[5].clear();
  b.messages[6].push_back(std::byte{7});
  const auto each = ed25519_verify_batch_each(b.entries(), prg);
  CHECK(each == one_by_one(b));
  CHECK(std::count(each.begin(), each.end(), false) == 2);
}

TEST_CASE("ed25519 batch: few signers, many signatures - a bad one among a key's entries is found - a bad key "
          "refuses each of its entries",
          "[sig][ed25519][batch]") {
  auto prg = test_prg(11);
  std::vector<Ed25519SecretKey> signers;
  for (int i = 0; i < 3; ++i) signers.push_back(Ed25519SecretKey::generate(prg));
  Batch b;
  for (std::size_t i = 0; i < 40; ++i) {
    Bytes msg(16);
    prg.fill(std::span<std::byte>(msg));
    Bytes sig = signers[i % 3].sign(msg);
    b.add(signers[i % 3].public_key(), std::move(msg), std::move(sig));
  }
  check_agrees(b, prg);
  CHECK(ed25519_verify_batch(b.entries(), prg));
  for (const std::size_t bad : {0UL, 7UL, 39UL}) {  // signers 0, 1 and 0
    Batch broken = b;
    broken.signatures[bad][3] ^= std::byte{1};
    INFO("bad entry " << bad);
    CHECK_FALSE(ed25519_verify_batch(broken.entries(), prg));
    const auto each = ed25519_verify_batch_each(broken.entries(), prg);
    CHECK(std::count(each.begin(), each.end(), false) == 1);
    CHECK_FALSE(each[bad]);
    check_agrees(broken, prg);
  }
  // Another message under one signer's key: every entry that claims it fails.
  Batch claimed = b;
  for (std::size_t i = 2; i < 40; i += 3) claimed.messages[i][0] ^= std::byte{1};  // signer 2's entries
  const auto each = ed25519_verify_batch_each(claimed.entries(), prg);
  for (std::size_t i = 0; i < 40; ++i) CHECK(each[i] == (i % 3 != 2));
  // A key that is not on the curve, used twice: both entries are refused.
  Batch off = b;
  Bytes not_a_point(32);
  for (unsigned char y = 2;; ++y) {
    not_a_point[0] = std::byte{y};
    if (!ed25519_curve::decode(not_a_point)) break;
  }
  off.keys[4] = not_a_point;
  off.keys[10] = not_a_point;
  const auto off_each = ed25519_verify_batch_each(off.entries(), prg);
  CHECK(std::count(off_each.begin(), off_each.end(), false) == 2);
  CHECK_FALSE(off_each[4]);
  CHECK_FALSE(off_each[10]);
}

TEST_CASE("ed25519 batch: duplicated entries", "[sig][ed25519][batch]") {
  auto prg = test_prg(5);
  Batch b = honest_batch(3, prg);
  for (int i = 0; i < 4; ++i) b.add(b.keys[1], b.messages[1], b.signatures[1]);
  CHECK(ed25519_verify_batch(b.entries(), prg));
  // A duplicated bad entry is flagged at each place.
  b.signatures[4][33] ^= std::byte{0x80};
  b.signatures[5] = b.signatures[4];
  check_agrees(b, prg);
  const auto each = ed25519_verify_batch_each(b.entries(), prg);
  CHECK_FALSE(each[4]);
  CHECK_FALSE(each[5]);
  CHECK(each[6]);
  // The same bad signature twice cannot cancel out: z_i differ per place.
  Batch twice;
  twice.add(b.keys[4], b.messages[4], b.signatures[4]);
  twice.add(b.keys[4], b.messages[4], b.signatures[4]);
  CHECK_FALSE(ed25519_verify_batch(twice.entries(), prg));
}

TEST_CASE("ed25519 batch: each malformed field is refused, as by ed25519_verify", "[sig][ed25519][batch]") {
  auto prg = test_prg(6);
  const Batch base = honest_batch(8, prg);
  const std::size_t at = 3;
  const auto& p = ed25519_curve::field_prime();
  const Bytes pk = base.keys[at];
  const Bytes sig = base.signatures[at];
  const Bytes r(sig.begin(), sig.begin() + 32);

  auto non_canonical = [&](const Bytes& enc) {  // y + p when it fits, else y = p + 1
    Bytes y_bytes = enc;
    const std::byte sign = y_bytes[31] & std::byte{0x80};
    y_bytes[31] &= std::byte{0x7f};
    mpz_class y = bigint::from_bytes_le(y_bytes) + p;
    if (y >= (mpz_class(1) << 255)) y = p + 1;
    Bytes out = bigint::to_bytes_le(y, 32);
    out[31] |= sign;
    return out;
  };
  auto with_r = [&](const Bytes& new_r) {
    Bytes s = sig;
    std::copy(new_r.begin(), new_r.end(), s.begin());
    return s;
  };
  // The small-order encodings (every sign variant) and an off-curve y.
  std::vector<Bytes> small_order;
  {
    const auto t = order8_point();
    auto m = ed25519_curve::identity();
    for (int k = 0; k < 8; ++k, m = ed25519_curve::add(m, t)) small_order.push_back(ed25519_curve::encode(m));
    for (const mpz_class& y : {mpz_class(1), mpz_class(p - 1)}) {
      Bytes e = bigint::to_bytes_le(y, 32);
      e[31] |= std::byte{0x80};
      small_order.push_back(e);
    }
  }
  Bytes off_curve;
  for (unsigned char i = 2; off_curve.empty(); ++i) {
    Bytes enc(32);
    enc[0] = std::byte{i};
    if (!ed25519_curve::decode(enc)) off_curve = enc;
  }
  const Bytes s_plus_l = [&] {
    Bytes s = sig;
    const Bytes enc = bigint::to_bytes_le(bigint::from_bytes_le(ByteView(sig).subspan(32)) +
                                              ed25519_curve::group_order(), 32);
    std::copy(enc.begin(), enc.end(), s.begin() + 32);
    return s;
  }();

  struct Case {
    std::string name;
    Bytes pk, sig;
  };
  std::vector<Case> cases{
      {"public key of 31 bytes", Bytes(pk.begin(), pk.end() - 1), sig},
      {"public key of 33 bytes", [&] { Bytes k = pk; k.push_back(std::byte{0}); return k; }(), sig},
      {"signature of 63 bytes", pk, Bytes(sig.begin(), sig.end() - 1)},
      {"signature of 65 bytes", pk, [&] { Bytes s = sig; s.push_back(std::byte{0}); return s; }()},
      {"empty signature", pk, Bytes{}},
      {"S + L", pk, s_plus_l},
      {"non-canonical A", non_canonical(pk), sig},
      {"non-canonical R", pk, with_r(non_canonical(r))},
      {"off-curve A", off_curve, sig},
      {"off-curve R", pk, with_r(off_curve)},
  };
  for (std::size_t i = 0; i < small_order.size(); ++i) {
    cases.push_back({"small-order A #" + std::to_string(i), small_order[i], sig});
    cases.push_back({"small-order R #" + std::to_string(i), pk, with_r(small_order[i])});
  }
  for (const auto& c : cases) {
    INFO(c.name);
    Batch b = base;
    b.keys[at] = c.pk;
    b.signatures[at] = c.sig;
    CHECK_FALSE(ed25519_verify(c.pk, b.messages[at], c.sig));
    CHECK_FALSE(ed25519_verify_batch(b.entries(), prg));
    const auto each = ed25519_verify_batch_each(b.entries(), prg);
    for (std::size_t i = 0; i < each.size(); ++i) CHECK(each[i] == (i != at));
    Batch alone;
    alone.add(c.pk, b.messages[at], c.sig);
    CHECK_FALSE(ed25519_verify_batch(alone.entries(), prg));
  }
  // The forgery the small-order rule exists for: A = R = identity, S = 0
  // satisfies both equations for every message; only the rule refuses it.
  Batch forged = base;
  forged.keys[at] = small_order[0];
  forged.signatures[at] = Bytes(64);
  std::copy(small_order[0].begin(), small_order[0].end(), forged.signatures[at].begin());
  CHECK_FALSE(ed25519_verify_batch(forged.entries(), prg));
}

TEST_CASE("ed25519 batch: every bit flip of a signature or key in a batch is refused, as one by one",
          "[sig][ed25519][batch]") {
  auto prg = test_prg(7);
  const Batch base = honest_batch(4, prg);
  for (std::size_t bit = 0; bit < 64 * 8; ++bit) {
    Batch b = base;
    b.signatures[2][bit / 8] ^= std::byte{static_cast<unsigned char>(1U << (bit % 8))};
    INFO("signature bit " << bit);
    CHECK_FALSE(ed25519_verify(b.keys[2], b.messages[2], b.signatures[2]));
    CHECK_FALSE(ed25519_verify_cofactored(b.keys[2], b.messages[2], b.signatures[2]));
    CHECK_FALSE(ed25519_verify_batch(b.entries(), prg));
  }
  for (std::size_t bit = 0; bit < 32 * 8; ++bit) {
    Batch b = base;
    b.keys[1][bit / 8] ^= std::byte{static_cast<unsigned char>(1U << (bit % 8))};
    INFO("public key bit " << bit);
    CHECK_FALSE(ed25519_verify(b.keys[1], b.messages[1], b.signatures[1]));
    CHECK_FALSE(ed25519_verify_cofactored(b.keys[1], b.messages[1], b.signatures[1]));
    CHECK_FALSE(ed25519_verify_batch(b.entries(), prg));
  }
  for (std::size_t length = 0; length < 64; ++length) {
    Batch b = base;
    b.signatures[0].resize(length);
    CHECK_FALSE(ed25519_verify_batch(b.entries(), prg));
    CHECK_FALSE(ed25519_verify_cofactored(b.keys[0], b.messages[0], b.signatures[0]));
  }
  for (std::size_t length = 0; length < 32; ++length) {
    Batch b = base;
    b.keys[3].resize(length);
    CHECK_FALSE(ed25519_verify_batch(b.entries(), prg));
  }
  // The message is bound too: every bit of a 16-byte message.
  Batch with_message = base;
  with_message.messages[0] = to_bytes("sixteen byte msg");
  with_message.signatures[0] = [&] {
    auto again = test_prg(7);  // base's first key: the same seed draws it
    return Ed25519SecretKey::generate(again).sign(with_message.messages[0]);
  }();
  REQUIRE(ed25519_verify_batch(with_message.entries(), prg));
  for (std::size_t bit = 0; bit < 16 * 8; ++bit) {
    Batch b = with_message;
    b.messages[0][bit / 8] ^= std::byte{static_cast<unsigned char>(1U << (bit % 8))};
    INFO("message bit " << bit);
    CHECK_FALSE(ed25519_verify_batch(b.entries(), prg));
  }
}

TEST_CASE("ed25519 batch: the RFC 8032 vectors verify as one batch", "[sig][ed25519][batch]") {
  Batch b;
  for (const auto& file : test::vector_files("ed25519", ".json")) {
    const auto doc = test::load_json(file);
    for (const auto& t : doc["tests"]) {
      b.add(from_hex(t["public_key"].get<std::string>()), from_hex(t["message"].get<std::string>()),
            from_hex(t["signature"].get<std::string>()));
    }
  }
  REQUIRE(b.keys.size() >= 5);
  auto prg = test_prg(9);
  CHECK(ed25519_verify_batch(b.entries(), prg));
  CHECK(all_true(ed25519_verify_batch_each(b.entries(), prg)));
  b.messages[0].push_back(std::byte{0});
  CHECK_FALSE(ed25519_verify_batch(b.entries(), prg));
  CHECK(ed25519_verify_batch_each(b.entries(), prg) == one_by_one(b));
}

TEST_CASE("ed25519 batch: the documented difference, a residual of small order", "[sig][ed25519][batch]") {
  // Entries whose [S]B - R - [k]A is a non-zero point of small order: the
  // cofactored batch equation accepts them, ed25519_verify (cofactorless)
  // rejects them. Honest signers never make them (A = aB, R = rB).
  using namespace ed25519_curve;
  auto prg = test_prg(8);
  const auto t = order8_point();
  const Bytes msg = to_bytes("pay 5 to bob");
  Batch honest = honest_batch(5, prg);

  const mpz_class a = bigint::random_below(group_order(), prg);
  const mpz_class r = bigint::random_below(group_order(), prg);
  const auto a_point = mul_public(a, base_point());
  const auto r_point = mul_public(r, base_point());

  SECTION("R carries a torsion component") {
    const Bytes a_enc = encode(a_point);
    const Bytes r_enc = encode(add(r_point, t));
    const Bytes sig = raw_signature(a, r, a_enc, r_enc, msg);
    CHECK_FALSE(ed25519_verify(a_enc, msg, sig));  // residual -T != 0
    Batch b = honest;
    b.add(a_enc, msg, sig);
    CHECK(ed25519_verify_batch(b.entries(), prg));
    CHECK(all_true(ed25519_verify_batch_each(b.entries(), prg)));
    Batch alone;
    alone.add(a_enc, msg, sig);
    CHECK(ed25519_verify_batch(alone.entries(), prg));
    CHECK(ed25519_verify_cofactored(a_enc, msg, sig));  // the batch's rule, one by one
  }
  SECTION("A carries a torsion component") {
    const Bytes a_enc = encode(add(a_point, t));
    const Bytes r_enc = encode(r_point);
    // Residual -[k]T: zero only when 8 | k; take a message where it is not.
    Bytes m = msg;
    Bytes sig = raw_signature(a, r, a_enc, r_enc, m);
    while (ed25519_verify(a_enc, m, sig)) {
      m.push_back(std::byte{0});
      sig = raw_signature(a, r, a_enc, r_enc, m);
    }
    Batch b = honest;
    b.add(a_enc, m, sig);
    CHECK(ed25519_verify_batch(b.entries(), prg));
    CHECK(ed25519_verify_cofactored(a_enc, m, sig));
  }
  SECTION("an honest-form signature with the same scalars passes both") {
    const Bytes a_enc = encode(a_point);
    const Bytes r_enc = encode(r_point);
    const Bytes sig = raw_signature(a, r, a_enc, r_enc, msg);
    CHECK(ed25519_verify(a_enc, msg, sig));
    Batch b = honest;
    b.add(a_enc, msg, sig);
    CHECK(ed25519_verify_batch(b.entries(), prg));
  }
  SECTION("a residual with a prime-order part is still refused") {
    const Bytes a_enc = encode(a_point);
    const Bytes r_enc = encode(add(add(r_point, t), base_point()));  // R + T + B
    const Bytes sig = raw_signature(a, r, a_enc, r_enc, msg);
    Batch b = honest;
    b.add(a_enc, msg, sig);
    CHECK_FALSE(ed25519_verify(a_enc, msg, sig));
    CHECK_FALSE(ed25519_verify_batch(b.entries(), prg));
    const auto each = ed25519_verify_batch_each(b.entries(), prg);
    CHECK_FALSE(each.back());
    CHECK(std::count(each.begin(), each.end(), false) == 1);
    CHECK_FALSE(ed25519_verify_cofactored(a_enc, msg, sig));
  }
}
