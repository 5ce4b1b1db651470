// Tendermint-form BFT engine: arXiv 1807.04938, Algorithm 1. Comments
// "line N" refer to the paper's pseudo-code.
#include "privfin/consensus/tendermint.hpp"

#include <algorithm>

#include "privfin/core/hash.hpp"

namespace privfin::consensus {

namespace {

std::optional<VoteType> kind_of(const Message& m) {
  if (const auto* v = std::get_if<Vote>(&m.body)) return v->type;
  return std::nullopt;  // a proposal
}

}  // namespace

// ------------------------------------------------------------ safety record codec

Bytes SafetyRecord::to_bytes(bool with_block_bodies) const {
  Writer w;
  const std::uint8_t version = !earlier_votes.empty()     ? earlier_votes_format_version
                               : !lock_certificate.empty() ? lock_certificate_format_version
                                                           : format_version;
  w.version(version)
      .u64(height)
      .u32(round)
      .u8(static_cast<std::uint8_t>(step));
  auto opt_block = [&w, with_block_bodies](const std::optional<Round>& r, const std::optional<Block>& b) {
    w.boolean(r.has_value() && b.has_value());
    if (r && b) {
      w.u32(*r);
      if (with_block_bodies) b->write(w);
      else Block{b->header, {}}.write(w);
    }
  };
  opt_block(locked_round, locked);
  opt_block(valid_round, valid);
  w.varint(signed_messages.size());
  for (const auto& m : signed_messages) w.bytes(m);
  w.varint(valid_proof.size());
  for (const auto& m : valid_proof) w.bytes(m);
  if (version != format_version) w.bytes(lock_certificate);
  if (version == earlier_votes_format_version) {
    w.varint(earlier_votes.size());
    for (const auto& m : earlier_votes) w.bytes(m);
  }
  return std::move(w).take();
}

void refuse_record_ahead(const Start& s, std::string_view engine) {
  if (!s.record || s.record->height <= s.committed + 1) return;
  throw InvalidArgument(std::string(engine) + ": the safety record is at height " + std::to_string(s.record->height) +
                        " but the ledger holds only height " + std::to_string(s.committed) +
                        ": this node signed messages at heights it has no record of, and restarting at height " +
                        std::to_string(s.committed + 1) +
                        " could sign conflicting ones; restore the ledger to at least height " +
                        std::to_string(s.record->height - 1) + " before starting");
}

SafetyRecord SafetyRecord::from_bytes(ByteView bytes, const Limits& limits) {
  Reader r(bytes);
  const auto version = r.u8("safety record version");
  if (version != format_version && version != lock_certificate_format_version &&
      version != earlier_votes_format_version) {
    throw DecodeError("safety record: unsupported version " + std::to_string(version));
  }
  SafetyRecord rec;
  rec.height = r.u64("record height");
  rec.round = r.u32("record round");
  const auto step = r.u8("record step");
  if (step > 2) throw DecodeError("safety record: unknown step " + std::to_string(step));
  rec.step = static_cast<Step>(step);
  if (r.boolean("has lock")) {
    rec.locked_round = r.u32("locked round");
    rec.locked = Block::read(r, limits);
  }
  if (r.boolean("has valid value")) {
    rec.valid_round = r.u32("valid round");
    rec.valid = Block::read(r, limits);
  }
  const std::size_t count = r.length("signed message count", 3);
  for (std::size_t i = 0; i < count; ++i) {
    const auto m = r.bytes("signed message", limits.max_body + 4096);
    (void)Message::from_bytes(m, limits);  // must be a well-formed message
    rec.signed_messages.emplace_back(m.begin(), m.end());
  }
  const std::size_t proofs = r.length("proof vote count", limits.max_validators);
  for (std::size_t i = 0; i < proofs; ++i) {
    const auto m = r.bytes("proof vote", 1024);
    if (!std::holds_alternative<Vote>(Message::from_bytes(m, limits).body)) {
      throw DecodeError("safety record: a proof entry is not a vote");
    }
    rec.valid_proof.emplace_back(m.begin(), m.end());
  }
  if (version != format_version) {
    const auto c = r.bytes("lock certificate", limits.max_validators * 5 + 4096);
    if (c.empty() && version == lock_certificate_format_version) {
      throw DecodeError("safety record: empty lock certificate in a version 2 record");
    }
    rec.lock_certificate.assign(c.begin(), c.end());
  }
  if (version == earlier_votes_format_version) {
    const std::size_t earlier = r.length("earlier vote count", max_earlier_votes);
    if (earlier == 0) throw DecodeError("safety record: a version 3 record without earlier votes");
    for (std::size_t i = 0; i < earlier; ++i) {
      const auto m = r.bytes("earlier vote", 1024);
      const auto msg = Message::from_bytes(m, limits);
      const auto* v = std::get_if<Vote>(&msg.body);
      if (v == nullptr || v->height != rec.height || v->round >= rec.round) {
        throw DecodeError("safety record: an earlier vote is not a vote of an earlier round of its height");
      }
      rec.earlier_votes.emplace_back(m.begin(), m.end());
    }
  }
  r.expect_end("safety record");
  return rec;
}

// ------------------------------------------------------------ engine

namespace {
const ValidatorSet& containing(const ValidatorSet& validators, NodeId self) {
  if (self >= validators.size()) throw InvalidArgument("Tendermint: self is not in the validator set");
  return validators;
}
}  // namespace

Tendermint::Tendermint(TendermintConfig config, Crypto& crypto)
    : cfg_(std::move(config)),
      crypto_(crypto),
      validators_(containing(cfg_.validators, cfg_.self)),
      schedule_(validators_),
      sets_("Tendermint", cfg_.validators, cfg_.validator_changes) {
  if (crypto_.committee_size() != cfg_.validators.size()) {
    throw InvalidArgument("Tendermint: crypto committee size differs from the validator set");
  }
  if (cfg_.chain_id.empty() || cfg_.chain_id.size() > cfg_.limits.max_chain_id) {
    throw InvalidArgument("Tendermint: chain id is empty or too long");
  }
}

NodeId Tendermint::proposer(Height h, Round r) const noexcept { return schedule_.proposer(h, r); }

Hash32 Tendermint::parent_hash() const { return tip_ ? tip_->block.hash() : Hash32{}; }

std::vector<Action> Tendermint::step(TimePoint now, const Input& in) {
  out_.clear();
  now_ = now;
  if (!started_ && !std::holds_alternative<Start>(in)) throw InvalidArgument("Tendermint: input before Start");
  std::visit(
      [this](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Start>) {
          start(x);
        } else if constexpr (std::is_same_v<T, MessageIn>) {
          on_message(x);
        } else if constexpr (std::is_same_v<T, TimerFired>) {
          on_timer(x);
        } else if constexpr (std::is_same_v<T, ProposalReady>) {
          on_proposal_ready(x);
        } else if constexpr (std::is_same_v<T, ProposalChecked>) {
          if (x.height == height_ && validating_.erase(x.block) == 1) validity_[x.block] = x.accept;
        } else if constexpr (std::is_same_v<T, BlockSynced>) {
          if (!waiting_) on_decision(cfg_.self, x.decision);  // else the runtime asks again later
        } else if constexpr (std::is_same_v<T, ValidatorsDecided>) {
          on_validators(x);
        }
      },
      in);
  if (started_ && !waiting_) evaluate();
  return std::move(out_);
}

void Tendermint::start(const Start& s) {
  if (started_) throw InvalidArgument("Tendermint: started twice");
  refuse_record_ahead(s, "Tendermint");
  started_ = true;
  height_ = s.committed + 1;
  sets_.start(height_, s.validators);
  if (cfg_.validator_changes) adopt_validators();
  tip_ = s.tip;
  if (tip_) decisions_.push_back(*tip_);
  set_timer(TimerKind::rebroadcast, cfg_.rebroadcast_interval);
  height_started_ = now_;
  if (s.record && s.record->height == height_) {
    // Restart inside a height: resume the recorded round and send again
    // exactly what was signed there; never sign it anew.
    record_ = *s.record;
    round_ = record_.round;
    step_ = record_.step;
    for (const auto& raw : record_.signed_messages) {
      auto m = Message::from_bytes(raw, cfg_.limits);
      if (auto* p = std::get_if<Proposal>(&m.body)) {
        validity_[p->block.hash()] = true;
        proposals_[p->round] = *p;
      } else if (auto* v = std::get_if<Vote>(&m.body)) {
        keep_first_vote(*v);
      }
      out_.push_back(Broadcast{raw});
    }
    for (const auto& raw : record_.earlier_votes) {
      keep_first_vote(std::get<Vote>(Message::from_bytes(raw, cfg_.limits).body));
    }
    for (const auto& raw : record_.valid_proof) {
      const auto v = std::get<Vote>(Message::from_bytes(raw, cfg_.limits).body);
      const auto set = votes_.find({v.round, v.type});
      const auto first = set == votes_.end() ? nullptr : &set->second;
      if (first == nullptr || !first->contains(v.voter)) {
        keep_first_vote(v);
      } else if (first->at(v.voter) != v) {
        keep_conflicting_vote(v);
      }
    }
    set_timer(TimerKind::propose, cfg_.propose_base + cfg_.propose_delta * round_);
    if (step_ == Step::propose && proposer(height_, round_) == cfg_.self && !proposals_.contains(round_)) {
      if (record_.valid) {
        sign_and_broadcast(Message{Proposal{round_, *record_.valid, record_.valid_round, {}}}, std::nullopt);
      } else {
        requested_ = round_;
        out_.push_back(RequestProposal{height_, round_, parent_hash(), cfg_.limits.max_body});
      }
    }
    return;
  }
  enter_height(height_);
}

void Tendermint::enter_height(Height h) {
  for (auto it = timers_.begin(); it != timers_.end();) {
    if (it->second.kind != TimerKind::rebroadcast) {
      out_.push_back(CancelTimer{it->first});
      it = timers_.erase(it);
    } else {
      ++it;
    }
  }
  height_started_ = now_;
  height_ = h;
  proposals_.clear();
  votes_.clear();
  conflicting_.clear();
  pending_.clear();
  checked_tally_.clear();
  pending_tally_.clear();
  served_rounds_.clear();
  validity_.clear();
  validating_.clear();
  prevote_timer_set_.clear();
  precommit_timer_set_.clear();
  locked_on_quorum_.clear();
  record_ = SafetyRecord{};
  record_.height = h;
  rounds_at_height_ = 0;
  round_ = 0;
  step_ = Step::propose;
  if (cfg_.validator_changes && !sets_.knows(h)) {
    waiting_ = true;  // ValidatorsDecided for h resumes (begin_height)
    return;
  }
  if (cfg_.validator_changes) adopt_validators();
  begin_height();
}

void Tendermint::adopt_validators() {
  const ValidatorSet* set = sets_.take(height_);
  if (cfg_.bugs.ignore_validator_changes) return;
  if (set != nullptr && *set != validators_) {
    validators_ = *set;
    schedule_ = ProposerSchedule(validators_);
  }
}

void Tendermint::on_validators(const ValidatorsDecided& v) {
  if (sets_.learn(v, height_, waiting_)) {  // the set this height waited for: it begins
    waiting_ = false;
    adopt_validators();
    begin_height();
  }
}

void Tendermint::begin_height() {
  start_round(0);
  // Messages that arrived early for this height.
  auto early = std::move(future_);
  future_.clear();
  for (auto& [from, raw] : early) {
    if (Message::from_bytes(raw, cfg_.limits).height() == height_) on_message(MessageIn{from, std::move(raw)});
  }
}

void Tendermint::start_round(Round r) {  // line 11
  round_ = r;
  step_ = Step::propose;
  requested_.reset();
  rounds_at_height_ = std::max(rounds_at_height_, r);
  record_.height = height_;
  record_.round = r;
  record_.step = Step::propose;
  for (const auto& raw : record_.signed_messages) {  // the votes of the round left stay sendable
    if (std::holds_alternative<Vote>(Message::from_bytes(raw, cfg_.limits).body)) record_.earlier_votes.push_back(raw);
  }
  while (record_.earlier_votes.size() > SafetyRecord::max_earlier_votes) {
    record_.earlier_votes.erase(record_.earlier_votes.begin());
  }
  record_.signed_messages.clear();
  set_timer(TimerKind::propose, cfg_.propose_base + cfg_.propose_delta * r);
  if (proposer(height_, r) != cfg_.self) return;
  if (record_.valid) {  // line 15: propose validValue
    sign_and_broadcast(Message{Proposal{r, *record_.valid, record_.valid_round, {}}}, std::nullopt);
    broadcast_proof_of_lock();
  } else {  // line 18: getValue(), answered by ProposalReady
    requested_ = r;
    out_.push_back(RequestProposal{height_, r, parent_hash(), cfg_.limits.max_body});
  }
}

void Tendermint::on_proposal_ready(const ProposalReady& p) {
  if (p.height != height_ || p.round != round_ || step_ != Step::propose || requested_ != round_) return;
  if (p.body.size() > cfg_.limits.max_body) throw InvalidArgument("Tendermint: proposal body exceeds max_body");
  requested_.reset();
  Block b;
  b.header.chain_id = cfg_.chain_id;
  b.header.height = height_;
  b.header.round = round_;
  b.header.parent = parent_hash();
  b.header.proposer = cfg_.self;
  b.header.tx_root = tx_root_of(p.body);
  b.header.app_hash = p.app_hash;
  b.header.validators_hash = validators_.hash();
  b.header.time = now_;
  b.body = p.body;
  sign_and_broadcast(Message{Proposal{round_, std::move(b), std::nullopt, {}}}, std::nullopt);
}

void Tendermint::sign_and_broadcast(Message m, std::optional<VoteType> vote_type) {
  // Already signed this kind in this round (we restarted): send that again.
  for (const auto& raw : record_.signed_messages) {
    auto old = Message::from_bytes(raw, cfg_.limits);
    if (old.body.index() == m.body.index() && kind_of(old) == vote_type) {
      out_.push_back(Broadcast{raw});
      return;
    }
  }
  if (auto* p = std::get_if<Proposal>(&m.body)) {
    p->signature = crypto_.sign(p->signed_bytes());
    validity_[p->block.hash()] = true;
    proposals_[p->round] = *p;
  } else if (auto* v = std::get_if<Vote>(&m.body)) {
    v->signature = crypto_.sign(v->signed_bytes(cfg_.chain_id));
    keep_first_vote(*v);
  }
  Bytes raw = m.to_bytes();
  record_.height = height_;
  record_.round = round_;
  record_.step = step_;
  record_.signed_messages.push_back(raw);
  out_.push_back(Persist{record_});  // barrier: durable before the broadcast leaves
  out_.push_back(Broadcast{std::move(raw)});
}

void Tendermint::broadcast_proof_of_lock() {
  // Our re-proposal of validValue is useless to a peer that missed the
  // 2f+1 prevotes of its valid round (line 28 needs them), and links lose
  // messages: send those prevotes along. They are signed by their voters,
  // so relaying them is safe.
  const auto own = proposals_.find(round_);
  if (own == proposals_.end() || proposer(height_, round_) != cfg_.self || !own->second.valid_round) return;
  for (const Vote* v : votes_for(*own->second.valid_round, VoteType::prevote, own->second.block.hash())) {
    out_.push_back(Broadcast{Message{*v}.to_bytes()});  // our own old prevote too
  }
}

void Tendermint::broadcast_vote(VoteType type, const std::optional<Hash32>& block) {
  sign_and_broadcast(Message{Vote{type, height_, round_, block, cfg_.self, {}}}, type);
}

void Tendermint::set_timer(TimerKind kind, TimePoint delay) {
  const TimerId id = next_timer_++;
  timers_[id] = TimerInfo{kind, height_, round_};
  out_.push_back(SetTimer{id, now_ + delay});
}

void Tendermint::reject(NodeId from, RejectionCause cause, std::string detail) {
  out_.push_back(Rejected{Rejection{height_, cfg_.self, from, cause, std::move(detail)}});
}

// ------------------------------------------------------------ messages

void Tendermint::on_message(const MessageIn& in) {
  if (in.from >= validators_.size() || in.from == cfg_.self) {
    reject(in.from, RejectionCause::wrong_sender, "sender is not another validator");
    return;
  }
  Message m;
  try {
    m = Message::from_bytes(in.payload, cfg_.limits);
  } catch (const DecodeError& e) {
    reject(in.from, RejectionCause::malformed, e.what());
    return;
  }
  if (waiting_) {  // this height's set is not known yet: keep what is for it or later
    if (m.height() >= height_ && !std::holds_alternative<Decision>(m.body) && future_.size() < cfg_.future_buffer) {
      future_.emplace_back(in.from, in.payload);
    }
    return;
  }
  if (auto* p = std::get_if<Proposal>(&m.body)) {
    on_proposal(in.from, std::move(*p), in.payload);
  } else if (auto* v = std::get_if<Vote>(&m.body)) {
    on_vote(in.from, std::move(*v), in.payload);
  } else {
    on_decision(in.from, std::get<Decision>(m.body));
  }
}

bool Tendermint::check_header(const BlockHeader& h, NodeId from, Round proposal_round) {
  if (h.chain_id != cfg_.chain_id) {
    reject(from, RejectionCause::wrong_key, "block of another chain");
  } else if (h.validators_hash != validators_.hash()) {
    reject(from, RejectionCause::wrong_key, "block names another validator set");
  } else if (h.parent != parent_hash()) {
    reject(from, RejectionCause::other, "block does not extend our chain tip");
  } else if (h.round > proposal_round || h.proposer != proposer(h.height, h.round)) {
    reject(from, RejectionCause::out_of_range, "block round or maker does not fit the proposal");
  } else {
    return true;
  }
  return false;
}

void Tendermint::on_proposal(NodeId from, Proposal p, const Bytes& raw) {
  const Height h = p.height();
  if (p.block.header.chain_id != cfg_.chain_id) return reject(from, RejectionCause::wrong_key, "proposal of another chain");
  if (from != proposer(h, p.round)) return reject(from, RejectionCause::wrong_sender, "sender is not the proposer");
  if (h != height_) {
    if (h == 0) return reject(from, RejectionCause::out_of_range, "proposal for height 0");
    if (!crypto_.verify(from, p.signed_bytes(), p.signature)) {
      return reject(from, RejectionCause::invalid_proof, "proposal signature does not verify");
    }
    if (h < height_) return serve_behind_peer(from, h);
    if (h > height_ + 1) return request_sync(from, h);
    if (future_.size() < cfg_.future_buffer) future_.emplace_back(from, raw);
    return;
  }
  if (p.round > round_ + cfg_.max_rounds_ahead) return reject(from, RejectionCause::out_of_range, "round too far ahead");
  if (p.round < round_) serve_earlier_round(from, p.round);
  if (p.valid_round && *p.valid_round >= p.round) {
    return reject(from, RejectionCause::out_of_range, "valid round not below the proposal round");
  }
  if (!p.block.body_matches()) return reject(from, RejectionCause::invalid_proof, "tx root does not match the body");
  if (!check_header(p.block.header, from, p.round)) return;
  if (auto it = proposals_.find(p.round); it != proposals_.end()) {
    if (it->second == p) return;  // the same proposal again (duplicate delivery, rebroadcast)
    return reject(from, RejectionCause::duplicate, "second, different proposal for this round");
  }
  if (!crypto_.verify(from, p.signed_bytes(), p.signature)) {
    return reject(from, RejectionCause::invalid_proof, "proposal signature does not verify");
  }
  const Hash32 id = p.block.hash();
  if (!validity_.contains(id) && !validating_.contains(id)) {
    validating_.insert(id);
    out_.push_back(RequestValidate{height_, p.round, id, p.block.header, p.block.body});
  }
  proposals_.emplace(p.round, std::move(p));
}

void Tendermint::on_vote(NodeId from, Vote v, const Bytes& raw) {
  // A vote may be relayed (a re-proposal travels with its proof-of-lock):
  // the signature, not the channel, says who voted.
  if (v.voter >= validators_.size()) return reject(from, RejectionCause::malformed, "voter outside the set");
  if (v.height != height_) {
    if (v.height == 0) return reject(from, RejectionCause::out_of_range, "vote for height 0");
    // A vote for a height we decided only tells us that its (authenticated)
    // sender is still there; answering costs one rate-limited Send of a
    // self-certifying decision, so its signature is not worth checking. A
    // lagging node relays a whole height of votes: at n = 100, verifying them
    // took each peer longer than the rebroadcast interval.
    if (v.height < height_) return serve_behind_peer(from, v.height);
    if (!crypto_.verify(v.voter, v.signed_bytes(cfg_.chain_id), v.signature)) {
      return reject(from, RejectionCause::invalid_proof, "vote signature does not verify");
    }
    if (v.height > height_ + 1) return request_sync(from, v.height);
    if (future_.size() < cfg_.future_buffer) future_.emplace_back(from, raw);
    return;
  }
  if (v.round > round_ + cfg_.max_rounds_ahead) return reject(from, RejectionCause::out_of_range, "round too far ahead");
  // Its own vote of a round we left: the peer is (or was) still there.
  // (Relayed votes of earlier rounds say nothing about where their sender is.)
  if (v.round < round_ && v.voter == from) serve_earlier_round(from, v.round);
  const VoteKey key{v.round, v.type};
  const auto set = votes_.find(key);
  const bool voted = set != votes_.end() && set->second.contains(v.voter);
  if (voted && set->second.at(v.voter) == v) return;  // duplicate delivery
  if (const auto c = conflicting_.find(key);
      c != conflicting_.end() && c->second.contains(v.voter) && c->second.at(v.voter) == v) {
    return;
  }
  if (!voted) {
    // The voter's first vote of this kind: its signature is checked when
    // it can first change what a rule decides (settle_pending), together
    // with the other waiting votes for the same value.
    const auto waiting = pending_.find(key);
    const auto w = waiting == pending_.end() ? nullptr : &waiting->second;
    if (w == nullptr || !w->contains(v.voter)) return add_pending(key, from, std::move(v));
    if (w->at(v.voter).vote == v) return;  // duplicate delivery
    // Another vote from the same voter: settle the first one alone, then
    // take this one as it comes (an equivocation is checked at once).
    settle(key, v.voter);
    return on_vote(from, std::move(v), raw);
  }
  if (!crypto_.verify(v.voter, v.signed_bytes(cfg_.chain_id), v.signature)) {
    return reject(from, RejectionCause::invalid_proof, "vote signature does not verify");
  }
  accept_vote(from, std::move(v));
}

void Tendermint::accept_vote(NodeId from, Vote v) {
  const auto& set = votes_[{v.round, v.type}];
  const auto existing = set.find(v.voter);
  // A vote that waited may meet the same vote checked meanwhile (our own,
  // signed as a twin's, or the same equivocation delivered twice).
  if (existing != set.end() && existing->second == v) return;
  if (const auto c = conflicting_.find({v.round, v.type});
      c != conflicting_.end() && c->second.contains(v.voter) && c->second.at(v.voter) == v) {
    return;
  }
  if (existing != set.end()) {
    // An equivocator: keep its second vote too (it counts for both values,
    // as a Byzantine voter may anyway), so that the proof-of-lock it took
    // part in still forms here; report it; refuse any third vote.
    if (const auto c = conflicting_.find({v.round, v.type}); c != conflicting_.end() && c->second.contains(v.voter)) {
      return reject(from, RejectionCause::duplicate, "third vote from an equivocating voter");
    }
    out_.push_back(EvidenceFound{Evidence{existing->second, v}});
    out_.push_back(Rejected{Rejection{height_, cfg_.self, from, RejectionCause::duplicate,
                                      "conflicting second vote from voter " + std::to_string(v.voter) +
                                          " (evidence emitted)"}});
    keep_conflicting_vote(v);
    return;
  }
  keep_first_vote(v);
}

void Tendermint::count_checked(const VoteKey& key, NodeId voter, bool add) {
  const auto first = votes_.find(key);
  if (first == votes_.end()) return;
  const auto v = first->second.find(voter);
  if (v == first->second.end()) return;  // a conflicting vote is kept only beside a first one
  auto& tally = checked_tally_[key];
  const std::uint64_t w = validators_.weight(voter);
  const auto change = [&](std::uint64_t& total) { total = add ? total + w : total - w; };
  change(tally.any);
  change(tally.by_value[v->second.block]);
  if (const auto c = conflicting_.find(key); c != conflicting_.end()) {
    const auto second = c->second.find(voter);
    if (second != c->second.end() && second->second.block != v->second.block) change(tally.by_value[second->second.block]);
  }
}

void Tendermint::keep_first_vote(const Vote& v) {
  const VoteKey key{v.round, v.type};
  count_checked(key, v.voter, false);
  votes_[key].insert_or_assign(v.voter, v);
  count_checked(key, v.voter, true);
}

void Tendermint::keep_conflicting_vote(const Vote& v) {
  const VoteKey key{v.round, v.type};
  count_checked(key, v.voter, false);
  conflicting_[key].emplace(v.voter, v);
  count_checked(key, v.voter, true);
}

void Tendermint::count_pending(const VoteKey& key, const Vote& v, bool add) {
  auto& tally = pending_tally_[key];
  const std::uint64_t w = validators_.weight(v.voter);
  tally.any = add ? tally.any + w : tally.any - w;
  auto& value = tally.by_value[v.block];
  value = add ? value + w : value - w;
  if (value == 0) tally.by_value.erase(v.block);  // crosses_threshold walks the values
}

void Tendermint::add_pending(const VoteKey& key, NodeId from, Vote v) {
  count_pending(key, v, true);
  pending_[key].emplace(v.voter, PendingVote{from, std::move(v)});
}

// ------------------------------------------------------------ lazy vote checks
//
// A vote's signature is checked only when the vote could change what a rule
// decides. Every rule of evaluate() is a threshold on the weight of checked
// votes: 2f+1 for one value of (round, kind) (lines 28, 36, 44, 49), 2f+1
// of any value (lines 34, 47), f+1 of the senders of a later round (line
// 55). Before each pass over the rules, waiting votes are checked whenever
// adding them would take a count across its threshold; so every rule fires
// exactly when it would if every vote were checked on arrival, and at
// n = 4 a step costs one batch of the 2 votes that complete its quorum
// instead of 3 single verifications (a late third vote is never checked
// unless a rule needs it). A batch that fails is checked one by one, so a
// bad signature costs its sender a rejection and the batch its time.

void Tendermint::settle(const VoteKey& key, std::optional<NodeId> only) {
  const auto it = pending_.find(key);
  if (it == pending_.end()) return;
  std::vector<PendingVote> taken;
  if (only) {
    const auto w = it->second.find(*only);
    if (w == it->second.end()) return;
    count_pending(key, w->second.vote, false);
    taken.push_back(std::move(w->second));
    it->second.erase(w);
  } else {
    for (auto& [voter, pv] : it->second) taken.push_back(std::move(pv));
    it->second.clear();
  }
  if (it->second.empty()) {
    pending_.erase(it);
    pending_tally_.erase(key);
  }
  // One batch per value: votes for the same value sign the same bytes.
  std::map<std::optional<Hash32>, std::vector<PendingVote*>> by_value;
  for (auto& pv : taken) by_value[pv.vote.block].push_back(&pv);
  for (auto& [value, group] : by_value) {
    const Bytes msg = group.front()->vote.signed_bytes(cfg_.chain_id);
    bool all_valid = false;
    if (group.size() > 1) {
      std::vector<NodeId> signers;
      std::vector<ByteView> sigs;
      for (const auto* pv : group) {
        signers.push_back(pv->vote.voter);
        sigs.emplace_back(pv->vote.signature);
      }
      all_valid = crypto_.verify_batch(signers, msg, sigs);
    }
    for (auto* pv : group) {
      if (all_valid || crypto_.verify(pv->vote.voter, msg, pv->vote.signature)) {
        accept_vote(pv->from, std::move(pv->vote));
      } else {
        reject(pv->from, RejectionCause::invalid_proof, "vote signature does not verify");
      }
    }
  }
}

bool Tendermint::crosses_threshold(const VoteKey& key) const {
  const auto& vs = validators_;
  const auto waiting = pending_tally_.find(key);
  if (waiting == pending_tally_.end()) return false;
  const std::uint64_t checked_any = weight_for(key.first, key.second, std::nullopt);
  if (!vs.is_quorum(checked_any) && vs.is_quorum(checked_any + waiting->second.any)) return true;
  for (const auto& [value, w] : waiting->second.by_value) {
    const std::uint64_t checked = weight_for(key.first, key.second, std::optional<std::optional<Hash32>>(std::in_place, value));
    if (!vs.is_quorum(checked) && vs.is_quorum(checked + w)) return true;
  }
  return false;
}

std::map<Round, std::set<NodeId>> Tendermint::senders_ahead(bool with_waiting) const {
  std::map<Round, std::set<NodeId>> ahead;
  for (const auto& [r, prop] : proposals_) {
    if (r > round_) ahead[r].insert(proposer(height_, r));
  }
  for (const auto& [key, set] : votes_) {
    if (key.first <= round_) continue;
    for (const auto& [voter, v] : set) ahead[key.first].insert(voter);
  }
  if (with_waiting) {
    for (const auto& [key, waiting] : pending_) {
      if (key.first <= round_) continue;
      for (const auto& [voter, pv] : waiting) ahead[key.first].insert(voter);
    }
  }
  return ahead;
}

std::uint64_t Tendermint::weight_of(const std::set<NodeId>& senders) const {
  std::uint64_t w = 0;
  for (NodeId s : senders) w += validators_.weight(s);
  return w;
}

void Tendermint::settle_pending() {
  if (pending_.empty()) return;  // the common case at every pass over the rules
  for (auto it = pending_.begin(); it != pending_.end();) {
    const VoteKey key = it->first;
    const bool due = crosses_threshold(key);
    ++it;  // settle(key) erases only key's entry
    if (due) settle(key);
  }
  // Line 55: the senders of a later round, checked and with the waiting ones.
  const auto checked = senders_ahead(false);
  for (const auto& [r, senders] : senders_ahead(true)) {
    const auto c = checked.find(r);
    const std::uint64_t before = c == checked.end() ? 0 : weight_of(c->second);
    if (validators_.is_one_honest(before) || !validators_.is_one_honest(weight_of(senders))) continue;
    for (auto it = pending_.lower_bound({r, VoteType{}}); it != pending_.end() && it->first.first == r;) {
      const VoteKey key = (it++)->first;
      settle(key);
    }
  }
}

void Tendermint::on_decision(NodeId from, const Decision& d) {
  if (d.block.header.height < height_) {
    return reject(from, RejectionCause::replayed, "decision for a height already committed");
  }
  if (d.block.header.height > height_) {
    return reject(from, RejectionCause::out_of_range, "decision for a later height (its parent is unknown here)");
  }
  if (d.certificate.height != height_ || d.certificate.block != d.block.hash()) {
    return reject(from, RejectionCause::invalid_proof, "certificate is not for this block");
  }
  if (!d.block.body_matches()) return reject(from, RejectionCause::invalid_proof, "tx root does not match the body");
  if (!check_header(d.block.header, from, d.certificate.round)) return;
  if (!verify_certificate(crypto_, validators_, cfg_.chain_id, d.certificate)) {
    return reject(from, RejectionCause::invalid_proof, "commit certificate does not verify");
  }
  commit(d);
}

void Tendermint::request_sync(NodeId peer, Height their_height) {
  // We are more than one height behind: ask the runtime for the blocks
  // (answered with BlockSynced, each checked against its certificate).
  if (last_sync_request_ && now_ - *last_sync_request_ < cfg_.rebroadcast_interval) return;
  last_sync_request_ = now_;
  out_.push_back(RequestSync{height_, their_height - 1, peer});
}

void Tendermint::serve_earlier_round(NodeId peer, Round their_round) {
  // The peer still works on a round we left. It may be waiting for our
  // votes of that round (2f+1 precommits end a round, line 47), which our
  // rebroadcasts no longer carry and which only our safety record still
  // holds after a restart: send them to it, at most once per interval.
  if (auto s = served_rounds_.find(peer); s != served_rounds_.end() && s->second.first == their_round &&
                                          now_ - s->second.second < cfg_.rebroadcast_interval) {
    return;
  }
  // Not if the peer has shown us a later round: then this is a late copy,
  // or our own votes served back to us by a peer that thought us behind
  // (answering those would keep two nodes serving each other all height).
  const auto later = [&](const auto& by_key) {
    for (auto it = by_key.upper_bound({their_round, VoteType::precommit}); it != by_key.end(); ++it) {
      if (it->second.contains(peer)) return true;
    }
    return false;
  };
  if (later(votes_) || later(pending_)) return;
  for (auto it = proposals_.upper_bound(their_round); it != proposals_.end(); ++it) {
    if (it->second.block.header.proposer == peer) return;
  }
  bool sent = false;
  for (const auto& raw : record_.earlier_votes) {
    if (std::get<Vote>(Message::from_bytes(raw, cfg_.limits).body).round == their_round) {
      out_.push_back(Send{peer, raw});
      sent = true;
    }
  }
  if (sent) served_rounds_[peer] = {their_round, now_};
}

void Tendermint::serve_behind_peer(NodeId peer, Height their_height) {
  const auto it = std::find_if(decisions_.begin(), decisions_.end(),
                               [&](const Decision& d) { return d.block.header.height == their_height; });
  if (it == decisions_.end()) return;
  if (auto s = served_.find(peer);
      s != served_.end() && s->second.first == their_height && now_ - s->second.second < cfg_.rebroadcast_interval) {
    return;
  }
  served_[peer] = {their_height, now_};
  out_.push_back(Send{peer, Message{*it}.to_bytes()});
}

// ------------------------------------------------------------ timers

void Tendermint::on_timer(const TimerFired& t) {
  const auto it = timers_.find(t.id);
  if (it == timers_.end()) return;
  const TimerInfo info = it->second;
  timers_.erase(it);
  if (info.kind == TimerKind::rebroadcast) {
    if (record_.height == height_ && record_.round == round_) {
      for (const auto& raw : record_.signed_messages) out_.push_back(Broadcast{raw});
      broadcast_proof_of_lock();
    }
    if (tick_height_ == height_ && now_ - height_started_ >= 2 * typical_height_) {
      // No decision for a whole interval: peers may be stuck in a round
      // whose votes they lost. Relay the votes of this round and the
      // precommits that ended the previous one (they let a peer time out
      // of it, line 47), so that every honest node eventually sees what
      // every other honest node sent — the paper's gossip assumption.
      // Waiting votes are checked first: relaying a bad one would make
      // this node the sender of an invalid signature.
      for (auto w = pending_.begin(); w != pending_.end();) {
        const VoteKey key = (w++)->first;
        if (key.first == round_ || (round_ > 0 && key.first == round_ - 1 && key.second == VoteType::precommit)) {
          settle(key);
        }
      }
      for (const auto& [key, set] : votes_) {
        const bool now_round = key.first == round_;
        const bool ended_last = round_ > 0 && key.first == round_ - 1 && key.second == VoteType::precommit;
        if (!now_round && !ended_last) continue;
        for (const auto& [voter, v] : set) {
          // Our own current-round votes went out above with the record.
          if (voter != cfg_.self || !now_round) out_.push_back(Broadcast{Message{v}.to_bytes()});
        }
      }
    }
    tick_height_ = height_;
    set_timer(TimerKind::rebroadcast, cfg_.rebroadcast_interval);
    return;
  }
  if (waiting_ || info.height != height_ || info.round != round_) return;
  switch (info.kind) {
    case TimerKind::propose:  // line 57
      if (step_ == Step::propose) {
        step_ = Step::prevote;
        broadcast_vote(VoteType::prevote, std::nullopt);
      }
      break;
    case TimerKind::prevote:  // line 61
      if (step_ == Step::prevote) {
        step_ = Step::precommit;
        broadcast_vote(VoteType::precommit, std::nullopt);
      }
      break;
    case TimerKind::precommit:  // line 65
      start_round(round_ + 1);
      break;
    case TimerKind::rebroadcast: break;
  }
}

// ------------------------------------------------------------ the rules

int Tendermint::validity(const Hash32& block) const {
  const auto it = validity_.find(block);
  if (it == validity_.end()) return -1;
  return it->second ? 1 : 0;
}

std::uint64_t Tendermint::weight_for(Round r, VoteType t, const std::optional<std::optional<Hash32>>& value) const {
  const auto it = checked_tally_.find({r, t});
  if (it == checked_tally_.end()) return 0;
  if (!value) return it->second.any;
  const auto w = it->second.by_value.find(*value);
  return w == it->second.by_value.end() ? 0 : w->second;
}

std::vector<const Vote*> Tendermint::votes_for(Round r, VoteType t, const Hash32& id) const {
  std::vector<const Vote*> out;
  for (const auto* m : {&votes_, &conflicting_}) {
    const auto it = m->find({r, t});
    if (it == m->end()) continue;
    for (const auto& entry : it->second) {
      const Vote& v = entry.second;
      if (v.block == id && std::none_of(out.begin(), out.end(), [&v](const Vote* o) { return o->voter == v.voter; })) {
        out.push_back(&v);
      }
    }
  }
  std::sort(out.begin(), out.end(), [](const Vote* a, const Vote* b) { return a->voter < b->voter; });
  return out;
}

void Tendermint::evaluate() {
  const auto& vs = validators_;
  for (bool progress = true; progress;) {
    progress = false;
    settle_pending();
    const auto own = proposals_.find(round_);
    const Proposal* p = own == proposals_.end() ? nullptr : &own->second;
    const std::optional<Hash32> id = p ? std::optional(p->block.hash()) : std::nullopt;
    const int valid = id ? validity(*id) : -1;  // -1: the application has not answered yet
    const bool locked_other = record_.locked && id && record_.locked->hash() != *id;

    // line 22: a fresh proposal.
    if (step_ == Step::propose && p && valid >= 0 && !p->valid_round) {
      const bool ok = valid == 1 && (!locked_other || cfg_.bugs.skip_lock_check);
      step_ = Step::prevote;
      broadcast_vote(VoteType::prevote, ok ? id : std::nullopt);
      progress = true;
      continue;
    }
    // line 28: a re-proposal backed by 2f+1 prevotes from its valid round.
    if (step_ == Step::propose && p && valid >= 0 && p->valid_round && *p->valid_round < round_ &&
        vs.is_quorum(weight_for(*p->valid_round, VoteType::prevote, id))) {
      const bool lock_allows = !locked_other || *record_.locked_round <= *p->valid_round ||
                               cfg_.bugs.accept_lower_round_certificate;
      step_ = Step::prevote;
      broadcast_vote(VoteType::prevote, valid == 1 && lock_allows ? id : std::nullopt);
      progress = true;
      continue;
    }
    // line 34
    if (step_ == Step::prevote && !prevote_timer_set_.contains(round_) &&
        vs.is_quorum(weight_for(round_, VoteType::prevote, std::nullopt))) {
      prevote_timer_set_.insert(round_);
      set_timer(TimerKind::prevote, cfg_.vote_base + cfg_.vote_delta * round_);
    }
    // line 36
    if (step_ != Step::propose && p && valid == 1 && !locked_on_quorum_.contains(round_) &&
        vs.is_quorum(weight_for(round_, VoteType::prevote, id))) {
      locked_on_quorum_.insert(round_);
      record_.valid = p->block;
      record_.valid_round = round_;
      record_.valid_proof.clear();
      for (const Vote* v : votes_for(round_, VoteType::prevote, *id)) {
        record_.valid_proof.push_back(Message{*v}.to_bytes());
      }
      if (step_ == Step::prevote) {
        record_.locked = p->block;
        record_.locked_round = round_;
        step_ = Step::precommit;
        broadcast_vote(VoteType::precommit, id);
      }
      progress = true;
      continue;
    }
    // line 44
    if (step_ == Step::prevote &&
        vs.is_quorum(weight_for(round_, VoteType::prevote, std::optional<std::optional<Hash32>>(std::in_place, std::nullopt)))) {
      step_ = Step::precommit;
      broadcast_vote(VoteType::precommit, std::nullopt);
      progress = true;
      continue;
    }
    // line 47
    if (!precommit_timer_set_.contains(round_) && vs.is_quorum(weight_for(round_, VoteType::precommit, std::nullopt))) {
      precommit_timer_set_.insert(round_);
      set_timer(TimerKind::precommit, cfg_.vote_base + cfg_.vote_delta * round_);
    }
    // line 49: a decision in any round.
    for (const auto& [r, prop] : proposals_) {
      const Hash32 pid = prop.block.hash();
      if (validity(pid) == 1 && vs.is_quorum(weight_for(r, VoteType::precommit, pid))) {
        const Proposal decided = prop;
        decide(decided, r);
        progress = true;
        break;
      }
    }
    if (progress) continue;
    // line 55: f+1 of the weight is in a later round: join it.
    for (const auto& [r, senders] : senders_ahead(false)) {
      if (vs.is_one_honest(weight_of(senders))) {
        start_round(r);
        progress = true;
        break;
      }
    }
  }
}

void Tendermint::decide(const Proposal& p, Round r) {
  const Hash32 id = p.block.hash();
  CommitCertificate cert{height_, r, id, std::vector<bool>(validators_.size()), {}};
  std::vector<ByteView> sigs;
  for (const Vote* v : votes_for(r, VoteType::precommit, id)) {
    cert.signers[v->voter] = true;
    sigs.emplace_back(v->signature);
  }
  cert.aggregate = crypto_.aggregate(sigs);
  commit(Decision{p.block, std::move(cert)});
}

void Tendermint::commit(Decision d) {
  out_.push_back(Metric{MetricId::height, static_cast<std::int64_t>(height_)});
  out_.push_back(Metric{MetricId::rounds_for_height, static_cast<std::int64_t>(rounds_at_height_) + 1});
  out_.push_back(Commit{d});
  tip_ = d;
  decisions_.push_back(std::move(d));
  while (decisions_.size() > cfg_.kept_decisions) decisions_.pop_front();
  const TimePoint took = std::min(now_ - height_started_, 8 * cfg_.rebroadcast_interval);
  typical_height_ = (7 * typical_height_ + took) / 8;
  enter_height(height_ + 1);
}

// ------------------------------------------------------------ digest

std::size_t Tendermint::memory_items() const {
  std::size_t n = proposals_.size() + future_.size() + decisions_.size() + validity_.size() + timers_.size() +
                  served_.size() + validating_.size() + sets_.size();
  for (const auto& [k, set] : votes_) n += set.size();
  for (const auto& [k, set] : conflicting_) n += set.size();
  for (const auto& [k, waiting] : pending_) n += waiting.size();
  return n;
}

Hash32 Tendermint::state_digest() const {
  Writer w;
  w.u64(height_).u32(round_).u8(static_cast<std::uint8_t>(step_)).boolean(started_);
  w.bytes(record_.to_bytes());
  w.boolean(tip_.has_value());
  if (tip_) w.bytes(Message{*tip_}.to_bytes());
  w.varint(proposals_.size());
  for (const auto& [r, p] : proposals_) w.u32(r).bytes(Message{p}.to_bytes());
  w.varint(votes_.size());
  for (const auto& [k, set] : votes_) {
    w.u32(k.first).u8(static_cast<std::uint8_t>(k.second)).varint(set.size());
    for (const auto& [voter, v] : set) w.bytes(Message{v}.to_bytes());
  }
  w.varint(conflicting_.size());
  for (const auto& [k, set] : conflicting_) {
    w.u32(k.first).u8(static_cast<std::uint8_t>(k.second)).varint(set.size());
    for (const auto& [voter, v] : set) w.bytes(Message{v}.to_bytes());
  }
  if (!pending_.empty()) {  // absent when empty: digests of runs without waiting votes stay as they were
    w.varint(pending_.size());
    for (const auto& [k, waiting] : pending_) {
      w.u32(k.first).u8(static_cast<std::uint8_t>(k.second)).varint(waiting.size());
      for (const auto& [voter, pv] : waiting) w.u32(pv.from).bytes(Message{pv.vote}.to_bytes());
    }
  }
  w.varint(validity_.size());
  for (const auto& [h, ok] : validity_) detail::write_hash(w, h), w.boolean(ok);
  w.varint(validating_.size());
  for (const auto& h : validating_) detail::write_hash(w, h);
  w.boolean(requested_.has_value()).u32(requested_.value_or(0));
  for (const auto* s : {&prevote_timer_set_, &precommit_timer_set_, &locked_on_quorum_}) {
    w.varint(s->size());
    for (Round r : *s) w.u32(r);
  }
  w.varint(timers_.size());
  for (const auto& [id, t] : timers_) w.u64(id).u8(static_cast<std::uint8_t>(t.kind)).u64(t.height).u32(t.round);
  w.u64(next_timer_);
  w.varint(future_.size());
  for (const auto& [from, raw] : future_) w.u32(from).bytes(raw);
  w.varint(decisions_.size());
  for (const auto& d : decisions_) detail::write_hash(w, d.block.hash());
  w.varint(served_.size());
  for (const auto& [peer, s] : served_) w.u32(peer).u64(s.first).u64(static_cast<std::uint64_t>(s.second));
  if (!served_rounds_.empty()) {  // absent when empty: digests stay as they were
    w.varint(served_rounds_.size());
    for (const auto& [peer, s] : served_rounds_) w.u32(peer).u32(s.first).u64(static_cast<std::uint64_t>(s.second));
  }
  w.u32(rounds_at_height_).u64(tick_height_);
  w.u64(static_cast<std::uint64_t>(height_started_)).u64(static_cast<std::uint64_t>(typical_height_));
  w.boolean(last_sync_request_.has_value()).u64(static_cast<std::uint64_t>(last_sync_request_.value_or(0)));
  if (cfg_.validator_changes) {  // absent otherwise: digests of fixed-set runs stay as they were
    detail::write_hash(w, validators_.hash());
    w.boolean(waiting_);
    sets_.write(w);
  }
  return Hash32{Sha256::hash(w.data())};
}

}  // namespace privfin::consensus
