// The transaction Merkle tree (consensus/tx_merkle.hpp): the Certificate
// Transparency reference tree, a naive RFC 9162 reference over random
// trees, refusal of proofs for another leaf, index or root, and the proof
// codec's truncations and bit flips.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "privfin/core/hash.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/consensus/tx_merkle.hpp"
#include "support/local_parties.hpp"
#include "support/vectors.hpp"
#include "support/wire_negative.hpp"

using namespace privfin;
using namespace privfin::consensus;

namespace {

Hash32 hash_from_hex(const std::string& hex) {
  const Bytes b = from_hex(hex);
  REQUIRE(b.size() == 32);
  Hash32 h;
  std::copy(b.begin(), b.end(), h.v.begin());
  return h;
}

// RFC 9162 2.1.1 written out the slow way: MTH by recursion on byte
// strings, PATH by the recursive definition of 2.1.3.1.
Bytes sha(const Bytes& data) {
  const auto d = Sha256::hash(data);
  return {d.begin(), d.end()};
}
Bytes naive_mth(std::span<const Bytes> d) {
  if (d.empty()) return sha({});
  if (d.size() == 1) return sha(concat(Bytes{std::byte{0}}, d[0]));
  std::size_t k = 1;
  while (k * 2 < d.size()) k *= 2;
  return sha(concat(Bytes{std::byte{1}}, naive_mth(d.first(k)), naive_mth(d.subspan(k))));
}
std::vector<Bytes> naive_path(std::size_t m, std::span<const Bytes> d) {
  if (d.size() <= 1) return {};
  std::size_t k = 1;
  while (k * 2 < d.size()) k *= 2;
  std::vector<Bytes> out;
  if (m < k) {
    out = naive_path(m, d.first(k));
    out.push_back(naive_mth(d.subspan(k)));
  } else {
    out = naive_path(m - k, d.subspan(k));
    out.push_back(naive_mth(d.first(k)));
  }
  return out;
}

std::vector<Bytes> random_txs(Prg& prg, std::size_t n) {
  std::vector<Bytes> txs;
  for (std::size_t i = 0; i < n; ++i) txs.push_back(prg.bytes(prg.next_u64() % 40));
  return txs;
}

}  // namespace

TEST_CASE("tx merkle: the Certificate Transparency reference tree", "[ledger][tx_merkle]") {
  const auto json = test::load_json(test::vectors_dir() / "ct-merkle" / "rfc6962_reference_tree.json");
  std::vector<Bytes> leaves;
  for (const auto& l : json["leaves"]) leaves.push_back(from_hex(l.get<std::string>()));
  CHECK(tx_merkle_root({}) == hash_from_hex(json["empty_root"].get<std::string>()));
  CHECK(tx_empty_root() == hash_from_hex(json["empty_root"].get<std::string>()));
  const auto& roots = json["roots"];
  for (std::size_t n = 1; n <= leaves.size(); ++n) {
    INFO("tree of " << n);
    CHECK(tx_merkle_root(std::span(leaves).first(n)) == hash_from_hex(roots[n - 1].get<std::string>()));
  }
  for (const auto& v : json["inclusion_proofs"]) {
    const auto index = v["index"].get<std::uint64_t>();
    const auto size = v["tree_size"].get<std::uint64_t>();
    INFO("leaf " << index << " of " << size);
    std::vector<Hash32> path;
    for (const auto& h : v["path"]) path.push_back(hash_from_hex(h.get<std::string>()));
    const auto txs = std::span(leaves).first(size);
    const InclusionProof p = tx_inclusion_proof(txs, index);
    CHECK(p.path == path);
    CHECK(tx_inclusion_path_length(index, size) == path.size());
    const Hash32 root = hash_from_hex(roots[size - 1].get<std::string>());
    CHECK(verify_tx_inclusion(p, leaves[index], root));
    // The Go suite's corruptions: another index, another size, another
    // leaf or root, an extra, missing or flipped path element.
    auto refused = [&](InclusionProof q) { return !verify_tx_inclusion(q, leaves[index], root); };
    auto q = p;
    q.index = index + 1;
    CHECK(refused(q));
    q.index = index ^ 2U;
    CHECK(refused(q));
    if (index > 0) {
      q.index = index - 1;
      CHECK(refused(q));
    }
    q = p;
    q.tree_size = size * 2;
    CHECK(refused(q));
    q.tree_size = size / 2;
    CHECK(refused(q));
    CHECK_FALSE(verify_tx_inclusion(p, as_bytes("WrongLeaf"), root));
    CHECK_FALSE(verify_tx_inclusion(p, leaves[index], tx_empty_root()));
    q = p;
    q.path.push_back(root);
    CHECK(refused(q));
    q = p;
    q.path.push_back(root);  // then rotated to the front (insert(begin()) trips gcc 12's -Wnull-dereference)
    std::rotate(q.path.rbegin(), q.path.rbegin() + 1, q.path.rend());
    CHECK(refused(q));
    for (std::size_t i = 0; i < p.path.size(); ++i) {
      q = p;
      q.path[i].v[0] ^= std::byte{8};
      CHECK(refused(q));
    }
    if (!p.path.empty()) {
      q = p;
      q.path.pop_back();
      CHECK(refused(q));
    }
  }
}

TEST_CASE("tx merkle: roots and every proof match a naive RFC 9162 reference", "[ledger][tx_merkle]") {
  Prg prg(test::seed_of(1601));
  for (std::size_t n = 0; n <= 70; ++n) {
    const auto txs = random_txs(prg, n);
    const Hash32 root = tx_merkle_root(txs);
    const Bytes naive = naive_mth(txs);
    INFO("tree of " << n);
    REQUIRE(ByteView(root.v).size() == naive.size());
    CHECK(std::equal(naive.begin(), naive.end(), root.v.begin()));
    for (std::size_t i = 0; i < n; ++i) {
      const auto p = tx_inclusion_proof(txs, i);
      const auto want = naive_path(i, txs);
      REQUIRE(p.path.size() == want.size());
      CHECK(tx_inclusion_path_length(i, n) == want.size());
      for (std::size_t j = 0; j < want.size(); ++j) CHECK(std::equal(want[j].begin(), want[j].end(), p.path[j].v.begin()));
      CHECK(verify_tx_inclusion(p, txs[i], root));
      CHECK(InclusionProof::from_bytes(p.to_bytes()) == p);
      // The proof for leaf i does not pass for any other leaf or position.
      for (std::size_t j = 0; j < n; ++j) {
        if (j == i || txs[j] == txs[i]) continue;
        CHECK_FALSE(verify_tx_inclusion(p, txs[j], root));
        auto moved = p;
        moved.index = j;
        CHECK_FALSE(verify_tx_inclusion(moved, txs[i], root));
      }
    }
  }
}

TEST_CASE("tx merkle: a proof for another root is refused", "[ledger][tx_merkle]") {
  Prg prg(test::seed_of(1602));
  const auto txs = random_txs(prg, 13);
  auto other = txs;
  other[7].push_back(std::byte{1});
  const Hash32 root = tx_merkle_root(txs);
  const Hash32 other_root = tx_merkle_root(other);
  REQUIRE(root != other_root);
  for (std::size_t i = 0; i < txs.size(); ++i) {
    CHECK(verify_tx_inclusion(tx_inclusion_proof(txs, i), txs[i], root));
    CHECK_FALSE(verify_tx_inclusion(tx_inclusion_proof(txs, i), txs[i], other_root));
    // A longer block with the same prefix has another root.
    auto longer = txs;
    longer.push_back(Bytes{});
    CHECK_FALSE(verify_tx_inclusion(tx_inclusion_proof(txs, i), txs[i], tx_merkle_root(longer)));
  }
}

TEST_CASE("tx merkle: misuse throws InvalidArgument", "[ledger][tx_merkle]") {
  const std::vector<Bytes> txs(3);
  CHECK_THROWS_AS(tx_inclusion_proof(txs, 3), InvalidArgument);
  CHECK_THROWS_AS(tx_inclusion_proof({}, 0), InvalidArgument);
  CHECK_THROWS_AS(tx_inclusion_path_length(5, 5), InvalidArgument);
  InclusionProof bad{0, 3, {}};  // leaf 0 of 3 needs two hashes
  CHECK_THROWS_AS(bad.to_bytes(), InvalidArgument);
  CHECK_FALSE(verify_tx_inclusion(bad, txs[0], tx_merkle_root(txs)));
  CHECK_FALSE(verify_tx_inclusion(InclusionProof{0, 0, {}}, txs[0], tx_empty_root()));
}

TEST_CASE("tx merkle: every truncation and bit flip of a proof is refused or decodes to another proof",
          "[ledger][tx_merkle][wire]") {
  Prg prg(test::seed_of(1603));
  for (std::size_t n : {1U, 2U, 5U, 8U, 11U, 300U}) {
    const auto txs = random_txs(prg, n);
    const auto root = tx_merkle_root(txs);
    for (std::size_t i : {std::size_t{0}, n / 2, n - 1}) {
      const auto p = tx_inclusion_proof(txs, i);
      const Bytes wire = p.to_bytes();
      INFO("leaf " << i << " of " << n);
      test::check_truncations_and_flips(
          wire, [](ByteView b) { return InclusionProof::from_bytes(b); },
          [&](const InclusionProof& q) { return q == p; });
      // A mutation that still decodes verifies only if it keeps the index
      // and the path: RFC 9162 binds the leaf's position, and the tree size
      // only as far as the path's shape fixes it (docs/ledger.md).
      Bytes flipped = wire;
      for (std::size_t bit = 0; bit < wire.size() * 8; ++bit) {
        flipped[bit / 8] ^= std::byte{static_cast<unsigned char>(1U << (bit % 8))};
        try {
          const auto q = InclusionProof::from_bytes(flipped);
          if (verify_tx_inclusion(q, txs[i], root)) {
            INFO("bit " << bit << " flipped: leaf " << q.index << " of " << q.tree_size << " verifies");
            CHECK(q.index == p.index);
            CHECK(q.path == p.path);
            CHECK(q.tree_size != p.tree_size);
          }
        } catch (const DecodeError&) {
        }
        flipped[bit / 8] ^= std::byte{static_cast<unsigned char>(1U << (bit % 8))};
      }
    }
  }
  // A lying index or size never allocates: a tree of 2^64 - 1 with a short path.
  Writer w;
  w.version(1).varint(0).varint(~std::uint64_t{0});
  CHECK_THROWS_AS(InclusionProof::from_bytes(w.data()), DecodeError);
}
