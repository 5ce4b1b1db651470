// examples/01_anti_stacking/anti_stacking.hpp — the anti-stacking loan
// check (README.md), built only from privfin's public headers.
//
// Lender L learns whether a borrower's debts at all lenders + requested <=
// min(L's limit, the consortium limit), and nothing else; nobody else learns
// anything. Network ids: servers 0..S-1 (Rep3: S = 3; Beaver: S >= 2), the
// dealer (Beaver only), then the lenders. Every lender shares its portfolio
// (one balance per borrower of a shared registry) and, per application, a
// one-hot vector selecting the borrower and its headroom h = limit -
// requested; the servers sum the portfolios, take one inner product per
// application and send the lender alone the shares of NOT (h < total).
// What leaks: how many applications each lender files in a batch.
// service::MpcSession carries the shares for either engine, after every
// party agreed (service::agree) on the public values. Amounts are exact
// integer cents (fixed point with 0 fractional bits).
#pragma once

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <istream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/mpc/compare.hpp"
#include "privfin/net/network.hpp"
#include "privfin/service/mpc_engine.hpp"
#include "privfin/service/mpc_session.hpp"

namespace anti_stacking {

using privfin::InvalidArgument;
using Ring = privfin::Z2k<64>;

// 10^12 currency units: the sum over 10^4 lenders stays far below 2^62.
inline constexpr std::int64_t max_amount_cents = 100'000'000'000'000;

// "1234", "1234.5", "1234.56" (surrounding blanks allowed) -> cents.
inline std::int64_t parse_amount(std::string_view text, const std::string& where) {
  const auto first = text.find_first_not_of(" \t"), last = text.find_last_not_of(" \t\r");
  text = first == std::string_view::npos ? std::string_view{} : text.substr(first, last - first + 1);
  if (text.starts_with('-')) throw InvalidArgument(where + ": amount is negative (balances must be >= 0)");
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot), frac = dot == text.npos ? "" : text.substr(dot + 1);
  const auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (whole.empty() || !digits(whole) || !digits(frac) || (dot != text.npos && frac.empty())) {
    throw InvalidArgument(where + ": amount is not a number with at most two decimals");
  }
  if (frac.size() > 2) throw InvalidArgument(where + ": amount has more than two decimals (cents)");
  std::int64_t units = 0, cents = 0;
  if (whole.size() <= 13) std::from_chars(whole.data(), whole.data() + whole.size(), units);
  std::from_chars(frac.data(), frac.data() + frac.size(), cents);
  const std::int64_t total = units * 100 + (frac.size() == 1 ? cents * 10 : cents);
  if (whole.size() > 13 || total > max_amount_cents) {
    throw InvalidArgument(where + ": amount is out of range (max 10^12)");
  }
  return total;
}

inline std::string format_cents(std::int64_t cents) {
  const std::string frac = std::to_string(100 + cents % 100).substr(1);
  return std::to_string(cents / 100) + "." + frac;
}

struct Application {
  std::size_t borrower = 0;
  std::int64_t requested_cents = 0;
  std::int64_t limit_cents = 0;
};

struct LenderBook {
  std::vector<std::int64_t> balances;  // per borrower index, cents
  std::vector<Application> applications;
};

// Calls row(cells, where) for each data line of a CSV with `columns` cells;
// a header (a line starting with a letter) and empty lines are skipped.
template <class Row>
void for_each_row(std::istream& in, const std::string& name, std::size_t columns, Row&& row) {
  std::string line;
  for (std::size_t no = 1; std::getline(in, line); ++no) {
    if (line.empty() || line == "\r" || std::isalpha(static_cast<unsigned char>(line[0])) != 0) continue;
    const std::string where = name + " line " + std::to_string(no);
    std::vector<std::string_view> cells;
    std::string_view rest = line;
    for (std::size_t comma = 0; (comma = rest.find(',')) != rest.npos; rest.remove_prefix(comma + 1)) {
      cells.push_back(rest.substr(0, comma));
    }
    cells.push_back(rest);
    if (cells.size() != columns) throw InvalidArgument(where + ": expected " + std::to_string(columns) + " cells");
    row(cells, where);
  }
}

// A decimal integer below `bound`; `what` names it for errors.
inline std::size_t parse_count(std::string_view text, std::size_t bound, const std::string& what) {
  std::size_t v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc{} || r.ptr != text.data() + text.size() || v >= bound) {
    throw InvalidArgument(what + " is not an integer below " + std::to_string(bound));
  }
  return v;
}

// Balances CSV "borrower,balance" (each borrower at most once), applications
// CSV "borrower,requested,limit".
inline LenderBook parse_book(std::istream& balances, std::istream& applications, std::size_t borrowers,
                             const std::string& name) {
  LenderBook book{std::vector<std::int64_t>(borrowers, -1), {}};
  for_each_row(balances, name + "_balances.csv", 2, [&](const auto& cells, const std::string& where) {
    const std::size_t b = parse_count(cells[0], borrowers, where + ": borrower index");
    if (book.balances[b] >= 0) throw InvalidArgument(where + ": borrower listed twice");
    book.balances[b] = parse_amount(cells[1], where);
  });
  for (auto& b : book.balances) b = std::max<std::int64_t>(b, 0);
  for_each_row(applications, name + "_applications.csv", 3, [&](const auto& cells, const std::string& where) {
    const std::size_t b = parse_count(cells[0], borrowers, where + ": borrower index");
    book.applications.push_back({b, parse_amount(cells[1], where), parse_amount(cells[2], where + " (limit)")});
  });
  return book;
}

enum class Engine { rep3, beaver };

// The public values of a deployment, from --name value options.
struct Deployment {
  Engine engine = Engine::rep3;
  std::size_t servers = 3;
  std::size_t lenders = 0;
  std::size_t borrowers = 0;
  std::int64_t limit_cents = max_amount_cents;  // the consortium's cap on a borrower's total debt

  [[nodiscard]] std::size_t first_lender() const { return servers + (engine == Engine::beaver ? 1 : 0); }
  [[nodiscard]] std::size_t party_count() const { return first_lender() + lenders; }

  [[nodiscard]] privfin::service::MpcRoles roles() const {
    privfin::service::MpcRoles r;
    for (std::size_t i = 0; i < servers; ++i) r.compute.push_back(i);
    if (engine == Engine::beaver) r.helpers.push_back(servers);  // the dealer
    for (std::size_t j = 0; j < lenders; ++j) r.inputs.push_back(first_lender() + j);
    r.outputs = r.inputs;
    r.max_values = std::uint64_t{1} << 26;  // a lender's one-hot vectors: applications x borrowers
    return r;
  }

  static Deployment from_options(const std::map<std::string, std::string>& o) {
    const auto get = [&](const std::string& key, const char* fallback = nullptr) -> std::string {
      if (o.contains(key)) return o.at(key);
      if (fallback == nullptr) throw InvalidArgument("deployment: missing --" + key);
      return fallback;
    };
    Deployment d;
    d.engine = get("protocol") == "beaver" ? Engine::beaver : Engine::rep3;
    if (d.engine == Engine::rep3 && get("protocol") != "rep3") {
      throw InvalidArgument("deployment: --protocol must be rep3 or beaver");
    }
    d.servers = parse_count(get("servers", "3"), 1000, "deployment: --servers");
    d.lenders = parse_count(get("lenders"), 10'001, "deployment: --lenders");
    d.borrowers = parse_count(get("borrowers"), 1'000'001, "deployment: --borrowers");
    d.limit_cents = parse_amount(get("limit", "1000000000000"), "deployment: --limit");
    if (d.engine == Engine::rep3 && d.servers != 3) throw InvalidArgument("deployment: rep3 needs exactly 3 servers");
    if (d.servers < 2 || d.lenders < 1 || d.borrowers < 1) {
      throw InvalidArgument("deployment: need >= 2 servers, >= 1 lender and >= 1 borrower");
    }
    return d;
  }
};

// A lender's book, checked again before anything is shared.
inline void check_book(const LenderBook& book, std::size_t borrowers) {
  if (book.balances.size() != borrowers) throw InvalidArgument("lender: the book does not list every borrower");
  for (std::size_t b = 0; b < borrowers; ++b) {
    if (book.balances[b] < 0 || book.balances[b] > max_amount_cents) {
      throw InvalidArgument("lender: balance of borrower " + std::to_string(b) + " is outside [0, 10^12]");
    }
  }
  for (const Application& a : book.applications) {
    if (a.borrower >= borrowers) throw InvalidArgument("lender: an application names no borrower");
  }
}

// The servers' computation, generic over the engine (service::compute builds it): every lender's shares
// in, one decision per application out to the lender that filed it.
template <privfin::mpc::Protocol P>
std::size_t compute(privfin::service::MpcSession<P>& session, P& p, const Deployment& d) {
  const std::size_t nb = d.borrowers;
  const std::vector<std::size_t>& lenders = session.roles().inputs;
  // Per lender, in this order: portfolio (nb values), headrooms, one-hot vectors.
  const auto portfolios = session.receive_inputs(lenders, std::vector<std::size_t>(d.lenders, nb));
  const auto headrooms = session.receive_inputs(lenders);
  std::vector<std::size_t> onehot_counts;
  for (const std::size_t c : headrooms.counts) onehot_counts.push_back(c * nb);
  const auto onehots = session.receive_inputs(lenders, onehot_counts);
  const std::size_t checks = headrooms.values.size();
  typename P::Bool approved;  // every lender gets its part, possibly empty
  if (checks > 0) {
    // The summed portfolio, repeated once per application (a local linear map)...
    const std::vector<const typename P::Arith*> in{&portfolios.values};
    const auto sum_of = [nb](std::span<const std::span<const Ring>> s, std::span<Ring> o) {
      for (std::size_t k = 0; k < o.size(); ++k) {
        o[k] = Ring{};
        for (std::size_t at = k % nb; at < s[0].size(); at += nb) o[k] += s[0][at];
      }
    };
    const auto repeated = p.arith_linear(in, checks * nb, sum_of);
    // ...so that one inner product per application picks its borrower's total.
    const auto declined = privfin::mpc::lt(p, headrooms.values, p.dot(onehots.values, repeated, nb));
    approved = p.xor_public(declined, std::vector<std::uint64_t>(declined.size(), ~std::uint64_t{0}));
  }
  session.send_output_bits(lenders, approved, headrooms.counts);
  return checks;
}

// What one party did: a server's checks, the dealer's statistics, a lender's decisions.
struct Outcome {
  std::size_t checks = 0;
  privfin::mpc::DealerStats dealer{};
  std::vector<bool> decisions;
  double seconds = 0;
};

// Runs party net.party_id() of the deployment with engine P (mpc::Rep3 or
// mpc::Beaver); `book` is used by lenders only. A lender checks its book
// before sending anything, and shares its balances under a range budget of
// one term per lender, so that their sum cannot wrap.
template <privfin::mpc::Protocol P>
Outcome run_party(privfin::net::Network& net, const Deployment& d, const LenderBook& book, privfin::Prg& prg) {
  const std::size_t id = net.party_id(), nb = d.borrowers;
  if (id >= d.first_lender()) check_book(book, nb);
  const auto start = std::chrono::steady_clock::now();
  privfin::service::MpcSession<P> session(net, d.roles());
  session.agree(privfin::service::Parameters("anti-stacking", 2)
                    .set("borrowers", std::uint64_t{nb}).set("limit", format_cents(d.limit_cents)));
  Outcome out;
  if (session.computes()) {
    out.checks = privfin::service::compute(session, prg, [&](P& p) { return compute(session, p, d); });
  } else if (session.helps()) {
    out.dealer = privfin::service::help(session, prg);  // Beaver's dealer
  } else {
    std::vector<double> portfolio(book.balances.begin(), book.balances.end());  // exact: below 2^53
    const std::size_t count = book.applications.size();
    std::vector<Ring> onehot(count * nb), headroom(count);
    for (std::size_t k = 0; k < count; ++k) {
      const Application& a = book.applications[k];
      onehot[k * nb + a.borrower] = Ring{1};
      headroom[k] = Ring::from_signed(std::min(a.limit_cents, d.limit_cents) - a.requested_cents);
    }
    session.template send_fixed<0>(portfolio, privfin::sharing::RangeBudget{.terms = d.lenders}, prg);
    session.send_input(headroom, prg);
    session.send_input(onehot, prg);
    const auto words = session.receive_output_bits();
    if (words.size() != (count + 63) / 64) {
      throw privfin::ProtocolError(0, "sent decisions for another number of applications");
    }
    for (std::size_t k = 0; k < count; ++k) out.decisions.push_back(((words[k / 64] >> (k % 64)) & 1U) != 0);
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace anti_stacking
