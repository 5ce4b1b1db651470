// edwards25519 over GF(2^255 - 19) for public data: see the header.
// Field arithmetic in radix 2^51; point formulas from Hisil, Wong, Carter,
// Dawson, "Twisted Edwards Curves Revisited" (ASIACRYPT 2008), §3.1 and
// §3.3, for a = -1.
#include "edwards25519_vartime.hpp"

#include "fe25519_ifma.hpp"

#include <algorithm>
#include <vector>

#include "privfin/core/bigint.hpp"
#include "privfin/core/detail/int128.hpp"
#include "privfin/sig/edwards25519.hpp"

namespace privfin::sig::detail::ed {
namespace {

using privfin::detail::uint128;
constexpr std::uint64_t mask51 = (std::uint64_t{1} << 51) - 1;

Fe fe_from_u64(std::uint64_t x) {
  Fe r;
  r.v[0] = x;
  return r;
}

// One carry pass: limbs below 2^51, except limb 0 which may exceed it by
// 19 times the top carry.
[[gnu::always_inline]] inline Fe carry(const Fe& a) {
  Fe r = a;
  std::uint64_t c = 0;
  for (std::size_t i = 0; i < 5; ++i) {
    r.v[i] += c;
    c = r.v[i] >> 51;
    r.v[i] &= mask51;
  }
  r.v[0] += 19 * c;
  return r;
}

[[gnu::always_inline]] inline Fe fe_add(const Fe& a, const Fe& b) {
  Fe r;
  for (std::size_t i = 0; i < 5; ++i) r.v[i] = a.v[i] + b.v[i];
  return r;
}

// a - b + 4p keeps limbs positive for inputs below 2^53.
[[gnu::always_inline]] inline Fe fe_sub(const Fe& a, const Fe& b) {
  constexpr std::uint64_t four_p0 = 4 * ((std::uint64_t{1} << 51) - 19);
  constexpr std::uint64_t four_pi = 4 * ((std::uint64_t{1} << 51) - 1);
  Fe r;
  r.v[0] = a.v[0] + four_p0 - b.v[0];
  for (std::size_t i = 1; i < 5; ++i) r.v[i] = a.v[i] + four_pi - b.v[i];
  return carry(r);
}

[[gnu::always_inline]] inline Fe fe_neg(const Fe& a) { return fe_sub(Fe{}, a); }

// Carries five 128-bit column sums into limbs below 2^51 (limb 1 may keep
// a few extra bits).
[[gnu::always_inline]] inline Fe reduce_wide(uint128 r0, uint128 r1, uint128 r2, uint128 r3, uint128 r4) {
  r1 += r0 >> 51;
  r2 += r1 >> 51;
  r3 += r2 >> 51;
  r4 += r3 >> 51;
  Fe r;
  r.v[0] = static_cast<std::uint64_t>(r0) & mask51;
  r.v[1] = static_cast<std::uint64_t>(r1) & mask51;
  r.v[2] = static_cast<std::uint64_t>(r2) & mask51;
  r.v[3] = static_cast<std::uint64_t>(r3) & mask51;
  r.v[4] = static_cast<std::uint64_t>(r4) & mask51;
  // The top carry times 19 folds back into limb 0 (2^255 = 19 mod p).
  const uint128 t0 = uint128(r.v[0]) + uint128(19) * (r4 >> 51);
  r.v[0] = static_cast<std::uint64_t>(t0) & mask51;
  r.v[1] += static_cast<std::uint64_t>(t0 >> 51);
  return r;
}

[[gnu::always_inline]] inline Fe fe_mul(const Fe& a, const Fe& b) {
  const std::uint64_t* x = a.v.data();
  const std::uint64_t* y = b.v.data();
  const std::uint64_t y1 = 19 * y[1], y2 = 19 * y[2], y3 = 19 * y[3], y4 = 19 * y[4];
  uint128 r0 = uint128(x[0]) * y[0] + uint128(x[1]) * y4 + uint128(x[2]) * y3 + uint128(x[3]) * y2 + uint128(x[4]) * y1;
  uint128 r1 = uint128(x[0]) * y[1] + uint128(x[1]) * y[0] + uint128(x[2]) * y4 + uint128(x[3]) * y3 + uint128(x[4]) * y2;
  uint128 r2 = uint128(x[0]) * y[2] + uint128(x[1]) * y[1] + uint128(x[2]) * y[0] + uint128(x[3]) * y4 + uint128(x[4]) * y3;
  uint128 r3 = uint128(x[0]) * y[3] + uint128(x[1]) * y[2] + uint128(x[2]) * y[1] + uint128(x[3]) * y[0] + uint128(x[4]) * y4;
  uint128 r4 = uint128(x[0]) * y[4] + uint128(x[1]) * y[3] + uint128(x[2]) * y[2] + uint128(x[3]) * y[1] + uint128(x[4]) * y[0];
  return reduce_wide(r0, r1, r2, r3, r4);
}

[[gnu::always_inline]] inline Fe fe_sq(const Fe& a) {
  const std::uint64_t* x = a.v.data();
  const std::uint64_t d0 = 2 * x[0], d1 = 2 * x[1], d2 = 2 * x[2];
  const std::uint64_t x3_19 = 19 * x[3], x4_19 = 19 * x[4];
  const uint128 r0 = uint128(x[0]) * x[0] + uint128(d1) * x4_19 + uint128(d2) * x3_19;
  const uint128 r1 = uint128(d0) * x[1] + uint128(d2) * x4_19 + uint128(x[3]) * x3_19;
  const uint128 r2 = uint128(d0) * x[2] + uint128(x[1]) * x[1] + uint128(2 * x[3]) * x4_19;
  const uint128 r3 = uint128(d0) * x[3] + uint128(d1) * x[2] + uint128(x[4]) * x4_19;
  const uint128 r4 = uint128(d0) * x[4] + uint128(d1) * x[3] + uint128(x[2]) * x[2];
  return reduce_wide(r0, r1, r2, r3, r4);
}

// z raised by an addition chain (the header's ChainStep).
Fe run_chain(const Fe& z, const std::array<ChainStep, 12>& chain) {
  std::array<Fe, 13> x;
  x[0] = z;
  for (std::size_t i = 0; i < chain.size(); ++i) {
    Fe t = x[chain[i].from];
    for (unsigned k = 0; k < chain[i].squarings; ++k) t = fe_sq(t);
    x[i + 1] = fe_mul(t, x[chain[i].times]);
  }
  return x[12];
}

Fe fe_invert(const Fe& z) { return run_chain(z, invert_chain); }

Fe fe_pow_p58(const Fe& z) { return run_chain(z, pow_p58_chain); }

// The canonical value in [0, p) as 32 little-endian bytes.
void fe_to_bytes(const Fe& a, std::array<std::byte, 32>& out) {
  Fe r = carry(a);  // limbs < 2^51 (limb 0 may exceed by a little; carry again)
  r = carry(r);
  // If r >= p then r + 19 >= 2^255: compute q = (r + 19) >> 255.
  std::uint64_t q = (r.v[0] + 19) >> 51;
  for (std::size_t i = 1; i < 5; ++i) q = (r.v[i] + q) >> 51;
  r.v[0] += 19 * q;
  std::uint64_t c = 0;
  for (std::size_t i = 0; i < 5; ++i) {
    r.v[i] += c;
    c = r.v[i] >> 51;
    r.v[i] &= mask51;
  }
  // Pack 5 x 51 bits into 255 bits.
  std::array<std::uint64_t, 4> w{};
  w[0] = r.v[0] | (r.v[1] << 51);
  w[1] = (r.v[1] >> 13) | (r.v[2] << 38);
  w[2] = (r.v[2] >> 26) | (r.v[3] << 25);
  w[3] = (r.v[3] >> 39) | (r.v[4] << 12);
  for (std::size_t i = 0; i < 32; ++i) out[i] = static_cast<std::byte>((w[i / 8] >> (8 * (i % 8))) & 0xff);
}

// Bit 255 is ignored.
Fe fe_from_bytes(ByteView in) {
  std::array<std::uint64_t, 4> w{};
  for (std::size_t i = 0; i < 32; ++i) w[i / 8] |= std::uint64_t{std::to_integer<std::uint8_t>(in[i])} << (8 * (i % 8));
  Fe r;
  r.v[0] = w[0] & mask51;
  r.v[1] = ((w[0] >> 51) | (w[1] << 13)) & mask51;
  r.v[2] = ((w[1] >> 38) | (w[2] << 26)) & mask51;
  r.v[3] = ((w[2] >> 25) | (w[3] << 39)) & mask51;
  r.v[4] = (w[3] >> 12) & mask51;
  return r;
}

Fe fe_from_mpz(const mpz_class& x) {
  const Bytes b = bigint::to_bytes_le(x, 32);
  return fe_from_bytes(b);
}

bool fe_is_zero(const Fe& a) {
  std::array<std::byte, 32> b{};
  fe_to_bytes(a, b);
  return std::all_of(b.begin(), b.end(), [](std::byte x) { return x == std::byte{0}; });
}

bool fe_is_odd(const Fe& a) {
  std::array<std::byte, 32> b{};
  fe_to_bytes(a, b);
  return (std::to_integer<unsigned>(b[0]) & 1u) != 0;
}

bool fe_equal(const Fe& a, const Fe& b) { return fe_is_zero(fe_sub(a, b)); }

const Fe& curve_d() {
  static const Fe d = fe_from_mpz(ed25519_curve::curve_d());
  return d;
}
const Fe& curve_2d() {
  static const Fe d2 = carry(fe_add(curve_d(), curve_d()));
  return d2;
}
const Fe& sqrt_m1() {
  static const Fe s = fe_from_mpz(ed25519_curve::sqrt_minus_one());
  return s;
}

// Q in the form (Y + X, Y - X, 2Z, 2dT) for repeated additions.
struct Cached {
  Fe ypx, ymx, z2, t2d;
};

Cached to_cached(const Point& p) {
  return Cached{carry(fe_add(p.y, p.x)), fe_sub(p.y, p.x), carry(fe_add(p.z, p.z)), fe_mul(p.t, curve_2d())};
}

// add-2008-hwcd-3 (a = -1), with Q cached; `negate` adds -Q instead.
Point add_cached(const Point& p, const Cached& q, bool negate) {
  const Fe a = fe_mul(fe_sub(p.y, p.x), negate ? q.ypx : q.ymx);
  const Fe b = fe_mul(fe_add(p.y, p.x), negate ? q.ymx : q.ypx);
  const Fe c = fe_mul(p.t, q.t2d);
  const Fe d = fe_mul(p.z, q.z2);
  const Fe e = fe_sub(b, a);
  const Fe f = negate ? fe_add(d, c) : fe_sub(d, c);
  const Fe g = negate ? fe_sub(d, c) : fe_add(d, c);
  const Fe h = fe_add(b, a);
  return Point{fe_mul(e, f), fe_mul(g, h), fe_mul(f, g), fe_mul(e, h)};
}

Niels to_niels(const Point& p, const Fe& zinv) {
  const Fe x = fe_mul(p.x, zinv);
  const Fe y = fe_mul(p.y, zinv);
  return Niels{carry(fe_add(y, x)), fe_sub(y, x), fe_mul(fe_mul(x, y), curve_2d())};
}

// madd-2008-hwcd-3 (a = -1): add_cached with Z2 = 1.
Point add_niels(const Point& p, const Niels& q, bool negate) {
  const Fe a = fe_mul(fe_sub(p.y, p.x), negate ? q.ypx : q.ymx);
  const Fe b = fe_mul(fe_add(p.y, p.x), negate ? q.ymx : q.ypx);
  const Fe c = fe_mul(p.t, q.xy2d);
  const Fe d = carry(fe_add(p.z, p.z));
  const Fe e = fe_sub(b, a);
  const Fe f = negate ? fe_add(d, c) : fe_sub(d, c);
  const Fe g = negate ? fe_sub(d, c) : fe_add(d, c);
  const Fe h = fe_add(b, a);
  return Point{fe_mul(e, f), fe_mul(g, h), fe_mul(f, g), fe_mul(e, h)};
}

// Width-w NAF of a scalar below 2^255: digits odd in (-2^(w-1), 2^(w-1))
// or 0, at most one non-zero digit in any w consecutive positions.
template <unsigned W>
std::array<std::int8_t, 256> wnaf(ByteView scalar) {
  static_assert(W >= 2 && W <= 8);
  constexpr std::uint64_t window = std::uint64_t{1} << W;
  std::array<std::uint64_t, 5> k{};
  for (std::size_t i = 0; i < 32; ++i) {
    k[i / 8] |= std::uint64_t{std::to_integer<std::uint8_t>(scalar[i])} << (8 * (i % 8));
  }
  std::array<std::int8_t, 256> naf{};
  std::size_t i = 0;
  while (i < 256) {
    if ((k[0] & 1u) == 0) {
      // Skip a run of zero bits at once.
      const bool all_zero = (k[0] | k[1] | k[2] | k[3] | k[4]) == 0;
      if (all_zero) break;
      unsigned shift = k[0] == 0 ? 63u : static_cast<unsigned>(__builtin_ctzll(k[0]));
      if (shift > 256 - i) shift = static_cast<unsigned>(256 - i);
      for (std::size_t j = 0; j < 4; ++j) k[j] = (k[j] >> shift) | (k[j + 1] << (64 - shift));
      k[4] >>= shift;
      i += shift;
      continue;
    }
    int d = static_cast<int>(k[0] & (window - 1));
    if (d >= static_cast<int>(window / 2)) d -= static_cast<int>(window);
    naf[i] = static_cast<std::int8_t>(d);
    if (d > 0) {
      k[0] -= static_cast<std::uint64_t>(d);  // clears low bits: no borrow
    } else {
      std::uint64_t add = static_cast<std::uint64_t>(-d);
      for (std::size_t j = 0; j < 5 && add != 0; ++j) {
        k[j] += add;
        add = k[j] < add ? 1 : 0;
      }
    }
    for (std::size_t j = 0; j < 4; ++j) k[j] = (k[j] >> 1) | (k[j + 1] << 63);
    k[4] >>= 1;
    ++i;
  }
  return naf;
}

std::array<std::int8_t, 256> wnaf5(ByteView scalar) { return wnaf<5>(scalar); }

template <std::size_t N = 8>
std::array<Cached, N> odd_multiples(const Point& p) {
  std::array<Cached, N> table;
  const Cached p2 = to_cached(dbl(p));
  Point acc = p;
  table[0] = to_cached(acc);
  for (std::size_t i = 1; i < N; ++i) {
    acc = add_cached(acc, p2, false);
    table[i] = to_cached(acc);
  }
  return table;
}

}  // namespace

Point dbl_t(const Point& p, bool with_t);

Point identity() { return Point{Fe{}, fe_from_u64(1), fe_from_u64(1), Fe{}}; }

const Point& base_point() {
  static const Point b = [] {
    const Bytes enc = ed25519_curve::encode(ed25519_curve::base_point());
    return *decode(enc);
  }();
  return b;
}

namespace {

// decode() in two halves around its exponentiation, so that decode_many()
// can run the exponentiations eight at a time.
struct Decoding {
  Fe y, u, v, v3;
  bool sign = false;
};

// Checks y < p and computes u = y^2 - 1, v = d y^2 + 1; returns the base
// of the exponentiation, u v^7, or nullopt for a non-canonical y.
std::optional<Fe> start_decoding(ByteView encoding, Decoding& d) {
  if (encoding.size() != 32) return std::nullopt;
  // y < p: reject 2^255 - 19 <= y < 2^255.
  bool all_ones = (std::to_integer<unsigned>(encoding[31]) & 0x7fu) == 0x7fu;
  for (std::size_t i = 1; i < 31 && all_ones; ++i) all_ones = encoding[i] == std::byte{0xff};
  if (all_ones && std::to_integer<unsigned>(encoding[0]) >= 0xedu) return std::nullopt;
  d.sign = (std::to_integer<unsigned>(encoding[31]) & 0x80u) != 0;
  d.y = fe_from_bytes(encoding);
  const Fe one = fe_from_u64(1);
  const Fe y2 = fe_sq(d.y);
  d.u = fe_sub(y2, one);
  d.v = carry(fe_add(fe_mul(curve_d(), y2), one));
  // x = u v^3 (u v^7)^((p-5)/8)
  d.v3 = fe_mul(fe_sq(d.v), d.v);
  const Fe v7 = fe_mul(fe_sq(d.v3), d.v);
  return fe_mul(d.u, v7);
}

// Given w = (u v^7)^((p-5)/8): the point, or nullopt if y is on no point
// or x = 0 comes with the sign bit set.
std::optional<Point> finish_decoding(const Decoding& d, const Fe& w) {
  Fe x = fe_mul(fe_mul(d.u, d.v3), w);
  const Fe vx2 = fe_mul(d.v, fe_sq(x));
  if (!fe_equal(vx2, d.u)) {
    if (!fe_equal(vx2, fe_neg(d.u))) return std::nullopt;
    x = fe_mul(x, sqrt_m1());
  }
  if (fe_is_zero(x) && d.sign) return std::nullopt;
  if (fe_is_odd(x) != d.sign) x = fe_neg(x);
  Point p;
  p.x = carry(x);
  p.y = d.y;
  p.z = fe_from_u64(1);
  p.t = fe_mul(p.x, p.y);
  return p;
}

}  // namespace

std::optional<Point> decode(ByteView encoding) {
  Decoding d;
  const auto base = start_decoding(encoding, d);
  if (!base) return std::nullopt;
  return finish_decoding(d, fe_pow_p58(*base));
}

std::vector<std::optional<Point>> decode_many(std::span<const ByteView> encodings, bool allow_simd) {
  const std::size_t n = encodings.size();
  std::vector<std::optional<Point>> out(n);
  std::vector<Decoding> decodings(n);
  // The bases of the canonical encodings: encoding i's is bases[slot[i]],
  // or slot[i] = n if it is not canonical. The vector path takes eight at
  // a time and pads a short tail with 1 (whose results are not used).
  std::vector<Fe> bases;
  bases.reserve(n);
  std::vector<std::size_t> slot(n, n);
  for (std::size_t i = 0; i < n; ++i) {
    if (const auto base = start_decoding(encodings[i], decodings[i])) {
      slot[i] = bases.size();
      bases.push_back(*base);
    }
  }
  std::vector<Fe> roots(bases.size());
  std::size_t done = 0;
  if (allow_simd && pow_p58_x8_supported()) {
    const std::size_t full = bases.size() - bases.size() % 8;
    for (; done < full; done += 8) {
      pow_p58_x8(std::span<const Fe, 8>(bases.data() + done, 8), std::span<Fe, 8>(roots.data() + done, 8));
    }
    if (bases.size() - done > 1) {  // a short tail: padded, still faster than one by one from two
      std::array<Fe, 8> tail_in{}, tail_out{};
      tail_in.fill(fe_from_u64(1));
      std::copy(bases.begin() + static_cast<std::ptrdiff_t>(done), bases.end(), tail_in.begin());
      pow_p58_x8(tail_in, tail_out);
      std::copy(tail_out.begin(), tail_out.begin() + static_cast<std::ptrdiff_t>(bases.size() - done),
                roots.begin() + static_cast<std::ptrdiff_t>(done));
      done = bases.size();
    }
  }
  for (; done < bases.size(); ++done) roots[done] = fe_pow_p58(bases[done]);
  for (std::size_t i = 0; i < n; ++i) {
    if (slot[i] != n) out[i] = finish_decoding(decodings[i], roots[slot[i]]);
  }
  return out;
}

void encode(const Point& p, std::array<std::byte, 32>& out) {
  const Fe zinv = fe_invert(p.z);
  const Fe x = fe_mul(p.x, zinv);
  const Fe y = fe_mul(p.y, zinv);
  fe_to_bytes(y, out);
  if (fe_is_odd(x)) out[31] |= std::byte{0x80};
}

Point add(const Point& a, const Point& b) { return add_cached(a, to_cached(b), false); }

// dbl-2008-hwcd (a = -1): A = X^2, B = Y^2, C = 2 Z^2, D = -A,
// E = (X + Y)^2 - A - B, G = D + B, F = G - C, H = D - B.
Point dbl_t(const Point& p, bool with_t) {
  const Fe a = fe_sq(p.x);
  const Fe b = fe_sq(p.y);
  const Fe zz = fe_sq(p.z);
  const Fe c = carry(fe_add(zz, zz));
  const Fe e = fe_sub(fe_sq(carry(fe_add(p.x, p.y))), carry(fe_add(a, b)));
  const Fe g = fe_sub(b, a);
  const Fe f = fe_sub(g, c);
  const Fe h = fe_neg(carry(fe_add(a, b)));
  return Point{fe_mul(e, f), fe_mul(g, h), fe_mul(f, g), with_t ? fe_mul(e, h) : Fe{}};
}

Point dbl(const Point& p) { return dbl_t(p, true); }

Point mul_cofactor(const Point& a) { return dbl(dbl(dbl(a))); }

Point negate(const Point& a) { return Point{fe_neg(a.x), a.y, a.z, fe_neg(a.t)}; }

bool is_identity(const Point& a) { return fe_is_zero(a.x) && fe_equal(a.y, a.z); }

Point double_mul(ByteView a, const Point& p, ByteView b, const Point& q) {
  const auto naf_a = wnaf5(a);
  const auto naf_b = wnaf5(b);
  const auto table_p = odd_multiples(p);
  const auto table_q = odd_multiples(q);
  std::size_t top = 256;
  while (top > 0 && naf_a[top - 1] == 0 && naf_b[top - 1] == 0) --top;
  Point r = identity();
  for (std::size_t i = top; i-- > 0;) {
    // T only feeds an addition, or the caller (after the last doubling).
    r = dbl_t(r, naf_a[i] != 0 || naf_b[i] != 0 || i == 0);
    if (const int d = naf_a[i]; d != 0) r = add_cached(r, table_p[static_cast<std::size_t>((d < 0 ? -d : d) / 2)], d < 0);
    if (const int d = naf_b[i]; d != 0) r = add_cached(r, table_q[static_cast<std::size_t>((d < 0 ? -d : d) / 2)], d < 0);
  }
  return r;
}

namespace {

// B's odd multiples 1B, 3B, ..., 127B for width-8 NAF digits, built once.
const std::array<Cached, 64>& base_table() {
  static const std::array<Cached, 64> table = odd_multiples<64>(base_point());
  return table;
}

[[gnu::always_inline]] inline void add_digit(Point& r, const Cached* table, int d) {
  r = add_cached(r, table[static_cast<std::size_t>((d < 0 ? -d : d) / 2)], d < 0);
}

// Signed radix-2^c digits of a scalar below 2^255: digit j in
// [-2^(c-1), 2^(c-1)), sum digit_j 2^(cj) = scalar; `windows` digits.
void signed_digits(const Scalar& s, unsigned c, std::size_t windows, std::int16_t* out) {
  std::array<std::uint64_t, 5> k{};
  for (std::size_t i = 0; i < 32; ++i) k[i / 8] |= std::uint64_t{std::to_integer<std::uint8_t>(s[i])} << (8 * (i % 8));
  const std::uint64_t mask = (std::uint64_t{1} << c) - 1;
  std::int64_t carry = 0;
  for (std::size_t j = 0; j < windows; ++j) {
    const std::size_t bit = j * c;
    std::uint64_t v = 0;
    if (bit < 256) {
      const std::size_t limb = bit / 64, off = bit % 64;
      v = k[limb] >> off;
      if (off + c > 64 && limb + 1 < 5) v |= k[limb + 1] << (64 - off);
      v &= mask;
    }
    std::int64_t d = static_cast<std::int64_t>(v) + carry;
    carry = d >= static_cast<std::int64_t>(std::uint64_t{1} << (c - 1)) ? 1 : 0;
    d -= carry * static_cast<std::int64_t>(std::uint64_t{1} << c);
    out[j] = static_cast<std::int16_t>(d);
  }
}

}  // namespace

namespace {

// A non-zero NAF digit at a bit position; a point's digits are stored from
// the top bit down.
struct Digit {
  std::uint8_t bit;
  std::int8_t value;
};

template <unsigned W>
void append_digits(const Scalar& scalar, std::vector<Digit>& out) {
  const auto naf = wnaf<W>(scalar);
  for (std::size_t bit = 256; bit-- > 0;) {
    if (naf[bit] != 0) out.push_back(Digit{static_cast<std::uint8_t>(bit), naf[bit]});
  }
}

// Straus over at most straus_chunk_points points, plus [base_scalar] B if
// given. The non-zero digits are sorted by bit (a counting sort), so each
// bit visits only the points that add there.
Point straus_chunk(const Scalar* base_scalar, std::span<const Scalar> scalars, std::span<const Point> points) {
  const std::size_t m = points.size();
  std::vector<Cached> tables;
  tables.reserve(8 * m);
  std::vector<Digit> digits;
  digits.reserve(54 * m + 40);
  std::vector<std::uint8_t> owner;  // the point (m for B) of each digit
  owner.reserve(54 * m + 40);
  for (std::size_t i = 0; i <= m; ++i) {
    if (i < m) {
      const auto t = odd_multiples(points[i]);
      tables.insert(tables.end(), t.begin(), t.end());
      append_digits<5>(scalars[i], digits);
    } else if (base_scalar != nullptr) {
      append_digits<8>(*base_scalar, digits);
    }
    owner.resize(digits.size(), static_cast<std::uint8_t>(i));
  }
  std::array<std::uint32_t, 257> start{};  // digits of bit b: [start[b], start[b + 1])
  for (const Digit& d : digits) ++start[d.bit + 1u];
  for (std::size_t b = 0; b < 256; ++b) start[b + 1] += start[b];
  struct Event {  // a digit re-keyed by its point
    std::uint8_t point;
    std::int8_t value;
  };
  std::vector<Event> events(digits.size());
  {
    std::array<std::uint32_t, 256> fill{};
    std::copy(start.begin(), start.end() - 1, fill.begin());
    for (std::size_t k = 0; k < digits.size(); ++k) events[fill[digits[k].bit]++] = Event{owner[k], digits[k].value};
  }
  const Cached* table_b = base_table().data();
  std::size_t top = 256;
  while (top > 0 && start[top] == start[top - 1]) --top;
  Point r = identity();
  for (std::size_t bit = top; bit-- > 0;) {
    const bool adds = start[bit + 1] != start[bit];
    r = dbl_t(r, adds || bit == 0);  // T feeds an addition, or the caller at the end
    for (std::uint32_t k = start[bit]; k < start[bit + 1]; ++k) {
      const Event e = events[k];
      add_digit(r, e.point == m ? table_b : tables.data() + 8 * e.point, e.value);
    }
  }
  return r;
}

// Points per Straus pass: bounds the tables (8 x 160 bytes a point) so a
// call's scratch memory stays small; each extra pass costs 256 doublings.
constexpr std::size_t straus_chunk_points = 64;
static_assert(straus_chunk_points < 255, "Event::point is one byte");

}  // namespace

Point multi_mul_straus(const Scalar& base_scalar, std::span<const Scalar> scalars, std::span<const Point> points) {
  Point r = straus_chunk(&base_scalar, scalars.first(std::min(points.size(), straus_chunk_points)),
                         points.first(std::min(points.size(), straus_chunk_points)));
  for (std::size_t at = straus_chunk_points; at < points.size(); at += straus_chunk_points) {
    const std::size_t m = std::min(straus_chunk_points, points.size() - at);
    r = add(r, straus_chunk(nullptr, scalars.subspan(at, m), points.subspan(at, m)));
  }
  return r;
}

Point multi_mul_pippenger(const Scalar& base_scalar, std::span<const Scalar> scalars, std::span<const Point> points,
                          bool allow_simd) {
  const std::size_t n = points.size() + 1;  // B joins as one more point
  const bool eight_lanes = allow_simd && pow_p58_x8_supported();
  unsigned c = 4;
  if (eight_lanes) {
    // Measured on this machine (bench_ed25519's ed25519_multi_mul, every c
    // from 3 to 8): 5 from 24 to 191 points, 6 above, up to 1,029 points
    // and beyond; a bucket sum costs eight full additions' worth of lanes,
    // so wider windows pay off later than on the portable path.
    c = n < 24 ? 4 : n < 192 ? 5 : n < 4096 ? 6 : 7;
  } else {
    // About log2(n) - 2 balances n additions per window against the 2^c
    // additions of the bucket sums.
    while (c < 12 && (std::size_t{1} << (c + 3)) <= n) ++c;
  }
  const std::size_t windows = (256 + c - 1) / c + 1;
  // Eight entries of padding: the eight-lane path reads eight windows from
  // any window of the last point.
  std::vector<std::int16_t> digits(n * windows + 8);
  auto plain = [&](std::size_t i) -> const Point& { return i + 1 == n ? base_point() : points[i]; };
  for (std::size_t i = 0; i < n; ++i) {
    signed_digits(i + 1 == n ? base_scalar : scalars[i], c, windows, digits.data() + i * windows);
  }
  // Each point is added about once per window: make them affine (one
  // inversion for all, Montgomery's trick) so an addition costs 7
  // multiplications instead of 8.
  std::vector<Niels> affine(n);
  {
    std::vector<Fe> prefix(n);
    Fe run = fe_from_u64(1);
    for (std::size_t i = 0; i < n; ++i) {
      prefix[i] = run;
      run = fe_mul(run, plain(i).z);
    }
    Fe inv = fe_invert(run);
    for (std::size_t i = n; i-- > 0;) {
      const Fe zinv = fe_mul(inv, prefix[i]);
      inv = fe_mul(inv, plain(i).z);
      affine[i] = to_niels(plain(i), zinv);
    }
  }
  if (eight_lanes) {
    // Eight windows at a time (fe25519_ifma.hpp), then Horner's rule over
    // the windows' sums from the highest one that had a digit.
    std::vector<std::uint64_t> scratch(window_sums_x8_scratch_words(c));
    std::vector<Point> window_sum(windows);
    std::size_t top = 0;  // one past the highest window with a digit
    for (std::size_t first = 0; first < windows; first += 8) {
      std::array<Point, 8> sums;
      const std::uint8_t used = window_sums_x8(affine, digits, windows, first, c, curve_2d(), scratch, sums);
      for (std::size_t l = 0; l < 8 && first + l < windows; ++l) {
        window_sum[first + l] = sums[l];
        if ((used >> l & 1u) != 0) top = first + l + 1;
      }
    }
    if (top == 0) return identity();
    Point sum = window_sum[top - 1];
    for (std::size_t w = top - 1; w-- > 0;) {
      for (unsigned j = 0; j + 1 < c; ++j) sum = dbl_t(sum, false);
      sum = add(dbl(sum), window_sum[w]);
    }
    return sum;
  }
  const std::size_t bucket_count = std::size_t{1} << (c - 1);
  std::vector<Point> buckets(bucket_count);
  std::vector<unsigned char> used(bucket_count);
  Point acc = identity();
  bool acc_used = false;
  for (std::size_t w = windows; w-- > 0;) {
    if (acc_used) {
      for (unsigned j = 0; j + 1 < c; ++j) acc = dbl_t(acc, false);
      acc = dbl(acc);
    }
    std::fill(used.begin(), used.end(), 0);
    bool any = false;
    for (std::size_t i = 0; i < n; ++i) {
      const int d = digits[i * windows + w];
      if (d == 0) continue;
      any = true;
      const std::size_t b = static_cast<std::size_t>(d < 0 ? -d : d) - 1;
      if (used[b] != 0) {
        buckets[b] = add_niels(buckets[b], affine[i], d < 0);
      } else {
        buckets[b] = d < 0 ? negate(plain(i)) : plain(i);
        used[b] = 1;
      }
    }
    if (!any) continue;
    // sum_j (j + 1) bucket_j as running sums from the top.
    Point running = identity(), sum = identity();
    bool running_used = false;
    for (std::size_t b = bucket_count; b-- > 0;) {
      if (used[b] != 0) {
        running = running_used ? add(running, buckets[b]) : buckets[b];
        running_used = true;
      }
      if (running_used) sum = add(sum, running);
    }
    acc = acc_used ? add(acc, sum) : sum;
    acc_used = true;
  }
  return acc;
}

Point multi_mul(const Scalar& base_scalar, std::span<const Scalar> scalars, std::span<const Point> points) {
  // Measured crossover (a micro-benchmark of both on this machine): equal
  // at 128 points, Pippenger ahead above (2048 points: 3.4 against 6.1 µs a
  // point).
  // With eight windows at a time (AVX-512 IFMA) Pippenger is ahead from
  // 12 points (a batch of 8 signatures by 4 keys: 104 against 116 µs;
  // 68 points: 197 against 415 µs).
  if (pow_p58_x8_supported() && points.size() >= 12) return multi_mul_pippenger(base_scalar, scalars, points);
  if (points.size() < 128) return multi_mul_straus(base_scalar, scalars, points);
  return multi_mul_pippenger(base_scalar, scalars, points);
}

}  // namespace privfin::sig::detail::ed
