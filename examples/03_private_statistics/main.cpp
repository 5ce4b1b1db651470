// Example 03: private statistics across institutions (see README.md).
//
//   privfin-ex03-statistics launch [--aggregators 2|3] [--cheat "NAME=MODE"]... [--seed N] [--keep DIR]
//   privfin-ex03-statistics generate --out loans.csv [--seed N]
//   privfin-ex03-statistics aggregator --config cluster.json --id I --aggregators A
//   privfin-ex03-statistics bank --config cluster.json --id I --aggregators A --data loans.csv --name NAME [--cheat MODE]
//   privfin-ex03-statistics regulator --config cluster.json --id I --aggregators A [--check loans.csv]
//                                     [--expect-rejected NAME]...
//
// `launch` does everything on one machine: it generates the loan file and
// the TLS credentials with privfin's keygen API in a fresh temporary folder,
// binds one listening socket per party on 127.0.0.1, starts every role as its
// own process (this program, exec'd again with the role's arguments) and
// prints each process's output. The roles can equally be started by hand on
// several machines from one cluster.json (see README.md).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "private_statistics.hpp"
#include "privfin/net/keygen.hpp"
#include "privfin/net/party_config.hpp"
#include "privfin/net/tcp_network.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t default_seed = 20260923;

struct Args {
  std::string command;
  std::multimap<std::string, std::string> options;

  [[nodiscard]] std::string get(const std::string& key, const std::string& fallback = {}) const {
    const auto it = options.find(key);
    return it == options.end() ? fallback : it->second;
  }
  [[nodiscard]] std::string need(const std::string& key) const {
    const auto it = options.find(key);
    if (it == options.end()) throw privfin::InvalidArgument(command + ": missing --" + key);
    return it->second;
  }
  [[nodiscard]] std::vector<std::string> all(const std::string& key) const {
    std::vector<std::string> out;
    for (auto [it, end] = options.equal_range(key); it != end; ++it) out.push_back(it->second);
    return out;
  }
  [[nodiscard]] std::size_t number(const std::string& key, std::size_t fallback) const {
    const std::string v = get(key);
    if (v.empty()) return fallback;
    std::size_t used = 0;
    unsigned long long n = 0;
    try {
      n = std::stoull(v, &used);
    } catch (const std::logic_error&) {
      used = 0;
    }
    if (used == 0 || used != v.size()) throw privfin::InvalidArgument("--" + key + " must be a number, got '" + v + "'");
    return static_cast<std::size_t>(n);
  }
};

Args parse_args(int argc, char** argv) {
  Args a;
  if (argc < 2) throw privfin::InvalidArgument("usage: privfin-ex03-statistics launch|generate|aggregator|bank|regulator ...");
  a.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string key = argv[i];
    if (key.rfind("--", 0) != 0 || i + 1 >= argc) throw privfin::InvalidArgument("expected --option value, got " + key);
    a.options.emplace(key.substr(2), argv[++i]);
  }
  return a;
}

std::unique_ptr<privfin::net::TcpNetwork> connect(const Args& a) {
  const auto config = privfin::net::PartyConfig::load(a.need("config"));
  const std::size_t id = a.number("id", 0);
  const std::string fd = a.get("listen-fd");
  privfin::net::TcpListener listener;
  if (!fd.empty()) listener = privfin::net::TcpListener::adopt(static_cast<int>(a.number("listen-fd", 0)));
  return privfin::net::TcpNetwork::connect(config, id, std::move(listener));
}

int run_role(const Args& a) {
  const std::size_t aggregators = a.number("aggregators", 2);
  if (a.command == "aggregator") {
    auto net = connect(a);
    (void)ex03::run_aggregator(*net, aggregators, std::cout);
    net->close();
    return 0;
  }
  if (a.command == "bank") {
    const std::string name = a.need("name");
    std::vector<ex03::Loan> mine;
    for (auto& loan : ex03::read_loans_csv(a.need("data"))) {
      if (loan.bank == name) mine.push_back(std::move(loan));
    }
    if (mine.empty()) throw privfin::InvalidArgument("bank: no loans of '" + name + "' in " + a.need("data"));
    const ex03::Cheat cheat = ex03::parse_cheat(a.get("cheat", "none"));
    auto net = connect(a);
    const ex03::Receipt receipt = ex03::run_bank(*net, aggregators, name, mine, cheat, std::cout);
    net->close();
    // A rejected report is the expected end for the dishonest bank, not an error of this program.
    return receipt.accepted() || cheat != ex03::Cheat::none ? 0 : 3;
  }
  if (a.command == "regulator") {
    auto net = connect(a);
    const ex03::Statistics stats = ex03::run_regulator(*net, aggregators);
    net->close();
    std::optional<ex03::Totals> plaintext;
    std::vector<std::string> banks;
    const std::string check = a.get("check");
    if (!check.empty()) {
      const auto loans = ex03::read_loans_csv(check);
      banks = ex03::bank_names(loans);
      plaintext = ex03::plaintext_totals(loans, std::set<std::string>(banks.begin(), banks.end()));
    }
    std::cout << "Regulator: totals unsharded from " << aggregators << " aggregate shares per statistic\n\n";
    ex03::print_statistics(stats, aggregators, banks, plaintext, std::cout);
    int code = plaintext && !(*plaintext == stats.totals) ? 4 : 0;
    const auto expected = a.all("expect-rejected");
    if (!expected.empty()) {
      std::set<std::string> want(expected.begin(), expected.end()), got;
      for (const auto& r : stats.rejected) {
        const std::size_t k = r.from.value_or(0) - aggregators - 1;
        got.insert(r.from && k < banks.size() ? banks[k] : "?");
      }
      if (want != got) {
        std::cout << "The banks with rejected reports differ from the dishonest banks the launcher started.\n";
        code = 5;
      }
    }
    return code;
  }
  throw privfin::InvalidArgument("unknown command '" + a.command + "'");
}

class TempDir {
 public:
  explicit TempDir(const std::string& keep) {
    if (!keep.empty()) {
      path_ = keep;
      fs::create_directories(path_);
      keep_ = true;
      return;
    }
    std::string pattern = (fs::temp_directory_path() / "privfin-ex03-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw privfin::Error("mkdtemp failed");
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    if (!keep_) fs::remove_all(path_, ec);
  }
  [[nodiscard]] const fs::path& path() const noexcept { return path_; }

 private:
  fs::path path_;
  bool keep_ = false;
};

int launch(const Args& a) {
  const std::size_t aggregators = a.number("aggregators", 2);
  if (aggregators < 2 || aggregators > 3) throw privfin::InvalidArgument("--aggregators must be 2 or 3");
  const std::uint64_t seed = a.number("seed", default_seed);
  std::map<std::string, std::string> cheats;
  for (const auto& c : a.all("cheat")) {
    const auto eq = c.find('=');
    if (eq == std::string::npos) throw privfin::InvalidArgument("--cheat expects NAME=MODE");
    (void)ex03::parse_cheat(c.substr(eq + 1));
    cheats[c.substr(0, eq)] = c.substr(eq + 1);
  }
  if (a.options.count("cheat") == 0) cheats["Fir Capital"] = "inflate";

  TempDir dir(a.get("keep"));
  const fs::path data = dir.path() / "loans.csv";
  const auto loans = ex03::generate_loans(seed);
  ex03::write_loans_csv(data, loans);
  const auto banks = ex03::bank_names(loans);
  for (const auto& [name, mode] : cheats) {
    if (std::find(banks.begin(), banks.end(), name) == banks.end()) throw privfin::InvalidArgument("--cheat: no bank '" + name + "'");
  }
  const std::size_t parties = aggregators + 1 + banks.size();

  // Credentials with the net layer's keygen API, then one listening socket
  // per party on an ephemeral port (no port clashes), written into the config.
  auto config = privfin::net::write_local_cluster(dir.path() / "cluster", parties, "127.0.0.1", 47000);
  std::vector<privfin::net::TcpListener> listeners;
  for (std::size_t i = 0; i < parties; ++i) {
    listeners.push_back(privfin::net::TcpListener::bind("127.0.0.1", 0));
    config.parties[i].port = listeners.back().port();
  }
  const fs::path config_file = dir.path() / "cluster" / "cluster.json";
  config.save(config_file);
  std::cout << "Loan file (synthetic, seed " << seed << "): " << data.string() << "\n"
            << "Cluster: " << config_file.string() << " (" << aggregators << " aggregators, 1 regulator, "
            << banks.size() << " banks, TLS 1.3 with pinned certificates)\n\n";

  const std::string self = fs::read_symlink("/proc/self/exe").string();
  struct Process {
    std::string role;
    std::vector<std::string> args;
    fs::path log;
    pid_t pid = -1;
    int code = -2;
  };
  std::vector<Process> procs(parties);
  for (std::size_t i = 0; i < parties; ++i) {
    auto& p = procs[i];
    const std::string common_id = std::to_string(i);
    if (i < aggregators) {
      p.role = "aggregator " + common_id;
      p.args = {self, "aggregator"};
    } else if (i == aggregators) {
      p.role = "regulator";
      p.args = {self, "regulator", "--check", data.string()};
      for (const auto& [name, mode] : cheats) {
        p.args.push_back("--expect-rejected");
        p.args.push_back(name);
      }
    } else {
      const std::string& name = banks[i - aggregators - 1];
      p.role = name;
      p.args = {self, "bank", "--data", data.string(), "--name", name};
      if (const auto it = cheats.find(name); it != cheats.end()) {
        p.args.push_back("--cheat");
        p.args.push_back(it->second);
      }
    }
    for (const std::string& extra : {std::string("--config"), config_file.string(), std::string("--id"), common_id,
                                     std::string("--aggregators"), std::to_string(aggregators), std::string("--listen-fd"),
                                     std::to_string(listeners[i].native_handle())}) {
      p.args.push_back(extra);
    }
    p.log = dir.path() / ("party" + common_id + ".log");
  }
  std::cout.flush();
  for (std::size_t i = 0; i < parties; ++i) {
    auto& p = procs[i];
    std::vector<char*> argv;
    for (auto& s : p.args) argv.push_back(s.data());
    argv.push_back(nullptr);
    const std::string log = p.log.string();
    const int fd = listeners[i].native_handle();
    const pid_t pid = ::fork();
    if (pid < 0) throw privfin::Error("fork failed");
    if (pid == 0) {
      // Async-signal-safe calls only: keep this party's socket across exec,
      // send its output to its log file.
      ::fcntl(fd, F_SETFD, 0);
      const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (out >= 0) {
        ::dup2(out, 1);
        ::dup2(out, 2);
      }
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    p.pid = pid;
  }
  listeners.clear();  // the children hold the sockets now

  const auto deadline = std::chrono::steady_clock::now() + 180s;
  std::size_t left = parties;
  while (left > 0 && std::chrono::steady_clock::now() < deadline) {
    for (auto& p : procs) {
      if (p.code != -2) continue;
      int status = 0;
      if (::waitpid(p.pid, &status, WNOHANG) == p.pid) {
        p.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        --left;
      }
    }
    std::this_thread::sleep_for(20ms);
  }
  for (auto& p : procs) {
    if (p.code != -2) continue;
    ::kill(p.pid, SIGKILL);
    int status = 0;
    ::waitpid(p.pid, &status, 0);
    p.code = -1;
  }

  // Output: the banks, then the aggregators, then the regulator.
  std::vector<std::size_t> order;
  for (std::size_t i = aggregators + 1; i < parties; ++i) order.push_back(i);
  for (std::size_t i = 0; i <= aggregators; ++i) order.push_back(i);
  int result = 0;
  for (std::size_t i : order) {
    const auto& p = procs[i];
    std::cout << "==== party " << i << ": " << p.role << " (exit " << p.code << ")\n";
    std::ifstream in(p.log);
    std::cout << in.rdbuf();
    if (p.code != 0) result = 1;
  }
  std::cout << "\n" << (result == 0 ? "All processes finished as expected." : "Some process failed (see above).") << "\n";
  if (!a.get("keep").empty()) std::cout << "Files kept in " << dir.path().string() << "\n";
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args a = parse_args(argc, argv);
    if (a.command == "launch") return launch(a);
    if (a.command == "generate") {
      ex03::write_loans_csv(a.need("out"), ex03::generate_loans(a.number("seed", default_seed)));
      return 0;
    }
    return run_role(a);
  } catch (const std::exception& e) {
    std::cerr << "privfin-ex03-statistics: " << e.what() << "\n";
    return 2;
  }
}
