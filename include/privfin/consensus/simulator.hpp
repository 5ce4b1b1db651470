// privfin/consensus/simulator.hpp — the deterministic simulator: real
// engines behind the real Runtime, on a simulated network, disk, clocks and
// CPU, single-threaded in virtual time, with checkers after every event.
//
//   SimConfig cfg = random_scenario(/*seed=*/42, /*n=*/7);   // or fill one by hand
//   SimResult res = simulate(cfg);
//   if (!res.violations.empty()) std::cerr << res.violations[0];  // replay: same seed, same trace
//
// One root seed is split per subsystem (scenario, network, disk, clocks,
// workload, adversary, keys), so a run is a function of the seed: the same
// config gives the same trace hash. Network: per-pair latency (drawn, or a
// zone matrix with per-zone-pair latency and jitter), jitter (and so
// reordering), per-node bandwidth (serialization delay), clogging (a node's
// or a link's bandwidth throttled for a period), loss, duplication,
// partitions (symmetric or one-way) that heal, delayed votes (a node's votes
// held back by a bounded delay). Clocks: per-node offset and drift. CPU: a
// node is busy for the modelled cost of each step (CostModel). Faults: crash
// and restart, crash at every write point (WritePoint: before and after the
// safety record is durable, before and after a commit is stored),
// amnesia (restart without the safety record), and Byzantine nodes: silent,
// selectively silent (to some peers only), equivocating proposer, double
// voting, malformed bytes, replayed stale messages. All faults but the
// Byzantine nodes end at `fault_end`.
//
// Throughput: a client load on the stand-in application (load_tx_per_s,
// transactions held symbolically but weighed at their wire size), each
// node's download link beside its upload, and an AWS 14-region latency
// matrix (set_regions); load_outcome() reports throughput and latency.
//
// Checkers (run after every event; a violation is recorded with the virtual
// time and the nodes involved): agreement (one block per height across
// honest nodes), validity (block extends the agreed chain, body matches,
// certificate verifies), no honest node signs two different messages of one
// kind in one (height, round), locks respected (a node that precommitted v
// prevotes another value only with a proof-of-lock from a round no older
// than its lock), application hashes agree, memory per node bounded, and
// liveness: every honest node commits max(target_height, H + 2) (the 2 is
// progress_after_faults) within
// liveness_window after fault_end, H being the highest honest height at
// fault_end; at the end of a run, every honest ledger is one hash chain of
// the agreed blocks. Cost: the Tendermint form about n^2 events per round
// (all-to-all), Gosig about n * fanout per gossip tick; up to 10,000 nodes
// (docs/consensus.md, "The simulator"; docs/performance.md, "Gosig at scale").
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "privfin/consensus/adversary.hpp"
#include "privfin/consensus/app_executor.hpp"
#include "privfin/consensus/gosig.hpp"
#include "privfin/consensus/tendermint.hpp"

namespace privfin::consensus {


struct Partition {
  TimePoint start = 0;
  TimePoint end = 0;               // heals here
  std::vector<bool> side;          // side[i]: node i is in group A
  bool one_way = false;            // only A -> B is cut
};

// One entry of a zone latency matrix: a message between the two zones takes
// `latency` plus a uniform jitter in [0, jitter].
struct ZoneLink {
  TimePoint latency = 0;
  TimePoint jitter = 0;
};

// A throttled node or link: while start <= t < end, every message the node
// sends or receives (peer empty), or that it sends to `peer`, queues behind
// an extra serialization delay of ns_per_byte per byte (8,000 ns/byte =
// 1 Mbit/s). The backlog built up during the clog drains after it ends.
struct Clog {
  TimePoint start = 0;
  TimePoint end = 0;
  NodeId node = 0;
  std::optional<NodeId> peer;
  std::int64_t ns_per_byte = 0;
};

// The points of a node's durable writes at which the simulator can crash it
// (everything the node would do after the point is lost; it restarts from
// its disk): a safety record write issued but not yet durable (lost); a
// safety record durable but the sends it guards not yet released; a
// committed block not yet stored in the ledger; a block stored, the rest of
// its step (timers, next height's messages) not yet done.
enum class WritePoint : std::uint8_t { safety_before_durable, safety_after_durable, commit_before_store, commit_after_store };
inline constexpr int write_point_count = 4;
[[nodiscard]] std::string_view to_string(WritePoint p) noexcept;

struct CrashPlan {
  NodeId node = 0;
  TimePoint at = 0;
  TimePoint down_for = 0;
  bool amnesia = false;            // restart without the safety record
};

// The application every node runs: the stand-in (a hash chain over the
// bodies, no transactions) or a reference application (apps/) through an
// AppExecutor with its own MemoryAppStore (its disk: it survives crashes),
// its call order checked by CheckedApplication, fed by simulated clients.
enum class SimApplication : std::uint8_t { stand_in, kv_store, payments };

// The engine every node runs. Gosig's nodes also get ECVRF keys (drawn
// from the seed's "vrf" stream, so Tendermint runs are unchanged) unless
// `gosig_schedule` fixes the candidates of each round.
enum class SimEngine : std::uint8_t { tendermint, gosig };
[[nodiscard]] std::string_view to_string(SimEngine e) noexcept;
struct GosigSimParams {
  TimePoint stage_one = 1'000'000'000;
  TimePoint stage_two = 1'000'000'000;
  GossipConfig gossip{3, 100'000'000};
  std::uint64_t expected_candidates = 7;
  FixedSortition::Schedule schedule;  // empty: ECVRF sortition (or symbolic, below)
  // SymbolicSortition instead of ECVRF (symbolic crypto only): the same
  // distribution of candidates at a hash's cost, for thousands of nodes.
  bool symbolic_sortition = false;
  // Transmission pipelining (GosigConfig): chunk size of a streamed body
  // (0: never stream), chunks pushed per hop (0: the gossip fanout), chunks
  // sent in answer to a have-map, candidates relayed.
  std::size_t chunk_bytes = GosigConfig{}.chunk_bytes;
  std::size_t chunk_fanout = 0;
  std::size_t chunk_window = GosigConfig{}.chunk_window;
  std::size_t chunk_retry_ticks = GosigConfig{}.chunk_retry_ticks;
  // 0: derived from the node's upload rate (ns_per_byte) when it has one.
  std::size_t chunk_upload_per_tick = 0;
  std::size_t forwarded_candidates = GosigConfig{}.forwarded_candidates;
  std::size_t kept_decisions = GosigConfig{}.kept_decisions;
};

// The Tendermint-form engine's timeouts (TendermintConfig's defaults, set
// for a LAN); multiply them for a slow network (privfin-consensus-sim
// --timeout-scale), or round 0 times out before its proposal arrives.
struct TendermintSimParams {
  TimePoint propose_base = TendermintConfig{}.propose_base;
  TimePoint propose_delta = TendermintConfig{}.propose_delta;
  TimePoint vote_base = TendermintConfig{}.vote_base;
  TimePoint vote_delta = TendermintConfig{}.vote_delta;
  TimePoint rebroadcast_interval = TendermintConfig{}.rebroadcast_interval;
  // Every timeout and the rebroadcast interval times k.
  [[nodiscard]] TendermintSimParams scaled(std::int64_t k) const noexcept {
    return {propose_base * k, propose_delta * k, vote_base * k, vote_delta * k, rebroadcast_interval * k};
  }
};

struct SimConfig {
  std::uint64_t seed = 1;
  std::size_t n = 4;
  Height target_height = 4;
  bool real_crypto = false;        // BLS12-381 (slow: small n only)
  // Voting power per node (empty: 1 each); quorums and the proposer
  // rotation (proposer.hpp) follow it. Keep Byzantine weight below a third.
  std::vector<std::uint64_t> weights;
  // network
  TimePoint latency_min = 1'000'000;
  TimePoint latency_max = 30'000'000;
  TimePoint jitter = 5'000'000;
  double loss = 0;
  double duplicate = 0;
  std::int64_t ns_per_byte = 0;    // 8 ns/byte = 1 Gbit/s per node (upload)
  std::int64_t ingress_ns_per_byte = 0;  // the same for each node's download (0: unlimited)
  // Zones (empty: none): node i sits in zone[i], and zone_links[a][b]
  // replaces latency_min/max and jitter for messages from zone a to zone b.
  std::vector<std::uint32_t> zone;
  std::vector<std::vector<ZoneLink>> zone_links;
  std::vector<Clog> clogs;         // should end by fault_end
  std::vector<Partition> partitions;
  // Delayed votes (empty: none): node i's votes leave up to vote_delay[i]
  // late (uniform), an honest node's until fault_end, a Byzantine node's always.
  std::vector<TimePoint> vote_delay;
  // clocks: offset in [-max_clock_offset, max], drift in [-max_drift_ppm, max] ppm
  TimePoint max_clock_offset = 0;
  std::int64_t max_drift_ppm = 0;
  // disk and faults
  TimePoint disk_latency = 2'000'000;
  std::vector<CrashPlan> crashes;
  double crash_at_write = 0;       // chance of a crash at each write point (before fault_end)
  std::vector<WritePoint> crash_points;  // the write points that may crash (empty: all)
  TimePoint restart_after_write_crash = 300'000'000;
  std::vector<Behaviour> behaviour;  // empty: all honest
  // silent_to[i][j]: a selective_silence node i never sends to j (empty, or
  // empty for i: the simulator draws about half of i's peers).
  std::vector<std::vector<bool>> silent_to;
  TimePoint fault_end = 0;         // no loss, partition or crash after this
  // Liveness asks every honest node for max(target_height, H + this), H
  // being the highest honest height at fault_end. 0 for a measurement that
  // should stop at target_height (privfin-consensus-sim --heights).
  Height progress_after_faults = 2;
  TimePoint liveness_window = 60'000'000'000;
  // When positive: every honest node commits a height at most this long
  // after fault_end (Twins: within 3 healed rounds), else a violation.
  TimePoint commit_after_heal_within = 0;
  // A busy node's inbox keeps at most this many unprocessed messages from
  // each peer; the next ones are dropped, as a real bus's bounded per-peer
  // queue drops under back-pressure (net/message_bus.hpp). Timers and the
  // application's replies are never dropped.
  std::size_t inbox_per_peer = 256;
  CostModel costs;
  // When a step's messages leave. false (the default, which every trace
  // hash and figure in docs/ was taken with): when the step begins; its CPU
  // cost delays the node's next step but not these messages, which is
  // optimistic by the checks a step makes before it decides to send (at
  // thousands of nodes the Tendermint form's batch check of a quorum's
  // votes). true: once the step's CPU cost is paid.
  bool sends_after_cpu = false;
  PlantedBugs bugs;
  bool log = false;                // keep a readable event log
  SimApplication application = SimApplication::stand_in;
  // Where a reference application's state lives (its "disk": made once per
  // node, kept across the node's crashes and restarts). Empty: a
  // MemoryAppStore. The ledger layer's LedgerAppStore over a MemoryStore or
  // RocksDB plugs in here (tests/ledger, "the simulator runs the reference
  // applications on the ledger").
  std::function<std::shared_ptr<AppStore>()> make_app_store;
  SimEngine engine = SimEngine::tendermint;
  GosigSimParams gosig;
  TendermintSimParams tendermint;
  // Twins (Bano et al., OPODIS 2021; twins.hpp): instance n + k is a second
  // process of validator twins[k], with the same key and an honest engine.
  // A message to a validator goes to each of its instances; partitions
  // place every instance (side has n + twins.size() entries); a twinned
  // validator counts as Byzantine for the checkers. Not combinable with
  // Byzantine behaviours or a reference application.
  std::vector<NodeId> twins;
  // Reference applications: transactions the clients submit to every node
  // that is up, at the start and each time a new height is first decided.
  std::size_t client_txs_per_height = 3;
  // A client load on the stand-in application, for throughput (Gosig only;
  // docs/performance.md, "Gosig over a WAN"): load_tx_per_s transactions a
  // second, evenly spaced from time 0, reach every node as they are made
  // (clients send each to all). A proposer's body holds every transaction
  // that has arrived and is not in its chain yet (up to max_body), as a
  // 16-byte identity each; on the network each weighs load_tx_wire_bytes
  // (a message that carries bodies, Gosig kinds 16, 18 and 20, is charged
  // its size times load_tx_wire_bytes / 16: the symbolic form of a body, as
  // symbolic crypto stands for real signatures at their real cost). A
  // validator takes load_check_ns_per_tx to check each transaction of a
  // proposal (its application answers that much later). SimResult's load_*
  // report throughput and latency.
  double load_tx_per_s = 0;
  std::size_t load_tx_wire_bytes = 250;
  std::int64_t load_check_ns_per_tx = 0;
  std::size_t max_body = 0;        // Limits::max_body for every node (0: its default, 1 MiB)
  // Validator-set changes (either engine, with a reference
  // application): every validator_change_every heights the application
  // changes the weights, as a consortium's governance would: each honest
  // member gets 1 to 3, one honest member (in turn) sits out at weight 0,
  // and the Byzantine weight stays below a third. 0: never. The checkers
  // follow the sets: each block must name, and its certificate verify
  // under, the set of its height.
  Height validator_change_every = 0;
  // An adaptive adversary (issue #17): once an honest node's own proposal
  // appears on the network, the adversary corrupts that node
  // adaptive_delay later, giving it adaptive_behaviour (silent,
  // equivocate or double-vote) for the rest of the run, up to
  // adaptive_corruptions nodes. With the Byzantine nodes of `behaviour`
  // they must stay within f = (n - 1) / 3 (adaptive_budget below;
  // InvalidArgument otherwise, and with validator_change_every, whose
  // weights follow the Byzantine nodes of `behaviour`). A
  // corrupted node counts as Byzantine for the checkers from then on. Gosig
  // hides its candidates until they propose (sortition), so this is the
  // adversary its design answers; Tendermint's proposers are known ahead.
  std::size_t adaptive_corruptions = 0;
  TimePoint adaptive_delay = 0;
  Behaviour adaptive_behaviour = Behaviour::silent;
};

struct SimResult {
  std::vector<std::string> violations;
  Hash32 trace;                    // hash over every event, in order
  std::uint64_t events = 0;
  std::uint64_t messages = 0;
  std::uint64_t bytes = 0;
  std::uint64_t rejections = 0;
  std::uint64_t invalid_proofs = 0;  // rejections for a signature or certificate that does not verify
  std::uint64_t evidence = 0;
  // What the network model did (tests show each feature acts through these):
  std::uint64_t delivered = 0;       // deliveries scheduled
  TimePoint delivery_delay = 0;      // their total send-to-arrival time
  std::uint64_t clogged = 0;         // messages slowed by a clog
  std::uint64_t withheld = 0;        // messages a selective_silence node did not send
  std::uint64_t delayed_votes = 0;   // votes held back
  std::uint64_t inbox_dropped = 0;   // messages a busy node's full inbox dropped
  std::array<std::uint64_t, write_point_count> write_crashes{};  // crashes per WritePoint
  std::uint64_t rounds = 0;          // rounds the commits took (MetricId::rounds_for_height), summed
  std::uint64_t commits = 0;         // commits over all nodes
  // Reference applications: transactions in the agreed blocks, and how
  // many of them executed (the rest refused: overdrafts, nonce gaps).
  std::uint64_t transactions = 0;
  std::uint64_t transactions_ok = 0;
  std::uint64_t validator_changes = 0;  // agreed blocks that changed the set
  // The client load (SimConfig::load_tx_per_s): per agreed height, its
  // first transaction's sequence number and how many it holds.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> load_blocks;
  std::uint64_t corrupted = 0;          // nodes the adaptive adversary corrupted

  [[nodiscard]] TimePoint mean_delay() const noexcept {
    return delivered == 0 ? 0 : delivery_delay / static_cast<TimePoint>(delivered);
  }
  // When each honest node committed each height: honest_commits[h - 1]
  // lists the virtual times, in commit order; decided_round[h - 1] is the
  // round of the agreed block's certificate.
  std::vector<std::vector<TimePoint>> honest_commits;
  std::vector<Round> decided_round;
  std::vector<Height> committed;   // per node
  std::vector<BlockHeader> headers;  // the agreed chain: headers[h - 1] is height h's
  TimePoint end_time = 0;
  std::vector<std::string> log;
  [[nodiscard]] bool ok() const noexcept { return violations.empty(); }
};

// The scenario that seed S stands for with n nodes: up to f Byzantine nodes,
// crashes, partitions, loss, duplication, clock skew, all drawn from the seed.
// Removes every fault from `c` but latency and clock offsets: no loss,
// duplication, clog, partition, delayed vote, crash, drift or Byzantine
// node (measurements such as docs/consensus.md, "Clock skew").
void remove_faults(SimConfig& c);
// Every message takes exactly `one_way`: no jitter, no zones (the
// reproductions of docs/performance.md, "Gosig at scale").
void set_fixed_latency(SimConfig& c, TimePoint one_way);
[[nodiscard]] SimConfig random_scenario(std::uint64_t seed, std::size_t n);

// A region latency matrix: one-way latency between each pair of regions.
struct RegionMatrix {
  std::vector<std::string> names;
  std::vector<std::vector<TimePoint>> one_way;  // [from][to]
};
// Fourteen AWS regions on five continents (us-east-1, us-east-2,
// us-west-1, us-west-2, ca-central-1, sa-east-1, eu-west-1, eu-west-2,
// eu-central-1, ap-south-1, ap-southeast-1, ap-southeast-2,
// ap-northeast-1, ap-northeast-2): half of CloudPing's measured round
// trips, the mean of both directions, as recorded in 2023 in
// libp2p/jvm-libp2p's simulator (AwsLatencies.kt, commit 267a4d4). Gosig's
// paper ran 140 nodes in 14 AWS regions; which 14 it does not say here.
[[nodiscard]] const RegionMatrix& aws_14_regions();
// Node i sits in region i mod R; each message takes its pair's latency
// plus a uniform jitter of up to jitter_fraction of it.
void set_regions(SimConfig& c, const RegionMatrix& regions, double jitter_fraction);
// How many nodes an adaptive adversary may still corrupt in `c`: f = (n - 1)
// / 3 less the Byzantine nodes of c.behaviour (0 when they use it all).
[[nodiscard]] std::size_t adaptive_budget(const SimConfig& c) noexcept;
// Runs one scenario. Throws InvalidArgument for an inconsistent config.
[[nodiscard]] SimResult simulate(const SimConfig& config);

// Time to agreement on height h (issue #17's measure): from the start of
// the height's work to the first, median and last honest commit of it.
// Gosig: the start of stage II of the round whose block was agreed (round
// r's stage II begins at r * (stage_one + stage_two) + stage_one on the
// simulator's clock; a node's own clock may be offset from it). Tendermint
// form: the first honest commit of height h - 1 (time 0 for height 1).
// nullopt when no honest node committed h.
struct Agreement {
  TimePoint from = 0;    // the start, virtual time
  TimePoint first = 0;   // the honest commits, relative to `from`
  TimePoint median = 0;
  TimePoint last = 0;
  std::size_t nodes = 0;  // honest nodes that committed h
};
[[nodiscard]] std::optional<Agreement> time_to_agreement(const SimConfig& config, const SimResult& result, Height h);

// The client load's outcome (SimConfig::load_tx_per_s). A transaction's
// latency runs from its arrival at the nodes to the median honest commit
// of its block. Throughput counts the transactions of heights 2 to H
// (the last agreed height) over the time between the median commits of
// heights 1 and H: the steady state, without the first block's fill.
struct LoadOutcome {
  std::uint64_t committed = 0;      // transactions in agreed blocks
  std::uint64_t heights = 0;        // agreed heights with a median commit
  double tx_per_s = 0;
  double mean_latency_s = 0;        // over every committed transaction
  double max_latency_s = 0;
  double mean_block_tx = 0;
};
[[nodiscard]] LoadOutcome load_outcome(const SimConfig& config, const SimResult& result);

}  // namespace privfin::consensus
