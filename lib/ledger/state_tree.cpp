// The versioned binary sparse Merkle tree of state_tree.hpp. The layout
// follows Diem's Jellyfish Merkle tree (immutable nodes keyed by version and
// path, children named by version, a stale-node index for pruning, leaves
// collapsed to the top of their subtree) with a radix of 2 instead of 16:
// see docs/ledger.md for why.
#include "privfin/ledger/state_tree.hpp"

#include <openssl/sha.h>

#include <algorithm>
#include <string>
#include <variant>

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"
#include "privfin/ledger/error.hpp"
#include "sha256.hpp"

namespace privfin::ledger {

namespace {
void write_node_key(std::span<std::byte, node_key_size> key, Version version, std::uint16_t depth,
                    const std::array<std::byte, 32>& path) {
  for (std::size_t i = 0; i < 8; ++i) key[i] = static_cast<std::byte>((version >> (56 - 8 * i)) & 0xFFU);
  key[8] = static_cast<std::byte>(depth >> 8);
  key[9] = static_cast<std::byte>(depth & 0xFFU);
  std::copy(path.begin(), path.end(), key.begin() + 10);
}
}  // namespace

namespace {

using PathBits = std::array<std::byte, 32>;
constexpr std::uint16_t max_depth = 256;

enum class Kind : std::uint8_t { empty = 0, leaf = 1, inner = 2 };

struct Ref {
  Kind kind = Kind::empty;
  Version version = 0;
  Hash32 hash;
};
struct Leaf {
  Hash32 key_hash;
  Bytes value;
};
struct Inner {
  Ref left;
  Ref right;
};
using Node = std::variant<std::monostate, Leaf, Inner>;

constexpr std::uint8_t node_format_version = 1;

bool bit_of(const std::array<std::byte, 32>& h, std::size_t i) {
  return ((std::to_integer<unsigned>(h[i / 8]) >> (7 - i % 8)) & 1U) != 0;
}
PathBits child_path(const PathBits& p, std::uint16_t depth, bool right) {
  PathBits c = p;
  if (right) c[depth / 8] |= std::byte{static_cast<unsigned char>(0x80U >> (depth % 8))};
  return c;
}
// Whether a and b agree on their first `depth` bits.
bool same_prefix(const Hash32& a, const Hash32& b, std::size_t depth) {
  for (std::size_t i = 0; i < depth; ++i) {
    if (bit_of(a.v, i) != bit_of(b.v, i)) return false;
  }
  return true;
}

Hash32 hash_of(const Leaf& l) { return state_leaf_hash(l.key_hash, l.value); }
Hash32 hash_of(const Inner& n) { return state_node_hash(n.left.hash, n.right.hash); }

Ref read_ref(Reader& r) {
  Ref ref;
  const auto kind = r.u8("state node child kind");
  if (kind > 2) throw DecodeError("state node: child kind " + std::to_string(kind) + " is not empty, leaf or inner");
  ref.kind = static_cast<Kind>(kind);
  if (ref.kind != Kind::empty) {
    ref.version = r.u64("state node child version");
    const auto h = r.raw(32, "state node child hash");
    std::copy(h.begin(), h.end(), ref.hash.v.begin());
    if (ref.hash == Hash32{}) throw DecodeError("state node: a non-empty child with the empty hash");
  }
  return ref;
}

// Written byte by byte into a buffer of the exact size: the tree encodes
// tens of thousands of nodes per block, and a growing Writer reallocates
// several times per node. Same bytes as the codec would write.
void put_ref(std::byte*& at, const Ref& r) {
  *at++ = static_cast<std::byte>(r.kind);
  if (r.kind == Kind::empty) return;
  for (std::size_t i = 0; i < 8; ++i) *at++ = static_cast<std::byte>((r.version >> (8 * i)) & 0xFFU);
  at = std::copy(r.hash.v.begin(), r.hash.v.end(), at);
}
std::size_t ref_size(const Ref& r) { return r.kind == Kind::empty ? 1 : 1 + 8 + 32; }

Bytes encode_node(const Node& node) {
  if (const auto* l = std::get_if<Leaf>(&node)) {
    Writer w;
    w.version(node_format_version).u8(1).raw(l->key_hash.v).bytes(l->value);
    return std::move(w).take();
  }
  if (std::holds_alternative<std::monostate>(node)) return Bytes{std::byte{node_format_version}, std::byte{0}};
  const auto& n = std::get<Inner>(node);
  Bytes out(2 + ref_size(n.left) + ref_size(n.right));
  std::byte* at = out.data();
  *at++ = std::byte{node_format_version};
  *at++ = std::byte{2};
  put_ref(at, n.left);
  put_ref(at, n.right);
  return out;
}

// Only canonical trees are stored: an inner node has two children, or one
// child that is itself an inner node (a lone leaf moves up instead).
Node decode_node(ByteView bytes) {
  Reader r(bytes);
  r.expect_version(node_format_version, "state node");
  const auto kind = r.u8("state node kind");
  Node out;
  switch (kind) {
    case 0: break;
    case 1: {
      Leaf l;
      const auto h = r.raw(32, "state leaf key hash");
      std::copy(h.begin(), h.end(), l.key_hash.v.begin());
      const auto v = r.bytes("state leaf value", max_state_value);
      l.value.assign(v.begin(), v.end());
      out = std::move(l);
      break;
    }
    case 2: {
      Inner n;
      n.left = read_ref(r);
      n.right = read_ref(r);
      const int empties = (n.left.kind == Kind::empty ? 1 : 0) + (n.right.kind == Kind::empty ? 1 : 0);
      if (empties == 2) throw DecodeError("state node: an inner node without children");
      if (empties == 1 && (n.left.kind == Kind::leaf || n.right.kind == Kind::leaf)) {
        throw DecodeError("state node: an inner node whose only child is a leaf (not collapsed)");
      }
      out = n;
      break;
    }
    default: throw DecodeError("state node: kind " + std::to_string(kind) + " is not empty, leaf or inner");
  }
  r.expect_end("state node");
  return out;
}

Hash32 hash_from(ByteView b) {
  Hash32 h;
  std::copy(b.begin(), b.end(), h.v.begin());
  return h;
}

// A change in key-hash order. value == nullptr: erase.
struct Entry {
  Hash32 key_hash;
  const Bytes* value;
};

// The result of rewriting one subtree, not yet referenced by a parent.
struct Sub {
  Kind kind = Kind::empty;
  Hash32 hash;
  std::optional<Version> stored;  // a node already stored at this position, at this version
  std::optional<Leaf> leaf;       // a leaf to be written wherever it ends up
};

class Reading {
 public:
  explicit Reading(const NodeSource& nodes) : nodes_(nodes) {}

  Node load(Version v, std::uint16_t depth, const PathBits& path) const {
    std::array<std::byte, node_key_size> key;  // on the stack: one read per node on every changed path
    write_node_key(key, v, depth, path);
    auto bytes = nodes_.get_node(key);
    if (!bytes) throw StoreCorruption(v, "state_nodes", key, "missing Merkle node at depth " + std::to_string(depth));
    try {
      return decode_node(*bytes);
    } catch (const DecodeError& e) {
      throw StoreCorruption(v, "state_nodes", key, e.what());
    }
  }

  // The root node of a version: InvalidArgument if the version has none.
  Ref root_ref(Version v) const {
    const Bytes key = state_node_key(v, 0, PathBits{});
    auto bytes = nodes_.get_node(key);
    if (!bytes) throw InvalidArgument("state tree: no version " + std::to_string(v) + " (never written, or pruned)");
    Node n;
    try {
      n = decode_node(*bytes);
    } catch (const DecodeError& e) {
      throw StoreCorruption(v, "state_nodes", key, e.what());
    }
    if (const auto* l = std::get_if<Leaf>(&n)) return {Kind::leaf, v, hash_of(*l)};
    if (const auto* i = std::get_if<Inner>(&n)) return {Kind::inner, v, hash_of(*i)};
    return {};
  }

 private:
  const NodeSource& nodes_;
};

class Updating {
 public:
  Updating(const Reading& reading, Version next, TreeBatch& out) : reading_(reading), next_(next), out_(out) {}

  Sub update(const Ref& current, std::uint16_t depth, const PathBits& path, std::span<const Entry> entries) {
    if (entries.empty()) {
      Sub s{current.kind, current.hash, std::nullopt, std::nullopt};
      if (current.kind != Kind::empty) s.stored = current.version;
      return s;
    }
    switch (current.kind) {
      case Kind::empty: {
        std::vector<Leaf> leaves;
        for (const auto& e : entries) {
          if (e.value != nullptr) leaves.push_back(Leaf{e.key_hash, *e.value});
        }
        return build(depth, path, leaves);
      }
      case Kind::leaf: {
        Node n = reading_.load(current.version, depth, path);
        stale(current.version, depth, path);
        auto* old = std::get_if<Leaf>(&n);
        if (old == nullptr) corrupt(current.version, depth, path, "a leaf reference names another kind of node");
        std::vector<Leaf> leaves;
        bool replaced = false;
        for (const auto& e : entries) {
          if (e.key_hash == old->key_hash) replaced = true;
          if (e.value != nullptr) leaves.push_back(Leaf{e.key_hash, *e.value});
        }
        if (!replaced) {
          leaves.push_back(std::move(*old));
          std::sort(leaves.begin(), leaves.end(), [](const Leaf& a, const Leaf& b) { return a.key_hash < b.key_hash; });
        }
        return build(depth, path, leaves);
      }
      case Kind::inner: {
        Node n = reading_.load(current.version, depth, path);
        stale(current.version, depth, path);
        const auto* inner = std::get_if<Inner>(&n);
        if (inner == nullptr || depth >= max_depth) {
          corrupt(current.version, depth, path, "an inner reference names another kind of node");
        }
        const auto split = split_at(entries, depth);
        const Inner children = *inner;
        Sub l = update(children.left, static_cast<std::uint16_t>(depth + 1), child_path(path, depth, false),
                       entries.first(split));
        Sub r = update(children.right, static_cast<std::uint16_t>(depth + 1), child_path(path, depth, true),
                       entries.subspan(split));
        return combine(depth, path, std::move(l), std::move(r));
      }
    }
    return {};
  }

  // The subtree at the root position becomes version next's root node.
  void write_root(Sub s) {
    const PathBits root{};
    if (s.kind == Kind::empty) {
      put(0, root, Node{});
      return;
    }
    if (s.stored && *s.stored == next_) return;  // an inner node written here already
    if (s.stored) {                              // nothing changed: copy the old root
      Node n = reading_.load(*s.stored, 0, root);
      put(0, root, n);
      return;
    }
    put(0, root, Node{std::move(*s.leaf)});
  }

  static std::size_t split_at(std::span<const Entry> entries, std::uint16_t depth) {
    const auto it = std::partition_point(entries.begin(), entries.end(),
                                         [depth](const Entry& e) { return !bit_of(e.key_hash.v, depth); });
    return static_cast<std::size_t>(it - entries.begin());
  }

 private:
  Sub build(std::uint16_t depth, const PathBits& path, std::span<Leaf> leaves) {
    if (leaves.empty()) return {};
    if (leaves.size() == 1) {
      Sub s{Kind::leaf, hash_of(leaves[0]), std::nullopt, std::move(leaves[0])};
      return s;
    }
    if (depth >= max_depth) throw InvalidArgument("state tree: two distinct keys with one key hash");
    const auto it = std::partition_point(leaves.begin(), leaves.end(),
                                         [depth](const Leaf& l) { return !bit_of(l.key_hash.v, depth); });
    const auto split = static_cast<std::size_t>(it - leaves.begin());
    Sub l = build(static_cast<std::uint16_t>(depth + 1), child_path(path, depth, false), leaves.first(split));
    Sub r = build(static_cast<std::uint16_t>(depth + 1), child_path(path, depth, true), leaves.subspan(split));
    return combine(depth, path, std::move(l), std::move(r));
  }

  Sub combine(std::uint16_t depth, const PathBits& path, Sub l, Sub r) {
    if (l.kind == Kind::empty && r.kind == Kind::empty) return {};
    // A lone leaf moves up to this position (collapsing).
    for (Sub* s : {&l, &r}) {
      Sub* other = (s == &l) ? &r : &l;
      if (other->kind == Kind::empty && s->kind == Kind::leaf) {
        if (s->stored) {  // an unchanged leaf one level down: read it, it moves
          const bool right = (s == &r);
          const auto child_depth = static_cast<std::uint16_t>(depth + 1);
          const PathBits cp = child_path(path, depth, right);
          Node n = reading_.load(*s->stored, child_depth, cp);
          stale(*s->stored, child_depth, cp);
          auto* leaf = std::get_if<Leaf>(&n);
          if (leaf == nullptr) corrupt(*s->stored, child_depth, cp, "a leaf reference names another kind of node");
          return Sub{Kind::leaf, s->hash, std::nullopt, std::move(*leaf)};
        }
        return std::move(*s);
      }
    }
    Inner n;
    n.left = place(l, static_cast<std::uint16_t>(depth + 1), child_path(path, depth, false));
    n.right = place(r, static_cast<std::uint16_t>(depth + 1), child_path(path, depth, true));
    const Hash32 h = hash_of(n);
    put(depth, path, Node{n});
    return Sub{Kind::inner, h, next_, std::nullopt};
  }

  Ref place(Sub& s, std::uint16_t depth, const PathBits& path) {
    if (s.kind == Kind::empty) return {};
    if (s.stored) return {s.kind, *s.stored, s.hash};
    put(depth, path, Node{std::move(*s.leaf)});
    return {Kind::leaf, next_, s.hash};
  }

  void put(std::uint16_t depth, const PathBits& path, const Node& n) {
    out_.nodes.emplace_back(state_node_key(next_, depth, path), encode_node(n));
  }
  void stale(Version v, std::uint16_t depth, const PathBits& path) {
    out_.stale.push_back(state_node_key(v, depth, path));
  }
  [[noreturn]] static void corrupt(Version v, std::uint16_t depth, const PathBits& path, const std::string& why) {
    throw StoreCorruption(v, "state_nodes", state_node_key(v, depth, path), why);
  }

  const Reading& reading_;
  Version next_;
  TreeBatch& out_;
};

}  // namespace

// OpenSSL's low-level SHA-256 over a contiguous buffer. The tree hashes
// tens of thousands of nodes per block, and in OpenSSL 3 both an EVP
// context per hash and the one-shot SHA256() fetch the algorithm (a global
// lock and a reference count) on every call, which cost more than the
// 65-byte hash itself. The low-level calls are deprecated in 3.0 but
// present and exact; the deprecation is silenced here only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
Hash32 sha256_one_shot(ByteView data) {
  Hash32 h;
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(reinterpret_cast<unsigned char*>(h.v.data()), &ctx);
  return h;
}
#pragma GCC diagnostic pop

Hash32 state_key_hash(ByteView key) { return sha256_one_shot(key); }

Hash32 state_leaf_hash(const Hash32& key_hash, ByteView value) {
  const Hash32 value_hash = sha256_one_shot(value);
  std::array<std::byte, 65> in{};
  in[0] = std::byte{0x00};
  std::copy(key_hash.v.begin(), key_hash.v.end(), in.begin() + 1);
  std::copy(value_hash.v.begin(), value_hash.v.end(), in.begin() + 33);
  return sha256_one_shot(in);
}

Hash32 state_node_hash(const Hash32& left, const Hash32& right) {
  std::array<std::byte, 65> in{};
  in[0] = std::byte{0x01};
  std::copy(left.v.begin(), left.v.end(), in.begin() + 1);
  std::copy(right.v.begin(), right.v.end(), in.begin() + 33);
  return sha256_one_shot(in);
}

Bytes state_node_key(Version version, std::uint16_t depth, const std::array<std::byte, 32>& path) {
  Bytes key(node_key_size);
  write_node_key(std::span<std::byte, node_key_size>(key.data(), node_key_size), version, depth, path);
  return key;
}

Version state_node_key_version(ByteView node_key) {
  if (node_key.size() != node_key_size) {
    throw DecodeError("state node key: " + std::to_string(node_key.size()) + " bytes, not " +
                      std::to_string(node_key_size));
  }
  Version v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8U) | std::to_integer<Version>(node_key[i]);
  return v;
}

TreeBatch StateTree::apply(std::optional<Version> base, Version next, std::span<const StateChange> changes) const {
  if (base && next <= *base) {
    throw InvalidArgument("state tree: version " + std::to_string(next) + " is not newer than its base " +
                          std::to_string(*base));
  }
  const Reading reading(*nodes_);
  const Ref root = base ? reading.root_ref(*base) : Ref{};
  // Key-hash order, one entry per key, the last change to a key winning.
  std::vector<Entry> entries;
  entries.reserve(changes.size());
  for (const auto& c : changes) {
    if (c.value && c.value->size() > max_state_value) {
      throw InvalidArgument("state tree: a value of " + std::to_string(c.value->size()) + " bytes (at most " +
                            std::to_string(max_state_value) + ")");
    }
    entries.push_back(Entry{state_key_hash(c.key), c.value ? &*c.value : nullptr});
  }
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.key_hash < b.key_hash; });
  std::vector<Entry> unique;
  unique.reserve(entries.size());
  for (const auto& e : entries) {
    if (!unique.empty() && unique.back().key_hash == e.key_hash) unique.back() = e;
    else unique.push_back(e);
  }
  TreeBatch out;
  out.version = next;
  // About log2(n) - log2(changes) new nodes per change, and as many stale:
  // reserving avoids moving tens of thousands of key/node pairs as the
  // vectors grow.
  out.nodes.reserve(unique.size() * 8 + 1);
  out.stale.reserve(unique.size() * 8 + 1);
  Updating up(reading, next, out);
  Sub s = up.update(root, 0, PathBits{}, unique);
  out.root = s.kind == Kind::empty ? Hash32{} : s.hash;
  up.write_root(std::move(s));
  // The base's root is replaced by next's. update() listed it already if it
  // read it (a non-empty root under changes); every other node it lists
  // once, as the recursion visits each position once.
  if (base && (root.kind == Kind::empty || unique.empty())) out.stale.push_back(state_node_key(*base, 0, PathBits{}));
  return out;
}

Hash32 StateTree::root(Version version) const { return Reading(*nodes_).root_ref(version).hash; }

ProvenValue StateTree::prove(ByteView key, Version version) const {
  const Reading reading(*nodes_);
  const Hash32 key_hash = state_key_hash(key);
  ProvenValue out;
  Ref ref = reading.root_ref(version);
  PathBits path{};
  std::uint16_t depth = 0;
  for (;;) {
    if (ref.kind == Kind::empty) {
      out.proof.kind = StateProof::Kind::absent_empty;
      return out;
    }
    Node n = reading.load(ref.version, depth, path);
    if (auto* leaf = std::get_if<Leaf>(&n)) {
      if (hash_of(*leaf) != ref.hash) {
        throw StoreCorruption(ref.version, "state_nodes", state_node_key(ref.version, depth, path),
                              "a leaf whose hash differs from its parent's reference");
      }
      if (leaf->key_hash == key_hash) {
        out.proof.kind = StateProof::Kind::present;
        out.value = std::move(leaf->value);
      } else {
        out.proof.kind = StateProof::Kind::absent_other_leaf;
        out.proof.other_key_hash = leaf->key_hash;
        out.proof.other_value_hash = sha256_one_shot(leaf->value);
      }
      return out;
    }
    const auto* inner = std::get_if<Inner>(&n);
    if (inner == nullptr || depth >= max_depth || hash_of(*inner) != ref.hash) {
      throw StoreCorruption(ref.version, "state_nodes", state_node_key(ref.version, depth, path),
                            "an inner node that does not match its parent's reference");
    }
    const bool right = bit_of(key_hash.v, depth);
    out.proof.siblings.push_back(right ? inner->left.hash : inner->right.hash);
    path = child_path(path, depth, right);
    ref = right ? inner->right : inner->left;
    ++depth;
  }
}

std::optional<Bytes> StateTree::get(ByteView key, Version version) const {
  return prove(key, version).value;
}

bool verify_state_proof(const StateProof& proof, ByteView key, const std::optional<Bytes>& value,
                        const Hash32& root) noexcept {
  try {
    const std::size_t depth = proof.siblings.size();
    if (depth > max_depth) return false;
    const Hash32 key_hash = state_key_hash(key);
    Hash32 h;
    switch (proof.kind) {
      case StateProof::Kind::present:
        if (!value) return false;
        h = state_leaf_hash(key_hash, *value);
        break;
      case StateProof::Kind::absent_empty:
        if (value) return false;
        h = Hash32{};
        break;
      case StateProof::Kind::absent_other_leaf: {
        if (value || proof.other_key_hash == key_hash || !same_prefix(proof.other_key_hash, key_hash, depth)) {
          return false;
        }
        std::array<std::byte, 65> in{};
        std::copy(proof.other_key_hash.v.begin(), proof.other_key_hash.v.end(), in.begin() + 1);
        std::copy(proof.other_value_hash.v.begin(), proof.other_value_hash.v.end(), in.begin() + 33);
        h = sha256_one_shot(in);
        break;
      }
      default: return false;
    }
    for (std::size_t i = depth; i-- > 0;) {
      const Hash32& sibling = proof.siblings[i];
      if (h == Hash32{} && sibling == Hash32{}) return false;  // no inner node has two empty children
      h = bit_of(key_hash.v, i) ? state_node_hash(sibling, h) : state_node_hash(h, sibling);
    }
    return h == root;
  } catch (...) {  // only an allocation failure inside the hash could throw
    return false;
  }
}

Bytes StateProof::to_bytes() const {
  if (siblings.size() > max_depth) {
    throw InvalidArgument("state proof: " + std::to_string(siblings.size()) + " levels (at most 256)");
  }
  Writer w;
  w.version(format_version).u8(static_cast<std::uint8_t>(kind)).u16(static_cast<std::uint16_t>(siblings.size()));
  for (const auto& s : siblings) w.raw(s.v);
  if (kind == Kind::absent_other_leaf) w.raw(other_key_hash.v).raw(other_value_hash.v);
  return std::move(w).take();
}

StateProof StateProof::from_bytes(ByteView bytes) {
  Reader r(bytes);
  r.expect_version(format_version, "state proof");
  StateProof p;
  const auto kind = r.u8("state proof kind");
  if (kind > 2) throw DecodeError("state proof: kind " + std::to_string(kind) + " is not present, absent or other");
  p.kind = static_cast<Kind>(kind);
  const auto depth = r.u16("state proof depth");
  if (depth > max_depth) throw DecodeError("state proof: depth " + std::to_string(depth) + " (at most 256)");
  const std::size_t tail = p.kind == Kind::absent_other_leaf ? 64 : 0;
  if (r.remaining() != std::size_t{32} * depth + tail) {
    throw DecodeError("state proof: " + std::to_string(depth) + " levels need " +
                      std::to_string(std::size_t{32} * depth + tail) + " more bytes, " +
                      std::to_string(r.remaining()) + " remain");
  }
  p.siblings.reserve(depth);
  for (std::size_t i = 0; i < depth; ++i) p.siblings.push_back(hash_from(r.raw(32, "state proof sibling")));
  if (p.kind == Kind::absent_other_leaf) {
    p.other_key_hash = hash_from(r.raw(32, "state proof other key hash"));
    p.other_value_hash = hash_from(r.raw(32, "state proof other value hash"));
  }
  r.expect_end("state proof");
  return p;
}

namespace {
std::optional<NodeKey> node_key_of(ByteView k) {
  if (k.size() != node_key_size) return std::nullopt;
  NodeKey key;
  std::copy(k.begin(), k.end(), key.begin());
  return key;
}
}  // namespace

std::optional<Bytes> MemoryNodes::get_node(ByteView node_key) const {
  const auto key = node_key_of(node_key);
  if (!key) return std::nullopt;
  const Bytes* node = nodes_.find(*key);
  if (node == nullptr) return std::nullopt;
  return *node;
}

void MemoryNodes::apply(const TreeBatch& batch) {
  for (const auto& [k, v] : batch.nodes) {
    if (const auto key = node_key_of(k)) nodes_.insert_or_assign(*key, v);
  }
  for (const auto& k : batch.stale) {
    if (const auto key = node_key_of(k)) stale_.emplace(batch.version, *key);
  }
}

std::size_t MemoryNodes::prune(Version retain) {
  std::size_t deleted = 0;
  const auto end = stale_.upper_bound(retain);
  for (auto it = stale_.begin(); it != end; ++it) deleted += nodes_.erase(it->second);
  stale_.erase(stale_.begin(), end);
  return deleted;
}

namespace detail {
Bytes canonical_state_node(ByteView encoded) { return encode_node(decode_node(encoded)); }
}  // namespace detail

}  // namespace privfin::ledger
