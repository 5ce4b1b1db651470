// Tests for privfin/he/threshold_paillier.hpp: t-of-l decryption for
// several (t, l), homomorphic sums, serialization, and every tampering case
// of the issue (a share from the wrong key, a share for another ciphertext,
// a forged proof, a replayed share, fewer than t shares, duplicate party
// ids), each rejected with its reason while honest shares still decrypt.
#include <catch2/catch.hpp>

#include <privfin/core/bigint.hpp>
#include <privfin/core/error.hpp>
#include <privfin/he/threshold_paillier.hpp>

#include <algorithm>
#include <vector>

#include "he/test_keys.hpp"

using namespace privfin;
using namespace privfin::he;

namespace {
Prg seeded(unsigned char s) { return Prg(Prg::Seed{std::byte{0x44}, std::byte{s}}); }

std::vector<DecryptionShare> all_shares(const ThresholdPaillierKeys& keys, const PaillierCiphertext& c, Prg& prg) {
  std::vector<DecryptionShare> out;
  for (const auto& ks : keys.shares) out.push_back(ks.decrypt_share(keys.public_key, c, prg));
  return out;
}

bool rejected_with(const CombineResult& r, std::size_t party, const std::string& words) {
  return std::any_of(r.rejected.begin(), r.rejected.end(), [&](const Rejection& s) {
    return s.from == party && s.detail.find(words) != std::string::npos;
  });
}
}  // namespace

TEST_CASE("Threshold Paillier decrypts from any t shares", "[he][threshold]") {
  Prg prg = seeded(1);
  for (auto [t, l] : {std::pair<std::size_t, std::size_t>{1, 1}, {2, 3}, {3, 5}}) {
    const auto& keys = test::test_threshold_keys(t, l);
    const auto& tpk = keys.public_key;
    INFO("t = " << t << ", l = " << l);
    CHECK(tpk.threshold() == t);
    CHECK(tpk.parties() == l);
    CHECK(tpk.paillier().modulus_bits() == 1024);
    const mpz_class m = bigint::random_below(tpk.paillier().n(), prg);
    const auto c = tpk.paillier().encrypt(m, prg);
    const auto shares = all_shares(keys, c, prg);
    for (const auto& s : shares) CHECK(tpk.verify_share(c, s));
    // Every window of t consecutive parties, and the set in reverse order.
    for (std::size_t first = 0; first + t <= l; ++first) {
      const std::vector<DecryptionShare> subset(shares.begin() + static_cast<std::ptrdiff_t>(first),
                                                shares.begin() + static_cast<std::ptrdiff_t>(first + t));
      const CombineResult r = tpk.combine(c, subset);
      CHECK(r.plaintext == m);
      CHECK(r.rejected.empty());
      CHECK(r.used_parties.size() == t);
      CHECK(tpk.combine_verified(c, subset) == m);
    }
    std::vector<DecryptionShare> reversed(shares.rbegin(), shares.rend());
    CHECK(tpk.combine(c, reversed).plaintext == m);
  }
}

TEST_CASE("Threshold Paillier decrypts a homomorphic sum", "[he][threshold]") {
  Prg prg = seeded(2);
  const auto& keys = test::test_threshold_keys(3, 5);
  const auto& pk = keys.public_key.paillier();
  mpz_class expected = 0;
  PaillierCiphertext sum = pk.encrypt(0, prg);
  for (unsigned i = 1; i <= 10; ++i) {
    sum = pk.add(sum, pk.encrypt(i * 1000, prg));
    expected += i * 1000;
  }
  sum = pk.mul_plain(sum, 3);
  const auto shares = all_shares(keys, sum, prg);
  const std::vector<DecryptionShare> pick{shares[4], shares[0], shares[2]};
  CHECK(keys.public_key.combine(sum, pick).plaintext == 3 * expected);
}

TEST_CASE("Threshold Paillier names cheaters and still decrypts", "[he][threshold][tamper]") {
  Prg prg = seeded(3);
  const auto& keys = test::test_threshold_keys(2, 4);
  const auto& tpk = keys.public_key;
  const auto& pk = tpk.paillier();
  const mpz_class m = 424242;
  const auto c = pk.encrypt(m, prg);
  const auto shares = all_shares(keys, c, prg);

  SECTION("a forged proof") {
    DecryptionShare forged = shares[0];
    forged.proof.response += 1;
    const auto problem = tpk.share_problem(c, forged, 3, 7);
    REQUIRE(problem.has_value());
    CHECK(problem->detail == "the proof of correct decryption does not verify");
    CHECK(problem->cause == RejectionCause::invalid_proof);
    CHECK(problem->from == std::optional<std::size_t>(0));
    CHECK(problem->by == 3);
    CHECK(problem->item == 7);
    const std::vector<DecryptionShare> in{forged, shares[1], shares[2]};
    const CombineResult r = tpk.combine(c, in);
    CHECK(r.plaintext == m);
    CHECK(rejected_with(r, 0, "proof of correct decryption does not verify"));
    CHECK(r.used_parties == std::vector<std::size_t>{1, 2});
  }
  SECTION("a wrong share value with the honest proof") {
    DecryptionShare wrong = shares[1];
    wrong.value = (wrong.value * wrong.value) % pk.n_squared();
    const std::vector<DecryptionShare> in{shares[0], wrong, shares[3]};
    const CombineResult r = tpk.combine(c, in);
    CHECK(r.plaintext == m);
    CHECK(rejected_with(r, 1, "proof"));
    // Alone with one honest share it is not enough: the cheater is named.
    const std::vector<DecryptionShare> few{wrong, shares[3]};
    try {
      (void)tpk.combine(c, few);
      FAIL("combine accepted a bad share");
    } catch (const ProtocolError& e) {
      CHECK(e.party() == 1);
      CHECK(std::string(e.what()).find("proof") != std::string::npos);
    }
  }
  SECTION("a share from the wrong key") {
    // Same modulus, another dealing: other v, v_i, shares and key id.
    const auto& other = test::test_threshold_keys(2, 4, 2);
    REQUIRE(other.public_key.key_id() != tpk.key_id());
    const auto foreign = other.shares[0].decrypt_share(other.public_key, c, prg);
    const std::vector<DecryptionShare> in{foreign, shares[1], shares[2]};
    const CombineResult r = tpk.combine(c, in);
    CHECK(r.plaintext == m);
    CHECK(rejected_with(r, 0, "different threshold key"));
    CHECK(r.rejected.at(0).cause == RejectionCause::wrong_key);
    // Relabelled with this key's id, its proof fails against this key's v_0.
    DecryptionShare relabelled = foreign;
    relabelled.key_id = tpk.key_id();
    CHECK(tpk.share_problem(c, relabelled).value().detail == "the proof of correct decryption does not verify");
    // Another modulus altogether does not even parse.
    Prg p2 = seeded(9);
    const auto small = ThresholdPaillierDealer::from_safe_primes(test::safe_p256(), test::safe_q256(), 2, 4, p2);
    const auto c_small = small.public_key.paillier().encrypt(5, p2);
    const auto s_small = small.shares[0].decrypt_share(small.public_key, c_small, p2);
    CHECK_THROWS_AS(tpk.share_from_bytes(small.public_key.share_to_bytes(s_small)), DecodeError);
  }
  SECTION("a share for another ciphertext, and a replayed share") {
    const auto c2 = pk.encrypt(m, prg);  // the same plaintext, another ciphertext
    const auto old = keys.shares[0].decrypt_share(tpk, c2, prg);
    const std::vector<DecryptionShare> in{old, shares[1], shares[2]};
    const CombineResult r = tpk.combine(c, in);
    CHECK(r.plaintext == m);
    CHECK(rejected_with(r, 0, "different ciphertext"));
    // With the digest rewritten the proof still binds the old ciphertext.
    DecryptionShare rewritten = old;
    rewritten.ciphertext_digest = tpk.ciphertext_digest(c);
    CHECK(tpk.share_problem(c, rewritten).value().detail == "the proof of correct decryption does not verify");
    // Party 0's share replayed under party 2's id.
    DecryptionShare replayed = shares[0];
    replayed.party = 2;
    const std::vector<DecryptionShare> in2{replayed, shares[1], shares[3]};
    const CombineResult r2 = tpk.combine(c, in2);
    CHECK(r2.plaintext == m);
    CHECK(rejected_with(r2, 2, "proof"));
  }
  SECTION("fewer than t shares") {
    const std::vector<DecryptionShare> one{shares[0]};
    CHECK_THROWS_WITH(tpk.combine(c, one), Catch::Contains("fewer than t"));
    CHECK_THROWS_AS(tpk.combine(c, one), InvalidArgument);
    CHECK_THROWS_AS(tpk.combine(c, std::vector<DecryptionShare>{}), InvalidArgument);
    CHECK_THROWS_AS(tpk.combine_verified(c, one), InvalidArgument);
  }
  SECTION("duplicate party ids") {
    const std::vector<DecryptionShare> dup{shares[0], shares[0]};
    try {
      (void)tpk.combine(c, dup);
      FAIL("combine accepted two shares from one party");
    } catch (const ProtocolError& e) {
      CHECK(e.party() == 0);
      CHECK(std::string(e.what()).find("duplicate party id") != std::string::npos);
    }
    // A second, freshly proven share from party 0 is a duplicate too.
    const auto again = keys.shares[0].decrypt_share(tpk, c, prg);
    const std::vector<DecryptionShare> in{shares[0], again, shares[2]};
    const CombineResult r = tpk.combine(c, in);
    CHECK(r.plaintext == m);
    CHECK(rejected_with(r, 0, "duplicate party id"));
    CHECK(r.rejected.at(0).cause == RejectionCause::duplicate);
    CHECK(r.used_parties == std::vector<std::size_t>{0, 2});
    CHECK_THROWS_AS(tpk.combine_verified(c, dup), InvalidArgument);
  }
  SECTION("unknown party ids") {
    DecryptionShare stranger = shares[0];
    stranger.party = 4;  // the key has parties 0..3
    CHECK(tpk.share_problem(c, stranger).value().detail.find("unknown party id 4") != std::string::npos);
    CHECK(tpk.share_problem(c, stranger).value().cause == RejectionCause::out_of_range);
    stranger.party = 1;  // party 0's share under party 1's id
    CHECK_FALSE(tpk.verify_share(c, stranger));
  }
  SECTION("a share value outside Z*_{n^2}") {
    DecryptionShare bad = shares[0];
    bad.value = pk.n();
    CHECK(tpk.share_problem(c, bad).value().detail == "the share value is not in Z*_{n^2}");
  }
  SECTION("several cheaters are all named") {
    DecryptionShare a = shares[0], b = shares[2];
    a.proof.challenge += 1;
    b.value = 1;
    const std::vector<DecryptionShare> in{a, shares[1], b, shares[3]};
    const CombineResult r = tpk.combine(c, in);
    CHECK(r.plaintext == m);
    CHECK(r.rejected.size() == 2);
    CHECK(rejected_with(r, 0, "proof"));
    CHECK(rejected_with(r, 2, "proof"));
  }
}

TEST_CASE("Threshold Paillier serialization", "[he][threshold][codec]") {
  Prg prg = seeded(4);
  const auto& keys = test::test_threshold_keys(2, 3);
  const auto& tpk = keys.public_key;
  const auto c = tpk.paillier().encrypt(77, prg);

  const Bytes pk_enc = tpk.to_bytes();
  const auto tpk2 = ThresholdPaillierPublicKey::from_bytes(pk_enc);
  CHECK(tpk2.key_id() == tpk.key_id());
  CHECK(tpk2.threshold() == 2);
  CHECK(tpk2.parties() == 3);
  CHECK(tpk2.verification_key(2) == tpk.verification_key(2));
  Bytes bad = pk_enc;
  bad.pop_back();
  CHECK_THROWS_AS(ThresholdPaillierPublicKey::from_bytes(bad), DecodeError);
  bad = pk_enc;
  bad.push_back(std::byte{0});
  CHECK_THROWS_AS(ThresholdPaillierPublicKey::from_bytes(bad), DecodeError);
  bad = pk_enc;
  bad[0] = std::byte{7};
  CHECK_THROWS_AS(ThresholdPaillierPublicKey::from_bytes(bad), DecodeError);
  {
    // t > l.
    Writer w;
    w.version(1);
    tpk.paillier().write(w);
    w.varint(4).varint(3);
    CHECK_THROWS_AS(ThresholdPaillierPublicKey::from_bytes(w.data()), DecodeError);
  }
  {
    // A lying party count: 256 parties announced, one verification key sent.
    Writer w;
    w.version(1);
    tpk.paillier().write(w);
    w.varint(2).varint(ThresholdPaillierPublicKey::max_parties);
    w.raw(bigint::to_bytes_le(tpk.v(), tpk.paillier().ciphertext_bytes()));
    w.raw(bigint::to_bytes_le(tpk.verification_key(0), tpk.paillier().ciphertext_bytes()));
    CHECK_THROWS_WITH(ThresholdPaillierPublicKey::from_bytes(w.data()), Catch::Contains("only"));
  }
  {
    // A verification key that is not a unit.
    Writer w;
    w.version(1);
    tpk.paillier().write(w);
    w.varint(2).varint(3);
    w.raw(bigint::to_bytes_le(tpk.v(), tpk.paillier().ciphertext_bytes()));
    w.raw(bigint::to_bytes_le(tpk.paillier().n(), tpk.paillier().ciphertext_bytes()));
    w.raw(bigint::to_bytes_le(tpk.verification_key(1), tpk.paillier().ciphertext_bytes()));
    w.raw(bigint::to_bytes_le(tpk.verification_key(2), tpk.paillier().ciphertext_bytes()));
    CHECK_THROWS_AS(ThresholdPaillierPublicKey::from_bytes(w.data()), DecodeError);
  }

  // Shares round-trip and still verify; malformed ones fail to parse.
  const auto share = keys.shares[1].decrypt_share(tpk, c, prg);
  const Bytes s_enc = tpk.share_to_bytes(share);
  const auto back = tpk2.share_from_bytes(s_enc);
  CHECK(back.party == 1);
  CHECK(s_enc.size() <= tpk.max_share_size());
  CHECK(tpk2.verify_share(c, back));
  bad = s_enc;
  bad.pop_back();
  CHECK_THROWS_AS(tpk.share_from_bytes(bad), DecodeError);
  bad = s_enc;
  bad.push_back(std::byte{1});
  CHECK_THROWS_AS(tpk.share_from_bytes(bad), DecodeError);
  bad = s_enc;
  std::fill(bad.begin() + 1 + 16 + 32 + 1, bad.begin() + 1 + 16 + 32 + 1 + 256, std::byte{0});  // value 0
  CHECK_THROWS_AS(tpk.share_from_bytes(bad), DecodeError);

  // Key shares: round trip, another key, a tampered secret.
  const SecretBytes ks_enc = keys.shares[2].to_bytes(tpk);
  const auto ks = ThresholdPaillierKeyShare::from_bytes(ks_enc.view(), tpk);
  CHECK(ks.party() == 2);
  CHECK(tpk.verify_share(c, ks.decrypt_share(tpk, c, prg)));
  const auto& other = test::test_threshold_keys(2, 3, 2);
  CHECK_THROWS_WITH(ThresholdPaillierKeyShare::from_bytes(ks_enc.view(), other.public_key),
                    Catch::Contains("key id mismatch"));
  Bytes tampered(ks_enc.view().begin(), ks_enc.view().end());
  tampered.back() ^= std::byte{1};
  CHECK_THROWS_WITH(ThresholdPaillierKeyShare::from_bytes(tampered, tpk), Catch::Contains("verification key"));
}

TEST_CASE("Threshold Paillier dealer parameters", "[he][threshold]") {
  Prg prg = seeded(5);
  CHECK_THROWS_AS(ThresholdPaillierDealer::from_safe_primes(test::paillier_p512(), test::safe_q512(), 2, 3, prg),
                  InvalidArgument);  // not a safe prime
  CHECK_THROWS_AS(ThresholdPaillierDealer::from_safe_primes(test::safe_p512(), test::safe_p512(), 2, 3, prg),
                  InvalidArgument);
  CHECK_THROWS_AS(ThresholdPaillierDealer::from_safe_primes(test::safe_p256(), test::safe_q256(), 4, 3, prg),
                  InvalidArgument);
  CHECK_THROWS_AS(ThresholdPaillierDealer::from_safe_primes(test::safe_p256(), test::safe_q256(), 0, 3, prg),
                  InvalidArgument);
  CHECK_THROWS_AS(ThresholdPaillierDealer::generate(1000, 2, 3, prg), InvalidArgument);
  const auto& tpk = test::test_threshold_keys(2, 3).public_key;
  CHECK_NOTHROW(tpk.verification_key(0));  // 0-based: parties 0, 1, 2
  CHECK_THROWS_AS(tpk.verification_key(3), InvalidArgument);
  CHECK_THROWS_WITH(tpk.verification_key(3), Catch::Contains("party 3 is not in [0, 3)"));
  CHECK(tpk.delta() == 6);
  // A key share for a party the key does not have.
  const ThresholdPaillierKeyShare stray(3, 12345);
  CHECK_THROWS_AS(stray.decrypt_share(tpk, tpk.paillier().encrypt(1, prg), prg), InvalidArgument);
  CHECK_THROWS_AS(stray.decrypt_share(tpk, PaillierCiphertext(0), prg), InvalidArgument);
}

TEST_CASE("Threshold Paillier dealer with fresh 1024-bit safe primes", "[he][threshold][.slow]") {
  Prg prg = seeded(6);
  const auto keys = ThresholdPaillierDealer::generate(1024, 3, 5, prg);
  const auto c = keys.public_key.paillier().encrypt(31337, prg);
  const auto shares = all_shares(keys, c, prg);
  CHECK(keys.public_key.combine(c, shares).plaintext == 31337);
}

TEST_CASE("Threshold Paillier one numbering: key share i is network party i everywhere", "[he][threshold][issue14]") {
  // Issue #14, problem 4: key shares, shares, verification keys and errors
  // used 1-based ids while the network is 0-based, so "party 3" meant
  // network party 2. Now party i is network party i throughout.
  Prg prg = seeded(7);
  const auto& keys = test::test_threshold_keys(3, 4);
  const auto& tpk = keys.public_key;
  const auto c = tpk.paillier().encrypt(11, prg);
  std::vector<DecryptionShare> shares;
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(keys.shares[i].party() == i);
    shares.push_back(keys.shares[i].decrypt_share(tpk, c, prg));
    CHECK(shares[i].party == i);
    // Party i's key share matches verification key i.
    CHECK(ThresholdPaillierKeyShare::from_bytes(keys.shares[i].to_bytes(tpk).view(), tpk).party() == i);
  }
  // A bad share from party 2 with too few others: the error names party 2.
  shares[2].value = (shares[2].value * (tpk.paillier().n() + 1)) % tpk.paillier().n_squared();
  const std::vector<DecryptionShare> few{shares[0], shares[2], shares[3]};
  try {
    (void)tpk.combine(c, few, /*by=*/0, /*item=*/0);
    FAIL("combine accepted a bad share");
  } catch (const ProtocolError& e) {
    CHECK(e.party() == 2);
    CHECK_THAT(e.what(), Catch::StartsWith("party 2: the proof of correct decryption does not verify"));
  }
  const CombineResult r = tpk.combine(c, shares);
  CHECK(r.plaintext == 11);
  CHECK(r.used_parties == std::vector<std::size_t>{0, 1, 3});
  REQUIRE(r.rejected.size() == 1);
  CHECK(r.rejected[0].describe().find("from party 2") != std::string::npos);
}
