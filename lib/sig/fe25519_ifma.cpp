// Eight-lane arithmetic mod p = 2^255 - 19 on AVX-512 IFMA: see the header.
//
// An element is five limbs of radix 2^51, limb i of all eight lanes in one
// register. vpmadd52luq / vpmadd52huq add the low and the high 52 bits of
// a 52 x 52-bit product, and read only the low 52 bits of their inputs: so
// every multiplication's inputs are carried below 2^52 first, and a
// product of limbs i and j lands as lo at column i + j and as 2 * hi at
// column i + j + 1 (2^52 = 2 * 2^51). Columns 5 to 9 fold back times 19
// (2^255 = 19 mod p). Bounds: a column sums at most 15 * 2^52 < 2^56 before
// the fold, under 2^61 after it, so nothing overflows 64 bits.
#include "fe25519_ifma.hpp"

#include <algorithm>
#include <array>

#include "privfin/core/detail/avx512_intrinsics.hpp"
#include "privfin/core/detail/cpu.hpp"

namespace privfin::sig::detail::ed {

#if defined(__x86_64__)
// Everything between here and "pop_options" may use AVX-512 IFMA; it runs
// only behind pow_p58_x8_supported(), which is compiled after it for the
// baseline CPU. Clang ignores "#pragma GCC target"; its own pragma
// attaches the same target attribute to every function in the region (as
// in lib/net/aes_gcm_vaes.cpp).
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512ifma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512ifma")
#endif

namespace {

struct F8 {
  __m512i l[5];
};

[[gnu::always_inline]] inline __m512i mask51() { return _mm512_set1_epi64((std::int64_t{1} << 51) - 1); }

[[gnu::always_inline]] inline __m512i times19(__m512i x) {
  return _mm512_add_epi64(_mm512_add_epi64(x, _mm512_slli_epi64(x, 1)), _mm512_slli_epi64(x, 4));
}

// Columns c[0..4] (each below 2^62) into limbs below 2^52: limb 0 below
// 2^51, limb 1 at most 2^51, the others below 2^51.
[[gnu::always_inline]] inline F8 carry_columns(__m512i c0, __m512i c1, __m512i c2, __m512i c3, __m512i c4) {
  const __m512i m = mask51();
  c1 = _mm512_add_epi64(c1, _mm512_srli_epi64(c0, 51));
  c0 = _mm512_and_si512(c0, m);
  c2 = _mm512_add_epi64(c2, _mm512_srli_epi64(c1, 51));
  c1 = _mm512_and_si512(c1, m);
  c3 = _mm512_add_epi64(c3, _mm512_srli_epi64(c2, 51));
  c2 = _mm512_and_si512(c2, m);
  c4 = _mm512_add_epi64(c4, _mm512_srli_epi64(c3, 51));
  c3 = _mm512_and_si512(c3, m);
  c0 = _mm512_add_epi64(c0, times19(_mm512_srli_epi64(c4, 51)));
  c4 = _mm512_and_si512(c4, m);
  c1 = _mm512_add_epi64(c1, _mm512_srli_epi64(c0, 51));
  c0 = _mm512_and_si512(c0, m);
  return F8{{c0, c1, c2, c3, c4}};
}

// lo[k] + 2 hi[k] per column, columns 5..9 folded times 19, then carried.
[[gnu::always_inline]] inline F8 reduce(const __m512i (&lo)[10], const __m512i (&hi)[10]) {
  __m512i c[10];
  for (int k = 0; k < 10; ++k) c[k] = _mm512_add_epi64(lo[k], _mm512_slli_epi64(hi[k], 1));
  for (int k = 0; k < 5; ++k) c[k] = _mm512_add_epi64(c[k], times19(c[k + 5]));
  return carry_columns(c[0], c[1], c[2], c[3], c[4]);
}

[[gnu::always_inline]] inline F8 mul(const F8& a, const F8& b) {
  __m512i lo[10], hi[10];
  for (int k = 0; k < 10; ++k) lo[k] = hi[k] = _mm512_setzero_si512();
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < 5; ++j) {
      lo[i + j] = _mm512_madd52lo_epu64(lo[i + j], a.l[i], b.l[j]);
      hi[i + j + 1] = _mm512_madd52hi_epu64(hi[i + j + 1], a.l[i], b.l[j]);
    }
  }
  return reduce(lo, hi);
}

// The ten cross products a_i a_j (i < j) once, doubled by a shift.
[[gnu::always_inline]] inline F8 sq(const F8& a) {
  __m512i lo[10], hi[10], cross_lo[10], cross_hi[10];
  for (int k = 0; k < 10; ++k) lo[k] = hi[k] = cross_lo[k] = cross_hi[k] = _mm512_setzero_si512();
  for (int i = 0; i < 5; ++i) {
    lo[2 * i] = _mm512_madd52lo_epu64(lo[2 * i], a.l[i], a.l[i]);
    hi[2 * i + 1] = _mm512_madd52hi_epu64(hi[2 * i + 1], a.l[i], a.l[i]);
    for (int j = i + 1; j < 5; ++j) {
      cross_lo[i + j] = _mm512_madd52lo_epu64(cross_lo[i + j], a.l[i], a.l[j]);
      cross_hi[i + j + 1] = _mm512_madd52hi_epu64(cross_hi[i + j + 1], a.l[i], a.l[j]);
    }
  }
  for (int k = 0; k < 10; ++k) {
    lo[k] = _mm512_add_epi64(lo[k], _mm512_slli_epi64(cross_lo[k], 1));
    hi[k] = _mm512_add_epi64(hi[k], _mm512_slli_epi64(cross_hi[k], 1));
  }
  return reduce(lo, hi);
}

void pow_p58_avx512(std::span<const Fe, 8> in, std::span<Fe, 8> out) noexcept {
  alignas(64) std::uint64_t lanes[5][8];
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < 8; ++j) lanes[i][j] = in[static_cast<std::size_t>(j)].v[static_cast<std::size_t>(i)];
  }
  std::array<F8, pow_p58_chain.size() + 1> x;
  for (int i = 0; i < 5; ++i) x[0].l[i] = _mm512_load_si512(lanes[i]);
  x[0] = carry_columns(x[0].l[0], x[0].l[1], x[0].l[2], x[0].l[3], x[0].l[4]);  // inputs below 2^54: limbs below 2^52
  for (std::size_t i = 0; i < pow_p58_chain.size(); ++i) {  // as the portable run_chain
    const ChainStep& step = pow_p58_chain[i];
    F8 t = x[step.from];
    for (unsigned k = 0; k < step.squarings; ++k) t = sq(t);
    x[i + 1] = mul(t, x[step.times]);
  }
  const F8& r = x.back();
  for (int i = 0; i < 5; ++i) _mm512_store_si512(lanes[i], r.l[i]);
  for (int j = 0; j < 8; ++j) {
    for (int i = 0; i < 5; ++i) out[static_cast<std::size_t>(j)].v[static_cast<std::size_t>(i)] = lanes[i][j];
  }
}

// a + b and a - b + 4p (limbs of a and b below 2^52), carried below 2^52
// again so that they can be multiplied.
[[gnu::always_inline]] inline F8 add(const F8& a, const F8& b) {
  return carry_columns(_mm512_add_epi64(a.l[0], b.l[0]), _mm512_add_epi64(a.l[1], b.l[1]),
                       _mm512_add_epi64(a.l[2], b.l[2]), _mm512_add_epi64(a.l[3], b.l[3]),
                       _mm512_add_epi64(a.l[4], b.l[4]));
}

[[gnu::always_inline]] inline F8 sub(const F8& a, const F8& b) {
  const __m512i four_p0 = _mm512_set1_epi64(4 * ((std::int64_t{1} << 51) - 19));
  const __m512i four_pi = _mm512_set1_epi64(4 * ((std::int64_t{1} << 51) - 1));
  __m512i c[5];
  for (int i = 0; i < 5; ++i) c[i] = _mm512_sub_epi64(_mm512_add_epi64(a.l[i], i == 0 ? four_p0 : four_pi), b.l[i]);
  return carry_columns(c[0], c[1], c[2], c[3], c[4]);
}

// Lanes where `take_b` is set from b, the others from a.
[[gnu::always_inline]] inline F8 select(__mmask8 take_b, const F8& a, const F8& b) {
  F8 r;
  for (int i = 0; i < 5; ++i) r.l[i] = _mm512_mask_blend_epi64(take_b, a.l[i], b.l[i]);
  return r;
}

[[gnu::always_inline]] inline F8 broadcast(const Fe& a) {
  F8 r;
  for (int i = 0; i < 5; ++i) r.l[i] = _mm512_set1_epi64(static_cast<std::int64_t>(a.v[static_cast<std::size_t>(i)]));
  return r;
}

// Extended coordinates (X : Y : Z : T), eight points.
struct P8 {
  F8 x, y, z, t;
};

// madd-2008-hwcd-3 (a = -1) of an affine point in niels form, negated in
// the lanes of `negate` (y + x and y - x swap, 2dxy changes sign: F and G
// swap), as the portable add_niels.
[[gnu::always_inline]] inline P8 add_niels(const P8& p, const F8& ypx, const F8& ymx, const F8& xy2d,
                                           __mmask8 negate) {
  const F8 a = mul(sub(p.y, p.x), select(negate, ymx, ypx));
  const F8 b = mul(add(p.y, p.x), select(negate, ypx, ymx));
  const F8 c = mul(p.t, xy2d);
  const F8 d = add(p.z, p.z);
  const F8 e = sub(b, a);
  const F8 h = add(b, a);
  const F8 d_minus_c = sub(d, c);
  const F8 d_plus_c = add(d, c);
  const F8 f = select(negate, d_minus_c, d_plus_c);
  const F8 g = select(negate, d_plus_c, d_minus_c);
  return P8{mul(e, f), mul(g, h), mul(f, g), mul(e, h)};
}

// add-2008-hwcd-3 (a = -1) of two points in extended coordinates.
[[gnu::always_inline]] inline P8 add_points(const P8& p, const P8& q, const F8& two_d) {
  const F8 a = mul(sub(p.y, p.x), sub(q.y, q.x));
  const F8 b = mul(add(p.y, p.x), add(q.y, q.x));
  const F8 c = mul(mul(p.t, q.t), two_d);
  const F8 d = mul(p.z, add(q.z, q.z));
  const F8 e = sub(b, a);
  const F8 f = sub(d, c);
  const F8 g = add(d, c);
  const F8 h = add(b, a);
  return P8{mul(e, f), mul(g, h), mul(f, g), mul(e, h)};
}

// Buckets sit in `scratch` as [bucket][coordinate x, y, z, t][limb][lane],
// so lane l of bucket b, coordinate k, limb i is word b * 160 + (k * 5 + i)
// * 8 + l: a gather or a scatter with indices b_l * 160 + l per (k, i), and
// a plain vector load in the running sums, which take the buckets in order.
constexpr std::size_t bucket_words = 160;

[[gnu::always_inline]] inline F8& coordinate(P8& p, int k) {
  return k == 0 ? p.x : k == 1 ? p.y : k == 2 ? p.z : p.t;
}

std::uint8_t window_sums_avx512(std::span<const Niels> points, std::span<const std::int16_t> digits,
                                std::size_t windows, std::size_t first, unsigned c, const Fe& two_d_fe,
                                std::span<std::uint64_t> scratch, std::span<Point, 8> sums) noexcept {
  const std::size_t bucket_count = std::size_t{1} << (c - 1);
  const std::size_t lanes = std::min<std::size_t>(8, windows - first);
  const __mmask8 lane_mask = static_cast<__mmask8>((1u << lanes) - 1);
  std::uint64_t* const buckets = scratch.data();
  // Every bucket starts as the identity (0 : 1 : 1 : 0) in every lane.
  std::fill(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(bucket_count * bucket_words), 0);
  for (std::size_t b = 0; b < bucket_count; ++b) {
    _mm512_storeu_si512(buckets + b * bucket_words + 5 * 8, _mm512_set1_epi64(1));       // y, limb 0
    _mm512_storeu_si512(buckets + b * bucket_words + 10 * 8, _mm512_set1_epi64(1));      // z, limb 0
  }
  const __m512i zero = _mm512_setzero_si512();
  const __m512i lane_ids = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
  __m512i top = zero;  // per lane, the largest |digit| seen
  for (std::size_t i = 0; i < points.size(); ++i) {
    const __m512i d = _mm512_cvtepi16_epi64(
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(digits.data() + i * windows + first)));
    const __mmask8 nonzero = _mm512_mask_cmpneq_epi64_mask(lane_mask, d, zero);
    if (nonzero == 0) continue;
    const __mmask8 negative = _mm512_mask_cmplt_epi64_mask(nonzero, d, zero);
    const __m512i magnitude = _mm512_maskz_abs_epi64(nonzero, d);
    top = _mm512_max_epi64(top, magnitude);
    // Lanes without a digit read bucket 0 and do not write it back.
    const __m512i b = _mm512_max_epi64(_mm512_sub_epi64(magnitude, _mm512_set1_epi64(1)), zero);
    const __m512i index = _mm512_add_epi64(
        _mm512_add_epi64(_mm512_slli_epi64(b, 7), _mm512_slli_epi64(b, 5)), lane_ids);  // b * 160 + lane
    P8 bucket;
    for (int k = 0; k < 4; ++k) {
      for (int j = 0; j < 5; ++j) {
        coordinate(bucket, k).l[j] = _mm512_i64gather_epi64(index, buckets + (k * 5 + j) * 8, 8);
      }
    }
    const Niels& q = points[i];
    bucket = add_niels(bucket, broadcast(q.ypx), broadcast(q.ymx), broadcast(q.xy2d), negative);
    for (int k = 0; k < 4; ++k) {
      for (int j = 0; j < 5; ++j) {
        _mm512_mask_i64scatter_epi64(buckets + (k * 5 + j) * 8, nonzero, index, coordinate(bucket, k).l[j], 8);
      }
    }
  }
  alignas(64) std::int64_t top_lanes[8];
  _mm512_store_si512(top_lanes, top);
  std::size_t highest = 0;
  std::uint8_t used = 0;
  for (std::size_t l = 0; l < 8; ++l) {
    highest = std::max(highest, static_cast<std::size_t>(top_lanes[l]));
    if (top_lanes[l] != 0) used = static_cast<std::uint8_t>(used | (1u << l));
  }
  // sum_b (b + 1) bucket_b as running sums from the top; buckets above a
  // lane's own top are the identity there and change nothing.
  P8 running, sum;
  const F8 two_d = broadcast(two_d_fe);
  for (std::size_t b = highest; b-- > 0;) {
    P8 bucket;
    for (int k = 0; k < 4; ++k) {
      for (int j = 0; j < 5; ++j) {
        coordinate(bucket, k).l[j] = _mm512_loadu_si512(buckets + b * bucket_words + static_cast<std::size_t>(k * 5 + j) * 8);
      }
    }
    running = b + 1 == highest ? bucket : add_points(running, bucket, two_d);
    sum = b + 1 == highest ? running : add_points(sum, running, two_d);
  }
  alignas(64) std::uint64_t out[4][5][8];
  if (highest == 0) {  // nothing in any lane: identities
    for (auto& p : sums) p = Point{Fe{}, Fe{{1, 0, 0, 0, 0}}, Fe{{1, 0, 0, 0, 0}}, Fe{}};
    return 0;
  }
  for (int k = 0; k < 4; ++k) {
    for (int j = 0; j < 5; ++j) _mm512_store_si512(out[k][j], coordinate(sum, k).l[j]);
  }
  for (std::size_t l = 0; l < 8; ++l) {
    Fe* const coords[4] = {&sums[l].x, &sums[l].y, &sums[l].z, &sums[l].t};
    for (std::size_t k = 0; k < 4; ++k) {
      for (std::size_t j = 0; j < 5; ++j) coords[k]->v[j] = out[k][j][l];
    }
  }
  return used;
}

}  // namespace

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

bool pow_p58_x8_supported() noexcept {
  static const bool supported = [] {
    const auto& cpu = privfin::detail::cpu_features();
    return cpu.os_avx512 && cpu.avx512f && cpu.avx512ifma;
  }();
  return supported;
}

void pow_p58_x8(std::span<const Fe, 8> in, std::span<Fe, 8> out) noexcept { pow_p58_avx512(in, out); }

std::uint8_t window_sums_x8(std::span<const Niels> points, std::span<const std::int16_t> digits,
                            std::size_t windows, std::size_t first, unsigned c, const Fe& two_d,
                            std::span<std::uint64_t> scratch, std::span<Point, 8> sums) noexcept {
  return window_sums_avx512(points, digits, windows, first, c, two_d, scratch, sums);
}

#else

bool pow_p58_x8_supported() noexcept { return false; }
void pow_p58_x8(std::span<const Fe, 8> in, std::span<Fe, 8> out) noexcept {
  (void)in;
  (void)out;
}
std::uint8_t window_sums_x8(std::span<const Niels>, std::span<const std::int16_t>, std::size_t, std::size_t,
                            unsigned, const Fe&, std::span<std::uint64_t>, std::span<Point, 8>) noexcept {
  return 0;
}

#endif

}  // namespace privfin::sig::detail::ed
