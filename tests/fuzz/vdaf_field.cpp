// Feeds vdaf::decode_vec<Field64> and decode_vec<Field128>, the decoding of
// every Prio3 share, verifier message and aggregate share. Input:
// [field][bytes].
// Oracles: a decoded vector re-encodes to the same bytes (only canonical
// values below p are accepted); decoding succeeds exactly when the length is
// a multiple of the element size and every little-endian chunk is below p,
// checked here with the modulus written out independently.
#include <cstdint>

#include "privfin/core/detail/int128.hpp"
#include "privfin/core/error.hpp"
#include "privfin/vdaf/field.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
using namespace privfin::vdaf;
using privfin::detail::uint128;

namespace {

uint128 chunk_value(ByteView chunk) {
  uint128 v = 0;
  for (std::size_t i = chunk.size(); i-- > 0;) v = (v << 8U) | static_cast<uint128>(static_cast<unsigned>(chunk[i]));
  return v;
}

template <class F>
void check(ByteView bytes, uint128 modulus) {
  bool expected = bytes.size() % F::byte_size == 0;
  for (std::size_t i = 0; expected && i < bytes.size(); i += F::byte_size) {
    expected = chunk_value(bytes.subspan(i, F::byte_size)) < modulus;
  }
  try {
    const auto v = decode_vec<F>(bytes, "fuzz");
    fuzz::require(expected);
    fuzz::require(fuzz::same(encode_vec(std::span<const F>(v)), bytes));
  } catch (const DecodeError&) {
    fuzz::require(!expected);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  if ((in.u8() & 1U) == 0) {
    check<Field64>(in.rest(), (uint128{0xffffffffU} << 32U) + 1);  // 2^32 * (2^32 - 1) + 1
    return 0;
  }
  check<Field128>(in.rest(), (uint128{4611686018427387897ULL} << 66U) + 1);
  return 0;
}
