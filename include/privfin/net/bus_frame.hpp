// privfin/net/bus_frame.hpp — how the message bus frames a message inside a
// connection (docs/formats.md "Message bus frame"): one kind byte (1 =
// message), a 4-byte little-endian payload length, the payload.
//
//   Bytes wire = bus_frame_to_bytes(message);
//   Bytes back = bus_frame_from_bytes(wire, max_size);   // exactly one frame
//   BusFrameReader reader(max_size);                     // a stream of frames
//   reader.feed(chunk, messages);                        // appends whole ones
//
// Costs: one copy. The reader checks a frame's kind and announced length
// against the limit before it allocates anything, and then grows the
// payload buffer only as bytes arrive, so a lying length costs no memory.
// Throws DecodeError (unknown kind, length over the limit, truncated or
// trailing bytes for from_bytes). Values and a per-stream object: one
// thread at a time per reader.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "privfin/core/bytes.hpp"

namespace privfin::net {

inline constexpr std::uint8_t bus_frame_kind_message = 1;
inline constexpr std::size_t bus_frame_header_size = 5;
// The largest payload the 4-byte length can announce.
inline constexpr std::size_t bus_frame_max_payload = 0xFFFF'FFFFu;

// InvalidArgument if the message is longer than bus_frame_max_payload.
[[nodiscard]] Bytes bus_frame_to_bytes(ByteView message);
// Writes the 5-byte header for a payload of `size` bytes.
void bus_frame_header(std::size_t size, std::span<std::byte, bus_frame_header_size> out);
[[nodiscard]] Bytes bus_frame_from_bytes(ByteView frame, std::size_t max_message_size);

class BusFrameReader {
 public:
  explicit BusFrameReader(std::size_t max_message_size) : max_(max_message_size) {}
  // Consumes all of `data`, appending every message it completes to `out`.
  // After a DecodeError the stream is broken: drop the connection.
  void feed(ByteView data, std::vector<Bytes>& out);
  // Memory held for the message in progress (tests: a lying length holds little).
  [[nodiscard]] std::size_t buffered_capacity() const noexcept { return payload_.capacity(); }

 private:
  std::size_t max_;
  std::array<std::byte, bus_frame_header_size> header_{};
  std::size_t header_fill_ = 0;
  std::size_t expected_ = 0;  // payload length once the header is complete
  Bytes payload_;
};

}  // namespace privfin::net
