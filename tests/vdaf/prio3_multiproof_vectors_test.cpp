// Prio3 with several proofs (draft-irtf-cfrg-vdaf-20, "Multiple Proofs")
// against the draft's Prio3SumVecWithMultiproof vector files in
// tests/vectors/vdaf-20/ (SumVec over Field64, three proofs, the private-use
// algorithm id 0xFFFFFFFF; see SOURCE.md), message by message with the
// runner of support/prio3_vectors.hpp. Then what the vectors cannot show:
// every one of the proofs is checked (a tampered proof i is rejected for
// each i), a report made for another proof count is malformed, and the
// draft's rule "Field64 with joint randomness needs at least 3 proofs".
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "support/prio3_vectors.hpp"

using namespace privfin;
using namespace privfin::test::vdaf;

namespace {

// The draft's Prio3SumVecWithMultiproof(shares, Field64, num_proofs=3, ...)
// as generated for its test vectors (poc/gen_test_vec.py).
constexpr std::size_t multiproof_proofs = 3;
constexpr std::uint32_t multiproof_algorithm_id = 0xFFFFFFFF;

Prio3Options multiproof_options() {
  return Prio3Options().with_num_proofs(multiproof_proofs).with_algorithm_id(multiproof_algorithm_id);
}

SumVecField64 circuit_of(const json& tv) {
  return SumVecField64(tv.at("length").get<std::size_t>(), tv.at("max_measurement").get<std::uint64_t>(),
                       tv.at("chunk_length").get<std::size_t>());
}

Bytes fixed_bytes(std::size_t n, std::uint8_t first) {
  Bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::byte>(first + i);
  return b;
}

}  // namespace

TEST_CASE("Prio3SumVecWithMultiproof passes every vdaf-20 vector file message by message",
          "[vdaf][prio3][vectors][multiproof]") {
  const auto files = test::vector_files("vdaf-20", ".json", "Prio3SumVecWithMultiproof");
  CHECK(files.size() >= 2);
  for (const auto& path : files) {
    SECTION(path.filename().string()) {
      const json tv = test::load_json(path);
      REQUIRE(vector_variant(path) == "Prio3SumVecWithMultiproof");
      const auto circuit = circuit_of(tv);
      // The input shares carry three proofs: the sizes say so before any byte does.
      const Prio3<SumVecField64> vdaf(circuit, tv.at("shares").get<std::size_t>(), multiproof_options());
      const auto& report = tv.at("reports").at(0);
      CHECK(hex(report.at("input_shares").at(0)).size() == vdaf.leader_input_share_size());
      CHECK(hex(report.at("verifier_shares").at(0).at(0)).size() == vdaf.verifier_share_size());
      CHECK(vdaf.verifier_share_size() == 3 * vdaf.flp().verifier_len() * Field64::byte_size + 32);
      run_vector(tv, circuit, multiproof_options());
    }
  }
}

TEST_CASE("Prio3 with several proofs rejects a tampered proof whichever proof it is", "[vdaf][prio3][multiproof]") {
  const Bytes ctx = fixed_bytes(16, 0x40);
  const Bytes verify_key = fixed_bytes(32, 0x00);
  const Bytes nonce = fixed_bytes(16, 0x80);
  for (std::size_t shares : {std::size_t{2}, std::size_t{3}}) {
    const Prio3<SumVecField64> vdaf(SumVecField64(4, 7, 3), shares, Prio3Options().with_num_proofs(3).with_algorithm_id(0xFFFFFFFF));
    const Bytes rand = fixed_bytes(vdaf.rand_size(), 0x11);
    const auto report = vdaf.shard(ctx, {1, 7, 0, 3}, nonce, rand);
    // Honest: accepted.
    {
      std::vector<Bytes> vshares;
      for (std::size_t j = 0; j < shares; ++j) {
        auto init = vdaf.verify_init(verify_key, ctx, j, nonce, report.public_share, report.input_shares[j]);
        REQUIRE(init);
        vshares.push_back(init.value().verifier_share);
      }
      CHECK(vdaf.verifier_shares_to_message(ctx, vshares).accepted());
    }
    // One element of proof i in the leader's share changed: proof i fails.
    const std::size_t meas_bytes = vdaf.flp().meas_len() * Field64::byte_size;
    const std::size_t proof_bytes = vdaf.flp().proof_len() * Field64::byte_size;
    std::size_t checked = 0;
    for (std::size_t i = 0; i < vdaf.num_proofs(); ++i) {
      INFO("shares " << shares << ", tampered proof " << i);
      Bytes leader = report.input_shares[0];
      // The last element of the proof (a gadget-polynomial value); adding 1
      // to its low byte stays below p for these bytes or is caught as >= p.
      auto& byte = leader[meas_bytes + (i + 1) * proof_bytes - Field64::byte_size];
      byte = static_cast<std::byte>(std::to_integer<unsigned>(byte) ^ 1U);
      std::vector<Bytes> vshares;
      bool malformed = false;
      for (std::size_t j = 0; j < shares; ++j) {
        auto init = vdaf.verify_init(verify_key, ctx, j, nonce, report.public_share, j == 0 ? leader : report.input_shares[j]);
        if (!init) {
          malformed = init.reason() == Reason::malformed_input_share;
          break;
        }
        vshares.push_back(init.value().verifier_share);
      }
      if (malformed) continue;  // the flip made an element >= p: rejected earlier, also fine
      ++checked;
      auto message = vdaf.verifier_shares_to_message(ctx, vshares);
      REQUIRE_FALSE(message.accepted());
      CHECK(message.reason() == Reason::proof_rejected);
      CHECK_THAT(message.detail(), Catch::Contains("proof " + std::to_string(i) + " of 3"));
    }
    CHECK(checked == vdaf.num_proofs());
  }
}

TEST_CASE("Prio3 proof counts are part of the report format and the domain separation", "[vdaf][prio3][multiproof]") {
  const Bytes ctx = fixed_bytes(4, 0x61);
  const Bytes verify_key = fixed_bytes(32, 0x01);
  const Bytes nonce = fixed_bytes(16, 0x21);
  const Prio3<SumVecField64> three(SumVecField64(3, 3, 2), 2, Prio3Options().with_num_proofs(3).with_algorithm_id(0xFFFFFFFF));
  const Prio3<SumVecField64> four(SumVecField64(3, 3, 2), 2, Prio3Options().with_num_proofs(4).with_algorithm_id(0xFFFFFFFF));
  const Bytes rand = fixed_bytes(three.rand_size(), 0x33);
  const auto report = three.shard(ctx, {3, 0, 2}, nonce, rand);
  CHECK(four.leader_input_share_size() == three.leader_input_share_size() + three.flp().proof_len() * Field64::byte_size);
  // The leader's share of a 3-proof report is the wrong length for 4 proofs.
  auto leader = four.verify_init(verify_key, ctx, 0, nonce, report.public_share, report.input_shares[0]);
  CHECK(leader.reason() == Reason::malformed_input_share);
  // From the same randomness: the same public share and measurement shares
  // (neither depends on the proof count), other proof shares (byte(PROOFS)
  // is in the binder of the prover randomness and the proof-share XOF).
  const auto report4 = four.shard(ctx, {3, 0, 2}, nonce, rand);
  CHECK(report4.public_share == report.public_share);
  const std::size_t meas_bytes = three.flp().meas_len() * Field64::byte_size;
  CHECK(Bytes(report4.input_shares[0].begin(), report4.input_shares[0].begin() + static_cast<std::ptrdiff_t>(meas_bytes)) ==
        Bytes(report.input_shares[0].begin(), report.input_shares[0].begin() + static_cast<std::ptrdiff_t>(meas_bytes)));
  CHECK(Bytes(report4.input_shares[0].begin() + static_cast<std::ptrdiff_t>(meas_bytes),
              report4.input_shares[0].begin() + static_cast<std::ptrdiff_t>(meas_bytes + 8)) !=
        Bytes(report.input_shares[0].begin() + static_cast<std::ptrdiff_t>(meas_bytes),
              report.input_shares[0].begin() + static_cast<std::ptrdiff_t>(meas_bytes + 8)));
}

TEST_CASE("Prio3 refuses weak or impossible proof counts", "[vdaf][prio3][multiproof]") {
  // Field64 with joint randomness: the draft requires at least three proofs.
  CHECK_THROWS_AS(Prio3<SumVecField64>(SumVecField64(3, 3, 2), 2, Prio3Options().with_num_proofs(2).with_algorithm_id(0xFFFFFFFF)),
                  InvalidArgument);
  CHECK_THROWS_AS(Prio3<SumVecField64>(SumVecField64(3, 3, 2), 2, Prio3Options().with_num_proofs(1).with_algorithm_id(0xFFFFFFFF)),
                  InvalidArgument);
  // No registered id for SumVec over Field64: the caller must give one.
  CHECK_THROWS_AS(Prio3<SumVecField64>(SumVecField64(3, 3, 2), 2, Prio3Options().with_num_proofs(3)), InvalidArgument);
  CHECK_THROWS_AS(Prio3<Count>(Count(), 2, Prio3Options().with_num_proofs(0)), InvalidArgument);
  CHECK_THROWS_AS(Prio3<Count>(Count(), 2, Prio3Options().with_num_proofs(256)), InvalidArgument);
  // Field64 without joint randomness and Field128 with it: any count.
  CHECK(Prio3<Count>(Count(), 2, Prio3Options().with_num_proofs(2)).num_proofs() == 2);
  CHECK(Prio3<Count>(Count(), 2, Prio3Options().with_num_proofs(255)).algorithm_id() == 1);
  CHECK(Prio3<SumVec>(SumVec(3, 3, 2), 2, Prio3Options().with_num_proofs(2)).algorithm_id() == 3);
  CHECK(Prio3<SumVec>(SumVec(3, 3, 2), 2, Prio3Options().with_algorithm_id(0xFFFF0001)).algorithm_id() == 0xFFFF0001);
}
