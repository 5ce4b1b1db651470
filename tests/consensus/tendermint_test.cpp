// The Tendermint engine alone: determinism, the safety record and restart,
// and every malformed message refused with a reason naming the peer while
// state_digest() stays the same.
#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <set>

#include "consensus_test_support.hpp"
#include "privfin/consensus/tendermint.hpp"

using namespace privfin;
using namespace privfin::consensus;
using privfin::consensus::testing::Sample;

namespace {

constexpr NodeId self = 2;  // proposer of (1, 0) is node 1

TendermintConfig config_of(const Sample& s) {
  TendermintConfig c;
  c.chain_id = s.chain;
  c.validators = s.validators;
  c.self = self;
  return c;
}

struct Node {
  Sample s;
  SymbolicCrypto crypto{s.keys, self};
  Tendermint engine{config_of(s), crypto};
};

template <class T>
std::vector<T> all_of(const std::vector<Action>& actions) {
  std::vector<T> out;
  for (const auto& a : actions) {
    if (const auto* x = std::get_if<T>(&a)) out.push_back(*x);
  }
  return out;
}

// Node 2 at height 1 holding node 1's proposal, validated.
std::vector<Action> prepare(Node& n, const Proposal& p) {
  (void)n.engine.step(0, Start{});
  (void)n.engine.step(1, MessageIn{1, Message{p}.to_bytes()});
  return n.engine.step(2, ProposalChecked{1, 0, p.block.hash(), true});
}

}  // namespace

TEST_CASE("tendermint: a validated proposal is prevoted, after a Persist barrier", "[consensus][tendermint]") {
  Node n;
  const auto p = n.s.proposal(1, 0);
  const auto actions = prepare(n, p);
  REQUIRE(actions.size() >= 2);
  CHECK(std::holds_alternative<Persist>(actions[0]));
  const auto b = std::get<Broadcast>(actions[1]);
  const auto v = std::get<Vote>(Message::from_bytes(b.payload).body);
  CHECK(v.type == VoteType::prevote);
  CHECK(v.block == p.block.hash());
  CHECK(v.voter == self);
  const auto rec = std::get<Persist>(actions[0]).record;
  CHECK(rec.height == 1);
  CHECK(rec.step == Step::prevote);
  REQUIRE(rec.signed_messages.size() == 1);
  CHECK(rec.signed_messages[0] == b.payload);
}

TEST_CASE("tendermint: same inputs, same actions and digest", "[consensus][tendermint]") {
  Node a, b;
  const auto p = a.s.proposal(1, 0);
  CHECK(a.engine.state_digest() == b.engine.state_digest());
  const auto x = prepare(a, p);
  const auto y = prepare(b, p);
  CHECK(a.engine.state_digest() == b.engine.state_digest());
  REQUIRE(x.size() == y.size());
  CHECK(all_of<Broadcast>(x).front().payload == all_of<Broadcast>(y).front().payload);
  CHECK_THROWS_AS(Node().engine.step(0, TimerFired{1}), InvalidArgument);  // before Start
}

TEST_CASE("tendermint: 2f+1 prevotes lock and precommit, 2f+1 precommits commit with a certificate",
          "[consensus][tendermint]") {
  Node n;
  const auto p = n.s.proposal(1, 0);
  const Hash32 id = p.block.hash();
  (void)prepare(n, p);
  std::vector<Action> got;
  for (NodeId v : {0U, 1U}) {
    auto a = n.engine.step(3, MessageIn{v, Message{n.s.vote(v, VoteType::prevote, 1, 0, id)}.to_bytes()});
    got.insert(got.end(), a.begin(), a.end());
  }
  const auto persists = all_of<Persist>(got);
  REQUIRE(persists.size() == 1);
  CHECK(persists[0].record.locked_round == Round{0});
  CHECK(persists[0].record.locked->hash() == id);
  CHECK(persists[0].record.valid_proof.size() == 3);
  got.clear();
  for (NodeId v : {0U, 3U}) {
    auto a = n.engine.step(4, MessageIn{v, Message{n.s.vote(v, VoteType::precommit, 1, 0, id)}.to_bytes()});
    got.insert(got.end(), a.begin(), a.end());
  }
  const auto commits = all_of<Commit>(got);
  REQUIRE(commits.size() == 1);
  SymbolicCrypto checker(n.s.keys, std::nullopt);
  CHECK(verify_certificate(checker, n.s.validators, n.s.chain, commits[0].decision.certificate));
  CHECK(commits[0].decision.block == p.block);
  CHECK(n.engine.committed_height() == 1);
  CHECK(n.engine.height() == 2);
}

TEST_CASE("tendermint: after a restart the same signed vote is sent again, never a conflicting one",
          "[consensus][tendermint]") {
  Node before;
  const auto p = before.s.proposal(1, 0);
  const auto actions = prepare(before, p);
  const auto record = std::get<Persist>(actions[0]).record;
  const Bytes sent = std::get<Broadcast>(actions[1]).payload;

  Node after;
  const auto restart = after.engine.step(100, Start{0, std::nullopt, record});
  const auto again = all_of<Broadcast>(restart);
  REQUIRE_FALSE(again.empty());
  CHECK(again.front().payload == sent);
  CHECK(after.engine.round() == 0);
  CHECK(after.engine.current_step() == Step::prevote);
  // Every timer fires; the proposal arrives again: no other prevote for (1, 0).
  std::vector<Action> later;
  for (const auto& t : all_of<SetTimer>(restart)) {
    auto a = after.engine.step(t.at, TimerFired{t.id});
    later.insert(later.end(), a.begin(), a.end());
  }
  auto a = after.engine.step(10'000'000'000, MessageIn{1, Message{p}.to_bytes()});
  later.insert(later.end(), a.begin(), a.end());
  for (const auto& b : all_of<Broadcast>(later)) {
    const auto m = Message::from_bytes(b.payload);
    if (const auto* v = std::get_if<Vote>(&m.body); v && v->voter == self && v->type == VoteType::prevote &&
                                                     v->height == 1 && v->round == 0) {
      CHECK(b.payload == sent);
    }
  }
  // A record from an older height is ignored: fresh start at the ledger's height.
  Node fresh;
  auto old = record;
  old.height = 0;
  (void)fresh.engine.step(0, Start{0, std::nullopt, old});
  CHECK(fresh.engine.current_step() == Step::propose);
}

TEST_CASE("tendermint: a safety record ahead of the ledger's next height is refused at start, naming both heights",
          "[consensus][tendermint]") {
  Node before;
  const auto actions = prepare(before, before.s.proposal(1, 0));
  auto record = std::get<Persist>(actions[0]).record;
  REQUIRE(record.height == 1);
  // The ledger at 0 and a record of height 3: what the node signed at
  // heights 1 and 2 is unknown, so it must not start there.
  record.height = 3;
  Node after;
  try {
    (void)after.engine.step(0, Start{0, std::nullopt, record});
    FAIL("a record two heights ahead was accepted");
  } catch (const InvalidArgument& e) {
    const std::string what = e.what();
    CHECK(what.find("Tendermint") != std::string::npos);
    CHECK(what.find("height 3") != std::string::npos);
    CHECK(what.find("only height 0") != std::string::npos);
  }
  // Nothing was started: a Start with a consistent record still works.
  record.height = 1;
  const auto restart = after.engine.step(100, Start{0, std::nullopt, record});
  CHECK_FALSE(all_of<Broadcast>(restart).empty());
  CHECK(after.engine.height() == 1);
}

namespace {

// A vote of the current height is kept unchecked until it could change a
// decision (tendermint.hpp). So a vote whose signature is bad is refused
// once valid votes of the same (round, kind, value) from the other voters
// make it count: deliver those until its signature is checked. It must be
// refused then, naming its sender, and never counted (nothing is signed).
void refused_when_counted(Node& n, std::vector<Action> actions, NodeId from, const Bytes& bytes) {
  const Vote bad = std::get<Vote>(Message::from_bytes(bytes).body);
  TimePoint t = 6;
  for (NodeId u = 0; u < 4 && all_of<Rejected>(actions).empty(); ++u) {
    if (u == bad.voter || u == self) continue;
    const auto more =
        n.engine.step(t++, MessageIn{u, Message{n.s.vote(u, bad.type, bad.height, bad.round, bad.block)}.to_bytes()});
    actions.insert(actions.end(), more.begin(), more.end());
  }
  const auto rejected = all_of<Rejected>(actions);
  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0].rejection.from == std::optional<std::size_t>(from));
  CHECK(rejected[0].rejection.cause == RejectionCause::invalid_proof);
  CHECK(all_of<Persist>(actions).empty());
}

}  // namespace

TEST_CASE("tendermint: own votes of rounds left stay in the safety record and reach a peer still in that round",
          "[consensus][tendermint]") {
  // Node 2 prevotes and precommits nil in round 0, leaves it on 2f+1
  // precommits, and restarts in round 1 with only its record.
  Node before;
  for (const auto& t : all_of<SetTimer>(before.engine.step(0, Start{}))) {  // no proposal: propose timeout
    (void)before.engine.step(t.at, TimerFired{t.id});
  }
  REQUIRE(before.engine.current_step() == Step::prevote);
  for (NodeId v : {0U, 1U, 3U}) {
    (void)before.engine.step(1'000'000'000,
                             MessageIn{v, Message{before.s.vote(v, VoteType::prevote, 1, 0, std::nullopt)}.to_bytes()});
  }
  std::vector<Action> got;
  for (NodeId v : {0U, 1U}) {
    auto a = before.engine.step(
        1'100'000'000, MessageIn{v, Message{before.s.vote(v, VoteType::precommit, 1, 0, std::nullopt)}.to_bytes()});
    got.insert(got.end(), a.begin(), a.end());
  }
  for (const auto& t : all_of<SetTimer>(got)) {  // the precommit timeout (line 65) ends round 0
    auto a = before.engine.step(t.at, TimerFired{t.id});
    got.insert(got.end(), a.begin(), a.end());
  }
  REQUIRE(before.engine.round() == 1);
  // Round 1's proposer is node 2 itself: its request is answered, the proposal persisted.
  auto a = before.engine.step(3'000'000'000, ProposalReady{1, 1, to_bytes("round 1"), {}});
  got.insert(got.end(), a.begin(), a.end());
  const auto persists = all_of<Persist>(got);
  REQUIRE_FALSE(persists.empty());
  const SafetyRecord record = persists.back().record;
  REQUIRE(record.round == 1);
  REQUIRE(record.earlier_votes.size() == 2);  // its round-0 prevote and precommit
  CHECK(SafetyRecord::from_bytes(record.to_bytes()) == record);

  Node after;
  (void)after.engine.step(10, Start{0, std::nullopt, record});
  REQUIRE(after.engine.round() == 1);
  // Node 0 rebroadcasts its own round-0 precommit: it is still in round 0.
  const Bytes behind = Message{after.s.vote(0, VoteType::precommit, 1, 0, std::nullopt)}.to_bytes();
  const auto served = all_of<Send>(after.engine.step(20, MessageIn{0, behind}));
  REQUIRE(served.size() == 2);
  for (const auto& send : served) {
    CHECK(send.to == 0);
    CHECK(std::find(record.earlier_votes.begin(), record.earlier_votes.end(), send.payload) != record.earlier_votes.end());
  }
  CHECK(all_of<Send>(after.engine.step(21, MessageIn{0, behind})).empty());  // once per interval
  // A relayed round-0 vote says nothing about its sender; a peer that has
  // shown a later round is not behind.
  const Bytes relayed = Message{after.s.vote(1, VoteType::precommit, 1, 0, std::nullopt)}.to_bytes();
  CHECK(all_of<Send>(after.engine.step(22, MessageIn{3, relayed})).empty());
  (void)after.engine.step(23, MessageIn{3, Message{after.s.vote(3, VoteType::prevote, 1, 1, std::nullopt)}.to_bytes()});
  const Bytes late = Message{after.s.vote(3, VoteType::precommit, 1, 0, std::nullopt)}.to_bytes();
  CHECK(all_of<Send>(after.engine.step(24, MessageIn{3, late})).empty());
}

TEST_CASE("tendermint: a stuck node checks the waiting votes it relays - a bad one is refused, never relayed",
          "[consensus][tendermint]") {
  Node n;
  std::vector<std::pair<TimePoint, TimerId>> timers;
  auto take = [&](const std::vector<Action>& actions, std::vector<Action>& all) {
    for (const auto& t : all_of<SetTimer>(actions)) timers.emplace_back(t.at, t.id);
    all.insert(all.end(), actions.begin(), actions.end());
  };
  std::vector<Action> all;
  take(n.engine.step(0, Start{}), all);
  // Two nil precommits of round 0, node 0's with a bad signature: two of
  // four, so no rule needs them and both wait unchecked.
  auto bad = n.s.vote(0, VoteType::precommit, 1, 0, std::nullopt);
  bad.signature[0] ^= std::byte{1};
  const Bytes bad_wire = Message{bad}.to_bytes();
  const Bytes good_wire = Message{n.s.vote(1, VoteType::precommit, 1, 0, std::nullopt)}.to_bytes();
  take(n.engine.step(1, MessageIn{0, bad_wire}), all);
  take(n.engine.step(2, MessageIn{1, good_wire}), all);
  REQUIRE(all_of<Rejected>(all).empty());
  // No proposal, no quorum: the node sits in round 0 and its rebroadcast
  // ticks come; at the second it relays the round's votes.
  while (!timers.empty()) {
    std::sort(timers.begin(), timers.end());
    const auto [at, id] = timers.front();
    timers.erase(timers.begin());
    if (at > 1'000'000'000) break;
    take(n.engine.step(at, TimerFired{id}), all);
  }
  REQUIRE(n.engine.round() == 0);
  const auto rejected = all_of<Rejected>(all);
  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0].rejection.from == std::optional<std::size_t>(0));
  CHECK(rejected[0].rejection.cause == RejectionCause::invalid_proof);
  bool relayed_good = false;
  for (const auto& b : all_of<Broadcast>(all)) {
    CHECK(b.payload != bad_wire);
    relayed_good = relayed_good || b.payload == good_wire;
  }
  CHECK(relayed_good);
}

TEST_CASE("tendermint: every malformed message is refused naming the peer, state digest unchanged",
          "[consensus][tendermint][malformed]") {
  Node n;
  const auto p = n.s.proposal(1, 0);
  (void)prepare(n, p);
  const Hash32 digest = n.engine.state_digest();
  std::size_t refused = 0;
  std::size_t refused_later = 0;
  auto must_refuse = [&](NodeId from, const Bytes& bytes, const char* what) {
    INFO(what);
    {
      // A well-formed vote of this height with a bad signature waits (on a
      // fresh node, so that n's digest stays comparable).
      Node fresh;
      (void)prepare(fresh, p);
      auto actions = fresh.engine.step(5, MessageIn{from, bytes});
      if (all_of<Rejected>(actions).empty()) {
        const auto m = Message::from_bytes(bytes);
        REQUIRE(std::holds_alternative<Vote>(m.body));
        REQUIRE(std::get<Vote>(m.body).height == 1);
        CHECK(all_of<Broadcast>(actions).empty());
        refused_when_counted(fresh, std::move(actions), from, bytes);
        ++refused;
        ++refused_later;
        return;
      }
    }
    const auto actions = n.engine.step(5, MessageIn{from, bytes});
    const auto rejected = all_of<Rejected>(actions);
    REQUIRE(rejected.size() == 1);
    CHECK(rejected[0].rejection.from == std::optional<std::size_t>(from));
    CHECK(rejected[0].rejection.by == self);
    CHECK(all_of<Broadcast>(actions).empty());
    CHECK(all_of<Persist>(actions).empty());
    CHECK(n.engine.state_digest() == digest);
    ++refused;
  };
  const auto vote = n.s.vote(0, VoteType::prevote, 1, 0, p.block.hash());
  const Bytes wire = Message{vote}.to_bytes();
  // Random bytes.
  Prg prg(testing::seed_of(3));
  for (int i = 0; i < 50; ++i) must_refuse(3, prg.bytes(1 + prg.next_u64() % 200), "random bytes");
  // Every truncation and every bit flip of a valid vote and a valid proposal.
  // (The proposer of (1, 2) is node 3.)
  const Bytes proposal_wire = Message{n.s.proposal(1, 2)}.to_bytes();
  for (const Bytes& valid : {wire, proposal_wire}) {
    const NodeId from = valid == wire ? 0 : 3;
    for (std::size_t len = 0; len < valid.size(); ++len) {
      must_refuse(from, Bytes(valid.begin(), valid.begin() + static_cast<std::ptrdiff_t>(len)), "truncation");
    }
    Bytes flipped = valid;
    for (std::size_t bit = 0; bit < valid.size() * 8; ++bit) {
      flipped[bit / 8] ^= static_cast<std::byte>(1U << (bit % 8));
      must_refuse(from, flipped, "bit flip");
      flipped[bit / 8] ^= static_cast<std::byte>(1U << (bit % 8));
    }
  }
  // Wrong lengths: a trailing byte, an oversized signature field.
  Bytes longer = wire;
  longer.push_back(std::byte{0});
  must_refuse(0, longer, "trailing byte");
  // Bad signature; another chain; another height; wrong sender; sender outside the set.
  auto bad = vote;
  bad.signature[0] ^= std::byte{1};
  must_refuse(0, Message{bad}.to_bytes(), "bad signature");
  auto other_height = vote;
  other_height.height = 7;
  must_refuse(0, Message{other_height}.to_bytes(), "another height");
  auto zero_height = vote;
  zero_height.height = 0;
  must_refuse(0, Message{zero_height}.to_bytes(), "height zero");
  auto other_chain = n.s.proposal(1, 2);
  other_chain.block.header.chain_id = "another-chain";
  must_refuse(3, Message{other_chain}.to_bytes(), "another chain id");
  must_refuse(0, proposal_wire, "proposal from a node that is not the proposer");
  must_refuse(9, wire, "sender outside the validator set");
  auto far = n.s.vote(0, VoteType::prevote, 1, 1000, p.block.hash());
  must_refuse(0, Message{far}.to_bytes(), "round too far ahead");
  // A decision with a certificate that does not verify, and one for a later height.
  const Block b = n.s.block(1, 0);
  auto cert = n.s.certificate(b, 0);
  cert.aggregate[0] ^= std::byte{1};
  must_refuse(3, Message{Decision{b, cert}}.to_bytes(), "decision with a bad certificate");
  must_refuse(3, Message{Decision{n.s.block(4, 0), n.s.certificate(n.s.block(4, 0), 0)}}.to_bytes(),
              "decision for a later height");
  CHECK(refused > 1000);
  CHECK(refused_later > 200);  // the signature's bits, the voter's, the value's, a nearby round
}

TEST_CASE("tendermint: a second, conflicting vote yields evidence that verifies", "[consensus][tendermint]") {
  Node n;
  const auto p = n.s.proposal(1, 0);
  (void)prepare(n, p);
  (void)n.engine.step(3, MessageIn{3, Message{n.s.vote(3, VoteType::prevote, 1, 0, p.block.hash())}.to_bytes()});
  const auto actions =
      n.engine.step(4, MessageIn{3, Message{n.s.vote(3, VoteType::prevote, 1, 0, std::nullopt)}.to_bytes()});
  const auto ev = all_of<EvidenceFound>(actions);
  REQUIRE(ev.size() == 1);
  SymbolicCrypto checker(n.s.keys, std::nullopt);
  CHECK(verify_evidence(checker, n.s.validators, n.s.chain, ev[0].evidence));
  CHECK(all_of<Rejected>(actions).at(0).rejection.cause == RejectionCause::duplicate);
}

namespace {

// Four BLS validators (key material from `ikm_base`) and node 2's config.
struct BlsFour {
  std::vector<sig::bls12_381::SecretKey> sks;
  ValidatorSet vs;
  TendermintConfig cfg;
  explicit BlsFour(int ikm_base) {
    std::vector<Validator> members;
    for (int i = 0; i < 4; ++i) {
      sks.push_back(sig::bls12_381::SecretKey::key_gen(Bytes(32, static_cast<std::byte>(ikm_base + i))));
      members.push_back(make_bls_validator(sks.back()));
    }
    vs = ValidatorSet(members);
    cfg.chain_id = "bls-chain";
    cfg.validators = vs;
    cfg.self = self;
  }
};

}  // namespace

TEST_CASE("tendermint with real BLS: invalid points and foreign signatures are refused once they would count",
          "[consensus][tendermint][malformed]") {
  const BlsFour f(40);
  const auto& [sks, vs, cfg] = f;
  const Vote nil_prevote{VoteType::prevote, 1, 0, std::nullopt, 0, {}};
  auto signed_by = [&](NodeId voter) {
    Vote v = nil_prevote;
    v.voter = voter;
    v.signature = BlsCrypto(vs, sks[voter]).sign(v.signed_bytes("bls-chain"));
    return v;
  };
  const Bytes good = signed_by(0).signature;
  std::vector<Bytes> bad_signatures;
  bad_signatures.emplace_back(96, std::byte{0xFF});                 // not a point
  Bytes identity(96, std::byte{0});
  identity[0] = std::byte{0xC0};                                       // the identity (compressed, infinity bit)
  bad_signatures.push_back(identity);
  bad_signatures.push_back(signed_by(1).signature);                    // node 1's, claimed by 0
  bad_signatures.push_back(BlsCrypto(vs, sks[0]).sign(nil_prevote.signed_bytes("other-chain")));  // another chain
  bad_signatures.emplace_back(good.begin(), good.begin() + 48);        // wrong length
  for (const auto& sig : bad_signatures) {
    BlsCrypto crypto(vs, sks[self]);
    Tendermint engine(cfg, crypto);
    (void)engine.step(0, Start{});
    auto bad = nil_prevote;
    bad.signature = sig;
    // Alone it cannot change a decision: it waits, unchecked.
    CHECK(all_of<Rejected>(engine.step(1, MessageIn{0, Message{bad}.to_bytes()})).empty());
    CHECK(all_of<Rejected>(engine.step(2, MessageIn{1, Message{signed_by(1)}.to_bytes()})).empty());
    // The third nil prevote would make a quorum: the batch of three fails,
    // each is checked alone, node 0's is refused and the other two count.
    const auto actions = engine.step(3, MessageIn{3, Message{signed_by(3)}.to_bytes()});
    const auto rejected = all_of<Rejected>(actions);
    REQUIRE(rejected.size() == 1);
    CHECK(rejected[0].rejection.from == std::optional<std::size_t>(0));
    CHECK(rejected[0].rejection.cause == RejectionCause::invalid_proof);
    // Node 0's valid vote then completes the quorum of nil prevotes.
    const auto digest = engine.state_digest();
    CHECK(all_of<Rejected>(engine.step(4, MessageIn{0, Message{signed_by(0)}.to_bytes()})).empty());
    CHECK(engine.state_digest() != digest);
  }
}

TEST_CASE("tendermint with real BLS: votes that complete a quorum are checked in one batch, later ones not at all",
          "[consensus][tendermint]") {
  const BlsFour f(60);
  const auto& [sks, vs, cfg] = f;
  CostModel costs;
  costs.verify = 1'000'000;
  costs.batch_verify = 100'000;
  costs.batch_verify_per_signature = 10'000;
  BlsCrypto crypto(vs, sks[self], costs);
  Tendermint engine(cfg, crypto);
  // No proposal: the propose timeout makes node 2 prevote nil (line 57).
  TimePoint now = 0;
  for (const auto& t : all_of<SetTimer>(engine.step(0, Start{}))) {
    now = std::max(now, t.at);
    (void)engine.step(t.at, TimerFired{t.id});
  }
  REQUIRE(engine.current_step() == Step::prevote);
  auto nil_prevote_of = [&](NodeId voter) {
    Vote v{VoteType::prevote, 1, 0, std::nullopt, voter, {}};
    v.signature = BlsCrypto(vs, sks[voter]).sign(v.signed_bytes("bls-chain"));
    return Message{v}.to_bytes();
  };
  (void)crypto.take_cost();
  (void)engine.step(now + 1, MessageIn{0, nil_prevote_of(0)});
  CHECK(crypto.take_cost() == 0);  // two of four: nothing to decide yet
  const auto actions = engine.step(now + 2, MessageIn{1, nil_prevote_of(1)});
  CHECK(all_of<Rejected>(actions).empty());
  // One batch of two, no single verification (then node 2 signs its precommit).
  CHECK(crypto.take_cost() == 100'000 + 2 * 10'000 + costs.sign);
  CHECK(engine.current_step() == Step::precommit);  // the quorum of nil prevotes counted (line 44)
  // A fourth prevote changes nothing: it is never checked.
  CHECK(all_of<Rejected>(engine.step(now + 3, MessageIn{3, nil_prevote_of(3)})).empty());
  CHECK(crypto.take_cost() == 0);
}

namespace {

CommitCertificate certificate_by(const Sample& s, const Block& b, std::initializer_list<NodeId> signers) {
  CommitCertificate cert{b.header.height, 0, b.hash(), std::vector<bool>(4), {}};
  std::vector<Bytes> sigs;
  for (NodeId i : signers) {
    cert.signers[i] = true;
    sigs.push_back(s.vote(i, VoteType::precommit, b.header.height, 0, b.hash()).signature);
  }
  std::vector<ByteView> views(sigs.begin(), sigs.end());
  SymbolicCrypto c(s.keys, std::nullopt);
  cert.aggregate = c.aggregate(views);
  return cert;
}

}  // namespace

TEST_CASE("tendermint: validator-set changes - each height under its own set, a wait for an unknown set, refusals",
          "[consensus][tendermint][validators]") {
  Sample s;
  // From height 2 on, node 0 has weight 0: a quorum is then all of 1, 2, 3.
  const ValidatorSet changed = apply_changes(s.validators, std::vector<ValidatorChange>{{s.validators.at(0).bls_key, 0}});
  TendermintConfig cfg = config_of(s);
  cfg.validator_changes = true;
  SymbolicCrypto crypto{s.keys, self};
  {
    Tendermint e(cfg, crypto);
    CHECK_THROWS_AS(e.step(0, Start{}), InvalidArgument);  // no set for height 1
  }
  {
    Tendermint e(cfg, crypto);
    Start other;
    other.validators = {{1, SymbolicKeys::make(testing::seed_of(9), 4)->validator_set()}};
    CHECK_THROWS_AS(e.step(0, other), InvalidValidatorUpdate);  // other members
  }
  Tendermint e(cfg, crypto);
  Start start;
  start.validators = {{1, s.validators}, {2, changed}};
  (void)e.step(0, start);

  // Height 1 under the genesis set.
  const Block b1 = s.block(1, 0);
  auto a = e.step(1, MessageIn{1, Message{Decision{b1, certificate_by(s, b1, {0, 1, 2})}}.to_bytes()});
  REQUIRE(all_of<Commit>(a).size() == 1);
  REQUIRE(e.height() == 2);
  for (Round r = 0; r < 8; ++r) CHECK(e.proposer(2, r) != 0);  // weight 0 never proposes

  // Height 2 under the changed set.
  Block b2 = s.block(2, 0);
  b2.header.parent = b1.hash();
  b2.header.proposer = e.proposer(2, 0);  // the new set's schedule
  const auto decide = [&](const Block& b, std::initializer_list<NodeId> signers) {
    return e.step(2, MessageIn{1, Message{Decision{b, certificate_by(s, b, signers)}}.to_bytes()});
  };
  a = decide(b2, {1, 2, 3});  // names the genesis set: refused
  REQUIRE(all_of<Rejected>(a).size() == 1);
  CHECK_THAT(all_of<Rejected>(a)[0].rejection.detail, Catch::Matchers::Contains("another validator set"));
  b2.header.validators_hash = changed.hash();
  a = decide(b2, {0, 1, 2});  // two thirds of the old weights, not of the new ones
  REQUIRE(all_of<Rejected>(a).size() == 1);
  CHECK_THAT(all_of<Rejected>(a)[0].rejection.detail, Catch::Matchers::Contains("does not verify"));
  CHECK(e.height() == 2);
  a = decide(b2, {1, 2, 3});
  REQUIRE(all_of<Commit>(a).size() == 1);
  REQUIRE(e.height() == 3);

  // Height 3's set is not known yet: the engine waits, keeps what arrives.
  CHECK(all_of<SetTimer>(a).empty());
  CHECK(all_of<RequestProposal>(a).empty());
  const Hash32 waiting = e.state_digest();
  a = e.step(3, MessageIn{1, Message{s.vote(1, VoteType::prevote, 3, 0, std::nullopt)}.to_bytes()});
  CHECK(a.empty());
  CHECK(e.state_digest() != waiting);  // the vote is kept for height 3
  a = e.step(4, ValidatorsDecided{3, changed});
  CHECK_FALSE(all_of<SetTimer>(a).empty());  // height 3 begins: its propose timer
  const Hash32 begun = e.state_digest();
  (void)e.step(5, ValidatorsDecided{3, s.validators});  // a height that has begun keeps its set
  CHECK(e.state_digest() == begun);
  (void)e.step(6, ValidatorsDecided{5, s.validators});  // a later one is kept
  CHECK(e.state_digest() != begun);
}

TEST_CASE("tendermint: an engine without validator_changes ignores its own set again and refuses a change",
          "[consensus][tendermint][validators]") {
  Node n;
  (void)n.engine.step(0, Start{});
  const Hash32 before = n.engine.state_digest();
  CHECK(n.engine.step(1, ValidatorsDecided{3, n.s.validators}).empty());
  CHECK(n.engine.state_digest() == before);
  const ValidatorSet changed =
      apply_changes(n.s.validators, std::vector<ValidatorChange>{{n.s.validators.at(1).bls_key, 4}});
  CHECK_THROWS_AS(n.engine.step(2, ValidatorsDecided{3, changed}), InvalidValidatorUpdate);
}

TEST_CASE("tendermint: the safety record keeps only the latest max_earlier_votes own votes of rounds left",
          "[consensus][tendermint]") {
  // Node 2 goes through 12 rounds of height 1 without a decision: every
  // peer prevotes and precommits nil. Each round leaves node 2's own
  // prevote and precommit behind; the record keeps the latest 16.
  Node n;
  std::vector<Action> seen;
  std::set<TimerId> fired;
  std::optional<SafetyRecord> last;
  TimePoint now = 0;
  auto run = [&](const std::vector<Action>& actions) {
    for (const auto& a : actions) {
      if (const auto* p = std::get_if<Persist>(&a)) last = p->record;
    }
    seen.insert(seen.end(), actions.begin(), actions.end());
  };
  // Fires the earliest timer not fired yet until `done` holds.
  auto fire_until = [&](const std::function<bool()>& done) {
    for (int guard = 0; guard < 50 && !done(); ++guard) {
      std::optional<SetTimer> next;
      for (const auto& t : all_of<SetTimer>(seen)) {
        if (!fired.contains(t.id) && (!next || t.at < next->at)) next = t;
      }
      REQUIRE(next);
      fired.insert(next->id);
      now = std::max(now, next->at);
      run(n.engine.step(now, TimerFired{next->id}));
    }
    REQUIRE(done());
  };
  run(n.engine.step(now, Start{}));
  constexpr Round rounds = 12;
  for (Round r = 0; r < rounds; ++r) {
    REQUIRE(n.engine.round() == r);
    for (const auto& rp : all_of<RequestProposal>(seen)) {
      if (rp.round == r) run(n.engine.step(now, ProposalReady{1, r, to_bytes("block of round " + std::to_string(r)), {}}));
    }
    for (NodeId v : {0U, 1U, 3U}) {
      run(n.engine.step(now, MessageIn{v, Message{n.s.vote(v, VoteType::prevote, 1, r, std::nullopt)}.to_bytes()}));
    }
    fire_until([&] { return n.engine.current_step() == Step::precommit; });  // the propose timeout, then nil
    for (NodeId v : {0U, 1U, 3U}) {
      run(n.engine.step(now, MessageIn{v, Message{n.s.vote(v, VoteType::precommit, 1, r, std::nullopt)}.to_bytes()}));
    }
    fire_until([&] { return n.engine.round() == r + 1; });  // the precommit timeout
  }
  // The record of round 12 (persisted at the latest when it signs in it).
  run(n.engine.step(now, MessageIn{0, Message{n.s.vote(0, VoteType::prevote, 1, rounds, std::nullopt)}.to_bytes()}));
  fire_until([&] { return last && last->round == rounds && !last->signed_messages.empty(); });
  const SafetyRecord record = *last;
  REQUIRE(record.earlier_votes.size() == SafetyRecord::max_earlier_votes);
  std::map<Round, std::set<VoteType>> kept;
  for (const auto& raw : record.earlier_votes) {
    const auto v = std::get<Vote>(Message::from_bytes(raw).body);
    CHECK(v.voter == self);
    CHECK(v.height == 1);
    kept[v.round].insert(v.type);
  }
  // The latest 8 rounds left (4..11), each with both votes; rounds 0..3 trimmed.
  REQUIRE(kept.size() == 8);
  CHECK(kept.begin()->first == rounds - 8);
  CHECK(kept.rbegin()->first == rounds - 1);
  for (const auto& [round, types] : kept) CHECK(types.size() == 2);
  CHECK(SafetyRecord::from_bytes(record.to_bytes()) == record);
}
