// node::stored_result, what Node::find_committed reads for a transaction
// it no longer remembers: the result at a position of a height's stored
// results, and a StoreCorruption naming the height when the results are
// missing, do not decode or hold no result there.
#include <catch2/catch.hpp>

#include "ledger/chain_fixture.hpp"
#include "privfin/consensus/application.hpp"
#include "privfin/ledger/error.hpp"
#include "privfin/node/node.hpp"

using namespace privfin;
using namespace privfin::ledger;
using namespace privfin::test::ledger_chain;

TEST_CASE("node stored_result: the result at a position - missing, undecodable or short results are StoreCorruption",
          "[node][ledger]") {
  MemoryStore store;
  Ledger ledger = Ledger::open(store);
  // Height 1: the fixture's results ("results of 1") are no results list.
  (void)commit_next_with(ledger, std::vector<Bytes>{to_bytes("a"), to_bytes("b")});
  CHECK_THROWS_AS(node::stored_result(ledger, {1, 0}), StoreCorruption);
  // Height 2: two transactions with the results an executor writes.
  const std::vector<Bytes> txs{to_bytes("c"), to_bytes("d")};
  Block b = next_block(ledger);
  b.body = consensus::transactions_to_bytes(txs);
  b.header.tx_root = consensus::tx_root_of(b.body);
  consensus::FinalizeResult result;
  result.results = {consensus::TxResult{}, consensus::TxResult{consensus::TxCode::bad_nonce, "nonce 3, expected 1"}};
  (void)ledger.commit(b, cert_for(b), consensus::results_to_bytes(result), changes_for(2));
  const auto at = ledger.transaction_position(tx_hash(txs[1]));
  REQUIRE(at);
  const auto second = node::stored_result(ledger, *at);
  CHECK(second.code == consensus::TxCode::bad_nonce);
  CHECK(second.reason == "nonce 3, expected 1");
  CHECK(node::stored_result(ledger, {2, 0}).ok());
  CHECK_THROWS_AS(node::stored_result(ledger, {2, 2}), StoreCorruption);  // no third result
  store.write(WriteBatch().erase(Column::results, height_key(2)));
  try {
    (void)node::stored_result(ledger, {2, 0});
    FAIL("missing results were not refused");
  } catch (const StoreCorruption& e) {
    CHECK(e.height() == 2);
    CHECK(std::string(e.what()).find("missing") != std::string::npos);
  }
}
