// The socket pieces of lib/net (socket_io.hpp) and TcpListener.
#include "socket_io.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>

#include "privfin/core/codec.hpp"
#include "privfin/core/error.hpp"
#include "privfin/net/tcp_network.hpp"

namespace privfin::net {
namespace detail {

int open_listener(const std::string& host, std::uint16_t port, std::string& error, int& error_number) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  error_number = 0;
  if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
    error = std::string("cannot resolve ") + host + ": " + ::gai_strerror(rc);
    return -1;
  }
  error = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) {
      error_number = errno;
      error = std::strerror(errno);
      continue;
    }
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 128) == 0) {
      ::freeaddrinfo(found);
      return fd;
    }
    error_number = errno;
    error = std::strerror(errno);
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return -1;
}

void configure_socket(tcp::socket& socket, std::size_t buffer_size) {
  asio::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  socket.set_option(asio::socket_base::send_buffer_size(static_cast<int>(buffer_size)), ec);
  socket.set_option(asio::socket_base::receive_buffer_size(static_cast<int>(buffer_size)), ec);
}

bool is_disconnect(const asio::error_code& ec) {
  return ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
}

std::string describe(const asio::error_code& ec) {
  if (is_disconnect(ec)) return "disconnected (" + ec.message() + ")";
  return ec.message();
}

std::array<std::byte, hello_size> encode_hello(const HelloMagic& magic, const Hello& h) {
  Writer w;
  w.raw(as_bytes(std::string_view(magic.data(), magic.size()))).u32(h.sender).u32(h.receiver).u32(h.count).u8(h.transport);
  std::array<std::byte, hello_size> out{};
  std::copy(w.data().begin(), w.data().end(), out.begin());
  return out;
}

std::optional<Hello> decode_hello(const HelloMagic& magic, ByteView in) {
  try {
    Reader r(in);
    const ByteView got = r.raw(magic.size(), "magic");
    const ByteView want = as_bytes(std::string_view(magic.data(), magic.size()));
    if (!std::equal(got.begin(), got.end(), want.begin())) return std::nullopt;
    Hello h;
    h.sender = r.u32("sender");
    h.receiver = r.u32("receiver");
    h.count = r.u32("count");
    h.transport = r.u8("transport");
    r.expect_end("hello");
    return h;
  } catch (const DecodeError&) {
    return std::nullopt;
  }
}

}  // namespace detail

// ------------------------------------------------------------------ listener

TcpListener TcpListener::bind(const std::string& host, std::uint16_t port) {
  std::string error;
  int error_number = 0;
  const int fd = detail::open_listener(host, port, error, error_number);
  if (fd < 0) {
    throw NetworkError("TcpListener: cannot listen on " + host + ":" + std::to_string(port) + ": " + error);
  }
  return TcpListener(fd);
}

TcpListener TcpListener::adopt(int fd) {
  if (fd < 0) throw InvalidArgument("TcpListener::adopt: invalid descriptor");
  int listening = 0;
  socklen_t len = sizeof listening;
  if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || listening == 0) {
    throw InvalidArgument("TcpListener::adopt: descriptor " + std::to_string(fd) + " is not a listening socket");
  }
  return TcpListener(fd);
}

TcpListener::TcpListener(TcpListener&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

TcpListener& TcpListener::operator=(TcpListener&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

TcpListener::~TcpListener() {
  if (fd_ >= 0) ::close(fd_);
}

std::uint16_t TcpListener::port() const {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (fd_ < 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw NetworkError("TcpListener: no bound socket");
  }
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_port);
  return ntohs(reinterpret_cast<const sockaddr_in*>(&addr)->sin_port);
}

int TcpListener::release() noexcept { return std::exchange(fd_, -1); }

}  // namespace privfin::net
