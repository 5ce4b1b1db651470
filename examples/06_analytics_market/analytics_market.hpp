// Example 06: a data market with deposits (README.md). Data producers give
// their records to three compute servers running SPDZ2k (malicious
// security with abort, dishonest majority, no trusted dealer); a data
// consumer pays for the mean and variance of an amount over a filter it
// keeps to itself, and only the consumer learns them. A server that
// cheats is caught before anything is revealed, and the settlement says
// which check failed and whose deposit, if anyone's, is forfeited.
// Everything here is the example's; the protocol is privfin::mpc::Spdz2k,
// its dealer-free preprocessing mpc::Spdz2kOtPreprocessing, the signed
// transcript mpc::SignedTranscript and the clients service::Spdz2kClients.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/mpc/spdz2k.hpp"
#include "privfin/mpc/spdz2k_ot.hpp"
#include "privfin/mpc/spdz2k_transcript.hpp"
#include "privfin/net/network.hpp"
#include "privfin/net/sub_network.hpp"
#include "privfin/service/agreement.hpp"
#include "privfin/service/spdz2k_clients.hpp"
#include "privfin/sig/ed25519.hpp"

namespace ex06 {

using privfin::Bytes;
using privfin::ByteView;
using privfin::InvalidArgument;
using R = privfin::Z2k<64>;
using Arith = privfin::mpc::Spdz2k::Arith;

// Network ids: servers 0, 1, 2; producers 3 .. 3 + producers - 1; then the consumer.
inline constexpr std::size_t servers = 3;
inline constexpr std::array<std::size_t, servers> server_ids{0, 1, 2};

// The steps a cheating server may corrupt (its next message to the other
// servers at that step).
inline constexpr std::array<const char*, 4> steps{"filter", "squares", "weighting", "output"};

struct Cheat {
  std::size_t server = 1;
  std::size_t step = 0;     // index into `steps`
  bool equivocate = false;  // true: only to the next server (different messages to different peers)
};

struct Options {
  std::size_t producers = 3;
  std::size_t records = 200;    // per producer
  std::size_t categories = 4;   // each record's category, 0 .. categories - 1
  std::size_t query = 2;        // the consumer's filter: the category it asks about (the consumer's secret)
  std::uint64_t seed = 2026;    // the synthetic records (public in the demo, README)
  std::uint64_t job = 1;        // the market's job number
  std::uint64_t price = 900;    // what the consumer pays (market units)
  std::uint64_t deposit = 5000; // what each server posts
  std::optional<Cheat> cheat;   // the cheating server's plan (only that server is given it)

  [[nodiscard]] std::size_t consumer() const noexcept { return servers + producers; }
  [[nodiscard]] std::size_t parties() const noexcept { return servers + producers + 1; }
  void validate() const {
    if (producers < 1 || producers > 16) throw InvalidArgument("ex06: 1..16 producers");
    if (records < 1 || records > 100'000) throw InvalidArgument("ex06: 1..100000 records per producer");
    if (categories < 2 || categories > 16) throw InvalidArgument("ex06: 2..16 categories");
    if (query >= categories) throw InvalidArgument("ex06: the query category must be below --categories");
    if (cheat && (cheat->server >= servers || cheat->step >= steps.size())) {
      throw InvalidArgument("ex06: a cheat needs a server 0..2 and a step 0..3");
    }
  }
};

// A producer's synthetic records: a category and an amount (in cents, < 2^20).
struct Record {
  std::size_t category = 0;
  std::uint64_t amount = 0;
};

inline std::vector<Record> records_of(const Options& o, std::size_t producer) {
  privfin::Prg::Seed seed{};
  for (std::size_t i = 0; i < 8; ++i) {
    seed[i] = static_cast<std::byte>((o.seed >> (8 * i)) & 0xFF);
    seed[8 + i] = static_cast<std::byte>((producer >> (8 * i)) & 0xFF);
  }
  privfin::Prg gen(seed);
  std::vector<Record> out(o.records);
  for (auto& r : out) {
    r.category = static_cast<std::size_t>(gen.next_u64() % o.categories);
    // Amounts grow with the category, so the statistic depends on the filter.
    r.amount = 10'000 * (r.category + 1) + gen.next_u64() % 50'000;
  }
  return out;
}

// What the consumer buys: over the records of the queried category, their
// count, sum and sum of squares; mean and variance follow.
struct Statistic {
  std::uint64_t count = 0, sum = 0, sum_squares = 0;
  [[nodiscard]] double mean() const { return count == 0 ? 0.0 : static_cast<double>(sum) / static_cast<double>(count); }
  [[nodiscard]] double variance() const {
    if (count == 0) return 0.0;
    const double m = mean();
    return static_cast<double>(sum_squares) / static_cast<double>(count) - m * m;
  }
  friend bool operator==(const Statistic&, const Statistic&) = default;
};

// The same statistic in plaintext over everyone's records: a demonstration
// aid (the demo's records are synthetic and public, README).
inline Statistic plaintext_statistic(const Options& o) {
  Statistic s;
  for (std::size_t p = 0; p < o.producers; ++p) {
    for (const Record& r : records_of(o, p)) {
      if (r.category != o.query) continue;
      ++s.count;
      s.sum += r.amount;
      s.sum_squares += r.amount * r.amount;
    }
  }
  return s;
}

inline privfin::service::Parameters job_parameters(const Options& o) {
  privfin::service::Parameters params("analytics market", 1);
  params.set("job", o.job)
      .set("producers", static_cast<std::uint64_t>(o.producers))
      .set("records per producer", static_cast<std::uint64_t>(o.records))
      .set("categories", static_cast<std::uint64_t>(o.categories))
      .set("price", o.price)
      .set("deposit", o.deposit)
      .set("statistic", "count, sum, sum of squares of amount where category = query");
  return params;
}

// A cheating server's network under its Spdz2k: adds 1 to the upper half of
// the first share in its next message of 16 bytes or more to each armed
// peer (to every other server, or to one only: then the peers hold
// different messages from it, which its signed transcript proves).
class CheatingLink final : public privfin::net::Network {
 public:
  explicit CheatingLink(privfin::net::Network& inner)
      : Network(inner.party_id(), inner.party_count()), inner_(inner), armed_(inner.party_count(), false) {}
  void arm(bool equivocate) {
    for (std::size_t j = 0; j < armed_.size(); ++j) {
      if (j == party_id()) continue;
      armed_[j] = !equivocate || j == (party_id() + 1) % party_count();
    }
  }

 protected:
  void do_send(std::size_t peer, ByteView data) override {
    if (!armed_[peer] || data.size() < 16) {
      inner_.send(peer, data);
      return;
    }
    Bytes changed(data.begin(), data.end());
    changed[8] = static_cast<std::byte>(std::to_integer<unsigned>(changed[8]) + 1U);
    armed_[peer] = false;
    inner_.send(peer, changed);
  }
  void do_flush() override { inner_.flush(); }
  void do_receive(std::size_t peer, std::span<std::byte> out) override { inner_.receive(peer, out); }

 private:
  privfin::net::Network& inner_;
  std::vector<bool> armed_;
};

// --- the servers ----------------------------------------------------------

struct ServerOutcome {
  bool completed = false;
  std::string failure;                 // the check that failed, or the error
  std::optional<std::size_t> blamed;   // a server proved to have equivocated
  Bytes evidence;                      // its proof (mpc::EquivocationEvidence, 224 bytes)
  bool evidence_verifies = false;      // checked against the blamed server's key
  std::optional<std::string> cheated_at;  // this server cheated here (the demo's cheater only)
};

// Every server sends its Ed25519 key to the other servers; returns the keys
// by server id. (A real market would take them from the deposits' records.)
inline std::vector<Bytes> exchange_keys(privfin::net::Network& net, const Bytes& mine) {
  std::vector<Bytes> keys(servers);
  const std::size_t me = net.party_id();
  keys[me] = mine;
  for (const std::size_t s : server_ids) {
    if (s != me) net.send_message(s, mine);
  }
  net.flush();
  for (const std::size_t s : server_ids) {
    if (s == me) continue;
    keys[s] = net.receive_message(s, privfin::sig::ed25519_public_key_size);
    if (keys[s].size() != privfin::sig::ed25519_public_key_size) {
      throw privfin::ProtocolError(s, "sent a signing key of " + std::to_string(keys[s].size()) + " bytes");
    }
  }
  return keys;
}

inline Bytes session_of(const Options& o) {
  privfin::Writer w;
  w.string("privfin ex06 analytics market").u64(o.job);
  return std::move(w).take();
}

// The sum of all elements of x (a local step).
inline Arith total(const Arith& x, std::size_t from, std::size_t count) {
  Arith out(1);
  for (std::size_t j = from; j < from + count; ++j) {
    out.x[0] += x.x[j];
    out.m[0] += x.m[j];
  }
  return out;
}

// Appends b's elements to a (a local step).
inline void append(Arith& a, const Arith& b) {
  a.x.insert(a.x.end(), b.x.begin(), b.x.end());
  a.m.insert(a.m.end(), b.m.begin(), b.m.end());
}

inline ServerOutcome run_server(privfin::net::Network& net, const Options& o, privfin::Prg& prg) {
  using namespace privfin;
  o.validate();
  service::agree(net, job_parameters(o));
  const auto key = sig::Ed25519SecretKey::generate(prg);
  const std::vector<Bytes> keys = exchange_keys(net, key.public_key());

  ServerOutcome out;
  net::SubNetwork compute_net(net, server_ids);
  // Dealer-free: triples by OT among the servers themselves.
  mpc::Spdz2kOtPreprocessing pre(compute_net, prg);
  const Bytes session = session_of(o);
  mpc::SignedTranscript signed_net(compute_net, session, key, keys);
  const bool cheating = o.cheat && o.cheat->server == net.party_id();
  CheatingLink cheat_link(signed_net);
  mpc::Spdz2k p(cheating ? static_cast<net::Network&>(cheat_link) : signed_net, pre, prg);
  p.set_audit([&] { signed_net.audit(); });
  service::Spdz2kClients clients(net, {server_ids.begin(), server_ids.end()});
  const auto step = [&](std::size_t s) {
    if (cheating && o.cheat->step == s) {
      cheat_link.arm(o.cheat->equivocate);
      out.cheated_at = std::string(steps[s]) + (o.cheat->equivocate ? " (to one server)" : " (to both servers)");
    }
  };

  try {
    const std::size_t n = o.producers * o.records;
    const std::size_t c = o.categories;
    // Inputs: each producer's categories one-hot (records x categories), then its amounts.
    Arith onehot, amount;
    for (std::size_t k = 0; k < o.producers; ++k) {
      append(onehot, clients.receive_input(p, pre, servers + k, o.records * c));
      append(amount, clients.receive_input(p, pre, servers + k, o.records));
    }
    // The consumer's filter, one-hot: nobody but the consumer learns it.
    const Arith query = clients.receive_input(p, pre, o.consumer(), c);

    step(0);  // selected_i = <onehot_i, query>: 1 for the queried category, else 0
    Arith repeated(n * c);
    for (std::size_t i = 0; i < n; ++i) {
      std::copy(query.x.begin(), query.x.end(), repeated.x.begin() + static_cast<std::ptrdiff_t>(i * c));
      std::copy(query.m.begin(), query.m.end(), repeated.m.begin() + static_cast<std::ptrdiff_t>(i * c));
    }
    const Arith selected = p.dot(onehot, repeated, c);
    step(1);
    const Arith squares = p.mul(amount, amount);
    step(2);
    Arith left = selected, right = amount;
    append(left, selected);
    append(right, squares);
    const Arith weighted = p.mul(left, right);
    // count, sum, sum of squares: local sums.
    Arith result = total(selected, 0, n);
    append(result, total(weighted, 0, n));
    append(result, total(weighted, n, n));
    step(3);
    clients.send_output(p, pre, o.consumer(), result);
    out.completed = true;
  } catch (const ProtocolError& e) {
    out.failure = e.what();
  } catch (const NetworkError& e) {
    out.failure = e.what();
  }
  if (const auto& ev = signed_net.evidence()) {
    const std::size_t k = static_cast<std::size_t>(ev->first.signer);
    if (k < servers) {
      out.blamed = k;
      out.evidence = ev->to_bytes();
      out.evidence_verifies = mpc::verify_equivocation(*ev, session, keys[k]);
    }
  }
  return out;
}

// --- producers and the consumer --------------------------------------------

inline void run_producer(privfin::net::Network& net, const Options& o) {
  using namespace privfin;
  o.validate();
  service::agree(net, job_parameters(o));
  const auto records = records_of(o, net.party_id() - servers);
  std::vector<R> onehot(records.size() * o.categories);
  std::vector<R> amounts(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    onehot[i * o.categories + records[i].category] = R{1};
    amounts[i] = R{records[i].amount};
  }
  service::Spdz2kClients clients(net, {server_ids.begin(), server_ids.end()});
  clients.send_input(onehot);
  clients.send_input(amounts);
}

struct ConsumerOutcome {
  std::optional<Statistic> statistic;
  std::string failure;
};

inline ConsumerOutcome run_consumer(privfin::net::Network& net, const Options& o) {
  using namespace privfin;
  o.validate();
  service::agree(net, job_parameters(o));
  service::Spdz2kClients clients(net, {server_ids.begin(), server_ids.end()});
  ConsumerOutcome out;
  try {
    std::vector<R> query(o.categories);
    query[o.query] = R{1};
    clients.send_input(query);
    const std::vector<R> r = clients.receive_output(3);
    out.statistic = Statistic{r[0].value(), r[1].value(), r[2].value()};
  } catch (const ProtocolError& e) {
    out.failure = e.what();
  } catch (const NetworkError& e) {
    out.failure = e.what();
  }
  return out;
}

// --- the settlement ----------------------------------------------------------

// What the market's ledger would record for this job, as one JSON object,
// from a server: the fee when it completed; else the failed check, the
// refund, and the deposit forfeited when the abort carries evidence that
// names a server.
inline std::string ledger_record(const Options& o, const ServerOutcome& s) {
  std::ostringstream j;
  j << "{\"job\": " << o.job << ", ";
  if (s.completed) {
    j << "\"status\": \"completed\", \"consumer_pays\": " << o.price << ", \"fee_per_server\": " << o.price / servers
      << ", \"deposits_returned\": [0, 1, 2]}";
    return j.str();
  }
  std::string reason = s.failure;
  for (char& ch : reason) {
    if (ch == '"' || ch == '\\') ch = '\'';
  }
  j << "\"status\": \"aborted\", \"reason\": \"" << reason << "\", \"consumer_refunded\": " << o.price;
  if (s.blamed && s.evidence_verifies) {
    j << ", \"deposit_forfeited\": {\"server\": " << *s.blamed << ", \"amount\": " << o.deposit
      << ", \"evidence\": \"" << privfin::to_hex(s.evidence) << "\"}";
  } else {
    j << ", \"deposit_forfeited\": null";
  }
  j << "}";
  return j.str();
}

// The consumer's acknowledgement: a commitment to the result it received,
// so that a later dispute can be judged without revealing it.
inline std::string result_commitment(const Options& o, const Statistic& r, const privfin::Prg::Seed& nonce) {
  privfin::Writer w;
  w.string("privfin ex06 result").u64(o.job).raw(ByteView(nonce.data(), nonce.size()))
      .u64(r.count).u64(r.sum).u64(r.sum_squares);
  const auto h = privfin::Sha256::hash(w.data());
  return privfin::to_hex(ByteView(h.data(), h.size()));
}

// Prints a party's outcome; the exit status: 0 for a completed job whose
// result (at the consumer) equals the plaintext statistic, 3 for an
// aborted job (what the cheating run expects), 4 for a wrong result.
inline int report_server(std::ostream& os, const Options& o, std::size_t id, const ServerOutcome& s) {
  os << "server " << id << ": ";
  if (s.cheated_at) os << "CHEATED at step " << *s.cheated_at << "; ";
  if (s.completed) {
    os << "job " << o.job << " completed, result delivered to the consumer alone (triples from OT, no dealer)\n";
    os << "server " << id << " settlement: " << ledger_record(o, s) << "\n";
    return 0;
  }
  os << "job " << o.job << " ABORTED before any output: " << s.failure << "\n";
  if (s.blamed) {
    os << "server " << id << ": evidence that server " << *s.blamed << " equivocated ("
       << (s.evidence_verifies ? "verifies" : "does NOT verify") << " under its key)\n";
  } else {
    const bool mac = s.failure.find("MAC check failed") != std::string::npos;
    os << "server " << id << ": no server can be blamed with proof ("
       << (mac ? "a failed MAC check names nobody" : "this abort carries no evidence") << ")\n";
  }
  os << "server " << id << " settlement: " << ledger_record(o, s) << "\n";
  return 3;
}

inline int report_consumer(std::ostream& os, const Options& o, const ConsumerOutcome& c) {
  if (!c.statistic) {
    os << "consumer: no result (the job aborted): " << c.failure << "\n";
    return 3;
  }
  const Statistic& s = *c.statistic;
  const Statistic ref = plaintext_statistic(o);
  char line[256];
  std::snprintf(line, sizeof line, "consumer: category %zu: %llu records, mean %.2f, variance %.2f (std dev %.2f)\n",
                o.query, static_cast<unsigned long long>(s.count), s.mean() / 100.0, s.variance() / 10'000.0,
                std::sqrt(std::max(0.0, s.variance())) / 100.0);
  os << line;
  os << "consumer: plaintext check (demo only): " << (s == ref ? "equal" : "DIFFERENT") << "\n";
  const privfin::Prg::Seed nonce = privfin::random_seed();
  os << "consumer settlement: {\"job\": " << o.job << ", \"result_commitment\": \""
     << result_commitment(o, s, nonce) << "\"}  (nonce kept by the consumer: "
     << privfin::to_hex(ByteView(nonce.data(), nonce.size())) << ")\n";
  return s == ref ? 0 : 4;
}

}  // namespace ex06
