// privfin/consensus/hash32_map.hpp — a hash map (and set) keyed by 32-byte
// digests, stored flat: the node's per-transaction bookkeeping (mempool ids,
// the signature cache, admission times, committed locations).
//
//   Hash32Map<TxLocation> where;            // Hash32Set: the keys alone
//   where.insert_or_assign(id, loc);         // true when id is new
//   if (const TxLocation* l = where.find(id)) ...
//   where.erase(id);                         // true when id was there
//
// Why not std::unordered_map: a transaction touches four of these maps on
// each node, and a node-based map costs an allocation per entry and two or
// three cache misses per lookup (bucket, node, key); they were about a tenth
// of a payments node's CPU (docs/performance.md, "Flat maps for the
// per-transaction bookkeeping"). Here the entries
// live in one array, open addressing with linear probing, at most half
// full; erase shifts the entries after it back (no tombstones), so a map
// that churns stays as fast as a fresh one.
//
// The keys are digests of bytes an adversary chooses, so the slot comes from
// SaltedHash32, a random salt per map mixed into the key: nobody can aim many
// keys at one run of slots. Costs: (33 + sizeof(V)) bytes per slot, between
// two and four slots per entry; the array doubles as the map grows and does
// not shrink (users bound the size: mempool limit, cache capacity). Pointers
// from find() are valid until the next insert or erase. Throws only
// std::bad_alloc. Not thread-safe.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include "privfin/consensus/types.hpp"
#include "privfin/core/huge_page_allocator.hpp"
#include "privfin/core/prefetch.hpp"

namespace privfin::consensus {

template <class V>
class Hash32Map {
 public:
  explicit Hash32Map(SaltedHash32 hash = SaltedHash32::salted()) : hash_(hash) {}

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] bool contains(const Hash32& key) const noexcept { return slot_of(key) != npos; }

  [[nodiscard]] V* find(const Hash32& key) noexcept {
    const std::size_t i = slot_of(key);
    return i == npos ? nullptr : &slots_[i].value;
  }
  [[nodiscard]] const V* find(const Hash32& key) const noexcept {
    const std::size_t i = slot_of(key);
    return i == npos ? nullptr : &slots_[i].value;
  }

  // Adds key -> value unless key is there (then nothing changes); true when added.
  bool try_emplace(const Hash32& key, V value = V{}) {
    reserve(size_ + 1);
    const auto [i, found] = probe(key);
    if (found) return false;
    place(i, key, std::move(value));
    return true;
  }
  // Sets key -> value; true when key was new.
  bool insert_or_assign(const Hash32& key, V value) {
    reserve(size_ + 1);
    const auto [i, found] = probe(key);
    if (found) {
      slots_[i].value = std::move(value);
      return false;
    }
    place(i, key, std::move(value));
    return true;
  }

  // Removes key; true when it was there. Each entry after it in its run
  // moves back into the hole when its home slot allows, so no lookup ever
  // has to step over a deleted slot.
  bool erase(const Hash32& key) {
    std::size_t hole = slot_of(key);
    if (hole == npos) return false;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t j = (hole + 1) & mask; slots_[j].used; j = (j + 1) & mask) {
      const std::size_t home = home_of(slots_[j].key);
      // The entry at j may move to the hole when the hole lies between its
      // home and j (cyclically): then it is still found from its home.
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        slots_[hole] = std::move(slots_[j]);
        hole = j;
      }
    }
    slots_[hole] = Slot{};
    --size_;
    return true;
  }

  // Starts loading the slot where key's lookup begins, for a caller about
  // to look up many random keys in a table larger than the caches: issued
  // a few keys ahead, the lookups find their slots loaded instead of each
  // waiting for memory in turn. A hint only: changes nothing, costs a hash.
  void prefetch(const Hash32& key) const noexcept {
    if (slots_.empty()) return;
    const auto* slot = reinterpret_cast<const char*>(&slots_[home_of(key)]);
    privfin::prefetch(slot);
    privfin::prefetch(slot + sizeof(Slot) - 1);  // a slot may straddle two lines
  }

  void clear() {
    for (auto& s : slots_) s = Slot{};
    size_ = 0;
  }

  // Room for `entries` without growing.
  void reserve(std::size_t entries) {
    if (2 * entries <= slots_.size()) return;
    std::size_t capacity = slots_.empty() ? min_slots : slots_.size();
    while (2 * entries > capacity) capacity *= 2;
    Slots old(capacity);
    old.swap(slots_);
    size_ = 0;
    for (auto& s : old) {
      if (s.used) place(probe(s.key).first, s.key, std::move(s.value));
    }
  }

 private:
  struct Slot {
    Hash32 key{};
    V value{};
    bool used = false;
  };
  static constexpr std::size_t npos = ~std::size_t{0};
  static constexpr std::size_t min_slots = 16;

  [[nodiscard]] std::size_t home_of(const Hash32& key) const noexcept { return hash_(key) & (slots_.size() - 1); }

  // The slot holding key (found) or the empty slot where it would go. The
  // array is never full (at most half), so the walk ends.
  [[nodiscard]] std::pair<std::size_t, bool> probe(const Hash32& key) const noexcept {
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = home_of(key);; i = (i + 1) & mask) {
      if (!slots_[i].used) return {i, false};
      if (slots_[i].key == key) return {i, true};
    }
  }
  [[nodiscard]] std::size_t slot_of(const Hash32& key) const noexcept {
    if (size_ == 0) return npos;
    const auto [i, found] = probe(key);
    return found ? i : npos;
  }
  void place(std::size_t i, const Hash32& key, V&& value) {
    slots_[i].key = key;
    slots_[i].value = std::move(value);
    slots_[i].used = true;
    ++size_;
  }

  // Tables of a million slots are tens of megabytes read at random: huge
  // pages spare each lookup a TLB miss (core/huge_page_allocator.hpp).
  using Slots = std::vector<Slot, HugePageAllocator<Slot>>;

  SaltedHash32 hash_;
  Slots slots_;
  std::size_t size_ = 0;
};

// The keys alone.
class Hash32Set {
 public:
  explicit Hash32Set(SaltedHash32 hash = SaltedHash32::salted()) : map_(hash) {}
  [[nodiscard]] std::size_t size() const noexcept { return map_.size(); }
  [[nodiscard]] bool empty() const noexcept { return map_.empty(); }
  [[nodiscard]] bool contains(const Hash32& key) const noexcept { return map_.contains(key); }
  // True when key was new.
  bool insert(const Hash32& key) { return map_.try_emplace(key); }
  // True when key was there.
  bool erase(const Hash32& key) { return map_.erase(key); }
  void prefetch(const Hash32& key) const noexcept { map_.prefetch(key); }
  void clear() { map_.clear(); }
  void reserve(std::size_t entries) { map_.reserve(entries); }

 private:
  struct Nothing {};
  Hash32Map<Nothing> map_;
};

}  // namespace privfin::consensus
