// privfin/ml/logistic_regression.hpp — logistic regression trained by
// mini-batch gradient descent on secret-shared data, written once against
// mpc::Protocol (Rep3, Beaver), with the plaintext fixed-point reference it
// reproduces.
//
//   // Horizontal partition: every bank inputs its own rows (counts[i] rows at party i).
//   auto x = ml::share_rows(p, counts, my_rows_encoded, features);
//   auto y = ml::share_rows(p, counts, my_labels_encoded, 1);
//   // (or vertical: ml::share_columns(p, widths, my_columns_encoded, rows))
//   ml::LogisticOptions opt{.epochs = 2, .batch = 128, .learning_log2 = 0};
//   auto w = ml::train_logistic<16>(p, x, y, rows, features, opt);    // shared weights
//   auto model = p.reveal_to(0, w);                                    // only where configured
//   auto z = ml::logistic_scores<16>(p, x_new, w, n, features);         // shared scores
//   auto approve = ml::classify(p, z);                                 // shared 0/1: z >= 0
//
// The model: features + 1 weights at F fractional bits (the intercept
// last; the data get a constant-1 column). Training, per mini-batch of
// `batch` consecutive rows (rows past the last full batch are not used):
//   z = trunc(X_b w, F); s = sigmoid_pwl<F>(z) (mpc/nonlinear.hpp);
//   w <- w - trunc((s - y_b)^T X_b, F + log2(batch) - learning_log2),
// i.e. the gradient of the log-loss averaged over the batch, times the
// learning rate 2^learning_log2. train_logistic_reference<F> runs the same
// integer steps in plaintext with floor for every truncation; the shared
// run differs only in that each truncation may land one ulp higher
// (mpc/truncation.hpp), so its weights differ from the reference by a few
// ulps per step at most and its predictions agree on all but the points
// whose score is within that distance of 0 (tests/ml measure both).
//
// Costs per mini-batch (Rep3): two matrix products (each one resharing:
// batch and features + 1 elements), two truncations, one sigmoid_pwl of
// `batch` elements (21 comparisons each): about 20 message hops in
// sequence; traffic dominated by the comparisons (~1.2 kB per row).
// Range duties (the caller's): features in about [-8, 8] (e.g. scaled to
// [0, 1]), labels 0/1 encoded as 0 and 2^F, so every product stays far
// inside 2^62; F + log2(batch) - learning_log2 in [1, 62].
//
// Security: as the protocol's (semi-honest; protocol.hpp). Nothing but
// what the caller reveals leaves the shares; the number of rows, features
// and batches is public. Throws InvalidArgument for sizes that do not
// match, a batch that is not a power of two or larger than the data, an
// out-of-range shift, and for counts/widths that do not list every party;
// plus what the protocol throws. Thread safety: as the protocol object.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/core/ring.hpp"
#include "privfin/mpc/detail/gather.hpp"
#include "privfin/mpc/matrix.hpp"
#include "privfin/mpc/nonlinear.hpp"
#include "privfin/mpc/protocol.hpp"
#include "privfin/mpc/truncation.hpp"
#include "privfin/sharing/fixed.hpp"

namespace privfin::ml {

using Ring = Z2k<64>;

struct LogisticOptions {
  std::size_t epochs = 1;
  std::size_t batch = 128;  // a power of two
  int learning_log2 = 0;    // learning rate 2^learning_log2
};

namespace detail {
// check_data's label count when there are no labels.
inline constexpr std::size_t skip_labels = static_cast<std::size_t>(-1);

inline unsigned update_shift(unsigned f, const LogisticOptions& o, std::size_t rows) {
  if (o.batch == 0 || !std::has_single_bit(o.batch) || o.batch > rows) {
    throw InvalidArgument("ml::train_logistic: batch " + std::to_string(o.batch) +
                          " is not a power of two of at most " + std::to_string(rows) + " rows");
  }
  const int shift = static_cast<int>(f) + std::countr_zero(o.batch) - o.learning_log2;
  if (shift < 1 || shift > 62) {
    throw InvalidArgument("ml::train_logistic: learning rate 2^" + std::to_string(o.learning_log2) +
                          " gives update shift " + std::to_string(shift) + " outside [1, 62]");
  }
  return static_cast<unsigned>(shift);
}

inline void check_data(const char* where, std::size_t x, std::size_t y, std::size_t rows, std::size_t features) {
  if (rows == 0 || features == 0 || x != rows * features || (y != rows && y != detail::skip_labels)) {
    throw InvalidArgument(std::string(where) + ": " + std::to_string(x) + " features and " + std::to_string(y) +
                          " labels do not fit " + std::to_string(rows) + " rows of " + std::to_string(features));
  }
}

// x (rows x features) with a column of ones (2^F) appended.
template <unsigned F, mpc::Protocol P>
typename P::Arith with_intercept(P& p, const typename P::Arith& x, std::size_t rows, std::size_t features) {
  using Arith = typename P::Arith;
  const Arith one = p.constant(std::vector<Ring>{sharing::Fixed<F>::one});
  const Arith both = mpc::detail::concat(p, {&x, &one});
  std::vector<std::size_t> index(rows * (features + 1));
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t f = 0; f <= features; ++f) index[r * (features + 1) + f] = f < features ? r * features + f : rows * features;
  }
  return mpc::detail::gather(p, both, index, "ml::with_intercept");
}

template <mpc::Protocol P>
typename P::Arith slice(P& p, const typename P::Arith& x, std::size_t from, std::size_t count) {
  std::vector<std::size_t> index(count);
  for (std::size_t k = 0; k < count; ++k) index[k] = from + k;
  return mpc::detail::gather(p, x, index, "ml::slice");
}

inline Ring floor_shift(Ring v, unsigned d) { return Ring::from_signed(v.as_signed() >> d); }
}  // namespace detail

// --- input: horizontal and vertical partitions ---------------------------

// counts[i] rows of `width` values from party i (0-based network ids of the
// protocol), concatenated in party order; `mine` is this party's
// counts[party_id()] * width values (row-major). One input round per party
// with rows.
template <mpc::Protocol P>
[[nodiscard]] typename P::Arith share_rows(P& p, std::span<const std::size_t> counts, std::span<const Ring> mine,
                                           std::size_t width) {
  using Arith = typename P::Arith;
  if (counts.size() != p.party_count() || mine.size() != counts[p.party_id()] * width) {
    throw InvalidArgument("ml::share_rows: " + std::to_string(counts.size()) + " row counts for " +
                          std::to_string(p.party_count()) + " parties, or " + std::to_string(mine.size()) +
                          " values of party " + std::to_string(p.party_id()) + " for its rows of " +
                          std::to_string(width));
  }
  std::vector<Arith> parts;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] == 0) continue;
    parts.push_back(p.input(i, i == p.party_id() ? mine : std::span<const Ring>{}, counts[i] * width));
  }
  std::vector<const Arith*> ptrs;
  for (const auto& a : parts) ptrs.push_back(&a);
  return mpc::detail::concat(p, ptrs);
}

// Vertical partition: widths[i] columns of every one of `rows` rows from
// party i; the result is row-major rows x sum(widths), party i's columns
// after those of parties 0..i-1. `mine` is this party's rows x widths[i]
// values (row-major).
template <mpc::Protocol P>
[[nodiscard]] typename P::Arith share_columns(P& p, std::span<const std::size_t> widths, std::span<const Ring> mine,
                                              std::size_t rows) {
  using Arith = typename P::Arith;
  if (widths.size() != p.party_count() || mine.size() != rows * widths[p.party_id()]) {
    throw InvalidArgument("ml::share_columns: " + std::to_string(widths.size()) + " widths for " +
                          std::to_string(p.party_count()) + " parties, or " + std::to_string(mine.size()) +
                          " values of party " + std::to_string(p.party_id()) + " for " + std::to_string(rows) +
                          " rows");
  }
  const Arith blocks = share_rows(p, widths, mine, rows);  // party i: rows x widths[i], one after another
  std::size_t total = 0;
  for (const std::size_t w : widths) total += w;
  std::vector<std::size_t> index(rows * total);
  std::size_t base = 0, col = 0;
  for (const std::size_t w : widths) {
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t c = 0; c < w; ++c) index[r * total + col + c] = base + r * w + c;
    }
    base += rows * w;
    col += w;
  }
  return mpc::detail::gather(p, blocks, index, "ml::share_columns");
}

// --- training ---------------------------------------------------------------

template <unsigned F, mpc::Protocol P>
  requires(F >= 8 && F <= 24)
[[nodiscard]] typename P::Arith train_logistic(P& p, const typename P::Arith& x, const typename P::Arith& y,
                                               std::size_t rows, std::size_t features, const LogisticOptions& o) {
  detail::check_data("ml::train_logistic", x.size(), y.size(), rows, features);
  const unsigned shift = detail::update_shift(F, o, rows);
  const std::size_t d1 = features + 1, b = o.batch;
  auto w = p.constant(std::vector<Ring>(d1));
  for (std::size_t epoch = 0; epoch < o.epochs; ++epoch) {
    for (std::size_t start = 0; start + b <= rows; start += b) {
      // The batch's rows with their constant-1 column (built per batch: a
      // copy of the whole data set would cost more than the training).
      const auto xb = detail::with_intercept<F>(p, detail::slice(p, x, start * features, b * features), b, features);
      const auto yb = detail::slice(p, y, start, b);
      const auto z = mpc::trunc(p, mpc::matmul(p, xb, w, b, d1, 1), F);
      const auto e = p.sub(mpc::sigmoid_pwl<F>(p, z), yb);
      const auto g = mpc::matmul(p, e, xb, 1, b, d1);
      w = p.sub(w, mpc::trunc(p, g, shift));
    }
  }
  return w;
}

// The same steps in plaintext on encodings, every truncation a floor.
template <unsigned F>
  requires(F >= 8 && F <= 24)
[[nodiscard]] std::vector<Ring> train_logistic_reference(std::span<const Ring> x, std::span<const Ring> y,
                                                         std::size_t rows, std::size_t features,
                                                         const LogisticOptions& o) {
  detail::check_data("ml::train_logistic_reference", x.size(), y.size(), rows, features);
  const unsigned shift = detail::update_shift(F, o, rows);
  const std::size_t d = features, b = o.batch;
  std::vector<Ring> w(d + 1);
  std::vector<Ring> e(b);
  for (std::size_t epoch = 0; epoch < o.epochs; ++epoch) {
    for (std::size_t start = 0; start + b <= rows; start += b) {
      for (std::size_t i = 0; i < b; ++i) {
        const std::size_t r = start + i;
        Ring acc = sharing::Fixed<F>::one * w[d];
        for (std::size_t f = 0; f < d; ++f) acc += x[r * d + f] * w[f];
        e[i] = mpc::sigmoid_pwl_reference<F>(detail::floor_shift(acc, F)) - y[r];
      }
      for (std::size_t f = 0; f <= d; ++f) {
        Ring g{};
        for (std::size_t i = 0; i < b; ++i) g += e[i] * (f < d ? x[(start + i) * d + f] : sharing::Fixed<F>::one);
        w[f] -= detail::floor_shift(g, shift);
      }
    }
  }
  return w;
}

// --- scoring ------------------------------------------------------------------

// z = x w at F bits for rows x features data and features + 1 weights.
template <unsigned F, mpc::Protocol P>
  requires(F >= 8 && F <= 24)
[[nodiscard]] typename P::Arith logistic_scores(P& p, const typename P::Arith& x, const typename P::Arith& w,
                                                std::size_t rows, std::size_t features) {
  detail::check_data("ml::logistic_scores", x.size(), detail::skip_labels, rows, features);
  if (w.size() != features + 1) {
    throw InvalidArgument("ml::logistic_scores: " + std::to_string(w.size()) + " weights for " +
                          std::to_string(features) + " features (want features + 1)");
  }
  return mpc::trunc(p, mpc::matmul(p, detail::with_intercept<F>(p, x, rows, features), w, rows, features + 1, 1), F);
}

// Shared 0/1: score >= 0 (probability >= 1/2).
template <mpc::Protocol P>
[[nodiscard]] typename P::Arith classify(P& p, const typename P::Arith& scores) {
  return mpc::drelu(p, scores);
}

// Plaintext: floor(x w / 2^F) per row.
template <unsigned F>
[[nodiscard]] std::vector<Ring> logistic_scores_reference(std::span<const Ring> x, std::span<const Ring> w,
                                                          std::size_t rows, std::size_t features) {
  detail::check_data("ml::logistic_scores_reference", x.size(), detail::skip_labels, rows, features);
  if (w.size() != features + 1) throw InvalidArgument("ml::logistic_scores_reference: weights do not fit");
  std::vector<Ring> z(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    Ring acc = sharing::Fixed<F>::one * w[features];
    for (std::size_t f = 0; f < features; ++f) acc += x[r * features + f] * w[f];
    z[r] = detail::floor_shift(acc, F);
  }
  return z;
}

// The fraction of rows where [score >= 0] equals the label.
[[nodiscard]] inline double accuracy(std::span<const Ring> scores, std::span<const int> labels) {
  if (scores.size() != labels.size() || scores.empty()) {
    throw InvalidArgument("ml::accuracy: " + std::to_string(scores.size()) + " scores for " +
                          std::to_string(labels.size()) + " labels");
  }
  std::size_t right = 0;
  for (std::size_t r = 0; r < scores.size(); ++r) right += (!scores[r].msb()) == (labels[r] != 0) ? 1U : 0U;
  return static_cast<double>(right) / static_cast<double>(scores.size());
}

}  // namespace privfin::ml
