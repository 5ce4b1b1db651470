// privfin/core/ring.hpp — the rings Z_{2^K} for K in {8, 16, 32, 64}.
//
//   Z2k<64> a{5}, b = Z2k<64>::from_signed(-3);
//   auto c = a * b + Z2k<64>{1};             // wraps modulo 2^64
//   std::int64_t back = c.as_signed();       // two's-complement view
//   ring::mul(xs, ys, out);                  // element-wise over spans
//
// Arithmetic is that of the unsigned word (wrapping), done so that narrow
// words never promote into signed `int` overflow. `Z2k<K>` is a trivially
// copyable wrapper of exactly K bits, so a span of them is a span of words
// and bulk loops vectorize. Thread-safe: values only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <type_traits>

#include "privfin/core/error.hpp"

namespace privfin {

namespace detail {
template <unsigned K>
struct RingWord;
template <>
struct RingWord<8> { using type = std::uint8_t; };
template <>
struct RingWord<16> { using type = std::uint16_t; };
template <>
struct RingWord<32> { using type = std::uint32_t; };
template <>
struct RingWord<64> { using type = std::uint64_t; };
}  // namespace detail

template <unsigned K>
  requires(K == 8 || K == 16 || K == 32 || K == 64)
class Z2k {
 public:
  using Word = typename detail::RingWord<K>::type;
  using SignedWord = std::make_signed_t<Word>;
  static constexpr unsigned bits = K;
  static constexpr std::size_t byte_size = K / 8;

  constexpr Z2k() noexcept = default;
  constexpr explicit Z2k(Word value) noexcept : value_(value) {}

  // The residue of `value` modulo 2^K (two's complement for negatives).
  [[nodiscard]] static constexpr Z2k from_signed(std::int64_t value) noexcept {
    return Z2k(static_cast<Word>(static_cast<std::uint64_t>(value)));
  }
  [[nodiscard]] static constexpr Z2k zero() noexcept { return Z2k{}; }
  [[nodiscard]] static constexpr Z2k one() noexcept { return Z2k{Word{1}}; }

  [[nodiscard]] constexpr Word value() const noexcept { return value_; }
  [[nodiscard]] constexpr SignedWord as_signed() const noexcept {
    return static_cast<SignedWord>(value_);
  }
  // Bit i (0 = least significant); false for i >= K.
  [[nodiscard]] constexpr bool bit(unsigned i) const noexcept { return i < K && ((value_ >> i) & 1U) != 0; }
  // The most significant bit: set for the "negative" half of the ring.
  [[nodiscard]] constexpr bool msb() const noexcept { return bit(K - 1); }

  constexpr Z2k& operator+=(Z2k o) noexcept { return *this = *this + o; }
  constexpr Z2k& operator-=(Z2k o) noexcept { return *this = *this - o; }
  constexpr Z2k& operator*=(Z2k o) noexcept { return *this = *this * o; }

  friend constexpr Z2k operator+(Z2k a, Z2k b) noexcept {
    return Z2k(static_cast<Word>(wide(a) + wide(b)));
  }
  friend constexpr Z2k operator-(Z2k a, Z2k b) noexcept {
    return Z2k(static_cast<Word>(wide(a) - wide(b)));
  }
  friend constexpr Z2k operator*(Z2k a, Z2k b) noexcept {
    return Z2k(static_cast<Word>(wide(a) * wide(b)));
  }
  friend constexpr Z2k operator-(Z2k a) noexcept { return Z2k(static_cast<Word>(0U - wide(a))); }
  // Shifts are defined for every s: a << s is a * 2^s mod 2^K, so s >= K
  // gives 0 (the machine shift would be undefined behaviour there); the
  // shift amount is public, so the branch leaks nothing.
  friend constexpr Z2k operator<<(Z2k a, unsigned s) noexcept {
    return s >= K ? Z2k{} : Z2k(static_cast<Word>(wide(a) << s));
  }
  // Logical (unsigned) right shift: floor(a / 2^s), 0 for s >= K.
  friend constexpr Z2k operator>>(Z2k a, unsigned s) noexcept {
    return s >= K ? Z2k{} : Z2k(static_cast<Word>(wide(a) >> s));
  }
  friend constexpr Z2k operator^(Z2k a, Z2k b) noexcept { return Z2k(static_cast<Word>(a.value_ ^ b.value_)); }
  friend constexpr Z2k operator&(Z2k a, Z2k b) noexcept { return Z2k(static_cast<Word>(a.value_ & b.value_)); }
  friend constexpr bool operator==(Z2k a, Z2k b) noexcept = default;

  // Little-endian encoding of exactly byte_size bytes (the codec's format).
  void write_le(std::span<std::byte> out) const noexcept {
    for (std::size_t i = 0; i < byte_size; ++i) {
      out[i] = static_cast<std::byte>((static_cast<std::uint64_t>(value_) >> (8 * i)) & 0xFFU);
    }
  }
  [[nodiscard]] static std::optional<Z2k> read_le(std::span<const std::byte> in) noexcept {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < byte_size; ++i) {
      v |= static_cast<std::uint64_t>(in[i]) << (8 * i);
    }
    return Z2k(static_cast<Word>(v));
  }

 private:
  // Arithmetic happens in at least 32-bit unsigned words so that uint8_t and
  // uint16_t operands are never promoted to (overflowing) signed int.
  using Wide = std::conditional_t<(K < 32), std::uint32_t, Word>;
  static constexpr Wide wide(Z2k a) noexcept { return static_cast<Wide>(a.value_); }

  Word value_ = 0;
};

using Z2k8 = Z2k<8>;
using Z2k16 = Z2k<16>;
using Z2k32 = Z2k<32>;
using Z2k64 = Z2k<64>;

static_assert(sizeof(Z2k<64>) == 8 && std::is_trivially_copyable_v<Z2k<64>>);
static_assert(sizeof(Z2k<8>) == 1 && std::is_trivially_copyable_v<Z2k<8>>);

// Element-wise operations over spans. The output may alias an input. Sizes
// must match, otherwise InvalidArgument. Written as plain indexed loops over
// trivially copyable elements so that GCC and Clang vectorize them at -O2/-O3.
namespace ring {

namespace detail {
inline void check_sizes(std::size_t a, std::size_t b, std::size_t out, const char* op) {
  if (a != b || a != out) {
    throw InvalidArgument(std::string("ring::") + op + ": span sizes differ (" + std::to_string(a) +
                          ", " + std::to_string(b) + ", " + std::to_string(out) + ")");
  }
}
}  // namespace detail

template <unsigned K>
void add(std::span<const Z2k<K>> a, std::span<const Z2k<K>> b, std::span<Z2k<K>> out) {
  detail::check_sizes(a.size(), b.size(), out.size(), "add");
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = a[i] + b[i];
}

template <unsigned K>
void sub(std::span<const Z2k<K>> a, std::span<const Z2k<K>> b, std::span<Z2k<K>> out) {
  detail::check_sizes(a.size(), b.size(), out.size(), "sub");
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = a[i] - b[i];
}

template <unsigned K>
void mul(std::span<const Z2k<K>> a, std::span<const Z2k<K>> b, std::span<Z2k<K>> out) {
  detail::check_sizes(a.size(), b.size(), out.size(), "mul");
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = a[i] * b[i];
}

template <unsigned K>
void negate(std::span<const Z2k<K>> a, std::span<Z2k<K>> out) {
  detail::check_sizes(a.size(), a.size(), out.size(), "negate");
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = -a[i];
}

// out[i] = a[i] * scalar
template <unsigned K>
void mul_scalar(std::span<const Z2k<K>> a, Z2k<K> scalar, std::span<Z2k<K>> out) {
  detail::check_sizes(a.size(), a.size(), out.size(), "mul_scalar");
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = a[i] * scalar;
}

// acc[i] += a[i] * b[i]
template <unsigned K>
void mul_add_inplace(std::span<Z2k<K>> acc, std::span<const Z2k<K>> a, std::span<const Z2k<K>> b) {
  detail::check_sizes(a.size(), b.size(), acc.size(), "mul_add_inplace");
  for (std::size_t i = 0; i < acc.size(); ++i) acc[i] += a[i] * b[i];
}

// sum_i a[i] * b[i]
template <unsigned K>
[[nodiscard]] Z2k<K> dot(std::span<const Z2k<K>> a, std::span<const Z2k<K>> b) {
  detail::check_sizes(a.size(), b.size(), a.size(), "dot");
  Z2k<K> sum{};
  for (std::size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

}  // namespace ring
}  // namespace privfin
