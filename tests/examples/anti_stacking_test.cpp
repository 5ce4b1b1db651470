// Example 01 (anti-stacking loan check): every party on its own thread over
// LocalNetwork, Rep3 and Beaver (with a dealer thread), against the
// plaintext decision on random portfolios; and the input validation.
#include <catch2/catch.hpp>

#include <sstream>
#include <thread>

#include "../../examples/01_anti_stacking/anti_stacking.hpp"
#include "../../examples/01_anti_stacking/sample_data.hpp"
#include "privfin/net/local_network.hpp"

using namespace anti_stacking;
using privfin::Prg;

namespace {

Prg::Seed seed_of(std::uint64_t s) {
  Prg::Seed seed{};
  for (std::size_t i = 0; i < 8; ++i) seed[i] = static_cast<std::byte>((s >> (8 * i)) & 0xFF);
  return seed;
}

// The dealer's part: only Beaver sessions have helpers.
void help(privfin::service::MpcSession<privfin::mpc::Rep3>&, const Deployment&, Prg&) {}
void help(privfin::service::MpcSession<privfin::mpc::Beaver>& session, const Deployment& d, Prg& prg) {
  (void)run_dealer(session, d, prg);
}

// Runs the whole deployment in threads (party `id` uses deployments[id],
// normally all the same); returns each lender's decisions and each party's
// exception.
template <class P>
std::vector<std::exception_ptr> run_parties(const std::vector<Deployment>& deployments,
                                            const std::vector<LenderBook>& books,
                                            std::vector<std::vector<bool>>& results) {
  const Deployment& d = deployments[0];
  auto nets = privfin::net::LocalNetwork::create(d.party_count());
  for (auto& n : nets) n->set_receive_timeout(std::chrono::milliseconds(30'000));
  std::vector<std::exception_ptr> errors(d.party_count());
  results.assign(d.lenders, {});
  std::vector<std::thread> threads;
  for (std::size_t id = 0; id < d.party_count(); ++id) {
    threads.emplace_back([&, id] {
      try {
        Prg prg(seed_of(50 + id));
        auto session = open_session<P>(*nets[id], deployments[id]);
        if (session.computes()) {
          (void)serve(session, deployments[id], prg);
        } else if (session.helps()) {
          help(session, deployments[id], prg);
        } else {
          const std::size_t j = id - d.first_lender();
          results[j] = run_lender(session, deployments[id], books[j], prg);
        }
      } catch (...) {
        errors[id] = std::current_exception();
        nets[id]->close();
      }
    });
  }
  for (auto& t : threads) t.join();
  return errors;
}

std::vector<std::vector<bool>> run_all(const Deployment& d, const std::vector<LenderBook>& books) {
  std::vector<std::vector<bool>> results;
  const std::vector<Deployment> all(d.party_count(), d);
  const auto errors = d.engine == Engine::rep3 ? run_parties<privfin::mpc::Rep3>(all, books, results)
                                               : run_parties<privfin::mpc::Beaver>(all, books, results);
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  return results;
}

}  // namespace

TEST_CASE("anti-stacking decisions match plaintext on random portfolios", "[examples][anti_stacking]") {
  struct Setup {
    Engine engine;
    std::size_t servers;
  };
  for (const Setup s : {Setup{Engine::rep3, 3}, Setup{Engine::beaver, 2}, Setup{Engine::beaver, 3}}) {
    for (std::uint64_t round = 0; round < 3; ++round) {
      INFO("engine " << (s.engine == Engine::rep3 ? "rep3" : "beaver") << ", servers " << s.servers << ", round "
                     << round);
      Deployment d;
      d.engine = s.engine;
      d.servers = s.servers;
      d.lenders = 2 + round;
      d.borrowers = 40 + 13 * round;
      Prg prg(seed_of(1000 + round));
      auto books = random_books(prg, d.lenders, d.borrowers, 150);
      // Edge cases: total exactly at the limit, one cent over.
      const std::size_t b = 3;
      std::int64_t total = 0;
      for (const auto& l : books) total += l.balances[b];
      books[0].applications.push_back({b, 100, total + 100});
      books[0].applications.push_back({b, 101, total + 100});
      const auto got = run_all(d, books);
      for (std::size_t j = 0; j < d.lenders; ++j) CHECK(got[j] == plaintext_decisions(books, j));
      CHECK(got[0][got[0].size() - 2]);
      CHECK_FALSE(got[0].back());
    }
  }
}

TEST_CASE("anti-stacking amounts: cents parse exactly, bad balances are rejected", "[examples][anti_stacking]") {
  CHECK(parse_amount("0", "t") == 0);
  CHECK(parse_amount("12.3", "t") == 1230);
  CHECK(parse_amount(" 1234.56 ", "t") == 123456);
  CHECK(parse_amount("1000000000000", "t") == max_amount_cents);
  CHECK(parse_amount("-5.10", "t", true) == -510);
  CHECK(format_cents(123456) == "1234.56");
  CHECK(format_cents(-5) == "-0.05");
  for (const char* bad : {"-1", "-0.01", "nan", "NaN", "inf", "", "1.234", "1e5", "1.", ".5", "12a",
                          "1000000000000.01", "99999999999999999999"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_amount(bad, "balances.csv line 2"), InvalidArgument);
  }
  try {
    (void)parse_amount("-250.00", "balances.csv line 7");
    FAIL("negative balance accepted");
  } catch (const InvalidArgument& e) {
    CHECK(std::string(e.what()).find("line 7") != std::string::npos);
    CHECK(std::string(e.what()).find("negative") != std::string::npos);
    CHECK(std::string(e.what()).find("250") == std::string::npos);  // never echoes the amount
  }
  std::istringstream ok("borrower,balance\n0,10.50\n3,7\n");
  const auto bal = parse_balances(ok, 4, "b.csv");
  CHECK(bal == std::vector<std::int64_t>{1050, 0, 0, 700});
  std::istringstream twice("1,2\n1,3\n");
  CHECK_THROWS_AS(parse_balances(twice, 4, "b.csv"), InvalidArgument);
  std::istringstream range("9,2\n");
  CHECK_THROWS_AS(parse_balances(range, 4, "b.csv"), InvalidArgument);
  std::istringstream nan("1,nan\n");
  CHECK_THROWS_AS(parse_balances(nan, 4, "b.csv"), InvalidArgument);
  std::istringstream apps("borrower,requested,limit\n2,100.00,5000.00\n");
  const auto a = parse_applications(apps, 4, "a.csv");
  REQUIRE(a.size() == 1);
  CHECK(a[0].limit_cents == 500000);
  // A lender whose book holds a negative balance refuses before sending anything.
  Deployment d;
  d.lenders = 1;
  d.borrowers = 2;
  auto nets = privfin::net::LocalNetwork::create(d.party_count());
  LenderBook book{{5, -1}, {}};
  Prg prg(seed_of(1));
  privfin::service::MpcSession<privfin::mpc::Rep3> session(*nets[3], d.roles());
  CHECK_THROWS_AS(run_lender(session, d, book, prg), InvalidArgument);
  CHECK(nets[3]->total_counters().bytes_sent == 0);
  CHECK_THROWS_AS(Deployment::parse(R"({"protocol":"rep3","servers":4,"lenders":1,"borrowers":3})"), InvalidArgument);
  CHECK_THROWS_AS(Deployment::parse(R"({"protocol":"spdz","servers":3,"lenders":1,"borrowers":3})"), InvalidArgument);
  CHECK_THROWS_AS(Deployment::parse("{"), InvalidArgument);
  CHECK(Deployment::parse(R"({"protocol":"beaver","servers":2,"lenders":3,"borrowers":3})").party_count() == 6);
  CHECK(Deployment::parse(R"({"protocol":"rep3","servers":3,"lenders":1,"borrowers":3})").limit_cents ==
        max_amount_cents);
  CHECK(Deployment::parse(R"({"protocol":"rep3","servers":3,"lenders":1,"borrowers":3,"limit":"500.25"})")
            .limit_cents == 50025);
  CHECK(Deployment::parse(R"({"protocol":"rep3","servers":3,"lenders":1,"borrowers":3,"limit":50000})")
            .limit_cents == 5'000'000);
  CHECK_THROWS_AS(Deployment::parse(R"({"protocol":"rep3","servers":3,"lenders":1,"borrowers":3,"limit":"-1"})"),
                  InvalidArgument);
}

TEST_CASE("anti-stacking: the consortium limit caps every application", "[examples][anti_stacking]") {
  Deployment d;
  d.lenders = 2;
  d.borrowers = 5;
  d.limit_cents = 50'000'00;
  std::vector<LenderBook> books(2, LenderBook{std::vector<std::int64_t>(5, 0), {}});
  books[0].balances[1] = 40'000'00;
  books[1].balances[1] = 9'000'00;
  // Own limits of 100,000: the consortium's 50,000 decides.
  books[1].applications = {{1, 1'000'00, 100'000'00}, {1, 1'000'01, 100'000'00}, {2, 50'000'00, 100'000'00}};
  const auto got = run_all(d, books);
  CHECK(got[1] == std::vector<bool>{true, false, true});
  CHECK(got[1] == plaintext_decisions(books, 1, d.limit_cents));
}

TEST_CASE("anti-stacking: a bank holding another limit is named by every party (silent wrong answer 1)",
          "[examples][anti_stacking]") {
  // One bank (lender 1, network id 4) holds the limit 500, the others 50,000.
  // Without agreement that bank declined every application ("exceeds") and
  // every process exited 0; now no share moves and every party names it.
  for (const Engine engine : {Engine::rep3, Engine::beaver}) {
    Deployment d;
    d.engine = engine;
    d.lenders = 3;
    d.borrowers = 4;
    d.limit_cents = 50'000'00;
    std::vector<Deployment> per_party(d.party_count(), d);
    const std::size_t odd = d.first_lender() + 1;
    per_party[odd].limit_cents = 500'00;
    Prg prg(seed_of(7));
    const auto books = random_books(prg, d.lenders, d.borrowers, 6);
    std::vector<std::vector<bool>> results;
    const auto errors = engine == Engine::rep3 ? run_parties<privfin::mpc::Rep3>(per_party, books, results)
                                               : run_parties<privfin::mpc::Beaver>(per_party, books, results);
    for (std::size_t id = 0; id < d.party_count(); ++id) {
      INFO("engine " << (engine == Engine::rep3 ? "rep3" : "beaver") << ", party " << id);
      REQUIRE(errors[id]);
      try {
        std::rethrow_exception(errors[id]);
      } catch (const privfin::service::ParameterMismatch& e) {
        const std::string what = e.what();
        INFO(what);
        CHECK(what.find("limit") != std::string::npos);
        if (id == odd) {
          CHECK(e.parties().size() == d.party_count() - 1);  // everyone else differs from it
        } else {
          CHECK(e.parties() == std::vector<std::size_t>{odd});
          CHECK(what.find("party " + std::to_string(odd) + " has limit = \"500.00\"") != std::string::npos);
        }
      }
    }
    for (const auto& r : results) CHECK(r.empty());  // no decision was produced
  }
}
