// Example 06 (a data market with deposits): in one process over
// LocalNetwork, the honest job gives the consumer the plaintext statistic
// and nobody else anything; a server that corrupts one message at any step,
// to both other servers or to one, makes every honest server abort before
// the consumer gets a result, and an equivocating server is proved so by
// evidence that verifies under its key. Then the program as separate
// processes over TLS under privfin-launch, honest and cheating.
#include <sys/wait.h>

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "../../examples/06_analytics_market/analytics_market.hpp"
#include "privfin/net/local_network.hpp"
#include "support/local_parties.hpp"
#include "support/processes.hpp"

namespace {

struct Job {
  std::vector<ex06::ServerOutcome> servers;
  ex06::ConsumerOutcome consumer;
  std::vector<std::exception_ptr> errors;
};

Job run_job(const ex06::Options& o) {
  Job job;
  job.servers.resize(ex06::servers);
  job.errors = privfin::test::run_local_parties(o.parties(), [&](std::size_t id, privfin::net::Network& net) {
    if (id < ex06::servers) {
      privfin::Prg prg(privfin::test::seed_of(300 + id));
      job.servers[id] = ex06::run_server(net, o, prg);
      // An aborted server hangs up at once, as the program does when it
      // exits, so that the consumer does not wait out its timeout.
      if (!job.servers[id].completed) dynamic_cast<privfin::net::LocalNetwork&>(net).close();
    } else if (id == o.consumer()) {
      job.consumer = ex06::run_consumer(net, o);
    } else {
      ex06::run_producer(net, o);
    }
  });
  return job;
}

ex06::Options small() {
  ex06::Options o;
  o.producers = 2;
  o.records = 24;
  o.categories = 3;
  o.query = 1;
  return o;
}

}  // namespace

TEST_CASE("ex06: the consumer alone gets the statistic of its filter, equal to plaintext", "[examples][ex06]") {
  const ex06::Options o = small();
  const Job job = run_job(o);
  privfin::test::rethrow_first(job.errors);
  for (std::size_t s = 0; s < ex06::servers; ++s) {
    INFO("server " << s << ": " << job.servers[s].failure);
    CHECK(job.servers[s].completed);
    CHECK_FALSE(job.servers[s].blamed);
    std::ostringstream report;
    CHECK(ex06::report_server(report, o, s, job.servers[s]) == 0);
    CHECK_THAT(report.str(), Catch::Contains("\"status\": \"completed\""));
  }
  REQUIRE(job.consumer.statistic);
  const ex06::Statistic ref = ex06::plaintext_statistic(o);
  CHECK(*job.consumer.statistic == ref);
  CHECK(ref.count > 0);
  CHECK(ref.count < o.producers * o.records);  // the filter selects
  std::ostringstream report;
  CHECK(ex06::report_consumer(report, o, job.consumer) == 0);
  CHECK_THAT(report.str(), Catch::Contains("plaintext check (demo only): equal"));
}

TEST_CASE("ex06: a server that cheats at any step is caught before the consumer gets anything", "[examples][ex06]") {
  const std::size_t step = GENERATE(0U, 1U, 2U, 3U);
  const bool equivocate = GENERATE(false, true);
  ex06::Options o = small();
  o.cheat = ex06::Cheat{2, step, equivocate};
  const Job job = run_job(o);
  INFO("step " << ex06::steps[step] << (equivocate ? ", to one server" : ", to both"));
  REQUIRE(job.servers[2].cheated_at);
  for (const std::size_t honest : {0U, 1U}) {
    const ex06::ServerOutcome& s = job.servers[honest];
    INFO("server " << honest << ": " << s.failure);
    CHECK_FALSE(s.completed);
    std::ostringstream report;
    CHECK(ex06::report_server(report, o, honest, s) == 3);
    CHECK_THAT(report.str(), Catch::Contains("\"status\": \"aborted\""));
    if (equivocate) {
      // Only the cheater can have signed two histories: the proof names it.
      CHECK_THAT(s.failure, Catch::Contains("equivocation: party 2 signed two different histories"));
      REQUIRE(s.blamed);
      CHECK(*s.blamed == 2);
      CHECK(s.evidence_verifies);
      CHECK_THAT(report.str(), Catch::Contains("\"deposit_forfeited\": {\"server\": 2"));
    } else {
      // The same wrong value to everyone: the MAC check fails and names nobody.
      CHECK_FALSE(s.blamed);
      CHECK_THAT(s.failure, Catch::Contains("mpc::Spdz2k: check"));
      CHECK_THAT(s.failure, Catch::Contains("MAC: the arithmetic MAC check failed"));
      CHECK_THAT(report.str(), Catch::Contains("\"deposit_forfeited\": null"));
    }
  }
  CHECK_FALSE(job.consumer.statistic);
  CHECK_FALSE(job.consumer.failure.empty());
}

TEST_CASE("ex06: parties configured differently are named before any record moves", "[examples][ex06]") {
  const auto errors = privfin::test::run_local_parties(6, [&](std::size_t id, privfin::net::Network& net) {
    ex06::Options o = small();
    if (id == 4) o.price = 1;
    if (id < ex06::servers) {
      privfin::Prg prg(privfin::test::seed_of(id));
      (void)ex06::run_server(net, o, prg);
    } else if (id == o.consumer()) {
      (void)ex06::run_consumer(net, o);
    } else {
      ex06::run_producer(net, o);
    }
  });
  REQUIRE(errors[0]);
  CHECK_THAT(privfin::test::what_of(errors[0]), Catch::Contains("party 4 has price = 1"));
}

#if defined(PRIVFIN_EX06_PROGRAM) && defined(PRIVFIN_LAUNCH_TOOL)
namespace {
struct Launched {
  int status = -1;
  std::string out;
};
Launched launch_ex06(const std::string& args) {
  privfin::test::TempDir dir;
  const auto output = dir.path() / "output.txt";
  const std::string command = std::string("'") + PRIVFIN_LAUNCH_TOOL + "' --time-limit 120 --parties 6 -- '" +
                              PRIVFIN_EX06_PROGRAM + "' --producers 2 --records 100 " + args + " > '" +
                              output.string() + "' 2>&1";
  Launched l;
  l.status = std::system(command.c_str());
  std::ifstream in(output);
  std::stringstream s;
  s << in.rdbuf();
  l.out = s.str();
  return l;
}
}  // namespace

TEST_CASE("Example 06: six processes over TLS under privfin-launch, honest then cheating",
          "[examples][ex06][process]") {
  {
    const Launched l = launch_ex06("");
    INFO(l.out);
    REQUIRE(WIFEXITED(l.status));
    CHECK(WEXITSTATUS(l.status) == 0);
    CHECK_THAT(l.out, Catch::Contains("[party 5] consumer: plaintext check (demo only): equal"));
    for (int s = 0; s < 3; ++s) {
      CHECK_THAT(l.out, Catch::Contains("[party " + std::to_string(s) + "] server " + std::to_string(s) +
                                        ": job 1 completed"));
    }
  }
  {
    const Launched l = launch_ex06("--cheat random --cheat-server 1");
    INFO(l.out);
    CHECK(l.status != 0);
    CHECK_THAT(l.out, Catch::Contains("[party 1] server 1: CHEATED at step"));
    CHECK_THAT(l.out, Catch::Contains("[party 0] server 0: job 1 ABORTED before any output"));
    CHECK_THAT(l.out, Catch::Contains("[party 2] server 2: job 1 ABORTED before any output"));
    CHECK_THAT(l.out, Catch::Contains("[party 5] consumer: no result"));
    CHECK_THAT(l.out, !Catch::Contains("plaintext check"));
  }
}
#endif
