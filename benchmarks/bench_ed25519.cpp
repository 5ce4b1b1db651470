// Ed25519 beside libsodium in one process (issue #20): sign and verify,
// each side by side with crypto_sign_detached / crypto_sign_verify_detached
// on the same keys and messages, and batch verification against one-by-one
// verification. The *_vs_* rows alternate blocks of both sides inside one
// benchmark and report process CPU time per operation and the ratio, so
// load from other processes hits both sides alike.
//   build/release/benchmarks/bench_ed25519 --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <ctime>
#include <stdexcept>
#include <vector>

#include "../lib/sig/edwards25519_vartime.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/sig/ed25519.hpp"

using namespace privfin;
using namespace privfin::sig;

namespace {

Prg bench_prg() {
  Prg::Seed seed{};
  seed[0] = std::byte{0x25};
  return Prg(seed);
}

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

const unsigned char* uc(ByteView b) { return reinterpret_cast<const unsigned char*>(b.data()); }

struct Fixture {
  std::vector<Ed25519SecretKey> keys;
  std::vector<Bytes> sodium_keys;  // libsodium's seed || A form
  std::vector<Bytes> messages, signatures;
  explicit Fixture(std::size_t n, std::size_t message_size) {
    if (sodium_init() < 0) throw std::runtime_error("sodium_init");
    auto prg = bench_prg();
    for (std::size_t i = 0; i < n; ++i) {
      keys.push_back(Ed25519SecretKey::generate(prg));
      const SecretBytes seed = keys.back().seed();
      Bytes pk(32), sk(64);
      crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(pk.data()), reinterpret_cast<unsigned char*>(sk.data()),
                               uc(seed.view()));
      sodium_keys.push_back(sk);
      Bytes msg(message_size);
      prg.fill(std::span<std::byte>(msg));
      messages.push_back(msg);
      signatures.push_back(keys.back().sign(msg));
    }
  }
};

constexpr std::size_t block = 16;  // operations per timed block

// privfin sign and libsodium sign, alternating blocks; counters in µs.
void ed25519_sign_vs_libsodium(benchmark::State& state) {
  const Fixture f(block, static_cast<std::size_t>(state.range(0)));
  double ours = 0, theirs = 0;
  Bytes sig(64);
  for (auto _ : state) {
    double t0 = cpu_seconds();
    for (std::size_t i = 0; i < block; ++i) {
      Bytes s = f.keys[i].sign(f.messages[i]);
      benchmark::DoNotOptimize(s.data());
    }
    double t1 = cpu_seconds();
    for (std::size_t i = 0; i < block; ++i) {
      crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr, uc(f.messages[i]),
                           f.messages[i].size(), uc(f.sodium_keys[i]));
      benchmark::DoNotOptimize(sig.data());
    }
    double t2 = cpu_seconds();
    ours += t1 - t0;
    theirs += t2 - t1;
  }
  const double ops = static_cast<double>(state.iterations()) * static_cast<double>(block);
  state.counters["privfin_us"] = 1e6 * ours / ops;
  state.counters["libsodium_us"] = 1e6 * theirs / ops;
  state.counters["ratio"] = ours / theirs;
}
BENCHMARK(ed25519_sign_vs_libsodium)->Arg(64)->Arg(1024);

void ed25519_verify_vs_libsodium(benchmark::State& state) {
  const Fixture f(block, static_cast<std::size_t>(state.range(0)));
  double ours = 0, theirs = 0;
  for (auto _ : state) {
    double t0 = cpu_seconds();
    for (std::size_t i = 0; i < block; ++i) {
      if (!ed25519_verify(f.keys[i].public_key(), f.messages[i], f.signatures[i])) state.SkipWithError("rejected");
    }
    double t1 = cpu_seconds();
    for (std::size_t i = 0; i < block; ++i) {
      if (crypto_sign_verify_detached(uc(f.signatures[i]), uc(f.messages[i]), f.messages[i].size(),
                                      uc(f.keys[i].public_key())) != 0) {
        state.SkipWithError("libsodium rejected");
      }
    }
    double t2 = cpu_seconds();
    ours += t1 - t0;
    theirs += t2 - t1;
  }
  const double ops = static_cast<double>(state.iterations()) * static_cast<double>(block);
  state.counters["privfin_us"] = 1e6 * ours / ops;
  state.counters["libsodium_us"] = 1e6 * theirs / ops;
  state.counters["ratio"] = ours / theirs;
}
BENCHMARK(ed25519_verify_vs_libsodium)->Arg(64)->Arg(1024);

// Batch of n (64-byte messages) against n single verifications (privfin's
// and libsodium's) of the same entries; per-signature µs and speedups.
void ed25519_verify_batch_vs_single(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Fixture f(n, 64);
  std::vector<Ed25519BatchEntry> batch;
  for (std::size_t i = 0; i < n; ++i) batch.push_back({f.keys[i].public_key(), f.messages[i], f.signatures[i]});
  auto prg = bench_prg();
  double batched = 0, single = 0, sodium = 0;
  for (auto _ : state) {
    double t0 = cpu_seconds();
    if (!ed25519_verify_batch(batch, prg)) state.SkipWithError("batch rejected");
    double t1 = cpu_seconds();
    for (const auto& e : batch) {
      if (!ed25519_verify(e.public_key, e.message, e.signature)) state.SkipWithError("rejected");
    }
    double t2 = cpu_seconds();
    for (const auto& e : batch) {
      if (crypto_sign_verify_detached(uc(e.signature), uc(e.message), e.message.size(), uc(e.public_key)) != 0) {
        state.SkipWithError("libsodium rejected");
      }
    }
    double t3 = cpu_seconds();
    batched += t1 - t0;
    single += t2 - t1;
    sodium += t3 - t2;
  }
  const double ops = static_cast<double>(state.iterations()) * static_cast<double>(n);
  state.counters["batch_us_per_sig"] = 1e6 * batched / ops;
  state.counters["single_us_per_sig"] = 1e6 * single / ops;
  state.counters["speedup"] = single / batched;
  state.counters["speedup_vs_libsodium"] = sodium / batched;
}
BENCHMARK(ed25519_verify_batch_vs_single)->Arg(1)->Arg(4)->Arg(16)->Arg(64)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond);

// The batch alone, one item per signature (items/s).
void ed25519_verify_batch(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Fixture f(n, 64);
  std::vector<Ed25519BatchEntry> batch;
  for (std::size_t i = 0; i < n; ++i) batch.push_back({f.keys[i].public_key(), f.messages[i], f.signatures[i]});
  auto prg = bench_prg();
  for (auto _ : state) {
    if (!ed25519_verify_batch(batch, prg)) state.SkipWithError("batch rejected");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(ed25519_verify_batch)->Arg(64)->Arg(256)->Arg(1024)->Unit(benchmark::kMicrosecond);

// A consortium's batch: many transactions from few signers (4 here, as the
// four banks of example 04). Each key is decoded once and its entries'
// scalars merged, so the multiplication has n + 4 points, not 2n.
void ed25519_verify_batch_four_signers(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Fixture f(4, 64);
  std::vector<Bytes> messages, signatures;
  auto prg = bench_prg();
  for (std::size_t i = 0; i < n; ++i) {
    Bytes msg(64);
    prg.fill(std::span<std::byte>(msg));
    signatures.push_back(f.keys[i % 4].sign(msg));
    messages.push_back(std::move(msg));
  }
  std::vector<Ed25519BatchEntry> batch;
  for (std::size_t i = 0; i < n; ++i) batch.push_back({f.keys[i % 4].public_key(), messages[i], signatures[i]});
  for (auto _ : state) {
    if (!ed25519_verify_batch(batch, prg)) state.SkipWithError("batch rejected");
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(ed25519_verify_batch_four_signers)->Arg(64)->Arg(256)->Arg(1024)->Unit(benchmark::kMicrosecond);

// Decoding a batch's R values, most of a batch's cost beside the
// multiplication: range(0) points, one by one on 64-bit multiplies
// (range(1) = 0) or with the square roots eight at a time on AVX-512 IFMA
// (1; the same as 0 on a CPU without it). Two points are the shortest tail
// decode_many gives the vector path.
void ed25519_decode_points(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const bool simd = state.range(1) != 0;
  const Fixture f(4, 64);
  std::vector<Bytes> encodings;
  auto prg = bench_prg();
  for (std::size_t i = 0; i < n; ++i) {
    Bytes msg(64);
    prg.fill(std::span<std::byte>(msg));
    const Bytes sig = f.keys[i % 4].sign(msg);
    encodings.emplace_back(sig.begin(), sig.begin() + 32);
  }
  const std::vector<ByteView> views(encodings.begin(), encodings.end());
  for (auto _ : state) {
    const auto points = privfin::sig::detail::ed::decode_many(views, simd);
    benchmark::DoNotOptimize(points.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}
BENCHMARK(ed25519_decode_points)->Args({2, 0})->Args({2, 1})->Args({128, 0})->Args({128, 1})->Unit(benchmark::kMicrosecond);

// The multiplication of a batch equation alone, shaped as a batch of
// range(0) signatures by four signers: range(0) points with 128-bit
// coefficients (the Rs), four with full-size ones (the keys), and B.
// range(1): 0 Straus, 1 Pippenger on 64-bit multiplies, 2 Pippenger with
// eight windows at a time on AVX-512 IFMA (the same as 1 on a CPU without
// it). One item per point.
void ed25519_multi_mul(benchmark::State& state) {
  namespace ed = privfin::sig::detail::ed;
  const auto n = static_cast<std::size_t>(state.range(0)) + 4;
  const auto method = state.range(1);
  const Fixture f(4, 64);
  auto prg = bench_prg();
  std::vector<ed::Point> points;
  std::vector<ed::Scalar> scalars(n);
  for (std::size_t i = 0; i < n; ++i) {
    Bytes msg(64);
    prg.fill(std::span<std::byte>(msg));
    const Bytes sig = f.keys[i % 4].sign(msg);
    points.push_back(*ed::decode(ByteView(sig).first(32)));
    // Scalars below 2^252 (< L); the Rs' below 2^128.
    prg.fill(std::span<std::byte>(scalars[i]).first(i < 4 ? 31 : 16));
  }
  ed::Scalar base{};
  prg.fill(std::span<std::byte>(base).first(31));
  for (auto _ : state) {
    const ed::Point r = method == 0   ? ed::multi_mul_straus(base, scalars, points)
                        : method == 1 ? ed::multi_mul_pippenger(base, scalars, points, false)
                                      : ed::multi_mul_pippenger(base, scalars, points, true);
    benchmark::DoNotOptimize(&r);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n + 1));
}
BENCHMARK(ed25519_multi_mul)
    ->ArgsProduct({{8, 16, 32, 64, 128, 256, 1024}, {0, 1, 2}})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
