// The Gosig engine (gosig.hpp): its steps one input at a time with fixed
// candidates, then whole runs under the simulator's checkers: random
// hostile schedules, real BLS at n = 4, every Byzantine behaviour, replay,
// and the planted bugs it must be caught with.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "consensus_test_support.hpp"
#include "privfin/consensus/gosig.hpp"
#include "privfin/consensus/simulator.hpp"

using namespace privfin;
using namespace privfin::consensus;
using privfin::consensus::testing::Sample;

namespace {

constexpr TimePoint sec = 1'000'000'000;

// Four nodes on symbolic crypto; node 0 is every round's only candidate.
struct Harness {
  Sample s;
  NodeId self;
  SymbolicCrypto crypto;
  FixedSortition sortition;
  Gosig engine;

  explicit Harness(NodeId me, PlantedBugs bugs = {}, std::size_t chunk_bytes = GosigConfig{}.chunk_bytes)
      : self(me),
        crypto(s.keys, me),
        sortition([](Height, Round) { return std::vector<NodeId>{0}; }, me),
        engine(config(me, bugs, chunk_bytes), crypto, sortition) {}

  GosigConfig config(NodeId me, PlantedBugs bugs, std::size_t chunk_bytes = GosigConfig{}.chunk_bytes) const {
    GosigConfig c;
    c.chain_id = s.chain;
    c.validators = s.validators;
    c.self = me;
    c.bugs = bugs;
    c.chunk_bytes = chunk_bytes;
    return c;
  }

  // Node 0's proposal of a fresh block in round r (height 1).
  Bytes proposal(Round r, std::optional<AggregateVote> cert = std::nullopt, std::optional<Block> block = std::nullopt) const {
    FixedSortition zero([](Height, Round) { return std::vector<NodeId>{0}; }, 0);
    GosigProposal p;
    p.round = r;
    p.proposer = 0;
    p.ticket = zero.draw(1, r)->proof;
    p.block = block ? *block : s.block(1, r);
    p.block.header.proposer = block ? block->header.proposer : 0;
    p.justification = std::move(cert);
    SymbolicCrypto c(s.keys, 0);
    p.signature = c.sign(p.signed_bytes());
    return GosigMessage{p}.to_bytes();
  }
  Block block0(Round r) const {
    Block b = s.block(1, r);
    b.header.proposer = 0;
    return b;
  }
  AggregateVote signed_by(VoteType t, Round r, const Hash32& block, std::vector<NodeId> who) const {
    AggregateVote a;
    SymbolicCrypto c(s.keys, std::nullopt);
    for (NodeId i : who) {
      SymbolicCrypto signer(s.keys, i);
      auto one = single_aggregate(t, 1, r, block, 4, i, signer.sign(Vote::signed_bytes(s.chain, t, 1, r, block)));
      if (a.counts.empty()) {
        a = one;
      } else {
        a.counts[i] += 1;
        a.aggregate = c.add_aggregates(a.aggregate, one.aggregate);
      }
    }
    return a;
  }
};

template <class T>
std::vector<const T*> all_of(const std::vector<Action>& as) {
  std::vector<const T*> out;
  for (const auto& a : as) {
    if (const auto* x = std::get_if<T>(&a)) out.push_back(x);
  }
  return out;
}

// The index of the first action of type T, or the size.
template <class T>
std::size_t first_index(const std::vector<Action>& as) {
  for (std::size_t i = 0; i < as.size(); ++i) {
    if (std::holds_alternative<T>(as[i])) return i;
  }
  return as.size();
}

std::optional<AggregateVote> own_aggregate(const std::vector<Action>& as, VoteType t, NodeId self) {
  for (const auto* send : all_of<Send>(as)) {
    const auto m = GosigMessage::from_bytes(send->payload);
    if (const auto* a = std::get_if<AggregateVote>(&m.body); a && a->type == t && a->has_signer(self)) return *a;
  }
  return std::nullopt;
}

// Node `h.self` receives round-r proposal, finds it valid, enters stage II.
std::vector<Action> to_stage_two(Harness& h, Round r, const Bytes& proposal) {
  const TimePoint t0 = static_cast<TimePoint>(r) * 2 * sec;
  auto as = h.engine.step(t0 + 10, MessageIn{0, proposal});
  const auto v = all_of<RequestValidate>(as);
  for (const auto* rj : all_of<Rejected>(as)) UNSCOPED_INFO(rj->rejection.describe());
  REQUIRE(v.size() <= 1);  // none when the block was found valid in an earlier round
  if (!v.empty()) (void)h.engine.step(t0 + 20, ProposalChecked{1, r, v[0]->block, true});
  return h.engine.step(t0 + sec, TimerFired{0});
}

}  // namespace

TEST_CASE("gosig: the caller's mistakes throw, a peer's never do", "[consensus][gosig]") {
  Harness h(1);
  CHECK_THROWS_AS(h.engine.step(0, TimerFired{1}), InvalidArgument);
  (void)h.engine.step(0, Start{});
  CHECK_THROWS_AS(h.engine.step(0, Start{}), InvalidArgument);
  GosigConfig bad = h.config(7, {});
  CHECK_THROWS_AS(Gosig(bad, h.crypto, h.sortition), InvalidArgument);
  bad = h.config(1, {});
  bad.stage_two = 0;
  CHECK_THROWS_AS(Gosig(bad, h.crypto, h.sortition), InvalidArgument);
  // Without validator_changes Gosig keeps its genesis set: a member without
  // a vote is refused at construction, a changed set when it arrives; the
  // same set is ignored.
  bad = h.config(1, {});
  const auto zero = apply_changes(h.s.validators, std::vector<ValidatorChange>{{h.s.validators.at(3).bls_key, 0}});
  bad.validators = zero;
  CHECK_THROWS_AS(Gosig(bad, h.crypto, h.sortition), InvalidArgument);
  CHECK_NOTHROW(h.engine.step(0, ValidatorsDecided{3, h.s.validators}));
  const auto heavier = apply_changes(h.s.validators, std::vector<ValidatorChange>{{h.s.validators.at(3).bls_key, 2}});
  CHECK_THROWS_AS(h.engine.step(0, ValidatorsDecided{3, heavier}), InvalidValidatorUpdate);
}

TEST_CASE("gosig with validator_changes: a member of weight 0 neither proposes nor prepares, and its proposal is "
          "refused - blocks name their height's set - Start needs it",
          "[consensus][gosig][validators]") {
  Sample s;
  const auto weight0 = [&](NodeId who) {
    return apply_changes(s.validators, std::vector<ValidatorChange>{{s.validators.at(who).bls_key, 0}});
  };
  const auto config = [&](NodeId me) {
    GosigConfig c;
    c.chain_id = s.chain;
    c.validators = weight0(3);  // a member of weight 0 in the genesis: allowed with validator_changes
    c.self = me;
    c.validator_changes = true;
    return c;
  };
  const auto start_with = [](const ValidatorSet& set) {
    Start st;
    st.validators = {{1, set}, {2, set}};
    return st;
  };
  FixedSortition zero_leads([](Height, Round) { return std::vector<NodeId>{0}; }, 0);
  SymbolicCrypto crypto0(s.keys, 0);
  {
    Gosig e(config(0), crypto0, zero_leads);
    CHECK_THROWS_AS(e.step(0, Start{}), InvalidArgument);  // no set for height 1
  }
  {
    Gosig e(config(0), crypto0, zero_leads);
    CHECK(all_of<RequestProposal>(e.step(0, start_with(s.validators))).size() == 1);
    const auto other = SymbolicKeys::make(testing::seed_of(8), 4)->validator_set();
    CHECK_THROWS_AS(e.step(1, ValidatorsDecided{3, other}), InvalidValidatorUpdate);  // other members
  }
  {
    Gosig e(config(0), crypto0, zero_leads);
    CHECK(all_of<RequestProposal>(e.step(0, start_with(weight0(0)))).empty());  // the candidate has no weight
  }
  // Node 1 hears node 0's proposal. The block must name the set of height
  // 1; a proposer of weight 0 there is refused, naming the peer.
  Harness h(1);  // builds the proposals
  SymbolicCrypto crypto1(s.keys, 1);
  FixedSortition zero_leads_for_1([](Height, Round) { return std::vector<NodeId>{0}; }, 1);
  const auto hear = [&](const ValidatorSet& set, const Hash32& named) {
    Gosig e(config(1), crypto1, zero_leads_for_1);
    (void)e.step(0, start_with(set));
    Block b = h.block0(0);
    b.header.validators_hash = named;
    return e.step(10, MessageIn{0, h.proposal(0, std::nullopt, b)});
  };
  CHECK(all_of<RequestValidate>(hear(s.validators, s.validators.hash())).size() == 1);
  const auto genesis_named = hear(weight0(2), s.validators.hash());
  REQUIRE(all_of<Rejected>(genesis_named).size() == 1);
  CHECK(all_of<Rejected>(genesis_named)[0]->rejection.cause == RejectionCause::wrong_key);
  const auto weightless = hear(weight0(0), weight0(0).hash());
  REQUIRE(all_of<Rejected>(weightless).size() == 1);
  CHECK(all_of<Rejected>(weightless)[0]->rejection.cause == RejectionCause::wrong_sender);
  CHECK(all_of<Rejected>(weightless)[0]->rejection.from == std::optional<std::size_t>{0});
  // Node 1 at weight 0 takes the proposal but prepares nothing at stage II.
  for (const bool weighs : {true, false}) {
    const auto set = weighs ? s.validators : weight0(1);
    Gosig e(config(1), crypto1, zero_leads_for_1);
    (void)e.step(0, start_with(set));
    Block b = h.block0(0);
    b.header.validators_hash = set.hash();
    const auto heard = e.step(10, MessageIn{0, h.proposal(0, std::nullopt, b)});
    const auto v = all_of<RequestValidate>(heard);
    REQUIRE(v.size() == 1);
    (void)e.step(20, ProposalChecked{1, 0, v[0]->block, true});
    const auto as = e.step(sec, TimerFired{0});
    CHECK(own_aggregate(as, VoteType::prevote, 1).has_value() == weighs);
    CHECK(all_of<Persist>(as).empty() == !weighs);
  }
}

TEST_CASE("gosig with validator_changes: at a height whose set is unknown the engine waits, then goes on",
          "[consensus][gosig][validators]") {
  Sample s;
  GosigConfig c;
  c.chain_id = s.chain;
  c.validators = s.validators;
  c.self = 0;
  c.validator_changes = true;
  SymbolicCrypto crypto(s.keys, 0);
  FixedSortition zero_leads([](Height, Round) { return std::vector<NodeId>{0}; }, 0);
  Gosig e(c, crypto, zero_leads);
  Start st;
  st.validators = {{1, s.validators}};  // not yet the set of height 2
  (void)e.step(0, st);
  const Block b1 = s.block(1, 0);
  CHECK(all_of<Commit>(e.step(10, BlockSynced{Decision{b1, s.certificate(b1, 0)}})).size() == 1);
  Block b2 = s.block(2, 0);
  b2.header.parent = b1.hash();
  const Decision d2{b2, s.certificate(b2, 0)};
  const auto digest = e.state_digest();
  CHECK(all_of<Commit>(e.step(20, BlockSynced{d2})).empty());                 // not checkable yet
  CHECK(all_of<Commit>(e.step(30, MessageIn{1, GosigMessage{d2}.to_bytes()})).empty());
  CHECK(all_of<RequestProposal>(e.step(2 * sec + 5, TimerFired{0})).empty());  // round 1: no proposal
  CHECK(e.state_digest() != digest);                                             // the clock went on
  (void)e.step(2 * sec + 10, ValidatorsDecided{2, s.validators});
  CHECK(all_of<RequestProposal>(e.step(4 * sec + 5, TimerFired{0})).size() == 1);  // round 2
  CHECK(all_of<Commit>(e.step(4 * sec + 10, BlockSynced{d2})).size() == 1);
  CHECK(e.committed_height() == 2);
}

TEST_CASE("gosig: the lowest-priority valid proposal is prepared at stage II, after a Persist barrier",
          "[consensus][gosig]") {
  Harness h(1);
  (void)h.engine.step(0, Start{});
  const auto as = to_stage_two(h, 0, h.proposal(0));
  const auto persist = first_index<Persist>(as);
  REQUIRE(persist < as.size());
  const auto p = own_aggregate(as, VoteType::prevote, 1);
  REQUIRE(p);
  CHECK(p->block == h.block0(0).hash());
  CHECK(persist < first_index<Send>(as));  // the runtime holds the P until the record is durable
  const auto& rec = std::get<Persist>(as[persist]).record;
  REQUIRE(rec.signed_messages.size() == 1);
  const auto v = std::get<Vote>(Message::from_bytes(rec.signed_messages[0]).body);
  CHECK((v.type == VoteType::prevote && v.round == 0 && v.block == p->block));
}

TEST_CASE("gosig: 2f+1 distinct prepares lock and send TC - 2f+1 distinct TCs commit with a certificate - "
          "a sum of counts from fewer signers does neither",
          "[consensus][gosig]") {
  Harness h(1);
  (void)h.engine.step(0, Start{});
  (void)to_stage_two(h, 0, h.proposal(0));
  const Hash32 b = h.block0(0).hash();
  // Signer 0 twice and ourselves: counts sum to 3 with 2 distinct signers.
  auto two = h.signed_by(VoteType::prevote, 0, b, {0, 0});
  auto as = h.engine.step(sec + 1, MessageIn{0, GosigMessage{two}.to_bytes()});
  CHECK_FALSE(own_aggregate(as, VoteType::precommit, 1));
  CHECK_FALSE(h.engine.locked_round());
  as = h.engine.step(sec + 2, MessageIn{2, GosigMessage{h.signed_by(VoteType::prevote, 0, b, {2})}.to_bytes()});
  const auto tc = own_aggregate(as, VoteType::precommit, 1);
  REQUIRE(tc);
  CHECK(h.engine.locked_round() == std::optional<Round>{0});
  std::size_t tc_at = as.size();  // the first send of our TC comes after the Persist that records it
  for (std::size_t i = 0; i < as.size() && tc_at == as.size(); ++i) {
    if (const auto* send = std::get_if<Send>(&as[i])) {
      const auto m = GosigMessage::from_bytes(send->payload);
      const auto* a = std::get_if<AggregateVote>(&m.body);
      if (a && a->type == VoteType::precommit) tc_at = i;
    }
  }
  CHECK(first_index<Persist>(as) < tc_at);
  CHECK(all_of<Commit>(as).empty());
  as = h.engine.step(sec + 3, MessageIn{0, GosigMessage{h.signed_by(VoteType::precommit, 0, b, {0, 0})}.to_bytes()});
  CHECK(all_of<Commit>(as).empty());
  as = h.engine.step(sec + 4, MessageIn{3, GosigMessage{h.signed_by(VoteType::precommit, 0, b, {3})}.to_bytes()});
  const auto commits = all_of<Commit>(as);
  REQUIRE(commits.size() == 1);
  SymbolicCrypto checker(h.s.keys, std::nullopt);
  CHECK(verify_certificate(checker, h.s.validators, h.s.chain, commits[0]->decision.certificate));
  CHECK(h.engine.committed_height() == 1);
}

TEST_CASE("gosig planted bug count_sum_of_counts: the engine then locks on 2 distinct signers", "[consensus][gosig]") {
  PlantedBugs bugs;
  bugs.count_sum_of_counts = true;
  Harness h(1, bugs);
  (void)h.engine.step(0, Start{});
  (void)to_stage_two(h, 0, h.proposal(0));
  const auto as = h.engine.step(
      sec + 1, MessageIn{0, GosigMessage{h.signed_by(VoteType::prevote, 0, h.block0(0).hash(), {0, 0})}.to_bytes()});
  CHECK(own_aggregate(as, VoteType::precommit, 1));
}

TEST_CASE("gosig: a lock is released only by a prepare certificate from a later round", "[consensus][gosig]") {
  for (const bool bug : {false, true}) {
    PlantedBugs bugs;
    bugs.accept_lower_round_certificate = bug;
    Harness h(1, bugs);
    (void)h.engine.step(0, Start{});
    // Round 1: lock on block A.
    (void)to_stage_two(h, 1, h.proposal(1));
    const Block a = h.block0(1);
    (void)h.engine.step(3 * sec + 1, MessageIn{0, GosigMessage{h.signed_by(VoteType::prevote, 1, a.hash(), {0, 2})}.to_bytes()});
    REQUIRE(h.engine.locked_round() == std::optional<Round>{1});
    // Round 2: block B re-proposed with a certificate from round 0 (older than the lock).
    const Block b = h.block0(0);
    const auto old_cert = h.signed_by(VoteType::prevote, 0, b.hash(), {0, 2, 3});
    auto as = to_stage_two(h, 2, h.proposal(2, old_cert, b));
    INFO("planted bug " << bug);
    CHECK(own_aggregate(as, VoteType::prevote, 1).has_value() == bug);
    if (bug) continue;
    // Round 3: B with a certificate from round 2 (later than the lock): released, prepared.
    const auto new_cert = h.signed_by(VoteType::prevote, 2, b.hash(), {0, 2, 3});
    as = to_stage_two(h, 3, h.proposal(3, new_cert, b));
    const auto p = own_aggregate(as, VoteType::prevote, 1);
    REQUIRE(p);
    CHECK(p->block == b.hash());
  }
}

TEST_CASE("gosig: after a restart the recorded P is gossiped again and no other is signed in that round",
          "[consensus][gosig]") {
  Harness h(1);
  (void)h.engine.step(0, Start{});
  const auto as = to_stage_two(h, 0, h.proposal(0));
  const auto rec = std::get<Persist>(as[first_index<Persist>(as)]).record;
  const auto before = own_aggregate(as, VoteType::prevote, 1);
  REQUIRE(before);
  Harness again(1);
  const auto boot = again.engine.step(sec + 100, Start{0, std::nullopt, rec});
  const auto resent = own_aggregate(boot, VoteType::prevote, 1);
  REQUIRE(resent);
  CHECK(*resent == *before);
  CHECK(all_of<Persist>(boot).empty());
  // Another valid proposal for the same round: nothing new is signed.
  Block other = again.block0(0);
  other.body = to_bytes("tx|other");
  other.header.tx_root = tx_root_of(other.body);
  auto later = again.engine.step(sec + 200, MessageIn{0, again.proposal(0, std::nullopt, other)});
  for (const auto* v : all_of<RequestValidate>(later)) {
    later = again.engine.step(sec + 300, ProposalChecked{1, 0, v->block, true});
  }
  CHECK(all_of<Persist>(later).empty());
  const auto p = own_aggregate(later, VoteType::prevote, 1);
  CHECK((!p || p->block == before->block));
}

TEST_CASE("gosig: a safety record ahead of the ledger's next height is refused at start, naming both heights",
          "[consensus][gosig]") {
  Harness h(1);
  (void)h.engine.step(0, Start{});
  const auto as = to_stage_two(h, 0, h.proposal(0));
  auto rec = std::get<Persist>(as[first_index<Persist>(as)]).record;
  REQUIRE(rec.height == 1);
  rec.height = 5;
  Harness again(1);
  try {
    (void)again.engine.step(sec + 100, Start{2, std::nullopt, rec});
    FAIL("a record three heights ahead was accepted");
  } catch (const InvalidArgument& e) {
    const std::string what = e.what();
    CHECK(what.find("Gosig") != std::string::npos);
    CHECK(what.find("height 5") != std::string::npos);
    CHECK(what.find("only height 2") != std::string::npos);
  }
  rec.height = 1;  // the record of the next height is resumed as before
  const auto boot = again.engine.step(sec + 100, Start{0, std::nullopt, rec});
  CHECK(own_aggregate(boot, VoteType::prevote, 1));
}

TEST_CASE("gosig: malformed, forged and misplaced messages are refused naming the peer, digest unchanged",
          "[consensus][gosig]") {
  Harness h(1);
  (void)h.engine.step(0, Start{});
  (void)to_stage_two(h, 0, h.proposal(0));
  const auto digest = h.engine.state_digest();
  const Hash32 b = h.block0(0).hash();
  auto forged = h.signed_by(VoteType::prevote, 0, b, {2});
  forged.aggregate[3] ^= std::byte{4};
  Bytes bad_proposal = h.proposal(0);
  bad_proposal.back() ^= std::byte{1};  // the signature's last byte
  FixedSortition wrong([](Height, Round) { return std::vector<NodeId>{2}; }, 2);
  const std::vector<std::pair<NodeId, Bytes>> inputs{
      {0, to_bytes("junk")},
      {0, Bytes{}},
      {2, GosigMessage{forged}.to_bytes()},
      {3, bad_proposal},
      {9, GosigMessage{h.signed_by(VoteType::prevote, 0, b, {2})}.to_bytes()},
  };
  for (const auto& [from, bytes] : inputs) {
    const auto as = h.engine.step(sec + 5, MessageIn{from, bytes});
    const auto rejected = all_of<Rejected>(as);
    REQUIRE(rejected.size() == 1);
    CHECK(rejected[0]->rejection.from == std::optional<std::size_t>{from});
    CHECK(rejected[0]->rejection.by == 1);
    CHECK(h.engine.state_digest() == digest);
  }
}

// ------------------------------------------------------------ whole runs

namespace {

std::size_t n_for(std::uint64_t seed) { return std::size_t{4} + 3 * (seed % 3); }

SimConfig gosig_scenario(std::uint64_t seed, std::size_t n) {
  SimConfig c = random_scenario(seed, n);
  c.engine = SimEngine::gosig;
  return c;
}

template <class Adjust>
std::uint64_t first_caught(std::uint64_t last, Adjust adjust) {
  for (std::uint64_t seed = 1; seed <= last; ++seed) {
    SimConfig cfg = gosig_scenario(seed, n_for(seed));
    adjust(cfg, seed);
    if (!simulate(cfg).ok()) return seed;
  }
  return 0;
}

}  // namespace

TEST_CASE("gosig simulator: seeds 1-150 (n = 4, 7, 10, Byzantine nodes, partitions, crashes, skew): no violation",
          "[consensus][gosig][simulator]") {
  for (std::uint64_t seed = 1; seed <= 150; ++seed) {
    const auto r = simulate(gosig_scenario(seed, n_for(seed)));
    if (!r.ok()) {
      FAIL("seed " << seed << ": " << r.violations.front() << "\n  replay: privfin-consensus-sim --engine gosig --seed "
                   << seed << " --log");
    }
  }
}

TEST_CASE("gosig simulator: 4 honest nodes with real BLS and ECVRF commit, certificates verify",
          "[consensus][gosig][simulator]") {
  SimConfig cfg;
  cfg.engine = SimEngine::gosig;
  cfg.n = 4;
  cfg.real_crypto = true;
  cfg.target_height = 2;
  cfg.liveness_window = 30'000'000'000;
  cfg.behaviour = {Behaviour::honest, Behaviour::honest, Behaviour::malformed, Behaviour::honest};
  const auto r = simulate(cfg);
  INFO((r.ok() ? std::string() : r.violations.front()));
  CHECK(r.ok());
  CHECK(r.rejections > 0);
  for (NodeId i : {0u, 1u, 3u}) CHECK(r.committed[i] >= 2);
}

TEST_CASE("gosig simulator: one Byzantine node of each kind, 30 seeds each: no violation",
          "[consensus][gosig][simulator]") {
  for (int kind = 1; kind < behaviour_count; ++kind) {
    for (std::uint64_t seed = 1; seed <= 30; ++seed) {
      SimConfig cfg = gosig_scenario(seed, 4);
      cfg.behaviour.assign(4, Behaviour::honest);
      cfg.behaviour[seed % 4] = static_cast<Behaviour>(kind);
      const auto r = simulate(cfg);
      INFO(to_string(static_cast<Behaviour>(kind)) << " seed " << seed << ": "
                                                   << (r.ok() ? std::string() : r.violations.front()));
      REQUIRE(r.ok());
    }
  }
}

TEST_CASE("gosig simulator: a double-voting node is named by evidence that verifies (the simulator checks each piece)",
          "[consensus][gosig][simulator]") {
  std::size_t with_evidence = 0;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    SimConfig cfg = gosig_scenario(seed, 4);
    cfg.behaviour.assign(4, Behaviour::honest);
    cfg.behaviour[seed % 4] = Behaviour::double_vote;
    const auto r = simulate(cfg);
    INFO("seed " << seed << ": " << (r.ok() ? std::string() : r.violations.front()));
    REQUIRE(r.ok());  // evidence against an honest validator, or that does not verify, is a violation
    with_evidence += r.evidence > 0 ? 1U : 0U;
  }
  CHECK(with_evidence >= 15);
}

TEST_CASE("gosig simulator: clock skew - live and safe up to half a stage, still safe at two stages",
          "[consensus][gosig][simulator]") {
  // Rounds are cut by each node's clock (1 s stages here): a node whose
  // clock is off proposes and signs in the wrong stage. docs/consensus.md,
  // "Clock skew", has the commit rate as a function of the offset.
  const auto calm = [](std::uint64_t seed, TimePoint offset) {
    SimConfig cfg = gosig_scenario(seed, 4);
    remove_faults(cfg);
    cfg.max_clock_offset = offset;
    return simulate(cfg);
  };
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const auto r = calm(seed, sec / 2);
    INFO("offset 0.5 s, seed " << seed << ": " << (r.ok() ? std::string() : r.violations.front()));
    REQUIRE(r.ok());
  }
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const auto r = calm(seed, 2 * sec);
    for (const auto& v : r.violations) {
      INFO("offset 2 s, seed " << seed << ": " << v);
      CHECK(v.find("liveness") != std::string::npos);  // late, never wrong
    }
  }
}

// The application changes the weights every 2 heights (one honest member
// at weight 0 each time) on hostile schedules, as for Tendermint
// (simulator_app_test.cpp, which also plants ignore_validator_changes in
// both engines); every block must name its height's set and its
// certificate verify under it (the simulator's checkers).
TEST_CASE("gosig simulator: validator-set changes every 2 heights on hostile schedules",
          "[consensus][gosig][simulator][validators]") {
  std::uint64_t changes = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    SimConfig cfg = gosig_scenario(seed, seed % 3 == 0 ? 7 : 4);
    cfg.application = seed % 2 == 0 ? SimApplication::payments : SimApplication::kv_store;
    cfg.validator_change_every = 2;
    cfg.target_height = 7;
    if (seed % 5 == 0) cfg.crash_at_write = 0.05;
    const SimResult r = simulate(cfg);
    INFO("seed " << seed << ": " << (r.ok() ? std::string() : r.violations.front()));
    REQUIRE(r.ok());
    REQUIRE(r.headers.size() >= 7);
    CHECK(r.headers[2].validators_hash == r.headers[0].validators_hash);
    CHECK(r.headers[3].validators_hash != r.headers[0].validators_hash);
    changes += r.validator_changes;
  }
  CHECK(changes >= 150);
}

TEST_CASE("gosig simulator: runs replay exactly", "[consensus][gosig][simulator]") {
  for (std::uint64_t seed = 1; seed <= 400; seed += 20) {
    const auto cfg = gosig_scenario(seed, n_for(seed));
    const auto a = simulate(cfg), b = simulate(cfg);
    CHECK(a.trace == b.trace);
    CHECK(a.committed == b.committed);
  }
}

TEST_CASE("gosig simulator: planted bugs are caught (distinct signers, one P per round, lock check)",
          "[consensus][gosig][simulator][bugs]") {
  const auto sum = first_caught(100, [](SimConfig& c, std::uint64_t) { c.bugs.count_sum_of_counts = true; });
  const auto twice = first_caught(100, [](SimConfig& c, std::uint64_t) { c.bugs.sign_twice = true; });
  const auto lock = first_caught(300, [](SimConfig& c, std::uint64_t) { c.bugs.skip_lock_check = true; });
  WARN("caught at seeds " << sum << ", " << twice << ", " << lock);
  CHECK(sum != 0);
  CHECK(twice != 0);
  CHECK(lock != 0);
}

TEST_CASE("gosig simulator: amnesia and sends before the record is durable are caught as equivocation",
          "[consensus][gosig][simulator][bugs]") {
  const auto amnesia = first_caught(300, [](SimConfig& c, std::uint64_t s) {
    c.crashes.push_back(CrashPlan{static_cast<NodeId>(s % c.n), 1'000'000'000 + static_cast<TimePoint>(s % 7) * 37'000'000,
                                  20'000'000, true});
  });
  // A P that left before its record was durable, then a crash that loses
  // the record: the restarted node signs another P in the same round when
  // it now hears an equivocating candidate's other block first.
  const auto early = first_caught(300, [](SimConfig& c, std::uint64_t s) {
    c.behaviour.assign(c.n, Behaviour::honest);
    c.behaviour[s % c.n] = Behaviour::equivocate;
    c.crash_at_write = 0.3;
    c.crash_points = {WritePoint::safety_before_durable};
    c.restart_after_write_crash = 50'000'000;
    c.disk_latency = 400'000'000;  // a slow disk: the P is out, its record still in flight
    c.bugs.send_before_durable = true;
  });
  WARN("caught at seeds " << amnesia << ", " << early);
  CHECK(amnesia != 0);
  CHECK(early != 0);
  // The control: the same slow disk, crashes and equivocator without the bug pass.
  for (std::uint64_t seed = 1; seed <= std::max<std::uint64_t>(early, 20); ++seed) {
    SimConfig c = gosig_scenario(seed, n_for(seed));
    c.behaviour.assign(c.n, Behaviour::honest);
    c.behaviour[seed % c.n] = Behaviour::equivocate;
    c.crash_at_write = 0.3;
    c.crash_points = {WritePoint::safety_before_durable};
    c.restart_after_write_crash = 50'000'000;
    c.disk_latency = 400'000'000;
    const auto r = simulate(c);
    INFO("seed " << seed << ": " << (r.ok() ? std::string("ok") : r.violations.front()));
    CHECK(r.ok());
  }
}

TEST_CASE("gosig simulator: a stale proposer's old certificate cannot release a later lock (and can with the bug)",
          "[consensus][gosig][simulator][bugs]") {
  // Round 0: node 0 proposes A; node 3 hears nothing; node 1's messages
  // never leave until round 2, so only node 1 sees A prepared and locks.
  // Round 1: node 2 proposes B; node 3 (a stale proposer) sends its
  // prepare only to node 2, and node 2's messages leave no more once
  // stage II begins, so node 2 alone locks on B at round 1. Round 2: node 3
  // re-proposes A with its round-0 certificate. Node 2 must refuse.
  for (const bool bug : {false, true}) {
    SimConfig c;
    c.engine = SimEngine::gosig;
    c.n = 4;
    c.seed = 11;
    c.target_height = 2;
    c.behaviour = {Behaviour::honest, Behaviour::honest, Behaviour::honest, Behaviour::replay};
    c.gosig.schedule = [](Height h, Round r) {
      if (h == 1 && r == 0) return std::vector<NodeId>{0};
      if (h == 1 && r == 1) return std::vector<NodeId>{2};
      if (h == 1 && r == 2) return std::vector<NodeId>{3};
      return std::vector<NodeId>{static_cast<NodeId>(r % 3)};
    };
    c.partitions.push_back(Partition{0, 4 * sec, {false, true, false, false}, true});  // node 1 -> others cut
    c.partitions.push_back(Partition{0, 2 * sec, {true, true, true, false}, true});    // others -> node 3 cut
    c.partitions.push_back(Partition{3 * sec, 5 * sec, {false, false, true, false}, true});  // node 2 -> others cut
    c.fault_end = 6 * sec;
    c.bugs.accept_lower_round_certificate = bug;
    c.log = true;
    const auto r = simulate(c);
    if (bug && std::getenv("GOSIG_DEBUG_LOG")) {
      for (const auto& line : r.log) std::fprintf(stderr, "%s\n", line.c_str());
    }
    INFO("planted bug " << bug << ": " << (r.ok() ? std::string("ok") : r.violations.front()));
    CHECK(r.ok() == !bug);
    if (!bug) {
      for (auto hgt : r.committed) CHECK(hgt >= 2);
    }
  }
}

TEST_CASE("gosig: symbolic sortition - about the expected candidates per round, proofs only the drawn node's",
          "[consensus][gosig]") {
  constexpr std::size_t n = 50;
  const auto keys = SymbolicKeys::make(privfin::consensus::testing::seed_of(3), n);
  std::vector<SymbolicSortition> nodes;
  for (NodeId i = 0; i < n; ++i) nodes.emplace_back("chain", keys, i, 5);
  std::size_t drawn = 0;
  for (Round r = 0; r < 200; ++r) {
    for (NodeId i = 0; i < n; ++i) {
      const auto t = nodes[i].draw(3, r);
      if (!t) continue;
      ++drawn;
      const auto other = static_cast<NodeId>((i + 1) % n);
      CHECK(nodes[other].check(i, 3, r, t->proof) == t->priority);  // anyone checks it
      CHECK_FALSE(nodes[other].check(other, 3, r, t->proof));      // not another node's
      CHECK_FALSE(nodes[other].check(i, 3, r + 1, t->proof));       // not another round's
      CHECK_FALSE(nodes[other].check(i, 4, r, t->proof));           // nor another height's
      CHECK_FALSE(nodes[other].check(i, 3, r, ByteView(t->proof).first(31)));
      CHECK_FALSE(nodes[other].check(static_cast<NodeId>(n), 3, r, t->proof));
    }
  }
  // 5 expected per round: 1,000 over 200 rounds, binomial spread about 30.
  CHECK(drawn > 850);
  CHECK(drawn < 1150);
  CHECK_THROWS_AS(SymbolicSortition("chain", keys, static_cast<NodeId>(n), 5), InvalidArgument);
  CHECK_THROWS_AS(SymbolicSortition("chain", nullptr, 0, 5), InvalidArgument);
  CHECK_THROWS_AS(SymbolicSortition("chain", keys, 0, 0), InvalidArgument);

  // In the simulator: hostile seeds stay safe and live with it.
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    SimConfig c = random_scenario(seed, 4 + 3 * (seed % 3));
    c.engine = SimEngine::gosig;
    c.gosig.symbolic_sortition = true;
    const auto res = simulate(c);
    INFO("seed " << seed << ": " << (res.ok() ? "" : res.violations.front()));
    CHECK(res.ok());
  }
  SimConfig real = random_scenario(1, 4);
  real.engine = SimEngine::gosig;
  real.real_crypto = true;
  real.gosig.symbolic_sortition = true;
  CHECK_THROWS_AS(simulate(real), InvalidArgument);
}

TEST_CASE("gosig: after its commit a node answers a peer still at that height with the decision, once per round",
          "[consensus][gosig]") {
  Harness h(1);
  (void)h.engine.step(0, Start{});
  (void)to_stage_two(h, 0, h.proposal(0));
  const Hash32 b = h.block0(0).hash();
  (void)h.engine.step(sec + 1, MessageIn{0, GosigMessage{h.signed_by(VoteType::prevote, 0, b, {0, 2})}.to_bytes()});
  const auto as = h.engine.step(sec + 2, MessageIn{0, GosigMessage{h.signed_by(VoteType::precommit, 0, b, {0, 3})}.to_bytes()});
  REQUIRE(all_of<Commit>(as).size() == 1);
  REQUIRE(h.engine.committed_height() == 1);
  // Peers 2 and 3 still gossip height 1: each gets the decision back, the same bytes (encoded once).
  const Bytes behind = GosigMessage{h.signed_by(VoteType::prevote, 0, b, {2})}.to_bytes();
  const auto after2 = h.engine.step(sec + 3, MessageIn{2, behind});
  const auto after3 = h.engine.step(sec + 4, MessageIn{3, behind});
  const auto to2 = all_of<Send>(after2);  // pointers into the actions above
  const auto to3 = all_of<Send>(after3);
  REQUIRE(to2.size() == 1);
  REQUIRE(to3.size() == 1);
  CHECK(to2[0]->to == 2);
  CHECK(to3[0]->to == 3);
  CHECK(to2[0]->payload == to3[0]->payload);
  const auto m = GosigMessage::from_bytes(to2[0]->payload);
  const auto* d = std::get_if<Decision>(&m.body);
  REQUIRE(d != nullptr);
  CHECK(d->block.hash() == b);
  SymbolicCrypto checker(h.s.keys, std::nullopt);
  CHECK(verify_certificate(checker, h.s.validators, h.s.chain, d->certificate));
  // Once per round and peer.
  const auto again = h.engine.step(sec + 5, MessageIn{2, behind});
  CHECK(all_of<Send>(again).empty());
}

// ------------------------------------------------------------ streamed bodies

namespace {

constexpr std::size_t stream_chunk = 1024;

// Node 0's round-0 block with a body of `size` bytes, its proposal
// streamed in 1 KiB chunks (the manifest signed with it).
struct Streamed {
  Block block;
  GosigProposal proposal;
  Bytes wire;

  Streamed(const Harness& h, std::size_t size, bool lie_in_manifest = false) {
    block = h.block0(0);
    block.body.resize(size);
    for (std::size_t i = 0; i < size; ++i) block.body[i] = std::byte{static_cast<std::uint8_t>(i * 7 + 3)};
    block.header.tx_root = tx_root_of(block.body);
    FixedSortition zero([](Height, Round) { return std::vector<NodeId>{0}; }, 0);
    proposal.round = 0;
    proposal.proposer = 0;
    proposal.ticket = zero.draw(1, 0)->proof;
    proposal.block = block;
    Bytes manifest_body = block.body;
    if (lie_in_manifest) manifest_body[5] ^= std::byte{1};  // chunks that do not add up to tx_root
    proposal.manifest = BodyManifest::of(manifest_body, stream_chunk);
    SymbolicCrypto c(h.s.keys, 0);
    proposal.signature = c.sign(proposal.signed_bytes());
    wire = GosigMessage{proposal}.to_bytes();
    if (lie_in_manifest) block.body = manifest_body;
  }
  [[nodiscard]] std::size_t chunks() const { return proposal.manifest->chunks.size(); }
  [[nodiscard]] Bytes chunk(std::uint32_t i, bool corrupt = false) const {
    BodyChunk c{1, 0, block.hash(), i, {}};
    const std::size_t at = std::size_t{i} * stream_chunk;
    const std::size_t len = std::min(stream_chunk, block.body.size() - at);
    c.data.assign(block.body.begin() + static_cast<std::ptrdiff_t>(at),
                  block.body.begin() + static_cast<std::ptrdiff_t>(at + len));
    if (corrupt) c.data[0] ^= std::byte{0x80};
    return GosigMessage{c}.to_bytes();
  }
};

struct StreamHarness : Harness {
  explicit StreamHarness(NodeId me) : Harness(me, {}, stream_chunk) {}
};

}  // namespace

TEST_CASE("gosig streams a large body: the proposal travels without it, checked chunks assemble it, a bad chunk is "
          "refused naming its sender, a body the manifest's maker got wrong is refused naming the maker",
          "[consensus][gosig][stream]") {
  StreamHarness h(1);
  (void)h.engine.step(0, Start{});
  const Streamed st(h, 5 * stream_chunk + 100);
  REQUIRE(st.chunks() == 6);
  REQUIRE(st.wire.size() < st.block.body.size());  // the body is not in it
  CHECK(GosigMessage::from_bytes(st.wire).body.index() == 0);

  auto as = h.engine.step(10, MessageIn{2, st.wire});
  CHECK(all_of<Rejected>(as).empty());
  CHECK(all_of<RequestValidate>(as).empty());  // nothing to check until the body is in

  // A relay that alters a chunk is named; the chunk is not kept.
  as = h.engine.step(20, MessageIn{2, st.chunk(0, true)});
  REQUIRE(all_of<Rejected>(as).size() == 1);
  CHECK(all_of<Rejected>(as)[0]->rejection.from == 2);
  CHECK(all_of<Rejected>(as)[0]->rejection.cause == RejectionCause::invalid_proof);

  // The have-map it announces at a tick says what it holds; a peer that
  // announces chunks gets asked for those it lacks.
  ChunkHave offer{ChunkSet{1, 0, st.block.hash(), std::vector<bool>(st.chunks(), true)}};
  as = h.engine.step(30, MessageIn{3, GosigMessage{offer}.to_bytes()});
  REQUIRE(all_of<Send>(as).size() == 1);
  CHECK(all_of<Send>(as)[0]->to == 3);
  const auto want = GosigMessage::from_bytes(all_of<Send>(as)[0]->payload);
  REQUIRE(std::holds_alternative<ChunkWant>(want.body));
  CHECK(std::count(std::get<ChunkWant>(want.body).chunks.begin(), std::get<ChunkWant>(want.body).chunks.end(), true) >= 1);

  for (std::uint32_t i = 0; i + 1 < st.chunks(); ++i) {
    as = h.engine.step(40 + i, MessageIn{3, st.chunk(i)});
    CHECK(all_of<Rejected>(as).empty());
    CHECK(all_of<RequestValidate>(as).empty());
  }
  as = h.engine.step(60, MessageIn{3, st.chunk(static_cast<std::uint32_t>(st.chunks() - 1))});
  const auto v = all_of<RequestValidate>(as);
  REQUIRE(v.size() == 1);
  CHECK(v[0]->body == st.block.body);
  CHECK(v[0]->block == st.block.hash());
  // The same chunk again changes nothing.
  const auto digest = h.engine.state_digest();
  CHECK(h.engine.step(61, MessageIn{2, st.chunk(0)}).empty());
  CHECK(h.engine.state_digest() == digest);

  // A peer asking for chunks gets them (from the assembled body).
  ChunkWant ask{ChunkSet{1, 0, st.block.hash(), std::vector<bool>(st.chunks(), true)}};
  as = h.engine.step(70, MessageIn{2, GosigMessage{ask}.to_bytes()});
  REQUIRE(all_of<Send>(as).size() == st.chunks());
  for (const auto* s : all_of<Send>(as)) {
    CHECK(s->to == 2);
    const auto m = GosigMessage::from_bytes(s->payload);
    REQUIRE(std::holds_alternative<BodyChunk>(m.body));
    CHECK(s->payload == st.chunk(std::get<BodyChunk>(m.body).index));
  }
  // Asking again at once buys nothing (a few bytes must not buy the body
  // over and over); after chunk_retry_ticks a lost chunk is sent again.
  CHECK(all_of<Send>(h.engine.step(71, MessageIn{2, GosigMessage{ask}.to_bytes()})).empty());
  const TimePoint retry = static_cast<TimePoint>(GosigConfig{}.chunk_retry_ticks) * GosigConfig{}.gossip.interval;
  CHECK(all_of<Send>(h.engine.step(70 + retry, MessageIn{2, GosigMessage{ask}.to_bytes()})).size() == st.chunks());
  // A have-map or request of another size is refused.
  ChunkWant wrong{ChunkSet{1, 0, st.block.hash(), std::vector<bool>(st.chunks() + 1, true)}};
  as = h.engine.step(80, MessageIn{2, GosigMessage{wrong}.to_bytes()});
  REQUIRE(all_of<Rejected>(as).size() == 1);
  CHECK(all_of<Rejected>(as)[0]->rejection.cause == RejectionCause::malformed);

  SECTION("a manifest altered on the way fails the proposer's signature") {
    StreamHarness g(1);
    (void)g.engine.step(0, Start{});
    GosigProposal altered = st.proposal;
    altered.manifest->chunks[2].v[0] ^= std::byte{1};
    as = g.engine.step(10, MessageIn{2, GosigMessage{altered}.to_bytes()});
    REQUIRE(all_of<Rejected>(as).size() == 1);
    CHECK(all_of<Rejected>(as)[0]->rejection.from == 2);
    CHECK(all_of<Rejected>(as)[0]->rejection.cause == RejectionCause::invalid_proof);
  }
  SECTION("chunks that match the signed manifest but not the header: the maker is named, nothing validated") {
    StreamHarness g(1);
    (void)g.engine.step(0, Start{});
    const Streamed liar(g, 3 * stream_chunk, true);
    CHECK(all_of<Rejected>(g.engine.step(10, MessageIn{2, liar.wire})).empty());
    std::vector<Action> last;
    for (std::uint32_t i = 0; i < liar.chunks(); ++i) last = g.engine.step(20 + i, MessageIn{3, liar.chunk(i)});
    CHECK(all_of<RequestValidate>(last).empty());
    REQUIRE(all_of<Rejected>(last).size() == 1);
    CHECK(all_of<Rejected>(last)[0]->rejection.from == 0);
  }
}

TEST_CASE("gosig streamed bodies: a candidate proposes without its body and announces that it holds it",
          "[consensus][gosig][stream]") {
  StreamHarness h(0);
  auto as = h.engine.step(0, Start{});
  const auto req = all_of<RequestProposal>(as);
  REQUIRE(req.size() == 1);
  Bytes body(3 * stream_chunk + 1, std::byte{0x42});
  as = h.engine.step(5, ProposalReady{1, 0, body, Hash32{}});
  bool streamed = false, announced = false;
  for (const auto* s : all_of<Send>(as)) {
    const auto m = GosigMessage::from_bytes(s->payload);
    if (const auto* p = std::get_if<GosigProposal>(&m.body)) streamed = p->manifest.has_value() && p->block.body.empty();
    announced |= std::holds_alternative<ChunkHave>(m.body);
    CHECK(s->payload.size() < body.size());
  }
  CHECK(streamed);
  CHECK(announced);
}

TEST_CASE("gosig streams bodies between real BLS nodes under the simulator's checkers, through loss, and a client "
          "load's transactions are all committed in order",
          "[consensus][gosig][stream][simulator]") {
  for (std::uint64_t seed : {1U, 2U, 3U}) {
    SimConfig cfg = random_scenario(seed, 4);
    remove_faults(cfg);
    cfg.engine = SimEngine::gosig;
    cfg.real_crypto = seed == 1;
    cfg.loss = seed == 3 ? 0.05 : 0;  // lost chunks are asked for again
    cfg.fault_end = seed == 3 ? 8 * sec : 0;
    cfg.target_height = 4;
    cfg.load_tx_per_s = 2'000;     // 2 s rounds: about 4,000 transactions, 64 KB a block in memory
    cfg.gosig.chunk_bytes = 4096;  // so every block after the first streams in about 16 chunks
    cfg.ns_per_byte = cfg.ingress_ns_per_byte = 80;  // 100 Mbit/s
    const SimResult r = simulate(cfg);
    INFO("seed " << seed << ": " << (r.ok() ? std::string("ok") : r.violations.front()));
    REQUIRE(r.ok());
    const auto out = load_outcome(cfg, r);
    CHECK(out.heights >= 4);
    // Every height takes the next transactions: together a prefix of the load.
    std::uint64_t next = 0;
    for (const auto& [first, count] : r.load_blocks) {
      CHECK(first == next);
      next = first + count;
    }
    CHECK(out.committed == next);
    CHECK(out.committed > 3 * 2'000);
    CHECK(out.mean_latency_s < 4.0);
  }
}

TEST_CASE("gosig over a WAN in the simulator: 14 nodes in 14 AWS regions, 30 s rounds, 250-byte transactions at "
          "5,000 a second, 100 Mbit/s a node: all committed, at most 45 s mean latency",
          "[consensus][gosig][stream][simulator]") {
  SimConfig cfg = random_scenario(1, 14);
  remove_faults(cfg);
  cfg.max_clock_offset = 0;
  cfg.engine = SimEngine::gosig;
  set_regions(cfg, aws_14_regions(), 0.05);
  cfg.gosig.stage_one = 25 * sec;
  cfg.gosig.stage_two = 5 * sec;
  cfg.gosig.chunk_bytes = 16 << 10;
  cfg.gosig.chunk_window = 32;
  cfg.gosig.kept_decisions = 2;
  cfg.costs.verify = cfg.costs.aggregate_verify = 625'000;
  cfg.ns_per_byte = cfg.ingress_ns_per_byte = 80;
  cfg.load_tx_per_s = 5'000;
  cfg.load_tx_wire_bytes = 250;
  cfg.max_body = 16 << 20;
  cfg.target_height = 3;
  cfg.progress_after_faults = 0;
  cfg.liveness_window = 200 * sec;
  const SimResult r = simulate(cfg);
  REQUIRE(r.ok());
  const auto out = load_outcome(cfg, r);
  CHECK(out.heights == 3);
  CHECK(out.tx_per_s >= 4'990);
  CHECK(out.mean_latency_s <= 45.0);
  // A block carries 150,000 transactions, 37.5 MB on the wire; a node
  // sends a few times that per height, not the fanout times n.
  CHECK(out.mean_block_tx > 90'000);
  CHECK(static_cast<double>(r.bytes) / 14 / 3 < 4 * 37.5e6);
}

TEST_CASE("gosig streamed bodies: a decided header commits a node from the body it holds, sends one without it to "
          "block sync, and is what a committed node serves a peer behind - chunk sizes below 1 KiB are refused",
          "[consensus][gosig][stream]") {
  GosigConfig tiny = Harness(1).config(1, {});
  tiny.chunk_bytes = 1000;
  {
    Harness h(1);
    CHECK_THROWS_AS(Gosig(tiny, h.crypto, h.sortition), InvalidArgument);
  }
  StreamHarness h(1);
  (void)h.engine.step(0, Start{});
  const Streamed st(h, 3 * stream_chunk + 7);
  (void)h.engine.step(10, MessageIn{2, st.wire});
  std::vector<Action> as;
  for (std::uint32_t i = 0; i < st.chunks(); ++i) as = h.engine.step(20 + i, MessageIn{3, st.chunk(i)});
  REQUIRE(all_of<RequestValidate>(as).size() == 1);
  (void)h.engine.step(30, ProposalChecked{1, 0, st.block.hash(), true});
  const auto cert = h.signed_by(VoteType::precommit, 0, st.block.hash(), {0, 2, 3}).certificate();
  const Bytes decided = GosigMessage{DecidedHeader{st.block.header, cert}}.to_bytes();

  SECTION("a node without the body asks for the block") {
    StreamHarness g(1);
    (void)g.engine.step(0, Start{});
    const auto out = g.engine.step(40, MessageIn{2, decided});
    CHECK(all_of<Commit>(out).empty());
    REQUIRE(all_of<RequestSync>(out).size() == 1);
    CHECK(all_of<RequestSync>(out)[0]->hint == 2);
  }
  SECTION("a node with the body commits it, then serves a peer behind the header, not the body") {
    as = h.engine.step(40, MessageIn{2, decided});
    const auto commits = all_of<Commit>(as);
    REQUIRE(commits.size() == 1);
    CHECK(commits[0]->decision.block == st.block);
    CHECK(h.engine.committed_height() == 1);
    // Peer 3 is still at height 1: its have-map gets the decided header back.
    ChunkHave behind{ChunkSet{1, 0, st.block.hash(), std::vector<bool>(st.chunks(), true)}};
    as = h.engine.step(50, MessageIn{3, GosigMessage{behind}.to_bytes()});
    const auto sends = all_of<Send>(as);
    REQUIRE(sends.size() == 1);
    CHECK(sends[0]->to == 3);
    CHECK(sends[0]->payload == decided);
  }
}

TEST_CASE("simulator: a client load needs Gosig and the stand-in application", "[consensus][simulator][stream]") {
  SimConfig cfg = random_scenario(1, 4);
  cfg.load_tx_per_s = 100;
  CHECK_THROWS_AS(simulate(cfg), InvalidArgument);  // Tendermint
  cfg.engine = SimEngine::gosig;
  cfg.application = SimApplication::payments;
  CHECK_THROWS_AS(simulate(cfg), InvalidArgument);
  cfg.application = SimApplication::stand_in;
  cfg.load_tx_wire_bytes = 8;  // below the 16-byte identity
  CHECK_THROWS_AS(simulate(cfg), InvalidArgument);
  cfg.load_tx_wire_bytes = 250;
  cfg.load_tx_per_s = -1;
  CHECK_THROWS_AS(simulate(cfg), InvalidArgument);
  SimConfig regions = cfg;
  CHECK_THROWS_AS(set_regions(regions, RegionMatrix{}, 0.05), InvalidArgument);
  set_regions(regions, aws_14_regions(), 0.05);
  CHECK(regions.zone_links.size() == 14);
  CHECK(regions.zone_links[0][9].latency == 93'000'000);  // us-east-1 to ap-south-1, one way
}
