// privfin/net/party_config.hpp — who the parties are and how to reach and
// authenticate them: ids, hosts, ports, certificate and key files, the
// transport and the timeouts. Loaded from a JSON file (format in
// docs/networking.md), e.g. one written by `privfin-keygen`.
//
//   PartyConfig config = PartyConfig::load("cluster/cluster.json");
//   auto net = TcpNetwork::connect(config, my_id);
//
// Relative file paths are resolved against the JSON file's folder. Every
// party lists its certificate; a party's private key is needed only on the
// machine that runs that party.
//
// Throws: DecodeError when the file is not valid JSON, InvalidArgument for a
// missing, unknown (misspelt) or wrong value (party id out of range or repeated, duplicate
// host:port, bad port, unknown transport, non-positive timeout), naming the
// field. Values only: thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace privfin::net {

enum class Transport {
  tls,             // TLS 1.3, mutual authentication, pinned certificates (default)
  plain_insecure,  // unauthenticated, unencrypted TCP: benchmarks on a trusted link only
};

[[nodiscard]] std::string_view to_string(Transport transport) noexcept;

struct PartyEndpoint {
  std::size_t id = 0;
  std::string host;
  std::uint16_t port = 0;
  std::filesystem::path certificate;  // PEM; required for Transport::tls
  std::filesystem::path private_key;  // PEM; only the local party's is used
};

struct PartyConfig {
  static constexpr int format_version = 1;

  std::vector<PartyEndpoint> parties;  // after validate(): parties[i].id == i
  Transport transport = Transport::tls;
  // Optional: when set, every peer's chain must also verify against this CA
  // bundle (in addition to the pinned public key).
  std::filesystem::path ca_certificate;
  std::chrono::milliseconds connect_timeout{30'000};
  std::chrono::milliseconds receive_timeout{60'000};
  std::size_t max_message_size = std::size_t{1} << 30;
  std::size_t socket_buffer_size = std::size_t{4} << 20;
  // TLS: a party moves to fresh sending keys (a TLS 1.3 KeyUpdate) after
  // this many records under one key: by default 2^22 records, 64 GiB of
  // 16 KiB records, well inside AES-GCM's limit of 2^24.5 (RFC 8446 §5.5).
  std::uint64_t tls_key_update_records = std::uint64_t{1} << 22;

  [[nodiscard]] static PartyConfig load(const std::filesystem::path& file);
  [[nodiscard]] static PartyConfig parse(std::string_view json_text, const std::filesystem::path& base_dir = {});
  [[nodiscard]] std::string to_json() const;
  // Writes to_json() to `file` (InvalidArgument if it cannot be written).
  void save(const std::filesystem::path& file) const;

  // Sorts parties by id and checks every value; throws InvalidArgument.
  void validate();
  [[nodiscard]] std::size_t party_count() const noexcept { return parties.size(); }
};

}  // namespace privfin::net
