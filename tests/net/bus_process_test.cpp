// The message bus across separate processes: every party a process
// (all-to-all over TLS), and a peer killed with SIGKILL and restarted while
// this process keeps its bus running (reconnect).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "net/net_test_support.hpp"
#include "privfin/net/tcp_message_bus.hpp"

using namespace privfin;
using namespace std::chrono_literals;

namespace {

// fork/exec of the bus driver; `listen_fd` (or -1) survives the exec.
pid_t spawn(std::vector<std::string> args, int listen_fd) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    if (listen_fd >= 0) ::fcntl(listen_fd, F_SETFD, 0);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

Bytes text(const std::string& s) { return Bytes(as_bytes(std::string_view(s)).begin(), as_bytes(std::string_view(s)).end()); }

}  // namespace

TEST_CASE("Message bus: every party a separate process, all to all over TLS", "[net][bus][process]") {
  const std::size_t n = 3;
  auto cluster = test::make_tcp_cluster(n, net::Transport::tls);
  test::TempDir dir;
  const auto config_file = dir.path() / "cluster.json";
  cluster.config.save(config_file);
  std::vector<pid_t> pids;
  for (std::size_t i = 0; i < n; ++i) {
    const int fd = cluster.listeners[i].native_handle();
    const pid_t pid = spawn({PRIVFIN_BUS_TEST_DRIVER, config_file.string(), std::to_string(i), "all", "500",
                             std::to_string(fd)},
                            fd);
    REQUIRE(pid > 0);
    pids.push_back(pid);
  }
  cluster.listeners.clear();
  const auto codes = test::wait_all(pids, 60s);
  for (std::size_t i = 0; i < n; ++i) {
    INFO("party " << i);
    CHECK(codes[i] == 0);
  }
}

TEST_CASE("Message bus: a peer process killed and restarted is reconnected", "[net][bus][process]") {
  auto cluster = test::make_tcp_cluster(2, net::Transport::tls);
  test::TempDir dir;
  const auto config_file = dir.path() / "cluster.json";
  cluster.config.save(config_file);
  net::BusOptions options;
  options.max_backoff = 100ms;
  auto bus = net::TcpMessageBus::start(cluster.config, 0, options, std::move(cluster.listeners[0]));
  cluster.listeners[1] = net::TcpListener();  // party 1 only dials
  const std::vector<std::string> args = {PRIVFIN_BUS_TEST_DRIVER, config_file.string(), "1", "echo"};

  // Sends until the echo comes back (what a dying connection swallowed is re-sent).
  const auto round_trip = [&](const std::string& what, std::chrono::seconds limit = 15s) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      (void)bus->send(1, text(what));
      for (int i = 0; i < 4; ++i) {
        if (auto in = bus->receive(50ms)) {
          if (in->from == 1 && in->message == text(what)) return true;
        }
      }
    }
    return false;
  };

  pid_t child = spawn(args, -1);
  REQUIRE(child > 0);
  CHECK(round_trip("first life"));
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK_FALSE(round_trip("while dead", 1s));  // nobody answers
  child = spawn(args, -1);
  REQUIRE(child > 0);
  CHECK(round_trip("second life"));
  CHECK(bus->counters(1).reconnects >= 1);
  (void)bus->send(1, text("quit"));
  CHECK(bus->flush(5s));
  const auto codes = test::wait_all({child}, 20s);
  CHECK(codes[0] == 0);
}
