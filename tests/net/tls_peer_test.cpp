// TcpNetwork's TLS record layer facing a peer that is not TcpNetwork: a
// party-1 impostor with the right credentials that speaks the privfin hello,
// runs the handshake with plain OpenSSL, and then reads and writes records
// by hand. A KeyUpdate that asks for an
// answer works both ways; close_notify, a fatal alert, a post-handshake
// message other than KeyUpdate, an unknown record type and a malformed record
// header each end the connection with a NetworkError that names the peer and
// says what arrived.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <privfin/core/codec.hpp>
#include <privfin/net/tcp_network.hpp>
#include <string>

#include "net/net_test_support.hpp"
#include "net/tls_records.hpp"
#include "net/tls_test_support.hpp"

using namespace privfin;
using namespace privfin::net::detail;

namespace {

// Party 1 as seen by party 0, driven by hand.
class HandDrivenPeer {
 public:
  HandDrivenPeer(const net::PartyConfig& config, std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    timeval limit{10, 0};  // every blocking call below is bounded
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);

    Writer hello;
    hello.raw(as_bytes(std::string_view("PRIVFIN1"))).u32(1).u32(0).u32(2).u8(1);
    write_all(hello.data());
    std::array<std::byte, 21> reply{};
    REQUIRE(::recv(fd_, reply.data(), reply.size(), MSG_WAITALL) == static_cast<ssize_t>(reply.size()));

    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(ctx_, TLS1_3_VERSION);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);  // the impostor trusts anyone
    REQUIRE(SSL_CTX_use_certificate_file(ctx_, config.parties[1].certificate.c_str(), SSL_FILETYPE_PEM) == 1);
    REQUIRE(SSL_CTX_use_PrivateKey_file(ctx_, config.parties[1].private_key.c_str(), SSL_FILETYPE_PEM) == 1);
    SSL_CTX_set_keylog_callback(ctx_, test::CapturedSecrets::keylog);
    ssl_ = SSL_new(ctx_);
    SSL_set_app_data(ssl_, &secrets_);
    SSL_set_fd(ssl_, fd_);
    REQUIRE(SSL_connect(ssl_) == 1);  // without read-ahead: nothing past the handshake is read
    const auto suite = tls_suite_from_code(SSL_CIPHER_get_protocol_id(SSL_get_current_cipher(ssl_)));
    REQUIRE(suite);
    REQUIRE(!secrets_.client.empty());
    REQUIRE(!secrets_.server.empty());
    sealer_ = std::make_unique<TlsRecordSealer>(*suite, secrets_.client);
    opener_ = std::make_unique<TlsRecordOpener>(*suite, secrets_.server);
    REQUIRE(read(8).data == to_bytes("PF-READY"));
  }
  ~HandDrivenPeer() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
    ::close(fd_);
  }
  HandDrivenPeer(const HandDrivenPeer&) = delete;
  HandDrivenPeer& operator=(const HandDrivenPeer&) = delete;

  // Writes one record of our choosing under the current sending keys.
  void send_record(ByteView content, std::uint8_t type) {
    Bytes record(content.size() + tls_record_overhead);
    write_all(ByteView(record).first(sealer_->seal(content, type, record)));
  }
  void update_keys() { sealer_->update(); }
  // Writes bytes that need not be a record at all.
  void send_raw(ByteView bytes) { write_all(bytes); }

  struct Received {
    Bytes data;
    int key_updates = 0;  // KeyUpdate messages before the data
  };
  // Reads records until n bytes of application data have arrived, applying
  // the peer's key updates on the way.
  Received read(std::size_t n) {
    Received out;
    while (out.data.size() < n) {
      std::array<std::byte, tls_record_header_size> header{};
      REQUIRE(::recv(fd_, header.data(), header.size(), MSG_WAITALL) == static_cast<ssize_t>(header.size()));
      const auto body = TlsRecordOpener::body_length(header);
      REQUIRE(body);
      Bytes record(header.begin(), header.end());
      record.resize(tls_record_header_size + *body);
      REQUIRE(::recv(fd_, record.data() + tls_record_header_size, *body, MSG_WAITALL) == static_cast<ssize_t>(*body));
      Bytes content(*body);
      const auto opened = opener_->open(record, content);
      REQUIRE(opened);
      content.resize(opened->length);
      if (opened->content_type == tls_content_handshake) {
        REQUIRE(parse_tls_key_update(content) == std::optional<bool>(false));
        opener_->update();
        ++out.key_updates;
        continue;
      }
      REQUIRE(opened->content_type == tls_content_application_data);
      out.data.insert(out.data.end(), content.begin(), content.end());
    }
    return out;
  }

 private:
  void write_all(ByteView data) {
    for (std::size_t done = 0; done < data.size();) {
      const ssize_t w = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      REQUIRE(w > 0);
      done += static_cast<std::size_t>(w);
    }
  }

  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  test::CapturedSecrets secrets_;
  std::unique_ptr<TlsRecordSealer> sealer_;
  std::unique_ptr<TlsRecordOpener> opener_;
};

std::string network_error_of(const std::function<void()>& fn, std::optional<std::size_t>& blamed) {
  try {
    fn();
  } catch (const NetworkError& e) {
    blamed = e.party();
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("TcpNetwork answers a peer's KeyUpdate request and reads under the peer's next keys", "[net][tcp][tls]") {
  auto cluster = test::make_tcp_cluster(2, net::Transport::tls);
  const Bytes hello = to_bytes("hello, party 0");
  const Bytes answer = to_bytes("hello, party 1");
  std::unique_ptr<net::TcpNetwork> party0;
  std::thread acceptor([&] { party0 = cluster.connect(0); });
  HandDrivenPeer peer(cluster.config, cluster.config.parties[0].port);
  acceptor.join();
  REQUIRE(party0);

  peer.send_record(tls_key_update_message(true), tls_content_handshake);
  peer.update_keys();
  peer.send_record(hello, tls_content_application_data);
  Bytes got(hello.size());
  party0->receive(1, got);
  CHECK(got == hello);
  // Party 0 owes a KeyUpdate: it comes before the data, which follows under
  // party 0's next keys. (That OpenSSL accepts our KeyUpdates is shown in
  // tls_records_test.cpp.)
  party0->send(1, answer);
  party0->flush();
  const auto reply = peer.read(answer.size());
  CHECK(reply.key_updates == 1);
  CHECK(reply.data == answer);
}

TEST_CASE("TcpNetwork drops a peer that sends alerts, tickets, unknown or malformed records, naming it", "[net][tcp][tls]") {
  struct Case {
    const char* what;
    Bytes content;
    std::uint8_t type;  // 0: `content` is written as it is, not as a record
    const char* expected;
  };
  const auto c = GENERATE(Case{"close_notify", Bytes{std::byte{1}, std::byte{0}}, tls_content_alert,
                               "disconnected (TLS close_notify)"},
                          Case{"fatal alert", Bytes{std::byte{2}, std::byte{40}}, tls_content_alert, "TLS alert 40"},
                          Case{"plaintext record", from_hex("1603030005aabbccddee"), 0, "malformed record header"},
                          Case{"record longer than TLS allows", from_hex("1703034200"), 0, "malformed record header"},
                          Case{"NewSessionTicket", from_hex("04000004000000ff"), tls_content_handshake,
                               "unexpected post-handshake message"},
                          Case{"unknown record type", to_bytes("?"), 99, "unknown content type 99"});
  INFO(c.what);
  auto cluster = test::make_tcp_cluster(2, net::Transport::tls);
  std::unique_ptr<net::TcpNetwork> party0;
  std::thread acceptor([&] { party0 = cluster.connect(0); });
  HandDrivenPeer peer(cluster.config, cluster.config.parties[0].port);
  acceptor.join();
  REQUIRE(party0);

  peer.send_record(to_bytes("fine"), tls_content_application_data);
  Bytes fine(4);
  party0->receive(1, fine);
  CHECK(fine == to_bytes("fine"));
  if (c.type == 0) {
    peer.send_raw(c.content);
  } else {
    peer.send_record(c.content, c.type);
  }
  std::optional<std::size_t> blamed;
  const std::string message = network_error_of([&] { (void)party0->receive(1, 4); }, blamed);
  CHECK_THAT(message, Catch::Contains(c.expected));
  CHECK(blamed == std::optional<std::size_t>(1));
}
