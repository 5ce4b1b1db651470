// privfin/mpc/spdz2k.hpp — Spdz2k: n-party (n >= 2) computation over Z_2^64
// with security against an active, dishonest majority, with abort: every
// share carries an information-theoretic MAC and every opened value is
// MAC-checked before any output is revealed (Cramer, Damgard, Escudero,
// Scholl, Xing, "SPDZ2k: Efficient MPC mod 2^k for Dishonest Majority",
// CRYPTO 2018, ePrint 2018/482; k = 64, s = 64). Models mpc::Protocol, so
// the generic algorithms (compare.hpp, convert.hpp, fixed_point.hpp, ...)
// run on it unchanged.
//
//   // on party i's thread / process:
//   mpc::Spdz2kTestDealer pre(common_seed, i, n);   // tests: online phase only
//   Prg seeds(random_seed());
//   mpc::Spdz2k p(net, pre, seeds);
//   auto x = p.input(0, my_values, count);          // one round
//   auto z = p.mul(x, x);                           // one round (checked later)
//   auto y = p.reveal(z);                           // MAC checks, then output
//
// Shares: see spdz2k_preprocessing.hpp (Z_2^128 shares with MACs under
// alpha; bits with 64-bit binary MACs under Delta).
//
// Openings. Every value a party learns that depends on secrets (x - a in
// mul, the masked words in and_, c in trunc and the conversions, the outputs)
// is opened by every party sending its share to every other, and recorded
// ("pending") with this party's MAC share. check() verifies everything
// pending at once, in four rounds:
//   1. each party commits to a 16-byte seed share (SHA-256 of id, check
//      number and seed); 2. opens it; the coefficients come from the XOR of
//      all seed shares, so nobody chooses them after seeing them;
//   3. each party commits (SHA-256 with a 32-byte random nonce) to
//      sigma_i = sum_j chi_j (m_ij - alpha_i y_j) mod 2^128 over the pending
//      arithmetic openings y_j (chi_j uniform in Z_2^64), to
//      h_i = sum_j chi'_j * z_ij (carry-less, chi'_j uniform 128-bit, z_ij =
//      MAC share of opened word j minus Delta_i * word j, slice by slice)
//      over the pending binary openings, and to the SHA-256 of its view of
//      every opened and broadcast value since the last check;
//   4. opens it; every party checks every commitment, compares views, and
//      checks that sum sigma_i = 0 mod 2^128 and XOR h_i = 0.
// A party that changed a share or a MAC passes with probability about
// 2^-(s - log2 s) = 2^-58 (SPDZ2k, Theorem 1) resp. 2^-64 per binary check.
// reveal(x) runs check() on everything pending, then opens x + 2^64 r (r
// uniform and authenticated: the upper bits of x would leak), checks that
// opening, and only then returns x mod 2^64. reveal_to(p, x) opens x - r
// for an input mask r known only to p (so the others learn nothing) with the
// same checks around it. So any deviation that a check covers ends in an
// exception before any output is returned to anyone.
//
// Input: party o holds a mask <r> whose value only o knows
// (Spdz2kPreprocessing::input_masks) and sends x - r to every party; the
// value sent goes into every party's view hash, so an owner that sends
// different values to different peers is caught at the next check.
//
// Conversions: arith_components opens c = x - r + 2^64 r' for an edaBit r
// (r' hides the upper bits) and returns {c as public bits, r's bits};
// bit_components opens c = b ^ r for daBits r and returns {c as public 0/1
// values, r as arithmetic bits}. So comparison, equality, b2a/a2b, select
// and fixed point (which build on these and on mul, and_, trunc) are
// maliciously secure with abort given honest edaBits/daBits: the active
// party can only add errors to opened values or MAC shares, which the
// checks catch. trunc uses a mask (r < 2^64, r >> d, r_63) and is exact like
// Beaver's (beaver.hpp); the masked value is opened and checked like any.
//
// Errors: every failed check is a ProtocolError whose message starts with
// "mpc::Spdz2k: check <number> (<step>, covering operations <i:name, ...>): "
// and says which part failed:
//   - "commitment": party j opened a seed or sigma that does not match what
//     it committed to; party() = j (j sent both messages).
//   - "view: party j's hash ...": party j's hash of the opened and broadcast
//     values differs from this party's (j, or a party that sent j other
//     values than it sent us, deviated: not proof against j; see
//     docs/mpc.md); party() = the first such j.
//   - "MAC: the arithmetic (binary) MAC check failed": some party changed a
//     share or a MAC; nobody can be blamed; party() = this party unless a
//     view differs too.
// All failed parts of a check are listed in one message.
// After a failed check the object refuses further use (ProtocolError).
// InvalidArgument for mismatched sizes, bad party ids, shifts outside
// [1, 62], a preprocessing source for another party; NetworkError from the
// network.
//
// arith_linear: f works on Z_2^64, shares live in Z_2^128. It is lifted
// exactly by applying f to four 16-bit limbs of the lower halves (results
// read as signed 64-bit integers) and to the upper halves; exact whenever
// every output's coefficients satisfy sum |c| < 2^47 (gathers, sums,
// differences, shifts below 47, small signed coefficients: the maps of
// compare, convert, select, the gathers and fixed point; trunc_generic's
// shifts up to 63 are not, but Spdz2k replaces it by its member trunc; the
// weighted sums of division.hpp and nonlinear.hpp are exact while their
// coefficients stay that small). A map outside the bound gives the right
// value mod 2^64 with inconsistent MACs, so the next check aborts (never a
// wrong output).
//
// Costs per element (bytes sent per peer, rounds): input 16 from the owner
// (1), mul 32 (1), and_ 16 per word (1), trunc 16 (1), arith_components 16
// (1), bit_components 8 per 64 bits (1); reveal 16 + a check; a check costs
// 4 rounds and 32 + 16 + 32 + 32 + 16 + 32 + 32 bytes per peer whatever its
// size. Thread safety: one thread at a time per object.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "privfin/core/hash.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/core/ring.hpp"
#include "privfin/mpc/protocol.hpp"
#include "privfin/mpc/spdz2k_preprocessing.hpp"
#include "privfin/net/network.hpp"

namespace privfin::mpc {

class Spdz2k {
 public:
  using Word = spdz2k::Word;
  using Arith = spdz2k::AuthShares;
  using Bool = spdz2k::AuthBits;

  struct Options {
    // An opening that leaves at least this many arithmetic elements (32
    // bytes each) or binary words (520 bytes each: 64 MAC slices) pending
    // runs a check at once, at every party at the same point, so that memory
    // stays bounded (about 34 MB with the defaults); checking early is
    // always safe. All parties must choose the same values (>= 1).
    std::size_t auto_check_elements = std::size_t{1} << 20;
    std::size_t auto_check_words = std::size_t{1} << 16;
  };

  // All parties of `net` compute. InvalidArgument for fewer than 2 parties,
  // `pre` for another party id or count, or a zero threshold.
  Spdz2k(net::Network& net, Spdz2kPreprocessing& pre, Prg& seed_source);
  Spdz2k(net::Network& net, Spdz2kPreprocessing& pre, Prg& seed_source, Options options);

  [[nodiscard]] std::size_t party_id() const noexcept { return id_; }
  [[nodiscard]] std::size_t party_count() const noexcept { return n_; }
  [[nodiscard]] net::Network& network() noexcept { return net_; }

  // --- input and output -------------------------------------------------
  [[nodiscard]] Arith input(std::size_t owner, std::span<const Ring> values, std::size_t n);
  [[nodiscard]] Bool input_bits(std::size_t owner, std::span<const std::uint64_t> words, std::size_t n);
  [[nodiscard]] std::vector<Ring> reveal(const Arith& x);
  [[nodiscard]] std::vector<Ring> reveal_to(std::size_t party, const Arith& x);
  [[nodiscard]] std::vector<std::uint64_t> reveal_bits(const Bool& b);
  [[nodiscard]] Arith constant(std::span<const Ring> values) const;
  [[nodiscard]] Bool constant_bits(std::span<const std::uint64_t> words) const;

  // Opens the whole Z_2^128 values of x (upper bits included, so only for
  // values that are uniform there, e.g. in preprocessing checks), recorded
  // for the next check like every opening. One round.
  [[nodiscard]] std::vector<Word> open_values(const Arith& x, const char* step);
  // A seed no party could choose or predict before all had committed
  // (commit-then-open of one seed share per party). Two rounds.
  [[nodiscard]] Prg::Seed coin(const char* step);

  // MAC-checks every opening since the last check (nothing pending: no
  // traffic). All parties call it at the same point.
  void check();
  // Called at the start of every check that has openings to verify, before
  // its first message (e.g. SignedTranscript::audit, spdz2k_transcript.hpp).
  void set_audit(std::function<void()> audit) { audit_ = std::move(audit); }
  // Openings not yet checked (arithmetic elements, binary words).
  [[nodiscard]] std::size_t pending_openings() const noexcept { return pend_y_.size() + pend_w_.size(); }
  [[nodiscard]] std::size_t checks_done() const noexcept { return checks_; }

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
  [[nodiscard]] Arith dot(const Arith& x, const Arith& y, std::size_t length);
  [[nodiscard]] Arith random_arith(std::size_t n);
  // As Beaver::trunc: floor(x / 2^d) or that + 1 for x in [-2^62, 2^62).
  [[nodiscard]] Arith trunc(const Arith& x, unsigned d);
  [[nodiscard]] Arith mul_trunc(const Arith& x, const Arith& y, unsigned d);

  // --- boolean ------------------------------------------------------------
  [[nodiscard]] Bool xor_(const Bool& a, const Bool& b) const;
  [[nodiscard]] Bool xor_public(const Bool& a, std::span<const std::uint64_t> words) const;
  [[nodiscard]] Bool and_(const Bool& a, const Bool& b);
  [[nodiscard]] Bool random_bits(std::size_t words);

  // --- conversions (edaBits / daBits; see above) --------------------------
  [[nodiscard]] std::vector<Bool> arith_components(const Arith& x);
  [[nodiscard]] std::vector<Arith> bit_components(const Bool& b, std::size_t count);

  // --- linear maps ---------------------------------------------------------
  template <class F>
  [[nodiscard]] Arith arith_linear(std::span<const Arith* const> inputs, std::size_t n, F&& f) const {
    Arith out(n);
    lift_linear(inputs, false, out.x, f);
    lift_linear(inputs, true, out.m, f);
    return out;
  }
  template <class F>
  [[nodiscard]] Bool bool_linear(std::span<const Bool* const> inputs, std::size_t words, F&& f) const {
    Bool out(words);
    std::vector<std::span<const std::uint64_t>> ins(inputs.size());
    for (std::size_t i = 0; i < inputs.size(); ++i) ins[i] = inputs[i]->x;
    f(std::span<const std::span<const std::uint64_t>>(ins), std::span<std::uint64_t>(out.x));
    for (std::size_t t = 0; t < spdz2k::mac_slices; ++t) {
      for (std::size_t i = 0; i < inputs.size(); ++i) ins[i] = inputs[i]->slice(t);
      f(std::span<const std::span<const std::uint64_t>>(ins), out.slice(t));
    }
    return out;
  }

 private:
  // f on each 16-bit limb of the lower halves and on the upper halves (see above).
  template <class F>
  void lift_linear(std::span<const Arith* const> inputs, bool macs, std::vector<Word>& out, F& f) const {
    std::vector<std::vector<Ring>> parts(inputs.size());
    std::vector<std::span<const Ring>> ins(inputs.size());
    std::vector<Ring> res(out.size());
    const auto run = [&](auto&& part_of) {
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        const auto& src = macs ? inputs[i]->m : inputs[i]->x;
        parts[i].resize(src.size());
        for (std::size_t k = 0; k < src.size(); ++k) parts[i][k] = Ring{part_of(src[k])};
        ins[i] = parts[i];
      }
      f(std::span<const std::span<const Ring>>(ins), std::span<Ring>(res));
    };
    std::fill(out.begin(), out.end(), Word{0});
    for (unsigned q = 0; q < 4; ++q) {
      run([q](Word v) { return static_cast<std::uint64_t>(v >> (16 * q)) & 0xFFFFU; });
      for (std::size_t k = 0; k < out.size(); ++k) {
        const auto sext = static_cast<Word>(static_cast<privfin::detail::int128>(res[k].as_signed()));
        out[k] += sext << (16 * q);
      }
    }
    run([](Word v) { return static_cast<std::uint64_t>(v >> 64); });
    for (std::size_t k = 0; k < out.size(); ++k) out[k] += Word{res[k].value()} << 64;
  }

  void usable() const;
  void check_party(const char* where, std::size_t party) const;
  // Sends this party's shares to every peer, returns the sums, records them
  // as pending with `macs`.
  std::vector<Word> open(std::span<const Word> shares, std::span<const Word> macs, const char* step);
  std::vector<std::uint64_t> open_bits(const Bool& b, const char* step);
  // Adds the public value c * MAC key share (and c at party 0) to a share.
  void add_constant(Word& x, Word& m, Word c) const;
  void note_step(const char* step);
  void check_impl(const char* step);
  Prg::Seed coin_impl(std::size_t number, const std::string& where);
  [[noreturn]] void fail(std::size_t party, const std::string& what);

  net::Network& net_;
  Spdz2kPreprocessing& pre_;
  std::size_t id_;
  std::size_t n_;
  Word alpha_;
  std::uint64_t delta_;
  Prg local_;  // seed shares and commitment nonces
  // Pending openings since the last check.
  std::vector<Word> pend_y_, pend_m_;
  std::vector<std::uint64_t> pend_w_, pend_wm_;  // words; MAC slices word-major (64 per word)
  Sha256 view_;                                  // opened and broadcast values since the last check
  std::string steps_;                            // names of the operations since the last check
  std::size_t op_ = 0;                           // operations so far
  std::size_t checks_ = 0;
  std::size_t coins_ = 0;
  bool aborted_ = false;
  std::function<void()> audit_;
  Options options_;
};

static_assert(Protocol<Spdz2k>);

}  // namespace privfin::mpc
