#include "privfin/ledger/wal_store.hpp"

#include "privfin/core/codec.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::ledger {
namespace {

constexpr std::size_t sender_size = 4;

std::string digest_of(consensus::NodeId from, ByteView payload) {
  Sha256 h;
  Writer w;
  w.u32(from);
  h.update(w.data()).update(payload);
  const auto d = h.finish();
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

}  // namespace

Bytes wal_entry(consensus::NodeId from, ByteView payload) {
  Writer w;
  w.u32(from).raw(payload);
  return std::move(w).take();
}

std::optional<std::pair<consensus::NodeId, Bytes>> wal_entry_from(ByteView value) {
  if (value.size() <= sender_size) return std::nullopt;
  Reader r(value);
  const auto from = static_cast<consensus::NodeId>(r.u32("sender"));
  const ByteView payload = value.subspan(sender_size);
  return std::pair{from, Bytes(payload.begin(), payload.end())};
}

WalStore::WalStore(Store& store) : store_(&store) {
  store_->scan(Column::wal, {}, {}, [&](ByteView key, ByteView value) {
    if (key.size() != 8) return true;
    const std::uint64_t seq = height_from_key(key);
    keys_.push_back(seq);  // cleared with the rest, damaged or not
    next_ = seq + 1;
    if (const auto e = wal_entry_from(value)) logged_.insert(digest_of(e->first, e->second));
    return true;
  });
}

bool WalStore::append(consensus::NodeId from, ByteView payload) {
  if (keys_.size() >= max_entries) return false;
  if (!logged_.insert(digest_of(from, payload)).second) return false;
  WriteBatch b;
  b.put(Column::wal, height_key(next_), wal_entry(from, payload));
  store_->write(b, false);
  keys_.push_back(next_++);
  return true;
}

std::vector<std::pair<consensus::NodeId, Bytes>> WalStore::entries() {
  std::vector<std::pair<consensus::NodeId, Bytes>> out;
  skipped_ = 0;
  store_->scan(Column::wal, {}, {}, [&](ByteView key, ByteView value) {
    auto e = key.size() == 8 ? wal_entry_from(value) : std::nullopt;
    if (e) out.push_back(std::move(*e));
    else ++skipped_;
    return true;
  });
  return out;
}

void WalStore::clear() {
  if (keys_.empty()) return;
  WriteBatch b;
  for (const auto k : keys_) b.erase(Column::wal, height_key(k));
  store_->write(b, false);
  keys_.clear();
  logged_.clear();
}

}  // namespace privfin::ledger
