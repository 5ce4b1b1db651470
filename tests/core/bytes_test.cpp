// Tests for privfin/core/bytes.hpp and privfin/core/error.hpp.
#include <catch2/catch.hpp>

#include <privfin/core/bytes.hpp>
#include <privfin/core/error.hpp>

using namespace privfin;

TEST_CASE("hex round trip and malformed hex", "[core][bytes]") {
  CHECK(to_hex(from_hex("00ff10AB")) == "00ff10ab");
  CHECK(from_hex("").empty());
  CHECK_THROWS_AS(from_hex("abc"), DecodeError);
  CHECK_THROWS_WITH(from_hex("0g"), Catch::Contains("position 1"));
}

TEST_CASE("constant-time comparison and concatenation", "[core][bytes]") {
  const Bytes a = from_hex("010203"), b = from_hex("010204"), c = from_hex("0102");
  CHECK(constant_time_equal(a, a));
  CHECK_FALSE(constant_time_equal(a, b));
  CHECK_FALSE(constant_time_equal(a, c));
  CHECK(constant_time_equal(ByteView{}, ByteView{}));
  CHECK(concat(c, a, as_bytes("x")) == from_hex("0102010203" "78"));
}

TEST_CASE("equal_bytes compares lengths and every byte", "[core][bytes]") {
  const Bytes a = from_hex("010203"), b = from_hex("010204"), c = from_hex("0102"), d = from_hex("ff0203");
  CHECK(equal_bytes(a, from_hex("010203")));
  CHECK_FALSE(equal_bytes(a, b));  // last byte
  CHECK_FALSE(equal_bytes(a, d));  // first byte
  CHECK_FALSE(equal_bytes(a, c));  // a prefix
  CHECK_FALSE(equal_bytes(c, a));
  CHECK(equal_bytes(ByteView{}, ByteView{}));
  CHECK(equal_bytes(ByteView(a).first(0), Bytes{}));
  CHECK_FALSE(equal_bytes(ByteView{}, c));
}

TEST_CASE("secret bytes are wiped and copy correctly", "[core][bytes]") {
  Bytes raw = from_hex("deadbeef");
  secure_wipe(raw);
  CHECK(raw == Bytes(4));
  SecretBytes s(from_hex("0102"));
  SecretBytes t = s;
  CHECK(constant_time_equal(t.view(), s.view()));
  SecretBytes u = std::move(s);
  CHECK(u.size() == 2);
}

TEST_CASE("error types carry the offending party", "[core][error]") {
  const ProtocolError pe(3, "bad MAC");
  CHECK(pe.party() == 3);
  CHECK(std::string(pe.what()) == "party 3: bad MAC");
  const NetworkError ne(2, "timed out");
  REQUIRE(ne.party().has_value());
  CHECK(*ne.party() == 2);
  CHECK_FALSE(NetworkError("no route").party().has_value());
  const Error& base = pe;
  CHECK(dynamic_cast<const ProtocolError*>(&base) != nullptr);
}
