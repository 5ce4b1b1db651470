// Dealer-free SPDZ2k preprocessing by OT (see spdz2k_ot.hpp).
#include "privfin/mpc/spdz2k_ot.hpp"

#include <algorithm>
#include <string>

#include "privfin/core/error.hpp"
#include "privfin/mpc/preprocessing.hpp"

namespace privfin::mpc {

using spdz2k::Word;

namespace {
// Elements per OT batch (bounds the memory of one batch: 128 OTs each).
constexpr std::size_t chunk = 512;

Word word_of(const ot::Block& b) { return Word{b.lo} | (Word{b.hi} << 64); }
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

std::vector<Word> Spdz2kOtPreprocessing::cot_send(std::size_t peer, std::span<const Word> correlations) {
  const auto pairs = senders_[peer]->random_ot(correlations.size());
  std::vector<Word> q(correlations.size());
  std::vector<Word> tau(correlations.size());
  for (std::size_t k = 0; k < q.size(); ++k) {
    q[k] = word_of(pairs[k][0]);
    tau[k] = q[k] - word_of(pairs[k][1]) + correlations[k];
  }
  net_.send(peer, ByteView(reinterpret_cast<const std::byte*>(tau.data()), tau.size() * sizeof(Word)));
  net_.flush();
  return q;
}

std::vector<Word> Spdz2kOtPreprocessing::cot_receive(std::size_t peer, std::span<const bool> choices) {
  const auto got = receivers_[peer]->random_ot(choices);
  std::vector<Word> tau(choices.size());
  net_.receive(peer, std::as_writable_bytes(std::span<Word>(tau)));
  std::vector<Word> t(choices.size());
  // m_c + c * (m_0 - m_1 + x) = m_0 + c * x.
  for (std::size_t k = 0; k < t.size(); ++k) t[k] = word_of(got[k]) + (choices[k] ? tau[k] : Word{0});
  return t;
}

std::vector<Word> Spdz2kOtPreprocessing::cross(std::span<const Word> mine, std::span<const bool> choices,
                                               std::size_t bits) {
  const std::size_t n = mine.size();
  std::vector<Word> share(n, 0);
  std::vector<Word> corr;
  for (std::size_t first = 0; first < n; first += chunk) {
    const std::size_t count = std::min(chunk, n - first);
    corr.resize(count * bits);
    for (std::size_t e = 0; e < count; ++e) {
      for (std::size_t l = 0; l < bits; ++l) corr[e * bits + l] = mine[first + e] << l;
    }
    const auto my_choices = choices.subspan(first * bits, count * bits);
    const auto as_sender = [&](std::size_t peer) {
      const auto q = cot_send(peer, corr);
      for (std::size_t e = 0; e < count; ++e) {
        for (std::size_t l = 0; l < bits; ++l) share[first + e] -= q[e * bits + l];
      }
    };
    const auto as_receiver = [&](std::size_t peer) {
      const auto t = cot_receive(peer, my_choices);
      for (std::size_t e = 0; e < count; ++e) {
        for (std::size_t l = 0; l < bits; ++l) share[first + e] += t[e * bits + l];
      }
    };
    for (std::size_t peer = 0; peer < n_; ++peer) {
      if (peer == id_) continue;
      if (id_ < peer) {
        as_sender(peer);
        as_receiver(peer);
      } else {
        as_receiver(peer);
        as_sender(peer);
      }
    }
  }
  return share;
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
  std::vector<Word> r(n, 0);
  if (owner == id_) prg_.fill(std::span<Word>(r));
  spdz2k::InputMasks out;
  if (owner == id_) out.values = r;
  out.r = authenticate(std::move(r));
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

void Spdz2kOtPreprocessing::not_yet(const char* what) const {
  throw InvalidArgument(std::string("mpc::Spdz2kOtPreprocessing::") + what +
                        ": not generated without a dealer yet (see spdz2k_ot.hpp)");
}

spdz2k::BitTriples Spdz2kOtPreprocessing::bit_triples(std::size_t) { not_yet("bit_triples"); }
spdz2k::AuthBits Spdz2kOtPreprocessing::random_bits(std::size_t) { not_yet("random_bits"); }
spdz2k::InputBitMasks Spdz2kOtPreprocessing::input_bit_masks(std::size_t, std::size_t) {
  not_yet("input_bit_masks");
}
spdz2k::EdaBits Spdz2kOtPreprocessing::edabits(std::size_t) { not_yet("edabits"); }
spdz2k::DaBits Spdz2kOtPreprocessing::dabits(std::size_t) { not_yet("dabits"); }
spdz2k::AuthShares Spdz2kOtPreprocessing::random_arith_bits(std::size_t count) {
  // Each party inputs `count` private random bits (authenticated inputs);
  // each input is proven a bit by opening b (1 - b), which is 0 mod 2^128
  // exactly when b is 0 or 1 (b and 1 - b have opposite parity); the bits
  // are XORed arithmetically, x ^ y = x + y - 2xy. All openings are
  // MAC-checked before the bits are returned.
  Spdz2k& p = *checker_;
  std::vector<std::uint64_t> words((count + 63) / 64);
  prg_.fill(std::span<std::uint64_t>(words));
  std::vector<Ring> mine(count);
  for (std::size_t k = 0; k < count; ++k) mine[k] = Ring{(words[k / 64] >> (k % 64)) & 1U};
  std::vector<spdz2k::AuthShares> inputs;
  for (std::size_t j = 0; j < n_; ++j) {
    inputs.push_back(p.input(j, j == id_ ? std::span<const Ring>(mine) : std::span<const Ring>{}, count));
  }
  // One batched product for all parties' b_j (1 - b_j).
  spdz2k::AuthShares all(count * n_);
  for (std::size_t j = 0; j < n_; ++j) {
    std::copy(inputs[j].x.begin(), inputs[j].x.end(), all.x.begin() + static_cast<std::ptrdiff_t>(j * count));
    std::copy(inputs[j].m.begin(), inputs[j].m.end(), all.m.begin() + static_cast<std::ptrdiff_t>(j * count));
  }
  const auto zero = p.open_values(p.mul(all, p.add_public(p.neg(all), Ring{1})), "random bits: b (1 - b)");
  spdz2k::AuthShares acc = std::move(inputs[0]);
  for (std::size_t j = 1; j < n_; ++j) {
    const auto prod = p.mul(acc, inputs[j]);
    acc = p.sub(p.add(acc, inputs[j]), p.mul_public(prod, Ring{2}));
  }
  p.check();
  for (std::size_t k = 0; k < zero.size(); ++k) {
    if (zero[k] != 0) {
      throw ProtocolError(k / count, "mpc::Spdz2kOtPreprocessing: random bits: party " + std::to_string(k / count) +
                                         "'s input " + std::to_string(k % count) + " is not a bit");
    }
  }
  return acc;
}

spdz2k::TruncMasks Spdz2kOtPreprocessing::trunc_masks(std::size_t n, unsigned d) {
  detail::check_trunc_shift("mpc::Spdz2kOtPreprocessing::trunc_masks", d);
  // r = sum 2^i b_i from 64 random bits: r, r >> d and r_63 are linear in them.
  const spdz2k::AuthShares bits = random_arith_bits(64 * n);
  spdz2k::TruncMasks out{spdz2k::AuthShares(n), spdz2k::AuthShares(n), spdz2k::AuthShares(n)};
  for (std::size_t e = 0; e < n; ++e) {
    for (unsigned i = 0; i < 64; ++i) {
      const Word bx = bits.x[64 * e + i];
      const Word bm = bits.m[64 * e + i];
      out.r.x[e] += bx << i;
      out.r.m[e] += bm << i;
      if (i >= d) {
        out.r_high.x[e] += bx << (i - d);
        out.r_high.m[e] += bm << (i - d);
      }
    }
    out.r_msb.x[e] = bits.x[64 * e + 63];
    out.r_msb.m[e] = bits.m[64 * e + 63];
  }
  return out;
}

}  // namespace privfin::mpc
