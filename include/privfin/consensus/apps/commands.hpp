// privfin/consensus/apps/commands.hpp — reference application 3: opaque
// commands, counted. The like-for-like load for benchmarks beside systems
// whose commands are dummies (libhotstuff's 8-byte commands, issue #18): a
// command is any byte string of 1 to 256 bytes, nothing is signed or
// checked beyond its length, and executing a block adds its commands to a
// counter in the state. The chain still orders, certifies, stores and
// indexes every command like any transaction.
//
//   Commands app("bench");
//   app.check_tx(state.reader(), as_bytes("12345678"), CheckKind::fresh);   // ok
//   ... after the block: app.query(state, "count", {}, 0, false).value: the count (8 bytes, little-endian)
//
// Not for production data: anyone who can reach a node's client API can
// fill its blocks (there is no signature, no nonce, no fee). The mempool
// still refuses a command that is already pending (by hash), and a command
// may be committed again later (nothing remembers it).
// State: "commands/count" -> the count, 64-bit little-endian (core/codec). Queries: path
// "count" (any key), with a proof when asked. Refusals: invalid (empty or
// longer than 256 bytes), in check_tx and, skipped, in finalize_block.
// Costs: O(1) per command; one state write per block.
#pragma once

#include <string>

#include "privfin/consensus/application.hpp"

namespace privfin::consensus::apps {

class Commands final : public Application {
 public:
  static constexpr std::size_t max_command = 256;

  explicit Commands(std::string chain_id) : chain_id_(std::move(chain_id)) {}

  // The state key of the counter.
  [[nodiscard]] static Bytes count_key();

  InitResult init_chain(const Genesis& genesis, StateWriter& state) override;
  [[nodiscard]] TxVerdict check_tx(const StateReader& state, ByteView tx, CheckKind kind) const override;
  FinalizeResult finalize_block(const DecidedBlock& block, StateWriter& state) const override;
  [[nodiscard]] QueryResult query(const VersionedState& state, std::string_view path, ByteView key, Height h,
                                  bool prove) const override;

 private:
  std::string chain_id_;
};

}  // namespace privfin::consensus::apps
