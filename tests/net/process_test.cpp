// Every party as its own process: the parent binds one listening socket per
// party on an ephemeral port, writes the cluster configuration, and
// fork/execs the driver program once per party, handing each its socket.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "net/net_test_support.hpp"
#include "privfin/net/party_config.hpp"

using namespace privfin;
using namespace std::chrono_literals;

namespace {

// Waits for every child until the deadline; kills the rest after it.
// Returns the exit codes (-1 for a child that had to be killed or crashed).
std::vector<int> wait_all(const std::vector<pid_t>& pids, std::chrono::seconds limit) {
  std::vector<int> codes(pids.size(), -2);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::size_t left = pids.size();
  while (left > 0 && std::chrono::steady_clock::now() < deadline) {
    for (std::size_t i = 0; i < pids.size(); ++i) {
      if (codes[i] != -2) continue;
      int status = 0;
      if (::waitpid(pids[i], &status, WNOHANG) == pids[i]) {
        codes[i] = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        --left;
      }
    }
    std::this_thread::sleep_for(10ms);
  }
  for (std::size_t i = 0; i < pids.size(); ++i) {
    if (codes[i] != -2) continue;
    ::kill(pids[i], SIGKILL);
    int status = 0;
    ::waitpid(pids[i], &status, 0);
    codes[i] = -1;
  }
  return codes;
}

}  // namespace

TEST_CASE("Every party as a separate process", "[net][process]") {
  const net::Transport transport = GENERATE(net::Transport::tls, net::Transport::plain_insecure);
  const std::size_t n = GENERATE(std::size_t{2}, std::size_t{5});
  INFO((transport == net::Transport::tls ? "tls" : "plain") << ", " << n << " parties");
  auto cluster = test::make_tcp_cluster(n, transport);
  test::TempDir dir;
  const auto config_file = dir.path() / "cluster.json";
  cluster.config.save(config_file);
  REQUIRE(net::PartyConfig::load(config_file).to_json() == cluster.config.to_json());

  const std::string driver = PRIVFIN_NET_TEST_DRIVER;
  std::vector<std::vector<std::string>> args(n);
  for (std::size_t i = 0; i < n; ++i) {
    args[i] = {driver, config_file.string(), std::to_string(i),
               std::to_string(cluster.listeners[i].native_handle())};
  }
  std::vector<pid_t> pids;
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<char*> argv;
    for (auto& a : args[i]) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int fd = cluster.listeners[i].native_handle();
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      // Only async-signal-safe calls between fork and exec. The party's own
      // listening socket survives exec; the others are close-on-exec.
      ::fcntl(fd, F_SETFD, 0);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    pids.push_back(pid);
  }
  cluster.listeners.clear();  // the children hold the sockets now
  const auto codes = wait_all(pids, 60s);
  for (std::size_t i = 0; i < n; ++i) {
    INFO("party " << i);
    CHECK(codes[i] == 0);
  }
}
