// Tests for privfin/sig/bls12_381/multisig.hpp: gossip-style merging with
// repeated signers, bitmap and counts, verification against a PoP-checked
// committee, tampering, and the wire format's malformed inputs.
#include <catch2/catch.hpp>

#include <privfin/core/error.hpp>
#include <privfin/sig/bls12_381/multisig.hpp>

#include <vector>

using namespace privfin;
using namespace privfin::sig::bls12_381;

namespace {

template <class V>
struct Fixture {
  using B = Bls<V>;
  std::vector<SecretKey> sks;
  std::vector<typename B::PublicKey> pks;
  std::vector<typename B::Signature> pops;
  std::vector<ByteView> pk_views, pop_views;

  explicit Fixture(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      Bytes ikm(32, std::byte{0x5a});
      ikm[1] = static_cast<std::byte>(i);
      sks.push_back(SecretKey::key_gen(ikm));
      pks.push_back(B::sk_to_pk(sks.back()));
      pops.push_back(B::pop_prove(sks.back()));
    }
    for (std::size_t i = 0; i < n; ++i) {
      pk_views.emplace_back(pks[i].data(), pks[i].size());
      pop_views.emplace_back(pops[i].data(), pops[i].size());
    }
  }
  MultiSig<V> vote(std::size_t i, ByteView msg) const {
    const auto sig = B::sign(sks[i], msg, Scheme::proof_of_possession);
    return MultiSig<V>::single(sks.size(), i, sig);
  }
};

}  // namespace

TEMPLATE_TEST_CASE("MultiSig merges along gossip paths and verifies", "[sig][bls12_381][multisig]", MinPk, MinSig) {
  Fixture<TestType> f(5);
  const auto committee = Committee<TestType>::from_keys(f.pk_views, f.pop_views);
  REQUIRE(committee.size() == 5);
  const Bytes block = to_bytes("block hash 0xabc");

  // Two gossip paths: {0, 1, 3} and {0, 4}; signer 0's vote reaches both.
  const auto path_a = f.vote(0, block).merge(f.vote(1, block)).merge(f.vote(3, block));
  auto path_b = f.vote(0, block);
  path_b.merge_inplace(f.vote(4, block));
  CHECK(path_a.verify(committee, block));
  CHECK(path_b.verify(committee, block));
  const auto merged = path_a.merge(path_b);
  CHECK(merged.counts() == std::vector<std::uint32_t>{2, 1, 0, 1, 1});
  CHECK(merged.bitmap() == std::vector<bool>{true, true, false, true, true});
  CHECK(merged.signer_count() == 4);
  CHECK(merged.verify(committee, block));
  CHECK_FALSE(merged.verify(committee, as_bytes("another block")));

  // Tampering with counts (claiming signer 2, or dropping the repeat) fails.
  auto wire = merged.to_bytes();
  const auto back = MultiSig<TestType>::from_bytes(wire, 100);
  CHECK(back.counts() == merged.counts());
  CHECK(back.signature() == merged.signature());
  CHECK(back.verify(committee, block));
  for (std::size_t member : {std::size_t{0}, std::size_t{2}}) {
    auto tampered = wire;
    tampered[2 + member] = std::byte{1};  // 2 -> 1 for member 0, 0 -> 1 for member 2
    CHECK_FALSE(MultiSig<TestType>::from_bytes(tampered, 100).verify(committee, block));
  }
  // A vote on another message spoils the aggregate.
  CHECK_FALSE(merged.merge(f.vote(2, as_bytes("other"))).verify(committee, block));
  // No signers, a different committee size: invalid.
  CHECK_FALSE(MultiSig<TestType>(5).verify(committee, block));
  const Fixture<TestType> small(2);
  const auto committee2 = Committee<TestType>::from_keys(small.pk_views, small.pop_views);
  CHECK_FALSE(merged.verify(committee2, block));
}

TEMPLATE_TEST_CASE("MultiSig and Committee reject bad input", "[sig][bls12_381][multisig]", MinPk, MinSig) {
  using B = Bls<TestType>;
  Fixture<TestType> f(3);
  const Bytes block = to_bytes("b");
  const auto sig = B::sign(f.sks[0], block, Scheme::proof_of_possession);
  CHECK_THROWS_AS(MultiSig<TestType>::single(3, 3, sig), InvalidArgument);
  CHECK_THROWS_AS(MultiSig<TestType>::single(3, 0, Bytes(TestType::sig_size)), DecodeError);
  auto m = f.vote(0, block);
  const auto before = m.to_bytes();
  CHECK_THROWS_AS(m.merge_inplace(MultiSig<TestType>(4)), InvalidArgument);
  CHECK(m.to_bytes() == before);  // unchanged

  // Committee: a swapped PoP, size mismatch, empty.
  auto pops = f.pop_views;
  std::swap(pops[0], pops[1]);
  CHECK_THROWS_AS(Committee<TestType>::from_keys(f.pk_views, pops), InvalidArgument);
  CHECK_THROWS_AS(Committee<TestType>::from_keys(f.pk_views, std::span(f.pop_views).first(2)), InvalidArgument);
  CHECK_THROWS_AS(Committee<TestType>::from_keys(std::span<const ByteView>(), std::span<const ByteView>()),
                  InvalidArgument);

  // Wire format: truncation, version, size bound, trailing bytes, bad point.
  const Bytes wire = m.to_bytes();
  CHECK_NOTHROW(MultiSig<TestType>::from_bytes(wire, 3));
  CHECK_THROWS_AS(MultiSig<TestType>::from_bytes(ByteView(wire).first(wire.size() - 1), 3), DecodeError);
  CHECK_THROWS_AS(MultiSig<TestType>::from_bytes(Bytes{}, 3), DecodeError);
  auto v = wire;
  v[0] = std::byte{2};
  CHECK_THROWS_AS(MultiSig<TestType>::from_bytes(v, 3), DecodeError);
  CHECK_THROWS_AS(MultiSig<TestType>::from_bytes(wire, 2), DecodeError);
  auto trailing = wire;
  trailing.push_back(std::byte{0});
  CHECK_THROWS_AS(MultiSig<TestType>::from_bytes(trailing, 3), DecodeError);
  auto bad_point = wire;
  bad_point.back() ^= std::byte{1};
  CHECK_THROWS_AS(MultiSig<TestType>::from_bytes(bad_point, 3), DecodeError);
  Bytes zero_size = {std::byte{1}, std::byte{0}};
  CHECK_THROWS_AS(MultiSig<TestType>::from_bytes(zero_size, 3), DecodeError);
}

TEMPLATE_TEST_CASE("MultiSig::from_bytes checks a lying committee size before allocating",
                   "[sig][bls12_381][multisig]", MinPk, MinSig) {
  // version 1, committee size 2^27 as a varint, and nothing else: the bytes
  // for 2^27 counts and a signature do not exist, so nothing is allocated
  // (before the fix this cost 512 MiB, and with SIZE_MAX as the limit threw
  // std::bad_alloc or std::length_error instead of DecodeError).
  const Bytes lying = {std::byte{1}, std::byte{0x80}, std::byte{0x80}, std::byte{0x80}, std::byte{0x40}};
  CHECK_THROWS_AS(MultiSig<TestType>::from_bytes(lying, std::size_t{1} << 27), DecodeError);
  CHECK_THROWS_WITH(MultiSig<TestType>::from_bytes(lying, SIZE_MAX), Catch::Contains("only 0 bytes remain"));
  // The largest varint size with the limit at SIZE_MAX: still a DecodeError.
  Bytes huge = {std::byte{1}};
  for (int i = 0; i < 9; ++i) huge.push_back(std::byte{0xFF});
  huge.push_back(std::byte{0x01});
  CHECK_THROWS_AS(MultiSig<TestType>::from_bytes(huge, SIZE_MAX), DecodeError);
  // Counts present but one byte of the signature missing.
  Fixture<TestType> f(3);
  const Bytes wire = f.vote(1, to_bytes("b")).to_bytes();
  CHECK_THROWS_AS(MultiSig<TestType>::from_bytes(ByteView(wire).first(wire.size() - 1), SIZE_MAX), DecodeError);
}

TEMPLATE_TEST_CASE("BLS keys and signatures have one accepted encoding: compressed",
                   "[sig][bls12_381][multisig]", MinPk, MinSig) {
  using B = Bls<TestType>;
  Fixture<TestType> f(2);
  const Bytes msg = to_bytes("height 9 round 0");
  const auto sig = B::sign(f.sks[0], msg, Scheme::proof_of_possession);
  REQUIRE(B::verify(f.pks[0], msg, sig, Scheme::proof_of_possession));
  // The same points, uncompressed: a second byte string for one key or one
  // signature, which a de-duplication by bytes would count twice.
  const auto uncompressed = [](ByteView compressed) {
    Bytes out;
    if (compressed.size() == g1_compressed_size) {
      const auto u = g1_to_uncompressed(g1_from_bytes(compressed));
      out.assign(u.begin(), u.end());
    } else {
      const auto u = g2_to_uncompressed(g2_from_bytes(compressed));
      out.assign(u.begin(), u.end());
    }
    return out;
  };
  const Bytes pk_u = uncompressed(f.pks[0]);
  const Bytes sig_u = uncompressed(sig);
  const Bytes pop_u = uncompressed(f.pops[0]);
  CHECK_FALSE(B::validate_key(pk_u));
  CHECK_FALSE(B::verify(pk_u, msg, sig, Scheme::proof_of_possession));
  CHECK_FALSE(B::verify(f.pks[0], msg, sig_u, Scheme::proof_of_possession));
  CHECK_FALSE(B::pop_verify(pk_u, f.pops[0]));
  CHECK_FALSE(B::pop_verify(f.pks[0], pop_u));
  const std::vector<ByteView> one_uncompressed = {ByteView(sig_u)};
  CHECK_THROWS_AS(B::aggregate(one_uncompressed), DecodeError);
  CHECK_THROWS_AS(MultiSig<TestType>::single(2, 0, sig_u), DecodeError);
  const std::vector<ByteView> pks = {ByteView(pk_u), f.pk_views[1]};
  const std::vector<ByteView> pops = {ByteView(f.pops[0]), f.pop_views[1]};
  CHECK_THROWS_AS(Committee<TestType>::from_keys(pks, pops), InvalidArgument);
}

TEMPLATE_TEST_CASE("MultiSig key aggregation: repeated and cancelling keys", "[sig][bls12_381][multisig]", MinPk,
                   MinSig) {
  using B = Bls<TestType>;
  Fixture<TestType> f(2);
  const Bytes block = to_bytes("block");
  // A committee listing the same key twice (members 0 and 1) exercises the
  // doubling branch of the aggregation; member 2 holds another key.
  const std::vector<ByteView> pks = {f.pk_views[0], f.pk_views[0], f.pk_views[1]};
  const std::vector<ByteView> pops = {f.pop_views[0], f.pop_views[0], f.pop_views[1]};
  const auto committee = Committee<TestType>::from_keys(pks, pops);
  const auto s0 = B::sign(f.sks[0], block, Scheme::proof_of_possession);
  const auto s1 = B::sign(f.sks[1], block, Scheme::proof_of_possession);
  const auto all = MultiSig<TestType>::single(3, 0, s0)
                       .merge(MultiSig<TestType>::single(3, 1, s0))
                       .merge(MultiSig<TestType>::single(3, 2, s1));
  CHECK(all.verify(committee, block));
  // Keys sk and -sk cancel: the aggregate key is the identity, rejected.
  std::array<std::byte, 32> neg{};
  (-f.sks[0].scalar()).to_bytes_be(neg);
  const SecretKey minus = SecretKey::from_bytes(neg);
  const auto pk_minus = B::sk_to_pk(minus);
  const auto pop_minus = B::pop_prove(minus);
  const std::vector<ByteView> pks2 = {f.pk_views[0], ByteView(pk_minus.data(), pk_minus.size())};
  const std::vector<ByteView> pops2 = {f.pop_views[0], ByteView(pop_minus.data(), pop_minus.size())};
  const auto committee2 = Committee<TestType>::from_keys(pks2, pops2);
  const auto s_minus = B::sign(minus, block, Scheme::proof_of_possession);
  const auto both = MultiSig<TestType>::single(2, 0, s0).merge(MultiSig<TestType>::single(2, 1, s_minus));
  CHECK_FALSE(both.verify(committee2, block));
}

TEMPLATE_TEST_CASE("verify_batch_same_message: true exactly when every signature verifies",
                   "[sig][bls12_381][multisig]", MinPk, MinSig) {
  using B = Bls<TestType>;
  Fixture<TestType> f(4);
  const auto committee = Committee<TestType>::from_keys(f.pk_views, f.pop_views);
  const Bytes msg = to_bytes("prevote h=7 r=0 block 0xabc");
  std::vector<typename B::Signature> sigs;
  for (std::size_t i = 0; i < 4; ++i) sigs.push_back(B::sign(f.sks[i], msg, Scheme::proof_of_possession));
  auto views = [](const auto& list) {
    std::vector<ByteView> out;
    for (const auto& s : list) out.emplace_back(s.data(), s.size());
    return out;
  };
  Prg rng(random_seed());
  const std::vector<std::size_t> all{0, 1, 2, 3};
  CHECK(verify_batch_same_message(committee, all, views(sigs), msg, rng));
  const std::vector<std::size_t> one{2};
  CHECK(verify_batch_same_message(committee, one, std::vector<ByteView>{views(sigs)[2]}, msg, rng));
  CHECK_FALSE(verify_batch_same_message(committee, all, views(sigs), as_bytes("another message"), rng));

  // Swapped signatures: their sum is the valid aggregate, so a plain sum
  // check would pass; the random coefficients do not.
  auto swapped = sigs;
  std::swap(swapped[0], swapped[1]);
  CHECK(B::fast_aggregate_verify(std::vector<ByteView>{f.pk_views[0], f.pk_views[1]}, msg,
                                 B::aggregate(views(std::vector{swapped[0], swapped[1]}))));
  CHECK_FALSE(verify_batch_same_message(committee, all, views(swapped), msg, rng));

  // One signature of another message, or of another member.
  auto foreign = sigs;
  foreign[3] = B::sign(f.sks[3], as_bytes("other"), Scheme::proof_of_possession);
  CHECK_FALSE(verify_batch_same_message(committee, all, views(foreign), msg, rng));
  const std::vector<std::size_t> wrong_member{0, 1, 2, 2};
  CHECK_FALSE(verify_batch_same_message(committee, wrong_member, views(sigs), msg, rng));

  // Malformed input: false, never a throw.
  CHECK_FALSE(verify_batch_same_message(committee, std::vector<std::size_t>{}, std::vector<ByteView>{}, msg, rng));
  CHECK_FALSE(verify_batch_same_message(committee, one, views(sigs), msg, rng));  // size mismatch
  const std::vector<std::size_t> outside{0, 1, 2, 4};
  CHECK_FALSE(verify_batch_same_message(committee, outside, views(sigs), msg, rng));
  auto bad_point = views(sigs);
  const Bytes ff(TestType::sig_size, std::byte{0xFF});
  bad_point[1] = ff;
  CHECK_FALSE(verify_batch_same_message(committee, all, bad_point, msg, rng));
  auto short_sig = views(sigs);
  short_sig[1] = short_sig[1].first(TestType::sig_size - 1);
  CHECK_FALSE(verify_batch_same_message(committee, all, short_sig, msg, rng));
}

TEMPLATE_TEST_CASE("message_point: signing and verifying with the message hashed once agree with the plain calls",
                   "[sig][bls12_381][multisig]", MinPk, MinSig) {
  using B = Bls<TestType>;
  Fixture<TestType> f(3);
  const auto committee = Committee<TestType>::from_keys(f.pk_views, f.pop_views);
  const Bytes msg = to_bytes("precommit h=9 r=1 block 0xdef");
  for (const Scheme scheme : {Scheme::basic, Scheme::proof_of_possession}) {
    const auto h = B::message_point(msg, scheme);
    for (std::size_t i = 0; i < 3; ++i) CHECK(B::sign_point(f.sks[i], h) == B::sign(f.sks[i], msg, scheme));
  }
  CHECK_THROWS_AS(B::message_point(msg, Scheme::message_augmentation), InvalidArgument);

  const auto h = B::message_point(msg, Scheme::proof_of_possession);
  const auto other = B::message_point(as_bytes("another message"), Scheme::proof_of_possession);
  std::vector<typename B::Signature> sigs;
  std::vector<ByteView> views;
  for (std::size_t i = 0; i < 3; ++i) sigs.push_back(B::sign_point(f.sks[i], h));
  for (const auto& s : sigs) views.emplace_back(s.data(), s.size());
  Prg rng(random_seed());
  const std::vector<std::size_t> all{0, 1, 2};
  CHECK(verify_batch_same_message(committee, all, views, h, rng));
  CHECK_FALSE(verify_batch_same_message(committee, all, views, other, rng));
  auto swapped = views;
  std::swap(swapped[0], swapped[2]);
  CHECK_FALSE(verify_batch_same_message(committee, all, swapped, h, rng));
  CHECK_FALSE(verify_batch_same_message(committee, std::vector<std::size_t>{}, std::vector<ByteView>{}, h, rng));

  const auto pk0 = point_from_compressed<typename TestType::PkPoint>(f.pk_views[0]);
  const auto s0 = point_from_compressed<typename TestType::SigPoint>(views[0]);
  CHECK(B::core_verify_hashed(pk0, h, s0));
  CHECK_FALSE(B::core_verify_hashed(pk0, other, s0));
}

TEMPLATE_TEST_CASE("signature_point and decoded batches: the same signatures and verdicts as the byte forms",
                   "[sig][bls12_381][multisig]", MinPk, MinSig) {
  using B = Bls<TestType>;
  using SigPoint = typename TestType::SigPoint;
  Fixture<TestType> f(3);
  const auto committee = Committee<TestType>::from_keys(f.pk_views, f.pop_views);
  const auto h = B::message_point(to_bytes("prevote h=3 r=0 block 0x123"), Scheme::proof_of_possession);
  const auto other = B::message_point(as_bytes("another message"), Scheme::proof_of_possession);
  std::vector<SigPoint> points;
  for (std::size_t i = 0; i < 3; ++i) {
    points.push_back(B::signature_point(f.sks[i], h));
    const auto bytes = B::encode_signature(points.back());
    CHECK(bytes == B::sign_point(f.sks[i], h));
    CHECK(point_from_compressed<SigPoint>(bytes) == points.back());
  }
  Prg rng(random_seed());
  const std::vector<std::size_t> all{0, 1, 2};
  const std::span<const SigPoint> decoded(points);
  CHECK(verify_batch_same_message<TestType>(committee, all, decoded, h, rng));
  CHECK_FALSE(verify_batch_same_message<TestType>(committee, all, decoded, other, rng));
  auto swapped = points;
  std::swap(swapped[0], swapped[1]);
  CHECK_FALSE(verify_batch_same_message<TestType>(committee, all, std::span<const SigPoint>(swapped), h, rng));
  const std::vector<std::size_t> outside{0, 1, 3};
  CHECK_FALSE(verify_batch_same_message<TestType>(committee, outside, decoded, h, rng));
  CHECK_FALSE(verify_batch_same_message<TestType>(committee, std::vector<std::size_t>{0, 1}, decoded, h, rng));
  CHECK_FALSE(verify_batch_same_message<TestType>(committee, std::vector<std::size_t>{},
                                                  std::span<const SigPoint>{}, h, rng));
}
