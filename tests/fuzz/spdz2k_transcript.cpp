// libFuzzer harness for mpc::TranscriptStatement::from_bytes and
// mpc::EquivocationEvidence::from_bytes: any input either throws
// DecodeError or decodes to a value that re-encodes to the same bytes; the
// evidence verifier never throws.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "privfin/core/error.hpp"
#include "privfin/mpc/spdz2k_transcript.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const privfin::ByteView in = privfin::fuzz::as_view(data, size);
  try {
    const auto s = privfin::mpc::TranscriptStatement::from_bytes(in);
    privfin::fuzz::require(privfin::fuzz::same(s.to_bytes(), in));
  } catch (const privfin::DecodeError&) {
  }
  try {
    const auto e = privfin::mpc::EquivocationEvidence::from_bytes(in);
    privfin::fuzz::require(privfin::fuzz::same(e.to_bytes(), in));
    const privfin::Bytes key(32);
    (void)privfin::mpc::verify_equivocation(e, in.first(4), key);
  } catch (const privfin::DecodeError&) {
  }
  return 0;
}
