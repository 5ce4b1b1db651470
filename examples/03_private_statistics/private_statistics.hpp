// Example 03: private statistics across institutions — the protocol of every
// role, written only against privfin's public headers (see README.md).
//
// Banks report to a regulator how many of their loans fall in each of eight
// probability-of-default buckets (Prio3Histogram, one report per loan) and
// their total exposure (Prio3Sum, one report per loan), without any
// aggregator seeing a single bank's numbers. Each bank shards its reports and
// sends one share of each to each of 2 or 3 aggregators; the aggregators
// verify the reports together (verifier shares go to the leader, aggregator
// 0, which answers with the verifier messages), aggregate, and send their
// aggregate shares to the regulator, who unshards only the totals.
//
// A bank's filing is accepted as a whole or returned as a whole: when one of
// its reports fails verification, none of its reports is counted, the
// aggregators agree on that in a final commit round, and the bank is named
// with the reason. Privacy holds while one aggregator is honest; robustness
// (a malformed report is caught) while all follow the protocol.
//
// Party ids in the cluster: aggregators 0..A-1 (0 is the leader), the
// regulator A, the banks A+1..A+B. Each role is a function of a Network, so
// the same code runs over TcpNetwork (separate processes, TLS) or
// LocalNetwork. Functions throw privfin errors (ProtocolError, DecodeError,
// NetworkError) when a peer breaks the protocol; a bad report is never an
// exception but a rejected filing.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/net/network.hpp"
#include "privfin/vdaf/aggregator.hpp"
#include "privfin/vdaf/circuits.hpp"
#include "privfin/vdaf/prio3.hpp"

namespace ex03 {

namespace prio3 = privfin::vdaf;
using privfin::Bytes;
using privfin::ByteView;

// ------------------------------------------------------------------ the statistics
inline constexpr std::size_t num_buckets = 8;
inline constexpr std::array<std::string_view, num_buckets> bucket_labels = {
    "PD < 0.05%", "PD 0.05-0.1%", "PD 0.1-0.25%", "PD 0.25-0.5%",
    "PD 0.5-1%",  "PD 1-2.5%",    "PD 2.5-10%",   "PD >= 10%"};
// The largest exposure one loan may report, in euros (a 29-bit range proof).
inline constexpr std::uint64_t max_exposure_eur = 500'000'000;
// Histogram chunk length: about sqrt(number of buckets), as the draft suggests.
inline constexpr std::size_t histogram_chunk = 3;
// The application context every report is bound to (Prio3's ctx).
inline constexpr std::string_view application_context = "privfin example 03: loan book statistics, 2026-Q3";

using HistogramVdaf = prio3::Prio3<prio3::Histogram>;
using ExposureVdaf = prio3::Prio3<prio3::Sum>;

inline HistogramVdaf histogram_vdaf(std::size_t aggregators) {
  return HistogramVdaf(prio3::Histogram(num_buckets, histogram_chunk), aggregators);
}
inline ExposureVdaf exposure_vdaf(std::size_t aggregators) {
  return ExposureVdaf(prio3::Sum(max_exposure_eur), aggregators);
}
inline ByteView context_bytes() { return privfin::as_bytes(application_context); }

// ------------------------------------------------------------------ input data
struct Loan {
  std::string bank;
  std::string loan_id;
  std::size_t bucket = 0;         // 0 .. num_buckets-1
  std::uint64_t exposure_eur = 0; // 0 .. max_exposure_eur
};

inline const std::vector<std::string>& default_bank_names() {
  static const std::vector<std::string> names = {"Alder Bank",      "Birch Savings", "Cedar Credit Union",
                                                 "Dogwood Bancorp", "Elm Trust",     "Fir Capital"};
  return names;
}

// A synthetic loan book for each bank, the same for the same seed on every
// platform (integer arithmetic on privfin's AES-CTR Prg only). Each bank has
// 30..89 loans; its bucket distribution leans riskier for later banks;
// exposures lie between 25,000 and about 51 million euros, in hundreds.
inline std::vector<Loan> generate_loans(std::uint64_t seed, const std::vector<std::string>& banks = default_bank_names()) {
  privfin::Prg::Seed s{};
  for (std::size_t i = 0; i < 8; ++i) s[i] = static_cast<std::byte>((seed >> (8 * i)) & 0xFFU);
  privfin::Prg prg(s);
  // Per-mille weights of the buckets for a typical corporate loan book.
  constexpr std::array<std::uint64_t, num_buckets> weights = {90, 160, 230, 200, 150, 100, 50, 20};
  std::vector<Loan> loans;
  for (std::size_t b = 0; b < banks.size(); ++b) {
    const std::uint64_t count = 30 + prg.next_u64() % 60;
    const std::size_t shift = b % 3;  // some banks lend to riskier borrowers
    for (std::uint64_t i = 0; i < count; ++i) {
      std::uint64_t u = prg.next_u64() % 1000;
      std::size_t bucket = 0;
      while (bucket + 1 < num_buckets && u >= weights[bucket]) u -= weights[bucket++];
      bucket = std::min(num_buckets - 1, bucket + (prg.next_u64() % 4 == 0 ? shift : 0));
      const std::uint64_t scale = std::uint64_t{25'000} << (prg.next_u64() % 11);
      const std::uint64_t exposure = (scale + prg.next_u64() % scale) / 100 * 100;
      std::ostringstream id;
      id << "L" << (b + 1) << "-" << (1000 + i);
      loans.push_back(Loan{banks[b], id.str(), bucket, exposure});
    }
  }
  return loans;
}

inline void write_loans_csv(const std::filesystem::path& file, const std::vector<Loan>& loans) {
  std::ofstream out(file);
  if (!out) throw privfin::InvalidArgument("cannot write " + file.string());
  out << "bank,loan_id,risk_bucket,exposure_eur\n";
  for (const auto& l : loans) out << l.bank << ',' << l.loan_id << ',' << l.bucket << ',' << l.exposure_eur << '\n';
  if (!out) throw privfin::InvalidArgument("cannot write " + file.string());
}

// Throws InvalidArgument naming the line for a malformed row. Values are not
// range-checked here: a bank's shard() refuses an out-of-range loan.
inline std::vector<Loan> read_loans_csv(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw privfin::InvalidArgument("cannot read " + file.string());
  std::vector<Loan> loans;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (number == 1 || line.empty()) continue;  // header
    std::vector<std::string> fields;
    std::stringstream row(line);
    std::string field;
    while (std::getline(row, field, ',')) fields.push_back(field);
    const auto where = file.string() + ":" + std::to_string(number);
    if (fields.size() != 4) throw privfin::InvalidArgument(where + ": expected 4 comma-separated fields");
    try {
      std::size_t used = 0;
      const unsigned long long bucket = std::stoull(fields[2], &used);
      if (used != fields[2].size()) throw std::invalid_argument("bucket");
      const unsigned long long exposure = std::stoull(fields[3], &used);
      if (used != fields[3].size()) throw std::invalid_argument("exposure");
      loans.push_back(Loan{fields[0], fields[1], static_cast<std::size_t>(bucket), static_cast<std::uint64_t>(exposure)});
    } catch (const std::logic_error&) {
      throw privfin::InvalidArgument(where + ": risk_bucket and exposure_eur must be non-negative integers");
    }
  }
  return loans;
}

// The banks of a loan file, in order of first appearance.
inline std::vector<std::string> bank_names(const std::vector<Loan>& loans) {
  std::vector<std::string> names;
  for (const auto& l : loans) {
    if (std::find(names.begin(), names.end(), l.bank) == names.end()) names.push_back(l.bank);
  }
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
    if (banks.count(l.bank) == 0) continue;
    ++t.loans_per_bucket.at(l.bucket);
    t.exposure_eur += l.exposure_eur;
    ++t.loans;
  }
  return t;
}

// ------------------------------------------------------------------ cluster layout
struct Layout {
  std::size_t aggregators = 2;
  std::size_t banks = 0;
  [[nodiscard]] std::size_t regulator() const noexcept { return aggregators; }
  [[nodiscard]] std::size_t bank(std::size_t k) const noexcept { return aggregators + 1 + k; }
  [[nodiscard]] std::size_t parties() const noexcept { return aggregators + 1 + banks; }
  // Throws InvalidArgument unless the network has room for the roles.
  static Layout of(const privfin::net::Network& net, std::size_t aggregators) {
    if (aggregators < 2 || aggregators > 3) throw privfin::InvalidArgument("the example runs 2 or 3 aggregators");
    if (net.party_count() < aggregators + 2) {
      throw privfin::InvalidArgument("the cluster needs the aggregators, the regulator and at least one bank");
    }
    return Layout{aggregators, net.party_count() - aggregators - 1};
  }
};

// ------------------------------------------------------------------ banks
// How the dishonest bank breaks its filing (on its first loan).
enum class Cheat {
  none,
  inflate,       // a histogram report that counts the loan 5 times in its bucket
  out_of_range,  // an exposure report claiming one trillion euros more than the loan
  tamper_proof,  // an honest exposure report whose leader proof share is altered
  replay,        // the first loan's histogram report sent twice (same report id)
};

inline std::string_view to_string(Cheat c) noexcept {
  switch (c) {
    case Cheat::none: return "none";
    case Cheat::inflate: return "inflate";
    case Cheat::out_of_range: return "out-of-range";
    case Cheat::tamper_proof: return "tamper-proof";
    case Cheat::replay: return "replay";
  }
  return "unknown";
}

inline Cheat parse_cheat(std::string_view text) {
  for (Cheat c : {Cheat::none, Cheat::inflate, Cheat::out_of_range, Cheat::tamper_proof, Cheat::replay}) {
    if (text == to_string(c)) return c;
  }
  throw privfin::InvalidArgument("unknown cheat '" + std::string(text) +
                                 "' (none, inflate, out-of-range, tamper-proof, replay)");
}

enum class Kind : std::uint8_t { histogram = 0, exposure = 1 };

inline std::string_view to_string(Kind k) noexcept { return k == Kind::histogram ? "risk bucket" : "exposure"; }

struct Receipt {
  bool accepted = false;
  std::string detail;
};

namespace detail {

inline constexpr std::uint8_t wire_version = 1;
inline constexpr std::size_t max_filing_size = std::size_t{256} << 20;

struct Report {
  Kind kind = Kind::histogram;
  Bytes nonce;
  Bytes public_share;
  std::vector<Bytes> input_shares;
};

inline Bytes random_nonce() {
  Bytes nonce(16);
  privfin::secure_random(nonce);
  return nonce;
}

template <class Vdaf>
Report make_report(const Vdaf& vdaf, Kind kind, std::span<const typename Vdaf::F> encoded) {
  Report r;
  r.kind = kind;
  r.nonce = random_nonce();
  privfin::SecretBytes rand(vdaf.rand_size());
  privfin::secure_random(rand.span());
  auto shard = vdaf.shard_encoded(context_bytes(), encoded, r.nonce, rand.view());
  r.public_share = std::move(shard.public_share);
  r.input_shares = std::move(shard.input_shares);
  return r;
}

}  // namespace detail

// One bank: shards a report pair per loan, sends each aggregator its shares
// in one filing, and waits for the leader's receipt. Throws InvalidArgument
// for a loan out of range (an honest bank never files it).
inline Receipt run_bank(privfin::net::Network& net, std::size_t aggregators, const std::string& name,
                        const std::vector<Loan>& loans, Cheat cheat, std::ostream& log) {
  Layout::of(net, aggregators);  // checks the cluster has room for the roles
  const auto hist = histogram_vdaf(aggregators);
  const auto expo = exposure_vdaf(aggregators);
  std::vector<detail::Report> reports;
  for (std::size_t i = 0; i < loans.size(); ++i) {
    const Loan& loan = loans[i];
    if (loan.bucket >= num_buckets || loan.exposure_eur > max_exposure_eur) {
      throw privfin::InvalidArgument("bank " + name + ": loan " + loan.loan_id + " is out of range");
    }
    auto hist_meas = hist.circuit().encode(loan.bucket);
    auto expo_meas = expo.circuit().encode(loan.exposure_eur);
    if (i == 0 && cheat == Cheat::inflate) hist_meas[loan.bucket] = prio3::Histogram::Field::from_u64(5);
    if (i == 0 && cheat == Cheat::out_of_range) expo_meas[0] += prio3::Sum::Field::from_u64(1'000'000'000'000ULL);
    reports.push_back(detail::make_report(hist, Kind::histogram, std::span<const prio3::Histogram::Field>(hist_meas)));
    reports.push_back(detail::make_report(expo, Kind::exposure, std::span<const prio3::Sum::Field>(expo_meas)));
    if (i == 0 && cheat == Cheat::tamper_proof) {
      // Add one to the first proof element of the leader's share.
      using F = prio3::Sum::Field;
      Bytes& leader = reports.back().input_shares[0];
      const auto at = expo.flp().meas_len() * F::byte_size;
      auto element = std::span<std::byte>(leader).subspan(at, F::byte_size);
      const F changed = *F::read_le(element) + F::one();
      changed.write_le(element);
    }
  }
  if (cheat == Cheat::replay && !reports.empty()) reports.push_back(reports.front());

  for (std::size_t j = 0; j < aggregators; ++j) {
    privfin::Writer w;
    w.version(detail::wire_version).string(name).u32(static_cast<std::uint32_t>(reports.size()));
    for (const auto& r : reports) {
      w.u8(static_cast<std::uint8_t>(r.kind)).raw(r.nonce).bytes(r.public_share).bytes(r.input_shares[j]);
    }
    net.send_message(j, std::move(w).take());
  }
  net.flush();
  log << name << " (party " << net.party_id() << "): filed " << loans.size() << " loans as " << reports.size()
      << " Prio3 reports, one share of each to each of " << aggregators << " aggregators"
      << (cheat == Cheat::none ? "" : " [dishonest: " + std::string(to_string(cheat)) + "]") << "\n";

  const Bytes answer = net.receive_message(0, 4096);
  privfin::Reader r(answer);
  Receipt receipt;
  receipt.accepted = r.boolean("receipt: accepted");
  receipt.detail = r.string("receipt: detail", 2048);
  r.expect_end("receipt");
  log << name << ": filing " << (receipt.accepted ? "accepted" : "REJECTED") << " by the aggregators"
      << (receipt.detail.empty() ? "" : ": " + receipt.detail) << "\n";
  return receipt;
}

// ------------------------------------------------------------------ aggregators
struct FilingOutcome {
  std::size_t party = 0;
  std::string bank;
  bool accepted = false;
  std::size_t reports = 0;
  std::size_t rejected_reports = 0;
  std::string reason;  // empty when accepted
  friend bool operator==(const FilingOutcome&, const FilingOutcome&) = default;
};

namespace detail {

struct ParsedReport {
  Kind kind = Kind::histogram;
  Bytes nonce;
  ByteView public_share;
  ByteView input_share;
};

struct ParsedFiling {
  std::string bank;
  std::vector<ParsedReport> reports;
  std::string error;  // set when the filing could not be parsed
};

inline ParsedFiling parse_filing(ByteView bytes) {
  ParsedFiling f;
  try {
    privfin::Reader r(bytes);
    r.expect_version(wire_version, "filing");
    f.bank = r.string("bank name", 200);
    const std::uint32_t count = r.u32("report count");
    for (std::uint32_t i = 0; i < count; ++i) {
      ParsedReport p;
      const std::uint8_t kind = r.u8("report kind");
      if (kind > 1) throw privfin::DecodeError("report " + std::to_string(i) + " has an unknown kind");
      p.kind = static_cast<Kind>(kind);
      const ByteView nonce = r.raw(16, "report id");
      p.nonce.assign(nonce.begin(), nonce.end());
      p.public_share = r.bytes("public share", 1 << 20);
      p.input_share = r.bytes("input share", 1 << 24);
      f.reports.push_back(p);
    }
    r.expect_end("filing");
  } catch (const privfin::DecodeError& e) {
    f.reports.clear();
    f.error = std::string("malformed filing: ") + e.what();
  }
  return f;
}

// What one aggregator found for one report in one step.
struct Status {
  bool ok = true;
  prio3::Rejection reason = prio3::Rejection::none;
  std::string detail;
  Bytes payload;  // verifier share (step 1)
};

inline void write_status(privfin::Writer& w, const Status& s) {
  w.boolean(s.ok);
  if (s.ok) {
    w.bytes(s.payload);
  } else {
    w.u8(static_cast<std::uint8_t>(s.reason)).string(s.detail);
  }
}

inline Status read_status(privfin::Reader& r) {
  Status s;
  s.ok = r.boolean("status");
  if (s.ok) {
    const ByteView p = r.bytes("verifier share", 1 << 24);
    s.payload.assign(p.begin(), p.end());
  } else {
    const std::uint8_t reason = r.u8("rejection");
    if (reason > static_cast<std::uint8_t>(prio3::Rejection::unknown_report)) {
      throw privfin::DecodeError("unknown rejection code " + std::to_string(reason));
    }
    s.reason = static_cast<prio3::Rejection>(reason);
    s.detail = r.string("detail", 4096);
  }
  return s;
}

inline std::string describe(std::size_t index, Kind kind, const Status& s, std::size_t aggregator) {
  std::ostringstream o;
  o << "report " << index << " (" << to_string(kind) << ") rejected by aggregator " << aggregator << ": "
    << prio3::to_string(s.reason) << " (" << s.detail << ")";
  return o.str();
}

// The filing's reports verified by one aggregator: step 1 (verify_init via
// Aggregator::start) for every report.
class FilingVerifier {
 public:
  FilingVerifier(const HistogramVdaf& hist, const ExposureVdaf& expo, ByteView key, std::size_t id)
      : hist_(hist, key, context_bytes(), id), expo_(expo, key, context_bytes(), id) {}

  Status start(const ParsedReport& r, const std::set<prio3::ReportId>& seen_before) {
    prio3::ReportId rid{};
    std::copy(r.nonce.begin(), r.nonce.end(), rid.begin());
    Status s;
    if (seen_before.count(rid) != 0) {
      s.ok = false;
      s.reason = prio3::Rejection::replayed_report;
      s.detail = "report " + privfin::to_hex(r.nonce) + " was filed before";
      return s;
    }
    auto out = r.kind == Kind::histogram ? hist_.start(r.nonce, r.public_share, r.input_share)
                                         : expo_.start(r.nonce, r.public_share, r.input_share);
    if (!out) {
      s.ok = false;
      s.reason = out.reason();
      s.detail = out.detail();
      return s;
    }
    s.payload = out.value();
    return s;
  }

  Status finish(const ParsedReport& r, ByteView message) {
    auto out = r.kind == Kind::histogram ? hist_.finish(r.nonce, message).reason() : expo_.finish(r.nonce, message).reason();
    Status s;
    if (out != prio3::Rejection::none) {
      s.ok = false;
      s.reason = out;
      s.detail = "the verifier message does not confirm this aggregator's joint randomness";
    }
    return s;
  }

  void abort(const ParsedReport& r) {
    if (r.kind == Kind::histogram) {
      (void)hist_.abort(r.nonce);
    } else {
      (void)expo_.abort(r.nonce);
    }
  }

  prio3::Aggregator<prio3::Histogram>& histogram() { return hist_; }
  prio3::Aggregator<prio3::Sum>& exposure() { return expo_; }

 private:
  prio3::Aggregator<prio3::Histogram> hist_;
  prio3::Aggregator<prio3::Sum> expo_;
};

}  // namespace detail

struct AggregatorSummary {
  std::vector<FilingOutcome> filings;
  std::uint64_t histogram_reports = 0;
  std::uint64_t exposure_reports = 0;
  Bytes histogram_share;
  Bytes exposure_share;
};

// One aggregator (id = net.party_id() < aggregators). The leader draws the
// verify key and sends it to the helpers over the (TLS) network; the banks
// never see it. Returns what it sent to the regulator.
inline AggregatorSummary run_aggregator(privfin::net::Network& net, std::size_t aggregators, std::ostream& log) {
  using privfin::ProtocolError;
  const Layout layout = Layout::of(net, aggregators);
  const std::size_t self = net.party_id();
  if (self >= aggregators) throw privfin::InvalidArgument("run_aggregator: party is not an aggregator");
  const bool leader = self == 0;
  const auto hist = histogram_vdaf(aggregators);
  const auto expo = exposure_vdaf(aggregators);

  privfin::SecretBytes verify_key(HistogramVdaf::verify_key_size);
  if (leader) {
    privfin::secure_random(verify_key.span());
    for (std::size_t j = 1; j < aggregators; ++j) net.send_message(j, verify_key.view());
  } else {
    Bytes key = net.receive_message(0, HistogramVdaf::verify_key_size);
    if (key.size() != HistogramVdaf::verify_key_size) throw ProtocolError(0, "sent a verify key of the wrong size");
    verify_key = privfin::SecretBytes(key);
    privfin::secure_wipe(key);
  }

  std::vector<prio3::Histogram::Field> hist_total = hist.empty_aggregate();
  std::vector<prio3::Sum::Field> expo_total = expo.empty_aggregate();
  AggregatorSummary summary;
  std::set<prio3::ReportId> seen;

  for (std::size_t k = 0; k < layout.banks; ++k) {
    const std::size_t bank = layout.bank(k);
    const Bytes raw = net.receive_message(bank, detail::max_filing_size);
    const detail::ParsedFiling filing = detail::parse_filing(raw);
    detail::FilingVerifier verifier(hist, expo, verify_key.view(), self);
    const std::size_t n = filing.reports.size();

    // Step 1: verify_init of every report; helpers send their verifier shares to the leader.
    std::vector<detail::Status> mine(n);
    for (std::size_t i = 0; i < n; ++i) mine[i] = verifier.start(filing.reports[i], seen);

    std::string filing_error = filing.error;
    std::vector<detail::Status> decision(n);  // leader: per report, ok + verifier message, or why not
    std::size_t first_bad = n;
    std::string reason;
    if (leader) {
      std::vector<std::vector<detail::Status>> all(aggregators);
      all[0] = mine;
      for (std::size_t j = 1; j < aggregators; ++j) {
        const Bytes m = net.receive_message(j, detail::max_filing_size);
        privfin::Reader r(m);
        const std::string helper_error = r.string("helper filing error", 4096);
        const std::uint32_t count = r.u32("helper report count");
        if (filing_error.empty() && !helper_error.empty()) filing_error = "aggregator " + std::to_string(j) + ": " + helper_error;
        for (std::uint32_t i = 0; i < count; ++i) {
          const auto kind = r.u8("kind");
          const ByteView nonce = r.raw(16, "report id");
          if (filing_error.empty() && (count != n || kind != static_cast<std::uint8_t>(filing.reports[i].kind) ||
                                       !std::equal(nonce.begin(), nonce.end(), filing.reports[i].nonce.begin()))) {
            filing_error = "the bank sent different reports to aggregators 0 and " + std::to_string(j);
          }
          all[j].push_back(detail::read_status(r));
        }
        r.expect_end("helper verifier shares");
        if (filing_error.empty() && count != n) filing_error = "the bank sent different reports to aggregators 0 and " + std::to_string(j);
      }
      if (filing_error.empty()) {
        for (std::size_t i = 0; i < n; ++i) {
          const auto& rep = filing.reports[i];
          for (std::size_t j = 0; j < aggregators && decision[i].ok; ++j) {
            if (!all[j][i].ok) {
              decision[i] = all[j][i];
              if (first_bad == n) {
                first_bad = i;
                reason = detail::describe(i, rep.kind, all[j][i], j);
              }
            }
          }
          if (!decision[i].ok) continue;
          std::vector<Bytes> shares;
          for (std::size_t j = 0; j < aggregators; ++j) shares.push_back(all[j][i].payload);
          auto message = rep.kind == Kind::histogram ? hist.verifier_shares_to_message(context_bytes(), shares)
                                                     : expo.verifier_shares_to_message(context_bytes(), shares);
          if (message) {
            decision[i].payload = message.value();
          } else {
            decision[i].ok = false;
            decision[i].reason = message.reason();
            decision[i].detail = message.detail();
            if (first_bad == n) {
              first_bad = i;
              std::ostringstream o;
              o << "report " << i << " (" << to_string(rep.kind) << "): " << prio3::to_string(message.reason()) << " ("
                << message.detail() << ")";
              reason = o.str();
            }
          }
        }
      }
      privfin::Writer w;
      w.string(filing_error).u32(static_cast<std::uint32_t>(filing_error.empty() ? n : 0));
      if (filing_error.empty()) {
        for (const auto& d : decision) {
          w.boolean(d.ok);
          if (d.ok) w.bytes(d.payload);
        }
      }
      const Bytes out = std::move(w).take();
      for (std::size_t j = 1; j < aggregators; ++j) net.send_message(j, out);
    } else {
      privfin::Writer w;
      w.string(filing.error).u32(static_cast<std::uint32_t>(n));
      for (std::size_t i = 0; i < n; ++i) {
        w.u8(static_cast<std::uint8_t>(filing.reports[i].kind)).raw(filing.reports[i].nonce);
        detail::write_status(w, mine[i]);
      }
      net.send_message(0, std::move(w).take());
      const Bytes m = net.receive_message(0, detail::max_filing_size);
      privfin::Reader r(m);
      filing_error = r.string("filing error", 4096);
      const std::uint32_t count = r.u32("decision count");
      if (filing_error.empty() && count != n) throw ProtocolError(0, "decided on a different number of reports");
      for (std::uint32_t i = 0; i < count; ++i) {
        decision[i].ok = r.boolean("decision");
        if (decision[i].ok) {
          const ByteView p = r.bytes("verifier message", 1 << 20);
          decision[i].payload.assign(p.begin(), p.end());
        }
      }
      r.expect_end("leader decisions");
    }

    // Step 2: verify_next (Aggregator::finish) with the verifier messages; commit round.
    std::vector<detail::Status> finished(n);
    for (std::size_t i = 0; i < n; ++i) {
      if (!filing_error.empty() || !decision[i].ok) {
        verifier.abort(filing.reports[i]);
        finished[i].ok = false;
        continue;
      }
      finished[i] = verifier.finish(filing.reports[i], decision[i].payload);
    }
    bool accepted = false;
    std::size_t rejected = 0;
    if (leader) {
      for (std::size_t j = 1; j < aggregators; ++j) {
        const Bytes m = net.receive_message(j, detail::max_filing_size);
        privfin::Reader r(m);
        const std::uint32_t count = r.u32("finish count");
        if (count != n) throw ProtocolError(j, "finished a different number of reports");
        for (std::uint32_t i = 0; i < count; ++i) {
          const detail::Status s = detail::read_status(r);
          if (!s.ok && finished[i].ok) {
            finished[i] = s;
            if (first_bad == n || i < first_bad) {
              first_bad = i;
              reason = detail::describe(i, filing.reports[i].kind, s, j);
            }
          }
        }
        r.expect_end("helper finish");
      }
      for (std::size_t i = 0; i < n; ++i) {
        if (!finished[i].ok) ++rejected;
        if (!finished[i].ok && first_bad == n && filing_error.empty()) {
          first_bad = i;
          reason = detail::describe(i, filing.reports[i].kind, finished[i], 0);
        }
      }
      if (!filing_error.empty()) {
        reason = filing_error;
        rejected = n;
      }
      accepted = filing_error.empty() && rejected == 0;
      if (accepted) reason.clear();
      if (!accepted && reason.empty()) reason = "the filing holds no verifiable report";
      privfin::Writer w;
      w.boolean(accepted).u32(static_cast<std::uint32_t>(rejected)).string(reason);
      const Bytes out = std::move(w).take();
      for (std::size_t j = 1; j < aggregators; ++j) net.send_message(j, out);
      privfin::Writer receipt;
      receipt.boolean(accepted).string(accepted ? "" : reason);
      net.send_message(bank, std::move(receipt).take());
    } else {
      privfin::Writer w;
      w.u32(static_cast<std::uint32_t>(n));
      for (const auto& s : finished) detail::write_status(w, s);  // payloads are empty here
      net.send_message(0, std::move(w).take());
      const Bytes m = net.receive_message(0, 1 << 16);
      privfin::Reader r(m);
      accepted = r.boolean("accepted");
      rejected = r.u32("rejected reports");
      reason = r.string("reason", 8192);
      r.expect_end("commit");
    }

    for (const auto& rep : filing.reports) {
      prio3::ReportId rid{};
      std::copy(rep.nonce.begin(), rep.nonce.end(), rid.begin());
      seen.insert(rid);
    }
    if (accepted) {
      hist.aggregate_inplace(hist_total, hist.decode_agg_share(verifier.histogram().aggregate_share()));
      expo.aggregate_inplace(expo_total, expo.decode_agg_share(verifier.exposure().aggregate_share()));
      summary.histogram_reports += verifier.histogram().num_aggregated();
      summary.exposure_reports += verifier.exposure().num_aggregated();
    }
    summary.filings.push_back(FilingOutcome{bank, filing.bank, accepted, n, rejected, reason});
    log << "aggregator " << self << (leader ? " (leader)" : "") << ": filing of " << filing.bank << " (party "
        << bank << "), " << n << " reports: " << (accepted ? "accepted" : "REJECTED: " + reason) << "\n";
  }

  summary.histogram_share = hist.encode_agg_share(hist_total);
  summary.exposure_share = expo.encode_agg_share(expo_total);
  privfin::Writer w;
  w.version(detail::wire_version).u32(static_cast<std::uint32_t>(summary.filings.size()));
  for (const auto& f : summary.filings) {
    w.u32(static_cast<std::uint32_t>(f.party)).string(f.bank).boolean(f.accepted);
    w.u32(static_cast<std::uint32_t>(f.reports)).u32(static_cast<std::uint32_t>(f.rejected_reports)).string(f.reason);
  }
  w.u64(summary.histogram_reports).bytes(summary.histogram_share);
  w.u64(summary.exposure_reports).bytes(summary.exposure_share);
  net.send_message(layout.regulator(), std::move(w).take());
  net.flush();
  log << "aggregator " << self << ": sent its aggregate shares (" << summary.histogram_reports
      << " bucket reports, " << summary.exposure_reports << " exposure reports) to the regulator\n";
  return summary;
}

// ------------------------------------------------------------------ regulator
struct Statistics {
  std::vector<FilingOutcome> filings;
  Totals totals;
};

// The regulator (the collector): receives every aggregator's aggregate
// shares and the filing outcomes, checks the aggregators agree, and
// unshards the totals. Throws ProtocolError when they disagree.
inline Statistics run_regulator(privfin::net::Network& net, std::size_t aggregators) {
  const Layout layout = Layout::of(net, aggregators);
  if (net.party_id() != layout.regulator()) throw privfin::InvalidArgument("run_regulator: party is not the regulator");
  const auto hist = histogram_vdaf(aggregators);
  const auto expo = exposure_vdaf(aggregators);
  std::vector<Bytes> hist_shares, expo_shares;
  std::optional<std::vector<FilingOutcome>> filings;
  std::optional<std::pair<std::uint64_t, std::uint64_t>> counts;
  for (std::size_t j = 0; j < aggregators; ++j) {
    const Bytes m = net.receive_message(j, std::size_t{1} << 24);
    privfin::Reader r(m);
    r.expect_version(detail::wire_version, "aggregate shares");
    const std::uint32_t count = r.u32("filings");
    if (count != layout.banks) throw privfin::ProtocolError(j, "reports a wrong number of filings");
    std::vector<FilingOutcome> list;
    for (std::uint32_t i = 0; i < count; ++i) {
      FilingOutcome f;
      f.party = r.u32("party");
      f.bank = r.string("bank", 200);
      f.accepted = r.boolean("accepted");
      f.reports = r.u32("reports");
      f.rejected_reports = r.u32("rejected reports");
      f.reason = r.string("reason", 8192);
      list.push_back(std::move(f));
    }
    const std::uint64_t hist_count = r.u64("histogram reports");
    const ByteView hs = r.bytes("histogram share", 1 << 20);
    const std::uint64_t expo_count = r.u64("exposure reports");
    const ByteView es = r.bytes("exposure share", 1 << 20);
    r.expect_end("aggregate shares");
    hist_shares.emplace_back(hs.begin(), hs.end());
    expo_shares.emplace_back(es.begin(), es.end());
    if (!filings) {
      filings = std::move(list);
      counts = std::make_pair(hist_count, expo_count);
    } else if (*filings != list || *counts != std::make_pair(hist_count, expo_count)) {
      throw privfin::ProtocolError(j, "disagrees with aggregator 0 on the accepted filings");
    }
  }
  Statistics s;
  s.filings = *filings;
  if (counts->first != counts->second) throw privfin::ProtocolError(0, "counted different numbers of bucket and exposure reports");
  s.totals.loans = counts->first;
  s.totals.loans_per_bucket = hist.unshard(hist_shares, counts->first);
  s.totals.exposure_eur = expo.unshard(expo_shares, counts->second);
  return s;
}

inline std::string group_thousands(std::uint64_t v) {
  const std::string digits = std::to_string(v);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// The regulator's report; with `plaintext`, the totals computed directly from
// the input file (over the accepted banks) are printed next to the private ones.
inline void print_statistics(const Statistics& s, const std::optional<Totals>& plaintext, std::ostream& out) {
  out << "Filings received by the aggregators\n";
  for (const auto& f : s.filings) {
    out << "  " << f.bank << " (party " << f.party << "): " << f.reports << " reports, "
        << (f.accepted ? std::string("accepted") : "REJECTED: " + f.reason) << "\n";
  }
  out << "\n" << std::left << std::setw(34) << "Loans per risk bucket" << std::right << std::setw(16) << "private total";
  if (plaintext) out << std::setw(18) << "plaintext check";
  out << "\n";
  auto row = [&](std::string_view label, const std::string& value, const std::string& check) {
    out << "  " << std::left << std::setw(32) << label << std::right << std::setw(16) << value;
    if (plaintext) out << std::setw(18) << check;
    out << "\n";
  };
  for (std::size_t b = 0; b < num_buckets; ++b) {
    row(bucket_labels[b], group_thousands(s.totals.loans_per_bucket[b]),
        plaintext ? group_thousands(plaintext->loans_per_bucket[b]) : "");
  }
  row("all buckets", group_thousands(s.totals.loans), plaintext ? group_thousands(plaintext->loans) : "");
  out << "\n" << std::left << std::setw(34) << "Total exposure (EUR)" << std::right << std::setw(16)
      << group_thousands(s.totals.exposure_eur);
  if (plaintext) out << std::setw(18) << group_thousands(plaintext->exposure_eur);
  out << "\n";
  if (plaintext) {
    out << (*plaintext == s.totals ? "\nThe private totals equal the plaintext totals of the accepted banks exactly.\n"
                                   : "\nMISMATCH between the private and the plaintext totals.\n");
  }
}

}  // namespace ex03
