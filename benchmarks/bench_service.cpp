// Google Benchmarks for the service layer's MPC clients: one client gives n
// values to two compute parties and gets them back, over LocalNetwork
// (threads), with the actively secure SPDZ2k clients
// (service::Spdz2kClients: triple-checked masks, digest comparison, a MAC
// check before the output) beside the anchor measured in the same run, the
// semi-honest plain shares of service::MpcSession<mpc::Beaver>. The ratio is
// the price of active security at the client interface. SPDZ2k's triples
// come from the test dealer here, so the figure leaves out preprocessing
// (mpc_throughput --protocol spdz2k measures that).
//
//   build/release/benchmarks/bench_service --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <array>
#include <span>
#include <thread>
#include <vector>

#include "privfin/mpc/spdz2k.hpp"
#include "privfin/net/local_network.hpp"
#include "privfin/service/mpc_session.hpp"
#include "privfin/service/spdz2k_clients.hpp"

using namespace privfin;

namespace {

constexpr std::size_t client = 2;

// The client (the benchmark thread) tells each compute party the batch size
// before each round trip, 0 to stop.
void tell(net::Network& net, std::uint64_t n) {
  for (const std::size_t peer : {std::size_t{0}, std::size_t{1}}) {
    net.send(peer, std::as_bytes(std::span<const std::uint64_t>(&n, 1)));
  }
  net.flush();
}

std::uint64_t told(net::Network& net) {
  std::uint64_t n = 0;
  net.receive(client, std::as_writable_bytes(std::span<std::uint64_t>(&n, 1)));
  return n;
}

template <class Compute, class RoundTrip>
void run(benchmark::State& state, const Compute& compute, const RoundTrip& round_trip) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto nets = net::LocalNetwork::create(3);
  std::array<std::thread, 2> servers;
  for (std::size_t i = 0; i < 2; ++i) servers[i] = std::thread([&, i] { compute(*nets[i]); });
  std::vector<mpc::Ring> values(n);
  for (std::size_t j = 0; j < n; ++j) values[j] = mpc::Ring{j * 0x9E3779B97F4A7C15ULL};
  for (auto _ : state) {
    tell(*nets[client], n);
    const auto back = round_trip(*nets[client], values);
    if (back != values) state.SkipWithError("the values came back changed");
  }
  tell(*nets[client], 0);
  for (auto& t : servers) t.join();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}

}  // namespace

static void BM_Spdz2kClientRoundTrip(benchmark::State& state) {
  run(
      state,
      [](net::Network& net) {
        const std::array<std::size_t, 2> members{0, 1};
        net::SubNetwork compute_net(net, members);
        mpc::Spdz2kTestDealer pre(Prg::Seed{}, net.party_id(), 2);
        Prg prg(random_seed());
        mpc::Spdz2k p(compute_net, pre, prg);
        service::Spdz2kClients clients(net, {0, 1});
        for (std::uint64_t n = told(net); n != 0; n = told(net)) {
          const auto x = clients.receive_input(p, pre, client, n);
          clients.send_output(p, pre, client, x);
        }
      },
      [](net::Network& net, const std::vector<mpc::Ring>& values) {
        service::Spdz2kClients clients(net, {0, 1});
        clients.send_input(values);
        return clients.receive_output(values.size());
      });
}
BENCHMARK(BM_Spdz2kClientRoundTrip)->Arg(1 << 10)->Arg(1 << 16)->UseRealTime();

// The anchor: semi-honest additive shares, no masks, no checks.
static void BM_BeaverSessionClientRoundTrip(benchmark::State& state) {
  const service::MpcRoles roles{.compute = {0, 1}, .inputs = {client}, .outputs = {client}};
  run(
      state,
      [&](net::Network& net) {
        service::MpcSession<mpc::Beaver> session(net, roles);
        for (std::uint64_t n = told(net); n != 0; n = told(net)) {
          session.send_output(client, session.receive_input(client, n));
        }
      },
      [&](net::Network& net, const std::vector<mpc::Ring>& values) {
        service::MpcSession<mpc::Beaver> session(net, roles);
        Prg prg(random_seed());
        session.send_input(values, prg);
        return session.receive_output();
      });
}
BENCHMARK(BM_BeaverSessionClientRoundTrip)->Arg(1 << 10)->Arg(1 << 16)->UseRealTime();

BENCHMARK_MAIN();
