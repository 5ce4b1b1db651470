// Tests for privfin/core/codec.hpp: round trips of every kind of field and
// every malformed input the Reader must reject.
#include <catch2/catch.hpp>

#include <privfin/core/codec.hpp>
#include <privfin/core/mersenne.hpp>
#include <privfin/core/ring.hpp>

using namespace privfin;

TEST_CASE("codec round trip", "[core][codec]") {
  Prg prg(Prg::Seed{std::byte{6}});
  std::vector<Z2k<64>> ring(65);
  prg.fill(std::span<Z2k<64>>(ring));
  std::vector<Fp61> field(10);
  for (auto& x : field) x = Fp61::random(prg);
  const mpz_class big("123456789abcdef0123456789abcdef", 16);

  Writer w;
  w.version(2).u8(7).u16(0xBEEF).u32(0xDEADBEEF).u64(~std::uint64_t{0}).boolean(true);
  w.varint(0).varint(127).varint(128).varint(~std::uint64_t{0});
  w.bytes(from_hex("abcd")).string("label").bigint(big).bigint(0);
  w.elements<Z2k<64>>(ring).elements<Fp61>(field).element(Fp127::from_words(5, 6));
  const Bytes data = std::move(w).take();

  Reader r(data);
  r.expect_version(2, "header");
  CHECK(r.u8("a") == 7);
  CHECK(r.u16("b") == 0xBEEF);
  CHECK(r.u32("c") == 0xDEADBEEF);
  CHECK(r.u64("d") == ~std::uint64_t{0});
  CHECK(r.boolean("e"));
  CHECK(r.varint("f") == 0);
  CHECK(r.varint("g") == 127);
  CHECK(r.varint("h") == 128);
  CHECK(r.varint("i") == ~std::uint64_t{0});
  CHECK(to_hex(r.bytes("j")) == "abcd");
  CHECK(r.string("k") == "label");
  CHECK(r.bigint("l", 64) == big);
  CHECK(r.bigint("m", 64) == 0);
  CHECK(r.elements<Z2k<64>>("n") == ring);
  CHECK(r.elements<Fp61>("o") == field);
  CHECK(r.element<Fp127>("p") == Fp127::from_words(5, 6));
  CHECK(r.at_end());
  CHECK_NOTHROW(r.expect_end("message"));
}

TEST_CASE("a reserved writer writes the same bytes in one buffer", "[core][codec]") {
  Writer plain, reserved;
  reserved.reserve(64);
  const Bytes* buffer = &reserved.data();
  const auto* before = reserved.data().data();
  for (Writer* w : {&plain, &reserved}) w->string("privfin").u64(42).bytes(from_hex("abcdef"));
  CHECK(reserved.data() == plain.data());
  CHECK(&reserved.data() == buffer);
  CHECK(reserved.data().data() == before);  // 22 bytes fit: no reallocation
  CHECK(reserved.data().capacity() >= 64);
}

TEST_CASE("varints are little-endian base 128", "[core][codec]") {
  Writer w;
  w.varint(300);
  CHECK(to_hex(w.data()) == "ac02");
}

TEST_CASE("codec rejects malformed input with the field and offset", "[core][codec]") {
  SECTION("truncated fixed-width integer") {
    const Bytes d = from_hex("0102");
    Reader r(d);
    CHECK_THROWS_WITH(r.u32("count"), Catch::Contains("count at byte 0") && Catch::Contains("needs 4 bytes"));
  }
  SECTION("length prefix larger than the input does not allocate") {
    Writer w;
    w.varint(std::uint64_t{1} << 40);
    const Bytes d = std::move(w).take();
    Reader r1(d);
    CHECK_THROWS_AS(r1.bytes("payload"), DecodeError);
    Reader r2(d);
    CHECK_THROWS_WITH(r2.elements<Z2k<64>>("shares"), Catch::Contains("more bytes than remain"));
  }
  SECTION("length above the caller's maximum") {
    Writer w;
    w.bytes(Bytes(10));
    const Bytes d = std::move(w).take();
    Reader r(d);
    CHECK_THROWS_WITH(r.bytes("name", 9), Catch::Contains("exceeds the maximum 9"));
  }
  SECTION("non-canonical varints") {
    for (const char* hex : {"8000", "ff00", "80808080808080808080", "ffffffffffffffffff02", "80"}) {
      const Bytes d = from_hex(hex);
      Reader r(d);
      INFO(hex);
      CHECK_THROWS_AS(r.varint("n"), DecodeError);
    }
  }
  SECTION("non-canonical field elements and booleans") {
    const Bytes p61 = from_hex("ffffffffffffff1f");  // 2^61 - 1 itself
    Reader r(p61);
    CHECK_THROWS_WITH(r.element<Fp61>("x"), Catch::Contains("non-canonical"));
    const Bytes two = from_hex("02");
    Reader rb(two);
    CHECK_THROWS_AS(rb.boolean("flag"), DecodeError);
  }
  SECTION("big integers with a trailing zero byte or too long") {
    const Bytes d = from_hex("020100");
    Reader r(d);
    CHECK_THROWS_WITH(r.bigint("n", 10), Catch::Contains("trailing zero"));
    const Bytes long_int = from_hex("0301020304");
    Reader r2(long_int);
    CHECK_THROWS_AS(r2.bigint("n", 2), DecodeError);
  }
  SECTION("wrong version and trailing bytes") {
    const Bytes d = from_hex("0300");
    Reader r(d);
    CHECK_THROWS_WITH(r.expect_version(1, "key file"), Catch::Contains("unsupported format version 3"));
    Reader r2(d);
    (void)r2.u8("v");
    CHECK_THROWS_WITH(r2.expect_end("key file"), Catch::Contains("1 unexpected trailing bytes"));
  }
  SECTION("negative integers cannot be written") {
    Writer w;
    CHECK_THROWS_AS(w.bigint(mpz_class(-1)), InvalidArgument);
  }
}
