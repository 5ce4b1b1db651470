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
// the borrower and its headroom h = limit - requested. The servers add the
// portfolios, take the inner product of each one-hot vector with the sum
// (Rep3: one round, traffic independent of B) and compare: approve =
// NOT (h < total). Each result bit goes, as shares, to its lender alone.
// What leaks: the number of applications each lender submits in a batch.
//
// Amounts are fixed-point numbers with exactly two decimals, encoded as
// integer cents in Z2k<64> (exact: no binary rounding of cents). Balances
// must be in [0, max_balance]; parse_amount() rejects negative, non-numeric
// (NaN, inf), malformed and out-of-range values with InvalidArgument before
// anything is shared (the message names the line, never the amount).
#pragma once

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

// Balances CSV: "borrower,balance" lines (a header line starting with a
// letter is skipped). A borrower may appear once.
inline std::vector<std::int64_t> parse_balances(std::istream& in, std::size_t borrowers, const std::string& name) {
  std::vector<std::int64_t> out(borrowers, 0);
  std::vector<bool> seen(borrowers, false);
  std::string line;
  std::size_t no = 0;
  while (std::getline(in, line)) {
    ++no;
    if (line.empty() || line == "\r" || (std::isalpha(static_cast<unsigned char>(line[0])) != 0)) continue;
    const std::string where = name + " line " + std::to_string(no);
    const auto cells = split_csv(line);
    if (cells.size() != 2) throw InvalidArgument(where + ": expected 'borrower,balance'");
    const std::size_t b = parse_index(cells[0], borrowers, where);
    if (seen[b]) throw InvalidArgument(where + ": borrower listed twice");
    seen[b] = true;
    out[b] = parse_amount(cells[1], where);
  }
  return out;
}

// Applications CSV: "borrower,requested,limit".
inline std::vector<Application> parse_applications(std::istream& in, std::size_t borrowers, const std::string& name) {
  std::vector<Application> out;
  std::string line;
  std::size_t no = 0;
  while (std::getline(in, line)) {
    ++no;
    if (line.empty() || line == "\r" || (std::isalpha(static_cast<unsigned char>(line[0])) != 0)) continue;
    const std::string where = name + " line " + std::to_string(no);
    const auto cells = split_csv(line);
    if (cells.size() != 3) throw InvalidArgument(where + ": expected 'borrower,requested,limit'");
    Application a;
    a.borrower = parse_index(cells[0], borrowers, where);
    a.requested_cents = parse_amount(cells[1], where + " (requested)");
    a.limit_cents = parse_amount(cells[2], where + " (limit)");
    out.push_back(a);
  }
  return out;
}

inline std::ifstream open_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InvalidArgument("cannot open " + path);
  return in;
}

// The plaintext reference: approve iff sum of balances + requested <= limit.
inline std::vector<bool> plaintext_decisions(const std::vector<LenderBook>& lenders, std::size_t lender) {
  std::vector<bool> out;
  for (const auto& a : lenders[lender].applications) {
    std::int64_t total = 0;
    for (const auto& l : lenders) total += l.balances[a.borrower];
    out.push_back(total + a.requested_cents <= a.limit_cents);
  }
  return out;
}

// Random portfolios: each borrower owes at `density` of the lenders.
inline std::vector<LenderBook> random_books(privfin::Prg& prg, std::size_t lenders, std::size_t borrowers,
                                            std::size_t applications) {
  std::vector<LenderBook> books(lenders);
  for (auto& b : books) b.balances.assign(borrowers, 0);
  for (std::size_t i = 0; i < borrowers; ++i) {
    for (std::size_t j = 0; j < lenders; ++j) {
      if (prg.next_u64() % 3 == 0) books[j].balances[i] = static_cast<std::int64_t>(prg.next_u64() % 5'000'000);
    }
  }
  for (std::size_t k = 0; k < applications; ++k) {
    Application a;
    a.borrower = static_cast<std::size_t>(prg.next_u64() % borrowers);
    a.requested_cents = static_cast<std::int64_t>(prg.next_u64() % 2'000'000);
    a.limit_cents = static_cast<std::int64_t>(prg.next_u64() % 12'000'000);
    books[static_cast<std::size_t>(prg.next_u64() % lenders)].applications.push_back(a);
  }
  return books;
}

// --- deployment -------------------------------------------------------------

enum class Engine { rep3, beaver };

struct Deployment {
  Engine engine = Engine::rep3;
  std::size_t servers = 3;
  std::size_t lenders = 0;
  std::size_t borrowers = 0;
  std::string cluster;  // path of the net::PartyConfig JSON

  [[nodiscard]] std::size_t dealer_id() const { return servers; }
  [[nodiscard]] std::size_t first_lender() const { return servers + (engine == Engine::beaver ? 1 : 0); }
  [[nodiscard]] std::size_t party_count() const { return first_lender() + lenders; }

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

// The first `count` parties of a network, as a network of their own (so
// that a protocol for exactly those parties runs inside a larger cluster).
class SubNetwork final : public privfin::net::Network {
 public:
  SubNetwork(privfin::net::Network& parent, std::size_t count)
      : Network(parent.party_id(), count), parent_(parent) {
    set_receive_timeout(parent.receive_timeout());
  }

 protected:
  void do_send(std::size_t peer, privfin::ByteView data) override { parent_.send(peer, data); }
  void do_flush() override { parent_.flush(); }
  void do_receive(std::size_t peer, std::span<std::byte> out) override { parent_.receive(peer, out); }

 private:
  privfin::net::Network& parent_;
};

// --- the protocol ---------------------------------------------------------------

struct ServerReport {
  std::size_t checks = 0;
  double seconds = 0;
};

namespace detail {
// Shares of one lender's vector for every server: Rep3 pairs (x_i, x_{i+1})
// or additive shares; sent to server i as raw elements.
inline void send_shares(privfin::net::Network& net, const Deployment& d, std::span<const Ring> values,
                        privfin::Prg& prg) {
  const std::size_t n = values.size();
  std::vector<std::vector<Ring>> add(d.servers, std::vector<Ring>(n));
  for (std::size_t i = 1; i < d.servers; ++i) prg.fill(std::span<Ring>(add[i]));
  for (std::size_t k = 0; k < n; ++k) {
    Ring rest = values[k];
    for (std::size_t i = 1; i < d.servers; ++i) rest -= add[i][k];
    add[0][k] = rest;
  }
  for (std::size_t i = 0; i < d.servers; ++i) {
    net.send_elements<Ring>(i, add[i]);
    if (d.engine == Engine::rep3) net.send_elements<Ring>(i, add[(i + 1) % 3]);
  }
}

template <class P>
typename P::Arith receive_shares(privfin::net::Network& net, std::size_t lender, std::size_t n) {
  if constexpr (std::is_same_v<P, privfin::mpc::Rep3>) {
    typename P::Arith out(n);
    net.receive_elements<Ring>(lender, std::span<Ring>(out.first));
    net.receive_elements<Ring>(lender, std::span<Ring>(out.second));
    return out;
  } else {
    typename P::Arith out(n);
    net.receive_elements<Ring>(lender, std::span<Ring>(out.values));
    return out;
  }
}

template <class P>
const std::vector<std::uint64_t>& own_words(const typename P::Bool& b) {
  if constexpr (std::is_same_v<P, privfin::mpc::Rep3>) {
    return b.first;
  } else {
    return b.values;
  }
}

template <class P>
typename P::Arith concat(P& p, std::vector<typename P::Arith>& parts) {
  std::vector<const typename P::Arith*> ins;
  std::size_t total = 0;
  for (const auto& x : parts) {
    ins.push_back(&x);
    total += x.size();
  }
  return p.arith_linear(std::span<const typename P::Arith* const>(ins), total,
                        [](std::span<const std::span<const Ring>> s, std::span<Ring> o) {
                          std::size_t at = 0;
                          for (const auto& part : s) {
                            std::copy(part.begin(), part.end(), o.begin() + static_cast<std::ptrdiff_t>(at));
                            at += part.size();
                          }
                        });
}
}  // namespace detail

// Compute server: `net` is the whole cluster, `p` the protocol over the
// servers. Receives every lender's shares, computes, sends each lender its
// result shares. Returns the number of checks and the time taken.
template <class P>
ServerReport run_server(privfin::net::Network& net, P& p, const Deployment& d) {
  using Arith = typename P::Arith;
  const auto start = std::chrono::steady_clock::now();
  const std::size_t nb = d.borrowers;
  std::vector<std::size_t> counts(d.lenders);
  std::vector<Arith> portfolios, onehots, headrooms;
  for (std::size_t j = 0; j < d.lenders; ++j) {
    const std::size_t id = d.first_lender() + j;
    std::uint64_t count = 0;
    net.receive(id, std::as_writable_bytes(std::span<std::uint64_t>(&count, 1)));
    if (count > 1'000'000 || count * nb > (std::uint64_t{1} << 28)) {
      throw privfin::ProtocolError(id, "lender submitted " + std::to_string(count) + " applications (too many)");
    }
    counts[j] = static_cast<std::size_t>(count);
    portfolios.push_back(detail::receive_shares<P>(net, id, nb));
    onehots.push_back(detail::receive_shares<P>(net, id, counts[j] * nb));
    headrooms.push_back(detail::receive_shares<P>(net, id, counts[j]));
  }
  std::size_t total_apps = 0;
  for (auto c : counts) total_apps += c;
  ServerReport report;
  report.checks = total_apps;
  if (total_apps > 0) {
    Arith sum = portfolios[0];
    for (std::size_t j = 1; j < d.lenders; ++j) sum = p.add(sum, portfolios[j]);
    const Arith e = detail::concat(p, onehots);
    const Arith h = detail::concat(p, headrooms);
    const std::vector<const Arith*> in{&sum};
    const Arith repeated = p.arith_linear(std::span<const Arith* const>(in), total_apps * nb,
                                          [nb](std::span<const std::span<const Ring>> s, std::span<Ring> o) {
                                            for (std::size_t k = 0; k < o.size(); ++k) o[k] = s[0][k % nb];
                                          });
    const Arith totals = p.dot(e, repeated, nb);
    // approve = NOT (headroom < total)
    const auto declined = privfin::mpc::lt(p, h, totals);
    const std::vector<std::uint64_t> ones(declined.size(), ~std::uint64_t{0});
    const auto approved = p.xor_public(declined, ones);
    const auto& words = detail::own_words<P>(approved);
    std::size_t at = 0;
    for (std::size_t j = 0; j < d.lenders; ++j) {
      std::vector<std::uint64_t> mine((counts[j] + 63) / 64, 0);
      for (std::size_t k = 0; k < counts[j]; ++k, ++at) {
        const std::uint64_t bit = (words[at / 64] >> (at % 64)) & 1U;
        mine[k / 64] |= bit << (k % 64);
      }
      if (!mine.empty()) net.send(d.first_lender() + j, std::as_bytes(std::span<const std::uint64_t>(mine)));
    }
  }
  net.flush();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

// Lender: shares its portfolio and its applications, then receives one
// decision per application (true = approve). Validation happened when the
// book was parsed; the balances are checked again here before sharing.
inline std::vector<bool> run_lender(privfin::net::Network& net, const Deployment& d, const LenderBook& book,
                                    privfin::Prg& prg) {
  const std::size_t nb = d.borrowers;
  if (book.balances.size() != nb) throw InvalidArgument("lender: portfolio does not list every borrower index");
  for (std::size_t b = 0; b < nb; ++b) {
    if (book.balances[b] < 0 || book.balances[b] > max_amount_cents) {
      throw InvalidArgument("lender: balance of borrower " + std::to_string(b) + " is outside [0, 10^12]");
    }
  }
  std::vector<Ring> portfolio(nb);
  for (std::size_t b = 0; b < nb; ++b) portfolio[b] = Ring::from_signed(book.balances[b]);
  const std::size_t count = book.applications.size();
  std::vector<Ring> onehot(count * nb);
  std::vector<Ring> headroom(count);
  for (std::size_t k = 0; k < count; ++k) {
    const auto& a = book.applications[k];
    if (a.borrower >= nb) throw InvalidArgument("lender: application " + std::to_string(k) + " names no borrower");
    onehot[k * nb + a.borrower] = Ring{1};
    headroom[k] = Ring::from_signed(a.limit_cents - a.requested_cents);
  }
  const std::uint64_t c64 = count;
  for (std::size_t i = 0; i < d.servers; ++i) {
    net.send(i, std::as_bytes(std::span<const std::uint64_t>(&c64, 1)));
  }
  detail::send_shares(net, d, portfolio, prg);
  detail::send_shares(net, d, onehot, prg);
  detail::send_shares(net, d, headroom, prg);
  net.flush();
  std::vector<bool> out(count);
  if (count == 0) return out;
  std::vector<std::uint64_t> acc((count + 63) / 64, 0);
  std::vector<std::uint64_t> part(acc.size());
  // Rep3: the first components x_0, x_1, x_2 of the three servers XOR to the bit.
  for (std::size_t i = 0; i < d.servers; ++i) {
    net.receive(i, std::as_writable_bytes(std::span<std::uint64_t>(part)));
    for (std::size_t w = 0; w < acc.size(); ++w) acc[w] ^= part[w];
  }
  for (std::size_t k = 0; k < count; ++k) out[k] = ((acc[k / 64] >> (k % 64)) & 1U) != 0;
  return out;
}

}  // namespace anti_stacking
