#include "privfin/core/rejection.hpp"

#include <catch2/catch.hpp>

#include "support/wire_negative.hpp"

using namespace privfin;

TEST_CASE("rejection: describe names the item, both parties and the cause", "[core][rejection]") {
  const Rejection r{.item = 17, .by = 0, .from = 3, .cause = RejectionCause::invalid_proof, .detail = "DLEQ"};
  CHECK(r.describe() == "item 17 from party 3 rejected by party 0: invalid proof (DLEQ)");
  const Rejection anonymous{.item = 2, .by = 1, .from = {}, .cause = RejectionCause::replayed, .detail = ""};
  CHECK(anonymous.describe() == "item 2 rejected by party 1: replayed");
}

TEST_CASE("rejection: wire form round-trips, alone and in lists", "[core][rejection]") {
  const Rejection a{.item = 300, .by = 2, .from = 1, .cause = RejectionCause::wrong_sender, .detail = "x"};
  const Rejection b{.item = 0, .by = 0, .from = {}, .cause = RejectionCause::malformed, .detail = ""};
  CHECK(Rejection::from_bytes(a.to_bytes()) == a);
  CHECK(Rejection::from_bytes(b.to_bytes()) == b);
  const std::vector<Rejection> list{a, b};
  CHECK(rejections_from_bytes(rejections_to_bytes(list), 10) == list);
  CHECK_THROWS_AS(rejections_from_bytes(rejections_to_bytes(list), 1), DecodeError);
  Rejection long_detail = a;
  long_detail.detail = std::string(5000, 'd');
  CHECK(Rejection::from_bytes(long_detail.to_bytes()).detail.size() == Rejection::max_detail_size);
}

TEST_CASE("rejection: every truncation and bit flip is refused or decodes to another value", "[core][rejection]") {
  const Rejection r{.item = 1000, .by = 4, .from = 2, .cause = RejectionCause::out_of_range, .detail = "limit"};
  test::check_truncations_and_flips(
      r.to_bytes(), [](ByteView b) { return Rejection::from_bytes(b); },
      [&](const Rejection& q) { return q == r; });
  const std::vector<Rejection> list{r, r};
  test::check_truncations_and_flips(
      rejections_to_bytes(list), [](ByteView b) { return rejections_from_bytes(b, 8); },
      [&](const std::vector<Rejection>& q) { return q == list; });
  CHECK_THROWS_AS(rejections_from_bytes(Bytes{std::byte{0x7f}}, 1000), DecodeError);  // lying count
}
