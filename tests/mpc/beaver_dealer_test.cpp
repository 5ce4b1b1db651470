// The Beaver dealer over LocalNetwork threads (dealer = party n), the
// preprocessing sources' correlations, record/replay, and malformed dealer
// traffic.
#include <catch2/catch.hpp>

#include "mpc/beaver_test_support.hpp"
#include "privfin/core/codec.hpp"
#include "privfin/mpc/compare.hpp"
#include "privfin/mpc/fixed_point.hpp"

using namespace privfin;
using R = Z2k<64>;
using test::own;

TEST_CASE("Beaver with a dealer thread: mul, trunc, lt for 2, 3 and 5 parties", "[mpc][beaver][dealer]") {
  for (std::size_t parties : {std::size_t{2}, std::size_t{3}, std::size_t{5}}) {
    INFO("parties = " << parties);
    const std::size_t n = 3000;
    Prg prg(test::seed_from(40 + parties));
    const auto a = test::random_signed(prg, n, 40);
    const auto b = test::random_signed(prg, n, 20);
    const auto st = test::run_beaver_with_dealer(parties, [&](mpc::Beaver& p) {
      const auto x = p.input(0, own(p, 0, a), n);
      const auto y = p.input(parties - 1, own(p, parties - 1, b), n);
      const auto prod = p.reveal(p.mul(x, y));
      const auto fx = p.reveal(mpc::fixmul<16>(p, x, y));
      const auto less = p.reveal_bits(mpc::lt(p, x, y));
      for (std::size_t k = 0; k < n; ++k) {
        CHECK(prod[k] == a[k] * b[k]);
        const std::int64_t want = (a[k] * b[k]).as_signed() >> 16;
        CHECK((fx[k].as_signed() == want || fx[k].as_signed() == want + 1));
        CHECK(test::bit_of(less, k) == (a[k].as_signed() < b[k].as_signed()));
      }
    });
    CHECK(st.arith_triples == 2 * n);
    CHECK(st.trunc_masks == n);
    CHECK(st.bool_triple_words > 0);
  }
}

TEST_CASE("Preprocessing sources produce valid correlations", "[mpc][beaver][preprocessing]") {
  for (std::size_t parties : {std::size_t{2}, std::size_t{3}, std::size_t{5}}) {
    INFO("parties = " << parties);
    const std::size_t n = 257;
    const unsigned d = 13;
    std::vector<mpc::ArithTriples> t(parties);
    std::vector<mpc::BoolTriples> bt(parties);
    std::vector<mpc::TruncMasks> tm(parties);
    for (std::size_t i = 0; i < parties; ++i) {
      mpc::LocalPreprocessing pre(test::seed_from(3), i, parties);
      t[i] = pre.arith_triples(n);
      bt[i] = pre.bool_triples(n);
      tm[i] = pre.trunc_masks(n, d);
      CHECK_THROWS_AS(pre.trunc_masks(n, 63), InvalidArgument);
    }
    for (std::size_t k = 0; k < n; ++k) {
      R a{}, b{}, c{}, r{}, h{}, m{};
      std::uint64_t ba = 0, bb = 0, bc = 0;
      for (std::size_t i = 0; i < parties; ++i) {
        a += t[i].a[k];
        b += t[i].b[k];
        c += t[i].c[k];
        ba ^= bt[i].a[k];
        bb ^= bt[i].b[k];
        bc ^= bt[i].c[k];
        r += tm[i].r[k];
        h += tm[i].r_high[k];
        m += tm[i].r_msb[k];
      }
      CHECK(c == a * b);
      CHECK(bc == (ba & bb));
      CHECK(h == (r >> d));
      CHECK(m.value() == r.value() >> 63);
    }
    // Shares of one party alone look nothing like the values (no party holds a*b).
    CHECK(t[0].c != t[parties - 1].c);
  }
}

TEST_CASE("Recorded preprocessing replays what was logged", "[mpc][beaver][preprocessing]") {
  mpc::LocalPreprocessing inner(test::seed_from(9), 0, 2);
  mpc::LocalPreprocessing twin(test::seed_from(9), 0, 2);
  mpc::RequestLog log(twin);
  (void)log.arith_triples(10);
  (void)log.trunc_masks(5, 7);
  (void)log.bool_triples(3);
  REQUIRE(log.requests().size() == 3);
  mpc::RecordedPreprocessing tape(inner);
  log.replay_into(tape);
  CHECK(tape.pending() == 3);
  mpc::LocalPreprocessing fresh(test::seed_from(9), 0, 2);
  CHECK(tape.arith_triples(10).a == fresh.arith_triples(10).a);
  CHECK_THROWS_AS(tape.bool_triples(5), InvalidArgument);  // next entry is a trunc mask
}

TEST_CASE("Dealer rejects malformed and oversized requests", "[mpc][beaver][dealer]") {
  struct Bad {
    std::uint8_t version, kind;
    std::uint64_t size;
    std::uint8_t shift;
  };
  const Bad cases[] = {{2, 1, 10, 0},
                       {1, 9, 10, 0},
                       {1, 1, 0, 0},
                       {1, 1, mpc::dealer_max_request + 1, 0},
                       {1, 3, 10, 0},
                       {1, 3, 10, 63}};
  for (const auto& bad : cases) {
    INFO("kind " << int(bad.kind) << " size " << bad.size);
    auto nets = net::LocalNetwork::create(3);
    for (auto& net : nets) net->set_receive_timeout(std::chrono::milliseconds(5'000));
    std::exception_ptr dealer_error;
    std::thread dealer([&] {
      try {
        Prg seeds(test::seed_from(1));
        (void)mpc::run_dealer(*nets[2], 2, seeds);
      } catch (...) {
        dealer_error = std::current_exception();
      }
      nets[2]->close();
    });
    (void)nets[0]->receive_message(2);
    (void)nets[1]->receive_message(2);
    Writer w;
    w.u8(bad.version).u8(bad.kind).u64(bad.size).u8(bad.shift);
    nets[1]->send_message(2, w.data());
    nets[1]->flush();
    dealer.join();
    REQUIRE(dealer_error);
    CHECK_THROWS_AS(std::rethrow_exception(dealer_error), ProtocolError);
  }
  // A party that is told it is somebody else refuses the seed.
  auto nets = net::LocalNetwork::create(3);
  Writer w;
  w.u8(1).u32(2).u32(1);
  const std::array<std::byte, 16> zero{};
  w.raw(ByteView(zero.data(), zero.size()));
  nets[2]->send_message(0, w.data());
  nets[2]->flush();
  CHECK_THROWS_AS(mpc::DealerPreprocessing(*nets[0], 2, 2), ProtocolError);
  CHECK_THROWS_AS(mpc::DealerPreprocessing(*nets[0], 1, 2), InvalidArgument);
}
