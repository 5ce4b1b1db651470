// privfin/zk/transcript.hpp — a Fiat-Shamir transcript with domain
// separation: the prover and the verifier feed it the same labelled
// messages in the same order and draw the same challenges.
//
//   zk::Transcript t("privfin/my-protocol v1");   // protocol label
//   t.append("statement", statement_bytes).append_bigint("commitment", a);
//   mpz_class e = t.challenge_bigint("e", 128);    // uniform in [0, 2^128)
//
// Construction (documented in docs/paillier.md so another implementation
// can reproduce it): a 64-byte chaining state
//   S0 = SHA-512(frame("privfin transcript v1") || frame(protocol label))
// and for each operation S' = SHA-512(S || op-byte || frame(label) || ...),
// where frame(x) is the codec's varint length followed by x. Appends use
// op 0x01 and absorb frame(message); a challenge of L bytes is
// SHAKE256(S || 0x02 || frame(label) || u64le(L)) and then moves the state
// with op 0x03 over the challenge bytes, so every later challenge depends on
// every earlier one. Labels separate messages, so ("ab","c") and ("a","bc")
// never collide.
//
// Caller's duties: append everything the verifier must bind (public key,
// statement, context such as party ids) before drawing a challenge. Throws
// InvalidArgument for a challenge of zero length or bits. A transcript is a
// copyable value (a copy forks it); not thread-safe.
#pragma once

#include <gmpxx.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "privfin/core/bytes.hpp"

namespace privfin::zk {

class Transcript {
 public:
  static constexpr std::size_t state_size = 64;

  explicit Transcript(std::string_view protocol_label);

  Transcript& append(std::string_view label, ByteView message);
  Transcript& append_u64(std::string_view label, std::uint64_t value);
  // A non-negative integer as the codec's bigint (varint length, then the
  // magnitude little-endian). Throws InvalidArgument for x < 0.
  Transcript& append_bigint(std::string_view label, const mpz_class& x);

  [[nodiscard]] Bytes challenge_bytes(std::string_view label, std::size_t length);
  // Uniform in [0, 2^bits): ceil(bits/8) challenge bytes read big-endian,
  // with the excess top bits of the first byte cleared.
  [[nodiscard]] mpz_class challenge_bigint(std::string_view label, std::size_t bits);

  // The current chaining state (for tests and for binding a transcript into
  // another one).
  [[nodiscard]] const std::array<std::byte, state_size>& state() const noexcept { return state_; }

 private:
  void absorb(std::uint8_t op, std::string_view label, ByteView message);

  std::array<std::byte, state_size> state_{};
};

}  // namespace privfin::zk
