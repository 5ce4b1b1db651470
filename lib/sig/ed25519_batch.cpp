// Ed25519 batch verification: the strict encoding rules of ed25519_verify,
// then one random linear combination of the cofactored equations checked
// by a variable-time multi-scalar multiplication (edwards25519_vartime).
// Why cofactored, and how it relates to the single verifier: see
// include/privfin/sig/ed25519.hpp.
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <vector>

#include "ed25519_strict.hpp"
#include "edwards25519_vartime.hpp"
#include "privfin/core/error.hpp"
#include "privfin/sig/ed25519.hpp"

namespace privfin::sig {
namespace {

namespace ed = detail::ed;
using Scalar = ed::Scalar;

const unsigned char* u8(ByteView b) { return reinterpret_cast<const unsigned char*>(b.data()); }
unsigned char* u8(Scalar& s) { return reinterpret_cast<unsigned char*>(s.data()); }
const unsigned char* u8(const Scalar& s) { return reinterpret_cast<const unsigned char*>(s.data()); }

void sodium_ready() {
  static const int ready = sodium_init();
  if (ready < 0) throw Error("ed25519: libsodium failed to initialise");
}

// One entry after the encoding checks: its points, k = H(R || A || M) mod L,
// and the products with its coefficient z.
struct Prepared {
  ed::Point r, a;
  Scalar z{};         // 128-bit coefficient, zero-padded
  Scalar z_times_k{};  // z k mod L
  Scalar z_times_s{};  // z S mod L
};

// The entry's points and k, or nothing if a field is malformed.
std::optional<Prepared> prepare(const Ed25519BatchEntry& e, Scalar& k) {
  if (e.public_key.size() != ed25519_public_key_size || e.signature.size() != ed25519_signature_size) {
    return std::nullopt;
  }
  const ByteView r_enc = e.signature.first(32);
  const ByteView s_enc = e.signature.subspan(32, 32);
  if (!detail::ed25519_canonical_scalar(s_enc) || !detail::ed25519_acceptable_point(e.public_key) ||
      !detail::ed25519_acceptable_point(r_enc)) {
    return std::nullopt;
  }
  Prepared p;
  auto a = ed::decode(e.public_key);
  auto r = ed::decode(r_enc);
  if (!a || !r) return std::nullopt;  // not on the curve
  p.a = *a;
  p.r = *r;
  crypto_hash_sha512_state h;
  crypto_hash_sha512_init(&h);
  crypto_hash_sha512_update(&h, u8(r_enc), 32);
  crypto_hash_sha512_update(&h, u8(e.public_key), 32);
  crypto_hash_sha512_update(&h, u8(e.message), e.message.size());
  std::array<unsigned char, 64> digest{};
  crypto_hash_sha512_final(&h, digest.data());
  crypto_core_ed25519_scalar_reduce(u8(k), digest.data());
  return p;
}

// The batch equation over entries [begin, end) of `items`.
bool check(std::span<const Prepared> items) {
  if (items.empty()) return true;
  std::vector<Scalar> scalars;
  std::vector<ed::Point> points;
  scalars.reserve(2 * items.size());
  points.reserve(2 * items.size());
  Scalar s_sum{};
  for (const Prepared& p : items) {
    scalars.push_back(p.z);
    points.push_back(p.r);
    scalars.push_back(p.z_times_k);
    points.push_back(p.a);
    crypto_core_ed25519_scalar_add(u8(s_sum), u8(s_sum), u8(p.z_times_s));
  }
  // sum [z] R + [z k] A - [sum z S] B, then times the cofactor:
  // [8](...) = 0 iff the combination lies in the small-order subgroup.
  Scalar base{};
  crypto_core_ed25519_scalar_negate(u8(base), u8(s_sum));
  return ed::is_identity(ed::mul_cofactor(ed::multi_mul(base, scalars, points)));
}

// Prepares every entry (nullopt for a malformed one) with coefficients drawn
// from `prg` and a hash of the batch, so they are unpredictable to whoever
// chose the batch even when the Prg's seed is known.
std::vector<std::optional<Prepared>> prepare_all(std::span<const Ed25519BatchEntry> batch, Prg& prg) {
  sodium_ready();
  std::vector<std::optional<Prepared>> out(batch.size());
  std::vector<Scalar> ks(batch.size());
  crypto_hash_sha512_state h;
  crypto_hash_sha512_init(&h);
  static constexpr char domain[] = "privfin ed25519 batch coefficients v1";
  crypto_hash_sha512_update(&h, reinterpret_cast<const unsigned char*>(domain), sizeof domain - 1);
  std::array<std::byte, 16> fresh{};
  prg.fill(std::span<std::byte>(fresh));
  crypto_hash_sha512_update(&h, reinterpret_cast<const unsigned char*>(fresh.data()), fresh.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    out[i] = prepare(batch[i], ks[i]);
    // k binds the message, so (A, R || S, k) binds the entry.
    if (!out[i]) continue;
    crypto_hash_sha512_update(&h, u8(batch[i].public_key), 32);
    crypto_hash_sha512_update(&h, u8(batch[i].signature), 64);
    crypto_hash_sha512_update(&h, u8(ks[i]), 32);
  }
  std::array<unsigned char, 64> key{};
  crypto_hash_sha512_final(&h, key.data());
  // 16 coefficient bytes per entry from ChaCha20 keyed by the hash.
  std::vector<unsigned char> stream(16 * batch.size() + 1);
  std::array<unsigned char, crypto_stream_chacha20_NONCEBYTES> nonce{};
  crypto_stream_chacha20(stream.data(), stream.size(), nonce.data(), key.data());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!out[i]) continue;
    Prepared& p = *out[i];
    std::memcpy(u8(p.z), stream.data() + 16 * i, 16);
    crypto_core_ed25519_scalar_mul(u8(p.z_times_k), u8(p.z), u8(ks[i]));
    crypto_core_ed25519_scalar_mul(u8(p.z_times_s), u8(p.z), u8(batch[i].signature) + 32);
  }
  return out;
}

// Marks the failing entries of items[lo, hi) (all known well formed) by
// bisection: a sub-batch that passes is cleared at once.
void bisect(std::span<const Prepared> items, std::span<const std::size_t> index, std::vector<bool>& ok) {
  if (items.empty() || check(items)) return;
  if (items.size() == 1) {
    ok[index[0]] = false;
    return;
  }
  const std::size_t half = items.size() / 2;
  bisect(items.first(half), index.first(half), ok);
  bisect(items.subspan(half), index.subspan(half), ok);
}

}  // namespace

bool ed25519_verify_batch(std::span<const Ed25519BatchEntry> batch, Prg& prg) {
  const auto prepared = prepare_all(batch, prg);
  std::vector<Prepared> items;
  items.reserve(prepared.size());
  for (const auto& p : prepared) {
    if (!p) return false;
    items.push_back(*p);
  }
  return check(items);
}

std::vector<bool> ed25519_verify_batch_each(std::span<const Ed25519BatchEntry> batch, Prg& prg) {
  const auto prepared = prepare_all(batch, prg);
  std::vector<bool> ok(batch.size(), false);
  std::vector<Prepared> items;
  std::vector<std::size_t> index;
  for (std::size_t i = 0; i < prepared.size(); ++i) {
    if (!prepared[i]) continue;
    items.push_back(*prepared[i]);
    index.push_back(i);
    ok[i] = true;
  }
  bisect(items, index, ok);
  return ok;
}

}  // namespace privfin::sig
