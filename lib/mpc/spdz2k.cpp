// Spdz2k: MAC-authenticated n-party computation over Z_2^64 (see spdz2k.hpp).
#include "privfin/mpc/spdz2k.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <utility>

#include "privfin/core/error.hpp"
#include "privfin/mpc/preprocessing.hpp"
#include "privfin/ot/block.hpp"
#include "privfin/ot/extension.hpp"

namespace privfin::mpc {

using spdz2k::Word;

namespace {
constexpr std::size_t slices = spdz2k::mac_slices;

void check_sizes(const char* where, std::size_t a, std::size_t b) {
  if (a != b) {
    throw InvalidArgument(std::string("mpc::Spdz2k::") + where + ": sizes " + std::to_string(a) + " and " +
                          std::to_string(b) + " differ");
  }
}

Word lift(Ring v) { return Word{v.value()}; }
Ring low(Word v) { return Ring{static_cast<std::uint64_t>(v)}; }

ByteView bytes_of(std::span<const Word> v) { return ByteView(reinterpret_cast<const std::byte*>(v.data()), v.size_bytes()); }

using Digest = Sha256::Digest;

// Commitment to `payload` by party `party` in check `check` (with a nonce
// when the payload has little entropy).
Digest commit(std::string_view what, std::size_t party, std::size_t check, ByteView payload) {
  Sha256 h;
  h.update(as_bytes(what));
  std::array<std::byte, 16> ids{};
  for (std::size_t b = 0; b < 8; ++b) {
    ids[b] = static_cast<std::byte>((party >> (8 * b)) & 0xFF);
    ids[8 + b] = static_cast<std::byte>((check >> (8 * b)) & 0xFF);
  }
  h.update(ids);
  h.update(payload);
  return h.finish();
}

void put_word(std::byte* out, Word v) {
  for (std::size_t b = 0; b < 16; ++b) out[b] = static_cast<std::byte>(static_cast<std::uint8_t>(v >> (8 * b)));
}
Word get_word(const std::byte* in) {
  Word v = 0;
  for (std::size_t b = 0; b < 16; ++b) v |= Word{std::to_integer<std::uint8_t>(in[b])} << (8 * b);
  return v;
}
}  // namespace

Spdz2k::Spdz2k(net::Network& net, Spdz2kPreprocessing& pre, Prg& seed_source)
    : Spdz2k(net, pre, seed_source, Options{}) {}

Spdz2k::Spdz2k(net::Network& net, Spdz2kPreprocessing& pre, Prg& seed_source, Options options)
    : net_(net),
      pre_(pre),
      id_(net.party_id()),
      n_(net.party_count()),
      alpha_(pre.mac_key_share()),
      delta_(pre.bit_key_share()),
      local_(seed_source.next_seed()),
      options_(options) {
  if (options_.auto_check_elements == 0 || options_.auto_check_words == 0) {
    throw InvalidArgument("mpc::Spdz2k: automatic check thresholds must be at least 1");
  }
  if (n_ < 2) throw InvalidArgument("mpc::Spdz2k: needs 2 or more parties, the network has " + std::to_string(n_));
  if (pre.party_count() != n_ || pre.party_id() != id_) {
    throw InvalidArgument("mpc::Spdz2k: preprocessing is for party " + std::to_string(pre.party_id()) + " of " +
                          std::to_string(pre.party_count()) + ", network endpoint is party " + std::to_string(id_) +
                          " of " + std::to_string(n_));
  }
}

void Spdz2k::usable() const {
  if (aborted_) throw ProtocolError(id_, "mpc::Spdz2k: the protocol has aborted and refuses further use");
}

void Spdz2k::check_party(const char* where, std::size_t party) const {
  if (party >= n_) {
    throw InvalidArgument(std::string("mpc::Spdz2k::") + where + ": party " + std::to_string(party) +
                          " is not below " + std::to_string(n_));
  }
}

void Spdz2k::fail(std::size_t party, const std::string& what) {
  aborted_ = true;
  throw ProtocolError(party, what);
}

void Spdz2k::note_step(const char* step) {
  ++op_;
  if (!steps_.empty()) steps_ += ", ";
  steps_ += std::to_string(op_) + ":" + step;
}

void Spdz2k::add_constant(Word& x, Word& m, Word c) const {
  if (id_ == 0) x += c;
  m += alpha_ * c;
}

std::vector<Word> Spdz2k::open(std::span<const Word> shares, std::span<const Word> macs, const char* step) {
  usable();
  note_step(step);
  const ByteView mine = bytes_of(shares);
  for (std::size_t j = 0; j < n_; ++j) {
    if (j != id_) net_.send(j, mine);
  }
  net_.flush();
  std::vector<Word> sum(shares.begin(), shares.end());
  std::vector<Word> theirs(shares.size());
  for (std::size_t j = 0; j < n_; ++j) {
    if (j == id_) continue;
    net_.receive(j, std::as_writable_bytes(std::span<Word>(theirs)));
    for (std::size_t k = 0; k < sum.size(); ++k) sum[k] += theirs[k];
  }
  view_.update(as_bytes(std::string_view(step)));
  view_.update(bytes_of(sum));
  pend_y_.insert(pend_y_.end(), sum.begin(), sum.end());
  pend_m_.insert(pend_m_.end(), macs.begin(), macs.end());
  if (pend_y_.size() >= options_.auto_check_elements) check_impl("automatic, pending arithmetic openings");
  return sum;
}

std::vector<std::uint64_t> Spdz2k::open_bits(const Bool& b, const char* step) {
  usable();
  note_step(step);
  const ByteView mine(reinterpret_cast<const std::byte*>(b.x.data()), b.x.size() * 8);
  for (std::size_t j = 0; j < n_; ++j) {
    if (j != id_) net_.send(j, mine);
  }
  net_.flush();
  std::vector<std::uint64_t> sum = b.x;
  std::vector<std::uint64_t> theirs(sum.size());
  for (std::size_t j = 0; j < n_; ++j) {
    if (j == id_) continue;
    net_.receive(j, std::as_writable_bytes(std::span<std::uint64_t>(theirs)));
    for (std::size_t k = 0; k < sum.size(); ++k) sum[k] ^= theirs[k];
  }
  view_.update(as_bytes(std::string_view(step)));
  view_.update(ByteView(reinterpret_cast<const std::byte*>(sum.data()), sum.size() * 8));
  const std::size_t w = b.size();
  pend_w_.insert(pend_w_.end(), sum.begin(), sum.end());
  const std::size_t at = pend_wm_.size();
  pend_wm_.resize(at + slices * w);
  std::uint64_t* out = pend_wm_.data() + at;
  for (std::size_t t = 0; t < slices; ++t) {
    const std::uint64_t* in = b.m.data() + t * w;
    for (std::size_t k = 0; k < w; ++k) out[k * slices + t] = in[k];
  }
  if (pend_w_.size() >= options_.auto_check_words) check_impl("automatic, pending binary openings");
  return sum;
}

// --- the MAC check ---------------------------------------------------------------

void Spdz2k::check() { check_impl("check"); }

std::vector<Word> Spdz2k::open_values(const Arith& x, const char* step) { return open(x.x, x.m, step); }

Prg::Seed Spdz2k::coin(const char* step) {
  usable();
  const std::size_t number = ++coins_;
  return coin_impl(number, "mpc::Spdz2k: coin " + std::to_string(number) + " (" + step + "): ");
}

Prg::Seed Spdz2k::coin_impl(std::size_t number, const std::string& where) {
  const std::string label = where.starts_with("mpc::Spdz2k: coin") ? "privfin spdz2k coin" : "privfin spdz2k seed";
  const Prg::Seed my_seed = local_.next_seed();
  const Digest my_commit = commit(label, id_, number, my_seed);
  for (std::size_t j = 0; j < n_; ++j) {
    if (j != id_) net_.send(j, ByteView(my_commit));
  }
  net_.flush();
  std::vector<Digest> commits(n_);
  for (std::size_t j = 0; j < n_; ++j) {
    if (j != id_) net_.receive(j, std::span<std::byte>(commits[j]));
  }
  for (std::size_t j = 0; j < n_; ++j) {
    if (j != id_) net_.send(j, ByteView(my_seed));
  }
  net_.flush();
  // Receive every share before judging any, so that an abort here never
  // leaves an honest peer blocked on a send to us.
  std::vector<Prg::Seed> shares(n_);
  for (std::size_t j = 0; j < n_; ++j) {
    if (j != id_) net_.receive(j, std::span<std::byte>(shares[j]));
  }
  Prg::Seed seed = my_seed;
  for (std::size_t j = 0; j < n_; ++j) {
    if (j == id_) continue;
    if (commit(label, j, number, shares[j]) != commits[j]) {
      fail(j, where + "commitment: the coefficient seed share does not match its commitment");
    }
    for (std::size_t b = 0; b < seed.size(); ++b) seed[b] ^= shares[j][b];
  }
  return seed;
}

void Spdz2k::check_impl(const char* step) {
  usable();
  if (pend_y_.empty() && pend_w_.empty()) return;
  if (audit_) {
    try {
      audit_();
    } catch (...) {
      aborted_ = true;
      throw;
    }
  }
  const std::size_t number = ++checks_;
  const std::string where = "mpc::Spdz2k: check " + std::to_string(number) + " (" + step + ", covering operations " +
                            steps_ + "): ";
  // Rounds 1 and 2: coefficients from committed, then opened seed shares.
  Prg coeffs(coin_impl(number, where));

  // sigma_i over the arithmetic openings.
  std::vector<std::uint64_t> chi(pend_y_.size());
  coeffs.fill(std::span<std::uint64_t>(chi));
  Word mac_sum = 0;
  Word val_sum = 0;
  for (std::size_t k = 0; k < chi.size(); ++k) {
    mac_sum += Word{chi[k]} * pend_m_[k];
    val_sum += Word{chi[k]} * pend_y_[k];
  }
  const Word sigma = mac_sum - alpha_ * val_sum;

  // h_i over the binary openings: z = MAC share ^ Delta_i * word, slice by
  // slice, two slices to a block, each block with its own coefficient.
  const std::size_t words = pend_w_.size();
  std::vector<ot::Block> z(words * slices / 2);
  for (std::size_t k = 0; k < words; ++k) {
    const std::uint64_t* m = pend_wm_.data() + k * slices;
    for (std::size_t u = 0; u < slices / 2; ++u) {
      const std::uint64_t lo_mask = 0 - ((delta_ >> (2 * u)) & 1U);
      const std::uint64_t hi_mask = 0 - ((delta_ >> (2 * u + 1)) & 1U);
      z[k * (slices / 2) + u] = {m[2 * u] ^ (pend_w_[k] & lo_mask), m[2 * u + 1] ^ (pend_w_[k] & hi_mask)};
    }
  }
  std::vector<ot::Block> chi2(z.size());
  coeffs.fill(std::span<ot::Block>(chi2));
  const std::array<ot::Block, 2> h = ot::detail::clmul_sum(z, chi2);

  // Rounds 3 and 4: commit to (sigma, h, view), then open.
  constexpr std::size_t payload_size = 16 + 32 + 32;
  std::array<std::byte, 32 + payload_size> opening{};
  local_.fill(std::span<std::byte>(opening.data(), 32));
  put_word(opening.data() + 32, sigma);
  const auto h0 = h[0].to_bytes();
  const auto h1 = h[1].to_bytes();
  std::memcpy(opening.data() + 48, h0.data(), 16);
  std::memcpy(opening.data() + 64, h1.data(), 16);
  const Digest view = view_.finish();
  view_ = Sha256();
  std::memcpy(opening.data() + 80, view.data(), 32);
  const Digest my_commit2 = commit("privfin spdz2k sigma", id_, number, opening);
  for (std::size_t j = 0; j < n_; ++j) {
    if (j != id_) net_.send(j, ByteView(my_commit2));
  }
  net_.flush();
  std::vector<Digest> commits(n_);
  for (std::size_t j = 0; j < n_; ++j) {
    if (j != id_) net_.receive(j, std::span<std::byte>(commits[j]));
  }
  for (std::size_t j = 0; j < n_; ++j) {
    if (j != id_) net_.send(j, ByteView(opening));
  }
  net_.flush();
  std::vector<std::array<std::byte, 32 + payload_size>> theirs(n_);
  for (std::size_t j = 0; j < n_; ++j) {
    if (j != id_) net_.receive(j, std::span<std::byte>(theirs[j]));
  }
  pend_y_.clear();
  pend_m_.clear();
  pend_w_.clear();
  pend_wm_.clear();
  steps_.clear();
  for (std::size_t j = 0; j < n_; ++j) {
    if (j != id_ && commit("privfin spdz2k sigma", j, number, theirs[j]) != commits[j]) {
      fail(j, where + "commitment: the opened MAC check values do not match their commitment");
    }
  }
  // Every failed part goes into one message; the first peer whose view
  // differs is named, else this party (a MAC failure blames nobody).
  std::string problems;
  std::size_t blamed = id_;
  for (std::size_t j = 0; j < n_; ++j) {
    if (j != id_ && std::memcmp(theirs[j].data() + 80, view.data(), 32) != 0) {
      if (blamed == id_) blamed = j;
      problems += "view: party " + std::to_string(j) +
                  "'s hash of the opened and broadcast values differs from ours (it, or a party that sent it other "
                  "values than it sent us, deviated); ";
    }
  }
  Word total = sigma;
  std::array<std::byte, 32> hsum{};
  std::memcpy(hsum.data(), opening.data() + 48, 32);
  for (std::size_t j = 0; j < n_; ++j) {
    if (j == id_) continue;
    total += get_word(theirs[j].data() + 32);
    for (std::size_t b = 0; b < 32; ++b) hsum[b] ^= theirs[j][48 + b];
  }
  if (total != 0) {
    problems += "MAC: the arithmetic MAC check failed (some party changed an opened share or a MAC; the check "
                "cannot say who); ";
  }
  if (std::any_of(hsum.begin(), hsum.end(), [](std::byte b) { return b != std::byte{0}; })) {
    problems += "MAC: the binary MAC check failed (some party changed an opened share or a MAC; the check cannot "
                "say who); ";
  }
  if (!problems.empty()) {
    problems.resize(problems.size() - 2);
    fail(blamed, where + problems);
  }
}

// --- input and output -------------------------------------------------------------

Spdz2k::Arith Spdz2k::input(std::size_t owner, std::span<const Ring> values, std::size_t n) {
  usable();
  check_party("input", owner);
  if (owner == id_) check_sizes("input", values.size(), n);
  spdz2k::InputMasks mask = pre_.input_masks(owner, n);
  note_step("input");
  std::vector<Word> d(n);
  if (owner == id_) {
    for (std::size_t k = 0; k < n; ++k) d[k] = lift(values[k]) - mask.values[k];
    for (std::size_t j = 0; j < n_; ++j) {
      if (j != id_) net_.send(j, bytes_of(d));
    }
    net_.flush();
  } else {
    net_.receive(owner, std::as_writable_bytes(std::span<Word>(d)));
  }
  view_.update(as_bytes(std::string_view("input")));
  view_.update(bytes_of(d));
  Arith out = std::move(mask.r);
  for (std::size_t k = 0; k < n; ++k) add_constant(out.x[k], out.m[k], d[k]);
  return out;
}

Spdz2k::Bool Spdz2k::input_bits(std::size_t owner, std::span<const std::uint64_t> words, std::size_t n) {
  usable();
  check_party("input_bits", owner);
  if (owner == id_) check_sizes("input_bits", words.size(), n);
  spdz2k::InputBitMasks mask = pre_.input_bit_masks(owner, n);
  note_step("input_bits");
  std::vector<std::uint64_t> d(n);
  if (owner == id_) {
    for (std::size_t k = 0; k < n; ++k) d[k] = words[k] ^ mask.values[k];
    for (std::size_t j = 0; j < n_; ++j) {
      if (j != id_) net_.send(j, ByteView(reinterpret_cast<const std::byte*>(d.data()), 8 * n));
    }
    net_.flush();
  } else {
    net_.receive(owner, std::as_writable_bytes(std::span<std::uint64_t>(d)));
  }
  view_.update(as_bytes(std::string_view("input_bits")));
  view_.update(ByteView(reinterpret_cast<const std::byte*>(d.data()), 8 * n));
  return xor_public(mask.r, d);
}

std::vector<Ring> Spdz2k::reveal(const Arith& x) {
  usable();
  check_impl("before reveal");
  const std::size_t n = x.size();
  // x + 2^64 r: r hides the upper bits of x.
  spdz2k::AuthShares r = pre_.random_values(n);
  std::vector<Word> xs(n);
  std::vector<Word> ms(n);
  for (std::size_t k = 0; k < n; ++k) {
    xs[k] = x.x[k] + (r.x[k] << 64);
    ms[k] = x.m[k] + (r.m[k] << 64);
  }
  const std::vector<Word> y = open(xs, ms, "reveal");
  check_impl("reveal");
  std::vector<Ring> out(n);
  for (std::size_t k = 0; k < n; ++k) out[k] = low(y[k]);
  return out;
}

std::vector<Ring> Spdz2k::reveal_to(std::size_t party, const Arith& x) {
  usable();
  check_party("reveal_to", party);
  check_impl("before reveal_to");
  const std::size_t n = x.size();
  spdz2k::InputMasks r = pre_.input_masks(party, n);
  const Arith masked = sub(x, r.r);
  const std::vector<Word> y = open(masked.x, masked.m, "reveal_to");
  check_impl("reveal_to");
  if (party != id_) return {};
  std::vector<Ring> out(n);
  for (std::size_t k = 0; k < n; ++k) out[k] = low(y[k] + r.values[k]);
  return out;
}

std::vector<std::uint64_t> Spdz2k::reveal_bits(const Bool& b) {
  usable();
  check_impl("before reveal_bits");
  std::vector<std::uint64_t> out = open_bits(b, "reveal_bits");
  check_impl("reveal_bits");
  return out;
}

Spdz2k::Arith Spdz2k::constant(std::span<const Ring> values) const {
  Arith out(values.size());
  for (std::size_t k = 0; k < values.size(); ++k) add_constant(out.x[k], out.m[k], lift(values[k]));
  return out;
}

Spdz2k::Bool Spdz2k::constant_bits(std::span<const std::uint64_t> words) const {
  return xor_public(Bool(words.size()), words);
}

// --- local linear operations ------------------------------------------------------

Spdz2k::Arith Spdz2k::add(const Arith& x, const Arith& y) const {
  check_sizes("add", x.size(), y.size());
  Arith out(x.size());
  for (std::size_t k = 0; k < x.size(); ++k) {
    out.x[k] = x.x[k] + y.x[k];
    out.m[k] = x.m[k] + y.m[k];
  }
  return out;
}

Spdz2k::Arith Spdz2k::sub(const Arith& x, const Arith& y) const {
  check_sizes("sub", x.size(), y.size());
  Arith out(x.size());
  for (std::size_t k = 0; k < x.size(); ++k) {
    out.x[k] = x.x[k] - y.x[k];
    out.m[k] = x.m[k] - y.m[k];
  }
  return out;
}

Spdz2k::Arith Spdz2k::neg(const Arith& x) const {
  Arith out(x.size());
  for (std::size_t k = 0; k < x.size(); ++k) {
    out.x[k] = -x.x[k];
    out.m[k] = -x.m[k];
  }
  return out;
}

Spdz2k::Arith Spdz2k::add_public(const Arith& x, Ring c) const {
  Arith out = x;
  for (std::size_t k = 0; k < x.size(); ++k) add_constant(out.x[k], out.m[k], lift(c));
  return out;
}

Spdz2k::Arith Spdz2k::add_public(const Arith& x, std::span<const Ring> c) const {
  check_sizes("add_public", x.size(), c.size());
  Arith out = x;
  for (std::size_t k = 0; k < x.size(); ++k) add_constant(out.x[k], out.m[k], lift(c[k]));
  return out;
}

Spdz2k::Arith Spdz2k::mul_public(const Arith& x, Ring c) const {
  Arith out(x.size());
  const Word w = lift(c);
  for (std::size_t k = 0; k < x.size(); ++k) {
    out.x[k] = x.x[k] * w;
    out.m[k] = x.m[k] * w;
  }
  return out;
}

Spdz2k::Arith Spdz2k::mul_public(const Arith& x, std::span<const Ring> c) const {
  check_sizes("mul_public", x.size(), c.size());
  Arith out(x.size());
  for (std::size_t k = 0; k < x.size(); ++k) {
    out.x[k] = x.x[k] * lift(c[k]);
    out.m[k] = x.m[k] * lift(c[k]);
  }
  return out;
}

// --- interactive arithmetic ---------------------------------------------------------

Spdz2k::Arith Spdz2k::mul(const Arith& x, const Arith& y) {
  usable();
  check_sizes("mul", x.size(), y.size());
  const std::size_t n = x.size();
  spdz2k::Triples t = pre_.triples(n);
  std::vector<Word> xs(2 * n);
  std::vector<Word> ms(2 * n);
  for (std::size_t k = 0; k < n; ++k) {
    xs[k] = x.x[k] - t.a.x[k];
    ms[k] = x.m[k] - t.a.m[k];
    xs[n + k] = y.x[k] - t.b.x[k];
    ms[n + k] = y.m[k] - t.b.m[k];
  }
  const std::vector<Word> de = open(xs, ms, "mul");
  Arith out = std::move(t.c);
  for (std::size_t k = 0; k < n; ++k) {
    const Word d = de[k];
    const Word e = de[n + k];
    out.x[k] += d * t.b.x[k] + e * t.a.x[k];
    out.m[k] += d * t.b.m[k] + e * t.a.m[k];
    add_constant(out.x[k], out.m[k], d * e);
  }
  return out;
}

Spdz2k::Arith Spdz2k::dot(const Arith& x, const Arith& y, std::size_t length) {
  check_sizes("dot", x.size(), y.size());
  if (length == 0 || x.size() % length != 0) {
    throw InvalidArgument("mpc::Spdz2k::dot: length " + std::to_string(length) + " does not divide batch of " +
                          std::to_string(x.size()));
  }
  const Arith prod = mul(x, y);
  Arith out(x.size() / length);
  for (std::size_t b = 0; b < out.size(); ++b) {
    for (std::size_t k = 0; k < length; ++k) {
      out.x[b] += prod.x[b * length + k];
      out.m[b] += prod.m[b * length + k];
    }
  }
  return out;
}

Spdz2k::Arith Spdz2k::random_arith(std::size_t n) {
  usable();
  return pre_.random_values(n);
}

Spdz2k::Arith Spdz2k::trunc(const Arith& x, unsigned d) {
  usable();
  detail::check_trunc_shift("mpc::Spdz2k::trunc", d);
  const std::size_t n = x.size();
  spdz2k::TruncMasks mask = pre_.trunc_masks(n, d);
  spdz2k::AuthShares hide = pre_.random_values(n);
  constexpr std::uint64_t bias = std::uint64_t{1} << 62;
  // c = x + 2^62 + r (+ 2^64 r' to hide the upper bits of x).
  Arith masked = add(x, mask.r);
  for (std::size_t k = 0; k < n; ++k) {
    add_constant(masked.x[k], masked.m[k], Word{bias});
    masked.x[k] += hide.x[k] << 64;
    masked.m[k] += hide.m[k] << 64;
  }
  const std::vector<Word> c = open(masked.x, masked.m, "trunc");
  Arith out(n);
  for (std::size_t k = 0; k < n; ++k) {
    const auto c64 = static_cast<std::uint64_t>(c[k]);
    const Word wrap = (c64 >> 63) != 0 ? Word{0} : Word{1} << (64 - d);
    out.x[k] = mask.r_msb.x[k] * wrap - mask.r_high.x[k];
    out.m[k] = mask.r_msb.m[k] * wrap - mask.r_high.m[k];
    add_constant(out.x[k], out.m[k], Word{(c64 >> d) - (bias >> d)});
  }
  return out;
}

Spdz2k::Arith Spdz2k::mul_trunc(const Arith& x, const Arith& y, unsigned d) {
  detail::check_trunc_shift("mpc::Spdz2k::mul_trunc", d);
  return trunc(mul(x, y), d);
}

// --- boolean ---------------------------------------------------------------------------

Spdz2k::Bool Spdz2k::xor_(const Bool& a, const Bool& b) const {
  check_sizes("xor_", a.size(), b.size());
  Bool out(a.size());
  for (std::size_t k = 0; k < a.x.size(); ++k) out.x[k] = a.x[k] ^ b.x[k];
  for (std::size_t k = 0; k < a.m.size(); ++k) out.m[k] = a.m[k] ^ b.m[k];
  return out;
}

Spdz2k::Bool Spdz2k::xor_public(const Bool& a, std::span<const std::uint64_t> words) const {
  check_sizes("xor_public", a.size(), words.size());
  Bool out = a;
  if (id_ == 0) {
    for (std::size_t k = 0; k < a.size(); ++k) out.x[k] ^= words[k];
  }
  for (std::size_t t = 0; t < slices; ++t) {
    if (((delta_ >> t) & 1U) == 0) continue;
    auto s = out.slice(t);
    for (std::size_t k = 0; k < a.size(); ++k) s[k] ^= words[k];
  }
  return out;
}

Spdz2k::Bool Spdz2k::and_(const Bool& a, const Bool& b) {
  usable();
  check_sizes("and_", a.size(), b.size());
  const std::size_t w = a.size();
  spdz2k::BitTriples t = pre_.bit_triples(w);
  // One opening of [a ^ ta | b ^ tb].
  Bool masked(2 * w);
  for (std::size_t k = 0; k < w; ++k) {
    masked.x[k] = a.x[k] ^ t.a.x[k];
    masked.x[w + k] = b.x[k] ^ t.b.x[k];
  }
  for (std::size_t s = 0; s < slices; ++s) {
    auto out = masked.slice(s);
    const auto as = a.slice(s);
    const auto bs = b.slice(s);
    const auto tas = t.a.slice(s);
    const auto tbs = t.b.slice(s);
    for (std::size_t k = 0; k < w; ++k) {
      out[k] = as[k] ^ tas[k];
      out[w + k] = bs[k] ^ tbs[k];
    }
  }
  const std::vector<std::uint64_t> de = open_bits(masked, "and_");
  Bool out = std::move(t.c);
  for (std::size_t k = 0; k < w; ++k) out.x[k] ^= (de[k] & t.b.x[k]) ^ (de[w + k] & t.a.x[k]);
  for (std::size_t s = 0; s < slices; ++s) {
    auto os = out.slice(s);
    const auto tas = t.a.slice(s);
    const auto tbs = t.b.slice(s);
    for (std::size_t k = 0; k < w; ++k) os[k] ^= (de[k] & tbs[k]) ^ (de[w + k] & tas[k]);
  }
  std::vector<std::uint64_t> de_and(w);
  for (std::size_t k = 0; k < w; ++k) de_and[k] = de[k] & de[w + k];
  return xor_public(out, de_and);
}

Spdz2k::Bool Spdz2k::random_bits(std::size_t words) {
  usable();
  return pre_.random_bits(words);
}

// --- conversions ---------------------------------------------------------------------------

std::vector<Spdz2k::Bool> Spdz2k::arith_components(const Arith& x) {
  usable();
  const std::size_t n = x.size();
  spdz2k::EdaBits r = pre_.edabits(n);
  spdz2k::AuthShares hide = pre_.random_values(n);
  Arith masked = sub(x, r.r);
  for (std::size_t k = 0; k < n; ++k) {
    masked.x[k] += hide.x[k] << 64;
    masked.m[k] += hide.m[k] << 64;
  }
  const std::vector<Word> c = open(masked.x, masked.m, "arith_components");
  std::vector<std::uint64_t> words(n);
  for (std::size_t k = 0; k < n; ++k) words[k] = static_cast<std::uint64_t>(c[k]);
  std::vector<Bool> out;
  out.push_back(constant_bits(words));
  out.push_back(std::move(r.bits));
  return out;
}

std::vector<Spdz2k::Arith> Spdz2k::bit_components(const Bool& b, std::size_t count) {
  usable();
  if (count > 64 * b.size()) {
    throw InvalidArgument("mpc::Spdz2k::bit_components: " + std::to_string(count) + " bits from " +
                          std::to_string(b.size()) + " words");
  }
  const std::size_t w = (count + 63) / 64;
  spdz2k::DaBits r = pre_.dabits(count);
  // c = b ^ r on the first w words (daBits cover every bit of those words,
  // so bits past `count` stay masked too).
  Bool masked(w);
  for (std::size_t k = 0; k < w; ++k) masked.x[k] = b.x[k] ^ r.bits.x[k];
  for (std::size_t s = 0; s < slices; ++s) {
    auto out = masked.slice(s);
    const auto bs = b.slice(s);
    const auto rs = r.bits.slice(s);
    for (std::size_t k = 0; k < w; ++k) out[k] = bs[k] ^ rs[k];
  }
  const std::vector<std::uint64_t> c = open_bits(masked, "bit_components");
  std::vector<Ring> bits(count);
  for (std::size_t j = 0; j < count; ++j) bits[j] = Ring{(c[j / 64] >> (j % 64)) & 1U};
  std::vector<Arith> out;
  out.push_back(constant(bits));
  out.push_back(std::move(r.r));
  return out;
}

}  // namespace privfin::mpc
