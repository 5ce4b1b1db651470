// tests/ledger/chain_fixture.hpp — a deterministic chain for the ledger
// tests and the crash child: block h's body and state changes depend only
// on h, so any process can recompute what height h must look like.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "privfin/consensus/application.hpp"
#include "privfin/consensus/types.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/ledger/ledger.hpp"
#include "privfin/ledger/state_tree.hpp"

namespace privfin::test::ledger_chain {

using namespace privfin::ledger;
using consensus::Block;
using consensus::CommitCertificate;

inline constexpr std::uint64_t key_space = 400;

inline Bytes key_of(std::uint64_t i) { return to_bytes("acct/" + std::to_string(i)); }

inline Prg prg_for(Height h, std::uint64_t salt) {
  Prg::Seed seed{};
  for (std::size_t i = 0; i < 8; ++i) seed[i] = static_cast<std::byte>((h >> (8 * i)) & 0xFFU);
  seed[8] = static_cast<std::byte>(salt);
  seed[9] = std::byte{0x1e};
  return Prg(seed);
}

inline std::vector<StateChange> changes_for(Height h) {
  Prg prg = prg_for(h, 1);
  std::vector<StateChange> out;
  const std::size_t n = 1 + prg.next_u64() % 30;
  for (std::size_t i = 0; i < n; ++i) {
    StateChange c{key_of(prg.next_u64() % key_space), std::nullopt};
    if (prg.next_u64() % 5 != 0) c.value = prg.bytes(1 + prg.next_u64() % 40);
    out.push_back(std::move(c));
  }
  return out;
}

inline Bytes results_for(Height h) { return to_bytes("results of " + std::to_string(h)); }

inline Block block_for(Height h, const Hash32& parent, const Hash32& app_hash) {
  Prg prg = prg_for(h, 2);
  Block b;
  b.header.chain_id = "ledger-test";
  b.header.height = h;
  b.header.round = static_cast<consensus::Round>(h % 3);
  b.header.parent = parent;
  b.header.proposer = static_cast<consensus::NodeId>(h % 4);
  b.header.app_hash = app_hash;
  b.header.time = static_cast<std::int64_t>(h) * 1'000'000'000;
  b.body = prg.bytes(prg.next_u64() % 200);
  b.header.tx_root = consensus::tx_root_of(b.body);
  return b;
}

inline CommitCertificate cert_for(const Block& b) {
  CommitCertificate c;
  c.height = b.header.height;
  c.round = b.header.round;
  c.block = b.hash();
  c.signers = {true, true, true, false};
  c.aggregate = Bytes(96, std::byte{0xAB});
  return c;
}

// The deterministic block height() + 1.
inline Block next_block(const Ledger& ledger) {
  const Height h = ledger.height() + 1;
  const Hash32 parent = h > 1 ? ledger.block(h - 1)->hash() : Hash32{};
  return block_for(h, parent, ledger.app_hash());
}

// Commits block b with its height's deterministic certificate, results and
// state changes.
inline Hash32 commit_block(Ledger& ledger, const Block& b) {
  const auto changes = changes_for(b.header.height);
  return ledger.commit(b, cert_for(b), results_for(b.header.height), changes);
}

// Commits the deterministic block height() + 1.
inline Hash32 commit_next(Ledger& ledger) { return commit_block(ledger, next_block(ledger)); }

// The same block with `txs` as its body instead of opaque bytes (the same
// state changes, so the same app hashes).
inline Hash32 commit_next_with(Ledger& ledger, std::span<const Bytes> txs) {
  Block b = next_block(ledger);
  b.body = consensus::transactions_to_bytes(txs);
  b.header.tx_root = consensus::tx_root_of(b.body);
  return commit_block(ledger, b);
}

// The transactions of block h when a chain carries some (the crash test's
// index mode): 1 to 5 of them, "tx <h>/<i>".
inline std::vector<Bytes> txs_in(Height h) {
  std::vector<Bytes> out;
  for (Height i = 0; i <= h % 5; ++i) out.push_back(to_bytes("tx " + std::to_string(h) + "/" + std::to_string(i)));
  return out;
}

}  // namespace privfin::test::ledger_chain
