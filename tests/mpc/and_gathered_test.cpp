// Rep3::and_gathered and Beaver::and_gathered (2 and 3 parties) against the two-step and_(assemble(..), assemble(..))
// it replaces: same revealed words for plane specs mixing one-source,
// two-source (XOR) and empty planes, plane lengths that are not multiples
// of the kernel tile or vector width, and several chunks; bad specs are
// refused.
#include <catch2/catch.hpp>

#include "mpc/beaver_test_support.hpp"
#include "mpc/mpc_test_support.hpp"
#include "privfin/core/error.hpp"
#include "privfin/mpc/detail/bits.hpp"
#include "privfin/mpc/rep3.hpp"

using namespace privfin;
using mpc::detail::PlaneSpec;

TEST_CASE("Rep3 and_gathered equals and_ of assembled planes", "[mpc][rep3][and_gathered]") {
  // words per plane: 1, an odd small count, one not a multiple of the
  // 1024-word tile, and one whose 40 planes span several 2^16-word chunks.
  for (std::size_t words : {std::size_t{1}, std::size_t{7}, std::size_t{1029}, std::size_t{3333}}) {
    INFO("words per plane " << words);
    const std::size_t planes = 40;
    Prg prg(test::seed_from(words));
    std::vector<std::uint64_t> a(planes * words), b(planes * words);
    prg.fill(std::span<std::uint64_t>(a));
    prg.fill(std::span<std::uint64_t>(b));
    std::vector<PlaneSpec> left, right;
    for (std::size_t j = 0; j + 1 < planes; ++j) {
      left.push_back(j % 5 == 4 ? PlaneSpec{} : PlaneSpec{{0, j}, j % 3 == 0 ? mpc::detail::PlaneRef{1, j + 1} : mpc::detail::PlaneRef{}});
      right.push_back(PlaneSpec{{1, planes - 1 - j}, j % 2 == 0 ? mpc::detail::PlaneRef{0, j + 1} : mpc::detail::PlaneRef{}});
    }
    std::array<std::vector<std::uint64_t>, 3> fused, twostep;
    test::run_rep3([&](mpc::Rep3& p) {
      const auto x = p.input_bits(0, p.party_id() == 0 ? std::span<const std::uint64_t>(a) : std::span<const std::uint64_t>{}, a.size());
      const auto y = p.input_bits(1, p.party_id() == 1 ? std::span<const std::uint64_t>(b) : std::span<const std::uint64_t>{}, b.size());
      const std::vector<const mpc::Rep3::Bool*> in{&x, &y};
      fused[p.party_id()] = p.reveal_bits(p.and_gathered(in, words, left, right));
      twostep[p.party_id()] = p.reveal_bits(p.and_(mpc::detail::assemble(p, in, words, left), mpc::detail::assemble(p, in, words, right)));
    });
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK(fused[i].size() == left.size() * words);
      CHECK(fused[i] == twostep[0]);
    }
    // And against plaintext, for the first and last word of every plane.
    auto plane = [&](const PlaneSpec& s, std::size_t w) {
      auto src = [&](const mpc::detail::PlaneRef& r) { return (r.input == 0 ? a : b)[r.plane * words + w]; };
      std::uint64_t v = 0;
      if (s.a.input >= 0) v ^= src(s.a);
      if (s.b.input >= 0) v ^= src(s.b);
      return v;
    };
    for (std::size_t j = 0; j < left.size(); ++j) {
      for (std::size_t w : {std::size_t{0}, words - 1}) {
        CHECK(fused[0][j * words + w] == (plane(left[j], w) & plane(right[j], w)));
      }
    }
  }
}

TEST_CASE("Rep3 and_gathered refuses specs outside its inputs", "[mpc][rep3][and_gathered]") {
  std::array<int, 3> refused{};
  test::run_rep3([&](mpc::Rep3& p) {
    const auto x = p.random_bits(4 * 8);  // 4 planes of 8 words
    const std::vector<const mpc::Rep3::Bool*> in{&x};
    const std::vector<PlaneSpec> ok{PlaneSpec{{0, 3}, {}}};
    const std::vector<PlaneSpec> past_end{PlaneSpec{{0, 4}, {}}};
    const std::vector<PlaneSpec> no_input{PlaneSpec{{1, 0}, {}}};
    const std::vector<PlaneSpec> two{PlaneSpec{{0, 0}, {}}, PlaneSpec{{0, 1}, {}}};
    int count = 0;
    for (const auto* bad : {&past_end, &no_input}) {
      try {
        (void)p.and_gathered(in, 8, *bad, ok);
      } catch (const InvalidArgument&) {
        ++count;
      }
    }
    try {
      (void)p.and_gathered(in, 8, ok, two);
    } catch (const InvalidArgument&) {
      ++count;
    }
    refused[p.party_id()] = count;
  });
  CHECK(refused == std::array<int, 3>{3, 3, 3});
}

TEST_CASE("Beaver and_gathered equals and_ of assembled planes", "[mpc][beaver][and_gathered]") {
  for (std::size_t parties : {std::size_t{2}, std::size_t{3}}) {
    for (std::size_t words : {std::size_t{1}, std::size_t{7}, std::size_t{1029}}) {
      INFO(parties << " parties, words per plane " << words);
      const std::size_t planes = 70;  // 70 * 1029 words: three 2^15-word chunks
      Prg prg(test::seed_from(words + 17));
      std::vector<std::uint64_t> a(planes * words), b(planes * words);
      prg.fill(std::span<std::uint64_t>(a));
      prg.fill(std::span<std::uint64_t>(b));
      std::vector<PlaneSpec> left, right;
      for (std::size_t j = 0; j + 1 < planes; ++j) {
        left.push_back(j % 5 == 4 ? PlaneSpec{} : PlaneSpec{{0, j}, j % 3 == 0 ? mpc::detail::PlaneRef{1, j + 1} : mpc::detail::PlaneRef{}});
        right.push_back(PlaneSpec{{1, planes - 1 - j}, j % 2 == 0 ? mpc::detail::PlaneRef{0, j + 1} : mpc::detail::PlaneRef{}});
      }
      std::vector<std::vector<std::uint64_t>> fused(parties), twostep(parties);
      test::run_beaver(parties, [&](mpc::Beaver& p) {
        const auto x = p.input_bits(0, p.party_id() == 0 ? std::span<const std::uint64_t>(a) : std::span<const std::uint64_t>{}, a.size());
        const auto y = p.input_bits(1, p.party_id() == 1 ? std::span<const std::uint64_t>(b) : std::span<const std::uint64_t>{}, b.size());
        const std::vector<const mpc::Beaver::Bool*> in{&x, &y};
        fused[p.party_id()] = p.reveal_bits(p.and_gathered(in, words, left, right));
        twostep[p.party_id()] = p.reveal_bits(p.and_(mpc::detail::assemble(p, in, words, left), mpc::detail::assemble(p, in, words, right)));
      });
      for (std::size_t i = 0; i < parties; ++i) CHECK(fused[i] == twostep[0]);
      bool plain = fused[0].size() == left.size() * words;
      for (std::size_t j = 0; plain && j < left.size(); ++j) {
        for (std::size_t w = 0; w < words; ++w) {
          auto plane = [&](const PlaneSpec& s) {
            auto src = [&](const mpc::detail::PlaneRef& r) { return (r.input == 0 ? a : b)[r.plane * words + w]; };
            return (s.a.input >= 0 ? src(s.a) : 0) ^ (s.b.input >= 0 ? src(s.b) : 0);
          };
          plain = plain && fused[0][j * words + w] == (plane(left[j]) & plane(right[j]));
        }
      }
      CHECK(plain);
    }
  }
}
