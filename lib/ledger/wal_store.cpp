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

WalStore::WalStore(Store& store) : store_(&store) {
  store_->scan(Column::wal, {}, {}, [&](ByteView key, ByteView value) {
    if (key.size() == 8) {
      const std::uint64_t seq = height_from_key(key);
      keys_.push_back(seq);
      next_ = seq + 1;
      if (value.size() >= sender_size) {
        Reader r(value);
        const auto from = static_cast<consensus::NodeId>(r.u32("sender"));
        logged_.insert(digest_of(from, value.subspan(sender_size)));
      }
    }
    return true;
  });
}

bool WalStore::append(consensus::NodeId from, ByteView payload) {
  if (keys_.size() >= max_entries) return false;
  if (!logged_.insert(digest_of(from, payload)).second) return false;
  Writer w;
  w.u32(from).raw(payload);
  WriteBatch b;
  b.put(Column::wal, height_key(next_), w.data());
  store_->write(b, false);
  keys_.push_back(next_++);
  return true;
}

std::vector<std::pair<consensus::NodeId, Bytes>> WalStore::entries() {
  std::vector<std::pair<consensus::NodeId, Bytes>> out;
  skipped_ = 0;
  store_->scan(Column::wal, {}, {}, [&](ByteView key, ByteView value) {
    if (key.size() != 8 || value.size() <= sender_size) {
      ++skipped_;
      return true;
    }
    Reader r(value);
    const auto from = static_cast<consensus::NodeId>(r.u32("sender"));
    const ByteView payload = value.subspan(sender_size);
    out.emplace_back(from, Bytes(payload.begin(), payload.end()));
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
