// Tests for privfin/sharing/vss.hpp: Feldman and Pedersen dealings verify
// and reconstruct; a dealer's bad share or commitment is caught; malformed
// dealer data makes verify() return false rather than throw; the RFC 3526
// group matches OpenSSL's copy; misuse throws InvalidArgument.
#include <catch2/catch.hpp>

#include <openssl/bn.h>

#include <privfin/core/bigint.hpp>
#include <privfin/core/prg.hpp>
#include <privfin/sharing/vss.hpp>

#include <vector>

using namespace privfin;
using sharing::FeldmanVss;
using sharing::PedersenVss;
using sharing::SchnorrGroup;

namespace {

Prg seeded(unsigned char tag) {
  Prg::Seed seed{};
  seed[0] = std::byte{tag};
  seed[1] = std::byte{0x99};
  return Prg(seed);
}

// A 256-bit safe-prime group, generated once from a fixed seed.
const SchnorrGroup& test_group() {
  static const SchnorrGroup group = [] {
    Prg prg = seeded(0);
    return SchnorrGroup::random(256, prg);
  }();
  return group;
}

std::vector<mpz_class> random_secrets(const SchnorrGroup& group, std::size_t size, Prg& prg) {
  std::vector<mpz_class> v(size);
  for (auto& x : v) x = group.scalars().random(prg);
  return v;
}

std::vector<std::vector<mpz_class>> pick(const std::vector<std::vector<mpz_class>>& shares,
                                         const std::vector<std::size_t>& who) {
  std::vector<std::vector<mpz_class>> out;
  for (std::size_t j : who) out.push_back(shares[j]);
  return out;
}

}  // namespace

TEST_CASE("SchnorrGroup: safe-prime groups and derived generators", "[sharing][vss]") {
  const SchnorrGroup& group = test_group();
  CHECK(bigint::bit_length(group.p()) == 256);
  CHECK(group.p() == 2 * group.q() + 1);
  CHECK(bigint::is_probable_prime(group.q()));
  CHECK(group.g() == 4);
  CHECK(group.pow(group.g(), group.q()) == 1);
  CHECK(group.contains(group.g()));
  CHECK_FALSE(group.contains(group.p() - 1));  // -1 is a non-residue when p = 3 mod 4
  CHECK_FALSE(group.contains(0));
  CHECK_FALSE(group.contains(group.p()));
  const mpz_class h = group.derive_generator("label");
  CHECK(group.contains(h));
  CHECK(h != 1);
  CHECK(group.pow(h, group.q()) == 1);
  CHECK(h == group.derive_generator("label"));
  CHECK(h != group.derive_generator("other label"));
  CHECK(group.pow_secret(h, 0) == 1);
  CHECK(group.pow_secret(h, group.q() - 1) == group.pow(h, group.q() - 1));
}

TEST_CASE("SchnorrGroup: RFC 3526 group 14 matches OpenSSL's copy", "[sharing][vss]") {
  const SchnorrGroup group = SchnorrGroup::rfc3526_2048();
  BIGNUM* bn = BN_get_rfc3526_prime_2048(nullptr);
  REQUIRE(bn != nullptr);
  std::vector<unsigned char> buf(static_cast<std::size_t>(BN_num_bytes(bn)));
  BN_bn2bin(bn, buf.data());
  BN_free(bn);
  CHECK(group.p() == bigint::from_bytes_be(as_bytes(std::span<const std::uint8_t>(buf))));
  CHECK(bigint::bit_length(group.p()) == 2048);
  CHECK(group.g() == 2);
  CHECK(group.pow(2, group.q()) == 1);
  // A small dealing in the standard group.
  Prg prg = seeded(1);
  const FeldmanVss vss(group, 2, 3);
  const auto secrets = random_secrets(group, 1, prg);
  const auto dealing = vss.deal(secrets, prg);
  for (std::size_t j = 0; j < 3; ++j) CHECK(vss.verify(j, dealing.shares[j], dealing.commitments));
  CHECK(vss.reconstruct(std::vector<std::size_t>{2, 0}, pick(dealing.shares, {2, 0})) == secrets);
}

TEST_CASE("Feldman VSS: honest dealings verify and reconstruct", "[sharing][vss]") {
  Prg prg = seeded(2);
  for (auto [t, n] : std::vector<std::pair<std::size_t, std::size_t>>{{1, 2}, {2, 3}, {3, 5}, {4, 4}}) {
    const FeldmanVss vss(test_group(), t, n);
    for (std::size_t size : {1U, 2U, 5U}) {
      INFO("t = " << t << ", n = " << n << ", batch = " << size);
      auto secrets = random_secrets(test_group(), size, prg);
      secrets[0] = 0;
      if (size > 1) secrets[1] = test_group().q() - 1;
      const auto dealing = vss.deal(secrets, prg);
      REQUIRE(dealing.commitments.size() == size);
      REQUIRE(dealing.shares.size() == n);
      CHECK(dealing.commitments[0][0] == 1);  // g^0
      for (std::size_t j = 0; j < n; ++j) {
        CHECK(vss.verify(j, dealing.shares[j], dealing.commitments));
        CHECK(vss.verify_batch(j, dealing.shares[j], dealing.commitments, prg));
        CHECK(vss.verify(j, dealing.shares[j][size - 1], dealing.commitments[size - 1]));
      }
      std::vector<std::size_t> who(t);
      for (std::size_t m = 0; m < t; ++m) who[m] = n - 1 - m;
      CHECK(vss.reconstruct(who, pick(dealing.shares, who)) == secrets);
    }
  }
}

TEST_CASE("Feldman VSS: a dealer's bad share is detected", "[sharing][vss]") {
  Prg prg = seeded(3);
  const SchnorrGroup& group = test_group();
  const FeldmanVss vss(group, 3, 5);
  const auto secrets = random_secrets(group, 4, prg);
  const auto dealing = vss.deal(secrets, prg);

  // One share off by one: only its owner's check fails.
  auto bad = dealing;
  bad.shares[2][1] = group.scalars().add(bad.shares[2][1], 1);
  for (std::size_t j = 0; j < 5; ++j) CHECK(vss.verify(j, bad.shares[j], bad.commitments) == (j != 2));
  CHECK_FALSE(vss.verify(2, bad.shares[2][1], bad.commitments[1]));
  CHECK(vss.verify(2, bad.shares[2][0], bad.commitments[0]));
  CHECK_FALSE(vss.verify_batch(2, bad.shares[2], bad.commitments, prg));

  // A share from a different polynomial with the same secret.
  const auto other = vss.deal(secrets, prg);
  auto swapped = dealing;
  swapped.shares[4] = other.shares[4];
  CHECK_FALSE(vss.verify(4, swapped.shares[4], swapped.commitments));

  // A share given to the wrong party.
  CHECK_FALSE(vss.verify(0, dealing.shares[1], dealing.commitments));

  // Tampered commitments: every party notices.
  auto tampered = dealing;
  tampered.commitments[3][1] = group.mul(tampered.commitments[3][1], group.g());
  for (std::size_t j = 0; j < 5; ++j) CHECK_FALSE(vss.verify(j, tampered.shares[j], tampered.commitments));

  // Malformed dealer data: false, never a throw.
  auto malformed = dealing;
  malformed.commitments[0][2] = group.p() - 1;  // not in the subgroup
  CHECK_FALSE(vss.verify(0, malformed.shares[0], malformed.commitments));
  malformed.commitments[0][2] = 0;
  CHECK_FALSE(vss.verify(0, malformed.shares[0], malformed.commitments));
  malformed.commitments[0][2] = group.p() + dealing.commitments[0][2];
  CHECK_FALSE(vss.verify(0, malformed.shares[0], malformed.commitments));
  CHECK_FALSE(vss.verify(0, dealing.shares[0][0], std::vector<mpz_class>(dealing.commitments[0].begin(),
                                                                         dealing.commitments[0].end() - 1)));
  CHECK_FALSE(vss.verify(0, group.q(), dealing.commitments[0]));
  CHECK_FALSE(vss.verify(0, mpz_class(-1), dealing.commitments[0]));
  CHECK_FALSE(vss.verify(0, std::vector<mpz_class>(dealing.shares[0].begin(), dealing.shares[0].end() - 1),
                         dealing.commitments));
  CHECK_FALSE(vss.verify_batch(0, std::vector<mpz_class>(3), dealing.commitments, prg));
  // A share of q + s is not reduced silently.
  CHECK_FALSE(vss.verify(0, dealing.shares[0][0] + group.q(), dealing.commitments[0]));
}

TEST_CASE("Pedersen VSS: dealings verify, reconstruct, and bad shares are caught", "[sharing][vss]") {
  Prg prg = seeded(4);
  const SchnorrGroup& group = test_group();
  for (auto [t, n] : std::vector<std::pair<std::size_t, std::size_t>>{{2, 3}, {3, 5}}) {
    const PedersenVss vss(group, t, n);
    CHECK(vss.h() == group.derive_generator("privfin pedersen vss h"));
    const auto secrets = random_secrets(group, 3, prg);
    const auto dealing = vss.deal(secrets, prg);
    REQUIRE(dealing.shares.size() == n);
    REQUIRE(dealing.blindings.size() == n);
    for (std::size_t j = 0; j < n; ++j) {
      CHECK(vss.verify(j, dealing.shares[j], dealing.blindings[j], dealing.commitments));
    }
    std::vector<std::size_t> who(t);
    for (std::size_t m = 0; m < t; ++m) who[m] = m;
    CHECK(vss.reconstruct(who, pick(dealing.shares, who)) == secrets);

    auto bad = dealing;
    bad.shares[1][2] = group.scalars().add(bad.shares[1][2], 1);
    CHECK_FALSE(vss.verify(1, bad.shares[1], bad.blindings[1], bad.commitments));
    CHECK(vss.verify(0, bad.shares[0], bad.blindings[0], bad.commitments));
    bad = dealing;
    bad.blindings[0][0] = group.scalars().sub(bad.blindings[0][0], 1);
    CHECK_FALSE(vss.verify(0, bad.shares[0][0], bad.blindings[0][0], bad.commitments[0]));
    bad = dealing;
    bad.commitments[0][0] = group.mul(bad.commitments[0][0], vss.h());
    CHECK_FALSE(vss.verify(0, bad.shares[0][0], bad.blindings[0][0], bad.commitments[0]));
    CHECK_FALSE(vss.verify(0, group.q(), dealing.blindings[0][0], dealing.commitments[0]));
    CHECK_FALSE(vss.verify(0, dealing.shares[0], std::vector<mpz_class>(2), dealing.commitments));
  }
  // Hiding: the commitment to the secret itself is blinded, unlike Feldman's g^s.
  const PedersenVss vss(group, 2, 3);
  const auto d0 = vss.deal(std::vector<mpz_class>{5}, prg);
  const auto d1 = vss.deal(std::vector<mpz_class>{5}, prg);
  CHECK(d0.commitments[0][0] != d1.commitments[0][0]);
  CHECK(d0.commitments[0][0] != group.pow(group.g(), 5));
}

TEST_CASE("VSS: misuse throws InvalidArgument", "[sharing][vss]") {
  Prg prg = seeded(5);
  const SchnorrGroup& group = test_group();
  CHECK_THROWS_AS(FeldmanVss(group, 4, 3), InvalidArgument);
  CHECK_THROWS_AS(FeldmanVss(group, 1, 1), InvalidArgument);
  CHECK_THROWS_AS(FeldmanVss(group, 0, 3), InvalidArgument);
  CHECK_THROWS_AS(PedersenVss(group, 4, 3), InvalidArgument);
  const FeldmanVss vss(group, 2, 3);
  CHECK_THROWS_WITH(vss.deal(std::vector<mpz_class>{1, group.q()}, prg),
                    Catch::Contains("secret at index 1 is not in [0, q)"));
  CHECK_THROWS_AS(vss.deal(std::vector<mpz_class>{-1}, prg), InvalidArgument);
  const auto dealing = vss.deal(std::vector<mpz_class>{7}, prg);
  CHECK_THROWS_AS((void)vss.verify(3, dealing.shares[0], dealing.commitments), InvalidArgument);
  // Groups: not a safe prime, g outside the subgroup, g = 1.
  CHECK_THROWS_WITH(SchnorrGroup(mpz_class(13), mpz_class(4)), Catch::Contains("not a safe prime"));
  CHECK_THROWS_AS(SchnorrGroup(mpz_class(15), mpz_class(4)), InvalidArgument);
  CHECK_THROWS_AS(SchnorrGroup(group.p(), group.p() - 1), InvalidArgument);
  CHECK_THROWS_AS(SchnorrGroup(group.p(), mpz_class(1)), InvalidArgument);
  CHECK_NOTHROW(SchnorrGroup(mpz_class(23), mpz_class(4)));
  CHECK_THROWS_AS(SchnorrGroup::random(32, prg), InvalidArgument);
  CHECK_THROWS_AS(PedersenVss(group, group.g(), 2, 3), InvalidArgument);
  CHECK_THROWS_AS(PedersenVss(group, mpz_class(1), 2, 3), InvalidArgument);
  CHECK_THROWS_AS(PedersenVss(group, group.p() - 1, 2, 3), InvalidArgument);
}
