// Hash32Map and Hash32Set (consensus/hash32_map.hpp) against std::map on
// random operations: with random keys, and with keys that all share their
// first 8 bytes (the bytes SaltedHash32 reads), so that every key has the
// same home slot and erase must shift long runs back, across the end of the
// array too.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "privfin/consensus/hash32_map.hpp"
#include "privfin/core/prg.hpp"

using namespace privfin;
using namespace privfin::consensus;

namespace {

Prg test_prg(std::uint8_t salt) {
  Prg::Seed seed{};
  seed[0] = std::byte{salt};
  seed[1] = std::byte{0x32};
  return Prg(seed);
}

// Key number i of a pool: random bytes, or the same first 8 bytes for all.
std::vector<Hash32> key_pool(Prg& prg, std::size_t n, bool same_home) {
  std::vector<Hash32> keys(n);
  for (std::size_t i = 0; i < n; ++i) {
    const Bytes b = prg.bytes(32);
    std::copy(b.begin(), b.end(), keys[i].v.begin());
    if (same_home) {
      for (std::size_t j = 0; j < 8; ++j) keys[i].v[j] = std::byte{0x5a};
      keys[i].v[8] = static_cast<std::byte>(i & 0xff);  // distinct keys
      keys[i].v[9] = static_cast<std::byte>(i >> 8);
    }
  }
  return keys;
}

// Random inserts, assigns, erases and finds, each checked against std::map,
// and every key of the pool looked up after each round.
void check_against_model(std::uint8_t seed, std::size_t pool_size, bool same_home, std::uint64_t salt) {
  Prg prg = test_prg(seed);
  const auto keys = key_pool(prg, pool_size, same_home);
  Hash32Map<std::string> map(SaltedHash32{salt});
  std::map<Hash32, std::string> model;
  for (int round = 0; round < 40; ++round) {
    for (int op = 0; op < 200; ++op) {
      const Hash32& k = keys[prg.next_u64() % keys.size()];
      const std::string value = std::to_string(prg.next_u64());
      switch (prg.next_u64() % 4) {
        case 0: REQUIRE(map.try_emplace(k, value) == model.emplace(k, value).second); break;
        case 1: REQUIRE(map.insert_or_assign(k, value) == model.insert_or_assign(k, value).second); break;
        default: REQUIRE(map.erase(k) == (model.erase(k) == 1)); break;
      }
      REQUIRE(map.size() == model.size());
    }
    for (const auto& k : keys) {
      const auto it = model.find(k);
      const std::string* got = map.find(k);
      REQUIRE(map.contains(k) == (it != model.end()));
      if (it == model.end()) REQUIRE(got == nullptr);
      else REQUIRE((got != nullptr && *got == it->second));
    }
  }
}

}  // namespace

TEST_CASE("Hash32Map agrees with std::map on random inserts, assigns and erases", "[consensus][hash32map]") {
  check_against_model(1, 300, false, 0x1234);
  check_against_model(2, 20, false, 0);  // a small map that grows and churns
}

TEST_CASE("Hash32Map with every key in one home slot shifts runs back on erase, across the array's end",
          "[consensus][hash32map]") {
  // One home for all: a single run holding every entry. With several salts
  // the home lands in different places, near the array's end among them,
  // so the run wraps around.
  for (std::uint64_t salt = 0; salt < 8; ++salt) check_against_model(static_cast<std::uint8_t>(3 + salt), 150, true, salt);
}

TEST_CASE("Hash32Map keeps its entries through growth and clear", "[consensus][hash32map]") {
  Prg prg = test_prg(20);
  const auto keys = key_pool(prg, 5000, false);
  Hash32Map<std::size_t> map;
  for (std::size_t i = 0; i < keys.size(); ++i) REQUIRE(map.insert_or_assign(keys[i], i));
  REQUIRE(map.size() == keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) REQUIRE(*map.find(keys[i]) == i);
  // Erase every other one, then the rest are still found.
  for (std::size_t i = 0; i < keys.size(); i += 2) REQUIRE(map.erase(keys[i]));
  for (std::size_t i = 0; i < keys.size(); ++i) REQUIRE(map.contains(keys[i]) == (i % 2 == 1));
  REQUIRE_FALSE(map.erase(keys[0]));
  map.clear();
  REQUIRE(map.empty());
  for (const auto& k : keys) REQUIRE_FALSE(map.contains(k));
  REQUIRE(map.try_emplace(keys[7], 7));
  REQUIRE_FALSE(map.try_emplace(keys[7], 8));
  REQUIRE(*map.find(keys[7]) == 7);
}

TEST_CASE("Hash32Set inserts, finds and erases", "[consensus][hash32map]") {
  Prg prg = test_prg(21);
  const auto keys = key_pool(prg, 100, true);
  Hash32Set set;
  for (const auto& k : keys) REQUIRE(set.insert(k));
  for (const auto& k : keys) REQUIRE_FALSE(set.insert(k));
  REQUIRE(set.size() == keys.size());
  for (std::size_t i = 0; i < keys.size(); i += 3) REQUIRE(set.erase(keys[i]));
  for (std::size_t i = 0; i < keys.size(); ++i) REQUIRE(set.contains(keys[i]) == (i % 3 != 0));
}

TEST_CASE("Hash32Map and Hash32Set prefetch changes nothing, empty or not", "[consensus][hash32map]") {
  Prg prg = test_prg(22);
  const auto keys = key_pool(prg, 64, false);
  Hash32Map<std::size_t> map;
  Hash32Set set;
  map.prefetch(keys[0]);  // no slots yet
  set.prefetch(keys[0]);
  for (std::size_t i = 0; i < keys.size(); i += 2) {
    map.insert_or_assign(keys[i], i);
    set.insert(keys[i]);
  }
  for (const auto& k : keys) {  // present and absent keys
    map.prefetch(k);
    set.prefetch(k);
  }
  REQUIRE(map.size() == keys.size() / 2);
  REQUIRE(set.size() == keys.size() / 2);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    CHECK(map.contains(keys[i]) == (i % 2 == 0));
    CHECK(set.contains(keys[i]) == (i % 2 == 0));
  }
}
