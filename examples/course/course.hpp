// examples/course/course.hpp — the three helpers every lesson shares, kept
// out of the lessons so that each one shows only its idea:
//
//   course::run_parties(3, [&](net::Network& net) { ... });  // one thread per party
//   course::expect(got == want, "the sum matches the plaintext sum");
//
// run_parties starts n parties over net::LocalNetwork, each on its own
// thread, waits for all of them and rethrows the first exception (a party
// that fails closes its endpoint, so its peers get a NetworkError instead
// of waiting). expect() prints a check and throws if it failed; main()
// turns that into exit code 1, so a lesson exits 0 only if every result
// matches the plaintext answer.
//
// This is teaching scaffolding, not library code: a deployment runs each
// party in its own process over net::TcpNetwork (lesson 10).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "privfin/net/local_network.hpp"

namespace course {

inline void run_parties(std::size_t n, const std::function<void(privfin::net::Network&)>& party) {
  auto nets = privfin::net::LocalNetwork::create(n);
  std::vector<std::exception_ptr> errors(n);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < n; ++i) {
    nets[i]->set_receive_timeout(std::chrono::seconds(30));  // a stuck lesson fails instead of hanging
    threads.emplace_back([&, i] {
      try {
        party(*nets[i]);
      } catch (...) {
        errors[i] = std::current_exception();
        nets[i]->close();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

inline void expect(bool ok, const std::string& what) {
  std::printf("  [%s] %s\n", ok ? "ok" : "FAILED", what.c_str());
  if (!ok) throw std::runtime_error("check failed: " + what);
}

// Runs a lesson's body and maps the outcome to the exit code.
inline int main_guard(const std::function<void()>& lesson) {
  try {
    lesson();
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}

}  // namespace course
