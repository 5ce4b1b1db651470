// RFC 9162 section 2.1: Merkle tree hash, audit paths and their verification.
#include "privfin/consensus/tx_merkle.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <string>

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::consensus {

namespace {

constexpr std::byte leaf_prefix{0x00};
constexpr std::byte node_prefix{0x01};

Hash32 sha256_one_shot(ByteView data) { return Hash32{Sha256::hash(data)}; }

// The largest power of two strictly below n (n >= 2).
std::size_t split_point(std::size_t n) { return std::bit_floor(n - 1); }

Hash32 root_of(std::span<const Hash32> leaves) {
  if (leaves.size() == 1) return leaves[0];
  const std::size_t k = split_point(leaves.size());
  return tx_node_hash(root_of(leaves.first(k)), root_of(leaves.subspan(k)));
}

void path_of(std::span<const Hash32> leaves, std::size_t m, std::vector<Hash32>& out) {
  if (leaves.size() <= 1) return;
  const std::size_t k = split_point(leaves.size());
  if (m < k) {
    path_of(leaves.first(k), m, out);
    out.push_back(root_of(leaves.subspan(k)));
  } else {
    path_of(leaves.subspan(k), m - k, out);
    out.push_back(root_of(leaves.first(k)));
  }
}

std::vector<Hash32> leaf_hashes_of(std::span<const Bytes> txs) {
  std::vector<Hash32> out;
  out.reserve(txs.size());
  for (const auto& tx : txs) out.push_back(tx_leaf_hash(tx));
  return out;
}

}  // namespace

Hash32 tx_leaf_hash(ByteView tx) {
  Sha256 h;
  h.update(ByteView(&leaf_prefix, 1));
  h.update(tx);
  return Hash32{h.finish()};
}

Hash32 tx_node_hash(const Hash32& left, const Hash32& right) {
  std::array<std::byte, 65> in{};
  in[0] = node_prefix;
  std::copy(left.v.begin(), left.v.end(), in.begin() + 1);
  std::copy(right.v.begin(), right.v.end(), in.begin() + 33);
  return sha256_one_shot(in);
}

Hash32 tx_empty_root() { return sha256_one_shot({}); }

Hash32 tx_merkle_root_of_leaves(std::span<const Hash32> leaf_hashes) {
  return leaf_hashes.empty() ? tx_empty_root() : root_of(leaf_hashes);
}

Hash32 tx_merkle_root(std::span<const Bytes> txs) { return tx_merkle_root_of_leaves(leaf_hashes_of(txs)); }

std::size_t tx_inclusion_path_length(std::uint64_t index, std::uint64_t tree_size) {
  if (index >= tree_size) {
    throw InvalidArgument("tx inclusion proof: index " + std::to_string(index) + " is outside a tree of " +
                          std::to_string(tree_size));
  }
  // The steps of RFC 9162 2.1.3.2's loop: one per level where the node has
  // a sibling (the right border of an unbalanced tree has none).
  std::uint64_t fn = index;
  std::uint64_t sn = tree_size - 1;
  std::size_t length = 0;
  while (sn != 0) {
    if ((fn & 1U) != 0 || fn == sn) {
      ++length;
      if ((fn & 1U) == 0) {
        while ((fn & 1U) == 0 && fn != 0) {
          fn >>= 1U;
          sn >>= 1U;
        }
      }
    } else {
      ++length;
    }
    fn >>= 1U;
    sn >>= 1U;
  }
  return length;
}

InclusionProof tx_inclusion_proof_of_leaves(std::span<const Hash32> leaf_hashes, std::uint64_t index) {
  if (index >= leaf_hashes.size()) {
    throw InvalidArgument("tx inclusion proof: index " + std::to_string(index) + " is outside a block of " +
                          std::to_string(leaf_hashes.size()) + " transactions");
  }
  InclusionProof proof{index, leaf_hashes.size(), {}};
  path_of(leaf_hashes, static_cast<std::size_t>(index), proof.path);
  return proof;
}

InclusionProof tx_inclusion_proof(std::span<const Bytes> txs, std::uint64_t index) {
  return tx_inclusion_proof_of_leaves(leaf_hashes_of(txs), index);
}

bool verify_tx_inclusion_of_leaf(const InclusionProof& proof, const Hash32& leaf_hash, const Hash32& root) noexcept {
  try {
    if (proof.index >= proof.tree_size) return false;
    std::uint64_t fn = proof.index;
    std::uint64_t sn = proof.tree_size - 1;
    Hash32 r = leaf_hash;
    for (const auto& p : proof.path) {
      if (sn == 0) return false;
      if ((fn & 1U) != 0 || fn == sn) {
        r = tx_node_hash(p, r);
        while ((fn & 1U) == 0 && fn != 0) {
          fn >>= 1U;
          sn >>= 1U;
        }
      } else {
        r = tx_node_hash(r, p);
      }
      fn >>= 1U;
      sn >>= 1U;
    }
    return sn == 0 && r == root;
  } catch (...) {  // only an allocation failure inside the hash could throw
    return false;
  }
}

bool verify_tx_inclusion(const InclusionProof& proof, ByteView tx, const Hash32& root) noexcept {
  try {
    return verify_tx_inclusion_of_leaf(proof, tx_leaf_hash(tx), root);
  } catch (...) {
    return false;
  }
}

Bytes InclusionProof::to_bytes() const {
  if (path.size() != tx_inclusion_path_length(index, tree_size)) {
    throw InvalidArgument("tx inclusion proof: a path of " + std::to_string(path.size()) + " hashes for leaf " +
                          std::to_string(index) + " of " + std::to_string(tree_size));
  }
  Writer w;
  w.version(format_version).varint(index).varint(tree_size);
  for (const auto& h : path) w.raw(h.v);
  return std::move(w).take();
}

InclusionProof InclusionProof::from_bytes(ByteView bytes) {
  Reader r(bytes);
  r.expect_version(format_version, "tx inclusion proof");
  InclusionProof p;
  p.index = r.varint("tx inclusion proof index");
  p.tree_size = r.varint("tx inclusion proof tree size");
  if (p.index >= p.tree_size) {
    throw DecodeError("tx inclusion proof: index " + std::to_string(p.index) + " is outside a tree of " +
                      std::to_string(p.tree_size));
  }
  const std::size_t length = tx_inclusion_path_length(p.index, p.tree_size);  // at most 64
  if (r.remaining() != 32 * length) {
    throw DecodeError("tx inclusion proof: leaf " + std::to_string(p.index) + " of " + std::to_string(p.tree_size) +
                      " needs a path of " + std::to_string(length) + " hashes (" + std::to_string(32 * length) +
                      " bytes), " + std::to_string(r.remaining()) + " bytes remain");
  }
  p.path.reserve(length);
  for (std::size_t i = 0; i < length; ++i) {
    Hash32 h;
    const auto raw = r.raw(32, "tx inclusion proof path");
    std::copy(raw.begin(), raw.end(), h.v.begin());
    p.path.push_back(h);
  }
  r.expect_end("tx inclusion proof");
  return p;
}

}  // namespace privfin::consensus
