// privfin/mpc/detail/bits.hpp — local helpers of the generic algorithms:
// 64x64 bit-matrix transposition between "one word per element" and
// bit-sliced "planes" (plane j, word w, bit t = bit j of element 64w+t), and
// share-wise gathering/concatenation of planes through Protocol::bool_linear.
// to_planes/from_planes transpose with AVX-512 (vpermb, vptestmb) where the
// CPU has it (core/detail/bit_transpose.hpp), with the portable network otherwise.
// Internal; every function here is GF(2)-linear on each share component.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "privfin/core/detail/bit_transpose.hpp"
#include "privfin/core/error.hpp"
#include "privfin/mpc/protocol.hpp"

namespace privfin::mpc::detail {

[[nodiscard]] constexpr std::size_t plane_words(std::size_t n) noexcept { return (n + 63) / 64; }

// n element words -> `planes` planes of plane_words(n) words (bits >= planes
// dropped). Eight blocks are transposed before they are written, so each
// plane receives a whole cache line at a time (the planes are a multiple of
// 4 KiB apart, which would otherwise thrash one cache set).
inline void to_planes(std::span<const std::uint64_t> elems, std::span<std::uint64_t> out, std::size_t planes) {
  const std::size_t n = elems.size();
  const std::size_t w_count = plane_words(n);
  constexpr std::size_t group = 8;
  std::array<std::array<std::uint64_t, 64>, group> blocks{};
  const bool avx512 = ::privfin::detail::transpose64_avx512_supported();
  for (std::size_t w0 = 0; w0 < w_count; w0 += group) {
    const std::size_t g = w_count - w0 < group ? w_count - w0 : group;
    for (std::size_t b = 0; b < g; ++b) {
      std::array<std::uint64_t, 64>& block = blocks[b];
      const std::size_t base = (w0 + b) * 64;
      const std::size_t len = n - base < 64 ? n - base : 64;
      std::uint64_t any = 0;
      for (std::size_t t = 0; t < len; ++t) {
        block[t] = elems[base + t];
        any |= block[t];
      }
      for (std::size_t t = len; t < 64; ++t) block[t] = 0;
      if (any != 0) ::privfin::detail::transpose64(block, avx512);  // an all-zero block (a zero share) stays zero
    }
    for (std::size_t j = 0; j < planes; ++j) {
      std::uint64_t* dst = out.data() + j * w_count + w0;
      for (std::size_t b = 0; b < g; ++b) dst[b] = blocks[b][j];
    }
  }
}

// The inverse: `planes` planes -> n element words (missing planes are zero).
inline void from_planes(std::span<const std::uint64_t> in, std::size_t planes, std::span<std::uint64_t> elems) {
  const std::size_t n = elems.size();
  const std::size_t w_count = plane_words(n);
  std::array<std::uint64_t, 64> block{};
  const bool avx512 = ::privfin::detail::transpose64_avx512_supported();
  for (std::size_t w = 0; w < w_count; ++w) {
    for (std::size_t j = 0; j < 64; ++j) block[j] = j < planes ? in[j * w_count + w] : 0;
    ::privfin::detail::transpose64(block, avx512);
    const std::size_t base = w * 64;
    const std::size_t len = n - base < 64 ? n - base : 64;
    for (std::size_t t = 0; t < len; ++t) elems[base + t] = block[t];
  }
}

// One output plane: XOR of up to two source planes (input index, plane
// index); input index -1 means "nothing" (a zero plane).
struct PlaneRef {
  int input = -1;
  std::size_t plane = 0;
};
struct PlaneSpec {
  PlaneRef a;
  PlaneRef b;
};

template <Protocol P>
[[nodiscard]] typename P::Bool assemble(P& p, std::vector<const typename P::Bool*> inputs, std::size_t words,
                                        const std::vector<PlaneSpec>& spec) {
  using Bool = typename P::Bool;
  return p.bool_linear(std::span<const Bool* const>(inputs), spec.size() * words,
                       [&](std::span<const std::span<const std::uint64_t>> in, std::span<std::uint64_t> out) {
                         for (std::size_t j = 0; j < spec.size(); ++j) {
                           std::uint64_t* o = out.data() + j * words;
                           const PlaneSpec& s = spec[j];
                           auto source = [&](const PlaneRef& r) {
                             return in[static_cast<std::size_t>(r.input)].data() + r.plane * words;
                           };
                           if (s.a.input >= 0 && s.b.input >= 0) {
                             const std::uint64_t* x = source(s.a);
                             const std::uint64_t* y = source(s.b);
                             for (std::size_t w = 0; w < words; ++w) o[w] = x[w] ^ y[w];
                           } else if (s.a.input >= 0 || s.b.input >= 0) {
                             const std::uint64_t* x = source(s.a.input >= 0 ? s.a : s.b);
                             for (std::size_t w = 0; w < words; ++w) o[w] = x[w];
                           } else {
                             for (std::size_t w = 0; w < words; ++w) o[w] = 0;
                           }
                         }
                       });
}

// For and_gathered implementations: InvalidArgument (naming `where`) unless
// left and right have one entry per output plane and every plane they name
// lies inside its input (input_words(i) words, `words` per plane).
template <class Sizes>
void check_gather(const char* where, std::size_t inputs, Sizes&& input_words, std::size_t words,
                  std::span<const PlaneSpec> left, std::span<const PlaneSpec> right) {
  if (left.size() != right.size()) {
    throw InvalidArgument(std::string(where) + ": " + std::to_string(left.size()) + " and " +
                          std::to_string(right.size()) + " planes");
  }
  if (words == 0) return;
  for (const auto specs : {left, right}) {
    for (const PlaneSpec& spec : specs) {
      for (const PlaneRef& r : {spec.a, spec.b}) {
        if (r.input < 0) continue;
        const auto i = static_cast<std::size_t>(r.input);
        if (i >= inputs || r.plane >= input_words(i) / words) {
          throw InvalidArgument(std::string(where) + ": plane " + std::to_string(r.plane) + " of input " +
                                std::to_string(r.input) + " is outside the inputs");
        }
      }
    }
  }
}

// dst[0, len) = words [w, w + len) of the plane `spec` names; source(r)
// points at word 0 of plane r.plane of input r.input.
template <class Source>
void gather_plane(const PlaneSpec& spec, std::size_t w, std::size_t len, std::uint64_t* dst, Source&& source) {
  if (spec.a.input >= 0 && spec.b.input >= 0) {
    const std::uint64_t* x = source(spec.a) + w;
    const std::uint64_t* y = source(spec.b) + w;
    for (std::size_t k = 0; k < len; ++k) dst[k] = x[k] ^ y[k];
  } else if (spec.a.input >= 0 || spec.b.input >= 0) {
    const std::uint64_t* x = source(spec.a.input >= 0 ? spec.a : spec.b) + w;
    for (std::size_t k = 0; k < len; ++k) dst[k] = x[k];
  } else {
    for (std::size_t k = 0; k < len; ++k) dst[k] = 0;
  }
}

// Calls f(plane, word, run, offset) for the runs of output words
// [lo, lo + count) that lie in one plane each (`words` per plane).
template <class F>
void for_plane_runs(std::size_t lo, std::size_t count, std::size_t words, F&& f) {
  for (std::size_t k = 0; k < count;) {
    const std::size_t j = (lo + k) / words;
    const std::size_t w = (lo + k) % words;
    const std::size_t len = std::min(words - w, count - k);
    f(j, w, len, k);
    k += len;
  }
}

// and_(assemble(inputs, left), assemble(inputs, right)), through the
// protocol's and_gathered when it has one (Rep3: no operand vectors are
// built), through assemble and and_ otherwise.
template <Protocol P>
[[nodiscard]] typename P::Bool and_assembled(P& p, std::vector<const typename P::Bool*> inputs, std::size_t words,
                                             const std::vector<PlaneSpec>& left, const std::vector<PlaneSpec>& right) {
  using Bool = typename P::Bool;
  if constexpr (requires {
                  p.and_gathered(std::span<const Bool* const>(inputs), words, std::span<const PlaneSpec>(left),
                                 std::span<const PlaneSpec>(right));
                }) {
    return p.and_gathered(std::span<const Bool* const>(inputs), words, std::span<const PlaneSpec>(left),
                          std::span<const PlaneSpec>(right));
  } else {
    return p.and_(assemble(p, inputs, words, left), assemble(p, inputs, words, right));
  }
}

}  // namespace privfin::mpc::detail
