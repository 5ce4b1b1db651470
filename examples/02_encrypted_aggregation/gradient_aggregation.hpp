// gradient_aggregation.hpp — Example 02: N parties train one logistic-
// regression model on their private rows; an untrusted aggregator adds up
// their Paillier-encrypted gradients, and the parties decrypt only the sum,
// with threshold Paillier and publicly verifiable decryption shares. This is
// the aggregation step of DeepChain (Weng et al., "DeepChain: Auditable and
// Privacy-Preserving Deep Learning with Blockchain-based Incentive", IEEE
// TDSC 2019), built from privfin's public headers only.
//
// Who is who on the Network: party 0 is the aggregator, parties 1..N hold
// data and one threshold key share each (share i belongs to network party i).
// Every round (see README.md for the message flow):
//   1. each data party computes the gradient sum over its rows for the
//      current public weights, rounds it to fixed point, packs the 31
//      integers into as few Paillier plaintexts as fit, encrypts, and sends
//      the ciphertexts to the aggregator;
//   2. the aggregator multiplies them slot-wise (= adds the gradients) and
//      posts the aggregate together with every submission, so each party can
//      check that its own ciphertexts are in and that the aggregate is their
//      sum;
//   3. every data party sends a decryption share of each aggregate
//      ciphertext, with its DLEQ proof, to the aggregator, which posts all of
//      them; everyone (aggregator and parties) verifies every share, names the
//      parties whose shares fail, and combines t valid ones;
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

#include <privfin/core/bytes.hpp>
#include <privfin/core/codec.hpp>
#include <privfin/core/error.hpp>
#include <privfin/core/prg.hpp>
#include <privfin/he/encoding.hpp>
#include <privfin/he/paillier.hpp>
#include <privfin/he/threshold_paillier.hpp>
#include <privfin/net/network.hpp>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
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

// The training parameters; every process must use the same (the aggregator
// sends its own at the start and each party refuses to run with others).
struct Params {
  static constexpr std::uint8_t format_version = 1;

  std::size_t parties = 4;           // data parties N (network parties 1..N)
  std::size_t threshold = 3;         // t shares decrypt
  std::size_t rounds = 10;           // full-batch gradient steps
  double learning_rate = 0.5;
  std::size_t fractional_bits = 16;  // fixed-point scale 2^f for gradient sums
  std::size_t value_bits = 28;       // packed slot value range [-2^(b-1), 2^(b-1))
  std::uint64_t split_seed = 1;      // fixed shuffle of the rows into train/test
  std::size_t test_rows = 114;       // held-out rows (20 %) for the accuracy figures

  void write(privfin::Writer& w) const {
    w.version(format_version)
        .varint(parties)
        .varint(threshold)
        .varint(rounds)
        .u64(std::bit_cast<std::uint64_t>(learning_rate))
        .varint(fractional_bits)
        .varint(value_bits)
        .u64(split_seed)
        .varint(test_rows);
  }
  [[nodiscard]] static Params read(privfin::Reader& r) {
    r.expect_version(format_version, "training parameters");
    Params p;
    p.parties = r.length("parties", 256);
    p.threshold = r.length("threshold", 256);
    p.rounds = r.length("rounds", 1'000'000);
    p.learning_rate = std::bit_cast<double>(r.u64("learning rate"));
    p.fractional_bits = r.length("fractional bits", 62);
    p.value_bits = r.length("value bits", 62);
    p.split_seed = r.u64("split seed");
    p.test_rows = r.length("test rows", 1'000'000);
    return p;
  }
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

// Data party i (1..N) holds training rows [begin, end) of the split.
inline std::pair<std::size_t, std::size_t> party_rows(const Split& s, std::size_t party, std::size_t parties) {
  const std::size_t m = s.train_x.size();
  return {(party - 1) * m / parties, party * m / parties};
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
    for (std::size_t i = 1; i <= p.parties; ++i) {
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

inline constexpr std::uint8_t message_version = 1;

inline privfin::he::PackedEncoding packing(const privfin::he::ThresholdPaillierPublicKey& tpk, const Params& p) {
  return privfin::he::PackedEncoding(tpk.paillier(), p.value_bits, p.parties);
}

// What one round produced, as every process computes it.
struct RoundOutcome {
  std::size_t round = 0;  // 1-based
  std::vector<std::int64_t> aggregate;             // decrypted gradient sum
  std::vector<privfin::he::ShareRejection> rejected;  // one entry per rejected party
  std::vector<std::size_t> used_parties;           // whose shares decrypted ciphertext 0
  std::vector<double> weights;                     // after the step
  double accuracy = 0.0;                           // on the held-out rows
  std::uint64_t bytes = 0;                         // this process's traffic in the round
  double seconds = 0.0;                            // wall time of the round at this process
};

inline void write_header(privfin::Writer& w, std::size_t round) {
  w.version(message_version).u32(static_cast<std::uint32_t>(round));
}

inline void read_header(privfin::Reader& r, std::size_t round, std::size_t from, const char* what) {
  const auto v = r.u8("version");
  if (v != message_version) {
    throw privfin::ProtocolError(from, std::string(what) + ": unsupported version " + std::to_string(v));
  }
  const auto got = r.u32("round");
  if (got != round) {
    throw privfin::ProtocolError(from, std::string(what) + " for round " + std::to_string(got) +
                                           ", expected round " + std::to_string(round));
  }
}

// Product of the ciphertext vectors, slot-wise: Enc(sum of the gradients).
inline std::vector<privfin::he::PaillierCiphertext> add_all(
    const privfin::he::PaillierPublicKey& pk, const std::vector<std::vector<privfin::he::PaillierCiphertext>>& v) {
  std::vector<privfin::he::PaillierCiphertext> sum = v.at(0);
  for (std::size_t i = 1; i < v.size(); ++i) {
    for (std::size_t k = 0; k < sum.size(); ++k) pk.add_inplace(sum[k], v[i][k]);
  }
  return sum;
}

// Verifies every posted share of every aggregate ciphertext and combines.
// Shares are indexed [party - 1][ciphertext]; a party whose submission was
// malformed has an empty entry and is named with `malformed[party]`.
inline RoundOutcome combine_round(const privfin::he::ThresholdPaillierPublicKey& tpk, const Params& p,
                                  const std::vector<privfin::he::PaillierCiphertext>& aggregate,
                                  const std::vector<std::vector<privfin::he::DecryptionShare>>& shares,
                                  const std::map<std::size_t, std::string>& malformed) {
  RoundOutcome out;
  std::map<std::size_t, std::string> rejected(malformed.begin(), malformed.end());
  std::vector<mpz_class> plaintexts;
  for (std::size_t k = 0; k < aggregate.size(); ++k) {
    std::vector<privfin::he::DecryptionShare> for_k;
    for (std::size_t i = 0; i < shares.size(); ++i) {
      if (!shares[i].empty()) for_k.push_back(shares[i][k]);
    }
    if (for_k.size() < tpk.threshold()) {
      const std::size_t first = rejected.empty() ? 0 : rejected.begin()->first;
      throw privfin::ProtocolError(first, "only " + std::to_string(for_k.size()) +
                                              " well-formed decryption shares, threshold is " +
                                              std::to_string(tpk.threshold()));
    }
    auto result = tpk.combine(aggregate[k], for_k);  // ProtocolError if fewer than t verify
    for (auto& rej : result.rejected) rejected.emplace(rej.party, "ciphertext " + std::to_string(k) + ": " + rej.reason);
    if (k == 0) out.used_parties = result.used_parties;
    plaintexts.push_back(std::move(result.plaintext));
  }
  for (auto& [party, reason] : rejected) out.rejected.push_back({party, reason});
  out.aggregate = packing(tpk, p).decode(plaintexts, model_size, p.parties);
  return out;
}

// Reads a party's decryption-share message: one share per aggregate
// ciphertext, each naming the sender. Returns the reason it is unusable.
inline std::optional<std::string> parse_shares(const privfin::he::ThresholdPaillierPublicKey& tpk,
                                               privfin::ByteView bytes, std::size_t sender, std::size_t round,
                                               std::size_t ciphertexts,
                                               std::vector<privfin::he::DecryptionShare>& out) {
  out.clear();
  try {
    privfin::Reader r(bytes);
    read_header(r, round, sender, "decryption shares");
    const std::size_t count = r.length("share count", 1024);
    if (count != ciphertexts) {
      return "sent " + std::to_string(count) + " shares for " + std::to_string(ciphertexts) + " ciphertexts";
    }
    for (std::size_t k = 0; k < count; ++k) {
      auto share = tpk.share_from_bytes(r.bytes("share", 1U << 20));
      if (share.party != sender) {
        out.clear();
        return "share claims party " + std::to_string(share.party);
      }
      out.push_back(std::move(share));
    }
    r.expect_end("decryption shares");
  } catch (const privfin::Error& e) {
    out.clear();
    return std::string("malformed shares: ") + e.what();
  }
  return std::nullopt;
}

inline std::string describe_rejections(const std::vector<privfin::he::ShareRejection>& rejected) {
  if (rejected.empty()) return "-";
  std::string s;
  for (const auto& r : rejected) {
    if (!s.empty()) s += ",";
    s += std::to_string(r.party);
  }
  return s;
}

// The aggregator (network party 0). It holds no key share; it evaluates the
// public model on the held-out rows, and when `reference` is given also
// prints the plaintext comparison. Returns every round's outcome.
inline std::vector<RoundOutcome> run_aggregator(privfin::net::Network& net, const Params& p,
                                                const privfin::he::ThresholdPaillierPublicKey& tpk,
                                                const Split& split, const std::vector<ReferenceRound>* reference,
                                                std::ostream& log) {
  using privfin::he::PaillierCiphertext;
  p.check();
  if (net.party_id() != 0 || net.party_count() != p.parties + 1) {
    throw privfin::InvalidArgument("the aggregator is network party 0 of N + 1");
  }
  if (tpk.parties() != p.parties || tpk.threshold() != p.threshold) {
    throw privfin::InvalidArgument("threshold key is for other (t, N) than the parameters");
  }
  const auto& pk = tpk.paillier();
  const auto pack = packing(tpk, p);
  const std::size_t cts = pack.plaintexts_for(model_size);
  {
    privfin::Writer w;
    p.write(w);
    w.raw(tpk.key_id());
    for (std::size_t i = 1; i <= p.parties; ++i) net.send_message(i, w.data());
  }
  log << "aggregator: " << p.parties << " data parties, threshold " << p.threshold << ", " << pk.modulus_bits()
      << "-bit modulus, " << pack.slots_per_plaintext() << " gradient values per ciphertext, " << cts
      << " ciphertext(s) per gradient\n";
  log << "round  accuracy  plaintext  max|w-w_plain|  exact  rejected  traffic[KiB]  time[ms]\n";
  std::vector<RoundOutcome> outcomes;
  std::vector<double> w(model_size, 0.0);
  for (std::size_t round = 1; round <= p.rounds; ++round) {
    const auto start = std::chrono::steady_clock::now();
    const auto before = net.total_counters();
    // 1. Collect the encrypted gradients.
    std::vector<privfin::Bytes> submissions(p.parties);
    std::vector<std::vector<PaillierCiphertext>> gradients(p.parties);
    for (std::size_t i = 1; i <= p.parties; ++i) {
      submissions[i - 1] = net.receive_message(i);
      privfin::Reader r(submissions[i - 1]);
      read_header(r, round, i, "encrypted gradient");
      try {
        gradients[i - 1] = pk.ciphertexts_from_bytes(r.bytes("ciphertexts"), cts);
        r.expect_end("encrypted gradient");
      } catch (const privfin::Error& e) {
        throw privfin::ProtocolError(i, std::string("malformed encrypted gradient: ") + e.what());
      }
      if (gradients[i - 1].size() != cts) {
        throw privfin::ProtocolError(i, "sent " + std::to_string(gradients[i - 1].size()) + " ciphertexts, expected " +
                                            std::to_string(cts));
      }
    }
    // 2. Aggregate and post the aggregate with every submission.
    const auto aggregate = add_all(pk, gradients);
    {
      privfin::Writer msg;
      write_header(msg, round);
      msg.bytes(pk.ciphertexts_to_bytes(aggregate));
      for (const auto& g : gradients) msg.bytes(pk.ciphertexts_to_bytes(g));
      for (std::size_t i = 1; i <= p.parties; ++i) net.send_message(i, msg.data());
    }
    // 3. Collect the decryption shares and post them all.
    std::vector<std::vector<privfin::he::DecryptionShare>> shares(p.parties);
    std::map<std::size_t, std::string> malformed;
    std::vector<privfin::Bytes> raw(p.parties);
    for (std::size_t i = 1; i <= p.parties; ++i) {
      raw[i - 1] = net.receive_message(i);
      if (auto problem = parse_shares(tpk, raw[i - 1], i, round, cts, shares[i - 1])) malformed.emplace(i, *problem);
    }
    {
      privfin::Writer msg;
      write_header(msg, round);
      for (const auto& m : raw) msg.bytes(m);
      for (std::size_t i = 1; i <= p.parties; ++i) net.send_message(i, msg.data());
    }
    // 4. Verify, combine, decode, step: the same computation as every party.
    RoundOutcome o = combine_round(tpk, p, aggregate, shares, malformed);
    o.round = round;
    apply_step(w, o.aggregate, p, split.train_x.size());
    o.weights = w;
    o.accuracy = accuracy(w, split.test_x, split.test_y);
    net.flush();
    const auto after = net.total_counters();
    o.bytes = (after.bytes_sent - before.bytes_sent) + (after.bytes_received - before.bytes_received);
    o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    std::ostringstream line;
    line << std::setw(5) << round << "  " << std::fixed << std::setprecision(4) << std::setw(8) << o.accuracy;
    if (reference != nullptr && round <= reference->size()) {
      const auto& ref = (*reference)[round - 1];
      double diff = 0.0;
      for (std::size_t j = 0; j < model_size; ++j) diff = std::max(diff, std::abs(w[j] - ref.weights_float[j]));
      line << "  " << std::setw(9) << ref.accuracy_float << "  " << std::scientific << std::setprecision(2)
           << std::setw(14) << diff << "  " << std::setw(5) << (o.aggregate == ref.fixed_sum ? "yes" : "NO");
    } else {
      line << "  " << std::setw(9) << "-" << "  " << std::setw(14) << "-" << "  " << std::setw(5) << "-";
    }
    line << "  " << std::setw(8) << describe_rejections(o.rejected) << "  " << std::fixed << std::setprecision(1)
         << std::setw(12) << static_cast<double>(o.bytes) / 1024.0 << "  " << std::setprecision(0) << std::setw(8)
         << o.seconds * 1000.0 << "\n";
    log << line.str();
    for (const auto& rej : o.rejected) {
      log << "       party " << rej.party << "'s decryption share rejected (" << rej.reason
          << "); decrypted with parties";
      for (auto u : o.used_parties) log << " " << u;
      log << "\n";
    }
    log.flush();
    outcomes.push_back(std::move(o));
  }
  return outcomes;
}

// Data party i (network party i = threshold key share i). `cheat` makes it
// submit a wrong decryption share every round (its value times (1 + n),
// which would shift the decrypted sum if it were accepted): the
// demonstration of a lying party being named.
inline std::vector<RoundOutcome> run_data_party(privfin::net::Network& net, const Params& p,
                                                const privfin::he::ThresholdPaillierPublicKey& tpk,
                                                const privfin::he::ThresholdPaillierKeyShare& key_share,
                                                const Split& split, bool cheat, privfin::Prg& prg) {
  using privfin::he::PaillierCiphertext;
  p.check();
  const std::size_t me = net.party_id();
  if (me < 1 || me > p.parties || net.party_count() != p.parties + 1) {
    throw privfin::InvalidArgument("a data party is network party 1..N of N + 1");
  }
  if (key_share.party() != me) {
    throw privfin::InvalidArgument("key share " + std::to_string(key_share.party()) + " given to party " +
                                   std::to_string(me));
  }
  const auto& pk = tpk.paillier();
  {
    const auto hello = net.receive_message(0);
    privfin::Reader r(hello);
    Params theirs;
    try {
      theirs = Params::read(r);
      const auto id = r.raw(tpk.key_id().size(), "key id");
      r.expect_end("parameters");
      if (!std::equal(id.begin(), id.end(), tpk.key_id().begin())) {
        throw privfin::ProtocolError(0, "the aggregator uses another threshold key");
      }
    } catch (const privfin::DecodeError& e) {
      throw privfin::ProtocolError(0, std::string("malformed parameters: ") + e.what());
    }
    if (!(theirs == p)) throw privfin::ProtocolError(0, "the aggregator's training parameters differ from ours");
  }
  const auto pack = packing(tpk, p);
  const std::size_t cts = pack.plaintexts_for(model_size);
  const auto [begin, end] = party_rows(split, me, p.parties);
  std::vector<RoundOutcome> outcomes;
  std::vector<double> w(model_size, 0.0);
  for (std::size_t round = 1; round <= p.rounds; ++round) {
    const auto start = std::chrono::steady_clock::now();
    const auto before = net.total_counters();
    // 1. Encrypt and submit the local gradient sum.
    const auto mine = pack.encrypt(quantize(gradient_sum(split, w, begin, end), p), prg);
    {
      privfin::Writer wr;
      write_header(wr, round);
      wr.bytes(pk.ciphertexts_to_bytes(mine));
      net.send_message(0, wr.data());
    }
    // 2. Check the posted aggregate.
    std::vector<PaillierCiphertext> aggregate;
    {
      const auto board = net.receive_message(0);
      privfin::Reader r(board);
      read_header(r, round, 0, "aggregate");
      std::vector<std::vector<PaillierCiphertext>> all;
      try {
        aggregate = pk.ciphertexts_from_bytes(r.bytes("aggregate"), cts);
        for (std::size_t i = 1; i <= p.parties; ++i) all.push_back(pk.ciphertexts_from_bytes(r.bytes("submission"), cts));
        r.expect_end("aggregate");
      } catch (const privfin::Error& e) {
        throw privfin::ProtocolError(0, std::string("malformed aggregate: ") + e.what());
      }
      if (aggregate.size() != cts || all[me - 1] != mine) {
        throw privfin::ProtocolError(0, "our encrypted gradient is missing from the posted submissions");
      }
      for (const auto& g : all) {
        if (g.size() != cts) throw privfin::ProtocolError(0, "a posted submission has the wrong size");
      }
      if (add_all(pk, all) != aggregate) {
        throw privfin::ProtocolError(0, "the posted aggregate is not the sum of the posted submissions");
      }
    }
    // 3. Decryption shares with proofs.
    {
      privfin::Writer wr;
      write_header(wr, round);
      wr.varint(cts);
      for (const auto& c : aggregate) {
        auto share = key_share.decrypt_share(tpk, c, prg);
        if (cheat) share.value = (share.value * (pk.n() + 1)) % pk.n_squared();
        wr.bytes(tpk.share_to_bytes(share));
      }
      net.send_message(0, wr.data());
    }
    // 4. Verify everyone's shares, combine, decode, step.
    std::vector<std::vector<privfin::he::DecryptionShare>> shares(p.parties);
    std::map<std::size_t, std::string> malformed;
    {
      const auto board = net.receive_message(0);
      privfin::Reader r(board);
      read_header(r, round, 0, "decryption shares");
      try {
        for (std::size_t i = 1; i <= p.parties; ++i) {
          const auto raw = r.bytes("party shares", 1U << 24);
          if (auto problem = parse_shares(tpk, raw, i, round, cts, shares[i - 1])) malformed.emplace(i, *problem);
        }
        r.expect_end("decryption shares");
      } catch (const privfin::DecodeError& e) {
        throw privfin::ProtocolError(0, std::string("malformed share board: ") + e.what());
      }
    }
    RoundOutcome o = combine_round(tpk, p, aggregate, shares, malformed);
    o.round = round;
    apply_step(w, o.aggregate, p, split.train_x.size());
    o.weights = w;
    o.accuracy = accuracy(w, split.test_x, split.test_y);
    const auto after = net.total_counters();
    o.bytes = (after.bytes_sent - before.bytes_sent) + (after.bytes_received - before.bytes_received);
    o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    outcomes.push_back(std::move(o));
  }
  return outcomes;
}

// ------------------------------------------------------------------ files

// The whole file into a buffer that wipes itself (key shares pass through it).
inline privfin::SecretBytes read_file(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  std::ifstream in(file, std::ios::binary);
  if (ec || !in) throw privfin::InvalidArgument("cannot open " + file.string());
  if (size > (std::uintmax_t{1} << 26)) throw privfin::InvalidArgument(file.string() + " is too large");
  privfin::SecretBytes out(static_cast<std::size_t>(size));
  in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(out.size()));
  if (in.gcount() != static_cast<std::streamsize>(out.size())) {
    throw privfin::InvalidArgument("cannot read " + file.string());
  }
  return out;
}

inline void write_file(const std::filesystem::path& file, privfin::ByteView bytes, bool secret) {
  std::filesystem::remove(file);
  {
    std::ofstream touch(file, std::ios::binary);
    if (!touch) throw privfin::InvalidArgument("cannot write " + file.string());
  }
  if (secret) {
    std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace);
  }
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw privfin::InvalidArgument("cannot write " + file.string());
}

inline std::filesystem::path public_key_file(const std::filesystem::path& dir) { return dir / "threshold.pub"; }
inline std::filesystem::path key_share_file(const std::filesystem::path& dir, std::size_t party) {
  return dir / ("keyshare" + std::to_string(party) + ".bin");
}

// The dealer's step: writes the threshold public key and each party's key
// share (mode 0600) into `dir`.
inline void write_threshold_keys(const std::filesystem::path& dir, const privfin::he::ThresholdPaillierKeys& keys) {
  std::filesystem::create_directories(dir);
  write_file(public_key_file(dir), keys.public_key.to_bytes(), false);
  for (const auto& share : keys.shares) {
    const auto bytes = share.to_bytes(keys.public_key);
    write_file(key_share_file(dir, share.party()), bytes.view(), true);
  }
}

inline privfin::he::ThresholdPaillierPublicKey load_public_key(const std::filesystem::path& dir) {
  return privfin::he::ThresholdPaillierPublicKey::from_bytes(read_file(public_key_file(dir)).view());
}

inline privfin::he::ThresholdPaillierKeyShare load_key_share(const std::filesystem::path& dir, std::size_t party,
                                                            const privfin::he::ThresholdPaillierPublicKey& tpk) {
  const privfin::SecretBytes bytes = read_file(key_share_file(dir, party));
  return privfin::he::ThresholdPaillierKeyShare::from_bytes(bytes.view(), tpk);
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
