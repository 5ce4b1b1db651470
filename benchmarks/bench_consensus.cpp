// Consensus benchmarks (docs/performance.md, "Consensus"): the
// Tendermint-form engine's CPU cost per committed block with real BLS
// crypto, the simulator's speed, and the all-to-all engine's messages and
// bytes per node per block as n grows (the figure Gosig must beat). Each
// runs the deterministic simulator with zero network latency and no faults.
#include <benchmark/benchmark.h>

#include "privfin/consensus/simulator.hpp"

using namespace privfin::consensus;

namespace {

SimConfig quiet(std::size_t n, Height heights, bool real) {
  SimConfig c;
  c.seed = 1;
  c.n = n;
  c.target_height = heights;
  c.real_crypto = real;
  c.latency_min = c.latency_max = 0;
  c.jitter = 0;
  c.disk_latency = 0;
  c.liveness_window = 3'600'000'000'000;
  return c;
}

// Wall-clock cost of consensus with real crypto: every signature signed,
// verified and aggregated for real (n engines on one core).
void BM_EngineRealCrypto(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Height heights = 3;
  std::uint64_t blocks = 0, votes = 0;
  for (auto _ : state) {
    const auto r = simulate(quiet(n, heights, true));
    if (!r.ok()) state.SkipWithError(r.violations.front().c_str());
    blocks += r.committed.front();
    votes += r.committed.front() * 2 * n;  // prevotes and precommits signed per height
  }
  state.counters["blocks/s"] = benchmark::Counter(static_cast<double>(blocks), benchmark::Counter::kIsRate);
  state.counters["us/vote"] = benchmark::Counter(static_cast<double>(votes) * 1e-6,
                                                 benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_EngineRealCrypto)->Arg(4)->Arg(16)->Unit(benchmark::kMillisecond)->Iterations(1);
BENCHMARK(BM_EngineRealCrypto)->Arg(64)->Unit(benchmark::kMillisecond)->Iterations(1);

// Simulator speed: 100 nodes, symbolic crypto, 1,000 heights.
void BM_Simulator100Nodes(benchmark::State& state) {
  const auto heights = static_cast<Height>(state.range(0));
  std::uint64_t events = 0;
  for (auto _ : state) {
    const auto r = simulate(quiet(100, heights, false));
    if (!r.ok()) state.SkipWithError(r.violations.front().c_str());
    events += r.events;
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Simulator100Nodes)->Arg(100)->Arg(1000)->Unit(benchmark::kSecond)->Iterations(1);

// Messages and bytes sent per node per committed block.
void BM_MessagesPerBlock(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  SimResult last;
  for (auto _ : state) {
    last = simulate(quiet(n, 5, false));
    if (!last.ok()) state.SkipWithError(last.violations.front().c_str());
  }
  const double per = static_cast<double>(n) * static_cast<double>(last.committed.front());
  state.counters["msgs/node/block"] = static_cast<double>(last.messages) / per;
  state.counters["bytes/node/block"] = static_cast<double>(last.bytes) / per;
}
BENCHMARK(BM_MessagesPerBlock)->Arg(4)->Arg(16)->Arg(64)->Arg(256)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
