// Example 03 (private statistics across institutions): the shipped loan file
// (the synthetic generator lives here, in the test) and its reader, the whole protocol with every bank and aggregator as
// its own process over TLS on 127.0.0.1 (forks of this test; the test process
// is the regulator), with 2 and 3 aggregators and dishonest banks whose
// malformed reports are rejected and named, the totals checked against the
// plaintext totals of every filed loan; and the example program's own
// program under privfin-launch when both were built.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../../examples/03_private_statistics/private_statistics.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/net/keygen.hpp"
#include "privfin/net/local_network.hpp"
#include "privfin/net/tcp_network.hpp"
#include "support/processes.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// Test data: the synthetic loan book behind examples/03_private_statistics/loans.csv.
inline const std::vector<std::string>& default_bank_names() {
  static const std::vector<std::string> names = {"Alder Bank",      "Birch Savings", "Cedar Credit Union",
                                                 "Dogwood Bancorp", "Elm Trust",     "Fir Capital"};
  return names;
}

// A synthetic loan book for each bank, the same for the same seed on every
// platform (integer arithmetic on privfin's AES-CTR Prg only). Each bank has
// 30..89 loans; its bucket distribution leans riskier for later banks;
// exposures lie between 25,000 and about 51 million euros, in hundreds.
inline std::vector<ex03::Loan> generate_loans(std::uint64_t seed, const std::vector<std::string>& banks = default_bank_names()) {
  privfin::Prg::Seed s{};
  for (std::size_t i = 0; i < 8; ++i) s[i] = static_cast<std::byte>((seed >> (8 * i)) & 0xFFU);
  privfin::Prg prg(s);
  // Per-mille weights of the buckets for a typical corporate loan book.
  constexpr std::array<std::uint64_t, ex03::num_buckets> weights = {90, 160, 230, 200, 150, 100, 50, 20};
  std::vector<ex03::Loan> loans;
  for (std::size_t b = 0; b < banks.size(); ++b) {
    const std::uint64_t count = 30 + prg.next_u64() % 60;
    const std::size_t shift = b % 3;  // some banks lend to riskier borrowers
    for (std::uint64_t i = 0; i < count; ++i) {
      std::uint64_t u = prg.next_u64() % 1000;
      std::size_t bucket = 0;
      while (bucket + 1 < ex03::num_buckets && u >= weights[bucket]) u -= weights[bucket++];
      bucket = std::min(ex03::num_buckets - 1, bucket + (prg.next_u64() % 4 == 0 ? shift : 0));
      const std::uint64_t scale = std::uint64_t{25'000} << (prg.next_u64() % 11);
      const std::uint64_t exposure = (scale + prg.next_u64() % scale) / 100 * 100;
      std::ostringstream id;
      id << "L" << (b + 1) << "-" << (1000 + i);
      loans.push_back(ex03::Loan{banks[b], id.str(), bucket, exposure});
    }
  }
  return loans;
}

inline void write_loans_csv(const std::filesystem::path& file, const std::vector<ex03::Loan>& loans) {
  std::ofstream out(file);
  if (!out) throw privfin::InvalidArgument("cannot write " + file.string());
  out << "bank,loan_id,risk_bucket,exposure_eur\n";
  for (const auto& l : loans) out << l.bank << ',' << l.loan_id << ',' << l.bucket << ',' << l.exposure_eur << '\n';
  if (!out) throw privfin::InvalidArgument("cannot write " + file.string());
}


std::vector<ex03::Loan> loans_of(const std::vector<ex03::Loan>& all, const std::string& bank) {
  std::vector<ex03::Loan> out;
  for (const auto& l : all) {
    if (l.bank == bank) out.push_back(l);
  }
  return out;
}

}  // namespace

TEST_CASE("ex03: the synthetic loan file is deterministic and round-trips through CSV", "[examples][ex03]") {
  const auto a = generate_loans(7);
  const auto b = generate_loans(7);
  const auto c = generate_loans(8);
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].bank == b[i].bank);
    CHECK(a[i].bucket == b[i].bucket);
    CHECK(a[i].exposure_eur == b[i].exposure_eur);
  }
  CHECK(ex03::plaintext_totals(a, {"Alder Bank"}) != ex03::plaintext_totals(c, {"Alder Bank"}));
  CHECK(ex03::bank_names(a) == default_bank_names());
  for (const auto& l : a) {
    CHECK(l.bucket < ex03::num_buckets);
    CHECK(l.exposure_eur >= 25'000);
    CHECK(l.exposure_eur <= ex03::max_exposure_eur);
  }

  privfin::test::TempDir dir;
  write_loans_csv(dir.path() / "loans.csv", a);
  const auto back = ex03::read_loans_csv(dir.path() / "loans.csv");
  REQUIRE(back.size() == a.size());
  const std::set<std::string> all(default_bank_names().begin(), default_bank_names().end());
  CHECK(ex03::plaintext_totals(back, all) == ex03::plaintext_totals(a, all));

  std::ofstream(dir.path() / "bad.csv") << "bank,loan_id,risk_bucket,exposure_eur\nAlder Bank,L1,two,100\n";
  CHECK_THROWS_AS(ex03::read_loans_csv(dir.path() / "bad.csv"), privfin::InvalidArgument);
  for (const std::string row : {"Alder Bank,L1,-2,100", "Alder Bank,L1, 2,100", "Alder Bank,L1,2,100,7", "Alder Bank,L1,2x,100",
                                "Alder Bank,L1,2,-100", "Alder Bank,L1,2", "Alder Bank,L1,2,99999999999999999999999"}) {
    INFO(row);
    std::ofstream(dir.path() / "bad.csv") << "bank,loan_id,risk_bucket,exposure_eur\n" << row << "\n";
    CHECK_THROWS_AS(ex03::read_loans_csv(dir.path() / "bad.csv"), privfin::InvalidArgument);
  }
  std::ofstream(dir.path() / "ok.csv") << "bank,loan_id,risk_bucket,exposure_eur\nAlder Bank,L1,2,100\n";
  const auto ok = ex03::read_loans_csv(dir.path() / "ok.csv");
  REQUIRE(ok.size() == 1);
  CHECK((ok[0].bank == "Alder Bank" && ok[0].loan_id == "L1" && ok[0].bucket == 2 && ok[0].exposure_eur == 100));
  CHECK_THROWS_AS(ex03::parse_cheat("lie"), privfin::InvalidArgument);
}

TEST_CASE("ex03: banks and aggregators as separate processes over TLS - dishonest reports are rejected and named",
          "[examples][ex03][process]") {
  const std::size_t aggregators = GENERATE(std::size_t{2}, std::size_t{3});
  // With 2 aggregators: an inflated bucket count and a tampered proof share;
  // with 3: an exposure out of range and a replayed report.
  const std::map<std::string, ex03::Cheat> cheats =
      aggregators == 2 ? std::map<std::string, ex03::Cheat>{{"Cedar Credit Union", ex03::Cheat::inflate},
                                                             {"Fir Capital", ex03::Cheat::tamper_proof}}
                       : std::map<std::string, ex03::Cheat>{{"Birch Savings", ex03::Cheat::out_of_range},
                                                            {"Elm Trust", ex03::Cheat::replay}};
  INFO(aggregators << " aggregators");
  const auto loans = generate_loans(20260923);
  const auto banks = ex03::bank_names(loans);
  const std::size_t parties = aggregators + 1 + banks.size();

  privfin::test::TempDir dir;
  auto config = privfin::net::write_local_cluster(dir.path(), parties, "127.0.0.1", 47000);
  std::vector<privfin::net::TcpListener> listeners;
  for (std::size_t i = 0; i < parties; ++i) {
    listeners.push_back(privfin::net::TcpListener::bind("127.0.0.1", 0));
    config.parties[i].port = listeners.back().port();
  }
  const std::size_t regulator = aggregators;

  std::vector<pid_t> pids;
  std::vector<std::size_t> child_ids;
  for (std::size_t i = 0; i < parties; ++i) {
    if (i == regulator) continue;
    std::cout.flush();
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      int code = 0;
      try {
        std::ostringstream log;  // the processes' narration is not needed here
        auto net = privfin::net::TcpNetwork::connect(config, i, std::move(listeners[i]));
        if (i < aggregators) {
          (void)ex03::run_aggregator(*net, aggregators, log);
        } else {
          const std::string& name = banks[i - aggregators - 1];
          const auto it = cheats.find(name);
          const ex03::Cheat cheat = it == cheats.end() ? ex03::Cheat::none : it->second;
          const ex03::Receipt receipt = ex03::run_bank(*net, aggregators, name, loans_of(loans, name), cheat, log);
          // The exit code tells the parent whether the receipt was right.
          if (receipt.accepted() != (cheat == ex03::Cheat::none)) code = 3;
        }
        net->close();
      } catch (const std::exception& e) {
        std::fprintf(stderr, "party %zu: %s\n", i, e.what());
        code = 2;
      }
      std::fflush(stderr);
      ::_exit(code);
    }
    pids.push_back(pid);
    child_ids.push_back(i);
  }

  ex03::Statistics stats;
  std::string error;
  try {
    auto net = privfin::net::TcpNetwork::connect(config, regulator, std::move(listeners[regulator]));
    listeners.clear();
    stats = ex03::run_regulator(*net, aggregators);
    net->close();
  } catch (const std::exception& e) {
    error = e.what();
  }
  listeners.clear();
  const auto codes = privfin::test::wait_all(pids, 90s);
  REQUIRE(error.empty());
  for (std::size_t c = 0; c < codes.size(); ++c) {
    INFO("party " << child_ids[c]);
    CHECK(codes[c] == 0);
  }

  // The rejected filings are exactly the dishonest banks', each named with the reason.
  // The rejected reports are exactly the dishonest banks' extra ones, each named with its cause.
  std::set<std::string> rejected;
  REQUIRE(stats.rejected.size() == cheats.size());
  for (const auto& r : stats.rejected) {
    INFO(r.describe());
    REQUIRE(r.from);
    REQUIRE(*r.from > aggregators);
    const std::string& bank = banks.at(*r.from - aggregators - 1);
    rejected.insert(bank);
    CHECK(r.cause == (cheats.at(bank) == ex03::Cheat::replay ? privfin::RejectionCause::replayed
                                                             : privfin::RejectionCause::invalid_proof));
  }
  std::set<std::string> dishonest;
  for (const auto& [name, cheat] : cheats) dishonest.insert(name);
  CHECK(rejected == dishonest);

  // The totals are exactly the plaintext totals of every filed loan.
  const ex03::Totals expected = ex03::plaintext_totals(loans, std::set<std::string>(banks.begin(), banks.end()));
  CHECK(stats.totals.loans == expected.loans);
  CHECK(stats.totals.loans_per_bucket == expected.loans_per_bucket);
  CHECK(stats.totals.exposure_eur == expected.exposure_eur);
}

TEST_CASE("ex03: the protocol over LocalNetwork with hand-made malformed uploads", "[examples][ex03]") {
  // Party 4 sends the two aggregators histogram reports with different
  // nonces (the helper holds no share of the leader's report); party 5 sends
  // aggregator 1 a truncated input share (the helper rejects it, the leader
  // names it). Their reports are rejected; the honest bank's are counted.
  const std::size_t aggregators = 2;
  const auto loans = generate_loans(3);
  const std::string honest_bank = "Alder Bank";
  const auto nets = privfin::net::LocalNetwork::create(aggregators + 1 + 3);
  std::ostringstream log0, log1, log3;
  ex03::Statistics stats;
  std::vector<std::thread> threads;
  std::vector<std::string> errors(6);
  auto guarded = [&](std::size_t i, auto body) {
    return std::thread([&errors, i, body] {
      try {
        body();
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  };
  const auto hist = ex03::histogram_vdaf(aggregators);
  const auto layout = ex03::Layout{aggregators, 3};
  // One hand-made histogram report; `vary` changes its nonce per aggregator.
  auto send_uploads = [&](std::size_t party, bool vary, std::size_t truncate_for) {
    for (std::size_t j = 0; j < aggregators; ++j) {
      privfin::service::Prio3ReportShare share;
      share.nonce.fill(std::byte{static_cast<unsigned char>(10 * party + (vary ? j : 0))});
      privfin::Bytes rand(hist.rand_size(), std::byte{static_cast<unsigned char>(party)});
      const auto shard = hist.shard(privfin::as_bytes(ex03::histogram_context), 2, share.nonce, rand);
      share.public_share = shard.public_share;
      share.input_share = shard.input_shares[j];
      if (j == truncate_for) share.input_share.pop_back();
      nets[party]->send_message(j, privfin::service::Prio3Upload{{share}}.to_bytes());
      nets[party]->send_message(j, privfin::service::Prio3Upload{}.to_bytes());  // no exposure reports
    }
    const auto receipt = privfin::rejections_from_bytes(nets[party]->receive_message(0, 1 << 16), 16);
    if (receipt.size() != 1) throw std::runtime_error("the malformed upload was not rejected once");
  };
  threads.push_back(guarded(0, [&] { (void)ex03::run_aggregator(*nets[0], aggregators, log0); }));
  threads.push_back(guarded(1, [&] { (void)ex03::run_aggregator(*nets[1], aggregators, log1); }));
  threads.push_back(guarded(2, [&] { stats = ex03::run_regulator(*nets[2], aggregators); }));
  threads.push_back(guarded(3, [&] {
    const auto r = ex03::run_bank(*nets[3], aggregators, honest_bank, loans_of(loans, honest_bank), ex03::Cheat::none, log3);
    if (!r.accepted()) throw std::runtime_error("the honest bank was rejected");
  }));
  threads.push_back(guarded(4, [&] { send_uploads(4, true, aggregators); }));
  threads.push_back(guarded(5, [&] { send_uploads(5, false, 1); }));
  for (auto& t : threads) t.join();
  for (std::size_t i = 0; i < errors.size(); ++i) {
    INFO("party " << i << ": " << errors[i]);
    CHECK(errors[i].empty());
  }
  REQUIRE(stats.rejected.size() == 2);
  CHECK(stats.rejected[0].from == std::optional<std::size_t>(layout.bank(1)));
  CHECK(stats.rejected[0].by == 1);
  CHECK(stats.rejected[0].detail.find("holds no share") != std::string::npos);
  CHECK(stats.rejected[1].from == std::optional<std::size_t>(layout.bank(2)));
  CHECK(stats.rejected[1].by == 1);
  CHECK(stats.rejected[1].cause == privfin::RejectionCause::malformed);
  CHECK(stats.totals == ex03::plaintext_totals(loans, {honest_bank}));
}

#ifdef PRIVFIN_EX03_DATA
TEST_CASE("ex03: the shipped loans.csv is the synthetic loan book of seed 20260923", "[examples][ex03]") {
  const auto shipped = ex03::read_loans_csv(PRIVFIN_EX03_DATA);
  const auto expected = generate_loans(20260923);
  REQUIRE(shipped.size() == expected.size());
  for (std::size_t i = 0; i < shipped.size(); ++i) {
    CHECK(shipped[i].bank == expected[i].bank);
    CHECK(shipped[i].loan_id == expected[i].loan_id);
    CHECK(shipped[i].bucket == expected[i].bucket);
    CHECK(shipped[i].exposure_eur == expected[i].exposure_eur);
  }
}
#endif

#if defined(PRIVFIN_EX03_PROGRAM) && defined(PRIVFIN_LAUNCH_TOOL) && defined(PRIVFIN_EX03_DATA)
namespace {
// Runs the example under privfin-launch; its output (both streams) and exit status.
std::pair<std::string, int> launch_ex03(const std::string& args) {
  const std::string command = std::string("'") + PRIVFIN_LAUNCH_TOOL + "' --time-limit 150 --parties " + args;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {"popen failed", -1};
  std::string output;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const int status = ::pclose(pipe);
  return {output, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}
}  // namespace

TEST_CASE("ex03: the example program runs every role as its own process under privfin-launch", "[examples][ex03][process]") {
  const std::string program = std::string("-- '") + PRIVFIN_EX03_PROGRAM + "' --data '" + PRIVFIN_EX03_DATA + "'";
  const auto [output, status] = launch_ex03("10 " + program + " --aggregators 3 --cheat 'Dogwood Bancorp=tamper-proof' 2>&1");
  INFO(output);
  CHECK(status == 0);
  CHECK(output.find("Dogwood Bancorp (party 7): ") != std::string::npos);
  CHECK(output.find("Dogwood Bancorp: reports REJECTED by the aggregators:") != std::string::npos);
  CHECK(output.find("rejected by party 0: invalid proof") != std::string::npos);
  CHECK(output.find("The private totals equal the plaintext totals of every filed loan exactly.") != std::string::npos);

}

TEST_CASE("ex03: the example program's own checks fail the run", "[examples][ex03][process]") {
  const std::string program = std::string("-- '") + PRIVFIN_EX03_PROGRAM + "' --data '" + PRIVFIN_EX03_DATA + "'";
  // Elm Trust is declared dishonest (mode none) but files honestly: no report of it
  // is rejected, so the regulator's check fails (exit 5) and the launcher reports it.
  const auto [out2, status2] = launch_ex03("9 " + program + " --cheat 'Elm Trust=none' 2>&1");
  INFO(out2);
  CHECK(status2 != 0);
  CHECK(out2.find("not exactly the --cheat banks") != std::string::npos);
  CHECK(out2.find("The private totals equal the plaintext totals of every filed loan exactly.") != std::string::npos);
  // A cluster of the wrong size is refused before connecting.
  const auto [out3, status3] = launch_ex03("8 " + program + " 2>&1");
  INFO(out3);
  CHECK(status3 != 0);
  CHECK(out3.find("the cluster must list 9 parties") != std::string::npos);
}
#endif
