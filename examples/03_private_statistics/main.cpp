// Example 03: private statistics across institutions (see README.md). One
// program for every role; the role follows from the party's network id
// (aggregators 0..A-1, the regulator A, then one bank per bank of the loan
// file, in order of first appearance).
//
//   privfin-launch --parties 9 -- privfin-ex03-statistics --data loans.csv [--aggregators 2|3] [--cheat "BANK=MODE"]...
//   privfin-ex03-statistics --config cluster.json --id I --data loans.csv ...   (by hand, without a launcher)
//
// Every party gets the same options. A bank files only its own rows; the
// regulator also prints the file's plaintext totals (a demonstration aid)
// and exits 4 if they differ from the private totals, 5 if the banks with
// rejected reports are not exactly the --cheat banks. Exit 2 on an error.
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <string>

#include "private_statistics.hpp"
#include "privfin/net/party_config.hpp"
#include "privfin/net/tcp_network.hpp"
#include "privfin/service/launcher.hpp"

namespace {

std::size_t number(const std::string& text, const std::string& what) {
  std::size_t used = 0;
  try {
    const auto n = std::stoull(text, &used);
    if (used == text.size()) return static_cast<std::size_t>(n);
  } catch (const std::logic_error&) {
  }
  throw privfin::InvalidArgument(what + " must be a number, got '" + text + "'");
}

int run(const std::multimap<std::string, std::string>& o) {
  const auto get = [&](const std::string& key) {
    if (!o.contains(key)) throw privfin::InvalidArgument("missing --" + key);
    return o.find(key)->second;
  };
  const std::size_t aggregators = o.contains("aggregators") ? number(get("aggregators"), "--aggregators") : 2;
  const auto loans = ex03::read_loans_csv(get("data"));
  const auto banks = ex03::bank_names(loans);
  std::map<std::string, ex03::Cheat> cheats;
  for (auto [it, end] = o.equal_range("cheat"); it != end; ++it) {
    const auto eq = it->second.find('=');
    const std::string bank = it->second.substr(0, eq);
    if (eq == std::string::npos || std::find(banks.begin(), banks.end(), bank) == banks.end()) {
      throw privfin::InvalidArgument("--cheat expects BANK=MODE with a bank of the loan file, got '" + it->second + "'");
    }
    cheats[bank] = ex03::parse_cheat(it->second.substr(eq + 1));
  }
  privfin::service::LaunchedParty me;
  if (std::getenv("PRIVFIN_LISTEN_FD") != nullptr) {
    me = privfin::service::launched_party();
  } else {
    me.config = privfin::net::PartyConfig::load(get("config"));
    me.id = number(get("id"), "--id");
  }
  if (me.config.party_count() != aggregators + 1 + banks.size()) {
    throw privfin::InvalidArgument("the cluster must list " + std::to_string(aggregators + 1 + banks.size()) +
                                   " parties: " + std::to_string(aggregators) + " aggregators, the regulator and " +
                                   std::to_string(banks.size()) + " banks");
  }
  auto net = privfin::net::TcpNetwork::connect(me.config, me.id, std::move(me.listener));
  int code = 0;
  if (me.id < aggregators) {
    (void)ex03::run_aggregator(*net, aggregators, std::cout);
  } else if (me.id == aggregators) {
    const ex03::Statistics stats = ex03::run_regulator(*net, aggregators);
    const auto plaintext = ex03::plaintext_totals(loans, std::set<std::string>(banks.begin(), banks.end()));
    std::cout << "Regulator: totals unsharded from " << aggregators << " aggregate shares per statistic\n\n";
    ex03::print_statistics(stats, aggregators, banks, plaintext, std::cout);
    std::set<std::string> dishonest, rejected;
    for (const auto& [bank, cheat] : cheats) dishonest.insert(bank);
    for (const auto& r : stats.rejected) rejected.insert(banks.at(r.from.value_or(me.id + 1) - aggregators - 1));
    if (rejected != dishonest) std::cout << "The banks with rejected reports are not exactly the --cheat banks.\n";
    code = !(plaintext == stats.totals) ? 4 : rejected != dishonest ? 5 : 0;
  } else {
    const std::string& name = banks.at(me.id - aggregators - 1);
    std::vector<ex03::Loan> mine;
    std::copy_if(loans.begin(), loans.end(), std::back_inserter(mine), [&](const ex03::Loan& l) { return l.bank == name; });
    const ex03::Cheat cheat = cheats.contains(name) ? cheats.at(name) : ex03::Cheat::none;
    // A rejected report is the expected end for a dishonest bank, an error for an honest one.
    code = ex03::run_bank(*net, aggregators, name, mine, cheat, std::cout).accepted() || cheat != ex03::Cheat::none ? 0 : 3;
  }
  net->close();
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::multimap<std::string, std::string> options;
    for (int i = 1; i < argc; i += 2) {
      const std::string key = argv[i];
      if (key.rfind("--", 0) != 0 || i + 1 >= argc) throw privfin::InvalidArgument("expected --option value, got " + key);
      options.emplace(key.substr(2), argv[i + 1]);
    }
    return run(options);
  } catch (const std::exception& e) {
    std::cerr << "privfin-ex03-statistics: " << e.what() << "\n";
    return 2;
  }
}
