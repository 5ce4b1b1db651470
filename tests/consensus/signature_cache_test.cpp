// The signature cache answers exactly what a verification would: a
// signature that verified is answered from the cache (for that chain id
// only), a bad one is verified, refused and never remembered, and the
// oldest entries go past the capacity. verify_many fills it from batches
// with the same verdicts, including for the one kind of signature that
// only the cofactored equation accepts.
#include <catch2/catch.hpp>

#include <sodium.h>

#include "privfin/consensus/apps/signed_tx.hpp"
#include "privfin/core/bigint.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/sig/edwards25519.hpp"

using namespace privfin;
using namespace privfin::consensus::apps;

TEST_CASE("signature cache: hits only for what verified, per chain id - bad signatures never cached - bounded",
          "[consensus][apps][cache]") {
  Prg prg(Prg::Seed{});
  const auto key = sig::Ed25519SecretKey::generate(prg);
  SignatureCache cache(2);
  const auto a = SignedTx::make(key, "chain", 1, 0, Bytes{std::byte{1}});
  const auto b = SignedTx::make(key, "chain", 1, 1, Bytes{std::byte{2}});
  const auto c = SignedTx::make(key, "chain", 1, 2, Bytes{std::byte{3}});
  CHECK(cache.verify(a, "chain"));
  CHECK(cache.hits() == 0);
  CHECK(cache.verify(a, "chain"));
  CHECK(cache.hits() == 1);
  CHECK_FALSE(cache.verify(a, "other-chain"));  // other signed bytes: verified, and refused
  CHECK(cache.hits() == 1);

  auto forged = a;
  forged.signature[5] ^= std::byte{1};
  CHECK_FALSE(cache.verify(forged, "chain"));
  CHECK_FALSE(cache.verify(forged, "chain"));
  CHECK(cache.size() == 1);
  auto other_payload = a;
  other_payload.payload[0] = std::byte{9};  // the signature of a, another payload
  CHECK_FALSE(cache.verify(other_payload, "chain"));
  auto short_signer = a;
  short_signer.signer.pop_back();
  CHECK_FALSE(cache.verify(short_signer, "chain"));

  CHECK(cache.verify(b, "chain"));
  CHECK(cache.verify(c, "chain"));  // a is forgotten
  CHECK(cache.size() == 2);
  const auto before = cache.hits();
  CHECK(cache.verify(a, "chain"));
  CHECK(cache.hits() == before);  // verified again, not a hit
}

TEST_CASE("signature cache: verify_many checks a batch at once - later verdicts are verify()'s - bad and malformed "
          "entries are not remembered",
          "[consensus][apps][cache]") {
  Prg prg(Prg::Seed{std::byte{7}});
  const auto key = sig::Ed25519SecretKey::generate(prg);
  std::vector<SignedTx> good;
  for (std::uint64_t n = 0; n < 70; ++n) good.push_back(SignedTx::make(key, "chain", 1, n, Bytes{std::byte{3}}));
  auto forged = SignedTx::make(key, "chain", 1, 99, Bytes{std::byte{4}});
  forged.signature[40] ^= std::byte{1};
  std::vector<Bytes> encoded;
  for (const auto& t : good) encoded.push_back(t.to_bytes());
  encoded.insert(encoded.begin() + 30, forged.to_bytes());
  encoded.push_back(to_bytes(std::string_view("not a transaction")));

  SignatureCache cache(1000);
  cache.verify_many(encoded, "chain");
  // 71 to check (the malformed one skipped; the forged one is 31st): one
  // batch of 71 fails and is halved while the forged one's half fails
  // (35 + 36, 17 + 18, 9 + 9, 4 + 5); the 5 around it, at most min_batch,
  // are left to verify().
  STATIC_REQUIRE(SignatureCache::max_batch == 128);
  STATIC_REQUIRE(SignatureCache::min_batch == 8);
  CHECK(cache.batch_checked() == 71 + 71 + 35 + 18 + 9);
  CHECK(cache.size() == 66);
  for (const auto& t : good) CHECK(cache.verify(t, "chain"));
  CHECK(cache.hits() == 66);
  CHECK(cache.size() == 70);  // the four verified one by one are remembered now
  CHECK_FALSE(cache.verify(forged, "chain"));
  // Another chain id signs other bytes: nothing is remembered for it.
  cache.verify_many(encoded, "other-chain");
  CHECK(cache.size() == 70);
  CHECK_FALSE(cache.verify(good[0], "other-chain"));
  // What is remembered is not checked again; one alone is left to verify().
  const auto before = cache.batch_checked();
  cache.verify_many(encoded, "chain");
  CHECK(cache.batch_checked() == before + 0);  // the forged one alone: not batched
  // Only bad signatures: the batch of 64 is halved down to 8 and no further.
  std::vector<Bytes> all_bad;
  for (std::uint64_t n = 0; n < 64; ++n) {
    auto t = SignedTx::make(key, "chain", 3, n, Bytes{});
    t.signature[0] ^= std::byte{1};
    all_bad.push_back(t.to_bytes());
  }
  SignatureCache bad_cache(1000);
  bad_cache.verify_many(all_bad, "chain");
  CHECK(bad_cache.batch_checked() == 4 * 64);  // 64, 2 x 32, 4 x 16, 8 x 8
  CHECK(bad_cache.size() == 0);
  // Past max_batch: several batches.
  std::vector<Bytes> many;
  for (std::uint64_t n = 0; n < SignatureCache::max_batch + 10; ++n) {
    many.push_back(SignedTx::make(key, "chain", 2, n, Bytes{}).to_bytes());
  }
  SignatureCache big(1000);
  big.verify_many(many, "chain");
  CHECK(big.batch_checked() == many.size());
  CHECK(big.size() == many.size());
  SignatureCache none(0);  // remembers nothing, so checks nothing
  none.verify_many(many, "chain");
  CHECK(none.batch_checked() == 0);
}

TEST_CASE("signature cache: verify() after verify_many() in the same order answers from the batch's bytes - the "
          "verdicts are a fresh cache's",
          "[consensus][apps][cache]") {
  Prg prg(Prg::Seed{std::byte{8}});
  const auto key = sig::Ed25519SecretKey::generate(prg);
  std::vector<SignedTx> txs;
  for (std::uint64_t n = 0; n < 40; ++n) txs.push_back(SignedTx::make(key, "chain", 1, n, Bytes{std::byte{6}}));
  txs[17].signature[3] ^= std::byte{1};  // a bad one inside: its part of the batch is checked one by one
  std::vector<Bytes> encoded;
  for (const auto& t : txs) encoded.push_back(t.to_bytes());
  SignatureCache cache(1000);
  cache.verify_many(encoded, "chain");
  // In order, as check_tx after will_check: every verdict is a fresh
  // cache's (one verification each).
  for (std::size_t i = 0; i < txs.size(); ++i) {
    INFO("transaction " << i);
    SignatureCache fresh(1000);
    CHECK(cache.verify(encoded[i], txs[i], "chain") == fresh.verify(encoded[i], txs[i], "chain"));
  }
  // Another chain id after a batch for "chain": not answered from the batch.
  cache.verify_many(encoded, "chain");
  CHECK_FALSE(cache.verify(encoded[0], txs[0], "other-chain"));
  // A transaction of the same size but other bytes, where the batch's next
  // one is expected: checked, not taken for it.
  auto twin = SignedTx::make(key, "chain", 1, 0, Bytes{std::byte{7}});
  twin.signature[0] ^= std::byte{1};
  REQUIRE(twin.to_bytes().size() == encoded[0].size());
  cache.verify_many(encoded, "chain");
  CHECK_FALSE(cache.verify(twin.to_bytes(), twin, "chain"));
  CHECK(cache.verify(encoded[0], txs[0], "chain"));
  // A later verify_many forgets the earlier batch: a bad transaction of
  // the first is refused after a second batch without it.
  cache.verify_many(encoded, "chain");
  cache.verify_many(std::vector<Bytes>(encoded.begin() + 20, encoded.end()), "chain");
  CHECK_FALSE(cache.verify(encoded[17], txs[17], "chain"));
  CHECK(cache.verify(encoded[20], txs[20], "chain"));
}

TEST_CASE("signature cache: the transaction passed last is answered from its bytes - a changed byte is checked "
          "again - a zero-capacity cache keeps nothing",
          "[consensus][apps][cache]") {
  Prg prg(Prg::Seed{std::byte{9}});
  const auto key = sig::Ed25519SecretKey::generate(prg);
  const SignedTx tx = SignedTx::make(key, "chain", 1, 0, Bytes{std::byte{5}});
  const Bytes wire = tx.to_bytes();
  SignatureCache cache(16);
  CHECK(cache.verify(wire, tx, "chain"));
  CHECK(cache.hits() == 0);
  CHECK(cache.verify(wire, tx, "chain"));  // the same bytes again: a hit
  CHECK(cache.verify(tx, "chain"));        // encoded again, the same bytes: a hit
  CHECK(cache.hits() == 2);
  CHECK_FALSE(cache.verify(wire, tx, "other-chain"));  // the same bytes for another chain: verified, and refused
  // One signature byte changed right after the good one: not the last
  // bytes, not remembered, verified and refused.
  SignedTx forged = tx;
  forged.signature[10] ^= std::byte{1};
  CHECK_FALSE(cache.verify(forged.to_bytes(), forged, "chain"));
  CHECK(cache.hits() == 2);
  CHECK(cache.size() == 1);
  // Bytes that are not tx's encoding: false, whatever the cache holds.
  const SignedTx other = SignedTx::make(key, "chain", 1, 1, Bytes{std::byte{5}});
  CHECK_FALSE(cache.verify(wire, other, "chain"));
  CHECK_FALSE(cache.verify(other.to_bytes(), tx, "chain"));
  Bytes longer = wire;
  longer.push_back(std::byte{0});
  CHECK_FALSE(cache.verify(longer, tx, "chain"));
  CHECK(cache.verify(other.to_bytes(), other, "chain"));
  SignatureCache none(0);
  CHECK(none.verify(wire, tx, "chain"));
  CHECK(none.verify(wire, tx, "chain"));
  CHECK(none.hits() == 0);
  CHECK(none.size() == 0);
}

namespace {
// A signature by secret scalar a whose R is rB + T, T of order 8: the
// cofactorless equation fails (residual -T), the cofactored one holds. No
// honest signer makes one; a Byzantine client can.
SignedTx torsion_signed(std::string_view chain_id) {
  using namespace sig::ed25519_curve;
  const mpz_class a = 123456789;
  const mpz_class r = 987654321;
  AffinePoint t = identity();
  for (unsigned char i = 2;; ++i) {  // a point of order exactly 8
    Bytes enc(32);
    enc[0] = std::byte{i};
    const auto q = decode(enc);
    if (!q) continue;
    t = mul_public(group_order(), *q);
    if (!(add(add(t, t), add(t, t)) == identity())) break;
  }
  SignedTx tx;
  tx.kind = 1;
  tx.signer = encode(mul_public(a, base_point()));
  tx.nonce = 0;
  tx.payload = Bytes{std::byte{1}};
  const Bytes r_enc = encode(add(mul_public(r, base_point()), t));
  const Bytes message = tx.signed_bytes(chain_id);
  std::array<unsigned char, 64> digest{};
  crypto_hash_sha512_state h;
  crypto_hash_sha512_init(&h);
  crypto_hash_sha512_update(&h, reinterpret_cast<const unsigned char*>(r_enc.data()), 32);
  crypto_hash_sha512_update(&h, reinterpret_cast<const unsigned char*>(tx.signer.data()), 32);
  crypto_hash_sha512_update(&h, reinterpret_cast<const unsigned char*>(message.data()), message.size());
  crypto_hash_sha512_final(&h, digest.data());
  const mpz_class k = bigint::from_bytes_le(ByteView(reinterpret_cast<const std::byte*>(digest.data()), 64));
  tx.signature = r_enc;
  const Bytes s = bigint::to_bytes_le((r + k * a) % group_order(), 32);
  tx.signature.insert(tx.signature.end(), s.begin(), s.end());
  return tx;
}
}  // namespace

TEST_CASE("signature cache: a signature only the cofactored equation accepts is valid batched and one by one",
          "[consensus][apps][cache]") {
  const SignedTx odd = torsion_signed("chain");
  REQUIRE_FALSE(sig::ed25519_verify(odd.signer, odd.signed_bytes("chain"), odd.signature));
  // One by one: valid (the rule is the cofactored one).
  CHECK(odd.verify("chain"));
  SignatureCache single;
  CHECK(single.verify(odd, "chain"));
  // In a batch with honest ones: valid too, so a node that batched and one
  // that did not reach the same verdict.
  Prg prg(Prg::Seed{std::byte{8}});
  const auto key = sig::Ed25519SecretKey::generate(prg);
  std::vector<Bytes> encoded{odd.to_bytes()};
  for (std::uint64_t n = 0; n < 5; ++n) encoded.push_back(SignedTx::make(key, "chain", 1, n, Bytes{}).to_bytes());
  SignatureCache batched;
  batched.verify_many(encoded, "chain");
  CHECK(batched.batch_checked() == 6);
  CHECK(batched.size() == 6);
  CHECK(batched.verify(odd, "chain"));
  CHECK(batched.hits() == 1);
  // Another chain id: refused both ways.
  CHECK_FALSE(odd.verify("other"));
}
