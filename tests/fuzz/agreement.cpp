// Feeds the decoders of what parties exchange about a session:
// service::Parameters::from_bytes (parameter agreement) and
// Rejection::from_bytes / rejections_from_bytes (verdicts passed on).
// Input: [mode][bytes].
//   mode 0: Parameters. Oracle: what decodes re-encodes to exactly the
//           input (entries sorted and unique, sizes fixed per kind), and
//           its digest equals that of a second decoding.
//   mode 1: one Rejection. Oracle: canonical re-encoding.
//   mode 2: a list of at most 64 rejections. Oracle: canonical re-encoding.
#include <cstdint>

#include "privfin/core/error.hpp"
#include "privfin/core/rejection.hpp"
#include "privfin/service/agreement.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const auto mode = in.u8() % 3;
  const ByteView bytes = in.rest();
  try {
    if (mode == 0) {
      const auto p = service::Parameters::from_bytes(bytes);
      fuzz::require(fuzz::same(p.to_bytes(), bytes));
      fuzz::require(p.digest() == service::Parameters::from_bytes(bytes).digest());
    } else if (mode == 1) {
      const auto r = Rejection::from_bytes(bytes);
      fuzz::require(fuzz::same(r.to_bytes(), bytes));
      (void)r.describe();
    } else {
      const auto list = rejections_from_bytes(bytes, 64);
      fuzz::require(list.size() <= 64);
      fuzz::require(fuzz::same(rejections_to_bytes(list), bytes));
    }
  } catch (const DecodeError&) {
  }
  return 0;
}
