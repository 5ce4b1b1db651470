// privfin/ml/dataset.hpp — plaintext tabular data for the models of the ml
// layer: a labelled matrix, a CSV reader, a synthetic set with the shape of
// UCI Adult, splits between banks, and fixed-point encoding.
//
//   ml::Dataset d = ml::synthetic_binary(48'842, 124, seed);   // Adult's shape
//   ml::Dataset w = ml::read_csv("wdbc.csv", "diagnosis");      // label column 0/1
//   ml::scale_to_unit(w);                                        // every feature into [0, 1]
//   auto [train, test] = ml::split_rows(w, 400);
//   std::vector<Z2k<64>> x = ml::encode_features<16>(train);    // row-major encodings
//
// Dataset: `rows` x `features` doubles (row-major) and one 0/1 label per
// row. synthetic_binary: features are 0/1 (as Adult's 124 one-hot columns
// in its usual binarised form, a9a), about 14 of them set per row, labels
// drawn from a hidden logistic model with noise, so a linear model reaches
// about 80-85 % accuracy (Adult's level); deterministic in the seed.
// read_csv / parse_csv: a header line of names (each may be in double
// quotes, as Python and R write them), then rows of numbers; the label
// column (by name) must hold 0 and 1 only (or two distinct values named by
// `positive`: that value is 1, any other 0; or, with `LabelAbove{t}`, a
// number: 1 when it is above t, as "had any affairs" in Fair's data set).
//
//   // python3-statsmodels ships Fair (1978): 6,366 rows, 8 features
//   auto f = ml::read_csv(ml::fair_csv_path, "affairs", ml::LabelAbove{0.0});
//
// Costs: linear in the data. Throws InvalidArgument for bad arguments
// (zero sizes, a split past the end), DecodeError for a malformed CSV
// (naming the line and column, never a value), plus I/O errors as
// InvalidArgument naming the path. Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "privfin/core/ring.hpp"
#include "privfin/sharing/fixed.hpp"

namespace privfin::ml {

struct Dataset {
  std::size_t rows = 0;
  std::size_t features = 0;
  std::vector<double> x;   // rows * features, row-major
  std::vector<int> y;      // rows labels, 0 or 1
  std::vector<std::string> names;  // feature names (may be empty)

  [[nodiscard]] double at(std::size_t r, std::size_t f) const { return x[r * features + f]; }
};

[[nodiscard]] Dataset synthetic_binary(std::size_t rows, std::size_t features, std::uint64_t seed);

// Gaussian blobs for clustering: `clusters` centres in [-4, 4]^features,
// points around them with standard deviation 1; y holds the true cluster.
[[nodiscard]] Dataset synthetic_blobs(std::size_t rows, std::size_t features, std::size_t clusters,
                                      std::uint64_t seed);

// `positive`: the label value that counts as 1 (any other value is 0); without
// it the label column must hold 0 and 1 only. Text labels are allowed with `positive`.
[[nodiscard]] Dataset parse_csv(std::string_view text, std::string_view label,
                                std::optional<std::string> positive = std::nullopt);
[[nodiscard]] Dataset read_csv(const std::filesystem::path& path, std::string_view label,
                               std::optional<std::string> positive = std::nullopt);

// A numeric label column turned into 0/1: 1 when the value is above `threshold`.
struct LabelAbove {
  double threshold = 0.0;
};
[[nodiscard]] Dataset parse_csv(std::string_view text, std::string_view label, LabelAbove rule);
[[nodiscard]] Dataset read_csv(const std::filesystem::path& path, std::string_view label, LabelAbove rule);

// Where Debian's python3-statsmodels (scripts/deps.sh installs it) keeps
// Fair's "Affairs" survey (Redbook, 1974; R. Fair, Journal of Political
// Economy 86, 1978): 6,366 women, 8 numeric features, `affairs` a rate.
// The largest real tabular classification set we found in Debian's
// packages as a plain CSV (docs/ml.md, "Data sets").
inline const std::filesystem::path fair_csv_path =
    "/usr/lib/python3/dist-packages/statsmodels/datasets/fair/fair.csv";

// Each feature linearly into [0, 1] (constant features become 0); returns the (min, max) used.
std::vector<std::pair<double, double>> scale_to_unit(Dataset& d);
void apply_scaling(Dataset& d, const std::vector<std::pair<double, double>>& ranges);

// Rows [0, first) and [first, rows).
[[nodiscard]] std::pair<Dataset, Dataset> split_rows(const Dataset& d, std::size_t first);
// Columns [from, to) of every row (labels kept).
[[nodiscard]] Dataset columns(const Dataset& d, std::size_t from, std::size_t to);
// Rows in a deterministic random order.
[[nodiscard]] Dataset shuffled(const Dataset& d, std::uint64_t seed);

// sharing::Fixed<F> encodings of the features (row-major) and of the labels (0 or 2^F).
template <unsigned F>
[[nodiscard]] std::vector<Z2k<64>> encode_features(const Dataset& d) {
  return sharing::Fixed<F>::encode(d.x);
}
template <unsigned F>
[[nodiscard]] std::vector<Z2k<64>> encode_labels(const Dataset& d) {
  std::vector<Z2k<64>> out(d.rows);
  for (std::size_t r = 0; r < d.rows; ++r) out[r] = d.y[r] != 0 ? sharing::Fixed<F>::one : Z2k<64>{};
  return out;
}

}  // namespace privfin::ml
