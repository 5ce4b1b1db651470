// The party program of the multi-process message bus tests.
//
//   privfin_bus_test_driver CONFIG.json PARTY_ID all COUNT [LISTEN_FD]
//       sends COUNT numbered messages to every peer, checks that COUNT
//       arrive from each in order, then a "done" round so that nobody
//       closes while a peer still waits; exits 0.
//   privfin_bus_test_driver CONFIG.json PARTY_ID echo [LISTEN_FD]
//       sends every message back to its sender, until "quit" or 60 s.
//
// Any error: printed, exit 1. Every wait is bounded.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>

#include "privfin/net/party_config.hpp"
#include "privfin/net/tcp_message_bus.hpp"

namespace {

using namespace privfin;
using namespace std::chrono_literals;

Bytes text(const std::string& s) { return Bytes(as_bytes(std::string_view(s)).begin(), as_bytes(std::string_view(s)).end()); }
std::string str(const Bytes& b) { return std::string(reinterpret_cast<const char*>(b.data()), b.size()); }

void all_to_all(net::TcpMessageBus& bus, std::size_t count) {
  const std::size_t n = bus.party_count();
  const std::size_t self = bus.party_id();
  for (std::size_t k = 0; k < count; ++k) {
    for (std::size_t j = 0; j < n; ++j) {
      if (j == self) continue;
      if (bus.send(j, text(std::to_string(self) + ":" + std::to_string(k))) != net::SendStatus::queued) {
        throw std::runtime_error("send refused");
      }
    }
  }
  std::map<std::size_t, std::size_t> next;
  std::size_t done = 0;
  bool sent_done = false;
  const auto deadline = std::chrono::steady_clock::now() + 40s;
  while (done < n - 1) {
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("timed out");
    std::size_t complete = 0;
    for (std::size_t j = 0; j < n; ++j) if (j != self && next[j] == count) ++complete;
    if (complete == n - 1 && !sent_done) {
      (void)bus.broadcast(as_bytes(std::string_view("done")));
      sent_done = true;
    }
    auto in = bus.receive(50ms);
    if (!in) continue;
    const std::string m = str(in->message);
    if (m == "done") {
      ++done;
      continue;
    }
    const std::string expected = std::to_string(in->from) + ":" + std::to_string(next[in->from]++);
    if (m != expected) throw std::runtime_error("got '" + m + "', expected '" + expected + "'");
  }
  if (!bus.flush(10s)) throw std::runtime_error("could not flush");
  std::this_thread::sleep_for(200ms);  // let the last "done" reach everyone before the sockets close
}

void echo(net::TcpMessageBus& bus) {
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto in = bus.receive(50ms);
    if (!in) continue;
    if (str(in->message) == "quit") return;
    (void)bus.send(in->from, std::move(in->message));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s CONFIG.json PARTY_ID (all COUNT | echo) [LISTEN_FD]\n", argv[0]);
    return 2;
  }
  try {
    const auto config = net::PartyConfig::load(argv[1]);
    const auto party = static_cast<std::size_t>(std::stoul(argv[2]));
    const std::string mode = argv[3];
    const int fd_arg = mode == "all" ? 5 : 4;
    net::TcpListener listener;
    if (argc > fd_arg) listener = net::TcpListener::adopt(std::stoi(argv[fd_arg]));
    net::BusOptions options;
    options.max_backoff = 100ms;
    auto bus = net::TcpMessageBus::start(config, party, options, std::move(listener));
    if (mode == "all") {
      all_to_all(*bus, static_cast<std::size_t>(std::stoul(argv[4])));
    } else if (mode == "echo") {
      echo(*bus);
    } else {
      throw std::runtime_error("unknown mode " + mode);
    }
    bus->close();
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "party %s: %s\n", argv[2], e.what());
    return 1;
  }
}
