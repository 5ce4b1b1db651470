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
#include "privfin/ledger/error.hpp"
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
  CHECK_THROWS_AS(state.commit_height(state.begin_height(4), nullptr, {}, nullptr), InvalidArgument);  // no block
  CHECK_THROWS_AS(state.begin_height(9), InvalidArgument);
}

TEST_CASE("ledger app store: a validator-set change is stored with its block, read after a restart, and a damaged "
          "entry is refused by name",
          "[ledger][app][validators]") {
  const std::vector<sig::Ed25519SecretKey> banks = {bank(0), bank(1), bank(2)};
  std::vector<sig::Ed25519SecretKey> members;
  std::vector<Validator> vs;
  for (std::uint8_t i = 0; i < 4; ++i) {
    members.push_back(bank(static_cast<std::uint8_t>(20 + i)));
    vs.push_back(Validator{value_of(100 + i), {}, {}, members.back().public_key(), 1});
  }
  Genesis g = genesis_of(banks);
  g.validators = ValidatorSet(vs);
  const std::vector<ValidatorChange> changes{{vs[2].bls_key, 0}};
  const ValidatorSet next = apply_changes(g.validators, changes);
  std::vector<apps::Payments::Approval> approvals;
  for (NodeId i : {0U, 1U, 3U}) approvals.push_back(apps::Payments::approve(members[i], i, "settlement", 0, changes));
  const Bytes change = apps::Payments::validator_change(banks[0], "settlement", 0, 0, changes, approvals);
  apps::Payments app("settlement");
  test::TempDir dir;
  {
    auto store = RocksDbStore::open(dir.path() / "db");
    LedgerAppStore state(*store);
    AppExecutor exec(app, state, ExecutorConfig{"settlement", 1000, 1 << 20, g.validators});
    exec.init_chain(g);
    const auto d1 = decide(state, {change}, Hash32{});
    REQUIRE(exec.commit(d1).results[0].ok());
    // Decided in block 1, in force from height 3 on (ABCI's rule).
    CHECK(exec.validators_at(1) == g.validators);
    CHECK(exec.validators_at(2) == g.validators);
    CHECK(exec.validators_at(3) == next);
    CHECK(exec.validators_at(1000) == next);
    CHECK(!state.validators_from(2));
    (void)exec.commit(decide(state, {}, d1.block.hash()));
    // An auditor proves which set is in force: the application's state holds
    // it (the set of height 3 on, in the state after height 1).
    const auto q = app.query(state, "validators", {}, 1, true);
    REQUIRE(q.value);
    CHECK(ValidatorSet::from_bytes(*q.value) == next);
    const auto proof = StateProof::from_bytes(q.proof);
    CHECK(verify_state_proof(proof, apps::Payments::validators_key(), q.value, state.app_hash(1)));
    CHECK(!verify_state_proof(proof, apps::Payments::validators_key(), g.validators.to_bytes(), state.app_hash(1)));
    // A store refuses a validator change without a block (only genesis has none).
    MemoryStore other;
    LedgerAppStore fresh(other);
    CHECK_THROWS_AS(fresh.commit_height(fresh.begin_height(0), nullptr, {}, &next), InvalidArgument);
  }
  {
    auto store = RocksDbStore::open(dir.path() / "db");
    LedgerAppStore state(*store);
    AppExecutor exec(app, state, ExecutorConfig{"settlement", 1000, 1 << 20, g.validators});
    exec.recover();
    CHECK(exec.validators_at(3) == next);
    CHECK(stored_validators(*store, 3) == next);
    CHECK(!stored_validators(*store, 2));
    // A damaged entry: StoreCorruption naming the height and the column family.
    WriteBatch damage;
    damage.put(Column::validators, height_key(3), to_bytes("not a validator set"));
    store->write(damage);
    try {
      (void)state.ledger().validators_from(5);
      FAIL("a damaged validator set was read");
    } catch (const StoreCorruption& e) {
      CHECK_THAT(e.what(), Catch::Matchers::Contains("validators"));
      CHECK_THAT(e.what(), Catch::Matchers::Contains("3"));
    }
  }
}

TEST_CASE("app executor: a validator change needs the genesis set in the config - an invalid one stores nothing",
          "[ledger][app][validators]") {
  // An application that returns whatever changes its transactions name
  // (a buggy one: it checks nothing).
  struct Unchecked final : public Application {
    ValidatorSet set;
    InitResult init_chain(const Genesis&, StateWriter& s) override {
      s.put(to_bytes("genesis"), to_bytes("1"));
      return {};
    }
    TxVerdict check_tx(const StateReader&, ByteView, CheckKind) const override { return {}; }
    FinalizeResult finalize_block(const DecidedBlock& b, StateWriter&) const override {
      FinalizeResult r;
      for (const auto& tx : b.txs) {
        r.results.push_back({});
        r.validator_changes.push_back({tx, 2});
      }
      return r;
    }
    QueryResult query(const VersionedState&, std::string_view, ByteView, Height, bool) const override { return {}; }
  };
  std::vector<Validator> vs;
  for (std::uint64_t i = 0; i < 4; ++i) vs.push_back(Validator{value_of(i), {}, {}, {}, 1});
  const ValidatorSet set(vs);
  Unchecked app;
  {
    MemoryStore memory;
    LedgerAppStore state(memory);
    AppExecutor exec(app, state, ExecutorConfig{"settlement", 1000, 1 << 20});  // no genesis set
    Genesis g;
    g.chain_id = "settlement";
    exec.init_chain(g);
    CHECK_THROWS_AS(exec.commit(decide(state, {value_of(1)}, Hash32{})), InvalidArgument);
  }
  MemoryStore memory;
  LedgerAppStore state(memory);
  AppExecutor exec(app, state, ExecutorConfig{"settlement", 1000, 1 << 20, set});
  Genesis g;
  g.chain_id = "settlement";
  exec.init_chain(g);
  CHECK_THROWS_AS(exec.commit(decide(state, {value_of(7)}, Hash32{})), InvalidValidatorUpdate);  // not a member
  CHECK(state.latest_height() == 0);  // nothing stored
  CHECK(memory.size(Column::validators) == 0);
  // The node stops there; restarted, it executes the height again.
  AppExecutor again(app, state, ExecutorConfig{"settlement", 1000, 1 << 20, set});
  again.recover();
  (void)again.commit(decide(state, {value_of(1)}, Hash32{}));
  CHECK(again.validators_at(3).weight(1) == 2);
  CHECK(memory.size(Column::validators) == 1);
}
