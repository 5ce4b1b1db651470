// The test-only SPDZ2k dealer (see spdz2k_preprocessing.hpp).
#include "privfin/mpc/spdz2k_preprocessing.hpp"

#include <string>

#include "privfin/core/error.hpp"
#include "privfin/mpc/preprocessing.hpp"

namespace privfin::mpc {

using spdz2k::Word;

namespace {
constexpr Word low64(Word v) { return v & ~std::uint64_t{0}; }
}  // namespace

Spdz2kTestDealer::Spdz2kTestDealer(const Prg::Seed& common_seed, std::size_t party, std::size_t parties)
    : prg_(common_seed), party_(party), parties_(parties) {
  if (parties < 2 || party >= parties) {
    throw InvalidArgument("mpc::Spdz2kTestDealer: party " + std::to_string(party) + " of " +
                          std::to_string(parties) + " (need 2 or more parties, party below the count)");
  }
  for (std::size_t j = 0; j < parties_; ++j) {
    alphas_.push_back(Word{prg_.next_u64()});
    deltas_.push_back(prg_.next_u64());
  }
}

Word Spdz2kTestDealer::mac_key() const noexcept {
  Word a = 0;
  for (Word v : alphas_) a += v;
  return a;
}

std::uint64_t Spdz2kTestDealer::bit_key() const noexcept {
  std::uint64_t d = 0;
  for (std::uint64_t v : deltas_) d ^= v;
  return d;
}

std::vector<Word> Spdz2kTestDealer::uniform(std::size_t n) {
  std::vector<Word> v(n);
  prg_.fill(std::span<Word>(v));
  return v;
}

spdz2k::AuthShares Spdz2kTestDealer::share(std::span<const Word> values) {
  const std::size_t n = values.size();
  const Word alpha = mac_key();
  spdz2k::AuthShares out(n);
  std::vector<Word> xs(values.begin(), values.end());
  std::vector<Word> ms(n);
  for (std::size_t k = 0; k < n; ++k) ms[k] = alpha * values[k];
  std::vector<Word> rx(n);
  std::vector<Word> rm(n);
  for (std::size_t j = 0; j + 1 < parties_; ++j) {
    prg_.fill(std::span<Word>(rx));
    prg_.fill(std::span<Word>(rm));
    for (std::size_t k = 0; k < n; ++k) {
      xs[k] -= rx[k];
      ms[k] -= rm[k];
    }
    if (j == party_) {
      out.x = rx;
      out.m = rm;
    }
  }
  if (party_ + 1 == parties_) {
    out.x = std::move(xs);
    out.m = std::move(ms);
  }
  return out;
}

spdz2k::AuthBits Spdz2kTestDealer::share_bits(std::span<const std::uint64_t> words) {
  const std::size_t w = words.size();
  const std::uint64_t delta = bit_key();
  spdz2k::AuthBits out(w);
  spdz2k::AuthBits last(w);
  last.x.assign(words.begin(), words.end());
  for (std::size_t t = 0; t < spdz2k::mac_slices; ++t) {
    if (((delta >> t) & 1U) == 0) continue;
    auto s = last.slice(t);
    for (std::size_t k = 0; k < w; ++k) s[k] = words[k];
  }
  spdz2k::AuthBits r(w);
  for (std::size_t j = 0; j + 1 < parties_; ++j) {
    prg_.fill(std::span<std::uint64_t>(r.x));
    prg_.fill(std::span<std::uint64_t>(r.m));
    for (std::size_t k = 0; k < w; ++k) last.x[k] ^= r.x[k];
    for (std::size_t k = 0; k < r.m.size(); ++k) last.m[k] ^= r.m[k];
    if (j == party_) out = r;
  }
  if (party_ + 1 == parties_) out = std::move(last);
  return out;
}

spdz2k::Triples Spdz2kTestDealer::triples(std::size_t n) {
  const auto a = uniform(n);
  const auto b = uniform(n);
  std::vector<Word> c(n);
  for (std::size_t k = 0; k < n; ++k) c[k] = a[k] * b[k];
  spdz2k::Triples t;
  t.a = share(a);
  t.b = share(b);
  t.c = share(c);
  return t;
}

spdz2k::BitTriples Spdz2kTestDealer::bit_triples(std::size_t words) {
  std::vector<std::uint64_t> a(words);
  std::vector<std::uint64_t> b(words);
  prg_.fill(std::span<std::uint64_t>(a));
  prg_.fill(std::span<std::uint64_t>(b));
  std::vector<std::uint64_t> c(words);
  for (std::size_t k = 0; k < words; ++k) c[k] = a[k] & b[k];
  spdz2k::BitTriples t;
  t.a = share_bits(a);
  t.b = share_bits(b);
  t.c = share_bits(c);
  return t;
}

spdz2k::AuthShares Spdz2kTestDealer::random_values(std::size_t n) { return share(uniform(n)); }

spdz2k::AuthBits Spdz2kTestDealer::random_bits(std::size_t words) {
  std::vector<std::uint64_t> v(words);
  prg_.fill(std::span<std::uint64_t>(v));
  return share_bits(v);
}

spdz2k::InputMasks Spdz2kTestDealer::input_masks(std::size_t owner, std::size_t n) {
  if (owner >= parties_) {
    throw InvalidArgument("mpc::Spdz2kTestDealer::input_masks: owner " + std::to_string(owner) + " is not below " +
                          std::to_string(parties_));
  }
  auto v = uniform(n);
  spdz2k::InputMasks out;
  out.r = share(v);
  if (owner == party_) out.values = std::move(v);
  return out;
}

spdz2k::InputBitMasks Spdz2kTestDealer::input_bit_masks(std::size_t owner, std::size_t words) {
  if (owner >= parties_) {
    throw InvalidArgument("mpc::Spdz2kTestDealer::input_bit_masks: owner " + std::to_string(owner) +
                          " is not below " + std::to_string(parties_));
  }
  std::vector<std::uint64_t> v(words);
  prg_.fill(std::span<std::uint64_t>(v));
  spdz2k::InputBitMasks out;
  out.r = share_bits(v);
  if (owner == party_) out.values = std::move(v);
  return out;
}

spdz2k::EdaBits Spdz2kTestDealer::edabits(std::size_t n) {
  std::vector<std::uint64_t> bits(n);
  prg_.fill(std::span<std::uint64_t>(bits));
  std::vector<Word> r(bits.begin(), bits.end());
  spdz2k::EdaBits out;
  out.r = share(r);
  out.bits = share_bits(bits);
  return out;
}

spdz2k::DaBits Spdz2kTestDealer::dabits(std::size_t count) {
  std::vector<std::uint64_t> words((count + 63) / 64);
  prg_.fill(std::span<std::uint64_t>(words));
  std::vector<Word> r(count);
  for (std::size_t j = 0; j < count; ++j) r[j] = (words[j / 64] >> (j % 64)) & 1U;
  spdz2k::DaBits out;
  out.r = share(r);
  out.bits = share_bits(words);
  return out;
}

spdz2k::TruncMasks Spdz2kTestDealer::trunc_masks(std::size_t n, unsigned d) {
  detail::check_trunc_shift("mpc::Spdz2kTestDealer::trunc_masks", d);
  auto r = uniform(n);
  std::vector<Word> high(n);
  std::vector<Word> msb(n);
  for (std::size_t k = 0; k < n; ++k) {
    r[k] = low64(r[k]);
    high[k] = r[k] >> d;
    msb[k] = r[k] >> 63;
  }
  spdz2k::TruncMasks out;
  out.r = share(r);
  out.r_high = share(high);
  out.r_msb = share(msb);
  return out;
}

}  // namespace privfin::mpc
