// privfin/service/prio3_messages.hpp — the wire messages of the Prio3
// drivers (service/prio3_driver.hpp): a client's upload to one aggregator,
// the five per-batch messages between the leader and each helper, and an
// aggregator's result for the collector. Each is a value type with
// to_bytes() / from_bytes(bytes, limits); docs/formats.md gives the bytes.
//
//   Prio3Upload up{.reports = {share}};                        // client -> aggregator
//   Bytes wire = up.to_bytes();
//   Prio3Upload back = Prio3Upload::from_bytes(wire, limits);  // aggregator
//
// Limits come from the VDAF and the session (Prio3Limits::of in
// prio3_driver.hpp): every count and length is checked against them and
// against the bytes that remain before anything is allocated, so a lying
// peer costs at most the message it sent. from_bytes throws DecodeError for
// any defect (wrong version or kind, a length above its limit, a nonce that
// is not 16 bytes, an unknown reason, trailing bytes). Cost: one pass, one
// copy of each field. Values; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/core/rejection.hpp"

namespace privfin::service {

// The largest lengths a decoder accepts (a message longer than its limits
// is malformed, however it is framed).
struct Prio3Limits {
  std::size_t max_reports = 1 << 16;            // reports in one upload or batch
  std::size_t max_public_share = 0;             // bytes
  std::size_t max_input_share = 0;              // bytes, this aggregator's share
  std::size_t max_verifier_share = 0;           // bytes
  std::size_t max_verifier_message = 0;         // bytes
  std::size_t max_aggregate_share = 0;          // bytes
  std::size_t max_rejections = 1 << 20;         // rejections in one result
};

inline constexpr std::size_t prio3_nonce_size = 16;
using Prio3Nonce = std::array<std::byte, prio3_nonce_size>;

// What one aggregator receives of one report: the report id (nonce), the
// public share and this aggregator's input share.
struct Prio3ReportShare {
  Prio3Nonce nonce{};
  Bytes public_share;
  Bytes input_share;

  // Version 1: u8 1, raw nonce (16), bytes public share, bytes input share.
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static Prio3ReportShare from_bytes(ByteView bytes, const Prio3Limits& limits);
  friend bool operator==(const Prio3ReportShare&, const Prio3ReportShare&) = default;
};

// A client's reports for one aggregator, in one message.
struct Prio3Upload {
  std::vector<Prio3ReportShare> reports;
  // u8 1, u8 kind 1, varint count, then per report: raw nonce, bytes public, bytes input.
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static Prio3Upload from_bytes(ByteView bytes, const Prio3Limits& limits);
  friend bool operator==(const Prio3Upload&, const Prio3Upload&) = default;
};

// Leader -> helper: the reports of one batch, by nonce, in order.
struct Prio3BatchInit {
  std::uint64_t batch = 0;       // 0, 1, 2, ... within the session
  std::uint64_t first_item = 0;  // session index of the batch's first report
  bool last = false;             // no further batch follows in this prepare() call
  std::vector<Prio3Nonce> nonces;
  // u8 1, u8 kind 2, u64 batch, u64 first item, bool last, varint count, count raw nonces.
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static Prio3BatchInit from_bytes(ByteView bytes, const Prio3Limits& limits);
  friend bool operator==(const Prio3BatchInit&, const Prio3BatchInit&) = default;
};

// One report's status in a batch message: accepted so far (reason 0, with a
// payload: a verifier share or a verifier message), or the vdaf::Reason
// (1..10, see vdaf/prio3.hpp) with a detail for people.
struct Prio3Status {
  std::uint8_t reason = 0;  // 0: ok
  Bytes payload;            // only when ok
  std::string detail;       // only when not ok; at most Rejection::max_detail_size bytes
  [[nodiscard]] bool ok() const noexcept { return reason == 0; }
  friend bool operator==(const Prio3Status&, const Prio3Status&) = default;
};

// The three status messages of a batch: helper -> leader verifier shares
// (kind 3), leader -> helper verifier messages (kind 4), helper -> leader
// verify_next results (kind 5, no payloads).
struct Prio3BatchStatus {
  enum class Kind : std::uint8_t { prep_shares = 3, prep_messages = 4, finish = 5 };
  Kind kind = Kind::prep_shares;
  std::uint64_t batch = 0;
  std::vector<Prio3Status> statuses;
  // u8 1, u8 kind, u64 batch, varint count, then per report: u8 reason, and
  // bytes payload if reason = 0 else string detail. Kind 5 has no payload.
  [[nodiscard]] Bytes to_bytes() const;
  // Throws DecodeError unless the kind is `expected`.
  [[nodiscard]] static Prio3BatchStatus from_bytes(ByteView bytes, Kind expected, const Prio3Limits& limits);
  friend bool operator==(const Prio3BatchStatus&, const Prio3BatchStatus&) = default;
};

// Leader -> helpers: the batch's final rejections (all others are counted).
struct Prio3Commit {
  std::uint64_t batch = 0;
  std::vector<Rejection> rejections;
  // u8 1, u8 kind 6, u64 batch, then a rejection list (core/rejection.hpp).
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static Prio3Commit from_bytes(ByteView bytes, const Prio3Limits& limits);
  friend bool operator==(const Prio3Commit&, const Prio3Commit&) = default;
};

// Aggregator -> collector: what it counted and its aggregate share.
struct Prio3AggregateShare {
  std::uint64_t reports = 0;   // reports prepared in the session
  std::uint64_t accepted = 0;  // reports in the aggregate share
  std::vector<Rejection> rejections;
  Bytes aggregate_share;
  // u8 1, u8 kind 7, u64 reports, u64 accepted, bytes rejection list, bytes aggregate share.
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static Prio3AggregateShare from_bytes(ByteView bytes, const Prio3Limits& limits);
  friend bool operator==(const Prio3AggregateShare&, const Prio3AggregateShare&) = default;
};

}  // namespace privfin::service
