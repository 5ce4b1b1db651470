// privfin/ledger/node_map.hpp — a hash map from a state-tree node key to
// the node's stored bytes, laid out for lookups that miss the CPU cache.
//
//   NodeMap m;
//   m.insert_or_assign(key, encoded);      // key: NodeKey (state_tree.hpp's layout)
//   if (const Bytes* b = m.find(key)) ...  // nullptr: absent
//   m.erase(key);
//
// Why not std::unordered_map: a state of a million keys holds two to three
// million nodes, and a block's update looks up tens of thousands of them
// at random. A node-based map costs four to five cache misses per lookup
// (bucket, node, the next node to see where the bucket ends, the value's
// bytes); this one keeps the key in the slot (open addressing, linear
// probing), so a lookup costs about two (slot, value). Measured in
// docs/performance.md ("Ledger").
//
// Cost: 80 bytes per slot, at most 3/4 of the slots used (the table
// doubles beyond), plus the values. find, insert_or_assign and erase are
// O(1) expected; erase shifts the probe run back (no tombstones), so a
// map that sees many erasures stays as fast as a fresh one. Pointers from
// find() are valid until the next insertion or erasure. Throws only
// std::bad_alloc.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/core/huge_page_allocator.hpp"

namespace privfin::ledger {

// The stored key of a node: BE64(version) || BE16(depth) || 32 bytes of
// path bits (state_tree.hpp, state_node_key).
inline constexpr std::size_t node_key_size = 8 + 2 + 32;
using NodeKey = std::array<std::byte, node_key_size>;

class NodeMap {
 public:
  NodeMap() = default;
  NodeMap(const NodeMap&) = default;
  NodeMap& operator=(const NodeMap&) = default;
  // A moved-from map is empty.
  NodeMap(NodeMap&& other) noexcept : slots_(std::move(other.slots_)), size_(std::exchange(other.size_, 0)) {}
  NodeMap& operator=(NodeMap&& other) noexcept {
    slots_ = std::move(other.slots_);
    other.slots_.clear();
    size_ = std::exchange(other.size_, 0);
    return *this;
  }
  ~NodeMap() = default;

  [[nodiscard]] const Bytes* find(const NodeKey& key) const noexcept;
  void insert_or_assign(const NodeKey& key, Bytes value);
  // How many entries were removed (0 or 1).
  std::size_t erase(const NodeKey& key) noexcept;
  // Makes room for `entries` without growing again.
  void reserve(std::size_t entries);
  void clear() noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  struct Slot {
    std::uint64_t tag = 0;  // the key's hash with the low bit set; 0: empty
    NodeKey key{};
    Bytes value;
  };
  [[nodiscard]] static std::uint64_t tag_of(const NodeKey& key) noexcept;
  [[nodiscard]] std::size_t home(std::uint64_t tag) const noexcept { return (tag >> 1) & (slots_.size() - 1); }
  void grow_to(std::size_t slot_count);

  // Huge pages (core/huge_page_allocator.hpp): the node cache is tens of
  // megabytes read at random.
  using Slots = std::vector<Slot, HugePageAllocator<Slot>>;
  Slots slots_;  // a power of two in size, or empty
  std::size_t size_ = 0;
};

}  // namespace privfin::ledger
