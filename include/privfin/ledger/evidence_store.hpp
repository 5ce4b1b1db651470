// privfin/ledger/evidence_store.hpp — where a node keeps the evidence of
// equivocation it found (consensus::Evidence: two conflicting votes signed
// by one validator), so that an operator or an auditor can read, after a
// restart too, who equivocated, when, and check the two signatures.
//
//   EvidenceStore evidence(store);                   // the ledger's store
//   if (evidence.add(e)) report(e);                  // false: already kept
//   for (const auto& e : evidence.list(1, 100)) ...  // by height, then voter
//
// Key (column family `evidence`): BE64 height | BE32 voter | BE32 round |
// u8 vote type, so one entry per validator and (height, round, type): a
// validator that signs three values keeps the first pair found. Value: the
// Evidence encoding (docs/formats.md). The store does not verify the
// signatures (consensus::verify_evidence does; the engine verified both
// votes before it reported them).
//
// Cost: one unsynced write per new piece of evidence (evidence is not
// needed for safety: losing the last one in a power cut only loses a
// report the peers also hold). list() reads at most `max` entries.
// Throws: StoreError from the store; StoreCorruption (naming the column and
// key) when stored bytes do not decode. Not thread-safe.
#pragma once

#include <cstddef>
#include <vector>

#include "privfin/consensus/types.hpp"
#include "privfin/ledger/store.hpp"

namespace privfin::ledger {

class EvidenceStore {
 public:
  explicit EvidenceStore(Store& store) noexcept : store_(&store) {}

  // Keeps `e`; false if evidence for that validator, height, round and
  // vote type is already kept. InvalidArgument unless e.is_conflict().
  bool add(const consensus::Evidence& e);
  // Evidence from height `from` on, ordered by height, voter, round, type;
  // at most `max` entries.
  [[nodiscard]] std::vector<consensus::Evidence> list(consensus::Height from, std::size_t max,
                                                      const consensus::Limits& limits = {}) const;

 private:
  Store* store_;
};

}  // namespace privfin::ledger
