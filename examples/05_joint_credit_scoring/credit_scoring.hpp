// Example 05: joint credit scoring (README.md). Three banks train one
// logistic regression on their combined customers without pooling them,
// reveal the model only to the banks the configuration names, and score
// new applicants against the shared model without showing them.
// Everything here is the example's; the model and the protocol are
// privfin::ml and privfin::mpc.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/ml/dataset.hpp"
#include "privfin/ml/logistic_regression.hpp"
#include "privfin/mpc/rep3.hpp"
#include "privfin/net/network.hpp"
#include "privfin/service/agreement.hpp"

namespace ex05 {

using privfin::InvalidArgument;
using R = privfin::Z2k<64>;
inline constexpr unsigned F = 16;
inline constexpr std::size_t banks = 3;
inline const char* const bank_names[banks] = {"Alder Bank", "Birch Savings", "Cedar Credit Union"};

// Public ranges of the applicant features (agreed, not learned from anyone's data).
struct Feature {
  const char* name;
  double lo, hi;
};
inline constexpr Feature features[] = {
    {"income_keur", 10, 200},      {"debt_to_income", 0, 1.5},  {"years_employed", 0, 40},
    {"late_payments_2y", 0, 10},   {"utilisation", 0, 1},       {"loan_keur", 1, 500},
    {"age", 18, 90},               {"open_loans", 0, 12},       {"savings_keur", 0, 300},
    {"homeowner", 0, 1},           {"prior_default", 0, 1},     {"months_at_address", 0, 360}};
inline constexpr std::size_t feature_count = std::size(features);
// The Adult-shaped alternative (--adult-shape): UCI Adult's 124 binary
// columns (ml::synthetic_binary), for the per-instance figure.
inline constexpr std::size_t adult_features = 124;

struct Options {
  std::size_t rows = 4000;        // training customers per bank
  std::size_t applicants = 1000;  // new applicants per bank
  std::size_t epochs = 2;
  std::size_t batch = 128;
  int learning_log2 = 1;
  std::uint64_t seed = 2026;      // the synthetic data (public in the demo, see README)
  std::set<std::size_t> reveal_to{0};  // banks that learn the model
  double bound_points = 0.5;      // largest accepted accuracy gap to the plaintext model
  bool adult_shape = false;       // ml::synthetic_binary with 124 features instead of the credit features

  [[nodiscard]] std::size_t feature_count() const { return adult_shape ? adult_features : ex05::feature_count; }
};

// Bank `bank`'s customers (part 0) or applicants (part 1): raw features
// scaled into [0, 1] by the public ranges; label 1 = repaid (approve).
inline privfin::ml::Dataset bank_data(const Options& o, std::size_t bank, int part) {
  if (o.adult_shape) {
    // One synthetic population: the banks' customers first, then their applicants.
    const auto all = privfin::ml::synthetic_binary(banks * (o.rows + o.applicants), adult_features, o.seed);
    const std::size_t n = part == 0 ? o.rows : o.applicants;
    const std::size_t first = part == 0 ? bank * o.rows : banks * o.rows + bank * o.applicants;
    return privfin::ml::split_rows(privfin::ml::split_rows(all, first).second, n).first;
  }
  privfin::Prg::Seed s{};
  for (std::size_t i = 0; i < 8; ++i) s[i] = static_cast<std::byte>((o.seed >> (8 * i)) & 0xFFU);
  s[8] = static_cast<std::byte>(bank);
  s[9] = static_cast<std::byte>(part);
  privfin::Prg prg(s);
  auto unit = [&] { return static_cast<double>(prg.next_u64() >> 11) * 0x1p-53; };
  const std::size_t n = part == 0 ? o.rows : o.applicants;
  privfin::ml::Dataset d;
  d.rows = n;
  d.features = feature_count;
  for (const auto& f : features) d.names.emplace_back(f.name);
  for (std::size_t r = 0; r < n; ++r) {
    // Each bank has its own clientele: bank 1 lends to younger, bank 2 to wealthier customers.
    const double income = 10 + 190 * std::pow(unit(), bank == 2 ? 0.8 : 1.6);
    const double dti = std::min(1.5, 0.6 * unit() + 0.5 * unit() * unit());
    const double age = 18 + (bank == 1 ? 30 : 60) * unit();
    const double years = std::min(40.0, std::max(0.0, (age - 18) * unit()));
    const double late = std::floor(std::min(10.0, -2.0 * std::log(1.0 - unit()) * (dti + 0.2)));
    const double util = unit();
    const double loan = 1 + 499 * unit() * unit();
    const double open = std::floor(12 * unit() * unit());
    const double savings = std::min(300.0, income * 1.5 * unit());
    const double home = unit() < 0.2 + income / 400 ? 1 : 0;
    const double prior = unit() < 0.05 + 0.03 * late ? 1 : 0;
    const double months = 360 * unit();
    const double raw[feature_count] = {income, dti, years, late, util, loan, age, open, savings, home, prior, months};
    // The hidden truth: repayment odds.
    const double z = 0.9 + 0.012 * income - 2.8 * dti + 0.03 * years - 0.35 * late - 1.1 * util - 0.003 * loan +
                     0.3 * home - 1.6 * prior + 0.004 * savings + 0.8 * (unit() - 0.5);
    d.y.push_back(unit() < 1.0 / (1.0 + std::exp(-1.5 * z)) ? 1 : 0);
    for (std::size_t f = 0; f < feature_count; ++f) {
      d.x.push_back(std::clamp((raw[f] - features[f].lo) / (features[f].hi - features[f].lo), 0.0, 1.0));
    }
  }
  return d;
}

inline privfin::ml::LogisticOptions training_options(const Options& o) {
  return {.epochs = o.epochs, .batch = o.batch, .learning_log2 = o.learning_log2};
}

inline privfin::service::Parameters parameters(const Options& o) {
  privfin::service::Parameters p("joint-credit-scoring", 1);
  std::string reveal;
  for (std::size_t b : o.reveal_to) {
    if (!reveal.empty()) reveal.push_back(',');
    reveal.append(std::to_string(b));
  }
  p.set("rows per bank", static_cast<std::uint64_t>(o.rows))
      .set("applicants per bank", static_cast<std::uint64_t>(o.applicants))
      .set("epochs", static_cast<std::uint64_t>(o.epochs))
      .set("batch", static_cast<std::uint64_t>(o.batch))
      .set("learning rate log2", std::int64_t{o.learning_log2})
      .set("features", static_cast<std::uint64_t>(o.feature_count()))
      .set("fractional bits", std::uint64_t{F})
      .set("model revealed to", reveal)
      .set("data seed", o.seed);
  return p;
}

// The plaintext fixed-point model on everybody's data: a DEMONSTRATION AID
// (the synthetic data is regenerated from the public seed); no real bank
// could compute it.
inline std::vector<R> plaintext_model(const Options& o) {
  std::vector<R> x, y;
  for (std::size_t b = 0; b < banks; ++b) {
    const auto d = bank_data(o, b, 0);
    const auto xe = privfin::ml::encode_features<F>(d), ye = privfin::ml::encode_labels<F>(d);
    x.insert(x.end(), xe.begin(), xe.end());
    y.insert(y.end(), ye.begin(), ye.end());
  }
  return privfin::ml::train_logistic_reference<F>(x, y, banks * o.rows, o.feature_count(), training_options(o));
}

struct Outcome {
  double input_seconds = 0, train_seconds = 0, score_seconds = 0;
  privfin::net::PeerCounters traffic;
  std::vector<R> model;              // empty unless revealed to this bank
  std::vector<R> approvals;          // this bank's applicants: 1 approve, 0 decline
  double accuracy = 0, plaintext_accuracy = 0;
  std::size_t agreeing = 0;          // predictions equal to the plaintext model's
};

// One bank's whole run on its network (parties 0..2 are the three banks).
inline Outcome run_bank(privfin::net::Network& net, const Options& o, privfin::Prg& prg) {
  using namespace privfin;
  if (net.party_count() != banks) throw InvalidArgument("example 05 runs with exactly 3 banks");
  for (std::size_t b : o.reveal_to) {
    if (b >= banks) throw InvalidArgument("--reveal-to names bank " + std::to_string(b) + ", not one of 0, 1, 2");
  }
  service::agree(net, parameters(o));
  const std::size_t me = net.party_id();
  const auto mine = bank_data(o, me, 0);
  const auto applicants = bank_data(o, me, 1);
  Outcome out;
  net.reset_counters();
  mpc::Rep3 p(net, prg);
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<std::size_t> counts(banks, o.rows);
  const std::size_t d = o.feature_count();
  const auto x = ml::share_rows(p, counts, ml::encode_features<F>(mine), d);
  const auto y = ml::share_rows(p, counts, ml::encode_labels<F>(mine), 1);
  const auto t_in = std::chrono::steady_clock::now();
  const auto w = ml::train_logistic<F>(p, x, y, banks * o.rows, d, training_options(o));
  for (std::size_t b : o.reveal_to) {
    auto revealed = p.reveal_to(b, w);
    if (b == me) out.model = std::move(revealed);
  }
  const auto t1 = std::chrono::steady_clock::now();
  // Scoring: every bank's applicants, each visible only to its bank.
  const std::vector<std::size_t> app_counts(banks, o.applicants);
  const auto xa = ml::share_rows(p, app_counts, ml::encode_features<F>(applicants), d);
  const auto approve = ml::classify(p, ml::logistic_scores<F>(p, xa, w, banks * o.applicants, d));
  for (std::size_t b = 0; b < banks; ++b) {
    std::vector<std::size_t> index(o.applicants);
    for (std::size_t k = 0; k < o.applicants; ++k) index[k] = b * o.applicants + k;
    auto mine_scored = p.reveal_to(b, mpc::detail::gather(p, approve, index, "ex05"));
    if (b == me) out.approvals = std::move(mine_scored);
  }
  const auto t2 = std::chrono::steady_clock::now();
  out.input_seconds = std::chrono::duration<double>(t_in - t0).count();
  out.train_seconds = std::chrono::duration<double>(t1 - t_in).count();
  out.score_seconds = std::chrono::duration<double>(t2 - t1).count();
  out.traffic = net.total_counters();
  // The comparison with the plaintext model (demonstration aid).
  const auto ref = plaintext_model(o);
  const auto ref_scores = ml::logistic_scores_reference<F>(ml::encode_features<F>(applicants), ref, o.applicants, d);
  std::size_t right = 0, right_ref = 0;
  for (std::size_t k = 0; k < o.applicants; ++k) {
    const bool yes = out.approvals[k] == R{1};
    const bool yes_ref = !ref_scores[k].msb();
    right += yes == (applicants.y[k] != 0) ? 1U : 0U;
    right_ref += yes_ref == (applicants.y[k] != 0) ? 1U : 0U;
    out.agreeing += yes == yes_ref ? 1U : 0U;
  }
  out.accuracy = static_cast<double>(right) / static_cast<double>(o.applicants);
  out.plaintext_accuracy = static_cast<double>(right_ref) / static_cast<double>(o.applicants);
  return out;
}

// The report a bank prints; returns the exit status (0, or 4 when the
// accuracy differs from the plaintext model's by more than the bound).
inline int report(std::ostream& os, const Options& o, std::size_t me, const Outcome& r) {
  const std::string who = "bank " + std::to_string(me) + " (" + bank_names[me] + ")";
  const double training_rows = static_cast<double>(banks * o.rows * o.epochs);
  char line[512];
  std::snprintf(line, sizeof line, "%s: shared %zu customers of 3 banks (%zu its own) in %.3f s; trained %zu epochs in %.3f s = %.1f us per customer per epoch\n",
                who.c_str(), banks * o.rows, o.rows, r.input_seconds, o.epochs, r.train_seconds, 1e6 * r.train_seconds / training_rows);
  os << line;
  std::snprintf(line, sizeof line, "%s: traffic sent %.2f MB, received %.2f MB, %llu rounds (%.0f bytes sent per customer per epoch)\n",
                who.c_str(), static_cast<double>(r.traffic.bytes_sent) / 1e6,
                static_cast<double>(r.traffic.bytes_received) / 1e6, static_cast<unsigned long long>(r.traffic.rounds),
                static_cast<double>(r.traffic.bytes_sent) / training_rows);
  os << line;
  if (!r.model.empty()) {
    const std::size_t d = o.feature_count();
    os << who << ": model revealed here (configured):";
    for (std::size_t f = 0; f <= d; ++f) {
      if (d > 12 && f >= 6 && f < d) continue;  // the Adult shape: the first six weights and the intercept
      const double v = privfin::sharing::Fixed<F>::decode(r.model[f]);
      if (f == d) {
        std::snprintf(line, sizeof line, " intercept=%.4f", v);
      } else if (o.adult_shape) {
        std::snprintf(line, sizeof line, " w%zu=%.4f", f, v);
      } else {
        std::snprintf(line, sizeof line, " %s=%.4f", features[f].name, v);
      }
      os << line;
    }
    if (d > 12) os << " (and " << d - 6 << " more)";
    os << "\n";
  } else {
    os << who << ": model not revealed here (configured for other banks)\n";
  }
  std::size_t approved = 0;
  for (const auto& a : r.approvals) approved += a == R{1} ? 1U : 0U;
  std::snprintf(line, sizeof line, "%s: scored %zu applicants without showing them (%.1f ms): %zu approved; accuracy %.2f %% beside the plaintext fixed-point model's %.2f %% (same decision on %zu of %zu)\n",
                who.c_str(), o.applicants, 1e3 * r.score_seconds, approved, 100 * r.accuracy, 100 * r.plaintext_accuracy,
                r.agreeing, o.applicants);
  os << line;
  const double gap = 100 * std::abs(r.accuracy - r.plaintext_accuracy);
  if (gap > o.bound_points) {
    std::snprintf(line, sizeof line, "%s: FAILED: accuracy differs by %.2f points, more than the bound %.2f\n", who.c_str(), gap,
                  o.bound_points);
    os << line;
    return 4;
  }
  std::snprintf(line, sizeof line, "%s: OK: accuracy within %.2f points of the plaintext model (bound %.2f)\n", who.c_str(), gap,
                o.bound_points);
  os << line;
  return 0;
}

}  // namespace ex05
