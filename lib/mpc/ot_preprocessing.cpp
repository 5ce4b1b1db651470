// Gilboa multiplication triples and AND triples from OT extension; see
// include/privfin/mpc/ot_preprocessing.hpp.
#include "privfin/mpc/ot_preprocessing.hpp"

#include <algorithm>
#include <string>

#include "privfin/core/bytes.hpp"
#include "privfin/core/error.hpp"
#include "privfin/net/network.hpp"

namespace privfin::mpc {
namespace {
// Elements per OT batch: 64 OTs each, within ot::max_extension_batch.
constexpr std::size_t elements_per_batch = std::size_t{1} << 16;
// Elements per correlated_ot_exchange: 64 OTs each, one protocol batch of
// the extension (65,536 OTs).
constexpr std::size_t elements_per_chunk = std::size_t{1} << 10;

// Silent OT: the peer whose random choices make a party's own bits (its
// multiplier's, a mask bit's); towards the others it sends flips.
constexpr std::size_t first_peer(std::size_t party) { return party == 0 ? 1 : 0; }
}  // namespace

OtPreprocessing::OtPreprocessing(net::Network& net, Prg& prg, std::size_t parties, OtSource source,
                                 const ot::SilentParameters& silent_main, const ot::SilentParameters& silent_bootstrap)
    : id_(net.party_id()), parties_(parties == 0 ? net.party_count() : parties), prg_(prg.next_seed()) {
  if (parties_ < 2 || parties_ > net.party_count() || id_ >= parties_) {
    throw InvalidArgument("mpc::OtPreprocessing: party " + std::to_string(id_) + " of " +
                          std::to_string(parties_) + " parties on a network of " +
                          std::to_string(net.party_count()));
  }
  auto sessions = ot::open_pairwise(net, parties_, prg_);
  senders_ = std::move(sessions.senders);
  receivers_ = std::move(sessions.receivers);
  if (source == OtSource::silent) {
    // In open_pairwise's order: towards each peer, the lower id's sender first.
    silent_senders_.resize(parties_);
    silent_receivers_.resize(parties_);
    for (std::size_t peer = 0; peer < parties_; ++peer) {
      if (peer == id_) continue;
      auto make_sender = [&] { silent_senders_[peer] = std::make_unique<ot::SilentSender>(*senders_[peer], silent_main, silent_bootstrap);
      };
      auto make_receiver = [&] { silent_receivers_[peer] = std::make_unique<ot::SilentReceiver>(*receivers_[peer], silent_main, silent_bootstrap);
      };
      if (id_ < peer) {
        make_sender();
        make_receiver();
      } else {
        make_receiver();
        make_sender();
      }
    }
    silent_choices_ = std::make_unique<bool[]>(64 * elements_per_chunk);
  }
  scratch_.resize(parties_);
  for (std::size_t peer = 0; peer < parties_; ++peer) {
    if (peer == id_) continue;
    auto& b = scratch_[peer];
    b.correlations.resize(64 * elements_per_chunk);
    b.m0.resize(64 * elements_per_chunk);
    b.chosen.resize(64 * elements_per_chunk);
    b.choices = std::make_unique<bool[]>(64 * elements_per_chunk);
  }
}

OtPreprocessing::~OtPreprocessing() {
  for (auto& b : scratch_) {
    for (auto* v : {&b.correlations, &b.m0, &b.chosen}) secure_wipe(std::as_writable_bytes(std::span(*v)));
    if (b.choices) secure_wipe(std::as_writable_bytes(std::span(b.choices.get(), 64 * elements_per_chunk)));
  }
  if (silent_choices_) secure_wipe(std::as_writable_bytes(std::span(silent_choices_.get(), 64 * elements_per_chunk)));
}

std::vector<std::uint64_t> OtPreprocessing::cross_terms(std::span<const std::uint64_t> x,
                                                        std::span<const std::uint64_t> y, bool boolean) {
  const std::size_t n = x.size();
  std::vector<std::uint64_t> share(n, 0);
  std::vector<ot::CorrelatedExchange> jobs;
  jobs.reserve(parties_ - 1);
  for (std::size_t first = 0; first < n; first += elements_per_chunk) {
    const std::size_t count = std::min(elements_per_chunk, n - first);
    const std::size_t ots = 64 * count;
    jobs.clear();
    for (std::size_t peer = 0; peer < parties_; ++peer) {
      if (peer == id_) continue;
      auto& b = scratch_[peer];
      // We offer x * 2^k (or bit k of x) and choose with bit k of y. For
      // x * 2^k only x mod 2^(64 - k) is sent (CorrelationWidth::gilboa),
      // and the outputs are shifted by k below.
      for (std::size_t e = 0; e < count; ++e) {
        const std::uint64_t xe = x[first + e];
        const std::uint64_t ye = y[first + e];
        for (unsigned k = 0; k < 64; ++k) {
          b.correlations[e * 64 + k] = boolean ? ((xe >> k) & 1U) : xe;
          b.choices[e * 64 + k] = ((ye >> k) & 1U) != 0;
        }
      }
      jobs.push_back({senders_[peer].get(), std::span<const std::uint64_t>(b.correlations).first(ots),
                      std::span(b.m0).first(ots), receivers_[peer].get(),
                      std::span<const bool>(b.choices.get(), ots), std::span(b.chosen).first(ots),
                      boolean ? ot::CorrelationWidth::bits : ot::CorrelationWidth::gilboa});
    }
    ot::correlated_ot_exchange(jobs);
    accumulate_cross_terms(first, count, boolean, share);
  }
  return share;
}

void OtPreprocessing::accumulate_cross_terms(std::size_t first, std::size_t count, bool boolean,
                                             std::span<std::uint64_t> share) const {
  for (std::size_t peer = 0; peer < parties_; ++peer) {
    if (peer == id_) continue;
    const auto& b = scratch_[peer];
    for (std::size_t e = 0; e < count; ++e) {
      std::uint64_t acc = 0;
      if (boolean) {
        // The low bits: m0 on our side, m0 + (x_k & y_k) on the peer's.
        for (unsigned k = 0; k < 64; ++k) acc |= ((b.m0[e * 64 + k] ^ b.chosen[e * 64 + k]) & 1U) << k;
        share[first + e] ^= acc;
      } else {
        for (unsigned k = 0; k < 64; ++k) acc += (b.chosen[e * 64 + k] - b.m0[e * 64 + k]) << k;
        share[first + e] += acc;
      }
    }
  }
}

std::vector<std::uint64_t> OtPreprocessing::silent_cross_terms(std::span<const std::uint64_t> x,
                                                               std::span<std::uint64_t> y, bool boolean) {
  const std::size_t n = x.size();
  std::vector<std::uint64_t> share(n, 0);
  std::vector<ot::SilentExchange> jobs;
  jobs.reserve(parties_ - 1);
  // The receiver from this party's first peer writes the random choices
  // (y's bits), the receivers from later peers choose with them.
  for (std::size_t first = 0; first < n; first += elements_per_chunk) {
    const std::size_t count = std::min(elements_per_chunk, n - first);
    const std::size_t ots = 64 * count;
    const std::span<bool> choices(silent_choices_.get(), ots);
    jobs.clear();
    for (std::size_t peer = 0; peer < parties_; ++peer) {  // in increasing order: the first peer first
      if (peer == id_) continue;
      auto& b = scratch_[peer];
      for (std::size_t e = 0; e < count; ++e) {
        const std::uint64_t xe = x[first + e];
        for (unsigned k = 0; k < 64; ++k) b.correlations[e * 64 + k] = boolean ? ((xe >> k) & 1U) : xe;
      }
      ot::SilentExchange job;
      job.sender = silent_senders_[peer].get();
      job.correlations = std::span<const std::uint64_t>(b.correlations).first(ots);
      job.m0 = std::span(b.m0).first(ots);
      job.receiver = silent_receivers_[peer].get();
      job.choices = choices;
      job.chosen = std::span(b.chosen).first(ots);
      job.choose = peer != first_peer(id_);
      job.width = boolean ? ot::CorrelationWidth::bits : ot::CorrelationWidth::gilboa;
      jobs.push_back(job);
    }
    ot::silent_correlated_exchange(jobs);
    for (std::size_t e = 0; e < count; ++e) {
      std::uint64_t ye = 0;
      for (unsigned k = 0; k < 64; ++k) ye |= static_cast<std::uint64_t>(choices[e * 64 + k]) << k;
      y[first + e] = ye;
    }
    accumulate_cross_terms(first, count, boolean, share);
  }
  return share;
}

ArithTriples OtPreprocessing::arith_triples(std::size_t n) {
  std::vector<std::uint64_t> a(n), b(n);
  prg_.fill(std::span(a));
  std::vector<std::uint64_t> cross;
  if (silent_senders_.empty()) {
    prg_.fill(std::span(b));
    cross = cross_terms(a, b, false);
  } else {
    cross = silent_cross_terms(a, b, false);
  }
  ArithTriples t;
  t.a.reserve(n);
  t.b.reserve(n);
  t.c.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    t.a.emplace_back(a[i]);
    t.b.emplace_back(b[i]);
    t.c.emplace_back(a[i] * b[i] + cross[i]);
  }
  return t;
}

BoolTriples OtPreprocessing::bool_triples(std::size_t words) {
  BoolTriples t;
  t.a.resize(words);
  t.b.resize(words);
  prg_.fill(std::span(t.a));
  std::vector<std::uint64_t> cross;
  if (silent_senders_.empty()) {
    prg_.fill(std::span(t.b));
    cross = cross_terms(t.a, t.b, true);
  } else {
    cross = silent_cross_terms(t.a, t.b, true);
  }
  t.c.resize(words);
  for (std::size_t i = 0; i < words; ++i) t.c[i] = (t.a[i] & t.b[i]) ^ cross[i];
  return t;
}

std::vector<std::uint64_t> OtPreprocessing::random_bits(std::size_t count) {
  // Party i draws a private bit y_i; the shared bit is y_0 ^ ... ^ y_{n-1},
  // built up as [x] <- [x] + y_j - 2 y_j [x] for j = 1..n-1. The product
  // y_j [x] is y_j x_j (local) plus, for every i != j, one correlated OT
  // in which party i offers x_i and party j chooses with y_j.
  std::vector<std::uint64_t> x(count, 0);
  std::vector<std::uint64_t> mine(count);
  prg_.fill(std::span(mine));
  for (auto& v : mine) v &= 1U;
  if (id_ == 0) x = mine;
  const auto choices = std::make_unique<bool[]>(count);
  for (std::size_t k = 0; k < count; ++k) choices[k] = mine[k] != 0;
  if (!silent_senders_.empty()) {
    silent_random_bits(x, mine, std::span(choices.get(), count));
    return x;
  }
  for (std::size_t j = 1; j < parties_; ++j) {
    std::vector<std::uint64_t> product(count, 0);  // this party's share of y_j * x
    if (id_ == j) {
      for (std::size_t k = 0; k < count; ++k) product[k] = mine[k] * x[k];
      for (std::size_t i = 0; i < parties_; ++i) {
        if (i == j) continue;
        const auto w = receivers_[i]->correlated_ot(std::span<const bool>(choices.get(), count));
        for (std::size_t k = 0; k < count; ++k) product[k] += w[k];
      }
      for (std::size_t k = 0; k < count; ++k) x[k] = x[k] + mine[k] - 2 * product[k];
    } else {
      const auto m0 = senders_[j]->correlated_ot(x);
      for (std::size_t k = 0; k < count; ++k) x[k] = x[k] + 2 * m0[k];  // product share is -m0
    }
  }
  return x;
}

void OtPreprocessing::silent_random_bits(std::span<std::uint64_t> x, std::span<std::uint64_t> mine,
                                         std::span<bool> choices) {
  // As random_bits, but party j's private bits are its random choices
  // from its first peer (and flips towards the others), so they are not
  // drawn: the correlations are x_i (64 bits), the outputs y_j x_i shares.
  const std::size_t count = x.size();
  std::vector<std::vector<std::uint64_t>> out(parties_);
  std::vector<ot::SilentExchange> jobs;
  for (std::size_t j = 1; j < parties_; ++j) {
    jobs.clear();
    if (id_ == j) {
      for (std::size_t i = 0; i < parties_; ++i) {  // in increasing order: the first peer first
        if (i == j) continue;
        out[i].assign(count, 0);
        ot::SilentExchange job;
        job.receiver = silent_receivers_[i].get();
        job.choices = choices;
        job.chosen = out[i];
        job.choose = i != first_peer(j);
        jobs.push_back(job);
      }
      ot::silent_correlated_exchange(jobs);
      for (std::size_t k = 0; k < count; ++k) {
        mine[k] = choices[k] ? 1U : 0U;
        std::uint64_t product = mine[k] * x[k];  // this party's share of y_j * x
        for (std::size_t i = 0; i < parties_; ++i) {
          if (i != j) product += out[i][k];
        }
        x[k] = x[k] + mine[k] - 2 * product;
      }
    } else {
      out[j].assign(count, 0);
      ot::SilentExchange job;
      job.sender = silent_senders_[j].get();
      job.correlations = x;
      job.m0 = out[j];
      jobs.push_back(job);
      ot::silent_correlated_exchange(jobs);
      for (std::size_t k = 0; k < count; ++k) x[k] = x[k] + 2 * out[j][k];  // product share is -m0
    }
  }
  for (auto& v : out) secure_wipe(std::as_writable_bytes(std::span(v)));
}

TruncMasks OtPreprocessing::trunc_masks(std::size_t n, unsigned d) {
  detail::check_trunc_shift("mpc::OtPreprocessing::trunc_masks", d);
  TruncMasks m;
  m.r.reserve(n);
  m.r_high.reserve(n);
  m.r_msb.reserve(n);
  // r = sum_k 2^k r_k from 64 shared random bits: r, r >> d and r >> 63 are
  // then linear in the bits' shares.
  for (std::size_t first = 0; first < n; first += elements_per_batch) {
    const std::size_t count = std::min(elements_per_batch, n - first);
    const auto bits = random_bits(count * 64);
    for (std::size_t e = 0; e < count; ++e) {
      std::uint64_t r = 0, high = 0;
      for (unsigned k = 0; k < 64; ++k) {
        const std::uint64_t b = bits[e * 64 + k];
        r += b << k;
        if (k >= d) high += b << (k - d);
      }
      m.r.emplace_back(r);
      m.r_high.emplace_back(high);
      m.r_msb.emplace_back(bits[e * 64 + 63]);
    }
  }
  return m;
}

}  // namespace privfin::mpc
