// privfin/ml/lenet.hpp — LeNet-5 image classification: a small plaintext
// trainer of our own (double precision, mini-batch SGD), quantization to
// sharing::Fixed<F>, and inference on secret-shared images with
// secret-shared weights, written once against mpc::Protocol (the model
// owner inputs the weights, the image owner the images; only the class
// index is revealed, to whom the caller chooses).
//
//   ml::LeNet5 net = ml::LeNet5::initial(seed);
//   net.train(train_set, {.epochs = 1, .batch = 32, .learning_rate = 0.05}); // 28x28 images, 10 classes
//   std::vector<Z2k<64>> params = ml::quantize<16>(net);                     // 61,706 encodings
//   // in MPC: party 0 owns the model, party 1 the images
//   auto w = p.input(0, params_if_mine, ml::LeNet5::parameter_count);
//   auto x = p.input(1, pixels_if_mine, images * 784);                       // Fixed<16> of pixel / 255
//   auto cls = ml::lenet5_classify<16>(p, w, x, images);                     // shared class per image
//   auto mine = p.reveal_to(1, cls);
//
// The network (LeNet-5 with ReLU): conv 6@5x5 (padding 2) - 2x2 average
// pooling - ReLU - conv 16@5x5 - 2x2 average pooling - ReLU - fully
// connected 400-120 - ReLU - 120-84 - ReLU - 84-10; the class is the
// argmax of the 10 outputs (ties to the lower class). Average rather than
// max pooling: in MPC it is one truncation instead of three comparison
// levels; and pooling before the ReLU (pooling is linear, so the network
// is as expressive): a quarter of the comparisons, which dominate the cost.
//
// Parameters, in this order, each row-major: conv1 weights (6x1x5x5) and
// biases (6), conv2 (16x6x5x5, 16), fc1 (120x400, 120), fc2 (84x120, 84),
// fc3 (10x84, 10): parameter_count = 61,706.
//
// Exactness: lenet5_logits_reference<F> computes the same integer steps in
// plaintext with floor for every truncation (pooled convolution and
// fully-connected outputs); the shared run may land one ulp higher at each of
// them (mpc/truncation.hpp), so its logits differ from the reference by a
// few ulps and its class differs only when two logits are that close.
// tests/ml checks both on Rep3 and Beaver; the [.slow] test and
// benchmarks/ml_models measure accuracy on Fashion-MNIST against the
// plaintext fixed-point model.
//
// Costs per image (Rep3): matrix products (convolution and pooling fused)
// resharing 6*196 + 16*25 + 120 + 84 + 10 elements, ReLU comparisons on 1,176 + 400 + 204 values, one
// argmax of 10 (4 comparison levels); rounds independent of the batch.
// Range duties: pixels in [0, 1], trained weights far below 2^7 at F = 16.
//
// Security: as the protocol's (semi-honest; protocol.hpp). Throws
// InvalidArgument for parameter or image batches of the wrong size and
// datasets that are not 28x28 images with labels 0..9; plus what the
// protocol throws. Thread safety: LeNet5 is a value type; the shared
// functions as the protocol object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/core/ring.hpp"
#include "privfin/ml/dataset.hpp"
#include "privfin/mpc/conv.hpp"
#include "privfin/mpc/detail/gather.hpp"
#include "privfin/mpc/matrix.hpp"
#include "privfin/mpc/nonlinear.hpp"
#include "privfin/mpc/pool.hpp"
#include "privfin/mpc/protocol.hpp"
#include "privfin/mpc/select.hpp"
#include "privfin/mpc/truncation.hpp"
#include "privfin/sharing/fixed.hpp"

namespace privfin::ml {

using Ring = Z2k<64>;

struct LeNetTraining {
  std::size_t epochs = 1;
  std::size_t batch = 32;
  double learning_rate = 0.05;
  std::uint64_t seed = 1;  // the order of the examples
};

// Where each parameter block starts in the flat parameter vector.
struct LeNetLayout {
  static constexpr std::size_t c1w = 0, c1b = c1w + 6 * 25, c2w = c1b + 6, c2b = c2w + 16 * 6 * 25, f1w = c2b + 16,
                               f1b = f1w + 120 * 400, f2w = f1b + 120, f2b = f2w + 84 * 120, f3w = f2b + 84,
                               f3b = f3w + 10 * 84, end = f3b + 10;
};

class LeNet5 {
 public:
  static constexpr std::size_t parameter_count = LeNetLayout::end;
  static constexpr std::size_t pixels = 28 * 28;
  static constexpr std::size_t classes = 10;

  // He-initialised weights, zero biases; deterministic in the seed.
  [[nodiscard]] static LeNet5 initial(std::uint64_t seed);
  explicit LeNet5(std::vector<double> params);

  // images: count x 784 values in [0, 1]; returns count x 10 logits.
  [[nodiscard]] std::vector<double> logits(std::span<const double> images, std::size_t count) const;
  [[nodiscard]] std::vector<int> predict(std::span<const double> images, std::size_t count) const;
  // Mini-batch SGD on softmax cross-entropy; d: 784 features, labels 0..9.
  void train(const Dataset& d, const LeNetTraining& options);

  [[nodiscard]] const std::vector<double>& parameters() const noexcept { return params_; }

 private:
  std::vector<double> params_;
};

// The parameters as sharing::Fixed<F> encodings.
template <unsigned F>
[[nodiscard]] std::vector<Ring> quantize(const LeNet5& net) {
  return sharing::Fixed<F>::encode(net.parameters());
}

// The fraction of predictions equal to the labels.
[[nodiscard]] double class_accuracy(std::span<const int> predicted, std::span<const int> labels);

namespace detail {
inline constexpr mpc::Conv2dShape lenet_conv1(std::size_t b) {
  return {.batch = b, .channels = 1, .height = 28, .width = 28, .filters = 6, .kernel = 5, .stride = 1, .padding = 2};
}
inline constexpr mpc::Conv2dShape lenet_conv2(std::size_t b) {
  return {.batch = b, .channels = 6, .height = 14, .width = 14, .filters = 16, .kernel = 5, .stride = 1, .padding = 0};
}
inline constexpr mpc::Pool2dShape lenet_pool1(std::size_t b) {
  return {.batch = b, .channels = 6, .height = 28, .width = 28, .window = 2, .stride = 2};
}
inline constexpr mpc::Pool2dShape lenet_pool2(std::size_t b) {
  return {.batch = b, .channels = 16, .height = 10, .width = 10, .window = 2, .stride = 2};
}

inline void check_lenet(const char* where, std::size_t params, std::size_t images, std::size_t count) {
  if (params != LeNet5::parameter_count || count == 0 || images != count * LeNet5::pixels) {
    throw InvalidArgument(std::string(where) + ": " + std::to_string(params) + " parameters (want " +
                          std::to_string(LeNet5::parameter_count) + ") and " + std::to_string(images) +
                          " pixels for " + std::to_string(count) + " images of 784");
  }
}

template <mpc::Protocol P>
typename P::Arith block(P& p, const typename P::Arith& params, std::size_t from, std::size_t to) {
  std::vector<std::size_t> index(to - from);
  for (std::size_t k = 0; k < index.size(); ++k) index[k] = from + k;
  return mpc::detail::gather(p, params, index, "ml::lenet5");
}

// x (count x in) -> trunc(x W^T, F) + b for W (out x in).
template <unsigned F, mpc::Protocol P>
typename P::Arith dense(P& p, const typename P::Arith& x, const typename P::Arith& w, const typename P::Arith& b,
                        std::size_t count, std::size_t in, std::size_t out) {
  const auto z = mpc::trunc(p, mpc::matmul(p, x, mpc::transpose(p, w, out, in), count, in, out), F);
  std::vector<std::size_t> rep(count * out);
  for (std::size_t k = 0; k < rep.size(); ++k) rep[k] = k % out;
  return p.add(z, mpc::detail::gather(p, b, rep, "ml::lenet5"));
}

inline Ring floor_shift_lenet(Ring v, unsigned d) { return Ring::from_signed(v.as_signed() >> d); }
inline void relu_in_place(std::vector<Ring>& v) {
  for (auto& e : v) {
    if (e.msb()) e = Ring{};
  }
}
template <unsigned F>
std::vector<Ring> dense_reference(const std::vector<Ring>& x, std::span<const Ring> params, std::size_t w_at,
                                  std::size_t b_at, std::size_t count, std::size_t in, std::size_t out) {
  std::vector<Ring> z(count * out);
  for (std::size_t r = 0; r < count; ++r) {
    for (std::size_t o = 0; o < out; ++o) {
      Ring acc{};
      for (std::size_t i = 0; i < in; ++i) acc += x[r * in + i] * params[w_at + o * in + i];
      z[r * out + o] = floor_shift_lenet(acc, F) + params[b_at + o];
    }
  }
  return z;
}
}  // namespace detail

// Shared logits (count x 10, F fractional bits) of shared images under shared parameters.
template <unsigned F, mpc::Protocol P>
  requires(F >= 8 && F <= 24)
[[nodiscard]] typename P::Arith lenet5_logits(P& p, const typename P::Arith& params, const typename P::Arith& images,
                                              std::size_t count) {
  using L = LeNetLayout;
  detail::check_lenet("ml::lenet5_logits", params.size(), images.size(), count);
  auto blk = [&](std::size_t from, std::size_t to) { return detail::block(p, params, from, to); };
  // Convolution and 2x2 average pooling fused (mpc/conv.hpp), then ReLU.
  auto a = mpc::relu(p, mpc::conv2d_avg_pool<F>(p, images, blk(L::c1w, L::c1b), blk(L::c1b, L::c2w),
                                                detail::lenet_conv1(count), 2));
  a = mpc::relu(p, mpc::conv2d_avg_pool<F>(p, a, blk(L::c2w, L::c2b), blk(L::c2b, L::f1w), detail::lenet_conv2(count),
                                           2));  // count x 16 x 5 x 5 = count x 400
  a = mpc::relu(p, detail::dense<F>(p, a, blk(L::f1w, L::f1b), blk(L::f1b, L::f2w), count, 400, 120));
  a = mpc::relu(p, detail::dense<F>(p, a, blk(L::f2w, L::f2b), blk(L::f2b, L::f3w), count, 120, 84));
  return detail::dense<F>(p, a, blk(L::f3w, L::f3b), blk(L::f3b, L::end), count, 84, 10);
}

// The shared class (0..9) of each image.
template <unsigned F, mpc::Protocol P>
  requires(F >= 8 && F <= 24)
[[nodiscard]] typename P::Arith lenet5_classify(P& p, const typename P::Arith& params, const typename P::Arith& images,
                                                std::size_t count) {
  return mpc::argmax(p, lenet5_logits<F>(p, params, images, count), LeNet5::classes).second;
}

// The plaintext fixed-point logits the shared run reproduces (up to an ulp per truncation).
template <unsigned F>
  requires(F >= 8 && F <= 24)
[[nodiscard]] std::vector<Ring> lenet5_logits_reference(std::span<const Ring> params, std::span<const Ring> images,
                                                        std::size_t count) {
  using L = LeNetLayout;
  detail::check_lenet("ml::lenet5_logits_reference", params.size(), images.size(), count);
  auto sub = [&](std::size_t from, std::size_t to) { return params.subspan(from, to - from); };
  auto a = mpc::conv2d_avg_pool_reference<F>(images, sub(L::c1w, L::c1b), sub(L::c1b, L::c2w),
                                             detail::lenet_conv1(count), 2);
  detail::relu_in_place(a);
  a = mpc::conv2d_avg_pool_reference<F>(a, sub(L::c2w, L::c2b), sub(L::c2b, L::f1w), detail::lenet_conv2(count), 2);
  detail::relu_in_place(a);
  a = detail::dense_reference<F>(a, params, L::f1w, L::f1b, count, 400, 120);
  detail::relu_in_place(a);
  a = detail::dense_reference<F>(a, params, L::f2w, L::f2b, count, 120, 84);
  detail::relu_in_place(a);
  return detail::dense_reference<F>(a, params, L::f3w, L::f3b, count, 84, 10);
}

// Argmax per row of 10 (ties to the lower class), on encodings.
[[nodiscard]] std::vector<int> classes_of(std::span<const Ring> logits);

}  // namespace privfin::ml
