// Tests for privfin/sig/bls12_381/bls.hpp: every line of every signature
// vector file (min-pk and min-sig), KeyGen, the three schemes, aggregation
// with tampering, proofs of possession, the rogue-key attack, and malformed
// inputs.
#include <catch2/catch.hpp>

#include <privfin/core/error.hpp>
#include <privfin/sig/bls12_381/bls.hpp>
#include <privfin/sig/bls12_381/multisig.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "support/vectors.hpp"

using namespace privfin;
using namespace privfin::sig::bls12_381;

namespace {

template <class V>
void run_vector_files(const std::string& prefix) {
  using B = Bls<V>;
  std::size_t lines = 0;
  for (const auto& path : test::vector_files("bls12-381", ".txt", prefix)) {
    // The scheme is named in the file name (sign_minpk_basic.txt, ..._aug, ..._pop).
    const std::string name = path.filename().string();
    const Scheme scheme = name.find("_aug") != std::string::npos   ? Scheme::message_augmentation
                          : name.find("_pop") != std::string::npos ? Scheme::proof_of_possession
                                                                   : Scheme::basic;
    std::ifstream in(path);
    REQUIRE(in);
    std::string line;
    std::size_t number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      INFO(path.filename().string() << ":" << number);
      const auto c1 = line.find(':');
      const auto c2 = line.find(':', c1 + 1);
      REQUIRE(c1 != std::string::npos);
      REQUIRE(c2 != std::string::npos);
      const Bytes sk_bytes = from_hex(line.substr(0, c1));
      const Bytes msg = from_hex(line.substr(c1 + 1, c2 - c1 - 1));
      const std::string want = line.substr(c2 + 1);
      const SecretKey sk = SecretKey::from_bytes_mod_r(sk_bytes);
      const auto sig = B::sign(sk, msg, scheme);
      REQUIRE(to_hex(sig) == want);
      const auto pk = B::sk_to_pk(sk);
      CHECK(B::verify(pk, msg, from_hex(want), scheme));
      if (number % 25 == 1) {
        Bytes other = msg;
        other.push_back(std::byte{0});
        CHECK_FALSE(B::verify(pk, other, sig, scheme));
      }
      ++lines;
    }
  }
  CHECK(lines > 0);
}

template <class V>
std::vector<SecretKey> keys(std::size_t n, std::uint8_t tag) {
  std::vector<SecretKey> out;
  for (std::size_t i = 0; i < n; ++i) {
    Bytes ikm(32, std::byte{tag});
    ikm[0] = static_cast<std::byte>(i);
    out.push_back(SecretKey::key_gen(ikm));
  }
  return out;
}

template <class A>
ByteView view(const A& a) {
  return ByteView(a.data(), a.size());
}

}  // namespace

TEST_CASE("BLS min-pk signature vectors", "[sig][bls12_381][bls]") { run_vector_files<MinPk>("sign_minpk"); }

TEST_CASE("BLS min-sig signature vectors", "[sig][bls12_381][bls]") { run_vector_files<MinSig>("sign_minsig"); }

TEST_CASE("KeyGen follows the draft (EIP-2333 master key vector) and checks its input", "[sig][bls12_381][bls]") {
  // EIP-2333 test case 0: derive_master_SK(seed) = KeyGen(seed) with empty key_info.
  const Bytes seed = from_hex(
      "c55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab7c81b2f001698e7463b04");
  const SecretKey sk = SecretKey::key_gen(seed);
  CHECK(to_hex(sk.to_bytes().view()) == "0d7359d57963ab8fbbde1852dcf553fedbc31f464d80ee7d40ae683122b45070");
  CHECK_THROWS_AS(SecretKey::key_gen(Bytes(31)), InvalidArgument);
  const SecretKey a = SecretKey::key_gen(Bytes(32));
  const SecretKey b = SecretKey::key_gen(Bytes(32), as_bytes("other info"));
  CHECK_FALSE(a.scalar() == b.scalar());
  CHECK(SecretKey::key_gen(Bytes(32)).scalar() == a.scalar());
  // from_bytes: range and length.
  CHECK_THROWS_AS(SecretKey::from_bytes(Bytes(32)), InvalidArgument);
  CHECK_THROWS_AS(SecretKey::from_bytes(Bytes(31, std::byte{1})), InvalidArgument);
  CHECK_THROWS_AS(SecretKey::from_bytes(from_hex("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001")),
                  InvalidArgument);
  CHECK_NOTHROW(SecretKey::from_bytes(from_hex("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000000")));
  // Modulo r: r itself is zero, r + 5 is 5.
  CHECK_THROWS_AS(SecretKey::from_bytes_mod_r(from_hex("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001")),
                  InvalidArgument);
  CHECK(SecretKey::from_bytes_mod_r(from_hex("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000006")).scalar() ==
        Fr::from_u64(5));
  CHECK_THROWS_AS(SecretKey::from_bytes_mod_r(Bytes(33, std::byte{1})), InvalidArgument);
}

TEMPLATE_TEST_CASE("Sign and verify under every scheme, tampering fails", "[sig][bls12_381][bls]", MinPk, MinSig) {
  using B = Bls<TestType>;
  const auto sks = keys<TestType>(2, 1);
  const auto pk = B::sk_to_pk(sks[0]);
  const auto pk_other = B::sk_to_pk(sks[1]);
  CHECK(B::validate_key(pk));
  const Bytes msg = to_bytes("block 17");
  for (Scheme scheme : {Scheme::basic, Scheme::message_augmentation, Scheme::proof_of_possession}) {
    const auto sig = B::sign(sks[0], msg, scheme);
    CHECK(B::verify(pk, msg, sig, scheme));
    CHECK_FALSE(B::verify(pk_other, msg, sig, scheme));
    CHECK_FALSE(B::verify(pk, as_bytes("block 18"), sig, scheme));
    const Scheme other = scheme == Scheme::basic ? Scheme::proof_of_possession : Scheme::basic;
    CHECK_FALSE(B::verify(pk, msg, sig, other));  // domain separation
  }
  const auto sig = B::sign(sks[0], msg);
  // Malformed inputs are invalid, never exceptions.
  CHECK_FALSE(B::verify(Bytes(3), msg, sig));
  CHECK_FALSE(B::verify(pk, msg, Bytes(5)));
  auto bad_sig = sig;
  bad_sig[5] ^= std::byte{1};
  CHECK_FALSE(B::verify(pk, msg, bad_sig));
  auto bad_pk = pk;
  bad_pk[7] ^= std::byte{1};
  CHECK_FALSE(B::validate_key(bad_pk));
  CHECK_FALSE(B::verify(bad_pk, msg, sig));
  // The identity key and signature are rejected.
  typename TestType::PkPoint id_pk;
  typename TestType::SigPoint id_sig;
  Bytes id_pk_bytes, id_sig_bytes;
  if constexpr (std::is_same_v<TestType, MinPk>) {
    const auto a = g1_to_compressed(id_pk);
    const auto b = g2_to_compressed(id_sig);
    id_pk_bytes.assign(a.begin(), a.end());
    id_sig_bytes.assign(b.begin(), b.end());
  } else {
    const auto a = g2_to_compressed(id_pk);
    const auto b = g1_to_compressed(id_sig);
    id_pk_bytes.assign(a.begin(), a.end());
    id_sig_bytes.assign(b.begin(), b.end());
  }
  CHECK_FALSE(B::validate_key(id_pk_bytes));
  CHECK_FALSE(B::verify(id_pk_bytes, msg, id_sig_bytes));
  CHECK_FALSE(B::verify(pk, msg, id_sig_bytes));
}

TEMPLATE_TEST_CASE("Aggregate and AggregateVerify", "[sig][bls12_381][bls]", MinPk, MinSig) {
  using B = Bls<TestType>;
  const auto sks = keys<TestType>(3, 2);
  std::vector<typename B::PublicKey> pks;
  std::vector<typename B::Signature> sigs;
  const std::vector<Bytes> msgs = {to_bytes("m0"), to_bytes("m1"), to_bytes("m2")};
  for (std::size_t i = 0; i < 3; ++i) {
    pks.push_back(B::sk_to_pk(sks[i]));
    sigs.push_back(B::sign(sks[i], msgs[i]));
  }
  std::vector<ByteView> pk_views, sig_views, msg_views;
  for (std::size_t i = 0; i < 3; ++i) {
    pk_views.push_back(view(pks[i]));
    sig_views.push_back(view(sigs[i]));
    msg_views.push_back(msgs[i]);
  }
  const auto agg = B::aggregate(sig_views);
  CHECK(B::aggregate_verify(pk_views, msg_views, agg));
  // One message, one key or one signature changed: rejected.
  auto msgs2 = msg_views;
  const Bytes changed = to_bytes("m9");
  msgs2[1] = changed;
  CHECK_FALSE(B::aggregate_verify(pk_views, msgs2, agg));
  auto pks2 = pk_views;
  const auto extra = B::sk_to_pk(keys<TestType>(1, 9)[0]);
  pks2[2] = view(extra);
  CHECK_FALSE(B::aggregate_verify(pks2, msg_views, agg));
  auto sigs2 = sig_views;
  const auto wrong = B::sign(sks[0], as_bytes("m9"));
  sigs2[0] = view(wrong);
  CHECK_FALSE(B::aggregate_verify(pk_views, msg_views, B::aggregate(sigs2)));
  // Size mismatch and duplicate messages in the basic scheme.
  CHECK_FALSE(B::aggregate_verify(std::span(pk_views).first(2), msg_views, agg));
  auto dup = msg_views;
  dup[2] = dup[0];
  const auto sig2_on_m0 = B::sign(sks[2], msgs[0]);
  const std::vector<ByteView> dup_sigs = {sig_views[0], sig_views[1], view(sig2_on_m0)};
  const auto agg_dup = B::aggregate(dup_sigs);
  CHECK_FALSE(B::aggregate_verify(pk_views, dup, agg_dup));
  // Message augmentation allows repeated messages.
  std::vector<typename B::Signature> aug;
  for (std::size_t i = 0; i < 3; ++i) aug.push_back(B::sign(sks[i], msgs[0], Scheme::message_augmentation));
  const std::vector<ByteView> aug_views = {view(aug[0]), view(aug[1]), view(aug[2])};
  const std::vector<ByteView> same = {msgs[0], msgs[0], msgs[0]};
  CHECK(B::aggregate_verify(pk_views, same, B::aggregate(aug_views), Scheme::message_augmentation));
  // Aggregate rejects malformed signatures and empty lists.
  CHECK_THROWS_AS(B::aggregate(std::span<const ByteView>()), InvalidArgument);
  const Bytes junk(TestType::sig_size, std::byte{0xff});
  const std::vector<ByteView> with_junk = {sig_views[0], junk};
  CHECK_THROWS_AS(B::aggregate(with_junk), DecodeError);
}

TEMPLATE_TEST_CASE("Proofs of possession and FastAggregateVerify", "[sig][bls12_381][bls]", MinPk, MinSig) {
  using B = Bls<TestType>;
  const auto sks = keys<TestType>(4, 3);
  std::vector<typename B::PublicKey> pks;
  std::vector<typename B::Signature> sigs;
  const Bytes msg = to_bytes("vote for block 42");
  for (const auto& sk : sks) {
    pks.push_back(B::sk_to_pk(sk));
    const auto proof = B::pop_prove(sk);
    CHECK(B::pop_verify(pks.back(), proof));
    sigs.push_back(B::sign(sk, msg, Scheme::proof_of_possession));
  }
  CHECK_FALSE(B::pop_verify(pks[0], B::pop_prove(sks[1])));
  // A signature on the key bytes under the signature DST is not a PoP.
  CHECK_FALSE(B::pop_verify(pks[0], B::sign(sks[0], pks[0], Scheme::proof_of_possession)));
  std::vector<ByteView> pk_views, sig_views;
  for (std::size_t i = 0; i < sks.size(); ++i) {
    pk_views.push_back(view(pks[i]));
    sig_views.push_back(view(sigs[i]));
  }
  const auto agg = B::aggregate(sig_views);
  CHECK(B::fast_aggregate_verify(pk_views, msg, agg));
  CHECK_FALSE(B::fast_aggregate_verify(pk_views, as_bytes("vote for block 43"), agg));
  CHECK_FALSE(B::fast_aggregate_verify(std::span(pk_views).first(3), msg, agg));
  CHECK_FALSE(B::fast_aggregate_verify(std::span<const ByteView>(), msg, agg));
  CHECK_FALSE(B::fast_aggregate_verify(pk_views, msg, B::aggregate(std::span(sig_views).first(3))));
}

TEMPLATE_TEST_CASE("Rogue-key attack: succeeds without PoP, fails with it", "[sig][bls12_381][bls]", MinPk, MinSig) {
  using B = Bls<TestType>;
  using PkPoint = typename TestType::PkPoint;
  const auto honest = keys<TestType>(1, 4)[0];
  const auto honest_pk = B::sk_to_pk(honest);
  // The attacker knows only honest_pk. It picks a and publishes
  // pk_rogue = [a]g - pk_honest, so that pk_honest + pk_rogue = [a]g.
  const auto attacker = keys<TestType>(1, 5)[0];
  PkPoint honest_point, rogue_point;
  if constexpr (std::is_same_v<PkPoint, G1>) {
    honest_point = g1_from_bytes(honest_pk);
  } else {
    honest_point = g2_from_bytes(honest_pk);
  }
  rogue_point = PkPoint::generator().mul(attacker.scalar()) - honest_point;
  Bytes rogue_pk;
  if constexpr (std::is_same_v<PkPoint, G1>) {
    const auto e = g1_to_compressed(rogue_point);
    rogue_pk.assign(e.begin(), e.end());
  } else {
    const auto e = g2_to_compressed(rogue_point);
    rogue_pk.assign(e.begin(), e.end());
  }
  CHECK(B::validate_key(rogue_pk));  // a perfectly valid-looking key
  const Bytes msg = to_bytes("transfer everything to the attacker");
  // The attacker alone produces a "multisignature" of both parties.
  const auto forged = B::sign(attacker, msg, Scheme::proof_of_possession);
  const std::vector<ByteView> pks = {view(honest_pk), rogue_pk};
  CHECK(B::fast_aggregate_verify(pks, msg, forged));  // the attack works on unchecked keys
  // With PoP: the attacker cannot prove possession of the rogue key.
  const auto attempt = B::pop_prove(attacker);  // the best it can do: a PoP for [a]g
  CHECK_FALSE(B::pop_verify(rogue_pk, attempt));
  const auto honest_pop = B::pop_prove(honest);
  const std::vector<ByteView> pops = {view(honest_pop), view(attempt)};
  CHECK_THROWS_AS(Committee<TestType>::from_keys(pks, pops), InvalidArgument);
}
