// Tests for privfin/zk/transcript.hpp: a known answer computed independently
// (Python hashlib, from the construction in the header), determinism, and
// domain and label separation.
#include <catch2/catch.hpp>

#include <privfin/core/error.hpp>
#include <privfin/zk/transcript.hpp>

using namespace privfin;
using privfin::zk::Transcript;

TEST_CASE("Transcript known answer", "[zk][transcript]") {
  Transcript t("privfin/test v1");
  t.append("msg", as_bytes("abc")).append_u64("num", 7);
  CHECK(to_hex(t.challenge_bytes("e", 32)) == "80d2fd807704e274cf751ffc6ec021b0c9e8e4db133fe146a427a7c54b5ae416");
  CHECK(to_hex(t.challenge_bytes("e", 16)) == "d1db4cc8dd42b3369cee3459eb1ae506");
  CHECK(to_hex(t.state()) ==
        "9e5b4ea84375d786052a3a85a3a0c0a3501f7247dba3e62c89ed29e67584846403817b58f639f9c677f03e78f130bad2b6c703beff4cbbb7"
        "e77e93e5e006abca");
}

TEST_CASE("Transcript separates domains, labels and message boundaries", "[zk][transcript]") {
  auto challenge = [](std::string_view domain, std::string_view l1, std::string_view m1, std::string_view l2,
                      std::string_view m2) {
    Transcript t(domain);
    t.append(l1, as_bytes(m1)).append(l2, as_bytes(m2));
    return t.challenge_bytes("c", 32);
  };
  const Bytes base = challenge("d", "a", "xy", "b", "z");
  CHECK(challenge("d", "a", "xy", "b", "z") == base);  // deterministic
  CHECK(challenge("d2", "a", "xy", "b", "z") != base);  // domain
  CHECK(challenge("d", "a", "x", "b", "yz") != base);   // message boundary
  CHECK(challenge("d", "ax", "y", "b", "z") != base);   // label/message boundary
  CHECK(challenge("d", "b", "xy", "a", "z") != base);   // label
  // A challenge depends on earlier challenges; copies fork.
  Transcript t("d");
  t.append("m", as_bytes("1"));
  Transcript fork = t;
  const Bytes c1 = t.challenge_bytes("c", 16);
  CHECK(fork.challenge_bytes("c", 16) == c1);
  CHECK(t.challenge_bytes("c", 16) != c1);
  // Challenge lengths are part of the input, not a prefix of a longer one.
  Transcript a("d"), b("d");
  const Bytes short_c = a.challenge_bytes("c", 16);
  const Bytes long_c = b.challenge_bytes("c", 32);
  CHECK_FALSE(std::equal(short_c.begin(), short_c.end(), long_c.begin()));
}

TEST_CASE("Transcript integer challenges", "[zk][transcript]") {
  Transcript t("bits");
  for (std::size_t bits : {1U, 7U, 8U, 9U, 128U, 130U}) {
    for (int i = 0; i < 20; ++i) {
      const mpz_class e = t.challenge_bigint("e", bits);
      CHECK(e >= 0);
      CHECK(mpz_sizeinbase(e.get_mpz_t(), 2) <= bits);
    }
  }
  t.append_bigint("x", mpz_class("123456789abcdef0123456789", 16));
  CHECK_THROWS_AS(t.append_bigint("x", -1), InvalidArgument);
  CHECK_THROWS_AS(t.challenge_bytes("e", 0), InvalidArgument);
  CHECK_THROWS_AS(t.challenge_bigint("e", 0), InvalidArgument);
}
