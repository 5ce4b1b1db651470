// privfin/net/local_network.hpp — n connected Network endpoints inside one
// process, for tests and single-machine simulations (one thread per party).
//
//   auto nets = LocalNetwork::create(3);
//   std::thread t1([&] { run_party(*nets[1]); });   // each endpoint on its own thread
//   ...
//
// Every ordered pair of parties has an in-memory queue; send() moves or
// copies the bytes into it, receive() copies them out. Destroying an endpoint
// closes its channels: a peer still receiving from it gets a NetworkError once
// the bytes already queued are consumed, and a later send to it throws.
// Timeouts behave as for TCP (receive_timeout(), default 60 s).
//
// Thread safety: each endpoint is used by one thread at a time; endpoints may
// outlive each other and be destroyed in any order.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "privfin/net/network.hpp"

namespace privfin::net {

namespace detail {
struct LocalHub;
}

class LocalNetwork final : public Network {
 public:
  // Throws InvalidArgument if parties == 0.
  [[nodiscard]] static std::vector<std::unique_ptr<LocalNetwork>> create(std::size_t parties);

  ~LocalNetwork() override;

  // Closes this endpoint now (as the destructor does): what was sent stays
  // readable by the peers; afterwards they see a disconnect.
  void close() noexcept;

  LocalNetwork(std::shared_ptr<detail::LocalHub> hub, std::size_t party_id, std::size_t party_count);

 protected:
  void do_send(std::size_t peer, ByteView data) override;
  void do_send_owned(std::size_t peer, Bytes&& data) override;
  void do_flush() override;
  void do_receive(std::size_t peer, std::span<std::byte> out) override;

 private:
  void push(std::size_t peer, Bytes&& chunk);

  std::shared_ptr<detail::LocalHub> hub_;
  std::vector<Bytes> pending_;  // per peer, coalesced small sends
  bool closed_ = false;
};

}  // namespace privfin::net
