// Example 05 (joint credit scoring): the three banks in one process over
// LocalNetwork (model revealed only where configured, accuracy beside the
// plaintext model, the exit status of the bound), and the example's
// program as three processes over TLS under privfin-launch.
#include <sys/wait.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "../../examples/05_joint_credit_scoring/credit_scoring.hpp"
#include "mpc/mpc_test_support.hpp"
#include "support/processes.hpp"

namespace fs = std::filesystem;

TEST_CASE("ex05: three banks train and score, the model reaches only the configured banks", "[examples][ex05]") {
  ex05::Options o;
  o.rows = 1024;
  o.applicants = 400;
  o.reveal_to = {0, 2};
  std::vector<ex05::Outcome> out(3);
  privfin::test::rethrow_first(privfin::test::run_local_parties(3, [&](std::size_t i, privfin::net::Network& net) {
    privfin::Prg prg(privfin::test::seed_from(50 + i));
    out[i] = ex05::run_bank(net, o, prg);
  }));
  CHECK(out[0].model.size() == ex05::feature_count + 1);
  CHECK(out[1].model.empty());
  CHECK(out[2].model == out[0].model);
  const auto ref = ex05::plaintext_model(o);
  for (std::size_t f = 0; f < ref.size(); ++f) CHECK(std::abs((out[0].model[f] - ref[f]).as_signed()) <= 512);
  for (std::size_t b = 0; b < 3; ++b) {
    INFO("bank " << b << ": accuracy " << out[b].accuracy << ", plaintext " << out[b].plaintext_accuracy);
    REQUIRE(out[b].approvals.size() == o.applicants);
    CHECK(out[b].plaintext_accuracy > 0.7);
    CHECK(std::abs(out[b].accuracy - out[b].plaintext_accuracy) * 100 <= o.bound_points);
    CHECK(out[b].agreeing >= o.applicants - 4);
    std::ostringstream report;
    CHECK(ex05::report(report, o, b, out[b]) == 0);
    CHECK_THAT(report.str(), Catch::Contains(b == 1 ? "model not revealed here" : "model revealed here"));
    CHECK_THAT(report.str(), Catch::Contains("beside the plaintext fixed-point model's"));
  }
  // The exit status when the gap exceeds the bound.
  ex05::Outcome off = out[0];
  off.accuracy = off.plaintext_accuracy - 0.02;
  std::ostringstream report;
  CHECK(ex05::report(report, o, 0, off) == 4);
  CHECK_THAT(report.str(), Catch::Contains("FAILED: accuracy differs by 2.00 points"));
  // A bank configured with other parameters is named before any customer is shared.
  const auto errors = privfin::test::run_local_parties(3, [&](std::size_t i, privfin::net::Network& net) {
    ex05::Options mine = o;
    if (i == 2) mine.epochs = 3;
    privfin::Prg prg(privfin::test::seed_from(60 + i));
    (void)ex05::run_bank(net, mine, prg);
  });
  REQUIRE(errors[0]);
  try {
    std::rethrow_exception(errors[0]);
  } catch (const privfin::ProtocolError& e) {
    CHECK_THAT(e.what(), Catch::Contains("party 2 has epochs = 3"));
  }
}

#if defined(PRIVFIN_EX05_PROGRAM) && defined(PRIVFIN_LAUNCH_TOOL)
TEST_CASE("Example 05: three bank processes over TLS under privfin-launch", "[examples][ex05][process]") {
  privfin::test::TempDir dir;
  const auto output = dir.path() / "output.txt";
  const std::string command = std::string("'") + PRIVFIN_LAUNCH_TOOL + "' --time-limit 120 --parties 3 -- '" +
                              PRIVFIN_EX05_PROGRAM + "' --rows 2048 --applicants 500 --reveal-to 0,2 > '" +
                              output.string() + "' 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream in(output);
  std::stringstream s;
  s << in.rdbuf();
  const std::string out = s.str();
  INFO(out);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  for (int b = 0; b < 3; ++b) {
    const std::string prefix = "[party " + std::to_string(b) + "] bank " + std::to_string(b);
    CHECK_THAT(out, Catch::Contains(prefix));
    CHECK_THAT(out, Catch::Contains(prefix + " (" + ex05::bank_names[b] + "): OK: accuracy within"));
    CHECK_THAT(out, Catch::Contains(prefix + " (" + ex05::bank_names[b] + "): " +
                                    (b == 1 ? "model not revealed here" : "model revealed here")));
  }
  CHECK_THAT(out, Catch::Contains("us per customer per epoch"));
  CHECK_THAT(out, Catch::Contains("bytes sent per customer per epoch"));
}
#endif
