// Prio3 against every draft-irtf-cfrg-vdaf-20 vector file of the draft's
// registered instantiations (Prio3Count, Prio3Sum, Prio3SumVec,
// Prio3Histogram, Prio3MultihotCountVec) in tests/vectors/vdaf-20/, message
// by message (support/prio3_vectors.hpp): shard, verify_init,
// verifier_shares_to_message (or rejection for the *_bad_* files),
// verify_next, aggregate, unshard. The circuit is chosen from the file's
// parameters, so a new file needs no code change. The draft's other variants
// have their own files: prio3_multiproof_vectors_test.cpp
// (Prio3SumVecWithMultiproof) and prio3_custom_circuit_test.cpp
// (Prio3HigherDegree).
#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "support/prio3_vectors.hpp"

using namespace privfin;
using namespace privfin::test::vdaf;

namespace {

// Picks the circuit from the parameters present in the file.
void run_file(const std::filesystem::path& path) {
  const json tv = test::load_json(path);
  const std::string variant = vector_variant(path);
  const bool has_length = tv.contains("length");
  const bool has_chunk = tv.contains("chunk_length");
  const bool has_max = tv.contains("max_measurement");
  const bool has_weight = tv.contains("max_weight");
  if (has_length && has_chunk && has_weight) {
    CHECK(variant == "Prio3MultihotCountVec");
    run_vector(tv, MultihotCountVec(tv["length"].get<std::size_t>(), tv["max_weight"].get<std::uint64_t>(),
                                    tv["chunk_length"].get<std::size_t>()));
  } else if (has_length && has_chunk && has_max) {
    CHECK(variant == "Prio3SumVec");
    run_vector(tv, SumVec(tv["length"].get<std::size_t>(), tv["max_measurement"].get<std::uint64_t>(),
                          tv["chunk_length"].get<std::size_t>()));
  } else if (has_length && has_chunk) {
    CHECK(variant == "Prio3Histogram");
    run_vector(tv, Histogram(tv["length"].get<std::size_t>(), tv["chunk_length"].get<std::size_t>()));
  } else if (has_max) {
    CHECK(variant == "Prio3Sum");
    run_vector(tv, Sum(tv["max_measurement"].get<std::uint64_t>()));
  } else {
    CHECK(variant == "Prio3Count");
    run_vector(tv, Count());
  }
}

}  // namespace

TEST_CASE("Prio3 passes every vdaf-20 vector file message by message", "[vdaf][prio3][vectors]") {
  // Every Prio3 file belongs to a variant some test runs; a file of an
  // unknown variant fails here instead of being skipped.
  const std::set<std::string> registered = {"Prio3Count", "Prio3Sum", "Prio3SumVec", "Prio3Histogram",
                                            "Prio3MultihotCountVec"};
  const std::set<std::string> elsewhere = {"Prio3SumVecWithMultiproof", "Prio3HigherDegree"};
  const auto files = test::vector_files("vdaf-20", ".json", "Prio3");
  std::size_t ran = 0;
  std::size_t bad = 0;
  for (const auto& path : files) {
    const std::string variant = vector_variant(path);
    INFO("file " << path.filename().string());
    CHECK((registered.count(variant) + elsewhere.count(variant)) == 1);
    if (registered.count(variant) == 0) continue;
    ++ran;
    if (path.filename().string().find("_bad_") != std::string::npos) ++bad;
    SECTION(path.filename().string()) { run_file(path); }
  }
  CHECK(ran >= 11);
  CHECK(bad >= 3);
}
