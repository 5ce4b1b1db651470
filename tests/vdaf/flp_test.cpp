// The generic FLP of draft-irtf-cfrg-vdaf-20 on its own: for every circuit,
// honest proofs are accepted and invalid measurements or tampered proofs
// are rejected, with the proof and verifier split into shares as Prio3 does;
// length checks; a custom degree-3 PolyEval circuit exercises the general
// gadget-polynomial completion.
#include <catch2/catch.hpp>

#include <vector>

#include "privfin/core/prg.hpp"
#include "privfin/vdaf/flp.hpp"
#include "privfin/vdaf/circuits.hpp"

using namespace privfin;
using namespace privfin::vdaf;
using namespace privfin::vdaf;

namespace {

template <class F>
std::vector<F> random_vec(Prg& prg, std::size_t n) {
  std::vector<F> v;
  while (v.size() < n) {
    Bytes b = prg.bytes(F::byte_size);
    if (auto x = F::read_le(b)) v.push_back(*x);
  }
  return v;
}

// Runs prove, query on `shares` additive shares, and decide.
template <class Circuit>
bool prove_and_verify(const flp::Flp<Circuit>& flp, const std::vector<typename Circuit::Field>& meas, Prg& prg,
                      std::size_t shares, bool tamper_proof = false) {
  using F = typename Circuit::Field;
  const auto joint_rand = random_vec<F>(prg, flp.joint_rand_len());
  const auto prove_rand = random_vec<F>(prg, flp.prove_rand_len());
  const auto query_rand = random_vec<F>(prg, flp.query_rand_len());
  auto proof = flp.prove(meas, prove_rand, joint_rand);
  REQUIRE(proof.size() == flp.proof_len());
  if (tamper_proof) proof[proof.size() / 2] += F::one();
  // Split measurement and proof into shares.
  std::vector<std::vector<F>> meas_shares(shares, meas), proof_shares(shares, proof);
  for (std::size_t j = 1; j < shares; ++j) {
    meas_shares[j] = random_vec<F>(prg, meas.size());
    proof_shares[j] = random_vec<F>(prg, proof.size());
    vec_sub_inplace<F>(meas_shares[0], meas_shares[j]);
    vec_sub_inplace<F>(proof_shares[0], proof_shares[j]);
  }
  std::vector<F> verifier(flp.verifier_len(), F::zero());
  for (std::size_t j = 0; j < shares; ++j) {
    auto v = flp.query(meas_shares[j], proof_shares[j], query_rand, joint_rand, shares);
    REQUIRE(v.has_value());
    vec_add_inplace<F>(verifier, *v);
  }
  return flp.decide(verifier);
}

// p(x) = x^3 - x (zero on 0, 1, -1), via a degree-3 PolyEval gadget.
struct CubeCircuit {
  using Field = Field64;
  std::vector<flp::Gadget<Field>> gadgets_{
      flp::Gadget<Field>::poly_eval({Field::zero(), -Field::one(), Field::zero(), Field::one()}, 5)};
  std::size_t meas_len() const { return 5; }
  std::size_t output_len() const { return 5; }
  std::size_t joint_rand_len() const { return 0; }
  std::size_t eval_output_len() const { return 5; }
  const std::vector<flp::Gadget<Field>>& gadgets() const { return gadgets_; }
  template <class Call>
  void eval(std::span<const Field> meas, std::span<const Field>, std::size_t, Call& call, std::vector<Field>& out) const {
    out.clear();
    for (const Field& x : meas) out.push_back(call(0, std::span<const Field>(&x, 1)));
  }
};

}  // namespace

TEST_CASE("FLP accepts valid and rejects invalid measurements for every circuit", "[vdaf][prio3][flp]") {
  Prg prg(Prg::Seed{{std::byte{0x5A}}});
  for (std::size_t shares : {std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
    INFO("shares " << shares);
    {
      flp::Flp<Count> flp{Count()};
      CHECK(prove_and_verify(flp, flp.circuit().encode(1), prg, shares));
      CHECK(prove_and_verify(flp, flp.circuit().encode(0), prg, shares));
      CHECK_FALSE(prove_and_verify(flp, {Field64::from_u64(2)}, prg, shares));
      CHECK_FALSE(prove_and_verify(flp, flp.circuit().encode(1), prg, shares, true));
    }
    {
      flp::Flp<Sum> flp{Sum(100)};
      for (std::uint64_t m : {std::uint64_t{0}, std::uint64_t{63}, std::uint64_t{64}, std::uint64_t{100}}) {
        CHECK(prove_and_verify(flp, flp.circuit().encode(m), prg, shares));
        CHECK(flp.circuit().truncate(flp.circuit().encode(m)) == std::vector<Field64>{Field64::from_u64(m)});
      }
      auto bad = flp.circuit().encode(7);
      bad[0] = Field64::from_u64(3);
      CHECK_FALSE(prove_and_verify(flp, bad, prg, shares));
      CHECK_FALSE(prove_and_verify(flp, flp.circuit().encode(9), prg, shares, true));
      CHECK_THROWS_AS(flp.circuit().encode(101), InvalidArgument);
    }
    {
      flp::Flp<Histogram> flp{Histogram(11, 3)};
      CHECK(prove_and_verify(flp, flp.circuit().encode(10), prg, shares));
      auto two = flp.circuit().encode(2);
      two[3] = Field128::one();
      CHECK_FALSE(prove_and_verify(flp, two, prg, shares));
      CHECK_FALSE(prove_and_verify(flp, std::vector<Field128>(11, Field128::zero()), prg, shares));
      CHECK_FALSE(prove_and_verify(flp, flp.circuit().encode(4), prg, shares, true));
    }
    {
      flp::Flp<SumVec> flp{SumVec(5, 9, 4)};
      CHECK(prove_and_verify(flp, flp.circuit().encode({0, 9, 8, 1, 5}), prg, shares));
      auto bad = flp.circuit().encode({0, 9, 8, 1, 5});
      bad[6] = Field128::from_u64(5);
      CHECK_FALSE(prove_and_verify(flp, bad, prg, shares));
      CHECK(flp.circuit().truncate(flp.circuit().encode({0, 9, 8, 1, 5}))[2] == Field128::from_u64(8));
    }
    {
      flp::Flp<MultihotCountVec> flp{MultihotCountVec(5, 4, 3)};
      CHECK(prove_and_verify(flp, flp.circuit().encode({true, false, true, true, true}), prg, shares));
      CHECK(prove_and_verify(flp, flp.circuit().encode({false, false, false, false, false}), prg, shares));
      auto bad = flp.circuit().encode({true, false, false, false, false});
      bad[1] = Field128::one();  // weight 2, claimed 1
      CHECK_FALSE(prove_and_verify(flp, bad, prg, shares));
      CHECK_THROWS_AS(flp.circuit().encode({true, true, true, true, true}), InvalidArgument);
    }
    {
      flp::Flp<CubeCircuit> flp{CubeCircuit()};
      const auto minus_one = -Field64::one();
      CHECK(prove_and_verify(flp, {Field64::zero(), Field64::one(), minus_one, Field64::one(), Field64::zero()}, prg, shares));
      CHECK_FALSE(prove_and_verify(flp, {Field64::zero(), Field64::from_u64(2), minus_one, Field64::one(), Field64::zero()},
                                   prg, shares));
    }
  }
}

TEST_CASE("FLP lengths follow the draft and wrong lengths are refused", "[vdaf][prio3][flp]") {
  flp::Flp<Count> count{Count()};
  CHECK(count.proof_len() == 5);     // 2 wire seeds + 3 gadget values
  CHECK(count.verifier_len() == 4);  // output, 2 wire checks, gadget check
  CHECK(count.query_rand_len() == 1);
  flp::Flp<Sum> sum{Sum(255)};
  CHECK(sum.proof_len() == 32);  // 1 seed + 2*(16-1)+1
  CHECK(sum.query_rand_len() == 9);
  flp::Flp<Histogram> hist{Histogram(4, 2)};
  CHECK(hist.proof_len() == 11);
  CHECK(hist.joint_rand_len() == 2);
  Prg prg(Prg::Seed{});
  const auto meas = count.circuit().encode(1);
  CHECK_THROWS_AS(count.prove(meas, random_vec<Field64>(prg, 3), {}), InvalidArgument);
  CHECK_THROWS_AS(count.prove(std::vector<Field64>{}, random_vec<Field64>(prg, 2), {}), InvalidArgument);
  const auto proof = count.prove(meas, random_vec<Field64>(prg, 2), {});
  CHECK_THROWS_AS(count.query(meas, std::span<const Field64>(proof).first(4), random_vec<Field64>(prg, 1), {}, 1),
                  InvalidArgument);
  CHECK_THROWS_AS(count.decide(std::vector<Field64>(3)), InvalidArgument);
  // A query point that is a root of unity is refused (the draft aborts).
  CHECK_FALSE(count.query(meas, proof, std::vector<Field64>{-Field64::one()}, {}, 1).has_value());
  CHECK_THROWS_AS(Sum(0), InvalidArgument);
  CHECK_THROWS_AS(Histogram(0, 1), InvalidArgument);
  CHECK_THROWS_AS(SumVec(1, 1, 0), InvalidArgument);
  CHECK_THROWS_AS(MultihotCountVec(3, 4, 1), InvalidArgument);
}

TEST_CASE("An out-of-range measurement is refused without showing it", "[vdaf][prio3][flp]") {
  // The measurement is the client's secret: the message names the public
  // bound only (core/error.hpp: messages never contain a secret).
  const auto message_of = [](auto&& encode) -> std::string {
    try {
      encode();
    } catch (const InvalidArgument& e) {
      return e.what();
    }
    return "no exception";
  };
  const std::string sum = message_of([] { (void)Sum(100).encode(73519); });
  CHECK_THAT(sum, Catch::Contains("max_measurement 100"));
  CHECK_THAT(sum, !Catch::Contains("73519"));
  const std::string count = message_of([] { (void)Count().encode(73519); });
  CHECK_THAT(count, !Catch::Contains("73519"));
  const std::string hist = message_of([] { (void)Histogram(11, 3).encode(73519); });
  CHECK_THAT(hist, Catch::Contains("length 11"));
  CHECK_THAT(hist, !Catch::Contains("73519"));
  const std::string vec = message_of([] { (void)SumVec(5, 9, 4).encode({0, 0, 73519, 0, 0}); });
  CHECK_THAT(vec, !Catch::Contains("73519"));
  CHECK_THAT(vec, !Catch::Contains("entry 2"));
  const std::string weight = message_of([] { (void)MultihotCountVec(5, 2, 3).encode({true, true, true, false, false}); });
  CHECK_THAT(weight, Catch::Contains("max_weight 2"));
  CHECK_THAT(weight, !Catch::Contains("weight 3"));
}
