// Beaver: n-party additive sharing with preprocessing (see beaver.hpp).
#include "privfin/mpc/beaver.hpp"

#include <algorithm>
#include <array>
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

// Opens width * n masked values chunk by chunk: fill(lo, len, mine) writes
// this party's terms of elements [lo, lo + len) (width blocks of len),
// every party sends them to every other, and finish(lo, len, opened) gets
// the sums. Chunk c is sent before chunk c - 1 is received and finished, so
// the peers' transfer of one chunk overlaps the computing of the next, and
// the buffers stay in cache (no full-batch masked/opened vectors).
template <class T, class Add, class Fill, class Finish>
void open_pipelined(net::Network& net, std::size_t id, std::size_t parties, std::size_t n, std::size_t width,
                    Add add, Fill&& fill, Finish&& finish) {
  constexpr std::size_t chunk = std::size_t{1} << 15;
  const std::size_t chunks = (n + chunk - 1) / chunk;
  const std::size_t cap = width * std::min(n, chunk);
  std::array<std::vector<T>, 2> mine{std::vector<T>(cap), std::vector<T>(cap)};
  std::vector<T> theirs(cap);
  auto range = [&](std::size_t c) {
    const std::size_t lo = c * chunk;
    return std::pair{lo, std::min(n, lo + chunk) - lo};
  };
  auto done = [&](std::size_t c) {
    const auto [lo, len] = range(c);
    std::span<T> m(mine[c % 2].data(), width * len);
    for (std::size_t j = 0; j < parties; ++j) {
      if (j == id) continue;
      const std::span<T> in(theirs.data(), m.size());
      net.receive(j, std::as_writable_bytes(in));
      for (std::size_t k = 0; k < m.size(); ++k) m[k] = add(m[k], in[k]);
    }
    finish(lo, len, std::span<const T>(m));
  };
  for (std::size_t c = 0; c < chunks; ++c) {
    const auto [lo, len] = range(c);
    std::span<T> m(mine[c % 2].data(), width * len);
    fill(lo, len, m);
    for (std::size_t j = 0; j < parties; ++j) {
      if (j != id) net.send(j, std::as_bytes(std::span<const T>(m)));
    }
    net.flush();
    if (c > 0) done(c - 1);
  }
  if (chunks > 0) done(chunks - 1);
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
  // One opening of [x - a | y - b], chunk by chunk.
  Arith out(std::move(t.c));
  const Ring* xv = x.values.data();
  const Ring* yv = y.values.data();
  const Ring* a = t.a.data();
  const Ring* b = t.b.data();
  Ring* o = out.values.data();
  open_pipelined<Ring>(
      net_, id_, n_, n, 2, [](Ring u, Ring v) { return u + v; },
      [&](std::size_t lo, std::size_t len, std::span<Ring> m) {
        for (std::size_t k = 0; k < len; ++k) {
          m[k] = xv[lo + k] - a[lo + k];
          m[len + k] = yv[lo + k] - b[lo + k];
        }
      },
      [&](std::size_t lo, std::size_t len, std::span<const Ring> de) {
        if (id_ == 0) {
          for (std::size_t k = 0; k < len; ++k) {
            const Ring d = de[k];
            const Ring e = de[len + k];
            o[lo + k] += d * (b[lo + k] + e) + e * a[lo + k];
          }
        } else {
          for (std::size_t k = 0; k < len; ++k) o[lo + k] += de[k] * b[lo + k] + de[len + k] * a[lo + k];
        }
      });
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
  // Party 0 adds the bias (and later removes it) so that the opened value's
  // top bit tells whether r's top bit wrapped.
  const Ring own_bias{id_ == 0 ? bias : 0};
  const std::uint64_t own_shift = id_ == 0 ? ~std::uint64_t{0} : 0;
  Arith out(n);
  const Ring wrap{std::uint64_t{1} << (64 - d)};
  open_pipelined<Ring>(
      net_, id_, n_, n, 1, [](Ring u, Ring v) { return u + v; },
      [&](std::size_t lo, std::size_t len, std::span<Ring> masked) {
        for (std::size_t k = 0; k < len; ++k) masked[k] = x.values[lo + k] + m.r[lo + k] + own_bias;
      },
      [&](std::size_t lo, std::size_t len, std::span<const Ring> c) {
        for (std::size_t k = 0; k < len; ++k) {
          // 2^(64-d) r_63 (1 - c_63): c_63 is public.
          const std::uint64_t cv = c[k].value();
          const Ring not_c63{1U - (cv >> 63)};
          out.values[lo + k] = m.r_msb[lo + k] * wrap * not_c63 - m.r_high[lo + k] +
                               Ring{((cv >> d) - (bias >> d)) & own_shift};
        }
      });
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
  Bool out(std::move(t.c));
  const std::uint64_t* av = a.values.data();
  const std::uint64_t* bv = b.values.data();
  const std::uint64_t* ta = t.a.data();
  const std::uint64_t* tb = t.b.data();
  std::uint64_t* o = out.values.data();
  // The AND of d and e belongs to party 0 only.
  const std::uint64_t own = id_ == 0 ? ~std::uint64_t{0} : 0;
  open_pipelined<std::uint64_t>(
      net_, id_, n_, n, 2, [](std::uint64_t u, std::uint64_t v) { return u ^ v; },
      [&](std::size_t lo, std::size_t len, std::span<std::uint64_t> m) {
        for (std::size_t k = 0; k < len; ++k) {
          m[k] = av[lo + k] ^ ta[lo + k];
          m[len + k] = bv[lo + k] ^ tb[lo + k];
        }
      },
      [&](std::size_t lo, std::size_t len, std::span<const std::uint64_t> de) {
        for (std::size_t k = 0; k < len; ++k) {
          const std::uint64_t d = de[k];
          const std::uint64_t e = de[len + k];
          o[lo + k] ^= (d & (tb[lo + k] ^ (e & own))) ^ (e & ta[lo + k]);
        }
      });
  return out;
}

Beaver::Bool Beaver::and_gathered(std::span<const Bool* const> inputs, std::size_t words,
                                  std::span<const detail::PlaneSpec> left, std::span<const detail::PlaneSpec> right) {
  detail::check_gather("mpc::Beaver::and_gathered", inputs.size(),
                       [&](std::size_t i) { return inputs[i]->size(); }, words, left, right);
  const std::size_t n = words == 0 ? 0 : left.size() * words;
  BoolTriples t = pre_.bool_triples(n);
  Bool out(std::move(t.c));
  const std::uint64_t* ta = t.a.data();
  const std::uint64_t* tb = t.b.data();
  std::uint64_t* o = out.values.data();
  const std::uint64_t own = id_ == 0 ? ~std::uint64_t{0} : 0;
  auto source = [&](const detail::PlaneRef& r) {
    return inputs[static_cast<std::size_t>(r.input)]->values.data() + r.plane * words;
  };
  open_pipelined<std::uint64_t>(
      net_, id_, n_, n, 2, [](std::uint64_t u, std::uint64_t v) { return u ^ v; },
      [&](std::size_t lo, std::size_t len, std::span<std::uint64_t> m) {
        detail::for_plane_runs(lo, len, words, [&](std::size_t j, std::size_t w, std::size_t run, std::size_t k) {
          detail::gather_plane(left[j], w, run, m.data() + k, source);
          detail::gather_plane(right[j], w, run, m.data() + len + k, source);
        });
        for (std::size_t k = 0; k < len; ++k) {
          m[k] ^= ta[lo + k];
          m[len + k] ^= tb[lo + k];
        }
      },
      [&](std::size_t lo, std::size_t len, std::span<const std::uint64_t> de) {
        for (std::size_t k = 0; k < len; ++k) {
          const std::uint64_t d = de[k];
          const std::uint64_t e = de[len + k];
          o[lo + k] ^= (d & (tb[lo + k] ^ (e & own))) ^ (e & ta[lo + k]);
        }
      });
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
