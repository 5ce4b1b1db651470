// Tests for privfin/he/paillier.hpp: known answers (hand-sized primes and a
// 1024-bit key checked against Python's integers), randomized correctness
// and homomorphisms, the fast paths, serialization and its failure modes.
#include <catch2/catch.hpp>

#include <privfin/core/bigint.hpp>
#include <privfin/core/error.hpp>
#include <privfin/he/paillier.hpp>

#include "he/test_keys.hpp"

using namespace privfin;
using namespace privfin::he;

namespace {
Prg seeded(unsigned char s) { return Prg(Prg::Seed{std::byte{0x11}, std::byte{s}}); }
}  // namespace

TEST_CASE("Paillier known answer with p = 17, q = 19", "[he][paillier]") {
  const auto sk = PaillierSecretKey::from_primes(17, 19);
  const auto& pk = sk.public_key();
  CHECK(pk.n() == 323);
  // (1 + 42 * 323) * 5^323 mod 323^2, computed by hand in Python.
  const PaillierCiphertext c = pk.encrypt_with_nonce(42, 5);
  CHECK(c.value() == 84326);
  CHECK(sk.decrypt(c) == 42);
  CHECK(sk.decrypt(pk.add(c, pk.encrypt_with_nonce(300, 7))) == (42 + 300) % 323);
  for (unsigned m = 0; m < 323; m += 17) CHECK(sk.decrypt(pk.encrypt_with_nonce(m, 2)) == m);
}

TEST_CASE("Paillier known answer with a 1024-bit key", "[he][paillier]") {
  const auto& sk = test::test_paillier_key();
  const auto& pk = sk.public_key();
  const mpz_class m(
      "5c074194945602f582e865756ce6af530e7eb1b859d31d210d0db255f4bec66b5c074194945602f582e865756ce6af530e7eb1b859d3"
      "1d210d0db255f4bec66b5c074194945602f582e865756ce6af530e7eb1b859d31d210d0db255f4bec66b",
      16);
  const mpz_class r(
      "11e7a34ce67d34205f3183b16f8252b11ad99ed8165231c3d8ad80682521712011e7a34ce67d34205f3183b16f8252b11ad99ed81652"
      "31c3d8ad80682521712011e7a34ce67d34205f3183b16f8252b11ad99ed8165231c3d8ad80682521712",
      16);
  const mpz_class expected(
      "8348683cacd10da2fe7e3cbd5f86794a2aa33784f7acc8b0c699cd11b3d73e97d2fa741e0fa74047f65dd65dc6610db10c3c2a6d01fe78"
      "ddbafe579753cf7639170474c7c0a9ea2096c796bde0fa26b1116bb031fa79e4823db98e3542b0e5b05339e622f6e9c1cd006d74712b0a"
      "c5164eb4809202f42b99d2881570216d012a88473496361ce7574b18d126fe6c820f598c6e9a6008a1a7ae6848eb7c14e4205608d52ea7"
      "c6c617506376f920774904d69603d5f6d133a0c2ed4cac154265dafdc73be6ec641aef9b2c1107bf6019a9b9a34156cd7935c16419cc9b"
      "b0969167054100b333da2757619dc70b0454f2cf859fed4dea21242023bd7bc521279bd5",
      16);
  CHECK(pk.modulus_bits() == 1024);
  const PaillierCiphertext c = pk.encrypt_with_nonce(m, r);
  CHECK(c.value() == expected);
  CHECK(sk.decrypt(c) == m);
}

TEST_CASE("Paillier randomized correctness and homomorphisms", "[he][paillier]") {
  const auto& sk = test::test_paillier_key();
  const auto& pk = sk.public_key();
  const mpz_class& n = pk.n();
  Prg prg = seeded(1);
  INFO("seed 0x11 0x01");
  for (int i = 0; i < 8; ++i) {
    const mpz_class a = bigint::random_below(n, prg), b = bigint::random_below(n, prg);
    const mpz_class k = bigint::random_below(n, prg);
    const auto ca = pk.encrypt(a, prg), cb = pk.encrypt(b, prg);
    CHECK(sk.decrypt(ca) == a);
    CHECK(sk.decrypt(pk.add(ca, cb)) == (a + b) % n);
    CHECK(sk.decrypt(pk.sub(ca, cb)) == ((a - b) % n + n) % n);
    CHECK(sk.decrypt(pk.add_plain(ca, k)) == (a + k) % n);
    CHECK(sk.decrypt(pk.add_plain(ca, -k)) == ((a - k) % n + n) % n);
    CHECK(sk.decrypt(pk.mul_plain(ca, k)) == (a * k) % n);
    CHECK(sk.decrypt(pk.mul_plain(ca, -3)) == ((-3 * a) % n + n) % n);
    CHECK(sk.decrypt(pk.negate(ca)) == (n - a) % n);
    PaillierCiphertext acc = ca;
    pk.add_inplace(acc, cb);
    CHECK(acc == pk.add(ca, cb));
    const auto fresh = pk.rerandomize(ca, prg);
    CHECK_FALSE(fresh == ca);
    CHECK(sk.decrypt(fresh) == a);
    // The key owner's CRT encryption is an ordinary ciphertext.
    const auto crt = sk.encrypt(a, prg);
    CHECK(pk.is_valid(crt));
    CHECK(sk.decrypt(pk.add(crt, cb)) == (a + b) % n);
  }
  // Boundary plaintexts and the zero scalar.
  CHECK(sk.decrypt(pk.encrypt(0, prg)) == 0);
  CHECK(sk.decrypt(pk.encrypt(n - 1, prg)) == n - 1);
  CHECK(sk.decrypt(pk.add(pk.encrypt(n - 1, prg), pk.encrypt(1, prg))) == 0);
  CHECK(sk.decrypt(pk.mul_plain(pk.encrypt(5, prg), 0)) == 0);
  CHECK(sk.decrypt(pk.encrypt_public(77)) == 77);
  // Two encryptions of one plaintext differ.
  CHECK_FALSE(pk.encrypt(9, prg) == pk.encrypt(9, prg));
}

TEST_CASE("Paillier key generation", "[he][paillier]") {
  Prg prg = seeded(2);
  const auto sk = PaillierSecretKey::generate(1024, prg);
  const auto& pk = sk.public_key();
  CHECK(pk.modulus_bits() == 1024);
  CHECK(sk.p() * sk.q() == pk.n());
  CHECK(sk.p() < sk.q());
  const mpz_class m = bigint::random_below(pk.n(), prg);
  CHECK(sk.decrypt(pk.encrypt(m, prg)) == m);
  // Copies and assignments keep working keys.
  PaillierSecretKey copy = sk;
  copy = test::test_paillier_key();
  CHECK(copy.public_key() == test::test_paillier_key().public_key());
  copy = PaillierSecretKey(sk);
  CHECK(copy.decrypt(pk.encrypt(m, prg)) == m);
  CHECK_THROWS_AS(PaillierSecretKey::generate(1023, prg), InvalidArgument);
  CHECK_THROWS_AS(PaillierSecretKey::generate(512, prg), InvalidArgument);
}

TEST_CASE("Paillier 2048-bit key generation", "[he][paillier][.slow]") {
  Prg prg = seeded(3);
  const auto sk = PaillierSecretKey::generate(2048, prg);
  CHECK(sk.public_key().modulus_bits() == 2048);
  CHECK(sk.decrypt(sk.public_key().encrypt(12345, prg)) == 12345);
}

TEST_CASE("Paillier bad keys, plaintexts and ciphertexts are rejected", "[he][paillier]") {
  const auto& sk = test::test_paillier_key();
  const auto& pk = sk.public_key();
  const mpz_class& n = pk.n();
  Prg prg = seeded(4);
  CHECK_THROWS_AS(PaillierSecretKey::from_primes(15, 19), InvalidArgument);  // 15 is not prime
  CHECK_THROWS_AS(PaillierSecretKey::from_primes(19, 19), InvalidArgument);
  CHECK_THROWS_AS(PaillierSecretKey::from_primes(3, 7), InvalidArgument);  // gcd(21, 12) = 3
  CHECK_THROWS_AS(PaillierPublicKey(mpz_class(100)), InvalidArgument);
  CHECK_THROWS_AS(pk.encrypt(n, prg), InvalidArgument);
  CHECK_THROWS_AS(pk.encrypt(-1, prg), InvalidArgument);
  CHECK_THROWS_AS(pk.encrypt_with_nonce(1, n), InvalidArgument);
  CHECK_THROWS_AS(pk.encrypt_with_nonce(1, test::paillier_p512()), InvalidArgument);
  const auto good = pk.encrypt(3, prg);
  // Outside [1, n^2): every operation refuses.
  for (const mpz_class& bad : {mpz_class(0), pk.n_squared(), mpz_class(pk.n_squared() + 1), mpz_class(-1)}) {
    const PaillierCiphertext c(bad);
    CHECK_FALSE(pk.is_valid(c));
    CHECK_THROWS_AS(sk.decrypt(c), InvalidArgument);
    CHECK_THROWS_AS(pk.add(good, c), InvalidArgument);
    CHECK_THROWS_AS(pk.add(c, good), InvalidArgument);
    CHECK_THROWS_AS(pk.sub(good, c), InvalidArgument);
    CHECK_THROWS_AS(pk.add_plain(c, 1), InvalidArgument);
    CHECK_THROWS_AS(pk.mul_plain(c, 2), InvalidArgument);
    CHECK_THROWS_AS(pk.negate(c), InvalidArgument);
    CHECK_THROWS_AS(pk.rerandomize(c, prg), InvalidArgument);
  }
  // In range but sharing a factor with n: not in Z*_{n^2}. Decryption and
  // the inverses refuse (the cheap homomorphic checks test the range only).
  for (const mpz_class& bad : {mpz_class(n), mpz_class(test::paillier_q512() * 5)}) {
    const PaillierCiphertext c(bad);
    CHECK_FALSE(pk.is_valid(c));
    CHECK_THROWS_AS(pk.check(c, "test"), InvalidArgument);
    CHECK_THROWS_AS(sk.decrypt(c), InvalidArgument);
    CHECK_THROWS_AS(pk.negate(c), InvalidArgument);
    CHECK_THROWS_AS(pk.sub(good, c), InvalidArgument);
  }
}

TEST_CASE("Paillier fixed-base encryptor", "[he][paillier]") {
  const auto& sk = test::test_paillier_key();
  const auto& pk = sk.public_key();
  Prg prg = seeded(5);
  for (auto exponent : {PaillierEncryptor::Exponent::full, PaillierEncryptor::Exponent::short_djn}) {
    for (std::size_t w : {1U, 4U, 6U}) {
      const PaillierEncryptor enc(pk, prg, exponent, w);
      CHECK(enc.exponent_bits() == (exponent == PaillierEncryptor::Exponent::full ? 1024U + 128U : 512U));
      CHECK(enc.table_size() == ((enc.exponent_bits() + w - 1) / w) * ((std::size_t{1} << w) - 1));
      for (int i = 0; i < 3; ++i) {
        const mpz_class m = bigint::random_below(pk.n(), prg);
        const auto c = enc.encrypt(m, prg);
        CHECK(pk.is_valid(c));
        CHECK(sk.decrypt(c) == m);
        const auto c2 = enc.rerandomize(c, prg);
        CHECK_FALSE(c2 == c);
        CHECK(sk.decrypt(c2) == m);
      }
      // The nonce power is an n-th residue: it decrypts to 0.
      CHECK(sk.decrypt(PaillierCiphertext(enc.random_nonce_power(prg))) == 0);
      CHECK_THROWS_AS(enc.encrypt(pk.n(), prg), InvalidArgument);
    }
  }
  CHECK_THROWS_AS(PaillierEncryptor(pk, prg, PaillierEncryptor::Exponent::full, 0), InvalidArgument);
  CHECK_THROWS_AS(PaillierEncryptor(pk, prg, PaillierEncryptor::Exponent::full, 11), InvalidArgument);
}

TEST_CASE("Paillier public key serialization", "[he][paillier][codec]") {
  const auto& pk = test::test_paillier_key().public_key();
  const Bytes enc = pk.to_bytes();
  CHECK(enc.size() == 1 + 2 + 128);  // version, varint 128, n
  CHECK(enc[0] == std::byte{1});
  CHECK(PaillierPublicKey::from_bytes(enc) == pk);
  CHECK(PaillierPublicKey::from_bytes(enc).key_id() == pk.key_id());

  Bytes bad = enc;
  bad[0] = std::byte{2};
  CHECK_THROWS_AS(PaillierPublicKey::from_bytes(bad), DecodeError);  // version
  bad = enc;
  bad.push_back(std::byte{0});
  CHECK_THROWS_AS(PaillierPublicKey::from_bytes(bad), DecodeError);  // trailing byte
  bad = enc;
  bad.pop_back();
  CHECK_THROWS_AS(PaillierPublicKey::from_bytes(bad), DecodeError);  // truncated
  bad = enc;
  bad[3] ^= std::byte{1};  // n even
  CHECK_THROWS_AS(PaillierPublicKey::from_bytes(bad), DecodeError);
  const auto small = PaillierSecretKey::from_primes(test::safe_p256(), test::safe_q256());
  CHECK_THROWS_AS(PaillierPublicKey::from_bytes(small.public_key().to_bytes()), DecodeError);  // 512 bits
  CHECK_THROWS_AS(PaillierPublicKey::from_bytes(Bytes{}), DecodeError);
}

TEST_CASE("Paillier ciphertext serialization", "[he][paillier][codec]") {
  const auto& sk = test::test_paillier_key();
  const auto& pk = sk.public_key();
  Prg prg = seeded(6);
  const auto c = pk.encrypt(1234, prg);
  const Bytes enc = pk.ciphertext_to_bytes(c);
  REQUIRE(enc.size() == 1 + 16 + 256);
  CHECK(pk.ciphertext_from_bytes(enc) == c);

  SECTION("wrong length") {
    Bytes bad = enc;
    bad.pop_back();
    CHECK_THROWS_AS(pk.ciphertext_from_bytes(bad), DecodeError);
    bad = enc;
    bad.push_back(std::byte{0});
    CHECK_THROWS_AS(pk.ciphertext_from_bytes(bad), DecodeError);
  }
  SECTION("value not in Z*_{n^2}") {
    const Bytes header(enc.begin(), enc.begin() + 17);
    for (const mpz_class& v : {mpz_class(0), pk.n(), mpz_class(test::paillier_p512() * 3), pk.n_squared(),
                               mpz_class((mpz_class(1) << 2048) - 1)}) {
      const Bytes bad = concat(header, bigint::to_bytes_le(v, 256));
      CHECK_THROWS_AS(pk.ciphertext_from_bytes(bad), DecodeError);
    }
  }
  SECTION("key mismatch") {
    const auto other = PaillierSecretKey::from_primes(test::paillier_p768(), test::paillier_q768());
    const auto c_other = other.public_key().encrypt(5, prg);
    CHECK_THROWS_AS(pk.ciphertext_from_bytes(other.public_key().ciphertext_to_bytes(c_other)), DecodeError);
    // Same width, other key id.
    Bytes bad = enc;
    bad[5] ^= std::byte{0x80};
    CHECK_THROWS_WITH(pk.ciphertext_from_bytes(bad), Catch::Contains("key id mismatch"));
  }
  SECTION("wrong version") {
    Bytes bad = enc;
    bad[0] = std::byte{0};
    CHECK_THROWS_AS(pk.ciphertext_from_bytes(bad), DecodeError);
  }
  SECTION("vectors") {
    std::vector<PaillierCiphertext> cs;
    for (unsigned i = 0; i < 5; ++i) cs.push_back(pk.encrypt(i, prg));
    const Bytes venc = pk.ciphertexts_to_bytes(cs);
    CHECK(venc.size() == 1 + 16 + 1 + 5 * 256);
    CHECK(pk.ciphertexts_from_bytes(venc, 10) == cs);
    CHECK_THROWS_AS(pk.ciphertexts_from_bytes(venc, 4), DecodeError);  // above max_count
    Bytes lying = venc;
    lying[17] = std::byte{6};  // claims 6, holds 5
    CHECK_THROWS_AS(pk.ciphertexts_from_bytes(lying, 10), DecodeError);
    CHECK(pk.ciphertexts_from_bytes(pk.ciphertexts_to_bytes({}), 10).empty());
  }
  CHECK_THROWS_AS(pk.ciphertext_to_bytes(PaillierCiphertext(0)), InvalidArgument);
}

TEST_CASE("Paillier secret key serialization", "[he][paillier][codec]") {
  const auto& sk = test::test_paillier_key();
  Prg prg = seeded(7);
  const SecretBytes enc = sk.to_bytes();
  const auto back = PaillierSecretKey::from_bytes(enc.view());
  CHECK(back.public_key() == sk.public_key());
  const auto c = sk.public_key().encrypt(99, prg);
  CHECK(back.decrypt(c) == 99);

  auto encode = [](const mpz_class& p, const mpz_class& q) {
    Writer w;
    w.version(1).bigint(p).bigint(q);
    return std::move(w).take();
  };
  // The primes must come in increasing order (one canonical encoding).
  const mpz_class lo = sk.p(), hi = sk.q();
  REQUIRE(lo < hi);
  CHECK_THROWS_AS(PaillierSecretKey::from_bytes(encode(hi, lo)), DecodeError);
  CHECK_NOTHROW(PaillierSecretKey::from_bytes(encode(lo, hi)));
  CHECK_THROWS_AS(PaillierSecretKey::from_bytes(encode(test::paillier_p512(), test::paillier_p512() + 2)), DecodeError);
  CHECK_THROWS_AS(PaillierSecretKey::from_bytes(encode(test::safe_p256(), test::safe_q256())), DecodeError);
  Bytes bad(enc.view().begin(), enc.view().end());
  bad.pop_back();
  CHECK_THROWS_AS(PaillierSecretKey::from_bytes(bad), DecodeError);
  bad.assign(enc.view().begin(), enc.view().end());
  bad[0] = std::byte{9};
  CHECK_THROWS_AS(PaillierSecretKey::from_bytes(bad), DecodeError);
}
