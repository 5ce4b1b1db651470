// gradient_aggregation.hpp — Example 02: N data parties train one logistic-regression
// model; an untrusted aggregator adds up their Paillier-encrypted gradients and
// everyone decrypts only the sum with threshold Paillier (DeepChain's aggregation
// step). Data party i is network party i with key share i; the aggregator is party
// N. Each round (README.md): 1.-2. service::EncryptedSum: every data party sends its
// encrypted fixed-point gradient sum to the aggregator, which posts their product
// and every submission for each party to check; 3. service::ThresholdDecryption decrypts the
// product for everyone, naming each party whose share fails; 4. everyone takes the
// same gradient step. Throws DecodeError for a malformed data file, ProtocolError
// naming the peer that broke the protocol, ParameterMismatch, NetworkError.
#pragma once

#include <privfin/core/bigint.hpp>
#include <privfin/core/error.hpp>
#include <privfin/core/prg.hpp>
#include <privfin/core/rejection.hpp>
#include <privfin/he/encoding.hpp>
#include <privfin/he/threshold_paillier.hpp>
#include <privfin/net/network.hpp>
#include <privfin/service/agreement.hpp>
#include <privfin/service/encrypted_sum.hpp>
#include <privfin/service/threshold_decryption.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <numeric>
#include <optional>
#include <sstream>

namespace ex02 {

inline constexpr std::size_t feature_count = 30, model_size = feature_count + 1;  // weights, then the bias
inline constexpr std::size_t fractional_bits = 16;  // gradients are sent as round(g 2^16)
inline constexpr std::size_t value_bits = 28;       // packed slot range [-2^27, 2^27): |g| <= 455 rows fits
inline constexpr std::size_t test_rows = 114;       // held out (20 %) for the accuracy figures

// The Wisconsin diagnostic breast-cancer table (wdbc.csv): a header line,
// then 30 features and the label (1 = benign, 0 = malignant) per row.
struct Dataset {
  std::vector<std::vector<double>> features;
  std::vector<double> labels;
};

// Throws DecodeError naming the line and column of a bad value.
inline Dataset load_dataset(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw privfin::InvalidArgument("cannot open data file " + file.string());
  Dataset d;
  std::string line;
  for (std::size_t line_no = 1; std::getline(in, line); ++line_no) {
    if (line_no == 1 || line.empty()) continue;  // the header names the columns
    const std::string where = file.string() + ":" + std::to_string(line_no);
    std::vector<double> row;
    std::istringstream fields(line);
    for (std::string f; std::getline(fields, f, ',');) {
      char* end = nullptr;
      row.push_back(std::strtod(f.c_str(), &end));
      if (f.empty() || end != f.c_str() + f.size() || !std::isfinite(row.back())) {
        throw privfin::DecodeError(where + ": column " + std::to_string(row.size()) + " is not a number");
      }
    }
    if (row.size() != model_size || line.back() == ',') throw privfin::DecodeError(where + ": expected 31 columns");
    if (row.back() != 0.0 && row.back() != 1.0) throw privfin::DecodeError(where + ": label must be 0 or 1");
    d.labels.push_back(row.back());
    row.pop_back();
    d.features.push_back(std::move(row));
  }
  if (d.features.empty()) throw privfin::DecodeError(file.string() + ": no data rows");
  return d;
}

// What every process must hold alike (service::agree checks it).
struct Params {
  std::size_t parties = 4;    // data parties N
  std::size_t threshold = 3;  // t valid shares decrypt
  std::size_t rounds = 10;    // full-batch gradient steps
  double learning_rate = 0.5;
  std::uint64_t split_seed = 1;  // the fixed shuffle of the rows into train/test
};

inline privfin::service::Parameters agreed_parameters(const Params& p,
                                                      const privfin::he::ThresholdPaillierPublicKey& tpk) {
  privfin::service::Parameters a("privfin-ex02-gradient-aggregation", 2);
  a.set("data parties", std::uint64_t{p.parties})
      .set("threshold", std::uint64_t{p.threshold})
      .set("rounds", std::uint64_t{p.rounds})
      .set("learning rate", p.learning_rate)
      .set("split seed", std::to_string(p.split_seed))
      .set("fractional bits", std::uint64_t{fractional_bits})
      .set("value bits", std::uint64_t{value_bits})
      .set("test rows", std::uint64_t{test_rows})
      .set_bytes("threshold key id", tpk.key_id());
  return a;
}

// The shuffled train/test split, standardised with the training rows' means
// and deviations: public preprocessing constants the consortium agrees on
// (README). Rows have model_size columns: the features, then 1.0.
struct Split {
  std::vector<std::vector<double>> train_x, test_x;
  std::vector<double> train_y, test_y;
};

inline Split prepare(const Dataset& d, const Params& p) {
  const std::size_t rows = d.features.size();
  if (rows < test_rows + p.parties) throw privfin::InvalidArgument("fewer training rows than data parties");
  std::vector<std::size_t> order(rows);
  std::iota(order.begin(), order.end(), std::size_t{0});
  privfin::Prg::Seed seed{};
  for (std::size_t i = 0; i < 8; ++i) seed[i] = static_cast<std::byte>((p.split_seed >> (8 * i)) & 0xFFU);
  privfin::Prg prg(seed);  // Fisher-Yates with a public seed: every process derives the same order
  for (std::size_t i = rows - 1; i > 0; --i) std::swap(order[i], order[prg.next_u64() % (i + 1)]);
  const std::size_t train = rows - test_rows;
  std::vector<double> mean(feature_count, 0.0), sd(feature_count, 0.0);
  for (std::size_t k = 0; k < train; ++k) {
    for (std::size_t j = 0; j < feature_count; ++j) mean[j] += d.features[order[k]][j] / double(train);
  }
  for (std::size_t k = 0; k < train; ++k) {
    for (std::size_t j = 0; j < feature_count; ++j) sd[j] += std::pow(d.features[order[k]][j] - mean[j], 2);
  }
  Split s;
  for (std::size_t k = 0; k < rows; ++k) {
    std::vector<double> row(model_size, 1.0);
    for (std::size_t j = 0; j < feature_count; ++j) {
      row[j] = sd[j] > 0.0 ? (d.features[order[k]][j] - mean[j]) / std::sqrt(sd[j] / double(train)) : 0.0;
    }
    (k < train ? s.train_x : s.test_x).push_back(std::move(row));
    (k < train ? s.train_y : s.test_y).push_back(d.labels[order[k]]);
  }
  return s;
}

// Data party i holds training rows [first, second) of the split.
inline std::pair<std::size_t, std::size_t> party_rows(const Split& s, std::size_t i, std::size_t parties) {
  return {i * s.train_x.size() / parties, (i + 1) * s.train_x.size() / parties};
}

inline double dot(const std::vector<double>& w, const std::vector<double>& x) {
  return std::inner_product(w.begin(), w.end(), x.begin(), 0.0);
}

// Sum over rows [begin, end) of (sigmoid(w.x) - y) x, in fixed point.
inline std::vector<std::int64_t> gradient_sum(const Split& s, const std::vector<double>& w, std::size_t begin,
                                              std::size_t end) {
  std::vector<double> g(model_size, 0.0);
  for (std::size_t k = begin; k < end; ++k) {
    const double err = 1.0 / (1.0 + std::exp(-dot(w, s.train_x[k]))) - s.train_y[k];
    for (std::size_t j = 0; j < model_size; ++j) g[j] += err * s.train_x[k][j];
  }
  std::vector<std::int64_t> q(model_size);
  for (std::size_t j = 0; j < model_size; ++j) q[j] = privfin::he::FixedPoint(fractional_bits).to_int64(g[j]);
  return q;  // PackedEncoding refuses a value out of its range: an error, never a wrong sum
}

// w <- w - lr * (sum / 2^f) / rows.
inline void apply_step(std::vector<double>& w, const std::vector<std::int64_t>& sum, const Params& p,
                       std::size_t train_rows) {
  for (std::size_t j = 0; j < model_size; ++j) {
    w[j] -= p.learning_rate * std::ldexp(double(sum[j]), -int(fractional_bits)) / double(train_rows);
  }
}

inline double accuracy(const std::vector<double>& w, const Split& s) {
  std::size_t right = 0;
  for (std::size_t k = 0; k < s.test_x.size(); ++k) right += (dot(w, s.test_x[k]) >= 0.0) == (s.test_y[k] == 1.0);
  return double(right) / double(s.test_x.size());
}

inline privfin::he::PackedEncoding packing(const privfin::he::ThresholdPaillierPublicKey& tpk, const Params& p) {
  return privfin::he::PackedEncoding(tpk.paillier(), value_bits, p.parties);
}

// What one round produced, the same at every process (but bytes and seconds).
struct RoundOutcome {
  std::size_t round = 0;                     // 1-based
  std::vector<std::int64_t> aggregate;       // the decrypted gradient sum
  std::vector<privfin::Rejection> rejected;  // every refused decryption share: by whom, from whom, why
  std::vector<std::size_t> used_parties;     // whose shares decrypted the aggregate
  std::vector<double> weights;               // after the step
  double accuracy = 0.0;                     // on the held-out rows
  std::uint64_t bytes = 0;                   // this process's traffic in the round
  double seconds = 0.0;
};

// Every process's loop. `key_share` is null at the aggregator (party N).
// `cheat` makes a data party decrypt with a random secret under its own id,
// as a lying party would: its proofs fail and every process names it.
// `on_round` sees each outcome as it completes.
inline std::vector<RoundOutcome> run(privfin::net::Network& net, const Params& p,
                                     const privfin::he::ThresholdPaillierPublicKey& tpk,
                                     const privfin::he::ThresholdPaillierKeyShare* key_share, const Split& split,
                                     bool cheat, privfin::Prg& prg,
                                     const std::function<void(const RoundOutcome&)>& on_round = {}) {
  if (net.party_count() != p.parties + 1 || tpk.parties() != p.parties || tpk.threshold() != p.threshold ||
      (key_share == nullptr) != (net.party_id() == p.parties)) {
    throw privfin::InvalidArgument("need N data parties with key shares 0..N-1 and the aggregator N");
  }
  std::vector<std::size_t> decryptors(p.parties), everyone(p.parties + 1);
  std::iota(decryptors.begin(), decryptors.end(), std::size_t{0});
  std::iota(everyone.begin(), everyone.end(), std::size_t{0});
  std::optional<privfin::he::ThresholdPaillierKeyShare> lying;  // outlives `decryption`, which keeps a pointer
  if (cheat && key_share != nullptr) {
    lying.emplace(key_share->party(), privfin::bigint::random_below(tpk.paillier().n_squared(), prg));
  }
  std::optional<privfin::service::ThresholdDecryption> decryption;
  if (key_share == nullptr) {
    decryption.emplace(net, tpk, decryptors, everyone);
  } else {  // refuses at once a key share that is not this party's (another owner's file)
    decryption.emplace(net, tpk, lying ? *lying : *key_share, decryptors, everyone);
  }
  privfin::service::agree(net, agreed_parameters(p, tpk));
  const auto pack = packing(tpk, p);
  privfin::service::EncryptedSum summation(net, tpk.paillier(), decryptors, p.parties, pack.plaintexts_for(model_size));
  const auto [begin, end] = party_rows(split, net.party_id(), p.parties);  // unused at the aggregator
  std::vector<RoundOutcome> outcomes;
  std::vector<double> w(model_size, 0.0);
  for (std::size_t round = 1; round <= p.rounds; ++round) {
    const auto start = std::chrono::steady_clock::now();
    const auto before = net.total_counters();
    const auto aggregate = key_share ? summation.contribute(pack.encrypt(gradient_sum(split, w, begin, end), prg))
                                     : summation.aggregate();
    auto decrypted = decryption->decrypt(aggregate, prg);
    RoundOutcome o;
    o.round = round;
    o.aggregate = pack.decode(decrypted.plaintexts, model_size, p.parties);  // checks every slot: overflow is an error
    o.rejected = std::move(decrypted.rejected);
    o.used_parties = std::move(decrypted.used_parties);
    apply_step(w, o.aggregate, p, split.train_x.size());
    o.weights = w;
    o.accuracy = accuracy(w, split);
    net.flush();
    const auto after = net.total_counters();
    o.bytes = after.bytes_sent + after.bytes_received - before.bytes_sent - before.bytes_received;
    o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (on_round) on_round(o);
    outcomes.push_back(std::move(o));
  }
  return outcomes;
}

}  // namespace ex02
