// privfin/mpc/spdz2k_ot.hpp — dealer-free SPDZ2k preprocessing by oblivious
// transfer: MAC keys, authentication by OT-based VOLE over Z_2^128,
// multiplication triples by Gilboa products checked by sacrifice, and the
// binary correlations (bit MACs, daBits, edaBits, bit triples) that
// comparisons and conversions need.
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
// random_values: local shares, authenticated as above. input_masks (and
// input_bit_masks, the private edaBits): authenticated as their owner's
// (authenticate_owned, MASCOT's input): the owner's share is the whole
// value and only the pairs (owner, j) run the OTs, the owner correlating
// with its value and j choosing with its key, so the others' shares are 0
// by construction. (Authenticating everybody's own share, as for random
// values, would let another party add a delta to an honest owner's input
// with consistent MACs.)
// Random bits (random_arith_bits): each party inputs private random bits,
// XORed as x + y - 2xy, and each result r is proven a bit by opening
// r (1 - r) (zero mod 2^128 exactly for r in {0, 1}; the same value
// whatever the honest bits, since flipping one maps r to 1 - r). n triples
// per bit. A party whose input is not a bit makes every party abort
// ("random bits: bit k of m is not 0 or 1").
//
// Binary side (bits with 64-bit MACs under Delta, TinyOT-style):
// authenticate_bits: once per peer, 64 random OTs in which the peer chooses
// the bits of its Delta give 64 pairs of PRG seeds; a party's words x are
// then authenticated under the peer's key by sending u_t = G(s0_t) ^
// G(s1_t) ^ x for each slice t (8 bytes per word and slice: 512 bytes per
// word per ordered pair, no further OTs). random_bits and input_bit_masks
// are local words authenticated so.
// daBits: every party contributes random bits both as arithmetic inputs
// (proven bits, XORed as above) and as its share of one binary
// authentication; 64 subset-parity checks on random subsets (coins drawn
// after the contributions are fixed), each with a fresh mask daBit and
// 2 rho (rho uniform in Z_2^128) so that only a uniform parity is opened,
// catch any party whose two contributions differ, except with probability
// 2^-64 ("daBits: consistency check c of 64 failed"). About n triples per
// daBit.
// edaBits (Escudero, Ghosh, Keller, Rachuri, Scholl, CRYPTO 2020, ePrint
// 2020/338, with its cut-and-bucket check): for N wanted (rounded up to 64,
// batches of at most 1,024), every party j makes B N private edaBits: it
// draws v < 2^64 and authenticates it twice as its owner (see below), as
// v + 2^64 u (u uniform: it hides the upper bits of the sums opened below)
// and as a binary word. A public random permutation of each
// party's private edaBits (coin drawn after they exist) keeps N and checks
// each kept one against B - 1 others: kept + other is opened as a Z_2^128
// sum and through a binary adder mod 2^64 (bit triples below), and the two
// must agree mod 2^64 ("edaBits: bucket check c of m failed (party j's
// private edaBits: ...)": party j deviated; the others hold zero shares of
// j's values, which they cannot change without failing the MAC check that
// runs before the comparison; the abort is not proof to an outsider). A wrong
// private edaBit passes only if all of its bucket are wrong and cancel in
// pairs (errors of 2^63): at most N / binom(B N, B) per party, and B is the
// smallest size that makes this 2^-64 or less (B = 10 for N = 64, 8 for
// N = 320, 7 for N = 1,024). The kept private edaBits of all parties are
// then summed, arithmetically (local) and by n - 1 binary adders mod 2^64.
// Cost per edaBit: (n (B - 1) + n - 1) adders of 63 ANDs (bit triples),
// B n authentications of each kind, 63 n rounds per batch plus the
// bit-triple batches; memory: a batch of 1,024 with 3 parties peaks at
// about 250 MB per party (mostly the bit triples' bucket check).
// Truncation masks (r, r >> d, r_63): r from an edaBit; r >> d converted
// to arithmetic with a second edaBit rho (y = (r >> d) + rho mod 2^64 by a
// binary adder, opened: uniform, as rho is; r >> d = y - rho); r_63 by a
// daBit (c = r_63 ^ b opened, r_63 = b (1 - 2c) + c). So two edaBits, one
// adder and one daBit per mask. The arithmetic values of edaBits and masks
// are right mod 2^64; the upper 64 bits of their Z_2^128 lifts are noise,
// which Spdz2k hides whenever it opens them (arith_components, trunc).
// Bit triples (TinyOT-style, checked by bucketing): a, b local random
// words, the cross products a_i & b_j by one random OT per bit (b_j's bit
// the choice, a 1-bit correction), all authenticated; a public random
// permutation cuts 5 N bit triples into buckets of 5, and the first of each
// is checked against the other four (open d = a ^ x, e = b ^ y; c ^ z ^ d y
// ^ e x ^ d e must open to 0), so a wrong triple survives only inside a
// bucket of wrong ones: probability <= N / binom(5N, 5) <= 2^-68 for the
// smallest batch, N = 2^16 bits (Furukawa, Lindell, Nof, Weinstein,
// EUROCRYPT 2017); "bit triples: bucket check ... failed". Batches of 1024
// to 65,536 kept words fill a pool that serves the requests. So with this
// source every Spdz2k operation runs dealer-free, comparisons and
// conversions included.
// Known gap against an active party: triple generation has no MASCOT-style
// "combine" step, so a party that uses inconsistent correlations in one
// Gilboa OT learns a bit of an honest b_j when the sacrifice passes
// (probability 1/2), and causes an abort otherwise; authentication (both
// kinds) has no separate consistency check (inconsistent MAC shares surface
// as a failed MAC check in the online phase, possibly leaking bits of
// alpha_j or Delta_j the same way); the bit triples have no combining step
// either, so a sender whose 1-bit corrections depend on a guess of b_j's
// bit learns it when the bucket check passes. All are selective-failure
// leaks, not wrong outputs.
//
// Costs per triple and ordered pair: 256 OTs (Gilboa) + 5 x 64 (VOLE), each
// 16 bytes receiver to sender plus a correction of 128 - l bits for bit l
// (x * 2^l needs only x mod 2^(128 - l), as in ABY): about 15 KB; plus
// two openings and a MAC check per request. The OTs with every peer run in
// both directions at once (ot::random_ot_exchange), then the corrections. Errors: InvalidArgument for an
// owner out of range and for fewer than 2 parties; ProtocolError from the
// sacrifice ("sacrifice: triple k ... is wrong"), the bit proofs, the daBit
// consistency check and the MAC check (spdz2k.hpp), and
// what ot::ExtensionSender/Receiver throw. Not thread-safe; uses `net` in
// the same request order at every party.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "privfin/core/prg.hpp"
#include "privfin/core/ring.hpp"
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
  // Authenticates the XOR of every party's `words` under the binary key
  // (every party calls it with its own words, the same count). Public for
  // tests.
  [[nodiscard]] spdz2k::AuthBits authenticate_bits(std::vector<std::uint64_t> words);
  // Authenticates `count` values known to `owner` (`values` there, ignored
  // elsewhere): the owner's shares are the values, every other party's are
  // 0 and take no part but as MAC key holders (MASCOT's input), so no other
  // party can change them. Public for tests.
  [[nodiscard]] spdz2k::AuthShares authenticate_owned(std::size_t owner, std::vector<spdz2k::Word> values,
                                                      std::size_t count);
  // The same for `count` words of bits under the binary key.
  [[nodiscard]] spdz2k::AuthBits authenticate_bits_owned(std::size_t owner, std::vector<std::uint64_t> words,
                                                         std::size_t count);
  // The edaBit check's bucket size for `kept` edaBits per party: the
  // smallest B >= 3 with kept / binom(kept B, B) <= 2^-64 (10 for 64, 8
  // for 320, 7 for 1,024). Public for tests.
  [[nodiscard]] static std::size_t edabit_bucket_size(std::size_t kept);
  // `count` authenticated uniform bits (0/1 in Z_2^128), dealer-free.
  [[nodiscard]] spdz2k::AuthShares random_arith_bits(std::size_t count);
  // Test hook: this party's next daBit contribution differs between its
  // arithmetic and binary sides (bit 0), which the consistency check catches.
  void corrupt_next_dabit() noexcept { corrupt_dabit_ = true; }
  // Test hook: the next batch of bit triples has one wrong c bit at this
  // party, which the bucket check catches.
  void corrupt_next_bit_triples() noexcept { corrupt_bit_triple_ = true; }
  // Test hook: this party's next private edaBit has an arithmetic value one
  // more than its bits say, which the bucket check catches.
  void corrupt_next_edabit() noexcept { corrupt_edabit_ = true; }
  // Test hook: this party's next arithmetic random-bit input is 3, not a bit.
  void corrupt_next_arith_bit() noexcept { corrupt_arith_bit_ = true; }
  // Test hook: at a party that is not the owner, the next authenticate_owned
  // (e.g. another party's input mask) gets a value share of `delta` with a
  // MAC share matching this party's key share, which the MAC check catches.
  void corrupt_next_owned_share(spdz2k::Word delta) noexcept { corrupt_owned_ = delta; }
  // Test hook: add `delta` to this party's share of c of the next triple's
  // first element before the sacrifice (a cheating triple generator).
  void corrupt_next_triple(spdz2k::Word delta) noexcept { corrupt_ = delta; }

 private:
  // Per peer (own index empty): the random pairs this party offered, and the
  // messages it chose.
  struct PeerOts {
    explicit PeerOts(std::size_t parties) : pairs(parties), got(parties) {}
    std::vector<std::vector<std::array<ot::Block, 2>>> pairs;
    std::vector<std::vector<ot::Block>> got;
  };
  // choices.size() random OTs with every peer in both directions at once
  // (ot::random_ot_exchange): out.pairs[peer] as sender, out.got[peer] as
  // receiver choosing with `choices`.
  void random_ots_with_peers(std::span<const bool> choices, PeerOts& out);
  // This party's share of sum over ordered pairs (i, j), i != j, of
  // sum_l 2^l corr_i,e,l * choice_j,e,l, with `bits` correlations per
  // element: correlated OTs over Z_2^128, both directions with every peer
  // at once.
  std::vector<spdz2k::Word> cross(std::span<const spdz2k::Word> mine, std::span<const bool> choices,
                                  std::size_t bits);
  // The same between `owner` and each other party only, alpha's bits as
  // the other parties' choices (see authenticate_owned).
  std::vector<spdz2k::Word> cross_owned(std::size_t owner, std::span<const spdz2k::Word> mine, std::size_t count,
                                        std::size_t bits);
  // InvalidArgument for an owner out of range, or `given` != count at the owner.
  void check_owner(const char* where, std::size_t owner, std::size_t given, std::size_t count) const;
  // authenticate_bits (no owner) or authenticate_bits_owned.
  spdz2k::AuthBits authenticate_bits_from(std::optional<std::size_t> owner, std::vector<std::uint64_t> words,
                                          std::size_t count);
  // XOR of every party's private bits `mine` as an arithmetic sharing, each
  // input proven a bit (see random_arith_bits).
  spdz2k::AuthShares arith_xor_of_bits(std::span<const Ring> mine);
  // This party's XOR share of (XOR_i a_i) & (XOR_j b_j), a and b its shares.
  std::vector<std::uint64_t> cross_bits(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b);
  // `words` words of checked bit triples (one batch, see the .cpp).
  spdz2k::BitTriples bucketed_bit_triples(std::size_t words);
  // Fills the bit-triple pool until it holds `words` words, in batches of
  // at most max_batch_words.
  void reserve_bit_triples(std::size_t words, std::size_t max_batch_words);
  // Up to edabit_batch_max edaBits: private edaBits checked by
  // cut-and-bucket, then summed (spdz2k_edabits.cpp).
  spdz2k::EdaBits edabit_batch(std::size_t count);
  // The PRG streams of binary authentication, opened at the first use.
  void open_bit_streams();
  struct BitStreams {
    std::vector<Prg> zero, one;  // this party's words under the peer's key: G(s0_t), G(s1_t)
    std::vector<Prg> chosen;     // the peer's words under this party's key: G(s_(Delta_t))
  };

  net::Network& net_;
  std::size_t id_;
  std::size_t n_;
  Prg prg_;
  spdz2k::Word alpha_;
  std::uint64_t delta_;
  std::vector<std::unique_ptr<ot::ExtensionSender>> senders_;
  std::vector<std::unique_ptr<ot::ExtensionReceiver>> receivers_;
  std::unique_ptr<Spdz2k> checker_;  // openings and MAC checks of the sacrifice
  std::vector<BitStreams> bit_streams_;  // per peer; empty until the first binary request
  spdz2k::Word corrupt_ = 0;
  spdz2k::Word corrupt_owned_ = 0;
  bool corrupt_dabit_ = false;
  bool corrupt_arith_bit_ = false;
  bool corrupt_bit_triple_ = false;
  bool corrupt_edabit_ = false;
  spdz2k::BitTriples bit_pool_;  // checked bit triples not handed out yet
  std::size_t bit_pool_used_ = 0;
};

}  // namespace privfin::mpc
