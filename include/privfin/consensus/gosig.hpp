// privfin/consensus/gosig.hpp — the second engine: Gosig (Li, Wang et al.,
// "Gosig: A Scalable and High-Performance Byzantine Consensus for
// Consortium Blockchains", SoCC 2020, arXiv 1802.01315), behind the same
// contract as Tendermint (engine.hpp). Rounds are cut by each node's own
// clock: stage I (length stage_one) for proposals, stage II (stage_two)
// for signature collection. Secret candidates drawn by sortition
// (gosig_sortition.hpp) propose; every node keeps the lowest-priority
// valid proposal; then prepare (P), and once 2f+1 distinct signers
// prepared, lock and tentatively commit (TC); 2f+1 distinct TC signers
// commit. Signatures travel as aggregates merged along gossip paths
// (gossip.hpp). A lock is released only by a prepare certificate from a
// later round; a candidate re-proposes the block of the highest prepare
// certificate it has seen. Safe with f < n/3 of the weight Byzantine
// whatever the network and the clocks do; live while clocks stay within
// a fraction of a stage and messages arrive within the stages
// (docs/consensus.md, "The Gosig engine", states every choice where the paper could
// not be read, and the safety argument).
//
//   GosigConfig cfg{.chain_id = "bank-consortium", .validators = vs, .self = 2};
//   VrfSortition sortition("bank-consortium", vrf_keys, 2, my_vrf_secret, 7);
//   Gosig engine(cfg, crypto, sortition);              // crypto: BlsCrypto or SymbolicCrypto
//   auto actions = engine.step(now, Start{});
//
// At most one P and one TC per (height, round), each persisted (Persist,
// before the message that carries it) in the SafetyRecord: signed_messages
// holds them as Vote messages (prevote = P, precommit = TC), locked /
// locked_round / lock_certificate the lock. After a restart the engine
// gossips the same signatures again and signs nothing else in that round
// or any earlier one. Cost per round with n validators: one ECVRF prove,
// one verify per candidate seen, one signature per P and TC, and one
// aggregate verification per received aggregate that adds a signer;
// fanout messages per gossip key per interval; a body above chunk_bytes
// streams in chunks (GosigConfig; docs/consensus.md, "Transmission
// pipelining"): about the body once in and once out per relayed
// candidate, one SHA-256 per chunk. Throws InvalidArgument for
// an input before Start, a second Start, self outside the set, a crypto
// committee of another size, a member of weight 0 without
// validator_changes, zero-length stages, chunk_bytes of 1 to 1023, or a Start without the set of its
// height (the caller's mistakes); InvalidValidatorUpdate for a
// ValidatorsDecided with other members than the genesis set, or a changed
// set without validator_changes; never for a peer's bytes. Not
// thread-safe.
//
// Validator-set changes (validator_changes = true), as in Tendermint
// (engine.hpp, ValidatorsDecided): each height's set comes from the
// runtime, and the engine waits at a height until it knows it (its clock
// still cuts rounds; it neither proposes nor signs nor takes a peer's
// message of that height meanwhile). Proposals and decisions must name the
// set of their height (validators_hash); quorums weigh by it; certificates
// verify under it. A member of weight 0 at a height keeps its NodeId and
// its place in gossip (it relays and commits) but neither proposes (its
// proposals are refused: a round it led could never be certified) nor
// signs P or TC; sortition still draws over all members, so weight-0
// candidates make a round without a proposal a little more likely.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <tuple>
#include <utility>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "privfin/consensus/crypto.hpp"
#include "privfin/consensus/engine.hpp"
#include "privfin/consensus/height_sets.hpp"
#include "privfin/consensus/gosig_messages.hpp"
#include "privfin/consensus/gosig_sortition.hpp"
#include "privfin/consensus/gossip.hpp"
#include "privfin/consensus/tendermint.hpp"  // PlantedBugs

namespace privfin::consensus {

struct GosigConfig {
  std::string chain_id;
  ValidatorSet validators;
  NodeId self = 0;
  Limits limits;
  TimePoint genesis_time = 0;            // round r starts at genesis_time + r * (stage_one + stage_two)
  TimePoint stage_one = 1'000'000'000;   // T_I: proposals
  TimePoint stage_two = 1'000'000'000;   // T_II: prepare and tentative commit
  GossipConfig gossip;
  std::size_t max_candidates = 16;       // proposals kept per round (the lowest priorities)
  std::size_t kept_decisions = 16;       // recent decisions served to peers that are behind
  // Transmission pipelining: a body larger than chunk_bytes (0: never) is
  // streamed in chunks of that size. The proposal goes out without it,
  // with a signed manifest of the chunks' hashes. A node that holds chunks
  // announces them (a have-map) to chunk_fanout peers (0: gossip.fanout)
  // at each gossip tick when it has new ones (and every 5 ticks anyway); a
  // peer asks the announcer for chunks it lacks and has not asked anyone
  // for in the last chunk_retry_ticks ticks (a quarter of chunk_window at
  // a time), keeping at most chunk_window asked for and not yet in; the
  // announcer sends them.
  // So a node relays chunk 1 while chunk 2 is on the wire, and each chunk
  // crosses a node's link about once (pushing it to every peer would
  // cost the fanout times over: at 37.5 MB a block the bandwidth is the
  // bound). A node whose body made no progress for 5 ticks asks one
  // random peer for everything it lacks. Only the forwarded_candidates
  // best candidates (by priority) are relayed, so the losers of a round
  // do not fill every link; more than one, so that a best candidate that
  // withholds its body does not cost the round.
  std::size_t chunk_bytes = 256 * 1024;
  std::size_t chunk_fanout = 0;
  std::size_t chunk_window = 32;
  std::size_t chunk_retry_ticks = 8;
  // At most this many chunks sent per gossip tick (0: no limit), set from
  // the node's upload rate: requests beyond it wait in a queue (those
  // older than chunk_retry_ticks are dropped: the asker has asked another
  // peer by then), and a node whose queue holds a tick's worth does not
  // announce, so that requests go to peers with room. Without it a node
  // that announced early collects more requests than its link carries in
  // the round, and its chunks come too late and twice.
  std::size_t chunk_upload_per_tick = 0;
  std::size_t forwarded_candidates = 2;
  // When true, the set of each height comes from ValidatorsDecided (and
  // Start); `validators` is then the genesis set, which fixes the members.
  bool validator_changes = false;
  PlantedBugs bugs;
};

class Gosig final : public Engine {
 public:
  Gosig(GosigConfig config, Crypto& crypto, CandidateSortition& sortition);

  [[nodiscard]] std::vector<Action> step(TimePoint now, const Input& in) override;
  [[nodiscard]] Hash32 state_digest() const override;
  [[nodiscard]] Height committed_height() const override { return height_ - 1; }
  [[nodiscard]] std::size_t memory_items() const override;
  // Height, clock round, and stage (1 proposals, 2 signatures; 0 before Start).
  [[nodiscard]] EnginePosition position() const override {
    return {height_, round_, static_cast<std::uint8_t>(stage_)};
  }

  [[nodiscard]] Height height() const noexcept { return height_; }
  [[nodiscard]] Round round() const noexcept { return round_; }
  [[nodiscard]] int stage() const noexcept { return stage_; }
  [[nodiscard]] std::optional<Round> locked_round() const noexcept { return lock_round_; }
  [[nodiscard]] const GosigConfig& config() const noexcept { return cfg_; }
  // The round that contains engine time t.
  [[nodiscard]] Round round_at(TimePoint t) const noexcept;

 private:
  struct Candidate {
    GosigProposal proposal;
    Bytes raw;
    Hash32 id;
    // A streamed body (proposal.manifest): the chunks held so far, until
    // all are in and proposal.block.body is assembled from them.
    std::vector<Bytes> chunks;
    std::size_t held = 0;
    bool complete = true;
    TimePoint progress = 0;  // when the last new chunk arrived
    TimePoint asked = 0;     // when it last asked a random peer for all it lacks
    std::vector<TimePoint> requested;  // per chunk: when it was last asked for (-1: never)
    std::size_t announced = 0;         // chunks held at the last announcement
    TimePoint announced_at = -1;
    // The latest have-maps of the last few peers that announced: asked
    // again as chunks come in, so that the window stays full.
    std::deque<std::pair<NodeId, std::vector<bool>>> offers;
    // When each chunk was last sent to each peer that asked: a peer is sent
    // a chunk again only after chunk_retry_ticks (a lost one), so that a
    // few bytes of request cannot buy the body over and over.
    std::map<NodeId, std::vector<TimePoint>> served;
  };

  void start(const Start& s);
  void on_validators(const ValidatorsDecided& v);
  // Takes the set of height_ if known; else waits (validator_changes).
  void adopt_validators();
  // This node proposes and signs at this height: its set is known and
  // gives it weight.
  [[nodiscard]] bool votes_here() const;
  void advance_clock();
  void enter_round(Round r);
  void enter_stage_two();
  void propose(const SortitionTicket& ticket);
  void on_message(const MessageIn& m);
  void on_proposal(NodeId from, GosigProposal p);
  void on_aggregate(NodeId from, const AggregateVote& a);
  void on_chunk(NodeId from, BodyChunk chunk);
  void on_chunk_have(NodeId from, const ChunkHave& have);
  void on_chunk_want(NodeId from, const ChunkWant& want);
  void body_complete(Candidate& c);
  void stream_if_large(GosigProposal& p) const;
  void announce(Candidate& c);
  void tick_chunks();
  void send_uploads();
  void request_chunks(Candidate& c);
  void add_offer(Candidate& c, NodeId from, std::vector<bool> chunks);
  [[nodiscard]] ChunkSet held_set(const Candidate& c) const;
  [[nodiscard]] Bytes chunk_message(const Candidate& c, std::uint32_t index) const;
  [[nodiscard]] bool forwarded(const Hash32& id) const;
  [[nodiscard]] bool holds_chunk(const Candidate& c, std::size_t index) const;
  // How long a chunk asked for (or sent) counts as on its way.
  [[nodiscard]] TimePoint chunk_retry() const noexcept {
    return static_cast<TimePoint>(cfg_.chunk_retry_ticks) * cfg_.gossip.interval;
  }
  [[nodiscard]] Candidate* find_candidate(const Hash32& id);
  void watch_single_vote(const AggregateVote& a);
  void on_decision(NodeId from, const Decision& d);
  void on_decided_header(NodeId from, const DecidedHeader& dh);
  void on_proposal_ready(const ProposalReady& p);
  void on_checked(const ProposalChecked& c);
  void try_prepare();
  void prepare(const Candidate& c);
  void check_quorums(const Hash32& block);
  void commit(const Decision& d);
  void persist();
  void gossip_put(const std::string& key, const Bytes& payload);
  void gossip_proposal();
  void serve_behind_peer(NodeId peer, Height their_height);
  void request_sync(NodeId peer, Height their_height);
  void reject(NodeId from, RejectionCause cause, std::string detail);
  void schedule();
  [[nodiscard]] bool quorum(const AggregateVote& a) const;
  [[nodiscard]] bool check_justification(const AggregateVote& j, const Block& b, Round r) const;
  [[nodiscard]] const Candidate* best_valid() const;
  [[nodiscard]] const Candidate* find_block(const Hash32& id) const;
  [[nodiscard]] Hash32 parent_hash() const;
  [[nodiscard]] TimePoint round_start(Round r) const noexcept;
  [[nodiscard]] TimePoint round_length() const noexcept { return cfg_.stage_one + cfg_.stage_two; }
  [[nodiscard]] std::string key(std::uint8_t kind, const Hash32& block) const;

  GosigConfig cfg_;
  Crypto& crypto_;
  CandidateSortition& sortition_;
  Gossip gossip_;
  std::vector<Action> out_;
  TimePoint now_ = 0;
  bool started_ = false;

  ValidatorSet validators_;                // the set of height_
  HeightSets sets_;                        // known sets of height_ and later
  bool waiting_ = false;                   // for the set of height_

  Height height_ = 1;
  std::optional<Decision> tip_;
  std::deque<Decision> decisions_;
  std::pair<Height, Bytes> served_bytes_;  // the last decision served, encoded (a cache, not state)
  Round round_ = 0;
  int stage_ = 0;  // 0 before the first round, 1 or 2
  Round rounds_at_height_ = 0;
  // Across rounds (durable through the record): the lock.
  std::optional<Block> locked_;
  std::optional<Round> lock_round_;
  std::optional<AggregateVote> lock_cert_;
  // The highest prepare certificate seen at this height, with its block.
  std::optional<std::pair<Block, AggregateVote>> highest_;
  SafetyRecord record_;
  // After a restart inside a height: the recorded round. Nothing is signed
  // in a round before it, no P and no proposal in it but the recorded
  // ones; no proposal in the boot round either.
  std::optional<Round> restored_round_;
  std::optional<Round> no_propose_round_;
  std::optional<Hash32> restored_p_, restored_tc_;
  // This round.
  std::map<Hash32, Candidate> candidates_;  // by priority (32 bytes, big-endian)
  std::map<Hash32, bool> validity_;        // the application's verdicts at this height
  std::set<Hash32> validating_;
  std::set<Hash32> prepared_;              // one, unless PlantedBugs::sign_twice
  std::optional<Hash32> tc_sent_;
  std::map<Hash32, AggregateVote> p_agg_, tc_agg_;
  bool requested_ = false;
  std::optional<SortitionTicket> pending_ticket_;  // while the application makes our block
  // Timers and bookkeeping.
  TimerId next_timer_ = 1;
  TimerId boundary_timer_ = 0;
  TimePoint boundary_at_ = -1;
  TimerId gossip_timer_ = 0;
  std::map<NodeId, std::pair<Height, Round>> served_;
  std::optional<Round> last_sync_round_;
  std::size_t chunks_sent_ = 0;  // in this gossip tick
  struct Upload {
    NodeId to = 0;
    Round round = 0;
    Hash32 block;
    std::uint32_t index = 0;
    TimePoint asked = 0;
  };
  std::deque<Upload> uploads_;  // chunks asked for, waiting for room (chunk_upload_per_tick)
  // Have-maps that came before their proposal (gossip paths differ), by
  // block; bounded, cleared each round.
  std::map<Hash32, std::vector<std::pair<NodeId, std::vector<bool>>>> early_offers_;
  std::size_t early_offer_count_ = 0;
  // Equivocation watch (watch_single_vote): the first single-signer vote
  // seen per (type, round, signer) at height singles_height_, recent rounds only.
  struct SingleVote {
    Hash32 block;
    Bytes signature;
    bool verified = false;
    bool reported = false;
  };
  std::map<std::tuple<std::uint8_t, Round, NodeId>, SingleVote> singles_;
  Height singles_height_ = 0;
};

}  // namespace privfin::consensus
