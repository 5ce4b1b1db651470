// Wire form of client shares; see privfin/service/mpc_share_batch.hpp.
#include "privfin/service/mpc_share_batch.hpp"

#include <limits>
#include <string>

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"

namespace privfin::service {

Bytes ShareBatch::to_bytes() const {
  if (components.empty() || components.size() > max_components) {
    throw InvalidArgument("ShareBatch::to_bytes: " + std::to_string(components.size()) +
                          " components (1.." + std::to_string(max_components) + " allowed)");
  }
  const std::size_t n = count();
  for (const auto& c : components) {
    if (c.size() != n) throw InvalidArgument("ShareBatch::to_bytes: components of different lengths");
  }
  Writer w;
  w.version(format_version).u8(static_cast<std::uint8_t>(kind)).varint(n).varint(components.size());
  for (const auto& c : components) {
    for (const std::uint64_t v : c) w.u64(v);
  }
  return std::move(w).take();
}

ShareBatch ShareBatch::from_bytes(ByteView bytes, std::uint64_t max_count) {
  Reader r(bytes);
  r.expect_version(format_version, "share batch");
  ShareBatch out;
  const std::uint8_t kind = r.u8("share batch kind");
  if (kind != static_cast<std::uint8_t>(Kind::arith) && kind != static_cast<std::uint8_t>(Kind::bits)) {
    throw DecodeError("share batch: unknown kind " + std::to_string(kind));
  }
  out.kind = static_cast<Kind>(kind);
  const std::uint64_t count = r.varint("share batch count");
  if (count > max_count) {
    throw DecodeError("share batch: " + std::to_string(count) + " values (at most " + std::to_string(max_count) +
                      " allowed)");
  }
  const std::uint64_t parts = r.varint("share batch components");
  if (parts == 0 || parts > max_components) {
    throw DecodeError("share batch: " + std::to_string(parts) + " components (1.." + std::to_string(max_components) +
                      " allowed)");
  }
  // Checked before allocating: exactly parts * count values must remain.
  if (count > r.remaining() / 8 / parts || r.remaining() != parts * count * 8) {
    throw DecodeError("share batch: " + std::to_string(r.remaining()) + " bytes remain for " + std::to_string(parts) +
                      " components of " + std::to_string(count) + " values");
  }
  out.components.resize(static_cast<std::size_t>(parts));
  for (auto& c : out.components) {
    c.resize(static_cast<std::size_t>(count));
    for (auto& v : c) v = r.u64("share batch value");
  }
  r.expect_end("share batch");
  return out;
}

std::size_t ShareBatch::max_encoded_size(std::size_t components, std::uint64_t max_count) {
  constexpr std::uint64_t limit = std::numeric_limits<std::size_t>::max() / 2;
  if (components == 0 || components > max_components || max_count > limit / 8 / max_components) {
    throw InvalidArgument("ShareBatch::max_encoded_size: parameters out of range");
  }
  return 2 + 10 + 10 + components * static_cast<std::size_t>(max_count) * 8;
}

}  // namespace privfin::service
