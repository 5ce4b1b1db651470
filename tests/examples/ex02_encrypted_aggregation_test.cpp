// Example 02 (encrypted gradient aggregation): the data set loader, the
// protocol in one process (threads over LocalNetwork), every role as its own
// process over TLS on 127.0.0.1 (fork of this test, N = 4 and N = 10, with
// and without a lying party), and the example program's own launcher when
// it was built. Keys: the 512-bit test safe primes (a 1024-bit modulus).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdlib>
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
  for (std::size_t i = 1; i <= p.parties; ++i) {
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

TEST_CASE("Example 02: threads over LocalNetwork, with too many liars the round fails naming one", "[examples][ex02]") {
  const std::size_t n = 4, t = 3;
  const auto p = test_params(n, t, 3);
  const auto keys = deal(t, n);
  const auto split = ex02::prepare(dataset(), p);
  const auto reference = ex02::plaintext_training(split, p);

  SECTION("honest parties and one liar: identical models everywhere, equal to plaintext training") {
    auto nets = privfin::net::LocalNetwork::create(n + 1);
    std::vector<std::vector<ex02::RoundOutcome>> results(n + 1);
    std::vector<std::exception_ptr> errors(n + 1);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i <= n; ++i) {
      threads.emplace_back([&, i] {
        try {
          if (i == 0) {
            std::ostringstream log;
            results[0] = ex02::run_aggregator(*nets[0], p, keys.public_key, split, &reference, log);
          } else {
            privfin::Prg prg(privfin::Prg::Seed{std::byte{0x02}, std::byte{static_cast<unsigned char>(i)}});
            results[i] = ex02::run_data_party(*nets[i], p, keys.public_key, keys.shares[i - 1], split, i == 2, prg);
          }
        } catch (...) {
          errors[i] = std::current_exception();
        }
      });
    }
    for (auto& th : threads) th.join();
    for (auto& e : errors) {
      if (e) std::rethrow_exception(e);
    }
    for (std::size_t r = 0; r < p.rounds; ++r) {
      INFO("round " << r + 1);
      CHECK(results[0][r].aggregate == reference[r].fixed_sum);
      CHECK(results[0][r].weights == reference[r].weights_fixed);
      REQUIRE(results[0][r].rejected.size() == 1);
      CHECK(results[0][r].rejected[0].party == 2);
      CHECK_THAT(results[0][r].rejected[0].reason, Catch::Contains("proof"));
      CHECK(results[0][r].used_parties == std::vector<std::size_t>{1, 3, 4});
      for (std::size_t i = 1; i <= n; ++i) {
        CHECK(results[i][r].weights == results[0][r].weights);
        CHECK(ex02::describe_rejections(results[i][r].rejected) == "2");
      }
    }
  }

  SECTION("two liars of four with t = 3: no round completes, a liar is named") {
    auto nets = privfin::net::LocalNetwork::create(n + 1);
    for (auto& net : nets) net->set_receive_timeout(10s);
    std::vector<std::exception_ptr> errors(n + 1);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i <= n; ++i) {
      threads.emplace_back([&, i] {
        try {
          if (i == 0) {
            std::ostringstream log;
            (void)ex02::run_aggregator(*nets[0], p, keys.public_key, split, &reference, log);
          } else {
            privfin::Prg prg(privfin::Prg::Seed{std::byte{0x03}, std::byte{static_cast<unsigned char>(i)}});
            (void)ex02::run_data_party(*nets[i], p, keys.public_key, keys.shares[i - 1], split, i == 1 || i == 3,
                                       prg);
          }
        } catch (...) {
          errors[i] = std::current_exception();
        }
        nets[i]->close();
      });
    }
    for (auto& th : threads) th.join();
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

namespace {

// Every role as its own process (a fork of this test), over TLS 1.3 on
// 127.0.0.1; the keys travel as the dealer's files. Returns the exit codes.
std::vector<int> run_processes(const fs::path& dir, std::size_t n, std::size_t t, const ex02::Params& p,
                               const std::set<std::size_t>& liars) {
  ex02::write_threshold_keys(dir, deal(t, n));
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
        if (i == 0) {
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
  const auto aggregator_rows = read_report(dir.path() / "report0.txt");
  check_rows(aggregator_rows, p, split.train_x.size(), split.test_x.size(), expected);
  // Every party reached the same model and named the same liar.
  for (std::size_t i = 1; i <= c.n; ++i) {
    INFO("party " << i);
    const auto rows = read_report(dir.path() / ("report" + std::to_string(i) + ".txt"));
    REQUIRE(rows.size() == aggregator_rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
      CHECK(rows[r].accuracy == aggregator_rows[r].accuracy);
      CHECK(rows[r].diff == aggregator_rows[r].diff);
      CHECK(rows[r].rejected == expected);
    }
  }
  const auto log = slurp(dir.path() / "log0.txt");
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

TEST_CASE("Example 02: malformed and misattributed decryption shares are named", "[examples][ex02]") {
  const std::size_t n = 4, t = 2;
  const auto p = test_params(n, t, 1);
  const auto keys = deal(t, n);
  const auto& tpk = keys.public_key;
  privfin::Prg prg(privfin::Prg::Seed{std::byte{0x44}});
  const std::vector<std::int64_t> values(ex02::model_size, 5);
  const auto pack = ex02::packing(tpk, p);
  const auto ct = pack.encrypt(values, prg);
  REQUIRE(ct.size() == 1);
  // The aggregate of four parties' identical vectors.
  const auto aggregate = ex02::add_all(tpk.paillier(), {ct, ct, ct, ct});
  const auto message = [&](const privfin::he::DecryptionShare& s, std::size_t round) {
    privfin::Writer w;
    ex02::write_header(w, round);
    w.varint(1);
    w.bytes(tpk.share_to_bytes(s));
    return std::move(w).take();
  };
  std::vector<std::vector<privfin::he::DecryptionShare>> shares(n);
  for (std::size_t i = 1; i <= n; ++i) {
    const auto s = keys.shares[i - 1].decrypt_share(tpk, aggregate[0], prg);
    REQUIRE_FALSE(ex02::parse_shares(tpk, message(s, 1), i, 1, 1, shares[i - 1]).has_value());
  }
  std::vector<privfin::he::DecryptionShare> out;
  // Party 2 re-sends party 1's share as its own.
  const auto replayed = ex02::parse_shares(tpk, message(shares[0][0], 1), 2, 1, 1, out);
  REQUIRE(replayed.has_value());
  CHECK_THAT(*replayed, Catch::Contains("claims party 1"));
  // Wrong round, garbage, wrong count.
  CHECK(ex02::parse_shares(tpk, message(shares[1][0], 2), 2, 1, 1, out).has_value());
  const privfin::Bytes garbage(40, std::byte{0x5A});
  CHECK_THAT(*ex02::parse_shares(tpk, garbage, 2, 1, 1, out), Catch::Contains("malformed"));
  CHECK(ex02::parse_shares(tpk, message(shares[1][0], 1), 2, 1, 2, out).has_value());
  CHECK(out.empty());

  // combine_round: a malformed submission from party 3 is named with the
  // proof failures, and the sum still decodes from the rest.
  auto posted = shares;
  posted[2].clear();
  posted[3][0].value = (posted[3][0].value * (tpk.paillier().n() + 1)) % tpk.paillier().n_squared();
  const auto outcome = ex02::combine_round(tpk, p, aggregate, posted, {{3, "malformed shares: test"}});
  CHECK(outcome.aggregate == std::vector<std::int64_t>(ex02::model_size, 20));
  CHECK(ex02::describe_rejections(outcome.rejected) == "3,4");
  CHECK(outcome.used_parties == std::vector<std::size_t>{1, 2});
  // Too few usable shares: an error naming a culprit.
  posted[1].clear();
  CHECK_THROWS_AS(ex02::combine_round(tpk, p, aggregate, posted, {{2, "x"}, {3, "y"}}), privfin::ProtocolError);
}

TEST_CASE("Example 02: parties catch an aggregator that alters the posted gradients", "[examples][ex02]") {
  const std::size_t n = 3, t = 2;
  const auto p = test_params(n, t, 1);
  const auto keys = deal(t, n);
  const auto& tpk = keys.public_key;
  const auto split = ex02::prepare(dataset(), p);
  const int mode = GENERATE(0, 1, 2);  // 0: drops party 1, 1: aggregate of other values, 2: other parameters
  INFO("mode " << mode);
  auto nets = privfin::net::LocalNetwork::create(n + 1);
  for (auto& net : nets) net->set_receive_timeout(10s);
  std::vector<std::exception_ptr> errors(n + 1);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i <= n; ++i) {
    threads.emplace_back([&, i] {
      try {
        if (i == 0) {
          // A dishonest aggregator.
          privfin::Prg prg(privfin::Prg::Seed{std::byte{0x66}});
          privfin::Writer hello;
          auto q = p;
          if (mode == 2) q.learning_rate = 5.0;
          q.write(hello);
          hello.raw(tpk.key_id());
          for (std::size_t j = 1; j <= n; ++j) nets[0]->send_message(j, hello.data());
          if (mode == 2) {
            nets[0]->close();
            return;
          }
          std::vector<std::vector<privfin::he::PaillierCiphertext>> got;
          for (std::size_t j = 1; j <= n; ++j) {
            const auto m = nets[0]->receive_message(j);
            privfin::Reader r(m);
            ex02::read_header(r, 1, j, "gradient");
            got.push_back(tpk.paillier().ciphertexts_from_bytes(r.bytes("c"), 4));
          }
          if (mode == 0) got[0] = ex02::packing(tpk, p).encrypt(std::vector<std::int64_t>(ex02::model_size, 0), prg);
          auto aggregate = ex02::add_all(tpk.paillier(), got);
          if (mode == 1) aggregate[0] = tpk.paillier().add_plain(aggregate[0], 1);
          privfin::Writer board;
          ex02::write_header(board, 1);
          board.bytes(tpk.paillier().ciphertexts_to_bytes(aggregate));
          for (const auto& g : got) board.bytes(tpk.paillier().ciphertexts_to_bytes(g));
          for (std::size_t j = 1; j <= n; ++j) nets[0]->send_message(j, board.data());
        } else {
          privfin::Prg prg(privfin::Prg::Seed{std::byte{0x67}, std::byte{static_cast<unsigned char>(i)}});
          (void)ex02::run_data_party(*nets[i], p, tpk, keys.shares[i - 1], split, false, prg);
        }
      } catch (...) {
        errors[i] = std::current_exception();
      }
      nets[i]->close();
    });
  }
  for (auto& th : threads) th.join();
  const char* const expected[] = {"missing", "not the sum", "parameters differ"};
  for (std::size_t i = 1; i <= n; ++i) {
    INFO("party " << i);
    if (mode == 0 && i != 1) {
      // Only the victim can tell its own ciphertext was swapped; the others
      // stop when the aggregator goes away.
      REQUIRE(errors[i]);
      continue;
    }
    REQUIRE(errors[i]);
    try {
      std::rethrow_exception(errors[i]);
    } catch (const privfin::ProtocolError& e) {
      CHECK(e.party() == 0);
      CHECK_THAT(e.what(), Catch::Contains(expected[mode]));
    }
  }
}
