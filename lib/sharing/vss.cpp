// Feldman and Pedersen VSS over a safe-prime Schnorr group; see
// privfin/sharing/vss.hpp.
#include "privfin/sharing/vss.hpp"

#include <string>
#include <utility>

#include "privfin/core/bigint.hpp"
#include "privfin/core/bytes.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/expand_message.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::sharing {

namespace {

// RFC 3526 §3, the 2048-bit MODP group (hexadecimal, big-endian).
constexpr const char* rfc3526_2048_prime =
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
    "3995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF";

mpz_class x_of(std::size_t party) { return mpz_class(static_cast<unsigned long>(party + 1)); }

// prod_k C_k^{x^k} by Horner's rule in the exponent: ((C_{t-1})^x C_{t-2})^x ... C_0.
mpz_class committed_value(const SchnorrGroup& group, std::span<const mpz_class> commitments, std::size_t party) {
  const mpz_class x = x_of(party);
  mpz_class acc = commitments.back();
  for (std::size_t k = commitments.size() - 1; k-- > 0;) {
    acc = group.mul(group.pow(acc, x), commitments[k]);
  }
  return acc;
}

bool well_formed(const SchnorrGroup& group, std::span<const mpz_class> commitments, std::size_t threshold) {
  if (commitments.size() != threshold) return false;
  for (const auto& c : commitments) {
    if (!group.contains(c)) return false;
  }
  return true;
}

void check_party(std::size_t party, std::size_t parties, const char* where) {
  if (party >= parties) {
    throw InvalidArgument(std::string("sharing::") + where + ": party index " + std::to_string(party) +
                          " out of range (" + std::to_string(parties) + " parties)");
  }
}

void check_secrets(const GmpField& scalars, std::span<const mpz_class> secrets, const char* where) {
  for (std::size_t i = 0; i < secrets.size(); ++i) {
    if (!scalars.contains(secrets[i])) {
      throw InvalidArgument(std::string("sharing::") + where + ": secret at index " + std::to_string(i) +
                            " is not in [0, q)");
    }
  }
}

// coefficients[d][i] for d = 1..t-1 uniformly random, coefficients[0] = first.
std::vector<std::vector<mpz_class>> random_polynomials(const GmpField& scalars, std::vector<mpz_class> first,
                                                       std::size_t threshold, Prg& prg) {
  const std::size_t size = first.size();
  std::vector<std::vector<mpz_class>> coefficients;
  coefficients.reserve(threshold);
  coefficients.push_back(std::move(first));
  for (std::size_t d = 1; d < threshold; ++d) {
    std::vector<mpz_class>& c = coefficients.emplace_back(size);
    for (auto& v : c) v = scalars.random(prg);
  }
  return coefficients;
}

std::vector<std::vector<mpz_class>> evaluate(const Shamir<GmpField>& shamir,
                                             const std::vector<std::vector<mpz_class>>& coefficients) {
  const std::size_t size = coefficients[0].size();
  std::vector<std::vector<mpz_class>> shares(shamir.parties(), std::vector<mpz_class>(size));
  const std::vector<std::span<const mpz_class>> in(coefficients.begin(), coefficients.end());
  const std::vector<std::span<mpz_class>> out(shares.begin(), shares.end());
  shamir.share_with_coefficients(in, out);
  return shares;
}

void wipe_all(std::vector<std::vector<mpz_class>>& values) noexcept {
  for (auto& row : values) {
    for (auto& v : row) bigint::wipe(v);
  }
}

}  // namespace

// ---------------------------------------------------------------------------
// SchnorrGroup

SchnorrGroup::SchnorrGroup(mpz_class p, mpz_class g)
    : p_(std::move(p)),
      q_((p_ - 1) / 2),
      g_(std::move(g)),
      scalars_([this] {
        if (p_ < 7 || mpz_odd_p(p_.get_mpz_t()) == 0 || !bigint::is_probable_prime(p_)) {
          throw InvalidArgument("sharing::SchnorrGroup: p is not an odd prime >= 7");
        }
        // GmpField checks that q is prime.
        try {
          return GmpField(q_);
        } catch (const InvalidArgument&) {
          throw InvalidArgument("sharing::SchnorrGroup: p is not a safe prime ((p - 1) / 2 is not prime)");
        }
      }()) {
  if (!contains(g_) || g_ == 1) {
    throw InvalidArgument("sharing::SchnorrGroup: g is not a generator of the order-q subgroup");
  }
}

SchnorrGroup SchnorrGroup::rfc3526_2048() {
  // Validating the 2048-bit primes takes a moment; do it once per process.
  static const SchnorrGroup group(mpz_class(rfc3526_2048_prime, 16), mpz_class(2));
  return group;
}

SchnorrGroup SchnorrGroup::random(std::size_t bits, Prg& prg) {
  if (bits < 64) {
    throw InvalidArgument("sharing::SchnorrGroup::random: " + std::to_string(bits) + " bits is below the minimum of 64");
  }
  return SchnorrGroup(bigint::random_safe_prime(bits, prg), mpz_class(4));
}

bool SchnorrGroup::contains(const mpz_class& x) const {
  return x >= 1 && x < p_ && mpz_legendre(x.get_mpz_t(), p_.get_mpz_t()) == 1;
}

mpz_class SchnorrGroup::mul(const mpz_class& a, const mpz_class& b) const {
  mpz_class r = a * b;
  mpz_mod(r.get_mpz_t(), r.get_mpz_t(), p_.get_mpz_t());
  return r;
}

mpz_class SchnorrGroup::pow(const mpz_class& base, const mpz_class& e) const { return bigint::powm(base, e, p_); }

mpz_class SchnorrGroup::pow_secret(const mpz_class& base, const mpz_class& e) const {
  if (sgn(e) == 0) return 1;
  return bigint::powm_sec(base, e, p_);
}

mpz_class SchnorrGroup::derive_generator(std::string_view label) const {
  const std::size_t length = bigint::byte_length(p_) + 16;
  for (std::uint32_t counter = 0;; ++counter) {
    Bytes msg = to_bytes(label);
    for (int shift = 24; shift >= 0; shift -= 8) {
      msg.push_back(static_cast<std::byte>((counter >> static_cast<unsigned>(shift)) & 0xFFU));
    }
    const Bytes uniform = expand_message_xmd<Sha256>(msg, as_bytes("privfin-vss-generator-v1"), length);
    mpz_class x = bigint::from_bytes_be(uniform);
    mpz_mod(x.get_mpz_t(), x.get_mpz_t(), p_.get_mpz_t());
    mpz_class h = mul(x, x);
    if (h > 1) return h;
  }
}

// ---------------------------------------------------------------------------
// FeldmanVss

FeldmanVss::FeldmanVss(SchnorrGroup group, std::size_t threshold, std::size_t parties)
    : group_(std::move(group)), shamir_(group_.scalars(), threshold, parties) {}

FeldmanVss::Dealing FeldmanVss::deal(std::span<const mpz_class> secrets, Prg& prg) const {
  check_secrets(group_.scalars(), secrets, "FeldmanVss::deal");
  const std::size_t t = threshold();
  auto coefficients =
      random_polynomials(group_.scalars(), std::vector<mpz_class>(secrets.begin(), secrets.end()), t, prg);
  Dealing dealing;
  dealing.commitments.assign(secrets.size(), std::vector<mpz_class>(t));
  for (std::size_t i = 0; i < secrets.size(); ++i) {
    for (std::size_t k = 0; k < t; ++k) dealing.commitments[i][k] = group_.pow_secret(group_.g(), coefficients[k][i]);
  }
  dealing.shares = evaluate(shamir_, coefficients);
  wipe_all(coefficients);
  return dealing;
}

bool FeldmanVss::verify(std::size_t party, const mpz_class& share, std::span<const mpz_class> commitments) const {
  check_party(party, parties(), "FeldmanVss::verify");
  if (!group_.scalars().contains(share) || !well_formed(group_, commitments, threshold())) return false;
  return group_.pow_secret(group_.g(), share) == committed_value(group_, commitments, party);
}

bool FeldmanVss::verify(std::size_t party, std::span<const mpz_class> shares,
                        std::span<const std::vector<mpz_class>> commitments) const {
  check_party(party, parties(), "FeldmanVss::verify");
  if (shares.size() != commitments.size()) return false;
  bool ok = true;
  for (std::size_t i = 0; i < shares.size(); ++i) ok = verify(party, shares[i], commitments[i]) && ok;
  return ok;
}

bool FeldmanVss::verify_batch(std::size_t party, std::span<const mpz_class> shares,
                              std::span<const std::vector<mpz_class>> commitments, Prg& prg) const {
  check_party(party, parties(), "FeldmanVss::verify_batch");
  if (shares.size() != commitments.size()) return false;
  mpz_class exponent = 0, rhs = 1;
  for (std::size_t i = 0; i < shares.size(); ++i) {
    if (!group_.scalars().contains(shares[i]) || !well_formed(group_, commitments[i], threshold())) return false;
    const std::uint64_t r = prg.next_u64();
    mpz_class rho;
    mpz_import(rho.get_mpz_t(), 1, 1, sizeof r, 0, 0, &r);
    exponent += rho * shares[i];
    rhs = group_.mul(rhs, group_.pow(committed_value(group_, commitments[i], party), rho));
  }
  mpz_mod(exponent.get_mpz_t(), exponent.get_mpz_t(), group_.q().get_mpz_t());
  const bool ok = group_.pow_secret(group_.g(), exponent) == rhs;
  bigint::wipe(exponent);
  return ok;
}

std::vector<mpz_class> FeldmanVss::reconstruct(std::span<const std::size_t> who,
                                               const std::vector<std::vector<mpz_class>>& shares) const {
  return shamir_.reconstruct(who, shares);
}

// ---------------------------------------------------------------------------
// PedersenVss

PedersenVss::PedersenVss(SchnorrGroup group, std::size_t threshold, std::size_t parties)
    : group_(std::move(group)),
      h_(group_.derive_generator("privfin pedersen vss h")),
      shamir_(group_.scalars(), threshold, parties) {}

PedersenVss::PedersenVss(SchnorrGroup group, mpz_class h, std::size_t threshold, std::size_t parties)
    : group_(std::move(group)), h_(std::move(h)), shamir_(group_.scalars(), threshold, parties) {
  if (!group_.contains(h_) || h_ == 1) {
    throw InvalidArgument("sharing::PedersenVss: h is not a generator of the order-q subgroup");
  }
  if (h_ == group_.g()) throw InvalidArgument("sharing::PedersenVss: h equals g (its discrete log is known)");
}

PedersenVss::Dealing PedersenVss::deal(std::span<const mpz_class> secrets, Prg& prg) const {
  check_secrets(group_.scalars(), secrets, "PedersenVss::deal");
  const std::size_t t = threshold();
  auto a = random_polynomials(group_.scalars(), std::vector<mpz_class>(secrets.begin(), secrets.end()), t, prg);
  std::vector<mpz_class> b0(secrets.size());
  for (auto& v : b0) v = group_.scalars().random(prg);
  auto b = random_polynomials(group_.scalars(), std::move(b0), t, prg);
  Dealing dealing;
  dealing.commitments.assign(secrets.size(), std::vector<mpz_class>(t));
  for (std::size_t i = 0; i < secrets.size(); ++i) {
    for (std::size_t k = 0; k < t; ++k) {
      dealing.commitments[i][k] =
          group_.mul(group_.pow_secret(group_.g(), a[k][i]), group_.pow_secret(h_, b[k][i]));
    }
  }
  dealing.shares = evaluate(shamir_, a);
  dealing.blindings = evaluate(shamir_, b);
  wipe_all(a);
  wipe_all(b);
  return dealing;
}

bool PedersenVss::verify(std::size_t party, const mpz_class& share, const mpz_class& blinding,
                         std::span<const mpz_class> commitments) const {
  check_party(party, parties(), "PedersenVss::verify");
  if (!group_.scalars().contains(share) || !group_.scalars().contains(blinding) ||
      !well_formed(group_, commitments, threshold())) {
    return false;
  }
  const mpz_class lhs = group_.mul(group_.pow_secret(group_.g(), share), group_.pow_secret(h_, blinding));
  return lhs == committed_value(group_, commitments, party);
}

bool PedersenVss::verify(std::size_t party, std::span<const mpz_class> shares, std::span<const mpz_class> blindings,
                         std::span<const std::vector<mpz_class>> commitments) const {
  check_party(party, parties(), "PedersenVss::verify");
  if (shares.size() != commitments.size() || blindings.size() != commitments.size()) return false;
  bool ok = true;
  for (std::size_t i = 0; i < shares.size(); ++i) ok = verify(party, shares[i], blindings[i], commitments[i]) && ok;
  return ok;
}

std::vector<mpz_class> PedersenVss::reconstruct(std::span<const std::size_t> who,
                                                const std::vector<std::vector<mpz_class>>& shares) const {
  return shamir_.reconstruct(who, shares);
}

}  // namespace privfin::sharing
