// Tests for privfin/sharing/additive.hpp: shares reconstruct over rings and
// fields for many party counts and batch sizes, the scheme is linear, the
// first n-1 shares do not depend on the secret, and misuse throws.
#include <catch2/catch.hpp>

#include <privfin/core/mersenne.hpp>
#include <privfin/core/prg.hpp>
#include <privfin/core/ring.hpp>
#include <privfin/sharing/additive.hpp>

#include <cstdint>
#include <vector>

using namespace privfin;
namespace additive = privfin::sharing::additive;

namespace {

Prg seeded(unsigned char tag) {
  Prg::Seed seed{};
  seed[0] = std::byte{tag};
  seed[1] = std::byte{0x5a};
  return Prg(seed);
}

template <class T>
std::vector<T> random_batch(std::size_t size, Prg& prg) {
  std::vector<T> v(size);
  sharing::detail::random_fill(prg, std::span<T>(v));
  return v;
}

const std::size_t batch_sizes[] = {0, 1, 2, 63, 64, 65, 100000};

}  // namespace

TEMPLATE_TEST_CASE("additive shares reconstruct", "[sharing][additive]", Z2k<8>, Z2k<16>, Z2k<32>, Z2k<64>, Fp61,
                   Fp127) {
  using T = TestType;
  Prg prg = seeded(1);
  for (std::size_t n : {2U, 3U, 4U, 5U, 10U}) {
    for (std::size_t size : batch_sizes) {
      if (size == 100000 && n > 3) continue;  // the large batch once per field is enough
      INFO("n = " << n << ", batch = " << size);
      const auto secrets = random_batch<T>(size, prg);
      const auto shares = additive::share<T>(secrets, n, prg);
      REQUIRE(shares.size() == n);
      for (const auto& s : shares) REQUIRE(s.size() == size);
      CHECK(additive::reconstruct(shares) == secrets);
      // Fewer than n shares give (with overwhelming probability) a wrong value.
      if (size >= 64) {
        const std::vector<std::vector<T>> missing_one(shares.begin(), shares.end() - 1);
        if (n > 2) CHECK(additive::reconstruct(missing_one) != secrets);
      }
    }
  }
}

TEST_CASE("additive boundary values over Z2k<64>", "[sharing][additive]") {
  Prg prg = seeded(2);
  const std::vector<Z2k<64>> secrets = {Z2k<64>::zero(), Z2k<64>::from_signed(-1), Z2k<64>::one(),
                                        Z2k<64>{std::uint64_t{1} << 63}, Z2k<64>{(std::uint64_t{1} << 63) - 1}};
  for (std::size_t n : {2U, 3U, 7U}) {
    CHECK(additive::reconstruct(additive::share<Z2k<64>>(secrets, n, prg)) == secrets);
  }
}

TEST_CASE("additive sharing is linear", "[sharing][additive]") {
  Prg prg = seeded(3);
  const std::size_t n = 3, size = 65;
  const auto x = random_batch<Z2k<64>>(size, prg);
  const auto y = random_batch<Z2k<64>>(size, prg);
  const auto c = random_batch<Z2k<64>>(size, prg);
  const Z2k<64> k{0x1234567890abcdefULL};
  const auto xs = additive::share<Z2k<64>>(x, n, prg);
  const auto ys = additive::share<Z2k<64>>(y, n, prg);
  std::vector<std::vector<Z2k<64>>> sum(n, std::vector<Z2k<64>>(size)), diff = sum, plus_c = sum, times_k = sum;
  for (std::size_t j = 0; j < n; ++j) {
    additive::add<Z2k<64>>(xs[j], ys[j], sum[j]);
    additive::sub<Z2k<64>>(xs[j], ys[j], diff[j]);
    additive::add_public<Z2k<64>>(xs[j], c, j, plus_c[j]);
    additive::mul_public<Z2k<64>>(xs[j], k, times_k[j]);
  }
  const auto s = additive::reconstruct(sum), d = additive::reconstruct(diff);
  const auto pc = additive::reconstruct(plus_c), tk = additive::reconstruct(times_k);
  for (std::size_t i = 0; i < size; ++i) {
    CHECK(s[i] == x[i] + y[i]);
    CHECK(d[i] == x[i] - y[i]);
    CHECK(pc[i] == x[i] + c[i]);
    CHECK(tk[i] == x[i] * k);
  }
  // The same over a field.
  const auto fx = random_batch<Fp61>(size, prg), fy = random_batch<Fp61>(size, prg);
  const auto fxs = additive::share<Fp61>(fx, 4, prg), fys = additive::share<Fp61>(fy, 4, prg);
  std::vector<std::vector<Fp61>> fsum(4, std::vector<Fp61>(size));
  for (std::size_t j = 0; j < 4; ++j) additive::add<Fp61>(fxs[j], fys[j], fsum[j]);
  const auto fs = additive::reconstruct(fsum);
  for (std::size_t i = 0; i < size; ++i) CHECK(fs[i] == fx[i] + fy[i]);
}

TEST_CASE("additive: the first n-1 shares do not depend on the secret", "[sharing][additive]") {
  // With the same PRG stream, two very different secrets get identical shares
  // 0..n-2: those shares are PRG output only, so they carry no information.
  const std::vector<Z2k<64>> zeros(64, Z2k<64>::zero());
  std::vector<Z2k<64>> ones(64, Z2k<64>::from_signed(-1));
  Prg a = seeded(4), b = seeded(4);
  const auto s0 = additive::share<Z2k<64>>(zeros, 4, a);
  const auto s1 = additive::share<Z2k<64>>(ones, 4, b);
  for (std::size_t j = 0; j < 3; ++j) CHECK(s0[j] == s1[j]);
  CHECK(s0[3] != s1[3]);
}

TEST_CASE("additive: Fp61 and Fp127 shares are canonical field elements", "[sharing][additive]") {
  Prg prg = seeded(5);
  const auto secrets = random_batch<Fp127>(1000, prg);
  const auto shares = additive::share<Fp127>(secrets, 3, prg);
  for (const auto& s : shares) {
    for (const auto& e : s) {
      std::array<std::byte, 16> buf{};
      e.write_le(buf);
      CHECK(Fp127::read_le(buf).has_value());
    }
  }
  // Bulk Fp61 sampling looks uniform in its top bits (a coarse sanity check).
  const auto r = random_batch<Fp61>(80000, prg);
  std::array<std::size_t, 8> buckets{};
  for (const auto& e : r) ++buckets[e.value() >> 58];
  for (std::size_t c : buckets) CHECK((c > 9400 && c < 10600));
}

TEST_CASE("additive: in-place forms and aliasing", "[sharing][additive]") {
  Prg prg = seeded(6);
  std::vector<Z2k<32>> secrets = random_batch<Z2k<32>>(65, prg);
  const auto copy = secrets;
  std::vector<Z2k<32>> s0(65), s1(65);
  // The secret buffer itself becomes the last share.
  std::vector<std::span<Z2k<32>>> outs = {s0, s1, secrets};
  additive::share<Z2k<32>>(secrets, std::span<const std::span<Z2k<32>>>(outs), prg);
  CHECK(secrets != copy);
  // Reconstruct into the first share's buffer.
  std::vector<std::span<const Z2k<32>>> in = {s0, s1, secrets};
  additive::reconstruct<Z2k<32>>(std::span<const std::span<const Z2k<32>>>(in), std::span<Z2k<32>>(s0));
  CHECK(s0 == copy);
}

TEST_CASE("additive: misuse throws InvalidArgument", "[sharing][additive]") {
  Prg prg = seeded(7);
  const std::vector<Z2k<64>> secrets(10);
  CHECK_THROWS_AS(additive::share<Z2k<64>>(secrets, 1, prg), InvalidArgument);
  CHECK_THROWS_AS(additive::share<Z2k<64>>(secrets, 0, prg), InvalidArgument);
  std::vector<std::vector<Z2k<64>>> bad = {std::vector<Z2k<64>>(10), std::vector<Z2k<64>>(9)};
  CHECK_THROWS_AS(additive::reconstruct(bad), InvalidArgument);
  CHECK_THROWS_WITH(additive::reconstruct(bad), Catch::Contains("party 1") && Catch::Contains("9"));
  const std::vector<std::vector<Z2k<64>>> one = {std::vector<Z2k<64>>(10)};
  CHECK_THROWS_AS(additive::reconstruct(one), InvalidArgument);
  std::vector<Z2k<64>> a(10), b(9), out(10);
  CHECK_THROWS_AS(additive::add<Z2k<64>>(a, b, out), InvalidArgument);
  CHECK_THROWS_AS(additive::sub<Z2k<64>>(a, a, b), InvalidArgument);
  std::vector<Z2k<64>> s0(10), s1(11);
  std::vector<std::span<Z2k<64>>> outs = {s0, s1};
  CHECK_THROWS_AS(additive::share<Z2k<64>>(secrets, std::span<const std::span<Z2k<64>>>(outs), prg),
                  InvalidArgument);
}
