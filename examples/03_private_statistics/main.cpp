// Example 03: private statistics across institutions (see README.md).
//
//   privfin-ex03-statistics launch [--aggregators 2|3] [--cheat "NAME=MODE"]... [--seed N]
//   privfin-ex03-statistics generate --out loans.csv [--seed N]
//   privfin-ex03-statistics aggregator --config cluster.json --id I --aggregators A
//   privfin-ex03-statistics bank --config cluster.json --id I --aggregators A --data loans.csv --name NAME [--cheat MODE]
//   privfin-ex03-statistics regulator --config cluster.json --id I --aggregators A [--check loans.csv]
//                                     [--expect-rejected NAME]...
//
// `launch` does everything on one machine with privfin's launcher
// (service/launcher.hpp): fresh TLS credentials and ephemeral ports for
// every party, each party its own process (this program again, sub-command
// `party`, which takes its role from its network id and the loans from the
// seed), a prompt "party i: aborted" to the others if one fails; then it
// prints each process's output. The roles can equally be started by hand on
// several machines from one cluster.json (see README.md).
#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "private_statistics.hpp"
#include "privfin/net/party_config.hpp"
#include "privfin/net/tcp_network.hpp"
#include "privfin/service/launcher.hpp"

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
  if (argc < 2) throw privfin::InvalidArgument("usage: privfin-ex03-statistics launch|generate|aggregator|bank|regulator|party ...");
  a.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string key = argv[i];
    if (key.rfind("--", 0) != 0 || i + 1 >= argc) throw privfin::InvalidArgument("expected --option value, got " + key);
    a.options.emplace(key.substr(2), argv[++i]);
  }
  return a;
}

// "--cheat NAME=MODE" options (launch and party), checked.
std::map<std::string, std::string> cheats_of(const Args& a) {
  std::map<std::string, std::string> cheats;
  for (const auto& c : a.all("cheat")) {
    const auto eq = c.find('=');
    if (eq == std::string::npos) throw privfin::InvalidArgument("--cheat expects NAME=MODE");
    (void)ex03::parse_cheat(c.substr(eq + 1));
    cheats[c.substr(0, eq)] = c.substr(eq + 1);
  }
  return cheats;
}

std::vector<ex03::Loan> only(std::vector<ex03::Loan> loans, const std::string& bank) {
  std::erase_if(loans, [&](const ex03::Loan& l) { return l.bank != bank; });
  if (loans.empty()) throw privfin::InvalidArgument("bank: no loans of '" + bank + "'");
  return loans;
}

// The regulator's part once connected: collect, print, check.
int regulate(privfin::net::Network& net, std::size_t aggregators, const std::optional<std::vector<ex03::Loan>>& check,
             const std::vector<std::string>& expected_rejected) {
  const ex03::Statistics stats = ex03::run_regulator(net, aggregators);
  std::optional<ex03::Totals> plaintext;
  std::vector<std::string> banks;
  if (check) {
    banks = ex03::bank_names(*check);
    plaintext = ex03::plaintext_totals(*check, std::set<std::string>(banks.begin(), banks.end()));
  }
  std::cout << "Regulator: totals unsharded from " << aggregators << " aggregate shares per statistic\n\n";
  ex03::print_statistics(stats, aggregators, banks, plaintext, std::cout);
  int code = plaintext && !(*plaintext == stats.totals) ? 4 : 0;
  if (!expected_rejected.empty()) {
    std::set<std::string> want(expected_rejected.begin(), expected_rejected.end()), got;
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

// A bank's part once connected; a rejected report is the expected end for
// a dishonest bank, not an error of this program.
int file(privfin::net::Network& net, std::size_t aggregators, const std::string& name,
         const std::vector<ex03::Loan>& loans, ex03::Cheat cheat) {
  const ex03::Receipt receipt = ex03::run_bank(net, aggregators, name, loans, cheat, std::cout);
  return receipt.accepted() || cheat != ex03::Cheat::none ? 0 : 3;
}

// Started by hand: the role is the sub-command, the network from --config and --id.
int run_role(const Args& a) {
  const std::size_t aggregators = a.number("aggregators", 2);
  const auto config = privfin::net::PartyConfig::load(a.need("config"));
  std::vector<ex03::Loan> mine;
  if (a.command == "bank") mine = only(ex03::read_loans_csv(a.need("data")), a.need("name"));
  if (a.command != "aggregator" && a.command != "bank" && a.command != "regulator") {
    throw privfin::InvalidArgument("unknown command '" + a.command + "'");
  }
  auto net = privfin::net::TcpNetwork::connect(config, a.number("id", 0));
  int code = 0;
  if (a.command == "aggregator") (void)ex03::run_aggregator(*net, aggregators, std::cout);
  if (a.command == "bank") code = file(*net, aggregators, a.need("name"), mine, ex03::parse_cheat(a.get("cheat", "none")));
  if (a.command == "regulator") {
    std::optional<std::vector<ex03::Loan>> check;
    if (!a.get("check").empty()) check = ex03::read_loans_csv(a.get("check"));
    code = regulate(*net, aggregators, check, a.all("expect-rejected"));
  }
  net->close();
  return code;
}

// Started by `launch`: the role follows from the network id; the loans from the seed.
int run_party(const Args& a) {
  const std::size_t aggregators = a.number("aggregators", 2);
  const auto loans = ex03::generate_loans(a.number("seed", default_seed));
  const auto banks = ex03::bank_names(loans);
  const auto cheats = cheats_of(a);
  auto party = privfin::service::launched_party();
  auto net = privfin::net::TcpNetwork::connect(party.config, party.id, std::move(party.listener));
  int code = 0;
  if (party.id < aggregators) {
    (void)ex03::run_aggregator(*net, aggregators, std::cout);
  } else if (party.id == aggregators) {
    std::vector<std::string> dishonest;
    for (const auto& [name, mode] : cheats) dishonest.push_back(name);
    code = regulate(*net, aggregators, loans, dishonest);
  } else {
    const std::string& name = banks.at(party.id - aggregators - 1);
    const auto it = cheats.find(name);
    code = file(*net, aggregators, name, only(loans, name), ex03::parse_cheat(it == cheats.end() ? "none" : it->second));
  }
  net->close();
  return code;
}

int launch(const Args& a) {
  const std::size_t aggregators = a.number("aggregators", 2);
  if (aggregators < 2 || aggregators > 3) throw privfin::InvalidArgument("--aggregators must be 2 or 3");
  const std::uint64_t seed = a.number("seed", default_seed);
  auto cheats = cheats_of(a);
  if (a.options.count("cheat") == 0) cheats["Fir Capital"] = "inflate";
  const auto banks = ex03::bank_names(ex03::generate_loans(seed));
  for (const auto& [name, mode] : cheats) {
    if (std::find(banks.begin(), banks.end(), name) == banks.end()) throw privfin::InvalidArgument("--cheat: no bank '" + name + "'");
  }

  privfin::service::LaunchOptions options;
  options.parties = aggregators + 1 + banks.size();
  options.command = {privfin::service::this_program().string(), "party", "--aggregators", std::to_string(aggregators),
                     "--seed", std::to_string(seed)};
  for (const auto& [name, mode] : cheats) {
    options.command.push_back("--cheat");
    options.command.push_back(name + "=" + mode);
  }
  options.output = privfin::service::LaunchOutput::collect;
  options.time_limit = 180s;
  std::cout << "Loans: synthetic, seed " << seed << "; " << aggregators << " aggregators, 1 regulator, " << banks.size()
            << " banks, each its own process, TLS 1.3 with pinned certificates\n\n";
  const auto result = privfin::service::launch(options);

  // Output: the banks, then the aggregators, then the regulator.
  std::vector<std::size_t> order;
  for (std::size_t i = aggregators + 1; i < options.parties; ++i) order.push_back(i);
  for (std::size_t i = 0; i <= aggregators; ++i) order.push_back(i);
  for (const std::size_t i : order) {
    const auto& p = result.parties[i];
    const std::string role = i < aggregators ? "aggregator " + std::to_string(i)
                             : i == aggregators ? std::string("regulator") : banks[i - aggregators - 1];
    std::cout << "==== party " << i << ": " << role << " (" << p.describe() << ")\n" << p.output << p.error_output;
  }
  std::cout << "\n" << (result.all_succeeded() ? "All processes finished as expected." : "Some process failed (see above).") << "\n";
  return result.all_succeeded() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args a = parse_args(argc, argv);
    if (a.command == "launch") return launch(a);
    if (a.command == "party") return run_party(a);
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
