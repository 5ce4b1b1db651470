// privfin/mpc/ot_preprocessing.hpp — dealer-free preprocessing for
// mpc::Beaver: multiplication triples over Z_2^64 by Gilboa multiplication
// from correlated OT, AND triples from 1-bit correlated OT, and truncation
// masks from shared random bits, between every pair of parties (layer ot,
// docs/ot.md).
//
//   mpc::OtPreprocessing pre(net, prg);        // base OTs with every peer
//   mpc::Beaver p(net, pre, seeds);            // mul, lt, trunc, fixmul, ... without a dealer
//
// Each party i draws its shares a_i, b_i itself; c = a*b needs the cross
// products a_i * b_j for i != j. Gilboa (CRYPTO 1999): party j chooses with
// the 64 bits of b_j, party i offers correlations a_i * 2^k, so that
// sum_k (party j's outputs) - sum_k (party i's m0) = a_i * b_j mod 2^64.
// As in ABY (NDSS 2015), the OT for bit k carries a_i mod 2^(64 - k) and
// its outputs are shifted left by k (ot::CorrelationWidth::gilboa).
// AND triples: one OT per bit, correlation the bit of a_i, choice the bit
// of b_j; the outputs (one bit each, ot::CorrelationWidth::bits) XOR to
// a_i & b_j.
//
// Security: semi-honest. An honest party's shares stay private against any
// coalition of the others (OT extension hides choices; correlated-OT
// outputs are masked by the hash), but nothing checks that a party offered
// the right correlations: a deviating party makes the triples wrong and
// results silently wrong, as with a faulty dealer. Malicious security is
// SPDZ2k's job (issue #19).
//
// Costs per arithmetic triple and ordered pair of parties: 64 correlated
// OTs, i.e. 64 x 16 bytes of extension matrix and 260 bytes of
// corrections, about 1.25 KB, both directions together 2.5 KB per pair; per
// AND-triple word 64 x 16 bytes and 8 bytes, both directions about 2 KB;
// per truncation mask 64 OTs of 24 bytes per step and pair (1.5 KB for 2
// parties). The two directions with every peer run interleaved
// (ot::correlated_ot_exchange), two round trips per chunk of
// 1,024 triples or words; the setup runs 2 x 128 base OTs per pair. Memory:
// about 1.6 MB of buffers per peer, kept between calls, besides the OT
// sessions' own.
//
// Silent OT (OtSource::silent, ot/silent.hpp): the correlated OTs of the
// arithmetic and AND triples come from Ferret instead of IKNP, so the
// 16-byte extension-matrix row per OT is gone: per arithmetic triple and
// ordered pair, 260 bytes of corrections and about 4 bytes of silent-OT
// trees (0.45 bits per OT), about 0.53 KB both directions for 2 parties
// instead of 2.5 KB; per AND-triple word 8 bytes and 4. A party's
// multiplier b_j is not drawn but made of its random choice bits from its
// first peer (the lowest other id); towards every other peer it sends
// b_j's bits as choice flips (1 bit per OT, 8 bytes per triple and peer).
// One round trip per chunk: the receiver's choice message, then the
// corrections. Setup: per ordered pair 47,709 IKNP OTs and one small
// Ferret iteration (1.15 MB, about 30 ms); memory about 180 MB per peer
// and direction for the iteration's outputs. Truncation masks' random bits
// come from silent OT too (8 bytes per OT instead of 24, a party's bit
// being its random choice). The CPU cost per OT is somewhat above IKNP's
// (the trees, and an LPN code of 10 random reads per OT, against a
// transpose), so on a fast network IKNP makes triples faster and silent OT
// sends about 5x fewer bytes (docs/performance.md). Semi-honest like the
// rest.
//
// Truncation masks: r = sum_k 2^k r_k from 64 shared random bits, so r,
// r >> d and r >> 63 are linear in the bits' shares. A shared random bit is
// the XOR of one private bit per party, turned arithmetic one party at a
// time: [x] <- [x] + y_j - 2 y_j [x], the product by one correlated OT per
// other party. 64 (n - 1)^2 OTs per mask, n - 1 sequential steps.
//
// Errors: InvalidArgument for parties < 2, a party id out of range, a
// truncation shift outside 1..62, or silent parameters that do not fit
// (ot::check_silent_parameters); what ot::ExtensionSender/Receiver and
// ot::SilentSender/Receiver throw (DecodeError, ProtocolError naming the
// peer, NetworkError). Not thread-safe; keeps a
// reference to `net`, which it shares with the Beaver engine on the same
// thread (both follow the same request order at every party).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "privfin/core/prg.hpp"
#include "privfin/mpc/preprocessing.hpp"
#include "privfin/ot/extension.hpp"
#include "privfin/ot/silent.hpp"

namespace privfin::mpc {

// Where the triples' correlated OTs come from.
enum class OtSource : std::uint8_t {
  extension,  // IKNP (ot/extension.hpp)
  silent,     // Ferret on top of IKNP (ot/silent.hpp): about 5x fewer bytes per triple
};

class OtPreprocessing final : public Preprocessing {
 public:
  // The first `parties` parties of `net` take part (0: all of them). The
  // silent parameters (OtSource::silent) are Ferret's unless a test makes
  // them small (ot::SilentParameters).
  OtPreprocessing(net::Network& net, Prg& prg, std::size_t parties = 0, OtSource source = OtSource::extension,
                  const ot::SilentParameters& silent_main = ot::ferret_main,
                  const ot::SilentParameters& silent_bootstrap = ot::ferret_bootstrap);
  OtPreprocessing(const OtPreprocessing&) = delete;
  OtPreprocessing& operator=(const OtPreprocessing&) = delete;
  ~OtPreprocessing() override;  // wipes the kept chunk buffers (shares and choice bits)

  [[nodiscard]] std::size_t party_id() const noexcept override { return id_; }
  [[nodiscard]] std::size_t party_count() const noexcept override { return parties_; }
  [[nodiscard]] ArithTriples arith_triples(std::size_t n) override;
  [[nodiscard]] BoolTriples bool_triples(std::size_t words) override;
  [[nodiscard]] TruncMasks trunc_masks(std::size_t n, unsigned d) override;

 private:
  // This party's additive share of sum_{i != j} x_i * y_j (arith) or the
  // XOR share of XOR_{i != j} x_i & y_j (words).
  std::vector<std::uint64_t> cross_terms(std::span<const std::uint64_t> x, std::span<const std::uint64_t> y,
                                         bool boolean);
  // The same from silent OT, where y is not given but made (written to y)
  // from this party's random choices towards its first peer.
  std::vector<std::uint64_t> silent_cross_terms(std::span<const std::uint64_t> x, std::span<std::uint64_t> y,
                                                bool boolean);
  // Adds one chunk's OT outputs (scratch_) to share[first, first + count).
  void accumulate_cross_terms(std::size_t first, std::size_t count, bool boolean,
                              std::span<std::uint64_t> share) const;
  // This party's additive shares (mod 2^64) of `count` uniform random bits.
  std::vector<std::uint64_t> random_bits(std::size_t count);
  // random_bits' steps from silent OT: x starts as party 0's bits (zero
  // elsewhere) and ends as this party's shares; `mine` and `choices` are
  // scratch of the same size.
  void silent_random_bits(std::span<std::uint64_t> x, std::span<std::uint64_t> mine, std::span<bool> choices);

  std::size_t id_;
  std::size_t parties_;
  Prg prg_;
  std::vector<std::unique_ptr<ot::ExtensionSender>> senders_;      // per peer: we offer x
  std::vector<std::unique_ptr<ot::ExtensionReceiver>> receivers_;  // per peer: we choose with y
  // OtSource::silent: per peer, on top of the sessions above.
  std::vector<std::unique_ptr<ot::SilentSender>> silent_senders_;
  std::vector<std::unique_ptr<ot::SilentReceiver>> silent_receivers_;
  std::unique_ptr<bool[]> silent_choices_;  // one chunk's choices, shared by the jobs with every peer
  // Per peer (own index empty), one chunk's OT inputs and outputs, reused
  // from call to call.
  struct PeerScratch {
    std::vector<std::uint64_t> correlations;
    std::vector<std::uint64_t> m0;
    std::vector<std::uint64_t> chosen;
    std::unique_ptr<bool[]> choices;
  };
  std::vector<PeerScratch> scratch_;
};

}  // namespace privfin::mpc
