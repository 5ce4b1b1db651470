// The reference applications on the ledger (ledger/app_store.hpp): an
// AppExecutor running Payments and KvStore over LedgerAppStore, on the
// MemoryStore and on RocksDB. Checked: genesis becomes version 0; every
// height is one ledger commit with its results; both stores give the same
// app hashes; a balance query's proof verifies against the height's app
// hash and fails for another value, key or root (what an auditor does);
// after a restart on RocksDB the executor recovers and goes on with nothing
// lost; a block that does not extend the ledger is refused.
#include <catch2/catch.hpp>

#include "privfin/consensus/app_executor.hpp"
#include "privfin/consensus/apps/kv_store.hpp"
#include "privfin/consensus/apps/payments.hpp"
#include "privfin/ledger/app_store.hpp"
#include "privfin/ledger/rocksdb_store.hpp"
#include "privfin/ledger/store.hpp"
#include "support/processes.hpp"

using namespace privfin;
using namespace privfin::consensus;
using namespace privfin::ledger;
using consensus::Height;

namespace {

sig::Ed25519SecretKey bank(std::uint8_t i) {
  Prg prg(Prg::Seed{std::byte{0x7A}, std::byte{i}});
  return sig::Ed25519SecretKey::generate(prg);
}

// "v<i>" (built by appending: g++ 12 warns, -Wrestrict, on "v" + std::string).
Bytes value_of(std::uint64_t i) {
  std::string text = "v";
  text += std::to_string(i);
  return to_bytes(text);
}

// The decided block of height h over `txs`, as an engine would hand it to
// the executor (the ledger checks the certificate's binding, not its
// signatures, unless OpenOptions::verify_certificate is set).
Decision decide(const AppStore& store, std::vector<Bytes> txs, const Hash32& parent) {
  const Height h = store.latest_height() + 1;
  Decision d;
  d.block.header.chain_id = "settlement";
  d.block.header.height = h;
  d.block.header.parent = parent;
  d.block.header.app_hash = store.app_hash(h - 1);
  d.block.header.time = static_cast<TimePoint>(h) * 1'000'000'000;
  d.block.body = transactions_to_bytes(txs);
  d.block.header.tx_root = tx_root_of(d.block.body);
  d.certificate = CommitCertificate{h, 0, d.block.hash(), std::vector<bool>(4, true), Bytes(96, std::byte{1})};
  return d;
}

Genesis genesis_of(const std::vector<sig::Ed25519SecretKey>& banks) {
  Genesis g;
  g.chain_id = "settlement";
  std::vector<apps::Payments::Account> accounts;
  for (const auto& b : banks) accounts.push_back({b.public_key(), 1'000'000});
  g.app_state = apps::Payments::genesis(accounts);
  return g;
}

// Block h: bank (h % 3) pays the next bank 1000 * h; every 4th block also an overdraft.
std::vector<Bytes> transfers_for(Height h, const std::vector<sig::Ed25519SecretKey>& banks, std::vector<std::uint64_t>& nonce) {
  const std::size_t from = h % 3, to = (h + 1) % 3;
  std::vector<Bytes> txs = {apps::Payments::transfer(banks[from], "settlement", nonce[from]++, banks[to].public_key(), 1000 * h)};
  if (h % 4 == 0) txs.push_back(apps::Payments::transfer(banks[to], "settlement", nonce[to], banks[from].public_key(), 1'000'000'000));
  return txs;
}

}  // namespace

TEST_CASE("ledger app store: payments on MemoryStore and RocksDB, proofs an auditor verifies, restart",
          "[ledger][app]") {
  const std::vector<sig::Ed25519SecretKey> banks = {bank(0), bank(1), bank(2)};
  test::TempDir dir;
  MemoryStore memory;
  apps::Payments app("settlement");
  std::vector<Hash32> memory_hashes;
  std::vector<std::uint64_t> balance = {1'000'000, 1'000'000, 1'000'000};
  {
    LedgerAppStore state(memory);
    AppExecutor exec(app, state, ExecutorConfig{"settlement", 1000, 1 << 20});
    REQUIRE(!state.initialized());
    exec.init_chain(genesis_of(banks));
    std::vector<std::uint64_t> nonce(3, 0);
    Hash32 parent;
    for (Height h = 1; h <= 8; ++h) {
      const auto d = decide(state, transfers_for(h, banks, nonce), parent);
      const auto& r = exec.commit(d);
      CHECK(r.results[0].ok());
      if (h % 4 == 0) CHECK(r.results[1].code == TxCode::insufficient_funds);
      balance[h % 3] -= 1000 * h;
      balance[(h + 1) % 3] += 1000 * h;
      parent = d.block.hash();
      // The results are stored with the block.
      const auto stored = results_from_bytes(*state.ledger().results(h));
      CHECK(stored == r.results);
    }
    for (Height h = 0; h <= 8; ++h) memory_hashes.push_back(state.app_hash(h));
    // The auditor: a balance and its proof against the app hash of height 8 (the header of block 9 carries it).
    for (std::size_t b = 0; b < 3; ++b) {
      const auto q = app.query(state, "balance", banks[b].public_key(), 8, true);
      REQUIRE(q.value);
      CHECK(apps::read_u64_value(*q.value) == balance[b]);
      const auto proof = StateProof::from_bytes(q.proof);
      const Bytes key = apps::Payments::account_key(banks[b].public_key());
      CHECK(verify_state_proof(proof, key, q.value, state.app_hash(8)));
      CHECK(!verify_state_proof(proof, key, apps::u64_value(balance[b] + 1), state.app_hash(8)));
      CHECK(!verify_state_proof(proof, key, q.value, state.app_hash(7)));
      CHECK(!verify_state_proof(proof, apps::Payments::account_key(banks[(b + 1) % 3].public_key()), q.value,
                                state.app_hash(8)));
    }
    // A stranger's account is proven absent.
    const auto absent = app.query(state, "balance", bank(9).public_key(), 8, true);
    CHECK(!absent.value);
    CHECK(verify_state_proof(StateProof::from_bytes(absent.proof), apps::Payments::account_key(bank(9).public_key()),
                             std::nullopt, state.app_hash(8)));
  }
  // The same chain on RocksDB, with a restart in the middle.
  std::vector<std::uint64_t> nonce(3, 0);
  Hash32 parent;
  {
    auto store = RocksDbStore::open(dir.path() / "db");
    LedgerAppStore state(*store);
    AppExecutor exec(app, state, ExecutorConfig{"settlement", 1000, 1 << 20});
    exec.init_chain(genesis_of(banks));
    CHECK(state.app_hash(0) == memory_hashes[0]);
    for (Height h = 1; h <= 4; ++h) {
      const auto d = decide(state, transfers_for(h, banks, nonce), parent);
      (void)exec.commit(d);
      parent = d.block.hash();
    }
  }
  auto store = RocksDbStore::open(dir.path() / "db");
  LedgerAppStore state(*store);
  REQUIRE(state.initialized());
  CHECK(state.latest_height() == 4);
  AppExecutor exec(app, state, ExecutorConfig{"settlement", 1000, 1 << 20});
  CHECK_THROWS_AS(exec.init_chain(genesis_of(banks)), InvalidArgument);
  exec.recover();
  for (Height h = 5; h <= 8; ++h) {
    const auto d = decide(state, transfers_for(h, banks, nonce), parent);
    (void)exec.commit(d);
    parent = d.block.hash();
  }
  for (Height h = 0; h <= 8; ++h) CHECK(state.app_hash(h) == memory_hashes[h]);
  // A block that does not extend the ledger: the ledger refuses it, nothing is written.
  Decision stale = decide(state, {}, Hash32{});
  CHECK_THROWS_AS(exec.commit(stale), InvalidArgument);
  CHECK(state.latest_height() == 8);
}

TEST_CASE("ledger app store: the key-value store, its history and misuse", "[ledger][app]") {
  MemoryStore memory;
  LedgerAppStore state(memory);
  CHECK_THROWS_AS(state.ledger(), InvalidArgument);
  apps::KvStore app("settlement");
  AppExecutor exec(app, state, ExecutorConfig{"settlement", 1000, 1 << 20});
  Genesis g;
  g.chain_id = "settlement";
  exec.init_chain(g);
  const auto writer = bank(4);
  Hash32 parent;
  for (std::uint64_t i = 0; i < 3; ++i) {
    const Bytes tx = apps::KvStore::set(writer, "settlement", i, to_bytes(std::string_view("rate")),
                                        value_of(i));
    REQUIRE(exec.submit(tx).ok());
    const auto d = decide(state, {tx}, parent);
    CHECK(exec.commit(d).results[0].ok());
    CHECK(exec.mempool_size() == 0);
    parent = d.block.hash();
  }
  for (Height h = 1; h <= 3; ++h) {
    const auto q = app.query(state, "kv", to_bytes(std::string_view("rate")), h, true);
    CHECK(q.value == value_of(h - 1));
    CHECK(verify_state_proof(StateProof::from_bytes(q.proof), apps::KvStore::state_key(to_bytes(std::string_view("rate"))),
                             q.value, state.app_hash(h)));
  }
  CHECK_THROWS_AS(state.commit_height(state.begin_height(4), nullptr, {}), InvalidArgument);  // no block
  CHECK_THROWS_AS(state.begin_height(9), InvalidArgument);
}
