// Lesson 01 — Rep3 basics: share, add, multiply, reveal.
//
// What it teaches: three parties (three banks) compute on numbers none of
// them sees. Each bank inputs its exposure to a borrower; together they
// compute the total and the product of two of them, and only the results
// are revealed. This is replicated secret sharing over Z_2^64 (mpc::Rep3):
// every value is split into three random shares, each party holds two.
//
//   * p.input(owner, values, n)  the owner's values become shared (1 round)
//   * p.add / p.add_public / p.mul_public   local: no messages at all
//   * p.mul(x, y)                one round, 8 bytes per element per party
//   * p.reveal(x)                one round; every party learns the value
//
// Every operation works on a batch (here: 4 borrowers at once); one value
// is a batch of one. Ring elements wrap modulo 2^64, exactly like uint64_t.
// Rep3 is semi-honest: a party that deviates can change results
// (docs/security.md). Next: lesson 02 puts real numbers into the ring.
#include <array>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "course.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/mpc/rep3.hpp"

using namespace privfin;
using Ring = Z2k<64>;

int main() {
  return course::main_guard([] {
    // Exposures (in thousands) of banks 0, 1, 2 to four borrowers.
    const std::array<std::vector<std::uint64_t>, 3> exposures = {{
        {120, 5, 900, 0},
        {300, 7, 10, 42},
        {80, 11, 1, 58},
    }};
    const std::size_t n = 4;

    std::array<std::vector<Ring>, 3> totals, products;
    course::run_parties(3, [&](net::Network& net) {
      const std::size_t me = net.party_id();  // 0, 1 or 2: the one party numbering of privfin
      Prg seeds(random_seed());               // this party's private randomness
      mpc::Rep3 p(net, seeds);                // one round: pairwise PRG seeds

      std::vector<Ring> mine;
      for (std::uint64_t e : exposures[me]) mine.emplace_back(e);

      // Each bank shares its own column; the others pass an empty span.
      std::array<mpc::Rep3::Arith, 3> x;
      for (std::size_t owner = 0; owner < 3; ++owner) {
        x[owner] = p.input(owner, owner == me ? std::span<const Ring>(mine) : std::span<const Ring>(), n);
      }

      // Linear operations are local: each party adds the shares it holds.
      const auto total = p.add(p.add(x[0], x[1]), x[2]);
      // Multiplication needs one round of communication.
      const auto product = p.mul(x[0], x[1]);

      totals[me] = p.reveal(total);
      products[me] = p.reveal(product);
    });

    std::printf("borrower  total  bank0*bank1\n");
    for (std::size_t i = 0; i < n; ++i) {
      std::printf("%8zu  %5llu  %11llu\n", i, static_cast<unsigned long long>(totals[0][i].value()),
                  static_cast<unsigned long long>(products[0][i].value()));
    }
    bool sums_ok = true, products_ok = true, same_everywhere = true;
    for (std::size_t i = 0; i < n; ++i) {
      sums_ok = sums_ok && totals[0][i].value() == exposures[0][i] + exposures[1][i] + exposures[2][i];
      products_ok = products_ok && products[0][i].value() == exposures[0][i] * exposures[1][i];
    }
    for (std::size_t party = 1; party < 3; ++party) {
      same_everywhere = same_everywhere && totals[party] == totals[0] && products[party] == products[0];
    }
    course::expect(sums_ok, "the revealed totals equal the plaintext sums");
    course::expect(products_ok, "the revealed products equal the plaintext products");
    course::expect(same_everywhere, "all three parties revealed the same values");
  });
}
