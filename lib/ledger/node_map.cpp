// The open-addressing map of node_map.hpp.
#include "privfin/ledger/node_map.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

#include "privfin/core/hash.hpp"

namespace privfin::ledger {

namespace {
std::uint64_t load64(const std::byte* p) noexcept {
  std::uint64_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}
}  // namespace

std::uint64_t NodeMap::tag_of(const NodeKey& key) noexcept {
  // Version (bytes 0-7), then depth and path: bytes 8-41 as four words and
  // the last two bytes. Shallow nodes differ in depth and version only;
  // deep ones in their path.
  std::uint64_t h = mix64(load64(key.data()));
  for (std::size_t at = 8; at + 8 <= node_key_size; at += 8) h = mix64(h ^ load64(key.data() + at));
  const std::uint64_t tail = std::to_integer<std::uint64_t>(key[node_key_size - 2]) << 8U |
                             std::to_integer<std::uint64_t>(key[node_key_size - 1]);
  return mix64(h ^ tail) | 1U;
}

const Bytes* NodeMap::find(const NodeKey& key) const noexcept {
  if (size_ == 0) return nullptr;
  const std::uint64_t tag = tag_of(key);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = home(tag);; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.tag == 0) return nullptr;  // the probe run ends: absent
    if (s.tag == tag && s.key == key) return &s.value;
  }
}

void NodeMap::insert_or_assign(const NodeKey& key, Bytes value) {
  // At most 3/4 full: linear probing's runs stay short (about 2.5 probes
  // for a miss at that load).
  if ((size_ + 1) * 4 > slots_.size() * 3) grow_to(std::max<std::size_t>(16, slots_.size() * 2));
  const std::uint64_t tag = tag_of(key);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = home(tag);; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.tag == 0) {
      s.tag = tag;
      s.key = key;
      s.value = std::move(value);
      ++size_;
      return;
    }
    if (s.tag == tag && s.key == key) {
      s.value = std::move(value);
      return;
    }
  }
}

std::size_t NodeMap::erase(const NodeKey& key) noexcept {
  if (size_ == 0) return 0;
  const std::uint64_t tag = tag_of(key);
  const std::size_t mask = slots_.size() - 1;
  std::size_t hole = home(tag);
  for (;; hole = (hole + 1) & mask) {
    if (slots_[hole].tag == 0) return 0;
    if (slots_[hole].tag == tag && slots_[hole].key == key) break;
  }
  // Backward shift: an entry further along the run moves into the hole
  // unless its home lies cyclically in (hole, its slot], where moving it
  // would put it before its home and make it unreachable.
  for (std::size_t next = (hole + 1) & mask; slots_[next].tag != 0; next = (next + 1) & mask) {
    const std::size_t at_home = home(slots_[next].tag);
    const bool stays = hole <= next ? (hole < at_home && at_home <= next) : (hole < at_home || at_home <= next);
    if (stays) continue;
    slots_[hole] = std::move(slots_[next]);
    hole = next;
  }
  slots_[hole] = Slot{};
  --size_;
  return 1;
}

void NodeMap::reserve(std::size_t entries) {
  const std::size_t needed = std::bit_ceil(std::max<std::size_t>(16, (entries * 4 + 2) / 3));
  if (needed > slots_.size()) grow_to(needed);
}

void NodeMap::clear() noexcept {
  slots_.clear();
  slots_.shrink_to_fit();
  size_ = 0;
}

void NodeMap::grow_to(std::size_t slot_count) {
  Slots old = std::exchange(slots_, Slots(slot_count));
  const std::size_t mask = slot_count - 1;
  for (Slot& s : old) {
    if (s.tag == 0) continue;
    std::size_t i = home(s.tag);
    while (slots_[i].tag != 0) i = (i + 1) & mask;
    slots_[i] = std::move(s);
  }
}

}  // namespace privfin::ledger
