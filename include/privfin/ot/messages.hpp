// privfin/ot/messages.hpp — the wire messages of the OT layer (byte layout
// in docs/formats.md, "Oblivious transfer"), each a value type with
// to_bytes() / from_bytes().
//
//   Bytes wire = ot::BaseOtSetup{count, a}.to_bytes();
//   auto setup = ot::BaseOtSetup::from_bytes(wire);   // DecodeError if malformed
//
// from_bytes checks every length against the bytes that remain before it
// allocates, refuses trailing bytes, unknown versions and kinds, and (for
// points) any 32 bytes that are not the canonical encoding of a ristretto255
// element. It does not know the peer: the protocols in base_ot.hpp and
// extension.hpp rethrow its DecodeError with the peer's id. Semantic checks
// (the identity point, a count that differs from this party's) are the
// protocols' and raise ProtocolError.
//
// Limits: at most max_base_ots points per base-OT message and
// max_extension_batch OTs per extension message; decoding costs one
// ristretto255 validity check per point and one copy of the payload (none
// for the two *View decoders, which the extension's hot path uses).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/ot/block.hpp"

namespace privfin::ot {

// A canonical ristretto255 encoding.
using Point = std::array<std::byte, 32>;

inline constexpr std::size_t max_base_ots = 4096;
inline constexpr std::size_t max_extension_batch = std::size_t{1} << 24;  // OTs per extension call

// Rows of the extension matrix for `count` OTs: count rounded up to a
// multiple of 128, plus 256 random rows that hide the choice bits from the
// consistency check (KOS's kappa + s, rounded up to whole blocks).
[[nodiscard]] constexpr std::size_t extension_rows(std::size_t count) noexcept {
  return (count + 127) / 128 * 128 + 256;
}

// Base OT, sender to receiver: the sender's point A = a*G and the batch size.
struct BaseOtSetup {
  std::uint32_t count = 0;
  Point a{};
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static BaseOtSetup from_bytes(ByteView wire);
  friend bool operator==(const BaseOtSetup&, const BaseOtSetup&) = default;
};

// Base OT, receiver to sender: B_i = b_i*G (choice 0) or A + b_i*G (choice 1).
struct BaseOtChoice {
  std::vector<Point> b;
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static BaseOtChoice from_bytes(ByteView wire);
  friend bool operator==(const BaseOtChoice&, const BaseOtChoice&) = default;
};

// Extension, receiver to sender: u_j = G(k_j^0) ^ G(k_j^1) ^ r for the 128
// columns j, each extension_rows(count) / 8 bytes, column after column.
struct ExtensionMatrix {
  std::uint64_t count = 0;  // OTs asked for (rows actually sent: extension_rows(count))
  Bytes columns;
  [[nodiscard]] Bytes to_bytes() const;  // header(count), then the columns
  [[nodiscard]] static ExtensionMatrix from_bytes(ByteView wire);
  // The bytes before the columns, for a sender that writes them in place.
  [[nodiscard]] static Bytes header(std::uint64_t count);
  friend bool operator==(const ExtensionMatrix&, const ExtensionMatrix&) = default;
};

// The same message decoded without copying: `columns` points into the wire
// bytes given to from_bytes (same checks as ExtensionMatrix::from_bytes).
struct ExtensionMatrixView {
  std::uint64_t count = 0;
  ByteView columns;
  [[nodiscard]] static ExtensionMatrixView from_bytes(ByteView wire);
};

// Extension, sender to receiver: the seed of the check coefficients chi_i,
// chosen by the sender after it holds the matrix.
struct ConsistencyChallenge {
  Prg::Seed seed{};
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static ConsistencyChallenge from_bytes(ByteView wire);
  friend bool operator==(const ConsistencyChallenge&, const ConsistencyChallenge&) = default;
};

// Extension, receiver to sender: x = sum chi_i r_i in GF(2^128) and
// t = sum chi_i * t_i as an unreduced 256-bit carry-less product (low, high).
struct ConsistencyResponse {
  Block x;
  Block t_low;
  Block t_high;
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static ConsistencyResponse from_bytes(ByteView wire);
  friend bool operator==(const ConsistencyResponse&, const ConsistencyResponse&) = default;
};

// Extension, sender to receiver: the masked messages of a chosen-message OT
// (two blocks per OT) or the masked corrections of a correlated OT: one
// 64-bit word per OT (correlated_u64), 64 - i % 64 bits for OT i
// (correlated_gilboa), or one bit per OT (correlated_bits); the narrow
// kinds are bit strings, least significant bit first, padded with zeros to
// whole bytes (extension.hpp's CorrelationWidth).
struct MaskedMessages {
  // choice_flips: not masked messages but a receiver's bits x_i ^ y_i that
  // turn silent OT's random choices x into its own y (silent.hpp), one
  // bit per OT like correlated_bits.
  enum class Kind : std::uint8_t {
    chosen_blocks = 1,
    correlated_u64 = 2,
    correlated_gilboa = 3,
    correlated_bits = 4,
    choice_flips = 5
  };
  Kind kind = Kind::chosen_blocks;
  std::uint64_t count = 0;
  Bytes payload;  // masked_payload_bytes(kind, count) bytes
  [[nodiscard]] Bytes to_bytes() const;  // header(kind, count), then the payload
  [[nodiscard]] static MaskedMessages from_bytes(ByteView wire);
  // The bytes before the payload, for a sender that writes it in place.
  [[nodiscard]] static Bytes header(Kind kind, std::uint64_t count);
  friend bool operator==(const MaskedMessages&, const MaskedMessages&) = default;
};

// The payload's length for `count` OTs of `kind`: 32 or 8 bytes per OT,
// ceil(bits / 8) for the bit strings (2,080 bits per 64 OTs for
// correlated_gilboa).
[[nodiscard]] std::size_t masked_payload_bytes(MaskedMessages::Kind kind, std::uint64_t count);

// The same message decoded without copying: `payload` points into the wire
// bytes given to from_bytes (same checks as MaskedMessages::from_bytes).
struct MaskedMessagesView {
  MaskedMessages::Kind kind = MaskedMessages::Kind::chosen_blocks;
  std::uint64_t count = 0;
  ByteView payload;
  [[nodiscard]] static MaskedMessagesView from_bytes(ByteView wire);
};

// Silent OT (silent.hpp): the sender's level sums of `trees` punctured
// GGM trees of depth `depth`, each masked for the receiver's choice, and one
// block per tree that carries Delta: trees x (2 depth + 1) blocks, in tree
// order, per tree level 1's two sums, level 2's, ..., then the last block.
inline constexpr std::size_t max_silent_trees = 1U << 14;
inline constexpr std::size_t max_silent_depth = 20;
inline constexpr std::size_t max_silent_secret = 0xFFFF'FFFFU;
inline constexpr std::size_t max_silent_outputs = max_silent_trees << max_silent_depth;

[[nodiscard]] constexpr std::size_t punctured_tree_blocks(std::size_t trees, std::size_t depth) noexcept {
  return trees * (2 * depth + 1);
}

struct PuncturedTreesView {
  // Version 2 carries the LPN secret length and the outputs kept for the
  // next iteration: with version 1, two parties whose parameter sets
  // differed only in k agreed on every message and silently computed
  // different outputs.
  static constexpr std::uint8_t format_version = 2;
  std::uint64_t iteration = 0;  // the session's count of silent iterations before this one
  std::uint64_t trees = 0;
  std::uint64_t secret_length = 0;  // k of this iteration's parameter set
  std::uint64_t kept = 0;           // outputs kept for the next iteration (the main set's k + t h)
  std::uint64_t depth = 0;
  ByteView blocks;  // 16 * punctured_tree_blocks(trees, depth) bytes
  [[nodiscard]] static PuncturedTreesView from_bytes(ByteView wire);
  // The bytes before the blocks, for a sender that writes them in place.
  [[nodiscard]] static Bytes header(std::uint64_t iteration, std::uint64_t trees, std::uint64_t secret_length,
                                    std::uint64_t depth, std::uint64_t kept);
};

}  // namespace privfin::ot
