// privfin-ex02-aggregation — encrypted gradient aggregation (Example 02, README.md).
//
//   privfin-ex02-aggregation setup --dir D [--parties N] [--threshold T] [--bits B | --primes FILE]
//   privfin-launch --parties N+1 -- privfin-ex02-aggregation run --dir D [--cheat I] [--report FILE]
//   privfin-ex02-aggregation run --dir D --config cluster.json --id I ...   (one process of a cluster)
//
// `setup` is the trusted dealer: the threshold public key and one key-share
// file per data party into D. `run` is network party I: data party I < N,
// or the aggregator I = N.
#include <privfin/core/bytes.hpp>
#include <privfin/net/tcp_network.hpp>
#include <privfin/service/key_file.hpp>
#include <privfin/service/launcher.hpp>

#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "gradient_aggregation.hpp"

#ifndef EX02_SOURCE_DIR
#define EX02_SOURCE_DIR "."
#endif

namespace {

namespace fs = std::filesystem;
using Options = std::map<std::string, std::string>;

// The value of --name, or `fallback` (none: the option is required).
template <typename T = std::string>
T get(const Options& o, const std::string& name, std::optional<T> fallback = {}) {
  const auto it = o.find(name);
  if (it == o.end() && !fallback) throw privfin::InvalidArgument("missing --" + name);
  if (it == o.end()) return *fallback;
  if constexpr (std::is_same_v<T, std::string>) return it->second;
  std::istringstream in(it->second);
  T v{};
  if (!(in >> v) || !in.eof() || it->second[0] == '-') {  // '-': an unsigned stream read would wrap it
    throw privfin::InvalidArgument("--" + name + " must be a positive number, got \"" + it->second + "\"");
  }
  return v;
}

fs::path public_key_file(const fs::path& dir) { return dir / "threshold.pub"; }
fs::path key_share_file(const fs::path& dir, std::size_t i) { return dir / ("keyshare" + std::to_string(i) + ".key"); }

// The dealer: a threshold key for N data parties, t of which decrypt.
void setup(const Options& o) {
  const fs::path dir = get(o, "dir");
  const auto n = get<std::size_t>(o, "parties", 4), t = get<std::size_t>(o, "threshold", n / 2 + 1);
  privfin::Prg prg(privfin::random_seed());
  const auto keys = [&] {
    if (o.count("bits")) return privfin::he::ThresholdPaillierDealer::generate(get<std::size_t>(o, "bits"), t, n, prg);
    // Two safe primes in hex, one a line, '#' starts a comment line.
    const std::string file = get<std::string>(o, "primes", EX02_SOURCE_DIR "/demo_safe_primes.txt");
    std::ifstream in(file);
    if (!in) throw privfin::InvalidArgument("cannot open " + file);
    std::vector<mpz_class> primes;
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line[0] != '#' && primes.emplace_back().set_str(line, 16) != 0) {
        throw privfin::DecodeError("not a hex number in the primes file: " + line.substr(0, 16));
      }
    }
    if (primes.size() != 2) throw privfin::DecodeError("the primes file must hold two safe primes");
    return privfin::he::ThresholdPaillierDealer::from_safe_primes(primes[0], primes[1], t, n, prg);
  }();
  fs::create_directories(dir);
  const auto pub = keys.public_key.to_bytes();
  std::ofstream out(public_key_file(dir), std::ios::binary);
  if (!out.write(reinterpret_cast<const char*>(pub.data()), std::streamsize(pub.size()))) {
    throw privfin::InvalidArgument("cannot write " + public_key_file(dir).string());
  }
  for (const auto& share : keys.shares) {  // mode 0600, in the clear for the demo (KeyFileOptions::passphrase)
    privfin::service::save_key_file(key_share_file(dir, share.party()), share, keys.public_key, {}, prg);
  }
  std::cout << "dealer: " << keys.public_key.paillier().modulus_bits() << "-bit threshold Paillier key, t = " << t
            << " of " << n << ", public key and key shares in " << dir.string() << "\n";
}

// Per round: round accuracy rejected bytes ms, the 31 decrypted sums, the 31 weights.
void write_report(std::ostream& out, const ex02::RoundOutcome& o, const std::string& rejected) {
  out << o.round << " " << std::setprecision(17) << o.accuracy << " " << rejected << " " << o.bytes << " "
      << o.seconds * 1000.0;
  for (auto v : o.aggregate) out << " " << v;
  for (auto v : o.weights) out << " " << v;
  out << "\n" << std::flush;
}

void run(const Options& o) {
  const fs::path dir = get(o, "dir");
  std::ifstream in(public_key_file(dir), std::ios::binary);
  std::ostringstream pub;
  if (!in || !(pub << in.rdbuf())) throw privfin::InvalidArgument("cannot read " + public_key_file(dir).string());
  const auto tpk = privfin::he::ThresholdPaillierPublicKey::from_bytes(privfin::as_bytes(pub.view()));
  const ex02::Params p{tpk.parties(), tpk.threshold(), get<std::size_t>(o, "rounds", 10),
                       get<double>(o, "learning-rate", 0.5), get<std::uint64_t>(o, "split-seed", 1)};
  const auto split = ex02::prepare(ex02::load_dataset(get<std::string>(o, "data", EX02_SOURCE_DIR "/wdbc.csv")), p);

  // Started by privfin-launch, or one process of a cluster.json (privfin-keygen, docs/networking.md).
  auto party = o.count("config") ? privfin::service::LaunchedParty{get<std::size_t>(o, "id"),
                                                                  privfin::net::PartyConfig::load(o.at("config")), {}}
                                 : privfin::service::launched_party();
  const std::size_t me = party.id, n = p.parties;
  const bool cheat = o.count("cheat") && get<std::size_t>(o, "cheat") == me;
  std::optional<privfin::he::ThresholdPaillierKeyShare> share;
  if (me < n) share = privfin::service::load_threshold_paillier_key_share(key_share_file(dir, me), tpk);
  std::optional<std::ofstream> report;
  if (o.count("report")) report.emplace(o.at("report"));
  if (me == n) {
    std::cout << "aggregator: " << n << " data parties, threshold " << p.threshold << ", "
              << tpk.paillier().modulus_bits() << "-bit modulus, " << ex02::packing(tpk, p).slots_per_plaintext()
              << " gradient values per ciphertext\nround  accuracy  rejected  traffic[KiB]  time[ms]" << std::endl;
  }
  const auto start = std::chrono::steady_clock::now();
  std::map<std::size_t, std::size_t> rejected_rounds;  // party -> rounds in which its shares were refused
  privfin::Prg prg(privfin::random_seed());
  auto net = privfin::net::TcpNetwork::connect(party.config, me, std::move(party.listener));
  const auto outcomes = ex02::run(*net, p, tpk, share ? &*share : nullptr, split, cheat, prg, [&](const auto& r) {
    std::set<std::size_t> from;
    for (const auto& rej : r.rejected) from.insert(rej.from.value_or(0));
    std::string names;
    for (auto i : from) {
      names += names.empty() ? "" : ",";
      names += std::to_string(i);
      ++rejected_rounds[i];
    }
    if (report) write_report(*report, r, names.empty() ? "-" : names);
    if (me != n) return;
    std::printf("%5zu  %8.4f  %8s  %12.1f  %8.0f\n", r.round, r.accuracy, names.empty() ? "-" : names.c_str(),
                double(r.bytes) / 1024.0, r.seconds * 1000.0);
    for (const auto& rej : r.rejected) {
      std::string used_parties;
      for (auto u : r.used_parties) used_parties.append(" ").append(std::to_string(u));
      std::printf("       %s; decrypted with parties%s\n", rej.describe().c_str(), used_parties.c_str());
    }
    std::fflush(stdout);
  });
  const auto total = net->total_counters();
  net->close();
  std::string named;
  for (const auto& [who, rounds] : rejected_rounds) {
    named += " party " + std::to_string(who) + " (" + std::to_string(rounds) + " rounds)";
  }
  const auto [begin, end] = ex02::party_rows(split, me, n);
  std::cout << (me == n ? "aggregator" : "party " + std::to_string(me) + (cheat ? " (cheating)" : "")) << ": "
            << (me == n ? "" : std::to_string(end - begin) + " rows, ") << outcomes.size() << " rounds in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()
            << " s, final accuracy " << outcomes.back().accuracy << ", traffic "
            << double(total.bytes_sent + total.bytes_received) / 1024.0
            << " KiB; rejected shares:" << (named.empty() ? " none" : named) << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Options o;
    for (int i = 2; i < argc; i += 2) {
      const std::string name = argv[i];
      if (name.rfind("--", 0) != 0 || i + 1 >= argc) throw privfin::InvalidArgument("expected --option value: " + name);
      o[name.substr(2)] = argv[i + 1];
    }
    const std::string command = argc > 1 ? argv[1] : "";
    const std::set<std::string> known =
        command == "setup" ? std::set<std::string>{"dir", "parties", "threshold", "bits", "primes"}
                           : std::set<std::string>{"dir", "config", "id", "rounds", "learning-rate", "split-seed",
                                                   "data", "cheat", "report"};
    for (const auto& [name, value] : o) {
      if (!known.count(name)) throw privfin::InvalidArgument("unknown option --" + name);
    }
    if (command == "setup") {
      setup(o);
    } else if (command == "run") {
      run(o);
    } else {
      std::fputs("usage: privfin-ex02-aggregation setup --dir D [--parties N] [--threshold T] [--bits B | --primes F]\n"
                 "       privfin-launch --parties N+1 -- privfin-ex02-aggregation run --dir D [--rounds R]\n"
                 "         [--learning-rate X] [--split-seed S] [--data CSV] [--cheat I] [--report FILE]\n"
                 "       privfin-ex02-aggregation run --dir D --config cluster.json --id I ...\n", stderr);
      return 2;
    }
    return 0;
  } catch (const privfin::InvalidArgument& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << (argc > 1 ? argv[1] : "") << ": " << e.what() << "\n";
    return 1;
  }
}
