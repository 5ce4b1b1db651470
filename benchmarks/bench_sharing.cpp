// Sharing-layer hot operations on batches: additive (Z2k<64>, 3 parties),
// replicated arithmetic and boolean sharing with the local multiplication
// term, Shamir over Fp61 (n = 5, t = 3), Fixed<16> encode/decode, and
// Feldman VSS verification. Items are batch elements (64-bit words for the
// boolean benchmarks, i.e. 64 bits per item).
// Run: build/release/benchmarks/bench_sharing --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <privfin/core/mersenne.hpp>
#include <privfin/core/prg.hpp>
#include <privfin/core/ring.hpp>
#include <privfin/sharing/additive.hpp>
#include <privfin/sharing/fixed.hpp>
#include <privfin/sharing/replicated.hpp>
#include <privfin/sharing/shamir.hpp>
#include <privfin/sharing/vss.hpp>

#include <array>
#include <cstdint>
#include <vector>

namespace {
using namespace privfin;
namespace additive = privfin::sharing::additive;
namespace rep = privfin::sharing::replicated;

constexpr std::int64_t batch = 1 << 20;

void set_items(benchmark::State& state) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

void BM_AdditiveShareZ2k64(benchmark::State& state) {
  Prg prg(Prg::Seed{});
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<Z2k<64>> secrets(n);
  prg.fill(std::span<Z2k<64>>(secrets));
  std::array<std::vector<Z2k<64>>, 3> shares{std::vector<Z2k<64>>(n), std::vector<Z2k<64>>(n),
                                              std::vector<Z2k<64>>(n)};
  const std::array<std::span<Z2k<64>>, 3> views{shares[0], shares[1], shares[2]};
  for (auto _ : state) {
    additive::share<Z2k<64>>(secrets, views, prg);
    secrets[0] = shares[2][0];  // feed back
    benchmark::DoNotOptimize(shares[2].data());
    benchmark::ClobberMemory();
  }
  set_items(state);
}
BENCHMARK(BM_AdditiveShareZ2k64)->Arg(batch);

void BM_AdditiveReconstructZ2k64(benchmark::State& state) {
  Prg prg(Prg::Seed{});
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<Z2k<64>> secrets(n), out(n);
  prg.fill(std::span<Z2k<64>>(secrets));
  auto shares = additive::share<Z2k<64>>(secrets, 3, prg);
  const std::array<std::span<const Z2k<64>>, 3> views{shares[0], shares[1], shares[2]};
  for (auto _ : state) {
    additive::reconstruct<Z2k<64>>(views, out);
    shares[0][0] = out[0];
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_items(state);
}
BENCHMARK(BM_AdditiveReconstructZ2k64)->Arg(batch);

void BM_ReplicatedShareArith64(benchmark::State& state) {
  Prg prg(Prg::Seed{});
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<Z2k<64>> secrets(n);
  prg.fill(std::span<Z2k<64>>(secrets));
  std::array<rep::ArithShares<64>, 3> parties;
  for (auto _ : state) {
    rep::share_into<Z2k<64>>(secrets, prg, parties);
    secrets[0] = parties[2].first[0];
    benchmark::DoNotOptimize(parties[2].first.data());
    benchmark::ClobberMemory();
  }
  set_items(state);
}
BENCHMARK(BM_ReplicatedShareArith64)->Arg(batch);

void BM_ReplicatedReconstructArith64(benchmark::State& state) {
  Prg prg(Prg::Seed{});
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<Z2k<64>> secrets(n), out(n);
  prg.fill(std::span<Z2k<64>>(secrets));
  auto parties = rep::share<64>(secrets, prg);
  for (auto _ : state) {
    // The engine's opening: own pair plus the received missing component.
    rep::reconstruct_with_missing<Z2k<64>>(parties[0].view(), parties[1].second, out);
    parties[0].first[0] = out[0];
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_items(state);
}
BENCHMARK(BM_ReplicatedReconstructArith64)->Arg(batch);

void BM_ReplicatedReconstructCheckedArith64(benchmark::State& state) {
  Prg prg(Prg::Seed{});
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<Z2k<64>> secrets(n), out(n);
  prg.fill(std::span<Z2k<64>>(secrets));
  auto parties = rep::share<64>(secrets, prg);
  for (auto _ : state) {
    rep::reconstruct<Z2k<64>>(parties[0].view(), 0, parties[1].view(), 1, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_items(state);
}
BENCHMARK(BM_ReplicatedReconstructCheckedArith64)->Arg(batch);

void BM_ReplicatedMulLocal64(benchmark::State& state) {
  Prg prg(Prg::Seed{});
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<Z2k<64>> x(n), y(n), alpha(n), z(n);
  prg.fill(std::span<Z2k<64>>(x));
  prg.fill(std::span<Z2k<64>>(y));
  auto xs = rep::share<64>(x, prg);
  const auto ys = rep::share<64>(y, prg);
  Prg prev(Prg::Seed{std::byte{1}}), next(Prg::Seed{std::byte{2}});
  for (auto _ : state) {
    // Zero share from the two pairwise PRGs, then the masked local product.
    rep::zero_share<Z2k<64>>(prev, next, alpha);
    rep::mul_local<64>(xs[0].view(), ys[0].view(), alpha, z);
    xs[0].first[0] = z[0];
    benchmark::DoNotOptimize(z.data());
    benchmark::ClobberMemory();
  }
  set_items(state);
}
BENCHMARK(BM_ReplicatedMulLocal64)->Arg(batch);

void BM_ReplicatedShareBool(benchmark::State& state) {
  Prg prg(Prg::Seed{});
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<std::uint64_t> words(n);
  prg.fill(std::span<std::uint64_t>(words));
  std::array<rep::BoolShares, 3> parties;
  for (auto _ : state) {
    rep::share_into<std::uint64_t>(words, prg, parties);
    words[0] = parties[2].first[0];
    benchmark::DoNotOptimize(parties[2].first.data());
    benchmark::ClobberMemory();
  }
  set_items(state);
}
BENCHMARK(BM_ReplicatedShareBool)->Arg(batch);

void BM_ReplicatedReconstructBool(benchmark::State& state) {
  Prg prg(Prg::Seed{});
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<std::uint64_t> words(n), out(n);
  prg.fill(std::span<std::uint64_t>(words));
  auto parties = rep::share_bits(words, prg);
  for (auto _ : state) {
    rep::reconstruct_with_missing<std::uint64_t>(parties[0].view(), parties[1].second, out);
    parties[0].first[0] = out[0];
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_items(state);
}
BENCHMARK(BM_ReplicatedReconstructBool)->Arg(batch);

void BM_ReplicatedAndLocal(benchmark::State& state) {
  Prg prg(Prg::Seed{});
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<std::uint64_t> x(n), y(n), alpha(n), z(n);
  prg.fill(std::span<std::uint64_t>(x));
  prg.fill(std::span<std::uint64_t>(y));
  auto xs = rep::share_bits(x, prg);
  const auto ys = rep::share_bits(y, prg);
  Prg prev(Prg::Seed{std::byte{1}}), next(Prg::Seed{std::byte{2}});
  for (auto _ : state) {
    rep::zero_share<std::uint64_t>(prev, next, alpha);
    rep::and_local(xs[0].view(), ys[0].view(), alpha, z);
    xs[0].first[0] = z[0];
    benchmark::DoNotOptimize(z.data());
    benchmark::ClobberMemory();
  }
  set_items(state);
}
BENCHMARK(BM_ReplicatedAndLocal)->Arg(batch);

void BM_ShamirShareFp61(benchmark::State& state) {
  Prg prg(Prg::Seed{});
  const auto n = static_cast<std::size_t>(state.range(0));
  const sharing::Shamir<Fp61> shamir(3, 5);
  std::vector<Fp61> secrets(n);
  sharing::detail::random_fill(prg, std::span<Fp61>(secrets));
  std::vector<std::vector<Fp61>> shares(5, std::vector<Fp61>(n));
  const std::vector<std::span<Fp61>> views(shares.begin(), shares.end());
  for (auto _ : state) {
    shamir.share(secrets, prg, views);
    secrets[0] = shares[4][0];
    benchmark::DoNotOptimize(shares[4].data());
    benchmark::ClobberMemory();
  }
  set_items(state);
}
BENCHMARK(BM_ShamirShareFp61)->Arg(batch);

void BM_ShamirReconstructFp61(benchmark::State& state) {
  Prg prg(Prg::Seed{});
  const auto n = static_cast<std::size_t>(state.range(0));
  const sharing::Shamir<Fp61> shamir(3, 5);
  std::vector<Fp61> secrets(n), out(n);
  sharing::detail::random_fill(prg, std::span<Fp61>(secrets));
  auto shares = shamir.share(secrets, prg);
  const std::array<std::size_t, 3> who{4, 1, 2};
  const std::array<std::span<const Fp61>, 3> views{shares[4], shares[1], shares[2]};
  for (auto _ : state) {
    shamir.reconstruct(who, views, out);
    shares[4][0] = out[0];
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_items(state);
}
BENCHMARK(BM_ShamirReconstructFp61)->Arg(batch);

void BM_FixedEncode(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<double> values(n);
  for (std::size_t i = 0; i < n; ++i) values[i] = (static_cast<double>(i) - 1e5) * 0.123;
  std::vector<Z2k<64>> out(n);
  for (auto _ : state) {
    sharing::Fixed<16>::encode(values, out);
    values[0] = static_cast<double>(out[0].value() & 0xFF);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_items(state);
}
BENCHMARK(BM_FixedEncode)->Arg(batch);

void BM_FixedDecode(benchmark::State& state) {
  Prg prg(Prg::Seed{});
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<Z2k<64>> encoded(n);
  prg.fill(std::span<Z2k<64>>(encoded));
  std::vector<double> out(n);
  for (auto _ : state) {
    sharing::Fixed<16>::decode(encoded, out);
    encoded[0] = Z2k<64>{static_cast<std::uint64_t>(out[0] > 0)};
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  set_items(state);
}
BENCHMARK(BM_FixedDecode)->Arg(batch);

// One party checking its share of a batch of 64 Feldman dealings (t = 3,
// n = 5) in the RFC 3526 2048-bit group: each exactly, and combined.
void BM_FeldmanVerify2048(benchmark::State& state) {
  Prg prg(Prg::Seed{});
  const sharing::FeldmanVss vss(sharing::SchnorrGroup::rfc3526_2048(), 3, 5);
  std::vector<mpz_class> secrets(64);
  for (auto& s : secrets) s = vss.group().scalars().random(prg);
  const auto dealing = vss.deal(secrets, prg);
  const bool combined = state.range(0) != 0;
  for (auto _ : state) {
    const bool ok = combined ? vss.verify_batch(2, dealing.shares[2], dealing.commitments, prg)
                             : vss.verify(2, dealing.shares[2], dealing.commitments);
    if (!ok) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(ok);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 64);
  state.SetLabel(combined ? "verify_batch" : "verify each");
}
BENCHMARK(BM_FeldmanVerify2048)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
