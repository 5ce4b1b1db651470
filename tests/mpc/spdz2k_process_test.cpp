// Spdz2k parties as separate processes over TLS: the parent writes
// credentials and a cluster configuration, binds one listening socket per
// party on an ephemeral port and fork/execs the driver once per party;
// every driver checks its results itself (exit codes: driver/spdz2k_test_driver.cpp).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "privfin/net/keygen.hpp"
#include "privfin/net/tcp_network.hpp"
#include "support/processes.hpp"

using namespace privfin;
using namespace std::chrono_literals;

namespace {
std::vector<int> run_parties(std::size_t parties, const std::string& mode) {
  test::TempDir dir;
  net::PartyConfig config = net::write_local_cluster(dir.path(), parties, "127.0.0.1", 40000, net::Transport::tls);
  std::vector<net::TcpListener> listeners;
  for (auto& party : config.parties) {
    listeners.push_back(net::TcpListener::bind("127.0.0.1", 0));
    party.port = listeners.back().port();
  }
  config.connect_timeout = 20s;
  config.receive_timeout = 60s;
  const auto config_file = dir.path() / "cluster-run.json";
  config.save(config_file);
  const std::string driver = PRIVFIN_SPDZ2K_TEST_DRIVER;
  std::vector<pid_t> pids;
  for (std::size_t i = 0; i < parties; ++i) {
    std::vector<std::string> args = {driver, config_file.string(), std::to_string(i),
                                     std::to_string(listeners[i].native_handle()), mode};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
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
  return test::wait_all(pids, 120s);
}
}  // namespace

TEST_CASE("Spdz2k parties as separate processes over TLS", "[mpc][spdz2k][process]") {
  const std::size_t parties = GENERATE(std::size_t{2}, std::size_t{3});
  const std::string mode = GENERATE(std::string("dealer"), std::string("ot"));
  INFO(parties << " parties, mode " << mode);
  const auto codes = run_parties(parties, mode);
  for (std::size_t i = 0; i < parties; ++i) {
    INFO("party " << i);
    CHECK(codes[i] == 0);
  }
}

TEST_CASE("Spdz2k processes over TLS: a cheating triple aborts every party before any output",
          "[mpc][spdz2k][process][security]") {
  const auto codes = run_parties(3, "ot-cheat");
  for (std::size_t i = 0; i < 3; ++i) {
    INFO("party " << i);
    CHECK(codes[i] == 3);
  }
}
