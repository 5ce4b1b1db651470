// XofTurboShake128 and XofFixedKeyAes128 against the draft-irtf-cfrg-vdaf-20
// vectors (tests/vectors/vdaf-20/Xof*.json), plus stream-chunking checks.
#include <catch2/catch.hpp>

#include <array>
#include <string_view>

#include "privfin/core/prg.hpp"
#include "privfin/vdaf/xof.hpp"
#include "support/vectors.hpp"

using namespace privfin;
using namespace privfin::vdaf;
using namespace privfin::vdaf;

namespace {

template <class Xof>
void check_xof_file(const std::string& file) {
  const auto j = test::load_json(test::vectors_dir() / "vdaf-20" / file);
  const Bytes seed = from_hex(j.at("seed").get<std::string>());
  const Bytes dst = from_hex(j.at("dst").get<std::string>());
  const Bytes binder = from_hex(j.at("binder").get<std::string>());
  const auto length = j.at("length").get<std::size_t>();

  CHECK(to_hex(Xof::derive_seed(seed, dst, {binder})) == j.at("derived_seed").get<std::string>());
  auto vec = Xof::template expand_into_vec<Field128>(seed, dst, {binder}, length);
  CHECK(to_hex(encode_vec<Field128>(vec)) == j.at("expanded_vec_field128").get<std::string>());

  // The stream does not depend on how it is read, nor on how the binder is split.
  Xof a(seed, dst, {binder});
  const Bytes whole = a.next(100);
  Xof b(seed, dst, {ByteView(binder).first(3), ByteView(binder).subspan(3)});
  Bytes pieces;
  for (std::size_t n : {std::size_t{1}, std::size_t{15}, std::size_t{16}, std::size_t{17}, std::size_t{51}}) {
    Bytes part = b.next(n);
    pieces.insert(pieces.end(), part.begin(), part.end());
  }
  CHECK(pieces == whole);

  // Another binder or dst gives another stream.
  Bytes other_binder = binder;
  other_binder[0] ^= std::byte{1};
  CHECK(Xof::derive_seed(seed, dst, {other_binder}) != Xof::derive_seed(seed, dst, {binder}));
  CHECK_THROWS_AS(Xof(ByteView(seed).first(seed.size() - 1), dst, {binder}), InvalidArgument);
}

}  // namespace

TEST_CASE("XofTurboShake128 matches the vdaf-20 vector", "[vdaf][prio3][xof]") {
  check_xof_file<XofTurboShake128>("XofTurboShake128.json");
}

TEST_CASE("XofFixedKeyAes128 matches the vdaf-20 vector", "[vdaf][prio3][xof]") {
  check_xof_file<XofFixedKeyAes128>("XofFixedKeyAes128.json");
}

TEST_CASE("XofFixedKeyAes128 moves its stream and refuses use after a move", "[vdaf][prio3][xof]") {
  const Bytes seed(XofFixedKeyAes128::seed_size, std::byte{7});
  const Bytes dst = to_bytes(std::string_view("dst"));
  const Bytes binder = to_bytes(std::string_view("binder"));
  XofFixedKeyAes128 reference(seed, dst, binder);
  XofFixedKeyAes128 original(seed, dst, binder);
  std::array<std::byte, 40> first{}, expected{};
  original.next(std::span(first).first(20));  // mid-block: the position moves too
  XofFixedKeyAes128 moved(std::move(original));
  moved.next(std::span(first).subspan(20));
  reference.next(expected);
  CHECK(first == expected);
  std::array<std::byte, 17> more{};
  // Past the copied rest of its block (12 bytes) it needs the moved permutation.
  CHECK_THROWS_AS(original.next(more), InvalidArgument);  // NOLINT(bugprone-use-after-move): the point
}
