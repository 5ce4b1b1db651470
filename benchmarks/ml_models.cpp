// ml_models — the per-instance figures of the three models of the ml layer
// with the three parties as separate processes over TLS on this machine
// (service::launch), beside PrivPy's published figures; the table of
// docs/performance.md ("Machine learning").
//
//   ml_models                                  # all three models
//   ml_models --models lr,kmeans               # a subset
//   ml_models --lenet-train 20000 --lenet-images 200
//   ml_models --save-lenet FILE   # also keep the quantized LeNet-5 parameters
//                                 # (61,706 little-endian int64 Fixed<16>
//                                 # encodings, the order of lenet.hpp), for
//                                 # benchmarks/compare/mpc_vs_mpspdz --ml
//
// lr: logistic regression, one epoch of mini-batch SGD (batch 128) on the
//   Adult-shaped synthetic set (48,842 rows, 124 binary features, a third
//   input by each party); per instance = training time / rows; accuracy on
//   2,000 held-out rows, shared model vs the plaintext fixed-point model.
// kmeans: 5 clusters, 28 features (the credit-card set's shape), 10,000
//   synthetic points, 5 Lloyd iterations; per instance = time / (iterations
//   * points); "accuracy" = points assigned as the plaintext fixed-point
//   reference assigns them.
// lenet: LeNet-5 on Fashion-MNIST (Debian: dataset-fashion-mnist): the
//   parent trains it in plaintext (--lenet-train images, one epoch) and
//   quantizes it; party 0 inputs the weights, party 1 the test images
//   (batches of 100); only the classes are revealed, to party 1; per
//   instance = time per image; accuracy shared vs plaintext fixed point.
// Party 0 prints RESULT lines; the parent prints the table. Like
// mpc_throughput, the program keeps freed memory in the heap (mallopt). Exit 0, or 1
// when an accuracy differs from the plaintext fixed-point model's by more
// than 0.5 points, or 2 on an error.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "privfin/ml/dataset.hpp"
#include "privfin/ml/idx.hpp"
#include "privfin/ml/kmeans.hpp"
#include "privfin/ml/lenet.hpp"
#include "privfin/ml/logistic_regression.hpp"
#include "privfin/mpc/rep3.hpp"
#include "privfin/net/tcp_network.hpp"
#include "privfin/service/launcher.hpp"

using namespace privfin;
using R = Z2k<64>;
constexpr unsigned F = 16;
namespace fs = std::filesystem;

namespace {

struct Config {
  std::vector<std::string> models{"lr", "kmeans", "lenet"};
  std::size_t lenet_train = 20000, lenet_images = 200;
  fs::path dir;
  fs::path save_lenet;  // where to keep a copy of the quantized parameters (empty: nowhere)
};

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

template <class T>
std::span<const T> mine_if(bool mine, const std::vector<T>& v) {
  return mine ? std::span<const T>(v) : std::span<const T>{};
}

void result(const std::string& model, double per_instance_s, double accuracy, double reference, double bytes, double rounds) {
  std::printf("RESULT model=%s seconds=%.9g accuracy=%.6f reference=%.6f bytes=%.6g rounds=%.6g\n", model.c_str(),
              per_instance_s, accuracy, reference, bytes, rounds);
  std::fflush(stdout);
}

void party_lr(net::Network& net, mpc::Rep3& p) {
  const std::size_t rows = 48842, test_rows = 2000, d = 124;
  const auto all = ml::synthetic_binary(rows + test_rows, d, 2026);
  const auto [train, test] = ml::split_rows(all, rows);
  const auto x = ml::encode_features<F>(train), y = ml::encode_labels<F>(train);
  const std::size_t me = p.party_id(), third = rows / 3;
  const std::vector<std::size_t> counts{third, third, rows - 2 * third};
  const std::size_t begin = me * third, end = me == 2 ? rows : begin + third;
  const std::vector<R> mx(x.begin() + static_cast<std::ptrdiff_t>(begin * d), x.begin() + static_cast<std::ptrdiff_t>(end * d));
  const std::vector<R> my(y.begin() + static_cast<std::ptrdiff_t>(begin), y.begin() + static_cast<std::ptrdiff_t>(end));
  const auto xs = ml::share_rows(p, counts, mx, d);
  const auto ys = ml::share_rows(p, counts, my, 1);
  const ml::LogisticOptions o{.epochs = 1, .batch = 128, .learning_log2 = 1};
  net.reset_counters();
  const auto t = std::chrono::steady_clock::now();
  const auto w = ml::train_logistic<F>(p, xs, ys, rows, d, o);
  const double s = seconds_since(t);
  const auto c = net.total_counters();
  const auto xt = ml::encode_features<F>(test);
  const auto scores = p.reveal_to(0, ml::logistic_scores<F>(p, p.input(2, mine_if(me == 2, xt), xt.size()), w, test_rows, d));
  if (me != 0) return;
  const auto ref = ml::train_logistic_reference<F>(x, y, rows, d, o);
  const double acc = ml::accuracy(scores, test.y);
  const double acc_ref = ml::accuracy(ml::logistic_scores_reference<F>(xt, ref, test_rows, d), test.y);
  result("lr", s / rows, acc, acc_ref, static_cast<double>(c.bytes_sent) / rows, static_cast<double>(c.rounds) / rows);
}

void party_kmeans(net::Network& net, mpc::Rep3& p) {
  const std::size_t rows = 10000, d = 28, k = 5, iterations = 5;
  const auto data = ml::synthetic_blobs(rows, d, k, 28);
  const auto x = ml::encode_features<F>(data);
  const std::size_t me = p.party_id(), third = rows / 3;
  const std::vector<std::size_t> counts{third, third, rows - 2 * third};
  const std::size_t begin = me * third, end = me == 2 ? rows : begin + third;
  const auto xs = ml::share_rows(p, counts, std::vector<R>(x.begin() + static_cast<std::ptrdiff_t>(begin * d), x.begin() + static_cast<std::ptrdiff_t>(end * d)), d);
  const auto c0 = ml::slice_rows(p, xs, 0, k, d);
  net.reset_counters();
  const auto t = std::chrono::steady_clock::now();
  const auto c = ml::kmeans<F>(p, xs, c0, rows, d, {.clusters = k, .iterations = iterations});
  const double s = seconds_since(t);
  const auto traffic = net.total_counters();
  const auto centroids = p.reveal_to(0, c);
  if (me != 0) return;
  const std::vector<R> start(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(k * d));
  const auto ref = ml::kmeans_reference<F>(x, start, rows, d, {.clusters = k, .iterations = iterations});
  const auto a = ml::kmeans_assign_reference<F>(x, centroids, rows, d, k);
  const auto b = ml::kmeans_assign_reference<F>(x, ref, rows, d, k);
  std::size_t same = 0;
  for (std::size_t r = 0; r < rows; ++r) same += a[r] == b[r] ? 1U : 0U;
  const double n = static_cast<double>(rows * iterations);
  result("kmeans", s / n, static_cast<double>(same) / rows, 1.0, static_cast<double>(traffic.bytes_sent) / n,
         static_cast<double>(traffic.rounds) / n);
}

void party_lenet(net::Network& net, mpc::Rep3& p, const Config& cfg) {
  const std::size_t me = p.party_id(), n = cfg.lenet_images, batch = 100;
  std::vector<R> params, images;
  if (me == 0) {
    std::ifstream in(cfg.dir / "lenet.params", std::ios::binary);
    params.resize(ml::LeNet5::parameter_count);
    in.read(reinterpret_cast<char*>(params.data()), static_cast<std::streamsize>(params.size() * sizeof(R)));
    if (!in) throw InvalidArgument("cannot read the LeNet parameters");
  }
  if (me == 1) {
    const auto test = ml::idx_dataset(ml::read_idx(cfg.dir / "t10k-images-idx3-ubyte"),
                                      ml::read_idx(cfg.dir / "t10k-labels-idx1-ubyte"), n);
    images = ml::encode_features<F>(test);
  }
  const auto w = p.input(0, mine_if(me == 0, params), ml::LeNet5::parameter_count);
  net.reset_counters();
  const auto t = std::chrono::steady_clock::now();
  std::vector<R> classes;
  for (std::size_t start = 0; start < n; start += batch) {
    const std::size_t count = std::min(batch, n - start);
    const std::vector<R> part = me == 1 ? std::vector<R>(images.begin() + static_cast<std::ptrdiff_t>(start * 784),
                                                         images.begin() + static_cast<std::ptrdiff_t>((start + count) * 784))
                                        : std::vector<R>{};
    const auto x = p.input(1, mine_if(me == 1, part), count * 784);
    const auto got = p.reveal_to(1, ml::lenet5_classify<F>(p, w, x, count));
    classes.insert(classes.end(), got.begin(), got.end());
  }
  const double s = seconds_since(t);
  const auto c = net.total_counters();
  if (me == 0) {
    result("lenet", s / static_cast<double>(n), -1, -1, static_cast<double>(c.bytes_sent) / static_cast<double>(n),
           static_cast<double>(c.rounds) / static_cast<double>(n));
  }
  if (me == 1) {
    std::printf("CLASSES");
    for (const R v : classes) std::printf(" %llu", static_cast<unsigned long long>(v.value()));
    std::printf("\n");
    std::fflush(stdout);
  }
}

int party(const Config& cfg) {
  auto me = service::launched_party();
  auto network = net::TcpNetwork::connect(me.config, me.id, std::move(me.listener));
  Prg prg(random_seed());
  mpc::Rep3 p(*network, prg);
  for (const auto& m : cfg.models) {
    if (m == "lr") party_lr(*network, p);
    if (m == "kmeans") party_kmeans(*network, p);
    if (m == "lenet") party_lenet(*network, p, cfg);
  }
  network->close();
  return 0;
}

std::map<std::string, std::string> fields(const std::string& line) {
  std::map<std::string, std::string> out;
  std::istringstream in(line);
  std::string token;
  while (in >> token) {
    const auto eq = token.find('=');
    if (eq != std::string::npos) out[token.substr(0, eq)] = token.substr(eq + 1);
  }
  return out;
}

int parent(Config cfg) {
  const fs::path dir = fs::temp_directory_path() / ("privfin-ml-models-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  cfg.dir = dir;
  std::vector<int> plain_classes, labels;
  const bool lenet = std::find(cfg.models.begin(), cfg.models.end(), "lenet") != cfg.models.end();
  if (lenet) {
    const fs::path src = "/usr/share/datasets/fashion-mnist";
    for (const char* f : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
      const std::string cmd = "gzip -dc '" + (src / (std::string(f) + ".gz")).string() + "' > '" + (dir / f).string() + "'";
      if (std::system(cmd.c_str()) != 0) throw InvalidArgument("cannot read " + src.string() + " (apt-get install dataset-fashion-mnist)");
    }
    const auto train = ml::idx_dataset(ml::read_idx(dir / "train-images-idx3-ubyte"), ml::read_idx(dir / "train-labels-idx1-ubyte"),
                                       cfg.lenet_train);
    const auto test = ml::idx_dataset(ml::read_idx(dir / "t10k-images-idx3-ubyte"), ml::read_idx(dir / "t10k-labels-idx1-ubyte"),
                                      cfg.lenet_images);
    const auto t = std::chrono::steady_clock::now();
    auto net = ml::LeNet5::initial(1);
    net.train(train, {.epochs = 1, .batch = 32, .learning_rate = 0.05});
    std::printf("LeNet-5 trained in plaintext on %zu Fashion-MNIST images in %.1f s\n", cfg.lenet_train, seconds_since(t));
    const auto params = ml::quantize<F>(net);
    std::ofstream(dir / "lenet.params", std::ios::binary)
        .write(reinterpret_cast<const char*>(params.data()), static_cast<std::streamsize>(params.size() * sizeof(R)));
    if (!cfg.save_lenet.empty()) fs::copy_file(dir / "lenet.params", cfg.save_lenet, fs::copy_options::overwrite_existing);
    plain_classes = ml::classes_of(ml::lenet5_logits_reference<F>(params, ml::encode_features<F>(test), test.rows));
    labels = test.y;
  }
  service::LaunchOptions o;
  o.parties = 3;
  o.output = service::LaunchOutput::collect;
  o.receive_timeout = std::chrono::milliseconds(300'000);
  std::string models;
  for (const auto& m : cfg.models) models += (models.empty() ? "" : ",") + m;
  o.command = {service::this_program().string(), "--party", "--models", models, "--dir", dir.string(),
               "--lenet-images", std::to_string(cfg.lenet_images)};
  const auto r = service::launch(o);
  fs::remove_all(dir);
  for (const auto& pty : r.parties) {
    if (!pty.succeeded()) {
      std::cerr << "party " << pty.id << ": " << pty.describe() << "\n" << pty.error_output;
      return 2;
    }
  }
  const std::map<std::string, std::pair<const char*, double>> privpy = {
      {"lr", {"logistic regression training, Adult shape (48,842 x 124)", 2.4e-3}},
      {"kmeans", {"k-means, 5 clusters, 28 features, per iteration per point", 4.56e-3}},
      {"lenet", {"LeNet-5 inference, Fashion-MNIST 28x28, per image", 97e-3}}};
  std::printf("| model | ours per instance | PrivPy | ratio | accuracy (shared / plaintext fixed point) | bytes sent per instance (party 0) | rounds per instance |\n");
  std::printf("|---|---|---|---|---|---|---|\n");
  int code = 0;
  std::istringstream out0(r.parties[0].output), out1(r.parties[1].output);
  std::vector<int> shared_classes;
  for (std::string line; std::getline(out1, line);) {
    if (line.rfind("CLASSES", 0) == 0) {
      std::istringstream in(line.substr(7));
      for (int c; in >> c;) shared_classes.push_back(c);
    }
  }
  for (std::string line; std::getline(out0, line);) {
    if (line.rfind("RESULT", 0) != 0) continue;
    auto f = fields(line);
    const std::string m = f["model"];
    double acc = std::stod(f["accuracy"]), ref = std::stod(f["reference"]);
    if (m == "lenet") {
      acc = ml::class_accuracy(shared_classes, labels);
      ref = ml::class_accuracy(plain_classes, labels);
    }
    const double s = std::stod(f["seconds"]);
    const auto& [name, theirs] = privpy.at(m);
    std::printf("| %s | %.3g ms | %.3g ms | %.0fx | %.2f %% / %.2f %% | %.0f | %.3g |\n", name, 1e3 * s, 1e3 * theirs,
                theirs / s, 100 * acc, 100 * ref, std::stod(f["bytes"]), std::stod(f["rounds"]));
    if (std::abs(acc - ref) > 0.005) code = 1;
  }
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  // As mpc_throughput: keep freed batch buffers in the heap instead of
  // returning them to the kernel, so that every batch does not pay page
  // faults and zeroing again (expensive on this VM).
  ::mallopt(M_MMAP_MAX, 0);
  ::mallopt(M_TRIM_THRESHOLD, 1 << 30);
  Config cfg;
  bool is_party = false;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw InvalidArgument(a + " needs a value");
        return argv[++i];
      };
      if (a == "--party") {
        is_party = true;
      } else if (a == "--models") {
        cfg.models.clear();
        std::istringstream in(value());
        for (std::string m; std::getline(in, m, ',');) {
          if (m != "lr" && m != "kmeans" && m != "lenet") throw InvalidArgument("unknown model " + m);
          cfg.models.push_back(m);
        }
      } else if (a == "--dir") {
        cfg.dir = value();
      } else if (a == "--lenet-train") {
        cfg.lenet_train = std::stoul(value());
      } else if (a == "--save-lenet") {
        cfg.save_lenet = value();
      } else if (a == "--lenet-images") {
        cfg.lenet_images = std::stoul(value());
      } else {
        throw InvalidArgument("unknown option " + a);
      }
    }
    return is_party ? party(cfg) : parent(cfg);
  } catch (const std::exception& e) {
    std::cerr << "ml_models: " << e.what() << "\n";
    return 2;
  }
}
