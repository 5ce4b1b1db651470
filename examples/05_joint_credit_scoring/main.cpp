// Example 05: joint credit scoring (see README.md). One program for the
// three banks; the bank is the party's network id (0, 1, 2).
//
//   privfin-launch --parties 3 -- privfin-ex05-credit-scoring [--rows N] [--applicants N] [--epochs E]
//                  [--reveal-to 0,2] [--bound POINTS] [--adult-shape]
//   privfin-ex05-credit-scoring --config cluster.json --id I ...   (by hand, without a launcher)
//
// Every bank gets the same options (checked by parameter agreement before
// any customer is shared). Exit 0; 4 when this bank's accuracy differs
// from the plaintext fixed-point model's by more than --bound points; 2 on
// an error.
#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>

#include "credit_scoring.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/net/tcp_network.hpp"
#include "privfin/service/launcher.hpp"

int main(int argc, char** argv) {
  ex05::Options o;
  std::optional<std::filesystem::path> config;
  std::optional<std::size_t> id;
  std::vector<std::size_t> reveal{0};
  CLI::App app{"Example 05: joint credit scoring by three banks (README.md)"};
  app.add_option("--rows", o.rows, "training customers per bank")->check(CLI::Range(128, 1'000'000));
  app.add_option("--applicants", o.applicants, "new applicants per bank")->check(CLI::Range(1, 1'000'000));
  app.add_option("--epochs", o.epochs, "passes over the data")->check(CLI::Range(1, 100));
  app.add_option("--batch", o.batch, "mini-batch size (a power of two)")->check(CLI::Range(1, 4096));
  app.add_option("--learning-log2", o.learning_log2, "learning rate 2^L")->check(CLI::Range(-10, 4));
  app.add_option("--seed", o.seed, "seed of the synthetic customers");
  app.add_option("--reveal-to", reveal, "banks that learn the model (comma-separated ids)")->delimiter(',');
  app.add_flag("--adult-shape", o.adult_shape, "124 binary features (UCI Adult's shape) instead of the credit features");
  app.add_option("--bound", o.bound_points, "largest accepted accuracy gap in points")->check(CLI::Range(0.0, 100.0));
  auto* id_option = app.add_option("--id", id, "this party's id in --config");
  app.add_option("--config", config, "cluster.json, without privfin-launch")->needs(id_option);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    o.reveal_to = std::set<std::size_t>(reveal.begin(), reveal.end());
    auto me = privfin::service::this_party(config, id);
    auto net = privfin::net::TcpNetwork::connect(me.config, me.id, std::move(me.listener));
    privfin::Prg prg(privfin::random_seed());
    const ex05::Outcome r = ex05::run_bank(*net, o, prg);
    net->close();
    return ex05::report(std::cout, o, me.id, r);
  } catch (const std::exception& e) {
    std::cerr << "privfin-ex05-credit-scoring: " << e.what() << "\n";
    return 2;
  }
}
