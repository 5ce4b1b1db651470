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
// count-sum-of-counts|sign-twice (Gosig), ignore-validator-changes (with
// --validator-changes),
// --app stand-in|payments|kv (the application every node runs; the reference
// applications come with simulated clients), --validator-changes K (the
// application changes the validators' weights every K heights; either
// engine, with --app payments or kv), --adaptive-delay-ms D (an adaptive adversary
// corrupts each node whose proposal it sees, D ms later, as many as f
// allows beside the drawn Byzantine nodes; --adaptive-behaviour
// silent|equivocate|double-vote, silent by default), --twice (run every seed twice and fail it if the two trace hashes differ:
// the determinism check), --clock-offset-ms M (every node's clock off by a
// drawn amount in [-M, M] ms, replacing the scenario's draw; with
// --calm, the measurement of docs/consensus.md "Clock skew"), --calm (no
// loss, partition, crash, clog, delayed votes or drift: only latency and
// the clocks), --quiet. The model, for measurements (issue #17's
// reproductions): --latency-ms L (every message takes L ms), --verify-us V
// (one signature or aggregate check costs V us of modelled CPU), --heights H,
// Gosig's --fanout, --gossip-interval-ms, --stage-one-ms, --stage-two-ms,
// --candidates, --symbolic-sortition, the Tendermint form's --timeout-scale
// K, --sends-after-cpu; --agreement prints
// the model and each height's time to agreement. The WAN model (docs/performance.md,
// "Gosig over a WAN"): --regions aws14 (node i in region i mod 14, 5%
// jitter), --bandwidth-mbps B (each node's upload and download), a client
// load of --load-tps T transactions a second of --tx-bytes W bytes each,
// --check-us-per-tx C (a validator's time to check one), --max-body-mb M,
// and Gosig's body streaming: --chunk-kb K (of the body's in-memory
// form, 16 bytes a transaction), --chunk-fanout, --chunk-window, --chunk-retry-ticks,
// --forwarded-candidates, --kept-decisions; it prints throughput and
// latency. Prints one line per failing seed (with its first violation) and
// a summary; exits 1 if any seed failed, 2 on a usage error.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "privfin/consensus/simulator.hpp"

namespace {

using namespace privfin::consensus;

std::uint64_t number(const std::string& text) {
  std::size_t used = 0;
  const auto v = std::stoull(text, &used);
  if (used != text.size()) throw std::invalid_argument("not a number: " + text);
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t first = 0, last = 0;
  bool log = false, real = false, quiet = false, twice = false, calm = false;
  std::optional<std::uint64_t> clock_offset_ms;
  double heights_per_second = 0;
  std::size_t fixed_n = 0;
  Height validator_change_every = 0;
  std::optional<std::uint64_t> adaptive_delay_ms;
  std::string adaptive_behaviour = "silent";
  PlantedBugs bugs;
  std::optional<Behaviour> forced;
  SimApplication application = SimApplication::stand_in;
  SimEngine engine = SimEngine::tendermint;
  std::optional<std::uint64_t> seed_option;
  std::string seeds, engine_name = "tendermint", byzantine, app_name = "stand-in", bug;
  // The network and CPU model (issue #17's reproductions); unset: the scenario's draw.
  std::optional<std::uint64_t> latency_ms, verify_us, heights, fanout, gossip_ms, stage_one_ms, stage_two_ms, candidates;
  bool agreement = false, symbolic_sortition = false, sends_after_cpu = false;
  std::optional<std::uint64_t> timeout_scale;
  std::string regions;
  std::optional<double> bandwidth_mbps, load_tps;
  std::optional<std::uint64_t> tx_bytes, check_us_per_tx, max_body_mb, chunk_kb, chunk_fanout, chunk_window, chunk_retry_ticks,
      forwarded_candidates, kept_decisions;

  CLI::App cli{"privfin-consensus-sim: runs the deterministic consensus simulator (docs/consensus.md)"};
  auto* seed_flag = cli.add_option("--seed", seed_option, "one seed (replay it; with --log, its event log)");
  cli.add_option("--seeds", seeds, "a seed range A-B (n cycles 4, 7, 10 unless --n)")->excludes(seed_flag);
  cli.add_option("--engine", engine_name, "tendermint or gosig")->check(CLI::IsMember({"tendermint", "gosig"}));
  cli.add_option("--n", fixed_n, "a fixed number of nodes (at most 10,000)")->check(CLI::Range(1, 10'000));
  cli.add_flag("--log", log, "print the event log");
  cli.add_flag("--real-crypto", real, "BLS12-381 signatures instead of symbolic ones");
  cli.add_option("--byzantine", byzantine, "one Byzantine node of this kind (node seed mod n)");
  cli.add_option("--app", app_name, "stand-in, payments or kv")->check(CLI::IsMember({"stand-in", "payments", "kv"}));
  cli.add_option("--bug", bug, "a planted bug: skip-lock-check, lower-round-certificate, send-before-durable, "
                               "count-sum-of-counts, sign-twice, ignore-validator-changes");
  cli.add_option("--validator-changes", validator_change_every,
                 "the application changes the validators' weights every K heights (--app payments or kv)")
      ->check(CLI::Range(1, 1'000'000));
  cli.add_option("--adaptive-delay-ms", adaptive_delay_ms,
                 "an adaptive adversary corrupts each proposer it sees this many ms later (up to f in all)")
      ->check(CLI::Range(0, 600'000));
  cli.add_option("--adaptive-behaviour", adaptive_behaviour, "what a corrupted node does")
      ->check(CLI::IsMember({"silent", "equivocate", "double-vote"}));
  cli.add_flag("--twice", twice, "run every seed twice and compare the trace hashes");
  cli.add_option("--clock-offset-ms", clock_offset_ms, "each node's clock off by up to this many ms (replaces the draw)")
      ->check(CLI::Range(0, 600'000));
  cli.add_flag("--calm", calm, "no faults but latency and clock offsets (for measurements)");
  cli.add_flag("--quiet", quiet, "print only failing seeds and the summary");
  cli.add_option("--latency-ms", latency_ms, "every message takes exactly this long (no zones, no jitter)")
      ->check(CLI::Range(0, 60'000));
  cli.add_option("--verify-us", verify_us,
                 "modelled CPU time of one signature or aggregate check (the per-signer part unchanged)")
      ->check(CLI::Range(1, 1'000'000));
  cli.add_option("--heights", heights,
                 "the run ends once every honest node has committed this many heights (no more are asked after "
                 "the faults end)")
      ->check(CLI::Range(1, 100'000));
  cli.add_option("--fanout", fanout, "Gosig: peers per gossip push")->check(CLI::Range(1, 1'000));
  cli.add_option("--gossip-interval-ms", gossip_ms, "Gosig: time between gossip pushes")->check(CLI::Range(1, 60'000));
  cli.add_option("--stage-one-ms", stage_one_ms, "Gosig: T_I, the proposal stage")->check(CLI::Range(1, 600'000));
  cli.add_option("--stage-two-ms", stage_two_ms, "Gosig: T_II, the signature stage")->check(CLI::Range(1, 600'000));
  cli.add_option("--candidates", candidates, "Gosig: expected leader candidates per round")->check(CLI::Range(1, 1'000));
  cli.add_option("--timeout-scale", timeout_scale,
                 "Tendermint form: its timeouts and rebroadcast interval times this (theirs suit a LAN)")
      ->check(CLI::Range(1, 1'000));
  cli.add_flag("--symbolic-sortition", symbolic_sortition,
               "Gosig: leader candidates from symbolic tags instead of ECVRF (same distribution, cheaper to simulate)");
  cli.add_flag("--sends-after-cpu", sends_after_cpu,
               "a step's messages leave once its modelled CPU time is paid (default: when it begins)");
  cli.add_flag("--agreement", agreement,
               "print each height's time to agreement: first, median and last honest commit after the height's start "
               "(Gosig: its round's stage II)");
  cli.add_option("--regions", regions, "node i in region i mod R of a latency matrix: aws14")
      ->check(CLI::IsMember({"aws14"}));
  cli.add_option("--bandwidth-mbps", bandwidth_mbps, "each node's upload and download rate, Mbit/s")
      ->check(CLI::Range(0.1, 100'000.0));
  cli.add_option("--load-tps", load_tps, "Gosig, stand-in: a client load of this many transactions a second")
      ->check(CLI::Range(0.001, 10'000'000.0));
  cli.add_option("--tx-bytes", tx_bytes, "each load transaction's size on the network (default 250)")
      ->check(CLI::Range(16, 1'000'000));
  cli.add_option("--check-us-per-tx", check_us_per_tx, "a validator's time to check one load transaction")
      ->check(CLI::Range(0, 1'000'000));
  cli.add_option("--max-body-mb", max_body_mb, "largest block body in memory, MiB (default 1)")->check(CLI::Range(1, 4'096));
  cli.add_option("--chunk-kb", chunk_kb, "Gosig: stream bodies above this many KiB in chunks of it (0: never)")
      ->check(CLI::Range(0, 1'048'576));
  cli.add_option("--chunk-fanout", chunk_fanout, "Gosig: peers each body chunk is pushed to per hop")->check(CLI::Range(1, 1'000));
  cli.add_option("--chunk-window", chunk_window, "Gosig: chunks asked of one peer at once, and sent in answer to one request")->check(CLI::Range(1, 100'000));
  cli.add_option("--chunk-retry-ticks", chunk_retry_ticks, "Gosig: gossip ticks before a chunk asked for is asked of another peer")
      ->check(CLI::Range(1, 100'000));
  cli.add_option("--forwarded-candidates", forwarded_candidates, "Gosig: best candidates whose bodies are relayed")
      ->check(CLI::Range(1, 1'000));
  cli.add_option("--kept-decisions", kept_decisions, "Gosig: recent decisions kept to serve peers behind")
      ->check(CLI::Range(1, 1'000));
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }
  try {
    if (seed_option) {
      first = last = *seed_option;
    } else if (!seeds.empty()) {
      const auto dash = seeds.find('-');
      if (dash == std::string::npos) throw std::invalid_argument("--seeds takes A-B");
      first = number(seeds.substr(0, dash));
      last = number(seeds.substr(dash + 1));
    } else {
      throw std::invalid_argument("give --seed S or --seeds A-B");
    }
    if (last < first) throw std::invalid_argument("--seeds A-B needs A <= B");
    engine = engine_name == "gosig" ? SimEngine::gosig : SimEngine::tendermint;
    if (!byzantine.empty()) {
      forced = behaviour_from_string(byzantine);
      if (!forced) throw std::invalid_argument("unknown behaviour " + byzantine);
    }
    if (app_name == "payments") application = SimApplication::payments;
    if (app_name == "kv") application = SimApplication::kv_store;
    if (bug == "skip-lock-check") bugs.skip_lock_check = true;
    else if (bug == "lower-round-certificate") bugs.accept_lower_round_certificate = true;
    else if (bug == "send-before-durable") bugs.send_before_durable = true;
    else if (bug == "count-sum-of-counts") bugs.count_sum_of_counts = true;
    else if (bug == "sign-twice") bugs.sign_twice = true;
    else if (bug == "ignore-validator-changes") bugs.ignore_validator_changes = true;
    else if (!bug.empty()) throw std::invalid_argument("unknown bug " + bug);
    if (validator_change_every > 0 && adaptive_delay_ms) {
      throw std::invalid_argument("--validator-changes and --adaptive-delay-ms cannot be combined");
    }
    if (validator_change_every > 0 && application == SimApplication::stand_in) {
      throw std::invalid_argument("--validator-changes needs --app payments or kv");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "privfin-consensus-sim: %s (see --help)\n", e.what());
    return 2;
  }

  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t failed = 0, events = 0, evidence_seeds = 0, corrupted = 0;
  for (std::uint64_t seed = first; seed <= last; ++seed) {
    const std::size_t n = fixed_n != 0 ? fixed_n : std::size_t{4} + 3 * (seed % 3);
    try {
      SimConfig cfg = random_scenario(seed, n);
      cfg.bugs = bugs;
      cfg.application = application;
      cfg.engine = engine;
      cfg.validator_change_every = validator_change_every;
      if (adaptive_delay_ms) {  // after the Byzantine nodes drawn or forced below
        cfg.adaptive_delay = static_cast<TimePoint>(*adaptive_delay_ms) * 1'000'000;
        cfg.adaptive_behaviour = *behaviour_from_string(adaptive_behaviour);
      }
      cfg.real_crypto = real;
      cfg.log = log;
      if (calm) remove_faults(cfg);
      if (clock_offset_ms) cfg.max_clock_offset = static_cast<TimePoint>(*clock_offset_ms) * 1'000'000;
      if (forced) {  // exactly one Byzantine node, of this kind
        cfg.behaviour.assign(n, Behaviour::honest);
        cfg.behaviour[seed % n] = *forced;
      }
      if (adaptive_delay_ms) cfg.adaptive_corruptions = adaptive_budget(cfg);
      constexpr TimePoint ms = 1'000'000;
      if (latency_ms) set_fixed_latency(cfg, static_cast<TimePoint>(*latency_ms) * ms);
      if (verify_us) cfg.costs.verify = cfg.costs.aggregate_verify = static_cast<std::int64_t>(*verify_us) * 1'000;
      cfg.sends_after_cpu = sends_after_cpu;
      if (heights) {
        cfg.target_height = *heights;
        cfg.progress_after_faults = 0;
      }
      if (stage_one_ms || stage_two_ms) {  // long rounds: leave time for every height asked for
        const TimePoint round = (stage_one_ms ? static_cast<TimePoint>(*stage_one_ms) * ms : cfg.gosig.stage_one) +
                                (stage_two_ms ? static_cast<TimePoint>(*stage_two_ms) * ms : cfg.gosig.stage_two);
        cfg.liveness_window = std::max(cfg.liveness_window, static_cast<TimePoint>(cfg.target_height + 3) * round);
      }
      if (fanout) cfg.gosig.gossip.fanout = *fanout;
      if (gossip_ms) cfg.gosig.gossip.interval = static_cast<TimePoint>(*gossip_ms) * ms;
      if (stage_one_ms) cfg.gosig.stage_one = static_cast<TimePoint>(*stage_one_ms) * ms;
      if (stage_two_ms) cfg.gosig.stage_two = static_cast<TimePoint>(*stage_two_ms) * ms;
      if (candidates) cfg.gosig.expected_candidates = *candidates;
      cfg.gosig.symbolic_sortition = symbolic_sortition;
      if (timeout_scale) cfg.tendermint = cfg.tendermint.scaled(static_cast<std::int64_t>(*timeout_scale));
      if (regions == "aws14") set_regions(cfg, aws_14_regions(), 0.05);
      if (bandwidth_mbps) {
        cfg.ns_per_byte = cfg.ingress_ns_per_byte = static_cast<std::int64_t>(8'000.0 / *bandwidth_mbps + 0.5);
      }
      if (load_tps) cfg.load_tx_per_s = *load_tps;
      if (tx_bytes) cfg.load_tx_wire_bytes = *tx_bytes;
      if (check_us_per_tx) cfg.load_check_ns_per_tx = static_cast<std::int64_t>(*check_us_per_tx) * 1'000;
      if (max_body_mb) cfg.max_body = static_cast<std::size_t>(*max_body_mb) << 20;
      if (chunk_kb) cfg.gosig.chunk_bytes = static_cast<std::size_t>(*chunk_kb) << 10;
      if (chunk_fanout) cfg.gosig.chunk_fanout = *chunk_fanout;
      if (chunk_window) cfg.gosig.chunk_window = *chunk_window;
      if (chunk_retry_ticks) cfg.gosig.chunk_retry_ticks = *chunk_retry_ticks;
      if (forwarded_candidates) cfg.gosig.forwarded_candidates = *forwarded_candidates;
      if (kept_decisions) cfg.gosig.kept_decisions = *kept_decisions;
      const SimResult r = simulate(cfg);
      if (load_tps) {
        const auto o = load_outcome(cfg, r);
        std::printf("seed %llu (n=%zu): load %.0f tx/s of %zu bytes, bandwidth %s, check %.1f us per tx: "
                    "%llu committed in %llu heights (%.0f per block), %.0f tx/s, latency mean %.2f s, max %.2f s\n",
                    static_cast<unsigned long long>(seed), n, cfg.load_tx_per_s, cfg.load_tx_wire_bytes,
                    cfg.ns_per_byte > 0 ? (std::to_string(8'000 / cfg.ns_per_byte) + " Mbit/s per node up and down").c_str()
                                        : "unlimited",
                    static_cast<double>(cfg.load_check_ns_per_tx) / 1e3, static_cast<unsigned long long>(o.committed),
                    static_cast<unsigned long long>(o.heights), o.mean_block_tx, o.tx_per_s, o.mean_latency_s,
                    o.max_latency_s);
      }
      if (agreement) {
        TimePoint low = cfg.latency_min, high = cfg.latency_max, jitter = cfg.jitter;
        if (!cfg.zone.empty()) {  // the zone matrix replaces the drawn range
          low = std::numeric_limits<TimePoint>::max();
          high = jitter = 0;
          for (const auto& row : cfg.zone_links) {
            for (const auto& link : row) {
              low = std::min(low, link.latency);
              high = std::max(high, link.latency);
              jitter = std::max(jitter, link.jitter);
            }
          }
        }
        std::printf("seed %llu (n=%zu): model: %s, one-way latency %.0f-%.0f ms + jitter <= %.0f ms%s, verify %.3f ms "
                    "(+%.3f ms per signer of an aggregate), batch check %.3f + %.3f ms per signature, aggregating "
                    "%.3f ms per signature, sign %.3f ms, a step's messages leave %s",
                    static_cast<unsigned long long>(seed), n, std::string(to_string(cfg.engine)).c_str(),
                    static_cast<double>(low) / 1e6, static_cast<double>(high) / 1e6, static_cast<double>(jitter) / 1e6,
                    cfg.zone.empty() ? "" : (" (" + std::to_string(cfg.zone_links.size()) + "-zone matrix)").c_str(),
                    static_cast<double>(cfg.costs.aggregate_verify) / 1e6,
                    static_cast<double>(cfg.costs.aggregate_verify_per_signer) / 1e6,
                    static_cast<double>(cfg.costs.batch_verify) / 1e6,
                    static_cast<double>(cfg.costs.batch_verify_per_signature) / 1e6,
                    static_cast<double>(cfg.costs.aggregate_per_signature) / 1e6,
                    static_cast<double>(cfg.costs.sign) / 1e6,
                    cfg.sends_after_cpu ? "after its CPU time" : "when it begins");
        if (cfg.engine == SimEngine::gosig) {
          std::printf(", T_I %.1f s, T_II %.1f s, fanout %zu every %.0f ms, %llu expected candidates (%s sortition)",
                      static_cast<double>(cfg.gosig.stage_one) / 1e9, static_cast<double>(cfg.gosig.stage_two) / 1e9,
                      cfg.gosig.gossip.fanout, static_cast<double>(cfg.gosig.gossip.interval) / 1e6,
                      static_cast<unsigned long long>(cfg.gosig.expected_candidates),
                      cfg.gosig.symbolic_sortition ? "symbolic" : "ECVRF");
        } else {
          std::printf(", timeouts propose %.2f + %.2f r s, votes %.2f + %.2f r s, rebroadcast every %.2f s",
                      static_cast<double>(cfg.tendermint.propose_base) / 1e9,
                      static_cast<double>(cfg.tendermint.propose_delta) / 1e9,
                      static_cast<double>(cfg.tendermint.vote_base) / 1e9,
                      static_cast<double>(cfg.tendermint.vote_delta) / 1e9,
                      static_cast<double>(cfg.tendermint.rebroadcast_interval) / 1e9);
        }
        const auto heights_done = std::max<std::size_t>(1, r.honest_commits.size());
        std::printf("; per node per agreed height: %.0f messages, %.0f bytes sent\n",
                    static_cast<double>(r.messages) / static_cast<double>(n) / static_cast<double>(heights_done),
                    static_cast<double>(r.bytes) / static_cast<double>(n) / static_cast<double>(heights_done));
        for (Height h = 1; h <= r.honest_commits.size(); ++h) {
          const auto a = time_to_agreement(cfg, r, h);
          if (!a) continue;
          std::printf("seed %llu (n=%zu): height %llu agreed in round %llu: %zu honest commits at %.3f / %.3f / %.3f s "
                      "(first / median / last) after %.3f s\n",
                      static_cast<unsigned long long>(seed), n, static_cast<unsigned long long>(h),
                      static_cast<unsigned long long>(r.decided_round[h - 1]), a->nodes,
                      static_cast<double>(a->first) / 1e9, static_cast<double>(a->median) / 1e9,
                      static_cast<double>(a->last) / 1e9, static_cast<double>(a->from) / 1e9);
        }
      }
      events += r.events;
      evidence_seeds += r.evidence > 0 ? 1U : 0U;
      corrupted += r.corrupted;
      if (r.end_time > 0 && !r.committed.empty()) {
        heights_per_second += static_cast<double>(*std::min_element(r.committed.begin(), r.committed.end())) /
                              (static_cast<double>(r.end_time) / 1e9);
      }
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
        std::printf(", %llu events, %llu messages, %llu pieces of evidence, virtual %.3f s, trace %s\n",
                    static_cast<unsigned long long>(r.events), static_cast<unsigned long long>(r.messages),
                    static_cast<unsigned long long>(r.evidence), static_cast<double>(r.end_time) / 1e9,
                    r.trace.hex().c_str());
      }
    } catch (const std::exception& e) {
      ++failed;
      std::printf("seed %llu (n=%zu): error: %s\n", static_cast<unsigned long long>(seed), n, e.what());
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("%llu seeds, %llu failed, %llu events in %.2f s (%.0f events/s); evidence (checked: it verifies and "
              "names a Byzantine validator) in %llu seeds\n",
              static_cast<unsigned long long>(last - first + 1), static_cast<unsigned long long>(failed),
              static_cast<unsigned long long>(events), secs, static_cast<double>(events) / secs,
              static_cast<unsigned long long>(evidence_seeds));
  if (adaptive_delay_ms) {
    std::printf("adaptive adversary: %llu nodes corrupted after they proposed\n", static_cast<unsigned long long>(corrupted));
  }
  std::printf("commit rate: %.3f heights per virtual second (the lowest node's height over the run's length, mean "
              "over seeds)\n",
              heights_per_second / static_cast<double>(last - first + 1));
  return failed == 0 ? 0 : 1;
}
