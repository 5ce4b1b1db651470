// Lesson 03 — comparison and oblivious selection: lt and select.
//
// What it teaches: lessons 01 and 02 added and multiplied. Deciding needs
// comparisons, and a comparison on shared values gives a shared bit: the
// parties learn whether x < y only if they reveal that bit. With the bit
// still shared, mpc::select picks one of two shared values without anyone
// learning which ("oblivious if-then-else"), so a program has no secret
// branches.
//
//   auto less = mpc::lt(p, x, y);           // P::Bool: packed bits, bit k of word k/64
//   auto bits = p.reveal_bits(less);        // only if the answer may be known
//   auto m    = mpc::select(p, less, x, y); // less ? x : y, still shared
//
// Here three banks check, per borrower, whether the total exposure exceeds
// a limit (this bit is revealed: it is the decision), and compute the
// capped exposure min(total, limit), which stays shared until the end.
// Costs (Rep3): lt is exact and takes 8 rounds and about 23 bytes per
// element and party (plus 8 from party 0); select adds a bit conversion
// (b2a) and one multiplication. lt(x, y) needs |x - y| < 2^63 (mpc/compare.hpp).
// Generic: lt and select are written once against mpc::Protocol and run
// unchanged on Beaver (lesson 04).
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "course.hpp"
#include "privfin/core/prg.hpp"
#include "privfin/mpc/compare.hpp"
#include "privfin/mpc/rep3.hpp"
#include "privfin/mpc/select.hpp"

using namespace privfin;
using Ring = Z2k<64>;

int main() {
  return course::main_guard([] {
    const std::array<std::vector<std::int64_t>, 3> exposures = {{
        {120, 5, 900, 0, 400},
        {300, 7, 10, 42, 300},
        {80, 11, 1, 58, 300},
    }};
    const std::int64_t limit = 600;  // public: every party knows it
    const std::size_t n = exposures[0].size();

    std::vector<std::uint64_t> exceeds_words;
    std::vector<Ring> capped;
    course::run_parties(3, [&](net::Network& net) {
      Prg seeds(random_seed());
      mpc::Rep3 p(net, seeds);
      const std::size_t me = p.party_id();

      std::vector<Ring> mine;
      for (std::int64_t e : exposures[me]) mine.push_back(Ring(static_cast<std::uint64_t>(e)));
      auto total = p.input(0, me == 0 ? mine : std::vector<Ring>{}, n);
      total = p.add(total, p.input(1, me == 1 ? mine : std::vector<Ring>{}, n));
      total = p.add(total, p.input(2, me == 2 ? mine : std::vector<Ring>{}, n));

      // A public constant as a sharing (no traffic).
      const std::vector<Ring> limits(n, Ring(static_cast<std::uint64_t>(limit)));
      const auto lim = p.constant(limits);

      const auto over = mpc::lt(p, lim, total);           // limit < total
      const auto cap = mpc::select(p, over, lim, total);  // over ? limit : total

      const auto words = p.reveal_bits(over);
      const auto values = p.reveal(cap);
      if (me == 0) {
        exceeds_words = words;
        capped = values;
      }
    });

    bool decisions_ok = true, caps_ok = true;
    for (std::size_t k = 0; k < n; ++k) {
      const std::int64_t total = exposures[0][k] + exposures[1][k] + exposures[2][k];
      const bool over = ((exceeds_words[k / 64] >> (k % 64)) & 1U) != 0;
      std::printf("borrower %zu: total %5lld %s limit %lld, capped %lld\n", k, static_cast<long long>(total),
                  over ? "exceeds" : "within ", static_cast<long long>(limit),
                  static_cast<long long>(capped[k].as_signed()));
      decisions_ok = decisions_ok && over == (total > limit);
      caps_ok = caps_ok && capped[k].as_signed() == std::min(total, limit);
    }
    course::expect(decisions_ok, "every revealed decision equals the plaintext comparison total > limit");
    course::expect(caps_ok, "every capped exposure equals min(total, limit)");
  });
}
