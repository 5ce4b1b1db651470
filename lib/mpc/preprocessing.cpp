// Seed-compressed correlated randomness for mpc::Beaver (see preprocessing.hpp).
#include "privfin/mpc/preprocessing.hpp"

#include <string>
#include <utility>

#include "privfin/core/error.hpp"

namespace privfin::mpc {

namespace {
// Wipes vectors of correlated randomness in the clear before they are freed.
template <class... Vectors>
void wipe_all(Vectors&... vectors) noexcept {
  (secure_wipe(std::as_writable_bytes(std::span(vectors))), ...);
}
}  // namespace

namespace detail {

void check_trunc_shift(const char* where, unsigned d) {
  if (d < 1 || d > 62) throw InvalidArgument(std::string(where) + ": shift " + std::to_string(d) + " is not in [1, 62]");
}

namespace {
void check_parties(const char* where, std::size_t party, std::size_t parties) {
  if (parties < 2) throw InvalidArgument(std::string(where) + ": need at least 2 parties, got " + std::to_string(parties));
  if (party >= parties) {
    throw InvalidArgument(std::string(where) + ": party " + std::to_string(party) + " is not below " +
                          std::to_string(parties));
  }
}
void check_correction(const char* where, bool last, std::size_t got, std::size_t want) {
  if (got != (last ? want : 0)) {
    throw InvalidArgument(std::string(where) + ": correction of " + std::to_string(got) + " values, expected " +
                          std::to_string(last ? want : 0));
  }
}
}  // namespace

SeededShares::SeededShares(const Prg::Seed& seed, std::size_t party, std::size_t parties)
    : prg_(seed), party_(party), parties_(parties) {
  check_parties("mpc::SeededShares", party, parties);
}

ArithTriples SeededShares::arith_triples(std::size_t n, std::span<const Ring> correction) {
  check_correction("mpc::SeededShares::arith_triples", is_last(), correction.size(), n);
  ArithTriples t{std::vector<Ring>(n), std::vector<Ring>(n), {}};
  prg_.fill(std::span<Ring>(t.a));
  prg_.fill(std::span<Ring>(t.b));
  if (is_last()) {
    t.c.assign(correction.begin(), correction.end());
  } else {
    t.c.resize(n);
    prg_.fill(std::span<Ring>(t.c));
  }
  return t;
}

BoolTriples SeededShares::bool_triples(std::size_t words, std::span<const std::uint64_t> correction) {
  check_correction("mpc::SeededShares::bool_triples", is_last(), correction.size(), words);
  BoolTriples t{std::vector<std::uint64_t>(words), std::vector<std::uint64_t>(words), {}};
  prg_.fill(std::span<std::uint64_t>(t.a));
  prg_.fill(std::span<std::uint64_t>(t.b));
  if (is_last()) {
    t.c.assign(correction.begin(), correction.end());
  } else {
    t.c.resize(words);
    prg_.fill(std::span<std::uint64_t>(t.c));
  }
  return t;
}

TruncMasks SeededShares::trunc_masks(std::size_t n, std::span<const Ring> correction) {
  check_correction("mpc::SeededShares::trunc_masks", is_last(), correction.size(), 2 * n);
  TruncMasks m{std::vector<Ring>(n), {}, {}};
  prg_.fill(std::span<Ring>(m.r));
  if (is_last()) {
    m.r_high.assign(correction.begin(), correction.begin() + static_cast<std::ptrdiff_t>(n));
    m.r_msb.assign(correction.begin() + static_cast<std::ptrdiff_t>(n), correction.end());
  } else {
    m.r_high.resize(n);
    m.r_msb.resize(n);
    prg_.fill(std::span<Ring>(m.r_high));
    prg_.fill(std::span<Ring>(m.r_msb));
  }
  return m;
}

CorrelationGenerator::CorrelationGenerator(std::vector<Prg::Seed> seeds) {
  if (seeds.size() < 2) throw InvalidArgument("mpc::CorrelationGenerator: need at least 2 parties");
  prgs_.reserve(seeds.size());
  for (const auto& s : seeds) prgs_.emplace_back(s);
  for (auto& s : seeds) secure_wipe(std::span<std::byte>(s));
}

std::vector<Ring> CorrelationGenerator::arith_correction(std::size_t n) {
  std::vector<Ring> a(n), b(n), c(n), tmp(n);
  for (std::size_t i = 0; i < prgs_.size(); ++i) {
    auto& prg = prgs_[i];
    prg.fill(std::span<Ring>(tmp));
    for (std::size_t k = 0; k < n; ++k) a[k] += tmp[k];
    prg.fill(std::span<Ring>(tmp));
    for (std::size_t k = 0; k < n; ++k) b[k] += tmp[k];
    if (i + 1 < prgs_.size()) {
      prg.fill(std::span<Ring>(tmp));
      for (std::size_t k = 0; k < n; ++k) c[k] += tmp[k];
    }
  }
  for (std::size_t k = 0; k < n; ++k) c[k] = a[k] * b[k] - c[k];
  wipe_all(a, b, tmp);  // the triples in the clear: only the last party's share leaves
  return c;
}

std::vector<std::uint64_t> CorrelationGenerator::bool_correction(std::size_t words) {
  std::vector<std::uint64_t> a(words), b(words), c(words), tmp(words);
  for (std::size_t i = 0; i < prgs_.size(); ++i) {
    auto& prg = prgs_[i];
    prg.fill(std::span<std::uint64_t>(tmp));
    for (std::size_t k = 0; k < words; ++k) a[k] ^= tmp[k];
    prg.fill(std::span<std::uint64_t>(tmp));
    for (std::size_t k = 0; k < words; ++k) b[k] ^= tmp[k];
    if (i + 1 < prgs_.size()) {
      prg.fill(std::span<std::uint64_t>(tmp));
      for (std::size_t k = 0; k < words; ++k) c[k] ^= tmp[k];
    }
  }
  for (std::size_t k = 0; k < words; ++k) c[k] ^= a[k] & b[k];
  wipe_all(a, b, tmp);
  return c;
}

std::vector<Ring> CorrelationGenerator::trunc_correction(std::size_t n, unsigned d) {
  check_trunc_shift("mpc::CorrelationGenerator::trunc_correction", d);
  std::vector<Ring> r(n), out(2 * n), tmp(n);
  for (std::size_t i = 0; i < prgs_.size(); ++i) {
    auto& prg = prgs_[i];
    prg.fill(std::span<Ring>(tmp));
    for (std::size_t k = 0; k < n; ++k) r[k] += tmp[k];
    if (i + 1 < prgs_.size()) {
      prg.fill(std::span<Ring>(tmp));
      for (std::size_t k = 0; k < n; ++k) out[k] += tmp[k];
      prg.fill(std::span<Ring>(tmp));
      for (std::size_t k = 0; k < n; ++k) out[n + k] += tmp[k];
    }
  }
  for (std::size_t k = 0; k < n; ++k) {
    out[k] = (r[k] >> d) - out[k];
    out[n + k] = Ring{r[k].value() >> 63} - out[n + k];
  }
  wipe_all(r, tmp);
  return out;
}

std::vector<Prg::Seed> derive_party_seeds(const Prg::Seed& master, std::size_t parties) {
  Prg prg(master);
  Prg child = prg.derive("privfin beaver party seeds");
  std::vector<Prg::Seed> seeds(parties);
  for (auto& s : seeds) s = child.next_seed();
  return seeds;
}

}  // namespace detail

namespace {
Prg::Seed own_seed(const Prg::Seed& common, std::size_t party, std::size_t parties) {
  if (parties < 2 || party >= parties) {
    throw InvalidArgument("mpc::LocalPreprocessing: party " + std::to_string(party) + " of " +
                          std::to_string(parties) + " (need 2 or more parties)");
  }
  return detail::derive_party_seeds(common, parties)[party];
}
}  // namespace

LocalPreprocessing::LocalPreprocessing(const Prg::Seed& common_seed, std::size_t party, std::size_t parties)
    : shares_(own_seed(common_seed, party, parties), party, parties) {
  if (shares_.is_last()) {
    generator_ = std::make_unique<detail::CorrelationGenerator>(detail::derive_party_seeds(common_seed, parties));
  }
}

ArithTriples LocalPreprocessing::arith_triples(std::size_t n) {
  if (!generator_) return shares_.arith_triples(n, {});
  auto c = generator_->arith_correction(n);
  auto out = shares_.arith_triples(n, c);
  wipe_all(c);
  return out;
}

BoolTriples LocalPreprocessing::bool_triples(std::size_t words) {
  if (!generator_) return shares_.bool_triples(words, {});
  auto c = generator_->bool_correction(words);
  auto out = shares_.bool_triples(words, c);
  wipe_all(c);
  return out;
}

TruncMasks LocalPreprocessing::trunc_masks(std::size_t n, unsigned d) {
  detail::check_trunc_shift("mpc::LocalPreprocessing::trunc_masks", d);
  if (!generator_) return shares_.trunc_masks(n, {});
  auto c = generator_->trunc_correction(n, d);
  auto out = shares_.trunc_masks(n, c);
  wipe_all(c);
  return out;
}

// --- record / replay -----------------------------------------------------

void RecordedPreprocessing::prefetch_arith_triples(std::size_t n) {
  Entry e{CorrelationKind::arith_triples, n, 0, inner_.arith_triples(n), {}, {}};
  tape_.push_back(std::move(e));
}
void RecordedPreprocessing::prefetch_bool_triples(std::size_t words) {
  Entry e{CorrelationKind::bool_triples, words, 0, {}, inner_.bool_triples(words), {}};
  tape_.push_back(std::move(e));
}
void RecordedPreprocessing::prefetch_trunc_masks(std::size_t n, unsigned d) {
  Entry e{CorrelationKind::trunc_masks, n, d, {}, {}, inner_.trunc_masks(n, d)};
  tape_.push_back(std::move(e));
}

RecordedPreprocessing::Entry RecordedPreprocessing::take(CorrelationKind kind, std::size_t size, unsigned shift) {
  Entry e = std::move(tape_.front());
  tape_.pop_front();
  if (e.kind != kind || e.size != size || e.shift != shift) {
    throw InvalidArgument("mpc::RecordedPreprocessing: request (kind " + std::to_string(static_cast<int>(kind)) +
                          ", size " + std::to_string(size) + ") does not match the recorded entry (kind " +
                          std::to_string(static_cast<int>(e.kind)) + ", size " + std::to_string(e.size) + ")");
  }
  return e;
}

ArithTriples RecordedPreprocessing::arith_triples(std::size_t n) {
  if (tape_.empty()) return inner_.arith_triples(n);
  return std::move(take(CorrelationKind::arith_triples, n, 0).arith);
}
BoolTriples RecordedPreprocessing::bool_triples(std::size_t words) {
  if (tape_.empty()) return inner_.bool_triples(words);
  return std::move(take(CorrelationKind::bool_triples, words, 0).boolean);
}
TruncMasks RecordedPreprocessing::trunc_masks(std::size_t n, unsigned d) {
  if (tape_.empty()) return inner_.trunc_masks(n, d);
  return std::move(take(CorrelationKind::trunc_masks, n, d).trunc);
}

ArithTriples RequestLog::arith_triples(std::size_t n) {
  log_.push_back({CorrelationKind::arith_triples, n, 0});
  return inner_.arith_triples(n);
}
BoolTriples RequestLog::bool_triples(std::size_t words) {
  log_.push_back({CorrelationKind::bool_triples, words, 0});
  return inner_.bool_triples(words);
}
TruncMasks RequestLog::trunc_masks(std::size_t n, unsigned d) {
  log_.push_back({CorrelationKind::trunc_masks, n, d});
  return inner_.trunc_masks(n, d);
}
void RequestLog::replay_into(RecordedPreprocessing& tape) const {
  for (const auto& r : log_) {
    switch (r.kind) {
      case CorrelationKind::arith_triples: tape.prefetch_arith_triples(r.size); break;
      case CorrelationKind::bool_triples: tape.prefetch_bool_triples(r.size); break;
      case CorrelationKind::trunc_masks: tape.prefetch_trunc_masks(r.size, r.shift); break;
    }
  }
}

}  // namespace privfin::mpc
