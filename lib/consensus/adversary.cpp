#include "privfin/consensus/adversary.hpp"

#include <array>

#include "privfin/consensus/gossip.hpp"
#include "privfin/consensus/gosig_messages.hpp"
#include "privfin/core/error.hpp"

namespace privfin::consensus {

std::string_view to_string(Behaviour b) noexcept {
  switch (b) {
    case Behaviour::honest: return "honest";
    case Behaviour::silent: return "silent";
    case Behaviour::equivocate: return "equivocate";
    case Behaviour::double_vote: return "double-vote";
    case Behaviour::malformed: return "malformed";
    case Behaviour::replay: return "replay";
    case Behaviour::selective_silence: return "selective-silence";
  }
  return "?";
}

std::optional<Behaviour> behaviour_from_string(std::string_view name) noexcept {
  for (int i = 0; i < behaviour_count; ++i) {
    const auto b = static_cast<Behaviour>(i);
    if (to_string(b) == name) return b;
  }
  return std::nullopt;
}

std::optional<Message> with_other_block(const Message& m, std::byte salt) {
  const auto* p = std::get_if<Proposal>(&m.body);
  if (p == nullptr) return std::nullopt;
  Proposal other = *p;
  other.block.body.push_back(salt);
  other.block.header.tx_root = tx_root_of(other.block.body);
  return Message{std::move(other)};
}

std::optional<Message> with_other_vote(const Message& m, const Hash32& other) {
  const auto* v = std::get_if<Vote>(&m.body);
  if (v == nullptr) return std::nullopt;
  Vote changed = *v;
  if (changed.block) {
    changed.block.reset();
  } else {
    changed.block = other;
  }
  return Message{std::move(changed)};
}

void sign(Message& m, Crypto& crypto, std::string_view chain_id) {
  if (auto* p = std::get_if<Proposal>(&m.body)) {
    p->signature = crypto.sign(p->signed_bytes());
  } else if (auto* v = std::get_if<Vote>(&m.body)) {
    v->signature = crypto.sign(v->signed_bytes(chain_id));
  }
}

namespace {

std::optional<GosigMessage> gosig_message(ByteView payload) {
  try {
    return GosigMessage::from_bytes(payload);
  } catch (const DecodeError&) {
    return std::nullopt;
  }
}

}  // namespace

std::optional<Bytes> gosig_with_other_block(ByteView payload, NodeId self, std::byte salt, Crypto& crypto) {
  auto m = gosig_message(payload);
  auto* p = m ? std::get_if<GosigProposal>(&m->body) : nullptr;
  if (p == nullptr || p->proposer != self || p->justification) return std::nullopt;
  p->block.body.push_back(salt);
  p->block.header.tx_root = tx_root_of(p->block.body);
  p->signature = crypto.sign(p->signed_bytes());
  return m->to_bytes();
}

std::optional<std::pair<Bytes, Bytes>> gosig_conflicting_votes(ByteView payload, NodeId self, std::size_t n,
                                                               const Hash32& other, Crypto& crypto,
                                                               std::string_view chain_id) {
  const auto m = gosig_message(payload);
  const auto* a = m ? std::get_if<AggregateVote>(&m->body) : nullptr;
  if (a == nullptr || !a->has_signer(self) || a->block == other) return std::nullopt;
  const auto single = [&](const Hash32& block) {
    return GosigMessage{single_aggregate(a->type, a->height, a->round, block, n, self,
                                         crypto.sign(Vote::signed_bytes(chain_id, a->type, a->height, a->round, block)))}
        .to_bytes();
  };
  return std::make_pair(single(a->block), single(other));
}

}  // namespace privfin::consensus
