// Tests for privfin/service/mpc_session.hpp and mpc_share_batch.hpp: input
// from and output to parties outside the compute set, for Rep3 on any
// three parties of a larger network and for Beaver with a dealer; Rep3
// output shares that disagree name a compute party; errors name network
// ids; range budgets refuse before sending; agreement on the session
// layout; the share batch wire format under every truncation and bit flip.
#include "privfin/service/mpc_session.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <exception>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "privfin/mpc/dealer.hpp"
#include "privfin/net/local_network.hpp"
#include "support/local_parties.hpp"

using namespace privfin;
using mpc::Ring;
using service::MpcRoles;
using service::MpcSession;
using service::ShareBatch;

namespace {

std::vector<Ring> ring_values(std::initializer_list<std::int64_t> v) {
  std::vector<Ring> out;
  for (auto x : v) out.push_back(Ring::from_signed(x));
  return out;
}

}  // namespace

TEST_CASE("MPC clients: Rep3 on parties {4, 1, 3} of 7, inputs from 0 and 5, outputs to 5 and 6",
          "[service][mpc_session]") {
  const MpcRoles roles{.compute = {4, 1, 3}, .inputs = {0, 5}, .outputs = {5, 6}};
  const auto a = ring_values({10, -20, 30});
  const auto b = ring_values({1, 2, -3});
  std::vector<Ring> sum_at_5, product_at_5;
  std::vector<std::uint64_t> bits_at_6;
  test::rethrow_first(test::run_local_parties(7, [&](std::size_t me, net::Network& net) {
    Prg prg(test::seed_of(100 + me));
    MpcSession<mpc::Rep3> session(net, roles);
    if (me == 2) {
      if (session.computes()) throw std::runtime_error("party 2 computes");
      return;  // not part of the session: no call at all
    }
    session.agree(service::Parameters("clients test", 1));
    if (session.computes()) {
      session.run([&] {
        mpc::Rep3 p(session.protocol_network(), prg);
        const auto x = session.receive_input(0);
        const auto y = session.receive_input(5, 3);
        const auto words = session.receive_input_bits(0);
        session.send_output(5, p.add(x, y));
        session.send_output(5, p.mul(x, y));
        session.send_output_bits(6, p.xor_public(words, std::vector<std::uint64_t>{0xFF}));
      });
    } else if (me == 0) {
      session.send_input(a, prg);
      session.send_input_bits(std::vector<std::uint64_t>{0x0F0F}, prg);
    } else if (me == 5) {
      session.send_input(b, prg);
      sum_at_5 = session.receive_output();
      product_at_5 = session.receive_output();
    } else if (me == 6) {
      bits_at_6 = session.receive_output_bits();
    }
  }));
  CHECK(sum_at_5 == ring_values({11, -18, 27}));
  CHECK(product_at_5 == ring_values({10, -40, -90}));
  CHECK(bits_at_6 == std::vector<std::uint64_t>{0x0FF0});
}

TEST_CASE("MPC clients: Beaver on parties {2, 0} with dealer 3, client 1", "[service][mpc_session]") {
  const MpcRoles roles{.compute = {2, 0}, .helpers = {3}, .inputs = {1}, .outputs = {1}};
  std::vector<Ring> got;
  test::rethrow_first(test::run_local_parties(4, [&](std::size_t me, net::Network& net) {
    Prg prg(test::seed_of(200 + me));
    MpcSession<mpc::Beaver> session(net, roles);
    session.agree(service::Parameters("clients test", 1));
    if (session.helps()) {
      session.run([&] { (void)mpc::run_dealer(session.protocol_network(), 2, prg); });
    } else if (session.computes()) {
      session.run([&] {
        auto& view = session.protocol_network();
        mpc::DealerPreprocessing pre(view, 2, 2);
        mpc::Beaver p(view, pre, prg, 2);
        const auto x = session.receive_input(1);
        session.send_output(1, p.mul(x, x));
        pre.finish();
      });
    } else {
      session.send_input(ring_values({3, -4, 5}), prg);
      got = session.receive_output();
    }
  }));
  CHECK(got == ring_values({9, 16, 25}));
}

TEST_CASE("MPC clients: Rep3 output copies that disagree name a compute party by network id",
          "[service][mpc_session]") {
  // Compute parties {4, 1, 3}: protocol party 1 is network party 1.
  const MpcRoles roles{.compute = {4, 1, 3}, .inputs = {0}, .outputs = {0}};
  for (const int tamper : {1, 2, 3}) {  // bit 0: its first component, bit 1: its second
    INFO("tamper " << tamper);
    std::exception_ptr output_error;
    const auto errors = test::run_local_parties(5, [&](std::size_t me, net::Network& net) {
      Prg prg(test::seed_of(300 + me));
      MpcSession<mpc::Rep3> session(net, roles);
      if (session.computes()) {
        const auto x = session.run([&] {
          mpc::Rep3 p(session.protocol_network(), prg);
          return session.receive_input(0);
        });
        if (me != 1) {
          session.send_output(0, x);
          return;
        }
        // Party 1 sends its pair with a changed copy.
        auto parts = service::ClientShares<mpc::Rep3>::components(x);
        if ((tamper & 1) != 0) parts[0][0] += 1;
        if ((tamper & 2) != 0) parts[1][0] += 1;
        net.send_message(0, ShareBatch{ShareBatch::Kind::arith, parts}.to_bytes());
        net.flush();
      } else if (me == 0) {
        session.send_input(ring_values({7}), prg);
        try {
          (void)session.receive_output();
        } catch (...) {
          output_error = std::current_exception();
        }
      }
    });
    test::rethrow_first(errors);
    REQUIRE(output_error);
    try {
      std::rethrow_exception(output_error);
    } catch (const ProtocolError& e) {
      const std::string what = e.what();
      INFO(what);
      // Component 1 is held by 4 and 1, component 2 by 1 and 3: one disagreement
      // names both holders (either may deviate), two name the common party.
      if (tamper == 1) {
        CHECK((e.party() == 4 || e.party() == 1));
        CHECK(what.find("parties 4 and 1") != std::string::npos);
      }
      if (tamper == 2) {
        CHECK((e.party() == 1 || e.party() == 3));
        CHECK(what.find("parties 1 and 3") != std::string::npos);
      }
      if (tamper == 3) {
        CHECK(e.party() == 1);
        CHECK(what.find("party 1 is in every disagreement") != std::string::npos);
      }
    }
  }
}

TEST_CASE("MPC clients: a compute party that vanishes is named by its network id", "[service][mpc_session]") {
  // Compute parties {4, 3, 5} are protocol parties 0, 1, 2: no network id of
  // the session is also a view index, so an untranslated error shows.
  const MpcRoles roles{.compute = {4, 3, 5}, .inputs = {0}, .outputs = {0}};
  for (int round = 0; round < 5; ++round) {
    const auto errors = test::run_local_parties(6, [&](std::size_t me, net::Network& net) {
      if (me == 5) {
        dynamic_cast<net::LocalNetwork&>(net).close();  // protocol party 2 never starts
        return;
      }
      if (me != 4 && me != 3) return;
      Prg prg(test::seed_of(400 + me));
      MpcSession<mpc::Rep3> session(net, roles);
      session.run([&] {
        mpc::Rep3 p(session.protocol_network(), prg);
        (void)p.reveal(p.constant(ring_values({1})));
      });
    });
    // Each of 4 and 3 fails on party 5, or on the other when that one failed
    // first and closed: either way a network id of the session.
    bool five_named = false;
    for (const std::size_t me : {std::size_t{4}, std::size_t{3}}) {
      REQUIRE(errors[me]);
      try {
        std::rethrow_exception(errors[me]);
      } catch (const NetworkError& e) {
        INFO(e.what());
        REQUIRE(e.party().has_value());
        const std::size_t named = *e.party();
        CHECK((named == 5 || named == 7 - me));
        CHECK(std::string(e.what()).rfind("party " + std::to_string(named) + ": ", 0) == 0);
        five_named = five_named || named == 5;
      }
    }
    CHECK(five_named);
  }
}

TEST_CASE("MPC clients: malformed or mis-shaped input batches name the input party", "[service][mpc_session]") {
  const MpcRoles roles{.compute = {0, 1, 2}, .inputs = {3}, .outputs = {3}, .max_values = 4};
  struct Case {
    const char* name;
    Bytes message;
    bool decode;
  };
  const std::vector<Case> cases{
      {"garbage", Bytes{std::byte{9}, std::byte{1}}, true},
      {"too many values", ShareBatch{ShareBatch::Kind::arith, {std::vector<std::uint64_t>(5),
                                                               std::vector<std::uint64_t>(5)}}.to_bytes(), true},
      {"wrong kind", ShareBatch{ShareBatch::Kind::bits, {{1}, {2}}}.to_bytes(), false},
      {"one component", ShareBatch{ShareBatch::Kind::arith, {{1}}}.to_bytes(), false},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    std::exception_ptr at_0;
    (void)test::run_local_parties(4, [&](std::size_t me, net::Network& net) {
      MpcSession<mpc::Rep3> session(net, roles);
      if (me == 3) {
        for (std::size_t i = 0; i < 3; ++i) net.send_message(i, c.message);
        net.flush();
      } else if (me == 0) {
        try {
          (void)session.receive_input(3);
        } catch (...) {
          at_0 = std::current_exception();
        }
      }
    });
    REQUIRE(at_0);
    try {
      std::rethrow_exception(at_0);
    } catch (const ProtocolError& e) {
      CHECK_FALSE(c.decode);
      CHECK(e.party() == 3);
    } catch (const DecodeError& e) {
      CHECK(c.decode);
      CHECK(std::string(e.what()).rfind("party 3: ", 0) == 0);
    }
  }
  // An expected count that differs.
  std::exception_ptr at_1;
  (void)test::run_local_parties(4, [&](std::size_t me, net::Network& net) {
    MpcSession<mpc::Rep3> session(net, roles);
    Prg prg(test::seed_of(me));
    if (me == 3) session.send_input(ring_values({1, 2}), prg);
    if (me == 1) {
      try {
        (void)session.receive_input(3, 3);
      } catch (...) {
        at_1 = std::current_exception();
      }
    }
  });
  REQUIRE(at_1);
  CHECK_THROWS_WITH(std::rethrow_exception(at_1), Catch::Contains("party 3: sent 2 values, expected 3"));
}

TEST_CASE("MPC clients: fixed-point input with a range budget refuses before sending", "[service][mpc_session]") {
  // Three banks' exposures of 1e14 (F = 16), summed by the compute parties:
  // with a 3-term budget each bank refuses instead of letting the sum wrap to 1.85e13.
  const MpcRoles roles{.compute = {0, 1, 2}, .inputs = {3, 4, 5}, .outputs = {3}};
  const sharing::RangeBudget budget{.terms = 3};
  auto nets = net::LocalNetwork::create(6);
  MpcSession<mpc::Rep3> bank(*nets[3], roles);
  Prg prg(test::seed_of(5));
  try {
    bank.send_fixed<16>(std::vector<double>{1e14}, budget, prg);
    FAIL("an exposure that can overflow a 3-term sum was shared");
  } catch (const InvalidArgument& e) {
    const std::string what = e.what();
    CHECK(what.find("index 0") != std::string::npos);
    CHECK(what.find("3 terms") != std::string::npos);
    CHECK(what.find("1e+14") == std::string::npos);
  }
  CHECK(nets[3]->total_counters().bytes_sent == 0);

  // Within the budget the sum is exact.
  const double exposure = 1.5e13;
  std::vector<Ring> total;
  test::rethrow_first(test::run_local_parties(6, [&](std::size_t me, net::Network& net) {
    Prg local(test::seed_of(500 + me));
    MpcSession<mpc::Rep3> session(net, roles);
    if (session.computes()) {
      session.run([&] {
        mpc::Rep3 p(session.protocol_network(), local);
        auto sum = session.receive_input(3);
        sum = p.add(sum, session.receive_input(4));
        sum = p.add(sum, session.receive_input(5));
        session.send_output(3, sum);
      });
    } else {
      session.send_fixed<16>(std::vector<double>{exposure}, budget, local);
      if (me == 3) total = session.receive_output();
    }
  }));
  REQUIRE(total.size() == 1);
  CHECK(sharing::Fixed<16>::decode(total[0]) == 3 * exposure);
}

TEST_CASE("MPC clients: parties that differ on the session layout get ParameterMismatch", "[service][mpc_session]") {
  const auto errors = test::run_local_parties(4, [&](std::size_t me, net::Network& net) {
    MpcRoles roles{.compute = {0, 1, 2}, .inputs = {3}, .outputs = {3}};
    if (me == 2) roles.max_values = 1000;
    MpcSession<mpc::Rep3> session(net, roles);
    session.agree(service::Parameters("clients test", 1).set("limit", 50'000));
  });
  for (std::size_t me : {std::size_t{0}, std::size_t{1}, std::size_t{3}}) {
    INFO(me);
    REQUIRE(errors[me]);
    try {
      std::rethrow_exception(errors[me]);
    } catch (const service::ParameterMismatch& e) {
      CHECK(e.parties() == std::vector<std::size_t>{2});
      CHECK(std::string(e.what()).find("mpc max values") != std::string::npos);
    }
  }
}

TEST_CASE("MPC clients: roles are checked", "[service][mpc_session]") {
  auto nets = net::LocalNetwork::create(6);
  auto& net = *nets[0];
  using S3 = MpcSession<mpc::Rep3>;
  CHECK_THROWS_WITH(S3(net, MpcRoles{.compute = {0, 1}}), Catch::Contains("2 compute parties are not supported"));
  CHECK_THROWS_WITH(S3(net, MpcRoles{.compute = {0, 1, 6}}), Catch::Contains("party 6 is not in the network"));
  CHECK_THROWS_WITH(S3(net, MpcRoles{.compute = {0, 1, 1}}), Catch::Contains("listed twice"));
  CHECK_THROWS_WITH(S3(net, MpcRoles{.compute = {0, 1, 2}, .inputs = {2}}), Catch::Contains("party 2 cannot be"));
  CHECK_THROWS_WITH(S3(net, MpcRoles{.compute = {0, 1, 2}, .helpers = {3}, .outputs = {3}}),
                    Catch::Contains("party 3 cannot be"));
  CHECK_THROWS_WITH(S3(net, MpcRoles{.compute = {0, 1, 2}, .max_values = 0}), Catch::Contains("max_values"));
  CHECK_THROWS_AS(MpcSession<mpc::Beaver>(net, MpcRoles{.compute = {0}}), InvalidArgument);
  CHECK_NOTHROW(S3(net, MpcRoles{.compute = {0, 1, 2}, .inputs = {3, 4}, .outputs = {4, 5}}));
  // Calls outside one's role.
  S3 session(*nets[3], MpcRoles{.compute = {0, 1, 2}, .inputs = {4}, .outputs = {5}});
  Prg prg(test::seed_of(1));
  CHECK_THROWS_WITH(session.send_input(ring_values({1}), prg), Catch::Contains("party 3 is not an input party"));
  CHECK_THROWS_AS(session.receive_output(), InvalidArgument);
  CHECK_THROWS_AS(session.receive_input(4), InvalidArgument);
  CHECK_THROWS_AS(session.protocol_network(), InvalidArgument);
  S3 compute(*nets[0], MpcRoles{.compute = {0, 1, 2}, .inputs = {4}, .outputs = {5}, .max_values = 2});
  CHECK_THROWS_WITH(compute.receive_input(5), Catch::Contains("party 5 is not an input party"));
  CHECK_THROWS_WITH(compute.send_output(4, mpc::Rep3::Arith(1)), Catch::Contains("party 4 is not an output party"));
  CHECK_THROWS_WITH(compute.send_output(5, mpc::Rep3::Arith(3)), Catch::Contains("exceed max_values"));
  CHECK(compute.protocol_network().members() == std::vector<std::size_t>{0, 1, 2});
}

TEST_CASE("ShareBatch: round trip, every truncation and every bit flip", "[service][mpc_session][formats]") {
  const ShareBatch batch{ShareBatch::Kind::arith, {{1, 0x8000000000000000ULL}, {~std::uint64_t{0}, 42}}};
  const Bytes wire = batch.to_bytes();
  CHECK(wire.size() == 4 + 32);
  CHECK(ShareBatch::from_bytes(wire, 2) == batch);
  CHECK_THROWS_AS(ShareBatch::from_bytes(wire, 1), DecodeError);  // more values than allowed
  CHECK(ShareBatch::max_encoded_size(2, 2) >= wire.size());
  for (std::size_t cut = 0; cut < wire.size(); ++cut) {
    INFO("cut " << cut);
    CHECK_THROWS_AS(ShareBatch::from_bytes(ByteView(wire).first(cut), 1000), DecodeError);
  }
  Bytes longer = wire;
  longer.push_back(std::byte{0});
  CHECK_THROWS_AS(ShareBatch::from_bytes(longer, 1000), DecodeError);
  for (std::size_t bit = 0; bit < wire.size() * 8; ++bit) {
    INFO("bit " << bit);
    Bytes flipped = wire;
    flipped[bit / 8] ^= static_cast<std::byte>(1U << (bit % 8));
    bool refused = false;
    ShareBatch got;
    try {
      got = ShareBatch::from_bytes(flipped, 1000);
    } catch (const DecodeError&) {
      refused = true;
    }
    CHECK((refused || got != batch));
  }
  // Empty batches and bits round-trip; bad shapes are refused when writing.
  const ShareBatch empty{ShareBatch::Kind::bits, {{}, {}}};
  CHECK(ShareBatch::from_bytes(empty.to_bytes(), 0) == empty);
  CHECK_THROWS_AS(ShareBatch{}.to_bytes(), InvalidArgument);
  CHECK_THROWS_AS((ShareBatch{ShareBatch::Kind::arith, {{1}, {}}}.to_bytes()), InvalidArgument);
  CHECK_THROWS_AS((ShareBatch{ShareBatch::Kind::arith, std::vector<std::vector<std::uint64_t>>(9, {1})}.to_bytes()),
                  InvalidArgument);
  // A huge announced count costs no memory: refused against what remains.
  Writer w;
  w.version(1).u8(1).varint(std::uint64_t{1} << 60).varint(2);
  CHECK_THROWS_AS(ShareBatch::from_bytes(std::move(w).take(), std::uint64_t{1} << 62), DecodeError);
}

TEST_CASE("MPC clients: several inputs as one sharing, one bit vector split among its owners",
          "[service][mpc_session]") {
  const MpcRoles roles{.compute = {0, 1, 2}, .inputs = {3, 4}, .outputs = {3, 4}};
  std::vector<std::size_t> counts_seen;
  std::vector<std::vector<std::uint64_t>> bits(5);
  test::rethrow_first(test::run_local_parties(5, [&](std::size_t me, net::Network& net) {
    Prg prg(test::seed_of(600 + me));
    MpcSession<mpc::Rep3> session(net, roles);
    if (session.computes()) {
      session.run([&] {
        mpc::Rep3 p(session.protocol_network(), prg);
        const std::vector<std::size_t> from{4, 3};
        const auto in = session.receive_inputs(from);
        if (me == 0) counts_seen = in.counts;
        bool refused = false;
        try {
          (void)session.receive_inputs(from, std::vector<std::size_t>{1});
        } catch (const InvalidArgument&) {
          refused = true;
        }
        if (!refused) throw std::runtime_error("receive_inputs accepted 1 count for 2 parties");
        // Bit k of the revealed-to-nobody vector: value k is odd.
        const auto values = p.reveal(in.values);
        std::vector<std::uint64_t> words(1, 0);
        for (std::size_t k = 0; k < values.size(); ++k) words[0] |= (values[k].value() & 1U) << k;
        const mpc::Rep3::Bool zero(std::vector<std::uint64_t>(1), std::vector<std::uint64_t>(1));
        const auto shared = p.xor_public(zero, words);
        session.send_output_bits(from, shared, in.counts);  // 4 gets bits 0..1, 3 gets bits 2..4
      });
    } else {
      session.send_input(me == 4 ? ring_values({1, 2}) : ring_values({3, 5, 8}), prg);
      bits[me] = session.receive_output_bits();
    }
  }));
  CHECK(counts_seen == std::vector<std::size_t>{2, 3});
  CHECK(bits[4] == std::vector<std::uint64_t>{0b01});   // 1 odd, 2 even
  CHECK(bits[3] == std::vector<std::uint64_t>{0b011});  // 3, 5 odd, 8 even
}
