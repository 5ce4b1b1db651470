// privfin/service/mpc_share_batch.hpp — the wire form of the shares that
// travel between an MPC session's clients and its compute parties (see
// mpc_session.hpp): an input party's shares for one compute party, or one
// compute party's shares of an output for an output party.
//
//   ShareBatch b{ShareBatch::Kind::arith, {x0, x1}};   // components, each `count` values
//   Bytes wire = b.to_bytes();
//   ShareBatch back = ShareBatch::from_bytes(wire, /*max_count=*/1 << 20);
//
// Version 1 (docs/formats.md): u8 version = 1, u8 kind (1 = values of
// Z2k<64>, added; 2 = 64-bit words of bits, XORed), varint count, varint
// components (1..max_components), then components * count values, each
// 8 bytes little-endian, component by component. Canonical: nothing else
// is accepted (minimal varints, no trailing bytes).
//
// from_bytes throws DecodeError for a truncated or oversized input, an
// unknown version or kind, a count above max_count, a component count
// outside 1..max_components, or trailing bytes; it allocates only after the
// lengths are checked against what remains. to_bytes throws InvalidArgument
// for components of different lengths or a count of components outside
// 1..max_components. Value type; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "privfin/core/bytes.hpp"

namespace privfin::service {

struct ShareBatch {
  static constexpr std::uint8_t format_version = 1;
  static constexpr std::size_t max_components = 8;

  enum class Kind : std::uint8_t { arith = 1, bits = 2 };

  Kind kind = Kind::arith;
  std::vector<std::vector<std::uint64_t>> components;

  // Values per component (0 for no components).
  [[nodiscard]] std::size_t count() const noexcept { return components.empty() ? 0 : components[0].size(); }
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static ShareBatch from_bytes(ByteView bytes, std::uint64_t max_count);
  // The largest encoding of `components` components of at most max_count values.
  [[nodiscard]] static std::size_t max_encoded_size(std::size_t components, std::uint64_t max_count);

  friend bool operator==(const ShareBatch&, const ShareBatch&) = default;
};

}  // namespace privfin::service
