// Histograms render as Prometheus wants them (cumulative buckets, +Inf,
// sum, count, labels), and refuse bounds that do not increase.
#include <catch2/catch.hpp>

#include "privfin/core/error.hpp"
#include "privfin/node/metrics.hpp"

using namespace privfin;
using namespace privfin::node;

TEST_CASE("metrics: a histogram renders cumulative buckets, +Inf, sum and count - bad bounds are refused",
          "[node][metrics]") {
  Histogram h({0.1, 1});
  h.observe(0.05);
  h.observe(0.1);  // on a bound: in that bucket (le = less or equal)
  h.observe(0.5);
  h.observe(7);
  CHECK(h.count() == 4);
  CHECK(h.sum() == Approx(7.65));
  CHECK(h.prometheus("x_seconds", "Help.") ==
        "# HELP x_seconds Help.\n# TYPE x_seconds histogram\n"
        "x_seconds_bucket{le=\"0.1\"} 2\nx_seconds_bucket{le=\"1\"} 3\nx_seconds_bucket{le=\"+Inf\"} 4\n"
        "x_seconds_sum 7.65\nx_seconds_count 4\n");
  CHECK(h.prometheus("x_seconds", "Help.", "step=\"a\"", false) ==
        "x_seconds_bucket{step=\"a\",le=\"0.1\"} 2\nx_seconds_bucket{step=\"a\",le=\"1\"} 3\n"
        "x_seconds_bucket{step=\"a\",le=\"+Inf\"} 4\nx_seconds_sum{step=\"a\"} 7.65\nx_seconds_count{step=\"a\"} 4\n");
  CHECK_THROWS_AS(Histogram({1, 1}), InvalidArgument);
  CHECK_THROWS_AS(Histogram({2, 1}), InvalidArgument);

  NodeMetrics m;
  m.missed_rounds[1] = 3;
  m.commit_latency_seconds.observe(0.2);
  m.proposals_held = 5;
  m.proposals_full_early = 2;
  const auto text = m.prometheus();
  CHECK(text.find("privfin_proposals_paced_total{outcome=\"held\"} 5\n") != std::string::npos);
  CHECK(text.find("privfin_proposals_paced_total{outcome=\"full_early\"} 2\n") != std::string::npos);
  CHECK(text.find("privfin_missed_rounds_total{step=\"prevote\"} 3\n") != std::string::npos);
  CHECK(text.find("privfin_commit_latency_seconds_count 1\n") != std::string::npos);
  CHECK(text.find("privfin_step_seconds_bucket{step=\"precommit\",le=\"+Inf\"} 0\n") != std::string::npos);
}
