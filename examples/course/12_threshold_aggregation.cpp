// Lesson 12 — a deployment on the drivers: four banks hold a 3-of-4
// threshold Paillier key; an aggregator adds their encrypted exposures and
// learns only the total, decrypted by the banks over TLS.
//
// What it teaches: lesson 06 passed decryption shares by hand between
// threads. Here each party is its own process (service::launch), the key
// shares come from key files (service/key_file.hpp, mode 0600), and two
// drivers do the rounds: service::EncryptedSum collects the encrypted
// exposures at the aggregator, which posts their sum and every
// contribution, and each bank checks its own is there and the sum is
// right; service::ThresholdDecryption sends each bank's decryption share
// with its proof to the aggregator, which checks every proof, checks that
// each share comes from its owner's authenticated connection, names any
// cheater and combines t = 3 shares.
//
//   service::EncryptedSum sum(net, pk, {0, 1, 2, 3}, 4, 1);
//   auto total = sum.contribute({pk.encrypt(mine, prg)});   // a bank; sum.aggregate() at 4
//   service::ThresholdDecryption dec(net, tpk, my_share, {0, 1, 2, 3}, {4});   // a bank
//   service::ThresholdDecryption dec(net, tpk, {0, 1, 2, 3}, {4});             // the aggregator
//   auto result = dec.decrypt(total, prg);   // result.plaintexts at party 4
//
// Network ids: 0-3 the banks (key share i is party i's), 4 the aggregator.
// The files are the ones `privfin-keygen threshold-paillier --parties 4
// --threshold 3 --out DIR` writes: DIR/threshold.pub and DIR/keyshare<i>.key.
// Costs at 2048 bits: about 50 ms per decryption share and proof, 30 ms to
// check one (docs/performance.md); one round, plus the driver's agreement
// on the key id, t, l and the roles before the first batch.
// Run without arguments: it deals the keys, writes the key files into a
// private folder, and launches itself five times ("party").
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "course.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/he/threshold_paillier.hpp"
#include "privfin/service/encrypted_sum.hpp"
#include "privfin/service/key_file.hpp"
#include "privfin/service/launcher.hpp"
#include "privfin/service/threshold_decryption.hpp"

using namespace privfin;
namespace fs = std::filesystem;

const std::vector<long> exposures = {1'200'000, 3'400'000, 560'000, 75'000};  // bank i's, in EUR
const std::vector<std::size_t> banks = {0, 1, 2, 3};
constexpr std::size_t aggregator = 4;

void party() {
  auto launched = service::launched_party();
  const fs::path keys = std::getenv("COURSE12_KEYS");  // set by main() through the launcher
  const auto tpk = he::ThresholdPaillierPublicKey::from_bytes(service::read_public_file(keys / "threshold.pub"));
  const he::PaillierPublicKey& pk = tpk.paillier();
  auto net = net::TcpNetwork::connect(launched.config, launched.id, std::move(launched.listener));
  const std::size_t me = net->party_id();
  service::agree(*net, service::Parameters("course lesson 12: threshold aggregation", 1)
                           .set("currency", "EUR")
                           .set("aggregator", std::int64_t{aggregator}));
  Prg prg(random_seed());

  service::EncryptedSum sum(*net, pk, banks, aggregator, /*length=*/1);
  if (me == aggregator) {
    const auto total = sum.aggregate();
    service::ThresholdDecryption dec(*net, tpk, banks, {aggregator});
    const service::DecryptionResult result = dec.decrypt(total, prg);
    long want = 0;
    for (const long x : exposures) want += x;
    std::printf("total exposure: %s EUR, from the shares of %zu banks\n", result.plaintexts[0].get_str().c_str(),
                result.used_parties.size());
    course::expect(result.plaintexts[0] == want, "the decrypted total equals the plaintext sum");
    course::expect(result.rejected.empty() && result.used_parties.size() == 3, "3 valid shares, none rejected");
  } else {
    const he::ThresholdPaillierKeyShare share = service::load_threshold_paillier_key_share(
        keys / ("keyshare" + std::to_string(me) + ".key"), tpk);  // refuses a file group or others may read
    const auto total = sum.contribute(std::vector{pk.encrypt(exposures[me], prg)});  // checks the posted sum
    service::ThresholdDecryption dec(*net, tpk, share, banks, {aggregator});
    (void)dec.decrypt(total, prg);  // sends my decryption share and proof to party 4
    std::printf("sent my decryption share of the total\n");
  }
  net->close();
}

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "party") return course::main_guard(party);
  const fs::path dir = fs::temp_directory_path() / ("privfin-course-12-" + std::to_string(getpid()));
  const int code = course::main_guard([&] {
    fs::create_directory(dir);
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
    // The dealer, run once and then gone (privfin-keygen threshold-paillier
    // as a tool). The search time for safe primes varies widely, so the
    // lesson uses two fixed 512-bit ones (a 1024-bit key, as in
    // tests/he/test_keys.hpp) to run in a fixed time; real keys:
    // ThresholdPaillierDealer::generate(2048, 3, 4, prg).
    const mpz_class p("f545578a602f447af789df2b0102ab8255f2a6e6dedce5c47f4973f2bf6b84ad148b55a794ac579d47445e0faab6af90e553981ec08be3abbce41e9497685fa7", 16);
    const mpz_class q("ce897ce00c915efc9350a0f537911df4447d4783d6d6216d97dd87c3590e67695db5061d68b97a7694762e7dc5c1df3f8e1bcf0d3d306ff5c8c7c2d68daa56cb", 16);
    Prg prg(random_seed());
    const auto keys = he::ThresholdPaillierDealer::from_safe_primes(p, q, /*threshold=*/3, /*parties=*/4, prg);
    service::write_public_file(dir / "threshold.pub", keys.public_key.to_bytes());
    for (const std::size_t i : banks) {  // mode 0600; options.passphrase would encrypt them
      service::save_key_file(dir / ("keyshare" + std::to_string(i) + ".key"), keys.shares[i], keys.public_key, {}, prg);
    }

    service::LaunchOptions options;
    options.parties = 5;
    options.command = {service::this_program().string(), "party"};
    options.environment = {{"COURSE12_KEYS", dir.string()}};
    options.connect_timeout = std::chrono::seconds(10);
    options.receive_timeout = std::chrono::seconds(20);
    options.time_limit = std::chrono::seconds(60);
    const service::LaunchResult result = service::launch(options);  // each line "[party i] ..."
    for (const auto& r : result.parties) std::printf("party %zu: %s\n", r.id, r.describe().c_str());
    course::expect(result.all_succeeded(), "all five parties finished and the aggregator's total was right");
  });
  fs::remove_all(dir);
  return code;
}
