// Google Benchmarks for the local hot loops of the mpc layer (the network
// part is measured by mpc_throughput): bit-plane transposition, Rep3's
// local multiplication term with its zero sharing, and the whole Rep3
// multiplication on three threads over LocalNetwork.
//
//   build/release/benchmarks/bench_mpc --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <array>
#include <thread>
#include <vector>

#include "privfin/mpc/detail/bits.hpp"
#include "privfin/mpc/rep3.hpp"
#include "privfin/net/local_network.hpp"

using namespace privfin;

static void BM_ToPlanes(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<std::uint64_t> elems(n);
  Prg prg(random_seed());
  prg.fill(std::span<std::uint64_t>(elems));
  std::vector<std::uint64_t> planes(64 * mpc::detail::plane_words(n));
  for (auto _ : state) {
    mpc::detail::to_planes(elems, planes, 64);
    elems[0] ^= planes[1];
    benchmark::DoNotOptimize(planes.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_ToPlanes)->Arg(1 << 16);

static void BM_ZeroShareAndMulLocal(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Prg prg(random_seed());
  auto shares = sharing::replicated::share<64>(std::vector<Z2k<64>>(n), prg);
  Prg a(random_seed());
  Prg b(random_seed());
  std::vector<Z2k<64>> alpha(n), z(n);
  for (auto _ : state) {
    sharing::replicated::zero_share(a, b, std::span<Z2k<64>>(alpha));
    sharing::replicated::mul_local<64>(shares[0].view(), shares[1].view(), alpha, std::span<Z2k<64>>(z));
    shares[0].first[0] += z[n - 1];
    benchmark::DoNotOptimize(z.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_ZeroShareAndMulLocal)->Arg(1 << 16);

// Three parties on threads; the benchmark thread is party 0 and tells the
// others how many multiplications to run through a first reveal.
static void BM_Rep3MulLocalNetwork(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto nets = net::LocalNetwork::create(3);
  std::array<std::thread, 2> helpers;
  auto party = [&](std::size_t id) {
    Prg seeds(random_seed());
    mpc::Rep3 p(*nets[id], seeds);
    auto x = p.random_arith(n);
    const auto y = p.random_arith(n);
    for (;;) {
      std::uint64_t go = 0;
      nets[id]->receive(0, std::as_writable_bytes(std::span<std::uint64_t>(&go, 1)));
      if (go == 0) break;
      x = p.mul(x, y);
    }
  };
  for (std::size_t i = 0; i < 2; ++i) helpers[i] = std::thread(party, i + 1);
  Prg seeds(random_seed());
  mpc::Rep3 p(*nets[0], seeds);
  auto x = p.random_arith(n);
  const auto y = p.random_arith(n);
  const std::uint64_t one = 1;
  const std::uint64_t zero = 0;
  for (auto _ : state) {
    for (std::size_t peer : {std::size_t{1}, std::size_t{2}}) nets[0]->send(peer, std::as_bytes(std::span<const std::uint64_t>(&one, 1)));
    x = p.mul(x, y);
  }
  for (std::size_t peer : {std::size_t{1}, std::size_t{2}}) nets[0]->send(peer, std::as_bytes(std::span<const std::uint64_t>(&zero, 1)));
  nets[0]->flush();
  for (auto& t : helpers) t.join();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Rep3MulLocalNetwork)->Arg(1 << 20)->UseRealTime();
