// Wire forms of Gosig's messages (gosig_messages.hpp, docs/formats.md).
#include "privfin/consensus/gosig_messages.hpp"

#include <algorithm>

#include "privfin/core/error.hpp"

namespace privfin::consensus {

namespace {
constexpr std::uint32_t max_tag_bytes = 256;  // a VRF proof is 80 bytes; fixed tickets are 4
Bytes copy_of(ByteView v) { return {v.begin(), v.end()}; }
}  // namespace

std::vector<bool> AggregateVote::signers() const {
  std::vector<bool> out(counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i) out[i] = counts[i] > 0;
  return out;
}

std::uint64_t AggregateVote::distinct_weight(const ValidatorSet& validators) const {
  const auto& members = validators.validators();
  const std::size_t n = std::min(counts.size(), members.size());
  std::uint64_t w = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (counts[i] > 0) w += members[i].weight;
  }
  return w;
}

CommitCertificate AggregateVote::certificate() const {
  CommitCertificate c;
  c.height = height;
  c.round = round;
  c.block = block;
  c.signers = signers();
  c.aggregate = aggregate;
  c.counts = counts;
  return c;
}

void AggregateVote::write(Writer& w) const {
  if (counts.empty() || std::all_of(counts.begin(), counts.end(), [](std::uint32_t c) { return c == 0; })) {
    throw InvalidArgument("aggregate vote: no signer");
  }
  w.version(format_version).u8(static_cast<std::uint8_t>(type)).u64(height).u32(round);
  detail::write_hash(w, block);
  w.varint(counts.size());
  for (auto c : counts) w.varint(c);
  w.bytes(aggregate);
}

AggregateVote AggregateVote::read(Reader& r, const Limits& limits) {
  r.expect_version(format_version, "aggregate vote");
  AggregateVote a;
  const auto type = r.u8("aggregate vote type");
  if (type != 1 && type != 2) throw DecodeError("aggregate vote: unknown type " + std::to_string(type));
  a.type = static_cast<VoteType>(type);
  a.height = r.u64("aggregate vote height");
  a.round = r.u32("aggregate vote round");
  a.block = detail::read_hash(r, "aggregate vote block");
  const std::size_t n = r.length("aggregate vote committee size", limits.max_validators);
  if (n > r.remaining()) throw DecodeError("aggregate vote: counts truncated");  // a varint is >= 1 byte
  a.counts.reserve(n);
  bool any = false;
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = r.varint("aggregate vote count");
    if (c > 0xFFFFFFFFU) throw DecodeError("aggregate vote: count " + std::to_string(i) + " above 2^32 - 1");
    any |= c > 0;
    a.counts.push_back(static_cast<std::uint32_t>(c));
  }
  if (!any) throw DecodeError("aggregate vote: no signer");
  a.aggregate = copy_of(r.bytes("aggregate vote signature", limits.max_signature));
  return a;
}

Bytes AggregateVote::to_bytes() const {
  Writer w;
  write(w);
  return std::move(w).take();
}

AggregateVote AggregateVote::from_bytes(ByteView bytes, const Limits& limits) {
  Reader r(bytes);
  auto a = read(r, limits);
  r.expect_end("aggregate vote");
  return a;
}

Bytes GosigProposal::signed_bytes() const {
  Writer w;
  w.string("privfin gosig proposal v1").string(block.header.chain_id).u64(height()).u32(round).u32(proposer);
  detail::write_hash(w, block.hash());
  w.bytes(ticket);
  w.boolean(justification.has_value()).u32(justification ? justification->round : 0);
  return std::move(w).take();
}

void GosigProposal::write(Writer& w) const {
  w.u32(round).u32(proposer).bytes(ticket);
  block.write(w);
  w.boolean(justification.has_value());
  if (justification) justification->write(w);
  w.bytes(signature);
}

GosigProposal GosigProposal::read(Reader& r, const Limits& limits) {
  GosigProposal p;
  p.round = r.u32("proposal round");
  p.proposer = r.u32("proposal proposer");
  p.ticket = copy_of(r.bytes("proposal ticket", max_tag_bytes));
  p.block = Block::read(r, limits);
  if (r.boolean("has justification")) p.justification = AggregateVote::read(r, limits);
  p.signature = copy_of(r.bytes("proposal signature", limits.max_signature));
  return p;
}

Height GosigMessage::height() const {
  if (const auto* p = std::get_if<GosigProposal>(&body)) return p->height();
  if (const auto* a = std::get_if<AggregateVote>(&body)) return a->height;
  return std::get<Decision>(body).block.header.height;
}

Round GosigMessage::round() const {
  if (const auto* p = std::get_if<GosigProposal>(&body)) return p->round;
  if (const auto* a = std::get_if<AggregateVote>(&body)) return a->round;
  return std::get<Decision>(body).certificate.round;
}

Bytes GosigMessage::to_bytes() const {
  Writer w;
  w.version(format_version);
  if (const auto* p = std::get_if<GosigProposal>(&body)) {
    w.u8(kind_proposal);
    p->write(w);
  } else if (const auto* a = std::get_if<AggregateVote>(&body)) {
    w.u8(kind_aggregate);
    a->write(w);
  } else {
    const auto& d = std::get<Decision>(body);
    w.u8(kind_decision);
    d.block.write(w);
    d.certificate.write(w);
  }
  return std::move(w).take();
}

GosigMessage GosigMessage::from_bytes(ByteView bytes, const Limits& limits) {
  Reader r(bytes);
  r.expect_version(format_version, "gosig message");
  GosigMessage m;
  const auto kind = r.u8("gosig message kind");
  switch (kind) {
    case kind_proposal: m.body = GosigProposal::read(r, limits); break;
    case kind_aggregate: m.body = AggregateVote::read(r, limits); break;
    case kind_decision: {
      Decision d;
      d.block = Block::read(r, limits);
      d.certificate = CommitCertificate::read(r, limits);
      m.body = std::move(d);
      break;
    }
    default: throw DecodeError("gosig message: unknown kind " + std::to_string(kind));
  }
  r.expect_end("gosig message");
  return m;
}

}  // namespace privfin::consensus
