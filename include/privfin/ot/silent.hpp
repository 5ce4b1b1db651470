// privfin/ot/silent.hpp — silent OT: random correlated OTs from the LPN
// assumption for a fraction of a bit each, after Ferret (Yang, Weng, Lan,
// Zhang, Wang, "Ferret: Fast Extension for coRRElated oT with small
// communication", CCS 2020, ePrint 2020/924), semi-honest variant, primal
// LPN with regular noise.
//
//   // party 0 (offers)                               // party 1 (chooses)
//   ot::SilentSender s(extension_sender);             ot::SilentReceiver r(extension_receiver);
//   s.correlated_ot(deltas, m0, width);               r.correlated_ot(choices, w, width);
//   // choices come out of the receiver's call, uniform and private to it:
//   // w[i] == m0[i] + choices[i] * deltas[i] (mod 2^w as CorrelationWidth says)
//
// A silent session sits on top of an IKNP session in the same direction
// (extension.hpp: the same peer, the same Delta, the same tweak counter),
// which it borrows for its life. Its constructor bootstraps: 47,709 IKNP
// OTs (0.76 MB) feed one iteration of the small parameter set, whose
// 649,728 outputs feed the first iteration of the main set (606,659 of
// them; the other 43,069 are handed out first). Every
// iteration after that uses 606,659 of the previous iteration's outputs
// (k for the LPN secret, one per tree level) and hands out the other
// 10,001,981.
//
// One iteration of parameters (n, k, t, h), n = t * 2^h: from k + t*h
// correlated OTs (q, t = q ^ x Delta), the sender expands t random GGM trees
// of 2^h leaves (fixed-key AES, children pi_0(s) ^ s and pi_1(s) ^ s) and
// sends, for each tree level, the XOR of the level's left and right
// children, each masked by the hash of the level's base OT (the receiver,
// whose choice bit names the side off its path, learns every node but its
// path), and Delta ^ (XOR of the leaves). So the receiver learns every leaf
// but one, at a point alpha it alone knows, and there it gets the sender's
// leaf ^ Delta: w = v ^ e_alpha Delta. Then both sides add a local linear
// code of the k LPN-secret OTs: output i is v_i (w_i) XORed with the OTs at
// lpn_weight = 10 public pseudorandom positions in [0, k); the receiver's
// choice bit is e_i XOR the same positions' choice bits, which LPN makes
// look uniform. An iteration needs no round trip: one message from the
// sender.
//
// Parameters: ferret_main and ferret_bootstrap are emp-ot's Ferret sets for
// regular noise (N_REG etc. and N_PRE_REG etc. in its ferret/constants.h,
// 2020-10 to 2022-10: n = 10,608,640, k = 589,824, t = 1,295, h = 13; n =
// 649,728, k = 36,288, t = 1,269, h = 9), chosen there for 128-bit security
// against the LPN attacks known in 2020. SilentParameters with other values
// are for tests: nothing checks their security.
//
// Security: semi-honest. A sender that sends wrong tree sums makes the
// receiver's outputs wrong (and may learn from a later failure where the
// receiver's point is, as in Ferret without its consistency check); the
// receiver's choices stay hidden from the sender in any case. Use under
// mpc::OtPreprocessing's semi-honest model, not SPDZ2k's.
//
// Costs per iteration of the main set: 1,295 x 27 blocks = 560 KB sent by
// the sender (0.45 bits per output OT), 2 x 10.6 M fixed-key AES calls for
// the trees on the sender, about the same on the receiver, and 10.6 M x 10
// random reads of 16 bytes on each side for the code: about 0.1-0.2 s of
// CPU per side on a 2.6 GHz EPYC (bench_ot silent_cots: 50-61 M OTs per
// second for a sender and a receiver thread). Memory per side:
// the iteration's outputs (170 MB) and the reserve (9.7 MB; the receiver
// one byte per OT more), kept for the session's life. correlated_ot costs
// what ExtensionSender::correlated_ot costs after the matrix (the hashes
// and the corrections, CorrelationWidth as there).
//
// Errors: InvalidArgument for parameters that do not fit (n != t * 2^h,
// h outside 1..20, t above max_silent_trees, fewer outputs than a
// reserve, a bootstrap set too small for the main set's reserve) or for
// spans of different sizes; DecodeError naming the peer for a malformed
// message; ProtocolError naming the peer when the sender's iteration,
// tree count, depth, LPN secret length or outputs kept (the two parameter
// sets) differ from this receiver's, when the receiver's
// choice message is of another kind or count, or when the borrowed
// session has aborted; NetworkError from the network. After an exception
// the borrowed IKNP session refuses further use, and so does this one.
//
// Thread safety: one object, one thread; `base` must outlive it. `base`
// may serve its own calls between this object's (they share its tweak
// counter, so no hash input repeats), never during them. The outputs and
// the reserve are wiped when the object is destroyed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "privfin/core/huge_page_allocator.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/ot/block.hpp"
#include "privfin/ot/extension.hpp"

namespace privfin::ot {

struct SilentParameters {
  std::size_t outputs = 0;        // n = trees * 2^tree_depth: the noise vector and the iteration's outputs
  std::size_t secret_length = 0;  // k: the LPN secret's length
  std::size_t trees = 0;          // t: the noise's weight, one GGM tree per point
  std::size_t tree_depth = 0;     // h: each tree has 2^h leaves

  // Correlated OTs one iteration uses: the LPN secret and one per tree level.
  [[nodiscard]] constexpr std::size_t reserve() const noexcept { return secret_length + trees * tree_depth; }
  // Correlated OTs one iteration hands out when it feeds the next.
  [[nodiscard]] constexpr std::size_t yield() const noexcept { return outputs - reserve(); }
};

inline constexpr SilentParameters ferret_main{10'608'640, 589'824, 1'295, 13};
inline constexpr SilentParameters ferret_bootstrap{649'728, 36'288, 1'269, 9};
// Nonzero positions per column of the LPN code.
inline constexpr std::size_t lpn_weight = 10;

namespace detail {
class SilentExchangeRun;  // the phase loop of silent_correlated_exchange
}  // namespace detail

// InvalidArgument naming the first thing wrong with (main, bootstrap).
void check_silent_parameters(const SilentParameters& main, const SilentParameters& bootstrap);

class SilentSender {
 public:
  // Bootstraps from `base` (IKNP, as the sender): talks to base.peer().
  explicit SilentSender(ExtensionSender& base, const SilentParameters& main = ferret_main,
                        const SilentParameters& bootstrap = ferret_bootstrap);
  // A moved-from session is empty and throws InvalidArgument when asked
  // for OTs. Not assignable: a session holds secrets and a borrowed base.
  SilentSender(SilentSender&&) noexcept = default;
  SilentSender& operator=(SilentSender&&) = delete;
  SilentSender(const SilentSender&) = delete;
  SilentSender& operator=(const SilentSender&) = delete;
  ~SilentSender();

  // q.size() random correlated OTs: the receiver gets choice x_i and
  // q[i] ^ x_i * Delta. InvalidArgument for an empty span.
  void random_cot(std::span<Block> q);
  // As ExtensionSender::correlated_ot, but the receiver's choices are random
  // (it learns them from its own call). One round trip per 65,536 OTs: the
  // receiver's choice message (empty here), then the corrections.
  void correlated_ot(std::span<const std::uint64_t> correlations, std::span<std::uint64_t> m0,
                     CorrelationWidth width = CorrelationWidth::full);

  [[nodiscard]] std::size_t peer() const noexcept { return base_->peer(); }
  // Iterations run so far, the bootstrap's included.
  [[nodiscard]] std::uint64_t iterations() const noexcept { return iteration_; }

 private:
  friend class detail::SilentExchangeRun;
  void iterate(const SilentParameters& p, std::span<const Block> base_cots);
  void take(std::span<Block> out);
  void wipe_secrets() noexcept;
  void refuse_if_moved() const;
  // Steps of one exchange step of n OTs: the next n outputs into the
  // borrowed session's rows; the receiver's choice message read (its flips,
  // if any, applied to them); the corrections sent (ExtensionSender's).
  void fill_rows(std::size_t n);
  void apply_choices();
  void flush();
  // ProtocolError if the borrowed session aborted; else its abort flag.
  bool& usable_session();
  void send_corrections(std::span<const std::uint64_t> correlations, std::span<std::uint64_t> m0,
                        CorrelationWidth width);

  ExtensionSender* base_;
  SilentParameters main_;
  Prg prg_;
  std::uint64_t iteration_ = 0;
  // Big and read at random (the LPN code): on huge pages where the kernel allows.
  std::vector<Block, HugePageAllocator<Block>> outputs_;  // the last iteration's outputs
  std::vector<Block, HugePageAllocator<Block>> reserve_;  // what the next iteration uses
  std::size_t next_ = 0;         // outputs_[next_, end) are still to hand out
};

class SilentReceiver {
 public:
  // Bootstraps from `base` (IKNP, as the receiver): talks to base.peer().
  explicit SilentReceiver(ExtensionReceiver& base, const SilentParameters& main = ferret_main,
                          const SilentParameters& bootstrap = ferret_bootstrap);
  SilentReceiver(SilentReceiver&&) noexcept = default;
  SilentReceiver& operator=(SilentReceiver&&) = delete;
  SilentReceiver(const SilentReceiver&) = delete;
  SilentReceiver& operator=(const SilentReceiver&) = delete;
  ~SilentReceiver();

  // The sender's random_cot: t[i] = q[i] ^ choices[i] * Delta, choices
  // uniform. InvalidArgument unless the spans have the same, nonzero size.
  void random_cot(std::span<bool> choices, std::span<Block> t);
  // The sender's correlated_ot: out[i] = m0[i] + choices[i] * correlations[i]
  // with `choices` written here. InvalidArgument unless the sizes agree.
  void correlated_ot(std::span<bool> choices, std::span<std::uint64_t> out,
                     CorrelationWidth width = CorrelationWidth::full);

  [[nodiscard]] std::size_t peer() const noexcept { return base_->peer(); }
  [[nodiscard]] std::uint64_t iterations() const noexcept { return iteration_; }

 private:
  friend class detail::SilentExchangeRun;
  void iterate(const SilentParameters& p, std::span<const Block> base_cots, std::span<const std::uint8_t> base_bits);
  void take(std::span<bool> choices, std::span<Block> out);
  void wipe_secrets() noexcept;
  void refuse_if_moved() const;
  // Steps of one exchange step: the next outputs into the borrowed
  // session's rows, with their random choices written to `choices`, or
  // (choose) flipped to the given `choices`, and the choice message sent
  // either way; the corrections received.
  void fill_rows(std::span<bool> choices, bool choose);
  bool& usable_session();
  void receive_corrections(std::span<const bool> choices, std::span<std::uint64_t> out, CorrelationWidth width);

  ExtensionReceiver* base_;
  SilentParameters main_;
  std::uint64_t iteration_ = 0;
  std::vector<Block, HugePageAllocator<Block>> outputs_;
  std::vector<std::uint8_t> output_bits_;  // the choice bit of each output, 0 or 1
  std::vector<Block, HugePageAllocator<Block>> reserve_;
  std::vector<std::uint8_t> reserve_bits_;
  std::size_t next_ = 0;
  std::unique_ptr<bool[]> random_choices_;  // one step's random choices when this party chooses its own
};

// One peer's share of silent_correlated_exchange: this party's silent
// sender towards the peer (offering `correlations`, m0 out) and its silent
// receiver from the same peer (`chosen` out). Either may be null (a
// one-way call). The receiver's choices are random and written to
// `choices` unless `choose`, in which case `choices` are this party's own
// (read only). Either way the receiver sends a choice message before the
// sender's corrections: empty, or x ^ y one bit per OT (Gilboa among more
// than two parties needs the latter, as one party's multiplier bits are its
// choices towards every peer); the sender applies what it receives, so the
// two sides cannot disagree about it. One round trip per step.
struct SilentExchange {
  SilentSender* sender = nullptr;
  std::span<const std::uint64_t> correlations;
  std::span<std::uint64_t> m0;
  SilentReceiver* receiver = nullptr;
  std::span<bool> choices;
  std::span<std::uint64_t> chosen;
  bool choose = false;
  CorrelationWidth width = CorrelationWidth::full;  // of both directions
};

// Runs every job, all jobs step by step (65,536 OTs) together: every
// sender takes its outputs (a sender that runs out sends an iteration's
// trees: no waiting), every receiver takes its own (waiting for trees) in
// job order, so that a later job may `choose` with the random choices an
// earlier job wrote into the same span; then the choice messages are read and
// the corrections sent, then the corrections read. No party waits on a
// peer that waits on it. InvalidArgument for a job without sessions,
// sessions with different peers, two jobs with one peer, or spans whose
// sizes differ; then what the sessions throw (every session of the call is
// unusable after an exception).
void silent_correlated_exchange(std::span<const SilentExchange> jobs);

}  // namespace privfin::ot
