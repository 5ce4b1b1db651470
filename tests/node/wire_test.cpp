// Node messages: round trips, and every truncation and bit flip refused or
// decoded to another value.
#include <catch2/catch.hpp>

#include "node/node_test_support.hpp"
#include <functional>

#include "privfin/core/codec.hpp"
#include "privfin/node/genesis.hpp"
#include "privfin/node/wire.hpp"
#include "support/wire_negative.hpp"

using namespace privfin;
using namespace privfin::node;

TEST_CASE("node wire: every kind round-trips - truncations and bit flips are refused", "[node][wire]") {
  const auto chain = test::make_chain(4, 3);
  const auto set = test::make_consortium(4).genesis.validators;
  const auto reweighted = consensus::apply_changes(set, std::vector<consensus::ValidatorChange>{{set.at(3).bls_key, 0}});
  std::vector<NodeMessage> samples = {
      NodeMessage::consensus(consensus::Message{chain.decisions[0]}.to_bytes()),
      NodeMessage::transaction(Bytes{std::byte{1}, std::byte{2}, std::byte{3}}),
      NodeMessage::sync_request(2, 9),
      NodeMessage::sync_response(chain.decisions),
      NodeMessage::status(chain.decisions[1].block.hash(), 77),
      NodeMessage::snapshot_request(),
      NodeMessage::snapshot_offer(Bytes(40, std::byte{0x31})),
      NodeMessage::snapshot_offer({}),
      NodeMessage::chunk_request(120, 3),
      NodeMessage::chunk(120, 3, Bytes(70, std::byte{0x42})),
      NodeMessage::validators_request(40),
      NodeMessage::validators(40, {set, reweighted, reweighted}),
      NodeMessage::validators(40, {}),
      NodeMessage::transactions({Bytes{std::byte{7}}, Bytes(300, std::byte{0x55}), Bytes{std::byte{9}, std::byte{8}}}),
  };
  for (const auto& m : samples) {
    const Bytes wire = m.to_bytes();
    const auto back = NodeMessage::from_bytes(wire);
    CHECK(back == m);
    test::check_truncations_and_flips(
        wire, [](ByteView b) { return NodeMessage::from_bytes(b); },
        [&](const NodeMessage& d) { return d == m; });
  }
}

TEST_CASE("node wire: lying counts, wrong kinds and bad ranges are refused before allocating", "[node][wire]") {
  const auto decode = [](std::initializer_list<int> bytes) {
    Bytes b;
    for (int v : bytes) b.push_back(static_cast<std::byte>(v));
    return NodeMessage::from_bytes(b);
  };
  CHECK_THROWS_AS(decode({1, 13}), DecodeError);                       // unknown kind
  CHECK_THROWS_AS(decode({1, 11, 1, 0, 0, 0, 0, 0, 0, 0, 4}), DecodeError);  // 4 validator sets announced
  CHECK_THROWS_AS(decode({1, 11, 1, 0, 0, 0, 0, 0, 0, 0, 1}), DecodeError);  // 1 announced, none there
  CHECK_THROWS_AS(NodeMessage::validators(1, std::vector<consensus::ValidatorSet>(4)),
                  InvalidArgument);
  CHECK_THROWS_AS(decode({1, 0}), DecodeError);                        // unknown kind
  // A chunk or manifest announced above 8 MiB, before any allocation.
  CHECK_THROWS_AS(decode({1, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x81, 0x80, 0x80, 0x04}), DecodeError);
  CHECK_THROWS_AS(decode({1, 7, 0x81, 0x80, 0x80, 0x04}), DecodeError);
  CHECK_THROWS_AS(NodeMessage::chunk(1, 0, Bytes(NodeMessage::max_snapshot_bytes + 1)), InvalidArgument);
  CHECK_THROWS_AS(decode({2, 1, 0}), DecodeError);                     // unknown version
  CHECK_THROWS_AS(decode({1, 4, 0xff, 0xff, 0xff, 0x0f}), DecodeError);  // 2^32 blocks announced
  CHECK_THROWS_AS(decode({1, 4, 65}), DecodeError);                    // over max_sync_blocks
  CHECK_THROWS_AS(decode({1, 2, 0}), DecodeError);                     // empty transaction
  CHECK_THROWS_AS(decode({1, 2, 0xff, 0xff, 0xff, 0xff, 0x0f, 1}), DecodeError);  // lying length
  CHECK_THROWS_AS(decode({1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}), DecodeError);  // from 0
  CHECK_THROWS_AS(decode({1, 3, 5, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0}), DecodeError);  // from > to
  CHECK_THROWS_AS(NodeMessage::sync_request(0, 1), InvalidArgument);
  // Gossiped batches: none, an empty one inside, a count over the limit or
  // over what the bytes hold, and too many bytes together.
  CHECK_THROWS_AS(decode({1, 12, 0}), DecodeError);
  CHECK_THROWS_AS(decode({1, 12, 2, 1, 5, 0}), DecodeError);
  CHECK_THROWS_AS(decode({1, 12, 0x91, 0x4e}), DecodeError);          // 10,001 announced
  CHECK_THROWS_AS(decode({1, 12, 0x90, 0x4e, 1, 5}), DecodeError);    // 10,000 announced, one there
  CHECK_THROWS_AS(NodeMessage::transactions({}), InvalidArgument);
  CHECK_THROWS_AS(NodeMessage::transactions({Bytes{std::byte{1}}, Bytes{}}), InvalidArgument);
  CHECK_THROWS_AS(NodeMessage::transactions(std::vector<Bytes>(NodeMessage::max_gossip_txs + 1, Bytes(1))),
                  InvalidArgument);
  {
    std::vector<Bytes> big(5, Bytes(NodeMessage::max_gossip_bytes / 4, std::byte{1}));
    CHECK_THROWS_AS(NodeMessage::transactions(big), InvalidArgument);
    Writer over;
    over.version(1).u8(12).varint(big.size());
    for (const auto& tx : big) over.bytes(tx);
    consensus::Limits limits;
    limits.max_body = NodeMessage::max_gossip_bytes;  // each fits; together they do not
    CHECK_THROWS_AS(NodeMessage::from_bytes(over.data(), limits), DecodeError);
    big.pop_back();
    Writer fits;
    fits.version(1).u8(12).varint(big.size());
    for (const auto& tx : big) fits.bytes(tx);
    CHECK(NodeMessage::from_bytes(fits.data(), limits).txs == big);
  }
  const auto chain = test::make_chain(4, 3);
  // Blocks out of order, and a non-decision inside a sync response.
  std::vector<consensus::Decision> swapped = {chain.decisions[1], chain.decisions[0]};
  Writer w;
  w.version(1).u8(4).varint(2);
  for (const auto& d : swapped) w.bytes(consensus::Message{d}.to_bytes());
  CHECK_THROWS_AS(NodeMessage::from_bytes(w.data()), DecodeError);
}

namespace {

// A genesis document of make_consortium(4)'s validators and accounts.
node::GenesisDocument payments_genesis(consensus::TimePoint time) {
  const auto c = test::make_consortium(4);
  return node::GenesisDocument{c.chain_id, c.genesis.validators, "payments", c.genesis.app_state, time, {}};
}

}  // namespace

TEST_CASE("node wire: the genesis document round-trips - truncations and bit flips are refused", "[node][wire]") {
  auto g = payments_genesis(1234);
  const Bytes wire = g.to_bytes();
  CHECK(node::GenesisDocument::from_bytes(wire) == g);
  CHECK(g.genesis().validators == g.validators);
  test::check_truncations_and_flips(
      wire, [](ByteView b) { return node::GenesisDocument::from_bytes(b); },
      [&](const node::GenesisDocument& d) { return d == g; });
  node::GenesisDocument empty = g;
  empty.chain_id.clear();
  CHECK_THROWS_AS(node::GenesisDocument::from_bytes(empty.to_bytes()), DecodeError);
  CHECK(std::to_integer<int>(wire[0]) == 1);  // the default engine keeps version 1 (and its hash)
}

TEST_CASE("node wire: a Gosig genesis is version 2 with its stages and candidates - every bad field is refused",
          "[node][wire][gosig]") {
  auto g = payments_genesis(1'700'000'000'000'000'000);
  g.engine.kind = node::ChainEngine::Kind::gosig;
  g.engine.stage_one = 300'000'000;
  g.engine.stage_two = 200'000'000;
  g.engine.expected_candidates = 2;
  const Bytes wire = g.to_bytes();
  CHECK(std::to_integer<int>(wire[0]) == 2);
  CHECK(node::GenesisDocument::from_bytes(wire) == g);
  CHECK(g.hash() != node::GenesisDocument{g.chain_id, g.validators, g.app, g.app_state, g.time, {}}.hash());
  test::check_truncations_and_flips(
      wire, [](ByteView b) { return node::GenesisDocument::from_bytes(b); },
      [&](const node::GenesisDocument& d) { return d == g; });
  // The writer refuses what the reader would refuse.
  const auto refused = [&](const std::function<void(node::ChainEngine&)>& spoil) {
    auto bad = g;
    spoil(bad.engine);
    return bad;
  };
  const std::function<void(node::ChainEngine&)> spoils[] = {
      [](auto& e) { e.stage_one = 999'999; },                        // under 1 ms
      [](auto& e) { e.stage_two = 3'600'000'000'001; },              // over 1 h
      [](auto& e) { e.expected_candidates = 0; },
      [](auto& e) { e.expected_candidates = 5; },                    // more than the validators
      [](auto& e) { e.kind = static_cast<node::ChainEngine::Kind>(2); },
  };
  for (const auto& spoil : spoils) CHECK_THROWS_AS(refused(spoil).to_bytes(), InvalidArgument);
  // Version 2 with the default engine: two encodings of one document are refused.
  Bytes v2_default = node::GenesisDocument{g.chain_id, g.validators, g.app, g.app_state, g.time, {}}.to_bytes();
  v2_default[0] = std::byte{2};
  Writer tail;
  tail.u8(0).u64(1'000'000'000).u64(1'000'000'000).u32(3);
  v2_default.insert(v2_default.end(), tail.data().begin(), tail.data().end());
  CHECK_THROWS_AS(node::GenesisDocument::from_bytes(v2_default), DecodeError);
  Bytes v3 = wire;
  v3[0] = std::byte{3};
  CHECK_THROWS_AS(node::GenesisDocument::from_bytes(v3), DecodeError);
  CHECK(node::engine_kind_from_string("gosig") == node::ChainEngine::Kind::gosig);
  CHECK(node::engine_kind_from_string("tendermint") == node::ChainEngine::Kind::tendermint);
  CHECK_FALSE(node::engine_kind_from_string("hotstuff"));
  CHECK(node::to_string(node::ChainEngine::Kind::gosig) == "gosig");
}
