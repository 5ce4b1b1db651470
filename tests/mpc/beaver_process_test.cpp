// Beaver parties and the dealer as separate processes over TLS: the parent
// writes credentials and a cluster configuration for n + 1 parties (compute
// parties 0..n-1, dealer n), binds one listening socket per party on an
// ephemeral port and fork/execs the driver once per party; every driver
// checks its results itself.
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
#include "privfin/net/tcp_network.hpp"

using namespace privfin;
using namespace std::chrono_literals;

namespace {

struct BeaverTempDir {
  std::filesystem::path path;
  BeaverTempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "privfin-beaver-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = pattern;
  }
  ~BeaverTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

std::vector<int> wait_all_beaver(const std::vector<pid_t>& pids, std::chrono::seconds limit) {
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

TEST_CASE("Beaver parties and a dealer as separate processes over TLS", "[mpc][beaver][process]") {
  const std::size_t parties = GENERATE(std::size_t{2}, std::size_t{3}, std::size_t{5});
  INFO("parties = " << parties);
  BeaverTempDir dir;
  net::PartyConfig config = net::write_local_cluster(dir.path, parties + 1, "127.0.0.1", 40000, net::Transport::tls);
  std::vector<net::TcpListener> listeners;
  for (auto& party : config.parties) {
    listeners.push_back(net::TcpListener::bind("127.0.0.1", 0));
    party.port = listeners.back().port();
  }
  config.connect_timeout = 20s;
  config.receive_timeout = 60s;
  const auto config_file = dir.path / "cluster-run.json";
  config.save(config_file);

  const std::string driver = PRIVFIN_BEAVER_TEST_DRIVER;
  std::vector<pid_t> pids;
  for (std::size_t i = 0; i <= parties; ++i) {
    std::vector<std::string> args = {driver, config_file.string(), std::to_string(i),
                                     std::to_string(listeners[i].native_handle()), std::to_string(parties)};
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
  const auto codes = wait_all_beaver(pids, 120s);
  for (std::size_t i = 0; i <= parties; ++i) {
    INFO("party " << i << (i == parties ? " (dealer)" : ""));
    CHECK(codes[i] == 0);
  }
}
