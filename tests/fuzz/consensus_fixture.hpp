// The consensus step harnesses' chain (consensus_step, gosig_step) and the
// seeds make_corpus.cpp writes for them: four validators on symbolic
// crypto and the block of height 1 a given node proposes. Shared so that
// the seeds keep matching what the harnesses hold.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "privfin/consensus/crypto.hpp"
#include "privfin/consensus/types.hpp"
#include "privfin/core/bytes.hpp"
#include "privfin/core/prg.hpp"

namespace privfin::fuzz {

inline constexpr std::string_view fuzz_chain = "fuzz-chain";

inline std::shared_ptr<const consensus::SymbolicKeys> fuzz_keys() {
  return consensus::SymbolicKeys::make(Prg::Seed{}, 4);
}

inline consensus::Block fuzz_block(const consensus::ValidatorSet& validators, consensus::NodeId proposer) {
  consensus::Block b;
  b.header.chain_id = std::string(fuzz_chain);
  b.header.height = 1;
  b.header.proposer = proposer;
  b.body = to_bytes(std::string_view("tx|fuzz"));
  b.header.tx_root = consensus::tx_root_of(b.body);
  b.header.validators_hash = validators.hash();
  return b;
}

}  // namespace privfin::fuzz
