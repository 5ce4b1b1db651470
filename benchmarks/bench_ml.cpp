// Google Benchmarks for the machine-learning building blocks (mpc/
// nonlinear.hpp, division.hpp, conv.hpp, pool.hpp) and models (ml/), with
// the three parties on threads over LocalNetwork (no TLS: the per-instance
// figures over TLS processes come from examples/05 and docs/performance.md).
// Each benchmark reports items/s (elements, rows or images) and, per item,
// party 0's bytes sent and rounds.
//
//   build/release/benchmarks/bench_ml --benchmark_filter=Rep3
//   build/release/benchmarks/bench_ml --benchmark_filter=Logistic   (one epoch of 48,842 x 124: seconds)
#include <benchmark/benchmark.h>

#include <array>
#include <functional>
#include <thread>
#include <utility>
#include <vector>

#include "privfin/ml/dataset.hpp"
#include "privfin/ml/kmeans.hpp"
#include "privfin/ml/lenet.hpp"
#include "privfin/ml/logistic_regression.hpp"
#include "privfin/mpc/beaver.hpp"
#include "privfin/mpc/conv.hpp"
#include "privfin/mpc/division.hpp"
#include "privfin/mpc/nonlinear.hpp"
#include "privfin/mpc/pool.hpp"
#include "privfin/mpc/preprocessing.hpp"
#include "privfin/mpc/rep3.hpp"
#include "privfin/net/local_network.hpp"
#include "privfin/sharing/fixed.hpp"

using namespace privfin;
using R = Z2k<64>;
constexpr unsigned F = 16;

namespace {

struct UseRep3 {
  static constexpr const char* name = "Rep3";
};
struct UseBeaver {
  static constexpr const char* name = "Beaver";
};

// Runs body(p) once per benchmark iteration on all three parties (party 0
// is the benchmark thread; the others follow its "go" words); `items` per
// iteration. Reports party 0's bytes sent and rounds per item.
// setup(p) runs once per party before the timed loop; body(p, prepared) per iteration.
template <class Which, class Setup, class Body>
void three_parties_prepared(benchmark::State& state, std::size_t items, Setup setup, Body body) {
  auto nets = net::LocalNetwork::create(3);
  const Prg::Seed common = random_seed();
  auto make_and_run = [&](std::size_t id, const std::function<bool()>& next) {
    Prg seeds(random_seed());
    if constexpr (std::is_same_v<Which, UseRep3>) {
      mpc::Rep3 p(*nets[id], seeds);
      auto prepared = setup(p);
      while (next()) body(p, prepared);
    } else {
      mpc::LocalPreprocessing pre(common, id, 3);
      mpc::Beaver p(*nets[id], pre, seeds);
      auto prepared = setup(p);
      while (next()) body(p, prepared);
    }
  };
  std::array<std::thread, 2> helpers;
  for (std::size_t i = 0; i < 2; ++i) {
    helpers[i] = std::thread([&, id = i + 1] {
      make_and_run(id, [&] {
        std::uint64_t go = 0;
        nets[id]->receive(0, std::as_writable_bytes(std::span<std::uint64_t>(&go, 1)));
        return go != 0;
      });
    });
  }
  std::uint64_t iterations = 0;
  auto it = state.begin();
  const auto end = state.end();
  make_and_run(0, [&]() -> bool {
    const std::uint64_t go = it != end ? 1 : 0;
    if (go != 0 && iterations++ == 0) nets[0]->reset_counters();
    for (std::size_t peer : {std::size_t{1}, std::size_t{2}}) {
      nets[0]->send(peer, std::as_bytes(std::span<const std::uint64_t>(&go, 1)));
    }
    nets[0]->flush();
    if (go == 0) return false;
    ++it;
    return true;
  });
  for (auto& t : helpers) t.join();
  const auto c = nets[0]->total_counters();
  const double per = static_cast<double>(std::max<std::uint64_t>(iterations, 1)) * static_cast<double>(items);
  state.counters["bytes_per_item"] = static_cast<double>(c.bytes_sent) / per;
  state.counters["rounds"] = static_cast<double>(c.rounds) / static_cast<double>(std::max<std::uint64_t>(iterations, 1));
  state.SetItemsProcessed(static_cast<std::int64_t>(iterations * items));
  state.SetLabel(Which::name);
}

template <class Which, class Body>
void three_parties(benchmark::State& state, std::size_t items, Body body) {
  three_parties_prepared<Which>(state, items, [](auto&) { return 0; }, [&](auto& p, int) { body(p); });
}

std::vector<R> encoded(std::size_t n, double lo, double hi, std::uint64_t seed) {
  Prg::Seed s{};
  s[0] = static_cast<std::byte>(seed);
  Prg prg(s);
  std::vector<double> v(n);
  for (auto& x : v) x = lo + (hi - lo) * static_cast<double>(prg.next_u64() >> 11) * 0x1p-53;
  return sharing::Fixed<F>::encode(v);
}

template <class Which>
void BM_Relu(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto v = encoded(n, -100, 100, 1);
  three_parties<Which>(state, n, [&](auto& p) { benchmark::DoNotOptimize(mpc::relu(p, p.constant(v))); });
}

template <class Which>
void BM_ArgminRows(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));  // rows of 5
  const auto v = encoded(n * 5, -100, 100, 2);
  three_parties<Which>(state, n, [&](auto& p) { benchmark::DoNotOptimize(mpc::argmin(p, p.constant(v), 5)); });
}

template <class Which>
void BM_Onehot10(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  std::vector<R> idx(n);
  for (std::size_t k = 0; k < n; ++k) idx[k] = R{k % 10};
  three_parties<Which>(state, n, [&](auto& p) { benchmark::DoNotOptimize(mpc::onehot(p, p.constant(idx), 10)); });
}

template <class Which>
void BM_SigmoidPwl(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto v = encoded(n, -10, 10, 3);
  three_parties<Which>(state, n, [&](auto& p) { benchmark::DoNotOptimize(mpc::sigmoid_pwl<F>(p, p.constant(v))); });
}

template <class Which>
void BM_DivideIn(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = encoded(n, -100, 100, 4), b = encoded(n, 1, 60000, 5);
  three_parties<Which>(state, n, [&](auto& p) {
    benchmark::DoNotOptimize(mpc::divide_in<F>(p, p.constant(a), p.constant(b), mpc::Log2Range{.lo = 0, .hi = 16}));
  });
}

template <class Which>
void BM_InvSqrt(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto x = encoded(n, 0.01, 1000, 6);
  three_parties<Which>(state, n, [&](auto& p) {
    benchmark::DoNotOptimize(mpc::inv_sqrt<F>(p, p.constant(x), mpc::Log2Range{.lo = -8, .hi = 10}));
  });
}

// LeNet-5's first layer: 1x28x28 images, 6 filters of 5x5, padding 2.
template <class Which>
void BM_Conv2dLeNet1(benchmark::State& state) {
  const auto images = static_cast<std::size_t>(state.range(0));
  const mpc::Conv2dShape s{.batch = images, .channels = 1, .height = 28, .width = 28, .filters = 6, .kernel = 5, .stride = 1, .padding = 2};
  const auto x = encoded(s.input_size(), 0, 1, 7), w = encoded(s.weight_size(), -1, 1, 8), b = encoded(6, -1, 1, 9);
  three_parties<Which>(state, images, [&](auto& p) {
    benchmark::DoNotOptimize(mpc::conv2d<F>(p, p.constant(x), p.constant(w), p.constant(b), s));
  });
}

// The same layer with its 2x2 average pooling fused in (what LeNet-5 runs).
template <class Which>
void BM_Conv2dAvgPoolLeNet1(benchmark::State& state) {
  const auto images = static_cast<std::size_t>(state.range(0));
  const mpc::Conv2dShape s{.batch = images, .channels = 1, .height = 28, .width = 28, .filters = 6, .kernel = 5, .stride = 1, .padding = 2};
  const auto x = encoded(s.input_size(), 0, 1, 7), w = encoded(s.weight_size(), -1, 1, 8), b = encoded(6, -1, 1, 9);
  three_parties<Which>(state, images, [&](auto& p) {
    benchmark::DoNotOptimize(mpc::conv2d_avg_pool<F>(p, p.constant(x), p.constant(w), p.constant(b), s, 2));
  });
}

template <class Which>
void BM_MaxPool2x2(benchmark::State& state) {
  const auto images = static_cast<std::size_t>(state.range(0));
  const mpc::Pool2dShape s{.batch = images, .channels = 6, .height = 28, .width = 28, .window = 2, .stride = 2};
  const auto x = encoded(s.input_size(), -4, 4, 10);
  three_parties<Which>(state, images, [&](auto& p) { benchmark::DoNotOptimize(mpc::max_pool(p, p.constant(x), s)); });
}

template <class Which>
void BM_AvgPool2x2(benchmark::State& state) {
  const auto images = static_cast<std::size_t>(state.range(0));
  const mpc::Pool2dShape s{.batch = images, .channels = 6, .height = 28, .width = 28, .window = 2, .stride = 2};
  const auto x = encoded(s.input_size(), -4, 4, 11);
  three_parties<Which>(state, images, [&](auto& p) { benchmark::DoNotOptimize(mpc::avg_pool<F>(p, p.constant(x), s)); });
}

// One epoch of mini-batch SGD (batch 128) on the Adult-shaped synthetic set; items = rows.
template <class Which>
void BM_LogisticEpochAdultShape(benchmark::State& state) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  const auto d = ml::synthetic_binary(rows, 124, 1);
  const auto x = ml::encode_features<F>(d), y = ml::encode_labels<F>(d);
  three_parties_prepared<Which>(
      state, rows, [&](auto& p) { return std::pair{p.constant(x), p.constant(y)}; },
      [&](auto& p, const auto& xy) {
        benchmark::DoNotOptimize(ml::train_logistic<F>(p, xy.first, xy.second, rows, 124, {.epochs = 1, .batch = 128}));
      });
}

// One Lloyd iteration, 5 clusters, 28 features (the credit-card set's shape); items = points.
template <class Which>
void BM_KMeansIteration28(benchmark::State& state) {
  const auto rows = static_cast<std::size_t>(state.range(0));
  const auto d = ml::synthetic_blobs(rows, 28, 5, 1);
  const auto x = ml::encode_features<F>(d);
  const std::vector<R> c0(x.begin(), x.begin() + 5 * 28);
  three_parties_prepared<Which>(
      state, rows, [&](auto& p) { return std::pair{p.constant(x), p.constant(c0)}; },
      [&](auto& p, const auto& xc) {
        benchmark::DoNotOptimize(ml::kmeans<F>(p, xc.first, xc.second, rows, 28, {.clusters = 5, .iterations = 1}));
      });
}

// LeNet-5 inference on shared images with shared (random) weights; items = images.
template <class Which>
void BM_LeNet5Inference(benchmark::State& state) {
  const auto images = static_cast<std::size_t>(state.range(0));
  const auto params = ml::quantize<F>(ml::LeNet5::initial(1));
  const auto x = encoded(images * 784, 0, 1, 12);
  three_parties_prepared<Which>(
      state, images, [&](auto& p) { return std::pair{p.constant(params), p.constant(x)}; },
      [&](auto& p, const auto& wx) { benchmark::DoNotOptimize(ml::lenet5_classify<F>(p, wx.first, wx.second, images)); });
}

}  // namespace

BENCHMARK_TEMPLATE(BM_Relu, UseRep3)->Arg(1 << 14)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Relu, UseBeaver)->Arg(1 << 14)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_ArgminRows, UseRep3)->Arg(1 << 12)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_ArgminRows, UseBeaver)->Arg(1 << 12)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Onehot10, UseRep3)->Arg(1 << 12)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Onehot10, UseBeaver)->Arg(1 << 12)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_SigmoidPwl, UseRep3)->Arg(1 << 12)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_SigmoidPwl, UseBeaver)->Arg(1 << 12)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_DivideIn, UseRep3)->Arg(1 << 12)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_DivideIn, UseBeaver)->Arg(1 << 12)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_InvSqrt, UseRep3)->Arg(1 << 12)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_InvSqrt, UseBeaver)->Arg(1 << 12)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Conv2dLeNet1, UseRep3)->Arg(8)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Conv2dLeNet1, UseBeaver)->Arg(8)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Conv2dAvgPoolLeNet1, UseRep3)->Arg(8)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_Conv2dAvgPoolLeNet1, UseBeaver)->Arg(8)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_MaxPool2x2, UseRep3)->Arg(8)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_MaxPool2x2, UseBeaver)->Arg(8)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_AvgPool2x2, UseRep3)->Arg(8)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_AvgPool2x2, UseBeaver)->Arg(8)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_LogisticEpochAdultShape, UseRep3)->Arg(48842)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_LogisticEpochAdultShape, UseBeaver)->Arg(48842)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_KMeansIteration28, UseRep3)->Arg(10000)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_KMeansIteration28, UseBeaver)->Arg(10000)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_LeNet5Inference, UseRep3)->Arg(10)->Arg(50)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_LeNet5Inference, UseBeaver)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
