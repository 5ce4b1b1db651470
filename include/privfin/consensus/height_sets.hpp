// privfin/consensus/height_sets.hpp — the validator sets an engine knows
// for its height and the heights after it, as the runtime names them
// (Start, ValidatorsDecided): the one piece both engines, Tendermint and
// Gosig, use to learn, check and adopt each height's set.
//
//   HeightSets sets("Tendermint", cfg.validators, cfg.validator_changes);
//   sets.start(first_height, start.validators);       // checks each, keeps first_height and later
//   if (sets.learn(v, height, waiting)) { ... }       // true: the set the height waited for
//   if (const ValidatorSet* s = sets.take(height)) ...  // forgets the older ones
//
// Every set is checked against the genesis set (check_set_for_height):
// the members and their keys never change, only their weights, and only
// when changes are allowed; a set breaking that throws
// InvalidValidatorUpdate naming the engine and the height. Costs: a map
// entry per known height (the runtime names at most two ahead). Value
// type; not thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>

#include "privfin/consensus/engine.hpp"
#include "privfin/consensus/types.hpp"
#include "privfin/core/codec.hpp"

namespace privfin::consensus {

class HeightSets {
 public:
  HeightSets(std::string engine, ValidatorSet genesis, bool changes_allowed);

  // The sets of a Start: each checked, those of `first` and later kept.
  // With changes allowed, throws InvalidArgument when `first`'s is missing.
  void start(Height first, std::span<const ValidatorsDecided> sets);
  // A set the runtime decided, at an engine working on `current` (and
  // `waiting` for its set, or not): checked; without changes allowed
  // nothing more. A set of an earlier height, or of `current` once begun,
  // is ignored: a height keeps the set it began with. True when this is
  // the set `current` was waiting for.
  [[nodiscard]] bool learn(const ValidatorsDecided& v, Height current, bool waiting);
  // Forgets the sets below h; h's set, or nullptr when it is not known.
  [[nodiscard]] const ValidatorSet* take(Height h);
  [[nodiscard]] bool knows(Height h) const { return sets_.contains(h); }
  [[nodiscard]] std::size_t size() const noexcept { return sets_.size(); }
  // For an engine's state digest: the count, then each height and its
  // set's hash, in height order.
  void write(Writer& w) const;

 private:
  void check(const ValidatorsDecided& v) const;
  std::string engine_;
  ValidatorSet genesis_;
  bool changes_allowed_;
  std::map<Height, ValidatorSet> sets_;
};

}  // namespace privfin::consensus
