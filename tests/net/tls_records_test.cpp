// TcpNetwork's own TLS 1.3 record layer (lib/net/tls_records.hpp): key
// derivation and record protection against RFC 8448's traces, refusal of
// altered, reordered and malformed records, and two-way interoperability
// with OpenSSL's record layer after a real handshake.
#include <catch2/catch.hpp>
#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <fstream>
#include <map>
#include <privfin/core/bytes.hpp>
#include <privfin/net/keygen.hpp>
#include <string>

#include "net/tls_records.hpp"
#include "net/tls_test_support.hpp"
#include "support/processes.hpp"
#include "support/vectors.hpp"

namespace {

using namespace privfin;
using namespace privfin::net::detail;

std::map<std::string, std::string> load_rfc8448() {
  std::ifstream in(test::vectors_dir() / "tls13" / "rfc8448_simple_1rtt.txt");
  REQUIRE(in);
  std::map<std::string, std::string> values;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find(" = ");
    REQUIRE(eq != std::string::npos);
    values[line.substr(0, eq)] = line.substr(eq + 3);
  }
  return values;
}

struct VectorRecord {
  std::uint64_t seq;
  Bytes plaintext;
  std::uint8_t content_type;
  Bytes record;
};

std::vector<VectorRecord> records_of(const std::map<std::string, std::string>& v, const std::string& side) {
  std::vector<VectorRecord> out;
  for (int i = 0;; ++i) {
    const std::string prefix = side + "_record" + std::to_string(i);
    if (v.count(prefix) == 0) break;
    out.push_back({std::stoull(v.at(prefix + "_seq")), from_hex(v.at(prefix + "_plaintext")),
                   static_cast<std::uint8_t>(std::stoi(v.at(prefix + "_content_type"), nullptr, 16)),
                   from_hex(v.at(prefix))});
  }
  return out;
}

}  // namespace

TEST_CASE("HKDF-Expand-Label gives RFC 8448's application traffic keys", "[net][tls]") {
  const auto v = load_rfc8448();
  for (const std::string side : {"server", "client"}) {
    INFO(side);
    const Bytes secret = from_hex(v.at(side + "_app_secret"));
    CHECK(to_hex(hkdf_expand_label(TlsSuite::aes_128_gcm_sha256, secret, "key", {}, 16).view()) ==
          v.at(side + "_app_key"));
    CHECK(to_hex(hkdf_expand_label(TlsSuite::aes_128_gcm_sha256, secret, "iv", {}, 12).view()) ==
          v.at(side + "_app_iv"));
  }
}

namespace {
const char* name(TlsAead aead) { return aead == TlsAead::fastest ? "fastest AEAD" : "OpenSSL AEAD"; }
}  // namespace

TEST_CASE("Records are sealed and opened exactly as in RFC 8448", "[net][tls]") {
  const auto v = load_rfc8448();
  const TlsAead aead = GENERATE(TlsAead::fastest, TlsAead::openssl);
  INFO(name(aead));
  for (const std::string side : {"server", "client"}) {
    INFO(side);
    const Bytes secret = from_hex(v.at(side + "_app_secret"));
    const auto records = records_of(v, side);
    REQUIRE(!records.empty());
    TlsRecordSealer sealer(TlsSuite::aes_128_gcm_sha256, secret, aead);
    TlsRecordOpener opener(TlsSuite::aes_128_gcm_sha256, secret, aead);
    REQUIRE(sealer.uses_vaes() == (aead == TlsAead::fastest && net::detail::vaes_gcm_supported()));
    for (const auto& r : records) {
      INFO("sequence " << r.seq);
      REQUIRE(sealer.sequence() == r.seq);
      Bytes sealed(r.plaintext.size() + tls_record_overhead);
      CHECK(sealer.seal(r.plaintext, r.content_type, sealed) == r.record.size());
      CHECK(to_hex(sealed) == to_hex(r.record));

      Bytes opened(r.plaintext.size());  // exactly the content: the type byte is kept apart
      const auto got = opener.open(r.record, opened);
      REQUIRE(got);
      CHECK(got->content_type == r.content_type);
      CHECK(to_hex(ByteView(opened).first(got->length)) == to_hex(r.plaintext));
    }
  }
}

TEST_CASE("Altered, reordered and malformed records are refused", "[net][tls]") {
  const auto v = load_rfc8448();
  const TlsAead aead = GENERATE(TlsAead::fastest, TlsAead::openssl);
  INFO(name(aead));
  const Bytes secret = from_hex(v.at("client_app_secret"));
  const Bytes record = from_hex(v.at("client_record0"));
  Bytes out(record.size());

  SECTION("every flipped bit fails authentication") {
    for (std::size_t i = 0; i < record.size(); ++i) {
      Bytes altered = record;
      altered[i] ^= std::byte{0x01};
      TlsRecordOpener opener(TlsSuite::aes_128_gcm_sha256, secret, aead);
      INFO("byte " << i);
      CHECK_FALSE(opener.open(altered, out));
    }
  }
  SECTION("a record opened under the wrong sequence number fails") {
    TlsRecordOpener opener(TlsSuite::aes_128_gcm_sha256, secret, aead);
    const Bytes second = from_hex(v.at("client_record1"));
    CHECK_FALSE(opener.open(second, out));  // sequence 1 presented first
  }
  SECTION("the other direction's key does not open it") {
    TlsRecordOpener opener(TlsSuite::aes_128_gcm_sha256, from_hex(v.at("server_app_secret")), aead);
    CHECK_FALSE(opener.open(record, out));
  }
  SECTION("headers that are not protected TLS 1.3 records") {
    CHECK(TlsRecordOpener::body_length(from_hex("1703030043")) == std::size_t{0x43});
    CHECK_FALSE(TlsRecordOpener::body_length(from_hex("1603030043")));  // plaintext handshake type
    CHECK_FALSE(TlsRecordOpener::body_length(from_hex("1703010043")));  // wrong legacy version
    CHECK_FALSE(TlsRecordOpener::body_length(from_hex("1703030010")));  // shorter than a tag and a type
    CHECK_FALSE(TlsRecordOpener::body_length(from_hex("1703034101")));  // longer than 2^14 + 256
    CHECK_FALSE(TlsRecordOpener::body_length(from_hex("17030300")));    // truncated header
    TlsRecordOpener opener(TlsSuite::aes_128_gcm_sha256, secret, aead);
    CHECK_FALSE(opener.open(ByteView(record).first(record.size() - 1), out));  // length field lies
  }
  SECTION("content too long for one record is refused before sealing") {
    TlsRecordSealer sealer(TlsSuite::aes_128_gcm_sha256, secret, aead);
    Bytes big(tls_max_plaintext + 1);
    Bytes room(big.size() + tls_record_overhead);
    CHECK_THROWS_AS(sealer.seal(big, tls_content_application_data, room), InvalidArgument);
    CHECK(sealer.sequence() == 0);
  }
}

TEST_CASE("KeyUpdate messages are built and parsed exactly", "[net][tls]") {
  CHECK(to_hex(tls_key_update_message(false)) == "1800000100");
  CHECK(to_hex(tls_key_update_message(true)) == "1800000101");
  CHECK(parse_tls_key_update(from_hex("1800000100")) == std::optional<bool>(false));
  CHECK(parse_tls_key_update(from_hex("1800000101")) == std::optional<bool>(true));
  CHECK_FALSE(parse_tls_key_update(from_hex("1800000102")));    // bad request value
  CHECK_FALSE(parse_tls_key_update(from_hex("0400000100")));    // another handshake type
  CHECK_FALSE(parse_tls_key_update(from_hex("18000001")));      // truncated
  CHECK_FALSE(parse_tls_key_update(from_hex("180000010000")));  // two messages' worth
}

TEST_CASE("A key update moves both ends to the same next keys", "[net][tls]") {
  const auto v = load_rfc8448();
  const Bytes secret = from_hex(v.at("client_app_secret"));
  const TlsAead aead = GENERATE(TlsAead::fastest, TlsAead::openssl);
  INFO(name(aead));
  TlsRecordSealer sealer(TlsSuite::aes_128_gcm_sha256, secret, aead);
  TlsRecordOpener opener(TlsSuite::aes_128_gcm_sha256, secret, aead);
  TlsRecordOpener stale(TlsSuite::aes_128_gcm_sha256, secret, aead);
  const Bytes content = from_hex("00112233445566778899");
  Bytes record(content.size() + tls_record_overhead);
  Bytes out(content.size());
  sealer.seal(content, tls_content_application_data, record);
  REQUIRE(opener.open(record, out));
  sealer.update();
  opener.update();
  CHECK(sealer.sequence() == 0);
  sealer.seal(content, tls_content_application_data, record);
  const auto opened = opener.open(record, out);
  REQUIRE(opened);
  CHECK(out == content);
  Bytes room(64);
  REQUIRE(stale.open(from_hex(v.at("client_record0")), room));  // stale: sequence 1, old keys
  CHECK_FALSE(stale.open(record, out));                          // the old keys do not open it
}

namespace {

// One side of an in-memory TLS 1.3 connection run by OpenSSL, with the
// application traffic secrets captured the way TcpNetwork captures them.
struct OpenSslEnd {
  OpenSslEnd(const net::PartyEndpoint& me, const char* suite) {
    ctx = SSL_CTX_new(TLS_method());
    REQUIRE(ctx != nullptr);
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_num_tickets(ctx, 0);
    REQUIRE(SSL_CTX_set_ciphersuites(ctx, suite) == 1);
    REQUIRE(SSL_CTX_use_certificate_file(ctx, me.certificate.c_str(), SSL_FILETYPE_PEM) == 1);
    REQUIRE(SSL_CTX_use_PrivateKey_file(ctx, me.private_key.c_str(), SSL_FILETYPE_PEM) == 1);
    SSL_CTX_set_keylog_callback(ctx, test::CapturedSecrets::keylog);
    ssl = SSL_new(ctx);
    SSL_set_app_data(ssl, &secrets);
  }
  ~OpenSslEnd() {
    SSL_free(ssl);
    SSL_CTX_free(ctx);
  }
  OpenSslEnd(const OpenSslEnd&) = delete;
  OpenSslEnd& operator=(const OpenSslEnd&) = delete;

  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  test::CapturedSecrets secrets;
};

Bytes drain(BIO* bio) {
  Bytes out;
  std::array<std::byte, 4096> chunk{};
  for (;;) {
    const int n = BIO_read(bio, chunk.data(), static_cast<int>(chunk.size()));
    if (n <= 0) break;
    out.insert(out.end(), chunk.begin(), chunk.begin() + n);
  }
  return out;
}

}  // namespace

TEST_CASE("Our records interoperate with OpenSSL's record layer both ways", "[net][tls]") {
  const auto [suite_name, suite] = GENERATE(std::pair{"TLS_AES_128_GCM_SHA256", TlsSuite::aes_128_gcm_sha256},
                                            std::pair{"TLS_AES_256_GCM_SHA384", TlsSuite::aes_256_gcm_sha384},
                                            std::pair{"TLS_CHACHA20_POLY1305_SHA256",
                                                      TlsSuite::chacha20_poly1305_sha256});
  const TlsAead aead = GENERATE(TlsAead::fastest, TlsAead::openssl);
  INFO(suite_name << ", " << name(aead));
  test::TempDir dir;
  const auto cluster = net::write_local_cluster(dir.path(), 2, "127.0.0.1", 41000);
  OpenSslEnd client(cluster.parties[0], suite_name);
  OpenSslEnd server(cluster.parties[1], suite_name);
  // Two memory BIOs per side: what the client writes, the server reads.
  BIO* to_server = BIO_new(BIO_s_mem());
  BIO* to_client = BIO_new(BIO_s_mem());
  // One reference for each SSL and one for the test itself.
  for (BIO* b : {to_server, to_client}) {
    BIO_up_ref(b);
    BIO_up_ref(b);
  }
  SSL_set_bio(client.ssl, to_client, to_server);
  SSL_set_bio(server.ssl, to_server, to_client);
  SSL_set_connect_state(client.ssl);
  SSL_set_accept_state(server.ssl);
  bool client_done = false;
  bool server_done = false;
  for (int step = 0; step < 20 && !(client_done && server_done); ++step) {
    if (!client_done) client_done = SSL_do_handshake(client.ssl) == 1;
    if (!server_done) server_done = SSL_do_handshake(server.ssl) == 1;
  }
  REQUIRE(client_done);
  REQUIRE(server_done);
  REQUIRE(SSL_CIPHER_get_protocol_id(SSL_get_current_cipher(client.ssl)) == static_cast<std::uint16_t>(suite));
  REQUIRE(!client.secrets.client.empty());
  REQUIRE(client.secrets.server == server.secrets.server);

  // 40 000 bytes: three records from OpenSSL (16 KiB each at most).
  Bytes message(40'000);
  for (std::size_t i = 0; i < message.size(); ++i) message[i] = static_cast<std::byte>(i * 7 + 3);

  SECTION("OpenSSL seals (server), we open (client side)") {
    REQUIRE(SSL_write(server.ssl, message.data(), static_cast<int>(message.size())) ==
            static_cast<int>(message.size()));
    const Bytes wire = drain(to_client);
    TlsRecordOpener opener(suite, client.secrets.server, aead);
    Bytes received;
    std::size_t at = 0;
    while (at < wire.size()) {
      const auto body = TlsRecordOpener::body_length(ByteView(wire).subspan(at));
      REQUIRE(body);
      Bytes content(*body);
      const auto opened = opener.open(ByteView(wire).subspan(at, tls_record_header_size + *body), content);
      REQUIRE(opened);
      CHECK(opened->content_type == tls_content_application_data);
      received.insert(received.end(), content.begin(), content.begin() + static_cast<std::ptrdiff_t>(opened->length));
      at += tls_record_header_size + *body;
    }
    CHECK(received == message);
  }
  SECTION("we seal (client side), OpenSSL opens (server)") {
    TlsRecordSealer sealer(suite, client.secrets.client, aead);
    Bytes wire;
    for (std::size_t at = 0; at < message.size(); at += tls_max_plaintext) {
      const std::size_t len = std::min(tls_max_plaintext, message.size() - at);
      Bytes record(len + tls_record_overhead);
      sealer.seal(ByteView(message).subspan(at, len), tls_content_application_data, record);
      wire.insert(wire.end(), record.begin(), record.end());
    }
    REQUIRE(BIO_write(to_server, wire.data(), static_cast<int>(wire.size())) == static_cast<int>(wire.size()));
    Bytes received(message.size());
    std::size_t got = 0;
    while (got < received.size()) {
      const int n = SSL_read(server.ssl, received.data() + got, static_cast<int>(received.size() - got));
      REQUIRE(n > 0);
      got += static_cast<std::size_t>(n);
    }
    CHECK(received == message);
  }
  SECTION("key updates interoperate: OpenSSL's, ours, and one that OpenSSL answers") {
    // OpenSSL (server) updates its keys, then sends: we see a KeyUpdate
    // under the old keys, then data under the next.
    TlsRecordOpener opener(suite, client.secrets.server, aead);
    const auto open_all = [&](const Bytes& wire) {
      Bytes received;
      std::size_t updates = 0;
      for (std::size_t at = 0; at < wire.size();) {
        const auto body = TlsRecordOpener::body_length(ByteView(wire).subspan(at));
        REQUIRE(body);
        Bytes content(*body);
        const auto opened = opener.open(ByteView(wire).subspan(at, tls_record_header_size + *body), content);
        REQUIRE(opened);
        at += tls_record_header_size + *body;
        if (opened->content_type == tls_content_handshake) {
          REQUIRE(parse_tls_key_update(ByteView(content).first(opened->length)).has_value());
          opener.update();
          ++updates;
          continue;
        }
        received.insert(received.end(), content.begin(), content.begin() + static_cast<std::ptrdiff_t>(opened->length));
      }
      CHECK(updates == 1);
      return received;
    };
    REQUIRE(SSL_key_update(server.ssl, SSL_KEY_UPDATE_NOT_REQUESTED) == 1);
    REQUIRE(SSL_write(server.ssl, message.data(), 1000) == 1000);
    CHECK(open_all(drain(to_client)) == Bytes(message.begin(), message.begin() + 1000));

    // We update ours and ask OpenSSL to update as well; it reads our data
    // under our next keys and answers with its own KeyUpdate first.
    TlsRecordSealer sealer(suite, client.secrets.client, aead);
    Bytes wire(5 + tls_record_overhead + 1000 + tls_record_overhead);
    std::size_t size = sealer.seal(tls_key_update_message(true), tls_content_handshake, wire);
    sealer.update();
    size += sealer.seal(ByteView(message).first(1000), tls_content_application_data, std::span(wire).subspan(size));
    REQUIRE(BIO_write(to_server, wire.data(), static_cast<int>(size)) == static_cast<int>(size));
    Bytes got(1000);
    REQUIRE(SSL_read(server.ssl, got.data(), 1000) == 1000);
    CHECK(got == Bytes(message.begin(), message.begin() + 1000));
    REQUIRE(SSL_write(server.ssl, message.data() + 1000, 1000) == 1000);
    CHECK(open_all(drain(to_client)) == Bytes(message.begin() + 1000, message.begin() + 2000));
  }
  BIO_free(to_server);
  BIO_free(to_client);
}
