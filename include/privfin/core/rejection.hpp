// privfin/core/rejection.hpp — one record of "what was rejected, by whom,
// from whom, and why", shared by every check that refuses a peer's item
// (a decryption share, a Prio3 report, a client's input, a parameter set),
// with a wire form so that a party can pass its verdicts on (an aggregator
// tells the collector which reports it dropped).
//
//   Rejection r{.item = 17, .by = 0, .from = 3, .cause = RejectionCause::invalid_proof,
//               .detail = "DLEQ proof does not verify"};
//   std::string line = r.describe();   // "item 17 from party 3 rejected by party 0: invalid proof (DLEQ ...)"
//   Bytes wire = r.to_bytes();
//   Rejection back = Rejection::from_bytes(wire);
//
// Party numbers are 0-based network ids (net::Network::party_id()). `from`
// is empty when the item's origin is not a network party (a client's report
// arrives through the leader) or unknown. `item` is the caller's index of
// the item (report number, ciphertext index, ...). `detail` is for people;
// it must not carry secret values (the checks that fill it name fields and
// sizes only). Wire form, version 1: u8 version, varint item, varint by,
// u8 has_from, [varint from], u8 cause, string detail (at most
// max_detail_size bytes). from_bytes throws DecodeError on any defect,
// including an unknown cause and trailing bytes. Cost: one small allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/core/codec.hpp"

namespace privfin {

// Why an item was refused. The numeric values are the wire form: append,
// never renumber.
enum class RejectionCause : std::uint8_t {
  malformed = 1,        // the bytes do not decode
  invalid_proof = 2,    // a proof or share check fails
  replayed = 3,         // the item (nonce, report id) was seen before
  out_of_range = 4,     // a value is outside the agreed bound
  wrong_key = 5,        // made for another key, context or session
  duplicate = 6,        // a second item for the same slot or party
  wrong_sender = 7,     // the item claims another party than the authenticated sender
  parameters_differ = 8,  // the sender's public parameters are not ours
  other = 9,
};

[[nodiscard]] std::string_view to_string(RejectionCause cause) noexcept;

struct Rejection {
  static constexpr std::uint8_t format_version = 1;
  static constexpr std::size_t max_detail_size = 1024;

  std::uint64_t item = 0;
  std::size_t by = 0;
  std::optional<std::size_t> from;
  RejectionCause cause = RejectionCause::other;
  std::string detail;

  // "item 17 from party 3 rejected by party 0: invalid proof (detail)".
  [[nodiscard]] std::string describe() const;

  void write(Writer& w) const;  // detail is cut to max_detail_size bytes
  [[nodiscard]] static Rejection read(Reader& r);
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static Rejection from_bytes(ByteView bytes);

  friend bool operator==(const Rejection&, const Rejection&) = default;
};

// A list of rejections: varint count (at most max_count), then each.
[[nodiscard]] Bytes rejections_to_bytes(const std::vector<Rejection>& rejections);
[[nodiscard]] std::vector<Rejection> rejections_from_bytes(ByteView bytes, std::size_t max_count);

}  // namespace privfin
