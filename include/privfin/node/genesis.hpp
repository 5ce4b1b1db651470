// privfin/node/genesis.hpp — the genesis document every node of a chain
// starts from: the chain id, the validator set, the application's name and
// its genesis state. Every node must hold the same bytes; genesis_hash()
// is what operators compare (privfin-node prints it at start).
//
//   GenesisDocument g{.chain_id = "settlement", .validators = set, .app = "payments", .app_state = balances};
//   service::write_public_file("genesis.bin", g.to_bytes());
//   auto back = GenesisDocument::from_bytes(service::read_public_file("genesis.bin"));
//
// The chain's engine is part of the genesis, since every node must run the
// same one with the same round lengths: `engine` (ChainEngine) is the
// Tendermint-form engine by default, or Gosig with its two stage lengths
// and expected number of leader candidates. Gosig cuts rounds by the
// clock from `time` (ns since the Unix epoch), so its nodes use the wall
// clock (NodeSettings::wall_clock) and their hosts' clocks must agree to
// well within a stage (NTP).
//
// Format (docs/formats.md, "Genesis document"): version 1, string chain_id
// (at most limits.max_chain_id bytes), bytes validator set
// (ValidatorSet::to_bytes), string app (at most 32 bytes), bytes app_state
// (at most 16 MiB), i64 genesis time (ns), nothing after. Version 2 (written
// only when `engine` is not the default, so a version-1 chain keeps its
// bytes and hash) adds u8 engine kind (0 Tendermint, 1 Gosig), i64
// stage_one, i64 stage_two (ns, each in [1 ms, 1 h]) and u32 expected
// candidates (1 to the number of validators). from_bytes throws
// DecodeError naming the field; it does not check the validators' proofs of
// possession (BlsCrypto does, naming the validator), nor that Gosig's
// validators have VRF keys (the node does).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "privfin/consensus/application.hpp"

namespace privfin::node {

struct ChainEngine {
  enum class Kind : std::uint8_t { tendermint = 0, gosig = 1 };
  Kind kind = Kind::tendermint;
  // Gosig only: stage I (proposals) and stage II (signatures), in ns.
  consensus::TimePoint stage_one = 1'000'000'000;
  consensus::TimePoint stage_two = 1'000'000'000;
  // Gosig only: the expected number of leader candidates per round (ECVRF sortition).
  std::uint32_t expected_candidates = 3;
  friend bool operator==(const ChainEngine&, const ChainEngine&) = default;
};

// "tendermint" / "gosig", and back (nullopt for another name).
[[nodiscard]] std::string_view to_string(ChainEngine::Kind k) noexcept;
[[nodiscard]] std::optional<ChainEngine::Kind> engine_kind_from_string(std::string_view name) noexcept;

// The engine an operator names (privfin-node init, privfin-keygen genesis:
// --engine, --stage-one-ms, --stage-two-ms, --candidates). Throws
// InvalidArgument naming the bad value.
[[nodiscard]] ChainEngine chain_engine_from(std::string_view name, std::uint64_t stage_one_ms, std::uint64_t stage_two_ms,
                                            std::uint32_t candidates);
// Nanoseconds since the Unix epoch, now: the genesis time of a new Gosig
// chain (its rounds count from there).
[[nodiscard]] consensus::TimePoint wall_clock_now();

struct GenesisDocument {
  static constexpr std::uint8_t format_version = 2;  // the newest this build reads and writes
  static constexpr std::size_t max_app_state = std::size_t{16} << 20;

  std::string chain_id;
  consensus::ValidatorSet validators;
  std::string app;  // which application the nodes run ("payments", "kv")
  Bytes app_state;
  consensus::TimePoint time = 0;
  ChainEngine engine;

  [[nodiscard]] consensus::Genesis genesis() const { return {chain_id, validators, app_state, time}; }
  [[nodiscard]] consensus::Hash32 hash() const;
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static GenesisDocument from_bytes(ByteView bytes, const consensus::Limits& limits = {});
  friend bool operator==(const GenesisDocument&, const GenesisDocument&) = default;
};

}  // namespace privfin::node
