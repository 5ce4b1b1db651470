// Lesson 02 — fixed point: real numbers in the ring, multiplication and
// truncation.
//
// What it teaches: lesson 01 computed on integers modulo 2^64. Money and
// rates are real numbers: sharing::Fixed<F> encodes x as round(x * 2^F)
// (two's complement, F = 16 fractional bits here), so adding encodings adds
// the numbers. A product of two encodings carries 2F fractional bits; it
// must be truncated by F bits to be an encoding again. mpc::fixmul does
// the multiplication and the truncation in one step; mpc::trunc truncates
// a value you built yourself (here: a sum of products).
//
//   using Fx = sharing::Fixed<16>;
//   Ring e = Fx::encode(3.25);            double d = Fx::decode(e);
//   auto z = mpc::fixmul<16>(p, x, y);    // x * y, error < 1 ulp = 2^-16
//   auto t = mpc::trunc(p, x, 16);        // x / 2^16, rounded down or up
//
// Limits (sharing/fixed.hpp): encode refuses |x| >= 2^(63-F); a product
// needs |x * y| < 2^(62-2F) = 2^30 for F = 16. A sum or product past the
// limits wraps silently, because the parties cannot see the values they
// would have to check, so check at input: sharing::RangeBudget states how
// many terms and products a value may enter and encode refuses a value
// that could wrap (docs/sharing.md "Range budgets"; lesson 11 uses it).
#include <cmath>
#include <cstdio>
#include <vector>

#include "course.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/mpc/fixed_point.hpp"
#include "privfin/mpc/rep3.hpp"
#include "privfin/mpc/truncation.hpp"
#include "privfin/sharing/fixed.hpp"

using namespace privfin;
using Ring = Z2k<64>;
using Fx = sharing::Fixed<16>;

int main() {
  return course::main_guard([] {
    // Party 0 holds loan balances, party 1 the interest rates of those loans.
    const std::vector<double> balances = {1234.50, 98000.25, 15.75, 40000.0};
    const std::vector<double> rates = {0.0325, 0.0410, 0.1999, -0.0050};
    const std::size_t n = balances.size();

    std::vector<double> interest(n), total(1);
    course::run_parties(3, [&](net::Network& net) {
      Prg seeds(random_seed());
      mpc::Rep3 p(net, seeds);
      const bool is0 = p.party_id() == 0, is1 = p.party_id() == 1;

      // Encode on the owner's side (throws InvalidArgument for NaN, inf or
      // out-of-range values), then share as in lesson 01.
      const std::vector<Ring> b = is0 ? Fx::encode(balances) : std::vector<Ring>{};
      const std::vector<Ring> r = is1 ? Fx::encode(rates) : std::vector<Ring>{};
      const auto xb = p.input(0, b, n);
      const auto xr = p.input(1, r, n);

      // Per loan: balance * rate, truncated back to 16 fractional bits.
      const auto per_loan = mpc::fixmul<16>(p, xb, xr);

      // The total: one inner product (2F fractional bits), truncated once.
      // dot costs one round whatever the length (Rep3).
      const auto sum2f = p.dot(xb, xr, n);
      const auto sum = mpc::trunc(p, sum2f, Fx::fractional_bits);

      const auto a = Fx::decode(p.reveal(per_loan));
      const auto t = Fx::decode(p.reveal(sum));
      if (p.party_id() == 0) {
        interest = a;
        total = t;
      }
    });

    // The plaintext answer of fixed-point arithmetic: the same products on
    // the inputs as encoded (rounded to multiples of 2^-16), which the MPC
    // result must match to within one truncation (1 ulp).
    double want_total = 0;
    bool each_ok = true;
    for (std::size_t i = 0; i < n; ++i) {
      const double want = Fx::decode(Fx::encode(balances[i])) * Fx::decode(Fx::encode(rates[i]));
      want_total += want;
      std::printf("loan %zu: %10.2f * %7.4f = %10.4f (plaintext %10.4f, real %10.4f)\n", i, balances[i], rates[i],
                  interest[i], want, balances[i] * rates[i]);
      each_ok = each_ok && std::abs(interest[i] - want) <= Fx::resolution;
    }
    std::printf("total interest: %.4f (plaintext %.4f)\n", total[0], want_total);
    // Loan 3 shows the price of 16 fractional bits: -0.0050 is stored as
    // -0.00500488 (the nearest multiple of 2^-16), so 40,000 * rate is off
    // by 0.2 from the real product. Pick F for the precision your values
    // need, within the range limits above.
    std::printf("-0.0050 is stored as %.8f\n", Fx::decode(Fx::encode(-0.0050)));
    course::expect(each_ok, "each product is the plaintext product of the encoded inputs, within 1 ulp");
    course::expect(std::abs(total[0] - want_total) <= Fx::resolution, "the truncated inner product is within 1 ulp too");
    course::expect(Fx::decode(Fx::encode(3.25)) == 3.25, "3.25 encodes and decodes exactly (a multiple of 2^-16)");
  });
}
