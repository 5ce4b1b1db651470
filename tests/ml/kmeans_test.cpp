// k-means on shared points (ml/kmeans.hpp) on Rep3 and 3-party Beaver
// against the plaintext fixed-point reference.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "mpc/beaver_test_support.hpp"
#include "mpc/mpc_test_support.hpp"
#include "privfin/ml/dataset.hpp"
#include "privfin/ml/idx.hpp"
#include "privfin/ml/kmeans.hpp"
#include "privfin/ml/logistic_regression.hpp"
#include "support/processes.hpp"

using namespace privfin;
using R = Z2k<64>;
constexpr unsigned F = 16;
using Fx = sharing::Fixed<F>;

namespace {
template <class Body>
void run_protocol(bool beaver, Body body) {
  if (beaver) {
    test::run_beaver(3, [&](mpc::Beaver& p) { body(p); });
  } else {
    test::run_rep3([&](mpc::Rep3& p) { body(p); });
  }
}
}  // namespace

TEST_CASE("k-means: shared Lloyd iterations follow the fixed-point reference", "[ml][kmeans]") {
  const bool beaver = GENERATE(false, true);
  INFO((beaver ? "Beaver" : "Rep3"));
  const std::size_t rows = 600, d = 6, k = 5;
  const auto data = ml::synthetic_blobs(rows, d, k, 4);
  const auto x = ml::encode_features<F>(data);
  const ml::KMeansOptions o{.clusters = k, .iterations = 4};
  const std::vector<R> initial(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(k * d));  // the first k points
  const auto ref = ml::kmeans_reference<F>(x, initial, rows, d, o);
  std::vector<R> got, hot;
  run_protocol(beaver, [&](auto& p) {
    const std::size_t me = p.party_id();
    const std::vector<std::size_t> counts{200, 250, 150};
    const std::size_t begin[] = {0, 200, 450}, end[] = {200, 450, 600};
    const std::vector<R> mine(x.begin() + static_cast<std::ptrdiff_t>(begin[me] * d), x.begin() + static_cast<std::ptrdiff_t>(end[me] * d));
    const auto xs = ml::share_rows(p, counts, mine, d);
    const auto c0 = ml::slice_rows(p, xs, 0, k, d);
    const auto c = ml::kmeans<F>(p, xs, c0, rows, d, o);
    auto rc = p.reveal(c);
    auto rh = p.reveal(ml::kmeans_assign<F>(p, xs, c, rows, d, k));
    if (me == 0) {
      got = std::move(rc);
      hot = std::move(rh);
    }
  });
  REQUIRE(got.size() == ref.size());
  for (std::size_t j = 0; j < ref.size(); ++j) {
    INFO("coordinate " << j << ": shared " << Fx::decode(got[j]) << ", reference " << Fx::decode(ref[j]));
    REQUIRE(std::abs((got[j] - ref[j]).as_signed()) <= 64);  // the division's error, a few ulps per iteration
  }
  // The shared assignment against the plaintext one under the shared centroids: exact.
  const auto want = ml::kmeans_assign_reference<F>(x, got, rows, d, k);
  std::size_t agree_truth = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t j = 0; j < k; ++j) REQUIRE(hot[r * k + j].value() == (j == want[r] ? 1U : 0U));
  }
  // And the clustering is a good one: each found cluster is mostly one true blob.
  for (std::size_t j = 0; j < k; ++j) {
    std::vector<std::size_t> by_truth(k, 0);
    std::size_t size = 0;
    for (std::size_t r = 0; r < rows; ++r) {
      if (want[r] == j) {
        ++by_truth[static_cast<std::size_t>(data.y[r])];
        ++size;
      }
    }
    agree_truth += *std::max_element(by_truth.begin(), by_truth.end());
  }
  CHECK(static_cast<double>(agree_truth) / rows > 0.8);
}

TEST_CASE("k-means: an empty cluster keeps its centroid, bad shapes are refused", "[ml][kmeans]") {
  // Two far blobs and a third start far from every point: it gets no points.
  std::vector<double> pts;
  for (int i = 0; i < 20; ++i) pts.insert(pts.end(), {i % 2 ? 1.0 : 1.5, 1.0 + 0.01 * i});
  for (int i = 0; i < 20; ++i) pts.insert(pts.end(), {-5.0, -5.0 + 0.02 * i});
  const auto x = Fx::encode(pts);
  const auto start = Fx::encode(std::vector<double>{1.0, 1.0, -5.0, -5.0, 100.0, 100.0});
  const ml::KMeansOptions o{.clusters = 3, .iterations = 2};
  const auto ref = ml::kmeans_reference<F>(x, start, 40, 2, o);
  std::vector<R> got;
  test::run_rep3([&](mpc::Rep3& p) {
    const auto xs = p.input(0, p.party_id() == 0 ? std::span<const R>(x) : std::span<const R>{}, x.size());
    const auto c0 = p.input(1, p.party_id() == 1 ? std::span<const R>(start) : std::span<const R>{}, start.size());
    auto r = p.reveal(ml::kmeans<F>(p, xs, c0, 40, 2, o));
    if (p.party_id() == 0) got = std::move(r);
    CHECK_THROWS_AS(ml::kmeans<F>(p, xs, c0, 40, 3, o), InvalidArgument);
    CHECK_THROWS_AS(ml::kmeans<F>(p, xs, c0, 40, 2, {.clusters = 0}), InvalidArgument);
  });
  CHECK(Fx::decode(got[4]) == 100.0);
  CHECK(Fx::decode(got[5]) == 100.0);
  for (std::size_t j = 0; j < 4; ++j) CHECK(std::abs((got[j] - ref[j]).as_signed()) <= 8);
}

// k-means on a real data set shipped by Debian: the pixels of Fashion-MNIST
// images (dataset-fashion-mnist, installed by scripts/deps.sh; skipped with
// a warning where it is missing), 784 features, 10 clusters, on Rep3;
// about a second, so it is in the default run.
TEST_CASE("k-means on Fashion-MNIST pixels: the shared centroids assign as the fixed-point reference's",
          "[ml][kmeans][fashion]") {
  const std::filesystem::path dir = "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::exists(dir / "t10k-images-idx3-ubyte.gz")) {
    WARN("dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist); skipped");
    return;
  }
  test::TempDir tmp;
  for (const char* f : {"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
    const std::string cmd = "gzip -dc '" + (dir / (std::string(f) + ".gz")).string() + "' > '" + (tmp.path() / f).string() + "'";
    REQUIRE(std::system(cmd.c_str()) == 0);
  }
  const std::size_t rows = 1000, d = 784, k = 10;
  const auto data = ml::idx_dataset(ml::read_idx(tmp.path() / "t10k-images-idx3-ubyte"),
                                    ml::read_idx(tmp.path() / "t10k-labels-idx1-ubyte"), rows);
  const auto x = ml::encode_features<F>(data);
  const ml::KMeansOptions o{.clusters = k, .iterations = 5};
  const std::vector<R> start(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(k * d));
  const auto ref = ml::kmeans_reference<F>(x, start, rows, d, o);
  std::vector<R> got;
  test::run_rep3([&](mpc::Rep3& p) {
    const std::size_t me = p.party_id();
    const std::vector<std::size_t> counts{400, 300, 300};
    const std::size_t begin[] = {0, 400, 700}, end[] = {400, 700, 1000};
    const auto xs = ml::share_rows(p, counts, std::vector<R>(x.begin() + static_cast<std::ptrdiff_t>(begin[me] * d),
                                                             x.begin() + static_cast<std::ptrdiff_t>(end[me] * d)), d);
    auto c = p.reveal(ml::kmeans<F>(p, xs, ml::slice_rows(p, xs, 0, k, d), rows, d, o));
    if (me == 0) got = std::move(c);
  });
  const auto a = ml::kmeans_assign_reference<F>(x, got, rows, d, k);
  const auto b = ml::kmeans_assign_reference<F>(x, ref, rows, d, k);
  std::size_t same = 0;
  for (std::size_t r = 0; r < rows; ++r) same += a[r] == b[r] ? 1U : 0U;
  WARN("Fashion-MNIST k-means, 1000 images, 10 clusters, 5 iterations: " << same << " of 1000 assigned as the reference");
  CHECK(same >= 995);
}
