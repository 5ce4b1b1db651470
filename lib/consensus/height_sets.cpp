#include "privfin/consensus/height_sets.hpp"

#include <utility>

#include "privfin/core/error.hpp"

namespace privfin::consensus {

HeightSets::HeightSets(std::string engine, ValidatorSet genesis, bool changes_allowed)
    : engine_(std::move(engine)), genesis_(std::move(genesis)), changes_allowed_(changes_allowed) {}

void HeightSets::check(const ValidatorsDecided& v) const {
  check_set_for_height(engine_, v.height, v.set, genesis_, changes_allowed_);
}

void HeightSets::start(Height first, std::span<const ValidatorsDecided> sets) {
  for (const auto& v : sets) {
    check(v);
    if (v.height >= first) sets_[v.height] = v.set;
  }
  if (changes_allowed_ && !sets_.contains(first)) {
    throw InvalidArgument(engine_ + ": Start lacks the validator set of height " + std::to_string(first));
  }
}

bool HeightSets::learn(const ValidatorsDecided& v, Height current, bool waiting) {
  check(v);
  if (!changes_allowed_) return false;  // the same set again
  if (v.height < current || (v.height == current && !waiting)) return false;
  sets_[v.height] = v.set;
  return waiting && v.height == current;
}

const ValidatorSet* HeightSets::take(Height h) {
  sets_.erase(sets_.begin(), sets_.lower_bound(h));
  const auto it = sets_.find(h);
  return it == sets_.end() ? nullptr : &it->second;
}

void HeightSets::write(Writer& w) const {
  w.varint(sets_.size());
  for (const auto& [h, set] : sets_) detail::write_hash(w.u64(h), set.hash());
}

}  // namespace privfin::consensus
