// privfin-keygen threshold-paillier (tools/privfin_keygen.cpp), the dealer
// as a tool: the files it writes load with the service key-file API, the
// key shares are encrypted under a passphrase file when one is given, and
// bad options are refused with exit status 2 before anything is written.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <string>

#include "he/test_keys.hpp"
#include "privfin/he/threshold_paillier.hpp"
#include "privfin/service/key_file.hpp"
#include "support/processes.hpp"

using namespace privfin;

namespace {

int run(const std::string& arguments) {
  const int status = std::system((std::string("'") + PRIVFIN_KEYGEN_TOOL + "' " + arguments + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("privfin-keygen threshold-paillier: loadable key files, encrypted under a passphrase file",
          "[service][key_file][keygen]") {
  test::TempDir dir;
  const auto primes = dir.path() / "primes.txt", pass = dir.path() / "pass.txt", keys = dir.path() / "keys";
  std::ofstream(primes) << "# two safe primes\n" << test::safe_p512().get_str(16) << "\n" << test::safe_q512().get_str(16) << "\n";
  std::ofstream(pass) << "correct horse\n";
  REQUIRE(run("threshold-paillier --out '" + keys.string() + "' --parties 3 --threshold 2 --primes '" +
              primes.string() + "' --passphrase-file '" + pass.string() + "'") == 0);
  const auto tpk = he::ThresholdPaillierPublicKey::from_bytes(service::read_public_file(keys / "threshold.pub"));
  CHECK(tpk.parties() == 3);
  CHECK(tpk.threshold() == 2);
  CHECK(tpk.paillier().modulus_bits() == 1024);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto file = keys / ("keyshare" + std::to_string(i) + ".key");
    CHECK(service::load_threshold_paillier_key_share(file, tpk, as_bytes(std::string_view("correct horse"))).party() == i);
    CHECK_THROWS_AS(service::load_threshold_paillier_key_share(file, tpk), InvalidArgument);  // needs the passphrase
  }
  CHECK(run("threshold-paillier --out '" + keys.string() + "2' --parties 3 --threshold 4 --primes '" + primes.string() + "'") == 2);
  CHECK(run("threshold-paillier --out '" + keys.string() + "2' --parties 3 --threshold 2 --bits 2048 --primes '" +
            primes.string() + "'") == 2);
  CHECK(run("threshold-paillier --parties 3 --threshold 2") == 2);  // no --out
  CHECK(!std::filesystem::exists(keys.string() + "2"));
  CHECK(run("threshold-paillier --out '" + keys.string() + "3' --parties 3 --threshold 2 --primes '" + pass.string() + "'") != 0);
}
