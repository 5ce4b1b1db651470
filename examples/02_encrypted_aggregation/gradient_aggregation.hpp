// gradient_aggregation.hpp — Example 02: N parties train one logistic-
// regression model on their private rows; an untrusted aggregator adds up
// their Paillier-encrypted gradients, and the parties decrypt only the sum,
// with threshold Paillier and publicly verifiable decryption shares. This is
// the aggregation step of DeepChain (Weng et al., "DeepChain: Auditable and
// Privacy-Preserving Deep Learning with Blockchain-based Incentive", IEEE
// TDSC 2019), built from privfin's public headers only.
//
// Who is who on the Network: parties 0..N-1 hold data and one threshold key
// share each (key share i belongs to network party i), party N is the
// aggregator. Before the first round every process runs service::agree on
// the training parameters and the threshold key id. Every round (see
// README.md for the message flow):
//   1. each data party computes the gradient sum over its rows for the
//      current public weights, rounds it to fixed point, packs the 31
//      integers into as few Paillier plaintexts as fit, encrypts, and sends
//      the ciphertexts to the aggregator;
//   2. the aggregator multiplies them slot-wise (= adds the gradients) and
//      posts the aggregate together with every submission, so each party can
//      check that its own ciphertexts are in and that the aggregate is their
//      sum;
//   3. service::ThresholdDecryption: every data party sends a decryption
//      share of each aggregate ciphertext, with its DLEQ proof, to every
//      process; everyone (aggregator and parties) verifies every share,
//      names the parties whose shares fail, and combines t valid ones;
//   4. everyone decodes the packed sum and takes the same gradient step.
//
// Security model: semi-honest-to-malicious data parties for decryption
// (a wrong share is caught and named; the round completes while t honest
// shares remain), an untrusted aggregator that cannot read any gradient
// (it holds no key share) and cannot substitute an aggregate unnoticed.
// The model weights are public to the participants, as in DeepChain.
// Not covered: a party that encrypts a wrong gradient (that needs proofs of
// training), and range proofs for the packed values (an out-of-range value
// is detected when decoding, without naming its sender).
//
// Throws privfin::DecodeError for malformed input files or messages,
// privfin::ProtocolError naming the peer that broke the protocol, and
// privfin::NetworkError when a peer is unreachable.
#pragma once

#include <gmpxx.h>

#include <privfin/core/bigint.hpp>
#include <privfin/core/bytes.hpp>
#include <privfin/core/codec.hpp>
#include <privfin/core/error.hpp>
#include <privfin/core/prg.hpp>
#include <privfin/core/rejection.hpp>
#include <privfin/he/encoding.hpp>
#include <privfin/he/paillier.hpp>
#include <privfin/he/threshold_paillier.hpp>
#include <privfin/net/network.hpp>
#include <privfin/service/agreement.hpp>
#include <privfin/service/key_file.hpp>
#include <privfin/service/threshold_decryption.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <numeric>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace ex02 {

inline constexpr std::size_t feature_count = 30;
inline constexpr std::size_t model_size = feature_count + 1;  // 30 weights and the bias (last)

// ------------------------------------------------------------------ data

// The Wisconsin diagnostic breast-cancer table (wdbc.csv): a header line,
// then 30 real features and the label (1 = benign, 0 = malignant) per row.
struct Dataset {
  std::vector<std::string> feature_names;
  std::vector<std::vector<double>> features;
  std::vector<double> labels;
};

inline std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields;
  std::string field;
  std::istringstream in(line);
  while (std::getline(in, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

// Throws privfin::DecodeError naming the line and column of a bad value.
inline Dataset load_dataset(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw privfin::InvalidArgument("cannot open data file " + file.string());
  Dataset d;
  std::string line;
  if (!std::getline(in, line)) throw privfin::DecodeError(file.string() + ": empty file");
  auto header = split_csv_line(line);
  if (header.size() != feature_count + 1) {
    throw privfin::DecodeError(file.string() + ": header has " + std::to_string(header.size()) +
                               " columns, expected " + std::to_string(feature_count + 1));
  }
  d.feature_names.assign(header.begin(), header.end() - 1);
  std::size_t line_no = 1;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    const auto fields = split_csv_line(line);
    const std::string where = file.string() + ":" + std::to_string(line_no);
    if (fields.size() != feature_count + 1) {
      throw privfin::DecodeError(where + ": " + std::to_string(fields.size()) + " columns, expected " +
                                 std::to_string(feature_count + 1));
    }
    std::vector<double> row(feature_count);
    for (std::size_t j = 0; j <= feature_count; ++j) {
      const char* begin = fields[j].c_str();
      char* end = nullptr;
      const double v = std::strtod(begin, &end);
      if (fields[j].empty() || end != begin + fields[j].size() || !std::isfinite(v)) {
        throw privfin::DecodeError(where + ": column " + std::to_string(j + 1) + " is not a number");
      }
      if (j < feature_count) {
        row[j] = v;
      } else {
        if (v != 0.0 && v != 1.0) throw privfin::DecodeError(where + ": label must be 0 or 1");
        d.labels.push_back(v);
      }
    }
    d.features.push_back(std::move(row));
  }
  if (d.features.empty()) throw privfin::DecodeError(file.string() + ": no data rows");
  return d;
}

// The training parameters; every process must use the same (service::agree
// checks them before the first round, see agreed_parameters()).
struct Params {
  std::size_t parties = 4;           // data parties N (network parties 0..N-1)
  std::size_t threshold = 3;         // t shares decrypt
  std::size_t rounds = 10;           // full-batch gradient steps
  double learning_rate = 0.5;
  std::size_t fractional_bits = 16;  // fixed-point scale 2^f for gradient sums
  std::size_t value_bits = 28;       // packed slot value range [-2^(b-1), 2^(b-1))
  std::uint64_t split_seed = 1;      // fixed shuffle of the rows into train/test
  std::size_t test_rows = 114;       // held-out rows (20 %) for the accuracy figures

  friend bool operator==(const Params&, const Params&) = default;

  // Throws privfin::InvalidArgument for inconsistent values.
  void check() const {
    if (parties < 1 || threshold < 1 || threshold > parties) {
      throw privfin::InvalidArgument("need 1 <= threshold <= parties (got t = " + std::to_string(threshold) +
                                     ", N = " + std::to_string(parties) + ")");
    }
    if (rounds < 1) throw privfin::InvalidArgument("rounds must be at least 1");
    if (!(learning_rate > 0.0) || !std::isfinite(learning_rate)) {
      throw privfin::InvalidArgument("learning rate must be positive");
    }
    if (value_bits < 2 || value_bits > 48 || fractional_bits >= value_bits) {
      throw privfin::InvalidArgument("need fractional bits < value bits <= 48");
    }
  }
};

// Train/test split of the table, standardised. The per-feature mean and
// standard deviation of the training rows are the consortium's public
// preprocessing constants (see README: in a deployment they are agreed
// beforehand or computed with one more secure sum).
struct Split {
  std::vector<std::vector<double>> train_x, test_x;  // model_size columns: features, then 1.0
  std::vector<double> train_y, test_y;
};

inline Split prepare(const Dataset& d, const Params& p) {
  const std::size_t rows = d.features.size();
  if (p.test_rows >= rows) throw privfin::InvalidArgument("test rows must be fewer than the data rows");
  if (rows - p.test_rows < p.parties) throw privfin::InvalidArgument("fewer training rows than parties");
  // Fisher-Yates with a fixed seed: every process derives the same order.
  std::vector<std::size_t> order(rows);
  for (std::size_t i = 0; i < rows; ++i) order[i] = i;
  privfin::Prg::Seed seed{};
  for (std::size_t i = 0; i < 8; ++i) seed[i] = static_cast<std::byte>((p.split_seed >> (8 * i)) & 0xFFU);
  privfin::Prg prg(seed);
  for (std::size_t i = rows - 1; i > 0; --i) {
    const std::size_t j = static_cast<std::size_t>(prg.next_u64() % (i + 1));  // bias < 2^-54: irrelevant here
    std::swap(order[i], order[j]);
  }
  const std::size_t train_rows = rows - p.test_rows;
  std::vector<double> mean(feature_count, 0.0), sd(feature_count, 0.0);
  for (std::size_t k = 0; k < train_rows; ++k) {
    for (std::size_t j = 0; j < feature_count; ++j) mean[j] += d.features[order[k]][j];
  }
  for (auto& m : mean) m /= static_cast<double>(train_rows);
  for (std::size_t k = 0; k < train_rows; ++k) {
    for (std::size_t j = 0; j < feature_count; ++j) {
      const double c = d.features[order[k]][j] - mean[j];
      sd[j] += c * c;
    }
  }
  for (auto& s : sd) s = std::sqrt(s / static_cast<double>(train_rows));
  Split s;
  for (std::size_t k = 0; k < rows; ++k) {
    const auto& src = d.features[order[k]];
    std::vector<double> row(model_size, 1.0);
    for (std::size_t j = 0; j < feature_count; ++j) row[j] = sd[j] > 0.0 ? (src[j] - mean[j]) / sd[j] : 0.0;
    if (k < train_rows) {
      s.train_x.push_back(std::move(row));
      s.train_y.push_back(d.labels[order[k]]);
    } else {
      s.test_x.push_back(std::move(row));
      s.test_y.push_back(d.labels[order[k]]);
    }
  }
  return s;
}

// Data party i (0..N-1) holds training rows [begin, end) of the split.
inline std::pair<std::size_t, std::size_t> party_rows(const Split& s, std::size_t party, std::size_t parties) {
  const std::size_t m = s.train_x.size();
  return {party * m / parties, (party + 1) * m / parties};
}

// ------------------------------------------------------------------ model

inline double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

inline double dot(const std::vector<double>& w, const std::vector<double>& x) {
  double acc = 0.0;
  for (std::size_t j = 0; j < w.size(); ++j) acc += w[j] * x[j];
  return acc;
}

// Sum over rows [begin, end) of (sigmoid(w.x) - y) x: the party's share of
// the gradient of the mean log-loss, before dividing by the row count.
inline std::vector<double> gradient_sum(const Split& s, const std::vector<double>& w, std::size_t begin,
                                        std::size_t end) {
  std::vector<double> g(model_size, 0.0);
  for (std::size_t k = begin; k < end; ++k) {
    const double err = sigmoid(dot(w, s.train_x[k])) - s.train_y[k];
    for (std::size_t j = 0; j < model_size; ++j) g[j] += err * s.train_x[k][j];
  }
  return g;
}

// round(g 2^f) per coordinate, clamped into the packed value range. With
// standardised features |g_j| <= number of training rows (Cauchy-Schwarz),
// far inside the default range (2^11 at f = 16, b = 28); the clamp only
// guards other parameter choices, and the reference applies it as well.
inline std::vector<std::int64_t> quantize(const std::vector<double>& g, const Params& p) {
  const privfin::he::FixedPoint fp(p.fractional_bits);
  const std::int64_t limit = (std::int64_t{1} << (p.value_bits - 1)) - 1;
  std::vector<std::int64_t> q(g.size());
  for (std::size_t j = 0; j < g.size(); ++j) {
    const double bound = std::ldexp(static_cast<double>(limit), -static_cast<int>(p.fractional_bits));
    q[j] = fp.to_int64(std::clamp(g[j], -bound, bound));
    q[j] = std::clamp(q[j], -limit, limit);
  }
  return q;
}

// w <- w - lr * (sum / 2^f) / rows.
inline void apply_step(std::vector<double>& w, const std::vector<std::int64_t>& sum, const Params& p,
                       std::size_t train_rows) {
  for (std::size_t j = 0; j < model_size; ++j) {
    const double g = std::ldexp(static_cast<double>(sum[j]), -static_cast<int>(p.fractional_bits));
    w[j] -= p.learning_rate * g / static_cast<double>(train_rows);
  }
}

inline double accuracy(const std::vector<double>& w, const std::vector<std::vector<double>>& x,
                       const std::vector<double>& y) {
  std::size_t right = 0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    const double predicted = dot(w, x[k]) >= 0.0 ? 1.0 : 0.0;
    if (predicted == y[k]) ++right;
  }
  return static_cast<double>(right) / static_cast<double>(x.size());
}

// Plaintext training for comparison: the same partition, (a) with the same
// fixed-point gradient sums the parties encrypt, and (b) in plain double
// precision without any rounding.
struct ReferenceRound {
  std::vector<std::int64_t> fixed_sum;  // what the secure aggregate must decrypt to
  std::vector<double> weights_fixed;    // weights after the step with fixed_sum
  std::vector<double> weights_float;    // weights of floating-point training
  double accuracy_float = 0.0;
};

inline std::vector<ReferenceRound> plaintext_training(const Split& s, const Params& p) {
  std::vector<ReferenceRound> out;
  std::vector<double> wq(model_size, 0.0), wf(model_size, 0.0);
  const std::size_t m = s.train_x.size();
  for (std::size_t r = 0; r < p.rounds; ++r) {
    ReferenceRound rr;
    rr.fixed_sum.assign(model_size, 0);
    std::vector<double> float_sum(model_size, 0.0);
    for (std::size_t i = 0; i < p.parties; ++i) {
      const auto [b, e] = party_rows(s, i, p.parties);
      const auto q = quantize(gradient_sum(s, wq, b, e), p);
      for (std::size_t j = 0; j < model_size; ++j) rr.fixed_sum[j] += q[j];
      const auto g = gradient_sum(s, wf, b, e);
      for (std::size_t j = 0; j < model_size; ++j) float_sum[j] += g[j];
    }
    apply_step(wq, rr.fixed_sum, p, m);
    for (std::size_t j = 0; j < model_size; ++j) wf[j] -= p.learning_rate * float_sum[j] / static_cast<double>(m);
    rr.weights_fixed = wq;
    rr.weights_float = wf;
    rr.accuracy_float = accuracy(wf, s.test_x, s.test_y);
    out.push_back(std::move(rr));
  }
  return out;
}

// ------------------------------------------------------------------ protocol

// Network layout: data party i is network party i and holds threshold key
// share i (one numbering: key share i belongs to network party i); the
// aggregator, which holds no key share, is network party N.
inline std::size_t aggregator_id(const Params& p) { return p.parties; }

// What every process must hold alike. service::agree compares them before
// the first round and names every process that differs.
inline privfin::service::Parameters agreed_parameters(const Params& p,
                                                      const privfin::he::ThresholdPaillierPublicKey& tpk) {
  privfin::service::Parameters a("privfin-ex02-gradient-aggregation", 1);
  a.set("data parties", static_cast<std::uint64_t>(p.parties))
      .set("threshold", static_cast<std::uint64_t>(p.threshold))
      .set("rounds", static_cast<std::uint64_t>(p.rounds))
      .set("learning rate", p.learning_rate)
      .set("fractional bits", static_cast<std::uint64_t>(p.fractional_bits))
      .set("value bits", static_cast<std::uint64_t>(p.value_bits))
      .set("split seed", std::to_string(p.split_seed))
      .set("test rows", static_cast<std::uint64_t>(p.test_rows))
      .set_bytes("threshold key id", tpk.key_id());
  return a;
}

inline privfin::he::PackedEncoding packing(const privfin::he::ThresholdPaillierPublicKey& tpk, const Params& p) {
  return privfin::he::PackedEncoding(tpk.paillier(), p.value_bits, p.parties);
}

// What one round produced, as every process computes it.
struct RoundOutcome {
  std::size_t round = 0;                    // 1-based
  std::vector<std::int64_t> aggregate;      // decrypted gradient sum
  std::vector<privfin::Rejection> rejected;  // every refused decryption share, by whom, why
  std::vector<std::size_t> used_parties;    // whose shares decrypted ciphertext 0
  std::vector<double> weights;              // after the step
  double accuracy = 0.0;                    // on the held-out rows
  std::uint64_t bytes = 0;                  // this process's traffic in the round
  double seconds = 0.0;                     // wall time of the round at this process
};

// Product of the ciphertext vectors, slot-wise: Enc(sum of the gradients).
inline std::vector<privfin::he::PaillierCiphertext> add_all(
    const privfin::he::PaillierPublicKey& pk, const std::vector<std::vector<privfin::he::PaillierCiphertext>>& v) {
  std::vector<privfin::he::PaillierCiphertext> sum = v.at(0);
  for (std::size_t i = 1; i < v.size(); ++i) {
    for (std::size_t k = 0; k < sum.size(); ++k) pk.add_inplace(sum[k], v[i][k]);
  }
  return sum;
}

// "-" or the rejected parties, "2" or "2,5".
inline std::string describe_rejections(const std::vector<privfin::Rejection>& rejected) {
  std::set<std::size_t> parties;
  for (const auto& r : rejected) {
    if (r.from) parties.insert(*r.from);
  }
  if (parties.empty()) return "-";
  std::string s;
  for (auto p : parties) {
    if (!s.empty()) s += ',';
    s += std::to_string(p);
  }
  return s;
}

// The largest encoding of `count` ciphertexts (ciphertexts_to_bytes):
// receivers bound messages by it before allocating.
inline std::size_t ciphertexts_bound(const privfin::he::PaillierPublicKey& pk, std::size_t count) {
  return 1 + 16 + 10 + count * pk.ciphertext_bytes();
}

// The data parties' side of steps 1-2: submit, then check the post.
inline std::vector<privfin::he::PaillierCiphertext> submit_and_check(
    privfin::net::Network& net, const Params& p, const privfin::he::PaillierPublicKey& pk,
    const std::vector<privfin::he::PaillierCiphertext>& mine) {
  const std::size_t agg = aggregator_id(p), cts = mine.size();
  net.send_message(agg, pk.ciphertexts_to_bytes(mine));
  const auto post = net.receive_message(agg, (p.parties + 1) * (10 + ciphertexts_bound(pk, cts)));
  std::vector<privfin::he::PaillierCiphertext> aggregate;
  std::vector<std::vector<privfin::he::PaillierCiphertext>> all;
  try {
    privfin::Reader r(post);
    aggregate = pk.ciphertexts_from_bytes(r.bytes("aggregate"), cts);
    for (std::size_t i = 0; i < p.parties; ++i) all.push_back(pk.ciphertexts_from_bytes(r.bytes("submission"), cts));
    r.expect_end("aggregate");
  } catch (const privfin::DecodeError& e) {
    throw privfin::ProtocolError(agg, std::string("malformed aggregate: ") + e.what());
  }
  for (const auto& g : all) {
    if (g.size() != cts) throw privfin::ProtocolError(agg, "a posted submission has the wrong size");
  }
  if (aggregate.size() != cts || all[net.party_id()] != mine) {
    throw privfin::ProtocolError(agg, "our encrypted gradient is missing from the posted submissions");
  }
  if (add_all(pk, all) != aggregate) {
    throw privfin::ProtocolError(agg, "the posted aggregate is not the sum of the posted submissions");
  }
  return aggregate;
}

// The aggregator's side of steps 1-2: collect, add, post.
inline std::vector<privfin::he::PaillierCiphertext> collect_and_post(privfin::net::Network& net, const Params& p,
                                                                     const privfin::he::PaillierPublicKey& pk,
                                                                     std::size_t cts) {
  std::vector<std::vector<privfin::he::PaillierCiphertext>> gradients(p.parties);
  for (std::size_t i = 0; i < p.parties; ++i) {
    const auto m = net.receive_message(i, ciphertexts_bound(pk, cts));
    try {
      gradients[i] = pk.ciphertexts_from_bytes(m, cts);
    } catch (const privfin::DecodeError& e) {
      throw privfin::ProtocolError(i, std::string("malformed encrypted gradient: ") + e.what());
    }
    if (gradients[i].size() != cts) {
      throw privfin::ProtocolError(i, "sent " + std::to_string(gradients[i].size()) + " ciphertexts, expected " +
                                          std::to_string(cts));
    }
  }
  auto aggregate = add_all(pk, gradients);
  privfin::Writer post;
  post.bytes(pk.ciphertexts_to_bytes(aggregate));
  for (const auto& g : gradients) post.bytes(pk.ciphertexts_to_bytes(g));
  for (std::size_t i = 0; i < p.parties; ++i) net.send_message(i, post.data());
  return aggregate;
}

inline void print_round(std::ostream& log, const RoundOutcome& o, const ReferenceRound* ref) {
  std::ostringstream line;
  line << std::setw(5) << o.round << "  " << std::fixed << std::setprecision(4) << std::setw(8) << o.accuracy;
  if (ref != nullptr) {
    double diff = 0.0;
    for (std::size_t j = 0; j < model_size; ++j) diff = std::max(diff, std::abs(o.weights[j] - ref->weights_float[j]));
    line << "  " << std::setw(9) << ref->accuracy_float << "  " << std::scientific << std::setprecision(2)
         << std::setw(14) << diff << "  " << std::setw(5) << (o.aggregate == ref->fixed_sum ? "yes" : "NO");
  } else {
    line << "  " << std::setw(9) << "-" << "  " << std::setw(14) << "-" << "  " << std::setw(5) << "-";
  }
  line << "  " << std::setw(8) << describe_rejections(o.rejected) << "  " << std::fixed << std::setprecision(1)
       << std::setw(12) << static_cast<double>(o.bytes) / 1024.0 << "  " << std::setprecision(0) << std::setw(8)
       << o.seconds * 1000.0 << "\n";
  for (const auto& rej : o.rejected) {
    line << "       party " << rej.from.value_or(0) << "'s decryption share rejected: " << rej.describe()
         << "; decrypted with parties";
    for (auto u : o.used_parties) line << " " << u;
    line << "\n";
  }
  log << line.str() << std::flush;
}

// Every process's loop. `key_share` is null at the aggregator. `log` and
// `reference` (aggregator only) print the per-round table.
inline std::vector<RoundOutcome> run_rounds(privfin::net::Network& net, const Params& p,
                                            const privfin::he::ThresholdPaillierPublicKey& tpk,
                                            const privfin::he::ThresholdPaillierKeyShare* key_share,
                                            const Split& split, privfin::Prg& prg, std::ostream* log,
                                            const std::vector<ReferenceRound>* reference) {
  p.check();
  const std::size_t me = net.party_id();
  const bool aggregator = me == aggregator_id(p);
  if (net.party_count() != p.parties + 1) throw privfin::InvalidArgument("the network must have N + 1 parties");
  if (tpk.parties() != p.parties || tpk.threshold() != p.threshold) {
    throw privfin::InvalidArgument("threshold key is for other (t, N) than the parameters");
  }
  // Decryption: the data parties decrypt, every process learns the sum. The
  // driver refuses at once a key share that is not this party's (another
  // owner's key-share file), before anything is sent.
  std::vector<std::size_t> decryptors(p.parties), outputs(p.parties + 1);
  std::iota(decryptors.begin(), decryptors.end(), std::size_t{0});
  std::iota(outputs.begin(), outputs.end(), std::size_t{0});
  std::optional<privfin::service::ThresholdDecryption> decryption;
  if (key_share != nullptr) {
    decryption.emplace(net, tpk, *key_share, decryptors, outputs);
  } else {
    decryption.emplace(net, tpk, decryptors, outputs);
  }
  privfin::service::agree(net, agreed_parameters(p, tpk));
  const auto& pk = tpk.paillier();
  const auto pack = packing(tpk, p);
  const std::size_t cts = pack.plaintexts_for(model_size);
  if (log != nullptr) {
    *log << "aggregator: " << p.parties << " data parties, threshold " << p.threshold << ", " << pk.modulus_bits()
         << "-bit modulus, " << pack.slots_per_plaintext() << " gradient values per ciphertext, " << cts
         << " ciphertext(s) per gradient\n"
         << "round  accuracy  plaintext  max|w-w_plain|  exact  rejected  traffic[KiB]  time[ms]\n";
  }
  std::pair<std::size_t, std::size_t> rows{0, 0};
  if (!aggregator) rows = party_rows(split, me, p.parties);
  std::vector<RoundOutcome> outcomes;
  std::vector<double> w(model_size, 0.0);
  for (std::size_t round = 1; round <= p.rounds; ++round) {
    const auto start = std::chrono::steady_clock::now();
    const auto before = net.total_counters();
    // 1-2. Encrypted gradients in, the aggregate and every submission out.
    const auto aggregate =
        aggregator ? collect_and_post(net, p, pk, cts)
                   : submit_and_check(net, p, pk, pack.encrypt(quantize(gradient_sum(split, w, rows.first, rows.second), p), prg));
    // 3. Threshold decryption with proofs; cheaters are named, not trusted.
    auto decrypted = decryption->decrypt(aggregate, prg);
    // 4. Decode and step: the same computation in every process.
    RoundOutcome o;
    o.round = round;
    o.aggregate = pack.decode(decrypted.plaintexts, model_size, p.parties);
    o.rejected = std::move(decrypted.rejected);
    o.used_parties = std::move(decrypted.used_parties);
    apply_step(w, o.aggregate, p, split.train_x.size());
    o.weights = w;
    o.accuracy = accuracy(w, split.test_x, split.test_y);
    net.flush();
    const auto after = net.total_counters();
    o.bytes = (after.bytes_sent - before.bytes_sent) + (after.bytes_received - before.bytes_received);
    o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (log != nullptr) {
      print_round(*log, o, reference != nullptr && round <= reference->size() ? &(*reference)[round - 1] : nullptr);
    }
    outcomes.push_back(std::move(o));
  }
  return outcomes;
}

// The aggregator (network party N): holds no key share; evaluates the public
// model on the held-out rows and, given `reference`, prints the comparison
// with plaintext training.
inline std::vector<RoundOutcome> run_aggregator(privfin::net::Network& net, const Params& p,
                                                const privfin::he::ThresholdPaillierPublicKey& tpk,
                                                const Split& split, const std::vector<ReferenceRound>* reference,
                                                std::ostream& log) {
  if (net.party_id() != aggregator_id(p)) throw privfin::InvalidArgument("the aggregator is network party N");
  privfin::Prg unused(privfin::Prg::Seed{});  // the aggregator makes no proofs and encrypts nothing
  return run_rounds(net, p, tpk, nullptr, split, unused, &log, reference);
}

// Data party i (network party i, key share i). `cheat` makes it decrypt with
// a corrupted key share (a random secret under its own id), as a lying or
// broken party would: its proofs fail and every process names it.
inline std::vector<RoundOutcome> run_data_party(privfin::net::Network& net, const Params& p,
                                                const privfin::he::ThresholdPaillierPublicKey& tpk,
                                                const privfin::he::ThresholdPaillierKeyShare& key_share,
                                                const Split& split, bool cheat, privfin::Prg& prg) {
  if (net.party_id() >= p.parties) throw privfin::InvalidArgument("a data party is network party 0..N-1");
  if (!cheat) return run_rounds(net, p, tpk, &key_share, split, prg, nullptr, nullptr);
  const privfin::he::ThresholdPaillierKeyShare lying(key_share.party(),
                                                     privfin::bigint::random_below(tpk.paillier().n_squared(), prg));
  return run_rounds(net, p, tpk, &lying, split, prg, nullptr, nullptr);
}

// ------------------------------------------------------------------ files

inline std::filesystem::path public_key_file(const std::filesystem::path& dir) { return dir / "threshold.pub"; }
inline std::filesystem::path key_share_file(const std::filesystem::path& dir, std::size_t party) {
  return dir / ("keyshare" + std::to_string(party) + ".key");
}

// The dealer's step: the threshold public key and each party's key share
// (a service key file, mode 0600, in the clear for the demo: pass a
// passphrase in KeyFileOptions to encrypt it) into `dir`.
inline void write_threshold_keys(const std::filesystem::path& dir, const privfin::he::ThresholdPaillierKeys& keys,
                                 privfin::Prg& prg) {
  std::filesystem::create_directories(dir);
  const auto pub = keys.public_key.to_bytes();
  std::ofstream out(public_key_file(dir), std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(pub.data()), static_cast<std::streamsize>(pub.size()));
  if (!out) throw privfin::InvalidArgument("cannot write " + public_key_file(dir).string());
  for (const auto& share : keys.shares) {
    privfin::service::save_key_file(key_share_file(dir, share.party()), share, keys.public_key, {}, prg);
  }
}

inline privfin::he::ThresholdPaillierPublicKey load_public_key(const std::filesystem::path& dir) {
  std::ifstream in(public_key_file(dir), std::ios::binary);
  std::ostringstream bytes;
  if (!in || !(bytes << in.rdbuf())) throw privfin::InvalidArgument("cannot read " + public_key_file(dir).string());
  return privfin::he::ThresholdPaillierPublicKey::from_bytes(privfin::as_bytes(bytes.view()));
}

inline privfin::he::ThresholdPaillierKeyShare load_key_share(const std::filesystem::path& dir, std::size_t party,
                                                            const privfin::he::ThresholdPaillierPublicKey& tpk) {
  return privfin::service::load_threshold_paillier_key_share(key_share_file(dir, party), tpk);
}

// Two safe primes in hex, one per line ('#' starts a comment line).
inline std::pair<mpz_class, mpz_class> load_safe_primes(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw privfin::InvalidArgument("cannot open " + file.string());
  std::vector<mpz_class> primes;
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    mpz_class v;
    if (v.set_str(line, 16) != 0) throw privfin::DecodeError(file.string() + ": not a hex number: " + line.substr(0, 16));
    primes.push_back(v);
  }
  if (primes.size() != 2) throw privfin::DecodeError(file.string() + ": expected two primes");
  return {primes[0], primes[1]};
}

// The per-round report line the aggregator's --report file holds:
// round accuracy reference_accuracy max_weight_diff exact rejected bytes ms
inline void write_report(std::ostream& out, const std::vector<RoundOutcome>& outcomes,
                         const std::vector<ReferenceRound>& reference) {
  for (const auto& o : outcomes) {
    const auto& ref = reference.at(o.round - 1);
    double diff = 0.0;
    for (std::size_t j = 0; j < model_size; ++j) diff = std::max(diff, std::abs(o.weights[j] - ref.weights_float[j]));
    out << o.round << " " << std::setprecision(17) << o.accuracy << " " << ref.accuracy_float << " " << diff << " "
        << (o.aggregate == ref.fixed_sum && o.weights == ref.weights_fixed ? 1 : 0) << " "
        << describe_rejections(o.rejected) << " " << o.bytes << " " << o.seconds * 1000.0 << "\n";
  }
}

}  // namespace ex02
