// The evidence store keeps one piece of evidence per validator and
// (height, round, vote type), lists it in key order from a height, refuses
// votes that do not conflict, and reports damaged bytes as StoreCorruption.
#include <catch2/catch.hpp>

#include "privfin/core/error.hpp"
#include "privfin/ledger/error.hpp"
#include "privfin/ledger/evidence_store.hpp"

using namespace privfin;
using namespace privfin::ledger;

namespace {

consensus::Evidence evidence_of(consensus::NodeId voter, consensus::Height h, consensus::Round r) {
  consensus::Vote a{consensus::VoteType::prevote, h, r, consensus::Hash32{}, voter, Bytes(96, std::byte{1})};
  consensus::Vote b = a;
  b.block.reset();  // nil: another value
  b.signature = Bytes(96, std::byte{2});
  return consensus::Evidence{a, b};
}

}  // namespace

TEST_CASE("evidence store: add once, list by height then voter, refuse non-conflicts, damage is StoreCorruption",
          "[ledger][evidence]") {
  MemoryStore store;
  EvidenceStore evidence(store);
  CHECK(evidence.add(evidence_of(2, 7, 0)));
  CHECK_FALSE(evidence.add(evidence_of(2, 7, 0)));  // already kept
  CHECK(evidence.add(evidence_of(1, 7, 0)));
  CHECK(evidence.add(evidence_of(3, 5, 1)));
  CHECK(evidence.add(evidence_of(3, 5, 0)));
  const auto all = evidence.list(0, 100);
  REQUIRE(all.size() == 4);
  CHECK(all[0] == evidence_of(3, 5, 0));
  CHECK(all[1] == evidence_of(3, 5, 1));
  CHECK(all[2] == evidence_of(1, 7, 0));
  CHECK(all[3] == evidence_of(2, 7, 0));
  CHECK(evidence.list(6, 100).size() == 2);
  CHECK(evidence.list(0, 3).size() == 3);
  CHECK(evidence.list(0, 0).empty());
  CHECK(evidence.list(8, 100).empty());

  auto same = evidence_of(4, 9, 0);
  same.second = same.first;
  CHECK_THROWS_AS(evidence.add(same), InvalidArgument);

  // A damaged value names the column and the height.
  WriteBatch batch;
  Bytes key(17, std::byte{0});
  key[7] = std::byte{9};
  batch.put(Column::evidence, key, Bytes{std::byte{0xee}});
  store.write(batch, false);
  CHECK_THROWS_AS(evidence.list(9, 10), StoreCorruption);
}
