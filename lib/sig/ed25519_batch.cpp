// Ed25519 batch verification: the strict encoding rules of ed25519_verify,
// then one random linear combination of the cofactored equations checked
// by a variable-time multi-scalar multiplication (edwards25519_vartime).
// Why cofactored, and how it relates to the single verifier: see
// include/privfin/sig/ed25519.hpp.
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <map>
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

// The well-formed entries of a batch, laid out for the multi-scalar
// multiplication: entry j (in batch order, malformed ones left out) owns
// r[j] = R with coefficient z[j], zk[j] = z k mod L (k = H(R || A || M)
// mod L) for its public key keys[key_of[j]], and z_s[j] = z S mod L.
// Public keys are decoded once per batch: a consortium's transactions come
// from few signers, and the check adds the zk of one key's entries into one
// scalar, so the multiplication has one point per entry plus one per
// distinct key rather than two per entry.
struct Prepared {
  std::vector<ed::Point> r;
  std::vector<Scalar> z, zk, z_s;
  std::vector<std::size_t> key_of;
  std::vector<ed::Point> keys;
  std::vector<std::size_t> index;  // batch position of entry j
};

// k of an entry after the encoding rules of ed25519_verify for S and R;
// false if one is malformed. R is decoded by the caller, with the batch's
// other Rs (ed::decode_many), and A checked and decoded by it too.
bool check_encodings_and_hash(const Ed25519BatchEntry& e, Scalar& k) {
  const ByteView r_enc = e.signature.first(32);
  if (!detail::ed25519_canonical_scalar(e.signature.subspan(32, 32)) || !detail::ed25519_acceptable_point(r_enc)) {
    return false;
  }
  crypto_hash_sha512_state h;
  crypto_hash_sha512_init(&h);
  crypto_hash_sha512_update(&h, u8(r_enc), 32);
  crypto_hash_sha512_update(&h, u8(e.public_key), 32);
  crypto_hash_sha512_update(&h, u8(e.message), e.message.size());
  std::array<unsigned char, 64> digest{};
  crypto_hash_sha512_final(&h, digest.data());
  crypto_core_ed25519_scalar_reduce(u8(k), digest.data());
  return true;
}

std::optional<ed::Point> decode_public_key(ByteView public_key) {
  if (!detail::ed25519_acceptable_point(public_key)) return std::nullopt;
  return ed::decode(public_key);  // nullopt: not on the curve
}

bool sizes_fit(const Ed25519BatchEntry& e) {
  return e.public_key.size() == ed25519_public_key_size && e.signature.size() == ed25519_signature_size;
}

// Prepares the well-formed entries (stopping at the first malformed one if
// `stop_at_malformed`), with coefficients drawn from `prg` and a hash of the
// batch, so they are unpredictable to whoever chose the batch even when the
// Prg's seed is known. Returns false if it stopped.
bool prepare_all(std::span<const Ed25519BatchEntry> batch, Prg& prg, bool stop_at_malformed, Prepared& out) {
  sodium_ready();
  out.r.reserve(batch.size());
  out.z_s.reserve(batch.size());
  out.key_of.reserve(batch.size());
  out.index.reserve(batch.size());
  std::vector<Scalar> ks;
  ks.reserve(batch.size());
  // Each distinct key's place among the encodings to decode (nullopt: not
  // an acceptable point).
  std::map<std::array<std::byte, 32>, std::optional<std::size_t>> seen;
  crypto_hash_sha512_state h;
  crypto_hash_sha512_init(&h);
  static constexpr char domain[] = "privfin ed25519 batch coefficients v1";
  crypto_hash_sha512_update(&h, reinterpret_cast<const unsigned char*>(domain), sizeof domain - 1);
  std::array<std::byte, 16> fresh{};
  prg.fill(std::span<std::byte>(fresh));
  crypto_hash_sha512_update(&h, reinterpret_cast<const unsigned char*>(fresh.data()), fresh.size());
  // First the encodings, the keys' checks and k; then every distinct key
  // and every R at once (the square roots of decompression run eight at a
  // time where the CPU can: a batch by many signers has as many keys to
  // decode as Rs); then the well-formed entries in batch order.
  struct Candidate {
    std::size_t key = 0;  // in key_encodings
    Scalar k{};
  };
  std::vector<std::optional<Candidate>> candidates(batch.size());
  std::vector<ByteView> key_encodings, r_encodings;
  r_encodings.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const Ed25519BatchEntry& e = batch[i];
    if (!sizes_fit(e)) continue;
    std::array<std::byte, 32> key_bytes{};
    std::copy(e.public_key.begin(), e.public_key.end(), key_bytes.begin());
    auto [at, fresh_key] = seen.try_emplace(key_bytes);
    if (fresh_key && detail::ed25519_acceptable_point(e.public_key)) {
      at->second = key_encodings.size();
      key_encodings.push_back(e.public_key);
    }
    Candidate c;
    if (!at->second || !check_encodings_and_hash(e, c.k)) continue;
    c.key = *at->second;
    candidates[i] = c;
    r_encodings.push_back(e.signature.first(32));
  }
  const std::size_t key_count = key_encodings.size();
  std::vector<ByteView> encodings = std::move(key_encodings);  // the keys, then the Rs
  encodings.insert(encodings.end(), r_encodings.begin(), r_encodings.end());
  const auto decoded = ed::decode_many(encodings);
  // A key's slot in out.keys, or SIZE_MAX if it is not on the curve.
  std::vector<std::size_t> key_slot(key_count, SIZE_MAX);
  for (std::size_t j = 0; j < key_count; ++j) {
    if (!decoded[j]) continue;
    key_slot[j] = out.keys.size();
    out.keys.push_back(*decoded[j]);
  }
  std::size_t next_r = key_count;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto& r = candidates[i] ? decoded[next_r++] : std::optional<ed::Point>{};
    if (!r || key_slot[candidates[i]->key] == SIZE_MAX) {
      if (stop_at_malformed) return false;
      continue;
    }
    const Ed25519BatchEntry& e = batch[i];
    out.r.push_back(*r);
    out.key_of.push_back(key_slot[candidates[i]->key]);
    ks.push_back(candidates[i]->k);
    out.index.push_back(i);
    // k binds the message, so (A, R || S, k) binds the entry.
    crypto_hash_sha512_update(&h, u8(e.public_key), 32);
    crypto_hash_sha512_update(&h, u8(e.signature), 64);
    crypto_hash_sha512_update(&h, u8(ks.back()), 32);
  }
  std::array<unsigned char, 64> key{};
  crypto_hash_sha512_final(&h, key.data());
  // 16 coefficient bytes per entry from ChaCha20 keyed by the hash.
  const std::size_t count = out.index.size();
  std::vector<unsigned char> stream(16 * count + 1);
  std::array<unsigned char, crypto_stream_chacha20_NONCEBYTES> nonce{};
  crypto_stream_chacha20(stream.data(), stream.size(), nonce.data(), key.data());
  out.z.reserve(count);
  out.zk.reserve(count);
  for (std::size_t j = 0; j < count; ++j) {
    Scalar z{}, zk{}, zs{};
    std::memcpy(u8(z), stream.data() + 16 * j, 16);
    crypto_core_ed25519_scalar_mul(u8(zk), u8(z), u8(ks[j]));
    crypto_core_ed25519_scalar_mul(u8(zs), u8(z), u8(batch[out.index[j]].signature) + 32);
    out.z.push_back(z);
    out.zk.push_back(zk);
    out.z_s.push_back(zs);
  }
  return true;
}

// The batch equation over prepared entries [first, first + count).
bool check(const Prepared& p, std::size_t first, std::size_t count) {
  if (count == 0) return true;
  Scalar s_sum{};
  for (std::size_t j = first; j < first + count; ++j) crypto_core_ed25519_scalar_add(u8(s_sum), u8(s_sum), u8(p.z_s[j]));
  // sum [z] R + sum over keys [sum of its entries' z k] A - [sum z S] B,
  // then times the cofactor: [8](...) = 0 iff the combination lies in the
  // small-order subgroup.
  Scalar base{};
  crypto_core_ed25519_scalar_negate(u8(base), u8(s_sum));
  std::vector<Scalar> scalars(p.z.begin() + static_cast<std::ptrdiff_t>(first),
                              p.z.begin() + static_cast<std::ptrdiff_t>(first + count));
  std::vector<ed::Point> points(p.r.begin() + static_cast<std::ptrdiff_t>(first),
                                p.r.begin() + static_cast<std::ptrdiff_t>(first + count));
  // Key slot -> its position in scalars/points, for the keys of this range.
  std::vector<std::size_t> slot(p.keys.size(), SIZE_MAX);
  for (std::size_t j = first; j < first + count; ++j) {
    std::size_t& at = slot[p.key_of[j]];
    if (at == SIZE_MAX) {
      at = scalars.size();
      scalars.push_back(p.zk[j]);
      points.push_back(p.keys[p.key_of[j]]);
    } else {
      crypto_core_ed25519_scalar_add(u8(scalars[at]), u8(scalars[at]), u8(p.zk[j]));
    }
  }
  return ed::is_identity(ed::mul_cofactor(ed::multi_mul(base, scalars, points)));
}

// Marks the failing entries among prepared [first, first + count) by
// bisection: a sub-batch that passes is cleared at once.
// A single entry is decided by ed25519_verify_cofactored, the batch's
// rule without a coefficient.
void bisect(std::span<const Ed25519BatchEntry> batch, const Prepared& p, std::size_t first, std::size_t count,
            std::vector<bool>& ok) {
  if (count == 0) return;
  if (count == 1) {
    const Ed25519BatchEntry& e = batch[p.index[first]];
    if (!ed25519_verify_cofactored(e.public_key, e.message, e.signature)) ok[p.index[first]] = false;
    return;
  }
  if (check(p, first, count)) return;
  const std::size_t half = count / 2;
  bisect(batch, p, first, half, ok);
  bisect(batch, p, first + half, count - half, ok);
}

}  // namespace

bool ed25519_verify_cofactored(ByteView public_key, ByteView message, ByteView signature) {
  if (ed25519_verify(public_key, message, signature)) return true;  // cofactorless implies cofactored
  sodium_ready();
  const Ed25519BatchEntry e{public_key, message, signature};
  if (!sizes_fit(e)) return false;
  const auto a = decode_public_key(public_key);
  Scalar k{};
  if (!a || !check_encodings_and_hash(e, k)) return false;
  const auto r = ed::decode(signature.first(32));
  if (!r) return false;
  // [-S]B + R + [k]A, the negated residual, then times the cofactor.
  Scalar minus_s{};
  crypto_core_ed25519_scalar_negate(u8(minus_s), u8(signature) + 32);
  Scalar one{};
  one[0] = std::byte{1};
  const std::array<Scalar, 2> scalars{one, k};
  const std::array<ed::Point, 2> points{*r, *a};
  return ed::is_identity(ed::mul_cofactor(ed::multi_mul(minus_s, scalars, points)));
}

bool ed25519_verify_batch(std::span<const Ed25519BatchEntry> batch, Prg& prg) {
  // One entry: the single verifier is faster, and its accept is final (the
  // cofactorless equation implies the cofactored one); a reject may still
  // be a batch accept (a residual of small order), so that case goes on.
  if (batch.size() == 1 && ed25519_verify(batch[0].public_key, batch[0].message, batch[0].signature)) return true;
  Prepared p;
  if (!prepare_all(batch, prg, true, p)) return false;
  return check(p, 0, p.index.size());
}

std::vector<bool> ed25519_verify_batch_each(std::span<const Ed25519BatchEntry> batch, Prg& prg) {
  Prepared p;
  (void)prepare_all(batch, prg, false, p);
  std::vector<bool> ok(batch.size(), false);
  for (const std::size_t i : p.index) ok[i] = true;
  bisect(batch, p, 0, p.index.size(), ok);
  return ok;
}

}  // namespace privfin::sig
