// The VAES/VPCLMULQDQ AES-GCM behind TcpNetwork's TLS records against
// OpenSSL's AES-GCM: same ciphertext and tag for AES-128 and AES-256 at
// every length around the 16- and 256-byte block boundaries and at TLS
// record sizes, with and without associated data, split inputs and split
// outputs; and every altered bit refused. (RFC 8448's records run through it
// in tls_records_test.cpp.) Skipped, with a message, on CPUs without VAES.
#include <catch2/catch.hpp>
#include <openssl/evp.h>

#include <memory>
#include <privfin/core/prg.hpp>

#include "net/aes_gcm_vaes.hpp"

namespace {

using namespace privfin;
using privfin::net::detail::VaesGcm;

struct Sealed {
  Bytes ciphertext;
  VaesGcm::Tag tag;
};

Sealed openssl_seal(ByteView key, const VaesGcm::Nonce& nonce, ByteView aad, ByteView text) {
  const std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                            EVP_CIPHER_CTX_free);
  const EVP_CIPHER* cipher = key.size() == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  REQUIRE(EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, k, nonce.data()) == 1);
  int len = 0;
  if (!aad.empty()) {
    REQUIRE(EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                              static_cast<int>(aad.size())) == 1);
  }
  Sealed out{Bytes(text.size()), {}};
  if (!text.empty()) {
    REQUIRE(EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.ciphertext.data()), &len,
                              reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size())) == 1);
  }
  REQUIRE(EVP_EncryptFinal_ex(ctx.get(), nullptr, &len) == 1);
  REQUIRE(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, 16, out.tag.data()) == 1);
  return out;
}

Bytes random_bytes(Prg& prg, std::size_t n) {
  Bytes b(n);
  prg.fill(std::span<std::byte>(b));
  return b;
}

}  // namespace

TEST_CASE("VAES AES-GCM equals OpenSSL's AES-GCM", "[net][tls][aes_gcm]") {
  if (!net::detail::vaes_gcm_supported()) {
    WARN("this CPU lacks VAES/VPCLMULQDQ/AVX-512: the fast AES-GCM is not used and not tested here");
    return;
  }
  Prg prg(Prg::Seed{std::byte{7}});
  const std::size_t lengths[] = {0,   1,    15,   16,   17,   31,    32,    33,    63,    64,   255,
                                 256, 257,  511,  512,  1000, 4095,  4096,  16383, 16384, 16385, 70000};
  for (const std::size_t key_size : {std::size_t{16}, std::size_t{32}}) {
    for (const std::size_t length : lengths) {
      for (const std::size_t aad_size : {std::size_t{0}, std::size_t{5}, std::size_t{16}}) {
        for (const std::size_t extra_size : {std::size_t{0}, std::size_t{1}, std::size_t{16}}) {
          INFO("key " << key_size << ", text " << length << " + " << extra_size << ", aad " << aad_size);
          const Bytes key = random_bytes(prg, key_size);
          VaesGcm::Nonce nonce{};
          prg.fill(std::as_writable_bytes(std::span(nonce)));
          const Bytes aad = random_bytes(prg, aad_size);
          const Bytes body = random_bytes(prg, length);
          const Bytes extra = random_bytes(prg, extra_size);
          Bytes whole = body;
          whole.insert(whole.end(), extra.begin(), extra.end());

          const Sealed expected = openssl_seal(key, nonce, aad, whole);
          const VaesGcm gcm(key);
          Bytes ciphertext(whole.size());
          const auto tag = gcm.encrypt(nonce, aad, body, extra, ciphertext.data());
          REQUIRE(ciphertext == expected.ciphertext);
          REQUIRE(tag == expected.tag);

          // Decrypt with the output split as a TLS record is (content, type).
          const std::size_t tail = std::min<std::size_t>(extra_size, whole.size());
          Bytes plain(whole.size() - tail);
          Bytes plain_tail(tail);
          REQUIRE(gcm.decrypt(nonce, aad, ciphertext, plain.data(), plain_tail, tag));
          plain.insert(plain.end(), plain_tail.begin(), plain_tail.end());
          REQUIRE(plain == whole);

          // In place.
          Bytes in_place = ciphertext;
          REQUIRE(gcm.decrypt(nonce, aad, in_place, in_place.data(), {}, tag));
          REQUIRE(in_place == whole);

          if (!ciphertext.empty()) {
            Bytes altered = ciphertext;
            altered[altered.size() / 2] ^= std::byte{0x80};
            REQUIRE_FALSE(gcm.decrypt(nonce, aad, altered, plain.data(), {}, tag));
          }
          auto bad_tag = tag;
          bad_tag[15] ^= 1;
          REQUIRE_FALSE(gcm.decrypt(nonce, aad, ciphertext, plain.data(), {}, bad_tag));
          if (!aad.empty()) {
            Bytes other_aad = aad;
            other_aad[0] ^= std::byte{1};
            REQUIRE_FALSE(gcm.decrypt(nonce, other_aad, ciphertext, plain.data(), {}, tag));
          }
        }
      }
    }
  }
}

TEST_CASE("VAES AES-GCM rejects bad keys and oversized pieces", "[net][tls][aes_gcm]") {
  if (!net::detail::vaes_gcm_supported()) {
    WARN("this CPU lacks VAES/VPCLMULQDQ/AVX-512: skipped");
    return;
  }
  CHECK_THROWS_AS(VaesGcm(Bytes(24)), InvalidArgument);
  const VaesGcm gcm(Bytes(16));
  Bytes out(64);
  CHECK_THROWS_AS(gcm.encrypt({}, Bytes(17), {}, {}, out.data()), InvalidArgument);
  CHECK_THROWS_AS(gcm.encrypt({}, {}, {}, Bytes(17), out.data()), InvalidArgument);
  Bytes tail(17);
  CHECK_THROWS_AS(gcm.decrypt({}, Bytes(17), Bytes(32), out.data(), {}, {}), InvalidArgument);
  CHECK_THROWS_AS(gcm.decrypt({}, {}, Bytes(32), out.data(), tail, {}), InvalidArgument);            // tail > 16
  CHECK_THROWS_AS(gcm.decrypt({}, {}, Bytes(8), out.data(), std::span(tail).first(9), {}), InvalidArgument);  // > input
}
