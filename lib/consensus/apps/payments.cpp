#include "privfin/consensus/apps/payments.hpp"

#include <set>

#include "privfin/consensus/types.hpp"

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"

namespace privfin::consensus::apps {

namespace {

void check_accounts(const std::vector<Payments::Account>& accounts) {
  if (accounts.empty() || accounts.size() > Payments::max_accounts) {
    throw InvalidArgument("Payments genesis: 1 to 65536 accounts, got " + std::to_string(accounts.size()));
  }
  std::set<std::string> owners;  // (strings: gcc 12 misreads set<vector<byte>> comparisons)
  std::uint64_t total = 0;
  for (const auto& a : accounts) {
    if (a.owner.size() != sig::ed25519_public_key_size) throw InvalidArgument("Payments genesis: an owner key is not 32 bytes");
    if (!owners.insert(std::string(reinterpret_cast<const char*>(a.owner.data()), a.owner.size())).second) throw InvalidArgument("Payments genesis: an account is listed twice");
    if (a.balance >= (std::uint64_t{1} << 63) - total) throw InvalidArgument("Payments genesis: balances total 2^63 or more");
    total += a.balance;
  }
}

constexpr std::size_t max_changes = 1024;
constexpr std::size_t max_change_key = 96;
constexpr std::string_view change_domain = "privfin validator change v1";

void write_changes(Writer& w, std::span<const ValidatorChange> changes) {
  w.varint(changes.size());
  for (const auto& c : changes) w.bytes(c.bls_key).varint(c.weight);
}

}  // namespace

Bytes Payments::change_message(std::string_view chain_id, std::uint64_t sequence,
                               std::span<const ValidatorChange> changes) {
  Writer w;
  w.string(change_domain).string(chain_id).u64(sequence);
  write_changes(w, changes);
  return std::move(w).take();
}

Payments::Approval Payments::approve(const sig::Ed25519SecretKey& member_key, NodeId member, std::string_view chain_id,
                                     std::uint64_t sequence, std::span<const ValidatorChange> changes) {
  return {member, member_key.sign(change_message(chain_id, sequence, changes))};
}

Bytes Payments::change_payload(std::uint64_t sequence, std::span<const ValidatorChange> changes,
                               std::span<const Approval> approvals) {
  if (changes.empty() || changes.size() > max_changes || approvals.empty() || approvals.size() > max_changes) {
    throw InvalidArgument("Payments: a validator change has 1 to 1024 changes and approvals, got " +
                          std::to_string(changes.size()) + " and " + std::to_string(approvals.size()));
  }
  Writer w;
  w.u64(sequence);
  for (const auto& c : changes) {
    if (c.bls_key.size() > max_change_key) throw InvalidArgument("Payments: a validator key above 96 bytes");
  }
  write_changes(w, changes);
  w.varint(approvals.size());
  for (const auto& a : approvals) {
    if (a.signature.size() != sig::ed25519_signature_size) {
      throw InvalidArgument("Payments: an approval's signature is not 64 bytes");
    }
    w.varint(a.member).raw(a.signature);
  }
  return std::move(w).take();
}

Payments::ValidatorChangeTx Payments::change_from_payload(ByteView payload) {
  ValidatorChangeTx c;
  Reader r(payload);
  c.sequence = r.u64("change sequence");
  const std::size_t count = r.length("change count", max_changes);
  // Each change takes at least 2 bytes, each approval 65: checked before allocating.
  if (count == 0 || count > r.remaining() / 2) throw DecodeError("validator change: " + std::to_string(count) + " changes");
  c.changes.resize(count);
  for (auto& ch : c.changes) {
    const ByteView key = r.bytes("validator key", max_change_key);
    ch.bls_key.assign(key.begin(), key.end());
    ch.weight = r.varint("validator weight");
  }
  const std::size_t approvers = r.length("approval count", max_changes);
  if (approvers == 0 || approvers > r.remaining() / (1 + sig::ed25519_signature_size)) {
    throw DecodeError("validator change: " + std::to_string(approvers) + " approvals");
  }
  c.approvals.resize(approvers);
  for (auto& a : c.approvals) {
    const std::uint64_t member = r.varint("approving member");
    if (member > 0xFFFFFFFFU) throw DecodeError("validator change: a member number above 2^32 - 1");
    a.member = static_cast<NodeId>(member);
    const ByteView sig = r.raw(sig::ed25519_signature_size, "approval signature");
    a.signature.assign(sig.begin(), sig.end());
  }
  r.expect_end("validator change");
  return c;
}

Bytes Payments::validator_change(const sig::Ed25519SecretKey& submitter, std::string_view chain_id, std::uint64_t nonce,
                                 std::uint64_t sequence, std::span<const ValidatorChange> changes,
                                 std::span<const Approval> approvals) {
  return SignedTx::make(submitter, chain_id, kind_validators, nonce, change_payload(sequence, changes, approvals))
      .to_bytes();
}

Bytes Payments::validators_key() { return to_bytes("gov/validators"); }
Bytes Payments::sequence_key() { return to_bytes("gov/sequence"); }

Bytes Payments::genesis(const std::vector<Account>& accounts) {
  check_accounts(accounts);
  Writer w;
  w.version(genesis_version).varint(accounts.size());
  for (const auto& a : accounts) w.raw(a.owner).u64(a.balance);
  return std::move(w).take();
}

std::vector<Payments::Account> Payments::genesis_from_bytes(ByteView bytes) {
  Reader r(bytes);
  r.expect_version(genesis_version, "payments genesis");
  const std::size_t count = r.length("account count", max_accounts);
  if (count > r.remaining() / (sig::ed25519_public_key_size + 8)) {
    throw DecodeError("payments genesis: " + std::to_string(count) + " accounts need more bytes than remain");
  }
  std::vector<Account> accounts(count);
  for (auto& a : accounts) {
    const ByteView owner = r.raw(sig::ed25519_public_key_size, "account owner");
    a.owner.assign(owner.begin(), owner.end());
    a.balance = r.u64("account balance");
  }
  r.expect_end("payments genesis");
  try {
    check_accounts(accounts);
  } catch (const InvalidArgument& e) {
    throw DecodeError(e.what());
  }
  return accounts;
}

Bytes Payments::transfer(const sig::Ed25519SecretKey& payer, std::string_view chain_id, std::uint64_t nonce,
                         ByteView payee, std::uint64_t amount, ByteView reference) {
  if (payee.size() != sig::ed25519_public_key_size) throw InvalidArgument("Payments::transfer: the payee key is not 32 bytes");
  if (reference.size() > max_reference) {
    throw InvalidArgument("Payments::transfer: a reference of " + std::to_string(reference.size()) + " bytes (at most " +
                          std::to_string(max_reference) + ")");
  }
  Writer w;
  w.raw(payee).u64(amount);
  if (!reference.empty()) w.bytes(reference);  // absent rather than empty: one encoding per transfer
  return SignedTx::make(payer, chain_id, kind_transfer, nonce, w.data()).to_bytes();
}

Bytes Payments::account_key(ByteView owner) {
  return prefixed_key("acct/", owner);
}

InitResult Payments::init_chain(const Genesis& genesis, StateWriter& state) {
  if (genesis.chain_id != chain_id_) {
    throw InvalidArgument("Payments: genesis of chain '" + genesis.chain_id + "', this ledger is for '" + chain_id_ + "'");
  }
  std::vector<Account> accounts;
  try {
    accounts = genesis_from_bytes(genesis.app_state);
  } catch (const DecodeError& e) {
    throw InvalidArgument(std::string("Payments: unusable genesis app state: ") + e.what());
  }
  for (const auto& a : accounts) state.put(account_key(a.owner), u64_value(a.balance));
  if (genesis.validators.size() > 0) state.put(validators_key(), genesis.validators.to_bytes());
  return {};
}

TxVerdict Payments::check(const StateReader& state, ByteView tx, NonceRule rule, SignedTx& signed_tx, Op& op) const {
  try {
    signed_tx = SignedTx::from_bytes(tx);
  } catch (const DecodeError& e) {
    return {TxCode::malformed, e.what()};
  }
  if (signed_tx.kind != kind_transfer && signed_tx.kind != kind_validators) {
    return {TxCode::invalid, "unknown kind " + std::to_string(signed_tx.kind)};
  }
  if (auto v = check_signer(state, chain_id_, signed_tx, rule, &signatures_, tx); !v.ok()) return v;
  if (signed_tx.kind == kind_transfer) return check_transfer(state, signed_tx, op.transfer);
  op.change = Change{ValidatorSet{}, 0};
  return check_change(state, signed_tx, *op.change);
}

TxVerdict Payments::check_change(const StateReader& state, const SignedTx& signed_tx, Change& c) const {
  ValidatorChangeTx tx;
  try {
    tx = change_from_payload(signed_tx.payload);
  } catch (const DecodeError& e) {
    return {TxCode::malformed, e.what()};
  }
  c.sequence = tx.sequence;
  const auto& changes = tx.changes;
  const auto& approvals = tx.approvals;
  const auto stored = state.get(validators_key());
  if (!stored) return {TxCode::invalid, "this chain's genesis named no validators"};
  ValidatorSet current;
  try {
    current = ValidatorSet::from_bytes(*stored);
  } catch (const Error& e) {
    throw InvalidArgument(std::string("Payments: the stored validator set does not decode: ") + e.what());
  }
  const auto seq = state.get(sequence_key());
  const std::uint64_t expected = seq ? read_u64_value(*seq) : 0;
  if (c.sequence != expected) {
    return {TxCode::bad_nonce, "validator change sequence " + std::to_string(c.sequence) + ", the chain's next is " +
                                   std::to_string(expected)};
  }
  try {
    c.next = apply_changes(current, changes);
  } catch (const InvalidValidatorUpdate& e) {
    return {TxCode::invalid, e.what()};
  }
  const Bytes message = change_message(chain_id_, c.sequence, changes);
  std::set<NodeId> seen;
  std::uint64_t approving = 0;
  for (const auto& a : approvals) {
    if (a.member >= current.size()) return {TxCode::invalid, "approval by member " + std::to_string(a.member) + ", not in the set"};
    if (!seen.insert(a.member).second) return {TxCode::invalid, "member " + std::to_string(a.member) + " approves twice"};
    const Bytes& key = current.at(a.member).ed25519_key;
    if (key.size() != sig::ed25519_public_key_size) {
      return {TxCode::invalid, "member " + std::to_string(a.member) + " has no Ed25519 key to approve with"};
    }
    if (!sig::ed25519_verify(key, message, a.signature)) {
      return {TxCode::bad_signature, "member " + std::to_string(a.member) + "'s approval does not verify"};
    }
    approving += current.weight(a.member);
  }
  if (!current.is_quorum(approving)) {
    return {TxCode::invalid, "the approvals carry weight " + std::to_string(approving) + " of " +
                                 std::to_string(current.total_weight()) + "; more than two thirds is needed"};
  }
  return {};
}

TxVerdict Payments::check_transfer(const StateReader& state, const SignedTx& signed_tx, Transfer& t) const {
  try {
    Reader r(signed_tx.payload);
    const ByteView payee = r.raw(sig::ed25519_public_key_size, "payee");
    t.payee.assign(payee.begin(), payee.end());
    t.amount = r.u64("amount");
    if (r.remaining() > 0) {
      const ByteView reference = r.bytes("transfer reference", max_reference);
      if (reference.empty()) throw DecodeError("transfer: an empty reference (leave it out)");
    }
    r.expect_end("transfer");
  } catch (const DecodeError& e) {
    return {TxCode::malformed, e.what()};
  }
  t.payer = signed_tx.signer;
  const auto payer = state.get(account_key(t.payer)), payee = state.get(account_key(t.payee));
  if (!payer) return {TxCode::unknown_account, "the payer has no account"};
  if (!payee) return {TxCode::unknown_account, "the payee has no account"};
  if (t.amount == 0) return {TxCode::invalid, "a transfer of 0"};
  if (t.payer == t.payee) return {TxCode::invalid, "a transfer to the payer's own account"};
  t.payer_balance = read_u64_value(*payer);
  t.payee_balance = read_u64_value(*payee);
  if (t.amount > t.payer_balance) {
    return {TxCode::insufficient_funds, "overdraft refused: balance " + std::to_string(t.payer_balance) +
                                            ", transfer " + std::to_string(t.amount)};
  }
  return {};
}

TxVerdict Payments::check_tx(const StateReader& state, ByteView tx, CheckKind kind) const {
  (void)kind;
  SignedTx signed_tx;
  Op op;
  return check(state, tx, NonceRule::window, signed_tx, op);
}

void Payments::will_check(std::span<const Bytes> txs) const { signatures_.verify_many(txs, chain_id_); }

FinalizeResult Payments::finalize_block(const DecidedBlock& block, StateWriter& state) const {
  // A block of transactions this node has not seen (it was behind, or they
  // reached the proposer only): their signatures in batches first.
  will_check(block.txs);
  std::optional<ValidatorSet> changed;
  FinalizeResult out = finalize_signed<Op>(
      block, state,
      [this](const StateReader& s, ByteView tx, NonceRule rule, SignedTx& signed_tx, Op& op) {
        return check(s, tx, rule, signed_tx, op);
      },
      [&changed](StateWriter& s, const Op& op) {
        if (op.change) {
          s.put(validators_key(), op.change->next.to_bytes());
          s.put(sequence_key(), u64_value(op.change->sequence + 1));
          changed = op.change->next;
          return;
        }
        const Transfer& t = op.transfer;
        // Conserved: the total is below 2^63, so the payee's sum cannot wrap.
        s.put(account_key(t.payer), u64_value(t.payer_balance - t.amount));
        s.put(account_key(t.payee), u64_value(t.payee_balance + t.amount));
      });
  // Every member's weight after the block's last change: two changes in
  // one block then name each key once.
  if (changed) {
    for (const auto& v : changed->validators()) out.validator_changes.push_back({v.bls_key, v.weight});
  }
  return out;
}

QueryResult Payments::query(const VersionedState& state, std::string_view path, ByteView key, Height h,
                            bool prove) const {
  // Each path: its state key, and what an absent value means (a counter
  // that starts at 0, or a refusal).
  const bool per_account = path == "balance" || path == "nonce";
  if (!per_account && path != "validators" && path != "sequence") {
    return {TxCode::invalid,
            "unknown query path '" + std::string(path) + "' (use \"balance\", \"nonce\", \"validators\" or \"sequence\")",
            h, {}, {}};
  }
  if (per_account && key.size() != sig::ed25519_public_key_size) {
    return {TxCode::invalid, "an account key has 32 bytes", h, {}, {}};
  }
  const Bytes state_key = path == "balance"      ? account_key(key)
                          : path == "nonce"      ? nonce_key(key)
                          : path == "validators" ? validators_key()
                                                 : sequence_key();
  QueryResult q;
  q.height = h == 0 ? state.latest_height() : h;
  q.value = state.get(state_key, q.height);
  if (!q.value && (path == "nonce" || path == "sequence")) q.value = u64_value(0);  // never used: the next is 0
  if (!q.value && path == "balance") {
    q.code = TxCode::unknown_account;
    q.reason = "no such account";
  }
  if (!q.value && path == "validators") {
    q.code = TxCode::invalid;
    q.reason = "this chain's genesis named no validators";
  }
  if (prove) q.proof = state.prove(state_key, q.height);
  return q;
}

}  // namespace privfin::consensus::apps
