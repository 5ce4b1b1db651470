// Feeds the point decoders under ECVRF and sortition: p256::Point::decode
// (SEC1 compressed and uncompressed) and ed25519_curve::decode (RFC 8032
// §5.1.3). Input: [curve][encoding].
// Oracles: P-256 — our decoder and OpenSSL's EC_POINT_oct2point agree on
// every 0x02/0x03/0x04 encoding (both accept, with the same point, or both
// reject); a decoded point re-encodes to the same bytes; try_decode agrees
// with decode. edwards25519 — a decoded point is on the curve and
// re-encodes to the same 32 bytes (only canonical encodings are accepted).
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include <cstdint>
#include <memory>
#include <optional>

#include "privfin/core/error.hpp"
#include "privfin/sig/ec_p256.hpp"
#include "privfin/sig/edwards25519.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
using namespace privfin::sig;

namespace {

// OpenSSL's reading of a SEC1 encoding, re-encoded uncompressed; nullopt if
// OpenSSL rejects it.
std::optional<Bytes> openssl_decode(ByteView bytes) {
  static EC_GROUP* const group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
  const std::unique_ptr<EC_POINT, decltype(&EC_POINT_free)> point(EC_POINT_new(group), EC_POINT_free);
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  if (!point || EC_POINT_oct2point(group, point.get(), p, bytes.size(), nullptr) != 1) return std::nullopt;
  Bytes out(65);
  if (EC_POINT_point2oct(group, point.get(), POINT_CONVERSION_UNCOMPRESSED, reinterpret_cast<unsigned char*>(out.data()),
                         out.size(), nullptr) != out.size()) {
    return std::nullopt;  // the point at infinity has no 65-byte form
  }
  return out;
}

void p256_point(ByteView bytes) {
  std::optional<p256::Point> ours;
  try {
    ours = p256::Point::decode(bytes);
  } catch (const DecodeError&) {
  }
  fuzz::require(p256::Point::try_decode(bytes).has_value() == ours.has_value());
  if (ours) {
    const Bytes again = bytes.size() == 33 ? ours->encode_compressed() : ours->encode_uncompressed();
    fuzz::require(fuzz::same(again, bytes));
  }
  const auto prefix = bytes.empty() ? 0U : static_cast<unsigned>(bytes[0]);
  if (prefix == 2 || prefix == 3 || prefix == 4) {
    const auto theirs = openssl_decode(bytes);
    fuzz::require(theirs.has_value() == ours.has_value());
    if (ours) fuzz::require(*theirs == ours->encode_uncompressed());
  }
}

void edwards(ByteView bytes) {
  const auto point = ed25519_curve::decode(bytes);
  if (!point) return;
  fuzz::require(ed25519_curve::is_on_curve(*point));
  fuzz::require(fuzz::same(ed25519_curve::encode(*point), bytes));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  if ((in.u8() & 1U) == 0) {
    p256_point(in.rest());
  } else {
    edwards(in.rest());
  }
  return 0;
}
