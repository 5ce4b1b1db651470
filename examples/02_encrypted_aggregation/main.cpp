// privfin-ex02-aggregation — encrypted gradient aggregation (Example 02, README.md).
//
//   privfin-keygen threshold-paillier --parties N --threshold T --out D [--primes demo_safe_primes.txt]
//   privfin-launch --parties N+1 -- privfin-ex02-aggregation --dir D [--cheat I] [--report FILE]
//   privfin-ex02-aggregation --dir D --config cluster.json --id I ...   (one process of a cluster)
//
// privfin-keygen is the trusted dealer: the threshold public key and one
// key-share file per data party into D. This program is network party I:
// data party I < N, or the aggregator I = N. Exit 2 for a usage error, 1
// when the run fails.
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
  ex02::Params params;
  std::string data = EX02_SOURCE_DIR "/wdbc.csv";
  std::optional<fs::path> config, passphrase_file;
  std::optional<std::string> report;
  std::optional<std::size_t> id, cheat;
};

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
      privfin::service::read_public_file(o.dir / "threshold.pub"));
  ex02::Params& p = o.params;
  p.parties = tpk.parties();
  p.threshold = tpk.threshold();
  const auto split = ex02::prepare(ex02::load_dataset(o.data), p);

  // Started by privfin-launch, or one process of a cluster.json (privfin-keygen, docs/networking.md).
  auto party = privfin::service::this_party(o.config, o.id);
  const std::size_t me = party.id, n = p.parties;
  const bool cheat = o.cheat == me;
  std::optional<privfin::he::ThresholdPaillierKeyShare> share;
  if (me < n) {
    const auto file = o.dir / ("keyshare" + std::to_string(me) + ".key");
    if (o.passphrase_file) {
      share = privfin::service::load_threshold_paillier_key_share(
          file, tpk, privfin::service::read_passphrase_file(*o.passphrase_file).view());
    } else {
      share = privfin::service::load_threshold_paillier_key_share(file, tpk);
    }
  }
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
  app.add_option("--dir", o.dir, "the keys of privfin-keygen threshold-paillier")->required();
  app.add_option("--rounds", o.params.rounds, "gradient steps")->check(CLI::Range(1, 10000));
  app.add_option("--learning-rate", o.params.learning_rate)->check(CLI::PositiveNumber);
  app.add_option("--split-seed", o.params.split_seed, "the public shuffle of the rows");
  app.add_option("--data", o.data, "the wdbc.csv table");
  app.add_option("--cheat", o.cheat, "data party that decrypts with a random secret");
  app.add_option("--report", o.report, "per-round figures into this file");
  app.add_option("--passphrase-file", o.passphrase_file, "the key shares' passphrase (first line)");
  auto* id = app.add_option("--id", o.id, "this party's id in --config");
  app.add_option("--config", o.config, "cluster.json, without privfin-launch")->needs(id);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    run(o);
    return 0;
  } catch (const privfin::InvalidArgument& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "privfin-ex02-aggregation: " << e.what() << "\n";
    return 1;
  }
}
