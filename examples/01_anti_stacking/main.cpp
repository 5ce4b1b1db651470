// anti_stacking — one party of the anti-stacking loan check (README.md).
//
//   anti_stacking --protocol rep3|beaver [--servers S] --lenders M --borrowers B [--limit L]
//                 [--data DIR] [--out DIR] [--party I --config CLUSTER]
//
// Its role follows from its network id (servers, the dealer, then the
// lenders). Under privfin-launch the id, cluster and listening socket come
// from the launcher; by hand, from --party and --config. Lender j reads
// DIR/lenderj_balances.csv and DIR/lenderj_applications.csv before it
// connects (a bad balance is never shared) and writes its decisions to
// OUT/lenderj_decisions.csv. Exit status 0, or 2 on any error.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <fstream>
#include <map>
#include <string>

#include "anti_stacking.hpp"
#include "privfin/net/party_config.hpp"
#include "privfin/net/tcp_network.hpp"
#include "privfin/service/launcher.hpp"

using namespace anti_stacking;

namespace {

std::ifstream open_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InvalidArgument("cannot open " + path);
  return in;
}

void run(const std::map<std::string, std::string>& o, std::string& who) {
  const Deployment d = Deployment::from_options(o);
  const auto id = o.contains("party") ? std::optional(parse_count(o.at("party"), d.party_count(), "--party"))
                                      : std::nullopt;
  auto me = privfin::service::this_party(o.contains("config") ? std::optional(o.at("config")) : std::nullopt, id);
  if (me.config.party_count() != d.party_count()) {
    throw InvalidArgument("the cluster must list " + std::to_string(d.party_count()) + " parties");
  }
  const bool server = me.id < d.servers, lender = me.id >= d.first_lender();
  const std::string j = lender ? std::to_string(me.id - d.first_lender()) : "";
  who = server ? "server " + std::to_string(me.id) : lender ? "lender " + j : "dealer";
  LenderBook book;
  if (lender) {
    const std::string stem = (o.contains("data") ? o.at("data") + "/" : "") + "lender" + j;
    auto balances = open_file(stem + "_balances.csv"), applications = open_file(stem + "_applications.csv");
    book = parse_book(balances, applications, d.borrowers, stem);
  }
  auto network = privfin::net::TcpNetwork::connect(me.config, me.id, std::move(me.listener));
  privfin::Prg prg(privfin::random_seed());
  const Outcome r = d.engine == Engine::rep3 ? run_party<privfin::mpc::Rep3>(*network, d, book, prg)
                                             : run_party<privfin::mpc::Beaver>(*network, d, book, prg);
  const char* name = who.c_str();
  if (server) {
    std::printf("%s learned: nothing about balances or decisions; only that %zu checks were requested\n", name,
                r.checks);
    std::printf("%s: %zu checks in %.3f s = %.0f checks/s\n", name, r.checks, r.seconds,
                static_cast<double>(r.checks) / std::max(r.seconds, 1e-9));
  } else if (!lender) {
    std::printf("dealer learned: only request sizes (%llu triples, %llu AND-triple words, %llu requests)\n",
                static_cast<unsigned long long>(r.dealer.arith_triples),
                static_cast<unsigned long long>(r.dealer.bool_triple_words),
                static_cast<unsigned long long>(r.dealer.requests));
  } else {
    const auto approved = std::count(r.decisions.begin(), r.decisions.end(), true);
    std::printf("%s learned: %zu decisions for its own applications (%td approve, %td decline) in %.3f s\n", name,
                r.decisions.size(), approved, std::ssize(r.decisions) - approved, r.seconds);
    if (o.contains("out")) {
      std::ofstream out(o.at("out") + "/lender" + j + "_decisions.csv");
      out << "decision\n";
      for (const bool ok : r.decisions) out << (ok ? "approve\n" : "decline\n");
      if (!out.flush()) throw InvalidArgument("cannot write " + o.at("out") + "/lender" + j + "_decisions.csv");
    }
  }
  const auto t = network->total_counters();
  std::printf("%s traffic: sent %.2f MB, received %.2f MB, rounds %llu\n", name,
              static_cast<double>(t.bytes_sent) / 1e6, static_cast<double>(t.bytes_received) / 1e6,
              static_cast<unsigned long long>(t.rounds));
  network->close();
}

}  // namespace

int main(int argc, char** argv) {
  std::string who = "party";
  try {
    std::map<std::string, std::string> options;
    for (int i = 1; i < argc; i += 2) {
      const std::string key = argv[i];
      if (!key.starts_with("--") || i + 1 >= argc) throw InvalidArgument("bad argument " + key + " (see README.md)");
      options[key.substr(2)] = argv[i + 1];
    }
    run(options, who);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "anti_stacking %s: error: %s\n", who.c_str(), e.what());
    return 2;
  }
}
