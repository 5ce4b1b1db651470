// privfin/mpc/conv.hpp — 2-D convolution of shared images with shared
// filters (a convolutional layer), by im2col onto the matrix product,
// written once against mpc::Protocol on sharing::Fixed<F> encodings.
//
//   mpc::Conv2dShape s{.batch = 8, .channels = 1, .height = 28, .width = 28,
//                      .filters = 6, .kernel = 5, .stride = 1, .padding = 2};
//   auto y = mpc::conv2d<16>(p, images, weights, bias, s);   // 8 x 6 x 28 x 28
//   auto z = mpc::conv2d_avg_pool<16>(p, images, weights, bias, s, 2);  // then 2x2 average pooling: 8 x 6 x 14 x 14
//
// Layouts (row-major): input batch x channels x height x width; weights
// filters x channels x kernel x kernel; bias one per filter (may be empty:
// no bias); output batch x filters x out_height x out_width, with
// out = (in + 2 padding - kernel) / stride + 1. Zero padding.
//
// Method: im2col is a public gather (local): every output position becomes
// one row of channels*kernel^2 input values (zeros in the padding); the
// layer is then one matrix product (matrix.hpp: Rep3 reshares only the
// batch*out_h*out_w*filters outputs, one round) truncated once by F, and
// the bias is added locally. Exact up to that truncation: every output is
// floor(sum/2^F) + bias or one ulp above (conv2d_reference<F> gives the
// floor), as long as every sum of products stays below 2^62 in magnitude.
// Memory: the im2col matrix has batch*out_h*out_w*channels*kernel^2 elements.
//
// Security: as the protocol's (semi-honest; protocol.hpp). Throws
// InvalidArgument for a shape with a zero size or stride, a kernel larger
// than the padded input, or operand sizes that do not match the shape.
// Thread safety: as the protocol object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/mpc/detail/gather.hpp"
#include "privfin/mpc/matrix.hpp"
#include "privfin/mpc/protocol.hpp"
#include "privfin/mpc/truncation.hpp"

namespace privfin::mpc {

struct Conv2dShape {
  std::size_t batch = 1, channels = 1, height = 1, width = 1;
  std::size_t filters = 1, kernel = 1, stride = 1, padding = 0;

  [[nodiscard]] std::size_t out_height() const { return (height + 2 * padding - kernel) / stride + 1; }
  [[nodiscard]] std::size_t out_width() const { return (width + 2 * padding - kernel) / stride + 1; }
  [[nodiscard]] std::size_t input_size() const { return batch * channels * height * width; }
  [[nodiscard]] std::size_t weight_size() const { return filters * channels * kernel * kernel; }
  [[nodiscard]] std::size_t output_size() const { return batch * filters * out_height() * out_width(); }
  [[nodiscard]] std::size_t patch_size() const { return channels * kernel * kernel; }

  void validate(const char* where) const {
    if (batch == 0 || channels == 0 || height == 0 || width == 0 || filters == 0 || kernel == 0 || stride == 0 ||
        kernel > height + 2 * padding || kernel > width + 2 * padding) {
      throw InvalidArgument(std::string(where) + ": shape " + std::to_string(batch) + "x" + std::to_string(channels) +
                            "x" + std::to_string(height) + "x" + std::to_string(width) + ", " +
                            std::to_string(filters) + " filters of " + std::to_string(kernel) + "x" +
                            std::to_string(kernel) + ", stride " + std::to_string(stride) + ", padding " +
                            std::to_string(padding) + " is not a convolution");
    }
  }
};

// Row (b, oy, ox), column (c, ky, kx) of the im2col matrix -> input index (or detail::no_element).
[[nodiscard]] inline std::vector<std::size_t> im2col_index(const Conv2dShape& s) {
  s.validate("mpc::im2col_index");
  const std::size_t oh = s.out_height(), ow = s.out_width(), patch = s.patch_size();
  std::vector<std::size_t> index(s.batch * oh * ow * patch);
  std::size_t at = 0;
  for (std::size_t b = 0; b < s.batch; ++b) {
    for (std::size_t oy = 0; oy < oh; ++oy) {
      for (std::size_t ox = 0; ox < ow; ++ox) {
        for (std::size_t c = 0; c < s.channels; ++c) {
          for (std::size_t ky = 0; ky < s.kernel; ++ky) {
            for (std::size_t kx = 0; kx < s.kernel; ++kx) {
              const std::size_t y = oy * s.stride + ky, x = ox * s.stride + kx;  // in padded coordinates
              const bool inside = y >= s.padding && y < s.height + s.padding && x >= s.padding && x < s.width + s.padding;
              index[at++] = inside ? ((b * s.channels + c) * s.height + (y - s.padding)) * s.width + (x - s.padding)
                                   : detail::no_element;
            }
          }
        }
      }
    }
  }
  return index;
}

namespace detail {
inline void check_conv_operands(const Conv2dShape& s, std::size_t input, std::size_t weights, std::size_t bias) {
  s.validate("mpc::conv2d");
  if (input != s.input_size() || weights != s.weight_size() || (bias != 0 && bias != s.filters)) {
    throw InvalidArgument("mpc::conv2d: operands of " + std::to_string(input) + ", " + std::to_string(weights) +
                          " and " + std::to_string(bias) + " elements do not fit the shape (" +
                          std::to_string(s.input_size()) + ", " + std::to_string(s.weight_size()) + ", 0 or " +
                          std::to_string(s.filters) + ")");
  }
}
}  // namespace detail

// The plaintext reference on encodings: floor(sum / 2^F) + bias.
template <unsigned F>
  requires(F >= 1 && F <= 30)
[[nodiscard]] std::vector<Ring> conv2d_reference(std::span<const Ring> input, std::span<const Ring> weights,
                                                 std::span<const Ring> bias, const Conv2dShape& s) {
  detail::check_conv_operands(s, input.size(), weights.size(), bias.size());
  const auto index = im2col_index(s);
  const std::size_t oh = s.out_height(), ow = s.out_width(), patch = s.patch_size(), pos = oh * ow;
  std::vector<Ring> out(s.output_size());
  for (std::size_t b = 0; b < s.batch; ++b) {
    for (std::size_t q = 0; q < pos; ++q) {
      for (std::size_t f = 0; f < s.filters; ++f) {
        Ring acc{};
        for (std::size_t k = 0; k < patch; ++k) {
          const std::size_t i = index[(b * pos + q) * patch + k];
          if (i != detail::no_element) acc += input[i] * weights[f * patch + k];
        }
        Ring v = Ring::from_signed(acc.as_signed() >> F);
        if (!bias.empty()) v += bias[f];
        out[(b * s.filters + f) * pos + q] = v;
      }
    }
  }
  return out;
}

template <unsigned F, Protocol P>
  requires(F >= 1 && F <= 30)
[[nodiscard]] typename P::Arith conv2d(P& p, const typename P::Arith& input, const typename P::Arith& weights,
                                       const typename P::Arith& bias, const Conv2dShape& s) {
  detail::check_conv_operands(s, input.size(), weights.size(), bias.size());
  const std::size_t pos = s.out_height() * s.out_width(), patch = s.patch_size();
  const auto cols = detail::gather(p, input, im2col_index(s), "mpc::conv2d");       // (batch*pos) x patch
  const auto wt = transpose(p, weights, s.filters, patch);                           // patch x filters
  const auto prod = trunc(p, matmul(p, cols, wt, s.batch * pos, patch, s.filters), F);  // (batch*pos) x filters
  // -> batch x filters x pos, plus the bias.
  std::vector<std::size_t> order(s.output_size());
  for (std::size_t b = 0; b < s.batch; ++b) {
    for (std::size_t f = 0; f < s.filters; ++f) {
      for (std::size_t q = 0; q < pos; ++q) order[(b * s.filters + f) * pos + q] = (b * pos + q) * s.filters + f;
    }
  }
  auto out = detail::gather(p, prod, order, "mpc::conv2d");
  if (bias.size() == 0) return out;
  std::vector<std::size_t> bias_index(s.output_size());
  for (std::size_t k = 0; k < bias_index.size(); ++k) bias_index[k] = (k / pos) % s.filters;
  return p.add(out, detail::gather(p, bias, bias_index, "mpc::conv2d"));
}

// --- convolution followed by average pooling, fused ------------------------
//
// conv2d then a window x window average pooling at stride `window` (no
// padding; positions past the last full window are dropped) is one linear
// map of the input: every pooled output is the filter applied to the SUM of
// the window's im2col rows. conv2d_avg_pool builds those summed rows
// (local), so the product and its resharing and truncation cover only the
// pooled outputs (window^2 times fewer: LeNet-5's first layer 1,176
// instead of 4,704 per image), and the division by window^2 joins the one
// truncation when window^2 is a power of two. Result: floor(sum / 2^(F +
// log2 window^2)) + bias or one ulp above (conv2d_avg_pool_reference gives
// the floor); other windows: truncation by F, then times 1/window^2 at 24
// bits and one more truncation (error up to 2 ulp + 2^-25 relative).
// Output batch x filters x (out_height / window) x (out_width / window).
// Throws InvalidArgument as conv2d, and for a window of 0 or larger than
// the convolution's output.

namespace detail {
inline void check_window(const Conv2dShape& s, std::size_t window) {
  if (window == 0 || window > s.out_height() || window > s.out_width()) {
    throw InvalidArgument("mpc::conv2d_avg_pool: window " + std::to_string(window) + " does not fit an output of " +
                          std::to_string(s.out_height()) + "x" + std::to_string(s.out_width()));
  }
}
// For pooled row (b, py, px) and window element j: the im2col row.
inline std::vector<std::size_t> pooled_rows(const Conv2dShape& s, std::size_t window) {
  const std::size_t oh = s.out_height(), ow = s.out_width(), ph = oh / window, pw = ow / window;
  std::vector<std::size_t> rows;
  rows.reserve(s.batch * ph * pw * window * window);
  for (std::size_t b = 0; b < s.batch; ++b) {
    for (std::size_t py = 0; py < ph; ++py) {
      for (std::size_t px = 0; px < pw; ++px) {
        for (std::size_t wy = 0; wy < window; ++wy) {
          for (std::size_t wx = 0; wx < window; ++wx) rows.push_back((b * oh + py * window + wy) * ow + px * window + wx);
        }
      }
    }
  }
  return rows;
}
}  // namespace detail

template <unsigned F>
  requires(F >= 1 && F <= 30)
[[nodiscard]] std::vector<Ring> conv2d_avg_pool_reference(std::span<const Ring> input, std::span<const Ring> weights,
                                                          std::span<const Ring> bias, const Conv2dShape& s,
                                                          std::size_t window) {
  detail::check_conv_operands(s, input.size(), weights.size(), bias.size());
  detail::check_window(s, window);
  const auto index = im2col_index(s);
  const auto rows = detail::pooled_rows(s, window);
  const std::size_t w2 = window * window, patch = s.patch_size();
  const std::size_t pooled = (s.out_height() / window) * (s.out_width() / window);
  const bool pow2 = (w2 & (w2 - 1)) == 0;
  unsigned shift = 0;
  while ((std::size_t{1} << shift) < w2) ++shift;
  std::vector<Ring> out(s.batch * s.filters * pooled);
  for (std::size_t b = 0; b < s.batch; ++b) {
    for (std::size_t q = 0; q < pooled; ++q) {
      for (std::size_t f = 0; f < s.filters; ++f) {
        Ring acc{};
        for (std::size_t j = 0; j < w2; ++j) {
          const std::size_t row = rows[(b * pooled + q) * w2 + j];
          for (std::size_t k = 0; k < patch; ++k) {
            const std::size_t i = index[row * patch + k];
            if (i != detail::no_element) acc += input[i] * weights[f * patch + k];
          }
        }
        Ring v = pow2 ? Ring::from_signed(acc.as_signed() >> (F + shift))
                      : Ring::from_signed(((acc.as_signed() >> F) *
                                           static_cast<std::int64_t>((std::uint64_t{1} << 24) / w2)) >> 24);
        if (!bias.empty()) v += bias[f];
        out[(b * s.filters + f) * pooled + q] = v;
      }
    }
  }
  return out;
}

template <unsigned F, Protocol P>
  requires(F >= 1 && F <= 30)
[[nodiscard]] typename P::Arith conv2d_avg_pool(P& p, const typename P::Arith& input, const typename P::Arith& weights,
                                                const typename P::Arith& bias, const Conv2dShape& s,
                                                std::size_t window) {
  using Arith = typename P::Arith;
  detail::check_conv_operands(s, input.size(), weights.size(), bias.size());
  detail::check_window(s, window);
  if (input.size() == 0) return input;
  const auto index = im2col_index(s);
  const auto rows = detail::pooled_rows(s, window);
  const std::size_t w2 = window * window, patch = s.patch_size();
  const std::size_t pooled = (s.out_height() / window) * (s.out_width() / window), n = s.batch * pooled;
  const std::vector<const Arith*> in{&input};
  // Summed im2col rows: (batch * pooled) x patch.
  const Arith cols = p.arith_linear(std::span<const Arith* const>(in), n * patch,
                                    [&](std::span<const std::span<const Ring>> x, std::span<Ring> o) {
                                      for (std::size_t r = 0; r < n; ++r) {
                                        for (std::size_t k = 0; k < patch; ++k) {
                                          Ring acc{};
                                          for (std::size_t j = 0; j < w2; ++j) {
                                            const std::size_t i = index[rows[r * w2 + j] * patch + k];
                                            if (i != detail::no_element) acc += x[0][i];
                                          }
                                          o[r * patch + k] = acc;
                                        }
                                      }
                                    });
  const auto prod = matmul(p, cols, transpose(p, weights, s.filters, patch), n, patch, s.filters);
  Arith scaled;
  if ((w2 & (w2 - 1)) == 0) {
    unsigned shift = 0;
    while ((std::size_t{1} << shift) < w2) ++shift;
    scaled = trunc(p, prod, F + shift);
  } else {
    scaled = trunc(p, p.mul_public(trunc(p, prod, F), Ring{(std::uint64_t{1} << 24) / w2}), 24);
  }
  std::vector<std::size_t> order(n * s.filters);
  for (std::size_t b = 0; b < s.batch; ++b) {
    for (std::size_t f = 0; f < s.filters; ++f) {
      for (std::size_t q = 0; q < pooled; ++q) order[(b * s.filters + f) * pooled + q] = (b * pooled + q) * s.filters + f;
    }
  }
  auto out = detail::gather(p, scaled, order, "mpc::conv2d_avg_pool");
  if (bias.size() == 0) return out;
  std::vector<std::size_t> bias_index(order.size());
  for (std::size_t k = 0; k < bias_index.size(); ++k) bias_index[k] = (k / pooled) % s.filters;
  return p.add(out, detail::gather(p, bias, bias_index, "mpc::conv2d_avg_pool"));
}

}  // namespace privfin::mpc
