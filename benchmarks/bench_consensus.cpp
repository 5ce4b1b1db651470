// Consensus benchmarks (docs/performance.md, "Consensus"): the crypto
// provider's sign, verify, aggregate and aggregate-verify times (the
// defaults of CostModel, the simulator's CPU model, are these figures), the
// Tendermint-form engine's CPU cost per committed block with real BLS
// crypto, the simulator's speed, and the all-to-all engine's messages and
// bytes per node per block as n grows (the figure Gosig must beat). The
// engine benchmarks run the deterministic simulator with zero network
// latency and no faults.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "privfin/consensus/crypto.hpp"
#include "privfin/consensus/simulator.hpp"
#include "privfin/core/prg.hpp"

using namespace privfin;
using namespace privfin::consensus;
using sig::bls12_381::BlsMinPk;

namespace {

// n BLS validators and their keys, from a fixed seed.
struct BlsCommittee {
  std::vector<sig::bls12_381::SecretKey> keys;
  ValidatorSet validators;
  explicit BlsCommittee(std::size_t n) {
    Prg prg(Prg::Seed{});
    std::vector<Validator> members;
    for (std::size_t i = 0; i < n; ++i) {
      keys.push_back(sig::bls12_381::SecretKey::key_gen(prg.bytes(32)));
      members.push_back(make_bls_validator(keys.back()));
    }
    validators = ValidatorSet(std::move(members));
  }
  // Every member's signature of msg, as BlsCrypto::sign makes it (without a
  // provider, whose cache would keep their points).
  [[nodiscard]] std::vector<Bytes> signatures_of(const Bytes& msg) const {
    std::vector<Bytes> out;
    for (const auto& key : keys) {
      const auto s = BlsMinPk::sign(key, msg, sig::bls12_381::Scheme::proof_of_possession);
      out.emplace_back(s.begin(), s.end());
    }
    return out;
  }
};

Bytes vote_bytes(std::uint64_t i) { return to_bytes("precommit|sim-chain|height " + std::to_string(i)); }

// CostModel::sign: one vote signed by this node's provider.
void BM_ProviderSign(benchmark::State& state) {
  const BlsCommittee c(4);
  BlsCrypto crypto(c.validators, c.keys[0]);
  std::uint64_t i = 0;
  for (auto _ : state) {
    auto sig = crypto.sign(vote_bytes(i++));
    benchmark::DoNotOptimize(sig.data());
  }
  state.counters["sign/s"] = benchmark::Counter(static_cast<double>(i), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ProviderSign)->Unit(benchmark::kMillisecond);

// BlsCrypto keeps the points of the last 4 n (at least 16) signatures it
// decoded (crypto.hpp): the verify benchmarks cycle through more distinct
// signatures than that, so that each check decodes its signatures, as a
// peer's new vote is; a benchmark repeating a few would time cache hits.
constexpr std::size_t distinct_signatures = 64;

// CostModel::verify: one peer's vote signature checked.
void BM_ProviderVerify(benchmark::State& state) {
  const BlsCommittee c(4);
  BlsCrypto signer(c.validators, c.keys[1]);
  BlsCrypto crypto(c.validators, c.keys[0]);
  std::vector<Bytes> msgs, sigs;
  for (std::size_t k = 0; k < distinct_signatures; ++k) {
    msgs.push_back(vote_bytes(k));
    sigs.push_back(signer.sign(msgs[k]));
  }
  std::size_t k = 0, ok = 0;
  for (auto _ : state) {
    ok += crypto.verify(1, msgs[k % msgs.size()], sigs[k % sigs.size()]) ? 1U : 0U;
    ++k;
  }
  if (ok != k) state.SkipWithError("a valid signature did not verify");
}
BENCHMARK(BM_ProviderVerify)->Unit(benchmark::kMillisecond);

// CostModel::batch_verify and batch_verify_per_signature: n votes for one
// value checked together (Tendermint's lazy vote checks, tendermint.hpp).
void BM_ProviderVerifyBatch(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const BlsCommittee c(n);
  // Batches of distinct messages, more signatures in all than the provider keeps.
  const std::size_t batches = std::max<std::size_t>(2, distinct_signatures / n);
  std::vector<Bytes> msgs;
  std::vector<std::vector<Bytes>> sigs(batches);
  std::vector<NodeId> signers;
  for (std::size_t i = 0; i < n; ++i) signers.push_back(static_cast<NodeId>(i));
  for (std::size_t b = 0; b < batches; ++b) {
    msgs.push_back(vote_bytes(b));
    sigs[b] = c.signatures_of(msgs[b]);
  }
  std::vector<std::vector<ByteView>> views;
  for (const auto& batch : sigs) views.emplace_back(batch.begin(), batch.end());
  BlsCrypto crypto(c.validators, std::nullopt);
  std::size_t ok = 0, runs = 0;
  for (auto _ : state) {
    ok += crypto.verify_batch(signers, msgs[runs % batches], views[runs % batches]) ? 1U : 0U;
    ++runs;
  }
  if (ok != runs) state.SkipWithError("a valid batch did not verify");
}
BENCHMARK(BM_ProviderVerifyBatch)->Arg(2)->Arg(3)->Arg(6)->Arg(12)->Unit(benchmark::kMillisecond);

// CostModel::aggregate_per_signature: combining n same-message signatures,
// each decoded (the rounds cycle through more than the provider keeps). A
// node that checked the votes itself sums kept points instead, far cheaper:
// the model's figure is the bound.
// CostModel::aggregate_verify: a commit certificate of n signers checked.
void BM_ProviderAggregate(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const BlsCommittee c(n);
  const std::size_t rounds = 5;  // 5 n signatures, above the 4 n kept
  std::vector<std::vector<Bytes>> sigs(rounds);
  for (std::size_t r = 0; r < rounds; ++r) sigs[r] = c.signatures_of(vote_bytes(r));
  std::vector<std::vector<ByteView>> views;
  for (const auto& round : sigs) views.emplace_back(round.begin(), round.end());
  BlsCrypto crypto(c.validators, std::nullopt);
  std::size_t k = 0;
  for (auto _ : state) {
    auto agg = crypto.aggregate(views[k++ % rounds]);
    benchmark::DoNotOptimize(agg.data());
  }
  state.counters["signatures/s"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ProviderAggregate)->Arg(64)->Unit(benchmark::kMicrosecond);

void BM_ProviderAggregateVerify(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const BlsCommittee c(n);
  const Bytes msg = vote_bytes(0);
  std::vector<Bytes> sigs;
  for (std::size_t i = 0; i < n; ++i) sigs.push_back(BlsCrypto(c.validators, c.keys[i]).sign(msg));
  std::vector<ByteView> views(sigs.begin(), sigs.end());
  BlsCrypto crypto(c.validators, std::nullopt);
  const Bytes agg = crypto.aggregate(views);
  const std::vector<bool> all(n, true);
  std::size_t ok = 0, runs = 0;
  for (auto _ : state) {
    ok += crypto.verify_aggregate(all, msg, agg) ? 1U : 0U;
    ++runs;
  }
  if (ok != runs) state.SkipWithError("a valid aggregate did not verify");
}
BENCHMARK(BM_ProviderAggregateVerify)->Arg(4)->Arg(16)->Arg(64)->Unit(benchmark::kMillisecond);

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
  SimResult r;
  for (auto _ : state) {
    r = simulate(quiet(n, heights, true));
    if (!r.ok()) state.SkipWithError(r.violations.front().c_str());
    blocks += r.committed.front();
    votes += r.committed.front() * 2 * n;  // prevotes and precommits signed per height
  }
  state.counters["rounds/height"] = static_cast<double>(r.rounds) / static_cast<double>(std::max<std::uint64_t>(r.commits, 1));
  state.counters["msgs/node/block"] =
      static_cast<double>(r.messages) / static_cast<double>(n * std::max<Height>(r.committed.front(), 1));
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
  SimResult r;
  for (auto _ : state) {
    r = simulate(quiet(100, heights, false));
    if (!r.ok()) state.SkipWithError(r.violations.front().c_str());
    events += r.events;
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["events"] = static_cast<double>(events);
  state.counters["virtual_s"] = static_cast<double>(r.end_time) * 1e-9;
  state.counters["rounds/height"] = static_cast<double>(r.rounds) / static_cast<double>(std::max<std::uint64_t>(r.commits, 1));
  state.counters["msgs/node/block"] =
      static_cast<double>(r.messages) / static_cast<double>(100 * std::max<Height>(r.committed.front(), 1));
}
BENCHMARK(BM_Simulator100Nodes)->Arg(100)->Arg(1000)->Unit(benchmark::kSecond)->Iterations(1);

// Messages and bytes sent per node per committed block: the protocol's own
// message complexity, with zero modelled CPU time (no timeout fires, every
// height decides in round 0). With the measured CPU costs an all-to-all
// engine at n >= 64 spends longer verifying a height's votes than its
// timeouts and rebroadcast interval, and the count then measures the
// timeouts (BM_Simulator100Nodes shows that regime).
void BM_MessagesPerBlock(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  SimResult last;
  for (auto _ : state) {
    auto cfg = quiet(n, 5, false);
    cfg.costs = CostModel{0, 0, 0, 0, 0, 0, 0};
    last = simulate(cfg);
    if (!last.ok()) state.SkipWithError(last.violations.front().c_str());
  }
  const double per = static_cast<double>(n) * static_cast<double>(last.committed.front());
  state.counters["msgs/node/block"] = static_cast<double>(last.messages) / per;
  state.counters["bytes/node/block"] = static_cast<double>(last.bytes) / per;
  state.counters["rounds/height"] =
      static_cast<double>(last.rounds) / static_cast<double>(std::max<std::uint64_t>(last.commits, 1));
}
BENCHMARK(BM_MessagesPerBlock)->Arg(4)->Arg(16)->Arg(64)->Arg(256)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace
