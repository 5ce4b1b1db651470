// The message bus's pure parts: the outgoing queue's policy, the frame
// codec (every truncation and bit flip; a lying length allocates nothing),
// and the simulated bus under virtual time.
#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/net/bus_frame.hpp"
#include "privfin/net/detail/outgoing_queue.hpp"
#include "privfin/net/simulated_bus.hpp"
#include "support/wire_negative.hpp"

using namespace privfin;
using namespace std::chrono_literals;
using net::SendStatus;

namespace {

Bytes text(const std::string& s) { return Bytes(as_bytes(std::string_view(s)).begin(), as_bytes(std::string_view(s)).end()); }
std::string str(const Bytes& b) { return std::string(reinterpret_cast<const char*>(b.data()), b.size()); }

std::vector<std::string> drain(net::detail::OutgoingQueue& q) {
  std::vector<std::string> out;
  while (auto m = q.pop()) out.push_back(str(*m));
  return out;
}

}  // namespace

TEST_CASE("Outgoing queue: FIFO, bounded by count and bytes, refuses when full", "[net][bus][queue]") {
  net::detail::OutgoingQueue q(3, 100);
  CHECK(q.push(text("a"), std::nullopt).status == SendStatus::queued);
  CHECK(q.push(text("b"), std::nullopt).status == SendStatus::queued);
  CHECK(q.push(text("c"), std::nullopt).status == SendStatus::queued);
  CHECK(q.push(text("d"), std::nullopt).status == SendStatus::refused);  // count
  CHECK(q.size() == 3);
  CHECK(q.bytes() == 3);
  CHECK(drain(q) == std::vector<std::string>{"a", "b", "c"});

  net::detail::OutgoingQueue small(10, 10);
  CHECK(small.push(text("12345678"), std::nullopt).status == SendStatus::queued);
  CHECK(small.push(text("123"), std::nullopt).status == SendStatus::refused);  // bytes
  CHECK(small.push(text("12"), std::nullopt).status == SendStatus::queued);
  CHECK(small.push(Bytes(11), std::nullopt).status == SendStatus::refused);  // larger than the whole budget
  CHECK(small.clear() == 2);
  CHECK(small.empty());
  CHECK(small.bytes() == 0);
}

TEST_CASE("Outgoing queue: replace-by-key in place, drop-oldest keyed when full", "[net][bus][queue]") {
  net::detail::OutgoingQueue q(3, 1000);
  CHECK(q.push(text("vote1-old"), 1).status == SendStatus::queued);
  CHECK(q.push(text("block"), std::nullopt).status == SendStatus::queued);
  CHECK(q.push(text("vote1-new"), 1).status == SendStatus::replaced);  // keeps its place
  CHECK(q.size() == 2);
  CHECK(q.push(text("vote2"), 2).status == SendStatus::queued);
  // Full: a new key drops the oldest keyed message (vote 1), not the block.
  const auto r = q.push(text("vote3"), 3);
  CHECK(r.status == SendStatus::queued);
  CHECK(r.dropped == 1);
  // Full, unkeyed: refused, nothing dropped.
  const auto u = q.push(text("tx"), std::nullopt);
  CHECK(u.status == SendStatus::refused);
  CHECK(u.dropped == 0);
  CHECK(drain(q) == std::vector<std::string>{"block", "vote2", "vote3"});

  // Only unkeyed messages queued: a keyed one is refused too.
  net::detail::OutgoingQueue plain(1, 1000);
  CHECK(plain.push(text("tx"), std::nullopt).status == SendStatus::queued);
  CHECK(plain.push(text("vote"), 9).status == SendStatus::refused);

  // A replacement too large for the room left drops older keyed messages too.
  net::detail::OutgoingQueue bytes(4, 10);
  CHECK(bytes.push(text("aaaa"), 1).status == SendStatus::queued);
  CHECK(bytes.push(text("bb"), 2).status == SendStatus::queued);
  const auto big = bytes.push(text("cccccccc"), 2);
  CHECK(big.status == SendStatus::replaced);
  CHECK(big.dropped == 1);
  CHECK(drain(bytes) == std::vector<std::string>{"cccccccc"});
}

TEST_CASE("Bus frame: round trip and every truncation and bit flip", "[net][bus][frame]") {
  for (const std::string& m : {std::string(), std::string("x"), std::string(300, 'm')}) {
    const Bytes wire = net::bus_frame_to_bytes(as_bytes(std::string_view(m)));
    CHECK(wire.size() == net::bus_frame_header_size + m.size());
    CHECK(str(net::bus_frame_from_bytes(wire, 1000)) == m);
    test::check_truncations_and_flips(
        wire, [](ByteView b) { return net::bus_frame_from_bytes(b, 1000); },
        [&](const Bytes& got) { return str(got) == m; });
  }
  // Trailing bytes and the limit.
  Bytes wire = net::bus_frame_to_bytes(text("abc"));
  CHECK_THROWS_AS(net::bus_frame_from_bytes(wire, 2), DecodeError);
  wire.push_back(std::byte{0});
  CHECK_THROWS_AS(net::bus_frame_from_bytes(wire, 1000), DecodeError);
}

TEST_CASE("Bus frame reader: any chunking, the limit before allocation, a lying length holds little", "[net][bus][frame]") {
  Bytes stream;
  std::vector<std::string> sent;
  for (std::size_t i = 0; i < 20; ++i) {
    sent.push_back(std::string(i * 37, static_cast<char>('a' + i)));
    const Bytes f = net::bus_frame_to_bytes(as_bytes(std::string_view(sent.back())));
    stream.insert(stream.end(), f.begin(), f.end());
  }
  for (const std::size_t chunk : {std::size_t{1}, std::size_t{3}, std::size_t{64}, stream.size()}) {
    net::BusFrameReader reader(1000);
    std::vector<Bytes> got;
    for (std::size_t at = 0; at < stream.size(); at += chunk) {
      reader.feed(ByteView(stream).subspan(at, std::min(chunk, stream.size() - at)), got);
    }
    std::vector<std::string> as_text;
    for (const auto& g : got) as_text.push_back(str(g));
    CHECK(as_text == sent);
  }

  // Over the limit: refused on the header, before anything is allocated.
  net::BusFrameReader strict(1000);
  std::vector<Bytes> out;
  const std::array<std::byte, 5> over{std::byte{1}, std::byte{0xE9}, std::byte{0x03}, std::byte{0}, std::byte{0}};  // 1001
  CHECK_THROWS_AS(strict.feed(over, out), DecodeError);
  CHECK(strict.buffered_capacity() == 0);
  net::BusFrameReader kind(1000);
  const std::array<std::byte, 5> bad_kind{std::byte{2}, std::byte{1}, std::byte{0}, std::byte{0}, std::byte{0}};
  CHECK_THROWS_AS(kind.feed(bad_kind, out), DecodeError);

  // Within the limit but lying: memory grows only with the bytes that come.
  net::BusFrameReader lenient(std::size_t{1} << 30);
  const std::array<std::byte, 9> lie{std::byte{1}, std::byte{0xFF}, std::byte{0xFF}, std::byte{0xFF}, std::byte{0x3F},
                                     std::byte{1}, std::byte{2},    std::byte{3},    std::byte{4}};
  lenient.feed(lie, out);
  CHECK(out.empty());
  CHECK(lenient.buffered_capacity() <= (std::size_t{64} << 10));
}

TEST_CASE("Simulated bus: latency, order, virtual time only", "[net][bus][sim]") {
  net::SimulatedBusNetwork sim(3, 5ms);
  auto& a = sim.endpoint(0);
  auto& b = sim.endpoint(1);
  CHECK(a.send(1, text("one")) == SendStatus::queued);
  CHECK(a.send(1, text("two")) == SendStatus::queued);
  CHECK(sim.endpoint(2).send(1, text("three")) == SendStatus::queued);
  CHECK_FALSE(b.receive(1000ms));  // nothing arrives before virtual time moves
  CHECK(sim.next_delivery() == std::chrono::nanoseconds(5ms));
  sim.advance_to(4ms);
  CHECK_FALSE(b.receive(0ms));
  sim.advance_to(5ms);
  std::vector<std::pair<std::size_t, std::string>> got;
  while (auto in = b.receive(0ms)) got.emplace_back(in->from, str(in->message));
  CHECK(got == std::vector<std::pair<std::size_t, std::string>>{{0, "one"}, {0, "two"}, {2, "three"}});
  CHECK(a.counters(1).messages_sent == 2);
  CHECK(b.counters(0).messages_received == 2);
  CHECK(b.counters(0).bytes_received == 6);
  CHECK(a.connected(1));
  CHECK_THROWS_AS(sim.advance_to(1ms), InvalidArgument);
  CHECK_THROWS_AS((void)a.send(0, text("self")), InvalidArgument);
  CHECK_THROWS_AS((void)a.send(3, text("nobody")), InvalidArgument);
}

TEST_CASE("Simulated bus: a party down queues within bounds, keyed gossip replaces, reconnect delivers", "[net][bus][sim]") {
  net::BusOptions options;
  options.max_queued_messages = 3;
  net::SimulatedBusNetwork sim(3, 1ms, options);
  auto& a = sim.endpoint(0);
  sim.set_party_up(2, false);
  CHECK_FALSE(a.connected(2));
  CHECK(a.last_error(2) == "party 2 is down");
  CHECK(a.send(2, text("tx1")) == SendStatus::queued);
  CHECK(a.send_keyed(2, 7, text("vote-r1")) == SendStatus::queued);
  CHECK(a.send_keyed(2, 7, text("vote-r2")) == SendStatus::replaced);
  CHECK(a.send(2, text("tx2")) == SendStatus::queued);
  CHECK(a.send(2, text("tx3")) == SendStatus::refused);           // full, unkeyed
  CHECK(a.send_keyed(2, 8, text("other")) == SendStatus::queued);  // full: drops vote 7
  // The party that is up is not held back.
  CHECK(a.send(1, text("hello")) == SendStatus::queued);
  sim.advance_to(1ms);
  REQUIRE(sim.endpoint(1).receive(0ms));
  auto c = a.counters(2);
  CHECK(c.queued_messages == 3);
  CHECK(c.refused == 1);
  CHECK(c.replaced == 1);
  CHECK(c.dropped == 1);
  CHECK(c.reconnects == 0);

  sim.set_party_up(2, true);
  sim.advance_to(2ms);
  std::vector<std::string> got;
  while (auto in = sim.endpoint(2).receive(0ms)) got.push_back(str(in->message));
  CHECK(got == std::vector<std::string>{"tx1", "tx2", "other"});
  CHECK(a.counters(2).reconnects == 1);
  CHECK(a.connected(2));

  // In flight when the link is cut: lost and counted.
  CHECK(a.send(1, text("lost")) == SendStatus::queued);
  sim.set_link_up(0, 1, false);
  sim.advance_to(10ms);
  CHECK_FALSE(sim.endpoint(1).receive(0ms));
  CHECK(a.counters(1).dropped == 1);
  CHECK(a.last_error(1) == "link to party 1 is cut");
}

TEST_CASE("Simulated bus: the same inputs give the same deliveries", "[net][bus][sim]") {
  const auto run = [] {
    net::SimulatedBusNetwork sim(4, 3ms);
    std::vector<std::string> log;
    for (int step = 0; step < 50; ++step) {
      const auto from = static_cast<std::size_t>(step % 4);
      const auto to = static_cast<std::size_t>((step * 7 + 1) % 4);
      if (from != to) (void)sim.endpoint(from).send(to, text(std::to_string(step)));
      if (step == 20) sim.set_party_up(3, false);
      if (step == 30) sim.set_party_up(3, true);
      sim.advance_to(sim.now() + 1ms);
      for (std::size_t p = 0; p < 4; ++p) {
        while (auto in = sim.endpoint(p).receive(0ms)) {
          std::string line = std::to_string(p);
          line.append(1, '<').append(std::to_string(in->from)).append(1, ':').append(str(in->message));
          log.push_back(std::move(line));
        }
      }
    }
    return log;
  };
  const auto first = run();
  CHECK(first.size() > 30);
  CHECK(run() == first);
}
