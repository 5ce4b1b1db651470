// Tests for privfin/core/detail/aes_ctr.hpp: the VAES keystream equals
// OpenSSL's AES-128-CTR (zero IV, big-endian 128-bit counter) for random
// keys, every block count from 0 to 70 (whole sixteen-block steps, the
// four-block tail and its masked last group), arbitrary starting counters
// including ones whose low byte carries, and Prg (which picks the VAES path
// on such CPUs) gives the same stream as OpenSSL for requests of any size.
#include <catch2/catch.hpp>

#include <privfin/core/detail/aes_ctr.hpp>
#include <privfin/core/prg.hpp>

#include <openssl/evp.h>

#include <array>
#include <vector>

using namespace privfin;

namespace {

// OpenSSL's AES-128-CTR keystream from block `first` on, as the reference.
std::vector<std::byte> reference(const Prg::Seed& key, std::uint64_t first, std::size_t blocks) {
  std::array<unsigned char, 16> iv{};
  for (std::size_t i = 0; i < 8; ++i) iv[15 - i] = static_cast<unsigned char>(first >> (8 * i));
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  REQUIRE(ctx != nullptr);
  REQUIRE(EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), nullptr, reinterpret_cast<const unsigned char*>(key.data()),
                             iv.data()) == 1);
  std::vector<std::byte> out(16 * blocks);
  int len = 0;
  if (!out.empty()) {
    auto* p = reinterpret_cast<unsigned char*>(out.data());
    REQUIRE(EVP_EncryptUpdate(ctx, p, &len, p, static_cast<int>(out.size())) == 1);
  }
  EVP_CIPHER_CTX_free(ctx);
  return out;
}

}  // namespace

TEST_CASE("VAES AES-128-CTR equals OpenSSL's for every length and start", "[core][prg][aes_ctr]") {
  if (!detail::vaes_ctr_supported()) {
    WARN("this CPU has no VAES/AVX-512: only the OpenSSL path of Prg runs here");
    return;
  }
  Prg keys(random_seed());
  for (std::uint64_t first : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{255}, std::uint64_t{0xfffffffeU},
                              std::uint64_t{0x00ffffffffffff00U}, keys.next_u64() >> 1}) {
    const Prg::Seed key = keys.next_seed();
    detail::AesRoundKeys rk;
    detail::aes128_expand_key(std::span<const std::byte, 16>(key), rk);
    const auto expected = reference(key, first, 70);
    for (std::size_t blocks = 0; blocks <= 70; ++blocks) {
      // A guard block after the output must stay untouched (masked tail).
      std::vector<std::byte> out(16 * blocks + 16, std::byte{0xa5});
      detail::aes128_ctr_keystream(rk, first, std::span<std::byte>(out.data(), 16 * blocks));
      INFO("first block " << first << ", " << blocks << " blocks");
      CHECK(std::equal(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(16 * blocks), expected.begin()));
      for (std::size_t i = 16 * blocks; i < out.size(); ++i) CHECK(out[i] == std::byte{0xa5});
    }
  }
}

TEST_CASE("Prg equals OpenSSL's AES-128-CTR for odd request sizes", "[core][prg][aes_ctr]") {
  const Prg::Seed seed = random_seed();
  Prg prg(seed);
  const auto expected = reference(seed, 0, 2000);
  std::vector<std::byte> got;
  // Sizes that are not multiples of the block, the buffer or the vector width.
  for (std::size_t n : {1U, 15U, 17U, 1023U, 1025U, 4096U, 5U, 3333U, 64U, 7000U}) {
    const Bytes part = prg.bytes(n);
    got.insert(got.end(), part.begin(), part.end());
  }
  REQUIRE(got.size() <= expected.size());
  CHECK(std::equal(got.begin(), got.end(), expected.begin()));
  // A moved Prg continues the stream where the original stopped.
  Prg moved = std::move(prg);
  const Bytes next = moved.bytes(100);
  CHECK(std::equal(next.begin(), next.end(), expected.begin() + static_cast<std::ptrdiff_t>(got.size())));
  CHECK_THROWS_AS(prg.fill(std::span<std::byte>(got.data(), 1)), InvalidArgument);  // NOLINT(bugprone-use-after-move)
}
