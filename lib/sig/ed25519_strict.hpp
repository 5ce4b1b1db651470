// Internal to lib/sig: the strict encoding rules shared by ed25519_verify
// and ed25519_verify_batch (RFC 8032 §5.1.3 / §5.1.7 plus libsodium's
// small-order blocklist), so the two verifiers refuse the same encodings.
#pragma once

#include "privfin/core/bytes.hpp"

namespace privfin::sig::detail {

// A 32-byte A or R: y < p, and not one of the ten encodings of a point of
// order 1, 2, 4 or 8 (every sign-bit variant, so x = 0 with the sign set too).
[[nodiscard]] bool ed25519_acceptable_point(ByteView encoding);
// A 32-byte little-endian S below the group order L.
[[nodiscard]] bool ed25519_canonical_scalar(ByteView s_le);

}  // namespace privfin::sig::detail
