#include "privfin/consensus/adversary.hpp"

#include <array>

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

}  // namespace privfin::consensus
