#include "privfin/consensus/apps/signed_tx.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::consensus::apps {

SignedTx SignedTx::make(const sig::Ed25519SecretKey& key, std::string_view chain_id, std::uint8_t kind,
                        std::uint64_t nonce, ByteView payload) {
  if (payload.size() > max_payload) throw InvalidArgument("SignedTx: payload above 64 KiB");
  SignedTx tx;
  tx.kind = kind;
  tx.signer = key.public_key();
  tx.nonce = nonce;
  tx.payload.assign(payload.begin(), payload.end());
  tx.signature = key.sign(tx.signed_bytes(chain_id));
  return tx;
}

Bytes SignedTx::signed_bytes(std::string_view chain_id) const {
  static constexpr std::string_view domain = "privfin app tx v1";
  Writer w;
  // Every field's size, with at most 10 bytes per varint length.
  w.reserve(3 * 10 + domain.size() + chain_id.size() + 1 + signer.size() + 8 + payload.size());
  w.string(domain).string(chain_id).u8(kind).bytes(signer).u64(nonce).bytes(payload);
  return std::move(w).take();
}

bool SignedTx::verify(std::string_view chain_id) const {
  return signer.size() == sig::ed25519_public_key_size && signature.size() == sig::ed25519_signature_size &&
         sig::ed25519_verify_cofactored(signer, signed_bytes(chain_id), signature);
}

Bytes SignedTx::to_bytes() const {
  if (signer.size() != sig::ed25519_public_key_size || signature.size() != sig::ed25519_signature_size ||
      payload.size() > max_payload) {
    throw InvalidArgument("SignedTx: a signer of 32 bytes, a signature of 64 and a payload of at most 64 KiB");
  }
  Writer w;
  w.reserve(1 + 1 + signer.size() + 8 + 10 + payload.size() + signature.size());
  w.version(format_version).u8(kind).raw(signer).u64(nonce).bytes(payload).raw(signature);
  return std::move(w).take();
}

namespace {
// The wire fields, as views into the bytes: the one reader of the layout,
// for from_bytes and for the cache's check that bytes encode a
// transaction. DecodeError on any defect.
struct WireFields {
  std::uint8_t kind = 0;
  ByteView signer, payload, signature;
  std::uint64_t nonce = 0;
};
WireFields read_fields(ByteView bytes) {
  Reader r(bytes);
  r.expect_version(SignedTx::format_version, "signed transaction");
  WireFields f;
  f.kind = r.u8("transaction kind");
  f.signer = r.raw(sig::ed25519_public_key_size, "signer");
  f.nonce = r.u64("nonce");
  f.payload = r.bytes("payload", SignedTx::max_payload);
  f.signature = r.raw(sig::ed25519_signature_size, "signature");
  r.expect_end("signed transaction");
  return f;
}
}  // namespace

SignedTx SignedTx::from_bytes(ByteView bytes) {
  const WireFields f = read_fields(bytes);
  SignedTx tx;
  tx.kind = f.kind;
  tx.signer.assign(f.signer.begin(), f.signer.end());
  tx.nonce = f.nonce;
  tx.payload.assign(f.payload.begin(), f.payload.end());
  tx.signature.assign(f.signature.begin(), f.signature.end());
  return tx;
}

Bytes prefixed_key(std::string_view prefix, ByteView rest) {
  Bytes key(prefix.size() + rest.size());
  std::copy(as_bytes(prefix).begin(), as_bytes(prefix).end(), key.begin());
  std::copy(rest.begin(), rest.end(), key.begin() + static_cast<std::ptrdiff_t>(prefix.size()));
  return key;
}

Bytes nonce_key(ByteView signer) { return prefixed_key("nonce/", signer); }

Bytes u64_value(std::uint64_t v) {
  Bytes out(8);
  for (std::size_t i = 0; i < 8; ++i) out[i] = static_cast<std::byte>((v >> (56 - 8 * i)) & 0xFFU);
  return out;
}

std::uint64_t read_u64_value(ByteView bytes) {
  if (bytes.size() != 8) throw DecodeError("state value: " + std::to_string(bytes.size()) + " bytes, expected 8");
  std::uint64_t v = 0;
  for (const std::byte b : bytes) v = (v << 8) | static_cast<std::uint64_t>(b);
  return v;
}

std::uint64_t next_nonce(const StateReader& state, ByteView signer) {
  const auto stored = state.get(nonce_key(signer));
  return stored ? read_u64_value(*stored) : 0;
}

namespace {
// The cache's key: SHA-256 of a domain, the chain id and the transaction's
// wire bytes. The wire bytes carry every signed field and the signature,
// and the chain id completes the signed message, so equal keys mean equal
// verdicts; computing it needs no decoding and no copy of the message.
Hash32 cache_key(std::string_view chain_id, ByteView wire) {
  Sha256 h;
  static constexpr std::string_view domain = "privfin signature cache v1";
  h.update(as_bytes(domain));
  std::array<std::byte, 8> length{};
  for (std::size_t i = 0; i < 8; ++i) length[i] = static_cast<std::byte>((chain_id.size() >> (56 - 8 * i)) & 0xFFU);
  h.update(length);
  h.update(as_bytes(chain_id));
  h.update(wire);
  Hash32 key;
  key.v = h.finish();
  return key;
}
bool well_sized(const SignedTx& tx) {
  return tx.signer.size() == sig::ed25519_public_key_size && tx.signature.size() == sig::ed25519_signature_size;
}
// Whether `wire` is exactly tx's encoding, read in place (no allocation):
// the cache's verdict is about the wire bytes, so a caller that passed
// another transaction's bytes must not get it for tx.
bool encodes(ByteView wire, const SignedTx& tx) {
  try {
    const WireFields f = read_fields(wire);
    return f.kind == tx.kind && f.nonce == tx.nonce && equal_bytes(f.signer, tx.signer) &&
           equal_bytes(f.payload, tx.payload) && equal_bytes(f.signature, tx.signature);
  } catch (const DecodeError&) {
    return false;
  }
}
}  // namespace

SignatureCache::SignatureCache(std::size_t capacity) : capacity_(capacity), prg_(random_seed()) {}

void SignatureCache::remember(const Hash32& key) {
  if (capacity_ == 0 || !verified_.insert(key)) return;  // one lookup: remembered already, or now
  order_.push_back(key);
  if (order_.size() > capacity_) {
    verified_.erase(order_.front());
    order_.pop_front();
  }
}

bool SignatureCache::verify(const SignedTx& tx, std::string_view chain_id) {
  if (!well_sized(tx) || tx.payload.size() > SignedTx::max_payload) return false;
  return verify(tx.to_bytes(), tx, chain_id);
}

bool SignatureCache::verify(ByteView wire, const SignedTx& tx, std::string_view chain_id) {
  if (!well_sized(tx) || !encodes(wire, tx)) return false;
  // The same transaction as the last one that verified (an admission's
  // check_tx and its trial execution ask back to back): equal bytes, so
  // the same verdict, without a hash.
  if (capacity_ > 0 && chain_id == last_chain_id_ && equal_bytes(wire, last_verified_)) {
    ++hits_;
    return true;
  }
  // The next transaction of the last verify_many(), known to verify: the
  // same bytes, so the same verdict, without a hash.
  bool known = false;
  if (recent_next_ < recent_ends_.size() && chain_id == recent_chain_id_) {
    const std::size_t begin = recent_next_ == 0 ? 0 : recent_ends_[recent_next_ - 1];
    const ByteView recent(recent_bytes_.data() + begin, recent_ends_[recent_next_] - begin);
    if (equal_bytes(wire, recent)) {
      known = recent_known_[recent_next_];
      ++recent_next_;
    }
  }
  if (known) {
    ++hits_;
  } else if (const Hash32 key = cache_key(chain_id, wire); verified_.contains(key)) {
    ++hits_;
  } else {
    if (!sig::ed25519_verify_cofactored(tx.signer, tx.signed_bytes(chain_id), tx.signature)) return false;
    remember(key);
  }
  if (capacity_ > 0) {
    last_verified_.assign(wire.begin(), wire.end());
    last_chain_id_.assign(chain_id);
  }
  return true;
}

void SignatureCache::verify_many(std::span<const Bytes> txs, std::string_view chain_id) {
  recent_bytes_.clear();
  recent_ends_.clear();
  recent_known_.clear();
  recent_next_ = 0;
  // Fewer than two: nothing to batch (verify() does the one), and a
  // single transaction's admission need not pay for a lookup here too.
  if (capacity_ == 0 || txs.size() < 2) return;
  recent_chain_id_.assign(chain_id);
  for (const auto& bytes : txs) {
    recent_bytes_.insert(recent_bytes_.end(), bytes.begin(), bytes.end());
    recent_ends_.push_back(recent_bytes_.size());
  }
  recent_known_.assign(txs.size(), false);
  struct Unchecked {
    SignedTx tx;
    Bytes message;
    Hash32 key;
    std::size_t position = 0;  // in txs
  };
  std::vector<Unchecked> unchecked;
  for (std::size_t position = 0; position < txs.size(); ++position) {
    const auto& bytes = txs[position];
    Unchecked u;
    u.position = position;
    u.key = cache_key(chain_id, bytes);
    if (verified_.contains(u.key)) {  // remembered: not decoded again
      recent_known_[position] = true;
      continue;
    }
    try {
      u.tx = SignedTx::from_bytes(bytes);  // a decoded signer and signature have their sizes
    } catch (const DecodeError&) {
      continue;  // check_tx refuses it, naming the defect
    }
    u.message = u.tx.signed_bytes(chain_id);
    unchecked.push_back(std::move(u));
  }
  if (unchecked.size() < 2) return;
  // One batch over [first, first + count): remembered if it passes, halved
  // while it fails and is larger than min_batch.
  const auto check = [&](const auto& self, std::size_t first, std::size_t count) -> void {
    std::vector<sig::Ed25519BatchEntry> entries;
    entries.reserve(count);
    for (std::size_t i = first; i < first + count; ++i) {
      entries.push_back({unchecked[i].tx.signer, unchecked[i].message, unchecked[i].tx.signature});
    }
    batch_checked_ += count;
    if (sig::ed25519_verify_batch(entries, prg_)) {
      for (std::size_t i = first; i < first + count; ++i) {
        remember(unchecked[i].key);
        recent_known_[unchecked[i].position] = true;
      }
      return;
    }
    if (count <= min_batch) return;  // verify() decides these one by one
    self(self, first, count / 2);
    self(self, first + count / 2, count - count / 2);
  };
  for (std::size_t first = 0; first < unchecked.size(); first += max_batch) {
    check(check, first, std::min(max_batch, unchecked.size() - first));
  }
}

TxVerdict check_signer(const StateReader& state, std::string_view chain_id, const SignedTx& tx, NonceRule rule,
                       SignatureCache* cache, ByteView wire) {
  const bool verified = cache == nullptr ? tx.verify(chain_id)
                        : wire.empty()   ? cache->verify(tx, chain_id)
                                         : cache->verify(wire, tx, chain_id);
  if (!verified) return {TxCode::bad_signature, "the signature does not verify for this chain and signer"};
  const std::uint64_t expected = next_nonce(state, tx.signer);
  const bool fits = rule == NonceRule::exact ? tx.nonce == expected
                                             : tx.nonce >= expected && tx.nonce - expected < max_nonce_window;
  if (!fits) {
    return {TxCode::bad_nonce, "nonce " + std::to_string(tx.nonce) + ", the signer's next is " +
                                   std::to_string(expected) + (tx.nonce < expected ? " (a replay)" : " (a gap)")};
  }
  return {};
}

}  // namespace privfin::consensus::apps
