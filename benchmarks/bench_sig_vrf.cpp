// Benchmarks for the sig layer's VRF, Ed25519 and sortition code.
//   build/release/benchmarks/bench_sig_vrf --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstdint>

#include "privfin/core/prg.hpp"
#include "privfin/sig/ecvrf.hpp"
#include "privfin/sig/ed25519.hpp"
#include "privfin/sig/sortition.hpp"

using namespace privfin;
using namespace privfin::sig;

namespace {

Prg bench_prg() {
  Prg::Seed seed{};
  seed[0] = std::byte{0x42};
  return Prg(seed);
}

void vrf_prove(benchmark::State& state, VrfSuite suite) {
  const Ecvrf vrf(suite);
  auto prg = bench_prg();
  const auto keys = vrf.generate(prg);
  Bytes alpha = to_bytes("round 1");
  for (auto _ : state) {
    Bytes pi = vrf.prove(keys.secret_key.view(), alpha);
    alpha[0] = pi[40];  // feed back so the work cannot be hoisted
    benchmark::DoNotOptimize(pi);
  }
  state.SetItemsProcessed(state.iterations());
}

void vrf_verify(benchmark::State& state, VrfSuite suite) {
  const Ecvrf vrf(suite);
  auto prg = bench_prg();
  const auto keys = vrf.generate(prg);
  const Bytes alpha = to_bytes("round 1");
  const Bytes pi = vrf.prove(keys.secret_key.view(), alpha);
  for (auto _ : state) {
    auto beta = vrf.verify(keys.public_key, alpha, pi);
    if (!beta) state.SkipWithError("proof rejected");
    benchmark::DoNotOptimize(beta);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(vrf_prove, p256_sha256_tai, VrfSuite::p256_sha256_tai);
BENCHMARK_CAPTURE(vrf_prove, p256_sha256_sswu, VrfSuite::p256_sha256_sswu);
BENCHMARK_CAPTURE(vrf_prove, edwards25519_sha512_tai, VrfSuite::edwards25519_sha512_tai);
BENCHMARK_CAPTURE(vrf_prove, edwards25519_sha512_ell2, VrfSuite::edwards25519_sha512_ell2);
BENCHMARK_CAPTURE(vrf_verify, p256_sha256_tai, VrfSuite::p256_sha256_tai);
BENCHMARK_CAPTURE(vrf_verify, p256_sha256_sswu, VrfSuite::p256_sha256_sswu);
BENCHMARK_CAPTURE(vrf_verify, edwards25519_sha512_tai, VrfSuite::edwards25519_sha512_tai);
BENCHMARK_CAPTURE(vrf_verify, edwards25519_sha512_ell2, VrfSuite::edwards25519_sha512_ell2);

void ed25519_sign(benchmark::State& state) {
  auto prg = bench_prg();
  const auto sk = Ed25519SecretKey::generate(prg);
  Bytes msg = prg.bytes(64);
  for (auto _ : state) {
    Bytes sig = sk.sign(msg);
    msg[0] = sig[0];
    benchmark::DoNotOptimize(sig);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(ed25519_sign);

void ed25519_verify_bench(benchmark::State& state) {
  auto prg = bench_prg();
  const auto sk = Ed25519SecretKey::generate(prg);
  const Bytes msg = prg.bytes(64);
  const Bytes sig = sk.sign(msg);
  for (auto _ : state) {
    const bool ok = ed25519_verify(sk.public_key(), msg, sig);
    if (!ok) state.SkipWithError("signature rejected");
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(ed25519_verify_bench)->Name("ed25519_verify");

// One committee decision: stake w (argument) of W = 10^6, tau = 2000.
void sortition_committee(benchmark::State& state) {
  auto prg = bench_prg();
  const auto stake = static_cast<std::uint64_t>(state.range(0));
  Bytes beta = prg.bytes(64);
  for (auto _ : state) {
    const auto j = sortition::committee_votes(beta, stake, 1000000, 2000);
    beta[0] = static_cast<std::byte>(j + static_cast<std::uint64_t>(beta[1]));
    beta[1] = beta[2];
    benchmark::DoNotOptimize(j);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(sortition_committee)->Arg(100)->Arg(1000)->Arg(10000);

// Real stakes: w = 10^8 of W = 10^9 with tau = 2000 (200 votes expected) and
// w = 10^9 of W = 10^10 with tau = 10^4 (1000 expected), decided by the
// certified floating bounds (the exact numbers would have 10^9 bits).
void sortition_committee_large(benchmark::State& state) {
  auto prg = bench_prg();
  const auto stake = static_cast<std::uint64_t>(state.range(0));
  const std::uint64_t total = 10 * stake;
  const auto tau = static_cast<std::uint64_t>(state.range(1));
  Bytes beta = prg.bytes(64);
  for (auto _ : state) {
    const auto j = sortition::committee_votes(beta, stake, total, tau);
    beta[0] = static_cast<std::byte>(j + static_cast<std::uint64_t>(beta[1]));
    beta[1] = beta[2];
    benchmark::DoNotOptimize(j);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(sortition_committee_large)->Args({100'000'000, 2000})->Args({1'000'000'000, 10'000});

void sortition_leader(benchmark::State& state) {
  auto prg = bench_prg();
  const sortition::LeaderElection election(5, 100);
  Bytes beta = prg.bytes(64);
  for (auto _ : state) {
    const bool c = election.is_candidate(beta);
    beta[0] = static_cast<std::byte>(static_cast<unsigned>(beta[0]) + (c ? 1u : 3u));
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(sortition_leader);

}  // namespace
