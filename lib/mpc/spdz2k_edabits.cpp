// Dealer-free edaBits for SPDZ2k (see spdz2k_ot.hpp): every party's
// private edaBits, checked by cut-and-bucket, then summed by binary adders
// (Escudero, Ghosh, Keller, Rachuri, Scholl, "Improved Primitives for MPC
// over Mixed Arithmetic-Binary Circuits", CRYPTO 2020, ePrint 2020/338);
// and the truncation masks made from them.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/mpc/convert.hpp"
#include "privfin/mpc/detail/bits.hpp"
#include "privfin/mpc/preprocessing.hpp"
#include "privfin/mpc/spdz2k_ot.hpp"
#include "spdz2k_bits.hpp"

namespace privfin::mpc {

using spdz2k::Word;

namespace {
// edaBits per batch: bounds a batch's memory (its private edaBits, the
// adders' operands and the bit triples they draw; measured: a 3-party lt on
// 1,024 values peaks at 244 MB per party, on 64 at 138 MB).
constexpr std::size_t edabit_batch_max = 1024;
// The bucket check's bound: a batch with a wrong edaBit passes with
// probability at most 2^-64.
constexpr double edabit_security_bits = 64;

// log2 of binom(n, k).
double log2_binomial(double n, double k) {
  return (std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1)) / std::log(2.0);
}

// The largest bit-triple batch the adders' reservations make: 4,096 kept
// words are 61,440 authenticated candidate words, about 32 MB.
constexpr std::size_t adder_pool_batch_words = 4096;
}  // namespace

std::size_t Spdz2kOtPreprocessing::edabit_bucket_size(std::size_t kept) {
  // An adversary's best is exactly B wrong private edaBits, all off by 2^63
  // so that any two cancel: they pass only if they fill one bucket between
  // them (a bucket that mixes right and wrong ones fails its check).
  std::size_t b = 3;
  while (std::log2(static_cast<double>(kept)) - log2_binomial(static_cast<double>(kept * b), static_cast<double>(b)) >
         -edabit_security_bits) {
    ++b;
  }
  return b;
}

spdz2k::EdaBits Spdz2kOtPreprocessing::edabits(std::size_t n) {
  spdz2k::EdaBits out;
  out.r = spdz2k::AuthShares(n);
  out.bits = spdz2k::AuthBits(n);
  for (std::size_t first = 0; first < n; first += edabit_batch_max) {
    const std::size_t count = std::min(edabit_batch_max, n - first);
    spdz2k::EdaBits part = edabit_batch(count);
    std::copy(part.r.x.begin(), part.r.x.end(), out.r.x.begin() + static_cast<std::ptrdiff_t>(first));
    std::copy(part.r.m.begin(), part.r.m.end(), out.r.m.begin() + static_cast<std::ptrdiff_t>(first));
    detail::put_words(out.bits, first, part.bits);
  }
  return out;
}

spdz2k::EdaBits Spdz2kOtPreprocessing::edabit_batch(std::size_t count) {
  // Private edaBits: each party j draws per_party values v < 2^64 and
  // authenticates them twice as their owner (authenticate_owned: the others
  // hold zero shares and cannot change them), as arithmetic shares of
  // v + 2^64 u (u uniform, so that openings below reveal nothing through
  // the upper bits) and as binary words. Elements [j * per_party, (j + 1) *
  // per_party) are party j's.
  const std::size_t kept = std::max<std::size_t>(64, (count + 63) / 64 * 64);
  const std::size_t bucket = edabit_bucket_size(kept);
  const std::size_t per_party = bucket * kept;
  const std::size_t total = n_ * per_party;
  std::vector<std::uint64_t> low(per_party);
  std::vector<Word> lifted(per_party);
  prg_.fill(std::span<std::uint64_t>(low));
  for (std::size_t e = 0; e < per_party; ++e) lifted[e] = Word{low[e]} | (Word{prg_.next_u64()} << 64);
  if (corrupt_edabit_) {
    lifted[0] += 1;  // the arithmetic value no longer matches the bits
    corrupt_edabit_ = false;
  }
  spdz2k::AuthShares arith(total);
  spdz2k::AuthBits bits(total);
  for (std::size_t j = 0; j < n_; ++j) {
    const bool mine = j == id_;
    const spdz2k::AuthShares a = authenticate_owned(j, mine ? std::move(lifted) : std::vector<Word>{}, per_party);
    std::copy(a.x.begin(), a.x.end(), arith.x.begin() + static_cast<std::ptrdiff_t>(j * per_party));
    std::copy(a.m.begin(), a.m.end(), arith.m.begin() + static_cast<std::ptrdiff_t>(j * per_party));
    detail::put_words(bits, j * per_party,
                      authenticate_bits_owned(j, mine ? std::move(low) : std::vector<std::uint64_t>{}, per_party));
  }

  // Cut-and-bucket: a public random permutation of each party's private
  // edaBits (chosen after they are fixed) keeps the first `kept` and checks
  // each kept one against B - 1 others by opening kept + other both ways: as
  // a Z_2^128 sum (uniform, the other being uniform and never used again)
  // and through a binary adder mod 2^64. The two must agree mod 2^64.
  Spdz2k& p = *checker_;
  Prg coins(p.coin("edaBits: buckets"));
  const std::size_t checks = n_ * (bucket - 1) * kept;
  std::vector<std::uint32_t> kept_idx(n_ * kept), check_kept(checks), check_other(checks);
  std::vector<std::uint32_t> perm(per_party);
  for (std::size_t j = 0; j < n_; ++j) {
    for (std::size_t k = 0; k < per_party; ++k) perm[k] = static_cast<std::uint32_t>(j * per_party + k);
    for (std::size_t k = per_party - 1; k > 0; --k) {
      // Modulo bias below 2^-48 per draw (k < 2^16 against a 64-bit draw).
      std::swap(perm[k], perm[coins.next_u64() % (k + 1)]);
    }
    std::copy_n(perm.begin(), kept, kept_idx.begin() + static_cast<std::ptrdiff_t>(j * kept));
    for (std::size_t g = 1; g < bucket; ++g) {
      const std::size_t at = (j * (bucket - 1) + g - 1) * kept;
      std::copy_n(perm.begin(), kept, check_kept.begin() + static_cast<std::ptrdiff_t>(at));
      std::copy_n(perm.begin() + static_cast<std::ptrdiff_t>(g * kept), kept,
                  check_other.begin() + static_cast<std::ptrdiff_t>(at));
    }
  }
  spdz2k::AuthShares sums(checks);
  for (std::size_t c = 0; c < checks; ++c) {
    sums.x[c] = arith.x[check_kept[c]] + arith.x[check_other[c]];
    sums.m[c] = arith.m[check_kept[c]] + arith.m[check_other[c]];
  }
  // The adders of this batch need 63 words of bit triples per 64 elements.
  reserve_bit_triples(63 * (checks + (n_ - 1) * kept) / 64, adder_pool_batch_words);
  const spdz2k::AuthBits binary_sums =
      detail::add_mod_2_64(p, detail::planes_of(p, detail::gather_words(bits, check_kept), 64),
                           detail::planes_of(p, detail::gather_words(bits, check_other), 64));
  const std::vector<Word> arith_open = p.open_values(sums, "edaBits: bucket check (arithmetic)");
  // reveal_bits MAC-checks every opening before and after it.
  std::vector<std::uint64_t> binary_open(checks);
  detail::from_planes(p.reveal_bits(binary_sums), 64, binary_open);
  for (std::size_t c = 0; c < checks; ++c) {
    if (static_cast<std::uint64_t>(arith_open[c]) != binary_open[c]) {
      const std::size_t owner = c / ((bucket - 1) * kept);
      throw ProtocolError(id_, "mpc::Spdz2kOtPreprocessing: edaBits: bucket check " + std::to_string(c) + " of " +
                                   std::to_string(checks) + " failed (party " + std::to_string(owner) +
                                   "'s private edaBits: an arithmetic value and its bits differ, so party " +
                                   std::to_string(owner) + " deviated when it authenticated them)");
    }
  }

  // The kept private edaBits of all parties, summed: arithmetically (local)
  // and by n - 1 binary adders mod 2^64.
  spdz2k::EdaBits out;
  out.r = spdz2k::AuthShares(count);
  const auto party_bits = [&](std::size_t j) {
    return detail::planes_of(
        p, detail::gather_words(bits, std::span<const std::uint32_t>(kept_idx).subspan(j * kept, kept)), 64);
  };
  spdz2k::AuthBits acc = party_bits(0);
  for (std::size_t j = 1; j < n_; ++j) acc = detail::add_mod_2_64(p, acc, party_bits(j));
  for (std::size_t e = 0; e < count; ++e) {
    for (std::size_t j = 0; j < n_; ++j) {
      out.r.x[e] += arith.x[kept_idx[j * kept + e]];
      out.r.m[e] += arith.m[kept_idx[j * kept + e]];
    }
  }
  out.bits = detail::elements_of(p, acc, 64, count);
  // The adders' openings are checked now: the online phase checks only its own.
  p.check();
  return out;
}

spdz2k::TruncMasks Spdz2kOtPreprocessing::trunc_masks(std::size_t n, unsigned d) {
  detail::check_trunc_shift("mpc::Spdz2kOtPreprocessing::trunc_masks", d);
  // r from an edaBit; r >> d converted to an arithmetic sharing with a
  // second edaBit rho: y = (r >> d) + rho mod 2^64 by a binary adder,
  // opened (uniform, as rho is), then r_high = y - rho; r_63 (bit 63 of
  // r's word) converted by a daBit, as Spdz2k::bit_components does.
  spdz2k::TruncMasks out;
  if (n == 0) return out;
  Spdz2k& p = *checker_;
  const std::size_t padded = (n + 63) / 64 * 64;
  const std::size_t groups = padded / 64;
  spdz2k::EdaBits e = edabits(2 * padded);
  const spdz2k::AuthBits r_bits = detail::planes_of(p, detail::take_words(e.bits, 0, padded), 64);
  const spdz2k::AuthBits rho_bits = detail::planes_of(p, detail::take_words(e.bits, padded, padded), 64);
  spdz2k::AuthBits shifted(padded);  // plane i holds r's plane i + d; the top d are zero
  detail::put_words(shifted, 0, detail::take_words(r_bits, d * groups, (64 - d) * groups));
  reserve_bit_triples(63 * groups, adder_pool_batch_words);
  std::vector<std::uint64_t> y(padded);
  detail::from_planes(p.reveal_bits(detail::add_mod_2_64(p, shifted, rho_bits)), 64, y);

  out.r = spdz2k::AuthShares(n);
  out.r_high = spdz2k::AuthShares(n);
  std::vector<Ring> y_ring(n);
  for (std::size_t k = 0; k < n; ++k) {
    out.r.x[k] = e.r.x[k];
    out.r.m[k] = e.r.m[k];
    out.r_high.x[k] = -e.r.x[padded + k];
    out.r_high.m[k] = -e.r.m[padded + k];
    y_ring[k] = Ring{y[k]};
  }
  out.r_high = p.add_public(out.r_high, y_ring);
  // r_63 (packed bits: plane 63) by a daBit b: c = r_63 ^ b opened,
  // then r_63 = c + b - 2 c b = b (1 - 2c) + c with c public.
  const spdz2k::DaBits b = dabits(n);
  const std::vector<std::uint64_t> c =
      p.reveal_bits(p.xor_(detail::take_words(r_bits, 63 * groups, (n + 63) / 64), b.bits));
  std::vector<Ring> c_ring(n), sign(n);
  for (std::size_t k = 0; k < n; ++k) {
    c_ring[k] = Ring{(c[k / 64] >> (k % 64)) & 1U};
    sign[k] = Ring{1} - Ring{2} * c_ring[k];
  }
  out.r_msb = p.add_public(p.mul_public(b.r, sign), c_ring);
  return out;
}

}  // namespace privfin::mpc
