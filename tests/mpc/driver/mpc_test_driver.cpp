// One Rep3 party as its own process, for the multi-process test:
//   privfin_mpc_test_driver <cluster.json> <party id> <listening socket fd>
// Runs a fixed scenario on inputs every party can recompute from a public
// seed (each party inputs only its own part), checks every revealed result
// against plaintext and exits 0 when all match, 1 on a mismatch, 2 on an error.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "driver_support.hpp"
#include "privfin/mpc/mpc.hpp"
#include "privfin/net/party_config.hpp"
#include "privfin/net/tcp_network.hpp"
#include "privfin/sharing/fixed.hpp"

using namespace privfin;
using R = Z2k<64>;

namespace {

int run(const std::string& config_file, std::size_t id, int fd) {
  const auto config = net::PartyConfig::load(config_file);
  auto net = net::TcpNetwork::connect(config, id, net::TcpListener::adopt(fd));
  Prg seeds(random_seed());
  mpc::Rep3 p(*net, seeds);
  const std::size_t n = 1000;
  const auto a = test::driver_values(1, n, 62);
  const auto b = test::driver_values(2, n, 62);
  const auto f = test::driver_values(3, n, 30);
  const auto g = test::driver_values(4, n, 30);
  const auto x = p.input(0, id == 0 ? std::span<const R>(a) : std::span<const R>{}, n);
  const auto y = p.input(1, id == 1 ? std::span<const R>(b) : std::span<const R>{}, n);
  const auto u = p.input(2, id == 2 ? std::span<const R>(f) : std::span<const R>{}, n);
  const auto v = p.input(0, id == 0 ? std::span<const R>(g) : std::span<const R>{}, n);
  const auto prod = p.reveal(p.mul(x, y));
  const auto less = p.reveal_bits(mpc::lt(p, x, y));
  const auto same = p.reveal_bits(mpc::eq(p, x, p.add(p.mul_public(x, R{0}), x)));
  const auto fix = p.reveal(mpc::fixmul<16>(p, u, v));
  const auto dot = p.reveal(p.dot(x, y, n));
  const auto mm = p.reveal(p.matmul(u, v, 10, 100, 10));
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
  for (std::size_t i = 0; i < 10; ++i) {
    for (std::size_t j = 0; j < 10; ++j) {
      R e{};
      for (std::size_t k = 0; k < 100; ++k) e += f[i * 100 + k] * g[k * 10 + j];
      bad += mm[i * 10 + j] == e ? 0 : 1;
    }
  }
  net->close();
  if (bad != 0) std::fprintf(stderr, "party %zu: %d mismatches\n", id, bad);
  return bad == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s <cluster.json> <party id> <listening fd>\n", argv[0]);
    return 2;
  }
  try {
    return run(argv[1], std::stoul(argv[2]), std::stoi(argv[3]));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "party %s: %s\n", argv[2], e.what());
    return 2;
  }
}
