// Dealer-free SPDZ2k preprocessing by OT (see spdz2k_ot.hpp).
#include "privfin/mpc/spdz2k_ot.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include "privfin/core/detail/bit_stream.hpp"
#include "privfin/core/detail/bit_transpose.hpp"
#include "privfin/core/error.hpp"
#include "privfin/mpc/preprocessing.hpp"
#include "spdz2k_bits.hpp"

namespace privfin::mpc {

using spdz2k::Word;

namespace {
// Elements per OT batch (bounds the memory of one batch: 128 OTs each).
constexpr std::size_t chunk = 512;
// Words per binary authentication batch (64 slices of 8 bytes each).
constexpr std::size_t bit_chunk = 1024;
// Consistency checks per daBit batch (soundness 2^-checks).
constexpr std::size_t checks = 64;
// Bit triples: bucket size and the smallest batch (kept words); see
// bucketed_bit_triples for the bound these give.
constexpr std::size_t bucket_size = 5;
constexpr std::size_t bit_batch_words = 1024;
constexpr std::size_t bit_batch_max_words = std::size_t{1} << 16;  // bit indices stay below 2^32

Word word_of(const ot::Block& b) { return Word{b.lo} | (Word{b.hi} << 64); }

// For every peer, `first` then `second` when this party has the lower id,
// else `second` then `first`: so both ends of a pair run the same
// direction at the same time (a sender meets its receiver).
template <class First, class Second>
void in_pair_order(std::size_t id, std::size_t n, const First& first, const Second& second) {
  for (std::size_t peer = 0; peer < n; ++peer) {
    if (peer == id) continue;
    if (id < peer) {
      first(peer);
      second(peer);
    } else {
      second(peer);
      first(peer);
    }
  }
}
// Correlated OTs over Z_2^128 from random OTs, `bits` per element, OT l of
// an element offering x * 2^l. Only x mod 2^(128 - l) matters there (the
// rest is shifted out), so its correction has 128 - l bits (as ABY does
// for Gilboa multiplication): 1,032 bytes per element of 128 OTs instead
// of 2,048, and 772 instead of 1,024 for 64.
std::size_t correction_bytes(std::size_t elements, std::size_t bits) {
  return privfin::detail::packed_bytes(elements * (128 * bits - bits * (bits - 1) / 2));
}

void put_word(privfin::detail::BitWriter& out, Word v, unsigned width) {  // 1 <= width <= 128
  const auto lo = static_cast<std::uint64_t>(v);
  if (width <= 64) {
    out.put(privfin::detail::low_bits(lo, width), width);
    return;
  }
  out.put(lo, 64);
  out.put(privfin::detail::low_bits(static_cast<std::uint64_t>(v >> 64), width - 64), width - 64);
}

Word get_word(privfin::detail::BitReader& in, unsigned width) {
  if (width <= 64) return Word{in.get(width)};
  const std::uint64_t lo = in.get(64);
  return Word{lo} | (Word{in.get(width - 64)} << 64);
}

// Sender: tau = m_0 - m_1 + x mod 2^(128 - l) goes to the receiver (packed
// into `wire`, correction_bytes long), and the element's share loses
// sum_l m_0 * 2^l.
void correlate_as_sender(std::span<const std::array<ot::Block, 2>> pairs, std::span<const Word> values,
                         std::size_t bits, std::span<std::byte> wire, std::span<Word> share) {
  privfin::detail::BitWriter out(wire);
  for (std::size_t e = 0; e < share.size(); ++e) {
    const Word x = values[e];
    Word sum = 0;
    for (std::size_t l = 0; l < bits; ++l) {
      const std::size_t k = e * bits + l;
      const Word q = word_of(pairs[k][0]);
      put_word(out, q - word_of(pairs[k][1]) + x, static_cast<unsigned>(128 - l));
      sum += q << l;
    }
    share[e] -= sum;
  }
  out.finish();
}
// Receiver: (m_c + c * tau) * 2^l = m_0 * 2^l + c * x * 2^l mod 2^128,
// summed into each element's share.
void correlate_as_receiver(std::span<const ot::Block> got, std::span<const bool> choices,
                           std::span<const std::byte> wire, std::size_t bits, std::span<Word> share) {
  privfin::detail::BitReader in(wire);
  for (std::size_t e = 0; e < share.size(); ++e) {
    Word sum = 0;
    for (std::size_t l = 0; l < bits; ++l) {
      const std::size_t k = e * bits + l;
      const Word tau = get_word(in, static_cast<unsigned>(128 - l));
      sum += (word_of(got[k]) + (tau & (Word{0} - Word{choices[k]}))) << l;
    }
    share[e] += sum;
  }
}

Prg::Seed seed_of(const ot::Block& b) {
  Prg::Seed s{};
  std::memcpy(s.data(), &b.lo, 8);
  std::memcpy(s.data() + 8, &b.hi, 8);
  return s;
}
}  // namespace

Spdz2kOtPreprocessing::Spdz2kOtPreprocessing(net::Network& net, Prg& prg)
    : net_(net), id_(net.party_id()), n_(net.party_count()), prg_(prg.next_seed()) {
  if (n_ < 2) {
    throw InvalidArgument("mpc::Spdz2kOtPreprocessing: needs 2 or more parties, the network has " +
                          std::to_string(n_));
  }
  alpha_ = Word{prg_.next_u64()};
  delta_ = prg_.next_u64();
  auto sessions = ot::open_pairwise(net, n_, prg_);
  senders_ = std::move(sessions.senders);
  receivers_ = std::move(sessions.receivers);
  checker_ = std::make_unique<Spdz2k>(net, *this, prg_);
}

Spdz2kOtPreprocessing::~Spdz2kOtPreprocessing() { alpha_ = 0; }

void Spdz2kOtPreprocessing::random_ots_with_peers(std::span<const bool> choices, PeerOts& out) {
  std::vector<ot::RandomExchange> jobs;
  jobs.reserve(n_ - 1);
  for (std::size_t peer = 0; peer < n_; ++peer) {
    if (peer == id_) continue;
    out.pairs[peer].resize(choices.size());
    out.got[peer].resize(choices.size());
    jobs.push_back({senders_[peer].get(), out.pairs[peer], receivers_[peer].get(), choices, out.got[peer]});
  }
  ot::random_ot_exchange(jobs);
}

std::vector<Word> Spdz2kOtPreprocessing::cross(std::span<const Word> mine, std::span<const bool> choices,
                                               std::size_t bits) {
  // Correlated OTs over Z_2^128 from random OTs, with every peer in both
  // directions at once (ot::random_ot_exchange): as sender, q = m_0 and the
  // correction tau = m_0 - m_1 + x goes to the peer; as receiver,
  // m_c + c * tau = m_0 + c * x.
  const std::size_t n = mine.size();
  std::vector<Word> share(n, 0);
  Bytes wire;
  PeerOts ots_of(n_);
  for (std::size_t first = 0; first < n; first += chunk) {
    const std::size_t count = std::min(chunk, n - first);
    const std::size_t ots = count * bits;
    const auto my_choices = choices.subspan(first * bits, ots);
    random_ots_with_peers(my_choices, ots_of);
    const auto& pairs = ots_of.pairs;
    const auto& got = ots_of.got;
    wire.resize(correction_bytes(count, bits));
    const auto my_share = std::span<Word>(share).subspan(first, count);
    for (std::size_t peer = 0; peer < n_; ++peer) {
      if (peer == id_) continue;
      correlate_as_sender(pairs[peer], mine.subspan(first, count), bits, wire, my_share);
      net_.send(peer, wire);
    }
    net_.flush();
    for (std::size_t peer = 0; peer < n_; ++peer) {
      if (peer == id_) continue;
      net_.receive(peer, std::span(wire));
      correlate_as_receiver(got[peer], my_choices, wire, bits, my_share);
    }
  }
  return share;
}

void Spdz2kOtPreprocessing::check_owner(const char* where, std::size_t owner, std::size_t given,
                                        std::size_t count) const {
  if (owner >= n_) {
    throw InvalidArgument(std::string("mpc::Spdz2kOtPreprocessing::") + where + ": owner " + std::to_string(owner) +
                          " is not below " + std::to_string(n_));
  }
  if (owner == id_ && given != count) {
    throw InvalidArgument(std::string("mpc::Spdz2kOtPreprocessing::") + where + ": " + std::to_string(given) +
                          " values for a count of " + std::to_string(count));
  }
}

std::vector<Word> Spdz2kOtPreprocessing::cross_owned(std::size_t owner, std::span<const Word> mine,
                                                     std::size_t count, std::size_t bits) {
  // As cross, but only between the owner (sender, correlations from
  // `mine`) and each other party (receiver, choosing with the bits of its
  // alpha), one peer after the other: the owner's share of sum_j alpha_j x
  // and each peer's share of alpha_peer x. The other parties put in no
  // value share, so none can shift the owner's value.
  std::vector<Word> share(count, 0);
  Bytes wire;
  for (std::size_t first = 0; first < count; first += chunk) {
    const std::size_t part = std::min(chunk, count - first);
    const std::size_t ots = part * bits;
    wire.resize(correction_bytes(part, bits));
    const auto my_share = std::span<Word>(share).subspan(first, part);
    if (id_ == owner) {
      for (std::size_t peer = 0; peer < n_; ++peer) {
        if (peer == id_) continue;
        correlate_as_sender(senders_[peer]->random_ot(ots), mine.subspan(first, part), bits, wire, my_share);
        net_.send(peer, wire);
        net_.flush();
      }
    } else {
      const auto choices = std::make_unique<bool[]>(ots);
      for (std::size_t k = 0; k < ots; ++k) choices[k] = ((alpha_ >> (k % bits)) & 1U) != 0;
      const std::span<const bool> chosen(choices.get(), ots);
      const auto got = receivers_[owner]->random_ot(chosen);
      net_.receive(owner, std::span(wire));
      correlate_as_receiver(got, chosen, wire, bits, my_share);
    }
  }
  return share;
}

spdz2k::AuthShares Spdz2kOtPreprocessing::authenticate_owned(std::size_t owner, std::vector<Word> values,
                                                             std::size_t count) {
  // The owner's value share is the whole value, every other party's is 0;
  // MAC shares: alpha_owner x + the owner's cross shares at the owner, the
  // cross share alone elsewhere.
  check_owner("authenticate_owned", owner, values.size(), count);
  spdz2k::AuthShares out;
  out.m = cross_owned(owner, values, count, 64);
  if (id_ == owner) {
    for (std::size_t e = 0; e < count; ++e) out.m[e] += alpha_ * values[e];
    out.x = std::move(values);
  } else {
    out.x.assign(count, 0);
    if (corrupt_owned_ != 0 && count > 0) {
      // The best a non-owner can do alone: a share of delta with a MAC share
      // that matches its own key share.
      out.x[0] += corrupt_owned_;
      out.m[0] += alpha_ * corrupt_owned_;
      corrupt_owned_ = 0;
    }
  }
  return out;
}

spdz2k::AuthShares Spdz2kOtPreprocessing::authenticate(std::vector<Word> shares) {
  const std::size_t n = shares.size();
  const auto choices = std::make_unique<bool[]>(n * 64);
  for (std::size_t e = 0; e < n; ++e) {
    for (std::size_t l = 0; l < 64; ++l) choices[e * 64 + l] = ((alpha_ >> l) & 1U) != 0;
  }
  spdz2k::AuthShares out;
  out.m = cross(shares, std::span<const bool>(choices.get(), n * 64), 64);
  for (std::size_t e = 0; e < n; ++e) out.m[e] += alpha_ * shares[e];
  out.x = std::move(shares);
  return out;
}

spdz2k::AuthShares Spdz2kOtPreprocessing::random_values(std::size_t n) {
  std::vector<Word> r(n);
  prg_.fill(std::span<Word>(r));
  return authenticate(std::move(r));
}

spdz2k::InputMasks Spdz2kOtPreprocessing::input_masks(std::size_t owner, std::size_t n) {
  if (owner >= n_) {
    throw InvalidArgument("mpc::Spdz2kOtPreprocessing::input_masks: owner " + std::to_string(owner) +
                          " is not below " + std::to_string(n_));
  }
  std::vector<Word> r;
  spdz2k::InputMasks out;
  if (owner == id_) {
    r.resize(n);
    prg_.fill(std::span<Word>(r));
    out.values = r;
  }
  out.r = authenticate_owned(owner, std::move(r), n);
  return out;
}

spdz2k::Triples Spdz2kOtPreprocessing::triples(std::size_t n) {
  std::vector<Word> a(n), a2(n), b(n);
  prg_.fill(std::span<Word>(a));
  prg_.fill(std::span<Word>(a2));
  prg_.fill(std::span<Word>(b));
  const auto choices = std::make_unique<bool[]>(n * 128);
  for (std::size_t e = 0; e < n; ++e) {
    for (std::size_t l = 0; l < 128; ++l) choices[e * 128 + l] = ((b[e] >> l) & 1U) != 0;
  }
  const std::span<const bool> bits(choices.get(), n * 128);
  std::vector<Word> c = cross(a, bits, 128);
  std::vector<Word> c2 = cross(a2, bits, 128);
  for (std::size_t e = 0; e < n; ++e) {
    c[e] += a[e] * b[e];
    c2[e] += a2[e] * b[e];
  }
  if (corrupt_ != 0 && n > 0) {
    c[0] += corrupt_;
    corrupt_ = 0;
  }
  // Authenticate all five at once: [a | a' | b | c | c'].
  std::vector<Word> all;
  all.reserve(5 * n);
  for (const auto* v : {&a, &a2, &b, &c, &c2}) all.insert(all.end(), v->begin(), v->end());
  spdz2k::AuthShares auth = authenticate(std::move(all));
  const auto part = [&](std::size_t i) {
    spdz2k::AuthShares s(n);
    std::copy_n(auth.x.begin() + static_cast<std::ptrdiff_t>(i * n), n, s.x.begin());
    std::copy_n(auth.m.begin() + static_cast<std::ptrdiff_t>(i * n), n, s.m.begin());
    return s;
  };
  spdz2k::Triples t{part(0), part(2), part(3)};
  const spdz2k::AuthShares ta2 = part(1);
  const spdz2k::AuthShares tc2 = part(4);

  // Sacrifice (SPDZ2k): t uniform in Z_2^64 chosen after the triples exist.
  Prg coins(checker_->coin("sacrifice"));
  std::vector<std::uint64_t> r(n);
  coins.fill(std::span<std::uint64_t>(r));
  spdz2k::AuthShares rho(n);
  for (std::size_t e = 0; e < n; ++e) {
    rho.x[e] = Word{r[e]} * t.a.x[e] - ta2.x[e];
    rho.m[e] = Word{r[e]} * t.a.m[e] - ta2.m[e];
  }
  const std::vector<Word> rho_open = checker_->open_values(rho, "sacrifice: rho = t a - a'");
  spdz2k::AuthShares sigma(n);
  for (std::size_t e = 0; e < n; ++e) {
    sigma.x[e] = Word{r[e]} * t.c.x[e] - tc2.x[e] - rho_open[e] * t.b.x[e];
    sigma.m[e] = Word{r[e]} * t.c.m[e] - tc2.m[e] - rho_open[e] * t.b.m[e];
  }
  const std::vector<Word> sigma_open = checker_->open_values(sigma, "sacrifice: sigma = t c - c' - rho b");
  checker_->check();
  for (std::size_t e = 0; e < n; ++e) {
    if (sigma_open[e] != 0) {
      throw ProtocolError(id_, "mpc::Spdz2kOtPreprocessing: sacrifice: triple " + std::to_string(e) + " of " +
                                   std::to_string(n) +
                                   " is wrong (t c - c' - rho b is not zero: some party deviated while making it; "
                                   "the check cannot say who)");
    }
  }
  return t;
}

// --- binary correlations -------------------------------------------------------------

void Spdz2kOtPreprocessing::open_bit_streams() {
  if (!bit_streams_.empty()) return;
  bit_streams_.resize(n_);
  // Holder side: 64 random OTs in which the peer chose the bits of its
  // Delta; key side: the same with this party's Delta as the choices.
  const auto holder = [&](std::size_t peer) {
    const auto pairs = senders_[peer]->random_ot(spdz2k::mac_slices);
    for (const auto& pair : pairs) {
      bit_streams_[peer].zero.emplace_back(seed_of(pair[0]));
      bit_streams_[peer].one.emplace_back(seed_of(pair[1]));
    }
  };
  const auto key = [&](std::size_t peer) {
    std::array<bool, spdz2k::mac_slices> choices{};
    for (std::size_t t = 0; t < choices.size(); ++t) choices[t] = ((delta_ >> t) & 1U) != 0;
    const auto got = receivers_[peer]->random_ot(choices);
    for (const auto& block : got) bit_streams_[peer].chosen.emplace_back(seed_of(block));
  };
  in_pair_order(id_, n_, holder, key);
}

spdz2k::AuthBits Spdz2kOtPreprocessing::authenticate_bits(std::vector<std::uint64_t> words) {
  const std::size_t count = words.size();
  return authenticate_bits_from(std::nullopt, std::move(words), count);
}

spdz2k::AuthBits Spdz2kOtPreprocessing::authenticate_bits_owned(std::size_t owner, std::vector<std::uint64_t> words,
                                                                std::size_t count) {
  check_owner("authenticate_bits_owned", owner, words.size(), count);
  if (id_ != owner) words.assign(count, 0);
  return authenticate_bits_from(owner, std::move(words), count);
}

spdz2k::AuthBits Spdz2kOtPreprocessing::authenticate_bits_from(std::optional<std::size_t> owner,
                                                               std::vector<std::uint64_t> words,
                                                               std::size_t total_words) {
  // No owner: every party authenticates its own words with every peer.
  // Otherwise only the pairs (owner, j) run, the owner as holder: the other
  // parties' value shares are 0 by construction (they send nothing that
  // could carry a share), so none can shift the owner's words.
  open_bit_streams();
  const std::size_t w = total_words;
  spdz2k::AuthBits out(w);
  for (std::size_t t = 0; t < spdz2k::mac_slices; ++t) {
    if (((delta_ >> t) & 1U) != 0) std::copy(words.begin(), words.end(), out.slice(t).begin());
  }
  std::vector<std::uint64_t> g0, g1, u;
  for (std::size_t first = 0; first < w; first += bit_chunk) {
    const std::size_t count = std::min(bit_chunk, w - first);
    g0.resize(count);
    g1.resize(count);
    u.resize(spdz2k::mac_slices * count);
    // This party's words x under the peer's key: u_t = G(s0_t) ^ G(s1_t) ^ x,
    // and this party's MAC share of x * Delta_peer,t is G(s0_t).
    const auto as_holder = [&](std::size_t peer) {
      for (std::size_t t = 0; t < spdz2k::mac_slices; ++t) {
        bit_streams_[peer].zero[t].fill(std::span<std::uint64_t>(g0));
        bit_streams_[peer].one[t].fill(std::span<std::uint64_t>(g1));
        auto slice = out.slice(t).subspan(first, count);
        for (std::size_t k = 0; k < count; ++k) {
          u[t * count + k] = g0[k] ^ g1[k] ^ words[first + k];
          slice[k] ^= g0[k];
        }
      }
      net_.send(peer, ByteView(reinterpret_cast<const std::byte*>(u.data()), 8 * u.size()));
      net_.flush();
    };
    // The peer's words y under this party's key: G(s_c) ^ c u_t = G(s0_t) ^ c y.
    const auto as_key = [&](std::size_t peer) {
      net_.receive(peer, std::as_writable_bytes(std::span<std::uint64_t>(u)));
      for (std::size_t t = 0; t < spdz2k::mac_slices; ++t) {
        bit_streams_[peer].chosen[t].fill(std::span<std::uint64_t>(g0));
        const std::uint64_t use = ((delta_ >> t) & 1U) != 0 ? ~std::uint64_t{0} : 0;
        auto slice = out.slice(t).subspan(first, count);
        for (std::size_t k = 0; k < count; ++k) slice[k] ^= g0[k] ^ (u[t * count + k] & use);
      }
    };
    if (!owner) {
      in_pair_order(id_, n_, as_holder, as_key);
    } else if (id_ == *owner) {
      for (std::size_t peer = 0; peer < n_; ++peer) {
        if (peer != id_) as_holder(peer);
      }
    } else {
      as_key(*owner);
    }
  }
  out.x = std::move(words);
  return out;
}

spdz2k::AuthBits Spdz2kOtPreprocessing::random_bits(std::size_t words) {
  std::vector<std::uint64_t> r(words);
  prg_.fill(std::span<std::uint64_t>(r));
  return authenticate_bits(std::move(r));
}

spdz2k::InputBitMasks Spdz2kOtPreprocessing::input_bit_masks(std::size_t owner, std::size_t words) {
  if (owner >= n_) {
    throw InvalidArgument("mpc::Spdz2kOtPreprocessing::input_bit_masks: owner " + std::to_string(owner) +
                          " is not below " + std::to_string(n_));
  }
  std::vector<std::uint64_t> r(words, 0);
  if (owner == id_) prg_.fill(std::span<std::uint64_t>(r));
  spdz2k::InputBitMasks out;
  if (owner == id_) out.values = r;
  out.r = authenticate_bits_owned(owner, std::move(r), words);
  return out;
}

spdz2k::DaBits Spdz2kOtPreprocessing::dabits(std::size_t count) {
  // Every party contributes private random bits twice: as authenticated
  // arithmetic inputs (proven bits, XORed by x + y - 2xy) and as its share
  // of one binary authentication (whose value is the XOR of the
  // contributions). w words of daBits, then one word of 64 check masks.
  const std::size_t w = (count + 63) / 64;
  std::vector<std::uint64_t> words(w + 1);
  prg_.fill(std::span<std::uint64_t>(words));
  const auto bit = [&](std::size_t k) { return Ring{(words[k / 64] >> (k % 64)) & 1U}; };
  std::vector<Ring> mine(count + checks);
  for (std::size_t k = 0; k < count; ++k) mine[k] = bit(k);
  for (std::size_t c = 0; c < checks; ++c) mine[count + c] = bit(64 * w + c);
  if (corrupt_dabit_) {
    words[0] ^= 1U;  // binary contribution differs from the arithmetic one
    corrupt_dabit_ = false;
  }
  const spdz2k::AuthShares arith = arith_xor_of_bits(mine);
  const spdz2k::AuthBits binary = authenticate_bits(std::move(words));

  // Consistency: for 64 random subsets S_c of the daBits (chosen after all
  // contributions are fixed), open A_c = sum_S a_k + a_mask(c) + 2 rho_c and
  // B_c = XOR_S b_k ^ b_mask(c), and require A_c = B_c mod 2. If some a_k
  // differs from b_k, each check passes with probability 1/2, all 64 with
  // 2^-64. The mask bit hides the parity of S (it is never used again) and
  // 2 rho_c, rho_c uniform in Z_2^128, hides the rest of the sum.
  Spdz2k& p = *checker_;
  Prg coins(p.coin("daBits: consistency subsets"));
  std::vector<std::uint64_t> subsets(checks * w);
  coins.fill(std::span<std::uint64_t>(subsets));
  if (count % 64 != 0) {
    for (std::size_t c = 0; c < checks; ++c) subsets[c * w + w - 1] &= (std::uint64_t{1} << (count % 64)) - 1;
  }
  const spdz2k::AuthShares rho = random_values(checks);
  spdz2k::AuthShares sums(checks);
  spdz2k::AuthBits parities(1);
  const auto parity = [](std::uint64_t v) { return static_cast<std::uint64_t>(std::popcount(v) & 1); };
  for (std::size_t c = 0; c < checks; ++c) {
    sums.x[c] = 2 * rho.x[c] + arith.x[count + c];
    sums.m[c] = 2 * rho.m[c] + arith.m[count + c];
    std::uint64_t px = (binary.x[w] >> c) & 1U;
    for (std::size_t i = 0; i < w; ++i) {
      for (std::uint64_t s = subsets[c * w + i]; s != 0; s &= s - 1) {
        const std::size_t k = 64 * i + static_cast<std::size_t>(std::countr_zero(s));
        sums.x[c] += arith.x[k];
        sums.m[c] += arith.m[k];
      }
      px ^= parity(binary.x[i] & subsets[c * w + i]);
    }
    parities.x[0] |= px << c;
    for (std::size_t t = 0; t < spdz2k::mac_slices; ++t) {
      const auto slice = binary.slice(t);
      std::uint64_t pm = (slice[w] >> c) & 1U;
      for (std::size_t i = 0; i < w; ++i) pm ^= parity(slice[i] & subsets[c * w + i]);
      parities.slice(t)[0] |= pm << c;
    }
  }
  const std::vector<Word> a_open = p.open_values(sums, "daBits: consistency (arithmetic)");
  const std::vector<std::uint64_t> b_open = p.reveal_bits(parities);  // checks every opening first
  for (std::size_t c = 0; c < checks; ++c) {
    if ((static_cast<std::uint64_t>(a_open[c]) & 1U) != ((b_open[0] >> c) & 1U)) {
      throw ProtocolError(id_, "mpc::Spdz2kOtPreprocessing: daBits: consistency check " + std::to_string(c) +
                                   " of " + std::to_string(checks) +
                                   " failed (some party's arithmetic and binary random bits differ; the check "
                                   "cannot say whose)");
    }
  }
  spdz2k::DaBits out;
  out.r = spdz2k::AuthShares(count);
  std::copy_n(arith.x.begin(), count, out.r.x.begin());
  std::copy_n(arith.m.begin(), count, out.r.m.begin());
  out.bits = detail::take_words(binary, 0, w);  // the mask word stays behind
  return out;
}

std::vector<std::uint64_t> Spdz2kOtPreprocessing::cross_bits(std::span<const std::uint64_t> a,
                                                             std::span<const std::uint64_t> b) {
  // For each ordered pair (i, j): one random OT per bit with b_j's bit as
  // j's choice; i sends lsb(m0) ^ lsb(m1) ^ a_i's bit, so i keeps lsb(m0)
  // and j gets lsb(m_b) ^ b (the correction) = lsb(m0) ^ (a_i & b_j).
  const std::size_t w = a.size();
  std::vector<std::uint64_t> share(w);
  for (std::size_t k = 0; k < w; ++k) share[k] = a[k] & b[k];
  const auto lsb = [](const ot::Block& block) { return block.lo & 1U; };
  std::vector<std::uint64_t> corr;
  const auto choices = std::make_unique<bool[]>(64 * std::min(bit_chunk, w));
  PeerOts ots_of(n_);
  for (std::size_t first = 0; first < w; first += bit_chunk) {
    const std::size_t count = std::min(bit_chunk, w - first);
    corr.resize(count);
    for (std::size_t k = 0; k < count; ++k) {
      for (unsigned l = 0; l < 64; ++l) choices[64 * k + l] = ((b[first + k] >> l) & 1U) != 0;
    }
    // Both directions with every peer at once, then the corrections.
    random_ots_with_peers(std::span<const bool>(choices.get(), 64 * count), ots_of);
    const auto& pairs = ots_of.pairs;
    const auto& got = ots_of.got;
    for (std::size_t peer = 0; peer < n_; ++peer) {
      if (peer == id_) continue;
      for (std::size_t k = 0; k < count; ++k) {
        std::uint64_t c = 0;
        std::uint64_t mine = 0;
        for (unsigned l = 0; l < 64; ++l) {
          const auto& pair = pairs[peer][64 * k + l];
          mine |= lsb(pair[0]) << l;
          c |= (lsb(pair[0]) ^ lsb(pair[1])) << l;
        }
        corr[k] = c ^ a[first + k];
        share[first + k] ^= mine;
      }
      net_.send(peer, ByteView(reinterpret_cast<const std::byte*>(corr.data()), 8 * count));
    }
    net_.flush();
    for (std::size_t peer = 0; peer < n_; ++peer) {
      if (peer == id_) continue;
      net_.receive(peer, std::as_writable_bytes(std::span<std::uint64_t>(corr)));
      for (std::size_t k = 0; k < count; ++k) {
        std::uint64_t mine = 0;
        for (unsigned l = 0; l < 64; ++l) mine |= lsb(got[peer][64 * k + l]) << l;
        share[first + k] ^= mine ^ (corr[k] & b[first + k]);
      }
    }
  }
  return share;
}

namespace {
// Every bit of `src` with its MAC as one word each: value bits (bit k of
// word k / 64) and MAC columns (bit t of column k = MAC bit t of bit k).
struct BitColumns {
  std::vector<std::uint64_t> value;
  std::vector<std::uint64_t> mac;
};
BitColumns columns_of(const spdz2k::AuthBits& src) {
  BitColumns out{src.x, std::vector<std::uint64_t>(64 * src.size())};
  std::array<std::uint64_t, 64> block{};
  for (std::size_t w = 0; w < src.size(); ++w) {
    for (std::size_t t = 0; t < spdz2k::mac_slices; ++t) block[t] = src.m[t * src.size() + w];
    ::privfin::detail::transpose64(block);
    std::copy(block.begin(), block.end(), out.mac.begin() + static_cast<std::ptrdiff_t>(64 * w));
  }
  return out;
}

// dst's bit p = the source's bit idx[p] (value and MAC); dst has
// idx.size() / 64 words (idx.size() a multiple of 64).
spdz2k::AuthBits gather_bits(const BitColumns& src, std::span<const std::uint32_t> idx) {
  spdz2k::AuthBits dst(idx.size() / 64);
  std::array<std::uint64_t, 64> block{};
  for (std::size_t q = 0; q < dst.size(); ++q) {
    std::uint64_t value = 0;
    for (unsigned at = 0; at < 64; ++at) {
      const std::uint32_t k = idx[64 * q + at];
      value |= ((src.value[k / 64] >> (k % 64)) & 1U) << at;
      block[at] = src.mac[k];
    }
    ::privfin::detail::transpose64(block);
    dst.x[q] = value;
    for (std::size_t t = 0; t < spdz2k::mac_slices; ++t) dst.m[t * dst.size() + q] = block[t];
  }
  return dst;
}

// x & d for a public mask d (GF(2)-linear: the MACs are masked alike).
spdz2k::AuthBits and_public(const spdz2k::AuthBits& x, std::span<const std::uint64_t> d) {
  spdz2k::AuthBits out(x.size());
  for (std::size_t k = 0; k < x.size(); ++k) out.x[k] = x.x[k] & d[k];
  for (std::size_t t = 0; t < spdz2k::mac_slices; ++t) {
    const auto from = x.slice(t);
    auto to = out.slice(t);
    for (std::size_t k = 0; k < x.size(); ++k) to[k] = from[k] & d[k];
  }
  return out;
}
}  // namespace

spdz2k::BitTriples Spdz2kOtPreprocessing::bucketed_bit_triples(std::size_t words) {
  // Generate B * words words of triples: a, b local random words, the cross
  // products a_i & b_j by OT (cross_bits), c_i = a_i & b_i ^ those; all
  // authenticated. Then a public random permutation of the B * 64 * words
  // bit triples (chosen after they exist) cuts them into buckets of B; the
  // first of each bucket is kept and checked against the other B - 1: with
  // (x, y, z) sacrificed, d = a ^ x and e = b ^ y are opened and
  // c ^ z ^ d y ^ e x ^ d e (= the XOR of both triples' errors) must open to
  // 0. A wrong triple passes only if every triple of its bucket is wrong the
  // same way: for N kept bits and B = 5 at most N / binom(5N, 5) <= 2^-68
  // for N >= 2^16 (Furukawa, Lindell, Nof, Weinstein, EUROCRYPT 2017).
  const std::size_t total = bucket_size * words;
  std::vector<std::uint64_t> a(total), b(total);
  prg_.fill(std::span<std::uint64_t>(a));
  prg_.fill(std::span<std::uint64_t>(b));
  std::vector<std::uint64_t> c = cross_bits(a, b);
  if (corrupt_bit_triple_) {
    c[0] ^= 1U;  // one wrong bit triple
    corrupt_bit_triple_ = false;
  }
  std::vector<std::uint64_t> all;
  all.reserve(3 * total);
  for (const auto* v : {&a, &b, &c}) all.insert(all.end(), v->begin(), v->end());
  const BitColumns auth = columns_of(authenticate_bits(std::move(all)));

  Spdz2k& p = *checker_;
  Prg coins(p.coin("bit triples: buckets"));
  const std::size_t bits = 64 * total;
  std::vector<std::uint32_t> perm(bits);
  for (std::size_t k = 0; k < bits; ++k) perm[k] = static_cast<std::uint32_t>(k);
  for (std::size_t k = bits - 1; k > 0; --k) {
    // Modulo bias below 2^-38 per draw (k < 2^26 against a 64-bit draw).
    std::swap(perm[k], perm[coins.next_u64() % (k + 1)]);
  }
  const std::size_t kept_bits = 64 * words;
  std::vector<std::uint32_t> idx(kept_bits);
  const auto group = [&](std::size_t g, std::size_t part) {
    for (std::size_t q = 0; q < kept_bits; ++q) {
      idx[q] = static_cast<std::uint32_t>(part * bits) + perm[g * kept_bits + q];
    }
    return gather_bits(auth, idx);
  };
  spdz2k::BitTriples kept{group(0, 0), group(0, 1), group(0, 2)};
  std::vector<spdz2k::BitTriples> others;
  spdz2k::AuthBits de(2 * (bucket_size - 1) * words);
  for (std::size_t g = 1; g < bucket_size; ++g) {
    others.push_back(spdz2k::BitTriples{group(g, 0), group(g, 1), group(g, 2)});
    const auto d = p.xor_(kept.a, others.back().a);
    const auto e = p.xor_(kept.b, others.back().b);
    detail::put_words(de, 2 * (g - 1) * words, d);
    detail::put_words(de, (2 * (g - 1) + 1) * words, e);
  }
  const std::vector<std::uint64_t> de_open = p.reveal_bits(de);
  spdz2k::AuthBits zero((bucket_size - 1) * words);
  for (std::size_t g = 1; g < bucket_size; ++g) {
    const auto d = std::span<const std::uint64_t>(de_open).subspan(2 * (g - 1) * words, words);
    const auto e = std::span<const std::uint64_t>(de_open).subspan((2 * (g - 1) + 1) * words, words);
    const auto& o = others[g - 1];
    std::vector<std::uint64_t> de_and(words);
    for (std::size_t k = 0; k < words; ++k) de_and[k] = d[k] & e[k];
    auto f = p.xor_(p.xor_(kept.c, o.c), p.xor_(and_public(o.b, d), and_public(o.a, e)));
    f = p.xor_public(f, de_and);
    detail::put_words(zero, (g - 1) * words, f);
  }
  const std::vector<std::uint64_t> zero_open = p.reveal_bits(zero);
  for (std::size_t k = 0; k < zero_open.size(); ++k) {
    if (zero_open[k] != 0) {
      throw ProtocolError(id_, "mpc::Spdz2kOtPreprocessing: bit triples: bucket check " + std::to_string(k) + " of " +
                                   std::to_string(zero_open.size()) +
                                   " words failed (a bit triple is wrong: some party deviated while making it; "
                                   "the check cannot say who)");
    }
  }
  return kept;
}

void Spdz2kOtPreprocessing::reserve_bit_triples(std::size_t words, std::size_t max_batch_words) {
  // Filled in batches of bit_batch_words to max_batch_words words, so that
  // the bucket check's bound holds for small requests too (every party asks
  // for the same sizes in the same order, so the pools agree).
  while (bit_pool_.a.size() - bit_pool_used_ < words) {
    const std::size_t left = bit_pool_.a.size() - bit_pool_used_;
    spdz2k::BitTriples fresh = bucketed_bit_triples(std::clamp(words - left, bit_batch_words, max_batch_words));
    // What is left of the pool, then the fresh batch.
    const auto merge = [&](const spdz2k::AuthBits& pool, const spdz2k::AuthBits& add) {
      spdz2k::AuthBits out(left + add.size());
      detail::put_words(out, 0, detail::take_words(pool, bit_pool_used_, left));
      detail::put_words(out, left, add);
      return out;
    };
    bit_pool_ = spdz2k::BitTriples{merge(bit_pool_.a, fresh.a), merge(bit_pool_.b, fresh.b),
                                   merge(bit_pool_.c, fresh.c)};
    bit_pool_used_ = 0;
  }
}

spdz2k::BitTriples Spdz2kOtPreprocessing::bit_triples(std::size_t words) {
  reserve_bit_triples(words, bit_batch_max_words);
  spdz2k::BitTriples out{detail::take_words(bit_pool_.a, bit_pool_used_, words),
                         detail::take_words(bit_pool_.b, bit_pool_used_, words),
                         detail::take_words(bit_pool_.c, bit_pool_used_, words)};
  bit_pool_used_ += words;
  return out;
}

spdz2k::AuthShares Spdz2kOtPreprocessing::random_arith_bits(std::size_t count) {
  std::vector<std::uint64_t> words((count + 63) / 64);
  prg_.fill(std::span<std::uint64_t>(words));
  std::vector<Ring> mine(count);
  for (std::size_t k = 0; k < count; ++k) mine[k] = Ring{(words[k / 64] >> (k % 64)) & 1U};
  return arith_xor_of_bits(mine);
}

spdz2k::AuthShares Spdz2kOtPreprocessing::arith_xor_of_bits(std::span<const Ring> mine) {
  // Each party inputs its private bits (authenticated inputs); they are
  // XORed arithmetically, x ^ y = x + y - 2xy, and each result r is proven
  // a bit by opening r (1 - r), which is 0 mod 2^128 exactly when r is 0 or
  // 1 (r and 1 - r have opposite parity, so one of them is a unit). Proving
  // the result rather than every input saves n of the 2n - 1 products; it
  // leaks nothing about the honest inputs, because flipping an honest bit
  // maps r to 1 - r, and r (1 - r) does not change. n - 1 + 1 = n triples
  // per bit; all openings are MAC-checked before the bits are returned.
  Spdz2k& p = *checker_;
  const std::size_t count = mine.size();
  std::vector<Ring> input(mine.begin(), mine.end());
  if (corrupt_arith_bit_ && count > 0) {
    input[0] = Ring{3};  // odd like a 1, but not a bit
    corrupt_arith_bit_ = false;
  }
  spdz2k::AuthShares acc;
  for (std::size_t j = 0; j < n_; ++j) {
    spdz2k::AuthShares in = p.input(j, j == id_ ? std::span<const Ring>(input) : std::span<const Ring>{}, count);
    if (j == 0) {
      acc = std::move(in);
      continue;
    }
    const auto prod = p.mul(acc, in);
    acc = p.sub(p.add(acc, in), p.mul_public(prod, Ring{2}));
  }
  const auto zero = p.open_values(p.mul(acc, p.add_public(p.neg(acc), Ring{1})), "random bits: r (1 - r)");
  p.check();
  for (std::size_t k = 0; k < zero.size(); ++k) {
    if (zero[k] != 0) {
      throw ProtocolError(id_, "mpc::Spdz2kOtPreprocessing: random bits: bit " + std::to_string(k) + " of " +
                                   std::to_string(count) +
                                   " is not 0 or 1 (some party's input was not a bit; the check cannot say whose)");
    }
  }
  return acc;
}

}  // namespace privfin::mpc
