// Runs the parties of an in-process network (net::LocalNetwork) on one
// thread each and returns what each threw, so that the test thread, not a
// party thread, makes the Catch2 assertions (they are not thread-safe).
//
//   auto errors = test::run_local_parties(3, [&](std::size_t i, net::Network& net) { ... });
//   auto errors = test::run_local_parties(3, [&](net::Network& net) { ... }, {.receive_timeout = 2s});
//
// The default receive timeout is 30 s.
//   test::rethrow_first(errors);
//
// By default a party that throws closes its endpoint, so the others fail at
// once ("disconnected") instead of waiting out the receive timeout; a test
// that wants the others to time out sets close_on_error = false.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "privfin/core/prg.hpp"
#include "privfin/net/local_network.hpp"

namespace privfin::test {

struct LocalRun {
  // Long enough for the heaviest party step under the sanitizers.
  std::chrono::milliseconds receive_timeout{30'000};
  bool close_on_error = true;
};

// body(i, net) or body(net) for parties 0..n-1.
template <class Body>
std::vector<std::exception_ptr> run_local_parties(std::size_t n, const Body& body, LocalRun options = {}) {
  auto nets = net::LocalNetwork::create(n);
  std::vector<std::exception_ptr> errors(n);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      try {
        nets[i]->set_receive_timeout(options.receive_timeout);
        if constexpr (std::is_invocable_v<const Body&, std::size_t, net::Network&>) {
          body(i, *nets[i]);
        } else {
          body(*nets[i]);
        }
      } catch (...) {
        errors[i] = std::current_exception();
        if (options.close_on_error) nets[i]->close();
      }
    });
  }
  for (auto& t : threads) t.join();
  return errors;
}

inline void rethrow_first(const std::vector<std::exception_ptr>& errors) {
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

// A fixed PRG seed from a number (test determinism, not secrecy).
inline Prg::Seed seed_of(std::uint64_t s) {
  Prg::Seed seed{};
  for (std::size_t i = 0; i < 8; ++i) seed[i] = static_cast<std::byte>((s >> (8 * i)) & 0xFF);
  return seed;
}

// The message of an exception (empty for none).
inline std::string what_of(const std::exception_ptr& e) {
  if (!e) return {};
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "(not a std::exception)";
  }
}

}  // namespace privfin::test
