// TcpNetwork: standalone Asio over TCP, optionally TLS 1.3 through OpenSSL.
//
// All I/O runs on one io_context driven by the calling thread: sends are
// queued per peer and written asynchronously; a receive starts a read and
// runs the io_context (which also advances the queued writes to every peer)
// until the bytes are there or the receive timeout passes. Two parties that
// both send large buffers and then both receive therefore make progress:
// each one's writes advance while it waits for its reads.
//
// TLS: OpenSSL runs the TLS 1.3 handshake (not asio::ssl) through a custom
// BIO over the link's own buffers; it pins the peer's key and yields the
// traffic secrets. Application data is then protected by our own TLS 1.3
// record layer (tls_records.hpp): records are sealed straight from the
// caller's buffer into 64 KiB socket writes and opened straight from 512 KiB
// socket reads into the caller's buffer, which saves OpenSSL's two extra
// copies per side.
#include "privfin/net/tcp_network.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
// GCC's -Wnull-dereference fires on Asio's scheduler code once inlined here
// (a false positive inside the system header); it stays on for our own code
// in every other file.
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <asio.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <set>

#include "privfin/core/codec.hpp"
#include "privfin/net/abort_notice.hpp"
#include "tls_records.hpp"

namespace privfin::net {

// ------------------------------------------------------------------ listener

namespace {

// A listening socket on host:port, or -1 with `error` (and `error_number`,
// 0 for a resolution failure) saying why.
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

}  // namespace

TcpListener TcpListener::bind(const std::string& host, std::uint16_t port) {
  std::string error;
  int error_number = 0;
  const int fd = open_listener(host, port, error, error_number);
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

// ------------------------------------------------------------------ network

namespace {

using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr std::array<char, 8> hello_magic = {'P', 'R', 'I', 'V', 'F', 'I', 'N', '1'};
constexpr std::array<char, 8> confirm_magic = {'P', 'F', '-', 'R', 'E', 'A', 'D', 'Y'};
constexpr std::size_t hello_size = 8 + 4 + 4 + 4 + 1;
// Sends below this size are gathered per peer until flush().
constexpr std::size_t coalesce_limit = std::size_t{256} << 10;
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
// Ciphertext read from the socket per call, at most.
constexpr std::size_t inbox_size = std::size_t{512} << 10;
// TLS sends below this size are gathered (copied) into records; larger ones
// are sealed straight from the caller's buffer.
constexpr std::size_t tls_gather_limit = std::size_t{4} << 10;
// A block of sealed records: written once it holds tls_block_target bytes.
constexpr std::size_t tls_block_target = std::size_t{64} << 10;
constexpr std::size_t tls_block_capacity =
    tls_block_target + 2 * (detail::tls_max_plaintext + detail::tls_record_overhead);

std::string openssl_error() {
  std::string out;
  while (const unsigned long e = ERR_get_error()) {
    std::array<char, 256> buf{};
    ERR_error_string_n(e, buf.data(), buf.size());
    if (!out.empty()) out += "; ";
    out += buf.data();
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

std::string millis(std::chrono::milliseconds ms) { return std::to_string(ms.count()) + " ms"; }

// The DER SubjectPublicKeyInfo of a certificate: what we pin.
Bytes public_key_der(X509* cert) {
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr) return {};
  const int len = i2d_PUBKEY(key, nullptr);
  if (len <= 0) return {};
  Bytes out(static_cast<std::size_t>(len));
  auto* p = reinterpret_cast<unsigned char*>(out.data());
  i2d_PUBKEY(key, &p);
  return out;
}

Bytes load_pin(const std::filesystem::path& file, std::size_t party) {
  const std::string who = "party " + std::to_string(party) + " certificate " + file.string();
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (f == nullptr) throw InvalidArgument("TcpNetwork: " + who + ": cannot be read: " + std::strerror(errno));
  X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  if (cert == nullptr) throw InvalidArgument("TcpNetwork: " + who + ": not a PEM certificate: " + openssl_error());
  Bytes pin = public_key_der(cert);
  X509_free(cert);
  if (pin.empty()) throw InvalidArgument("TcpNetwork: " + who + ": no usable public key");
  return pin;
}

struct Hello {
  std::uint32_t sender = 0;
  std::uint32_t receiver = 0;
  std::uint32_t count = 0;
  std::uint8_t transport = 0;
};

std::array<std::byte, hello_size> encode_hello(const Hello& h) {
  Writer w;
  w.raw(as_bytes(std::string_view(hello_magic.data(), hello_magic.size())))
      .u32(h.sender)
      .u32(h.receiver)
      .u32(h.count)
      .u8(h.transport);
  std::array<std::byte, hello_size> out{};
  std::copy(w.data().begin(), w.data().end(), out.begin());
  return out;
}

// nullopt for anything that is not a privfin hello.
std::optional<Hello> decode_hello(ByteView in) {
  try {
    Reader r(in);
    const ByteView magic = r.raw(hello_magic.size(), "magic");
    if (!std::equal(magic.begin(), magic.end(), as_bytes(std::string_view(hello_magic.data(), 8)).begin())) {
      return std::nullopt;
    }
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
    *transferred = n;
    *done = true;
  }
};

// What one TLS handshake expects and found: the pinned key, and the
// application traffic secrets OpenSSL reports through the key-log callback
// (kept only until the record layer has derived its keys, then wiped).
struct HandshakeState {
  const Bytes* pin = nullptr;
  bool has_ca = false;
  bool mismatch = false;
  SecretBytes client_secret;
  SecretBytes server_secret;
  void wipe() {
    client_secret = SecretBytes{};
    server_secret = SecretBytes{};
  }
};

// OpenSSL's verify callback: at depth 0 the peer's public key must equal the
// pinned one; the chain must verify only when a CA is configured.
int verify_pinned(int preverified, X509_STORE_CTX* ctx) {
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(ctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* check = ssl == nullptr ? nullptr : static_cast<HandshakeState*>(SSL_get_app_data(ssl));
  if (check == nullptr) return 0;
  if (X509_STORE_CTX_get_error_depth(ctx) > 0) return check->has_ca ? preverified : 1;
  X509* cert = X509_STORE_CTX_get_current_cert(ctx);
  const bool match = cert != nullptr && public_key_der(cert) == *check->pin;
  if (!match) check->mismatch = true;
  return match && (preverified != 0 || !check->has_ca) ? 1 : 0;
}

// OpenSSL's key-log callback, the one interface through which OpenSSL 3.0
// hands out TLS 1.3 traffic secrets: "LABEL <client random> <secret>" in hex.
// Only the first application traffic secrets are kept; nothing is logged.
void capture_traffic_secret(const SSL* ssl, const char* line) {
  auto* state = static_cast<HandshakeState*>(SSL_get_app_data(ssl));
  if (state == nullptr || line == nullptr) return;
  const std::string_view text(line);
  SecretBytes* target = nullptr;
  if (text.starts_with("CLIENT_TRAFFIC_SECRET_0 ")) target = &state->client_secret;
  if (text.starts_with("SERVER_TRAFFIC_SECRET_0 ")) target = &state->server_secret;
  if (target == nullptr) return;
  const std::string_view hex = text.substr(text.rfind(' ') + 1);
  if (hex.size() > 2 * 64) return;
  try {
    Bytes secret = from_hex(hex);
    *target = SecretBytes(secret);
    secure_wipe(secret);
  } catch (...) {  // nothing may propagate into OpenSSL's C code;
  }                // a missing secret is reported after the handshake
}

// Wire bytes queued for a socket: the first `size` bytes of `bytes` (a
// recycled buffer may be larger than what it carries).
struct Block {
  Bytes bytes;
  std::size_t size = 0;
};

// One connection. With TLS, OpenSSL's handshake reads and writes through a
// BIO over the link's own buffers (see link_bio_*); afterwards the sealer and
// opener protect the application data in those same buffers.
struct Link {
  explicit Link(asio::io_context& io) : socket(io) {}
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;
  ~Link() {
    if (ssl != nullptr) SSL_free(ssl);  // frees both BIOs
  }

  std::size_t id = 0;
  tcp::socket socket;
  SSL* ssl = nullptr;
  HandshakeState handshake;
  std::unique_ptr<detail::TlsRecordSealer> sealer;  // set once the handshake is done
  std::unique_ptr<detail::TlsRecordOpener> opener;
  bool key_update_owed = false;  // the peer asked for our KeyUpdate
  Bytes inbox;  // ciphertext from the socket; unread: inbox[inbox_pos, inbox_len)
  std::size_t inbox_pos = 0;
  std::size_t inbox_len = 0;
  Bytes spill;  // content of an opened record beyond what the caller asked for
  std::size_t spill_pos = 0;
  std::size_t spill_len = 0;
  Bytes tls_out;  // handshake bytes written by OpenSSL, not yet queued
  Block open_block;  // TLS records sealed but not yet queued
  std::deque<Block> queue;  // wire bytes handed to the transport, written in order
  bool writing = false;
  Bytes pending;  // small sends gathered until flush()
  std::vector<Bytes> spare;
  std::string failure;  // set after a transport error: the link is dead
};

// The BIO between OpenSSL and a Link's buffers.
int link_bio_write(BIO* bio, const char* data, std::size_t size, std::size_t* written) {
  auto* l = static_cast<Link*>(BIO_get_data(bio));
  const auto* bytes = reinterpret_cast<const std::byte*>(data);
  l->tls_out.insert(l->tls_out.end(), bytes, bytes + size);
  *written = size;
  return 1;
}

int link_bio_read(BIO* bio, char* out, std::size_t size, std::size_t* read) {
  auto* l = static_cast<Link*>(BIO_get_data(bio));
  BIO_clear_retry_flags(bio);
  const std::size_t available = l->inbox_len - l->inbox_pos;
  if (available == 0) {
    BIO_set_retry_read(bio);  // "want more", not end of stream
    *read = 0;
    return 0;
  }
  const std::size_t n = std::min(available, size);
  std::memcpy(out, l->inbox.data() + l->inbox_pos, n);
  l->inbox_pos += n;
  *read = n;
  return 1;
}

long link_bio_ctrl(BIO* bio, int command, long, void*) {
  switch (command) {
    case BIO_CTRL_FLUSH:
      return 1;
    case BIO_CTRL_PENDING: {
      const auto* l = static_cast<const Link*>(BIO_get_data(bio));
      return static_cast<long>(l->inbox_len - l->inbox_pos);
    }
    default:
      return 0;
  }
}

int link_bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

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

// The method table, built once and kept for the life of the process.
BIO_METHOD* link_bio_method() {
  static BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "privfin link");
    if (m != nullptr) {
      BIO_meth_set_write_ex(m, link_bio_write);
      BIO_meth_set_read_ex(m, link_bio_read);
      BIO_meth_set_ctrl(m, link_bio_ctrl);
      BIO_meth_set_create(m, link_bio_create);
    }
    return m;
  }();
  return method;
}

struct TcpNetwork::Impl {
  Impl(const PartyConfig& cfg, std::size_t me) : config(cfg), self(me) {}
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    notices.reset();
    links.clear();
    acceptor.reset();
    if (ctx != nullptr) SSL_CTX_free(ctx);
  }

  // Declared first so that it is destroyed last.
  asio::io_context io{1};
  SSL_CTX* ctx = nullptr;
  std::unique_ptr<tcp::acceptor> acceptor;
  PartyConfig config;
  std::size_t self;
  bool tls = true;
  bool closed = false;
  std::vector<Bytes> pins;
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

  static bool is_disconnect(const asio::error_code& ec) {
    return ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe;
  }

  // ---------------------------------------------------------------- set-up

  void configure_tls() {
    ctx = SSL_CTX_new(TLS_method());
    if (ctx == nullptr) throw NetworkError("TcpNetwork: cannot create a TLS context: " + openssl_error());
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    // AES-GCM first: AES-NI makes it the fastest on servers.
    if (SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256") !=
        1) {
      throw InvalidArgument("TcpNetwork: cannot set the TLS 1.3 cipher suites: " + openssl_error());
    }
    SSL_CTX_set_num_tickets(ctx, 0);  // no resumption: no post-handshake messages
    // No read-ahead: OpenSSL must not consume bytes past the handshake, which
    // belong to our record layer.
    SSL_CTX_set_read_ahead(ctx, 0);
    SSL_CTX_set_keylog_callback(ctx, capture_traffic_secret);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, verify_pinned);
    const auto& me = config.parties[self];
    const std::string who = "TcpNetwork: party " + std::to_string(self);
    if (me.private_key.empty()) throw InvalidArgument(who + ": no private_key configured for the local party");
    if (SSL_CTX_use_certificate_chain_file(ctx, me.certificate.c_str()) != 1) {
      throw InvalidArgument(who + ": certificate " + me.certificate.string() + " cannot be loaded: " +
                            openssl_error());
    }
    if (std::FILE* f = std::fopen(me.private_key.c_str(), "rb"); f == nullptr) {
      throw InvalidArgument(who + ": private key " + me.private_key.string() + " cannot be read: " +
                            std::strerror(errno));
    } else {
      std::fclose(f);
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, me.private_key.c_str(), SSL_FILETYPE_PEM) != 1) {
      throw InvalidArgument(who + ": private key " + me.private_key.string() + " cannot be loaded: " +
                            openssl_error());
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
      throw InvalidArgument(who + ": private key " + me.private_key.string() + " does not match certificate " +
                            me.certificate.string());
    }
    if (!config.ca_certificate.empty() &&
        SSL_CTX_load_verify_locations(ctx, config.ca_certificate.c_str(), nullptr) != 1) {
      throw InvalidArgument("TcpNetwork: CA certificate " + config.ca_certificate.string() + " cannot be loaded: " +
                            openssl_error());
    }
    pins.resize(config.party_count());
    for (const auto& p : config.parties) pins[p.id] = load_pin(p.certificate, p.id);
  }

  void configure_socket(tcp::socket& socket) {
    asio::error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    socket.set_option(asio::socket_base::send_buffer_size(static_cast<int>(config.socket_buffer_size)), ec);
    socket.set_option(asio::socket_base::receive_buffer_size(static_cast<int>(config.socket_buffer_size)), ec);
  }

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

  // Moves what OpenSSL's handshake wrote for the peer into the link's queue.
  void drain_tls_output(Link& l) {
    if (l.tls_out.empty()) return;
    const std::size_t size = l.tls_out.size();
    l.queue.push_back(Block{std::move(l.tls_out), size});
    l.tls_out = {};
  }

  // Reads whatever the socket has (waiting up to the deadline) for OpenSSL;
  // called only when OpenSSL has consumed the previous block.
  asio::error_code feed_tls_input(Link& l, Clock::time_point deadline) {
    if (l.inbox.empty()) l.inbox.resize(inbox_size);
    l.inbox_pos = 0;
    l.inbox_len = 0;
    std::size_t n = 0;
    const auto ec = read_some(l, l.inbox, deadline, n);
    if (!ec) l.inbox_len = n;
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
    begin_tls(l, peer, as_client);
    for (;;) {
      const TlsStep step = tls_step(l);
      // Send what the handshake produced (alerts included) before deciding.
      const auto wec = write_queue_now(l, deadline);
      if (l.handshake.mismatch) throw NetworkError(peer, pin_mismatch(peer));
      if (step.state == TlsStep::done) break;
      if (step.state == TlsStep::failed) throw NetworkError(peer, step.error);
      if (wec) throw NetworkError(peer, "TLS handshake failed: " + wec.message());
      const auto ec = feed_tls_input(l, deadline);
      if (ec == asio::error::timed_out) throw NetworkError(peer, "TLS handshake did not finish before the deadline");
      if (ec) throw NetworkError(peer, "TLS handshake failed: " + describe(ec));
    }
    finish_tls(l, peer, as_client);
  }

  static std::string pin_mismatch(std::size_t peer) {
    return "TLS handshake failed: the certificate presented does not match the one pinned for party " +
           std::to_string(peer);
  }

  void begin_tls(Link& l, std::size_t peer, bool as_client) {
    l.ssl = SSL_new(ctx);
    l.handshake.pin = &pins[peer];
    l.handshake.has_ca = !config.ca_certificate.empty();
    BIO_METHOD* method = link_bio_method();
    BIO* bio = method == nullptr ? nullptr : BIO_new(method);
    if (l.ssl == nullptr || bio == nullptr) {
      if (bio != nullptr) BIO_free(bio);
      throw NetworkError(peer, "cannot create a TLS session: " + openssl_error());
    }
    BIO_set_data(bio, &l);
    SSL_set_bio(l.ssl, bio, bio);  // the SSL owns the BIO now
    SSL_set_app_data(l.ssl, &l.handshake);
    if (as_client) {
      SSL_set_connect_state(l.ssl);
    } else {
      SSL_set_accept_state(l.ssl);
    }
  }

  struct TlsStep {
    enum State { done, want_read, failed } state;
    std::string error;
  };

  // Advances the handshake with the input at hand; what OpenSSL wrote for
  // the peer goes to the link's queue, for the caller to send.
  TlsStep tls_step(Link& l) {
    ERR_clear_error();
    const int r = SSL_do_handshake(l.ssl);
    const int err = r == 1 ? SSL_ERROR_NONE : SSL_get_error(l.ssl, r);
    drain_tls_output(l);
    if (r == 1) return {TlsStep::done, {}};
    if (err == SSL_ERROR_WANT_READ) return {TlsStep::want_read, {}};
    return {TlsStep::failed, "TLS handshake failed: " + openssl_error()};
  }

  // After the handshake: checks the negotiated peer certificate once more
  // (belt and braces) and starts the record layer.
  void finish_tls(Link& l, std::size_t peer, bool as_client) {
    X509* cert = SSL_get0_peer_certificate(l.ssl);
    if (cert == nullptr || public_key_der(cert) != pins[peer]) throw NetworkError(peer, pin_mismatch(peer));
    start_record_layer(l, peer, as_client);
  }

  // Takes over the application data from OpenSSL: our sealer and opener with
  // the negotiated suite and the application traffic secrets. OpenSSL sends
  // nothing after the handshake (no tickets), so both directions start at
  // sequence number 0; key updates are ours (seal_records, read_tls). The
  // SSL object is freed here, which wipes OpenSSL's copies of the secrets.
  void start_record_layer(Link& l, std::size_t peer, bool as_client) {
    const SSL_CIPHER* cipher = SSL_get_current_cipher(l.ssl);
    const auto suite =
        cipher == nullptr ? std::nullopt : detail::tls_suite_from_code(SSL_CIPHER_get_protocol_id(cipher));
    auto& hs = l.handshake;
    if (SSL_version(l.ssl) != TLS1_3_VERSION || !suite || hs.client_secret.size() == 0 || hs.server_secret.size() == 0) {
      hs.wipe();
      throw NetworkError(peer, "TLS handshake did not yield TLS 1.3 application traffic keys");
    }
    const ByteView mine = as_client ? hs.client_secret.view() : hs.server_secret.view();
    const ByteView theirs = as_client ? hs.server_secret.view() : hs.client_secret.view();
    l.sealer = std::make_unique<detail::TlsRecordSealer>(*suite, mine);
    l.opener = std::make_unique<detail::TlsRecordOpener>(*suite, theirs);
    hs.wipe();
    SSL_free(l.ssl);  // and its BIO
    l.ssl = nullptr;
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
    const auto hello = encode_hello(my_hello(peer));
    auto ec = await([&](auto h) { asio::async_write(socket, asio::buffer(hello), std::move(h)); }, deadline, close);
    if (ec) return "the hello was not answered: " + describe(ec);
    std::array<std::byte, hello_size> reply{};
    ec = await([&](auto h) { asio::async_read(socket, asio::buffer(reply), std::move(h)); }, deadline, close);
    if (ec) return "the hello was not answered: " + describe(ec);
    const auto h = decode_hello(reply);
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
    const auto h = decode_hello(p.hello);
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
    p.reply = encode_hello(my_hello(peer));
    ++p.in_flight;
    asio::async_write(p.link->socket, asio::buffer(p.reply), [this, &st, &p, h](const asio::error_code& ec, std::size_t) {
      step(st, p, ec, [&] {
        // Our hello went out first, so a misconfigured peer learns why too.
        check_hello_agreement(*p.claimed, *h);
        if (!tls) {
          confirm(st, p);
          return;
        }
        begin_tls(*p.link, *p.claimed, false);
        continue_tls(st, p);
      });
    });
  }

  void continue_tls(AcceptState& st, PendingConnection& p) {
    const TlsStep result = tls_step(*p.link);
    write_queue_async(st, p, [this, &st, &p, result] {
      const std::size_t peer = *p.claimed;
      Link& l = *p.link;
      if (l.handshake.mismatch) throw NetworkError(peer, pin_mismatch(peer));
      if (result.state == TlsStep::failed) throw NetworkError(peer, result.error);
      if (result.state == TlsStep::done) {
        finish_tls(l, peer, false);
        confirm(st, p);
        return;
      }
      if (l.inbox.empty()) l.inbox.resize(inbox_size);
      ++p.in_flight;
      l.socket.async_read_some(asio::buffer(l.inbox), [this, &st, &p](const asio::error_code& ec, std::size_t n) {
        step(st, p, ec, [&] {
          p.link->inbox_pos = 0;
          p.link->inbox_len = n;
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
    const int fd = open_listener(me.host, me.port, error, error_number);
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
    l.open_block = Block{};
    asio::error_code ignored;
    l.socket.close(ignored);
  }

  static std::string describe(const asio::error_code& ec) {
    if (ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe) {
      return "disconnected (" + ec.message() + ")";
    }
    return ec.message();
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

  // TLS: seals `data` as records of the given type (at most 16 KiB of
  // content each, the first starting with data[0]) into the link's open
  // block; a block that reaches tls_block_target goes to the queue and
  // starts writing, so the socket is busy while the rest is sealed.
  void seal_records(Link& l, ByteView data, std::uint8_t content_type) {
    if (!l.sealer) throw NetworkError(l.id, "TLS session is not established");
    for (std::size_t at = 0; at < data.size(); at += detail::tls_max_plaintext) {
      const std::size_t chunk = std::min(detail::tls_max_plaintext, data.size() - at);
      if (l.key_update_owed || l.sealer->sequence() >= config.tls_key_update_records) {
        // Fresh sending keys (RFC 8446 §4.6.3): the KeyUpdate goes out under
        // the old keys, everything after it under the new ones.
        const Bytes key_update = detail::tls_key_update_message(false);
        seal_one(l, key_update, detail::tls_content_handshake);
        l.sealer->update();
        l.key_update_owed = false;
      }
      seal_one(l, data.subspan(at, chunk), content_type);
      Block& block = l.open_block;
      if (block.size >= tls_block_target) {
        finish_block(l);
        start_write(l);
        poll();
      }
    }
  }

  // TLS: one record (content at most 16 KiB) into the open block.
  void seal_one(Link& l, ByteView content, std::uint8_t content_type) {
    Block& block = l.open_block;
    if (block.bytes.size() - block.size < content.size() + detail::tls_record_overhead) {
      finish_block(l);
      block.bytes = take_buffer(l, tls_block_capacity);
    }
    block.size += l.sealer->seal(content, content_type, std::span(block.bytes).subspan(block.size));
  }

  // TLS: moves the open block, if it holds anything, to the queue.
  void finish_block(Link& l) {
    if (l.open_block.size == 0) return;
    l.queue.push_back(std::move(l.open_block));
    l.open_block = Block{};
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
      const auto ec = read_some(l, out.subspan(filled), next_deadline(), n);
      if (ec == asio::error::timed_out) throw receive_timed_out(l, out.size() - filled);
      if (is_disconnect(ec)) expect_notice_after_disconnect();
      if (ec) throw broken(describe(ec));
      filled += n;
    }
  }

  // Delivers some plaintext into `out` (non-empty): left over from the last
  // record, or from the next whole record in the inbox, reading more
  // ciphertext from the socket when no whole record is there.
  template <class NextDeadline, class Broken>
  std::size_t read_tls(Link& l, std::span<std::byte> out, NextDeadline& next_deadline, Broken& broken) {
    if (l.spill_pos < l.spill_len) return take_spill(l, out);
    if (!l.opener) throw broken("TLS session is not established");
    for (;;) {
      if (const std::size_t size = buffered_record(l, broken); size != 0) {
        if (const auto n = open_record(l, size, out, broken)) return *n;
        continue;  // a KeyUpdate: nothing to deliver
      }
      refill_inbox(l, out.size(), next_deadline, broken);
    }
  }

  static std::size_t take_spill(Link& l, std::span<std::byte> out) {
    const std::size_t n = std::min(out.size(), l.spill_len - l.spill_pos);
    std::memcpy(out.data(), l.spill.data() + l.spill_pos, n);
    l.spill_pos += n;
    return n;
  }

  // The size of the record at the front of the inbox once all of it has
  // arrived; 0 before.
  template <class Broken>
  static std::size_t buffered_record(const Link& l, Broken& broken) {
    const std::size_t available = l.inbox_len - l.inbox_pos;
    if (available < detail::tls_record_header_size) return 0;
    const auto body = detail::TlsRecordOpener::body_length(ByteView(l.inbox).subspan(l.inbox_pos));
    if (!body) throw broken("TLS error: malformed record header");
    const std::size_t size = detail::tls_record_header_size + *body;
    return available >= size ? size : 0;
  }

  // Opens the record at the front of the inbox: straight into `out` when
  // its content fits there, else into the spill. Returns the bytes
  // delivered, or nullopt for a KeyUpdate (applied here, delivers nothing).
  template <class Broken>
  std::optional<std::size_t> open_record(Link& l, std::size_t record_size, std::span<std::byte> out,
                                         Broken& broken) {
    const ByteView record = ByteView(l.inbox).subspan(l.inbox_pos, record_size);
    const std::size_t most = record_size - detail::tls_record_header_size - detail::tls_tag_size - 1;
    const bool direct = out.size() >= most;
    if (!direct && l.spill.size() < most) l.spill.resize(detail::tls_max_body);
    const std::span<std::byte> into = direct ? out.first(most) : std::span<std::byte>(l.spill);
    const auto opened = l.opener->open(record, into);
    if (!opened) throw broken("TLS error: a record failed authentication (data altered in transit)");
    l.inbox_pos += record_size;
    const ByteView content = ByteView(into).first(opened->length);
    if (opened->content_type == detail::tls_content_handshake) {
      // The one post-handshake message we accept.
      const auto requested = detail::parse_tls_key_update(content);
      if (!requested) {
        throw broken("TLS error: unexpected post-handshake message (only KeyUpdate is accepted; no tickets are used)");
      }
      l.opener->update();
      if (*requested) l.key_update_owed = true;
      return std::nullopt;
    }
    check_content_type(*opened, content, broken);
    if (direct) return opened->length;
    l.spill_pos = 0;
    l.spill_len = opened->length;
    return take_spill(l, out);
  }

  // Keeps the partial record at the front of the inbox and reads more
  // ciphertext after it.
  template <class NextDeadline, class Broken>
  void refill_inbox(Link& l, std::size_t outstanding, NextDeadline& next_deadline, Broken& broken) {
    if (l.inbox.empty()) l.inbox.resize(inbox_size);
    const std::size_t available = l.inbox_len - l.inbox_pos;
    if (l.inbox_pos > 0) {
      std::memmove(l.inbox.data(), l.inbox.data() + l.inbox_pos, available);
      l.inbox_pos = 0;
      l.inbox_len = available;
    }
    std::size_t n = 0;
    const auto ec = read_some(l, std::span(l.inbox).subspan(l.inbox_len), next_deadline(), n);
    if (ec == asio::error::timed_out) throw receive_timed_out(l, outstanding);
    if (is_disconnect(ec)) expect_notice_after_disconnect();
    if (ec) throw broken(describe(ec));
    l.inbox_len += n;
  }

  // Application data passes; an alert or an unknown record type ends the
  // connection with a message that says which.
  template <class Broken>
  void check_content_type(const detail::TlsRecordOpener::Opened& opened, ByteView content, Broken& broken) {
    switch (opened.content_type) {
      case detail::tls_content_application_data:
        return;
      case detail::tls_content_alert: {
        if (opened.length == 2 && content[1] == std::byte{0}) {
          expect_notice_after_disconnect();
          throw broken("disconnected (TLS close_notify)");
        }
        const int description = opened.length == 2 ? static_cast<int>(content[1]) : -1;
        throw broken("TLS alert " + std::to_string(description) + " from the peer");
      }
      default:
        throw broken("TLS error: record of unknown content type " + std::to_string(opened.content_type));
    }
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
        if (l->sealer) {
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
