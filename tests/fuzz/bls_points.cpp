// Feeds sig::bls12_381::g1_from_bytes and g2_from_bytes (ZCash encodings,
// compressed and uncompressed), under which every BLS key and signature a
// peer sends is decoded, and SecretKey::from_bytes / from_bytes_mod_r (a
// key file's payload). Input: [kind: 0 G1, 1 G2, 2 secret key][encoding].
// Oracles: a decoded point re-encodes, in the form it came in, to the same
// bytes (one encoding per point); decoding with the subgroup check succeeds
// exactly when decoding without it succeeds and the point is in the
// subgroup, and both give the same point. A secret key decodes exactly
// when it is 32 bytes with 0 < value < r (mod_r: value != 0 mod r), and
// re-encodes to the same bytes (mod_r: to the value mod r); only
// InvalidArgument is thrown.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>

#include "privfin/core/error.hpp"
#include "privfin/sig/bls12_381/bls.hpp"
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

// The group order r and 2r, big-endian (32 bytes reach about 2.2 r).
using Be256 = std::array<std::uint8_t, 32>;
constexpr Be256 order_r = {0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8,
                           0x08, 0x09, 0xa1, 0xd8, 0x05, 0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe,
                           0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01};
constexpr Be256 twice_r = {0xe7, 0xdb, 0x4e, 0xa6, 0x53, 0x3a, 0xfa, 0x90, 0x66, 0x73, 0xb0,
                           0x10, 0x13, 0x43, 0xb0, 0x0a, 0xa7, 0x7b, 0x48, 0x05, 0xff, 0xfc,
                           0xb7, 0xfd, 0xff, 0xff, 0xff, 0xfe, 0x00, 0x00, 0x00, 0x02};

// Compares a 32-byte big-endian value with w: -1, 0, 1.
int compare(ByteView v, const Be256& w) {
  for (std::size_t i = 0; i < w.size(); ++i) {
    const auto a = static_cast<std::uint8_t>(v[i]);
    if (a != w[i]) return a < w[i] ? -1 : 1;
  }
  return 0;
}

void secret_key(ByteView bytes) {
  std::optional<SecretKey> exact, reduced;
  try {
    exact = SecretKey::from_bytes(bytes);
  } catch (const InvalidArgument&) {
  }
  try {
    reduced = SecretKey::from_bytes_mod_r(bytes);
  } catch (const InvalidArgument&) {
  }
  const bool zero = std::all_of(bytes.begin(), bytes.end(), [](std::byte b) { return b == std::byte{0}; });
  if (bytes.size() != SecretKey::size) {
    fuzz::require(!exact && !reduced);
    return;
  }
  const int vs_r = compare(bytes, order_r);
  fuzz::require(exact.has_value() == (!zero && vs_r < 0));
  fuzz::require(reduced.has_value() == (!zero && vs_r != 0 && compare(bytes, twice_r) != 0));
  if (exact) {
    const auto again = exact->to_bytes();
    fuzz::require(fuzz::same(again.view(), bytes));
    fuzz::require(fuzz::same(reduced->to_bytes().view(), bytes));
  }
  if (reduced && vs_r > 0) fuzz::require(!fuzz::same(reduced->to_bytes().view(), bytes));  // reduced below r
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const unsigned kind = in.u8() % 3U;
  const ByteView bytes = in.rest();
  if (kind == 2) {
    secret_key(bytes);
  } else if (kind == 1) {
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
