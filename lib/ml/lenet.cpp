// privfin/ml/lenet.hpp: the plaintext LeNet-5 (forward pass and the SGD
// trainer, double precision) and the plaintext helpers.
#include "privfin/ml/lenet.hpp"

#include <algorithm>
#include <cmath>

#include "privfin/core/prg.hpp"

namespace privfin::ml {

namespace {

using L = LeNetLayout;

Prg prg_of(std::uint64_t seed, std::uint64_t stream) {
  Prg::Seed s{};
  for (std::size_t i = 0; i < 8; ++i) {
    s[i] = static_cast<std::byte>((seed >> (8 * i)) & 0xFFU);
    s[8 + i] = static_cast<std::byte>((stream >> (8 * i)) & 0xFFU);
  }
  return Prg(s);
}

double unit(Prg& prg) { return static_cast<double>(prg.next_u64() >> 11) * 0x1p-53; }

// Convolution (im2col form) of count images: out[b][f][q] = sum_k w[f][k] col[b][q][k] + bias[f].
struct Conv {
  mpc::Conv2dShape shape;
  std::vector<std::size_t> index;  // im2col
  std::size_t w_at, b_at;
};

Conv make_conv(const mpc::Conv2dShape& s, std::size_t w_at, std::size_t b_at) {
  return {s, mpc::im2col_index(s), w_at, b_at};
}

void conv_forward(const Conv& c, const std::vector<double>& p, const std::vector<double>& in, std::vector<double>& out) {
  const auto& s = c.shape;
  const std::size_t pos = s.out_height() * s.out_width(), patch = s.patch_size();
  out.assign(s.output_size(), 0.0);
  std::vector<double> col(patch);
  for (std::size_t b = 0; b < s.batch; ++b) {
    for (std::size_t q = 0; q < pos; ++q) {
      for (std::size_t k = 0; k < patch; ++k) {
        const std::size_t i = c.index[(b * pos + q) * patch + k];
        col[k] = i == mpc::detail::no_element ? 0.0 : in[i];
      }
      for (std::size_t f = 0; f < s.filters; ++f) {
        double acc = p[c.b_at + f];
        const double* w = &p[c.w_at + f * patch];
        for (std::size_t k = 0; k < patch; ++k) acc += w[k] * col[k];
        out[(b * s.filters + f) * pos + q] = acc;
      }
    }
  }
}

void conv_backward(const Conv& c, const std::vector<double>& p, const std::vector<double>& in,
                   const std::vector<double>& dout, std::vector<double>& grad, std::vector<double>* din) {
  const auto& s = c.shape;
  const std::size_t pos = s.out_height() * s.out_width(), patch = s.patch_size();
  if (din != nullptr) din->assign(s.input_size(), 0.0);
  std::vector<double> col(patch), dcol(patch);
  for (std::size_t b = 0; b < s.batch; ++b) {
    for (std::size_t q = 0; q < pos; ++q) {
      for (std::size_t k = 0; k < patch; ++k) {
        const std::size_t i = c.index[(b * pos + q) * patch + k];
        col[k] = i == mpc::detail::no_element ? 0.0 : in[i];
      }
      std::fill(dcol.begin(), dcol.end(), 0.0);
      for (std::size_t f = 0; f < s.filters; ++f) {
        const double g = dout[(b * s.filters + f) * pos + q];
        if (g == 0.0) continue;
        grad[c.b_at + f] += g;
        double* gw = &grad[c.w_at + f * patch];
        const double* w = &p[c.w_at + f * patch];
        for (std::size_t k = 0; k < patch; ++k) {
          gw[k] += g * col[k];
          dcol[k] += g * w[k];
        }
      }
      if (din != nullptr) {
        for (std::size_t k = 0; k < patch; ++k) {
          const std::size_t i = c.index[(b * pos + q) * patch + k];
          if (i != mpc::detail::no_element) (*din)[i] += dcol[k];
        }
      }
    }
  }
}

void pool_forward(const mpc::Pool2dShape& s, const std::vector<double>& in, std::vector<double>& out) {
  const auto index = mpc::pool_index(s);
  out.assign(s.output_size(), 0.0);
  for (std::size_t o = 0; o < out.size(); ++o) {
    out[o] = 0.25 * (in[index[4 * o]] + in[index[4 * o + 1]] + in[index[4 * o + 2]] + in[index[4 * o + 3]]);
  }
}

void pool_backward(const mpc::Pool2dShape& s, const std::vector<double>& dout, std::vector<double>& din) {
  const auto index = mpc::pool_index(s);
  din.assign(s.input_size(), 0.0);
  for (std::size_t o = 0; o < dout.size(); ++o) {
    for (std::size_t j = 0; j < 4; ++j) din[index[4 * o + j]] += 0.25 * dout[o];
  }
}

void relu(std::vector<double>& v) {
  for (auto& x : v) x = std::max(x, 0.0);
}

// dx *= [activation > 0]
void relu_backward(const std::vector<double>& activation, std::vector<double>& d) {
  for (std::size_t k = 0; k < d.size(); ++k) {
    if (activation[k] <= 0.0) d[k] = 0.0;
  }
}

void dense_forward(const std::vector<double>& p, std::size_t w_at, std::size_t b_at, const std::vector<double>& x,
                   std::size_t count, std::size_t in, std::size_t out, std::vector<double>& y) {
  y.assign(count * out, 0.0);
  for (std::size_t r = 0; r < count; ++r) {
    for (std::size_t o = 0; o < out; ++o) {
      double acc = p[b_at + o];
      const double* w = &p[w_at + o * in];
      const double* xr = &x[r * in];
      for (std::size_t i = 0; i < in; ++i) acc += w[i] * xr[i];
      y[r * out + o] = acc;
    }
  }
}

void dense_backward(const std::vector<double>& p, std::size_t w_at, std::size_t b_at, const std::vector<double>& x,
                    std::size_t count, std::size_t in, std::size_t out, const std::vector<double>& dy,
                    std::vector<double>& grad, std::vector<double>& dx) {
  dx.assign(count * in, 0.0);
  for (std::size_t r = 0; r < count; ++r) {
    for (std::size_t o = 0; o < out; ++o) {
      const double g = dy[r * out + o];
      grad[b_at + o] += g;
      double* gw = &grad[w_at + o * in];
      const double* w = &p[w_at + o * in];
      for (std::size_t i = 0; i < in; ++i) {
        gw[i] += g * x[r * in + i];
        dx[r * in + i] += g * w[i];
      }
    }
  }
}

struct Activations {
  std::vector<double> z1, p1, z2, p2, h1, h2, out;
};

void forward(const std::vector<double>& p, const std::vector<double>& images, std::size_t count, Activations& a) {
  const Conv c1 = make_conv(detail::lenet_conv1(count), L::c1w, L::c1b);
  const Conv c2 = make_conv(detail::lenet_conv2(count), L::c2w, L::c2b);
  // Pooling before ReLU (pooling is linear): a quarter of the comparisons in MPC.
  conv_forward(c1, p, images, a.z1);
  pool_forward(detail::lenet_pool1(count), a.z1, a.p1);
  relu(a.p1);
  conv_forward(c2, p, a.p1, a.z2);
  pool_forward(detail::lenet_pool2(count), a.z2, a.p2);
  relu(a.p2);
  dense_forward(p, L::f1w, L::f1b, a.p2, count, 400, 120, a.h1);
  relu(a.h1);
  dense_forward(p, L::f2w, L::f2b, a.h1, count, 120, 84, a.h2);
  relu(a.h2);
  dense_forward(p, L::f3w, L::f3b, a.h2, count, 84, 10, a.out);
}

}  // namespace

LeNet5::LeNet5(std::vector<double> params) : params_(std::move(params)) {
  if (params_.size() != parameter_count) {
    throw InvalidArgument("ml::LeNet5: " + std::to_string(params_.size()) + " parameters, want " +
                          std::to_string(parameter_count));
  }
}

LeNet5 LeNet5::initial(std::uint64_t seed) {
  Prg prg = prg_of(seed, 7);
  std::vector<double> p(parameter_count, 0.0);
  // He initialisation, uniform with the same variance: limit sqrt(6 / fan_in).
  auto fill = [&](std::size_t from, std::size_t to, double fan_in) {
    const double limit = std::sqrt(6.0 / fan_in);
    for (std::size_t k = from; k < to; ++k) p[k] = limit * (2.0 * unit(prg) - 1.0);
  };
  fill(L::c1w, L::c1b, 25);
  fill(L::c2w, L::c2b, 150);
  fill(L::f1w, L::f1b, 400);
  fill(L::f2w, L::f2b, 120);
  fill(L::f3w, L::f3b, 84);
  return LeNet5(std::move(p));
}

std::vector<double> LeNet5::logits(std::span<const double> images, std::size_t count) const {
  if (count == 0 || images.size() != count * pixels) {
    throw InvalidArgument("ml::LeNet5::logits: " + std::to_string(images.size()) + " pixels for " +
                          std::to_string(count) + " images");
  }
  Activations a;
  forward(params_, std::vector<double>(images.begin(), images.end()), count, a);
  return a.out;
}

std::vector<int> LeNet5::predict(std::span<const double> images, std::size_t count) const {
  const auto z = logits(images, count);
  std::vector<int> out(count);
  for (std::size_t r = 0; r < count; ++r) {
    const auto row = z.begin() + static_cast<std::ptrdiff_t>(r * classes);
    out[r] = static_cast<int>(std::max_element(row, row + static_cast<std::ptrdiff_t>(classes)) - row);
  }
  return out;
}

void LeNet5::train(const Dataset& d, const LeNetTraining& o) {
  if (d.features != pixels || d.rows == 0 || o.batch == 0) {
    throw InvalidArgument("ml::LeNet5::train: " + std::to_string(d.rows) + " rows of " + std::to_string(d.features) +
                          " features (want 784), batch " + std::to_string(o.batch));
  }
  for (const int y : d.y) {
    if (y < 0 || y >= static_cast<int>(classes)) throw InvalidArgument("ml::LeNet5::train: a label outside 0..9");
  }
  Prg prg = prg_of(o.seed, 8);
  std::vector<std::size_t> order(d.rows);
  for (std::size_t r = 0; r < d.rows; ++r) order[r] = r;
  Activations a;
  std::vector<double> grad(parameter_count), images, d_out, d_h2, d_h1, d_p2, d_z2, d_p1, d_z1;
  for (std::size_t epoch = 0; epoch < o.epochs; ++epoch) {
    for (std::size_t r = d.rows; r > 1; --r) std::swap(order[r - 1], order[prg.next_u64() % r]);
    for (std::size_t start = 0; start < d.rows; start += o.batch) {
      const std::size_t count = std::min(o.batch, d.rows - start);
      images.resize(count * pixels);
      for (std::size_t i = 0; i < count; ++i) {
        std::copy_n(d.x.begin() + static_cast<std::ptrdiff_t>(order[start + i] * pixels), pixels,
                    images.begin() + static_cast<std::ptrdiff_t>(i * pixels));
      }
      forward(params_, images, count, a);
      // Softmax cross-entropy: d logits = softmax - onehot, averaged over the batch.
      d_out.assign(count * classes, 0.0);
      for (std::size_t i = 0; i < count; ++i) {
        const double* z = &a.out[i * classes];
        const double m = *std::max_element(z, z + classes);
        double sum = 0;
        for (std::size_t j = 0; j < classes; ++j) sum += std::exp(z[j] - m);
        for (std::size_t j = 0; j < classes; ++j) {
          const double target = static_cast<int>(j) == d.y[order[start + i]] ? 1.0 : 0.0;
          d_out[i * classes + j] = (std::exp(z[j] - m) / sum - target) / static_cast<double>(count);
        }
      }
      std::fill(grad.begin(), grad.end(), 0.0);
      dense_backward(params_, L::f3w, L::f3b, a.h2, count, 84, 10, d_out, grad, d_h2);
      relu_backward(a.h2, d_h2);
      dense_backward(params_, L::f2w, L::f2b, a.h1, count, 120, 84, d_h2, grad, d_h1);
      relu_backward(a.h1, d_h1);
      dense_backward(params_, L::f1w, L::f1b, a.p2, count, 400, 120, d_h1, grad, d_p2);
      relu_backward(a.p2, d_p2);
      pool_backward(detail::lenet_pool2(count), d_p2, d_z2);
      conv_backward(make_conv(detail::lenet_conv2(count), L::c2w, L::c2b), params_, a.p1, d_z2, grad, &d_p1);
      relu_backward(a.p1, d_p1);
      pool_backward(detail::lenet_pool1(count), d_p1, d_z1);
      conv_backward(make_conv(detail::lenet_conv1(count), L::c1w, L::c1b), params_, images, d_z1, grad, nullptr);
      for (std::size_t k = 0; k < parameter_count; ++k) params_[k] -= o.learning_rate * grad[k];
    }
  }
}

double class_accuracy(std::span<const int> predicted, std::span<const int> labels) {
  if (predicted.size() != labels.size() || predicted.empty()) {
    throw InvalidArgument("ml::class_accuracy: " + std::to_string(predicted.size()) + " predictions for " +
                          std::to_string(labels.size()) + " labels");
  }
  std::size_t right = 0;
  for (std::size_t k = 0; k < predicted.size(); ++k) right += predicted[k] == labels[k] ? 1U : 0U;
  return static_cast<double>(right) / static_cast<double>(predicted.size());
}

std::vector<int> classes_of(std::span<const Ring> logits) {
  if (logits.size() % LeNet5::classes != 0) throw InvalidArgument("ml::classes_of: not rows of 10 logits");
  std::vector<int> out(logits.size() / LeNet5::classes);
  for (std::size_t r = 0; r < out.size(); ++r) {
    std::size_t best = 0;
    for (std::size_t j = 1; j < LeNet5::classes; ++j) {
      if (logits[r * 10 + j].as_signed() > logits[r * 10 + best].as_signed()) best = j;
    }
    out[r] = static_cast<int>(best);
  }
  return out;
}

}  // namespace privfin::ml
