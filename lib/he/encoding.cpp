// Plaintext encodings for Paillier; see privfin/he/encoding.hpp.
#include "privfin/he/encoding.hpp"

#include <bit>
#include <cmath>
#include <limits>
#include <string>

#include "privfin/core/bigint.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/fixed_rounding.hpp"

namespace privfin::he {

namespace {
mpz_class from_int64(std::int64_t v) {
  mpz_class x;
  // Through two 32-bit halves: mpz_set_si takes a long, which is 64 bits on
  // our targets, but this stays portable.
  const bool negative = v < 0;
  const std::uint64_t mag = negative ? ~static_cast<std::uint64_t>(v) + 1U : static_cast<std::uint64_t>(v);
  x = static_cast<unsigned long>(mag >> 32);
  x <<= 32;
  x += static_cast<unsigned long>(mag & 0xFFFFFFFFU);
  if (negative) x = -x;
  return x;
}

std::uint64_t to_u64(const mpz_class& x) {
  const Bytes b = bigint::to_bytes_le(x, 8);
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(b[i]) << (8 * i);
  return v;
}
}  // namespace

mpz_class encode_signed(const PaillierPublicKey& pk, const mpz_class& x) {
  const mpz_class half = (pk.n() - 1) / 2;
  if (x > half || x < -half) throw InvalidArgument("encode_signed: |x| exceeds (n-1)/2");
  return sgn(x) < 0 ? mpz_class(x + pk.n()) : x;
}

mpz_class decode_signed(const PaillierPublicKey& pk, const mpz_class& m) {
  if (m < 0 || m >= pk.n()) throw InvalidArgument("decode_signed: the plaintext is not in [0, n)");
  const mpz_class half = (pk.n() - 1) / 2;
  return m > half ? mpz_class(m - pk.n()) : m;
}

// ---------------------------------------------------------------- fixed point

FixedPoint::FixedPoint(std::size_t fractional_bits) : bits_(fractional_bits) {
  if (fractional_bits > 1024) throw InvalidArgument("FixedPoint: fractional_bits must be at most 1024");
}

// Both through core/fixed_rounding.hpp, the rounding rule sharing::Fixed uses too.
mpz_class FixedPoint::to_integer(double x) const {
  const auto s = round_scaled(x, static_cast<unsigned>(bits_));
  if (!s) throw InvalidArgument("FixedPoint::to_integer: the value is not finite");
  mpz_class v = from_int64(static_cast<std::int64_t>(s->magnitude));  // magnitude <= 2^53
  v <<= static_cast<mp_bitcnt_t>(s->shift);
  return s->negative ? mpz_class(-v) : v;
}

std::int64_t FixedPoint::to_int64(double x) const {
  if (!std::isfinite(x)) throw InvalidArgument("FixedPoint::to_int64: the value is not finite");
  const auto v = round_scaled_int64(x, static_cast<unsigned>(bits_));
  if (!v) throw InvalidArgument("FixedPoint::to_int64: the scaled value does not fit in 64 bits");
  return *v;
}

double FixedPoint::to_double(const mpz_class& v, std::size_t scale_power) const {
  // Rounds |v| / 2^s to a multiple of its ulp 2^(u - s), half to even, in
  // integers, then scales exactly. The ulp is that of a 53-bit significand,
  // or 2^-1074 where the result is subnormal, so there is one rounding only
  // (mpz_get_d truncates, and truncating then rounding again could be off).
  if (sgn(v) == 0) return 0.0;
  const bool negative = sgn(v) < 0;
  const mpz_class magnitude = abs(v);
  const auto bits = static_cast<long>(mpz_sizeinbase(magnitude.get_mpz_t(), 2));
  const long s = static_cast<long>(bits_ * scale_power);
  const long u = std::max(bits - 53, s - 1074);  // exponent of the ulp, in v's units
  double result = 0.0;
  if (u <= 0) {
    result = std::ldexp(magnitude.get_d(), static_cast<int>(-s));  // |v| < 2^53: exact
  } else {
    mpz_class q;
    mpz_fdiv_q_2exp(q.get_mpz_t(), magnitude.get_mpz_t(), static_cast<mp_bitcnt_t>(u));
    const auto ulong_u = static_cast<mp_bitcnt_t>(u);
    if (mpz_tstbit(magnitude.get_mpz_t(), ulong_u - 1) != 0) {
      const bool above_half = mpz_scan1(magnitude.get_mpz_t(), 0) < ulong_u - 1;
      if (above_half || mpz_odd_p(q.get_mpz_t()) != 0) ++q;
    }
    // q <= 2^53 is exact as a double; ldexp then only scales (or overflows
    // to infinity, the nearest value beyond the largest double).
    const long exponent = std::clamp(u - s, -2000L, 2000L);
    result = std::ldexp(q.get_d(), static_cast<int>(exponent));
  }
  return negative ? -result : result;
}

mpz_class FixedPoint::encode(const PaillierPublicKey& pk, double x) const { return encode_signed(pk, to_integer(x)); }

double FixedPoint::decode(const PaillierPublicKey& pk, const mpz_class& m, std::size_t scale_power) const {
  return to_double(decode_signed(pk, m), scale_power);
}

// ---------------------------------------------------------------- packing

PackedEncoding::PackedEncoding(const PaillierPublicKey& pk, std::size_t value_bits, std::uint64_t max_summands)
    : pk_(pk), value_bits_(value_bits), max_summands_(max_summands) {
  if (value_bits < 1 || value_bits > 62) throw InvalidArgument("PackedEncoding: value_bits must be in [1, 62]");
  if (max_summands < 1) throw InvalidArgument("PackedEncoding: max_summands must be at least 1");
  slot_bits_ = value_bits + static_cast<std::size_t>(std::bit_width(max_summands));
  if (slot_bits_ > 63) {
    throw InvalidArgument("PackedEncoding: value_bits + bitlen(max_summands) = " + std::to_string(slot_bits_) +
                          " exceeds 63");
  }
  slots_ = (pk.modulus_bits() - 1) / slot_bits_;
  if (slots_ == 0) throw InvalidArgument("PackedEncoding: the modulus is too small for one slot");
}

std::vector<mpz_class> PackedEncoding::encode(std::span<const std::int64_t> values) const {
  const std::int64_t limit = std::int64_t{1} << (value_bits_ - 1);
  std::vector<mpz_class> out(plaintexts_for(values.size()));
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i] < -limit || values[i] >= limit) {
      throw InvalidArgument("PackedEncoding::encode: value " + std::to_string(i) + " is outside [-2^" +
                            std::to_string(value_bits_ - 1) + ", 2^" + std::to_string(value_bits_ - 1) + ")");
    }
  }
  for (std::size_t p = 0; p < out.size(); ++p) {
    // Most significant slot first, so each step is a shift and an add.
    const std::size_t first = p * slots_;
    const std::size_t last = std::min(values.size(), first + slots_);
    mpz_class acc = 0;
    for (std::size_t i = last; i-- > first;) {
      acc <<= static_cast<mp_bitcnt_t>(slot_bits_);
      acc += from_int64(values[i] + limit);
    }
    out[p] = acc;
  }
  return out;
}

std::vector<std::int64_t> PackedEncoding::decode(std::span<const mpz_class> plaintexts, std::size_t count,
                                                 std::uint64_t summands) const {
  if (summands < 1 || summands > max_summands_) {
    throw InvalidArgument("PackedEncoding::decode: summands must be in [1, " + std::to_string(max_summands_) +
                          "], got " + std::to_string(summands));
  }
  if (plaintexts.size() != plaintexts_for(count)) {
    throw InvalidArgument("PackedEncoding::decode: " + std::to_string(count) + " values need " +
                          std::to_string(plaintexts_for(count)) + " plaintexts, got " +
                          std::to_string(plaintexts.size()));
  }
  const std::uint64_t slot_max = summands * ((std::uint64_t{1} << value_bits_) - 1);
  const std::int64_t offset = static_cast<std::int64_t>(summands) * (std::int64_t{1} << (value_bits_ - 1));
  std::vector<std::int64_t> out;
  out.reserve(count);
  mpz_class slot;
  for (std::size_t p = 0; p < plaintexts.size(); ++p) {
    mpz_class rest = plaintexts[p];
    if (sgn(rest) < 0 || rest >= pk_.n()) throw InvalidArgument("PackedEncoding::decode: plaintext not in [0, n)");
    for (std::size_t s = 0; s < slots_; ++s) {
      const std::size_t index = p * slots_ + s;
      mpz_fdiv_r_2exp(slot.get_mpz_t(), rest.get_mpz_t(), static_cast<mp_bitcnt_t>(slot_bits_));
      rest >>= static_cast<mp_bitcnt_t>(slot_bits_);
      const std::uint64_t raw = to_u64(slot);
      if (index < count) {
        if (raw > slot_max) {
          throw DecodeError("PackedEncoding::decode: slot " + std::to_string(index) +
                            " overflowed (more summands than declared, or a value out of range)");
        }
        out.push_back(static_cast<std::int64_t>(raw) - offset);
      } else if (raw != 0) {
        throw DecodeError("PackedEncoding::decode: unused slot " + std::to_string(index) + " is not zero (overflow)");
      }
    }
    if (sgn(rest) != 0) {
      throw DecodeError("PackedEncoding::decode: plaintext " + std::to_string(p) + " spills past its last slot");
    }
  }
  return out;
}

std::vector<PaillierCiphertext> PackedEncoding::encrypt(std::span<const std::int64_t> values,
                                                        const PaillierEncryptor& encryptor, Prg& prg) const {
  if (!(encryptor.public_key() == pk_)) throw InvalidArgument("PackedEncoding::encrypt: encryptor for another key");
  std::vector<PaillierCiphertext> out;
  for (const auto& m : encode(values)) out.push_back(encryptor.encrypt(m, prg));
  return out;
}

std::vector<PaillierCiphertext> PackedEncoding::encrypt(std::span<const std::int64_t> values, Prg& prg) const {
  std::vector<PaillierCiphertext> out;
  for (const auto& m : encode(values)) out.push_back(pk_.encrypt(m, prg));
  return out;
}

std::vector<std::int64_t> PackedEncoding::decrypt(const PaillierSecretKey& sk,
                                                  std::span<const PaillierCiphertext> ciphertexts, std::size_t count,
                                                  std::uint64_t summands) const {
  if (!(sk.public_key() == pk_)) throw InvalidArgument("PackedEncoding::decrypt: secret key for another key");
  std::vector<mpz_class> plain;
  plain.reserve(ciphertexts.size());
  for (const auto& c : ciphertexts) plain.push_back(sk.decrypt(c));
  return decode(plain, count, summands);
}

}  // namespace privfin::he
