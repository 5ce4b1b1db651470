// Tests for privfin/net/abort_notice.hpp and what TcpNetwork does with the
// launcher's notices, in one process (each party's channel passed to
// connect() explicitly; the real launcher is tested in
// tests/service/launcher_test.cpp): the wire form (round trip, every
// truncation and bit flip), a notice ending connect() and a receive from a
// live peer by name within 5 s, the error repeating on the next wait, a
// malformed notice or a vanished launcher changing nothing; and the error
// for two processes with the same party id.
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <thread>

#include "net/net_test_support.hpp"
#include "privfin/net/abort_notice.hpp"
#include "support/wire_negative.hpp"

using namespace privfin;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// One notice channel per party: [0] is the launcher's end, [1] the party's.
struct Channels {
  explicit Channels(std::size_t n) : ends(n) {
    for (auto& e : ends) {
      if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, e.data()) != 0) throw std::runtime_error("socketpair");
    }
  }
  Channels(const Channels&) = delete;
  Channels& operator=(const Channels&) = delete;
  ~Channels() {
    for (auto& e : ends) {
      for (int fd : e) {
        if (fd >= 0) ::close(fd);
      }
    }
  }
  void tell(std::size_t party, ByteView bytes) const {
    if (::send(ends[party][0], bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size())) {
      throw std::runtime_error("send");
    }
  }
  void hang_up(std::size_t party) {
    ::close(ends[party][0]);
    ends[party][0] = -1;
  }
  std::vector<std::array<int, 2>> ends;
};

std::string message_of(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  }
  return "?";
}

template <class E>
bool holds(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const E&) {
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace

TEST_CASE("AbortNotice: round trip and descriptions", "[net][abort]") {
  const net::AbortNotice exited{1, net::AbortNotice::How::exited, 2};
  const net::AbortNotice killed{4'000'000'000, net::AbortNotice::How::signaled, 9};
  for (const auto& n : {exited, killed}) {
    const Bytes b = n.to_bytes();
    CHECK(b.size() == net::AbortNotice::encoded_size);
    CHECK(net::AbortNotice::from_bytes(b) == n);
  }
  CHECK(exited.describe() == "exit status 2");
  CHECK(killed.describe() == "killed by signal 9 (SIGKILL)");
  CHECK(net::AbortNotice{0, net::AbortNotice::How::signaled, 40}.describe() == "killed by signal 40 (signal 40)");
  CHECK(net::PeerAborted(exited).what() == std::string("party 1: aborted (exit status 2)"));
  CHECK(net::PeerAborted(exited).party() == 1u);
  // Not an abort, or out of range: refused when encoding.
  CHECK_THROWS_AS((net::AbortNotice{1, net::AbortNotice::How::exited, 0}.to_bytes()), InvalidArgument);
  CHECK_THROWS_AS((net::AbortNotice{1, net::AbortNotice::How::exited, 256}.to_bytes()), InvalidArgument);
  CHECK_THROWS_AS((net::AbortNotice{1, net::AbortNotice::How::signaled, 65}.to_bytes()), InvalidArgument);
  CHECK_THROWS_AS((net::AbortNotice{std::size_t{1} << 32, net::AbortNotice::How::exited, 1}.to_bytes()),
                  InvalidArgument);
}

TEST_CASE("AbortNotice: every truncation and every bit flip is refused or decodes differently", "[net][abort]") {
  for (const auto& original : {net::AbortNotice{3, net::AbortNotice::How::exited, 2},
                               net::AbortNotice{0, net::AbortNotice::How::signaled, 9}}) {
    const Bytes wire = original.to_bytes();
    test::check_truncations_and_flips(
        wire, [](ByteView b) { return net::AbortNotice::from_bytes(b); },
        [&](const net::AbortNotice& n) { return n == original; });
    Bytes longer = wire;
    longer.push_back(std::byte{0});
    CHECK_THROWS_AS(net::AbortNotice::from_bytes(longer), DecodeError);
  }
}

TEST_CASE("TcpNetwork: a notice ends connect() by name, before the connect timeout", "[net][abort]") {
  // Party 1 never starts; parties 0 and 2 would wait 20 s for it.
  auto cluster = test::make_tcp_cluster(3, net::Transport::tls);
  Channels channels(3);
  std::vector<Clock::duration> took(3);
  const auto started = Clock::now();
  std::thread launcher([&] {
    std::this_thread::sleep_for(200ms);
    const Bytes notice = net::AbortNotice{1, net::AbortNotice::How::exited, 2}.to_bytes();
    channels.tell(0, notice);
    channels.tell(2, notice);
  });
  const auto errors = test::run_parties_collect(3, [&](std::size_t i) {
    if (i == 1) return;
    try {
      auto net = net::TcpNetwork::connect(cluster.config, i, std::move(cluster.listeners[i]), channels.ends[i][1]);
    } catch (...) {
      took[i] = Clock::now() - started;
      throw;
    }
  });
  launcher.join();
  for (const std::size_t i : {std::size_t{0}, std::size_t{2}}) {
    INFO("party " << i);
    REQUIRE(errors[i]);
    CHECK(holds<net::PeerAborted>(errors[i]));
    CHECK(message_of(errors[i]) == "party 1: aborted (exit status 2)");
    CHECK(took[i] < 5s);
  }
}

TEST_CASE("TcpNetwork: a notice ends a receive from a live peer, and every later wait", "[net][abort]") {
  for (const auto transport : {net::Transport::tls, net::Transport::plain_insecure}) {
    auto cluster = test::make_tcp_cluster(3, transport);
    Channels channels(3);
    std::vector<Clock::duration> took(3);
    std::vector<std::string> second(3);
    std::atomic<int> waiting{0};
    std::thread launcher([&] {
      while (waiting.load() < 2) std::this_thread::sleep_for(1ms);
      std::this_thread::sleep_for(100ms);
      const Bytes notice = net::AbortNotice{1, net::AbortNotice::How::signaled, 9}.to_bytes();
      channels.tell(0, notice);
      channels.tell(2, notice);
    });
    const auto errors = test::run_parties_collect(3, [&](std::size_t i) {
      auto net = net::TcpNetwork::connect(cluster.config, i, std::move(cluster.listeners[i]),
                                          i == 1 ? -1 : channels.ends[i][1]);
      net->send_message((i + 1) % 3, to_bytes("hi"));
      (void)net->receive_message((i + 2) % 3);
      if (i == 1) {  // parties 0 and 2 go away once told; party 1 then sees them leave
        (void)net->receive_message(0);
        return;
      }
      ++waiting;
      const auto started = Clock::now();
      try {
        (void)net->receive_message(i == 0 ? 2 : 0);  // nobody sends this
      } catch (const net::PeerAborted&) {
        took[i] = Clock::now() - started;
        try {
          (void)net->receive_message(i == 0 ? 2 : 0);
        } catch (const net::PeerAborted& again) {
          second[i] = again.what();
        }
        throw;
      }
    });
    launcher.join();
    for (const std::size_t i : {std::size_t{0}, std::size_t{2}}) {
      INFO("party " << i);
      REQUIRE(errors[i]);
      CHECK(message_of(errors[i]) == "party 1: aborted (killed by signal 9 (SIGKILL))");
      CHECK(second[i] == "party 1: aborted (killed by signal 9 (SIGKILL))");
      CHECK(took[i] < 5s);
    }
    REQUIRE(errors[1]);
    CHECK(!holds<net::PeerAborted>(errors[1]));  // party 1 has no launcher: plain "disconnected"
  }
}

TEST_CASE("TcpNetwork: a malformed notice or a vanished launcher changes nothing", "[net][abort]") {
  for (const bool hang_up : {false, true}) {
    INFO((hang_up ? "launcher gone" : "malformed notice"));
    auto cluster = test::make_tcp_cluster(2, net::Transport::tls, 20'000ms, 500ms);
    Channels channels(2);
    if (hang_up) {
      channels.hang_up(0);
    } else {
      channels.tell(0, to_bytes("garbage!"));
    }
    std::atomic<bool> timed_out{false};
    const auto errors = test::run_parties_collect(2, [&](std::size_t i) {
      auto net = net::TcpNetwork::connect(cluster.config, i, std::move(cluster.listeners[i]), channels.ends[i][1]);
      net->send_message(1 - i, to_bytes("hi"));
      (void)net->receive_message(1 - i);
      if (i == 1) {  // stays connected until party 0 has timed out
        while (!timed_out.load()) std::this_thread::sleep_for(1ms);
        return;
      }
      try {
        (void)net->receive_message(1);  // times out after 500 ms
      } catch (...) {
        timed_out = true;
        throw;
      }
    });
    REQUIRE(errors[0]);
    CHECK(!holds<net::PeerAborted>(errors[0]));
    CHECK(message_of(errors[0]).find("receive timeout") != std::string::npos);
    CHECK(!errors[1]);
  }
}

TEST_CASE("TcpNetwork: a second process with the same party id is told so", "[net][abort]") {
  auto cluster = test::make_tcp_cluster(3, net::Transport::tls);
  // cluster.listeners[1] holds party 1's port, as a first process would.
  const std::string where = "127.0.0.1:" + std::to_string(cluster.config.parties[1].port);
  try {
    (void)net::TcpNetwork::connect(cluster.config, 1);
    FAIL("connect succeeded");
  } catch (const NetworkError& e) {
    CHECK(e.party() == 1u);
    CHECK(std::string(e.what()) == "party 1: cannot listen on " + where +
                                       ": address already in use; is another process running as party 1 (or "
                                       "another program using that port)?");
  }
}
