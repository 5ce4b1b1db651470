// privfin/consensus/tx_merkle.hpp — the transaction Merkle tree of a block, as
// RFC 9162 (Certificate Transparency 2.0, section 2.1) defines it, with
// inclusion proofs and their wire form.
//
//   std::vector<Bytes> txs = ...;
//   Hash32 root = tx_merkle_root(txs);                  // what a header commits to
//   InclusionProof p = tx_inclusion_proof(txs, 3);       // for txs[3]
//   Bytes wire = p.to_bytes();
//   bool ok = verify_tx_inclusion(InclusionProof::from_bytes(wire), txs[3], root);
//
// Hashes (RFC 9162 2.1.1): the empty tree is SHA-256(""); a leaf is
// SHA-256(0x00 || tx); an inner node SHA-256(0x01 || left || right), where
// a list of n > 1 leaves splits after the largest power of two below n. The
// 0x00/0x01 prefixes keep a leaf from passing for an inner node (the second
// preimage attack on Bitcoin-style trees).
//
// Cost: the root is n leaf hashes and n - 1 node hashes; a proof for one
// leaf of n costs the same (it is computed from the leaf list), a proof
// holds ceil(log2 n) hashes and verifying it costs as many hashes plus one.
// Throws: InvalidArgument for an index outside the tree; DecodeError from
// from_bytes for any malformed proof. Verification returns false, never
// throws. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "privfin/consensus/types.hpp"
#include "privfin/core/bytes.hpp"

namespace privfin::consensus {

// RFC 9162 2.1.1 hashes.
[[nodiscard]] Hash32 tx_leaf_hash(ByteView tx);
[[nodiscard]] Hash32 tx_node_hash(const Hash32& left, const Hash32& right);
// SHA-256 of the empty string: the root of a block without transactions.
[[nodiscard]] Hash32 tx_empty_root();

// The root over leaf hashes (tx_leaf_hash of each transaction), in order.
[[nodiscard]] Hash32 tx_merkle_root_of_leaves(std::span<const Hash32> leaf_hashes);
[[nodiscard]] Hash32 tx_merkle_root(std::span<const Bytes> txs);

// The audit path of RFC 9162 2.1.3.1 for leaf `index` of `tree_size`:
// sibling hashes from the leaf up to the root.
struct InclusionProof {
  static constexpr std::uint8_t format_version = 1;
  std::uint64_t index = 0;
  std::uint64_t tree_size = 0;
  std::vector<Hash32> path;

  // u8 version 1, varint index, varint tree_size, then exactly the path
  // length that (index, tree_size) calls for, 32 bytes per hash. from_bytes
  // refuses index >= tree_size, a path of another length and trailing bytes.
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static InclusionProof from_bytes(ByteView bytes);
  friend bool operator==(const InclusionProof&, const InclusionProof&) = default;
};

// How many hashes the path for (index, tree_size) has (0 for a tree of one).
// Throws InvalidArgument unless index < tree_size.
[[nodiscard]] std::size_t tx_inclusion_path_length(std::uint64_t index, std::uint64_t tree_size);

// Throws InvalidArgument unless index < leaf_hashes.size().
[[nodiscard]] InclusionProof tx_inclusion_proof_of_leaves(std::span<const Hash32> leaf_hashes, std::uint64_t index);
[[nodiscard]] InclusionProof tx_inclusion_proof(std::span<const Bytes> txs, std::uint64_t index);

// RFC 9162 2.1.3.2: the path leads from this leaf hash to `root`. False for
// an index outside the tree or a path of the wrong length. What a valid
// proof shows: the leaf sits at position proof.index of the tree with this
// root. The tree size is bound only as far as the path's shape fixes it
// (leaf 150 of 300 and of 301 have the same path): take the block's
// transaction count from the block, not from the proof.
[[nodiscard]] bool verify_tx_inclusion_of_leaf(const InclusionProof& proof, const Hash32& leaf_hash,
                                               const Hash32& root) noexcept;
[[nodiscard]] bool verify_tx_inclusion(const InclusionProof& proof, ByteView tx, const Hash32& root) noexcept;

}  // namespace privfin::consensus
