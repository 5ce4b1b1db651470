// privfin/net/keygen.hpp — party credentials for TcpNetwork: a P-256 key
// pair with a self-signed certificate per party, and a complete config for
// an n-party cluster on one machine (what the `privfin-keygen` tool writes).
//
//   PartyConfig c = write_local_cluster("cluster", 3, "127.0.0.1", 47000);
//   // cluster/party0.key, party0.crt, ..., cluster/cluster.json
//
// Private keys are written with mode 0600 and never leave OpenSSL's memory
// otherwise. Throws InvalidArgument for bad arguments or unwritable files.
// Thread-safe (no shared state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "privfin/net/party_config.hpp"

namespace privfin::net {

// A fresh ECDSA P-256 key (PEM, PKCS#8) in `key_file` and a self-signed X.509
// v3 certificate for it with subject CN=`common_name` in `certificate_file`.
void write_party_credentials(const std::filesystem::path& key_file, const std::filesystem::path& certificate_file,
                             const std::string& common_name, int validity_days = 825);

// Credentials for parties 0..parties-1 in `dir` (created if needed) and
// dir/cluster.json listing them on `host` with ports base_port, base_port+1,
// ...; returns the configuration that was written (with absolute paths).
PartyConfig write_local_cluster(const std::filesystem::path& dir, std::size_t parties,
                                const std::string& host = "127.0.0.1", std::uint16_t base_port = 47000,
                                Transport transport = Transport::tls);

}  // namespace privfin::net
