// Feeds Gosig::step(MessageIn), the Gosig engine's door for peer bytes
// (tendermint's is consensus_step). A node (id 2 of 4, symbolic crypto,
// node 0 every round's only candidate) is started and holds node 0's
// validated proposal for height 1, round 0; the input is then a sequence of
// [u8 sender][u16-length-prefixed payload] messages, senders 4 and 5
// outside the set, and now and then a timer firing (sender 255).
// Oracles: (1) step never throws for a peer's message; (2) every Rejected
// action is by node 2 and names a sender of this run; (3) bytes that do not
// decode as a GosigMessage yield exactly one Rejected, naming their sender,
// and leave state_digest() unchanged.
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "privfin/consensus/gosig.hpp"
#include "privfin/consensus/gosig_messages.hpp"
#include "privfin/consensus/gosig_sortition.hpp"
#include "tests/fuzz/consensus_fixture.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
using namespace privfin::consensus;

namespace {

constexpr NodeId self = 2;
constexpr TimePoint second = 1'000'000'000;

struct Fixture {
  std::shared_ptr<const SymbolicKeys> keys = fuzz::fuzz_keys();
  ValidatorSet validators = keys->validator_set();
  Bytes proposal;
  Hash32 block;

  Fixture() {
    const Block b = fuzz::fuzz_block(validators, 0);
    block = b.hash();
    FixedSortition zero([](Height, Round) { return std::vector<NodeId>{0}; }, 0);
    GosigProposal p;
    p.round = 0;
    p.proposer = 0;
    p.ticket = zero.draw(1, 0)->proof;
    p.block = b;
    SymbolicCrypto c(keys, 0);
    p.signature = c.sign(p.signed_bytes());
    proposal = GosigMessage{p}.to_bytes();
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& f = fixture();
  SymbolicCrypto crypto(f.keys, self);
  FixedSortition sortition([](Height, Round) { return std::vector<NodeId>{0}; }, self);
  GosigConfig cfg;
  cfg.chain_id = std::string(fuzz::fuzz_chain);
  cfg.validators = f.validators;
  cfg.self = self;
  Gosig engine(cfg, crypto, sortition);
  std::vector<TimerId> timers;
  const auto keep_timers = [&](const std::vector<Action>& actions) {
    for (const auto& a : actions) {
      if (const auto* t = std::get_if<SetTimer>(&a)) timers.push_back(t->id);
    }
  };
  keep_timers(engine.step(0, Start{}));
  const auto checking = engine.step(10, MessageIn{0, f.proposal});
  keep_timers(checking);
  for (const auto& a : checking) {
    if (const auto* v = std::get_if<RequestValidate>(&a)) {
      keep_timers(engine.step(20, ProposalChecked{v->height, v->round, v->block, true}));
    }
  }

  fuzz::Splitter in(fuzz::as_view(data, size));
  TimePoint now = 30;
  std::array<bool, 6> senders{true, false, false, false, false, false};  // 0 sent the proposal
  while (!in.empty()) {
    const std::uint8_t who = in.u8();
    if (who == 255) {  // a timer fires, a little later
      now += second / 4;
      if (timers.empty()) continue;
      const TimerId id = timers[in.u8() % timers.size()];
      try {
        keep_timers(engine.step(now, TimerFired{id}));
      } catch (...) {
        fuzz::require(false);
      }
      continue;
    }
    const NodeId from = who % 6;
    const ByteView payload = in.piece(true);
    const Hash32 before = engine.state_digest();
    bool decodes = true;
    try {
      (void)GosigMessage::from_bytes(payload);
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
    keep_timers(actions);
    std::size_t rejected = 0;
    for (const auto& a : actions) {
      if (const auto* r = std::get_if<Rejected>(&a)) {
        ++rejected;
        fuzz::require(r->rejection.by == self && r->rejection.from.has_value() &&
                      *r->rejection.from < senders.size() && senders[*r->rejection.from]);
      }
    }
    if (!decodes) {
      fuzz::require(rejected == 1 && actions.size() == 1);
      fuzz::require(std::get<Rejected>(actions[0]).rejection.from == std::optional<std::size_t>(from));
      fuzz::require(engine.state_digest() == before);
    }
  }
  return 0;
}
