// Feeds SafetyStore::load (ledger/safety_store.hpp) what a damaged or
// hostile data directory may hold: any bytes as the stored record and, when
// they decode, any bytes as the separately kept bodies of its locked and
// valid blocks (under the keys load() looks up), so that the found, the
// missing and the mismatching body all run. Input: [u8 which bodies]
// [u16 length][record bytes][body bytes]. Oracles: load() ends in a record
// or StoreCorruption (never another exception or a crash); a loaded
// record's blocks match their headers; a record whose blocks match is
// saved and loaded back unchanged.
#include <cstdint>
#include <optional>
#include <string_view>

#include "privfin/ledger/error.hpp"
#include "privfin/ledger/safety_store.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
using namespace privfin::ledger;

namespace {

bool blocks_match(const consensus::SafetyRecord& r) {
  for (const auto* block : {&r.locked, &r.valid}) {
    if (*block && !(*block)->body_matches()) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const auto which = in.u8();
  const ByteView record_bytes = in.piece(true);
  const ByteView body = in.rest();
  MemoryStore store;
  WriteBatch batch;
  batch.put(Column::safety, as_bytes(std::string_view("record")), record_bytes);
  std::optional<consensus::SafetyRecord> decoded;
  try {
    decoded = consensus::SafetyRecord::from_bytes(record_bytes);
    const auto keep_apart = [&](const std::optional<consensus::Block>& block) {
      if (block) batch.put(Column::safety, SafetyStore::body_key(decoded->height, block->hash()), body);
    };
    if ((which & 1) != 0) keep_apart(decoded->locked);
    if ((which & 2) != 0) keep_apart(decoded->valid);
  } catch (const DecodeError&) {
  }
  store.write(batch);
  try {
    const auto loaded = SafetyStore(store).load();
    fuzz::require(loaded.has_value());
    fuzz::require(blocks_match(*loaded));
  } catch (const StoreCorruption&) {
  }
  if (decoded && blocks_match(*decoded)) {
    MemoryStore fresh;
    SafetyStore s(fresh);
    s.save(*decoded);
    fuzz::require(s.load() == decoded);
  }
  return 0;
}
