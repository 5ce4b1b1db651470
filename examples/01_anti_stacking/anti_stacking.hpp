// examples/01_anti_stacking/anti_stacking.hpp — the anti-stacking loan
// check, built only from privfin's public headers.
//
// Problem: a borrower owes balances s_1..s_m at lenders L_1..L_m (only the
// borrower and L_i know s_i). When the borrower applies to lender L for
// `requested`, L must learn only whether sum_i s_i + requested <= limit:
// not the balances, not which lenders are owed, not the sum. Nobody else
// learns anything.
//
// Parties (ids in one cluster configuration):
//   0..S-1        compute servers (Rep3: S = 3; Beaver: S >= 2)
//   S             the dealer (Beaver only)
//   next m ids    the lenders L_0..L_{m-1} (input and output parties)
// Borrowers are identified by an index 0..B-1 in a registry all lenders
// share (e.g. keyed by a hash of the national id). Every lender secret-
// shares its whole portfolio (B balances, 0 where it has no loan); the
// applying lender secret-shares, per application, a one-hot vector selecting
// the borrower and its headroom h = min(limit, consortium limit) - requested.
// The servers add the
// portfolios, take the inner product of each one-hot vector with the sum
// (Rep3: one round, traffic independent of B) and compare: approve =
// NOT (h < total). Each result bit goes, as shares, to its lender alone.
// What leaks: the number of applications each lender submits in a batch.
//
// The library does the plumbing: service::MpcSession carries the lenders'
// shares in and the decisions out for either engine, runs the engine on
// the servers (and dealer) only, and first has every party agree, with
// service::agree, on the deployment's public values (engine, parties,
// borrowers, the consortium limit): a party holding another value stops
// every party with a ParameterMismatch naming it, instead of answering
// wrongly.
//
// Amounts are fixed-point numbers with exactly two decimals, encoded as
// integer cents in Z2k<64> (exact: no binary rounding of cents). Balances
// must be in [0, max_balance]; parse_amount() rejects negative, non-numeric
// (NaN, inf), malformed and out-of-range values with InvalidArgument before
// anything is shared (the message names the line, never the amount).
#pragma once

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/core/ring.hpp"
#include "privfin/mpc/beaver.hpp"
#include "privfin/mpc/compare.hpp"
#include "privfin/mpc/dealer.hpp"
#include "privfin/mpc/rep3.hpp"
#include "privfin/net/network.hpp"
#include "privfin/service/agreement.hpp"
#include "privfin/service/mpc_session.hpp"

namespace anti_stacking {

using privfin::InvalidArgument;
using Ring = privfin::Z2k<64>;

// Largest balance or amount: 10^12 currency units (10^14 cents, < 2^47), so
// the sum over 10^4 lenders stays far below 2^62.
inline constexpr std::int64_t max_amount_cents = 100'000'000'000'000;

// "1234", "1234.5", "1234.56" -> cents. `where` names the place for errors.
inline std::int64_t parse_amount(std::string_view text, const std::string& where, bool allow_negative = false) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  if (text.empty()) throw InvalidArgument(where + ": amount is empty");
  bool negative = false;
  if (text.front() == '-') {
    negative = true;
    text.remove_prefix(1);
  } else if (text.front() == '+') {
    text.remove_prefix(1);
  }
  if (negative && !allow_negative) throw InvalidArgument(where + ": amount is negative (balances must be >= 0)");
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  auto digits = [](std::string_view s) {
    for (char c : s) {
      if (c < '0' || c > '9') return false;
    }
    return true;
  };
  if (whole.empty() || !digits(whole) || !digits(frac) || (dot != std::string_view::npos && frac.empty())) {
    throw InvalidArgument(where + ": amount is not a number with at most two decimals");
  }
  if (frac.size() > 2) throw InvalidArgument(where + ": amount has more than two decimals (cents)");
  if (whole.size() > 13) throw InvalidArgument(where + ": amount is out of range (max 10^12)");
  std::int64_t units = 0;
  std::from_chars(whole.data(), whole.data() + whole.size(), units);
  std::int64_t cents = 0;
  if (!frac.empty()) {
    std::from_chars(frac.data(), frac.data() + frac.size(), cents);
    if (frac.size() == 1) cents *= 10;
  }
  const std::int64_t total = units * 100 + cents;
  if (total > max_amount_cents) throw InvalidArgument(where + ": amount is out of range (max 10^12)");
  return negative ? -total : total;
}

inline std::string format_cents(std::int64_t cents) {
  const bool neg = cents < 0;
  const std::uint64_t a = neg ? static_cast<std::uint64_t>(-(cents + 1)) + 1 : static_cast<std::uint64_t>(cents);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%llu.%02llu", neg ? "-" : "", static_cast<unsigned long long>(a / 100),
                static_cast<unsigned long long>(a % 100));
  return buf;
}

struct Application {
  std::size_t borrower = 0;
  std::int64_t requested_cents = 0;
  std::int64_t limit_cents = 0;
};

// One lender's data.
struct LenderBook {
  std::vector<std::int64_t> balances;   // per borrower, cents
  std::vector<Application> applications;
};

inline std::vector<std::string> split_csv(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) out.push_back(cell);
  return out;
}

inline std::size_t parse_index(const std::string& text, std::size_t bound, const std::string& where) {
  std::size_t v = 0;
  const auto* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, v);
  if (r.ec != std::errc{} || r.ptr != end || v >= bound) {
    throw InvalidArgument(where + ": borrower index is not an integer below " + std::to_string(bound));
  }
  return v;
}

// Calls row(cells, where) for each data line of a CSV with `columns` cells
// (a header line starting with a letter is skipped); `where` names the line.
template <class Row>
void for_each_row(std::istream& in, const std::string& name, std::size_t columns, const char* shape, Row&& row) {
  std::string line;
  for (std::size_t no = 1; std::getline(in, line); ++no) {
    if (line.empty() || line == "\r" || (std::isalpha(static_cast<unsigned char>(line[0])) != 0)) continue;
    const std::string where = name + " line " + std::to_string(no);
    const auto cells = split_csv(line);
    if (cells.size() != columns) throw InvalidArgument(where + ": expected '" + shape + "'");
    row(cells, where);
  }
}

// Balances CSV: "borrower,balance"; a borrower may appear once.
inline std::vector<std::int64_t> parse_balances(std::istream& in, std::size_t borrowers, const std::string& name) {
  std::vector<std::int64_t> out(borrowers, 0);
  std::vector<bool> seen(borrowers, false);
  for_each_row(in, name, 2, "borrower,balance", [&](const auto& cells, const std::string& where) {
    const std::size_t b = parse_index(cells[0], borrowers, where);
    if (seen[b]) throw InvalidArgument(where + ": borrower listed twice");
    seen[b] = true;
    out[b] = parse_amount(cells[1], where);
  });
  return out;
}

// Applications CSV: "borrower,requested,limit".
inline std::vector<Application> parse_applications(std::istream& in, std::size_t borrowers, const std::string& name) {
  std::vector<Application> out;
  for_each_row(in, name, 3, "borrower,requested,limit", [&](const auto& cells, const std::string& where) {
    out.push_back({parse_index(cells[0], borrowers, where), parse_amount(cells[1], where + " (requested)"),
                   parse_amount(cells[2], where + " (limit)")});
  });
  return out;
}

inline std::ifstream open_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InvalidArgument("cannot open " + path);
  return in;
}

// The limit an application is checked against: the lender's own, capped by
// the consortium's limit (public, in the deployment file).
inline std::int64_t effective_limit(const Application& a, std::int64_t consortium_limit_cents) {
  return std::min(a.limit_cents, consortium_limit_cents);
}

// --- deployment -------------------------------------------------------------

enum class Engine { rep3, beaver };

struct Deployment {
  Engine engine = Engine::rep3;
  std::size_t servers = 3;
  std::size_t lenders = 0;
  std::size_t borrowers = 0;
  // The consortium's cap on a borrower's total debt (cents); no cap by default.
  std::int64_t limit_cents = max_amount_cents;
  std::string cluster;  // path of the net::PartyConfig JSON

  [[nodiscard]] std::size_t dealer_id() const { return servers; }
  [[nodiscard]] std::size_t first_lender() const { return servers + (engine == Engine::beaver ? 1 : 0); }
  [[nodiscard]] std::size_t party_count() const { return first_lender() + lenders; }

  // Servers compute; the dealer helps (Beaver); every lender gives input and gets output.
  [[nodiscard]] privfin::service::MpcRoles roles() const {
    privfin::service::MpcRoles r;
    for (std::size_t i = 0; i < servers; ++i) r.compute.push_back(i);
    if (engine == Engine::beaver) r.helpers.push_back(dealer_id());
    for (std::size_t j = 0; j < lenders; ++j) r.inputs.push_back(first_lender() + j);
    r.outputs = r.inputs;
    r.max_values = std::uint64_t{1} << 26;  // a lender's one-hot vectors: applications x borrowers
    return r;
  }

  // What every party must hold alike (the session adds engine and roles).
  [[nodiscard]] privfin::service::Parameters parameters() const {
    privfin::service::Parameters p("anti-stacking", 2);
    p.set("borrowers", static_cast<std::uint64_t>(borrowers)).set("limit", format_cents(limit_cents));
    return p;
  }

  static Deployment parse(const std::string& text) {
    Deployment d;
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(text);
      const std::string engine = j.at("protocol").get<std::string>();
      if (engine == "rep3") {
        d.engine = Engine::rep3;
      } else if (engine == "beaver") {
        d.engine = Engine::beaver;
      } else {
        throw InvalidArgument("deployment: protocol must be \"rep3\" or \"beaver\", got \"" + engine + "\"");
      }
      d.servers = j.at("servers").get<std::size_t>();
      d.lenders = j.at("lenders").get<std::size_t>();
      d.borrowers = j.at("borrowers").get<std::size_t>();
      if (j.contains("limit")) {
        const auto& l = j.at("limit");
        d.limit_cents = parse_amount(l.is_string() ? l.get<std::string>() : l.dump(), "deployment limit");
      }
      d.cluster = j.value("cluster", std::string{});
    } catch (const nlohmann::json::exception& e) {
      throw InvalidArgument(std::string("deployment: ") + e.what());
    }
    if (d.engine == Engine::rep3 && d.servers != 3) throw InvalidArgument("deployment: rep3 needs exactly 3 servers");
    if (d.servers < 2) throw InvalidArgument("deployment: need at least 2 servers");
    if (d.lenders < 1 || d.borrowers < 1 || d.borrowers > 1'000'000) {
      throw InvalidArgument("deployment: need >= 1 lender and 1..10^6 borrowers");
    }
    return d;
  }
};

// --- the protocol ---------------------------------------------------------------

struct ServerReport {
  std::size_t checks = 0;
  double seconds = 0;
};

// Every party opens the session the same way: roles from the deployment,
// then agreement on the public values before any share moves.
template <privfin::mpc::Protocol P>
privfin::service::MpcSession<P> open_session(privfin::net::Network& net, const Deployment& d) {
  privfin::service::MpcSession<P> session(net, d.roles());
  session.agree(d.parameters());
  return session;
}

// Compute server, generic over the engine: receives every lender's shares,
// computes, sends each lender the shares of its decisions.
template <privfin::mpc::Protocol P>
ServerReport run_server(privfin::service::MpcSession<P>& session, P& p, const Deployment& d) {
  using Arith = typename P::Arith;
  const auto start = std::chrono::steady_clock::now();
  const std::size_t nb = d.borrowers;
  const std::vector<std::size_t>& lenders = session.roles().inputs;
  // Per lender, in this order: portfolio (nb values), headrooms, one-hot vectors.
  const auto portfolios = session.receive_inputs(lenders, std::vector<std::size_t>(d.lenders, nb));
  const auto headrooms = session.receive_inputs(lenders);
  std::vector<std::size_t> onehot_counts;
  for (const std::size_t c : headrooms.counts) onehot_counts.push_back(c * nb);
  const auto onehots = session.receive_inputs(lenders, onehot_counts);
  ServerReport report;
  report.checks = headrooms.values.size();
  typename P::Bool approved;  // every lender gets its part, possibly empty
  if (report.checks > 0) {
    // Per application: the borrower's total over all lenders (a linear map
    // repeats the summed portfolio, one inner product picks the borrower).
    const std::vector<const Arith*> in{&portfolios.values};
    const Arith repeated = p.arith_linear(std::span<const Arith* const>(in), report.checks * nb,
                                          [nb](std::span<const std::span<const Ring>> s, std::span<Ring> o) {
                                            for (std::size_t k = 0; k < o.size(); ++k) {
                                              o[k] = Ring{};
                                              for (std::size_t at = k % nb; at < s[0].size(); at += nb) o[k] += s[0][at];
                                            }
                                          });
    const Arith totals = p.dot(onehots.values, repeated, nb);
    // approve = NOT (headroom < total)
    const auto declined = privfin::mpc::lt(p, headrooms.values, totals);
    approved = p.xor_public(declined, std::vector<std::uint64_t>(declined.size(), ~std::uint64_t{0}));
  }
  session.send_output_bits(lenders, approved, headrooms.counts);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

// A server of either engine: builds the engine on the session's protocol
// network (errors name network ids), then runs run_server.
inline ServerReport serve(privfin::service::MpcSession<privfin::mpc::Rep3>& session, const Deployment& d,
                          privfin::Prg& seeds) {
  return session.run([&] {
    privfin::mpc::Rep3 p(session.protocol_network(), seeds);
    return run_server(session, p, d);
  });
}

inline ServerReport serve(privfin::service::MpcSession<privfin::mpc::Beaver>& session, const Deployment& d,
                          privfin::Prg& seeds) {
  return session.run([&] {
    privfin::mpc::DealerPreprocessing pre(session.protocol_network(), d.servers, d.servers);
    privfin::mpc::Beaver p(session.protocol_network(), pre, seeds, d.servers);
    const ServerReport r = run_server(session, p, d);
    pre.finish();
    return r;
  });
}

// The dealer (Beaver): serves the servers' preprocessing until they finish.
inline privfin::mpc::DealerStats run_dealer(privfin::service::MpcSession<privfin::mpc::Beaver>& session,
                                           const Deployment& d, privfin::Prg& seeds) {
  return session.run([&] { return privfin::mpc::run_dealer(session.protocol_network(), d.servers, seeds); });
}

// Lender: shares its portfolio and its applications, then receives one
// decision per application (true = approve). Validation happened when the
// book was parsed; it is repeated here before anything is shared, and the
// balances go in under a range budget of one term per lender, so that
// their sum cannot wrap.
template <privfin::mpc::Protocol P>
std::vector<bool> run_lender(privfin::service::MpcSession<P>& session, const Deployment& d, const LenderBook& book,
                             privfin::Prg& prg) {
  const std::size_t nb = d.borrowers;
  if (book.balances.size() != nb) throw InvalidArgument("lender: portfolio does not list every borrower index");
  std::vector<double> portfolio(nb);
  for (std::size_t b = 0; b < nb; ++b) {
    if (book.balances[b] < 0 || book.balances[b] > max_amount_cents) {
      throw InvalidArgument("lender: balance of borrower " + std::to_string(b) + " is outside [0, 10^12]");
    }
    portfolio[b] = static_cast<double>(book.balances[b]);  // exact: below 2^53
  }
  const std::size_t count = book.applications.size();
  std::vector<Ring> onehot(count * nb);
  std::vector<Ring> headroom(count);
  for (std::size_t k = 0; k < count; ++k) {
    const auto& a = book.applications[k];
    if (a.borrower >= nb) throw InvalidArgument("lender: application " + std::to_string(k) + " names no borrower");
    onehot[k * nb + a.borrower] = Ring{1};
    headroom[k] = Ring::from_signed(effective_limit(a, d.limit_cents) - a.requested_cents);
  }
  // Whole cents are fixed point with 0 fractional bits.
  session.template send_fixed<0>(portfolio, privfin::sharing::RangeBudget{.terms = d.lenders}, prg);
  session.send_input(headroom, prg);
  session.send_input(onehot, prg);
  std::vector<bool> out(count);
  const auto words = session.receive_output_bits();
  if (words.size() != (count + 63) / 64) {
    throw privfin::ProtocolError(session.roles().compute[0], "sent decisions for another number of applications");
  }
  for (std::size_t k = 0; k < count; ++k) out[k] = ((words[k / 64] >> (k % 64)) & 1U) != 0;
  return out;
}

}  // namespace anti_stacking
