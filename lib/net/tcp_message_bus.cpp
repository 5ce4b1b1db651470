// TcpMessageBus: one Asio I/O thread runs every connection; callers only
// touch the per-peer queues, counters and the inbound queue, under one lock.
//
// Connection state (sockets, handshakes, record streams, frame readers)
// lives in BusLink objects owned by shared_ptr and touched only on the I/O
// thread; every asynchronous operation holds its link, and a link that is
// closed (`dead`) ignores its late completions. The pieces are those of
// TcpNetwork: socket_io.hpp, tls_handshake.hpp, record_stream.hpp.
#include "privfin/net/tcp_message_bus.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "privfin/core/error.hpp"
#include "privfin/net/bus_frame.hpp"
#include "privfin/net/detail/outgoing_queue.hpp"
#include "record_stream.hpp"
#include "socket_io.hpp"
#include "tls_handshake.hpp"

namespace privfin::net {

namespace {

using detail::Block;
using detail::Clock;
using detail::describe;
using detail::Hello;
using detail::hello_size;
using detail::millis;
using detail::tcp;

constexpr detail::HelloMagic bus_hello_magic = {'P', 'R', 'I', 'V', 'B', 'U', 'S', '1'};
using detail::confirm_magic;
// Messages taken from a queue per write, at most (about this many bytes).
constexpr std::size_t write_batch_bytes = std::size_t{256} << 10;
// Plaintext read per step for the plain transport, and opened per step with TLS.
constexpr std::size_t read_chunk = std::size_t{64} << 10;
// Accepted connections in their unauthenticated phase at once, at most.
constexpr std::size_t max_unauthenticated = 64;

ByteView confirm_bytes() { return as_bytes(std::string_view(confirm_magic.data(), confirm_magic.size())); }

// One connection, from its first byte to its end.
struct BusLink {
  explicit BusLink(asio::io_context& io) : socket(io), timer(io), resolver(io) {}
  std::size_t peer = 0;  // expected (dialer) or claimed (acceptor)
  bool dialer = false;
  tcp::socket socket;
  asio::steady_timer timer;  // the set-up deadline
  tcp::resolver resolver;    // dialer: the peer's name, resolved off the I/O thread's path
  std::string remote;
  std::array<std::byte, hello_size> hello_in{};
  std::array<std::byte, hello_size> hello_out{};
  std::unique_ptr<detail::TlsHandshake> handshake;
  std::unique_ptr<detail::RecordWriter> writer;
  detail::RecordReader reader;
  Bytes plain;  // read buffer for the plain transport; opened plaintext with TLS
  std::unique_ptr<BusFrameReader> frames;
  std::size_t confirm_seen = 0;  // dialer: confirmation bytes received so far
  bool ready = false;            // installed as the peer's connection
  bool dead = false;
  bool writing = false;
  bool paused = false;  // reading stopped: the inbound queue is full
  std::size_t batch_messages = 0;
  std::size_t batch_bytes = 0;
  std::vector<Block> out;  // being written
  // Buffers of earlier writes, reused: a fresh one per write was a
  // zero-filled allocation of about 96 KB for every batch sent.
  std::vector<Bytes> spare_blocks;
  Bytes spare_plain;
};

using LinkPtr = std::shared_ptr<BusLink>;

// Collects a record writer's blocks, in buffers from `spare` when it has some.
struct VectorSink final : detail::BlockSink {
  VectorSink(std::vector<Block>& target, std::vector<Bytes>* reuse = nullptr) : blocks(target), spare(reuse) {}
  Bytes take_buffer(std::size_t size) override {
    if (spare == nullptr || spare->empty()) return Bytes(size);
    Bytes b = std::move(spare->back());
    spare->pop_back();
    if (b.size() < size) b.resize(size);
    return b;
  }
  void emit(Block&& block, bool) override { blocks.push_back(std::move(block)); }
  std::vector<Block>& blocks;
  std::vector<Bytes>* spare;
};

// Spare buffers a link keeps: its writes are one batch at a time, a few
// blocks each.
constexpr std::size_t max_spare_blocks = 4;
// A buffer is kept up to this capacity (a batch's plaintext for a rare
// large message is freed; sealed blocks are about 96 KB).
constexpr std::size_t max_spare_plain = std::size_t{4} << 20;

}  // namespace

struct TcpMessageBus::Impl {
  struct Peer {
    explicit Peer(asio::io_context& io, const BusOptions& o)
        : queue(o.max_queued_messages, o.max_queued_bytes), redial(io), backoff(o.max_backoff) {}
    // Under the lock:
    detail::OutgoingQueue queue;
    BusCounters counters;
    std::string last_error;
    bool ever_connected = false;
    bool pump_posted = false;
    std::size_t in_flight = 0;  // taken from the queue, being written
    // I/O thread only:
    LinkPtr link;
    asio::steady_timer redial;
    detail::Backoff backoff;
  };

  Impl(const PartyConfig& cfg, std::size_t me, const BusOptions& o) : config(cfg), self(me), options(o) {}

  // Declared first so that it is destroyed last.
  asio::io_context io{1};
  PartyConfig config;
  std::size_t self;
  BusOptions options;
  bool tls = true;
  std::unique_ptr<detail::TlsContext> tls_context;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::deque<std::unique_ptr<Peer>> peers;  // deque: Peer holds a timer and never moves
  std::deque<LinkPtr> unauthenticated;      // I/O thread only
  std::thread thread;
  bool closing = false;  // I/O thread only

  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  bool woken = false;  // wake(): the next or current receive returns at once
  std::deque<Incoming> inbound;
  std::size_t inbound_bytes = 0;
  bool resume_posted = false;
  std::size_t paused_links = 0;
  bool closed = false;

  std::string who() const { return "MessageBus: party " + std::to_string(self); }

  // ------------------------------------------------------------- callers

  SendStatus enqueue(std::size_t peer, Bytes&& message, std::optional<std::uint64_t> key) {
    if (message.size() > options.max_message_size) {
      throw InvalidArgument(who() + ": a message of " + std::to_string(message.size()) +
                            " bytes for party " + std::to_string(peer) + " exceeds max_message_size " +
                            std::to_string(options.max_message_size));
    }
    std::lock_guard lock(mutex);
    if (closed) return SendStatus::closed;
    Peer& p = *peers[peer];
    const auto r = p.queue.push(std::move(message), key);
    p.counters.dropped += r.dropped;
    if (r.status == SendStatus::refused) ++p.counters.refused;
    if (r.status == SendStatus::replaced) ++p.counters.replaced;
    if (r.status != SendStatus::refused && !p.pump_posted) {
      p.pump_posted = true;
      asio::post(io, [this, peer] { pump(peer); });
    }
    return r.status;
  }

  std::optional<Incoming> receive(std::chrono::microseconds timeout) {
    std::unique_lock lock(mutex);
    changed.wait_for(lock, timeout, [&] { return !inbound.empty() || closed || woken; });
    woken = false;
    if (inbound.empty()) return std::nullopt;
    Incoming in = std::move(inbound.front());
    inbound.pop_front();
    inbound_bytes -= in.message.size();
    if (paused_links > 0 && !resume_posted && inbound_bytes < options.max_inbound_bytes && !closed) {
      resume_posted = true;
      asio::post(io, [this] { resume_reading(); });
    }
    return in;
  }

  BusCounters counters(std::size_t peer) const {
    std::lock_guard lock(mutex);
    BusCounters c = peers[peer]->counters;
    c.queued_messages = peers[peer]->queue.size();
    c.queued_bytes = peers[peer]->queue.bytes();
    return c;
  }

  bool flush(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex);
    const auto written = [&] {
      return std::all_of(peers.begin(), peers.end(), [](const auto& p) {
        return !p || (p->queue.empty() && !p->pump_posted && p->in_flight == 0);
      });
    };
    changed.wait_for(lock, timeout, [&] { return closed || written(); });
    return !closed && written();
  }

  // ---------------------------------------------------------- I/O thread

  // Ends a link (any phase). An installed link's peer is then down: its
  // batch in flight is lost, and the dialer side tries again.
  // `l` by value: it may be the peer's own pointer, which this resets.
  void end_link(LinkPtr l, const std::string& why) {
    if (l->dead) return;
    l->dead = true;
    asio::error_code ignored;
    l->timer.cancel();
    l->resolver.cancel();
    l->socket.close(ignored);
    if (l->peer >= peers.size() || l->peer == self) return;  // a stranger
    Peer& p = *peers[l->peer];
    const bool was_current = p.link == l;
    if (was_current) p.link.reset();
    {
      std::lock_guard lock(mutex);
      if (!why.empty()) {
        // An accepted connection is only a claim until it is installed.
        p.last_error = l->dialer || l->ready ? why
                                             : "a connection claiming to be party " + std::to_string(l->peer) +
                                                   " (from " + l->remote + ") failed: " + why;
      }
      if (was_current) {
        p.counters.connected = false;
        if (l->writing) p.counters.dropped += l->batch_messages;
        p.in_flight = 0;
      }
    }
    changed.notify_all();
    // The dialer retries when its current attempt or connection ended.
    if (l->dialer && (was_current || !l->ready) && !closing) schedule_dial(l->peer);
  }

  void schedule_dial(std::size_t peer) {
    Peer& p = *peers[peer];
    p.redial.expires_after(p.backoff.next());
    p.redial.async_wait([this, peer](const asio::error_code& ec) {
      if (!ec && !closing) dial(peer);
    });
  }

  void start_setup_timer(const LinkPtr& l) {
    l->timer.expires_after(options.setup_timeout);
    l->timer.async_wait([this, l](const asio::error_code& ec) {
      if (ec || l->ready || l->dead) return;
      end_link(l, "did not finish the set-up within " + millis(options.setup_timeout));
    });
  }

  Hello my_hello(std::size_t peer) const {
    return Hello{static_cast<std::uint32_t>(self), static_cast<std::uint32_t>(peer),
                 static_cast<std::uint32_t>(config.party_count()), static_cast<std::uint8_t>(tls ? 1 : 0)};
  }

  // Empty when the hello agrees with this party's configuration.
  std::string disagreement(const Hello& h) const {
    if (h.count != config.party_count()) {
      return "is configured for " + std::to_string(h.count) + " parties, this party for " +
             std::to_string(config.party_count());
    }
    if (h.transport != (tls ? 1 : 0)) {
      return std::string("uses transport ") + (h.transport != 0 ? "tls" : "plain_insecure") + ", this party " +
             std::string(to_string(config.transport));
    }
    return {};
  }

  // Dialler side: connect, hello, TLS, then wait for the confirmation.
  void dial(std::size_t peer) {
    auto l = std::make_shared<BusLink>(io);
    l->peer = peer;
    l->dialer = true;
    const auto& ep = config.parties[peer];
    l->remote = ep.host + ":" + std::to_string(ep.port);
    start_setup_timer(l);
    // Asynchronous: a slow DNS server must not hold up the other peers' I/O.
    l->resolver.async_resolve(ep.host, std::to_string(ep.port), [this, l](const asio::error_code& ec,
                                                                        const tcp::resolver::results_type& endpoints) {
      if (l->dead) return;
      if (ec) {
        end_link(l, "cannot resolve " + l->remote + ": " + ec.message());
        return;
      }
      connect(l, endpoints);
    });
  }

  void connect(const LinkPtr& l, const tcp::resolver::results_type& endpoints) {
    asio::async_connect(l->socket, endpoints, [this, l](const asio::error_code& cec, const tcp::endpoint&) {
      if (l->dead) return;
      if (cec) {
        end_link(l, "not reachable at " + l->remote + ": " + cec.message());
        return;
      }
      detail::configure_socket(l->socket, config.socket_buffer_size);
      l->hello_out = detail::encode_hello(bus_hello_magic, my_hello(l->peer));
      asio::async_write(l->socket, asio::buffer(l->hello_out), [this, l](const asio::error_code& wec, std::size_t) {
        if (l->dead) return;
        if (wec) {
          end_link(l, "the hello was not answered: " + describe(wec));
          return;
        }
        asio::async_read(l->socket, asio::buffer(l->hello_in), [this, l](const asio::error_code& rec, std::size_t) {
          if (l->dead) return;
          if (rec) {
            end_link(l, "the hello was not answered: " + describe(rec));
            return;
          }
          const auto h = detail::decode_hello(bus_hello_magic, l->hello_in);
          if (!h) return end_link(l, "answered with something that is not a message bus hello");
          if (h->sender != l->peer || h->receiver != self) {
            return end_link(l, "answered as party " + std::to_string(h->sender) + " to party " +
                                   std::to_string(h->receiver));
          }
          if (auto why = disagreement(*h); !why.empty()) return end_link(l, why);
          after_hello(l);
        });
      });
    });
  }

  // Both sides after the hellos: the TLS handshake (or nothing), then the
  // acceptor confirms and the dialer waits for that confirmation.
  void after_hello(const LinkPtr& l) {
    l->frames = std::make_unique<BusFrameReader>(options.max_message_size);
    const auto established = [this, l] {
      if (l->dialer) {
        start_read(l);  // the confirmation comes first
      } else {
        send_confirmation(l);
      }
    };
    if (!tls) {
      established();
      return;
    }
    try {
      l->handshake = std::make_unique<detail::TlsHandshake>(*tls_context, l->peer, /*as_client=*/l->dialer);
    } catch (const NetworkError& e) {
      end_link(l, e.what());
      return;
    }
    tls_continue(l, established);
  }

  void tls_continue(const LinkPtr& l, std::function<void()> established) {
    std::size_t used = 0;
    const auto step = l->handshake->step(l->reader.unread(), used);
    l->reader.consume(used);
    auto output = std::make_shared<Bytes>(l->handshake->take_output());
    const auto decide = [this, l, step, established](const asio::error_code& wec) {
      if (l->dead) return;
      if (l->handshake->pin_mismatch()) return end_link(l, detail::pin_mismatch_message(l->peer));
      if (step.state == detail::TlsHandshake::Step::failed) return end_link(l, step.error);
      if (wec) return end_link(l, "TLS handshake failed: " + describe(wec));
      if (step.state == detail::TlsHandshake::Step::done) {
        try {
          auto keys = l->handshake->finish();
          l->handshake.reset();
          l->writer = std::make_unique<detail::RecordWriter>(std::move(keys.sealer), config.tls_key_update_records);
          l->reader.set_opener(std::move(keys.opener));
        } catch (const NetworkError& e) {
          return end_link(l, e.what());
        }
        established();
        return;
      }
      const auto room = l->reader.room();
      l->socket.async_read_some(asio::buffer(room.data(), room.size()),
                                [this, l, established](const asio::error_code& rec, std::size_t n) {
                                  if (l->dead) return;
                                  if (rec) return end_link(l, "TLS handshake failed: " + describe(rec));
                                  l->reader.filled(n);
                                  tls_continue(l, established);
                                });
    };
    if (output->empty()) {
      decide({});
      return;
    }
    asio::async_write(l->socket, asio::buffer(*output),
                      [output, decide](const asio::error_code& wec, std::size_t) { decide(wec); });
  }

  // Acceptor: the confirmation, then the link is the peer's.
  void send_confirmation(const LinkPtr& l) {
    std::vector<Block> blocks;
    if (tls) {
      VectorSink sink(blocks);
      l->writer->seal(confirm_bytes(), detail::tls_content_application_data, sink);
      l->writer->finish_block(sink);
    } else {
      blocks.push_back(Block{Bytes(confirm_bytes().begin(), confirm_bytes().end()), confirm_bytes().size()});
    }
    auto held = std::make_shared<std::vector<Block>>(std::move(blocks));
    std::vector<asio::const_buffer> buffers;
    for (const auto& b : *held) buffers.emplace_back(b.bytes.data(), b.size);
    asio::async_write(l->socket, buffers, [this, l, held](const asio::error_code& ec, std::size_t) {
      if (l->dead) return;
      if (ec) return end_link(l, "set-up failed: " + describe(ec));
      install(l);
      start_read(l);
    });
  }

  // The link is now the peer's connection; an older one goes.
  void install(const LinkPtr& l) {
    asio::error_code ignored;
    l->timer.cancel();
    std::erase(unauthenticated, l);
    Peer& p = *peers[l->peer];
    if (p.link && p.link != l) {
      const LinkPtr old = p.link;
      p.link.reset();
      end_link(old, "");
    }
    l->ready = true;
    p.link = l;
    p.backoff.reset();
    {
      std::lock_guard lock(mutex);
      p.counters.connected = true;
      if (p.ever_connected) ++p.counters.reconnects;
      p.ever_connected = true;
    }
    changed.notify_all();
    pump(l->peer);
  }

  // ----------------------------------------------------------- accepting

  void start_accept() {
    acceptor->async_accept([this](const asio::error_code& ec, tcp::socket socket) {
      if (closing || ec == asio::error::operation_aborted) return;
      if (!ec) admit(std::move(socket));
      start_accept();
    });
  }

  void admit(tcp::socket socket) {
    std::erase_if(unauthenticated, [](const LinkPtr& l) { return l->dead || l->ready; });
    if (unauthenticated.size() >= max_unauthenticated) {
      const LinkPtr oldest = unauthenticated.front();
      unauthenticated.pop_front();
      end_link(oldest, "dropped: " + std::to_string(max_unauthenticated) +
                           " connections were already in their set-up (the oldest goes)");
    }
    auto l = std::make_shared<BusLink>(io);
    l->peer = self;  // nobody until the hello names a party
    l->socket = std::move(socket);
    detail::configure_socket(l->socket, config.socket_buffer_size);
    asio::error_code ec;
    const auto endpoint = l->socket.remote_endpoint(ec);
    l->remote = ec ? std::string("an unknown address")
                   : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
    unauthenticated.push_back(l);
    start_setup_timer(l);
    asio::async_read(l->socket, asio::buffer(l->hello_in), [this, l](const asio::error_code& rec, std::size_t) {
      if (l->dead) return;
      if (rec) return end_link(l, "");
      const auto h = detail::decode_hello(bus_hello_magic, l->hello_in);
      // Not ours, another addressee, or a party that is not ours to accept:
      // dropped without a word.
      if (!h || h->receiver != self || h->sender <= self || h->sender >= config.party_count()) return end_link(l, "");
      l->peer = h->sender;
      l->hello_out = detail::encode_hello(bus_hello_magic, my_hello(l->peer));
      asio::async_write(l->socket, asio::buffer(l->hello_out), [this, l, hello = *h](const asio::error_code& wec,
                                                                                     std::size_t) {
        if (l->dead) return;
        if (wec) return end_link(l, "set-up failed (from " + l->remote + "): " + describe(wec));
        // Our hello went out first, so a misconfigured peer learns why too.
        if (auto why = disagreement(hello); !why.empty()) return end_link(l, why + " (from " + l->remote + ")");
        after_hello(l);
      });
    });
  }

  // ------------------------------------------------------------- reading

  // Reads from the socket until the link ends (or pauses while the inbound
  // queue is full). Records already buffered (e.g. right after the
  // handshake) are opened first.
  void start_read(const LinkPtr& l) {
    if (l->dead) return;
    if (tls && !open_buffered(l)) return;
    {
      std::lock_guard lock(mutex);
      if (inbound_bytes >= options.max_inbound_bytes) {
        l->paused = true;  // resumed by resume_reading() once receive() made room
        ++paused_links;
        return;
      }
    }
    std::span<std::byte> room;
    if (tls) {
      room = l->reader.room();
    } else {
      if (l->plain.size() < read_chunk) l->plain.resize(read_chunk);
      room = std::span<std::byte>(l->plain);
    }
    l->socket.async_read_some(asio::buffer(room.data(), room.size()), [this, l](const asio::error_code& ec,
                                                                                 std::size_t n) {
      if (l->dead) return;
      if (ec) return end_link(l, describe(ec));
      if (tls) {
        l->reader.filled(n);
      } else {
        try {
          deliver(l, ByteView(l->plain).first(n));
        } catch (const DecodeError& e) {
          return end_link(l, e.what());
        }
      }
      start_read(l);
    });
  }

  // TLS: opens and delivers every whole record buffered; false when the
  // link ended.
  bool open_buffered(const LinkPtr& l) {
    try {
      if (l->plain.size() < read_chunk) l->plain.resize(read_chunk);
      for (;;) {
        const std::size_t got = l->reader.read(l->plain);
        if (l->reader.take_key_update_request()) l->writer->request_key_update();
        if (got == 0) return true;
        deliver(l, ByteView(l->plain).first(got));
      }
    } catch (const detail::RecordError& e) {
      end_link(l, e.what());
    } catch (const DecodeError& e) {
      end_link(l, e.what());
    }
    return false;
  }

  // Plaintext from the peer: the dialer's confirmation first, then frames.
  void deliver(const LinkPtr& l, ByteView data) {
    if (l->dialer && !l->ready) {
      const ByteView expected = confirm_bytes();
      const std::size_t n = std::min(expected.size() - l->confirm_seen, data.size());
      if (!std::equal(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n),
                      expected.begin() + static_cast<std::ptrdiff_t>(l->confirm_seen))) {
        throw DecodeError("sent a bad confirmation");
      }
      l->confirm_seen += n;
      data = data.subspan(n);
      if (l->confirm_seen < expected.size()) return;
      install(l);
    }
    if (data.empty()) return;
    std::vector<Bytes> messages;
    l->frames->feed(data, messages);
    if (messages.empty()) return;
    {
      std::lock_guard lock(mutex);
      BusCounters& c = peers[l->peer]->counters;
      for (auto& m : messages) {
        ++c.messages_received;
        c.bytes_received += m.size();
        inbound_bytes += m.size();
        inbound.push_back(Incoming{l->peer, std::move(m)});
      }
    }
    changed.notify_all();
  }

  void resume_reading() {
    {
      std::lock_guard lock(mutex);
      resume_posted = false;
      paused_links = 0;
    }
    for (auto& p : peers) {
      if (p && p->link && p->link->paused) {
        p->link->paused = false;
        start_read(p->link);
      }
    }
  }

  // ------------------------------------------------------------- writing

  // Writes the next batch of the peer's queue if its connection is idle.
  void pump(std::size_t peer) {
    Peer& p = *peers[peer];
    std::vector<Bytes> batch;
    {
      std::lock_guard lock(mutex);
      p.pump_posted = false;
      if (closing || !p.link || !p.link->ready || p.link->writing) return;
      std::size_t bytes = 0;
      while (bytes < write_batch_bytes) {
        auto m = p.queue.pop();
        if (!m) break;
        bytes += m->size();
        batch.push_back(std::move(*m));
      }
      p.in_flight = batch.size();
    }
    if (batch.empty()) {
      changed.notify_all();  // flush() may be waiting
      return;
    }
    const LinkPtr l = p.link;
    std::size_t total = 0;
    for (const auto& m : batch) total += bus_frame_header_size + m.size();
    Bytes plain = std::exchange(l->spare_plain, Bytes{});
    plain.resize(total);  // every byte is written below
    std::size_t at = 0;
    l->batch_bytes = 0;
    for (const auto& m : batch) {
      bus_frame_header(m.size(), std::span<std::byte, bus_frame_header_size>(plain.data() + at, bus_frame_header_size));
      at += bus_frame_header_size;
      if (!m.empty()) std::memcpy(plain.data() + at, m.data(), m.size());
      at += m.size();
      l->batch_bytes += m.size();
    }
    l->batch_messages = batch.size();
    l->out.clear();
    if (tls) {
      VectorSink sink(l->out, &l->spare_blocks);
      l->writer->seal(plain, detail::tls_content_application_data, sink);
      l->writer->finish_block(sink);
      if (plain.capacity() <= max_spare_plain) l->spare_plain = std::move(plain);
    } else {
      l->out.push_back(Block{std::move(plain), total});
    }
    std::vector<asio::const_buffer> buffers;
    for (const auto& b : l->out) buffers.emplace_back(b.bytes.data(), b.size);
    l->writing = true;
    asio::async_write(l->socket, buffers, [this, l](const asio::error_code& ec, std::size_t) {
      if (l->dead) return;
      if (ec) return end_link(l, "sending failed: " + describe(ec));
      l->writing = false;
      for (auto& b : l->out) {
        if (b.bytes.capacity() > max_spare_plain) continue;
        if (!tls) l->spare_plain = std::move(b.bytes);  // the batch itself was written
        else if (l->spare_blocks.size() < max_spare_blocks) l->spare_blocks.push_back(std::move(b.bytes));
      }
      l->out.clear();
      {
        std::lock_guard lock(mutex);
        BusCounters& c = peers[l->peer]->counters;
        c.messages_sent += l->batch_messages;
        c.bytes_sent += l->batch_bytes;
        peers[l->peer]->in_flight = 0;
      }
      changed.notify_all();
      pump(l->peer);
    });
  }

  // ------------------------------------------------------------ shutdown

  void shut_down() {
    closing = true;
    asio::error_code ignored;
    if (acceptor) acceptor->close(ignored);
    for (auto& p : peers) {
      if (!p) continue;
      p->redial.cancel();
      if (p->link) end_link(p->link, "");
    }
    for (auto& l : unauthenticated) end_link(l, "");
    unauthenticated.clear();
    io.stop();
  }
};

std::unique_ptr<TcpMessageBus> TcpMessageBus::start(const PartyConfig& config, std::size_t self, BusOptions options,
                                                    TcpListener listener) {
  PartyConfig checked = config;
  checked.validate();
  if (self >= checked.party_count()) {
    throw InvalidArgument("TcpMessageBus::start: party id " + std::to_string(self) + " is out of range for " +
                          std::to_string(checked.party_count()) + " parties");
  }
  if (options.max_message_size > bus_frame_max_payload) {
    throw InvalidArgument("TcpMessageBus::start: max_message_size " + std::to_string(options.max_message_size) +
                          " is above what a bus frame can carry (" + std::to_string(bus_frame_max_payload) + ")");
  }
  if (options.max_message_size == 0 || options.max_queued_messages == 0 || options.max_queued_bytes == 0 ||
      options.max_inbound_bytes == 0 || options.max_backoff.count() <= 0 || options.setup_timeout.count() <= 0) {
    throw InvalidArgument("TcpMessageBus::start: every BusOptions limit and timeout must be positive");
  }
  auto impl = std::make_unique<Impl>(checked, self, options);
  impl->tls = checked.transport == Transport::tls;
  if (impl->tls) impl->tls_context = std::make_unique<detail::TlsContext>(checked, self, "MessageBus");
  for (std::size_t j = 0; j < checked.party_count(); ++j) {
    impl->peers.push_back(j == self ? nullptr : std::make_unique<Impl::Peer>(impl->io, options));
  }
  if (self + 1 < checked.party_count()) {
    if (!listener.valid()) {
      const auto& me = checked.parties[self];
      const std::string where = me.host + ":" + std::to_string(me.port);
      std::string error;
      int error_number = 0;
      const int fd = detail::open_listener(me.host, me.port, error, error_number);
      if (fd < 0) {
        throw NetworkError(self, "cannot listen on " + where + ": " +
                                     (error_number == EADDRINUSE
                                          ? "address already in use; is another process running as party " +
                                                std::to_string(self) + "?"
                                          : error));
      }
      listener = TcpListener::adopt(fd);
    }
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    ::getsockname(listener.native_handle(), reinterpret_cast<sockaddr*>(&addr), &len);
    impl->acceptor = std::make_unique<tcp::acceptor>(impl->io);
    asio::error_code ec;
    impl->acceptor->assign(addr.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), listener.native_handle(), ec);
    if (ec) throw NetworkError(self, "cannot use the listening socket: " + ec.message());
    (void)listener.release();
  }
  Impl* raw = impl.get();
  asio::post(raw->io, [raw] {
    if (raw->acceptor) raw->start_accept();
    for (std::size_t j = 0; j < raw->self; ++j) raw->dial(j);
  });
  std::unique_ptr<TcpMessageBus> bus(new TcpMessageBus(self, checked.party_count(), std::move(impl)));
  raw->thread = std::thread([raw] {
    auto guard = asio::make_work_guard(raw->io);
    for (;;) {
      try {
        raw->io.run();
        return;  // stopped by close()
      } catch (const std::exception&) {
        // A handler failed unexpectedly (e.g. out of memory): the I/O
        // thread carries on with the other connections.
      }
    }
  });
  return bus;
}

TcpMessageBus::TcpMessageBus(std::size_t self, std::size_t count, std::unique_ptr<Impl> impl)
    : MessageBus(self, count), impl_(std::move(impl)) {}

TcpMessageBus::~TcpMessageBus() { close(); }

void TcpMessageBus::close() {
  {
    std::lock_guard lock(impl_->mutex);
    if (impl_->closed) return;
    impl_->closed = true;
  }
  impl_->changed.notify_all();
  Impl* raw = impl_.get();
  asio::post(raw->io, [raw] { raw->shut_down(); });
  if (raw->thread.joinable()) raw->thread.join();
  std::lock_guard lock(impl_->mutex);
  for (auto& p : impl_->peers) {
    if (p) p->counters.connected = false;
  }
}

SendStatus TcpMessageBus::send(std::size_t peer, Bytes message) {
  check_peer(peer, "MessageBus::send");
  return impl_->enqueue(peer, std::move(message), std::nullopt);
}

SendStatus TcpMessageBus::send_keyed(std::size_t peer, std::uint64_t key, Bytes message) {
  check_peer(peer, "MessageBus::send_keyed");
  return impl_->enqueue(peer, std::move(message), key);
}

std::optional<Incoming> TcpMessageBus::receive(std::chrono::microseconds timeout) { return impl_->receive(timeout); }

void TcpMessageBus::wake() {
  {
    const std::lock_guard lock(impl_->mutex);
    impl_->woken = true;
  }
  impl_->changed.notify_all();
}

BusCounters TcpMessageBus::counters(std::size_t peer) const {
  check_peer(peer, "MessageBus::counters");
  return impl_->counters(peer);
}

std::string TcpMessageBus::last_error(std::size_t peer) const {
  check_peer(peer, "MessageBus::last_error");
  std::lock_guard lock(impl_->mutex);
  return impl_->peers[peer]->last_error;
}

bool TcpMessageBus::flush(std::chrono::milliseconds timeout) { return impl_->flush(timeout); }

bool TcpMessageBus::wait_connected(std::size_t peer, std::chrono::milliseconds timeout) const {
  check_peer(peer, "MessageBus::wait_connected");
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, timeout,
                                 [&] { return impl_->closed || impl_->peers[peer]->counters.connected; }) &&
         impl_->peers[peer]->counters.connected;
}

}  // namespace privfin::net
