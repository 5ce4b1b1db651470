// Sortition: Gosig leader candidates (Li et al., "Gosig", SoCC'18) and
// Algorand committee selection (Gilad et al., SOSP'17, Algorithm 1), exact.
#include "privfin/sig/sortition.hpp"

#include <algorithm>
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

std::uint64_t committee_votes(ByteView vrf_output, std::uint64_t stake, std::uint64_t total_stake,
                              std::uint64_t expected_committee_size) {
  if (vrf_output.empty()) throw InvalidArgument("sortition: empty VRF output");
  if (total_stake == 0 || stake > total_stake || expected_committee_size > total_stake) {
    throw InvalidArgument("sortition: need 0 < W, w <= W and tau <= W (w = " + std::to_string(stake) +
                          ", W = " + std::to_string(total_stake) + ", tau = " + std::to_string(expected_committee_size) +
                          ")");
  }
  if (stake == 0 || expected_committee_size == 0) return 0;
  if (expected_committee_size == total_stake) return stake;  // p = 1

  // p = a / b in lowest terms; q = b - a.
  const mpz_class tau(std::to_string(expected_committee_size));
  const mpz_class big_w(std::to_string(total_stake));
  mpz_class g;
  mpz_gcd(g.get_mpz_t(), tau.get_mpz_t(), big_w.get_mpz_t());
  const mpz_class a = tau / g;
  const mpz_class b = big_w / g;
  const mpz_class q = b - a;
  const unsigned long w = static_cast<unsigned long>(stake);

  // lhs = x * b^w; the cumulative sum is compared after scaling by 2^l.
  const std::size_t l = 8 * vrf_output.size();
  mpz_class lhs;
  mpz_pow_ui(lhs.get_mpz_t(), b.get_mpz_t(), w);
  lhs *= bigint::from_bytes_be(vrf_output);

  mpz_class term;  // T_0 = (b - a)^w
  mpz_pow_ui(term.get_mpz_t(), q.get_mpz_t(), w);
  mpz_class cumulative = 0;
  mpz_class scaled;
  for (std::uint64_t k = 0; k < stake; ++k) {
    cumulative += term;
    mpz_mul_2exp(scaled.get_mpz_t(), cumulative.get_mpz_t(), l);
    if (lhs < scaled) return k;
    // T_{k+1} = T_k * (w - k) * a / ((k + 1) * q), exact.
    term *= static_cast<unsigned long>(stake - k);
    term *= a;
    mpz_divexact_ui(term.get_mpz_t(), term.get_mpz_t(), static_cast<unsigned long>(k + 1));
    mpz_divexact(term.get_mpz_t(), term.get_mpz_t(), q.get_mpz_t());
  }
  return stake;  // x < 2^l = 2^l * CDF(w)
}

}  // namespace privfin::sig::sortition
