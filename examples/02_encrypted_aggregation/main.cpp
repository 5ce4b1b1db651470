// privfin-ex02-aggregation — encrypted gradient aggregation (Example 02).
//
//   privfin-ex02-aggregation launch [--parties N] [--rounds R] [--cheat I] ...   all processes on 127.0.0.1
//   privfin-ex02-aggregation setup --dir D [--parties N] [--hosts H0,H1,...]     dealer: keys and certificates
//   privfin-ex02-aggregation aggregator --dir D [--rounds R] ...                 network party N
//   privfin-ex02-aggregation party --dir D --id I [--rounds R] [--cheat] ...     data party I (0..N-1)
//
// See README.md in this folder for what each step does and what it prints.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <privfin/core/bigint.hpp>
#include <privfin/core/error.hpp>
#include <privfin/core/prg.hpp>
#include <privfin/he/threshold_paillier.hpp>
#include <privfin/net/keygen.hpp>
#include <privfin/net/party_config.hpp>
#include <privfin/net/tcp_network.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "gradient_aggregation.hpp"

#ifndef EX02_SOURCE_DIR
#define EX02_SOURCE_DIR "."
#endif

namespace fs = std::filesystem;

namespace {

int usage() {
  std::fputs(
      "usage: privfin-ex02-aggregation launch [--parties N] [--threshold T] [--rounds R] [--cheat I]\n"
      "                                      [--bits B | --primes FILE] [--dir DIR] [--data CSV] [--report FILE]\n"
      "       privfin-ex02-aggregation setup --dir DIR [--parties N] [--threshold T] [--bits B | --primes FILE]\n"
      "                                      [--hosts H0,H1,...] [--port P]\n"
      "       privfin-ex02-aggregation aggregator --dir DIR [--rounds R] [--data CSV] [--report FILE]\n"
      "       privfin-ex02-aggregation party --dir DIR --id I [--rounds R] [--data CSV] [--cheat]\n"
      "common: --learning-rate X  --split-seed S  --listen-fd FD (inherited listening socket)\n",
      stderr);
  return 2;
}

unsigned long number(const std::string& text, const char* what) {
  std::size_t used = 0;
  unsigned long v = 0;
  try {
    v = std::stoul(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty()) {
    throw privfin::InvalidArgument(std::string(what) + " must be a number, got \"" + text + "\"");
  }
  return v;
}

struct Options {
  std::string command;
  fs::path dir;
  fs::path data = fs::path(EX02_SOURCE_DIR) / "wdbc.csv";
  std::optional<fs::path> primes;
  std::optional<std::size_t> bits;
  std::optional<fs::path> report;
  std::size_t parties = 4;
  std::optional<std::size_t> threshold;
  std::size_t rounds = 10;
  double learning_rate = 0.5;
  std::uint64_t split_seed = 1;
  std::size_t id = 0;
  std::optional<std::size_t> cheat_id;  // launch
  bool cheat = false;                   // party
  std::vector<std::string> hosts;
  std::uint16_t port = 47000;
  int listen_fd = -1;
  std::size_t timeout_seconds = 600;
};

Options parse(int argc, char** argv) {
  if (argc < 2) throw privfin::InvalidArgument("missing command");
  Options o;
  o.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw privfin::InvalidArgument(std::string(arg) + " needs a value");
      return argv[++i];
    };
    if (arg == "--dir") {
      o.dir = value();
    } else if (arg == "--data") {
      o.data = value();
    } else if (arg == "--primes") {
      o.primes = fs::path(value());
    } else if (arg == "--bits") {
      o.bits = number(value(), "--bits");
    } else if (arg == "--report") {
      o.report = fs::path(value());
    } else if (arg == "--parties") {
      o.parties = number(value(), "--parties");
    } else if (arg == "--threshold") {
      o.threshold = number(value(), "--threshold");
    } else if (arg == "--rounds") {
      o.rounds = number(value(), "--rounds");
    } else if (arg == "--learning-rate") {
      const std::string v = value();
      std::size_t used = 0;
      try {
        o.learning_rate = std::stod(v, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used != v.size()) throw privfin::InvalidArgument("--learning-rate must be a number");
    } else if (arg == "--split-seed") {
      o.split_seed = number(value(), "--split-seed");
    } else if (arg == "--id") {
      o.id = number(value(), "--id");
    } else if (arg == "--cheat") {
      if (o.command == "launch") {
        o.cheat_id = number(value(), "--cheat");
      } else {
        o.cheat = true;
      }
    } else if (arg == "--hosts") {
      std::string list = value();
      std::size_t start = 0;
      while (start <= list.size()) {
        const auto comma = list.find(',', start);
        o.hosts.push_back(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    } else if (arg == "--port") {
      const auto p = number(value(), "--port");
      if (p == 0 || p > 65535) throw privfin::InvalidArgument("--port must be in 1..65535");
      o.port = static_cast<std::uint16_t>(p);
    } else if (arg == "--listen-fd") {
      o.listen_fd = static_cast<int>(number(value(), "--listen-fd"));
    } else if (arg == "--timeout") {
      o.timeout_seconds = number(value(), "--timeout");
    } else {
      throw privfin::InvalidArgument("unknown option " + std::string(arg));
    }
  }
  return o;
}

// ------------------------------------------------------------------ setup

// The trusted dealer and the certificate authority of the demo: threshold
// Paillier keys and one TLS identity per process, into o.dir.
privfin::net::PartyConfig setup(const Options& o) {
  if (o.dir.empty()) throw privfin::InvalidArgument("setup needs --dir");
  const std::size_t n = o.parties;
  const std::size_t t = o.threshold.value_or(n / 2 + 1);
  if (n < 1 || n > 255 || t < 1 || t > n) throw privfin::InvalidArgument("need 1 <= threshold <= parties <= 255");
  fs::create_directories(o.dir);
  privfin::Prg prg(privfin::random_seed());
  const auto start = std::chrono::steady_clock::now();
  privfin::he::ThresholdPaillierKeys keys = [&] {
    if (o.bits) {
      std::cout << "dealer: generating two " << *o.bits / 2 << "-bit safe primes (may take minutes)\n" << std::flush;
      return privfin::he::ThresholdPaillierDealer::generate(*o.bits, t, n, prg);
    }
    const fs::path file = o.primes.value_or(fs::path(EX02_SOURCE_DIR) / "demo_safe_primes.txt");
    const auto [p, q] = ex02::load_safe_primes(file);
    return privfin::he::ThresholdPaillierDealer::from_safe_primes(p, q, t, n, prg);
  }();
  ex02::write_threshold_keys(o.dir, keys, prg);
  const double dealt = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "dealer: " << keys.public_key.paillier().modulus_bits() << "-bit threshold Paillier key, t = " << t
            << " of " << n << " (" << dealt << " s), shares in " << o.dir.string() << "\n";

  privfin::net::PartyConfig config;
  if (o.hosts.empty()) {
    config = privfin::net::write_local_cluster(o.dir, n + 1, "127.0.0.1", o.port);
  } else {
    if (o.hosts.size() != n + 1) {
      throw privfin::InvalidArgument("--hosts needs N + 1 = " + std::to_string(n + 1) +
                                     " hosts (data parties 0..N-1, then the aggregator)");
    }
    for (std::size_t i = 0; i <= n; ++i) {
      privfin::net::PartyEndpoint e;
      e.id = i;
      e.host = o.hosts[i];
      if (static_cast<std::size_t>(o.port) + i > 65535) throw privfin::InvalidArgument("--port too high");
      e.port = static_cast<std::uint16_t>(o.port + i);
      // Relative names: cluster.json resolves them against its own folder,
      // so the folder (less the other parties' secrets) can be copied.
      e.private_key = "party" + std::to_string(i) + ".key";
      e.certificate = "party" + std::to_string(i) + ".crt";
      privfin::net::write_party_credentials(o.dir / e.private_key, o.dir / e.certificate,
                                            "ex02-party" + std::to_string(i));
      config.parties.push_back(e);
    }
    config.validate();
    config.save(o.dir / "cluster.json");
  }
  std::cout << "dealer: TLS credentials and " << (o.dir / "cluster.json").string() << " for " << n + 1
            << " processes (0.." << n - 1 << " = data parties, " << n << " = aggregator)\n";
  return config;
}

ex02::Params params_for(const Options& o, const privfin::he::ThresholdPaillierPublicKey& tpk) {
  ex02::Params p;
  p.parties = tpk.parties();
  p.threshold = tpk.threshold();
  p.rounds = o.rounds;
  p.learning_rate = o.learning_rate;
  p.split_seed = o.split_seed;
  p.check();
  return p;
}

std::unique_ptr<privfin::net::TcpNetwork> connect(const Options& o, std::size_t self) {
  const auto config = privfin::net::PartyConfig::load(o.dir / "cluster.json");
  privfin::net::TcpListener listener;
  if (o.listen_fd >= 0) listener = privfin::net::TcpListener::adopt(o.listen_fd);
  return privfin::net::TcpNetwork::connect(config, self, std::move(listener));
}

int aggregator(const Options& o) {
  const auto tpk = ex02::load_public_key(o.dir);
  const auto p = params_for(o, tpk);
  const auto split = ex02::prepare(ex02::load_dataset(o.data), p);
  const auto reference = ex02::plaintext_training(split, p);
  const auto start = std::chrono::steady_clock::now();
  auto net = connect(o, ex02::aggregator_id(p));
  const auto outcomes = ex02::run_aggregator(*net, p, tpk, split, &reference, std::cout);
  const auto total = net->total_counters();
  net->close();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::size_t exact = 0;
  for (const auto& out : outcomes) exact += out.aggregate == reference[out.round - 1].fixed_sum ? 1U : 0U;
  std::cout << "aggregator: " << outcomes.size() << " rounds in " << seconds << " s; final accuracy "
            << outcomes.back().accuracy << " (plaintext training " << reference.back().accuracy_float << "); "
            << exact << "/" << outcomes.size() << " decrypted sums equal the plaintext fixed-point sums; traffic "
            << static_cast<double>(total.bytes_sent + total.bytes_received) / 1024.0 << " KiB\n";
  if (o.report) {
    std::ofstream rep(*o.report);
    ex02::write_report(rep, outcomes, reference);
    if (!rep) throw privfin::InvalidArgument("cannot write " + o.report->string());
  }
  return 0;
}

int party(const Options& o) {
  const auto tpk = ex02::load_public_key(o.dir);
  const auto p = params_for(o, tpk);
  if (o.id >= p.parties) throw privfin::InvalidArgument("--id must be in 0.." + std::to_string(p.parties - 1));
  const auto key_share = ex02::load_key_share(o.dir, o.id, tpk);
  const auto split = ex02::prepare(ex02::load_dataset(o.data), p);
  privfin::Prg prg(privfin::random_seed());
  auto net = connect(o, o.id);
  const auto outcomes = ex02::run_data_party(*net, p, tpk, key_share, split, o.cheat, prg);
  const auto total = net->total_counters();
  net->close();
  const auto [begin, end] = ex02::party_rows(split, o.id, p.parties);
  std::map<std::size_t, std::size_t> rejected;
  for (const auto& out : outcomes) {
    for (const auto& party : out.rejected) ++rejected[party.from.value_or(0)];
  }
  std::string named;
  for (const auto& [who, rounds] : rejected) {
    named += " party " + std::to_string(who) + " (" + std::to_string(rounds) + " rounds)";
  }
  std::cout << "party " << o.id << (o.cheat ? " (cheating)" : "") << ": " << end - begin << " rows, "
            << outcomes.size() << " rounds, final accuracy " << outcomes.back().accuracy << ", traffic "
            << static_cast<double>(total.bytes_sent + total.bytes_received) / 1024.0 << " KiB; rejected shares:"
            << (named.empty() ? " none" : named) << "\n"
            << std::flush;
  return 0;
}

// ------------------------------------------------------------------ launch

// Waits for every child until the deadline, then kills the rest. Returns the
// exit codes (-1 for a child that was killed or crashed).
std::vector<int> wait_all(const std::vector<pid_t>& pids, std::chrono::seconds limit) {
  std::vector<int> codes(pids.size(), -2);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::size_t left = pids.size();
  bool failed = false;
  while (left > 0 && std::chrono::steady_clock::now() < deadline && !failed) {
    for (std::size_t i = 0; i < pids.size(); ++i) {
      if (codes[i] != -2) continue;
      int status = 0;
      if (::waitpid(pids[i], &status, WNOHANG) == pids[i]) {
        codes[i] = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        failed = failed || codes[i] != 0;
        --left;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  // On a failure the others would only wait for their receive timeout.
  for (std::size_t i = 0; i < pids.size(); ++i) {
    if (codes[i] != -2) continue;
    ::kill(pids[i], SIGTERM);
    int status = 0;
    ::waitpid(pids[i], &status, 0);
    codes[i] = -1;
  }
  return codes;
}

int launch(const Options& o) {
  const bool temporary = o.dir.empty();
  Options s = o;
  if (temporary) {
    std::string pattern = (fs::temp_directory_path() / "privfin-ex02-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw privfin::InvalidArgument("cannot create a temporary folder");
    s.dir = pattern;
  }
  struct Cleanup {
    fs::path dir;
    bool active;
    ~Cleanup() {
      std::error_code ec;
      if (active) fs::remove_all(dir, ec);
    }
  } cleanup{s.dir, temporary};

  auto config = setup(s);
  // Ephemeral ports: bind every listener here and hand each child its socket.
  std::vector<privfin::net::TcpListener> listeners;
  for (auto& e : config.parties) {
    listeners.push_back(privfin::net::TcpListener::bind("127.0.0.1", 0));
    e.port = listeners.back().port();
  }
  config.save(s.dir / "cluster.json");

  const std::string self = fs::read_symlink("/proc/self/exe").string();
  std::vector<std::vector<std::string>> args;
  for (std::size_t i = 0; i < config.parties.size(); ++i) {
    const bool is_aggregator = i == s.parties;
    std::vector<std::string> a = {self, is_aggregator ? "aggregator" : "party", "--dir", s.dir.string(), "--data",
                                  s.data.string(), "--rounds", std::to_string(s.rounds), "--learning-rate",
                                  std::to_string(s.learning_rate), "--split-seed", std::to_string(s.split_seed),
                                  "--listen-fd", std::to_string(listeners[i].native_handle())};
    if (is_aggregator && s.report) {
      a.push_back("--report");
      a.push_back(s.report->string());
    }
    if (!is_aggregator) {
      a.push_back("--id");
      a.push_back(std::to_string(i));
      if (s.cheat_id == i) a.push_back("--cheat");
    }
    args.push_back(std::move(a));
  }
  if (s.cheat_id && *s.cheat_id >= s.parties) {
    throw privfin::InvalidArgument("--cheat must name a data party 0.." + std::to_string(s.parties - 1));
  }
  std::cout << "launch: aggregator and " << s.parties << " data parties as separate processes over TLS on 127.0.0.1"
            << (s.cheat_id ? ", party " + std::to_string(*s.cheat_id) + " submits bad decryption shares" : "")
            << "\n"
            << std::flush;
  std::vector<pid_t> pids;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::vector<char*> argv;
    for (auto& a : args[i]) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int fd = listeners[i].native_handle();
    const pid_t pid = ::fork();
    if (pid < 0) throw privfin::InvalidArgument("fork failed");
    if (pid == 0) {
      ::fcntl(fd, F_SETFD, 0);  // this child's socket survives exec; the others are close-on-exec
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    pids.push_back(pid);
  }
  listeners.clear();
  const auto codes = wait_all(pids, std::chrono::seconds(s.timeout_seconds));
  int rc = 0;
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (codes[i] != 0) {
      std::cerr << "launch: process " << i << (i == s.parties ? " (aggregator)" : "") << " exited with " << codes[i]
                << "\n";
      rc = 1;
    }
  }
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    if (o.command == "launch") return launch(o);
    if (o.command == "setup") {
      (void)setup(o);
      return 0;
    }
    if (o.dir.empty()) throw privfin::InvalidArgument(o.command + " needs --dir");
    if (o.command == "aggregator") return aggregator(o);
    if (o.command == "party") return party(o);
    std::cerr << "unknown command " << o.command << "\n";
    return usage();
  } catch (const privfin::InvalidArgument& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << (argc > 1 ? argv[1] : "") << ": " << e.what() << "\n";
    return 1;
  }
}
