// privfin/consensus/apps/signed_tx.hpp — the transaction envelope of the
// reference applications: an Ed25519 signer, its nonce and a payload.
//
//   Bytes tx = SignedTx::make(key, "bank-ledger", kind, nonce, payload).to_bytes();
//   SignedTx t = SignedTx::from_bytes(tx);          // DecodeError on any defect
//   TxVerdict v = check_signer(state, "bank-ledger", t, NonceRule::exact);
//
// Wire (version 1): u8 version, u8 kind, raw(32) signer's public key, u64
// nonce (little-endian), bytes payload (varint length, at most
// max_payload), raw(64) signature; nothing after. The signature covers
// "privfin app tx v1", the chain id, the kind, the signer, the nonce and
// the payload, so a transaction of one chain or kind is worth nothing on
// another. Nonces: the state holds each signer's next nonce under
// "nonce/" + public key (absent: 0); a transaction must carry exactly that
// nonce to execute, which makes every transaction executable once.
// check_signer never throws for what a client sends; costs one Ed25519
// verification, or a SHA-256 when a SignatureCache has seen it verify.
// Signatures are valid under sig::ed25519_verify_cofactored (see
// SignatureCache).
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>

#include "privfin/consensus/application.hpp"
#include "privfin/consensus/hash32_map.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/sig/ed25519.hpp"

namespace privfin::consensus::apps {

struct SignedTx {
  static constexpr std::uint8_t format_version = 1;
  static constexpr std::size_t max_payload = 64 * 1024;

  std::uint8_t kind = 0;
  Bytes signer;  // 32-byte Ed25519 public key
  std::uint64_t nonce = 0;
  Bytes payload;
  Bytes signature;  // 64 bytes

  [[nodiscard]] static SignedTx make(const sig::Ed25519SecretKey& key, std::string_view chain_id, std::uint8_t kind,
                                     std::uint64_t nonce, ByteView payload);
  [[nodiscard]] Bytes signed_bytes(std::string_view chain_id) const;
  [[nodiscard]] bool verify(std::string_view chain_id) const;
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static SignedTx from_bytes(ByteView bytes);
  friend bool operator==(const SignedTx&, const SignedTx&) = default;
};

// Remembers which transactions' signatures verified, so that a node
// verifies each transaction once, not at admission, again at every
// re-check of its mempool and again when the block executes. A
// verification is a pure function of the signed bytes (chain id, kind,
// signer, nonce, payload) and the signature, and the cache is keyed by
// SHA-256 of the chain id and the transaction's wire bytes, which carry
// all of them, so a hit answers what a verification would.
// Failures are not remembered (an attacker could otherwise fill it).
// Bounded: past `capacity` entries the oldest is forgotten.
//
// The rule is sig::ed25519_verify_cofactored (strict encodings, cofactored
// equation), the one rule that batch verification decides too: so
// verify_many() may fill the cache from a batch and every node, batching
// or not, reaches the same verdict on every transaction (a signature that
// only the cofactored equation accepts, which no honest signer makes, is
// valid everywhere; docs/consensus.md, "Reference applications").
//
// Costs: 32 bytes and a hash-set entry per remembered transaction; a hit
// costs one SHA-256 of the wire bytes (a byte comparison when it follows
// verify_many() of the same transactions); verify_many about 8 us per
// signature in a batch of 64 from four signers on a CPU with AVX-512 IFMA,
// 11 us without, 20 us from 64 signers (about 42 us one by one;
// sig/ed25519.hpp); it keeps a copy of its transactions' bytes until the
// next call. Not thread-safe.
class SignatureCache {
 public:
  // Signatures per batch equation. A batch that fails is halved down to
  // min_batch, and what still fails is left to verify() one by one: so a
  // client that sends only bad signatures costs about twice what one-by-one
  // checks would, never a full bisection down to single entries per bad one.
  // 128 rather than 64: a client's POST of 100 transfers is one equation,
  // and four nodes spent about 3.5% less CPU per transfer
  // (docs/performance.md, "Nodes").
  static constexpr std::size_t max_batch = 128;
  static constexpr std::size_t min_batch = 8;

  explicit SignatureCache(std::size_t capacity = std::size_t{1} << 16);
  // tx's signature under the rule above, from the cache when it can. The
  // cache is keyed by the chain id and the transaction's wire bytes; the
  // second form takes those bytes and so spares re-encoding them; it
  // answers false when `wire` is not exactly tx's encoding (checked in
  // place, without allocating).
  [[nodiscard]] bool verify(const SignedTx& tx, std::string_view chain_id);
  [[nodiscard]] bool verify(ByteView wire, const SignedTx& tx, std::string_view chain_id);
  // Verifies the signatures of the encoded transactions `txs` that are not
  // remembered yet, in batches of up to max_batch, and remembers the
  // batches that pass (see max_batch for the ones that fail); skips what
  // does not decode (check_tx refuses it later). Answers nothing: later
  // verify() calls find the passes. Fewer than two given, or fewer than
  // two to check: nothing is done (verify() will do the one). A remembered
  // transaction costs one SHA-256 here and is not decoded.
  void verify_many(std::span<const Bytes> txs, std::string_view chain_id);
  [[nodiscard]] std::size_t size() const noexcept { return order_.size(); }
  [[nodiscard]] std::uint64_t hits() const noexcept { return hits_; }
  // Signatures checked in batches so far (pass or fail).
  [[nodiscard]] std::uint64_t batch_checked() const noexcept { return batch_checked_; }

 private:
  void remember(const Hash32& key);
  std::size_t capacity_;
  Hash32Set verified_;
  std::deque<Hash32> order_;
  // The wire bytes and chain id of the last transaction verify() passed.
  Bytes last_verified_;
  std::string last_chain_id_;
  // The transactions of the last verify_many() call, in its order, and
  // whether each is known to verify (remembered, or in a batch that
  // passed). verify() is usually asked about them next and in the same
  // order (each admission's check_tx after will_check, a block's execution
  // after its batch): it answers the one at recent_next_ by comparing
  // bytes, without hashing and looking up. Anything else takes the usual
  // path.
  Bytes recent_bytes_;
  std::vector<std::size_t> recent_ends_;  // transaction i is recent_bytes_[ends[i - 1], ends[i])
  std::vector<bool> recent_known_;
  std::size_t recent_next_ = 0;
  std::string recent_chain_id_;
  std::uint64_t hits_ = 0;
  std::uint64_t batch_checked_ = 0;
  Prg prg_;  // the batch coefficients' fresh randomness (ed25519.hpp)
};

enum class NonceRule : std::uint8_t {
  exact,   // execution: exactly the signer's next nonce
  window,  // mempool: the next nonce up to max_nonce_window ahead (a client may queue several)
};
inline constexpr std::uint64_t max_nonce_window = 64;

// prefix || rest: the state keys of the reference applications.
[[nodiscard]] Bytes prefixed_key(std::string_view prefix, ByteView rest);

// The state key of a signer's next nonce, and its value (u64 big-endian).
[[nodiscard]] Bytes nonce_key(ByteView signer);
[[nodiscard]] std::uint64_t next_nonce(const StateReader& state, ByteView signer);

// The signature and the nonce: ok, bad_signature or bad_nonce with the
// reason. With a cache, a signature that verified before is not verified
// again; `wire`, when given, is tx's encoding (it keys the cache without
// encoding tx again).
[[nodiscard]] TxVerdict check_signer(const StateReader& state, std::string_view chain_id, const SignedTx& tx,
                                     NonceRule rule, SignatureCache* cache = nullptr, ByteView wire = {});

// u64 values in state: 8 bytes big-endian; DecodeError for another length.
[[nodiscard]] Bytes u64_value(std::uint64_t v);
[[nodiscard]] std::uint64_t read_u64_value(ByteView bytes);


// finalize_block of an application of signed transactions: for each
// transaction, check(state, tx, NonceRule::exact, signed_tx, op) decodes
// and checks it into an Op; when it passes, apply(state, op) makes its
// writes and the signer's nonce advances. A refused transaction writes
// nothing. One result per transaction, in order.
template <class Op, class Check, class Apply>
[[nodiscard]] FinalizeResult finalize_signed(const DecidedBlock& block, StateWriter& state, const Check& check,
                                             const Apply& apply) {
  FinalizeResult out;
  for (const auto& tx : block.txs) {
    SignedTx signed_tx;
    Op op;
    TxVerdict verdict = check(state, tx, NonceRule::exact, signed_tx, op);
    if (verdict.ok()) {
      apply(state, op);
      state.put(nonce_key(signed_tx.signer), u64_value(signed_tx.nonce + 1));
    }
    out.results.push_back(std::move(verdict));
  }
  return out;
}

}  // namespace privfin::consensus::apps
