#include "privfin/core/rejection.hpp"

#include <limits>

namespace privfin {

std::string_view to_string(RejectionCause cause) noexcept {
  switch (cause) {
    case RejectionCause::malformed: return "malformed";
    case RejectionCause::invalid_proof: return "invalid proof";
    case RejectionCause::replayed: return "replayed";
    case RejectionCause::out_of_range: return "out of range";
    case RejectionCause::wrong_key: return "wrong key or context";
    case RejectionCause::duplicate: return "duplicate";
    case RejectionCause::wrong_sender: return "claims another sender";
    case RejectionCause::parameters_differ: return "parameters differ";
    case RejectionCause::other: return "other";
  }
  return "unknown";
}

std::string Rejection::describe() const {
  std::string out = "item " + std::to_string(item);
  if (from) out += " from party " + std::to_string(*from);
  out += " rejected by party " + std::to_string(by) + ": ";
  out += to_string(cause);
  if (!detail.empty()) out += " (" + detail + ")";
  return out;
}

void Rejection::write(Writer& w) const {
  w.version(format_version).varint(item).varint(by).boolean(from.has_value());
  if (from) w.varint(*from);
  w.u8(static_cast<std::uint8_t>(cause));
  const std::string_view text = detail;
  w.string(text.substr(0, max_detail_size));
}

Rejection Rejection::read(Reader& r) {
  Rejection out;
  r.expect_version(format_version, "rejection");
  out.item = r.varint("rejection item");
  out.by = r.length("rejection by", std::numeric_limits<std::size_t>::max());
  if (r.boolean("rejection has_from")) out.from = r.length("rejection from", std::numeric_limits<std::size_t>::max());
  const auto cause = r.u8("rejection cause");
  if (cause < static_cast<std::uint8_t>(RejectionCause::malformed) ||
      cause > static_cast<std::uint8_t>(RejectionCause::other)) {
    throw DecodeError("rejection cause: unknown value " + std::to_string(cause));
  }
  out.cause = static_cast<RejectionCause>(cause);
  out.detail = r.string("rejection detail", max_detail_size);
  return out;
}

Bytes Rejection::to_bytes() const {
  Writer w;
  write(w);
  return std::move(w).take();
}

Rejection Rejection::from_bytes(ByteView bytes) {
  Reader r(bytes);
  Rejection out = read(r);
  r.expect_end("rejection");
  return out;
}

Bytes rejections_to_bytes(const std::vector<Rejection>& rejections) {
  Writer w;
  w.varint(rejections.size());
  for (const auto& rejection : rejections) rejection.write(w);
  return std::move(w).take();
}

std::vector<Rejection> rejections_from_bytes(ByteView bytes, std::size_t max_count) {
  Reader r(bytes);
  // Each rejection takes at least 6 bytes, so a lying count is caught
  // before anything is reserved.
  const std::size_t count = r.length("rejection count", max_count);
  if (count > r.remaining() / 6) {
    throw DecodeError("rejection count " + std::to_string(count) + " needs more bytes than remain (" +
                      std::to_string(r.remaining()) + ")");
  }
  std::vector<Rejection> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) out.push_back(Rejection::read(r));
  r.expect_end("rejection list");
  return out;
}

}  // namespace privfin
