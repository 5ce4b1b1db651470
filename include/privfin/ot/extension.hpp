// privfin/ot/extension.hpp — OT extension between two parties: IKNP
// (Ishai, Kilian, Nissim, Petrank, CRYPTO 2003) with the consistency check
// of Keller, Orsini, Scholl, "Actively Secure OT Extension with Optimal
// Overhead" (CRYPTO 2015, ePrint 2015/546), and messages hashed with the
// tweakable correlation-robust hash TMMO_pi of Guo, Katz, Wang, Yu (S&P
// 2020; crhash.hpp). 128 base OTs (base_ot.hpp) once per session, then any
// number of batches of random, Z_2^64-correlated or chosen-message OTs.
//
//   // party 0                                    // party 1
//   ot::ExtensionSender s(net, 1, prg);           ot::ExtensionReceiver r(net, 0, prg);
//   auto pairs = s.random_ot(n);                  auto got = r.random_ot(choices);   // got[i] == pairs[i][choices[i]]
//   auto m0 = s.correlated_ot(deltas);            auto w = r.correlated_ot(choices); // w[i] == m0[i] + choices[i]*deltas[i]
//   s.chosen_ot(messages);                        auto m = r.chosen_ot(choices);     // m[i] == messages[i][choices[i]]
//
// Both parties must make the same sequence of calls with the same counts
// (a count that differs raises ProtocolError on the sender's side).
//
// Both directions at once: when each of two parties offers correlations to
// the other and chooses from it (Gilboa multiplication, mpc/ot_preprocessing),
// correlated_ot_exchange runs the two sessions with a peer (or with several
// peers) phase by phase, so that each party computes its half of one
// direction while the other computes its half of the other, instead of
// waiting; the messages and outputs are those of the two calls made one
// after the other.
//
//   // party 0 and party 1, each with its own sender s and receiver r towards the other:
//   ot::correlated_ot_exchange({{&s, correlations, m0, &r, choices, chosen}});
//
// A call for N OTs runs ceil(N / 65,536) protocol batches one after the
// other, each with its own matrix and check (buffers stay small and are
// reused). Protocol of one batch of n OTs (m = extension_rows(n) rows: n rounded up
// to 128, plus 256 random rows): the receiver sends u_j = G(k_j^0) ^
// G(k_j^1) ^ r for the 128 columns (16 bytes per row); the sender answers
// with a fresh seed for coefficients chi_i in GF(2^128); the receiver sends
// x = sum chi_i r_i and t = sum chi_i t_i; the sender checks sum chi_i q_i
// == t + x*Delta (carry-less products, compared unreduced, which implies the
// check in the field) and only then outputs that batch or sends its masked
// messages. Messages are H(index, q_i) and H(index, q_i ^ Delta) with a
// tweak index that never repeats within a session.
//
// Security: against a malicious receiver, the KOS check catches choice
// bits that differ between columns except with probability about 2^-64
// per batch, at the price of the receiver learning a few bits of Delta by
// guessing (a guess that fails aborts the session: abort is final, see
// below). Roy (SoftSpokenOT, CRYPTO 2022) found a gap in KOS's original
// proof; the authors revised the paper (ePrint 2015/546, 2022). We
// implement the original check, as emp-ot and libOTe shipped it, and claim
// no more than the revised analysis gives. Against a malicious sender the
// receiver's choices stay hidden (the sender sees only PRG-masked columns),
// but nothing checks that a sender's chosen or correlated messages are the
// ones the application meant: that is the application's job (SPDZ2k's
// sacrifice). Details: docs/ot.md.
//
// Costs per OT: 16 bytes receiver to sender (plus 4 KiB per batch for the
// padding rows; the 128 base OTs cost 4 KiB once), 32 bytes (chosen) or 8
// bytes (correlated) sender to receiver (260 bytes per 64 OTs for
// CorrelationWidth::gilboa, 1 bit per OT for ::bits), 2 AES calls per
// message, one carry-less multiplication per row on each side; 1.5 round trips per batch of up to 65,536, 2 with the
// messages. Memory: the outputs plus working buffers of about 3 MB per
// session, kept for the session's life so that batches after the first
// allocate nothing (the span forms of correlated_ot allocate nothing at all).
//
// Errors: InvalidArgument for a count of 0 or above max_extension_batch, or
// a bad peer; DecodeError naming the peer for a malformed message;
// ProtocolError naming the peer for a failed consistency check or a count
// or kind that differs from this party's; NetworkError from the network.
// After any exception the object refuses further use (ProtocolError): a
// session that aborted must not continue, or a receiver could learn Delta
// bit by bit from which of its guesses abort.
//
// Thread safety: one object, one thread; it keeps a reference to `net`,
// which must outlive it. Secrets (Delta, the column PRG seeds) are wiped
// when the object is destroyed.
#pragma once

#include <memory>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "privfin/core/prg.hpp"
#include "privfin/net/network.hpp"
#include "privfin/ot/block.hpp"
#include "privfin/ot/crhash.hpp"
#include "privfin/ot/messages.hpp"

namespace privfin::ot {

inline constexpr std::size_t base_ot_count = 128;  // kappa

namespace detail {
class Exchange;  // the phase loop of correlated_ot_exchange and random_ot_exchange
}  // namespace detail
class SilentSender;    // silent.hpp: borrows a session's Delta, rows and corrections
class SilentReceiver;

// How wide a correlated OT's correlation, outputs and correction are. Both
// sides of a call must give the same width (else the receiver aborts with
// ProtocolError: the sender sent another kind). Narrow outputs come
// reduced: m0[i] and chosen[i] lie in [0, 2^w).
enum class CorrelationWidth : std::uint8_t {
  // Mod 2^64 for every OT: 8 bytes per OT from the sender.
  full,
  // OT i of the call mod 2^(64 - i % 64). Gilboa multiplication offers
  // x * 2^k for bit k of the multiplier; its sender offers x mod 2^(64 - k)
  // instead and the parties shift their outputs left by k, which is the
  // same mod 2^64. 2,080 bits per 64 OTs instead of 4,096 (Demmler,
  // Schneider, Zohner, "ABY", NDSS 2015, section III-C).
  gilboa,
  // Mod 2 for every OT (AND triples): one bit per OT.
  bits,
};

class ExtensionSender {
 public:
  // Runs the 128 base OTs with `peer` (as their receiver, with random
  // choice bits Delta). Draws a child generator from `prg`.
  ExtensionSender(net::Network& net, std::size_t peer, Prg& prg);
  ExtensionSender(ExtensionSender&&) noexcept = default;
  ExtensionSender& operator=(ExtensionSender&&) noexcept = default;
  ExtensionSender(const ExtensionSender&) = delete;
  ExtensionSender& operator=(const ExtensionSender&) = delete;
  ~ExtensionSender();  // wipes Delta and the rows (the column PRGs wipe their seeds)

  // count pairs of random messages; the receiver gets pairs[i][choices[i]].
  [[nodiscard]] std::vector<std::array<Block, 2>> random_ot(std::size_t count);
  // Returns m0 (uniform words); the receiver gets m0[i] + choices[i] * correlations[i] mod 2^64.
  [[nodiscard]] std::vector<std::uint64_t> correlated_ot(std::span<const std::uint64_t> correlations);
  // The same into m0 (InvalidArgument unless m0.size() == correlations.size()),
  // mod 2^w for OT i where `width` gives w (CorrelationWidth).
  void correlated_ot(std::span<const std::uint64_t> correlations, std::span<std::uint64_t> m0,
                     CorrelationWidth width = CorrelationWidth::full);
  // The receiver gets messages[i][choices[i]].
  void chosen_ot(std::span<const std::array<Block, 2>> messages);

  [[nodiscard]] std::size_t peer() const noexcept { return peer_; }

 private:
  friend class detail::Exchange;
  friend class SilentSender;
  // One protocol batch of n OTs in steps that the exchanges interleave
  // with a receiver's: the rows q_i into rows_ and the challenge sent; the
  // KOS check; the masked corrections sent (or the random pairs hashed).
  void receive_matrix(std::size_t n);
  void check_response();
  void send_corrections(std::span<const std::uint64_t> correlations, std::span<std::uint64_t> m0,
                        CorrelationWidth width);
  void hash_pairs(std::span<std::array<Block, 2>> out);
  void usable() const;

  net::Network* net_;
  std::size_t peer_;
  Prg prg_;
  Block delta_{};
  std::vector<Prg> columns_;  // G(k_j^{Delta_j})
  TweakableHash hash_;
  std::uint64_t next_index_ = 0;
  bool aborted_ = false;
  // The batch in flight and buffers reused from batch to batch.
  std::size_t batch_ = 0;
  Prg::Seed challenge_{};
  std::vector<Block> rows_;
  std::vector<Block> chi_;
  Bytes columns_scratch_;
  Bytes wire_in_;
  Bytes wire_out_;
  std::vector<std::uint64_t> narrow_;  // a batch's narrow corrections, unpacked
};

class ExtensionReceiver {
 public:
  // Runs the 128 base OTs with `peer` (as their sender). Draws a child
  // generator from `prg`.
  ExtensionReceiver(net::Network& net, std::size_t peer, Prg& prg);
  ExtensionReceiver(ExtensionReceiver&&) noexcept = default;
  ExtensionReceiver& operator=(ExtensionReceiver&&) noexcept = default;
  ExtensionReceiver(const ExtensionReceiver&) = delete;
  ExtensionReceiver& operator=(const ExtensionReceiver&) = delete;
  ~ExtensionReceiver();  // wipes the rows and choice bits (the column PRGs wipe their seeds)

  [[nodiscard]] std::vector<Block> random_ot(std::span<const bool> choices);
  [[nodiscard]] std::vector<std::uint64_t> correlated_ot(std::span<const bool> choices);
  // The same into out (InvalidArgument unless out.size() == choices.size()),
  // with the sender's `width`.
  void correlated_ot(std::span<const bool> choices, std::span<std::uint64_t> out,
                     CorrelationWidth width = CorrelationWidth::full);
  [[nodiscard]] std::vector<Block> chosen_ot(std::span<const bool> choices);

  [[nodiscard]] std::size_t peer() const noexcept { return peer_; }

 private:
  friend class detail::Exchange;
  friend class SilentReceiver;
  // One protocol batch in steps (see ExtensionSender): the matrix sent and
  // the rows t_i into rows_; the check answered; the corrections received
  // (or the chosen random messages hashed).
  void send_matrix(std::span<const bool> choices);
  void answer_challenge();
  void receive_corrections(std::span<const bool> choices, std::span<std::uint64_t> out, CorrelationWidth width);
  void hash_chosen(std::span<Block> out);
  // The rows hashed into the masks in place, then the sender's masked
  // messages of `kind` for the batch (ProtocolError for another kind or count).
  [[nodiscard]] MaskedMessagesView receive_masked(MaskedMessages::Kind kind);
  void usable() const;

  net::Network* net_;
  std::size_t peer_;
  Prg prg_;
  std::vector<std::array<Prg, 2>> columns_;  // G(k_j^0), G(k_j^1)
  TweakableHash hash_;
  std::uint64_t next_index_ = 0;
  bool aborted_ = false;
  std::size_t batch_ = 0;
  std::vector<Block> rows_;
  std::vector<Block> chi_;
  Bytes choice_bits_;  // r: the choices, then random padding rows
  Bytes columns_scratch_;
  Bytes wire_in_;
  Bytes wire_out_;
  std::vector<std::uint64_t> narrow_;  // a batch's narrow corrections, unpacked
};

// One peer's share of correlated_ot_exchange: this party's sender towards
// the peer (offering `correlations`, m0 out) and its receiver from the same
// peer (choosing with `choices`, `chosen` out). The peer's mirror job
// offers choices.size() correlations and chooses correlations.size() times.
struct CorrelatedExchange {
  ExtensionSender* sender = nullptr;
  std::span<const std::uint64_t> correlations;
  std::span<std::uint64_t> m0;
  ExtensionReceiver* receiver = nullptr;
  std::span<const bool> choices;
  std::span<std::uint64_t> chosen;
  CorrelationWidth width = CorrelationWidth::full;  // of both directions
};

// Runs every job's two correlated OTs, all jobs phase by phase together:
// every party first sends all its matrices, then answers all of them,
// and so on, so no party waits on a peer that waits on it, whatever the
// peers' order. Results equal sender.correlated_ot and
// receiver.correlated_ot called one after the other. InvalidArgument for a
// null session, sessions with different peers or networks, two jobs with
// the same peer, or spans whose sizes differ; then what those calls throw
// (every session of the call is unusable after an exception).
void correlated_ot_exchange(std::span<const CorrelatedExchange> jobs);

// The same for random OT: towards each peer this party's sender gets
// pairs.size() random pairs and its receiver the messages it chose
// (`chosen`, one per choice). Results equal sender.random_ot and
// receiver.random_ot called one after the other; errors as above.
struct RandomExchange {
  ExtensionSender* sender = nullptr;
  std::span<std::array<Block, 2>> pairs;
  ExtensionReceiver* receiver = nullptr;
  std::span<const bool> choices;
  std::span<Block> chosen;
};
void random_ot_exchange(std::span<const RandomExchange> jobs);

namespace detail {
// Transposes a 128 x (8 * bytes_per_column) bit matrix given column after
// column (column j at columns[j * bytes_per_column ...]) into rows: bit j
// of rows[i] is bit i of column j. bytes_per_column must be a multiple of 2.
void transpose_128(std::span<const std::byte> columns, std::size_t bytes_per_column, std::span<Block> rows);
// The unreduced carry-less sum of a[i] * b[i] as 256 bits (low, high).
[[nodiscard]] std::array<Block, 2> clmul_sum(std::span<const Block> a, std::span<const Block> b);
}  // namespace detail

// One extension session in each direction with every other party of
// [0, parties): senders[p] offers to p, receivers[p] chooses from p (null
// at this party's own index). Each pair (lo, hi) sets up lo -> hi first,
// then hi -> lo; every party meets its peers in increasing order, which
// cannot deadlock. Cost: 2 x 128 base OTs per pair. Throws what the
// sessions' constructors throw.
struct PairwiseSessions {
  std::vector<std::unique_ptr<ExtensionSender>> senders;
  std::vector<std::unique_ptr<ExtensionReceiver>> receivers;
};
[[nodiscard]] PairwiseSessions open_pairwise(net::Network& net, std::size_t parties, Prg& prg);

}  // namespace privfin::ot
