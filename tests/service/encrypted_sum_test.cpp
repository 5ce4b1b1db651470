// Tests for privfin/service/encrypted_sum.hpp: contributors' encrypted
// vectors summed by an untrusted aggregator; every deviation of the
// aggregator (a dropped, altered or replaced contribution, a wrong sum, a
// malformed post) is named by every contributor; a malformed contribution
// is named by the aggregator; parameters are agreed; misuse is refused.
#include "privfin/service/encrypted_sum.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <numeric>

#include "he/test_keys.hpp"
#include "privfin/core/codec.hpp"
#include "privfin/net/local_network.hpp"
#include "support/local_parties.hpp"
#include "support/wire_negative.hpp"

using namespace privfin;
using service::EncryptedSum;

namespace {

const he::PaillierSecretKey& secret_key() { return test::test_paillier_key(); }
const he::PaillierPublicKey& key() { return secret_key().public_key(); }

EncryptedSum::Ciphertexts encrypt(const std::vector<long>& values, Prg& prg) {
  EncryptedSum::Ciphertexts out;
  for (long v : values) out.push_back(key().encrypt(mpz_class(v), prg));
  return out;
}

// What the aggregator (party 3) posts, given the contributions it received;
// the default is the honest post.
using Post = std::function<Bytes(const std::vector<EncryptedSum::Ciphertexts>&)>;

Bytes honest_post(const std::vector<EncryptedSum::Ciphertexts>& in) {
  auto sum = in[0];
  for (std::size_t i = 1; i < in.size(); ++i) {
    for (std::size_t k = 0; k < sum.size(); ++k) key().add_inplace(sum[k], in[i][k]);
  }
  Writer w;
  w.bytes(key().ciphertexts_to_bytes(sum));
  for (const auto& v : in) w.bytes(key().ciphertexts_to_bytes(v));
  return std::move(w).take();
}

// Contributors 0..2 hold {i, 10 i, 100 i}; aggregator 3. With `post`, the
// aggregator runs the agreement, reads the contributions and posts what
// `post` makes of them.
struct Outcome {
  std::vector<std::exception_ptr> errors;
  std::vector<std::vector<mpz_class>> sums = std::vector<std::vector<mpz_class>>(4);
};

Outcome run(const Post& post = {}, const std::function<void(std::size_t, net::Network&)>& contributor = {}) {
  Outcome out;
  out.errors = test::run_local_parties(4, [&](std::size_t id, net::Network& net) {
    Prg prg(Prg::Seed{std::byte{0x3E}, static_cast<std::byte>(id)});
    EncryptedSum sum(net, key(), {0, 1, 2}, 3, 3);
    if (id < 3 && contributor) return contributor(id, net);
    if (id == 3 && post) {
      service::agree(net, sum.parameters(), std::vector<std::size_t>{0, 1, 2, 3});
      std::vector<EncryptedSum::Ciphertexts> in;
      for (std::size_t i = 0; i < 3; ++i) in.push_back(key().ciphertexts_from_bytes(net.receive_message(i), 3));
      const Bytes message = post(in);
      for (std::size_t i = 0; i < 3; ++i) net.send_message(i, message);
      net.flush();
      return;
    }
    const long v = static_cast<long>(id);
    const auto total = id < 3 ? sum.contribute(encrypt({v, 10 * v, 100 * v}, prg)) : sum.aggregate();
    for (const auto& c : total) out.sums[id].push_back(secret_key().decrypt(c));
  }, {.receive_timeout = std::chrono::seconds(10), .close_on_error = true});
  return out;
}

}  // namespace

TEST_CASE("encrypted sum: every party gets the same Enc(sum), checked by every contributor", "[service][encrypted-sum]") {
  const auto out = run();
  for (std::size_t i = 0; i < 4; ++i) {
    INFO("party " << i << ": " << (out.errors[i] ? test::what_of(out.errors[i]) : "ok"));
    CHECK(!out.errors[i]);
  }
  for (std::size_t i = 0; i < 4; ++i) CHECK(out.sums[i] == std::vector<mpz_class>{3, 30, 300});
}

TEST_CASE("encrypted sum: a cheating aggregator is named by every contributor", "[service][encrypted-sum]") {
  using V = std::vector<EncryptedSum::Ciphertexts>;
  const std::vector<std::pair<std::string, Post>> cheats = {
      {"our contribution is missing from the post or altered",
       [](V in) {
         in[1][0] = key().add(in[1][0], in[1][0]);  // contribution 1 doubled in slot 0, sum kept consistent
         return honest_post(in);
       }},
      {"the posted sum is not the sum of the posted contributions",
       [](const V& in) {
         Bytes b = honest_post(in);
         Reader r(b);
         auto sum = key().ciphertexts_from_bytes(r.bytes("sum"), 3);
         sum[2] = key().add(sum[2], sum[2]);
         Writer w;
         w.bytes(key().ciphertexts_to_bytes(sum));
         for (const auto& v : in) w.bytes(key().ciphertexts_to_bytes(v));
         return std::move(w).take();
       }},
      {"malformed post",
       [](const V& in) {
         Bytes b = honest_post(in);
         b.pop_back();
         return b;
       }},
      {"posted sum: 2 ciphertexts, expected 3",
       [](V in) {
         for (auto& v : in) v.pop_back();
         return honest_post(in);
       }},
  };
  for (const auto& [expected, post] : cheats) {
    CAPTURE(expected);
    const auto out = run(post);
    CHECK(!out.errors[3]);
    // An altered contribution with a sum to match is caught by its owner
    // alone (the others see a consistent post of values they cannot read);
    // every other deviation by every contributor.
    const bool owner_only = expected.rfind("our contribution", 0) == 0;
    for (std::size_t i = 0; i < 3; ++i) {
      if (owner_only && i != 1) {
        CHECK(!out.errors[i]);
        continue;
      }
      REQUIRE(out.errors[i]);
      CHECK_THAT(test::what_of(out.errors[i]), Catch::Contains("party 3") && Catch::Contains(expected));
    }
  }
}

TEST_CASE("encrypted sum: a malformed contribution is named by the aggregator", "[service][encrypted-sum]") {
  const auto out = run({}, [](std::size_t id, net::Network& net) {
    EncryptedSum sum(net, key(), {0, 1, 2}, 3, 3);
    service::agree(net, sum.parameters(), std::vector<std::size_t>{0, 1, 2, 3});
    Prg prg(Prg::Seed{std::byte{9}});
    auto mine = encrypt({1, 2, 3}, prg);
    if (id == 2) mine.pop_back();  // two ciphertexts where three are due
    net.send_message(3, key().ciphertexts_to_bytes(mine));
    net.flush();
  });
  REQUIRE(out.errors[3]);
  CHECK_THAT(test::what_of(out.errors[3]), Catch::Contains("party 2") && Catch::Contains("contribution"));
}

TEST_CASE("encrypted sum: parties holding another length or aggregator get ParameterMismatch", "[service][encrypted-sum]") {
  const auto errors = test::run_local_parties(4, [](std::size_t id, net::Network& net) {
    Prg prg(Prg::Seed{std::byte{1}});
    EncryptedSum sum(net, key(), {0, 1, 2}, 3, id == 1 ? 4 : 3);
    if (id == 3) return (void)sum.aggregate();
    (void)sum.contribute(encrypt(std::vector<long>(id == 1 ? 4 : 3, 1), prg));
  }, {.receive_timeout = std::chrono::seconds(10), .close_on_error = true});
  for (std::size_t i = 0; i < 4; ++i) {
    REQUIRE(errors[i]);
    CHECK_THAT(test::what_of(errors[i]), Catch::Contains("length"));
  }
}

TEST_CASE("encrypted sum: misuse is refused before any message", "[service][encrypted-sum]") {
  auto nets = net::LocalNetwork::create(4);
  net::Network& net = *nets[0];
  using V = std::vector<std::size_t>;
  CHECK_THROWS_AS(EncryptedSum(net, key(), V{}, 3, 3), InvalidArgument);
  CHECK_THROWS_AS(EncryptedSum(net, key(), V{0, 0}, 3, 3), InvalidArgument);
  CHECK_THROWS_AS(EncryptedSum(net, key(), V{0, 3}, 3, 3), InvalidArgument);
  CHECK_THROWS_AS(EncryptedSum(net, key(), V{0, 1}, 4, 3), InvalidArgument);
  CHECK_THROWS_AS(EncryptedSum(net, key(), V{1, 2}, 3, 3), InvalidArgument);  // party 0 has no role
  CHECK_THROWS_AS(EncryptedSum(net, key(), V{0, 1}, 3, 0), InvalidArgument);
  EncryptedSum sum(net, key(), V{0, 1}, 3, 2);
  Prg prg(Prg::Seed{});
  CHECK_THROWS_AS(sum.aggregate(), InvalidArgument);
  CHECK_THROWS_AS(sum.contribute(encrypt({1}, prg)), InvalidArgument);
  CHECK(nets[0]->total_counters().messages_sent == 0);
}

TEST_CASE("encrypted sum: every truncation and bit flip of a post is refused or decodes to another post",
          "[service][encrypted-sum]") {
  Prg prg(Prg::Seed{std::byte{0x44}});
  const EncryptedSum::Post post{encrypt({1, 2}, prg), {encrypt({3, 4}, prg), encrypt({5, 6}, prg)}};
  const Bytes wire = EncryptedSum::post_to_bytes(key(), post);
  const auto decoded = EncryptedSum::post_from_bytes(key(), wire, 2, 2);
  CHECK(decoded.sum == post.sum);
  CHECK(decoded.contributions == post.contributions);
  CHECK_THROWS_AS(EncryptedSum::post_from_bytes(key(), wire, 3, 2), DecodeError);  // another shape
  CHECK_THROWS_AS(EncryptedSum::post_from_bytes(key(), wire, 2, 3), DecodeError);
  test::check_truncations_and_flips(
      wire, [](ByteView b) { return EncryptedSum::post_from_bytes(key(), b, 2, 2); },
      [&](const EncryptedSum::Post& p) { return p.sum == post.sum && p.contributions == post.contributions; });
}
