// A party configuration file under every truncation and single-bit flip:
// refused (DecodeError for broken JSON, InvalidArgument for a wrong or
// unknown value, naming the field), or read as a different configuration.
#include <catch2/catch.hpp>

#include <string>

#include "privfin/core/error.hpp"
#include "privfin/net/party_config.hpp"
#include "support/wire_negative.hpp"

using namespace privfin;

TEST_CASE("wire: a party configuration refuses every truncation - a bit flip is "
          "refused or changes it",
          "[net][config][wire]") {
  net::PartyConfig config;
  config.parties = {
      {0, "127.0.0.1", 7000, "/etc/privfin/p0.crt", "/etc/privfin/p0.key"},
      {1, "127.0.0.1", 7001, "/etc/privfin/p1.crt", ""}};
  std::string json = config.to_json();
  while (!json.empty() && (json.back() == '\n' || json.back() == ' '))
    json.pop_back();
  const auto read = [](ByteView bytes) {
    try {
      return net::PartyConfig::parse(
                 std::string_view(reinterpret_cast<const char *>(bytes.data()),
                                  bytes.size()))
          .to_json();
    } catch (const InvalidArgument &e) {
      throw DecodeError(e.what()); // both are refusals here
    }
  };
  test::check_truncations_and_flips(
      as_bytes(json), read,
      [&](const std::string &j) { return j == config.to_json(); });
}

TEST_CASE("PartyConfig refuses an unknown (misspelt) key instead of using the "
          "default",
          "[net][config]") {
  const std::string base =
      R"({"parties": [{"id": 0, "host": "127.0.0.1", "port": 7000}, {"id": 1, "host": "127.0.0.1", "port": 7001}], )";
  CHECK_THROWS_WITH(
      net::PartyConfig::parse(base + R"("conect_timeout_ms": 500})"),
      Catch::Contains("unknown key \"conect_timeout_ms\""));
  CHECK_THROWS_WITH(
      net::PartyConfig::parse(
          R"({"parties": [{"id": 0, "host": "h", "port": 7000, "cert": "x"}]})"),
      Catch::Contains("parties[0]: unknown key \"cert\""));
  CHECK(net::PartyConfig::parse(base + R"("transport": "plain_insecure", "connect_timeout_ms": 500})")
            .connect_timeout.count() == 500);
}
