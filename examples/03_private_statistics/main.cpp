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
#include <CLI/CLI.hpp>
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

struct Options {
  std::string data;
  std::size_t aggregators = 2;
  std::vector<std::string> cheats;  // BANK=MODE
  std::optional<std::filesystem::path> config;
  std::optional<std::size_t> id;
};

int run(const Options& o) {
  const std::size_t aggregators = o.aggregators;
  const auto loans = ex03::read_loans_csv(o.data);
  const auto banks = ex03::bank_names(loans);
  std::map<std::string, ex03::Cheat> cheats;
  for (const auto& text : o.cheats) {
    const auto eq = text.find('=');
    const std::string bank = text.substr(0, eq);
    if (eq == std::string::npos || std::find(banks.begin(), banks.end(), bank) == banks.end()) {
      throw privfin::InvalidArgument("--cheat expects BANK=MODE with a bank of the loan file, got '" + text + "'");
    }
    cheats[bank] = ex03::parse_cheat(text.substr(eq + 1));
  }
  auto me = privfin::service::this_party(o.config, o.id);
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
  Options o;
  CLI::App app{"Example 03: private statistics across institutions with Prio3 (README.md)"};
  app.add_option("--data", o.data, "the loan file (bank,loan_id,risk_bucket,exposure_eur)")->required();
  app.add_option("--aggregators", o.aggregators, "2 or 3")->check(CLI::Range(2, 3));
  app.add_option("--cheat", o.cheats, "BANK=MODE: none, inflate, out-of-range, tamper-proof, replay");
  auto* id = app.add_option("--id", o.id, "this party's id in --config");
  app.add_option("--config", o.config, "cluster.json, without privfin-launch")->needs(id);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    return run(o);
  } catch (const std::exception& e) {
    std::cerr << "privfin-ex03-statistics: " << e.what() << "\n";
    return 2;
  }
}
