// Google Benchmarks for the local hot loops of the mpc layer (the network
// part is measured by mpc_throughput): bit-plane transposition, Rep3's
// local multiplication term with its zero sharing, the PRG keystream, the
// fused kernels and the 64x64 transposition on each path (argument 0 =
// portable, 1 = AVX-512 where the CPU has it; skipped otherwise), and the
// whole Rep3 multiplication on three threads over LocalNetwork.
//
//   build/release/benchmarks/bench_mpc --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <array>
#include <thread>
#include <vector>

#include "privfin/core/detail/bit_transpose.hpp"
#include "privfin/mpc/detail/bits.hpp"
#include "privfin/mpc/detail/kernels.hpp"
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

static void BM_PrgFill(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Prg prg(random_seed());
  std::vector<std::uint64_t> out(n);
  for (auto _ : state) {
    prg.fill(std::span<std::uint64_t>(out));
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * state.range(0) * 8);
}
BENCHMARK(BM_PrgFill)->Arg(1 << 10)->Arg(1 << 16);

namespace {
bool pick_path(benchmark::State& state, mpc::detail::KernelPath& path) {
  path = state.range(1) == 0 ? mpc::detail::KernelPath::portable : mpc::detail::KernelPath::avx512;
  if (path == mpc::detail::KernelPath::avx512 && mpc::detail::best_kernel_path() != path) {
    state.SkipWithError("no AVX-512 on this CPU");
    return false;
  }
  return true;
}
}  // namespace

// The fused Rep3 multiply-and-mask loop, inputs in cache (n = 2^12) and
// from memory (n = 2^20); the PRG streams are not included.
static void BM_MulMaskedKernel(benchmark::State& state) {
  mpc::detail::KernelPath path{};
  if (!pick_path(state, path)) return;
  const auto n = static_cast<std::size_t>(state.range(0));
  Prg prg(random_seed());
  std::vector<std::vector<std::uint64_t>> v(7, std::vector<std::uint64_t>(n));
  for (auto& w : v) prg.fill(std::span<std::uint64_t>(w));
  const mpc::detail::KernelInputs in{v[0].data(), v[1].data(), v[2].data(), v[3].data()};
  for (auto _ : state) {
    mpc::detail::mul_masked(path, in, v[4].data(), v[5].data(), std::span<std::uint64_t>(v[6]));
    benchmark::DoNotOptimize(v[6].data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_MulMaskedKernel)->Args({1 << 12, 0})->Args({1 << 12, 1})->Args({1 << 20, 0})->Args({1 << 20, 1});

// The 64x64 bit transposition of comparisons (core/detail/bit_transpose.hpp),
// portable (range 1 = 0) and AVX-512 (1).
static void BM_Transpose64(benchmark::State& state) {
  const bool avx512 = state.range(1) != 0;
  if (avx512 && !privfin::detail::transpose64_avx512_supported()) {
    state.SkipWithError("no AVX-512 VBMI on this CPU");
    return;
  }
  std::array<std::uint64_t, 64> block{};
  Prg prg(random_seed());
  prg.fill(std::span<std::uint64_t>(block));
  for (auto _ : state) {
    privfin::detail::transpose64(block, avx512);
    benchmark::DoNotOptimize(block.data());
  }
  state.SetItemsProcessed(state.iterations() * 64);
}
BENCHMARK(BM_Transpose64)->Args({64, 0})->Args({64, 1});

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
