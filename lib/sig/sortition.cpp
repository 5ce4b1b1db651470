// Sortition: Gosig leader candidates (Li et al., "Gosig", SoCC'18) and
// Algorand committee selection (Gilad et al., SOSP'17, Algorithm 1), exact.
#include "privfin/sig/sortition.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <limits>
#include <optional>
#include <string>

#include "privfin/core/bigint.hpp"
#include "privfin/core/codec.hpp"
#include "privfin/core/detail/int128.hpp"
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

// w * bit_length(b), the size in bits of b^w, saturating at 2^64 - 1.
std::uint64_t exact_cost_bits(std::uint64_t stake, const Params& params) {
  const auto bits = static_cast<std::uint64_t>(bigint::bit_length(params.b));
  if (bits != 0 && stake > std::numeric_limits<std::uint64_t>::max() / bits) {
    return std::numeric_limits<std::uint64_t>::max();
  }
  return stake * bits;
}

std::uint64_t exact_votes(ByteView vrf_output, std::uint64_t stake, const Params& params) {
  if (exact_cost_bits(stake, params) > max_exact_bits) {
    throw InvalidArgument("sortition: the exact computation for stake " + std::to_string(stake) +
                          " would need numbers of " + std::to_string(exact_cost_bits(stake, params)) +
                          " bits, above its limit of " + std::to_string(max_exact_bits) +
                          " (committee_votes decides such inputs by certified bounds)");
  }
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

// A binary floating-point bound m * 2^e with at most P significant bits,
// every operation rounded in one direction (down for a lower bound, up for
// an upper one). The exponent is unbounded in practice (a long), so terms
// like (1 - p)^w = 2^-1443 do not underflow as a fixed-point number would.
struct Bound {
  mpz_class m;
  long e = 0;
};

enum class Round { down, up };

void shift_right(mpz_class& m, mp_bitcnt_t n, Round r) {
  if (r == Round::down) {
    mpz_fdiv_q_2exp(m.get_mpz_t(), m.get_mpz_t(), n);
  } else {
    mpz_cdiv_q_2exp(m.get_mpz_t(), m.get_mpz_t(), n);
  }
}

void normalize(Bound& v, unsigned long precision, Round r) {
  const std::size_t bits = mpz_sizeinbase(v.m.get_mpz_t(), 2);
  if (sgn(v.m) == 0 || bits <= precision) return;
  const auto extra = static_cast<mp_bitcnt_t>(bits - precision);
  shift_right(v.m, extra, r);
  v.e += static_cast<long>(extra);
}

void multiply(Bound& v, const Bound& o, unsigned long precision, Round r) {
  v.m *= o.m;
  v.e += o.e;
  normalize(v, precision, r);
}

void multiply(Bound& v, const mpz_class& n, unsigned long precision, Round r) {
  v.m *= n;
  normalize(v, precision, r);
}

void divide(Bound& v, const mpz_class& d, unsigned long precision, Round r) {
  // Widen first so that the quotient keeps `precision` bits.
  const auto bits = static_cast<long>(mpz_sizeinbase(v.m.get_mpz_t(), 2));
  const long widen = static_cast<long>(precision) + static_cast<long>(bigint::bit_length(d)) - bits;
  if (widen > 0) {
    v.m <<= static_cast<mp_bitcnt_t>(widen);
    v.e -= widen;
  }
  if (r == Round::down) {
    mpz_fdiv_q(v.m.get_mpz_t(), v.m.get_mpz_t(), d.get_mpz_t());
  } else {
    mpz_cdiv_q(v.m.get_mpz_t(), v.m.get_mpz_t(), d.get_mpz_t());
  }
  normalize(v, precision, r);
}

// cum += floor or ceil of v * 2^f; `scratch` is reused between calls.
void add_fixed(mpz_class& cum, const Bound& v, unsigned long f, Round r, mpz_class& scratch) {
  const long shift = v.e + static_cast<long>(f);
  if (shift >= 0) {
    mpz_mul_2exp(scratch.get_mpz_t(), v.m.get_mpz_t(), static_cast<mp_bitcnt_t>(shift));
  } else if (r == Round::down) {
    mpz_fdiv_q_2exp(scratch.get_mpz_t(), v.m.get_mpz_t(), static_cast<mp_bitcnt_t>(-shift));
  } else {
    mpz_cdiv_q_2exp(scratch.get_mpz_t(), v.m.get_mpz_t(), static_cast<mp_bitcnt_t>(-shift));
  }
  cum += scratch;
}

// The decision of exact_votes from certified bounds on each term T_k of the
// binomial distribution (floating bounds with `precision` bits, so terms far
// below 2^-l keep their relative precision) and on the cumulative sums (in
// fixed point with `precision` fractional bits). Returns nullopt when x
// falls between the bounds of a cumulative sum; the caller then retries
// with more precision.
std::optional<std::uint64_t> bounded_votes(ByteView vrf_output, std::uint64_t stake, const Params& params,
                                           unsigned long precision) {
  const std::size_t l = 8 * vrf_output.size();
  // T_0 = (q / b)^w by square-and-multiply, each bound rounded its own way.
  std::array<Bound, 2> term;  // [lower, upper]
  constexpr std::array<Round, 2> rounding = {Round::down, Round::up};
  for (std::size_t side = 0; side < 2; ++side) {
    Bound base{params.q, 0};
    divide(base, params.b, precision, rounding[side]);
    Bound power{mpz_class(1), 0};
    for (auto bit = static_cast<std::size_t>(std::bit_width(stake)); bit-- > 0;) {
      multiply(power, power, precision, rounding[side]);
      if (((stake >> bit) & 1U) != 0) multiply(power, base, precision, rounding[side]);
    }
    term[side] = std::move(power);
  }
  // x / 2^l < CDF  <=>  x * 2^(F - l) < C with C = 2^F * CDF, F = precision.
  // For F < l and an integer bound C, x < C * 2^(l - F) <=> floor(x / 2^(l - F)) < C,
  // so either way one precomputed integer is compared with the sums.
  mpz_class x = bigint::from_bytes_be(vrf_output);
  if (precision >= l) {
    x <<= static_cast<mp_bitcnt_t>(precision - l);
  } else {
    x >>= static_cast<mp_bitcnt_t>(l - precision);
  }
  mpz_class cum_lo = 0;
  mpz_class cum_hi = 0;
  mpz_class scratch;
  mpz_class numerator;
  mpz_class denominator;
  for (std::uint64_t k = 0; k < stake; ++k) {
    add_fixed(cum_lo, term[0], precision, Round::down, scratch);
    add_fixed(cum_hi, term[1], precision, Round::up, scratch);
    if (x < cum_lo) return k;
    if (x < cum_hi) return std::nullopt;  // undecided at this precision
    // T_{k+1} = T_k * (w - k) * a / ((k + 1) * q).
    static_assert(sizeof(unsigned long) == sizeof(std::uint64_t), "GMP's ui functions take the 64-bit counts");
    numerator = params.a * static_cast<unsigned long>(stake - k);
    denominator = params.q * static_cast<unsigned long>(k + 1);
    for (std::size_t side = 0; side < 2; ++side) {
      multiply(term[side], numerator, precision, rounding[side]);
      divide(term[side], denominator, precision, rounding[side]);
    }
  }
  return stake;
}

// Rejects inputs whose expected vote count w * tau / W is above
// max_expected_votes: the bounds walk about that many terms.
void check_expected_votes(std::uint64_t stake, std::uint64_t total_stake, std::uint64_t tau) {
  using privfin::detail::uint128;
  if (static_cast<uint128>(stake) * tau > static_cast<uint128>(max_expected_votes) * total_stake) {
    throw InvalidArgument("sortition: stake " + std::to_string(stake) + " of " + std::to_string(total_stake) +
                          " with expected committee size " + std::to_string(tau) +
                          " expects more than " + std::to_string(max_expected_votes) +
                          " votes for one node, above the supported maximum");
  }
}

}  // namespace

std::uint64_t committee_votes(ByteView vrf_output, std::uint64_t stake, std::uint64_t total_stake,
                              std::uint64_t expected_committee_size) {
  std::uint64_t votes = 0;
  Params params;
  if (trivial_votes(vrf_output, stake, total_stake, expected_committee_size, votes, params)) return votes;
  check_expected_votes(stake, total_stake, expected_committee_size);
  // Small exact numbers (b^w of a few thousand bits) are quicker than the
  // bounds; both paths give the same answer.
  const std::uint64_t exact_bits = exact_cost_bits(stake, params);
  if (exact_bits <= 4096) return exact_votes(vrf_output, stake, params);
  // The bracket's width is about (2 log2(w) + 2 j) 2^-P, so starting 128
  // bits past that growth leaves x between the bounds with probability
  // about 2^-100; each retry doubles P.
  unsigned long precision = 128 + 2 * static_cast<unsigned long>(std::bit_width(stake)) +
                            static_cast<unsigned long>(std::bit_width(max_expected_votes));
  for (;; precision *= 2) {
    if (precision >= exact_bits) return exact_votes(vrf_output, stake, params);
    if (auto decided = bounded_votes(vrf_output, stake, params, precision)) return *decided;
  }
}

std::uint64_t committee_votes_exact(ByteView vrf_output, std::uint64_t stake, std::uint64_t total_stake,
                                    std::uint64_t expected_committee_size) {
  std::uint64_t votes = 0;
  Params params;
  if (trivial_votes(vrf_output, stake, total_stake, expected_committee_size, votes, params)) return votes;
  return exact_votes(vrf_output, stake, params);
}

}  // namespace privfin::sig::sortition
