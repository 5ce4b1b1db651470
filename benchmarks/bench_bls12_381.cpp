// BLS12-381 hot operations: field multiplication and inversion, scalar
// multiplication, hash-to-G2, the pairing, Verify, FastAggregateVerify
// (100 and 1000 keys, PoP-checked committee and raw bytes), and merging
// multisignatures. Each benchmark also reports "cycles": time-stamp-counter
// ticks per iteration (rdtsc, which counts at the nominal frequency).
// Run: build/release/benchmarks/bench_bls12_381 --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <privfin/core/prg.hpp>
#include <privfin/sig/bls12_381/bls.hpp>
#include <privfin/sig/bls12_381/hash_to_curve.hpp>
#include <privfin/sig/bls12_381/multisig.hpp>
#include <privfin/sig/bls12_381/pairing.hpp>

#include <cstdint>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

namespace {
using namespace privfin;
using namespace privfin::sig::bls12_381;

std::uint64_t ticks() {
#if defined(__x86_64__) || defined(__i386__)
  return __rdtsc();
#else
  return 0;
#endif
}

// Runs body() once per iteration and records average ticks per iteration.
template <class Body>
void timed(benchmark::State& state, Body body) {
  std::uint64_t total = 0;
  for (auto _ : state) {
    const std::uint64_t t0 = ticks();
    body();
    total += ticks() - t0;
  }
  state.counters["cycles"] =
      benchmark::Counter(static_cast<double>(total), benchmark::Counter::kAvgIterations);
}

Fp some_fp(std::uint64_t seed) {
  Prg prg(Prg::Seed{static_cast<std::byte>(seed)});
  Fp::Repr raw{};
  for (auto& l : raw) l = prg.next_u64();
  return Fp::from_raw(raw);
}

Fr some_fr(std::uint64_t seed) {
  Prg prg(Prg::Seed{static_cast<std::byte>(seed), std::byte{1}});
  Fr::Repr raw{};
  for (auto& l : raw) l = prg.next_u64();
  return Fr::from_raw(raw);
}

void BM_FpMul(benchmark::State& state) {
  Fp a = some_fp(1);
  const Fp b = some_fp(2);
  timed(state, [&] {
    for (int i = 0; i < 100; ++i) a = a * b;  // a dependent chain
    benchmark::DoNotOptimize(a);
  });
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 100);
}
BENCHMARK(BM_FpMul);

void BM_FpInverse(benchmark::State& state) {
  Fp a = some_fp(3);
  timed(state, [&] {
    a = a.inverse() + Fp::one();
    benchmark::DoNotOptimize(a);
  });
}
BENCHMARK(BM_FpInverse);

void BM_G1Mul(benchmark::State& state) {
  G1 p = G1::generator();
  const Fr k = some_fr(4);
  timed(state, [&] {
    p = p.mul(k);
    benchmark::DoNotOptimize(p);
  });
}
BENCHMARK(BM_G1Mul)->Unit(benchmark::kMicrosecond);

void BM_G2Mul(benchmark::State& state) {
  G2 q = G2::generator();
  const Fr k = some_fr(5);
  timed(state, [&] {
    q = q.mul(k);
    benchmark::DoNotOptimize(q);
  });
}
BENCHMARK(BM_G2Mul)->Unit(benchmark::kMicrosecond);

void BM_HashToG2(benchmark::State& state) {
  Bytes msg = to_bytes("benchmark message 0");
  const Bytes dst = to_bytes(BlsMinPk::dst(Scheme::basic));
  timed(state, [&] {
    const G2 h = hash_to_g2(msg, dst);
    msg.back() = static_cast<std::byte>(h.x().c0.mont()[0]);  // feed back
  });
}
BENCHMARK(BM_HashToG2)->Unit(benchmark::kMicrosecond);

void BM_Pairing(benchmark::State& state) {
  const G1 p = G1::generator().mul(some_fr(6));
  G2 q = G2::generator().mul(some_fr(7));
  timed(state, [&] {
    const Fp12 e = pairing(p, q);
    benchmark::DoNotOptimize(e);
  });
}
BENCHMARK(BM_Pairing)->Unit(benchmark::kMillisecond);

template <class V>
void BM_Verify(benchmark::State& state) {
  using B = Bls<V>;
  const SecretKey sk = SecretKey::key_gen(Bytes(32, std::byte{9}));
  const auto pk = B::sk_to_pk(sk);
  const Bytes msg = to_bytes("a block to vote for");
  const auto sig = B::sign(sk, msg);
  timed(state, [&] {
    const bool ok = B::verify(pk, msg, sig);
    if (!ok) state.SkipWithError("verification failed");
  });
}
BENCHMARK(BM_Verify<MinPk>)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Verify<MinSig>)->Unit(benchmark::kMillisecond);

void BM_Sign(benchmark::State& state) {
  const SecretKey sk = SecretKey::key_gen(Bytes(32, std::byte{9}));
  Bytes msg = to_bytes("a block to vote for");
  timed(state, [&] {
    const auto sig = BlsMinPk::sign(sk, msg);
    msg.back() = sig[10];
  });
}
BENCHMARK(BM_Sign)->Unit(benchmark::kMillisecond);

struct Votes {
  std::vector<BlsMinPk::PublicKey> pks;
  std::vector<BlsMinPk::Signature> pops, sigs;
  std::vector<ByteView> pk_views, pop_views, sig_views;
  Bytes msg = to_bytes("block 1000");
  explicit Votes(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      Bytes ikm(32, std::byte{7});
      ikm[0] = static_cast<std::byte>(i);
      ikm[1] = static_cast<std::byte>(i >> 8);
      const SecretKey sk = SecretKey::key_gen(ikm);
      pks.push_back(BlsMinPk::sk_to_pk(sk));
      pops.push_back(BlsMinPk::pop_prove(sk));
      sigs.push_back(BlsMinPk::sign(sk, msg, Scheme::proof_of_possession));
    }
    for (std::size_t i = 0; i < n; ++i) {
      pk_views.emplace_back(pks[i].data(), pks[i].size());
      pop_views.emplace_back(pops[i].data(), pops[i].size());
      sig_views.emplace_back(sigs[i].data(), sigs[i].size());
    }
  }
};

// FastAggregateVerify over a PoP-checked committee (keys decoded once, as a
// consensus node holds them): MultiSig::verify with every member signing.
void BM_FastAggregateVerifyCommittee(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Votes votes(n);
  const auto committee = Committee<MinPk>::from_keys(votes.pk_views, votes.pop_views);
  MultiSig<MinPk> all(n);
  for (std::size_t i = 0; i < n; ++i) all.merge_inplace(MultiSig<MinPk>::single(n, i, votes.sigs[i]));
  timed(state, [&] {
    if (!all.verify(committee, votes.msg)) state.SkipWithError("verification failed");
  });
}
BENCHMARK(BM_FastAggregateVerifyCommittee)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

// The draft's FastAggregateVerify on encoded keys: includes decompressing
// and subgroup-checking every key on every call.
void BM_FastAggregateVerifyBytes(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Votes votes(n);
  const auto agg = BlsMinPk::aggregate(votes.sig_views);
  timed(state, [&] {
    if (!BlsMinPk::fast_aggregate_verify(votes.pk_views, votes.msg, agg)) state.SkipWithError("verification failed");
  });
}
BENCHMARK(BM_FastAggregateVerifyBytes)->Arg(100)->Unit(benchmark::kMillisecond);

// Merging two partial aggregates of a 1000-member committee.
void BM_MultiSigMerge(benchmark::State& state) {
  const std::size_t n = 1000;
  const Votes votes(2);
  auto a = MultiSig<MinPk>::single(n, 0, votes.sigs[0]);
  const auto b = MultiSig<MinPk>::single(n, 1, votes.sigs[1]);
  timed(state, [&] {
    a.merge_inplace(b);
    benchmark::DoNotOptimize(a);
  });
}
BENCHMARK(BM_MultiSigMerge)->Unit(benchmark::kMicrosecond);

}  // namespace
