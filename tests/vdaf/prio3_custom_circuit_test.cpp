// Validity circuits written by the user (the Prio3Circuit contract of
// vdaf/circuits.hpp) with gadgets of higher degree, through flp::Flp and
// Prio3 with one and several proofs:
//  - the draft's own test circuit HigherDegree (PolyEval x(x-1)(x-2), degree
//    3; draft repository poc/tests/test_flp_bbcggi19.py) against the draft's
//    Prio3HigherDegree vector file (tests/vectors/vdaf-20/, see SOURCE.md),
//    message by message with support/prio3_vectors.hpp;
//  - a circuit with joint randomness and two gadgets (PolyEval of degree 4
//    and Mul) over Field128, run end to end with 1-3 proofs and 2, 3 and 5
//    aggregators: valid measurements are accepted and sum exactly, invalid
//    ones (honestly proven) are rejected by the proof.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "privfin/vdaf/aggregator.hpp"
#include "support/prio3_vectors.hpp"

using namespace privfin;
using namespace privfin::test::vdaf;

namespace {

// The draft's HigherDegree test circuit: a measurement in {0, 1, 2}, checked
// by one call of the degree-3 gadget p(x) = x^3 - 3x^2 + 2x = x(x-1)(x-2).
// No joint randomness, no registered algorithm id (the draft runs it as
// Prio3HigherDegree with id 0xFFFFFFFF).
class HigherDegree {
 public:
  using Field = Field64;
  using Measurement = std::uint64_t;
  using AggregateResult = std::uint64_t;

  HigherDegree()
      : gadgets_{flp::Gadget<Field>::poly_eval({Field::zero(), Field::from_u64(2), -Field::from_u64(3), Field::one()}, 1)} {}

  [[nodiscard]] std::size_t meas_len() const noexcept { return 1; }
  [[nodiscard]] std::size_t output_len() const noexcept { return 1; }
  [[nodiscard]] std::size_t joint_rand_len() const noexcept { return 0; }
  [[nodiscard]] std::size_t eval_output_len() const noexcept { return 1; }
  [[nodiscard]] const std::vector<flp::Gadget<Field>>& gadgets() const noexcept { return gadgets_; }

  template <class Call>
  void eval(std::span<const Field> meas, std::span<const Field>, std::size_t, Call& call, std::vector<Field>& out) const {
    out.assign({call(0, meas.first(1))});
  }
  [[nodiscard]] std::vector<Field> encode(Measurement m) const {
    if (m > 2) throw InvalidArgument("HigherDegree: the measurement is not 0, 1 or 2");
    return {Field::from_u64(m)};
  }
  [[nodiscard]] std::vector<Field> truncate(std::span<const Field> meas) const { return {meas.begin(), meas.end()}; }
  [[nodiscard]] AggregateResult decode(std::span<const Field> agg, std::size_t) const { return agg[0].value(); }

 private:
  std::vector<flp::Gadget<Field>> gadgets_;
};

// A vector of `length` entries in 0..3 whose last entry is the product of
// the first two: every entry through PolyEval x(x-1)(x-2)(x-3) (degree 4),
// combined with powers of the joint randomness r; the product through Mul.
// Both outputs are linear in the shares, as the contract requires.
class SmallProducts {
 public:
  using Field = Field128;
  using Measurement = std::vector<std::uint64_t>;
  using AggregateResult = std::vector<std::uint64_t>;

  explicit SmallProducts(std::size_t length) : length_(length) {
    if (length_ < 3) throw InvalidArgument("SmallProducts: length must be at least 3");
    // x(x-1)(x-2)(x-3) = x^4 - 6x^3 + 11x^2 - 6x
    gadgets_.push_back(flp::Gadget<Field>::poly_eval(
        {Field::zero(), -Field::from_u64(6), Field::from_u64(11), -Field::from_u64(6), Field::one()}, length_));
    gadgets_.push_back(flp::Gadget<Field>::mul(1));
  }

  [[nodiscard]] std::size_t meas_len() const noexcept { return length_; }
  [[nodiscard]] std::size_t output_len() const noexcept { return length_; }
  [[nodiscard]] std::size_t joint_rand_len() const noexcept { return 1; }
  [[nodiscard]] std::size_t eval_output_len() const noexcept { return 2; }
  [[nodiscard]] const std::vector<flp::Gadget<Field>>& gadgets() const noexcept { return gadgets_; }

  template <class Call>
  void eval(std::span<const Field> meas, std::span<const Field> joint_rand, std::size_t, Call& call,
            std::vector<Field>& out) const {
    Field range = Field::zero();
    Field r_power = joint_rand[0];
    for (std::size_t i = 0; i < length_; ++i) {
      range += r_power * call(0, meas.subspan(i, 1));
      r_power *= joint_rand[0];
    }
    const Field product = call(1, meas.first(2));
    out.assign({range, product - meas[length_ - 1]});
  }
  [[nodiscard]] std::vector<Field> encode(const Measurement& m) const {
    if (m.size() != length_) throw InvalidArgument("SmallProducts: wrong number of entries");
    std::vector<Field> out;
    for (std::uint64_t x : m) {
      if (x > 3) throw InvalidArgument("SmallProducts: an entry exceeds 3");
      out.push_back(Field::from_u64(x));
    }
    return out;
  }
  [[nodiscard]] std::vector<Field> truncate(std::span<const Field> meas) const { return {meas.begin(), meas.end()}; }
  [[nodiscard]] AggregateResult decode(std::span<const Field> agg, std::size_t) const {
    AggregateResult out;
    for (const auto& x : agg) out.push_back(static_cast<std::uint64_t>(x.value()));
    return out;
  }

 private:
  std::size_t length_;
  std::vector<flp::Gadget<Field>> gadgets_;
};

static_assert(Prio3Circuit<HigherDegree>);
static_assert(Prio3Circuit<SmallProducts>);
static_assert(Prio3Circuit<Count> && Prio3Circuit<Sum> && Prio3Circuit<SumVec> && Prio3Circuit<SumVecField64> &&
              Prio3Circuit<Histogram> && Prio3Circuit<MultihotCountVec>);
static_assert(!Prio3Circuit<int>);

Bytes fixed_bytes(std::size_t n, std::uint8_t first) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::byte>(first + i);
  return b;
}

// FLP alone: prove, query on `shares` additive shares (from a fixed Prg),
// decide. The circuit output over the prover's input, no Prio3.
template <class Circuit>
bool flp_accepts(const flp::Flp<Circuit>& flp, const std::vector<typename Circuit::Field>& meas, std::size_t shares,
                 Prg& prg) {
  using F = typename Circuit::Field;
  const auto draw = [&](std::size_t n) {
    std::vector<F> v;
    while (v.size() < n) {
      if (auto x = F::read_le(prg.bytes(F::byte_size))) v.push_back(*x);
    }
    return v;
  };
  const auto joint_rand = draw(flp.joint_rand_len());
  const auto proof = flp.prove(meas, draw(flp.prove_rand_len()), joint_rand);
  const auto query_rand = draw(flp.query_rand_len());
  std::vector<F> meas0 = meas, proof0 = proof, verifier(flp.verifier_len(), F::zero());
  std::vector<std::vector<F>> meas_shares, proof_shares;
  for (std::size_t j = 1; j < shares; ++j) {
    meas_shares.push_back(draw(meas.size()));
    proof_shares.push_back(draw(proof.size()));
    vec_sub_inplace<F>(meas0, meas_shares.back());
    vec_sub_inplace<F>(proof0, proof_shares.back());
  }
  meas_shares.push_back(meas0);
  proof_shares.push_back(proof0);
  for (std::size_t j = 0; j < shares; ++j) {
    auto v = flp.query(meas_shares[j], proof_shares[j], query_rand, joint_rand, shares);
    REQUIRE(v.has_value());
    vec_add_inplace<F>(verifier, *v);
  }
  return flp.decide(verifier);
}

}  // namespace

TEST_CASE("Prio3HigherDegree (a user circuit with a degree-3 gadget) passes the draft's vector file",
          "[vdaf][prio3][vectors][custom]") {
  const auto files = test::vector_files("vdaf-20", ".json", "Prio3HigherDegree");
  CHECK(files.size() >= 1);
  for (const auto& path : files) {
    SECTION(path.filename().string()) {
      REQUIRE(vector_variant(path) == "Prio3HigherDegree");
      run_vector(test::load_json(path), HigherDegree(), Prio3Options().with_num_proofs(1).with_algorithm_id(0xFFFFFFFF));
    }
  }
}

TEST_CASE("The FLP proves and refutes user circuits with gadgets of degree 3 and 4", "[vdaf][prio3][flp][custom]") {
  Prg prg(Prg::Seed{{std::byte{0x3C}}});
  const flp::Flp<HigherDegree> higher{HigherDegree()};
  // Proof: wire seed + the gadget polynomial's degree*(P-1)+1 = 3*(2-1)+1 values.
  CHECK(higher.proof_len() == 1 + 4);
  CHECK(higher.verifier_len() == 1 + 1 + 1);
  const flp::Flp<SmallProducts> small{SmallProducts(5)};
  // PolyEval: 1 + 4*(8-1)+1; Mul: 2 + 2*(2-1)+1.
  CHECK(small.proof_len() == (1 + 29) + (2 + 3));
  CHECK(small.query_rand_len() == 2 + 2);
  for (std::size_t shares : {std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
    INFO("shares " << shares);
    for (std::uint64_t m : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{2}}) CHECK(flp_accepts(higher, higher.circuit().encode(m), shares, prg));
    CHECK_FALSE(flp_accepts(higher, {Field64::from_u64(3)}, shares, prg));
    CHECK_FALSE(flp_accepts(higher, {-Field64::one()}, shares, prg));
    CHECK(flp_accepts(small, small.circuit().encode({1, 3, 0, 2, 3}), shares, prg));
    CHECK(flp_accepts(small, small.circuit().encode({0, 0, 3, 3, 0}), shares, prg));
    auto too_big = small.circuit().encode({1, 3, 0, 2, 3});
    too_big[2] = Field128::from_u64(4);
    CHECK_FALSE(flp_accepts(small, too_big, shares, prg));
    auto wrong_product = small.circuit().encode({1, 3, 0, 2, 3});
    wrong_product[4] = Field128::from_u64(2);
    CHECK_FALSE(flp_accepts(small, wrong_product, shares, prg));
  }
}

TEST_CASE("Prio3 runs user circuits of higher degree with several proofs and aggregators", "[vdaf][prio3][custom][multiproof]") {
  const Bytes ctx = fixed_bytes(9, 0x70);
  const Bytes verify_key = fixed_bytes(32, 0x05);
  // A user circuit has no registered id: Prio3 asks for one.
  CHECK_THROWS_AS(Prio3<HigherDegree>(HigherDegree(), 2), InvalidArgument);
  CHECK_THROWS_AS(Prio3<SmallProducts>(SmallProducts(4), 2, Prio3Options().with_num_proofs(2)), InvalidArgument);

  for (std::size_t proofs : {std::size_t{1}, std::size_t{2}, std::size_t{3}}) {
    for (std::size_t shares : {std::size_t{2}, std::size_t{3}, std::size_t{5}}) {
      INFO(proofs << " proofs, " << shares << " aggregators");
      const Prio3<HigherDegree> higher(HigherDegree(), shares, Prio3Options().with_num_proofs(proofs).with_algorithm_id(0xFFFF0001));
      const Prio3<SmallProducts> small(SmallProducts(4), shares, Prio3Options().with_num_proofs(proofs).with_algorithm_id(0xFFFF0002));
      CHECK(higher.leader_input_share_size() == (1 + proofs * higher.flp().proof_len()) * Field64::byte_size);
      CHECK(small.verifier_share_size() == proofs * small.flp().verifier_len() * Field128::byte_size + 32);

      std::uint8_t n = 0;
      const auto next_nonce = [&] { return fixed_bytes(16, static_cast<std::uint8_t>(16 * ++n)); };
      // Runs every aggregator on one report and adds the output shares.
      const auto run = [&](const auto& vdaf, const auto& report, const Bytes& nonce, auto& agg_shares) {
        auto outs = verify_in_process(vdaf, verify_key, ctx, nonce, report.public_share, report.input_shares);
        if (outs) {
          for (std::size_t j = 0; j < shares; ++j) vdaf.aggregate_inplace(agg_shares[j], outs.value()[j]);
        }
        return outs.accepted() ? Reason::none : outs.reason();
      };

      std::vector<std::vector<Field64>> higher_agg(shares, higher.empty_aggregate());
      for (std::uint64_t m : {std::uint64_t{2}, std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{2}}) {
        const Bytes nonce = next_nonce();
        const auto report = higher.shard(ctx, m, nonce, fixed_bytes(higher.rand_size(), n));
        CHECK(run(higher, report, nonce, higher_agg) == Reason::none);
      }
      for (std::uint64_t bad : {std::uint64_t{3}, std::uint64_t{7}}) {
        const Bytes nonce = next_nonce();
        const auto report =
            higher.shard_encoded(ctx, std::vector<Field64>{Field64::from_u64(bad)}, nonce, fixed_bytes(higher.rand_size(), n));
        CHECK(run(higher, report, nonce, higher_agg) == Reason::proof_rejected);
      }
      std::vector<Bytes> encoded;
      for (const auto& a : higher_agg) encoded.push_back(higher.encode_agg_share(a));
      CHECK(higher.unshard(encoded, 4) == 5);

      std::vector<std::vector<Field128>> small_agg(shares, small.empty_aggregate());
      for (const std::vector<std::uint64_t>& m :
           {std::vector<std::uint64_t>{1, 3, 2, 3}, std::vector<std::uint64_t>{0, 2, 1, 0}}) {
        const Bytes nonce = next_nonce();
        const auto report = small.shard(ctx, m, nonce, fixed_bytes(small.rand_size(), n));
        CHECK(run(small, report, nonce, small_agg) == Reason::none);
      }
      for (const std::vector<std::uint64_t>& bad :
           {std::vector<std::uint64_t>{1, 3, 4, 3}, std::vector<std::uint64_t>{1, 3, 2, 2}}) {
        std::vector<Field128> meas;
        for (std::uint64_t x : bad) meas.push_back(Field128::from_u64(x));
        const Bytes nonce = next_nonce();
        const auto report = small.shard_encoded(ctx, meas, nonce, fixed_bytes(small.rand_size(), n));
        CHECK(run(small, report, nonce, small_agg) == Reason::proof_rejected);
      }
      encoded.clear();
      for (const auto& a : small_agg) encoded.push_back(small.encode_agg_share(a));
      CHECK(small.unshard(encoded, 2) == std::vector<std::uint64_t>{1, 5, 3, 3});
    }
  }
}
