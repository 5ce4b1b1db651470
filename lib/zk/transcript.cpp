// Fiat-Shamir transcript; see privfin/zk/transcript.hpp for the construction.
#include "privfin/zk/transcript.hpp"

#include "privfin/core/bigint.hpp"
#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::zk {

namespace {
constexpr std::uint8_t op_append = 0x01;
constexpr std::uint8_t op_challenge = 0x02;
constexpr std::uint8_t op_after_challenge = 0x03;
}  // namespace

Transcript::Transcript(std::string_view protocol_label) {
  Writer w;
  w.string("privfin transcript v1").string(protocol_label);
  state_ = Sha512::hash(w.data());
}

void Transcript::absorb(std::uint8_t op, std::string_view label, ByteView message) {
  Writer header;
  header.u8(op).string(label).varint(message.size());
  Sha512 h;
  h.update(state_).update(header.data()).update(message);
  state_ = h.finish();
}

Transcript& Transcript::append(std::string_view label, ByteView message) {
  absorb(op_append, label, message);
  return *this;
}

Transcript& Transcript::append_u64(std::string_view label, std::uint64_t value) {
  Writer w;
  w.u64(value);
  return append(label, w.data());
}

Transcript& Transcript::append_bigint(std::string_view label, const mpz_class& x) {
  if (sgn(x) < 0) throw InvalidArgument("Transcript::append_bigint: negative integer for '" + std::string(label) + "'");
  Writer w;
  w.bigint(x);
  return append(label, w.data());
}

Bytes Transcript::challenge_bytes(std::string_view label, std::size_t length) {
  if (length == 0) throw InvalidArgument("Transcript::challenge_bytes: zero length for '" + std::string(label) + "'");
  Writer header;
  header.u8(op_challenge).string(label).u64(length);
  Shake256 xof;
  xof.update(state_).update(header.data());
  Bytes out = xof.finish(length);
  absorb(op_after_challenge, label, out);
  return out;
}

mpz_class Transcript::challenge_bigint(std::string_view label, std::size_t bits) {
  if (bits == 0) throw InvalidArgument("Transcript::challenge_bigint: zero bits for '" + std::string(label) + "'");
  Bytes raw = challenge_bytes(label, (bits + 7) / 8);
  const std::size_t excess = raw.size() * 8 - bits;
  raw[0] &= static_cast<std::byte>(0xFFU >> excess);
  return bigint::from_bytes_be(raw);
}

}  // namespace privfin::zk
