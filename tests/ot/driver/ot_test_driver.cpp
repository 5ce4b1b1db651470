// One OT party as its own process, for the multi-process tests:
//   privfin_ot_test_driver <cluster.json> <party id> <listening fd> ot
//   privfin_ot_test_driver <cluster.json> <party id> <listening fd> beaver
//   privfin_ot_test_driver <cluster.json> <party id> <listening fd> beaver-silent
// "ot": party 0 is the sender, party 1 the receiver. They run base OT and
// OT extension (random, correlated, chosen) over TLS; then the receiver
// sends its choices and outputs to the sender, which checks them against
// its own side. "beaver": every party of the cluster runs mpc::Beaver on
// mpc::OtPreprocessing (no dealer) and checks mul, lt, dot and fixmul against
// plaintext; "beaver-silent" the same with the triples and masks from silent
// OT (mpc::OtSource::silent, Ferret's parameters). Exit 0 when all match, 1
// on a mismatch, 2 on an error.
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "privfin/core/codec.hpp"
#include "privfin/mpc/beaver.hpp"
#include "privfin/mpc/compare.hpp"
#include "privfin/mpc/fixed_point.hpp"
#include "privfin/mpc/ot_preprocessing.hpp"
#include "privfin/net/party_config.hpp"
#include "privfin/net/tcp_network.hpp"
#include "privfin/ot/ot.hpp"

using namespace privfin;

namespace {

constexpr std::size_t n = 50'000;


// Public test values from a label (every process derives the same ones).
std::vector<Z2k<64>> values(std::uint8_t label, std::size_t count) {
  Prg prg(Prg::Seed{std::byte{label}});
  std::vector<Z2k<64>> v(count);
  for (auto& x : v) x = Z2k<64>::from_signed(static_cast<std::int64_t>(prg.next_u64() >> 2) - (std::int64_t{1} << 61));
  return v;
}

int run_beaver(net::Network& net, mpc::OtSource source) {
  using R = Z2k<64>;
  const std::size_t id = net.party_id();
  const std::size_t last = net.party_count() - 1;
  Prg prg(random_seed());
  mpc::OtPreprocessing pre(net, prg, 0, source);
  mpc::Beaver p(net, pre, prg);
  const std::size_t count = 500;
  const auto a = values(1, count);
  const auto b = values(2, count);
  const auto x = p.input(0, id == 0 ? std::span<const R>(a) : std::span<const R>{}, count);
  const auto y = p.input(last, id == last ? std::span<const R>(b) : std::span<const R>{}, count);
  const auto prod = p.reveal(p.mul(x, y));
  const auto less = p.reveal_bits(mpc::lt(p, x, y));
  const auto dot = p.reveal(p.dot(x, y, count));
  // Fixed point (needs truncation masks): 30-bit values times 2^-16.
  std::vector<R> f(count), g(count);
  for (std::size_t k = 0; k < count; ++k) {
    f[k] = R::from_signed(a[k].as_signed() >> 32);
    g[k] = R::from_signed(b[k].as_signed() >> 32);
  }
  const auto u = p.input(0, id == 0 ? std::span<const R>(f) : std::span<const R>{}, count);
  const auto v = p.input(last, id == last ? std::span<const R>(g) : std::span<const R>{}, count);
  const auto fix = p.reveal(mpc::fixmul<16>(p, u, v));
  int bad = 0;
  R want{};
  for (std::size_t k = 0; k < count; ++k) {
    bad += prod[k] == a[k] * b[k] ? 0 : 1;
    bad += (((less[k / 64] >> (k % 64)) & 1U) != 0) == (a[k].as_signed() < b[k].as_signed()) ? 0 : 1;
    want += a[k] * b[k];
    const std::int64_t exact = (f[k] * g[k]).as_signed() >> 16;
    bad += (fix[k].as_signed() == exact || fix[k].as_signed() == exact + 1) ? 0 : 1;
  }
  bad += dot[0] == want ? 0 : 1;
  return bad;
}

int run(const std::string& config_file, std::size_t id, int fd, const std::string& mode) {
  const auto config = net::PartyConfig::load(config_file);
  auto net = net::TcpNetwork::connect(config, id, net::TcpListener::adopt(fd));
  if (mode == "beaver" || mode == "beaver-silent") {
    const int bad = run_beaver(*net, mode == "beaver" ? mpc::OtSource::extension : mpc::OtSource::silent);
    net->close();
    if (bad != 0) std::fprintf(stderr, "party %zu: %d mismatches\n", id, bad);
    return bad == 0 ? 0 : 1;
  }
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
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s <cluster.json> <party id> <listening fd> ot|beaver|beaver-silent\n", argv[0]);
    return 2;
  }
  try {
    return run(argv[1], std::stoul(argv[2]), std::stoi(argv[3]), argv[4]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "party %s: %s\n", argv[2], e.what());
    return 2;
  }
}
