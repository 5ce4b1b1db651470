// The authenticated state (ledger/state_tree.hpp): a std::map reference
// over many versions, proofs of presence and absence at every version, a
// proof for another key, version or root refused, history independence,
// pruning, and the proof and node codecs' truncations and bit flips.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "privfin/core/prg.hpp"
#include "privfin/ledger/error.hpp"
#include "privfin/ledger/state_tree.hpp"
#include "support/local_parties.hpp"
#include "support/wire_negative.hpp"

using namespace privfin;
using namespace privfin::ledger;

namespace {

using Reference = std::map<Bytes, Bytes, BytesLess>;  // BytesLess: gcc 12 warns on vector<byte>::operator<=>

Bytes key_of(std::uint64_t i) { return to_bytes("account/" + std::to_string(i)); }

// A random block of changes over a key space of `keys`: puts and erases.
std::vector<StateChange> random_changes(Prg& prg, std::size_t count, std::uint64_t keys) {
  std::vector<StateChange> out;
  for (std::size_t i = 0; i < count; ++i) {
    StateChange c{key_of(prg.next_u64() % keys), std::nullopt};
    if (prg.next_u64() % 4 != 0) c.value = prg.bytes(prg.next_u64() % 24);
    out.push_back(std::move(c));
  }
  return out;
}

void apply_to(Reference& ref, const std::vector<StateChange>& changes) {
  for (const auto& c : changes) {
    if (c.value) ref[c.key] = *c.value;
    else ref.erase(c.key);
  }
}

// The root of a key-value set built from nothing in one version.
Hash32 fresh_root(const Reference& ref) {
  MemoryNodes nodes;
  std::vector<StateChange> all;
  for (const auto& [k, v] : ref) all.push_back({k, v});
  return StateTree(nodes).apply(std::nullopt, 1, all).root;
}

}  // namespace

TEST_CASE("state tree: every version answers like a std::map, with proofs", "[ledger][state_tree]") {
  Prg prg(test::seed_of(1611));
  MemoryNodes nodes;
  StateTree tree(nodes);
  std::vector<Reference> refs;  // refs[v - 1]: the state at version v
  std::vector<Hash32> roots;
  Reference ref;
  constexpr std::uint64_t keys = 120;
  constexpr Version versions = 40;
  for (Version v = 1; v <= versions; ++v) {
    const auto changes = random_changes(prg, v % 7 == 0 ? 0 : 1 + prg.next_u64() % 25, keys);
    const auto batch = tree.apply(v == 1 ? std::nullopt : std::optional<Version>(v - 1), v, changes);
    // Each replaced node is listed once, exists, and the old root is one.
    std::set<Bytes, BytesLess> listed;
    for (const auto& k : batch.stale) {
      CHECK(listed.insert(k).second);
      CHECK(nodes.get_node(k).has_value());
    }
    if (v > 1) CHECK(listed.contains(state_node_key(v - 1, 0, {})));
    nodes.apply(batch);
    apply_to(ref, changes);
    refs.push_back(ref);
    roots.push_back(batch.root);
    REQUIRE(tree.root(v) == batch.root);
    CHECK(batch.root == fresh_root(ref));  // the root depends on the set only
  }
  for (Version v = 1; v <= versions; ++v) {
    const auto& want = refs[v - 1];
    for (std::uint64_t i = 0; i < keys + 5; ++i) {
      const Bytes key = key_of(i);
      const auto it = want.find(key);
      const std::optional<Bytes> expected = it == want.end() ? std::nullopt : std::optional<Bytes>(it->second);
      const auto pv = tree.prove(key, v);
      INFO("version " << v << ", key " << i);
      REQUIRE(pv.value == expected);
      CHECK(tree.get(key, v) == expected);
      CHECK(verify_state_proof(pv.proof, key, pv.value, roots[v - 1]));
      CHECK(StateProof::from_bytes(pv.proof.to_bytes()) == pv.proof);
      // The opposite claim, another value, another key: refused.
      if (expected) {
        CHECK_FALSE(verify_state_proof(pv.proof, key, std::nullopt, roots[v - 1]));
        auto other = *expected;
        other.push_back(std::byte{0});
        CHECK_FALSE(verify_state_proof(pv.proof, key, other, roots[v - 1]));
      } else {
        CHECK_FALSE(verify_state_proof(pv.proof, key, Bytes{}, roots[v - 1]));
      }
      // A presence proof is for its key only. (An absence proof also shows
      // the absence of every key whose hash shares its path, which is true.)
      if (expected) CHECK_FALSE(verify_state_proof(pv.proof, key_of(i + 1000), pv.value, roots[v - 1]));
      // Against another version's root: refused unless that version holds
      // the same claim under the same root.
      const Version w = v % versions + 1;
      if (roots[w - 1] != roots[v - 1]) CHECK_FALSE(verify_state_proof(pv.proof, key, pv.value, roots[w - 1]));
    }
  }
}

TEST_CASE("state tree: the root is independent of history - empty state is zero", "[ledger][state_tree]") {
  MemoryNodes a;
  MemoryNodes b;
  StateTree ta(a);
  StateTree tb(b);
  std::vector<StateChange> forward;
  std::vector<StateChange> backward;
  for (std::uint64_t i = 0; i < 50; ++i) forward.push_back({key_of(i), to_bytes(std::to_string(i))});
  backward.assign(forward.rbegin(), forward.rend());
  a.apply(ta.apply(std::nullopt, 1, forward));
  // b: in three versions, with a key added and erased again.
  b.apply(tb.apply(std::nullopt, 5, std::span(backward).first(20)));
  b.apply(tb.apply(5, 6, std::vector<StateChange>{{key_of(999), to_bytes("x")}}));
  std::vector<StateChange> rest(backward.begin() + 20, backward.end());
  rest.push_back({key_of(999), std::nullopt});
  b.apply(tb.apply(6, 9, rest));
  CHECK(ta.root(1) == tb.root(9));
  // Erase everything: back to the empty root.
  std::vector<StateChange> erase_all;
  for (std::uint64_t i = 0; i < 50; ++i) erase_all.push_back({key_of(i), std::nullopt});
  a.apply(ta.apply(1, 2, erase_all));
  CHECK(ta.root(2) == empty_state_root());
  const auto pv = ta.prove(key_of(3), 2);
  CHECK_FALSE(pv.value);
  CHECK(pv.proof.siblings.empty());
  CHECK(verify_state_proof(pv.proof, key_of(3), std::nullopt, empty_state_root()));
  // One key: the root is its leaf.
  a.apply(ta.apply(2, 3, std::vector<StateChange>{{key_of(7), to_bytes("seven")}}));
  CHECK(ta.root(3) == state_leaf_hash(state_key_hash(key_of(7)), as_bytes("seven")));
  // The last change to a key wins.
  a.apply(ta.apply(3, 4, std::vector<StateChange>{{key_of(7), to_bytes("a")}, {key_of(7), to_bytes("b")}}));
  CHECK(ta.get(key_of(7), 4) == to_bytes("b"));
}

TEST_CASE("state tree: misuse and missing versions throw", "[ledger][state_tree]") {
  MemoryNodes nodes;
  StateTree tree(nodes);
  nodes.apply(tree.apply(std::nullopt, 3, std::vector<StateChange>{{key_of(1), to_bytes("v")}}));
  CHECK_THROWS_AS(tree.apply(3, 3, std::vector<StateChange>{}), InvalidArgument);
  CHECK_THROWS_AS(tree.apply(4, 5, std::vector<StateChange>{}), InvalidArgument);  // no version 4
  CHECK_THROWS_AS(tree.root(2), InvalidArgument);
  CHECK_THROWS_AS(tree.prove(key_of(1), 7), InvalidArgument);
  std::vector<StateChange> too_big{{key_of(1), Bytes(max_state_value + 1)}};
  CHECK_THROWS_AS(tree.apply(3, 4, too_big), InvalidArgument);
}

TEST_CASE("state tree: a missing or corrupt node is a StoreCorruption naming version and key",
          "[ledger][state_tree]") {
  // A source that serves a base tree but hides or damages one node.
  struct Damaged final : NodeSource {
    const MemoryNodes* base = nullptr;
    Bytes target;
    bool flip = false;
    std::optional<Bytes> get_node(ByteView key) const override {
      auto n = base->get_node(key);
      if (n && std::equal(key.begin(), key.end(), target.begin(), target.end())) {
        if (!flip) return std::nullopt;
        (*n)[1] ^= std::byte{0x7F};  // the kind byte
      }
      return n;
    }
  };
  MemoryNodes nodes;
  std::vector<StateChange> changes;
  for (std::uint64_t i = 0; i < 40; ++i) changes.push_back({key_of(i), to_bytes("v")});
  const auto batch = StateTree(nodes).apply(std::nullopt, 12, changes);
  nodes.apply(batch);
  // Damage a node one level below the root.
  Bytes target;
  for (const auto& [k, v] : batch.nodes) {
    if (k[9] == std::byte{1}) target = k;
  }
  REQUIRE_FALSE(target.empty());
  for (bool flip : {false, true}) {
    Damaged d;
    d.base = &nodes;
    d.target = target;
    d.flip = flip;
    StateTree tree(d);
    bool thrown = false;
    for (std::uint64_t i = 0; i < 40 && !thrown; ++i) {
      try {
        (void)tree.prove(key_of(i), 12);
      } catch (const StoreCorruption& e) {
        thrown = true;
        CHECK(e.height() == 12);
        CHECK(e.column() == "state_nodes");
        CHECK(e.key_hex() == to_hex(target));
      }
    }
    CHECK(thrown);
    CHECK_THROWS_AS(tree.apply(12, 13, changes), StoreCorruption);
  }
}

TEST_CASE("state tree: pruning keeps every retained version answering", "[ledger][state_tree]") {
  Prg prg(test::seed_of(1612));
  MemoryNodes nodes;
  StateTree tree(nodes);
  std::vector<Reference> refs;
  Reference ref;
  for (Version v = 1; v <= 30; ++v) {
    const auto changes = random_changes(prg, 10, 60);
    nodes.apply(tree.apply(v == 1 ? std::nullopt : std::optional<Version>(v - 1), v, changes));
    apply_to(ref, changes);
    refs.push_back(ref);
  }
  const std::size_t before = nodes.size();
  CHECK(nodes.prune(20) > 0);
  CHECK(nodes.size() < before);
  for (Version v = 20; v <= 30; ++v) {
    for (std::uint64_t i = 0; i < 60; ++i) {
      const auto it = refs[v - 1].find(key_of(i));
      const auto want = it == refs[v - 1].end() ? std::nullopt : std::optional<Bytes>(it->second);
      const auto pv = tree.prove(key_of(i), v);
      CHECK(pv.value == want);
      CHECK(verify_state_proof(pv.proof, key_of(i), pv.value, tree.root(v)));
    }
  }
  CHECK_THROWS_AS(tree.root(10), InvalidArgument);  // its root is gone
  // Versions continue on top of the pruned tree.
  nodes.apply(tree.apply(30, 31, random_changes(prg, 10, 60)));
  CHECK(nodes.prune(31) > 0);
  CHECK_NOTHROW(tree.root(31));
}

TEST_CASE("state tree: every truncation and bit flip of a proof is refused or proves nothing",
          "[ledger][state_tree][wire]") {
  MemoryNodes nodes;
  StateTree tree(nodes);
  std::vector<StateChange> changes;
  for (std::uint64_t i = 0; i < 64; ++i) changes.push_back({key_of(i), to_bytes("value " + std::to_string(i))});
  nodes.apply(tree.apply(std::nullopt, 1, changes));
  const Hash32 root = tree.root(1);
  int kinds_seen[3] = {0, 0, 0};
  for (std::uint64_t i : {3U, 17U, 64U, 65U, 66U, 67U, 68U, 69U, 70U}) {
    const Bytes key = key_of(i);
    const auto pv = tree.prove(key, 1);
    ++kinds_seen[static_cast<int>(pv.proof.kind)];
    const Bytes wire = pv.proof.to_bytes();
    INFO("key " << i << ", proof kind " << static_cast<int>(pv.proof.kind));
    test::check_truncations_and_flips(
        wire, [](ByteView b) { return StateProof::from_bytes(b); },
        [&](const StateProof& p) { return p == pv.proof; });
    test::check_verifier_refuses_mutations(wire, [&](ByteView b) {
      try {
        return verify_state_proof(StateProof::from_bytes(b), key, pv.value, root);
      } catch (const DecodeError&) {
        return false;
      }
    });
  }
  CHECK(kinds_seen[0] > 0);
  CHECK(kinds_seen[1] + kinds_seen[2] > 0);
  // A depth past 256 is refused before anything is read.
  Writer w;
  w.version(1).u8(0).u16(257);
  CHECK_THROWS_AS(StateProof::from_bytes(w.data()), DecodeError);
}

TEST_CASE("state tree: every truncation and bit flip of a stored node is refused or decodes to another node",
          "[ledger][state_tree][wire]") {
  MemoryNodes nodes;
  std::vector<StateChange> changes;
  for (std::uint64_t i = 0; i < 8; ++i) changes.push_back({key_of(i), to_bytes("v")});
  const auto batch = StateTree(nodes).apply(std::nullopt, 1, changes);
  int leaves = 0;
  int inners = 0;
  for (const auto& [key, node] : batch.nodes) {
    CHECK(ledger::detail::canonical_state_node(node) == node);
    (node[1] == std::byte{1} ? leaves : inners)++;
    test::check_truncations_and_flips(
        node, [](ByteView b) { return ledger::detail::canonical_state_node(b); }, [&](const Bytes& b) { return b == node; });
  }
  CHECK(leaves == 8);
  CHECK(inners >= 7);
  MemoryNodes empty_nodes;
  const auto empty = StateTree(empty_nodes).apply(std::nullopt, 1, std::vector<StateChange>{});
  REQUIRE(empty.nodes.size() == 1);
  test::check_truncations_and_flips(
      empty.nodes[0].second, [](ByteView b) { return ledger::detail::canonical_state_node(b); },
      [&](const Bytes& b) { return b == empty.nodes[0].second; });
}
