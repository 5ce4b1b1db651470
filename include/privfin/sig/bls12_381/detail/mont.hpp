// privfin/sig/bls12_381/detail/mont.hpp — a prime field in Montgomery form on
// N 64-bit limbs, the engine under Fp (N = 6) and Fr (N = 4).
//
// Every operation runs in time independent of the values: no branch and no
// memory index depends on an element (the final subtraction is a masked
// select). Exponentiation branches on the exponent's bits only, so it is for
// public exponents (inversion and square roots use p - 2 and (p + 1) / 4).
// The Montgomery constants are derived from the modulus at compile time.
// Value type; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include "privfin/core/detail/int128.hpp"

#if defined(__x86_64__)
#include <immintrin.h>  // _addcarry_u64, _subborrow_u64 (plain ADC/SBB; no ISA extension)
#endif

namespace privfin::sig::bls12_381::detail {

template <std::size_t N>
using Limbs = std::array<std::uint64_t, N>;

#if defined(__x86_64__)
// Addition and subtraction mod a 6-limb p in x86-64 assembly: one ADC or SBB
// chain each way and a CMOV select, baseline x86-64 (no ISA extension).
// Written by hand because GCC compiles the carry intrinsics' third chain
// into SETC/ADD round trips per limb and spills it through the stack (these
// two are about a quarter of a pairing). Constant time: no branch, and the
// CMOVs always load. out may alias a or b. p must be below 2^383 (so
// a + b fits in 385 bits).
//
// The result leaves in registers and C++ stores it: when the assembly
// stored it, GCC copied the element on with 16-byte loads, which cannot be
// forwarded from two 8-byte stores, and that stall was most of an Fp2
// addition's time. The unselected value waits in a scratch array (eight
// byte stores and loads, forwarded). The "m" operands name the memory the
// block reads and writes, so it needs no "memory" clobber or volatile.
using Limbs6 = std::uint64_t[6];

[[gnu::always_inline]] inline void add_mod_6(std::uint64_t* out, const std::uint64_t* a, const std::uint64_t* b,
                                             const std::uint64_t* p) noexcept {
  std::uint64_t r0, r1, r2, r3, r4, r5, top;
  Limbs6 sum;  // a + b (mod 2^384), kept when subtracting p borrows
  asm("movq 0(%[a]), %[r0]\n\t"
      "movq 8(%[a]), %[r1]\n\t"
      "movq 16(%[a]), %[r2]\n\t"
      "movq 24(%[a]), %[r3]\n\t"
      "movq 32(%[a]), %[r4]\n\t"
      "movq 40(%[a]), %[r5]\n\t"
      "addq 0(%[b]), %[r0]\n\t"
      "adcq 8(%[b]), %[r1]\n\t"
      "adcq 16(%[b]), %[r2]\n\t"
      "adcq 24(%[b]), %[r3]\n\t"
      "adcq 32(%[b]), %[r4]\n\t"
      "adcq 40(%[b]), %[r5]\n\t"
      "sbbq %[top], %[top]\n\t"  // top = -carry
      "movq %[r0], 0(%[s])\n\t"
      "movq %[r1], 8(%[s])\n\t"
      "movq %[r2], 16(%[s])\n\t"
      "movq %[r3], 24(%[s])\n\t"
      "movq %[r4], 32(%[s])\n\t"
      "movq %[r5], 40(%[s])\n\t"
      "subq 0(%[p]), %[r0]\n\t"  // s - p
      "sbbq 8(%[p]), %[r1]\n\t"
      "sbbq 16(%[p]), %[r2]\n\t"
      "sbbq 24(%[p]), %[r3]\n\t"
      "sbbq 32(%[p]), %[r4]\n\t"
      "sbbq 40(%[p]), %[r5]\n\t"
      "sbbq $0, %[top]\n\t"  // borrow out of (carry:s) - p: keep s
      "cmovcq 0(%[s]), %[r0]\n\t"
      "cmovcq 8(%[s]), %[r1]\n\t"
      "cmovcq 16(%[s]), %[r2]\n\t"
      "cmovcq 24(%[s]), %[r3]\n\t"
      "cmovcq 32(%[s]), %[r4]\n\t"
      "cmovcq 40(%[s]), %[r5]\n\t"
      : [r0] "=&r"(r0), [r1] "=&r"(r1), [r2] "=&r"(r2), [r3] "=&r"(r3), [r4] "=&r"(r4), [r5] "=&r"(r5),
        [top] "=&r"(top), "=m"(sum)
      : [a] "r"(a), [b] "r"(b), [p] "r"(p), [s] "r"(sum), "m"(*reinterpret_cast<const Limbs6*>(a)),
        "m"(*reinterpret_cast<const Limbs6*>(b)), "m"(*reinterpret_cast<const Limbs6*>(p))
      : "cc");
  out[0] = r0;
  out[1] = r1;
  out[2] = r2;
  out[3] = r3;
  out[4] = r4;
  out[5] = r5;
}

[[gnu::always_inline]] inline void sub_mod_6(std::uint64_t* out, const std::uint64_t* a, const std::uint64_t* b,
                                             const std::uint64_t* p) noexcept {
  std::uint64_t r0, r1, r2, r3, r4, r5, borrow;
  Limbs6 diff;  // a - b (mod 2^384), kept when it did not borrow
  asm("movq 0(%[a]), %[r0]\n\t"
      "movq 8(%[a]), %[r1]\n\t"
      "movq 16(%[a]), %[r2]\n\t"
      "movq 24(%[a]), %[r3]\n\t"
      "movq 32(%[a]), %[r4]\n\t"
      "movq 40(%[a]), %[r5]\n\t"
      "subq 0(%[b]), %[r0]\n\t"
      "sbbq 8(%[b]), %[r1]\n\t"
      "sbbq 16(%[b]), %[r2]\n\t"
      "sbbq 24(%[b]), %[r3]\n\t"
      "sbbq 32(%[b]), %[r4]\n\t"
      "sbbq 40(%[b]), %[r5]\n\t"
      "sbbq %[borrow], %[borrow]\n\t"  // -1 when a < b
      "movq %[r0], 0(%[s])\n\t"
      "movq %[r1], 8(%[s])\n\t"
      "movq %[r2], 16(%[s])\n\t"
      "movq %[r3], 24(%[s])\n\t"
      "movq %[r4], 32(%[s])\n\t"
      "movq %[r5], 40(%[s])\n\t"
      "addq 0(%[p]), %[r0]\n\t"  // d + p
      "adcq 8(%[p]), %[r1]\n\t"
      "adcq 16(%[p]), %[r2]\n\t"
      "adcq 24(%[p]), %[r3]\n\t"
      "adcq 32(%[p]), %[r4]\n\t"
      "adcq 40(%[p]), %[r5]\n\t"
      "testq %[borrow], %[borrow]\n\t"  // no borrow: keep d
      "cmovzq 0(%[s]), %[r0]\n\t"
      "cmovzq 8(%[s]), %[r1]\n\t"
      "cmovzq 16(%[s]), %[r2]\n\t"
      "cmovzq 24(%[s]), %[r3]\n\t"
      "cmovzq 32(%[s]), %[r4]\n\t"
      "cmovzq 40(%[s]), %[r5]\n\t"
      : [r0] "=&r"(r0), [r1] "=&r"(r1), [r2] "=&r"(r2), [r3] "=&r"(r3), [r4] "=&r"(r4), [r5] "=&r"(r5),
        [borrow] "=&r"(borrow), "=m"(diff)
      : [a] "r"(a), [b] "r"(b), [p] "r"(p), [s] "r"(diff), "m"(*reinterpret_cast<const Limbs6*>(a)),
        "m"(*reinterpret_cast<const Limbs6*>(b)), "m"(*reinterpret_cast<const Limbs6*>(p))
      : "cc");
  out[0] = r0;
  out[1] = r1;
  out[2] = r2;
  out[3] = r3;
  out[4] = r4;
  out[5] = r5;
}
#endif

// Little-endian limbs from a hexadecimal literal ("0x" optional); a compile
// time helper for constants, so malformed input is a programming error.
template <std::size_t N>
constexpr Limbs<N> limbs_from_hex(std::string_view hex) {
  if (hex.size() >= 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex.remove_prefix(2);
  Limbs<N> out{};
  std::size_t bit = 0;
  for (std::size_t i = hex.size(); i-- > 0;) {
    const char c = hex[i];
    std::uint64_t d = 0;
    if (c >= '0' && c <= '9') d = static_cast<std::uint64_t>(c - '0');
    else if (c >= 'a' && c <= 'f') d = static_cast<std::uint64_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') d = static_cast<std::uint64_t>(c - 'A' + 10);
    out[bit / 64] |= d << (bit % 64);
    bit += 4;
  }
  return out;
}

// All-ones when x != 0, zero otherwise, without a branch.
constexpr std::uint64_t nonzero_mask(std::uint64_t x) noexcept {
  return static_cast<std::uint64_t>(0) - ((x | (static_cast<std::uint64_t>(0) - x)) >> 63);
}

template <std::size_t N>
constexpr std::uint64_t sub_limbs(Limbs<N>& out, const Limbs<N>& a, const Limbs<N>& b) noexcept {
  std::uint64_t borrow = 0;
  for (std::size_t i = 0; i < N; ++i) {
    const privfin::detail::uint128 d =
        static_cast<privfin::detail::uint128>(a[i]) - b[i] - borrow;
    out[i] = static_cast<std::uint64_t>(d);
    borrow = static_cast<std::uint64_t>(d >> 64) & 1;
  }
  return borrow;
}

template <std::size_t N>
constexpr std::uint64_t add_limbs(Limbs<N>& out, const Limbs<N>& a, const Limbs<N>& b) noexcept {
  std::uint64_t carry = 0;
  for (std::size_t i = 0; i < N; ++i) {
    const privfin::detail::uint128 s = static_cast<privfin::detail::uint128>(a[i]) + b[i] + carry;
    out[i] = static_cast<std::uint64_t>(s);
    carry = static_cast<std::uint64_t>(s >> 64);
  }
  return carry;
}

// a < b as public integers (variable time: for public values only).
template <std::size_t N>
constexpr bool less_than(const Limbs<N>& a, const Limbs<N>& b) noexcept {
  Limbs<N> scratch{};
  return sub_limbs(scratch, a, b) != 0;
}

// base^e for a public exponent e, by a sliding window of up to 5 bits over
// odd digits: 16 multiplications to build the table of odd powers, then a
// squaring per bit and a multiplication per window (about one in six
// bits), where fixed 4-bit windows took one in four. The sequence of
// operations depends on e alone, so a secret base stays secret. T is any
// type with one(), square() and operator*.
template <class T, std::size_t M>
constexpr T window_pow(const T& base, const Limbs<M>& e) noexcept {
  const auto bit = [&e](std::size_t i) { return ((e[i / 64] >> (i % 64)) & 1U) != 0; };
  std::size_t top = 64 * M;
  while (top > 0 && !bit(top - 1)) --top;
  if (top == 0) return T::one();
  T odd[16];  // base^1, base^3, ..., base^31
  odd[0] = base;
  const T base2 = base.square();
  for (std::size_t i = 1; i < 16; ++i) odd[i] = odd[i - 1] * base2;
  T acc = T::one();
  bool started = false;
  for (std::size_t i = top; i-- > 0;) {
    if (!bit(i)) {
      acc = acc.square();
      continue;
    }
    std::size_t low = i >= 4 ? i - 4 : 0;  // the window [low, i] ends in a set bit
    while (!bit(low)) ++low;
    std::size_t digit = 0;
    for (std::size_t j = i + 1; j-- > low;) digit = 2 * digit + (bit(j) ? 1U : 0U);
    if (started) {
      for (std::size_t j = low; j <= i; ++j) acc = acc.square();
      acc = acc * odd[digit / 2];
    } else {
      acc = odd[digit / 2];
      started = true;
    }
    i = low;
  }
  return acc;
}

// Params provides `static constexpr std::size_t limbs` and
// `static constexpr Limbs<limbs> modulus` (odd, top bit of the top limb clear).
template <class Params>
class MontField {
 public:
  static constexpr std::size_t N = Params::limbs;
  using Repr = Limbs<N>;
  static constexpr Repr modulus = Params::modulus;
  static constexpr std::size_t bytes = Params::bytes;

 private:
  static constexpr std::uint64_t compute_inv() {
    std::uint64_t p_inv = 1;
    for (int i = 0; i < 7; ++i) p_inv *= 2 - modulus[0] * p_inv;  // Newton: p_inv = p^-1 mod 2^64
    return static_cast<std::uint64_t>(0) - p_inv;
  }
  // 2^(64 N k) mod p by doubling, for k = 1 (R) and k = 2 (R^2).
  static constexpr Repr compute_r(int k) {
    Repr x{};
    x[0] = 1;
    for (std::size_t i = 0; i < 64 * N * static_cast<std::size_t>(k); ++i) {
      Repr d{};
      const std::uint64_t carry = add_limbs(d, x, x);
      Repr e{};
      const std::uint64_t borrow = sub_limbs(e, d, modulus);
      x = (carry != 0 || borrow == 0) ? e : d;
    }
    return x;
  }

 private:
  // floor((2^(64 N) - 1) / p): subtractions that reduce any N-limb value.
  static constexpr std::size_t compute_max_subtractions() {
    Repr x{};
    for (auto& limb : x) limb = ~std::uint64_t{0};
    std::size_t k = 0;
    while (!less_than(x, modulus)) {
      Repr d{};
      sub_limbs(d, x, modulus);
      x = d;
      ++k;
    }
    return k;
  }

 public:
  static constexpr std::uint64_t inv = compute_inv();
  static constexpr std::size_t max_subtractions = compute_max_subtractions();
  static constexpr Repr r1 = compute_r(1);
  static constexpr Repr r2 = compute_r(2);

  constexpr MontField() noexcept = default;

  [[nodiscard]] static constexpr MontField zero() noexcept { return MontField(); }
  [[nodiscard]] static constexpr MontField one() noexcept { return from_mont(r1); }
  [[nodiscard]] static constexpr MontField from_mont(const Repr& m) noexcept {
    MontField f;
    f.v_ = m;
    return f;
  }
  // Any x below 2^(64 N), reduced modulo p in constant time (a fixed number
  // of masked subtractions brings it below p, then one multiplication by
  // R^2 mod p converts it).
  [[nodiscard]] static constexpr MontField from_raw(const Repr& x) noexcept {
    Repr y = x;
    for (std::size_t k = 0; k < max_subtractions; ++k) {
      Repr d{};
      const std::uint64_t borrow = sub_limbs(d, y, modulus);
      const std::uint64_t keep_y = static_cast<std::uint64_t>(0) - borrow;
      for (std::size_t i = 0; i < N; ++i) y[i] = (y[i] & keep_y) | (d[i] & ~keep_y);
    }
    return mul(from_mont(y), from_mont(r2));
  }
  [[nodiscard]] static constexpr MontField from_u64(std::uint64_t x) noexcept {
    Repr r{};
    r[0] = x;
    return from_raw(r);
  }
  [[nodiscard]] static constexpr MontField from_hex(std::string_view hex) {
    return from_raw(limbs_from_hex<N>(hex));
  }
  // The canonical integer in [0, p).
  [[nodiscard]] constexpr Repr to_raw() const noexcept {
    Repr one_raw{};
    one_raw[0] = 1;
    return mul(*this, from_mont(one_raw)).v_;
  }
  [[nodiscard]] constexpr const Repr& mont() const noexcept { return v_; }

  // Big-endian canonical bytes (out.size() == bytes).
  void to_bytes_be(std::span<std::byte> out) const noexcept {
    const Repr raw = to_raw();
    for (std::size_t i = 0; i < bytes; ++i) {
      const std::size_t bit = 8 * (bytes - 1 - i);
      out[i] = static_cast<std::byte>(raw[bit / 64] >> (bit % 64));
    }
  }
  // Big-endian bytes of length `bytes`; false when the integer is >= p.
  [[nodiscard]] static bool from_bytes_be(std::span<const std::byte> in, MontField& out) noexcept {
    Repr raw{};
    for (std::size_t i = 0; i < bytes; ++i) {
      const std::size_t bit = 8 * (bytes - 1 - i);
      raw[bit / 64] |= static_cast<std::uint64_t>(in[i]) << (bit % 64);
    }
    if (!less_than(raw, modulus)) return false;
    out = from_raw(raw);
    return true;
  }

  // add and sub: on x86-64 (outside constant evaluation), Fp (N = 6)
  // through add_mod_6 / sub_mod_6 above, Fr (N = 4) through the
  // add-with-carry intrinsics; the portable 128-bit form below costs
  // several times as much, and these are a quarter of a pairing's time.
  // All are branch-free selects.
  [[nodiscard, gnu::always_inline]] static constexpr MontField add(const MontField& a, const MontField& b) noexcept {
#if defined(__x86_64__)
    if (!std::is_constant_evaluated()) {
      if constexpr (N == 6) {
        MontField out;
        add_mod_6(out.v_.data(), a.v_.data(), b.v_.data(), modulus.data());
        return out;
      } else {
        // s = a + b - p; add p back (masked) when that underflowed and the
        // sum did not overflow. Carry chains only: a select between two
        // arrays was vectorised by GCC through the stack.
        unsigned long long s[N], o[N];
        unsigned char carry = 0, borrow = 0, back = 0;
        for (std::size_t i = 0; i < N; ++i) carry = _addcarry_u64(carry, a.v_[i], b.v_[i], &s[i]);
        for (std::size_t i = 0; i < N; ++i) borrow = _subborrow_u64(borrow, s[i], modulus[i], &s[i]);
        const std::uint64_t mask = static_cast<std::uint64_t>(0) - static_cast<std::uint64_t>(borrow & (carry ^ 1U));
        for (std::size_t i = 0; i < N; ++i) back = _addcarry_u64(back, s[i], modulus[i] & mask, &o[i]);
        MontField out;
        for (std::size_t i = 0; i < N; ++i) out.v_[i] = o[i];
        return out;
      }
    }
#endif
    MontField out;
    Repr s{};
    const std::uint64_t carry = add_limbs(s, a.v_, b.v_);
    Repr d{};
    const std::uint64_t borrow = sub_limbs(d, s, modulus);
    // Keep the difference when the sum overflowed or did not underflow.
    const std::uint64_t keep_d = nonzero_mask(carry) | (nonzero_mask(borrow) ^ ~static_cast<std::uint64_t>(0));
    for (std::size_t i = 0; i < N; ++i) out.v_[i] = (d[i] & keep_d) | (s[i] & ~keep_d);
    return out;
  }
  [[nodiscard, gnu::always_inline]] static constexpr MontField sub(const MontField& a, const MontField& b) noexcept {
#if defined(__x86_64__)
    if (!std::is_constant_evaluated()) {
      if constexpr (N == 6) {
        MontField out;
        sub_mod_6(out.v_.data(), a.v_.data(), b.v_.data(), modulus.data());
        return out;
      } else {
        unsigned long long d[N], o[N];
        unsigned char borrow = 0, carry = 0;
        for (std::size_t i = 0; i < N; ++i) borrow = _subborrow_u64(borrow, a.v_[i], b.v_[i], &d[i]);
        const std::uint64_t mask = static_cast<std::uint64_t>(0) - static_cast<std::uint64_t>(borrow);
        for (std::size_t i = 0; i < N; ++i) carry = _addcarry_u64(carry, d[i], modulus[i] & mask, &o[i]);
        MontField out;
        for (std::size_t i = 0; i < N; ++i) out.v_[i] = o[i];
        return out;
      }
    }
#endif
    MontField out;
    Repr d{};
    const std::uint64_t borrow = sub_limbs(d, a.v_, b.v_);
    const std::uint64_t mask = static_cast<std::uint64_t>(0) - borrow;
    Repr masked{};
    for (std::size_t i = 0; i < N; ++i) masked[i] = modulus[i] & mask;
    add_limbs(out.v_, d, masked);
    return out;
  }
  // Coarsely integrated operand scanning Montgomery multiplication in the
  // "no-carry" form, valid because the top limb of p is below 2^63 - 1:
  // the running value stays below 2p and fits N limbs.
  //
  // When Params offers a faster routine for this machine (Fp: MULX/ADX
  // assembly, see fields.hpp), mul uses it outside constant evaluation;
  // mul_portable is this C++ version, kept callable so tests can compare.
  [[nodiscard, gnu::always_inline]] static constexpr MontField mul(const MontField& a, const MontField& b) noexcept {
    if constexpr (requires(Repr& o, const Repr& x) { Params::fast_mul(o, x, x); }) {
      if (!std::is_constant_evaluated()) {
        MontField out;
        if (Params::fast_mul(out.v_, a.v_, b.v_)) return out;
      }
    }
    return mul_portable(a, b);
  }
  [[nodiscard]] static constexpr MontField mul_portable(const MontField& a, const MontField& b) noexcept {
    using privfin::detail::uint128;
    static_assert(modulus[N - 1] < (~std::uint64_t{0} >> 1) - 1, "no-carry CIOS needs a spare top bit");
    std::uint64_t t[N] = {};
    for (std::size_t i = 0; i < N; ++i) {
      uint128 s = static_cast<uint128>(a.v_[0]) * b.v_[i] + t[0];
      std::uint64_t carry_a = static_cast<std::uint64_t>(s >> 64);
      const std::uint64_t t0 = static_cast<std::uint64_t>(s);
      const std::uint64_t m = t0 * inv;
      s = static_cast<uint128>(m) * modulus[0] + t0;
      std::uint64_t carry_m = static_cast<std::uint64_t>(s >> 64);
      for (std::size_t j = 1; j < N; ++j) {
        s = static_cast<uint128>(a.v_[j]) * b.v_[i] + t[j] + carry_a;
        carry_a = static_cast<std::uint64_t>(s >> 64);
        s = static_cast<uint128>(m) * modulus[j] + static_cast<std::uint64_t>(s) + carry_m;
        carry_m = static_cast<std::uint64_t>(s >> 64);
        t[j - 1] = static_cast<std::uint64_t>(s);
      }
      t[N - 1] = carry_a + carry_m;
    }
    Repr lo{};
    for (std::size_t i = 0; i < N; ++i) lo[i] = t[i];
    Repr d{};
    const std::uint64_t borrow = sub_limbs(d, lo, modulus);
    const std::uint64_t keep_lo = static_cast<std::uint64_t>(0) - borrow;  // t < p: keep t
    MontField out;
    for (std::size_t i = 0; i < N; ++i) out.v_[i] = (lo[i] & keep_lo) | (d[i] & ~keep_lo);
    return out;
  }

  // The operators are forced inline: out-of-line calls to them were a
  // third of the final exponentiation's profile.
  [[gnu::always_inline]] constexpr MontField operator+(const MontField& o) const noexcept { return add(*this, o); }
  [[gnu::always_inline]] constexpr MontField operator-(const MontField& o) const noexcept { return sub(*this, o); }
  [[gnu::always_inline]] constexpr MontField operator*(const MontField& o) const noexcept { return mul(*this, o); }
  [[gnu::always_inline]] constexpr MontField operator-() const noexcept { return sub(MontField(), *this); }
  [[gnu::always_inline]] constexpr MontField& operator+=(const MontField& o) noexcept { return *this = add(*this, o); }
  [[gnu::always_inline]] constexpr MontField& operator-=(const MontField& o) noexcept { return *this = sub(*this, o); }
  [[gnu::always_inline]] constexpr MontField& operator*=(const MontField& o) noexcept { return *this = mul(*this, o); }

  [[nodiscard, gnu::always_inline]] constexpr MontField square() const noexcept { return mul(*this, *this); }
  [[nodiscard, gnu::always_inline]] constexpr MontField dbl() const noexcept { return add(*this, *this); }

  // Constant-time equality and zero test.
  [[nodiscard]] constexpr bool is_zero() const noexcept {
    std::uint64_t acc = 0;
    for (std::size_t i = 0; i < N; ++i) acc |= v_[i];
    return (nonzero_mask(acc) & 1) == 0;
  }
  friend constexpr bool operator==(const MontField& a, const MontField& b) noexcept {
    std::uint64_t acc = 0;
    for (std::size_t i = 0; i < N; ++i) acc |= a.v_[i] ^ b.v_[i];
    return (nonzero_mask(acc) & 1) == 0;
  }

  // a when choose is false, b when true, without a branch.
  [[nodiscard]] static constexpr MontField select(bool choose, const MontField& a, const MontField& b) noexcept {
    const std::uint64_t mask = static_cast<std::uint64_t>(0) - static_cast<std::uint64_t>(choose);
    MontField out;
    for (std::size_t i = 0; i < N; ++i) out.v_[i] = (a.v_[i] & ~mask) | (b.v_[i] & mask);
    return out;
  }

  // this^e for a public exponent (little-endian limbs).
  // Fixed 4-bit windows; the table index is a window of the public exponent.
  template <std::size_t M>
  [[nodiscard]] constexpr MontField pow(const Limbs<M>& e) const noexcept {
    return window_pow(*this, e);
  }

  // 1/this by Fermat (0 maps to 0).
  [[nodiscard]] constexpr MontField inverse() const noexcept {
    Repr e = modulus;
    e[0] -= 2;  // p is odd and > 2, so no borrow
    return pow(e);
  }

  // Parity of the canonical integer (RFC 9380 sgn0 for prime fields).
  [[nodiscard]] constexpr bool is_odd() const noexcept { return (to_raw()[0] & 1) != 0; }

 private:
  Repr v_{};
};

}  // namespace privfin::sig::bls12_381::detail
