// Example 06: a data market with deposits (see README.md). One program for
// every party; the role is the network id: 0, 1, 2 compute servers, then
// the producers, then the consumer.
//
//   privfin-launch --parties 7 -- privfin-ex06-analytics-market               (3 producers)
//   privfin-launch --parties 7 -- privfin-ex06-analytics-market --cheat random
//   privfin-ex06-analytics-market --config cluster.json --id I ...   (by hand, without a launcher)
//
// --cheat random: server 1 (or --cheat-server) corrupts one message at a
// step drawn at random (--cheat-step to fix it), to both other servers or
// to one only (--equivocate to fix it). Exit status: 0 for a completed job
// whose result equals the plaintext statistic; 3 for an aborted job; 4 for
// a wrong result; 2 on an error.
#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>
#include <string>

#include "analytics_market.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/net/tcp_network.hpp"
#include "privfin/service/launcher.hpp"

int main(int argc, char** argv) {
  ex06::Options o;
  std::optional<std::filesystem::path> config;
  std::optional<std::size_t> id;
  std::string cheat = "none";
  std::size_t cheat_server = 1;
  std::optional<std::size_t> cheat_step;
  std::optional<bool> equivocate;
  std::uint64_t cheat_seed = 0;
  CLI::App app{"Example 06: a data market with deposits, on SPDZ2k (README.md)"};
  app.add_option("--producers", o.producers, "data producers (network ids 3 ..)")->check(CLI::Range(1, 16));
  app.add_option("--records", o.records, "records per producer")->check(CLI::Range(1, 100'000));
  app.add_option("--categories", o.categories, "record categories")->check(CLI::Range(2, 16));
  app.add_option("--query", o.query, "the consumer's filter: the category it asks about (consumer only)");
  app.add_option("--seed", o.seed, "seed of the synthetic records");
  app.add_option("--job", o.job, "the market's job number");
  app.add_option("--price", o.price, "what the consumer pays");
  app.add_option("--deposit", o.deposit, "what each server posts");
  app.add_option("--cheat", cheat, "none, or random: a server corrupts one message")->check(CLI::IsMember({"none", "random"}));
  app.add_option("--cheat-server", cheat_server, "the cheating server")->check(CLI::Range(0, 2));
  app.add_option("--cheat-step", cheat_step, "0 filter, 1 squares, 2 weighting, 3 output (default: random)")
      ->check(CLI::Range(0, 3));
  app.add_option("--equivocate", equivocate, "true: corrupt the message to one server only (default: random)");
  app.add_option("--cheat-seed", cheat_seed, "seed of the random cheat (default: fresh)");
  auto* id_option = app.add_option("--id", id, "this party's id in --config");
  app.add_option("--config", config, "cluster.json, without privfin-launch")->needs(id_option);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    auto me = privfin::service::this_party(config, id);
    if (cheat == "random" && me.id == cheat_server) {
      privfin::Prg::Seed seed = privfin::random_seed();
      if (cheat_seed != 0) {
        seed = {};
        for (std::size_t i = 0; i < 8; ++i) seed[i] = static_cast<std::byte>((cheat_seed >> (8 * i)) & 0xFF);
      }
      privfin::Prg draw(seed);
      ex06::Cheat plan;
      plan.server = cheat_server;
      plan.step = cheat_step.value_or(static_cast<std::size_t>(draw.next_u64() % ex06::steps.size()));
      plan.equivocate = equivocate.value_or((draw.next_u64() & 1U) != 0);
      o.cheat = plan;
    }
    auto net = privfin::net::TcpNetwork::connect(me.config, me.id, std::move(me.listener));
    privfin::Prg prg(privfin::random_seed());
    int status = 0;
    if (me.id < ex06::servers) {
      status = ex06::report_server(std::cout, o, me.id, ex06::run_server(*net, o, prg));
    } else if (me.id == o.consumer()) {
      status = ex06::report_consumer(std::cout, o, ex06::run_consumer(*net, o));
    } else if (me.id < o.consumer()) {
      ex06::run_producer(*net, o);
      std::cout << "producer " << me.id << ": " << o.records << " records given (masked; no server sees them)\n";
    } else {
      throw privfin::InvalidArgument("party " + std::to_string(me.id) + " has no role: " +
                                     std::to_string(o.parties()) + " parties for " + std::to_string(o.producers) +
                                     " producers");
    }
    net->close();
    return status;
  } catch (const std::exception& e) {
    std::cerr << "privfin-ex06-analytics-market: " << e.what() << "\n";
    return 2;
  }
}
