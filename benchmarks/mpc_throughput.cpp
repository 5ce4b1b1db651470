// mpc_throughput — throughput of MPC operations with every party in its own
// process over TCP on 127.0.0.1 (TLS 1.3 or plain), or on threads over
// LocalNetwork.
//
//   mpc_throughput --protocol rep3 --op mul --n 1000000 --transport tls
//   mpc_throughput --suite --transport tcp        # the standard table
//
// Options: --protocol rep3|beaver|spdz2k|ot, --parties N (rep3: 3; beaver,
// spdz2k: 2 or 3; spdz2k: see spdz2k_run below for its phases; ot: 2, OT
// extension itself with ops rot and cot, see ot_run),
// --phase online|total|total-ot|total-silent (beaver: preprocessing read
// from memory, generated during the run by a dealer party, id = --parties,
// or made during the run by OT between the parties, mpc::OtPreprocessing,
// no dealer, from IKNP or silent OT; RESULT lines then carry phase=...), --op
// reveal|mul|lt|eq|fixmul|dot|matmul (repeatable), --n N (batch size; for
// matmul the matrix dimension; for dot the total vector length, --dot-length
// L per product, default 1000), --transport tls|tcp|local, --reps R (median
// of R timed runs, default 5), --suite (the measurement list),
// --check-reveals off|on|both (Options::check_reveals of Rep3 or Beaver,
// and each timed run ends with check_reveals(), i.e. the cost of checking
// before acting on the outputs; `both` measures every op without, then
// with, in the same run; RESULT lines carry check_reveals=off|on).
//
// The parent creates credentials and a cluster configuration in a fresh
// temporary directory (net::write_local_cluster), binds one listening socket
// per party on an ephemeral port and re-executes itself once per party
// (--child). Party 0 prints, per measurement, a machine-readable line
//   RESULT protocol=rep3 op=mul bits=64 n=1000000 transport=tls items_per_s=3.1e7 bytes_per_item=8 rounds=1
// (items_per_s is the median; bytes_per_item is the average over parties
// of the bytes each sends per item; rounds is the protocol's round count)
// and the parent prints a table at the end. The program tells glibc
// (mallopt) to serve large blocks from the heap and keep freed memory, so
// that batch buffers are reused between operations rather than faulted in
// afresh each time.
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "privfin/mpc/mpc.hpp"
#include "privfin/mpc/spdz2k.hpp"
#include "privfin/mpc/spdz2k_ot.hpp"
#include "privfin/net/keygen.hpp"
#include "privfin/net/local_network.hpp"
#include "privfin/net/tcp_network.hpp"
#include "privfin/ot/extension.hpp"

using namespace privfin;
using R = Z2k<64>;

namespace {

struct Measurement {
  std::string op;
  std::size_t n = 0;
  bool check_reveals = false;  // Options::check_reveals + check_reveals() per timed run
};

struct Options {
  std::string protocol = "rep3";
  std::size_t parties = 3;
  std::vector<Measurement> runs;
  std::string transport = "tls";
  std::size_t reps = 5;
  std::size_t dot_length = 1000;
  std::string phase = "online";  // beaver: online (preprocessing read from memory) or total
  std::string check_reveals = "off";  // off, on or both
  // child mode
  bool child = false;
  std::string config;
  std::size_t party = 0;
  int fd = -1;
  std::string result_file;
};

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "mpc_throughput: %s\n"
               "usage: mpc_throughput [--protocol rep3|beaver|spdz2k|ot] [--parties 3] [--phase online|total|total-ot|total-silent] "
               "--op reveal|mul|lt|eq|fixmul|dot|matmul|rot|cot ... [--n N] [--transport tls|tcp|local] [--reps R] "
               "[--dot-length L] [--check-reveals off|on|both] | --suite\n",
               why.c_str());
  std::exit(2);
}

// ------------------------------------------------------------------ operations

struct OpInfo {
  std::string name;
  unsigned rounds;  // protocol rounds (message hops for fixmul)
};

// The protocol registry: a protocol provides a runner that executes one
// measurement on an already connected Network and returns the seconds taken.
using Runner = std::function<double(net::Network&, const Measurement&, const Options&)>;

// The timed run: seconds from the counters' reset until every party is
// done (`sync`).
double timed(net::Network& network, const std::function<void()>& body, const std::function<void()>& sync) {
  network.reset_counters();
  const auto t0 = std::chrono::steady_clock::now();
  body();
  sync();
  const auto t1 = std::chrono::steady_clock::now();
  return std::chrono::duration<double>(t1 - t0).count();
}

// One untimed run first (allocations, buffers, TCP windows).
double warm_then_time(net::Network& network, const std::function<void()>& body, const std::function<void()>& sync) {
  body();
  sync();
  return timed(network, body, sync);
}

double rep3_run(net::Network& network, const Measurement& m, const Options& o) {
  Prg seeds(random_seed());
  mpc::Rep3 p(network, seeds, mpc::Rep3::Options{.check_reveals = m.check_reveals});
  const std::size_t n = m.n;
  auto sync = [&] { (void)p.reveal(p.random_arith(1)); };
  std::function<void()> body;
  mpc::Rep3::Arith x, y, z;
  if (m.op == "reveal") {
    x = p.random_arith(n);
    body = [&] { (void)p.reveal(x); };
  } else if (m.op == "matmul") {
    x = p.random_arith(n * n);
    y = p.random_arith(n * n);
    body = [&] { (void)p.matmul(x, y, n, n, n); };
  } else if (m.op == "fixmul") {
    // Values inside the documented range: uniform encodings of |v| < 2^5.
    x = p.trunc(p.random_arith(n), 42);
    y = p.trunc(p.random_arith(n), 42);
    body = [&] { (void)mpc::fixmul<16>(p, x, y); };
  } else {
    x = p.random_arith(n);
    y = p.random_arith(n);
    if (m.op == "mul") {
      // Into one output reused across runs, as a loop over batches would.
      body = [&] { p.mul_into(x, y, z); };
    } else if (m.op == "lt") {
      // lt's precondition: differences below 2^63; scale uniform values down.
      x = p.trunc(x, 3);
      y = p.trunc(y, 3);
      body = [&] { (void)mpc::lt(p, x, y); };
    } else if (m.op == "eq") {
      body = [&] { (void)mpc::eq(p, x, y); };
    } else if (m.op == "dot") {
      const std::size_t len = std::min(o.dot_length, n);
      const std::size_t total = n / len * len;
      x.resize(total);
      y.resize(total);
      body = [&, len] { (void)p.dot(x, y, len); };
    } else {
      usage("unknown op '" + m.op + "'");
    }
  }
  if (m.check_reveals) {
    body = [&p, op = std::move(body)] {
      op();
      p.check_reveals();  // before anyone acts on what was revealed
    };
  }
  return warm_then_time(network, body, sync);
}

const std::vector<OpInfo> rep3_ops = {{"reveal", 1}, {"mul", 1}, {"lt", 8},     {"eq", 8},
                                      {"fixmul", 3}, {"dot", 1}, {"matmul", 1}};

// Beaver: phase=online uses LocalPreprocessing (a common seed from party 0):
// the warm-up run goes through a RequestLog, the logged requests are then
// generated into memory (untimed) and the timed run reads them from there.
// phase=total runs a dealer as one more party (id = --parties, its own
// process or thread): every measurement draws live from DealerPreprocessing,
// so the dealer's generation and its transfer to party n-1 are timed.
// phase=total-ot has no dealer: OtPreprocessing makes every triple and mask
// by OT between the parties inside the timed run (its base OTs, once per
// process, are not timed). phase=total-silent is the same with
// OtSource::silent: triples from silent OT (its bootstrap, once per process
// and pair, is not timed; its main iterations are, as they run).
bool with_dealer(const Options& o) { return o.protocol == "beaver" && o.phase == "total"; }
std::size_t process_count(const Options& o) { return o.parties + (with_dealer(o) ? 1 : 0); }
class SwitchedSource final : public mpc::Preprocessing {
 public:
  explicit SwitchedSource(mpc::Preprocessing& initial) : current_(&initial) {}
  void use(mpc::Preprocessing& p) { current_ = &p; }
  [[nodiscard]] std::size_t party_id() const noexcept override { return current_->party_id(); }
  [[nodiscard]] std::size_t party_count() const noexcept override { return current_->party_count(); }
  [[nodiscard]] mpc::ArithTriples arith_triples(std::size_t n) override { return current_->arith_triples(n); }
  [[nodiscard]] mpc::BoolTriples bool_triples(std::size_t w) override { return current_->bool_triples(w); }
  [[nodiscard]] mpc::TruncMasks trunc_masks(std::size_t n, unsigned d) override { return current_->trunc_masks(n, d); }

 private:
  mpc::Preprocessing* current_;
};

double beaver_run(net::Network& network, const Measurement& m, const Options& o) {
  const std::size_t id = network.party_id();
  std::unique_ptr<mpc::Preprocessing> base;
  mpc::DealerPreprocessing* dealer = nullptr;
  if (with_dealer(o)) {
    auto d = std::make_unique<mpc::DealerPreprocessing>(network, o.parties, o.parties);
    dealer = d.get();
    base = std::move(d);
  } else if (o.phase == "total-ot" || o.phase == "total-silent") {
    Prg ot_prg(random_seed());
    base = std::make_unique<mpc::OtPreprocessing>(
        network, ot_prg, o.parties, o.phase == "total-ot" ? mpc::OtSource::extension : mpc::OtSource::silent);
  } else {
    Prg::Seed common{};
    if (id == 0) {
      common = random_seed();
      for (std::size_t j = 1; j < o.parties; ++j) network.send(j, ByteView(common.data(), common.size()));
    } else {
      network.receive(0, std::span<std::byte>(common));
    }
    base = std::make_unique<mpc::LocalPreprocessing>(common, id, o.parties);
  }
  mpc::Preprocessing& live = *base;
  mpc::RequestLog log(live);
  mpc::RecordedPreprocessing tape(live);
  SwitchedSource source(live);
  Prg seeds(random_seed());
  mpc::Beaver p(network, source, seeds, o.parties, mpc::Beaver::Options{.check_reveals = m.check_reveals});
  const std::size_t n = m.n;
  auto sync = [&] { (void)p.reveal(p.random_arith(1)); };
  std::function<void()> body;
  mpc::Beaver::Arith x, y;
  if (m.op == "reveal") {
    x = p.random_arith(n);
    body = [&] { (void)p.reveal(x); };
  } else if (m.op == "fixmul") {
    x = p.trunc(p.random_arith(n), 42);
    y = p.trunc(p.random_arith(n), 42);
    body = [&] { (void)mpc::fixmul<16>(p, x, y); };
  } else {
    x = p.random_arith(n);
    y = p.random_arith(n);
    if (m.op == "mul") {
      body = [&] { (void)p.mul(x, y); };
    } else if (m.op == "lt") {
      x = p.trunc(x, 3);
      y = p.trunc(y, 3);
      body = [&] { (void)mpc::lt(p, x, y); };
    } else if (m.op == "eq") {
      body = [&] { (void)mpc::eq(p, x, y); };
    } else if (m.op == "dot") {
      const std::size_t len = std::min(o.dot_length, n);
      const std::size_t total = n / len * len;
      x.values.resize(total);
      y.values.resize(total);
      body = [&, len] { (void)p.dot(x, y, len); };
    } else {
      usage("unknown op '" + m.op + "' for beaver");
    }
  }
  if (m.check_reveals) {
    body = [&p, op = std::move(body)] {
      op();
      p.check_reveals();
    };
  }
  source.use(log);
  body();  // warm-up, logs the preprocessing requests
  sync();
  if (o.phase == "online") {
    log.replay_into(tape);
    source.use(tape);
  } else {
    source.use(live);
  }
  sync();
  const double seconds = timed(network, body, sync);
  if (dealer != nullptr) dealer->finish();
  return seconds;
}

const std::vector<OpInfo> beaver_ops = {{"reveal", 1}, {"mul", 1}, {"lt", 7}, {"eq", 7}, {"fixmul", 2}, {"dot", 1}};

// SPDZ2k (spdz2k.hpp): phase=online uses the test-only dealer
// (Spdz2kTestDealer, a common seed from party 0); the warm-up run records
// every correlation it draws and the timed run replays them from memory
// (timing only: replayed correlations are as valid as fresh ones, but must
// never be reused outside a benchmark). phase=total draws live from the
// dealer-free Spdz2kOtPreprocessing (OT-based, every op). Every timed run
// ends with a MAC check of its openings (Spdz2k::check), as an output would.
class Spdz2kReplay final : public mpc::Spdz2kPreprocessing {
 public:
  explicit Spdz2kReplay(mpc::Spdz2kPreprocessing& inner) : inner_(inner) {}
  bool replaying = false;
  [[nodiscard]] std::size_t party_id() const noexcept override { return inner_.party_id(); }
  [[nodiscard]] std::size_t party_count() const noexcept override { return inner_.party_count(); }
  [[nodiscard]] mpc::spdz2k::Word mac_key_share() const noexcept override { return inner_.mac_key_share(); }
  [[nodiscard]] std::uint64_t bit_key_share() const noexcept override { return inner_.bit_key_share(); }
  [[nodiscard]] mpc::spdz2k::Triples triples(std::size_t n) override {
    return get(t_, [&] { return inner_.triples(n); });
  }
  [[nodiscard]] mpc::spdz2k::BitTriples bit_triples(std::size_t w) override {
    return get(bt_, [&] { return inner_.bit_triples(w); });
  }
  [[nodiscard]] mpc::spdz2k::AuthShares random_values(std::size_t n) override {
    return get(rv_, [&] { return inner_.random_values(n); });
  }
  [[nodiscard]] mpc::spdz2k::AuthBits random_bits(std::size_t w) override {
    return get(rb_, [&] { return inner_.random_bits(w); });
  }
  [[nodiscard]] mpc::spdz2k::InputMasks input_masks(std::size_t o, std::size_t n) override {
    return get(im_, [&] { return inner_.input_masks(o, n); });
  }
  [[nodiscard]] mpc::spdz2k::InputBitMasks input_bit_masks(std::size_t o, std::size_t w) override {
    return get(ib_, [&] { return inner_.input_bit_masks(o, w); });
  }
  [[nodiscard]] mpc::spdz2k::EdaBits edabits(std::size_t n) override {
    return get(eb_, [&] { return inner_.edabits(n); });
  }
  [[nodiscard]] mpc::spdz2k::DaBits dabits(std::size_t c) override {
    return get(db_, [&] { return inner_.dabits(c); });
  }
  [[nodiscard]] mpc::spdz2k::TruncMasks trunc_masks(std::size_t n, unsigned d) override {
    return get(tm_, [&] { return inner_.trunc_masks(n, d); });
  }

 private:
  template <class T, class F>
  T get(std::deque<T>& q, F&& draw) {
    if (!replaying) {
      T v = draw();
      q.push_back(v);
      return v;
    }
    if (q.empty()) return draw();
    T v = std::move(q.front());
    q.pop_front();
    return v;
  }
  mpc::Spdz2kPreprocessing& inner_;
  std::deque<mpc::spdz2k::Triples> t_;
  std::deque<mpc::spdz2k::BitTriples> bt_;
  std::deque<mpc::spdz2k::AuthShares> rv_;
  std::deque<mpc::spdz2k::AuthBits> rb_;
  std::deque<mpc::spdz2k::InputMasks> im_;
  std::deque<mpc::spdz2k::InputBitMasks> ib_;
  std::deque<mpc::spdz2k::EdaBits> eb_;
  std::deque<mpc::spdz2k::DaBits> db_;
  std::deque<mpc::spdz2k::TruncMasks> tm_;
};

double spdz2k_run(net::Network& network, const Measurement& m, const Options& o) {
  const std::size_t id = network.party_id();
  std::unique_ptr<mpc::Spdz2kPreprocessing> base;
  Prg seeds(random_seed());
  if (o.phase == "total") {
    base = std::make_unique<mpc::Spdz2kOtPreprocessing>(network, seeds);
  } else {
    Prg::Seed common{};
    if (id == 0) {
      common = random_seed();
      for (std::size_t j = 1; j < o.parties; ++j) network.send(j, ByteView(common.data(), common.size()));
    } else {
      network.receive(0, std::span<std::byte>(common));
    }
    base = std::make_unique<mpc::Spdz2kTestDealer>(common, id, o.parties);
  }
  Spdz2kReplay tape(*base);
  mpc::Spdz2k p(network, o.phase == "online" ? static_cast<mpc::Spdz2kPreprocessing&>(tape) : *base, seeds);
  const std::size_t n = m.n;
  auto sync = [&] { (void)p.reveal(p.random_arith(1)); };
  std::function<void()> op;
  mpc::Spdz2k::Arith x, y;
  if (m.op == "reveal") {
    x = p.random_arith(n);
    op = [&] { (void)p.reveal(x); };
  } else if (m.op == "fixmul") {
    x = p.trunc(p.random_arith(n), 42);
    y = p.trunc(p.random_arith(n), 42);
    op = [&] { (void)mpc::fixmul<16>(p, x, y); };
  } else {
    x = p.random_arith(n);
    y = p.random_arith(n);
    if (m.op == "mul") {
      op = [&] { (void)p.mul(x, y); };
    } else if (m.op == "lt") {
      x = p.trunc(x, 3);
      y = p.trunc(y, 3);
      op = [&] { (void)mpc::lt(p, x, y); };
    } else if (m.op == "eq") {
      op = [&] { (void)mpc::eq(p, x, y); };
    } else if (m.op == "dot") {
      const std::size_t len = std::min(o.dot_length, n);
      const std::size_t total = n / len * len;
      x.x.resize(total);
      x.m.resize(total);
      y.x.resize(total);
      y.m.resize(total);
      op = [&, len] { (void)p.dot(x, y, len); };
    } else {
      usage("unknown op '" + m.op + "' for spdz2k");
    }
  }
  const auto body = [&] {
    op();
    p.check();
  };
  sync();
  body();  // warm-up; records the correlations (phase=online)
  sync();
  tape.replaying = true;
  return timed(network, body, sync);
}

// Rounds: the operation's own plus the 4 of the MAC check.
const std::vector<OpInfo> spdz2k_ops = {{"reveal", 5}, {"mul", 5}, {"lt", 12}, {"eq", 12}, {"fixmul", 6}, {"dot", 5}};

// OT extension (ot/extension.hpp) between the two processes: party 0
// offers, party 1 chooses. The 128 base OTs run once per measurement before
// the warm-up (not timed); each timed run is one call for n OTs, its KOS
// checks included: rot = random OT (both messages to the sender, the chosen
// one to the receiver), cot = correlated OT over Z_2^64 (into buffers kept
// across runs).
double ot_run(net::Network& network, const Measurement& m, const Options&) {
  Prg prg(random_seed());
  const bool sender = network.party_id() == 0;
  std::unique_ptr<ot::ExtensionSender> s;
  std::unique_ptr<ot::ExtensionReceiver> r;
  if (sender) {
    s = std::make_unique<ot::ExtensionSender>(network, 1, prg);
  } else {
    r = std::make_unique<ot::ExtensionReceiver>(network, 0, prg);
  }
  const std::size_t n = m.n;
  const auto choices = std::make_unique<bool[]>(n);
  for (std::size_t i = 0; i < n; ++i) choices[i] = (prg.next_u64() & 1U) != 0;
  const std::span<const bool> c(choices.get(), n);
  std::vector<std::uint64_t> correlations(n), out(n);
  prg.fill(std::span(correlations));
  std::function<void()> body;
  if (m.op == "rot") {
    body = sender ? std::function<void()>([&] { (void)s->random_ot(n); }) : [&] { (void)r->random_ot(c); };
  } else if (m.op == "cot") {
    body = sender ? std::function<void()>([&] { s->correlated_ot(correlations, out); })
                  : [&] { r->correlated_ot(c, out); };
  } else {
    usage("unknown op '" + m.op + "' for ot (rot or cot)");
  }
  // Both sides done: a byte there and back.
  const auto sync = [&] {
    std::array<std::byte, 1> b{};
    const std::size_t peer = 1 - network.party_id();
    if (sender) {
      network.send(peer, b);
      network.receive(peer, b);
    } else {
      network.receive(peer, b);
      network.send(peer, b);
      network.flush();
    }
  };
  return warm_then_time(network, body, sync);
}

// Messages in sequence per protocol batch: matrix, challenge, response (and
// the corrections).
const std::vector<OpInfo> ot_ops = {{"rot", 3}, {"cot", 4}};

struct ProtocolEntry {
  std::string name;
  std::vector<std::size_t> party_counts;
  Runner run;
  const std::vector<OpInfo>* ops;
};

const std::vector<ProtocolEntry>& protocols() {
  static const std::vector<ProtocolEntry> list = {{"rep3", {3}, rep3_run, &rep3_ops},
                                                  {"beaver", {2, 3}, beaver_run, &beaver_ops},
                                                  {"spdz2k", {2, 3}, spdz2k_run, &spdz2k_ops},
                                                  {"ot", {2}, ot_run, &ot_ops}};
  return list;
}

const ProtocolEntry& find_protocol(const Options& o) {
  for (const auto& p : protocols()) {
    if (p.name != o.protocol) continue;
    if (std::find(p.party_counts.begin(), p.party_counts.end(), o.parties) == p.party_counts.end()) {
      usage("protocol " + o.protocol + " does not run with " + std::to_string(o.parties) + " parties");
    }
    return p;
  }
  std::string names;
  for (const auto& p : protocols()) names += " " + p.name;
  usage("unknown protocol '" + o.protocol + "'; available:" + names);
}

std::size_t items_of(const Measurement& m) { return m.op == "matmul" ? 1 : m.n; }

// Runs every measurement `reps` times on this party; returns, per
// measurement, the median seconds and this party's bytes sent.
std::vector<std::pair<double, double>> run_party(net::Network& network, const Options& o) {
  const auto& proto = find_protocol(o);
  std::vector<std::pair<double, double>> out;
  if (with_dealer(o) && network.party_id() == o.parties) {  // the dealer: one session per timed run
    Prg seeds(random_seed());
    for (std::size_t i = 0; i < o.runs.size(); ++i) {
      for (std::size_t r = 0; r < o.reps; ++r) (void)mpc::run_dealer(network, o.parties, seeds);
      out.emplace_back(0.0, 0.0);  // bytes_per_item covers the compute parties (see dealer.hpp for its traffic)
    }
    return out;
  }
  for (const auto& m : o.runs) {
    std::vector<double> times;
    double bytes = 0;
    for (std::size_t r = 0; r < o.reps; ++r) {
      times.push_back(proto.run(network, m, o));
      bytes = static_cast<double>(network.total_counters().bytes_sent);
    }
    std::sort(times.begin(), times.end());
    out.emplace_back(times[times.size() / 2], bytes);
  }
  return out;
}

// Party 0 collects the other parties' byte counts and prints RESULT lines.
std::string report(net::Network& network, const Options& o, const std::vector<std::pair<double, double>>& res) {
  std::vector<double> bytes(res.size());
  for (std::size_t i = 0; i < res.size(); ++i) bytes[i] = res[i].second;
  if (network.party_id() != 0) {
    network.send(0, std::as_bytes(std::span<const double>(bytes)));
    network.flush();
    return {};
  }
  std::vector<double> total = bytes;
  for (std::size_t peer = 1; peer < network.party_count(); ++peer) {
    std::vector<double> theirs(res.size());
    network.receive(peer, std::as_writable_bytes(std::span<double>(theirs)));
    for (std::size_t i = 0; i < res.size(); ++i) total[i] += theirs[i];
  }
  const auto& proto = find_protocol(o);
  std::ostringstream lines;
  for (std::size_t i = 0; i < res.size(); ++i) {
    const auto& m = o.runs[i];
    unsigned rounds = 0;
    for (const auto& info : *proto.ops) {
      if (info.name == m.op) rounds = info.rounds;
    }
    // Beaver with 3 parties: one carry-save AND round reduces its 3 components to 2.
    if (o.protocol == "beaver" && o.parties > 2 && (m.op == "lt" || m.op == "eq")) rounds += 1;
    if (m.check_reveals) rounds += 1;
    const double items = static_cast<double>(items_of(m));
    // OT: the bytes of both directions per OT (one pair, unlike the
    // protocols' average over parties).
    const double senders = o.protocol == "ot" ? 1.0 : static_cast<double>(o.parties);
    char line[512];
    std::snprintf(line, sizeof line,
                  "RESULT protocol=%s op=%s bits=64 n=%zu transport=%s items_per_s=%.4g bytes_per_item=%.4g "
                  "rounds=%u seconds=%.4g%s\n",
                  o.protocol.c_str(), m.op.c_str(), m.n, o.transport.c_str(), items / res[i].first,
                  total[i] / senders / items, rounds, res[i].first,
                  ((o.protocol == "beaver" || o.protocol == "spdz2k" ? " phase=" + o.phase : std::string()) + " check_reveals=" +
                   (m.check_reveals ? "on" : "off")).c_str());
    lines << line;
  }
  return lines.str();
}

// ------------------------------------------------------------------ processes

int child_main(const Options& o) {
  auto config = net::PartyConfig::load(o.config);
  auto network = net::TcpNetwork::connect(config, o.party, net::TcpListener::adopt(o.fd));
  const auto res = run_party(*network, o);
  const std::string lines = report(*network, o, res);
  network->close();
  if (o.party == 0) {
    std::fputs(lines.c_str(), stdout);
    std::fflush(stdout);
    if (!o.result_file.empty()) {
      FILE* f = std::fopen(o.result_file.c_str(), "w");
      if (f != nullptr) {
        std::fputs(lines.c_str(), f);
        std::fclose(f);
      }
    }
  }
  return 0;
}

std::string run_local(const Options& o) {
  auto nets = net::LocalNetwork::create(process_count(o));
  std::vector<std::thread> threads;
  std::vector<std::exception_ptr> errors(process_count(o));
  std::string lines;
  for (std::size_t i = 0; i < process_count(o); ++i) {
    threads.emplace_back([&, i] {
      try {
        const auto res = run_party(*nets[i], o);
        auto l = report(*nets[i], o, res);
        if (i == 0) lines = l;
      } catch (...) {
        errors[i] = std::current_exception();
        nets[i]->close();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  std::fputs(lines.c_str(), stdout);
  return lines;
}

std::string run_processes(const Options& o, const char* self) {
  std::string pattern = (std::filesystem::temp_directory_path() / "mpc-throughput-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  const std::filesystem::path dir = pattern;
  const auto transport = o.transport == "tls" ? net::Transport::tls : net::Transport::plain_insecure;
  net::PartyConfig config = net::write_local_cluster(dir, process_count(o), "127.0.0.1", 40000, transport);
  std::vector<net::TcpListener> listeners;
  for (auto& party : config.parties) {
    listeners.push_back(net::TcpListener::bind("127.0.0.1", 0));
    party.port = listeners.back().port();
  }
  config.receive_timeout = std::chrono::milliseconds(600'000);
  const auto config_file = dir / "run.json";
  config.save(config_file);
  const auto result_file = dir / "results.txt";

  std::vector<pid_t> pids;
  for (std::size_t i = 0; i < process_count(o); ++i) {
    std::vector<std::string> args = {self, "--child", "--config", config_file.string(), "--party", std::to_string(i),
                                     "--fd", std::to_string(listeners[i].native_handle()), "--protocol", o.protocol,
                                     "--parties", std::to_string(o.parties), "--transport", o.transport, "--reps",
                                     std::to_string(o.reps), "--dot-length", std::to_string(o.dot_length),
                                     "--result-file", result_file.string(), "--phase", o.phase,
                                     "--check-reveals", o.check_reveals};
    for (const auto& m : o.runs) {
      if (m.check_reveals && o.check_reveals == "both") continue;  // the child doubles the list again
      args.insert(args.end(), {"--op", m.op, "--n", std::to_string(m.n)});
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int fd = listeners[i].native_handle();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
      ::fcntl(fd, F_SETFD, 0);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    pids.push_back(pid);
  }
  listeners.clear();
  int failed = 0;
  for (pid_t pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) ++failed;
  }
  std::string lines;
  if (FILE* f = std::fopen(result_file.c_str(), "r")) {
    char buf[1024];
    while (std::fgets(buf, sizeof buf, f) != nullptr) lines += buf;
    std::fclose(f);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (failed != 0) throw std::runtime_error(std::to_string(failed) + " party process(es) failed");
  return lines;
}

void print_table(const std::string& lines) {
  std::printf("\n%-8s %-7s %-10s %-9s %-6s %14s %14s %7s\n", "protocol", "op", "n", "transport", "check",
              "items/s", "bytes/item", "rounds");
  std::istringstream in(lines);
  std::string line;
  while (std::getline(in, line)) {
    auto field = [&](const std::string& key) {
      const auto pos = line.find(" " + key + "=");
      if (pos == std::string::npos) return std::string();
      const auto start = pos + key.size() + 2;
      return line.substr(start, line.find(' ', start) - start);
    };
    const std::string check = field("check_reveals");
    std::printf("%-8s %-7s %-10s %-9s %-6s %14s %14s %7s\n", field("protocol").c_str(), field("op").c_str(),
                field("n").c_str(), field("transport").c_str(), check.empty() ? "-" : check.c_str(),
                field("items_per_s").c_str(), field("bytes_per_item").c_str(), field("rounds").c_str());
  }
}

Options parse(int argc, char** argv) {
  Options o;
  std::size_t n = 1'000'000;
  std::vector<std::string> ops;
  bool suite = false;
  std::vector<std::size_t> ns;
  bool parties_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage("missing value after " + a);
      return argv[++i];
    };
    auto number = [&]() -> std::size_t {
      const std::string v = value();
      try {
        return static_cast<std::size_t>(std::stoull(v));
      } catch (const std::exception&) {
        usage("not a number: " + v);
      }
    };
    if (a == "--protocol") o.protocol = value();
    else if (a == "--parties") {
      o.parties = number();
      parties_given = true;
    }
    else if (a == "--op") ops.push_back(value());
    else if (a == "--n") ns.push_back(number());
    else if (a == "--transport") o.transport = value();
    else if (a == "--reps") o.reps = std::max<std::size_t>(1, number());
    else if (a == "--dot-length") o.dot_length = std::max<std::size_t>(1, number());
    else if (a == "--suite") suite = true;
    else if (a == "--phase") o.phase = value();
    else if (a == "--check-reveals") o.check_reveals = value();
    else if (a == "--child") o.child = true;
    else if (a == "--config") o.config = value();
    else if (a == "--party") o.party = number();
    else if (a == "--fd") o.fd = static_cast<int>(number());
    else if (a == "--result-file") o.result_file = value();
    else usage("unknown option " + a);
  }
  if (o.protocol == "ot" && !parties_given) o.parties = 2;  // one sender, one receiver
  if (o.transport != "tls" && o.transport != "tcp" && o.transport != "local") usage("unknown transport " + o.transport);
  if (o.phase != "online" && o.phase != "total" &&
      !((o.phase == "total-ot" || o.phase == "total-silent") && o.protocol == "beaver")) {
    usage("unknown phase " + o.phase + " (online or total; total-ot and total-silent for beaver)");
  }
  if (o.check_reveals != "off" && o.check_reveals != "on" && o.check_reveals != "both") {
    usage("unknown --check-reveals " + o.check_reveals + " (off, on or both)");
  }
  if (suite) {
    o.runs = {{"mul", 1'000'000}, {"mul", 10'000'000}, {"lt", 100'000}, {"lt", 1'000'000}, {"eq", 1'000'000},
              {"fixmul", 1'000'000}, {"dot", 1'000'000}, {"matmul", 100}, {"matmul", 1000}};
    if (o.protocol == "beaver" || o.protocol == "spdz2k") {  // no matmul member: products cost per term
      std::erase_if(o.runs, [](const Measurement& r) { return r.op == "matmul"; });
    }
  } else {
    if (ops.empty()) usage("no --op given");
    if (ns.empty()) ns.push_back(n);
    // --op/--n pairs in order; a single --n applies to every op.
    for (std::size_t i = 0; i < ops.size(); ++i) o.runs.push_back({ops[i], ns.size() == 1 ? ns[0] : ns.at(i)});
  }
  for (const auto& m : o.runs) {
    if (m.n == 0) usage("--n must be positive");
  }
  if (o.check_reveals != "off") {
    std::vector<Measurement> runs;
    for (const auto& m : o.runs) {
      if (o.check_reveals == "both") runs.push_back(m);
      runs.push_back({m.op, m.n, true});
    }
    o.runs = std::move(runs);
  }
  (void)find_protocol(o);
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  // Keep freed batch buffers in the heap instead of returning them to the
  // kernel after every operation: otherwise every large batch pays page
  // faults and page zeroing again (glibc serves blocks above 128 KiB..32 MiB
  // with mmap and unmaps them on free).
  ::mallopt(M_MMAP_MAX, 0);
  ::mallopt(M_TRIM_THRESHOLD, 1 << 30);
  try {
    const Options o = parse(argc, argv);
    if (o.child) return child_main(o);
    const std::string lines = o.transport == "local" ? run_local(o) : run_processes(o, "/proc/self/exe");
    print_table(lines);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mpc_throughput: %s\n", e.what());
    return 1;
  }
}
