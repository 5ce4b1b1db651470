#include "privfin/ledger/light_client.hpp"

#include <algorithm>

#include "privfin/consensus/application.hpp"
#include "privfin/core/error.hpp"

namespace privfin::ledger {

namespace {

Verdict fail(std::string reason) { return Verdict{false, std::move(reason)}; }

}  // namespace

LightClient::LightClient(std::string chain_id, consensus::ValidatorSet trusted, Verifier verifier)
    : chain_id_(std::move(chain_id)), trusted_(std::move(trusted)), verifier_(std::move(verifier)) {
  if (chain_id_.empty()) throw InvalidArgument("LightClient: empty chain id");
  if (!verifier_) {
    verifier_ = [](const consensus::ValidatorSet& set) -> std::unique_ptr<consensus::Crypto> {
      return std::make_unique<consensus::BlsCrypto>(set, std::nullopt);
    };
  }
}

Verdict LightClient::check_signed(const consensus::ValidatorSet& set, const consensus::BlockHeader& header,
                                  const consensus::CommitCertificate& cert) const {
  if (header.chain_id != chain_id_) return fail("the header is of chain '" + header.chain_id + "'");
  if (header.validators_hash != set.hash()) return fail("the header names another validator set");
  if (cert.height != header.height || cert.block != header.hash()) {
    return fail("the certificate is for another block than header " + std::to_string(header.height));
  }
  std::unique_ptr<consensus::Crypto> crypto;
  try {
    crypto = verifier_(set);
  } catch (const InvalidArgument& e) {
    return fail(std::string("the validator set's keys do not verify: ") + e.what());
  }
  if (!consensus::verify_certificate(*crypto, set, chain_id_, cert)) {
    return fail("the certificate does not verify (signatures, or not more than two thirds of the weight)");
  }
  return Verdict{true, {}};
}

Verdict LightClient::verify_header(const consensus::BlockHeader& header, const consensus::CommitCertificate& cert) {
  if (auto v = check_signed(trusted_, header, cert); !v) return v;
  headers_[header.height] = header;
  return Verdict{true, {}};
}

Verdict LightClient::verify_validator_change(const consensus::ValidatorSet& next, const consensus::BlockHeader& header,
                                             const consensus::CommitCertificate& cert) {
  if (auto v = check_signed(next, header, cert); !v) return v;
  // The signers that the trusted set knows (by BLS key), and their weight in it.
  std::uint64_t vouched = 0;
  for (std::size_t i = 0; i < next.size() && i < cert.signers.size(); ++i) {
    if (!cert.signers[i]) continue;
    const auto& key = next.validators()[i].bls_key;
    const auto& members = trusted_.validators();
    const auto it = std::find_if(members.begin(), members.end(), [&](const auto& m) { return m.bls_key == key; });
    if (it != members.end()) vouched += it->weight;
  }
  if (!trusted_.is_one_honest(vouched)) {
    return fail("the signers known to the trusted set carry " + std::to_string(vouched) + " of its " +
                std::to_string(trusted_.total_weight()) + " weight, not more than a third");
  }
  trusted_ = next;
  headers_[header.height] = header;
  return Verdict{true, {}};
}

const consensus::BlockHeader* LightClient::header(consensus::Height h) const {
  const auto it = headers_.find(h);
  return it == headers_.end() ? nullptr : &it->second;
}

Verdict LightClient::verify_state(ByteView key, const std::optional<Bytes>& value, const StateProof& proof,
                                  consensus::Height h) const {
  const auto* next = header(h + 1);
  if (next == nullptr) return fail("header " + std::to_string(h + 1) + " (it carries the state after " +
                                   std::to_string(h) + ") is not verified");
  if (!verify_state_proof(proof, key, value, next->app_hash)) {
    return fail("the proof does not verify against the app hash of header " + std::to_string(h + 1));
  }
  return Verdict{true, {}};
}

Verdict LightClient::verify_transaction_proof(ByteView tx, const consensus::InclusionProof& proof,
                                             consensus::Height h) const {
  const auto* verified = header(h);
  if (verified == nullptr) return fail("header " + std::to_string(h) + " is not verified");
  if (!consensus::verify_tx_inclusion(proof, tx, verified->tx_root)) {
    return fail("the inclusion proof does not verify against header " + std::to_string(h) + "'s tx_root");
  }
  return Verdict{true, {}};
}

Verdict LightClient::verify_transaction(ByteView tx, ByteView body, consensus::Height h) const {
  const auto* verified = header(h);
  if (verified == nullptr) return fail("header " + std::to_string(h) + " is not verified");
  if (consensus::tx_root_of(body) != verified->tx_root) return fail("the body is not the one header " + std::to_string(h) + " commits to");
  std::vector<Bytes> txs;
  try {
    txs = consensus::transactions_from_bytes(body);
  } catch (const DecodeError& e) {
    return fail(std::string("the body does not decode: ") + e.what());
  }
  if (std::none_of(txs.begin(), txs.end(), [&](const Bytes& t) { return std::equal(t.begin(), t.end(), tx.begin(), tx.end()); })) {
    return fail("the transaction is not in block " + std::to_string(h));
  }
  return Verdict{true, {}};
}

}  // namespace privfin::ledger
