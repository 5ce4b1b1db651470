// HeightSets (consensus/height_sets.hpp): what both engines rely on when
// they learn, check and adopt each height's validator set.
#include <catch2/catch.hpp>

#include <vector>

#include "consensus_test_support.hpp"
#include "privfin/consensus/height_sets.hpp"
#include "privfin/core/error.hpp"

using namespace privfin;
using namespace privfin::consensus;
using privfin::consensus::testing::Sample;

namespace {
// The sample set with member 0's weight changed (same members and keys).
ValidatorSet reweighted(const ValidatorSet& set, std::uint64_t weight) {
  auto members = set.validators();
  members[0].weight = weight;
  return ValidatorSet(members);
}
}  // namespace

TEST_CASE("height sets: Start keeps its height and later, learning ignores begun heights, take forgets older ones - "
          "other members and unallowed changes are refused",
          "[consensus][types]") {
  const Sample s;
  const ValidatorSet& genesis = s.validators;
  const ValidatorSet heavier = reweighted(genesis, 5);
  HeightSets sets("Engine", genesis, true);
  // Start at height 3: the set of 2 is checked but not kept.
  const std::vector<ValidatorsDecided> at_start{{2, genesis}, {3, genesis}, {4, heavier}};
  sets.start(3, at_start);
  CHECK_FALSE(sets.knows(2));
  CHECK(sets.knows(3));
  CHECK(sets.size() == 2);
  HeightSets missing("Engine", genesis, true);
  CHECK_THROWS_WITH(missing.start(5, at_start), "Engine: Start lacks the validator set of height 5");
  // A set for a height already begun, or an earlier one, changes nothing.
  CHECK_FALSE(sets.learn({3, heavier}, 3, false));
  CHECK(*sets.take(3) == genesis);
  CHECK_FALSE(sets.learn({2, heavier}, 3, false));
  CHECK_FALSE(sets.knows(2));
  // A later height's set is kept; the awaited one says so.
  CHECK_FALSE(sets.learn({5, heavier}, 4, false));
  CHECK(sets.take(6) == nullptr);  // unknown, and everything below 6 forgotten
  CHECK(sets.size() == 0);
  CHECK(sets.learn({6, heavier}, 6, true));
  CHECK(*sets.take(6) == heavier);
  // The digest bytes: count, then each height and its set's hash.
  Writer w;
  sets.write(w);
  Writer expected;
  expected.varint(1);
  consensus::detail::write_hash(expected.u64(6), heavier.hash());
  CHECK(w.data() == expected.data());
  // Other members: refused, naming the engine and the height.
  auto others = genesis.validators();
  others[1].bls_key[0] ^= std::byte{1};
  CHECK_THROWS_AS(sets.learn({7, ValidatorSet(others)}, 6, false), InvalidValidatorUpdate);
  // Without changes allowed: the same set is accepted and not kept, another weight refused.
  HeightSets fixed("Engine", genesis, false);
  fixed.start(1, std::vector<ValidatorsDecided>{});
  CHECK_FALSE(fixed.learn({2, genesis}, 1, true));
  CHECK(fixed.size() == 0);
  CHECK_THROWS_AS(fixed.learn({2, heavier}, 1, false), InvalidValidatorUpdate);
}
