// privfin/core/bigint.hpp — helpers for GMP's mpz_class: byte conversions,
// uniform sampling from a Prg, primes and safe primes, CRT, and modular
// exponentiation with a constant-time path for secret exponents.
//
//   mpz_class p = bigint::random_prime(1024, prg);
//   mpz_class x = bigint::random_below(n, prg);            // uniform in [0, n)
//   Bytes enc = bigint::to_bytes_be(x, 256);                // fixed width
//   mpz_class y = bigint::powm_sec(g, secret_exponent, n);  // mpz_powm_sec
//
// All functions take non-negative integers unless stated; negative inputs
// and values that do not fit throw InvalidArgument. Thread-safe: no state.
#pragma once

#include <gmpxx.h>

#include <cstddef>
#include <span>

#include "privfin/core/bytes.hpp"
#include "privfin/core/prg.hpp"

namespace privfin::bigint {

[[nodiscard]] mpz_class from_bytes_be(ByteView bytes);
[[nodiscard]] mpz_class from_bytes_le(ByteView bytes);
// Exactly `length` bytes, zero-padded; throws InvalidArgument if x < 0 or x
// needs more than `length` bytes.
[[nodiscard]] Bytes to_bytes_be(const mpz_class& x, std::size_t length);
[[nodiscard]] Bytes to_bytes_le(const mpz_class& x, std::size_t length);
// The minimal number of bytes for x >= 0 (0 for x = 0).
[[nodiscard]] std::size_t byte_length(const mpz_class& x);
[[nodiscard]] std::size_t bit_length(const mpz_class& x);

// Uniform in [0, 2^bits).
[[nodiscard]] mpz_class random_bits(std::size_t bits, Prg& prg);
// Uniform in [0, bound) by rejection sampling (no modulo bias); bound > 0.
[[nodiscard]] mpz_class random_below(const mpz_class& bound, Prg& prg);
// Uniform in Z*_n: in [1, n) and coprime to n.
[[nodiscard]] mpz_class random_unit(const mpz_class& n, Prg& prg);

// Miller-Rabin with `rounds` random bases after trial division (GMP's
// mpz_probab_prime_p); error probability below 4^-rounds.
[[nodiscard]] bool is_probable_prime(const mpz_class& n, int rounds = 40);
// A prime of exactly `bits` bits with the two top bits set, so that the
// product of two such primes has exactly 2 * bits bits. bits >= 16.
[[nodiscard]] mpz_class random_prime(std::size_t bits, Prg& prg);
// A safe prime p = 2q + 1 (q prime) of exactly `bits` bits, top two bits
// set. Sieves p and q together, so 1024-bit safe primes take seconds, not
// minutes; bits >= 16.
[[nodiscard]] mpz_class random_safe_prime(std::size_t bits, Prg& prg);

// x with x = residues[i] (mod moduli[i]) for pairwise coprime moduli, in
// [0, prod moduli). Throws InvalidArgument on size mismatch or non-coprime
// moduli.
[[nodiscard]] mpz_class crt(std::span<const mpz_class> residues, std::span<const mpz_class> moduli);

// a^-1 mod m; throws InvalidArgument if gcd(a, m) != 1.
[[nodiscard]] mpz_class invert(const mpz_class& a, const mpz_class& m);
// base^exponent mod modulus for public exponents (exponent >= 0, modulus > 0).
[[nodiscard]] mpz_class powm(const mpz_class& base, const mpz_class& exponent, const mpz_class& modulus);
// The same through mpz_powm_sec: time and memory access independent of the
// exponent's value. Requires an odd modulus and exponent > 0.
[[nodiscard]] mpz_class powm_sec(const mpz_class& base, const mpz_class& exponent, const mpz_class& modulus);

// Overwrites the limbs of x with zeros (for secret keys) and sets x = 0.
void wipe(mpz_class& x) noexcept;

}  // namespace privfin::bigint
