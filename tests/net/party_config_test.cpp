// PartyConfig: JSON parsing, every validation error, the round trip, and the
// credentials and cluster files written by the keygen API and tool.
#include "privfin/net/party_config.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include "net/net_test_support.hpp"
#include "privfin/core/error.hpp"

using namespace privfin;
using net::PartyConfig;

namespace {

const char* const good = R"({
  "version": 1,
  "transport": "tls",
  "connect_timeout_ms": 5000,
  "receive_timeout_ms": 7000,
  "max_message_bytes": 1048576,
  "tls_key_update_records": 1000,
  "parties": [
    {"id": 1, "host": "10.0.0.2", "port": 7001, "certificate": "p1.crt"},
    {"id": 0, "host": "10.0.0.1", "port": 7000, "certificate": "/etc/privfin/p0.crt", "private_key": "p0.key"}
  ]
})";

std::string with(const std::string& from, const std::string& to) {
  std::string s = good;
  const auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

void rejects(const std::string& json, const std::string& fragment) {
  INFO(json);
  try {
    (void)PartyConfig::parse(json, "/base");
    FAIL("accepted");
  } catch (const InvalidArgument& e) {
    CHECK_THAT(e.what(), Catch::Contains(fragment));
  }
}

}  // namespace

TEST_CASE("PartyConfig parses, sorts by id and resolves paths", "[net][config]") {
  const auto c = PartyConfig::parse(good, "/base");
  REQUIRE(c.party_count() == 2);
  CHECK(c.parties[0].id == 0);
  CHECK(c.parties[0].host == "10.0.0.1");
  CHECK(c.parties[0].port == 7000);
  CHECK(c.parties[0].certificate == "/etc/privfin/p0.crt");
  CHECK(c.parties[0].private_key == "/base/p0.key");
  CHECK(c.parties[1].certificate == "/base/p1.crt");
  CHECK(c.parties[1].private_key.empty());
  CHECK(c.transport == net::Transport::tls);
  CHECK(c.connect_timeout == std::chrono::milliseconds(5000));
  CHECK(c.receive_timeout == std::chrono::milliseconds(7000));
  CHECK(c.max_message_size == 1048576);
  CHECK(c.tls_key_update_records == 1000);
  CHECK(PartyConfig::parse(with(R"("tls_key_update_records": 1000,)", "")).tls_key_update_records == 1u << 22);
  // The round trip keeps every value.
  const auto again = PartyConfig::parse(c.to_json());
  CHECK(again.to_json() == c.to_json());
}

TEST_CASE("PartyConfig defaults to TLS and reads plain_insecure only by name", "[net][config]") {
  const auto c = PartyConfig::parse(with(R"("transport": "tls",)", ""));
  CHECK(c.transport == net::Transport::tls);
  CHECK(PartyConfig::parse(with(R"("tls")", R"("plain_insecure")")).transport == net::Transport::plain_insecure);
  rejects(with(R"("tls")", R"("plain")"), "transport");
  rejects(with(R"("tls")", R"("TLS")"), "transport");
}

TEST_CASE("PartyConfig rejects bad values with InvalidArgument", "[net][config]") {
  rejects(with(R"("id": 1,)", R"("id": 2,)"), "party id 2 is out of range");
  rejects(with(R"("id": 1,)", R"("id": 0,)"), "appears twice");
  rejects(with(R"("id": 1,)", R"("id": -1,)"), "must not be negative");
  CHECK(PartyConfig::parse(with(R"("port": 7001)", R"("port": 7000)")).parties[1].port == 7000);  // other host
  rejects(with(R"("10.0.0.2", "port": 7001)", R"("10.0.0.1", "port": 7000)"), "used by another party");
  rejects(with(R"("port": 7001)", R"("port": 70000)"), "port");
  rejects(with(R"("port": 7001)", R"("port": 0)"), "port");
  rejects(with(R"("port": 7001)", R"("port": "7001")"), "must be an integer");
  rejects(with(R"("host": "10.0.0.2", )", R"("host": "", )"), "host is empty");
  rejects(with(R"("connect_timeout_ms": 5000)", R"("connect_timeout_ms": 0)"), "connect_timeout_ms");
  rejects(with(R"("receive_timeout_ms": 7000)", R"("receive_timeout_ms": 0)"), "receive_timeout_ms");
  rejects(with(R"("max_message_bytes": 1048576)", R"("max_message_bytes": 0)"), "max_message_bytes");
  rejects(with(R"("tls_key_update_records": 1000)", R"("tls_key_update_records": 0)"), "tls_key_update_records");
  rejects(with(R"("tls_key_update_records": 1000)", R"("tls_key_update_records": 23726567)"), "tls_key_update_records");
  rejects(with(R"("version": 1)", R"("version": 2)"), "version 2");
  rejects(with(R"(, "certificate": "p1.crt")", ""), "certificate is required");
  rejects(R"({"parties": []})", "at least 2 parties");
  rejects(R"({"transport": "tls"})", "missing field \"parties\"");
  rejects(R"([1, 2])", "JSON object");
  REQUIRE_THROWS_AS(PartyConfig::parse("{\"parties\": [", "/base"), DecodeError);
  // A number beyond double is malformed JSON too (nlohmann reports it as
  // out_of_range, which must not escape as a non-privfin exception).
  REQUIRE_THROWS_AS(PartyConfig::parse(R"({"version": 1e400})", "/base"), DecodeError);
  REQUIRE_THROWS_AS(PartyConfig::parse(R"({"parties": [{"id": -1e999}]})", "/base"), DecodeError);
  REQUIRE_THROWS_AS(PartyConfig::load("/nonexistent/cluster.json"), InvalidArgument);
}

TEST_CASE("write_local_cluster writes keys, certificates and a loadable config", "[net][config]") {
  test::TempDir dir;
  const auto written = net::write_local_cluster(dir.path() / "c", 3, "127.0.0.1", 46000);
  const auto loaded = PartyConfig::load(dir.path() / "c" / "cluster.json");
  REQUIRE(loaded.party_count() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(loaded.parties[i].port == 46000 + i);
    CHECK(loaded.parties[i].certificate == written.parties[i].certificate);
    struct stat st{};
    REQUIRE(::stat(loaded.parties[i].private_key.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    std::FILE* f = std::fopen(loaded.parties[i].certificate.c_str(), "rb");
    REQUIRE(f != nullptr);
    X509* cert = PEM_read_X509(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    REQUIRE(cert != nullptr);
    // Self-signed: the certificate verifies under its own key.
    CHECK(X509_verify(cert, X509_get0_pubkey(cert)) == 1);
    X509_free(cert);
  }
  REQUIRE_THROWS_AS(net::write_local_cluster(dir.path() / "d", 1), InvalidArgument);
  REQUIRE_THROWS_AS(net::write_local_cluster(dir.path() / "d", 3, "127.0.0.1", 65534), InvalidArgument);
}

TEST_CASE("The privfin-keygen tool writes a cluster", "[net][config]") {
  test::TempDir dir;
  const std::string tool = PRIVFIN_KEYGEN_TOOL;
  const std::string out = (dir.path() / "cluster").string();
  REQUIRE(std::system((tool + " --parties 4 --out '" + out + "' --base-port 45000 >/dev/null").c_str()) == 0);
  const auto c = PartyConfig::load(dir.path() / "cluster" / "cluster.json");
  CHECK(c.party_count() == 4);
  CHECK(c.parties[3].port == 45003);
  CHECK(std::filesystem::exists(dir.path() / "cluster" / "party3.key"));
  REQUIRE(std::system((tool + " --key '" + out + "/x.key' --cert '" + out + "/x.crt' --name x >/dev/null").c_str()) ==
          0);
  CHECK(std::filesystem::exists(dir.path() / "cluster" / "x.crt"));
  CHECK(std::system((tool + " --parties zero --out x 2>/dev/null").c_str()) != 0);
}
