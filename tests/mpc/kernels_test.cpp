// Tests for privfin/mpc/detail/kernels.hpp: the AVX-512 and the portable
// fused multiply-and-mask loops give the same words as a plain reference on
// random inputs, for lengths 0..70 (below, at and above the vector width of
// 8 and its multiples) and a long odd length, at odd offsets. (The 64x64
// bit transposition's paths: tests/core/bit_transpose_test.cpp.)
#include <catch2/catch.hpp>

#include <privfin/core/prg.hpp>
#include <privfin/mpc/detail/kernels.hpp>

#include <vector>

using namespace privfin;
using namespace privfin::mpc::detail;

namespace {

struct Data {
  std::vector<std::uint64_t> v[6];  // x0, x1, y0, y1, plus, minus
  explicit Data(std::size_t n, Prg& prg) {
    for (auto& w : v) {
      w.resize(n + 3);
      prg.fill(std::span<std::uint64_t>(w));
    }
  }
};

std::vector<KernelPath> paths() {
  std::vector<KernelPath> p{KernelPath::portable};
  if (best_kernel_path() == KernelPath::avx512) p.push_back(KernelPath::avx512);
  return p;
}

}  // namespace

TEST_CASE("fused mul and and kernels equal the reference on every path", "[mpc][kernels]") {
  Prg prg(random_seed());
  if (best_kernel_path() != KernelPath::avx512) WARN("no AVX-512 on this CPU: only the portable path runs");
  std::vector<std::size_t> lengths;
  for (std::size_t n = 0; n <= 70; ++n) lengths.push_back(n);
  lengths.push_back(100'003);
  for (std::size_t n : lengths) {
    const Data d(n, prg);
    // Offset 1 (or 3): unaligned starts, as tiles of a chunk are.
    const std::size_t off = n % 2 == 0 ? 1 : 3;
    auto at = [&](std::size_t i) { return d.v[i].data() + off; };
    std::vector<std::uint64_t> want_mul(n), want_and(n);
    for (std::size_t k = 0; k < n; ++k) {
      const std::uint64_t x0 = at(0)[k], x1 = at(1)[k], y0 = at(2)[k], y1 = at(3)[k], p = at(4)[k], m = at(5)[k];
      want_mul[k] = x0 * (y0 + y1) + x1 * y0 + p - m;
      want_and[k] = (x0 & (y0 ^ y1)) ^ (x1 & y0) ^ p ^ m;
    }
    const KernelInputs in{at(0), at(1), at(2), at(3)};
    for (KernelPath path : paths()) {
      INFO("length " << n << ", path " << (path == KernelPath::avx512 ? "avx512" : "portable"));
      // One guard word after the output must stay untouched.
      std::vector<std::uint64_t> out(n + 1, 0x5a5a5a5aU);
      mul_masked(path, in, at(4), at(5), std::span<std::uint64_t>(out.data(), n));
      CHECK(std::equal(want_mul.begin(), want_mul.end(), out.begin()));
      CHECK(out[n] == 0x5a5a5a5aU);
      and_masked(path, in, at(4), at(5), std::span<std::uint64_t>(out.data(), n));
      CHECK(std::equal(want_and.begin(), want_and.end(), out.begin()));
      CHECK(out[n] == 0x5a5a5a5aU);
    }
  }
}
