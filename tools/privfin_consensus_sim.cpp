// privfin-consensus-sim — runs the deterministic consensus simulator.
//
//   privfin-consensus-sim --seed 42 --n 7 --log     # replay one seed with its event log
//   privfin-consensus-sim --seeds 1-1000            # a seed range, n cycling 4, 7, 10
//   privfin-consensus-sim --seeds 1-1000 --bug skip-lock-check   # a planted bug: expect violations
//
// Options: --engine tendermint|gosig (default tendermint), --n N (fixed n instead of cycling 4/7/10), --real-crypto (BLS),
// --byzantine honest|silent|equivocate|double-vote|malformed|replay|selective-silence (one
// Byzantine node of that kind, node seed mod n, instead of the drawn ones),
// --bug skip-lock-check|lower-round-certificate|send-before-durable (both engines),
// count-sum-of-counts|sign-twice (Gosig),
// --app stand-in|payments|kv (the application every node runs; the reference
// applications come with simulated clients), --twice (run every seed twice and fail it if the two trace hashes differ:
// the determinism check), --quiet. Prints one line per failing seed (with its first violation) and
// a summary; exits 1 if any seed failed, 2 on a usage error.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "privfin/consensus/simulator.hpp"

namespace {

using namespace privfin::consensus;

int usage() {
  std::fputs(
      "usage: privfin-consensus-sim (--seed S | --seeds A-B) [--engine tendermint|gosig] [--n N] [--log]\n"
      "                             [--real-crypto] [--byzantine KIND]\n"
      "                             [--bug skip-lock-check|lower-round-certificate|send-before-durable|\n"
      "                                    count-sum-of-counts|sign-twice] [--twice]\n"
      "                             [--app stand-in|payments|kv]\n"
      "                             [--quiet]\n",
      stderr);
  return 2;
}

std::uint64_t number(const std::string& text) {
  std::size_t used = 0;
  const auto v = std::stoull(text, &used);
  if (used != text.size()) throw std::invalid_argument("not a number: " + text);
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t first = 0, last = 0;
  bool have_seed = false, log = false, real = false, quiet = false, twice = false;
  std::size_t fixed_n = 0;
  PlantedBugs bugs;
  std::optional<Behaviour> forced;
  SimApplication application = SimApplication::stand_in;
  SimEngine engine = SimEngine::tendermint;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string_view a = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::invalid_argument(std::string(a) + " needs a value");
        return argv[++i];
      };
      if (a == "--seed") {
        first = last = number(value());
        have_seed = true;
      } else if (a == "--seeds") {
        const auto range = value();
        const auto dash = range.find('-');
        if (dash == std::string::npos) throw std::invalid_argument("--seeds takes A-B");
        first = number(range.substr(0, dash));
        last = number(range.substr(dash + 1));
        have_seed = true;
      } else if (a == "--engine") {
        const auto name = value();
        if (name == "tendermint") engine = SimEngine::tendermint;
        else if (name == "gosig") engine = SimEngine::gosig;
        else throw std::invalid_argument("unknown engine " + name);
      } else if (a == "--n") {
        fixed_n = number(value());
      } else if (a == "--log") {
        log = true;
      } else if (a == "--real-crypto") {
        real = true;
      } else if (a == "--byzantine") {
        const auto b = value();
        bool found = false;
        for (int k = 0; k < behaviour_count; ++k) {
          if (to_string(static_cast<Behaviour>(k)) == b) {
            forced = static_cast<Behaviour>(k);
            found = true;
          }
        }
        if (!found) throw std::invalid_argument("unknown behaviour " + b);
      } else if (a == "--app") {
        const auto name = value();
        if (name == "stand-in") application = SimApplication::stand_in;
        else if (name == "payments") application = SimApplication::payments;
        else if (name == "kv") application = SimApplication::kv_store;
        else throw std::invalid_argument("unknown application " + name);
      } else if (a == "--twice") {
        twice = true;
      } else if (a == "--quiet") {
        quiet = true;
      } else if (a == "--bug") {
        const auto b = value();
        if (b == "skip-lock-check") bugs.skip_lock_check = true;
        else if (b == "lower-round-certificate") bugs.accept_lower_round_certificate = true;
        else if (b == "send-before-durable") bugs.send_before_durable = true;
        else if (b == "count-sum-of-counts") bugs.count_sum_of_counts = true;
        else if (b == "sign-twice") bugs.sign_twice = true;
        else throw std::invalid_argument("unknown bug " + b);
      } else {
        return usage();
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "privfin-consensus-sim: %s\n", e.what());
    return usage();
  }
  if (!have_seed || last < first) return usage();

  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t failed = 0, events = 0;
  for (std::uint64_t seed = first; seed <= last; ++seed) {
    const std::size_t n = fixed_n != 0 ? fixed_n : std::size_t{4} + 3 * (seed % 3);
    try {
      SimConfig cfg = random_scenario(seed, n);
      cfg.bugs = bugs;
      cfg.application = application;
      cfg.engine = engine;
      cfg.real_crypto = real;
      cfg.log = log;
      if (forced) {  // exactly one Byzantine node, of this kind
        cfg.behaviour.assign(n, Behaviour::honest);
        cfg.behaviour[seed % n] = *forced;
      }
      const SimResult r = simulate(cfg);
      events += r.events;
      for (const auto& line : r.log) std::printf("%s\n", line.c_str());
      if (twice) {
        SimConfig again = cfg;
        again.log = false;
        const SimResult r2 = simulate(again);
        events += r2.events;
        if (r2.trace != r.trace || r2.events != r.events || r2.committed != r.committed) {
          ++failed;
          std::printf("seed %llu (n=%zu): not deterministic: trace %s, then %s\n", static_cast<unsigned long long>(seed), n,
                      r.trace.hex().c_str(), r2.trace.hex().c_str());
          continue;
        }
      }
      if (!r.ok()) {
        ++failed;
        std::printf("seed %llu (n=%zu): %s\n", static_cast<unsigned long long>(seed), n, r.violations.front().c_str());
      } else if (!quiet && first == last) {
        std::printf("seed %llu (n=%zu): ok, heights", static_cast<unsigned long long>(seed), n);
        for (auto h : r.committed) std::printf(" %llu", static_cast<unsigned long long>(h));
        std::printf(", %llu events, %llu messages, virtual %.3f s, trace %s\n",
                    static_cast<unsigned long long>(r.events), static_cast<unsigned long long>(r.messages),
                    static_cast<double>(r.end_time) / 1e9, r.trace.hex().c_str());
      }
    } catch (const std::exception& e) {
      ++failed;
      std::printf("seed %llu (n=%zu): error: %s\n", static_cast<unsigned long long>(seed), n, e.what());
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%llu seeds, %llu failed, %llu events in %.2f s (%.0f events/s)\n",
              static_cast<unsigned long long>(last - first + 1), static_cast<unsigned long long>(failed),
              static_cast<unsigned long long>(events), secs, static_cast<double>(events) / secs);
  return failed == 0 ? 0 : 1;
}
