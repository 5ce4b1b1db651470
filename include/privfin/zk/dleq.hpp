// privfin/zk/dleq.hpp — non-interactive proofs of equality of discrete
// logarithms (Chaum-Pedersen), made non-interactive with Fiat-Shamir over a
// zk::Transcript: given g, h, X = g^x, Y = h^x in (Z/mZ)*, prove knowledge of
// one x with both relations without revealing x.
//
//   DleqGroup group = DleqGroup::hidden_order(n2, secret_bits);   // or prime_order(p, q)
//   zk::Transcript t("my protocol v1"); t.append(...context...);
//   DleqProof proof = dleq_prove(t, group, {g, h, X, Y}, x, prg);
//   zk::Transcript t2("my protocol v1"); t2.append(...same context...);
//   bool ok = dleq_verify(t2, group, {g, h, X, Y}, proof);
//
// Two group kinds:
//  - prime order q (a Schnorr group modulo p): commitments r uniform mod q,
//    response z = r + e x mod q; honest-verifier zero-knowledge is perfect.
//  - hidden order (e.g. Z*_{n^2} for threshold Paillier, where the order is
//    the secret factorisation): the response is an integer z = r + e x with r
//    uniform in [0, 2^(secret_bits + challenge_bits + statistical_bits)), so z
//    hides x statistically (Shoup 2000, Damgård–Jurik 2001). The caller must
//    ensure soundness holds in its group (threshold Paillier works in the
//    squares, as Shoup does).
// The proof is (e, z): the verifier recomputes a = g^z X^-e, b = h^z Y^-e,
// and checks that the transcript gives the same e. The transcript absorbs,
// under label "dleq", the modulus, g, h, X, Y, a and b, then draws e of
// challenge_bits (128) bits.
//
// Caller's duties: bind the context (keys, party id, the message) into the
// transcript before proving and verifying; keep x secret (the prover uses
// powm_sec for the secret commitment exponent). dleq_prove throws
// InvalidArgument when an element is not a unit mod m or the statement is
// malformed; dleq_verify returns false instead. Thread-safe: pure functions.
#pragma once

#include <gmpxx.h>

#include <cstddef>
#include <optional>

#include "privfin/core/bytes.hpp"
#include "privfin/core/codec.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/zk/transcript.hpp"

namespace privfin::zk {

class DleqGroup {
 public:
  static constexpr std::size_t challenge_bits = 128;
  static constexpr std::size_t statistical_bits = 128;

  // (Z/pZ)* restricted to a subgroup of prime order q; p and q prime, q | p-1.
  // Throws InvalidArgument otherwise (primality checked probabilistically).
  [[nodiscard]] static DleqGroup prime_order(const mpz_class& p, const mpz_class& q);
  // (Z/mZ)* with an order the verifier does not know; secrets are below
  // 2^secret_bits. m must be odd and > 2.
  [[nodiscard]] static DleqGroup hidden_order(const mpz_class& modulus, std::size_t secret_bits);

  [[nodiscard]] const mpz_class& modulus() const noexcept { return modulus_; }
  [[nodiscard]] const std::optional<mpz_class>& order() const noexcept { return order_; }
  [[nodiscard]] std::size_t secret_bits() const noexcept { return secret_bits_; }
  // Bits of the commitment exponent r and an upper bound on the response z.
  [[nodiscard]] std::size_t nonce_bits() const noexcept;
  [[nodiscard]] std::size_t response_bits() const noexcept { return nonce_bits() + 1; }
  // x in [1, m) and gcd(x, m) = 1; for a prime-order group also x^q = 1.
  [[nodiscard]] bool is_element(const mpz_class& x) const;

 private:
  DleqGroup(mpz_class modulus, std::optional<mpz_class> order, std::size_t secret_bits);
  mpz_class modulus_;
  std::optional<mpz_class> order_;
  std::size_t secret_bits_;
};

// g^x = gx and h^x = hx.
struct DleqStatement {
  mpz_class g;
  mpz_class h;
  mpz_class gx;
  mpz_class hx;
};

struct DleqProof {
  static constexpr std::uint8_t format_version = 1;

  mpz_class challenge;  // e in [0, 2^challenge_bits)
  mpz_class response;   // z

  // Version 1: u8 version, bigint e, bigint z (codec bigints).
  void write(Writer& w) const;
  [[nodiscard]] Bytes to_bytes() const;
  // Throws DecodeError when e or z exceed the group's bounds or the bytes
  // are malformed.
  [[nodiscard]] static DleqProof read(Reader& r, const DleqGroup& group);
  [[nodiscard]] static DleqProof from_bytes(ByteView bytes, const DleqGroup& group);
};

// x must satisfy the statement (not re-checked: that would double the cost;
// a wrong x gives a proof that does not verify) and lie in [0, 2^secret_bits)
// for a hidden-order group or [0, q) for a prime-order group
// (InvalidArgument otherwise).
[[nodiscard]] DleqProof dleq_prove(Transcript& transcript, const DleqGroup& group, const DleqStatement& statement,
                                   const mpz_class& x, Prg& prg);

[[nodiscard]] bool dleq_verify(Transcript& transcript, const DleqGroup& group, const DleqStatement& statement,
                               const DleqProof& proof);

}  // namespace privfin::zk
