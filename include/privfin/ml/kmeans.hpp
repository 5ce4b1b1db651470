// privfin/ml/kmeans.hpp — k-means clustering (Lloyd's iterations) on
// secret-shared points, with secure assignment and secure centroid update,
// written once against mpc::Protocol (Rep3, Beaver); and the plaintext
// fixed-point reference it follows.
//
//   auto x = ml::share_rows(p, counts, my_points_encoded, features);    // horizontal partition
//   auto c0 = ml::slice_rows(p, x, 0, k, features);                      // or any shared start
//   auto c = ml::kmeans<16>(p, x, c0, rows, features, {.clusters = k, .iterations = 10});
//   auto labels = ml::kmeans_assign<16>(p, x, c, rows, features, k);     // shared one-hot rows
//
// One iteration:
//   assignment: for every point r and cluster j the score |c_j|^2 - 2 x_r.c_j
//     (= |x_r - c_j|^2 - |x_r|^2, the same argmin), exact at 2F fractional
//     bits (one matrix product of rows x features by features x clusters, no
//     truncation); argmin over each row of `clusters` (mpc/nonlinear.hpp:
//     exact, ties to the lower index), then its one-hot row;
//   update: per cluster the sum of its points (one matrix product, exact)
//     and its count (local); new centroid = sum / count by mpc::divide_in
//     (counts in [1, rows]: |error| <= 2^-20 |centroid| + 2^-23 |sum| + 2 ulp);
//     a cluster that lost all its points keeps its centroid (one equality
//     test per cluster).
// kmeans_reference<F> runs the same steps in plaintext with exact integer
// division (floor); the shared run's centroids differ from it by the
// division's error, a few ulps, so assignments agree except for points
// equidistant within that margin (tests/ml measure it).
//
// Costs per iteration (Rep3): rows*clusters comparisons in ceil(log2
// clusters) tournament levels, rows*clusters equality tests, two matrix
// products (resharing rows*clusters and clusters*features elements), one
// division of clusters*features elements; rounds independent of rows.
// Range duties: coordinates below 2^7 in magnitude at F = 16 (so the
// 2F-bit scores stay far inside 2^62: |scores| <= features * 2^(2F+15));
// rows < 2^24.
//
// Security: as the protocol's (semi-honest; protocol.hpp); cluster sizes
// stay secret. Throws InvalidArgument for sizes that do not fit, zero
// clusters, or rows >= 2^24; plus what the protocol throws. Thread safety:
// as the protocol object.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/core/ring.hpp"
#include "privfin/mpc/compare.hpp"
#include "privfin/mpc/convert.hpp"
#include "privfin/mpc/detail/gather.hpp"
#include "privfin/mpc/division.hpp"
#include "privfin/mpc/matrix.hpp"
#include "privfin/mpc/nonlinear.hpp"
#include "privfin/mpc/protocol.hpp"

namespace privfin::ml {

using Ring = Z2k<64>;

struct KMeansOptions {
  std::size_t clusters = 5;
  std::size_t iterations = 5;
};

namespace detail {
inline void check_kmeans(const char* where, std::size_t x, std::size_t c, std::size_t rows, std::size_t features,
                         std::size_t clusters) {
  if (rows == 0 || features == 0 || clusters == 0 || x != rows * features || c != clusters * features ||
      rows >= (std::size_t{1} << 24)) {
    throw InvalidArgument(std::string(where) + ": " + std::to_string(x) + " point values and " + std::to_string(c) +
                          " centroid values do not fit " + std::to_string(rows) + " rows (< 2^24) of " +
                          std::to_string(features) + " features and " + std::to_string(clusters) + " clusters");
  }
}
}  // namespace detail

// Rows [first, first + count) of a shared row-major matrix (local).
template <mpc::Protocol P>
[[nodiscard]] typename P::Arith slice_rows(P& p, const typename P::Arith& x, std::size_t first, std::size_t count,
                                           std::size_t width) {
  std::vector<std::size_t> index(count * width);
  for (std::size_t k = 0; k < index.size(); ++k) index[k] = first * width + k;
  return mpc::detail::gather(p, x, index, "ml::slice_rows");
}

// Shared one-hot rows (rows x clusters): the nearest centroid of every point.
template <unsigned F, mpc::Protocol P>
[[nodiscard]] typename P::Arith kmeans_assign(P& p, const typename P::Arith& x, const typename P::Arith& c,
                                              std::size_t rows, std::size_t features, std::size_t clusters) {
  detail::check_kmeans("ml::kmeans_assign", x.size(), c.size(), rows, features, clusters);
  // |c_j|^2 at 2F bits, then score[r][j] = |c_j|^2 - 2 x_r . c_j.
  const auto norms = p.dot(c, c, features);
  const auto cross = mpc::matmul(p, x, mpc::transpose(p, c, clusters, features), rows, features, clusters);
  std::vector<std::size_t> rep(rows * clusters);
  for (std::size_t k = 0; k < rep.size(); ++k) rep[k] = k % clusters;
  const auto scores = p.sub(mpc::detail::gather(p, norms, rep, "ml::kmeans_assign"), p.mul_public(cross, Ring{2}));
  const auto [best, index] = mpc::argmin(p, scores, clusters);
  return mpc::onehot(p, index, clusters);
}

template <unsigned F, mpc::Protocol P>
  requires(F >= 8 && F <= 24)
[[nodiscard]] typename P::Arith kmeans(P& p, const typename P::Arith& x, const typename P::Arith& initial,
                                       std::size_t rows, std::size_t features, const KMeansOptions& o) {
  using Arith = typename P::Arith;
  const std::size_t k = o.clusters;
  detail::check_kmeans("ml::kmeans", x.size(), initial.size(), rows, features, k);
  const int hi = static_cast<int>(std::bit_width(rows));  // counts in [1, rows] < 2^hi
  const mpc::Log2Range counts_range{.lo = 0, .hi = std::max(hi, 1)};
  Arith c = initial;
  for (std::size_t it = 0; it < o.iterations; ++it) {
    const Arith hot = kmeans_assign<F>(p, x, c, rows, features, k);                      // rows x k
    const Arith sums = mpc::matmul(p, mpc::transpose(p, hot, rows, k), x, k, rows, features);  // k x features
    const Arith counts = mpc::detail::block_sums(p, mpc::transpose(p, hot, rows, k), rows);  // k
    const Arith empty = mpc::b2a(p, mpc::eq(p, counts, p.constant(std::vector<Ring>(k))), k);
    // Counts as fixed point, at least one; one per centroid coordinate.
    const Arith safe = p.mul_public(p.add(counts, empty), Ring{std::uint64_t{1} << F});
    std::vector<std::size_t> per_coord(k * features);
    for (std::size_t j = 0; j < per_coord.size(); ++j) per_coord[j] = j / features;
    const Arith q = mpc::divide_in<F>(p, sums, mpc::detail::gather(p, safe, per_coord, "ml::kmeans"), counts_range);
    const Arith keep = mpc::detail::gather(p, empty, per_coord, "ml::kmeans");
    c = p.add(q, p.mul(keep, p.sub(c, q)));
  }
  return c;
}

// The same iterations in plaintext on encodings: exact assignment, floor division.
template <unsigned F>
  requires(F >= 8 && F <= 24)
[[nodiscard]] std::vector<Ring> kmeans_reference(std::span<const Ring> x, std::span<const Ring> initial,
                                                 std::size_t rows, std::size_t features, const KMeansOptions& o) {
  const std::size_t k = o.clusters;
  detail::check_kmeans("ml::kmeans_reference", x.size(), initial.size(), rows, features, k);
  std::vector<Ring> c(initial.begin(), initial.end());
  for (std::size_t it = 0; it < o.iterations; ++it) {
    std::vector<std::int64_t> sums(k * features, 0);
    std::vector<std::int64_t> counts(k, 0);
    for (std::size_t r = 0; r < rows; ++r) {
      std::size_t best = 0;
      Ring best_score{};
      for (std::size_t j = 0; j < k; ++j) {
        Ring score{};
        for (std::size_t f = 0; f < features; ++f) {
          score += c[j * features + f] * c[j * features + f] - Ring{2} * x[r * features + f] * c[j * features + f];
        }
        if (j == 0 || score.as_signed() < best_score.as_signed()) {
          best = j;
          best_score = score;
        }
      }
      ++counts[best];
      for (std::size_t f = 0; f < features; ++f) sums[best * features + f] += x[r * features + f].as_signed();
    }
    for (std::size_t j = 0; j < k; ++j) {
      if (counts[j] == 0) continue;
      for (std::size_t f = 0; f < features; ++f) {
        const std::int64_t s = sums[j * features + f];
        const std::int64_t q = s / counts[j] - ((s % counts[j]) < 0 ? 1 : 0);  // floor
        c[j * features + f] = Ring::from_signed(q);
      }
    }
  }
  return c;
}

// Plaintext: the index of the nearest centroid of every point (ties to the lower index).
template <unsigned F>
[[nodiscard]] std::vector<std::size_t> kmeans_assign_reference(std::span<const Ring> x, std::span<const Ring> c,
                                                               std::size_t rows, std::size_t features,
                                                               std::size_t clusters) {
  detail::check_kmeans("ml::kmeans_assign_reference", x.size(), c.size(), rows, features, clusters);
  std::vector<std::size_t> out(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    Ring best{};
    for (std::size_t j = 0; j < clusters; ++j) {
      Ring score{};
      for (std::size_t f = 0; f < features; ++f) {
        score += c[j * features + f] * c[j * features + f] - Ring{2} * x[r * features + f] * c[j * features + f];
      }
      if (j == 0 || score.as_signed() < best.as_signed()) {
        best = score;
        out[r] = j;
      }
    }
  }
  return out;
}

}  // namespace privfin::ml
