// privfin/mpc/dealer.hpp — the dealer ("trusted helper") for mpc::Beaver: a
// separate party that generates the correlated randomness of
// preprocessing.hpp and streams each compute party its part over the net
// layer (TcpNetwork with TLS in deployments). It never sees inputs, outputs
// or any opened value: it only learns the sequence of request kinds and sizes.
//
//   // network of n + 1 parties: compute parties 0..n-1, dealer = party n
//   // on the dealer:
//   Prg seeds(random_seed());
//   mpc::DealerStats st = mpc::run_dealer(net, n, seeds);   // until party n-1 says done
//   // on compute party i:
//   mpc::DealerPreprocessing pre(net, n, n);                  // dealer id, parties
//   mpc::Beaver p(sub_network_of_parties_0_to_n_minus_1, pre, my_seeds);
//   ...
//   pre.finish();                                             // releases the dealer
//
// Wire format (version 1, little-endian, through core's codec):
//   dealer -> party i, once:  message [u8 version][u32 parties][u32 i][16-byte seed]
//   party n-1 -> dealer, per request: message [u8 version][u8 kind][u64 size][u8 shift]
//     (kind 0 = done; sizes up to max_request elements/words)
//   dealer -> party n-1, per request: the corrections as raw elements
//     (n ring elements for triples, 2n for truncation masks, `size` words for
//     AND triples; see preprocessing.hpp)
// Parties 0..n-2 never talk to the dealer after the seed; they draw their
// shares from it. Traffic: 16 bytes per party, plus 8 bytes per triple and 16
// per truncation mask to party n-1.
//
// Trust: the dealer knows every party's seed, hence every triple and mask
// share. An honest dealer that colludes with no compute party learns only
// the request kinds and sizes. A dealer that colludes with one compute
// party learns every operand of every mul, and_ and trunc (that party sees
// x - a, y - b, x + 2^62 + r; the dealer knows a, b, r). A faulty or
// malicious dealer can shift any product, AND or truncation result by an
// amount of its choice (a correction off by one turns 35 into 36 at every
// party); nothing checks the corrections, and the reveal check does not
// see it because every party reveals the same wrong value. If it later
// learns outputs, such shifts can also leak secrets (selective failure).
// Checking triples (sacrifice, MACs) is not in privfin yet; see beaver.hpp
// and docs/security.md.
//
// Caller's duties: the seeds Prg of run_dealer must be seeded from
// random_seed(); the dealer must not collude with a compute party. Call
// finish() on party n-1 (the destructor tries, ignoring errors).
// Throws: InvalidArgument for bad ids/counts; ProtocolError (naming party
// n-1) for a malformed or oversized request; NetworkError/DecodeError from
// the network. Thread safety: one thread at a time per object.
#pragma once

#include <cstddef>
#include <cstdint>

#include "privfin/core/prg.hpp"
#include "privfin/mpc/preprocessing.hpp"
#include "privfin/net/network.hpp"

namespace privfin::mpc {

inline constexpr std::uint8_t dealer_wire_version = 1;
// Largest size in one request (elements or words): bounds the dealer's memory.
inline constexpr std::uint64_t dealer_max_request = std::uint64_t{1} << 26;

struct DealerStats {
  std::uint64_t requests = 0;
  std::uint64_t arith_triples = 0;
  std::uint64_t bool_triple_words = 0;
  std::uint64_t trunc_masks = 0;
};

// Serves compute parties 0..parties-1 of `net` (the dealer is net.party_id(),
// which must be >= parties) until party parties-1 sends "done".
DealerStats run_dealer(net::Network& net, std::size_t parties, Prg& seed_source);

class DealerPreprocessing final : public Preprocessing {
 public:
  // Receives this party's seed (blocks until the dealer sends it).
  DealerPreprocessing(net::Network& net, std::size_t dealer, std::size_t parties);
  ~DealerPreprocessing() override;
  DealerPreprocessing(const DealerPreprocessing&) = delete;
  DealerPreprocessing& operator=(const DealerPreprocessing&) = delete;
  [[nodiscard]] std::size_t party_id() const noexcept override { return shares_->party_id(); }
  [[nodiscard]] std::size_t party_count() const noexcept override { return shares_->party_count(); }
  [[nodiscard]] ArithTriples arith_triples(std::size_t n) override;
  [[nodiscard]] BoolTriples bool_triples(std::size_t words) override;
  [[nodiscard]] TruncMasks trunc_masks(std::size_t n, unsigned d) override;
  // Party n-1: tells the dealer to stop (idempotent). Others: no effect.
  void finish();

 private:
  void request(CorrelationKind kind, std::size_t size, unsigned shift);
  net::Network& net_;
  std::size_t dealer_;
  std::unique_ptr<detail::SeededShares> shares_;
  bool finished_ = false;
};

}  // namespace privfin::mpc
