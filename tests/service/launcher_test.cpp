// Tests for privfin/service/launcher.hpp and the privfin-launch tool: real
// processes (tests/service/driver/launch_test_party.cpp) that connect over
// TLS and exchange data; a party that aborts before connecting, or in the
// middle of the protocol (by exit status or by signal), named at every
// other party within a bounded time; the time limit; the placeholders and
// environment; the argument checks; the tool's output and exit status.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>

#include <privfin/core/error.hpp>
#include <privfin/net/keygen.hpp>
#include <privfin/service/launcher.hpp>

#include "support/processes.hpp"

using namespace privfin;
using namespace privfin::service;
using namespace std::chrono_literals;

namespace {

LaunchOptions party_program(std::size_t n, std::vector<std::string> args) {
  LaunchOptions o;
  o.parties = n;
  o.command = {PRIVFIN_LAUNCH_TEST_PARTY};
  o.command.insert(o.command.end(), args.begin(), args.end());
  o.output = LaunchOutput::collect;
  o.time_limit = 60s;  // a hang fails the test instead of blocking it
  return o;
}

std::string all_output(const LaunchResult& r) {
  std::string out;
  for (const auto& p : r.parties) out += p.output + p.error_output;
  return out;
}

// The culprit fails as told; every other party ends with exit status 3 (it
// caught PeerAborted naming the culprit, see the driver) within 5 s of the
// culprit's end, and says so.
void check_named_abort(const LaunchResult& r, std::size_t culprit, const std::string& expected_message) {
  INFO(all_output(r));
  REQUIRE(r.first_failure == culprit);
  for (const auto& p : r.parties) {
    if (p.id == culprit) continue;
    INFO("party " << p.id);
    CHECK(p.exit_status == 3);
    CHECK(p.output.find(expected_message) != std::string::npos);
    CHECK(!p.killed_at_time_limit);
    CHECK(p.ended_after - r.parties[culprit].ended_after < 5s);
  }
}

std::string run_tool(const std::string& args, int& status) {
  const std::string command = std::string(PRIVFIN_LAUNCH_TOOL) + " " + args + " 2>&1";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[4096];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  const int raw = ::pclose(pipe);
  status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return out;
}

}  // namespace

TEST_CASE("launch: three processes connect over TLS, agree and exchange data", "[service][launcher]") {
  const auto r = launch(party_program(3, {"exchange"}));
  INFO(all_output(r));
  REQUIRE(r.parties.size() == 3);
  CHECK(r.all_succeeded());
  CHECK(!r.first_failure);
  std::filesystem::path folder;
  for (const auto& p : r.parties) {
    CHECK(p.exit_status == 0);
    CHECK(p.pid > 0);
    CHECK(p.output.find("party " + std::to_string(p.id) + " done") != std::string::npos);
    // The driver reports the folder that held its credentials and its mode.
    // (Parsed by hand: std::regex trips gcc 12's -Wmaybe-uninitialized under the sanitize preset.)
    const auto at = p.output.find("folder ");
    REQUIRE(at != std::string::npos);
    std::istringstream line(p.output.substr(at));
    std::string word, path, mode_word, mode;
    line >> word >> path >> mode_word >> mode;
    CHECK(mode_word == "mode");
    CHECK(mode == "700");
    folder = path;
  }
  CHECK(!folder.empty());
  CHECK(!std::filesystem::exists(folder));  // removed at the end
}

TEST_CASE("launch: plain transport and two parties", "[service][launcher]") {
  auto options = party_program(2, {"exchange"});
  options.transport = net::Transport::plain_insecure;
  const auto r = launch(options);
  INFO(all_output(r));
  CHECK(r.all_succeeded());
}

TEST_CASE("launch: a party that aborts before connecting is named at the others", "[service][launcher]") {
  const auto r = launch(party_program(3, {"before-connect", "1", "2"}));
  CHECK(r.parties[1].exit_status == 2);
  CHECK(r.parties[1].describe() == "exit status 2");
  // Without the notice the others would wait for connect_timeout (30 s).
  check_named_abort(r, 1, "party 1: aborted (exit status 2)");
}

TEST_CASE("launch: a party that aborts mid-protocol interrupts receives from live peers", "[service][launcher]") {
  const auto r = launch(party_program(3, {"mid-protocol", "1", "7"}));
  CHECK(r.parties[1].exit_status == 7);
  // Parties 0 and 2 were waiting for each other, not for party 1: only the
  // notice could end that wait (receive timeout 60 s).
  check_named_abort(r, 1, "party 1: aborted (exit status 7)");
}

TEST_CASE("launch: a party killed by a signal mid-protocol is named, not just 'disconnected'",
          "[service][launcher]") {
  const auto r = launch(party_program(4, {"mid-protocol", "2", "kill", "from-dead"}));
  CHECK(r.parties[2].signal == 9);
  CHECK(r.parties[2].describe() == "killed by signal 9 (SIGKILL)");
  check_named_abort(r, 2, "party 2: aborted (killed by signal 9 (SIGKILL))");
}

TEST_CASE("launch: the time limit kills what still runs", "[service][launcher]") {
  LaunchOptions o;
  o.parties = 2;
  o.command = {"sleep", "30"};
  o.output = LaunchOutput::collect;
  o.time_limit = 300ms;
  const auto started = std::chrono::steady_clock::now();
  const auto r = launch(o);
  CHECK(std::chrono::steady_clock::now() - started < 10s);
  for (const auto& p : r.parties) {
    CHECK(p.killed_at_time_limit);
    CHECK(p.signal == 9);
    CHECK(p.describe() == "killed by signal 9 (SIGKILL) at the time limit");
  }
  CHECK(!r.all_succeeded());
}

TEST_CASE("launch: placeholders, environment and collected output", "[service][launcher]") {
  LaunchOptions o;
  o.parties = 3;
  o.command = {"/bin/sh", "-c",
               "echo {id} {parties} $PRIVFIN_PARTY_ID $PRIVFIN_PARTIES $EXTRA {unknown}; "
               "test -f {config} && test \"$PRIVFIN_CONFIG\" = {config} && test {listen_fd} = $PRIVFIN_LISTEN_FD "
               "&& test -n \"$PRIVFIN_ABORT_FD\" && echo oops >&2; exit {id}"};
  o.output = LaunchOutput::collect;
  o.environment = {{"EXTRA", "x"}};
  const auto r = launch(o);
  for (const auto& p : r.parties) {
    INFO("party " << p.id);
    const std::string id = std::to_string(p.id);
    CHECK(p.output == id + " 3 " + id + " 3 x {unknown}\n");
    CHECK(p.error_output == "oops\n");
    CHECK(p.exit_status == static_cast<int>(p.id));
  }
  CHECK(r.first_failure.has_value());
}

TEST_CASE("launch: bad options are refused before anything starts", "[service][launcher]") {
  LaunchOptions o;
  o.parties = 1;
  o.command = {"true"};
  CHECK_THROWS_AS(launch(o), InvalidArgument);
  o.parties = 2;
  o.command = {};
  CHECK_THROWS_AS(launch(o), InvalidArgument);
  o.command = {"privfin-no-such-program"};
  CHECK_THROWS_WITH(launch(o), Catch::Contains("not found"));
  o.command = {"/nonexistent/program"};
  CHECK_THROWS_AS(launch(o), InvalidArgument);
  o.command = {"true"};
  o.environment = {{"A=B", "c"}};
  CHECK_THROWS_AS(launch(o), InvalidArgument);
}

TEST_CASE("launched_party: outside a launcher it says so", "[service][launcher]") {
  if (std::getenv("PRIVFIN_PARTY_ID") != nullptr) return;  // this test itself runs under a launcher
  CHECK_THROWS_WITH(launched_party(), Catch::Contains("PRIVFIN_PARTY_ID is not set"));
}

TEST_CASE("this_party: a cluster file and id by hand, or the launcher", "[service][launcher]") {
  if (std::getenv("PRIVFIN_LISTEN_FD") != nullptr) return;  // this test itself runs under a launcher
  privfin::test::TempDir dir;
  const auto cluster = privfin::net::write_local_cluster(dir.path(), 3, "127.0.0.1", 46100);
  const auto file = dir.path() / "cluster.json";
  const auto party = this_party(file, 2);
  CHECK(party.id == 2);
  CHECK(party.config.party_count() == 3);
  CHECK_THROWS_WITH(this_party(file, std::nullopt), Catch::Contains("without this party's id"));
  CHECK_THROWS_WITH(this_party(file, 3), Catch::Contains("out of range"));
  CHECK_THROWS_WITH(this_party(std::nullopt, 1), Catch::Contains("without the cluster file"));
  CHECK_THROWS_WITH(this_party(std::nullopt, std::nullopt), Catch::Contains("not started by privfin-launch"));
  CHECK_THROWS_AS(this_party(dir.path() / "missing.json", 0), privfin::Error);
}

TEST_CASE("privfin-launch: prefixed or passed-through output, summary and exit status", "[service][launcher]") {
  int status = -1;
  std::string out = run_tool("--parties 2 -- /bin/sh -c 'echo hello {id}; exit 0'", status);
  INFO(out);
  CHECK(status == 0);
  CHECK(out.find("[party 0] hello 0") != std::string::npos);
  CHECK(out.find("[party 1] hello 1") != std::string::npos);
  CHECK(out.find("party 1: exit status 0") != std::string::npos);

  out = run_tool("--parties 3 --time-limit 60 -- " + std::string(PRIVFIN_LAUNCH_TEST_PARTY) + " before-connect 2 5",
                 status);
  INFO(out);
  CHECK(status == 1);
  CHECK(out.find("party 2: exit status 5 (failed first)") != std::string::npos);
  CHECK(out.find("[party 0] party 0 caught: party 2: aborted (exit status 5)") != std::string::npos);

  out = run_tool("--parties 2 --output inherit -- /bin/sh -c 'echo plain {id}'", status);
  CHECK(status == 0);
  CHECK(out.find("plain 1\n") != std::string::npos);
  CHECK(out.find("[party") == std::string::npos);

  out = run_tool("--help", status);
  CHECK(status == 0);
  CHECK(out.find("{listen_fd}") != std::string::npos);
  out = run_tool("--parties 1 -- true", status);
  CHECK(status == 2);
  out = run_tool("--parties 2", status);
  CHECK(status == 2);
}
