// Lesson 10 — two processes over TLS: credentials, a cluster file,
// TcpNetwork, and parameter agreement before computing.
//
// What it teaches: lessons 01-04 ran parties as threads over LocalNetwork.
// A deployment runs each party as its own process, usually on its own
// machine, over net::TcpNetwork: TLS 1.3 with mutual authentication, each
// peer's certificate pinned in the cluster file. Code written against
// net::Network does not change. Before using any secret, the parties
// confirm they hold the same public parameters (service::agree): a party
// configured differently is named in a ParameterMismatch instead of
// silently computing a wrong answer.
//
//   net::PartyConfig config = net::write_local_cluster(dir, 2);   // privfin-keygen --parties 2 --out dir
//   auto net = net::TcpNetwork::connect(config, my_id);
//   service::agree(*net, service::Parameters("salary-sum", 1).set("currency", "EUR"));
//
// Run without arguments, the lesson writes fresh credentials into a
// temporary folder, binds two ephemeral loopback ports, forks, and runs
// party 0 in this process and party 1 in the child; then once more with
// party 1 configured for another currency, which agree() refuses on both
// sides. To run the parties by hand in two terminals:
//   build/release/tools/privfin-keygen --parties 2 --out cluster
//   build/release/examples/course/course_10_two_processes_tls cluster/cluster.json 0 52000  # file, id, salary
//   build/release/examples/course/course_10_two_processes_tls cluster/cluster.json 1 61000
// The computation: two employers learn the sum of their salaries and
// nothing else, with additive sharing (sharing/additive.hpp): each sends
// the other one random-looking share of its value.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "course.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/net/keygen.hpp"
#include "privfin/net/tcp_network.hpp"
#include "privfin/service/agreement.hpp"
#include "privfin/sharing/additive.hpp"

using namespace privfin;
using Ring = Z2k<64>;

// One party: connect, agree, share, add, open. Returns the sum.
std::uint64_t run_party(const net::PartyConfig& config, std::size_t id, std::uint64_t salary, const char* currency,
                        net::TcpListener listener = {}) {
  const auto net = net::TcpNetwork::connect(config, id, std::move(listener));
  const std::size_t peer = 1 - id;

  service::Parameters params("course lesson 10: salary sum", 1);
  params.set("currency", currency).set("parties", std::int64_t{2});
  service::agree(*net, params);  // throws ParameterMismatch naming the peer if it differs

  Prg prg(random_seed());
  const std::vector<Ring> mine = {Ring(salary)};
  const auto shares = sharing::additive::share<Ring>(mine, 2, prg);  // shares[party][0]
  net->send_elements<Ring>(peer, shares[peer]);
  const auto theirs = net->receive_elements<Ring>(peer, 1);
  const std::vector<Ring> partial = {shares[id][0] + theirs[0]};  // my share of the sum
  net->send_elements<Ring>(peer, partial);
  const auto other_partial = net->receive_elements<Ring>(peer, 1);
  const std::uint64_t sum = (partial[0] + other_partial[0]).value();
  std::printf("[party %zu] sum of both salaries: %llu (sent %llu bytes)\n", id, static_cast<unsigned long long>(sum),
              static_cast<unsigned long long>(net->total_counters().bytes_sent));
  net->close();
  return sum;
}

constexpr std::uint64_t salary0 = 52'000, salary1 = 61'000;

// Party 0 here, party 1 in a forked child holding `currency1`. Returns
// party 0's sum (0 after a ParameterMismatch, whose message goes to
// `mismatch`) and the child's exit code: 0 = sum opened, 3 = mismatch.
std::pair<std::uint64_t, int> session(net::PartyConfig config, const char* currency1, std::string& mismatch) {
  // Ephemeral ports: bind first, then record what the kernel chose.
  net::TcpListener listener0 = net::TcpListener::bind("127.0.0.1", 0);
  net::TcpListener listener1 = net::TcpListener::bind("127.0.0.1", 0);
  config.parties[0].port = listener0.port();
  config.parties[1].port = listener1.port();
  std::fflush(stdout);
  const pid_t child = fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {  // party 1, in its own process
    int code = 1;
    try {
      listener0 = net::TcpListener();
      code = run_party(config, 1, salary1, currency1, std::move(listener1)) == salary0 + salary1 ? 0 : 1;
    } catch (const service::ParameterMismatch& e) {
      std::printf("[party 1] %s\n", e.what());
      code = 3;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "[party 1] error: %s\n", e.what());
    }
    std::fflush(stdout);
    _exit(code);
  }
  listener1 = net::TcpListener();
  std::uint64_t sum = 0;
  try {
    sum = run_party(config, 0, salary0, "EUR", std::move(listener0));
  } catch (const service::ParameterMismatch& e) {
    std::printf("[party 0] %s\n", e.what());
    mismatch = e.what();
  } catch (...) {
    kill(child, SIGTERM);
    waitpid(child, nullptr, 0);
    throw;
  }
  int status = 0;
  waitpid(child, &status, 0);
  return {sum, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

int main(int argc, char** argv) {
  if (argc == 4) {  // by hand: <cluster.json> <party id> <salary>
    return course::main_guard([&] {
      (void)run_party(net::PartyConfig::load(argv[1]), std::stoul(argv[2]), std::stoull(argv[3]), "EUR");
    });
  }
  const auto dir = std::filesystem::temp_directory_path() / ("privfin-course-10-" + std::to_string(getpid()));
  const int code = course::main_guard([&] {
    net::PartyConfig config = net::write_local_cluster(dir, 2);  // party<i>.key (0600), .crt, cluster.json
    config.connect_timeout = std::chrono::seconds(10);
    config.receive_timeout = std::chrono::seconds(10);
    std::printf("credentials and cluster.json in %s\n", dir.c_str());

    std::string mismatch;
    const auto [sum, child] = session(config, "EUR", mismatch);
    course::expect(sum == salary0 + salary1, "party 0 opened the plaintext sum");
    course::expect(child == 0, "party 1 (the child process) opened it too");

    std::printf("again, with party 1 configured for USD:\n");
    const auto [sum2, child2] = session(config, "USD", mismatch);
    course::expect(sum2 == 0 && mismatch.find("party 1 has currency = \"USD\"") != std::string::npos,
                   "party 0 refuses to compute and names party 1 and the differing value");
    course::expect(child2 == 3, "party 1 refuses too (ParameterMismatch)");
  });
  std::filesystem::remove_all(dir);
  return code;
}
