// privfin/core/expand_message.hpp — expand_message_xmd and expand_message_xof
// from RFC 9380 §5.3: the uniform-bytes step under hash-to-field and
// hash-to-curve.
//
//   Bytes u = expand_message_xmd<Sha256>(msg, as_bytes("MY-DST-V01"), 96);
//   Bytes v = expand_message_xof<Shake128>(msg, dst, 64, /*k=*/128);
//
// A DST longer than 255 bytes is first hashed as RFC 9380 §5.3.3 requires.
// Throws InvalidArgument when the output length is out of the RFC's range
// (xmd: len > 255 * digest size or > 65535; xof: len > 65535) or the DST is
// empty.
#pragma once

#include <cstddef>

#include "privfin/core/bytes.hpp"
#include "privfin/core/hash.hpp"

namespace privfin {

// Hash is Sha256 or Sha512 (explicitly instantiated in the library).
template <class Hash>
[[nodiscard]] Bytes expand_message_xmd(ByteView msg, ByteView dst, std::size_t len_in_bytes);

// Xof is Shake128 or Shake256; k is the target security level in bits,
// used only to size the hashed DST when the DST is oversized.
template <class Xof>
[[nodiscard]] Bytes expand_message_xof(ByteView msg, ByteView dst, std::size_t len_in_bytes,
                                       std::size_t k);

}  // namespace privfin
