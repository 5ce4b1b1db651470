// BLS12-381 G1/G2: subgroup checks, the psi endomorphism, cofactor clearing
// (RFC 9380 Section 8.8 and Appendix G.3) and the ZCash point encodings
// (zkcrypto "pairing" crate serialization notes; Appendix C of
// draft-irtf-cfrg-pairing-friendly-curves).
#include "privfin/sig/bls12_381/curve.hpp"

#include <algorithm>
#include <bit>
#include <string>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/sig/bls12_381/detail/constants.hpp"

namespace privfin::sig::bls12_381 {

namespace {

struct CurveConstants {
  Fp2 psi_x, psi_y;  // 1 / (1 + u)^((p - 1) / 3), 1 / (1 + u)^((p - 1) / 2)
  detail::Limbs<4> r;
  detail::Limbs<6> p_minus_1_div_2;
  // The cube root of unity beta for which sigma(x, y) = (beta x, y) acts on
  // G1 as [-x^2] (of the two primitive roots, the one that fits the
  // generator); sigma_ok is false if neither did, and G1 checks fall back
  // to [r]P = O.
  Fp beta;
  bool sigma_ok = false;
};

G1 sigma(const G1& p, const Fp& beta) noexcept { return G1(p.x() * beta, p.y(), p.z()); }

G1 minus_x_squared_times(const G1& p) noexcept { return -p.mul_by_x().mul_by_x(); }

const CurveConstants& curve_constants() {
  static const CurveConstants constants = [] {
    CurveConstants c{};
    const mpz_class p = detail::to_mpz(Fp::modulus);
    const Fp2 xi{Fp::one(), Fp::one()};
    c.psi_x = xi.pow(detail::to_limbs6((p - 1) / 3)).inverse();
    c.psi_y = xi.pow(detail::to_limbs6((p - 1) / 2)).inverse();
    c.r = Fr::modulus;
    c.p_minus_1_div_2 = detail::to_limbs6((p - 1) / 2);
    const auto third = detail::to_limbs6((p - 1) / 3);
    Fp root = Fp::one();
    for (std::uint64_t g = 2; root == Fp::one(); ++g) root = Fp::from_u64(g).pow(third);
    const G1 gen = G1::generator();
    const G1 target = minus_x_squared_times(gen);
    for (const Fp& beta : {root, root.square()}) {
      if (sigma(gen, beta) == target) {
        c.beta = beta;
        c.sigma_ok = true;
      }
    }
    return c;
  }();
  return constants;
}

// y > (p - 1) / 2 as integers: the "lexicographically largest" root.
bool fp_is_large(const Fp& y) noexcept {
  const auto raw = y.to_raw();
  return detail::less_than(curve_constants().p_minus_1_div_2, raw);
}

bool fp2_is_large(const Fp2& y) noexcept { return y.c1.is_zero() ? fp_is_large(y.c0) : fp_is_large(y.c1); }

constexpr std::byte flag_compressed{0x80};
constexpr std::byte flag_infinity{0x40};
constexpr std::byte flag_sign{0x20};

void write_fp(const Fp& a, std::byte* out) noexcept { a.to_bytes_be(std::span<std::byte>(out, 48)); }

Fp read_fp(const std::byte* in, const char* group, const char* what) {
  Fp out;
  if (!Fp::from_bytes_be(std::span<const std::byte>(in, 48), out)) {
    throw DecodeError(std::string(group) + " point encoding: " + what + " is not below the field modulus p");
  }
  return out;
}

// Shared flag parsing. Returns true for the (validated) point at infinity.
struct Flags {
  bool compressed, infinity, sign;
};

Flags parse_flags(ByteView bytes, std::size_t compressed_size, const char* group) {
  if (bytes.size() != compressed_size && bytes.size() != 2 * compressed_size) {
    throw DecodeError(std::string(group) + " point encoding: length " + std::to_string(bytes.size()) +
                      ", expected " + std::to_string(compressed_size) + " (compressed) or " +
                      std::to_string(2 * compressed_size) + " (uncompressed)");
  }
  const Flags f{(bytes[0] & flag_compressed) != std::byte{0}, (bytes[0] & flag_infinity) != std::byte{0},
                (bytes[0] & flag_sign) != std::byte{0}};
  if (f.compressed != (bytes.size() == compressed_size)) {
    throw DecodeError(std::string(group) + " point encoding: compression flag " + (f.compressed ? "set" : "clear") +
                      " does not match length " + std::to_string(bytes.size()));
  }
  if (f.infinity) {
    if (f.sign) throw DecodeError(std::string(group) + " point encoding: infinity with the sign flag set");
    const bool rest_zero = (bytes[0] & std::byte{0x1f}) == std::byte{0} &&
                           std::all_of(bytes.begin() + 1, bytes.end(), [](std::byte b) { return b == std::byte{0}; });
    if (!rest_zero) throw DecodeError(std::string(group) + " point encoding: infinity with non-zero coordinate bits");
  } else if (!f.compressed && f.sign) {
    throw DecodeError(std::string(group) + " point encoding: uncompressed point with the sign flag set");
  }
  return f;
}

}  // namespace

bool g1_in_subgroup(const G1& p) noexcept {
  const auto& c = curve_constants();
  if (!c.sigma_ok) return p.mul_vartime(c.r).is_identity();
  return sigma(p, c.beta) == minus_x_squared_times(p);
}

G2 g2_psi(const G2& q) noexcept {
  const auto& c = curve_constants();
  return G2(q.x().conjugate() * c.psi_x, q.y().conjugate() * c.psi_y, q.z().conjugate());
}

bool g2_in_subgroup(const G2& q) noexcept { return g2_psi(q) == q.mul_by_x(); }

G1 g1_clear_cofactor(const G1& p) noexcept {
  const std::uint64_t h_eff[1] = {0xd201000000010001ULL};
  return p.mul_vartime(h_eff);
}

G2 g2_clear_cofactor(const G2& p) noexcept {
  const G2 t1 = p.mul_by_x();
  G2 t2 = g2_psi(p);
  G2 t3 = g2_psi(g2_psi(p.dbl()));
  t3 = t3 - t2;
  t2 = (t1 + t2).mul_by_x();
  t3 = t3 + t2;
  t3 = t3 - t1;
  return t3 - p;
}

namespace {

// k = q |x| + remainder, constant time: a bit-serial long division whose
// subtractions are masked (no division instruction, whose latency depends
// on its operands on some CPUs).
std::uint64_t divmod_x_ct(Fr::Repr& k) noexcept {
  using privfin::detail::uint128;
  uint128 rem = 0;
  Fr::Repr q{};
  for (std::size_t i = 256; i-- > 0;) {
    rem = (rem << 1) | ((k[i / 64] >> (i % 64)) & 1);
    const uint128 diff = rem - bls_x_abs;
    const std::uint64_t ge = static_cast<std::uint64_t>(1) ^ static_cast<std::uint64_t>(diff >> 127);
    const uint128 mask = static_cast<uint128>(0) - ge;
    rem = (diff & mask) | (rem & ~mask);
    q[i / 64] |= ge << (i % 64);
  }
  k = q;
  return static_cast<std::uint64_t>(rem);
}

// Base-|x| digits of k < r < |x|^4 (all below 2^64).
std::array<std::uint64_t, 4> x_digits(const Fr& k) noexcept {
  Fr::Repr v = k.to_raw();
  std::array<std::uint64_t, 4> d{};
  d[0] = divmod_x_ct(v);
  d[1] = divmod_x_ct(v);
  d[2] = divmod_x_ct(v);
  d[3] = v[0];
  secure_wipe(std::as_writable_bytes(std::span(v)));
  return d;
}

// table[index] by a masked scan over every entry's 64-bit words, OR-ing
// in the one whose mask is all ones: constant time in index, and a loop
// GCC vectorises (a Point::select per entry copied whole points in and out,
// and was a sixth of a signature).
template <class P, std::size_t K>
P lookup_ct(const std::array<P, K>& table, std::size_t index) noexcept {
  static_assert(sizeof(P) % 8 == 0);
  using Words = std::array<std::uint64_t, sizeof(P) / 8>;
  Words acc{};
  for (std::size_t j = 0; j < K; ++j) {
    const std::uint64_t d = static_cast<std::uint64_t>(j ^ index);
    const std::uint64_t mask = ((d | (0 - d)) >> 63) - 1;  // all ones iff j == index
    const auto entry = std::bit_cast<Words>(table[j]);
    for (std::size_t w = 0; w < acc.size(); ++w) acc[w] |= entry[w] & mask;
  }
  return std::bit_cast<P>(acc);
}

// sum_j [digits_j] bases_j for D bases and B-bit digits (little-endian
// limbs per digit), with a table of all 2^D subset sums read by a masked
// scan; constant time in the digits.
template <class P, std::size_t D, std::size_t B>
P multi_mul_ct(const std::array<P, D>& bases, const std::array<std::array<std::uint64_t, (B + 63) / 64>, D>& digits) {
  std::array<P, std::size_t{1} << D> table;
  table[0] = P::identity();
  for (std::size_t j = 1; j < table.size(); ++j) {
    std::size_t low = 0;
    while (((j >> low) & 1) == 0) ++low;
    table[j] = table[j & (j - 1)] + bases[low];  // public index: the table layout
  }
  P acc;
  for (std::size_t i = B; i-- > 0;) {
    acc = acc.dbl();
    std::size_t index = 0;
    for (std::size_t t = 0; t < D; ++t) index |= static_cast<std::size_t>((digits[t][i / 64] >> (i % 64)) & 1) << t;
    acc = acc + lookup_ct(table, index);
  }
  return acc;
}

}  // namespace

G1 g1_mul(const G1& p, const Fr& k) noexcept {
  const auto& c = curve_constants();
  if (!c.sigma_ok) return p.mul(k);
  using privfin::detail::uint128;
  auto d = x_digits(k);
  // a = d0 + d1 |x|, b = d2 + d3 |x| (each below x^2 < 2^128).
  const uint128 a = static_cast<uint128>(d[1]) * bls_x_abs + d[0];
  const uint128 b = static_cast<uint128>(d[3]) * bls_x_abs + d[2];
  std::array<std::array<std::uint64_t, 2>, 2> digits{
      {{static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(a >> 64)},
       {static_cast<std::uint64_t>(b), static_cast<std::uint64_t>(b >> 64)}}};
  const std::array<G1, 2> bases{p, -sigma(p, c.beta)};  // -sigma = [x^2]
  const G1 out = multi_mul_ct<G1, 2, 128>(bases, digits);
  secure_wipe(std::as_writable_bytes(std::span(d)));
  secure_wipe(std::as_writable_bytes(std::span(digits)));
  return out;
}

G2 g2_mul(const G2& q, const Fr& k) noexcept {
  auto d = x_digits(k);
  std::array<std::array<std::uint64_t, 1>, 4> digits{{{d[0]}, {d[1]}, {d[2]}, {d[3]}}};
  const G2 phi1 = -g2_psi(q);  // -psi = [|x|]
  const G2 phi2 = -g2_psi(phi1);
  const G2 phi3 = -g2_psi(phi2);
  const G2 out = multi_mul_ct<G2, 4, 64>(std::array<G2, 4>{q, phi1, phi2, phi3}, digits);
  secure_wipe(std::as_writable_bytes(std::span(d)));
  secure_wipe(std::as_writable_bytes(std::span(digits)));
  return out;
}

namespace {
Fp inverse_public(const Fp& a) noexcept { return fp_inverse_vartime(a); }
Fp2 inverse_public(const Fp2& a) noexcept { return a.inverse_vartime(); }

// Affine forms of public points with one inversion (Montgomery's trick).
template <class P>
std::vector<Affine<typename P::F>> batch_to_affine(std::span<const P> points) {
  using F = typename P::F;
  std::vector<Affine<F>> out(points.size());
  std::vector<F> prefix(points.size());
  F acc = F::one();
  for (std::size_t i = 0; i < points.size(); ++i) {
    prefix[i] = acc;
    if (!points[i].is_identity()) acc = acc * points[i].z();
  }
  F inv = inverse_public(acc);  // 1 / (product of the non-zero Z)
  for (std::size_t i = points.size(); i-- > 0;) {
    if (points[i].is_identity()) continue;
    const F zi = inv * prefix[i];
    inv = inv * points[i].z();
    out[i] = {points[i].x() * zi, points[i].y() * zi, false};
  }
  return out;
}

// Base-|x| digits of a public k < r < |x|^4 (all below 2^64), by hardware
// division: variable time, unlike x_digits above.
std::array<std::uint64_t, 4> x_digits_public(const Fr& k) noexcept {
  using privfin::detail::uint128;
  Fr::Repr v = k.to_raw();
  std::array<std::uint64_t, 4> d{};
  for (std::size_t i = 0; i < 3; ++i) {
    uint128 rem = 0;
    for (std::size_t limb = v.size(); limb-- > 0;) {
      const uint128 cur = (rem << 64) | v[limb];
      v[limb] = static_cast<std::uint64_t>(cur / bls_x_abs);
      rem = cur % bls_x_abs;
    }
    d[i] = static_cast<std::uint64_t>(rem);
  }
  d[3] = v[0];
  return d;
}

// The window width c that minimises Pippenger's estimated cost for n
// points and `bits`-bit scalars: (bits / c + 1) windows, each n mixed
// additions (about 11 multiplications) and a running sum over 2^(c-1)
// buckets (two full additions, about 16 each).
std::size_t pippenger_window(std::size_t n, std::size_t bits) noexcept {
  std::size_t best = 2;
  double best_cost = -1;
  for (std::size_t c = 2; c <= 16; ++c) {
    const double windows = static_cast<double>(bits / c + 1);
    const double cost = windows * (11.0 * static_cast<double>(n) + 32.0 * static_cast<double>(std::size_t{1} << (c - 1)));
    if (best_cost < 0 || cost < best_cost) {
      best = c;
      best_cost = cost;
    }
  }
  return best;
}

// Pippenger with signed c-bit digits (2^(c-1) buckets per window), affine
// inputs added into Jacobian buckets (mixed additions); scalars of at most
// `bits` bits, little-endian limbs.
template <class F>
detail::Jacobian<F> pippenger(std::span<const Affine<F>> affine, std::span<const Fr::Repr> scalars, std::size_t bits) {
  using J = detail::Jacobian<F>;
  const std::size_t n = affine.size();
  const std::size_t c = pippenger_window(n, bits);
  const std::size_t windows = bits / c + 1;  // covers the top bit and the last carry
  // Signed digits in [-2^(c-1), 2^(c-1)), window-major per point.
  std::vector<std::int32_t> digits(n * windows);
  const std::int64_t half = std::int64_t{1} << (c - 1), full = std::int64_t{1} << c;
  for (std::size_t i = 0; i < n; ++i) {
    const Fr::Repr& raw = scalars[i];
    std::int64_t carry = 0;
    for (std::size_t w = 0; w < windows; ++w) {
      const std::size_t bit = w * c;
      std::uint64_t chunk = 0;
      if (bit < 256) {
        chunk = raw[bit / 64] >> (bit % 64);
        if (bit % 64 + c > 64 && bit / 64 + 1 < 4) chunk |= raw[bit / 64 + 1] << (64 - bit % 64);
      }
      std::int64_t d = static_cast<std::int64_t>(chunk & static_cast<std::uint64_t>(full - 1)) + carry;
      carry = d >= half ? 1 : 0;
      d -= carry * full;
      digits[i * windows + w] = static_cast<std::int32_t>(d);
    }
  }
  std::vector<J> buckets(static_cast<std::size_t>(half));
  J result;
  for (std::size_t w = windows; w-- > 0;) {
    for (std::size_t k = 0; k < c; ++k) result.dbl();
    std::fill(buckets.begin(), buckets.end(), J());
    for (std::size_t i = 0; i < n; ++i) {
      const std::int32_t d = digits[i * windows + w];
      if (d == 0 || affine[i].infinity) continue;
      if (d > 0) {
        buckets[static_cast<std::size_t>(d - 1)].add_affine(affine[i].x, affine[i].y);
      } else {
        buckets[static_cast<std::size_t>(-d - 1)].add_affine(affine[i].x, -affine[i].y);
      }
    }
    // sum_j j * bucket[j-1] as a running sum of suffix sums.
    J suffix, acc;
    for (std::size_t j = buckets.size(); j-- > 0;) {
      suffix.add(buckets[j]);
      acc.add(suffix);
    }
    result.add(acc);
  }
  return result;
}

template <class P>
void check_sizes(std::span<const P> points, std::span<const Fr> scalars, const char* name) {
  if (points.size() != scalars.size()) {
    throw InvalidArgument(std::string("bls12_381::") + name + ": " + std::to_string(points.size()) +
                          " points but " + std::to_string(scalars.size()) + " scalars");
  }
}
}  // namespace

// Each scalar splits by the endomorphisms, so the buckets run over shorter
// scalars and more points (fewer windows, the same additions per window):
// on G1, k P = a P + b [x^2] P with [x^2] P = -sigma(P) and a, b < 2^128;
// on G2, k Q = sum_i d_i [|x|^i] Q with [|x|] Q = -psi(Q) and 64-bit d_i.
G1 g1_msm(std::span<const G1> points, std::span<const Fr> scalars) {
  check_sizes(points, scalars, "g1_msm");
  if (points.empty()) return G1::identity();
  const auto& c = curve_constants();
  const auto affine = batch_to_affine(points);
  if (!c.sigma_ok) {
    std::vector<Fr::Repr> raw(scalars.size());
    for (std::size_t i = 0; i < scalars.size(); ++i) raw[i] = scalars[i].to_raw();
    return pippenger<Fp>(affine, raw, 255).to_projective<G1>();
  }
  using privfin::detail::uint128;
  std::vector<Affine<Fp>> split(2 * points.size());
  std::vector<Fr::Repr> raw(2 * points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto d = x_digits_public(scalars[i]);
    const uint128 a = static_cast<uint128>(d[1]) * bls_x_abs + d[0];
    const uint128 b = static_cast<uint128>(d[3]) * bls_x_abs + d[2];
    split[2 * i] = affine[i];
    split[2 * i + 1] = {affine[i].x * c.beta, -affine[i].y, affine[i].infinity};  // -sigma
    raw[2 * i] = {static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(a >> 64), 0, 0};
    raw[2 * i + 1] = {static_cast<std::uint64_t>(b), static_cast<std::uint64_t>(b >> 64), 0, 0};
  }
  return pippenger<Fp>(split, raw, 128).to_projective<G1>();
}

G2 g2_msm(std::span<const G2> points, std::span<const Fr> scalars) {
  check_sizes(points, scalars, "g2_msm");
  if (points.empty()) return G2::identity();
  const auto& c = curve_constants();
  const auto affine = batch_to_affine(points);
  std::vector<Affine<Fp2>> split(4 * points.size());
  std::vector<Fr::Repr> raw(4 * points.size());
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto d = x_digits_public(scalars[i]);
    Affine<Fp2> q = affine[i];
    for (std::size_t j = 0; j < 4; ++j) {
      split[4 * i + j] = q;
      raw[4 * i + j] = {d[j], 0, 0, 0};
      q = {q.x.conjugate() * c.psi_x, -(q.y.conjugate() * c.psi_y), q.infinity};  // -psi on an affine point
    }
  }
  return pippenger<Fp2>(split, raw, 64).to_projective<G2>();
}

std::array<std::byte, g1_compressed_size> g1_to_compressed(const G1& p) noexcept {
  std::array<std::byte, g1_compressed_size> out{};
  const G1Affine a = p.to_affine();
  if (a.infinity) {
    out[0] = flag_compressed | flag_infinity;
    return out;
  }
  write_fp(a.x, out.data());
  out[0] |= flag_compressed;
  if (fp_is_large(a.y)) out[0] |= flag_sign;
  return out;
}

std::array<std::byte, g1_uncompressed_size> g1_to_uncompressed(const G1& p) noexcept {
  std::array<std::byte, g1_uncompressed_size> out{};
  const G1Affine a = p.to_affine();
  if (a.infinity) {
    out[0] = flag_infinity;
    return out;
  }
  write_fp(a.x, out.data());
  write_fp(a.y, out.data() + 48);
  return out;
}

std::array<std::byte, g2_compressed_size> g2_to_compressed(const G2& q) noexcept {
  std::array<std::byte, g2_compressed_size> out{};
  const G2Affine a = q.to_affine();
  if (a.infinity) {
    out[0] = flag_compressed | flag_infinity;
    return out;
  }
  write_fp(a.x.c1, out.data());
  write_fp(a.x.c0, out.data() + 48);
  out[0] |= flag_compressed;
  if (fp2_is_large(a.y)) out[0] |= flag_sign;
  return out;
}

std::array<std::byte, g2_uncompressed_size> g2_to_uncompressed(const G2& q) noexcept {
  std::array<std::byte, g2_uncompressed_size> out{};
  const G2Affine a = q.to_affine();
  if (a.infinity) {
    out[0] = flag_infinity;
    return out;
  }
  write_fp(a.x.c1, out.data());
  write_fp(a.x.c0, out.data() + 48);
  write_fp(a.y.c1, out.data() + 96);
  write_fp(a.y.c0, out.data() + 144);
  return out;
}

G1 g1_from_bytes(ByteView bytes, bool check_subgroup) {
  const Flags f = parse_flags(bytes, g1_compressed_size, "G1");
  if (f.infinity) return G1::identity();
  std::array<std::byte, 48> xb{};
  std::copy_n(bytes.begin(), 48, xb.begin());
  xb[0] &= std::byte{0x1f};
  const Fp x = read_fp(xb.data(), "G1", "x");
  Fp y;
  if (f.compressed) {
    const auto root = fp_sqrt(x.square() * x + G1Traits::b());
    if (!root) throw DecodeError("G1 point encoding: x is not the abscissa of a curve point");
    if (root->is_zero() && f.sign) throw DecodeError("G1 point encoding: sign flag set for y = 0");
    y = (fp_is_large(*root) == f.sign) ? *root : -*root;
  } else {
    y = read_fp(bytes.data() + 48, "G1", "y");
  }
  const G1 p(x, y, Fp::one());
  if (!p.is_on_curve()) throw DecodeError("G1 point encoding: the point is not on the curve");
  if (check_subgroup && !g1_in_subgroup(p)) {
    throw DecodeError("G1 point encoding: the point is not in the prime-order subgroup");
  }
  return p;
}

G2 g2_from_bytes(ByteView bytes, bool check_subgroup) {
  const Flags f = parse_flags(bytes, g2_compressed_size, "G2");
  if (f.infinity) return G2::identity();
  std::array<std::byte, 48> x1b{};
  std::copy_n(bytes.begin(), 48, x1b.begin());
  x1b[0] &= std::byte{0x1f};
  const Fp2 x{read_fp(bytes.data() + 48, "G2", "x.c0"), read_fp(x1b.data(), "G2", "x.c1")};
  Fp2 y;
  if (f.compressed) {
    const auto root = fp2_sqrt(x.square() * x + G2Traits::b());
    if (!root) throw DecodeError("G2 point encoding: x is not the abscissa of a curve point");
    if (root->is_zero() && f.sign) throw DecodeError("G2 point encoding: sign flag set for y = 0");
    y = (fp2_is_large(*root) == f.sign) ? *root : -*root;
  } else {
    y = Fp2{read_fp(bytes.data() + 144, "G2", "y.c0"), read_fp(bytes.data() + 96, "G2", "y.c1")};
  }
  const G2 q(x, y, Fp2::one());
  if (!q.is_on_curve()) throw DecodeError("G2 point encoding: the point is not on the curve");
  if (check_subgroup && !g2_in_subgroup(q)) {
    throw DecodeError("G2 point encoding: the point is not in the prime-order subgroup");
  }
  return q;
}

namespace {
void require_compressed_size(ByteView bytes, std::size_t size, const char* group) {
  if (bytes.size() != size) {
    throw DecodeError(std::string(group) + " point encoding: " + std::to_string(bytes.size()) +
                      " bytes, expected the " + std::to_string(size) +
                      "-byte compressed encoding (the only canonical one)");
  }
}
}  // namespace

G1 g1_from_compressed(ByteView bytes, bool check_subgroup) {
  require_compressed_size(bytes, g1_compressed_size, "G1");
  return g1_from_bytes(bytes, check_subgroup);
}

G2 g2_from_compressed(ByteView bytes, bool check_subgroup) {
  require_compressed_size(bytes, g2_compressed_size, "G2");
  return g2_from_bytes(bytes, check_subgroup);
}

}  // namespace privfin::sig::bls12_381
