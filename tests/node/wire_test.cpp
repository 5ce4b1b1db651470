// Node messages: round trips, and every truncation and bit flip refused or
// decoded to another value.
#include <catch2/catch.hpp>

#include "node/node_test_support.hpp"
#include "privfin/node/genesis.hpp"
#include "privfin/node/wire.hpp"
#include "support/wire_negative.hpp"

using namespace privfin;
using namespace privfin::node;

TEST_CASE("node wire: every kind round-trips; truncations and bit flips are refused", "[node][wire]") {
  const auto chain = test::make_chain(4, 3);
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
  CHECK_THROWS_AS(decode({1, 10}), DecodeError);                       // unknown kind
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
  const auto chain = test::make_chain(4, 3);
  // Blocks out of order, and a non-decision inside a sync response.
  std::vector<consensus::Decision> swapped = {chain.decisions[1], chain.decisions[0]};
  Writer w;
  w.version(1).u8(4).varint(2);
  for (const auto& d : swapped) w.bytes(consensus::Message{d}.to_bytes());
  CHECK_THROWS_AS(NodeMessage::from_bytes(w.data()), DecodeError);
}

TEST_CASE("node wire: the genesis document round-trips; truncations and bit flips are refused", "[node][wire]") {
  const auto c = test::make_consortium(4);
  node::GenesisDocument g;
  g.chain_id = c.chain_id;
  g.validators = c.genesis.validators;
  g.app = "payments";
  g.app_state = c.genesis.app_state;
  g.time = 1234;
  const Bytes wire = g.to_bytes();
  CHECK(node::GenesisDocument::from_bytes(wire) == g);
  CHECK(g.genesis().validators == g.validators);
  test::check_truncations_and_flips(
      wire, [](ByteView b) { return node::GenesisDocument::from_bytes(b); },
      [&](const node::GenesisDocument& d) { return d == g; });
  node::GenesisDocument empty = g;
  empty.chain_id.clear();
  CHECK_THROWS_AS(node::GenesisDocument::from_bytes(empty.to_bytes()), DecodeError);
}
