// anti_stacking — one party of the anti-stacking loan check (see README.md).
//
//   anti_stacking generate --out DIR --lenders M --borrowers B --applications A [--seed S] [--limit L]
//   anti_stacking server   --deployment FILE --id I
//   anti_stacking dealer   --deployment FILE                (protocol "beaver" only)
//   anti_stacking lender   --deployment FILE --index J --balances CSV --applications CSV
//                          [--expected CSV]                 (check against plaintext)
//
// Exit status: 0 on success, 1 when a lender's results differ from
// --expected, 2 on any error (bad input, network failure).
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "anti_stacking.hpp"
#include "sample_data.hpp"
#include "privfin/net/party_config.hpp"
#include "privfin/net/tcp_network.hpp"

using namespace anti_stacking;
namespace net = privfin::net;
namespace mpc = privfin::mpc;

namespace {

std::map<std::string, std::string> parse_args(int argc, char** argv) {
  std::map<std::string, std::string> out;
  for (int i = 2; i < argc; ++i) {
    const std::string key = argv[i];
    if (key.rfind("--", 0) != 0 || i + 1 >= argc) throw InvalidArgument("bad argument " + key);
    out[key.substr(2)] = argv[++i];
  }
  return out;
}

const std::string& need(const std::map<std::string, std::string>& a, const std::string& key) {
  const auto it = a.find(key);
  if (it == a.end()) throw InvalidArgument("missing --" + key);
  return it->second;
}

std::size_t number(const std::map<std::string, std::string>& a, const std::string& key) {
  return static_cast<std::size_t>(std::stoull(need(a, key)));
}

struct Loaded {
  Deployment d;
  net::PartyConfig cluster;
};

Loaded load(const std::string& file) {
  std::ifstream in = open_file(file);
  std::stringstream ss;
  ss << in.rdbuf();
  Loaded l{Deployment::parse(ss.str()), {}};
  std::filesystem::path cluster = l.d.cluster.empty() ? "cluster.json" : l.d.cluster;
  if (cluster.is_relative()) cluster = std::filesystem::path(file).parent_path() / cluster;
  l.cluster = net::PartyConfig::load(cluster);
  if (l.cluster.party_count() != l.d.party_count()) {
    throw InvalidArgument("cluster lists " + std::to_string(l.cluster.party_count()) + " parties, deployment needs " +
                          std::to_string(l.d.party_count()));
  }
  return l;
}

void print_traffic(const char* who, const net::Network& n) {
  const auto t = n.total_counters();
  std::printf("%s traffic: sent %.2f MB, received %.2f MB, rounds %llu\n", who,
              static_cast<double>(t.bytes_sent) / 1e6, static_cast<double>(t.bytes_received) / 1e6,
              static_cast<unsigned long long>(t.rounds));
}

int generate(const std::map<std::string, std::string>& a) {
  const std::size_t lenders = number(a, "lenders"), borrowers = number(a, "borrowers");
  const std::size_t apps = number(a, "applications");
  const std::uint64_t seed = a.count("seed") != 0 ? std::stoull(a.at("seed")) : 1;
  const std::int64_t limit = a.count("limit") != 0 ? parse_amount(a.at("limit"), "--limit") : max_amount_cents;
  write_samples(need(a, "out"), lenders, borrowers, apps, seed, limit);
  std::printf("wrote portfolios of %zu lenders over %zu borrowers and %zu applications to %s\n", lenders, borrowers,
              apps, need(a, "out").c_str());
  return 0;
}

// Calls body.template operator()<P>() with the deployment's engine.
template <class Body>
auto with_engine(Engine engine, Body&& body) {
  return engine == Engine::rep3 ? body.template operator()<mpc::Rep3>() : body.template operator()<mpc::Beaver>();
}

int server(const std::map<std::string, std::string>& a) {
  const Loaded l = load(need(a, "deployment"));
  const std::size_t id = number(a, "id");
  if (id >= l.d.servers) throw InvalidArgument("server id must be below " + std::to_string(l.d.servers));
  auto network = net::TcpNetwork::connect(l.cluster, id);
  privfin::Prg seeds(privfin::random_seed());
  const ServerReport r = with_engine(l.d.engine, [&]<class P>() {
    auto session = open_session<P>(*network, l.d);
    return serve(session, l.d, seeds);
  });
  std::printf("server %zu learned: nothing about balances or decisions; only that %zu checks were requested\n", id,
              r.checks);
  std::printf("server %zu: %zu checks in %.3f s = %.0f checks/s\n", id, r.checks, r.seconds,
              r.seconds > 0 ? static_cast<double>(r.checks) / r.seconds : 0.0);
  print_traffic(("server " + std::to_string(id)).c_str(), *network);
  network->close();
  return 0;
}

int dealer(const std::map<std::string, std::string>& a) {
  const Loaded l = load(need(a, "deployment"));
  if (l.d.engine != Engine::beaver) throw InvalidArgument("the dealer runs only with protocol \"beaver\"");
  auto network = net::TcpNetwork::connect(l.cluster, l.d.dealer_id());
  privfin::Prg seeds(privfin::random_seed());
  auto session = open_session<mpc::Beaver>(*network, l.d);
  const auto st = run_dealer(session, l.d, seeds);
  std::printf("dealer learned: only request sizes (%llu triples, %llu AND-triple words, %llu requests)\n",
              static_cast<unsigned long long>(st.arith_triples), static_cast<unsigned long long>(st.bool_triple_words),
              static_cast<unsigned long long>(st.requests));
  print_traffic("dealer", *network);
  network->close();
  return 0;
}

int lender(const std::map<std::string, std::string>& a) {
  const Loaded l = load(need(a, "deployment"));
  const std::size_t index = number(a, "index");
  if (index >= l.d.lenders) throw InvalidArgument("lender index must be below " + std::to_string(l.d.lenders));
  // Parse and validate everything before connecting: a bad balance never gets shared.
  LenderBook book;
  {
    auto in = open_file(need(a, "balances"));
    book.balances = parse_balances(in, l.d.borrowers, need(a, "balances"));
    auto ap = open_file(need(a, "applications"));
    book.applications = parse_applications(ap, l.d.borrowers, need(a, "applications"));
  }
  auto network = net::TcpNetwork::connect(l.cluster, l.d.first_lender() + index);
  privfin::Prg prg(privfin::random_seed());
  const auto start = std::chrono::steady_clock::now();
  const auto decisions = with_engine(l.d.engine, [&]<class P>() {
    auto session = open_session<P>(*network, l.d);
    return run_lender(session, l.d, book, prg);
  });
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::size_t approved = 0;
  for (bool ok : decisions) approved += ok ? 1 : 0;
  std::printf("lender %zu learned: %zu decisions for its own applications (%zu approve, %zu decline)",
              index, decisions.size(), approved, decisions.size() - approved);
  for (std::size_t k = 0; k < decisions.size() && k < 3; ++k) {
    std::printf("%s borrower %zu %s", k == 0 ? "; e.g." : ",", book.applications[k].borrower,
                decisions[k] ? "approve" : "decline");
  }
  std::printf("\nlender %zu: batch done in %.3f s\n", index, secs);
  print_traffic(("lender " + std::to_string(index)).c_str(), *network);
  network->close();
  if (a.count("expected") != 0) {
    const auto [bad, k] = compare_with_expected(decisions, a.at("expected"));
    if (bad != 0) {
      std::printf("lender %zu: MISMATCH with the plaintext computation (%zu of %zu)\n", index, bad, k);
      return 1;
    }
    std::printf("lender %zu: all %zu decisions match the plaintext computation\n", index, k);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: %s generate|server|dealer|lender --option value ...\n"
                 "  generate --out DIR --lenders M --borrowers B --applications A [--seed S] [--limit L]\n"
                 "  server   --deployment FILE --id I\n"
                 "  dealer   --deployment FILE\n"
                 "  lender   --deployment FILE --index J --balances CSV --applications CSV [--expected CSV]\n",
                 argv[0]);
    return 2;
  }
  const std::string role = argv[1];
  try {
    const auto args = parse_args(argc, argv);
    if (role == "generate") return generate(args);
    if (role == "server") return server(args);
    if (role == "dealer") return dealer(args);
    if (role == "lender") return lender(args);
    std::fprintf(stderr, "unknown role %s\n", role.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "anti_stacking %s: error: %s\n", role.c_str(), e.what());
    return 2;
  }
}
