// Example 02 (encrypted gradient aggregation): the data set loader, the
// protocol in one process (threads over LocalNetwork), a process given
// another owner's key-share file, every role as its own process over TLS
// on 127.0.0.1 (fork of this test, N = 4 and N = 10, with and without a
// lying party), a dishonest aggregator, and the example program's own
// launcher when it was built. Data parties are network parties 0..N-1, the
// aggregator is party N. Keys: the 512-bit test safe primes (a 1024-bit modulus).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <functional>
#include <optional>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../../examples/02_encrypted_aggregation/gradient_aggregation.hpp"
#include "he/test_keys.hpp"
#include "support/processes.hpp"
#include "privfin/net/keygen.hpp"
#include "privfin/net/local_network.hpp"
#include "privfin/net/tcp_network.hpp"
#include "privfin/service/agreement.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

const fs::path example_dir = fs::path(PRIVFIN_TEST_VECTORS_DIR).parent_path().parent_path() / "examples" /
                             "02_encrypted_aggregation";


const ex02::Dataset& dataset() {
  static const ex02::Dataset d = ex02::load_dataset(example_dir / "wdbc.csv");
  return d;
}

ex02::Params test_params(std::size_t n, std::size_t t, std::size_t rounds) {
  ex02::Params p;
  p.parties = n;
  p.threshold = t;
  p.rounds = rounds;
  return p;
}

privfin::he::ThresholdPaillierKeys deal(std::size_t t, std::size_t n) {
  privfin::Prg prg(privfin::Prg::Seed{std::byte{0xE2}, std::byte{static_cast<unsigned char>(n)}});
  return privfin::he::ThresholdPaillierDealer::from_safe_primes(privfin::test::safe_p512(),
                                                                 privfin::test::safe_q512(), t, n, prg);
}

// A report row: round accuracy reference_accuracy max_weight_diff exact rejected bytes ms.
struct Row {
  std::size_t round = 0;
  double accuracy = 0, reference_accuracy = 0, diff = 0;
  int exact = 0;
  std::string rejected;
  std::uint64_t bytes = 0;
  double ms = 0;
};

std::vector<Row> read_report(const fs::path& file) {
  std::ifstream in(file);
  std::vector<Row> rows;
  Row r;
  while (in >> r.round >> r.accuracy >> r.reference_accuracy >> r.diff >> r.exact >> r.rejected >> r.bytes >> r.ms) {
    rows.push_back(r);
  }
  return rows;
}

// How far the fixed-point run may drift from double-precision training:
// each round's summed rounding error is at most N 2^-(f+1) per coordinate,
// scaled by lr / rows; gradient descent with this step size does not
// amplify it (the step is a contraction for the convex loss), so the sum
// over rounds, doubled for floating-point noise, bounds the difference.
double drift_bound(const ex02::Params& p, std::size_t train_rows) {
  return 2.0 * static_cast<double>(p.rounds) * p.learning_rate * static_cast<double>(p.parties) *
         std::ldexp(1.0, -static_cast<int>(p.fractional_bits) - 1) / static_cast<double>(train_rows);
}

void check_rows(const std::vector<Row>& rows, const ex02::Params& p, std::size_t train_rows, std::size_t test_rows,
                const std::string& expected_rejected) {
  REQUIRE(rows.size() == p.rounds);
  for (const auto& r : rows) {
    INFO("round " << r.round);
    CHECK(r.exact == 1);  // the decrypted aggregate is the plaintext fixed-point sum
    CHECK(r.diff <= drift_bound(p, train_rows));
    CHECK(std::abs(r.accuracy - r.reference_accuracy) <= 1.0 / static_cast<double>(test_rows) + 1e-12);
    CHECK(r.rejected == expected_rejected);
  }
  CHECK(rows.back().accuracy >= 0.9);
}

}  // namespace

TEST_CASE("Example 02: the breast-cancer data set loads and splits", "[examples][ex02]") {
  const auto& d = dataset();
  REQUIRE(d.features.size() == 569);
  REQUIRE(d.feature_names.size() == 30);
  std::size_t benign = 0;
  for (double y : d.labels) benign += y == 1.0 ? 1 : 0;
  CHECK(benign == 357);  // 212 malignant, 357 benign (the UCI description)
  CHECK(d.features[0][0] == 17.99);

  const auto p = test_params(10, 6, 3);
  const auto split = ex02::prepare(d, p);
  CHECK(split.train_x.size() == 455);
  CHECK(split.test_x.size() == 114);
  std::size_t covered = 0;
  for (std::size_t i = 0; i < p.parties; ++i) {
    const auto [b, e] = ex02::party_rows(split, i, p.parties);
    CHECK(b == covered);
    covered = e;
  }
  CHECK(covered == 455);
  // The same seed gives the same split in every process.
  CHECK(ex02::prepare(d, p).train_x == split.train_x);

  privfin::test::TempDir dir;
  const auto bad = dir.path() / "bad.csv";
  {
    std::ifstream in(example_dir / "wdbc.csv");
    std::string header, row;
    std::getline(in, header);
    std::getline(in, row);
    std::ofstream out(bad);
    out << header << "\n" << row << "\n" << row.substr(0, row.find(',')) << ",x" << row.substr(row.find(',')) << "\n";
  }
  CHECK_THROWS_AS(ex02::load_dataset(bad), privfin::DecodeError);
  CHECK_THROWS_WITH(ex02::load_dataset(bad), Catch::Contains(":3"));
  CHECK_THROWS_AS(ex02::load_dataset(dir.path() / "missing.csv"), privfin::InvalidArgument);
}

namespace {

// Runs every process of the example on its own thread over LocalNetwork:
// party(i, net) for data parties 0..n-1, aggregator(net) for party n.
// Returns what each threw.
std::vector<std::exception_ptr> run_threads(std::size_t n, const std::function<void(std::size_t, privfin::net::Network&)>& party,
                                            const std::function<void(privfin::net::Network&)>& aggregator) {
  auto nets = privfin::net::LocalNetwork::create(n + 1);
  for (auto& net : nets) net->set_receive_timeout(10s);
  std::vector<std::exception_ptr> errors(n + 1);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i <= n; ++i) {
    threads.emplace_back([&, i] {
      try {
        if (i == n) {
          aggregator(*nets[i]);
        } else {
          party(i, *nets[i]);
        }
      } catch (...) {
        errors[i] = std::current_exception();
      }
      nets[i]->close();
    });
  }
  for (auto& th : threads) th.join();
  return errors;
}

privfin::Prg party_prg(unsigned char tag, std::size_t i) {
  return privfin::Prg(privfin::Prg::Seed{std::byte{tag}, std::byte{static_cast<unsigned char>(i)}});
}

}  // namespace

TEST_CASE("Example 02: threads over LocalNetwork, with too many liars the round fails naming one", "[examples][ex02]") {
  const std::size_t n = 4, t = 3;
  const auto p = test_params(n, t, 3);
  const auto keys = deal(t, n);
  const auto split = ex02::prepare(dataset(), p);
  const auto reference = ex02::plaintext_training(split, p);

  SECTION("honest parties and one liar: identical models everywhere, equal to plaintext training") {
    std::vector<std::vector<ex02::RoundOutcome>> results(n + 1);
    std::ostringstream log;
    const auto errors = run_threads(
        n,
        [&](std::size_t i, privfin::net::Network& net) {
          auto prg = party_prg(0x02, i);
          results[i] = ex02::run_data_party(net, p, keys.public_key, keys.shares[i], split, i == 2, prg);
        },
        [&](privfin::net::Network& net) {
          results[n] = ex02::run_aggregator(net, p, keys.public_key, split, &reference, log);
        });
    for (auto& e : errors) {
      if (e) std::rethrow_exception(e);
    }
    for (std::size_t r = 0; r < p.rounds; ++r) {
      INFO("round " << r + 1);
      CHECK(results[n][r].aggregate == reference[r].fixed_sum);
      CHECK(results[n][r].weights == reference[r].weights_fixed);
      REQUIRE(results[n][r].rejected.size() == 1);
      CHECK(results[n][r].rejected[0].from == std::optional<std::size_t>(2));
      CHECK(results[n][r].rejected[0].by == n);
      CHECK(results[n][r].rejected[0].cause == privfin::RejectionCause::invalid_proof);
      CHECK_THAT(results[n][r].rejected[0].detail, Catch::Contains("proof"));
      CHECK(results[n][r].used_parties == std::vector<std::size_t>{0, 1, 3});
      for (std::size_t i = 0; i < n; ++i) {
        CHECK(results[i][r].weights == results[n][r].weights);
        CHECK(ex02::describe_rejections(results[i][r].rejected) == "2");
      }
    }
    CHECK_THAT(log.str(), Catch::Contains("party 2's decryption share rejected: item 0 from party 2 rejected by party 4"));
  }

  SECTION("two liars of four with t = 3: no round completes, a liar is named") {
    const auto errors = run_threads(
        n,
        [&](std::size_t i, privfin::net::Network& net) {
          auto prg = party_prg(0x03, i);
          (void)ex02::run_data_party(net, p, keys.public_key, keys.shares[i], split, i == 1 || i == 3, prg);
        },
        [&](privfin::net::Network& net) {
          std::ostringstream log;
          (void)ex02::run_aggregator(net, p, keys.public_key, split, &reference, log);
        });
    for (std::size_t i = 0; i <= n; ++i) {
      INFO("process " << i);
      REQUIRE(errors[i]);
      try {
        std::rethrow_exception(errors[i]);
      } catch (const privfin::ProtocolError& e) {
        CHECK((e.party() == 1 || e.party() == 3));
      } catch (const privfin::NetworkError&) {
        // a peer that failed first closed its channel
      }
    }
  }
}

TEST_CASE("Example 02: a process given another owner's key-share file is named at once, the owner is not blamed",
          "[examples][ex02][issue14]") {
  // Issue #14, problem 3: network party 3 loads party 1's key-share file.
  const std::size_t n = 4, t = 2;
  const auto p = test_params(n, t, 1);
  const auto keys = deal(t, n);
  const auto split = ex02::prepare(dataset(), p);
  const auto errors = run_threads(
      n,
      [&](std::size_t i, privfin::net::Network& net) {
        auto prg = party_prg(0x04, i);
        (void)ex02::run_data_party(net, p, keys.public_key, keys.shares[i == 3 ? 1 : i], split, false, prg);
      },
      [&](privfin::net::Network& net) {
        std::ostringstream log;
        (void)ex02::run_aggregator(net, p, keys.public_key, split, nullptr, log);
      });
  REQUIRE(errors[3]);
  try {
    std::rethrow_exception(errors[3]);
  } catch (const privfin::InvalidArgument& e) {
    CHECK_THAT(e.what(), Catch::Contains("network party 3 was given party 1's key share"));
    CHECK_THAT(e.what(), Catch::Contains("another owner's key-share file"));
  }
  for (std::size_t i = 0; i <= n; ++i) {
    if (i == 3 || !errors[i]) continue;
    INFO("process " << i);
    try {
      std::rethrow_exception(errors[i]);
    } catch (const privfin::ProtocolError& e) {
      CHECK(e.party() != 1);  // never the honest owner
    } catch (const privfin::NetworkError& e) {
      CHECK(e.party() != std::optional<std::size_t>(1));
    }
  }
}

namespace {

// Every role as its own process (a fork of this test), over TLS 1.3 on
// 127.0.0.1; the keys travel as the dealer's files. Returns the exit codes.
std::vector<int> run_processes(const fs::path& dir, std::size_t n, std::size_t t, const ex02::Params& p,
                               const std::set<std::size_t>& liars) {
  privfin::Prg dealer_prg(privfin::Prg::Seed{std::byte{0xD0}});
  ex02::write_threshold_keys(dir, deal(t, n), dealer_prg);
  auto config = privfin::net::write_local_cluster(dir / "tls", n + 1, "127.0.0.1", 47000);
  config.receive_timeout = 60s;
  config.connect_timeout = 30s;
  std::vector<privfin::net::TcpListener> listeners;
  for (auto& e : config.parties) {
    listeners.push_back(privfin::net::TcpListener::bind("127.0.0.1", 0));
    e.port = listeners.back().port();
  }
  std::cout.flush();
  std::cerr.flush();
  std::vector<pid_t> pids;
  for (std::size_t i = 0; i <= n; ++i) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int code = 0;
      std::ofstream log(dir / ("log" + std::to_string(i) + ".txt"));
      try {
        const auto tpk = ex02::load_public_key(dir);
        const auto split = ex02::prepare(dataset(), p);
        const auto reference = ex02::plaintext_training(split, p);
        auto net = privfin::net::TcpNetwork::connect(config, i, std::move(listeners[i]));
        std::vector<ex02::RoundOutcome> outcomes;
        if (i == n) {
          outcomes = ex02::run_aggregator(*net, p, tpk, split, &reference, log);
        } else {
          const auto share = ex02::load_key_share(dir, i, tpk);
          privfin::Prg prg(privfin::random_seed());
          outcomes = ex02::run_data_party(*net, p, tpk, share, split, liars.count(i) > 0, prg);
        }
        net->close();
        std::ofstream report(dir / ("report" + std::to_string(i) + ".txt"));
        ex02::write_report(report, outcomes, reference);
      } catch (const std::exception& e) {
        log << "error: " << e.what() << "\n";
        code = 1;
      }
      log.flush();
      ::_exit(code);
    }
    pids.push_back(pid);
  }
  listeners.clear();
  return privfin::test::wait_all(pids, 150s);
}

std::string slurp(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("Example 02: aggregator and data parties as separate processes over TLS", "[examples][ex02][process]") {
  struct Case {
    std::size_t n, t;
    std::set<std::size_t> liars;
  };
  const Case c = GENERATE(Case{4, 3, {}}, Case{10, 6, {}}, Case{4, 3, {2}}, Case{10, 6, {7}});
  INFO("N = " << c.n << ", t = " << c.t << ", liars " << c.liars.size());
  const auto p = test_params(c.n, c.t, 4);
  privfin::test::TempDir dir;
  const auto codes = run_processes(dir.path(), c.n, c.t, p, c.liars);
  for (std::size_t i = 0; i <= c.n; ++i) {
    INFO("process " << i << ": " << slurp(dir.path() / ("log" + std::to_string(i) + ".txt")));
    REQUIRE(codes[i] == 0);
  }
  const std::string expected = c.liars.empty() ? "-" : std::to_string(*c.liars.begin());
  const auto split = ex02::prepare(dataset(), p);
  const auto aggregator_rows = read_report(dir.path() / ("report" + std::to_string(c.n) + ".txt"));
  check_rows(aggregator_rows, p, split.train_x.size(), split.test_x.size(), expected);
  // Every party reached the same model and named the same liar.
  for (std::size_t i = 0; i < c.n; ++i) {
    INFO("party " << i);
    const auto rows = read_report(dir.path() / ("report" + std::to_string(i) + ".txt"));
    REQUIRE(rows.size() == aggregator_rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
      CHECK(rows[r].accuracy == aggregator_rows[r].accuracy);
      CHECK(rows[r].diff == aggregator_rows[r].diff);
      CHECK(rows[r].rejected == expected);
    }
  }
  const auto log = slurp(dir.path() / ("log" + std::to_string(c.n) + ".txt"));
  if (!c.liars.empty()) {
    CHECK_THAT(log, Catch::Contains("party " + expected + "'s decryption share rejected"));
  }
}

#ifdef PRIVFIN_EX02_PROGRAM
TEST_CASE("Example 02: the program's launcher runs every process and names the liar", "[examples][ex02][program]") {
  privfin::test::TempDir dir;
  const auto primes = dir.path() / "primes.txt";
  {
    std::ofstream out(primes);
    out << "# test safe primes\n"
        << privfin::test::safe_p512().get_str(16) << "\n"
        << privfin::test::safe_q512().get_str(16) << "\n";
  }
  const auto report = dir.path() / "report.txt";
  const auto output = dir.path() / "output.txt";
  const std::string command = std::string("'") + PRIVFIN_EX02_PROGRAM + "' launch --parties 4 --rounds 3 --cheat 3" +
                              " --timeout 120 --primes '" + primes.string() + "' --report '" + report.string() +
                              "' --data '" + (example_dir / "wdbc.csv").string() + "' > '" + output.string() +
                              "' 2>&1";
  const int status = std::system(command.c_str());
  const std::string out = slurp(output);
  INFO(out);
  REQUIRE(status == 0);
  const auto p = test_params(4, 3, 3);
  const auto split = ex02::prepare(dataset(), p);
  check_rows(read_report(report), p, split.train_x.size(), split.test_x.size(), "3");
  CHECK_THAT(out, Catch::Contains("party 3's decryption share rejected"));
  CHECK_THAT(out, Catch::Contains("party 3 (cheating)"));
  CHECK_THAT(out, Catch::Contains("3/3 decrypted sums equal the plaintext fixed-point sums"));
}
#endif

TEST_CASE("Example 02: parties catch an aggregator that alters the posted gradients", "[examples][ex02]") {
  const std::size_t n = 3, t = 2;
  const auto p = test_params(n, t, 1);
  const auto keys = deal(t, n);
  const auto& tpk = keys.public_key;
  const auto split = ex02::prepare(dataset(), p);
  const int mode = GENERATE(0, 1, 2);  // 0: drops party 0, 1: aggregate of other values, 2: other parameters
  INFO("mode " << mode);
  const auto errors = run_threads(
      n,
      [&](std::size_t i, privfin::net::Network& net) {
        auto prg = party_prg(0x67, i);
        (void)ex02::run_data_party(net, p, tpk, keys.shares[i], split, false, prg);
      },
      [&](privfin::net::Network& net) {
        // A dishonest aggregator.
        privfin::Prg prg(privfin::Prg::Seed{std::byte{0x66}});
        auto q = p;
        if (mode == 2) q.learning_rate = 5.0;
        privfin::service::agree(net, ex02::agreed_parameters(q, tpk));
        std::vector<std::vector<privfin::he::PaillierCiphertext>> got;
        for (std::size_t j = 0; j < n; ++j) got.push_back(tpk.paillier().ciphertexts_from_bytes(net.receive_message(j), 4));
        if (mode == 0) got[0] = ex02::packing(tpk, p).encrypt(std::vector<std::int64_t>(ex02::model_size, 0), prg);
        auto aggregate = ex02::add_all(tpk.paillier(), got);
        if (mode == 1) aggregate[0] = tpk.paillier().add_plain(aggregate[0], 1);
        privfin::Writer post;
        post.bytes(tpk.paillier().ciphertexts_to_bytes(aggregate));
        for (const auto& g : got) post.bytes(tpk.paillier().ciphertexts_to_bytes(g));
        for (std::size_t j = 0; j < n; ++j) net.send_message(j, post.data());
      });
  const char* const expected[] = {"missing", "not the sum", "party 3 has learning rate = 5"};
  for (std::size_t i = 0; i < n; ++i) {
    INFO("party " << i);
    REQUIRE(errors[i]);
    if (mode == 0 && i != 0) continue;  // only the victim can tell its ciphertext was swapped
    try {
      std::rethrow_exception(errors[i]);
    } catch (const privfin::ProtocolError& e) {
      CHECK(e.party() == n);
      CHECK_THAT(e.what(), Catch::Contains(expected[mode]));
    }
  }
}
