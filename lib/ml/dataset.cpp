// privfin/ml/dataset.hpp: synthetic sets, the CSV reader, splits and scaling.
#include "privfin/ml/dataset.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"

namespace privfin::ml {

namespace {

Prg::Seed seed_of(std::uint64_t s, std::uint64_t stream) {
  Prg::Seed seed{};
  for (std::size_t i = 0; i < 8; ++i) {
    seed[i] = static_cast<std::byte>((s >> (8 * i)) & 0xFFU);
    seed[8 + i] = static_cast<std::byte>((stream >> (8 * i)) & 0xFFU);
  }
  return seed;
}

// Uniform in [0, 1).
double unit(Prg& prg) { return static_cast<double>(prg.next_u64() >> 11) * 0x1p-53; }

double normal(Prg& prg) {
  // Box-Muller; 1 - unit() is in (0, 1].
  const double u = 1.0 - unit(prg), v = unit(prg);
  return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
}

void require_sizes(const char* where, std::size_t rows, std::size_t features) {
  if (rows == 0 || features == 0) {
    throw InvalidArgument(std::string(where) + ": " + std::to_string(rows) + " rows of " + std::to_string(features) +
                          " features");
  }
}

std::vector<std::string_view> split_line(std::string_view line) {
  std::vector<std::string_view> cells;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == ',') {
      std::string_view cell = line.substr(start, i - start);
      while (!cell.empty() && (cell.front() == ' ' || cell.front() == '\t')) cell.remove_prefix(1);
      while (!cell.empty() && (cell.back() == ' ' || cell.back() == '\t' || cell.back() == '\r')) cell.remove_suffix(1);
      // A quoted cell ("name", as Python's and R's writers quote headers);
      // quotes inside a cell are not supported and stay, so such a cell is
      // refused as a number and matches no column name.
      if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"' &&
          cell.substr(1, cell.size() - 2).find('"') == std::string_view::npos) {
        cell = cell.substr(1, cell.size() - 2);
      }
      cells.push_back(cell);
      start = i + 1;
    }
  }
  return cells;
}

// "ml::parse_csv: line L, column C" (1-based), built only for an error.
std::string cell_location(std::size_t line, std::size_t column) {
  return "ml::parse_csv: line " + std::to_string(line) + ", column " + std::to_string(column + 1);
}

double finite_number(std::string_view cell, std::size_t line, std::size_t column) {
  double v = 0;
  const char* end = cell.data() + cell.size();
  const auto [ptr, ec] = std::from_chars(cell.data(), end, v);
  if (cell.empty() || ec != std::errc{} || ptr != end || !std::isfinite(v)) {
    throw DecodeError(cell_location(line, column) + ": not a finite number");
  }
  return v;
}

}  // namespace

Dataset synthetic_binary(std::size_t rows, std::size_t features, std::uint64_t seed) {
  require_sizes("ml::synthetic_binary", rows, features);
  Prg prg(seed_of(seed, 1));
  // Hidden model: weights in [-1.5, 1.5]; each feature set with probability ~14/features.
  std::vector<double> w(features);
  for (auto& v : w) v = 3.0 * unit(prg) - 1.5;
  const double density = std::min(1.0, 14.0 / static_cast<double>(features));
  Dataset d;
  d.rows = rows;
  d.features = features;
  d.x.assign(rows * features, 0.0);
  d.y.resize(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    double z = -0.8;
    for (std::size_t f = 0; f < features; ++f) {
      if (unit(prg) < density) {
        d.x[r * features + f] = 1.0;
        z += w[f];
      }
    }
    z += 0.7 * normal(prg);  // noise: not linearly separable
    d.y[r] = unit(prg) < 1.0 / (1.0 + std::exp(-2.0 * z)) ? 1 : 0;
  }
  return d;
}

Dataset synthetic_blobs(std::size_t rows, std::size_t features, std::size_t clusters, std::uint64_t seed) {
  require_sizes("ml::synthetic_blobs", rows, features);
  if (clusters == 0) throw InvalidArgument("ml::synthetic_blobs: 0 clusters");
  Prg prg(seed_of(seed, 2));
  std::vector<double> centres(clusters * features);
  for (auto& c : centres) c = 8.0 * unit(prg) - 4.0;
  Dataset d;
  d.rows = rows;
  d.features = features;
  d.x.resize(rows * features);
  d.y.resize(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t c = static_cast<std::size_t>(prg.next_u64() % clusters);
    d.y[r] = static_cast<int>(c);
    for (std::size_t f = 0; f < features; ++f) d.x[r * features + f] = centres[c * features + f] + normal(prg);
  }
  return d;
}

namespace {

// The reader shared by both label rules: `label_of(cell, line, column)`
// turns the label cell into 0 or 1, or throws DecodeError.
template <class LabelOf>
Dataset parse_csv_with(std::string_view text, std::string_view label, LabelOf label_of) {
  std::size_t line_no = 0;
  std::size_t pos = 0;
  auto next_line = [&](std::string_view& out) {
    while (pos < text.size()) {
      const std::size_t end = std::min(text.find('\n', pos), text.size());
      out = text.substr(pos, end - pos);
      pos = end + 1;
      ++line_no;
      if (!out.empty() && out.back() == '\r') out.remove_suffix(1);
      if (!out.empty()) return true;
    }
    return false;
  };
  std::string_view line;
  if (!next_line(line)) throw DecodeError("ml::parse_csv: no header line");
  const auto header = split_line(line);
  std::size_t label_col = header.size();
  for (std::size_t c = 0; c < header.size(); ++c) {
    if (header[c] == label) {
      if (label_col != header.size()) throw DecodeError("ml::parse_csv: the label column appears twice");
      label_col = c;
    }
  }
  if (label_col == header.size()) throw DecodeError("ml::parse_csv: no column named '" + std::string(label) + "'");
  if (header.size() < 2) throw DecodeError("ml::parse_csv: no feature columns");
  Dataset d;
  d.features = header.size() - 1;
  for (std::size_t c = 0; c < header.size(); ++c) {
    if (c != label_col) d.names.emplace_back(header[c]);
  }
  while (next_line(line)) {
    const auto cells = split_line(line);
    if (cells.size() != header.size()) {
      throw DecodeError("ml::parse_csv: line " + std::to_string(line_no) + " has " + std::to_string(cells.size()) + " columns, the header " +
                        std::to_string(header.size()));
    }
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string_view cell = cells[c];
      if (c == label_col) {
        d.y.push_back(label_of(cell, line_no, c));
        continue;
      }
      d.x.push_back(finite_number(cell, line_no, c));
    }
    ++d.rows;
  }
  if (d.rows == 0) throw DecodeError("ml::parse_csv: no data rows");
  return d;
}

template <class Rule>
Dataset read_csv_with(const std::filesystem::path& path, std::string_view label, Rule rule) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InvalidArgument("ml::read_csv: cannot open " + path.string());
  std::ostringstream s;
  s << in.rdbuf();
  try {
    return parse_csv(s.str(), label, std::move(rule));
  } catch (const DecodeError& e) {
    throw DecodeError(path.string() + ": " + e.what());
  }
}

}  // namespace

Dataset parse_csv(std::string_view text, std::string_view label, std::optional<std::string> positive) {
  return parse_csv_with(text, label, [&](std::string_view cell, std::size_t line, std::size_t column) {
    if (positive) return cell == *positive ? 1 : 0;
    if (cell == "0" || cell == "1") return cell == "1" ? 1 : 0;
    throw DecodeError(cell_location(line, column) + ": the label is neither 0 nor 1");
  });
}

Dataset parse_csv(std::string_view text, std::string_view label, LabelAbove rule) {
  if (!std::isfinite(rule.threshold)) throw InvalidArgument("ml::parse_csv: the label threshold is not finite");
  return parse_csv_with(text, label, [&](std::string_view cell, std::size_t line, std::size_t column) {
    return finite_number(cell, line, column) > rule.threshold ? 1 : 0;
  });
}

Dataset read_csv(const std::filesystem::path& path, std::string_view label, std::optional<std::string> positive) {
  return read_csv_with(path, label, std::move(positive));
}

Dataset read_csv(const std::filesystem::path& path, std::string_view label, LabelAbove rule) {
  return read_csv_with(path, label, rule);
}

std::vector<std::pair<double, double>> scale_to_unit(Dataset& d) {
  std::vector<std::pair<double, double>> ranges(d.features, {0.0, 0.0});
  for (std::size_t f = 0; f < d.features; ++f) {
    double lo = d.rows ? d.at(0, f) : 0.0, hi = lo;
    for (std::size_t r = 0; r < d.rows; ++r) {
      lo = std::min(lo, d.at(r, f));
      hi = std::max(hi, d.at(r, f));
    }
    ranges[f] = {lo, hi};
  }
  apply_scaling(d, ranges);
  return ranges;
}

void apply_scaling(Dataset& d, const std::vector<std::pair<double, double>>& ranges) {
  if (ranges.size() != d.features) {
    throw InvalidArgument("ml::apply_scaling: " + std::to_string(ranges.size()) + " ranges for " +
                          std::to_string(d.features) + " features");
  }
  for (std::size_t r = 0; r < d.rows; ++r) {
    for (std::size_t f = 0; f < d.features; ++f) {
      const auto [lo, hi] = ranges[f];
      double& v = d.x[r * d.features + f];
      v = hi > lo ? std::clamp((v - lo) / (hi - lo), 0.0, 1.0) : 0.0;
    }
  }
}

std::pair<Dataset, Dataset> split_rows(const Dataset& d, std::size_t first) {
  if (first > d.rows) {
    throw InvalidArgument("ml::split_rows: " + std::to_string(first) + " rows of " + std::to_string(d.rows));
  }
  Dataset a, b;
  a.features = b.features = d.features;
  a.names = b.names = d.names;
  a.rows = first;
  b.rows = d.rows - first;
  const auto cut = static_cast<std::ptrdiff_t>(first * d.features);
  a.x.assign(d.x.begin(), d.x.begin() + cut);
  b.x.assign(d.x.begin() + cut, d.x.end());
  a.y.assign(d.y.begin(), d.y.begin() + static_cast<std::ptrdiff_t>(first));
  b.y.assign(d.y.begin() + static_cast<std::ptrdiff_t>(first), d.y.end());
  return {std::move(a), std::move(b)};
}

Dataset columns(const Dataset& d, std::size_t from, std::size_t to) {
  if (from >= to || to > d.features) {
    throw InvalidArgument("ml::columns: [" + std::to_string(from) + ", " + std::to_string(to) + ") of " +
                          std::to_string(d.features) + " features");
  }
  Dataset out;
  out.rows = d.rows;
  out.features = to - from;
  out.y = d.y;
  if (!d.names.empty()) out.names.assign(d.names.begin() + static_cast<std::ptrdiff_t>(from), d.names.begin() + static_cast<std::ptrdiff_t>(to));
  out.x.reserve(d.rows * out.features);
  for (std::size_t r = 0; r < d.rows; ++r) {
    for (std::size_t f = from; f < to; ++f) out.x.push_back(d.at(r, f));
  }
  return out;
}

Dataset shuffled(const Dataset& d, std::uint64_t seed) {
  Prg prg(seed_of(seed, 3));
  std::vector<std::size_t> order(d.rows);
  for (std::size_t r = 0; r < d.rows; ++r) order[r] = r;
  for (std::size_t r = d.rows; r > 1; --r) std::swap(order[r - 1], order[prg.next_u64() % r]);
  Dataset out = d;
  for (std::size_t r = 0; r < d.rows; ++r) {
    std::copy_n(d.x.begin() + static_cast<std::ptrdiff_t>(order[r] * d.features), d.features,
                out.x.begin() + static_cast<std::ptrdiff_t>(r * d.features));
    out.y[r] = d.y[order[r]];
  }
  return out;
}

}  // namespace privfin::ml
