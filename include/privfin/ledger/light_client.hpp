// privfin/ledger/light_client.hpp — what an auditor runs with only the
// genesis validator set: verify a header by its commit certificate, follow
// validator-set changes, and verify a state proof or a transaction against
// a verified header. No node is trusted: every answer a node gives is
// checked here.
//
//   LightClient client("settlement", genesis_validators);       // BLS by default
//   if (auto v = client.verify_header(header, certificate); !v) std::cerr << v.reason;
//   client.verify_validator_change(next_set, header_k, certificate_k);  // when the set changes
//   bool ok = client.verify_state(key, value, proof, h);        // the state after height h
//   bool in = client.verify_transaction(tx, body, h);           // tx is in block h
//   bool in2 = client.verify_transaction_proof(tx, proof, h);   // the same with an RFC 9162 proof, no body
//
// Rules. A header is verified when its validators_hash is the trusted
// set's hash, its certificate names its height and hash, and the
// certificate verifies under the trusted set (more than two thirds of the
// weight signed the precommit: consensus::verify_certificate). A new set
// is trusted when it signs a header (validators_hash = its hash,
// certificate verifies under it) and the signers of that certificate that
// are also members of the trusted set (same BLS key) carry more than one
// third of the trusted set's weight: at least one honest member of the
// set we trust vouched for the change (CometBFT's skipping verification
// with trust level 1/3; safe while fewer than a third of the trusted set's
// weight is Byzantine). State: the proof must verify against the app hash
// that header h + 1 carries (the state after h), so header h + 1 must be
// verified; a transaction is checked against the body of a verified header
// (tx_root = tx_root_of(body)) and must be one of its transactions.
//
// Verdicts say why a check failed (no exception for what a node sends);
// InvalidArgument only for an empty chain id. Costs: one aggregate
// signature verification per header (BLS: about 3.5 ms). Not thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "privfin/consensus/crypto.hpp"
#include "privfin/consensus/tx_merkle.hpp"
#include "privfin/consensus/types.hpp"
#include "privfin/ledger/state_tree.hpp"

namespace privfin::ledger {

struct Verdict {
  bool ok = false;
  std::string reason;  // why not, when !ok
  explicit operator bool() const noexcept { return ok; }
};

class LightClient {
 public:
  // A verify-only crypto provider for a validator set (BlsCrypto by default).
  using Verifier = std::function<std::unique_ptr<consensus::Crypto>(const consensus::ValidatorSet&)>;

  LightClient(std::string chain_id, consensus::ValidatorSet trusted, Verifier verifier = {});

  [[nodiscard]] Verdict verify_header(const consensus::BlockHeader& header, const consensus::CommitCertificate& cert);
  [[nodiscard]] Verdict verify_validator_change(const consensus::ValidatorSet& next,
                                                const consensus::BlockHeader& header,
                                                const consensus::CommitCertificate& cert);
  // The state after height h: needs header h + 1 verified.
  [[nodiscard]] Verdict verify_state(ByteView key, const std::optional<Bytes>& value, const StateProof& proof,
                                     consensus::Height h) const;
  // `tx` is a transaction of block h, whose body is `body`: needs header h verified.
  [[nodiscard]] Verdict verify_transaction(ByteView tx, ByteView body, consensus::Height h) const;
  // `tx` is in block h by its inclusion proof against header h's tx_root
  // (Ledger::find_transaction gives it): needs header h verified, not the body.
  [[nodiscard]] Verdict verify_transaction_proof(ByteView tx, const consensus::InclusionProof& proof,
                                                 consensus::Height h) const;

  [[nodiscard]] const consensus::ValidatorSet& trusted() const noexcept { return trusted_; }
  [[nodiscard]] const consensus::BlockHeader* header(consensus::Height h) const;

 private:
  [[nodiscard]] Verdict check_signed(const consensus::ValidatorSet& set, const consensus::BlockHeader& header,
                                     const consensus::CommitCertificate& cert) const;
  std::string chain_id_;
  consensus::ValidatorSet trusted_;
  Verifier verifier_;
  std::map<consensus::Height, consensus::BlockHeader> headers_;
};

}  // namespace privfin::ledger
