// tests/support/prio3_vectors.hpp — runs one draft-irtf-cfrg-vdaf Prio3
// vector file (tests/vectors/vdaf-20/Prio3*.json) message by message: shard
// (public and input shares), verify_init (verifier shares),
// verifier_shares_to_message (verifier message, or rejection where the file
// marks "success": false), verify_next (output shares), aggregate (aggregate
// shares) and unshard (result). Shared by the vector tests of each Prio3
// variant (prio3_vectors_test.cpp, prio3_multiproof_vectors_test.cpp,
// prio3_custom_circuit_test.cpp).
#pragma once

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "privfin/vdaf/prio3.hpp"
#include "support/vectors.hpp"

namespace privfin::test::vdaf {

using namespace privfin::vdaf;
using namespace privfin::vdaf;
using nlohmann::json;

template <class T>
T measurement_from_json(const json& j);
template <>
inline std::uint64_t measurement_from_json<std::uint64_t>(const json& j) {
  return j.get<std::uint64_t>();
}
template <>
inline std::vector<std::uint64_t> measurement_from_json<std::vector<std::uint64_t>>(const json& j) {
  return j.get<std::vector<std::uint64_t>>();
}
template <>
inline std::vector<bool> measurement_from_json<std::vector<bool>>(const json& j) {
  std::vector<bool> out;
  for (const auto& x : j) out.push_back(x.get<bool>());
  return out;
}

template <class T>
json result_to_json(const T& r) {
  return json(r);
}

inline Bytes hex(const json& j) { return from_hex(j.get<std::string>()); }

// Runs one vector file through a Prio3 instance built from `circuit`, the
// file's number of shares and `options` (the proof count and algorithm id,
// which the files do not record).
template <class Circuit>
void run_vector(const json& tv, const Circuit& circuit, Prio3Options options = {}) {
  const std::size_t shares = tv.at("shares").get<std::size_t>();
  const Prio3<Circuit> vdaf(circuit, shares, options);
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
        CHECK(msg.reason() != Reason::none);
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

// The variant a vector file belongs to: its name up to the first '_'.
inline std::string vector_variant(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  return name.substr(0, name.find('_'));
}

}  // namespace privfin::test::vdaf
