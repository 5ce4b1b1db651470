// OT sender and receiver as separate processes over TLS: the parent writes
// credentials and a two-party cluster configuration, binds one listening
// socket per party on an ephemeral port and fork/execs the driver twice;
// the sender process checks the receiver's outputs against its own.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "privfin/net/keygen.hpp"
#include "privfin/net/tcp_network.hpp"
#include "support/processes.hpp"

using namespace privfin;
using namespace std::chrono_literals;

TEST_CASE("OT: base OT and OT extension between two processes over TLS", "[ot][process]") {
  test::TempDir dir;
  net::PartyConfig config = net::write_local_cluster(dir.path(), 2, "127.0.0.1", 40000, net::Transport::tls);
  std::vector<net::TcpListener> listeners;
  for (auto& party : config.parties) {
    listeners.push_back(net::TcpListener::bind("127.0.0.1", 0));
    party.port = listeners.back().port();
  }
  config.connect_timeout = 20s;
  config.receive_timeout = 30s;
  const auto config_file = dir.path() / "cluster-run.json";
  config.save(config_file);
  const std::string driver = PRIVFIN_OT_TEST_DRIVER;
  std::vector<pid_t> pids;
  for (std::size_t i = 0; i < 2; ++i) {
    std::vector<std::string> args = {driver, config_file.string(), std::to_string(i),
                                     std::to_string(listeners[i].native_handle())};
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
  const auto codes = test::wait_all(pids, 60s);
  CHECK(codes[0] == 0);
  CHECK(codes[1] == 0);
}
