// Sortition: Gosig leader candidates (Li et al., "Gosig", SoCC'18) and
// Algorand committee selection (Gilad et al., SOSP'17, Algorithm 1), exact.
#include "privfin/sig/sortition.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include "privfin/core/bigint.hpp"
#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::sig::sortition {

Bytes round_input(ByteView seed, std::uint64_t round) {
  Writer w;
  w.string("privfin sortition v1").bytes(seed).u64(round);
  return std::move(w).take();
}

LeaderElection::LeaderElection(std::uint64_t expected_candidates, std::uint64_t nodes) {
  if (expected_candidates == 0 || nodes == 0) {
    throw InvalidArgument("sortition: expected candidates (" + std::to_string(expected_candidates) + ") and nodes (" +
                          std::to_string(nodes) + ") must be positive");
  }
  const mpz_class two256 = mpz_class(1) << 256;
  if (expected_candidates >= nodes) {
    threshold_ = two256;
  } else {
    threshold_ = two256 * mpz_class(std::to_string(expected_candidates)) / mpz_class(std::to_string(nodes));
  }
}

Bytes LeaderElection::priority(ByteView vrf_output) {
  const auto d = Sha256().update(as_bytes("privfin sortition leader")).update(vrf_output).finish();
  return Bytes(d.begin(), d.end());
}

bool LeaderElection::is_candidate_priority(ByteView priority_bytes) const {
  if (priority_bytes.size() != 32) {
    throw InvalidArgument("sortition: a priority is 32 bytes, got " + std::to_string(priority_bytes.size()));
  }
  return bigint::from_bytes_be(priority_bytes) < threshold_;
}

bool LeaderElection::is_candidate(ByteView vrf_output) const {
  if (vrf_output.empty()) throw InvalidArgument("sortition: empty VRF output");
  return is_candidate_priority(priority(vrf_output));
}

bool LeaderElection::precedes(ByteView a, ByteView b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

namespace {

struct Params {
  mpz_class a;  // p = a / b in lowest terms
  mpz_class b;
  mpz_class q;  // b - a
};

// Validates the arguments; returns true with `votes` set when p is 0 or 1 or
// the stake is 0, else fills `params` and returns false.
bool trivial_votes(ByteView vrf_output, std::uint64_t stake, std::uint64_t total_stake, std::uint64_t tau,
                   std::uint64_t& votes, Params& params) {
  if (vrf_output.empty()) throw InvalidArgument("sortition: empty VRF output");
  if (total_stake == 0 || stake > total_stake || tau > total_stake) {
    throw InvalidArgument("sortition: need 0 < W, w <= W and tau <= W (w = " + std::to_string(stake) +
                          ", W = " + std::to_string(total_stake) + ", tau = " + std::to_string(tau) + ")");
  }
  if (stake == 0 || tau == 0) {
    votes = 0;
    return true;
  }
  if (tau == total_stake) {  // p = 1
    votes = stake;
    return true;
  }
  const mpz_class t(std::to_string(tau));
  const mpz_class big_w(std::to_string(total_stake));
  mpz_class g;
  mpz_gcd(g.get_mpz_t(), t.get_mpz_t(), big_w.get_mpz_t());
  params.a = t / g;
  params.b = big_w / g;
  params.q = params.b - params.a;
  return false;
}

std::uint64_t exact_votes(ByteView vrf_output, std::uint64_t stake, const Params& params) {
  // lhs = x * b^w; the cumulative sum is compared after scaling by 2^l.
  const std::size_t l = 8 * vrf_output.size();
  const unsigned long w = static_cast<unsigned long>(stake);
  mpz_class lhs;
  mpz_pow_ui(lhs.get_mpz_t(), params.b.get_mpz_t(), w);
  lhs *= bigint::from_bytes_be(vrf_output);

  mpz_class term;  // T_0 = (b - a)^w
  mpz_pow_ui(term.get_mpz_t(), params.q.get_mpz_t(), w);
  mpz_class cumulative = 0;
  mpz_class scaled;
  for (std::uint64_t k = 0; k < stake; ++k) {
    cumulative += term;
    mpz_mul_2exp(scaled.get_mpz_t(), cumulative.get_mpz_t(), l);
    if (lhs < scaled) return k;
    // T_{k+1} = T_k * (w - k) * a / ((k + 1) * q), exact.
    term *= static_cast<unsigned long>(stake - k);
    term *= params.a;
    mpz_divexact_ui(term.get_mpz_t(), term.get_mpz_t(), static_cast<unsigned long>(k + 1));
    mpz_divexact(term.get_mpz_t(), term.get_mpz_t(), params.q.get_mpz_t());
  }
  return stake;  // x < 2^l = 2^l * CDF(w)
}

// The same decision from certified bounds lo <= 2^P * CDF(j) <= hi on
// P-bit fixed-point numbers (every rounding goes down for lo and up for
// hi). Returns nullopt when x falls between the bounds, or the bounds become
// too loose; the caller then runs exact_votes.
std::optional<std::uint64_t> bounded_votes(ByteView vrf_output, std::uint64_t stake, const Params& params) {
  constexpr unsigned long precision = 256;
  const std::size_t l = 8 * vrf_output.size();
  const mpz_class one = mpz_class(1) << precision;
  // (1 - p) = q / b, and (1 - p)^w by square-and-multiply.
  mpz_class base_lo;
  mpz_class base_hi;
  const mpz_class scaled_q = params.q << precision;
  mpz_fdiv_q(base_lo.get_mpz_t(), scaled_q.get_mpz_t(), params.b.get_mpz_t());
  mpz_cdiv_q(base_hi.get_mpz_t(), scaled_q.get_mpz_t(), params.b.get_mpz_t());
  mpz_class lo = one;
  mpz_class hi = one;
  std::size_t top = 64;
  while (top > 0 && ((stake >> (top - 1)) & 1u) == 0) --top;
  for (std::size_t bit = top; bit-- > 0;) {
    lo *= lo;
    hi *= hi;
    mpz_fdiv_q_2exp(lo.get_mpz_t(), lo.get_mpz_t(), precision);
    mpz_cdiv_q_2exp(hi.get_mpz_t(), hi.get_mpz_t(), precision);
    if (((stake >> bit) & 1u) != 0) {
      lo *= base_lo;
      hi *= base_hi;
      mpz_fdiv_q_2exp(lo.get_mpz_t(), lo.get_mpz_t(), precision);
      mpz_cdiv_q_2exp(hi.get_mpz_t(), hi.get_mpz_t(), precision);
    }
  }
  // x / 2^l < CDF  <=>  x * 2^P < 2^P CDF * 2^l.
  const mpz_class x = bigint::from_bytes_be(vrf_output) << precision;
  mpz_class cum_lo = 0;
  mpz_class cum_hi = 0;
  mpz_class numerator;
  mpz_class denominator;
  for (std::uint64_t k = 0; k < stake; ++k) {
    cum_lo += lo;
    cum_hi += hi;
    if (x < (cum_lo << l)) return k;
    if (x < (cum_hi << l)) return std::nullopt;  // undecided at this precision
    // Bounds too loose to decide later terms: give up early.
    if (hi > 2 * lo + 1) return std::nullopt;
    numerator = params.a * static_cast<unsigned long>(stake - k);
    denominator = params.q * static_cast<unsigned long>(k + 1);
    lo *= numerator;
    hi *= numerator;
    mpz_fdiv_q(lo.get_mpz_t(), lo.get_mpz_t(), denominator.get_mpz_t());
    mpz_cdiv_q(hi.get_mpz_t(), hi.get_mpz_t(), denominator.get_mpz_t());
  }
  return stake;
}

}  // namespace

std::uint64_t committee_votes(ByteView vrf_output, std::uint64_t stake, std::uint64_t total_stake,
                              std::uint64_t expected_committee_size) {
  std::uint64_t votes = 0;
  Params params;
  if (trivial_votes(vrf_output, stake, total_stake, expected_committee_size, votes, params)) return votes;
  // Small exact numbers (b^w of a few thousand bits) are quicker than the
  // bounds; both paths give the same answer.
  if (stake * bigint::bit_length(params.b) > 4096) {
    if (auto fast = bounded_votes(vrf_output, stake, params)) return *fast;
  }
  return exact_votes(vrf_output, stake, params);
}

std::uint64_t committee_votes_exact(ByteView vrf_output, std::uint64_t stake, std::uint64_t total_stake,
                                    std::uint64_t expected_committee_size) {
  std::uint64_t votes = 0;
  Params params;
  if (trivial_votes(vrf_output, stake, total_stake, expected_committee_size, votes, params)) return votes;
  return exact_votes(vrf_output, stake, params);
}

}  // namespace privfin::sig::sortition
