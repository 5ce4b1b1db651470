// privfin-keygen — writes the keys a deployment starts from.
//
//   privfin-keygen --parties 3 --out cluster [--host 127.0.0.1] [--base-port 47000] [--plain]
//   privfin-keygen --key party.key --cert party.crt --name "bank-a" [--days 825]
//   privfin-keygen threshold-paillier --parties N --threshold T --out DIR
//                  [--bits 2048 | --primes FILE] [--passphrase-file FILE]
//   privfin-keygen validator --name bank-a --out DIR [--weight 1] [--passphrase-file FILE]
//   privfin-keygen account --out bank-a.key [--passphrase-file FILE]
//   privfin-keygen genesis --chain-id settlement [--app payments|kv] --card a.validator.json --card ...
//                  [--account PUBLIC_KEY_HEX=BALANCE ...] [--time NS] --out genesis.bin
//                  [--engine tendermint|gosig] [--stage-one-ms 1000] [--stage-two-ms 1000] [--candidates 3]
//
// The first form writes cluster/party<i>.key (mode 0600), party<i>.crt and
// cluster/cluster.json for a cluster on one host; the second writes one
// party's TLS credentials (for a cluster across machines, see
// docs/networking.md). The third is a trusted dealer for threshold Paillier
// (docs/paillier.md): DIR/threshold.pub (the public key, mode 0644) and
// DIR/keyshare<i>.key for network party i = 0..N-1 (key files, mode 0600,
// encrypted under the passphrase if one is given; service/key_file.hpp).
// With --primes it uses two safe primes from FILE (hex, one per line, '#'
// starts a comment) instead of generating them, which takes minutes at 2048
// bits. The last three are a consortium's chain built without anyone
// seeing another bank's secret keys (docs/node.md, "A chain across
// banks"): each bank makes its validator keys (DIR/validator.key (BLS),
// vrf.key (ECVRF), identity.key (Ed25519), mode 0600) and a public card
// DIR/NAME.validator.json with a proof of possession, and its account key;
// the genesis is assembled from the cards (each proof checked, duplicate
// keys refused); --engine gosig makes a Gosig chain (its rounds count from
// --time, by default now). They need the ledger build (RocksDB). Exit 0, 2 for a
// usage error, 1 when it fails.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <exception>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "keygen_consensus.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/he/threshold_paillier.hpp"
#include "privfin/net/keygen.hpp"
#include "privfin/service/key_file.hpp"

namespace {

namespace fs = std::filesystem;

// Two safe primes in hex, one a line; '#' starts a comment line.
std::vector<mpz_class> read_primes(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw privfin::InvalidArgument("cannot open " + file.string());
  std::vector<mpz_class> primes;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    if (primes.emplace_back().set_str(line, 16) != 0) {
      throw privfin::DecodeError(file.string() + ": not a hex number: " + line.substr(0, 16));
    }
  }
  if (primes.size() != 2) throw privfin::DecodeError(file.string() + " must hold two safe primes");
  return primes;
}

struct ThresholdOptions {
  std::size_t parties = 0, threshold = 0;
  fs::path out;
  std::optional<std::size_t> bits;
  std::optional<fs::path> primes, passphrase_file;
};

void deal_threshold_paillier(const ThresholdOptions& o) {
  privfin::Prg prg(privfin::random_seed());
  using Dealer = privfin::he::ThresholdPaillierDealer;
  const auto primes = o.primes ? read_primes(*o.primes) : std::vector<mpz_class>{};
  const auto keys = o.primes ? Dealer::from_safe_primes(primes[0], primes[1], o.threshold, o.parties, prg)
                             : Dealer::generate(o.bits.value_or(2048), o.threshold, o.parties, prg);
  fs::create_directories(o.out);
  privfin::service::write_public_file(o.out / "threshold.pub", keys.public_key.to_bytes());
  std::optional<privfin::SecretBytes> passphrase;
  privfin::service::KeyFileOptions options;
  if (o.passphrase_file) {
    options.passphrase = passphrase.emplace(privfin::service::read_passphrase_file(*o.passphrase_file)).view();
  }
  for (const auto& share : keys.shares) {
    const auto file = o.out / ("keyshare" + std::to_string(share.party()) + ".key");
    privfin::service::save_key_file(file, share, keys.public_key, options, prg);
  }
  std::printf("dealer: %zu-bit threshold Paillier key, t = %zu of %zu; %s/threshold.pub and keyshare0..%zu.key%s\n",
              keys.public_key.paillier().modulus_bits(), o.threshold, o.parties, o.out.string().c_str(),
              o.parties - 1, o.passphrase_file ? " (encrypted)" : "");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"privfin-keygen: TLS credentials and cluster files, threshold Paillier keys"};
  std::size_t parties = 0, days = 825;
  std::uint16_t base_port = 47000;
  std::string host = "127.0.0.1";
  fs::path out, key, cert;
  std::string name;
  bool plain = false;
  app.add_option("--parties", parties, "a local cluster of this many parties")->check(CLI::Range(2, 65535));
  app.add_option("--out", out, "the cluster's folder");
  app.add_option("--host", host, "the cluster's host");
  app.add_option("--base-port", base_port, "party i listens on base-port + i");
  app.add_flag("--plain", plain, "plain TCP, no TLS (tests on one machine only)");
  auto* key_option = app.add_option("--key", key, "one party's private key file");
  app.add_option("--cert", cert, "one party's certificate file")->needs(key_option);
  app.add_option("--name", name, "the certificate's common name");
  app.add_option("--days", days, "validity")->check(CLI::Range(1, 36500));

  ThresholdOptions t;
  auto* threshold = app.add_subcommand("threshold-paillier", "deal a threshold Paillier key to N parties");
  threshold->add_option("--parties", t.parties, "key holders N")->required()->check(CLI::Range(2, 64));
  threshold->add_option("--threshold", t.threshold, "shares needed to decrypt")->required()->check(CLI::Range(1, 64));
  threshold->add_option("--out", t.out, "the folder for threshold.pub and the key shares")->required();
  auto* bits = threshold->add_option("--bits", t.bits, "modulus size for fresh safe primes")->check(CLI::Range(1024, 8192));
  threshold->add_option("--primes", t.primes, "a file of two safe primes in hex, one a line ('#' comments)")->excludes(bits);
  threshold->add_option("--passphrase-file", t.passphrase_file, "encrypt the key shares under this file's first line");
  const auto run_consensus_command = add_consensus_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    if (run_consensus_command()) {
      // done
    } else if (threshold->parsed()) {
      if (t.threshold > t.parties) throw privfin::InvalidArgument("--threshold exceeds --parties");
      deal_threshold_paillier(t);
    } else if (!key.empty()) {
      if (cert.empty() || name.empty()) throw privfin::InvalidArgument("--key needs --cert and --name");
      privfin::net::write_party_credentials(key, cert, name, static_cast<int>(days));
      std::printf("wrote %s and %s\n", key.c_str(), cert.c_str());
    } else {
      if (parties == 0 || out.empty()) throw privfin::InvalidArgument("give --parties and --out (see --help)");
      const auto config = privfin::net::write_local_cluster(
          out, parties, host, base_port, plain ? privfin::net::Transport::plain_insecure : privfin::net::Transport::tls);
      std::printf("wrote %zu key pairs and %s/cluster.json\n", config.party_count(), out.c_str());
    }
    return 0;
  } catch (const privfin::InvalidArgument& e) {
    std::fprintf(stderr, "privfin-keygen: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "privfin-keygen: %s\n", e.what());
    return 1;
  }
}
