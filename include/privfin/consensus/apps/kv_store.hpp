// privfin/consensus/apps/kv_store.hpp — reference application 1: a
// key-value store whose writes are Ed25519-signed transactions.
//
//   KvStore app("test-chain");
//   Bytes tx = KvStore::set(key, "test-chain", nonce, as_bytes("k"), as_bytes("v"));
//   app.check_tx(state.reader(), tx, CheckKind::fresh);        // ok
//   ... after the block: app.query(state, "kv", as_bytes("k"), 0, true).value == "v"
//
// Transactions (apps/signed_tx.hpp envelope): kind 1 set (payload: bytes
// key, bytes value), kind 2 erase (payload: bytes key); keys at most 256
// bytes, values at most 32 KiB. Anyone may write any key: the store shows
// the ledger, not an access policy. State: "kv/" + key -> value, and each
// signer's next nonce. Queries: path "kv", the key; with prove, the
// ledger's proof. Refusals: malformed, bad_signature, bad_nonce, invalid
// (an unknown kind, a key or value too long); in finalize_block a refused
// transaction changes nothing but consumes no nonce either.
#pragma once

#include <string>

#include "privfin/consensus/application.hpp"
#include "privfin/consensus/apps/signed_tx.hpp"

namespace privfin::consensus::apps {

class KvStore final : public Application {
 public:
  static constexpr std::uint8_t kind_set = 1;
  static constexpr std::uint8_t kind_erase = 2;
  static constexpr std::size_t max_key = 256;
  static constexpr std::size_t max_value = 32 * 1024;

  explicit KvStore(std::string chain_id) : chain_id_(std::move(chain_id)) {}

  [[nodiscard]] static Bytes set(const sig::Ed25519SecretKey& key, std::string_view chain_id, std::uint64_t nonce,
                                 ByteView k, ByteView v);
  [[nodiscard]] static Bytes erase(const sig::Ed25519SecretKey& key, std::string_view chain_id, std::uint64_t nonce,
                                   ByteView k);
  [[nodiscard]] static Bytes state_key(ByteView k);

  InitResult init_chain(const Genesis& genesis, StateWriter& state) override;
  [[nodiscard]] TxVerdict check_tx(const StateReader& state, ByteView tx, CheckKind kind) const override;
  // Verifies the signatures of `txs` in batches (SignatureCache::verify_many).
  void will_check(std::span<const Bytes> txs) const override;
  FinalizeResult finalize_block(const DecidedBlock& block, StateWriter& state) const override;
  [[nodiscard]] QueryResult query(const VersionedState& state, std::string_view path, ByteView key, Height h,
                                  bool prove) const override;

 private:
  struct Op {
    std::uint8_t kind = 0;
    Bytes key, value;
  };
  // The checked operation of a transaction, or why it is refused.
  [[nodiscard]] TxVerdict decode(ByteView tx, const StateReader& state, NonceRule rule, SignedTx& signed_tx,
                                 Op& op) const;
  std::string chain_id_;
  // Each transaction's signature is verified once per node (signed_tx.hpp).
  mutable SignatureCache signatures_;
};

}  // namespace privfin::consensus::apps
