// The application interface (consensus/application.hpp), its call grammar
// (app_grammar.hpp), the in-memory versioned state (memory_state.hpp) and
// the two reference applications (apps/kv_store.hpp, apps/payments.hpp):
// clean start and recovery grammars with every violation named; historic
// reads; signed transactions (other chain, other kind, bad signature,
// replay, nonce gaps); overdrafts refused with the reason; money conserved
// over random transfers, checked against a plaintext model; two nodes that
// execute the same blocks reach the same state; every decoder refuses
// every truncation and bit flip.
#include <catch2/catch.hpp>

#include <map>
#include <numeric>

#include "privfin/consensus/app_grammar.hpp"
#include "privfin/consensus/apps/commands.hpp"
#include "privfin/consensus/apps/kv_store.hpp"
#include "privfin/consensus/apps/payments.hpp"
#include "privfin/consensus/memory_state.hpp"
#include "privfin/consensus/tx_merkle.hpp"
#include "privfin/core/prg.hpp"
#include "support/wire_negative.hpp"

using namespace privfin;
using namespace privfin::consensus;
using namespace privfin::consensus::apps;

namespace {

sig::Ed25519SecretKey key_of(std::uint8_t b) {
  Prg prg(Prg::Seed{std::byte{0xA9}, std::byte{b}});
  return sig::Ed25519SecretKey::generate(prg);
}

Bytes text(std::string_view s) { return to_bytes(s); }

// The runtime's part for one node: genesis, then each block through the
// checked application (process, finalize, commit, committed).
struct Node {
  Application& app;
  CheckedApplication checked;
  MemoryState state;
  std::vector<FinalizeResult> results;

  Node(Application& a, const Genesis& genesis) : app(a), checked(a) {
    auto batch = state.writer(0);
    checked.init_chain(genesis, batch);
    state.commit(std::move(batch));
  }
  const FinalizeResult& execute(std::vector<Bytes> txs) {
    const Height h = state.latest_height() + 1;
    const BlockContext context{"test-chain", h, static_cast<TimePoint>(h) * 1000, 0};
    REQUIRE(checked.process_proposal(state.reader(), context, txs));
    auto batch = state.writer(h);
    results.push_back(checked.finalize_block(DecidedBlock{context, {}, std::move(txs)}, batch));
    state.commit(std::move(batch));
    checked.committed(h);
    return results.back();
  }
};

Genesis genesis_of(Bytes app_state = {}) {
  Genesis g;
  g.chain_id = "test-chain";
  g.app_state = std::move(app_state);
  return g;
}

}  // namespace

TEST_CASE("application: a block body's transaction list round-trips and refuses every defect", "[consensus][app]") {
  const std::vector<Bytes> txs = {text("first"), {}, text("third transaction")};
  const Bytes wire = transactions_to_bytes(txs);
  CHECK(transactions_from_bytes(wire) == txs);
  CHECK(transactions_from_bytes(transactions_to_bytes({})).empty());
  CHECK_THROWS_AS(transactions_from_bytes(wire, 2), DecodeError);      // more than max_count
  CHECK_THROWS_AS(transactions_from_bytes(wire, 10, 16), DecodeError);  // a transaction above max_tx
  test::check_truncations_and_flips(
      wire, [](ByteView b) { return transactions_from_bytes(b); }, [&](const std::vector<Bytes>& t) { return t == txs; });
  // A lying count: 2^40 transactions in a few bytes, refused before allocating.
  Writer w;
  w.u8(1).varint(std::uint64_t{1} << 40);
  CHECK_THROWS_AS(transactions_from_bytes(w.data(), std::size_t{1} << 50), DecodeError);
}

TEST_CASE("application: transaction_views decode a body without copies - tx_root_of is the Merkle root of what "
          "decodes and a hash of any other body",
          "[consensus][app]") {
  const std::vector<Bytes> txs = {text("first"), {}, text("third transaction")};
  const Bytes wire = transactions_to_bytes(txs);
  const auto views = transaction_views(wire);
  REQUIRE(views.size() == txs.size());
  for (std::size_t i = 0; i < txs.size(); ++i) {
    CHECK(std::ranges::equal(views[i], txs[i]));
    if (!views[i].empty()) {  // inside the body, not a copy
      CHECK(views[i].data() >= wire.data());
      CHECK(views[i].data() + views[i].size() <= wire.data() + wire.size());
    }
  }
  CHECK_THROWS_AS(transaction_views(wire, 2), DecodeError);
  CHECK(tx_root_of(wire) == tx_merkle_root(txs));
  CHECK(tx_root_of(transactions_to_bytes({})) == tx_merkle_root({}));
  // The same transactions with the count as a two-byte varint (0x83 0x00,
  // not the shortest form): the canonical decoder refuses it, so its root
  // is the hash of its bytes, not the transactions' Merkle root.
  Bytes padded = wire;
  REQUIRE(padded[1] == std::byte{3});
  padded[1] = std::byte{0x83};
  padded.insert(padded.begin() + 2, std::byte{0});
  CHECK_THROWS_AS(transaction_views(padded), DecodeError);
  CHECK(tx_root_of(padded) != tx_merkle_root(txs));
  Bytes trailing = wire;
  trailing.push_back(std::byte{0});
  CHECK(tx_root_of(trailing) != tx_merkle_root(txs));
}

TEST_CASE("application: the call grammar accepts a clean start and a recovery, and names every violation",
          "[consensus][app]") {
  using C = AppCall;
  SECTION("clean start, rounds, heights") {
    CallGrammar g;
    for (const AppCallEvent e : {AppCallEvent{C::init_chain, 0}, {C::check_tx, 0}, {C::prepare_proposal, 1},
                                 {C::process_proposal, 1}, {C::process_proposal, 1}, {C::finalize_block, 1},
                                 {C::check_tx, 0}, {C::committed, 1}, {C::process_proposal, 2}, {C::finalize_block, 2},
                                 {C::committed, 2}, {C::query, 1}}) {
      CAPTURE(to_string(e.call), e.height);
      CHECK(!g.observe(e));
    }
    CHECK(g.next_height() == 3);
  }
  SECTION("recovery starts after the ledger's height") {
    CallGrammar g;
    CHECK(!g.observe({C::recover, 41}));
    CHECK(!g.observe({C::finalize_block, 42}));
    CHECK(!g.observe({C::committed, 42}));
  }
  SECTION("violations") {
    struct Case {
      std::vector<AppCallEvent> before;
      AppCallEvent bad;
      std::string says;
    };
    const std::vector<Case> cases = {
        {{}, {C::process_proposal, 1}, "before init_chain or recover"},
        {{{C::init_chain, 0}}, {C::init_chain, 0}, "after the node had started"},
        {{{C::init_chain, 0}}, {C::finalize_block, 2}, "where height 1 is next"},
        {{{C::init_chain, 0}}, {C::committed, 1}, "without finalize_block"},
        {{{C::init_chain, 0}, {C::finalize_block, 1}}, {C::finalize_block, 1}, "after finalize_block of that height"},
        {{{C::init_chain, 0}, {C::finalize_block, 1}}, {C::process_proposal, 1}, "after finalize_block"},
        {{{C::init_chain, 0}, {C::finalize_block, 1}}, {C::committed, 2}, "without finalize_block"},
        {{{C::recover, 5}}, {C::prepare_proposal, 5}, "where height 6 is next"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.says);
      CallGrammar g;
      for (const auto& e : c.before) REQUIRE(!g.observe(e));
      const auto calls = g.calls();
      const auto bad = g.observe(c.bad);
      REQUIRE(bad);
      CHECK_THAT(*bad, Catch::Contains(c.says));
      CHECK(g.calls() == calls);  // not recorded
    }
  }
  SECTION("a checked application refuses an out-of-order call and forwards nothing") {
    KvStore app("test-chain");
    CheckedApplication checked(app);
    MemoryState state;
    auto batch = state.writer(0);
    CHECK_THROWS_WITH(checked.finalize_block(DecidedBlock{{"test-chain", 1, 0, 0}, {}, {}}, batch),
                      Catch::Contains("application call order"));
    checked.recover(0);
    CHECK_THROWS_WITH(checked.committed(1), Catch::Contains("without finalize_block"));
  }
}

TEST_CASE("application: MemoryState keeps every height and refuses heights out of order", "[consensus][app]") {
  MemoryState s;
  CHECK_THROWS_AS(s.writer(1), InvalidArgument);
  auto b0 = s.writer(0);
  b0.put(text("a"), text("1"));
  s.commit(std::move(b0));
  auto b1 = s.writer(1);
  b1.put(text("a"), text("2"));
  b1.put(text("b"), text("x"));
  CHECK(b1.get(text("a")) == text("2"));  // a batch reads its own writes
  CHECK(s.reader().get(text("a")) == text("1"));
  s.commit(std::move(b1));
  auto b2 = s.writer(2);
  b2.erase(text("a"));
  s.commit(std::move(b2));
  CHECK(s.get(text("a"), 0) == text("1"));
  CHECK(s.get(text("a"), 1) == text("2"));
  CHECK(!s.get(text("a"), 2));
  CHECK(s.get(text("b"), 2) == text("x"));
  CHECK(!s.get(text("b"), 0));
  CHECK_THROWS_AS(s.get(text("a"), 3), InvalidArgument);
  CHECK_THROWS_AS(s.writer(2), InvalidArgument);
  auto too_long = s.writer(3);
  CHECK_THROWS_AS(too_long.put(Bytes(StateWriter::max_key_size + 1), text("v")), InvalidArgument);
}

TEST_CASE("kv store: signed writes, replays and other chains refused, the same state on two nodes",
          "[consensus][app][kv]") {
  KvStore app("test-chain");
  Node a(app, genesis_of()), b(app, genesis_of());
  const auto alice = key_of(1), bob = key_of(2);
  const Bytes set0 = KvStore::set(alice, "test-chain", 0, text("color"), text("blue"));
  const Bytes set1 = KvStore::set(alice, "test-chain", 1, text("color"), text("green"));
  CHECK(app.check_tx(a.state.reader(), set0, CheckKind::fresh).ok());
  CHECK(app.check_tx(a.state.reader(), set1, CheckKind::fresh).ok());  // queued ahead: within the window
  const Bytes far = KvStore::set(alice, "test-chain", max_nonce_window, text("k"), text("v"));
  CHECK(app.check_tx(a.state.reader(), far, CheckKind::fresh).code == TxCode::bad_nonce);
  const Bytes other_chain = KvStore::set(bob, "other-chain", 0, text("k"), text("v"));
  CHECK(app.check_tx(a.state.reader(), other_chain, CheckKind::fresh).code == TxCode::bad_signature);
  Bytes forged = KvStore::set(bob, "test-chain", 0, text("k"), text("v"));
  forged[forged.size() - 70] ^= std::byte{1};  // inside the payload: the signature no longer covers it
  CHECK(app.check_tx(a.state.reader(), forged, CheckKind::fresh).code == TxCode::bad_signature);
  CHECK(app.check_tx(a.state.reader(), text("garbage"), CheckKind::fresh).code == TxCode::malformed);

  // Block 1: set1 comes before set0 -> set1 fails (nonce gap), set0 applies; a replay of set0 fails.
  for (Node* n : {&a, &b}) {
    const auto& r = n->execute({set1, set0, set0, other_chain});
    REQUIRE(r.results.size() == 4);
    CHECK(r.results[0].code == TxCode::bad_nonce);
    CHECK(r.results[1].ok());
    CHECK(r.results[2].code == TxCode::bad_nonce);
    CHECK_THAT(r.results[2].reason, Catch::Contains("replay"));
    CHECK(r.results[3].code == TxCode::bad_signature);
  }
  CHECK(app.query(a.state, "kv", text("color"), 0, false).value == text("blue"));
  CHECK(app.check_tx(a.state.reader(), set0, CheckKind::recheck).code == TxCode::bad_nonce);  // already used
  for (Node* n : {&a, &b}) n->execute({set1, KvStore::erase(bob, "test-chain", 0, text("nothing"))});
  const auto q = app.query(a.state, "kv", text("color"), 0, true);
  CHECK(q.height == 2);
  CHECK(q.value == text("green"));
  CHECK(app.query(a.state, "kv", text("color"), 1, false).value == text("blue"));  // history
  CHECK(app.query(a.state, "nope", text("color"), 0, false).code == TxCode::invalid);
  CHECK(next_nonce(a.state.reader(), alice.public_key()) == 2);
  CHECK(next_nonce(a.state.reader(), bob.public_key()) == 1);
  // Both nodes hold the same state at every height.
  for (Height h = 0; h <= 2; ++h) {
    for (const auto& k : {text("color"), text("nothing")}) CHECK(a.state.get(KvStore::state_key(k), h) == b.state.get(KvStore::state_key(k), h));
  }
  CHECK(a.checked.grammar().next_height() == 3);
}

TEST_CASE("commands: any 1 to 256 bytes is a command, a block adds its commands to the count",
          "[consensus][app][commands]") {
  Commands app("test-chain");
  Node a(app, genesis_of()), b(app, genesis_of());
  CHECK(app.check_tx(a.state.reader(), text("12345678"), CheckKind::fresh).ok());
  CHECK(app.check_tx(a.state.reader(), Bytes(256, std::byte{7}), CheckKind::recheck).ok());
  CHECK(app.check_tx(a.state.reader(), Bytes{}, CheckKind::fresh).code == TxCode::invalid);
  const auto too_long = app.check_tx(a.state.reader(), Bytes(257), CheckKind::fresh);
  CHECK(too_long.code == TxCode::invalid);
  CHECK_THAT(too_long.reason, Catch::Contains("257 bytes"));
  const auto count_at = [&](Height h) {
    const auto q = app.query(a.state, "count", {}, h, false);
    REQUIRE(q.code == TxCode::ok);
    if (!q.value) return std::uint64_t{0};
    Reader r(*q.value);
    return r.u64("count");
  };
  CHECK(count_at(0) == 0);
  for (Node* n : {&a, &b}) {
    const auto& r = n->execute({text("a"), Bytes{}, text("a"), Bytes(300)});
    REQUIRE(r.results.size() == 4);
    CHECK(r.results[0].ok());
    CHECK(r.results[1].code == TxCode::invalid);
    CHECK(r.results[2].ok());  // a command may repeat: nothing remembers it
    CHECK(r.results[3].code == TxCode::invalid);
    n->execute({});
    n->execute({text("b"), text("c"), text("d")});
  }
  CHECK(count_at(1) == 2);
  CHECK(count_at(2) == 2);
  CHECK(count_at(3) == 5);
  CHECK(app.query(a.state, "count", {}, 0, true).proof == b.state.prove(Commands::count_key(), 3));
  CHECK(app.query(a.state, "kv", {}, 0, false).code == TxCode::invalid);
  CHECK(a.state.get(Commands::count_key(), 3) == b.state.get(Commands::count_key(), 3));
  Genesis other = genesis_of();
  other.chain_id = "other";
  MemoryState s;
  auto w = s.writer(0);
  CHECK_THROWS_AS(app.init_chain(other, w), InvalidArgument);
  CHECK_THROWS_AS(app.init_chain(genesis_of(text("state")), w), InvalidArgument);
}

TEST_CASE("payments: transfers, overdrafts refused with the reason, money conserved against a model",
          "[consensus][app][payments]") {
  std::vector<sig::Ed25519SecretKey> banks;
  for (std::uint8_t i = 0; i < 5; ++i) banks.push_back(key_of(10 + i));
  std::vector<Payments::Account> accounts;
  for (std::size_t i = 0; i < banks.size(); ++i) accounts.push_back({banks[i].public_key(), 1000 * (i + 1)});
  const Bytes genesis = Payments::genesis(accounts);
  Payments app("test-chain");
  Node node(app, genesis_of(genesis)), other(app, genesis_of(genesis));

  const Bytes overdraft = Payments::transfer(banks[0], "test-chain", 0, banks[1].public_key(), 1001);
  const auto v = app.check_tx(node.state.reader(), overdraft, CheckKind::fresh);
  CHECK(v.code == TxCode::insufficient_funds);
  CHECK(v.reason == "overdraft refused: balance 1000, transfer 1001");
  const auto stranger = key_of(99);
  CHECK(app.check_tx(node.state.reader(), Payments::transfer(stranger, "test-chain", 0, banks[1].public_key(), 1),
                     CheckKind::fresh).code == TxCode::unknown_account);
  CHECK(app.check_tx(node.state.reader(), Payments::transfer(banks[0], "test-chain", 0, stranger.public_key(), 1),
                     CheckKind::fresh).code == TxCode::unknown_account);
  CHECK(app.check_tx(node.state.reader(), Payments::transfer(banks[0], "test-chain", 0, banks[1].public_key(), 0),
                     CheckKind::fresh).code == TxCode::invalid);
  CHECK(app.check_tx(node.state.reader(), Payments::transfer(banks[0], "test-chain", 0, banks[0].public_key(), 5),
                     CheckKind::fresh).code == TxCode::invalid);

  // Random blocks of transfers (some overdrafts, replays and gaps) against a plaintext model.
  std::vector<std::uint64_t> balance(banks.size()), nonce(banks.size(), 0);
  for (std::size_t i = 0; i < banks.size(); ++i) balance[i] = accounts[i].balance;
  const std::uint64_t total = std::accumulate(balance.begin(), balance.end(), std::uint64_t{0});
  Prg prg(Prg::Seed{std::byte{0x51}});
  // The model's verdict on one transfer, applied to the model when ok.
  const auto model = [&](std::size_t from, std::size_t to, std::uint64_t amount, std::uint64_t n) {
    if (n != nonce[from]) return TxCode::bad_nonce;
    if (amount == 0 || from == to) return TxCode::invalid;
    if (amount > balance[from]) return TxCode::insufficient_funds;
    balance[from] -= amount;
    balance[to] += amount;
    ++nonce[from];
    return TxCode::ok;
  };
  for (int block = 0; block < 30; ++block) {
    std::vector<Bytes> txs;
    std::vector<TxCode> expected;
    std::size_t first_from = 0, first_to = 0;
    std::uint64_t first_amount = 0, first_nonce = 0;
    for (int k = 0; k < 8; ++k) {
      const std::size_t from = prg.next_u64() % banks.size(), to = prg.next_u64() % banks.size();
      const std::uint64_t amount = prg.next_u64() % 2500;
      const std::uint64_t n = prg.next_u64() % 10 == 0 ? nonce[from] + 1 : nonce[from];  // sometimes a gap
      if (k == 0) first_from = from, first_to = to, first_amount = amount, first_nonce = n;
      txs.push_back(Payments::transfer(banks[from], "test-chain", n, banks[to].public_key(), amount));
      expected.push_back(model(from, to, amount, n));
    }
    if (block % 7 == 3) {
      txs.push_back(txs.front());  // the first transfer again, at the end of the block: a replay if it executed
      expected.push_back(model(first_from, first_to, first_amount, first_nonce));
    }
    const auto& r = node.execute(txs);
    other.execute(txs);
    REQUIRE(r.results.size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
      CAPTURE(block, i, r.results[i].reason);
      CHECK(r.results[i].code == expected[i]);
    }
  }
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < banks.size(); ++i) {
    const auto q = app.query(node.state, "balance", banks[i].public_key(), 0, true);
    REQUIRE(q.value);
    CHECK(read_u64_value(*q.value) == balance[i]);
    CHECK(other.state.get(Payments::account_key(banks[i].public_key()), 30) == q.value);
    sum += read_u64_value(*q.value);
  }
  CHECK(sum == total);
  CHECK(app.query(node.state, "balance", stranger.public_key(), 0, false).code == TxCode::unknown_account);
  CHECK(app.query(node.state, "balance", text("short"), 0, false).code == TxCode::invalid);
}

TEST_CASE("payments: a transfer may carry a reference - it executes as one without, and its defects are refused",
          "[consensus][app][payments]") {
  const auto a = key_of(20), b = key_of(21);
  Payments app("test-chain");
  Node node(app, genesis_of(Payments::genesis({{a.public_key(), 100}, {b.public_key(), 0}})));
  const Bytes remittance = text("invoice 2026-1187, end-to-end id E2E-44102");
  const Bytes with = Payments::transfer(a, "test-chain", 0, b.public_key(), 30, remittance);
  const Bytes without = Payments::transfer(a, "test-chain", 1, b.public_key(), 20);
  CHECK(with.size() == without.size() + 1 + remittance.size());
  const Bytes longest = Payments::transfer(a, "test-chain", 2, b.public_key(), 1, Bytes(Payments::max_reference));
  CHECK_THROWS_AS(Payments::transfer(a, "test-chain", 2, b.public_key(), 1, Bytes(Payments::max_reference + 1)),
                  InvalidArgument);
  const auto& r = node.execute({with, without, longest});
  REQUIRE(r.results.size() == 3);
  for (const auto& v : r.results) CHECK(v.ok());
  CHECK(read_u64_value(*node.state.get(Payments::account_key(b.public_key()), 1)) == 51);
  // Hand-made payloads: an empty reference (two encodings of "none"), one
  // too long, bytes after the reference: each malformed, signed or not.
  auto signed_payload = [&](const Bytes& payload) {
    return SignedTx::make(a, "test-chain", Payments::kind_transfer, 3, payload).to_bytes();
  };
  auto base = [&] {
    Writer w;
    w.raw(b.public_key()).u64(1);
    return w;
  };
  Writer empty = base();
  empty.varint(0);
  Writer too_long = base();
  too_long.bytes(Bytes(Payments::max_reference + 1));
  Writer trailing = base();
  trailing.bytes(text("ref")).u8(0);
  for (const Writer* w : {&empty, &too_long, &trailing}) {
    const auto v = app.check_tx(node.state.reader(), signed_payload(w->data()), CheckKind::fresh);
    CHECK(v.code == TxCode::malformed);
  }
  CHECK(app.check_tx(node.state.reader(), signed_payload(base().bytes(text("ref")).data()), CheckKind::fresh).ok());
}

TEST_CASE("payments: a genesis that cannot be used is refused", "[consensus][app][payments]") {
  const auto a = key_of(1);
  CHECK_THROWS_AS(Payments::genesis({}), InvalidArgument);
  CHECK_THROWS_AS(Payments::genesis({{a.public_key(), 1}, {a.public_key(), 2}}), InvalidArgument);
  CHECK_THROWS_AS(Payments::genesis({{a.public_key(), std::uint64_t{1} << 63}}), InvalidArgument);
  CHECK_THROWS_AS(Payments::genesis({{text("short"), 1}}), InvalidArgument);
  Payments app("test-chain");
  MemoryState s;
  auto batch = s.writer(0);
  CHECK_THROWS_AS(app.init_chain(genesis_of(text("not a genesis")), batch), InvalidArgument);
  Genesis wrong_chain = genesis_of(Payments::genesis({{a.public_key(), 1}}));
  wrong_chain.chain_id = "other";
  CHECK_THROWS_AS(app.init_chain(wrong_chain, batch), InvalidArgument);
  const std::vector<Payments::Account> accounts = {{a.public_key(), 7}, {key_of(2).public_key(), 9}};
  const Bytes wire = Payments::genesis(accounts);
  test::check_truncations_and_flips(
      wire, [](ByteView b) { return Payments::genesis_from_bytes(b); },
      [&](const std::vector<Payments::Account>& got) {
        return got.size() == 2 && got[0].owner == accounts[0].owner && got[0].balance == 7 &&
               got[1].owner == accounts[1].owner && got[1].balance == 9;
      });
}

TEST_CASE("signed transactions: every truncation and bit flip is refused or fails the signature",
          "[consensus][app]") {
  const auto k = key_of(3);
  const SignedTx tx = SignedTx::make(k, "test-chain", 1, 7, text("payload"));
  CHECK(tx.verify("test-chain"));
  CHECK(!tx.verify("other-chain"));
  const Bytes wire = tx.to_bytes();
  test::check_truncations_and_flips(
      wire, [](ByteView b) { return SignedTx::from_bytes(b); }, [&](const SignedTx& t) { return t == tx; });
  // A decodable mutation never verifies.
  test::check_verifier_refuses_mutations(wire, [](ByteView b) {
    try {
      return SignedTx::from_bytes(b).verify("test-chain");
    } catch (const DecodeError&) {
      return false;
    }
  });
}

TEST_CASE("payments: validator-set changes approved by more than two thirds of the weight, every refusal named",
          "[consensus][app][payments][validators]") {
  // Four members with Ed25519 keys; BLS keys are labels here (the
  // application only names them).
  std::vector<sig::Ed25519SecretKey> members;
  std::vector<Validator> vs;
  for (std::uint8_t i = 0; i < 4; ++i) {
    members.push_back(key_of(40 + i));
    vs.push_back(Validator{text("bls-key-" + std::to_string(i)), {}, {}, members.back().public_key(), 1});
  }
  Genesis g = genesis_of(Payments::genesis({{key_of(50).public_key(), 100}}));
  g.validators = ValidatorSet(vs);
  Payments app("test-chain");
  Node node(app, g);
  const auto submitter = key_of(50);
  const std::vector<ValidatorChange> changes{{vs[3].bls_key, 0}, {vs[1].bls_key, 3}};
  const auto approvals = [&](std::initializer_list<NodeId> who, std::uint64_t seq,
                             const std::vector<ValidatorChange>& c) {
    std::vector<Payments::Approval> out;
    for (NodeId i : who) out.push_back(Payments::approve(members[i], i, "test-chain", seq, c));
    return out;
  };
  const auto verdict = [&](const Bytes& tx) { return app.check_tx(node.state.reader(), tx, CheckKind::fresh); };

  // Two of four approve: half the weight, not more than two thirds.
  auto v = verdict(Payments::validator_change(submitter, "test-chain", 0, 0, changes, approvals({0, 1}, 0, changes)));
  CHECK(v.code == TxCode::invalid);
  CHECK(v.reason == "the approvals carry weight 2 of 4; more than two thirds is needed");
  // A member approving twice, one outside the set, a forged approval, an
  // approval of other changes, a wrong sequence, an unknown key.
  auto twice = approvals({0, 1, 1}, 0, changes);
  CHECK(verdict(Payments::validator_change(submitter, "test-chain", 0, 0, changes, twice)).reason ==
        "member 1 approves twice");
  auto outside = approvals({0, 1, 2}, 0, changes);
  outside[2].member = 7;
  CHECK(verdict(Payments::validator_change(submitter, "test-chain", 0, 0, changes, outside)).reason ==
        "approval by member 7, not in the set");
  auto forged = approvals({0, 1, 2}, 0, changes);
  forged[1] = Payments::approve(members[2], 1, "test-chain", 0, changes);  // member 2's key signing for member 1
  CHECK(verdict(Payments::validator_change(submitter, "test-chain", 0, 0, changes, forged)).code == TxCode::bad_signature);
  const std::vector<ValidatorChange> other{{vs[3].bls_key, 2}};
  CHECK(verdict(Payments::validator_change(submitter, "test-chain", 0, 0, changes, approvals({0, 1, 2}, 0, other)))
            .code == TxCode::bad_signature);
  CHECK(verdict(Payments::validator_change(submitter, "test-chain", 0, 1, changes, approvals({0, 1, 2}, 1, changes)))
            .code == TxCode::bad_nonce);
  const std::vector<ValidatorChange> unknown{{text("bls-key-9"), 1}};
  v = verdict(Payments::validator_change(submitter, "test-chain", 0, 0, unknown, approvals({0, 1, 2}, 0, unknown)));
  CHECK(v.code == TxCode::invalid);
  CHECK_THAT(v.reason, Catch::Matchers::Contains("unknown key"));
  const std::vector<ValidatorChange> repeated{{vs[1].bls_key, 1}, {vs[1].bls_key, 2}};
  v = verdict(Payments::validator_change(submitter, "test-chain", 0, 0, repeated, approvals({0, 1, 2}, 0, repeated)));
  CHECK_THAT(v.reason, Catch::Matchers::Contains("named twice"));
  CHECK_THROWS_AS(Payments::validator_change(submitter, "test-chain", 0, 0, {}, approvals({0}, 0, {})), InvalidArgument);

  // Three of four: adopted. Every member's new weight is in the result.
  const Bytes ok = Payments::validator_change(submitter, "test-chain", 0, 0, changes, approvals({0, 1, 2}, 0, changes));
  CHECK(verdict(ok).ok());
  const auto& r = node.execute({ok});
  REQUIRE(r.results.size() == 1);
  CHECK(r.results[0].ok());
  const ValidatorSet next = apply_changes(g.validators, changes);
  REQUIRE(r.validator_changes.size() == 4);
  CHECK(apply_changes(g.validators, r.validator_changes) == next);
  // The set and the sequence are in the state (and provable).
  auto q = app.query(node.state, "validators", {}, 0, false);
  REQUIRE(q.value);
  CHECK(ValidatorSet::from_bytes(*q.value) == next);
  CHECK(read_u64_value(*app.query(node.state, "sequence", {}, 0, false).value) == 1);
  // The same approvals again: a replay (the sequence moved on). Refused
  // transactions consume no nonce: the submitter's next stays 1.
  CHECK(node.execute({Payments::validator_change(submitter, "test-chain", 1, 0, changes, approvals({0, 1, 2}, 0, changes))})
            .results[0]
            .code == TxCode::bad_nonce);
  // Under the new weights (1, 3, 1, 0; total 5) members 0 and 2 are not
  // enough, member 1 with one more is: 4 of 5.
  const std::vector<ValidatorChange> back{{vs[3].bls_key, 1}};
  CHECK(node.execute({Payments::validator_change(submitter, "test-chain", 1, 1, back, approvals({0, 2}, 1, back))})
            .results[0]
            .code == TxCode::invalid);
  const auto& r2 =
      node.execute({Payments::validator_change(submitter, "test-chain", 1, 1, back, approvals({1, 2}, 1, back))});
  CHECK(r2.results[0].ok());
  CHECK(apply_changes(next, r2.validator_changes).weight(3) == 1);
  // A block of transfers changes nothing.
  CHECK(node.execute({}).validator_changes.empty());

  // The payload's decoder: every truncation and bit flip refused or decoded
  // to another value; what decodes re-encodes to the same bytes.
  const Bytes payload = Payments::change_payload(1, back, approvals({1, 2}, 1, back));
  const auto decoded = Payments::change_from_payload(payload);
  CHECK(Payments::change_payload(decoded.sequence, decoded.changes, decoded.approvals) == payload);
  test::check_truncations_and_flips(
      payload, [](ByteView b) { return Payments::change_from_payload(b); },
      [&](const Payments::ValidatorChangeTx& d) {
        return Payments::change_payload(d.sequence, d.changes, d.approvals) == payload;
      });
  // A member without an Ed25519 key cannot approve.
  std::vector<Validator> keyless = vs;
  keyless[2].ed25519_key.clear();
  Genesis g2 = g;
  g2.validators = ValidatorSet(keyless);
  Node keyless_node(app, g2);
  CHECK(app.check_tx(keyless_node.state.reader(),
                     Payments::validator_change(submitter, "test-chain", 0, 0, changes, approvals({0, 1, 2}, 0, changes)),
                     CheckKind::fresh)
            .reason == "member 2 has no Ed25519 key to approve with");
  // A chain whose genesis named no validators has nothing to change, and says so.
  Node bare(app, genesis_of(Payments::genesis({{key_of(50).public_key(), 100}})));
  const auto refused = app.check_tx(
      bare.state.reader(),
      Payments::validator_change(submitter, "test-chain", 0, 0, changes, approvals({0, 1, 2}, 0, changes)),
      CheckKind::fresh);
  CHECK(refused.code == TxCode::invalid);
  CHECK(refused.reason == "this chain's genesis named no validators");
  const auto none = app.query(bare.state, "validators", {}, 0, false);
  CHECK(none.code == TxCode::invalid);
  CHECK(!none.value);
  CHECK(read_u64_value(*app.query(bare.state, "sequence", {}, 0, false).value) == 0);  // never changed: 0
}

TEST_CASE("application: will_check is a hint - the default does nothing, CheckedApplication passes it through "
          "outside the grammar",
          "[consensus][app]") {
  struct Counting final : Application {
    mutable std::size_t hinted = 0;
    InitResult init_chain(const Genesis&, StateWriter&) override { return {}; }
    [[nodiscard]] TxVerdict check_tx(const StateReader&, ByteView, CheckKind) const override { return {}; }
    FinalizeResult finalize_block(const DecidedBlock&, StateWriter&) const override { return {}; }
    [[nodiscard]] QueryResult query(const VersionedState&, std::string_view, ByteView, Height, bool) const override {
      return {};
    }
    void will_check(std::span<const Bytes> txs) const override { hinted += txs.size(); }
  };
  Counting inner;
  CheckedApplication checked(inner);
  const std::vector<Bytes> txs(3, Bytes{std::byte{1}});
  checked.will_check(txs);  // before any start: not a grammar violation
  CHECK(inner.hinted == 3);
  CHECK(checked.grammar().calls() == 0);
  Commands plain("chain");  // an application that does not override it
  CHECK_NOTHROW(plain.will_check(txs));
}
