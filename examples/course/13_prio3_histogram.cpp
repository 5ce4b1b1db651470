// Lesson 13 — a deployment on the drivers: 1,000 client reports, two
// Prio3 aggregators and a collector, each its own process over TLS.
//
// What it teaches: lesson 07 moved Prio3's messages by hand inside one
// process. Here the library's driver (service/prio3_driver.hpp) does the
// networked protocol: clients upload reports, the leader and the helper
// verify them in batches (five messages per batch, whatever its size),
// refuse replayed and malformed reports with a reason, and send their
// aggregate shares to the collector, who learns the histogram and the
// rejections. Before the first batch the driver agrees the VDAF, context,
// batch size, roles and (among the aggregators) the verify key's
// fingerprint: a misconfigured aggregator is named instead of every report
// looking like a bad proof.
//
//   prio3_upload(net, setup, reports);                 // a client
//   auto rejected = service::prio3_receive_receipt(net, setup, reports.size());
//   auto key = service::prio3_deal_verify_key(net, vdaf, setup);   // the aggregators
//   service::Prio3Aggregator<Histogram> agg(net, vdaf, setup, key.view());
//   agg.receive_upload(client); agg.prepare(); agg.send_receipts(); agg.send_aggregate_share();
//   auto total = service::prio3_collect(net, vdaf, setup);   // .result, .accepted, .rejections
//
// Network ids: 0 the leader, 1 the helper, 2 the collector, 3 one client
// party that uploads the 1,000 reports (and one replay). The verify key is
// random, drawn by the leader and sent to the helper over their TLS link
// (prio3_deal_verify_key; a key that outlives the session belongs in a key
// file: service::save_prio3_verify_key_file). The leader's receipt tells
// the client which of its reports were refused, and why.
// Run without arguments; it launches itself four times ("party").
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "course.hpp"
#include "privfin/core/bytes.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/service/launcher.hpp"
#include "privfin/service/prio3_driver.hpp"
#include "privfin/vdaf/circuits.hpp"
#include "privfin/vdaf/prio3.hpp"

using namespace privfin;
using vdaf::Histogram;

constexpr std::size_t buckets = 8, clients = 1000;
constexpr std::size_t leader = 0, helper = 1, collector = 2, client = 3;

// Client i's loan size band; the collector knows it only to check the lesson.
std::size_t band(std::size_t i) { return (i * 7 + i / 3) % buckets; }

void party() {
  auto launched = service::launched_party();
  auto net = net::TcpNetwork::connect(launched.config, launched.id, std::move(launched.listener));
  const std::size_t me = net->party_id();
  const vdaf::Prio3<Histogram> vdaf(Histogram(buckets, /*chunk_length=*/3), /*shares=*/2);
  const service::Prio3Setup setup{.aggregators = {leader, helper},
                                  .collector = collector,
                                  .context = to_bytes("course lesson 13: loan sizes, December 2026"),
                                  .batch_size = 256};

  if (me == client) {
    std::vector<service::Prio3Report> reports;
    for (std::size_t i = 0; i < clients; ++i) reports.push_back(service::make_prio3_report(vdaf, setup.context, band(i)));
    reports.push_back(reports[0]);  // a replay: refused, not counted twice
    service::prio3_upload(*net, setup, reports);
    const auto receipt = service::prio3_receive_receipt(*net, setup, reports.size());
    std::printf("uploaded %zu reports, %zu refused\n", reports.size(), receipt.size());
    course::expect(receipt.size() == 1 && receipt[0].cause == RejectionCause::replayed, "the receipt names the replay");
  } else if (me == collector) {
    const auto total = service::prio3_collect(*net, vdaf, setup);
    std::vector<std::uint64_t> want(buckets, 0);
    for (std::size_t i = 0; i < clients; ++i) ++want[band(i)];
    for (std::size_t b = 0; b < buckets; ++b) {
      std::printf("band %zu: %4llu loans\n", b, static_cast<unsigned long long>(total.result[b]));
    }
    for (const auto& r : total.rejections) std::printf("rejected: %s\n", r.describe().c_str());
    course::expect(total.result == want, "the collected histogram equals the plaintext histogram");
    course::expect(total.accepted == clients && total.reports == clients + 1, "1,000 of 1,001 reports counted");
    course::expect(total.rejections.size() == 1 && total.rejections[0].cause == RejectionCause::replayed &&
                       total.rejections[0].from == client,
                   "the replay is refused as replayed, naming the party that uploaded it");
  } else {
    const SecretBytes verify_key = service::prio3_deal_verify_key(*net, vdaf, setup);
    service::Prio3Aggregator<Histogram> agg(*net, vdaf, setup, verify_key.view());
    agg.receive_upload(client);
    agg.prepare();  // agrees on the parameters, then verifies in batches of 256
    if (agg.is_leader()) agg.send_receipts();
    agg.send_aggregate_share();
    std::printf("aggregated %zu of %zu reports\n", agg.accepted(), agg.reports());
  }
  net->close();
}

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "party") return course::main_guard(party);
  return course::main_guard([] {
    service::LaunchOptions options;
    options.parties = 4;
    options.command = {service::this_program().string(), "party"};
    options.connect_timeout = std::chrono::seconds(10);
    options.receive_timeout = std::chrono::seconds(30);
    options.time_limit = std::chrono::seconds(90);
    const service::LaunchResult result = service::launch(options);  // each line "[party i] ..."
    for (const auto& p : result.parties) std::printf("party %zu: %s\n", p.id, p.describe().c_str());
    course::expect(result.all_succeeded(), "all four parties finished and the collector's histogram was right");
  });
}
