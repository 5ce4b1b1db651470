// privfin/zk/prio3/detail/turboshake_lanes.hpp — TurboSHAKE128 (RFC 9861)
// with lane-at-a-time absorbing and squeezing: the same function as core's
// TurboShake128, but whole 8-byte lanes move at once when the input is
// aligned to the rate, which is what Prio3's long vector encodings need.
// The permutation is core's detail::keccak_p1600; the tests compare the
// output with core's TurboShake128. Single-threaded value.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "privfin/core/bytes.hpp"
#include "privfin/core/detail/keccak.hpp"
#include "privfin/core/error.hpp"

namespace privfin::zk::prio3::detail {

class TurboShake128Lanes {
 public:
  static constexpr std::size_t rate = 168;

  explicit TurboShake128Lanes(std::uint8_t domain) : domain_(domain) {
    if (domain < 0x01 || domain > 0x7F) throw InvalidArgument("TurboShake128: domain byte outside 0x01..0x7F");
  }
  ~TurboShake128Lanes() { secure_wipe(std::as_writable_bytes(std::span<std::uint64_t>(state_))); }
  TurboShake128Lanes(const TurboShake128Lanes&) = default;
  TurboShake128Lanes& operator=(const TurboShake128Lanes&) = default;

  TurboShake128Lanes& absorb(std::span<const std::byte> data) {
    if (squeezing_) throw InvalidArgument("TurboShake128: absorb() after squeeze()");
    std::size_t i = 0;
    const std::size_t n = data.size();
    while (i < n) {
      if (pos_ % 8 == 0 && n - i >= 8) {
        // Whole lanes up to the end of the block or the input.
        std::size_t lanes = std::min((rate - pos_) / 8, (n - i) / 8);
        for (std::size_t l = 0; l < lanes; ++l) {
          state_[pos_ / 8] ^= load_le(data.data() + i);
          pos_ += 8;
          i += 8;
        }
      } else {
        state_[pos_ / 8] ^= static_cast<std::uint64_t>(data[i]) << (8 * (pos_ % 8));
        ++pos_;
        ++i;
      }
      if (pos_ == rate) {
        privfin::detail::keccak_p1600(state_, 12);
        pos_ = 0;
      }
    }
    return *this;
  }

  void squeeze(std::span<std::byte> out) {
    if (!squeezing_) {
      state_[pos_ / 8] ^= static_cast<std::uint64_t>(domain_) << (8 * (pos_ % 8));
      state_[(rate - 1) / 8] ^= std::uint64_t{0x80} << (8 * ((rate - 1) % 8));
      privfin::detail::keccak_p1600(state_, 12);
      squeezing_ = true;
      pos_ = 0;
    }
    std::size_t i = 0;
    const std::size_t n = out.size();
    while (i < n) {
      if (pos_ == rate) {
        privfin::detail::keccak_p1600(state_, 12);
        pos_ = 0;
      }
      if (pos_ % 8 == 0 && n - i >= 8) {
        std::size_t lanes = std::min((rate - pos_) / 8, (n - i) / 8);
        for (std::size_t l = 0; l < lanes; ++l) {
          store_le(state_[pos_ / 8], out.data() + i);
          pos_ += 8;
          i += 8;
        }
      } else {
        out[i] = static_cast<std::byte>((state_[pos_ / 8] >> (8 * (pos_ % 8))) & 0xFFU);
        ++pos_;
        ++i;
      }
    }
  }

 private:
  static std::uint64_t load_le(const std::byte* p) noexcept {
    std::uint64_t v = 0;
    for (std::size_t k = 0; k < 8; ++k) v |= static_cast<std::uint64_t>(p[k]) << (8 * k);
    return v;
  }
  static void store_le(std::uint64_t v, std::byte* p) noexcept {
    for (std::size_t k = 0; k < 8; ++k) p[k] = static_cast<std::byte>((v >> (8 * k)) & 0xFFU);
  }

  privfin::detail::KeccakState state_{};
  std::size_t pos_ = 0;
  std::uint8_t domain_;
  bool squeezing_ = false;
};

}  // namespace privfin::zk::prio3::detail
