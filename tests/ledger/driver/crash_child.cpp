// The crash test's child: opens the ledger in a RocksDB directory and
// commits the deterministic chain (chain_fixture.hpp) up to a height,
// printing "<height>\n" after each commit returns (so the parent knows
// what is durable), until the parent kills it with SIGKILL. With `txs`,
// the blocks carry transactions (chain_fixture.hpp, txs_in) and the ledger
// writes its transaction index every 7 entries, so kills land inside and
// between index flushes too.
//   privfin_ledger_crash_child <dir> <last height> [txs]
// Exit codes: 0 done, 1 usage, 2 the ledger refused to open or commit.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "ledger/chain_fixture.hpp"
#include "privfin/ledger/rocksdb_store.hpp"

int main(int argc, char** argv) {
  using namespace privfin;
  const bool txs = argc == 4 && std::string(argv[3]) == "txs";
  if (argc != 3 && !txs) {
    std::fprintf(stderr, "usage: %s <dir> <last height> [txs]\n", argv[0]);
    return 1;
  }
  try {
    const auto last = std::stoull(argv[2]);
    auto store = ledger::RocksDbStore::open(argv[1]);
    ledger::OpenOptions options;
    if (txs) options.tx_index_batch = 7;
    auto l = ledger::Ledger::open(*store, options);
    while (l.height() < last) {
      if (txs) test::ledger_chain::commit_next_with(l, test::ledger_chain::txs_in(l.height() + 1));
      else test::ledger_chain::commit_next(l);
      std::printf("%llu\n", static_cast<unsigned long long>(l.height()));
      std::fflush(stdout);
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "crash child: %s\n", e.what());
    return 2;
  }
}
