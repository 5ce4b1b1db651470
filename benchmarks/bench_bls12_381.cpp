// BLS12-381 hot operations: field multiplication and inversion, scalar
// multiplication, hash-to-G2, the pairing, Verify, FastAggregateVerify
// (100 and 1000 keys, PoP-checked committee and raw bytes), and merging
// multisignatures. Each benchmark also reports "cycles": time-stamp-counter
// ticks per iteration (rdtsc, which counts at the nominal frequency).
//
// Anchor: configured with -DPRIVFIN_BLST_DIR=<a blst tree with libblst.a>
// (see docs/performance.md), every row of issue 20's table and pairing,
// multi-pairing, hash to G1/G2 and G1/G2 MSM run twice, privfin/<row> and
// blst/<row>, and at exit a table prints both (thread CPU time per
// operation, the best of the repetitions) with the ratio privfin / blst.
// Without it only the privfin rows run and the table has no blst column.
// With it, BM_CrossCheckBlst first checks that both compute the same
// hashes, keys, signatures and MSMs (it fails the run otherwise).
// Run: build/release/benchmarks/bench_bls12_381 --benchmark_repetitions=5 --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true
// (interleaving spreads each side's repetitions over the whole run, so a
// busy minute on this shared machine does not land on one side only).
#include <benchmark/benchmark.h>

#include <privfin/core/prg.hpp>
#include <privfin/sig/bls12_381/bls.hpp>
#include <privfin/sig/bls12_381/hash_to_curve.hpp>
#include <privfin/sig/bls12_381/multisig.hpp>
#include <privfin/sig/bls12_381/pairing.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <limits>
#include <map>
#include <string>
#include <vector>

#if defined(PRIVFIN_HAVE_BLST)
#include <blst.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

namespace {
using namespace privfin;
using namespace privfin::sig::bls12_381;

std::uint64_t ticks() {
#if defined(__x86_64__) || defined(__i386__)
  return __rdtsc();
#else
  return 0;
#endif
}

double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return 1e9 * static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec);
}

// The comparison table: per row, the best (lowest) CPU time per operation
// seen for each implementation; printed when the program ends, rows in
// the order `order` lists (the issue's), whatever order the benchmarks ran
// in (--benchmark_enable_random_interleaving shuffles them).
class Table {
 public:
  explicit Table(std::vector<std::string> order) {
    for (const auto& row : order) rows_[row].order = ++next_;
  }
  void record(const std::string& row, bool blst, double ns) {
    auto& r = rows_[row];
    if (r.order == 0) r.order = ++next_;
    double& slot = blst ? r.blst : r.privfin;
    slot = std::min(slot, ns);
  }
  ~Table() {
    if (rows_.empty()) return;
    std::vector<std::pair<std::string, Row>> sorted(rows_.begin(), rows_.end());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second.order < b.second.order; });
    std::printf("\n| operation | privfin | blst | ratio |\n|---|---|---|---|\n");
    for (const auto& [name, r] : sorted) {
      if (!(r.privfin < inf) && !(r.blst < inf)) continue;  // filtered out of this run
      const bool both = r.privfin < inf && r.blst < inf;
      std::printf("| %s | %s | %s | %s |\n", name.c_str(), format(r.privfin).c_str(), format(r.blst).c_str(),
                  both ? (std::to_string(r.privfin / r.blst).substr(0, 4) + "x").c_str() : "-");
    }
  }

 private:
  static constexpr double inf = std::numeric_limits<double>::infinity();
  struct Row {
    double privfin = inf, blst = inf;
    int order = 0;
  };
  static std::string format(double ns) {
    char buf[32];
    if (!(ns < inf)) return "-";
    if (ns >= 1e6) std::snprintf(buf, sizeof buf, "%.3g ms", ns / 1e6);
    else if (ns >= 1e3) std::snprintf(buf, sizeof buf, "%.3g us", ns / 1e3);
    else std::snprintf(buf, sizeof buf, "%.3g ns", ns);
    return buf;
  }
  std::map<std::string, Row> rows_;
  int next_ = 0;
};

Table& table();  // after the row names below

// Runs body() once per iteration and records average ticks per iteration;
// with a row name, also the CPU time per iteration into the table.
template <class Body>
void timed(benchmark::State& state, Body body, const char* row = nullptr, bool blst = false) {
  std::uint64_t total = 0;
  const double cpu0 = thread_cpu_ns();
  for (auto _ : state) {
    const std::uint64_t t0 = ticks();
    body();
    total += ticks() - t0;
  }
  const double cpu = thread_cpu_ns() - cpu0;
  state.counters["cycles"] =
      benchmark::Counter(static_cast<double>(total), benchmark::Counter::kAvgIterations);
  if (row != nullptr && state.iterations() > 0) {
    table().record(row, blst, cpu / static_cast<double>(state.iterations()));
  }
}

Fp some_fp(std::uint64_t seed) {
  Prg prg(Prg::Seed{static_cast<std::byte>(seed)});
  Fp::Repr raw{};
  for (auto& l : raw) l = prg.next_u64();
  return Fp::from_raw(raw);
}

Fr some_fr(std::uint64_t seed) {
  Prg prg(Prg::Seed{static_cast<std::byte>(seed), std::byte{1}});
  Fr::Repr raw{};
  for (auto& l : raw) l = prg.next_u64();
  return Fr::from_raw(raw);
}

void BM_FpMul(benchmark::State& state) {
  Fp a = some_fp(1);
  const Fp b = some_fp(2);
  timed(state, [&] {
    for (int i = 0; i < 100; ++i) a = a * b;  // a dependent chain
    benchmark::DoNotOptimize(a);
  });
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 100);
}
BENCHMARK(BM_FpMul);

void BM_FpInverse(benchmark::State& state) {
  Fp a = some_fp(3);
  timed(state, [&] {
    a = a.inverse() + Fp::one();
    benchmark::DoNotOptimize(a);
  });
}
BENCHMARK(BM_FpInverse);

void BM_G1Mul(benchmark::State& state) {
  G1 p = G1::generator();
  const Fr k = some_fr(4);
  timed(state, [&] {
    p = p.mul(k);
    benchmark::DoNotOptimize(p);
  });
}
BENCHMARK(BM_G1Mul)->Unit(benchmark::kMicrosecond);

void BM_G2Mul(benchmark::State& state) {
  G2 q = G2::generator();
  const Fr k = some_fr(5);
  timed(state, [&] {
    q = q.mul(k);
    benchmark::DoNotOptimize(q);
  });
}
BENCHMARK(BM_G2Mul)->Unit(benchmark::kMicrosecond);

const char* const row_sign = "BLS Sign (min-pk)";
const char* const row_verify = "BLS Verify, from bytes";
const char* const row_fav_bytes = "FastAggregateVerify, 100 keys decoded per call";
const char* const row_fav_100 = "FastAggregateVerify, 100 keys pre-decoded";
const char* const row_fav_1000 = "FastAggregateVerify, 1000 keys pre-decoded";
const char* const row_pairing = "pairing";
const char* const row_multi = "multi-pairing, 8 pairs";
const char* const row_h2g1 = "hash to G1";
const char* const row_h2g2 = "hash to G2";
const char* const row_msm1 = "G1 MSM, 64 points";
const char* const row_msm2 = "G2 MSM, 64 points";

Table& table() {
  static Table t({row_sign, row_verify, row_fav_bytes, row_fav_100, row_fav_1000, row_pairing, row_multi, row_h2g1,
                  row_h2g2, row_msm1, row_msm2});
  return t;
}
constexpr std::size_t msm_points = 64;
constexpr std::size_t multi_pairs = 8;

void BM_HashToG1(benchmark::State& state) {
  Bytes msg = to_bytes("benchmark message 0");
  const Bytes dst = to_bytes(BlsMinSig::dst(Scheme::basic));
  timed(state, [&] {
    const G1 h = hash_to_g1(msg, dst);
    msg.back() = static_cast<std::byte>(h.x().mont()[0]);  // feed back
  }, row_h2g1);
}
BENCHMARK(BM_HashToG1)->Unit(benchmark::kMicrosecond);

void BM_HashToG2(benchmark::State& state) {
  Bytes msg = to_bytes("benchmark message 0");
  const Bytes dst = to_bytes(BlsMinPk::dst(Scheme::basic));
  timed(state, [&] {
    const G2 h = hash_to_g2(msg, dst);
    msg.back() = static_cast<std::byte>(h.x().c0.mont()[0]);  // feed back
  }, row_h2g2);
}
BENCHMARK(BM_HashToG2)->Unit(benchmark::kMicrosecond);

void BM_Pairing(benchmark::State& state) {
  const G1 p = G1::generator().mul(some_fr(6));
  G2 q = G2::generator().mul(some_fr(7));
  timed(state, [&] {
    const Fp12 e = pairing(p, q);
    benchmark::DoNotOptimize(e);
  }, row_pairing);
}
BENCHMARK(BM_Pairing)->Unit(benchmark::kMillisecond);

// The pairing's two halves, for profiling.
void BM_MillerLoop(benchmark::State& state) {
  const G1 ps[1] = {G1::generator().mul(some_fr(6))};
  const G2 qs[1] = {G2::generator().mul(some_fr(7))};
  timed(state, [&] {
    const Fp12 f = miller_loop(ps, qs);
    benchmark::DoNotOptimize(f);
  });
}
BENCHMARK(BM_MillerLoop)->Unit(benchmark::kMicrosecond);

void BM_FinalExponentiation(benchmark::State& state) {
  const G1 ps[1] = {G1::generator().mul(some_fr(6))};
  const G2 qs[1] = {G2::generator().mul(some_fr(7))};
  const Fp12 f = miller_loop(ps, qs);
  timed(state, [&] {
    const Fp12 e = final_exponentiation(f);
    benchmark::DoNotOptimize(e);
  });
}
BENCHMARK(BM_FinalExponentiation)->Unit(benchmark::kMicrosecond);

void BM_MultiPairing(benchmark::State& state) {
  std::vector<G1> ps;
  std::vector<G2> qs;
  for (std::size_t i = 0; i < multi_pairs; ++i) {
    ps.push_back(G1::generator().mul(some_fr(20 + i)));
    qs.push_back(G2::generator().mul(some_fr(40 + i)));
  }
  timed(state, [&] {
    const Fp12 e = multi_pairing(ps, qs);
    benchmark::DoNotOptimize(e);
  }, row_multi);
}
BENCHMARK(BM_MultiPairing)->Unit(benchmark::kMillisecond);

template <class P>
void BM_Msm(benchmark::State& state) {
  std::vector<P> points;
  std::vector<Fr> scalars;
  for (std::size_t i = 0; i < msm_points; ++i) {
    points.push_back(P::generator().mul(some_fr(60 + i)));
    scalars.push_back(some_fr(130 + i));
  }
  timed(state, [&] {
    if constexpr (std::is_same_v<P, G1>) {
      benchmark::DoNotOptimize(g1_msm(points, scalars));
    } else {
      benchmark::DoNotOptimize(g2_msm(points, scalars));
    }
  }, std::is_same_v<P, G1> ? row_msm1 : row_msm2);
}
BENCHMARK(BM_Msm<G1>)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Msm<G2>)->Unit(benchmark::kMicrosecond);

template <class V>
void BM_Verify(benchmark::State& state) {
  using B = Bls<V>;
  const SecretKey sk = SecretKey::key_gen(Bytes(32, std::byte{9}));
  const auto pk = B::sk_to_pk(sk);
  const Bytes msg = to_bytes("a block to vote for");
  const auto sig = B::sign(sk, msg);
  timed(state, [&] {
    const bool ok = B::verify(pk, msg, sig);
    if (!ok) state.SkipWithError("verification failed");
  }, std::is_same_v<V, MinPk> ? row_verify : nullptr);
}
BENCHMARK(BM_Verify<MinPk>)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Verify<MinSig>)->Unit(benchmark::kMillisecond);

void BM_Sign(benchmark::State& state) {
  const SecretKey sk = SecretKey::key_gen(Bytes(32, std::byte{9}));
  Bytes msg = to_bytes("a block to vote for");
  timed(state, [&] {
    const auto sig = BlsMinPk::sign(sk, msg);
    msg.back() = sig[10];
  }, row_sign);
}
BENCHMARK(BM_Sign)->Unit(benchmark::kMillisecond);

struct Votes {
  std::vector<BlsMinPk::PublicKey> pks;
  std::vector<BlsMinPk::Signature> pops, sigs;
  std::vector<ByteView> pk_views, pop_views, sig_views;
  Bytes msg = to_bytes("block 1000");
  explicit Votes(std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      Bytes ikm(32, std::byte{7});
      ikm[0] = static_cast<std::byte>(i);
      ikm[1] = static_cast<std::byte>(i >> 8);
      const SecretKey sk = SecretKey::key_gen(ikm);
      pks.push_back(BlsMinPk::sk_to_pk(sk));
      pops.push_back(BlsMinPk::pop_prove(sk));
      sigs.push_back(BlsMinPk::sign(sk, msg, Scheme::proof_of_possession));
    }
    for (std::size_t i = 0; i < n; ++i) {
      pk_views.emplace_back(pks[i].data(), pks[i].size());
      pop_views.emplace_back(pops[i].data(), pops[i].size());
      sig_views.emplace_back(sigs[i].data(), sigs[i].size());
    }
  }
};

// FastAggregateVerify over a PoP-checked committee (keys decoded once, as a
// consensus node holds them): MultiSig::verify with every member signing.
void BM_FastAggregateVerifyCommittee(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Votes votes(n);
  const auto committee = Committee<MinPk>::from_keys(votes.pk_views, votes.pop_views);
  MultiSig<MinPk> all(n);
  for (std::size_t i = 0; i < n; ++i) all.merge_inplace(MultiSig<MinPk>::single(n, i, votes.sigs[i]));
  timed(state, [&] {
    if (!all.verify(committee, votes.msg)) state.SkipWithError("verification failed");
  }, n == 100 ? row_fav_100 : n == 1000 ? row_fav_1000 : nullptr);
}
BENCHMARK(BM_FastAggregateVerifyCommittee)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

// The draft's FastAggregateVerify on encoded keys: includes decompressing
// and subgroup-checking every key on every call.
void BM_FastAggregateVerifyBytes(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Votes votes(n);
  const auto agg = BlsMinPk::aggregate(votes.sig_views);
  timed(state, [&] {
    if (!BlsMinPk::fast_aggregate_verify(votes.pk_views, votes.msg, agg)) state.SkipWithError("verification failed");
  }, n == 100 ? row_fav_bytes : nullptr);
}
BENCHMARK(BM_FastAggregateVerifyBytes)->Arg(100)->Unit(benchmark::kMillisecond);

// Merging two partial aggregates of a 1000-member committee.
void BM_MultiSigMerge(benchmark::State& state) {
  const std::size_t n = 1000;
  const Votes votes(2);
  auto a = MultiSig<MinPk>::single(n, 0, votes.sigs[0]);
  const auto b = MultiSig<MinPk>::single(n, 1, votes.sigs[1]);
  timed(state, [&] {
    a.merge_inplace(b);
    benchmark::DoNotOptimize(a);
  });
}
BENCHMARK(BM_MultiSigMerge)->Unit(benchmark::kMicrosecond);

#if defined(PRIVFIN_HAVE_BLST)
// ---- blst, the same operations through its C API (min-pk: keys in G1).

const byte* u8(const Bytes& b) { return reinterpret_cast<const byte*>(b.data()); }

blst_scalar blst_some_scalar(std::uint64_t seed) {
  std::array<std::byte, 32> be{};
  some_fr(seed).to_bytes_be(be);
  blst_scalar s;
  blst_scalar_from_bendian(&s, reinterpret_cast<const byte*>(be.data()));
  return s;
}

blst_p1_affine blst_g1_point(std::uint64_t seed) {
  const blst_scalar s = blst_some_scalar(seed);
  blst_p1 p;
  blst_p1_mult(&p, blst_p1_generator(), s.b, 255);
  blst_p1_affine a;
  blst_p1_to_affine(&a, &p);
  return a;
}

blst_p2_affine blst_g2_point(std::uint64_t seed) {
  const blst_scalar s = blst_some_scalar(seed);
  blst_p2 p;
  blst_p2_mult(&p, blst_p2_generator(), s.b, 255);
  blst_p2_affine a;
  blst_p2_to_affine(&a, &p);
  return a;
}

struct BlstKey {
  blst_scalar sk;
  std::array<byte, 48> pk;
  explicit BlstKey(std::size_t i) {
    std::array<byte, 32> ikm{};
    ikm.fill(7);
    ikm[0] = static_cast<byte>(i);
    ikm[1] = static_cast<byte>(i >> 8);
    blst_keygen(&sk, ikm.data(), ikm.size(), nullptr, 0);
    blst_p1 p;
    blst_sk_to_pk_in_g1(&p, &sk);
    blst_p1_compress(pk.data(), &p);
  }
  [[nodiscard]] std::array<byte, 96> sign(const Bytes& msg, const std::string& dst) const {
    blst_p2 h, s;
    blst_hash_to_g2(&h, u8(msg), msg.size(), reinterpret_cast<const byte*>(dst.data()), dst.size(), nullptr, 0);
    blst_sign_pk_in_g1(&s, &h, &sk);
    std::array<byte, 96> out{};
    blst_p2_compress(out.data(), &s);
    return out;
  }
};

// Decode + subgroup check + CoreVerify, as BlsMinPk::verify does.
bool blst_verify_bytes(const byte* pk, const Bytes& msg, const byte* sig, const std::string& dst) {
  blst_p1_affine p;
  blst_p2_affine s;
  if (blst_p1_uncompress(&p, pk) != BLST_SUCCESS || !blst_p1_affine_in_g1(&p)) return false;
  if (blst_p2_uncompress(&s, sig) != BLST_SUCCESS || !blst_p2_affine_in_g2(&s)) return false;
  return blst_core_verify_pk_in_g1(&p, &s, true, u8(msg), msg.size(), reinterpret_cast<const byte*>(dst.data()),
                                   dst.size(), nullptr, 0) == BLST_SUCCESS;
}

void BM_BlstSign(benchmark::State& state) {
  const BlstKey key(9);
  Bytes msg = to_bytes("a block to vote for");
  const std::string dst = BlsMinPk::dst(Scheme::basic);
  timed(state, [&] {
    const auto sig = key.sign(msg, dst);
    msg.back() = static_cast<std::byte>(sig[10]);
  }, row_sign, true);
}
BENCHMARK(BM_BlstSign)->Unit(benchmark::kMillisecond);

void BM_BlstVerify(benchmark::State& state) {
  const BlstKey key(9);
  const Bytes msg = to_bytes("a block to vote for");
  const std::string dst = BlsMinPk::dst(Scheme::basic);
  const auto sig = key.sign(msg, dst);
  timed(state, [&] {
    if (!blst_verify_bytes(key.pk.data(), msg, sig.data(), dst)) state.SkipWithError("verification failed");
  }, row_verify, true);
}
BENCHMARK(BM_BlstVerify)->Unit(benchmark::kMillisecond);

struct BlstVotes {
  std::vector<BlstKey> keys;
  std::vector<blst_p1_affine> decoded;
  blst_p2_affine agg_sig{};
  std::array<byte, 96> agg_bytes{};
  Bytes msg = to_bytes("block 1000");
  std::string dst = BlsMinPk::dst(Scheme::proof_of_possession);
  explicit BlstVotes(std::size_t n) {
    blst_p2 agg{};
    for (std::size_t i = 0; i < n; ++i) {
      keys.emplace_back(i);
      const auto sig = keys.back().sign(msg, dst);
      blst_p2_affine s;
      blst_p2_uncompress(&s, sig.data());
      blst_p2_add_or_double_affine(&agg, &agg, &s);
      blst_p1_affine p;
      blst_p1_uncompress(&p, keys.back().pk.data());
      decoded.push_back(p);
    }
    blst_p2_to_affine(&agg_sig, &agg);
    blst_p2_compress(agg_bytes.data(), &agg);
  }
};

// Keys decoded and subgroup-checked per call, then summed; the aggregate
// signature decoded and checked; CoreVerify.
void BM_BlstFastAggregateVerifyBytes(benchmark::State& state) {
  const BlstVotes votes(static_cast<std::size_t>(state.range(0)));
  timed(state, [&] {
    blst_p1 acc{};
    bool ok = true;
    for (const auto& k : votes.keys) {
      blst_p1_affine p;
      if (blst_p1_uncompress(&p, k.pk.data()) != BLST_SUCCESS || !blst_p1_affine_in_g1(&p)) ok = false;
      blst_p1_add_or_double_affine(&acc, &acc, &p);
    }
    blst_p1_affine pk;
    blst_p1_to_affine(&pk, &acc);
    blst_p2_affine s;
    if (blst_p2_uncompress(&s, votes.agg_bytes.data()) != BLST_SUCCESS || !blst_p2_affine_in_g2(&s)) ok = false;
    ok = ok && blst_core_verify_pk_in_g1(&pk, &s, true, u8(votes.msg), votes.msg.size(),
                                         reinterpret_cast<const byte*>(votes.dst.data()), votes.dst.size(), nullptr,
                                         0) == BLST_SUCCESS;
    if (!ok) state.SkipWithError("verification failed");
  }, row_fav_bytes, true);
}
BENCHMARK(BM_BlstFastAggregateVerifyBytes)->Arg(100)->Unit(benchmark::kMillisecond);

// Keys and signature already decoded and checked: sum and CoreVerify.
void BM_BlstFastAggregateVerifyDecoded(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const BlstVotes votes(n);
  timed(state, [&] {
    blst_p1 acc{};
    for (const auto& p : votes.decoded) blst_p1_add_or_double_affine(&acc, &acc, &p);
    blst_p1_affine pk;
    blst_p1_to_affine(&pk, &acc);
    const bool ok = blst_core_verify_pk_in_g1(&pk, &votes.agg_sig, true, u8(votes.msg), votes.msg.size(),
                                              reinterpret_cast<const byte*>(votes.dst.data()), votes.dst.size(),
                                              nullptr, 0) == BLST_SUCCESS;
    if (!ok) state.SkipWithError("verification failed");
  }, n == 100 ? row_fav_100 : row_fav_1000, true);
}
BENCHMARK(BM_BlstFastAggregateVerifyDecoded)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_BlstPairing(benchmark::State& state) {
  const blst_p1_affine p = blst_g1_point(6);
  const blst_p2_affine q = blst_g2_point(7);
  timed(state, [&] {
    blst_fp12 f, e;
    blst_miller_loop(&f, &q, &p);
    blst_final_exp(&e, &f);
    benchmark::DoNotOptimize(e);
  }, row_pairing, true);
}
BENCHMARK(BM_BlstPairing)->Unit(benchmark::kMillisecond);

void BM_BlstMultiPairing(benchmark::State& state) {
  std::vector<blst_p1_affine> ps;
  std::vector<blst_p2_affine> qs;
  for (std::size_t i = 0; i < multi_pairs; ++i) {
    ps.push_back(blst_g1_point(20 + i));
    qs.push_back(blst_g2_point(40 + i));
  }
  std::vector<const blst_p1_affine*> pp;
  std::vector<const blst_p2_affine*> qp;
  for (std::size_t i = 0; i < multi_pairs; ++i) {
    pp.push_back(&ps[i]);
    qp.push_back(&qs[i]);
  }
  timed(state, [&] {
    blst_fp12 f, e;
    blst_miller_loop_n(&f, qp.data(), pp.data(), multi_pairs);
    blst_final_exp(&e, &f);
    benchmark::DoNotOptimize(e);
  }, row_multi, true);
}
BENCHMARK(BM_BlstMultiPairing)->Unit(benchmark::kMillisecond);

void BM_BlstHashToG1(benchmark::State& state) {
  Bytes msg = to_bytes("benchmark message 0");
  const std::string dst = BlsMinSig::dst(Scheme::basic);
  timed(state, [&] {
    blst_p1 h;
    blst_hash_to_g1(&h, u8(msg), msg.size(), reinterpret_cast<const byte*>(dst.data()), dst.size(), nullptr, 0);
    msg.back() = static_cast<std::byte>(h.x.l[0]);
  }, row_h2g1, true);
}
BENCHMARK(BM_BlstHashToG1)->Unit(benchmark::kMicrosecond);

void BM_BlstHashToG2(benchmark::State& state) {
  Bytes msg = to_bytes("benchmark message 0");
  const std::string dst = BlsMinPk::dst(Scheme::basic);
  timed(state, [&] {
    blst_p2 h;
    blst_hash_to_g2(&h, u8(msg), msg.size(), reinterpret_cast<const byte*>(dst.data()), dst.size(), nullptr, 0);
    msg.back() = static_cast<std::byte>(h.x.fp[0].l[0]);
  }, row_h2g2, true);
}
BENCHMARK(BM_BlstHashToG2)->Unit(benchmark::kMicrosecond);

template <bool InG1>
void BM_BlstMsm(benchmark::State& state) {
  std::vector<blst_scalar> scalars;
  std::vector<const byte*> scalar_ptrs;
  for (std::size_t i = 0; i < msm_points; ++i) scalars.push_back(blst_some_scalar(130 + i));
  for (const auto& s : scalars) scalar_ptrs.push_back(s.b);
  if constexpr (InG1) {
    std::vector<blst_p1_affine> points;
    for (std::size_t i = 0; i < msm_points; ++i) points.push_back(blst_g1_point(60 + i));
    std::vector<const blst_p1_affine*> ptrs;
    for (const auto& p : points) ptrs.push_back(&p);
    std::vector<limb_t> scratch(blst_p1s_mult_pippenger_scratch_sizeof(msm_points) / sizeof(limb_t));
    timed(state, [&] {
      blst_p1 r;
      blst_p1s_mult_pippenger(&r, ptrs.data(), msm_points, scalar_ptrs.data(), 255, scratch.data());
      benchmark::DoNotOptimize(r);
    }, row_msm1, true);
  } else {
    std::vector<blst_p2_affine> points;
    for (std::size_t i = 0; i < msm_points; ++i) points.push_back(blst_g2_point(60 + i));
    std::vector<const blst_p2_affine*> ptrs;
    for (const auto& p : points) ptrs.push_back(&p);
    std::vector<limb_t> scratch(blst_p2s_mult_pippenger_scratch_sizeof(msm_points) / sizeof(limb_t));
    timed(state, [&] {
      blst_p2 r;
      blst_p2s_mult_pippenger(&r, ptrs.data(), msm_points, scalar_ptrs.data(), 255, scratch.data());
      benchmark::DoNotOptimize(r);
    }, row_msm2, true);
  }
}
BENCHMARK(BM_BlstMsm<true>)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_BlstMsm<false>)->Unit(benchmark::kMicrosecond);

// Before the timings mean anything, both sides must compute the same
// thing: 200 random messages hashed to G1 and G2 (compressed outputs
// equal), 200 keys from the same IKM (public keys and min-pk signatures
// byte for byte equal, each side verifying the other's), and G1/G2 MSM
// of 1 to 70 random points (equal results). Runs once; a mismatch fails
// the run (SkipWithError) and is counted in "mismatches".
void BM_CrossCheckBlst(benchmark::State& state) {
  std::size_t cases = 0, mismatches = 0;
  const auto agree = [&](bool same) {
    ++cases;
    mismatches += same ? 0U : 1U;
  };
  for (auto _ : state) {
    Prg prg(Prg::Seed{std::byte{0x42}});
    const std::string dst1 = BlsMinSig::dst(Scheme::basic), dst2 = BlsMinPk::dst(Scheme::basic);
    for (std::size_t i = 0; i < 200; ++i) {
      Bytes msg(i % 67);
      prg.fill(msg);
      blst_p1 h1;
      blst_p2 h2;
      blst_hash_to_g1(&h1, u8(msg), msg.size(), reinterpret_cast<const byte*>(dst1.data()), dst1.size(), nullptr, 0);
      blst_hash_to_g2(&h2, u8(msg), msg.size(), reinterpret_cast<const byte*>(dst2.data()), dst2.size(), nullptr, 0);
      std::array<byte, 48> b1{};
      std::array<byte, 96> b2{};
      blst_p1_compress(b1.data(), &h1);
      blst_p2_compress(b2.data(), &h2);
      const auto p1 = g1_to_compressed(hash_to_g1(msg, as_bytes(dst1)));
      const auto p2 = g2_to_compressed(hash_to_g2(msg, as_bytes(dst2)));
      agree(std::equal(p1.begin(), p1.end(), reinterpret_cast<const std::byte*>(b1.data())));
      agree(std::equal(p2.begin(), p2.end(), reinterpret_cast<const std::byte*>(b2.data())));
      // Keys: blst_keygen and SecretKey::key_gen both follow the IETF KeyGen.
      Bytes ikm(32 + i % 16);
      prg.fill(ikm);
      blst_scalar sk;
      blst_keygen(&sk, u8(ikm), ikm.size(), nullptr, 0);
      blst_p1 pk;
      blst_sk_to_pk_in_g1(&pk, &sk);
      std::array<byte, 48> pk_bytes{};
      blst_p1_compress(pk_bytes.data(), &pk);
      blst_p2 sig;
      blst_sign_pk_in_g1(&sig, &h2, &sk);
      std::array<byte, 96> sig_bytes{};
      blst_p2_compress(sig_bytes.data(), &sig);
      const auto ours = SecretKey::key_gen(ikm);
      const auto our_pk = BlsMinPk::sk_to_pk(ours);
      const auto our_sig = BlsMinPk::sign(ours, msg);
      agree(std::equal(our_pk.begin(), our_pk.end(), reinterpret_cast<const std::byte*>(pk_bytes.data())));
      agree(std::equal(our_sig.begin(), our_sig.end(), reinterpret_cast<const std::byte*>(sig_bytes.data())));
      const ByteView their_sig(reinterpret_cast<const std::byte*>(sig_bytes.data()), sig_bytes.size());
      agree(BlsMinPk::verify(our_pk, msg, their_sig));
      agree(blst_verify_bytes(pk_bytes.data(), msg, reinterpret_cast<const byte*>(our_sig.data()), dst2));
    }
    for (std::size_t n = 1; n <= 70; n += 3) {
      std::vector<G1> g1s;
      std::vector<G2> g2s;
      std::vector<Fr> scalars;
      std::vector<blst_p1_affine> b1s;
      std::vector<blst_p2_affine> b2s;
      std::vector<blst_scalar> bscalars;
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t seed = 1000 * n + i;
        g1s.push_back(G1::generator().mul(some_fr(seed)));
        g2s.push_back(G2::generator().mul(some_fr(seed)));
        scalars.push_back(some_fr(seed + 500));
        b1s.push_back(blst_g1_point(seed));
        b2s.push_back(blst_g2_point(seed));
        bscalars.push_back(blst_some_scalar(seed + 500));
      }
      std::vector<const blst_p1_affine*> p1s;
      std::vector<const blst_p2_affine*> p2s;
      std::vector<const byte*> sp;
      for (std::size_t i = 0; i < n; ++i) {
        p1s.push_back(&b1s[i]);
        p2s.push_back(&b2s[i]);
        sp.push_back(bscalars[i].b);
      }
      std::vector<limb_t> scratch1(blst_p1s_mult_pippenger_scratch_sizeof(n) / sizeof(limb_t) + 1);
      std::vector<limb_t> scratch2(blst_p2s_mult_pippenger_scratch_sizeof(n) / sizeof(limb_t) + 1);
      blst_p1 r1;
      blst_p2 r2;
      blst_p1s_mult_pippenger(&r1, p1s.data(), n, sp.data(), 255, scratch1.data());
      blst_p2s_mult_pippenger(&r2, p2s.data(), n, sp.data(), 255, scratch2.data());
      std::array<byte, 48> m1{};
      std::array<byte, 96> m2{};
      blst_p1_compress(m1.data(), &r1);
      blst_p2_compress(m2.data(), &r2);
      const auto o1 = g1_to_compressed(g1_msm(g1s, scalars));
      const auto o2 = g2_to_compressed(g2_msm(g2s, scalars));
      agree(std::equal(o1.begin(), o1.end(), reinterpret_cast<const std::byte*>(m1.data())));
      agree(std::equal(o2.begin(), o2.end(), reinterpret_cast<const std::byte*>(m2.data())));
    }
  }
  state.counters["cases"] = static_cast<double>(cases);
  state.counters["mismatches"] = static_cast<double>(mismatches);
  if (mismatches != 0) state.SkipWithError("privfin and blst disagree (see mismatches)");
}
BENCHMARK(BM_CrossCheckBlst)->Iterations(1)->Unit(benchmark::kMillisecond);
#endif

}  // namespace
