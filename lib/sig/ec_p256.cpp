// P-256 over OpenSSL's EC_GROUP / EC_POINT (SEC 1 v2, FIPS 186-4 D.1.2.3).
#include "privfin/sig/ec_p256.hpp"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include <memory>
#include <string>

#include "privfin/core/bigint.hpp"
#include "privfin/core/error.hpp"

namespace privfin::sig::p256 {
namespace {

struct BnCtxFree {
  void operator()(BN_CTX* c) const noexcept { BN_CTX_free(c); }
};
struct BnFree {
  void operator()(BIGNUM* b) const noexcept { BN_clear_free(b); }
};
using BnCtxPtr = std::unique_ptr<BN_CTX, BnCtxFree>;
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

[[noreturn]] void fail(const char* what) { throw Error(std::string("p256: OpenSSL failure in ") + what); }

const EC_GROUP* group() {
  static const EC_GROUP* const g = [] {
    EC_GROUP* created = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    if (created == nullptr) fail("EC_GROUP_new_by_curve_name");
    return created;
  }();
  return g;
}

BnCtxPtr new_ctx() {
  BnCtxPtr ctx(BN_CTX_new());
  if (!ctx) fail("BN_CTX_new");
  return ctx;
}

BnPtr bn_from_bytes(ByteView be) {
  BnPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(be.data()), static_cast<int>(be.size()), nullptr));
  if (!bn) fail("BN_bin2bn");
  return bn;
}

// A public scalar, reduced into [0, n).
BnPtr bn_from_mpz(const mpz_class& k) {
  mpz_class r = k % order();
  if (r < 0) r += order();
  return bn_from_bytes(bigint::to_bytes_be(r, scalar_size));
}

mpz_class mpz_from_bn(const BIGNUM* bn) {
  Bytes be(static_cast<std::size_t>(BN_num_bytes(bn)));
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(be.data()));
  return bigint::from_bytes_be(be);
}

EC_POINT* new_point() {
  EC_POINT* p = EC_POINT_new(group());
  if (p == nullptr) fail("EC_POINT_new");
  return p;
}

const EC_POINT* raw(const Point& p) { return static_cast<const EC_POINT*>(p.native()); }

// A secret scalar: 32 bytes, loaded with BN_FLG_CONSTTIME.
BnPtr secret_scalar(ByteView k_be) {
  if (k_be.size() != scalar_size) {
    throw InvalidArgument("p256: secret scalar must be 32 bytes, got " + std::to_string(k_be.size()));
  }
  BnPtr k(BN_secure_new());
  if (!k) fail("BN_secure_new");
  BN_set_flags(k.get(), BN_FLG_CONSTTIME);
  if (BN_bin2bn(reinterpret_cast<const unsigned char*>(k_be.data()), static_cast<int>(k_be.size()), k.get()) ==
      nullptr) {
    fail("BN_bin2bn");
  }
  return k;
}

}  // namespace

const mpz_class& order() {
  static const mpz_class n("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);
  return n;
}
const mpz_class& field_prime() {
  static const mpz_class p("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
  return p;
}
const mpz_class& coefficient_a() {
  static const mpz_class a = field_prime() - 3;
  return a;
}
const mpz_class& coefficient_b() {
  static const mpz_class b("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16);
  return b;
}

Point::Point() : point_(new_point()) {
  if (EC_POINT_set_to_infinity(group(), static_cast<EC_POINT*>(point_)) != 1) fail("EC_POINT_set_to_infinity");
}
Point::Point(const Point& other) : point_(EC_POINT_dup(raw(other), group())) {
  if (point_ == nullptr) fail("EC_POINT_dup");
}
Point& Point::operator=(const Point& other) {
  if (this != &other && EC_POINT_copy(static_cast<EC_POINT*>(point_), raw(other)) != 1) fail("EC_POINT_copy");
  return *this;
}
Point::Point(Point&& other) noexcept : point_(std::exchange(other.point_, nullptr)) {}
Point& Point::operator=(Point&& other) noexcept {
  std::swap(point_, other.point_);
  return *this;
}
Point::~Point() { EC_POINT_clear_free(static_cast<EC_POINT*>(point_)); }

Point Point::generator() {
  EC_POINT* p = EC_POINT_dup(EC_GROUP_get0_generator(group()), group());
  if (p == nullptr) fail("EC_POINT_dup");
  return Point(p);
}

Point Point::from_affine(const mpz_class& x, const mpz_class& y) {
  if (x < 0 || y < 0 || x >= field_prime() || y >= field_prime()) {
    throw InvalidArgument("p256: affine coordinate out of range [0, p)");
  }
  Point out(new_point());
  auto ctx = new_ctx();
  auto bx = bn_from_bytes(bigint::to_bytes_be(x, 32));
  auto by = bn_from_bytes(bigint::to_bytes_be(y, 32));
  // EC_POINT_set_affine_coordinates checks that the point is on the curve.
  if (EC_POINT_set_affine_coordinates(group(), static_cast<EC_POINT*>(out.point_), bx.get(), by.get(), ctx.get()) !=
      1) {
    throw InvalidArgument("p256: (x, y) is not on the curve");
  }
  return out;
}

std::optional<Point> Point::try_decode(ByteView encoding) {
  const bool compressed = encoding.size() == compressed_size &&
                          (encoding[0] == std::byte{0x02} || encoding[0] == std::byte{0x03});
  const bool uncompressed = encoding.size() == uncompressed_size && encoding[0] == std::byte{0x04};
  if (!compressed && !uncompressed) return std::nullopt;
  // Coordinates must be canonical (< p): OpenSSL would reduce x silently in
  // some versions, so compare the bytes first.
  const mpz_class x = bigint::from_bytes_be(encoding.subspan(1, 32));
  if (x >= field_prime()) return std::nullopt;
  if (uncompressed && bigint::from_bytes_be(encoding.subspan(33, 32)) >= field_prime()) return std::nullopt;
  Point out(new_point());
  auto ctx = new_ctx();
  // EC_POINT_oct2point decompresses (rejecting x without a square root) and
  // checks uncompressed points against the curve equation.
  if (EC_POINT_oct2point(group(), static_cast<EC_POINT*>(out.point_),
                         reinterpret_cast<const unsigned char*>(encoding.data()), encoding.size(), ctx.get()) != 1) {
    return std::nullopt;
  }
  if (out.is_identity() || EC_POINT_is_on_curve(group(), raw(out), ctx.get()) != 1) return std::nullopt;
  return out;
}

Point Point::decode(ByteView encoding) {
  auto p = try_decode(encoding);
  if (!p) {
    throw DecodeError("p256: invalid SEC1 point encoding (" + std::to_string(encoding.size()) +
                      " bytes): wrong length or prefix, coordinate >= p, or not on the curve");
  }
  return std::move(*p);
}

Bytes Point::encode_compressed() const {
  if (is_identity()) return Bytes{std::byte{0x00}};
  Bytes out(compressed_size);
  auto ctx = new_ctx();
  if (EC_POINT_point2oct(group(), raw(*this), POINT_CONVERSION_COMPRESSED, reinterpret_cast<unsigned char*>(out.data()),
                         out.size(), ctx.get()) != compressed_size) {
    fail("EC_POINT_point2oct");
  }
  return out;
}

Bytes Point::encode_uncompressed() const {
  if (is_identity()) return Bytes{std::byte{0x00}};
  Bytes out(uncompressed_size);
  auto ctx = new_ctx();
  if (EC_POINT_point2oct(group(), raw(*this), POINT_CONVERSION_UNCOMPRESSED,
                         reinterpret_cast<unsigned char*>(out.data()), out.size(), ctx.get()) != uncompressed_size) {
    fail("EC_POINT_point2oct");
  }
  return out;
}

bool Point::is_identity() const { return EC_POINT_is_at_infinity(group(), raw(*this)) == 1; }

std::pair<mpz_class, mpz_class> Point::affine() const {
  if (is_identity()) throw InvalidArgument("p256: the point at infinity has no affine coordinates");
  auto ctx = new_ctx();
  BnPtr x(BN_new());
  BnPtr y(BN_new());
  if (!x || !y || EC_POINT_get_affine_coordinates(group(), raw(*this), x.get(), y.get(), ctx.get()) != 1) {
    fail("EC_POINT_get_affine_coordinates");
  }
  return {mpz_from_bn(x.get()), mpz_from_bn(y.get())};
}

Point Point::operator+(const Point& other) const {
  Point out(new_point());
  auto ctx = new_ctx();
  if (EC_POINT_add(group(), static_cast<EC_POINT*>(out.point_), raw(*this), raw(other), ctx.get()) != 1) {
    fail("EC_POINT_add");
  }
  return out;
}

Point Point::operator-() const {
  Point out(*this);
  auto ctx = new_ctx();
  if (EC_POINT_invert(group(), static_cast<EC_POINT*>(out.point_), ctx.get()) != 1) fail("EC_POINT_invert");
  return out;
}

Point Point::operator-(const Point& other) const { return *this + (-other); }

bool Point::operator==(const Point& other) const {
  auto ctx = new_ctx();
  const int r = EC_POINT_cmp(group(), raw(*this), raw(other), ctx.get());
  if (r < 0) fail("EC_POINT_cmp");
  return r == 0;
}

Point Point::mul_public(const mpz_class& k) const {
  auto bk = bn_from_mpz(k);
  Point out(new_point());
  auto ctx = new_ctx();
  if (EC_POINT_mul(group(), static_cast<EC_POINT*>(out.point_), nullptr, raw(*this), bk.get(), ctx.get()) != 1) {
    fail("EC_POINT_mul");
  }
  return out;
}

Point Point::mul_secret(ByteView k_be) const {
  auto k = secret_scalar(k_be);
  Point out(new_point());
  auto ctx = new_ctx();
  if (EC_POINT_mul(group(), static_cast<EC_POINT*>(out.point_), nullptr, raw(*this), k.get(), ctx.get()) != 1) {
    fail("EC_POINT_mul");
  }
  return out;
}

Point Point::mul_base_secret(ByteView k_be) {
  auto k = secret_scalar(k_be);
  Point out(new_point());
  auto ctx = new_ctx();
  if (EC_POINT_mul(group(), static_cast<EC_POINT*>(out.point_), k.get(), nullptr, nullptr, ctx.get()) != 1) {
    fail("EC_POINT_mul");
  }
  return out;
}

Point Point::mul2_public(const mpz_class& a, const Point& p, const mpz_class& b, const Point& q) {
  // EC_POINTs_mul is deprecated in OpenSSL 3; two multiplications and an add.
  return p.mul_public(a) + q.mul_public(b);
}

Point Point::mul_base_add_public(const mpz_class& a, const mpz_class& b, const Point& q) {
  auto ba = bn_from_mpz(a);
  auto bb = bn_from_mpz(b);
  Point out(new_point());
  auto ctx = new_ctx();
  if (EC_POINT_mul(group(), static_cast<EC_POINT*>(out.point_), ba.get(), raw(q), bb.get(), ctx.get()) != 1) {
    fail("EC_POINT_mul");
  }
  return out;
}

}  // namespace privfin::sig::p256
