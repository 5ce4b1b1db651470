// privfin/ot/base_ot.hpp — batched 1-out-of-2 base oblivious transfer of
// random 128-bit keys: the "Simplest OT" of Chou and Orlandi (LATINCRYPT
// 2015, ePrint 2015/267) over ristretto255 (libsodium).
//
//   // party 0, the sender: two random keys per OT
//   std::vector<std::array<ot::Block, 2>> keys = ot::base_ot_send(net, 1, 128, prg);
//   // party 1, the receiver: the key of its choice
//   std::vector<ot::Block> mine = ot::base_ot_receive(net, 0, choices, prg);  // mine[i] == keys[i][choices[i]]
//
// Protocol (one round trip for the whole batch): the sender draws a and
// sends A = a*G; the receiver draws b_i and sends B_i = b_i*G (choice 0) or
// A + b_i*G (choice 1); the keys are k_i^0 = H(i, A, B_i, a*B_i) and
// k_i^1 = H(i, A, B_i, a*(B_i - A)); the receiver computes k_i^c =
// H(i, A, B_i, b_i*A). H is SHA-256 under a domain label that also binds
// the sender's and the receiver's network ids, truncated to 128 bits.
//
// Fixes relied on. (1) The key derivation hashes the index i and the
// transcript (A, B_i), not only the shared point: without i, a receiver
// that reuses b_i gets equal keys in every OT (a gap in the ePrint
// write-up that Galois's ocelot documents and fixes the same way); on
// batched base OTs and their pitfalls see McQuoid, Rosulek and Roy,
// "Batching Base Oblivious Transfers" (ASIACRYPT 2021). (2) ristretto255 is
// a prime-order group, and both sides refuse non-canonical encodings and
// the identity, which replaces the cofactor handling of the original
// edwards25519 implementation.
//
// Security: used as the source of random keys for OT extension, in the
// random-oracle model. Genç, Iovino and Rial ("The Simplest Protocol for
// Oblivious Transfer Revisited", IPL 2020) show that the original UC proof
// does not hold, so we claim no UC security for this piece on its own (see
// docs/ot.md).
//
// Costs: sender 1 + 2k scalar multiplications, receiver 2k (about 50 µs
// each); 35 + 32k bytes plus framing, 1.5 round trips for k OTs.
//
// Errors: InvalidArgument for count 0 or above max_base_ots, or a bad peer;
// DecodeError naming the peer for a malformed message (bad length,
// non-canonical point); ProtocolError naming the peer for the identity
// point or a batch size that differs from this party's; NetworkError from
// the network. Randomness comes from `prg`.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <vector>

#include "privfin/core/prg.hpp"
#include "privfin/net/network.hpp"
#include "privfin/ot/block.hpp"

namespace privfin::ot {

// The sender's side: `count` pairs of random keys (k^0, k^1).
[[nodiscard]] std::vector<std::array<Block, 2>> base_ot_send(net::Network& net, std::size_t peer,
                                                             std::size_t count, Prg& prg);

// The receiver's side: key k^{choices[i]} of OT i.
[[nodiscard]] std::vector<Block> base_ot_receive(net::Network& net, std::size_t peer,
                                                 std::span<const bool> choices, Prg& prg);

}  // namespace privfin::ot
