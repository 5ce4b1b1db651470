#include "privfin/service/prio3_messages.hpp"

#include <algorithm>
#include <string>

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"

namespace privfin::service {
namespace {

constexpr std::uint8_t version = 1;
// The largest vdaf::Reason on the wire (unknown_report); 0 is "ok".
constexpr std::uint8_t max_reason = 10;

enum class MessageKind : std::uint8_t {
  upload = 1,
  batch_init = 2,
  commit = 6,
  aggregate_share = 7,
};

void write_header(Writer& w, std::uint8_t kind) { w.version(version).u8(kind); }

void read_header(Reader& r, std::uint8_t kind, std::string_view what) {
  r.expect_version(version, what);
  const std::uint8_t got = r.u8("message kind");
  if (got != kind) {
    throw DecodeError(std::string(what) + ": message kind " + std::to_string(got) + ", expected " +
                      std::to_string(kind));
  }
}

Prio3Nonce read_nonce(Reader& r) {
  Prio3Nonce nonce{};
  const ByteView raw = r.raw(prio3_nonce_size, "nonce");
  std::copy(raw.begin(), raw.end(), nonce.begin());
  return nonce;
}

Bytes copy(ByteView v) { return Bytes(v.begin(), v.end()); }

void write_share(Writer& w, const Prio3ReportShare& s) {
  w.raw(s.nonce).bytes(s.public_share).bytes(s.input_share);
}

Prio3ReportShare read_share(Reader& r, const Prio3Limits& limits) {
  Prio3ReportShare s;
  s.nonce = read_nonce(r);
  s.public_share = copy(r.bytes("public share", limits.max_public_share));
  s.input_share = copy(r.bytes("input share", limits.max_input_share));
  return s;
}

// A count of items of at least `min_item` bytes each, checked against what remains.
std::size_t read_count(Reader& r, std::string_view field, std::size_t max, std::size_t min_item) {
  const std::size_t count = r.length(field, max);
  if (count > r.remaining() / min_item) {
    throw DecodeError(std::string(field) + " " + std::to_string(count) + " needs more bytes than remain (" +
                      std::to_string(r.remaining()) + ")");
  }
  return count;
}

}  // namespace

Bytes Prio3ReportShare::to_bytes() const {
  Writer w;
  w.version(version);
  write_share(w, *this);
  return std::move(w).take();
}

Prio3ReportShare Prio3ReportShare::from_bytes(ByteView bytes, const Prio3Limits& limits) {
  Reader r(bytes);
  r.expect_version(version, "Prio3 report share");
  Prio3ReportShare s = read_share(r, limits);
  r.expect_end("Prio3 report share");
  return s;
}

Bytes Prio3Upload::to_bytes() const {
  Writer w;
  write_header(w, static_cast<std::uint8_t>(MessageKind::upload));
  w.varint(reports.size());
  for (const auto& s : reports) write_share(w, s);
  return std::move(w).take();
}

Prio3Upload Prio3Upload::from_bytes(ByteView bytes, const Prio3Limits& limits) {
  Reader r(bytes);
  read_header(r, static_cast<std::uint8_t>(MessageKind::upload), "Prio3 upload");
  // A report takes at least its nonce and two length bytes.
  const std::size_t count = read_count(r, "report count", limits.max_reports, prio3_nonce_size + 2);
  Prio3Upload up;
  up.reports.reserve(count);
  for (std::size_t i = 0; i < count; ++i) up.reports.push_back(read_share(r, limits));
  r.expect_end("Prio3 upload");
  return up;
}

Bytes Prio3BatchInit::to_bytes() const {
  Writer w;
  write_header(w, static_cast<std::uint8_t>(MessageKind::batch_init));
  w.u64(batch).u64(first_item).boolean(last).varint(nonces.size());
  for (const auto& n : nonces) w.raw(n);
  return std::move(w).take();
}

Prio3BatchInit Prio3BatchInit::from_bytes(ByteView bytes, const Prio3Limits& limits) {
  Reader r(bytes);
  read_header(r, static_cast<std::uint8_t>(MessageKind::batch_init), "Prio3 batch init");
  Prio3BatchInit m;
  m.batch = r.u64("batch");
  m.first_item = r.u64("first item");
  m.last = r.boolean("last");
  const std::size_t count = read_count(r, "nonce count", limits.max_reports, prio3_nonce_size);
  m.nonces.reserve(count);
  for (std::size_t i = 0; i < count; ++i) m.nonces.push_back(read_nonce(r));
  r.expect_end("Prio3 batch init");
  return m;
}

Bytes Prio3BatchStatus::to_bytes() const {
  Writer w;
  write_header(w, static_cast<std::uint8_t>(kind));
  w.u64(batch).varint(statuses.size());
  for (const auto& s : statuses) {
    w.u8(s.reason);
    if (!s.ok()) {
      w.string(std::string_view(s.detail).substr(0, Rejection::max_detail_size));
    } else if (kind != Kind::finish) {
      w.bytes(s.payload);
    }
  }
  return std::move(w).take();
}

Prio3BatchStatus Prio3BatchStatus::from_bytes(ByteView bytes, Kind expected, const Prio3Limits& limits) {
  Reader r(bytes);
  read_header(r, static_cast<std::uint8_t>(expected), "Prio3 batch status");
  Prio3BatchStatus m;
  m.kind = expected;
  m.batch = r.u64("batch");
  const std::size_t max_payload =
      expected == Kind::prep_shares ? limits.max_verifier_share : limits.max_verifier_message;
  // A status takes its reason byte at least (and a length byte unless it is an accepted finish).
  const std::size_t count = read_count(r, "status count", limits.max_reports, 1);
  m.statuses.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    Prio3Status s;
    s.reason = r.u8("reason");
    if (s.reason > max_reason) throw DecodeError("Prio3 batch status: unknown reason " + std::to_string(s.reason));
    if (!s.ok()) {
      s.detail = r.string("detail", Rejection::max_detail_size);
    } else if (expected != Kind::finish) {
      s.payload = copy(r.bytes("payload", max_payload));
    }
    m.statuses.push_back(std::move(s));
  }
  r.expect_end("Prio3 batch status");
  return m;
}

Bytes Prio3Commit::to_bytes() const {
  Writer w;
  write_header(w, static_cast<std::uint8_t>(MessageKind::commit));
  w.u64(batch).raw(rejections_to_bytes(rejections));
  return std::move(w).take();
}

Prio3Commit Prio3Commit::from_bytes(ByteView bytes, const Prio3Limits& limits) {
  Reader r(bytes);
  read_header(r, static_cast<std::uint8_t>(MessageKind::commit), "Prio3 commit");
  Prio3Commit m;
  m.batch = r.u64("batch");
  // The rejection list runs to the end of the message (it checks its own end).
  m.rejections = rejections_from_bytes(r.raw(r.remaining(), "rejections"), limits.max_reports);
  return m;
}

Bytes Prio3AggregateShare::to_bytes() const {
  Writer w;
  write_header(w, static_cast<std::uint8_t>(MessageKind::aggregate_share));
  w.u64(reports).u64(accepted).bytes(rejections_to_bytes(rejections)).bytes(aggregate_share);
  return std::move(w).take();
}

Prio3AggregateShare Prio3AggregateShare::from_bytes(ByteView bytes, const Prio3Limits& limits) {
  Reader r(bytes);
  read_header(r, static_cast<std::uint8_t>(MessageKind::aggregate_share), "Prio3 aggregate share");
  Prio3AggregateShare m;
  m.reports = r.u64("reports");
  m.accepted = r.u64("accepted");
  m.rejections = rejections_from_bytes(r.bytes("rejections"), limits.max_rejections);
  m.aggregate_share = copy(r.bytes("aggregate share", limits.max_aggregate_share));
  r.expect_end("Prio3 aggregate share");
  if (m.accepted > m.reports || m.rejections.size() != m.reports - m.accepted) {
    throw DecodeError("Prio3 aggregate share: " + std::to_string(m.accepted) + " accepted and " +
                      std::to_string(m.rejections.size()) + " rejected do not add up to " +
                      std::to_string(m.reports) + " reports");
  }
  return m;
}

}  // namespace privfin::service
