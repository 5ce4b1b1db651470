// privfin/core/codec.hpp — the canonical binary encoding every privfin wire
// format and file uses (described byte by byte in docs/formats.md).
//
//   Writer w;
//   w.version(1).u32(count).bytes(payload).elements<Z2k<64>>(shares);
//   Bytes msg = std::move(w).take();
//
//   Reader r(msg);
//   r.expect_version(1, "share message");
//   auto count  = r.u32("count");
//   auto shares = r.elements<Z2k<64>>("shares", /*max_count=*/1 << 20);
//   r.expect_end("share message");
//
// Integers are little-endian; lengths and counts are unsigned LEB128 varints
// in their shortest form. The Reader never reads past its input and checks a
// length against the bytes that remain *before* allocating, so a lying length
// prefix costs nothing. Every failure throws DecodeError naming the field and
// the byte offset. Readers and writers are single-threaded values.
#pragma once

#include <gmpxx.h>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/core/error.hpp"

namespace privfin {

// A value with a fixed-width little-endian encoding: ring and field
// elements. read_le returns nullopt for a non-canonical encoding.
template <class T>
concept FixedWidthElement = requires(const T& value, std::span<std::byte> out, std::span<const std::byte> in) {
  { T::byte_size } -> std::convertible_to<std::size_t>;
  value.write_le(out);
  { T::read_le(in) } -> std::same_as<std::optional<T>>;
};

class Writer {
 public:
  Writer& u8(std::uint8_t v) { return put_le(v, 1); }
  Writer& u16(std::uint16_t v) { return put_le(v, 2); }
  Writer& u32(std::uint32_t v) { return put_le(v, 4); }
  Writer& u64(std::uint64_t v) { return put_le(v, 8); }
  Writer& boolean(bool v) { return u8(v ? 1 : 0); }
  Writer& version(std::uint8_t v) { return u8(v); }
  Writer& varint(std::uint64_t v) {
    if (v < 0x80U) {  // one byte, inline: most counts and lengths
      out_.push_back(static_cast<std::byte>(v));
      return *this;
    }
    return varint_long(v);
  }
  // Bytes as they are, without a length (the reader must know the size).
  Writer& raw(ByteView data);
  // A varint length, then the bytes.
  Writer& bytes(ByteView data);
  Writer& string(std::string_view text) { return bytes(as_bytes(text)); }
  // A varint byte count, then the magnitude little-endian with no trailing
  // zero byte (zero is the empty string). Throws InvalidArgument if x < 0.
  Writer& bigint(const mpz_class& x);

  template <FixedWidthElement T>
  Writer& element(const T& value) {
    const std::size_t at = out_.size();
    out_.resize(at + T::byte_size);
    value.write_le(std::span(out_).subspan(at, T::byte_size));
    return *this;
  }
  // A varint count, then each element.
  template <FixedWidthElement T>
  Writer& elements(std::span<const T> values) {
    varint(values.size());
    const std::size_t at = out_.size();
    out_.resize(at + values.size() * T::byte_size);
    for (std::size_t i = 0; i < values.size(); ++i) {
      values[i].write_le(std::span(out_).subspan(at + i * T::byte_size, T::byte_size));
    }
    return *this;
  }

  // Room for `total` bytes in all without reallocating (a writer that
  // knows its size up front spares the doublings of a growing buffer).
  Writer& reserve(std::size_t total) {
    out_.reserve(total);
    return *this;
  }

  [[nodiscard]] const Bytes& data() const& noexcept { return out_; }
  [[nodiscard]] Bytes take() && noexcept { return std::move(out_); }
  [[nodiscard]] std::size_t size() const noexcept { return out_.size(); }

 private:
  Writer& varint_long(std::uint64_t v);
  Writer& put_le(std::uint64_t v, std::size_t width) {
    for (std::size_t i = 0; i < width; ++i) out_.push_back(static_cast<std::byte>((v >> (8 * i)) & 0xFFU));
    return *this;
  }
  Bytes out_;
};

class Reader {
 public:
  explicit Reader(ByteView input) noexcept : in_(input) {}

  [[nodiscard]] std::uint8_t u8(std::string_view field) { return static_cast<std::uint8_t>(get_le(1, field)); }
  [[nodiscard]] std::uint16_t u16(std::string_view field) { return static_cast<std::uint16_t>(get_le(2, field)); }
  [[nodiscard]] std::uint32_t u32(std::string_view field) { return static_cast<std::uint32_t>(get_le(4, field)); }
  [[nodiscard]] std::uint64_t u64(std::string_view field) { return get_le(8, field); }
  // Only 0 and 1 are accepted.
  [[nodiscard]] bool boolean(std::string_view field);
  // Throws DecodeError unless the next byte equals `supported`.
  void expect_version(std::uint8_t supported, std::string_view what);
  // Rejects encodings longer than needed and values above 2^64 - 1.
  [[nodiscard]] std::uint64_t varint(std::string_view field) {
    if (offset_ < in_.size()) {  // one byte, inline: most counts and lengths
      const auto b = static_cast<std::uint8_t>(in_[offset_]);
      if (b < 0x80U) {
        ++offset_;
        return b;
      }
    }
    return varint_long(field);
  }
  // A varint that must not exceed `max` (a count or a size).
  [[nodiscard]] std::size_t length(std::string_view field, std::size_t max);

  // Views into the input; valid while the input is.
  [[nodiscard]] ByteView raw(std::size_t count, std::string_view field);
  [[nodiscard]] ByteView bytes(std::string_view field,
                               std::size_t max_size = std::numeric_limits<std::size_t>::max());
  [[nodiscard]] std::string string(std::string_view field,
                                   std::size_t max_size = std::numeric_limits<std::size_t>::max());
  // Rejects a trailing zero byte (non-canonical) and more than max_bytes.
  [[nodiscard]] mpz_class bigint(std::string_view field, std::size_t max_bytes);

  template <FixedWidthElement T>
  [[nodiscard]] T element(std::string_view field) {
    const std::size_t at = offset_;
    auto value = T::read_le(raw(T::byte_size, field));
    if (!value) fail(field, at, "non-canonical element encoding");
    return *value;
  }
  template <FixedWidthElement T>
  [[nodiscard]] std::vector<T> elements(std::string_view field,
                                        std::size_t max_count = std::numeric_limits<std::size_t>::max()) {
    const std::size_t count = length(field, max_count);
    if (count > remaining() / T::byte_size) {
      fail(field, offset_, "count " + std::to_string(count) + " needs more bytes than remain (" +
                               std::to_string(remaining()) + ")");
    }
    std::vector<T> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) out.push_back(element<T>(field));
    return out;
  }

  [[nodiscard]] std::size_t offset() const noexcept { return offset_; }
  [[nodiscard]] std::size_t remaining() const noexcept { return in_.size() - offset_; }
  [[nodiscard]] bool at_end() const noexcept { return offset_ == in_.size(); }
  // Throws DecodeError if bytes are left over.
  void expect_end(std::string_view what) const;

 private:
  std::uint64_t varint_long(std::string_view field);
  std::uint64_t get_le(std::size_t width, std::string_view field);
  [[noreturn]] static void fail(std::string_view field, std::size_t offset, const std::string& why);

  ByteView in_;
  std::size_t offset_ = 0;
};

}  // namespace privfin
