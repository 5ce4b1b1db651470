// Tests for privfin/service/child_process.hpp: real child processes (the
// system shell) with their output in a log file; exit status, a signal,
// stop with and without a grace period to spare, a stopped (SIGSTOP)
// process, the destructor, and the argument checks.
#include <signal.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <string>

#include <privfin/core/error.hpp>
#include <privfin/service/child_process.hpp>

using namespace privfin;
using namespace privfin::service;
using namespace std::chrono_literals;

namespace {

// A fresh folder under the test binary's build folder.
std::filesystem::path scratch(const std::string& name) {
  const auto dir = std::filesystem::path(PRIVFIN_TEST_BINARY_DIR) / "child_process" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string read(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool alive(int pid) { return pid > 0 && ::kill(pid, 0) == 0; }

}  // namespace

TEST_CASE("ChildProcess: output goes to the log file and the exit status is reported", "[service][child]") {
  const auto dir = scratch("exit");
  auto child = ChildProcess::start({"sh", "-c", "echo to-out; echo to-err >&2; exit 3"}, dir / "log");
  CHECK(child.pid() > 0);
  const auto ended = child.wait(20s);
  REQUIRE(ended);
  CHECK(ended->exit_status == 3);
  CHECK_FALSE(ended->signal);
  CHECK_FALSE(ended->succeeded());
  CHECK(ended->describe() == "exit status 3");
  CHECK(child.pid() == 0);
  const std::string log = read(dir / "log");
  CHECK(log.find("to-out") != std::string::npos);
  CHECK(log.find("to-err") != std::string::npos);
  // Appended, not truncated.
  auto again = ChildProcess::start({"sh", "-c", "echo second"}, dir / "log");
  REQUIRE(again.wait(20s));
  CHECK(read(dir / "log").find("to-out") != std::string::npos);
  CHECK(read(dir / "log").find("second") != std::string::npos);
}

TEST_CASE("ChildProcess: stop ends a running process by SIGTERM, or by SIGKILL after the grace", "[service][child]") {
  const auto dir = scratch("stop");
  auto polite = ChildProcess::start({"sleep", "30"}, dir / "polite.log");
  CHECK_FALSE(polite.poll());  // still running
  const auto by_term = polite.stop(20s);
  CHECK(by_term.signal == SIGTERM);
  CHECK_FALSE(by_term.killed_after_grace);
  CHECK(by_term.describe() == "killed by signal 15 (SIGTERM)");

  auto ignores_term = ChildProcess::start({"sh", "-c", "trap '' TERM; exec sleep 30"}, dir / "ignores_term.log");
  std::this_thread::sleep_for(200ms);  // let the shell install its trap
  const auto start = std::chrono::steady_clock::now();
  const auto by_kill = ignores_term.stop(300ms);
  CHECK(std::chrono::steady_clock::now() - start < 10s);
  CHECK(by_kill.signal == SIGKILL);
  CHECK(by_kill.killed_after_grace);
  CHECK_FALSE(by_kill.succeeded());
  CHECK(by_kill.describe() == "killed by signal 9 (SIGKILL) after the grace period");

  // A stopped process still ends on stop(): it is continued after SIGTERM.
  auto paused = ChildProcess::start({"sleep", "30"}, dir / "paused.log");
  CHECK(paused.signal(SIGSTOP));
  const auto paused_end = paused.stop(20s);
  CHECK(paused_end.signal == SIGTERM);
  CHECK_FALSE(paused.signal(SIGCONT));  // reaped: nothing to signal
}

TEST_CASE("ChildProcess: destroying or replacing a running child kills and reaps it", "[service][child]") {
  const auto dir = scratch("destroy");
  int pid = 0;
  {
    auto child = ChildProcess::start({"sleep", "30"}, dir / "log");
    pid = child.pid();
    CHECK(alive(pid));
  }
  CHECK_FALSE(alive(pid));  // killed and reaped: no zombie left to signal
  auto first = ChildProcess::start({"sleep", "30"}, dir / "log");
  const int first_pid = first.pid();
  first = ChildProcess::start({"sleep", "30"}, dir / "log");
  CHECK_FALSE(alive(first_pid));
  CHECK(alive(first.pid()));
  ChildProcess moved = std::move(first);
  CHECK(first.pid() == 0);  // NOLINT(bugprone-use-after-move): moved-from is documented empty
  CHECK(moved.kill().signal == SIGKILL);
  CHECK(moved.kill().describe() == "no process");
}

TEST_CASE("ChildProcess: a missing program, an empty command or an unwritable log is an exception",
          "[service][child]") {
  const auto dir = scratch("errors");
  CHECK_THROWS_AS(ChildProcess::start({}, dir / "log"), InvalidArgument);
  CHECK_THROWS_WITH(ChildProcess::start({"privfin-no-such-program"}, dir / "log"),
                    Catch::Contains("program privfin-no-such-program not found on PATH"));
  CHECK_THROWS_WITH(ChildProcess::start({"/nonexistent/prog"}, dir / "log"), Catch::Contains("cannot be run"));
  CHECK_THROWS_AS(ChildProcess::start({"sleep", "1"}, dir / "no-such-dir" / "log"), Error);
  CHECK(find_program("sh", "test").find("/sh") != std::string::npos);
}
