// privfin/mpc/rep3.hpp — Rep3: semi-honest, honest-majority three-party
// computation over replicated secret sharing (Araki-Furukawa-Lindell-Nof-
// Ohara, CCS 2016; Mohassel-Rindal ABY3, CCS 2018), arithmetic over Z2k<64>
// and boolean over 64-bit packed words. Models mpc::Protocol.
//
//   auto nets = net::LocalNetwork::create(3);          // or TcpNetwork::connect
//   // on party i's thread:
//   Prg seeds(random_seed());
//   mpc::Rep3 p(*nets[i], seeds);                      // one round: pairwise seeds
//   auto x = p.input(0, my_values, n);                 // party 0's values
//   auto y = p.input(1, my_values, n);
//   auto z = p.mul(x, y);                              // one round, 8 bytes/element/party
//   std::vector<Z2k<64>> out = p.reveal(z);
//
// Security: semi-honest, honest majority. Against one passive party (it
// follows the protocol and tries to learn from what it sees) inputs and
// intermediate values stay private; only what is revealed is learned.
// Against one ACTIVE party (it sends whatever it likes) there is no
// detection by default, and it can:
//   * add an error of its choice to any value it helps compute (e.g. +1 in
//     its multiplication message turns 35 into 36), so outputs are wrong;
//   * through such errors make a revealed output carry more than the honest
//     one: an error d in select's condition turns the revealed max(a, b)
//     into max(a, b) +- d (a - b), from which a cheater with d = 2^32 reads
//     both a and b; in comparisons and truncation, whether an error shows
//     can depend on secret data;
//   * make the parties reveal different values (party 1 sees 36 while
//     parties 0 and 2 see 35), by sending a wrong share in reveal or by
//     corrupting a share another party reveals later;
//   * change what reveal_to delivers, stall, or abort.
// Apart from what is revealed it learns nothing: every message an honest
// party sends (other than its share in a reveal) is masked by randomness
// the cheater does not know, whatever the cheater sent before. The opt-in
// Options::check_reveals catches the third point for reveal and
// reveal_bits (see check_reveals()); nothing here catches the first two.
// An engine that detects any cheating before it reveals anything is
// mpc::Spdz2k (spdz2k.hpp, MAC-authenticated shares). See docs/security.md.
//
// Correlated randomness comes from three pairwise AES-CTR PRG seeds
// exchanged once in the constructor (party i sends a fresh seed to party
// i+1); no operation sends randomness afterwards. Operations are batched:
// one message per peer per round for the whole batch, processed in chunks
// so that computing the next chunk overlaps the transfer of the previous
// one.
//
// Costs per element and party (bytes sent, rounds): input 8/3 (1), reveal 8
// (1), mul 8 (1), dot 8 per result (1), and_ 8 per word (1), matmul 8 per
// output entry (1), trunc/mul_trunc about 14 on average (3 message hops,
// see trunc()), arith_components 8/3 (1), bit_components 8/3 per bit (1).
//
// Caller's duties: the three parties call the same operations in the same
// order with the same sizes (that keeps the PRGs in step); `seeds` must be
// unpredictable (seed it from random_seed() outside tests). Throws
// InvalidArgument for a network that does not have exactly 3 parties, for
// mismatched sizes and bad party ids; NetworkError/DecodeError from the
// network; ProtocolError from check_reveals(). Thread safety: one thread at
// a time per Rep3 object.
#pragma once

#include <array>
#include <optional>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/core/ring.hpp"
#include "privfin/mpc/detail/bits.hpp"
#include "privfin/mpc/detail/kernels.hpp"
#include "privfin/mpc/detail/reveal_digest.hpp"
#include "privfin/mpc/protocol.hpp"
#include "privfin/net/network.hpp"
#include "privfin/sharing/replicated.hpp"

namespace privfin::mpc {

class Rep3 {
 public:
  using Arith = sharing::replicated::ArithShares<64>;
  using Bool = sharing::replicated::BoolShares;

  // Elements processed per chunk of a large batch.
  static constexpr std::size_t chunk_size = std::size_t{1} << 16;

  struct Options {
    // Keep a running SHA-256 of every value revealed to all three parties
    // (reveal, reveal_bits) so that check_reveals() can compare it with both
    // peers. All three parties must choose the same setting.
    bool check_reveals = false;
  };

  // Exchanges the pairwise seeds (one round). Throws InvalidArgument unless
  // net.party_count() == 3.
  Rep3(net::Network& net, Prg& seed_source);
  Rep3(net::Network& net, Prg& seed_source, Options options);

  [[nodiscard]] std::size_t party_id() const noexcept { return id_; }
  [[nodiscard]] std::size_t party_count() const noexcept { return 3; }
  [[nodiscard]] net::Network& network() noexcept { return net_; }

  // --- input and output -------------------------------------------------
  // `values` is read only at `owner` (n elements); other parties pass {}.
  [[nodiscard]] Arith input(std::size_t owner, std::span<const Ring> values, std::size_t n);
  [[nodiscard]] Bool input_bits(std::size_t owner, std::span<const std::uint64_t> words, std::size_t n);
  [[nodiscard]] std::vector<Ring> reveal(const Arith& x);
  [[nodiscard]] std::vector<Ring> reveal_to(std::size_t party, const Arith& x);
  [[nodiscard]] std::vector<std::uint64_t> reveal_bits(const Bool& b);
  [[nodiscard]] Arith constant(std::span<const Ring> values) const;

  // Reveal check (Options::check_reveals; InvalidArgument without it). One
  // round: sends the 32-byte SHA-256 of every value this party got from
  // reveal and reveal_bits since the last check to both peers and compares
  // theirs. Throws ProtocolError naming a peer whose digest differs: that
  // peer's revealed values differ from this party's. All three parties call
  // it at the same point, before acting on what was revealed.
  //   Catches: any disagreement between the two honest parties on a revealed
  //   value (a wrong share sent in reveal, a share corrupted earlier so that
  //   one party reconstructs something else). Both honest parties see it,
  //   so they abort together.
  //   Does not catch: an error the cheater applies consistently (e.g. +1 in
  //   its multiplication message while keeping its own copy in step): every
  //   party then reveals the same wrong value. Nor reveal_to (one party
  //   learns, nothing to compare) or the opening inside trunc.
  //   Blame: the named peer disagrees with this party; it is not proof that
  //   the named peer cheated (a cheater can make an honest peer's reveal
  //   differ by corrupting a share sent to it), only that one of the three
  //   did.
  // Why a digest and not "receive the missing share from both peers" (both
  // hold it): the digest costs one round and 64 bytes per check instead of
  // doubling reveal traffic, and both honest parties detect a disagreement,
  // whereas the two-copies variant lets only one of them notice while the
  // other acts on its value.
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
  // mul writing into `out`, which is resized to the batch and otherwise
  // reused: a loop over batches of one size allocates (and page-faults)
  // nothing. `out` must not be x or y (InvalidArgument).
  void mul_into(const Arith& x, const Arith& y, Arith& out);
  // x.size() / length inner products of consecutive blocks (InvalidArgument
  // unless length divides x.size() and y.size() == x.size()).
  [[nodiscard]] Arith dot(const Arith& x, const Arith& y, std::size_t length);
  // C = A B for row-major A (rows x inner) and B (inner x cols), computed
  // locally with Eigen and reshared once: rows*cols elements of traffic.
  [[nodiscard]] Arith matmul(const Arith& a, const Arith& b, std::size_t rows, std::size_t inner,
                             std::size_t cols);
  [[nodiscard]] Arith random_arith(std::size_t n);

  // Truncation by d bits (1 <= d <= 62) of values in [-2^62, 2^62): the
  // result is floor(x / 2^d) or floor(x / 2^d) + 1, never anything else (no
  // failure probability inside the range). Protocol: party 0 opens
  // c = x + 2^62 + r for a uniform r known to parties 1 and 2, the wrap of
  // that sum is r_msb * (1 - c_msb), and the one cross term between party
  // 0's bit and the pair's bit is split with one extra message; output by
  // resharing. Three message hops (1,2 -> 0 -> 2 -> 1), bytes sent per
  // element: party 0: 16, party 1: 16, party 2: 16. Outside the range the
  // result is garbage (a wrapped value), not an error.
  [[nodiscard]] Arith trunc(const Arith& x, unsigned d);
  // trunc(mul(x, y), d) with the product's resharing folded into the first
  // hop of the truncation: same cost as trunc alone.
  [[nodiscard]] Arith mul_trunc(const Arith& x, const Arith& y, unsigned d);

  // --- boolean ------------------------------------------------------------
  [[nodiscard]] Bool xor_(const Bool& a, const Bool& b) const;
  [[nodiscard]] Bool xor_public(const Bool& a, std::span<const std::uint64_t> words) const;
  [[nodiscard]] Bool and_(const Bool& a, const Bool& b);
  [[nodiscard]] Bool random_bits(std::size_t words);
  // and_(assemble(inputs, left), assemble(inputs, right)) (detail/bits.hpp)
  // without building the two operands: each tile of planes is gathered into
  // L1-sized buffers right before the AND. Same traffic and result as the
  // two-step form. InvalidArgument when left and right differ in length or
  // a plane lies outside its input.
  [[nodiscard]] Bool and_gathered(std::span<const Bool* const> inputs, std::size_t words,
                                  std::span<const detail::PlaneSpec> left, std::span<const detail::PlaneSpec> right);

  // --- conversions (see protocol.hpp) -----------------------------------
  // Two components: x_0 + x_1 input by party 0 (one round), and x_2, which
  // parties 1 and 2 both hold (no traffic).
  [[nodiscard]] std::vector<Bool> arith_components(const Arith& x);
  // Two components: bits of b_0 ^ b_1 input by party 0, and bits of b_2.
  [[nodiscard]] std::vector<Arith> bit_components(const Bool& b, std::size_t count);

  // --- linear maps applied share-wise ------------------------------------
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
  sharing::replicated::RepShares<T> linear_impl(std::span<const S* const> inputs, std::size_t n, F& f) const {
    sharing::replicated::RepShares<T> out(n);
    std::vector<std::span<const T>> ins(inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) ins[i] = inputs[i]->first;
    f(std::span<const std::span<const T>>(ins), std::span<T>(out.first));
    for (std::size_t i = 0; i < inputs.size(); ++i) ins[i] = inputs[i]->second;
    f(std::span<const std::span<const T>>(ins), std::span<T>(out.second));
    return out;
  }

  [[nodiscard]] std::size_t next() const noexcept { return (id_ + 1) % 3; }
  [[nodiscard]] std::size_t prev() const noexcept { return (id_ + 2) % 3; }
  void check_owner(const char* where, std::size_t owner) const;
  // Reshares the 3-out-of-3 values z (this party's z_i, masked inside) into
  // a replicated sharing: z_i goes to party i-1, z_{i+1} comes from i+1.
  // Fills first[lo, hi) with compute(lo, hi) chunk by chunk, adds a zero
  // sharing, sends it to party i-1 and receives party i+1's into `second`.
  template <class T, class F>
  void reshare_chunked(std::span<T> first, std::span<T> second, F&& compute);
  // The same for mul and and_ with the zero sharing fused into the product:
  // per tile of elements, both zero-sharing streams are drawn into small
  // buffers (they stay in L1) and kernel(lo, plus, minus, out) writes
  // out = product(lo..) + plus - minus (or XOR) in one pass over the inputs.
  template <class T, class Kernel>
  void reshare_fused(std::span<T> first, std::span<T> second, Kernel&& kernel);
  Arith trunc_additive(std::span<const Ring> z, unsigned d);
  Rep3(net::Network& net, const std::array<Prg::Seed, 2>& seeds, Options options);

  net::Network& net_;
  std::size_t id_;
  Options options_;
  std::optional<detail::RevealDigest> reveals_;  // with options_.check_reveals
  // Zero-sharing / random-sharing streams: *_prev shared with party i-1,
  // *_next with party i+1.
  Prg zero_prev_, zero_next_;
  Prg rand_prev_, rand_next_;
  // Values known to a pair (input masks, truncation masks).
  Prg pair_prev_, pair_next_;
  detail::KernelPath kernels_ = detail::best_kernel_path();
};

static_assert(Protocol<Rep3>);

}  // namespace privfin::mpc
