// The light client (ledger/light_client.hpp) with real BLS12-381: headers
// verified by their certificates, refused for another chain, another set,
// another block or too little weight; a validator-set change accepted when
// more than a third of the trusted weight vouches and refused otherwise;
// state proofs and transactions checked against verified headers only.
#include <catch2/catch.hpp>

#include "privfin/consensus/tx_merkle.hpp"

#include "privfin/consensus/application.hpp"
#include "privfin/consensus/crypto.hpp"
#include "privfin/ledger/light_client.hpp"
#include "privfin/ledger/state_tree.hpp"

using namespace privfin;
using namespace privfin::consensus;
using namespace privfin::ledger;
namespace bls = privfin::sig::bls12_381;

namespace {

bls::SecretKey key(std::uint8_t i) { return bls::SecretKey::key_gen(Bytes(32, std::byte{i})); }

ValidatorSet set_of(const std::vector<std::uint8_t>& members) {
  std::vector<Validator> v;
  for (auto m : members) v.push_back(make_bls_validator(key(m)));
  return ValidatorSet(v);
}

BlockHeader header_at(Height h, const ValidatorSet& set, const Hash32& app_hash = {}, ByteView body = {}) {
  BlockHeader hd;
  hd.chain_id = "audit-chain";
  hd.height = h;
  hd.validators_hash = set.hash();
  hd.app_hash = app_hash;
  hd.tx_root = tx_root_of(body);
  return hd;
}

// Precommits of the members at `signers` (positions in `set`, whose keys are `members`).
CommitCertificate certify(const BlockHeader& hd, const ValidatorSet& set, const std::vector<std::uint8_t>& members,
                          const std::vector<std::size_t>& signers) {
  CommitCertificate cert{hd.height, 0, hd.hash(), std::vector<bool>(set.size()), {}};
  const auto msg = Vote::signed_bytes(hd.chain_id, VoteType::precommit, hd.height, 0, hd.hash());
  std::vector<Bytes> sigs;
  for (auto i : signers) {
    BlsCrypto signer(set, key(members[i]));
    sigs.push_back(signer.sign(msg));
    cert.signers[i] = true;
  }
  std::vector<ByteView> views(sigs.begin(), sigs.end());
  cert.aggregate = BlsCrypto(set, std::nullopt).aggregate(views);
  return cert;
}

}  // namespace

TEST_CASE("light client: headers, validator-set changes, state and transactions", "[ledger][light]") {
  const std::vector<std::uint8_t> a = {1, 2, 3, 4}, b = {2, 3, 4, 5}, c = {6, 7, 8, 9};
  const ValidatorSet set_a = set_of(a), set_b = set_of(b), set_c = set_of(c);
  LightClient client("audit-chain", set_a);

  // Header 1 by 3 of 4: verified. By 2 of 4: refused.
  const auto h1 = header_at(1, set_a);
  CHECK(client.verify_header(h1, certify(h1, set_a, a, {0, 1, 2})));
  const auto weak = client.verify_header(header_at(2, set_a), certify(header_at(2, set_a), set_a, a, {0, 1}));
  CHECK(!weak);
  CHECK_THAT(weak.reason, Catch::Contains("two thirds"));
  // Another chain, another set named, a certificate for another block.
  auto other_chain = h1;
  other_chain.chain_id = "other";
  CHECK_THAT(client.verify_header(other_chain, certify(other_chain, set_a, a, {0, 1, 2})).reason, Catch::Contains("chain"));
  CHECK_THAT(client.verify_header(header_at(3, set_b), certify(header_at(3, set_b), set_b, b, {0, 1, 2})).reason,
             Catch::Contains("another validator set"));
  CHECK_THAT(client.verify_header(header_at(3, set_a), certify(h1, set_a, a, {0, 1, 2})).reason,
             Catch::Contains("another block"));

  // A change to a set sharing three members: vouched by 2 of the trusted 4 (> 1/3): accepted.
  const auto h4 = header_at(4, set_b);
  CHECK(!client.verify_validator_change(set_c, header_at(4, set_c), certify(header_at(4, set_c), set_c, c, {0, 1, 2})));
  const auto only_new = client.verify_validator_change(set_b, h4, certify(h4, set_b, b, {3, 2, 1}));  // 5, 4, 3: 4 and 3 known
  REQUIRE(only_new);
  CHECK(client.trusted() == set_b);
  // From set b, a change to c (no common member) is refused however many of c sign.
  const auto refused = client.verify_validator_change(set_c, header_at(5, set_c), certify(header_at(5, set_c), set_c, c, {0, 1, 2, 3}));
  CHECK(!refused);
  CHECK_THAT(refused.reason, Catch::Contains("not more than a third"));
  CHECK(client.trusted() == set_b);

  // State: a tree with one key; the proof checks against header h+1's app hash only.
  MemoryNodes nodes;
  StateTree tree(nodes);
  const std::vector<StateChange> changes = {{to_bytes(std::string_view("acct/alice")), to_bytes(std::string_view("700"))}};
  const auto batch = tree.apply(std::nullopt, 5, changes);
  nodes.apply(batch);
  const auto proven = StateTree(nodes).prove(to_bytes(std::string_view("acct/alice")), 5);
  const Bytes body = transactions_to_bytes(std::vector<Bytes>{to_bytes(std::string_view("tx-1")), to_bytes(std::string_view("tx-2"))});
  const auto h6 = header_at(6, set_b, batch.root, body);
  CHECK(!client.verify_state(to_bytes(std::string_view("acct/alice")), proven.value, proven.proof, 5));  // header 6 not yet verified
  REQUIRE(client.verify_header(h6, certify(h6, set_b, b, {0, 1, 2})));
  CHECK(client.verify_state(to_bytes(std::string_view("acct/alice")), proven.value, proven.proof, 5));
  CHECK(!client.verify_state(to_bytes(std::string_view("acct/alice")), to_bytes(std::string_view("701")), proven.proof, 5));
  CHECK(!client.verify_state(to_bytes(std::string_view("acct/bob")), proven.value, proven.proof, 5));
  // Transactions: in the verified block's body, and only there.
  CHECK(client.verify_transaction(to_bytes(std::string_view("tx-2")), body, 6));
  CHECK(!client.verify_transaction(to_bytes(std::string_view("tx-3")), body, 6));
  CHECK(!client.verify_transaction(to_bytes(std::string_view("tx-2")), transactions_to_bytes(std::vector<Bytes>{}), 6));
  CHECK(!client.verify_transaction(to_bytes(std::string_view("tx-2")), body, 7));
  // The same by an RFC 9162 inclusion proof against the header's tx_root,
  // without the body: the header commits to the transactions' Merkle root.
  const auto txs = transactions_from_bytes(body);
  CHECK(header_at(6, set_a, {}, body).tx_root == tx_merkle_root(txs));
  for (std::size_t i = 0; i < txs.size(); ++i) {
    const auto proof = tx_inclusion_proof(txs, i);
    CHECK(client.verify_transaction_proof(txs[i], proof, 6));
    CHECK(!client.verify_transaction_proof(to_bytes(std::string_view("tx-3")), proof, 6));
    CHECK(!client.verify_transaction_proof(txs[i], proof, 7));  // header 7 is not verified
  }
  // An opaque body (not a canonical transaction list) is hashed whole.
  const Bytes opaque = to_bytes(std::string_view("not a transaction list"));
  CHECK(tx_root_of(opaque) != tx_merkle_root(std::vector<Bytes>{opaque}));
  Bytes padded = body;
  padded.push_back(std::byte{0});  // a list with a trailing byte is not canonical
  CHECK(tx_root_of(padded) != tx_root_of(body));
}
