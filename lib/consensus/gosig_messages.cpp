// Wire forms of Gosig's messages (gosig_messages.hpp, docs/formats.md).
#include "privfin/consensus/gosig_messages.hpp"

#include <algorithm>

#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"

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

// ------------------------------------------------------------ streamed bodies

BodyManifest BodyManifest::of(ByteView body, std::uint32_t chunk_bytes) {
  if (chunk_bytes < min_chunk_bytes) throw InvalidArgument("body manifest: chunk size below 1024 bytes");
  BodyManifest m;
  m.size = body.size();
  m.chunk_bytes = chunk_bytes;
  for (std::size_t at = 0; at < body.size(); at += chunk_bytes) {
    const std::size_t len = std::min<std::size_t>(chunk_bytes, body.size() - at);
    m.chunks.push_back(Hash32{Sha256::hash(body.subspan(at, len))});
  }
  return m;
}

std::size_t BodyManifest::chunk_size(std::size_t index) const noexcept {
  const std::uint64_t at = std::uint64_t{index} * chunk_bytes;
  if (at >= size) return 0;
  return static_cast<std::size_t>(std::min<std::uint64_t>(chunk_bytes, size - at));
}

Hash32 BodyManifest::digest() const {
  Writer w;
  w.string("privfin gosig body manifest v1");
  write(w);
  return Hash32{Sha256::hash(w.data())};
}

void BodyManifest::write(Writer& w) const {
  w.u64(size).u32(chunk_bytes).varint(chunks.size());
  for (const auto& c : chunks) detail::write_hash(w, c);
}

BodyManifest BodyManifest::read(Reader& r, const Limits& limits) {
  BodyManifest m;
  m.size = r.u64("manifest body size");
  m.chunk_bytes = r.u32("manifest chunk size");
  if (m.size == 0 || m.size > limits.max_body) throw DecodeError("body manifest: body size outside 1..max_body");
  if (m.chunk_bytes < min_chunk_bytes) throw DecodeError("body manifest: chunk size below 1024 bytes");
  const std::uint64_t expected = (m.size + m.chunk_bytes - 1) / m.chunk_bytes;
  const std::size_t count = r.length("manifest chunk count", static_cast<std::size_t>(expected));
  if (count != expected) throw DecodeError("body manifest: chunk count does not match the body size");
  if (count > r.remaining() / 32) throw DecodeError("body manifest: chunk hashes truncated");
  m.chunks.reserve(count);
  for (std::size_t i = 0; i < count; ++i) m.chunks.push_back(detail::read_hash(r, "manifest chunk hash"));
  return m;
}

void BodyChunk::write(Writer& w) const {
  w.u64(height).u32(round);
  detail::write_hash(w, block);
  w.u32(index).bytes(data);
}

BodyChunk BodyChunk::read(Reader& r, const Limits& limits) {
  BodyChunk c;
  c.height = r.u64("chunk height");
  c.round = r.u32("chunk round");
  c.block = detail::read_hash(r, "chunk block");
  c.index = r.u32("chunk index");
  c.data = copy_of(r.bytes("chunk data", limits.max_body));
  if (c.data.empty()) throw DecodeError("body chunk: empty");
  return c;
}

void ChunkSet::write(Writer& w) const {
  w.u64(height).u32(round);
  detail::write_hash(w, block);
  w.varint(chunks.size());
  Bytes bits((chunks.size() + 7) / 8);
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    if (chunks[i]) bits[i / 8] |= std::byte{static_cast<std::uint8_t>(1U << (i % 8))};
  }
  w.raw(bits);
}

ChunkSet ChunkSet::read(Reader& r, const Limits& limits) {
  ChunkSet h;
  h.height = r.u64("chunk set height");
  h.round = r.u32("chunk set round");
  h.block = detail::read_hash(r, "chunk set block");
  // At most one chunk per min_chunk_bytes of the largest body.
  const std::size_t count = r.length("chunk set count", limits.max_body / BodyManifest::min_chunk_bytes + 1);
  if (count == 0) throw DecodeError("chunk set: no chunks");
  const auto bits = r.raw((count + 7) / 8, "chunk set bitmap");
  if (count % 8 != 0 && (std::to_integer<unsigned>(bits.back()) >> (count % 8)) != 0) {
    throw DecodeError("chunk set: bits set past the last chunk");
  }
  h.chunks.resize(count);
  for (std::size_t i = 0; i < count; ++i) h.chunks[i] = ((std::to_integer<unsigned>(bits[i / 8]) >> (i % 8)) & 1U) != 0;
  return h;
}

// ------------------------------------------------------------ proposals

Bytes GosigProposal::signed_bytes() const {
  Writer w;
  w.string("privfin gosig proposal v1").string(block.header.chain_id).u64(height()).u32(round).u32(proposer);
  detail::write_hash(w, block.hash());
  w.bytes(ticket);
  w.boolean(justification.has_value()).u32(justification ? justification->round : 0);
  if (manifest) detail::write_hash(w, manifest->digest());  // streamed: absent before, so old signatures hold
  return std::move(w).take();
}

void GosigProposal::write(Writer& w) const {
  w.u32(round).u32(proposer).bytes(ticket);
  if (manifest) {
    block.header.write(w);
    w.bytes({});  // the body streams apart
  } else {
    block.write(w);
  }
  w.boolean(justification.has_value());
  if (justification) justification->write(w);
  w.bytes(signature);
  if (manifest) manifest->write(w);
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

namespace {
GosigProposal read_streamed(Reader& r, const Limits& limits) {
  auto p = GosigProposal::read(r, limits);
  if (!p.block.body.empty()) throw DecodeError("streamed proposal: carries a body");
  p.manifest = BodyManifest::read(r, limits);
  return p;
}
}  // namespace

Height GosigMessage::height() const {
  if (const auto* p = std::get_if<GosigProposal>(&body)) return p->height();
  if (const auto* a = std::get_if<AggregateVote>(&body)) return a->height;
  if (const auto* c = std::get_if<BodyChunk>(&body)) return c->height;
  if (const auto* h = std::get_if<ChunkHave>(&body)) return h->height;
  if (const auto* wt = std::get_if<ChunkWant>(&body)) return wt->height;
  if (const auto* dh = std::get_if<DecidedHeader>(&body)) return dh->header.height;
  return std::get<Decision>(body).block.header.height;
}

Round GosigMessage::round() const {
  if (const auto* p = std::get_if<GosigProposal>(&body)) return p->round;
  if (const auto* a = std::get_if<AggregateVote>(&body)) return a->round;
  if (const auto* c = std::get_if<BodyChunk>(&body)) return c->round;
  if (const auto* h = std::get_if<ChunkHave>(&body)) return h->round;
  if (const auto* wt = std::get_if<ChunkWant>(&body)) return wt->round;
  if (const auto* dh = std::get_if<DecidedHeader>(&body)) return dh->certificate.round;
  return std::get<Decision>(body).certificate.round;
}

Bytes GosigMessage::to_bytes() const {
  Writer w;
  w.version(format_version);
  if (const auto* p = std::get_if<GosigProposal>(&body)) {
    w.u8(p->manifest ? kind_streamed_proposal : kind_proposal);
    p->write(w);
  } else if (const auto* c = std::get_if<BodyChunk>(&body)) {
    w.u8(kind_chunk);
    c->write(w);
  } else if (const auto* h = std::get_if<ChunkHave>(&body)) {
    w.u8(kind_chunk_have);
    h->write(w);
  } else if (const auto* wt = std::get_if<ChunkWant>(&body)) {
    w.u8(kind_chunk_want);
    wt->write(w);
  } else if (const auto* dh = std::get_if<DecidedHeader>(&body)) {
    w.u8(kind_decided_header);
    dh->header.write(w);
    dh->certificate.write(w);
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
    case kind_streamed_proposal: m.body = read_streamed(r, limits); break;
    case kind_chunk: m.body = BodyChunk::read(r, limits); break;
    case kind_chunk_have: m.body = ChunkHave{ChunkSet::read(r, limits)}; break;
    case kind_chunk_want: m.body = ChunkWant{ChunkSet::read(r, limits)}; break;
    case kind_decided_header: {
      DecidedHeader dh;
      dh.header = BlockHeader::read(r, limits);
      dh.certificate = CommitCertificate::read(r, limits);
      m.body = std::move(dh);
      break;
    }
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
