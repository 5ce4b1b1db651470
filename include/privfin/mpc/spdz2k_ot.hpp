// privfin/mpc/spdz2k_ot.hpp — dealer-free SPDZ2k preprocessing by oblivious
// transfer: MAC keys, authentication by OT-based VOLE over Z_2^128, and
// multiplication triples by Gilboa products checked by sacrifice.
//
//   Prg prg(random_seed());
//   mpc::Spdz2kOtPreprocessing pre(net, prg);   // base OTs with every peer
//   mpc::Spdz2k p(net, pre, prg);               // same network, same thread
//   auto z = p.mul(x, y);                       // triples made on demand
//
// Keys: each party draws alpha_i < 2^64 and Delta_i itself.
// Authentication of this party's shares x_i (SPDZ2k section 4 / MASCOT):
// for every peer j and every bit l of alpha_j, one correlated OT over
// Z_2^128 with x_i * 2^l as the correlation and alpha_j's bit as j's choice
// (built from one random OT of ot::ExtensionSender/Receiver, IKNP + KOS,
// plus a 16-byte correction), so the two parties hold additive shares of
// alpha_j * x_i; MAC share m_i = alpha_i x_i + those shares. 64 OTs per
// element per ordered pair.
// Triples: a, a', b uniform in Z_2^128, each party's shares drawn locally;
// the cross products a_i b_j and a'_i b_j by Gilboa (128 correlated OTs
// each, choices = the bits of b_j); all five values authenticated; then the
// SPDZ2k sacrifice: t uniform in Z_2^64 from a coin toss (commit-then-open),
// rho = t a - a' opened, sigma = t c - c' - rho b opened, both MAC-checked,
// and every sigma must be zero. A triple with c = ab + e, e not 0 mod 2^64,
// passes with probability at most 2^-64 (t e mod 2^(v+64) is uniform over
// multiples of 2^v, v = the 2-adic valuation of e < 64).
// random_values, input_masks: local shares (the owner's is the whole mask),
// authenticated as above.
// Random bits (random_arith_bits) and truncation masks: each party inputs
// private random bits, each proven a bit by opening b (1 - b) (zero mod
// 2^128 exactly for b in {0, 1}), XORed as x + y - 2xy; a mask is
// r = sum 2^i b_i over 64 such bits, so r >> d and r_63 are linear in
// them. (2n - 1) triples per bit. A party whose input is not a bit is named
// in a ProtocolError ("random bits: party j's input k is not a bit").
//
// Not dealer-free yet (InvalidArgument): bit_triples, random_bits,
// input_bit_masks, edabits and dabits — so with this source Spdz2k computes
// with input, linear maps, mul, dot, trunc / fixmul and the outputs, but
// not comparisons or conversions (see docs/mpc.md, "SPDZ2k").
// Known gap against an active party: triple generation has no MASCOT-style
// "combine" step, so a party that uses inconsistent correlations in one
// Gilboa OT learns a bit of an honest b_j when the sacrifice passes
// (probability 1/2), and causes an abort otherwise; authentication has no
// separate consistency check (inconsistent MAC shares surface as a failed
// MAC check in the online phase, possibly leaking bits of alpha_j the same
// way). Both are selective-failure leaks, not wrong outputs.
//
// Costs per triple and ordered pair: 256 OTs (Gilboa) + 5 x 64 (VOLE), each
// 16 bytes receiver to sender plus a 16-byte correction: about 18 KB; plus
// two openings and a MAC check per request. Errors: InvalidArgument as
// above and for fewer than 2 parties; ProtocolError from the sacrifice
// ("sacrifice: triple k ... is wrong") and the MAC check (spdz2k.hpp), and
// what ot::ExtensionSender/Receiver throw. Not thread-safe; uses `net` in
// the same request order at every party.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "privfin/core/prg.hpp"
#include "privfin/mpc/spdz2k.hpp"
#include "privfin/mpc/spdz2k_preprocessing.hpp"
#include "privfin/net/network.hpp"
#include "privfin/ot/extension.hpp"

namespace privfin::mpc {

class Spdz2kOtPreprocessing final : public Spdz2kPreprocessing {
 public:
  // All parties of `net` take part; runs the base OTs with every peer.
  Spdz2kOtPreprocessing(net::Network& net, Prg& prg);
  ~Spdz2kOtPreprocessing() override;
  Spdz2kOtPreprocessing(const Spdz2kOtPreprocessing&) = delete;
  Spdz2kOtPreprocessing& operator=(const Spdz2kOtPreprocessing&) = delete;

  [[nodiscard]] std::size_t party_id() const noexcept override { return id_; }
  [[nodiscard]] std::size_t party_count() const noexcept override { return n_; }
  [[nodiscard]] spdz2k::Word mac_key_share() const noexcept override { return alpha_; }
  [[nodiscard]] std::uint64_t bit_key_share() const noexcept override { return delta_; }
  [[nodiscard]] spdz2k::Triples triples(std::size_t n) override;
  [[nodiscard]] spdz2k::AuthShares random_values(std::size_t n) override;
  [[nodiscard]] spdz2k::InputMasks input_masks(std::size_t owner, std::size_t n) override;
  [[nodiscard]] spdz2k::BitTriples bit_triples(std::size_t words) override;
  [[nodiscard]] spdz2k::AuthBits random_bits(std::size_t words) override;
  [[nodiscard]] spdz2k::InputBitMasks input_bit_masks(std::size_t owner, std::size_t words) override;
  [[nodiscard]] spdz2k::EdaBits edabits(std::size_t n) override;
  [[nodiscard]] spdz2k::DaBits dabits(std::size_t count) override;
  [[nodiscard]] spdz2k::TruncMasks trunc_masks(std::size_t n, unsigned d) override;

  // Authenticates this party's shares (every party calls it with its own
  // shares of the same number of values). Public for tests.
  [[nodiscard]] spdz2k::AuthShares authenticate(std::vector<spdz2k::Word> shares);
  // `count` authenticated uniform bits (0/1 in Z_2^128), dealer-free.
  [[nodiscard]] spdz2k::AuthShares random_arith_bits(std::size_t count);
  // Test hook: add `delta` to this party's share of c of the next triple's
  // first element before the sacrifice (a cheating triple generator).
  void corrupt_next_triple(spdz2k::Word delta) noexcept { corrupt_ = delta; }

 private:
  // Correlated OTs over Z_2^128 with `peer`: as sender (returns q; the
  // receiver gets q + c x) and as receiver (returns q + c x).
  std::vector<spdz2k::Word> cot_send(std::size_t peer, std::span<const spdz2k::Word> correlations);
  std::vector<spdz2k::Word> cot_receive(std::size_t peer, std::span<const bool> choices);
  // This party's share of sum over ordered pairs (i, j), i != j, of
  // sum_l 2^l corr_i,e,l * choice_j,e,l, with `bits` correlations per element.
  std::vector<spdz2k::Word> cross(std::span<const spdz2k::Word> mine, std::span<const bool> choices,
                                  std::size_t bits);
  [[noreturn]] void not_yet(const char* what) const;

  net::Network& net_;
  std::size_t id_;
  std::size_t n_;
  Prg prg_;
  spdz2k::Word alpha_;
  std::uint64_t delta_;
  std::vector<std::unique_ptr<ot::ExtensionSender>> senders_;
  std::vector<std::unique_ptr<ot::ExtensionReceiver>> receivers_;
  std::unique_ptr<Spdz2k> checker_;  // openings and MAC checks of the sacrifice
  spdz2k::Word corrupt_ = 0;
};

}  // namespace privfin::mpc
