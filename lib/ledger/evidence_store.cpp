#include "privfin/ledger/evidence_store.hpp"

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/ledger/error.hpp"

namespace privfin::ledger {
namespace {

Bytes evidence_key(const consensus::Vote& v) {
  Bytes key;
  auto put_be = [&](std::uint64_t x, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) key.push_back(static_cast<std::byte>((x >> (8 * i)) & 0xff));
  };
  put_be(v.height, 8);
  put_be(v.voter, 4);
  put_be(v.round, 4);
  put_be(static_cast<std::uint8_t>(v.type), 1);
  return key;
}

}  // namespace

bool EvidenceStore::add(const consensus::Evidence& e) {
  if (!e.is_conflict()) throw InvalidArgument("EvidenceStore: the two votes do not conflict");
  const Bytes key = evidence_key(e.first);
  if (store_->get(Column::evidence, key)) return false;
  WriteBatch batch;
  batch.put(Column::evidence, key, e.to_bytes());
  store_->write(batch, false);
  return true;
}

std::vector<consensus::Evidence> EvidenceStore::list(consensus::Height from, std::size_t max,
                                                     const consensus::Limits& limits) const {
  std::vector<consensus::Evidence> out;
  if (max == 0) return out;
  const auto begin = height_key(from);
  store_->scan(Column::evidence, begin, {}, [&](ByteView key, ByteView value) {
    try {
      out.push_back(consensus::Evidence::from_bytes(value, limits));
    } catch (const DecodeError& e) {
      throw StoreCorruption(key.size() >= 8 ? height_from_key(key.first(8)) : 0, std::string(column_name(Column::evidence)), key, e.what());
    }
    return out.size() < max;
  });
  return out;
}

}  // namespace privfin::ledger
