// Test support for the Spdz2k tests: a network that adds a value to chosen
// outgoing messages, and the check that every honest party aborted.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/net/network.hpp"
#include "support/local_parties.hpp"  // test::what_of

namespace privfin::test {

// Adds `delta` to the first 8 bytes of the next message to each armed peer
// (skipping `skip` messages to that peer first).
class CheatingNetwork final : public net::Network {
 public:
  explicit CheatingNetwork(net::Network& inner) : Network(inner.party_id(), inner.party_count()), inner_(inner) {
    plan_.resize(inner.party_count());
  }
  // `offset`: where the 8 bytes start.
  void arm(std::size_t peer, std::uint64_t delta, std::size_t skip = 0, std::size_t offset = 0) {
    plan_[peer] = {true, delta, skip, offset};
  }
  void arm_all(std::uint64_t delta, std::size_t skip = 0, std::size_t offset = 0) {
    for (std::size_t j = 0; j < plan_.size(); ++j) {
      if (j != party_id()) arm(j, delta, skip, offset);
    }
  }
  // Flips bit `bit` of the message after `skip` messages to `peer`.
  void arm_flip(std::size_t peer, std::size_t skip, std::size_t bit) {
    plan_[peer] = {true, 0, skip, 0, true, bit};
  }
  [[nodiscard]] std::size_t fired() const noexcept { return fired_; }

 protected:
  void do_send(std::size_t peer, ByteView data) override {
    Plan& p = plan_[peer];
    // Messages too short to hold 8 bytes at `offset` (e.g. length prefixes)
    // pass unchanged and do not count.
    if (!p.armed || (!p.flip && data.size() < p.offset + 8)) {
      inner_.send(peer, data);
      return;
    }
    if (p.skip > 0) {
      --p.skip;
      inner_.send(peer, data);
      return;
    }
    Bytes changed(data.begin(), data.end());
    if (p.flip) {
      if (changed.size() * 8 <= p.bit) {  // too short for the bit: unchanged
        inner_.send(peer, data);
        p.armed = false;
        return;
      }
      changed[p.bit / 8] ^= static_cast<std::byte>(1U << (p.bit % 8));
      inner_.send(peer, std::move(changed));
      p.armed = false;
      ++fired_;
      return;
    }
    const std::size_t at = p.offset;
    std::uint64_t w = 0;
    std::memcpy(&w, changed.data() + at, 8);
    w += p.delta;
    std::memcpy(changed.data() + at, &w, 8);
    inner_.send(peer, std::move(changed));
    p.armed = false;
    ++fired_;
  }
  void do_flush() override { inner_.flush(); }
  void do_receive(std::size_t peer, std::span<std::byte> out) override { inner_.receive(peer, out); }

 private:
  struct Plan {
    bool armed = false;
    std::uint64_t delta = 0;
    std::size_t skip = 0;
    std::size_t offset = 0;
    bool flip = false;
    std::size_t bit = 0;
  };
  net::Network& inner_;
  std::vector<Plan> plan_;
  std::size_t fired_ = 0;
};

// Every honest party (all but `cheater`) threw a ProtocolError whose message
// contains `part` and `prefix`.
inline void require_abort(const std::vector<std::exception_ptr>& errors, std::size_t cheater, const std::string& part,
                          const std::string& prefix = "mpc::Spdz2k: check ") {
  for (std::size_t i = 0; i < errors.size(); ++i) {
    if (i == cheater) continue;
    INFO("party " << i << ": " << what_of(errors[i]));
    REQUIRE(errors[i]);
    bool is_protocol = false;
    try {
      std::rethrow_exception(errors[i]);
    } catch (const ProtocolError&) {
      is_protocol = true;
    } catch (...) {
    }
    CHECK(is_protocol);
    CHECK(what_of(errors[i]).find(part) != std::string::npos);
    CHECK(what_of(errors[i]).find(prefix) != std::string::npos);
  }
}

}  // namespace privfin::test
