// GMP helpers; see privfin/core/bigint.hpp.
#include "privfin/core/bigint.hpp"

#include <array>
#include <string>
#include <vector>

#include "privfin/core/error.hpp"

namespace privfin::bigint {

namespace {
void require_non_negative(const mpz_class& x, const char* where) {
  if (sgn(x) < 0) throw InvalidArgument(std::string(where) + ": negative integer");
}

mpz_class import_bytes(ByteView bytes, int order) {
  mpz_class x;
  if (!bytes.empty()) mpz_import(x.get_mpz_t(), bytes.size(), order, 1, 0, 0, bytes.data());
  return x;
}

Bytes export_bytes(const mpz_class& x, std::size_t length, bool big_endian, const char* where) {
  require_non_negative(x, where);
  const std::size_t needed = byte_length(x);
  if (needed > length) {
    throw InvalidArgument(std::string(where) + ": integer needs " + std::to_string(needed) +
                          " bytes, more than the requested " + std::to_string(length));
  }
  Bytes out(length);
  if (needed > 0) {
    std::size_t written = 0;
    if (big_endian) {
      mpz_export(out.data() + (length - needed), &written, 1, 1, 0, 0, x.get_mpz_t());
    } else {
      mpz_export(out.data(), &written, -1, 1, 0, 0, x.get_mpz_t());
    }
  }
  return out;
}

// Odd primes below 2^14, for sieving candidates.
const std::vector<unsigned long>& small_primes() {
  static const std::vector<unsigned long> primes = [] {
    constexpr unsigned long limit = 1UL << 14;
    std::vector<bool> composite(limit, false);
    std::vector<unsigned long> out;
    for (unsigned long i = 3; i < limit; i += 2) {
      if (composite[i]) continue;
      out.push_back(i);
      for (unsigned long j = i * i; j < limit; j += 2 * i) composite[j] = true;
    }
    return out;
  }();
  return primes;
}

void check_prime_bits(std::size_t bits, const char* where) {
  if (bits < 16) throw InvalidArgument(std::string(where) + ": bits must be at least 16, got " + std::to_string(bits));
}

// A random odd integer of exactly `bits` bits with the top two bits set.
mpz_class random_candidate(std::size_t bits, Prg& prg) {
  mpz_class x = random_bits(bits, prg);
  mpz_setbit(x.get_mpz_t(), bits - 1);
  mpz_setbit(x.get_mpz_t(), bits - 2);
  mpz_setbit(x.get_mpz_t(), 0);
  return x;
}
}  // namespace

mpz_class from_bytes_be(ByteView bytes) { return import_bytes(bytes, 1); }
mpz_class from_bytes_le(ByteView bytes) { return import_bytes(bytes, -1); }
Bytes to_bytes_be(const mpz_class& x, std::size_t length) { return export_bytes(x, length, true, "to_bytes_be"); }
Bytes to_bytes_le(const mpz_class& x, std::size_t length) { return export_bytes(x, length, false, "to_bytes_le"); }

std::size_t byte_length(const mpz_class& x) { return (bit_length(x) + 7) / 8; }

std::size_t bit_length(const mpz_class& x) {
  if (sgn(x) == 0) return 0;
  return mpz_sizeinbase(x.get_mpz_t(), 2);
}

mpz_class random_bits(std::size_t bits, Prg& prg) {
  if (bits == 0) return 0;
  Bytes raw = prg.bytes((bits + 7) / 8);
  const std::size_t excess = raw.size() * 8 - bits;
  raw[0] &= static_cast<std::byte>(0xFFU >> excess);  // big-endian: trim the top byte
  mpz_class x = from_bytes_be(raw);
  secure_wipe(raw);
  return x;
}

mpz_class random_below(const mpz_class& bound, Prg& prg) {
  if (sgn(bound) <= 0) throw InvalidArgument("random_below: the bound must be positive");
  const std::size_t bits = bit_length(bound);
  for (;;) {  // each try succeeds with probability > 1/2
    mpz_class x = random_bits(bits, prg);
    if (x < bound) return x;
  }
}

mpz_class random_unit(const mpz_class& n, Prg& prg) {
  if (n < 2) throw InvalidArgument("random_unit: the modulus must be at least 2");
  for (;;) {
    mpz_class x = random_below(n, prg);
    mpz_class g;
    mpz_gcd(g.get_mpz_t(), x.get_mpz_t(), n.get_mpz_t());
    if (sgn(x) != 0 && g == 1) return x;
  }
}

bool is_probable_prime(const mpz_class& n, int rounds) {
  if (n < 2) return false;
  return mpz_probab_prime_p(n.get_mpz_t(), rounds) != 0;
}

mpz_class random_prime(std::size_t bits, Prg& prg) {
  check_prime_bits(bits, "random_prime");
  const auto& primes = small_primes();
  for (;;) {
    mpz_class candidate = random_candidate(bits, prg);
    // Walk odd numbers upward from the random start, skipping any divisible
    // by a small prime; restart if the walk leaves the bit size.
    std::vector<unsigned long> residues(primes.size());
    for (std::size_t i = 0; i < primes.size(); ++i) residues[i] = mpz_fdiv_ui(candidate.get_mpz_t(), primes[i]);
    for (unsigned long step = 0; step < 1UL << 20; step += 2) {
      bool divisible = false;
      for (std::size_t i = 0; i < primes.size() && !divisible; ++i) {
        const unsigned long r = (residues[i] + step) % primes[i];
        divisible = (r == 0);
      }
      if (divisible) continue;
      mpz_class p = candidate + step;
      if (bit_length(p) != bits) break;
      if (is_probable_prime(p)) return p;
    }
  }
}

mpz_class random_safe_prime(std::size_t bits, Prg& prg) {
  check_prime_bits(bits, "random_safe_prime");
  const auto& primes = small_primes();
  for (;;) {
    // p = 2q + 1 with q odd, so p = 3 (mod 4). Walk q upward; reject when q
    // or p has a small factor: q = 0 or q = (r - 1) / 2 (mod r).
    mpz_class p0 = random_candidate(bits, prg);
    mpz_setbit(p0.get_mpz_t(), 1);  // p = 3 (mod 4)  =>  q odd
    mpz_class q0 = p0 >> 1;
    std::vector<unsigned long> residues(primes.size());
    for (std::size_t i = 0; i < primes.size(); ++i) residues[i] = mpz_fdiv_ui(q0.get_mpz_t(), primes[i]);
    for (unsigned long step = 0; step < 1UL << 24; step += 2) {
      bool rejected = false;
      for (std::size_t i = 0; i < primes.size() && !rejected; ++i) {
        const unsigned long r = (residues[i] + step) % primes[i];
        rejected = (r == 0 || r == (primes[i] - 1) / 2);
      }
      if (rejected) continue;
      mpz_class q = q0 + step;
      mpz_class p = 2 * q + 1;
      if (bit_length(p) != bits) break;
      // Cheap Fermat test on p before the full tests on q and p.
      mpz_class two_pow;
      mpz_class p_minus_1 = p - 1;
      mpz_class two = 2;
      mpz_powm(two_pow.get_mpz_t(), two.get_mpz_t(), p_minus_1.get_mpz_t(), p.get_mpz_t());
      if (two_pow != 1) continue;
      if (is_probable_prime(q) && is_probable_prime(p)) return p;
    }
  }
}

mpz_class crt(std::span<const mpz_class> residues, std::span<const mpz_class> moduli) {
  if (residues.size() != moduli.size() || residues.empty()) {
    throw InvalidArgument("crt: need the same positive number of residues and moduli");
  }
  mpz_class x = 0, m = 1;
  for (std::size_t i = 0; i < moduli.size(); ++i) {
    if (moduli[i] < 1) throw InvalidArgument("crt: modulus " + std::to_string(i) + " is not positive");
    // Solve x' = x (mod m), x' = r_i (mod m_i):  x' = x + m * ((r_i - x) * m^-1 mod m_i).
    mpz_class g;
    mpz_gcd(g.get_mpz_t(), m.get_mpz_t(), moduli[i].get_mpz_t());
    if (g != 1) throw InvalidArgument("crt: modulus " + std::to_string(i) + " is not coprime to the others");
    mpz_class m_inv = invert(m % moduli[i], moduli[i]);
    mpz_class t = ((residues[i] - x) * m_inv) % moduli[i];
    if (sgn(t) < 0) t += moduli[i];
    x += m * t;
    m *= moduli[i];
  }
  return x;
}

mpz_class invert(const mpz_class& a, const mpz_class& m) {
  mpz_class r;
  if (m < 1 || mpz_invert(r.get_mpz_t(), a.get_mpz_t(), m.get_mpz_t()) == 0) {
    throw InvalidArgument("invert: the value is not invertible modulo m");
  }
  return r;
}

mpz_class powm(const mpz_class& base, const mpz_class& exponent, const mpz_class& modulus) {
  if (sgn(modulus) <= 0) throw InvalidArgument("powm: the modulus must be positive");
  require_non_negative(exponent, "powm");
  mpz_class r;
  mpz_powm(r.get_mpz_t(), base.get_mpz_t(), exponent.get_mpz_t(), modulus.get_mpz_t());
  return r;
}

mpz_class powm_sec(const mpz_class& base, const mpz_class& exponent, const mpz_class& modulus) {
  if (sgn(modulus) <= 0 || mpz_odd_p(modulus.get_mpz_t()) == 0) {
    throw InvalidArgument("powm_sec: the modulus must be positive and odd");
  }
  if (sgn(exponent) <= 0) throw InvalidArgument("powm_sec: the exponent must be positive");
  mpz_class b = base % modulus;
  if (sgn(b) < 0) b += modulus;
  mpz_class r;
  mpz_powm_sec(r.get_mpz_t(), b.get_mpz_t(), exponent.get_mpz_t(), modulus.get_mpz_t());
  return r;
}

void wipe(mpz_class& x) noexcept {
  mpz_ptr z = x.get_mpz_t();
  const auto limbs = static_cast<std::size_t>(z->_mp_alloc);
  if (limbs > 0 && z->_mp_d != nullptr) {
    secure_wipe(std::span<std::byte>(reinterpret_cast<std::byte*>(z->_mp_d), limbs * sizeof(mp_limb_t)));
  }
  z->_mp_size = 0;
}

}  // namespace privfin::bigint
