// The consensus wire types: round trips, every truncation and every bit
// flip refused or changed, limits enforced before allocation.
#include <catch2/catch.hpp>

#include <unordered_set>

#include "consensus_test_support.hpp"
#include "privfin/consensus/engine.hpp"

using namespace privfin;
using namespace privfin::consensus;
using privfin::consensus::testing::check_every_truncation_and_flip;
using privfin::consensus::testing::Sample;
using privfin::consensus::testing::seed_of;

TEST_CASE("validator set: round trip, truncations, bit flips, duplicate keys", "[consensus][types]") {
  Sample s;
  auto vs = s.validators;
  check_every_truncation_and_flip<ValidatorSet>(vs.to_bytes(), vs,
                                                [](ByteView b) { return ValidatorSet::from_bytes(b); });
  auto members = vs.validators();
  members[2].bls_key = members[1].bls_key;
  CHECK_THROWS_AS(ValidatorSet(members), InvalidArgument);
  members = vs.validators();
  members[0].weight = 0;  // a member without a vote keeps its place
  CHECK(ValidatorSet(members).total_weight() == vs.total_weight() - vs.weight(0));
  for (auto& m : members) m.weight = 0;
  CHECK_THROWS_AS(ValidatorSet(members), InvalidArgument);  // nobody would vote
  CHECK_THROWS_AS(ValidatorSet(std::vector<Validator>{}), InvalidArgument);
  CHECK(vs.is_quorum(3));
  CHECK_FALSE(vs.is_quorum(2));
  CHECK(vs.is_one_honest(2));
  CHECK_FALSE(vs.is_one_honest(1));
}

TEST_CASE("validator set changes: weights by key, unknown and repeated keys refused, the set unchanged",
          "[consensus][types][validators]") {
  Sample s;
  const ValidatorSet& vs = s.validators;
  const std::vector<ValidatorChange> changes{{vs.at(1).bls_key, 5}, {vs.at(3).bls_key, 0}};
  const ValidatorSet next = apply_changes(vs, changes);
  REQUIRE(next.size() == vs.size());
  CHECK(next.weight(0) == vs.weight(0));
  CHECK(next.weight(1) == 5);
  CHECK(next.weight(3) == 0);
  CHECK(next.at(1).bls_key == vs.at(1).bls_key);  // places and keys stay
  CHECK(next.hash() != vs.hash());
  CHECK(apply_changes(vs, {}) == vs);
  // A member at weight 0 can come back.
  CHECK(apply_changes(next, std::vector<ValidatorChange>{{vs.at(3).bls_key, 2}}).weight(3) == 2);

  const auto refused = [&](const std::vector<ValidatorChange>& bad, const std::string& why) {
    INFO(why);
    try {
      (void)apply_changes(vs, bad);
      FAIL("accepted");
    } catch (const InvalidValidatorUpdate& e) {
      CHECK_THAT(e.what(), Catch::Matchers::Contains(why));
    }
  };
  Bytes stranger = vs.at(0).bls_key;
  stranger[0] ^= std::byte{1};
  refused({{stranger, 1}}, "unknown key");
  refused({{vs.at(1).bls_key, 2}, {vs.at(1).bls_key, 3}}, "named twice");
  std::vector<ValidatorChange> all_out;
  for (const auto& v : vs.validators()) all_out.push_back({v.bls_key, 0});
  refused(all_out, "no weight would be left");
  refused({{vs.at(0).bls_key, std::uint64_t{1} << 62}}, "exceeds 2^62");
  // An InvalidValidatorUpdate is an InvalidArgument, for callers that catch those.
  CHECK_THROWS_AS(apply_changes(vs, std::vector<ValidatorChange>{{stranger, 1}}), InvalidArgument);
}

TEST_CASE("validator set: a lying count costs nothing", "[consensus][types]") {
  Writer w;
  w.version(1).varint(1000);
  CHECK_THROWS_AS(ValidatorSet::from_bytes(w.data()), DecodeError);
  Writer w2;
  w2.version(1).varint(5000);  // above max_validators
  CHECK_THROWS_AS(ValidatorSet::from_bytes(w2.data()), DecodeError);
}

TEST_CASE("block header and block: round trip, truncations, bit flips", "[consensus][types]") {
  Sample s;
  const Block b = s.block(3, 1);
  check_every_truncation_and_flip<BlockHeader>(b.header.to_bytes(), b.header,
                                               [](ByteView x) { return BlockHeader::from_bytes(x); });
  check_every_truncation_and_flip<Block>(b.to_bytes(), b, [](ByteView x) { return Block::from_bytes(x); });
  CHECK(b.body_matches());
  Block other = b;
  other.body.push_back(std::byte{1});
  CHECK_FALSE(other.body_matches());
  CHECK(other.hash() == b.hash());  // the hash covers the header; tx_root binds the body
  other.header.time += 1;
  CHECK(other.hash() != b.hash());
  Limits small;
  small.max_body = 4;
  CHECK_THROWS_AS(Block::from_bytes(b.to_bytes(), small), DecodeError);
}

TEST_CASE("messages: proposal, vote, decision round trip, truncations and flips refused or changed",
          "[consensus][types]") {
  Sample s;
  const auto p = s.proposal(2, 1);
  auto p2 = p;
  p2.valid_round = 0;
  const auto v = s.vote(1, VoteType::prevote, 2, 1, p.block.hash());
  const auto nil = s.vote(2, VoteType::precommit, 2, 1, std::nullopt);
  const Block b = s.block(2, 0);
  const Decision d{b, s.certificate(b, 0)};
  for (const Message& m : {Message{p}, Message{p2}, Message{v}, Message{nil}, Message{d}}) {
    check_every_truncation_and_flip<Message>(m.to_bytes(), m, [](ByteView x) { return Message::from_bytes(x); });
  }
  CHECK(Message{v}.height() == 2);
  CHECK(Message{d}.height() == 2);
  // Unknown kind, trailing byte.
  auto wire = Message{v}.to_bytes();
  wire[1] = std::byte{9};
  CHECK_THROWS_AS(Message::from_bytes(wire), DecodeError);
  wire = Message{v}.to_bytes();
  wire.push_back(std::byte{0});
  CHECK_THROWS_AS(Message::from_bytes(wire), DecodeError);
}

TEST_CASE("commit certificate and evidence: round trip, truncations, bit flips", "[consensus][types]") {
  Sample s;
  const Block b = s.block(5, 2);
  const auto cert = s.certificate(b, 2);
  check_every_truncation_and_flip<CommitCertificate>(cert.to_bytes(), cert,
                                                     [](ByteView x) { return CommitCertificate::from_bytes(x); });
  const Evidence e{s.vote(3, VoteType::prevote, 5, 2, b.hash()), s.vote(3, VoteType::prevote, 5, 2, std::nullopt)};
  CHECK(e.is_conflict());
  check_every_truncation_and_flip<Evidence>(e.to_bytes(), e, [](ByteView x) { return Evidence::from_bytes(x); });
  // Nine signer bits: the padding bits of the second byte must be zero.
  CommitCertificate nine{1, 0, b.hash(), std::vector<bool>(9, true), Bytes(32)};
  auto wire = nine.to_bytes();
  CHECK(CommitCertificate::from_bytes(wire) == nine);
  // bitmap bytes sit after version(1) u64 u32 hash(32) varint(1): offsets 46, 47
  wire[47] |= std::byte{0x80};
  CHECK_THROWS_AS(CommitCertificate::from_bytes(wire), DecodeError);
}

TEST_CASE("safety record: round trip, truncations, bit flips", "[consensus][types]") {
  Sample s;
  SafetyRecord rec;
  rec.height = 4;
  rec.round = 2;
  rec.step = Step::precommit;
  rec.locked_round = 1;
  rec.locked = s.block(4, 1);
  rec.valid_round = 1;
  rec.valid = rec.locked;
  rec.signed_messages.push_back(Message{s.vote(0, VoteType::prevote, 4, 2, rec.locked->hash())}.to_bytes());
  check_every_truncation_and_flip<SafetyRecord>(rec.to_bytes(), rec,
                                                [](ByteView x) { return SafetyRecord::from_bytes(x); });
}

TEST_CASE("safety record with earlier votes (version 3): round trip, truncations, bit flips, bad entries",
          "[consensus][types]") {
  Sample s;
  SafetyRecord rec;
  rec.height = 4;
  rec.round = 2;
  rec.step = Step::prevote;
  rec.signed_messages.push_back(Message{s.vote(0, VoteType::prevote, 4, 2, std::nullopt)}.to_bytes());
  rec.earlier_votes.push_back(Message{s.vote(0, VoteType::prevote, 4, 1, std::nullopt)}.to_bytes());
  rec.earlier_votes.push_back(Message{s.vote(0, VoteType::precommit, 4, 1, std::nullopt)}.to_bytes());
  const Bytes wire = rec.to_bytes();
  CHECK(wire[0] == std::byte{SafetyRecord::earlier_votes_format_version});
  check_every_truncation_and_flip<SafetyRecord>(wire, rec, [](ByteView x) { return SafetyRecord::from_bytes(x); });
  // Without earlier votes the record is written as version 1, byte for byte as before.
  auto plain = rec;
  plain.earlier_votes.clear();
  CHECK(plain.to_bytes()[0] == std::byte{SafetyRecord::format_version});
  // An earlier vote of the current round, or of a later one; another height; not a vote; too many.
  for (const auto& bad : {Message{s.vote(0, VoteType::prevote, 4, 2, std::nullopt)},
                          Message{s.vote(0, VoteType::prevote, 4, 3, std::nullopt)},
                          Message{s.vote(0, VoteType::prevote, 3, 1, std::nullopt)}, Message{s.proposal(4, 1)}}) {
    auto r = rec;
    r.earlier_votes = {bad.to_bytes()};
    CHECK_THROWS_AS(SafetyRecord::from_bytes(r.to_bytes()), DecodeError);
  }
  auto many = rec;
  many.earlier_votes.assign(SafetyRecord::max_earlier_votes + 1, rec.earlier_votes[0]);
  CHECK_THROWS_AS(SafetyRecord::from_bytes(many.to_bytes()), DecodeError);
}

TEST_CASE("crypto: symbolic signatures cannot be made by another node, certificates verify", "[consensus][crypto]") {
  Sample s;
  SymbolicCrypto c0(s.keys, 0);
  SymbolicCrypto checker(s.keys, std::nullopt);
  const auto msg = to_bytes("hello");
  const auto sig = c0.sign(msg);
  CHECK(checker.verify(0, msg, sig));
  CHECK_FALSE(checker.verify(1, msg, sig));  // node 0's tag is not node 1's
  CHECK_THROWS_AS(checker.sign(msg), InvalidArgument);
  CHECK(c0.take_cost() > 0);
  const Block b = s.block(1, 0);
  auto cert = s.certificate(b, 0);
  CHECK(verify_certificate(checker, s.validators, s.chain, cert));
  CHECK_FALSE(verify_certificate(checker, s.validators, "other-chain", cert));
  auto two = cert;
  two.signers[2] = false;  // two of four: no quorum
  CHECK_FALSE(verify_certificate(checker, s.validators, s.chain, two));
  auto claims_more = cert;
  claims_more.signers[3] = true;  // claims a signer whose share is not in the aggregate
  CHECK_FALSE(verify_certificate(checker, s.validators, s.chain, claims_more));
  auto later = cert;
  later.round = 1;
  CHECK_FALSE(verify_certificate(checker, s.validators, s.chain, later));
  const Evidence e{s.vote(3, VoteType::prevote, 1, 0, b.hash()), s.vote(3, VoteType::prevote, 1, 0, std::nullopt)};
  CHECK(verify_evidence(checker, s.validators, s.chain, e));
  auto forged = e;
  forged.second.signature = s.vote(2, VoteType::prevote, 1, 0, std::nullopt).signature;
  CHECK_FALSE(verify_evidence(checker, s.validators, s.chain, forged));
}

TEST_CASE("crypto: symbolic aggregates check against remembered tags, across more messages than it remembers",
          "[consensus][crypto]") {
  const auto keys = SymbolicKeys::make(seed_of(9), 6);
  SymbolicCrypto checker(keys, std::nullopt);
  // Twenty messages, each checked twice in turn: more than the eight whose
  // tags are remembered, so entries are evicted and made again.
  for (int pass = 0; pass < 2; ++pass) {
    for (int m = 0; m < 20; ++m) {
      const auto msg = to_bytes("message " + std::to_string(m));
      const std::vector<std::uint32_t> counts{2, 0, 1, 0, 0, 3};
      // The expected aggregate from the tags themselves: sum of count x tag mod 2^256.
      Bytes sum(32);
      Bytes xored(32);
      for (NodeId i = 0; i < counts.size(); ++i) {
        const auto tag = keys->tag(i, msg);
        for (std::uint32_t c = 0; c < counts[i]; ++c) {
          unsigned carry = 0;
          for (std::size_t k = 0; k < 32; ++k) {
            carry += std::to_integer<unsigned>(sum[k]) + std::to_integer<unsigned>(tag[k]);
            sum[k] = static_cast<std::byte>(carry & 0xFFU);
            carry >>= 8;
          }
        }
        if (counts[i] > 0) {
          for (std::size_t k = 0; k < 32; ++k) xored[k] ^= tag[k];
        }
      }
      const std::vector<bool> signers{true, false, true, false, false, true};
      INFO("pass " << pass << " message " << m);
      CHECK(checker.verify_counted(counts, msg, sum));
      CHECK(checker.verify_aggregate(signers, msg, xored));
      auto wrong_count = counts;
      wrong_count[2] = 2;
      CHECK_FALSE(checker.verify_counted(wrong_count, msg, sum));
      auto other_signers = signers;
      other_signers[1] = true;
      CHECK_FALSE(checker.verify_aggregate(other_signers, msg, xored));
      CHECK_FALSE(checker.verify_counted(counts, to_bytes("another message"), sum));
      CHECK_FALSE(checker.verify_counted(std::vector<std::uint32_t>(6, 0), msg, Bytes(32)));  // nobody signed
    }
  }
}

namespace {

// n BLS validators from fixed key material (byte first_ikm + i) and their keys.
struct BlsMembers {
  std::vector<sig::bls12_381::SecretKey> sks;
  std::vector<Validator> members;
};
BlsMembers bls_members(int n, int first_ikm) {
  BlsMembers out;
  for (int i = 0; i < n; ++i) {
    Bytes ikm(32, static_cast<std::byte>(first_ikm + i));
    out.sks.push_back(sig::bls12_381::SecretKey::key_gen(ikm));
    out.members.push_back(make_bls_validator(out.sks.back()));
  }
  return out;
}

}  // namespace

TEST_CASE("crypto: real BLS provider signs, verifies and aggregates a certificate", "[consensus][crypto]") {
  auto [sks, members] = bls_members(4, 1);
  const ValidatorSet vs(members);
  BlsCrypto checker(vs, std::nullopt);
  Block b;
  b.header.chain_id = "bls-chain";
  b.header.height = 1;
  b.header.validators_hash = vs.hash();
  const auto msg = Vote::signed_bytes("bls-chain", VoteType::precommit, 1, 0, b.hash());
  CommitCertificate cert{1, 0, b.hash(), std::vector<bool>(4), {}};
  std::vector<Bytes> sigs;
  for (NodeId i = 1; i < 4; ++i) {
    BlsCrypto c(vs, sks[i]);
    sigs.push_back(c.sign(msg));
    CHECK(checker.verify(i, msg, sigs.back()));
    CHECK_FALSE(checker.verify((i + 1) % 4, msg, sigs.back()));
    cert.signers[i] = true;
  }
  std::vector<ByteView> views(sigs.begin(), sigs.end());
  cert.aggregate = checker.aggregate(views);
  CHECK(verify_certificate(checker, vs, "bls-chain", cert));
  cert.signers[0] = true;
  CHECK_FALSE(verify_certificate(checker, vs, "bls-chain", cert));
  // A key without a valid proof of possession is refused.
  members[1].bls_pop = members[2].bls_pop;
  CHECK_THROWS_AS(BlsCrypto(ValidatorSet(members), std::nullopt), InvalidArgument);
}

TEST_CASE("crypto: real BLS provider keeps signing and batch-verifying right across more messages than it hashes once",
          "[consensus][crypto]") {
  using namespace privfin::sig::bls12_381;
  const auto [sks, members] = bls_members(3, 7);
  const ValidatorSet vs(members);
  BlsCrypto self(vs, sks[0]);  // signs its own votes and checks the others' on the same bytes
  std::vector<BlsCrypto> others;
  for (std::size_t i = 1; i < 3; ++i) others.emplace_back(vs, sks[i]);
  const std::vector<NodeId> signers{1, 2};
  // Ten messages, then the first ones again: the provider keeps four hashed.
  for (int pass = 0; pass < 2; ++pass) {
    for (std::uint64_t h = 1; h <= 10; ++h) {
      INFO("pass " << pass << " height " << h);
      const auto msg = Vote::signed_bytes("bls-chain", VoteType::prevote, h, 0, Hash32{});
      const auto mine = self.sign(msg);
      CHECK(Bls<MinPk>::verify(vs.validators()[0].bls_key, msg, mine, Scheme::proof_of_possession));
      std::vector<Bytes> sigs;
      for (auto& o : others) sigs.push_back(o.sign(msg));
      const std::vector<ByteView> views(sigs.begin(), sigs.end());
      CHECK(self.verify_batch(signers, msg, views));
      const auto next = Vote::signed_bytes("bls-chain", VoteType::prevote, h + 1, 0, Hash32{});
      CHECK_FALSE(self.verify_batch(signers, next, views));  // another height's bytes
      CHECK(self.verify_batch(signers, msg, views));         // and back
    }
  }
}

TEST_CASE("crypto: real BLS provider decodes each signature once - aggregates, batches and single checks agree with "
          "plain BLS across more signatures than it keeps",
          "[consensus][crypto]") {
  using namespace privfin::sig::bls12_381;
  const auto [sks, members] = bls_members(4, 21);
  const ValidatorSet vs(members);
  BlsCrypto self(vs, sks[0]);
  std::vector<BlsCrypto> others;
  for (std::size_t i = 1; i < 4; ++i) others.emplace_back(vs, sks[i]);
  const std::vector<NodeId> signers{1, 2, 3};
  Bytes previous_aggregate;
  // 30 messages of 4 signatures: 120, beyond the 16 the provider keeps for
  // 4 members, so decoded points are replaced while the checks go on.
  for (std::uint64_t h = 1; h <= 30; ++h) {
    INFO("height " << h);
    const auto msg = Vote::signed_bytes("bls-chain", VoteType::precommit, h, 0, Hash32{});
    const auto mine = self.sign(msg);
    std::vector<Bytes> sigs;
    for (auto& o : others) sigs.push_back(o.sign(msg));
    const std::vector<ByteView> theirs(sigs.begin(), sigs.end());
    CHECK(self.verify_batch(signers, msg, theirs));
    CHECK(self.verify(2, msg, sigs[1]));
    CHECK_FALSE(self.verify(3, msg, sigs[1]));  // a kept point under another signer
    const std::vector<ByteView> all{mine, sigs[0], sigs[1], sigs[2]};
    const auto agg = self.aggregate(all);
    const auto plain = Bls<MinPk>::aggregate(all);
    CHECK(equal_bytes(agg, plain));
    std::vector<bool> bitmap(4, true);
    CHECK(self.verify_aggregate(bitmap, msg, agg));
    // Gossip's sums: the result of one is an input of the next.
    if (!previous_aggregate.empty()) {
      const auto sum = self.add_aggregates(previous_aggregate, agg);
      const std::vector<ByteView> both{previous_aggregate, agg};
      CHECK(equal_bytes(sum, Bls<MinPk>::aggregate(both)));
      const auto again = self.add_aggregates(sum, sigs[0]);
      const std::vector<ByteView> three{previous_aggregate, agg, sigs[0]};
      CHECK(equal_bytes(again, Bls<MinPk>::aggregate(three)));
    }
    previous_aggregate = agg;
    // A kept signature checked against another message, and a damaged one.
    const auto other = Vote::signed_bytes("bls-chain", VoteType::precommit, h + 100, 0, Hash32{});
    CHECK_FALSE(self.verify_batch(signers, other, theirs));
    CHECK_FALSE(self.verify(1, other, sigs[0]));
    Bytes damaged = sigs[2];
    damaged[10] ^= std::byte{1};
    const std::vector<ByteView> with_damaged{sigs[0], sigs[1], damaged};
    CHECK_FALSE(self.verify_batch(signers, msg, with_damaged));
    CHECK_FALSE(self.verify(3, msg, damaged));
    const std::vector<ByteView> bad_aggregate{mine, damaged};
    CHECK_THROWS_AS(self.aggregate(bad_aggregate), DecodeError);  // off the curve or outside the subgroup
    const Bytes short_sig(95);
    const std::vector<ByteView> with_short{sigs[0], sigs[1], short_sig};
    CHECK_FALSE(self.verify_batch(signers, msg, with_short));
    CHECK_FALSE(self.verify(1, msg, short_sig));
    CHECK_THROWS_AS(self.add_aggregates(agg, short_sig), DecodeError);
  }
}

TEST_CASE("SaltedHash32: equal digests hash equal under one salt - the salt changes the hash - fresh salts differ",
          "[consensus][types]") {
  const auto a = SaltedHash32::salted(), b = SaltedHash32::salted();
  CHECK(a.salt != b.salt);  // 64 random bits each
  Hash32 x, y;
  x.v[0] = std::byte{1};
  y.v[0] = std::byte{1};
  CHECK(a(x) == a(y));
  y.v[7] = std::byte{2};  // within the 8 bytes hashed
  CHECK(a(x) != a(y));
  CHECK(a(x) != b(x));
  // Digests differing only past byte 8 share a bucket hash: fine for
  // SHA-256 outputs, and the set still tells them apart by ==.
  Hash32 z = x;
  z.v[20] = std::byte{9};
  CHECK(a(x) == a(z));
  std::unordered_set<Hash32, SaltedHash32> set(0, a);
  set.insert(x);
  CHECK_FALSE(set.contains(z));
}
