// privfin/consensus/adversary.hpp — the Byzantine behaviours a test can give
// a node, and the message rewrites they share: the simulator's adversaries
// (simulator.hpp) and a real node run in a test-only configuration
// (node/node.hpp, NodeSettings::behaviour) misbehave the same way.
//
//   Message m = Message::from_bytes(outgoing);
//   if (auto other = with_other_block(m, std::byte{7})) {   // equivocate as proposer
//     sign(*other, crypto, chain_id);
//     send(to, other->to_bytes());
//   }
//
// Never used by an honest node: an honest engine signs at most one message
// of each kind per (height, round), and these functions exist to break that
// rule on purpose, so that tests can see the others catch it.
// Costs: one copy of the message (and of the block for a proposal).
// Throws: nothing beyond what signing throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "privfin/consensus/crypto.hpp"
#include "privfin/consensus/types.hpp"

namespace privfin::consensus {

// silent: sends nothing. equivocate: as proposer, sends one block to some
// peers and another to the rest. double_vote: signs two values in one
// round. malformed: truncated, flipped, random or forged messages. replay:
// stale messages and proof-of-locks. selective_silence: silent to some
// peers only. (A node supports honest, equivocate and double_vote; the
// simulator all of them.)
enum class Behaviour : std::uint8_t { honest, silent, equivocate, double_vote, malformed, replay, selective_silence };
inline constexpr int behaviour_count = 7;
[[nodiscard]] std::string_view to_string(Behaviour b) noexcept;
// The inverse of to_string; nullopt for an unknown name.
[[nodiscard]] std::optional<Behaviour> behaviour_from_string(std::string_view name) noexcept;

// A proposal for another block at the same height and round: the body gets
// one more byte, `salt`, and the header's tx_root follows. nullopt if `m`
// is not a proposal. Unsigned: sign() it.
[[nodiscard]] std::optional<Message> with_other_block(const Message& m, std::byte salt);
// The same vote for another value: nil for a vote for a block, `other` for
// a nil vote. nullopt if `m` is not a vote. Unsigned: sign() it.
[[nodiscard]] std::optional<Message> with_other_vote(const Message& m, const Hash32& other);
// Signs a proposal or a vote with `crypto`'s key (a decision is left as is).
void sign(Message& m, Crypto& crypto, std::string_view chain_id);

// Gosig (gosig_messages.hpp). Both return nullopt for a payload they do not
// apply to (or that does not decode).
// equivocate: `self`'s own proposal (not a re-proposal) for another block,
// the body salted as above, signed with `crypto`.
[[nodiscard]] std::optional<Bytes> gosig_with_other_block(ByteView payload, NodeId self, std::byte salt, Crypto& crypto);
// double_vote: for an aggregate that holds `self`'s signature, `self`'s
// vote alone and the same vote for block `other`, two single-signer
// aggregates of a committee of n, signed with `crypto`: sent after the
// payload, they show a receiver both signatures (Gosig records them as
// evidence; an aggregate of several signers would hide them).
[[nodiscard]] std::optional<std::pair<Bytes, Bytes>> gosig_conflicting_votes(ByteView payload, NodeId self,
                                                                             std::size_t n, const Hash32& other,
                                                                             Crypto& crypto, std::string_view chain_id);

}  // namespace privfin::consensus
