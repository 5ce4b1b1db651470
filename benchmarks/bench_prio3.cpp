// Prio3 (draft-irtf-cfrg-vdaf-20) hot operations: shard per report, full
// verification per report (both aggregators' verify_init, combining the
// verifier shares, both verify_next), and one aggregator's throughput in
// reports/s (its verify_init, the combine, its verify_next and aggregation;
// the peer's verifier shares are precomputed), for 2 aggregators.
// Run: build/release/benchmarks/bench_prio3 --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <privfin/vdaf/prio3.hpp>

#include <cmath>
#include <vector>

namespace {
using namespace privfin;
using namespace privfin::vdaf;
using namespace privfin::vdaf;

std::size_t chunk_for(std::size_t meas_len) {
  return std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(std::sqrt(static_cast<double>(meas_len)))));
}

struct CountCase {
  static Count circuit(std::int64_t) { return Count(); }
  static Count::Measurement measurement(const Count&, std::size_t i) { return i % 2; }
};
struct SumCase {
  static Sum circuit(std::int64_t bits) {
    return Sum(bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1);
  }
  static Sum::Measurement measurement(const Sum& c, std::size_t i) { return (i * 2654435761U) % (c.max_measurement() + 1); }
};
struct HistogramCase {
  static Histogram circuit(std::int64_t length) {
    const auto n = static_cast<std::size_t>(length);
    return Histogram(n, chunk_for(n));
  }
  static Histogram::Measurement measurement(const Histogram& c, std::size_t i) { return (i * 7) % c.length(); }
};
struct SumVecCase {
  static SumVec circuit(std::int64_t length) {
    const auto n = static_cast<std::size_t>(length);
    return SumVec(n, 255, chunk_for(n * 8));
  }
  static SumVec::Measurement measurement(const SumVec& c, std::size_t i) {
    SumVec::Measurement m(c.length());
    for (std::size_t k = 0; k < m.size(); ++k) m[k] = (i + k) % 256;
    return m;
  }
};

const Bytes kCtx = to_bytes("privfin bench");

template <class Case>
void BM_Shard(benchmark::State& state) {
  const auto circuit = Case::circuit(state.range(0));
  const Prio3<decltype(circuit)> vdaf(circuit, 2);
  Prg prg(Prg::Seed{});
  Bytes nonce(16);
  std::size_t i = 0;
  for (auto _ : state) {
    prg.fill(std::span<std::byte>(nonce));
    auto out = vdaf.shard(kCtx, Case::measurement(circuit, i++), nonce, prg);
    benchmark::DoNotOptimize(out.input_shares.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

template <class Circuit>
struct Batch {
  std::vector<Bytes> nonces, public_shares;
  std::vector<std::vector<Bytes>> input_shares;
};

template <class Case, class Circuit>
Batch<Circuit> make_batch(const Prio3<Circuit>& vdaf, std::size_t n) {
  Batch<Circuit> b;
  Prg prg(Prg::Seed{{std::byte{1}}});
  for (std::size_t i = 0; i < n; ++i) {
    Bytes nonce(16);
    prg.fill(std::span<std::byte>(nonce));
    auto s = vdaf.shard(kCtx, Case::measurement(vdaf.circuit(), i), nonce, prg);
    b.nonces.push_back(nonce);
    b.public_shares.push_back(std::move(s.public_share));
    b.input_shares.push_back(std::move(s.input_shares));
  }
  return b;
}

// Everything both aggregators do for one report, on one core.
template <class Case>
void BM_VerifyReport(benchmark::State& state) {
  const auto circuit = Case::circuit(state.range(0));
  using C = decltype(circuit);
  const Prio3<C> vdaf(circuit, 2);
  const Bytes key(32, std::byte{7});
  const auto batch = make_batch<Case>(vdaf, 64);
  auto agg = vdaf.empty_aggregate();
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t r = i++ % batch.nonces.size();
    auto a0 = vdaf.verify_init(key, kCtx, 0, batch.nonces[r], batch.public_shares[r], batch.input_shares[r][0]);
    auto a1 = vdaf.verify_init(key, kCtx, 1, batch.nonces[r], batch.public_shares[r], batch.input_shares[r][1]);
    const std::vector<Bytes> vs = {a0.value().verifier_share, a1.value().verifier_share};
    auto msg = vdaf.verifier_shares_to_message(kCtx, vs);
    auto o0 = vdaf.verify_next(kCtx, a0.value().state, msg.value());
    auto o1 = vdaf.verify_next(kCtx, a1.value().state, msg.value());
    vdaf.aggregate_inplace(agg, o0.value());
    benchmark::DoNotOptimize(o1.value().data());
  }
  benchmark::DoNotOptimize(agg.data());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// One aggregator's work per report (2 aggregators): reports/s per core.
template <class Case>
void BM_AggregatorThroughput(benchmark::State& state) {
  const auto circuit = Case::circuit(state.range(0));
  using C = decltype(circuit);
  const Prio3<C> vdaf(circuit, 2);
  const Bytes key(32, std::byte{7});
  const auto batch = make_batch<Case>(vdaf, 64);
  std::vector<Bytes> peer_shares;
  for (std::size_t r = 0; r < batch.nonces.size(); ++r) {
    peer_shares.push_back(
        vdaf.verify_init(key, kCtx, 1, batch.nonces[r], batch.public_shares[r], batch.input_shares[r][1]).value().verifier_share);
  }
  auto agg = vdaf.empty_aggregate();
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t r = i++ % batch.nonces.size();
    auto a0 = vdaf.verify_init(key, kCtx, 0, batch.nonces[r], batch.public_shares[r], batch.input_shares[r][0]);
    const std::vector<Bytes> vs = {a0.value().verifier_share, peer_shares[r]};
    auto msg = vdaf.verifier_shares_to_message(kCtx, vs);
    auto o0 = vdaf.verify_next(kCtx, a0.value().state, msg.value());
    vdaf.aggregate_inplace(agg, o0.value());
  }
  benchmark::DoNotOptimize(agg.data());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

BENCHMARK(BM_Shard<CountCase>)->Name("Shard/Count")->Arg(0);
BENCHMARK(BM_Shard<SumCase>)->Name("Shard/Sum_bits")->Arg(8)->Arg(32);
BENCHMARK(BM_Shard<HistogramCase>)->Name("Shard/Histogram")->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK(BM_Shard<SumVecCase>)->Name("Shard/SumVec_8bit")->Arg(1000);
BENCHMARK(BM_VerifyReport<CountCase>)->Name("VerifyReport/Count")->Arg(0);
BENCHMARK(BM_VerifyReport<SumCase>)->Name("VerifyReport/Sum_bits")->Arg(8)->Arg(32);
BENCHMARK(BM_VerifyReport<HistogramCase>)->Name("VerifyReport/Histogram")->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK(BM_VerifyReport<SumVecCase>)->Name("VerifyReport/SumVec_8bit")->Arg(1000);
BENCHMARK(BM_AggregatorThroughput<CountCase>)->Name("AggregatorThroughput/Count")->Arg(0);
BENCHMARK(BM_AggregatorThroughput<SumCase>)->Name("AggregatorThroughput/Sum_bits")->Arg(32);
BENCHMARK(BM_AggregatorThroughput<HistogramCase>)->Name("AggregatorThroughput/Histogram")->Arg(100);

}  // namespace
