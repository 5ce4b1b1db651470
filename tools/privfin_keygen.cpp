// privfin-keygen — writes a key pair and self-signed certificate per party
// and a cluster configuration for TcpNetwork.
//
//   privfin-keygen --parties 3 --out cluster [--host 127.0.0.1] [--base-port 47000] [--plain]
//   privfin-keygen --key party.key --cert party.crt --name "bank-a"
//
// The first form writes cluster/party<i>.key (mode 0600), party<i>.crt and
// cluster/cluster.json for a cluster on one host; the second writes one
// party's credentials (for a cluster across machines, see docs/networking.md).
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>

#include "privfin/core/error.hpp"
#include "privfin/net/keygen.hpp"

namespace {

int usage() {
  std::fputs(
      "usage: privfin-keygen --parties N --out DIR [--host HOST] [--base-port PORT] [--plain]\n"
      "       privfin-keygen --key FILE --cert FILE --name COMMON_NAME [--days N]\n",
      stderr);
  return 2;
}

unsigned long number(const std::string& text, const char* what) {
  std::size_t used = 0;
  unsigned long v = 0;
  try {
    v = std::stoul(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty()) {
    throw privfin::InvalidArgument(std::string(what) + " must be a number, got \"" + text + "\"");
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  std::string out, host = "127.0.0.1", key, cert, name;
  unsigned long parties = 0, base_port = 47000, days = 825;
  bool plain = false;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string_view arg = argv[i];
      const auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw privfin::InvalidArgument(std::string(arg) + " needs a value");
        return argv[++i];
      };
      if (arg == "--parties") {
        parties = number(value(), "--parties");
      } else if (arg == "--out") {
        out = value();
      } else if (arg == "--host") {
        host = value();
      } else if (arg == "--base-port") {
        base_port = number(value(), "--base-port");
      } else if (arg == "--plain") {
        plain = true;
      } else if (arg == "--key") {
        key = value();
      } else if (arg == "--cert") {
        cert = value();
      } else if (arg == "--name") {
        name = value();
      } else if (arg == "--days") {
        days = number(value(), "--days");
      } else {
        return usage();
      }
    }
    if (!key.empty() || !cert.empty()) {
      if (key.empty() || cert.empty() || name.empty() || days > 36500) return usage();
      privfin::net::write_party_credentials(key, cert, name, static_cast<int>(days));
      std::printf("wrote %s and %s\n", key.c_str(), cert.c_str());
      return 0;
    }
    if (parties == 0 || out.empty() || base_port > 65535 || parties > 65535) return usage();
    const auto config = privfin::net::write_local_cluster(
        out, parties, host, static_cast<std::uint16_t>(base_port),
        plain ? privfin::net::Transport::plain_insecure : privfin::net::Transport::tls);
    std::printf("wrote %zu key pairs and %s/cluster.json\n", config.party_count(), out.c_str());
    return 0;
  } catch (const privfin::Error& e) {
    std::fprintf(stderr, "privfin-keygen: %s\n", e.what());
    return 1;
  }
}
