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
  const auto codes = test::wait_all(pids, 60s);
  for (std::size_t i = 0; i < n; ++i) {
    INFO("party " << i);
    CHECK(codes[i] == 0);
  }
}
