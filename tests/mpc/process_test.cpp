// The three Rep3 parties as separate processes over TcpNetwork (TLS and
// plain TCP): the parent writes credentials and a cluster configuration,
// binds one listening socket per party on an ephemeral port and fork/execs
// the driver once per party; every driver checks its results itself.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "privfin/net/keygen.hpp"
#include "support/processes.hpp"
#include "privfin/net/tcp_network.hpp"

using namespace privfin;
using namespace std::chrono_literals;

TEST_CASE("Rep3 parties as separate processes over TCP", "[mpc][process]") {
  const net::Transport transport = GENERATE(net::Transport::tls, net::Transport::plain_insecure);
  INFO((transport == net::Transport::tls ? "tls" : "plain"));
  test::TempDir dir;
  net::PartyConfig config = net::write_local_cluster(dir.path(), 3, "127.0.0.1", 40000, transport);
  std::vector<net::TcpListener> listeners;
  for (auto& party : config.parties) {
    listeners.push_back(net::TcpListener::bind("127.0.0.1", 0));
    party.port = listeners.back().port();
  }
  config.connect_timeout = 20s;
  config.receive_timeout = 60s;
  const auto config_file = dir.path() / "cluster-run.json";
  config.save(config_file);

  const std::string driver = PRIVFIN_MPC_TEST_DRIVER;
  std::vector<std::vector<std::string>> args(3);
  for (std::size_t i = 0; i < 3; ++i) {
    args[i] = {driver, config_file.string(), std::to_string(i), std::to_string(listeners[i].native_handle())};
  }
  std::vector<pid_t> pids;
  for (std::size_t i = 0; i < 3; ++i) {
    std::vector<char*> argv;
    for (auto& a : args[i]) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int fd = listeners[i].native_handle();
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::fcntl(fd, F_SETFD, 0);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    pids.push_back(pid);
  }
  listeners.clear();
  const auto codes = test::wait_all(pids, 120s);
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("party " << i);
    CHECK(codes[i] == 0);
  }
}
