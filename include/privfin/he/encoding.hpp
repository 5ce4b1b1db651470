// privfin/he/encoding.hpp — plaintext encodings for Paillier: signed
// integers, fixed-point reals, and many small values packed into one
// plaintext.
//
//   mpz_class m = encode_signed(pk, -5);            // n - 5
//   mpz_class x = decode_signed(pk, sk.decrypt(c));  // -5
//   FixedPoint fp(16);                               // scale 2^16
//   mpz_class y = fp.encode(pk, -1.25);
//   PackedEncoding pack(pk, /*value_bits=*/24, /*max_summands=*/1000);
//   auto cts = pack.encrypt(values, encryptor, prg);  // ceil(len / slots) ciphertexts
//   ... add up to 1000 such vectors slot-wise with pk.add ...
//   std::vector<std::int64_t> sums = pack.decrypt(sk, cts, values.size(), parties);
//
// Signed: x in [-(n-1)/2, (n-1)/2] is represented by x mod n (two's
// complement around n/2). Sums and scalar products decode correctly as long
// as the true result stays in that range; the caller must keep it there.
//
// Fixed point: a real x is round(x * 2^f), with the library's one rounding
// rule (core/fixed_rounding.hpp: nearest, ties away from zero, exact), the
// same as sharing::Fixed, so a value encoded for Paillier and for MPC gives
// the same integer. Unlike sharing::Fixed, the integer may be of any size
// (it is then reduced mod n by encode). A product of two encodings (a
// plaintext scalar times a ciphertext) carries scale 2^(2f): decode it with
// scale_power = 2.
//
// Packing: each value is a signed integer in [-2^(b-1), 2^(b-1)) stored as
// v + 2^(b-1) in a slot of b + bitlen(S) bits, where S = max_summands, so
// that S packed plaintexts can be added slot-wise without a carry. A
// plaintext holds floor((|n| - 1) / slot_bits) slots, slot 0 in the least
// significant bits; unused slots are zero. Multiplying a packed ciphertext
// by a positive integer k counts as k summands. Decoding with the number of
// summands k actually added checks every slot is at most k (2^b - 1), that
// unused slots are zero and that nothing spilled past the last slot, so an
// overflow (more summands than the headroom, or a value out of range from a
// peer) is detected rather than returned as garbage.
//
// Throws InvalidArgument for values out of range or bad parameters and
// DecodeError when a plaintext is not a valid encoding (overflow, spill).
// All types are immutable values: thread-safe.
#pragma once

#include <gmpxx.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "privfin/core/prg.hpp"
#include "privfin/he/paillier.hpp"

namespace privfin::he {

// Throws InvalidArgument unless |x| <= (n-1)/2.
[[nodiscard]] mpz_class encode_signed(const PaillierPublicKey& pk, const mpz_class& x);
// m in [0, n) to [-(n-1)/2, (n-1)/2]; throws InvalidArgument outside [0, n).
[[nodiscard]] mpz_class decode_signed(const PaillierPublicKey& pk, const mpz_class& m);

class FixedPoint {
 public:
  // fractional_bits in [0, 1024].
  explicit FixedPoint(std::size_t fractional_bits);
  [[nodiscard]] std::size_t fractional_bits() const noexcept { return bits_; }

  // round(x * 2^f), ties away from zero; throws InvalidArgument for NaN or
  // infinity.
  [[nodiscard]] mpz_class to_integer(double x) const;
  // The same, checked to fit an int64 (InvalidArgument otherwise): for
  // PackedEncoding.
  [[nodiscard]] std::int64_t to_int64(double x) const;
  // v / 2^(f * scale_power), rounded to the nearest double.
  [[nodiscard]] double to_double(const mpz_class& v, std::size_t scale_power = 1) const;

  [[nodiscard]] mpz_class encode(const PaillierPublicKey& pk, double x) const;
  [[nodiscard]] double decode(const PaillierPublicKey& pk, const mpz_class& m, std::size_t scale_power = 1) const;

 private:
  std::size_t bits_;
};

class PackedEncoding {
 public:
  // value_bits b in [1, 62], max_summands S >= 1, b + bitlen(S) <= 63 (so
  // that sums fit an int64), and at least one slot must fit in n.
  PackedEncoding(const PaillierPublicKey& pk, std::size_t value_bits, std::uint64_t max_summands);

  [[nodiscard]] std::size_t value_bits() const noexcept { return value_bits_; }
  [[nodiscard]] std::uint64_t max_summands() const noexcept { return max_summands_; }
  [[nodiscard]] std::size_t slot_bits() const noexcept { return slot_bits_; }
  [[nodiscard]] std::size_t slots_per_plaintext() const noexcept { return slots_; }
  [[nodiscard]] std::size_t plaintexts_for(std::size_t count) const noexcept {
    return (count + slots_ - 1) / slots_;
  }

  // Throws InvalidArgument (naming the index) for a value outside
  // [-2^(b-1), 2^(b-1)).
  [[nodiscard]] std::vector<mpz_class> encode(std::span<const std::int64_t> values) const;
  // The first `count` slot sums of `summands` added encodings. Throws
  // InvalidArgument if summands is 0 or above max_summands or the
  // plaintexts are too few for count, DecodeError on an overflowed slot.
  [[nodiscard]] std::vector<std::int64_t> decode(std::span<const mpz_class> plaintexts, std::size_t count,
                                                 std::uint64_t summands) const;

  [[nodiscard]] std::vector<PaillierCiphertext> encrypt(std::span<const std::int64_t> values,
                                                        const PaillierEncryptor& encryptor, Prg& prg) const;
  [[nodiscard]] std::vector<PaillierCiphertext> encrypt(std::span<const std::int64_t> values, Prg& prg) const;
  [[nodiscard]] std::vector<std::int64_t> decrypt(const PaillierSecretKey& sk,
                                                  std::span<const PaillierCiphertext> ciphertexts, std::size_t count,
                                                  std::uint64_t summands) const;

 private:
  PaillierPublicKey pk_;
  std::size_t value_bits_;
  std::uint64_t max_summands_;
  std::size_t slot_bits_;
  std::size_t slots_;
};

}  // namespace privfin::he
