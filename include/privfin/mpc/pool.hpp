// privfin/mpc/pool.hpp — average and max pooling of shared feature maps
// (batch x channels x height x width, row-major), written once against
// mpc::Protocol on sharing::Fixed<F> encodings.
//
//   mpc::Pool2dShape s{.batch = 8, .channels = 6, .height = 28, .width = 28, .window = 2, .stride = 2};
//   auto m = mpc::max_pool(p, x, s);            // 8 x 6 x 14 x 14
//   auto a = mpc::avg_pool<16>(p, x, s);
//
// Output: batch x channels x out_height x out_width with
// out = (in - window) / stride + 1 (no padding; windows past the edge are
// dropped).
// max_pool: exact (the maximum of each window; select.hpp's tournament,
//   ceil(log2(window^2)) comparison levels; values must satisfy lt's
//   precondition, pairwise differences below 2^63).
// avg_pool<F>: the window sum (local) times 1/window^2 encoded at 24 bits,
//   truncated once: |error| <= 1 ulp + 2^-25 |mean| (exact up to one ulp
//   when window^2 is a power of two: the division is then a truncation).
//   One truncation round trip (Rep3: 3 hops), no comparisons.
//
// Security: as the protocol's (semi-honest; protocol.hpp). Throws
// InvalidArgument for a zero size, window or stride, a window larger than
// the map, or an input that does not fit the shape. Thread safety: as the
// protocol object.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/mpc/detail/gather.hpp"
#include "privfin/mpc/fixed_point.hpp"
#include "privfin/mpc/protocol.hpp"
#include "privfin/mpc/select.hpp"
#include "privfin/mpc/truncation.hpp"

namespace privfin::mpc {

struct Pool2dShape {
  std::size_t batch = 1, channels = 1, height = 1, width = 1;
  std::size_t window = 2, stride = 2;

  [[nodiscard]] std::size_t out_height() const { return (height - window) / stride + 1; }
  [[nodiscard]] std::size_t out_width() const { return (width - window) / stride + 1; }
  [[nodiscard]] std::size_t input_size() const { return batch * channels * height * width; }
  [[nodiscard]] std::size_t output_size() const { return batch * channels * out_height() * out_width(); }

  void validate(const char* where, std::size_t input) const {
    if (batch == 0 || channels == 0 || height == 0 || width == 0 || window == 0 || stride == 0 || window > height ||
        window > width || input != input_size()) {
      throw InvalidArgument(std::string(where) + ": " + std::to_string(input) + " elements do not fit " +
                            std::to_string(batch) + "x" + std::to_string(channels) + "x" + std::to_string(height) +
                            "x" + std::to_string(width) + " pooled by " + std::to_string(window) + "x" +
                            std::to_string(window) + " windows at stride " + std::to_string(stride));
    }
  }
};

// Output (b, c, oy, ox), window element (wy, wx) -> input index, window-major per output.
[[nodiscard]] inline std::vector<std::size_t> pool_index(const Pool2dShape& s) {
  const std::size_t oh = s.out_height(), ow = s.out_width(), w2 = s.window * s.window;
  std::vector<std::size_t> index(s.output_size() * w2);
  std::size_t at = 0;
  for (std::size_t bc = 0; bc < s.batch * s.channels; ++bc) {
    for (std::size_t oy = 0; oy < oh; ++oy) {
      for (std::size_t ox = 0; ox < ow; ++ox) {
        for (std::size_t wy = 0; wy < s.window; ++wy) {
          for (std::size_t wx = 0; wx < s.window; ++wx) {
            index[at++] = (bc * s.height + oy * s.stride + wy) * s.width + ox * s.stride + wx;
          }
        }
      }
    }
  }
  return index;
}

template <Protocol P>
[[nodiscard]] typename P::Arith max_pool(P& p, const typename P::Arith& x, const Pool2dShape& s) {
  s.validate("mpc::max_pool", x.size());
  return max(p, detail::gather(p, x, pool_index(s), "mpc::max_pool"), s.window * s.window);
}

template <unsigned F, Protocol P>
  requires(F >= 1 && F <= 30)
[[nodiscard]] typename P::Arith avg_pool(P& p, const typename P::Arith& x, const Pool2dShape& s) {
  s.validate("mpc::avg_pool", x.size());
  const std::size_t w2 = s.window * s.window;
  const auto sums = detail::block_sums(p, detail::gather(p, x, pool_index(s), "mpc::avg_pool"), w2);
  if (w2 == 1) return sums;
  if (std::has_single_bit(w2)) return trunc(p, sums, static_cast<unsigned>(std::countr_zero(w2)));
  constexpr unsigned g = detail::internal_bits;
  return trunc(p, p.mul_public(sums, detail::encode_at(1.0 / static_cast<double>(w2), g)), g);
}

}  // namespace privfin::mpc
