#include "privfin/node/genesis.hpp"

#include "privfin/core/codec.hpp"
#include "privfin/core/hash.hpp"

namespace privfin::node {

consensus::Hash32 GenesisDocument::hash() const { return consensus::Hash32{Sha256::hash(to_bytes())}; }

Bytes GenesisDocument::to_bytes() const {
  Writer w;
  w.version(format_version).string(chain_id).bytes(validators.to_bytes()).string(app).bytes(app_state);
  w.u64(static_cast<std::uint64_t>(time));
  return std::move(w).take();
}

GenesisDocument GenesisDocument::from_bytes(ByteView bytes, const consensus::Limits& limits) {
  Reader r(bytes);
  r.expect_version(format_version, "genesis document");
  GenesisDocument g;
  g.chain_id = r.string("chain id", limits.max_chain_id);
  if (g.chain_id.empty()) throw DecodeError("genesis document: empty chain id");
  g.validators = consensus::ValidatorSet::from_bytes(r.bytes("validator set"), limits);
  g.app = r.string("app", 32);
  const auto state = r.bytes("app state", max_app_state);
  g.app_state.assign(state.begin(), state.end());
  g.time = static_cast<consensus::TimePoint>(r.u64("genesis time"));
  r.expect_end("genesis document");
  return g;
}

}  // namespace privfin::node
