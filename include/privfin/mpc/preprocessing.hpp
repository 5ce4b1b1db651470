// privfin/mpc/preprocessing.hpp — correlated randomness for the n-party
// additive protocol mpc::Beaver: where its multiplication triples, AND
// triples and truncation masks come from.
//
//   // tests, one process: every party derives its part from a common seed
//   mpc::LocalPreprocessing pre(common_seed, party_id, parties);
//   mpc::Beaver p(net, pre, my_seeds);
//   // deployments: a dealer process streams the parts (dealer.hpp)
//   mpc::DealerPreprocessing pre(net, dealer_id, parties);
//
// What a source provides, as additive shares (sum over the n parties modulo
// 2^64, resp. XOR for words) of values nobody else knows:
//   arith_triples(n):   a, b uniform, c = a * b                 (n elements)
//   bool_triples(w):    a, b uniform words, c = a & b           (w words)
//   trunc_masks(n, d):  r uniform, r_high = r >> d (logical), r_msb = r >> 63
// Every party asks for the same kinds and sizes in the same order (the
// protocol guarantees that); a source is a stream, not a random-access store.
//
// Seed compression (used by both implementations below): party i holds a
// PRG seed s_i and draws each of its shares from it, in a fixed order (for a
// request: every output vector in the order listed above, whole vectors one
// after another). Only the last party n-1 cannot draw its c (resp. r_high
// and r_msb) shares: they are the corrections that make the sums right,
// computed by whoever knows all n seeds (the dealer) and sent to party n-1.
// So parties 0..n-2 receive 16 bytes once, and party n-1 receives 8 bytes
// per triple (resp. 16 per truncation mask, 8 per AND-triple word).
//
// The interface is abstract so that a dealer-free source (OT- or HE-based
// triple generation) can be added later without touching the protocol.
//
// LocalPreprocessing is for tests and single-process simulations only: its
// last party knows every seed, so it offers no security. DealerPreprocessing
// keeps the computation private from the compute parties as long as the
// dealer does not collude with any of them (the dealer sees no input, output
// or opened value) and follows the protocol. Nothing verifies a source: a
// wrong triple or mask (a faulty dealer, a bug) shifts results silently,
// equally at every party, and a source that colludes with one compute party
// learns every value masked with its correlations (dealer.hpp).
//
// Errors: InvalidArgument for a bad party id/count or truncation shift;
// ProtocolError/NetworkError/DecodeError from the dealer channel.
// Thread safety: one thread at a time per source object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <vector>

#include "privfin/core/prg.hpp"
#include "privfin/core/ring.hpp"

namespace privfin::net {
class Network;
}

namespace privfin::mpc {

using Ring = Z2k<64>;

struct ArithTriples {
  std::vector<Ring> a, b, c;
};
struct BoolTriples {
  std::vector<std::uint64_t> a, b, c;
};
struct TruncMasks {
  std::vector<Ring> r, r_high, r_msb;
};

// The kinds of correlation, as they appear in the dealer's wire format.
enum class CorrelationKind : std::uint8_t { arith_triples = 1, bool_triples = 2, trunc_masks = 3 };

class Preprocessing {
 public:
  virtual ~Preprocessing() = default;
  [[nodiscard]] virtual std::size_t party_id() const noexcept = 0;
  [[nodiscard]] virtual std::size_t party_count() const noexcept = 0;
  [[nodiscard]] virtual ArithTriples arith_triples(std::size_t n) = 0;
  [[nodiscard]] virtual BoolTriples bool_triples(std::size_t words) = 0;
  // InvalidArgument unless 1 <= d <= 62.
  [[nodiscard]] virtual TruncMasks trunc_masks(std::size_t n, unsigned d) = 0;
};

namespace detail {
void check_trunc_shift(const char* where, unsigned d);

// The parties' side of seed compression: draws this party's shares from its
// seed; the last party adds the corrections it is given.
class SeededShares {
 public:
  SeededShares(const Prg::Seed& seed, std::size_t party, std::size_t parties);
  [[nodiscard]] std::size_t party_id() const noexcept { return party_; }
  [[nodiscard]] std::size_t party_count() const noexcept { return parties_; }
  [[nodiscard]] bool is_last() const noexcept { return party_ + 1 == parties_; }
  // For the last party, `correction` holds c (resp. r_high then r_msb; the
  // words of c); the other parties pass an empty span.
  ArithTriples arith_triples(std::size_t n, std::span<const Ring> correction);
  BoolTriples bool_triples(std::size_t words, std::span<const std::uint64_t> correction);
  TruncMasks trunc_masks(std::size_t n, std::span<const Ring> correction);

 private:
  Prg prg_;
  std::size_t party_;
  std::size_t parties_;
};

// The dealer's side: knows all n seeds, draws every party's shares and
// computes the last party's corrections.
class CorrelationGenerator {
 public:
  explicit CorrelationGenerator(std::vector<Prg::Seed> seeds);
  [[nodiscard]] std::size_t party_count() const noexcept { return prgs_.size(); }
  std::vector<Ring> arith_correction(std::size_t n);
  std::vector<std::uint64_t> bool_correction(std::size_t words);
  // r_high corrections, then r_msb corrections (2n elements).
  std::vector<Ring> trunc_correction(std::size_t n, unsigned d);

 private:
  std::vector<Prg> prgs_;
};

// n seeds derived from one master seed (LocalPreprocessing, tests).
std::vector<Prg::Seed> derive_party_seeds(const Prg::Seed& master, std::size_t parties);
}  // namespace detail

// In-process source: all parties derive their seeds from one common seed;
// the last party computes its own corrections. Tests only (no security).
class LocalPreprocessing final : public Preprocessing {
 public:
  // InvalidArgument unless parties >= 2 and party < parties.
  LocalPreprocessing(const Prg::Seed& common_seed, std::size_t party, std::size_t parties);
  [[nodiscard]] std::size_t party_id() const noexcept override { return shares_.party_id(); }
  [[nodiscard]] std::size_t party_count() const noexcept override { return shares_.party_count(); }
  [[nodiscard]] ArithTriples arith_triples(std::size_t n) override;
  [[nodiscard]] BoolTriples bool_triples(std::size_t words) override;
  [[nodiscard]] TruncMasks trunc_masks(std::size_t n, unsigned d) override;

 private:
  detail::SeededShares shares_;
  std::unique_ptr<detail::CorrelationGenerator> generator_;  // last party only
};

// Record and replay: draws from an inner source ahead of time so that a
// later run consumes only memory (how benchmarks separate the online phase).
//   RecordedPreprocessing tape(inner);
//   tape.prefetch_arith_triples(n);     // preprocessing phase
//   ... protocol run ...                // online phase: served from the tape
// Requests must match the prefetched sizes in order; a request the tape
// cannot serve goes to the inner source. InvalidArgument if a request asks
// for a different size or kind than the next prefetched entry.
class RecordedPreprocessing final : public Preprocessing {
 public:
  explicit RecordedPreprocessing(Preprocessing& inner) : inner_(inner) {}
  [[nodiscard]] std::size_t party_id() const noexcept override { return inner_.party_id(); }
  [[nodiscard]] std::size_t party_count() const noexcept override { return inner_.party_count(); }
  void prefetch_arith_triples(std::size_t n);
  void prefetch_bool_triples(std::size_t words);
  void prefetch_trunc_masks(std::size_t n, unsigned d);
  [[nodiscard]] std::size_t pending() const noexcept { return tape_.size(); }
  [[nodiscard]] ArithTriples arith_triples(std::size_t n) override;
  [[nodiscard]] BoolTriples bool_triples(std::size_t words) override;
  [[nodiscard]] TruncMasks trunc_masks(std::size_t n, unsigned d) override;

 private:
  struct Entry {
    CorrelationKind kind;
    std::size_t size;
    unsigned shift;
    ArithTriples arith;
    BoolTriples boolean;
    TruncMasks trunc;
  };
  Entry take(CorrelationKind kind, std::size_t size, unsigned shift);
  Preprocessing& inner_;
  std::deque<Entry> tape_;
};

// Logs the sequence of requests (kind, size, shift) while forwarding them:
// run a computation once through it to learn what to prefetch.
class RequestLog final : public Preprocessing {
 public:
  struct Request {
    CorrelationKind kind;
    std::size_t size;
    unsigned shift;
  };
  explicit RequestLog(Preprocessing& inner) : inner_(inner) {}
  [[nodiscard]] std::size_t party_id() const noexcept override { return inner_.party_id(); }
  [[nodiscard]] std::size_t party_count() const noexcept override { return inner_.party_count(); }
  [[nodiscard]] ArithTriples arith_triples(std::size_t n) override;
  [[nodiscard]] BoolTriples bool_triples(std::size_t words) override;
  [[nodiscard]] TruncMasks trunc_masks(std::size_t n, unsigned d) override;
  [[nodiscard]] const std::vector<Request>& requests() const noexcept { return log_; }
  // Prefetches the logged sequence into `tape`.
  void replay_into(RecordedPreprocessing& tape) const;

 private:
  Preprocessing& inner_;
  std::vector<Request> log_;
};

}  // namespace privfin::mpc
