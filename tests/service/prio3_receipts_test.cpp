// Tests for the Prio3 drivers' session helpers (service/prio3_driver.hpp):
// the leader deals a verify key to the helpers, clients get receipts naming
// exactly their own rejected reports, encoded (here: invalid) measurements
// become reports the aggregators reject; a malformed receipt or key is an
// error naming the leader; misuse is refused.
#include "privfin/service/prio3_driver.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <mutex>

#include "privfin/net/local_network.hpp"
#include "privfin/vdaf/circuits.hpp"
#include "support/local_parties.hpp"

using namespace privfin;
using namespace privfin::service;
using vdaf::Histogram;
using vdaf::Prio3;

namespace {

// Aggregators 0 and 1, collector 2, clients 3 and 4.
Prio3Setup setup() {
  Prio3Setup s;
  s.aggregators = {0, 1};
  s.collector = 2;
  s.context = to_bytes(std::string_view("receipts test"));
  s.batch_size = 4;
  return s;
}
const Prio3<Histogram>& histogram() {
  static const Prio3<Histogram> vdaf(Histogram(4, 2), 2);
  return vdaf;
}

}  // namespace

TEST_CASE("prio3 receipts: a dealt verify key, and each client learns exactly its rejected reports",
          "[service][prio3]") {
  std::mutex mutex;
  std::map<std::size_t, std::vector<Rejection>> receipts;
  std::map<std::size_t, Bytes> keys;
  std::optional<Prio3Collection<Histogram>> total;
  const auto errors = test::run_local_parties(5, [&](std::size_t id, net::Network& net) {
    const auto& vdaf = histogram();
    if (id < 2) {
      const auto key = prio3_deal_verify_key(net, vdaf, setup());
      Prio3Aggregator<Histogram> agg(net, vdaf, setup(), key.view());
      (void)agg.receive_upload(3);
      (void)agg.receive_upload(4);
      (void)agg.prepare();
      if (agg.is_leader()) agg.send_receipts();
      agg.send_aggregate_share();
      std::lock_guard lock(mutex);
      keys[id] = Bytes(key.view().begin(), key.view().end());
    } else if (id == 2) {
      auto c = prio3_collect(net, vdaf, setup());
      std::lock_guard lock(mutex);
      total = std::move(c);
    } else {
      std::vector<Prio3Report> reports;
      for (std::size_t k = 0; k < 5; ++k) reports.push_back(make_prio3_report(vdaf, setup().context, id - 3));
      if (id == 3) {  // bucket 0 counted twice: an invalid encoding
        auto meas = vdaf.circuit().encode(0);
        meas[0] = Histogram::Field::from_u64(2);
        reports.insert(reports.begin() + 2, make_prio3_report_encoded(vdaf, setup().context, meas));
        reports.push_back(reports.front());  // a replay
      }
      prio3_upload(net, setup(), reports);
      auto receipt = prio3_receive_receipt(net, setup(), reports.size());
      std::lock_guard lock(mutex);
      receipts[id] = std::move(receipt);
    }
  }, {.receive_timeout = std::chrono::seconds(20), .close_on_error = true});
  for (std::size_t i = 0; i < errors.size(); ++i) {
    INFO("party " << i << ": " << (errors[i] ? test::what_of(errors[i]) : "ok"));
    CHECK(!errors[i]);
  }
  REQUIRE(keys.size() == 2);
  CHECK(keys[0] == keys[1]);
  CHECK(keys[0].size() == Prio3<Histogram>::verify_key_size);
  CHECK(keys[0] != Bytes(keys[0].size(), std::byte{0}));
  REQUIRE(receipts[3].size() == 2);
  CHECK(receipts[3][0].cause == RejectionCause::invalid_proof);
  CHECK(receipts[3][0].item == 2);  // the leader's order: client 3's uploads first
  CHECK(receipts[3][1].cause == RejectionCause::replayed);
  for (const auto& r : receipts[3]) CHECK(r.from == std::optional<std::size_t>(3));
  CHECK(receipts[4].empty());
  REQUIRE(total);
  CHECK(total->accepted == 10);
  CHECK(total->result == std::vector<std::uint64_t>{5, 5, 0, 0});
  CHECK(total->rejections == receipts[3]);
}

TEST_CASE("prio3 receipts: a malformed receipt or verify key names the leader", "[service][prio3]") {
  SECTION("a receipt that names another sender's report") {
    const auto errors = test::run_local_parties(5, [](std::size_t id, net::Network& net) {
      if (id == 0) {
        net.send_message(3, rejections_to_bytes({Rejection{0, 0, 4, RejectionCause::invalid_proof, "not yours"}}));
        net.flush();
      }
      if (id == 3) (void)prio3_receive_receipt(net, setup(), 1);
    });
    REQUIRE(errors[3]);
    CHECK_THAT(test::what_of(errors[3]), Catch::Contains("receipt from party 0") && Catch::Contains("another sender"));
  }
  SECTION("a receipt with more rejections than reports uploaded") {
    const auto errors = test::run_local_parties(5, [](std::size_t id, net::Network& net) {
      const Rejection r{0, 0, 3, RejectionCause::invalid_proof, ""};
      if (id == 0) net.send_message(3, rejections_to_bytes({r, r})), net.flush();
      if (id == 3) (void)prio3_receive_receipt(net, setup(), 1);
    });
    REQUIRE(errors[3]);
    CHECK_THAT(test::what_of(errors[3]), Catch::Contains("receipt from party 0"));
  }
  SECTION("a verify key of the wrong size") {
    const auto errors = test::run_local_parties(5, [](std::size_t id, net::Network& net) {
      if (id == 0) net.send_message(1, Bytes(7, std::byte{1})), net.flush();
      if (id == 1) (void)prio3_deal_verify_key(net, histogram(), setup());
    });
    REQUIRE(errors[1]);
    CHECK_THAT(test::what_of(errors[1]), Catch::Contains("verify key from party 0"));
  }
}

TEST_CASE("prio3 receipts: misuse is refused before any message", "[service][prio3]") {
  auto nets = net::LocalNetwork::create(5);
  CHECK_THROWS_AS(prio3_deal_verify_key(*nets[2], histogram(), setup()), InvalidArgument);  // the collector
  Prio3Aggregator<Histogram> helper(*nets[1], histogram(), setup(), Bytes(Prio3<Histogram>::verify_key_size));
  CHECK_THROWS_AS(helper.send_receipts(), InvalidArgument);
  CHECK(nets[1]->total_counters().messages_sent == 0);
  CHECK(nets[2]->total_counters().messages_sent == 0);
}
