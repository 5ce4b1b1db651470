// privfin/consensus/engine.hpp — the contract every consensus engine
// follows: a pure state machine with one entry point,
//   std::vector<Action> step(TimePoint now, const Input& in)
// No sockets, no clock, no threads, no randomness of its own: the same state
// and the same inputs give the same actions and the same state_digest().
//
//   auto actions = engine.step(now, MessageIn{.from = 2, .payload = bytes});
//   for (auto& a : actions) runtime.execute(a);     // runtime.hpp does this
//
// Inputs: Start (with the recovered safety record and chain tip), MessageIn
// (bytes from an authenticated peer; the engine decodes them), TimerFired,
// the application's replies (ProposalReady, ProposalChecked), BlockSynced,
// ValidatorsDecided (the set of a coming height, after a Commit).
// Actions, as data and in order: Persist (a barrier: the runtime makes the
// record durable before it releases any later action), Send, Broadcast,
// SetTimer, CancelTimer, RequestProposal, RequestValidate, RequestSync,
// Commit (block and commit certificate), EvidenceFound (two conflicting
// signed votes), Rejected (a peer's message refused: by whom, from whom,
// why; core/rejection.hpp; its `item` is the height the refusing node was
// at), Metric. An engine never throws for what a peer
// sends: a malformed or invalid message yields one Rejected action and
// leaves state_digest() unchanged. It throws InvalidArgument only for a
// caller's mistake (an input before Start, a second Start, a Start whose
// safety record is ahead of its ledger: refuse_record_ahead).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "privfin/consensus/types.hpp"
#include "privfin/core/rejection.hpp"

namespace privfin::consensus {

using TimerId = std::uint64_t;

enum class Step : std::uint8_t { propose = 0, prevote = 1, precommit = 2 };

// What must survive a crash so that a restarted node never signs a message
// that conflicts with one it sent (arXiv 1807.04938 needs lockedValue /
// lockedRound for safety; validValue is kept for liveness). `signed_messages`
// holds the messages this node signed in (height, round), sent again after a
// restart instead of signing anew.
struct SafetyRecord {
  static constexpr std::uint8_t format_version = 1;
  static constexpr std::uint8_t lock_certificate_format_version = 2;
  Height height = 0;
  Round round = 0;
  Step step = Step::propose;
  std::optional<Round> locked_round;
  std::optional<Block> locked;
  std::optional<Round> valid_round;
  std::optional<Block> valid;
  std::vector<Bytes> signed_messages;  // Message encodings, at most 3
  // The 2f+1 prevotes of valid_round for `valid` (Message encodings): its
  // proof-of-lock, which a restarted proposer must be able to show again,
  // or a lock whose proof lived only in its memory blocks the height.
  std::vector<Bytes> valid_proof;
  // Gosig (gosig.hpp): the prepare certificate of `locked` (an
  // AggregateVote encoding), so that a restarted node can still show why it
  // is locked and re-propose. Empty for Tendermint. A record with it is
  // written as version 2; without it, version 1 byte for byte as before.
  Bytes lock_certificate;
  // Tendermint: this node's own votes of the earlier rounds of this height
  // (Message encodings, the latest max_earlier_votes), so that after a
  // restart it can still send them to a peer that is behind in one of those
  // rounds: a peer waiting for 2f+1 precommits of a round this node left
  // would otherwise wait forever when, as in simulator seed 17598, the only
  // other node that could send one is Byzantine. A record with any is
  // written as version 3 (with a possibly empty lock certificate).
  static constexpr std::uint8_t earlier_votes_format_version = 3;
  static constexpr std::size_t max_earlier_votes = 16;
  std::vector<Bytes> earlier_votes;

  // with_block_bodies = false writes `locked` and `valid` with empty
  // bodies (their headers still bind the bodies through tx_root): for a
  // store that keeps each body apart, once (ledger/safety_store.hpp).
  [[nodiscard]] Bytes to_bytes(bool with_block_bodies = true) const;
  [[nodiscard]] static SafetyRecord from_bytes(ByteView bytes, const Limits& limits = {});
  friend bool operator==(const SafetyRecord&, const SafetyRecord&) = default;
};

// ------------------------------------------------------------ inputs
// The validator set that signs `height`. An application's change decided
// in block h signs from h + 2 on (ABCI's rule): it leaves the engine time
// to know the set of h + 1 before h is finalized. For an engine configured
// for validator-set changes the runtime sends one after every Commit of h
// (for h + 2, changed or not), and Start carries those of committed + 1
// and committed + 2; an engine waits at a height whose set it does not
// know yet. Members never change, only their weights (ValidatorChange).
struct ValidatorsDecided {
  Height height = 0;
  ValidatorSet set;
};
struct Start {
  Height committed = 0;               // the ledger's height (0: genesis)
  std::optional<Decision> tip;        // the block at `committed` and its certificate
  std::optional<SafetyRecord> record; // the last durable record, if any
  std::vector<ValidatorsDecided> validators{};  // committed + 1 and + 2, with validator-set changes
};
// An engine resumes a record of height committed + 1 and ignores an older
// one. A newer one means the node voted at heights its ledger no longer
// holds (a store restored from an older copy, or damaged): it has no
// record of what it signed at committed + 1, and starting there could sign
// a conflicting vote. Throws InvalidArgument naming both heights then; the
// engines call it first thing in Start.
void refuse_record_ahead(const Start& s, std::string_view engine);
struct MessageIn {
  NodeId from = 0;  // the authenticated channel's peer
  Bytes payload;
};
struct TimerFired {
  TimerId id = 0;
};
struct ProposalReady {  // reply to RequestProposal
  Height height = 0;
  Round round = 0;
  Bytes body;
  Hash32 app_hash;  // the application's state after height-1
};
struct ProposalChecked {  // reply to RequestValidate
  Height height = 0;
  Round round = 0;
  Hash32 block;
  bool accept = false;
};
struct BlockSynced {  // reply to RequestSync, or a block the runtime fetched
  Decision decision;
};
using Input =
    std::variant<Start, MessageIn, TimerFired, ProposalReady, ProposalChecked, BlockSynced, ValidatorsDecided>;

// ------------------------------------------------------------ actions
struct Persist {
  SafetyRecord record;
};
struct Send {
  NodeId to = 0;
  Bytes payload;
};
struct Broadcast {  // to every other validator
  Bytes payload;
};
struct SetTimer {
  TimerId id = 0;
  TimePoint at = 0;  // in the engine's clock (the `now` of step)
};
struct CancelTimer {
  TimerId id = 0;
};
struct RequestProposal {
  Height height = 0;
  Round round = 0;
  Hash32 parent;
  std::size_t max_bytes = 0;
};
struct RequestValidate {
  Height height = 0;
  Round round = 0;
  Hash32 block;
  BlockHeader header;
  Bytes body;
};
struct RequestSync {
  Height from = 0;
  Height to = 0;
  NodeId hint = 0;  // a peer known to have it
};
struct Commit {
  Decision decision;
};
struct EvidenceFound {
  Evidence evidence;
};
struct Rejected {
  Rejection rejection;
};
enum class MetricId : std::uint8_t { height = 1, rounds_for_height = 2, votes_verified = 3 };
struct Metric {
  MetricId id = MetricId::height;
  std::int64_t value = 0;
};
using Action = std::variant<Persist, Send, Broadcast, SetTimer, CancelTimer, RequestProposal, RequestValidate,
                            RequestSync, Commit, EvidenceFound, Rejected, Metric>;

// Where an engine is, for operators' metrics: the height it works on, its
// round there, and its step within the round (an engine's own numbering,
// 0-2; Tendermint: Step).
struct EnginePosition {
  Height height = 0;
  Round round = 0;
  std::uint8_t step = 0;
};

class Engine {
 public:
  virtual ~Engine() = default;
  [[nodiscard]] virtual std::vector<Action> step(TimePoint now, const Input& in) = 0;
  // SHA-256 over the engine's whole state (determinism checks, replay).
  [[nodiscard]] virtual Hash32 state_digest() const = 0;
  [[nodiscard]] virtual Height committed_height() const = 0;
  // Votes, proposals, buffered messages and decisions held: the simulator
  // checks it stays bounded.
  [[nodiscard]] virtual std::size_t memory_items() const = 0;
  // For metrics; an engine that does not say reports round and step 0.
  [[nodiscard]] virtual EnginePosition position() const { return {committed_height() + 1, 0, 0}; }
};

}  // namespace privfin::consensus
