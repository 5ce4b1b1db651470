// privfin-ex02-aggregation — encrypted gradient aggregation (Example 02, README.md).
//
//   privfin-ex02-aggregation setup --dir D [--parties N] [--threshold T] [--bits B | --primes FILE]
//   privfin-launch --parties N+1 -- privfin-ex02-aggregation run --dir D [--cheat I] [--report FILE]
//   privfin-ex02-aggregation run --dir D --config cluster.json --id I ...   (one process of a cluster)
//
// `setup` is the trusted dealer: the threshold public key and one key-share
// file per data party into D. `run` is network party I: data party I < N,
// or the aggregator I = N. Exit 2 for a usage error, 1 when the run fails.
#include <CLI/CLI.hpp>
#include <privfin/core/bytes.hpp>
#include <privfin/net/tcp_network.hpp>
#include <privfin/service/key_file.hpp>
#include <privfin/service/launcher.hpp>

#include <cstdio>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>

#include "gradient_aggregation.hpp"

#ifndef EX02_SOURCE_DIR
#define EX02_SOURCE_DIR "."
#endif

namespace {

namespace fs = std::filesystem;

struct Options {
  fs::path dir;
  std::size_t parties = 4;                 // setup
  std::optional<std::size_t> threshold;    //   default: a majority
  std::optional<std::size_t> bits;         //   fresh safe primes of this size, or
  std::string primes = EX02_SOURCE_DIR "/demo_safe_primes.txt";  // two safe primes in hex
  ex02::Params params;                     // run
  std::string data = EX02_SOURCE_DIR "/wdbc.csv";
  std::optional<std::string> config, report;
  std::optional<std::size_t> id, cheat;
};

fs::path public_key_file(const fs::path& dir) { return dir / "threshold.pub"; }
fs::path key_share_file(const fs::path& dir, std::size_t i) { return dir / ("keyshare" + std::to_string(i) + ".key"); }

// Two safe primes in hex, one a line; '#' starts a comment line.
std::vector<mpz_class> read_primes(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw privfin::InvalidArgument("cannot open " + file);
  std::vector<mpz_class> primes;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#' && primes.emplace_back().set_str(line, 16) != 0) {
      throw privfin::DecodeError("not a hex number in the primes file: " + line.substr(0, 16));
    }
  }
  if (primes.size() != 2) throw privfin::DecodeError("the primes file must hold two safe primes");
  return primes;
}

// The dealer: a threshold key for N data parties, t of which decrypt.
void setup(const Options& o) {
  const std::size_t n = o.parties, t = o.threshold.value_or(n / 2 + 1);
  privfin::Prg prg(privfin::random_seed());
  const auto primes = o.bits ? std::vector<mpz_class>{} : read_primes(o.primes);
  const auto keys = o.bits ? privfin::he::ThresholdPaillierDealer::generate(*o.bits, t, n, prg)
                           : privfin::he::ThresholdPaillierDealer::from_safe_primes(primes[0], primes[1], t, n, prg);
  fs::create_directories(o.dir);
  privfin::service::write_public_file(public_key_file(o.dir), keys.public_key.to_bytes());
  for (const auto& share : keys.shares) {  // mode 0600, in the clear for the demo (KeyFileOptions::passphrase)
    privfin::service::save_key_file(key_share_file(o.dir, share.party()), share, keys.public_key, {}, prg);
  }
  std::cout << "dealer: " << keys.public_key.paillier().modulus_bits() << "-bit threshold Paillier key, t = " << t
            << " of " << n << ", public key and key shares in " << o.dir.string() << "\n";
}

// Per round: round accuracy rejected bytes ms, the 31 decrypted sums, the 31 weights.
void write_report(std::ostream& out, const ex02::RoundOutcome& o, const std::string& rejected) {
  out << o.round << " " << std::setprecision(17) << o.accuracy << " " << rejected << " " << o.bytes << " "
      << o.seconds * 1000.0;
  for (auto v : o.aggregate) out << " " << v;
  for (auto v : o.weights) out << " " << v;
  out << "\n" << std::flush;
}

void run(Options o) {
  const auto tpk = privfin::he::ThresholdPaillierPublicKey::from_bytes(
      privfin::service::read_public_file(public_key_file(o.dir)));
  ex02::Params& p = o.params;
  p.parties = tpk.parties();
  p.threshold = tpk.threshold();
  const auto split = ex02::prepare(ex02::load_dataset(o.data), p);

  // Started by privfin-launch, or one process of a cluster.json (privfin-keygen, docs/networking.md).
  auto party = o.config ? privfin::service::LaunchedParty{*o.id, privfin::net::PartyConfig::load(*o.config), {}}
                        : privfin::service::launched_party();
  const std::size_t me = party.id, n = p.parties;
  const bool cheat = o.cheat == me;
  std::optional<privfin::he::ThresholdPaillierKeyShare> share;
  if (me < n) share = privfin::service::load_threshold_paillier_key_share(key_share_file(o.dir, me), tpk);
  std::optional<std::ofstream> report;
  if (o.report) report.emplace(*o.report);
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
  Options o;
  CLI::App app{"Example 02: encrypted gradient aggregation with threshold Paillier (README.md)"};
  app.require_subcommand(1);
  auto* setup_command = app.add_subcommand("setup", "the trusted dealer: threshold public key and key-share files");
  setup_command->add_option("--dir", o.dir, "where the key files go")->required();
  setup_command->add_option("--parties", o.parties, "data parties N")->check(CLI::Range(2, 64));
  setup_command->add_option("--threshold", o.threshold, "shares needed to decrypt (default: a majority)");
  auto* bits = setup_command->add_option("--bits", o.bits, "generate safe primes for a key of this size (slow)");
  setup_command->add_option("--primes", o.primes, "file of two safe primes in hex")->excludes(bits);
  auto* run_command = app.add_subcommand("run", "one party: data party I < N or the aggregator N");
  run_command->add_option("--dir", o.dir, "the folder setup wrote")->required();
  run_command->add_option("--rounds", o.params.rounds, "gradient steps")->check(CLI::Range(1, 10000));
  run_command->add_option("--learning-rate", o.params.learning_rate)->check(CLI::PositiveNumber);
  run_command->add_option("--split-seed", o.params.split_seed, "the public shuffle of the rows");
  run_command->add_option("--data", o.data, "the wdbc.csv table");
  run_command->add_option("--cheat", o.cheat, "data party that decrypts with a random secret");
  run_command->add_option("--report", o.report, "per-round figures into this file");
  auto* id = run_command->add_option("--id", o.id, "this party's id in --config");
  run_command->add_option("--config", o.config, "cluster.json, without privfin-launch")->needs(id);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    if (setup_command->parsed()) {
      setup(o);
    } else {
      run(o);
    }
    return 0;
  } catch (const privfin::InvalidArgument& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << app.get_subcommands().front()->get_name() << ": " << e.what() << "\n";
    return 1;
  }
}
