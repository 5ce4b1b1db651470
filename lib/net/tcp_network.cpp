// TcpNetwork: standalone Asio over TCP, optionally TLS 1.3 through OpenSSL.
//
// All I/O runs on one io_context driven by the calling thread: sends are
// queued per peer and written asynchronously; a receive starts a read and
// runs the io_context (which also advances the queued writes to every peer)
// until the bytes are there or the receive timeout passes. Two parties that
// both send large buffers and then both receive therefore make progress:
// each one's writes advance while it waits for its reads.
//
// The pieces it shares with the MessageBus live beside it: socket_io.hpp
// (listener, socket options, hello, back-off), tls_handshake.hpp (OpenSSL
// runs the TLS 1.3 handshake over our buffers, pins the peer's key and
// yields the traffic secrets) and record_stream.hpp (our own TLS 1.3 record
// layer: records are sealed straight from the caller's buffer into 64 KiB
// socket writes and opened straight from 512 KiB socket reads into the
// caller's buffer, which saves OpenSSL's two extra copies per side). This
// file is the lockstep transport on top: set-up, the send queues, reads
// with deadlines, abort notices.
#include "privfin/net/tcp_network.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <set>

#include "privfin/core/codec.hpp"
#include "privfin/net/abort_notice.hpp"
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
using detail::is_disconnect;
using detail::millis;
using detail::tcp;

using detail::confirm_magic;
// Sends below this size are gathered per peer until flush().
constexpr std::size_t coalesce_limit = std::size_t{256} << 10;
// Plain TCP: receives of up to this size (every chunk of receive_message
// among them) go through a per-link staging buffer of staging_size bytes
// (read_exact).
constexpr std::size_t staged_read_limit = std::size_t{1} << 20;
constexpr std::size_t staging_size = std::size_t{512} << 10;
// Written blocks kept per link for reuse: a stream of blocks then allocates
// (and page-faults) nothing, at a cost of up to 16 blocks per peer.
constexpr std::size_t spare_buffers = 16;
// How long an accepted connection may spend in its unauthenticated phase
// (hello, TLS handshake, confirmation) before it is dropped; connections in
// that phase are served concurrently, so a slow or silent one delays none.
constexpr std::chrono::seconds unauthenticated_phase_limit{10};
// At most this many accepted connections in their unauthenticated phase at
// once (each may hold a 512 KiB read buffer); beyond it the oldest is
// dropped, which favours honest parties: they finish within milliseconds.
constexpr std::size_t max_unauthenticated = 64;
// TLS sends below this size are gathered (copied) into records; larger ones
// are sealed straight from the caller's buffer.
constexpr std::size_t tls_gather_limit = std::size_t{4} << 10;

}  // namespace

// The completion handler of the set-up and receive waits: records the result.
struct Completion {
  bool* done;
  asio::error_code* result;
  std::size_t* transferred;
  void operator()(const asio::error_code& ec) const {
    *result = ec;
    *done = true;
  }
  void operator()(const asio::error_code& ec, std::size_t n) const {
    *result = ec;
    *done = true;
    *transferred = n;
  }
};

// One connection. With TLS, the handshake reads the peer's bytes from the
// record reader's buffer and its output goes to the queue; afterwards the
// record writer and reader protect the application data.
struct Link {
  explicit Link(asio::io_context& io) : socket(io) {}
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;

  std::size_t id = 0;
  tcp::socket socket;
  std::unique_ptr<detail::TlsHandshake> handshake;  // while the handshake runs
  std::unique_ptr<detail::RecordWriter> writer;     // set once the handshake is done
  detail::RecordReader reader;                      // the handshake's input too
  std::deque<Block> queue;  // wire bytes handed to the transport, written in order
  bool writing = false;
  Bytes pending;  // small sends gathered until flush()
  std::vector<Bytes> spare;
  Bytes staging;  // plain TCP: warm memory the kernel copies small messages into
  std::string failure;  // set after a transport error: the link is dead
};

namespace {

// How long a party that sees a peer disconnect waits for the launcher's
// notice that the peer aborted (only when a launcher watches the session):
// the peer's sockets close as it exits, a moment before the launcher learns
// its exit status, and "aborted (exit status 2)" says more than
// "disconnected".
constexpr std::chrono::milliseconds notice_grace{1000};

// The launcher's notice socket named by the environment; -1 without a
// launcher.
int notice_channel_from_environment() {
  const char* value = std::getenv(abort_channel_variable);
  if (value == nullptr || *value == '\0') return -1;
  char* end = nullptr;
  errno = 0;
  const long fd = std::strtol(value, &end, 10);
  if (errno != 0 || *end != '\0' || fd < 0 || fd > 1'000'000) return -1;
  return static_cast<int>(fd);
}

// A duplicate (close-on-exec) of the notice socket for one network; -1 when
// `fd` is not a stream socket of this process (e.g. a stale environment
// variable inherited past the launcher's child): then nothing is watched.
int duplicate_notice_channel(int fd) {
  if (fd < 0) return -1;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return -1;
  return ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

}  // namespace

struct TcpNetwork::Impl {
  Impl(const PartyConfig& cfg, std::size_t me) : config(cfg), self(me) {}
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    notices.reset();
    links.clear();
    acceptor.reset();
  }

  // Declared first so that it is destroyed last.
  asio::io_context io{1};
  std::unique_ptr<detail::TlsContext> tls_context;
  std::unique_ptr<tcp::acceptor> acceptor;
  PartyConfig config;
  std::size_t self;
  bool tls = true;
  bool closed = false;
  std::vector<std::unique_ptr<Link>> links;
  std::chrono::milliseconds receive_timeout{60'000};
  // The launcher's notice channel (see abort_notice.hpp), read while the
  // party waits; `aborted` keeps the first notice.
  std::unique_ptr<asio::posix::stream_descriptor> notices;
  std::array<std::byte, 64> notice_buffer{};
  std::size_t notice_fill = 0;
  std::optional<AbortNotice> aborted;

  // ---------------------------------------------------------------- running

  // Runs handlers until `done` or the deadline; false on the deadline, or
  // (with `stop_on_notice`) as soon as the launcher has reported an abort.
  bool run_until(const bool& done, Clock::time_point deadline, bool stop_on_notice = true) {
    while (!done) {
      if (stop_on_notice && aborted) return false;
      if (io.stopped()) io.restart();
      io.run_one_until(deadline);
      if (!done && Clock::now() >= deadline) return false;
    }
    return true;
  }

  // Starts one asynchronous operation through `start(handler)` and waits for
  // it; at the deadline calls `cancel()`, waits for the aborted operation and
  // returns timed_out. When the launcher reports that a party aborted, the
  // operation is cancelled the same way and PeerAborted is thrown, here and
  // in every later wait.
  template <class Start, class Cancel>
  asio::error_code await(Start&& start, Clock::time_point deadline, Cancel&& cancel,
                         std::size_t* transferred = nullptr) {
    if (aborted) throw PeerAborted(*aborted);
    bool done = false;
    asio::error_code result;
    std::size_t n = 0;
    start(Completion{&done, &result, &n});
    if (!run_until(done, deadline)) {
      cancel();
      run_until(done, Clock::time_point::max(), false);
      if (aborted) throw PeerAborted(*aborted);
      return asio::error::timed_out;
    }
    if (transferred != nullptr) *transferred = n;
    return result;
  }

  // ------------------------------------------------------- abort notices

  // Starts reading the launcher's notices when this process has a launcher.
  void watch_launcher(int channel) {
    const int fd = duplicate_notice_channel(channel);
    if (fd < 0) return;
    notices = std::make_unique<asio::posix::stream_descriptor>(io);
    asio::error_code ec;
    notices->assign(fd, ec);
    if (ec) {
      ::close(fd);
      notices.reset();
      return;
    }
    read_notices();
  }

  bool watching_launcher() const { return notices && notices->is_open(); }

  void read_notices() {
    notices->async_read_some(
        asio::buffer(notice_buffer.data() + notice_fill, notice_buffer.size() - notice_fill),
        [this](const asio::error_code& ec, std::size_t n) {
          asio::error_code ignored;
          if (ec) {  // the launcher is gone (end of stream), or the network closes
            if (notices) notices->close(ignored);
            return;
          }
          notice_fill += n;
          while (notice_fill >= AbortNotice::encoded_size) {
            try {
              const auto notice = AbortNotice::from_bytes(ByteView(notice_buffer).first(AbortNotice::encoded_size));
              if (!aborted && notice.party != self) aborted = notice;
            } catch (const DecodeError&) {  // not our launcher's notices: stop listening to it
              notices->close(ignored);
              return;
            }
            std::memmove(notice_buffer.data(), notice_buffer.data() + AbortNotice::encoded_size,
                         notice_fill - AbortNotice::encoded_size);
            notice_fill -= AbortNotice::encoded_size;
          }
          read_notices();
        });
  }

  // A peer disconnected: under a launcher, waits up to notice_grace for the
  // notice that a party aborted and throws PeerAborted if it comes.
  void expect_notice_after_disconnect() {
    if (!watching_launcher()) return;
    const auto deadline = Clock::now() + notice_grace;
    while (!aborted && watching_launcher() && Clock::now() < deadline) {
      if (io.stopped()) io.restart();
      io.run_one_until(deadline);
    }
    if (aborted) throw PeerAborted(*aborted);
  }

  // ---------------------------------------------------------------- set-up

  void configure_tls() { tls_context = std::make_unique<detail::TlsContext>(config, self, "TcpNetwork"); }

  void configure_socket(tcp::socket& socket) const { detail::configure_socket(socket, config.socket_buffer_size); }

  Hello my_hello(std::size_t peer) const {
    return Hello{static_cast<std::uint32_t>(self), static_cast<std::uint32_t>(peer),
                 static_cast<std::uint32_t>(config.party_count()), static_cast<std::uint8_t>(tls ? 1 : 0)};
  }

  // Writes the queued wire bytes of a link during set-up (before the
  // asynchronous writer runs), bounded by the deadline.
  asio::error_code write_queue_now(Link& l, Clock::time_point deadline) {
    while (!l.queue.empty()) {
      const Block block = std::move(l.queue.front());
      l.queue.pop_front();
      const auto ec =
          await([&](auto h) { asio::async_write(l.socket, asio::buffer(block.bytes.data(), block.size), std::move(h)); },
                deadline, [&] { l.socket.close(); });
      if (ec) return ec;
    }
    return {};
  }

  // Reads whatever the socket has (waiting up to the deadline) for the
  // handshake; called only when the handshake has consumed what was there.
  asio::error_code feed_tls_input(Link& l, Clock::time_point deadline) {
    std::size_t n = 0;
    const auto ec = read_some(l, l.reader.room(), deadline, n);
    if (!ec) l.reader.filled(n);
    return ec;
  }

  // Reads what the socket already holds into `room` without a trip through
  // the io_context; waits (until `deadline`) only when there is nothing.
  asio::error_code read_some(Link& l, std::span<std::byte> room, Clock::time_point deadline, std::size_t& n) {
    asio::error_code ec;
    n = 0;
    if (l.socket.non_blocking()) {
      n = l.socket.read_some(asio::buffer(room.data(), room.size()), ec);
      if (ec != asio::error::would_block && ec != asio::error::try_again) return ec;
    }
    return await([&](auto h) { l.socket.async_read_some(asio::buffer(room.data(), room.size()), std::move(h)); },
                 deadline,
                 [&] {
                   asio::error_code ignored;
                   l.socket.close(ignored);
                 },
                 &n);
  }

  // TLS 1.3 handshake over the link's socket with the peer's key pinned,
  // run to completion (the connecting side; the accepting side runs the
  // same steps asynchronously, see PendingConnection).
  void tls_handshake(Link& l, std::size_t peer, bool as_client, Clock::time_point deadline) {
    l.handshake = std::make_unique<detail::TlsHandshake>(*tls_context, peer, as_client);
    for (;;) {
      const TlsStep step = tls_step(l);
      // Send what the handshake produced (alerts included) before deciding.
      const auto wec = write_queue_now(l, deadline);
      if (l.handshake->pin_mismatch()) throw NetworkError(peer, detail::pin_mismatch_message(peer));
      if (step.state == TlsStep::done) break;
      if (step.state == TlsStep::failed) throw NetworkError(peer, step.error);
      if (wec) throw NetworkError(peer, "TLS handshake failed: " + wec.message());
      const auto ec = feed_tls_input(l, deadline);
      if (ec == asio::error::timed_out) throw NetworkError(peer, "TLS handshake did not finish before the deadline");
      if (ec) throw NetworkError(peer, "TLS handshake failed: " + describe(ec));
    }
    finish_tls(l);
  }

  using TlsStep = detail::TlsHandshake::Step;

  // Advances the handshake with the input at hand; what OpenSSL wrote for
  // the peer goes to the link's queue, for the caller to send.
  static TlsStep tls_step(Link& l) {
    std::size_t used = 0;
    TlsStep step = l.handshake->step(l.reader.unread(), used);
    l.reader.consume(used);
    Bytes out = l.handshake->take_output();
    if (!out.empty()) {
      const std::size_t size = out.size();
      l.queue.push_back(Block{std::move(out), size});
    }
    return step;
  }

  // After the handshake: the record layer takes over with the traffic keys
  // (the pinned key is checked once more on the way).
  void finish_tls(Link& l) const {
    detail::RecordKeys keys = l.handshake->finish();
    l.handshake.reset();
    l.writer = std::make_unique<detail::RecordWriter>(std::move(keys.sealer), config.tls_key_update_records);
    l.reader.set_opener(std::move(keys.opener));
  }

  void connect_to(std::size_t peer, Clock::time_point deadline) {
    const auto& ep = config.parties[peer];
    const std::string where = ep.host + ":" + std::to_string(ep.port);
    auto backoff = std::chrono::milliseconds(10);
    std::string last_error = "no attempt made";
    for (;;) {
      if (Clock::now() >= deadline) {
        throw NetworkError(peer, "not reachable at " + where + " within " + millis(config.connect_timeout) +
                                     " (last error: " + last_error + ")");
      }
      tcp::resolver resolver(io);
      asio::error_code ec;
      const auto endpoints = resolver.resolve(ep.host, std::to_string(ep.port), ec);
      if (!ec) {
        for (const auto& entry : endpoints) {
          auto link = std::make_unique<Link>(io);
          link->id = peer;
          link->socket.open(entry.endpoint().protocol(), ec);
          if (ec) break;
          configure_socket(link->socket);
          ec = await([&](auto h) { link->socket.async_connect(entry.endpoint(), std::move(h)); }, deadline,
                     [&] { link->socket.close(); });
          if (!ec) {
            const auto dropped = finish_as_connector(std::move(link), deadline);
            if (!dropped) return;
            last_error = *dropped;
            break;
          }
        }
      }
      if (ec) last_error = ec.message();
      asio::steady_timer timer(io);
      timer.expires_at(std::min(deadline, Clock::now() + backoff));
      (void)await([&](auto h) { timer.async_wait(std::move(h)); }, Clock::time_point::max(), [&] { timer.cancel(); });
      backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
    }
  }

  void check_hello_agreement(std::size_t peer, const Hello& h) const {
    if (h.count != config.party_count()) {
      throw NetworkError(peer, "is configured for " + std::to_string(h.count) + " parties, this party for " +
                                   std::to_string(config.party_count()));
    }
    if (h.transport != (tls ? 1 : 0)) {
      throw NetworkError(peer, std::string("uses transport ") + (h.transport != 0 ? "tls" : "plain_insecure") +
                                   ", this party " + std::string(to_string(config.transport)));
    }
  }

  // Runs the set-up on a connected socket. Returns why, when the peer closed
  // the connection before answering the hello: an acceptor drops
  // connections it cannot serve yet (too many strangers at once), so the
  // caller tries again. Any later failure is the peer's answer and throws.
  std::optional<std::string> finish_as_connector(std::unique_ptr<Link> link, Clock::time_point deadline) {
    const std::size_t peer = link->id;
    auto& socket = link->socket;
    const auto close = [&] { socket.close(); };
    const auto hello = detail::encode_hello(detail::network_hello_magic, my_hello(peer));
    auto ec = await([&](auto h) { asio::async_write(socket, asio::buffer(hello), std::move(h)); }, deadline, close);
    if (ec) return "the hello was not answered: " + describe(ec);
    std::array<std::byte, hello_size> reply{};
    ec = await([&](auto h) { asio::async_read(socket, asio::buffer(reply), std::move(h)); }, deadline, close);
    if (ec) return "the hello was not answered: " + describe(ec);
    const auto h = detail::decode_hello(detail::network_hello_magic, reply);
    if (!h) throw NetworkError(peer, "answered with something that is not a privfin hello");
    if (h->sender != peer || h->receiver != self) {
      throw NetworkError(peer, "answered as party " + std::to_string(h->sender) + " to party " +
                                   std::to_string(h->receiver));
    }
    check_hello_agreement(peer, *h);
    if (tls) tls_handshake(*link, peer, true, deadline);
    std::array<std::byte, confirm_magic.size()> confirm{};
    try {
      read_exact(*link, confirm, [&] { return deadline; });
    } catch (const PeerAborted&) {
      throw;
    } catch (const NetworkError& e) {
      throw NetworkError(peer, std::string("did not confirm the connection; it may have rejected this party's "
                                           "certificate (") + e.what() + ")");
    }
    if (!std::equal(confirm.begin(), confirm.end(), as_bytes(std::string_view(confirm_magic.data(), 8)).begin())) {
      throw NetworkError(peer, "sent a bad confirmation");
    }
    links[peer] = std::move(link);
    return std::nullopt;
  }

  // ------------------------------------------------- accepting connections
  //
  // Every accepted connection runs its unauthenticated phase (hello, TLS
  // handshake, confirmation) as its own chain of asynchronous steps on the
  // io_context, bounded as a whole by unauthenticated_phase_limit. Until a
  // connection has proven its identity nothing it does (silence, garbage, a
  // hello for a party it cannot authenticate as, a wrong certificate, a
  // mismatched configuration) ends the set-up or delays other connections;
  // it is dropped, and what went wrong is kept for the party it claimed to
  // be, to explain that party's absence if it never arrives.

  struct PendingConnection {
    explicit PendingConnection(asio::io_context& io) : link(std::make_unique<Link>(io)), timer(io) {}
    std::unique_ptr<Link> link;
    asio::steady_timer timer;  // the bound on the whole phase
    std::array<std::byte, hello_size> hello{};
    std::array<std::byte, hello_size> reply{};
    std::optional<std::size_t> claimed;  // the party its hello names
    std::string remote;                  // its address, for messages
    int in_flight = 0;                   // asynchronous operations not yet completed
    bool finished = false;               // promoted to a link, or dropped
  };

  struct AcceptState {
    std::set<std::size_t> missing;
    std::deque<std::unique_ptr<PendingConnection>> pending;
    std::vector<std::string> last_failure;  // per claimed party id
    bool accepting = false;                 // an async_accept is outstanding
    bool stopping = false;                  // winding down: accept nothing more
  };

  void accept_all(Clock::time_point deadline) {
    AcceptState st;
    st.last_failure.resize(config.party_count());
    for (std::size_t j = self + 1; j < config.party_count(); ++j) st.missing.insert(j);
    // Stops accepting, drops what is still unauthenticated, and lets every
    // aborted operation complete before the state goes away.
    const auto wind_down = [&] {
      // An accept that completed before the cancel must not start another
      // (nothing would cancel that one, and the wait below would hang).
      st.stopping = true;
      asio::error_code ignored;
      acceptor->cancel(ignored);
      for (auto& p : st.pending) drop(st, *p, {});
      while (st.accepting || std::any_of(st.pending.begin(), st.pending.end(),
                                         [](const auto& p) { return p->in_flight > 0; })) {
        if (io.stopped()) io.restart();
        io.run_one();
      }
    };
    try {
      start_accept(st, deadline);
      while (!st.missing.empty() && Clock::now() < deadline) {
        if (io.stopped()) io.restart();
        io.run_one_until(deadline);
        std::erase_if(st.pending, [](const auto& p) { return p->finished && p->in_flight == 0; });
        if (aborted) throw PeerAborted(*aborted);
      }
    } catch (...) {
      wind_down();
      throw;
    }
    wind_down();
    if (st.missing.empty()) return;
    std::string list;
    std::string why;
    for (const auto j : st.missing) {
      list += (list.empty() ? "" : ", ") + std::to_string(j);
      if (!st.last_failure[j].empty()) why += "; a connection claiming to be party " + std::to_string(j) +
                                              " failed: " + st.last_failure[j];
    }
    throw NetworkError(*st.missing.begin(), "did not connect within " + millis(config.connect_timeout) +
                                                " (still missing: parties " + list + ")" + why);
  }

  void start_accept(AcceptState& st, Clock::time_point deadline) {
    st.accepting = true;
    acceptor->async_accept([this, &st, deadline](const asio::error_code& ec, tcp::socket socket) {
      st.accepting = false;
      if (ec == asio::error::operation_aborted || st.missing.empty() || st.stopping) return;
      if (!ec) admit(st, std::move(socket), deadline);
      start_accept(st, deadline);  // a failed accept (e.g. aborted by the peer) is not fatal
    });
  }

  void admit(AcceptState& st, tcp::socket socket, Clock::time_point deadline) {
    const auto unfinished = std::count_if(st.pending.begin(), st.pending.end(),
                                          [](const auto& p) { return !p->finished; });
    if (static_cast<std::size_t>(unfinished) >= max_unauthenticated) {
      for (auto& p : st.pending) {
        if (!p->finished) {
          drop(st, *p, "dropped: " + std::to_string(max_unauthenticated) +
                           " connections were already in their set-up (the oldest goes)");
          break;
        }
      }
    }
    auto& p = *st.pending.emplace_back(std::make_unique<PendingConnection>(io));
    p.link->socket = std::move(socket);
    configure_socket(p.link->socket);
    asio::error_code ec;
    const auto endpoint = p.link->socket.remote_endpoint(ec);
    p.remote = ec ? std::string("an unknown address") : endpoint.address().to_string() + ":" +
                                                            std::to_string(endpoint.port());
    p.timer.expires_at(std::min(deadline, Clock::now() + unauthenticated_phase_limit));
    ++p.in_flight;
    p.timer.async_wait([this, &st, &p](const asio::error_code& timer_ec) {
      --p.in_flight;
      if (timer_ec || p.finished) return;
      drop(st, p, "did not finish the set-up within " + millis(unauthenticated_phase_limit));
    });
    ++p.in_flight;
    asio::async_read(p.link->socket, asio::buffer(p.hello),
                     [this, &st, &p](const asio::error_code& read_ec, std::size_t) {
                       step(st, p, read_ec, [&] { on_hello(st, p); });
                     });
  }

  // Runs the next step of a pending connection after an operation
  // completed: nothing once it is finished; drop on an error or on a
  // NetworkError thrown by the step.
  template <class Next>
  void step(AcceptState& st, PendingConnection& p, const asio::error_code& ec, Next&& next) {
    --p.in_flight;
    if (p.finished) return;
    if (ec) {
      drop(st, p, "set-up failed: " + describe(ec));
      return;
    }
    try {
      next();
    } catch (const NetworkError& e) {
      drop(st, p, e.what());
    }
  }

  void drop(AcceptState& st, PendingConnection& p, const std::string& why) {
    if (p.finished) return;
    p.finished = true;
    if (p.claimed && !why.empty()) st.last_failure[*p.claimed] = why + " (from " + p.remote + ")";
    p.timer.cancel();
    asio::error_code ignored;
    if (p.link) p.link->socket.close(ignored);
  }

  void on_hello(AcceptState& st, PendingConnection& p) {
    const auto h = detail::decode_hello(detail::network_hello_magic, p.hello);
    // Not privfin, another addressee, or a party that is not ours to accept
    // or already connected: dropped without a word.
    if (!h || h->receiver != self || h->sender <= self || h->sender >= config.party_count() ||
        st.missing.count(h->sender) == 0) {
      drop(st, p, {});
      return;
    }
    const std::size_t peer = h->sender;
    p.claimed = peer;
    p.link->id = peer;
    p.reply = detail::encode_hello(detail::network_hello_magic, my_hello(peer));
    ++p.in_flight;
    asio::async_write(p.link->socket, asio::buffer(p.reply), [this, &st, &p, h](const asio::error_code& ec, std::size_t) {
      step(st, p, ec, [&] {
        // Our hello went out first, so a misconfigured peer learns why too.
        check_hello_agreement(*p.claimed, *h);
        if (!tls) {
          confirm(st, p);
          return;
        }
        p.link->handshake = std::make_unique<detail::TlsHandshake>(*tls_context, *p.claimed, false);
        continue_tls(st, p);
      });
    });
  }

  void continue_tls(AcceptState& st, PendingConnection& p) {
    const TlsStep result = tls_step(*p.link);
    write_queue_async(st, p, [this, &st, &p, result] {
      const std::size_t peer = *p.claimed;
      Link& l = *p.link;
      if (l.handshake->pin_mismatch()) throw NetworkError(peer, detail::pin_mismatch_message(peer));
      if (result.state == TlsStep::failed) throw NetworkError(peer, result.error);
      if (result.state == TlsStep::done) {
        finish_tls(l);
        confirm(st, p);
        return;
      }
      const auto room = l.reader.room();
      ++p.in_flight;
      l.socket.async_read_some(asio::buffer(room.data(), room.size()), [this, &st, &p](const asio::error_code& ec, std::size_t n) {
        step(st, p, ec, [&] {
          p.link->reader.filled(n);
          continue_tls(st, p);
        });
      });
    });
  }

  // Writes the link's queue, block by block, then runs `then` as a step.
  template <class Then>
  void write_queue_async(AcceptState& st, PendingConnection& p, Then then) {
    Link& l = *p.link;
    if (l.queue.empty()) {
      then();
      return;
    }
    ++p.in_flight;
    asio::async_write(l.socket, asio::buffer(l.queue.front().bytes.data(), l.queue.front().size),
                      [this, &st, &p, then](const asio::error_code& ec, std::size_t) {
                        step(st, p, ec, [&] {
                          p.link->queue.pop_front();
                          write_queue_async(st, p, then);
                        });
                      });
  }

  // The set-up confirmation, the first application data on the link; once
  // it is written the connection is the claimed party's link.
  void confirm(AcceptState& st, PendingConnection& p) {
    Link& l = *p.link;
    const ByteView magic = as_bytes(std::string_view(confirm_magic.data(), confirm_magic.size()));
    if (tls) {
      seal_records(l, magic, detail::tls_content_application_data);
      finish_block(l);
    } else {
      l.queue.push_back(Block{Bytes(magic.begin(), magic.end()), magic.size()});
    }
    write_queue_async(st, p, [this, &st, &p] {
      const std::size_t peer = *p.claimed;
      if (st.missing.count(peer) == 0) {  // another connection won the race
        drop(st, p, "party " + std::to_string(peer) + " is connected already");
        return;
      }
      links[peer] = std::move(p.link);
      st.missing.erase(peer);
      p.finished = true;
      p.timer.cancel();
    });
  }

  // The configured host:port of this party. "Address already in use" there
  // most often means a second process started with the same party id, so
  // the error says so.
  TcpListener listen_on_own_address() const {
    const auto& me = config.parties[self];
    const std::string where = me.host + ":" + std::to_string(me.port);
    std::string error;
    int error_number = 0;
    const int fd = detail::open_listener(me.host, me.port, error, error_number);
    if (fd >= 0) return TcpListener::adopt(fd);
    if (error_number == EADDRINUSE) {
      throw NetworkError(self, "cannot listen on " + where + ": address already in use; is another process running "
                               "as party " + std::to_string(self) + " (or another program using that port)?");
    }
    throw NetworkError(self, "cannot listen on " + where + ": " + error);
  }

  void set_up(TcpListener listener) {
    const auto deadline = Clock::now() + config.connect_timeout;
    links.resize(config.party_count());
    if (self + 1 < config.party_count()) {
      if (!listener.valid()) listener = listen_on_own_address();
      sockaddr_storage addr{};
      socklen_t len = sizeof addr;
      ::getsockname(listener.native_handle(), reinterpret_cast<sockaddr*>(&addr), &len);
      const int size = static_cast<int>(config.socket_buffer_size);
      ::setsockopt(listener.native_handle(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
      acceptor = std::make_unique<tcp::acceptor>(io);
      asio::error_code ec;
      acceptor->assign(addr.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), listener.native_handle(), ec);
      if (ec) throw NetworkError("TcpNetwork: cannot use the listening socket: " + ec.message());
      (void)listener.release();
    }
    for (std::size_t j = 0; j < self; ++j) connect_to(j, deadline);
    if (acceptor) {
      accept_all(deadline);
      acceptor.reset();
    }
  }

  // ---------------------------------------------------------------- data

  Link& link(std::size_t peer) {
    Link& l = *links[peer];
    if (!l.failure.empty()) throw NetworkError(peer, l.failure);
    return l;
  }

  void fail(Link& l, std::string why) {
    if (l.failure.empty()) l.failure = std::move(why);
    // A write in flight still refers to queue.front(); its handler clears.
    if (!l.writing) l.queue.clear();
    l.pending.clear();
    if (l.writer) l.writer->discard();
    asio::error_code ignored;
    l.socket.close(ignored);
  }

  // A recycled buffer (or a new one): empty for plain TCP, which assigns
  // into it; at least `size` bytes long for TLS, which seals into it (so a
  // recycled buffer is not zero-filled again).
  Bytes take_buffer(Link& l, std::size_t size = 0) {
    Bytes b;
    if (!l.spare.empty()) {
      b = std::move(l.spare.back());
      l.spare.pop_back();
    }
    if (size == 0) {
      b.clear();
    } else if (b.size() < size) {
      b.resize(size);
    }
    return b;
  }

  void start_write(Link& l) {
    if (l.writing || l.queue.empty() || !l.failure.empty()) return;
    l.writing = true;
    const Block& front = l.queue.front();
    asio::async_write(l.socket, asio::buffer(front.bytes.data(), front.size),
                      [this, &l](const asio::error_code& ec, std::size_t) {
                        l.writing = false;
                        if (ec || !l.failure.empty()) {
                          fail(l, "sending failed: " + describe(ec));
                          l.queue.clear();
                          return;
                        }
                        Bytes done = std::move(l.queue.front().bytes);
                        l.queue.pop_front();
                        if (l.spare.size() < spare_buffers && done.capacity() <= (std::size_t{64} << 20)) {
                          l.spare.push_back(std::move(done));
                        }
                        start_write(l);
                      });
  }

  // Where a link's record writer puts its blocks: the link's queue; a
  // block that fills up during a seal starts writing at once, so the socket
  // is busy while the rest is sealed.
  struct QueueSink final : detail::BlockSink {
    QueueSink(Impl& owner, Link& target) : impl(owner), link(target) {}
    Bytes take_buffer(std::size_t size) override { return impl.take_buffer(link, size); }
    void emit(Block&& block, bool full) override {
      link.queue.push_back(std::move(block));
      if (full) {
        impl.start_write(link);
        impl.poll();
      }
    }
    Impl& impl;
    Link& link;
  };

  // TLS: seals `data` as records of the given type (at most 16 KiB of
  // content each, the first starting with data[0]).
  void seal_records(Link& l, ByteView data, std::uint8_t content_type) {
    if (!l.writer) throw NetworkError(l.id, "TLS session is not established");
    QueueSink sink(*this, l);
    l.writer->seal(data, content_type, sink);
  }

  // TLS: moves the open block, if it holds anything, to the queue.
  void finish_block(Link& l) {
    if (!l.writer) return;
    QueueSink sink(*this, l);
    l.writer->finish_block(sink);
  }

  // TLS: seals the gathered small sends.
  void seal_pending(Link& l) {
    if (l.pending.empty()) return;
    seal_records(l, l.pending, detail::tls_content_application_data);
    l.pending.clear();
  }

  // Hands everything sent so far to the transport and starts writing: the
  // gathered small sends (sealed first with TLS) and the open block.
  void hand_over(Link& l) {
    if (tls) {
      seal_pending(l);
      finish_block(l);
    } else if (!l.pending.empty()) {
      const std::size_t size = l.pending.size();
      l.queue.push_back(Block{std::move(l.pending), size});
      l.pending = take_buffer(l);
    }
    start_write(l);
  }

  void poll() {
    if (io.stopped()) io.restart();
    io.poll();
  }

  // Plain TCP gathers sends below coalesce_limit and copies larger ones into
  // a block. TLS gathers only sends below tls_gather_limit; larger ones are
  // sealed straight from the caller's buffer, and their records start with
  // the send, so a receiver that asks for the same sizes opens every record
  // straight into its own buffer.
  void send(std::size_t peer, ByteView data) {
    Link& l = link(peer);
    if (tls) {
      if (data.size() < tls_gather_limit) {
        l.pending.insert(l.pending.end(), data.begin(), data.end());
        if (l.pending.size() >= detail::tls_max_plaintext) seal_pending(l);
      } else {
        seal_pending(l);  // keeps the order of the sends
        seal_records(l, data, detail::tls_content_application_data);
      }
      return;
    }
    if (data.size() >= coalesce_limit) {
      hand_over(l);
      // Copied in blocks of coalesce_limit: recycled buffers that stay in
      // cache (a copy of the whole message would fault in fresh pages), and
      // the socket starts writing after the first block.
      for (std::size_t at = 0; at < data.size(); at += coalesce_limit) {
        const ByteView part = data.subspan(at, std::min(coalesce_limit, data.size() - at));
        Bytes copy = take_buffer(l);
        copy.assign(part.begin(), part.end());
        l.queue.push_back(Block{std::move(copy), part.size()});
        start_write(l);
        poll();  // keep the socket busy while the rest is copied
      }
      return;
    }
    l.pending.insert(l.pending.end(), data.begin(), data.end());
    if (l.pending.size() >= coalesce_limit) {
      hand_over(l);
      poll();
    }
  }

  void send_owned(std::size_t peer, Bytes&& data) {
    if (data.size() < coalesce_limit || tls) {
      send(peer, data);
      return;
    }
    Link& l = link(peer);
    hand_over(l);
    const std::size_t size = data.size();
    l.queue.push_back(Block{std::move(data), size});
    start_write(l);
    poll();
  }

  void flush() {
    for (auto& l : links) {
      if (l && l->failure.empty()) hand_over(*l);
    }
    poll();
  }

  // Reads exactly out.size() plaintext bytes; next_deadline() gives the
  // deadline for each wait (called again after every progress).
  template <class NextDeadline>
  void read_exact(Link& l, std::span<std::byte> out, NextDeadline&& next_deadline) {
    std::size_t filled = 0;
    const auto broken = [&](const std::string& why) {
      fail(l, why);
      return NetworkError(l.id, why + " after " + std::to_string(filled) + " of " + std::to_string(out.size()) +
                                    " expected bytes");
    };
    while (filled < out.size()) {
      if (tls) {
        filled += read_tls(l, out.subspan(filled), next_deadline, broken);
        continue;
      }
      std::size_t n = 0;
      // Receives up to staged_read_limit go through the link's staging
      // buffer: a protocol's round buffers are often freshly allocated, and
      // the kernel copying straight into them takes a page fault per 4 KB
      // inside the socket read. Through warm memory, then one memcpy, the
      // faults land in user space (2-party lt over TCP: 7.8 -> 13.0 M/s,
      // docs/performance.md); bigger receives (a protocol's own spans of
      // 8 MB and more) go straight in, where the extra copy would cost more
      // than it saves.
      const bool staged = out.size() <= staged_read_limit;
      if (staged && l.staging.empty()) l.staging.resize(staging_size);
      const auto into = staged ? std::span<std::byte>(l.staging).first(std::min(l.staging.size(), out.size() - filled))
                               : out.subspan(filled);
      const auto ec = read_some(l, into, next_deadline(), n);
      if (ec == asio::error::timed_out) throw receive_timed_out(l, out.size() - filled);
      if (is_disconnect(ec)) expect_notice_after_disconnect();
      if (ec) throw broken(describe(ec));
      if (staged && n > 0) std::memcpy(out.data() + filled, l.staging.data(), n);
      filled += n;
    }
  }

  // Delivers some plaintext into `out` (non-empty): left over from the last
  // record, or from the next whole record in the inbox, reading more
  // ciphertext from the socket when no whole record is there. A KeyUpdate
  // the peer requested is owed on our next record.
  template <class NextDeadline, class Broken>
  std::size_t read_tls(Link& l, std::span<std::byte> out, NextDeadline& next_deadline, Broken& broken) {
    for (;;) {
      std::size_t n = 0;
      try {
        n = l.reader.read(out);
      } catch (const detail::RecordError& e) {
        if (e.close_notify()) expect_notice_after_disconnect();
        throw broken(e.what());
      }
      if (l.reader.take_key_update_request() && l.writer) l.writer->request_key_update();
      if (n != 0) return n;
      refill_inbox(l, out.size(), next_deadline, broken);
    }
  }

  // Keeps the partial record at the front of the inbox and reads more
  // ciphertext after it.
  template <class NextDeadline, class Broken>
  void refill_inbox(Link& l, std::size_t outstanding, NextDeadline& next_deadline, Broken& broken) {
    std::size_t n = 0;
    const auto ec = read_some(l, l.reader.room(), next_deadline(), n);
    if (ec == asio::error::timed_out) throw receive_timed_out(l, outstanding);
    if (is_disconnect(ec)) expect_notice_after_disconnect();
    if (ec) throw broken(describe(ec));
    l.reader.filled(n);
  }

  NetworkError receive_timed_out(Link& l, std::size_t outstanding) {
    fail(l, "receive timed out");
    return NetworkError(l.id, "no data for " + millis(receive_timeout) + " (receive timeout) with " +
                                  std::to_string(outstanding) + " bytes outstanding");
  }

  void receive(std::size_t peer, std::span<std::byte> out) {
    if (aborted) throw PeerAborted(*aborted);  // the session is over, whatever this peer's socket holds
    Link& l = link(peer);
    if (!l.socket.non_blocking()) {
      asio::error_code ignored;
      l.socket.non_blocking(true, ignored);
    }
    read_exact(l, out, [&] { return Clock::now() + receive_timeout; });
  }

  void close() {
    if (closed) return;
    closed = true;
    std::string error;
    std::size_t error_peer = 0;
    for (auto& l : links) {
      if (!l || !l->failure.empty()) continue;
      try {
        hand_over(*l);
        if (l->writer) {
          const std::array<std::byte, 2> close_notify{std::byte{1}, std::byte{0}};  // warning, close_notify
          seal_records(*l, close_notify, detail::tls_content_alert);
          hand_over(*l);
        }
      } catch (const NetworkError& e) {
        if (error.empty()) {
          error = e.what();
          error_peer = l->id;
        }
      }
    }
    const auto deadline = Clock::now() + receive_timeout;
    const auto all_written = [&] {
      return std::none_of(links.begin(), links.end(), [](const auto& l) { return l && l->writing; });
    };
    while (!all_written() && Clock::now() < deadline) {
      if (io.stopped()) io.restart();
      io.run_one_until(deadline);
    }
    for (auto& l : links) {
      if (!l) continue;
      if (error.empty() && (!l->queue.empty() || l->writing)) {
        error = "queued data could not be written within " + millis(receive_timeout);
        error_peer = l->id;
      }
      asio::error_code ignored;
      l->socket.shutdown(tcp::socket::shutdown_both, ignored);
      l->socket.close(ignored);
    }
    poll();
    if (!error.empty()) throw NetworkError(error_peer, error);
  }
};

std::unique_ptr<TcpNetwork> TcpNetwork::connect(const PartyConfig& config, std::size_t self, TcpListener listener,
                                                int abort_channel) {
  PartyConfig checked = config;
  checked.validate();
  if (self >= checked.party_count()) {
    throw InvalidArgument("TcpNetwork::connect: party id " + std::to_string(self) + " is out of range for " +
                          std::to_string(checked.party_count()) + " parties");
  }
  auto impl = std::make_unique<Impl>(checked, self);
  impl->tls = checked.transport == Transport::tls;
  impl->receive_timeout = checked.receive_timeout;
  if (impl->tls) impl->configure_tls();
  impl->watch_launcher(abort_channel == abort_channel_from_environment ? notice_channel_from_environment()
                                                                        : abort_channel);
  impl->set_up(std::move(listener));
  std::unique_ptr<TcpNetwork> net(new TcpNetwork(self, checked.party_count(), std::move(impl)));
  net->set_receive_timeout(checked.receive_timeout);
  net->set_max_message_size(checked.max_message_size);
  return net;
}

TcpNetwork::TcpNetwork(std::size_t self, std::size_t count, std::unique_ptr<Impl> impl)
    : Network(self, count), impl_(std::move(impl)) {}

TcpNetwork::~TcpNetwork() {
  impl_->receive_timeout = receive_timeout();
  try {
    impl_->close();
  } catch (const Error&) {
    // A destructor cannot report; close() is there for callers who care.
  }
}

Transport TcpNetwork::transport() const noexcept {
  return impl_->tls ? Transport::tls : Transport::plain_insecure;
}

void TcpNetwork::close() {
  impl_->receive_timeout = receive_timeout();
  impl_->close();
}

void TcpNetwork::do_send(std::size_t peer, ByteView data) { impl_->send(peer, data); }
void TcpNetwork::do_send_owned(std::size_t peer, Bytes&& data) { impl_->send_owned(peer, std::move(data)); }
void TcpNetwork::do_flush() { impl_->flush(); }
void TcpNetwork::do_receive(std::size_t peer, std::span<std::byte> out) {
  impl_->receive_timeout = receive_timeout();
  impl_->receive(peer, out);
}

}  // namespace privfin::net

