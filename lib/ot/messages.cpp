// The OT layer's wire messages (docs/formats.md, "Oblivious transfer").
#include "privfin/ot/messages.hpp"

#include <sodium.h>

#include <string>

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"

namespace privfin::ot {
namespace {

constexpr std::uint8_t version = 1;

Point read_point(Reader& r, std::string_view field) {
  const std::size_t at = r.offset();
  const ByteView raw = r.raw(32, field);
  Point p{};
  std::copy(raw.begin(), raw.end(), p.begin());
  // libsodium accepts only canonical encodings of group elements here.
  if (crypto_core_ristretto255_is_valid_point(reinterpret_cast<const unsigned char*>(p.data())) != 1) {
    throw DecodeError(std::string(field) + " at byte " + std::to_string(at) +
                      ": not a canonical ristretto255 encoding");
  }
  return p;
}

void write_block(Writer& w, const Block& b) {
  const auto bytes = b.to_bytes();
  w.raw(bytes);
}

Block read_block(Reader& r, std::string_view field) { return Block::from_bytes(r.raw(16, field)); }

// Reads a count (at most max) and checks that exactly bytes_for(count)
// bytes follow.
template <class BytesFor>
std::uint64_t read_count(Reader& r, std::string_view field, std::size_t max, BytesFor bytes_for) {
  const std::size_t at = r.offset();
  const std::size_t count = r.length(field, max);
  const std::size_t need = bytes_for(count);
  if (r.remaining() != need) {
    throw DecodeError(std::string(field) + " at byte " + std::to_string(at) + ": count " + std::to_string(count) +
                      " needs " + std::to_string(need) + " bytes, " + std::to_string(r.remaining()) +
                      " remain");
  }
  return count;
}

// A varint in 1..max.
std::size_t read_positive(Reader& r, std::string_view field, std::size_t max) {
  const std::size_t at = r.offset();
  const std::size_t v = r.length(field, max);
  if (v == 0) throw DecodeError(std::string(field) + " at byte " + std::to_string(at) + ": 0, expected 1.." +
                                std::to_string(max));
  return v;
}

}  // namespace

Bytes BaseOtSetup::to_bytes() const {
  Writer w;
  w.version(version).varint(count).raw(a);
  return std::move(w).take();
}

BaseOtSetup BaseOtSetup::from_bytes(ByteView wire) {
  Reader r(wire);
  r.expect_version(version, "base OT setup");
  BaseOtSetup m;
  const std::size_t at = r.offset();
  const std::size_t count = r.length("base OT count", max_base_ots);
  if (count == 0) throw DecodeError("base OT count at byte " + std::to_string(at) + ": zero");
  m.count = static_cast<std::uint32_t>(count);
  m.a = read_point(r, "base OT sender point A");
  r.expect_end("base OT setup");
  return m;
}

Bytes BaseOtChoice::to_bytes() const {
  Writer w;
  w.version(version).varint(b.size());
  for (const auto& p : b) w.raw(p);
  return std::move(w).take();
}

BaseOtChoice BaseOtChoice::from_bytes(ByteView wire) {
  Reader r(wire);
  r.expect_version(version, "base OT choice");
  const std::size_t at = r.offset();
  const std::size_t count = r.length("base OT choice count", max_base_ots);
  if (count == 0) throw DecodeError("base OT choice count at byte " + std::to_string(at) + ": zero");
  if (r.remaining() != count * 32) {
    throw DecodeError("base OT choice: count " + std::to_string(count) + " needs " + std::to_string(count * 32) +
                      " bytes, " + std::to_string(r.remaining()) + " remain");
  }
  BaseOtChoice m;
  m.b.reserve(count);
  for (std::size_t i = 0; i < count; ++i) m.b.push_back(read_point(r, "base OT receiver point B"));
  r.expect_end("base OT choice");
  return m;
}

Bytes ExtensionMatrix::header(std::uint64_t count) {
  Writer w;
  w.version(version).varint(count);
  return std::move(w).take();
}

Bytes ExtensionMatrix::to_bytes() const {
  Bytes out = header(count);
  out.insert(out.end(), columns.begin(), columns.end());
  return out;
}

ExtensionMatrixView ExtensionMatrixView::from_bytes(ByteView wire) {
  Reader r(wire);
  r.expect_version(version, "OT extension matrix");
  ExtensionMatrixView m;
  // 128 columns of extension_rows(count) bits: 16 bytes per row.
  m.count = read_count(r, "OT extension count", max_extension_batch,
                       [](std::size_t c) { return 16 * extension_rows(c); });
  m.columns = r.raw(r.remaining(), "OT extension columns");
  return m;
}

ExtensionMatrix ExtensionMatrix::from_bytes(ByteView wire) {
  const auto view = ExtensionMatrixView::from_bytes(wire);
  return ExtensionMatrix{view.count, Bytes(view.columns.begin(), view.columns.end())};
}

Bytes ConsistencyChallenge::to_bytes() const {
  Writer w;
  w.version(version).raw(seed);
  return std::move(w).take();
}

ConsistencyChallenge ConsistencyChallenge::from_bytes(ByteView wire) {
  Reader r(wire);
  r.expect_version(version, "OT consistency challenge");
  ConsistencyChallenge m;
  const ByteView s = r.raw(m.seed.size(), "challenge seed");
  std::copy(s.begin(), s.end(), m.seed.begin());
  r.expect_end("OT consistency challenge");
  return m;
}

Bytes ConsistencyResponse::to_bytes() const {
  Writer w;
  w.version(version);
  write_block(w, x);
  write_block(w, t_low);
  write_block(w, t_high);
  return std::move(w).take();
}

ConsistencyResponse ConsistencyResponse::from_bytes(ByteView wire) {
  Reader r(wire);
  r.expect_version(version, "OT consistency response");
  ConsistencyResponse m;
  m.x = read_block(r, "response x");
  m.t_low = read_block(r, "response t (low)");
  m.t_high = read_block(r, "response t (high)");
  r.expect_end("OT consistency response");
  return m;
}

Bytes MaskedMessages::header(Kind kind, std::uint64_t count) {
  Writer w;
  w.version(version).u8(static_cast<std::uint8_t>(kind)).varint(count);
  return std::move(w).take();
}

Bytes MaskedMessages::to_bytes() const {
  Bytes out = header(kind, count);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

std::size_t masked_payload_bytes(MaskedMessages::Kind kind, std::uint64_t count) {
  switch (kind) {
    case MaskedMessages::Kind::chosen_blocks:
      return 32 * count;
    case MaskedMessages::Kind::correlated_u64:
      return 8 * count;
    case MaskedMessages::Kind::correlated_gilboa: {
      // 64 + 63 + ... + 1 = 2,080 bits per 64 OTs, then 64, 63, ... for the rest.
      const std::uint64_t rest = count % 64;
      const std::uint64_t bits = count / 64 * 2080 + rest * 64 - rest * (rest - 1) / 2;
      return (bits + 7) / 8;
    }
    case MaskedMessages::Kind::correlated_bits:
    case MaskedMessages::Kind::choice_flips:
      return (count + 7) / 8;
  }
  throw InvalidArgument("ot::masked_payload_bytes: unknown kind " + std::to_string(static_cast<unsigned>(kind)));
}

MaskedMessagesView MaskedMessagesView::from_bytes(ByteView wire) {
  Reader r(wire);
  r.expect_version(version, "OT masked messages");
  MaskedMessagesView m;
  const std::size_t at = r.offset();
  const std::uint8_t kind = r.u8("masked messages kind");
  if (kind < static_cast<std::uint8_t>(MaskedMessages::Kind::chosen_blocks) ||
      kind > static_cast<std::uint8_t>(MaskedMessages::Kind::choice_flips)) {
    throw DecodeError("masked messages kind at byte " + std::to_string(at) + ": unknown kind " +
                      std::to_string(kind));
  }
  m.kind = static_cast<MaskedMessages::Kind>(kind);
  m.count = read_count(r, "masked messages count", max_extension_batch,
                       [&](std::size_t c) { return masked_payload_bytes(m.kind, c); });
  m.payload = r.raw(r.remaining(), "masked messages payload");
  return m;
}

MaskedMessages MaskedMessages::from_bytes(ByteView wire) {
  const auto view = MaskedMessagesView::from_bytes(wire);
  return MaskedMessages{view.kind, view.count, Bytes(view.payload.begin(), view.payload.end())};
}

Bytes PuncturedTreesView::header(std::uint64_t iteration, std::uint64_t trees, std::uint64_t secret_length,
                                 std::uint64_t depth, std::uint64_t kept) {
  Writer w;
  w.version(format_version).varint(iteration).varint(trees).varint(secret_length).varint(kept).varint(depth);
  return std::move(w).take();
}

PuncturedTreesView PuncturedTreesView::from_bytes(ByteView wire) {
  Reader r(wire);
  r.expect_version(format_version, "silent OT trees");
  PuncturedTreesView m;
  m.iteration = r.varint("silent OT iteration");
  m.trees = read_positive(r, "silent OT tree count", max_silent_trees);
  m.secret_length = read_positive(r, "silent OT LPN secret length", max_silent_secret);
  m.kept = read_positive(r, "silent OT outputs kept", max_silent_outputs);
  const std::size_t depth_at = r.offset();
  m.depth = read_count(r, "silent OT tree depth", max_silent_depth,
                       [&](std::size_t d) { return 16 * punctured_tree_blocks(m.trees, d); });
  if (m.depth == 0) throw DecodeError("silent OT tree depth at byte " + std::to_string(depth_at) + ": 0");
  m.blocks = r.raw(r.remaining(), "silent OT tree blocks");
  return m;
}

}  // namespace privfin::ot
