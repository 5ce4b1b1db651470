// Helpers shared by the net tests: run one function per party on its own
// thread, and build TCP clusters on 127.0.0.1 with ephemeral ports and
// freshly generated credentials.
#pragma once

#include "support/processes.hpp"

#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "privfin/net/keygen.hpp"
#include "privfin/net/local_network.hpp"
#include "privfin/net/tcp_network.hpp"

namespace privfin::test {


// A scratch folder removed when the object dies.

// Credentials for up to 10 parties, generated once per test process.

inline const net::PartyConfig& credentials() {
  static TempDir dir;
  static const net::PartyConfig config = net::write_local_cluster(dir.path(), 10, "127.0.0.1", 40000);
  return config;
}

// Runs body(party) on one thread per party; rethrows the first exception
// (by party order) after all threads have finished.
inline void run_parties(std::size_t n, const std::function<void(std::size_t)>& body) {
  std::vector<std::exception_ptr> errors(n);
  std::vector<std::thread> threads;
  threads.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      try {
        body(i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

// Per party: the exception it ended with (empty when it finished).
inline std::vector<std::exception_ptr> run_parties_collect(std::size_t n,
                                                           const std::function<void(std::size_t)>& body) {
  std::vector<std::exception_ptr> errors(n);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      try {
        body(i);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    });
  }
  for (auto& t : threads) t.join();
  return errors;
}

// A config for n parties on 127.0.0.1 with listeners already bound to
// ephemeral ports (listeners[i] belongs to party i).
struct TcpCluster {
  net::PartyConfig config;
  std::vector<net::TcpListener> listeners;

  std::unique_ptr<net::TcpNetwork> connect(std::size_t party) {
    return net::TcpNetwork::connect(config, party, std::move(listeners[party]));
  }
};

inline TcpCluster make_tcp_cluster(std::size_t n, net::Transport transport,
                                   std::chrono::milliseconds connect_timeout = std::chrono::milliseconds(20'000),
                                   std::chrono::milliseconds receive_timeout = std::chrono::milliseconds(20'000)) {
  const auto& creds = credentials();
  TcpCluster c;
  c.config.transport = transport;
  c.config.connect_timeout = connect_timeout;
  c.config.receive_timeout = receive_timeout;
  for (std::size_t i = 0; i < n; ++i) {
    c.listeners.push_back(net::TcpListener::bind("127.0.0.1", 0));
    net::PartyEndpoint e = creds.parties.at(i);
    e.port = c.listeners.back().port();
    c.config.parties.push_back(e);
  }
  c.config.validate();
  return c;
}

}  // namespace privfin::test
