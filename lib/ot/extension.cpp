// IKNP OT extension with the KOS consistency check; see
// include/privfin/ot/extension.hpp for the protocol and its security.
#include "privfin/ot/extension.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <string>
#include <utility>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "privfin/core/detail/bit_stream.hpp"
#include "privfin/core/detail/bit_transpose.hpp"
#include "privfin/core/detail/cpu.hpp"
#include "privfin/core/error.hpp"
#include "privfin/ot/base_ot.hpp"
#include "privfin/ot/messages.hpp"
#include "session_support.hpp"

namespace privfin::ot {

namespace detail {

void transpose_128(std::span<const std::byte> columns, std::size_t bytes_per_column, std::span<Block> rows) {
  const std::size_t bits = bytes_per_column * 8;
  if (columns.size() != 128 * bytes_per_column || rows.size() != bits || bytes_per_column % 2 != 0) {
    throw InvalidArgument("ot::detail::transpose_128: sizes do not match");
  }
  // 64 rows x 64 columns at a time: word w of 64 columns, transposed, is
  // the low or high half of rows 64w .. 64w + 63 (the tail word, when the
  // column length is not a multiple of 8 bytes, zero-padded).
  const bool avx512 = ::privfin::detail::transpose64_avx512_supported();
  const auto* in = reinterpret_cast<const unsigned char*>(columns.data());
  std::array<std::uint64_t, 64> tile{};
  for (std::size_t first_byte = 0; first_byte < bytes_per_column; first_byte += 8) {
    const std::size_t len = std::min<std::size_t>(8, bytes_per_column - first_byte);
    for (std::size_t half = 0; half < 2; ++half) {
      for (std::size_t j = 0; j < 64; ++j) {
        std::uint64_t word = 0;
        std::memcpy(&word, in + (64 * half + j) * bytes_per_column + first_byte, len);
        tile[j] = word;
      }
      ::privfin::detail::transpose64(tile, avx512);
      Block* out = rows.data() + first_byte * 8;
      const std::size_t n = len * 8;
      if (half == 0) {
        for (std::size_t t = 0; t < n; ++t) out[t].lo = tile[t];
      } else {
        for (std::size_t t = 0; t < n; ++t) out[t].hi = tile[t];
      }
    }
  }
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
// Four rows per step with VPCLMULQDQ on 512-bit registers, the same sums.
__attribute__((target("avx512f,vpclmulqdq,pclmul,sse2"))) std::array<Block, 2> clmul_sum_vpclmul(
    std::span<const Block> a, std::span<const Block> b) {
  __m512i lo = _mm512_setzero_si512();
  __m512i mid = _mm512_setzero_si512();
  __m512i hi = _mm512_setzero_si512();
  std::size_t i = 0;
  for (; i + 4 <= a.size(); i += 4) {
    const __m512i x = _mm512_loadu_si512(&a[i]);
    const __m512i y = _mm512_loadu_si512(&b[i]);
    lo = _mm512_xor_si512(lo, _mm512_clmulepi64_epi128(x, y, 0x00));
    hi = _mm512_xor_si512(hi, _mm512_clmulepi64_epi128(x, y, 0x11));
    mid = _mm512_xor_si512(mid, _mm512_xor_si512(_mm512_clmulepi64_epi128(x, y, 0x01),
                                                 _mm512_clmulepi64_epi128(x, y, 0x10)));
  }
  alignas(64) std::array<std::uint64_t, 8> l{}, m{}, h{};
  _mm512_store_si512(l.data(), lo);
  _mm512_store_si512(m.data(), mid);
  _mm512_store_si512(h.data(), hi);
  std::array<std::uint64_t, 2> lo2{}, mid2{}, hi2{};
  for (std::size_t lane = 0; lane < 4; ++lane) {
    for (std::size_t w = 0; w < 2; ++w) {
      lo2[w] ^= l[2 * lane + w];
      mid2[w] ^= m[2 * lane + w];
      hi2[w] ^= h[2 * lane + w];
    }
  }
  // The tail and the unreduced combination as in clmul_sum_pclmul.
  const auto tail = clmul_sum_pclmul(a.subspan(i), b.subspan(i));
  std::array<Block, 2> out{};
  // lo + mid * 2^64 + hi * 2^128 (256 bits: out[0] low 128, out[1] high 128).
  out[0] = Block{lo2[0], lo2[1] ^ mid2[0]};
  out[1] = Block{hi2[0] ^ mid2[1], hi2[1]};
  out[0] ^= tail[0];
  out[1] ^= tail[1];
  return out;
}
#endif

}  // namespace

std::array<Block, 2> clmul_sum(std::span<const Block> a, std::span<const Block> b) {
  if (a.size() != b.size()) throw InvalidArgument("ot::detail::clmul_sum: sizes differ");
#if defined(__x86_64__)
  const ::privfin::detail::CpuFeatures& cpu = ::privfin::detail::cpu_features();
  if (cpu.pclmul && cpu.os_avx512 && cpu.avx512f && cpu.vpclmulqdq) return clmul_sum_vpclmul(a, b);
  if (cpu.pclmul) return clmul_sum_pclmul(a, b);
#endif
  return clmul_sum_portable(a, b);
}

}  // namespace detail

namespace {

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

// sum_i chi_i * rows[i] (unreduced), chi_i drawn from Prg(seed) in order;
// `chi` is scratch.
std::array<Block, 2> chi_sum(const Prg::Seed& seed, std::span<const Block> rows, std::vector<Block>& chi) {
  Prg chi_prg(seed);
  chi.resize(std::min(chunk_rows, rows.size()));
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

// The wire form of a message: `head`, then `payload_bytes` the caller
// writes in place. `wire` is reused from batch to batch (it grows once);
// the returned span is the payload's place.
std::span<std::byte> prepare_wire(Bytes& wire, ByteView head, std::size_t payload_bytes) {
  if (wire.size() < head.size() + payload_bytes) wire.resize(head.size() + payload_bytes);
  std::copy(head.begin(), head.end(), wire.begin());
  return std::span<std::byte>(wire).subspan(head.size(), payload_bytes);
}

// OT messages are hashed this many rows at a time, in buffers that stay in L1.
constexpr std::size_t hash_rows = 512;

// The sender's two messages of every row: f(i, H(first_index + i, q_i),
// H(first_index + i, q_i ^ Delta)) for i in order.
template <class F>
void hash_row_pairs(TweakableHash& hash, std::span<const Block> rows, std::uint64_t first_index, Block delta, F&& f) {
  std::array<Block, hash_rows> h0{};
  std::array<Block, hash_rows> h1{};
  for (std::size_t at = 0; at < rows.size(); at += hash_rows) {
    const std::size_t m = std::min(hash_rows, rows.size() - at);
    const auto q = rows.subspan(at, m);
    hash.hash(q, first_index + at, std::span(h0).first(m));
    hash.hash(q, first_index + at, std::span(h1).first(m), delta);
    for (std::size_t i = 0; i < m; ++i) f(at + i, h0[i], h1[i]);
  }
}

static_assert(std::endian::native == std::endian::little, "OT corrections are little-endian words on the wire");
// The width of OT i repeats every 64 OTs; batches start at multiples of 64.
static_assert(sub_batch % 64 == 0);

MaskedMessages::Kind kind_of(CorrelationWidth width) {
  switch (width) {
    case CorrelationWidth::full:
      return MaskedMessages::Kind::correlated_u64;
    case CorrelationWidth::gilboa:
      return MaskedMessages::Kind::correlated_gilboa;
    case CorrelationWidth::bits:
      return MaskedMessages::Kind::correlated_bits;
  }
  throw InvalidArgument("ot: unknown correlation width " + std::to_string(static_cast<unsigned>(width)));
}

// The bits of OT i's correction (i counted from a multiple of 64).
unsigned bits_of(CorrelationWidth width, std::size_t i) {
  switch (width) {
    case CorrelationWidth::full:
      return 64;
    case CorrelationWidth::gilboa:
      return 64 - static_cast<unsigned>(i % 64);
    case CorrelationWidth::bits:
      return 1;
  }
  return 64;
}

// Narrow corrections on the wire (MaskedMessages kinds 3 and 4). The
// Gilboa widths repeat every 64 OTs and 128 of them fill exactly 65 words,
// so a group of 128 is packed with every shift and word index known at
// compile time (a generic bit writer costs a data-dependent branch per OT,
// which made the triples 15-20% slower than the full words did); a tail of
// fewer than 128 (64 for one-bit corrections) goes through the generic one.
constexpr std::size_t gilboa_group = 128;
constexpr std::size_t gilboa_group_bytes = 520;  // 2 x 2,080 bits

// Bit offset of correction j (0..127) in its group.
constexpr std::size_t gilboa_offset(std::size_t j) {
  const std::size_t k = j % 64;
  return (j / 64) * 2080 + k * 64 - k * (k - 1) / 2;
}
static_assert(gilboa_offset(127) + 1 == 8 * gilboa_group_bytes);
static_assert(hash_rows % gilboa_group == 0);

template <std::size_t J>
void gilboa_put(const std::uint64_t* y, std::uint64_t* words) {
  constexpr std::size_t at = gilboa_offset(J);
  constexpr unsigned shift = at % 64;
  constexpr unsigned width = 64 - J % 64;
  words[at / 64] |= y[J] << shift;
  if constexpr (shift + width > 64) words[at / 64 + 1] |= y[J] >> (64 - shift);
}

template <std::size_t J>
void gilboa_get(const std::uint64_t* words, std::uint64_t* y) {
  constexpr std::size_t at = gilboa_offset(J);
  constexpr unsigned shift = at % 64;
  constexpr unsigned width = 64 - J % 64;
  std::uint64_t v = words[at / 64] >> shift;
  if constexpr (shift + width > 64) v |= words[at / 64 + 1] << (64 - shift);
  y[J] = privfin::detail::low_bits(v, width);
}

template <std::size_t... J>
void gilboa_pack_group(const std::uint64_t* y, std::byte* out, std::index_sequence<J...>) {
  std::array<std::uint64_t, gilboa_group_bytes / 8> words{};
  (gilboa_put<J>(y, words.data()), ...);
  std::memcpy(out, words.data(), gilboa_group_bytes);
}

template <std::size_t... J>
void gilboa_unpack_group(const std::byte* in, std::uint64_t* y, std::index_sequence<J...>) {
  std::array<std::uint64_t, gilboa_group_bytes / 8> words{};
  std::memcpy(words.data(), in, gilboa_group_bytes);
  (gilboa_get<J>(words.data(), y), ...);
}

// OTs and bytes of one packing group.
std::size_t group_ots(CorrelationWidth width) { return width == CorrelationWidth::gilboa ? gilboa_group : 64; }
std::size_t group_bytes(CorrelationWidth width) { return width == CorrelationWidth::gilboa ? gilboa_group_bytes : 8; }

// Where the packed corrections of OT `at` start (`at` a multiple of 128).
std::size_t narrow_offset(CorrelationWidth width, std::size_t at) {
  return at / group_ots(width) * group_bytes(width);
}

// y (each below 2^width of its OT, the first at a multiple of 128) into
// `out`, from its start to its end.
void pack_narrow(CorrelationWidth width, std::span<const std::uint64_t> y, std::span<std::byte> out) {
  const std::size_t group = group_ots(width);
  const std::size_t groups = y.size() / group;
  for (std::size_t g = 0; g < groups; ++g) {
    if (width == CorrelationWidth::gilboa) {
      gilboa_pack_group(y.data() + g * group, out.data() + g * gilboa_group_bytes,
                        std::make_index_sequence<gilboa_group>{});
    } else {
      std::uint64_t word = 0;
      for (std::size_t j = 0; j < 64; ++j) word |= y[g * 64 + j] << j;
      std::memcpy(out.data() + g * 8, &word, 8);
    }
  }
  privfin::detail::BitWriter tail(out.subspan(groups * group_bytes(width)));
  for (std::size_t i = groups * group; i < y.size(); ++i) tail.put(y[i], bits_of(width, i));
  tail.finish();
}

void unpack_narrow(CorrelationWidth width, ByteView in, std::span<std::uint64_t> y) {
  const std::size_t group = group_ots(width);
  const std::size_t groups = y.size() / group;
  for (std::size_t g = 0; g < groups; ++g) {
    if (width == CorrelationWidth::gilboa) {
      gilboa_unpack_group(in.data() + g * gilboa_group_bytes, y.data() + g * group,
                          std::make_index_sequence<gilboa_group>{});
    } else {
      std::uint64_t word = 0;
      std::memcpy(&word, in.data() + g * 8, 8);
      for (std::size_t j = 0; j < 64; ++j) y[g * 64 + j] = (word >> j) & 1U;
    }
  }
  privfin::detail::BitReader tail(in.subspan(groups * group_bytes(width)));
  for (std::size_t i = groups * group; i < y.size(); ++i) y[i] = tail.get(bits_of(width, i));
}

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

ExtensionSender::~ExtensionSender() {
  sodium_memzero(&delta_, sizeof(delta_));
  if (!rows_.empty()) sodium_memzero(rows_.data(), rows_.size() * sizeof(Block));
  secure_wipe(columns_scratch_);
}

void ExtensionSender::usable() const {
  if (aborted_) throw ProtocolError(peer_, "OT extension: this session aborted earlier and cannot continue");
}

void ExtensionSender::receive_matrix(std::size_t n) {
  const std::size_t rows = extension_rows(n);
  const std::size_t col_bytes = rows / 8;
  const auto matrix = support::decode_from<ExtensionMatrixView>(
      peer_, net_->receive_message_into(peer_, 16 + 16 * extension_rows(sub_batch), wire_in_));
  if (matrix.count != n) {
    throw ProtocolError(peer_, "OT extension: receiver extends " + std::to_string(matrix.count) +
                                   " OTs, this sender " + std::to_string(n));
  }
  // q_j = G(k_j^{Delta_j}) ^ Delta_j * u_j = t_j ^ Delta_j * r, a chunk of
  // rows at a time so that the columns being transposed stay in cache.
  batch_ = n;
  rows_.resize(std::max(rows_.size(), rows));
  const std::size_t scratch_bytes = 128 * std::min(chunk_rows, rows) / 8;
  if (columns_scratch_.size() < scratch_bytes) columns_scratch_.resize(scratch_bytes);
  for (std::size_t first = 0; first < rows; first += chunk_rows) {
    const std::size_t m = std::min(chunk_rows, rows - first);
    const std::size_t m_bytes = m / 8;
    for (std::size_t j = 0; j < 128; ++j) {
      const auto col = std::span(columns_scratch_).subspan(j * m_bytes, m_bytes);
      columns_[j].fill(col);
      const auto mask = static_cast<std::byte>(0 - static_cast<unsigned>(delta_.bit(j)));
      const auto* u = matrix.columns.data() + j * col_bytes + first / 8;
      for (std::size_t k = 0; k < m_bytes; ++k) col[k] ^= u[k] & mask;
    }
    detail::transpose_128(std::span(columns_scratch_).first(128 * m_bytes), m_bytes,
                          std::span(rows_).subspan(first, m));
  }
  // KOS check: chi from a seed chosen now, after the matrix is fixed.
  challenge_ = prg_.next_seed();
  net_->send_message(peer_, ConsistencyChallenge{challenge_}.to_bytes());
}

void ExtensionSender::check_response() {
  const auto response = support::decode_from<ConsistencyResponse>(peer_, net_->receive_message(peer_, 64));
  const auto lhs = chi_sum(challenge_, std::span<const Block>(rows_).first(extension_rows(batch_)), chi_);
  const std::array<Block, 1> x{response.x};
  const std::array<Block, 1> d{delta_};
  const auto x_delta = detail::clmul_sum(x, d);
  const std::array<Block, 2> rhs{response.t_low ^ x_delta[0], response.t_high ^ x_delta[1]};
  if (sodium_memcmp(lhs.data(), rhs.data(), sizeof(lhs)) != 0) {
    throw ProtocolError(peer_, "OT extension: KOS consistency check failed (the receiver's choice bits differ "
                               "between columns of the extension matrix)");
  }
}

void ExtensionSender::send_corrections(std::span<const std::uint64_t> correlations, std::span<std::uint64_t> m0,
                                       CorrelationWidth width) {
  const std::size_t n = batch_;
  const auto kind = kind_of(width);
  const Bytes head = MaskedMessages::header(kind, n);
  const std::size_t bytes = masked_payload_bytes(kind, n);
  const auto payload = prepare_wire(wire_out_, head, bytes);
  const auto rows = std::span<const Block>(rows_).first(n);
  // The receiver with choice 1 holds h1 and computes h1 - y = m0 + correlation.
  if (width == CorrelationWidth::full) {
    hash_row_pairs(hash_, rows, next_index_, delta_, [&](std::size_t i, const Block& h0, const Block& h1) {
      m0[i] = h0.lo;
      const std::uint64_t y = h1.lo - h0.lo - correlations[i];
      std::memcpy(payload.data() + i * 8, &y, 8);
    });
  } else {
    // A chunk of hash_rows (a multiple of the packing groups) at a time, so
    // the corrections are packed while they are in L1.
    narrow_.resize(hash_rows);
    for (std::size_t at = 0; at < n; at += hash_rows) {
      const std::size_t m = std::min(hash_rows, n - at);
      hash_row_pairs(hash_, rows.subspan(at, m), next_index_ + at, delta_,
                     [&](std::size_t i, const Block& h0, const Block& h1) {
                       const unsigned bits = bits_of(width, at + i);
                       m0[at + i] = privfin::detail::low_bits(h0.lo, bits);
                       narrow_[i] = privfin::detail::low_bits(h1.lo - h0.lo - correlations[at + i], bits);
                     });
      pack_narrow(width, std::span<const std::uint64_t>(narrow_).first(m), payload.subspan(narrow_offset(width, at)));
    }
  }
  next_index_ += n;
  net_->send_message(peer_, ByteView(wire_out_).first(head.size() + bytes));
}

void ExtensionSender::hash_pairs(std::span<std::array<Block, 2>> out) {
  const std::size_t n = batch_;
  hash_row_pairs(hash_, std::span<const Block>(rows_).first(n), next_index_, delta_,
                 [&](std::size_t i, const Block& h0, const Block& h1) { out[i] = {h0, h1}; });
  next_index_ += n;
}

std::vector<std::array<Block, 2>> ExtensionSender::random_ot(std::size_t count) {
  usable();
  check_count(count, "ot::ExtensionSender::random_ot");
  support::AbortGuard guard(aborted_);
  std::vector<std::array<Block, 2>> out(count);
  for (std::size_t first = 0; first < count; first += sub_batch) {
    const std::size_t n = std::min(sub_batch, count - first);
    receive_matrix(n);
    check_response();
    hash_pairs(std::span(out).subspan(first, n));
  }
  guard.done();
  return out;
}

std::vector<std::uint64_t> ExtensionSender::correlated_ot(std::span<const std::uint64_t> correlations) {
  std::vector<std::uint64_t> m0(correlations.size());
  correlated_ot(correlations, m0);
  return m0;
}

void ExtensionSender::correlated_ot(std::span<const std::uint64_t> correlations, std::span<std::uint64_t> m0,
                                    CorrelationWidth width) {
  usable();
  const std::size_t count = correlations.size();
  check_count(count, "ot::ExtensionSender::correlated_ot");
  if (m0.size() != count) {
    throw InvalidArgument("ot::ExtensionSender::correlated_ot: " + std::to_string(count) + " correlations, " +
                          std::to_string(m0.size()) + " outputs");
  }
  support::AbortGuard guard(aborted_);
  for (std::size_t first = 0; first < count; first += sub_batch) {
    const std::size_t n = std::min(sub_batch, count - first);
    receive_matrix(n);
    check_response();
    send_corrections(correlations.subspan(first, n), m0.subspan(first, n), width);
  }
  net_->flush();
  guard.done();
}

void ExtensionSender::chosen_ot(std::span<const std::array<Block, 2>> messages) {
  usable();
  const std::size_t count = messages.size();
  check_count(count, "ot::ExtensionSender::chosen_ot");
  support::AbortGuard guard(aborted_);
  for (std::size_t first = 0; first < count; first += sub_batch) {
    const std::size_t n = std::min(sub_batch, count - first);
    receive_matrix(n);
    check_response();
    const Bytes head = MaskedMessages::header(MaskedMessages::Kind::chosen_blocks, n);
    const auto payload = prepare_wire(wire_out_, head, n * 32);
    hash_row_pairs(hash_, std::span<const Block>(rows_).first(n), next_index_, delta_,
                   [&](std::size_t i, const Block& h0, const Block& h1) {
                     const auto y0 = (messages[first + i][0] ^ h0).to_bytes();
                     const auto y1 = (messages[first + i][1] ^ h1).to_bytes();
                     std::copy(y0.begin(), y0.end(), payload.begin() + static_cast<std::ptrdiff_t>(i * 32));
                     std::copy(y1.begin(), y1.end(), payload.begin() + static_cast<std::ptrdiff_t>(i * 32 + 16));
                   });
    next_index_ += n;
    net_->send_message(peer_, ByteView(wire_out_).first(head.size() + n * 32));
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

ExtensionReceiver::~ExtensionReceiver() {
  if (!rows_.empty()) sodium_memzero(rows_.data(), rows_.size() * sizeof(Block));
  secure_wipe(choice_bits_);
  secure_wipe(columns_scratch_);
}

void ExtensionReceiver::usable() const {
  if (aborted_) throw ProtocolError(peer_, "OT extension: this session aborted earlier and cannot continue");
}

void ExtensionReceiver::send_matrix(std::span<const bool> choices) {
  const std::size_t count = choices.size();
  const std::size_t rows = extension_rows(count);
  const std::size_t col_bytes = rows / 8;
  batch_ = count;
  // r: the choices, then random padding rows that mask x in the check.
  choice_bits_.resize(std::max(choice_bits_.size(), col_bytes));
  const auto r = std::span(choice_bits_).first(col_bytes);
  prg_.fill(r);
  for (std::size_t i = 0; i < count; ++i) {
    const auto bit = static_cast<std::byte>(1U << (i % 8));
    r[i / 8] = (r[i / 8] & ~bit) | (choices[i] ? bit : std::byte{0});
  }
  // A chunk of rows at a time: t_j = G(k_j^0) into a cache-sized buffer,
  // u_j = t_j ^ G(k_j^1) ^ r straight into the message.
  const Bytes head = ExtensionMatrix::header(count);
  const auto u = prepare_wire(wire_out_, head, 128 * col_bytes);
  rows_.resize(std::max(rows_.size(), rows));
  const std::size_t scratch_bytes = 128 * std::min(chunk_rows, rows) / 8;
  if (columns_scratch_.size() < scratch_bytes) columns_scratch_.resize(scratch_bytes);
  for (std::size_t first = 0; first < rows; first += chunk_rows) {
    const std::size_t n = std::min(chunk_rows, rows - first);
    const std::size_t n_bytes = n / 8;
    for (std::size_t j = 0; j < 128; ++j) {
      const auto tj = std::span(columns_scratch_).subspan(j * n_bytes, n_bytes);
      const auto uj = u.subspan(j * col_bytes + first / 8, n_bytes);
      columns_[j][0].fill(tj);
      columns_[j][1].fill(uj);
      const std::byte* rr = r.data() + first / 8;
      for (std::size_t k = 0; k < n_bytes; ++k) uj[k] ^= tj[k] ^ rr[k];
    }
    detail::transpose_128(std::span(columns_scratch_).first(128 * n_bytes), n_bytes,
                          std::span(rows_).subspan(first, n));
  }
  net_->send_message(peer_, ByteView(wire_out_).first(head.size() + 128 * col_bytes));
}

void ExtensionReceiver::answer_challenge() {
  const std::size_t rows = extension_rows(batch_);
  const auto challenge = support::decode_from<ConsistencyChallenge>(peer_, net_->receive_message(peer_, 64));
  ConsistencyResponse response{};
  Prg chi_prg(challenge.seed);
  chi_.resize(std::min(chunk_rows, rows));
  for (std::size_t first = 0; first < rows; first += chunk_rows) {
    const std::size_t n = std::min(chunk_rows, rows - first);
    chi_prg.fill(std::span(chi_).first(n));
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t row = first + i;
      const bool bit = ((static_cast<unsigned>(choice_bits_[row / 8]) >> (row % 8)) & 1U) != 0;
      response.x ^= chi_[i] & Block::mask(bit);
    }
    const auto part = detail::clmul_sum(std::span(chi_).first(n), std::span(rows_).subspan(first, n));
    response.t_low ^= part[0];
    response.t_high ^= part[1];
  }
  net_->send_message(peer_, response.to_bytes());
  net_->flush();  // random OT ends here for the receiver
}

MaskedMessagesView ExtensionReceiver::receive_masked(MaskedMessages::Kind kind) {
  const std::size_t n = batch_;
  const auto t = std::span(rows_).first(n);
  hash_.hash(t, next_index_, t);
  next_index_ += n;
  const bool chosen = kind == MaskedMessages::Kind::chosen_blocks;
  const auto msg = support::decode_from<MaskedMessagesView>(
      peer_, net_->receive_message_into(peer_, 16 + (chosen ? 32 : 8) * sub_batch, wire_in_));
  if (msg.kind != kind || msg.count != n) {
    throw ProtocolError(peer_, "OT extension: expected " + std::to_string(n) +
                                   (chosen ? " chosen-message pairs" : " correlated words") +
                                   ", the sender sent another kind or count");
  }
  return msg;
}

void ExtensionReceiver::receive_corrections(std::span<const bool> choices, std::span<std::uint64_t> out,
                                            CorrelationWidth width) {
  const std::size_t n = batch_;
  const auto t = std::span<const Block>(rows_).first(n);
  const auto msg = receive_masked(kind_of(width));
  if (width == CorrelationWidth::full) {
    for (std::size_t i = 0; i < n; ++i) {
      std::uint64_t y = 0;
      std::memcpy(&y, msg.payload.data() + i * 8, 8);
      out[i] = t[i].lo - (y & (0 - static_cast<std::uint64_t>(choices[i])));
    }
    return;
  }
  narrow_.resize(hash_rows);
  for (std::size_t at = 0; at < n; at += hash_rows) {
    const std::size_t m = std::min(hash_rows, n - at);
    unpack_narrow(width, msg.payload.subspan(narrow_offset(width, at)), std::span(narrow_).first(m));
    for (std::size_t i = 0; i < m; ++i) {
      out[at + i] = privfin::detail::low_bits(
          t[at + i].lo - (narrow_[i] & (0 - static_cast<std::uint64_t>(choices[at + i]))), bits_of(width, at + i));
    }
  }
}

std::vector<Block> ExtensionReceiver::random_ot(std::span<const bool> choices) {
  usable();
  const std::size_t count = choices.size();
  check_count(count, "ot::ExtensionReceiver::random_ot");
  support::AbortGuard guard(aborted_);
  std::vector<Block> out(count);
  for (std::size_t first = 0; first < count; first += sub_batch) {
    const std::size_t n = std::min(sub_batch, count - first);
    send_matrix(choices.subspan(first, n));
    answer_challenge();
    hash_chosen(std::span(out).subspan(first, n));
  }
  guard.done();
  return out;
}

void ExtensionReceiver::hash_chosen(std::span<Block> out) {
  hash_.hash(std::span<const Block>(rows_).first(batch_), next_index_, out);
  next_index_ += batch_;
}

std::vector<std::uint64_t> ExtensionReceiver::correlated_ot(std::span<const bool> choices) {
  std::vector<std::uint64_t> out(choices.size());
  correlated_ot(choices, out);
  return out;
}

void ExtensionReceiver::correlated_ot(std::span<const bool> choices, std::span<std::uint64_t> out,
                                      CorrelationWidth width) {
  usable();
  const std::size_t count = choices.size();
  check_count(count, "ot::ExtensionReceiver::correlated_ot");
  if (out.size() != count) {
    throw InvalidArgument("ot::ExtensionReceiver::correlated_ot: " + std::to_string(count) + " choices, " +
                          std::to_string(out.size()) + " outputs");
  }
  support::AbortGuard guard(aborted_);
  for (std::size_t first = 0; first < count; first += sub_batch) {
    const std::size_t n = std::min(sub_batch, count - first);
    send_matrix(choices.subspan(first, n));
    answer_challenge();
    receive_corrections(choices.subspan(first, n), out.subspan(first, n), width);
  }
  guard.done();
}

std::vector<Block> ExtensionReceiver::chosen_ot(std::span<const bool> choices) {
  usable();
  const std::size_t count = choices.size();
  check_count(count, "ot::ExtensionReceiver::chosen_ot");
  support::AbortGuard guard(aborted_);
  std::vector<Block> out(count);
  for (std::size_t first = 0; first < count; first += sub_batch) {
    const std::size_t n = std::min(sub_batch, count - first);
    send_matrix(choices.subspan(first, n));
    answer_challenge();
    const auto t = std::span<const Block>(rows_).first(n);
    const auto msg = receive_masked(MaskedMessages::Kind::chosen_blocks);
    for (std::size_t i = 0; i < n; ++i) {
      const Block y0 = Block::from_bytes(msg.payload.subspan(i * 32, 16));
      const Block y1 = Block::from_bytes(msg.payload.subspan(i * 32 + 16, 16));
      const Block m = Block::mask(choices[first + i]);
      out[first + i] = t[i] ^ (y0 & Block{~m.lo, ~m.hi}) ^ (y1 & m);
    }
  }
  guard.done();
  return out;
}

// ---------------------------------------------------------- both directions

namespace detail {

class Exchange {
 public:
  // Checks every job (sessions, peers, counts; `outputs_fit` the caller's
  // check of its output spans), then runs batch b of every job, one phase
  // at a time. A phase only waits for what the peers sent in the phase
  // before, which they send before they wait.
  template <class Job, class SenderCount, class Choices, class SenderDone, class ReceiverDone>
  static void run(std::span<const Job> jobs, const char* where, bool outputs_fit, SenderCount sender_count,
                  Choices choices_of, SenderDone sender_done, ReceiverDone receiver_done) {
    for (std::size_t k = 0; k < jobs.size(); ++k) {
      const Job& job = jobs[k];
      if (job.sender == nullptr || job.receiver == nullptr) {
        throw InvalidArgument(std::string(where) + ": null session");
      }
      if (job.sender->peer_ != job.receiver->peer_ || job.sender->net_ != job.receiver->net_) {
        throw InvalidArgument(std::string(where) + ": a job's sender and receiver have different peers or networks");
      }
      for (std::size_t other = 0; other < k; ++other) {
        if (jobs[other].sender->peer_ == job.sender->peer_) {
          throw InvalidArgument(std::string(where) + ": two jobs with peer " + std::to_string(job.sender->peer_));
        }
      }
    }
    if (!outputs_fit) throw InvalidArgument(std::string(where) + ": output sizes differ from input sizes");
    for (const Job& job : jobs) {
      check_count(sender_count(job), where);
      check_count(choices_of(job).size(), where);
      job.sender->usable();
      job.receiver->usable();
    }
    // Every session of the call is marked aborted until the call completes.
    for (const Job& job : jobs) {
      job.sender->aborted_ = true;
      job.receiver->aborted_ = true;
    }
    const auto batches = [](std::size_t count) { return (count + sub_batch - 1) / sub_batch; };
    std::size_t rounds = 0;
    for (const Job& job : jobs) {
      rounds = std::max({rounds, batches(sender_count(job)), batches(choices_of(job).size())});
    }
    for (std::size_t b = 0; b < rounds; ++b) {
      const std::size_t first = b * sub_batch;
      const auto size_of = [&](std::size_t count) { return first < count ? std::min(sub_batch, count - first) : 0; };
      for (const Job& job : jobs) {
        if (const std::size_t n = size_of(choices_of(job).size()); n != 0) {
          job.receiver->send_matrix(choices_of(job).subspan(first, n));
        }
      }
      for (const Job& job : jobs) {
        if (const std::size_t n = size_of(sender_count(job)); n != 0) job.sender->receive_matrix(n);
      }
      for (const Job& job : jobs) {
        if (size_of(choices_of(job).size()) != 0) job.receiver->answer_challenge();
      }
      for (const Job& job : jobs) {
        if (const std::size_t n = size_of(sender_count(job)); n != 0) {
          job.sender->check_response();
          sender_done(job, first, n);
        }
      }
      for (const Job& job : jobs) {
        if (const std::size_t n = size_of(choices_of(job).size()); n != 0) receiver_done(job, first, n);
      }
    }
    for (const Job& job : jobs) {
      job.sender->net_->flush();
      job.sender->aborted_ = false;
      job.receiver->aborted_ = false;
    }
  }

  static void correlated(std::span<const CorrelatedExchange> jobs) {
    bool fit = true;
    for (const auto& job : jobs) {
      fit = fit && job.m0.size() == job.correlations.size() && job.chosen.size() == job.choices.size();
    }
    run(
        jobs, "ot::correlated_ot_exchange", fit, [](const CorrelatedExchange& job) { return job.correlations.size(); },
        [](const CorrelatedExchange& job) { return job.choices; },
        [](const CorrelatedExchange& job, std::size_t first, std::size_t n) {
          job.sender->send_corrections(job.correlations.subspan(first, n), job.m0.subspan(first, n), job.width);
        },
        [](const CorrelatedExchange& job, std::size_t first, std::size_t n) {
          job.receiver->receive_corrections(job.choices.subspan(first, n), job.chosen.subspan(first, n), job.width);
        });
  }

  static void random(std::span<const RandomExchange> jobs) {
    bool fit = true;
    for (const auto& job : jobs) fit = fit && job.chosen.size() == job.choices.size();
    run(
        jobs, "ot::random_ot_exchange", fit, [](const RandomExchange& job) { return job.pairs.size(); },
        [](const RandomExchange& job) { return job.choices; },
        [](const RandomExchange& job, std::size_t first, std::size_t n) {
          job.sender->hash_pairs(job.pairs.subspan(first, n));
        },
        [](const RandomExchange& job, std::size_t first, std::size_t n) {
          job.receiver->hash_chosen(job.chosen.subspan(first, n));
        });
  }
};

}  // namespace detail

void correlated_ot_exchange(std::span<const CorrelatedExchange> jobs) { detail::Exchange::correlated(jobs); }

void random_ot_exchange(std::span<const RandomExchange> jobs) { detail::Exchange::random(jobs); }

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
