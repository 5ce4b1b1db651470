// Tests for privfin/service/threshold_decryption.hpp: batched decryption on
// a subset of a network's parties (an output party without a key share),
// cheaters named by their network id with the cause, identity binding (a
// process using another owner's key-share file is named as such, the honest
// owner never blamed: problem 3 of issue #14), one numbering (key share i
// is network party i: problem 4), parameter agreement, malformed, replayed
// and oversized messages, and every truncation and bit flip of a batch
// message.
#include "privfin/service/threshold_decryption.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <exception>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "he/test_keys.hpp"
#include "privfin/net/local_network.hpp"
#include "support/local_parties.hpp"
#include "support/wire_negative.hpp"

using namespace privfin;
using service::DecryptionResult;
using service::DecryptionShareBatch;
using service::ThresholdDecryption;

namespace {

Prg seeded(std::size_t party, unsigned char s) {
  return Prg(Prg::Seed{std::byte{0x5D}, std::byte{s}, static_cast<std::byte>(party)});
}

template <class E>
std::string message_of(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const E& x) {
    return x.what();
  } catch (...) {
  }
  return "(not the expected exception type)";
}

const he::ThresholdPaillierKeys& keys34() { return test::test_threshold_keys(3, 4); }

std::vector<he::PaillierCiphertext> batch_of(const std::vector<long>& values) {
  Prg prg = seeded(99, 1);
  std::vector<he::PaillierCiphertext> out;
  for (long v : values) out.push_back(keys34().public_key.paillier().encrypt(mpz_class(v), prg));
  return out;
}

// How a dishonest decrypting party deviates: it takes the driver's
// agreement step (so the others proceed), then sends `make(batch, prg)`.
using Forge = std::function<Bytes(std::span<const he::PaillierCiphertext>, Prg&)>;

void cheat(net::Network& net, const std::vector<std::size_t>& decryptors, const std::vector<std::size_t>& outputs,
           const std::vector<he::PaillierCiphertext>& batch, const Forge& make) {
  const auto& keys = keys34();
  const ThresholdDecryption honest_view(net, keys.public_key, keys.shares.at(net.party_id()), decryptors, outputs);
  std::vector<std::size_t> parties = decryptors;
  for (auto o : outputs) {
    if (std::find(parties.begin(), parties.end(), o) == parties.end()) parties.push_back(o);
  }
  service::agree(net, honest_view.parameters(), parties);
  Prg prg = seeded(net.party_id(), 7);
  const Bytes wire = make(batch, prg);
  for (auto o : outputs) {
    if (o != net.party_id()) net.send_message(o, wire);
  }
  net.flush();
}

DecryptionShareBatch shares_with(const he::ThresholdPaillierKeyShare& share, std::span<const he::PaillierCiphertext> batch,
                       Prg& prg, std::uint64_t round = 0) {
  DecryptionShareBatch b;
  b.batch_digest = DecryptionShareBatch::digest_of(keys34().public_key, batch);
  b.round = round;
  for (const auto& c : batch) b.shares.push_back(share.decrypt_share(keys34().public_key, c, prg));
  return b;
}

}  // namespace

TEST_CASE("threshold decryption: a batch on a subset, the aggregator holds no key share",
          "[service][threshold_decryption]") {
  // Network: key holders 0..3 (t = 3), aggregator 4. Outputs: 4 and 0.
  const auto& keys = keys34();
  const auto batch = batch_of({5, 0, 123456789});
  const auto batch2 = batch_of({42});
  const std::vector<std::size_t> decryptors{0, 1, 2, 3}, outputs{4, 0};
  std::vector<DecryptionResult> results(5), results2(5);
  test::rethrow_first(test::run_local_parties(5, [&](net::Network& net) {
    const std::size_t me = net.party_id();
    Prg prg = seeded(me, 1);
    if (me == 4) {
      ThresholdDecryption dec(net, keys.public_key, decryptors, outputs);
      CHECK_FALSE(dec.is_decryptor());
      results[me] = dec.decrypt(batch, prg);
      results2[me] = dec.decrypt(batch2, prg);
    } else {
      ThresholdDecryption dec(net, keys.public_key, keys.shares[me], decryptors, outputs);
      results[me] = dec.decrypt(batch, prg);
      results2[me] = dec.decrypt(batch2, prg);
    }
  }));
  for (std::size_t out : {std::size_t{0}, std::size_t{4}}) {
    INFO("output party " << out);
    CHECK(results[out].plaintexts == std::vector<mpz_class>{5, 0, 123456789});
    CHECK(results[out].rejected.empty());
    CHECK(results[out].used_parties.size() == 3);
    CHECK(results2[out].plaintexts == std::vector<mpz_class>{42});
  }
  for (std::size_t p : {std::size_t{1}, std::size_t{2}, std::size_t{3}}) CHECK(results[p].plaintexts.empty());

  // Only three of the four key holders take part; party 0 is not involved.
  std::vector<DecryptionResult> subset(5);
  test::rethrow_first(test::run_local_parties(5, [&](net::Network& net) {
    const std::size_t me = net.party_id();
    if (me == 0) return;
    Prg prg = seeded(me, 2);
    const std::vector<std::size_t> some{1, 2, 3}, out{4};
    if (me == 4) {
      subset[me] = ThresholdDecryption(net, keys.public_key, some, out).decrypt(batch, prg);
    } else {
      subset[me] = ThresholdDecryption(net, keys.public_key, keys.shares[me], some, out).decrypt(batch, prg);
    }
  }));
  CHECK(subset[4].plaintexts == std::vector<mpz_class>{5, 0, 123456789});
  CHECK(subset[4].used_parties == std::vector<std::size_t>{1, 2, 3});
}

TEST_CASE("threshold decryption: a party given another batch is named for that, not for a false proof",
          "[service][threshold_decryption]") {
  // An aggregator (4) that hands key holder 3 other ciphertexts than the
  // rest: 3's honest shares must not read as "invalid proof".
  const auto& keys = keys34();
  const auto batch = batch_of({5, 6});
  const auto other = batch_of({5, 7});
  const std::vector<std::size_t> decryptors{0, 1, 2, 3}, outputs{4};
  std::vector<DecryptionResult> results(5);
  test::rethrow_first(test::run_local_parties(5, [&](net::Network& net) {
    const std::size_t me = net.party_id();
    Prg prg = seeded(me, 3);
    if (me == 4) {
      results[me] = ThresholdDecryption(net, keys.public_key, decryptors, outputs).decrypt(batch, prg);
    } else {
      ThresholdDecryption dec(net, keys.public_key, keys.shares[me], decryptors, outputs);
      results[me] = dec.decrypt(me == 3 ? other : batch, prg);
    }
  }));
  CHECK(results[4].plaintexts == std::vector<mpz_class>{5, 6});
  REQUIRE(results[4].rejected.size() == 1);
  const Rejection& r = results[4].rejected[0];
  CHECK(r.from == std::optional<std::size_t>{3});
  CHECK(r.by == 4);
  CHECK(r.cause == RejectionCause::parameters_differ);
  CHECK_THAT(r.detail, Catch::Contains("decrypted another batch"));
}

TEST_CASE("threshold decryption: cheaters are named by network id with the cause",
          "[service][threshold_decryption][tamper][issue14]") {
  const auto& keys = keys34();
  const auto& pk = keys.public_key.paillier();
  const auto batch = batch_of({7, 8});
  const std::vector<std::size_t> decryptors{0, 1, 2, 3}, outputs{4};

  // Party `liar` runs `make` instead of the driver; the others are honest.
  auto run = [&](std::size_t liar, const Forge& make, const std::vector<std::size_t>& dec_list) {
    std::vector<DecryptionResult> results(5);
    auto errors = test::run_local_parties(5, [&](net::Network& net) {
      const std::size_t me = net.party_id();
      if (std::find(dec_list.begin(), dec_list.end(), me) == dec_list.end() && me != 4) return;
      Prg prg = seeded(me, 3);
      if (me == liar) {
        cheat(net, dec_list, outputs, batch, make);
      } else if (me == 4) {
        results[me] = ThresholdDecryption(net, keys.public_key, dec_list, outputs).decrypt(batch, prg);
      } else {
        results[me] = ThresholdDecryption(net, keys.public_key, keys.shares[me], dec_list, outputs).decrypt(batch, prg);
      }
    });
    return std::make_pair(results, errors);
  };
  auto rejections_from = [](const DecryptionResult& r, std::size_t party) {
    std::vector<Rejection> out;
    for (const auto& x : r.rejected) {
      if (x.from == party) out.push_back(x);
    }
    return out;
  };

  SECTION("a wrong share value: invalid proof, and the batch still decrypts") {
    auto [results, errors] = run(2, [&](auto b, Prg& prg) {
      DecryptionShareBatch s = shares_with(keys.shares[2], b, prg);
      s.shares[1].value = (s.shares[1].value * (pk.n() + 1)) % pk.n_squared();
      return s.to_bytes(keys.public_key);
    }, decryptors);
    test::rethrow_first(errors);
    CHECK(results[4].plaintexts == std::vector<mpz_class>{7, 8});
    REQUIRE(results[4].rejected.size() == 1);
    const Rejection& r = results[4].rejected[0];
    CHECK(r.from == std::optional<std::size_t>(2));
    CHECK(r.by == 4);
    CHECK(r.item == 1);
    CHECK(r.cause == RejectionCause::invalid_proof);
    CHECK(r.describe().find("from party 2") != std::string::npos);
  }
  SECTION("another owner's key-share file: the user is named, the owner never blamed") {
    // Network party 3 makes its shares with party 1's key share: they carry
    // party 1's id and verify under party 1's key, so only the binding to
    // the authenticated sender catches them.
    auto [results, errors] = run(3, [&](auto b, Prg& prg) {
      return shares_with(keys.shares[1], b, prg).to_bytes(keys.public_key);
    }, decryptors);
    test::rethrow_first(errors);
    CHECK(results[4].plaintexts == std::vector<mpz_class>{7, 8});
    const auto from3 = rejections_from(results[4], 3);
    REQUIRE(from3.size() == 2);  // one per ciphertext
    for (const auto& r : from3) {
      CHECK(r.cause == RejectionCause::wrong_sender);
      CHECK(r.detail == "party 3 sent a share claiming party 1: is it using another owner's key-share file?");
    }
    CHECK(rejections_from(results[4], 1).empty());  // the honest owner
    CHECK(std::none_of(results[4].rejected.begin(), results[4].rejected.end(), [](const Rejection& r) {
      return r.cause == RejectionCause::duplicate || r.detail.find("duplicate") != std::string::npos;
    }));
  }
  SECTION("too few valid shares: ProtocolError naming the first rejected party") {
    const std::vector<std::size_t> three{1, 2, 3};
    auto [results, errors] = run(3, [&](auto b, Prg& prg) {
      return shares_with(keys.shares[0], b, prg).to_bytes(keys.public_key);  // party 0's file at party 3
    }, three);
    REQUIRE(errors[4]);
    const std::string what = message_of<ProtocolError>(errors[4]);
    CHECK(what.find("party 3: claims another sender: party 3 sent a share claiming party 0") != std::string::npos);
    CHECK(what.find("only 2 valid decryption shares, t = 3") != std::string::npos);
    try {
      std::rethrow_exception(errors[4]);
    } catch (const ProtocolError& e) {
      CHECK(e.party() == 3);
    }
  }
  SECTION("a malformed message, a stale round, a message over the bound") {
    auto [r1, e1] = run(0, [&](auto, Prg&) { return Bytes{std::byte{1}, std::byte{2}}; }, decryptors);
    test::rethrow_first(e1);
    CHECK(r1[4].plaintexts == std::vector<mpz_class>{7, 8});
    REQUIRE(r1[4].rejected.size() == 1);
    CHECK(r1[4].rejected[0].cause == RejectionCause::malformed);
    CHECK(r1[4].rejected[0].from == std::optional<std::size_t>(0));
    CHECK(r1[4].rejected[0].detail.find("batch message") != std::string::npos);

    auto [r2, e2] = run(1, [&](auto b, Prg& prg) {
      return shares_with(keys.shares[1], b, prg, /*round=*/5).to_bytes(keys.public_key);
    }, decryptors);
    test::rethrow_first(e2);
    REQUIRE(r2[4].rejected.size() == 1);
    CHECK(r2[4].rejected[0].cause == RejectionCause::replayed);
    CHECK(r2[4].rejected[0].detail == "batch message for round 5, expected round 0");

    auto [r3, e3] = run(2, [&](auto b, Prg&) {
      return Bytes(DecryptionShareBatch::max_size(keys.public_key, b.size()) + 1, std::byte{0});
    }, decryptors);
    REQUIRE(e3[4]);
    CHECK(message_of<DecodeError>(e3[4]).find("party 2") != std::string::npos);
  }
}

TEST_CASE("threshold decryption: one numbering and identity binding at construction",
          "[service][threshold_decryption][issue14]") {
  const auto& keys = keys34();
  auto nets = net::LocalNetwork::create(5);
  net::Network& n3 = *nets[3];
  // Key share i belongs to network party i: party 3 given party 1's key
  // share (another owner's key-share file) is refused at once, naming both.
  CHECK_THROWS_WITH(ThresholdDecryption(n3, keys.public_key, keys.shares[1], {0, 1, 2, 3}, {4}),
                    Catch::Contains("network party 3 was given party 1's key share"));
  CHECK_THROWS_AS(ThresholdDecryption(n3, keys.public_key, keys.shares[1], {0, 1, 2, 3}, {4}), InvalidArgument);
  // Lists: the aggregator (4) holds no key share, so it cannot decrypt.
  CHECK_THROWS_WITH(ThresholdDecryption(*nets[4], keys.public_key, {1, 2, 4}, {4}),
                    Catch::Contains("decrypting party 4 holds no key share"));
  CHECK_THROWS_WITH(ThresholdDecryption(n3, keys.public_key, keys.shares[3], {2, 3}, {4}),
                    Catch::Contains("fewer than the threshold"));
  CHECK_THROWS_WITH(ThresholdDecryption(n3, keys.public_key, keys.shares[3], {1, 2, 3, 3}, {4}),
                    Catch::Contains("listed twice"));
  CHECK_THROWS_WITH(ThresholdDecryption(n3, keys.public_key, keys.shares[3], {0, 1, 2, 3}, {5}),
                    Catch::Contains("not in the network"));
  CHECK_THROWS_WITH(ThresholdDecryption(n3, keys.public_key, {0, 1, 2}, {4}),
                    Catch::Contains("party 3 is neither"));
  CHECK_THROWS_WITH(ThresholdDecryption(n3, keys.public_key, {0, 1, 2, 3}, {4}),
                    Catch::Contains("given no key share"));
  CHECK_THROWS_WITH(ThresholdDecryption(n3, keys.public_key, keys.shares[3], {0, 1, 2}, {3}),
                    Catch::Contains("not in the decrypting parties"));
}

TEST_CASE("threshold decryption: parties holding other lists or keys are named before decrypting",
          "[service][threshold_decryption]") {
  const auto& keys = keys34();
  const auto& other = test::test_threshold_keys(3, 4, 2);  // same modulus, another dealing
  const auto batch = batch_of({1});
  auto errors = test::run_local_parties(5, [&](net::Network& net) {
    const std::size_t me = net.party_id();
    Prg prg = seeded(me, 4);
    if (me == 4) {
      (void)ThresholdDecryption(net, keys.public_key, {0, 1, 2, 3}, {4}).decrypt(batch, prg);
    } else if (me == 2) {
      (void)ThresholdDecryption(net, other.public_key, other.shares[2], {0, 1, 2, 3}, {4}).decrypt(batch, prg);
    } else {
      (void)ThresholdDecryption(net, keys.public_key, keys.shares[me], {0, 1, 2, 3}, {4}).decrypt(batch, prg);
    }
  });
  REQUIRE(errors[4]);
  try {
    std::rethrow_exception(errors[4]);
  } catch (const service::ParameterMismatch& e) {
    CHECK(e.parties() == std::vector<std::size_t>{2});
    CHECK(std::string(e.what()).find("key id") != std::string::npos);
  }
}

TEST_CASE("threshold decryption: every truncation and bit flip of a batch message is refused or differs",
          "[service][threshold_decryption][codec]") {
  // A 512-bit modulus keeps the 8 x size flips fast.
  Prg prg = seeded(0, 5);
  const auto small = he::ThresholdPaillierDealer::from_safe_primes(test::safe_p256(), test::safe_q256(), 2, 3, prg);
  const auto& key = small.public_key;
  const std::vector<he::PaillierCiphertext> batch{key.paillier().encrypt(3, prg), key.paillier().encrypt(4, prg)};
  DecryptionShareBatch b;
  b.batch_digest = DecryptionShareBatch::digest_of(key, batch);
  b.round = 2;
  for (const auto& c : batch) b.shares.push_back(small.shares[1].decrypt_share(key, c, prg));
  const Bytes wire = b.to_bytes(key);
  CHECK(wire.size() <= DecryptionShareBatch::max_size(key, 2));
  const auto back = DecryptionShareBatch::from_bytes(wire, key, 2);
  CHECK(back.round == 2);
  CHECK(key.verify_share(batch[1], back.shares[1]));
  CHECK_THROWS_WITH(DecryptionShareBatch::from_bytes(wire, key, 3), Catch::Contains("2 shares for a batch of 3"));
  test::check_truncations_and_flips(
      wire, [&](ByteView bytes) { return DecryptionShareBatch::from_bytes(bytes, key, 2).to_bytes(key); },
      [&](const Bytes& again) { return again == wire; });
  // A flip that decodes never passes as the honest shares: sample the
  // verifier on flips inside the first share's value.
  Bytes flipped = wire;
  const std::size_t value_at = 1 + 16 + 32 + 1 + 1 + 2 + 1 + 16 + 32 + 1;  // batch header, share length, share header
  for (std::size_t byte = value_at; byte < value_at + key.paillier().ciphertext_bytes(); byte += 17) {
    flipped[byte] ^= std::byte{0x10};
    try {
      const auto x = DecryptionShareBatch::from_bytes(flipped, key, 2);
      CHECK_FALSE(key.verify_share(batch[0], x.shares[0]));
    } catch (const DecodeError&) {
    }
    flipped[byte] ^= std::byte{0x10};
  }
}

TEST_CASE("threshold decryption: several party counts", "[service][threshold_decryption]") {
  for (auto [t, l] : {std::pair<std::size_t, std::size_t>{1, 1}, {2, 3}, {3, 5}}) {
    INFO("t = " << t << ", l = " << l);
    const auto& keys = test::test_threshold_keys(t, l);
    Prg enc = seeded(98, 6);
    const std::vector<he::PaillierCiphertext> batch{keys.public_key.paillier().encrypt(mpz_class(31), enc),
                                                    keys.public_key.paillier().encrypt(mpz_class(0), enc)};
    std::vector<std::size_t> decryptors;
    for (std::size_t i = 0; i < l; ++i) decryptors.push_back(i);
    const std::vector<std::size_t> outputs{0, l};  // a key holder and a party without a share
    std::vector<DecryptionResult> results(l + 1);
    test::rethrow_first(test::run_local_parties(l + 1, [&](net::Network& net) {
      const std::size_t me = net.party_id();
      Prg prg = seeded(me, 6);
      if (me == l) {
        results[me] = ThresholdDecryption(net, keys.public_key, decryptors, outputs).decrypt(batch, prg);
      } else {
        results[me] =
            ThresholdDecryption(net, keys.public_key, keys.shares[me], decryptors, outputs).decrypt(batch, prg);
      }
    }));
    for (std::size_t out : outputs) {
      CHECK(results[out].plaintexts == std::vector<mpz_class>{31, 0});
      CHECK(results[out].rejected.empty());
      CHECK(results[out].used_parties.size() == t);
    }
  }
}
