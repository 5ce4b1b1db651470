// The in-memory Store and the small helpers of store.hpp.
#include "privfin/ledger/store.hpp"

#include <string>

#include "privfin/core/error.hpp"

namespace privfin::ledger {

std::string_view column_name(Column c) noexcept {
  switch (c) {
    case Column::meta: return "meta";
    case Column::blocks: return "blocks";
    case Column::block_hash: return "block_hash";
    case Column::certs: return "certs";
    case Column::results: return "results";
    case Column::state_nodes: return "state_nodes";
    case Column::state_latest: return "state_latest";
    case Column::state_stale: return "state_stale";
    case Column::tx_index: return "tx_index";
    case Column::safety: return "safety";
    case Column::wal: return "wal";
    case Column::validators: return "validators";
    case Column::snapshots: return "snapshots";
    case Column::evidence: return "evidence";
  }
  return "unknown";
}

std::array<std::byte, 8> height_key(std::uint64_t height) noexcept {
  std::array<std::byte, 8> k{};
  for (std::size_t i = 0; i < 8; ++i) k[i] = static_cast<std::byte>((height >> (56 - 8 * i)) & 0xFFU);
  return k;
}

std::uint64_t height_from_key(ByteView key) {
  if (key.size() != 8) throw DecodeError("height key: " + std::to_string(key.size()) + " bytes, not 8");
  std::uint64_t h = 0;
  for (const auto b : key) h = (h << 8U) | std::to_integer<std::uint64_t>(b);
  return h;
}

std::optional<Bytes> MemoryStore::get(Column c, ByteView key) const {
  const auto& col = columns_[static_cast<std::size_t>(c)];
  const auto it = col.find(key);
  if (it == col.end()) return std::nullopt;
  return it->second;
}

void Store::ingest(Column c, std::span<const KeyValueView> entries) {
  for (std::size_t i = 1; i < entries.size(); ++i) {
    if (!BytesLess{}(entries[i - 1].key, entries[i].key)) {
      throw InvalidArgument("store: ingest into " + std::string(column_name(c)) +
                            " needs keys in strictly ascending order; entry " + std::to_string(i) + " is not");
    }
  }
  if (!entries.empty()) ingest_sorted(c, entries);
}

void Store::ingest_sorted(Column c, std::span<const KeyValueView> entries) {
  WriteBatch b;
  for (const auto& e : entries) b.put(c, e.key, e.value);
  write(b, true);
}

void MemoryStore::write(const WriteBatch& batch, bool /*sync*/) {
  for (const auto& op : batch.ops()) {
    auto& col = columns_[static_cast<std::size_t>(op.column)];
    if (op.erase) {
      const auto it = col.find(ByteView(op.key));
      if (it != col.end()) col.erase(it);
    } else {
      col.insert_or_assign(op.key, op.value);
    }
  }
}

void MemoryStore::scan(Column c, ByteView begin, ByteView end, const Visitor& visit) const {
  const auto& col = columns_[static_cast<std::size_t>(c)];
  const BytesLess less;
  for (auto it = col.lower_bound(begin); it != col.end(); ++it) {
    if (!end.empty() && !less(it->first, end)) break;
    if (!visit(it->first, it->second)) break;
  }
}

}  // namespace privfin::ledger
