#include "privfin/net/tcp_relay.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <list>
#include <thread>
#include <utility>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/net/tcp_network.hpp"

namespace privfin::net {
namespace {

constexpr std::size_t buffer_limit = std::size_t{256} << 10;

void set_nonblocking(int fd) { (void)::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL, 0) | O_NONBLOCK); }

// A blocking connect with a short bound: the target is on this host.
int connect_to(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd >= 0) {
    const int one = 1;
    (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    set_nonblocking(fd);
  }
  return fd;
}

// One relayed connection: bytes read from one side wait in that
// direction's buffer until the other side takes them.
struct Pipe {
  int fd[2] = {-1, -1};           // 0: the accepted side, 1: the target side
  std::vector<char> pending[2];   // pending[i]: read from fd[i], to write to fd[1 - i]
  bool open = true;

  void close_both() {
    for (int& f : fd) {
      if (f >= 0) ::close(f);
      f = -1;
    }
    open = false;
  }
  // Moves what fd[from] has into pending[from] (up to the limit); false on EOF or error.
  bool pull(int from) {
    char chunk[16384];
    while (pending[from].size() < buffer_limit) {
      const ssize_t got = ::recv(fd[from], chunk, sizeof chunk, 0);
      if (got > 0) {
        pending[from].insert(pending[from].end(), chunk, chunk + got);
        continue;
      }
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
      if (got < 0 && errno == EINTR) continue;
      return false;
    }
    return true;
  }
  // Writes pending[from] to the other side; false on error.
  bool push(int from) {
    auto& buf = pending[from];
    std::size_t done = 0;
    while (done < buf.size()) {
      const ssize_t put = ::send(fd[1 - from], buf.data() + done, buf.size() - done, MSG_NOSIGNAL);
      if (put > 0) {
        done += static_cast<std::size_t>(put);
        continue;
      }
      if (put < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (put < 0 && errno == EINTR) continue;
      return false;
    }
    buf.erase(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(done));
    return true;
  }
};

}  // namespace

struct TcpRelay::Impl {
  TcpListener listener;
  std::string target_host;
  std::uint16_t target_port = 0;
  std::uint16_t port = 0;
  std::atomic<bool> cut{false};
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> relayed{0}, refused{0};
  std::thread thread;

  void run() {
    std::list<Pipe> pipes;
    std::vector<pollfd> fds;
    std::vector<std::pair<Pipe*, int>> owners;  // per fds entry after the listener
    while (!stop) {
      if (cut) {
        for (auto& p : pipes) p.close_both();
      }
      pipes.remove_if([](const Pipe& p) { return !p.open; });
      fds.assign(1, pollfd{listener.native_handle(), POLLIN, 0});
      owners.clear();
      for (auto& p : pipes) {
        for (int side = 0; side < 2; ++side) {
          short events = 0;
          if (p.pending[side].size() < buffer_limit) events |= POLLIN;
          if (!p.pending[1 - side].empty()) events |= POLLOUT;
          fds.push_back(pollfd{p.fd[side], events, 0});
          owners.emplace_back(&p, side);
        }
      }
      // A bounded wait, so that stop and cut are seen within 20 ms.
      if (::poll(fds.data(), fds.size(), 20) < 0 && errno != EINTR) break;
      if ((fds[0].revents & POLLIN) != 0) accept_one(pipes);
      for (std::size_t i = 1; i < fds.size(); ++i) {
        auto [p, side] = owners[i - 1];
        if (!p->open || fds[i].revents == 0) continue;
        bool fine = true;
        if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0) fine = p->pull(side);
        fine = p->push(side) && fine;  // forward what arrived, even before an end of stream
        if ((fds[i].revents & POLLOUT) != 0) fine = p->push(1 - side) && fine;
        if (!fine) p->close_both();
      }
    }
    for (auto& p : pipes) p.close_both();
  }

  void accept_one(std::list<Pipe>& pipes) {
    const int in = ::accept4(listener.native_handle(), nullptr, nullptr, SOCK_CLOEXEC);
    if (in < 0) return;
    const int out = cut ? -1 : connect_to(target_host, target_port);
    if (out < 0) {
      ++refused;  // counted before the close, which is what a caller waits for
      ::close(in);
      return;
    }
    const int one = 1;
    (void)::setsockopt(in, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    set_nonblocking(in);
    Pipe p;
    p.fd[0] = in;
    p.fd[1] = out;
    pipes.push_back(std::move(p));
    ++relayed;
  }
};

TcpRelay::TcpRelay(const std::string& listen_host, std::uint16_t listen_port, std::string target_host,
                   std::uint16_t target_port)
    : impl_(std::make_unique<Impl>()) {
  impl_->listener = TcpListener::bind(listen_host, listen_port);
  set_nonblocking(impl_->listener.native_handle());
  impl_->port = impl_->listener.port();
  impl_->target_host = std::move(target_host);
  impl_->target_port = target_port;
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

TcpRelay::~TcpRelay() {
  impl_->stop = true;
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::uint16_t TcpRelay::port() const noexcept { return impl_->port; }
void TcpRelay::cut() { impl_->cut = true; }
void TcpRelay::restore() { impl_->cut = false; }
bool TcpRelay::is_cut() const noexcept { return impl_->cut; }
std::uint64_t TcpRelay::relayed() const noexcept { return impl_->relayed; }
std::uint64_t TcpRelay::refused() const noexcept { return impl_->refused; }

}  // namespace privfin::net
