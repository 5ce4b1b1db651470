// privfin/sig/bls12_381/hash_to_curve.hpp — RFC 9380 hashing to G1 and G2:
// suites BLS12381G1_XMD:SHA-256_SSWU_RO_ / _NU_ and
// BLS12381G2_XMD:SHA-256_SSWU_RO_ / _NU_ (Sections 8.8.1 and 8.8.2):
// expand_message_xmd with SHA-256, simplified SWU on an isogenous curve,
// the 11-isogeny (G1) or 3-isogeny (G2), and cofactor clearing.
//
//   G2 h = hash_to_g2(as_bytes("message"), as_bytes("MY-APP-V01-CS01-with-..."));
//   G1 e = encode_to_g1(msg, dst);                 // the nonuniform variant
//
// The DST must be non-empty (longer than 255 bytes is hashed as RFC 9380
// Section 5.3.3 says); throws InvalidArgument for an empty DST. Inputs are
// public (messages), so the map is not constant-time. Thread-safe.
#pragma once

#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/sig/bls12_381/curve.hpp"

namespace privfin::sig::bls12_381 {

// hash_to_field (RFC 9380 Section 5.2) with L = 64, expand_message_xmd<SHA-256>.
[[nodiscard]] std::vector<Fp> hash_to_field_fp(ByteView msg, ByteView dst, std::size_t count);
[[nodiscard]] std::vector<Fp2> hash_to_field_fp2(ByteView msg, ByteView dst, std::size_t count);

// map_to_curve: simplified SWU onto E' followed by the isogeny onto E, with
// no cofactor clearing (the Q0/Q1 of RFC 9380's vectors).
[[nodiscard]] G1 map_to_curve_g1(const Fp& u) noexcept;
[[nodiscard]] G2 map_to_curve_g2(const Fp2& u) noexcept;

// Random-oracle (RO) and nonuniform (NU) encodings into the subgroups.
[[nodiscard]] G1 hash_to_g1(ByteView msg, ByteView dst);
[[nodiscard]] G1 encode_to_g1(ByteView msg, ByteView dst);
[[nodiscard]] G2 hash_to_g2(ByteView msg, ByteView dst);
[[nodiscard]] G2 encode_to_g2(ByteView msg, ByteView dst);

}  // namespace privfin::sig::bls12_381
