// privfin/node/genesis.hpp — the genesis document every node of a chain
// starts from: the chain id, the validator set, the application's name and
// its genesis state. Every node must hold the same bytes; genesis_hash()
// is what operators compare (privfin-node prints it at start).
//
//   GenesisDocument g{.chain_id = "settlement", .validators = set, .app = "payments", .app_state = balances};
//   service::write_public_file("genesis.bin", g.to_bytes());
//   auto back = GenesisDocument::from_bytes(service::read_public_file("genesis.bin"));
//
// Format (docs/formats.md, "Genesis document"): version 1, string chain_id
// (at most limits.max_chain_id bytes), bytes validator set
// (ValidatorSet::to_bytes), string app (at most 32 bytes), bytes app_state
// (at most 16 MiB), i64 genesis time (ns), nothing after. from_bytes throws
// DecodeError naming the field; it does not check the validators' proofs of
// possession (BlsCrypto does, naming the validator).
#pragma once

#include <string>

#include "privfin/consensus/application.hpp"

namespace privfin::node {

struct GenesisDocument {
  static constexpr std::uint8_t format_version = 1;
  static constexpr std::size_t max_app_state = std::size_t{16} << 20;

  std::string chain_id;
  consensus::ValidatorSet validators;
  std::string app;  // which application the nodes run ("payments", "kv")
  Bytes app_state;
  consensus::TimePoint time = 0;

  [[nodiscard]] consensus::Genesis genesis() const { return {chain_id, validators, app_state, time}; }
  [[nodiscard]] consensus::Hash32 hash() const;
  [[nodiscard]] Bytes to_bytes() const;
  [[nodiscard]] static GenesisDocument from_bytes(ByteView bytes, const consensus::Limits& limits = {});
  friend bool operator==(const GenesisDocument&, const GenesisDocument&) = default;
};

}  // namespace privfin::node
