// Gilboa multiplication triples and AND triples from OT extension; see
// include/privfin/mpc/ot_preprocessing.hpp.
#include "privfin/mpc/ot_preprocessing.hpp"

#include <algorithm>
#include <string>

#include "privfin/core/error.hpp"
#include "privfin/net/network.hpp"

namespace privfin::mpc {
namespace {
// Elements per OT batch: 64 OTs each, within ot::max_extension_batch.
constexpr std::size_t elements_per_batch = std::size_t{1} << 16;
}  // namespace

OtPreprocessing::OtPreprocessing(net::Network& net, Prg& prg, std::size_t parties)
    : id_(net.party_id()), parties_(parties == 0 ? net.party_count() : parties), prg_(prg.next_seed()) {
  if (parties_ < 2 || parties_ > net.party_count() || id_ >= parties_) {
    throw InvalidArgument("mpc::OtPreprocessing: party " + std::to_string(id_) + " of " +
                          std::to_string(parties_) + " parties on a network of " +
                          std::to_string(net.party_count()));
  }
  senders_.resize(parties_);
  receivers_.resize(parties_);
  // Pair (lo, hi): first lo sends to hi, then hi sends to lo. Every party
  // meets its peers in increasing order, which cannot deadlock.
  for (std::size_t peer = 0; peer < parties_; ++peer) {
    if (peer == id_) continue;
    if (id_ < peer) {
      senders_[peer] = std::make_unique<ot::ExtensionSender>(net, peer, prg_);
      receivers_[peer] = std::make_unique<ot::ExtensionReceiver>(net, peer, prg_);
    } else {
      receivers_[peer] = std::make_unique<ot::ExtensionReceiver>(net, peer, prg_);
      senders_[peer] = std::make_unique<ot::ExtensionSender>(net, peer, prg_);
    }
  }
}

std::vector<std::uint64_t> OtPreprocessing::cross_terms(std::span<const std::uint64_t> x,
                                                        std::span<const std::uint64_t> y, bool boolean) {
  const std::size_t n = x.size();
  std::vector<std::uint64_t> share(n, 0);
  std::vector<std::uint64_t> correlations;
  std::unique_ptr<bool[]> choices;
  const auto as_sender = [&](ot::ExtensionSender& s, std::size_t first, std::size_t count) {
    correlations.resize(count * 64);
    for (std::size_t e = 0; e < count; ++e) {
      for (unsigned k = 0; k < 64; ++k) {
        correlations[e * 64 + k] = boolean ? ((x[first + e] >> k) & 1U) : (x[first + e] << k);
      }
    }
    const auto m0 = s.correlated_ot(correlations);
    for (std::size_t e = 0; e < count; ++e) {
      std::uint64_t acc = 0;
      for (unsigned k = 0; k < 64; ++k) {
        if (boolean) {
          acc |= (m0[e * 64 + k] & 1U) << k;
        } else {
          acc -= m0[e * 64 + k];
        }
      }
      share[first + e] = boolean ? share[first + e] ^ acc : share[first + e] + acc;
    }
  };
  const auto as_receiver = [&](ot::ExtensionReceiver& r, std::size_t first, std::size_t count) {
    if (!choices) choices = std::make_unique<bool[]>(std::min(n, elements_per_batch) * 64);
    for (std::size_t e = 0; e < count; ++e) {
      for (unsigned k = 0; k < 64; ++k) choices[e * 64 + k] = ((y[first + e] >> k) & 1U) != 0;
    }
    const auto w = r.correlated_ot(std::span<const bool>(choices.get(), count * 64));
    for (std::size_t e = 0; e < count; ++e) {
      std::uint64_t acc = 0;
      for (unsigned k = 0; k < 64; ++k) {
        if (boolean) {
          acc |= (w[e * 64 + k] & 1U) << k;  // low bit of m0 + (x_k & y_k)
        } else {
          acc += w[e * 64 + k];
        }
      }
      share[first + e] = boolean ? share[first + e] ^ acc : share[first + e] + acc;
    }
  };
  for (std::size_t first = 0; first < n; first += elements_per_batch) {
    const std::size_t count = std::min(elements_per_batch, n - first);
    for (std::size_t peer = 0; peer < parties_; ++peer) {
      if (peer == id_) continue;
      if (id_ < peer) {
        as_sender(*senders_[peer], first, count);
        as_receiver(*receivers_[peer], first, count);
      } else {
        as_receiver(*receivers_[peer], first, count);
        as_sender(*senders_[peer], first, count);
      }
    }
  }
  return share;
}

ArithTriples OtPreprocessing::arith_triples(std::size_t n) {
  std::vector<std::uint64_t> a(n), b(n);
  prg_.fill(std::span(a));
  prg_.fill(std::span(b));
  const auto cross = cross_terms(a, b, false);
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
  prg_.fill(std::span(t.b));
  const auto cross = cross_terms(t.a, t.b, true);
  t.c.resize(words);
  for (std::size_t i = 0; i < words; ++i) t.c[i] = (t.a[i] & t.b[i]) ^ cross[i];
  return t;
}

TruncMasks OtPreprocessing::trunc_masks(std::size_t /*n*/, unsigned /*d*/) {
  throw InvalidArgument("mpc::OtPreprocessing: truncation masks are not provided (use a dealer or "
                        "LocalPreprocessing for truncation and fixed-point multiplication)");
}

}  // namespace privfin::mpc
