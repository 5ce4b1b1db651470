// The building blocks of the ml layer (nonlinear.hpp, division.hpp,
// matrix.hpp, conv.hpp, pool.hpp) on Rep3 and on Beaver (3 parties), at
// many points, against plaintext fixed-point references and the real
// functions, with the error bounds stated in the headers (F = 16).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "mpc/beaver_test_support.hpp"
#include "mpc/mpc_test_support.hpp"
#include "privfin/mpc/conv.hpp"
#include "privfin/mpc/division.hpp"
#include "privfin/mpc/matrix.hpp"
#include "privfin/mpc/nonlinear.hpp"
#include "privfin/mpc/pool.hpp"
#include "privfin/sharing/fixed.hpp"

using namespace privfin;
using R = Z2k<64>;
using Fx = sharing::Fixed<16>;

namespace {
constexpr double ulp = Fx::resolution;

std::vector<double> uniform(Prg& prg, std::size_t n, double lo, double hi) {
  std::vector<double> v(n);
  for (auto& x : v) x = lo + (hi - lo) * static_cast<double>(prg.next_u64() >> 11) * 0x1p-53;
  return v;
}

// One party's share of party 0's values a and party 1's values b.
template <class P>
typename P::Arith in(P& p, std::size_t owner, const std::vector<R>& v) {
  return p.input(owner, p.party_id() == owner ? std::span<const R>(v) : std::span<const R>{}, v.size());
}

// Runs f(p, x, y) with x from party 0 and y from party 1 on Rep3 (when
// `beaver` is false) or on 3-party Beaver, and returns the revealed result.
template <class Fn>
std::vector<R> run_on(bool beaver, const std::vector<R>& a, const std::vector<R>& b, Fn f) {
  std::vector<R> out;
  auto body = [&](auto& p) {
    const auto x = in(p, 0, a);
    const auto y = in(p, 1, b);
    auto r = p.reveal(f(p, x, y));
    if (p.party_id() == 0) out = std::move(r);
  };
  if (beaver) {
    test::run_beaver(3, [&](mpc::Beaver& p) { body(p); });
  } else {
    test::run_rep3([&](mpc::Rep3& p) { body(p); });
  }
  return out;
}

const char* name(bool beaver) { return beaver ? "Beaver" : "Rep3"; }

double dec(R v) { return Fx::decode(v); }
}  // namespace

TEST_CASE("relu and drelu: exact at every point, both signs and the boundaries", "[mpc][ml]") {
  const bool beaver = GENERATE(false, true);
  INFO(name(beaver));
  Prg prg(test::seed_from(900));
  const auto x = test::random_ring(prg, 3000);  // all of Z_2^64, boundaries first
  const auto r = run_on(beaver, x, x, [](auto& p, const auto& a, const auto&) { return mpc::relu(p, a); });
  const auto d = run_on(beaver, x, x, [](auto& p, const auto& a, const auto&) { return mpc::drelu(p, a); });
  for (std::size_t k = 0; k < x.size(); ++k) {
    INFO("x = " << x[k].as_signed());
    REQUIRE(r[k] == (x[k].msb() ? R{} : x[k]));
    REQUIRE(d[k] == R{x[k].msb() ? 0U : 1U});
  }
}

TEST_CASE("argmin and argmax over rows: value and first index, ties to the lower index", "[mpc][ml]") {
  const bool beaver = GENERATE(false, true);
  const std::size_t len = GENERATE(std::size_t{1}, std::size_t{2}, std::size_t{5}, std::size_t{10});
  INFO(name(beaver) << ", rows of " << len);
  Prg prg(test::seed_from(901));
  const std::size_t rows = 200;
  std::vector<R> x(rows * len);
  for (auto& v : x) v = R::from_signed(static_cast<std::int64_t>(prg.next_u64() % 7) - 3 + (std::int64_t{1} << 40) *
                                                   static_cast<std::int64_t>(prg.next_u64() % 3));  // many ties
  const auto mn = run_on(beaver, x, x, [len](auto& p, const auto& a, const auto&) {
    auto [v, i] = mpc::argmin(p, a, len);
    return mpc::detail::concat(p, {&v, &i});
  });
  const auto mx = run_on(beaver, x, x, [len](auto& p, const auto& a, const auto&) {
    auto [v, i] = mpc::argmax(p, a, len);
    return mpc::detail::concat(p, {&v, &i});
  });
  for (std::size_t r = 0; r < rows; ++r) {
    const auto lo = x.begin() + static_cast<std::ptrdiff_t>(r * len);
    const auto hi = lo + static_cast<std::ptrdiff_t>(len);
    const auto less = [](R a, R b) { return a.as_signed() < b.as_signed(); };
    const auto at_min = std::min_element(lo, hi, less);
    const auto at_max = std::max_element(lo, hi, less);  // first of the largest
    const auto first_max = std::find(lo, hi, *at_max);
    REQUIRE(mn[r] == *at_min);
    REQUIRE(mn[rows + r].value() == static_cast<std::uint64_t>(at_min - lo));
    REQUIRE(mx[r] == *at_max);
    REQUIRE(mx[rows + r].value() == static_cast<std::uint64_t>(first_max - lo));
  }
  CHECK_THROWS_AS(run_on(beaver, x, x, [](auto& p, const auto& a, const auto&) { return mpc::argmin(p, a, 7).first; }),
                  InvalidArgument);
}

TEST_CASE("onehot: one 1 at the index, zeros elsewhere", "[mpc][ml]") {
  const bool beaver = GENERATE(false, true);
  INFO(name(beaver));
  std::vector<R> idx(100);
  for (std::size_t k = 0; k < idx.size(); ++k) idx[k] = R{(k * 7) % 5};
  const auto h = run_on(beaver, idx, idx, [](auto& p, const auto& a, const auto&) { return mpc::onehot(p, a, 5); });
  for (std::size_t k = 0; k < idx.size(); ++k) {
    for (std::size_t j = 0; j < 5; ++j) REQUIRE(h[k * 5 + j].value() == (j == idx[k].value() ? 1U : 0U));
  }
}

TEST_CASE("sigmoid_pwl: the fixed-point reference or one ulp above, within 0.0035 + 2^-11 of the logistic function",
          "[mpc][ml]") {
  const bool beaver = GENERATE(false, true);
  INFO(name(beaver));
  Prg prg(test::seed_from(902));
  auto xs = uniform(prg, 4000, -12.0, 12.0);
  const auto wide = uniform(prg, 500, -16000.0, 16000.0);
  xs.insert(xs.end(), wide.begin(), wide.end());
  const double special[] = {-8, 8, 0, -0.5, 0.5, 3, -3, ulp, -ulp, 16383, -16383};
  for (std::size_t k = 0; k < std::size(special); ++k) xs[k] = special[k];
  const auto x = Fx::encode(xs);
  const auto s = run_on(beaver, x, x, [](auto& p, const auto& a, const auto&) { return mpc::sigmoid_pwl<16>(p, a); });
  for (std::size_t k = 0; k < xs.size(); ++k) {
    INFO("x = " << xs[k] << ": got " << dec(s[k]));
    const R ref = mpc::sigmoid_pwl_reference<16>(x[k]);
    const std::int64_t diff = (s[k] - ref).as_signed();
    REQUIRE((diff == 0 || diff == 1));
    REQUIRE(std::abs(dec(s[k]) - 1.0 / (1.0 + std::exp(-xs[k]))) <= 0.0035 + 0x1p-11);
  }
}

TEST_CASE("reciprocal_in and divide_in: within the stated bounds over the whole range", "[mpc][ml]") {
  const bool beaver = GENERATE(false, true);
  INFO(name(beaver));
  const mpc::Log2Range range{.lo = -8, .hi = 20};
  Prg prg(test::seed_from(903));
  std::vector<double> bs(1500);
  for (auto& b : bs) b = std::exp2(-8.0 + 28.0 * static_cast<double>(prg.next_u64() >> 11) * 0x1p-53);
  // Exact powers of two and their neighbours (the exponent boundaries).
  for (int j = -8; j < 20; ++j) {
    bs.push_back(std::ldexp(1.0, j));
    bs.push_back(std::ldexp(1.0, j) - ulp);
    bs.push_back(std::ldexp(1.0, j) + ulp);
  }
  bs[0] = std::ldexp(1.0, -8);
  bs[1] = std::ldexp(1.0, 20) - ulp;
  auto as = uniform(prg, bs.size(), -1000.0, 1000.0);
  const auto b = Fx::encode(bs);
  const auto a = Fx::encode(as);
  const auto inv = run_on(beaver, b, b, [&](auto& p, const auto& x, const auto&) {
    return mpc::reciprocal_in<16>(p, x, range);
  });
  const auto quo = run_on(beaver, a, b, [&](auto& p, const auto& x, const auto& y) {
    return mpc::divide_in<16>(p, x, y, range);
  });
  for (std::size_t k = 0; k < bs.size(); ++k) {
    const double bv = dec(b[k]), av = dec(a[k]);
    if (bv < std::ldexp(1.0, -8) || bv >= std::ldexp(1.0, 20)) continue;  // a neighbour outside the range
    INFO("b = " << bv << ", a = " << av << ": 1/b got " << dec(inv[k]) << ", a/b got " << dec(quo[k]));
    REQUIRE(std::abs(dec(inv[k]) - 1.0 / bv) <= 0x1p-20 / bv + 2 * ulp);
    REQUIRE(std::abs(dec(quo[k]) - av / bv) <= 0x1p-20 * std::abs(av / bv) + 2 * ulp * std::max(1.0, 1.0 / bv));
  }
  CHECK_THROWS_AS(run_on(beaver, b, b, [](auto& p, const auto& x, const auto&) {
                    return mpc::reciprocal_in<16>(p, x, mpc::Log2Range{.lo = -17, .hi = 4});
                  }),
                  InvalidArgument);
  CHECK_THROWS_AS(run_on(beaver, b, b, [](auto& p, const auto& x, const auto&) {
                    return mpc::reciprocal_in<16>(p, x, mpc::Log2Range{.lo = 0, .hi = 25});
                  }),
                  InvalidArgument);
}

TEST_CASE("inv_sqrt: within 2^-19 relative + 2 ulp over the whole range", "[mpc][ml]") {
  const bool beaver = GENERATE(false, true);
  const mpc::Log2Range range = GENERATE(mpc::Log2Range{.lo = -16, .hi = 20}, mpc::Log2Range{.lo = 0, .hi = 8},
                                        mpc::Log2Range{.lo = -6, .hi = -1});
  INFO(name(beaver) << ", range 2^" << range.lo << "..2^" << range.hi);
  Prg prg(test::seed_from(904));
  std::vector<double> xs(1200);
  const double span = range.hi - range.lo;
  for (auto& x : xs) x = std::exp2(range.lo + span * static_cast<double>(prg.next_u64() >> 11) * 0x1p-53);
  for (int j = range.lo; j < range.hi; ++j) {
    xs.push_back(std::ldexp(1.0, j));
    xs.push_back(std::ldexp(1.0, j + 1) - ulp);
  }
  const auto x = Fx::encode(xs);
  const auto s = run_on(beaver, x, x, [&](auto& p, const auto& v, const auto&) { return mpc::inv_sqrt<16>(p, v, range); });
  for (std::size_t k = 0; k < xs.size(); ++k) {
    const double xv = dec(x[k]);
    const double want = 1.0 / std::sqrt(xv);
    INFO("x = " << xv << ": got " << dec(s[k]) << " want " << want);
    REQUIRE(std::abs(dec(s[k]) - want) <= 0x1p-19 * want + 2 * ulp);
  }
}

TEST_CASE("matmul: the generic path equals the exact product, fixmatmul is floor or one above", "[mpc][ml]") {
  const bool beaver = GENERATE(false, true);
  INFO(name(beaver));
  Prg prg(test::seed_from(905));
  const std::size_t rows = 7, inner = 13, cols = 5;
  const auto a = test::random_signed(prg, rows * inner, 30);
  const auto b = test::random_signed(prg, inner * cols, 24);
  std::vector<R> want(rows * cols);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) {
      for (std::size_t k = 0; k < inner; ++k) want[r * cols + c] += a[r * inner + k] * b[k * cols + c];
    }
  }
  const auto fast = run_on(beaver, a, b, [&](auto& p, const auto& x, const auto& y) {
    return mpc::matmul(p, x, y, rows, inner, cols);
  });
  const auto generic = run_on(beaver, a, b, [&](auto& p, const auto& x, const auto& y) {
    return mpc::matmul_generic(p, x, y, rows, inner, cols);
  });
  const auto fixed = run_on(beaver, a, b, [&](auto& p, const auto& x, const auto& y) {
    return mpc::fixmatmul<16>(p, x, y, rows, inner, cols);
  });
  CHECK(fast == want);
  CHECK(generic == want);
  for (std::size_t k = 0; k < want.size(); ++k) {
    const std::int64_t d = (fixed[k] - R::from_signed(want[k].as_signed() >> 16)).as_signed();
    REQUIRE((d == 0 || d == 1));
  }
  const auto t = run_on(beaver, a, a, [&](auto& p, const auto& x, const auto&) { return mpc::transpose(p, x, rows, inner); });
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < inner; ++c) REQUIRE(t[c * rows + r] == a[r * inner + c]);
  }
  CHECK_THROWS_AS(run_on(beaver, a, b, [&](auto& p, const auto& x, const auto& y) {
                    return mpc::matmul_generic(p, x, y, rows, inner + 1, cols);
                  }),
                  InvalidArgument);
}

TEST_CASE("conv2d: the reference (floor) or one ulp above, with padding, stride and channels", "[mpc][ml]") {
  const bool beaver = GENERATE(false, true);
  const mpc::Conv2dShape s = GENERATE(
      mpc::Conv2dShape{.batch = 2, .channels = 1, .height = 8, .width = 8, .filters = 3, .kernel = 5, .stride = 1, .padding = 2},
      mpc::Conv2dShape{.batch = 1, .channels = 3, .height = 7, .width = 6, .filters = 2, .kernel = 3, .stride = 2, .padding = 0},
      mpc::Conv2dShape{.batch = 3, .channels = 2, .height = 5, .width = 5, .filters = 4, .kernel = 2, .stride = 1, .padding = 1});
  INFO(name(beaver) << ", " << s.batch << "x" << s.channels << "x" << s.height << "x" << s.width << " k" << s.kernel
                    << " s" << s.stride << " p" << s.padding);
  Prg prg(test::seed_from(906));
  const auto img = Fx::encode(uniform(prg, s.input_size(), -4.0, 4.0));
  auto wb = Fx::encode(uniform(prg, s.weight_size() + s.filters, -1.0, 1.0));  // weights then bias
  const std::vector<R> w(wb.begin(), wb.begin() + static_cast<std::ptrdiff_t>(s.weight_size()));
  const std::vector<R> bias(wb.begin() + static_cast<std::ptrdiff_t>(s.weight_size()), wb.end());
  const auto got = run_on(beaver, img, wb, [&](auto& p, const auto& x, const auto& y) {
    std::vector<std::size_t> wi(s.weight_size()), bi(s.filters);
    for (std::size_t k = 0; k < wi.size(); ++k) wi[k] = k;
    for (std::size_t k = 0; k < bi.size(); ++k) bi[k] = s.weight_size() + k;
    return mpc::conv2d<16>(p, x, mpc::detail::gather(p, y, wi, "test"), mpc::detail::gather(p, y, bi, "test"), s);
  });
  const auto ref = mpc::conv2d_reference<16>(img, w, bias, s);
  REQUIRE(got.size() == s.output_size());
  for (std::size_t k = 0; k < ref.size(); ++k) {
    const std::int64_t d = (got[k] - ref[k]).as_signed();
    REQUIRE((d == 0 || d == 1));
  }
  // A direct double-precision convolution agrees within the fixed-point rounding.
  const std::size_t oh = s.out_height(), ow = s.out_width();
  for (std::size_t b = 0; b < s.batch; ++b) {
    for (std::size_t f = 0; f < s.filters; ++f) {
      for (std::size_t oy = 0; oy < oh; ++oy) {
        for (std::size_t ox = 0; ox < ow; ++ox) {
          double acc = dec(bias[f]);
          for (std::size_t c = 0; c < s.channels; ++c) {
            for (std::size_t ky = 0; ky < s.kernel; ++ky) {
              for (std::size_t kx = 0; kx < s.kernel; ++kx) {
                const auto y = static_cast<std::ptrdiff_t>(oy * s.stride + ky) - static_cast<std::ptrdiff_t>(s.padding);
                const auto x = static_cast<std::ptrdiff_t>(ox * s.stride + kx) - static_cast<std::ptrdiff_t>(s.padding);
                if (y < 0 || x < 0 || y >= static_cast<std::ptrdiff_t>(s.height) || x >= static_cast<std::ptrdiff_t>(s.width)) continue;
                acc += dec(img[((b * s.channels + c) * s.height + static_cast<std::size_t>(y)) * s.width + static_cast<std::size_t>(x)]) *
                       dec(w[((f * s.channels + c) * s.kernel + ky) * s.kernel + kx]);
              }
            }
          }
          REQUIRE(std::abs(dec(got[((b * s.filters + f) * oh + oy) * ow + ox]) - acc) <= 2 * ulp);
        }
      }
    }
  }
}

TEST_CASE("conv2d_avg_pool: the fused reference (floor) or just above, and pooling of the unfused conv2d within 2 ulp",
          "[mpc][ml]") {
  const bool beaver = GENERATE(false, true);
  const std::size_t window = GENERATE(std::size_t{2}, std::size_t{3});
  INFO(name(beaver) << ", window " << window);
  const mpc::Conv2dShape s{.batch = 2, .channels = 2, .height = 9, .width = 8, .filters = 3, .kernel = 3, .stride = 1, .padding = 1};
  Prg prg(test::seed_from(908));
  const auto img = Fx::encode(uniform(prg, s.input_size(), -2.0, 2.0));
  const auto wb = Fx::encode(uniform(prg, s.weight_size() + s.filters, -1.0, 1.0));
  const std::vector<R> w(wb.begin(), wb.begin() + static_cast<std::ptrdiff_t>(s.weight_size()));
  const std::vector<R> bias(wb.begin() + static_cast<std::ptrdiff_t>(s.weight_size()), wb.end());
  const auto got = run_on(beaver, img, wb, [&](auto& p, const auto& x, const auto& y) {
    std::vector<std::size_t> wi(s.weight_size()), bi(s.filters);
    for (std::size_t k = 0; k < wi.size(); ++k) wi[k] = k;
    for (std::size_t k = 0; k < bi.size(); ++k) bi[k] = s.weight_size() + k;
    return mpc::conv2d_avg_pool<16>(p, x, mpc::detail::gather(p, y, wi, "test"), mpc::detail::gather(p, y, bi, "test"), s, window);
  });
  const auto ref = mpc::conv2d_avg_pool_reference<16>(img, w, bias, s, window);
  const std::size_t ph = s.out_height() / window, pw = s.out_width() / window;
  REQUIRE(got.size() == s.batch * s.filters * ph * pw);
  REQUIRE(ref.size() == got.size());
  // The unfused path in plaintext: convolution, then the mean of each window.
  const auto conv = mpc::conv2d_reference<16>(img, w, bias, s);
  for (std::size_t k = 0; k < ref.size(); ++k) {
    const std::int64_t d = (got[k] - ref[k]).as_signed();
    REQUIRE(d >= 0);
    REQUIRE(d <= (window == 2 ? 1 : 2));
    const std::size_t bf = k / (ph * pw), q = k % (ph * pw), py = q / pw, px = q % pw;
    double mean = 0;
    for (std::size_t wy = 0; wy < window; ++wy) {
      for (std::size_t wx = 0; wx < window; ++wx) {
        mean += dec(conv[(bf * s.out_height() + py * window + wy) * s.out_width() + px * window + wx]);
      }
    }
    mean /= static_cast<double>(window * window);
    REQUIRE(std::abs(dec(got[k]) - mean) <= 3 * ulp);
  }
  for (const std::size_t bad : {std::size_t{0}, std::size_t{9}}) {  // no window, or larger than the 9x8 output
    CHECK_THROWS_AS(mpc::conv2d_avg_pool_reference<16>(img, w, bias, s, bad), InvalidArgument);
    CHECK_THROWS_AS(run_on(beaver, img, wb, [&](auto& p, const auto& x, const auto& y) {
                      std::vector<std::size_t> wi(s.weight_size());
                      for (std::size_t k = 0; k < wi.size(); ++k) wi[k] = k;
                      return mpc::conv2d_avg_pool<16>(p, x, mpc::detail::gather(p, y, wi, "test"),
                                                      p.constant(std::vector<R>{}), s, bad);
                    }),
                    InvalidArgument);
  }
}

TEST_CASE("conv2d and pooling refuse shapes that do not fit", "[mpc][ml]") {
  std::vector<R> x(16);
  CHECK_THROWS_AS(run_on(false, x, x, [](auto& p, const auto& a, const auto& b) {
                    return mpc::conv2d<16>(p, a, b, b, mpc::Conv2dShape{.height = 4, .width = 4, .kernel = 2});
                  }),
                  InvalidArgument);  // 16 weights for 4
  CHECK_THROWS_AS(mpc::im2col_index(mpc::Conv2dShape{.height = 4, .width = 4, .kernel = 5}), InvalidArgument);
  CHECK_THROWS_AS(mpc::im2col_index(mpc::Conv2dShape{.height = 4, .width = 4, .kernel = 2, .stride = 0}), InvalidArgument);
  CHECK_THROWS_AS(run_on(false, x, x, [](auto& p, const auto& a, const auto&) {
                    return mpc::max_pool(p, a, mpc::Pool2dShape{.height = 4, .width = 5});
                  }),
                  InvalidArgument);
  CHECK_THROWS_AS(run_on(false, x, x, [](auto& p, const auto& a, const auto&) {
                    return mpc::avg_pool<16>(p, a, mpc::Pool2dShape{.height = 4, .width = 4, .window = 5});
                  }),
                  InvalidArgument);
}

TEST_CASE("max_pool exact, avg_pool within 1 ulp + 2^-25 |mean|", "[mpc][ml]") {
  const bool beaver = GENERATE(false, true);
  const mpc::Pool2dShape s = GENERATE(mpc::Pool2dShape{.batch = 2, .channels = 3, .height = 8, .width = 8, .window = 2, .stride = 2},
                                      mpc::Pool2dShape{.batch = 1, .channels = 2, .height = 7, .width = 9, .window = 3, .stride = 2},
                                      mpc::Pool2dShape{.batch = 1, .channels = 1, .height = 5, .width = 5, .window = 1, .stride = 1});
  INFO(name(beaver) << ", window " << s.window << " stride " << s.stride);
  Prg prg(test::seed_from(907));
  const auto x = Fx::encode(uniform(prg, s.input_size(), -100.0, 100.0));
  const auto mx = run_on(beaver, x, x, [&](auto& p, const auto& a, const auto&) { return mpc::max_pool(p, a, s); });
  const auto av = run_on(beaver, x, x, [&](auto& p, const auto& a, const auto&) { return mpc::avg_pool<16>(p, a, s); });
  const auto idx = mpc::pool_index(s);
  const std::size_t w2 = s.window * s.window;
  REQUIRE(mx.size() == s.output_size());
  for (std::size_t o = 0; o < s.output_size(); ++o) {
    std::int64_t best = std::numeric_limits<std::int64_t>::min();
    double sum = 0;
    for (std::size_t j = 0; j < w2; ++j) {
      best = std::max(best, x[idx[o * w2 + j]].as_signed());
      sum += dec(x[idx[o * w2 + j]]);
    }
    REQUIRE(mx[o].as_signed() == best);
    const double mean = sum / static_cast<double>(w2);
    REQUIRE(std::abs(dec(av[o]) - mean) <= ulp + 0x1p-25 * std::abs(mean) + 1e-12);
  }
}
