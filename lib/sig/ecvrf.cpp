// ECVRF, RFC 9381: prove (§5.1), verify (§5.3), proof_to_hash (§5.2), the
// TAI (§5.4.1.1) and hash-to-curve (§5.4.1.2) encodings, RFC 6979 nonces
// for P-256 (§5.4.2.1), RFC 8032-style nonces for edwards25519 (§5.4.2.2),
// the challenge (§5.4.3), key validation (§5.4.5), suites of §5.5.
// Security model: the VRF of RFC 9381 with full uniqueness and collision
// resistance when keys are validated (which verify() always does).
#include "privfin/sig/ecvrf.hpp"

#include <gmp.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <string>

#include "privfin/core/bigint.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"
#include "privfin/sig/ec_p256.hpp"
#include "privfin/sig/edwards25519.hpp"
#include "privfin/sig/hash_to_curve.hpp"
#include "edwards25519_vartime.hpp"

namespace privfin::sig {
namespace {

constexpr std::size_t c_len = 16;
constexpr std::size_t q_len = 32;

std::byte suite_byte(VrfSuite suite) { return static_cast<std::byte>(static_cast<std::uint8_t>(suite)); }

// ---------------------------------------------------------------- helpers

// HMAC-SHA-256 (RFC 2104) over core's Sha256; the key is at most one block.
std::array<std::byte, 32> hmac_sha256(ByteView key, ByteView data) {
  std::array<std::byte, 64> ipad{};
  std::array<std::byte, 64> opad{};
  for (std::size_t i = 0; i < 64; ++i) {
    const std::byte k = i < key.size() ? key[i] : std::byte{0};
    ipad[i] = k ^ std::byte{0x36};
    opad[i] = k ^ std::byte{0x5c};
  }
  auto inner = Sha256().update(ipad).update(data).finish();
  auto out = Sha256().update(opad).update(inner).finish();
  secure_wipe(ipad);
  secure_wipe(opad);
  secure_wipe(inner);
  return out;
}

template <class Hash>
Bytes challenge_hash(VrfSuite suite, std::initializer_list<ByteView> points) {
  Hash h;
  const std::array<std::byte, 2> prefix{suite_byte(suite), std::byte{0x02}};
  h.update(prefix);
  for (const auto& p : points) h.update(p);
  const std::array<std::byte, 1> zero{std::byte{0x00}};
  h.update(zero);
  const auto digest = h.finish();
  return Bytes(digest.begin(), digest.begin() + c_len);
}

template <class Hash>
Bytes beta_hash(VrfSuite suite, ByteView cofactor_gamma) {
  const std::array<std::byte, 2> prefix{suite_byte(suite), std::byte{0x03}};
  const std::array<std::byte, 1> zero{std::byte{0x00}};
  const auto digest = Hash().update(prefix).update(cofactor_gamma).update(zero).finish();
  return Bytes(digest.begin(), digest.end());
}

std::string dst_for(VrfSuite suite, std::string_view h2c_suite) {
  std::string dst = "ECVRF_";
  dst += h2c_suite;
  dst.push_back(static_cast<char>(static_cast<std::uint8_t>(suite)));
  return dst;
}

// ---------------------------------------------------------------- P-256

struct P256Proof {
  p256::Point gamma;
  Bytes c;  // 16 bytes
  mpz_class s;
};

// The secret scalar: 32 bytes big-endian in [1, n).
void check_p256_secret(ByteView sk) {
  if (sk.size() != 32) {
    throw InvalidArgument("ecvrf: P-256 secret key must be 32 bytes, got " + std::to_string(sk.size()));
  }
  // Range check without branching on the bits: compare as big integers once.
  mpz_class x = bigint::from_bytes_be(sk);
  const bool ok = x > 0 && x < p256::order();
  bigint::wipe(x);
  if (!ok) throw InvalidArgument("ecvrf: P-256 secret key is not in [1, n)");
}

p256::Point p256_encode_to_curve(VrfSuite suite, ByteView pk_string, ByteView alpha) {
  if (suite == VrfSuite::p256_sha256_sswu) {
    const std::string dst = dst_for(suite, "P256_XMD:SHA-256_SSWU_NU_");
    return h2c::p256_encode_to_curve(concat(pk_string, alpha), as_bytes(dst));
  }
  for (unsigned ctr = 0; ctr < 256; ++ctr) {
    const std::array<std::byte, 2> prefix{suite_byte(suite), std::byte{0x01}};
    const std::array<std::byte, 2> suffix{static_cast<std::byte>(ctr), std::byte{0x00}};
    const auto hash = Sha256().update(prefix).update(pk_string).update(alpha).update(suffix).finish();
    Bytes candidate(1 + hash.size());
    candidate[0] = std::byte{0x02};
    std::copy(hash.begin(), hash.end(), candidate.begin() + 1);
    if (auto h = p256::Point::try_decode(candidate)) return std::move(*h);  // cofactor 1
  }
  throw Error("ecvrf: try-and-increment found no point in 256 attempts");
}

// RFC 6979 §3.2 with HMAC-SHA-256, m = h_string (so h1 = SHA-256(h_string)).
SecretBytes p256_nonce(ByteView sk, ByteView h_string) {
  const auto h1 = Sha256::hash(h_string);
  mpz_class z = bigint::from_bytes_be(h1);
  if (z >= p256::order()) z -= p256::order();
  const Bytes h1_octets = bigint::to_bytes_be(z, 32);
  std::array<std::byte, 32> v{};
  std::array<std::byte, 32> k{};
  v.fill(std::byte{0x01});
  auto step = [&](std::byte sep, bool with_data) {
    SecretBytes msg(v.size() + 1 + (with_data ? 64 : 0));
    std::copy(v.begin(), v.end(), msg.data());
    msg.data()[32] = sep;
    if (with_data) {
      std::copy(sk.begin(), sk.end(), msg.data() + 33);
      std::copy(h1_octets.begin(), h1_octets.end(), msg.data() + 65);
    }
    k = hmac_sha256(k, msg.view());
    v = hmac_sha256(k, v);
  };
  step(std::byte{0x00}, true);
  step(std::byte{0x01}, true);
  for (;;) {
    v = hmac_sha256(k, v);  // qlen = hlen = 256: one block of T
    mpz_class candidate = bigint::from_bytes_be(v);
    const bool ok = candidate > 0 && candidate < p256::order();
    bigint::wipe(candidate);
    if (ok) {
      SecretBytes out{ByteView(v)};
      secure_wipe(v);
      secure_wipe(k);
      return out;
    }
    step(std::byte{0x00}, false);
  }
}

// (k + c * x) mod n with GMP's side-channel-silent mpn_sec_* functions.
Bytes p256_response(ByteView k_be, ByteView c_be, ByteView x_be) {
  constexpr mp_size_t n_limbs = 4;
  constexpr mp_size_t c_limbs = 2;
  std::array<mp_limb_t, n_limbs> x{};
  std::array<mp_limb_t, n_limbs> k{};
  std::array<mp_limb_t, c_limbs> c{};
  std::array<mp_limb_t, n_limbs> n{};
  auto load = [](mp_limb_t* out, std::size_t limbs, ByteView be) {
    for (std::size_t i = 0; i < be.size(); ++i) {
      const std::size_t pos = be.size() - 1 - i;  // byte i from the little end
      out[i / 8] |= static_cast<mp_limb_t>(std::to_integer<unsigned>(be[pos])) << (8 * (i % 8));
    }
    (void)limbs;
  };
  load(x.data(), n_limbs, x_be);
  load(k.data(), n_limbs, k_be);
  load(c.data(), c_limbs, c_be);
  const Bytes n_be = bigint::to_bytes_be(p256::order(), 32);
  load(n.data(), n_limbs, n_be);

  std::array<mp_limb_t, n_limbs + c_limbs + 1> acc{};
  const auto scratch_size = std::max(mpn_sec_mul_itch(n_limbs, c_limbs),
                                     mpn_sec_div_r_itch(static_cast<mp_size_t>(acc.size()), n_limbs));
  std::vector<mp_limb_t> scratch(static_cast<std::size_t>(scratch_size));
  mpn_sec_mul(acc.data(), x.data(), n_limbs, c.data(), c_limbs, scratch.data());
  std::array<mp_limb_t, n_limbs + c_limbs + 1> k_wide{};
  std::copy(k.begin(), k.end(), k_wide.begin());
  mpn_add_n(acc.data(), acc.data(), k_wide.data(), static_cast<mp_size_t>(acc.size()));
  mpn_sec_div_r(acc.data(), static_cast<mp_size_t>(acc.size()), n.data(), n_limbs, scratch.data());
  Bytes out(32);
  for (std::size_t i = 0; i < 32; ++i) {
    out[31 - i] = static_cast<std::byte>((acc[i / 8] >> (8 * (i % 8))) & 0xffu);
  }
  secure_wipe(std::as_writable_bytes(std::span(x)));
  secure_wipe(std::as_writable_bytes(std::span(k)));
  secure_wipe(std::as_writable_bytes(std::span(acc)));
  secure_wipe(std::as_writable_bytes(std::span(k_wide)));
  secure_wipe(std::as_writable_bytes(std::span(scratch)));
  return out;
}

std::optional<P256Proof> p256_decode_proof(ByteView pi) {
  if (pi.size() != 33 + c_len + q_len) return std::nullopt;
  auto gamma = p256::Point::try_decode(pi.first(33));
  if (!gamma) return std::nullopt;
  mpz_class s = bigint::from_bytes_be(pi.subspan(33 + c_len, q_len));
  if (s >= p256::order()) return std::nullopt;
  return P256Proof{std::move(*gamma), Bytes(pi.begin() + 33, pi.begin() + 33 + c_len), std::move(s)};
}


VrfProofTrace p256_prove(VrfSuite suite, ByteView sk, ByteView alpha) {
  check_p256_secret(sk);
  const p256::Point y = p256::Point::mul_base_secret(sk);
  const Bytes pk = y.encode_compressed();
  const p256::Point h = p256_encode_to_curve(suite, pk, alpha);
  VrfProofTrace t;
  t.h = h.encode_compressed();
  const p256::Point gamma = h.mul_secret(sk);
  SecretBytes k = p256_nonce(sk, t.h);
  const p256::Point u = p256::Point::mul_base_secret(k.view());
  const p256::Point v = h.mul_secret(k.view());
  t.u = u.encode_compressed();
  t.v = v.encode_compressed();
  const Bytes gamma_string = gamma.encode_compressed();
  const Bytes c = challenge_hash<Sha256>(suite, {pk, t.h, gamma_string, t.u, t.v});
  const Bytes s = p256_response(k.view(), c, sk);
  t.k = Bytes(k.view().begin(), k.view().end());
  t.proof = concat(gamma_string, c, s);
  t.beta = beta_hash<Sha256>(suite, gamma_string);
  return t;
}

std::optional<Bytes> p256_verify(VrfSuite suite, ByteView pk, ByteView alpha, ByteView pi) {
  auto y = p256::Point::try_decode(pk);  // decoding rejects the identity: validate_key
  if (!y) return std::nullopt;
  auto proof = p256_decode_proof(pi);
  if (!proof) return std::nullopt;
  const p256::Point h = p256_encode_to_curve(suite, pk, alpha);
  const mpz_class c = bigint::from_bytes_be(proof->c);
  const p256::Point u = p256::Point::mul_base_add_public(proof->s, -c, *y);
  const p256::Point v = p256::Point::mul2_public(proof->s, h, -c, proof->gamma);
  const Bytes gamma_string = proof->gamma.encode_compressed();
  const Bytes expected = challenge_hash<Sha256>(
      suite, {pk, h.encode_compressed(), gamma_string, u.encode_compressed(), v.encode_compressed()});
  if (!constant_time_equal(expected, proof->c)) return std::nullopt;
  return beta_hash<Sha256>(suite, gamma_string);
}

// ---------------------------------------------------------------- edwards25519

using Ed = std::array<unsigned char, 32>;

void sodium_ready() {
  static const int ready = sodium_init();
  if (ready < 0) throw Error("ecvrf: libsodium failed to initialise");
}

Ed to_ed(ByteView b) {
  Ed out{};
  std::copy(b.begin(), b.end(), reinterpret_cast<std::byte*>(out.data()));
  return out;
}
ByteView view(const Ed& e) { return as_bytes(std::span<const std::uint8_t>(e)); }
Bytes to_bytes(const Ed& e) {
  auto v = view(e);
  return Bytes(v.begin(), v.end());
}

const Ed& ed_identity() {
  static const Ed id = [] {
    Ed e{};
    e[0] = 1;
    return e;
  }();
  return id;
}

// scalar * point for a point in the prime-order subgroup; 0 * P = identity.
std::optional<Ed> ed_mul(const Ed& scalar, const Ed& point) {
  if (sodium_is_zero(scalar.data(), scalar.size()) == 1) return ed_identity();
  Ed out{};
  if (crypto_scalarmult_ed25519_noclamp(out.data(), scalar.data(), point.data()) != 0) return std::nullopt;
  return out;
}

Ed ed_mul_base(const Ed& scalar) {
  if (sodium_is_zero(scalar.data(), scalar.size()) == 1) return ed_identity();
  Ed out{};
  if (crypto_scalarmult_ed25519_base_noclamp(out.data(), scalar.data()) != 0) {
    throw Error("ecvrf: libsodium base point multiplication failed");
  }
  return out;
}

Ed ed_times_cofactor(const Ed& a) {
  Ed r = a;
  for (int i = 0; i < 3; ++i) {
    Ed next{};
    if (crypto_core_ed25519_add(next.data(), r.data(), r.data()) != 0) throw Error("ecvrf: edwards25519 doubling failed");
    r = next;
  }
  return r;
}

// x = clamp(SHA-512(seed)[0..32)) and the nonce prefix SHA-512(seed)[32..64).
struct EdSecret {
  Ed x{};
  std::array<std::byte, 32> prefix{};
  ~EdSecret() {
    sodium_memzero(x.data(), x.size());
    secure_wipe(prefix);
  }
};

void expand_ed_secret(ByteView sk, EdSecret& out) {
  if (sk.size() != 32) {
    throw InvalidArgument("ecvrf: edwards25519 secret key must be 32 bytes, got " + std::to_string(sk.size()));
  }
  auto digest = Sha512::hash(sk);
  std::copy(digest.begin(), digest.begin() + 32, reinterpret_cast<std::byte*>(out.x.data()));
  std::copy(digest.begin() + 32, digest.end(), out.prefix.begin());
  secure_wipe(digest);
  out.x[0] &= 248;
  out.x[31] &= 127;
  out.x[31] |= 64;
}

Ed ed_encode_to_curve(VrfSuite suite, ByteView pk_string, ByteView alpha) {
  if (suite == VrfSuite::edwards25519_sha512_ell2) {
    const std::string dst = dst_for(suite, "edwards25519_XMD:SHA-512_ELL2_NU_");
    return to_ed(ed25519_curve::encode(h2c::edwards25519_encode_to_curve(concat(pk_string, alpha), as_bytes(dst))));
  }
  for (unsigned ctr = 0; ctr < 256; ++ctr) {
    const std::array<std::byte, 2> prefix{suite_byte(suite), std::byte{0x01}};
    const std::array<std::byte, 2> suffix{static_cast<std::byte>(ctr), std::byte{0x00}};
    const auto hash = Sha512().update(prefix).update(pk_string).update(alpha).update(suffix).finish();
    if (auto p = detail::ed::decode(ByteView(hash).first(32))) {
      std::array<std::byte, 32> enc{};
      detail::ed::encode(detail::ed::mul_cofactor(*p), enc);
      return to_ed(enc);
    }
  }
  throw Error("ecvrf: try-and-increment found no point in 256 attempts");
}

VrfProofTrace ed_prove(VrfSuite suite, ByteView sk, ByteView alpha) {
  sodium_ready();
  EdSecret secret;
  expand_ed_secret(sk, secret);
  const Ed y = ed_mul_base(secret.x);
  const Ed h = ed_encode_to_curve(suite, view(y), alpha);
  auto gamma = ed_mul(secret.x, h);
  if (!gamma) throw Error("ecvrf: hash-to-curve gave a point outside the prime-order subgroup");
  // k = SHA-512(prefix || h_string) mod L
  auto k_wide = Sha512().update(secret.prefix).update(view(h)).finish();
  Ed k{};
  crypto_core_ed25519_scalar_reduce(k.data(), reinterpret_cast<const unsigned char*>(k_wide.data()));
  secure_wipe(k_wide);
  const Ed u = ed_mul_base(k);
  const auto v = ed_mul(k, h);
  if (!v) throw Error("ecvrf: edwards25519 multiplication failed");
  const Bytes c16 = challenge_hash<Sha512>(suite, {view(y), view(h), view(*gamma), view(u), view(*v)});
  Ed c{};
  std::copy(c16.begin(), c16.end(), reinterpret_cast<std::byte*>(c.data()));
  Ed s{};
  crypto_core_ed25519_scalar_mul(s.data(), c.data(), secret.x.data());
  crypto_core_ed25519_scalar_add(s.data(), s.data(), k.data());
  VrfProofTrace t;
  t.h = to_bytes(h);
  t.k = to_bytes(k);
  t.u = to_bytes(u);
  t.v = to_bytes(*v);
  t.proof = concat(view(*gamma), c16, view(s));
  t.beta = beta_hash<Sha512>(suite, view(ed_times_cofactor(*gamma)));
  sodium_memzero(k.data(), k.size());
  return t;
}

bool ed_scalar_canonical(ByteView s_le) {
  // s < L, compared from the most significant byte.
  static const Bytes l_le = bigint::to_bytes_le(ed25519_curve::group_order(), 32);
  for (std::size_t i = 32; i-- > 0;) {
    if (s_le[i] != l_le[i]) return s_le[i] < l_le[i];
  }
  return false;
}

// ECVRF_validate_key for edwards25519: decodes strictly, no small order.
// Gamma gets the same test: an honest Gamma = x*H is never of small order.
std::optional<detail::ed::Point> ed_point_not_small(ByteView pk) {
  auto y = detail::ed::decode(pk);
  if (!y || detail::ed::is_identity(detail::ed::mul_cofactor(*y))) return std::nullopt;
  return y;
}

Bytes ed_beta(VrfSuite suite, const detail::ed::Point& gamma) {
  std::array<std::byte, 32> enc{};
  detail::ed::encode(detail::ed::mul_cofactor(gamma), enc);
  return beta_hash<Sha512>(suite, enc);
}

// Verification touches public data only: the variable-time arithmetic of
// edwards25519_vartime (U = s*B - c*Y and V = s*H - c*Gamma as double
// multiplications).
std::optional<Bytes> ed_verify(VrfSuite suite, ByteView pk, ByteView alpha, ByteView pi) {
  const auto y = ed_point_not_small(pk);
  if (!y) return std::nullopt;
  if (pi.size() != 32 + c_len + q_len) return std::nullopt;
  const auto gamma = ed_point_not_small(pi.first(32));
  if (!gamma) return std::nullopt;
  const ByteView s = pi.subspan(32 + c_len, q_len);
  if (!ed_scalar_canonical(s)) return std::nullopt;
  std::array<std::byte, 32> c{};
  std::copy(pi.begin() + 32, pi.begin() + 32 + c_len, c.begin());
  const Ed h_string = ed_encode_to_curve(suite, pk, alpha);
  const auto h = detail::ed::decode(view(h_string));
  if (!h) return std::nullopt;
  const auto u = detail::ed::double_mul(s, detail::ed::base_point(), c, detail::ed::negate(*y));
  const auto v = detail::ed::double_mul(s, *h, c, detail::ed::negate(*gamma));
  std::array<std::byte, 32> u_string{};
  std::array<std::byte, 32> v_string{};
  detail::ed::encode(u, u_string);
  detail::ed::encode(v, v_string);
  // pk and Gamma decoded strictly, so their bytes are their canonical encodings.
  const Bytes expected = challenge_hash<Sha512>(suite, {pk, view(h_string), pi.first(32), u_string, v_string});
  if (!constant_time_equal(expected, pi.subspan(32, c_len))) return std::nullopt;
  return ed_beta(suite, *gamma);
}

}  // namespace

std::string_view vrf_suite_name(VrfSuite suite) {
  switch (suite) {
    case VrfSuite::p256_sha256_tai:
      return "ECVRF-P256-SHA256-TAI";
    case VrfSuite::p256_sha256_sswu:
      return "ECVRF-P256-SHA256-SSWU";
    case VrfSuite::edwards25519_sha512_tai:
      return "ECVRF-EDWARDS25519-SHA512-TAI";
    case VrfSuite::edwards25519_sha512_ell2:
      return "ECVRF-EDWARDS25519-SHA512-ELL2";
  }
  throw InvalidArgument("ecvrf: unknown suite");
}

VrfSuite vrf_suite_from_name(std::string_view name) {
  for (auto s : {VrfSuite::p256_sha256_tai, VrfSuite::p256_sha256_sswu, VrfSuite::edwards25519_sha512_tai,
                 VrfSuite::edwards25519_sha512_ell2}) {
    if (vrf_suite_name(s) == name) return s;
  }
  throw InvalidArgument("ecvrf: unknown suite name '" + std::string(name) + "'");
}

Ecvrf::Ecvrf(VrfSuite suite) : suite_(suite) {
  switch (suite) {
    case VrfSuite::p256_sha256_tai:
    case VrfSuite::p256_sha256_sswu:
      return;
    case VrfSuite::edwards25519_sha512_tai:
    case VrfSuite::edwards25519_sha512_ell2:
      sodium_ready();
      return;
  }
  throw InvalidArgument("ecvrf: unknown suite value " + std::to_string(static_cast<unsigned>(suite)));
}

VrfKeyPair Ecvrf::generate(Prg& prg) const {
  VrfKeyPair pair;
  pair.secret_key = SecretBytes(secret_key_size);
  for (;;) {
    prg.fill(pair.secret_key.span());
    if (!is_p256()) break;
    mpz_class x = bigint::from_bytes_be(pair.secret_key.view());
    const bool ok = x > 0 && x < p256::order();
    bigint::wipe(x);
    if (ok) break;  // rejection sampling: uniform in [1, n)
  }
  pair.public_key = public_key(pair.secret_key.view());
  return pair;
}

Bytes Ecvrf::public_key(ByteView secret_key) const {
  if (is_p256()) {
    check_p256_secret(secret_key);
    return p256::Point::mul_base_secret(secret_key).encode_compressed();
  }
  EdSecret secret;
  expand_ed_secret(secret_key, secret);
  return to_bytes(ed_mul_base(secret.x));
}

VrfProofTrace Ecvrf::prove_with_trace(ByteView secret_key, ByteView alpha) const {
  return is_p256() ? p256_prove(suite_, secret_key, alpha) : ed_prove(suite_, secret_key, alpha);
}

Bytes Ecvrf::prove(ByteView secret_key, ByteView alpha) const {
  VrfProofTrace t = prove_with_trace(secret_key, alpha);
  secure_wipe(t.k);
  return std::move(t.proof);
}

std::optional<Bytes> Ecvrf::verify(ByteView public_key, ByteView alpha, ByteView proof) const {
  return is_p256() ? p256_verify(suite_, public_key, alpha, proof) : ed_verify(suite_, public_key, alpha, proof);
}

Bytes Ecvrf::proof_to_hash(ByteView proof) const {
  if (proof.size() != proof_size()) {
    throw DecodeError("ecvrf: proof must be " + std::to_string(proof_size()) + " bytes, got " +
                      std::to_string(proof.size()));
  }
  if (is_p256()) {
    auto gamma = p256::Point::try_decode(proof.first(33));
    if (!gamma) throw DecodeError("ecvrf: proof bytes [0, 33) are not a valid P-256 point (Gamma)");
    return beta_hash<Sha256>(suite_, gamma->encode_compressed());
  }
  const auto gamma = ed_point_not_small(proof.first(32));
  if (!gamma) throw DecodeError("ecvrf: proof bytes [0, 32) are not a valid edwards25519 point (Gamma)");
  return ed_beta(suite_, *gamma);
}

bool Ecvrf::validate_key(ByteView public_key) const {
  if (is_p256()) return p256::Point::try_decode(public_key).has_value();
  return ed_point_not_small(public_key).has_value();
}

}  // namespace privfin::sig
