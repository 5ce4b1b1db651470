// Feeds ml::parse_csv, which reads tabular data files (the labelled
// customer tables of the ml layer). Input: the first byte chooses the
// label mode (0 mod 3: 0/1 labels in column "label"; 1: text labels, "M"
// counts as 1; 2: a number, 1 above 0.5, ml::LabelAbove), the rest is the
// CSV text. Oracle: a table that parses has
// rows * features finite values and one 0/1 label per row; bad input must
// end in a privfin::Error.
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "privfin/core/error.hpp"
#include "privfin/ml/dataset.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned mode = data[0] % 3U;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  ml::Dataset d;
  try {
    d = mode == 2 ? ml::parse_csv(text, "label", ml::LabelAbove{0.5})
                  : ml::parse_csv(text, "label", mode == 1 ? std::optional<std::string>("M") : std::nullopt);
  } catch (const Error&) {
    return 0;
  }
  fuzz::require(d.rows > 0 && d.features > 0 && d.x.size() == d.rows * d.features && d.y.size() == d.rows);
  for (const double v : d.x) fuzz::require(std::isfinite(v));
  for (const int y : d.y) fuzz::require(y == 0 || y == 1);
  return 0;
}
