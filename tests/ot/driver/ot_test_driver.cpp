// One OT party as its own process, for the multi-process test:
//   privfin_ot_test_driver <cluster.json> <party id 0|1> <listening fd>
// Party 0 is the sender, party 1 the receiver. They run base OT and OT
// extension (random, correlated, chosen) over TLS; then the receiver sends
// its choices and outputs to the sender, which checks them against its own
// side. Exit 0 when all match, 1 on a mismatch, 2 on an error.
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "privfin/core/codec.hpp"
#include "privfin/net/party_config.hpp"
#include "privfin/net/tcp_network.hpp"
#include "privfin/ot/ot.hpp"

using namespace privfin;

namespace {

constexpr std::size_t n = 50'000;


int run(const std::string& config_file, std::size_t id, int fd) {
  const auto config = net::PartyConfig::load(config_file);
  auto net = net::TcpNetwork::connect(config, id, net::TcpListener::adopt(fd));
  Prg prg(random_seed());
  // Public inputs both parties can recompute: the sender's chosen messages and correlations.
  Prg public_inputs(Prg::Seed{std::byte{42}});
  std::vector<std::array<ot::Block, 2>> messages(n);
  public_inputs.fill(std::span(messages));
  std::vector<std::uint64_t> deltas(n);
  public_inputs.fill(std::span(deltas));
  int bad = 0;
  if (id == 0) {
    const auto keys = ot::base_ot_send(*net, 1, 128, prg);
    ot::ExtensionSender s(*net, 1, prg);
    const auto pairs = s.random_ot(n);
    const auto m0 = s.correlated_ot(deltas);
    s.chosen_ot(messages);
    // The receiver's view, for checking.
    const Bytes view = net->receive_message(1);
    Reader r(view);
    for (std::size_t i = 0; i < 128; ++i) {
      const bool c = r.boolean("base choice");
      bad += (r.u64("lo") == keys[i][c].lo && r.u64("hi") == keys[i][c].hi) ? 0 : 1;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const bool c1 = r.boolean("c1"), c2 = r.boolean("c2"), c3 = r.boolean("c3");
      bad += (r.u64("lo") == pairs[i][c1].lo && r.u64("hi") == pairs[i][c1].hi) ? 0 : 1;
      bad += r.u64("word") == m0[i] + (c2 ? deltas[i] : 0) ? 0 : 1;
      bad += (r.u64("lo") == messages[i][c3].lo && r.u64("hi") == messages[i][c3].hi) ? 0 : 1;
    }
    r.expect_end("receiver view");
  } else {
    auto c0 = std::make_unique<bool[]>(128);
    auto c1 = std::make_unique<bool[]>(n), c2 = std::make_unique<bool[]>(n), c3 = std::make_unique<bool[]>(n);
    for (std::size_t i = 0; i < 128; ++i) c0[i] = (prg.next_u64() & 1U) != 0;
    for (std::size_t i = 0; i < n; ++i) {
      const auto x = prg.next_u64();
      c1[i] = (x & 1U) != 0;
      c2[i] = (x & 2U) != 0;
      c3[i] = (x & 4U) != 0;
    }
    const auto keys = ot::base_ot_receive(*net, 0, std::span<const bool>(c0.get(), 128), prg);
    ot::ExtensionReceiver r(*net, 0, prg);
    const auto got = r.random_ot(std::span<const bool>(c1.get(), n));
    const auto words = r.correlated_ot(std::span<const bool>(c2.get(), n));
    const auto chosen = r.chosen_ot(std::span<const bool>(c3.get(), n));
    Writer w;
    for (std::size_t i = 0; i < 128; ++i) w.boolean(c0[i]).u64(keys[i].lo).u64(keys[i].hi);
    for (std::size_t i = 0; i < n; ++i) {
      w.boolean(c1[i]).boolean(c2[i]).boolean(c3[i]);
      w.u64(got[i].lo).u64(got[i].hi).u64(words[i]).u64(chosen[i].lo).u64(chosen[i].hi);
    }
    net->send_message(0, w.data());
    net->flush();
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
