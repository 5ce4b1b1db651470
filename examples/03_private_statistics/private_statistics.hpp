// Example 03: private statistics across institutions — every role, written
// against privfin's public headers (see README.md). Banks report how many
// loans fall in each of eight probability-of-default buckets (Prio3Histogram)
// and their total exposure (Prio3Sum), one report of each per loan, without
// any aggregator seeing a bank's numbers. The Prio3 plumbing (uploads,
// parameter agreement, batched verification, replays, rejections,
// collection) is service/prio3_driver.hpp; here: the loans, the two
// sessions, the dishonest banks, the receipts and the regulator's report.
// Party ids: aggregators 0..A-1 (0 leads), the regulator A, banks A+1...
// Each role is a function of a Network; functions throw privfin errors
// (ParameterMismatch, ProtocolError, DecodeError, NetworkError) when a peer
// breaks the protocol; a bad report is a Rejection, never an exception.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/rejection.hpp"
#include "privfin/net/network.hpp"
#include "privfin/service/prio3_driver.hpp"
#include "privfin/vdaf/circuits.hpp"
#include "privfin/vdaf/prio3.hpp"

namespace ex03 {

namespace vdaf = privfin::vdaf;
namespace service = privfin::service;
using privfin::Bytes;
using privfin::Rejection;

inline constexpr std::size_t num_buckets = 8;
inline constexpr std::array<std::string_view, num_buckets> bucket_labels = {
    "PD < 0.05%", "PD 0.05-0.1%", "PD 0.1-0.25%", "PD 0.25-0.5%",
    "PD 0.5-1%",  "PD 1-2.5%",    "PD 2.5-10%",   "PD >= 10%"};
// The largest exposure one loan may report, in euros (a 29-bit range proof).
inline constexpr std::uint64_t max_exposure_eur = 500'000'000;
// Histogram chunk length: about sqrt(number of buckets), as the draft suggests.
inline constexpr std::size_t histogram_chunk = 3;
// The application context every report is bound to (Prio3's ctx), one per session.
inline constexpr std::string_view histogram_context = "privfin example 03: loan book statistics, 2026-Q3, risk buckets";
inline constexpr std::string_view exposure_context = "privfin example 03: loan book statistics, 2026-Q3, exposure";
// Reports verified together (one round of messages per batch).
inline constexpr std::size_t batch_size = 128;

using HistogramVdaf = vdaf::Prio3<vdaf::Histogram>;
using ExposureVdaf = vdaf::Prio3<vdaf::Sum>;

inline HistogramVdaf histogram_vdaf(std::size_t aggregators) { return {vdaf::Histogram(num_buckets, histogram_chunk), aggregators}; }
inline ExposureVdaf exposure_vdaf(std::size_t aggregators) { return {vdaf::Sum(max_exposure_eur), aggregators}; }

struct Loan {
  std::string bank;
  std::string loan_id;
  std::size_t bucket = 0;         // 0 .. num_buckets-1
  std::uint64_t exposure_eur = 0; // 0 .. max_exposure_eur
};

// Throws InvalidArgument naming the line for a malformed row. Values are not
// range-checked here: run_bank refuses an out-of-range loan.
inline std::vector<Loan> read_loans_csv(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw privfin::InvalidArgument("cannot read " + file.string());
  std::vector<Loan> loans;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (number == 1 || line.empty()) continue;  // the header
    std::stringstream row(line);
    row >> std::noskipws;  // " 5" and "-5" are not counts
    Loan l;
    char c1 = 0, c2 = 0;  // bank,loan_id,bucket,exposure: names without commas, numbers without signs
    const bool ok = std::getline(row, l.bank, ',') && std::getline(row, l.loan_id, ',') && row.peek() != '-' &&
                    row >> l.bucket >> c1 && c1 == ',' && row.peek() != '-' && row >> l.exposure_eur && !(row >> c2);
    if (!ok) throw privfin::InvalidArgument(file.string() + ":" + std::to_string(number) + ": expected bank,loan_id,risk_bucket,exposure_eur");
    loans.push_back(std::move(l));
  }
  return loans;
}

// The banks of a loan file, in order of first appearance.
inline std::vector<std::string> bank_names(const std::vector<Loan>& loans) {
  std::vector<std::string> names;
  for (const auto& l : loans) if (std::find(names.begin(), names.end(), l.bank) == names.end()) names.push_back(l.bank);
  return names;
}

struct Totals {
  std::vector<std::uint64_t> loans_per_bucket = std::vector<std::uint64_t>(num_buckets, 0);
  std::uint64_t exposure_eur = 0;
  std::uint64_t loans = 0;
  friend bool operator==(const Totals&, const Totals&) = default;
};

// The plaintext totals over the loans of the given banks (what the protocol
// must reproduce without anyone seeing the loans).
inline Totals plaintext_totals(const std::vector<Loan>& loans, const std::set<std::string>& banks) {
  Totals t;
  for (const auto& l : loans) {
    if (banks.contains(l.bank)) ++t.loans_per_bucket.at(l.bucket), t.exposure_eur += l.exposure_eur, ++t.loans;
  }
  return t;
}

struct Layout {
  std::size_t aggregators = 2;
  std::size_t banks = 0;
  [[nodiscard]] std::size_t regulator() const noexcept { return aggregators; }
  [[nodiscard]] std::size_t bank(std::size_t k) const noexcept { return aggregators + 1 + k; }
  // Throws InvalidArgument unless the network has room for the roles.
  static Layout of(const privfin::net::Network& net, std::size_t aggregators) {
    if (aggregators < 2 || aggregators > 3) throw privfin::InvalidArgument("the example runs 2 or 3 aggregators");
    if (net.party_count() < aggregators + 2) throw privfin::InvalidArgument("the cluster needs a regulator and a bank");
    return Layout{aggregators, net.party_count() - aggregators - 1};
  }
  // The Prio3 session of one statistic: aggregators 0..A-1, the regulator collects.
  [[nodiscard]] service::Prio3Setup setup(std::string_view context) const {
    service::Prio3Setup s;
    for (std::size_t j = 0; j < aggregators; ++j) s.aggregators.push_back(j);
    s.collector = regulator();
    s.context = privfin::to_bytes(context);
    s.batch_size = batch_size;
    return s;
  }
};

// How a dishonest bank cheats: one extra, malformed report beside its honest ones.
enum class Cheat {
  none,
  inflate,       // a fake histogram report that counts a loan 5 times in one bucket
  out_of_range,  // a fake exposure report of one trillion euros
  tamper_proof,  // an exposure report whose leader proof share is altered after sharding
  replay,        // the first histogram report sent twice (same report id)
};

inline constexpr std::array<std::string_view, 5> cheat_names = {"none", "inflate", "out-of-range", "tamper-proof", "replay"};
inline std::string_view to_string(Cheat c) noexcept { return cheat_names.at(static_cast<std::size_t>(c)); }
inline Cheat parse_cheat(std::string_view text) {
  for (std::size_t i = 0; i < cheat_names.size(); ++i) {
    if (text == cheat_names[i]) return static_cast<Cheat>(i);
  }
  throw privfin::InvalidArgument("unknown cheat '" + std::string(text) + "' (none, inflate, out-of-range, tamper-proof, replay)");
}

// What the leader tells a bank: its rejected reports (none: all counted).
struct Receipt {
  std::vector<Rejection> rejected;
  [[nodiscard]] bool accepted() const noexcept { return rejected.empty(); }
};

// One bank: a histogram and an exposure report per loan, uploaded to every
// aggregator (two messages each), then the leader's receipt. Throws
// InvalidArgument for a loan out of range (an honest bank never files it).
inline Receipt run_bank(privfin::net::Network& net, std::size_t aggregators, const std::string& name,
                        const std::vector<Loan>& loans, Cheat cheat, std::ostream& log) {
  const Layout layout = Layout::of(net, aggregators);
  const auto hist = histogram_vdaf(aggregators);
  const auto expo = exposure_vdaf(aggregators);
  std::vector<service::Prio3Report> hist_reports, expo_reports;
  for (const Loan& loan : loans) {
    if (loan.bucket >= num_buckets || loan.exposure_eur > max_exposure_eur) {
      throw privfin::InvalidArgument("bank " + name + ": loan " + loan.loan_id + " is out of range");
    }
    hist_reports.push_back(service::make_prio3_report(hist, privfin::as_bytes(histogram_context), loan.bucket));
    expo_reports.push_back(service::make_prio3_report(expo, privfin::as_bytes(exposure_context), loan.exposure_eur));
  }
  if (cheat == Cheat::inflate) {
    auto meas = hist.circuit().encode(0);
    meas[0] = vdaf::Histogram::Field::from_u64(5);
    hist_reports.push_back(service::make_prio3_report_encoded(hist, privfin::as_bytes(histogram_context), meas));
  } else if (cheat == Cheat::out_of_range) {
    auto meas = expo.circuit().encode(0);
    meas[0] += vdaf::Sum::Field::from_u64(1'000'000'000'000ULL);
    expo_reports.push_back(service::make_prio3_report_encoded(expo, privfin::as_bytes(exposure_context), meas));
  } else if (cheat == Cheat::tamper_proof) {
    // Add one to the first proof element of the leader's share of an honest report.
    using F = vdaf::Sum::Field;
    auto report = service::make_prio3_report(expo, privfin::as_bytes(exposure_context), 1000);
    auto element = std::span<std::byte>(report.input_shares[0]).subspan(expo.flp().meas_len() * F::byte_size, F::byte_size);
    (*F::read_le(element) + F::one()).write_le(element);
    expo_reports.push_back(std::move(report));
  } else if (cheat == Cheat::replay && !hist_reports.empty()) {
    hist_reports.push_back(hist_reports.front());
  }
  service::prio3_upload(net, layout.setup(histogram_context), hist_reports);
  service::prio3_upload(net, layout.setup(exposure_context), expo_reports);
  log << name << " (party " << net.party_id() << "): filed " << loans.size() << " loans as "
      << hist_reports.size() + expo_reports.size() << " Prio3 reports, one share of each to each of " << aggregators
      << " aggregators" << (cheat == Cheat::none ? "" : " [dishonest: " + std::string(to_string(cheat)) + "]") << "\n";

  Receipt receipt{service::prio3_receive_receipt(net, layout.setup(histogram_context), hist_reports.size())};
  for (auto& r : service::prio3_receive_receipt(net, layout.setup(exposure_context), expo_reports.size())) {
    receipt.rejected.push_back(std::move(r));
  }
  log << name << ": " << (receipt.accepted() ? "every report counted" : "reports REJECTED by the aggregators:") << "\n";
  for (const auto& r : receipt.rejected) log << "  " << r.describe() << "\n";
  return receipt;
}

// One aggregator (0 is the leader): receives the verify key from the leader
// (or draws it), the banks' uploads, verifies and aggregates the reports of
// both sessions with the other aggregators, sends each bank its receipt
// (leader) and the regulator the aggregate shares.
inline std::vector<Rejection> run_aggregator(privfin::net::Network& net, std::size_t aggregators, std::ostream& log) {
  const Layout layout = Layout::of(net, aggregators);
  const std::size_t self = net.party_id();
  if (self >= aggregators) throw privfin::InvalidArgument("run_aggregator: party is not an aggregator");
  const auto verify_key = service::prio3_deal_verify_key(net, histogram_vdaf(aggregators), layout.setup(histogram_context));
  service::Prio3Aggregator hist(net, histogram_vdaf(aggregators), layout.setup(histogram_context), verify_key.view());
  service::Prio3Aggregator expo(net, exposure_vdaf(aggregators), layout.setup(exposure_context), verify_key.view());
  for (std::size_t k = 0; k < layout.banks; ++k) {
    (void)hist.receive_upload(layout.bank(k));
    (void)expo.receive_upload(layout.bank(k));
  }
  // One session after the other, in the regulator's order of collection.
  (void)hist.prepare();
  if (self == 0) hist.send_receipts();
  hist.send_aggregate_share();
  (void)expo.prepare();
  if (self == 0) expo.send_receipts();
  expo.send_aggregate_share();
  std::vector<Rejection> rejected = hist.rejections();
  rejected.insert(rejected.end(), expo.rejections().begin(), expo.rejections().end());
  log << "aggregator " << self << (self == 0 ? " (leader)" : "") << ": counted " << hist.accepted() << " bucket and "
      << expo.accepted() << " exposure reports, rejected " << rejected.size() << "; sent its aggregate shares to the regulator\n";
  for (const auto& r : rejected) log << "  " << r.describe() << "\n";
  return rejected;
}

struct Statistics {
  std::vector<Rejection> rejected;  // both sessions, as every aggregator reported them
  std::size_t reports = 0;          // received in both sessions
  Totals totals;
};

// The regulator (the collector of both sessions): the totals and the rejections.
inline Statistics run_regulator(privfin::net::Network& net, std::size_t aggregators) {
  const Layout layout = Layout::of(net, aggregators);
  if (net.party_id() != layout.regulator()) throw privfin::InvalidArgument("run_regulator: party is not the regulator");
  auto hist = service::prio3_collect(net, histogram_vdaf(aggregators), layout.setup(histogram_context));
  auto expo = service::prio3_collect(net, exposure_vdaf(aggregators), layout.setup(exposure_context));
  Statistics s;
  s.rejected = hist.rejections;
  s.rejected.insert(s.rejected.end(), expo.rejections.begin(), expo.rejections.end());
  s.reports = hist.reports + expo.reports;
  s.totals.loans_per_bucket = hist.result;
  s.totals.loans = hist.accepted;
  s.totals.exposure_eur = expo.result;
  if (hist.accepted != expo.accepted) {
    throw privfin::ProtocolError(0, "counted " + std::to_string(hist.accepted) + " bucket reports but " +
                                        std::to_string(expo.accepted) + " exposure reports");
  }
  return s;
}

inline std::string group_thousands(std::uint64_t v) {
  const std::string digits = std::to_string(v);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) out += (i > 0 && (digits.size() - i) % 3 == 0 ? "," : "") + digits.substr(i, 1);
  return out;
}

// The regulator's report; `banks` names the bank parties (A+1...) in order;
// with `plaintext` (a demonstration aid), the totals computed from the file.
inline void print_statistics(const Statistics& s, std::size_t aggregators, const std::vector<std::string>& banks,
                             const std::optional<Totals>& plaintext, std::ostream& out) {
  out << "Reports received by the aggregators: " << group_thousands(s.reports) << ", rejected: " << s.rejected.size() << "\n";
  for (const auto& r : s.rejected) {
    const std::size_t k = r.from.value_or(0) - aggregators - 1;
    out << "  " << (r.from && k < banks.size() ? banks[k] : std::string("unknown sender")) << ": " << r.describe() << "\n";
  }
  auto row = [&](std::string_view label, std::uint64_t value, std::optional<std::uint64_t> check) {
    out << "  " << std::left << std::setw(32) << label << std::right << std::setw(16) << group_thousands(value)
        << std::setw(18) << (check ? group_thousands(*check) : "") << "\n";
  };
  out << "\n" << std::left << std::setw(34) << "Loans per risk bucket" << std::right << std::setw(16) << "private total"
      << std::setw(18) << (plaintext ? "plaintext check" : "") << "\n";
  for (std::size_t b = 0; b < num_buckets; ++b) {
    row(bucket_labels[b], s.totals.loans_per_bucket[b], plaintext ? std::optional(plaintext->loans_per_bucket[b]) : std::nullopt);
  }
  row("all buckets", s.totals.loans, plaintext ? std::optional(plaintext->loans) : std::nullopt);
  out << "\n";
  row("Total exposure (EUR)", s.totals.exposure_eur, plaintext ? std::optional(plaintext->exposure_eur) : std::nullopt);
  if (plaintext) {
    out << (*plaintext == s.totals ? "\nThe private totals equal the plaintext totals of every filed loan exactly.\n"
                                   : "\nMISMATCH between the private and the plaintext totals.\n");
  }
}

}  // namespace ex03
