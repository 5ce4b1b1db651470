// The Gosig engine (gosig.hpp). Section numbers refer to the research
// brief's description of the protocol (docs/consensus.md, "The Gosig engine").
#include "privfin/consensus/gosig.hpp"

#include <algorithm>

#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::consensus {

namespace {

constexpr std::uint8_t key_proposal = 1;
constexpr std::uint8_t key_prepare = 2;
constexpr std::uint8_t key_commit = 3;
constexpr std::uint8_t key_streamed = 4;  // a streamed proposal's header, while its body streams

const ValidatorSet& containing(const ValidatorSet& validators, NodeId self) {
  if (self >= validators.size()) throw InvalidArgument("Gosig: self is not in the validator set");
  return validators;
}

Bytes vote_message(VoteType type, Height h, Round r, const Hash32& block, NodeId voter, Bytes signature) {
  return Message{Vote{type, h, r, block, voter, std::move(signature)}}.to_bytes();
}

}  // namespace

Gosig::Gosig(GosigConfig config, Crypto& crypto, CandidateSortition& sortition)
    : cfg_(std::move(config)),
      crypto_(crypto),
      sortition_(sortition),
      gossip_(cfg_.self, containing(cfg_.validators, cfg_.self).size(), cfg_.gossip),
      validators_(cfg_.validators),
      sets_("Gosig", cfg_.validators, cfg_.validator_changes) {
  if (crypto_.committee_size() != cfg_.validators.size()) {
    throw InvalidArgument("Gosig: crypto committee size differs from the validator set");
  }
  if (cfg_.chain_id.empty() || cfg_.chain_id.size() > cfg_.limits.max_chain_id) {
    throw InvalidArgument("Gosig: chain id is empty or too long");
  }
  if (cfg_.stage_one <= 0 || cfg_.stage_two <= 0) throw InvalidArgument("Gosig: stages must have a positive length");
  if (cfg_.max_candidates == 0) throw InvalidArgument("Gosig: max_candidates must be at least 1");
  if (cfg_.chunk_bytes != 0 && (cfg_.chunk_bytes < BodyManifest::min_chunk_bytes || cfg_.chunk_bytes > 0xFFFFFFFFU)) {
    throw InvalidArgument("Gosig: chunk_bytes must be 0 or between 1024 and 2^32 - 1");
  }
  for (NodeId i = 0; i < cfg_.validators.size() && !cfg_.validator_changes; ++i) {
    // Sortition draws candidates from every member: one without a vote
    // could lead a round that nobody can certify. (With validator_changes
    // such a member's proposals are refused instead: gosig.hpp.)
    if (cfg_.validators.weight(i) == 0) {
      throw InvalidArgument("Gosig: validator " + std::to_string(i) + " has weight 0 (every member must vote)");
    }
  }
}

Round Gosig::round_at(TimePoint t) const noexcept {
  if (t <= cfg_.genesis_time) return 0;
  return static_cast<Round>((t - cfg_.genesis_time) / round_length());
}

TimePoint Gosig::round_start(Round r) const noexcept { return cfg_.genesis_time + static_cast<TimePoint>(r) * round_length(); }

Hash32 Gosig::parent_hash() const { return tip_ ? tip_->block.hash() : Hash32{}; }

std::string Gosig::key(std::uint8_t kind, const Hash32& block) const {
  return std::to_string(kind) + "/" + std::to_string(height_) + "/" + std::to_string(round_) + "/" + block.hex();
}

void Gosig::reject(NodeId from, RejectionCause cause, std::string detail) {
  out_.push_back(Rejected{Rejection{height_, cfg_.self, from, cause, std::move(detail)}});
}

std::vector<Action> Gosig::step(TimePoint now, const Input& in) {
  out_.clear();
  now_ = now;
  if (!started_ && !std::holds_alternative<Start>(in)) throw InvalidArgument("Gosig: input before Start");
  std::visit(
      [this](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, Start>) {
          start(x);
        } else if constexpr (std::is_same_v<T, MessageIn>) {
          advance_clock();
          on_message(x);
        } else if constexpr (std::is_same_v<T, TimerFired>) {
          advance_clock();
          if (x.id == gossip_timer_) {
            for (auto& [to, bytes] : gossip_.tick(now_)) out_.push_back(Send{to, std::move(bytes)});
            tick_chunks();
            gossip_timer_ = next_timer_++;
            out_.push_back(SetTimer{gossip_timer_, now_ + cfg_.gossip.interval});
          }
        } else if constexpr (std::is_same_v<T, ProposalReady>) {
          advance_clock();
          on_proposal_ready(x);
        } else if constexpr (std::is_same_v<T, ProposalChecked>) {
          advance_clock();
          on_checked(x);
        } else if constexpr (std::is_same_v<T, BlockSynced>) {
          advance_clock();
          on_decision(cfg_.self, x.decision);
        } else if constexpr (std::is_same_v<T, ValidatorsDecided>) {
          on_validators(x);
        }
      },
      in);
  if (started_) schedule();
  return std::move(out_);
}

// ------------------------------------------------------------ start, clock

void Gosig::start(const Start& s) {
  if (started_) throw InvalidArgument("Gosig: started twice");
  refuse_record_ahead(s, "Gosig");
  started_ = true;
  height_ = s.committed + 1;
  sets_.start(height_, s.validators);
  adopt_validators();
  tip_ = s.tip;
  if (tip_) decisions_.push_back(*tip_);
  record_.height = height_;
  if (s.record && s.record->height == height_) {
    // Restart inside a height: keep the lock and re-send exactly what was
    // signed in the recorded round; sign nothing at or before it anew.
    record_ = *s.record;
    if (record_.locked && record_.locked_round && !record_.lock_certificate.empty()) {
      locked_ = record_.locked;
      lock_round_ = record_.locked_round;
      lock_cert_ = AggregateVote::from_bytes(record_.lock_certificate, cfg_.limits);
      highest_ = std::make_pair(*locked_, *lock_cert_);
    }
    restored_round_ = record_.round;
    for (const auto& raw : record_.signed_messages) {
      const auto m = Message::from_bytes(raw, cfg_.limits);
      if (const auto* v = std::get_if<Vote>(&m.body); v && v->block && v->round == record_.round) {
        (v->type == VoteType::prevote ? restored_p_ : restored_tc_) = *v->block;
      }
    }
  }
  if (s.record || s.committed > 0) no_propose_round_ = round_at(now_);
  gossip_timer_ = next_timer_++;
  out_.push_back(SetTimer{gossip_timer_, now_ + cfg_.gossip.interval});
  advance_clock();
}

void Gosig::on_validators(const ValidatorsDecided& v) {
  // Rounds go on by the clock: once the awaited set is here, the next
  // round's sortition proposes, and the peers' gossip brings this round's
  // proposals and votes again.
  if (sets_.learn(v, height_, waiting_)) adopt_validators();
}

void Gosig::adopt_validators() {
  if (!cfg_.validator_changes) return;
  const ValidatorSet* set = sets_.take(height_);
  waiting_ = set == nullptr;
  if (waiting_ || cfg_.bugs.ignore_validator_changes) return;
  validators_ = *set;
}

bool Gosig::votes_here() const { return !waiting_ && validators_.weight(cfg_.self) > 0; }

void Gosig::advance_clock() {
  const Round r = round_at(now_);
  if (stage_ == 0 || r > round_) enter_round(r);
  if (stage_ == 1 && now_ >= round_start(round_) + cfg_.stage_one) enter_stage_two();
}

void Gosig::schedule() {
  const TimePoint next = stage_ == 1 ? round_start(round_) + cfg_.stage_one : round_start(round_ + 1);
  if (next == boundary_at_) return;
  if (boundary_timer_ != 0) out_.push_back(CancelTimer{boundary_timer_});
  boundary_timer_ = next_timer_++;
  boundary_at_ = next;
  out_.push_back(SetTimer{boundary_timer_, next});
}

void Gosig::enter_round(Round r) {
  round_ = r;
  stage_ = 1;
  uploads_.clear();
  early_offers_.clear();
  early_offer_count_ = 0;
  ++rounds_at_height_;
  candidates_.clear();
  prepared_.clear();
  tc_sent_.reset();
  p_agg_.clear();
  tc_agg_.clear();
  requested_ = false;
  // Validity verdicts are the application's at this height: keep them.
  if (restored_round_ && r == *restored_round_ && (restored_p_ || restored_tc_)) {
    // Gossip again what the record says we signed here (the same bytes
    // would be signed again: signatures are deterministic, but we need not).
    for (const auto& raw : record_.signed_messages) {
      const auto m = Message::from_bytes(raw, cfg_.limits);
      const auto* v = std::get_if<Vote>(&m.body);
      if (v == nullptr || !v->block || v->round != r) continue;
      auto a = single_aggregate(v->type, height_, r, *v->block, cfg_.validators.size(), cfg_.self, v->signature);
      if (v->type == VoteType::prevote) {
        prepared_.insert(*v->block);
        p_agg_[*v->block] = a;
        gossip_put(key(key_prepare, *v->block), GosigMessage{a}.to_bytes());
      } else {
        tc_sent_ = *v->block;
        tc_agg_[*v->block] = a;
        gossip_put(key(key_commit, *v->block), GosigMessage{a}.to_bytes());
      }
    }
  }
  if (no_propose_round_ && *no_propose_round_ == r) return;
  if (restored_round_ && r <= *restored_round_) return;
  if (!votes_here()) return;
  if (auto ticket = sortition_.draw(height_, r)) propose(*ticket);
}

void Gosig::propose(const SortitionTicket& ticket) {
  if (highest_) {
    // a.6 step 3 with the brief's a.8 addition: re-propose the block of the
    // highest prepare certificate seen (our lock is one of those).
    GosigProposal p{round_, cfg_.self, ticket.proof, highest_->first, highest_->second, {}, std::nullopt};
    stream_if_large(p);
    p.signature = crypto_.sign(p.signed_bytes());
    on_proposal(cfg_.self, std::move(p));
    return;
  }
  requested_ = true;
  pending_ticket_ = ticket;
  out_.push_back(RequestProposal{height_, round_, parent_hash(), cfg_.limits.max_body});
}

void Gosig::on_proposal_ready(const ProposalReady& x) {
  if (!requested_ || x.height != height_ || x.round != round_ || stage_ != 1 || !pending_ticket_) return;
  if (x.body.size() > cfg_.limits.max_body) throw InvalidArgument("Gosig: proposal body above limits.max_body");
  requested_ = false;
  Block b;
  b.header.chain_id = cfg_.chain_id;
  b.header.height = height_;
  b.header.round = round_;
  b.header.parent = parent_hash();
  b.header.proposer = cfg_.self;
  b.header.tx_root = tx_root_of(x.body);
  b.header.app_hash = x.app_hash;
  b.header.validators_hash = validators_.hash();
  b.header.time = now_;
  b.body = x.body;
  validity_[b.hash()] = true;  // our own application made it
  GosigProposal p{round_, cfg_.self, pending_ticket_->proof, std::move(b), std::nullopt, {}, std::nullopt};
  pending_ticket_.reset();
  stream_if_large(p);
  p.signature = crypto_.sign(p.signed_bytes());
  on_proposal(cfg_.self, std::move(p));
}

void Gosig::enter_stage_two() {
  stage_ = 2;
  try_prepare();
}

// ------------------------------------------------------------ messages

void Gosig::on_message(const MessageIn& in) {
  if (in.from >= cfg_.validators.size() || in.from == cfg_.self) {
    reject(in.from, RejectionCause::wrong_sender, "sender is not another validator");
    return;
  }
  GosigMessage m;
  try {
    m = GosigMessage::from_bytes(in.payload, cfg_.limits);
  } catch (const DecodeError& e) {
    reject(in.from, RejectionCause::malformed, e.what());
    return;
  }
  if (const auto* d = std::get_if<Decision>(&m.body)) {
    if (d->block.header.height == height_) return on_decision(in.from, *d);
    if (d->block.header.height > height_) request_sync(in.from, d->block.header.height + 1);
    return;
  }
  if (const auto* dh = std::get_if<DecidedHeader>(&m.body)) {
    if (dh->header.height == height_) return on_decided_header(in.from, *dh);
    if (dh->header.height > height_) request_sync(in.from, dh->header.height + 1);
    return;
  }
  const Height h = m.height();
  if (h < height_) return serve_behind_peer(in.from, h);
  if (h > height_) return request_sync(in.from, h);
  if (waiting_) return;  // not checkable before the set of this height is known
  if (m.round() != round_) return;  // another round: stale, or a clock ahead of ours
  if (auto* p = std::get_if<GosigProposal>(&m.body)) {
    on_proposal(in.from, std::move(*p));
  } else if (auto* c = std::get_if<BodyChunk>(&m.body)) {
    on_chunk(in.from, std::move(*c));
  } else if (const auto* have = std::get_if<ChunkHave>(&m.body)) {
    on_chunk_have(in.from, *have);
  } else if (const auto* want = std::get_if<ChunkWant>(&m.body)) {
    on_chunk_want(in.from, *want);
  } else {
    on_aggregate(in.from, std::get<AggregateVote>(m.body));
  }
}

bool Gosig::quorum(const AggregateVote& a) const {
  if (cfg_.bugs.count_sum_of_counts) {
    std::uint64_t w = 0;
    for (NodeId i = 0; i < a.counts.size(); ++i) w += std::uint64_t{a.counts[i]} * validators_.weight(i);
    return validators_.is_quorum(w);
  }
  return validators_.is_quorum(a.distinct_weight(validators_));
}

// A prepare certificate for block b from a round before r, that verifies.
bool Gosig::check_justification(const AggregateVote& j, const Block& b, Round r) const {
  return j.type == VoteType::prevote && j.height == height_ && j.round < r && j.block == b.hash() &&
         b.header.round <= j.round && j.counts.size() == cfg_.validators.size() && quorum(j) &&
         crypto_.verify_counted(j.counts, j.signed_bytes(cfg_.chain_id), j.aggregate);
}

void Gosig::on_proposal(NodeId from, GosigProposal p) {
  // Gossip brings the same proposal many times: skip the VRF check for one
  // we hold already.
  for (const auto& [prio, c] : candidates_) {
    if (c.proposal.proposer == p.proposer && c.proposal.ticket == p.ticket && c.proposal.signature == p.signature) return;
  }
  const auto drawn = sortition_.check(p.proposer, height_, round_, p.ticket);
  if (!drawn || drawn->size() != 32) {
    return reject(from, RejectionCause::invalid_proof, "proposer is not a candidate of this round");
  }
  std::optional<Hash32> priority{Hash32{}};
  std::copy(drawn->begin(), drawn->end(), priority->v.begin());
  if (const auto it = candidates_.find(*priority); it != candidates_.end()) {
    // Its maker equivocated (the first proposal stays), or this one is forged.
    if (!crypto_.verify(p.proposer, p.signed_bytes(), p.signature)) {
      reject(from, RejectionCause::invalid_proof, "proposal signature does not verify");
    }
    return;
  }
  if (candidates_.size() >= cfg_.max_candidates && !(*priority < candidates_.rbegin()->first)) return;
  const auto& hd = p.block.header;
  if (hd.chain_id != cfg_.chain_id || hd.validators_hash != validators_.hash()) {
    return reject(from, RejectionCause::wrong_key, "block of another chain or validator set");
  }
  if (validators_.weight(p.proposer) == 0) {
    return reject(from, RejectionCause::wrong_sender, "proposer has no weight at this height");
  }
  if (hd.height != height_ || hd.parent != parent_hash()) {
    return reject(from, RejectionCause::other, "block does not extend our chain tip");
  }
  // A streamed body is checked once its chunks are in (body_complete); our
  // own streamed proposal carries its body here.
  const bool streamed_in = p.manifest && from != cfg_.self;
  if (!streamed_in && (!p.block.body_matches() || p.block.body.size() > cfg_.limits.max_body)) {
    return reject(from, RejectionCause::malformed, "block body does not match its header");
  }
  if (!crypto_.verify(p.proposer, p.signed_bytes(), p.signature)) {
    return reject(from, RejectionCause::invalid_proof, "proposal signature does not verify");
  }
  if (p.justification) {
    if (!check_justification(*p.justification, p.block, p.round)) {
      return reject(from, RejectionCause::invalid_proof, "re-proposal without a valid prepare certificate");
    }
    // A streamed block counts once its body is in (body_complete).
    if (!streamed_in && (!highest_ || p.justification->round > highest_->second.round)) {
      highest_ = std::make_pair(p.block, *p.justification);
    }
  } else if (hd.round != p.round || hd.proposer != p.proposer) {
    return reject(from, RejectionCause::out_of_range, "new block not made in this round by its proposer");
  }
  Candidate c{std::move(p), {}, {}, {}, 0, true, 0, 0, {}, 0, -1, {}, {}};
  c.id = c.proposal.block.hash();
  c.raw = GosigMessage{c.proposal}.to_bytes();  // a streamed proposal's wire form leaves its body out
  c.progress = now_;
  const Hash32 id = c.id;
  if (streamed_in) {
    c.complete = false;
    c.chunks.resize(c.proposal.manifest->chunks.size());
    c.requested.assign(c.chunks.size(), -1);
    // A re-proposed block whose body we hold already needs no chunk.
    const Block* known = locked_ && locked_->hash() == id ? &*locked_ : nullptr;
    if (known == nullptr && highest_ && highest_->first.hash() == id) known = &highest_->first;
    if (const auto* other = find_block(id); known == nullptr && other != nullptr && other->complete) {
      known = &other->proposal.block;
    }
    // Only if the signed manifest describes it (a Byzantine maker's may
    // not: then its chunks are fetched, fail to add up, and name it).
    if (known != nullptr && BodyManifest::of(known->body, c.proposal.manifest->chunk_bytes) != *c.proposal.manifest) {
      known = nullptr;
    }
    if (known != nullptr) {
      c.proposal.block.body = known->body;
      c.chunks.clear();
      c.held = c.proposal.manifest->chunks.size();
      c.complete = true;
    }
    if (auto early = early_offers_.find(id); early != early_offers_.end() && !c.complete) {
      for (auto& [peer, bits] : early->second) {
        if (bits.size() == c.chunks.size()) c.offers.emplace_back(peer, std::move(bits));
      }
      early_offers_.erase(early);
    }
  }
  auto& stored = candidates_.emplace(*priority, std::move(c)).first->second;
  if (stored.proposal.manifest && forwarded(id)) {
    gossip_put(key(key_streamed, id), stored.raw);  // the header first, then the chunks behind it
    if (stored.complete) {
      announce(stored);
    } else {
      request_chunks(stored);
    }
  }
  while (candidates_.size() > cfg_.max_candidates) candidates_.erase(std::prev(candidates_.end()));
  if (const auto* cand = find_block(id); cand == nullptr || !cand->complete) return;
  if (!validity_.contains(id) && !validating_.contains(id)) {
    const auto* cand = find_block(id);
    validating_.insert(id);
    out_.push_back(RequestValidate{height_, round_, id, cand->proposal.block.header, cand->proposal.block.body});
  }
  gossip_proposal();
  if (stage_ == 2) try_prepare();
}

void Gosig::on_checked(const ProposalChecked& x) {
  if (x.height != height_ || validating_.erase(x.block) == 0) return;
  validity_[x.block] = x.accept;
  gossip_proposal();
  if (stage_ == 2) try_prepare();
  // A TC quorum may have formed for this block while it was being checked.
  check_quorums(x.block);
}

// A candidate with this block, one whose body is complete if there is one
// (a re-proposed block can be in two candidates, one still streaming).
const Gosig::Candidate* Gosig::find_block(const Hash32& id) const {
  const Candidate* found = nullptr;
  for (const auto& [prio, c] : candidates_) {
    if (c.id != id) continue;
    if (c.complete) return &c;
    if (found == nullptr) found = &c;
  }
  return found;
}

Gosig::Candidate* Gosig::find_candidate(const Hash32& id) {
  return const_cast<Candidate*>(std::as_const(*this).find_block(id));  // find_block's choice, writable
}

const Gosig::Candidate* Gosig::best_valid() const {
  for (const auto& [prio, c] : candidates_) {
    const auto v = validity_.find(c.id);
    if (c.complete && v != validity_.end() && v->second) return &c;
  }
  return nullptr;
}

// ------------------------------------------------------------ streamed bodies

void Gosig::stream_if_large(GosigProposal& p) const {
  if (cfg_.chunk_bytes == 0 || p.block.body.size() <= cfg_.chunk_bytes) return;
  p.manifest = BodyManifest::of(p.block.body, static_cast<std::uint32_t>(cfg_.chunk_bytes));
}

// Among the forwarded_candidates best by priority (a.6 step 4, relaxed: a
// candidate whose maker withholds its body must not stop the next one).
bool Gosig::forwarded(const Hash32& id) const {
  std::size_t rank = 0;
  for (const auto& [prio, c] : candidates_) {
    if (rank++ >= cfg_.forwarded_candidates) return false;
    if (c.id == id) return true;
  }
  return false;
}

bool Gosig::holds_chunk(const Candidate& c, std::size_t index) const {
  if (!c.proposal.manifest || index >= c.proposal.manifest->chunks.size()) return false;
  // A complete body is the manifest's (assembled from its chunks, or our
  // own); its size is checked again so that a slice never runs past it.
  if (c.complete) return c.proposal.block.body.size() == c.proposal.manifest->size;
  return index < c.chunks.size() && !c.chunks[index].empty();
}

Bytes Gosig::chunk_message(const Candidate& c, std::uint32_t index) const {
  BodyChunk chunk{height_, round_, c.id, index, {}};
  if (c.complete) {
    const std::size_t at = std::size_t{index} * c.proposal.manifest->chunk_bytes;
    const auto& body = c.proposal.block.body;
    chunk.data.assign(body.begin() + static_cast<std::ptrdiff_t>(at),
                      body.begin() + static_cast<std::ptrdiff_t>(at + c.proposal.manifest->chunk_size(index)));
  } else {
    chunk.data = c.chunks[index];
  }
  return GosigMessage{std::move(chunk)}.to_bytes();
}

void Gosig::on_chunk(NodeId from, BodyChunk chunk) {
  auto* c = find_candidate(chunk.block);
  if (c == nullptr || c->complete || !c->proposal.manifest) return;  // unknown here yet, or not needed
  const auto& m = *c->proposal.manifest;
  if (chunk.index >= m.chunks.size() || chunk.data.size() != m.chunk_size(chunk.index) ||
      Hash32{Sha256::hash(chunk.data)} != m.chunks[chunk.index]) {
    return reject(from, RejectionCause::invalid_proof, "body chunk does not match the proposal's manifest");
  }
  if (!c->chunks[chunk.index].empty()) return;
  c->chunks[chunk.index] = std::move(chunk.data);
  ++c->held;
  c->progress = now_;
  if (c->held < m.chunks.size()) request_chunks(*c);
  if (c->held == m.chunks.size()) body_complete(*c);
}

void Gosig::body_complete(Candidate& c) {
  auto& body = c.proposal.block.body;
  body.clear();
  body.reserve(static_cast<std::size_t>(c.proposal.manifest->size));
  for (const auto& part : c.chunks) body.insert(body.end(), part.begin(), part.end());
  c.chunks.clear();
  c.chunks.shrink_to_fit();
  c.requested.clear();
  c.complete = true;
  const Hash32 id = c.id;
  if (!c.proposal.block.body_matches()) {
    // Every chunk matched the manifest its maker signed: the maker's fault.
    validity_[id] = false;
    return reject(c.proposal.proposer, RejectionCause::invalid_proof, "streamed body does not match its header");
  }
  if (const auto& j = c.proposal.justification; j && (!highest_ || j->round > highest_->second.round)) {
    highest_ = std::make_pair(c.proposal.block, *j);
  }
  if (!validity_.contains(id) && !validating_.contains(id)) {
    validating_.insert(id);
    out_.push_back(RequestValidate{height_, round_, id, c.proposal.block.header, c.proposal.block.body});
  } else {
    gossip_proposal();
    if (stage_ == 2) try_prepare();
    check_quorums(id);
  }
}

ChunkSet Gosig::held_set(const Candidate& c) const {
  ChunkSet set{height_, round_, c.id, std::vector<bool>(c.proposal.manifest->chunks.size(), c.complete)};
  if (!c.complete) {
    for (std::size_t i = 0; i < c.chunks.size(); ++i) set.chunks[i] = !c.chunks[i].empty();
  }
  return set;
}

void Gosig::announce(Candidate& c) {
  c.announced = c.held;
  c.announced_at = now_;
  const std::size_t fanout = cfg_.chunk_fanout == 0 ? cfg_.gossip.fanout : cfg_.chunk_fanout;  // 0: the gossip's
  const Bytes bytes = GosigMessage{ChunkHave{held_set(c)}}.to_bytes();
  for (NodeId to : gossip_.peers("have/" + c.id.hex(), static_cast<std::uint64_t>(now_), fanout)) {
    out_.push_back(Send{to, bytes});
  }
}

// At each gossip tick: announce new chunks (and all of them every 5
// ticks), and ask a random peer for everything when a body has stalled.
void Gosig::tick_chunks() {
  const TimePoint tick = cfg_.gossip.interval;
  chunks_sent_ = 0;
  send_uploads();
  const bool busy = cfg_.chunk_upload_per_tick != 0 && !uploads_.empty();
  for (auto& [prio, c] : candidates_) {
    if (!c.proposal.manifest || !forwarded(c.id)) continue;
    if (!busy && c.held > 0 && (c.held > c.announced || now_ - c.announced_at >= 5 * tick)) announce(c);
    request_chunks(c);  // asks that timed out
    if (c.complete || now_ - std::max(c.progress, c.asked) < 5 * tick) continue;
    c.asked = now_;
    ChunkWant want{held_set(c)};
    want.chunks.flip();
    for (NodeId to : gossip_.peers("want/" + c.id.hex(), static_cast<std::uint64_t>(now_), 1)) {
      out_.push_back(Send{to, GosigMessage{want}.to_bytes()});
    }
  }
  if (stage_ == 2) try_prepare();  // past the half of stage II, stop waiting for a body
}

namespace {
// A starting point that differs by the two peers and the time, so that
// nodes ask for (and answer with) different chunks first, and each soon
// has something to pass on that its neighbours lack.
std::size_t spread_start(NodeId a, NodeId b, TimePoint now, std::size_t count) {
  const std::uint64_t mix = ((std::uint64_t{a} + 1) * 0x9E3779B97F4A7C15ULL) ^
                            ((std::uint64_t{b} + 1) * 0xC2B2AE3D27D4EB4FULL) ^ (static_cast<std::uint64_t>(now) / 1'000'000);
  return static_cast<std::size_t>(mix % count);
}
}  // namespace

void Gosig::on_chunk_have(NodeId from, const ChunkHave& have) {
  auto* c = find_candidate(have.block);
  if (c == nullptr) {
    // Its proposal may be a gossip path behind: keep the offer a while.
    constexpr std::size_t max_early_offers = 256;
    if (early_offer_count_ < max_early_offers) {
      early_offers_[have.block].emplace_back(from, have.chunks);
      ++early_offer_count_;
    }
    return;
  }
  if (!c->proposal.manifest) return;
  if (have.chunks.size() != c->proposal.manifest->chunks.size()) {
    return reject(from, RejectionCause::malformed, "chunk have-map of another size");
  }
  if (c->complete || !forwarded(c->id)) return;
  add_offer(*c, from, have.chunks);
  request_chunks(*c);
}

void Gosig::add_offer(Candidate& c, NodeId from, std::vector<bool> chunks) {
  constexpr std::size_t kept_offers = 8;
  std::erase_if(c.offers, [from](const auto& o) { return o.first == from; });
  c.offers.emplace_front(from, std::move(chunks));
  while (c.offers.size() > kept_offers) c.offers.pop_back();
}

// Asks the peers that offered chunks for those this node lacks, newest
// offer first, a quarter of the window from each (spread over several,
// the asks neither pile up at one link nor wait on its queue), keeping at
// most chunk_window asked for and not yet in (more would only queue on
// the links, time out and be asked for twice).
void Gosig::request_chunks(Candidate& c) {
  if (c.complete || !c.proposal.manifest || !forwarded(c.id) || c.offers.empty()) return;
  const std::size_t count = c.chunks.size();
  const TimePoint retry = chunk_retry();
  std::size_t in_flight = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (c.requested[i] >= 0 && now_ - c.requested[i] < retry && c.chunks[i].empty()) ++in_flight;
  }
  const std::size_t per_peer = std::max<std::size_t>(1, (cfg_.chunk_window + 3) / 4);
  for (const auto& [peer, offered] : c.offers) {
    if (in_flight >= cfg_.chunk_window) return;
    ChunkWant want{ChunkSet{height_, round_, c.id, std::vector<bool>(count)}};
    std::size_t asked = 0;
    const std::size_t start = spread_start(cfg_.self, peer, now_, count);
    for (std::size_t k = 0; k < count && in_flight < cfg_.chunk_window && asked < per_peer; ++k) {
      const std::size_t i = (start + k) % count;
      if (!offered[i] || !c.chunks[i].empty()) continue;
      if (c.requested[i] >= 0 && now_ - c.requested[i] < retry) continue;
      c.requested[i] = now_;
      want.chunks[i] = true;
      ++asked;
      ++in_flight;
    }
    if (asked > 0) out_.push_back(Send{peer, GosigMessage{std::move(want)}.to_bytes()});
  }
}

void Gosig::on_chunk_want(NodeId from, const ChunkWant& want) {
  auto* c = find_candidate(want.block);
  if (c == nullptr || !c->proposal.manifest) return;
  const std::size_t count = c->proposal.manifest->chunks.size();
  if (want.chunks.size() != count) return reject(from, RejectionCause::malformed, "chunk request of another size");
  // The queue holds at most a few windows: asks beyond wait for the asker's retry.
  if (uploads_.size() >= 4 * cfg_.chunk_window) return;
  const TimePoint again = chunk_retry();
  auto& sent_at = c->served[from];
  if (sent_at.size() != count) sent_at.assign(count, -1);
  std::size_t queued = 0;
  const std::size_t start = spread_start(from, cfg_.self, now_, count);
  for (std::size_t k = 0; k < count && queued < cfg_.chunk_window; ++k) {
    const std::size_t i = (start + k) % count;
    if (!want.chunks[i] || !holds_chunk(*c, i)) continue;
    if (sent_at[i] >= 0 && now_ - sent_at[i] < again) continue;
    sent_at[i] = now_;
    uploads_.push_back(Upload{from, round_, c->id, static_cast<std::uint32_t>(i), now_});
    ++queued;
  }
  send_uploads();
}

// Sends queued chunks while this tick has room; forgets requests of
// another round or older than chunk_retry_ticks.
void Gosig::send_uploads() {
  const TimePoint stale = chunk_retry();
  while (!uploads_.empty()) {
    if (cfg_.chunk_upload_per_tick != 0 && chunks_sent_ >= cfg_.chunk_upload_per_tick) return;
    const Upload u = uploads_.front();
    uploads_.pop_front();
    if (u.round != round_ || now_ - u.asked >= stale) continue;
    const auto* c = find_block(u.block);
    if (c == nullptr || !c->proposal.manifest || !holds_chunk(*c, u.index)) continue;
    out_.push_back(Send{u.to, chunk_message(*c, u.index)});
    ++chunks_sent_;
  }
}

// Only the best valid proposal is re-gossiped (a.6 step 4).
void Gosig::gossip_proposal() {
  const auto* best = best_valid();
  if (best == nullptr) return;
  gossip_put(key(key_proposal, Hash32{}), best->raw);
}

void Gosig::gossip_put(const std::string& k, const Bytes& payload) {
  // A value lives until the end of its round plus one stage II, so that a
  // peer whose clock is a little behind still gets it.
  const TimePoint expires = round_start(round_ + 1) + cfg_.stage_two;
  for (auto& [to, bytes] : gossip_.put(k, payload, now_, expires)) out_.push_back(Send{to, std::move(bytes)});
}

// a.6 step 5: what to prepare, at the start of stage II (or later in stage
// II when the first valid proposal arrives late).
void Gosig::try_prepare() {
  if (stage_ != 2 || (restored_round_ && round_ <= *restored_round_)) return;
  if (!votes_here()) return;
  if (!prepared_.empty()) {
    if (!cfg_.bugs.sign_twice || prepared_.size() > 1) return;
  }
  const Candidate* best = nullptr;
  // A better candidate whose body is still streaming in is waited for
  // until half of stage II has passed: else the nodes that hold only their
  // own body, or a worse one, would split their prepares.
  const bool may_wait = now_ < round_start(round_) + cfg_.stage_one + cfg_.stage_two / 2;
  for (const auto& [prio, c] : candidates_) {
    if (may_wait && !c.complete && forwarded(c.id) && !validity_.contains(c.id)) return;
    const auto v = validity_.find(c.id);
    if (!c.complete || v == validity_.end() || !v->second || prepared_.contains(c.id)) continue;
    best = &c;
    break;
  }
  if (best == nullptr) return;
  if (locked_ && best->id != locked_->hash() && !cfg_.bugs.skip_lock_check) {
    const auto& j = best->proposal.justification;
    const bool later = j && (j->round > *lock_round_ || cfg_.bugs.accept_lower_round_certificate);
    if (!later) return;  // locked on another block: prepare nothing this round
    locked_.reset();     // released by a later-round prepare certificate
    lock_round_.reset();
    lock_cert_.reset();
  }
  prepare(*best);
}

void Gosig::persist() {
  record_.height = height_;
  record_.locked = locked_;
  record_.locked_round = lock_round_;
  record_.lock_certificate = lock_cert_ ? lock_cert_->to_bytes() : Bytes{};
  record_.valid.reset();
  record_.valid_round.reset();
  record_.valid_proof.clear();
  out_.push_back(Persist{record_});
}

void Gosig::prepare(const Candidate& c) {
  const Hash32 id = c.id;
  Bytes sig = crypto_.sign(Vote::signed_bytes(cfg_.chain_id, VoteType::prevote, height_, round_, id));
  if (record_.round != round_) record_.signed_messages.clear();
  record_.round = round_;
  record_.step = Step::prevote;
  if (record_.signed_messages.size() < 3) {
    record_.signed_messages.push_back(vote_message(VoteType::prevote, height_, round_, id, cfg_.self, sig));
  }
  persist();  // a barrier: the P below leaves only once this is durable
  prepared_.insert(id);
  auto mine = single_aggregate(VoteType::prevote, height_, round_, id, cfg_.validators.size(), cfg_.self, std::move(sig));
  auto& agg = p_agg_[id];
  if (agg.counts.empty()) {
    agg = std::move(mine);
  } else if (!agg.has_signer(cfg_.self)) {
    (void)fold_aggregate(agg, mine, crypto_, cfg_.chain_id);
  }
  gossip_put(key(key_prepare, id), GosigMessage{agg}.to_bytes());
  gossip_proposal();
  check_quorums(id);
  if (cfg_.bugs.sign_twice) try_prepare();
}

void Gosig::on_aggregate(NodeId from, const AggregateVote& a) {
  if (a.counts.size() != cfg_.validators.size()) {
    return reject(from, RejectionCause::malformed, "aggregate for a committee of another size");
  }
  watch_single_vote(a);
  // Merged only for a block we prepared (P), or one we hold and found
  // valid (TC: enough to commit it; pipelining lets TC arrive before our
  // own P quorum).
  const bool interested = a.type == VoteType::prevote
                              ? prepared_.contains(a.block)
                              : (prepared_.contains(a.block) ||
                                 (find_block(a.block) != nullptr && validity_.contains(a.block) && validity_.at(a.block)));
  if (!interested) return;
  auto& mine = (a.type == VoteType::prevote ? p_agg_ : tc_agg_)[a.block];
  switch (fold_aggregate(mine, a, crypto_, cfg_.chain_id)) {
    case Fold::no_news: return;
    case Fold::invalid: return reject(from, RejectionCause::invalid_proof, "aggregate signature does not verify");
    case Fold::grown: break;
  }
  gossip_put(key(a.type == VoteType::prevote ? key_prepare : key_commit, a.block), GosigMessage{mine}.to_bytes());
  check_quorums(a.block);
}

// Evidence of equivocation. A validator's signature can be told apart from
// the others' only while it travels alone: an aggregate with one signer and
// count 1 is that signer's own signature. The first one per (type, round,
// signer) at this height is kept unverified; a second for another block
// makes both be verified (a forged first is replaced), and two valid ones
// are evidence, reported once. Aggregates of several signers prove nothing
// about one of them, so a Byzantine validator that only ever lets its
// conflicting signatures travel merged is not caught here (docs/consensus.md).
// Bounded: this height, rounds within two of the clock's, at most
// 8 entries per validator.
void Gosig::watch_single_vote(const AggregateVote& a) {
  if (a.height != height_ || a.round + 2 < round_ || a.round > round_ + 1) return;
  NodeId signer = 0;
  std::size_t signers = 0;
  for (NodeId i = 0; i < a.counts.size(); ++i) {
    if (a.counts[i] == 0) continue;
    if (a.counts[i] != 1 || ++signers > 1) return;
    signer = i;
  }
  if (signers != 1) return;
  if (singles_height_ != height_) {
    singles_.clear();
    singles_height_ = height_;
  }
  const auto slot = std::make_tuple(static_cast<std::uint8_t>(a.type), a.round, signer);
  auto it = singles_.find(slot);
  if (it == singles_.end()) {
    if (singles_.size() >= 8 * cfg_.validators.size()) {
      std::erase_if(singles_, [&](const auto& e) { return std::get<1>(e.first) + 2 < round_; });
      if (singles_.size() >= 8 * cfg_.validators.size()) return;
    }
    singles_.emplace(slot, SingleVote{a.block, a.aggregate, false, false});
    return;
  }
  SingleVote& first = it->second;
  if (first.block == a.block || first.reported) return;
  const auto valid = [&](const Hash32& block, const Bytes& signature) {
    return crypto_.verify(signer, Vote::signed_bytes(cfg_.chain_id, a.type, a.height, a.round, block), signature);
  };
  if (!first.verified) {
    if (!valid(first.block, first.signature)) {
      first = SingleVote{a.block, a.aggregate, false, false};
      return;
    }
    first.verified = true;
  }
  if (!valid(a.block, a.aggregate)) return;
  first.reported = true;
  out_.push_back(EvidenceFound{Evidence{Vote{a.type, a.height, a.round, first.block, signer, first.signature},
                                        Vote{a.type, a.height, a.round, a.block, signer, a.aggregate}}});
}

void Gosig::check_quorums(const Hash32& id) {
  const auto p = p_agg_.find(id);
  if (p != p_agg_.end() && !tc_sent_ && prepared_.contains(id) && quorum(p->second) &&
      (!restored_round_ || round_ >= *restored_round_)) {
    // a.6 step 7: prepared. Lock on it, then tentatively commit.
    const auto* c = find_block(id);
    if (c != nullptr) {
      locked_ = c->proposal.block;
      lock_round_ = round_;
      lock_cert_ = p->second;
      if (!highest_ || highest_->second.round <= round_) highest_ = std::make_pair(*locked_, p->second);
      Bytes sig = crypto_.sign(Vote::signed_bytes(cfg_.chain_id, VoteType::precommit, height_, round_, id));
      record_.round = round_;
      record_.step = Step::precommit;
      if (record_.signed_messages.size() < 3) {
        record_.signed_messages.push_back(vote_message(VoteType::precommit, height_, round_, id, cfg_.self, sig));
      }
      persist();
      tc_sent_ = id;
      auto mine =
          single_aggregate(VoteType::precommit, height_, round_, id, cfg_.validators.size(), cfg_.self, std::move(sig));
      auto& agg = tc_agg_[id];
      if (agg.counts.empty()) {
        agg = std::move(mine);
      } else if (!agg.has_signer(cfg_.self)) {
        (void)fold_aggregate(agg, mine, crypto_, cfg_.chain_id);
      }
      gossip_put(key(key_commit, id), GosigMessage{agg}.to_bytes());
    }
  }
  const auto t = tc_agg_.find(id);
  if (t == tc_agg_.end() || t->second.counts.empty() || !quorum(t->second)) return;
  const auto* c = find_block(id);
  if (c == nullptr || !c->complete) return;  // its body is still streaming in
  const auto v = validity_.find(id);
  if (v == validity_.end() || !v->second) return;
  commit(Decision{c->proposal.block, t->second.certificate()});  // a.6 step 8
}

void Gosig::commit(const Decision& d) {
  out_.push_back(Commit{d});
  out_.push_back(Metric{MetricId::height, static_cast<std::int64_t>(height_)});
  out_.push_back(Metric{MetricId::rounds_for_height, static_cast<std::int64_t>(std::max<Round>(1, rounds_at_height_))});
  tip_ = d;
  decisions_.push_back(d);
  while (decisions_.size() > cfg_.kept_decisions) decisions_.pop_front();
  ++height_;
  rounds_at_height_ = 0;
  locked_.reset();
  lock_round_.reset();
  lock_cert_.reset();
  highest_.reset();
  record_ = SafetyRecord{};
  record_.height = height_;
  restored_round_.reset();
  restored_p_.reset();
  restored_tc_.reset();
  candidates_.clear();
  validity_.clear();
  validating_.clear();
  prepared_.clear();
  tc_sent_.reset();
  p_agg_.clear();
  tc_agg_.clear();
  uploads_.clear();
  early_offers_.clear();
  early_offer_count_ = 0;
  requested_ = false;
  pending_ticket_.reset();
  adopt_validators();
  // The rest of this round is idle, and this height's values are complete
  // here: stop pushing them. A peer still at this height keeps gossiping
  // its own values; whoever has committed answers the first one it gets
  // with the decision (serve_behind_peer), which commits that peer at once.
  // Pushing the aggregates on until they expire cost most of a round's
  // messages at large n, to peers that had mostly committed already.
  gossip_.clear();
}

// ------------------------------------------------------------ catch-up

void Gosig::on_decision(NodeId from, const Decision& d) {
  const auto& hd = d.block.header;
  // While the set of this height is unknown its certificate cannot be
  // checked: dropped (peers serve it again, the runtime asks again).
  if (hd.height != height_ || waiting_) return;
  if (hd.chain_id != cfg_.chain_id || hd.validators_hash != validators_.hash() || hd.parent != parent_hash() ||
      !d.block.body_matches()) {
    return reject(from, RejectionCause::other, "decided block does not extend our chain");
  }
  if (d.certificate.height != hd.height || d.certificate.block != d.block.hash() ||
      !verify_certificate(crypto_, validators_, cfg_.chain_id, d.certificate)) {
    return reject(from, RejectionCause::invalid_proof, "decision certificate does not verify");
  }
  commit(d);
}

void Gosig::on_decided_header(NodeId from, const DecidedHeader& dh) {
  if (waiting_) return;
  const Hash32 id = dh.certificate.block;
  const Block* body = nullptr;
  if (const auto* c = find_block(id); c != nullptr && c->complete) body = &c->proposal.block;
  if (body == nullptr && locked_ && locked_->hash() == id) body = &*locked_;
  if (body == nullptr && highest_ && highest_->first.hash() == id) body = &highest_->first;
  if (body == nullptr || body->header != dh.header) return request_sync(from, height_ + 1);
  on_decision(from, Decision{*body, dh.certificate});
}

void Gosig::serve_behind_peer(NodeId peer, Height their_height) {
  const auto it = served_.find(peer);
  if (it != served_.end() && it->second == std::make_pair(their_height, round_)) return;  // once per round
  for (const auto& d : decisions_) {
    if (d.block.header.height == their_height) {
      served_[peer] = {their_height, round_};
      // Many peers ask for the same height: encode it once. A streamed
      // body was sent to the peer all round: the header and certificate
      // will do (it fetches the block if it lacks the body after all).
      if (served_bytes_.first != their_height || served_bytes_.second.empty()) {
        const bool streamed = cfg_.chunk_bytes != 0 && d.block.body.size() > cfg_.chunk_bytes;
        served_bytes_ = {their_height, streamed ? GosigMessage{DecidedHeader{d.block.header, d.certificate}}.to_bytes()
                                                : GosigMessage{d}.to_bytes()};
      }
      out_.push_back(Send{peer, served_bytes_.second});
      return;
    }
  }
}

void Gosig::request_sync(NodeId peer, Height their_height) {
  if (last_sync_round_ && *last_sync_round_ == round_) return;  // once per round
  last_sync_round_ = round_;
  out_.push_back(RequestSync{height_, their_height - 1, peer});
}

// ------------------------------------------------------------ introspection

std::size_t Gosig::memory_items() const {
  return candidates_.size() + uploads_.size() + validity_.size() + p_agg_.size() + tc_agg_.size() + gossip_.size() + decisions_.size() +
         served_.size() + singles_.size() + sets_.size();
}

Hash32 Gosig::state_digest() const {
  Writer w;
  w.string("privfin gosig state v1").u64(height_).u32(round_).u8(static_cast<std::uint8_t>(stage_));
  w.bytes(record_.to_bytes());
  w.boolean(lock_round_.has_value()).u32(lock_round_.value_or(0));
  w.boolean(highest_.has_value());
  if (highest_) w.bytes(highest_->second.to_bytes());
  for (const auto& [prio, c] : candidates_) {
    detail::write_hash(w, prio);
    w.bytes(c.raw);
    if (c.proposal.manifest) w.u64(c.held).boolean(c.complete);  // absent otherwise: digests as before
  }
  for (const auto& [id, ok] : validity_) {
    detail::write_hash(w, id);
    w.boolean(ok);
  }
  for (const auto& id : prepared_) detail::write_hash(w, id);
  w.boolean(tc_sent_.has_value());
  for (const auto* m : {&p_agg_, &tc_agg_}) {
    for (const auto& [id, a] : *m) {
      if (!a.counts.empty()) w.bytes(a.to_bytes());
    }
  }
  w.bytes(gossip_.digest_bytes());
  if (cfg_.validator_changes) {  // absent otherwise: digests of fixed-set runs stay as they were
    detail::write_hash(w, validators_.hash());
    w.boolean(waiting_);
    sets_.write(w);
  }
  return Hash32{Sha256::hash(w.data())};
}

}  // namespace privfin::consensus
