// Fixed primes for the he tests, generated once with bigint::random_prime /
// random_safe_prime from a fixed Prg seed, so that the suite never waits
// for prime generation (safe primes especially).
#pragma once

#include <gmpxx.h>

#include <privfin/he/paillier.hpp>
#include <privfin/he/threshold_paillier.hpp>

#include <map>
#include <tuple>
#include <utility>

namespace privfin::test {

// Two 512-bit primes: a 1024-bit Paillier modulus.
inline const mpz_class& paillier_p512() {
  static const mpz_class p(
      "f6fa0957805d913fc3a8705524bc4cfe6d14b329182040bb32f92c026b5b97fbeb22c38606e3f369825c9dcb2cb1a2112c0a2993af69f6f3fc5f544332d7f281",
      16);
  return p;
}
inline const mpz_class& paillier_q512() {
  static const mpz_class q(
      "ed90e82d2dfb210b4cc24fdec403f82214b77a03e4a9a4585709750e707a161779894729e00adaec60e3870b795d84ddc351fcfd4db150de3243e683218cc223",
      16);
  return q;
}
// Two 768-bit primes: a 1536-bit modulus, for a second key.
inline const mpz_class& paillier_p768() {
  static const mpz_class p(
      "c0e5fbb22cef3ea655ff0b3777ff05e256273cd6c6c0cfe1d8f608e811305f7f06ee80f427e9a7aca0894484bc0ebd2eaeb69d6ca35bfe9d048f17a8ab033032d9e9e2490769c621fe95cfc731d64dd54773a4260d9a1905b57469a3207dcf2d",
      16);
  return p;
}
inline const mpz_class& paillier_q768() {
  static const mpz_class q(
      "c116468d31f662f5c8b301ba961fe888b440517a83e629308720cdc3bd29cb84b529f2f1e259f24c44e3ebd8e91eccd847e495d997a458ea43050d2e95f5d4d2ba8b42c36ad8a957d7d82279549acda35aab8a1608ccfd504aad5fd544c825f3",
      16);
  return q;
}

// Two 512-bit safe primes: a 1024-bit threshold Paillier modulus.
inline const mpz_class& safe_p512() {
  static const mpz_class p(
      "f545578a602f447af789df2b0102ab8255f2a6e6dedce5c47f4973f2bf6b84ad148b55a794ac579d47445e0faab6af90e553981ec08be3abbce41e9497685fa7",
      16);
  return p;
}
inline const mpz_class& safe_q512() {
  static const mpz_class q(
      "ce897ce00c915efc9350a0f537911df4447d4783d6d6216d97dd87c3590e67695db5061d68b97a7694762e7dc5c1df3f8e1bcf0d3d306ff5c8c7c2d68daa56cb",
      16);
  return q;
}
// Two 256-bit safe primes (a 512-bit modulus): below the size from_bytes()
// accepts, used only in memory as "another key".
inline const mpz_class& safe_p256() {
  static const mpz_class p("ce6a423d767df3d997a0661992a3ff57f209aabfaaad97054f790c951637e333", 16);
  return p;
}
inline const mpz_class& safe_q256() {
  static const mpz_class q("f83bdc557b38a32c73895f4562dc87b546b079528b13fb169752d38ec971663b", 16);
  return q;
}

inline const he::PaillierSecretKey& test_paillier_key() {
  static const he::PaillierSecretKey sk = he::PaillierSecretKey::from_primes(paillier_p512(), paillier_q512());
  return sk;
}

// Dealt once per (t, l, seed) from the 512-bit safe primes with a fixed seed.
inline const he::ThresholdPaillierKeys& test_threshold_keys(std::size_t t, std::size_t l, unsigned char seed = 1) {
  static std::map<std::tuple<std::size_t, std::size_t, unsigned char>, he::ThresholdPaillierKeys> cache;
  const auto key = std::make_tuple(t, l, seed);
  auto it = cache.find(key);
  if (it == cache.end()) {
    Prg prg(Prg::Seed{std::byte{0x7A}, std::byte{seed}});
    it = cache.emplace(key, he::ThresholdPaillierDealer::from_safe_primes(safe_p512(), safe_q512(), t, l, prg)).first;
  }
  return it->second;
}

}  // namespace privfin::test
