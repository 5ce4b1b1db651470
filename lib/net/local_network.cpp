// In-process channels: one mutex-protected queue of byte chunks per ordered
// pair of parties.
#include "privfin/net/local_network.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>

namespace privfin::net {

namespace detail {

struct LocalPipe {
  std::mutex mutex;
  std::condition_variable readable;
  std::deque<Bytes> chunks;
  std::size_t offset = 0;  // bytes of chunks.front() already read
  bool sender_closed = false;
  bool receiver_closed = false;
};

struct LocalHub {
  explicit LocalHub(std::size_t n) : parties(n), pipes(n * n) {
    for (auto& p : pipes) p = std::make_unique<LocalPipe>();
  }
  LocalPipe& pipe(std::size_t from, std::size_t to) { return *pipes[from * parties + to]; }
  std::size_t parties;
  std::vector<std::unique_ptr<LocalPipe>> pipes;
};

}  // namespace detail

namespace {
// Sends below this size are gathered per peer until flush() or until the
// gathered bytes reach it.
constexpr std::size_t coalesce_limit = std::size_t{64} << 10;
}  // namespace

std::vector<std::unique_ptr<LocalNetwork>> LocalNetwork::create(std::size_t parties) {
  if (parties == 0) throw InvalidArgument("LocalNetwork::create: at least one party is needed");
  auto hub = std::make_shared<detail::LocalHub>(parties);
  std::vector<std::unique_ptr<LocalNetwork>> out;
  out.reserve(parties);
  for (std::size_t i = 0; i < parties; ++i) out.push_back(std::make_unique<LocalNetwork>(hub, i, parties));
  return out;
}

LocalNetwork::LocalNetwork(std::shared_ptr<detail::LocalHub> hub, std::size_t party_id, std::size_t party_count)
    : Network(party_id, party_count), hub_(std::move(hub)), pending_(party_count) {}

LocalNetwork::~LocalNetwork() { close(); }

void LocalNetwork::close() noexcept {
  if (closed_) return;
  closed_ = true;
  for (std::size_t peer = 0; peer < party_count(); ++peer) {
    if (peer == party_id()) continue;
    {
      auto& out = hub_->pipe(party_id(), peer);
      std::lock_guard lock(out.mutex);
      if (!pending_[peer].empty() && !out.receiver_closed) out.chunks.push_back(std::move(pending_[peer]));
      out.sender_closed = true;
      out.readable.notify_all();
    }
    {
      auto& in = hub_->pipe(peer, party_id());
      std::lock_guard lock(in.mutex);
      in.receiver_closed = true;
      in.chunks.clear();
    }
  }
}

void LocalNetwork::push(std::size_t peer, Bytes&& chunk) {
  if (closed_) throw NetworkError(peer, "send on a closed LocalNetwork endpoint");
  auto& pipe = hub_->pipe(party_id(), peer);
  std::lock_guard lock(pipe.mutex);
  if (pipe.receiver_closed) throw NetworkError(peer, "peer has closed its endpoint");
  pipe.chunks.push_back(std::move(chunk));
  pipe.readable.notify_all();
}

void LocalNetwork::do_send(std::size_t peer, ByteView data) {
  auto& pending = pending_[peer];
  if (data.size() >= coalesce_limit) {
    if (!pending.empty()) push(peer, std::exchange(pending, Bytes{}));
    push(peer, Bytes(data.begin(), data.end()));
    return;
  }
  pending.insert(pending.end(), data.begin(), data.end());
  if (pending.size() >= coalesce_limit) push(peer, std::exchange(pending, Bytes{}));
}

void LocalNetwork::do_send_owned(std::size_t peer, Bytes&& data) {
  if (data.size() < coalesce_limit) {
    do_send(peer, data);
    return;
  }
  auto& pending = pending_[peer];
  if (!pending.empty()) push(peer, std::exchange(pending, Bytes{}));
  push(peer, std::move(data));
}

void LocalNetwork::do_flush() {
  for (std::size_t peer = 0; peer < party_count(); ++peer) {
    if (peer == party_id() || pending_[peer].empty()) continue;
    push(peer, std::exchange(pending_[peer], Bytes{}));
  }
}

void LocalNetwork::do_receive(std::size_t peer, std::span<std::byte> out) {
  if (closed_) throw NetworkError(peer, "receive on a closed LocalNetwork endpoint");
  auto& pipe = hub_->pipe(peer, party_id());
  std::unique_lock lock(pipe.mutex);
  std::size_t filled = 0;
  while (filled < out.size()) {
    if (pipe.chunks.empty()) {
      if (pipe.sender_closed) {
        throw NetworkError(peer, "disconnected after " + std::to_string(filled) + " of " +
                                     std::to_string(out.size()) + " expected bytes");
      }
      // The timeout counts from the last progress, not from the call.
      const bool arrived = pipe.readable.wait_for(lock, receive_timeout(),
                                                  [&] { return !pipe.chunks.empty() || pipe.sender_closed; });
      if (!arrived) {
        throw NetworkError(peer, "no data for " + std::to_string(receive_timeout().count()) +
                                     " ms (receive timeout) with " + std::to_string(out.size() - filled) +
                                     " bytes outstanding");
      }
      continue;
    }
    Bytes& front = pipe.chunks.front();
    const std::size_t take = std::min(front.size() - pipe.offset, out.size() - filled);
    std::memcpy(out.data() + filled, front.data() + pipe.offset, take);
    filled += take;
    pipe.offset += take;
    if (pipe.offset == front.size()) {
      pipe.chunks.pop_front();
      pipe.offset = 0;
    }
  }
}

}  // namespace privfin::net
