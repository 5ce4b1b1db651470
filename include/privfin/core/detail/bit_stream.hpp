// privfin/core/detail/bit_stream.hpp — values of 1 to 64 bits packed one
// after the other into bytes, least significant bit first: the wire form
// of truncated OT corrections (ot/extension.cpp's CorrelationWidth::gilboa
// and ::bits, SPDZ2k's Gilboa corrections in mpc/spdz2k_ot.cpp), where
// the correction for bit k of a multiplier needs only the low bits that
// survive the shift by k.
//
//   std::vector<std::byte> buf(detail::packed_bytes(total_bits));
//   detail::BitWriter w(buf);  w.put(v, 13);  w.put(u, 64);  ...;  w.finish();
//   detail::BitReader r(buf);  v = r.get(13);  u = r.get(64);  ...
//
// Cost: a few shifts per value, 8-byte loads and stores. The writer's
// buffer must hold exactly the bits put, rounded up to bytes (the last
// byte's spare bits are written as zeros); the reader never reads outside
// its span (bits past the end read as zeros). A value given to put must
// be below 2^bits. Throws nothing; the caller checks lengths before.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

namespace privfin::detail {

static_assert(std::endian::native == std::endian::little, "bit streams are little-endian words");

[[nodiscard]] constexpr std::size_t packed_bytes(std::uint64_t bits) noexcept { return (bits + 7) / 8; }

[[nodiscard]] constexpr std::uint64_t low_bits(std::uint64_t v, unsigned bits) noexcept {
  return bits >= 64 ? v : v & ((std::uint64_t{1} << bits) - 1);
}

class BitWriter {
 public:
  explicit BitWriter(std::span<std::byte> out) noexcept : out_(out) {}
  void put(std::uint64_t v, unsigned bits) noexcept {  // 1 <= bits <= 64, v < 2^bits
    acc_ |= v << filled_;
    if (filled_ + bits >= 64) {
      std::memcpy(out_.data() + at_, &acc_, 8);
      at_ += 8;
      const unsigned used = 64 - filled_;
      acc_ = used == 64 ? 0 : v >> used;
      filled_ = filled_ + bits - 64;
    } else {
      filled_ += bits;
    }
  }
  // Writes the last, partial word.
  void finish() noexcept {
    if (filled_ != 0) std::memcpy(out_.data() + at_, &acc_, packed_bytes(filled_));
  }

 private:
  std::span<std::byte> out_;
  std::size_t at_ = 0;
  std::uint64_t acc_ = 0;
  unsigned filled_ = 0;  // bits of acc_ in use
};

class BitReader {
 public:
  explicit BitReader(std::span<const std::byte> in) noexcept : in_(in) {}
  [[nodiscard]] std::uint64_t get(unsigned bits) noexcept {  // 1 <= bits <= 64
    if (left_ == 0) refill();
    std::uint64_t v = acc_ >> (64 - left_);
    if (bits <= left_) {
      left_ -= bits;
    } else {
      const unsigned have = left_;
      refill();
      v |= acc_ << have;
      left_ -= bits - have;
    }
    return low_bits(v, bits);
  }

 private:
  void refill() noexcept {
    acc_ = 0;
    const std::size_t take = std::min<std::size_t>(8, in_.size() - at_);
    if (take != 0) std::memcpy(&acc_, in_.data() + at_, take);
    at_ += take;
    left_ = 64;
  }
  std::span<const std::byte> in_;
  std::size_t at_ = 0;
  std::uint64_t acc_ = 0;
  unsigned left_ = 0;  // unread bits at the top of acc_
};

}  // namespace privfin::detail
