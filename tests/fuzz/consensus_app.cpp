// Feeds the reference applications' decoders and their check_tx
// (consensus/application.hpp, apps/*.hpp), what a node runs on every
// client transaction and block body. Input: [mode][bytes].
// Mode 0: transactions_from_bytes, transaction_views and tx_root_of (a block body); 1: SignedTx::from_bytes;
// 2: Payments::genesis_from_bytes; 3: KvStore, Payments and Commands check_tx and
// finalize_block on the bytes as a transaction, against a small state;
// 4: Payments::change_from_payload (a validator change's payload, which
// mode 3 reaches only behind a valid signature); 5: results_from_bytes (a
// block's results as the ledger stores them and the node serves them).
// Oracles: decoders are canonical (what decodes re-encodes to exactly the
// input) and throw only DecodeError; check_tx and finalize_block never
// throw for any transaction and give one result per transaction; a refused
// transaction writes nothing.
#include <cstdint>

#include "privfin/consensus/apps/commands.hpp"
#include "privfin/consensus/apps/kv_store.hpp"
#include "privfin/consensus/apps/payments.hpp"
#include "privfin/consensus/memory_state.hpp"
#include "privfin/consensus/tx_merkle.hpp"
#include "privfin/consensus/types.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/prg.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace privfin;
using namespace privfin::consensus;
using namespace privfin::consensus::apps;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Splitter in(fuzz::as_view(data, size));
  const std::uint8_t mode = in.u8() % 6;
  const ByteView bytes = in.rest();
  try {
    switch (mode) {
      case 0: {
        // tx_root_of never throws: the Merkle root of what decodes (from
        // views of the body), else a hash of the bytes.
        const Hash32 root = tx_root_of(bytes);
        const auto txs = transactions_from_bytes(bytes, 1024, 4096);
        fuzz::require(fuzz::same(transactions_to_bytes(txs), bytes));
        fuzz::require(root == tx_merkle_root(txs));
        const auto views = transaction_views(bytes);
        fuzz::require(views.size() == txs.size());
        for (std::size_t i = 0; i < views.size(); ++i) fuzz::require(fuzz::same(txs[i], views[i]));
        break;
      }
      case 1: {
        const auto tx = SignedTx::from_bytes(bytes);
        fuzz::require(fuzz::same(tx.to_bytes(), bytes));
        break;
      }
      case 2: {
        const auto accounts = Payments::genesis_from_bytes(bytes);
        fuzz::require(fuzz::same(Payments::genesis(accounts), bytes));
        break;
      }
      case 4: {
        const auto c = Payments::change_from_payload(bytes);
        fuzz::require(fuzz::same(Payments::change_payload(c.sequence, c.changes, c.approvals), bytes));
        break;
      }
      case 5: {
        FinalizeResult results;
        results.results = results_from_bytes(bytes, 4096);
        fuzz::require(fuzz::same(results_to_bytes(results), bytes));
        break;
      }
      default: {
        Prg prg(Prg::Seed{std::byte{1}});
        const auto bank = sig::Ed25519SecretKey::generate(prg);
        Genesis g;
        g.chain_id = "fuzz";
        g.app_state = Payments::genesis({{bank.public_key(), 100}});
        // One member, whose Ed25519 key is the bank's (make_corpus's change seed).
        g.validators = ValidatorSet({Validator{to_bytes(std::string_view("bls-key")), {}, {}, bank.public_key(), 1}});
        const Bytes tx(bytes.begin(), bytes.end());
        Payments payments("fuzz");
        KvStore kv("fuzz");
        Commands commands("fuzz");
        for (Application* app : {static_cast<Application*>(&payments), static_cast<Application*>(&kv),
                                 static_cast<Application*>(&commands)}) {
          MemoryState state;
          auto genesis = state.writer(0);
          if (app != &payments) g.app_state.clear();
          app->init_chain(g, genesis);
          state.commit(std::move(genesis));
          const auto verdict = app->check_tx(state.reader(), tx, CheckKind::fresh);
          auto batch = state.writer(1);
          const auto result = app->finalize_block(DecidedBlock{{"fuzz", 1, 0, 0}, {}, {tx}}, batch);
          fuzz::require(result.results.size() == 1);
          fuzz::require(result.results[0].ok() || batch.size() == 0);
          fuzz::require(verdict.ok() || !result.results[0].ok());  // finalize is never laxer than check
        }
        break;
      }
    }
  } catch (const DecodeError&) {
    fuzz::require(mode != 3);
  } catch (const InvalidArgument&) {
    fuzz::require(false);  // what decodes re-encodes
  }
  return 0;
}
