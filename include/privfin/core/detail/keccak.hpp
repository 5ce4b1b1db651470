// privfin/core/detail/keccak.hpp — the Keccak-p[1600, n_r] permutation and a
// byte-oriented sponge over it. TurboSHAKE (12 rounds) is built on this;
// the tests also run it with 24 rounds against OpenSSL's SHAKE to check the
// permutation itself.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "privfin/core/error.hpp"

namespace privfin::detail {

using KeccakState = std::array<std::uint64_t, 25>;

// Applies the last `rounds` rounds of Keccak-f[1600] (rounds <= 24), as
// Keccak-p[1600, n_r] is defined in FIPS 202 §3.3.
void keccak_p1600(KeccakState& state, unsigned rounds) noexcept;

// A sponge with the given rate (bytes) and round count. absorb() any number
// of times, then squeeze() any number of times; the domain byte (with its
// padding bit) is applied at the first squeeze.
template <std::size_t Rate, unsigned Rounds>
class KeccakSponge {
  static_assert(Rate > 0 && Rate < 200 && Rate % 8 == 0);

 public:
  explicit KeccakSponge(std::uint8_t domain) : domain_(domain) {}

  void absorb(std::span<const std::byte> data) {
    if (squeezing_) throw InvalidArgument("Keccak sponge: absorb() after squeeze()");
    // Finish a partial block byte by byte, then whole blocks lane by lane.
    while (pos_ != 0 && !data.empty()) {
      xor_byte(pos_, static_cast<std::uint8_t>(data.front()));
      data = data.subspan(1);
      if (++pos_ == Rate) {
        keccak_p1600(state_, Rounds);
        pos_ = 0;
      }
    }
    while (data.size() >= Rate) {
      for (std::size_t lane = 0; lane < Rate / 8; ++lane) state_[lane] ^= load_le(data.data() + 8 * lane);
      keccak_p1600(state_, Rounds);
      data = data.subspan(Rate);
    }
    for (std::byte b : data) xor_byte(pos_++, static_cast<std::uint8_t>(b));
  }

  void squeeze(std::span<std::byte> out) {
    if (!squeezing_) {
      xor_byte(pos_, domain_);
      xor_byte(Rate - 1, 0x80);
      keccak_p1600(state_, Rounds);
      squeezing_ = true;
      pos_ = 0;
    }
    while (!out.empty()) {
      if (pos_ == Rate) {
        keccak_p1600(state_, Rounds);
        pos_ = 0;
      }
      const std::size_t n = std::min(out.size(), Rate - pos_);
      for (std::size_t i = 0; i < n; ++i) {
        const std::size_t at = pos_ + i;
        out[i] = static_cast<std::byte>((state_[at / 8] >> (8 * (at % 8))) & 0xFF);
      }
      pos_ += n;
      out = out.subspan(n);
    }
  }

 private:
  static std::uint64_t load_le(const std::byte* p) noexcept {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
    return v;
  }
  void xor_byte(std::size_t index, std::uint8_t value) noexcept {
    state_[index / 8] ^= static_cast<std::uint64_t>(value) << (8 * (index % 8));
  }

  KeccakState state_{};
  std::size_t pos_ = 0;
  std::uint8_t domain_;
  bool squeezing_ = false;
};

}  // namespace privfin::detail
