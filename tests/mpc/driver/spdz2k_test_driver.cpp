// One Spdz2k party as its own process, for the multi-process test:
//   privfin_spdz2k_test_driver <cluster.json> <party id> <listening fd> <mode>
// Modes: "dealer" (online phase with the test-only dealer, a fixed common
// seed: mul, lt, eq, fixmul, dot), "ot" (dealer-free OT preprocessing and a
// signed transcript: mul, fixmul, reveal_to, lt, eq), "ot-cheat" (as "ot", but the
// last party corrupts its share of the first triple's c). Exit codes: 0 all
// results match plaintext, 1 a mismatch, 2 an error, 3 the expected abort
// (ProtocolError naming the sacrifice) before any output.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "driver_support.hpp"
#include "privfin/core/error.hpp"
#include "privfin/mpc/mpc.hpp"
#include "privfin/net/party_config.hpp"
#include "privfin/net/tcp_network.hpp"
#include "privfin/sig/ed25519.hpp"

using namespace privfin;
using R = Z2k<64>;

namespace {

std::size_t mismatches_dealer(mpc::Spdz2k& p, std::size_t id, std::size_t parties) {
  const std::size_t n = 500;
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
  std::size_t bad = 0;
  R dot_want{};
  for (std::size_t k = 0; k < n; ++k) {
    bad += prod[k] == a[k] * b[k] ? 0U : 1U;
    bad += (((less[k / 64] >> (k % 64)) & 1U) != 0) == (a[k].as_signed() < b[k].as_signed()) ? 0U : 1U;
    bad += ((same[k / 64] >> (k % 64)) & 1U) != 0 ? 0U : 1U;
    const std::int64_t want = (f[k] * g[k]).as_signed() >> 16;
    bad += (fix[k].as_signed() == want || fix[k].as_signed() == want + 1) ? 0U : 1U;
    dot_want += a[k] * b[k];
  }
  bad += dot[0] == dot_want ? 0U : 1U;
  return bad;
}

std::size_t mismatches_ot(mpc::Spdz2k& p, std::size_t id, std::size_t parties) {
  const std::size_t n = 20;
  const std::size_t last = parties - 1;
  const auto a = test::driver_values(5, n, 64);
  const auto b = test::driver_values(6, n, 64);
  const auto f = test::driver_values(7, 2, 30);
  const auto g = test::driver_values(8, 2, 30);
  const auto x = p.input(0, test::owned_by(id, 0, a), n);
  const auto y = p.input(last, test::owned_by(id, last, b), n);
  const auto prod = p.reveal(p.mul(x, y));
  const auto mine = p.reveal_to(last, p.mul(x, x));
  const auto u = p.input(1, test::owned_by(id, 1, f), 2);
  const auto v = p.input(0, test::owned_by(id, 0, g), 2);
  const auto fix = p.reveal(mpc::fixmul<16>(p, u, v));
  // Comparison and equality: edaBits, daBits and bit triples, all dealer-free.
  const std::size_t m = 8;
  auto d = test::driver_values(9, m, 62);
  const auto e = test::driver_values(10, m, 62);
  d[2] = e[2];
  const auto s = p.input(0, test::owned_by(id, 0, d), m);
  const auto t = p.input(last, test::owned_by(id, last, e), m);
  const auto less = p.reveal_bits(mpc::lt(p, s, t));
  const auto same = p.reveal_bits(mpc::eq(p, s, t));
  std::size_t bad = 0;
  for (std::size_t k = 0; k < m; ++k) {
    bad += (((less[0] >> k) & 1U) != 0) == (d[k].as_signed() < e[k].as_signed()) ? 0U : 1U;
    bad += (((same[0] >> k) & 1U) != 0) == (d[k] == e[k]) ? 0U : 1U;
  }
  for (std::size_t k = 0; k < n; ++k) {
    bad += prod[k] == a[k] * b[k] ? 0U : 1U;
    if (id == last) bad += mine.at(k) == a[k] * a[k] ? 0U : 1U;
  }
  if (id != last) bad += mine.empty() ? 0U : 1U;
  for (std::size_t k = 0; k < 2; ++k) {
    const std::int64_t want = (f[k] * g[k]).as_signed() >> 16;
    bad += (fix[k].as_signed() == want || fix[k].as_signed() == want + 1) ? 0U : 1U;
  }
  return bad;
}

// Test-only keys: party j's Ed25519 key from a seed every process derives.
sig::Ed25519SecretKey key_of(std::size_t j) {
  Bytes seed(32);
  seed[0] = static_cast<std::byte>(j + 1);
  return sig::Ed25519SecretKey::from_seed(seed);
}

int run(const std::string& config_file, std::size_t id, int fd, const std::string& mode) {
  const auto config = net::PartyConfig::load(config_file);
  auto net = net::TcpNetwork::connect(config, id, net::TcpListener::adopt(fd));
  const std::size_t parties = net->party_count();
  Prg seeds(random_seed());
  std::size_t bad = 0;
  if (mode == "dealer") {
    mpc::Spdz2kTestDealer pre(Prg::Seed{}, id, parties);  // tests only: a fixed common seed
    mpc::Spdz2k p(*net, pre, seeds);
    bad = mismatches_dealer(p, id, parties);
  } else if (mode == "ot" || mode == "ot-cheat") {
    std::vector<Bytes> keys;
    for (std::size_t j = 0; j < parties; ++j) keys.push_back(key_of(j).public_key());
    const auto my_key = key_of(id);
    const Bytes session = {std::byte{'t'}, std::byte{'e'}, std::byte{'s'}, std::byte{'t'}};
    mpc::Spdz2kOtPreprocessing pre(*net, seeds);  // OT traffic on the plain network
    mpc::SignedTranscript signed_net(*net, session, my_key, keys);
    mpc::Spdz2k p(signed_net, pre, seeds);
    p.set_audit([&] { signed_net.audit(); });
    if (mode == "ot-cheat" && id == parties - 1) pre.corrupt_next_triple(1);
    try {
      bad = mismatches_ot(p, id, parties);
    } catch (const ProtocolError& e) {
      if (mode == "ot-cheat" && std::string(e.what()).find("sacrifice: triple 0") != std::string::npos) {
        net->close();
        return 3;
      }
      throw;
    }
    if (mode == "ot-cheat") bad += 1;  // the cheat went unnoticed
  } else {
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  }
  net->close();
  if (bad != 0) std::fprintf(stderr, "party %zu: %zu mismatches\n", id, bad);
  return bad == 0 ? 0U : 1U;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s <cluster.json> <party id> <listening fd> <mode>\n", argv[0]);
    return 2;
  }
  try {
    return run(argv[1], std::stoul(argv[2]), std::stoi(argv[3]), argv[4]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "party %s: %s\n", argv[2], e.what());
    return 2;
  }
}
