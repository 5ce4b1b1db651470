#include "privfin/consensus/apps/commands.hpp"

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"

namespace privfin::consensus::apps {

namespace {
TxVerdict verdict_of(ByteView tx) {
  if (tx.empty()) return {TxCode::invalid, "an empty command"};
  if (tx.size() > Commands::max_command) {
    return {TxCode::invalid, "a command of " + std::to_string(tx.size()) + " bytes (at most 256)"};
  }
  return {};
}

std::uint64_t count_in(const std::optional<Bytes>& stored) {
  if (!stored) return 0;
  Reader r(*stored);
  const std::uint64_t n = r.u64("command count");
  r.expect_end("command count");
  return n;
}
}  // namespace

Bytes Commands::count_key() { return to_bytes(std::string_view("commands/count")); }

InitResult Commands::init_chain(const Genesis& genesis, StateWriter& state) {
  if (genesis.chain_id != chain_id_) {
    throw InvalidArgument("Commands: genesis of chain '" + genesis.chain_id + "', this application is for '" +
                          chain_id_ + "'");
  }
  if (!genesis.app_state.empty()) throw InvalidArgument("Commands: the genesis app state must be empty");
  (void)state;
  return {};
}

TxVerdict Commands::check_tx(const StateReader& state, ByteView tx, CheckKind kind) const {
  (void)state;
  (void)kind;
  return verdict_of(tx);
}

FinalizeResult Commands::finalize_block(const DecidedBlock& block, StateWriter& state) const {
  FinalizeResult out;
  out.results.reserve(block.txs.size());
  std::uint64_t accepted = 0;
  for (const auto& tx : block.txs) {
    out.results.push_back(verdict_of(tx));
    if (out.results.back().ok()) ++accepted;
  }
  if (accepted > 0) {
    Writer w;
    w.u64(count_in(state.get(count_key())) + accepted);
    state.put(count_key(), w.data());
  }
  return out;
}

QueryResult Commands::query(const VersionedState& state, std::string_view path, ByteView key, Height h,
                            bool prove) const {
  (void)key;
  if (path != "count") return {TxCode::invalid, "unknown query path '" + std::string(path) + "' (use \"count\")", h, {}, {}};
  QueryResult q;
  q.height = h == 0 ? state.latest_height() : h;
  q.value = state.get(count_key(), q.height);
  if (prove) q.proof = state.prove(count_key(), q.height);
  return q;
}

}  // namespace privfin::consensus::apps
