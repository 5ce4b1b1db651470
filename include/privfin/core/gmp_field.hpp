// privfin/core/gmp_field.hpp — a prime field whose modulus is chosen at run
// time, over GMP: for the large primes of Paillier, Schnorr groups and
// pairing-free discrete-log protocols.
//
//   GmpField f(p);                         // throws unless p is an odd prime
//   mpz_class x = f.random(prg), y = f.inverse(x);
//   auto r = f.sqrt(x);                    // Tonelli-Shanks; nullopt if none
//
// Elements are mpz_class values in [0, p); every operation returns a
// canonical element and rejects operands outside [0, p) with
// InvalidArgument. Not constant-time (GMP's mpz functions are not); use
// bigint::powm_sec for secret exponents. Immutable after construction:
// thread-safe.
#pragma once

#include <gmpxx.h>

#include <cstddef>
#include <optional>

#include "privfin/core/bytes.hpp"
#include "privfin/core/prg.hpp"

namespace privfin {

class GmpField {
 public:
  // Throws InvalidArgument unless modulus is an odd probable prime.
  explicit GmpField(mpz_class modulus);

  [[nodiscard]] const mpz_class& modulus() const noexcept { return p_; }
  // Bytes of a fixed-width big-endian element encoding.
  [[nodiscard]] std::size_t byte_size() const noexcept { return byte_size_; }
  [[nodiscard]] bool contains(const mpz_class& x) const { return x >= 0 && x < p_; }

  // Any integer, reduced into [0, p).
  [[nodiscard]] mpz_class reduce(const mpz_class& x) const;
  [[nodiscard]] mpz_class add(const mpz_class& a, const mpz_class& b) const;
  [[nodiscard]] mpz_class sub(const mpz_class& a, const mpz_class& b) const;
  [[nodiscard]] mpz_class neg(const mpz_class& a) const;
  [[nodiscard]] mpz_class mul(const mpz_class& a, const mpz_class& b) const;
  // Throws InvalidArgument for zero.
  [[nodiscard]] mpz_class inverse(const mpz_class& a) const;
  // Any integer exponent; negative exponents invert first.
  [[nodiscard]] mpz_class pow(const mpz_class& a, const mpz_class& exponent) const;
  [[nodiscard]] bool is_square(const mpz_class& a) const;
  [[nodiscard]] std::optional<mpz_class> sqrt(const mpz_class& a) const;
  [[nodiscard]] mpz_class random(Prg& prg) const;

  [[nodiscard]] Bytes encode(const mpz_class& a) const;
  // Throws DecodeError for a wrong length or a value >= p.
  [[nodiscard]] mpz_class decode(ByteView bytes) const;

 private:
  void check(const mpz_class& x, const char* where) const;

  mpz_class p_;
  std::size_t byte_size_;
};

}  // namespace privfin
