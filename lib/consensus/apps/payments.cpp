#include "privfin/consensus/apps/payments.hpp"

#include <set>

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

}  // namespace

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
                         ByteView payee, std::uint64_t amount) {
  if (payee.size() != sig::ed25519_public_key_size) throw InvalidArgument("Payments::transfer: the payee key is not 32 bytes");
  Writer w;
  w.raw(payee).u64(amount);
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
  return {};
}

TxVerdict Payments::check(const StateReader& state, ByteView tx, NonceRule rule, SignedTx& signed_tx,
                          Transfer& t) const {
  try {
    signed_tx = SignedTx::from_bytes(tx);
    if (signed_tx.kind != kind_transfer) return {TxCode::invalid, "unknown kind " + std::to_string(signed_tx.kind)};
    Reader r(signed_tx.payload);
    const ByteView payee = r.raw(sig::ed25519_public_key_size, "payee");
    t.payee.assign(payee.begin(), payee.end());
    t.amount = r.u64("amount");
    r.expect_end("transfer");
  } catch (const DecodeError& e) {
    return {TxCode::malformed, e.what()};
  }
  if (auto v = check_signer(state, chain_id_, signed_tx, rule, &signatures_); !v.ok()) return v;
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
  Transfer t;
  return check(state, tx, NonceRule::window, signed_tx, t);
}

FinalizeResult Payments::finalize_block(const DecidedBlock& block, StateWriter& state) const {
  return finalize_signed<Transfer>(
      block, state,
      [this](const StateReader& s, ByteView tx, NonceRule rule, SignedTx& signed_tx, Transfer& t) {
        return check(s, tx, rule, signed_tx, t);
      },
      [](StateWriter& s, const Transfer& t) {
        // Conserved: the total is below 2^63, so the payee's sum cannot wrap.
        s.put(account_key(t.payer), u64_value(t.payer_balance - t.amount));
        s.put(account_key(t.payee), u64_value(t.payee_balance + t.amount));
      });
}

QueryResult Payments::query(const VersionedState& state, std::string_view path, ByteView key, Height h,
                            bool prove) const {
  if (path != "balance" && path != "nonce") {
    return {TxCode::invalid, "unknown query path '" + std::string(path) + "' (use \"balance\" or \"nonce\")", h, {}, {}};
  }
  if (key.size() != sig::ed25519_public_key_size) return {TxCode::invalid, "an account key has 32 bytes", h, {}, {}};
  QueryResult q;
  q.height = h == 0 ? state.latest_height() : h;
  const Bytes state_key = path == "balance" ? account_key(key) : nonce_key(key);
  q.value = state.get(state_key, q.height);
  if (!q.value && path == "balance") {
    q.code = TxCode::unknown_account;
    q.reason = "no such account";
  }
  if (!q.value && path == "nonce") q.value = u64_value(0);  // never paid: the next nonce is 0
  if (prove) q.proof = state.prove(state_key, q.height);
  return q;
}

}  // namespace privfin::consensus::apps
