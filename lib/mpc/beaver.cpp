// Beaver: n-party additive sharing with preprocessing (see beaver.hpp).
#include "privfin/mpc/beaver.hpp"

#include <string>
#include <utility>

#include "privfin/core/error.hpp"

namespace privfin::mpc {

namespace {
void check_sizes(const char* where, std::size_t a, std::size_t b) {
  if (a != b) {
    throw InvalidArgument(std::string("mpc::Beaver::") + where + ": sizes " + std::to_string(a) + " and " +
                          std::to_string(b) + " differ");
  }
}
std::size_t checked_parties(const net::Network& net, const Preprocessing& pre, std::size_t parties) {
  const std::size_t n = parties == 0 ? net.party_count() : parties;
  if (n < 2 || n > net.party_count() || net.party_id() >= n) {
    throw InvalidArgument("mpc::Beaver: " + std::to_string(n) + " compute parties in a network of " +
                          std::to_string(net.party_count()) + " as party " + std::to_string(net.party_id()) +
                          " (need 2 or more, including this one)");
  }
  if (pre.party_count() != n || pre.party_id() != net.party_id()) {
    throw InvalidArgument("mpc::Beaver: preprocessing is for party " + std::to_string(pre.party_id()) + " of " +
                          std::to_string(pre.party_count()) + ", network endpoint is party " +
                          std::to_string(net.party_id()) + " of " + std::to_string(n));
  }
  return n;
}
}  // namespace

Beaver::Beaver(net::Network& net, Preprocessing& pre, Prg& seed_source, std::size_t parties)
    : Beaver(net, pre, seed_source, parties, Options{}) {}

Beaver::Beaver(net::Network& net, Preprocessing& pre, Prg& seed_source, std::size_t parties, Options options)
    : net_(net),
      pre_(pre),
      id_(net.party_id()),
      n_(checked_parties(net, pre, parties)),
      options_(options),
      local_(seed_source.next_seed()) {
  if (options_.check_reveals) reveals_.emplace();
  std::vector<Prg::Seed> mine(n_);
  for (std::size_t j = 0; j < n_; ++j) {
    mine[j] = seed_source.next_seed();
    if (j != id_) net_.send(j, ByteView(mine[j].data(), mine[j].size()));
  }
  for (std::size_t j = 0; j < n_; ++j) {
    input_out_.emplace_back(mine[j]);
    Prg::Seed theirs = mine[j];  // own slot: never used
    if (j != id_) net_.receive(j, std::span<std::byte>(theirs));
    input_in_.emplace_back(theirs);
    secure_wipe(std::span<std::byte>(theirs));
    secure_wipe(std::span<std::byte>(mine[j]));
  }
}

void Beaver::check_party(const char* where, std::size_t party) const {
  if (party >= n_) {
    throw InvalidArgument(std::string("mpc::Beaver::") + where + ": party " + std::to_string(party) +
                          " is not below " + std::to_string(n_));
  }
}

std::vector<Ring> Beaver::open(std::span<const Ring> mine) {
  for (std::size_t j = 0; j < n_; ++j) {
    if (j != id_) net_.send_elements<Ring>(j, mine);
  }
  std::vector<Ring> sum(mine.begin(), mine.end());
  std::vector<Ring> theirs(mine.size());
  for (std::size_t j = 0; j < n_; ++j) {
    if (j == id_) continue;
    net_.receive_elements<Ring>(j, std::span<Ring>(theirs));
    for (std::size_t k = 0; k < sum.size(); ++k) sum[k] += theirs[k];
  }
  return sum;
}

std::vector<std::uint64_t> Beaver::open(std::span<const std::uint64_t> mine) {
  const ByteView bytes(reinterpret_cast<const std::byte*>(mine.data()), mine.size_bytes());
  for (std::size_t j = 0; j < n_; ++j) {
    if (j != id_) net_.send(j, bytes);
  }
  std::vector<std::uint64_t> sum(mine.begin(), mine.end());
  std::vector<std::uint64_t> theirs(mine.size());
  for (std::size_t j = 0; j < n_; ++j) {
    if (j == id_) continue;
    net_.receive(j, std::as_writable_bytes(std::span<std::uint64_t>(theirs)));
    for (std::size_t k = 0; k < sum.size(); ++k) sum[k] ^= theirs[k];
  }
  return sum;
}

// --- input and output -----------------------------------------------------

Beaver::Arith Beaver::input(std::size_t owner, std::span<const Ring> values, std::size_t n) {
  check_party("input", owner);
  Arith out(n);
  if (owner == id_) {
    check_sizes("input", values.size(), n);
    std::vector<Ring> other(n);
    out.values.assign(values.begin(), values.end());
    for (std::size_t j = 0; j < n_; ++j) {
      if (j == id_) continue;
      input_out_[j].fill(std::span<Ring>(other));
      for (std::size_t k = 0; k < n; ++k) out.values[k] -= other[k];
    }
  } else {
    input_in_[owner].fill(std::span<Ring>(out.values));
  }
  return out;
}

Beaver::Bool Beaver::input_bits(std::size_t owner, std::span<const std::uint64_t> words, std::size_t n) {
  check_party("input_bits", owner);
  Bool out(n);
  if (owner == id_) {
    check_sizes("input_bits", words.size(), n);
    std::vector<std::uint64_t> other(n);
    out.values.assign(words.begin(), words.end());
    for (std::size_t j = 0; j < n_; ++j) {
      if (j == id_) continue;
      input_out_[j].fill(std::span<std::uint64_t>(other));
      for (std::size_t k = 0; k < n; ++k) out.values[k] ^= other[k];
    }
  } else {
    input_in_[owner].fill(std::span<std::uint64_t>(out.values));
  }
  return out;
}

std::vector<Ring> Beaver::reveal(const Arith& x) {
  std::vector<Ring> out = open(x.values);
  if (reveals_) reveals_->record(detail::RevealDigest::arith, out.size(), std::as_bytes(std::span<const Ring>(out)));
  return out;
}

void Beaver::check_reveals() {
  if (!reveals_) {
    throw InvalidArgument("mpc::Beaver::check_reveals: the protocol was made without Options::check_reveals");
  }
  std::vector<std::size_t> peers;
  for (std::size_t j = 0; j < n_; ++j) {
    if (j != id_) peers.push_back(j);
  }
  reveals_->check(net_, peers, "mpc::Beaver::check_reveals");
}

std::vector<Ring> Beaver::reveal_to(std::size_t party, const Arith& x) {
  check_party("reveal_to", party);
  if (party != id_) {
    net_.send_elements<Ring>(party, x.values);
    net_.flush();
    return {};
  }
  std::vector<Ring> sum = x.values;
  std::vector<Ring> theirs(sum.size());
  for (std::size_t j = 0; j < n_; ++j) {
    if (j == id_) continue;
    net_.receive_elements<Ring>(j, std::span<Ring>(theirs));
    for (std::size_t k = 0; k < sum.size(); ++k) sum[k] += theirs[k];
  }
  return sum;
}

std::vector<std::uint64_t> Beaver::reveal_bits(const Bool& b) {
  std::vector<std::uint64_t> out = open(b.values);
  if (reveals_) {
    reveals_->record(detail::RevealDigest::boolean, out.size(), std::as_bytes(std::span<const std::uint64_t>(out)));
  }
  return out;
}

Beaver::Arith Beaver::constant(std::span<const Ring> values) const {
  Arith out(values.size());
  if (id_ == 0) out.values.assign(values.begin(), values.end());
  return out;
}

// --- local linear operations ------------------------------------------------

Beaver::Arith Beaver::add(const Arith& x, const Arith& y) const {
  check_sizes("add", x.size(), y.size());
  Arith out(x.size());
  for (std::size_t k = 0; k < x.size(); ++k) out.values[k] = x.values[k] + y.values[k];
  return out;
}

Beaver::Arith Beaver::sub(const Arith& x, const Arith& y) const {
  check_sizes("sub", x.size(), y.size());
  Arith out(x.size());
  for (std::size_t k = 0; k < x.size(); ++k) out.values[k] = x.values[k] - y.values[k];
  return out;
}

Beaver::Arith Beaver::neg(const Arith& x) const {
  Arith out(x.size());
  for (std::size_t k = 0; k < x.size(); ++k) out.values[k] = -x.values[k];
  return out;
}

Beaver::Arith Beaver::add_public(const Arith& x, Ring c) const {
  Arith out = x;
  if (id_ == 0) {
    for (auto& v : out.values) v += c;
  }
  return out;
}

Beaver::Arith Beaver::add_public(const Arith& x, std::span<const Ring> c) const {
  check_sizes("add_public", x.size(), c.size());
  Arith out = x;
  if (id_ == 0) {
    for (std::size_t k = 0; k < x.size(); ++k) out.values[k] += c[k];
  }
  return out;
}

Beaver::Arith Beaver::mul_public(const Arith& x, Ring c) const {
  Arith out(x.size());
  for (std::size_t k = 0; k < x.size(); ++k) out.values[k] = x.values[k] * c;
  return out;
}

Beaver::Arith Beaver::mul_public(const Arith& x, std::span<const Ring> c) const {
  check_sizes("mul_public", x.size(), c.size());
  Arith out(x.size());
  for (std::size_t k = 0; k < x.size(); ++k) out.values[k] = x.values[k] * c[k];
  return out;
}

// --- interactive arithmetic -------------------------------------------------

Beaver::Arith Beaver::mul(const Arith& x, const Arith& y) {
  check_sizes("mul", x.size(), y.size());
  const std::size_t n = x.size();
  ArithTriples t = pre_.arith_triples(n);
  // One opening of [x - a | y - b].
  std::vector<Ring> masked(2 * n);
  for (std::size_t k = 0; k < n; ++k) {
    masked[k] = x.values[k] - t.a[k];
    masked[n + k] = y.values[k] - t.b[k];
  }
  const std::vector<Ring> de = open(masked);
  Arith out(std::move(t.c));
  for (std::size_t k = 0; k < n; ++k) {
    const Ring d = de[k];
    const Ring e = de[n + k];
    out.values[k] += d * t.b[k] + e * t.a[k];
    if (id_ == 0) out.values[k] += d * e;
  }
  return out;
}

Beaver::Arith Beaver::dot(const Arith& x, const Arith& y, std::size_t length) {
  check_sizes("dot", x.size(), y.size());
  if (length == 0 || x.size() % length != 0) {
    throw InvalidArgument("mpc::Beaver::dot: length " + std::to_string(length) + " does not divide batch of " +
                          std::to_string(x.size()));
  }
  const Arith prod = mul(x, y);
  Arith out(x.size() / length);
  for (std::size_t b = 0; b < out.size(); ++b) {
    Ring acc{};
    for (std::size_t k = 0; k < length; ++k) acc += prod.values[b * length + k];
    out.values[b] = acc;
  }
  return out;
}

Beaver::Arith Beaver::random_arith(std::size_t n) {
  Arith out(n);
  local_.fill(std::span<Ring>(out.values));
  return out;
}

Beaver::Arith Beaver::trunc(const Arith& x, unsigned d) {
  detail::check_trunc_shift("mpc::Beaver::trunc", d);
  const std::size_t n = x.size();
  TruncMasks m = pre_.trunc_masks(n, d);
  constexpr std::uint64_t bias = std::uint64_t{1} << 62;
  std::vector<Ring> masked(n);
  for (std::size_t k = 0; k < n; ++k) masked[k] = x.values[k] + m.r[k];
  if (id_ == 0) {
    for (auto& v : masked) v += Ring{bias};
  }
  const std::vector<Ring> c = open(masked);
  Arith out(n);
  const Ring wrap{std::uint64_t{1} << (64 - d)};
  for (std::size_t k = 0; k < n; ++k) {
    // 2^(64-d) r_63 (1 - c_63): c_63 is public.
    const Ring not_c63{1U - (c[k].value() >> 63)};
    Ring v = m.r_msb[k] * wrap * not_c63 - m.r_high[k];
    if (id_ == 0) v += Ring{(c[k].value() >> d) - (bias >> d)};
    out.values[k] = v;
  }
  return out;
}

Beaver::Arith Beaver::mul_trunc(const Arith& x, const Arith& y, unsigned d) {
  detail::check_trunc_shift("mpc::Beaver::mul_trunc", d);
  return trunc(mul(x, y), d);
}

// --- boolean ------------------------------------------------------------------

Beaver::Bool Beaver::xor_(const Bool& a, const Bool& b) const {
  check_sizes("xor_", a.size(), b.size());
  Bool out(a.size());
  for (std::size_t k = 0; k < a.size(); ++k) out.values[k] = a.values[k] ^ b.values[k];
  return out;
}

Beaver::Bool Beaver::xor_public(const Bool& a, std::span<const std::uint64_t> words) const {
  check_sizes("xor_public", a.size(), words.size());
  Bool out = a;
  if (id_ == 0) {
    for (std::size_t k = 0; k < a.size(); ++k) out.values[k] ^= words[k];
  }
  return out;
}

Beaver::Bool Beaver::and_(const Bool& a, const Bool& b) {
  check_sizes("and_", a.size(), b.size());
  const std::size_t n = a.size();
  BoolTriples t = pre_.bool_triples(n);
  std::vector<std::uint64_t> masked(2 * n);
  for (std::size_t k = 0; k < n; ++k) {
    masked[k] = a.values[k] ^ t.a[k];
    masked[n + k] = b.values[k] ^ t.b[k];
  }
  const std::vector<std::uint64_t> de = open(masked);
  Bool out(std::move(t.c));
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint64_t d = de[k];
    const std::uint64_t e = de[n + k];
    out.values[k] ^= (d & t.b[k]) ^ (e & t.a[k]);
    if (id_ == 0) out.values[k] ^= d & e;
  }
  return out;
}

Beaver::Bool Beaver::random_bits(std::size_t words) {
  Bool out(words);
  local_.fill(std::span<std::uint64_t>(out.values));
  return out;
}

// --- conversions ----------------------------------------------------------------

std::vector<Beaver::Bool> Beaver::arith_components(const Arith& x) const {
  std::vector<Bool> out(n_, Bool(x.size()));
  for (std::size_t k = 0; k < x.size(); ++k) out[id_].values[k] = x.values[k].value();
  return out;
}

std::vector<Beaver::Arith> Beaver::bit_components(const Bool& b, std::size_t count) const {
  if (count > 64 * b.size()) {
    throw InvalidArgument("mpc::Beaver::bit_components: " + std::to_string(count) + " bits from " +
                          std::to_string(b.size()) + " words");
  }
  std::vector<Arith> out(n_, Arith(count));
  for (std::size_t k = 0; k < count; ++k) out[id_].values[k] = Ring{(b.values[k / 64] >> (k % 64)) & 1U};
  return out;
}

}  // namespace privfin::mpc
