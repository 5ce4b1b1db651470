// Tests for privfin/zk/dleq.hpp: completeness and soundness checks (every
// part of the statement and proof tampered) in a prime-order Schnorr group
// and in the hidden-order group Z*_{n^2}.
#include <catch2/catch.hpp>

#include <privfin/core/bigint.hpp>
#include <privfin/core/error.hpp>
#include <privfin/zk/dleq.hpp>

using namespace privfin;
using namespace privfin::zk;

namespace {
Prg seeded(unsigned char s) { return Prg(Prg::Seed{std::byte{0x33}, std::byte{s}}); }

// A 256-bit safe prime p = 2q + 1: the squares mod p have prime order q.
const mpz_class safe_p("ce6a423d767df3d997a0661992a3ff57f209aabfaaad97054f790c951637e333", 16);
// 1024-bit n = pq (two fixed 512-bit primes); the group is Z*_{n^2}.
const mpz_class n_1024 =
    mpz_class("f6fa0957805d913fc3a8705524bc4cfe6d14b329182040bb32f92c026b5b97fbeb22c38606e3f369825c9dcb2cb1a2112c0a2993a"
              "f69f6f3fc5f544332d7f281",
              16) *
    mpz_class("ed90e82d2dfb210b4cc24fdec403f82214b77a03e4a9a4585709750e707a161779894729e00adaec60e3870b795d84ddc351fcfd4"
              "db150de3243e683218cc223",
              16);

Transcript context(std::string_view who) {
  Transcript t("privfin/test/dleq v1");
  t.append("who", as_bytes(who));
  return t;
}

void check_group(const DleqGroup& group, Prg& prg, const mpz_class& secret_bound) {
  const mpz_class& m = group.modulus();
  auto random_square = [&] {
    const mpz_class r = bigint::random_unit(m, prg);
    return mpz_class(r * r % m);
  };
  const mpz_class x = bigint::random_below(secret_bound, prg);
  const mpz_class g = random_square(), h = random_square();
  const DleqStatement st{g, h, bigint::powm(g, x, m), bigint::powm(h, x, m)};

  Transcript tp = context("alice");
  const DleqProof proof = dleq_prove(tp, group, st, x, prg);
  Transcript tv = context("alice");
  CHECK(dleq_verify(tv, group, st, proof));
  // The transcripts end in the same state, so later challenges agree.
  CHECK(tp.state() == tv.state());

  SECTION("a different context") {
    Transcript t = context("bob");
    CHECK_FALSE(dleq_verify(t, group, st, proof));
  }
  SECTION("tampered statement") {
    Transcript t1 = context("alice"), t2 = context("alice"), t3 = context("alice");
    CHECK_FALSE(dleq_verify(t1, group, DleqStatement{g, h, st.gx, (st.hx * g) % m}, proof));
    CHECK_FALSE(dleq_verify(t2, group, DleqStatement{g, h, (st.gx * h) % m, st.hx}, proof));
    CHECK_FALSE(dleq_verify(t3, group, DleqStatement{h, g, st.hx, st.gx}, proof));
  }
  SECTION("tampered proof") {
    Transcript t1 = context("alice"), t2 = context("alice"), t3 = context("alice");
    DleqProof bad = proof;
    bad.response += 1;
    CHECK_FALSE(dleq_verify(t1, group, st, bad));
    bad = proof;
    bad.challenge ^= 1;
    CHECK_FALSE(dleq_verify(t2, group, st, bad));
    bad = proof;
    bad.response = -proof.response;
    CHECK_FALSE(dleq_verify(t3, group, st, bad));
  }
  SECTION("a different secret for the second base") {
    const mpz_class y = x + 1;
    const DleqStatement lie{g, h, bigint::powm(g, x, m), bigint::powm(h, y, m)};
    Transcript t1 = context("alice"), t2 = context("alice");
    const DleqProof p1 = dleq_prove(t1, group, lie, x, prg);
    CHECK_FALSE(dleq_verify(t2, group, lie, p1));
  }
  SECTION("elements outside the group") {
    Transcript t1 = context("alice"), t2 = context("alice");
    const DleqStatement outside{mpz_class(0), h, st.gx, st.hx};
    CHECK_FALSE(dleq_verify(t1, group, outside, proof));
    CHECK_THROWS_AS(dleq_prove(t2, group, outside, x, prg), InvalidArgument);
    const DleqStatement too_big{g, mpz_class(m + 1), st.gx, st.hx};
    CHECK_FALSE(dleq_verify(t1, group, too_big, proof));
  }
  SECTION("serialization") {
    const Bytes enc = proof.to_bytes();
    const DleqProof back = DleqProof::from_bytes(enc, group);
    CHECK(back.challenge == proof.challenge);
    CHECK(back.response == proof.response);
    Bytes bad = enc;
    bad.push_back(std::byte{0});
    CHECK_THROWS_AS(DleqProof::from_bytes(bad, group), DecodeError);
    bad = enc;
    bad[0] = std::byte{2};
    CHECK_THROWS_AS(DleqProof::from_bytes(bad, group), DecodeError);
    Writer w;
    w.version(1).bigint(mpz_class(1) << 128).bigint(1);  // challenge of 129 bits
    CHECK_THROWS_AS(DleqProof::from_bytes(w.data(), group), DecodeError);
    Writer w2;
    w2.version(1).bigint(1).bigint(mpz_class(1) << (group.response_bits() + 8));
    CHECK_THROWS_AS(DleqProof::from_bytes(w2.data(), group), DecodeError);
  }
}
}  // namespace

TEST_CASE("DLEQ in a prime-order group", "[zk][dleq]") {
  Prg prg = seeded(1);
  const mpz_class q = (safe_p - 1) / 2;
  const DleqGroup group = DleqGroup::prime_order(safe_p, q);
  CHECK(group.order() == q);
  CHECK_FALSE(group.is_element(safe_p - 1));  // -1 has order 2, not q
  CHECK(group.is_element(4));
  check_group(group, prg, q);
  Transcript t = context("alice");
  CHECK_THROWS_AS(dleq_prove(t, group, {4, 9, 16, 81}, q, prg), InvalidArgument);  // x >= q
  CHECK_THROWS_AS(DleqGroup::prime_order(safe_p, q + 2), InvalidArgument);
  CHECK_THROWS_AS(DleqGroup::prime_order(safe_p, 3), InvalidArgument);
}

TEST_CASE("DLEQ in the hidden-order group Z*_{n^2}", "[zk][dleq]") {
  Prg prg = seeded(2);
  const std::size_t secret_bits = 2 * 1024 + 8;
  const DleqGroup group = DleqGroup::hidden_order(n_1024 * n_1024, secret_bits);
  CHECK_FALSE(group.order().has_value());
  CHECK(group.nonce_bits() == secret_bits + 256);
  check_group(group, prg, mpz_class(1) << secret_bits);
  Transcript t = context("alice");
  CHECK_THROWS_AS(dleq_prove(t, group, {4, 9, 16, 81}, mpz_class(1) << secret_bits, prg), InvalidArgument);
  CHECK_THROWS_AS(DleqGroup::hidden_order(n_1024 * n_1024 * 2, 10), InvalidArgument);
  CHECK_THROWS_AS(DleqGroup::hidden_order(n_1024, 0), InvalidArgument);
}
