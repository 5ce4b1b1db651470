// One protocol run used by the LocalNetwork, TcpNetwork and multi-process
// tests: three rounds (messages, ring and field elements, raw buffers of
// several sizes) between every pair of parties. Runs on the party's own
// thread, so it reports mismatches by throwing (Catch2 assertions are not
// thread-safe); the test thread checks.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "privfin/core/mersenne.hpp"
#include "privfin/core/ring.hpp"
#include "privfin/net/network.hpp"

namespace privfin::test {

inline void expect(bool condition, const std::string& what) {
  if (!condition) throw std::runtime_error(what);
}

// A value both sides can compute: element k of the stream from `from` to `to`.
inline std::uint64_t pattern(std::size_t from, std::size_t to, std::size_t k) {
  std::uint64_t x = (static_cast<std::uint64_t>(from) << 40) ^ (static_cast<std::uint64_t>(to) << 20) ^ k;
  x ^= x >> 31;
  x *= 0x9E3779B97F4A7C15ULL;
  return x ^ (x >> 29);
}

inline Bytes pattern_bytes(std::size_t from, std::size_t to, std::size_t size) {
  Bytes out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::byte>(pattern(from, to, i / 8) >> (8 * (i % 8)));
  return out;
}

inline void exercise(net::Network& net) {
  const std::size_t n = net.party_count();
  const std::size_t me = net.party_id();
  const auto who = [&](std::size_t peer) {
    return "party " + std::to_string(me) + " from " + std::to_string(peer) + ": ";
  };

  // Round 1: length-prefixed messages naming sender and receiver.
  for (std::size_t peer = 0; peer < n; ++peer) {
    if (peer != me) net.send_message(peer, to_bytes("from " + std::to_string(me) + " to " + std::to_string(peer)));
  }
  for (std::size_t peer = 0; peer < n; ++peer) {
    if (peer == me) continue;
    const Bytes got = net.receive_message(peer);
    const std::string want = "from " + std::to_string(peer) + " to " + std::to_string(me);
    expect(got == to_bytes(want), who(peer) + "message mismatch");
  }

  // Round 2: ring and field elements.
  constexpr std::size_t count = 1000;
  for (std::size_t peer = 0; peer < n; ++peer) {
    if (peer == me) continue;
    std::vector<Z2k<64>> ring(count);
    std::vector<Fp61> field(count);
    for (std::size_t k = 0; k < count; ++k) {
      ring[k] = Z2k<64>(pattern(me, peer, k));
      field[k] = Fp61(pattern(me, peer, k));
    }
    net.send_elements<Z2k<64>>(peer, ring);
    net.send_elements<Fp61>(peer, field);
  }
  net.flush();
  for (std::size_t peer = 0; peer < n; ++peer) {
    if (peer == me) continue;
    const auto ring = net.receive_elements<Z2k<64>>(peer, count);
    const auto field = net.receive_elements<Fp61>(peer, count);
    for (std::size_t k = 0; k < count; ++k) {
      expect(ring[k] == Z2k<64>(pattern(peer, me, k)), who(peer) + "ring element " + std::to_string(k));
      expect(field[k] == Fp61(pattern(peer, me, k)), who(peer) + "field element " + std::to_string(k));
    }
  }

  // Round 3: raw buffers, empty to above the coalescing limits, owned and borrowed.
  const std::vector<std::size_t> sizes = {0, 1, 7, 4096, 70'000, 300'000, 1'000'003};
  for (std::size_t peer = 0; peer < n; ++peer) {
    if (peer == me) continue;
    for (std::size_t s = 0; s < sizes.size(); ++s) {
      Bytes data = pattern_bytes(me, peer + 100 * s, sizes[s]);
      if (s % 2 == 0) {
        net.send(peer, std::move(data));
      } else {
        net.send(peer, ByteView(data));
      }
    }
  }
  for (std::size_t peer = 0; peer < n; ++peer) {
    if (peer == me) continue;
    for (std::size_t s = 0; s < sizes.size(); ++s) {
      const Bytes got = net.receive(peer, sizes[s]);
      expect(got == pattern_bytes(peer, me + 100 * s, sizes[s]), who(peer) + "buffer " + std::to_string(s));
    }
  }

  // The counters saw three rounds and every byte.
  expect(net.total_counters().rounds == 3, "party " + std::to_string(me) + ": rounds != 3");
  std::uint64_t raw = 0;
  for (const auto s : sizes) raw += s;
  for (std::size_t peer = 0; peer < n; ++peer) {
    if (peer == me) continue;
    const auto& c = net.counters(peer);
    const std::uint64_t message = 8 + ("from " + std::to_string(me) + " to " + std::to_string(peer)).size();
    expect(c.bytes_sent == message + 2 * 8 * count + raw, who(peer) + "bytes_sent");
    expect(c.rounds == 3, who(peer) + "per-peer rounds");
    expect(c.messages_sent == 1 + 2 + sizes.size(), who(peer) + "messages_sent");
    expect(c.messages_received == 1 + 2 + sizes.size(), who(peer) + "messages_received");
  }
}

}  // namespace privfin::test
