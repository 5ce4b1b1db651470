// privfin/sig/bls12_381/curve.hpp — the groups G1 (on E: y^2 = x^3 + 4 over
// Fp) and G2 (on the twist E': y^2 = x^3 + 4(u + 1) over Fp2) in homogeneous
// projective coordinates, with the ZCash/IETF point encodings and subgroup
// checks.
//
//   G1 p = G1::generator().mul(Fr::from_u64(7));      // constant-time in the scalar
//   auto bytes = g1_to_compressed(p);                // 48 bytes
//   G1 q = g1_from_bytes(bytes);                     // throws DecodeError if malformed
//
// Addition and doubling use the complete formulas of Renes, Costello and
// Batina (EUROCRYPT 2016, Algorithms 7 and 9 for a = 0): no exceptional
// cases and no branches, so `mul` (double-and-add-always with masked
// selects) runs in time independent of the scalar. `mul_vartime` is for
// public scalars and points only (it uses faster, non-complete Jacobian
// formulas that branch on the special cases). Decoding rejects every malformed encoding: wrong
// length, inconsistent flags, coordinates >= p, points off the curve, and
// points outside the prime-order subgroup. Value types; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "privfin/core/bytes.hpp"
#include "privfin/sig/bls12_381/detail/jacobian.hpp"
#include "privfin/sig/bls12_381/fields.hpp"

namespace privfin::sig::bls12_381 {

template <class F>
struct Affine {
  F x{}, y{};
  bool infinity = true;
};

struct G1Traits {
  using Field = Fp;
  static constexpr Fp b() { return Fp::from_u64(4); }
  // 3 b t = 12 t, by additions.
  static constexpr Fp mul_by_b3(const Fp& t) {
    const Fp t4 = t.dbl().dbl();
    return t4.dbl() + t4;
  }
  static constexpr Fp gen_x() {
    return Fp::from_hex(
        "17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb");
  }
  static constexpr Fp gen_y() {
    return Fp::from_hex(
        "08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1");
  }
};

struct G2Traits {
  using Field = Fp2;
  static constexpr Fp2 b() { return {Fp::from_u64(4), Fp::from_u64(4)}; }
  // 3 b t = 12 (1 + u) t.
  static constexpr Fp2 mul_by_b3(const Fp2& t) {
    const Fp2 t4 = t.mul_by_xi().dbl().dbl();
    return t4.dbl() + t4;
  }
  static constexpr Fp2 gen_x() {
    return {Fp::from_hex("024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8"),
            Fp::from_hex("13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e")};
  }
  static constexpr Fp2 gen_y() {
    return {Fp::from_hex("0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801"),
            Fp::from_hex("0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be")};
  }
};

template <class Traits>
class Point {
 public:
  using F = typename Traits::Field;

  // The identity (0 : 1 : 0).
  constexpr Point() noexcept : x_(), y_(F::one()), z_() {}
  constexpr Point(const F& x, const F& y, const F& z) noexcept : x_(x), y_(y), z_(z) {}

  [[nodiscard]] static constexpr Point identity() noexcept { return Point(); }
  [[nodiscard]] static Point generator() noexcept {
    static const Point g(Traits::gen_x(), Traits::gen_y(), F::one());
    return g;
  }
  [[nodiscard]] static constexpr Point from_affine(const Affine<F>& a) noexcept {
    return a.infinity ? Point() : Point(a.x, a.y, F::one());
  }
  [[nodiscard]] Affine<F> to_affine() const noexcept {
    if (is_identity()) return {};
    const F zi = z_.inverse();
    return {x_ * zi, y_ * zi, false};
  }

  [[nodiscard]] const F& x() const noexcept { return x_; }
  [[nodiscard]] const F& y() const noexcept { return y_; }
  [[nodiscard]] const F& z() const noexcept { return z_; }

  [[nodiscard]] bool is_identity() const noexcept { return z_.is_zero(); }
  // Y^2 Z = X^3 + b Z^3, and not the all-zero triple.
  [[nodiscard]] bool is_on_curve() const noexcept {
    if (x_.is_zero() && y_.is_zero() && z_.is_zero()) return false;
    const F z2 = z_.square();
    static const F b = Traits::b();
    return y_.square() * z_ == x_.square() * x_ + b * z2 * z_;
  }

  friend bool operator==(const Point& a, const Point& b) noexcept {
    return a.x_ * b.z_ == b.x_ * a.z_ && a.y_ * b.z_ == b.y_ * a.z_;
  }

  Point operator-() const noexcept { return Point(x_, -y_, z_); }
  Point operator-(const Point& o) const noexcept { return *this + (-o); }
  Point& operator+=(const Point& o) noexcept { return *this = *this + o; }

  // Complete addition (RCB16 Algorithm 7, a = 0).
  Point operator+(const Point& o) const noexcept {
    F t0 = x_ * o.x_, t1 = y_ * o.y_, t2 = z_ * o.z_;
    F t3 = (x_ + y_) * (o.x_ + o.y_);
    F t4 = t0 + t1;
    t3 = t3 - t4;
    t4 = (y_ + z_) * (o.y_ + o.z_);
    F x3 = t1 + t2;
    t4 = t4 - x3;
    x3 = (x_ + z_) * (o.x_ + o.z_);
    F y3 = t0 + t2;
    y3 = x3 - y3;
    x3 = t0 + t0;
    t0 = x3 + t0;
    t2 = Traits::mul_by_b3(t2);
    F z3 = t1 + t2;
    t1 = t1 - t2;
    y3 = Traits::mul_by_b3(y3);
    x3 = t4 * y3;
    t2 = t3 * t1;
    x3 = t2 - x3;
    y3 = y3 * t0;
    t1 = t1 * z3;
    y3 = t1 + y3;
    t0 = t0 * t3;
    z3 = z3 * t4;
    z3 = z3 + t0;
    return Point(x3, y3, z3);
  }

  // Complete doubling (RCB16 Algorithm 9, a = 0).
  [[nodiscard]] Point dbl() const noexcept {
    F t0 = y_.square();
    F z3 = t0 + t0;
    z3 = z3 + z3;
    z3 = z3 + z3;
    F t1 = y_ * z_;
    F t2 = z_.square();
    t2 = Traits::mul_by_b3(t2);
    F x3 = t2 * z3;
    F y3 = t0 + t2;
    z3 = t1 * z3;
    t1 = t2 + t2;
    t2 = t1 + t2;
    t0 = t0 - t2;
    y3 = t0 * y3;
    y3 = x3 + y3;
    t1 = x_ * y_;
    x3 = t0 * t1;
    x3 = x3 + x3;
    return Point(x3, y3, z3);
  }

  [[nodiscard]] static Point select(bool choose, const Point& a, const Point& b) noexcept {
    return Point(F::select(choose, a.x_, b.x_), F::select(choose, a.y_, b.y_), F::select(choose, a.z_, b.z_));
  }

  // [k] this, constant-time in k: 255 doublings and 255 additions whose
  // results are kept or dropped by masked selects.
  [[nodiscard]] Point mul(const Fr& k) const noexcept {
    auto bits = k.to_raw();
    Point acc;
    for (std::size_t i = 255; i-- > 0;) {
      acc = acc.dbl();
      const Point sum = acc + *this;
      acc = select(((bits[i / 64] >> (i % 64)) & 1) != 0, acc, sum);
    }
    secure_wipe(std::as_writable_bytes(std::span(bits)));  // k is often a secret key
    return acc;
  }

  // [k] this for a public scalar k (little-endian limbs); variable time:
  // double-and-add in Jacobian coordinates (detail/jacobian.hpp), with
  // mixed additions when this point has Z = 1.
  [[nodiscard]] Point mul_vartime(std::span<const std::uint64_t> k) const noexcept {
    using J = detail::Jacobian<F>;
    const J base = J::from_projective(x_, y_, z_);
    const bool affine = z_ == F::one();
    J acc;
    for (std::size_t i = 64 * k.size(); i-- > 0;) {
      acc.dbl();
      if (((k[i / 64] >> (i % 64)) & 1) != 0) {
        if (affine) {
          acc.add_affine(x_, y_);
        } else {
          acc.add(base);
        }
      }
    }
    return acc.template to_projective<Point>();
  }

  // [x] this for the curve parameter x = -0xd201000000010000.
  [[nodiscard]] Point mul_by_x() const noexcept {
    const std::uint64_t k[1] = {bls_x_abs};
    return -mul_vartime(k);
  }

 private:
  F x_, y_, z_;
};

using G1 = Point<G1Traits>;
using G2 = Point<G2Traits>;
using G1Affine = Affine<Fp>;
using G2Affine = Affine<Fp2>;

// Prime-order subgroup membership with the endomorphism tests of Scott,
// "A note on group membership tests for G1, G2 and GT on BLS
// pairing-friendly curves" (2021): G1: sigma(P) = [-x^2]P with
// sigma(x, y) = (beta x, y); G2: psi(Q) = [x]Q. Both cost two or one
// 64-bit multiplications instead of a 255-bit [r]P.
[[nodiscard]] bool g1_in_subgroup(const G1& p) noexcept;
[[nodiscard]] bool g2_in_subgroup(const G2& q) noexcept;

// The untwist-Frobenius-twist endomorphism psi on E' (RFC 9380 Appendix G.3).
[[nodiscard]] G2 g2_psi(const G2& q) noexcept;
// Cofactor clearing: [1 - x]P on G1 (h_eff of RFC 9380 Section 8.8.1) and
// the Budroni-Pintore map on G2, equal to [h_eff]Q of RFC 9380 Section 8.8.2.
[[nodiscard]] G1 g1_clear_cofactor(const G1& p) noexcept;
[[nodiscard]] G2 g2_clear_cofactor(const G2& q) noexcept;

// [k] P for P in the prime-order subgroup, constant time in k, through the
// endomorphisms: in G1, k = a + b x^2 with a, b < 2^128 and -sigma = [x^2]
// (a 2-dimensional ladder, about half the group operations of Point::mul);
// in G2, k = d0 + d1 |x| + d2 |x|^2 + d3 |x|^3 with digits < 2^64 and
// -psi = [|x|] (4-dimensional, about a quarter). The digits come from a
// bit-serial division with masked subtractions, the 4 or 16 precomputed
// sums are read by a full masked scan, and every step is the complete
// addition: no branch or memory index depends on k. Only for subgroup
// points (the endomorphisms act as those scalars there alone); for any
// other point use Point::mul.
[[nodiscard]] G1 g1_mul(const G1& p, const Fr& k) noexcept;
[[nodiscard]] G2 g2_mul(const G2& q, const Fr& k) noexcept;

// Multi-scalar multiplication sum_i [scalars[i]] points[i] by Pippenger's
// bucket method over the scalars split by the endomorphisms (two 128-bit
// halves on G1, four 64-bit digits on G2; the window width minimises the
// estimated cost): roughly (b / c) (m + 2^c) additions for m = 2n or 4n
// points of b = 128 or 64 bits, instead of n full scalar multiplications.
// The points must lie in G1 / G2, as every decoded point does (the split
// relies on the endomorphisms acting as scalars there). Variable time in
// the scalars and points: for public inputs only (batch verification,
// aggregation with public weights). Throws InvalidArgument if the sizes
// differ.
[[nodiscard]] G1 g1_msm(std::span<const G1> points, std::span<const Fr> scalars);
[[nodiscard]] G2 g2_msm(std::span<const G2> points, std::span<const Fr> scalars);

inline constexpr std::size_t g1_compressed_size = 48;
inline constexpr std::size_t g1_uncompressed_size = 96;
inline constexpr std::size_t g2_compressed_size = 96;
inline constexpr std::size_t g2_uncompressed_size = 192;

// ZCash encodings: the top three bits of the first byte are the
// compression, infinity and sign flags; G2 coordinates are written c1 || c0.
[[nodiscard]] std::array<std::byte, g1_compressed_size> g1_to_compressed(const G1& p) noexcept;
[[nodiscard]] std::array<std::byte, g1_uncompressed_size> g1_to_uncompressed(const G1& p) noexcept;
[[nodiscard]] std::array<std::byte, g2_compressed_size> g2_to_compressed(const G2& q) noexcept;
[[nodiscard]] std::array<std::byte, g2_uncompressed_size> g2_to_uncompressed(const G2& q) noexcept;

// Decodes a compressed or uncompressed encoding (told apart by the
// compression flag, which must agree with the length). Throws DecodeError
// naming the defect: wrong length, bad flags, a coordinate >= p, no point
// with that x, a point off the curve, or (when check_subgroup) a point
// outside the prime-order subgroup.
[[nodiscard]] G1 g1_from_bytes(ByteView bytes, bool check_subgroup = true);
[[nodiscard]] G2 g2_from_bytes(ByteView bytes, bool check_subgroup = true);

// The canonical form: the compressed encoding only (48 bytes in G1, 96 in
// G2), so that every point has exactly one accepted byte string. BLS keys
// and signatures (bls.hpp, multisig.hpp) are decoded with these: whoever
// de-duplicates votes or signatures by their bytes sees each once. Throws
// DecodeError as above, and for any other length.
[[nodiscard]] G1 g1_from_compressed(ByteView bytes, bool check_subgroup = true);
[[nodiscard]] G2 g2_from_compressed(ByteView bytes, bool check_subgroup = true);

// g1_from_compressed or g2_from_compressed by the point type, for code that
// is generic over the BLS variant (public keys in G1 or G2).
template <class P>
  requires(std::is_same_v<P, G1> || std::is_same_v<P, G2>)
[[nodiscard]] P point_from_compressed(ByteView bytes, bool check_subgroup = true) {
  if constexpr (std::is_same_v<P, G1>) {
    return g1_from_compressed(bytes, check_subgroup);
  } else {
    return g2_from_compressed(bytes, check_subgroup);
  }
}

}  // namespace privfin::sig::bls12_381
