// The OT wire messages: round trips, and every truncation and single-bit
// flip of a valid encoding is refused or decodes to another value.
#include <sodium.h>

#include <catch2/catch.hpp>

#include "privfin/core/codec.hpp"
#include "privfin/ot/messages.hpp"
#include "support/local_parties.hpp"
#include "support/wire_negative.hpp"

using namespace privfin;

namespace {

ot::Point random_point(Prg& prg) {
  std::array<unsigned char, 64> wide{};
  prg.fill(std::as_writable_bytes(std::span(wide)));
  ot::Point p{};
  crypto_core_ristretto255_from_hash(reinterpret_cast<unsigned char*>(p.data()), wide.data());
  return p;
}

template <class M>
void check_wire(const M& m) {
  const Bytes wire = m.to_bytes();
  CHECK(M::from_bytes(wire) == m);
  test::check_truncations_and_flips(wire, [](ByteView b) { return M::from_bytes(b); },
                                    [&](const M& d) { return d == m; });
}

}  // namespace

TEST_CASE("ot messages: round trip, truncations and bit flips", "[ot][wire]") {
  Prg prg(test::seed_of(7));
  SECTION("BaseOtSetup") { check_wire(ot::BaseOtSetup{128, random_point(prg)}); }
  SECTION("BaseOtChoice") { check_wire(ot::BaseOtChoice{{random_point(prg), random_point(prg), random_point(prg)}}); }
  SECTION("ExtensionMatrix") {
    ot::ExtensionMatrix m{3, prg.bytes(16 * ot::extension_rows(3))};
    check_wire(m);
  }
  SECTION("ConsistencyChallenge") { check_wire(ot::ConsistencyChallenge{prg.next_seed()}); }
  SECTION("ConsistencyResponse") {
    ot::ConsistencyResponse r{};
    prg.fill(std::span(&r.x, 1));
    prg.fill(std::span(&r.t_low, 1));
    prg.fill(std::span(&r.t_high, 1));
    check_wire(r);
  }
  SECTION("MaskedMessages, chosen blocks") {
    check_wire(ot::MaskedMessages{ot::MaskedMessages::Kind::chosen_blocks, 2, prg.bytes(64)});
  }
  SECTION("MaskedMessages, correlated words") {
    check_wire(ot::MaskedMessages{ot::MaskedMessages::Kind::correlated_u64, 5, prg.bytes(40)});
  }
  SECTION("MaskedMessages, Gilboa widths: 64 + 63 + 62 bits for 3 OTs") {
    check_wire(ot::MaskedMessages{ot::MaskedMessages::Kind::correlated_gilboa, 3, prg.bytes(24)});
  }
  SECTION("MaskedMessages, one bit per OT") {
    check_wire(ot::MaskedMessages{ot::MaskedMessages::Kind::correlated_bits, 9, prg.bytes(2)});
  }
  SECTION("MaskedMessages, choice flips (silent OT): one bit per OT") {
    check_wire(ot::MaskedMessages{ot::MaskedMessages::Kind::choice_flips, 17, prg.bytes(3)});
  }
}

TEST_CASE("ot messages: the narrow corrections' lengths", "[ot][wire]") {
  using Kind = ot::MaskedMessages::Kind;
  CHECK(ot::masked_payload_bytes(Kind::chosen_blocks, 3) == 96);
  CHECK(ot::masked_payload_bytes(Kind::correlated_u64, 3) == 24);
  // 64 + 63 + ... + 1 = 2,080 bits per 64 OTs.
  CHECK(ot::masked_payload_bytes(Kind::correlated_gilboa, 64) == 260);
  CHECK(ot::masked_payload_bytes(Kind::correlated_gilboa, 65536) == 1024 * 260);
  CHECK(ot::masked_payload_bytes(Kind::correlated_gilboa, 1) == 8);
  CHECK(ot::masked_payload_bytes(Kind::correlated_gilboa, 2) == 16);  // 127 bits
  CHECK(ot::masked_payload_bytes(Kind::correlated_gilboa, 65) == 268);
  CHECK(ot::masked_payload_bytes(Kind::correlated_bits, 64) == 8);
  CHECK(ot::masked_payload_bytes(Kind::correlated_bits, 65) == 9);
  CHECK(ot::masked_payload_bytes(Kind::choice_flips, 65) == 9);
  CHECK_THROWS_AS(ot::masked_payload_bytes(static_cast<Kind>(9), 1), InvalidArgument);
  // A payload a byte short or long is refused.
  for (const auto kind : {Kind::correlated_gilboa, Kind::correlated_bits, Kind::choice_flips}) {
    for (const std::size_t extra : {std::size_t{0}, std::size_t{2}}) {
      Writer w;
      w.version(1).u8(static_cast<std::uint8_t>(kind)).varint(100);
      w.raw(Bytes(ot::masked_payload_bytes(kind, 100) + extra - 1));
      CHECK_THROWS_AS(ot::MaskedMessagesView::from_bytes(w.data()), DecodeError);
    }
  }
}

TEST_CASE("ot messages: lying counts are refused before allocating", "[ot][wire]") {
  Writer w;
  w.version(1).varint(ot::max_extension_batch + 1);
  CHECK_THROWS_AS(ot::ExtensionMatrix::from_bytes(w.data()), DecodeError);
  Writer w2;
  w2.version(1).varint(1000);  // claims 1000 OTs, carries nothing
  CHECK_THROWS_AS(ot::ExtensionMatrix::from_bytes(w2.data()), DecodeError);
  Writer w3;
  w3.version(1).varint(ot::max_base_ots + 1);
  CHECK_THROWS_AS(ot::BaseOtChoice::from_bytes(w3.data()), DecodeError);
  Writer w4;
  w4.version(1).varint(0);
  CHECK_THROWS_AS(ot::BaseOtChoice::from_bytes(w4.data()), DecodeError);
  Writer w5;
  w5.version(1).u8(6).varint(0);
  CHECK_THROWS_WITH(ot::MaskedMessages::from_bytes(w5.data()), Catch::Contains("unknown kind"));
}

TEST_CASE("ot messages: the view decoders read in place and agree with from_bytes", "[ot][wire]") {
  Prg prg(test::seed_of(8));
  const ot::ExtensionMatrix m{300, prg.bytes(16 * ot::extension_rows(300))};
  const Bytes wire = m.to_bytes();
  CHECK(ot::ExtensionMatrix::header(300) == Bytes(wire.begin(), wire.end() - static_cast<std::ptrdiff_t>(m.columns.size())));
  const auto view = ot::ExtensionMatrixView::from_bytes(wire);
  CHECK(view.count == 300);
  CHECK(view.columns.data() == wire.data() + (wire.size() - m.columns.size()));
  CHECK(Bytes(view.columns.begin(), view.columns.end()) == m.columns);

  const ot::MaskedMessages mm{ot::MaskedMessages::Kind::correlated_u64, 5, prg.bytes(40)};
  const Bytes wire2 = mm.to_bytes();
  const auto view2 = ot::MaskedMessagesView::from_bytes(wire2);
  CHECK(view2.kind == mm.kind);
  CHECK(view2.count == 5);
  CHECK(view2.payload.data() == wire2.data() + (wire2.size() - 40));
  CHECK(ot::MaskedMessages::header(mm.kind, 5).size() == wire2.size() - 40);
  // The same refusals: a count the bytes do not carry.
  Writer w;
  w.version(1).varint(1000);
  CHECK_THROWS_AS(ot::ExtensionMatrixView::from_bytes(w.data()), DecodeError);
  Writer w2;
  w2.version(1).u8(2).varint(6);
  w2.raw(prg.bytes(40));
  CHECK_THROWS_AS(ot::MaskedMessagesView::from_bytes(w2.data()), DecodeError);
}

TEST_CASE("ot messages: silent OT tree messages round trip and refuse lying counts", "[ot][wire][silent]") {
  Prg prg(test::seed_of(9));
  const std::size_t trees = 3;
  const std::size_t depth = 2;
  const Bytes blocks = prg.bytes(16 * ot::punctured_tree_blocks(trees, depth));
  CHECK(blocks.size() == 16 * 15);
  Bytes wire = ot::PuncturedTreesView::header(7, trees, 300, depth, 306);
  wire.insert(wire.end(), blocks.begin(), blocks.end());
  const auto same = [&](const ot::PuncturedTreesView& v) {
    return v.iteration == 7 && v.trees == trees && v.secret_length == 300 && v.kept == 306 && v.depth == depth &&
           Bytes(v.blocks.begin(), v.blocks.end()) == blocks;
  };
  const auto view = ot::PuncturedTreesView::from_bytes(wire);
  CHECK(same(view));
  CHECK(view.blocks.data() == wire.data() + (wire.size() - blocks.size()));
  test::check_truncations_and_flips(wire, [](ByteView b) { return ot::PuncturedTreesView::from_bytes(b); }, same);

  const auto refused = [](std::uint64_t t, std::uint64_t k, std::uint64_t kept, std::uint64_t d, std::size_t carried,
                           const char* why) {
    Writer w;
    w.version(ot::PuncturedTreesView::format_version).varint(0).varint(t).varint(k).varint(kept).varint(d);
    w.raw(Bytes(carried));
    CHECK_THROWS_WITH(ot::PuncturedTreesView::from_bytes(w.data()), Catch::Contains(why));
  };
  refused(0, 1, 1, 1, 48, "tree count");
  refused(ot::max_silent_trees + 1, 1, 1, 1, 48, "tree count");
  refused(1, 0, 1, 1, 48, "LPN secret length");
  refused(1, ot::max_silent_secret + 1, 1, 1, 48, "LPN secret length");
  refused(1, 1, 0, 1, 48, "outputs kept");
  refused(1, 1, ot::max_silent_outputs + 1, 1, 48, "outputs kept");
  refused(1, 1, 1, 0, 16, "depth");
  refused(1, 1, 1, ot::max_silent_depth + 1, 0, "depth");
  refused(1000, 1, 1, 20, 16, "needs 656000 bytes");  // claims 41,000 blocks, carries one
  // Version 1 (no k, no kept) is refused.
  Writer v1;
  v1.version(1).varint(0).varint(1).varint(1).raw(Bytes(48));
  CHECK_THROWS_AS(ot::PuncturedTreesView::from_bytes(v1.data()), DecodeError);
}
