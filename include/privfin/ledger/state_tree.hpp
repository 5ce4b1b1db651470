// privfin/ledger/state_tree.hpp — the authenticated application state: a
// versioned binary sparse Merkle tree over SHA-256(key), with membership and
// non-membership proofs at every retained version (version = block height).
//
//   MemoryNodes nodes;                                    // or the ledger's store
//   StateTree tree(nodes);
//   TreeBatch b = tree.apply(std::nullopt, 1, changes);   // changes: key -> value or erase
//   nodes.apply(b);                                       // the ledger writes b in its height's batch
//   Hash32 app_hash = tree.root(1);                       // == b.root
//   ProvenValue pv = tree.prove(as_bytes("alice"), 1);
//   bool ok = verify_state_proof(pv.proof, as_bytes("alice"), pv.value, app_hash);
//
// The tree (docs/ledger.md, "Authenticated state"): 256 levels indexed by
// the bits of SHA-256(key), most significant first. A subtree without keys
// is empty (hash 32 zero bytes); a subtree with one key is that key's leaf,
// placed as high as it goes (leaf collapsing, as in Diem's Jellyfish tree);
// otherwise an inner node. So the root depends on the key-value set only,
// not on the order of updates, and a path is about log2(number of keys)
// long. Hashes: leaf = SHA-256(0x00 || key_hash || SHA-256(value)), inner =
// SHA-256(0x01 || left || right).
//
// Storage: nodes are immutable and keyed (version, depth, path bits); an
// inner node names the version of each child. A new version writes only
// the nodes on the changed paths plus its root, and lists the nodes it
// replaced (the stale index) so that a pruner can delete them once no
// retained version needs them.
//
// Cost: apply() reads and writes about log2(n) nodes per changed key (fewer
// where paths share a prefix); get/prove read about log2(n) nodes; a proof
// is 32 bytes per level. Throws: InvalidArgument for a version that was
// never written or is not newer than its base; StoreCorruption for a node
// that is missing or fails to decode. Verification returns false and never
// throws. A StateTree only reads its NodeSource: many threads may read one
// tree if the source allows it.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "privfin/consensus/types.hpp"
#include "privfin/core/bytes.hpp"
#include "privfin/ledger/node_map.hpp"

namespace privfin::ledger {

using consensus::Hash32;
using Version = std::uint64_t;

// Longest value a leaf holds (the decoder's bound before allocating).
inline constexpr std::size_t max_state_value = std::size_t{1} << 20;

[[nodiscard]] Hash32 state_key_hash(ByteView key);
[[nodiscard]] Hash32 state_leaf_hash(const Hash32& key_hash, ByteView value);
[[nodiscard]] Hash32 state_node_hash(const Hash32& left, const Hash32& right);
// The root of the empty state: 32 zero bytes.
[[nodiscard]] inline Hash32 empty_state_root() { return Hash32{}; }

// One write of a block: a new value, or an erase (nullopt).
struct StateChange {
  Bytes key;
  std::optional<Bytes> value;
};

// The stored key of a node (node_key_size bytes, node_map.hpp):
// BE64(version) || BE16(depth) || 32 bytes of path bits (the first `depth`
// bits of the key hashes below it, the rest zero). Big-endian so that a
// store keeps nodes sorted by version.
[[nodiscard]] Bytes state_node_key(Version version, std::uint16_t depth, const std::array<std::byte, 32>& path);
// The version a node key names (its first 8 bytes). Throws DecodeError for
// a key of another size.
[[nodiscard]] Version state_node_key_version(ByteView node_key);

// Where the tree reads nodes from: the ledger's store, or MemoryNodes.
class NodeSource {
 public:
  virtual ~NodeSource() = default;
  [[nodiscard]] virtual std::optional<Bytes> get_node(ByteView node_key) const = 0;
};

// What one new version writes: new nodes (key, encoding) and the keys of
// the nodes it replaced (stale from `version` on).
struct TreeBatch {
  Version version = 0;
  Hash32 root;
  std::vector<std::pair<Bytes, Bytes>> nodes;
  std::vector<Bytes> stale;
};

// The proof that a key has a value, or has none, under a root.
struct StateProof {
  static constexpr std::uint8_t format_version = 1;
  enum class Kind : std::uint8_t {
    present = 0,          // the key's leaf is at the end of the path
    absent_empty = 1,     // the path ends in an empty subtree
    absent_other_leaf = 2 // the path ends in the leaf of another key with the same prefix
  };
  Kind kind = Kind::absent_empty;
  // Sibling hashes from the root down: siblings[i] is the sibling of the
  // path's node at depth i + 1 (zero for an empty subtree).
  std::vector<Hash32> siblings;
  // For absent_other_leaf: the leaf found there.
  Hash32 other_key_hash;
  Hash32 other_value_hash;

  // u8 version 1, u8 kind, u16 depth (at most 256), depth x 32 bytes of
  // siblings, then for absent_other_leaf 32 + 32 bytes; nothing after.
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static StateProof from_bytes(ByteView bytes);
  friend bool operator==(const StateProof&, const StateProof&) = default;
};

// `value` is the claimed value (nullopt: the claim that the key is absent).
// True only if the proof shows exactly that claim under `root`.
[[nodiscard]] bool verify_state_proof(const StateProof& proof, ByteView key, const std::optional<Bytes>& value,
                                      const Hash32& root) noexcept;

struct ProvenValue {
  std::optional<Bytes> value;
  StateProof proof;
};

class StateTree {
 public:
  explicit StateTree(const NodeSource& nodes) noexcept : nodes_(&nodes) {}

  // The changes applied on top of version `base` (nullopt: the empty tree)
  // give version `next` (> base). Of two changes to one key the later wins;
  // erasing an absent key changes nothing. Nothing is written: the caller
  // stores the batch (atomically with the rest of its height).
  [[nodiscard]] TreeBatch apply(std::optional<Version> base, Version next, std::span<const StateChange> changes) const;

  [[nodiscard]] Hash32 root(Version version) const;
  [[nodiscard]] std::optional<Bytes> get(ByteView key, Version version) const;
  [[nodiscard]] ProvenValue prove(ByteView key, Version version) const;

 private:
  const NodeSource* nodes_;
};

// Orders byte strings, owned or viewed, lexicographically (as a store does).
struct BytesLess {
  using is_transparent = void;
  bool operator()(ByteView a, ByteView b) const noexcept {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
  }
};

// Nodes in memory: for tests, the simulator and the in-memory ledger.
class MemoryNodes final : public NodeSource {
 public:
  [[nodiscard]] std::optional<Bytes> get_node(ByteView node_key) const override;
  void apply(const TreeBatch& batch);
  // Deletes the nodes that became stale at or before `retain`: afterwards
  // every version >= retain still answers. Returns how many were deleted.
  std::size_t prune(Version retain);
  [[nodiscard]] std::size_t size() const noexcept { return nodes_.size(); }

 private:
  NodeMap nodes_;
  std::multimap<Version, NodeKey> stale_;
};

}  // namespace privfin::ledger

namespace privfin::ledger::detail {
// Decodes a stored node and encodes it again (the stored form is
// canonical): for tests and the fuzz harness. Throws DecodeError.
[[nodiscard]] Bytes canonical_state_node(ByteView encoded);
}  // namespace privfin::ledger::detail
