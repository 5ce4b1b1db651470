// OT layer: 128 base OTs (Chou-Orlandi over ristretto255), and random OTs
// per second by OT extension (IKNP + KOS) for one sender-receiver pair over
// LocalNetwork and over TcpNetwork with TLS 1.3 on 127.0.0.1 (both ends in
// this process, the sender in the benchmark thread, the receiver in a
// helper thread). The base OTs of the extension are set up once, outside
// the timed loop; every iteration is one batch with its KOS check. Last,
// Gilboa multiplication triples over Z_2^64 (mpc::OtPreprocessing, 2 parties,
// from IKNP or silent OT) and Beaver mul / lt / fixmul on them, all phases
// included; random correlated OTs from silent OT (ot/silent.hpp).
// Run: build/release/benchmarks/bench_ot --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <privfin/net/keygen.hpp>
#include <privfin/net/local_network.hpp>
#include <privfin/net/tcp_network.hpp>
#include <privfin/mpc/beaver.hpp>
#include <privfin/mpc/compare.hpp>
#include <privfin/mpc/fixed_point.hpp>
#include <privfin/mpc/ot_preprocessing.hpp>
#include <privfin/ot/ot.hpp>

#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <filesystem>
#include <memory>
#include <thread>
#include <utility>

namespace {
using namespace privfin;

enum class Kind { local, tls };

const net::PartyConfig& credentials() {
  struct Scratch {
    std::filesystem::path dir;
    net::PartyConfig config;
    Scratch() {
      std::string pattern = (std::filesystem::temp_directory_path() / "privfin-bench-XXXXXX").string();
      if (::mkdtemp(pattern.data()) == nullptr) std::abort();
      dir = pattern;
      config = net::write_local_cluster(dir, 2, "127.0.0.1", 40000);
    }
    ~Scratch() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  };
  static const Scratch scratch;
  return scratch.config;
}

std::pair<std::unique_ptr<net::Network>, std::unique_ptr<net::Network>> connect_pair(Kind kind) {
  if (kind == Kind::local) {
    auto nets = net::LocalNetwork::create(2);
    return {std::move(nets[0]), std::move(nets[1])};
  }
  net::PartyConfig config = credentials();
  config.transport = net::Transport::tls;
  net::TcpListener listener = net::TcpListener::bind("127.0.0.1", 0);
  config.parties[0].port = listener.port();
  config.parties[1].port = static_cast<std::uint16_t>(listener.port() == 65535 ? 65534 : listener.port() + 1);
  std::unique_ptr<net::Network> second;
  std::thread t([&] { second = net::TcpNetwork::connect(config, 1); });
  std::unique_ptr<net::Network> first = net::TcpNetwork::connect(config, 0, std::move(listener));
  t.join();
  return {std::move(first), std::move(second)};
}

void base_ots(benchmark::State& state) {
  auto nets = net::LocalNetwork::create(2);
  std::thread peer([&] {
    Prg prg(random_seed());
    std::array<bool, 128> choices{};
    std::byte flag{};
    for (;;) {
      nets[1]->receive(0, std::span(&flag, 1));
      if (flag == std::byte{0}) break;
      benchmark::DoNotOptimize(ot::base_ot_receive(*nets[1], 0, choices, prg));
    }
  });
  Prg prg(random_seed());
  const std::byte go{1};
  for (auto _ : state) {
    nets[0]->send(1, ByteView(&go, 1));
    benchmark::DoNotOptimize(ot::base_ot_send(*nets[0], 1, 128, prg));
  }
  const std::byte stop{0};
  nets[0]->send(1, ByteView(&stop, 1));
  nets[0]->flush();
  peer.join();
  state.SetItemsProcessed(state.iterations() * 128);
}

void random_ots(benchmark::State& state, Kind kind) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto [a, b] = connect_pair(kind);
  std::thread peer([&, &b = b] {
    Prg prg(random_seed());
    ot::ExtensionReceiver r(*b, 0, prg);
    auto choices = std::make_unique<bool[]>(n);
    for (std::size_t i = 0; i < n; ++i) choices[i] = (prg.next_u64() & 1U) != 0;
    std::byte flag{};
    for (;;) {
      b->receive(0, std::span(&flag, 1));
      if (flag == std::byte{0}) break;
      benchmark::DoNotOptimize(r.random_ot(std::span<const bool>(choices.get(), n)));
    }
  });
  Prg prg(random_seed());
  ot::ExtensionSender s(*a, 1, prg);
  const std::byte go{1};
  a->reset_counters();
  for (auto _ : state) {
    a->send(1, ByteView(&go, 1));
    benchmark::DoNotOptimize(s.random_ot(n));
  }
  const auto traffic = a->total_counters();
  const std::byte stop{0};
  a->send(1, ByteView(&stop, 1));
  a->flush();
  peer.join();
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.counters["bytes/OT"] = static_cast<double>(traffic.bytes_sent + traffic.bytes_received) /
                               static_cast<double>(state.iterations() * static_cast<std::int64_t>(n));
}

void correlated_ots(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto [a, b] = connect_pair(Kind::tls);
  std::thread peer([&, &b = b] {
    Prg prg(random_seed());
    ot::ExtensionReceiver r(*b, 0, prg);
    auto choices = std::make_unique<bool[]>(n);
    for (std::size_t i = 0; i < n; ++i) choices[i] = (prg.next_u64() & 1U) != 0;
    std::byte flag{};
    for (;;) {
      b->receive(0, std::span(&flag, 1));
      if (flag == std::byte{0}) break;
      benchmark::DoNotOptimize(r.correlated_ot(std::span<const bool>(choices.get(), n)));
    }
  });
  Prg prg(random_seed());
  ot::ExtensionSender s(*a, 1, prg);
  std::vector<std::uint64_t> deltas(n);
  prg.fill(std::span(deltas));
  const std::byte go{1};
  for (auto _ : state) {
    a->send(1, ByteView(&go, 1));
    benchmark::DoNotOptimize(s.correlated_ot(deltas));
  }
  const std::byte stop{0};
  a->send(1, ByteView(&stop, 1));
  a->flush();
  peer.join();
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

// Random correlated OTs from silent OT (Ferret, ot/silent.hpp) for one
// sender-receiver pair: the bootstrap runs once, outside the timed loop;
// an iteration of 2^22 OTs runs a main iteration about every 2.4 timed
// iterations, so a timed figure is the average over a few.
void silent_cots(benchmark::State& state, Kind kind) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto [a, b] = connect_pair(kind);
  std::thread peer([&, &b = b] {
    Prg prg(random_seed());
    ot::ExtensionReceiver base(*b, 0, prg);
    ot::SilentReceiver r(base);
    auto choices = std::make_unique<bool[]>(n);
    std::vector<ot::Block> t(n);
    std::byte flag{};
    for (;;) {
      b->receive(0, std::span(&flag, 1));
      if (flag == std::byte{0}) break;
      r.random_cot(std::span(choices.get(), n), t);
      benchmark::DoNotOptimize(t.data());
    }
  });
  Prg prg(random_seed());
  ot::ExtensionSender base(*a, 1, prg);
  ot::SilentSender s(base);
  std::vector<ot::Block> q(n);
  const std::byte go{1};
  a->reset_counters();
  for (auto _ : state) {
    a->send(1, ByteView(&go, 1));
    s.random_cot(q);
    benchmark::DoNotOptimize(q.data());
  }
  const auto traffic = a->total_counters();
  const std::byte stop{0};
  a->send(1, ByteView(&stop, 1));
  a->flush();
  peer.join();
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.counters["bytes/OT"] = static_cast<double>(traffic.bytes_sent + traffic.bytes_received) /
                               static_cast<double>(state.iterations() * static_cast<std::int64_t>(n));
}

// A silent session's bootstrap alone (ot/silent.hpp): per timed iteration
// a sender and a receiver on one IKNP session pair each build a new silent
// session (47,709 IKNP OTs, one iteration of the small set). Its anchor is
// random_ots in the same run: IKNP's cost per OT.
void silent_bootstrap(benchmark::State& state, Kind kind) {
  auto [a, b] = connect_pair(kind);
  std::thread peer([&, &b = b] {
    Prg prg(random_seed());
    ot::ExtensionReceiver base(*b, 0, prg);
    std::byte flag{};
    for (;;) {
      b->receive(0, std::span(&flag, 1));
      if (flag == std::byte{0}) break;
      const ot::SilentReceiver r(base);
      benchmark::DoNotOptimize(&r);
    }
  });
  Prg prg(random_seed());
  ot::ExtensionSender base(*a, 1, prg);
  const std::byte go{1};
  a->reset_counters();
  for (auto _ : state) {
    a->send(1, ByteView(&go, 1));
    const ot::SilentSender s(base);
    benchmark::DoNotOptimize(&s);
  }
  const auto traffic = a->total_counters();
  const std::byte stop{0};
  a->send(1, ByteView(&stop, 1));
  a->flush();
  peer.join();
  state.counters["MB"] = static_cast<double>(traffic.bytes_sent + traffic.bytes_received) /
                         static_cast<double>(state.iterations()) / 1e6;
}

// Gilboa multiplication triples over Z_2^64 for 2 parties (mpc::OtPreprocessing):
// 64 correlated OTs per triple and direction, from IKNP or silent OT.
void gilboa_triples(benchmark::State& state, Kind kind, mpc::OtSource source) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto [a, b] = connect_pair(kind);
  std::thread peer([&, &b = b] {
    Prg prg(random_seed());
    mpc::OtPreprocessing pre(*b, prg, 0, source);
    std::byte flag{};
    for (;;) {
      b->receive(0, std::span(&flag, 1));
      if (flag == std::byte{0}) break;
      benchmark::DoNotOptimize(pre.arith_triples(n));
    }
  });
  Prg prg(random_seed());
  mpc::OtPreprocessing pre(*a, prg, 0, source);
  const std::byte go{1};
  a->reset_counters();
  for (auto _ : state) {
    a->send(1, ByteView(&go, 1));
    benchmark::DoNotOptimize(pre.arith_triples(n));
  }
  const auto traffic = a->total_counters();
  const std::byte stop{0};
  a->send(1, ByteView(&stop, 1));
  a->flush();
  peer.join();
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.counters["bytes/triple"] = static_cast<double>(traffic.bytes_sent + traffic.bytes_received) /
                                   static_cast<double>(state.iterations() * static_cast<std::int64_t>(n));
}

// Beaver on OtPreprocessing, 2 parties over TLS, all phases included: each
// iteration runs one batch of the operation, drawing its triples or masks
// from OT extension inside the timed interval (the anchor: MP-SPDZ
// semi2k, 2 processes over TCP). Inputs are shared once, outside the loop.
enum class Op { mul, lt, fixmul };

void beaver_on_ot(benchmark::State& state, Op op) {
  using R = Z2k<64>;
  const auto n = static_cast<std::size_t>(state.range(0));
  auto [a, b] = connect_pair(Kind::tls);
  const auto body = [n, op](net::Network& net, const std::function<bool()>& next) {
    Prg prg(random_seed());
    mpc::OtPreprocessing pre(net, prg);
    mpc::Beaver p(net, pre, prg);
    std::vector<R> v(n);
    prg.fill(std::span(v));
    for (auto& x : v) x = R::from_signed(x.as_signed() >> 34);  // 30-bit values
    const auto x = p.input(0, net.party_id() == 0 ? std::span<const R>(v) : std::span<const R>{}, n);
    const auto y = p.input(1, net.party_id() == 1 ? std::span<const R>(v) : std::span<const R>{}, n);
    while (next()) {
      if (op == Op::mul) benchmark::DoNotOptimize(p.mul(x, y));
      if (op == Op::lt) benchmark::DoNotOptimize(mpc::lt(p, x, y));
      if (op == Op::fixmul) benchmark::DoNotOptimize(mpc::fixmul<16>(p, x, y));
    }
  };
  std::thread peer([&, &b = b] {
    body(*b, [&b = b] {
      std::byte flag{};
      b->receive(0, std::span(&flag, 1));
      return flag != std::byte{0};
    });
  });
  const std::byte go{1};
  body(*a, [&] {
    if (!state.KeepRunning()) return false;
    a->send(1, ByteView(&go, 1));
    return true;
  });
  const std::byte stop{0};
  a->send(1, ByteView(&stop, 1));
  a->flush();
  peer.join();
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

}  // namespace

BENCHMARK(base_ots)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(random_ots, local, Kind::local)
    ->Arg(1 << 14)->Arg(1 << 17)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(random_ots, tls, Kind::tls)
    ->Arg(1 << 14)->Arg(1 << 17)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(correlated_ots)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(silent_cots, tls, Kind::tls)->Arg(1 << 22)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(silent_bootstrap, tls, Kind::tls)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(gilboa_triples, local, Kind::local, mpc::OtSource::extension)
    ->Arg(1 << 14)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(gilboa_triples, tls, Kind::tls, mpc::OtSource::extension)
    ->Arg(1 << 14)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(gilboa_triples, silent_tls, Kind::tls, mpc::OtSource::silent)
    ->Arg(1 << 16)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(beaver_on_ot, mul, Op::mul)->Arg(1 << 14)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(beaver_on_ot, lt, Op::lt)->Arg(1 << 12)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(beaver_on_ot, fixmul, Op::fixmul)->Arg(1 << 12)->Unit(benchmark::kMillisecond)->UseRealTime();
