#include "privfin/ledger/safety_store.hpp"

#include <string_view>

#include "privfin/ledger/error.hpp"

namespace privfin::ledger {
namespace {

ByteView record_key() { return as_bytes(std::string_view("record")); }

}  // namespace

std::optional<consensus::SafetyRecord> SafetyStore::load(const consensus::Limits& limits) const {
  const auto bytes = store_->get(Column::safety, record_key());
  if (!bytes) return std::nullopt;
  try {
    return consensus::SafetyRecord::from_bytes(*bytes, limits);
  } catch (const DecodeError& e) {
    // The height is unknown when the record does not decode: 0 stands for it.
    throw StoreCorruption(0, std::string(column_name(Column::safety)), record_key(), e.what());
  }
}

void SafetyStore::save(const consensus::SafetyRecord& record) {
  WriteBatch batch;
  batch.put(Column::safety, record_key(), record.to_bytes());
  store_->write(batch, true);
}

}  // namespace privfin::ledger
