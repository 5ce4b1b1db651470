// What the ot tests share: random choice vectors and a Network wrapper that
// lets a test change what one party sends (a cheating party without a
// cheating mode in the library).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "privfin/core/prg.hpp"
#include "privfin/net/network.hpp"

namespace privfin::test {

// std::vector<bool> has no contiguous storage: a plain array of bool for spans.
struct Choices {
  std::unique_ptr<bool[]> data;
  std::size_t size = 0;
  Choices(Prg& prg, std::size_t n) : data(new bool[n]), size(n) {
    for (std::size_t i = 0; i < n; ++i) data[i] = (prg.next_u64() & 1U) != 0;
  }
  [[nodiscard]] std::span<const bool> span() const { return {data.get(), size}; }
  bool operator[](std::size_t i) const { return data[i]; }
};

// Forwards everything to `inner`; `tamper(call, bytes)` may change the
// bytes of the call-th do_send (send_message makes two calls: the 8-byte
// length, then the message).
class TamperingNetwork final : public net::Network {
 public:
  using Tamper = std::function<void(std::size_t call, Bytes& data)>;
  TamperingNetwork(net::Network& inner, Tamper tamper)
      : Network(inner.party_id(), inner.party_count()), inner_(inner), tamper_(std::move(tamper)) {}

 protected:
  void do_send(std::size_t peer, ByteView data) override {
    Bytes copy(data.begin(), data.end());
    tamper_(calls_++, copy);
    inner_.send(peer, std::move(copy));
  }
  void do_flush() override { inner_.flush(); }
  void do_receive(std::size_t peer, std::span<std::byte> out) override { inner_.receive(peer, out); }

 private:
  net::Network& inner_;
  Tamper tamper_;
  std::size_t calls_ = 0;
};

}  // namespace privfin::test
