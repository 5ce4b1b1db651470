// privfin/mpc/spdz2k_preprocessing.hpp — the authenticated correlated
// randomness that mpc::Spdz2k (spdz2k.hpp) consumes, the share types it is
// made of, and a test-only dealer that produces it.
//
//   // tests only: every party derives the same dealer stream from one seed
//   mpc::Spdz2kTestDealer pre(common_seed, party_id, parties);
//   mpc::Spdz2k p(net, pre, my_seeds);
//
// Shares (k = 64, s = 64): an arithmetic value x in Z_2^64 is held as
// additive shares x_i of a lift of x in Z_2^128 together with MAC shares m_i,
// where sum m_i = alpha * x mod 2^128 and alpha = sum alpha_i, each
// alpha_i < 2^64 (SPDZ2k: Cramer, Damgard, Escudero, Scholl, Xing, CRYPTO
// 2018). Only x mod 2^64 is the value; the upper 64 bits are noise that
// masks the MAC. A bit b is held as XOR shares b_i with 64-bit binary MAC
// shares (bit t of b's MAC = b * Delta_t, Delta = XOR of Delta_i; the MACs
// of MiniMAC/TinyOT-style "bits with GF(2)-linear MACs"). Bits travel 64 to
// a word; their MACs are stored bit-sliced (AuthBits::m: slice t holds bit t
// of the MAC of every bit) so that any GF(2)-linear map of the words maps
// the MACs the same way.
//
// What a source provides (all authenticated, all as this party's shares):
//   triples(n):            a, b uniform in Z_2^128, c = a * b
//   bit_triples(w):        a, b uniform words, c = a & b
//   random_values(n):      r uniform in Z_2^128
//   random_bits(w):        uniform words
//   input_masks(o, n):     r uniform in Z_2^128 whose value only party o gets
//   input_bit_masks(o, w): the same for words
//   edabits(n):            r uniform in Z_2^64 and its 64 bits as a word
//                          (Escudero, Ghosh, Keller, Rachuri, Scholl,
//                          CRYPTO 2020)
//   dabits(count):         r in {0, 1} as an arithmetic and as a binary
//                          sharing (Rotaru, Wood, INDOCRYPT 2019)
//   trunc_masks(n, d):     r uniform in Z_2^64, r_high = r >> d, r_msb = r >> 63
// Every party asks for the same kinds and sizes in the same order. Values
// are what the shares sum to mod 2^64: a source may leave noise in the
// upper 64 bits of a lift (the OT source does for edaBits and masks; the
// test dealer does not), and Spdz2k masks those bits before any opening.
//
// The dealer-free source is Spdz2kOtPreprocessing (spdz2k_ot.hpp).
// Spdz2kTestDealer is for tests and benchmarks of the online phase only:
// every party derives every party's shares and both MAC keys from the
// common seed, so it offers no security at all. Errors: InvalidArgument for
// a bad party id or count, a shift outside [1, 62] or an owner out of range.
// Thread safety: one thread at a time per object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "privfin/core/detail/int128.hpp"
#include "privfin/core/prg.hpp"

namespace privfin::mpc {

namespace spdz2k {
// An element of Z_2^(k+s) = Z_2^128.
using Word = privfin::detail::uint128;
inline constexpr unsigned k_bits = 64;
inline constexpr unsigned s_bits = 64;
inline constexpr std::size_t mac_slices = 64;  // bits of a binary MAC

// One party's authenticated shares of a batch of Z_2^64 values.
struct AuthShares {
  std::vector<Word> x;  // value shares
  std::vector<Word> m;  // MAC shares
  AuthShares() = default;
  explicit AuthShares(std::size_t n) : x(n), m(n) {}
  [[nodiscard]] std::size_t size() const noexcept { return x.size(); }
};

// One party's authenticated shares of `size()` words of bits.
struct AuthBits {
  std::vector<std::uint64_t> x;  // value shares (XOR)
  std::vector<std::uint64_t> m;  // MAC shares: mac_slices slices of size() words, slice t at [t * size(), ...)
  AuthBits() = default;
  explicit AuthBits(std::size_t words) : x(words), m(mac_slices * words) {}
  [[nodiscard]] std::size_t size() const noexcept { return x.size(); }
  [[nodiscard]] std::span<std::uint64_t> slice(std::size_t t) { return std::span(m).subspan(t * x.size(), x.size()); }
  [[nodiscard]] std::span<const std::uint64_t> slice(std::size_t t) const {
    return std::span(m).subspan(t * x.size(), x.size());
  }
};

struct Triples {
  AuthShares a, b, c;
};
struct BitTriples {
  AuthBits a, b, c;
};
struct InputMasks {
  AuthShares r;
  std::vector<Word> values;  // r itself, at the owner only (empty elsewhere)
};
struct InputBitMasks {
  AuthBits r;
  std::vector<std::uint64_t> values;  // at the owner only
};
struct EdaBits {
  AuthShares r;   // r in Z_2^64 (see above: the lift may carry upper noise)
  AuthBits bits;  // word k = r_k
};
struct DaBits {
  AuthShares r;   // element j in {0, 1}
  AuthBits bits;  // bit j of word j / 64 = r_j (bits past the count: uniform, authenticated)
};
struct TruncMasks {
  AuthShares r, r_high, r_msb;
};
}  // namespace spdz2k

class Spdz2kPreprocessing {
 public:
  virtual ~Spdz2kPreprocessing() = default;
  [[nodiscard]] virtual std::size_t party_id() const noexcept = 0;
  [[nodiscard]] virtual std::size_t party_count() const noexcept = 0;
  // alpha_i < 2^64 (this party's share of the arithmetic MAC key).
  [[nodiscard]] virtual spdz2k::Word mac_key_share() const noexcept = 0;
  // Delta_i (this party's share of the binary MAC key).
  [[nodiscard]] virtual std::uint64_t bit_key_share() const noexcept = 0;
  [[nodiscard]] virtual spdz2k::Triples triples(std::size_t n) = 0;
  [[nodiscard]] virtual spdz2k::BitTriples bit_triples(std::size_t words) = 0;
  [[nodiscard]] virtual spdz2k::AuthShares random_values(std::size_t n) = 0;
  [[nodiscard]] virtual spdz2k::AuthBits random_bits(std::size_t words) = 0;
  [[nodiscard]] virtual spdz2k::InputMasks input_masks(std::size_t owner, std::size_t n) = 0;
  [[nodiscard]] virtual spdz2k::InputBitMasks input_bit_masks(std::size_t owner, std::size_t words) = 0;
  [[nodiscard]] virtual spdz2k::EdaBits edabits(std::size_t n) = 0;
  [[nodiscard]] virtual spdz2k::DaBits dabits(std::size_t count) = 0;
  [[nodiscard]] virtual spdz2k::TruncMasks trunc_masks(std::size_t n, unsigned d) = 0;
};

// TEST ONLY — no security: all parties derive all shares and MAC keys from
// one common seed. Lets tests and benchmarks run the online phase alone.
class Spdz2kTestDealer final : public Spdz2kPreprocessing {
 public:
  // InvalidArgument unless parties >= 2 and party < parties.
  Spdz2kTestDealer(const Prg::Seed& common_seed, std::size_t party, std::size_t parties);
  [[nodiscard]] std::size_t party_id() const noexcept override { return party_; }
  [[nodiscard]] std::size_t party_count() const noexcept override { return parties_; }
  [[nodiscard]] spdz2k::Word mac_key_share() const noexcept override { return alphas_[party_]; }
  [[nodiscard]] std::uint64_t bit_key_share() const noexcept override { return deltas_[party_]; }
  [[nodiscard]] spdz2k::Triples triples(std::size_t n) override;
  [[nodiscard]] spdz2k::BitTriples bit_triples(std::size_t words) override;
  [[nodiscard]] spdz2k::AuthShares random_values(std::size_t n) override;
  [[nodiscard]] spdz2k::AuthBits random_bits(std::size_t words) override;
  [[nodiscard]] spdz2k::InputMasks input_masks(std::size_t owner, std::size_t n) override;
  [[nodiscard]] spdz2k::InputBitMasks input_bit_masks(std::size_t owner, std::size_t words) override;
  [[nodiscard]] spdz2k::EdaBits edabits(std::size_t n) override;
  [[nodiscard]] spdz2k::DaBits dabits(std::size_t count) override;
  [[nodiscard]] spdz2k::TruncMasks trunc_masks(std::size_t n, unsigned d) override;

  // The whole keys (tests check MACs with them).
  [[nodiscard]] spdz2k::Word mac_key() const noexcept;
  [[nodiscard]] std::uint64_t bit_key() const noexcept;

 private:
  std::vector<spdz2k::Word> uniform(std::size_t n);
  // This party's authenticated shares of the given values (every party draws
  // every party's random shares, so the streams stay in step).
  spdz2k::AuthShares share(std::span<const spdz2k::Word> values);
  spdz2k::AuthBits share_bits(std::span<const std::uint64_t> words);

  Prg prg_;
  std::size_t party_;
  std::size_t parties_;
  std::vector<spdz2k::Word> alphas_;
  std::vector<std::uint64_t> deltas_;
};

}  // namespace privfin::mpc
