// Tests for privfin/service/mpc_engine.hpp: one generic body runs on Rep3
// and on Beaver with a dealer, inside a larger network and with ids that
// are not protocol indices; void and value bodies; the dealer is released
// when the body returns; calls from the wrong role and a Beaver session
// without one dealer are refused.
#include "privfin/service/mpc_engine.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <exception>
#include <functional>
#include <thread>
#include <vector>

#include "privfin/net/local_network.hpp"
#include "support/local_parties.hpp"

using namespace privfin;
using mpc::Ring;
using service::MpcRoles;
using service::MpcSession;

namespace {

// The same generic program on any engine: the client's values squared,
// returned to it; each compute party returns how many it squared, and a
// second, void body sends the sums.
template <class P>
std::vector<Ring> squares(const MpcRoles& roles, std::size_t parties, std::vector<std::size_t>& counts,
                          mpc::DealerStats& dealer) {
  const std::size_t client = roles.inputs[0];
  std::vector<Ring> got;
  counts.assign(parties, 0);
  const auto errors = test::run_local_parties(parties, [&](std::size_t me, net::Network& net) {
    Prg prg(test::seed_of(10 + me));
    MpcSession<P> session(net, roles);
    const auto members = session.parties();
    if (std::find(members.begin(), members.end(), me) == members.end()) return;  // a bystander
    session.agree(service::Parameters("engine test", 1));
    if (session.computes()) {
      counts[me] = service::compute(session, prg, [&](P& p) {
        const auto x = session.receive_input(client);
        session.send_output(client, p.mul(x, x));
        return x.size();
      });
    } else if (session.helps()) {
      dealer = service::help(session, prg);  // generic: compiles for Rep3 too
    } else if (me == client) {
      session.send_input(std::vector<Ring>{Ring{3}, Ring::from_signed(-4), Ring{5}}, prg);
      got = session.receive_output();
    }
  });
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  return got;
}

}  // namespace

TEST_CASE("MPC engine: one generic body on Rep3 and on Beaver with a dealer", "[service][mpc_engine]") {
  const std::vector<Ring> expected{Ring{9}, Ring{16}, Ring{25}};
  std::vector<std::size_t> counts;
  mpc::DealerStats dealer;
  CHECK(squares<mpc::Rep3>({.compute = {4, 1, 3}, .inputs = {0}, .outputs = {0}}, 5, counts, dealer) == expected);
  CHECK(counts == std::vector<std::size_t>{0, 3, 0, 3, 3});
  for (const std::size_t servers : {std::size_t{2}, std::size_t{3}}) {
    MpcRoles roles{.compute = {}, .helpers = {0}, .inputs = {servers + 1}, .outputs = {servers + 1}};
    for (std::size_t i = 0; i < servers; ++i) roles.compute.push_back(servers - i);  // ids are not indices
    // The dealer returns only when the compute parties released it.
    CHECK(squares<mpc::Beaver>(roles, servers + 2, counts, dealer) == expected);
    CHECK(dealer.arith_triples >= 3);
    CHECK(counts[1] == 3);
  }
}

TEST_CASE("MPC engine: a void body, and the wrong role or layout is refused", "[service][mpc_engine]") {
  auto nets = net::LocalNetwork::create(4);
  Prg prg(test::seed_of(1));
  MpcSession<mpc::Beaver> dealt(*nets[0], {.compute = {1, 2}, .helpers = {0}, .inputs = {3}, .outputs = {3}});
  bool ran = false;
  CHECK_THROWS_AS(service::compute(dealt, prg, [&](mpc::Beaver&) { ran = true; }), InvalidArgument);  // a helper
  MpcSession<mpc::Beaver> client(*nets[3], {.compute = {1, 2}, .helpers = {0}, .inputs = {3}, .outputs = {3}});
  CHECK_THROWS_AS(service::help(client, prg), InvalidArgument);
  MpcSession<mpc::Beaver> no_dealer(*nets[1], {.compute = {1, 2}, .inputs = {3}, .outputs = {3}});
  CHECK_THROWS_AS(service::compute(no_dealer, prg, [&](mpc::Beaver&) { ran = true; }), InvalidArgument);
  MpcSession<mpc::Rep3> rep3(*nets[0], {.compute = {0, 1, 2}, .inputs = {3}, .outputs = {3}});
  CHECK_THROWS_AS(service::help(rep3, prg), InvalidArgument);
  CHECK_FALSE(ran);
  for (const auto& n : nets) CHECK(n->total_counters().bytes_sent == 0);
  // A void body on Beaver: the dealer is released all the same.
  const auto errors = test::run_local_parties(3, [&](std::size_t me, net::Network& net) {
    Prg p(test::seed_of(20 + me));
    MpcSession<mpc::Beaver> s(net, {.compute = {0, 1}, .helpers = {2}});
    if (s.helps()) {
      (void)service::help(s, p);
    } else {
      service::compute(s, p, [](mpc::Beaver& b) {
        const auto two = b.constant(std::vector<Ring>{Ring{2}});
        (void)b.mul(two, two);
      });
    }
  });
  for (const auto& e : errors) CHECK_FALSE(e);
}
