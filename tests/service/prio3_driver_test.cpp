// The Prio3 drivers over a LocalNetwork: clients upload, the leader and
// helpers prepare in batches, the collector unshards; replays, invalid and
// malformed reports come back as the same Rejection list everywhere; parties
// with another verify key or context fail the agreement, naming the party.
#include "privfin/service/prio3_driver.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "privfin/net/local_network.hpp"
#include "support/local_parties.hpp"
#include "privfin/vdaf/circuits.hpp"

using namespace privfin;
using namespace privfin::service;
using vdaf::Histogram;
using vdaf::Prio3;

namespace {

Bytes key_of(std::uint8_t b) { return Bytes(32, std::byte{b}); }

// A report with an invalid measurement (bucket counted twice), valid framing.
Prio3Report invalid_report(const Prio3<Histogram>& vdaf, ByteView ctx) {
  auto meas = vdaf.circuit().encode(1);
  meas[2] = Histogram::Field::one();
  Prio3Report r;
  secure_random(r.nonce);
  Bytes rand(vdaf.rand_size());
  secure_random(rand);
  auto s = vdaf.shard_encoded(ctx, meas, r.nonce, rand);
  r.public_share = s.public_share;
  r.input_shares = s.input_shares;
  return r;
}

struct Run {
  std::vector<std::exception_ptr> errors;
  std::optional<Prio3Collection<Histogram>> collection;
  std::map<std::size_t, std::vector<Rejection>> aggregator_rejections;
  std::map<std::size_t, std::size_t> aggregator_accepted;
  std::map<std::size_t, net::PeerCounters> leader_counters;  // per helper
};

// Parties: aggregators 0..A-1, collector A, clients A+1..A+C. Each client
// uploads `per_client` honest reports of bucket (client % 5); client A+1
// also one invalid report, a replay of its first report and a report with a
// truncated leader share.
Run run_histogram(std::size_t aggregators, std::size_t clients, std::size_t per_client, std::size_t batch_size,
                  const std::function<void(std::size_t, Bytes&, Bytes&)>& tweak = {},
                  std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
  const Prio3<Histogram> vdaf(Histogram(5, 2), aggregators);
  Prio3Setup setup;
  for (std::size_t j = 0; j < aggregators; ++j) setup.aggregators.push_back(j);
  setup.collector = aggregators;
  setup.context = Bytes(as_bytes(std::string_view("driver test")).begin(), as_bytes(std::string_view("driver test")).end());
  setup.batch_size = batch_size;
  Run run;
  std::mutex mutex;
  run.errors = test::run_local_parties(aggregators + 1 + clients, [&](net::Network& net) {
    const std::size_t id = net.party_id();
    if (id < aggregators) {
      Bytes key = key_of(7);
      Prio3Setup mine = setup;
      if (tweak) tweak(id, key, mine.context);
      Prio3Aggregator<Histogram> agg(net, vdaf, mine, key);
      for (std::size_t c = 0; c < clients; ++c) (void)agg.receive_upload(aggregators + 1 + c);
      (void)agg.prepare();
      agg.send_aggregate_share();
      std::lock_guard lock(mutex);
      run.aggregator_rejections[id] = agg.rejections();
      run.aggregator_accepted[id] = agg.accepted();
      if (id == 0) {
        for (std::size_t h = 1; h < aggregators; ++h) run.leader_counters[h] = net.counters(h);
      }
    } else if (id == aggregators) {
      Prio3Setup mine = setup;
      Bytes unused;
      if (tweak) tweak(id, unused, mine.context);
      auto c = prio3_collect(net, vdaf, mine);
      std::lock_guard lock(mutex);
      run.collection = std::move(c);
    } else {
      std::vector<Prio3Report> reports;
      for (std::size_t i = 0; i < per_client; ++i) reports.push_back(make_prio3_report(vdaf, setup.context, id % 5));
      if (id == aggregators + 1) {
        reports.push_back(invalid_report(vdaf, setup.context));
        reports.push_back(reports.front());  // replay
        auto truncated = make_prio3_report(vdaf, setup.context, 0);
        truncated.input_shares[0].pop_back();
        reports.push_back(truncated);
      }
      prio3_upload(net, setup, reports);
    }
  }, {.receive_timeout = timeout, .close_on_error = false});
  return run;
}

}  // namespace

TEST_CASE("prio3 driver: clients upload, aggregators prepare in batches, the collector unshards",
          "[service][prio3]") {
  for (const std::size_t aggregators : {std::size_t{2}, std::size_t{3}}) {
    CAPTURE(aggregators);
    const std::size_t clients = 3, per_client = 6, batch = 4;
    const Run run = run_histogram(aggregators, clients, per_client, batch);
    for (std::size_t i = 0; i < run.errors.size(); ++i) {
      INFO("party " << i << ": " << (run.errors[i] ? test::what_of(run.errors[i]) : "ok"));
      CHECK(!run.errors[i]);
    }
    REQUIRE(run.collection);
    const auto& c = *run.collection;
    const std::size_t total = clients * per_client + 3;
    CHECK(c.reports == total);
    CHECK(c.accepted == clients * per_client);
    std::vector<std::uint64_t> expected(5, 0);
    for (std::size_t k = 0; k < clients; ++k) expected[(aggregators + 1 + k) % 5] += per_client;
    CHECK(c.result == expected);
    // The three bad reports of the first client, in upload order, with their causes.
    REQUIRE(c.rejections.size() == 3);
    const std::size_t first_client = aggregators + 1;
    CHECK(c.rejections[0].cause == RejectionCause::invalid_proof);
    CHECK(c.rejections[1].cause == RejectionCause::replayed);
    CHECK(c.rejections[2].cause == RejectionCause::malformed);
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK(c.rejections[i].item == per_client + i);
      CHECK(c.rejections[i].from == std::optional<std::size_t>(first_client));
    }
    CHECK(c.rejections[0].by == 0);  // the leader combines and decides the proof
    CHECK(c.rejections[2].by == 0);  // the leader's share was truncated
    // Every aggregator reports the same list and count.
    for (std::size_t j = 0; j < aggregators; ++j) {
      CHECK(run.aggregator_rejections.at(j) == c.rejections);
      CHECK(run.aggregator_accepted.at(j) == c.accepted);
    }
    // Batching: per batch three messages from the leader to each helper
    // (nonces, verifier messages, commit), plus the two agreements.
    const std::size_t batches = (total + batch - 1) / batch;
    for (std::size_t h = 1; h < aggregators; ++h) {
      CHECK(run.leader_counters.at(h).messages_sent == 2 + 3 * batches);
      CHECK(run.leader_counters.at(h).messages_received == 2 + 2 * batches);
    }
  }
}

TEST_CASE("prio3 driver: 1,000 reports from one client in batches of 100", "[service][prio3]") {
  const Run run = run_histogram(2, 1, 1000, 100);
  for (const auto& e : run.errors) CHECK(!e);
  REQUIRE(run.collection);
  CHECK(run.collection->accepted == 1000);
  CHECK(run.collection->rejections.size() == 3);
  CHECK(run.collection->result == std::vector<std::uint64_t>{0, 0, 0, 1000, 0});
}

TEST_CASE("prio3 driver: another verify key or context is a ParameterMismatch naming the party, not 1000 rejected proofs",
          "[service][prio3][agreement]") {
  SECTION("verify key") {
    const Run run = run_histogram(3, 1, 3, 8, [](std::size_t id, Bytes& key, Bytes&) {
      if (id == 2) key = key_of(8);
    }, std::chrono::milliseconds(500));
    for (const std::size_t party : {std::size_t{0}, std::size_t{1}}) {
      REQUIRE(run.errors[party]);
      try {
        std::rethrow_exception(run.errors[party]);
      } catch (const ParameterMismatch& e) {
        CHECK(e.parties() == std::vector<std::size_t>{2});
        CHECK(std::string(e.what()).find("verify key") != std::string::npos);
      } catch (...) {
        FAIL("expected ParameterMismatch, got " << test::what_of(run.errors[party]));
      }
    }
    REQUIRE(run.errors[2]);
    CHECK(test::what_of(run.errors[2]).find("verify key") != std::string::npos);
    // The collector (not in the key agreement) waits for shares that never come: a timeout, not a result.
    REQUIRE(run.errors[3]);
    CHECK_THROWS_AS(std::rethrow_exception(run.errors[3]), NetworkError);
  }
  SECTION("context") {
    const Run run = run_histogram(2, 1, 3, 8, [](std::size_t id, Bytes&, Bytes& ctx) {
      if (id == 1) ctx.push_back(std::byte{'!'});
    });
    for (const std::size_t party : {std::size_t{0}, std::size_t{2}}) {
      REQUIRE(run.errors[party]);
      try {
        std::rethrow_exception(run.errors[party]);
      } catch (const ParameterMismatch& e) {
        CHECK(e.parties() == std::vector<std::size_t>{1});
        CHECK(std::string(e.what()).find("context") != std::string::npos);
      } catch (...) {
        FAIL("expected ParameterMismatch, got " << test::what_of(run.errors[party]));
      }
    }
  }
}

TEST_CASE("prio3 driver: reports handed in as bytes, and misuse", "[service][prio3]") {
  const Prio3<Histogram> vdaf(Histogram(4, 2), 2);
  Prio3Setup setup{{0, 1}, 2, Bytes{std::byte{1}}, 2, 16};
  std::vector<Prio3Report> reports;
  for (std::size_t i = 0; i < 5; ++i) reports.push_back(make_prio3_report(vdaf, setup.context, i % 4));
  std::optional<Prio3Collection<Histogram>> got;
  const auto errors = test::run_local_parties(3, [&](net::Network& net) {
    if (net.party_id() == 2) {
      got = prio3_collect(net, vdaf, setup);
      return;
    }
    Prio3Aggregator<Histogram> agg(net, vdaf, setup, key_of(1));
    for (const auto& r : reports) agg.add_report_bytes(r.share_for(net.party_id()).to_bytes());
    if (agg.queued() != 5) throw std::runtime_error("expected 5 queued reports");  // no Catch2 in party threads
    (void)agg.prepare();
    agg.send_aggregate_share();
  });
  for (const auto& e : errors) CHECK(!e);
  REQUIRE(got);
  CHECK(got->accepted == 5);
  CHECK(got->result == std::vector<std::uint64_t>{2, 1, 1, 1});

  auto nets = net::LocalNetwork::create(3);
  CHECK_THROWS_AS(Prio3Aggregator<Histogram>(*nets[2], vdaf, setup, key_of(1)), InvalidArgument);  // the collector
  CHECK_THROWS_AS(Prio3Aggregator<Histogram>(*nets[0], vdaf, setup, Bytes(31)), InvalidArgument);
  Prio3Setup bad = setup;
  bad.collector = 1;
  CHECK_THROWS_AS(Prio3Aggregator<Histogram>(*nets[0], vdaf, bad, key_of(1)), InvalidArgument);
  bad = setup;
  bad.aggregators = {0, 1, 2};
  CHECK_THROWS_AS(Prio3Aggregator<Histogram>(*nets[0], vdaf, bad, key_of(1)), InvalidArgument);
  bad = setup;
  bad.batch_size = 0;
  CHECK_THROWS_AS(Prio3Aggregator<Histogram>(*nets[0], vdaf, bad, key_of(1)), InvalidArgument);
  bad = setup;
  bad.aggregators = {0, 5};
  CHECK_THROWS_AS(Prio3Aggregator<Histogram>(*nets[0], vdaf, bad, key_of(1)), InvalidArgument);
  Prio3Aggregator<Histogram> agg(*nets[0], vdaf, setup, key_of(1));
  Bytes wire = reports[0].share_for(0).to_bytes();
  wire.push_back(std::byte{0});
  CHECK_THROWS_AS(agg.add_report_bytes(wire), DecodeError);
  std::vector<Prio3Report> wrong{reports[0]};
  wrong[0].input_shares.pop_back();
  CHECK_THROWS_AS(prio3_upload(*nets[2], setup, wrong), InvalidArgument);
}

TEST_CASE("prio3 driver: a peer's malformed or inconsistent message is an error naming it", "[service][prio3]") {
  const Prio3<Histogram> vdaf(Histogram(4, 2), 2);
  const Prio3Setup setup{{0, 1}, 2, Bytes{std::byte{5}}, 4, 16};
  const Bytes key = key_of(3);
  // What an honest party sends in the two agreements.
  auto agree_as = [&](net::Network& net, bool aggregator) {
    const Parameters p = prio3_parameters(vdaf, setup);
    agree(net, p, std::vector<std::size_t>{0, 1, 2});
    if (!aggregator) return;
    Parameters with_key = p;
    with_key.set_fingerprint("verify key", key);
    agree(net, with_key, std::vector<std::size_t>{0, 1});
  };

  SECTION("a helper's garbage verifier shares: the leader names the helper") {
    const auto errors = test::run_local_parties(3, [&](net::Network& net) {
      if (net.party_id() == 0) {
        Prio3Aggregator<Histogram> leader(net, vdaf, setup, key);
        leader.add_report(make_prio3_report(vdaf, setup.context, 1).share_for(0));
        (void)leader.prepare();
      } else if (net.party_id() == 1) {
        agree_as(net, true);
        (void)net.receive_message(0);                       // the batch init
        net.send_message(0, Bytes{std::byte{1}, std::byte{3}, std::byte{0xFF}});
        net.flush();
      } else {
        agree_as(net, false);
      }
    }, {.receive_timeout = std::chrono::milliseconds(2000), .close_on_error = false});
    REQUIRE(errors[0]);
    try {
      std::rethrow_exception(errors[0]);
    } catch (const ProtocolError& e) {
      CHECK(e.party() == 1);
    } catch (...) {
      FAIL(test::what_of(errors[0]));
    }
  }

  SECTION("a leader that announces another batch: the helper names the leader") {
    const auto errors = test::run_local_parties(3, [&](net::Network& net) {
      if (net.party_id() == 1) {
        Prio3Aggregator<Histogram> helper(net, vdaf, setup, key);
        (void)helper.prepare();
      } else if (net.party_id() == 0) {
        agree_as(net, true);
        net.send_message(1, Prio3BatchInit{5, 0, true, {}}.to_bytes());
        net.flush();
      } else {
        agree_as(net, false);
      }
    }, {.receive_timeout = std::chrono::milliseconds(2000), .close_on_error = false});
    REQUIRE(errors[1]);
    try {
      std::rethrow_exception(errors[1]);
    } catch (const ProtocolError& e) {
      CHECK(e.party() == 0);
    } catch (...) {
      FAIL(test::what_of(errors[1]));
    }
  }

  SECTION("aggregators that counted differently: the collector names the one that differs from the leader") {
    const auto errors = test::run_local_parties(3, [&](net::Network& net) {
      if (net.party_id() == 2) {
        (void)prio3_collect(net, vdaf, setup);
        return;
      }
      agree_as(net, false);
      Prio3AggregateShare m;
      m.reports = 3;
      m.accepted = net.party_id() == 0 ? 3 : 2;
      if (m.accepted == 2) m.rejections.push_back(Rejection{1, 1, std::nullopt, RejectionCause::other, "x"});
      m.aggregate_share = vdaf.encode_agg_share(vdaf.empty_aggregate());
      net.send_message(2, m.to_bytes());
      net.flush();
    }, {.receive_timeout = std::chrono::milliseconds(2000), .close_on_error = false});
    REQUIRE(errors[2]);
    try {
      std::rethrow_exception(errors[2]);
    } catch (const ProtocolError& e) {
      CHECK(e.party() == 1);
    } catch (...) {
      FAIL(test::what_of(errors[2]));
    }
  }

  SECTION("a malformed upload: DecodeError naming the uploader") {
    auto nets = net::LocalNetwork::create(4);
    nets[3]->send_message(0, Bytes{std::byte{1}, std::byte{1}, std::byte{5}});
    nets[3]->flush();
    Prio3Aggregator<Histogram> leader(*nets[0], vdaf, setup, key);
    try {
      (void)leader.receive_upload(3);
      FAIL("a malformed upload was accepted");
    } catch (const DecodeError& e) {
      CHECK(std::string(e.what()).find("party 3") != std::string::npos);
    }
  }
}
