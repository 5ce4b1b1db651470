// Lesson 07 — Prio3: many clients, two aggregators, a histogram nobody saw,
// and malformed or replayed reports refused.
//
// What it teaches: lessons 01-04 had a few parties holding inputs. Here
// thousands of clients (banks' customers, branches) each submit one
// measurement, split into shares for two aggregation servers, with a
// zero-knowledge proof that the measurement is well formed (here: one
// bucket of a histogram, not a vote of 1,000 in one bucket). The
// aggregators check the proof together without learning the measurement,
// add up the accepted shares, and send their sums to a collector, who
// learns only the histogram. Prio3 follows draft-irtf-cfrg-vdaf; privacy
// holds while one aggregator is honest.
//
//   vdaf::Prio3<Histogram> vdaf(Histogram(length, chunk), /*aggregators=*/2);
//   auto [public_share, input_shares] = vdaf.shard(ctx, bucket, nonce, prg);   // client
//   vdaf::Aggregator<Histogram> agg(vdaf, verify_key, ctx, /*agg id=*/0);
//   auto vs = agg.start(nonce, public_share, input_shares[0]);              // verifier share
//   auto msg = vdaf.verifier_shares_to_message(ctx, {vs0, vs1});            // either aggregator
//   agg.finish(nonce, msg.value());   ...   vdaf.unshard({agg0.aggregate_share(), ...}, count);
//
// The aggregators share a secret 32-byte verify key (clients must not know
// it) and a public context; each report has a fresh 16-byte random nonce,
// which is also its id: an Aggregator refuses a nonce it has seen. Bad
// reports come back as an Outcome with a reason, never as an exception.
// Choose chunk_length about sqrt(length) (docs/prio3.md). Everything here
// runs in one process and moves bytes directly; lesson 13 runs Prio3 over
// the network with the service drivers.
#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "course.hpp"
#include "privfin/core/bytes.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/vdaf/aggregator.hpp"
#include "privfin/vdaf/circuits.hpp"
#include "privfin/vdaf/prio3.hpp"

using namespace privfin;
using namespace privfin::vdaf;

int main() {
  return course::main_guard([] {
    Prg prg(random_seed());
    const std::size_t buckets = 8;                 // loan size bands
    const Prio3<Histogram> vdaf(Histogram(buckets, /*chunk_length=*/3), 2);
    SecretBytes verify_key(32);                    // shared by the aggregators only
    secure_random(verify_key.span());
    const Bytes ctx = to_bytes("course lesson 07: loan sizes, December 2026");
    std::array<Aggregator<Histogram>, 2> agg = {Aggregator<Histogram>(vdaf, verify_key.view(), ctx, 0),
                                                Aggregator<Histogram>(vdaf, verify_key.view(), ctx, 1)};

    // Runs one report through both aggregators; returns why it was refused.
    auto submit = [&](ByteView nonce, const Prio3<Histogram>::ShardResult& report) -> Reason {
      std::vector<Bytes> verifier_shares;
      for (std::size_t j = 0; j < 2; ++j) {
        auto share = agg[j].start(nonce, report.public_share, report.input_shares[j]);
        if (!share) {
          for (std::size_t k = 0; k < j; ++k) (void)agg[k].abort(nonce);
          return share.reason();
        }
        verifier_shares.push_back(share.value());
      }
      const auto message = vdaf.verifier_shares_to_message(ctx, verifier_shares);
      if (!message) {
        for (auto& a : agg) (void)a.abort(nonce);
        return message.reason();
      }
      for (auto& a : agg) {
        const auto done = a.finish(nonce, message.value());
        if (!done) return done.reason();
      }
      return Reason::none;
    };

    // 1,000 honest clients.
    std::vector<std::uint64_t> expected(buckets, 0);
    const std::size_t clients = 1000;
    Bytes first_nonce;
    Prio3<Histogram>::ShardResult first_report;
    for (std::size_t i = 0; i < clients; ++i) {
      const std::size_t bucket = (i * 7 + i / 3) % buckets;
      ++expected[bucket];
      Bytes nonce(Prio3<Histogram>::nonce_size);
      secure_random(nonce);  // the OS's generator, never a seeded Prg (docs/prio3.md, "The nonce")
      const auto report = vdaf.shard(ctx, bucket, nonce, prg);
      if (submit(nonce, report) != Reason::none) throw std::runtime_error("an honest report was refused");
      if (i == 0) {
        first_nonce = nonce;
        first_report = report;
      }
    }

    // A replay of the first report, and a report tampered with in transit.
    const Reason replay = submit(first_nonce, first_report);
    Bytes nonce(Prio3<Histogram>::nonce_size);
    secure_random(nonce);
    auto tampered = vdaf.shard(ctx, 2, nonce, prg);
    tampered.input_shares[0][5] ^= std::byte{0x01};
    const Reason bad = submit(nonce, tampered);
    std::printf("replayed report: %s; tampered report: %s\n", std::string(to_string(replay)).c_str(),
                std::string(to_string(bad)).c_str());

    // The collector: sums the two aggregate shares, learns the histogram.
    const std::vector<Bytes> agg_shares = {agg[0].aggregate_share(), agg[1].aggregate_share()};
    const auto histogram = vdaf.unshard(agg_shares, agg[0].num_aggregated());
    for (std::size_t b = 0; b < buckets; ++b) {
      std::printf("band %zu: %4llu loans\n", b, static_cast<unsigned long long>(histogram[b]));
    }
    course::expect(histogram == expected, "the collected histogram equals the plaintext histogram");
    course::expect(agg[0].num_aggregated() == clients, "exactly the 1,000 honest reports were counted");
    course::expect(replay == Reason::replayed_report, "the replay was refused as replayed");
    course::expect(bad != Reason::none, "the tampered report was refused");
  });
}
