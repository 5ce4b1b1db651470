#include "privfin/node/genesis.hpp"

#include <chrono>

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::node {

namespace {

constexpr consensus::TimePoint min_stage = 1'000'000;               // 1 ms
constexpr consensus::TimePoint max_stage = 3'600'000'000'000;       // 1 h

// Why `engine` cannot be in a genesis of `validators` validators, or "".
std::string engine_problem(const ChainEngine& e, std::size_t validators) {
  if (e.kind != ChainEngine::Kind::tendermint && e.kind != ChainEngine::Kind::gosig) return "an unknown engine kind";
  for (const auto stage : {e.stage_one, e.stage_two}) {
    if (stage < min_stage || stage > max_stage) return "a stage length outside [1 ms, 1 h]";
  }
  if (e.expected_candidates == 0 || e.expected_candidates > validators) return "expected candidates outside [1, validators]";
  return {};
}

}  // namespace

std::string_view to_string(ChainEngine::Kind k) noexcept {
  return k == ChainEngine::Kind::gosig ? "gosig" : "tendermint";
}

std::optional<ChainEngine::Kind> engine_kind_from_string(std::string_view name) noexcept {
  if (name == "tendermint") return ChainEngine::Kind::tendermint;
  if (name == "gosig") return ChainEngine::Kind::gosig;
  return std::nullopt;
}

ChainEngine chain_engine_from(std::string_view name, std::uint64_t stage_one_ms, std::uint64_t stage_two_ms,
                              std::uint32_t candidates) {
  const auto kind = engine_kind_from_string(name);
  if (!kind) throw InvalidArgument("the engine must be tendermint or gosig, not '" + std::string(name) + "'");
  ChainEngine e;
  e.kind = *kind;
  if (e.kind == ChainEngine::Kind::tendermint) return e;
  const std::uint64_t max_ms = static_cast<std::uint64_t>(max_stage / 1'000'000);
  if (stage_one_ms < 1 || stage_one_ms > max_ms || stage_two_ms < 1 || stage_two_ms > max_ms) {
    throw InvalidArgument("Gosig's stage lengths must be in [1, " + std::to_string(max_ms) + "] ms");
  }
  e.stage_one = static_cast<consensus::TimePoint>(stage_one_ms) * 1'000'000;
  e.stage_two = static_cast<consensus::TimePoint>(stage_two_ms) * 1'000'000;
  if (candidates == 0) throw InvalidArgument("Gosig's expected candidates must be at least 1");
  e.expected_candidates = candidates;
  return e;
}

consensus::TimePoint wall_clock_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

consensus::Hash32 GenesisDocument::hash() const { return consensus::Hash32{Sha256::hash(to_bytes())}; }

Bytes GenesisDocument::to_bytes() const {
  const bool v2 = engine != ChainEngine{};
  if (const auto problem = engine_problem(engine, validators.size()); v2 && !problem.empty()) {
    throw InvalidArgument("GenesisDocument::to_bytes: " + problem);
  }
  Writer w;
  w.version(v2 ? 2 : 1).string(chain_id).bytes(validators.to_bytes()).string(app).bytes(app_state);
  w.u64(static_cast<std::uint64_t>(time));
  if (v2) {
    w.u8(static_cast<std::uint8_t>(engine.kind));
    w.u64(static_cast<std::uint64_t>(engine.stage_one)).u64(static_cast<std::uint64_t>(engine.stage_two));
    w.u32(engine.expected_candidates);
  }
  return std::move(w).take();
}

GenesisDocument GenesisDocument::from_bytes(ByteView bytes, const consensus::Limits& limits) {
  Reader r(bytes);
  const std::uint8_t version = r.u8("genesis document version");
  if (version != 1 && version != 2) {
    throw DecodeError("genesis document: unsupported format version " + std::to_string(version) +
                      " (this build reads versions 1 and 2)");
  }
  GenesisDocument g;
  g.chain_id = r.string("chain id", limits.max_chain_id);
  if (g.chain_id.empty()) throw DecodeError("genesis document: empty chain id");
  g.validators = consensus::ValidatorSet::from_bytes(r.bytes("validator set"), limits);
  g.app = r.string("app", 32);
  const auto state = r.bytes("app state", max_app_state);
  g.app_state.assign(state.begin(), state.end());
  g.time = static_cast<consensus::TimePoint>(r.u64("genesis time"));
  if (version == 2) {
    const std::uint8_t kind = r.u8("engine kind");
    if (kind > 1) throw DecodeError("genesis document: unknown engine kind " + std::to_string(kind));
    g.engine.kind = static_cast<ChainEngine::Kind>(kind);
    g.engine.stage_one = static_cast<consensus::TimePoint>(r.u64("stage one"));
    g.engine.stage_two = static_cast<consensus::TimePoint>(r.u64("stage two"));
    g.engine.expected_candidates = r.u32("expected candidates");
    if (const auto problem = engine_problem(g.engine, g.validators.size()); !problem.empty()) {
      throw DecodeError("genesis document: " + problem);
    }
    // One encoding per document: the default engine is written as version 1.
    if (g.engine == ChainEngine{}) throw DecodeError("genesis document: version 2 with the default engine");
  }
  r.expect_end("genesis document");
  return g;
}

}  // namespace privfin::node
