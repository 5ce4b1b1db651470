// privfin/core/bytes.hpp — byte buffers and the small helpers around them.
//
//   Bytes key = from_hex("00ff");          // throws DecodeError on bad hex
//   std::string s = to_hex(key);
//   bool same = constant_time_equal(tag_a, tag_b);   // for MACs and tags
//   bool equal = equal_bytes(wire, cached);          // public data, by memcmp
//   secure_wipe(key);                      // before the memory is released
//
// `Bytes` owns, `ByteView` borrows. Thread-safe: all functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "privfin/core/error.hpp"

namespace privfin {

using Bytes = std::vector<std::byte>;
using ByteView = std::span<const std::byte>;

// Lower-case hexadecimal, two digits per byte.
[[nodiscard]] std::string to_hex(ByteView bytes);

// Accepts upper- and lower-case digits; throws DecodeError on an odd length
// or a non-hex character (naming its position).
[[nodiscard]] Bytes from_hex(std::string_view hex);

// The bytes of a string, without a terminator (for labels and messages).
[[nodiscard]] inline ByteView as_bytes(std::string_view text) noexcept {
  return {reinterpret_cast<const std::byte*>(text.data()), text.size()};
}

[[nodiscard]] inline Bytes to_bytes(std::string_view text) {
  auto view = as_bytes(text);
  return {view.begin(), view.end()};
}

[[nodiscard]] inline ByteView as_bytes(std::span<const std::uint8_t> data) noexcept {
  return {reinterpret_cast<const std::byte*>(data.data()), data.size()};
}

// Concatenation of any number of byte views.
template <class... Views>
[[nodiscard]] Bytes concat(const Views&... views) {
  Bytes out;
  out.reserve((std::size(views) + ... + 0));
  (out.insert(out.end(), std::begin(views), std::end(views)), ...);
  return out;
}

// Equal lengths and equal bytes, by memcmp: for public data (the standard
// algorithms compare std::byte one at a time in GCC 12). Variable time:
// use constant_time_equal below for MACs, tags and anything secret.
[[nodiscard]] inline bool equal_bytes(ByteView a, ByteView b) noexcept {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

// Compares in time that depends only on the lengths. Different lengths
// compare unequal.
[[nodiscard]] bool constant_time_equal(ByteView a, ByteView b) noexcept;

// Overwrites memory in a way the optimizer may not remove.
void secure_wipe(std::span<std::byte> bytes) noexcept;

// A byte vector that wipes itself when destroyed: for keys and seeds.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::size_t size) : bytes_(size) {}
  explicit SecretBytes(ByteView bytes) : bytes_(bytes.begin(), bytes.end()) {}
  SecretBytes(const SecretBytes&) = default;
  SecretBytes& operator=(const SecretBytes& other) {
    if (this != &other) {
      secure_wipe(bytes_);
      bytes_ = other.bytes_;
    }
    return *this;
  }
  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {}
  SecretBytes& operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
      secure_wipe(bytes_);
      bytes_ = std::move(other.bytes_);
    }
    return *this;
  }
  ~SecretBytes() { secure_wipe(bytes_); }

  [[nodiscard]] std::span<std::byte> span() noexcept { return bytes_; }
  [[nodiscard]] ByteView view() const noexcept { return bytes_; }
  [[nodiscard]] std::size_t size() const noexcept { return bytes_.size(); }
  [[nodiscard]] std::byte* data() noexcept { return bytes_.data(); }
  [[nodiscard]] const std::byte* data() const noexcept { return bytes_.data(); }

 private:
  Bytes bytes_;
};

}  // namespace privfin
