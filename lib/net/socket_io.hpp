// Socket I/O pieces shared by the lockstep TcpNetwork and the MessageBus:
// the listening socket, socket options, the plaintext hello that opens
// every connection, the connect back-off, and how Asio's errors read.
//
//   int fd = detail::open_listener("127.0.0.1", 0, error, errno_out);
//   auto hello = detail::encode_hello(detail::network_hello_magic, {self, peer, n, 1});
//   detail::Backoff backoff;  ... timer.expires_after(backoff.next());
//
// Internal to lib/net. Values and free functions only; thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

// GCC's -Wnull-dereference fires on Asio's scheduler code once inlined
// (a false positive inside the system header); it stays on for our own code
// in every file that does not include Asio.
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <asio.hpp>

#include "privfin/core/bytes.hpp"

namespace privfin::net::detail {

using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

[[nodiscard]] inline std::string millis(std::chrono::milliseconds ms) { return std::to_string(ms.count()) + " ms"; }

// A listening socket on host:port, or -1 with `error` (and `error_number`,
// 0 for a resolution failure) saying why.
[[nodiscard]] int open_listener(const std::string& host, std::uint16_t port, std::string& error, int& error_number);

// TCP_NODELAY and the configured kernel buffer sizes; failures are ignored
// (the defaults still work).
void configure_socket(tcp::socket& socket, std::size_t buffer_size);

[[nodiscard]] bool is_disconnect(const asio::error_code& ec);
// "disconnected (End of file)" for a peer that went away, else Asio's message.
[[nodiscard]] std::string describe(const asio::error_code& ec);

// The plaintext hello each side sends first: magic (which transport
// speaks), sender id, receiver id, party count, TLS or not. 21 bytes.
using HelloMagic = std::array<char, 8>;
inline constexpr HelloMagic network_hello_magic = {'P', 'R', 'I', 'V', 'F', 'I', 'N', '1'};
// What the accepting side sends once a connection is authenticated (both transports).
inline constexpr std::array<char, 8> confirm_magic = {'P', 'F', '-', 'R', 'E', 'A', 'D', 'Y'};
inline constexpr std::size_t hello_size = 8 + 4 + 4 + 4 + 1;

struct Hello {
  std::uint32_t sender = 0;
  std::uint32_t receiver = 0;
  std::uint32_t count = 0;
  std::uint8_t transport = 0;  // 1 = TLS
};

[[nodiscard]] std::array<std::byte, hello_size> encode_hello(const HelloMagic& magic, const Hello& h);
// nullopt for anything that is not a hello with this magic.
[[nodiscard]] std::optional<Hello> decode_hello(const HelloMagic& magic, ByteView in);

// The connect retry schedule: 10 ms doubling to a cap (1 s by default).
class Backoff {
 public:
  explicit Backoff(std::chrono::milliseconds cap = std::chrono::milliseconds(1000)) : cap_(cap) {}
  [[nodiscard]] std::chrono::milliseconds next() {
    const auto now = current_;
    current_ = std::min(current_ * 2, cap_);
    return now;
  }
  void reset() { current_ = first; }
  static constexpr std::chrono::milliseconds first{10};

 private:
  std::chrono::milliseconds cap_;
  std::chrono::milliseconds current_ = first;
};

}  // namespace privfin::net::detail
