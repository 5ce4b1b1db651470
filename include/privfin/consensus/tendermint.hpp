// privfin/consensus/tendermint.hpp — the first engine: PBFT in Tendermint
// form (Buchman, Kwon, Milosevic, "The latest gossip on BFT consensus",
// arXiv 1807.04938, Algorithm 1): heights and rounds, propose / prevote /
// precommit, lockedValue/lockedRound and validValue/validRound, round
// timeouts that grow with the round, a proposer that rotates with height and
// round in proportion to voting power (proposer.hpp), no separate view change; decisions carry a commit certificate (the
// 2f+1 precommits as one aggregate with a signer bitmap). Safe with up to
// f < n/3 of the weight Byzantine whatever the network does; live once
// messages arrive within the (growing) timeouts.
//
//   TendermintConfig cfg{.chain_id = "bank-consortium", .validators = vs, .self = 2};
//   Tendermint engine(cfg, crypto);                     // crypto: BlsCrypto or SymbolicCrypto
//   auto actions = engine.step(now, Start{});
//
// The safety record (engine.hpp) is emitted as a Persist action right
// before every message this node signs; after a restart (Start with the
// record) the engine sends the very same signed messages again and never
// signs another one for that (height, round, kind). Cost per height with n
// validators: O(n) signature checks, done in batches per value only when a
// vote could change a decision (one batch of 2f votes per step when all are
// honest), and one aggregate for the certificate,
// O(n) messages sent (full mesh). Throws InvalidArgument for an input
// before Start, a second Start, or a ProposalReady body above
// limits.max_body (the caller's mistakes), or a Start without the set of
// its height; InvalidValidatorUpdate for a set whose members differ from
// the genesis set's, or a changed set without validator_changes (an
// unchanged one is ignored); never for a peer's bytes. Not thread-safe: one engine, one thread.
//
// Validator-set changes (validator_changes = true): the set of each height
// comes from ValidatorsDecided; a member of weight 0 keeps its NodeId but
// neither proposes nor counts towards a quorum; a decision's certificate
// and a proposal's validators_hash are checked against the set of their
// height.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "privfin/consensus/crypto.hpp"
#include "privfin/consensus/engine.hpp"
#include "privfin/consensus/height_sets.hpp"
#include "privfin/consensus/proposer.hpp"

namespace privfin::consensus {

// Deliberate bugs for the simulator's own tests (it must catch each one).
// Never set outside tests.
struct PlantedBugs {
  bool skip_lock_check = false;               // prevote a new value while locked on another
  bool accept_lower_round_certificate = false; // unlock on a proof-of-lock older than the lock
  bool send_before_durable = false;           // runtime.hpp: release sends before Persist is durable
  // Gosig only (gosig.hpp); the two above also apply to it (prepare while
  // locked; release a lock on a certificate not from a later round).
  bool count_sum_of_counts = false;           // quorum by the sum of gossip counts, not distinct signers
  bool sign_twice = false;                    // prepare two blocks in one round
  // Both engines, with validator_changes: keep the genesis set when
  // ValidatorsDecided changes it.
  bool ignore_validator_changes = false;
};

struct TendermintConfig {
  std::string chain_id;
  ValidatorSet validators;
  NodeId self = 0;
  Limits limits;
  // Round r waits base + r * delta (arXiv 1807.04938, timeoutX(r)).
  TimePoint propose_base = 300'000'000;
  TimePoint propose_delta = 150'000'000;
  TimePoint vote_base = 200'000'000;
  TimePoint vote_delta = 100'000'000;
  // Own signed messages of the current round are sent again this often
  // (lost messages; peers that are behind learn of the decision).
  TimePoint rebroadcast_interval = 400'000'000;
  Round max_rounds_ahead = 64;         // messages further ahead are refused
  std::size_t future_buffer = 256;     // messages for height+1 kept until then
  std::size_t kept_decisions = 16;     // recent decisions served to peers that are behind
  // Validator-set changes (engine.hpp, ValidatorsDecided): when true, the
  // runtime sends the set of every height, Start carries those of the
  // next two heights, and the engine waits at a height until it knows its
  // set. `validators` is then the genesis set, which fixes the members.
  bool validator_changes = false;
  PlantedBugs bugs;
};

class Tendermint final : public Engine {
 public:
  // Throws InvalidArgument if self is not in the validator set or the
  // crypto provider's committee has another size.
  Tendermint(TendermintConfig config, Crypto& crypto);

  [[nodiscard]] std::vector<Action> step(TimePoint now, const Input& in) override;
  [[nodiscard]] Hash32 state_digest() const override;
  [[nodiscard]] Height committed_height() const override { return height_ - 1; }
  [[nodiscard]] std::size_t memory_items() const override;
  [[nodiscard]] EnginePosition position() const override {
    return {height_, round_, static_cast<std::uint8_t>(step_)};
  }

  [[nodiscard]] Height height() const noexcept { return height_; }
  [[nodiscard]] Round round() const noexcept { return round_; }
  [[nodiscard]] Step current_step() const noexcept { return step_; }
  [[nodiscard]] NodeId proposer(Height h, Round r) const noexcept;
  [[nodiscard]] const TendermintConfig& config() const noexcept { return cfg_; }

 private:
  enum class TimerKind : std::uint8_t { propose = 1, prevote = 2, precommit = 3, rebroadcast = 4 };
  struct TimerInfo {
    TimerKind kind;
    Height height;
    Round round;
  };
  using VoteKey = std::pair<Round, VoteType>;

  void start(const Start& s);
  void on_message(const MessageIn& m);
  void on_proposal(NodeId from, Proposal p, const Bytes& raw);
  void on_vote(NodeId from, Vote v, const Bytes& raw);
  struct PendingVote {
    NodeId from;  // who delivered it (blamed if it does not verify)
    Vote vote;
  };
  void accept_vote(NodeId from, Vote v);  // signature already checked
  // Every change to votes_, conflicting_ and pending_ goes through these,
  // so that the tallies below stay the sums they cache.
  void keep_first_vote(const Vote& v);        // votes_[key][voter] = v
  void keep_conflicting_vote(const Vote& v);  // conflicting_[key], if the voter has none there
  void add_pending(const VoteKey& key, NodeId from, Vote v);
  void count_checked(const VoteKey& key, NodeId voter, bool add);
  void count_pending(const VoteKey& key, const Vote& v, bool add);
  void settle(const VoteKey& key, std::optional<NodeId> only = std::nullopt);
  void settle_pending();
  [[nodiscard]] bool crosses_threshold(const VoteKey& key) const;
  // Line 55's count: the distinct senders of each later round (proposers
  // and voters), with or without the votes still waiting for their check.
  [[nodiscard]] std::map<Round, std::set<NodeId>> senders_ahead(bool with_waiting) const;
  [[nodiscard]] std::uint64_t weight_of(const std::set<NodeId>& senders) const;
  void on_decision(NodeId from, const Decision& d);
  void on_timer(const TimerFired& t);
  void on_proposal_ready(const ProposalReady& p);
  void evaluate();
  void start_round(Round r);
  void sign_and_broadcast(Message m, std::optional<VoteType> vote_type);
  void broadcast_vote(VoteType type, const std::optional<Hash32>& block);
  void broadcast_proof_of_lock();
  void decide(const Proposal& p, Round r);
  void commit(Decision d);
  void enter_height(Height h);
  void begin_height();  // once the height's set is known
  void on_validators(const ValidatorsDecided& v);
  void adopt_validators();
  void set_timer(TimerKind kind, TimePoint delay);
  void serve_behind_peer(NodeId peer, Height their_height);
  void serve_earlier_round(NodeId peer, Round their_round);
  void request_sync(NodeId peer, Height their_height);
  void reject(NodeId from, RejectionCause cause, std::string detail);
  [[nodiscard]] bool check_header(const BlockHeader& h, NodeId from, Round proposal_round);
  [[nodiscard]] std::uint64_t weight_for(Round r, VoteType t, const std::optional<std::optional<Hash32>>& value) const;
  [[nodiscard]] int validity(const Hash32& block) const;  // -1 unknown, 0 rejected, 1 accepted
  [[nodiscard]] Hash32 parent_hash() const;
  // Votes of (r, t) for the block, first and conflicting ones, one per voter.
  [[nodiscard]] std::vector<const Vote*> votes_for(Round r, VoteType t, const Hash32& id) const;

  TendermintConfig cfg_;
  Crypto& crypto_;
  ValidatorSet validators_;  // the set of height_
  ProposerSchedule schedule_;
  HeightSets sets_;                      // known sets of height_ and later
  bool waiting_ = false;                 // at height_, whose set is not known yet
  std::vector<Action> out_;
  TimePoint now_ = 0;
  bool started_ = false;

  Height height_ = 1;
  Round round_ = 0;
  Step step_ = Step::propose;
  SafetyRecord record_;  // locks, valid value, own signed messages of round_
  std::optional<Decision> tip_;

  std::map<Round, Proposal> proposals_;
  std::map<VoteKey, std::map<NodeId, Vote>> votes_;
  std::map<VoteKey, std::map<NodeId, Vote>> conflicting_;  // an equivocator's second vote
  // First votes whose signatures are not checked yet (one per voter and
  // kind; settle_pending says when they are).
  std::map<VoteKey, std::map<NodeId, PendingVote>> pending_;
  // Weights per (round, kind), of any value and per value, kept as votes
  // arrive: summing the votes at every rule check made a step cost O(n^2)
  // per node, O(n^3) for the network (the reason the 1,000-node run in
  // docs/performance.md did not finish). A voter counts once for any value
  // and once for each distinct value it voted (an equivocator for two).
  struct Tally {
    std::uint64_t any = 0;
    std::map<std::optional<Hash32>, std::uint64_t> by_value;
  };
  std::map<VoteKey, Tally> checked_tally_;  // over votes_ and conflicting_
  std::map<VoteKey, Tally> pending_tally_;  // over pending_
  std::map<Hash32, bool> validity_;
  std::set<Hash32> validating_;
  std::optional<Round> requested_;  // RequestProposal outstanding for this round
  std::set<Round> prevote_timer_set_, precommit_timer_set_, locked_on_quorum_;
  std::map<TimerId, TimerInfo> timers_;
  TimerId next_timer_ = 1;
  std::vector<std::pair<NodeId, Bytes>> future_;
  std::deque<Decision> decisions_;
  std::map<NodeId, std::pair<Height, TimePoint>> served_;
  std::map<NodeId, std::pair<Round, TimePoint>> served_rounds_;  // serve_earlier_round, this height
  Round rounds_at_height_ = 0;
  std::optional<TimePoint> last_sync_request_;
  Height tick_height_ = 0;  // height at the last rebroadcast tick
  // When this height began, and a moving average of how long heights take
  // (in the engine's clock): a node relays other nodes' votes only when
  // stuck for twice the usual, so that at large n, where a height takes
  // longer than the rebroadcast interval, busy nodes do not relay every
  // vote to everyone at every tick.
  TimePoint height_started_ = 0;
  TimePoint typical_height_ = 0;
};

}  // namespace privfin::consensus
