// One Beaver party or the dealer as its own process, for the multi-process test:
//   privfin_beaver_test_driver <cluster.json> <party id> <listening fd> <compute parties n>
// Party n is the dealer; parties 0..n-1 run a fixed scenario on inputs every
// party can recompute from a public seed, check every revealed result
// against plaintext and exit 0 when all match, 1 on a mismatch, 2 on an error.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "driver_support.hpp"
#include "privfin/mpc/mpc.hpp"
#include "privfin/net/party_config.hpp"
#include "privfin/net/tcp_network.hpp"

using namespace privfin;
using R = Z2k<64>;

namespace {


int run(const std::string& config_file, std::size_t id, int fd, std::size_t parties) {
  const auto config = net::PartyConfig::load(config_file);
  auto net = net::TcpNetwork::connect(config, id, net::TcpListener::adopt(fd));
  Prg seeds(random_seed());
  if (id == parties) {
    const auto st = mpc::run_dealer(*net, parties, seeds);
    net->close();
    return st.arith_triples > 0 && st.trunc_masks > 0 && st.bool_triple_words > 0 ? 0 : 1;
  }
  mpc::DealerPreprocessing pre(*net, parties, parties);
  mpc::Beaver p(*net, pre, seeds, parties);
  const std::size_t n = 1000;
  const std::size_t last = parties - 1;
  const auto a = test::driver_values(1, n, 62);
  const auto b = test::driver_values(2, n, 62);
  const auto f = test::driver_values(3, n, 30);
  const auto g = test::driver_values(4, n, 30);
  const auto x = p.input(0, test::owned_by(id, 0, a), n);
  const auto y = p.input(last, test::owned_by(id, last, b), n);
  const auto u = p.input(1, test::owned_by(id, 1, f), n);
  const auto v = p.input(0, test::owned_by(id, 0, g), n);
  const auto prod = p.reveal(p.mul(x, y));
  const auto less = p.reveal_bits(mpc::lt(p, x, y));
  const auto same = p.reveal_bits(mpc::eq(p, x, p.add(p.mul_public(x, R{0}), x)));
  const auto fix = p.reveal(mpc::fixmul<16>(p, u, v));
  const auto dot = p.reveal(p.dot(x, y, n));
  pre.finish();
  int bad = 0;
  R dot_want{};
  for (std::size_t k = 0; k < n; ++k) {
    bad += prod[k] == a[k] * b[k] ? 0 : 1;
    bad += (((less[k / 64] >> (k % 64)) & 1U) != 0) == (a[k].as_signed() < b[k].as_signed()) ? 0 : 1;
    bad += ((same[k / 64] >> (k % 64)) & 1U) != 0 ? 0 : 1;
    const std::int64_t want = (f[k] * g[k]).as_signed() >> 16;
    bad += (fix[k].as_signed() == want || fix[k].as_signed() == want + 1) ? 0 : 1;
    dot_want += a[k] * b[k];
  }
  bad += dot[0] == dot_want ? 0 : 1;
  net->close();
  if (bad != 0) std::fprintf(stderr, "party %zu: %d mismatches\n", id, bad);
  return bad == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s <cluster.json> <party id> <listening fd> <compute parties>\n", argv[0]);
    return 2;
  }
  try {
    return run(argv[1], std::stoul(argv[2]), std::stoi(argv[3]), std::stoul(argv[4]));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "party %s: %s\n", argv[2], e.what());
    return 2;
  }
}
