#include "privfin/consensus/memory_state.hpp"

#include <string>

#include "privfin/core/error.hpp"

namespace privfin::consensus {

namespace {
Bytes copy(ByteView v) { return Bytes(v.begin(), v.end()); }
std::string key_of(ByteView v) { return std::string(reinterpret_cast<const char*>(v.data()), v.size()); }
}  // namespace

std::optional<Bytes> MemoryState::Batch::get(ByteView key) const {
  const auto it = writes_.find(key_of(key));
  if (it != writes_.end()) return it->second;
  return base_->empty() ? std::nullopt : base_->get(key, base_->latest_height());
}

void MemoryState::Batch::put(ByteView key, ByteView value) {
  if (key.size() > max_key_size) throw InvalidArgument("state key of " + std::to_string(key.size()) + " bytes");
  if (value.size() > max_value_size) throw InvalidArgument("state value of " + std::to_string(value.size()) + " bytes");
  writes_[key_of(key)] = copy(value);
}

void MemoryState::Batch::erase(ByteView key) {
  if (key.size() > max_key_size) throw InvalidArgument("state key of " + std::to_string(key.size()) + " bytes");
  writes_[key_of(key)] = std::nullopt;
}

MemoryState::Batch MemoryState::writer(Height h) const {
  const Height expected = has_genesis_ ? latest_ + 1 : 0;
  if (h != expected) {
    throw InvalidArgument("MemoryState: a batch for height " + std::to_string(h) + " where " +
                          std::to_string(expected) + " is next");
  }
  return Batch(*this, h);
}

void MemoryState::commit(Batch&& batch) {
  if (batch.base_ != this) throw InvalidArgument("MemoryState: a batch of another store");
  const Height expected = has_genesis_ ? latest_ + 1 : 0;
  if (batch.height_ != expected) {
    throw InvalidArgument("MemoryState: commit of height " + std::to_string(batch.height_) + " where " +
                          std::to_string(expected) + " is next");
  }
  for (auto& [key, value] : batch.writes_) versions_[key][batch.height_] = std::move(value);
  batch.writes_.clear();
  latest_ = batch.height_;
  has_genesis_ = true;
}

std::optional<Bytes> MemoryState::get(ByteView key, Height h) const {
  if (!has_genesis_ || h > latest_) {
    throw InvalidArgument("MemoryState: height " + std::to_string(h) + " is not committed");
  }
  const auto it = versions_.find(key_of(key));
  if (it == versions_.end()) return std::nullopt;
  auto at = it->second.upper_bound(h);  // the last write at or before h
  if (at == it->second.begin()) return std::nullopt;
  return std::prev(at)->second;
}

Bytes MemoryState::prove(ByteView key, Height h) const {
  (void)get(key, h);  // the same height check
  return {};
}

}  // namespace privfin::consensus
