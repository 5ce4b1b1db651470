// Feeds Tendermint::step(MessageIn) — the consensus engine's only door for
// peer bytes. A node (id 2 of 4, symbolic crypto) is started and holds a
// validated proposal and one prevote; the input is then a sequence of
// [u8 sender][u16-length-prefixed payload] messages.
// Oracles: (1) step never throws for a peer's message; (2) every Rejected
// action names a sender of this run; a vote or proposal of the current
// height may get an earlier waiting vote refused (votes are checked lazily,
// tendermint.hpp), anything else that yields a Rejected names this sender
// and leaves state_digest() unchanged; (3) nothing but a Rejected comes out
// for an input that does not decode.
#include <array>
#include <cstdint>
#include <optional>

#include "privfin/consensus/tendermint.hpp"
#include "tests/fuzz/consensus_fixture.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
using namespace privfin::consensus;

namespace {

struct Fixture {
  std::shared_ptr<const SymbolicKeys> keys = fuzz::fuzz_keys();
  ValidatorSet validators = keys->validator_set();
  std::optional<Proposal> proposal;
  std::optional<Vote> vote;

  Fixture() {
    const Block b = fuzz::fuzz_block(validators, 1);
    SymbolicCrypto p1(keys, 1);
    proposal = Proposal{0, b, std::nullopt, {}};
    proposal->signature = p1.sign(proposal->signed_bytes());
    SymbolicCrypto p0(keys, 0);
    vote = Vote{VoteType::prevote, 1, 0, b.hash(), 0, {}};
    vote->signature = p0.sign(vote->signed_bytes(fuzz::fuzz_chain));
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& f = fixture();
  SymbolicCrypto crypto(f.keys, 2);
  TendermintConfig cfg;
  cfg.chain_id = std::string(fuzz::fuzz_chain);
  cfg.validators = f.validators;
  cfg.self = 2;
  Tendermint engine(cfg, crypto);
  (void)engine.step(0, Start{});
  (void)engine.step(1, MessageIn{1, Message{*f.proposal}.to_bytes()});
  (void)engine.step(2, ProposalChecked{1, 0, f.proposal->block.hash(), true});
  (void)engine.step(3, MessageIn{0, Message{*f.vote}.to_bytes()});

  fuzz::Splitter in(fuzz::as_view(data, size));
  TimePoint now = 4;
  std::array<bool, 6> senders{true, true, false, false, false, false};  // 0 and 1 sent in the set-up
  while (!in.empty()) {
    const NodeId from = in.u8() % 6;  // 4 and 5 are outside the set
    const ByteView payload = in.piece(true);
    const Hash32 before = engine.state_digest();
    bool decodes = true;
    bool current_height = false;  // a vote or proposal that may wait, or settle waiting votes
    try {
      const auto m = Message::from_bytes(payload);
      current_height = m.height() == 1 && !std::holds_alternative<Decision>(m.body);
    } catch (const DecodeError&) {
      decodes = false;
    }
    senders[from] = true;
    std::vector<Action> actions;
    try {
      actions = engine.step(now++, MessageIn{from, Bytes(payload.begin(), payload.end())});
    } catch (...) {
      fuzz::require(false);
    }
    bool rejected = false;
    for (const auto& a : actions) {
      if (const auto* r = std::get_if<Rejected>(&a)) {
        rejected = true;
        fuzz::require(r->rejection.by == 2 && r->rejection.from.has_value() && *r->rejection.from < senders.size() &&
                      senders[*r->rejection.from]);
        if (!current_height) fuzz::require(r->rejection.from == std::optional<std::size_t>(from));
      }
    }
    if (rejected && !current_height) fuzz::require(engine.state_digest() == before);
    if (!decodes) fuzz::require(rejected && actions.size() == 1);
  }
  return 0;
}
