// privfin/core/mersenne.hpp — the prime fields Fp61 = GF(2^61 - 1) and
// Fp127 = GF(2^127 - 1), with reduction by shift-and-add (a Mersenne prime
// p = 2^k - 1 gives 2^k = 1 mod p).
//
//   Fp61 a{12345}, b = Fp61::random(prg);
//   Fp61 c = a * b.inverse();                // inverse() throws on zero
//   std::optional<Fp61> r = c.sqrt();        // nullopt for non-residues
//
// Elements are always kept canonical (0 <= value < p). The arithmetic has no
// data-dependent branches (the conditional subtractions compile to
// conditional moves). pow() and inverse() take time that depends only on the
// exponent's bit length; they are not for secret exponents. Values only:
// thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "privfin/core/detail/int128.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"

namespace privfin {

class Fp61 {
 public:
  static constexpr std::uint64_t modulus = (std::uint64_t{1} << 61) - 1;
  static constexpr unsigned bits = 61;
  static constexpr std::size_t byte_size = 8;

  constexpr Fp61() noexcept = default;
  // Any 64-bit value, reduced modulo p.
  constexpr explicit Fp61(std::uint64_t value) noexcept : value_(reduce(value)) {}

  [[nodiscard]] static constexpr Fp61 zero() noexcept { return Fp61{}; }
  [[nodiscard]] static constexpr Fp61 one() noexcept { return Fp61{1}; }
  [[nodiscard]] static constexpr Fp61 from_signed(std::int64_t v) noexcept {
    return v >= 0 ? Fp61(static_cast<std::uint64_t>(v))
                  : -Fp61(static_cast<std::uint64_t>(-(v + 1)) + 1);
  }
  [[nodiscard]] constexpr std::uint64_t value() const noexcept { return value_; }

  friend constexpr Fp61 operator+(Fp61 a, Fp61 b) noexcept { return raw(canonical(a.value_ + b.value_)); }
  friend constexpr Fp61 operator-(Fp61 a, Fp61 b) noexcept {
    return raw(canonical(a.value_ + (modulus - b.value_)));
  }
  friend constexpr Fp61 operator-(Fp61 a) noexcept { return raw(canonical(modulus - a.value_)); }
  friend constexpr Fp61 operator*(Fp61 a, Fp61 b) noexcept {
    const detail::uint128 product = static_cast<detail::uint128>(a.value_) * b.value_;
    const auto low = static_cast<std::uint64_t>(product) & modulus;
    const auto high = static_cast<std::uint64_t>(product >> 61);
    return raw(canonical(low + high));
  }
  constexpr Fp61& operator+=(Fp61 o) noexcept { return *this = *this + o; }
  constexpr Fp61& operator-=(Fp61 o) noexcept { return *this = *this - o; }
  constexpr Fp61& operator*=(Fp61 o) noexcept { return *this = *this * o; }
  friend constexpr bool operator==(Fp61 a, Fp61 b) noexcept = default;

  [[nodiscard]] constexpr Fp61 pow(std::uint64_t exponent) const noexcept {
    Fp61 result = one(), base = *this;
    for (; exponent != 0; exponent >>= 1) {
      if ((exponent & 1U) != 0) result *= base;
      base *= base;
    }
    return result;
  }
  // Throws InvalidArgument for zero.
  [[nodiscard]] Fp61 inverse() const {
    if (value_ == 0) throw InvalidArgument("Fp61::inverse: zero has no inverse");
    return pow(modulus - 2);
  }
  // p = 3 mod 4, so a square root is a^((p+1)/4) when one exists.
  [[nodiscard]] std::optional<Fp61> sqrt() const noexcept {
    const Fp61 r = pow((modulus + 1) / 4);
    if (r * r != *this) return std::nullopt;
    return r;
  }

  // Uniform over the field: rejection sampling of 61-bit words (a word equal
  // to p is redrawn), so there is no modulo bias.
  [[nodiscard]] static Fp61 random(Prg& prg) {
    for (;;) {
      const std::uint64_t v = prg.next_u64() & modulus;
      if (v != modulus) return raw(v);
    }
  }

  void write_le(std::span<std::byte> out) const noexcept {
    for (std::size_t i = 0; i < byte_size; ++i) out[i] = static_cast<std::byte>((value_ >> (8 * i)) & 0xFFU);
  }
  // nullopt for a non-canonical encoding (value >= p).
  [[nodiscard]] static std::optional<Fp61> read_le(std::span<const std::byte> in) noexcept {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < byte_size; ++i) v |= static_cast<std::uint64_t>(in[i]) << (8 * i);
    if (v >= modulus) return std::nullopt;
    return raw(v);
  }

 private:
  static constexpr Fp61 raw(std::uint64_t canonical_value) noexcept {
    Fp61 r;
    r.value_ = canonical_value;
    return r;
  }
  // For x < 2^62 + 2^61: one fold may leave x in [p, 2p), one subtraction fixes it.
  static constexpr std::uint64_t canonical(std::uint64_t x) noexcept {
    x = (x & modulus) + (x >> 61);
    return x >= modulus ? x - modulus : x;
  }
  static constexpr std::uint64_t reduce(std::uint64_t x) noexcept { return canonical(x); }

  std::uint64_t value_ = 0;
};

class Fp127 {
 public:
  using Word = detail::uint128;
  static constexpr Word modulus = (Word{1} << 127) - 1;
  static constexpr unsigned bits = 127;
  static constexpr std::size_t byte_size = 16;

  constexpr Fp127() noexcept = default;
  constexpr explicit Fp127(std::uint64_t value) noexcept : value_(value) {}
  // The value hi * 2^64 + lo, reduced modulo p.
  [[nodiscard]] static constexpr Fp127 from_words(std::uint64_t lo, std::uint64_t hi) noexcept {
    return raw(canonical((static_cast<Word>(hi) << 64) | lo));
  }
  [[nodiscard]] static constexpr Fp127 zero() noexcept { return Fp127{}; }
  [[nodiscard]] static constexpr Fp127 one() noexcept { return Fp127{1}; }

  [[nodiscard]] constexpr std::uint64_t low_word() const noexcept { return static_cast<std::uint64_t>(value_); }
  [[nodiscard]] constexpr std::uint64_t high_word() const noexcept {
    return static_cast<std::uint64_t>(value_ >> 64);
  }

  friend constexpr Fp127 operator+(Fp127 a, Fp127 b) noexcept { return raw(canonical(a.value_ + b.value_)); }
  friend constexpr Fp127 operator-(Fp127 a, Fp127 b) noexcept {
    return raw(canonical(a.value_ + (modulus - b.value_)));
  }
  friend constexpr Fp127 operator-(Fp127 a) noexcept { return raw(canonical(modulus - a.value_)); }
  friend constexpr Fp127 operator*(Fp127 a, Fp127 b) noexcept {
    // Schoolbook 128 x 128 -> 256 bits on 64-bit halves.
    const Word a0 = static_cast<std::uint64_t>(a.value_), a1 = a.value_ >> 64;
    const Word b0 = static_cast<std::uint64_t>(b.value_), b1 = b.value_ >> 64;
    const Word p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    const Word mid = p01 + p10;
    const Word mid_carry = mid < p01 ? Word{1} : Word{0};
    const Word lo = p00 + (mid << 64);
    const Word lo_carry = lo < p00 ? Word{1} : Word{0};
    const Word hi = p11 + (mid >> 64) + (mid_carry << 64) + lo_carry;
    // product = hi * 2^128 + lo = H * 2^127 + L with L, H < 2^127; 2^127 = 1.
    const Word low127 = lo & modulus;
    const Word high127 = (hi << 1) | (lo >> 127);
    return raw(canonical(low127 + high127));
  }
  constexpr Fp127& operator+=(Fp127 o) noexcept { return *this = *this + o; }
  constexpr Fp127& operator-=(Fp127 o) noexcept { return *this = *this - o; }
  constexpr Fp127& operator*=(Fp127 o) noexcept { return *this = *this * o; }
  friend constexpr bool operator==(Fp127 a, Fp127 b) noexcept { return a.value_ == b.value_; }

  // Exponent as 128 bits: hi * 2^64 + lo.
  [[nodiscard]] constexpr Fp127 pow(std::uint64_t lo, std::uint64_t hi = 0) const noexcept {
    Word exponent = (static_cast<Word>(hi) << 64) | lo;
    Fp127 result = one(), base = *this;
    for (; exponent != 0; exponent >>= 1) {
      if ((exponent & 1U) != 0) result *= base;
      base *= base;
    }
    return result;
  }
  [[nodiscard]] Fp127 inverse() const {
    if (value_ == 0) throw InvalidArgument("Fp127::inverse: zero has no inverse");
    const Word e = modulus - 2;
    return pow(static_cast<std::uint64_t>(e), static_cast<std::uint64_t>(e >> 64));
  }
  [[nodiscard]] std::optional<Fp127> sqrt() const noexcept {
    const Word e = (modulus + 1) / 4;
    const Fp127 r = pow(static_cast<std::uint64_t>(e), static_cast<std::uint64_t>(e >> 64));
    if (r * r != *this) return std::nullopt;
    return r;
  }

  [[nodiscard]] static Fp127 random(Prg& prg) {
    for (;;) {
      const std::uint64_t lo = prg.next_u64();
      const std::uint64_t hi = prg.next_u64() & (~std::uint64_t{0} >> 1);
      const Word v = (static_cast<Word>(hi) << 64) | lo;
      if (v != modulus) return raw(v);
    }
  }

  void write_le(std::span<std::byte> out) const noexcept {
    for (std::size_t i = 0; i < byte_size; ++i) out[i] = static_cast<std::byte>((value_ >> (8 * i)) & 0xFFU);
  }
  [[nodiscard]] static std::optional<Fp127> read_le(std::span<const std::byte> in) noexcept {
    Word v = 0;
    for (std::size_t i = 0; i < byte_size; ++i) v |= static_cast<Word>(in[i]) << (8 * i);
    if (v >= modulus) return std::nullopt;
    return raw(v);
  }

 private:
  static constexpr Fp127 raw(Word canonical_value) noexcept {
    Fp127 r;
    r.value_ = canonical_value;
    return r;
  }
  static constexpr Word canonical(Word x) noexcept {
    x = (x & modulus) + (x >> 127);
    return x >= modulus ? x - modulus : x;
  }

  Word value_ = 0;
};

}  // namespace privfin
