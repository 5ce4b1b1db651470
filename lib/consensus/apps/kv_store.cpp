#include "privfin/consensus/apps/kv_store.hpp"

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"

namespace privfin::consensus::apps {

namespace {
// The height a query reads: 0 means the latest.
Height query_height(const VersionedState& state, Height h) { return h == 0 ? state.latest_height() : h; }
}  // namespace

Bytes KvStore::set(const sig::Ed25519SecretKey& key, std::string_view chain_id, std::uint64_t nonce, ByteView k,
                   ByteView v) {
  Writer w;
  w.bytes(k).bytes(v);
  return SignedTx::make(key, chain_id, kind_set, nonce, w.data()).to_bytes();
}

Bytes KvStore::erase(const sig::Ed25519SecretKey& key, std::string_view chain_id, std::uint64_t nonce, ByteView k) {
  Writer w;
  w.bytes(k);
  return SignedTx::make(key, chain_id, kind_erase, nonce, w.data()).to_bytes();
}

Bytes KvStore::state_key(ByteView k) {
  return prefixed_key("kv/", k);
}

InitResult KvStore::init_chain(const Genesis& genesis, StateWriter& state) {
  if (genesis.chain_id != chain_id_) {
    throw InvalidArgument("KvStore: genesis of chain '" + genesis.chain_id + "', this store is for '" + chain_id_ + "'");
  }
  if (!genesis.app_state.empty()) throw InvalidArgument("KvStore: the genesis app state must be empty");
  (void)state;
  return {};
}

TxVerdict KvStore::decode(ByteView tx, const StateReader& state, NonceRule rule, SignedTx& signed_tx, Op& op) const {
  try {
    signed_tx = SignedTx::from_bytes(tx);
    Reader r(signed_tx.payload);
    op.kind = signed_tx.kind;
    if (op.kind != kind_set && op.kind != kind_erase) return {TxCode::invalid, "unknown kind " + std::to_string(op.kind)};
    const ByteView k = r.bytes("key", max_key);
    op.key.assign(k.begin(), k.end());
    if (op.kind == kind_set) {
      const ByteView v = r.bytes("value", max_value);
      op.value.assign(v.begin(), v.end());
    }
    r.expect_end("key-value operation");
  } catch (const DecodeError& e) {
    return {TxCode::malformed, e.what()};
  }
  return check_signer(state, chain_id_, signed_tx, rule, &signatures_, tx);
}

TxVerdict KvStore::check_tx(const StateReader& state, ByteView tx, CheckKind kind) const {
  (void)kind;  // a recheck applies the same rules to the newer state
  SignedTx signed_tx;
  Op op;
  return decode(tx, state, NonceRule::window, signed_tx, op);
}

void KvStore::will_check(std::span<const Bytes> txs) const { signatures_.verify_many(txs, chain_id_); }

FinalizeResult KvStore::finalize_block(const DecidedBlock& block, StateWriter& state) const {
  will_check(block.txs);  // as Payments::finalize_block
  return finalize_signed<Op>(
      block, state,
      [this](const StateReader& s, ByteView tx, NonceRule rule, SignedTx& signed_tx, Op& op) {
        return decode(tx, s, rule, signed_tx, op);
      },
      [](StateWriter& s, const Op& op) {
        if (op.kind == kind_set) {
          s.put(state_key(op.key), op.value);
        } else {
          s.erase(state_key(op.key));
        }
      });
}

QueryResult KvStore::query(const VersionedState& state, std::string_view path, ByteView key, Height h,
                           bool prove) const {
  QueryResult q;
  if (path != "kv") return {TxCode::invalid, "unknown query path '" + std::string(path) + "' (use \"kv\")", h, {}, {}};
  if (key.size() > max_key) return {TxCode::invalid, "key longer than 256 bytes", h, {}, {}};
  q.height = query_height(state, h);
  q.value = state.get(state_key(key), q.height);
  if (prove) q.proof = state.prove(state_key(key), q.height);
  return q;
}

}  // namespace privfin::consensus::apps
