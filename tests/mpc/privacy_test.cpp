// Privacy sanity checks: what a party receives during multiplication and
// comparison looks uniform (chi-square over byte values) for two very
// different inputs, and the same inputs give fresh messages in every run.
#include <catch2/catch.hpp>

#include <array>
#include <thread>

#include "mpc/mpc_test_support.hpp"
#include "privfin/mpc/compare.hpp"

using namespace privfin;
using R = Z2k<64>;

namespace {

// Forwards to another endpoint and keeps a copy of every byte received.
class RecordingNetwork final : public net::Network {
 public:
  explicit RecordingNetwork(net::Network& inner) : Network(inner.party_id(), inner.party_count()), inner_(inner) {}
  Bytes received;

 protected:
  void do_send(std::size_t peer, ByteView data) override { inner_.send(peer, data); }
  void do_flush() override { inner_.flush(); }
  void do_receive(std::size_t peer, std::span<std::byte> out) override {
    inner_.receive(peer, out);
    received.insert(received.end(), out.begin(), out.end());
  }

 private:
  net::Network& inner_;
};

double chi_square(const Bytes& data) {
  std::array<double, 256> count{};
  for (std::byte b : data) count[static_cast<std::size_t>(b)] += 1;
  const double expect = static_cast<double>(data.size()) / 256.0;
  double chi = 0;
  for (double c : count) chi += (c - expect) * (c - expect) / expect;
  return chi;
}

enum class Op { mul, lt };

// Party 1's received bytes while computing op on inputs a (party 0) and b (party 2).
Bytes observe(Op op, const std::vector<R>& a, const std::vector<R>& b, std::uint64_t seed) {
  auto nets = net::LocalNetwork::create(3);
  Bytes seen;
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < 3; ++i) {
    threads.emplace_back([&, i] {
      RecordingNetwork rec(*nets[i]);
      Prg seeds(test::seed_from(seed * 3 + i));
      mpc::Rep3 p(rec, seeds);
      const std::size_t n = a.size();
      const auto x = p.input(0, i == 0 ? std::span<const R>(a) : std::span<const R>{}, n);
      const auto y = p.input(2, i == 2 ? std::span<const R>(b) : std::span<const R>{}, n);
      rec.received.clear();
      if (op == Op::mul) {
        (void)p.mul(x, y);
      } else {
        (void)mpc::lt(p, x, y);
      }
      if (i == 1) seen = rec.received;
    });
  }
  for (auto& t : threads) t.join();
  return seen;
}

}  // namespace

TEST_CASE("Received words look uniform and do not depend on the inputs", "[mpc][privacy]") {
  const std::size_t n = 20'000;
  const std::vector<R> zeros(n);
  std::vector<R> big(n);
  for (std::size_t k = 0; k < n; ++k) big[k] = R::from_signed(k % 2 == 0 ? (std::int64_t{1} << 61) : -7);
  for (Op op : {Op::mul, Op::lt}) {
    INFO((op == Op::mul ? "mul" : "lt"));
    const Bytes first = observe(op, zeros, zeros, 1);
    const Bytes second = observe(op, big, zeros, 2);
    const Bytes again = observe(op, zeros, zeros, 3);
    REQUIRE(first.size() == second.size());
    REQUIRE(first.size() > 100'000);
    // 255 degrees of freedom: mean 255, sd 22.6; 400 is beyond 6 sd.
    CHECK(chi_square(first) < 400);
    CHECK(chi_square(second) < 400);
    CHECK(first != again);  // fresh randomness in every session
  }
}
