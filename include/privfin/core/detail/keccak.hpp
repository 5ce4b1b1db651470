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

#include "privfin/core/bytes.hpp"
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
  KeccakSponge(const KeccakSponge&) = default;
  KeccakSponge& operator=(const KeccakSponge&) = default;
  // The state may derive from secret seeds (PRG keys, Prio3 seeds).
  ~KeccakSponge() { secure_wipe(std::as_writable_bytes(std::span<std::uint64_t>(state_))); }

  void absorb(std::span<const std::byte> data) {
    if (squeezing_) throw InvalidArgument("Keccak sponge: absorb() after squeeze()");
    // Whole 8-byte lanes whenever the position is lane-aligned, single bytes
    // otherwise; long vector encodings (Prio3) are mostly lanes.
    while (!data.empty()) {
      if (pos_ % 8 == 0 && data.size() >= 8) {
        const std::size_t lanes = std::min((Rate - pos_) / 8, data.size() / 8);
        for (std::size_t l = 0; l < lanes; ++l) state_[pos_ / 8 + l] ^= load_le(data.data() + 8 * l);
        pos_ += 8 * lanes;
        data = data.subspan(8 * lanes);
      } else {
        xor_byte(pos_++, static_cast<std::uint8_t>(data.front()));
        data = data.subspan(1);
      }
      if (pos_ == Rate) {
        keccak_p1600(state_, Rounds);
        pos_ = 0;
      }
    }
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
      if (pos_ % 8 == 0 && out.size() >= 8) {
        const std::size_t lanes = std::min((Rate - pos_) / 8, out.size() / 8);
        for (std::size_t l = 0; l < lanes; ++l) store_le(state_[pos_ / 8 + l], out.data() + 8 * l);
        pos_ += 8 * lanes;
        out = out.subspan(8 * lanes);
      } else {
        out.front() = static_cast<std::byte>((state_[pos_ / 8] >> (8 * (pos_ % 8))) & 0xFF);
        ++pos_;
        out = out.subspan(1);
      }
    }
  }

 private:
  static std::uint64_t load_le(const std::byte* p) noexcept {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(p[i]) << (8 * i);
    return v;
  }
  static void store_le(std::uint64_t v, std::byte* p) noexcept {
    for (std::size_t i = 0; i < 8; ++i) p[i] = static_cast<std::byte>((v >> (8 * i)) & 0xFF);
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
