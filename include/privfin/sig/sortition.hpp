// privfin/sig/sortition.hpp — cryptographic sortition from VRF outputs:
// Gosig-style secret leader candidates and Algorand-style weighted
// committee selection, with decisions computed in exact integer arithmetic.
//
//   Bytes alpha = sortition::round_input(seed, round);
//   Bytes pi = vrf.prove(sk, alpha);  Bytes beta = *vrf.verify(pk, alpha, pi);
//   sortition::LeaderElection leaders(/*expected=*/5, /*nodes=*/100);
//   if (leaders.is_candidate(beta)) { ... }               // and compare priorities
//   std::uint64_t j = sortition::committee_votes(beta, stake, total_stake, tau);
//
// Leader candidates (Gosig): priority = SHA-256("privfin sortition leader" ||
// beta), read as a 256-bit big-endian integer; a node is a candidate iff
// priority < D with D = floor(2^256 * expected / nodes) (all nodes when
// expected >= nodes), so each node is a candidate with probability
// expected/nodes (to within 2^-256). Candidates are ordered by ascending
// priority; the first is the round's leader.
//
// Committee selection (Algorand, Gilad et al. SOSP'17 Alg. 1): with stake w
// of W and expected committee size tau, p = tau/W, the node gets j votes
// where j is the least integer with x / 2^l < sum_{k=0..j} C(w,k) p^k (1-p)^(w-k),
// x being beta read as an l-bit big-endian integer (l = 8 * beta.size()).
// Method: p is reduced to a/b in lowest terms and the comparison is done on
// integers, x * b^w < 2^l * sum_{k<=j} C(w,k) a^k (b-a)^(w-k), with the terms
// updated by T_{k+1} = T_k * (w-k) * a / ((k+1) (b-a)) (an exact division)
// in GMP. That exact comparison is the definition; committee_votes decides
// it from certified bounds instead: each term T_k is bracketed by binary
// floating-point numbers of P bits rounded down and up (an exponent of their
// own, so a term like (1 - p)^w = 2^-1443 keeps its precision), the CDF by
// fixed-point sums of P fractional bits, and j is answered only when x lies
// outside the bracket; otherwise P doubles (P starts at about
// 150 + 2 log2 w). No floating point of the machine is involved, so every
// machine, compiler, locale and rounding mode gives the same j, and
// committee_votes equals committee_votes_exact wherever the latter runs.
// Costs: the bounds walk about j + 1 terms of P-bit numbers (j ~ w * p):
// about 0.17 ms for an expected 1,000 votes (docs/performance.md). The exact
// computation needs numbers of w * log2(b) bits and is refused above
// max_exact_bits; committee_votes uses it only when those numbers are small.
//
// Limits: committee_votes refuses an expected vote count w * tau / W above
// max_expected_votes (InvalidArgument naming the inputs): a stake of 2^62
// of 2^63 with a committee of 2^62 would otherwise walk 2^61 terms.
// Committees of real deployments (Algorand: 2,000 to 10,000) are far below.
//
// Errors: InvalidArgument for expected = 0 or nodes = 0, for W = 0, w > W,
// tau > W, an empty beta, and inputs beyond the limits above; never an
// abort, an unbounded allocation or an unbounded wait. Thread-safe: pure
// functions and immutable values.
#pragma once

#include <gmpxx.h>

#include <cstddef>
#include <cstdint>

#include "privfin/core/bytes.hpp"

namespace privfin::sig::sortition {

// The VRF input for a round: a canonical encoding of the label
// "privfin sortition v1", the seed (length-prefixed) and the round number.
[[nodiscard]] Bytes round_input(ByteView seed, std::uint64_t round);

class LeaderElection {
 public:
  LeaderElection(std::uint64_t expected_candidates, std::uint64_t nodes);

  // SHA-256("privfin sortition leader" || vrf_output): 32 bytes.
  [[nodiscard]] static Bytes priority(ByteView vrf_output);
  [[nodiscard]] bool is_candidate(ByteView vrf_output) const;
  // The same test on a priority computed earlier (32 bytes).
  [[nodiscard]] bool is_candidate_priority(ByteView priority) const;
  // Strict order of candidates: a comes before b (a's priority is smaller).
  [[nodiscard]] static bool precedes(ByteView priority_a, ByteView priority_b);

  [[nodiscard]] const mpz_class& threshold() const noexcept { return threshold_; }

 private:
  mpz_class threshold_;  // D, in [0, 2^256]
};

// The most votes one node may expect (w * tau / W) in committee_votes.
inline constexpr std::uint64_t max_expected_votes = std::uint64_t{1} << 20;
// The largest b^w (in bits) that committee_votes_exact computes.
inline constexpr std::uint64_t max_exact_bits = std::uint64_t{1} << 22;

// The number of selected sub-users j in [0, stake] (see above).
[[nodiscard]] std::uint64_t committee_votes(ByteView vrf_output, std::uint64_t stake, std::uint64_t total_stake,
                                            std::uint64_t expected_committee_size);

// The exact reference computation alone (same result, slower for large w);
// InvalidArgument when w * bit_length(b) exceeds max_exact_bits.
[[nodiscard]] std::uint64_t committee_votes_exact(ByteView vrf_output, std::uint64_t stake,
                                                  std::uint64_t total_stake, std::uint64_t expected_committee_size);

}  // namespace privfin::sig::sortition
