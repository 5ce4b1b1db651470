// privfin/sharing/vss.hpp — verifiable secret sharing: Feldman VSS (FOCS
// 1987) and Pedersen VSS (CRYPTO 1991) on top of Shamir sharing over Z_q,
// with commitments in the order-q subgroup of Z*_p for a safe prime
// p = 2q + 1. A dealer publishes commitments to the coefficients of its
// polynomial; each party checks its share against them, so a dealer that
// hands out a share off the committed polynomial is caught.
//
//   auto group = sharing::SchnorrGroup::rfc3526_2048();       // or ::random(512, prg)
//   sharing::FeldmanVss vss(group, /*threshold=*/3, /*parties=*/5);
//   auto dealing = vss.deal(secrets, prg);    // secrets in [0, q)
//   // broadcast dealing.commitments, send dealing.shares[j] to party j; party j:
//   if (!vss.verify(j, dealing.shares[j], dealing.commitments)) { /* complain */ }
//   auto back = vss.reconstruct(who, shares_of_who);
//
// Feldman: C_k = g^{a_k}; hiding only computationally (g^secret is public).
// Pedersen: C_k = g^{a_k} h^{b_k} with a second generator h whose discrete
// log to g nobody knows (derived by hashing, see SchnorrGroup::derive_generator);
// perfectly hiding, binding under the discrete-log assumption.
// Evaluation points are x_j = j + 1.
//
// Caller's duties: agree on the group and (for Pedersen) on h out of band;
// the dealer must use a well-seeded Prg; a party that sees verify() fail
// should raise a complaint in its protocol. Secret exponentiations use
// bigint::powm_sec and the dealer's coefficients are wiped; GMP's other
// operations are not constant-time.
// Throws InvalidArgument for bad parameters (see each function), secrets
// outside [0, q), party indices out of range; verify() never throws on bad
// dealer data, it returns false. Thread safety: the objects are immutable
// after construction; deal() needs its own Prg per thread.
#pragma once

#include <gmpxx.h>

#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "privfin/core/gmp_field.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/sharing/shamir.hpp"

namespace privfin::sharing {

// The subgroup of quadratic residues of Z*_p for a safe prime p = 2q + 1: a
// cyclic group of prime order q. Membership is a Jacobi-symbol test.
class SchnorrGroup {
 public:
  // Throws InvalidArgument unless p and q = (p - 1) / 2 are probable primes
  // and g is a member of the subgroup other than 1.
  SchnorrGroup(mpz_class p, mpz_class g);

  // The 2048-bit MODP group of RFC 3526 §3 (IKE group 14): p = 2^2048 -
  // 2^1984 - 1 + 2^64 * (floor(2^1918 pi) + 124476), g = 2 (a quadratic
  // residue since p = 7 mod 8, so it generates the order-q subgroup).
  [[nodiscard]] static SchnorrGroup rfc3526_2048();
  // A fresh safe prime of `bits` bits (bigint::random_safe_prime), g = 4.
  // For tests and short-lived parameters; bits >= 64.
  [[nodiscard]] static SchnorrGroup random(std::size_t bits, Prg& prg);

  [[nodiscard]] const mpz_class& p() const noexcept { return p_; }
  [[nodiscard]] const mpz_class& q() const noexcept { return q_; }
  [[nodiscard]] const mpz_class& g() const noexcept { return g_; }
  // The exponent field Z_q.
  [[nodiscard]] const GmpField& scalars() const noexcept { return scalars_; }

  // 1 <= x < p and x is a quadratic residue (so x^q = 1).
  [[nodiscard]] bool contains(const mpz_class& x) const;
  [[nodiscard]] mpz_class mul(const mpz_class& a, const mpz_class& b) const;
  // base^e mod p for a public exponent e >= 0.
  [[nodiscard]] mpz_class pow(const mpz_class& base, const mpz_class& e) const;
  // base^e mod p in constant time (mpz_powm_sec) for a secret e >= 0.
  [[nodiscard]] mpz_class pow_secret(const mpz_class& base, const mpz_class& e) const;
  // A group element with no known discrete log to g: the square of
  // expand_message_xmd<Sha256>(label, "privfin-vss-generator-v1", |p| + 16)
  // reduced mod p, redrawn with a counter in the (negligible) case it is 0, 1
  // or p - 1.
  [[nodiscard]] mpz_class derive_generator(std::string_view label) const;

 private:
  mpz_class p_, q_, g_;
  GmpField scalars_;
};

class FeldmanVss {
 public:
  struct Dealing {
    // commitments[i][k] = g^{a_{i,k}}: t values per secret i.
    std::vector<std::vector<mpz_class>> commitments;
    // shares[j][i] = f_i(j + 1) mod q: what party j receives.
    std::vector<std::vector<mpz_class>> shares;
  };

  // Throws InvalidArgument for n < 2, t = 0 or t > n.
  FeldmanVss(SchnorrGroup group, std::size_t threshold, std::size_t parties);

  [[nodiscard]] const SchnorrGroup& group() const noexcept { return group_; }
  [[nodiscard]] std::size_t threshold() const noexcept { return shamir_.threshold(); }
  [[nodiscard]] std::size_t parties() const noexcept { return shamir_.parties(); }
  [[nodiscard]] const Shamir<GmpField>& shamir() const noexcept { return shamir_; }

  // Deals every secret (each in [0, q)) with its own random polynomial.
  [[nodiscard]] Dealing deal(std::span<const mpz_class> secrets, Prg& prg) const;

  // Whether share = f(party + 1) for the polynomial committed to:
  // g^share == prod_k C_k^{x^k}. False (never a throw) for a share outside
  // [0, q), a wrong number of commitments or a commitment outside the group.
  // Throws InvalidArgument only for a party index out of range.
  [[nodiscard]] bool verify(std::size_t party, const mpz_class& share, std::span<const mpz_class> commitments) const;
  // Every share of a batch (shares[i] against commitments[i]), each exactly.
  [[nodiscard]] bool verify(std::size_t party, std::span<const mpz_class> shares,
                            std::span<const std::vector<mpz_class>> commitments) const;
  // The same in one combined check with random 64-bit weights rho_i from
  // `prg`: g^{sum rho_i s_i} == prod_i (prod_k C_{i,k}^{x^k})^{rho_i}. Accepts
  // a bad batch with probability at most 2^-64; much faster for large batches.
  [[nodiscard]] bool verify_batch(std::size_t party, std::span<const mpz_class> shares,
                                  std::span<const std::vector<mpz_class>> commitments, Prg& prg) const;

  // The secrets from at least t parties' share vectors (shares[m] from
  // party who[m]); see Shamir::reconstruct.
  [[nodiscard]] std::vector<mpz_class> reconstruct(std::span<const std::size_t> who,
                                                   const std::vector<std::vector<mpz_class>>& shares) const;

 private:
  SchnorrGroup group_;
  Shamir<GmpField> shamir_;
};

class PedersenVss {
 public:
  struct Dealing {
    // commitments[i][k] = g^{a_{i,k}} h^{b_{i,k}}.
    std::vector<std::vector<mpz_class>> commitments;
    // shares[j][i] = f_i(j + 1), blindings[j][i] = r_i(j + 1) (mod q).
    std::vector<std::vector<mpz_class>> shares;
    std::vector<std::vector<mpz_class>> blindings;
  };

  // h = group.derive_generator("privfin pedersen vss h") unless given. A
  // given h must be a group element other than 1 and must come from a
  // procedure that reveals nobody its discrete log (otherwise commitments
  // do not bind). Throws InvalidArgument for bad h, n < 2, t = 0 or t > n.
  PedersenVss(SchnorrGroup group, std::size_t threshold, std::size_t parties);
  PedersenVss(SchnorrGroup group, mpz_class h, std::size_t threshold, std::size_t parties);

  [[nodiscard]] const SchnorrGroup& group() const noexcept { return group_; }
  [[nodiscard]] const mpz_class& h() const noexcept { return h_; }
  [[nodiscard]] std::size_t threshold() const noexcept { return shamir_.threshold(); }
  [[nodiscard]] std::size_t parties() const noexcept { return shamir_.parties(); }

  [[nodiscard]] Dealing deal(std::span<const mpz_class> secrets, Prg& prg) const;

  // g^share h^blinding == prod_k C_k^{x^k}; false for out-of-range values or
  // malformed commitments.
  [[nodiscard]] bool verify(std::size_t party, const mpz_class& share, const mpz_class& blinding,
                            std::span<const mpz_class> commitments) const;
  [[nodiscard]] bool verify(std::size_t party, std::span<const mpz_class> shares,
                            std::span<const mpz_class> blindings,
                            std::span<const std::vector<mpz_class>> commitments) const;

  [[nodiscard]] std::vector<mpz_class> reconstruct(std::span<const std::size_t> who,
                                                   const std::vector<std::vector<mpz_class>>& shares) const;

 private:
  SchnorrGroup group_;
  mpz_class h_;
  Shamir<GmpField> shamir_;
};

}  // namespace privfin::sharing
