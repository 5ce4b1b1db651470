// libFuzzer harness for net::AbortNotice::from_bytes: any input either
// throws DecodeError or decodes to a notice that re-encodes to the same
// 8 bytes.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "privfin/core/error.hpp"
#include "privfin/net/abort_notice.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const privfin::ByteView in = privfin::fuzz::as_view(data, size);
  try {
    const auto notice = privfin::net::AbortNotice::from_bytes(in);
    privfin::fuzz::require(privfin::fuzz::same(notice.to_bytes(), in));
    privfin::fuzz::require(!notice.describe().empty());
  } catch (const privfin::DecodeError&) {
  }
  return 0;
}
