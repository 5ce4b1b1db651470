// Canonical encoding; see privfin/core/codec.hpp and docs/formats.md.
#include "privfin/core/codec.hpp"

#include "privfin/core/bigint.hpp"

namespace privfin {

Writer& Writer::varint_long(std::uint64_t v) {
  do {
    auto b = static_cast<std::uint8_t>(v & 0x7FU);
    v >>= 7;
    if (v != 0) b |= 0x80U;
    out_.push_back(static_cast<std::byte>(b));
  } while (v != 0);
  return *this;
}

Writer& Writer::raw(ByteView data) {
  out_.insert(out_.end(), data.begin(), data.end());
  return *this;
}

Writer& Writer::bytes(ByteView data) {
  varint(data.size());
  return raw(data);
}

Writer& Writer::bigint(const mpz_class& x) {
  if (sgn(x) < 0) throw InvalidArgument("Writer::bigint: negative integers have no encoding");
  const std::size_t n = bigint::byte_length(x);
  varint(n);
  return raw(bigint::to_bytes_le(x, n));
}

void Reader::fail(std::string_view field, std::size_t offset, const std::string& why) {
  throw DecodeError(std::string(field) + " at byte " + std::to_string(offset) + ": " + why);
}

std::uint64_t Reader::get_le(std::size_t width, std::string_view field) {
  const ByteView b = raw(width, field);
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < width; ++i) v |= static_cast<std::uint64_t>(b[i]) << (8 * i);
  return v;
}

bool Reader::boolean(std::string_view field) {
  const std::size_t at = offset_;
  const auto v = u8(field);
  if (v > 1) fail(field, at, "boolean byte is " + std::to_string(v) + ", not 0 or 1");
  return v == 1;
}

void Reader::expect_version(std::uint8_t supported, std::string_view what) {
  const std::size_t at = offset_;
  const auto v = u8(what);
  if (v != supported) {
    fail(what, at, "unsupported format version " + std::to_string(v) + " (this build reads version " +
                       std::to_string(supported) + ")");
  }
}

std::uint64_t Reader::varint_long(std::string_view field) {
  const std::size_t start = offset_;
  std::uint64_t value = 0;
  for (unsigned i = 0;; ++i) {
    if (offset_ >= in_.size()) fail(field, start, "truncated varint");
    const auto b = static_cast<std::uint8_t>(in_[offset_++]);
    const std::uint64_t payload = b & 0x7FU;
    if (i == 9 && payload > 1) fail(field, start, "varint exceeds 64 bits");
    value |= payload << (7 * i);
    if ((b & 0x80U) == 0) {
      if (b == 0 && i > 0) fail(field, start, "varint is not in its shortest form");
      return value;
    }
    if (i == 9) fail(field, start, "varint longer than 10 bytes");
  }
}

std::size_t Reader::length(std::string_view field, std::size_t max) {
  const std::size_t at = offset_;
  const std::uint64_t v = varint(field);
  if (v > max) fail(field, at, "length " + std::to_string(v) + " exceeds the maximum " + std::to_string(max));
  return static_cast<std::size_t>(v);
}

ByteView Reader::raw(std::size_t count, std::string_view field) {
  if (count > remaining()) {
    fail(field, offset_, "needs " + std::to_string(count) + " bytes, only " + std::to_string(remaining()) + " remain");
  }
  const ByteView out = in_.subspan(offset_, count);
  offset_ += count;
  return out;
}

ByteView Reader::bytes(std::string_view field, std::size_t max_size) {
  const std::size_t n = length(field, max_size);
  return raw(n, field);
}

std::string Reader::string(std::string_view field, std::size_t max_size) {
  const ByteView b = bytes(field, max_size);
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

mpz_class Reader::bigint(std::string_view field, std::size_t max_bytes) {
  const std::size_t at = offset_;
  const ByteView b = bytes(field, max_bytes);
  if (!b.empty() && b.back() == std::byte{0}) fail(field, at, "integer has a trailing zero byte (non-canonical)");
  return bigint::from_bytes_le(b);
}

void Reader::expect_end(std::string_view what) const {
  if (!at_end()) fail(what, offset_, std::to_string(remaining()) + " unexpected trailing bytes");
}

}  // namespace privfin
