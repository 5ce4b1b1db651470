// Lesson 04 — Beaver triples with a dealer: the same program on another
// protocol.
//
// What it teaches: mpc::Rep3 (lessons 01-03) needs exactly three parties
// with an honest majority. mpc::Beaver works for any n >= 2 compute
// parties, private against n - 1 colluding ones, if a separate dealer
// supplies correlated randomness (multiplication triples a*b = c and
// truncation masks). Here the network has four parties: compute parties
// 0, 1, 2 and the dealer, party 3, which never sees an input or an output.
//
//   // dealer:          mpc::run_dealer(net, /*compute parties=*/3, seeds);
//   // compute party i: mpc::DealerPreprocessing pre(net, /*dealer=*/3, 3);
//   //                  mpc::Beaver p(net, pre, seeds, /*compute parties=*/3);
//   //                  ... same calls as on Rep3 ...;  pre.finish();
//
// The generic algorithms (compare, select, fixed point) are templates over
// mpc::Protocol, so the function `exposure_check` below is written once and
// would run on Rep3 unchanged. Costs (mpc/beaver.hpp): input is free, mul
// sends 16 bytes per element to each peer and uses one triple, which the
// dealer streams to the last compute party (8 bytes) while the others derive theirs
// from a seed.
// Trust: the dealer must not collude with a compute party (it knows every
// triple); a faulty dealer can shift results unnoticed (mpc/dealer.hpp).
#include <array>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "course.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/mpc/beaver.hpp"
#include "privfin/mpc/compare.hpp"
#include "privfin/mpc/dealer.hpp"
#include "privfin/mpc/protocol.hpp"

using namespace privfin;
using Ring = Z2k<64>;

// Any protocol: the total of three inputs, its square, and total > limit.
template <mpc::Protocol P>
std::pair<std::vector<Ring>, std::vector<std::uint64_t>> exposure_check(P& p, std::span<const Ring> mine,
                                                                       std::size_t n, Ring limit) {
  auto total = p.input(0, p.party_id() == 0 ? mine : std::span<const Ring>(), n);
  for (std::size_t owner = 1; owner < 3; ++owner) {
    total = p.add(total, p.input(owner, p.party_id() == owner ? mine : std::span<const Ring>(), n));
  }
  const auto square = p.mul(total, total);  // uses n triples
  const std::vector<Ring> limits(n, limit);
  const auto over = mpc::lt(p, p.constant(limits), total);  // uses AND triples
  return {p.reveal(square), p.reveal_bits(over)};
}

int main() {
  return course::main_guard([] {
    const std::array<std::vector<Ring>, 3> exposures = {{
        {Ring(120), Ring(5), Ring(900)},
        {Ring(300), Ring(7), Ring(10)},
        {Ring(80), Ring(11), Ring(1)},
    }};
    const std::size_t n = 3, compute = 3, dealer = 3;
    const Ring limit(500);

    std::vector<Ring> squares;
    std::vector<std::uint64_t> over;
    mpc::DealerStats stats;
    course::run_parties(compute + 1, [&](net::Network& net) {
      Prg seeds(random_seed());
      if (net.party_id() == dealer) {
        stats = mpc::run_dealer(net, compute, seeds);  // returns when party 2 calls finish()
        return;
      }
      mpc::DealerPreprocessing pre(net, dealer, compute);
      mpc::Beaver p(net, pre, seeds, compute);
      auto [sq, bits] = exposure_check(p, exposures[p.party_id()], n, limit);
      pre.finish();  // releases the dealer (the last compute party tells it "done")
      if (p.party_id() == 0) {
        squares = sq;
        over = bits;
      }
    });

    bool ok = true;
    for (std::size_t k = 0; k < n; ++k) {
      const Ring total = exposures[0][k] + exposures[1][k] + exposures[2][k];
      const bool exceeds = ((over[0] >> k) & 1U) != 0;
      std::printf("borrower %zu: total %llu, squared %llu, %s the limit\n", k,
                  static_cast<unsigned long long>(total.value()), static_cast<unsigned long long>(squares[k].value()),
                  exceeds ? "exceeds" : "within");
      ok = ok && squares[k] == total * total && exceeds == (total.value() > limit.value());
    }
    std::printf("the dealer served %llu requests: %llu triples, %llu AND-triple words\n",
                static_cast<unsigned long long>(stats.requests), static_cast<unsigned long long>(stats.arith_triples),
                static_cast<unsigned long long>(stats.bool_triple_words));
    course::expect(ok, "squares and decisions equal the plaintext answers");
    course::expect(stats.arith_triples >= n, "the dealer supplied at least one triple per multiplication");
  });
}
