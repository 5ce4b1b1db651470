// Tests for privfin/core/detail/fixed_key_aes.hpp: AES-128 against the
// example vector of FIPS-197 (Appendix C.1: key 000102...0f, plaintext
// 00112233...ff, ciphertext 69c4e0d8...c55a), block by block and in bulk,
// in place, and the refused sizes and use after move.
#include <catch2/catch.hpp>

#include <privfin/core/bytes.hpp>
#include <privfin/core/detail/fixed_key_aes.hpp>
#include <privfin/core/error.hpp>

#include <algorithm>
#include <array>
#include <utility>

using namespace privfin;

namespace {
std::array<std::byte, 16> fips197_key() {
  const Bytes k = from_hex("000102030405060708090a0b0c0d0e0f");
  std::array<std::byte, 16> key{};
  std::copy(k.begin(), k.end(), key.begin());
  return key;
}
}  // namespace

TEST_CASE("FixedKeyAes128: the FIPS-197 example, one block, many blocks, in place", "[core][aes]") {
  detail::FixedKeyAes128 aes(fips197_key());
  const Bytes plain = from_hex("00112233445566778899aabbccddeeff");
  const Bytes cipher = from_hex("69c4e0d86a7b0430d8cdb78070b4c55a");
  Bytes out(16);
  aes.encrypt(plain, out);
  CHECK(out == cipher);
  // 300 copies in one call (ECB: every block alike), then in place.
  Bytes many;
  for (int i = 0; i < 300; ++i) many.insert(many.end(), plain.begin(), plain.end());
  Bytes many_out(many.size());
  aes.encrypt(many, many_out);
  aes.encrypt(many, many);
  for (std::size_t b = 0; b < 300; ++b) {
    CHECK(Bytes(many_out.begin() + static_cast<std::ptrdiff_t>(16 * b),
                many_out.begin() + static_cast<std::ptrdiff_t>(16 * b + 16)) == cipher);
  }
  CHECK(many == many_out);
}

TEST_CASE("FixedKeyAes128: sizes that differ or are not whole blocks, and use after move, are refused",
          "[core][aes]") {
  detail::FixedKeyAes128 aes(fips197_key());
  Bytes in(32), out(16), odd(17);
  CHECK_THROWS_AS(aes.encrypt(in, out), InvalidArgument);
  CHECK_THROWS_AS(aes.encrypt(odd, odd), InvalidArgument);
  detail::FixedKeyAes128 moved(std::move(aes));
  CHECK_NOTHROW(moved.encrypt(out, out));
  CHECK_THROWS_WITH(aes.encrypt(out, out), Catch::Contains("use after move"));  // NOLINT(bugprone-use-after-move)
}
