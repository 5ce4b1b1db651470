// Prio3 against every draft-irtf-cfrg-vdaf-20 vector file in
// tests/vectors/vdaf-20/Prio3*.json, message by message: shard (public and
// input shares), verify_init (verifier shares), verifier_shares_to_message
// (verifier message, or rejection for the *_bad_* files), verify_next (output
// shares), aggregate (aggregate shares) and unshard (result). The circuit is
// chosen from the file's parameters, so a new file needs no code change.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "privfin/zk/prio3/prio3.hpp"
#include "support/vectors.hpp"

using namespace privfin;
using namespace privfin::zk;
using namespace privfin::zk::prio3;
using nlohmann::json;

namespace {

template <class T>
T measurement_from_json(const json& j);
template <>
std::uint64_t measurement_from_json<std::uint64_t>(const json& j) {
  return j.get<std::uint64_t>();
}
template <>
std::vector<std::uint64_t> measurement_from_json<std::vector<std::uint64_t>>(const json& j) {
  return j.get<std::vector<std::uint64_t>>();
}
template <>
std::vector<bool> measurement_from_json<std::vector<bool>>(const json& j) {
  std::vector<bool> out;
  for (const auto& x : j) out.push_back(x.get<bool>());
  return out;
}

template <class T>
json result_to_json(const T& r) {
  return json(r);
}

Bytes hex(const json& j) { return from_hex(j.get<std::string>()); }

template <class Circuit>
void run_vector(const json& tv, const Circuit& circuit) {
  const std::size_t shares = tv.at("shares").get<std::size_t>();
  const Prio3<Circuit> vdaf(circuit, shares);
  using F = typename Prio3<Circuit>::F;
  const Bytes ctx = hex(tv.at("ctx"));
  const Bytes verify_key = hex(tv.at("verify_key"));
  const auto& reports = tv.at("reports");

  // Per report and aggregator: the verify state after verify_init, and the
  // output share after verify_next.
  std::vector<std::vector<std::optional<typename Prio3<Circuit>::VerifyState>>> states(
      reports.size(), std::vector<std::optional<typename Prio3<Circuit>::VerifyState>>(shares));
  std::vector<std::vector<std::vector<F>>> out_shares(shares);
  std::vector<Bytes> agg_shares(shares);
  std::vector<Bytes> messages(reports.size());

  for (const auto& op : tv.at("operations")) {
    const std::string name = op.at("operation").get<std::string>();
    const bool success = op.at("success").get<bool>();
    INFO("operation " << name << " " << op.dump());
    if (name == "shard") {
      const auto& r = reports.at(op.at("report_index").get<std::size_t>());
      const auto meas = measurement_from_json<typename Circuit::Measurement>(r.at("measurement"));
      const auto sharded = vdaf.shard(ctx, meas, hex(r.at("nonce")), hex(r.at("rand")));
      CHECK(to_hex(sharded.public_share) == r.at("public_share").get<std::string>());
      REQUIRE(sharded.input_shares.size() == shares);
      for (std::size_t j = 0; j < shares; ++j) {
        CHECK(to_hex(sharded.input_shares[j]) == r.at("input_shares").at(j).get<std::string>());
      }
    } else if (name == "verify_init") {
      const std::size_t idx = op.at("report_index").get<std::size_t>();
      const std::size_t agg = op.at("aggregator_id").get<std::size_t>();
      const auto& r = reports.at(idx);
      auto init = vdaf.verify_init(verify_key, ctx, agg, hex(r.at("nonce")), hex(r.at("public_share")),
                                   hex(r.at("input_shares").at(agg)));
      REQUIRE(init.accepted() == success);
      if (success) {
        CHECK(to_hex(init.value().verifier_share) == r.at("verifier_shares").at(0).at(agg).get<std::string>());
        states[idx][agg] = init.value().state;
      }
    } else if (name == "verifier_shares_to_message") {
      const std::size_t idx = op.at("report_index").get<std::size_t>();
      const auto& r = reports.at(idx);
      std::vector<Bytes> vshares;
      for (const auto& s : r.at("verifier_shares").at(0)) vshares.push_back(hex(s));
      auto msg = vdaf.verifier_shares_to_message(ctx, vshares);
      CHECK(msg.accepted() == success);
      if (!success) {
        CHECK(msg.reason() != Rejection::none);
      } else if (msg) {
        CHECK(to_hex(msg.value()) == r.at("verifier_messages").at(0).get<std::string>());
        messages[idx] = msg.value();
      }
    } else if (name == "verify_next") {
      const std::size_t idx = op.at("report_index").get<std::size_t>();
      const std::size_t agg = op.at("aggregator_id").get<std::size_t>();
      const auto& r = reports.at(idx);
      REQUIRE(states[idx][agg].has_value());
      auto out = vdaf.verify_next(ctx, *states[idx][agg], hex(r.at("verifier_messages").at(0)));
      REQUIRE(out.accepted() == success);
      if (success) {
        CHECK(to_hex(encode_vec<F>(out.value())) == r.at("out_shares").at(agg).get<std::string>());
        out_shares[agg].push_back(out.value());
      }
    } else if (name == "aggregate") {
      const std::size_t agg = op.at("aggregator_id").get<std::size_t>();
      const auto agg_share = vdaf.aggregate(out_shares[agg]);
      agg_shares[agg] = vdaf.encode_agg_share(agg_share);
      CHECK(to_hex(agg_shares[agg]) == tv.at("agg_shares").at(agg).get<std::string>());
    } else if (name == "unshard") {
      std::vector<Bytes> given;
      for (const auto& s : tv.at("agg_shares")) given.push_back(hex(s));
      const auto result = vdaf.unshard(given, reports.size());
      CHECK(result_to_json(result) == tv.at("agg_result"));
    } else {
      FAIL("unknown operation " << name);
    }
  }
}

// Picks the circuit from the parameters present in the file.
void run_file(const std::filesystem::path& path) {
  const json tv = test::load_json(path);
  const std::string file = path.filename().string();
  const bool has_length = tv.contains("length");
  const bool has_chunk = tv.contains("chunk_length");
  const bool has_max = tv.contains("max_measurement");
  const bool has_weight = tv.contains("max_weight");
  if (has_length && has_chunk && has_weight) {
    CHECK(file.rfind("Prio3MultihotCountVec", 0) == 0);
    run_vector(tv, MultihotCountVec(tv["length"].get<std::size_t>(), tv["max_weight"].get<std::uint64_t>(),
                                    tv["chunk_length"].get<std::size_t>()));
  } else if (has_length && has_chunk && has_max) {
    CHECK(file.rfind("Prio3SumVec", 0) == 0);
    run_vector(tv, SumVec(tv["length"].get<std::size_t>(), tv["max_measurement"].get<std::uint64_t>(),
                          tv["chunk_length"].get<std::size_t>()));
  } else if (has_length && has_chunk) {
    CHECK(file.rfind("Prio3Histogram", 0) == 0);
    run_vector(tv, Histogram(tv["length"].get<std::size_t>(), tv["chunk_length"].get<std::size_t>()));
  } else if (has_max) {
    CHECK(file.rfind("Prio3Sum", 0) == 0);
    run_vector(tv, Sum(tv["max_measurement"].get<std::uint64_t>()));
  } else {
    CHECK(file.rfind("Prio3Count", 0) == 0);
    run_vector(tv, Count());
  }
}

}  // namespace

TEST_CASE("Prio3 passes every vdaf-20 vector file message by message", "[zk][prio3][vectors]") {
  const auto files = test::vector_files("vdaf-20", ".json", "Prio3");
  CHECK(files.size() >= 11);
  std::size_t bad = 0;
  for (const auto& path : files) {
    if (path.filename().string().find("_bad_") != std::string::npos) ++bad;
    SECTION(path.filename().string()) { run_file(path); }
  }
  CHECK(bad >= 3);
}
