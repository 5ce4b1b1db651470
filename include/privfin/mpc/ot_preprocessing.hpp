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
// Truncation masks: r = sum_k 2^k r_k from 64 shared random bits, so r,
// r >> d and r >> 63 are linear in the bits' shares. A shared random bit is
// the XOR of one private bit per party, turned arithmetic one party at a
// time: [x] <- [x] + y_j - 2 y_j [x], the product by one correlated OT per
// other party. 64 (n - 1)^2 OTs per mask, n - 1 sequential steps.
//
// Errors: InvalidArgument for parties < 2, a party id out of range, or a
// truncation shift outside 1..62; what ot::ExtensionSender/Receiver throw (DecodeError,
// ProtocolError naming the peer, NetworkError). Not thread-safe; keeps a
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

namespace privfin::mpc {

class OtPreprocessing final : public Preprocessing {
 public:
  // The first `parties` parties of `net` take part (0: all of them).
  OtPreprocessing(net::Network& net, Prg& prg, std::size_t parties = 0);
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
  // This party's additive shares (mod 2^64) of `count` uniform random bits.
  std::vector<std::uint64_t> random_bits(std::size_t count);

  std::size_t id_;
  std::size_t parties_;
  Prg prg_;
  std::vector<std::unique_ptr<ot::ExtensionSender>> senders_;      // per peer: we offer x
  std::vector<std::unique_ptr<ot::ExtensionReceiver>> receivers_;  // per peer: we choose with y
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
