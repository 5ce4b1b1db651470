// privfin/net/network.hpp — one party's view of an n-party network: its own
// id, the number of parties, and a reliable, ordered byte channel to each
// peer, with per-peer counters.
//
//   Network& net = ...;                         // LocalNetwork or TcpNetwork
//   net.send_elements<Z2k<64>>(1, my_shares);   // buffered, returns at once
//   net.send_message(2, encoded);               // length-prefixed
//   net.receive_elements<Z2k<64>>(1, their_shares);  // flushes, then waits
//   Bytes reply = net.receive_message(2);       // bounded by max_message_size()
//
// Semantics:
//   * send() copies (or, for `Bytes&&`, takes) the data into the peer's
//     outgoing buffer and returns without waiting for the peer. The memory
//     held is the data not yet written to the transport; nothing else grows.
//   * flush() hands everything buffered to the transport (TCP: writes what
//     the kernel accepts without blocking; the rest is written while this
//     party is inside any later call on this Network, in particular while it
//     waits in receive()). It never waits for a peer to read.
//   * receive() first flushes, then waits until exactly out.size() bytes from
//     that peer have arrived. It throws NetworkError naming the peer if the
//     peer disconnects or nothing arrives for receive_timeout().
//   * A party may send any amount to a peer while that peer sends any amount
//     to it; as long as both later receive, neither blocks forever.
//   * Messages: send_message writes an 8-byte little-endian length, then the
//     bytes; receive_message rejects lengths above max_message_size() with a
//     DecodeError before allocating, and grows its buffer only as bytes
//     actually arrive, so a lying prefix costs no memory.
//   * Elements: spans of trivially copyable fixed-width values (Z2k<K>, Fp61,
//     Fp127, ...) are sent as their bytes without per-element encoding
//     (little-endian hosts only; checked at compile time). Received elements
//     whose encoding is not canonical (Fp61 value >= p) raise DecodeError.
//   * Rounds: a round is counted when the party waits (receive) after having
//     sent something since it last waited. counters(peer).rounds counts the
//     waits on that peer that follow a send to anyone.
//
// Errors: InvalidArgument for a bad peer id (own id or >= party_count());
// NetworkError (with party()) for transport failures and timeouts;
// DecodeError for oversized or malformed messages. After any exception the
// channel to that peer is broken; the party should abort the protocol.
//
// Thread safety: one Network object is used by one thread at a time. Different
// endpoints (e.g. the n objects of LocalNetwork::create) may be used by
// different threads concurrently.
#pragma once

#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "privfin/core/bytes.hpp"
#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/core/ring.hpp"

namespace privfin::net {

// Whether every bit pattern of sizeof(T) bytes is a valid T, so received
// elements need no check. True for the rings; specialise for other types.
template <class T>
struct every_encoding_valid : std::false_type {};
template <unsigned K>
struct every_encoding_valid<Z2k<K>> : std::true_type {};

// A value that can cross the network as its own object representation.
template <class T>
concept WireElement = FixedWidthElement<T> && std::is_trivially_copyable_v<T> &&
                      sizeof(T) == T::byte_size && std::endian::native == std::endian::little;

// Traffic with one peer since construction or the last reset_counters().
struct PeerCounters {
  std::uint64_t bytes_sent = 0;       // payload bytes handed to send()
  std::uint64_t bytes_received = 0;   // payload bytes delivered by receive()
  std::uint64_t messages_sent = 0;    // send()/send_message()/send_elements() calls
  std::uint64_t messages_received = 0;
  std::uint64_t rounds = 0;           // see "Rounds" above
  std::chrono::nanoseconds wait_time{0};  // time spent inside receive()

  PeerCounters& operator+=(const PeerCounters& o) noexcept;
};

class Network {
 public:
  static constexpr std::size_t default_max_message_size = std::size_t{1} << 30;  // 1 GiB
  static constexpr std::chrono::milliseconds default_receive_timeout{60'000};

  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;
  virtual ~Network();

  [[nodiscard]] std::size_t party_id() const noexcept { return id_; }
  [[nodiscard]] std::size_t party_count() const noexcept { return count_; }

  // Raw bytes, no framing: the receiver must know the size.
  void send(std::size_t peer, ByteView data);
  void send(std::size_t peer, Bytes&& data);
  void flush();
  void receive(std::size_t peer, std::span<std::byte> out);
  [[nodiscard]] Bytes receive(std::size_t peer, std::size_t size);

  // Length-prefixed messages.
  void send_message(std::size_t peer, ByteView message);
  [[nodiscard]] Bytes receive_message(std::size_t peer);
  [[nodiscard]] Bytes receive_message(std::size_t peer, std::size_t max_size);
  // The same checks into a buffer the caller keeps across calls, so that a
  // protocol receiving large messages over and over allocates (and the OS
  // maps) them once: `buffer` grows by chunks only as bytes arrive and is
  // never shrunk; the view covers the message and is valid until `buffer`
  // is used again.
  [[nodiscard]] ByteView receive_message_into(std::size_t peer, std::size_t max_size, Bytes& buffer);

  // Spans of elements; the receiver knows the count.
  template <WireElement T>
  void send_elements(std::size_t peer, std::span<const T> values) {
    send(peer, ByteView(reinterpret_cast<const std::byte*>(values.data()), values.size_bytes()));
  }
  template <WireElement T>
  void send_elements(std::size_t peer, const std::vector<T>& values) {
    send_elements(peer, std::span<const T>(values));
  }
  template <WireElement T>
  void receive_elements(std::size_t peer, std::span<T> out) {
    receive(peer, std::span<std::byte>(reinterpret_cast<std::byte*>(out.data()), out.size_bytes()));
    if constexpr (!every_encoding_valid<T>::value) {
      for (std::size_t i = 0; i < out.size(); ++i) {
        const auto bytes = std::span<const std::byte, sizeof(T)>(reinterpret_cast<const std::byte*>(&out[i]),
                                                                 sizeof(T));
        if (!T::read_le(bytes)) {
          throw DecodeError("party " + std::to_string(peer) + ": element " + std::to_string(i) + " of " +
                            std::to_string(out.size()) + " is not a canonical encoding");
        }
      }
    }
  }
  template <WireElement T>
  [[nodiscard]] std::vector<T> receive_elements(std::size_t peer, std::size_t count) {
    std::vector<T> out(count);
    receive_elements(peer, std::span<T>(out));
    return out;
  }

  [[nodiscard]] std::size_t max_message_size() const noexcept { return max_message_size_; }
  void set_max_message_size(std::size_t bytes);  // InvalidArgument for 0
  [[nodiscard]] std::chrono::milliseconds receive_timeout() const noexcept { return receive_timeout_; }
  void set_receive_timeout(std::chrono::milliseconds timeout);  // InvalidArgument unless > 0

  [[nodiscard]] const PeerCounters& counters(std::size_t peer) const;
  // The sum over peers, except that `rounds` is the party's own round count.
  [[nodiscard]] PeerCounters total_counters() const;
  void reset_counters() noexcept;

 protected:
  Network(std::size_t party_id, std::size_t party_count);

  // Implementations. Peer ids are checked before these are called.
  virtual void do_send(std::size_t peer, ByteView data) = 0;
  virtual void do_send_owned(std::size_t peer, Bytes&& data) { do_send(peer, data); }
  virtual void do_flush() = 0;
  // Fills `out` completely or throws; receive_timeout() bounds the time without progress.
  virtual void do_receive(std::size_t peer, std::span<std::byte> out) = 0;

  void check_peer(std::size_t peer, const char* where) const;

 private:
  void before_wait(std::size_t peer);

  std::size_t id_;
  std::size_t count_;
  std::size_t max_message_size_ = default_max_message_size;
  std::chrono::milliseconds receive_timeout_ = default_receive_timeout;
  std::vector<PeerCounters> counters_;
  std::vector<bool> sent_since_wait_on_;  // per peer: a send happened since we last waited on it
  bool sent_since_wait_ = false;
  bool unflushed_ = false;
  std::uint64_t rounds_ = 0;
};

}  // namespace privfin::net
