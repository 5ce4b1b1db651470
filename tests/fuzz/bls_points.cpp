// Feeds sig::bls12_381::g1_from_bytes and g2_from_bytes (ZCash encodings,
// compressed and uncompressed), under which every BLS key and signature a
// peer sends is decoded. Input: [group][encoding].
// Oracles: a decoded point re-encodes, in the form it came in, to the same
// bytes (one encoding per point); decoding with the subgroup check succeeds
// exactly when decoding without it succeeds and the point is in the
// subgroup, and both give the same point.
#include <cstdint>
#include <optional>

#include "privfin/core/error.hpp"
#include "privfin/sig/bls12_381/curve.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
using namespace privfin::sig::bls12_381;

namespace {

template <class P, class Decode, class InSubgroup, class Compress, class Uncompress>
void check(ByteView bytes, Decode decode, InSubgroup in_subgroup, Compress compress, Uncompress uncompress,
           std::size_t compressed_size) {
  std::optional<P> strict, lax;
  try {
    strict = decode(bytes, true);
  } catch (const DecodeError&) {
  }
  try {
    lax = decode(bytes, false);
  } catch (const DecodeError&) {
  }
  fuzz::require(strict.has_value() == (lax.has_value() && in_subgroup(*lax)));
  if (!lax) return;
  fuzz::require(lax->is_on_curve());
  if (strict) fuzz::require(*strict == *lax);
  if (bytes.size() == compressed_size) {
    fuzz::require(fuzz::same(compress(*lax), bytes));
  } else {
    fuzz::require(fuzz::same(uncompress(*lax), bytes));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const bool g2 = (in.u8() & 1U) != 0;
  const ByteView bytes = in.rest();
  if (g2) {
    check<G2>(
        bytes, [](ByteView b, bool s) { return g2_from_bytes(b, s); }, [](const G2& q) { return g2_in_subgroup(q); },
        [](const G2& q) { return g2_to_compressed(q); }, [](const G2& q) { return g2_to_uncompressed(q); },
        g2_compressed_size);
  } else {
    check<G1>(
        bytes, [](ByteView b, bool s) { return g1_from_bytes(b, s); }, [](const G1& p) { return g1_in_subgroup(p); },
        [](const G1& p) { return g1_to_compressed(p); }, [](const G1& p) { return g1_to_uncompressed(p); },
        g1_compressed_size);
  }
  return 0;
}
