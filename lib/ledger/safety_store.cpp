#include "privfin/ledger/safety_store.hpp"

#include <algorithm>
#include <string_view>

#include "privfin/core/codec.hpp"
#include "privfin/ledger/error.hpp"

namespace privfin::ledger {
namespace {

ByteView record_key() { return as_bytes(std::string_view("record")); }

constexpr std::string_view body_prefix = "body";
constexpr std::size_t body_key_size = body_prefix.size() + 8 + 32;

bool is_body_key(ByteView key) {
  return key.size() == body_key_size && std::ranges::equal(key.first(body_prefix.size()), as_bytes(body_prefix));
}

consensus::Height body_key_height(ByteView key) {
  Reader r(key.subspan(body_prefix.size(), 8));
  return r.u64("body key height");
}

}  // namespace

// body || BE64 height || block hash: in height order, so the bodies of
// earlier heights are one range.
Bytes SafetyStore::body_key(consensus::Height height, const consensus::Hash32& block_hash) {
  Writer w;
  w.raw(as_bytes(body_prefix)).u64(height).raw(block_hash.v);
  return std::move(w).take();
}

std::optional<consensus::SafetyRecord> SafetyStore::load(const consensus::Limits& limits) const {
  const auto bytes = store_->get(Column::safety, record_key());
  if (!bytes) return std::nullopt;
  consensus::SafetyRecord record;
  try {
    record = consensus::SafetyRecord::from_bytes(*bytes, limits);
  } catch (const DecodeError& e) {
    // The height is unknown when the record does not decode: 0 stands for it.
    throw StoreCorruption(0, std::string(column_name(Column::safety)), record_key(), e.what());
  }
  // A block whose body does not match its header had its body kept apart
  // (a record written before bodies were kept apart holds them inline).
  for (auto* block : {&record.locked, &record.valid}) {
    if (!*block || (*block)->body_matches()) continue;
    const Bytes key = body_key(record.height, (*block)->hash());
    auto body = store_->get(Column::safety, key);
    if (!body) {
      throw StoreCorruption(record.height, std::string(column_name(Column::safety)), key,
                            "the body of the record's block is missing");
    }
    (*block)->body = std::move(*body);
    if (!(*block)->body_matches()) {
      throw StoreCorruption(record.height, std::string(column_name(Column::safety)), key,
                            "a block body that does not match its header");
    }
  }
  return record;
}

void SafetyStore::save(const consensus::SafetyRecord& record) {
  if (!bodies_) {
    // The first save learns which bodies the store holds (a run that
    // stopped may have left some); later ones keep the list themselves.
    bodies_.emplace();
    store_->scan(Column::safety, {}, {}, [&](ByteView key, ByteView) {
      if (is_body_key(key)) bodies_->emplace_back(key.begin(), key.end());
      return true;
    });
  }
  // Changed only once the batch is durable: a failed write must not leave
  // a body marked written that the next record would then leave out.
  std::vector<Bytes> bodies = *bodies_;
  WriteBatch batch;
  std::erase_if(bodies, [&](const Bytes& key) {
    if (body_key_height(key) >= record.height) return false;
    batch.erase(Column::safety, key);
    return true;
  });
  for (const auto* block : {&record.locked, &record.valid}) {
    if (!*block || (*block)->body.empty()) continue;
    Bytes key = body_key(record.height, (*block)->hash());
    if (std::find(bodies.begin(), bodies.end(), key) != bodies.end()) continue;
    batch.put(Column::safety, key, (*block)->body);
    bodies.push_back(std::move(key));
  }
  batch.put(Column::safety, record_key(), record.to_bytes(false));
  store_->write(batch, true);
  *bodies_ = std::move(bodies);
}

}  // namespace privfin::ledger
