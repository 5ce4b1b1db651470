// The message bus's shared parts: the interface's helpers and the frame
// codec (message_bus.hpp, bus_frame.hpp).
#include "privfin/net/message_bus.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/net/bus_frame.hpp"

namespace privfin::net {

const char* to_string(SendStatus status) noexcept {
  switch (status) {
    case SendStatus::queued:
      return "queued";
    case SendStatus::replaced:
      return "replaced";
    case SendStatus::refused:
      return "refused";
    case SendStatus::closed:
      return "closed";
  }
  return "unknown";
}

void MessageBus::check_peer(std::size_t peer, const char* where) const {
  if (peer >= count_ || peer == id_) {
    throw InvalidArgument(std::string(where) + ": party " + std::to_string(id_) + " cannot send to party " +
                          std::to_string(peer) + " (peers are the other parties of " + std::to_string(count_) + ")");
  }
}

std::size_t MessageBus::broadcast(ByteView message) {
  std::size_t refused = 0;
  for (std::size_t j = 0; j < count_; ++j) {
    if (j == id_) continue;
    if (send(j, Bytes(message.begin(), message.end())) == SendStatus::refused) ++refused;
  }
  return refused;
}

void bus_frame_header(std::size_t size, std::span<std::byte, bus_frame_header_size> out) {
  if (size > bus_frame_max_payload) {
    throw InvalidArgument("bus frame: a message of " + std::to_string(size) + " bytes is longer than the frame allows");
  }
  out[0] = std::byte{bus_frame_kind_message};
  for (std::size_t i = 0; i < 4; ++i) out[1 + i] = static_cast<std::byte>((size >> (8 * i)) & 0xFF);
}

Bytes bus_frame_to_bytes(ByteView message) {
  Bytes out(bus_frame_header_size + message.size());
  bus_frame_header(message.size(), std::span<std::byte, bus_frame_header_size>(out.data(), bus_frame_header_size));
  if (!message.empty()) std::memcpy(out.data() + bus_frame_header_size, message.data(), message.size());
  return out;
}

namespace {

// The payload length a header announces; DecodeError for an unknown kind
// or a length over the limit.
std::size_t checked_length(ByteView header, std::size_t max_message_size) {
  if (header[0] != std::byte{bus_frame_kind_message}) {
    throw DecodeError("bus frame: unknown kind " + std::to_string(std::to_integer<int>(header[0])));
  }
  std::size_t size = 0;
  for (std::size_t i = 0; i < 4; ++i) size |= std::size_t{std::to_integer<std::uint8_t>(header[1 + i])} << (8 * i);
  if (size > max_message_size) {
    throw DecodeError("bus frame: a message of " + std::to_string(size) + " bytes announced, over the limit of " +
                      std::to_string(max_message_size));
  }
  return size;
}

}  // namespace

Bytes bus_frame_from_bytes(ByteView frame, std::size_t max_message_size) {
  if (frame.size() < bus_frame_header_size) {
    throw DecodeError("bus frame: " + std::to_string(frame.size()) + " bytes, shorter than the 5-byte header");
  }
  const std::size_t size = checked_length(frame.first(bus_frame_header_size), max_message_size);
  if (frame.size() - bus_frame_header_size != size) {
    throw DecodeError("bus frame: announces " + std::to_string(size) + " payload bytes, carries " +
                      std::to_string(frame.size() - bus_frame_header_size));
  }
  const ByteView payload = frame.subspan(bus_frame_header_size);
  return Bytes(payload.begin(), payload.end());
}

void BusFrameReader::feed(ByteView data, std::vector<Bytes>& out) {
  // A lying length costs at most this much before its bytes arrive.
  constexpr std::size_t first_reservation = std::size_t{64} << 10;
  while (!data.empty()) {
    if (header_fill_ < bus_frame_header_size) {
      const std::size_t n = std::min(bus_frame_header_size - header_fill_, data.size());
      std::memcpy(header_.data() + header_fill_, data.data(), n);
      header_fill_ += n;
      data = data.subspan(n);
      if (header_fill_ < bus_frame_header_size) return;
      expected_ = checked_length(header_, max_);
      payload_ = Bytes{};
      payload_.reserve(std::min(expected_, first_reservation));
    }
    const std::size_t n = std::min(expected_ - payload_.size(), data.size());
    payload_.insert(payload_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
    data = data.subspan(n);
    if (payload_.size() == expected_) {
      out.push_back(std::move(payload_));
      payload_ = Bytes{};
      header_fill_ = 0;
    }
  }
}

}  // namespace privfin::net
