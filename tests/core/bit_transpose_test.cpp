// Tests for privfin/core/detail/bit_transpose.hpp: both paths of the 64x64
// bit transposition against the bit-by-bit definition, on random, sparse
// and structured matrices (the AVX-512 path where this CPU has it), and
// the CPU-feature query of core/detail/cpu.hpp that chooses it.
#include <catch2/catch.hpp>

#include <privfin/core/detail/bit_transpose.hpp>
#include <privfin/core/detail/cpu.hpp>
#include <privfin/core/prg.hpp>

#include <array>
#include <cstdint>
#include <vector>

using namespace privfin;

namespace {

using Matrix = std::array<std::uint64_t, 64>;

Matrix by_definition(const Matrix& a) {
  Matrix t{};
  for (unsigned r = 0; r < 64; ++r) {
    for (unsigned c = 0; c < 64; ++c) t[c] |= ((a[r] >> c) & 1U) << r;
  }
  return t;
}

}  // namespace

TEST_CASE("transpose64: both paths are the bit-by-bit transposition", "[core][bit_transpose]") {
  Prg prg(Prg::Seed{});
  std::vector<Matrix> inputs;
  for (int k = 0; k < 20; ++k) {
    Matrix a{};
    prg.fill(std::span<std::uint64_t>(a));
    inputs.push_back(a);
  }
  Matrix diagonal{}, one_row{}, one_column{}, ones{}, corners{};
  for (unsigned i = 0; i < 64; ++i) diagonal[i] = std::uint64_t{1} << i;
  one_row[17] = ~std::uint64_t{0};
  for (auto& w : one_column) w = std::uint64_t{1} << 63;
  ones.fill(~std::uint64_t{0});
  corners[63] = std::uint64_t{1} << 63;  // the corner bit
  corners[5] = std::uint64_t{1} << 40;
  for (const Matrix& m : {diagonal, one_row, one_column, ones, corners, Matrix{}}) inputs.push_back(m);
  for (const Matrix& a : inputs) {
    const Matrix want = by_definition(a);
    Matrix portable = a;
    detail::transpose64_portable(portable);
    CHECK(portable == want);
    Matrix chosen = a;
    detail::transpose64(chosen);
    CHECK(chosen == want);
    Matrix hoisted = a;
    detail::transpose64(hoisted, detail::transpose64_avx512_supported());
    CHECK(hoisted == want);
    if (detail::transpose64_avx512_supported()) {
      Matrix fast = a;
      detail::transpose64_avx512(fast);
      CHECK(fast == want);
    }
  }
  Matrix twice = inputs.front();
  detail::transpose64(twice);
  detail::transpose64(twice);
  CHECK(twice == inputs.front());
}

TEST_CASE("cpu_features: asked once, and the AVX-512 paths ask for what they use", "[core][bit_transpose]") {
  const detail::CpuFeatures& a = detail::cpu_features();
  CHECK(&a == &detail::cpu_features());
  if (a.avx512_usable()) CHECK((a.os_avx512 && a.avx512f && a.avx512bw));
  // The transposition's AVX-512 path needs F, BW, VBMI and the OS's support.
  CHECK(detail::transpose64_avx512_supported() == (a.avx512_usable() && a.avx512vbmi));
}
