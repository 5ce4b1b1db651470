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
// padding rows; the 128 base OTs cost 4 KiB once), 32 bytes (chosen) or 8 bytes (correlated) sender to
// receiver, 2 AES calls per message, one carry-less multiplication per row
// on each side; 1.5 round trips per batch of up to 65,536, 2 with the
// messages. Memory: the outputs plus about 3 MB of working buffers.
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

namespace privfin::ot {

inline constexpr std::size_t base_ot_count = 128;  // kappa

class ExtensionSender {
 public:
  // Runs the 128 base OTs with `peer` (as their receiver, with random
  // choice bits Delta). Draws a child generator from `prg`.
  ExtensionSender(net::Network& net, std::size_t peer, Prg& prg);
  ExtensionSender(ExtensionSender&&) noexcept = default;
  ExtensionSender& operator=(ExtensionSender&&) noexcept = default;
  ExtensionSender(const ExtensionSender&) = delete;
  ExtensionSender& operator=(const ExtensionSender&) = delete;
  ~ExtensionSender();  // wipes Delta (the column PRGs wipe their seeds)

  // count pairs of random messages; the receiver gets pairs[i][choices[i]].
  [[nodiscard]] std::vector<std::array<Block, 2>> random_ot(std::size_t count);
  // Returns m0 (uniform words); the receiver gets m0[i] + choices[i] * correlations[i] mod 2^64.
  [[nodiscard]] std::vector<std::uint64_t> correlated_ot(std::span<const std::uint64_t> correlations);
  // The receiver gets messages[i][choices[i]].
  void chosen_ot(std::span<const std::array<Block, 2>> messages);

  [[nodiscard]] std::size_t peer() const noexcept { return peer_; }

 private:
  std::vector<Block> extend(std::size_t count);  // the rows q_i, checked
  void usable() const;

  net::Network* net_;
  std::size_t peer_;
  Prg prg_;
  Block delta_{};
  std::vector<Prg> columns_;  // G(k_j^{Delta_j})
  TweakableHash hash_;
  std::uint64_t next_index_ = 0;
  bool aborted_ = false;
};

class ExtensionReceiver {
 public:
  // Runs the 128 base OTs with `peer` (as their sender). Draws a child
  // generator from `prg`.
  ExtensionReceiver(net::Network& net, std::size_t peer, Prg& prg);

  [[nodiscard]] std::vector<Block> random_ot(std::span<const bool> choices);
  [[nodiscard]] std::vector<std::uint64_t> correlated_ot(std::span<const bool> choices);
  [[nodiscard]] std::vector<Block> chosen_ot(std::span<const bool> choices);

  [[nodiscard]] std::size_t peer() const noexcept { return peer_; }

 private:
  std::vector<Block> extend(std::span<const bool> choices);  // the rows t_i
  void usable() const;

  net::Network* net_;
  std::size_t peer_;
  Prg prg_;
  std::vector<std::array<Prg, 2>> columns_;  // G(k_j^0), G(k_j^1)
  TweakableHash hash_;
  std::uint64_t next_index_ = 0;
  bool aborted_ = false;
};

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
