// Chaum-Pedersen equality-of-discrete-logs proofs with Fiat-Shamir; see
// privfin/zk/dleq.hpp. Prime-order form: Chaum and Pedersen, "Wallet
// databases with observers" (CRYPTO 1992). Hidden-order (integer response)
// form: Shoup, "Practical threshold signatures" (EUROCRYPT 2000), §2.
#include "privfin/zk/dleq.hpp"

#include <string>
#include <utility>

#include "privfin/core/bigint.hpp"
#include "privfin/core/error.hpp"

namespace privfin::zk {

namespace {
// The commitments are derived from (e, z) by the verifier; both sides feed
// the same values in the same order.
mpz_class derive_challenge(Transcript& t, const DleqGroup& group, const DleqStatement& s, const mpz_class& a,
                           const mpz_class& b) {
  t.append("dleq", as_bytes(group.order() ? std::string_view("prime order") : std::string_view("hidden order")));
  t.append_bigint("dleq modulus", group.modulus());
  if (group.order()) t.append_bigint("dleq order", *group.order());
  t.append_u64("dleq secret bits", group.secret_bits());
  t.append_bigint("dleq g", s.g);
  t.append_bigint("dleq h", s.h);
  t.append_bigint("dleq g^x", s.gx);
  t.append_bigint("dleq h^x", s.hx);
  t.append_bigint("dleq commitment a", a);
  t.append_bigint("dleq commitment b", b);
  return t.challenge_bigint("dleq challenge", DleqGroup::challenge_bits);
}

bool statement_in_group(const DleqGroup& group, const DleqStatement& s) {
  return group.is_element(s.g) && group.is_element(s.h) && group.is_element(s.gx) && group.is_element(s.hx);
}

// base^z * power^-e mod m, with e public.
mpz_class recompute(const mpz_class& base, const mpz_class& z, const mpz_class& power, const mpz_class& e,
                    const mpz_class& m) {
  mpz_class lhs = bigint::powm(base, z, m);
  mpz_class rhs = bigint::powm(bigint::invert(power, m), e, m);
  return (lhs * rhs) % m;
}
}  // namespace

DleqGroup::DleqGroup(mpz_class modulus, std::optional<mpz_class> order, std::size_t secret_bits)
    : modulus_(std::move(modulus)), order_(std::move(order)), secret_bits_(secret_bits) {}

DleqGroup DleqGroup::prime_order(const mpz_class& p, const mpz_class& q) {
  if (!bigint::is_probable_prime(p, 32) || !bigint::is_probable_prime(q, 32)) {
    throw InvalidArgument("DleqGroup::prime_order: p and q must be primes");
  }
  if (p == 2 || (p - 1) % q != 0) throw InvalidArgument("DleqGroup::prime_order: q must divide p - 1 (p odd)");
  return DleqGroup(p, q, bigint::bit_length(q));
}

DleqGroup DleqGroup::hidden_order(const mpz_class& modulus, std::size_t secret_bits) {
  if (modulus < 3 || mpz_even_p(modulus.get_mpz_t()) != 0) {
    throw InvalidArgument("DleqGroup::hidden_order: the modulus must be odd and at least 3");
  }
  if (secret_bits == 0 || secret_bits > (std::size_t{1} << 20)) {
    throw InvalidArgument("DleqGroup::hidden_order: secret_bits must be in [1, 2^20]");
  }
  return DleqGroup(modulus, std::nullopt, secret_bits);
}

std::size_t DleqGroup::nonce_bits() const noexcept {
  if (order_) return bigint::bit_length(*order_);
  return secret_bits_ + challenge_bits + statistical_bits;
}

bool DleqGroup::is_element(const mpz_class& x) const {
  if (x < 1 || x >= modulus_) return false;
  mpz_class g;
  mpz_gcd(g.get_mpz_t(), x.get_mpz_t(), modulus_.get_mpz_t());
  if (g != 1) return false;
  if (order_) return bigint::powm(x, *order_, modulus_) == 1;
  return true;
}

void DleqProof::write(Writer& w) const { w.version(format_version).bigint(challenge).bigint(response); }

Bytes DleqProof::to_bytes() const {
  Writer w;
  write(w);
  return std::move(w).take();
}

DleqProof DleqProof::read(Reader& r, const DleqGroup& group) {
  r.expect_version(format_version, "DLEQ proof");
  DleqProof proof;
  proof.challenge = r.bigint("DLEQ challenge", (DleqGroup::challenge_bits + 7) / 8);
  proof.response = r.bigint("DLEQ response", (group.response_bits() + 7) / 8);
  if (bigint::bit_length(proof.challenge) > DleqGroup::challenge_bits) {
    throw DecodeError("DLEQ proof: the challenge exceeds " + std::to_string(DleqGroup::challenge_bits) + " bits");
  }
  if (group.order() ? proof.response >= *group.order() : bigint::bit_length(proof.response) > group.response_bits()) {
    throw DecodeError("DLEQ proof: the response is out of range");
  }
  return proof;
}

DleqProof DleqProof::from_bytes(ByteView bytes, const DleqGroup& group) {
  Reader r(bytes);
  DleqProof proof = read(r, group);
  r.expect_end("DLEQ proof");
  return proof;
}

DleqProof dleq_prove(Transcript& transcript, const DleqGroup& group, const DleqStatement& statement,
                     const mpz_class& x, Prg& prg) {
  if (!statement_in_group(group, statement)) {
    throw InvalidArgument("dleq_prove: an element of the statement is not in the group");
  }
  const mpz_class& m = group.modulus();
  mpz_class r;
  if (group.order()) {
    if (x < 0 || x >= *group.order()) throw InvalidArgument("dleq_prove: the secret is not in [0, q)");
    r = bigint::random_below(*group.order(), prg);
  } else {
    if (x < 0 || bigint::bit_length(x) > group.secret_bits()) {
      throw InvalidArgument("dleq_prove: the secret exceeds the group's secret_bits");
    }
    r = bigint::random_bits(group.nonce_bits(), prg);
  }
  // powm_sec needs a positive exponent; r = 0 has probability 2^-128 or less,
  // and g^0 = 1 is computed without it.
  const bool zero_nonce = sgn(r) == 0;
  mpz_class a = zero_nonce ? mpz_class(1) : bigint::powm_sec(statement.g, r, m);
  mpz_class b = zero_nonce ? mpz_class(1) : bigint::powm_sec(statement.h, r, m);
  DleqProof proof;
  proof.challenge = derive_challenge(transcript, group, statement, a, b);
  proof.response = r + proof.challenge * x;
  if (group.order()) proof.response %= *group.order();
  bigint::wipe(r);
  return proof;
}

bool dleq_verify(Transcript& transcript, const DleqGroup& group, const DleqStatement& statement,
                 const DleqProof& proof) {
  if (!statement_in_group(group, statement)) return false;
  if (sgn(proof.challenge) < 0 || bigint::bit_length(proof.challenge) > DleqGroup::challenge_bits) return false;
  if (sgn(proof.response) < 0) return false;
  if (group.order() ? proof.response >= *group.order()
                    : bigint::bit_length(proof.response) > group.response_bits()) {
    return false;
  }
  const mpz_class& m = group.modulus();
  const mpz_class a = recompute(statement.g, proof.response, statement.gx, proof.challenge, m);
  const mpz_class b = recompute(statement.h, proof.response, statement.hx, proof.challenge, m);
  const mpz_class e = derive_challenge(transcript, group, statement, a, b);
  return e == proof.challenge;
}

}  // namespace privfin::zk
