// privfin/core/turboshake.hpp — TurboSHAKE128 (RFC 9861): SHAKE128's sponge
// on the 12-round Keccak-p[1600, 12], with a caller-chosen domain byte.
// OpenSSL 3.0 has no TurboSHAKE, so the permutation is ours
// (detail/keccak.hpp); the tests check it against the RFC's vectors and,
// at 24 rounds, against OpenSSL's SHAKE128.
//
//   TurboShake128 xof(0x01);       // domain separation byte D in 0x01..0x7F
//   xof.absorb(msg);
//   xof.squeeze(out1); xof.squeeze(out2);   // an unbounded output stream
//
// Not thread-safe; movable and copyable (a copy forks the stream).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "privfin/core/bytes.hpp"
#include "privfin/core/detail/keccak.hpp"

namespace privfin {

class TurboShake128 {
 public:
  static constexpr std::size_t rate = 168;

  // Throws InvalidArgument unless 0x01 <= domain <= 0x7F (RFC 9861 §2.2).
  explicit TurboShake128(std::uint8_t domain = 0x1F) : sponge_(checked(domain)) {}

  TurboShake128& absorb(ByteView data) {
    sponge_.absorb(data);
    return *this;
  }
  void squeeze(std::span<std::byte> out) { sponge_.squeeze(out); }
  [[nodiscard]] Bytes squeeze(std::size_t length) {
    Bytes out(length);
    sponge_.squeeze(out);
    return out;
  }

  [[nodiscard]] static Bytes hash(ByteView data, std::uint8_t domain, std::size_t length) {
    return TurboShake128(domain).absorb(data).squeeze(length);
  }

 private:
  static std::uint8_t checked(std::uint8_t domain) {
    if (domain < 0x01 || domain > 0x7F) {
      throw InvalidArgument("TurboShake128: domain byte " + std::to_string(domain) +
                            " is outside 0x01..0x7F");
    }
    return domain;
  }

  detail::KeccakSponge<rate, 12> sponge_;
};

}  // namespace privfin
