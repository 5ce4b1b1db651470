#include "privfin/consensus/app_grammar.hpp"

#include "privfin/core/error.hpp"

namespace privfin::consensus {

std::string_view to_string(AppCall call) noexcept {
  switch (call) {
    case AppCall::init_chain: return "init_chain";
    case AppCall::recover: return "recover";
    case AppCall::check_tx: return "check_tx";
    case AppCall::prepare_proposal: return "prepare_proposal";
    case AppCall::process_proposal: return "process_proposal";
    case AppCall::finalize_block: return "finalize_block";
    case AppCall::committed: return "committed";
    case AppCall::query: return "query";
  }
  return "unknown call";
}

std::optional<std::string> CallGrammar::observe(const AppCallEvent& e) {
  const std::string name(to_string(e.call));
  const std::string at = " at height " + std::to_string(e.height);
  if (e.call == AppCall::init_chain || e.call == AppCall::recover) {
    if (next_) return name + " after the node had started";
    next_ = e.call == AppCall::init_chain ? 1 : e.height + 1;
  } else if (!next_) {
    return name + " before init_chain or recover";
  } else if (e.call == AppCall::check_tx || e.call == AppCall::query) {
    // anywhere after the start
  } else if (e.call == AppCall::committed) {
    if (!finalized_ || e.height != *next_) {
      return name + at + " without finalize_block of that height (next height " + std::to_string(*next_) + ")";
    }
    finalized_ = false;
    ++*next_;
  } else {  // prepare_proposal, process_proposal, finalize_block
    if (e.height != *next_) return name + at + " where height " + std::to_string(*next_) + " is next";
    if (finalized_) return name + at + " after finalize_block of that height, before committed";
    if (e.call == AppCall::finalize_block) finalized_ = true;
  }
  ++calls_;
  return std::nullopt;
}

void CheckedApplication::check(const AppCallEvent& event) const {
  if (auto bad = grammar_.observe(event)) throw InvalidArgument("application call order: " + *bad);
}

void CheckedApplication::recover(Height last_committed) { check({AppCall::recover, last_committed}); }

InitResult CheckedApplication::init_chain(const Genesis& genesis, StateWriter& state) {
  check({AppCall::init_chain, 0});
  return inner_.init_chain(genesis, state);
}

TxVerdict CheckedApplication::check_tx(const StateReader& state, ByteView tx, CheckKind kind) const {
  check({AppCall::check_tx, 0});
  return inner_.check_tx(state, tx, kind);
}

std::vector<Bytes> CheckedApplication::prepare_proposal(const BlockContext& context, std::span<const Bytes> mempool,
                                                        std::size_t max_bytes) const {
  check({AppCall::prepare_proposal, context.height});
  return inner_.prepare_proposal(context, mempool, max_bytes);
}

bool CheckedApplication::process_proposal(const StateReader& state, const BlockContext& context,
                                          std::span<const Bytes> txs) const {
  check({AppCall::process_proposal, context.height});
  return inner_.process_proposal(state, context, txs);
}

FinalizeResult CheckedApplication::finalize_block(const DecidedBlock& block, StateWriter& state) const {
  check({AppCall::finalize_block, block.context.height});
  return inner_.finalize_block(block, state);
}

void CheckedApplication::committed(Height height) {
  check({AppCall::committed, height});
  inner_.committed(height);
}

QueryResult CheckedApplication::query(const VersionedState& state, std::string_view path, ByteView key, Height h,
                                      bool prove) const {
  check({AppCall::query, h});
  return inner_.query(state, path, key, h, prove);
}

}  // namespace privfin::consensus
