// The transport pieces shared by TcpNetwork and the message bus, without a
// socket: two TlsHandshakes (lib/net/tls_handshake.hpp) talk through byte
// buffers, pin each other's keys and hand their keys to a RecordWriter and
// RecordReader (lib/net/record_stream.hpp); a wrong certificate is refused.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "net/net_test_support.hpp"
#include "net/record_stream.hpp"
#include "net/socket_io.hpp"
#include "net/tls_handshake.hpp"
#include "privfin/core/error.hpp"

using namespace privfin;
using namespace privfin::net::detail;

namespace {

struct Collect final : BlockSink {
  Bytes wire;
  Bytes take_buffer(std::size_t size) override { return Bytes(size); }
  void emit(Block&& block, bool) override { wire.insert(wire.end(), block.bytes.begin(), block.bytes.begin() + static_cast<std::ptrdiff_t>(block.size)); }
};

net::PartyConfig two_parties() {
  net::PartyConfig c;
  for (std::size_t i = 0; i < 2; ++i) c.parties.push_back(test::credentials().parties.at(i));
  c.parties[1].port = static_cast<std::uint16_t>(c.parties[0].port + 1);
  c.validate();
  return c;
}

// Runs both handshakes to the end through in-memory "sockets"; false as
// soon as either fails.
bool run(TlsHandshake& client, TlsHandshake& server, std::string& error) {
  Bytes to_server;
  Bytes to_client;
  bool client_done = false;
  bool server_done = false;
  for (int round = 0; round < 20 && !(client_done && server_done); ++round) {
    std::size_t used = 0;
    if (!client_done) {
      const auto step = client.step(to_client, used);
      to_client.erase(to_client.begin(), to_client.begin() + static_cast<std::ptrdiff_t>(used));
      const Bytes out = client.take_output();
      to_server.insert(to_server.end(), out.begin(), out.end());
      if (step.state == TlsHandshake::Step::failed) {
        error = step.error;
        return false;
      }
      client_done = step.state == TlsHandshake::Step::done;
    }
    if (!server_done) {
      const auto step = server.step(to_server, used);
      to_server.erase(to_server.begin(), to_server.begin() + static_cast<std::ptrdiff_t>(used));
      const Bytes out = server.take_output();
      to_client.insert(to_client.end(), out.begin(), out.end());
      if (step.state == TlsHandshake::Step::failed) {
        error = step.error;
        return false;
      }
      server_done = step.state == TlsHandshake::Step::done;
    }
  }
  return client_done && server_done;
}

}  // namespace

TEST_CASE("TLS handshake over buffers: pinned keys, then the record streams carry data both ways", "[net][tls][pieces]") {
  const auto config = two_parties();
  TlsContext ctx0(config, 0, "test");
  TlsContext ctx1(config, 1, "test");
  TlsHandshake client(ctx1, 0, true);   // party 1 dials party 0
  TlsHandshake server(ctx0, 1, false);
  std::string error;
  REQUIRE(run(client, server, error));
  CHECK_FALSE(client.pin_mismatch());
  CHECK_FALSE(server.pin_mismatch());
  RecordKeys ck = client.finish();
  RecordKeys sk = server.finish();
  RecordWriter out(std::move(ck.sealer), 3);  // a KeyUpdate every 3 records
  RecordReader in;
  in.set_opener(std::move(sk.opener));

  Collect sink;
  const Bytes big(100'000, std::byte{0x42});
  out.seal(big, tls_content_application_data, sink);
  out.seal(as_bytes(std::string_view("tail")), tls_content_application_data, sink);
  out.finish_block(sink);
  // Deliver the ciphertext in uneven socket reads.
  Bytes plain;
  std::size_t at = 0;
  Bytes buffer(7000);
  while (plain.size() < big.size() + 4) {
    const std::size_t got = in.read(buffer);
    if (got > 0) {
      plain.insert(plain.end(), buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(got));
      continue;
    }
    REQUIRE(at < sink.wire.size());
    const auto room = in.room();
    const std::size_t n = std::min<std::size_t>({room.size(), 1234, sink.wire.size() - at});
    std::copy_n(sink.wire.begin() + static_cast<std::ptrdiff_t>(at), n, room.begin());
    in.filled(n);
    at += n;
  }
  CHECK(std::equal(big.begin(), big.end(), plain.begin()));
  CHECK(std::string(reinterpret_cast<const char*>(plain.data()) + big.size(), 4) == "tail");

  // A flipped bit in a record: RecordError, the connection must go.
  RecordWriter out2(std::move(sk.sealer), 1000);
  RecordReader in2;
  in2.set_opener(std::move(ck.opener));
  Collect sink2;
  out2.seal(as_bytes(std::string_view("hello")), tls_content_application_data, sink2);
  out2.finish_block(sink2);
  sink2.wire[10] ^= std::byte{1};
  const auto room = in2.room();
  std::copy(sink2.wire.begin(), sink2.wire.end(), room.begin());
  in2.filled(sink2.wire.size());
  CHECK_THROWS_AS(in2.read(buffer), RecordError);
}

TEST_CASE("TLS handshake over buffers: a certificate other than the pinned one is refused", "[net][tls][pieces]") {
  auto config = two_parties();
  TlsContext ctx0(config, 0, "test");
  // Party 1 presents party 2's certificate and key.
  auto impostor = config;
  impostor.parties[1].certificate = test::credentials().parties.at(2).certificate;
  impostor.parties[1].private_key = test::credentials().parties.at(2).private_key;
  TlsContext ctx1(impostor, 1, "test");
  TlsHandshake client(ctx1, 0, true);
  TlsHandshake server(ctx0, 1, false);
  std::string error;
  CHECK_FALSE(run(client, server, error));
  CHECK(server.pin_mismatch());
  CHECK(pin_mismatch_message(1) == "TLS handshake failed: the certificate presented does not match the one pinned "
                                   "for party 1");
  CHECK_THROWS_AS(server.finish(), NetworkError);
}

TEST_CASE("Socket pieces: hello codec per transport, back-off schedule", "[net][pieces]") {
  const Hello h{3, 1, 5, 1};
  const auto wire = encode_hello(network_hello_magic, h);
  const auto back = decode_hello(network_hello_magic, wire);
  REQUIRE(back);
  CHECK(back->sender == 3);
  CHECK(back->receiver == 1);
  CHECK(back->count == 5);
  CHECK(back->transport == 1);
  constexpr HelloMagic other = {'P', 'R', 'I', 'V', 'B', 'U', 'S', '1'};
  CHECK_FALSE(decode_hello(other, wire));
  CHECK_FALSE(decode_hello(network_hello_magic, ByteView(wire).first(hello_size - 1)));

  Backoff b(std::chrono::milliseconds(100));
  std::vector<long> steps;
  for (int i = 0; i < 6; ++i) steps.push_back(b.next().count());
  CHECK(steps == std::vector<long>{10, 20, 40, 80, 100, 100});
  b.reset();
  CHECK(b.next().count() == 10);
}
