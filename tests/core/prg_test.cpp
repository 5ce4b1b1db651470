// Tests for privfin/core/prg.hpp: the stream is AES-128-CTR, independent of
// chunking, derivation separates streams, and the output looks uniform.
#include <catch2/catch.hpp>

#include <privfin/core/prg.hpp>
#include <privfin/core/ring.hpp>

#include <openssl/evp.h>

#include <array>
#include <set>

using namespace privfin;

namespace {
Prg::Seed seed_of(unsigned char first) {
  Prg::Seed s{};
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<std::byte>(first + i);
  return s;
}
}  // namespace

TEST_CASE("Prg output is the AES-128-CTR keystream", "[core][prg]") {
  // The first two keystream blocks are AES_seed(0) and AES_seed(1), computed
  // independently here with EVP's ECB mode.
  const Prg::Seed seed = seed_of(0);
  Prg prg(seed);
  std::array<std::byte, 32> stream{};
  prg.fill(stream);

  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  REQUIRE(EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), nullptr, reinterpret_cast<const unsigned char*>(seed.data()), nullptr) == 1);
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  std::array<unsigned char, 32> counters{};
  counters[31] = 1;  // blocks 0 and 1, big-endian counters
  std::array<unsigned char, 32> expected{};
  int len = 0;
  REQUIRE(EVP_EncryptUpdate(ctx, expected.data(), &len, counters.data(), 32) == 1);
  EVP_CIPHER_CTX_free(ctx);
  for (std::size_t i = 0; i < 32; ++i) CHECK(static_cast<unsigned char>(stream[i]) == expected[i]);
}

TEST_CASE("Prg stream does not depend on request sizes", "[core][prg]") {
  Prg whole(seed_of(9));
  const Bytes reference = whole.bytes(10000);
  Prg pieces(seed_of(9));
  Bytes joined;
  for (std::size_t n : {1U, 7U, 1024U, 3000U, 0U, 2048U, 15U, 3905U}) {
    Bytes part = pieces.bytes(n);
    joined.insert(joined.end(), part.begin(), part.end());
  }
  CHECK(joined == reference);
}

TEST_CASE("Prg derive gives independent, reproducible children", "[core][prg]") {
  const Prg parent(seed_of(1));
  Prg a1 = parent.derive("a"), a2 = parent.derive("a"), b = parent.derive("b");
  const Bytes x1 = a1.bytes(64), x2 = a2.bytes(64), y = b.bytes(64);
  CHECK(x1 == x2);
  CHECK(x1 != y);
  Prg parent_stream(seed_of(1));
  CHECK(parent_stream.bytes(64) != x1);
}

TEST_CASE("Prg fills ring elements and moves safely", "[core][prg]") {
  Prg prg(seed_of(3));
  std::vector<Z2k<64>> v(1000);
  prg.fill(std::span<Z2k<64>>(v));
  std::set<std::uint64_t> distinct;
  for (auto x : v) distinct.insert(x.value());
  CHECK(distinct.size() == v.size());
  Prg moved = std::move(prg);
  CHECK_NOTHROW(moved.next_u64());
  CHECK_THROWS_AS(prg.next_u64(), InvalidArgument);  // NOLINT(bugprone-use-after-move): the moved-from state is part of the contract
}

TEST_CASE("Prg output bytes are uniform (chi-square over 2^20 bytes)", "[core][prg]") {
  Prg prg(seed_of(5));
  const Bytes data = prg.bytes(1 << 20);
  std::array<double, 256> counts{};
  for (std::byte b : data) counts[static_cast<std::size_t>(b)] += 1;
  const double expected = static_cast<double>(data.size()) / 256.0;
  double chi2 = 0;
  for (double c : counts) chi2 += (c - expected) * (c - expected) / expected;
  // 255 degrees of freedom: the 99.99th percentile is about 347.
  CHECK(chi2 < 347.0);
}

TEST_CASE("secure_random produces distinct seeds", "[core][prg]") {
  CHECK(random_seed() != random_seed());
  Bytes big(100000);
  CHECK_NOTHROW(secure_random(big));
}
