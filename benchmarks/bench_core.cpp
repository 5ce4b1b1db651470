// Core-layer hot operations: PRG fill, Mersenne field multiplication,
// Z_{2^64} vector multiplication, 2048-bit modular exponentiation.
// Run: build/release/benchmarks/bench_core --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <privfin/core/bigint.hpp>
#include <privfin/core/hash.hpp>
#include <privfin/core/mersenne.hpp>
#include <privfin/core/prg.hpp>
#include <privfin/core/ring.hpp>
#include <privfin/core/turboshake.hpp>

#include <array>
#include <vector>

namespace {
using namespace privfin;

void BM_PrgFill(benchmark::State& state) {
  Prg prg(Prg::Seed{});
  std::vector<std::byte> buffer(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    prg.fill(buffer);
    benchmark::DoNotOptimize(buffer.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_PrgFill)->Arg(64)->Arg(4096)->Arg(1 << 20);

template <class Field>
void BM_FieldMul(benchmark::State& state) {
  Prg prg(Prg::Seed{});
  constexpr std::size_t n = 1024;
  std::vector<Field> a(n), b(n);
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = Field::random(prg);
    b[i] = Field::random(prg);
  }
  for (auto _ : state) {
    // Feed the product back so the multiplications form a dependent chain
    // per lane and cannot be hoisted.
    for (std::size_t i = 0; i < n; ++i) a[i] = a[i] * b[i];
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK_TEMPLATE(BM_FieldMul, Fp61);
BENCHMARK_TEMPLATE(BM_FieldMul, Fp127);

void BM_Z2k64VectorMul(benchmark::State& state) {
  Prg prg(Prg::Seed{});
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<Z2k<64>> a(n), b(n), out(n);
  prg.fill(std::span<Z2k<64>>(a));
  prg.fill(std::span<Z2k<64>>(b));
  for (auto _ : state) {
    ring::mul<64>(a, b, out);
    std::swap(a, out);
    benchmark::DoNotOptimize(a.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Z2k64VectorMul)->Arg(1 << 10)->Arg(1 << 20);

void BM_Powm2048(benchmark::State& state) {
  Prg prg(Prg::Seed{});
  mpz_class modulus = bigint::random_bits(2048, prg);
  mpz_setbit(modulus.get_mpz_t(), 2047);
  mpz_setbit(modulus.get_mpz_t(), 0);
  mpz_class base = bigint::random_below(modulus, prg);
  const mpz_class exponent = bigint::random_bits(2048, prg);
  const bool secure = state.range(0) != 0;
  for (auto _ : state) {
    base = secure ? bigint::powm_sec(base, exponent, modulus) : bigint::powm(base, exponent, modulus);
    benchmark::DoNotOptimize(base.get_mpz_t());
  }
  state.SetLabel(secure ? "powm_sec" : "powm");
}
BENCHMARK(BM_Powm2048)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_TurboShake128(benchmark::State& state) {
  std::vector<std::byte> message(static_cast<std::size_t>(state.range(0)));
  std::vector<std::byte> out(32);
  for (auto _ : state) {
    TurboShake128 xof(0x01);
    xof.absorb(message);
    xof.squeeze(out);
    message[0] = out[0];
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_TurboShake128)->Arg(64)->Arg(1 << 16);

// SHA-256 of a short input through core/hash.hpp (OpenSSL's low-level
// SHA-256): the cost of a hasher per hash (the consensus applications'
// cache keys, mempool ids, committed-transaction index all hash one
// transaction at a time).
void BM_Sha256Short(benchmark::State& state) {
  const std::vector<std::byte> data(static_cast<std::size_t>(state.range(0)), std::byte{7});
  for (auto _ : state) benchmark::DoNotOptimize(privfin::Sha256::hash(data));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Sha256Short)->Arg(64)->Arg(256);

// The anchor: libsodium's SHA-256 (its own code, no provider lookup).
void BM_Sha256ShortLibsodium(benchmark::State& state) {
  if (sodium_init() < 0) state.SkipWithError("sodium_init failed");
  const std::vector<unsigned char> data(static_cast<std::size_t>(state.range(0)), 7);
  std::array<unsigned char, crypto_hash_sha256_BYTES> out{};
  for (auto _ : state) {
    crypto_hash_sha256(out.data(), data.data(), data.size());
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Sha256ShortLibsodium)->Arg(64)->Arg(256);

}  // namespace
