// privfin/consensus/gosig_messages.hpp — what Gosig engines (gosig.hpp)
// send each other, with canonical, versioned, bounds-checked wire forms
// (docs/formats.md, "Gosig messages"):
//   AggregateVote  prepare (P) or tentative-commit (TC) signatures of
//                  (height, round, block), merged along gossip paths: one
//                  aggregate signature plus a count per validator;
//   GosigProposal  a candidate's block, its sortition ticket and, for a
//                  re-proposed locked block, the prepare certificate
//                  (an AggregateVote of 2f+1 distinct signers) that justifies it;
//   GosigMessage   the envelope: version 1, u8 kind (16 proposal,
//                  17 aggregate, 18 decision), the value, nothing after.
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

struct GosigProposal {
  Round round = 0;       // the round it is proposed in
  NodeId proposer = 0;   // the candidate (a re-proposed block keeps its maker in its header)
  Bytes ticket;          // the sortition proof (gosig_sortition.hpp)
  Block block;
  std::optional<AggregateVote> justification;  // prepare certificate of a re-proposed block
  Bytes signature;       // by `proposer` over signed_bytes()

  [[nodiscard]] Height height() const noexcept { return block.header.height; }
  // Domain, chain id, height, round, proposer, block hash, ticket, and the
  // justification's round when there is one.
  [[nodiscard]] Bytes signed_bytes() const;
  void write(Writer& w) const;
  [[nodiscard]] static GosigProposal read(Reader& r, const Limits& limits);
  friend bool operator==(const GosigProposal&, const GosigProposal&) = default;
};

struct GosigMessage {
  static constexpr std::uint8_t format_version = 1;
  static constexpr std::uint8_t kind_proposal = 16;
  static constexpr std::uint8_t kind_aggregate = 17;
  static constexpr std::uint8_t kind_decision = 18;
  std::variant<GosigProposal, AggregateVote, Decision> body;

  [[nodiscard]] Height height() const;
  [[nodiscard]] Round round() const;  // the certificate's round for a decision
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static GosigMessage from_bytes(ByteView bytes, const Limits& limits = {});
  friend bool operator==(const GosigMessage&, const GosigMessage&) = default;
};

}  // namespace privfin::consensus
