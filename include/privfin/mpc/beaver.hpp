// privfin/mpc/beaver.hpp — Beaver: semi-honest n-party (n >= 2) computation
// over additive secret sharing, arithmetic over Z2k<64> and boolean over
// 64-bit packed words, with correlated randomness from a Preprocessing
// source (Beaver, CRYPTO 1991: multiplication triples; truncation masks in
// the style of Escudero et al., CRYPTO 2020). Models mpc::Protocol, so all
// generic algorithms (compare.hpp, convert.hpp, select.hpp,
// fixed_point.hpp, truncation.hpp) run on it unchanged.
//
//   auto nets = net::LocalNetwork::create(n);
//   // on party i's thread:
//   mpc::LocalPreprocessing pre(common_seed, i, n);   // or DealerPreprocessing
//   Prg seeds(random_seed());
//   mpc::Beaver p(*nets[i], pre, seeds);              // one round: pairwise seeds
//   auto x = p.input(0, my_values, count);
//   auto z = p.mul(x, x);                             // one round
//   auto bits = mpc::lt(p, x, z);                     // generic comparison
//
// Security: semi-honest. Privacy against any n-1 passive parties (they
// follow the protocol and pool what they see), provided the preprocessing
// source is honest and colludes with none of them: every value a party
// receives is masked by a uniform triple or mask component it does not
// know. Nothing detects cheating by default:
//   * An active party can add errors of its choice: to its own share of
//     anything (the output moves by that amount), or to its part of an
//     opening in mul (an error d in x - a makes the product (x + d) y), and
//     through such errors make a revealed output carry more than the honest
//     one (see rep3.hpp for the select example); it can send different
//     shares to different parties in reveal, so they reveal different
//     values (party 1 sees 36, the others 35), change what reveal_to
//     delivers, stall, or abort. Apart from what is revealed it learns
//     nothing: masks come from preprocessing, not from other parties.
//   * A faulty preprocessing source (dealer.hpp) can shift any product,
//     AND or truncation by an amount of its choice (a correction off by one
//     gives every party 36 instead of 35) and nobody notices. It knows every
//     triple and mask, so it learns every opened value's secret as soon as
//     it sees that opening: colluding with any one compute party (who sees
//     x - a, y - b and x + 2^62 + r) it learns every operand of every mul,
//     and_ and trunc, i.e. every secret that enters a non-linear step
//     (compare, select, fixed point, ...); with no collusion it
//     learns nothing directly, but if it later learns outputs it can learn
//     secrets by selective errors (whether a shifted truncation mask changes
//     the result depends on the masked value).
// The opt-in Options::check_reveals makes disagreement on reveal and
// reveal_bits detectable (see check_reveals()); nothing here catches
// consistent errors or a faulty dealer. mpc::Spdz2k (spdz2k.hpp) detects
// any cheating, MAC-authenticated, before it reveals. See docs/security.md.
//
// Costs per element, per party and peer (bytes sent, rounds):
//   input 0 (the owner derives the others' shares from pairwise seeds set up
//   in the constructor; no traffic), reveal 8 (1), reveal_to 8 from each
//   other party (1), mul 16 (1), and_ 16 per word (1), dot 16 per term (1;
//   unlike Rep3, traffic grows with the length), trunc 8 (1; exact inside
//   [-2^62, 2^62), see trunc()), mul_trunc 24 (2), arith_components and
//   bit_components: local (n components each), random_arith/random_bits:
//   local. Preprocessing per element: one triple per mul, one mask per
//   trunc, one AND triple word per and_ word.
//
// Caller's duties: all parties call the same operations in the same order
// with the same sizes (that keeps PRGs and preprocessing in step); `seeds`
// must be unpredictable outside tests. Throws InvalidArgument for fewer than
// 2 parties, a preprocessing source for another party or party count,
// mismatched sizes, bad party ids, truncation shifts outside [1, 62];
// NetworkError/DecodeError/ProtocolError from the network or the source;
// ProtocolError from check_reveals(). Thread safety: one thread at a time
// per Beaver object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "privfin/core/prg.hpp"
#include "privfin/core/ring.hpp"
#include "privfin/mpc/detail/bits.hpp"
#include "privfin/mpc/detail/reveal_digest.hpp"
#include "privfin/mpc/preprocessing.hpp"
#include "privfin/mpc/protocol.hpp"
#include "privfin/net/network.hpp"

namespace privfin::mpc {

// One party's additive share of a batch (T = Ring: sum; T = word: XOR).
template <class T>
struct AdditiveShare {
  std::vector<T> values;
  AdditiveShare() = default;
  explicit AdditiveShare(std::size_t n) : values(n) {}
  explicit AdditiveShare(std::vector<T> v) : values(std::move(v)) {}
  [[nodiscard]] std::size_t size() const noexcept { return values.size(); }
};

class Beaver {
 public:
  using Arith = AdditiveShare<Ring>;
  using Bool = AdditiveShare<std::uint64_t>;

  struct Options {
    // Keep a running SHA-256 of every value revealed to all compute parties
    // (reveal, reveal_bits) so that check_reveals() can compare it with
    // every peer. All parties must choose the same setting.
    bool check_reveals = false;
  };

  // Parties 0..parties-1 of `net` compute (0 = all of them; a dealer or
  // input parties may have higher ids). Exchanges pairwise input seeds (one
  // round). InvalidArgument for fewer than 2 compute parties, this party not
  // among them, or `pre` for another party id or party count.
  Beaver(net::Network& net, Preprocessing& pre, Prg& seed_source, std::size_t parties = 0);
  Beaver(net::Network& net, Preprocessing& pre, Prg& seed_source, std::size_t parties, Options options);

  [[nodiscard]] std::size_t party_id() const noexcept { return id_; }
  [[nodiscard]] std::size_t party_count() const noexcept { return n_; }
  [[nodiscard]] net::Network& network() noexcept { return net_; }

  // --- input and output -------------------------------------------------
  [[nodiscard]] Arith input(std::size_t owner, std::span<const Ring> values, std::size_t n);
  [[nodiscard]] Bool input_bits(std::size_t owner, std::span<const std::uint64_t> words, std::size_t n);
  [[nodiscard]] std::vector<Ring> reveal(const Arith& x);
  [[nodiscard]] std::vector<Ring> reveal_to(std::size_t party, const Arith& x);
  [[nodiscard]] std::vector<std::uint64_t> reveal_bits(const Bool& b);
  [[nodiscard]] Arith constant(std::span<const Ring> values) const;

  // Reveal check (Options::check_reveals; InvalidArgument without it). One
  // round: sends the 32-byte SHA-256 of every value this party got from
  // reveal and reveal_bits since the last check to every other compute
  // party and compares theirs; ProtocolError naming the first peer whose
  // digest differs (that peer revealed something else, or lied about its
  // digest; not proof that it is the cheater). Two honest parties exchange
  // digests directly, so whatever the others do, they either agree on every
  // revealed value or both throw. Does not catch consistent errors (every
  // party reveals the same wrong value), a faulty dealer, or reveal_to.
  // All compute parties call it at the same point, before acting on
  // revealed values.
  void check_reveals();
  [[nodiscard]] const Options& options() const noexcept { return options_; }

  // --- local linear operations ------------------------------------------
  [[nodiscard]] Arith add(const Arith& x, const Arith& y) const;
  [[nodiscard]] Arith sub(const Arith& x, const Arith& y) const;
  [[nodiscard]] Arith neg(const Arith& x) const;
  [[nodiscard]] Arith add_public(const Arith& x, Ring c) const;
  [[nodiscard]] Arith add_public(const Arith& x, std::span<const Ring> c) const;
  [[nodiscard]] Arith mul_public(const Arith& x, Ring c) const;
  [[nodiscard]] Arith mul_public(const Arith& x, std::span<const Ring> c) const;

  // --- interactive arithmetic -------------------------------------------
  [[nodiscard]] Arith mul(const Arith& x, const Arith& y);
  // x.size() / length inner products of consecutive blocks: elementwise
  // Beaver products summed locally (InvalidArgument unless length divides
  // x.size() and y.size() == x.size()).
  [[nodiscard]] Arith dot(const Arith& x, const Arith& y, std::size_t length);
  [[nodiscard]] Arith random_arith(std::size_t n);

  // Truncation by d bits (1 <= d <= 62) of values in [-2^62, 2^62): result
  // floor(x / 2^d) or that + 1, no failure probability. With a mask (r,
  // r >> d, r_63) from preprocessing, c = x + 2^62 + r is opened (uniform,
  // so it leaks nothing) and the result is (c >> d) - 2^(62-d) - (r >> d) +
  // 2^(64-d) r_63 (1 - c_63): the sum wraps exactly when r_63 = 1 and
  // c_63 = 0. One round. Outside the range the result is a wrapped value.
  [[nodiscard]] Arith trunc(const Arith& x, unsigned d);
  // trunc(mul(x, y), d): two rounds.
  [[nodiscard]] Arith mul_trunc(const Arith& x, const Arith& y, unsigned d);

  // --- boolean ------------------------------------------------------------
  [[nodiscard]] Bool xor_(const Bool& a, const Bool& b) const;
  [[nodiscard]] Bool xor_public(const Bool& a, std::span<const std::uint64_t> words) const;
  [[nodiscard]] Bool and_(const Bool& a, const Bool& b);
  [[nodiscard]] Bool random_bits(std::size_t words);
  // and_(assemble(inputs, left), assemble(inputs, right)) (detail/bits.hpp)
  // with the operands gathered chunk by chunk into the masked values
  // instead of built first. Same triples, traffic and result as the
  // two-step form. InvalidArgument when left and right differ in length or
  // a plane lies outside its input.
  [[nodiscard]] Bool and_gathered(std::span<const Bool* const> inputs, std::size_t words,
                                  std::span<const detail::PlaneSpec> left, std::span<const detail::PlaneSpec> right);

  // --- conversions (see protocol.hpp) -----------------------------------
  // n components, all local: component j is party j's share as a boolean
  // value that party j inputs alone (the others hold 0).
  [[nodiscard]] std::vector<Bool> arith_components(const Arith& x) const;
  // n components, local: bits of party j's share word as 0/1 values held by j.
  [[nodiscard]] std::vector<Arith> bit_components(const Bool& b, std::size_t count) const;

  // --- linear maps applied to the own share ------------------------------
  template <class F>
  [[nodiscard]] Arith arith_linear(std::span<const Arith* const> inputs, std::size_t n, F&& f) const {
    return linear_impl<Ring>(inputs, n, f);
  }
  template <class F>
  [[nodiscard]] Bool bool_linear(std::span<const Bool* const> inputs, std::size_t words, F&& f) const {
    return linear_impl<std::uint64_t>(inputs, words, f);
  }

 private:
  template <class T, class S, class F>
  AdditiveShare<T> linear_impl(std::span<const S* const> inputs, std::size_t n, F& f) const {
    AdditiveShare<T> out(n);
    std::vector<std::span<const T>> ins(inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) ins[i] = inputs[i]->values;
    f(std::span<const std::span<const T>>(ins), std::span<T>(out.values));
    return out;
  }
  void check_party(const char* where, std::size_t party) const;
  // Sends `mine` to every peer and returns the elementwise sum (Ring) or
  // XOR (words) of everyone's vectors.
  std::vector<Ring> open(std::span<const Ring> mine);
  std::vector<std::uint64_t> open(std::span<const std::uint64_t> mine);

  net::Network& net_;
  Preprocessing& pre_;
  std::size_t id_;
  std::size_t n_;
  Options options_;
  std::optional<detail::RevealDigest> reveals_;  // with options_.check_reveals
  Prg local_;                   // own random shares
  std::vector<Prg> input_out_;  // [j]: shares this party gives j when it inputs
  std::vector<Prg> input_in_;   // [j]: shares j gives this party when j inputs
};

static_assert(Protocol<Beaver>);

}  // namespace privfin::mpc
