// privfin/consensus/apps/payments.hpp — reference application 2: payments
// and settlement between banks. Each account belongs to an Ed25519 key (a
// bank); the genesis document opens the accounts with their balances;
// transfers are signed by the payer with its next nonce; an overdraft is
// refused with the balance and the amount in the reason; balances are
// queried with the ledger's proof, so an auditor can check one bank's
// balance against a certified header alone.
//
//   Bytes genesis = Payments::genesis({{bank_a.public_key(), 1'000'000}, {bank_b.public_key(), 0}});
//   Payments app("settlement");
//   Bytes tx = Payments::transfer(bank_a, "settlement", nonce, bank_b.public_key(), 250'000);
//   auto q = app.query(state, "balance", bank_b.public_key(), 0, true);  // q.value: u64 big-endian
//   auto n = app.query(state, "nonce", bank_a.public_key(), 0, false);   // the payer's next nonce
//
// Genesis (version 1): varint count (1..max_accounts), then per account
// raw(32) public key, u64 balance; keys distinct, total below 2^63.
// Transfer (kind 1, apps/signed_tx.hpp envelope) payload: raw(32) payee,
// u64 amount. Rules, in order: the envelope (malformed, bad_signature,
// bad_nonce), an unknown payer or payee (unknown_account), amount 0 or
// payer = payee (invalid), amount above the payer's balance
// (insufficient_funds: "overdraft refused: balance B, transfer A"). Money
// is conserved: the total never changes (the genesis caps it below 2^63,
// so no balance can overflow). State: "acct/" + key -> balance (u64
// big-endian), and each payer's next nonce. A refused transfer changes
// nothing and consumes no nonce.
//
// Validator-set changes (kind 2): the consortium changes its members'
// weights (types.hpp, ValidatorChange: a bank joins at weight > 0, leaves
// at 0) when members holding more than two thirds of the current weight
// approve the same change, each with its validator Ed25519 key:
//
//   auto a = Payments::approve(member_key, member_id, "settlement", seq, changes);   // each approving member
//   Bytes tx = Payments::validator_change(any_key, "settlement", nonce, seq, changes, approvals);
//
// Payload: u64 sequence, varint count of changes (1..1024), each bytes BLS
// key (at most 96) and varint weight, varint count of approvals
// (1..1024), each varint member and raw(64) signature over
// change_message(chain id, sequence, changes). Rules, after the envelope:
// the sequence is the chain's next (bad_nonce: approvals cannot be
// replayed), the changes apply to the current set (invalid, naming the
// unknown or repeated key: apply_changes), each approval names a member
// once with an Ed25519 key whose signature verifies (bad_signature), and
// the approvers hold more than two thirds of the current weight (invalid,
// with the weights). State: "gov/validators" -> the current set
// (ValidatorSet encoding; the genesis set at init_chain, so an auditor can
// prove it) and "gov/sequence" -> u64. A block whose changes pass returns
// every member's new weight in FinalizeResult::validator_changes, in force
// two heights later. Queries: "validators" (any key) and "sequence".
#pragma once

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "privfin/consensus/application.hpp"
#include "privfin/consensus/apps/signed_tx.hpp"

namespace privfin::consensus::apps {

class Payments final : public Application {
 public:
  static constexpr std::uint8_t kind_transfer = 1;
  static constexpr std::uint8_t kind_validators = 2;
  static constexpr std::uint8_t genesis_version = 1;
  static constexpr std::size_t max_accounts = 1 << 16;

  struct Account {
    Bytes owner;  // Ed25519 public key
    std::uint64_t balance = 0;
  };

  explicit Payments(std::string chain_id) : chain_id_(std::move(chain_id)) {}

  // InvalidArgument for no accounts, a key of another size, a repeated key
  // or a total of 2^63 or more.
  [[nodiscard]] static Bytes genesis(const std::vector<Account>& accounts);
  [[nodiscard]] static std::vector<Account> genesis_from_bytes(ByteView bytes);  // DecodeError, then the same checks
  // A transfer may carry the payer's reference (remittance information, an
  // end-to-end id: up to max_reference bytes, in the block only, never in
  // the state). InvalidArgument for a payee key of another size or a longer
  // reference.
  static constexpr std::size_t max_reference = 512;
  [[nodiscard]] static Bytes transfer(const sig::Ed25519SecretKey& payer, std::string_view chain_id,
                                      std::uint64_t nonce, ByteView payee, std::uint64_t amount,
                                      ByteView reference = {});
  [[nodiscard]] static Bytes account_key(ByteView owner);

  struct Approval {
    NodeId member = 0;
    Bytes signature;  // Ed25519, 64 bytes
  };
  // What each approving member signs.
  [[nodiscard]] static Bytes change_message(std::string_view chain_id, std::uint64_t sequence,
                                            std::span<const ValidatorChange> changes);
  [[nodiscard]] static Approval approve(const sig::Ed25519SecretKey& member_key, NodeId member,
                                        std::string_view chain_id, std::uint64_t sequence,
                                        std::span<const ValidatorChange> changes);
  // InvalidArgument for no changes or no approvals, or more than 1024 of either.
  [[nodiscard]] static Bytes validator_change(const sig::Ed25519SecretKey& submitter, std::string_view chain_id,
                                              std::uint64_t nonce, std::uint64_t sequence,
                                              std::span<const ValidatorChange> changes,
                                              std::span<const Approval> approvals);
  // A kind-2 payload, decoded (DecodeError for any defect, a count of 0 or
  // above 1024, before allocating for it) and encoded (InvalidArgument for
  // what the decoder would refuse).
  struct ValidatorChangeTx {
    std::uint64_t sequence = 0;
    std::vector<ValidatorChange> changes;
    std::vector<Approval> approvals;
  };
  [[nodiscard]] static ValidatorChangeTx change_from_payload(ByteView payload);
  [[nodiscard]] static Bytes change_payload(std::uint64_t sequence, std::span<const ValidatorChange> changes,
                                            std::span<const Approval> approvals);
  [[nodiscard]] static Bytes validators_key();
  [[nodiscard]] static Bytes sequence_key();

  InitResult init_chain(const Genesis& genesis, StateWriter& state) override;
  [[nodiscard]] TxVerdict check_tx(const StateReader& state, ByteView tx, CheckKind kind) const override;
  // Verifies the signatures of `txs` in batches (SignatureCache::verify_many).
  void will_check(std::span<const Bytes> txs) const override;
  FinalizeResult finalize_block(const DecidedBlock& block, StateWriter& state) const override;
  [[nodiscard]] QueryResult query(const VersionedState& state, std::string_view path, ByteView key, Height h,
                                  bool prove) const override;

 private:
  struct Transfer {
    Bytes payer, payee;
    std::uint64_t amount = 0, payer_balance = 0, payee_balance = 0;
  };
  struct Change {
    ValidatorSet next;
    std::uint64_t sequence = 0;
  };
  struct Op {
    Transfer transfer;
    std::optional<Change> change;
  };
  [[nodiscard]] TxVerdict check(const StateReader& state, ByteView tx, NonceRule rule, SignedTx& signed_tx,
                                Op& op) const;
  [[nodiscard]] TxVerdict check_transfer(const StateReader& state, const SignedTx& signed_tx, Transfer& t) const;
  [[nodiscard]] TxVerdict check_change(const StateReader& state, const SignedTx& signed_tx, Change& c) const;
  std::string chain_id_;
  // Each transfer's signature is verified once per node (signed_tx.hpp).
  mutable SignatureCache signatures_;
};

}  // namespace privfin::consensus::apps
