// Gosig's wire forms (gosig_messages.hpp) and the contract additions they
// need: counted certificates and the lock certificate in the safety record.
// Each is refused on every truncation and changed or refused on every bit
// flip; Tendermint's Message and GosigMessage refuse each other's bytes.
#include <catch2/catch.hpp>

#include "consensus_test_support.hpp"
#include "privfin/consensus/gossip.hpp"
#include "privfin/consensus/gosig_messages.hpp"
#include "privfin/consensus/engine.hpp"
#include "support/wire_negative.hpp"

using namespace privfin;
using namespace privfin::consensus;
using privfin::consensus::testing::Sample;

namespace {

// The 3 signers' P (or TC) for block b, merged with counts {1, 2, 1, 0}.
AggregateVote sample_aggregate(const Sample& s, VoteType t, const Block& b, Round r) {
  SymbolicCrypto c(s.keys, std::nullopt);
  AggregateVote agg;
  for (NodeId i : {0u, 1u, 2u, 1u}) {
    SymbolicCrypto signer(s.keys, i);
    auto one = single_aggregate(t, b.header.height, r, b.hash(), 4, i,
                                signer.sign(Vote::signed_bytes(s.chain, t, b.header.height, r, b.hash())));
    if (agg.counts.empty()) {
      agg = one;
    } else {  // merge by hand so that a count of 2 appears (fold would see no news)
      for (std::size_t k = 0; k < 4; ++k) agg.counts[k] += one.counts[k];
      agg.aggregate = c.add_aggregates(agg.aggregate, one.aggregate);
    }
  }
  return agg;
}

GosigProposal sample_proposal(const Sample& s, bool justified) {
  GosigProposal p;
  p.round = 3;
  p.proposer = 1;
  p.ticket = to_bytes("ticket");
  p.block = s.block(1, 2);
  if (justified) p.justification = sample_aggregate(s, VoteType::prevote, p.block, 2);
  SymbolicCrypto c(s.keys, 1);
  p.signature = c.sign(p.signed_bytes());
  return p;
}

}  // namespace

TEST_CASE("gosig messages: aggregate, proposal (with and without certificate), decision: round trip, every "
          "truncation and bit flip",
          "[consensus][gosig][wire]") {
  const Sample s;
  const auto agg = sample_aggregate(s, VoteType::precommit, s.block(), 0);
  CHECK(agg.counts == std::vector<std::uint32_t>{1, 2, 1, 0});
  for (const GosigMessage& m : {GosigMessage{agg}, GosigMessage{sample_proposal(s, false)},
                                GosigMessage{sample_proposal(s, true)},
                                GosigMessage{Decision{s.block(), agg.certificate()}}}) {
    const Bytes wire = m.to_bytes();
    test::check_truncations_and_flips(
        wire, [](ByteView b) { return GosigMessage::from_bytes(b); }, [&](const GosigMessage& x) { return x == m; });
    CHECK_THROWS_AS(Message::from_bytes(wire), DecodeError);  // kinds 16-18 are not Tendermint's
  }
  CHECK_THROWS_AS(GosigMessage::from_bytes(Message{s.vote(0, VoteType::prevote, 1, 0, std::nullopt)}.to_bytes()),
                  DecodeError);
  const Bytes alone = agg.to_bytes();
  test::check_truncations_and_flips(
      alone, [](ByteView b) { return AggregateVote::from_bytes(b); }, [&](const AggregateVote& x) { return x == agg; });
}

TEST_CASE("gosig messages: an aggregate without a signer, a lying committee size, oversized counts are refused",
          "[consensus][gosig][wire]") {
  const Sample s;
  auto agg = sample_aggregate(s, VoteType::prevote, s.block(), 0);
  AggregateVote none = agg;
  none.counts.assign(4, 0);
  CHECK_THROWS_AS(none.to_bytes(), InvalidArgument);
  // Encode a zero-signer aggregate by hand: refused.
  Writer w;
  w.version(1).u8(1).u64(1).u32(0);
  consensus::detail::write_hash(w, agg.block);
  w.varint(4).varint(0).varint(0).varint(0).varint(0).bytes(agg.aggregate);
  CHECK_THROWS_AS(AggregateVote::from_bytes(w.data()), DecodeError);
  // A committee size of a million in a few bytes: refused before allocating.
  Writer big;
  big.version(1).u8(1).u64(1).u32(0);
  consensus::detail::write_hash(big, agg.block);
  big.varint(1'000'000);
  CHECK_THROWS_AS(AggregateVote::from_bytes(big.data()), DecodeError);
  Limits small;
  small.max_validators = 3;
  CHECK_THROWS_AS(AggregateVote::from_bytes(agg.to_bytes(), small), DecodeError);
}

TEST_CASE("commit certificate with counts: version 2 only with counts, verify_certificate weighs them",
          "[consensus][gosig][wire]") {
  const Sample s;
  const Block b = s.block();
  const auto cert = sample_aggregate(s, VoteType::precommit, b, 0).certificate();
  CHECK(cert.to_bytes()[0] == std::byte{2});
  CHECK(s.certificate(b, 0).to_bytes()[0] == std::byte{1});  // Tendermint's stay version 1
  test::check_truncations_and_flips(
      cert.to_bytes(), [](ByteView x) { return CommitCertificate::from_bytes(x); },
      [&](const CommitCertificate& x) { return x == cert; });
  SymbolicCrypto checker(s.keys, std::nullopt);
  CHECK(verify_certificate(checker, s.validators, s.chain, cert));
  auto wrong = cert;
  wrong.counts[1] = 1;  // the aggregate holds signer 1 twice
  CHECK_FALSE(verify_certificate(checker, s.validators, s.chain, wrong));
  auto two = cert;  // 2 distinct signers, a sum of counts of 3: no quorum
  two.counts = {0, 2, 1, 0};
  two.signers = {false, true, true, false};
  CHECK_FALSE(verify_certificate(checker, s.validators, s.chain, two));
  auto mismatch = cert;
  mismatch.signers[3] = true;
  CHECK_FALSE(verify_certificate(checker, s.validators, s.chain, mismatch));
  CHECK_THROWS_AS(CommitCertificate::from_bytes(mismatch.to_bytes()), DecodeError);  // bitmap and counts disagree
}

TEST_CASE("safety record with a lock certificate: version 2 only with it, round trip, truncations, flips",
          "[consensus][gosig][wire]") {
  const Sample s;
  SafetyRecord rec;
  rec.height = 1;
  rec.round = 2;
  rec.step = Step::precommit;
  rec.locked_round = 2;
  rec.locked = s.block();
  rec.signed_messages = {Message{s.vote(1, VoteType::prevote, 1, 2, s.block().hash())}.to_bytes()};
  CHECK(rec.to_bytes()[0] == std::byte{1});
  rec.lock_certificate = sample_aggregate(s, VoteType::prevote, s.block(), 2).to_bytes();
  CHECK(rec.to_bytes()[0] == std::byte{2});
  test::check_truncations_and_flips(
      rec.to_bytes(), [](ByteView x) { return SafetyRecord::from_bytes(x); },
      [&](const SafetyRecord& x) { return x == rec; });
}

TEST_CASE("gosig streamed bodies on the wire: a streamed proposal (manifest signed, body apart), a chunk, a have-map, "
          "a request, a decided header: round trip, every truncation and bit flip",
          "[consensus][gosig][wire][stream]") {
  const Sample s;
  Block big = s.block(1, 2);
  big.body.assign(2500, std::byte{0x5A});
  big.header.tx_root = tx_root_of(big.body);
  GosigProposal streamed;
  streamed.round = 2;
  streamed.proposer = 1;
  streamed.ticket = to_bytes("ticket");
  streamed.block = big;
  streamed.manifest = BodyManifest::of(big.body, 1024);
  REQUIRE(streamed.manifest->chunks.size() == 3);
  CHECK(streamed.manifest->chunk_size(2) == 452);
  CHECK(streamed.manifest->chunk_size(3) == 0);
  const Bytes with_manifest = streamed.signed_bytes();
  GosigProposal plain = streamed;
  plain.manifest.reset();
  CHECK(with_manifest != plain.signed_bytes());  // the signature covers the manifest
  SymbolicCrypto c(s.keys, 1);
  streamed.signature = c.sign(with_manifest);
  const Bytes wire = GosigMessage{streamed}.to_bytes();
  CHECK(wire.size() < big.body.size());
  CHECK(std::to_integer<int>(wire[1]) == GosigMessage::kind_streamed_proposal);
  GosigProposal received = streamed;
  received.block.body.clear();  // what the wire carries
  CHECK(GosigMessage::from_bytes(wire) == GosigMessage{received});

  const auto agg = sample_aggregate(s, VoteType::precommit, big, 2);
  std::vector<bool> bits{true, false, true};
  for (const GosigMessage& m :
       {GosigMessage{received}, GosigMessage{BodyChunk{1, 2, big.hash(), 1, Bytes(1024, std::byte{7})}},
        GosigMessage{ChunkHave{ChunkSet{1, 2, big.hash(), bits}}}, GosigMessage{ChunkWant{ChunkSet{1, 2, big.hash(), bits}}},
        GosigMessage{DecidedHeader{big.header, agg.certificate()}}}) {
    const Bytes w = m.to_bytes();
    test::check_truncations_and_flips(
        w, [](ByteView b) { return GosigMessage::from_bytes(b); }, [&](const GosigMessage& x) { return x == m; });
    CHECK_THROWS_AS(Message::from_bytes(w), DecodeError);
  }
}

TEST_CASE("gosig streamed bodies: a streamed proposal with a body, a manifest whose count or size lies, a chunk set "
          "with bits past its end, a tiny chunk size are refused before allocating",
          "[consensus][gosig][wire][stream]") {
  const Sample s;
  CHECK_THROWS_AS(BodyManifest::of(Bytes(10), 1023), InvalidArgument);
  GosigProposal p;
  p.round = 0;
  p.proposer = 1;
  p.ticket = to_bytes("t");
  p.block = s.block(1, 0);
  p.signature = Bytes(8);
  // Kind 19 with the body still in: written by hand (to_bytes leaves it out).
  Writer w;
  w.version(1).u8(GosigMessage::kind_streamed_proposal);
  p.write(w);
  BodyManifest::of(Bytes(2048), 1024).write(w);
  CHECK_THROWS_AS(GosigMessage::from_bytes(w.data()), DecodeError);
  // A manifest claiming 2^40 chunks in a few bytes, or a count that does not fit its size.
  const auto manifest_only = [](std::uint64_t size, std::uint32_t chunk, std::uint64_t count) {
    Writer m;
    m.u64(size).u32(chunk).varint(count);
    return std::move(m).take();
  };
  Limits big;
  big.max_body = std::size_t{1} << 40;
  for (const auto& [size, chunk, count] : std::vector<std::tuple<std::uint64_t, std::uint32_t, std::uint64_t>>{
           {std::uint64_t{1} << 40, 1024, std::uint64_t{1} << 30}, {4096, 1024, 3}, {4096, 1024, 5}, {0, 1024, 0},
           {4096, 512, 8}}) {
    const Bytes bytes = manifest_only(size, chunk, count);
    Reader r(bytes);
    CHECK_THROWS_AS(BodyManifest::read(r, big), DecodeError);
  }
  {
    const Bytes bytes = manifest_only(std::uint64_t{2} << 20, 1024, 2048);  // above the default 1 MiB max_body
    Reader r(bytes);
    CHECK_THROWS_AS(BodyManifest::read(r, Limits{}), DecodeError);
  }
  // A chunk set of 3 with the fourth bit set; and one of zero chunks.
  Writer set;
  set.version(1).u8(GosigMessage::kind_chunk_have).u64(1).u32(0);
  consensus::detail::write_hash(set, Hash32{});
  set.varint(3).u8(0x0F);
  CHECK_THROWS_AS(GosigMessage::from_bytes(set.data()), DecodeError);
  Writer empty;
  empty.version(1).u8(GosigMessage::kind_chunk_want).u64(1).u32(0);
  consensus::detail::write_hash(empty, Hash32{});
  empty.varint(0);
  CHECK_THROWS_AS(GosigMessage::from_bytes(empty.data()), DecodeError);
  // An empty chunk.
  CHECK_THROWS_AS(GosigMessage::from_bytes(GosigMessage{BodyChunk{1, 0, Hash32{}, 0, {}}}.to_bytes()), DecodeError);
}
