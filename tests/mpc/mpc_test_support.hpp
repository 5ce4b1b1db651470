// Helpers for the mpc tests: run the three Rep3 parties on threads over
// LocalNetwork, random plaintext batches with boundary values mixed in.
#pragma once

#include <array>
#include <cstring>
#include <chrono>
#include <iterator>
#include <cstdint>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <thread>
#include <vector>

#include "privfin/core/prg.hpp"
#include "privfin/core/ring.hpp"
#include "privfin/mpc/rep3.hpp"
#include "privfin/net/local_network.hpp"
#include "privfin/net/network.hpp"
#include "support/local_parties.hpp"

namespace privfin::test {

// The mpc tests' name for test::seed_of.
inline Prg::Seed seed_from(std::uint64_t s) { return seed_of(s); }

// run_local_parties and rethrow_first: support/local_parties.hpp.

// Runs body(protocol) for parties 0, 1, 2 on their own threads; rethrows the
// first party's exception after all have finished.
inline void run_rep3(const std::function<void(mpc::Rep3&)>& body, std::uint64_t seed = 1) {
  rethrow_first(run_local_parties(3, [&](std::size_t i, net::Network& net) {
    Prg seeds(seed_from(seed * 3 + i));
    mpc::Rep3 p(net, seeds);
    body(p);
  }));
}

// A party that cheats: forwards everything to `inner`, except that after
// arm(peer, delta) the next send to `peer` has delta added to its first
// 8-byte word (a ring element or a packed-bit word). Used by the tests that
// show what an active party can do and what the reveal check catches.
class TamperingNetwork final : public net::Network {
 public:
  explicit TamperingNetwork(net::Network& inner) : Network(inner.party_id(), inner.party_count()), inner_(inner) {}
  void arm(std::size_t peer, std::uint64_t delta) {
    peer_ = peer;
    delta_ = delta;
    armed_ = true;
  }
  [[nodiscard]] bool fired() const noexcept { return fired_; }

 protected:
  void do_send(std::size_t peer, ByteView data) override {
    if (!armed_ || peer != peer_ || data.size() < 8) {
      inner_.send(peer, data);
      return;
    }
    Bytes changed(data.begin(), data.end());
    std::uint64_t w = 0;
    std::memcpy(&w, changed.data(), 8);
    w += delta_;
    std::memcpy(changed.data(), &w, 8);
    inner_.send(peer, std::move(changed));
    armed_ = false;
    fired_ = true;
  }
  void do_flush() override { inner_.flush(); }
  void do_receive(std::size_t peer, std::span<std::byte> out) override { inner_.receive(peer, out); }

 private:
  net::Network& inner_;
  std::size_t peer_ = 0;
  std::uint64_t delta_ = 0;
  bool armed_ = false;
  bool fired_ = false;
};

// Runs the three Rep3 parties with `options`, party `cheater` over a
// TamperingNetwork (none when cheater >= 3), and returns each party's
// exception (null when it finished) instead of rethrowing.
inline std::vector<std::exception_ptr> run_rep3_cheating(
    mpc::Rep3::Options options, std::size_t cheater,
    const std::function<void(mpc::Rep3&, TamperingNetwork* cheat)>& body, std::uint64_t seed = 1) {
  return run_local_parties(3, [&](std::size_t i, net::Network& honest) {
    std::unique_ptr<TamperingNetwork> cheat;
    if (i == cheater) cheat = std::make_unique<TamperingNetwork>(honest);
    net::Network& net = cheat ? static_cast<net::Network&>(*cheat) : honest;
    Prg seeds(seed_from(seed * 3 + i));
    mpc::Rep3 p(net, seeds, options);
    body(p, cheat.get());
  });
}

// n values: uniform words with boundary values at the front.
inline std::vector<Z2k<64>> random_ring(Prg& prg, std::size_t n) {
  std::vector<Z2k<64>> v(n);
  prg.fill(std::span<Z2k<64>>(v));
  const std::int64_t special[] = {0, -1, 1, std::numeric_limits<std::int64_t>::max(),
                                  std::numeric_limits<std::int64_t>::min(), -2, 2};
  for (std::size_t i = 0; i < n && i < std::size(special); ++i) v[i] = Z2k<64>::from_signed(special[i]);
  return v;
}

// n signed values in [-2^(bits-1), 2^(bits-1)), boundaries first.
inline std::vector<Z2k<64>> random_signed(Prg& prg, std::size_t n, unsigned bits) {
  std::vector<Z2k<64>> v(n);
  const std::int64_t lo = -(std::int64_t{1} << (bits - 1));
  const std::int64_t hi = (std::int64_t{1} << (bits - 1)) - 1;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t r = prg.next_u64();
    const std::uint64_t span = std::uint64_t{1} << bits;
    std::int64_t x = static_cast<std::int64_t>(r % span) + lo;
    // Mix in small magnitudes so both signs near zero get exercised.
    if (i % 4 == 1) x = static_cast<std::int64_t>(r % 2001) - 1000;
    v[i] = Z2k<64>::from_signed(x);
  }
  const std::int64_t special[] = {0, -1, 1, lo, hi, lo + 1, hi - 1};
  for (std::size_t i = 0; i < n && i < std::size(special); ++i) v[i] = Z2k<64>::from_signed(special[i]);
  return v;
}

inline bool bit_of(const std::vector<std::uint64_t>& words, std::size_t k) {
  return ((words[k / 64] >> (k % 64)) & 1U) != 0;
}

}  // namespace privfin::test
