// Logistic regression on shared data (ml/logistic_regression.hpp) on Rep3
// and on 3-party Beaver, horizontal and vertical partitions, against the
// plaintext fixed-point reference; plus the data helpers (ml/dataset.hpp).
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include "mpc/beaver_test_support.hpp"
#include "mpc/mpc_test_support.hpp"
#include "privfin/ml/dataset.hpp"
#include "privfin/ml/logistic_regression.hpp"

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

// Rows [begin, end) of d's encodings.
std::vector<R> rows_of(const std::vector<R>& enc, std::size_t width, std::size_t begin, std::size_t end) {
  return {enc.begin() + static_cast<std::ptrdiff_t>(begin * width), enc.begin() + static_cast<std::ptrdiff_t>(end * width)};
}

struct Trained {
  std::vector<R> weights;
  std::vector<R> test_scores;  // revealed shared scores of the test rows
};

// Trains on `train` split between the three parties (horizontally: party i
// holds a third of the rows; vertically: party i a third of the columns,
// party 0 the labels) and scores `test` (input by party 2).
Trained train_shared(bool beaver, bool vertical, const ml::Dataset& train, const ml::Dataset& test,
                     const ml::LogisticOptions& o) {
  const auto x = ml::encode_features<F>(train);
  const auto y = ml::encode_labels<F>(train);
  const auto xt = ml::encode_features<F>(test);
  const std::size_t n = train.rows, d = train.features;
  Trained out;
  run_protocol(beaver, [&](auto& p) {
    const std::size_t me = p.party_id();
    typename std::remove_reference_t<decltype(p)>::Arith xs, ys;
    if (!vertical) {
      const std::vector<std::size_t> counts{n / 3, n / 3, n - 2 * (n / 3)};
      const std::size_t begin = me * (n / 3), end = me == 2 ? n : begin + n / 3;
      xs = ml::share_rows(p, counts, rows_of(x, d, begin, end), d);
      ys = ml::share_rows(p, counts, rows_of(y, 1, begin, end), 1);
    } else {
      const std::vector<std::size_t> widths{d / 3, d / 3, d - 2 * (d / 3)};
      const std::size_t from = me * (d / 3), to = me == 2 ? d : from + d / 3;
      xs = ml::share_columns(p, widths, ml::encode_features<F>(ml::columns(train, from, to)), n);
      const std::vector<std::size_t> label_counts{n, 0, 0};
      ys = ml::share_rows(p, label_counts, me == 0 ? std::span<const R>(y) : std::span<const R>{}, 1);
    }
    const auto w = ml::train_logistic<F>(p, xs, ys, n, d, o);
    const auto xt_shared = p.input(2, me == 2 ? std::span<const R>(xt) : std::span<const R>{}, xt.size());
    auto scores = p.reveal(ml::logistic_scores<F>(p, xt_shared, w, test.rows, d));
    auto weights = p.reveal(w);
    if (me == 0) {
      out.weights = std::move(weights);
      out.test_scores = std::move(scores);
    }
  });
  return out;
}

}  // namespace

TEST_CASE("logistic regression: shared training follows the fixed-point reference, both partitions, both protocols",
          "[ml][logistic]") {
  const bool beaver = GENERATE(false, true);
  const bool vertical = GENERATE(false, true);
  INFO((beaver ? "Beaver" : "Rep3") << (vertical ? ", vertical" : ", horizontal"));
  const auto all = ml::synthetic_binary(1536 + 512, 24, 7);
  const auto [train, test] = ml::split_rows(all, 1536);
  const ml::LogisticOptions o{.epochs = 2, .batch = 64, .learning_log2 = 1};
  const auto ref = ml::train_logistic_reference<F>(ml::encode_features<F>(train), ml::encode_labels<F>(train), train.rows,
                                                   train.features, o);
  const auto got = train_shared(beaver, vertical, train, test, o);
  REQUIRE(got.weights.size() == ref.size());
  // 48 steps, each truncation at most one ulp above the floor: the weights stay within a few hundred ulps.
  for (std::size_t f = 0; f < ref.size(); ++f) {
    INFO("weight " << f << ": shared " << Fx::decode(got.weights[f]) << ", reference " << Fx::decode(ref[f]));
    REQUIRE(std::abs((got.weights[f] - ref[f]).as_signed()) <= 512);
  }
  const auto ref_scores = ml::logistic_scores_reference<F>(ml::encode_features<F>(test), ref, test.rows, test.features);
  const double acc_ref = ml::accuracy(ref_scores, test.y);
  const double acc_mpc = ml::accuracy(got.test_scores, test.y);
  INFO("accuracy: shared " << acc_mpc << ", reference " << acc_ref);
  CHECK(acc_ref > 0.75);  // the model learned something (labels are noisy by design)
  CHECK(std::abs(acc_mpc - acc_ref) <= 0.005);
  // Predictions differ only where the reference score is within the weights' drift of 0.
  for (std::size_t r = 0; r < test.rows; ++r) {
    if (got.test_scores[r].msb() != ref_scores[r].msb()) REQUIRE(std::abs(Fx::decode(ref_scores[r])) < 0.25);
  }
}

TEST_CASE("logistic regression: the reference learns the real Wisconsin data set (examples/02) and the shared run matches",
          "[ml][logistic]") {
  const auto path = std::filesystem::path(PRIVFIN_TEST_VECTORS_DIR).parent_path().parent_path() / "examples" /
                    "02_encrypted_aggregation" / "wdbc.csv";
  auto data = ml::shuffled(ml::read_csv(path, "benign"), 3);
  REQUIRE(data.rows == 569);
  REQUIRE(data.features == 30);
  auto [train, test] = ml::split_rows(data, 448);
  const auto ranges = ml::scale_to_unit(train);
  ml::apply_scaling(test, ranges);
  const ml::LogisticOptions o{.epochs = 8, .batch = 32, .learning_log2 = 2};
  const auto ref = ml::train_logistic_reference<F>(ml::encode_features<F>(train), ml::encode_labels<F>(train), train.rows,
                                                   train.features, o);
  const auto ref_scores = ml::logistic_scores_reference<F>(ml::encode_features<F>(test), ref, test.rows, test.features);
  const auto got = train_shared(false, false, train, test, o);
  const double acc_ref = ml::accuracy(ref_scores, test.y), acc_mpc = ml::accuracy(got.test_scores, test.y);
  INFO("accuracy: shared " << acc_mpc << ", reference " << acc_ref);
  CHECK(acc_ref >= 0.9);
  CHECK(std::abs(acc_mpc - acc_ref) <= 0.01);
}

TEST_CASE("logistic regression: Fair's affairs survey from Debian's python3-statsmodels, Rep3 by rows and Beaver by columns",
          "[ml][logistic]") {
  // The largest real tabular classification set we found in a Debian package
  // as a plain CSV (docs/ml.md); scripts/deps.sh installs python3-statsmodels.
  INFO("needs Debian's python3-statsmodels (scripts/deps.sh installs it): " << ml::fair_csv_path);
  REQUIRE(std::filesystem::exists(ml::fair_csv_path));
  auto data = ml::shuffled(ml::read_csv(ml::fair_csv_path, "affairs", ml::LabelAbove{0.0}), 5);
  REQUIRE(data.rows == 6366);
  REQUIRE(data.features == 8);
  std::size_t positives = 0;
  for (int v : data.y) positives += static_cast<std::size_t>(v);
  CHECK(positives == 2053);  // the share statsmodels' documentation reports (32 %)
  auto [train, test] = ml::split_rows(data, 5120);
  const auto ranges = ml::scale_to_unit(train);
  ml::apply_scaling(test, ranges);
  const ml::LogisticOptions o{.epochs = 4, .batch = 128, .learning_log2 = 0};  // 160 steps; best of a small grid
  const auto ref = ml::train_logistic_reference<F>(ml::encode_features<F>(train), ml::encode_labels<F>(train), train.rows,
                                                   train.features, o);
  const auto ref_scores = ml::logistic_scores_reference<F>(ml::encode_features<F>(test), ref, test.rows, test.features);
  const double acc_ref = ml::accuracy(ref_scores, test.y);
  std::size_t test_negatives = 0;
  for (int v : test.y) test_negatives += v == 0 ? 1 : 0;
  const double majority = static_cast<double>(test_negatives) / static_cast<double>(test.rows);
  INFO("reference accuracy " << acc_ref << ", always-no " << majority);
  CHECK(acc_ref > majority + 0.02);  // the model learned more than the base rate
  const bool beaver = GENERATE(false, true);
  const auto got = train_shared(beaver, /*vertical=*/beaver, train, test, o);
  const double acc_mpc = ml::accuracy(got.test_scores, test.y);
  INFO((beaver ? "Beaver, vertical" : "Rep3, horizontal") << ": shared accuracy " << acc_mpc);
  CHECK(std::abs(acc_mpc - acc_ref) <= 0.005);
}

TEST_CASE("logistic regression refuses bad shapes, batches and partitions", "[ml][logistic]") {
  test::run_rep3([](mpc::Rep3& p) {
    const auto x = p.constant(std::vector<R>(64 * 4));
    const auto y = p.constant(std::vector<R>(64));
    CHECK_THROWS_AS(ml::train_logistic<F>(p, x, y, 64, 5, {}), InvalidArgument);                       // shape
    CHECK_THROWS_AS(ml::train_logistic<F>(p, x, y, 64, 4, {.batch = 48}), InvalidArgument);             // not 2^k
    CHECK_THROWS_AS(ml::train_logistic<F>(p, x, y, 64, 4, {.batch = 128}), InvalidArgument);            // > rows
    CHECK_THROWS_AS(ml::train_logistic<F>(p, x, y, 64, 4, {.batch = 64, .learning_log2 = 40}), InvalidArgument);
    CHECK_THROWS_AS(ml::logistic_scores<F>(p, x, y, 64, 4), InvalidArgument);  // 64 weights for 4 features
    const std::vector<std::size_t> two{1, 1};
    CHECK_THROWS_AS(ml::share_rows(p, two, std::span<const R>{}, 4), InvalidArgument);
    const std::vector<std::size_t> three{1, 1, 1};
    const std::vector<R> wrong(3);
    CHECK_THROWS_AS(ml::share_rows(p, three, wrong, 4), InvalidArgument);  // 3 values for one row of 4
    CHECK_THROWS_AS(ml::share_columns(p, three, wrong, 2), InvalidArgument);
  });
}

TEST_CASE("share_columns and share_rows lay out the same matrix", "[ml][logistic]") {
  const auto d = ml::synthetic_binary(10, 7, 1);
  const auto enc = ml::encode_features<F>(d);
  std::vector<R> by_rows, by_cols;
  test::run_rep3([&](mpc::Rep3& p) {
    const std::size_t me = p.party_id();
    const std::vector<std::size_t> counts{3, 0, 7}, widths{2, 4, 1};
    const std::size_t from[] = {0, 2, 6}, to[] = {2, 6, 7};
    const std::size_t rb[] = {0, 3, 3}, re[] = {3, 3, 10};
    const auto a = ml::share_rows(p, counts, rows_of(enc, 7, rb[me], re[me]), 7);
    const auto b = ml::share_columns(p, widths, ml::encode_features<F>(ml::columns(d, from[me], to[me])), 10);
    auto ra = p.reveal(a);
    auto rc = p.reveal(b);
    if (me == 0) {
      by_rows = std::move(ra);
      by_cols = std::move(rc);
    }
  });
  CHECK(by_rows == enc);
  CHECK(by_cols == enc);
}

TEST_CASE("datasets: synthetic sets are deterministic, the CSV reader refuses malformed input by line and column",
          "[ml][dataset]") {
  const auto a = ml::synthetic_binary(500, 124, 9), b = ml::synthetic_binary(500, 124, 9), c = ml::synthetic_binary(500, 124, 10);
  CHECK(a.x == b.x);
  CHECK(a.y == b.y);
  CHECK(a.x != c.x);
  std::size_t ones = 0, positives = 0;
  for (double v : a.x) ones += v == 1.0 ? 1 : 0;
  for (int v : a.y) positives += static_cast<std::size_t>(v);
  CHECK(ones > 500 * 10);
  CHECK(ones < 500 * 18);
  CHECK(positives > 50);
  CHECK(positives < 450);
  const auto blobs = ml::synthetic_blobs(300, 5, 4, 1);
  CHECK(blobs.x.size() == 1500);
  const auto ok = ml::parse_csv("a,label,b\n1,0,2.5\n-3,1,4e2\n\n", "label");
  CHECK(ok.rows == 2);
  CHECK(ok.features == 2);
  CHECK(ok.x == std::vector<double>{1, 2.5, -3, 400});
  CHECK(ok.y == std::vector<int>{0, 1});
  CHECK(ok.names == std::vector<std::string>{"a", "b"});
  CHECK(ml::parse_csv("x,y\n1,B\n2,M\n", "y", std::string("M")).y == std::vector<int>{0, 1});
  // Quoted header names (Python's and R's writers) and a numeric label cut at a threshold.
  const auto quoted = ml::parse_csv("\"a\",\"rate\"\n1,0\n2,0.25\n3,-1\n", "rate", ml::LabelAbove{0.0});
  CHECK(quoted.names == std::vector<std::string>{"a"});
  CHECK(quoted.y == std::vector<int>{0, 1, 0});
  CHECK(ml::parse_csv("a,rate\n1,2\n", "rate", ml::LabelAbove{1.5}).y == std::vector<int>{1});
  CHECK_THROWS_AS(ml::parse_csv("a,rate\n1,x\n", "rate", ml::LabelAbove{0.0}), DecodeError);
  CHECK_THROWS_AS(ml::parse_csv("a,rate\n1,1e999\n", "rate", ml::LabelAbove{0.0}), DecodeError);
  CHECK_THROWS_AS(ml::parse_csv("\"a\"b\",rate\n1,1\n", "a\"b", ml::LabelAbove{0.0}), DecodeError);  // no such column
  CHECK_THROWS_AS(ml::parse_csv("a,rate\n1,1\n", "rate", ml::LabelAbove{std::nan("")}), InvalidArgument);
  const char* bad[] = {"", "a,b\n", "a,b\n1,0\n", "a,label\n1\n", "a,label\n1,2\n", "a,label\nx,1\n",
                       "a,label\n1e999,1\n", "a,label\n1 2,1\n", "label,label\n0,1\n", "label\n1\n"};
  for (const char* text : bad) {
    INFO(text);
    CHECK_THROWS_AS(ml::parse_csv(text, "label"), DecodeError);
  }
  try {
    (void)ml::parse_csv("a,label\n1,0\n2,x\n", "label");
    FAIL("accepted");
  } catch (const DecodeError& e) {
    CHECK_THAT(e.what(), Catch::Contains("line 3, column 2"));
  }
  CHECK_THROWS_AS(ml::read_csv("/nonexistent/file.csv", "label"), InvalidArgument);
  CHECK_THROWS_AS(ml::split_rows(ok, 3), InvalidArgument);
  CHECK_THROWS_AS(ml::columns(ok, 1, 1), InvalidArgument);
  CHECK_THROWS_AS(ml::synthetic_binary(0, 3, 1), InvalidArgument);
}
