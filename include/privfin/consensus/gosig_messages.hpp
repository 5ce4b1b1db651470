// privfin/consensus/gosig_messages.hpp — what Gosig engines (gosig.hpp)
// send each other, with canonical, versioned, bounds-checked wire forms
// (docs/formats.md, "Gosig messages"):
//   AggregateVote  prepare (P) or tentative-commit (TC) signatures of
//                  (height, round, block), merged along gossip paths: one
//                  aggregate signature plus a count per validator;
//   GosigProposal  a candidate's block, its sortition ticket and, for a
//                  re-proposed locked block, the prepare certificate
//                  (an AggregateVote of 2f+1 distinct signers) that justifies it;
//   BodyManifest   a streamed body's size, chunk size and the SHA-256 of
//                  each chunk, carried (and signed) by a streamed proposal;
//   BodyChunk      one chunk of a streamed body;
//   ChunkHave      which chunks of a streamed body a node holds (announced
//                  to a few peers, which then ask for what they lack);
//   ChunkWant      which chunks a node asks a peer for;
//   DecidedHeader  a decision without its body, for a peer that is behind
//                  at that height and holds the streamed body already;
//   GosigMessage   the envelope: version 1, u8 kind (16 proposal,
//                  17 aggregate, 18 decision, 19 streamed proposal: a
//                  proposal with a manifest and without its body, 20 chunk,
//                  21 chunk have-map, 22 chunk request, 23 decided
//                  header), the value, nothing after.
//
//   Bytes wire = GosigMessage{aggregate}.to_bytes();
//   GosigMessage back = GosigMessage::from_bytes(wire, limits);   // DecodeError on any defect
//
// The signed bytes of a P or TC are Vote::signed_bytes(prevote or
// precommit, ...) of types.hpp, so that a TC aggregate with 2f+1 distinct
// signers is a CommitCertificate (with counts) that verify_certificate
// accepts. Kinds 16-18 keep the envelope apart from Tendermint's Message
// (kinds 1-3): each decoder refuses the other's bytes. from_bytes never
// allocates more than its input's size; to_bytes throws InvalidArgument
// for a value outside the limits. Value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "privfin/consensus/types.hpp"

namespace privfin::consensus {

struct AggregateVote {
  static constexpr std::uint8_t format_version = 1;
  VoteType type = VoteType::prevote;  // prevote = Gosig's P, precommit = TC
  Height height = 0;
  Round round = 0;
  Hash32 block;
  std::vector<std::uint32_t> counts;  // one per validator; at least one non-zero
  Bytes aggregate;

  [[nodiscard]] Bytes signed_bytes(std::string_view chain_id) const {
    return Vote::signed_bytes(chain_id, type, height, round, block);
  }
  [[nodiscard]] std::vector<bool> signers() const;
  [[nodiscard]] bool has_signer(NodeId id) const noexcept { return id < counts.size() && counts[id] > 0; }
  // The weight of the distinct signers (count > 0), not the sum of counts.
  [[nodiscard]] std::uint64_t distinct_weight(const ValidatorSet& validators) const;
  // A TC aggregate as the decision's certificate.
  [[nodiscard]] CommitCertificate certificate() const;

  void write(Writer& w) const;
  [[nodiscard]] static AggregateVote read(Reader& r, const Limits& limits);
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static AggregateVote from_bytes(ByteView bytes, const Limits& limits = {});
  friend bool operator==(const AggregateVote&, const AggregateVote&) = default;
};

// A body streamed in chunks (gosig.hpp, "Transmission pipelining"): every
// chunk but the last has chunk_bytes bytes. A receiver checks each chunk
// against its hash on arrival, so a relay that alters one is caught at
// once and named; a proposer whose chunks do not add up to its header's
// tx_root has made an invalid block.
struct BodyManifest {
  static constexpr std::uint32_t min_chunk_bytes = 1024;
  std::uint64_t size = 0;
  std::uint32_t chunk_bytes = 0;
  std::vector<Hash32> chunks;

  // Throws InvalidArgument for chunk_bytes below min_chunk_bytes.
  [[nodiscard]] static BodyManifest of(ByteView body, std::uint32_t chunk_bytes);
  [[nodiscard]] std::size_t chunk_size(std::size_t index) const noexcept;
  // SHA-256 of the encoding: what a streamed proposal's signature covers.
  [[nodiscard]] Hash32 digest() const;
  void write(Writer& w) const;
  // Checks the chunk count against size and chunk_bytes, and size against
  // limits.max_body, before allocating.
  [[nodiscard]] static BodyManifest read(Reader& r, const Limits& limits);
  friend bool operator==(const BodyManifest&, const BodyManifest&) = default;
};

struct GosigProposal {
  Round round = 0;       // the round it is proposed in
  NodeId proposer = 0;   // the candidate (a re-proposed block keeps its maker in its header)
  Bytes ticket;          // the sortition proof (gosig_sortition.hpp)
  Block block;
  std::optional<AggregateVote> justification;  // prepare certificate of a re-proposed block
  Bytes signature;       // by `proposer` over signed_bytes()
  // Streamed (kind 19): the body travels apart in chunks. The wire form
  // then carries the block with an empty body; in memory `block.body` is
  // whatever has been assembled (empty until every chunk is in).
  std::optional<BodyManifest> manifest;

  [[nodiscard]] Height height() const noexcept { return block.header.height; }
  // Domain, chain id, height, round, proposer, block hash, ticket, the
  // justification's round when there is one, and for a streamed proposal
  // the manifest's digest.
  [[nodiscard]] Bytes signed_bytes() const;
  void write(Writer& w) const;
  [[nodiscard]] static GosigProposal read(Reader& r, const Limits& limits);
  friend bool operator==(const GosigProposal&, const GosigProposal&) = default;
};

struct BodyChunk {
  Height height = 0;
  Round round = 0;
  Hash32 block;  // the streamed block's hash
  std::uint32_t index = 0;
  Bytes data;

  void write(Writer& w) const;
  [[nodiscard]] static BodyChunk read(Reader& r, const Limits& limits);
  friend bool operator==(const BodyChunk&, const BodyChunk&) = default;
};

// A set of a streamed body's chunks, one bit per chunk of the manifest
// (least significant bit first on the wire): ChunkHave announces the
// chunks its sender holds, ChunkWant asks for chunks.
struct ChunkSet {
  Height height = 0;
  Round round = 0;
  Hash32 block;
  std::vector<bool> chunks;

  void write(Writer& w) const;
  [[nodiscard]] static ChunkSet read(Reader& r, const Limits& limits);
  friend bool operator==(const ChunkSet&, const ChunkSet&) = default;
};
struct ChunkHave : ChunkSet {};
struct ChunkWant : ChunkSet {};

// A decided block's header and certificate: what a node that committed a
// streamed block serves a peer still at that height (the body, tens of
// megabytes, is what the peer has been receiving all round). A peer that
// lacks the body fetches the block (RequestSync).
struct DecidedHeader {
  BlockHeader header;
  CommitCertificate certificate;
  friend bool operator==(const DecidedHeader&, const DecidedHeader&) = default;
};

struct GosigMessage {
  static constexpr std::uint8_t format_version = 1;
  static constexpr std::uint8_t kind_proposal = 16;
  static constexpr std::uint8_t kind_aggregate = 17;
  static constexpr std::uint8_t kind_decision = 18;
  static constexpr std::uint8_t kind_streamed_proposal = 19;
  static constexpr std::uint8_t kind_chunk = 20;
  static constexpr std::uint8_t kind_chunk_have = 21;
  static constexpr std::uint8_t kind_chunk_want = 22;
  static constexpr std::uint8_t kind_decided_header = 23;
  // A GosigProposal with a manifest is sent as kind 19, without its body.
  std::variant<GosigProposal, AggregateVote, Decision, BodyChunk, ChunkHave, ChunkWant, DecidedHeader> body;

  [[nodiscard]] Height height() const;
  [[nodiscard]] Round round() const;  // the certificate's round for a decision
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static GosigMessage from_bytes(ByteView bytes, const Limits& limits = {});
  friend bool operator==(const GosigMessage&, const GosigMessage&) = default;
};

}  // namespace privfin::consensus
