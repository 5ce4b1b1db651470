// Paillier and threshold Paillier at 2048 and 3072 bits: key generation,
// encryption (plain, fixed-base precomputed, secret-key CRT), decryption and
// its powm floor, homomorphic add and scalar multiplication, decryption
// shares with proofs, share verification, combination (t = 2, 3, 5) and
// packed-vector encryption throughput.
// Run: build/release/benchmarks/bench_he --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// (add --benchmark_filter=... to pick a subset; BM_PaillierKeygen and the
// 3072-bit threshold benchmarks take the longest).
#include <benchmark/benchmark.h>

#include <privfin/core/bigint.hpp>
#include <privfin/he/encoding.hpp>
#include <privfin/he/paillier.hpp>
#include <privfin/he/threshold_paillier.hpp>

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

namespace {
using namespace privfin;
using namespace privfin::he;

Prg bench_prg(unsigned char tag) { return Prg(Prg::Seed{std::byte{0xBE}, std::byte{tag}}); }

const PaillierSecretKey& paillier_key(std::size_t bits) {
  static std::map<std::size_t, std::unique_ptr<PaillierSecretKey>> keys;
  auto& slot = keys[bits];
  if (!slot) {
    Prg prg = bench_prg(static_cast<unsigned char>(bits / 512));
    slot = std::make_unique<PaillierSecretKey>(PaillierSecretKey::generate(bits, prg));
  }
  return *slot;
}

const PaillierEncryptor& encryptor(std::size_t bits, PaillierEncryptor::Exponent exponent, std::size_t window = 6) {
  static std::map<std::tuple<std::size_t, int, std::size_t>, std::unique_ptr<PaillierEncryptor>> cache;
  auto& slot = cache[{bits, static_cast<int>(exponent), window}];
  if (!slot) {
    Prg prg = bench_prg(0x10);
    slot = std::make_unique<PaillierEncryptor>(paillier_key(bits).public_key(), prg, exponent, window);
  }
  return *slot;
}

// Safe primes generated once with bigint::random_safe_prime, so that the
// benchmark does not spend its time on them.
const mpz_class& safe_prime(std::size_t bits, int which) {
  static const std::map<std::pair<std::size_t, int>, mpz_class> primes = {
      {{1024, 0},
       mpz_class("da58c3941424df2c6ca75a83b9764923b2c9833694ec8501273e186e1914bf739ba91f4d85100a61098f4673a862d61ef0c49d28"
                 "6c5cca6a3e6827d089c4584de578c5f97bf0ef8b20918017439e3a443a603ee29932f21643ada871cf20285a9baf263785e0c96e"
                 "86d63aca39db4020a83c1d594cbc8160a56c4b50a85accdf",
                 16)},
      {{1024, 1},
       mpz_class("f27ee09b9a4fda8f7bcffc125b824be9606e86db1632f9898d440d58c881d000cc6c63f366197ebc3b5c8f2260cf693203169b54"
                 "36d35955289059152177b16048f7feeb3ac8de5f1af12a44f6be51ae69354c4ffead5d5854445f0ea2e6882a2564918caf7b7ce6"
                 "f8593289226625e47561eecd16753970eb2225feaaafa58b",
                 16)},
      {{1536, 0},
       mpz_class("d854ae0183749c8dcdd5246e8568be6692ad0df5f4260735ab4cfad9df3f4a8aeed2bb646baba849b2777a38813dfe2f4f90b569"
                 "1a672e230f057d84252755ac147a6eaa719d225f2437bc69c1b8f29fcd331b295e6b9332fc0b34898fae767a3e39063ee6b183d0"
                 "deb85440bd571664f0bbae7832f3e5c45447531172b06e7a723d729c2d6edcd4d60c1e282f7507a068cd2d9e488bac862d7f7205"
                 "9b04aad19bb34fc2b5f276b7f6e67feda07d7af8e965ee415cb6456561af261bf0f89c9b",
                 16)},
      {{1536, 1},
       mpz_class("d369b9cf5fd6ce7a85f854ec86430e2675f79fd237efc50c09f221113c014b08b84a7b91a163d3d3cc0af8c67613a5d901ce5c16"
                 "0f9b52a578308fbf2b5c6e5a84e90e57377bd85e6a368ef71f993a0169728744ea1c8c753c704693795bed685de718cb1ea48c60"
                 "c391ab56798c2cec1e165ff5be0e0695dc269b800782b47c1d738786959f50294281195953de88d2fc17949232bc2f09bc0d1662"
                 "a7ef88a2490c8270f74129f909f63a3c8281c7147f9ab84afebd7c03e24e57aadafd6e4b",
                 16)},
  };
  return primes.at({bits, which});
}

// t-of-5 threshold keys at the given modulus size.
const ThresholdPaillierKeys& threshold_keys(std::size_t bits, std::size_t t) {
  static std::map<std::pair<std::size_t, std::size_t>, std::unique_ptr<ThresholdPaillierKeys>> cache;
  auto& slot = cache[{bits, t}];
  if (!slot) {
    Prg prg = bench_prg(0x20);
    slot = std::make_unique<ThresholdPaillierKeys>(
        ThresholdPaillierDealer::from_safe_primes(safe_prime(bits / 2, 0), safe_prime(bits / 2, 1), t, 5, prg));
  }
  return *slot;
}

std::size_t bits_arg(const benchmark::State& state) { return static_cast<std::size_t>(state.range(0)); }

// The floor for CRT decryption: two exponentiations with a |n|-bit modulus
// (p^2, q^2) and a |n|/2-bit exponent, with GMP's mpz_powm.
void BM_PowmFloor(benchmark::State& state) {
  const auto& sk = paillier_key(bits_arg(state));
  Prg prg = bench_prg(1);
  const mpz_class p2 = sk.p() * sk.p(), q2 = sk.q() * sk.q();
  const mpz_class ep = sk.p() - 1, eq = sk.q() - 1;
  mpz_class x = bigint::random_below(p2, prg), y = bigint::random_below(q2, prg);
  for (auto _ : state) {
    mpz_powm(x.get_mpz_t(), x.get_mpz_t(), ep.get_mpz_t(), p2.get_mpz_t());
    mpz_powm(y.get_mpz_t(), y.get_mpz_t(), eq.get_mpz_t(), q2.get_mpz_t());
    benchmark::DoNotOptimize(x.get_mpz_t());
    benchmark::DoNotOptimize(y.get_mpz_t());
  }
}
BENCHMARK(BM_PowmFloor)->Arg(2048)->Arg(3072)->Unit(benchmark::kMillisecond);

void BM_PaillierKeygen(benchmark::State& state) {
  Prg prg = bench_prg(2);
  for (auto _ : state) {
    auto sk = PaillierSecretKey::generate(bits_arg(state), prg);
    benchmark::DoNotOptimize(sk.public_key().n().get_mpz_t());
  }
}
BENCHMARK(BM_PaillierKeygen)->Arg(2048)->Arg(3072)->Unit(benchmark::kMillisecond)->Iterations(10);

void BM_Encrypt(benchmark::State& state) {
  const auto& pk = paillier_key(bits_arg(state)).public_key();
  Prg prg = bench_prg(3);
  mpz_class m = bigint::random_below(pk.n(), prg);
  for (auto _ : state) {
    auto c = pk.encrypt(m, prg);
    m = c.value() % pk.n();  // feed back
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Encrypt)->Arg(2048)->Arg(3072)->Unit(benchmark::kMillisecond);

void BM_EncryptPrecomputed(benchmark::State& state) {
  const auto exponent = state.range(1) == 0 ? PaillierEncryptor::Exponent::full : PaillierEncryptor::Exponent::short_djn;
  const auto window = static_cast<std::size_t>(state.range(2));
  const auto& enc = encryptor(bits_arg(state), exponent, window);
  const auto& pk = enc.public_key();
  Prg prg = bench_prg(4);
  mpz_class m = bigint::random_below(pk.n(), prg);
  for (auto _ : state) {
    auto c = enc.encrypt(m, prg);
    m = c.value() % pk.n();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(std::string(state.range(1) == 0 ? "full exponent" : "short exponent (DJN)") + ", window " +
                 std::to_string(window) + ", table " + std::to_string(enc.table_size() * pk.ciphertext_bytes() >> 20) +
                 " MiB");
}
BENCHMARK(BM_EncryptPrecomputed)->ArgsProduct({{2048, 3072}, {0, 1}, {6, 8}})->Unit(benchmark::kMillisecond);

void BM_EncryptorTable(benchmark::State& state) {
  const auto& pk = paillier_key(bits_arg(state)).public_key();
  Prg prg = bench_prg(5);
  for (auto _ : state) {
    PaillierEncryptor enc(pk, prg);
    benchmark::DoNotOptimize(enc.table_size());
  }
}
BENCHMARK(BM_EncryptorTable)->Arg(2048)->Arg(3072)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_EncryptSecretKeyCrt(benchmark::State& state) {
  const auto& sk = paillier_key(bits_arg(state));
  Prg prg = bench_prg(6);
  mpz_class m = bigint::random_below(sk.public_key().n(), prg);
  for (auto _ : state) {
    auto c = sk.encrypt(m, prg);
    m = c.value() % sk.public_key().n();
  }
}
BENCHMARK(BM_EncryptSecretKeyCrt)->Arg(2048)->Arg(3072)->Unit(benchmark::kMillisecond);

void BM_Decrypt(benchmark::State& state) {
  const auto& sk = paillier_key(bits_arg(state));
  const auto& pk = sk.public_key();
  Prg prg = bench_prg(7);
  auto c = pk.encrypt(bigint::random_below(pk.n(), prg), prg);
  for (auto _ : state) {
    mpz_class m = sk.decrypt(c);
    c = pk.add_plain(c, m % 7);  // feed back
  }
}
BENCHMARK(BM_Decrypt)->Arg(2048)->Arg(3072)->Unit(benchmark::kMillisecond);

void BM_Add(benchmark::State& state) {
  const auto& pk = paillier_key(bits_arg(state)).public_key();
  Prg prg = bench_prg(8);
  auto a = pk.encrypt(1, prg);
  const auto b = pk.encrypt(2, prg);
  for (auto _ : state) a = pk.add(a, b);
  benchmark::DoNotOptimize(a.value().get_mpz_t());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Add)->Arg(2048)->Arg(3072)->Unit(benchmark::kMicrosecond);

// Scalar of `range(1)` bits (64: a fixed-point weight; 0: a full-size scalar mod n).
void BM_MulPlain(benchmark::State& state) {
  const auto& pk = paillier_key(bits_arg(state)).public_key();
  Prg prg = bench_prg(9);
  auto a = pk.encrypt(3, prg);
  const mpz_class k = state.range(1) == 0 ? bigint::random_below(pk.n(), prg)
                                          : bigint::random_bits(static_cast<std::size_t>(state.range(1)), prg);
  for (auto _ : state) a = pk.mul_plain(a, k);
  benchmark::DoNotOptimize(a.value().get_mpz_t());
  state.SetLabel(state.range(1) == 0 ? "scalar mod n" : "64-bit scalar");
}
BENCHMARK(BM_MulPlain)->ArgsProduct({{2048, 3072}, {64, 0}})->Unit(benchmark::kMicrosecond);

void BM_PartialDecryptWithProof(benchmark::State& state) {
  const auto& keys = threshold_keys(bits_arg(state), 3);
  Prg prg = bench_prg(10);
  const auto c = keys.public_key.paillier().encrypt(12345, prg);
  for (auto _ : state) {
    auto share = keys.shares[0].decrypt_share(keys.public_key, c, prg);
    benchmark::DoNotOptimize(share.value.get_mpz_t());
  }
}
BENCHMARK(BM_PartialDecryptWithProof)->Arg(2048)->Arg(3072)->Unit(benchmark::kMillisecond);

void BM_VerifyShare(benchmark::State& state) {
  const auto& keys = threshold_keys(bits_arg(state), 3);
  Prg prg = bench_prg(11);
  const auto c = keys.public_key.paillier().encrypt(12345, prg);
  const auto share = keys.shares[0].decrypt_share(keys.public_key, c, prg);
  for (auto _ : state) {
    const bool ok = keys.public_key.verify_share(c, share);
    if (!ok) state.SkipWithError("share did not verify");
  }
}
BENCHMARK(BM_VerifyShare)->Arg(2048)->Arg(3072)->Unit(benchmark::kMillisecond);

// combine(): verifies the t shares, then interpolates (t of l = 5).
void BM_Combine(benchmark::State& state) {
  const auto t = static_cast<std::size_t>(state.range(1));
  const auto& keys = threshold_keys(bits_arg(state), t);
  Prg prg = bench_prg(12);
  const auto c = keys.public_key.paillier().encrypt(12345, prg);
  std::vector<DecryptionShare> shares;
  for (std::size_t i = 0; i < t; ++i) shares.push_back(keys.shares[i].decrypt_share(keys.public_key, c, prg));
  for (auto _ : state) {
    auto r = keys.public_key.combine(c, shares);
    if (r.plaintext != 12345) state.SkipWithError("wrong plaintext");
  }
}
BENCHMARK(BM_Combine)->ArgsProduct({{2048, 3072}, {2, 3, 5}})->Unit(benchmark::kMillisecond);

// combine_verified(): the interpolation alone.
void BM_CombineVerified(benchmark::State& state) {
  const auto t = static_cast<std::size_t>(state.range(1));
  const auto& keys = threshold_keys(bits_arg(state), t);
  Prg prg = bench_prg(13);
  const auto c = keys.public_key.paillier().encrypt(12345, prg);
  std::vector<DecryptionShare> shares;
  for (std::size_t i = 0; i < t; ++i) shares.push_back(keys.shares[i].decrypt_share(keys.public_key, c, prg));
  for (auto _ : state) {
    auto m = keys.public_key.combine_verified(c, shares);
    if (m != 12345) state.SkipWithError("wrong plaintext");
  }
}
BENCHMARK(BM_CombineVerified)->ArgsProduct({{2048, 3072}, {2, 3, 5}})->Unit(benchmark::kMillisecond);

// 4096 signed 16-bit values with headroom for 1024 summands (26-bit slots),
// encrypted with the default (short-exponent) fixed-base encryptor; items
// are values.
void BM_PackedEncrypt(benchmark::State& state) {
  const auto& enc = encryptor(bits_arg(state), PaillierEncryptor::Exponent::short_djn);
  const PackedEncoding pack(enc.public_key(), 16, 1024);
  Prg prg = bench_prg(14);
  std::vector<std::int64_t> values(4096);
  for (auto& v : values) v = static_cast<std::int64_t>(prg.next_u64() % 65536) - 32768;
  for (auto _ : state) {
    auto cts = pack.encrypt(values, enc, prg);
    values[0] = static_cast<std::int64_t>(mpz_get_ui(cts[0].value().get_mpz_t()) % 1000);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(values.size()));
  state.SetLabel(std::to_string(pack.slots_per_plaintext()) + " values per ciphertext");
}
BENCHMARK(BM_PackedEncrypt)->Arg(2048)->Arg(3072)->Unit(benchmark::kMillisecond);

}  // namespace
