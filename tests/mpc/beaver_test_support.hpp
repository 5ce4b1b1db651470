// Helpers for the Beaver tests: n parties on threads over LocalNetwork, with
// the in-process preprocessing source or with a dealer thread.
#pragma once

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "mpc/mpc_test_support.hpp"
#include "privfin/mpc/beaver.hpp"
#include "privfin/mpc/dealer.hpp"
#include "privfin/mpc/preprocessing.hpp"
#include "privfin/net/local_network.hpp"

namespace privfin::test {

template <class T>
std::span<const T> own(const mpc::Beaver& p, std::size_t owner, const std::vector<T>& v) {
  return p.party_id() == owner ? std::span<const T>(v) : std::span<const T>{};
}

// Runs body(protocol) for parties 0..n-1 on their own threads with
// LocalPreprocessing; rethrows the first exception after all have finished.
inline void run_beaver(std::size_t n, const std::function<void(mpc::Beaver&)>& body, std::uint64_t seed = 1) {
  rethrow_first(run_local_parties(n, [&](std::size_t i, net::Network& net) {
    mpc::LocalPreprocessing pre(seed_from(seed * 1000 + 7), i, n);
    Prg seeds(seed_from(seed * 1000 + 100 + i));
    mpc::Beaver p(net, pre, seeds);
    body(p);
  }));
}

// The same with a dealer thread as party n of an (n + 1)-party network;
// returns the dealer's statistics.
inline mpc::DealerStats run_beaver_with_dealer(std::size_t n, const std::function<void(mpc::Beaver&)>& body,
                                               std::uint64_t seed = 1) {
  auto nets = net::LocalNetwork::create(n + 1);
  for (auto& net : nets) net->set_receive_timeout(std::chrono::milliseconds(30'000));
  std::vector<std::exception_ptr> errors(n + 1);
  std::vector<std::thread> threads;
  mpc::DealerStats stats;
  threads.emplace_back([&] {
    try {
      Prg seeds(seed_from(seed * 1000 + 999));
      stats = mpc::run_dealer(*nets[n], n, seeds);
    } catch (...) {
      errors[n] = std::current_exception();
      nets[n]->close();
    }
  });
  for (std::size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      try {
        mpc::DealerPreprocessing pre(*nets[i], n, n);
        Prg seeds(seed_from(seed * 1000 + 100 + i));
        mpc::Beaver p(*nets[i], pre, seeds, n);
        body(p);
        pre.finish();
      } catch (...) {
        errors[i] = std::current_exception();
        nets[i]->close();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  return stats;
}

}  // namespace privfin::test
