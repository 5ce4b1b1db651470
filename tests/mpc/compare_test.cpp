// The generic comparison and conversion algorithms on Rep3 against
// plaintext: ltz, lt, eq, a2b, b2a, select, max/argmax, plus the local
// bit-transposition helpers.
#include <catch2/catch.hpp>

#include <algorithm>

#include "mpc/mpc_test_support.hpp"
#include "privfin/mpc/compare.hpp"
#include "privfin/mpc/convert.hpp"
#include "privfin/mpc/detail/bits.hpp"
#include "privfin/mpc/select.hpp"

using namespace privfin;
using R = Z2k<64>;

namespace {
const std::size_t sizes[] = {1, 2, 63, 64, 65, 100'000};

template <class T>
std::span<const T> own(const mpc::Rep3& p, std::size_t owner, const std::vector<T>& v) {
  return p.party_id() == owner ? std::span<const T>(v) : std::span<const T>{};
}
}  // namespace

TEST_CASE("64x64 bit transposition and plane layout round-trip", "[mpc][bits]") {
  Prg prg(test::seed_from(5));
  std::array<std::uint64_t, 64> a{};
  prg.fill(std::span<std::uint64_t>(a));
  auto t = a;
  ::privfin::detail::transpose64_portable(t);
  for (std::size_t i = 0; i < 64; ++i) {
    for (std::size_t j = 0; j < 64; ++j) REQUIRE(((t[j] >> i) & 1U) == ((a[i] >> j) & 1U));
  }
  std::vector<std::uint64_t> elems(130);
  prg.fill(std::span<std::uint64_t>(elems));
  std::vector<std::uint64_t> planes(64 * 3);
  mpc::detail::to_planes(elems, planes, 64);
  std::vector<std::uint64_t> back(130);
  mpc::detail::from_planes(planes, 64, back);
  REQUIRE(back == elems);
}

TEST_CASE("ltz, lt and eq match plaintext", "[mpc][compare]") {
  for (std::size_t n : sizes) {
    INFO("n = " << n);
    Prg prg(test::seed_from(300 + n));
    const auto a = test::random_ring(prg, n);        // full range for ltz and eq
    auto b = test::random_ring(prg, n);
    for (std::size_t k = 0; k < n; k += 3) b[k] = a[k];  // many equal pairs
    const auto c = test::random_signed(prg, n, 63);  // lt's documented range
    auto d = test::random_signed(prg, n, 63);
    for (std::size_t k = 0; k < n; k += 5) d[k] = c[k];
    test::run_rep3([&](mpc::Rep3& p) {
      const auto x = p.input(0, own(p, 0, a), n);
      const auto y = p.input(1, own(p, 1, b), n);
      const auto u = p.input(2, own(p, 2, c), n);
      const auto v = p.input(0, own(p, 0, d), n);
      const auto neg = p.reveal_bits(mpc::ltz(p, x));
      const auto same = p.reveal_bits(mpc::eq(p, x, y));
      const auto less = p.reveal_bits(mpc::lt(p, u, v));
      if (p.party_id() != 0) return;
      REQUIRE(neg.size() == (n + 63) / 64);
      for (std::size_t k = 0; k < n; ++k) {
        REQUIRE(test::bit_of(neg, k) == (a[k].as_signed() < 0));
        REQUIRE(test::bit_of(same, k) == (a[k] == b[k]));
        REQUIRE(test::bit_of(less, k) == (c[k].as_signed() < d[k].as_signed()));
      }
    });
  }
}

TEST_CASE("eq on values that differ in one bit", "[mpc][compare]") {
  const std::size_t n = 64 * 3;
  std::vector<R> a(n), b(n);
  Prg prg(test::seed_from(11));
  for (std::size_t k = 0; k < n; ++k) {
    a[k] = R{prg.next_u64()};
    b[k] = k < 64 ? a[k] ^ R{std::uint64_t{1} << k} : (k < 128 ? a[k] : -a[k]);
  }
  test::run_rep3([&](mpc::Rep3& p) {
    const auto x = p.input(0, own(p, 0, a), n);
    const auto y = p.input(2, own(p, 2, b), n);
    const auto same = p.reveal_bits(mpc::eq(p, x, y));
    if (p.party_id() != 0) return;
    for (std::size_t k = 0; k < n; ++k) REQUIRE(test::bit_of(same, k) == (a[k] == b[k]));
  });
}

TEST_CASE("a2b and b2a match plaintext", "[mpc][convert]") {
  for (std::size_t n : {std::size_t{1}, std::size_t{65}, std::size_t{1000}}) {
    Prg prg(test::seed_from(400 + n));
    const auto a = test::random_ring(prg, n);
    test::run_rep3([&](mpc::Rep3& p) {
      const auto x = p.input(1, own(p, 1, a), n);
      const auto planes = p.reveal_bits(mpc::a2b(p, x));
      // b2a of bit plane 5 and of the sign plane.
      const auto ones5 = p.reveal(mpc::b2a(p, mpc::plane(p, mpc::a2b(p, x), n, 5), n));
      const auto ones63 = p.reveal(mpc::b2a(p, mpc::plane(p, mpc::a2b(p, x), n, 63), n));
      if (p.party_id() != 0) return;
      std::vector<std::uint64_t> elems(n);
      mpc::detail::from_planes(planes, 64, elems);
      for (std::size_t k = 0; k < n; ++k) {
        REQUIRE(elems[k] == a[k].value());
        REQUIRE(ones5[k] == R{(a[k].value() >> 5) & 1U});
        REQUIRE(ones63[k] == R{(a[k].value() >> 63) & 1U});
      }
    });
  }
}

TEST_CASE("select, max and argmax match plaintext", "[mpc][select]") {
  for (std::size_t len : {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{64}, std::size_t{65}}) {
    INFO("length = " << len);
    const std::size_t blocks = 3;
    const std::size_t n = blocks * len;
    Prg prg(test::seed_from(500 + len));
    auto a = test::random_signed(prg, n, 40);
    if (len > 3) a[len + 1] = a[len + 2];  // a tie inside block 1
    const auto b = test::random_signed(prg, n, 40);
    test::run_rep3([&](mpc::Rep3& p) {
      const auto x = p.input(0, own(p, 0, a), n);
      const auto y = p.input(1, own(p, 1, b), n);
      const auto sel = p.reveal(mpc::select(p, mpc::lt(p, x, y), x, y));
      const auto [mx, at] = mpc::argmax(p, x, len);
      const auto m = p.reveal(mx);
      const auto i = p.reveal(at);
      bool rejected = false;
      try {
        (void)mpc::max(p, x, n + 1);
      } catch (const InvalidArgument&) {
        rejected = true;
      }
      if (p.party_id() != 0) return;
      REQUIRE(rejected);
      for (std::size_t k = 0; k < n; ++k) {
        REQUIRE(sel[k] == (a[k].as_signed() < b[k].as_signed() ? a[k] : b[k]));
      }
      REQUIRE(m.size() == blocks);
      for (std::size_t blk = 0; blk < blocks; ++blk) {
        std::size_t best = 0;
        for (std::size_t k = 1; k < len; ++k) {
          if (a[blk * len + k].as_signed() > a[blk * len + best].as_signed()) best = k;
        }
        REQUIRE(m[blk] == a[blk * len + best]);
        REQUIRE(i[blk].value() == best);
      }
    });
  }
}
