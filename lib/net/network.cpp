// The transport-independent half of Network: argument checks, framing,
// counters and round accounting.
#include "privfin/net/network.hpp"

#include <algorithm>
#include <array>

namespace privfin::net {

namespace {
constexpr std::size_t message_prefix_size = 8;
// receive_message grows its buffer by at most this much ahead of the data.
constexpr std::size_t message_chunk = std::size_t{1} << 20;

// Reads a message's 8-byte little-endian length and refuses one above
// max_size before anything is allocated for it.
std::uint64_t announced_length(Network& net, std::size_t peer, std::size_t max_size) {
  std::array<std::byte, message_prefix_size> prefix{};
  net.receive(peer, prefix);
  std::uint64_t length = 0;
  for (std::size_t i = 0; i < prefix.size(); ++i) length |= static_cast<std::uint64_t>(prefix[i]) << (8 * i);
  if (length > max_size) {
    throw DecodeError("party " + std::to_string(peer) + ": announced message of " + std::to_string(length) +
                      " bytes exceeds the maximum of " + std::to_string(max_size));
  }
  return length;
}
}  // namespace

PeerCounters& PeerCounters::operator+=(const PeerCounters& o) noexcept {
  bytes_sent += o.bytes_sent;
  bytes_received += o.bytes_received;
  messages_sent += o.messages_sent;
  messages_received += o.messages_received;
  rounds += o.rounds;
  wait_time += o.wait_time;
  return *this;
}

Network::Network(std::size_t party_id, std::size_t party_count)
    : id_(party_id), count_(party_count), counters_(party_count), sent_since_wait_on_(party_count, false) {
  if (party_count == 0 || party_id >= party_count) {
    throw InvalidArgument("Network: party id " + std::to_string(party_id) + " is out of range for " +
                          std::to_string(party_count) + " parties");
  }
}

Network::~Network() = default;

void Network::check_peer(std::size_t peer, const char* where) const {
  if (peer >= count_ || peer == id_) {
    throw InvalidArgument(std::string("Network::") + where + ": peer " + std::to_string(peer) +
                          " is not another party (own id " + std::to_string(id_) + ", " +
                          std::to_string(count_) + " parties)");
  }
}

void Network::send(std::size_t peer, ByteView data) {
  check_peer(peer, "send");
  do_send(peer, data);
  auto& c = counters_[peer];
  c.bytes_sent += data.size();
  ++c.messages_sent;
  sent_since_wait_ = true;
  unflushed_ = true;
  std::fill(sent_since_wait_on_.begin(), sent_since_wait_on_.end(), true);
}

void Network::send(std::size_t peer, Bytes&& data) {
  check_peer(peer, "send");
  const std::size_t size = data.size();
  do_send_owned(peer, std::move(data));
  auto& c = counters_[peer];
  c.bytes_sent += size;
  ++c.messages_sent;
  sent_since_wait_ = true;
  unflushed_ = true;
  std::fill(sent_since_wait_on_.begin(), sent_since_wait_on_.end(), true);
}

void Network::flush() {
  do_flush();
  unflushed_ = false;
}

void Network::before_wait(std::size_t peer) {
  if (unflushed_) flush();
  if (sent_since_wait_) {
    ++rounds_;
    sent_since_wait_ = false;
  }
  if (sent_since_wait_on_[peer]) {
    ++counters_[peer].rounds;
    sent_since_wait_on_[peer] = false;
  }
}

void Network::receive(std::size_t peer, std::span<std::byte> out) {
  check_peer(peer, "receive");
  before_wait(peer);
  const auto start = std::chrono::steady_clock::now();
  try {
    if (!out.empty()) do_receive(peer, out);
  } catch (...) {
    counters_[peer].wait_time += std::chrono::steady_clock::now() - start;
    throw;
  }
  auto& c = counters_[peer];
  c.wait_time += std::chrono::steady_clock::now() - start;
  c.bytes_received += out.size();
  ++c.messages_received;
}

Bytes Network::receive(std::size_t peer, std::size_t size) {
  check_peer(peer, "receive");
  Bytes out(size);
  receive(peer, std::span<std::byte>(out));
  return out;
}

void Network::send_message(std::size_t peer, ByteView message) {
  check_peer(peer, "send_message");
  if (message.size() > max_message_size_) {
    throw InvalidArgument("Network::send_message: message of " + std::to_string(message.size()) +
                          " bytes exceeds the maximum of " + std::to_string(max_message_size_));
  }
  std::array<std::byte, message_prefix_size> prefix{};
  const auto length = static_cast<std::uint64_t>(message.size());
  for (std::size_t i = 0; i < prefix.size(); ++i) prefix[i] = static_cast<std::byte>((length >> (8 * i)) & 0xFFU);
  do_send(peer, prefix);
  if (!message.empty()) do_send(peer, message);
  auto& c = counters_[peer];
  c.bytes_sent += prefix.size() + message.size();
  ++c.messages_sent;
  sent_since_wait_ = true;
  unflushed_ = true;
  std::fill(sent_since_wait_on_.begin(), sent_since_wait_on_.end(), true);
}

Bytes Network::receive_message(std::size_t peer) { return receive_message(peer, max_message_size_); }

Bytes Network::receive_message(std::size_t peer, std::size_t max_size) {
  check_peer(peer, "receive_message");
  const std::uint64_t length = announced_length(*this, peer, max_size);
  // Receive in chunks of message_chunk, so that a lying prefix allocates at
  // most one chunk beyond the bytes that actually arrived (growing one
  // buffer would double and copy it, up to three times what arrived); then
  // join them, freeing each chunk as it is copied.
  const auto total = static_cast<std::size_t>(length);
  std::uint64_t chunks = 0;
  Bytes out;
  if (total <= message_chunk) {
    out.resize(total);
    receive(peer, std::span<std::byte>(out));
    chunks = 1;
  } else {
    std::vector<Bytes> parts;
    for (std::size_t at = 0; at < total; at += message_chunk) {
      parts.emplace_back(std::min(message_chunk, total - at));
      receive(peer, std::span<std::byte>(parts.back()));
      ++chunks;
    }
    out.reserve(total);
    for (auto& part : parts) {
      out.insert(out.end(), part.begin(), part.end());
      Bytes().swap(part);
    }
  }
  // The prefix and each chunk were counted as receives: count one message.
  counters_[peer].messages_received -= chunks;
  return out;
}

ByteView Network::receive_message_into(std::size_t peer, std::size_t max_size, Bytes& buffer) {
  check_peer(peer, "receive_message_into");
  const std::uint64_t length = announced_length(*this, peer, max_size);
  // A lying prefix grows the buffer by at most one chunk beyond the bytes
  // that actually arrived.
  const auto total = static_cast<std::size_t>(length);
  std::uint64_t chunks = 0;
  for (std::size_t at = 0; at < total; at += message_chunk) {
    const std::size_t n = std::min(message_chunk, total - at);
    if (buffer.size() < at + n) buffer.resize(at + n);
    receive(peer, std::span<std::byte>(buffer).subspan(at, n));
    ++chunks;
  }
  // The prefix and each chunk were counted as receives: count one message.
  counters_[peer].messages_received -= chunks;
  return ByteView(buffer).first(total);
}

void Network::set_max_message_size(std::size_t bytes) {
  if (bytes == 0) throw InvalidArgument("Network::set_max_message_size: the maximum must be positive");
  max_message_size_ = bytes;
}

void Network::set_receive_timeout(std::chrono::milliseconds timeout) {
  if (timeout.count() <= 0) throw InvalidArgument("Network::set_receive_timeout: the timeout must be positive");
  receive_timeout_ = timeout;
}

const PeerCounters& Network::counters(std::size_t peer) const {
  check_peer(peer, "counters");
  return counters_[peer];
}

PeerCounters Network::total_counters() const {
  PeerCounters total;
  for (const auto& c : counters_) total += c;
  total.rounds = rounds_;
  return total;
}

void Network::reset_counters() noexcept {
  for (auto& c : counters_) c = PeerCounters{};
  rounds_ = 0;
}

}  // namespace privfin::net
