// OT parties as separate processes over TLS: the parent writes credentials
// and a cluster configuration, binds one listening socket per party on an
// ephemeral port and fork/execs the driver once per party. Mode "ot": the
// sender process checks the receiver's outputs against its own. Mode
// "beaver": Beaver on OtPreprocessing (mul, lt, dot, fixmul), each party
// checks against plaintext.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "privfin/net/keygen.hpp"
#include "privfin/net/tcp_network.hpp"
#include "support/processes.hpp"

using namespace privfin;
using namespace std::chrono_literals;

namespace {

// Starts the driver once per party of an n-party TLS cluster in `mode` and
// returns the exit codes.
std::vector<int> run_processes(std::size_t parties, const std::string& mode) {
  test::TempDir dir;
  net::PartyConfig config = net::write_local_cluster(dir.path(), parties, "127.0.0.1", 40000, net::Transport::tls);
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
  for (std::size_t i = 0; i < parties; ++i) {
    std::vector<std::string> args = {driver, config_file.string(), std::to_string(i),
                                     std::to_string(listeners[i].native_handle()), mode};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int fd = listeners[i].native_handle();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      ::fcntl(fd, F_SETFD, 0);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    pids.push_back(pid);
  }
  listeners.clear();
  return test::wait_all(pids, 60s);
}

}  // namespace

TEST_CASE("OT: base OT and OT extension between two processes over TLS", "[ot][process]") {
  const auto codes = run_processes(2, "ot");
  CHECK(codes[0] == 0);
  CHECK(codes[1] == 0);
}

TEST_CASE("OT: Beaver on OT preprocessing (no dealer) between processes over TLS", "[ot][process][beaver]") {
  const std::size_t parties = GENERATE(std::size_t{2}, std::size_t{3});
  INFO("parties " << parties);
  const auto codes = run_processes(parties, "beaver");
  for (std::size_t i = 0; i < parties; ++i) {
    INFO("party " << i);
    CHECK(codes[i] == 0);
  }
}

TEST_CASE("OT: Beaver on silent-OT preprocessing (Ferret's parameters) between processes over TLS",
          "[ot][process][beaver][silent]") {
  // Two parties: each process bootstraps a silent session per direction
  // and runs main iterations of 10.6 M OTs (about 380 MB per process).
  const auto codes = run_processes(2, "beaver-silent");
  CHECK(codes[0] == 0);
  CHECK(codes[1] == 0);
}
