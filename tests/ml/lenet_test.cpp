// LeNet-5 (ml/lenet.hpp): shared inference on Rep3 and Beaver against the
// plaintext fixed-point reference, the fixed-point model against the
// double one, the trainer on a synthetic task, the IDX decoder; and, tagged
// [.slow], Fashion-MNIST from Debian's dataset-fashion-mnist.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "mpc/beaver_test_support.hpp"
#include "mpc/mpc_test_support.hpp"
#include "privfin/ml/idx.hpp"
#include "privfin/ml/lenet.hpp"
#include "support/processes.hpp"
#include "support/wire_negative.hpp"

using namespace privfin;
using R = Z2k<64>;
constexpr unsigned F = 16;
using Fx = sharing::Fixed<F>;

namespace {

// Images with a bright 10x10 square in one of four quadrants (class = quadrant) and noise.
ml::Dataset quadrant_images(std::size_t n, std::uint64_t seed) {
  Prg prg(test::seed_from(seed));
  ml::Dataset d;
  d.rows = n;
  d.features = 784;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t cls = prg.next_u64() % 4;
    const std::size_t oy = (cls / 2) * 14 + 2 + prg.next_u64() % 3, ox = (cls % 2) * 14 + 2 + prg.next_u64() % 3;
    for (std::size_t y = 0; y < 28; ++y) {
      for (std::size_t x = 0; x < 28; ++x) {
        const bool on = y >= oy && y < oy + 10 && x >= ox && x < ox + 10;
        d.x.push_back(std::min(1.0, (on ? 0.8 : 0.0) + 0.2 * static_cast<double>(prg.next_u64() % 256) / 255.0));
      }
    }
    d.y.push_back(static_cast<int>(cls));
  }
  return d;
}

struct Shared {
  std::vector<R> logits, classes;
};

// Party 0 owns the model, party 1 the images; both results revealed for the test.
Shared infer(bool beaver, const std::vector<R>& params, const std::vector<R>& images, std::size_t count) {
  Shared out;
  auto body = [&](auto& p) {
    const std::size_t me = p.party_id();
    const auto w = p.input(0, me == 0 ? std::span<const R>(params) : std::span<const R>{}, params.size());
    const auto x = p.input(1, me == 1 ? std::span<const R>(images) : std::span<const R>{}, images.size());
    const auto logits = ml::lenet5_logits<F>(p, w, x, count);
    auto z = p.reveal(logits);
    auto c = p.reveal(mpc::argmax(p, logits, 10).second);
    if (me == 0) out = {std::move(z), std::move(c)};
  };
  if (beaver) {
    test::run_beaver(3, [&](mpc::Beaver& p) { body(p); });
  } else {
    test::run_rep3([&](mpc::Rep3& p) { body(p); });
  }
  return out;
}

}  // namespace

TEST_CASE("LeNet-5: shared inference follows the fixed-point reference, the fixed-point model the double one",
          "[ml][lenet]") {
  const bool beaver = GENERATE(false, true);
  INFO((beaver ? "Beaver" : "Rep3"));
  auto data = quadrant_images(3, 5);
  const auto net = ml::LeNet5::initial(11);
  const auto params = ml::quantize<F>(net);
  const auto images = ml::encode_features<F>(data);
  const auto ref = ml::lenet5_logits_reference<F>(params, images, data.rows);
  const auto dbl = net.logits(data.x, data.rows);
  const auto got = infer(beaver, params, images, data.rows);
  REQUIRE(got.logits.size() == ref.size());
  const auto ref_classes = ml::classes_of(ref);
  for (std::size_t k = 0; k < ref.size(); ++k) {
    INFO("logit " << k << ": shared " << Fx::decode(got.logits[k]) << ", reference " << Fx::decode(ref[k]) << ", double "
                  << dbl[k]);
    REQUIRE(std::abs((got.logits[k] - ref[k]).as_signed()) <= 64);  // an ulp per truncation, carried through 5 layers
    REQUIRE(std::abs(Fx::decode(ref[k]) - dbl[k]) <= 0.01);         // quantization at 2^-16
  }
  for (std::size_t i = 0; i < data.rows; ++i) {
    const auto row = got.logits.begin() + static_cast<std::ptrdiff_t>(i * 10);
    const auto best = std::max_element(row, row + 10, [](R a, R b) { return a.as_signed() < b.as_signed(); }) - row;
    CHECK(got.classes[i].value() == static_cast<std::uint64_t>(best));
    // The shared class is the reference's unless two reference logits are within the drift.
    if (static_cast<int>(got.classes[i].value()) != ref_classes[i]) {
      CHECK(std::abs((ref[i * 10 + static_cast<std::size_t>(best)] - ref[i * 10 + static_cast<std::size_t>(ref_classes[i])]).as_signed()) <= 128);
    }
  }
}

TEST_CASE("LeNet-5: the trainer learns a synthetic task, bad shapes are refused", "[ml][lenet]") {
  auto train = quadrant_images(400, 6);
  const auto test_set = quadrant_images(100, 7);
  auto net = ml::LeNet5::initial(3);
  const double before = ml::class_accuracy(net.predict(test_set.x, test_set.rows), test_set.y);
  net.train(train, {.epochs = 1, .batch = 16, .learning_rate = 0.05});
  const double after = ml::class_accuracy(net.predict(test_set.x, test_set.rows), test_set.y);
  INFO("accuracy before " << before << ", after " << after);
  CHECK(after >= 0.9);
  // The quantized model classifies as the double model does.
  const auto fixed = ml::classes_of(ml::lenet5_logits_reference<F>(ml::quantize<F>(net), ml::encode_features<F>(test_set), test_set.rows));
  CHECK(ml::class_accuracy(fixed, net.predict(test_set.x, test_set.rows)) >= 0.99);
  CHECK_THROWS_AS(ml::LeNet5(std::vector<double>(10)), InvalidArgument);
  CHECK_THROWS_AS(net.logits(std::vector<double>(783), 1), InvalidArgument);
  train.y[0] = 10;
  CHECK_THROWS_AS(net.train(train, {}), InvalidArgument);
  CHECK_THROWS_AS(ml::lenet5_logits_reference<F>(std::vector<R>(5), std::vector<R>(784), 1), InvalidArgument);
  test::run_rep3([](mpc::Rep3& p) {
    const auto w = p.constant(std::vector<R>(ml::LeNet5::parameter_count));
    CHECK_THROWS_AS(ml::lenet5_logits<F>(p, w, p.constant(std::vector<R>(700)), 1), InvalidArgument);
  });
}

TEST_CASE("IDX: round trip, every truncation and bit flip refused or decoded differently, hostile sizes",
          "[ml][idx]") {
  ml::IdxArray a{{3, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}};
  const Bytes wire = a.to_bytes();
  const auto back = ml::parse_idx(wire);
  CHECK(back.dims == a.dims);
  CHECK(back.data == a.data);
  test::check_truncations_and_flips(wire, [](ByteView b) { return ml::parse_idx(b); },
                                    [&](const ml::IdxArray& x) { return x.dims == a.dims && x.data == a.data; });
  // 2^32 - 1 images of 2^32 - 1 bytes in a 12-byte input: refused before allocating.
  const Bytes huge{std::byte{0}, std::byte{0}, std::byte{8}, std::byte{2}, std::byte{0xFF}, std::byte{0xFF},
                   std::byte{0xFF}, std::byte{0xFF}, std::byte{0xFF}, std::byte{0xFF}, std::byte{0xFF}, std::byte{0xFF}};
  CHECK_THROWS_AS(ml::parse_idx(huge), DecodeError);
  Bytes trailing = wire;
  trailing.push_back(std::byte{0});
  CHECK_THROWS_AS(ml::parse_idx(trailing), DecodeError);
  const ml::IdxArray labels{{3}, {1, 0, 9}};
  const auto d = ml::idx_dataset(a, labels);
  CHECK(d.rows == 3);
  CHECK(d.features == 4);
  CHECK(d.x[11] == 12.0 / 255.0);
  CHECK(d.y == std::vector<int>{1, 0, 9});
  CHECK_THROWS_AS(ml::idx_dataset(a, ml::IdxArray{{2}, {1, 2}}), InvalidArgument);
  CHECK_THROWS_AS(ml::read_idx("/nonexistent/idx"), InvalidArgument);
}

// Train on Fashion-MNIST (Debian: dataset-fashion-mnist), quantize, classify
// test images with shared weights and shared images on Rep3.
//   build/release/tests/privfin_ml_tests "[fashion]"
TEST_CASE("LeNet-5 on Fashion-MNIST: shared accuracy within 0.5 points of the plaintext fixed-point model",
          "[ml][lenet][fashion][.slow]") {
  const std::filesystem::path dir = "/usr/share/datasets/fashion-mnist";
  if (!std::filesystem::exists(dir / "train-images-idx3-ubyte.gz")) {
    WARN("dataset-fashion-mnist is not installed (apt-get install dataset-fashion-mnist); skipped");
    return;
  }
  test::TempDir tmp;
  for (const char* f : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
    const std::string cmd = "gzip -dc '" + (dir / (std::string(f) + ".gz")).string() + "' > '" + (tmp.path() / f).string() + "'";
    REQUIRE(std::system(cmd.c_str()) == 0);
  }
  const auto train = ml::idx_dataset(ml::read_idx(tmp.path() / "train-images-idx3-ubyte"),
                                     ml::read_idx(tmp.path() / "train-labels-idx1-ubyte"), 20000);
  const auto test_set = ml::idx_dataset(ml::read_idx(tmp.path() / "t10k-images-idx3-ubyte"),
                                        ml::read_idx(tmp.path() / "t10k-labels-idx1-ubyte"), 400);
  auto net = ml::LeNet5::initial(1);
  net.train(train, {.epochs = 1, .batch = 32, .learning_rate = 0.05});
  const auto params = ml::quantize<F>(net);
  const auto images = ml::encode_features<F>(test_set);
  const auto plain = ml::classes_of(ml::lenet5_logits_reference<F>(params, images, test_set.rows));
  const auto shared = infer(false, params, images, test_set.rows);
  std::vector<int> got(shared.classes.size());
  for (std::size_t i = 0; i < got.size(); ++i) got[i] = static_cast<int>(shared.classes[i].value());
  const double acc_plain = ml::class_accuracy(plain, test_set.y), acc_shared = ml::class_accuracy(got, test_set.y);
  WARN("Fashion-MNIST, 400 test images: accuracy shared " << acc_shared << ", plaintext fixed point " << acc_plain);
  CHECK(acc_plain >= 0.75);
  CHECK(std::abs(acc_shared - acc_plain) <= 0.005);
}
