// Feeds GmpField::decode (core/gmp_field.hpp), the fixed-length big-endian
// element encoding of a prime field chosen at run time. Input:
// [field][bytes], the field one of 2^61 - 1, 2^127 - 1 and the P-256 prime.
// Oracles: decode succeeds exactly when the input is byte_size() bytes and
// its value is below the modulus, and then encode gives the same bytes;
// anything but DecodeError escaping is a finding.
#include <array>
#include <cstdint>
#include <optional>

#include <gmpxx.h>

#include "privfin/core/error.hpp"
#include "privfin/core/gmp_field.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;

namespace {

const std::array<GmpField, 3>& fields() {
  static const std::array<GmpField, 3> f = {
      GmpField(mpz_class("2305843009213693951")),                      // 2^61 - 1
      GmpField(mpz_class("170141183460469231731687303715884105727")),  // 2^127 - 1
      GmpField(mpz_class("115792089210356248762697446949407573530086143415290314195533631308867097853951")),  // P-256
  };
  return f;
}

// The big-endian value of bytes compared with p, without the decoder.
bool below(ByteView bytes, const mpz_class& p) {
  mpz_class v = 0;
  for (const std::byte b : bytes) v = v * 256 + static_cast<unsigned>(b);
  return v < p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const GmpField& field = fields()[in.u8() % fields().size()];
  const ByteView bytes = in.rest();
  std::optional<mpz_class> x;
  try {
    x = field.decode(bytes);
  } catch (const DecodeError&) {
  }
  const bool valid = bytes.size() == field.byte_size() && below(bytes, field.modulus());
  fuzz::require(x.has_value() == valid);
  if (x) {
    fuzz::require(field.contains(*x));
    fuzz::require(fuzz::same(field.encode(*x), bytes));
  }
  return 0;
}
