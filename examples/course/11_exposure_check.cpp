// Lesson 11 — a deployment on the drivers: three banks check their joint
// exposures against a limit, with Rep3 run by three compute parties over TLS.
//
// What it teaches: lessons 01-03 ran Rep3 as threads, with the banks
// themselves computing. Here each party is its own process over TLS,
// started by the launcher (service::launch: fresh credentials, ephemeral
// ports, "party i aborted" if one fails), and the banks are clients of the
// computation (service::MpcSession, the client-server model): they
// secret-share their fixed-point exposures to three compute parties and
// receive only their decision bits. Nothing in this file touches a share.
//
//   service::MpcSession<mpc::Rep3> session(net, roles);
//   session.agree(params);                              // everyone: limit, scale, budget
//   session.send_fixed<16>(exposures, budget, prg);     // a bank
//   session.run([&] { ... session.receive_input(bank) ... session.send_output_bits(bank, over); });
//   auto bits = session.receive_output_bits();          // a bank
//
// Network ids: 0, 1, 2 compute; 3, 4, 5 are the banks (input and output).
// The range budget (sharing::RangeBudget{.terms = 3}) is each bank's
// promise that three exposures are added: an exposure that could make the
// sum wrap is refused before anything is sent. Costs: one round to agree,
// one to input, lt's 8 rounds, one to output (docs/mpc.md "Clients").
// Run without arguments; it launches itself six times ("party").
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "course.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/mpc/compare.hpp"
#include "privfin/mpc/rep3.hpp"
#include "privfin/service/launcher.hpp"
#include "privfin/service/mpc_session.hpp"
#include "privfin/sharing/fixed.hpp"

using namespace privfin;
using Fx = sharing::Fixed<16>;

// Exposures in EUR millions per borrower, one row per bank (network ids 3, 4, 5);
// multiples of 1/4, exact in Fixed<16>, so the plaintext check in double is exact.
const std::vector<std::vector<double>> exposures = {
    {120.5, 5.25, 900.0, 0.0, 400.75},
    {300.0, 7.5, 10.0, 42.0, 299.5},
    {80.0, 11.0, 1.0, 58.0, 300.0},
};
constexpr double limit = 600.0;  // public, agreed by every party
constexpr sharing::RangeBudget budget{.terms = 3};

void party() {
  auto launched = service::launched_party();
  auto net = net::TcpNetwork::connect(launched.config, launched.id, std::move(launched.listener));
  const std::size_t me = net->party_id(), borrowers = exposures[0].size();
  const std::vector<std::size_t> banks = {3, 4, 5};
  service::MpcSession<mpc::Rep3> session(*net, {.compute = {0, 1, 2}, .inputs = banks, .outputs = banks});
  session.agree(service::Parameters("course lesson 11: exposure check", 1)
                    .set("limit", limit)
                    .set("fractional bits", std::int64_t{16})
                    .set("budget terms", budget.terms)
                    .set("borrowers", borrowers));
  Prg prg(random_seed());

  if (session.computes()) {
    session.run([&] {
      mpc::Rep3 p(session.protocol_network(), prg);
      auto total = session.receive_input(banks[0], borrowers);
      for (std::size_t b = 1; b < banks.size(); ++b) total = p.add(total, session.receive_input(banks[b], borrowers));
      const auto lim = p.constant(std::vector<Fx::Ring>(borrowers, Fx::encode(limit)));
      const auto over = mpc::lt(p, lim, total);  // limit < total, a shared bit per borrower
      for (const std::size_t bank : banks) session.send_output_bits(bank, over);
    });
    std::printf("computed %zu decisions without seeing an exposure\n", borrowers);
  } else {
    const auto& mine = exposures[me - banks[0]];
    // The budget at work: 1e14 fits Fixed<16> alone, but three of them
    // would wrap the sum, so it is refused here, not silently wrapped later.
    bool refused = false;
    try {
      (void)Fx::encode(std::vector<double>{1e14}, budget);
    } catch (const InvalidArgument& e) {
      refused = true;
      std::printf("an exposure of 1e14 is refused: %s\n", e.what());
    }
    course::expect(refused, "the range budget refuses an exposure that could wrap the sum");

    session.send_fixed<16>(mine, budget, prg);
    const auto bits = session.receive_output_bits();
    bool all_right = true;
    for (std::size_t k = 0; k < borrowers; ++k) {
      const double total = exposures[0][k] + exposures[1][k] + exposures[2][k];
      const bool over = ((bits[k / 64] >> (k % 64)) & 1U) != 0;
      std::printf("borrower %zu: %s the limit of %.0f\n", k, over ? "exceeds" : "within", limit);
      all_right = all_right && over == (total > limit);
    }
    course::expect(all_right, "every decision equals the plaintext comparison total > limit");
  }
  net->close();
}

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "party") return course::main_guard(party);
  return course::main_guard([] {
    service::LaunchOptions options;
    options.parties = 6;
    options.command = {service::this_program().string(), "party"};
    options.connect_timeout = std::chrono::seconds(10);
    options.receive_timeout = std::chrono::seconds(20);
    options.time_limit = std::chrono::seconds(60);
    const service::LaunchResult result = service::launch(options);  // each line "[party i] ..."
    for (const auto& p : result.parties) std::printf("party %zu: %s\n", p.id, p.describe().c_str());
    course::expect(result.all_succeeded(), "all six parties finished and every bank's decisions were right");
  });
}
