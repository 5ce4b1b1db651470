// Shared by the libFuzzer harnesses of tests/fuzz: the oracle check and a
// front-to-back splitter for inputs that carry several fields. The
// splitter reads from the front so that make_corpus.cpp can build seeds by
// plain concatenation (libFuzzer's FuzzedDataProvider takes integers from
// the back, which a generator would have to mirror).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "privfin/core/bytes.hpp"

namespace privfin::fuzz {

// An oracle failed. Trap rather than throw: an exception could be taken for
// the decoder's own error, and the trap makes libFuzzer save the input.
inline void require(bool ok) {
  if (!ok) __builtin_trap();
}

inline ByteView as_view(const std::uint8_t* data, std::size_t size) noexcept {
  return size == 0 ? ByteView{} : ByteView(reinterpret_cast<const std::byte*>(data), size);
}

// Hands out the input in pieces from the front; once the input runs out,
// every piece is empty (or 0) rather than an error.
class Splitter {
 public:
  explicit Splitter(ByteView input) noexcept : in_(input) {}
  std::uint8_t u8() noexcept {
    if (in_.empty()) return 0;
    const auto v = static_cast<std::uint8_t>(in_[0]);
    in_ = in_.subspan(1);
    return v;
  }
  std::uint16_t u16() noexcept {
    const auto lo = u8();
    return static_cast<std::uint16_t>(lo | (u8() << 8));
  }
  // Up to n bytes.
  ByteView take(std::size_t n) noexcept {
    const std::size_t k = std::min(n, in_.size());
    const ByteView out = in_.first(k);
    in_ = in_.subspan(k);
    return out;
  }
  // A piece prefixed by its length (one byte, or two when long = true).
  ByteView piece(bool long_piece = false) noexcept { return take(long_piece ? u16() : u8()); }
  ByteView rest() noexcept { return take(in_.size()); }
  [[nodiscard]] bool empty() const noexcept { return in_.empty(); }

 private:
  ByteView in_;
};

inline bool same(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

}  // namespace privfin::fuzz
