// IKNP OT extension with the KOS consistency check; see
// include/privfin/ot/extension.hpp for the protocol and its security.
#include "privfin/ot/extension.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <string>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "privfin/core/error.hpp"
#include "privfin/ot/base_ot.hpp"
#include "privfin/ot/messages.hpp"

namespace privfin::ot {

namespace detail {

void transpose_128(std::span<const std::byte> columns, std::size_t bytes_per_column, std::span<Block> rows) {
  const std::size_t bits = bytes_per_column * 8;
  if (columns.size() != 128 * bytes_per_column || rows.size() != bits || bytes_per_column % 2 != 0) {
    throw InvalidArgument("ot::detail::transpose_128: sizes do not match");
  }
  auto* out = reinterpret_cast<unsigned char*>(rows.data());
  const auto* in = reinterpret_cast<const unsigned char*>(columns.data());
#if defined(__SSE2__)
  // 16 columns x 8 bits at a time: movemask collects the top bit of 16 bytes.
  for (std::size_t rr = 0; rr < 128; rr += 16) {
    for (std::size_t cc = 0; cc < bits; cc += 8) {
      alignas(16) unsigned char gather[16];
      for (std::size_t k = 0; k < 16; ++k) gather[k] = in[(rr + k) * bytes_per_column + cc / 8];
      __m128i v = _mm_load_si128(reinterpret_cast<const __m128i*>(gather));
      for (std::size_t i = 8; i-- > 0; v = _mm_slli_epi64(v, 1)) {
        const auto m = static_cast<std::uint16_t>(_mm_movemask_epi8(v));
        std::memcpy(out + (cc + i) * 16 + rr / 8, &m, 2);
      }
    }
  }
#else
  std::fill(rows.begin(), rows.end(), Block{});
  for (std::size_t j = 0; j < 128; ++j) {
    for (std::size_t i = 0; i < bits; ++i) {
      const std::uint64_t bit = (static_cast<unsigned>(in[j * bytes_per_column + i / 8]) >> (i % 8)) & 1U;
      if (j < 64) {
        rows[i].lo |= bit << j;
      } else {
        rows[i].hi |= bit << (j - 64);
      }
    }
  }
#endif
}

namespace {

void clmul64(std::uint64_t a, std::uint64_t b, std::uint64_t& lo, std::uint64_t& hi) noexcept {
  lo = 0;
  hi = 0;
  for (unsigned i = 0; i < 64; ++i) {
    const std::uint64_t mask = 0 - ((b >> i) & 1U);
    lo ^= (a << i) & mask;
    hi ^= (i == 0 ? 0 : (a >> (64 - i))) & mask;
  }
}

std::array<Block, 2> clmul_sum_portable(std::span<const Block> a, std::span<const Block> b) {
  std::uint64_t r0 = 0, r1 = 0, r2 = 0, r3 = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    std::uint64_t l = 0, h = 0;
    clmul64(a[i].lo, b[i].lo, l, h);
    r0 ^= l;
    r1 ^= h;
    clmul64(a[i].hi, b[i].hi, l, h);
    r2 ^= l;
    r3 ^= h;
    clmul64(a[i].lo, b[i].hi, l, h);
    r1 ^= l;
    r2 ^= h;
    clmul64(a[i].hi, b[i].lo, l, h);
    r1 ^= l;
    r2 ^= h;
  }
  return {Block{r0, r1}, Block{r2, r3}};
}

#if defined(__x86_64__)
__attribute__((target("pclmul,sse2"))) std::array<Block, 2> clmul_sum_pclmul(std::span<const Block> a,
                                                                             std::span<const Block> b) {
  __m128i lo = _mm_setzero_si128();
  __m128i mid = _mm_setzero_si128();
  __m128i hi = _mm_setzero_si128();
  for (std::size_t i = 0; i < a.size(); ++i) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&a[i]));
    const __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(&b[i]));
    lo = _mm_xor_si128(lo, _mm_clmulepi64_si128(x, y, 0x00));
    hi = _mm_xor_si128(hi, _mm_clmulepi64_si128(x, y, 0x11));
    mid = _mm_xor_si128(mid, _mm_xor_si128(_mm_clmulepi64_si128(x, y, 0x01), _mm_clmulepi64_si128(x, y, 0x10)));
  }
  lo = _mm_xor_si128(lo, _mm_slli_si128(mid, 8));
  hi = _mm_xor_si128(hi, _mm_srli_si128(mid, 8));
  std::array<Block, 2> out{};
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&out[0]), lo);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(&out[1]), hi);
  return out;
}
#endif

}  // namespace

std::array<Block, 2> clmul_sum(std::span<const Block> a, std::span<const Block> b) {
  if (a.size() != b.size()) throw InvalidArgument("ot::detail::clmul_sum: sizes differ");
#if defined(__x86_64__)
  if (__builtin_cpu_supports("pclmul")) return clmul_sum_pclmul(a, b);
#endif
  return clmul_sum_portable(a, b);
}

}  // namespace detail

namespace {

template <class Message>
Message decode_from(std::size_t peer, ByteView wire) {
  try {
    return Message::from_bytes(wire);
  } catch (const DecodeError& e) {
    throw DecodeError("party " + std::to_string(peer) + ": " + e.what());
  }
}

void check_peer(const net::Network& net, std::size_t peer, const char* where) {
  if (peer == net.party_id() || peer >= net.party_count()) {
    throw InvalidArgument(std::string(where) + ": bad peer " + std::to_string(peer));
  }
}

void check_count(std::size_t count, const char* where) {
  if (count == 0 || count > max_extension_batch) {
    throw InvalidArgument(std::string(where) + ": count " + std::to_string(count) + " is not in 1.." +
                          std::to_string(max_extension_batch));
  }
}

Prg::Seed seed_of(const Block& b) {
  const auto bytes = b.to_bytes();
  Prg::Seed s{};
  std::copy(bytes.begin(), bytes.end(), s.begin());
  return s;
}

// OTs per protocol batch: a call for more runs several batches, each with
// its own matrix and KOS check, so that buffers stay small and are reused.
constexpr std::size_t sub_batch = std::size_t{1} << 16;

// Rows per chunk of the extension matrix: 128 columns of 2 KiB, 256 KiB in all.
constexpr std::size_t chunk_rows = std::size_t{1} << 14;

// sum_i chi_i * rows[i] (unreduced), chi_i drawn from Prg(seed) in order.
std::array<Block, 2> chi_sum(const Prg::Seed& seed, std::span<const Block> rows) {
  Prg chi_prg(seed);
  std::vector<Block> chi(std::min(chunk_rows, rows.size()));
  std::array<Block, 2> sum{};
  for (std::size_t first = 0; first < rows.size(); first += chunk_rows) {
    const std::size_t n = std::min(chunk_rows, rows.size() - first);
    chi_prg.fill(std::span(chi).first(n));
    const auto part = detail::clmul_sum(std::span(chi).first(n), rows.subspan(first, n));
    sum[0] ^= part[0];
    sum[1] ^= part[1];
  }
  return sum;
}

// Marks the session aborted unless the scope completes.
class Guard {
 public:
  explicit Guard(bool& aborted) : aborted_(aborted) { aborted_ = true; }
  void done() { aborted_ = false; }
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;
  ~Guard() = default;

 private:
  bool& aborted_;
};

}  // namespace

// ------------------------------------------------------------------ sender

ExtensionSender::ExtensionSender(net::Network& net, std::size_t peer, Prg& prg)
    : net_(&net), peer_(peer), prg_(prg.next_seed()) {
  check_peer(net, peer, "ot::ExtensionSender");
  Prg::Seed d = prg_.next_seed();
  delta_ = Block::from_bytes(d);
  secure_wipe(d);
  std::array<bool, base_ot_count> choices{};
  for (std::size_t j = 0; j < base_ot_count; ++j) choices[j] = delta_.bit(j);
  auto keys = base_ot_receive(net, peer, choices, prg_);
  columns_.reserve(base_ot_count);
  for (auto& k : keys) {
    columns_.emplace_back(seed_of(k));
    k = Block{};
  }
  choices.fill(false);
}

ExtensionSender::~ExtensionSender() { sodium_memzero(&delta_, sizeof(delta_)); }

void ExtensionSender::usable() const {
  if (aborted_) throw ProtocolError(peer_, "OT extension: this session aborted earlier and cannot continue");
}

std::vector<Block> ExtensionSender::extend(std::size_t count) {
  const std::size_t rows = extension_rows(count);
  const std::size_t col_bytes = rows / 8;
  const auto matrix = decode_from<ExtensionMatrix>(peer_, net_->receive_message(peer_, 16 + 16 * extension_rows(sub_batch)));
  if (matrix.count != count) {
    throw ProtocolError(peer_, "OT extension: receiver extends " + std::to_string(matrix.count) +
                                   " OTs, this sender " + std::to_string(count));
  }
  // q_j = G(k_j^{Delta_j}) ^ Delta_j * u_j = t_j ^ Delta_j * r, a chunk of
  // rows at a time so that the columns being transposed stay in cache.
  std::vector<Block> rows_q(rows);
  Bytes q(128 * std::min(chunk_rows, rows) / 8);
  for (std::size_t first = 0; first < rows; first += chunk_rows) {
    const std::size_t n = std::min(chunk_rows, rows - first);
    const std::size_t n_bytes = n / 8;
    for (std::size_t j = 0; j < 128; ++j) {
      const auto col = std::span(q).subspan(j * n_bytes, n_bytes);
      columns_[j].fill(col);
      const auto mask = static_cast<std::byte>(0 - static_cast<unsigned>(delta_.bit(j)));
      const auto* u = matrix.columns.data() + j * col_bytes + first / 8;
      for (std::size_t k = 0; k < n_bytes; ++k) col[k] ^= u[k] & mask;
    }
    detail::transpose_128(std::span(q).first(128 * n_bytes), n_bytes, std::span(rows_q).subspan(first, n));
  }
  secure_wipe(q);

  // KOS check: chi from a seed chosen now, after the matrix is fixed.
  const ConsistencyChallenge challenge{prg_.next_seed()};
  net_->send_message(peer_, challenge.to_bytes());
  const auto response = decode_from<ConsistencyResponse>(peer_, net_->receive_message(peer_, 64));
  const auto lhs = chi_sum(challenge.seed, rows_q);
  const std::array<Block, 1> x{response.x};
  const std::array<Block, 1> d{delta_};
  const auto x_delta = detail::clmul_sum(x, d);
  const std::array<Block, 2> rhs{response.t_low ^ x_delta[0], response.t_high ^ x_delta[1]};
  if (sodium_memcmp(lhs.data(), rhs.data(), sizeof(lhs)) != 0) {
    throw ProtocolError(peer_, "OT extension: KOS consistency check failed (the receiver's choice bits differ "
                               "between columns of the extension matrix)");
  }
  rows_q.resize(count);
  return rows_q;
}

std::vector<std::array<Block, 2>> ExtensionSender::random_ot(std::size_t count) {
  usable();
  check_count(count, "ot::ExtensionSender::random_ot");
  Guard guard(aborted_);
  std::vector<std::array<Block, 2>> out(count);
  std::vector<Block> h0, h1;
  for (std::size_t first = 0; first < count; first += sub_batch) {
    const std::size_t n = std::min(sub_batch, count - first);
    const auto q = extend(n);
    h0.resize(n);
    h1.resize(n);
    hash_.hash(q, next_index_, h0);
    hash_.hash(q, next_index_, h1, delta_);
    next_index_ += n;
    for (std::size_t i = 0; i < n; ++i) out[first + i] = {h0[i], h1[i]};
  }
  guard.done();
  return out;
}

std::vector<std::uint64_t> ExtensionSender::correlated_ot(std::span<const std::uint64_t> correlations) {
  usable();
  const std::size_t count = correlations.size();
  check_count(count, "ot::ExtensionSender::correlated_ot");
  Guard guard(aborted_);
  std::vector<std::uint64_t> m0(count);
  std::vector<Block> h0, h1;
  for (std::size_t first = 0; first < count; first += sub_batch) {
    const std::size_t n = std::min(sub_batch, count - first);
    const auto q = extend(n);
    h0.resize(n);
    h1.resize(n);
    hash_.hash(q, next_index_, h0);
    hash_.hash(q, next_index_, h1, delta_);
    next_index_ += n;
    MaskedMessages msg{MaskedMessages::Kind::correlated_u64, n, Bytes(n * 8)};
    for (std::size_t i = 0; i < n; ++i) {
      m0[first + i] = h0[i].lo;
      // The receiver with choice 1 holds h1 and computes h1 - y = m0 + correlation.
      const std::uint64_t y = h1[i].lo - h0[i].lo - correlations[first + i];
      for (std::size_t k = 0; k < 8; ++k) msg.payload[i * 8 + k] = static_cast<std::byte>((y >> (8 * k)) & 0xFFU);
    }
    net_->send_message(peer_, msg.to_bytes());
  }
  net_->flush();
  guard.done();
  return m0;
}

void ExtensionSender::chosen_ot(std::span<const std::array<Block, 2>> messages) {
  usable();
  const std::size_t count = messages.size();
  check_count(count, "ot::ExtensionSender::chosen_ot");
  Guard guard(aborted_);
  std::vector<Block> h0, h1;
  for (std::size_t first = 0; first < count; first += sub_batch) {
    const std::size_t n = std::min(sub_batch, count - first);
    const auto q = extend(n);
    h0.resize(n);
    h1.resize(n);
    hash_.hash(q, next_index_, h0);
    hash_.hash(q, next_index_, h1, delta_);
    next_index_ += n;
    MaskedMessages msg{MaskedMessages::Kind::chosen_blocks, n, Bytes(n * 32)};
    for (std::size_t i = 0; i < n; ++i) {
      const auto y0 = (messages[first + i][0] ^ h0[i]).to_bytes();
      const auto y1 = (messages[first + i][1] ^ h1[i]).to_bytes();
      std::copy(y0.begin(), y0.end(), msg.payload.begin() + static_cast<std::ptrdiff_t>(i * 32));
      std::copy(y1.begin(), y1.end(), msg.payload.begin() + static_cast<std::ptrdiff_t>(i * 32 + 16));
    }
    net_->send_message(peer_, msg.to_bytes());
  }
  net_->flush();
  guard.done();
}

// ---------------------------------------------------------------- receiver

ExtensionReceiver::ExtensionReceiver(net::Network& net, std::size_t peer, Prg& prg)
    : net_(&net), peer_(peer), prg_(prg.next_seed()) {
  check_peer(net, peer, "ot::ExtensionReceiver");
  auto keys = base_ot_send(net, peer, base_ot_count, prg_);
  columns_.reserve(base_ot_count);
  for (auto& k : keys) {
    columns_.push_back({Prg(seed_of(k[0])), Prg(seed_of(k[1]))});
    k = {};
  }
}

void ExtensionReceiver::usable() const {
  if (aborted_) throw ProtocolError(peer_, "OT extension: this session aborted earlier and cannot continue");
}

std::vector<Block> ExtensionReceiver::extend(std::span<const bool> choices) {
  const std::size_t count = choices.size();
  const std::size_t rows = extension_rows(count);
  const std::size_t col_bytes = rows / 8;
  // r: the choices, then random padding rows that mask x in the check.
  Bytes r(col_bytes);
  prg_.fill(std::span(r));
  for (std::size_t i = 0; i < count; ++i) {
    const auto bit = static_cast<std::byte>(1U << (i % 8));
    r[i / 8] = (r[i / 8] & ~bit) | (choices[i] ? bit : std::byte{0});
  }
  // A chunk of rows at a time: t_j = G(k_j^0) into a cache-sized buffer,
  // u_j = t_j ^ G(k_j^1) ^ r into the message.
  ExtensionMatrix matrix{count, Bytes(128 * col_bytes)};
  std::vector<Block> rows_t(rows);
  Bytes t(128 * std::min(chunk_rows, rows) / 8);
  for (std::size_t first = 0; first < rows; first += chunk_rows) {
    const std::size_t n = std::min(chunk_rows, rows - first);
    const std::size_t n_bytes = n / 8;
    for (std::size_t j = 0; j < 128; ++j) {
      const auto tj = std::span(t).subspan(j * n_bytes, n_bytes);
      const auto uj = std::span(matrix.columns).subspan(j * col_bytes + first / 8, n_bytes);
      columns_[j][0].fill(tj);
      columns_[j][1].fill(uj);
      const std::byte* rr = r.data() + first / 8;
      for (std::size_t k = 0; k < n_bytes; ++k) uj[k] ^= tj[k] ^ rr[k];
    }
    detail::transpose_128(std::span(t).first(128 * n_bytes), n_bytes, std::span(rows_t).subspan(first, n));
  }
  secure_wipe(t);
  net_->send_message(peer_, matrix.to_bytes());

  const auto challenge = decode_from<ConsistencyChallenge>(peer_, net_->receive_message(peer_, 64));
  ConsistencyResponse response{};
  Prg chi_prg(challenge.seed);
  std::vector<Block> chi(std::min(chunk_rows, rows));
  for (std::size_t first = 0; first < rows; first += chunk_rows) {
    const std::size_t n = std::min(chunk_rows, rows - first);
    chi_prg.fill(std::span(chi).first(n));
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t row = first + i;
      const bool bit = ((static_cast<unsigned>(r[row / 8]) >> (row % 8)) & 1U) != 0;
      response.x ^= chi[i] & Block::mask(bit);
    }
    const auto part = detail::clmul_sum(std::span(chi).first(n), std::span(rows_t).subspan(first, n));
    response.t_low ^= part[0];
    response.t_high ^= part[1];
  }
  net_->send_message(peer_, response.to_bytes());
  net_->flush();  // random OT ends here for the receiver
  secure_wipe(r);
  rows_t.resize(count);
  return rows_t;
}

std::vector<Block> ExtensionReceiver::random_ot(std::span<const bool> choices) {
  usable();
  const std::size_t count = choices.size();
  check_count(count, "ot::ExtensionReceiver::random_ot");
  Guard guard(aborted_);
  std::vector<Block> out(count);
  for (std::size_t first = 0; first < count; first += sub_batch) {
    const std::size_t n = std::min(sub_batch, count - first);
    const auto t = extend(choices.subspan(first, n));
    hash_.hash(t, next_index_, std::span(out).subspan(first, n));
    next_index_ += n;
  }
  guard.done();
  return out;
}

std::vector<std::uint64_t> ExtensionReceiver::correlated_ot(std::span<const bool> choices) {
  usable();
  const std::size_t count = choices.size();
  check_count(count, "ot::ExtensionReceiver::correlated_ot");
  Guard guard(aborted_);
  std::vector<std::uint64_t> out(count);
  for (std::size_t first = 0; first < count; first += sub_batch) {
    const std::size_t n = std::min(sub_batch, count - first);
    auto t = extend(choices.subspan(first, n));
    hash_.hash(t, next_index_, t);
    next_index_ += n;
    const auto msg = decode_from<MaskedMessages>(peer_, net_->receive_message(peer_, 16 + 8 * sub_batch));
    if (msg.kind != MaskedMessages::Kind::correlated_u64 || msg.count != n) {
      throw ProtocolError(peer_, "OT extension: expected " + std::to_string(n) +
                                     " correlated words, the sender sent another kind or count");
    }
    for (std::size_t i = 0; i < n; ++i) {
      std::uint64_t y = 0;
      for (std::size_t k = 0; k < 8; ++k) y |= static_cast<std::uint64_t>(msg.payload[i * 8 + k]) << (8 * k);
      out[first + i] = t[i].lo - (y & (0 - static_cast<std::uint64_t>(choices[first + i])));
    }
  }
  guard.done();
  return out;
}

std::vector<Block> ExtensionReceiver::chosen_ot(std::span<const bool> choices) {
  usable();
  const std::size_t count = choices.size();
  check_count(count, "ot::ExtensionReceiver::chosen_ot");
  Guard guard(aborted_);
  std::vector<Block> out(count);
  for (std::size_t first = 0; first < count; first += sub_batch) {
    const std::size_t n = std::min(sub_batch, count - first);
    auto t = extend(choices.subspan(first, n));
    hash_.hash(t, next_index_, t);
    next_index_ += n;
    const auto msg = decode_from<MaskedMessages>(peer_, net_->receive_message(peer_, 16 + 32 * sub_batch));
    if (msg.kind != MaskedMessages::Kind::chosen_blocks || msg.count != n) {
      throw ProtocolError(peer_, "OT extension: expected " + std::to_string(n) +
                                     " chosen-message pairs, the sender sent another kind or count");
    }
    for (std::size_t i = 0; i < n; ++i) {
      const Block y0 = Block::from_bytes(ByteView(msg.payload).subspan(i * 32, 16));
      const Block y1 = Block::from_bytes(ByteView(msg.payload).subspan(i * 32 + 16, 16));
      const Block m = Block::mask(choices[first + i]);
      out[first + i] = t[i] ^ (y0 & Block{~m.lo, ~m.hi}) ^ (y1 & m);
    }
  }
  guard.done();
  return out;
}

PairwiseSessions open_pairwise(net::Network& net, std::size_t parties, Prg& prg) {
  const std::size_t self = net.party_id();
  PairwiseSessions s;
  s.senders.resize(parties);
  s.receivers.resize(parties);
  for (std::size_t peer = 0; peer < parties; ++peer) {
    if (peer == self) continue;
    if (self < peer) {
      s.senders[peer] = std::make_unique<ExtensionSender>(net, peer, prg);
      s.receivers[peer] = std::make_unique<ExtensionReceiver>(net, peer, prg);
    } else {
      s.receivers[peer] = std::make_unique<ExtensionReceiver>(net, peer, prg);
      s.senders[peer] = std::make_unique<ExtensionSender>(net, peer, prg);
    }
  }
  return s;
}

}  // namespace privfin::ot
