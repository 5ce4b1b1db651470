// The node map (ledger/node_map.hpp) against std::map: random inserts,
// overwrites and erasures in tables small enough that probe runs wrap
// around the end, growth, reserve, clear and a moved-from map.
#include <catch2/catch.hpp>

#include <map>
#include <vector>

#include "privfin/core/prg.hpp"
#include "privfin/ledger/node_map.hpp"
#include "support/local_parties.hpp"

using namespace privfin;
using namespace privfin::ledger;

namespace {

// Keys from a small pool, so that inserts hit existing keys and erasures
// find what they erase; the pool differs in version, depth and path bytes.
NodeKey key_from(Prg& prg, std::uint64_t pool) {
  const std::uint64_t i = prg.next_u64() % pool;
  NodeKey k{};
  k[7] = static_cast<std::byte>(i % 3);           // version
  k[9] = static_cast<std::byte>((i / 3) % 5);     // depth
  k[10] = static_cast<std::byte>(i / 15);         // first path byte
  k[41] = static_cast<std::byte>((i * 7) % 256);  // last path byte
  return k;
}

void check_same(const NodeMap& m, const std::map<NodeKey, Bytes>& reference, std::uint64_t pool, Prg& prg) {
  REQUIRE(m.size() == reference.size());
  for (const auto& [k, v] : reference) {
    const Bytes* found = m.find(k);
    REQUIRE(found != nullptr);
    CHECK(*found == v);
  }
  for (int probe = 0; probe < 64; ++probe) {
    const NodeKey k = key_from(prg, pool * 2);  // half of these were never inserted
    CHECK((m.find(k) != nullptr) == reference.contains(k));
  }
}

}  // namespace

TEST_CASE("node map: agrees with std::map over random inserts, overwrites and erasures", "[ledger][node-map]") {
  for (const std::uint64_t pool : {4ULL, 13ULL, 40ULL, 300ULL, 2000ULL}) {
    INFO("pool " << pool);
    Prg prg(test::seed_of(1701 + pool));
    NodeMap m;
    std::map<NodeKey, Bytes> reference;
    for (int step = 0; step < 6000; ++step) {
      const NodeKey k = key_from(prg, pool);
      if (prg.next_u64() % 3 == 0) {
        CHECK(m.erase(k) == reference.erase(k));
      } else {
        Bytes v = prg.bytes(1 + prg.next_u64() % 90);
        reference.insert_or_assign(k, v);
        m.insert_or_assign(k, std::move(v));
      }
      if (step % 500 == 499) check_same(m, reference, pool, prg);
    }
    // Emptied one key at a time: every erasure shifts the run behind it.
    while (!reference.empty()) {
      const NodeKey k = reference.begin()->first;
      REQUIRE(m.erase(k) == 1);
      reference.erase(reference.begin());
      CHECK(m.find(k) == nullptr);
      CHECK(m.erase(k) == 0);
    }
    check_same(m, reference, pool, prg);
  }
}

TEST_CASE("node map: reserve keeps every entry, clear and a move leave an empty map that works", "[ledger][node-map]") {
  Prg prg(test::seed_of(1710));
  NodeMap m;
  std::map<NodeKey, Bytes> reference;
  CHECK(m.find(NodeKey{}) == nullptr);
  CHECK(m.erase(NodeKey{}) == 0);
  for (int i = 0; i < 500; ++i) {
    const NodeKey k = key_from(prg, 1000);
    const Bytes v = prg.bytes(8);
    reference.insert_or_assign(k, v);
    m.insert_or_assign(k, v);
  }
  m.reserve(100'000);
  check_same(m, reference, 1000, prg);

  NodeMap moved = std::move(m);
  check_same(moved, reference, 1000, prg);
  CHECK(m.size() == 0);  // NOLINT(bugprone-use-after-move): the promise under test
  CHECK(m.find(reference.begin()->first) == nullptr);
  m.insert_or_assign(reference.begin()->first, Bytes{std::byte{7}});
  CHECK(m.size() == 1);
  CHECK(*m.find(reference.begin()->first) == Bytes{std::byte{7}});

  moved.clear();
  CHECK(moved.size() == 0);
  CHECK(moved.find(reference.begin()->first) == nullptr);
  moved.insert_or_assign(NodeKey{}, Bytes{});
  CHECK(moved.size() == 1);
  CHECK(moved.find(NodeKey{}) != nullptr);
}
